//! What the API accepts: strict JSON bodies and the query strings of its lists.
//!
//! Why the API has its own body types instead of sharing `ops`' input types with the HTML forms:
//! a form posts the same fields plus its hidden `csrf_token` (which the CSRF middleware checks),
//! so sharing would mean an API field that exists only for forms, and forms would have to be as
//! strict as the published contract. Here every body refuses unknown fields
//! (`deny_unknown_fields`, published as `additionalProperties: false`), so a misspelt field is a
//! 400 rather than a value silently dropped, while the forms' types stay as they were. Each body
//! converts into its `ops` input with a complete struct literal, so a field added to an
//! operation does not compile until the API has decided what to do with it.

use serde::{Deserialize, Deserializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, ToSchema};

use crate::ops::events::EventInput;
use crate::ops::indexes::{EventIndexQuery, ThreadIndexQuery, ThreadSort};
use crate::ops::sections::{SectionInput, SectionKind};
use crate::ops::threads::ThreadInput;

/// A string PostgreSQL can store. JSON allows `\u0000` but a `text` column does not, so a NUL
/// is refused while the body is parsed (400) instead of failing in the database (500).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if value.contains('\0') {
            return Err(serde::de::Error::custom("text cannot contain NUL characters"));
        }
        Ok(Text(value))
    }
}

impl utoipa::PartialSchema for Text {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[^\\u0000]*$"))
            .description(Some("Text without NUL characters (PostgreSQL cannot store them)."))
            .into()
    }
}

impl ToSchema for Text {}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.0
    }
}

/// Credentials for `POST /api/v1/session`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: Text,
    pub password: Text,
}

/// A new thread, for `POST /api/v1/threads`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewThread {
    /// Up to 200 characters.
    pub title: Text,
    /// The question the thread follows; up to 1000 characters.
    pub framing_question: Text,
    /// Lowercase letters, digits and single hyphens; derived from the title when absent or empty.
    #[serde(default)]
    pub slug: Option<Text>,
    #[serde(default = "default_status")]
    #[schema(schema_with = super::views::status_schema)]
    pub status: String,
    #[serde(default = "default_stance")]
    #[schema(schema_with = super::views::stance_schema)]
    pub stance: String,
}

fn default_status() -> String {
    "active".to_owned()
}

fn default_stance() -> String {
    "contested".to_owned()
}

impl From<NewThread> for ThreadInput {
    fn from(b: NewThread) -> Self {
        ThreadInput {
            title: b.title.into(),
            framing_question: b.framing_question.into(),
            slug: b.slug.map(String::from),
            status: b.status,
            stance: b.stance,
            reason: String::new(),
        }
    }
}

/// A section item (`POST /api/v1/threads/{slug}/{kind}`, `PUT .../{kind}/{id}`). Which fields
/// count depends on the kind: arc `label`, `title`, `body`; interpretations `title`, `body`,
/// `proponents`; questions `question`; controversies `title`, `body`. The others are ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionItemBody {
    /// Arc: when it was ("2023", "Early 2025"); up to 40 characters.
    #[serde(default)]
    pub label: Text,
    /// Arc, interpretations, controversies: up to 200 characters.
    #[serde(default)]
    pub title: Text,
    /// Arc, interpretations, controversies: Markdown, at most 20 KB.
    #[serde(default)]
    pub body: Text,
    /// Interpretations: one name per line (commas also separate), at most 50.
    #[serde(default)]
    pub proponents: Text,
    /// Questions: up to 1000 characters.
    #[serde(default)]
    pub question: Text,
    /// Edits (`PUT`) only, and required there: the item's version the edit started from; a
    /// newer version makes the edit a 409. Ignored on creation.
    #[serde(default)]
    pub base_version: Option<i32>,
    /// Why; kept in the thread's changelog (up to 300 characters).
    #[serde(default)]
    pub reason: Text,
}

impl From<SectionItemBody> for SectionInput {
    fn from(b: SectionItemBody) -> Self {
        SectionInput {
            label: b.label.into(),
            title: b.title.into(),
            body: b.body.into(),
            proponents: b.proponents.into(),
            question: b.question.into(),
            base_version: b.base_version,
            reason: b.reason.into(),
        }
    }
}

/// An event (`POST /api/v1/events`, `PUT /api/v1/events/{id}`, `POST /api/v1/threads/{slug}/events`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    /// When it happened, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub date: String,
    /// Up to 300 characters.
    pub title: Text,
    #[serde(default = "default_significance")]
    #[schema(schema_with = super::views::significance_schema)]
    pub significance: String,
    /// A source: a full `http://` or `https://` address; empty or `null` for none.
    #[serde(default)]
    pub url: Option<Text>,
    /// Markdown, at most 20 KB.
    #[serde(default)]
    pub body: Text,
    /// Edits only: why; kept in the changelog (up to 300 characters).
    #[serde(default)]
    pub reason: Text,
}

fn default_significance() -> String {
    "notable".to_owned()
}

impl From<EventBody> for EventInput {
    fn from(b: EventBody) -> Self {
        EventInput {
            date: b.date,
            title: b.title.into(),
            significance: b.significance,
            url: b.url.map(String::from),
            body: b.body.into(),
            reason: b.reason.into(),
        }
    }
}

/// The `{kind}` path segment of section items. Its schema lists `SectionKind`'s own segments,
/// so the document cannot drift from what the handlers accept (anything else is a 404).
pub struct SectionSegment;

impl utoipa::PartialSchema for SectionSegment {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(SectionKind::ALL.iter().map(|k| k.segment())))
            .into()
    }
}

impl ToSchema for SectionSegment {}

/// The `{slug}` path segment: exactly what `validate::slug` accepts (lowercase letters, digits
/// and single hyphens, at most 80); any other segment names no thread (404).
pub struct Slug;

impl utoipa::PartialSchema for Slug {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[a-z0-9]+(-[a-z0-9]+)*$"))
            .max_length(Some(80))
            .examples(["open-vs-closed-weights"])
            .into()
    }
}

impl ToSchema for Slug {}

/// `?before=`: where the history continues.
/// `?after=`: where a list continues.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AfterParam {
    /// The `next_cursor` of the previous page; absent for the first page.
    #[param(min_length = 1)]
    pub after: Option<String>,
}

/// A list filter's value published as one of a fixed set (the domain's own list); anything
/// else is a 400 with the allowed values.
macro_rules! named_values {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema.into()
            }
        }

        impl ToSchema for $name {}
    };
}

named_values!(
    /// The `?status=` filter.
    StatusName => super::views::status_schema()
);
named_values!(
    /// The `?stance=` filter.
    StanceName => super::views::stance_schema()
);
named_values!(
    /// The `?significance=` filter.
    SignificanceName => super::views::significance_schema()
);
named_values!(
    /// A source's tier.
    TierName => super::views::one_of(crate::domain::thread::Tier::ALL.iter().map(|s| s.as_str()))
);
named_values!(
    /// A source's kind.
    SourceKindName => super::views::one_of(crate::domain::thread::SourceKind::ALL.iter().map(|s| s.as_str()))
);
named_values!(
    /// What the link checker last found at a source's address.
    LinkStatusName => super::views::one_of(crate::domain::thread::LinkStatus::ALL.iter().map(|s| s.as_str()))
);
named_values!(
    /// The `?sort=` order of the thread list.
    ThreadSortName => super::views::one_of(ThreadSort::ALL.iter().map(|s| s.as_str()))
);
named_values!(
    /// The `?attention=` filter of the thread list (issue 17).
    AttentionFilterName => super::views::one_of([crate::ops::indexes::NEEDS_ATTENTION].into_iter())
);

/// `?status=&stance=&sort=&attention=&after=` on the thread list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadListParams {
    /// Only threads with this status.
    #[param(value_type = Option<StatusName>, inline)]
    pub status: Option<String>,
    /// Only threads with this stance.
    #[param(value_type = Option<StanceName>, inline)]
    pub stance: Option<String>,
    /// `activity` (newest activity first, the default), `created` (newest first) or `title` (A–Z).
    #[param(value_type = Option<ThreadSortName>, inline)]
    pub sort: Option<String>,
    /// `needs`: only the threads that need attention.
    #[param(value_type = Option<AttentionFilterName>, inline)]
    pub attention: Option<String>,
    /// The `next_cursor` of the previous page, made for the same `sort`; absent for the first page.
    #[param(min_length = 1)]
    pub after: Option<String>,
}

impl From<ThreadListParams> for ThreadIndexQuery {
    fn from(p: ThreadListParams) -> Self {
        ThreadIndexQuery { status: p.status, stance: p.stance, sort: p.sort, after: p.after, attention: p.attention }
    }
}

/// `?significance=&year=&thread=&after=` on the event list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListParams {
    /// Only events of this significance.
    #[param(value_type = Option<SignificanceName>, inline)]
    pub significance: Option<String>,
    /// Only events of this calendar year, e.g. 2024.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 9999)]
    pub year: Option<String>,
    /// Only the events of the thread with this slug (an unknown slug is a 404).
    pub thread: Option<String>,
    /// The `next_cursor` of the previous page; absent for the first page.
    #[param(min_length = 1)]
    pub after: Option<String>,
}

impl From<EventListParams> for EventIndexQuery {
    fn from(p: EventListParams) -> Self {
        EventIndexQuery { significance: p.significance, year: p.year, thread: p.thread, after: p.after }
    }
}

//! The JSON shapes the API returns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

use super::synthesis_views::RevisionDetail;
use crate::domain::roles::Role;
use crate::domain::thread::{Significance, Stance, Status};
use crate::ops::events::EventRow;
use crate::ops::thread_page::ThreadPageData;
use crate::ops::threads::ThreadRow;

/// A string that is one of `values` (the domain's own list, so the document cannot drift).
pub fn one_of(values: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build()
}

/// Like [`one_of`], or `null` (a field that only some rows have).
pub fn one_of_or_null(values: impl IntoIterator<Item = &'static str>) -> Object {
    let values = values.into_iter().map(serde_json::Value::from).chain([serde_json::Value::Null]);
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values))
        .build()
}

/// A thread's status as the API writes and accepts it.
pub fn status_schema() -> Object {
    one_of(Status::ALL.iter().map(|s| s.as_str()))
}

/// A thread's stance.
pub fn stance_schema() -> Object {
    one_of(Stance::ALL.iter().map(|s| s.as_str()))
}

/// An event's significance.
pub fn significance_schema() -> Object {
    one_of(Significance::ALL.iter().map(|s| s.as_str()))
}

/// A user's role.
pub fn role_schema() -> Object {
    one_of(Role::ALL.iter().map(|r| r.as_str()))
}

/// Every error: `{"error": "..."}`; a 500 also carries the request id to quote in a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    pub error: String,
    /// 500 only: the reference the server's log has the cause under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// A thread in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadSummary {
    pub slug: String,
    pub title: String,
    pub framing_question: String,
    #[schema(schema_with = status_schema)]
    pub status: &'static str,
    #[schema(schema_with = stance_schema)]
    pub stance: &'static str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub head_seq: i32,
    /// Whether the thread needs attention now (issue 17): a landmark or major event newer than
    /// its synthesis, or an open question quiet for long. See `/api/v1/attention` for why.
    pub needs_attention: bool,
}

impl From<&ThreadRow> for ThreadSummary {
    fn from(t: &ThreadRow) -> Self {
        ThreadSummary {
            slug: t.slug.clone(),
            title: t.title.clone(),
            framing_question: t.framing_question.clone(),
            status: t.status().as_str(),
            stance: t.stance().as_str(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            head_seq: t.head_seq,
            // The list and the thread's detail decide it; a thread just created has nothing
            // to attend to.
            needs_attention: false,
        }
    }
}

/// A page of threads.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadList {
    pub threads: Vec<ThreadSummary>,
    /// Pass as `?after=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A titled section item.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionItem {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proponents: Option<Vec<String>>,
}

/// An open question.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionItem {
    pub id: i64,
    pub question: String,
}

/// An event in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    pub id: i64,
    pub date: NaiveDate,
    pub title: String,
    #[schema(schema_with = significance_schema)]
    pub significance: &'static str,
    pub url: Option<String>,
}

impl From<&EventRow> for EventSummary {
    fn from(e: &EventRow) -> Self {
        EventSummary {
            id: e.id,
            date: e.occurred_on,
            title: e.title.clone(),
            significance: e.significance().as_str(),
            url: e.url.clone(),
        }
    }
}

/// A thread a detail view links to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadLink {
    pub slug: String,
    pub title: String,
}

/// An event with its description and threads.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDetail {
    #[serde(flatten)]
    pub summary: EventSummary,
    pub body_markdown: String,
    pub body_html: String,
    pub threads: Vec<ThreadLink>,
}

/// An event in a list, with every thread it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventListed {
    #[serde(flatten)]
    pub summary: EventSummary,
    /// By title.
    pub threads: Vec<ThreadLink>,
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub events: Vec<EventListed>,
    /// Pass as `?after=` (with the same filters) for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Everything on a thread page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadDetail {
    #[serde(flatten)]
    pub summary: ThreadSummary,
    pub curators: Vec<String>,
    pub synthesis: Option<RevisionDetail>,
    pub arc: Vec<SectionItem>,
    pub interpretations: Vec<SectionItem>,
    pub open_questions: Vec<QuestionItem>,
    pub events: Vec<EventSummary>,
    pub controversies: Vec<SectionItem>,
}

impl From<&ThreadPageData> for ThreadDetail {
    fn from(d: &ThreadPageData) -> Self {
        ThreadDetail {
            summary: ThreadSummary::from(&d.thread),
            curators: d.curators.clone(),
            synthesis: d.synthesis.clone().map(RevisionDetail::from),
            arc: d
                .arc
                .iter()
                .map(|p| SectionItem {
                    id: p.id,
                    label: Some(p.label.clone()),
                    title: p.title.clone(),
                    body_markdown: p.body_md.clone(),
                    body_html: p.body_html.clone(),
                    proponents: None,
                })
                .collect(),
            interpretations: d
                .interpretations
                .iter()
                .map(|i| SectionItem {
                    id: i.row.id,
                    label: None,
                    title: i.row.title.clone(),
                    body_markdown: i.row.body_md.clone(),
                    body_html: i.row.body_html.clone(),
                    proponents: Some(i.proponents.clone()),
                })
                .collect(),
            open_questions: d
                .questions
                .iter()
                .map(|q| QuestionItem { id: q.id, question: q.question.clone() })
                .collect(),
            events: d.events.iter().map(EventSummary::from).collect(),
            controversies: d
                .controversies
                .iter()
                .map(|c| SectionItem {
                    id: c.id,
                    label: None,
                    title: c.title.clone(),
                    body_markdown: c.body_md.clone(),
                    body_html: c.body_html.clone(),
                    proponents: None,
                })
                .collect(),
        }
    }
}

/// The id of an item or event that was created or changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemId {
    pub id: i64,
}

//! Recording and correcting sources, the sources index, and a source's page: its fields, link
//! health, change history and everything that cites it.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::{Connection, PgConnection};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{access, changelog, visibility};
use crate::auth::CurrentUser;
use crate::db::changes::{self, ChangeFilter, NewChange, Seek};
use crate::db::sources::{self, SourceFields, SourceListQuery};
use crate::db::threads;
use crate::db::{self, PgPool};
use crate::domain::history::Area;
use crate::domain::ids::SourceId;
use crate::domain::roles::{self, Role};
use crate::domain::source_url;
use crate::domain::thread::{LinkStatus, SourceKind, Tier};
use crate::domain::validate;
use crate::error::AppError;
use crate::render::pages::changes::ChangeEntryView;

pub use crate::db::sources::{CitedBy, SourceRow};

/// Sources per index page.
pub const SOURCES_PER_PAGE: i64 = 50;
/// Places listed under "what cites this" (the rest are counted).
pub const CITED_BY_SHOWN: i64 = 100;
/// Changes listed on a source's page.
const HISTORY_SHOWN: i64 = 50;

/// A source as a form or JSON body sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SourceInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub publisher: String,
    /// YYYY-MM-DD, or empty.
    #[serde(default)]
    pub published_on: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub tier: String,
    /// Why (required on edits); kept in the changelog.
    #[serde(default)]
    pub reason: String,
    /// The version the edit form was made from (edits only).
    #[serde(default)]
    pub base_version: Option<i32>,
}

impl SourceInput {
    /// Validates; the URL is normalized (only http and https), an empty one means offline.
    pub fn fields(&self) -> Result<SourceFields, AppError> {
        let url = match self.url.trim() {
            "" => None,
            typed => Some(source_url::normalize(typed).map_err(|r| AppError::Invalid(format!("The address: {r}")))?),
        };
        let published_on = match self.published_on.trim() {
            "" => None,
            typed => Some(validate::date("the publication date", typed).map_err(AppError::Invalid)?),
        };
        let kind = SourceKind::parse(self.kind.trim()).ok_or_else(|| {
            AppError::Invalid(format!("the kind must be one of: {}", words(SourceKind::ALL.iter().map(|k| k.as_str()))))
        })?;
        let tier = Tier::parse(self.tier.trim()).ok_or_else(|| {
            AppError::Invalid(format!("the tier must be one of: {}", words(Tier::ALL.iter().map(|t| t.as_str()))))
        })?;
        Ok(SourceFields {
            title: validate::required("the title", &self.title, 300).map_err(AppError::Invalid)?,
            url,
            publisher: validate::optional("the publisher or author", Some(&self.publisher), 300)
                .map_err(AppError::Invalid)?
                .unwrap_or_default(),
            published_on,
            kind,
            tier,
        })
    }

    /// The form's values for a stored source.
    pub fn of(row: &SourceRow) -> Self {
        SourceInput {
            title: row.title.clone(),
            url: row.url.clone().unwrap_or_default(),
            publisher: row.publisher.clone(),
            published_on: row.published_on.map(|d| d.to_string()).unwrap_or_default(),
            kind: row.kind.clone(),
            tier: row.tier.clone(),
            reason: String::new(),
            base_version: Some(row.version),
        }
    }
}

fn words<'a>(values: impl Iterator<Item = &'a str>) -> String {
    values.collect::<Vec<_>>().join(", ")
}

/// How a create or edit ended when it was not refused outright.
#[derive(Debug)]
pub enum SaveOutcome {
    Saved(SourceId),
    /// Another source already has this (normalized) URL: offered instead of a duplicate.
    Duplicate(Box<SourceRow>),
    /// The source changed since the form's `base_version`: its current state.
    Stale(Box<SourceRow>),
}

/// The message a duplicate is refused with.
pub fn duplicate_message(existing: &SourceRow) -> String {
    format!("a source with this address is already recorded: “{}”; cite that one instead", existing.title)
}

/// Refuses a user who may not record or correct sources: suspended, a reader, or a curator who
/// curates no thread (moderators and admins always may).
fn check_may_edit(c: &mut PgConnection, user: &CurrentUser) -> Result<(), AppError> {
    access::refuse_if_suspended(user)?;
    let curates = user.role >= Role::Curator && threads::curates_some(c, user.id)?;
    if roles::can_edit_sources(user.role, curates) {
        Ok(())
    } else if user.role >= Role::Curator {
        Err(AppError::Forbidden("only curators of a thread, and moderators, can record or edit sources".to_owned()))
    } else {
        Err(AppError::Forbidden("your role cannot record or edit sources".to_owned()))
    }
}

/// Whether `user` may record and correct sources (the pages show the links).
pub fn may_edit_in(c: &mut PgConnection, user: Option<&CurrentUser>) -> Result<bool, AppError> {
    match user {
        Some(u) if u.role >= Role::Curator => match check_may_edit(c, u) {
            Ok(()) => Ok(true),
            Err(AppError::Forbidden(_)) => Ok(false),
            Err(other) => Err(other),
        },
        _ => Ok(false),
    }
}

/// Refuses readers and suspended users before any connection is taken.
fn quick_check(user: &CurrentUser) -> Result<(), AppError> {
    access::require(user, |r| r >= Role::Curator, "record or edit sources")
}

/// Records a source, unless another one has the same normalized URL.
pub fn create_in(conn: &mut PgConnection, user: &CurrentUser, input: &SourceInput) -> Result<SaveOutcome, AppError> {
    quick_check(user)?;
    let fields = input.fields()?;
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        check_may_edit(c, user)?;
        if let Some(existing) = existing_with_url(c, fields.url.as_deref(), None)? {
            return Ok(SaveOutcome::Duplicate(Box::new(existing)));
        }
        // A savepoint: a racing insert of the same URL fails only this statement.
        let inserted = c.transaction(|c| sources::insert(c, &fields, user.id));
        let id = match inserted {
            Ok(id) => id,
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return match existing_with_url(c, fields.url.as_deref(), None)? {
                    Some(existing) => Ok(SaveOutcome::Duplicate(Box::new(existing))),
                    None => Err(AppError::Conflict("the source could not be saved; try again".to_owned())),
                };
            }
            Err(other) => return Err(other.into()),
        };
        let (title, after) = snapshot(c, id)?;
        record(c, user, id, "created", &title, &reason, None, Some(after))?;
        Ok(SaveOutcome::Saved(id))
    })
}

/// The async entry of [`create_in`].
pub async fn create(pool: &PgPool, user: &CurrentUser, input: SourceInput) -> Result<SaveOutcome, AppError> {
    quick_check(user)?;
    let user = user.clone();
    db::with_conn(pool, move |c| create_in(c, &user, &input)).await
}

fn existing_with_url(
    c: &mut PgConnection,
    url: Option<&str>,
    except: Option<SourceId>,
) -> Result<Option<SourceRow>, AppError> {
    let Some(url) = url else { return Ok(None) };
    Ok(sources::by_url(c, url)?.filter(|row| Some(row.source_id()) != except))
}

/// Corrects a source at `input.base_version` (a stale version comes back as `Stale`).
pub fn update_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    id: SourceId,
    input: &SourceInput,
) -> Result<SaveOutcome, AppError> {
    quick_check(user)?;
    conn.transaction(|c| {
        check_may_edit(c, user)?;
        let current = sources::by_id(c, id)?;
        let base = input.base_version.ok_or_else(|| {
            AppError::Invalid("base_version is missing: reload the edit form and try again".to_owned())
        })?;
        let fields = input.fields()?;
        let reason = validate::required_reason(&input.reason, "the change").map_err(AppError::Invalid)?;
        if base != current.version {
            return Ok(SaveOutcome::Stale(Box::new(current)));
        }
        if let Some(existing) = existing_with_url(c, fields.url.as_deref(), Some(id))? {
            return Ok(SaveOutcome::Duplicate(Box::new(existing)));
        }
        let url_changed = fields.url != current.url;
        let (_, before) = snapshot_of(&current);
        let updated = c.transaction(|c| sources::update(c, id, base, &fields, url_changed));
        match updated {
            Ok(true) => {}
            Ok(false) => return Ok(SaveOutcome::Stale(Box::new(sources::by_id(c, id)?))),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                return match existing_with_url(c, fields.url.as_deref(), Some(id))? {
                    Some(existing) => Ok(SaveOutcome::Duplicate(Box::new(existing))),
                    None => Err(AppError::Conflict("the source could not be saved; try again".to_owned())),
                };
            }
            Err(other) => return Err(other.into()),
        }
        let (title, after) = snapshot(c, id)?;
        if before != after {
            record(c, user, id, "edited", &title, &reason, Some(before), Some(after))?;
        }
        Ok(SaveOutcome::Saved(id))
    })
}

/// The async entry of [`update_in`].
pub async fn update(
    pool: &PgPool,
    user: &CurrentUser,
    id: SourceId,
    input: SourceInput,
) -> Result<SaveOutcome, AppError> {
    quick_check(user)?;
    let user = user.clone();
    db::with_conn(pool, move |c| update_in(c, &user, id, &input)).await
}

/// The source's current values, for its edit form.
pub fn load_for_edit_in(conn: &mut PgConnection, user: &CurrentUser, id: SourceId) -> Result<SourceRow, AppError> {
    quick_check(user)?;
    check_may_edit(conn, user)?;
    sources::by_id(conn, id)
}

/// The async entry of [`load_for_edit_in`].
pub async fn load_for_edit(pool: &PgPool, user: &CurrentUser, id: SourceId) -> Result<SourceRow, AppError> {
    quick_check(user)?;
    let user = user.clone();
    db::with_conn(pool, move |c| load_for_edit_in(c, &user, id)).await
}

/// Whether `user` may record sources (the "new source" form): 403 otherwise.
pub async fn require_editor(pool: &PgPool, user: &CurrentUser) -> Result<(), AppError> {
    quick_check(user)?;
    let user = user.clone();
    db::with_conn(pool, move |c| check_may_edit(c, &user)).await
}

/// A source's fields as the changelog keeps them, and its title.
fn snapshot_of(row: &SourceRow) -> (String, Value) {
    let value = json!({
        "title": row.title,
        "url": row.url,
        "publisher": row.publisher,
        "published_on": row.published_on.map(|d| d.to_string()),
        "kind": row.kind,
        "tier": row.tier,
    });
    (row.title.clone(), value)
}

fn snapshot(c: &mut PgConnection, id: SourceId) -> Result<(String, Value), AppError> {
    Ok(snapshot_of(&sources::by_id(c, id)?))
}

#[expect(clippy::too_many_arguments, reason = "one entry has this many parts; a struct would only rename them")]
fn record(
    c: &mut PgConnection,
    user: &CurrentUser,
    id: SourceId,
    action: &str,
    title: &str,
    reason: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), AppError> {
    changes::record(
        c,
        &NewChange {
            thread: None,
            event: None,
            // No thread or event: nobody is notified (sources are followed through the threads
            // citing them).
            source: Some(id),
            audience: changes::Audience::Followers,
            area: Area::Source,
            action,
            subject_id: Some(id.0),
            subject: title,
            rev_seq: None,
            actor: user.id,
            reason,
            before,
            after,
            minor: false,
            autopatrolled: roles::can_moderate(user.role),
        },
    )?;
    Ok(())
}

/// Puts a source back to `to`, a version from its changelog (or, when `None`, a placeholder that
/// keeps its kind and tier), after a moderator hid or showed again one of its entries; recorded
/// as `restored`, in the caller's transaction. An address another source has taken meanwhile is
/// left out (the source becomes offline material) rather than failing the moderation.
pub(super) fn restore_in(
    c: &mut PgConnection,
    user: &CurrentUser,
    id: SourceId,
    to: Option<&Value>,
    reason: &str,
) -> Result<(), AppError> {
    let current = sources::by_id(c, id)?;
    let (_, before) = snapshot_of(&current);
    let to = to.cloned().unwrap_or_else(|| {
        json!({ "title": super::restore::HIDDEN_PLACEHOLDER, "url": null, "publisher": "", "published_on": null,
                "kind": before["kind"], "tier": before["tier"] })
    });
    if before == to {
        return Ok(());
    }
    let text = |field: &str| to[field].as_str().unwrap_or_default().to_owned();
    let url = match to["url"].as_str() {
        Some(u) if existing_with_url(c, Some(u), Some(id))?.is_none() => Some(u.to_owned()),
        _ => None,
    };
    let fields = SourceFields {
        title: text("title"),
        url,
        publisher: text("publisher"),
        published_on: to["published_on"].as_str().and_then(|d| d.parse().ok()),
        kind: SourceKind::parse(&text("kind")).unwrap_or(current.kind()),
        tier: Tier::parse(&text("tier")).unwrap_or(current.tier()),
    };
    let url_changed = fields.url != current.url;
    sources::update(c, id, current.version, &fields, url_changed)?;
    let (title, after) = snapshot(c, id)?;
    record(c, user, id, changes::RESTORED, &title, reason, Some(before), Some(after))
}

/// `?tier=&kind=&thread=&link_status=&q=&after=` on the sources index (HTML and JSON); empty
/// means "any".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SourceIndexQuery {
    pub tier: Option<String>,
    pub kind: Option<String>,
    /// A thread's slug: the sources its texts cite.
    pub thread: Option<String>,
    pub link_status: Option<String>,
    /// Words of the title or publisher, or a piece of the URL.
    pub q: Option<String>,
    pub after: Option<String>,
}

fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn unknown<'a>(what: &str, value: &str, known: impl Iterator<Item = &'a str>) -> AppError {
    AppError::BadRequest(format!("unknown {what} \"{value}\"; use one of: {}", words(known)))
}

impl SourceIndexQuery {
    /// The validated filters (the thread still as a slug); a bad value is a 400.
    pub fn parse(&self) -> Result<(SourceListQuery, Option<String>), AppError> {
        let tier = given(self.tier.as_deref())
            .map(|s| Tier::parse(s).ok_or_else(|| unknown("tier", s, Tier::ALL.iter().map(|v| v.as_str()))))
            .transpose()?;
        let kind = given(self.kind.as_deref())
            .map(|s| SourceKind::parse(s).ok_or_else(|| unknown("kind", s, SourceKind::ALL.iter().map(|v| v.as_str()))))
            .transpose()?;
        let link_status = given(self.link_status.as_deref())
            .map(|s| {
                LinkStatus::parse(s)
                    .ok_or_else(|| unknown("link status", s, LinkStatus::ALL.iter().map(|v| v.as_str())))
            })
            .transpose()?;
        let text = validate::optional("the search text", self.q.as_deref(), 200).map_err(AppError::BadRequest)?;
        let after = given(self.after.as_deref())
            .map(|a| {
                a.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| AppError::BadRequest("the page cursor is not valid".to_owned()))
            })
            .transpose()?;
        let thread = given(self.thread.as_deref()).map(str::to_owned);
        Ok((SourceListQuery { tier, kind, link_status, thread: None, text, after }, thread))
    }

    /// The thread filter as given (its slug), or empty.
    pub fn thread_slug(&self) -> &str {
        given(self.thread.as_deref()).unwrap_or_default()
    }
}

/// A page of the sources index.
pub struct SourcesIndex {
    pub sources: Vec<SourceRow>,
    pub next: Option<String>,
    /// The filters, for the form and the next page's link.
    pub query: SourceListQuery,
    /// The `thread` filter named no thread.
    pub unknown_thread: bool,
    /// Whether the visitor may record sources.
    pub can_create: bool,
}

/// One page of sources, newest first, filtered; an unknown thread slug is a 404.
pub fn index_in(
    conn: &mut PgConnection,
    user: Option<&CurrentUser>,
    mut query: SourceListQuery,
    thread_slug: Option<String>,
) -> Result<SourcesIndex, AppError> {
    let filters = query.clone();
    if let Some(slug) = thread_slug {
        query.thread = Some(access::thread_by_slug(conn, &slug)?.thread_id());
    }
    let rows = sources::list_page(conn, &query, SOURCES_PER_PAGE + 1)?;
    let (sources, next) = db::keyset_page(rows, SOURCES_PER_PAGE, |s| s.id.to_string());
    let can_create = may_edit_in(conn, user)?;
    Ok(SourcesIndex { sources, next, query: filters, unknown_thread: false, can_create })
}

/// One page of the sources index (the JSON list): an unknown thread slug is a 404.
pub async fn index(pool: &PgPool, raw: &SourceIndexQuery) -> Result<SourcesIndex, AppError> {
    let (query, slug) = raw.parse()?;
    db::with_conn(pool, move |c| index_in(c, None, query, slug)).await
}

/// The sources index page: an unknown thread slug gives an empty page marked `unknown_thread`.
pub async fn index_page(
    pool: &PgPool,
    user: Option<&CurrentUser>,
    raw: &SourceIndexQuery,
) -> Result<SourcesIndex, AppError> {
    let (query, slug) = raw.parse()?;
    let named_thread = slug.is_some();
    let filters = query.clone();
    let user = user.cloned();
    db::with_conn(pool, move |c| match index_in(c, user.as_ref(), query, slug) {
        Err(AppError::NotFound) if named_thread => Ok(SourcesIndex {
            sources: Vec::new(),
            next: None,
            query: filters,
            unknown_thread: true,
            can_create: may_edit_in(c, user.as_ref())?,
        }),
        other => other,
    })
    .await
}

/// A source with what its page and the API show.
pub struct SourceDetail {
    pub source: SourceRow,
    /// What cites it now, at most `CITED_BY_SHOWN`.
    pub cited_by: Vec<CitedBy>,
    /// How many more places cite it than are listed.
    pub more_citing: i64,
    /// Its changes, newest first.
    pub history: Vec<ChangeEntryView>,
    pub can_edit: bool,
}

/// A source, what cites it (hidden revisions only for moderators), its history.
pub fn detail_in(conn: &mut PgConnection, user: Option<&CurrentUser>, id: SourceId) -> Result<SourceDetail, AppError> {
    let source = sources::by_id(conn, id)?;
    let viewer = user.map(|u| u.role);
    let see_hidden = viewer.is_some_and(roles::can_see_hidden);
    let mut cited_by = sources::cited_by(conn, id, see_hidden, CITED_BY_SHOWN + 1)?;
    let more_citing = if cited_by.len() > usize::try_from(CITED_BY_SHOWN).unwrap_or(0) {
        cited_by.truncate(usize::try_from(CITED_BY_SHOWN).unwrap_or(0));
        sources::cited_by_count(conn, id, see_hidden)? - CITED_BY_SHOWN
    } else {
        0
    };
    let filter = ChangeFilter { area: Some(Area::Source), subject: Some(id.0), ..Default::default() };
    let mut rows = changes::list(conn, &filter, Seek::Before(None), HISTORY_SHOWN)?;
    visibility::redact_changes(&mut rows, viewer);
    let history = rows.iter().map(changelog::entry_view).collect();
    let can_edit = may_edit_in(conn, user)?;
    Ok(SourceDetail { source, cited_by, more_citing, history, can_edit })
}

/// The async entry of [`detail_in`].
pub async fn detail(pool: &PgPool, user: Option<&CurrentUser>, id: SourceId) -> Result<SourceDetail, AppError> {
    let user = user.cloned();
    db::with_conn(pool, move |c| detail_in(c, user.as_ref(), id)).await
}

/// Where a place citing a source is, on the site: the thread's paragraph or item, the event,
/// or the matrix cell.
pub fn cited_by_href(c: &CitedBy) -> String {
    let slug = c.thread_slug.as_deref().unwrap_or_default();
    match c.owner_kind.as_str() {
        "revision" => format!("/threads/{slug}#para-{}", c.paragraph + 1),
        "event" => format!("/events/{}", c.owner_id),
        "matrix_cell" => format!(
            "/threads/{slug}/matrix#cell-{}-{}",
            c.cell_interpretation.unwrap_or_default(),
            c.cell_event.unwrap_or_default()
        ),
        kind => format!("/threads/{slug}#{kind}-{}", c.owner_id),
    }
}

/// What a place citing a source is, in words: "Synthesis, paragraph 3", "Interpretation “…”".
pub fn cited_by_words(c: &CitedBy) -> String {
    match c.owner_kind.as_str() {
        "revision" => format!("Synthesis, paragraph {}", c.paragraph + 1),
        "interpretation" => format!("Interpretation “{}”", c.label),
        "question" => format!("Open question “{}”", c.label),
        "controversy" => format!("Controversy “{}”", c.label),
        "arc" => format!("Arc period “{}”", c.label),
        "event" => format!("Event “{}”", c.label),
        "matrix_cell" => format!("Evidence matrix: {}", c.label),
        _ => c.label.clone(),
    }
}

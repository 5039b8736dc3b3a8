//! Recording events and linking them to threads.

use diesel::{Connection, PgConnection};
use serde::Deserialize;
use serde_json::{Value, json};

use super::access;
use crate::auth::CurrentUser;
use crate::db::changes::{self, NewChange};
use crate::db::citations as db_citations;
use crate::db::events::{self, EventFields};
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::citation::{Cite, Owner, OwnerKind};
use crate::domain::history::Area;
use crate::domain::ids::{EventId, ThreadId};
use crate::domain::{roles, validate};
use crate::error::AppError;

pub use crate::db::events::EventRow;

/// The `(slug, title)` of every thread an event belongs to.
pub type EventThreads = Vec<(String, String)>;

/// An event as a form or JSON body sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventInput {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub title: String,
    #[serde(default = "default_significance")]
    pub significance: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub body: String,
    /// Why (edits only); kept in the changelog.
    #[serde(default)]
    pub reason: String,
}

fn default_significance() -> String {
    "notable".to_owned()
}

impl EventInput {
    /// Validates and renders, with what the description cites (a marker naming nothing is
    /// refused).
    pub fn fields(&self, conn: &mut PgConnection) -> Result<(EventFields, Vec<Cite>), AppError> {
        let body_md = validate::markdown("the description", &self.body, validate::MAX_SECTION_BODY_BYTES)
            .map_err(AppError::Invalid)?;
        let rendered = super::citations::render_in(conn, &body_md)?;
        let fields = EventFields {
            occurred_on: validate::date("the date", &self.date).map_err(AppError::Invalid)?,
            title: validate::required("the title", &self.title, 300).map_err(AppError::Invalid)?,
            significance: validate::significance(&self.significance).map_err(AppError::Invalid)?,
            url: validate::link(self.url.as_deref()).map_err(AppError::Invalid)?,
            body_html: rendered.html,
            body_md,
        };
        Ok((fields, rendered.cites))
    }
}

/// Records an event; when `thread_slug` is given, also adds it to that thread.
pub fn create_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    thread_slug: Option<&str>,
    input: &EventInput,
) -> Result<EventId, AppError> {
    access::require(user, roles::can_edit_events, "record events")?;
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let thread = thread_slug.map(|slug| access::editable_thread(c, slug, user)).transpose()?;
        let (fields, cites) = input.fields(c)?;
        let event = events::insert(c, &fields, user.id)?;
        db_citations::insert(c, Owner { kind: OwnerKind::Event, id: event.0 }, None, &cites)?;
        let (title, after) = snapshot(c, event)?;
        record(c, user, None, event, "created", &title, &reason, None, Some(after))?;
        if let Some(thread) = thread {
            events::link(c, thread.thread_id(), event)?;
            record(c, user, Some(thread.thread_id()), event, "linked", &title, "", None, None)?;
            threads::touch(c, thread.thread_id())?;
        }
        Ok(event)
    })
}

/// The async entry of [`create_in`]; a refused role or a bad reason costs no connection.
pub async fn create(
    pool: &PgPool,
    user: &CurrentUser,
    thread_slug: Option<String>,
    input: EventInput,
) -> Result<EventId, AppError> {
    access::require(user, roles::can_edit_events, "record events")?;
    validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| create_in(c, &user, thread_slug.as_deref(), &input)).await
}

/// Refuses a change to event `id` that `user` may not make: `roles::can_edit_event` over the
/// threads it belongs to, then the lock of every one of them (moderators excepted), so a lock
/// cannot be bypassed through an event shared with another thread. 404 when there is no event.
fn check_event_editable(c: &mut PgConnection, user: &CurrentUser, id: EventId) -> Result<(), AppError> {
    access::refuse_if_suspended(user)?;
    events::by_id(c, id)?;
    let linked = events::linked_threads(c, id)?;
    let ids: Vec<ThreadId> = linked.iter().map(ThreadRow::thread_id).collect();
    let curates = !ids.is_empty() && threads::curates_any(c, &ids, user.id)?;
    if !roles::can_edit_event(user.role, linked.len(), curates) {
        return Err(AppError::Forbidden(if roles::can_edit_events(user.role) {
            "only curators of a thread this event belongs to, and moderators, can change it".to_owned()
        } else {
            "your role cannot edit events".to_owned()
        }));
    }
    refuse_if_locked(user, &linked)
}

/// Linking and unlinking change the event's place in every thread that has it: each one's lock
/// applies (on top of the thread being linked to, which `access::editable_thread` checks).
fn refuse_if_a_linked_thread_is_locked(c: &mut PgConnection, user: &CurrentUser, id: EventId) -> Result<(), AppError> {
    let linked = events::linked_threads(c, id)?;
    refuse_if_locked(user, &linked)
}

fn refuse_if_locked(user: &CurrentUser, linked: &[ThreadRow]) -> Result<(), AppError> {
    if !roles::can_edit_locked_thread(user.role)
        && let Some((thread, lock)) = linked.iter().find_map(|t| t.lock().map(|lock| (t, lock)))
    {
        return Err(AppError::Forbidden(format!(
            "this event belongs to “{}”, and {}; only moderators can change it",
            thread.title,
            lock.describe()
        )));
    }
    Ok(())
}

/// An event and the threads it belongs to (slug, title).
pub fn detail_in(conn: &mut PgConnection, id: EventId) -> Result<(EventRow, EventThreads), AppError> {
    Ok((events::by_id(conn, id)?, events::threads_of(conn, id)?))
}

/// The async entry of [`detail_in`] (the JSON API's event).
pub async fn detail(pool: &PgPool, id: EventId) -> Result<(EventRow, EventThreads), AppError> {
    db::with_conn(pool, move |c| detail_in(c, id)).await
}

/// An event, the threads it belongs to (slug, title) and whether `user` may edit it: what its
/// page shows.
pub fn page_in(
    conn: &mut PgConnection,
    user: Option<&CurrentUser>,
    id: EventId,
) -> Result<(EventRow, EventThreads, bool), AppError> {
    let (event, threads) = detail_in(conn, id)?;
    let can_edit = match user {
        Some(user) if roles::can_edit_events(user.role) => match check_event_editable(conn, user, id) {
            Ok(()) => true,
            Err(AppError::Forbidden(_)) => false,
            Err(other) => return Err(other),
        },
        _ => false,
    };
    Ok((event, threads, can_edit))
}

/// The async entry of [`page_in`].
pub async fn page(
    pool: &PgPool,
    user: Option<&CurrentUser>,
    id: EventId,
) -> Result<(EventRow, EventThreads, bool), AppError> {
    let user = user.cloned();
    db::with_conn(pool, move |c| page_in(c, user.as_ref(), id)).await
}

/// Corrects an event (it changes in every thread that has it).
pub fn update_in(conn: &mut PgConnection, user: &CurrentUser, id: EventId, input: &EventInput) -> Result<(), AppError> {
    access::require(user, roles::can_edit_events, "edit events")?;
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        check_event_editable(c, user, id)?;
        let (fields, cites) = input.fields(c)?;
        let (_, before) = snapshot(c, id)?;
        events::update(c, id, &fields)?;
        db_citations::replace(c, Owner { kind: OwnerKind::Event, id: id.0 }, None, &cites)?;
        let (title, after) = snapshot(c, id)?;
        if before != after {
            record(c, user, None, id, "edited", &title, &reason, Some(before), Some(after))?;
        }
        Ok(())
    })
}

/// The async entry of [`update_in`]; a refused role or a bad reason costs no connection.
pub async fn update(pool: &PgPool, user: &CurrentUser, id: EventId, input: EventInput) -> Result<(), AppError> {
    access::require(user, roles::can_edit_events, "edit events")?;
    validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| update_in(c, &user, id, &input)).await
}

/// An event's title and its fields as the changelog keeps them.
pub(super) fn snapshot(c: &mut PgConnection, id: EventId) -> Result<(String, Value), AppError> {
    let row = events::by_id(c, id)?;
    let value = json!({
        "date": row.occurred_on.to_string(),
        "title": row.title,
        "significance": row.significance,
        "url": row.url,
        "body": row.body_md,
    });
    Ok((row.title, value))
}

/// Appends a changelog entry about an event (`thread` when it is about its link to one).
#[expect(clippy::too_many_arguments, reason = "one entry has this many parts; a struct would only rename them")]
pub(super) fn record(
    c: &mut PgConnection,
    user: &CurrentUser,
    thread: Option<ThreadId>,
    event: EventId,
    action: &str,
    title: &str,
    reason: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), AppError> {
    changes::record(
        c,
        &NewChange {
            thread,
            event: Some(event),
            source: None,
            area: Area::Event,
            action,
            subject_id: Some(event.0),
            subject: title,
            rev_seq: None,
            actor: user.id,
            reason,
            before,
            after,
            minor: false,
            autopatrolled: roles::can_moderate(user.role),
            audience: changes::Audience::Followers,
        },
    )?;
    Ok(())
}

/// The event's current values, for its edit form.
pub fn load_for_edit_in(conn: &mut PgConnection, user: &CurrentUser, id: EventId) -> Result<EventInput, AppError> {
    access::require(user, roles::can_edit_events, "edit events")?;
    check_event_editable(conn, user, id)?;
    let row = events::by_id(conn, id)?;
    Ok(EventInput {
        date: row.occurred_on.to_string(),
        title: row.title,
        significance: row.significance,
        url: row.url,
        body: row.body_md,
        reason: String::new(),
    })
}

/// The async entry of [`load_for_edit_in`]; a refused role costs no connection.
pub async fn load_for_edit(pool: &PgPool, user: &CurrentUser, id: EventId) -> Result<EventInput, AppError> {
    access::require(user, roles::can_edit_events, "edit events")?;
    let user = user.clone();
    db::with_conn(pool, move |c| load_for_edit_in(c, &user, id)).await
}

/// Adds an existing event to a thread.
pub fn link_in(conn: &mut PgConnection, user: &CurrentUser, slug: &str, event: EventId) -> Result<ThreadRow, AppError> {
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
        let row =
            events::by_id(c, event).map_err(|_| AppError::Invalid(format!("there is no event number {event}")))?;
        refuse_if_a_linked_thread_is_locked(c, user, event)?;
        if events::link(c, thread.thread_id(), event)? == 0 {
            return Err(AppError::Invalid(format!("“{}” is already linked to this thread", row.title)));
        }
        record(c, user, Some(thread.thread_id()), event, "linked", &row.title, "", None, None)?;
        threads::touch(c, thread.thread_id())?;
        Ok(thread)
    })
}

/// Events listed when linking by title.
const LINK_MATCHES: i64 = 20;

/// The "link an event" page's data: the thread, the text searched for and its matches.
pub struct LinkSearch {
    pub thread: ThreadRow,
    pub text: String,
    /// `None` before a search; each match with whether it is linked to the thread already.
    pub matches: Option<Vec<(events::EventRow, bool)>>,
}

/// The events whose title contains `text`, for linking one to the thread `slug` (which `user`
/// must be able to edit). An empty text lists nothing yet.
pub fn link_search_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    text: &str,
) -> Result<LinkSearch, AppError> {
    let thread = access::editable_thread(conn, slug, user)?;
    // Checked like every other text (no NUL or control characters, bounded), so the query
    // never sees what PostgreSQL refuses.
    let text = validate::optional("the event title", Some(text), 200).map_err(AppError::Invalid)?.unwrap_or_default();
    let matches = if text.is_empty() {
        None
    } else {
        Some(events::with_title_containing(conn, thread.thread_id(), &text, LINK_MATCHES)?)
    };
    Ok(LinkSearch { thread, text, matches })
}

/// The async entry of [`link_search_in`].
pub async fn link_search(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    text: String,
) -> Result<LinkSearch, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| link_search_in(c, &user, &slug, &text)).await
}

/// A link from the "link an event" page: done, or refused with the page to show again.
pub enum LinkChoice {
    Linked(ThreadRow),
    Refused { message: String, search: LinkSearch },
}

/// Links the event picked from the matches (`event`), or the one event whose title contains
/// `text` when none was picked; no match, several, or one already linked comes back as a refusal
/// with the search, so the page shows again with the text kept.
pub fn link_choice_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    event: Option<EventId>,
    text: &str,
) -> Result<LinkChoice, AppError> {
    let picked = match event {
        Some(id) => Ok(id),
        None => {
            let search = link_search_in(conn, user, slug, text)?;
            match search.matches.as_deref() {
                None => Err(AppError::Invalid("type part of the event's title".to_owned())),
                Some([]) => Err(AppError::Invalid(format!("no event's title contains “{}”", search.text))),
                Some([(row, _)]) => Ok(row.event_id()),
                Some(many) => Err(AppError::Invalid(format!(
                    "{} events have “{}” in their title: pick one below",
                    many.len(),
                    search.text
                ))),
            }
        }
    };
    match picked.and_then(|id| link_in(conn, user, slug, id)) {
        Ok(thread) => Ok(LinkChoice::Linked(thread)),
        Err(AppError::Invalid(message)) => {
            Ok(LinkChoice::Refused { message, search: link_search_in(conn, user, slug, text)? })
        }
        Err(other) => Err(other),
    }
}

/// The async entry of [`link_choice_in`].
pub async fn link_choice(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    event: Option<EventId>,
    text: String,
) -> Result<LinkChoice, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| link_choice_in(c, &user, &slug, event, &text)).await
}

/// The async entry of [`link_in`].
pub async fn link(pool: &PgPool, user: &CurrentUser, slug: String, event: EventId) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| link_in(c, &user, &slug, event)).await
}

/// Removes an event from a thread; the event stays for other threads.
pub fn unlink_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    event: EventId,
) -> Result<ThreadRow, AppError> {
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
        let title = events::by_id(c, event)?.title;
        refuse_if_a_linked_thread_is_locked(c, user, event)?;
        events::unlink(c, thread.thread_id(), event)?;
        record(c, user, Some(thread.thread_id()), event, "unlinked", &title, "", None, None)?;
        threads::touch(c, thread.thread_id())?;
        Ok(thread)
    })
}

/// The async entry of [`unlink_in`].
pub async fn unlink(pool: &PgPool, user: &CurrentUser, slug: String, event: EventId) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| unlink_in(c, &user, &slug, event)).await
}

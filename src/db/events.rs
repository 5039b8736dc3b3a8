//! Events, shared across threads, and their links to threads.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{events, thread_events, threads};
use crate::domain::html::SafeHtml;
use crate::domain::ids::{EventId, ThreadId, UserId};
use crate::domain::thread::Significance;
use crate::error::AppError;

/// A row of `events`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub occurred_on: NaiveDate,
    pub title: String,
    pub significance: String,
    pub url: Option<String>,
    pub body_md: String,
    pub body_html: String,
}

impl EventRow {
    /// The typed id.
    pub fn event_id(&self) -> EventId {
        EventId(self.id)
    }

    /// The significance (the column's CHECK constraint guarantees a known value).
    pub fn significance(&self) -> Significance {
        Significance::parse(&self.significance).unwrap_or(Significance::Notable)
    }
}

/// Fields of an event, validated and rendered.
#[derive(Debug, Clone)]
pub struct EventFields {
    pub occurred_on: NaiveDate,
    pub title: String,
    pub significance: Significance,
    pub url: Option<String>,
    pub body_md: String,
    pub body_html: SafeHtml,
}

/// Where the next page of the events index starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventCursor {
    pub occurred_on: NaiveDate,
    pub id: i64,
}

/// One event, or 404.
pub fn by_id(conn: &mut PgConnection, id: EventId) -> Result<EventRow, AppError> {
    Ok(events::table.find(id.0).select(EventRow::as_select()).first(conn)?)
}

/// Records an event.
pub fn insert(conn: &mut PgConnection, f: &EventFields, by: UserId) -> QueryResult<EventId> {
    diesel::insert_into(events::table)
        .values((
            events::occurred_on.eq(f.occurred_on),
            events::title.eq(&f.title),
            events::significance.eq(f.significance.as_str()),
            events::url.eq(&f.url),
            events::body_md.eq(&f.body_md),
            events::body_html.eq(&f.body_html),
            events::created_by.eq(by.0),
        ))
        .returning(events::id)
        .get_result(conn)
        .map(EventId)
}

/// Corrects an event.
pub fn update(conn: &mut PgConnection, id: EventId, f: &EventFields) -> Result<(), AppError> {
    let n = diesel::update(events::table.find(id.0))
        .set((
            events::occurred_on.eq(f.occurred_on),
            events::title.eq(&f.title),
            events::significance.eq(f.significance.as_str()),
            events::url.eq(&f.url),
            events::body_md.eq(&f.body_md),
            events::body_html.eq(&f.body_html),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    // The event shows on every thread it belongs to: their cached pages are stale now.
    diesel::update(
        threads::table
            .filter(threads::id.eq_any(
                thread_events::table.filter(thread_events::event_id.eq(id.0)).select(thread_events::thread_id),
            )),
    )
    .set(threads::version.eq(threads::version + 1))
    .execute(conn)?;
    // Its date or significance may have moved the "needs attention" dates of those threads.
    super::attention::refresh_for_event(conn, id)?;
    Ok(())
}

/// The event with this date and title, if one was recorded (demo data reuses shared events).
pub fn find_same(conn: &mut PgConnection, occurred_on: NaiveDate, title: &str) -> QueryResult<Option<EventId>> {
    events::table
        .filter(events::occurred_on.eq(occurred_on).and(events::title.eq(title)))
        .select(events::id)
        .first(conn)
        .optional()
        .map(|id| id.map(EventId))
}

/// Links an event to a thread (idempotent), and keeps the thread's attention dates current.
pub fn link(conn: &mut PgConnection, thread: ThreadId, event: EventId) -> QueryResult<usize> {
    let n = diesel::insert_into(thread_events::table)
        .values((thread_events::thread_id.eq(thread.0), thread_events::event_id.eq(event.0)))
        .on_conflict_do_nothing()
        .execute(conn)?;
    super::attention::refresh(conn, &[thread])?;
    Ok(n)
}

/// Up to `limit` events whose title contains `text` (case-insensitive), newest first, each with
/// whether it is already linked to `thread`. Bounded by `limit`, so a short text costs one
/// bounded scan.
pub fn with_title_containing(
    conn: &mut PgConnection,
    thread: ThreadId,
    text: &str,
    limit: i64,
) -> QueryResult<Vec<(EventRow, bool)>> {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let rows: Vec<EventRow> = events::table
        .filter(events::title.ilike(format!("%{escaped}%")))
        .order((events::occurred_on.desc(), events::id.desc()))
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let linked: Vec<i64> = thread_events::table
        .filter(thread_events::thread_id.eq(thread.0))
        .filter(thread_events::event_id.eq_any(&ids))
        .select(thread_events::event_id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let l = linked.contains(&r.id);
            (r, l)
        })
        .collect())
}

/// Removes an event from a thread (the event stays for other threads), and keeps the thread's
/// attention dates current.
pub fn unlink(conn: &mut PgConnection, thread: ThreadId, event: EventId) -> Result<(), AppError> {
    let n = diesel::delete(thread_events::table.find((thread.0, event.0))).execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    super::attention::refresh(conn, &[thread])?;
    Ok(())
}

/// The ids of a thread's events.
pub fn ids_for_thread(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Vec<i64>> {
    thread_events::table.filter(thread_events::thread_id.eq(thread.0)).select(thread_events::event_id).load(conn)
}

/// A thread's events in date order.
pub fn for_thread(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Vec<EventRow>> {
    thread_events::table
        .inner_join(events::table)
        .filter(thread_events::thread_id.eq(thread.0))
        .order((events::occurred_on, events::id))
        .select(EventRow::as_select())
        .load(conn)
}

/// The threads an event belongs to: (slug, title), by title.
pub fn threads_of(conn: &mut PgConnection, event: EventId) -> QueryResult<Vec<(String, String)>> {
    thread_events::table
        .inner_join(threads::table)
        .filter(thread_events::event_id.eq(event.0))
        .order(threads::title)
        .select((threads::slug, threads::title))
        .load(conn)
}

/// The threads an event belongs to, as rows (for the permission and lock checks of an edit).
pub fn linked_threads(conn: &mut PgConnection, event: EventId) -> QueryResult<Vec<super::threads::ThreadRow>> {
    thread_events::table
        .inner_join(threads::table)
        .filter(thread_events::event_id.eq(event.0))
        .order(threads::id)
        .select(super::threads::ThreadRow::as_select())
        .load(conn)
}

/// What the events index shows: optional filters and a cursor.
#[derive(Debug, Clone, Default)]
pub struct EventListQuery {
    pub significance: Option<Significance>,
    /// Events on or after Jan 1 of this year and before Jan 1 of the next.
    pub year: Option<i32>,
    /// Only the events of this thread.
    pub thread: Option<ThreadId>,
    pub after: Option<EventCursor>,
}

/// A page of events, newest first, filtered, seeking past `q.after` (no OFFSET).
pub fn list_page(conn: &mut PgConnection, q: &EventListQuery, limit: i64) -> QueryResult<Vec<EventRow>> {
    let mut query = events::table
        .order((events::occurred_on.desc(), events::id.desc()))
        .limit(limit)
        .select(EventRow::as_select())
        .into_boxed();
    if let Some(significance) = q.significance {
        query = query.filter(events::significance.eq(significance.as_str()));
    }
    if let Some((first, next)) = q.year.and_then(year_bounds) {
        query = query.filter(events::occurred_on.ge(first).and(events::occurred_on.lt(next)));
    }
    if let Some(thread) = q.thread {
        query = query.filter(events::id.eq_any(
            thread_events::table.filter(thread_events::thread_id.eq(thread.0)).select(thread_events::event_id),
        ));
    }
    if let Some(c) = q.after {
        query = query.filter(
            events::occurred_on.lt(c.occurred_on).or(events::occurred_on.eq(c.occurred_on).and(events::id.lt(c.id))),
        );
    }
    query.load(conn)
}

/// Jan 1 of `year` and of the next year; `None` past the calendar chrono knows.
pub fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?))
}

/// The threads of each of `events` — (event id, slug, title), by title — in one query, so a
/// list page links every event to all its threads without a query per row.
pub fn threads_of_many(conn: &mut PgConnection, events: &[i64]) -> QueryResult<Vec<(i64, String, String)>> {
    thread_events::table
        .inner_join(threads::table)
        .filter(thread_events::event_id.eq_any(events))
        .order((thread_events::event_id, threads::title, threads::id))
        .select((thread_events::event_id, threads::slug, threads::title))
        .load(conn)
}

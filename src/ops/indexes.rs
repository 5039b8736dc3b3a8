//! The thread index and the events index, shared by the HTML pages and the JSON API: reading
//! their `?filters=&after=` (an unknown value or a bad cursor is a 400), one keyset page of rows,
//! and the cursor of the next page.

use std::collections::{HashMap, HashSet};

use diesel::PgConnection;
use serde::Deserialize;

use super::cursor;
use crate::config::AttentionSettings;
use crate::db::events::{self, EventCursor};
use crate::db::threads::{self, ThreadCursor};
use crate::db::{self, PgPool};
use crate::domain::attention::Cutoffs;
use crate::domain::thread::{Significance, Stance, Status};
use crate::error::AppError;

pub use crate::db::events::{EventListQuery, EventRow};
pub use crate::db::threads::{ThreadListQuery, ThreadRow, ThreadSort};

/// Threads per index page.
pub const THREADS_PER_PAGE: i64 = 30;

/// Events per index page.
pub const EVENTS_PER_PAGE: i64 = 50;

/// Years the events filter accepts: the calendar of dates people write (as the cursors do).
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// `?status=&stance=&sort=&attention=&after=` on the thread index (HTML and JSON); empty means "any".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ThreadIndexQuery {
    pub status: Option<String>,
    pub stance: Option<String>,
    pub sort: Option<String>,
    pub after: Option<String>,
    /// Issue 17: `needs` lists only the threads that need attention.
    pub attention: Option<String>,
}

/// The one value of `?attention=`.
pub const NEEDS_ATTENTION: &str = "needs";

/// A query value, or `None` when it is absent or blank (a form's "any" choice).
pub fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// "there is no status called "x"; use one of: active, dormant, resolved".
pub fn unknown<'a>(what: &str, value: &str, allowed: impl Iterator<Item = &'a str>) -> AppError {
    let allowed: Vec<&str> = allowed.collect();
    AppError::BadRequest(format!("there is no {what} called \"{value}\"; use one of: {}", allowed.join(", ")))
}

impl ThreadIndexQuery {
    /// The validated query, its attention filter at `cut`; an unknown status, stance, order or
    /// attention filter, or a bad cursor, is a 400.
    pub fn parse(&self, cut: Cutoffs) -> Result<ThreadListQuery, AppError> {
        let status = given(self.status.as_deref())
            .map(|s| Status::parse(s).ok_or_else(|| unknown("status", s, Status::ALL.iter().map(|v| v.as_str()))))
            .transpose()?;
        let stance = given(self.stance.as_deref())
            .map(|s| Stance::parse(s).ok_or_else(|| unknown("stance", s, Stance::ALL.iter().map(|v| v.as_str()))))
            .transpose()?;
        let sort = given(self.sort.as_deref())
            .map(|s| ThreadSort::parse(s).ok_or_else(|| unknown("sort", s, ThreadSort::ALL.iter().map(|v| v.as_str()))))
            .transpose()?
            .unwrap_or_default();
        let after = given(self.after.as_deref()).map(|raw| cursor::decode_thread(raw, sort)).transpose()?;
        let needs_attention = given(self.attention.as_deref())
            .map(|a| match a {
                NEEDS_ATTENTION => Ok(cut),
                other => Err(unknown("attention filter", other, [NEEDS_ATTENTION].into_iter())),
            })
            .transpose()?;
        Ok(ThreadListQuery { status, stance, sort, after, needs_attention })
    }
}

/// A page of the thread index.
pub struct ThreadIndex {
    pub threads: Vec<ThreadRow>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    /// The filters and order, for the form and the next page's link.
    pub query: ThreadListQuery,
    /// Issue 17: the ids of the listed threads that need attention (their badges).
    pub flagged: HashSet<i64>,
}

/// One page of the thread index for an already validated query; `cut` decides the badges.
pub fn thread_index_in(conn: &mut PgConnection, query: ThreadListQuery, cut: Cutoffs) -> Result<ThreadIndex, AppError> {
    let rows = threads::list_page(conn, &query, THREADS_PER_PAGE + 1)?;
    let (rows, next) = db::keyset_page(rows, THREADS_PER_PAGE, |(t, key)| {
        cursor::encode_thread(&ThreadCursor { key: key.clone(), id: t.id })
    });
    let threads: Vec<ThreadRow> = rows.into_iter().map(|(t, _)| t).collect();
    let ids: Vec<i64> = threads.iter().map(|t| t.id).collect();
    let flagged = crate::db::attention::flagged_among(conn, &cut, &ids)?.into_iter().collect();
    Ok(ThreadIndex { threads, next, query, flagged })
}

/// One page of the thread index, the "needs attention" flag decided now by `attention`; the
/// query is read before a connection is taken, so a bad one costs no database work.
pub async fn thread_index(
    pool: &PgPool,
    raw: &ThreadIndexQuery,
    attention: &AttentionSettings,
) -> Result<ThreadIndex, AppError> {
    let cut = super::attention::rule(attention).at(chrono::Utc::now());
    let query = raw.parse(cut)?;
    db::with_conn(pool, move |c| thread_index_in(c, query, cut)).await
}

/// `?significance=&year=&thread=&after=` on the events index (HTML and JSON); empty means "any".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventIndexQuery {
    pub significance: Option<String>,
    pub year: Option<String>,
    /// A thread's slug.
    pub thread: Option<String>,
    pub after: Option<String>,
}

impl EventIndexQuery {
    /// The validated filters (the thread still as a slug); a bad value is a 400.
    pub fn parse(&self) -> Result<(EventListQuery, Option<String>), AppError> {
        let significance = given(self.significance.as_deref())
            .map(|s| {
                Significance::parse(s)
                    .ok_or_else(|| unknown("significance", s, Significance::ALL.iter().map(|v| v.as_str())))
            })
            .transpose()?;
        let year = given(self.year.as_deref())
            .map(|y| {
                y.parse::<i32>().ok().filter(|y| YEARS.contains(y)).ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "the year must be a number from {} to {}, e.g. 2024, not \"{y}\"",
                        YEARS.start(),
                        YEARS.end()
                    ))
                })
            })
            .transpose()?;
        let thread = given(self.thread.as_deref()).map(str::to_owned);
        let after = given(self.after.as_deref()).map(cursor::decode_event).transpose()?;
        Ok((EventListQuery { significance, year, thread: None, after }, thread))
    }

    /// The thread filter as given (its slug), or empty.
    pub fn thread_slug(&self) -> &str {
        given(self.thread.as_deref()).unwrap_or_default()
    }
}

/// A page of the events index: each event with every thread it belongs to, and the next cursor.
pub struct EventsIndex {
    /// Each event with the `(slug, title)` of every thread it belongs to.
    pub events: Vec<(EventRow, Vec<(String, String)>)>,
    pub next: Option<String>,
    /// The filters, for the form and the next page's link.
    pub query: EventListQuery,
    /// The `thread` filter named no thread (the HTML page says so, with a 404 status).
    pub unknown_thread: bool,
}

/// One page of events, newest first, filtered; an unknown thread slug is a 404.
pub fn event_index_in(
    conn: &mut PgConnection,
    mut query: EventListQuery,
    thread_slug: Option<String>,
) -> Result<EventsIndex, AppError> {
    let filters = query.clone();
    if let Some(slug) = thread_slug {
        crate::domain::validate::slug(&slug).map_err(|_| AppError::NotFound)?;
        query.thread = Some(threads::by_slug(conn, &slug)?.thread_id());
    }
    let rows = events::list_page(conn, &query, EVENTS_PER_PAGE + 1)?;
    let ids: Vec<i64> = rows.iter().map(|e| e.id).collect();
    let threads = events::threads_of_many(conn, &ids)?;
    let (rows, next) = db::keyset_page(rows, EVENTS_PER_PAGE, |e| {
        cursor::encode_event(EventCursor { occurred_on: e.occurred_on, id: e.id })
    });
    let mut by_event: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (event, slug, title) in threads {
        by_event.entry(event).or_default().push((slug, title));
    }
    let events = rows
        .into_iter()
        .map(|e| {
            let threads = by_event.remove(&e.id).unwrap_or_default();
            (e, threads)
        })
        .collect();
    Ok(EventsIndex { events, next, query: filters, unknown_thread: false })
}

/// One page of the events index (the JSON list): an unknown thread slug is a 404.
pub async fn event_index(pool: &PgPool, raw: &EventIndexQuery) -> Result<EventsIndex, AppError> {
    let (query, slug) = raw.parse()?;
    db::with_conn(pool, move |c| event_index_in(c, query, slug)).await
}

/// The events index page: an unknown thread slug gives an empty page marked `unknown_thread`,
/// so the filter form stays usable and says which thread is unknown.
pub async fn event_index_page(pool: &PgPool, raw: &EventIndexQuery) -> Result<EventsIndex, AppError> {
    let (query, slug) = raw.parse()?;
    let named_thread = slug.is_some();
    let filters = query.clone();
    match db::with_conn(pool, move |c| event_index_in(c, query, slug)).await {
        Err(AppError::NotFound) if named_thread => {
            Ok(EventsIndex { events: Vec::new(), next: None, query: filters, unknown_thread: true })
        }
        other => other,
    }
}

//! The typed changelog: one append-only row per change to a thread, synthesis revisions
//! included, so history, recent changes, contributions and the patrol queue read one table.
//! Only the moderation columns (patrolled, hidden) ever change, and a trigger enforces that.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::fanout;
use super::schema::{changes, follows, revisions, thread_events, threads, users};
use crate::domain::history::Area;
use crate::domain::ids::{EventId, SourceId, ThreadId, UserId};

mod hidden;

pub use hidden::{
    RESTORED, ShownVersion, hidden_befores, hidden_revision_seqs, hidden_revisions, set_hidden, shown_version,
};

/// A row of `changes`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = changes)]
pub struct ChangeRow {
    pub id: i64,
    pub thread_id: Option<i64>,
    pub event_id: Option<i64>,
    /// Set on entries about a source (area `source`), which belong to no thread or event.
    pub source_id: Option<i64>,
    pub area: String,
    pub action: String,
    pub subject_id: Option<i64>,
    pub subject: String,
    pub rev_seq: Option<i32>,
    pub actor_id: i64,
    pub created_at: DateTime<Utc>,
    pub reason: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub minor: bool,
    pub patrolled_by: Option<i64>,
    pub patrolled_at: Option<DateTime<Utc>>,
    pub hidden_by: Option<i64>,
    pub hidden_at: Option<DateTime<Utc>>,
    pub hidden_reason: String,
}

impl ChangeRow {
    /// The area (the column's CHECK constraint guarantees a known value).
    pub fn area(&self) -> Area {
        Area::parse(&self.area).unwrap_or(Area::Details)
    }

    /// Whether a moderator hid its content.
    pub fn is_hidden(&self) -> bool {
        self.hidden_at.is_some()
    }
}

/// A listed change with the names a list shows, and for synthesis entries what the revision
/// list needs (never the body).
#[derive(Debug, Clone)]
pub struct ChangeListed {
    pub row: ChangeRow,
    pub actor: String,
    pub thread_slug: Option<String>,
    pub thread_title: Option<String>,
    pub parent_seq: Option<i32>,
    /// Synthesis entries: how many paragraphs of the revision it made itself (its blame names
    /// it), read from the stored blame, never from the body.
    pub paragraphs_changed: Option<i32>,
    /// When the version in `before` (the item's version when this change was made, which also
    /// named it) was hidden: it is the result of an earlier entry of the same item, and when a
    /// moderator hid that entry, this copy of its text is hidden too.
    pub before_hidden_at: Option<DateTime<Utc>>,
}

/// A change to record.
#[derive(Debug, Clone)]
pub struct NewChange<'a> {
    pub thread: Option<ThreadId>,
    pub event: Option<EventId>,
    /// The source the change is about (filed under a thread too when it concerns its citations).
    pub source: Option<SourceId>,
    pub area: Area,
    pub action: &'a str,
    pub subject_id: Option<i64>,
    pub subject: &'a str,
    pub rev_seq: Option<i32>,
    pub actor: UserId,
    pub reason: &'a str,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub minor: bool,
    /// Moderators' own changes need no second look (MediaWiki's "autopatrol").
    pub autopatrolled: bool,
    /// Who is notified of it.
    pub audience: Audience,
}

/// Which followers of a thread a change notifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every follower but the one who made it.
    Followers,
    /// Only the followers who curate the thread, the actor included: for news only curators act
    /// on, reported by the server rather than made by the actor (a cited source died).
    CuratorFollowers,
}

impl<'a> NewChange<'a> {
    /// A change of a thread's structure by `actor`, with nothing optional set yet.
    pub fn on_thread(thread: ThreadId, area: Area, action: &'a str, actor: UserId) -> Self {
        NewChange {
            thread: Some(thread),
            event: None,
            source: None,
            area,
            action,
            subject_id: None,
            subject: "",
            rev_seq: None,
            actor,
            reason: "",
            before: None,
            after: None,
            minor: false,
            autopatrolled: false,
            audience: Audience::Followers,
        }
    }
}

/// Appends a change and queues the notification of the followers of what it touched, in the
/// caller's transaction (so a change and its notifications commit or roll back together);
/// returns its id. The notifications themselves are written after the commit, by the fan-out
/// worker (`db::fanout`, `ops::fanout`): the save writes one outbox row, however many follow.
pub fn record(conn: &mut PgConnection, new: &NewChange<'_>) -> QueryResult<i64> {
    let threads = lock_threads_first(conn, new)?;
    let patrolled_by = new.autopatrolled.then_some(new.actor.0);
    let id = diesel::insert_into(changes::table)
        .values((
            changes::thread_id.eq(new.thread.map(|t| t.0)),
            changes::event_id.eq(new.event.map(|e| e.0)),
            changes::source_id.eq(new.source.map(|s| s.0)),
            changes::area.eq(new.area.as_str()),
            changes::action.eq(new.action),
            changes::subject_id.eq(new.subject_id),
            changes::subject.eq(new.subject),
            changes::rev_seq.eq(new.rev_seq),
            changes::actor_id.eq(new.actor.0),
            changes::reason.eq(new.reason),
            changes::before.eq(&new.before),
            changes::after.eq(&new.after),
            changes::minor.eq(new.minor),
            changes::patrolled_by.eq(patrolled_by),
            changes::patrolled_at.eq(new.autopatrolled.then(Utc::now)),
        ))
        .returning(changes::id)
        .get_result(conn)?;
    let audience = match (new.audience, new.thread) {
        (Audience::CuratorFollowers, Some(_)) => fanout::Audience::Curators,
        _ => fanout::Audience::Followers,
    };
    fanout::enqueue(conn, id, &threads, audience, new.actor, new.minor)?;
    Ok(id)
}

/// Locks the rows of the threads a change concerns (in id order) before it is recorded, and
/// returns their ids (ascending): whose followers hear of it. Writes to a thread also update
/// its row (version, staleness dates), some before and some after recording their change;
/// taking the thread rows first in every path gives every transaction the same lock order, so
/// two concurrent writes to one thread wait for each other instead of deadlocking. It also
/// makes change ids of one thread ascend in commit order, which the fan-out worker relies on to
/// notify in the order changes were made.
fn lock_threads_first(conn: &mut PgConnection, new: &NewChange<'_>) -> QueryResult<Vec<i64>> {
    let mut ids: Vec<i64> = match (new.thread, new.event) {
        (Some(thread), _) => vec![thread.0],
        // An event's change notifies the followers of every thread that links it.
        (None, Some(event)) => thread_events::table
            .filter(thread_events::event_id.eq(event.0))
            .select(thread_events::thread_id)
            .load(conn)?,
        (None, None) => Vec::new(),
    };
    ids.sort_unstable();
    ids.dedup();
    super::threads::lock_rows(conn, &ids)?;
    Ok(ids)
}

/// Which changes a list shows. Every combination is served by one of the `changes_*` indexes.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    /// One thread's changes, plus edits of the events it links (`thread_events`).
    pub thread: Option<(ThreadId, Vec<i64>)>,
    /// The threads this reader follows (`follows`), plus edits of the events those threads link:
    /// the private feed. Ignored when `thread` is set.
    pub followed_by: Option<UserId>,
    /// One item's changes (`area` must be set too).
    pub subject: Option<i64>,
    pub actor: Option<UserId>,
    pub area: Option<Area>,
    pub unpatrolled_only: bool,
}

/// Which way a page runs: newest first below a cursor, or oldest first above one (the queue).
#[derive(Debug, Clone, Copy)]
pub enum Seek {
    Before(Option<i64>),
    After(Option<i64>),
}

/// A page of changes, keyset-paged by id (no OFFSET). A thread's page with linked events is two
/// index-ordered queries merged here: one `OR` across two indexes would have to sort every
/// matching row of a long history before taking the first page.
pub fn list(conn: &mut PgConnection, filter: &ChangeFilter, seek: Seek, limit: i64) -> QueryResult<Vec<ChangeListed>> {
    let mut rows = match &filter.thread {
        None => match filter.followed_by {
            None => list_scoped(conn, filter, None, seek, limit)?,
            Some(reader) => {
                let mut rows = list_scoped(conn, filter, Some(Scope::Followed(reader)), seek, limit)?;
                rows.extend(list_scoped(conn, filter, Some(Scope::FollowedEvents(reader)), seek, limit)?);
                rows
            }
        },
        Some((thread, events)) => {
            let mut rows = list_scoped(conn, filter, Some(Scope::Thread(*thread)), seek, limit)?;
            if !events.is_empty() {
                rows.extend(list_scoped(conn, filter, Some(Scope::EventsOnly(events)), seek, limit)?);
            }
            rows
        }
    };
    match seek {
        Seek::Before(_) => rows.sort_by_key(|r| std::cmp::Reverse(r.row.id)),
        Seek::After(_) => rows.sort_by_key(|r| r.row.id),
    }
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let ids: Vec<i64> = rows.iter().map(|r| r.row.id).collect();
    let hidden = hidden_befores(conn, &ids)?;
    for row in &mut rows {
        row.before_hidden_at = hidden.iter().find(|(id, _)| *id == row.row.id).map(|(_, at)| *at);
    }
    Ok(rows)
}

/// The changes with these ids (a page of notifications names its latest change each), as lists
/// show them; at most as many rows as ids, by primary key.
pub fn by_ids(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<ChangeListed>> {
    let limit = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let mut rows = list_scoped(conn, &ChangeFilter::default(), Some(Scope::Ids(ids)), Seek::Before(None), limit)?;
    let hidden = hidden_befores(conn, ids)?;
    for row in &mut rows {
        row.before_hidden_at = hidden.iter().find(|(id, _)| *id == row.row.id).map(|(_, at)| *at);
    }
    Ok(rows)
}

/// Which rows of one query: a thread's own, or the edits of some events outside any thread;
/// the same two for every thread a reader follows; or named ones.
enum Scope<'a> {
    Ids(&'a [i64]),
    Thread(ThreadId),
    EventsOnly(&'a [i64]),
    Followed(UserId),
    FollowedEvents(UserId),
}

fn list_scoped(
    conn: &mut PgConnection,
    filter: &ChangeFilter,
    scope: Option<Scope<'_>>,
    seek: Seek,
    limit: i64,
) -> QueryResult<Vec<ChangeListed>> {
    let mut query = changes::table
        .inner_join(users::table.on(users::id.eq(changes::actor_id)))
        .left_join(threads::table.on(threads::id.nullable().eq(changes::thread_id)))
        .left_join(revisions::table.on(
            revisions::thread_id.nullable().eq(changes::thread_id).and(revisions::seq.nullable().eq(changes::rev_seq)),
        ))
        .select((
            ChangeRow::as_select(),
            users::username,
            threads::slug.nullable(),
            threads::title.nullable(),
            revisions::parent_seq.nullable(),
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Integer>>(
                "CASE WHEN \"revisions\".\"id\" IS NULL THEN NULL ELSE \
                 (SELECT count(*)::int4 FROM unnest(\"revisions\".\"blame\") b WHERE b = \"revisions\".\"seq\") END",
            ),
        ))
        .limit(limit)
        .into_boxed();
    match scope {
        Some(Scope::Ids(ids)) => query = query.filter(changes::id.eq_any(ids.to_vec())),
        Some(Scope::Thread(thread)) => query = query.filter(changes::thread_id.eq(thread.0)),
        Some(Scope::EventsOnly(events)) => {
            query = query.filter(changes::thread_id.is_null().and(changes::event_id.eq_any(events.to_vec())))
        }
        Some(Scope::Followed(reader)) => {
            let followed = follows::table.filter(follows::user_id.eq(reader.0)).select(follows::thread_id.nullable());
            query = query.filter(changes::thread_id.eq_any(followed))
        }
        Some(Scope::FollowedEvents(reader)) => {
            let followed = follows::table.filter(follows::user_id.eq(reader.0)).select(follows::thread_id);
            let linked = thread_events::table
                .filter(thread_events::thread_id.eq_any(followed))
                .select(thread_events::event_id.nullable());
            query = query.filter(changes::thread_id.is_null().and(changes::event_id.eq_any(linked)))
        }
        None => {}
    }
    if let Some(subject) = filter.subject {
        query = query.filter(changes::subject_id.eq(subject));
    }
    if let Some(actor) = filter.actor {
        query = query.filter(changes::actor_id.eq(actor.0));
    }
    if let Some(area) = filter.area {
        query = query.filter(changes::area.eq(area.as_str()));
    }
    if filter.unpatrolled_only {
        query = query.filter(changes::patrolled_at.is_null());
    }
    query = match seek {
        Seek::Before(before) => {
            let q = query.order(changes::id.desc());
            match before {
                Some(b) => q.filter(changes::id.lt(b)),
                None => q,
            }
        }
        Seek::After(after) => {
            let q = query.order(changes::id.asc());
            match after {
                Some(a) => q.filter(changes::id.gt(a)),
                None => q,
            }
        }
    };
    type Loaded = (ChangeRow, String, Option<String>, Option<String>, Option<i32>, Option<i32>);
    Ok(query
        .load::<Loaded>(conn)?
        .into_iter()
        .map(|(row, actor, thread_slug, thread_title, parent_seq, paragraphs_changed)| ChangeListed {
            row,
            actor,
            thread_slug,
            thread_title,
            parent_seq,
            paragraphs_changed,
            before_hidden_at: None,
        })
        .collect())
}

/// One change.
pub fn by_id(conn: &mut PgConnection, id: i64) -> QueryResult<ChangeRow> {
    changes::table.find(id).select(ChangeRow::as_select()).first(conn)
}

/// The changelog row of a synthesis revision.
pub fn of_revision(conn: &mut PgConnection, thread: ThreadId, seq: i32) -> QueryResult<ChangeRow> {
    changes::table
        .filter(changes::thread_id.eq(thread.0).and(changes::rev_seq.eq(seq)))
        .select(ChangeRow::as_select())
        .first(conn)
}

/// Marks a change patrolled; false if it already was.
pub fn patrol(conn: &mut PgConnection, id: i64, by: UserId) -> QueryResult<bool> {
    let n = diesel::update(changes::table.find(id).filter(changes::patrolled_at.is_null()))
        .set((changes::patrolled_by.eq(by.0), changes::patrolled_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Dates a change (the demo seeder carries real history).
pub fn backdate_revision(conn: &mut PgConnection, thread: ThreadId, seq: i32, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(changes::table.filter(changes::thread_id.eq(thread.0).and(changes::rev_seq.eq(seq))))
        .set(changes::created_at.eq(at))
        .execute(conn)
}

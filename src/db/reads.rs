//! What each reader last read of each thread: the baseline of "since your last visit".

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{changes, thread_events, thread_reads};
use super::threads::ThreadRow;
use crate::domain::ids::{ThreadId, UserId};

/// The state of a thread a reader last read.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = thread_reads)]
pub struct ReadRow {
    /// Changelog entries up to this id had been made.
    pub change_id: i64,
    /// The synthesis revision they read (0: none yet).
    pub seq: i32,
    pub status: String,
    pub stance: String,
    pub read_at: DateTime<Utc>,
}

/// The reader's baseline for a thread, if they have one.
pub fn get(conn: &mut PgConnection, user: UserId, thread: ThreadId) -> QueryResult<Option<ReadRow>> {
    thread_reads::table.find((user.0, thread.0)).select(ReadRow::as_select()).first(conn).optional()
}

/// What a reader has read of a thread: the thread as one connection sees it now.
#[derive(Debug, Clone)]
pub struct Baseline {
    change_id: i64,
    seq: i32,
    status: String,
    stance: String,
}

/// The thread as `conn` sees it now, to record as read (possibly on another connection: a
/// first visit read from a replica is recorded on the primary as what the reader saw).
pub fn baseline(conn: &mut PgConnection, thread: &ThreadRow) -> QueryResult<Baseline> {
    // Ids come from one sequence, so "every entry up to the newest now" also covers entries
    // about the thread's events, which are not filed under the thread.
    let newest: Option<i64> = changes::table.select(diesel::dsl::max(changes::id)).first(conn)?;
    Ok(Baseline {
        change_id: newest.unwrap_or(0),
        seq: thread.head_seq,
        status: thread.status.clone(),
        stance: thread.stance.clone(),
    })
}

/// Records that `user` has read the thread as it is now. `only_if_new` keeps an existing
/// baseline (a first visit, or following, sets one; only "Mark as read" moves it).
pub fn mark(conn: &mut PgConnection, user: UserId, thread: &ThreadRow, only_if_new: bool) -> QueryResult<()> {
    let seen = baseline(conn, thread)?;
    record(conn, user, ThreadId(thread.id), &seen, only_if_new)
}

/// Stores `seen` as what `user` has read of `thread` (see [`mark`]).
pub fn record(
    conn: &mut PgConnection,
    user: UserId,
    thread: ThreadId,
    seen: &Baseline,
    only_if_new: bool,
) -> QueryResult<()> {
    let values = (
        thread_reads::user_id.eq(user.0),
        thread_reads::thread_id.eq(thread.0),
        thread_reads::change_id.eq(seen.change_id),
        thread_reads::seq.eq(seen.seq),
        thread_reads::status.eq(&seen.status),
        thread_reads::stance.eq(&seen.stance),
        thread_reads::read_at.eq(diesel::dsl::now),
    );
    let insert = diesel::insert_into(thread_reads::table).values(values);
    if only_if_new {
        insert.on_conflict_do_nothing().execute(conn)?;
    } else {
        insert
            .on_conflict((thread_reads::user_id, thread_reads::thread_id))
            .do_update()
            .set((
                thread_reads::change_id.eq(seen.change_id),
                thread_reads::seq.eq(seen.seq),
                thread_reads::status.eq(&seen.status),
                thread_reads::stance.eq(&seen.stance),
                thread_reads::read_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// A changelog entry as the summary counts it and the page marks its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedChange {
    pub area: String,
    pub action: String,
    pub minor: bool,
    /// False for an edit of a linked event's own fields (not filed under the thread).
    pub filed_under_thread: bool,
    /// The item or event it is about.
    pub subject_id: Option<i64>,
}

/// At most this many entries are counted; a summary past it says "at least".
pub const COUNT_LIMIT: i64 = 1000;

/// Changes to the thread after `after` made by others and not hidden: those filed under the
/// thread, then edits of its events' own fields. Two index range scans, not one `OR`.
pub fn changes_since(
    conn: &mut PgConnection,
    thread: ThreadId,
    after: i64,
    reader: UserId,
) -> QueryResult<Vec<CountedChange>> {
    type Columns = (String, String, bool, Option<i64>);
    let filed: Vec<Columns> = changes::table
        .filter(changes::thread_id.eq(thread.0))
        .filter(changes::id.gt(after))
        .filter(changes::actor_id.ne(reader.0))
        .filter(changes::hidden_at.is_null())
        .order(changes::id.desc())
        .limit(COUNT_LIMIT)
        .select((changes::area, changes::action, changes::minor, changes::subject_id))
        .load(conn)?;
    let linked = thread_events::table.filter(thread_events::thread_id.eq(thread.0)).select(thread_events::event_id);
    let event_edits: Vec<Columns> = changes::table
        .filter(changes::thread_id.is_null())
        .filter(changes::event_id.eq_any(linked.nullable()))
        .filter(changes::id.gt(after))
        .filter(changes::actor_id.ne(reader.0))
        .filter(changes::hidden_at.is_null())
        .order(changes::id.desc())
        .limit(COUNT_LIMIT)
        .select((changes::area, changes::action, changes::minor, changes::subject_id))
        .load(conn)?;
    let entry = |filed_under_thread: bool| {
        move |(area, action, minor, subject_id): Columns| CountedChange {
            area,
            action,
            minor,
            filed_under_thread,
            subject_id,
        }
    };
    Ok(filed.into_iter().map(entry(true)).chain(event_edits.into_iter().map(entry(false))).collect())
}

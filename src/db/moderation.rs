//! The moderation log: append-only (a trigger refuses UPDATE and DELETE), one row per
//! moderation action with actor, target, reason and time.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{changes, moderation_log, threads, users};
use crate::domain::history::ModAction;
use crate::domain::ids::{ThreadId, UserId};

/// A row of the log.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = moderation_log)]
pub struct LogRow {
    pub id: i64,
    pub actor_id: i64,
    pub action: String,
    pub thread_id: Option<i64>,
    pub target_user_id: Option<i64>,
    pub change_id: Option<i64>,
    pub target: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A listed entry with the moderator's name, and what the log links to: the thread's slug and
/// title, the revision a change made, the name of the user acted on.
#[derive(Debug, Clone)]
pub struct LogListed {
    pub row: LogRow,
    pub actor: String,
    /// (slug, title) of the thread it concerns.
    pub thread: Option<(String, String)>,
    /// The revision the change acted on made, if it was a synthesis revision.
    pub rev_seq: Option<i32>,
    pub target_username: Option<String>,
}

diesel::alias!(users as target_users: TargetUsers);

/// An entry to append.
#[derive(Debug, Clone)]
pub struct NewLogEntry<'a> {
    pub actor: UserId,
    pub action: ModAction,
    pub thread: Option<ThreadId>,
    pub target_user: Option<UserId>,
    pub change: Option<i64>,
    pub target: &'a str,
    pub reason: &'a str,
}

/// Appends an entry.
pub fn append(conn: &mut PgConnection, e: &NewLogEntry<'_>) -> QueryResult<i64> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::actor_id.eq(e.actor.0),
            moderation_log::action.eq(e.action.as_str()),
            moderation_log::thread_id.eq(e.thread.map(|t| t.0)),
            moderation_log::target_user_id.eq(e.target_user.map(|u| u.0)),
            moderation_log::change_id.eq(e.change),
            moderation_log::target.eq(e.target),
            moderation_log::reason.eq(e.reason),
        ))
        .returning(moderation_log::id)
        .get_result(conn)
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    pub action: Option<ModAction>,
    pub target_user: Option<UserId>,
}

/// A page of the log, newest first, below `before` (no OFFSET).
pub fn list(
    conn: &mut PgConnection,
    filter: &LogFilter,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<LogListed>> {
    let mut query = moderation_log::table
        .inner_join(users::table.on(users::id.eq(moderation_log::actor_id)))
        .left_join(threads::table.on(moderation_log::thread_id.eq(threads::id.nullable())))
        .left_join(changes::table.on(moderation_log::change_id.eq(changes::id.nullable())))
        .left_join(target_users.on(moderation_log::target_user_id.eq(target_users.field(users::id).nullable())))
        .order(moderation_log::id.desc())
        .limit(limit)
        .select((
            LogRow::as_select(),
            users::username,
            (threads::slug, threads::title).nullable(),
            changes::rev_seq.nullable(),
            target_users.field(users::username).nullable(),
        ))
        .into_boxed();
    if let Some(action) = filter.action {
        query = query.filter(moderation_log::action.eq(action.as_str()));
    }
    if let Some(user) = filter.target_user {
        query = query.filter(moderation_log::target_user_id.eq(user.0));
    }
    if let Some(before) = before {
        query = query.filter(moderation_log::id.lt(before));
    }
    type Loaded = (LogRow, String, Option<(String, String)>, Option<i32>, Option<String>);
    Ok(query
        .load::<Loaded>(conn)?
        .into_iter()
        .map(|(row, actor, thread, rev_seq, target_username)| LogListed {
            row,
            actor,
            thread,
            rev_seq,
            target_username,
        })
        .collect())
}

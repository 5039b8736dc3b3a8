//! Readers following threads, and the list of what they follow.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{changes, follows, thread_reads, threads};
use super::threads::{ThreadCursor, ThreadKey};
use crate::domain::ids::{ThreadId, UserId};

/// Follows a thread (following twice is following once).
pub fn follow(conn: &mut PgConnection, user: UserId, thread: ThreadId) -> QueryResult<usize> {
    diesel::insert_into(follows::table)
        .values((follows::user_id.eq(user.0), follows::thread_id.eq(thread.0)))
        .on_conflict_do_nothing()
        .execute(conn)
}

/// Stops following; returns whether they were following.
pub fn unfollow(conn: &mut PgConnection, user: UserId, thread: ThreadId) -> QueryResult<bool> {
    Ok(diesel::delete(follows::table.find((user.0, thread.0))).execute(conn)? > 0)
}

/// Whether `user` follows the thread.
pub fn is_following(conn: &mut PgConnection, user: UserId, thread: ThreadId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(follows::table.find((user.0, thread.0)))).get_result(conn)
}

/// A followed thread as the Following page lists it.
#[derive(Debug, Clone, Queryable)]
pub struct FollowedThread {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub stance: String,
    pub updated_at: DateTime<Utc>,
    pub read_at: DateTime<Utc>,
    /// Changes by others since the reader last read the thread (hidden ones left out).
    pub new_changes: i64,
}

/// The threads `user` follows, newest activity first, `limit` at a time below `before`. Every
/// followed thread has a read baseline (following sets one), so the counts are since then; each
/// count is an index range scan of the thread's newer changes.
pub fn list(
    conn: &mut PgConnection,
    user: UserId,
    before: Option<ThreadCursor>,
    limit: i64,
) -> QueryResult<Vec<FollowedThread>> {
    let new_changes = changes::table
        .filter(changes::thread_id.eq(threads::id.nullable()))
        .filter(changes::id.gt(thread_reads::change_id))
        .filter(changes::actor_id.ne(user.0))
        .filter(changes::hidden_at.is_null())
        .count()
        .single_value()
        .assume_not_null();
    let mut query = follows::table
        .inner_join(threads::table)
        .inner_join(
            thread_reads::table
                .on(thread_reads::user_id.eq(follows::user_id).and(thread_reads::thread_id.eq(follows::thread_id))),
        )
        .filter(follows::user_id.eq(user.0))
        .select((
            threads::id,
            threads::slug,
            threads::title,
            threads::status,
            threads::stance,
            threads::updated_at,
            thread_reads::read_at,
            new_changes,
        ))
        .order((threads::updated_at.desc(), threads::id.desc()))
        .limit(limit)
        .into_boxed();
    // The list is ordered by activity, so its cursors carry a time (see `ops::cursor`).
    if let Some(ThreadCursor { key: ThreadKey::Time(updated_at), id }) = before {
        query = query
            .filter(threads::updated_at.lt(updated_at).or(threads::updated_at.eq(updated_at).and(threads::id.lt(id))));
    }
    query.load(conn)
}

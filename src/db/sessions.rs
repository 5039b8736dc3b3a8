//! Server-side sessions. Only a hash of the cookie token is stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::notifications::unread_of;
use super::replicas::wal_position;
use super::schema::{sessions, users};
use super::users::{User, UserRow};
use crate::domain::ids::UserId;

/// Stores a new session.
pub fn insert(
    conn: &mut PgConnection,
    token_hash: &[u8],
    user: UserId,
    csrf_token: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user.0),
            sessions::csrf_token.eq(csrf_token),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a live session resolves to on every request.
#[derive(Debug, Clone)]
pub struct SessionFound {
    pub user: User,
    pub csrf_token: String,
    /// How many unread notifications the user has (the header shows it on every page).
    pub unread_notifications: i64,
    /// The primary's WAL position after this session's last write (see `set_write_position`).
    pub write_lsn: i64,
}

/// The user, CSRF token and unread notification count of a live session, in one query: the
/// count is a function answered from the partial index `notifications_open_key`, so the header
/// costs no extra round trip, and the query is the same SQL every time (prepared once per
/// connection).
pub fn find(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<Option<SessionFound>> {
    let found: Option<(UserRow, String, i64, i64)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(diesel::dsl::now))
        .select((UserRow::as_select(), sessions::csrf_token, unread_of(users::id), sessions::write_lsn))
        .first(conn)
        .optional()?;
    Ok(found.map(|(row, csrf_token, unread_notifications, write_lsn)| SessionFound {
        user: row.into(),
        csrf_token,
        unread_notifications,
        write_lsn,
    }))
}

/// Records the primary's current WAL position as the session's last write, once its request has
/// committed: its later reads wait for a replica that has replayed this far (read your writes).
pub fn set_write_position(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<usize> {
    // Evaluated after the request's transactions committed, so at or past their commit records.
    diesel::update(sessions::table.find(token_hash)).set(sessions::write_lsn.eq(wal_position())).execute(conn)
}

/// Ends one session (logout).
pub fn delete(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(token_hash)).execute(conn)
}

/// Ends every session of a user (password or role change).
pub fn delete_for_user(conn: &mut PgConnection, user: UserId) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user.0))).execute(conn)
}

/// Removes expired sessions, so the table does not grow without bound.
pub fn purge_expired(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(diesel::dsl::now))).execute(conn)
}

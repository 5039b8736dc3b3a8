//! Server-side sessions. Only a hash of the cookie token is stored.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

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

/// The user and CSRF token of a live session.
pub fn find(conn: &mut PgConnection, token_hash: &[u8]) -> QueryResult<Option<(User, String)>> {
    let found: Option<(UserRow, String)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(diesel::dsl::now))
        .select((UserRow::as_select(), sessions::csrf_token))
        .first(conn)
        .optional()?;
    Ok(found.map(|(row, csrf)| (row.into(), csrf)))
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

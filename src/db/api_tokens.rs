//! Personal API tokens. Only the SHA-256 of a token is stored, with a short prefix for lists.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::notifications::unread_of;
use super::replicas::wal_position;
use super::schema::{api_tokens, users};
use super::users::{User, UserRow};
use crate::domain::api_token::Scope;
use crate::domain::ids::UserId;

/// How often `last_used_at` is written for a busy token, at most.
pub const TOUCH_EVERY_SECS: i64 = 60;

/// A token as its owner's list shows it (never the token itself: only its prefix).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct ApiTokenRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl ApiTokenRow {
    /// The stored scope (the table's CHECK allows only the two; anything else reads as `read`).
    pub fn scope(&self) -> Scope {
        Scope::parse(&self.scope).unwrap_or(Scope::Read)
    }
}

/// What a fresh token's row needs.
#[derive(Debug, Clone, Copy)]
pub struct NewApiToken<'a> {
    pub user: UserId,
    pub name: &'a str,
    pub scope: Scope,
    pub hash: &'a [u8],
    pub prefix: &'a str,
}

/// Stores a new token's hash.
pub fn insert(conn: &mut PgConnection, new: &NewApiToken<'_>) -> QueryResult<ApiTokenRow> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(new.user.0),
            api_tokens::name.eq(new.name),
            api_tokens::scope.eq(new.scope.as_str()),
            api_tokens::token_hash.eq(new.hash),
            api_tokens::prefix.eq(new.prefix),
        ))
        .returning(ApiTokenRow::as_returning())
        .get_result(conn)
}

/// How many tokens of `user` are not revoked.
pub fn count_live(conn: &mut PgConnection, user: UserId) -> QueryResult<i64> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user.0))
        .filter(api_tokens::revoked_at.is_null())
        .count()
        .get_result(conn)
}

/// The tokens of `user` that are not revoked, newest first.
pub fn live_of(conn: &mut PgConnection, user: UserId) -> QueryResult<Vec<ApiTokenRow>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user.0))
        .filter(api_tokens::revoked_at.is_null())
        .order((api_tokens::created_at.desc(), api_tokens::id.desc()))
        .select(ApiTokenRow::as_select())
        .load(conn)
}

/// Revokes a live token of `user`; false when they have no such live token.
pub fn revoke(conn: &mut PgConnection, user: UserId, id: i64) -> QueryResult<bool> {
    let n = diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::user_id.eq(user.0))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(diesel::dsl::now))
    .execute(conn)?;
    Ok(n == 1)
}

/// What a live token resolves to on every request that presents it.
#[derive(Debug, Clone)]
pub struct TokenFound {
    pub id: i64,
    pub scope: Scope,
    pub user: User,
    /// The owner's unread notifications (as a session would load them).
    pub unread_notifications: i64,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The primary's WAL position after this token's last write (see `set_write_position`).
    pub write_lsn: i64,
}

/// A token's id, scope, last use and write position, its owner's row and unread count, as one
/// query reads them.
type FoundRow = (i64, String, Option<DateTime<Utc>>, i64, UserRow, i64);

/// The live token whose hash is `hash`, with its owner, in one query by the unique index on
/// `token_hash`.
pub fn find_live(conn: &mut PgConnection, hash: &[u8]) -> QueryResult<Option<TokenFound>> {
    let found: Option<FoundRow> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((
            api_tokens::id,
            api_tokens::scope,
            api_tokens::last_used_at,
            api_tokens::write_lsn,
            UserRow::as_select(),
            unread_of(users::id),
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|(id, scope, last_used_at, write_lsn, row, unread_notifications)| TokenFound {
        id,
        scope: Scope::parse(&scope).unwrap_or(Scope::Read),
        user: row.into(),
        unread_notifications,
        last_used_at,
        write_lsn,
    }))
}

/// Records the primary's current WAL position as the token's last write, once its request has
/// committed: its later reads wait for a replica that has replayed this far (read your writes,
/// as `sessions::set_write_position` gives a session).
pub fn set_write_position(conn: &mut PgConnection, id: i64) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id)).set(api_tokens::write_lsn.eq(wal_position())).execute(conn)
}

/// Whether a token last used at `last` should have its use written now.
pub fn due_for_touch(last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|at| (now - at).num_seconds() >= TOUCH_EVERY_SECS)
}

/// Records a use of the token (the condition keeps concurrent requests from writing it twice
/// in the same minute).
pub fn touch(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::sql_query(
        "UPDATE api_tokens SET last_used_at = now() WHERE id = $1 \
         AND (last_used_at IS NULL OR last_used_at <= now() - make_interval(secs => $2))",
    )
    .bind::<BigInt, _>(id)
    .bind::<diesel::sql_types::Double, _>(TOUCH_EVERY_SECS as f64)
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_is_written_at_most_once_a_minute() {
        let now = Utc::now();
        assert!(due_for_touch(None, now));
        assert!(!due_for_touch(Some(now - chrono::Duration::seconds(59)), now));
        assert!(due_for_touch(Some(now - chrono::Duration::seconds(60)), now));
    }
}

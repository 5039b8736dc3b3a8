//! Login throttling state, shared by every app instance through PostgreSQL.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

use super::schema::login_failures;

/// Failures within this many seconds count towards the limit.
pub const WINDOW_SECS: i32 = 15 * 60;

/// Failed logins for `key` in the current window.
pub fn recent_failures(conn: &mut PgConnection, key: &str) -> QueryResult<i32> {
    let count: Option<i32> = login_failures::table
        .find(key)
        .filter(login_failures::window_start.gt(Utc::now() - Duration::seconds(i64::from(WINDOW_SECS))))
        .select(login_failures::failures)
        .first(conn)
        .optional()?;
    Ok(count.unwrap_or(0))
}

/// Counts one failure, starting a new window when the old one has passed.
pub fn record_failure(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO login_failures (throttle_key, failures, window_start) VALUES ($1, 1, now())
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2)
                           THEN login_failures.failures + 1 ELSE 1 END,
           window_start = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2)
                               THEN login_failures.window_start ELSE now() END",
    )
    .bind::<Text, _>(key)
    .bind::<Integer, _>(WINDOW_SECS)
    .execute(conn)?;
    Ok(())
}

/// Forgets the failures of `key` after a successful login.
pub fn clear(conn: &mut PgConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.find(key)).execute(conn)?;
    Ok(())
}

//! Per-account rate limits on work that costs the server CPU (counted in PostgreSQL, so every
//! instance shares them).

use diesel::PgConnection;

use crate::auth::CurrentUser;
use crate::db::{self, PgPool, throttle};
use crate::error::AppError;

/// Previews one account may ask for per minute (the editor asks at most once per pause in typing).
pub const PREVIEWS_PER_MINUTE: i32 = 60;

/// Counts a `/preview` request of `user` before it is rendered; 429 with `Retry-After` past
/// `PREVIEWS_PER_MINUTE`.
pub fn check_preview_rate_in(conn: &mut PgConnection, user: &CurrentUser) -> Result<(), AppError> {
    let key = throttle::Key {
        key: format!("preview-account|{}", user.id.0),
        rule: throttle::Rule::Window { limit: PREVIEWS_PER_MINUTE, window_secs: 60 },
    };
    match throttle::take(conn, &[key])? {
        None => Ok(()),
        Some(wait) => Err(AppError::TooManyRequests(wait)),
    }
}

/// See [`check_preview_rate_in`].
pub async fn check_preview_rate(pool: &PgPool, user: &CurrentUser) -> Result<(), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| check_preview_rate_in(c, &user)).await
}

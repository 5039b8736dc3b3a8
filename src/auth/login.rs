//! Sign-up, login and logout: throttled, hashed off the async executor, rotating sessions.

use actix_web::web;
use chrono::{Duration, Utc};

use super::password::{hash_password, verify_against_dummy, verify_password};
use super::session::{SESSION_DAYS, new_token, token_hash};
use crate::db::{self, sessions, throttle, users};
use crate::domain::roles::Role;
use crate::domain::validate;
use crate::error::AppError;
use crate::startup::AppState;

/// Failed logins per (address, username) before further attempts wait for the window to pass.
pub const MAX_FAILURES: i32 = 10;

/// A fresh session: the cookie token (only its hash is stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub user: users::User,
}

/// Checks credentials and opens a session. Throttled per client address and username, before
/// any hashing, so a guessing run costs the server almost nothing and never locks the real
/// user out for longer than the window.
pub async fn log_in(state: &AppState, username: &str, password: &str, client: &str) -> Result<NewSession, AppError> {
    if validate::username(username).is_err() {
        // No account can have this name (and it may be megabytes long): nothing to throttle or check.
        return Err(AppError::Unauthorized("wrong username or password".to_owned()));
    }
    let key = format!("{client}|{}", username.trim().to_lowercase());
    let throttle_key = key.clone();
    let failures = db::with_conn(&state.pool, move |c| Ok(throttle::recent_failures(c, &throttle_key)?)).await?;
    if failures >= MAX_FAILURES {
        return Err(AppError::TooManyRequests);
    }
    let name = username.trim().to_owned();
    let row = db::with_conn(&state.pool, move |c| Ok(users::by_username(c, &name)?)).await?;
    let password = password.to_owned();
    let stored = row.as_ref().map(|r| r.password_hash.clone());
    let matches = off_executor_hashing(state, move || match stored {
        Some(hash) => verify_password(&hash, &password),
        None => {
            verify_against_dummy(&password);
            false
        }
    })
    .await?;
    match row {
        Some(row) if matches => {
            db::with_conn(&state.pool, move |c| Ok(throttle::clear(c, &key)?)).await?;
            start_session(state, row.into()).await
        }
        _ => {
            db::with_conn(&state.pool, move |c| Ok(throttle::record_failure(c, &key)?)).await?;
            Err(AppError::Unauthorized("wrong username or password".to_owned()))
        }
    }
}

/// Creates a reader account and logs it in.
pub async fn sign_up(state: &AppState, username: &str, password: &str) -> Result<NewSession, AppError> {
    let username = validate::username(username).map_err(AppError::Invalid)?;
    validate::password(password).map_err(AppError::Invalid)?;
    let password = password.to_owned();
    let hash = off_executor_hashing(state, move || hash_password(&password)).await??;
    let user = db::with_conn(&state.pool, move |c| users::insert(c, &username, &hash, Role::Reader)).await?;
    start_session(state, user).await
}

/// Changes a user's password after checking the current one (throttled like a login), ends
/// every session of the user — on every device — and opens a fresh one for this browser.
pub async fn change_password(
    state: &AppState,
    user: &users::User,
    current: &str,
    new: &str,
    client: &str,
) -> Result<NewSession, AppError> {
    validate::password(new).map_err(AppError::Invalid)?;
    log_in(state, &user.username, current, client).await.map_err(|e| match e {
        AppError::Unauthorized(_) => AppError::Invalid("the current password is wrong".to_owned()),
        other => other,
    })?;
    let new = new.to_owned();
    let hash = off_executor_hashing(state, move || hash_password(&new)).await??;
    let id = user.id;
    db::with_conn(&state.pool, move |c| {
        use diesel::Connection;
        c.transaction(|c| {
            users::set_password_hash(c, id, &hash)?;
            sessions::delete_for_user(c, id)?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    start_session(state, user.clone()).await
}

/// Ends the session whose cookie token this is.
pub async fn log_out(state: &AppState, token: &str) -> Result<(), AppError> {
    let hash = token_hash(token);
    db::with_conn(&state.pool, move |c| Ok(sessions::delete(c, &hash)?)).await?;
    Ok(())
}

async fn start_session(state: &AppState, user: users::User) -> Result<NewSession, AppError> {
    let session = NewSession { token: new_token(), csrf_token: new_token(), user };
    let (hash, csrf, id) = (token_hash(&session.token), session.csrf_token.clone(), session.user.id);
    let expires_at = Utc::now() + Duration::days(SESSION_DAYS);
    db::with_conn(&state.pool, move |c| {
        sessions::purge_expired(c)?;
        Ok(sessions::insert(c, &hash, id, &csrf, expires_at)?)
    })
    .await?;
    Ok(session)
}

/// Runs argon2 on the blocking pool, at most one hash per core at a time, so a burst of logins
/// cannot starve the database calls that page views make on the same pool.
async fn off_executor_hashing<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = state
        .hashing
        .acquire()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing limiter closed: {e}")))?;
    Ok(web::block(work).await?)
}

//! Sign-up, login, password change and logout: throttled, hashed off the async executor, and
//! rotating sessions (the browser's previous session ends once the new one is open).

use actix_web::web;
use chrono::{Duration, Utc};
use tokio::sync::Semaphore;

use crate::auth::password::{hash_password, verify_against_dummy, verify_password};
use crate::auth::session::{SESSION_DAYS, new_token, token_hash};
use crate::db::{self, PgPool, sessions, throttle, users};
use crate::domain::roles::Role;
use crate::domain::validate;
use crate::error::AppError;

/// What signing in runs on: the pool, and the limit of one argon2 hash per core at a time.
#[derive(Clone, Copy)]
pub struct SignIn<'a> {
    pub pool: &'a PgPool,
    pub hashing: &'a Semaphore,
}

/// Login attempts per (address, username) in a window of `WINDOW_SECS`.
pub const MAX_FAILURES: i32 = 10;
/// Failed logins per address across accounts in a window (good ones are taken back).
pub const MAX_ADDRESS_FAILURES: i32 = 10;
/// The window of the per-address and per-pair counts.
pub const WINDOW_SECS: i32 = 15 * 60;
/// Failed logins on one account, from any address, before each further attempt waits
/// 2^(n - FREE) seconds, at most `MAX_ACCOUNT_WAIT_SECS`.
pub const FREE_ACCOUNT_FAILURES: i32 = 10;
/// The longest wait between two attempts on one account.
pub const MAX_ACCOUNT_WAIT_SECS: i32 = 15 * 60;
/// Sign-ups per address per hour.
pub const MAX_SIGNUPS_PER_HOUR: i32 = 10;

/// The three counts a login attempt goes through: per address (across accounts), per address
/// and account, and per account (across addresses, slowing rather than locking out).
fn login_keys(client: &str, username: &str) -> [throttle::Key; 3] {
    let account = username.trim().to_lowercase();
    let window = throttle::Rule::Window { limit: MAX_FAILURES, window_secs: WINDOW_SECS };
    [
        throttle::Key {
            key: format!("login-address|{client}"),
            rule: throttle::Rule::Window { limit: MAX_ADDRESS_FAILURES, window_secs: WINDOW_SECS },
        },
        throttle::Key { key: format!("login-pair|{client}|{account}"), rule: window },
        throttle::Key {
            key: format!("login-account|{account}"),
            rule: throttle::Rule::Backoff {
                free: FREE_ACCOUNT_FAILURES,
                cap_secs: MAX_ACCOUNT_WAIT_SECS,
                memory_secs: 24 * 60 * 60,
            },
        },
    ]
}

/// Counts an attempt on `keys` before the work it guards; 429 with the wait when over a limit.
pub async fn count_attempt(pool: &PgPool, keys: Vec<throttle::Key>) -> Result<(), AppError> {
    match db::with_conn(pool, move |c| Ok(throttle::take(c, &keys)?)).await? {
        None => Ok(()),
        Some(wait) => Err(AppError::TooManyRequests(wait)),
    }
}

/// A fresh session: the cookie token (only its hash is stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub user: users::User,
}

/// Checks credentials, opens a session and ends the browser's `previous` one. Every attempt is
/// counted before any hashing (per address, per address and account, per account), so a
/// guessing run, however concurrent, gets no more checks than the limits allow and costs the
/// server almost nothing.
pub async fn log_in(
    with: SignIn<'_>,
    username: &str,
    password: &str,
    client: &str,
    previous: Option<&str>,
) -> Result<NewSession, AppError> {
    let session = check_and_open(with, username, password, client).await.inspect_err(count_refusal)?;
    end_previous(with.pool, previous).await?;
    Ok(session)
}

/// Counts a refused login in `agora_login_refusals_total{reason}`: `bad_credentials` (an unknown
/// user or a wrong password: the two are not told apart, here either) or `throttled`. A
/// suspended account is not refused at login (it may still read and secure its account), so
/// there is no such reason.
fn count_refusal(error: &AppError) {
    let reason = match error {
        AppError::Unauthorized(_) => "bad_credentials",
        AppError::TooManyRequests(_) => "throttled",
        _ => return,
    };
    metrics::counter!("agora_login_refusals_total", "reason" => reason).increment(1);
}

/// Checks credentials and opens a session (without ending any other).
async fn check_and_open(
    with: SignIn<'_>,
    username: &str,
    password: &str,
    client: &str,
) -> Result<NewSession, AppError> {
    if validate::username(username).is_err() {
        // No account can have this name (and it may be megabytes long): nothing to throttle or check.
        return Err(AppError::Unauthorized("wrong username or password".to_owned()));
    }
    let [address, pair, account] = login_keys(client, username);
    count_attempt(with.pool, vec![address.clone(), pair.clone(), account.clone()]).await?;
    let name = username.trim().to_owned();
    let row = db::with_conn(with.pool, move |c| Ok(users::by_username(c, &name)?)).await?;
    let password = password.to_owned();
    let stored = row.as_ref().map(|r| r.password_hash.clone());
    let matches = off_executor_hashing(with.hashing, move || match stored {
        Some(hash) => verify_password(&hash, &password),
        None => {
            verify_against_dummy(&password);
            false
        }
    })
    .await?;
    match row {
        Some(row) if matches => {
            let release = [
                (address, throttle::Release::Undo),
                (pair, throttle::Release::Forget),
                (account, throttle::Release::Forget),
            ];
            db::with_conn(with.pool, move |c| Ok(throttle::release(c, &release)?)).await?;
            start_session(with.pool, row.into()).await
        }
        // The failure was counted before the check.
        _ => Err(AppError::Unauthorized("wrong username or password".to_owned())),
    }
}

/// Creates a reader account, logs it in and ends the browser's `previous` session.
/// Valid sign-ups are counted per address before anything is hashed (`MAX_SIGNUPS_PER_HOUR`).
pub async fn sign_up(
    with: SignIn<'_>,
    username: &str,
    password: &str,
    client: &str,
    previous: Option<&str>,
) -> Result<NewSession, AppError> {
    let username = validate::username(username).map_err(AppError::Invalid)?;
    validate::password(password).map_err(AppError::Invalid)?;
    let key = throttle::Key {
        key: format!("signup-address|{client}"),
        rule: throttle::Rule::Window { limit: MAX_SIGNUPS_PER_HOUR, window_secs: 60 * 60 },
    };
    count_attempt(with.pool, vec![key]).await?;
    let password = password.to_owned();
    let hash = off_executor_hashing(with.hashing, move || hash_password(&password)).await??;
    let user = db::with_conn(with.pool, move |c| users::insert(c, &username, &hash, Role::Reader)).await?;
    let session = start_session(with.pool, user).await?;
    end_previous(with.pool, previous).await?;
    Ok(session)
}

/// Changes a user's password after checking the current one (throttled like a login), ends
/// every session of the user — on every device — and opens a fresh one for this browser.
pub async fn change_password(
    with: SignIn<'_>,
    user: &users::User,
    current: &str,
    new: &str,
    client: &str,
) -> Result<NewSession, AppError> {
    validate::password(new).map_err(AppError::Invalid)?;
    check_and_open(with, &user.username, current, client).await.map_err(|e| match e {
        AppError::Unauthorized(_) => AppError::Invalid("the current password is wrong".to_owned()),
        other => other,
    })?;
    let new = new.to_owned();
    let hash = off_executor_hashing(with.hashing, move || hash_password(&new)).await??;
    let id = user.id;
    db::with_conn(with.pool, move |c| {
        use diesel::Connection;
        c.transaction(|c| {
            users::set_password_hash(c, id, &hash)?;
            sessions::delete_for_user(c, id)?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    start_session(with.pool, user.clone()).await
}

/// Ends the session whose cookie token this is (nothing when there is none).
pub async fn log_out(pool: &PgPool, token: Option<&str>) -> Result<(), AppError> {
    end_previous(pool, token).await
}

async fn end_previous(pool: &PgPool, token: Option<&str>) -> Result<(), AppError> {
    let Some(token) = token else { return Ok(()) };
    let hash = token_hash(token);
    db::with_conn(pool, move |c| Ok(sessions::delete(c, &hash)?)).await?;
    Ok(())
}

async fn start_session(pool: &PgPool, user: users::User) -> Result<NewSession, AppError> {
    let session = NewSession { token: new_token(), csrf_token: new_token(), user };
    let (hash, csrf, id) = (token_hash(&session.token), session.csrf_token.clone(), session.user.id);
    let expires_at = Utc::now() + Duration::days(SESSION_DAYS);
    db::with_conn(pool, move |c| {
        sessions::purge_expired(c)?;
        Ok(sessions::insert(c, &hash, id, &csrf, expires_at)?)
    })
    .await?;
    Ok(session)
}

/// Runs argon2 on the blocking pool, at most one hash per core at a time, so a burst of logins
/// cannot starve the database calls that page views make on the same pool.
async fn off_executor_hashing<T: Send + 'static>(
    hashing: &Semaphore,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit =
        hashing.acquire().await.map_err(|e| AppError::Internal(anyhow::anyhow!("hashing limiter closed: {e}")))?;
    Ok(web::block(work).await?)
}

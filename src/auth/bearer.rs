//! `Authorization: Bearer <token>` on `/api/v1`: a personal API token stands for its owner.
//!
//! A bearer request is authenticated by the token alone. Its cookies are ignored (no session is
//! read, none is started, no cookie is set), so it carries no ambient authority a cross-site page
//! could borrow, and the CSRF check does not apply to it (`csrf::guard`). A browser cannot add an
//! `Authorization` header to a cross-site request without a CORS preflight this server never
//! grants. Pages (outside `/api/v1`) ignore the header: a token is for API clients.
//!
//! Each request costs one query by the token's hash (the unique index), one throttle count per
//! token, and, at most once a minute, a write of its last use.

use actix_web::HttpMessage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use super::Visitor;
use super::privacy::PRIVATE;
use super::read_your_writes::LastWrite;
use super::session::token_hash;
use crate::db::{self, api_tokens, throttle};
use crate::domain::api_token::{self, Scope};
use crate::error::AppError;
use crate::state::AppState;

/// Where tokens are accepted.
pub const API_PREFIX: &str = "/api/v1/";

/// How a request was authenticated by a token, kept in its [`Visitor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenAuth {
    /// The token's row.
    pub id: i64,
    pub scope: Scope,
}

/// Whether this request is a bearer request: under `/api/v1` with an `Authorization` header.
pub fn applies(req: &ServiceRequest) -> bool {
    req.path().starts_with(API_PREFIX) && req.headers().contains_key(header::AUTHORIZATION)
}

/// Paths a token never reaches: starting or ending a session, and managing tokens (a leaked
/// token must not mint others that outlive its revocation). Both stay with the signed-in session.
pub fn session_only(method: &actix_web::http::Method, path: &str) -> bool {
    let tokens = path == "/api/v1/account/tokens" || path.starts_with("/api/v1/account/tokens/");
    tokens || (path == "/api/v1/session" && !method.is_safe())
}

/// Serves a bearer request (see the module): resolves the token, refuses what it may not do,
/// and answers without cookies and `private, no-store`.
pub async fn serve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    state: web::Data<AppState>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let header = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let rate = state.tokens.rate_per_minute;
    let resolved = resolve(&state.pool, header, rate).await;
    let method = req.method().clone();
    let path = req.path().to_owned();
    let visitor = |user, unread_notifications, token| Visitor {
        user,
        csrf_token: String::new(),
        unread_notifications,
        flash: None,
        canonical_url: format!("{}{path}", state.public_url),
        token,
    };
    let found = match resolved {
        Ok(found) => found,
        Err(err) => {
            req.extensions_mut().insert(visitor(None, 0, None));
            return Ok(finish(req.error_response(err.for_path(&path))));
        }
    };
    let refusal = if let Some(suspension) = &found.user.suspension {
        Some(AppError::Forbidden(format!("{}; its API tokens do not work meanwhile", suspension.refusal())))
    } else if session_only(&method, &path) {
        Some(AppError::Forbidden(
            "an API token cannot do this: sessions and tokens are managed from a signed-in session \
             (send the request without the Authorization header)"
                .to_owned(),
        ))
    } else if !found.scope.allows(method.is_safe()) {
        Some(AppError::Forbidden(format!(
            "this API token is read-only: it may read (GET) but not {method}; make a token with the write scope \
             to change things"
        )))
    } else {
        None
    };
    let token = TokenAuth { id: found.id, scope: found.scope };
    req.extensions_mut().insert(visitor(Some(found.user), found.unread_notifications, Some(token)));
    // Its reads wait for a replica that has replayed its last write (`read_your_writes`).
    req.extensions_mut().insert(LastWrite(found.write_lsn));
    if let Some(refusal) = refusal {
        return Ok(finish(req.error_response(refusal.for_path(&path))));
    }
    let res = next.call(req).await?.map_into_boxed_body();
    Ok(finish(res))
}

/// A bearer answer: no cookie, and no cache but the client's memory may keep it.
fn finish(mut res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let headers = res.headers_mut();
    headers.remove(header::SET_COOKIE);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
    if res.status() == actix_web::http::StatusCode::UNAUTHORIZED {
        // RFC 6750 §3: what to send instead.
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    }
    res
}

/// The live token the header presents, counted against its rate limit (and its use recorded
/// at most once a minute). 401 for a malformed, unknown or revoked token; 429 past the limit.
async fn resolve(
    pool: &db::PgPool,
    header: Option<String>,
    rate_per_minute: i32,
) -> Result<api_tokens::TokenFound, AppError> {
    let unknown = || AppError::Unauthorized("this API token is unknown or was revoked".to_owned());
    let header = header.unwrap_or_default();
    let token = match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim().to_owned(),
        _ => {
            return Err(AppError::Unauthorized(
                "the Authorization header must be `Bearer <token>`, with a personal API token".to_owned(),
            ));
        }
    };
    if !api_token::looks_like_token(&token) {
        return Err(unknown());
    }
    let hash = token_hash(&token);
    db::with_conn(pool, move |c| {
        let found = api_tokens::find_live(c, &hash)?.ok_or_else(unknown)?;
        let key = throttle::Key {
            key: format!("api-token|{}", found.id),
            rule: throttle::Rule::Window { limit: rate_per_minute, window_secs: 60 },
        };
        if let Some(wait) = throttle::take(c, &[key])? {
            return Err(AppError::TooManyRequests(wait));
        }
        if api_tokens::due_for_touch(found.last_used_at, chrono::Utc::now()) {
            api_tokens::touch(c, found.id)?;
        }
        Ok(found)
    })
    .await
}

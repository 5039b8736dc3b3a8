//! `/api/v1/session`: who am I (and my CSRF token), log in, log out.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::API;
use super::inputs::LoginBody;
use super::views::{ErrorBody, role_schema};
use crate::auth::Visitor;
use crate::auth::session::{SESSION_COOKIE, SESSION_DAYS, cookie, removal};
use crate::error::ApiError;
use crate::ops::sessions;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the session endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/session").get(current).post(log_in).delete(log_out));
}

/// The session as the API reports it. Send `csrf_token` as `X-CSRF-Token` on every write.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// `null` when not logged in.
    pub user: Option<UserView>,
    /// 64 hex digits; tied to the session (or, before logging in, to the `agora_csrf` cookie).
    pub csrf_token: String,
}

/// A user as the API shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    #[schema(schema_with = role_schema)]
    pub role: &'static str,
}

/// Who am I
///
/// The logged-in user, if any, and the CSRF token to send as `X-CSRF-Token` on writes.
#[utoipa::path(
    get,
    path = "/api/v1/session",
    operation_id = "get_session",
    tag = "session",
    responses((status = 200, description = "The session", body = SessionView))
)]
pub async fn current(visitor: Visitor) -> HttpResponse {
    HttpResponse::Ok().json(SessionView {
        user: visitor.user.map(|u| UserView { id: u.id.0, username: u.username, role: u.role.as_str() }),
        csrf_token: visitor.csrf_token,
    })
}

/// Log in
///
/// Sets the `agora_session` cookie and returns the session's CSRF token. Needs no token itself
/// (a cross-site page cannot send JSON without a preflight this server never grants).
/// Attempts are counted before the password is checked: per address, per address and name, and
/// per name from any address (slowing down after 10 failures); over a limit: 429 with `Retry-After`.
#[utoipa::path(
    post,
    path = "/api/v1/session",
    operation_id = "log_in",
    tag = "session",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in; the response sets the `agora_session` cookie", body = SessionView,
            headers(("Set-Cookie" = String, description = "`agora_session=...; HttpOnly; SameSite=Lax; Path=/`"))),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 403, description = "Not sent as `application/json`: then it counts as a form and needs a CSRF token", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; wait the `Retry-After` seconds", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait before the next attempt"))),
    )
)]
pub async fn log_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let client = crate::routes::client_address(&req);
    let previous = crate::routes::session_token(&req);
    let LoginBody { username, password } = body.into_inner();
    let with = crate::routes::sign_in_with(&state);
    let session = sessions::log_in(with, &username.0, &password.0, &client, previous.as_deref()).await?;
    Ok(HttpResponse::Ok().cookie(cookie(SESSION_COOKIE, session.token, state.cookie_secure, SESSION_DAYS)).json(
        SessionView {
            user: Some(UserView {
                id: session.user.id.0,
                username: session.user.username,
                role: session.user.role.as_str(),
            }),
            csrf_token: session.csrf_token,
        },
    ))
}

/// Log out
///
/// Ends the session (if there is one) and clears its cookie.
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    operation_id = "log_out",
    tag = "session",
    responses(
        (status = 204, description = "Logged out (also when there was no session)"),
        (status = 403, description = "Missing or wrong CSRF token, or cross-site", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn log_out(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    sessions::log_out(&state.pool, crate::routes::session_token(&req).as_deref()).await?;
    Ok(HttpResponse::NoContent().cookie(removal(SESSION_COOKIE, state.cookie_secure)).finish())
}

//! `/api/v1/session`: who am I (and my CSRF token), log in, log out.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::API;
use crate::auth::Visitor;
use crate::auth::login;
use crate::auth::session::{SESSION_COOKIE, SESSION_DAYS, cookie, removal};
use crate::error::ApiError;
use crate::routes::accounts::Credentials;
use crate::routes::table::{Routes, at};
use crate::startup::AppState;

/// Registers the session endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/session").get(current).post(log_in).delete(log_out));
}

/// The session as the API reports it. Send `csrf_token` as `X-CSRF-Token` on every write.
#[derive(Debug, Serialize)]
pub struct SessionView {
    pub user: Option<UserView>,
    pub csrf_token: String,
}

/// A user as the API shows them.
#[derive(Debug, Serialize)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub role: &'static str,
}

async fn current(visitor: Visitor) -> HttpResponse {
    HttpResponse::Ok().json(SessionView {
        user: visitor.user.map(|u| UserView { id: u.id.0, username: u.username, role: u.role.as_str() }),
        csrf_token: visitor.csrf_token,
    })
}

async fn log_in(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Credentials>,
) -> Result<HttpResponse, ApiError> {
    let client = crate::routes::client_address(&req);
    if let Some(previous) = req.cookie(SESSION_COOKIE) {
        login::log_out(&state, previous.value()).await?;
    }
    let session = login::log_in(&state, &body.username, &body.password, &client).await?;
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

async fn log_out(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if let Some(token) = req.cookie(SESSION_COOKIE) {
        login::log_out(&state, token.value()).await?;
    }
    Ok(HttpResponse::NoContent().cookie(removal(SESSION_COOKIE, state.cookie_secure)).finish())
}

//! The JSON API under `/api/v1`, mirroring the pages. Errors are `{"error": "..."}`.

pub mod account;
pub mod attention;
pub mod citations;
pub mod curation;
pub mod docs;
pub mod events;
pub mod fairness;
pub mod following;
pub mod history;
pub mod inputs;
pub mod link_health;
pub mod matrix;
pub mod moderation;
pub mod moderation_inputs;
pub mod moderation_views;
pub mod notifications;
pub mod openapi;
pub mod search;
pub mod session;
pub mod sources;
pub mod stance;
pub mod synthesis;
pub mod synthesis_inputs;
pub mod synthesis_views;
pub mod threads;
pub mod tokens;
pub mod users;
pub mod views;

use actix_web::web;

use crate::error::{ApiError, AppError};

/// Where the API is mounted.
pub const API: &str = "/api/v1";

/// Registers `/api/v1/...` with a JSON 404 for unknown paths.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope(API)
            .configure(openapi::configure)
            .configure(session::configure)
            .configure(account::configure)
            .configure(tokens::configure)
            .configure(search::configure)
            .configure(link_health::configure)
            .configure(attention::configure)
            // Fixed paths first: `/threads/{slug}/events`, `/synthesis`, `/lock`, `/curators`,
            // `/changes`, ... must win over the generic `/threads/{slug}/{kind}` of `threads`.
            .configure(events::configure)
            .configure(sources::configure)
            .configure(following::configure)
            // Issue 17: the fair-summary signal.
            .configure(fairness::configure)
            .configure(synthesis::configure)
            .configure(history::configure)
            .configure(moderation::configure)
            .configure(curation::configure)
            .configure(matrix::configure)
            .configure(citations::configure)
            .configure(users::configure)
            .configure(notifications::configure)
            // The governed stance label.
            .configure(stance::configure)
            .configure(threads::configure)
            .default_service(web::to(not_found)),
    );
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError(AppError::NotFound))
}

/// The logged-in user of an API request, or 401.
pub fn require_user(visitor: &crate::auth::Visitor) -> Result<&crate::auth::CurrentUser, ApiError> {
    visitor
        .user
        .as_ref()
        .ok_or_else(|| ApiError(AppError::Unauthorized("log in first (POST /api/v1/session)".to_owned())))
}

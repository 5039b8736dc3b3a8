//! The JSON API under `/api/v1`, mirroring the pages. Errors are `{"error": "..."}`.

pub mod docs;
pub mod events;
pub mod inputs;
pub mod openapi;
pub mod session;
pub mod threads;
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
            // Events first: `/threads/{slug}/events` must win over `/threads/{slug}/{kind}`.
            .configure(events::configure)
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

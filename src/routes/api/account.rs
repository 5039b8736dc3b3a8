//! `/api/v1/account/feed-token`: the logged-in reader's private feed URL.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::views::ErrorBody;
use super::{API, require_user};
use crate::auth::Visitor;
use crate::error::ApiError;
use crate::ops::feeds;
use crate::render::feeds::Site;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the account endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/account/feed-token").post(issue).delete(revoke));
}

/// A new private feed URL. It is returned once: the server keeps only a hash of its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedTokenView {
    /// The Atom feed of the threads you follow; anyone with this URL can read it.
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// Make a private feed URL
///
/// Makes a new secret URL for the Atom feed of changes to the threads you follow, replacing the
/// one you had (which stops working at once). The URL is shown only in this answer.
#[utoipa::path(
    post,
    path = "/api/v1/account/feed-token",
    operation_id = "create_feed_token",
    tag = "account",
    responses(
        (status = 201, description = "Made; keep the URL secret", body = FeedTokenView),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn issue(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let new = feeds::issue_token(&state.pool, &Site::new(&state.public_url), user).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, crate::auth::privacy::PRIVATE))
        .json(FeedTokenView { url: new.url, created_at: new.created_at }))
}

/// Revoke the private feed URL
///
/// The URL stops working at once. A suspended account may still revoke its URL.
#[utoipa::path(
    delete,
    path = "/api/v1/account/feed-token",
    operation_id = "revoke_feed_token",
    tag = "account",
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, or cross-site", body = ErrorBody),
        (status = 404, description = "You have no private feed URL", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn revoke(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, ApiError> {
    feeds::revoke_token(&state.pool, require_user(&visitor)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

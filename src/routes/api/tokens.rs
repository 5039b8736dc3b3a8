//! `/api/v1/account/tokens`: the signed-in reader's personal API tokens (made, listed and
//! revoked from a session only: a token cannot manage tokens, see `auth::bearer`).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::inputs::Text;
use super::views::ErrorBody;
use super::{API, require_user};
use crate::auth::Visitor;
use crate::error::ApiError;
use crate::ops::api_tokens::{self, TokenListed};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the token endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/account/tokens").get(list).post(create))
        .add(at("/account/tokens/{id}").delete(revoke));
}

/// A token as lists show it: never the token, only its first characters.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenItem {
    pub id: i64,
    pub name: String,
    /// `read` (GET only) or `write` (whatever your account may do through the API).
    pub scope: &'static str,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    /// When it was last used, to within a minute; null if never.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<&TokenListed> for ApiTokenItem {
    fn from(row: &TokenListed) -> Self {
        ApiTokenItem {
            id: row.id,
            name: row.name.clone(),
            scope: row.scope().as_str(),
            prefix: row.prefix.clone(),
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// Your live tokens, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenList {
    pub tokens: Vec<ApiTokenItem>,
}

/// A new token's name and scope.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiTokenBody {
    /// What uses it; one line, up to 100 characters.
    #[schema(value_type = String)]
    pub name: Text,
    /// `read` or `write`.
    #[schema(value_type = String)]
    pub scope: Text,
}

/// A token just made. `token` is in this answer only: the server keeps only its hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewApiTokenView {
    /// Send it as `Authorization: Bearer <token>`; keep it secret.
    pub token: String,
    #[serde(flatten)]
    pub item: ApiTokenItem,
}

/// Your API tokens
///
/// Your live personal API tokens, newest first, with their scope, when each was made and last
/// used. Needs a signed-in session: an API token cannot list tokens.
#[utoipa::path(
    get,
    path = "/api/v1/account/tokens",
    operation_id = "list_api_tokens",
    tag = "account",
    responses(
        (status = 200, description = "Your tokens", body = ApiTokenList),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Sent with an API token: tokens are managed from a session", body = ErrorBody),
    ),
    security(("session_cookie" = []))
)]
pub async fn list(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let tokens = api_tokens::list(&state.pool, user).await?;
    Ok(HttpResponse::Ok().json(ApiTokenList { tokens: tokens.iter().map(ApiTokenItem::from).collect() }))
}

/// Make an API token
///
/// Makes a personal API token with a name and a scope (`read`: GET only; `write`: whatever your
/// account may do through the API). The token is shown only in this answer. At most 500 live
/// tokens per account.
#[utoipa::path(
    post,
    path = "/api/v1/account/tokens",
    operation_id = "create_api_token",
    tag = "account",
    request_body = NewApiTokenBody,
    responses(
        (status = 201, description = "Made; keep the token secret", body = NewApiTokenView),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, sent with an API token, or your account is suspended", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "An empty or too long name, an unknown scope, or 500 live tokens already", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<NewApiTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let NewApiTokenBody { name, scope } = body.into_inner();
    let new = api_tokens::create(&state.pool, user, name.0, scope.0).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, crate::auth::privacy::PRIVATE))
        .json(NewApiTokenView { item: ApiTokenItem::from(&new.row), token: new.token }))
}

/// Revoke an API token
///
/// The token stops working at once. A suspended account may still revoke its tokens.
#[utoipa::path(
    delete,
    path = "/api/v1/account/tokens/{id}",
    operation_id = "revoke_api_token",
    tag = "account",
    params(("id" = i64, Path, description = "The token's id (from the list)")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or sent with an API token", body = ErrorBody),
        (status = 404, description = "You have no live token with this id", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    api_tokens::revoke(&state.pool, require_user(&visitor)?, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! `/api/v1/users/{id}/...`: roles and suspensions (moderators for users below them, admins for
//! all). Every change goes to the moderation log.

use actix_web::{HttpResponse, web};

use super::API;
use super::moderation_inputs::{ReasonBody, RoleBody, SuspendBody};
use super::moderation_views::{SuspensionState, UserRole};
use super::require_user;
use super::views::ErrorBody;
use crate::auth::Visitor;
use crate::domain::ids::UserId;
use crate::domain::roles::Role;
use crate::error::{ApiError, AppError};
use crate::ops::users;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the user-management endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/users/{id}/role").post(set_role))
        .add(at("/users/{id}/suspend").post(suspend))
        .add(at("/users/{id}/unsuspend").post(unsuspend));
}

/// Change a user's role
///
/// Admins give any role; moderators make users below them readers or curators. Nobody changes
/// their own role.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/role",
    operation_id = "set_user_role",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id")),
    request_body = RoleBody,
    responses(
        (status = 200, description = "The user's role now", body = UserRole),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, a role your role cannot give to this user, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "An unknown role, your own role, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn set_role(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<RoleBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = require_user(&visitor)?;
    let input: users::RoleInput = body.into_inner().into();
    let role = Role::parse(input.role.trim());
    users::set_role(&state.pool, user, UserId(id), input).await?;
    // `set_role` refused an unknown role, so `role` is known here.
    let role = role.ok_or_else(|| AppError::Internal(anyhow::anyhow!("set_role accepted an unknown role")))?;
    Ok(HttpResponse::Ok().json(UserRole { id, role: role.as_str() }))
}

/// Suspend a user
///
/// Their sessions stay (every page and refusal then tells them why and until when); until the
/// suspension ends they can log in and read, and every write is refused with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/suspend",
    operation_id = "suspend_user",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id")),
    request_body = SuspendBody,
    responses(
        (status = 200, description = "Suspended", body = SuspensionState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, a user your role cannot suspend, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A blank or too long reason, `until` malformed or not in the future, or yourself", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn suspend(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<SuspendBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    users::suspend(&state.pool, require_user(&visitor)?, UserId(id), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(SuspensionState { id, suspended: true }))
}

/// Lift a suspension
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/unsuspend",
    operation_id = "unsuspend_user",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "No longer suspended", body = SuspensionState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, a user your role cannot suspend, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "The user is not suspended, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn unsuspend(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    users::unsuspend(&state.pool, require_user(&visitor)?, UserId(id), body.into_inner().reason.0).await?;
    Ok(HttpResponse::Ok().json(SuspensionState { id, suspended: false }))
}

//! `/admin/users`: the list of accounts, their roles and suspensions (moderators and admins).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::back_to_referer;
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::ids::UserId;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::ops::moderation::ReasonInput;
use crate::ops::users::{self, RoleInput, SuspendInput};
use crate::render::pages::admin::UsersPage;
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the admin pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/admin/users").get(list))
        .add(at("/admin/users/{id}/role").post(set_role))
        .add(at("/admin/users/{id}/suspend").post(suspend))
        .add(at("/admin/users/{id}/unsuspend").post(unsuspend));
}

/// `?after=` (a username) on the users page.
#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    pub after: Option<String>,
}

async fn list(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (users, next) = users::list(&state.pool, visitor.require_user()?, query.after).await?;
    Ok(ok(&UsersPage {
        chrome: Chrome::of(&visitor),
        users,
        roles: &Role::ALL,
        next_href: next.map(|n| format!("/admin/users?after={n}")),
    }))
}

async fn set_role(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<RoleInput>,
) -> Result<HttpResponse, AppError> {
    users::set_role(&state.pool, visitor.require_user()?, UserId(id.into_inner()), form.into_inner()).await?;
    Ok(back_to_referer(&req, "/admin/users", Flash::RoleChanged))
}

async fn suspend(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<SuspendInput>,
) -> Result<HttpResponse, AppError> {
    users::suspend(&state.pool, visitor.require_user()?, UserId(id.into_inner()), form.into_inner()).await?;
    Ok(back_to_referer(&req, "/admin/users", Flash::Suspended))
}

async fn unsuspend(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<ReasonInput>,
) -> Result<HttpResponse, AppError> {
    users::unsuspend(&state.pool, visitor.require_user()?, UserId(id.into_inner()), form.into_inner().reason).await?;
    Ok(back_to_referer(&req, "/admin/users", Flash::Unsuspended))
}

//! `/admin/users`: the list of accounts and their roles (admins only).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::see_other;
use crate::auth::Visitor;
use crate::domain::ids::UserId;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::ops::users;
use crate::render::pages::admin::UsersPage;
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::startup::AppState;

/// Registers the admin pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/admin/users").get(list)).add(at("/admin/users/{id}/role").post(set_role));
}

/// `?after=` (a username) and `?saved=1` (after a change) on the users page.
#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    pub after: Option<String>,
    pub saved: Option<String>,
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
        notice: query.saved.map(|_| "Role saved.".to_owned()),
    }))
}

/// The role picker's form.
#[derive(Debug, Deserialize)]
pub struct RoleForm {
    pub role: String,
}

async fn set_role(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    users::set_role(&state.pool, visitor.require_user()?, UserId(id.into_inner()), &form.role).await?;
    Ok(see_other("/admin/users?saved=1"))
}

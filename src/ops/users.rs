//! Managing users' roles.

use crate::auth::CurrentUser;
use crate::db::users::{self, User};
use crate::db::{self, PgPool};
use crate::domain::ids::UserId;
use crate::domain::roles::{self, Role};
use crate::domain::validate;
use crate::error::AppError;

use super::access;

/// Users per page of the admin list.
pub const PAGE_SIZE: i64 = 100;

/// A page of users (admins only) and the cursor of the next.
pub async fn list(
    pool: &PgPool,
    user: &CurrentUser,
    after: Option<String>,
) -> Result<(Vec<User>, Option<String>), AppError> {
    access::require(user, roles::can_manage_users, "manage users")?;
    if let Some(after) = &after {
        validate::username(after).map_err(|_| AppError::BadRequest("the page cursor is not valid".to_owned()))?;
    }
    let rows = db::with_conn(pool, move |c| Ok(users::list_page(c, after.as_deref(), PAGE_SIZE + 1)?)).await?;
    Ok(db::keyset_page(rows, PAGE_SIZE, |u| u.username.to_lowercase()))
}

/// Gives a user a role (admins only; an admin cannot demote themselves, so one always remains).
pub async fn set_role(pool: &PgPool, user: &CurrentUser, target: UserId, role: &str) -> Result<(), AppError> {
    access::require(user, roles::can_manage_users, "manage users")?;
    let role = Role::parse(role)
        .ok_or_else(|| AppError::Invalid("role must be reader, curator, moderator or admin".into()))?;
    if target == user.id && role != Role::Admin {
        return Err(AppError::Invalid("you cannot remove your own admin role".into()));
    }
    let changed = db::with_conn(pool, move |c| Ok(users::set_role(c, target, role)?)).await?;
    if changed == 0 { Err(AppError::NotFound) } else { Ok(()) }
}

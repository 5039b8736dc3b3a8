//! Managing users: roles and suspensions (moderators for users below them, admins for all).
//! Every change goes to the moderation log.

use diesel::{Connection, PgConnection};
use serde::Deserialize;

use super::access;
use super::moderation::expiry;
use crate::auth::CurrentUser;
use crate::db::moderation::{self, NewLogEntry};
use crate::db::users::{self, User};
use crate::db::{self, PgPool};
use crate::domain::history::ModAction;
use crate::domain::ids::UserId;
use crate::domain::restriction::Suspension;
use crate::domain::roles::{self, Role};
use crate::domain::validate;
use crate::error::AppError;
use crate::render::pages::admin::AccountView;

/// Users per page of the admin list.
pub const PAGE_SIZE: i64 = 100;

/// A page of users (moderators and admins) after the username `after`, as the users list
/// shows them, and the cursor of the next.
pub fn list_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    after: Option<&str>,
) -> Result<(Vec<AccountView>, Option<String>), AppError> {
    access::require(user, roles::can_manage_users, "manage users")?;
    if let Some(after) = after {
        validate::username(after).map_err(|_| AppError::BadRequest("the page cursor is not valid".to_owned()))?;
    }
    let rows = users::list_page(conn, after, PAGE_SIZE + 1)?;
    let (rows, next) = db::keyset_page(rows, PAGE_SIZE, |u| u.username.to_lowercase());
    Ok((rows.into_iter().map(account_view).collect(), next))
}

/// See [`list_in`].
pub async fn list(
    pool: &PgPool,
    user: &CurrentUser,
    after: Option<String>,
) -> Result<(Vec<AccountView>, Option<String>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| list_in(c, &user, after.as_deref())).await
}

fn account_view(user: User) -> AccountView {
    AccountView { id: user.id, username: user.username, role: user.role, suspended: user.suspension.is_some() }
}

/// A role change as its form sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct RoleInput {
    pub role: String,
    #[serde(default)]
    pub reason: String,
}

/// Gives a user a role. Admins give any; moderators only reader or curator, to users below
/// them; an admin cannot demote themselves, and nobody demotes the last active admin (checked
/// under a lock on the admins' rows, so two admins demoting each other at once leave one).
pub fn set_role_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    target: UserId,
    input: RoleInput,
) -> Result<(), AppError> {
    access::require(user, roles::can_manage_users, "manage users")?;
    let role = Role::parse(input.role.trim())
        .ok_or_else(|| AppError::Invalid("role must be reader, curator, moderator or admin".into()))?;
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    if target == user.id && role != user.role {
        return Err(AppError::Invalid("you cannot change your own role".into()));
    }
    conn.transaction(|c| {
        let admins = users::lock_active_admins(c)?;
        // Who the actor is now, after any change that committed while we waited for the lock.
        let user = users::by_id(c, user.id)?;
        access::refuse_if_suspended(&user)?;
        let current = users::by_id(c, target)?;
        if !roles::can_set_role(user.role, current.role, role) {
            return Err(AppError::Forbidden(format!(
                "{} cannot make {} {}",
                user.role.with_article(),
                current.role.with_article(),
                role.with_article()
            )));
        }
        if current.role == role {
            return Ok(());
        }
        if role != Role::Admin {
            refuse_removing_last_admin(&admins, &current)?;
        }
        users::set_role(c, target, role)?;
        moderation::append(
            c,
            &NewLogEntry {
                actor: user.id,
                action: ModAction::Role,
                thread: None,
                target_user: Some(target),
                change: None,
                target: &format!("{}: {} → {}", current.username, current.role.as_str(), role.as_str()),
                reason: &reason,
            },
        )?;
        Ok(())
    })
}

/// See [`set_role_in`].
pub async fn set_role(pool: &PgPool, user: &CurrentUser, target: UserId, input: RoleInput) -> Result<(), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| set_role_in(c, &user, target, input)).await
}

/// A suspension as its form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SuspendInput {
    #[serde(default)]
    pub reason: String,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (UTC); empty: until lifted.
    #[serde(default)]
    pub until: String,
}

/// Suspends a user. Their sessions stay, so at their next request they read why and until when
/// (a logout would tell them nothing); until it ends every write of theirs is refused.
pub fn suspend_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    target: UserId,
    input: SuspendInput,
) -> Result<(), AppError> {
    access::require(user, roles::can_manage_users, "suspend users")?;
    let suspension = Suspension {
        reason: validate::required_reason(&input.reason, "suspending").map_err(AppError::Invalid)?,
        until: expiry(&input.until)?,
    };
    if target == user.id {
        return Err(AppError::Invalid("you cannot suspend yourself".into()));
    }
    change_suspension_in(conn, user, target, Some(suspension), String::new())
}

/// See [`suspend_in`].
pub async fn suspend(pool: &PgPool, user: &CurrentUser, target: UserId, input: SuspendInput) -> Result<(), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| suspend_in(c, &user, target, input)).await
}

/// Lifts a suspension.
pub fn unsuspend_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    target: UserId,
    reason: String,
) -> Result<(), AppError> {
    access::require(user, roles::can_manage_users, "lift suspensions")?;
    let reason = validate::reason(&reason).map_err(AppError::Invalid)?;
    change_suspension_in(conn, user, target, None, reason)
}

/// See [`unsuspend_in`].
pub async fn unsuspend(pool: &PgPool, user: &CurrentUser, target: UserId, reason: String) -> Result<(), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| unsuspend_in(c, &user, target, reason)).await
}

fn change_suspension_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    target: UserId,
    suspension: Option<Suspension>,
    lift_reason: String,
) -> Result<(), AppError> {
    conn.transaction(|c| {
        let admins = users::lock_active_admins(c)?;
        let user = users::by_id(c, user.id)?;
        access::refuse_if_suspended(&user)?;
        let current = users::by_id(c, target)?;
        if !roles::can_suspend(user.role, current.role) {
            return Err(AppError::Forbidden(format!(
                "{} cannot suspend {}",
                user.role.with_article(),
                current.role.with_article()
            )));
        }
        if suspension.is_some() {
            refuse_removing_last_admin(&admins, &current)?;
        }
        if suspension.is_none() && current.suspension.is_none() {
            return Err(AppError::Invalid(format!("{} is not suspended", current.username)));
        }
        users::set_suspension(c, target, suspension.as_ref())?;
        // Issue 17: whose ratings the fair-summary fit counts changed; the next look refits.
        crate::ops::fairness_fit::mark_dirty_in(c)?;
        let (action, target_text, reason) = match &suspension {
            Some(s) => (ModAction::Suspend, format!("{} {}", current.username, s.until_text()), s.reason.as_str()),
            None => (ModAction::Unsuspend, current.username.clone(), lift_reason.as_str()),
        };
        moderation::append(
            c,
            &NewLogEntry {
                actor: user.id,
                action,
                thread: None,
                target_user: Some(target),
                change: None,
                target: &target_text,
                reason,
            },
        )?;
        Ok(())
    })
}

/// Refuses a change that would take `target` out of the active administrators (`admins`, locked
/// by the caller's transaction) when no other would remain.
fn refuse_removing_last_admin(admins: &[UserId], target: &User) -> Result<(), AppError> {
    if roles::leaves_an_admin(admins.len(), admins.contains(&target.id)) {
        Ok(())
    } else {
        Err(AppError::Invalid(format!(
            "{} is the last active administrator: make someone else an admin first",
            target.username
        )))
    }
}

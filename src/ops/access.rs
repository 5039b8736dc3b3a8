//! Loading a thread for a write, with the permission check every write goes through.

use diesel::PgConnection;

use crate::auth::CurrentUser;
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::roles::{self, Actor};
use crate::domain::validate;
use crate::error::AppError;

/// The thread at `slug` if `user` may edit it: 404 when there is none, 403 when they may not
/// (not a curator of it, suspended, or the thread is locked and they are not a moderator).
pub fn editable_thread(conn: &mut PgConnection, slug: &str, user: &CurrentUser) -> Result<ThreadRow, AppError> {
    refuse_if_suspended(user)?;
    let thread = thread_by_slug(conn, slug)?;
    let curates_thread = threads::is_curator(conn, thread.thread_id(), user.id)?;
    if !roles::can_edit_thread(Actor { role: user.role, curates_thread }) {
        return Err(AppError::Forbidden("only this thread's curators and moderators can change it".to_owned()));
    }
    if let Some(lock) = thread.lock()
        && !roles::can_edit_locked_thread(user.role)
    {
        return Err(AppError::Forbidden(format!("{}; only moderators can change it", lock.describe())));
    }
    Ok(thread)
}

/// The async entry of [`editable_thread`], for the forms that only need the thread to exist
/// and be editable by `user` before anything is written.
pub async fn editable(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| editable_thread(c, &slug, &user)).await
}

/// The thread at `slug`, for naming it on an editor shown again after invalid input.
pub async fn thread(pool: &PgPool, slug: String) -> Result<ThreadRow, AppError> {
    db::with_conn(pool, move |c| thread_by_slug(c, &slug)).await
}

/// Suspended users write nothing (the visitor middleware refuses their writes too; this keeps
/// the rule true for any caller of `ops`).
pub fn refuse_if_suspended(user: &CurrentUser) -> Result<(), AppError> {
    match &user.suspension {
        Some(s) => Err(AppError::Forbidden(s.refusal())),
        None => Ok(()),
    }
}

/// The thread at `slug`; a malformed slug is a plain 404 without touching the database.
pub fn thread_by_slug(conn: &mut PgConnection, slug: &str) -> Result<ThreadRow, AppError> {
    validate::slug(slug).map_err(|_| AppError::NotFound)?;
    threads::by_slug(conn, slug)
}

/// Whether an (optional) user may edit a thread whose curators are `curators`, locked or not.
pub fn may_edit(user: Option<&CurrentUser>, curators: &[String], locked: bool) -> bool {
    user.is_some_and(|u| {
        u.suspension.is_none()
            && (!locked || roles::can_edit_locked_thread(u.role))
            && roles::can_edit_thread(Actor { role: u.role, curates_thread: curators.iter().any(|c| c == &u.username) })
    })
}

/// Refuses suspended users and users whose role is below what `allowed` accepts.
pub fn require(user: &CurrentUser, allowed: fn(roles::Role) -> bool, what: &str) -> Result<(), AppError> {
    refuse_if_suspended(user)?;
    if allowed(user.role) { Ok(()) } else { Err(AppError::Forbidden(format!("your role cannot {what}"))) }
}

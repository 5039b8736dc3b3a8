//! A reader's notifications: the list, and marking them read. Marking only sets `read_at`, so
//! nothing is lost; the next change to the thread opens a new notification.

use crate::auth::CurrentUser;
use crate::db::notifications::{self, NotificationCursor, NotificationListed};
use crate::db::{self, PgPool, keyset_page};
use crate::error::AppError;

/// Notifications per page.
pub const PAGE: i64 = 30;

/// A page of notifications and where the next one starts.
pub type NotificationPage = (Vec<NotificationListed>, Option<NotificationCursor>);

/// The reader's notifications, newest activity first, after `after`.
pub async fn list(
    pool: &PgPool,
    user: &CurrentUser,
    after: Option<NotificationCursor>,
) -> Result<NotificationPage, AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| {
        let rows = notifications::list(c, user, after, PAGE + 1)?;
        Ok(keyset_page(rows, PAGE, NotificationListed::cursor))
    })
    .await
}

/// Marks one of the reader's notifications read; someone else's (or a missing one) is a 404.
pub async fn mark_read(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let user = user.id;
    match db::with_conn(pool, move |c| Ok(notifications::mark_read(c, user, id)?)).await? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound),
    }
}

/// Which notifications to mark read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkRead {
    /// These ids (those not the reader's, or already read, are left alone).
    Ids(Vec<i64>),
    /// Every unread one.
    All,
}

/// At most this many ids in one request.
pub const MAX_IDS: usize = 500;

/// Marks notifications read; returns how many were unread and are now read.
pub async fn mark(pool: &PgPool, user: &CurrentUser, which: MarkRead) -> Result<usize, AppError> {
    if let MarkRead::Ids(ids) = &which
        && ids.len() > MAX_IDS
    {
        return Err(AppError::Invalid(format!("mark at most {MAX_IDS} notifications at once")));
    }
    let user = user.id;
    db::with_conn(pool, move |c| {
        Ok(match which {
            MarkRead::Ids(ids) => notifications::mark_many_read(c, user, &ids)?,
            MarkRead::All => notifications::mark_all_read(c, user)?,
        })
    })
    .await
}

/// The reader's unread count (the API reports it with the list).
pub async fn unread(pool: &PgPool, user: &CurrentUser) -> Result<i64, AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| Ok(notifications::unread_count(c, user)?)).await
}

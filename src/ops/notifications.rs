//! A reader's notifications: the list, and marking them read. Marking only sets `read_at`, so
//! nothing is lost; the next change to the thread opens a new notification.

use diesel::PgConnection;

use super::changelog;
use super::cursor::{decode_notification, encode_notification};
use crate::auth::CurrentUser;
use crate::db::notifications;
use crate::db::{self, PgPool, keyset_page};
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::render::format;
use crate::render::pages::notifications::{NotificationView, by_phrase, changes_phrase};

/// A notification as the list query returns it (the API serializes its fields).
pub use crate::db::notifications::NotificationListed;

/// Notifications per page.
pub const PAGE: i64 = 30;

/// A page of notifications, the reader's unread count in all, and where the next page starts.
#[derive(Debug)]
pub struct NotificationPage {
    pub rows: Vec<NotificationListed>,
    /// Unread notifications in all, not only on this page.
    pub unread: i64,
    /// The encoded cursor of the next page (`?after=`), if there is one.
    pub next: Option<String>,
}

/// The reader's notifications, newest activity first, after the cursor `after` (an empty one
/// is the first page; a malformed one a 400).
pub fn list_in(conn: &mut PgConnection, user: UserId, after: Option<&str>) -> Result<NotificationPage, AppError> {
    let after = after.filter(|a| !a.is_empty()).map(decode_notification).transpose()?;
    let rows = notifications::list(conn, user, after, PAGE + 1)?;
    let (rows, next) = keyset_page(rows, PAGE, NotificationListed::cursor);
    let unread = notifications::unread_count(conn, user)?;
    Ok(NotificationPage { rows, unread, next: next.map(encode_notification) })
}

/// See [`list_in`].
pub async fn list(pool: &PgPool, user: &CurrentUser, after: Option<String>) -> Result<NotificationPage, AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| list_in(c, user, after.as_deref())).await
}

/// The notifications page's rows and the encoded cursor of its next page. Each row says in
/// words what its latest change was, read as an anonymous reader would (a hidden change says
/// only that a moderator hid it): one more query for the page, by primary key.
pub async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    after: Option<String>,
) -> Result<(Vec<NotificationView>, Option<String>), AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| {
        let page = list_in(c, user, after.as_deref())?;
        let ids: Vec<i64> = page.rows.iter().map(|n| n.last_change_id).collect();
        let latest = changelog::latest_words_in(c, &ids)?;
        let rows = page.rows.iter().map(|n| view(n, latest.get(&n.last_change_id).cloned().unwrap_or_default()));
        Ok((rows.collect(), page.next))
    })
    .await
}

/// A notification as the page shows it.
fn view(n: &NotificationListed, latest: String) -> NotificationView {
    NotificationView {
        id: n.id,
        thread_slug: n.thread_slug.clone(),
        thread_title: n.thread_title.clone(),
        changes: changes_phrase(n.change_count),
        by: by_phrase(&n.actors, n.actor_count),
        at: format::moment(n.updated_at),
        at_iso: format::iso_timestamp(n.updated_at),
        unread: n.read_at.is_none(),
        latest,
    }
}

/// Marks one of the reader's notifications read; someone else's (or a missing one) is a 404.
pub fn mark_read_in(conn: &mut PgConnection, user: UserId, id: i64) -> Result<(), AppError> {
    match notifications::mark_read(conn, user, id)? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound),
    }
}

/// See [`mark_read_in`].
pub async fn mark_read(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| mark_read_in(c, user, id)).await
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

/// What marking did.
#[derive(Debug, Clone, Copy)]
pub struct Marked {
    /// How many were unread and are now read.
    pub marked: usize,
    /// Unread notifications left.
    pub unread: i64,
}

/// Marks notifications read; says how many were unread and are now read, and how many are left.
pub fn mark_in(conn: &mut PgConnection, user: UserId, which: MarkRead) -> Result<Marked, AppError> {
    if let MarkRead::Ids(ids) = &which
        && ids.len() > MAX_IDS
    {
        return Err(AppError::Invalid(format!("mark at most {MAX_IDS} notifications at once")));
    }
    let marked = match which {
        MarkRead::Ids(ids) => notifications::mark_many_read(conn, user, &ids)?,
        MarkRead::All => notifications::mark_all_read(conn, user)?,
    };
    Ok(Marked { marked, unread: notifications::unread_count(conn, user)? })
}

/// See [`mark_in`].
pub async fn mark(pool: &PgPool, user: &CurrentUser, which: MarkRead) -> Result<Marked, AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| mark_in(c, user, which)).await
}

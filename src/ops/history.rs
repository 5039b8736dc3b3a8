//! Reading the changelog: a thread's history, one item's versions and their diffs, site-wide
//! recent changes, the patrol queue and a user's contributions. Every list seeks by id.

use diesel::PgConnection;
use serde::Deserialize;
use serde_json::Value;

use super::sections::SectionKind;
use super::{access, visibility};
use crate::auth::CurrentUser;
use crate::db::changes::{self, ChangeFilter, ChangeRow, Seek};
use crate::db::threads::ThreadRow;
use crate::db::{self, PgPool, events, users};
use crate::domain::history::Area;
use crate::domain::ids::{ThreadId, UserId};
use crate::domain::roles::{self, Role};
use crate::error::AppError;

pub use crate::db::changes::ChangeListed;
use crate::render::diff::LineDiff;

/// Entries per page of every changelog list.
pub const PAGE: i64 = 50;

/// The filters of the history, recent-changes and queue pages (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChangeQuery {
    /// An area name (`synthesis`, `arc`, ...).
    pub kind: Option<String>,
    /// A username.
    pub user: Option<String>,
    /// Recent changes and the queue only: a thread's slug.
    pub thread: Option<String>,
    /// "1"/"true"/"on": only changes nobody patrolled yet.
    pub unpatrolled: Option<String>,
    /// The keyset cursor: the id of the last entry of the previous page.
    pub before: Option<i64>,
    pub after: Option<i64>,
}

impl ChangeQuery {
    fn unpatrolled_only(&self) -> bool {
        matches!(self.unpatrolled.as_deref(), Some("1" | "true" | "on"))
    }
}

/// A page of entries and the cursor of the next page.
pub type ChangePage = (Vec<ChangeListed>, Option<i64>);

/// The filters of `q`. Patrol status is moderators' business, like the queue: anyone else
/// asking for unpatrolled changes is refused (403), not silently shown everything.
fn filter_of(c: &mut PgConnection, q: &ChangeQuery, viewer: Option<Role>) -> Result<ChangeFilter, AppError> {
    if q.unpatrolled_only() && !viewer.is_some_and(roles::can_moderate) {
        return Err(AppError::Forbidden("only moderators can filter by patrol status".to_owned()));
    }
    let area = area_filter(q.kind.as_deref())?;
    let actor = match q.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        // An unknown name matches nobody: an empty list, not an error.
        Some(name) => Some(users::by_username(c, name)?.map_or(UserId(0), |u| UserId(u.id))),
        None => None,
    };
    Ok(ChangeFilter { actor, area, unpatrolled_only: q.unpatrolled_only(), ..Default::default() })
}

fn page(c: &mut PgConnection, filter: &ChangeFilter, seek: Seek, viewer: Option<Role>) -> Result<ChangePage, AppError> {
    let mut rows = changes::list(c, filter, seek, PAGE + 1)?;
    visibility::redact_changes(&mut rows, viewer);
    Ok(db::keyset_page(rows, PAGE, |r| r.row.id))
}

/// A thread's history: its revisions and changelog entries (and edits of its events) together,
/// newest first.
pub fn thread_history_in(
    conn: &mut PgConnection,
    viewer: Option<Role>,
    slug: &str,
    q: &ChangeQuery,
) -> Result<(ThreadRow, ChangePage), AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let mut filter = filter_of(conn, q, viewer)?;
    let linked = events::ids_for_thread(conn, thread.thread_id())?;
    filter.thread = Some((thread.thread_id(), linked));
    let page = page(conn, &filter, Seek::Before(q.before), viewer)?;
    Ok((thread, page))
}

/// The async entry of [`thread_history_in`].
pub async fn thread_history(
    pool: &PgPool,
    viewer: Option<Role>,
    slug: String,
    q: ChangeQuery,
) -> Result<(ThreadRow, ChangePage), AppError> {
    db::with_conn(pool, move |c| thread_history_in(c, viewer, &slug, &q)).await
}

/// The `thread` filter of recent changes and the queue: that thread's changes and the edits of
/// its events; an unknown slug is a 404.
fn thread_filter(c: &mut PgConnection, q: &ChangeQuery) -> Result<Option<(ThreadId, Vec<i64>)>, AppError> {
    let Some(slug) = q.thread.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
    let thread = access::thread_by_slug(c, slug)?;
    Ok(Some((thread.thread_id(), events::ids_for_thread(c, thread.thread_id())?)))
}

/// Site-wide recent changes, newest first, optionally for one thread.
pub fn recent_in(conn: &mut PgConnection, viewer: Option<Role>, q: &ChangeQuery) -> Result<ChangePage, AppError> {
    let mut filter = filter_of(conn, q, viewer)?;
    filter.thread = thread_filter(conn, q)?;
    page(conn, &filter, Seek::Before(q.before), viewer)
}

/// The async entry of [`recent_in`].
pub async fn recent(pool: &PgPool, viewer: Option<Role>, q: ChangeQuery) -> Result<ChangePage, AppError> {
    db::with_conn(pool, move |c| recent_in(c, viewer, &q)).await
}

/// The patrol queue: unpatrolled changes, oldest first, optionally for one thread (moderators only).
pub fn queue_in(conn: &mut PgConnection, user: &CurrentUser, q: &ChangeQuery) -> Result<ChangePage, AppError> {
    if !roles::can_moderate(user.role) {
        return Err(AppError::Forbidden("only moderators can patrol changes".to_owned()));
    }
    let viewer = Some(user.role);
    let mut filter = filter_of(conn, q, viewer)?;
    filter.unpatrolled_only = true;
    filter.thread = thread_filter(conn, q)?;
    page(conn, &filter, Seek::After(q.after), viewer)
}

/// The async entry of [`queue_in`]; who may not patrol is refused without a connection.
pub async fn queue(pool: &PgPool, user: &CurrentUser, q: ChangeQuery) -> Result<ChangePage, AppError> {
    if !roles::can_moderate(user.role) {
        return Err(AppError::Forbidden("only moderators can patrol changes".to_owned()));
    }
    let user = user.clone();
    db::with_conn(pool, move |c| queue_in(c, &user, &q)).await
}

/// A user's contributions across threads, newest first.
pub fn contributions_in(
    conn: &mut PgConnection,
    viewer: Option<Role>,
    username: &str,
    q: &ChangeQuery,
) -> Result<(crate::db::users::User, ChangePage), AppError> {
    let user: crate::db::users::User = users::by_username(conn, username)?.ok_or(AppError::NotFound)?.into();
    let area = area_filter(q.kind.as_deref())?;
    let filter = ChangeFilter { actor: Some(user.id), area, ..Default::default() };
    let page = page(conn, &filter, Seek::Before(q.before), viewer)?;
    Ok((user, page))
}

/// The async entry of [`contributions_in`].
pub async fn contributions(
    pool: &PgPool,
    viewer: Option<Role>,
    username: String,
    q: ChangeQuery,
) -> Result<(crate::db::users::User, ChangePage), AppError> {
    db::with_conn(pool, move |c| contributions_in(c, viewer, &username, &q)).await
}

/// The versions of one section item (every changelog entry about it), newest first.
pub fn item_history_in(
    conn: &mut PgConnection,
    viewer: Option<Role>,
    slug: &str,
    kind: SectionKind,
    item: i64,
    before: Option<i64>,
) -> Result<(ThreadRow, ChangePage), AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let filter = ChangeFilter {
        thread: Some((thread.thread_id(), Vec::new())),
        area: Some(kind.area()),
        subject: Some(item),
        ..Default::default()
    };
    let page = page(conn, &filter, Seek::Before(before), viewer)?;
    if page.0.is_empty() && before.is_none() {
        return Err(AppError::NotFound);
    }
    Ok((thread, page))
}

/// The async entry of [`item_history_in`].
pub async fn item_history(
    pool: &PgPool,
    viewer: Option<Role>,
    slug: String,
    kind: SectionKind,
    item: i64,
    before: Option<i64>,
) -> Result<(ThreadRow, ChangePage), AppError> {
    db::with_conn(pool, move |c| item_history_in(c, viewer, &slug, kind, item, before)).await
}

/// Which bodies of an item to compare: two entries' results, or one entry's before and after.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ItemDiffQuery {
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub entry: Option<i64>,
}

/// Two versions of an item's body and their diff.
#[derive(Debug)]
pub struct ItemDiff {
    pub thread: ThreadRow,
    pub from: ChangeRow,
    pub to: ChangeRow,
    pub diff: LineDiff,
    pub subject: String,
}

/// Two versions of a section item's body, unchanged: the entries and the old and new bodies.
pub type ItemVersions = (ThreadRow, ChangeRow, ChangeRow, String, String);

/// The two versions of a section item's body to compare (a body the viewer may not see is
/// refused).
pub fn item_versions_in(
    c: &mut PgConnection,
    viewer: Option<Role>,
    slug: &str,
    kind: SectionKind,
    item: i64,
    q: ItemDiffQuery,
) -> Result<ItemVersions, AppError> {
    if !kind.has_body() {
        return Err(AppError::NotFound);
    }
    let thread = access::thread_by_slug(c, slug)?;
    let mut entry = |id: i64| -> Result<(ChangeRow, bool), AppError> {
        let mut row = changes::by_id(c, id)?;
        let belongs = row.thread_id == Some(thread.id) && row.area() == kind.area() && row.subject_id == Some(item);
        if !belongs {
            return Err(AppError::NotFound);
        }
        let before_hidden = visibility::entry(c, &mut row, viewer)?;
        Ok((row, before_hidden))
    };
    let (from, to, old, new) = match q {
        ItemDiffQuery { entry: Some(id), .. } => {
            let (row, before_hidden) = entry(id)?;
            if before_hidden && row.before.is_none() {
                return Err(AppError::Forbidden(format!("the version before change {id} was hidden by a moderator")));
            }
            (row.clone(), row.clone(), body(&row.before), body(&row.after))
        }
        ItemDiffQuery { from: Some(f), to: Some(t), .. } => {
            let (from, to) = (entry(f)?.0, entry(t)?.0);
            let (old, new) = (body(&from.after), body(&to.after));
            (from, to, old, new)
        }
        _ => return Err(AppError::BadRequest("give `from` and `to`, or `entry`".to_owned())),
    };
    Ok((thread, from, to, old, new))
}

/// Compares the body of a section item between two versions: [`item_versions_in`] on a
/// connection, then the diff off it (the connection is back in the pool before the diff starts).
pub async fn item_diff(
    pool: &PgPool,
    viewer: Option<Role>,
    slug: String,
    kind: SectionKind,
    item: i64,
    q: ItemDiffQuery,
) -> Result<ItemDiff, AppError> {
    if !kind.has_body() {
        return Err(AppError::NotFound);
    }
    let (thread, from, to, old, new) =
        db::with_conn(pool, move |c| item_versions_in(c, viewer, &slug, kind, item, q)).await?;
    let diff = super::compute::line_diff(old, new).await?;
    let subject = to.subject.clone();
    Ok(ItemDiff { thread, diff, from, to, subject })
}

fn body(snapshot: &Option<Value>) -> String {
    snapshot.as_ref().and_then(|v| v["body"].as_str()).unwrap_or_default().to_owned()
}

/// The area of a changelog entry's kind name, for filters ("" = all).
fn area_filter(kind: Option<&str>) -> Result<Option<Area>, AppError> {
    match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => Area::parse(k)
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("there is no kind of change called \"{k}\""))),
    }
}

//! Reading the synthesis's revisions: the revision list, one revision, the diff between two,
//! blame, and the page loaders of the history and revision pages (who may revert, undo and roll
//! back there). Writing revisions is in `ops::synthesis`.

use diesel::PgConnection;

use super::history::{self, ChangePage, ChangeQuery};
use super::{access, visibility};
use crate::auth::CurrentUser;
use crate::db::revisions;
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool, changes};
use crate::domain::roles::{self, Role};
use crate::error::AppError;
use crate::render::diff::LineDiff;
use crate::render::format;
use crate::render::pages::history::{BlamedRow, HistoryRow};

pub use crate::db::revisions::{Revision, RevisionListed};

/// Revisions per history page.
pub const HISTORY_PAGE: i64 = 50;

/// A page of a thread's revisions, newest first, and the `before` cursor of the next page.
pub fn history_in(
    conn: &mut PgConnection,
    viewer: Option<Role>,
    slug: &str,
    before: Option<i32>,
) -> Result<(ThreadRow, Vec<RevisionListed>, Option<i32>), AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let mut rows = revisions::history(conn, thread.thread_id(), before, HISTORY_PAGE + 1)?;
    visibility::mark_listed(conn, thread.thread_id(), &mut rows, viewer)?;
    let (rows, next) = db::keyset_page(rows, HISTORY_PAGE, |r| r.meta.seq);
    Ok((thread, rows, next))
}

/// The async entry of [`history_in`].
pub async fn history(
    pool: &PgPool,
    viewer: Option<Role>,
    slug: String,
    before: Option<i32>,
) -> Result<(ThreadRow, Vec<RevisionListed>, Option<i32>), AppError> {
    db::with_conn(pool, move |c| history_in(c, viewer, &slug, before)).await
}

/// One revision of a thread (its content blanked if hidden from this viewer).
pub fn revision_in(
    conn: &mut PgConnection,
    viewer: Option<Role>,
    slug: &str,
    seq: i32,
) -> Result<(ThreadRow, Revision), AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let revision = visibility::revision(conn, thread.thread_id(), seq, viewer)?;
    Ok((thread, revision))
}

/// The async entry of [`revision_in`].
pub async fn revision(
    pool: &PgPool,
    viewer: Option<Role>,
    slug: String,
    seq: i32,
) -> Result<(ThreadRow, Revision), AppError> {
    db::with_conn(pool, move |c| revision_in(c, viewer, &slug, seq)).await
}

/// Two revisions to compare; refused when either is hidden from this viewer.
pub fn pair_in(
    conn: &mut PgConnection,
    viewer: Option<Role>,
    slug: &str,
    from: i32,
    to: i32,
) -> Result<(ThreadRow, Revision, Revision), AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let old = visibility::revision(conn, thread.thread_id(), from, viewer)?;
    let new = visibility::revision(conn, thread.thread_id(), to, viewer)?;
    for r in [&old, &new] {
        if r.hidden && !viewer.is_some_and(roles::can_see_hidden) {
            return Err(AppError::Forbidden(format!(
                "the content of revision {} was hidden by a moderator",
                r.meta.seq
            )));
        }
    }
    Ok((thread, old, new))
}

/// Two revisions and the diff between them: [`pair_in`] on a connection, then the diff off it
/// (the connection is back in the pool before the diff starts).
pub async fn diff(
    pool: &PgPool,
    viewer: Option<Role>,
    slug: String,
    from: i32,
    to: i32,
) -> Result<(ThreadRow, Revision, Revision, LineDiff), AppError> {
    let (thread, old, new) = db::with_conn(pool, move |c| pair_in(c, viewer, &slug, from, to)).await?;
    let diff = super::compute::line_diff(old.body_md.clone(), new.body_md.clone()).await?;
    Ok((thread, old, new, diff))
}

/// One paragraph of the blame view: its text and the revision that last changed it.
#[derive(Debug, Clone)]
pub struct BlamedParagraph {
    /// Empty when `withheld`.
    pub text: String,
    pub revision: RevisionListed,
    /// The revision is hidden and the viewer no moderator: its paragraph (which may still be in
    /// a visible text, partly reworded since) and its author are not shown here.
    pub withheld: bool,
}

/// The blame of revision `seq` (the current one when `None`), from the blame stored with it.
pub fn blame_in(
    conn: &mut PgConnection,
    viewer: Option<Role>,
    slug: &str,
    seq: Option<i32>,
) -> Result<(ThreadRow, i32, Vec<BlamedParagraph>), AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let id = thread.thread_id();
    let seq = seq.unwrap_or(thread.head_seq);
    if seq == 0 {
        return Ok((thread, 0, Vec::new()));
    }
    let shown = visibility::revision(conn, id, seq, viewer)?;
    if shown.hidden && !viewer.is_some_and(roles::can_see_hidden) {
        return Err(AppError::Forbidden(format!("the content of revision {seq} was hidden by a moderator")));
    }
    let (body, blame) = revisions::blame_of(conn, id, seq)?;
    let mut seqs = blame.clone();
    seqs.sort_unstable();
    seqs.dedup();
    let mut metas = revisions::metas(conn, id, &seqs)?;
    visibility::mark_listed(conn, id, &mut metas, viewer)?;
    let paragraphs = crate::domain::blame::paragraphs(&body)
        .into_iter()
        .zip(blame)
        .filter_map(|(text, seq)| {
            let mut revision = metas.iter().find(|m| m.meta.seq == seq)?.clone();
            let withheld = revision.hidden && !viewer.is_some_and(roles::can_see_hidden);
            if withheld {
                revision.author.clear();
            }
            let text = if withheld { String::new() } else { text.to_owned() };
            Some(BlamedParagraph { text, revision, withheld })
        })
        .collect();
    Ok((thread, seq, paragraphs))
}

/// The async entry of [`blame_in`].
pub async fn blame(
    pool: &PgPool,
    viewer: Option<Role>,
    slug: String,
    seq: Option<i32>,
) -> Result<(ThreadRow, i32, Vec<BlamedParagraph>), AppError> {
    db::with_conn(pool, move |c| blame_in(c, viewer, &slug, seq)).await
}

/// What the thread history page shows besides its rows: who may do what there.
pub struct HistoryPageData {
    pub thread: ThreadRow,
    /// The page of changes and the cursor of the next.
    pub changes: ChangePage,
    /// The viewer may edit the thread (and so revert and undo).
    pub can_edit: bool,
    pub can_moderate: bool,
    /// The author of the newest revision, when the viewer may roll back their edits.
    pub rollback_user: Option<String>,
}

/// The thread history page for `user` (anonymous when `None`).
pub fn history_page_in(
    conn: &mut PgConnection,
    user: Option<&CurrentUser>,
    slug: &str,
    q: &ChangeQuery,
) -> Result<HistoryPageData, AppError> {
    let viewer = user.map(|u| u.role);
    let (thread, changes) = history::thread_history_in(conn, viewer, slug, q)?;
    let id = thread.thread_id();
    let head_author = match thread.head_seq {
        0 => None,
        seq => Some(revisions::by_seq(conn, id, seq)?.author),
    };
    let curators = threads::curators(conn, id)?;
    let can_moderate = viewer.is_some_and(roles::can_moderate);
    let can_edit = access::may_edit(user, &curators, thread.lock().is_some());
    // Not one's own latest edit: rolling back one's own rollback would restore the vandalism.
    let rollback_user = head_author.filter(|author| can_moderate && user.is_some_and(|u| &u.username != author));
    Ok(HistoryPageData { thread, changes, can_edit, can_moderate, rollback_user })
}

/// The async entry of [`history_page_in`].
pub async fn history_page(
    pool: &PgPool,
    user: Option<&CurrentUser>,
    slug: String,
    q: ChangeQuery,
) -> Result<HistoryPageData, AppError> {
    let user = user.cloned();
    db::with_conn(pool, move |c| history_page_in(c, user.as_ref(), &slug, &q)).await
}

/// What the revision page shows: the revision and what the viewer may do with it.
pub struct RevisionPageData {
    pub thread: ThreadRow,
    pub revision: Revision,
    /// The viewer may revert to it and undo it (curators of the thread, moderators).
    pub can_revert: bool,
    pub can_moderate: bool,
    /// The changelog entry of this revision (what hide and patrol act on).
    pub change_id: i64,
    /// Why it was hidden, for moderators only (empty for everyone else).
    pub hidden_reason: String,
}

/// Revision `seq` of a thread for `user` (anonymous when `None`).
pub fn revision_page_in(
    conn: &mut PgConnection,
    user: Option<&CurrentUser>,
    slug: &str,
    seq: i32,
) -> Result<RevisionPageData, AppError> {
    let viewer = user.map(|u| u.role);
    let (thread, revision) = revision_in(conn, viewer, slug, seq)?;
    let id = thread.thread_id();
    let curators = threads::curators(conn, id)?;
    let change = changes::of_revision(conn, id, seq)?;
    let can_moderate = viewer.is_some_and(roles::can_moderate);
    Ok(RevisionPageData {
        can_revert: access::may_edit(user, &curators, thread.lock().is_some()),
        can_moderate,
        change_id: change.id,
        hidden_reason: if can_moderate { change.hidden_reason } else { String::new() },
        thread,
        revision,
    })
}

/// The async entry of [`revision_page_in`].
pub async fn revision_page(
    pool: &PgPool,
    user: Option<&CurrentUser>,
    slug: String,
    seq: i32,
) -> Result<RevisionPageData, AppError> {
    let user = user.cloned();
    db::with_conn(pool, move |c| revision_page_in(c, user.as_ref(), &slug, seq)).await
}

impl From<&RevisionListed> for HistoryRow {
    fn from(r: &RevisionListed) -> Self {
        HistoryRow {
            seq: r.meta.seq,
            parent_seq: r.meta.parent_seq,
            author: r.author.clone(),
            at: format::moment(r.meta.created_at),
            at_iso: format::iso_timestamp(r.meta.created_at),
            summary: r.meta.summary.clone(),
            body_len: r.meta.body_len,
            reverted_to_seq: r.meta.reverted_to_seq,
            minor: r.meta.minor,
            hidden: r.hidden,
        }
    }
}

impl From<&Revision> for HistoryRow {
    fn from(rev: &Revision) -> Self {
        HistoryRow::from(&rev.listed())
    }
}

impl From<&BlamedParagraph> for BlamedRow {
    fn from(p: &BlamedParagraph) -> Self {
        BlamedRow { text: p.text.clone(), revision: HistoryRow::from(&p.revision), withheld: p.withheld }
    }
}

/// Which way back a confirmation page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    /// A new revision with revision `seq`'s text.
    Revert,
    /// A new revision without the change revision `seq` made.
    Undo,
}

/// What a revert or an undo would do, for the page that asks to confirm it: the two revisions
/// the preview compares and their diff (for a revert, the current text against the one it
/// brings back; for an undo, the change it takes out).
pub struct RestorePreview {
    pub thread: ThreadRow,
    pub from: Revision,
    pub to: Revision,
    pub diff: LineDiff,
}

/// The revisions [`restore_preview`] compares, refused like the action itself would be (not an
/// editor of the thread, hidden content, nothing to revert to or undo).
pub fn restore_pair_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    seq: i32,
    restore: Restore,
) -> Result<(ThreadRow, Revision, Revision), AppError> {
    let thread = access::editable_thread(conn, slug, user)?;
    let viewer = Some(user.role);
    match restore {
        Restore::Revert => {
            if seq == thread.head_seq {
                return Err(AppError::Invalid(format!("revision {seq} is already the current text")));
            }
            pair_in(conn, viewer, slug, thread.head_seq, seq)
        }
        Restore::Undo => {
            let target = revisions::by_seq(conn, thread.thread_id(), seq)?;
            let Some(parent) = target.meta.parent_seq else {
                return Err(AppError::Invalid(format!("revision {seq} is the first one: there is no change to undo")));
            };
            pair_in(conn, viewer, slug, parent, seq)
        }
    }
}

/// The async entry of [`restore_pair_in`], with the diff computed off the connection.
pub async fn restore_preview(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    seq: i32,
    restore: Restore,
) -> Result<RestorePreview, AppError> {
    let user = user.clone();
    let (thread, from, to) = db::with_conn(pool, move |c| restore_pair_in(c, &user, &slug, seq, restore)).await?;
    let diff = super::compute::line_diff(from.body_md.clone(), to.body_md.clone()).await?;
    Ok(RestorePreview { thread, from, to, diff })
}

//! A single revision, the diff between two, the blame view, and the conflict pages of saving
//! and undoing.

use askama::Template;

use super::Chrome;
use crate::domain::html::SafeHtml;
use crate::domain::merge::ConflictRegion;
use crate::render::diff::LineDiff;

/// A line of the history list (built from a listed revision in `ops::revisions`).
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub seq: i32,
    pub parent_seq: Option<i32>,
    pub author: String,
    pub at: String,
    pub at_iso: String,
    pub summary: String,
    pub body_len: i32,
    pub reverted_to_seq: Option<i32>,
    pub minor: bool,
    pub hidden: bool,
}

/// `/threads/{slug}/revisions/{seq}`.
#[derive(Template)]
#[template(path = "history/revision.html")]
pub struct RevisionPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub row: HistoryRow,
    pub html: SafeHtml,
    pub head_seq: i32,
    /// The viewer may revert and undo (curators of the thread, moderators).
    pub can_revert: bool,
    /// The viewer is a moderator: hide and unhide.
    pub can_moderate: bool,
    /// The changelog entry of this revision (what hide and patrol act on).
    pub change_id: i64,
    pub hidden_reason: String,
}

/// `/threads/{slug}/diff?from=&to=`.
#[derive(Template)]
#[template(path = "history/diff.html")]
pub struct DiffPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub from: HistoryRow,
    pub to: HistoryRow,
    pub diff: LineDiff,
    pub side_by_side: bool,
    /// `/threads/{slug}/diff?from=..&to=..` without the view, for the view switch.
    pub view_base: String,
    /// The change before `from` and the one after `to`, one revision at a time.
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
}

/// The 409 page: the newer revision, the user's own text kept in an editable box, and the diff.
#[derive(Template)]
#[template(path = "history/conflict.html")]
pub struct ConflictPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    /// The revision saved in the meantime (None if the synthesis vanished, which cannot happen today).
    pub current: Option<HistoryRow>,
    pub current_md: String,
    pub current_seq: i32,
    pub yours: String,
    pub summary: String,
    pub diff: LineDiff,
}

/// `/threads/{slug}/blame`: each paragraph with the revision that last changed it.
#[derive(Template)]
#[template(path = "history/blame.html")]
pub struct BlamePage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub seq: i32,
    pub head_seq: i32,
    pub paragraphs: Vec<BlamedRow>,
}

/// One paragraph of the blame view.
#[derive(Debug, Clone)]
pub struct BlamedRow {
    pub text: String,
    pub revision: HistoryRow,
    /// From a hidden revision, for a viewer who may not read it: neither text nor author shown.
    pub withheld: bool,
}

/// 409: an undo that later revisions collide with, and where.
#[derive(Template)]
#[template(path = "history/undo_conflict.html")]
pub struct UndoConflictPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub seq: i32,
    pub head_seq: i32,
    pub regions: Vec<ConflictRegion>,
}

//! The JSON the synthesis endpoints answer with: revisions, saves and their conflicts, diffs,
//! blame, and refused undos.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

use super::views::one_of;
use crate::domain::history::RevisionAction;
use crate::domain::merge::ConflictRegion;
use crate::ops::revisions::{BlamedParagraph, Revision, RevisionListed};
use crate::render::diff::{DiffDetail, DiffLine, LineDiff};

/// How a revision came about. `RevisionAction` has no list of its variants, so they are named
/// here; each goes through `as_str`, so only a new variant (not a renamed one) can be missed.
fn revision_action_schema() -> Object {
    use RevisionAction::{Edit, Merge, Restore, Revert, Rollback, Undo};
    one_of([Edit, Merge, Revert, Undo, Rollback, Restore].map(RevisionAction::as_str))
}

/// A revision without its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummary {
    pub seq: i32,
    pub parent_seq: Option<i32>,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub summary: String,
    pub body_length: i32,
    pub reverted_to_seq: Option<i32>,
    pub minor: bool,
    /// How the revision came about: written by hand (`edit`), merged with revisions saved
    /// meanwhile (`merge`), or one of the ways back.
    #[schema(schema_with = revision_action_schema)]
    pub action: &'static str,
    /// A moderator hid its content: for everyone but moderators its summary (and text) are empty.
    pub hidden: bool,
}

impl From<&RevisionListed> for RevisionSummary {
    fn from(r: &RevisionListed) -> Self {
        RevisionSummary {
            seq: r.meta.seq,
            parent_seq: r.meta.parent_seq,
            author: r.author.clone(),
            created_at: r.meta.created_at,
            summary: r.meta.summary.clone(),
            body_length: r.meta.body_len,
            reverted_to_seq: r.meta.reverted_to_seq,
            minor: r.meta.minor,
            action: r.meta.action().as_str(),
            hidden: r.hidden,
        }
    }
}

/// A revision with its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDetail {
    #[serde(flatten)]
    pub summary: RevisionSummary,
    pub body_markdown: String,
    pub body_html: String,
}

impl From<Revision> for RevisionDetail {
    fn from(r: Revision) -> Self {
        let listed = r.listed();
        RevisionDetail {
            summary: RevisionSummary::from(&listed),
            body_markdown: r.body_md,
            body_html: r.body_html.into_string(),
        }
    }
}

/// A page of revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionList {
    pub revisions: Vec<RevisionSummary>,
    /// Pass as `?before=` for the next page; absent on the last page.
    pub next_before: Option<i32>,
}

/// 201 from a synthesis save or a revert: the new revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    /// Always `true`.
    pub saved: bool,
    /// The new revision's seq (the new `head_seq`).
    pub seq: i32,
    /// Set when your base was stale but your edit touched other paragraphs than the revisions
    /// saved since: it was merged with revision `merged_onto` (then the head) and saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_onto: Option<i32>,
}

/// 200 from a synthesis save whose text equals the current one: nothing was stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unchanged {
    /// Always `false`.
    pub saved: bool,
    pub reason: String,
}

/// 409 from a synthesis save or a revert on top of a stale base: the newer revision, and the
/// caller's own text so a client never loses it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaveConflict {
    pub error: String,
    /// The revision saved since the caller's base (absent only if it vanished meanwhile).
    pub current: Option<RevisionDetail>,
    /// The text the caller sent (`null` for a revert, which sends none).
    pub yours: Option<String>,
}

/// A line diff between two revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffView {
    pub from: i32,
    pub to: i32,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
    /// `words`: every line, changed words marked. `lines`: too large to show word by word, so
    /// some changed lines have no word marks. `truncated`: too large to compare whole; `lines`
    /// holds the diff of the beginning of the texts only, without word marks.
    #[schema(schema_with = diff_detail_schema)]
    pub detail: &'static str,
    pub lines: Vec<DiffLineView>,
}

/// The values of a diff's `detail`.
pub fn diff_detail_schema() -> Object {
    one_of([DiffDetail::Words, DiffDetail::Lines, DiffDetail::Truncated].map(DiffDetail::as_str))
}

/// One line of a diff.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffLineView {
    #[schema(schema_with = line_change_schema)]
    pub change: &'static str,
    pub text: String,
    /// `text` cut where words changed: the `changed` segments are the words that differ from the
    /// other side (a `same` line is one unchanged segment).
    pub segments: Vec<SegmentView>,
}

/// A run of a diff line's text.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentView {
    pub text: String,
    pub changed: bool,
}

fn line_change_schema() -> Object {
    one_of(["same", "added", "removed"])
}

impl From<DiffLine> for DiffLineView {
    fn from(l: DiffLine) -> Self {
        DiffLineView {
            change: l.kind(),
            segments: l.segments.into_iter().map(|s| SegmentView { text: s.text, changed: s.changed }).collect(),
            text: l.text,
        }
    }
}

impl DiffView {
    /// The diff from revision `from` to revision `to`.
    pub fn new(from: i32, to: i32, diff: LineDiff) -> Self {
        DiffView {
            from,
            to,
            added: diff.added,
            removed: diff.removed,
            detail: diff.detail.as_str(),
            lines: diff.lines.into_iter().map(DiffLineView::from).collect(),
        }
    }
}

/// Who last changed each paragraph of a revision of the synthesis.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlameView {
    /// The revision shown (0: the thread has no synthesis yet, and no paragraphs).
    pub seq: i32,
    pub paragraphs: Vec<BlamedParagraphView>,
}

/// A paragraph and the revision that last changed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlamedParagraphView {
    /// Empty when the paragraph comes from a hidden revision and the viewer is no moderator
    /// (whose author is then empty too).
    pub text: String,
    pub revision: RevisionSummary,
}

impl From<&BlamedParagraph> for BlamedParagraphView {
    fn from(p: &BlamedParagraph) -> Self {
        BlamedParagraphView { text: p.text.clone(), revision: RevisionSummary::from(&p.revision) }
    }
}

/// 409 from an undo: later revisions changed the same paragraphs (`regions`), or someone
/// saved since `base_seq` (`current`). Nothing was stored either way.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UndoRefused {
    Overlaps(UndoConflict),
    Stale(SaveConflict),
}

/// Later revisions changed what the undone revision changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct UndoConflict {
    pub error: String,
    /// Where the two collide.
    pub regions: Vec<ConflictRegionView>,
}

/// A region the undo and a later revision both changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictRegionView {
    /// The text as the undone revision left it.
    pub ancestor: String,
    /// The text as the current revision has it.
    pub ours: String,
    /// The text as it was before the undone revision (what the undo would put back).
    pub theirs: String,
}

impl From<ConflictRegion> for ConflictRegionView {
    fn from(r: ConflictRegion) -> Self {
        ConflictRegionView { ancestor: r.ancestor, ours: r.ours, theirs: r.theirs }
    }
}

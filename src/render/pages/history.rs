//! History, a single revision, the diff between two, and the edit-conflict page.

use askama::Template;

use super::Chrome;
use crate::db::revisions::{Revision, RevisionListed};
use crate::render::diff::LineDiff;
use crate::render::{SafeHtml, format};

/// A line of the history list.
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
}

impl From<&RevisionListed> for HistoryRow {
    fn from(r: &RevisionListed) -> Self {
        HistoryRow {
            seq: r.meta.seq,
            parent_seq: r.meta.parent_seq,
            author: r.author.clone(),
            at: format::timestamp(r.meta.created_at),
            at_iso: r.meta.created_at.to_rfc3339(),
            summary: r.meta.summary.clone(),
            body_len: r.meta.body_len,
            reverted_to_seq: r.meta.reverted_to_seq,
            minor: r.meta.minor,
        }
    }
}

/// `/threads/{slug}/history`.
#[derive(Template)]
#[template(path = "history/list.html")]
pub struct HistoryPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub head_seq: i32,
    pub rows: Vec<HistoryRow>,
    pub next_href: Option<String>,
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
    pub can_revert: bool,
}

impl RevisionPage {
    /// The page for one revision.
    pub fn build(chrome: Chrome, slug: String, title: String, rev: Revision, head_seq: i32, can_revert: bool) -> Self {
        let listed = RevisionListed { meta: rev.meta, author: rev.author };
        RevisionPage { chrome, slug, title, row: HistoryRow::from(&listed), html: rev.body_html, head_seq, can_revert }
    }
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

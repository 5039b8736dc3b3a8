//! `/threads/{slug}/matrix`: the interpretation × event matrix, and the summary of it the
//! thread page shows (`templates/threads/matrix_summary.html`).

use askama::Template;

use super::Chrome;
use crate::domain::html::SafeHtml;
use crate::domain::thread::Assessment;

/// A column: an interpretation.
#[derive(Debug, Clone)]
pub struct MatrixColumn {
    pub id: i64,
    pub title: String,
    /// No event supports it.
    pub unsupported: bool,
}

/// A cell as the table shows it.
#[derive(Debug, Clone)]
pub struct MatrixCellView {
    /// `cell-{interpretation}-{event}`, the cell's anchor.
    pub anchor: String,
    /// The stored assessment (for the CSS class), its words and the shape shown with them.
    pub assessment: &'static str,
    pub label: &'static str,
    pub symbol: &'static str,
    pub note_html: SafeHtml,
    /// The cell's edit form, for people who may edit the thread.
    pub edit_href: Option<String>,
    /// "Assess" or "Edit", with what for screen readers ("the GPT-4 release for the … reading").
    pub edit_label: &'static str,
    pub edit_what: String,
}

/// A row: an event and its cells, one per column.
#[derive(Debug, Clone)]
pub struct MatrixRow {
    pub event_id: i64,
    pub title: String,
    pub date: String,
    pub date_iso: String,
    /// Some interpretation counts it as support and another as undercutting.
    pub decisive: bool,
    pub cells: Vec<MatrixCellView>,
}

/// The matrix page.
#[derive(Template)]
#[template(path = "threads/matrix.html")]
pub struct MatrixPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    /// (event anchor href, "date: title") of the decisive events, in date order.
    pub decisive: Vec<(String, String)>,
    /// Titles of the interpretations no event supports.
    pub unsupported: Vec<String>,
    /// The same summary the thread page shows (through the same include), without the link.
    pub matrix_summary: Option<MatrixSummaryView>,
    pub can_edit: bool,
}

/// The matrix in a sentence, with the link to it: what the thread page shows
/// (`templates/threads/matrix_summary.html`; the matrix page shows it too, without the link).
#[derive(Debug, Clone)]
pub struct MatrixSummaryView {
    pub sentence: String,
    /// The matrix page (`None` on the matrix page itself).
    pub href: Option<String>,
}

/// The shape shown next to an assessment's words, so it does not rest on colour alone.
pub fn symbol(a: Assessment) -> &'static str {
    match a {
        Assessment::Supports => "▲",
        Assessment::Undercuts => "▼",
        Assessment::Neutral => "●",
        Assessment::NotAssessed => "○",
    }
}

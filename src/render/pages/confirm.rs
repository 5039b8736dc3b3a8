//! The page that asks to confirm an action the history records with a reason (deleting a
//! section item, reverting, undoing): it says what will happen, previews it, and asks for the
//! reason before the button does it. It works without JavaScript.

use askama::Template;

use super::Chrome;
use crate::render::diff::LineDiff;

/// One confirmation.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub chrome: Chrome,
    pub slug: String,
    /// The thread's title.
    pub title: String,
    /// The question the page asks ("Revert to revision 2?").
    pub heading: String,
    /// What the action does, in one line.
    pub explanation: String,
    /// What the preview shows.
    pub preview_heading: String,
    /// The text change a revert or undo makes.
    pub diff: Option<LineDiff>,
    /// The item a deletion removes.
    pub item: Option<ItemPreview>,
    /// Where the form posts.
    pub action: String,
    /// The head the preview was made against (a newer one makes the action a conflict).
    pub base_seq: Option<i32>,
    /// The reason typed so far (kept when the form is shown again).
    pub reason: String,
    pub submit_label: String,
    pub cancel_href: String,
    pub error: Option<String>,
    /// The diff include's view switch: not offered here.
    pub view_base: String,
    pub side_by_side: bool,
}

/// A section item as its deletion's confirmation shows it.
#[derive(Debug, Clone)]
pub struct ItemPreview {
    /// Its title, period or question.
    pub heading: String,
    /// Its text (Markdown source, shown as plain text).
    pub text: String,
}

//! The Following page.

use askama::Template;

use super::Chrome;

/// `/following`: the threads a reader follows, newest activity first.
#[derive(Template)]
#[template(path = "following/index.html")]
pub struct FollowingPage {
    pub chrome: Chrome,
    pub threads: Vec<FollowedView>,
    pub next_href: Option<String>,
    /// The threads the reader curates, most unsupported paragraphs first (empty for others).
    pub curated: Vec<CuratedView>,
}

/// A curated thread with how much of its synthesis lacks support.
#[derive(Debug, Clone)]
pub struct CuratedView {
    pub slug: String,
    pub title: String,
    pub unsupported: i64,
    /// "3 paragraphs without support".
    pub unsupported_text: String,
    /// "12 claim paragraphs".
    pub claims_text: String,
    /// "2 cited links broken", when any are.
    pub flagged_text: Option<String>,
}

/// A followed thread as the list shows it.
#[derive(Debug, Clone)]
pub struct FollowedView {
    pub slug: String,
    pub title: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub stance: &'static str,
    pub stance_label: &'static str,
    pub new_changes: i64,
    /// "3 changes".
    pub new_changes_text: String,
    pub read_on: String,
    pub read_iso: String,
    pub updated: String,
    pub updated_iso: String,
}

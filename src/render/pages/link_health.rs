//! `/link-health`: the cited sources whose links the checker found dead or moved, for the
//! curators who fix the citations.

use askama::Template;

use super::Chrome;

/// A flagged source as the page lists it (everything already in words).
#[derive(Debug, Clone)]
pub struct FlaggedRow {
    pub id: i64,
    pub title: String,
    pub url: String,
    /// `dead` or `redirected` (a CSS class suffix).
    pub status: &'static str,
    pub status_words: &'static str,
    /// The last check: shown and machine-readable.
    pub checked: Option<(String, String)>,
    /// "The server answered 404 (Not Found)", or what went wrong without an answer.
    pub answer: String,
    /// Where the address now leads.
    pub final_url: Option<String>,
    /// The run of failures began: shown and machine-readable.
    pub failing_since: Option<(String, String)>,
    /// The citing threads: (href, title).
    pub threads: Vec<(String, String)>,
    /// Cited by a thread the reader curates.
    pub yours: bool,
}

/// `/link-health`.
#[derive(Template)]
#[template(path = "link_health/index.html")]
pub struct LinkHealthPage {
    pub chrome: Chrome,
    pub sources: Vec<FlaggedRow>,
    /// Whether the reader curates any listed thread (the page says theirs come first).
    pub any_yours: bool,
}

//! "Needs attention" (issue 17): the queue page of flagged threads and the thread page's badge.

use askama::Template;

use super::Chrome;

/// Why a thread needs attention, as its page and the queue show it.
#[derive(Debug, Clone)]
pub struct AttentionBadge {
    /// One sentence per cause, in words.
    pub reasons: Vec<String>,
    /// The day the oldest neglected thing dates from: shown ("Jul 18, 2023") and ISO.
    pub since: String,
    pub since_iso: String,
}

/// A flagged thread in the queue.
#[derive(Debug, Clone)]
pub struct AttentionRow {
    pub href: String,
    pub title: String,
    pub badge: AttentionBadge,
}

/// `/attention`: the threads that need attention, oldest neglect first.
#[derive(Template)]
#[template(path = "attention/index.html")]
pub struct AttentionPage {
    pub chrome: Chrome,
    pub threads: Vec<AttentionRow>,
    /// The settings in words: "14 days", "90 days".
    pub event_days: i64,
    pub question_days: i64,
    pub next_href: Option<String>,
}

//! The sources index and a source's page.

use askama::Template;

use super::Chrome;
use super::changes::{ChangeEntryView, KindOption};

/// A source as lists and its page show it: every code already in words.
#[derive(Debug, Clone)]
pub struct SourceItem {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
    pub publisher: String,
    /// "Jul 18, 2023", and as `<time datetime>` "2023-07-18".
    pub published: Option<(String, String)>,
    pub kind_label: &'static str,
    /// The stored tier, for the badge's class, and its label.
    pub tier: &'static str,
    pub tier_label: &'static str,
    pub link_status: &'static str,
    pub link_status_label: &'static str,
}

/// `/sources`: filtered by tier, kind, thread, link status and text, newest first.
#[derive(Template)]
#[template(path = "sources/index.html")]
pub struct SourcesIndexPage {
    pub chrome: Chrome,
    pub sources: Vec<SourceItem>,
    /// The next page, keeping the filters.
    pub next_href: Option<String>,
    pub can_create: bool,
    pub tiers: Vec<KindOption>,
    pub kinds: Vec<KindOption>,
    pub statuses: Vec<KindOption>,
    /// The thread filter's slug ("" for any).
    pub thread: String,
    /// The search text as typed back into the form.
    pub q: String,
    /// The thread filter names no thread.
    pub unknown_thread: bool,
    /// Some filter is on.
    pub filtered: bool,
}

/// One place citing a source.
#[derive(Debug, Clone)]
pub struct CitingPlace {
    pub href: String,
    /// "Synthesis, paragraph 2", "Interpretation “…”".
    pub words: String,
}

/// The places of one thread (or, for events, of none) citing a source.
#[derive(Debug, Clone)]
pub struct CitingThread {
    /// (slug, title); `None` for events, which belong to no one thread.
    pub thread: Option<(String, String)>,
    pub places: Vec<CitingPlace>,
}

/// What the link checker last found.
#[derive(Debug, Clone)]
pub struct LinkHealth {
    pub status: &'static str,
    pub status_label: &'static str,
    /// When, in words and ISO.
    pub checked: Option<(String, String)>,
    pub status_code: Option<i32>,
    /// Where redirects ended, when not at the source's address.
    pub final_url: Option<String>,
    pub error: String,
}

/// `/sources/{id}`.
#[derive(Template)]
#[template(path = "sources/show.html")]
pub struct SourcePage {
    pub chrome: Chrome,
    pub source: SourceItem,
    pub health: LinkHealth,
    pub cited: Vec<CitingThread>,
    /// How many more places cite it than are listed.
    pub more_citing: i64,
    pub history: Vec<ChangeEntryView>,
    pub can_edit: bool,
}

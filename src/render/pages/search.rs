//! `/search`: the search form and a page of results with highlighted snippets.

use askama::Template;

use super::Chrome;
use crate::render::highlight::Segment;

/// An option of a filter `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// A labelled badge (status, stance or significance).
#[derive(Debug, Clone)]
pub struct Badge {
    /// The CSS class suffix, e.g. `status-active`.
    pub class: String,
    pub label: &'static str,
}

/// One result as the page lists it.
#[derive(Debug, Clone)]
pub struct ResultView {
    /// `thread` or `event`.
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub title: String,
    pub href: String,
    pub snippet: Vec<Segment>,
    pub badges: Vec<Badge>,
    /// Events: the date, shown and machine-readable.
    pub date: Option<(String, String)>,
}

/// `/search`.
#[derive(Template)]
#[template(path = "search/index.html")]
pub struct SearchPage {
    pub chrome: Chrome,
    /// The text as typed (shown in the box and in messages).
    pub q: String,
    pub scopes: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub stances: Vec<Choice>,
    /// A prompt or explanation instead of results (nothing typed, no searchable words).
    pub notice: Option<String>,
    /// Why the search was refused (the page answers 422).
    pub error: Option<String>,
    /// Whether a search ran (so an empty result says "No results for …").
    pub searched: bool,
    pub results: Vec<ResultView>,
    /// "12 results for “fox”" (counted up to a cap: "More than 100 results for …").
    pub count: String,
    pub next_href: Option<String>,
}

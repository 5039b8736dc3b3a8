//! `/search`: the search form and a page of results with highlighted snippets.

use askama::Template;

use super::Chrome;
use crate::db::search::{Hit, HitKind};
use crate::domain::thread::{Significance, Stance, Status};
use crate::ops::search::Scope;
use crate::render::format;
use crate::render::highlight::{Segment, segments};

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

impl From<&Hit> for ResultView {
    fn from(h: &Hit) -> Self {
        let kind = h.kind();
        let mut badges = Vec::new();
        if let Some(s) = h.status.as_deref().and_then(Status::parse) {
            badges.push(Badge { class: format!("status-{}", s.as_str()), label: s.label() });
        }
        if let Some(s) = h.stance.as_deref().and_then(Stance::parse) {
            badges.push(Badge { class: format!("stance-{}", s.as_str()), label: s.label() });
        }
        if let Some(s) = h.significance.as_deref().and_then(Significance::parse) {
            badges.push(Badge { class: format!("significance-{}", s.as_str()), label: s.label() });
        }
        ResultView {
            kind: kind.as_str(),
            kind_label: match kind {
                HitKind::Thread => "Thread",
                HitKind::Event => "Event",
            },
            title: h.title.clone(),
            href: hit_href(h),
            snippet: segments(&h.snippet),
            badges,
            date: h.occurred_on.map(|d| (format::event_date(d), d.to_string())),
        }
    }
}

/// The page of a hit: `/threads/{slug}` or `/events/{id}`.
pub fn hit_href(h: &Hit) -> String {
    match h.kind() {
        HitKind::Thread => format!("/threads/{}", h.slug),
        HitKind::Event => format!("/events/{}", h.id),
    }
}

/// The `<select>` options of the three filters, with the chosen values selected.
pub fn choices(scope: Scope, status: Option<Status>, stance: Option<Stance>) -> [Vec<Choice>; 3] {
    [
        Scope::ALL.iter().map(|s| Choice { value: s.as_str(), label: s.label(), selected: *s == scope }).collect(),
        Status::ALL
            .iter()
            .map(|s| Choice { value: s.as_str(), label: s.label(), selected: Some(*s) == status })
            .collect(),
        Stance::ALL
            .iter()
            .map(|s| Choice { value: s.as_str(), label: s.label(), selected: Some(*s) == stance })
            .collect(),
    ]
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
    pub next_href: Option<String>,
}

//! The event page and the events index.

use askama::Template;

use super::Chrome;
use super::changes::KindOption;
use super::threads::EventItem;
use crate::domain::html::SafeHtml;

/// `/events/{id}`.
#[derive(Template)]
#[template(path = "events/show.html")]
pub struct EventPage {
    pub chrome: Chrome,
    pub event: EventItem,
    pub url: Option<String>,
    pub html: SafeHtml,
    /// The description a shared link's preview shows (OpenGraph, Twitter card).
    pub summary: String,
    /// (slug, title) of every thread it belongs to.
    pub threads: Vec<(String, String)>,
    pub can_edit: bool,
}

/// An event of the index with every thread it belongs to.
#[derive(Debug, Clone)]
pub struct EventListItem {
    pub event: EventItem,
    /// (slug, title), by title.
    pub threads: Vec<(String, String)>,
}

/// `/events`: filtered by significance, year and thread, newest first.
#[derive(Template)]
#[template(path = "events/index.html")]
pub struct EventsIndexPage {
    pub chrome: Chrome,
    pub events: Vec<EventListItem>,
    /// The next page, keeping the filters.
    pub next_href: Option<String>,
    pub can_create: bool,
    pub significances: Vec<KindOption>,
    /// The year filter as typed back into the form ("" for any).
    pub year: String,
    /// The thread filter's slug ("" for any).
    pub thread: String,
    /// The thread filter names no thread (the page is a 404 that keeps the form).
    pub unknown_thread: bool,
    /// Some filter is on (an empty list then means "none match").
    pub filtered: bool,
}

/// An event found when linking by title.
pub struct LinkCandidate {
    pub id: i64,
    pub title: String,
    /// "Jul 18, 2023", and as `<time datetime>` "2023-07-18".
    pub date: String,
    pub date_iso: String,
    /// Linked to the thread already (shown, without a "Link" button).
    pub linked: bool,
}

/// `/threads/{slug}/events/link`: find an event by its title and link it to the thread.
#[derive(Template)]
#[template(path = "events/link.html")]
pub struct LinkEventPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    /// The text searched for, kept in the field.
    pub text: String,
    pub error: Option<String>,
    /// `None` before a search.
    pub matches: Option<Vec<LinkCandidate>>,
}

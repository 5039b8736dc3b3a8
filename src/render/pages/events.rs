//! The event page and the events index.

use askama::Template;

use super::Chrome;
use super::threads::EventItem;
use crate::render::SafeHtml;

/// `/events/{id}`.
#[derive(Template)]
#[template(path = "events/show.html")]
pub struct EventPage {
    pub chrome: Chrome,
    pub event: EventItem,
    pub url: Option<String>,
    pub html: SafeHtml,
    /// (slug, title) of every thread it belongs to.
    pub threads: Vec<(String, String)>,
    pub can_edit: bool,
}

/// `/events`.
#[derive(Template)]
#[template(path = "events/index.html")]
pub struct EventsIndexPage {
    pub chrome: Chrome,
    pub events: Vec<EventItem>,
    pub next_href: Option<String>,
    pub can_create: bool,
}

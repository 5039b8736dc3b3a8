//! The Following page.

use askama::Template;

use super::Chrome;
use crate::db::follows::FollowedThread;
use crate::domain::thread::{Stance, Status};
use crate::render::format;

/// `/following`: the threads a reader follows, newest activity first.
#[derive(Template)]
#[template(path = "following/index.html")]
pub struct FollowingPage {
    pub chrome: Chrome,
    pub threads: Vec<FollowedView>,
    pub next_href: Option<String>,
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

impl From<&FollowedThread> for FollowedView {
    fn from(t: &FollowedThread) -> Self {
        // The columns' CHECK constraints guarantee known values.
        let status = Status::parse(&t.status).unwrap_or(Status::Active);
        let stance = Stance::parse(&t.stance).unwrap_or(Stance::Contested);
        FollowedView {
            slug: t.slug.clone(),
            title: t.title.clone(),
            status: status.as_str(),
            status_label: status.label(),
            stance: stance.as_str(),
            stance_label: stance.label(),
            new_changes: t.new_changes,
            new_changes_text: if t.new_changes == 1 {
                "1 change".to_owned()
            } else {
                format!("{} changes", t.new_changes)
            },
            read_on: format::day(t.read_at),
            read_iso: format::iso_timestamp(t.read_at),
            updated: format::day(t.updated_at),
            updated_iso: format::iso_date(t.updated_at),
        }
    }
}

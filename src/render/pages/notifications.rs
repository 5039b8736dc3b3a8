//! The notifications page: followed threads that changed, newest activity first.

use askama::Template;

use super::Chrome;

/// One notification as the list shows it.
#[derive(Debug, Clone)]
pub struct NotificationView {
    pub id: i64,
    pub thread_slug: String,
    pub thread_title: String,
    /// "1 change", "3 changes".
    pub changes: String,
    /// "by ann", "by ann and bob", "by ann, bob and 2 others"; empty when nobody else is known.
    pub by: String,
    /// The latest change in words: "cora changed the stance from contested to emerging consensus".
    pub latest: String,
    pub at: String,
    pub at_iso: String,
    pub unread: bool,
}

/// "1 change" / "N changes".
pub fn changes_phrase(count: i32) -> String {
    if count == 1 { "1 change".to_owned() } else { format!("{count} changes") }
}

/// The latest actors in words; `total` counts all of them, `names` holds the latest few.
pub fn by_phrase(names: &[String], total: i64) -> String {
    let others = total - i64::try_from(names.len()).unwrap_or(0);
    match (names, others) {
        ([], _) => String::new(),
        ([one], o) if o <= 0 => format!("by {one}"),
        (names, o) if o <= 0 => {
            let (last, rest) = names.split_last().unwrap_or((&names[0], &[]));
            format!("by {} and {last}", rest.join(", "))
        }
        (names, 1) => format!("by {} and 1 other", names.join(", ")),
        (names, o) => format!("by {} and {o} others", names.join(", ")),
    }
}

/// `GET /notifications`.
#[derive(Template)]
#[template(path = "notifications/index.html")]
pub struct NotificationsPage {
    pub chrome: Chrome,
    pub rows: Vec<NotificationView>,
    pub any_unread: bool,
    pub next_href: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_read_as_a_sentence() {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(by_phrase(&[], 0), "");
        assert_eq!(by_phrase(&names(&["ann"]), 1), "by ann");
        assert_eq!(by_phrase(&names(&["ann", "bob"]), 2), "by ann and bob");
        assert_eq!(by_phrase(&names(&["ann", "bob", "cy"]), 3), "by ann, bob and cy");
        assert_eq!(by_phrase(&names(&["ann", "bob", "cy"]), 4), "by ann, bob, cy and 1 other");
        assert_eq!(by_phrase(&names(&["ann", "bob", "cy"]), 6), "by ann, bob, cy and 3 others");
        assert_eq!(changes_phrase(1), "1 change");
        assert_eq!(changes_phrase(3), "3 changes");
    }
}

//! The reader's own settings pages beyond the password form: the private feed URL.

use askama::Template;

use super::Chrome;

/// `/account/feed`: make, replace or revoke the secret URL of one's private feed.
#[derive(Template)]
#[template(path = "account/feed.html")]
pub struct FeedTokenPage {
    pub chrome: Chrome,
    /// When the current URL was made (shown, ISO), if there is one.
    pub created: Option<(String, String)>,
    /// The URL just made: shown on this response only, since only its hash is kept.
    pub new_url: Option<String>,
}

//! The reader's own settings pages beyond the password form: the private feed URL and the
//! personal API tokens.

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

/// `/account/tokens`: make, list and revoke personal API tokens.
#[derive(Template)]
#[template(path = "account/tokens.html")]
pub struct ApiTokensPage {
    pub chrome: Chrome,
    /// The live tokens, newest first.
    pub tokens: Vec<ApiTokenView>,
    /// The token just made: shown on this response only, since only its hash is kept.
    pub new_token: Option<NewTokenView>,
    /// Why the creation form was refused.
    pub error: Option<String>,
    /// The creation form's values (kept when it is shown again).
    pub name: String,
    pub scope: String,
    /// The scopes to choose from: value and label.
    pub scopes: Vec<(&'static str, &'static str)>,
}

/// A token in the list: never the token, only the prefix it starts with.
#[derive(Debug, Clone)]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    pub scope: &'static str,
    pub prefix: String,
    /// When it was made, shown and ISO.
    pub created: (String, String),
    /// When it was last used (to the minute), if ever.
    pub last_used: Option<(String, String)>,
}

/// The token just made.
#[derive(Debug, Clone)]
pub struct NewTokenView {
    pub token: String,
    pub name: String,
    pub scope: &'static str,
}

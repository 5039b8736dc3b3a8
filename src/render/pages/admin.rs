//! Administration pages.

use askama::Template;

use super::Chrome;
use crate::domain::ids::UserId;
use crate::domain::roles::Role;

/// `/admin/users`: everyone, with a role picker each.
#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub users: Vec<AccountView>,
    pub roles: &'static [Role],
    pub next_href: Option<String>,
}

/// An account as the users list shows it.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    /// A suspension is in force.
    pub suspended: bool,
}

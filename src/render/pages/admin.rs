//! Administration pages.

use askama::Template;

use super::Chrome;
use crate::db::users::User;
use crate::domain::roles::Role;

/// `/admin/users`: everyone, with a role picker each.
#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub users: Vec<User>,
    pub roles: &'static [Role],
    pub next_href: Option<String>,
    pub notice: Option<String>,
}

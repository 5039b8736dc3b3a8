//! One askama struct per page, built from domain data; templates hold layout and loops only.

pub mod account;
pub mod admin;
pub mod attention;
pub mod changes;
pub mod confirm;
pub mod error;
pub mod events;
pub mod fairness;
pub mod following;
pub mod forms;
pub mod history;
pub mod link_health;
pub mod matrix;
pub mod notifications;
pub mod search;
pub mod sources;
pub mod stance;
pub mod threads;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use askama::Template;

use crate::domain::flash::Flash;
use crate::domain::roles::{self, Role};
use crate::render::assets::{ASSETS, Assets};

pub use forms::{Field, FormPage};

/// What every page's frame needs: who is logged in, the token their forms carry, and the
/// (content-hashed) asset URLs.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user: Option<ChromeUser>,
    pub csrf_token: String,
    pub assets: &'static Assets,
    /// The confirmation of what the visitor's last form did, shown once in the status region.
    pub flash: Option<&'static str>,
    /// The page's canonical address (`<link rel="canonical">`, `og:url`).
    pub canonical_url: Option<String>,
}

impl Default for Chrome {
    /// The frame of a page built without a request (error pages): nobody logged in.
    fn default() -> Self {
        Chrome { user: None, csrf_token: String::new(), assets: &ASSETS, flash: None, canonical_url: None }
    }
}

/// The logged-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    pub username: String,
    pub role: &'static str,
    pub can_create_thread: bool,
    pub can_manage_users: bool,
    pub can_moderate: bool,
    /// Why every write of theirs is refused, while they are suspended.
    pub suspended: Option<String>,
    /// Unread notifications, shown next to the header's "Notifications" link.
    pub unread_notifications: i64,
}

/// The visitor as the frame of a page needs them. The routes build it from the session (see
/// `routes`), so pages never depend on how sessions work.
#[derive(Debug, Clone, Default)]
pub struct VisitorView {
    pub user: Option<SignedInView>,
    /// The token their forms carry.
    pub csrf_token: String,
    /// Their unread notifications (0 for anonymous visitors).
    pub unread_notifications: i64,
    /// What their last form did, to confirm it.
    pub flash: Option<Flash>,
    /// The page's canonical address (none on error pages, which are nothing to index).
    pub canonical_url: Option<String>,
}

/// A logged-in visitor as the frame of a page needs them.
#[derive(Debug, Clone)]
pub struct SignedInView {
    pub username: String,
    pub role: Role,
    /// While they are suspended: why every write of theirs is refused.
    pub suspension_refusal: Option<String>,
}

impl Chrome {
    /// The header for this visitor (anything the routes can turn into a [`VisitorView`]).
    pub fn of(visitor: impl Into<VisitorView>) -> Self {
        let visitor = visitor.into();
        let unread_notifications = visitor.unread_notifications;
        Chrome {
            user: visitor.user.map(|u| ChromeUser {
                role: u.role.as_str(),
                can_create_thread: roles::can_create_thread(u.role),
                can_manage_users: roles::can_manage_users(u.role),
                can_moderate: roles::can_moderate(u.role),
                suspended: u.suspension_refusal.as_deref().map(threads::capitalized),
                unread_notifications,
                username: u.username,
            }),
            csrf_token: visitor.csrf_token,
            assets: &ASSETS,
            flash: visitor.flash.map(Flash::message),
            canonical_url: visitor.canonical_url,
        }
    }
}

/// Renders a page with a status; a template failure becomes a plain 500.
pub fn html_response<T: Template>(status: StatusCode, page: &T) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status).content_type(ContentType::html()).body(body),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            HttpResponse::InternalServerError().content_type(ContentType::plaintext()).body("internal error")
        }
    }
}

/// Renders a page with 200 OK.
pub fn ok<T: Template>(page: &T) -> HttpResponse {
    html_response(StatusCode::OK, page)
}

/// The page for every error status.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub status: u16,
    pub reason: String,
    pub message: String,
    /// What the visitor can do about it, in one sentence.
    pub next_step: &'static str,
    /// Where the "back" link goes: the page they came from when it is one of ours, else home.
    pub back: String,
    /// That link's text.
    pub back_label: &'static str,
    /// The request id of a 500, to quote when reporting it (the log has the cause under it).
    pub reference: Option<String>,
}

impl ErrorPage {
    /// An error page for nobody in particular (built without the request): an anonymous header
    /// and a link home. [`ErrorPage::for_visitor`] puts the visitor's session and way back in.
    pub fn new(status: StatusCode, message: String) -> Self {
        ErrorPage {
            chrome: Chrome::default(),
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error").to_owned(),
            message,
            next_step: next_step(status),
            back: "/".to_owned(),
            back_label: "Back to the threads",
            reference: None,
        }
    }

    /// The same page with the visitor's header and a link back to `came_from` (a path of ours,
    /// already checked by the caller), when there is one.
    pub fn for_visitor(self, visitor: impl Into<VisitorView>, came_from: Option<String>) -> Self {
        let (back, back_label) = match came_from {
            Some(path) => (path, "Back to the page you came from"),
            None => (self.back, self.back_label),
        };
        let visitor = VisitorView { canonical_url: None, ..visitor.into() };
        ErrorPage { chrome: Chrome::of(visitor), back, back_label, ..self }
    }
}

/// What to do next, by status.
fn next_step(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => {
            "The address may be mistyped, or what was here has moved or been removed: go back, or search for it above."
        }
        403 => "If you think you should be able to do this, ask an administrator.",
        409 => {
            "Someone changed this while you were working: go back, reload the page to see the latest version, and try again."
        }
        422 => "Go back, correct what the message above describes, and send it again.",
        429 => "Wait a moment, then try again.",
        500 | 503 => "Try again in a moment; if it keeps happening, report the reference below.",
        _ => "Go back and try again.",
    }
}

//! HTTP only: parse the request, call one operation in `ops`, pick a page or JSON.

pub mod admin;
pub mod api;
pub mod assets;
pub mod attention;
pub mod bench;
pub mod discovery;
pub mod error_pages;
pub mod events;
pub mod fairness;
pub mod feeds;
pub mod following;
pub mod head;
pub mod health;
pub mod link_health;
pub mod matrix;
pub mod moderation;
pub mod notifications;
pub mod observe;
pub mod page_cache;
pub mod preview;
pub mod query;
pub mod search;
pub mod sections;
pub mod settings;
pub mod sign_in;
pub mod sources;
pub mod stance;
pub mod synthesis;
pub mod table;
pub mod threads;
pub mod tokens;
pub mod users;

use actix_web::http::header;
use actix_web::{HttpResponse, error, web};

use crate::auth::Visitor;
use crate::auth::csrf::BODY_LIMIT;
use crate::domain::flash::Flash;
use crate::error::AppError;
use crate::ops::access;
use crate::ops::threads::ThreadRow;
use crate::render::pages::{FormPage, SignedInView, VisitorView, html_response};
use crate::state::AppState;

/// Routes that need no visitor: health checks, static assets and the Atom feeds.
pub fn configure_unauthenticated(cfg: &mut web::ServiceConfig) {
    // Feeds are anonymous, read-only views: no session lookup and no CSRF cookie on them.
    cfg.configure(health::configure)
        .configure(assets::configure)
        .configure(feeds::configure_public)
        // robots.txt and the sitemaps (issue 18): the same for every visitor.
        .configure(discovery::configure);
}

/// Everything else; runs behind the visitor and CSRF middleware. Order matters where paths
/// overlap: thread events before the generic `/threads/{slug}/{section}` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.configure(api::configure)
        .configure(sign_in::configure)
        .configure(settings::configure)
        .configure(feeds::configure)
        .configure(tokens::configure)
        .configure(admin::configure)
        .configure(moderation::configure)
        .configure(notifications::configure)
        .configure(users::configure)
        .configure(preview::configure)
        .configure(following::configure)
        .configure(search::configure)
        .configure(matrix::configure)
        .configure(link_health::configure)
        .configure(attention::configure)
        // Issue 17: the fair-summary signal's forms.
        .configure(fairness::configure)
        // The governed stance label: before the generic `/threads/{slug}/...` routes.
        .configure(stance::configure)
        .configure(threads::configure)
        .configure(synthesis::configure)
        .configure(events::configure)
        .configure(sources::configure)
        .configure(sections::configure)
        .default_service(web::to(not_found));
}

impl From<&Visitor> for VisitorView {
    /// What a page's frame shows of the session: built here, where pages are rendered.
    fn from(visitor: &Visitor) -> Self {
        VisitorView {
            user: visitor.user.as_ref().map(|u| SignedInView {
                username: u.username.clone(),
                role: u.role,
                suspension_refusal: u.suspension.as_ref().map(|s| s.refusal()),
            }),
            csrf_token: visitor.csrf_token.clone(),
            unread_notifications: visitor.unread_notifications,
            flash: visitor.flash,
            canonical_url: Some(visitor.canonical_url.clone()),
        }
    }
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// 303 See Other: where every successful form POST goes, with the confirmation the next page
/// shows (the visitor middleware turns it into the flash cookie).
pub fn see_other(location: &str, flash: Flash) -> HttpResponse {
    with_flash(HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish(), flash)
}

/// Has the next page confirm `flash` (for the few redirects built elsewhere, such as signing in).
pub fn with_flash(mut response: HttpResponse, flash: Flash) -> HttpResponse {
    response.extensions_mut().insert(flash);
    response
}

/// 303 back to the page the form was on when it is one of ours, else to `fallback`.
pub fn back_to_referer(req: &actix_web::HttpRequest, fallback: &str, flash: Flash) -> HttpResponse {
    see_other(same_origin_referer(req).as_deref().unwrap_or(fallback), flash)
}

/// The `Referer`'s path and query when it names this site (never another origin's address).
pub fn same_origin_referer(req: &actix_web::HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| crate::auth::csrf::names_this_host(req.head(), u))
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", local_path(u.path())),
            None => local_path(u.path()),
        })
}

/// A path of ours to send a browser to. `//host/...` and `/\host` are read by browsers as
/// another site's address, so they become `/`.
pub fn local_path(path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Shows the form again, with the user's values and the message, when input is invalid
/// (so nothing typed is lost); passes every other error on.
pub fn reshow_if_invalid<T>(
    result: Result<T, AppError>,
    form: impl FnOnce() -> FormPage,
    on_success: impl FnOnce(T) -> HttpResponse,
) -> Result<HttpResponse, AppError> {
    reshow_if(result, |e| matches!(e, AppError::Invalid(_)), form, on_success)
}

/// [`reshow_if_invalid`] for the editors of a thread's content, which name their thread: on
/// invalid input the thread is looked up to name it (a valid save never needs the lookup).
pub async fn reshow_thread_editor_if_invalid<T>(
    state: &AppState,
    slug: &str,
    result: Result<T, AppError>,
    form: impl FnOnce(&ThreadRow) -> FormPage,
    on_success: impl FnOnce(T) -> HttpResponse,
) -> Result<HttpResponse, AppError> {
    match result {
        Err(invalid @ AppError::Invalid(_)) => {
            let thread = access::thread(&state.pool, slug.to_owned()).await?;
            reshow_if_invalid(Err::<T, _>(invalid), || form(&thread), on_success)
        }
        other => other.map(on_success),
    }
}

/// Shows the form again with the refusal when `shown(&error)`, answering with the error's
/// status (and `Retry-After` for a throttle); passes every other error on.
pub fn reshow_if<T>(
    result: Result<T, AppError>,
    shown: impl Fn(&AppError) -> bool,
    form: impl FnOnce() -> FormPage,
    on_success: impl FnOnce(T) -> HttpResponse,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(value) => Ok(on_success(value)),
        Err(e) if shown(&e) => {
            let mut response = html_response(e.status(), &form().with_error(Some(e.to_string())));
            e.add_retry_after(&mut response);
            Ok(response)
        }
        Err(other) => Err(other),
    }
}

/// Form bodies: bounded, and a malformed one is a clear 400 page.
pub fn form_config() -> web::FormConfig {
    web::FormConfig::default().limit(BODY_LIMIT).error_handler(|err, _| {
        match err {
            error::UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
            other => AppError::BadRequest(format!("the form could not be read: {other}")),
        }
        .into()
    })
}

/// JSON bodies: bounded, and errors answer as JSON.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(BODY_LIMIT).error_handler(|err, _| {
        let app = match err {
            error::JsonPayloadError::Overflow { .. } | error::JsonPayloadError::OverflowKnownLength { .. } => {
                AppError::PayloadTooLarge
            }
            error::JsonPayloadError::ContentType => {
                AppError::BadRequest("send Content-Type: application/json".to_owned())
            }
            other => AppError::BadRequest(format!("the JSON body could not be read: {other}")),
        };
        crate::error::ApiError(app).into()
    })
}

/// Query strings: a malformed one is a 400 (as JSON under `/api/`).
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, req| {
        AppError::BadRequest(format!("the query string is not valid: {err}")).for_path(req.path())
    })
}

/// Path segments that do not parse (a non-numeric id) name nothing: 404.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, req| AppError::NotFound.for_path(req.path()))
}

/// What the sign-in operations run on, taken from the state.
pub fn sign_in_with(state: &crate::state::AppState) -> crate::ops::sessions::SignIn<'_> {
    crate::ops::sessions::SignIn { pool: &state.pool, hashing: &state.hashing }
}

/// The session token the browser sent, if any (ended when a new session starts).
pub fn session_token(req: &actix_web::HttpRequest) -> Option<String> {
    req.cookie(crate::auth::session::SESSION_COOKIE).map(|c| c.value().to_owned())
}

/// The client address for throttling: the TCP peer, or, when that is one of
/// `AGORA_TRUSTED_PROXIES`, the client they name (see `observe`).
pub fn client_address(req: &actix_web::HttpRequest) -> String {
    observe::client_address(req)
}

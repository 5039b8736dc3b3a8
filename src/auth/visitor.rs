//! Who is asking: the middleware that resolves the session cookie once per request, and the
//! `Visitor` extractor handlers take.

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, web};

use super::bearer::{self, TokenAuth};
use super::read_your_writes;
use super::session::{CSRF_COOKIE, FLASH_COOKIE, SESSION_COOKIE, cookie, flash_cookie, new_token, removal, token_hash};
use crate::db::{self, sessions, users::User};
use crate::domain::flash::Flash;
use crate::domain::roles::{Actor, Role};
use crate::error::AppError;
use crate::state::AppState;

/// A logged-in user.
pub type CurrentUser = User;

/// The person making the request: maybe a user, always a CSRF token for their forms.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    /// The user's unread notifications (0 for anonymous visitors), loaded with the session.
    pub unread_notifications: i64,
    /// The confirmation of what their last form did, carried over its redirect.
    pub flash: Option<Flash>,
    /// This page's address on the public site (`AGORA_PUBLIC_URL` + path, no query): the
    /// canonical link and the address a shared link's preview names.
    pub canonical_url: String,
    /// Set when a personal API token (not a session) authenticated the request: which, and its
    /// scope. Such a request carries no cookie authority (see `auth::bearer`).
    pub token: Option<TokenAuth>,
}

impl Visitor {
    /// The logged-in user, or "log in first".
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::LoginRequired)
    }

    /// The user's role; anonymous visitors count as readers without an account.
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// The permission-check view of this visitor on a thread they may or may not curate.
    pub fn actor(&self, curates_thread: bool) -> Result<Actor, AppError> {
        Ok(Actor { role: self.require_user()?.role, curates_thread })
    }
}

impl FromRequest for Visitor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions().get::<Visitor>().cloned().ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("visitor middleware is not installed on this route"))
            }),
        )
    }
}

/// Resolves the session cookie (one indexed query, only when the cookie is present) and gives
/// anonymous visitors a CSRF cookie with the pages that carry their token (the login and signup
/// forms, the session's JSON). An API request with an `Authorization` header is resolved by its
/// token instead, cookies ignored (`auth::bearer`). Its refusals are answered
/// here, as responses, so the layers outside (security headers, cache policy) apply to them.
pub async fn load(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        let err = AppError::Internal(anyhow::anyhow!("application state is missing")).for_path(req.path());
        return Ok(req.error_response(err));
    };
    if bearer::applies(&req) {
        return bearer::serve(req, next, state).await;
    }
    let mut session = None;
    let mut forget_session_cookie = false;
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        let hash = token_hash(&token);
        match db::with_conn(&state.pool, move |c| Ok(sessions::find(c, &hash)?)).await {
            Ok(found) => session = found,
            Err(e) => {
                let err = e.for_path(req.path());
                return Ok(req.error_response(err));
            }
        }
        forget_session_cookie = session.is_none();
    }
    let last_write = session.as_ref().map(|found| read_your_writes::LastWrite(found.write_lsn));
    let mut new_csrf_cookie = None;
    let (user, csrf_token, unread_notifications) = match session {
        Some(found) => (Some(found.user), found.csrf_token, found.unread_notifications),
        None => match req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|t| looks_like_token(t)) {
            Some(token) => (None, token, 0),
            None => {
                let token = new_token();
                new_csrf_cookie = Some(token.clone());
                (None, token, 0)
            }
        },
    };
    let refusal = user
        .as_ref()
        .and_then(|u| u.suspension.as_ref())
        .filter(|_| !req.method().is_safe() && !suspended_may_send(req.method(), req.path()))
        .map(|suspension| suspension.refusal());
    // Inserted before any refusal, so the cache policy knows whom the refusal was for.
    let flash = req.cookie(FLASH_COOKIE).and_then(|c| Flash::from_key(c.value()));
    let had_flash_cookie = req.cookie(FLASH_COOKIE).is_some();
    let is_get = req.method() == actix_web::http::Method::GET;
    let canonical_url = format!("{}{}", state.public_url, req.path());
    req.extensions_mut().insert(Visitor { user, csrf_token, unread_notifications, flash, canonical_url, token: None });
    if let Some(last_write) = last_write {
        req.extensions_mut().insert(last_write);
    }
    if let Some(refusal) = refusal {
        // One place refuses every write of a suspended account, whatever route it targets.
        let err = AppError::Forbidden(refusal).for_path(req.path());
        return Ok(req.error_response(err));
    }
    let res = next.call(req).await?.map_into_boxed_body();
    let secure = state.cookie_secure;
    let mut added = Ok(());
    // The cookie goes only with a body that carries the token (a form, the session's JSON): a
    // page that needs none sets no cookie, so a shared cache may keep it (issue 18).
    let (mut res, carries) = match &new_csrf_cookie {
        Some(token) => super::privacy::carries_token(res, token),
        None => (res, false),
    };
    if let (Some(token), true) = (new_csrf_cookie, carries) {
        added = res.response_mut().add_cookie(&cookie(CSRF_COOKIE, token, secure, 365));
    }
    let new_flash = res.response().extensions().get::<Flash>().copied();
    if let (Ok(()), Some(flash)) = (&added, new_flash) {
        added = res.response_mut().add_cookie(&flash_cookie(flash, secure));
    } else if added.is_ok() && had_flash_cookie && is_get && shows_a_page(res.response()) {
        // Shown once: the page that displayed it ends it (a redirect on the way keeps it).
        added = res.response_mut().add_cookie(&removal(FLASH_COOKIE, secure));
    }
    if added.is_ok() && forget_session_cookie && !res.response().cookies().any(|c| c.name() == SESSION_COOKIE) {
        added = res.response_mut().add_cookie(&removal(SESSION_COOKIE, secure));
    }
    Ok(match added {
        Ok(()) => res,
        Err(e) => res.error_response(AppError::Internal(anyhow::anyhow!("setting a cookie: {e}"))),
    })
}

/// A page a person reads (200 HTML), where a waiting flash is shown.
fn shows_a_page(res: &actix_web::HttpResponse<BoxBody>) -> bool {
    res.status() == actix_web::http::StatusCode::OK
        && res
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
}

/// What a suspended user may still send: logging out and in, and securing their own account
/// (a new password, revoking the private feed URL or an API token). Issuing a feed URL or a
/// token stays refused.
fn suspended_may_send(method: &actix_web::http::Method, path: &str) -> bool {
    use actix_web::http::Method;
    const POST: [&str; 5] = ["/logout", "/login", "/api/v1/session", "/account/password", "/account/feed/revoke"];
    const DELETE: [&str; 2] = ["/api/v1/session", "/api/v1/account/feed-token"];
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let revokes_token = match *method {
        Method::POST => {
            path.strip_prefix("/account/tokens/").and_then(|rest| rest.strip_suffix("/revoke")).is_some_and(numeric)
        }
        Method::DELETE => path.strip_prefix("/api/v1/account/tokens/").is_some_and(numeric),
        _ => false,
    };
    revokes_token
        || (method == Method::POST && POST.contains(&path))
        || (method == Method::DELETE && DELETE.contains(&path))
}

fn looks_like_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

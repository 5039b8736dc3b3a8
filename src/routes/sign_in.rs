//! Sessions: signing in (`/login`), signing up (`/signup`) and signing out (`/logout`).
//! What a signed-in reader changes about their account is `settings`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{reshow_if, see_other, with_flash};
use crate::auth::Visitor;
use crate::auth::session::{CSRF_COOKIE, SESSION_COOKIE, SESSION_DAYS, cookie, removal};
use crate::domain::flash::Flash;
use crate::error::AppError;
use crate::ops::sessions::{self, NewSession};
use crate::render::pages::forms::FieldKind;
use crate::render::pages::{Chrome, Field, FormPage, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the sign-in, sign-up and sign-out pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/login").get(login_form).post(log_in))
        .add(at("/signup").get(signup_form).post(sign_up))
        .add(at("/logout").post(log_out));
}

/// The login and signup form fields.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

fn login_page(visitor: &Visitor, username: &str) -> FormPage {
    FormPage::new(
        Chrome::of(visitor),
        "Log in",
        "/login",
        "Log in",
        vec![
            Field::text("username", "Username", username),
            Field::text("password", "Password", "").kind(FieldKind::Password),
        ],
    )
    .footer_link("/signup", "No account yet? Sign up")
}

fn signup_page(visitor: &Visitor, username: &str) -> FormPage {
    FormPage::new(
        Chrome::of(visitor),
        "Sign up",
        "/signup",
        "Create account",
        vec![
            Field::text("username", "Username", username).hint("3-32 letters, digits, '-' or '_'."),
            Field::text("password", "Password", "")
                .kind(FieldKind::Password)
                .hint("At least 12 characters, not a common password."),
        ],
    )
    .intro("Readers follow threads; curators are appointed by an administrator.")
    .footer_link("/login", "Already have an account? Log in")
}

async fn login_form(visitor: Visitor) -> HttpResponse {
    ok(&login_page(&visitor, ""))
}

async fn signup_form(visitor: Visitor) -> HttpResponse {
    ok(&signup_page(&visitor, ""))
}

async fn log_in(
    state: web::Data<AppState>,
    visitor: Visitor,
    req: HttpRequest,
    form: web::Form<Credentials>,
) -> Result<HttpResponse, AppError> {
    let client = super::client_address(&req);
    let previous = super::session_token(&req);
    let result =
        sessions::log_in(super::sign_in_with(&state), &form.username, &form.password, &client, previous.as_deref())
            .await;
    let refused = |e: &AppError| matches!(e, AppError::Unauthorized(_) | AppError::TooManyRequests(_));
    reshow_if(result, refused, || login_page(&visitor, &form.username), |s| session_started(&state, s, Flash::SignedIn))
}

async fn sign_up(
    state: web::Data<AppState>,
    visitor: Visitor,
    req: HttpRequest,
    form: web::Form<Credentials>,
) -> Result<HttpResponse, AppError> {
    let client = super::client_address(&req);
    let previous = super::session_token(&req);
    let result =
        sessions::sign_up(super::sign_in_with(&state), &form.username, &form.password, &client, previous.as_deref())
            .await;
    let refused = |e: &AppError| matches!(e, AppError::Invalid(_) | AppError::TooManyRequests(_));
    reshow_if(
        result,
        refused,
        || signup_page(&visitor, &form.username),
        |s| session_started(&state, s, Flash::SignedUp),
    )
}

/// Sets the new session cookie (the operation ended the browser's previous session, so the id
/// rotates) and drops the anonymous CSRF cookie, whose job the session's token takes over.
pub(crate) fn session_started(state: &AppState, session: NewSession, done: Flash) -> HttpResponse {
    let response = HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, "/"))
        .cookie(cookie(SESSION_COOKIE, session.token, state.cookie_secure, SESSION_DAYS))
        .cookie(removal(CSRF_COOKIE, state.cookie_secure))
        .finish();
    with_flash(response, done)
}

async fn log_out(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    sessions::log_out(&state.pool, super::session_token(&req).as_deref()).await?;
    let mut response = see_other("/", Flash::SignedOut);
    response
        .add_removal_cookie(&removal(SESSION_COOKIE, state.cookie_secure))
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(response)
}

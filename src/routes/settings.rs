//! Account settings of a signed-in reader: `/account/password` (changing one's password ends
//! every other session) and `/account/digest` (the e-mail address and how often notifications
//! are e-mailed). Signing in, up and out is `sign_in`; the private feed URL is `feeds`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::Visitor;
use crate::domain::digest::Frequency;
use crate::domain::flash::Flash;
use crate::error::AppError;
use crate::ops::digest;
use crate::ops::sessions;
use crate::render::pages::forms::FieldKind;
use crate::render::pages::{Chrome, Field, FormPage, ok};
use crate::routes::table::{Routes, at};
use crate::routes::{reshow_if_invalid, see_other};
use crate::state::AppState;

/// Registers the account settings pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/account/password").get(form).post(change))
        .add(at("/account/digest").get(digest_form).post(save_digest));
}

/// The digest form's fields.
#[derive(Debug, Deserialize)]
pub struct DigestForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub digest: String,
}

fn digest_page(visitor: &Visitor, mail_enabled: bool, email: &str, frequency: &str) -> FormPage {
    let intro = if mail_enabled {
        "Get one e-mail listing the followed threads that changed since you last read them. \
         Nothing is sent while there is nothing new."
    } else {
        "E-mail digests are off on this server: you can save your choice, but no e-mail is sent \
         until the administrator configures e-mail."
    };
    FormPage::new(
        Chrome::of(visitor),
        "E-mail digests",
        "/account/digest",
        "Save e-mail settings",
        vec![
            Field::text("email", "E-mail address", email)
                .kind(FieldKind::Email)
                .required(false)
                .hint("Needed for digests; only used to send them."),
            Field::select("digest", "How often", frequency, Frequency::OPTIONS.to_vec()),
        ],
    )
    .intro(intro)
    .cancel("/notifications")
    .footer_link("/account/password", "Change your password")
}

async fn digest_form(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let current = digest::settings(&state.pool, user).await?;
    Ok(ok(&digest_page(&visitor, state.mail_enabled, &current.email, current.frequency.as_str())))
}

async fn save_digest(
    state: web::Data<AppState>,
    visitor: Visitor,
    input: web::Form<DigestForm>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let saved = digest::save_settings(&state.pool, user, &input.email, &input.digest).await;
    reshow_if_invalid(
        saved,
        || digest_page(&visitor, state.mail_enabled, &input.email, &input.digest),
        |_| see_other("/account/digest", Flash::Saved),
    )
}

/// The password form's fields.
#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
}

fn page(visitor: &Visitor) -> FormPage {
    FormPage::new(
        Chrome::of(visitor),
        "Change your password",
        "/account/password",
        "Change password",
        vec![
            Field::text("current_password", "Current password", "").kind(FieldKind::Password),
            Field::text("new_password", "New password", "")
                .kind(FieldKind::Password)
                .hint("At least 12 characters, not a common password."),
        ],
    )
    .intro("Changing it logs you out everywhere else.")
    .cancel("/")
    // The other account settings.
    .footer_link("/account/digest", "E-mail digests of your notifications")
    .footer_link("/account/feed", "Your private feed of followed threads")
    .footer_link("/account/tokens", "Your API tokens")
}

async fn form(visitor: Visitor) -> Result<HttpResponse, AppError> {
    visitor.require_user()?;
    Ok(ok(&page(&visitor)))
}

async fn change(
    state: web::Data<AppState>,
    visitor: Visitor,
    req: HttpRequest,
    input: web::Form<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let client = super::client_address(&req);
    let (current, new) = (&input.current_password, &input.new_password);
    // Every session of the user ends, this browser's too, so there is no previous one to end.
    let result = sessions::change_password(super::sign_in_with(&state), user, current, new, &client).await;
    let refused = |e: &AppError| matches!(e, AppError::Invalid(_) | AppError::TooManyRequests(_));
    super::reshow_if(
        result,
        refused,
        || page(&visitor),
        |s| super::sign_in::session_started(&state, s, Flash::PasswordChanged),
    )
}

//! `/account/password`: changing one's password ends every other session.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Deserialize;

use crate::auth::Visitor;
use crate::auth::login;
use crate::error::AppError;
use crate::render::pages::forms::FieldKind;
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::startup::AppState;

/// Registers the account pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/account/password").get(form).post(change));
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
            Field::text("new_password", "New password", "").kind(FieldKind::Password).hint("At least 12 characters."),
        ],
    )
    .intro("Changing it logs you out everywhere else.")
    .cancel("/")
    // The other account setting: the secret URL of the private feed of followed threads.
    .footer_link("/account/feed", "Your private feed of followed threads")
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
    match login::change_password(&state, user, &input.current_password, &input.new_password, &client).await {
        Ok(session) => super::accounts::session_started(&state, &req, session).await,
        Err(e @ (AppError::Invalid(_) | AppError::TooManyRequests)) => {
            let status =
                if matches!(e, AppError::Invalid(_)) { StatusCode::UNPROCESSABLE_ENTITY } else { e.status_code() };
            Ok(html_response(status, &page(&visitor).with_error(Some(e.to_string()))))
        }
        Err(other) => Err(other),
    }
}

//! `/account/tokens`: a signed-in reader makes (shown once), lists and revokes personal API
//! tokens. Requests that present a token are served by `auth::bearer` (API only: pages ignore an
//! `Authorization` header).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::see_other;
use crate::auth::Visitor;
use crate::domain::api_token::Scope;
use crate::domain::flash::Flash;
use crate::error::AppError;
use crate::ops::api_tokens::{self, TokenListed};
use crate::render::format;
use crate::render::pages::account::{ApiTokenView, ApiTokensPage, NewTokenView};
use crate::render::pages::{Chrome, html_response};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the tokens page and its forms.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/account/tokens").get(list).post(create))
        .add(at("/account/tokens/{id}/revoke").post(revoke));
}

/// The creation form's fields.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub scope: String,
}

/// A listed token as the page shows it.
pub fn view_of(row: &TokenListed) -> ApiTokenView {
    ApiTokenView {
        id: row.id,
        name: row.name.clone(),
        scope: row.scope().as_str(),
        prefix: row.prefix.clone(),
        created: (format::moment(row.created_at), format::iso_timestamp(row.created_at)),
        last_used: row.last_used_at.map(|at| (format::moment(at), format::iso_timestamp(at))),
    }
}

/// What the page shows besides the list.
#[derive(Default)]
struct Extra {
    new_token: Option<NewTokenView>,
    error: Option<String>,
    name: String,
    scope: String,
}

fn page(visitor: &Visitor, tokens: &[TokenListed], extra: Extra, status: actix_web::http::StatusCode) -> HttpResponse {
    let mut chrome = Chrome::of(visitor);
    if extra.new_token.is_some() {
        chrome.flash = Some(Flash::TokenCreated.message());
    }
    let scope = if extra.scope.is_empty() { Scope::Read.as_str().to_owned() } else { extra.scope };
    let mut res = html_response(
        status,
        &ApiTokensPage {
            chrome,
            tokens: tokens.iter().map(view_of).collect(),
            new_token: extra.new_token,
            error: extra.error,
            name: extra.name,
            scope,
            scopes: Scope::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        },
    );
    // The page may carry the secret: no cache keeps it.
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static(crate::auth::privacy::PRIVATE));
    res
}

async fn list(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let tokens = api_tokens::list(&state.pool, user).await?;
    Ok(page(&visitor, &tokens, Extra::default(), actix_web::http::StatusCode::OK))
}

async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    input: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let TokenForm { name, scope } = input.into_inner();
    let made = api_tokens::create(&state.pool, user, name.clone(), scope.clone()).await;
    let tokens = api_tokens::list(&state.pool, user).await?;
    match made {
        // Shown in this response and never again (no redirect: the secret must not travel in a
        // URL of ours or sit in a cookie).
        Ok(new) => {
            let new_token =
                NewTokenView { token: new.token, name: new.row.name.clone(), scope: new.row.scope().as_str() };
            let extra = Extra { new_token: Some(new_token), ..Extra::default() };
            Ok(page(&visitor, &tokens, extra, actix_web::http::StatusCode::OK))
        }
        Err(e @ AppError::Invalid(_)) => {
            let extra = Extra { error: Some(e.to_string()), name, scope, ..Extra::default() };
            Ok(page(&visitor, &tokens, extra, e.status()))
        }
        Err(other) => Err(other),
    }
}

async fn revoke(state: web::Data<AppState>, visitor: Visitor, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    api_tokens::revoke(&state.pool, user, id.into_inner()).await?;
    Ok(see_other("/account/tokens", Flash::TokenRevoked))
}

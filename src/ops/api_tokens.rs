//! Personal API tokens, managed by their owner from a signed-in session (the account page and
//! `/api/v1/account/tokens`): made with a name and a scope and shown once, listed by prefix,
//! revoked. Requests that present one are resolved by `auth::bearer`.

use diesel::PgConnection;

use crate::auth::CurrentUser;
use crate::auth::session::{new_token, token_hash};
use crate::db::api_tokens::{self, ApiTokenRow, NewApiToken};
use crate::db::{self, PgPool};
use crate::domain::api_token::{self, MAX_LIVE_PER_USER, Scope};
use crate::error::AppError;

/// A token just made: the token itself (shown this once) and its row.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub token: String,
    pub row: ApiTokenRow,
}

/// Makes a token for `user` named `name` with the scope `scope` ("read" or "write").
pub fn create_in(conn: &mut PgConnection, user: &CurrentUser, name: &str, scope: &str) -> Result<NewToken, AppError> {
    let name = api_token::validate_name(name).map_err(AppError::Invalid)?;
    let scope =
        Scope::parse(scope).ok_or_else(|| AppError::Invalid("choose the token's scope: read or write".to_owned()))?;
    if api_tokens::count_live(conn, user.id)? >= MAX_LIVE_PER_USER {
        return Err(AppError::Invalid(format!(
            "you already have {MAX_LIVE_PER_USER} tokens; revoke one you no longer use first"
        )));
    }
    let token = api_token::token_from_secret(&new_token());
    let hash = token_hash(&token);
    let prefix = api_token::prefix_of(&token);
    let new = NewApiToken { user: user.id, name: &name, scope, hash: &hash, prefix: &prefix };
    let row = api_tokens::insert(conn, &new)?;
    tracing::info!(user = %user.id, token = row.id, scope = scope.as_str(), "API token created");
    Ok(NewToken { token, row })
}

/// See [`create_in`].
pub async fn create(pool: &PgPool, user: &CurrentUser, name: String, scope: String) -> Result<NewToken, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| create_in(c, &user, &name, &scope)).await
}

/// The live tokens of `user`, newest first.
pub async fn list(pool: &PgPool, user: &CurrentUser) -> Result<Vec<ApiTokenRow>, AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| Ok(api_tokens::live_of(c, user)?)).await
}

/// Revokes a live token of `user`: it stops working at once. 404 when they have no such token
/// (another's token, or one already revoked).
pub fn revoke_in(conn: &mut PgConnection, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    if api_tokens::revoke(conn, user.id, id)? {
        tracing::info!(user = %user.id, token = id, "API token revoked");
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// See [`revoke_in`].
pub async fn revoke(pool: &PgPool, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| revoke_in(c, &user, id)).await
}

/// A token as lists show it (the routes build pages and JSON from it).
pub use crate::db::api_tokens::ApiTokenRow as TokenListed;

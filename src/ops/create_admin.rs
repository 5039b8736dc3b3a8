//! `agora create-admin`: an administrator account from the command line, for the first admin
//! and for regaining access. Validates and hashes here; `db::users::make_admin` writes.

use anyhow::Context;

use crate::auth::password::hash_password;
use crate::db::{PgPool, users};
use crate::domain::validate;

/// Creates the account `username` as an administrator with `password`, or makes an existing
/// account one with that password (its sessions end). Blocking: the CLI calls it before the
/// server starts.
pub fn run(pool: &PgPool, username: &str, password: &str) -> anyhow::Result<()> {
    let username = validate::username(username).map_err(anyhow::Error::msg)?;
    validate::password(password).map_err(anyhow::Error::msg)?;
    let hash = hash_password(password)?;
    let mut conn = pool.get().context("connecting to the database")?;
    users::make_admin(&mut conn, &username, &hash).map_err(|e| anyhow::anyhow!("{e}"))
}

//! Whether the service can do its work: the database answers a trivial query.

use diesel::{PgConnection, RunQueryDsl};

use crate::db::{self, PgPool};
use crate::error::AppError;

/// Runs `SELECT 1` on the connection.
pub fn database_answers_in(conn: &mut PgConnection) -> Result<(), AppError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

/// The async entry of [`database_answers_in`]: an error when no connection could be had or the
/// query failed. Always the primary: a replica answering says nothing of whether writes work.
pub async fn database_answers(pool: &PgPool) -> Result<(), AppError> {
    db::with_primary_conn(pool, database_answers_in).await
}

//! Database access: the connection pool, embedded migrations, and `with_conn`, the one way
//! request handlers reach PostgreSQL (on the blocking pool, inside the caller's tracing span).

pub mod api_tokens;
pub mod attention;
pub mod change_listener;
pub mod changes;
pub mod citations;
pub mod events;
pub mod fairness;
pub mod fairness_fits;
pub mod fanout;
pub mod feeds;
pub mod follows;
pub mod html;
pub mod link_checks;
pub mod matrix;
pub mod moderation;
pub mod notifications;
pub mod page_cache;
pub mod pool_metrics;
pub mod reads;
pub mod replicas;
pub mod revisions;
pub mod schema;
pub mod search;
pub mod sections;
pub mod sessions;
pub mod sitemap;
pub mod sources;
pub mod stance;
pub mod thread_page;
pub mod threads;
pub mod throttle;
pub mod users;

use std::time::Duration;

use anyhow::Context;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::Settings;
use crate::error::AppError;

/// The shared pool of PostgreSQL connections.
pub type PgPool = Pool<ConnectionManager<PgConnection>>;

/// The migrations in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Creates the database if it is missing, runs pending migrations and opens the pool.
pub fn connect_and_migrate(settings: &Settings) -> anyhow::Result<PgPool> {
    create_database_if_missing(&settings.database_url)?;
    let pool = build_pool(&settings.database_url, settings.pool_size)?;
    let mut conn = pool.get().context("connecting to the database")?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// Opens a pool; connections that cannot be had within two seconds fail the request with a
/// 503 rather than hanging it while the database is down.
pub fn build_pool(database_url: &str, size: u32) -> anyhow::Result<PgPool> {
    Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(2))
        .event_handler(Box::new(pool_metrics::PoolEvents))
        .build(ConnectionManager::new(database_url))
        .with_context(|| format!("opening a connection pool to {}", redact(database_url)))
}

/// The advisory lock every migrating process holds (an arbitrary constant: "agora" in ASCII).
const MIGRATION_LOCK: i64 = 0x0061_676f_7261;

/// Runs the embedded migrations that have not run yet. What older versions did not store
/// (blame, block maps, search documents) is filled by `ops::backfill::run` right after.
///
/// Processes that start together (instances behind a load balancer, `create-admin` beside a
/// starting server) take turns through a session advisory lock: without it both would apply the
/// same migration and one would fail. The lock goes with the connection if the process dies.
pub fn run_migrations(conn: &mut PgConnection) -> anyhow::Result<()> {
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
        .execute(conn)
        .context("waiting for other processes' migrations")?;
    let ran =
        conn.run_pending_migrations(MIGRATIONS).map(|_| ()).map_err(|e| anyhow::anyhow!("running migrations: {e}"));
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<diesel::sql_types::BigInt, _>(MIGRATION_LOCK)
        .execute(conn)
        .context("releasing the migration lock")?;
    ran
}

/// Connects to the server's `postgres` database and creates the target database if absent.
pub fn create_database_if_missing(database_url: &str) -> anyhow::Result<()> {
    let (admin_url, name) = split_database_url(database_url)?;
    let mut conn =
        PgConnection::establish(&admin_url).with_context(|| format!("connecting to {}", redact(&admin_url)))?;
    if !database_exists(&mut conn, &name)? {
        match create_database(&mut conn, &name, None) {
            Ok(()) => tracing::info!(database = %name, "created database"),
            // Another process starting at the same moment created it first.
            Err(_) if database_exists(&mut conn, &name)? => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn database_exists(conn: &mut PgConnection, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(pg_database::table.filter(pg_database::datname.eq(name)))).get_result(conn)
}

/// `CREATE DATABASE name [TEMPLATE template]`. Identifiers cannot be bound as parameters, so
/// both are restricted to a safe alphabet before they are quoted into the statement.
pub fn create_database(conn: &mut PgConnection, name: &str, template: Option<&str>) -> anyhow::Result<()> {
    let mut statement = format!("CREATE DATABASE {}", quote_identifier(name)?);
    if let Some(template) = template {
        statement.push_str(&format!(" TEMPLATE {}", quote_identifier(template)?));
    }
    diesel::sql_query(statement).execute(conn)?;
    Ok(())
}

/// `DROP DATABASE IF EXISTS name WITH (FORCE)`.
pub fn drop_database(conn: &mut PgConnection, name: &str) -> anyhow::Result<()> {
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", quote_identifier(name)?)).execute(conn)?;
    Ok(())
}

fn quote_identifier(name: &str) -> anyhow::Result<String> {
    let safe =
        !name.is_empty() && name.len() <= 63 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    anyhow::ensure!(safe, "database name {name:?} may only hold letters, digits, '_' and '-'");
    Ok(format!("\"{name}\""))
}

/// Splits `postgres://.../name?opts` into (the same URL for database `postgres`, `name`).
pub fn split_database_url(database_url: &str) -> anyhow::Result<(String, String)> {
    let mut url = url::Url::parse(database_url).context("DATABASE_URL is not a URL")?;
    let name = url.path().trim_start_matches('/').to_owned();
    anyhow::ensure!(!name.is_empty(), "DATABASE_URL names no database");
    url.set_path("/postgres");
    Ok((url.to_string(), name))
}

fn redact(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "<unparseable DATABASE_URL>".to_owned(),
    }
}

diesel::table! {
    pg_database (datname) {
        datname -> Text,
    }
}

/// Keyset paging: callers fetch `size + 1` rows; this keeps `size` and, when the extra row
/// proves there is more, returns the cursor of the last row kept.
pub fn keyset_page<T, C>(mut rows: Vec<T>, size: i64, cursor_of: impl Fn(&T) -> C) -> (Vec<T>, Option<C>) {
    let size = usize::try_from(size).unwrap_or(0);
    if rows.len() <= size {
        return (rows, None);
    }
    rows.truncate(size);
    let next = rows.last().map(cursor_of);
    (rows, next)
}

/// Runs `f` with a pooled connection on the blocking thread pool, keeping the tracing span.
///
/// Inside a request that `replicas::reading_from` routed to a replica (a `GET` or `HEAD`, see
/// `auth::read_your_writes`), the connection comes from that replica, so `f` must only read;
/// if the replica cannot give a connection at once, the primary (`pool`) serves it. Code that
/// writes, or must see the primary's latest state, in such a request uses [`with_primary_conn`].
pub async fn with_conn<T, F>(pool: &PgPool, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
{
    run_blocking(pool, replicas::current_replica(), f).await
}

/// [`with_conn`] on the primary, whatever the request's reads were routed to: for writes made
/// while serving a `GET` (marking something read, throttles) and reads that must be current.
pub async fn with_primary_conn<T, F>(pool: &PgPool, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
{
    run_blocking(pool, None, f).await
}

async fn run_blocking<T, F>(
    pool: &PgPool,
    replica: Option<std::sync::Arc<replicas::Replica>>,
    f: F,
) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        span.in_scope(|| {
            let replica_conn = replica.and_then(|r| match r.pool.get() {
                Ok(conn) => Some(conn),
                Err(e) => {
                    r.mark_down(e.to_string());
                    None
                }
            });
            let mut conn = match replica_conn {
                Some(conn) => conn,
                None => pool.get()?,
            };
            f(&mut conn)
        })
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_splits_into_admin_url_and_name() {
        let (admin, name) = split_database_url("postgres://postgres@127.0.0.1:5432/agora?sslmode=disable").unwrap();
        assert_eq!(name, "agora");
        assert_eq!(admin, "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable");
    }

    #[test]
    fn identifiers_outside_the_safe_alphabet_are_refused() {
        assert!(quote_identifier("agora_test-1").is_ok());
        assert!(quote_identifier("x\"; DROP TABLE users; --").is_err());
        assert!(quote_identifier("").is_err());
    }

    #[test]
    fn keyset_page_reports_a_cursor_only_when_more_rows_exist() {
        assert_eq!(keyset_page(vec![1, 2, 3], 2, |n| *n), (vec![1, 2], Some(2)));
        assert_eq!(keyset_page(vec![1, 2], 2, |n| *n), (vec![1, 2], None));
        assert_eq!(keyset_page(Vec::<i32>::new(), 2, |n| *n), (vec![], None));
    }

    #[test]
    fn passwords_are_redacted_from_messages() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    }
}

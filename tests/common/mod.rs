//! The toolkit `tests/api` and `tests/faults` share: databases cloned from one migrated template
//! (`CREATE DATABASE ... TEMPLATE agora_tpl_<hash>`), fixture users, the application started in
//! this process on port 0, and waiting for a condition instead of for a fixed time. Each binary
//! includes it with `#[path = "../common/mod.rs"] mod common;`; every item here is used by both,
//! so neither build warns about dead code.

use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use agora::config::Settings;
use agora::db::{self, PgPool};
use agora::domain::roles::Role;
use agora::startup::Application;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

/// The password every fixture user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// The machine's PostgreSQL server (`DATABASE_URL`'s, by default 127.0.0.1:5432), as the URL of
/// its `postgres` database.
fn server_url() -> String {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/agora".to_owned());
    db::split_database_url(&url).expect("DATABASE_URL").0
}

/// `server_url` (any database on a server) pointed at `database` instead.
fn url_with_database(server_url: &str, database: &str) -> String {
    let mut url = url::Url::parse(server_url).expect("a database URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

/// A connection to the server's `postgres` database, for creating and dropping databases.
/// Direct, not pooled: the pool's two-second connection timeout is right for requests but not
/// for a test's set-up while other test binaries keep the server busy.
pub fn admin_connection() -> PgConnection {
    PgConnection::establish(&server_url()).expect("connect to PostgreSQL (is it running?)")
}

/// The migrated template database `agora_tpl_<hash of migrations/>`, built once per migration
/// set and shared across runs and test binaries.
fn template_database() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let mut hasher = Sha256::new();
        let mut entries: Vec<_> =
            std::fs::read_dir("migrations").expect("migrations/").flatten().map(|e| e.path()).collect();
        entries.sort();
        for dir in entries {
            hasher.update(dir.to_string_lossy().as_bytes());
            for file in ["up.sql", "down.sql"] {
                hasher.update(std::fs::read(dir.join(file)).unwrap_or_default());
            }
        }
        let name = format!("agora_tpl_{}", &hex::encode(hasher.finalize())[..12]);
        let mut admin = admin_connection();
        // Several test processes may start at once: one builds, the others wait for it.
        diesel::sql_query("SELECT pg_advisory_lock(727274)").execute(&mut admin).expect("take the template lock");
        if !database_exists(&mut admin, &name) {
            let building = format!("{name}_building");
            db::drop_database(&mut admin, &building).expect("drop a half-built template");
            db::create_database(&mut admin, &building, None).expect("create the template");
            {
                let mut conn =
                    PgConnection::establish(&url_with_database(&server_url(), &building)).expect("connect to it");
                db::run_migrations(&mut conn).expect("migrate the template");
            }
            diesel::sql_query(format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\""))
                .execute(&mut admin)
                .expect("publish the template");
        }
        diesel::sql_query("SELECT pg_advisory_unlock(727274)").execute(&mut admin).expect("release the template lock");
        name
    })
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS found")
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Found>(conn)
        .map(|f| f.found)
        .unwrap_or(false)
}

/// A migrated database of the test's own on the machine's PostgreSQL, cloned from the template;
/// dropped (with its connections) on `Drop`.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    /// Creates `agora_t_<uuid>` from the template. Blocking.
    pub fn create() -> TestDatabase {
        // The tests' HTTP clients share the app's reqwest, built without a TLS crypto provider.
        agora::ops::linkcheck::fetch::install_tls_provider();
        let template = template_database();
        let name = format!("agora_t_{}", uuid::Uuid::new_v4().simple());
        db::create_database(&mut admin_connection(), &name, Some(template)).expect("create a test database");
        TestDatabase { url: url_with_database(&server_url(), &name), name }
    }

    /// Settings for an in-process app on a random port against this database.
    pub fn settings(&self) -> Settings {
        Settings::for_tests(self.url.clone())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match PgConnection::establish(&server_url()) {
            Ok(mut admin) => {
                if let Err(e) = db::drop_database(&mut admin, &self.name) {
                    eprintln!("could not drop test database {}: {e}", self.name);
                }
            }
            Err(e) => eprintln!("could not drop test database {}: {e}", self.name),
        }
    }
}

/// An argon2 hash of `PASSWORD`, computed once per test process.
pub fn fixture_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| agora::auth::password::hash_password(PASSWORD).expect("hash the fixture password"))
}

/// Inserts a user with `PASSWORD` directly (fixtures skip the sign-up form). Blocking.
pub fn insert_user(conn: &mut PgConnection, username: &str, role: Role) {
    db::users::insert(conn, username, fixture_hash(), role).expect("insert a fixture user");
}

/// Builds the real application on a random port (the settings' port 0), not serving yet.
pub fn build_app(settings: &Settings, pool: PgPool) -> Application {
    Application::build(settings, pool).expect("build the application")
}

/// Serves a built application in this process, on the test's runtime; returns its base URL.
pub fn serve(app: Application) -> String {
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.into_server());
    address
}

/// Runs blocking work (diesel, `pg_ctl`, database creation) off the test's executor.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking task panicked")
}

/// Polls `check` every 50 ms until it holds; false if `within` passed first.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

//! Building and running the HTTP server.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use tokio::sync::Semaphore;
use tracing_actix_web::TracingLogger;

use crate::auth::{csrf, visitor};
use crate::config::Settings;
use crate::db::PgPool;
use crate::db::thread_page::ThreadPageCache;
use crate::routes;

/// What every handler can reach.
pub struct AppState {
    pub pool: PgPool,
    pub cookie_secure: bool,
    /// One argon2 hash per core at a time (see `auth::login`).
    pub hashing: Semaphore,
    /// Thread pages' data, checked against the thread's version on every view.
    pub thread_pages: ThreadPageCache,
    /// Where readers reach the site (see `Settings::public_url`).
    pub public_url: String,
}

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port) and prepares the server.
    pub fn build(settings: &Settings, pool: PgPool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let state = web::Data::new(AppState {
            pool,
            cookie_secure: settings.cookie_secure,
            hashing: Semaphore::new(cores),
            thread_pages: ThreadPageCache::default(),
            public_url: settings.public_url.clone(),
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(routes::form_config())
                .app_data(routes::json_config())
                .app_data(routes::query_config())
                .app_data(routes::path_config())
                .wrap(security_headers())
                .wrap(Compress::default())
                .wrap(from_fn(crate::error::attach_request_id))
                .wrap(TracingLogger::default())
                .configure(routes::configure_unauthenticated)
                .service(
                    web::scope("").wrap(from_fn(csrf::guard)).wrap(from_fn(visitor::load)).configure(routes::configure),
                )
        })
        .listen(listener)?
        .run();
        tracing::info!(%port, "listening on http://{}", settings.bind.replace(":0", &format!(":{port}")));
        Ok(Application { port, server })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM (actix drains in-flight requests on shutdown).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    /// The server future, for tests that spawn it.
    pub fn into_server(self) -> Server {
        self.server
    }
}

/// Headers on every response: no sniffing, no framing, no referrer leaks, scripts only from here.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
}

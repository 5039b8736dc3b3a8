//! Building and running the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use tokio::sync::Semaphore;
use tracing_actix_web::TracingLogger;

use crate::auth::{csrf, privacy, visitor};
use crate::config::{FairnessSettings, LinkCheckSettings, Settings};
use crate::db::PgPool;
use crate::db::thread_page::ThreadPageCache;
use crate::ops::digest::{self, Mailer};
use crate::ops::{fairness_fit, linkcheck};
use crate::routes;
use crate::state::AppState;

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    /// The digest sender to start with the server: only when SMTP is configured.
    digests: Option<DigestSender>,
    /// The link checker to start with the server, unless `AGORA_LINKCHECK=off`.
    linkcheck: Option<(PgPool, LinkCheckSettings)>,
    /// The fair-summary fitter to start with the server, unless `AGORA_FAIR_FIT=off`.
    fairness: Option<(PgPool, FairnessSettings)>,
}

/// What the digest sender runs with.
struct DigestSender {
    pool: PgPool,
    mailer: Arc<Mailer>,
    interval: Duration,
}

impl Application {
    /// Binds `settings.bind` (port 0 picks a free port) and prepares the server.
    pub fn build(settings: &Settings, pool: PgPool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        // reqwest is built without a TLS crypto provider (no C toolchain, no OpenSSL): ring it is.
        linkcheck::fetch::install_tls_provider();
        let linkcheck = settings.linkcheck.enabled.then(|| (pool.clone(), settings.linkcheck.clone()));
        let fairness = settings.fairness.enabled.then(|| (pool.clone(), settings.fairness));
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let digests = Mailer::from_settings(settings)?.map(|mailer| DigestSender {
            pool: pool.clone(),
            mailer: Arc::new(mailer),
            interval: settings.digest_interval,
        });
        let state = web::Data::new(AppState {
            pool,
            cookie_secure: settings.cookie_secure,
            hashing: Semaphore::new(cores),
            thread_pages: ThreadPageCache::default(),
            public_url: settings.public_url.clone(),
            mail_enabled: digests.is_some(),
            attention: settings.attention,
            fairness: settings.fairness,
            bench_reference: settings.bench.reference.then(Default::default),
        });
        // Issue 18, item 6: bench/run's measuring aids, off unless turned on (`BenchSettings`).
        let bench = settings.bench;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(routes::form_config())
                .app_data(routes::json_config())
                .app_data(routes::query_config())
                .app_data(routes::path_config())
                .wrap(Compress::default())
                .wrap(from_fn(crate::error::attach_request_id))
                // Outside every layer that answers on its own (the request-id page of a 500, the
                // CSRF and visitor middleware's refusals), so no response goes out without them.
                .wrap(security_headers())
                .wrap(TracingLogger::default())
                .wrap(Condition::new(bench.server_timing, from_fn(routes::bench::server_timing)))
                // Outermost: a HEAD request is routed, checked and logged as the GET it stands for.
                .wrap(from_fn(routes::head::as_get))
                .configure(routes::configure_unauthenticated)
                .service(
                    web::scope("")
                        .wrap(from_fn(csrf::guard))
                        // Inside `visitor::load`: error pages show the visitor's session.
                        .wrap(from_fn(routes::error_pages::with_visitor))
                        .wrap(from_fn(visitor::load))
                        .wrap(from_fn(privacy::mark_private))
                        .configure(|cfg| {
                            if bench.reference {
                                routes::bench::configure_reference(cfg);
                            }
                        })
                        .configure(routes::configure),
                )
        })
        .listen(listener)?
        .run();
        tracing::info!(%port, "listening on http://{}", settings.bind.replace(":0", &format!(":{port}")));
        Ok(Application { port, server, digests, linkcheck, fairness })
    }

    /// Whether this server sends e-mail digests (SMTP is configured).
    pub fn sends_digests(&self) -> bool {
        self.digests.is_some()
    }

    /// Starts the digest sender, if any, on the current runtime; it ends with the runtime.
    fn start_digests(&mut self) {
        if let Some(d) = self.digests.take() {
            tracing::info!(interval_secs = d.interval.as_secs(), "e-mail digests are on");
            digest::spawn_sender(d.pool, d.mailer, d.interval);
        }
    }

    /// Starts the link checker, if on, on the current runtime; it ends with the runtime.
    fn start_linkcheck(&mut self) {
        if let Some((pool, settings)) = self.linkcheck.take() {
            tracing::info!(tick_secs = settings.tick.as_secs(), "the link checker is on");
            linkcheck::spawn_worker(pool, settings);
        }
    }

    /// Starts the fair-summary fitter, if on, on the current runtime; it ends with the runtime.
    fn start_fairness(&mut self) {
        if let Some((pool, settings)) = self.fairness.take() {
            tracing::info!(tick_secs = settings.tick.as_secs(), "the fair-summary fitter is on");
            fairness_fit::spawn_fitter(pool, settings);
        }
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM (actix drains in-flight requests on shutdown).
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        self.start_digests();
        self.start_linkcheck();
        self.start_fairness();
        self.server.await
    }

    /// The server future, for tests that spawn it (the digest sender, if any, starts now).
    pub fn into_server(mut self) -> Server {
        self.start_digests();
        self.start_linkcheck();
        self.start_fairness();
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

//! Building and running the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web};
use tokio::sync::Semaphore;
use tracing_actix_web::TracingLogger;

use crate::auth::{csrf, privacy, read_your_writes, visitor};
use crate::config::{FairnessSettings, FanoutSettings, LinkCheckSettings, SearchIndexSettings, Settings};
use crate::db::PgPool;
use crate::db::change_listener;
use crate::db::page_cache::PageCache;
use crate::db::replicas::Replicas;
use crate::db::thread_page::ThreadPageCache;
use crate::ops::digest::{self, Mailer};
use crate::ops::{fairness_fit, fanout, linkcheck, search_index};
use crate::routes;
use crate::state::AppState;
use crate::telemetry;

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
    /// `/metrics` on its own address, when `AGORA_METRICS_BIND` is set: its port and server.
    metrics: Option<(u16, Server)>,
    /// The replica monitor to start with the server (a no-op without replicas).
    replicas: (Replicas, PgPool),
    /// Issue 18: the page cache, and the database its change listener connects to when started
    /// (unless `AGORA_PAGE_CACHE=off`).
    pages: Arc<PageCache>,
    listen_url: Option<String>,
    /// The notification fan-out worker to start with the server, unless `AGORA_FANOUT=off`.
    fanout: Option<(PgPool, FanoutSettings)>,
    /// The search indexer to start with the server, unless `AGORA_SEARCH_INDEX=off`.
    search_index: Option<(PgPool, SearchIndexSettings)>,
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
        anyhow::ensure!(
            settings.operator.invalid.is_empty(),
            "AGORA_TRUSTED_PROXIES takes addresses and CIDR ranges, AGORA_FORWARDED_HEADER \
             `x-forwarded-for` or `forwarded`; these are neither: {}",
            settings.operator.invalid.join(", ")
        );
        let metrics = match &settings.operator.metrics_bind {
            Some(bind) => Some(serve_metrics(bind, pool.clone())?),
            None => None,
        };
        let observe = web::Data::new(routes::observe::Observe::new(&settings.operator));
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        // reqwest is built without a TLS crypto provider (no C toolchain, no OpenSSL): ring it is.
        linkcheck::fetch::install_tls_provider();
        let linkcheck = settings.linkcheck.enabled.then(|| (pool.clone(), settings.linkcheck.clone()));
        let fairness = settings.fairness.enabled.then(|| (pool.clone(), settings.fairness));
        let fanout = settings.fanout.enabled.then(|| (pool.clone(), settings.fanout));
        let search_index = settings.search_index.enabled.then(|| (pool.clone(), settings.search_index));
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let digests = Mailer::from_settings(settings)?.map(|mailer| DigestSender {
            pool: pool.clone(),
            mailer: Arc::new(mailer),
            interval: settings.digest_interval,
        });
        let replicas = Replicas::from_settings(&settings.replicas, settings.pool_size)?;
        let monitor = (replicas.clone(), pool.clone());
        let pages = Arc::new(PageCache::new(&settings.page_cache));
        let listen_url = settings.page_cache.enabled.then(|| settings.database_url.clone());
        let state = web::Data::new(AppState {
            replicas,
            pool,
            cookie_secure: settings.cookie_secure,
            hashing: Semaphore::new(cores),
            thread_pages: ThreadPageCache::default(),
            public_url: settings.public_url.clone(),
            mail_enabled: digests.is_some(),
            attention: settings.attention,
            fairness: settings.fairness,
            pages: Arc::clone(&pages),
            tokens: settings.tokens,
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
                // Inside `Compress`, so cached bodies are kept and hashed as the handlers made them.
                .wrap(from_fn(routes::page_cache::serve))
                .wrap(Compress::default())
                .wrap(from_fn(crate::error::attach_request_id))
                // Outside every layer that answers on its own (the request-id page of a 500, the
                // CSRF and visitor middleware's refusals), so no response goes out without them.
                .wrap(security_headers())
                .wrap(TracingLogger::default())
                .wrap(Condition::new(bench.server_timing, from_fn(routes::bench::server_timing)))
                // Outermost: a HEAD request is routed, checked and logged as the GET it stands for.
                .wrap(from_fn(routes::head::as_get))
                // Outside even that: metrics and the access log see every answer as sent.
                .app_data(observe.clone())
                .wrap(from_fn(routes::observe::observe))
                .configure(routes::configure_unauthenticated)
                .service(
                    web::scope("")
                        // Innermost, inside `visitor::load` (the session's last write position).
                        .wrap(from_fn(read_your_writes::route))
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
        Ok(Application {
            port,
            server,
            digests,
            linkcheck,
            fairness,
            metrics,
            replicas: monitor,
            pages,
            listen_url,
            fanout,
            search_index,
        })
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

    /// Starts checking the replicas, if any, on the current runtime; it ends with the runtime.
    fn start_replica_monitor(&self) {
        let (replicas, primary) = &self.replicas;
        if !replicas.is_empty() {
            tracing::info!(replicas = ?replicas.report().iter().map(|r| r.name.clone()).collect::<Vec<_>>(), "reads may go to replicas");
            replicas.spawn_monitor(primary.clone());
        }
    }

    /// Starts the page cache's change listener, if on, on the current runtime.
    fn start_listener(&mut self) {
        if let Some(url) = self.listen_url.take() {
            change_listener::spawn(url, Arc::clone(&self.pages), *self.pages.settings());
        }
    }

    /// The in-process page cache (tests look at its size and its listener).
    pub fn page_cache(&self) -> Arc<PageCache> {
        Arc::clone(&self.pages)
    }

    /// Starts the notification fan-out worker, if on, on the current runtime; it ends with the
    /// runtime.
    fn start_fanout(&mut self) {
        if let Some((pool, settings)) = self.fanout.take() {
            tracing::info!(tick_ms = settings.tick.as_millis(), batch = settings.batch, "the fan-out worker is on");
            fanout::spawn_worker(pool, settings);
        }
    }

    /// Starts the search indexer, if on, on the current runtime; it ends with the runtime.
    fn start_search_index(&mut self) {
        if let Some((pool, settings)) = self.search_index.take() {
            tracing::info!(tick_ms = settings.tick.as_millis(), "the search indexer is on");
            search_index::spawn_worker(pool, settings);
        }
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port `/metrics` is served on, when `AGORA_METRICS_BIND` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Starts the metrics server, if any, on the current runtime; it ends with the runtime.
    fn start_metrics(&mut self) {
        if let Some((_, server)) = self.metrics.take() {
            tokio::spawn(server);
        }
    }

    /// Serves until SIGINT/SIGTERM (actix drains in-flight requests on shutdown).
    pub async fn run_until_stopped(mut self) -> std::io::Result<()> {
        self.start_digests();
        self.start_linkcheck();
        self.start_fairness();
        self.start_metrics();
        self.start_replica_monitor();
        self.start_listener();
        self.start_fanout();
        self.start_search_index();
        self.server.await
    }

    /// The server future, for tests that spawn it (the digest sender, if any, starts now).
    pub fn into_server(mut self) -> Server {
        self.start_digests();
        self.start_linkcheck();
        self.start_fairness();
        self.start_metrics();
        self.start_replica_monitor();
        self.start_listener();
        self.start_fanout();
        self.start_search_index();
        self.server
    }
}

/// Binds `/metrics` (port 0 picks a free port); the pool's gauges are read at each scrape.
fn serve_metrics(bind: &str, pool: PgPool) -> anyhow::Result<(u16, Server)> {
    let listener = TcpListener::bind(bind)?;
    let port = listener.local_addr()?.port();
    let server = telemetry::metrics::serve(listener, move || crate::db::pool_metrics::record_gauges(&pool))?;
    tracing::info!(%port, "metrics on http://{}/metrics", bind.replace(":0", &format!(":{port}")));
    Ok((port, server))
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

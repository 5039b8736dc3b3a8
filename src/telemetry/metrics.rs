//! `/metrics` in the Prometheus text format (issue 18, item 10), on a bind address of its own
//! (`AGORA_METRICS_BIND`) so that it is never reachable through the site's load balancer.
//!
//! Code everywhere records through the `metrics` facade (`metrics::counter!(..)`); this module
//! installs the one recorder of the process, which keeps the values, and serves its rendering.
//! Without `AGORA_METRICS_BIND` no recorder is installed and the facade's calls do nothing.
//!
//! The names (all prefixed `agora_`):
//! - `http_requests_total{route,method,status}` and `http_request_duration_seconds{route,method,status}`
//!   (a histogram): per route pattern (`/threads/{slug}`, never the raw path; `unmatched` for
//!   paths no route matches) and status class (`2xx` .. `5xx`);
//! - `db_pool_connections`, `db_pool_idle`, `db_pool_in_use`, `db_pool_max` (gauges, read at
//!   scrape time), `db_pool_wait_seconds` (histogram of the wait for a pooled connection) and
//!   `db_pool_timeouts_total`;
//! - `jobs_runs_total{job}` and `jobs_failures_total{job}` for the background workers;
//! - `login_refusals_total{reason}`;
//! - `page_cache_hits_total`, `page_cache_misses_total`, `page_cache_invalidations_total`,
//!   `page_cache_bytes`, recorded by the page cache.

use std::net::TcpListener;
use std::sync::{Arc, OnceLock};

use actix_web::dev::Server;
use actix_web::{App, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Histogram buckets, in seconds: a millisecond to ten seconds.
const BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder once (tests build many applications in one process) and
/// returns the handle that renders it.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = || PrometheusBuilder::new().set_buckets(&BUCKETS).expect("the buckets are not empty");
        let handle = match builder().install_recorder() {
            Ok(handle) => handle,
            Err(e) => {
                // Another recorder is in place: serve an empty rendering rather than fail to start.
                tracing::warn!(error = %e, "a metrics recorder was already installed; /metrics will be empty");
                builder().build_recorder().handle()
            }
        };
        describe();
        handle
    })
}

/// The help texts of the metrics recorded here and by the request middleware.
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!("agora_http_requests_total", "Requests answered, by route pattern, method and status class");
    describe_histogram!(
        "agora_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer a request, by route pattern, method and status class"
    );
    describe_gauge!("agora_db_pool_connections", "Connections the database pool holds");
    describe_gauge!("agora_db_pool_idle", "Pooled connections not in use");
    describe_gauge!("agora_db_pool_in_use", "Pooled connections in use");
    describe_gauge!("agora_db_pool_max", "The most connections the pool opens");
    describe_histogram!("agora_db_pool_wait_seconds", Unit::Seconds, "Time waited for a pooled connection");
    describe_counter!("agora_db_pool_timeouts_total", "Waits for a pooled connection that timed out");
    describe_counter!("agora_jobs_runs_total", "Rounds of a background job");
    describe_counter!("agora_jobs_failures_total", "Rounds of a background job that failed");
    describe_counter!("agora_login_refusals_total", "Refused logins, by reason");
}

/// A bound metrics server: `GET /metrics` renders the recorder after `refresh` has set the
/// gauges that are read rather than counted (the pool's state).
pub fn serve(listener: TcpListener, refresh: impl Fn() + Send + Sync + 'static) -> std::io::Result<Server> {
    let handle = install();
    let refresh: Arc<dyn Fn() + Send + Sync> = Arc::new(refresh);
    let server = HttpServer::new(move || {
        let refresh = refresh.clone();
        App::new().route(
            "/metrics",
            web::get().to(move || {
                let refresh = refresh.clone();
                async move {
                    refresh();
                    handle.run_upkeep();
                    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(handle.render())
                }
            }),
        )
    })
    .workers(1)
    .listen(listener)?
    .run();
    Ok(server)
}

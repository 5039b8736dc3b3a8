//! Tests: `/metrics` on its own bind address (issue 18, item 10): request counts and latency
//! per route pattern (never a raw path) and status class, the pool, the background jobs, login
//! refusals, and names other parts record through the facade; the site's own address never
//! serves it.
//!
//! The recorder is one per process and the tests of this binary run in parallel, so counts are
//! checked as "at least" and series are told apart by labels this test alone produces.

use std::collections::BTreeMap;
use std::time::Duration;

use agora::config::Settings;
use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::common::eventually;
use crate::helpers::{TestApp, spawn_app_inspecting};

/// One sample of the text format: `name{label="value",...} value`.
#[derive(Debug, Clone, PartialEq)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses the Prometheus text format (comments skipped); panics on a line that is not a sample,
/// so a malformed rendering fails the test.
fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value in {line:?}"));
            let value: f64 = value.parse().unwrap_or_else(|_| panic!("bad value in {line:?}"));
            let (name, labels) = match series.split_once('{') {
                None => (series.to_owned(), BTreeMap::new()),
                Some((name, rest)) => {
                    let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels in {line:?}"));
                    (name.to_owned(), parse_labels(body, line))
                }
            };
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
                "bad metric name in {line:?}"
            );
            Sample { name, labels, value }
        })
        .collect()
}

/// `a="x",b="y\"z"` into a map (values unescaped).
fn parse_labels(body: &str, line: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut rest = body;
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("bad label in {line:?}"));
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next() {
                Some((_, '\\')) => value.push(chars.next().map(|(_, c)| if c == 'n' { '\n' } else { c }).unwrap()),
                Some((i, '"')) => break i,
                Some((_, c)) => value.push(c),
                None => panic!("unclosed label value in {line:?}"),
            }
        };
        labels.insert(key.to_owned(), value);
        rest = after[end + 1..].trim_start_matches(',');
    }
    labels
}

/// The app with `/metrics` on a port of its own.
struct MeteredApp {
    app: TestApp,
    metrics_url: String,
}

/// Starts the app with metrics on (port 0), and `adjust` applied to its settings.
async fn spawn_metered_app(adjust: impl FnOnce(&mut Settings)) -> MeteredApp {
    let with_metrics = |settings: &mut Settings| {
        settings.operator.metrics_bind = Some("127.0.0.1:0".to_owned());
        adjust(settings);
    };
    let (app, (port, metrics_port)) =
        spawn_app_inspecting(with_metrics, |built| (built.port(), built.metrics_port().expect("metrics are on"))).await;
    assert_ne!(metrics_port, port, "metrics have an address of their own");
    MeteredApp { app, metrics_url: format!("http://127.0.0.1:{metrics_port}/metrics") }
}

impl MeteredApp {
    async fn scrape(&self) -> Vec<Sample> {
        let res = reqwest::get(&self.metrics_url).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
        parse(&res.text().await.unwrap())
    }
}

/// The samples named `name` whose labels include every pair of `labels`.
fn find<'a>(samples: &'a [Sample], name: &str, labels: &[(&str, &str)]) -> Vec<&'a Sample> {
    samples
        .iter()
        .filter(|s| s.name == name && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
        .collect()
}

#[tokio::test]
async fn requests_are_counted_and_timed_per_route_pattern_and_status_class() {
    let metered = spawn_metered_app(|_| {}).await;
    let app = &metered.app;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Metrics count patterns zq7").await;
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/threads/{slug}")).await.status(), StatusCode::OK);
    }
    assert_eq!(app.get("/no/such/page-zq7").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.head(&format!("/threads/{slug}")).await.status(), StatusCode::OK);

    let samples = metered.scrape().await;
    let views = find(&samples, "agora_http_requests_total", &[("route", "/threads/{slug}"), ("method", "GET")]);
    let ok: f64 = views.iter().filter(|s| s.labels["status"] == "2xx").map(|s| s.value).sum();
    assert!(ok >= 3.0, "three thread views at least: {views:?}");
    assert!(
        !find(&samples, "agora_http_requests_total", &[("route", "/threads/{slug}"), ("method", "HEAD")]).is_empty(),
        "a HEAD is counted as a HEAD"
    );
    let unmatched = find(&samples, "agora_http_requests_total", &[("route", "unmatched"), ("status", "4xx")]);
    assert!(unmatched.iter().map(|s| s.value).sum::<f64>() >= 1.0, "the unknown path counts as unmatched");
    // The raw path appears in no label: the cardinality stays that of the route table.
    for sample in &samples {
        for value in sample.labels.values() {
            assert!(!value.contains("zq7"), "a raw path leaked into a label: {sample:?}");
        }
    }
    let route_values: Vec<&str> =
        find(&samples, "agora_http_requests_total", &[]).iter().map(|s| s.labels["route"].as_str()).collect();
    assert!(
        route_values.iter().all(|r| *r == "unmatched" || r.starts_with('/')),
        "every route label is a pattern or `unmatched`: {route_values:?}"
    );
    for sample in find(&samples, "agora_http_requests_total", &[]) {
        let class = sample.labels["status"].as_str();
        assert!(["1xx", "2xx", "3xx", "4xx", "5xx"].contains(&class), "status is a class: {sample:?}");
    }

    // The latency histogram: buckets per pattern, ending in +Inf, with a count to match.
    let buckets = find(
        &samples,
        "agora_http_request_duration_seconds_bucket",
        &[("route", "/threads/{slug}"), ("method", "GET"), ("status", "2xx")],
    );
    assert!(buckets.len() > 5, "buckets for the thread page: {buckets:?}");
    let infinite = buckets.iter().find(|s| s.labels["le"] == "+Inf").expect("a +Inf bucket");
    let count = find(
        &samples,
        "agora_http_request_duration_seconds_count",
        &[("route", "/threads/{slug}"), ("method", "GET"), ("status", "2xx")],
    );
    assert_eq!(count.len(), 1);
    assert_eq!(infinite.value, count[0].value, "+Inf holds every observation");
    assert!(count[0].value >= 3.0);
}

#[tokio::test]
async fn the_pool_jobs_and_login_refusals_are_reported() {
    let metered = spawn_metered_app(|s| {
        // The fitter's rounds are the background job this test watches: often, so it is seen.
        s.fairness.enabled = true;
        s.fairness.tick = Duration::from_millis(20);
    })
    .await;
    let app = &metered.app;
    app.user("bob", Role::Reader).await;
    assert_eq!(app.login("bob", "not bob's password").await.status(), StatusCode::UNAUTHORIZED);

    let fitted = eventually(Duration::from_secs(20), || async {
        let samples = metered.scrape().await;
        !find(&samples, "agora_jobs_runs_total", &[("job", "fairness_fit")]).is_empty()
    })
    .await;
    let samples = metered.scrape().await;
    assert!(fitted, "the fitter's rounds are counted");
    assert_eq!(
        find(&samples, "agora_jobs_failures_total", &[("job", "fairness_fit")]).len(),
        1,
        "failures are reported beside runs"
    );

    let refusals = find(&samples, "agora_login_refusals_total", &[("reason", "bad_credentials")]);
    assert!(refusals.iter().map(|s| s.value).sum::<f64>() >= 1.0, "{refusals:?}");

    for gauge in ["agora_db_pool_connections", "agora_db_pool_idle", "agora_db_pool_in_use", "agora_db_pool_max"] {
        assert_eq!(find(&samples, gauge, &[]).len(), 1, "{gauge} is reported");
    }
    let open = find(&samples, "agora_db_pool_connections", &[])[0].value;
    let idle = find(&samples, "agora_db_pool_idle", &[])[0].value;
    let in_use = find(&samples, "agora_db_pool_in_use", &[])[0].value;
    assert!(open >= 1.0, "the pool keeps a connection open");
    // Each scrape sets the gauges together from one reading of the pool (another test's scrape
    // may set them from its own pool in between, so the relation is checked, not the numbers).
    assert!(in_use >= 0.0 && idle >= 0.0 && in_use + idle == open, "in use {in_use}, idle {idle}, open {open}");
    let waits = find(&samples, "agora_db_pool_wait_seconds_count", &[]);
    assert!(waits.first().is_some_and(|s| s.value >= 1.0), "checkouts are timed: {waits:?}");
}

#[tokio::test]
async fn names_recorded_through_the_facade_elsewhere_are_rendered() {
    let metered = spawn_metered_app(|_| {}).await;
    // What the page cache records (another part of the app), recorded here the same way.
    metrics::counter!("agora_page_cache_hits_total").increment(2);
    metrics::counter!("agora_page_cache_misses_total").increment(1);
    metrics::counter!("agora_page_cache_invalidations_total").increment(1);
    metrics::gauge!("agora_page_cache_bytes").set(4096.0);
    metrics::counter!("agora_jobs_runs_total", "job" => "facade_probe").increment(1);
    let samples = metered.scrape().await;
    for name in [
        "agora_page_cache_hits_total",
        "agora_page_cache_misses_total",
        "agora_page_cache_invalidations_total",
        "agora_page_cache_bytes",
    ] {
        assert!(!find(&samples, name, &[]).is_empty(), "{name} is rendered");
    }
    assert_eq!(find(&samples, "agora_jobs_runs_total", &[("job", "facade_probe")])[0].value, 1.0);
}

#[tokio::test]
async fn the_site_address_does_not_serve_metrics() {
    let metered = spawn_metered_app(|_| {}).await;
    let res = metered.app.get("/metrics").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!res.text().await.unwrap().contains("agora_http_requests_total"));
    // ...while the metrics address does, and serves nothing else.
    assert!(!metered.scrape().await.is_empty());
    let other = reqwest::get(metered.metrics_url.replace("/metrics", "/healthz")).await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_are_off_by_default() {
    let (_app, (bind, port)) = spawn_app_inspecting(|_| {}, |built| (built.metrics_port(), built.port())).await;
    assert_eq!(bind, None, "no metrics address unless AGORA_METRICS_BIND is set (site port {port})");
}

#[test]
fn the_parser_reads_labels_with_escapes() {
    let samples = parse("# HELP x y\nx_total{a=\"1\",b=\"q\\\"r\"} 3\ny 0.5\n");
    assert_eq!(samples.len(), 2);
    assert_eq!(samples[0].labels["b"], "q\"r");
    assert_eq!(samples[1], Sample { name: "y".into(), labels: BTreeMap::new(), value: 0.5 });
}

//! The binary's logs as an operator's log shipper reads them (issue 18, item 11): one JSON
//! object per line with `AGORA_LOG_FORMAT=json`, no colour codes when the output is a file, and
//! one access-log line per request (request id, method, route pattern, status, duration, client)
//! unless `AGORA_ACCESS_LOG=off`.
//!
//! The access line is written before the response is sent, so once a client has its answer
//! the line is in the log: nothing here waits for time to pass.

use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{TestDatabase, blocking};
use crate::helpers::{http_client, init_logging};
use crate::server_process::ServerProcess;

/// `GET base/path` with `headers`; the status.
async fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = http_client().get(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("an answer").status()
}

/// The access lines among JSON log lines.
fn access_lines(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l["message"] == "access").collect()
}

#[tokio::test]
async fn json_logs_are_one_object_per_line_with_an_access_line_per_request() {
    init_logging();
    let database = blocking(TestDatabase::create).await;
    let server = ServerProcess::start_with_env(
        &database.url,
        &[
            ("AGORA_LOG_FORMAT", Some("json")),
            ("AGORA_TRUSTED_PROXIES", Some("127.0.0.1/32")),
            // Even where colour would be allowed, JSON has none.
            ("NO_COLOR", None),
        ],
    )
    .await;
    assert_eq!(get(&server.base, "/healthz", &[]).await, StatusCode::OK);
    assert_eq!(get(&server.base, "/threads/no-such-thread-q4", &[]).await, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&server.base, "/nowhere/q4", &[("X-Forwarded-For", "6.6.6.6, 203.0.113.5")]).await,
        StatusCode::NOT_FOUND
    );

    let log = server.log();
    assert!(!log.contains('\u{1b}'), "no escape codes in JSON logs");
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l:?}")))
        .collect();
    assert!(lines.iter().all(|l| l["timestamp"].is_string() && l["level"].is_string()), "{lines:?}");
    assert!(lines.iter().any(|l| l["message"].as_str().is_some_and(|m| m.starts_with("listening on"))));

    let access = access_lines(&lines);
    let find = |route: &str, status: u64| {
        access
            .iter()
            .find(|l| l["route"] == route && l["status"] == status)
            .unwrap_or_else(|| panic!("no access line for {route} {status}: {access:?}"))
    };
    let health = find("/healthz", 200);
    assert_eq!(health["method"], "GET");
    assert_eq!(health["client"], "127.0.0.1", "a trusted peer without forwarding headers is the client");
    assert!(health["duration_ms"].as_f64().is_some_and(|d| d >= 0.0), "{health}");
    let id = health["request_id"].as_str().expect("a request id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "the request id is the one error pages show: {id}");
    let thread = find("/threads/{slug}", 404);
    assert_ne!(thread["request_id"], health["request_id"], "each request has its own id");
    let unmatched = find("unmatched", 404);
    assert_eq!(unmatched["client"], "203.0.113.5", "the trusted proxy's forwarded client, not the spoofed hop");
    // The pattern is logged, never the raw path (a private feed's path holds its token).
    assert!(access.iter().all(|l| !l.to_string().contains("q4")), "{access:?}");
}

#[tokio::test]
async fn text_logs_written_to_a_file_carry_no_colour_codes() {
    init_logging();
    let database = blocking(TestDatabase::create).await;
    // NO_COLOR is removed: only the output not being a terminal keeps the colour off.
    let server = ServerProcess::start_with_env(&database.url, &[("NO_COLOR", None), ("AGORA_LOG_FORMAT", None)]).await;
    assert_eq!(get(&server.base, "/healthz", &[]).await, StatusCode::OK);
    let log = server.log();
    assert!(!log.contains('\u{1b}'), "escape codes in a log file:\n{log}");
    let access: Vec<&str> = log.lines().filter(|l| l.contains("access") && l.contains("route=/healthz")).collect();
    // The start-up polls of /healthz were logged too.
    assert!(!access.is_empty(), "an access line per request:\n{log}");
    assert!(access[0].contains("status=200") && access[0].contains("request_id="), "{}", access[0]);
    assert!(serde_json::from_str::<Value>(access[0]).is_err(), "text, not JSON");
}

#[tokio::test]
async fn the_access_log_can_be_turned_off() {
    init_logging();
    let database = blocking(TestDatabase::create).await;
    let server = ServerProcess::start_with_env(
        &database.url,
        &[("AGORA_LOG_FORMAT", Some("json")), ("AGORA_ACCESS_LOG", Some("off"))],
    )
    .await;
    for _ in 0..3 {
        assert_eq!(get(&server.base, "/healthz", &[]).await, StatusCode::OK);
    }
    let log = server.log();
    let lines: Vec<Value> =
        log.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!lines.is_empty(), "the server still logs");
    assert!(access_lines(&lines).is_empty(), "no access lines: {lines:?}");
}

//! Read routing (issue 18, item 7) without a standby: the app is given the primary itself as its
//! "replica", through a URL whose sessions are read-only (`default_transaction_read_only`), so
//! every `GET` whose handler writes fails with a 500 instead of passing silently. Every GET route
//! of the route table is visited as an admin, as a first-time signed-in reader and anonymously;
//! the writes a `GET` must make (a first visit recorded as read) land on the primary.
//! The real streaming replica is in `tests/faults/replicas.rs`.

use std::time::Duration;

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::common::eventually;
use crate::headers::{concrete, fixture, get_patterns};
use crate::helpers::{TestApp, spawn_app_with};

/// The test database's URL with every session read-only.
fn read_only(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20default_transaction_read_only%3Don")
}

/// An app whose `GET` reads go to a read-only connection to its own database, once the replica
/// monitor has found it answering.
async fn app_with_read_only_replica() -> TestApp {
    let app = spawn_app_with(|s| {
        s.replicas.urls = vec![read_only(&s.database_url)];
        s.replicas.check_interval = Duration::from_millis(100);
    })
    .await;
    let up = eventually(Duration::from_secs(10), || async {
        let health = app.get_json("/healthz", StatusCode::OK).await;
        health["replicas"][0]["status"] == "up"
    })
    .await;
    assert!(up, "the replica is reported up: {}", app.get_json("/healthz", StatusCode::OK).await);
    app
}

#[tokio::test]
async fn get_reads_really_go_to_the_read_only_replica() {
    let app = app_with_read_only_replica().await;
    // A statement that writes fails on the replica's read-only sessions: `with_conn` in a GET
    // request runs there. The canary is a GET route that only reads; a failed read would be 500.
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    let health = app.get_json("/healthz", StatusCode::OK).await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["replicas"].as_array().map(Vec::len), Some(1), "{health}");
    assert!(!health["replicas"][0]["name"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn no_get_route_writes_through_the_replica() {
    let app = app_with_read_only_replica().await;
    let f = fixture(&app).await;
    let reader = app.browser_as("rita", Role::Reader).await;
    let anonymous = app.another_browser();
    let mut checked = 0;
    let mut failed = Vec::new();
    for pattern in get_patterns() {
        let path = concrete(&pattern, &f);
        for (who, browser) in [("admin", &app), ("first-time reader", &reader), ("anonymous", &anonymous)] {
            let res = browser.get(&path).await;
            if res.status().is_server_error() {
                failed.push(format!("GET {path} as {who}: {}", res.status()));
            }
            checked += 1;
        }
    }
    assert!(checked > 120, "only {checked} requests made");
    assert!(failed.is_empty(), "GET routes that failed with reads on a read-only replica:\n{}", failed.join("\n"));
    // The first-time reader's first visit to the thread was recorded (on the primary).
    let recorded = app
        .query(|c| {
            use diesel::prelude::*;
            diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
                "(SELECT count(*) FROM thread_reads r JOIN users u ON u.id = r.user_id WHERE u.username = 'rita')",
            ))
            .get_result::<i64>(c)
            .unwrap()
        })
        .await;
    assert!(recorded >= 1, "rita's first visit to the thread is recorded as read");
}

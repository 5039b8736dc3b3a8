//! Read replicas (issue 18, item 8) with a real streaming standby: a throwaway primary and a
//! standby made from it with `pg_basebackup -R`, the app reading from the standby
//! (`AGORA_REPLICA_URLS`). Checked: a writer reads their own save while the standby's replay is
//! paused, with a session and with an API token (and another reader, served by the standby,
//! does not see it yet); page views are
//! counted on the standby itself; killing the standby makes reads fall back to the primary
//! without a 5xx, and `/healthz` reports it down while answering 200.

use std::sync::Arc;
use std::time::Duration;

use agora::config::Settings;
use agora::domain::roles::Role;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{PASSWORD, blocking, build_app, eventually, serve};
use crate::helpers::{ApiClient, SaveReply, http_client, init_logging, insert_user_at};
use crate::postgres::Postgres;

/// Whether this machine has the programs a standby needs; the test says so and skips if not.
fn replication_tools_installed() -> bool {
    std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|versions| {
        versions.flatten().any(|v| {
            let bin = v.path().join("bin");
            ["initdb", "pg_ctl", "pg_basebackup"].iter().all(|p| bin.join(p).exists())
        })
    })
}

#[derive(QueryableByName)]
struct Number {
    #[diesel(sql_type = BigInt)]
    value: i64,
}

/// Runs `query` (one `bigint` column named `value`) on `url`. Blocking.
fn number(url: &str, query: &str) -> i64 {
    let mut conn = PgConnection::establish(url).unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    diesel::sql_query(query).get_result::<Number>(&mut conn).expect(query).value
}

/// Runs a statement on `url`. Blocking.
fn execute(url: &str, statement: &str) {
    let mut conn = PgConnection::establish(url).unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    diesel::sql_query(statement).execute(&mut conn).expect(statement);
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    value: bool,
}

/// Whether the standby at `standby_url` has replayed everything the primary at `primary_url` has
/// written so far. Blocking.
fn caught_up(primary_url: &str, standby_url: &str) -> bool {
    #[derive(QueryableByName)]
    struct Lsn {
        #[diesel(sql_type = Text)]
        lsn: String,
    }
    let mut primary = PgConnection::establish(primary_url).expect("connect to the primary");
    let lsn =
        diesel::sql_query("SELECT pg_current_wal_lsn()::text AS lsn").get_result::<Lsn>(&mut primary).unwrap().lsn;
    let mut standby = PgConnection::establish(standby_url).expect("connect to the standby");
    diesel::sql_query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS value")
        .bind::<Text, _>(lsn)
        .get_result::<Flag>(&mut standby)
        .unwrap()
        .value
}

/// Index and sequential scans of the `threads` table as the server at `url` counts them: on a
/// standby, only the reads it served itself. Nothing but page reads touches `threads` there (the
/// replica monitor asks for WAL positions only).
const THREAD_SCANS: &str = "SELECT (coalesce(sum(idx_scan), 0) + coalesce(sum(seq_scan), 0))::bigint AS value FROM pg_stat_user_tables WHERE relname = 'threads'";

async fn json(client: &ApiClient, path: &str) -> (StatusCode, Value) {
    let res = client.get(path).await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn synthesis_text(client: &ApiClient, slug: &str) -> String {
    let res = client.get(&format!("/threads/{slug}")).await.expect("a response to the thread page");
    assert_eq!(res.status(), StatusCode::OK, "GET /threads/{slug}");
    res.text().await.expect("the thread page")
}

async fn health(base: &str) -> (StatusCode, Value) {
    let res = http_client().get(format!("{base}/healthz")).send().await.expect("an answer from /healthz");
    let status = res.status();
    (status, res.json().await.expect("/healthz answers JSON"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_a_streaming_replica_a_writer_reads_their_own_save_and_a_dead_replica_is_skipped() {
    if !replication_tools_installed() {
        eprintln!("SKIPPED: initdb, pg_ctl or pg_basebackup is not installed under /usr/lib/postgresql/*/bin");
        return;
    }
    init_logging();
    let started = std::time::Instant::now();
    let primary = Arc::new(blocking(Postgres::start).await);
    let primary_url = primary.url("agora_faults");
    let mut settings = Settings::for_tests(primary_url.clone());
    let pool = blocking({
        let settings = settings.clone();
        move || agora::db::connect_and_migrate(&settings)
    })
    .await
    .expect("migrate the throwaway database");
    insert_user_at(&primary_url, "writer", Role::Curator).await;
    insert_user_at(&primary_url, "other", Role::Reader).await;
    let standby = Arc::new(
        blocking({
            let primary = primary.clone();
            move || primary.start_standby()
        })
        .await,
    );
    let standby_url = standby.url("agora_faults");
    eprintln!("{:.1?}: standby started", started.elapsed());

    settings.replicas.urls = vec![standby_url.clone()];
    settings.replicas.check_interval = Duration::from_millis(100);
    // Generous: the replica stays in use while its replay is paused below, so what keeps the
    // writer's reads on the primary is their own write position, not the lag bound.
    settings.replicas.max_lag = Duration::from_secs(120);
    let base = serve(build_app(&settings, pool));
    let up =
        eventually(Duration::from_secs(20), || async { health(&base).await.1["replicas"][0]["status"] == "up" }).await;
    assert!(up, "the standby is reported up: {}", health(&base).await.1);
    eprintln!("{:.1?}: replica up", started.elapsed());

    let writer = ApiClient::log_in(&base, "writer", PASSWORD).await;
    let other = ApiClient::log_in(&base, "other", PASSWORD).await;
    let slug = writer.create_thread("Is the replica current").await;
    match writer.save(&slug, 0, "First text of the synthesis.").await {
        SaveReply::Saved { seq: 1 } => {}
        other => panic!("the first save: {other:?}"),
    }
    let (p, s) = (primary_url.clone(), standby_url.clone());
    let replayed = eventually(Duration::from_secs(20), || {
        let (p, s) = (p.clone(), s.clone());
        async move { blocking(move || caught_up(&p, &s)).await }
    })
    .await;
    assert!(replayed, "the standby replays the first save");
    eprintln!("{:.1?}: first save replayed", started.elapsed());

    // (b) Page views of another reader are served by the standby: it counts them itself.
    // First a view that opens the app's first standby connection (its pool starts empty, and a
    // connection that takes over 0.5 s on a loaded machine sends that read to the primary, as
    // designed), counted before the measured views start.
    let scans = || {
        let s = standby_url.clone();
        async move { blocking(move || number(&s, THREAD_SCANS)).await }
    };
    let initial = scans().await;
    let warmed = eventually(Duration::from_secs(30), || async {
        assert_eq!(json(&other, &format!("/api/v1/threads/{slug}")).await.0, StatusCode::OK);
        eventually(Duration::from_secs(12), || async { scans().await > initial }).await
    })
    .await;
    assert!(warmed, "a view of another reader reaches the standby");
    let before = blocking({
        let s = standby_url.clone();
        move || number(&s, THREAD_SCANS)
    })
    .await;
    const VIEWS: i64 = 20;
    for _ in 0..VIEWS {
        let (status, thread) = json(&other, &format!("/api/v1/threads/{slug}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(thread["head_seq"], 1);
    }
    // Statistics reach the shared counters when a backend goes idle (at most every second, or
    // after PostgreSQL's 10 s idle flush): wait for them, generously.
    let counted = Arc::new(std::sync::atomic::AtomicI64::new(0));
    let served = eventually(Duration::from_secs(30), || {
        let (s, counted) = (standby_url.clone(), counted.clone());
        async move {
            let scans = blocking(move || number(&s, THREAD_SCANS)).await - before;
            counted.store(scans, std::sync::atomic::Ordering::Relaxed);
            scans >= VIEWS
        }
    })
    .await;
    let counted = counted.load(std::sync::atomic::Ordering::Relaxed);
    assert!(served, "{VIEWS} page views of `threads` were served by the standby; it counted {counted} scans");
    eprintln!("{:.1?}: views counted", started.elapsed());

    // (a) Read your writes while the standby replays nothing.
    blocking({
        let s = standby_url.clone();
        move || execute(&s, "SELECT pg_wal_replay_pause()")
    })
    .await;
    let paused = eventually(Duration::from_secs(10), || {
        let s = standby_url.clone();
        async move {
            blocking(move || {
                let mut c = PgConnection::establish(&s).unwrap();
                diesel::sql_query("SELECT pg_get_wal_replay_pause_state() = 'paused' AS value")
                    .get_result::<Flag>(&mut c)
                    .unwrap()
                    .value
            })
            .await
        }
    })
    .await;
    assert!(paused, "the standby's replay is paused");
    eprintln!("{:.1?}: paused", started.elapsed());
    match writer.save(&slug, 1, "Second text, saved while the replica is paused.").await {
        SaveReply::Saved { seq: 2 } => {}
        other => panic!("the second save: {other:?}"),
    }
    let page = synthesis_text(&writer, &slug).await;
    assert!(page.contains("Second text, saved while the replica is paused."), "the writer's page shows their save");
    assert_eq!(json(&writer, &format!("/api/v1/threads/{slug}")).await.1["head_seq"], 2, "the writer's API read");
    // The other reader is still served by the paused standby: the save is not there yet, which
    // is what shows the writer's reads were sent to the primary on purpose.
    let stale = synthesis_text(&other, &slug).await;
    assert!(stale.contains("First text of the synthesis."), "another reader is served by the paused standby");
    assert!(!stale.contains("Second text"), "the paused standby has not replayed the save");
    // A client with an API token (no session) reads its own write too: the position is kept
    // on the token.
    let res = writer.post_json("/api/v1/account/tokens", &json!({ "name": "replica test", "scope": "write" })).await;
    let res = res.expect("an answer to creating a token");
    assert_eq!(res.status(), StatusCode::CREATED, "create a write token");
    let token = res.json::<Value>().await.unwrap()["token"].as_str().expect("the token, shown once").to_owned();
    let bearer = http_client();
    let saved = bearer
        .post(format!("{base}/api/v1/threads/{slug}/synthesis"))
        .bearer_auth(&token)
        .json(&json!({ "base_seq": 2, "body": "Third text, saved with a token while paused.", "summary": "token" }))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::CREATED, "the token's save");
    let read = bearer.get(format!("{base}/api/v1/threads/{slug}")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(read.json::<Value>().await.unwrap()["head_seq"], 3, "the token client reads its own save");
    assert_eq!(json(&other, &format!("/api/v1/threads/{slug}")).await.1["head_seq"], 1, "the standby still lags");
    let health_paused = health(&base).await;
    assert_eq!(health_paused.0, StatusCode::OK);
    blocking({
        let s = standby_url.clone();
        move || execute(&s, "SELECT pg_wal_replay_resume()")
    })
    .await;
    let other_sees = eventually(Duration::from_secs(20), || {
        let (other, slug) = (other.clone(), slug.clone());
        async move { json(&other, &format!("/api/v1/threads/{slug}")).await.1["head_seq"] == 3 }
    })
    .await;
    assert!(other_sees, "once replay resumes, the other reader sees the save");
    eprintln!("{:.1?}: resumed", started.elapsed());

    // (c) The standby dies: reads fall back to the primary, never a 5xx.
    blocking({
        let standby = standby.clone();
        move || standby.crash()
    })
    .await;
    let anonymous = ApiClient { session_cookie: String::new(), ..other.clone() };
    let mut answers = Vec::new();
    for round in 0..10 {
        for (who, client) in [("writer", &writer), ("other", &other), ("anonymous", &anonymous)] {
            for path in [format!("/threads/{slug}"), format!("/api/v1/threads/{slug}"), "/".to_owned()] {
                let res = client.get(&path).await.unwrap_or_else(|e| panic!("GET {path} as {who}: {e}"));
                answers.push((round, who, path, res.status()));
            }
        }
    }
    let failed: Vec<_> = answers.iter().filter(|(.., status)| !status.is_success()).collect();
    assert!(failed.is_empty(), "reads after the standby died: {failed:?}");
    eprintln!("{:.1?}: fallback reads", started.elapsed());
    assert_eq!(json(&other, &format!("/api/v1/threads/{slug}")).await.1["head_seq"], 3, "read from the primary");

    // (d) `/healthz` reports the dead standby and still answers 200.
    let reported =
        eventually(Duration::from_secs(10), || async { health(&base).await.1["replicas"][0]["status"] == "down" })
            .await;
    let (status, body) = health(&base).await;
    assert!(reported, "/healthz reports the standby down: {body}");
    assert_eq!(status, StatusCode::OK, "/healthz while only the standby is down: {body}");
    assert_eq!(body["database"], "up");
}

//! PostgreSQL crashes (`pg_ctl stop -m immediate`) under a stream of saves: the app says so with
//! 503s, heals on its own when the database returns, and no acknowledged save is lost.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora::config::Settings;
use agora::domain::roles::Role;
use diesel::{Connection, PgConnection};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::Value;

use crate::common::{PASSWORD, blocking, build_app, serve};
use crate::helpers::{ApiClient, http_client, init_logging, insert_user_at};
use crate::history::assert_nothing_lost;
use crate::postgres::Postgres;
use crate::save_stream::SaveStream;

/// The longest the app may take to notice the database is back.
const HEALING: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_crash_under_load_loses_no_acknowledged_save_and_heals_without_restarting_the_app() {
    init_logging();
    let pg = Arc::new(blocking(Postgres::start).await);
    let url = pg.url("agora_faults");
    let settings = Settings::for_tests(url.clone());
    let pool = blocking({
        let settings = settings.clone();
        move || agora::db::connect_and_migrate(&settings)
    })
    .await
    .expect("migrate the throwaway database");
    let base = serve(build_app(&settings, pool));
    insert_user_at(&url, "curator", Role::Curator).await;
    let curator = ApiClient::log_in(&base, "curator", PASSWORD).await;
    let slug = curator.create_thread("Does the record survive a crash").await;

    let stream = SaveStream::start(&curator, &slug, 3, 0);
    stream.wait_for_acks(20, Duration::from_secs(30)).await;
    blocking({
        let pg = pg.clone();
        move || pg.crash()
    })
    .await;
    let acked_before_crash = stream.acked();

    // While the database is down, the health check and the pages say so.
    let http = http_client();
    let health = http.get(format!("{base}/healthz")).send().await.expect("an answer from /healthz");
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE, "/healthz while the database is down");
    let health: Value = health.json().await.expect("/healthz answers JSON");
    assert_eq!(health["database"], "down");
    let index = http.get(format!("{base}/")).send().await.expect("an answer from /");
    assert_eq!(index.status(), StatusCode::SERVICE_UNAVAILABLE, "/ while the database is down");
    let content_type = index.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(content_type.starts_with("text/html"), "/ answers an HTML page, not {content_type:?}");
    let html = index.text().await.expect("the 503 page");
    let alert = Html::parse_document(&html)
        .select(&Selector::parse("[role=alert]").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(alert.contains("database is unavailable"), "the 503 page explains itself; its alert says {alert:?}");

    blocking({
        let pg = pg.clone();
        move || pg.restart()
    })
    .await;
    let restarted = Instant::now();
    let mut polls = Vec::new();
    let mut healed_after = None;
    while restarted.elapsed() < HEALING {
        let sent = restarted.elapsed();
        let answer = http.get(format!("{base}/healthz")).send().await.map(|r| r.status());
        polls.push(format!("{sent:.2?}: {:?} after {:.2?}", answer.as_ref().ok(), restarted.elapsed() - sent));
        if answer.ok() == Some(StatusCode::OK) {
            healed_after = Some(restarted.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let healed_after = healed_after.filter(|t| *t <= HEALING);
    assert!(
        healed_after.is_some(),
        "/healthz answers 200 within {HEALING:?} of the database's return; it answered {polls:#?}"
    );

    // The same app, same pool, goes on saving.
    stream.wait_for_acks(stream.acked() + 10, Duration::from_secs(20)).await;
    let log = stream.stop().await;
    assert!(log.unexpected.is_empty(), "answers no fault explains: {:?}", log.unexpected);
    assert!(log.failures.contains_key("503"), "saves during the outage were refused with 503: {:?}", log.failures);

    let acked = log.acked.clone();
    let history = blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect to the restarted database");
        assert_nothing_lost(&mut conn, &slug, &acked)
    })
    .await;
    eprintln!(
        "database crash: {} saves acknowledged ({acked_before_crash} before the crash), {} conflicts, \
         failures {:?}, {} revisions stored, healthy again after {:?}",
        log.acked.len(),
        log.conflicts,
        log.failures,
        history.revisions.len(),
        healed_after.unwrap_or_default()
    );
}

//! The page cache across instances (issue 18, item 5): two in-process instances on one database,
//! each with its page cache and change listener. A save on one reaches the other's anonymous
//! readers within the 200 ms; a listener killed by the database never lets its instance
//! serve a page older than a change committed while it was away; a burst of changes keeps the
//! cache within its byte bound.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agora::config::Settings;
use agora::db::page_cache::PageCache;
use agora::domain::roles::Role;
use agora::startup::Application;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestDatabase, blocking, eventually};
use crate::helpers::{ApiClient, SaveReply, http_client, init_logging, insert_user_at, patient_pool};

/// One instance: its base URL and its page cache.
struct Instance {
    base: String,
    pages: Arc<PageCache>,
}

/// Instances A and B on one scratch database, page caches on; `adjust_b` tunes B's settings.
struct Pair {
    a: Instance,
    b: Instance,
    database: TestDatabase,
}

async fn start(settings: Settings) -> Instance {
    let pool = blocking({
        let settings = settings.clone();
        move || patient_pool(&settings)
    })
    .await;
    let app = Application::build(&settings, pool).expect("build the application");
    let (base, pages) = (format!("http://127.0.0.1:{}", app.port()), app.page_cache());
    tokio::spawn(app.into_server());
    Instance { base, pages }
}

async fn pair(adjust_b: impl FnOnce(&mut Settings)) -> Pair {
    init_logging();
    let database = blocking(TestDatabase::create).await;
    let mut settings = database.settings();
    settings.page_cache.enabled = true;
    let a = start(settings.clone()).await;
    adjust_b(&mut settings);
    let b = start(settings).await;
    insert_user_at(&database.url, "curator", Role::Curator).await;
    Pair { a, b, database }
}

/// An anonymous `GET` (no cookies): the status, whether it came from memory, and the body.
async fn anonymous(base: &str, path: &str) -> (StatusCode, bool, String) {
    let res = http_client().get(format!("{base}{path}")).send().await.expect("an answer");
    let hit = res.headers().get("x-cache").is_some_and(|v| v == "hit");
    (res.status(), hit, res.text().await.expect("a body"))
}

async fn saved(client: &ApiClient, slug: &str, base_seq: i32, body: &str) {
    match client.save(slug, base_seq, body).await {
        SaveReply::Saved { seq } => assert_eq!(seq, base_seq + 1, "saving {body:?}"),
        other => panic!("saving {body:?}: {other:?}"),
    }
}

/// Waits until `instance` answers `path` from memory with `text` in it.
async fn until_cached(instance: &Instance, path: &str, text: &str) {
    let cached = eventually(Duration::from_secs(10), || async {
        let (status, hit, body) = anonymous(&instance.base, path).await;
        status == StatusCode::OK && hit && body.contains(text)
    })
    .await;
    assert!(cached, "{} never answered {path} from memory with {text:?}", instance.base);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_on_one_instance_is_served_by_the_other_within_200_ms() {
    let apps = pair(|_| {}).await;
    let on_a = ApiClient::log_in(&apps.a.base, "curator", PASSWORD).await;
    let slug = on_a.create_thread("Seen everywhere").await;
    saved(&on_a, &slug, 0, "Version 1.").await;
    let path = format!("/threads/{slug}");
    until_cached(&apps.b, &path, "Version 1.").await;

    let mut delays = Vec::new();
    for version in 2..=5 {
        saved(&on_a, &slug, version - 1, &format!("Version {version}.")).await;
        let acked = Instant::now();
        // Polled as fast as B answers; the deadline is far beyond the issue's, to report the delay.
        loop {
            let (_, _, body) = anonymous(&apps.b.base, &path).await;
            if body.contains(&format!("Version {version}.")) {
                break;
            }
            assert!(acked.elapsed() < Duration::from_secs(5), "B never showed version {version}");
        }
        delays.push(acked.elapsed());
        until_cached(&apps.b, &path, &format!("Version {version}.")).await;
    }
    // The deadline: B serves A's save within 200 ms of A acknowledging it.
    assert!(delays.iter().all(|d| *d <= Duration::from_millis(200)), "delays: {delays:?}");
}

/// Terminates B's listener connection from the database side; returns how many were ended.
async fn terminate_listener(database_url: &str, name: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Ended {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let (url, name) = (database_url.to_owned(), name.to_owned());
    blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect to the scratch database");
        diesel::sql_query(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity \
             WHERE application_name = $1 AND datname = current_database()",
        )
        .bind::<diesel::sql_types::Text, _>(name)
        .get_result::<Ended>(&mut conn)
        .expect("terminate the listener")
        .n
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminated_listener_never_lets_its_instance_serve_a_page_older_than_a_change_made_meanwhile() {
    // B waits 1.5 s before reconnecting, so the saves below land while it is not listening.
    let apps = pair(|s| s.page_cache.reconnect_after = Duration::from_millis(1500)).await;
    let on_a = ApiClient::log_in(&apps.a.base, "curator", PASSWORD).await;
    let slug = on_a.create_thread("Heard of later").await;
    saved(&on_a, &slug, 0, "Version 1.").await;
    let path = format!("/threads/{slug}");

    for version in 2..=4 {
        until_cached(&apps.b, &path, &format!("Version {}.", version - 1)).await;
        let (gaps, connects) = (apps.b.pages.gaps(), apps.b.pages.connects());
        let ended = terminate_listener(&apps.database.url, apps.b.pages.listener_name()).await;
        assert_eq!(ended, 1, "B's listener, found by its application_name");
        let noticed = eventually(Duration::from_secs(5), || async { apps.b.pages.gaps() > gaps }).await;
        assert!(noticed, "B noticed the lost connection");

        saved(&on_a, &slug, version - 1, &format!("Version {version}.")).await;
        assert_eq!(apps.b.pages.connects(), connects, "the save landed while B was not listening");
        let (status, hit, body) = anonymous(&apps.b.base, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!hit, "nothing is served from memory while the listener is away");
        assert!(body.contains(&format!("Version {version}.")), "B shows the change made while it was away");

        let back = eventually(Duration::from_secs(15), || async { apps.b.pages.connects() > connects }).await;
        assert!(back, "B's listener reconnected");
        for _ in 0..3 {
            let (_, _, body) = anonymous(&apps.b.base, &path).await;
            assert!(body.contains(&format!("Version {version}.")), "after the reconnect, version {version} still");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_a_thousand_changes_keeps_the_cache_within_its_byte_bound() {
    const BOUND: u64 = 256 * 1024;
    let apps = pair(|s| s.page_cache.max_bytes = BOUND).await;
    let on_a = ApiClient::log_in(&apps.a.base, "curator", PASSWORD).await;
    let slug = on_a.create_thread("Burst").await;
    saved(&on_a, &slug, 0, &"A long paragraph of the synthesis. ".repeat(200)).await;
    until_cached(&apps.b, &format!("/threads/{slug}"), "A long paragraph").await;
    let gaps_before = apps.b.pages.gaps();

    // 1 000 committed changes, each notified, while readers fill B's cache with distinct pages.
    let url = apps.database.url.clone();
    let writer = tokio::spawn(blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect to the scratch database");
        for i in 0..1000 {
            diesel::sql_query(format!("UPDATE threads SET framing_question = 'Burst {i}?'"))
                .execute(&mut conn)
                .expect("a change");
        }
    }));
    let (mut largest, mut i) = (0, 0);
    while !writer.is_finished() || i < 200 {
        let (status, _, _) = anonymous(&apps.b.base, &format!("/threads/{slug}?reader={i}")).await;
        assert_eq!(status, StatusCode::OK);
        i += 1;
        if i % 10 == 0 {
            largest = largest.max(apps.b.pages.weighted_bytes());
        }
    }
    writer.await.expect("the writer");
    // Readers again after the burst: the cache fills up to its bound, and no further.
    for j in 0..40 {
        anonymous(&apps.b.base, &format!("/threads/{slug}?after={j}")).await;
        largest = largest.max(apps.b.pages.weighted_bytes());
    }
    let now = apps.b.pages.weighted_bytes();
    assert!(largest <= BOUND, "the cache held {largest} bytes, more than its bound of {BOUND}");
    assert!(now > BOUND / 2, "the cache filled up ({now} bytes): the bound was what held it");
    assert_eq!(apps.b.pages.gaps(), gaps_before, "no notification was lost or unreadable");
}

//! The link checker (issue 16, items 8–10) against a local HTTP server this file starts on
//! 127.0.0.1 (never the internet): what each answer makes of a source, the refusals that keep
//! the checker out of the server's own network, the lease that lets two checkers share the
//! work, and who hears that a cited source died.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agora::config::LinkCheckSettings;
use agora::ops::linkcheck::{self, Summary};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int4, Nullable, Text};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{TestApp, spawn_app};
use agora::domain::roles::Role;

/// A request the local server received: method, path, User-Agent.
type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

/// Starts the local server; returns its base URL and what it received.
async fn local_server() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&buf).into_owned();
                let mut parts = text.lines().next().unwrap_or("").split(' ');
                let method = parts.next().unwrap_or("").to_owned();
                let target = parts.next().unwrap_or("").to_owned();
                let path = target.split('?').next().unwrap_or("").to_owned();
                let agent = text
                    .lines()
                    .find_map(|l| l.strip_prefix("user-agent: ").or_else(|| l.strip_prefix("User-Agent: ")))
                    .unwrap_or("")
                    .to_owned();
                log.lock().unwrap().push((method.clone(), path.clone(), agent));
                let reply = |status: &str, extra: &str| {
                    format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n")
                };
                let answer = match (method.as_str(), path.as_str()) {
                    (_, "/ok") => reply("200 OK", ""),
                    (_, "/missing") => reply("404 Not Found", ""),
                    (_, "/gone") => reply("410 Gone", ""),
                    (_, "/moved") => reply("301 Moved Permanently", "Location: /hop\r\n"),
                    (_, "/hop") => reply("301 Moved Permanently", "Location: /new-home\r\n"),
                    (_, "/new-home") => reply("200 OK", ""),
                    (_, "/loop-a") => reply("302 Found", "Location: /loop-b\r\n"),
                    (_, "/loop-b") => reply("302 Found", "Location: /loop-a\r\n"),
                    (_, "/to-private") => reply("301 Moved Permanently", "Location: http://10.0.0.1/\r\n"),
                    (_, "/to-metadata") => reply("302 Found", "Location: http://169.254.169.254/latest/meta-data/\r\n"),
                    ("HEAD", "/no-head") => reply("405 Method Not Allowed", ""),
                    ("GET", "/no-head") => {
                        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello".to_owned()
                    }
                    (_, "/hang") => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        return;
                    }
                    ("HEAD", "/slow-body") => reply("405 Method Not Allowed", ""),
                    ("GET", "/slow-body") => {
                        let head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n";
                        if socket.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        for _ in 0..100 {
                            tokio::time::sleep(Duration::from_millis(300)).await;
                            if socket.write_all(b"x").await.is_err() {
                                return;
                            }
                        }
                        return;
                    }
                    _ => reply("404 Not Found", ""),
                };
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (base, seen)
}

/// Checker settings for the local server: loopback allowed, short deadlines, no host gap.
fn settings() -> LinkCheckSettings {
    LinkCheckSettings {
        enabled: true,
        allow_loopback: true,
        timeout: Duration::from_secs(2),
        host_gap: Duration::ZERO,
        ..LinkCheckSettings::defaults("http://agora.test")
    }
}

/// Inserts a source at `url` (None: offline material) created by the first user; its id.
async fn source(app: &TestApp, title: &str, url: Option<&str>) -> i64 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let (title, url) = (title.to_owned(), url.map(str::to_owned));
    app.query(move |c| {
        diesel::sql_query(
            "INSERT INTO sources (title, url, kind, tier, created_by, link_status) \
             VALUES ($1, $2, 'article', 'primary', (SELECT min(id) FROM users), \
                     CASE WHEN $2 IS NULL THEN 'offline' ELSE 'unchecked' END) RETURNING id",
        )
        .bind::<Text, _>(title)
        .bind::<Nullable<Text>, _>(url)
        .get_result::<Id>(c)
        .unwrap()
        .id
    })
    .await
}

/// What the checker stored about a source.
#[derive(Debug, QueryableByName)]
struct Health {
    #[diesel(sql_type = Text)]
    link_status: String,
    #[diesel(sql_type = Nullable<Int4>)]
    last_status_code: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    final_url: Option<String>,
    #[diesel(sql_type = Text)]
    check_error: String,
    #[diesel(sql_type = Int4)]
    consecutive_failures: i32,
    #[diesel(sql_type = BigInt)]
    checks: i64,
}

async fn health(app: &TestApp, id: i64) -> Health {
    app.query(move |c| {
        diesel::sql_query(
            "SELECT link_status, last_status_code, final_url, check_error, consecutive_failures, \
                    (SELECT count(*) FROM link_checks WHERE source_id = s.id) AS checks \
             FROM sources s WHERE id = $1",
        )
        .bind::<BigInt, _>(id)
        .get_result(c)
        .unwrap()
    })
    .await
}

/// Makes every source due again, its run of failures started `days` earlier.
async fn days_pass(app: &TestApp, days: i32) {
    app.query(move |c| {
        diesel::sql_query(
            "UPDATE sources SET next_check_at = now(), \
             failing_since = failing_since - make_interval(days => $1)",
        )
        .bind::<Int4, _>(days)
        .execute(c)
        .unwrap()
    })
    .await;
}

async fn version(app: &TestApp, slug: String) -> i64 {
    app.query(move |c| agora::db::threads::version_by_slug(c, &slug).unwrap().unwrap()).await
}

async fn run(app: &TestApp, s: &LinkCheckSettings) -> Summary {
    linkcheck::run_once(&app.pool, s).await.expect("a round of checks")
}

/// An app with a user (sources need an author) and the local server.
async fn setup() -> (TestApp, String, Seen) {
    let app = spawn_app().await;
    app.user("alice", Role::Curator).await;
    let (base, seen) = local_server().await;
    (app, base, seen)
}

#[tokio::test]
async fn a_working_address_is_ok_and_the_checker_names_itself() {
    let (app, base, seen) = setup().await;
    let id = source(&app, "Works", Some(&format!("{base}/ok"))).await;
    let summary = run(&app, &settings()).await;
    assert_eq!((summary.checked, summary.ok), (1, 1));
    let h = health(&app, id).await;
    assert_eq!((h.link_status.as_str(), h.last_status_code, h.checks), ("ok", Some(200), 1));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "one HEAD request: {seen:?}");
    assert_eq!(seen[0].0, "HEAD");
    assert_eq!(seen[0].2, "AgoraLinkChecker/0.1 (+http://agora.test)");
    // Checked again only when due.
    assert_eq!(run(&app, &settings()).await.checked, 0);
}

#[tokio::test]
async fn not_found_and_gone_fail_and_die_only_after_repeated_failures_over_days() {
    let (app, base, _) = setup().await;
    let missing = source(&app, "Missing", Some(&format!("{base}/missing"))).await;
    let gone = source(&app, "Gone", Some(&format!("{base}/gone"))).await;
    run(&app, &settings()).await;
    let (m, g) = (health(&app, missing).await, health(&app, gone).await);
    assert_eq!((m.link_status.as_str(), m.last_status_code), ("failing", Some(404)));
    assert_eq!((g.link_status.as_str(), g.last_status_code), ("failing", Some(410)));
    // Many failures within the same hour: still only failing.
    for _ in 0..3 {
        days_pass(&app, 0).await;
        run(&app, &settings()).await;
    }
    let m = health(&app, missing).await;
    assert_eq!((m.link_status.as_str(), m.consecutive_failures), ("failing", 4));
    // Days later, failing still: dead.
    days_pass(&app, 4).await;
    let summary = run(&app, &settings()).await;
    assert_eq!(summary.died, 2);
    assert_eq!(health(&app, missing).await.link_status, "dead");
    assert_eq!(health(&app, gone).await.link_status, "dead");
}

#[tokio::test]
async fn one_timeout_fails_within_the_time_cap_and_never_kills() {
    let (app, base, _) = setup().await;
    let id = source(&app, "Hangs", Some(&format!("{base}/hang"))).await;
    let s = LinkCheckSettings { timeout: Duration::from_secs(1), dead_after_days: 0, ..settings() };
    let started = Instant::now();
    run(&app, &s).await;
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    let h = health(&app, id).await;
    assert_eq!(h.link_status, "failing", "{h:?}");
    assert!(h.check_error.contains("within 1 seconds") || h.check_error.contains("too long"), "{h:?}");
}

#[tokio::test]
async fn a_slow_body_after_a_refused_head_fails_within_the_time_cap() {
    let (app, base, seen) = setup().await;
    let id = source(&app, "Slow", Some(&format!("{base}/slow-body"))).await;
    let s = LinkCheckSettings { timeout: Duration::from_secs(1), max_body_bytes: 4096, ..settings() };
    let started = Instant::now();
    run(&app, &s).await;
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(health(&app, id).await.link_status, "failing");
    let methods: Vec<String> = seen.lock().unwrap().iter().map(|r| r.0.clone()).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
}

#[tokio::test]
async fn a_refused_head_falls_back_to_get() {
    let (app, base, seen) = setup().await;
    let id = source(&app, "No HEAD", Some(&format!("{base}/no-head"))).await;
    run(&app, &settings()).await;
    let h = health(&app, id).await;
    assert_eq!((h.link_status.as_str(), h.last_status_code), ("ok", Some(200)));
    let methods: Vec<String> = seen.lock().unwrap().iter().map(|r| r.0.clone()).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
}

#[tokio::test]
async fn a_permanent_redirect_chain_marks_the_source_redirected_with_where_it_ended() {
    let (app, base, _) = setup().await;
    let id = source(&app, "Moved", Some(&format!("{base}/moved"))).await;
    let summary = run(&app, &settings()).await;
    assert_eq!(summary.redirected, 1);
    let h = health(&app, id).await;
    assert_eq!(h.link_status, "redirected");
    assert_eq!(h.final_url, Some(format!("{base}/new-home")));
    assert_eq!(h.last_status_code, Some(200));
}

#[tokio::test]
async fn a_redirect_loop_is_a_failure_that_says_so() {
    let (app, base, seen) = setup().await;
    let id = source(&app, "Loop", Some(&format!("{base}/loop-a"))).await;
    run(&app, &settings()).await;
    let h = health(&app, id).await;
    assert_eq!(h.link_status, "failing");
    assert!(h.check_error.contains("redirect loop"), "{h:?}");
    assert!(seen.lock().unwrap().len() <= 3);
}

#[tokio::test]
async fn redirects_to_private_or_metadata_addresses_are_refused() {
    let (app, base, _) = setup().await;
    let private = source(&app, "Private", Some(&format!("{base}/to-private"))).await;
    let metadata = source(&app, "Metadata", Some(&format!("{base}/to-metadata"))).await;
    let direct = source(&app, "Metadata direct", Some("http://169.254.169.254/latest/meta-data/")).await;
    let started = Instant::now();
    run(&app, &settings()).await;
    // Refused before connecting: no waiting on an unreachable address.
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    for (id, ip) in [(private, "10.0.0.1"), (metadata, "169.254.169.254"), (direct, "169.254.169.254")] {
        let h = health(&app, id).await;
        assert_eq!(h.link_status, "failing", "{h:?}");
        assert!(h.check_error.contains(&format!("{ip} is not a public address")), "{h:?}");
    }
}

#[tokio::test]
async fn loopback_is_refused_unless_the_test_setting_allows_it() {
    let (app, base, seen) = setup().await;
    let port = base.rsplit(':').next().unwrap().to_owned();
    let literal = source(&app, "Literal", Some(&format!("{base}/ok"))).await;
    let named = source(&app, "Named", Some(&format!("http://localhost:{port}/ok"))).await;
    run(&app, &LinkCheckSettings { allow_loopback: false, ..settings() }).await;
    for id in [literal, named] {
        let h = health(&app, id).await;
        assert_eq!(h.link_status, "failing", "{h:?}");
        assert!(h.check_error.contains("is not a public address"), "{h:?}");
    }
    assert!(seen.lock().unwrap().is_empty(), "the server was never contacted");
}

#[tokio::test]
async fn offline_sources_are_never_checked() {
    let (app, _, _) = setup().await;
    let id = source(&app, "A printed book", None).await;
    assert_eq!(run(&app, &settings()).await.checked, 0);
    let h = health(&app, id).await;
    assert_eq!((h.link_status.as_str(), h.checks), ("offline", 0));
}

#[tokio::test]
async fn two_checkers_at_once_check_each_due_source_exactly_once() {
    let (app, base, seen) = setup().await;
    for i in 0..8 {
        source(&app, &format!("Page {i}"), Some(&format!("{base}/ok?page={i}"))).await;
    }
    let s = LinkCheckSettings { batch: 5, concurrency: 2, ..settings() };
    let other_pool = agora::db::build_pool(&app.database.url, 2).expect("a second pool");
    let (a, b) = tokio::join!(linkcheck::run_once(&app.pool, &s), linkcheck::run_once(&other_pool, &s));
    let (a, b) = (a.unwrap(), b.unwrap());
    // Whatever one round left (batch 5 each), a third takes; nothing is checked twice.
    let c = run(&app, &s).await;
    assert_eq!(a.checked + b.checked + c.checked, 8, "{a:?} {b:?} {c:?}");
    assert_eq!(app.count("link_checks").await, 8);
    assert_eq!(seen.lock().unwrap().len(), 8);
}

#[tokio::test]
async fn history_is_pruned_to_a_bounded_number_of_rows_per_source() {
    let (app, base, _) = setup().await;
    let id = source(&app, "Often checked", Some(&format!("{base}/ok"))).await;
    let s = LinkCheckSettings { history_per_source: 3, ..settings() };
    for _ in 0..5 {
        days_pass(&app, 0).await;
        run(&app, &s).await;
    }
    assert_eq!(health(&app, id).await.checks, 3);
}

#[tokio::test]
async fn a_dead_cited_source_notifies_curator_followers_only_and_refreshes_the_thread() {
    let (app, base, _) = setup().await;
    app.login_as("cora", Role::Curator).await;
    let slug = app.create_thread("Is Pluto a planet?").await;
    app.user("rita", Role::Reader).await;
    let id = source(&app, "The IAU resolution", Some(&format!("{base}/gone"))).await;
    let s2 = slug.clone();
    app.query(move |c| {
        diesel::sql_query(
            "INSERT INTO follows (user_id, thread_id) SELECT u.id, t.id FROM users u, threads t \
             WHERE u.username IN ('cora', 'rita') AND t.slug = $1 ON CONFLICT DO NOTHING",
        )
        .bind::<Text, _>(s2.clone())
        .execute(c)
        .unwrap();
        diesel::sql_query(
            "INSERT INTO citations (thread_id, owner_kind, owner_id, paragraph, number, source_id) \
             SELECT t.id, 'interpretation', 1, 0, 1, $2 FROM threads t WHERE t.slug = $1",
        )
        .bind::<Text, _>(s2)
        .bind::<BigInt, _>(id)
        .execute(c)
        .unwrap();
    })
    .await;
    let s = LinkCheckSettings { dead_after_failures: 2, dead_after_days: 1, ..settings() };
    run(&app, &s).await;
    let before = version(&app, slug.clone()).await;
    app.fanned_out().await;
    let notified_before = app.count("notifications").await;
    days_pass(&app, 2).await;
    assert_eq!(run(&app, &s).await.died, 1);
    app.fanned_out().await;
    assert!(version(&app, slug.clone()).await > before, "the thread page cache is refreshed");
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        username: String,
    }
    let notified: Vec<String> = app
        .query(|c| {
            diesel::sql_query(
                "SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id \
                 JOIN changes ch ON ch.id = n.last_change_id \
                 WHERE ch.area = 'source' AND ch.action = 'died' ORDER BY u.username",
            )
            .load::<Name>(c)
            .unwrap()
        })
        .await
        .into_iter()
        .map(|n| n.username)
        .collect();
    assert_eq!(notified, ["cora"], "the curator who follows, not the reader who follows");
    assert_eq!(app.count("notifications").await, notified_before + 1);
    // The changelog entry is filed under the thread and worded for people.
    let changes = app.api_thread_changes(&slug).await;
    let died = changes.iter().find(|c| c["action"] == "died").expect("a died entry");
    assert_eq!((died["kind"].as_str(), died["subject"].as_str()), (Some("source"), Some("The IAU resolution")));
    let page = app.page(&format!("/threads/{slug}/history")).await;
    let doc = scraper::Html::parse_document(&page);
    let link = scraper::Selector::parse(&format!("a[href='/sources/{id}']")).unwrap();
    assert!(doc.select(&link).next().is_some(), "the entry links the source");
    let text: String = doc.root_element().text().collect();
    assert!(text.contains("a cited source died: “The IAU resolution”"), "{text}");
    // Checking it again while it stays dead files nothing new.
    days_pass(&app, 0).await;
    assert_eq!(run(&app, &s).await.died, 0);
    assert_eq!(app.count("notifications").await, notified_before + 1);
}

/// Inserts a citation of source `id` from an interpretation of the thread `slug`.
async fn cite(app: &TestApp, slug: &str, id: i64) {
    let slug = slug.to_owned();
    app.query(move |c| {
        diesel::sql_query(
            "INSERT INTO citations (thread_id, owner_kind, owner_id, paragraph, number, source_id) \
             SELECT t.id, 'interpretation', 1, 0, 1, $2 FROM threads t WHERE t.slug = $1",
        )
        .bind::<Text, _>(slug)
        .bind::<BigInt, _>(id)
        .execute(c)
        .unwrap()
    })
    .await;
}

#[tokio::test]
async fn the_link_health_page_and_api_list_cited_dead_and_moved_sources_in_words() {
    let (app, base, _) = setup().await;
    app.login_as("cora", Role::Curator).await;
    let other = app.create_thread("Is Ceres a planet?").await;
    let mine = app.create_thread("Is Pluto a planet?").await;
    // Cora curates both; make the first someone else's by removing her as its curator.
    let o = other.clone();
    app.query(move |c| {
        diesel::sql_query("DELETE FROM thread_curators WHERE thread_id = (SELECT id FROM threads WHERE slug = $1)")
            .bind::<Text, _>(o)
            .execute(c)
            .unwrap()
    })
    .await;
    let dead = source(&app, "The IAU resolution", Some(&format!("{base}/gone"))).await;
    let moved = source(&app, "Ceres survey", Some(&format!("{base}/moved"))).await;
    let fine = source(&app, "A working page", Some(&format!("{base}/ok"))).await;
    let uncited = source(&app, "Nobody cites this", Some(&format!("{base}/missing"))).await;
    cite(&app, &mine, dead).await;
    cite(&app, &other, moved).await;
    cite(&app, &mine, fine).await;
    let s = LinkCheckSettings { dead_after_failures: 2, dead_after_days: 1, ..settings() };
    run(&app, &s).await;
    days_pass(&app, 2).await;
    run(&app, &s).await;
    assert_eq!(health(&app, uncited).await.link_status, "dead");

    let page = app.page("/link-health").await;
    crate::pages::assert_words_not_codes(&page, "/link-health");
    let doc = scraper::Html::parse_document(&page);
    let items = scraper::Selector::parse("li.flagged-source").unwrap();
    let listed: Vec<String> = doc.select(&items).map(|li| li.text().collect::<String>()).collect();
    assert_eq!(listed.len(), 2, "only cited, flagged sources: {listed:?}");
    // Cora's own thread's source first, though the other is listed too.
    assert!(listed[0].contains("The IAU resolution") && listed[0].contains("Dead"), "{}", listed[0]);
    assert!(listed[0].contains("the server answered 410 Gone"), "{}", listed[0]);
    assert!(listed[0].contains("Is Pluto a planet?"), "{}", listed[0]);
    assert!(listed[1].contains("Ceres survey") && listed[1].contains("Redirected"), "{}", listed[1]);
    assert!(listed[1].contains(&format!("{base}/new-home")), "{}", listed[1]);

    let json = app.get_json("/api/v1/link-health", reqwest::StatusCode::OK).await;
    let sources = json["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["id"], dead);
    assert_eq!(sources[0]["link_status"], "dead");
    assert_eq!(sources[0]["last_status_code"], 410);
    assert_eq!(sources[0]["yours"], true);
    assert_eq!(sources[0]["threads"][0]["slug"], mine.as_str());
    assert_eq!(sources[1]["link_status"], "redirected");
    assert_eq!(sources[1]["final_url"], format!("{base}/new-home"));
    assert_eq!(sources[1]["yours"], false);

    // A reader who curates nothing sees the same list, the dead first.
    let anonymous = app.another_browser();
    let json = anonymous.get_json("/api/v1/link-health", reqwest::StatusCode::OK).await;
    assert_eq!(json["sources"][0]["link_status"], "dead");
}

#[tokio::test]
async fn requests_to_one_host_keep_the_configured_gap_even_with_spare_concurrency() {
    let (app, base, seen) = setup().await;
    for i in 0..3 {
        source(&app, &format!("Page {i}"), Some(&format!("{base}/ok?page={i}"))).await;
    }
    let s = LinkCheckSettings { concurrency: 3, host_gap: Duration::from_millis(400), ..settings() };
    let started = Instant::now();
    assert_eq!(run(&app, &s).await.checked, 3);
    assert!(started.elapsed() >= Duration::from_millis(800), "took only {:?}", started.elapsed());
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn the_server_runs_the_checker_when_it_is_on_and_not_when_it_is_off() {
    let (base, _) = local_server().await;
    let on = crate::helpers::spawn_app_with(|s| {
        s.linkcheck = LinkCheckSettings { tick: Duration::from_millis(100), ..settings() };
    })
    .await;
    on.user("alice", Role::Curator).await;
    let id = source(&on, "Works", Some(&format!("{base}/ok"))).await;
    let checked =
        crate::common::eventually(Duration::from_secs(10), || async { health(&on, id).await.link_status == "ok" })
            .await;
    assert!(checked, "the worker checked the source");

    // The test settings leave it off: nothing is checked.
    let (app, base, seen) = setup().await;
    let id = source(&app, "Works", Some(&format!("{base}/ok"))).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(health(&app, id).await.link_status, "unchecked");
    assert!(seen.lock().unwrap().is_empty());
}

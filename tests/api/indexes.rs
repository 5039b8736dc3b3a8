//! Tests: the thread index (status and stance filters; activity, creation and title orders) and
//! the events index (significance, year and thread filters; links to every thread of an event),
//! HTML and JSON, each paged by keyset without duplicates or gaps.

use std::collections::HashSet;

use agora::db::threads::ThreadFields;
use agora::domain::roles::Role;
use agora::domain::thread::{Stance, Status};
use chrono::NaiveDate;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text};
use reqwest::StatusCode;

use crate::common::fixture_hash;
use crate::helpers::{TestApp, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

/// How many threads the fixture has.
const THREADS: usize = 95;

/// Inserts `THREADS` threads: statuses, stances, mixed-case titles, and creation and activity
/// times with ties (so the id decides), none in the same order as the ids.
async fn insert_threads(app: &TestApp) {
    app.query(|c| {
        let creator = agora::db::users::insert(c, "bulk", fixture_hash(), Role::Curator).unwrap().id;
        for i in 0..THREADS {
            let status = if i % 4 == 0 {
                Status::Resolved
            } else if i % 2 == 0 {
                Status::Dormant
            } else {
                Status::Active
            };
            let stance = Stance::ALL[i % 3];
            // Titles repeat in pairs, differing in case, so the id breaks ties in the title order.
            let word = ["apple", "Banana", "cherry", "Damson", "elder"][i % 5];
            let title = if i % 2 == 0 {
                format!("{word} {:02}", i / 2)
            } else {
                format!("{} {:02}", word.to_uppercase(), i / 2)
            };
            let fields = ThreadFields { title, framing_question: "Does paging work?".to_owned(), status, stance };
            let row = agora::db::threads::create(c, &format!("thread-{i:03}"), &fields, creator).unwrap();
            let created = chrono::DateTime::from_timestamp(1_700_000_000 + (i as i64 / 4) * 60, 0).unwrap();
            let updated = chrono::DateTime::from_timestamp(1_750_000_000 - (i as i64 % 7) * 60, 0).unwrap();
            agora::db::threads::set_dates(c, row.thread_id(), created, updated).unwrap();
        }
    })
    .await;
}

#[derive(diesel::QueryableByName)]
struct Slug {
    #[diesel(sql_type = Text)]
    slug: String,
}

/// The slugs the database lists for `filter` in `order`, in one query (what paging must match).
async fn expected(app: &TestApp, filter: &'static str, order: &'static str) -> Vec<String> {
    app.query(move |c| {
        diesel::sql_query(format!("SELECT slug FROM threads WHERE {filter} ORDER BY {order}"))
            .load::<Slug>(c)
            .unwrap()
            .into_iter()
            .map(|s| s.slug)
            .collect()
    })
    .await
}

/// The slugs of the thread cards of an index page.
fn slugs(html: &str) -> Vec<String> {
    attrs(html, ".thread-card h2 a", "href").into_iter().map(|h| h.trim_start_matches("/threads/").to_owned()).collect()
}

/// The "Next page" link of an index page.
fn next_link(html: &str) -> Option<String> {
    let labels = texts(html, "nav a[rel=next]");
    assert!(labels.iter().all(|l| l == "Next page"), "{labels:?}");
    attrs(html, "nav a[rel=next]", "href").into_iter().next()
}

/// Follows "Next page" from `start`; returns everything listed, checking `each_page`.
async fn walk_html(app: &TestApp, start: &str, list: fn(&str) -> Vec<String>) -> (Vec<String>, Vec<String>) {
    let (mut path, mut seen, mut pages) = (start.to_owned(), Vec::new(), Vec::new());
    loop {
        let html = app.page(&path).await;
        seen.extend(list(&html));
        pages.push(path.clone());
        match next_link(&html) {
            Some(next) => path = next,
            None => return (seen, pages),
        }
        assert!(pages.len() < 20, "the index never ends");
    }
}

/// Follows `next_cursor` from `start` (which has a `?`), collecting `field` of every `key` item.
async fn walk_json(app: &TestApp, start: &str, key: &str, field: &str) -> Vec<String> {
    let (mut path, mut seen) = (start.to_owned(), Vec::new());
    for _ in 0..20 {
        let body = app.get_json(&path, StatusCode::OK).await;
        seen.extend(body[key].as_array().unwrap().iter().map(|t| t[field].to_string().trim_matches('"').to_owned()));
        match body["next_cursor"].as_str() {
            Some(cursor) => path = format!("{start}&after={}", urlencoding(cursor)),
            None => return seen,
        }
    }
    panic!("the list never ends");
}

fn urlencoding(raw: &str) -> String {
    url::form_urlencoded::byte_serialize(raw.as_bytes()).collect()
}

fn assert_unique(seen: &[String]) {
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "something was listed twice: {seen:?}");
}

#[tokio::test]
async fn every_thread_order_and_filter_pages_without_duplicates_or_gaps() {
    let app = spawn_app().await;
    insert_threads(&app).await;
    let cases: [(&str, &str, &str); 7] = [
        ("", "TRUE", "updated_at DESC, id DESC"),
        ("sort=activity", "TRUE", "updated_at DESC, id DESC"),
        ("sort=created", "TRUE", "created_at DESC, id DESC"),
        ("sort=title", "TRUE", "lower(title), id"),
        ("status=active&sort=title", "status = 'active'", "lower(title), id"),
        ("status=active&sort=created", "status = 'active'", "created_at DESC, id DESC"),
        ("status=dormant&stance=settled", "status = 'dormant' AND stance = 'settled'", "updated_at DESC, id DESC"),
    ];
    for (query, filter, order) in cases {
        let want = expected(&app, filter, order).await;
        assert!(!want.is_empty(), "the fixture has threads for {query}");

        let (seen, pages) = walk_html(&app, &format!("/?{query}"), slugs).await;
        assert_eq!(seen, want, "HTML ?{query}");
        assert_unique(&seen);
        assert_eq!(pages.len(), want.len().div_ceil(30), "30 a page for ?{query}");
        for page in &pages[1..] {
            for pair in query.split('&').filter(|p| !p.is_empty() && *p != "sort=activity") {
                assert!(page.contains(pair), "the next page {page} keeps {pair}");
            }
        }

        let json = walk_json(&app, &format!("/api/v1/threads?{query}"), "threads", "slug").await;
        assert_eq!(json, want, "JSON ?{query}");
    }
}

#[tokio::test]
async fn the_orders_mean_what_they_say() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    for title in ["banana", "Apple", "cherry"] {
        app.create_thread(title).await;
    }
    app.query(|c| {
        diesel::sql_query(
            "UPDATE threads SET created_at = '2024-01-01', updated_at = '2025-01-01' WHERE title = 'cherry'",
        )
        .execute(c)
        .unwrap();
    })
    .await;
    let titles = |html: String| texts(&html, ".thread-card h2 a");

    assert_eq!(titles(app.page("/?sort=title").await), ["Apple", "banana", "cherry"]);
    assert_eq!(titles(app.page("/?sort=created").await), ["Apple", "banana", "cherry"]);
    assert_eq!(titles(app.page("/").await), ["Apple", "banana", "cherry"]);
    app.query(|c| {
        diesel::sql_query("UPDATE threads SET updated_at = now() + interval '1 day' WHERE title = 'cherry'")
            .execute(c)
            .unwrap();
    })
    .await;
    assert_eq!(titles(app.page("/?sort=activity").await), ["cherry", "Apple", "banana"]);
    assert_eq!(titles(app.page("/?sort=created").await)[2], "cherry", "creation order ignores activity");
}

#[tokio::test]
async fn the_thread_filter_form_is_labelled_and_shows_the_chosen_filters() {
    let app = spawn_app().await;
    insert_threads(&app).await;

    let html = app.page("/?status=active&stance=settled&sort=title").await;

    assert_every_control_labelled(&html);
    assert_eq!(texts(&html, "main form[role=search] button"), ["Apply"]);
    assert_eq!(attrs(&html, "#filter-status option[selected]", "value"), ["active"]);
    assert_eq!(attrs(&html, "#filter-stance option[selected]", "value"), ["settled"]);
    assert_eq!(attrs(&html, "#filter-sort option[selected]", "value"), ["title"]);
    assert!(texts(&html, ".thread-card .badge").chunks(2).all(|b| b == ["Active", "Settled"]));
}

#[tokio::test]
async fn a_filter_that_matches_nothing_says_so() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    app.create_thread("Only active").await;

    let html = app.page("/?status=resolved").await;

    assert!(slugs(&html).is_empty());
    assert!(texts(&html, ".empty").iter().any(|t| t.contains("No threads match")), "{html}");
}

#[tokio::test]
async fn unknown_thread_filters_and_orders_are_bad_requests_that_say_why() {
    let app = spawn_app().await;
    for (query, says) in [
        ("status=asleep", "there is no status called \"asleep\"; use one of: active, dormant, resolved"),
        ("stance=maybe", "there is no stance called \"maybe\""),
        ("sort=oldest", "there is no sort called \"oldest\"; use one of: activity, created, title"),
        ("sort=created&after=abc_1", "the page cursor is not valid"),
        ("sort=title&after=a%00b_1", "the page cursor is not valid"),
    ] {
        let res = app.get(&format!("/?{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "/?{query}");
        let html = res.text().await.unwrap();
        assert!(texts(&html, "main").concat().contains(says), "/?{query}: {html}");

        let body = app.get_json(&format!("/api/v1/threads?{query}"), StatusCode::BAD_REQUEST).await;
        assert!(body["error"].as_str().unwrap().contains(says), "{body}");
    }
}

/// Inserts events over 2023–2025 (several a day, all three significances) into three threads:
/// every third event is in two threads, every fifth in none. Returns the thread slugs.
async fn insert_events(app: &TestApp, n: i64) -> [String; 3] {
    app.query(move |c| {
        let creator = agora::db::users::insert(c, "bulk", fixture_hash(), Role::Curator).unwrap().id;
        let threads: Vec<_> = ["Zeta thread", "Alpha thread", "Mid thread"]
            .iter()
            .enumerate()
            .map(|(i, title)| {
                let fields = ThreadFields {
                    title: (*title).to_owned(),
                    framing_question: "Q?".to_owned(),
                    status: Status::Active,
                    stance: Stance::Contested,
                };
                agora::db::threads::create(c, &format!("t{i}"), &fields, creator).unwrap()
            })
            .collect();
        for i in 0..n {
            let significance = ["landmark", "major", "notable"][(i % 3) as usize];
            let day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Duration::days((i / 3) * 9);
            let id: i64 = diesel::sql_query(
                "INSERT INTO events (occurred_on, title, significance, body_md, body_html, created_by) \
                 VALUES ($1, $2, $3, '', '', $4) RETURNING id",
            )
            .bind::<diesel::sql_types::Date, _>(day)
            .bind::<Text, _>(format!("Event {i:03}"))
            .bind::<Text, _>(significance)
            .bind::<BigInt, _>(creator.0)
            .get_result::<EventId>(c)
            .unwrap()
            .id;
            if i % 5 == 0 {
                continue;
            }
            let event = agora::domain::ids::EventId(id);
            agora::db::events::link(c, threads[(i % 2) as usize].thread_id(), event).unwrap();
            if i % 3 == 0 {
                agora::db::events::link(c, threads[2].thread_id(), event).unwrap();
            }
        }
        ["t0".to_owned(), "t1".to_owned(), "t2".to_owned()]
    })
    .await
}

#[derive(diesel::QueryableByName)]
struct EventId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The ids the database lists for `filter`, newest first, in one query.
async fn expected_events(app: &TestApp, filter: &'static str) -> Vec<String> {
    app.query(move |c| {
        diesel::sql_query(format!("SELECT id FROM events e WHERE {filter} ORDER BY occurred_on DESC, id DESC"))
            .load::<EventId>(c)
            .unwrap()
            .into_iter()
            .map(|e| e.id.to_string())
            .collect()
    })
    .await
}

/// The ids of the events of an events index page.
fn event_ids(html: &str) -> Vec<String> {
    attrs(html, "ol.events li > a[href^='/events/']", "href")
        .into_iter()
        .map(|h| h.trim_start_matches("/events/").to_owned())
        .collect()
}

#[tokio::test]
async fn every_event_filter_pages_without_duplicates_or_gaps() {
    let app = spawn_app().await;
    insert_events(&app, 160).await;
    let cases: [(&str, &str); 6] = [
        ("", "TRUE"),
        ("significance=landmark", "significance = 'landmark'"),
        ("year=2024", "occurred_on >= '2024-01-01' AND occurred_on < '2025-01-01'"),
        ("significance=notable&year=2023", "significance = 'notable' AND occurred_on < '2024-01-01'"),
        (
            "thread=t2",
            "id IN (SELECT event_id FROM thread_events te JOIN threads t ON t.id = te.thread_id WHERE t.slug = 't2')",
        ),
        (
            "thread=t0&year=2024&significance=major",
            "significance = 'major' AND occurred_on >= '2024-01-01' AND occurred_on < '2025-01-01' \
             AND id IN (SELECT event_id FROM thread_events te JOIN threads t ON t.id = te.thread_id WHERE t.slug = 't0')",
        ),
    ];
    for (query, filter) in cases {
        let want = expected_events(&app, filter).await;
        assert!(!want.is_empty(), "the fixture has events for {query}");

        let (seen, pages) = walk_html(&app, &format!("/events?{query}"), event_ids).await;
        assert_eq!(seen, want, "HTML ?{query}");
        assert_unique(&seen);
        assert_eq!(pages.len(), want.len().div_ceil(50), "50 a page for ?{query}");
        for page in &pages[1..] {
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                assert!(page.contains(pair), "the next page {page} keeps {pair}");
            }
        }

        let json = walk_json(&app, &format!("/api/v1/events?{query}"), "events", "id").await;
        assert_eq!(json, want, "JSON ?{query}");
    }
}

#[tokio::test]
async fn each_listed_event_links_to_every_thread_it_belongs_to() {
    let app = spawn_app().await;
    insert_events(&app, 9).await;

    let html = app.page("/events").await;
    let items = texts(&html, "ol.events li > a[href^='/events/']");
    assert_eq!(items.len(), 9);
    // "Event 003" is in t1 ("Alpha thread") and t2 ("Mid thread"); "Event 005" is in none.
    let row = |title: &str| {
        let doc = scraper::Html::parse_document(&html);
        let li = scraper::Selector::parse("ol.events li").unwrap();
        let a = scraper::Selector::parse(".event-threads a").unwrap();
        doc.select(&li)
            .find(|el| el.text().any(|t| t == title))
            .map(|el| {
                el.select(&a)
                    .map(|l| (l.text().collect::<String>(), l.attr("href").unwrap().to_owned()))
                    .collect::<Vec<_>>()
            })
            .expect("the event is listed")
    };
    assert_eq!(
        row("Event 003"),
        [("Alpha thread".to_owned(), "/threads/t1".to_owned()), ("Mid thread".to_owned(), "/threads/t2".to_owned())]
    );
    assert_eq!(row("Event 004"), [("Zeta thread".to_owned(), "/threads/t0".to_owned())]);
    assert!(row("Event 005").is_empty());
    assert_eq!(texts(&html, "ol.events li .badge")[..3], ["Notable", "Major", "Landmark"], "significance in words");

    let body = app.get_json("/api/v1/events", StatusCode::OK).await;
    let event = body["events"].as_array().unwrap().iter().find(|e| e["title"] == "Event 003").unwrap();
    assert_eq!(
        event["threads"],
        serde_json::json!([{"slug": "t1", "title": "Alpha thread"}, {"slug": "t2", "title": "Mid thread"}])
    );
    assert_eq!(event["significance"], "landmark");
}

#[tokio::test]
async fn the_events_filter_form_is_labelled_and_keeps_its_values() {
    let app = spawn_app().await;
    insert_events(&app, 12).await;

    let html = app.page("/events?significance=major&year=2023&thread=t1").await;

    assert_every_control_labelled(&html);
    assert_eq!(texts(&html, "main form[role=search] button"), ["Apply"]);
    assert_eq!(attrs(&html, "#filter-significance option[selected]", "value"), ["major"]);
    assert_eq!(attrs(&html, "#filter-year", "value"), ["2023"]);
    assert_eq!(attrs(&html, "#filter-thread", "value"), ["t1"]);
    assert!(texts(&html, "ol.events li .badge").iter().all(|b| b == "Major"));
}

#[tokio::test]
async fn bad_event_filters_are_bad_requests_that_say_why() {
    let app = spawn_app().await;
    for (query, says) in [
        ("year=abc", "the year must be a number from 1 to 9999, e.g. 2024, not \"abc\""),
        ("year=10000", "not \"10000\""),
        ("year=0", "not \"0\""),
        ("year=-2024", "not \"-2024\""),
        ("significance=huge", "there is no significance called \"huge\"; use one of: landmark, major, notable"),
        ("after=yesterday_1", "the page cursor is not valid"),
    ] {
        let res = app.get(&format!("/events?{query}")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "/events?{query}");
        let html = res.text().await.unwrap();
        assert!(texts(&html, "main").concat().contains(says), "/events?{query}: {html}");

        let body = app.get_json(&format!("/api/v1/events?{query}"), StatusCode::BAD_REQUEST).await;
        assert!(body["error"].as_str().unwrap().contains(says), "{body}");
    }
}

#[tokio::test]
async fn an_unknown_thread_filter_is_a_404_that_keeps_the_form() {
    let app = spawn_app().await;
    insert_events(&app, 3).await;

    let res = app.get("/events?thread=no-such-thread").await;

    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]").concat().contains("There is no thread with the address “no-such-thread”"));
    assert_eq!(attrs(&html, "#filter-thread", "value"), ["no-such-thread"]);
    assert!(event_ids(&html).is_empty());
    app.get_json("/api/v1/events?thread=no-such-thread", StatusCode::NOT_FOUND).await;
    assert_eq!(app.get("/events?thread=Not..A..Slug").await.status(), StatusCode::NOT_FOUND);
}

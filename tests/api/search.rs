//! Full-text search: the page and the API, ranking, filters, paging, snippets, bad input, and
//! that every kind of write keeps a thread's search document current.

use agora::domain::ids::UserId;
use agora::domain::roles::Role;
use agora::domain::thread::{Significance, Stance, Status};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, expect_json, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

/// `a=1&b=2`, percent-encoded.
fn query(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// `GET /api/v1/search?...`, expecting 200.
async fn api(app: &TestApp, pairs: &[(&str, &str)]) -> Value {
    app.get_json(&format!("/api/v1/search?{}", query(pairs)), StatusCode::OK).await
}

/// The titles the API finds for `q`, best first (first page).
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    titles(&api(app, &[("q", q)]).await)
}

fn titles(body: &Value) -> Vec<String> {
    body["results"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
}

/// The search page for these parameters, with its status.
async fn page(app: &TestApp, pairs: &[(&str, &str)]) -> (StatusCode, String) {
    let res = app.get(&format!("/search?{}", query(pairs))).await;
    (res.status(), res.text().await.unwrap())
}

/// Creates a thread through the API as the logged-in user; returns its slug.
async fn thread(app: &TestApp, title: &str, framing_question: &str) -> String {
    let res = app.post_json("/api/v1/threads", &json!({ "title": title, "framing_question": framing_question })).await;
    expect_json(res, StatusCode::CREATED).await["slug"].as_str().unwrap().to_owned()
}

/// Records an event through the API; returns its id.
async fn event(app: &TestApp, title: &str, body: &str) -> i64 {
    let e = json!({ "date": "2024-07-23", "title": title, "significance": "major", "body": body });
    expect_json(app.post_json("/api/v1/events", &e).await, StatusCode::CREATED).await["id"].as_i64().unwrap()
}

/// Adds a section item through the API; returns its id.
async fn add_item(app: &TestApp, slug: &str, kind: &str, body: Value) -> i64 {
    let res = app.post_json(&format!("/api/v1/threads/{slug}/{kind}"), &body).await;
    expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_title_hit_ranks_above_hits_in_the_body() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let body_slug = thread(&app, "Mountain ice", "Is the ice retreating?").await;
    app.api_save_synthesis_ok(
        &body_slug,
        0,
        "Glaciers shrink. Every glacier in the Alps lost mass; glacier after glacier.",
        "",
    )
    .await;
    app.indexed().await;
    event(&app, "Ice sheet report", "A glacier calved; glaciers are retreating.").await;
    thread(&app, "Glaciers of Patagonia", "Are they stable?").await;
    event(&app, "Glacier collapse in the Dolomites", "").await;

    let body = api(&app, &[("q", "glacier")]).await;

    let results = body["results"].as_array().unwrap();
    assert_eq!(
        titles(&body),
        ["Glaciers of Patagonia", "Glacier collapse in the Dolomites", "Mountain ice", "Ice sheet report"],
        "title hits first (threads before events at equal rank), then body hits: {body}"
    );
    let ranks: Vec<f64> = results.iter().map(|r| r["rank"].as_f64().unwrap()).collect();
    assert!(ranks[1] > ranks[2], "a title hit outranks a body with the word four times: {ranks:?}");
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "best first: {ranks:?}");
}

#[tokio::test]
async fn a_thread_whose_title_matches_comes_before_every_event_and_the_page_counts_results() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    // The event's title is nothing but the word, which ts_rank rates above the thread's longer
    // title: only the title rule puts the thread first.
    event(&app, "Comet", "A comet, the comet: comet sightings.").await;
    thread(&app, "What the comet of 2024 means for planetary defence", "Is it a threat?").await;
    thread(&app, "Asteroids", "Are comets and asteroids alike? A comet is icy.").await;

    let body = api(&app, &[("q", "comet")]).await;
    assert_eq!(
        titles(&body),
        ["What the comet of 2024 means for planetary defence", "Comet", "Asteroids"],
        "the title-matching thread first, then by rank: {body}"
    );

    let (status, html) = page(&app, &[("q", "comet")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "h2.results-count"), ["3 results for “comet”"]);
    let (_, html) = page(&app, &[("q", "defence")]).await;
    assert_eq!(texts(&html, "h2.results-count"), ["1 result for “defence”"]);
}

#[tokio::test]
async fn the_result_count_stops_at_its_cap_and_says_more_than() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    app.query(|c| {
        use diesel::prelude::*;
        // Many matching events, inserted directly (the count, not the write path, is tested).
        diesel::sql_query(
            "INSERT INTO events (occurred_on, title, significance, body_md, body_html, created_by) \
             SELECT DATE '2024-01-01' + g, 'Meteor shower ' || g, 'notable', '', '', (SELECT min(id) FROM users) \
             FROM generate_series(1, 130) g",
        )
        .execute(c)
        .unwrap();
    })
    .await;
    let (_, html) = page(&app, &[("q", "meteor")]).await;
    assert_eq!(texts(&html, "h2.results-count"), ["More than 100 results for “meteor”"]);
    let next = attrs(&html, "a[rel=next]", "href");
    let second = app.page(&next[0]).await;
    assert_eq!(texts(&second, "h2.results-count"), ["More than 100 results for “meteor”"], "every page says the total");
}

#[tokio::test]
async fn event_results_quote_their_description_with_the_words_highlighted() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    event(&app, "Launch", "The rocket <b>lifted</b> off & reached orbit after a long delay.").await;
    let (_, html) = page(&app, &[("q", "orbit")]).await;
    assert_eq!(texts(&html, ".result-event .snippet mark"), ["orbit"]);
    let snippet = texts(&html, ".result-event .snippet").join(" ");
    assert!(snippet.contains("reached orbit after a long delay"), "{snippet}");
    assert!(!html.contains("<b>lifted</b>"), "the description's markup is text, not HTML");
}

#[tokio::test]
async fn thread_creation_and_detail_edits_update_the_document() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Do octopuses dream?").await;
    assert_eq!(found(&app, "octopus").await, ["Do octopuses dream?"], "the title, stemmed");

    let res = app
        .post_form(
            &format!("/threads/{slug}/edit"),
            &[
                ("title", "Do cuttlefish dream?"),
                ("framing_question", "What happens in cephalopod sleep?"),
                ("status", "dormant"),
                ("stance", "settled"),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(found(&app, "octopus").await.is_empty(), "the old title is gone from the document");
    assert_eq!(found(&app, "cuttlefish").await, ["Do cuttlefish dream?"]);
    assert_eq!(found(&app, "cephalopod sleep").await, ["Do cuttlefish dream?"], "the framing question");
    // The stance changes by an approved proposal (issue 17), not through the details form.
    let id = app.propose_stance_ok(&slug, "settled", "Settled.").await;
    let moderator = app.browser_as("mona", Role::Moderator).await;
    let res = moderator.decide_stance(&slug, id, "approve", serde_json::json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let filtered = api(&app, &[("q", "cuttlefish"), ("status", "dormant"), ("stance", "settled")]).await;
    assert_eq!(titles(&filtered), ["Do cuttlefish dream?"], "the new status and stance");
}

#[tokio::test]
async fn the_document_follows_the_head_through_saves_merges_reverts_and_undos() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Pluto has a heart of nitrogen ice.\n\nIt is far away.", "").await;
    app.indexed().await;
    assert_eq!(found(&app, "nitrogen").await, ["Is Pluto a planet?"], "a plain save");

    app.api_save_synthesis_ok(&slug, 1, "Pluto has a heart of methane ice.\n\nIt is far away.", "").await;
    app.indexed().await;
    assert!(found(&app, "nitrogen").await.is_empty(), "only the current text counts");
    assert_eq!(found(&app, "methane").await, ["Is Pluto a planet?"]);

    // A stale save touching the other paragraph is merged into a new head.
    let res = app
        .post_json(
            &format!("/api/v1/threads/{slug}/synthesis"),
            &json!({ "base_seq": 1, "body": "Pluto has a heart of nitrogen ice.\n\nIt is beyond Neptune." }),
        )
        .await;
    assert!(res.status().is_success(), "merged: {}", res.status());
    app.indexed().await;
    let detail = app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await;
    assert_eq!(detail["synthesis"]["action"], "merge", "{detail}");
    assert_eq!(found(&app, "neptune").await, ["Is Pluto a planet?"], "a merge");
    assert_eq!(found(&app, "methane neptune").await, ["Is Pluto a planet?"], "both edits are in the document");

    let res = app
        .post_json(&format!("/api/v1/threads/{slug}/revisions/1/revert"), &json!({ "base_seq": 3, "reason": "r" }))
        .await;
    expect_json(res, StatusCode::CREATED).await;
    app.indexed().await;
    assert!(found(&app, "neptune").await.is_empty(), "a revert");
    assert_eq!(found(&app, "nitrogen").await, ["Is Pluto a planet?"]);

    app.api_save_synthesis_ok(&slug, 4, "Pluto has a heart of nitrogen ice.\n\nIt has five moons.", "").await;
    app.indexed().await;
    let res = app.post_json(&format!("/api/v1/threads/{slug}/revisions/5/undo"), &json!({ "base_seq": 5 })).await;
    expect_json(res, StatusCode::CREATED).await;
    app.indexed().await;
    assert!(found(&app, "moons").await.is_empty(), "an undo");
    assert_eq!(found(&app, "far away").await, ["Is Pluto a planet?"]);
}

#[tokio::test]
async fn a_rollback_takes_the_rolled_back_text_out_of_the_document() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Good text about orbits.", "").await;
    app.indexed().await;
    let bob = app.browser_as("bob", Role::Curator).await;
    let res = app.post_json(&format!("/api/v1/threads/{slug}/curators"), &json!({ "username": "bob" })).await;
    expect_json(res, StatusCode::OK).await;
    bob.api_save_synthesis_ok(&slug, 1, "Buy cheap sunglasses.", "").await;
    bob.indexed().await;
    assert_eq!(found(&app, "sunglasses").await, ["Is Pluto a planet?"]);
    let maud = app.browser_as("maud", Role::Moderator).await;

    let rollback = json!({ "username": "bob", "base_seq": 2, "reason": "spam" });
    expect_json(maud.post_json(&format!("/api/v1/threads/{slug}/rollback"), &rollback).await, StatusCode::CREATED)
        .await;
    app.indexed().await;

    assert!(found(&app, "sunglasses").await.is_empty());
    assert_eq!(found(&app, "orbits").await, ["Is Pluto a planet?"]);
}

#[tokio::test]
async fn hiding_the_current_revision_makes_its_text_unfindable() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Pluto is small.", "").await;
    app.indexed().await;
    app.api_save_synthesis_ok(&slug, 1, "Pluto is small. Call Jane Roe at 555-0100, she lives on Elm Street.", "")
        .await;
    app.indexed().await;
    let reader = app.another_browser();
    assert_eq!(found(&reader, "elm street").await, ["Is Pluto a planet?"]);
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = maud.api_change_of_revision(&slug, 2).await;

    let res = maud.post_json(&format!("/api/v1/changes/{change}/hide"), &json!({ "reason": "personal data" })).await;

    expect_json(res, StatusCode::OK).await;
    for who in [&reader, &maud] {
        assert!(found(who, "elm street").await.is_empty(), "the hidden text is not searchable");
        assert!(found(who, "\"jane roe\"").await.is_empty());
    }
    let (_, html) = page(&reader, &[("q", "pluto small")]).await;
    assert!(!html.contains("Elm"), "no snippet quotes it");
    assert_eq!(found(&reader, "small").await, ["Is Pluto a planet?"], "the restored text is");
}

#[tokio::test]
async fn section_items_are_searchable_when_added_edited_answered_and_removed() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let interpretation = add_item(
        &app,
        &slug,
        "interpretations",
        json!({ "title": "Dynamical reading", "body": "Clearing the orbit decides.", "proponents": "Mike Brown" }),
    )
    .await;
    let question = add_item(&app, &slug, "questions", json!({ "question": "Will the IAU revisit the vote?" })).await;
    add_item(&app, &slug, "controversies", json!({ "title": "Kuiper belt objects", "body": "Eris is bigger." })).await;
    add_item(&app, &slug, "arc", json!({ "label": "2006", "title": "Demotion", "body": "Prague assembly." })).await;
    for words in ["clearing orbit", "mike brown", "revisit", "kuiper", "eris", "prague", "demotion"] {
        assert_eq!(found(&app, words).await, ["Is Pluto a planet?"], "{words}");
    }

    let edit = json!({ "title": "Geophysical reading", "body": "Roundness decides.", "proponents": "Alan Stern",
                       "base_version": 1 });
    let res = app
        .send_json(reqwest::Method::PUT, &format!("/api/v1/threads/{slug}/interpretations/{interpretation}"), &edit)
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(found(&app, "mike brown").await.is_empty(), "the edited-out proponent");
    assert_eq!(found(&app, "stern roundness").await, ["Is Pluto a planet?"]);

    let res = app
        .post_json(
            &format!("/api/v1/threads/{slug}/questions/{question}/answer"),
            &json!({ "answer": "Unlikely before 2030." }),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(found(&app, "unlikely 2030").await, ["Is Pluto a planet?"], "answers count");

    let res = app
        .send_json(
            reqwest::Method::DELETE,
            &format!("/api/v1/threads/{slug}/interpretations/{interpretation}"),
            &json!({}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(found(&app, "roundness").await.is_empty(), "a removed item");
}

#[tokio::test]
async fn the_demo_seeder_and_the_start_up_backfill_build_documents() {
    let app = spawn_app().await;
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || agora::ops::demo::seed_if_absent(&pool).unwrap()).await.unwrap();
    const DEMO: &str = "Open vs. Closed Weights: The Battle for AI's Architecture";
    // A proponent and an open question: sections the seeder inserts around `threads::touch`.
    for words in ["\"closed weights\"", "yann lecun", "cross-subsidization"] {
        let threads = titles(&api(&app, &[("q", words), ("type", "threads")]).await);
        assert_eq!(threads, [DEMO], "the seeder: {words}");
    }

    // Documents lost (or never built, as before the column existed) come back at start-up.
    app.query(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE threads SET search = ''").execute(c).unwrap();
    })
    .await;
    assert!(found(&app, "yann lecun").await.is_empty());
    app.query(|c| agora::ops::backfill::run(c).unwrap()).await;
    assert_eq!(found(&app, "yann lecun").await, [DEMO], "the backfill");
}

#[tokio::test]
async fn filters_narrow_by_kind_status_and_stance() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    for (title, status, stance) in [
        ("Volcano A", "active", "contested"),
        ("Volcano B", "dormant", "contested"),
        ("Volcano C", "active", "settled"),
    ] {
        let t = json!({ "title": title, "framing_question": "Will it erupt?", "status": status, "stance": stance });
        expect_json(app.post_json("/api/v1/threads", &t).await, StatusCode::CREATED).await;
    }
    event(&app, "Volcano D erupts", "").await;
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };

    assert_eq!(sorted(found(&app, "volcano").await), ["Volcano A", "Volcano B", "Volcano C", "Volcano D erupts"]);
    let only = |pairs: &'static [(&'static str, &'static str)]| {
        let app = app.clone();
        async move { sorted(titles(&api(&app, &[&[("q", "volcano")], pairs].concat()).await)) }
    };
    assert_eq!(only(&[("type", "threads")]).await, ["Volcano A", "Volcano B", "Volcano C"]);
    assert_eq!(only(&[("type", "events")]).await, ["Volcano D erupts"]);
    assert_eq!(only(&[("type", "all"), ("status", "active")]).await, ["Volcano A", "Volcano C"], "no events");
    assert_eq!(only(&[("stance", "contested")]).await, ["Volcano A", "Volcano B"]);
    assert_eq!(only(&[("status", "active"), ("stance", "settled")]).await, ["Volcano C"]);
    assert_eq!(only(&[("type", "events"), ("status", "active")]).await, Vec::<String>::new());
    assert_eq!(only(&[("type", ""), ("status", ""), ("stance", "")]).await.len(), 4, "empty values mean any");

    let (status, html) = page(&app, &[("q", "volcano"), ("type", "threads"), ("status", "dormant")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, ".search-result h3 a"), ["Volcano B"]);
    assert_eq!(texts(&html, ".search-result .badge"), ["Thread", "Dormant", "Contested"]);
    assert_eq!(attrs(&html, "#search-type option[selected]", "value"), ["threads"], "the form keeps the filters");
    assert_eq!(attrs(&html, "#search-status option[selected]", "value"), ["dormant"]);
}

#[tokio::test]
async fn pages_follow_each_other_without_duplicates_or_gaps() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    // 45 hits with a spread of ranks and many ties: titles, bodies, threads and events.
    let creator = app.query(|c| agora::db::users::by_username(c, "alice").unwrap().unwrap().id).await;
    app.query(move |c| {
        use agora::db::{events, threads};
        for i in 0..30 {
            let (title, framing_question) = match i % 3 {
                0 => (format!("Tidal power {i}"), "Is it worth it?".to_owned()),
                1 => (format!("Thread {i}"), "What about tidal lagoons?".to_owned()),
                _ => (format!("Other {i}"), "Tidal, tidal, tidal?".to_owned()),
            };
            let fields =
                threads::ThreadFields { title, framing_question, status: Status::Active, stance: Stance::Contested };
            threads::create(c, &format!("t-{i}"), &fields, UserId(creator)).unwrap();
        }
        for i in 0..15 {
            let body = if i % 2 == 0 { "Tidal." } else { "" };
            let title = if i % 2 == 0 { format!("Event {i}") } else { format!("Tidal event {i}") };
            let fields = events::EventFields {
                occurred_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                title,
                significance: Significance::Notable,
                url: None,
                body_md: body.to_owned(),
                body_html: agora::render::markdown::render_markdown(body),
            };
            events::insert(c, &fields, UserId(creator)).unwrap();
        }
    })
    .await;

    let mut seen = Vec::new();
    let mut ranks = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut pairs = vec![("q", "tidal")];
        if let Some(c) = cursor.as_deref() {
            pairs.push(("after", c));
        }
        let body = api(&app, &pairs).await;
        pages += 1;
        for r in body["results"].as_array().unwrap() {
            seen.push(r["title"].as_str().unwrap().to_owned());
            ranks.push(r["rank"].as_f64().unwrap());
        }
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }

    assert_eq!(pages, 3, "20 + 20 + 5");
    assert_eq!(seen.len(), 45, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 45, "no result twice: {seen:?}");
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "best first across pages: {ranks:?}");

    // The page links to the next one with the same search.
    let (_, html) = page(&app, &[("q", "tidal"), ("type", "all")]).await;
    assert_eq!(texts(&html, ".search-result").len(), 20);
    let next = attrs(&html, "a[rel=next]", "href");
    assert_eq!(next.len(), 1, "a Next page link");
    assert!(next[0].starts_with("/search?q=tidal&after="), "{}", next[0]);
    let second = app.page(&next[0]).await;
    let first_titles = texts(&html, ".search-result h3 a");
    let second_titles = texts(&second, ".search-result h3 a");
    assert_eq!(second_titles.len(), 20);
    assert!(second_titles.iter().all(|t| !first_titles.contains(t)), "no overlap between pages");
    assert_eq!(texts(&second, "a[rel=next]"), ["Next page"]);
}

#[tokio::test]
async fn snippets_highlight_the_matching_words() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(
        &slug,
        0,
        "Astronomers argue.\n\nThe New Horizons probe flew past Pluto in 2015 and mapped its plains.",
        "",
    )
    .await;
    app.indexed().await;
    event(&app, "Flyby", "The probe sent back images of Sputnik Planitia.").await;

    let body = api(&app, &[("q", "probe mapped")]).await;

    let thread_hit = &body["results"][0];
    assert_eq!(thread_hit["kind"], "thread");
    let segments = thread_hit["snippet"].as_array().unwrap();
    let highlighted: Vec<&str> =
        segments.iter().filter(|s| s["highlight"] == true).map(|s| s["text"].as_str().unwrap()).collect();
    assert_eq!(highlighted, ["probe", "mapped"]);
    let text: String = segments.iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert!(text.contains("New Horizons probe flew past Pluto"), "{text}");
    assert!(!text.contains('\u{2}') && !text.contains('\u{3}'), "no markers leak");

    let (_, html) = page(&app, &[("q", "probe")]).await;
    assert_eq!(texts(&html, ".snippet mark"), ["probe", "probe"], "<mark> in both results");
}

#[tokio::test]
async fn an_empty_search_asks_for_words_and_shows_no_results() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Some text.", "").await;
    app.indexed().await;

    for pairs in [&[][..], &[("q", "")][..], &[("q", "   ")][..], &[("q", ""), ("type", "events")][..]] {
        let (status, html) = page(&app, pairs).await;
        assert_eq!(status, StatusCode::OK, "{pairs:?}");
        // The flash region (empty here) is a status region of every page: not the search's own.
        assert_eq!(
            texts(&html, "main [role=status]:not(.flash)"),
            ["Type a word or two to search threads, events and sources."]
        );
        assert!(texts(&html, ".search-result").is_empty());
        assert!(texts(&html, ".empty").is_empty(), "no 'No results' either");
    }
    let message = api_error(app.get("/api/v1/search?q=").await, StatusCode::BAD_REQUEST).await;
    assert!(message.contains("give the words to search for"), "{message}");
    api_error(app.get("/api/v1/search").await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn malformed_queries_never_fail_and_queries_without_words_say_so() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Pluto is a dwarf planet.", "").await;
    app.indexed().await;

    for q in [
        "\"unclosed phrase",
        "pluto\"",
        "or or or",
        "pluto or",
        "- pluto",
        "a & | b",
        "!pluto",
        "(pluto",
        "pluto:*",
        "'",
        "\\",
        "<->",
        "pluto <-> dwarf",
        "'; DROP TABLE threads; --",
        "ñandú 漢字 🚀",
        "::",
        "\"\"",
    ] {
        let (status, _) = page(&app, &[("q", q)]).await;
        assert_eq!(status, StatusCode::OK, "{q:?}");
        let res = app.get(&format!("/api/v1/search?{}", query(&[("q", q)]))).await;
        assert!(
            res.status() == StatusCode::OK || res.status() == StatusCode::UNPROCESSABLE_ENTITY,
            "{q:?}: {}",
            res.status()
        );
    }
    assert_eq!(found(&app, "\"dwarf planet").await, ["Is Pluto a planet?"], "an unclosed quote still searches");
    assert_eq!(found(&app, "pluto -dwarf").await, Vec::<String>::new(), "an excluded word");

    for q in ["the of and", "...", "-pluto", "or", "\"\""] {
        let (status, html) = page(&app, &[("q", q)]).await;
        assert_eq!(status, StatusCode::OK, "{q:?}");
        let notice = texts(&html, "main [role=status]").join(" ");
        assert!(notice.contains("has no words to search for"), "{q:?}: {notice}");
        assert!(texts(&html, ".search-result").is_empty());
        let res = app.get(&format!("/api/v1/search?{}", query(&[("q", q)]))).await;
        assert!(api_error(res, StatusCode::UNPROCESSABLE_ENTITY).await.contains("has no words to search for"));
    }
    let (status, html) = page(&app, &[("q", "zebra")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "p.empty"), ["No results for “zebra”."]);
    assert_eq!(api(&app, &[("q", "zebra")]).await, json!({ "results": [], "next_cursor": null }));
}

#[tokio::test]
async fn an_overlong_query_is_a_422_that_keeps_the_text() {
    let app = spawn_app().await;
    let long = "pluto ".repeat(40);

    let (status, html) = page(&app, &[("q", &long), ("type", "threads")]).await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(texts(&html, "[role=alert]"), ["the search text is too long: at most 200 characters, please"]);
    assert_eq!(attrs(&html, "#search-q", "value"), [long.as_str()], "the text is kept in the box");
    assert_eq!(attrs(&html, "#search-type option[selected]", "value"), ["threads"]);
    let res = app.get(&format!("/api/v1/search?{}", query(&[("q", &long)]))).await;
    assert!(api_error(res, StatusCode::UNPROCESSABLE_ENTITY).await.contains("at most 200 characters"));
    assert_eq!(page(&app, &[("q", &"p".repeat(200))]).await.0, StatusCode::OK, "200 characters are fine");
}

#[tokio::test]
async fn unknown_filter_values_bad_cursors_and_control_characters_are_400s() {
    let app = spawn_app().await;

    for (pairs, message) in [
        (&[("q", "x"), ("type", "people")][..], "there is no type \"people\""),
        (&[("q", "x"), ("status", "asleep")][..], "there is no status \"asleep\""),
        (&[("q", "x"), ("stance", "' OR 1=1")][..], "there is no stance \"' OR 1=1\""),
        (&[("q", "x"), ("after", "NaN_0_1")][..], "the page cursor is not valid"),
        (&[("q", "x"), ("after", "0.5_7_1")][..], "the page cursor is not valid"),
        (&[("q", "x"), ("after", "yesterday")][..], "the page cursor is not valid"),
        (&[("q", "a\u{0}b")][..], "control characters"),
    ] {
        let (status, html) = page(&app, pairs).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{pairs:?}");
        let alert = texts(&html, "[role=alert]").join(" ");
        assert!(alert.contains(message), "{pairs:?}: {alert}");
        let res = app.get(&format!("/api/v1/search?{}", query(pairs))).await;
        assert!(api_error(res, StatusCode::BAD_REQUEST).await.contains(message), "{pairs:?}");
    }
}

#[tokio::test]
async fn the_api_describes_each_hit() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Charon is Pluto's largest moon.", "").await;
    app.indexed().await;
    let event_id = event(&app, "Charon discovered", "Found on photographic plates.").await;

    let body = api(&app, &[("q", "charon")]).await;

    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let event_hit = results.iter().find(|r| r["kind"] == "event").unwrap();
    assert_eq!(event_hit["title"], "Charon discovered");
    assert_eq!(event_hit["url"], format!("/events/{event_id}"));
    assert_eq!(event_hit["id"], event_id);
    assert_eq!(event_hit["date"], "2024-07-23");
    assert_eq!(event_hit["significance"], "major");
    assert_eq!(event_hit["slug"], Value::Null);
    assert_eq!(event_hit["status"], Value::Null);
    let thread_hit = results.iter().find(|r| r["kind"] == "thread").unwrap();
    assert_eq!(thread_hit["title"], "Is Pluto a planet?");
    assert_eq!(thread_hit["url"], format!("/threads/{slug}"));
    assert_eq!(thread_hit["slug"], slug.as_str());
    assert_eq!(thread_hit["status"], "active");
    assert_eq!(thread_hit["stance"], "contested");
    assert_eq!(thread_hit["id"], Value::Null);
    assert!(thread_hit["rank"].as_f64().unwrap() > 0.0);
    assert!(thread_hit["snippet"].as_array().unwrap().iter().any(|s| s["highlight"] == true && s["text"] == "Charon"));
    assert_eq!(body["next_cursor"], Value::Null);

    let doc = app.get_json("/api/v1/openapi.json", StatusCode::OK).await;
    let op = &doc["paths"]["/api/v1/search"]["get"];
    assert_eq!(op["operationId"], "search");
    let params: Vec<&str> = op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(params, ["q", "type", "status", "stance", "after"]);
}

#[tokio::test]
async fn markup_in_titles_and_text_is_escaped_in_results() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = thread(&app, "<script>alert('t')</script> zebra", "Is <b>this</b> zebra bold?").await;
    app.api_save_synthesis_ok(&slug, 0, "A zebra \"><img src=x onerror=alert(1)> and <svg onload=alert(2)> zebra", "")
        .await;
    app.indexed().await;
    event(&app, "<img src=y onerror=alert(3)> zebra", "zebra </mark><script>alert(4)</script>").await;

    let (status, html) = page(&app, &[("q", "zebra")]).await;

    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("<script>alert"), "no script element");
    assert!(!html.contains("<img src"), "no image element");
    assert!(!html.contains("<svg"), "no svg element");
    assert!(!html.contains("</mark><script"), "no markup from the text");
    let links = texts(&html, ".search-result h3 a");
    assert!(links.contains(&"<script>alert('t')</script> zebra".to_owned()), "the title is shown as text: {links:?}");
    assert!(links.contains(&"<img src=y onerror=alert(3)> zebra".to_owned()), "{links:?}");
    let snippets = texts(&html, ".snippet").join(" ");
    assert!(snippets.contains("<img src=x onerror=alert(1)>"), "markup in the text is shown as text: {snippets}");
    let doc = scraper::Html::parse_document(&html);
    let injected = scraper::Selector::parse("main script, main img, main svg, main b").unwrap();
    assert_eq!(doc.select(&injected).count(), 0, "no element came from the data");
    assert!(texts(&html, ".snippet mark").iter().all(|m| m.eq_ignore_ascii_case("zebra")));
}

#[tokio::test]
async fn the_search_page_and_the_header_box_are_labelled_forms() {
    let app = spawn_app().await;

    let home = app.page("/").await;
    assert_eq!(attrs(&home, "header form[role=search]", "action"), ["/search"]);
    assert_eq!(attrs(&home, "header form[role=search]", "aria-label"), ["Site search"]);
    assert_eq!(texts(&home, "label[for=site-search-q]"), ["Search threads, events and sources"]);
    assert_every_control_labelled(&home);

    let (status, html) = page(&app, &[("q", "anything")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_every_control_labelled(&html);
    assert_eq!(texts(&html, "main form[role=search] button"), ["Search"]);
    assert_eq!(texts(&html, "main form label"), ["Search for", "Look in", "Thread status", "Thread stance"]);
    assert_eq!(texts(&html, "p.empty"), ["No results for “anything”."]);
}

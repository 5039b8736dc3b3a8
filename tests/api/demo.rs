//! Tests: the demo thread ("Open vs. Closed Weights") loads once and renders as the page format shows it.

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};
use crate::pages::{THREAD_PAGE_HEADINGS, changes_column, section, texts};

const DEMO: &str = "/threads/open-vs-closed-weights";

/// Loads the demo thread; returns whether anything was loaded.
async fn seed(app: &TestApp) -> bool {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || agora::ops::demo::seed_if_absent(&pool))
        .await
        .unwrap()
        .expect("seeding the demo")
}

/// The demo's events as the shipped JSON has them, in date order: (date, title, significance).
fn shipped_events() -> Vec<(String, String, String)> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("demo/open-vs-closed-weights.json").unwrap()).unwrap();
    let mut events: Vec<(String, String, String)> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap().to_owned(),
                e["title"].as_str().unwrap().to_owned(),
                e["significance"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    events.sort_by(|a, b| a.0.cmp(&b.0));
    events
}

/// The demo's synthesis paragraphs as the shipped JSON has them.
fn shipped_synthesis_paragraphs() -> Vec<String> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("demo/open-vs-closed-weights.json").unwrap()).unwrap();
    json["synthesis_paragraphs"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect()
}

/// Row counts of every table the demo writes to.
async fn counts(app: &TestApp) -> Vec<i64> {
    let mut all = Vec::new();
    for table in [
        "users",
        "threads",
        "thread_curators",
        "revisions",
        "arc_periods",
        "interpretations",
        "proponents",
        "open_questions",
        "events",
        "thread_events",
        "sources",
        "citations",
        "matrix_cells",
    ] {
        all.push(app.count(table).await);
    }
    all
}

#[tokio::test]
async fn the_demo_thread_loads_with_every_section_of_the_page_format() {
    let app = spawn_app().await;

    assert!(seed(&app).await, "the first call loads the demo");

    let html = app.page(DEMO).await;
    assert_eq!(texts(&html, "h1"), ["Open vs. Closed Weights: The Battle for AI's Architecture"]);
    assert_eq!(texts(&html, ".thread-header .badge"), ["Active", "Contested"]);
    assert_eq!(
        texts(&html, ".thread-header .framing"),
        [
            "Should the weights of powerful AI models be openly released, and does the balance of risks and benefits change as models become more capable?"
        ]
    );
    assert_eq!(texts(&html, ".thread-header .meta"), ["Curated by terry-tang · Since Feb 2023 · Updated Mar 8, 2026"]);
    assert_eq!(texts(&html, "main h2"), THREAD_PAGE_HEADINGS);

    let synthesis = texts(&html, &format!("{} .meta", section("synthesis")));
    assert_eq!(synthesis.len(), 1);
    assert!(
        synthesis[0].starts_with("Author: terry-tang | Last updated: Mar 8, 2026"),
        "synthesis meta: {synthesis:?}"
    );
    assert_eq!(texts(&html, &format!("{} .prose > p", section("synthesis"))).len(), 5, "five paragraphs");
    // Issue 16: the demo cites nine sources and an event in four of them, with footnotes.
    assert_eq!(texts(&html, &format!("{} .prose .citations li", section("synthesis"))).len(), 10);

    assert_eq!(
        texts(&html, &format!("{} h3", section("arc"))),
        ["2023: The Year Open Became Real", "2024: Capability Parity", "2025: DeepSeek Changes Everything"]
    );
    assert_eq!(
        texts(&html, &format!("{} h3", section("interpretations"))),
        ["Democratization reading", "Proliferation-risk reading", "Strategic-competition reading"]
    );
    let proponents = texts(&html, &format!("{} .proponent", section("interpretations")));
    assert_eq!(proponents.len(), 11);
    assert_eq!(&proponents[..3], ["Meta AI", "Yann LeCun", "Hugging Face"]);
    assert_eq!(texts(&html, &format!("{} .proponents", section("interpretations"))).len(), 3);
    let questions = texts(&html, &format!("{} ul.questions > li", section("questions")));
    assert_eq!(questions.len(), 5);
    assert!(questions[0].starts_with("Is there a capability level"), "first question: {}", questions[0]);
    assert_eq!(texts(&html, &format!("{} .empty", section("controversies"))), ["No active controversies."]);
}

#[tokio::test]
async fn the_demo_events_are_listed_in_date_order_with_their_significance() {
    let app = spawn_app().await;
    seed(&app).await;

    let html = app.page(DEMO).await;
    let items = format!("{} ol.events li", section("events"));
    let dates = crate::pages::attrs(&html, &format!("{items} time"), "datetime");
    let titles = texts(&html, &format!("{items} a"));
    let badges = texts(&html, &format!("{items} .badge"));

    assert_eq!(titles.len(), 30);
    assert_eq!(titles[0], "Anthropic Launches Claude 2");
    assert_eq!(titles[1], "Meta Releases Llama 2 as Open-Weight Model");
    assert_eq!(badges[1], "Landmark");
    assert_eq!(texts(&html, &format!("{items} time"))[1], "Jul 18, 2023");
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "events in date order");
    let shipped = shipped_events();
    let on_page: Vec<(String, String, String)> =
        dates.into_iter().zip(titles).zip(badges).map(|((d, t), b)| (d, t, b.to_lowercase())).collect();
    assert_eq!(on_page, shipped);
}

#[tokio::test]
async fn the_demo_synthesis_is_the_one_revision_the_page_shows() {
    let app = spawn_app().await;
    seed(&app).await;

    // Synthesis entries only: the demo also has a pending stance proposal (issue 17).
    let html = app.page(&format!("{DEMO}/history?kind=synthesis")).await;

    // The page the demo follows shows one synthesis by terry-tang, last updated 2026-03-08: no
    // invented earlier revisions (whose texts would speak of later years).
    let paragraphs = shipped_synthesis_paragraphs();
    assert_eq!(
        changes_column(&html, "Change"),
        [format!("Revision 1 edited the synthesis ({} paragraphs)", paragraphs.len())],
        "one revision and nothing else"
    );
    assert_eq!(changes_column(&html, "Who"), ["terry-tang"]);
    let saved = crate::pages::attrs(&html, "table.changes tbody tr time", "datetime");
    assert_eq!(saved.len(), 1);
    assert!(saved[0].starts_with("2026-03-08"), "dated as the page's last update: {saved:?}");
    assert_eq!(app.count("revisions").await, 2, "its one revision and the second demo thread's");

    // Blame attributes every paragraph to that revision, its author and its date.
    let blame = app.page(&format!("{DEMO}/blame")).await;
    // Blame shows the Markdown: the shipped paragraphs with the demo's citation markers added.
    let blamed: Vec<String> = texts(&blame, "table.blame td.blame-text")
        .iter()
        .map(|t| agora::domain::citation::without_markers(t))
        .collect();
    assert_eq!(blamed, paragraphs);
    let who = texts(&blame, "table.blame td.blame-meta");
    assert_eq!(who.len(), paragraphs.len());
    let dates = crate::pages::attrs(&blame, "table.blame td.blame-meta time", "datetime");
    assert_eq!(dates.len(), paragraphs.len());
    for (meta, date) in who.iter().zip(&dates) {
        assert!(meta.starts_with("Revision 1terry-tangMar 8, 2026"), "blame: {meta}");
        assert!(date.starts_with("2026-03-08"), "blame date: {date}");
    }
}

#[tokio::test]
async fn loading_the_demo_twice_loads_nothing_the_second_time() {
    let app = spawn_app().await;
    assert!(seed(&app).await);
    let after_first = counts(&app).await;

    assert!(!seed(&app).await, "the second call reports that nothing was loaded");

    assert_eq!(counts(&app).await, after_first);
    assert_eq!(app.count("threads").await, 2, "the demo thread and the small stale one");
    assert_eq!(app.count("events").await, 33);
}

#[tokio::test]
async fn the_demo_reuses_an_event_that_was_already_recorded() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Llama licensing").await;
    let res = app
        .post_form(
            &format!("/threads/{slug}/events"),
            &[
                ("date", "2023-07-18"),
                ("title", "Meta Releases Llama 2 as Open-Weight Model"),
                ("significance", "landmark"),
                ("url", ""),
                ("body", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    assert!(seed(&app).await);

    assert_eq!(app.count("events").await, 33, "the recorded event is shared, not duplicated");
    assert_eq!(app.count("thread_events").await, 35);
    let thread = app.page(&format!("/threads/{slug}")).await;
    let href = crate::pages::attrs(&thread, &format!("{} ol.events li a", section("events")), "href").remove(0);
    let event = app.page(&href).await;
    assert_eq!(
        texts(&event, "article ul li a"),
        ["Llama licensing", "Open vs. Closed Weights: The Battle for AI's Architecture"]
    );
}

#[tokio::test]
async fn the_demo_curator_cannot_log_in_with_a_guessable_password() {
    let app = spawn_app().await;
    seed(&app).await;

    let res = app.login("terry-tang", crate::common::PASSWORD).await;

    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let session = app.get_json("/api/v1/session", StatusCode::OK).await;
    assert!(session["user"].is_null(), "logged in as {}", session["user"]);
}

//! Tests: `bench/run`'s measuring aids (issue 18, item 6). The reference page is the demo thread
//! page rendered from memory, served only when `AGORA_BENCH_REFERENCE` turns it on and never in
//! the route table; `Server-Timing` is sent only when `AGORA_SERVER_TIMING` turns it on.

use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{TestApp, route_table, spawn_app, spawn_app_with};

const DEMO: &str = "/threads/open-vs-closed-weights";
const REFERENCE: &str = "/bench/reference";

async fn seed_demo(app: &TestApp) {
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || agora::ops::demo::seed_if_absent(&pool).expect("seeding the demo"))
        .await
        .unwrap();
}

/// The page's `<main>` element, as HTML.
fn main_of(html: &str) -> String {
    let doc = Html::parse_document(html);
    doc.select(&Selector::parse("main").unwrap()).next().expect("a <main> element").html()
}

#[tokio::test]
async fn the_reference_page_and_server_timing_are_off_by_default() {
    let app = spawn_app().await;
    seed_demo(&app).await;

    assert_eq!(app.get(REFERENCE).await.status(), StatusCode::NOT_FOUND);
    let routes = route_table(&app).await;
    assert!(!routes.is_empty());
    assert!(routes.iter().all(|(_, path)| !path.starts_with("/bench")), "{routes:?}");
    let res = app.get(DEMO).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("server-timing").is_none());
}

#[tokio::test]
async fn the_reference_page_is_the_demo_thread_page_kept_in_memory() {
    let app = spawn_app_with(|s| {
        s.bench.reference = true;
        s.bench.server_timing = true;
    })
    .await;
    seed_demo(&app).await;

    let reference = app.get(REFERENCE).await;
    assert_eq!(reference.status(), StatusCode::OK);
    let timing = reference.headers().get("server-timing").expect("Server-Timing").to_str().unwrap().to_owned();
    let ms = timing.strip_prefix("app;dur=").unwrap_or_else(|| panic!("{timing}"));
    assert!(ms.parse::<f64>().is_ok_and(|ms| ms >= 0.0), "{timing}");
    let reference = reference.text().await.unwrap();
    let thread = app.page(DEMO).await;
    assert_eq!(main_of(&reference), main_of(&thread), "the same content through the same templates");

    // Kept in memory: a change shows on the thread page, not on the reference.
    app.query(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query(
            "UPDATE threads SET title = 'Renamed for the test', version = version + 1 \
             WHERE slug = 'open-vs-closed-weights'",
        )
        .execute(c)
        .unwrap()
    })
    .await;
    assert!(app.page(DEMO).await.contains("Renamed for the test"));
    let again = app.page(REFERENCE).await;
    assert!(!again.contains("Renamed for the test"));
    assert_eq!(main_of(&again), main_of(&reference));
    // Still never in the route table.
    assert!(route_table(&app).await.iter().all(|(_, path)| !path.starts_with("/bench")));
}

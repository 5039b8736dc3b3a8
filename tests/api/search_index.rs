//! Tests: the search indexer (issue 18, item 6). A synthesis save marks its thread instead of
//! rewriting its search document, and the indexer (`ops::search_index`, in every instance)
//! rewrites marked documents just after commit; hiding takes text out of search at once.

use std::time::Duration;

use agora::db::schema::{changes, threads};
use agora::domain::roles::Role;
use agora::ops::search_index;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::eventually;
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

impl TestApp {
    /// Waits until every marked thread's search document is current: runs the indexer here
    /// (as another instance would; safe beside the app's own), then waits for what the app's
    /// indexer still holds. Tests that search right after a synthesis save call it.
    pub async fn indexed(&self) {
        search_index::run_once(&self.pool).await.expect("run the search indexer");
        let app = self.clone();
        let done = eventually(Duration::from_secs(15), || {
            let app = app.clone();
            async move { app.marked().await == 0 }
        })
        .await;
        assert!(done, "the search indexer catches up");
    }

    /// How many threads wait for the indexer.
    async fn marked(&self) -> i64 {
        self.query(|c| threads::table.filter(threads::search_stale).count().get_result::<i64>(c).unwrap()).await
    }
}

/// The titles `GET /api/v1/search?q=` finds, as an anonymous reader.
async fn found(app: &TestApp, q: &str) -> Vec<String> {
    let body: Value = app.another_browser().get_json(&format!("/api/v1/search?q={q}"), StatusCode::OK).await;
    body["results"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
}

/// The app without its own indexer: documents change only when a test runs one.
async fn app_without_indexer() -> TestApp {
    spawn_app_with(|s| s.search_index.enabled = false).await
}

#[tokio::test]
async fn a_save_marks_its_thread_and_the_indexer_makes_its_words_searchable() {
    let app = app_without_indexer().await;
    let slug = app.curated_thread().await;
    assert_eq!(app.marked().await, 0, "creating a thread indexes it in its own transaction");
    assert_eq!(found(&app, "Pluto").await, ["Is Pluto a planet?"]);

    app.save_synthesis_ok(&slug, 0, "Kuiper belt objects abound.", "start").await;
    assert_eq!(app.marked().await, 1, "the save marked its thread");
    assert!(found(&app, "Kuiper").await.is_empty(), "the save itself did not rewrite the document");

    assert_eq!(search_index::run_once(&app.pool).await.unwrap(), 1);
    assert_eq!(app.marked().await, 0);
    assert_eq!(found(&app, "Kuiper").await, ["Is Pluto a planet?"]);
    assert_eq!(search_index::run_once(&app.pool).await.unwrap(), 0, "nothing left to do");
}

#[tokio::test]
async fn the_apps_own_indexer_makes_a_save_searchable_within_moments() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Plutinos share its orbit.", "start").await;
    let seen = eventually(Duration::from_secs(5), || {
        let app = app.clone();
        async move { found(&app, "Plutinos").await == ["Is Pluto a planet?"] }
    })
    .await;
    assert!(seen, "the words of the save are found without anyone running the indexer by hand");
    assert_eq!(app.marked().await, 0);
}

#[tokio::test]
async fn a_thread_held_by_a_save_in_progress_stays_marked_for_the_next_round() {
    let app = app_without_indexer().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Eris is more massive.", "start").await;

    // A transaction holding the thread's row, as a save does until it commits.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let (locked, wait_locked) = std::sync::mpsc::channel::<()>();
    let pool = app.pool.clone();
    let holder = std::thread::spawn(move || {
        let mut c = pool.get().unwrap();
        c.transaction::<_, diesel::result::Error, _>(|c| {
            threads::table.filter(threads::search_stale).select(threads::id).for_no_key_update().load::<i64>(c)?;
            locked.send(()).unwrap();
            held.recv().unwrap();
            Ok(())
        })
        .unwrap();
    });
    wait_locked.recv().unwrap();
    assert_eq!(search_index::run_once(&app.pool).await.unwrap(), 0, "the held thread is skipped, not waited for");
    assert_eq!(app.marked().await, 1, "and stays marked");

    release.send(()).unwrap();
    holder.join().unwrap();
    assert_eq!(search_index::run_once(&app.pool).await.unwrap(), 1);
    assert_eq!(found(&app, "Eris").await, ["Is Pluto a planet?"]);
}

/// More threads than one indexer batch (50).
const THREADS: i64 = 60;

#[tokio::test]
async fn indexers_of_two_instances_at_once_index_each_thread() {
    let app = app_without_indexer().await;
    app.login_as("alice", Role::Curator).await;
    let mut slugs = Vec::new();
    for i in 0..THREADS {
        slugs.push(app.api_create_thread(&format!("Dwarf planet number {i}")).await);
    }
    for slug in &slugs {
        app.save_synthesis_ok(slug, 0, "Haumea spins fast.", "start").await;
    }
    assert_eq!(app.marked().await, THREADS);

    let (a, b) = tokio::join!(search_index::run_once(&app.pool), search_index::run_once(&app.pool));
    let (a, b) = (a.unwrap(), b.unwrap());
    // Each round ends at its first short batch, so both may leave some for the next tick.
    let rest = search_index::run_once(&app.pool).await.unwrap();
    assert_eq!(i64::try_from(a + b + rest).unwrap(), THREADS, "every marked thread indexed once: {a} + {b} + {rest}");
    assert_eq!(app.marked().await, 0);
    let documents_with_the_word = app
        .query(|c| {
            diesel::sql_query("SELECT id FROM threads WHERE search @@ to_tsquery('english', 'haumea')")
                .execute(c)
                .unwrap()
        })
        .await;
    assert_eq!(i64::try_from(documents_with_the_word).unwrap(), THREADS);
}

#[tokio::test]
async fn hiding_the_current_revision_takes_its_words_out_of_search_at_once() {
    // No indexer at all: what hiding removes must leave search in the hide's own transaction.
    let app = app_without_indexer().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Charon is its moon.", "start").await;
    app.save_synthesis_ok(&slug, 1, "Charon is its moon. Call 555-0199.", "phone").await;
    search_index::run_once(&app.pool).await.unwrap();
    assert_eq!(found(&app, "555").await, ["Is Pluto a planet?"], "indexed before the hide");

    let change =
        app.query(|c| changes::table.filter(changes::rev_seq.eq(2)).select(changes::id).first::<i64>(c).unwrap()).await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let res = maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "phone number")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    assert!(found(&app, "555").await.is_empty(), "the hidden words are not found, without an indexer round");
    assert_eq!(found(&app, "Charon").await, ["Is Pluto a planet?"], "the restored text is");
    assert_eq!(app.marked().await, 0, "the document is current");
}

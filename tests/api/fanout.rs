//! Fan-out after commit (issue 18, item 9): a save records its change once in the outbox, and
//! the worker writes the followers' notifications afterwards, in batches, exactly once whatever
//! happens to the workers.

use std::time::Duration;

use agora::config::FanoutSettings;
use agora::domain::roles::Role;
use agora::ops::fanout::{self, Round};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use reqwest::StatusCode;

use crate::common::{blocking, eventually, fixture_hash};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};
use crate::notifications::save_synthesis_times;

impl TestApp {
    /// Waits until every change recorded so far has reached its followers: runs the fan-out
    /// here (as another instance would; safe beside the app's own worker), then waits for what
    /// the app's worker still holds. Tests that read notifications right after a save call it.
    pub async fn fanned_out(&self) {
        fanout::run_once(&self.pool, &FanoutSettings::default()).await.expect("run the fan-out");
        let pool = self.pool.clone();
        let drained = eventually(Duration::from_secs(15), || {
            let pool = pool.clone();
            async move { blocking(move || pending(&mut pool.get().unwrap())).await == 0 }
        })
        .await;
        assert!(drained, "the outbox drains");
    }

    /// Inserts `n` readers `<prefix>1`..`<prefix>n` following `slug` (fixture rows, in bulk).
    async fn followers(&self, prefix: &str, n: i64, slug: &str) {
        let (prefix, slug) = (prefix.to_owned(), slug.to_owned());
        self.query(move |c| {
            diesel::sql_query(
                "WITH made AS (INSERT INTO users (username, password_hash, role) \
                     SELECT $1 || g, $2, 'reader' FROM generate_series(1, $3) g RETURNING id) \
                 INSERT INTO follows (user_id, thread_id) SELECT made.id, t.id FROM made, threads t WHERE t.slug = $4",
            )
            .bind::<Text, _>(prefix)
            .bind::<Text, _>(fixture_hash())
            .bind::<BigInt, _>(n)
            .bind::<Text, _>(slug)
            .execute(c)
            .unwrap();
        })
        .await;
    }

    /// (notifications of `slug`, the smallest and the largest change count among them).
    async fn notified(&self, slug: &str) -> (i64, i32, i32) {
        #[derive(QueryableByName)]
        struct Counts {
            #[diesel(sql_type = BigInt)]
            n: i64,
            #[diesel(sql_type = diesel::sql_types::Int4)]
            least: i32,
            #[diesel(sql_type = diesel::sql_types::Int4)]
            most: i32,
        }
        let slug = slug.to_owned();
        let c: Counts = self
            .query(move |c| {
                diesel::sql_query(
                    "SELECT count(*) AS n, COALESCE(min(n.change_count), 0) AS least, \
                            COALESCE(max(n.change_count), 0) AS most \
                     FROM notifications n JOIN threads t ON t.id = n.thread_id WHERE t.slug = $1",
                )
                .bind::<Text, _>(slug)
                .get_result(c)
                .unwrap()
            })
            .await;
        (c.n, c.least, c.most)
    }

    async fn outbox_rows(&self) -> i64 {
        self.query(pending).await
    }
}

fn pending(c: &mut PgConnection) -> i64 {
    agora::db::fanout::pending_count(c).unwrap()
}

/// The app with its fan-out worker off: the tests run the fan-out themselves.
async fn paused_app() -> TestApp {
    spawn_app_with(|s| s.fanout.enabled = false).await
}

fn settings(batch: i64) -> FanoutSettings {
    FanoutSettings { batch, ..FanoutSettings::default() }
}

/// A curator `cora` logged in on `app` with a thread; its slug.
async fn curated(app: &TestApp) -> String {
    app.login_as("cora", Role::Curator).await;
    app.create_thread("Is coffee good for you").await
}

#[tokio::test]
async fn a_save_writes_one_outbox_row_and_no_notification_whatever_the_audience() {
    let app = paused_app().await;
    let slug = curated(&app).await;
    app.followers("f", 300, &slug).await;
    save_synthesis_times(&app, &slug, 0, 1).await;
    // The save committed: its change waits in the outbox, and not one notification was written.
    assert_eq!(app.outbox_rows().await, 1);
    assert_eq!(app.count("notifications").await, 0, "the save's transaction wrote no notification");
    // A thread without followers queues nothing at all.
    let lonely = app.create_thread("Is tea good for you").await;
    save_synthesis_times(&app, &lonely, 0, 1).await;
    assert_eq!(app.outbox_rows().await, 1);

    // The worker runs in batches of 64: every follower hears once.
    let round = fanout::run_once(&app.pool, &settings(64)).await.unwrap();
    assert_eq!((round.entries, round.followers, round.failed), (1, 300, 0));
    assert!(round.batches >= 5, "300 followers take five batches of 64 and more: {round:?}");
    assert_eq!(app.notified(&slug).await, (300, 1, 1));
    assert_eq!(app.outbox_rows().await, 0);
}

#[tokio::test]
async fn a_burst_of_saves_is_one_pass_with_every_change_counted() {
    let app = paused_app().await;
    let slug = curated(&app).await;
    app.followers("f", 20, &slug).await;
    save_synthesis_times(&app, &slug, 0, 3).await;
    assert_eq!(app.outbox_rows().await, 3, "one row per save");
    let round = fanout::run_once(&app.pool, &settings(10_000)).await.unwrap();
    assert_eq!((round.entries, round.batches, round.followers), (1, 1, 20), "three saves, one pass");
    assert_eq!(app.notified(&slug).await, (20, 3, 3), "each notification counts the three changes");
}

#[tokio::test]
async fn the_fan_out_does_not_wait_for_the_threads_row() {
    let app = paused_app().await;
    let slug = curated(&app).await;
    app.followers("f", 10, &slug).await;
    save_synthesis_times(&app, &slug, 0, 1).await;
    // A save in progress holds the thread's row (as `threads::lock_rows` and the head's
    // compare-and-swap take it); the fan-out of the previous change goes on.
    let url = app.database.url.clone();
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let mut conn = PgConnection::establish(&url).unwrap();
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::sql_query("SELECT id FROM threads FOR NO KEY UPDATE").execute(c)?;
            locked_tx.send(()).unwrap();
            release_rx.recv_timeout(Duration::from_secs(30)).ok();
            Ok(())
        })
        .unwrap();
    });
    blocking(move || locked_rx.recv().unwrap()).await;
    let round = tokio::time::timeout(Duration::from_secs(10), fanout::run_once(&app.pool, &settings(10_000))).await;
    release_tx.send(()).unwrap();
    blocking(move || holder.join().unwrap()).await;
    assert_eq!(round.expect("the fan-out finished while the thread was locked").unwrap().followers, 10);
    assert_eq!(app.notified(&slug).await, (10, 1, 1));
}

#[tokio::test]
async fn two_workers_at_once_write_every_notification_exactly_once_and_in_order() {
    let app = paused_app().await;
    let slug = curated(&app).await;
    let other = app.create_thread("Is tea good for you").await;
    app.followers("f", 30, &slug).await;
    app.followers("g", 30, &other).await;
    // On each thread: a save, then a minor edit, which only counts into the notification the
    // save opens, so it must land after it; then another save by someone else.
    let minor = |slug: String, base: &'static str| {
        let app = app.clone();
        async move {
            let fields = [("base_seq", base), ("body", "Typo fixed."), ("summary", "typo"), ("minor", "true")];
            let res = app.post_form(&format!("/threads/{slug}/synthesis"), &fields).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "minor save");
        }
    };
    let mona = app.browser_as("mona", Role::Moderator).await;
    for s in [&slug, &other] {
        save_synthesis_times(&app, s, 0, 1).await;
        minor(s.clone(), "1").await;
        save_synthesis_times(&mona, s, 2, 1).await;
    }
    assert_eq!(app.outbox_rows().await, 6);
    // Batches of one follower, so the two workers interleave on the blocking pool.
    let one = settings(1);
    let (a, b) = tokio::join!(fanout::run_once(&app.pool, &one), fanout::run_once(&app.pool, &one));
    let (a, b): (Round, Round) = (a.unwrap(), b.unwrap());
    // Every batch of one follower was written by one worker only: 60 followers × 3 entries.
    assert_eq!(a.followers + b.followers, 180, "{a:?} {b:?}");
    assert_eq!((a.entries + b.entries, a.failed + b.failed), (6, 0));
    assert_eq!(app.outbox_rows().await, 0);
    assert_eq!(app.notified(&slug).await, (30, 3, 3), "save, minor edit and save, in order, once each");
    assert_eq!(app.notified(&other).await, (30, 3, 3));
}

#[tokio::test]
async fn a_worker_that_dies_between_batches_leaves_the_rest_to_another_without_repeats() {
    let app = paused_app().await;
    let slug = curated(&app).await;
    app.followers("f", 5, &slug).await;
    save_synthesis_times(&app, &slug, 0, 1).await;
    // One worker commits a batch of two, then is gone.
    let first =
        app.query(|c| fanout::step_in(c, &settings(2), &[], &mut None).unwrap()).await.expect("a batch to write");
    assert_eq!((first.followers, first.done), (2, false));
    assert_eq!(app.notified(&slug).await, (2, 1, 1));
    // Another instance's worker picks the entry up where it stopped.
    let round = fanout::run_once(&app.pool, &settings(2)).await.unwrap();
    assert_eq!((round.followers, round.entries), (3, 1));
    assert_eq!(app.notified(&slug).await, (5, 1, 1), "five followers, each notified once");
}

#[tokio::test]
async fn a_batch_held_past_its_lease_is_rolled_back_and_redone_once_by_another_worker() {
    let app = paused_app().await;
    let slug = curated(&app).await;
    app.followers("f", 5, &slug).await;
    save_synthesis_times(&app, &slug, 0, 1).await;
    // A worker claims the entry and writes a batch, then hangs before committing.
    let url = app.database.url.clone();
    let (wrote_tx, wrote_rx) = std::sync::mpsc::channel();
    let stalled = std::thread::spawn(move || {
        let mut conn = PgConnection::establish(&url).unwrap();
        let lease = FanoutSettings { lease: Duration::from_secs(1), ..settings(10_000) };
        conn.transaction::<_, agora::error::AppError, _>(|c| {
            diesel::sql_query("SET LOCAL idle_in_transaction_session_timeout = 1000").execute(c)?;
            let step = fanout::claim_and_write_in(c, &lease, &[], &mut None)?;
            wrote_tx.send(step.map(|s| s.followers)).unwrap();
            std::thread::sleep(Duration::from_secs(3));
            Ok(())
        })
    });
    let wrote = blocking(move || wrote_rx.recv().unwrap()).await;
    assert_eq!(wrote, Some(5), "the stalled worker wrote its batch");
    // Meanwhile another worker skips the claimed entry, and nothing of the batch is visible.
    let round = fanout::run_once(&app.pool, &settings(10_000)).await.unwrap();
    assert_eq!(round.batches, 0, "the claimed entry is skipped");
    assert_eq!(app.notified(&slug).await.0, 0);
    // Once the lease is over, PostgreSQL ends the stalled transaction and the batch is redone.
    let pool = app.pool.clone();
    let redone = eventually(Duration::from_secs(20), || {
        let pool = pool.clone();
        async move { fanout::run_once(&pool, &settings(10_000)).await.unwrap().followers == 5 }
    })
    .await;
    assert!(redone, "another worker redid the batch");
    let outcome = blocking(move || stalled.join().unwrap()).await;
    assert!(outcome.is_err(), "the stalled worker could not commit its batch after its lease");
    assert_eq!(app.notified(&slug).await, (5, 1, 1), "each follower notified exactly once");
    assert_eq!(app.outbox_rows().await, 0);
}

#[tokio::test]
async fn the_apps_own_worker_delivers_a_notification_after_the_save() {
    let app = spawn_app().await;
    let slug = curated(&app).await;
    app.followers("f", 3, &slug).await;
    save_synthesis_times(&app, &slug, 0, 1).await;
    let app2 = app.clone();
    let slug2 = slug.clone();
    let seen = eventually(Duration::from_secs(10), || {
        let (app, slug) = (app2.clone(), slug2.clone());
        async move { app.notified(&slug).await.0 == 3 }
    })
    .await;
    assert!(seen, "the worker inside the app wrote the notifications");
    assert_eq!(app.outbox_rows().await, 0);
}

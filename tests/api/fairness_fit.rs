//! The fair-summary fitter against the database (issue 17, items 8–10): what a fit stores, whose
//! ratings it leaves out, the declared camps' shares, one fitter at a time, and when the worker
//! refits.

use std::time::Duration;

use agora::config::FairnessSettings;
use agora::db::PgPool;
use agora::domain::fairness::CampShare;
use agora::domain::roles::Role;
use agora::ops::fairness_fit::{self, FitSummary};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Int4, Jsonb, Text, Timestamptz};

use crate::helpers::{TestApp, spawn_app};

/// The fixture: a thread with two interpretations (camp A's and camp B's) and a synthesis, and a
/// second thread with three texts nobody finds fair, so the mean rating is not degenerate.
struct Site {
    thread: i64,
    interp_a: i64,
    interp_b: i64,
}

/// One stored score row.
#[derive(Debug, QueryableByName)]
struct Score {
    #[diesel(sql_type = Text)]
    item_kind: String,
    #[diesel(sql_type = BigInt)]
    item_id: i64,
    #[diesel(sql_type = Int4)]
    ratings: i32,
    #[diesel(sql_type = Double)]
    intercept: f64,
    #[diesel(sql_type = Double)]
    factor: f64,
    #[diesel(sql_type = Bool)]
    fair: bool,
    #[diesel(sql_type = Jsonb)]
    camps: serde_json::Value,
}

impl Score {
    fn shares(&self) -> Vec<CampShare> {
        serde_json::from_value(self.camps.clone()).unwrap()
    }
}

#[derive(Debug, QueryableByName)]
struct FitRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Timestamptz)]
    fitted_at: DateTime<Utc>,
    #[diesel(sql_type = Int4)]
    ratings: i32,
    #[diesel(sql_type = Int4)]
    raters: i32,
    #[diesel(sql_type = Int4)]
    items: i32,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn exec(c: &mut PgConnection, sql: &str) {
    diesel::sql_query(sql).execute(c).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn settings() -> FairnessSettings {
    FairnessSettings::default()
}

impl TestApp {
    /// Camp A: readers fa1..fa8 (declared); camp B: fb1..fb6 (declared), fb7 ("none of these"),
    /// fb8 (no camp declared). Each rates the synthesis yes, their side's interpretation yes and
    /// the other no, and the second thread's three texts no.
    async fn fairness_site(&self) -> Site {
        self.login_as("fair_curator", Role::Curator).await;
        let first = self.create_thread("Fair first").await;
        let second = self.create_thread("Fair second").await;
        self.query(move |c| {
            let id_of = |c: &mut PgConnection, sql: String| diesel::sql_query(sql).get_result::<Id>(c).unwrap().id;
            let thread = id_of(c, format!("SELECT id FROM threads WHERE slug = '{first}'"));
            let other = id_of(c, format!("SELECT id FROM threads WHERE slug = '{second}'"));
            let interp = |c: &mut PgConnection, t: i64, pos: i32| {
                id_of(
                    c,
                    format!(
                        "INSERT INTO interpretations (thread_id, position, title, body_md, body_html) \
                         VALUES ({t}, {pos}, 'Reading {pos}', 'Text', '<p>Text</p>') RETURNING id"
                    ),
                )
            };
            let (interp_a, interp_b) = (interp(c, thread, 1), interp(c, thread, 2));
            let poor: Vec<i64> = (1..=3).map(|p| interp(c, other, p)).collect();
            exec(
                c,
                "INSERT INTO users (username, password_hash, role) \
                 SELECT 'fa' || g, 'x', 'reader' FROM generate_series(1, 8) g \
                 UNION ALL SELECT 'fb' || g, 'x', 'reader' FROM generate_series(1, 8) g",
            );
            exec(
                c,
                &format!(
                    "INSERT INTO reader_camps (user_id, thread_id, interpretation_id) \
                     SELECT id, {thread}, CASE WHEN username LIKE 'fa%' THEN {interp_a} \
                                              WHEN username = 'fb7' THEN NULL ELSE {interp_b} END \
                     FROM users WHERE username ~ '^f[ab][0-9]$' AND username <> 'fb8'"
                ),
            );
            let rate = |c: &mut PgConnection, t: i64, kind: &str, item: i64, value_a: i32, value_b: i32| {
                exec(
                    c,
                    &format!(
                        "INSERT INTO fairness_ratings (user_id, thread_id, item_kind, item_id, version, value) \
                         SELECT id, {t}, '{kind}', {item}, 1, \
                                CASE WHEN username LIKE 'fa%' THEN {value_a} ELSE {value_b} END \
                         FROM users WHERE username ~ '^f[ab][0-9]$' ORDER BY id"
                    ),
                )
            };
            rate(c, thread, "synthesis", thread, 2, 2);
            rate(c, thread, "interpretation", interp_a, 2, 0);
            rate(c, thread, "interpretation", interp_b, 0, 2);
            for p in poor {
                rate(c, other, "interpretation", p, 0, 0);
            }
            Site { thread, interp_a, interp_b }
        })
        .await
    }

    async fn fit(&self) -> Option<FitSummary> {
        fairness_fit::fit_now(&self.pool, &settings()).await.expect("the fit runs")
    }

    async fn scores(&self) -> Vec<Score> {
        self.query(|c| {
            diesel::sql_query(
                "SELECT item_kind, item_id, ratings, intercept, factor, fair, camps FROM fairness_scores \
                 ORDER BY item_kind DESC, item_id",
            )
            .load(c)
            .unwrap()
        })
        .await
    }

    async fn fits(&self) -> Vec<FitRow> {
        self.query(|c| {
            diesel::sql_query("SELECT id, fitted_at, ratings, raters, items FROM fairness_fits ORDER BY id")
                .load(c)
                .unwrap()
        })
        .await
    }

    async fn thread_version(&self, thread: i64) -> i64 {
        self.query(move |c| {
            diesel::sql_query(format!("SELECT version AS id FROM threads WHERE id = {thread}"))
                .get_result::<Id>(c)
                .unwrap()
                .id
        })
        .await
    }
}

fn score<'a>(scores: &'a [Score], kind: &str, id: i64) -> &'a Score {
    scores.iter().find(|s| s.item_kind == kind && s.item_id == id).unwrap_or_else(|| panic!("a score for {kind} {id}"))
}

#[tokio::test]
async fn a_fit_stores_its_time_counts_and_a_score_per_item_version_marking_only_the_shared_text() {
    let app = spawn_app().await;
    let site = app.fairness_site().await;
    let version_before = app.thread_version(site.thread).await;
    let before = Utc::now();

    let summary = app.fit().await.expect("no other fitter");

    let fits = app.fits().await;
    assert_eq!(fits.len(), 1);
    let fit = &fits[0];
    assert_eq!(fit.id, summary.fit_id);
    assert!(fit.fitted_at >= before - chrono::Duration::seconds(1) && fit.fitted_at <= Utc::now());
    assert_eq!((fit.ratings, fit.raters, fit.items), (16 * 6, 16, 6));
    assert_eq!(summary.last_change_seq, 16 * 6, "the fit saw every rating change");

    let scores = app.scores().await;
    assert_eq!(scores.len(), 6);
    let synthesis = score(&scores, "synthesis", site.thread);
    let a = score(&scores, "interpretation", site.interp_a);
    let b = score(&scores, "interpretation", site.interp_b);
    println!("synthesis {synthesis:?}\ninterp A {a:?}\ninterp B {b:?}");
    assert_eq!(synthesis.ratings, 16);
    assert!(synthesis.fair, "both camps call the synthesis fair: {synthesis:?}");
    assert!(!a.fair && !b.fair, "each interpretation is one camp's only");
    assert!(a.factor.abs() >= 0.5 && b.factor.abs() >= 0.5);
    assert!(synthesis.intercept > a.intercept && synthesis.intercept > b.intercept);
    assert!(app.thread_version(site.thread).await > version_before, "the cached thread page is refreshed");

    // A second fit replaces the first one's scores.
    let again = app.fit().await.unwrap();
    assert!(again.fit_id > summary.fit_id);
    assert_eq!(app.count("fairness_scores").await, 6);
    assert_eq!(app.count("fairness_fits").await, 2);
}

#[tokio::test]
async fn the_camps_shares_count_declared_raters_and_their_yes_answers() {
    let app = spawn_app().await;
    let site = app.fairness_site().await;
    app.fit().await.unwrap();
    let scores = app.scores().await;
    // fb7 said "none of these"; fb8 declared nothing and is in no share.
    assert_eq!(
        score(&scores, "synthesis", site.thread).shares(),
        vec![
            CampShare { camp: Some(site.interp_a), raters: 8, yes: 8 },
            CampShare { camp: Some(site.interp_b), raters: 6, yes: 6 },
            CampShare { camp: None, raters: 1, yes: 1 },
        ]
    );
    assert_eq!(
        score(&scores, "interpretation", site.interp_a).shares(),
        vec![
            CampShare { camp: Some(site.interp_a), raters: 8, yes: 8 },
            CampShare { camp: Some(site.interp_b), raters: 6, yes: 0 },
            CampShare { camp: None, raters: 1, yes: 0 },
        ]
    );
}

#[tokio::test]
async fn suspended_and_excluded_accounts_ratings_are_left_out_of_the_fit() {
    let app = spawn_app().await;
    let site = app.fairness_site().await;
    app.query(|c| {
        exec(c, "UPDATE users SET suspended_at = now() WHERE username IN ('fa1', 'fa2')");
        exec(c, "UPDATE users SET ratings_excluded_at = now() WHERE username = 'fa3'");
        // A suspension that has run out no longer excludes.
        exec(
            c,
            "UPDATE users SET suspended_at = now() - interval '2 days', suspended_until = now() - interval '1 day' \
             WHERE username = 'fa4'",
        );
        // A suspension until a later date does.
        exec(
            c,
            "UPDATE users SET suspended_at = now(), suspended_until = now() + interval '1 day' WHERE username = 'fb1'",
        );
    })
    .await;
    app.fit().await.unwrap();
    let fit = app.fits().await.pop().unwrap();
    assert_eq!((fit.ratings, fit.raters), (12 * 6, 12), "four accounts' ratings are left out");
    let scores = app.scores().await;
    let synthesis = score(&scores, "synthesis", site.thread);
    assert_eq!(synthesis.ratings, 12);
    assert_eq!(
        synthesis.shares(),
        vec![
            CampShare { camp: Some(site.interp_a), raters: 5, yes: 5 },
            CampShare { camp: Some(site.interp_b), raters: 5, yes: 5 },
            CampShare { camp: None, raters: 1, yes: 1 },
        ]
    );
}

/// Holds the fitter's row locked on a connection of its own until told to let go.
fn hold_fitter_row(pool: PgPool) -> (std::sync::mpsc::Receiver<()>, std::sync::mpsc::Sender<()>) {
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let mut c = pool.get().unwrap();
        c.transaction::<_, diesel::result::Error, _>(|c| {
            exec(c, "SELECT * FROM fairness_fitter FOR UPDATE");
            locked_tx.send(()).unwrap();
            release_rx.recv().ok();
            Ok(())
        })
        .unwrap();
    });
    (locked_rx, release_tx)
}

#[tokio::test]
async fn of_two_fits_started_at_once_exactly_one_fits() {
    let app = spawn_app().await;
    app.fairness_site().await;
    // Both fitters' lease updates wait on the locked row, then race for it when it is let go.
    let (locked, release) = hold_fitter_row(app.pool.clone());
    tokio::task::spawn_blocking(move || locked.recv().unwrap()).await.unwrap();
    let (p1, p2) = (app.pool.clone(), app.pool.clone());
    let first = tokio::spawn(async move { fairness_fit::fit_now(&p1, &settings()).await });
    let second = tokio::spawn(async move { fairness_fit::fit_now(&p2, &settings()).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    release.send(()).unwrap();
    let outcomes = [first.await.unwrap().unwrap(), second.await.unwrap().unwrap()];
    assert_eq!(outcomes.iter().filter(|o| o.is_some()).count(), 1, "{outcomes:?}");
    assert_eq!(app.count("fairness_fits").await, 1);
    // The lease was given back: the next fit runs.
    assert!(app.fit().await.is_some());
}

#[tokio::test]
async fn a_fitter_holding_the_lease_keeps_others_out_until_it_runs_out() {
    let app = spawn_app().await;
    app.fairness_site().await;
    app.query(|c| exec(c, "UPDATE fairness_fitter SET lease_until = now() + interval '1 minute', holder = 'other'"))
        .await;
    assert!(app.fit().await.is_none());
    assert_eq!(app.count("fairness_fits").await, 0);
    app.query(|c| exec(c, "UPDATE fairness_fitter SET lease_until = now() - interval '1 second'")).await;
    assert!(app.fit().await.is_some(), "a crashed fitter's lease runs out");
}

#[tokio::test]
async fn the_worker_refits_after_new_ratings_or_a_marked_change_only() {
    let app = spawn_app().await;
    app.fairness_site().await;
    let eager = FairnessSettings { after_ratings: 1, ..settings() };
    assert!(fairness_fit::tick(&app.pool, &eager).await.unwrap().is_some(), "ratings and no fit yet");
    assert!(fairness_fit::tick(&app.pool, &eager).await.unwrap().is_none(), "nothing changed since");
    // Excluding an account writes no rating: the op marks the change.
    app.query(|c| {
        exec(c, "UPDATE users SET ratings_excluded_at = now() WHERE username = 'fa1'");
        fairness_fit::mark_dirty_in(c).unwrap();
    })
    .await;
    let refit = fairness_fit::tick(&app.pool, &eager).await.unwrap().expect("a refit after the marked change");
    assert_eq!(refit.raters, 15);
    // With the default threshold (20 new ratings or 10 minutes), one change waits.
    app.query(|c| fairness_fit::mark_dirty_in(c).unwrap()).await;
    assert!(fairness_fit::tick(&app.pool, &settings()).await.unwrap().is_none());
}

#[tokio::test]
async fn suspending_an_account_through_the_form_makes_the_worker_refit_without_its_ratings() {
    let app = spawn_app().await;
    app.fairness_site().await;
    let eager = FairnessSettings { after_ratings: 1, ..settings() };
    assert_eq!(fairness_fit::tick(&app.pool, &eager).await.unwrap().expect("a first fit").raters, 16);
    let admin = app.another_browser();
    admin.login_as("fair_admin", Role::Admin).await;
    let id = app.query(|c| agora::db::users::by_username(c, "fb2").unwrap().unwrap().id).await;
    let res = admin.post_form(&format!("/admin/users/{id}/suspend"), &[("reason", "sock puppet")]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER, "suspend fb2");
    let refit = fairness_fit::tick(&app.pool, &eager).await.unwrap().expect("the suspension counts as a change");
    assert_eq!(refit.raters, 15);
}

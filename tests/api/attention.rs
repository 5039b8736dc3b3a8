//! Tests: "needs attention" (issue 17, items 5-6) — a synthesis that predates a landmark or
//! major event, an open question left quiet; the badge on the thread page and the index, the
//! index filter, the queue page and its API, and that only doing the work clears the flag.

use agora::config::AttentionSettings;
use agora::domain::roles::Role;
use chrono::{Duration, NaiveDate, Utc};
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_json, location, spawn_app, spawn_app_with};
use crate::pages::{attrs, texts};

/// A day `n` days ago (negative: in the future), as `YYYY-MM-DD`.
fn days_ago(n: i64) -> String {
    (Utc::now() - Duration::days(n)).date_naive().to_string()
}

/// The same day as the page writes it ("Jul 18, 2023").
fn shown(n: i64) -> String {
    (Utc::now() - Duration::days(n)).date_naive().format("%b %-d, %Y").to_string()
}

impl TestApp {
    /// The id of the thread at `slug`.
    async fn thread_id_of(&self, slug: &str) -> i64 {
        let slug = slug.to_owned();
        self.query(move |c| agora::db::threads::by_slug(c, &slug).unwrap().id).await
    }

    /// A thread by the logged-in curator with a synthesis (revision 1) saved `revised` days ago.
    async fn thread_revised(&self, title: &str, revised: i64) -> String {
        let slug = self.api_create_thread(title).await;
        self.api_save_synthesis_ok(&slug, 0, "What we know.", "first").await;
        self.backdate(&slug, 1, revised).await;
        slug
    }

    /// Moves revision `seq` of `slug` to `days` days ago (as the demo data does).
    async fn backdate(&self, slug: &str, seq: i32, days: i64) {
        let id = agora::domain::ids::ThreadId(self.thread_id_of(slug).await);
        self.query(move |c| agora::db::revisions::backdate(c, id, seq, Utc::now() - Duration::days(days)).unwrap())
            .await;
    }

    /// Records an event in the thread through the API; returns its id.
    async fn event_in(&self, slug: &str, date: &str, title: &str, significance: &str) -> i64 {
        let body = json!({ "date": date, "title": title, "significance": significance });
        let res = self.post_json(&format!("/api/v1/threads/{slug}/events"), &body).await;
        expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap()
    }

    /// Corrects an event through the API.
    async fn correct_event(&self, id: i64, date: &str, title: &str, significance: &str) {
        let body = json!({ "date": date, "title": title, "significance": significance, "reason": "correction" });
        let res = self.send_json(reqwest::Method::PUT, &format!("/api/v1/events/{id}"), &body).await;
        assert!(res.status().is_success(), "correct event: {}", res.status());
    }

    /// Opens a question through the API; returns its id.
    async fn ask(&self, slug: &str, question: &str) -> i64 {
        let res = self.post_json(&format!("/api/v1/threads/{slug}/questions"), &json!({ "question": question })).await;
        expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap()
    }

    /// Makes every unanswered question of `slug` quiet for `days` days, the way time would.
    async fn quiet_for(&self, slug: &str, days: i64) {
        let id = self.thread_id_of(slug).await;
        self.query(move |c| {
            diesel::sql_query(
                "UPDATE open_questions SET touched_at = now() - make_interval(days => $2::int) \
                 WHERE thread_id = $1 AND answered_at IS NULL",
            )
            .bind::<BigInt, _>(id)
            .bind::<BigInt, _>(days)
            .execute(c)
            .unwrap();
            agora::db::attention::refresh(c, &[agora::domain::ids::ThreadId(id)]).unwrap();
        })
        .await;
    }

    /// Whether the thread's JSON says it needs attention.
    async fn flagged(&self, slug: &str) -> bool {
        let json = self.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await;
        json["needs_attention"].as_bool().expect("needs_attention in the thread's JSON")
    }

    /// The reasons on the thread page's "Needs attention" notice (none: no notice).
    async fn reasons_shown(&self, slug: &str) -> Vec<String> {
        let html = self.page(&format!("/threads/{slug}")).await;
        let badge = texts(&html, "aside.attention .badge");
        let reasons = texts(&html, "aside.attention p.attention-reason");
        assert_eq!(badge.is_empty(), reasons.is_empty(), "a badge comes with its reasons");
        reasons
    }
}

#[tokio::test]
async fn a_major_event_newer_than_an_old_synthesis_flags_the_thread_with_the_reason_in_words() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.thread_revised("Open weights", 60).await;
    assert!(!app.flagged(&slug).await);
    assert!(app.reasons_shown(&slug).await.is_empty());

    app.event_in(&slug, &days_ago(30), "Llama 5 released", "major").await;

    assert!(app.flagged(&slug).await);
    assert_eq!(
        app.reasons_shown(&slug).await,
        [format!(
            "The synthesis (last revised {}) predates 1 major event linked since: Llama 5 released ({}).",
            shown(60),
            shown(30)
        )]
    );
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&html, "aside.attention .badge"), ["Needs attention"]);
    assert_eq!(attrs(&html, "aside.attention time", "datetime"), [days_ago(30)], "since the event");
}

#[tokio::test]
async fn older_notable_and_future_events_do_not_flag_the_thread() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.thread_revised("Open weights", 60).await;

    app.event_in(&slug, &days_ago(90), "Before the synthesis", "landmark").await;
    app.event_in(&slug, &days_ago(60), "The day of the synthesis", "landmark").await;
    app.event_in(&slug, &days_ago(30), "A notable one", "notable").await;
    app.event_in(&slug, &days_ago(-10), "Scheduled", "major").await;

    assert!(!app.flagged(&slug).await);
    assert!(app.reasons_shown(&slug).await.is_empty());
}

#[tokio::test]
async fn a_recent_revision_is_not_flagged_until_it_is_more_than_n_days_old() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.thread_revised("Open weights", 5).await;
    app.event_in(&slug, &days_ago(2), "Llama 5 released", "major").await;
    assert!(!app.flagged(&slug).await, "revised 5 days ago, within the default 14");

    app.backdate(&slug, 1, 15).await;
    assert!(app.flagged(&slug).await, "revised 15 days ago");

    // N is a setting.
    let short = spawn_app_with(|s| s.attention = AttentionSettings { event_days: 3, question_days: 90 }).await;
    short.login_as("alice", Role::Curator).await;
    let slug = short.thread_revised("Open weights", 5).await;
    short.event_in(&slug, &days_ago(2), "Llama 5 released", "major").await;
    assert!(short.flagged(&slug).await, "revised 5 days ago, more than N = 3");
}

#[tokio::test]
async fn a_thread_without_a_synthesis_is_flagged_by_a_linked_major_event() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.api_create_thread("Open weights").await;
    app.event_in(&slug, &days_ago(3), "Llama 5 released", "landmark").await;

    assert_eq!(
        app.reasons_shown(&slug).await,
        [format!("The thread has no synthesis yet, and 1 landmark event is linked: Llama 5 released ({}).", shown(3))]
    );
}

#[tokio::test]
async fn a_minor_revision_does_not_clear_the_flag_and_a_substantive_one_does() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.thread_revised("Open weights", 60).await;
    app.event_in(&slug, &days_ago(30), "Llama 5 released", "major").await;
    assert!(app.flagged(&slug).await);

    let minor = json!({ "base_seq": 1, "body": "What we know!", "summary": "typo", "minor": true });
    let res = app.post_json(&format!("/api/v1/threads/{slug}/synthesis"), &minor).await;
    assert_eq!(expect_json(res, StatusCode::CREATED).await["seq"], 2);
    assert!(app.flagged(&slug).await, "a minor revision is not the work");

    app.api_save_synthesis_ok(&slug, 2, "What we know, with Llama 5.", "Llama 5").await;
    assert!(!app.flagged(&slug).await);
    assert!(app.reasons_shown(&slug).await.is_empty());
}

#[tokio::test]
async fn unlinking_the_event_clears_the_flag() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.thread_revised("Open weights", 60).await;
    let event = app.event_in(&slug, &days_ago(30), "Llama 5 released", "major").await;
    assert!(app.flagged(&slug).await);

    let res = app.post_form(&format!("/threads/{slug}/events/{event}/unlink"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!app.flagged(&slug).await);

    // Linking it again flags it again.
    let res = app.post_form(&format!("/threads/{slug}/events/link"), &[("event_id", &event.to_string())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", location(&res));
    assert!(app.flagged(&slug).await);
}

#[tokio::test]
async fn lowering_the_significance_clears_the_flag_and_re_dating_the_event_moves_it() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.thread_revised("Open weights", 60).await;
    let event = app.event_in(&slug, &days_ago(30), "Llama 5 released", "major").await;
    assert!(app.flagged(&slug).await);

    app.correct_event(event, &days_ago(30), "Llama 5 released", "notable").await;
    assert!(!app.flagged(&slug).await, "a notable event does not count");

    app.correct_event(event, &days_ago(30), "Llama 5 released", "landmark").await;
    assert!(app.flagged(&slug).await);

    app.correct_event(event, &days_ago(70), "Llama 5 released", "landmark").await;
    assert!(!app.flagged(&slug).await, "dated before the synthesis now");

    app.correct_event(event, &days_ago(20), "Llama 5 released", "landmark").await;
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(attrs(&html, "aside.attention time", "datetime"), [days_ago(20)]);
}

#[tokio::test]
async fn a_question_quiet_for_more_than_m_days_flags_the_thread_until_it_is_answered() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.api_create_thread("Open weights").await;
    let question = app.ask(&slug, "Who audits open models?").await;
    assert!(!app.flagged(&slug).await, "a new question is activity");

    app.quiet_for(&slug, 120).await;
    assert!(app.flagged(&slug).await);
    assert_eq!(
        app.reasons_shown(&slug).await,
        ["An open question has had no activity for 120 days: “Who audits open models?”."]
    );

    let res = app
        .post_json(
            &format!("/api/v1/threads/{slug}/questions/{question}/answer"),
            &json!({ "answer": "The AI Office." }),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(!app.flagged(&slug).await, "answered");
}

#[tokio::test]
async fn editing_a_quiet_question_clears_the_flag_and_m_is_a_setting() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.api_create_thread("Open weights").await;
    let question = app.ask(&slug, "Who audits open models?").await;
    app.ask(&slug, "Who pays for audits?").await;
    app.quiet_for(&slug, 100).await;
    assert_eq!(
        app.reasons_shown(&slug).await,
        [
            "2 open questions have had no activity for more than 90 days: “Who audits open models?” (100 days) and “Who pays for audits?” (100 days)."
        ]
    );

    // Touching one leaves the other quiet; touching both clears the flag.
    let edit = |q: &str| json!({ "question": q, "base_version": 1 });
    let res = app
        .send_json(
            reqwest::Method::PUT,
            &format!("/api/v1/threads/{slug}/questions/{question}"),
            &edit("Who audits open-weight models?"),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        app.reasons_shown(&slug).await,
        ["An open question has had no activity for 100 days: “Who pays for audits?”."]
    );
    let other = app.thread_id_of(&slug).await;
    let other: i64 = app
        .query(move |c| {
            use agora::db::schema::open_questions as q;
            use diesel::prelude::*;
            q::table
                .filter(q::thread_id.eq(other).and(q::question.eq("Who pays for audits?")))
                .select(q::id)
                .first(c)
                .unwrap()
        })
        .await;
    let res = app
        .send_json(
            reqwest::Method::DELETE,
            &format!("/api/v1/threads/{slug}/questions/{other}"),
            &json!({ "reason": "merged" }),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(!app.flagged(&slug).await, "the quiet question was removed");

    let patient = spawn_app_with(|s| s.attention = AttentionSettings { event_days: 14, question_days: 200 }).await;
    patient.login_as("alice", Role::Curator).await;
    let slug = patient.api_create_thread("Open weights").await;
    patient.ask(&slug, "Who audits open models?").await;
    patient.quiet_for(&slug, 120).await;
    assert!(!patient.flagged(&slug).await, "within M = 200 days");
}

#[tokio::test]
async fn reasons_name_at_most_five_events_and_count_the_rest() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.thread_revised("Open weights", 60).await;
    for i in 0..7 {
        app.event_in(&slug, &days_ago(50 - i), &format!("Release {i}"), if i % 2 == 0 { "major" } else { "landmark" })
            .await;
    }
    let reasons = app.reasons_shown(&slug).await;
    assert_eq!(reasons.len(), 1);
    assert!(reasons[0].starts_with("The synthesis (last revised"), "{}", reasons[0]);
    assert!(reasons[0].contains("predates 7 landmark or major events linked since: Release 0 ("), "{}", reasons[0]);
    assert!(reasons[0].ends_with(") and 2 more."), "{}", reasons[0]);
    assert!(!reasons[0].contains("Release 5"), "{}", reasons[0]);
}

#[tokio::test]
async fn the_index_marks_flagged_threads_and_filters_them() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let stale = app.thread_revised("Stale thread", 60).await;
    app.event_in(&stale, &days_ago(30), "Llama 5 released", "major").await;
    let fresh = app.thread_revised("Fresh thread", 60).await;

    let anonymous = app.another_browser();
    let html = anonymous.page("/").await;
    assert_eq!(texts(&html, ".thread-card h2"), ["Fresh thread", "Stale thread"]);
    let badges: Vec<String> = texts(&html, ".thread-card .badge.attention");
    assert_eq!(badges, ["Needs attention"], "one badge, on the stale thread");
    crate::pages::assert_every_control_labelled(&html);

    let filtered = anonymous.page("/?attention=needs").await;
    assert_eq!(texts(&filtered, ".thread-card h2"), ["Stale thread"]);
    assert_eq!(attrs(&filtered, "#filter-attention option[selected]", "value"), ["needs"]);
    assert_eq!(anonymous.get("/?attention=maybe").await.status(), StatusCode::BAD_REQUEST);

    let json = anonymous.get_json("/api/v1/threads", StatusCode::OK).await;
    let flags: Vec<(String, bool)> = json["threads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["slug"].as_str().unwrap().to_owned(), t["needs_attention"].as_bool().unwrap()))
        .collect();
    assert_eq!(flags, [(fresh, false), (stale.clone(), true)]);
    let json = anonymous.get_json("/api/v1/threads?attention=needs", StatusCode::OK).await;
    assert_eq!(json["threads"].as_array().unwrap().len(), 1);
    assert_eq!(json["threads"][0]["slug"], stale.as_str());
    let res = anonymous.get("/api/v1/threads?attention=maybe").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_queue_lists_oldest_neglect_first_with_reasons_for_curators_only() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let recent = app.thread_revised("Recent neglect", 60).await;
    app.event_in(&recent, &days_ago(20), "Llama 5 released", "major").await;
    let old = app.api_create_thread("Old neglect").await;
    app.ask(&old, "Who audits open models?").await;
    app.quiet_for(&old, 120).await;
    app.thread_revised("Not neglected", 60).await;

    let html = app.page("/attention").await;
    assert_eq!(texts(&html, "h1"), ["Threads that need attention"]);
    assert_eq!(texts(&html, ".attention-item h2"), ["Old neglect", "Recent neglect"]);
    assert_eq!(attrs(&html, ".attention-item time", "datetime"), [days_ago(120), days_ago(20)]);
    let reasons = texts(&html, ".attention-item p:not(.meta)");
    assert_eq!(reasons[0], "An open question has had no activity for 120 days: “Who audits open models?”.");
    assert!(reasons[1].contains("predates 1 major event linked since: Llama 5 released"), "{reasons:?}");
    assert!(texts(&html, "header nav a").contains(&"Needs attention".to_owned()), "linked from the menu");
    // Moderators' header has no room left: they reach it from the review queue.
    let moderator = app.browser_as("moe", Role::Moderator).await;
    let queue = moderator.page("/moderation/queue").await;
    assert_eq!(attrs(&queue, "main a[href='/attention']", "href"), ["/attention"], "linked from the review queue");

    let json = app.get_json("/api/v1/attention", StatusCode::OK).await;
    let slugs: Vec<&str> = json["threads"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, [old.as_str(), recent.as_str()]);
    assert_eq!(json["threads"][0]["since"], days_ago(120));
    assert_eq!(json["threads"][1]["reasons"].as_array().unwrap().len(), 1);
    assert!(json["next_cursor"].is_null());

    let reader = app.browser_as("rita", Role::Reader).await;
    assert_eq!(reader.get("/attention").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(reader.get("/api/v1/attention").await.status(), StatusCode::FORBIDDEN);
    assert!(!texts(&reader.page("/").await, "header nav a").contains(&"Needs attention".to_owned()));
    let anonymous = app.another_browser();
    let res = anonymous.get("/attention").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
    assert_eq!(anonymous.get("/api/v1/attention").await.status(), StatusCode::UNAUTHORIZED);
    let moderator = app.browser_as("mona", Role::Moderator).await;
    assert_eq!(moderator.get("/attention").await.status(), StatusCode::OK);
}

/// Inserts `n` threads by `alice` directly, each flagged by an event dated `first` + i days.
async fn flagged_threads(app: &TestApp, n: i64, first: NaiveDate) {
    app.query(move |c| {
        diesel::sql_query(
            "INSERT INTO threads (slug, title, framing_question, created_by, stale_event_on) \
             SELECT 'many-' || g, 'Many ' || g, 'Is it?', u.id, $2 + g::int \
             FROM generate_series(1, $1) g, users u WHERE u.username = 'alice'",
        )
        .bind::<BigInt, _>(n)
        .bind::<Date, _>(first)
        .execute(c)
        .unwrap();
    })
    .await;
}

#[tokio::test]
async fn the_queue_pages_with_after_and_refuses_a_forged_cursor() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    flagged_threads(&app, 55, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).await;

    let first = app.get_json("/api/v1/attention", StatusCode::OK).await;
    assert_eq!(first["threads"].as_array().unwrap().len(), 50);
    assert_eq!(first["threads"][0]["title"], "Many 1");
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = app.get_json(&format!("/api/v1/attention?after={cursor}"), StatusCode::OK).await;
    let titles: Vec<&str> =
        second["threads"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Many 51", "Many 52", "Many 53", "Many 54", "Many 55"]);
    assert!(second["next_cursor"].is_null());

    let html = app.page("/attention").await;
    let next = attrs(&html, "a[rel=next]", "href");
    assert_eq!(next.len(), 1);
    let page2 = app.page(&next[0]).await;
    assert_eq!(texts(&page2, ".attention-item h2").len(), 5);

    assert_eq!(app.get("/api/v1/attention?after=yesterday").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/attention?after=1_2_3").await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_queue_reads_the_partial_indexes_not_every_thread() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    // Many threads, few flagged: a plan that reads them all would be the wrong plan.
    app.query(|c| {
        diesel::sql_query(
            "INSERT INTO threads (slug, title, framing_question, created_by) \
             SELECT 'calm-' || g, 'Calm ' || g, 'Is it?', u.id \
             FROM generate_series(1, 20000) g, users u WHERE u.username = 'alice'",
        )
        .execute(c)
        .unwrap();
    })
    .await;
    flagged_threads(&app, 20, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).await;
    let plan: Vec<String> = app
        .query(|c| {
            #[derive(diesel::QueryableByName)]
            struct Line {
                #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
                line: String,
            }
            diesel::sql_query("ANALYZE threads").execute(c).unwrap();
            let cut = agora::domain::attention::Rule { event_days: 14, question_days: 90 }.at(Utc::now());
            let lines: Vec<Line> = diesel::sql_query(format!("EXPLAIN {}", agora::db::attention::QUEUE_SQL))
                .bind::<Date, _>(cut.today)
                .bind::<Timestamptz, _>(cut.revised_before)
                .bind::<Timestamptz, _>(cut.touched_before)
                .bind::<Nullable<Date>, _>(None::<NaiveDate>)
                .bind::<BigInt, _>(0_i64)
                .bind::<BigInt, _>(51_i64)
                .load(c)
                .unwrap();
            lines.into_iter().map(|l| l.line).collect()
        })
        .await;
    let plan = plan.join("\n");
    assert!(!plan.contains("Seq Scan on threads"), "{plan}");
    assert!(plan.contains("threads_stale_event_idx"), "{plan}");
    assert!(plan.contains("threads_quiet_question_idx"), "{plan}");
}

#[tokio::test]
async fn the_demo_shows_one_flag_on_its_second_thread_and_none_on_the_first() {
    let app = spawn_app().await;
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || agora::ops::demo::seed_if_absent(&pool).unwrap()).await.unwrap();
    app.login_as("alice", Role::Curator).await;

    let json = app.get_json("/api/v1/attention", StatusCode::OK).await;
    let threads: &Vec<Value> = json["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 1, "{json}");
    assert_eq!(threads[0]["slug"], "eu-ai-act-open-source-exemption");
    assert_eq!(
        threads[0]["reasons"][0],
        "The synthesis (last revised Aug 5, 2024) predates 2 landmark or major events linked since: \
         European Commission Publishes the General-Purpose AI Code of Practice (Jul 10, 2025) and \
         EU AI Act Obligations for General-Purpose AI Models Apply (Aug 2, 2025)."
    );
    assert!(!app.flagged("open-vs-closed-weights").await);
    assert!(app.flagged("eu-ai-act-open-source-exemption").await);
    assert_eq!(app.reasons_shown("eu-ai-act-open-source-exemption").await.len(), 1);
}

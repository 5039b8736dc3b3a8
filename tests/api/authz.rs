//! The authorization matrix: every state-changing route of the real app × every kind of actor.
//! The route list comes from the app's own route table, so a new route without a row here
//! fails `the_matrix_lists_every_state_changing_route`.

use std::collections::BTreeSet;

use agora::domain::roles::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, fixture_hash, spawn_app};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Policy {
    /// Anyone (log in, sign up, log out).
    Public,
    /// Any logged-in user.
    LoggedIn,
    /// Curators, moderators, admins.
    Curator,
    /// The thread's curators, moderators, admins.
    Editor,
    /// Moderators and admins (patrol, hide, lock, roll back, manage readers and curators).
    Moderator,
    /// Admins.
    Admin,
}

/// The actors, weakest first. `otto` is a curator, but not of the fixture thread; `sue` curates
/// it but is suspended (and logged in again after the suspension).
const ACTORS: [(&str, Option<Role>); 7] = [
    ("anonymous", None),
    ("rita", Some(Role::Reader)),
    ("otto", Some(Role::Curator)),
    ("cora", Some(Role::Curator)),
    ("sue", Some(Role::Curator)),
    ("mona", Some(Role::Moderator)),
    ("adam", Some(Role::Admin)),
];

/// What a suspended account may still send, whatever its role.
const SUSPENDED_MAY_POST: [&str; 3] = ["/login", "/logout", "/api/v1/session"];

fn allowed(policy: Policy, pattern: &str, actor: &str) -> bool {
    if actor == "sue" {
        return policy == Policy::Public && SUSPENDED_MAY_POST.contains(&pattern);
    }
    match policy {
        Policy::Public => true,
        Policy::LoggedIn => actor != "anonymous",
        Policy::Curator => !matches!(actor, "anonymous" | "rita"),
        Policy::Editor => matches!(actor, "cora" | "mona" | "adam"),
        Policy::Moderator => matches!(actor, "mona" | "adam"),
        Policy::Admin => actor == "adam",
    }
}

/// One row: method, path pattern as registered, who may call it, and a valid body.
struct Row {
    method: &'static str,
    pattern: &'static str,
    policy: Policy,
    body: serde_json::Value,
}

fn row(method: &'static str, pattern: &'static str, policy: Policy, body: serde_json::Value) -> Row {
    Row { method, pattern, policy, body }
}

fn matrix() -> Vec<Row> {
    use Policy::*;
    let question = json!({ "question": "Is it?", "base_version": 1 });
    let event = json!({ "date": "2024-07-23", "title": "An event", "significance": "major", "body": "" });
    let thread =
        json!({ "title": "A new thread", "framing_question": "Why?", "status": "active", "stance": "contested" });
    let save = json!({ "base_seq": 2, "body": "New text.", "summary": "edit" });
    let revert = json!({ "base_seq": 2, "reason": "vandalism" });
    let reason = json!({ "reason": "spam" });
    let rollback = json!({ "username": "cora", "base_seq": 2, "reason": "x" });
    let add_curator = json!({ "username": "otto", "reason": "help" });
    let lock = json!({ "reason": "edit war" });
    let answer = json!({ "answer": "Yes.", "reason": "" });
    let reopen = json!({ "reason": "not settled" });
    let promote = json!({ "role": "curator", "reason": "trusted" });
    let make_moderator = json!({ "role": "moderator", "reason": "trusted" });
    let suspend = json!({ "reason": "spam" });
    let lift = json!({ "reason": "appeal" });
    // Rows run in this order against one app: rows that change who an actor is (password,
    // role, logging in or out) come last.
    vec![
        row("POST", "/preview", Curator, json!({ "body": "**x**" })),
        row("POST", "/threads", Curator, thread.clone()),
        row("POST", "/threads/{slug}/edit", Editor, thread),
        row("POST", "/threads/{slug}/synthesis", Editor, save.clone()),
        row("POST", "/threads/{slug}/revisions/{seq}/revert", Editor, revert.clone()),
        row("POST", "/threads/{slug}/revisions/{seq}/undo", Editor, revert.clone()),
        row("POST", "/threads/{slug}/rollback", Moderator, rollback.clone()),
        row("POST", "/threads/{slug}/curators", Editor, add_curator.clone()),
        row("POST", "/threads/{slug}/curators/remove", Editor, json!({ "username": "sue" })),
        row("POST", "/threads/{slug}/lock", Moderator, json!({ "reason": "edit war", "until": "" })),
        row("POST", "/threads/{slug}/unlock", Moderator, json!({ "reason": "calm again" })),
        row("POST", "/changes/{id}/patrol", Moderator, json!({})),
        row("POST", "/changes/{id}/hide", Moderator, reason.clone()),
        row("POST", "/changes/{id}/unhide", Moderator, json!({})),
        row("POST", "/threads/{slug}/{kind}", Editor, question.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}", Editor, question.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}/delete", Editor, reason.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}/answer", Editor, answer.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}/reopen", Editor, reopen.clone()),
        row("POST", "/threads/{slug}/events", Editor, event.clone()),
        row("POST", "/threads/{slug}/events/link", Editor, json!({ "event_id": "{event}" })),
        row("POST", "/threads/{slug}/events/{id}/unlink", Editor, json!({})),
        row("POST", "/threads/{slug}/follow", LoggedIn, json!({})),
        row("POST", "/threads/{slug}/unfollow", LoggedIn, json!({})),
        row("POST", "/threads/{slug}/read", LoggedIn, json!({})),
        row("PUT", "/api/v1/threads/{slug}/follow", LoggedIn, json!({})),
        row("DELETE", "/api/v1/threads/{slug}/follow", LoggedIn, json!({})),
        row("POST", "/api/v1/threads/{slug}/read", LoggedIn, json!({})),
        row("POST", "/events", Curator, event.clone()),
        row("POST", "/events/{id}", Curator, event.clone()),
        // Another title than the form's row, so the first allowed actor creates it (not a 422).
        row("POST", "/api/v1/threads", Curator, json!({ "title": "An API thread", "framing_question": "Why?" })),
        row("POST", "/api/v1/threads/{slug}/synthesis", Editor, save),
        row("POST", "/api/v1/threads/{slug}/revisions/{seq}/revert", Editor, revert.clone()),
        row("POST", "/api/v1/threads/{slug}/revisions/{seq}/undo", Editor, revert),
        row("POST", "/api/v1/threads/{slug}/rollback", Moderator, rollback),
        row("POST", "/api/v1/threads/{slug}/curators", Editor, add_curator),
        row("DELETE", "/api/v1/threads/{slug}/curators/{username}", Editor, json!({})),
        row("POST", "/api/v1/threads/{slug}/lock", Moderator, lock),
        row("POST", "/api/v1/threads/{slug}/unlock", Moderator, json!({ "reason": "calm again" })),
        row("POST", "/api/v1/changes/{id}/patrol", Moderator, json!({})),
        row("POST", "/api/v1/changes/{id}/hide", Moderator, reason.clone()),
        row("POST", "/api/v1/changes/{id}/unhide", Moderator, json!({})),
        row("POST", "/api/v1/threads/{slug}/questions/{id}/answer", Editor, answer),
        row("POST", "/api/v1/threads/{slug}/questions/{id}/reopen", Editor, reopen),
        row("POST", "/api/v1/threads/{slug}/{kind}", Editor, question.clone()),
        row("PUT", "/api/v1/threads/{slug}/{kind}/{id}", Editor, question),
        row("DELETE", "/api/v1/threads/{slug}/{kind}/{id}", Editor, json!({})),
        row("POST", "/api/v1/threads/{slug}/events", Editor, event.clone()),
        row("POST", "/api/v1/events", Curator, event.clone()),
        row("PUT", "/api/v1/events/{id}", Curator, event),
        row("POST", "/notifications/{id}/read", LoggedIn, json!({})),
        row("POST", "/notifications/read-all", LoggedIn, json!({})),
        row("POST", "/api/v1/notifications/read", LoggedIn, json!({ "all": true })),
        row("POST", "/account/digest", LoggedIn, json!({ "email": "me@example.org", "digest": "daily" })),
        row("PUT", "/api/v1/account/digest", LoggedIn, json!({ "email": "me@example.org", "digest": "weekly" })),
        row("POST", "/account/feed", LoggedIn, json!({})),
        row("POST", "/account/feed/revoke", LoggedIn, json!({})),
        row("POST", "/api/v1/account/feed-token", LoggedIn, json!({})),
        row("DELETE", "/api/v1/account/feed-token", LoggedIn, json!({})),
        row("POST", "/account/password", LoggedIn, json!({ "current_password": PASSWORD, "new_password": PASSWORD })),
        // Each row's target user is a fresh reader, so moderators may manage them too.
        row("POST", "/admin/users/{id}/role", Moderator, promote.clone()),
        // A second row for the same route: only admins make moderators.
        row("POST", "/admin/users/{id}/role", Admin, make_moderator.clone()),
        row("POST", "/admin/users/{id}/suspend", Moderator, suspend.clone()),
        row("POST", "/admin/users/{id}/unsuspend", Moderator, lift.clone()),
        row("POST", "/api/v1/users/{id}/role", Moderator, promote),
        row("POST", "/api/v1/users/{id}/role", Admin, make_moderator),
        row("POST", "/api/v1/users/{id}/suspend", Moderator, suspend),
        row("POST", "/api/v1/users/{id}/unsuspend", Moderator, lift),
        row("POST", "/signup", Public, json!({ "username": "newcomer", "password": "a long enough password" })),
        row("POST", "/login", Public, json!({ "username": "rita", "password": PASSWORD })),
        row("POST", "/api/v1/session", Public, json!({ "username": "rita", "password": PASSWORD })),
        row("POST", "/logout", Public, json!({})),
        row("DELETE", "/api/v1/session", Public, json!({})),
    ]
}

#[tokio::test]
async fn the_matrix_lists_every_state_changing_route() {
    let _app = spawn_app().await; // building the app fills the route table
    let registered: BTreeSet<(String, String)> = agora::routes::table::registered()
        .into_iter()
        .filter(|(method, _)| *method != "GET")
        .map(|(m, p)| (m.to_owned(), p))
        .collect();
    let listed: BTreeSet<(String, String)> =
        matrix().iter().map(|r| (r.method.to_owned(), r.pattern.to_owned())).collect();
    assert_eq!(registered, listed, "every state-changing route needs a row in the matrix, and every row a route");
}

/// Ids a row's path and body refer to.
struct Targets {
    slug: String,
    question: i64,
    event: i64,
    /// The changelog entry of revision 2 (by `cora`, unpatrolled).
    change: i64,
    /// A changelog entry a moderator already hid.
    hidden_change: i64,
    /// A reader made for this row, for the user-management routes (for unsuspend: suspended).
    user: i64,
}

/// A fresh thread curated by `cora` and `sue`, with two revisions (1 by `adam`, 2 by `cora`),
/// one open question, one event, a hidden changelog entry and a fresh reader, written straight
/// to the database (the rows that log actors out must not break fixtures). Rows that need the
/// thread locked, the question answered or the reader suspended get that too.
async fn fresh_targets(app: &TestApp, n: usize, pattern: &'static str) -> Targets {
    app.query(move |c| {
        use agora::db::changes::{self, NewChange};
        use agora::db::{events, revisions, sections, threads, users};
        use agora::domain::history::Area;
        use agora::domain::ids::UserId;
        use agora::domain::thread::{Significance, Stance, Status};
        use agora::render::markdown::render_markdown;
        let user = |c: &mut diesel::PgConnection, name: &str, role: Role| {
            let id = match users::by_username(c, name).unwrap() {
                Some(row) => row.id,
                None => users::insert(c, name, fixture_hash(), role).unwrap().id.0,
            };
            UserId(id)
        };
        let (cora, sue, adam) =
            (user(c, "cora", Role::Curator), user(c, "sue", Role::Curator), user(c, "adam", Role::Admin));
        let target = user(c, &format!("target{n}"), Role::Reader);
        let fields = threads::ThreadFields {
            title: format!("Matrix row {n}"),
            framing_question: "Why?".into(),
            status: Status::Active,
            stance: Stance::Contested,
        };
        let slug = format!("matrix-row-{n}");
        let thread = threads::create(c, &slug, &fields, cora).unwrap().thread_id();
        threads::add_curator(c, thread, sue).unwrap();
        for (base, author, text) in [(0, adam, "One."), (1, cora, "Two.")] {
            let html = render_markdown(text);
            revisions::save(c, &revisions::NewRevision::edit(thread, base, author, text, &html)).unwrap();
        }
        let change = changes::of_revision(c, thread, 2).unwrap().id;
        let hidden_change = changes::record(c, &NewChange::on_thread(thread, Area::Details, "title", cora)).unwrap();
        changes::set_hidden(c, hidden_change, adam, Some("spam")).unwrap();
        let question = sections::insert_question(c, thread, "Q?").unwrap();
        let event = events::EventFields {
            occurred_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            title: "E".into(),
            significance: Significance::Major,
            url: None,
            body_md: String::new(),
            body_html: render_markdown(""),
        };
        let event = events::insert(c, &event, cora).unwrap();
        events::link(c, thread, event).unwrap();
        if pattern.ends_with("/unlock") {
            let lock = threads::Lock { until: None, reason: "edit war".into() };
            threads::set_lock(c, thread, Some(&lock)).unwrap();
        }
        if pattern.ends_with("/reopen") {
            sections::set_question_answer(c, thread, question, Some("Yes.")).unwrap();
        }
        if pattern.ends_with("/unsuspend") {
            let suspension = users::Suspension { until: None, reason: "spam".into() };
            users::set_suspension(c, target, Some(&suspension)).unwrap();
        }
        Targets { slug, question, event: event.0, change, hidden_change, user: target.0 }
    })
    .await
}

fn concrete(pattern: &str, t: &Targets) -> String {
    let id = if pattern.starts_with("/admin/") || pattern.starts_with("/api/v1/users/") {
        t.user
    } else if pattern.ends_with("/unhide") {
        t.hidden_change
    } else if pattern.contains("/changes/") {
        t.change
    } else if pattern.contains("{kind}") || pattern.contains("/questions/") {
        t.question
    } else {
        t.event
    };
    // Undo takes out revision 2 (revision 1 has nothing before it); revert goes back to 1.
    let seq = if pattern.ends_with("/undo") { "2" } else { "1" };
    pattern
        .replace("{slug}", &t.slug)
        .replace("{kind}", "questions")
        .replace("{seq}", seq)
        .replace("{id}", &id.to_string())
        .replace("{username}", "sue")
}

async fn send(browser: &TestApp, method: &str, path: &str, body: &serde_json::Value, t: &Targets) -> reqwest::Response {
    let token = browser.csrf_token().await;
    let url = format!("{}{path}", browser.address);
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = browser.client.request(method, url);
    let request = if path.starts_with("/api/") {
        request.header("X-CSRF-Token", token).json(body)
    } else {
        let mut fields: Vec<(String, String)> = body
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
            .map(|(k, v)| (k, v.replace("{event}", &t.event.to_string())))
            .collect();
        fields.push(("csrf_token".to_owned(), token));
        request.form(&fields)
    };
    request.send().await.unwrap()
}

/// A refusal: 401, 403, or (for pages) the redirect to the login form.
fn refused(res: &reqwest::Response) -> bool {
    let to_login = res.status() == StatusCode::SEE_OTHER
        && res.headers().get("location").is_some_and(|l| l.to_str().unwrap_or_default() == "/login");
    matches!(res.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) || to_login
}

#[tokio::test]
async fn every_state_changing_route_refuses_whoever_may_not_use_it() {
    let app = spawn_app().await;
    let mut browsers = Vec::new();
    for (name, role) in ACTORS {
        let browser = app.another_browser();
        if let Some(role) = role {
            app.user(name, role).await;
            assert_eq!(browser.login(name, PASSWORD).await.status(), StatusCode::SEE_OTHER, "log in {name}");
        }
        browsers.push((name, browser));
    }
    // An admin suspends `sue` through the form: her session ends, and she logs in again.
    let (_, admin) = browsers.iter().find(|(name, _)| *name == "adam").unwrap();
    let (_, sue) = browsers.iter().find(|(name, _)| *name == "sue").unwrap();
    let sue_id = app.query(|c| agora::db::users::by_username(c, "sue").unwrap().unwrap().id).await;
    let res = admin.post_form(&format!("/admin/users/{sue_id}/suspend"), &[("reason", "sock puppet")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "suspend sue");
    assert!(
        sue.get_json("/api/v1/session", StatusCode::OK).await["user"].is_null(),
        "the suspension ended her session"
    );
    assert_eq!(sue.login("sue", PASSWORD).await.status(), StatusCode::SEE_OTHER, "log in sue again");

    let mut problems = Vec::new();
    let mut checked = 0;
    for (n, row) in matrix().into_iter().enumerate() {
        let targets = fresh_targets(&app, n, row.pattern).await;
        let path = concrete(row.pattern, &targets);
        for (actor, browser) in &browsers {
            let res = send(browser, row.method, &path, &row.body, &targets).await;
            let status = res.status();
            let expected_allowed = allowed(row.policy, row.pattern, actor);
            checked += 1;
            if status.is_server_error() {
                problems.push(format!("{} {path} as {actor}: {status}", row.method));
            } else if expected_allowed == refused(&res) {
                let want = if expected_allowed { "allowed" } else { "refused" };
                problems.push(format!("{} {path} as {actor}: {status}, expected {want}", row.method));
            }
        }
    }
    assert!(problems.is_empty(), "authorization mismatches:\n{}", problems.join("\n"));
    assert_eq!(checked, matrix().len() * ACTORS.len());
}

/// Row counts of every table a write can touch, to show a refused sweep changed nothing.
async fn snapshot(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "users",
        "sessions",
        "threads",
        "thread_curators",
        "revisions",
        "arc_periods",
        "interpretations",
        "proponents",
        "open_questions",
        "controversies",
        "events",
        "thread_events",
        "changes",
        "moderation_log",
        "notifications",
        "feed_tokens",
    ] {
        counts.push(app.count(table).await);
    }
    // Moderation state lives in columns, not rows.
    for (table, condition) in [
        ("changes", "patrolled_at IS NOT NULL"),
        ("changes", "hidden_at IS NOT NULL"),
        ("threads", "locked_at IS NOT NULL"),
        ("users", "suspended_at IS NOT NULL"),
        ("users", "role <> 'reader'"),
        ("open_questions", "answered_at IS NOT NULL"),
        ("notifications", "read_at IS NOT NULL"),
        ("users", "email IS NOT NULL OR digest <> 'off'"),
    ] {
        counts.push(count_where(app, table, condition).await);
    }
    counts
}

/// How many rows of `table` match `condition` (fixed SQL from the test, never user input).
async fn count_where(app: &TestApp, table: &'static str, condition: &'static str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    app.query(move |c| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table} WHERE {condition}"))
            .get_result::<Count>(c)
            .unwrap()
            .n
    })
    .await
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_request_without_the_csrf_token_and_changes_nothing() {
    let app = spawn_app().await;
    app.user("adam", Role::Admin).await;
    app.user("cora", Role::Curator).await;
    app.user("rita", Role::Reader).await;
    let admin = app.another_browser();
    assert_eq!(admin.login("adam", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let targets = fresh_targets(&app, 0, "").await;
    let before = snapshot(&app).await;
    let versions_before: Vec<i64> = app
        .query(|c| {
            use agora::db::schema::threads::dsl::*;
            use diesel::prelude::*;
            threads.order(id).select(version).load(c).unwrap()
        })
        .await;

    let mut problems = Vec::new();
    for row in matrix() {
        // JSON login carries no cookie authority yet, so it is the one route without the check.
        if (row.method, row.pattern) == ("POST", "/api/v1/session") {
            continue;
        }
        let path = concrete(row.pattern, &targets);
        let url = format!("{}{path}", admin.address);
        let method = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
        let request = admin.client.request(method, url);
        let request = if path.starts_with("/api/") {
            request.json(&row.body)
        } else {
            let fields: Vec<(String, String)> = row
                .body
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect();
            request.form(&fields)
        };
        let status = request.send().await.unwrap().status();
        if status != StatusCode::FORBIDDEN {
            problems.push(format!("{} {path} without a token: {status}", row.method));
        }
    }
    assert!(problems.is_empty(), "requests without a CSRF token were not refused:\n{}", problems.join("\n"));
    assert_eq!(snapshot(&app).await, before, "no table changed");
    let versions_after: Vec<i64> = app
        .query(|c| {
            use agora::db::schema::threads::dsl::*;
            use diesel::prelude::*;
            threads.order(id).select(version).load(c).unwrap()
        })
        .await;
    assert_eq!(versions_after, versions_before, "no thread changed");
    assert_eq!(admin.get_json("/api/v1/session", StatusCode::OK).await["user"]["username"], "adam");
}

//! Tests: who may change a shared event, and how the locks of its threads apply (issue 13
//! item 5). Curators of a thread the event belongs to edit it, moderators any; a lock on any of
//! its threads stops everyone but moderators, through the form and the API alike.

use agora::domain::roles::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::pages::texts;

/// The fields the edit form and the API send.
fn fields(title: &str) -> Vec<(&'static str, String)> {
    vec![
        ("date", "2024-07-23".to_owned()),
        ("title", title.to_owned()),
        ("significance", "major".to_owned()),
        ("url", String::new()),
        ("body", "Changed.".to_owned()),
        ("reason", "correction".to_owned()),
    ]
}

async fn edit_by_form(app: &TestApp, event: i64, title: &str) -> reqwest::Response {
    let owned = fields(title);
    let pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(&format!("/events/{event}"), &pairs).await
}

async fn edit_by_api(app: &TestApp, event: i64, title: &str) -> reqwest::Response {
    let body: serde_json::Map<String, serde_json::Value> =
        fields(title).into_iter().map(|(k, v)| (k.to_owned(), json!(v))).collect();
    app.send_json(Method::PUT, &format!("/api/v1/events/{event}"), &serde_json::Value::Object(body)).await
}

/// The event's title as stored, and how many changelog entries there are.
async fn state_of(app: &TestApp, event: i64) -> (String, i64) {
    let title =
        app.query(move |c| agora::db::events::by_id(c, agora::domain::ids::EventId(event)).unwrap().title).await;
    (title, app.count("changes").await)
}

/// `alice` curates "Open weights", `bob` curates "AI regulation"; alice records an event on hers.
/// Returns (alice, bob, open slug, regulation slug, event id).
async fn shared_event(app: &TestApp) -> (TestApp, TestApp, String, String, i64) {
    let alice = app.another_browser();
    alice.login_as("alice", Role::Curator).await;
    let bob = app.another_browser();
    bob.login_as("bob", Role::Curator).await;
    let open = alice.create_thread("Open weights").await;
    let regulation = bob.create_thread("AI regulation").await;
    let res = alice
        .post_json(
            &format!("/api/v1/threads/{open}/events"),
            &json!({ "date": "2024-07-23", "title": "Llama 3.1", "significance": "major", "body": "" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "alice records the event");
    let event = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    (alice, bob, open, regulation, event)
}

async fn lock(app: &TestApp, slug: &str) {
    let slug = slug.to_owned();
    app.query(move |c| {
        let thread = agora::db::threads::by_slug(c, &slug).unwrap().thread_id();
        let lock = agora::domain::restriction::Lock { until: None, reason: "edit war".into() };
        agora::db::threads::set_lock(c, thread, Some(&lock)).unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_curator_of_another_thread_cannot_edit_an_event_by_form_or_api() {
    let app = spawn_app().await;
    let (_alice, bob, _open, _regulation, event) = shared_event(&app).await;
    let before = state_of(&app, event).await;

    let form = edit_by_form(&bob, event, "Vandalised").await;
    let api = edit_by_api(&bob, event, "Vandalised").await;
    let edit_page = bob.get(&format!("/events/{event}/edit")).await;

    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert_eq!(edit_page.status(), StatusCode::FORBIDDEN, "the edit form is not offered either");
    let message = api.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap().to_owned();
    assert!(message.contains("curators of a thread this event belongs to"), "{message}");
    assert_eq!(state_of(&app, event).await, before, "nothing changed");
}

#[tokio::test]
async fn a_curator_of_a_linked_thread_edits_the_event() {
    let app = spawn_app().await;
    let (alice, bob, _open, regulation, event) = shared_event(&app).await;

    let by_form = edit_by_form(&alice, event, "Llama 3.1 405B").await;
    assert_eq!(by_form.status(), StatusCode::SEE_OTHER);
    // Once bob adds it to his thread, he curates a thread it belongs to.
    let linked =
        bob.post_form(&format!("/threads/{regulation}/events/link"), &[("event_id", &event.to_string())]).await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER, "bob links it to his thread");
    let by_api = edit_by_api(&bob, event, "Llama 3.1 (405B)").await;

    assert_eq!(by_api.status(), StatusCode::OK);
    assert_eq!(state_of(&app, event).await.0, "Llama 3.1 (405B)");
}

#[tokio::test]
async fn a_locked_thread_blocks_edits_of_its_events_by_curators_of_other_threads_that_share_them() {
    let app = spawn_app().await;
    let (_alice, bob, open, regulation, event) = shared_event(&app).await;
    let linked =
        bob.post_form(&format!("/threads/{regulation}/events/link"), &[("event_id", &event.to_string())]).await;
    assert_eq!(linked.status(), StatusCode::SEE_OTHER, "bob links it to his thread");
    lock(&app, &open).await;
    let open_page = app.page(&format!("/threads/{open}")).await;
    let before = state_of(&app, event).await;

    let form = edit_by_form(&bob, event, "Rewritten during the lock").await;
    let api = edit_by_api(&bob, event, "Rewritten during the lock").await;
    let unlink = bob.post_form(&format!("/threads/{regulation}/events/{event}/unlink"), &[]).await;

    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    assert_eq!(unlink.status(), StatusCode::FORBIDDEN, "unlinking changes the event too");
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    let message = api.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap().to_owned();
    assert!(message.contains("Open weights") && message.contains("is locked"), "{message}");
    let alert = texts(&form.text().await.unwrap(), "main").join(" ");
    assert!(alert.contains("is locked"), "the form says why: {alert}");
    assert_eq!(state_of(&app, event).await, before, "nothing changed");
    assert_eq!(app.page(&format!("/threads/{open}")).await, open_page, "the locked thread's page is as it was");
}

#[tokio::test]
async fn a_moderator_edits_an_event_of_a_locked_thread() {
    let app = spawn_app().await;
    let (_alice, _bob, open, _regulation, event) = shared_event(&app).await;
    lock(&app, &open).await;
    let mona = app.another_browser();
    mona.login_as("mona", Role::Moderator).await;

    let res = edit_by_api(&mona, event, "Llama 3.1, corrected").await;

    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(state_of(&app, event).await.0, "Llama 3.1, corrected");
}

#[tokio::test]
async fn any_curator_edits_an_event_that_belongs_to_no_thread() {
    let app = spawn_app().await;
    let alice = app.another_browser();
    alice.login_as("alice", Role::Curator).await;
    let res = alice
        .post_json("/api/v1/events", &json!({ "date": "2024-07-23", "title": "Loose", "significance": "notable" }))
        .await;
    let event = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let bob = app.another_browser();
    bob.login_as("bob", Role::Curator).await;

    assert_eq!(edit_by_api(&bob, event, "Loose, corrected").await.status(), StatusCode::OK);
    let rita = app.another_browser();
    rita.login_as("rita", Role::Reader).await;
    assert_eq!(edit_by_api(&rita, event, "By a reader").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_event_page_offers_the_edit_link_only_to_who_may_edit() {
    let app = spawn_app().await;
    let (alice, bob, open, _regulation, event) = shared_event(&app).await;
    let edit_links = |html: String| crate::pages::attrs(&html, "main a[href$='/edit']", "href");
    let path = format!("/events/{event}");

    assert_eq!(edit_links(alice.page(&path).await), [format!("/events/{event}/edit")]);
    assert!(edit_links(bob.page(&path).await).is_empty(), "a curator of another thread");
    lock(&app, &open).await;
    assert!(edit_links(alice.page(&path).await).is_empty(), "its thread is locked");
}

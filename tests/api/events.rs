//! Tests: events, shared across threads; adding, linking and unlinking them; the event pages.

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

/// The events list of a thread page.
const THREAD_EVENTS: &str = "section[aria-labelledby=events] ol.events li";

/// An event as a list shows it: (date, title, significance badge).
fn listed_events(html: &str, items: &str) -> Vec<(String, String, String)> {
    let dates = texts(html, &format!("{items} time"));
    // The event's own link: the events index also links each event's threads.
    let titles = texts(html, &format!("{items} > a"));
    let badges = texts(html, &format!("{items} .badge"));
    assert_eq!((dates.len(), badges.len()), (titles.len(), titles.len()), "every listed event has a date and a badge");
    dates.into_iter().zip(titles).zip(badges).map(|((d, t), b)| (d, t, b)).collect()
}

/// The titles of a thread's events, in page order.
async fn thread_event_titles(app: &TestApp, slug: &str) -> Vec<String> {
    texts(&app.page(&format!("/threads/{slug}")).await, &format!("{THREAD_EVENTS} a"))
}

/// Adds an event to a thread through its form; returns the event's id, read from the thread page.
async fn add_event(app: &TestApp, slug: &str, date: &str, title: &str, significance: &str) -> i64 {
    app.add_event(slug, date, title, significance).await;
    event_id(&app.page(&format!("/threads/{slug}")).await, title)
}

/// The id of the event titled `title`, from its link on a page.
fn event_id(html: &str, title: &str) -> i64 {
    let hrefs = attrs(html, &format!("{THREAD_EVENTS} a"), "href");
    let titles = texts(html, &format!("{THREAD_EVENTS} a"));
    let href =
        titles.iter().zip(&hrefs).find(|(t, _)| *t == title).map(|(_, h)| h.clone()).expect("the event is listed");
    href.strip_prefix("/events/").expect("an event link").parse().unwrap()
}

/// Logs in the curator `alice` with the thread "Open weights"; returns its slug.
async fn open_weights(app: &TestApp) -> String {
    app.login_as("alice", Role::Curator).await;
    app.create_thread("Open weights").await
}

/// Logs in a curator with two threads; returns their slugs.
async fn two_threads(app: &TestApp) -> (String, String) {
    (open_weights(app).await, app.create_thread("AI regulation").await)
}

/// Submits the new-event form of a thread with these fields.
async fn post_event(app: &TestApp, slug: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post_form(&format!("/threads/{slug}/events"), fields).await
}

#[tokio::test]
async fn an_event_added_to_a_thread_is_listed_with_its_date_and_significance() {
    let app = spawn_app().await;
    let slug = open_weights(&app).await;

    let res = post_event(
        &app,
        &slug,
        &[
            ("date", "2024-07-23"),
            ("title", "Meta Releases Llama 3.1 405B"),
            ("significance", "landmark"),
            ("url", "https://ai.meta.com/blog/llama-3-1/"),
            ("body", "The largest **open-weight** model yet."),
        ],
    )
    .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}#events"));
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(
        listed_events(&html, THREAD_EVENTS),
        [("Jul 23, 2024".to_owned(), "Meta Releases Llama 3.1 405B".to_owned(), "Landmark".to_owned())]
    );
    assert_eq!(attrs(&html, &format!("{THREAD_EVENTS} time"), "datetime"), ["2024-07-23"]);

    let id = event_id(&html, "Meta Releases Llama 3.1 405B");
    let event = app.page(&format!("/events/{id}")).await;
    assert_eq!(texts(&event, "h1"), ["Meta Releases Llama 3.1 405B"]);
    assert_eq!(texts(&event, "article .badges .badge"), ["Landmark"]);
    assert_eq!(attrs(&event, "article .meta a", "href"), ["https://ai.meta.com/blog/llama-3-1/"]);
    assert_eq!(texts(&event, "article .prose strong"), ["open-weight"]);
    assert_eq!(app.count("events").await, 1);
    assert_eq!(app.count("thread_events").await, 1);
}

#[tokio::test]
async fn a_threads_events_are_listed_in_date_order_whatever_order_they_were_added() {
    let app = spawn_app().await;
    let slug = open_weights(&app).await;

    add_event(&app, &slug, "2025-01-20", "DeepSeek Releases R1", "landmark").await;
    add_event(&app, &slug, "2023-07-18", "Meta Releases Llama 2", "landmark").await;
    add_event(&app, &slug, "2024-02-21", "Google Releases Gemma", "notable").await;
    add_event(&app, &slug, "2023-09-27", "Mistral 7B via Torrent", "major").await;

    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(
        listed_events(&html, THREAD_EVENTS),
        [
            ("Jul 18, 2023".to_owned(), "Meta Releases Llama 2".to_owned(), "Landmark".to_owned()),
            ("Sep 27, 2023".to_owned(), "Mistral 7B via Torrent".to_owned(), "Major".to_owned()),
            ("Feb 21, 2024".to_owned(), "Google Releases Gemma".to_owned(), "Notable".to_owned()),
            ("Jan 20, 2025".to_owned(), "DeepSeek Releases R1".to_owned(), "Landmark".to_owned()),
        ]
    );
}

#[tokio::test]
async fn the_event_page_lists_every_thread_the_event_belongs_to() {
    let app = spawn_app().await;
    let (weights, regulation) = two_threads(&app).await;
    let id = add_event(&app, &weights, "2024-03-13", "European Parliament Passes the EU AI Act", "landmark").await;

    let res = app.post_form(&format!("/threads/{regulation}/events/link"), &[("event_id", &id.to_string())]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{regulation}#events"));
    assert_eq!(thread_event_titles(&app, &regulation).await, ["European Parliament Passes the EU AI Act"]);
    let event = app.page(&format!("/events/{id}")).await;
    assert_eq!(texts(&event, "article ul li a"), ["AI regulation", "Open weights"]);
    assert_eq!(
        attrs(&event, "article ul li a", "href"),
        [format!("/threads/{regulation}"), format!("/threads/{weights}")]
    );
    assert_eq!(app.count("events").await, 1);
    assert_eq!(app.count("thread_events").await, 2);
}

#[tokio::test]
async fn linking_an_event_twice_keeps_one_link() {
    let app = spawn_app().await;
    let (weights, _) = two_threads(&app).await;
    let id = add_event(&app, &weights, "2024-03-13", "EU AI Act", "landmark").await;

    let res = app
        .post_form(&format!("/threads/{weights}/events/link"), &[("event_id", &id.to_string()), ("q", "AI Act")])
        .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "[role=alert]"), ["“EU AI Act” is already linked to this thread"]);
    assert_eq!(attrs(&html, "#link-event-q", "value"), ["AI Act"]);
    assert_eq!(thread_event_titles(&app, &weights).await, ["EU AI Act"]);
    assert_eq!(app.count("thread_events").await, 1);
}

#[tokio::test]
async fn linking_an_event_that_does_not_exist_is_refused() {
    let app = spawn_app().await;
    let (weights, _) = two_threads(&app).await;

    let missing = app.post_form(&format!("/threads/{weights}/events/link"), &[("event_id", "999999")]).await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let garbage = app.post_form(&format!("/threads/{weights}/events/link"), &[("event_id", "twelve")]).await;
    assert_eq!(garbage.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("thread_events").await, 0);
}

#[tokio::test]
async fn unlinking_removes_the_event_from_one_thread_only() {
    let app = spawn_app().await;
    let (weights, regulation) = two_threads(&app).await;
    let id = add_event(&app, &weights, "2024-03-13", "EU AI Act", "landmark").await;
    add_event(&app, &weights, "2024-07-23", "Llama 3.1", "landmark").await;
    app.post_form(&format!("/threads/{regulation}/events/link"), &[("event_id", &id.to_string())]).await;

    let res = app.post_form(&format!("/threads/{weights}/events/{id}/unlink"), &[]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{weights}#events"));
    assert_eq!(thread_event_titles(&app, &weights).await, ["Llama 3.1"]);
    assert_eq!(thread_event_titles(&app, &regulation).await, ["EU AI Act"]);
    let event = app.page(&format!("/events/{id}")).await;
    assert_eq!(texts(&event, "article ul li a"), ["AI regulation"]);
    assert_eq!(app.count("events").await, 2);
    assert_eq!(app.count("thread_events").await, 2);
}

#[tokio::test]
async fn unlinking_an_event_the_thread_does_not_have_is_not_found() {
    let app = spawn_app().await;
    let (weights, regulation) = two_threads(&app).await;
    let id = add_event(&app, &weights, "2024-03-13", "EU AI Act", "landmark").await;

    let res = app.post_form(&format!("/threads/{regulation}/events/{id}/unlink"), &[]).await;

    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.count("thread_events").await, 1);
}

#[tokio::test]
async fn a_bad_date_is_refused_with_the_form_kept() {
    let app = spawn_app().await;
    let slug = open_weights(&app).await;

    let res = post_event(
        &app,
        &slug,
        &[
            ("date", "23/07/2024"),
            ("title", "Typed title"),
            ("significance", "major"),
            ("url", ""),
            ("body", "Typed body"),
        ],
    )
    .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]").iter().any(|e| e.contains("date")), "the error names the date");
    assert_eq!(attrs(&html, "input[name=date]", "value"), ["23/07/2024"]);
    assert_eq!(attrs(&html, "input[name=title]", "value"), ["Typed title"]);
    assert_eq!(attrs(&html, "select[name=significance] option[selected]", "value"), ["major"]);
    assert_eq!(texts(&html, "textarea[name=body]"), ["Typed body"]);
    assert_eq!(app.count("events").await, 0);
    assert_eq!(app.count("thread_events").await, 0);
}

#[tokio::test]
async fn a_link_that_is_not_http_is_refused() {
    let app = spawn_app().await;
    let slug = open_weights(&app).await;

    let res = post_event(
        &app,
        &slug,
        &[
            ("date", "2024-07-23"),
            ("title", "Sneaky"),
            ("significance", "major"),
            ("url", "javascript:alert(1)"),
            ("body", ""),
        ],
    )
    .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn the_events_index_lists_events_newest_first() {
    let app = spawn_app().await;
    let (weights, regulation) = two_threads(&app).await;
    add_event(&app, &weights, "2023-07-18", "Meta Releases Llama 2", "landmark").await;
    add_event(&app, &regulation, "2024-03-13", "EU AI Act", "landmark").await;
    add_event(&app, &weights, "2024-02-21", "Google Releases Gemma", "notable").await;

    let html = app.page("/events").await;

    assert_eq!(texts(&html, "h1"), ["Events"]);
    assert_eq!(
        listed_events(&html, "main ol.events li"),
        [
            ("Mar 13, 2024".to_owned(), "EU AI Act".to_owned(), "Landmark".to_owned()),
            ("Feb 21, 2024".to_owned(), "Google Releases Gemma".to_owned(), "Notable".to_owned()),
            ("Jul 18, 2023".to_owned(), "Meta Releases Llama 2".to_owned(), "Landmark".to_owned()),
        ]
    );
}

#[tokio::test]
async fn an_event_recorded_on_its_own_belongs_to_no_thread_until_linked() {
    let app = spawn_app().await;
    let (weights, _) = two_threads(&app).await;

    let res = app
        .post_form(
            "/events",
            &[
                ("date", "2024-09-29"),
                ("title", "SB 1047 Vetoed"),
                ("significance", "major"),
                ("url", ""),
                ("body", ""),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let path = location(&res);
    let id = path.strip_prefix("/events/").expect("sent to the event page").to_owned();
    let event = app.page(&path).await;
    assert_eq!(texts(&event, "h1"), ["SB 1047 Vetoed"]);
    assert_eq!(texts(&event, "article .empty"), ["This event is in no thread yet."]);

    app.post_form(&format!("/threads/{weights}/events/link"), &[("event_id", &id)]).await;
    let event = app.page(&path).await;
    assert_eq!(texts(&event, "article ul li a"), ["Open weights"]);
}

#[tokio::test]
async fn an_unknown_event_is_not_found() {
    let app = spawn_app().await;

    assert_eq!(app.get("/events/999999").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/events/abc").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reader_cannot_add_link_or_unlink_events() {
    let app = spawn_app().await;
    let (weights, regulation) = two_threads(&app).await;
    let id = add_event(&app, &weights, "2024-03-13", "EU AI Act", "landmark").await.to_string();
    app.login_as("rita", Role::Reader).await;

    let fields =
        [("date", "2024-01-01"), ("title", "Reader event"), ("significance", "notable"), ("url", ""), ("body", "")];
    assert_eq!(app.post_form(&format!("/threads/{weights}/events"), &fields).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.post_form("/events", &fields).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.post_form(&format!("/threads/{regulation}/events/link"), &[("event_id", &id)]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form(&format!("/threads/{weights}/events/{id}/unlink"), &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.count("events").await, 1);
    assert_eq!(app.count("thread_events").await, 1);
}

#[tokio::test]
async fn the_event_forms_label_every_control() {
    let app = spawn_app().await;
    let (weights, _) = two_threads(&app).await;

    let for_thread = app.page(&format!("/threads/{weights}/events/new")).await;
    assert_eq!(attrs(&for_thread, "input[name=date]", "type"), ["date"]);
    assert_every_control_labelled(&for_thread);
    assert_every_control_labelled(&app.page("/events/new").await);
    let id = add_event(&app, &weights, "2024-03-13", "EU AI Act", "landmark").await;
    let edit = app.page(&format!("/events/{id}/edit")).await;
    assert_eq!(attrs(&edit, "input[name=date]", "value"), ["2024-03-13"]);
    assert_every_control_labelled(&edit);
}

#[tokio::test]
async fn correcting_an_event_shows_on_every_thread_page_at_once() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Cache check").await;
    let res = post_event(
        &app,
        &slug,
        &[("date", "2024-07-23"), ("title", "Llama 3.1 released"), ("significance", "major"), ("body", "")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert!(texts(&page, "ol.events a").contains(&"Llama 3.1 released".to_owned()));
    let event_id: i64 = app
        .query(|c| {
            use agora::db::schema::events::dsl::*;
            use diesel::prelude::*;
            events.select(id).first(c).unwrap()
        })
        .await;

    let res = app
        .post_form(
            &format!("/events/{event_id}"),
            &[("date", "2024-07-23"), ("title", "Llama 3.1 405B released"), ("significance", "landmark"), ("body", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, "ol.events a"), ["Llama 3.1 405B released"]);
    assert_eq!(texts(&page, "ol.events .badge"), ["Landmark"]);
}

#[tokio::test]
async fn the_thread_page_links_an_event_found_by_its_title() {
    let app = spawn_app().await;
    let (weights, regulation) = two_threads(&app).await;
    add_event(&app, &weights, "2024-03-13", "EU AI Act", "landmark").await;
    add_event(&app, &weights, "2024-07-23", "Llama 3.1", "landmark").await;
    let thread = app.page(&format!("/threads/{regulation}")).await;
    assert_eq!(texts(&thread, "label[for=link-event-q]"), ["Event title"]);

    let found = app.page(&format!("/threads/{regulation}/events/link?q=ai+act")).await;
    assert_eq!(texts(&found, ".link-candidates li a"), ["EU AI Act"]);
    assert_eq!(texts(&found, ".link-candidates button"), ["Link this event"]);
    let id = attrs(&found, ".link-candidates input[name=event_id]", "value").remove(0);
    let res = app.post_form(&format!("/threads/{regulation}/events/link"), &[("event_id", &id), ("q", "ai act")]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{regulation}#events"));
    assert_eq!(thread_event_titles(&app, &regulation).await, ["EU AI Act"]);
}

#[tokio::test]
async fn a_title_with_no_match_or_several_shows_the_form_again_with_the_text() {
    let app = spawn_app().await;
    let (weights, regulation) = two_threads(&app).await;
    add_event(&app, &weights, "2024-03-13", "EU AI Act", "landmark").await;
    add_event(&app, &weights, "2024-07-23", "EU AI Office opens", "notable").await;
    let link = format!("/threads/{regulation}/events/link");

    let none = app.post_form(&link, &[("event_id", ""), ("q", "Pluto")]).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = none.text().await.unwrap();
    assert_eq!(texts(&html, "[role=alert]"), ["no event's title contains “Pluto”"]);
    assert_eq!(attrs(&html, "#link-event-q", "value"), ["Pluto"]);

    let several = app.post_form(&link, &[("event_id", ""), ("q", "EU AI")]).await;
    assert_eq!(several.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = several.text().await.unwrap();
    assert_eq!(texts(&html, "[role=alert]"), ["2 events have “EU AI” in their title: pick one below"]);
    assert_eq!(texts(&html, ".link-candidates li a"), ["EU AI Office opens", "EU AI Act"]);
    assert_eq!(attrs(&html, "#link-event-q", "value"), ["EU AI"]);

    let one = app.post_form(&link, &[("event_id", ""), ("q", "office")]).await;
    assert_eq!(one.status(), StatusCode::SEE_OTHER);
    assert_eq!(thread_event_titles(&app, &regulation).await, ["EU AI Office opens"]);
}

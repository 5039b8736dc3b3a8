//! Tests: the timeline picture on the thread page — a link with a text alternative for every
//! event and every month of revisions, an accessible name and description, and the caption's day count.

use agora::domain::roles::Role;
use chrono::NaiveDate;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};
use crate::pages::{attrs, texts};

/// Adds an arc period through its form.
async fn add_period(app: &TestApp, slug: &str, label: &str, title: &str) {
    let fields = [("label", label), ("title", title), ("body", "What happened.")];
    let res = app.post_form(&format!("/threads/{slug}/arc"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "add period {label}");
}

/// Saves revisions 1..=n of the synthesis, then dates them (the save path stamps `now()`).
async fn revisions_on(app: &TestApp, slug: &str, dates: &[NaiveDate]) {
    for (i, _) in dates.iter().enumerate() {
        let res = app.save_synthesis(slug, i as i32, &format!("Synthesis, take {}.", i + 1), "").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let (slug, dates) = (slug.to_owned(), dates.to_vec());
    app.query(move |c| {
        let thread = agora::db::threads::by_slug(c, &slug).unwrap();
        for (i, date) in dates.iter().enumerate() {
            let at = date.and_hms_opt(12, 0, 0).unwrap().and_utc();
            agora::db::revisions::backdate(c, thread.thread_id(), i as i32 + 1, at).unwrap();
        }
        // The page cache is keyed by the thread's version; the dates changed behind its back.
        agora::db::threads::touch(c, thread.thread_id()).unwrap();
    })
    .await;
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const SVG: &str = "section[aria-labelledby=timeline] svg";

#[tokio::test]
async fn the_timeline_links_every_event_and_month_of_revisions_with_a_text_alternative() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Open weights").await;
    add_period(&app, &slug, "2023", "The year open became real").await;
    add_period(&app, &slug, "2024", "Capability parity").await;
    app.add_event(&slug, "2023-07-18", "Llama 2", "landmark").await;
    app.add_event(&slug, "2023-09-27", "Mistral 7B", "major").await;
    app.add_event(&slug, "2024-02-21", "Gemma", "notable").await;
    revisions_on(&app, &slug, &[day(2023, 3, 1), day(2024, 3, 1)]).await;

    let html = app.page(&format!("/threads/{slug}")).await;

    assert_eq!(attrs(&html, SVG, "role"), ["group"]);
    assert_eq!(attrs(&html, SVG, "aria-labelledby"), ["timeline-title"]);
    assert_eq!(texts(&html, "svg #timeline-title"), ["Timeline of “Open weights”"]);
    let desc = texts(&html, "svg #timeline-desc").concat();
    assert!(desc.contains("2 periods") && desc.contains("3 events") && desc.contains("2 revisions"), "{desc}");

    let events = format!("{SVG} a[href^='/events/']");
    assert_eq!(attrs(&html, &events, "href").len(), 3, "a link for every event");
    let labels = attrs(&html, &events, "aria-label");
    // Drawn least significant first, so the landmark is on top (the list below keeps dates).
    assert_eq!(
        labels,
        [
            "Notable event: Gemma, Feb 21, 2024",
            "Major event: Mistral 7B, Sep 27, 2023",
            "Landmark event: Llama 2, Jul 18, 2023"
        ]
    );
    assert_eq!(texts(&html, &format!("{events} > title")), labels, "each has a <title> too");

    // Revisions link by month to the history, starting with the month's newest revision.
    let (first, second) = (app.api_change_of_revision(&slug, 1).await, app.api_change_of_revision(&slug, 2).await);
    let revisions = format!("{SVG} a[href^='/threads/{slug}/history?']");
    assert_eq!(
        attrs(&html, &revisions, "href"),
        [
            format!("/threads/{slug}/history?kind=synthesis&before={}#change-{first}", first + 1),
            format!("/threads/{slug}/history?kind=synthesis&before={}#change-{second}", second + 1)
        ]
    );
    assert_eq!(
        attrs(&html, &revisions, "aria-label"),
        ["Mar 2023: revision 1 of the synthesis", "Mar 2024: revision 2 of the synthesis"]
    );
    assert_eq!(texts(&html, &format!("{revisions} > title")), attrs(&html, &revisions, "aria-label"));
    // The landmark is labelled in the picture; the bands name their periods.
    assert!(texts(&html, &format!("{SVG} text.mark-label tspan")).contains(&"Llama 2".to_owned()));
    assert_eq!(attrs(&html, &format!("{SVG} a[href^='#arc-']"), "href").len(), 2);
    // And the same marks as a plain list.
    assert_eq!(texts(&html, ".timeline-list a[href^='/events/']"), ["Llama 2", "Mistral 7B", "Gemma"]);
    assert_eq!(attrs(&html, &format!(".timeline-list a[href^='/threads/{slug}/history?']"), "href").len(), 2);
    // Drawn with presentation attributes and classes, never inline styles (the CSP forbids them).
    assert!(attrs(&html, "svg *", "style").is_empty());
}

#[tokio::test]
async fn the_caption_counts_the_days_from_the_latest_landmark_to_the_last_revision() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Open weights").await;
    app.add_event(&slug, "2025-01-20", "DeepSeek R1", "landmark").await;
    app.add_event(&slug, "2024-07-23", "Llama 3.1", "landmark").await;
    app.add_event(&slug, "2025-03-01", "A later major event", "major").await;
    revisions_on(&app, &slug, &[day(2024, 8, 1), day(2025, 1, 29)]).await;

    let html = app.page(&format!("/threads/{slug}")).await;

    assert_eq!(
        texts(&html, ".timeline figcaption"),
        [
            "The synthesis was last revised on Jan 29, 2025, 9 days after the latest landmark, “DeepSeek R1” (Jan 20, 2025)."
        ]
    );
}

#[tokio::test]
async fn a_thread_with_nothing_dated_has_no_timeline() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Open weights").await;

    let html = app.page(&format!("/threads/{slug}")).await;

    assert!(attrs(&html, "svg", "role").is_empty(), "no picture without events, periods or revisions");
    assert!(texts(&html, "#timeline").is_empty());
}

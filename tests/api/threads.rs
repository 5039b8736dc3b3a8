//! Tests: starting threads, the thread index and its paging, the thread page and editing details.

use std::collections::HashSet;

use agora::db::threads::ThreadFields;
use agora::domain::roles::Role;
use agora::domain::thread::{Stance, Status};
use reqwest::StatusCode;

use crate::common::fixture_hash;
use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

/// The titles on one page of the thread index, top first.
fn index_titles(html: &str) -> Vec<String> {
    texts(html, ".thread-card h2 a")
}

/// The "Next page" link of an index page, if there is one.
fn older_threads_link(html: &str) -> Option<String> {
    let links = attrs(html, "nav a[rel=next]", "href");
    let labels = texts(html, "nav a[rel=next]");
    assert!(labels.iter().all(|l| l == "Next page"), "unexpected next link {labels:?}");
    links.into_iter().next()
}

/// The status and stance badges of a thread page's header.
fn header_badges(html: &str) -> Vec<String> {
    texts(html, ".thread-header .badge")
}

/// Inserts `n` threads straight into the database (far faster than the form), each with its own
/// activity time a second apart, oldest first; returns their titles.
async fn insert_threads(app: &TestApp, n: usize) -> Vec<String> {
    app.query(move |c| {
        let creator = agora::db::users::insert(c, "bulk-curator", fixture_hash(), Role::Curator).unwrap().id;
        (0..n)
            .map(|i| {
                let title = format!("Bulk thread {i:03}");
                let fields = ThreadFields {
                    title: title.clone(),
                    framing_question: "Does paging work?".to_owned(),
                    status: Status::Active,
                    stance: Stance::Contested,
                };
                let row = agora::db::threads::create(c, &format!("bulk-thread-{i:03}"), &fields, creator).unwrap();
                let at = chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0).unwrap();
                agora::db::threads::set_dates(c, row.thread_id(), at, at).unwrap();
                title
            })
            .collect()
    })
    .await
}

/// Walks the index from `/` through every "Next page" link; returns all titles in order.
async fn walk_index(app: &TestApp) -> (Vec<String>, usize) {
    let mut path = "/".to_owned();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let html = app.page(&path).await;
        pages += 1;
        seen.extend(index_titles(&html));
        match older_threads_link(&html) {
            Some(next) => path = next,
            None => return (seen, pages),
        }
        assert!(pages < 20, "the index never ends");
    }
}

#[tokio::test]
async fn a_curator_creates_a_thread_and_lands_on_its_page() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;

    let res = app
        .post_form(
            "/threads",
            &[
                ("title", "Is Pluto a planet?"),
                ("framing_question", "Should the IAU restore Pluto?"),
                ("slug", ""),
                ("status", "dormant"),
                ("stance", "emerging_consensus"),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/threads/is-pluto-a-planet");
    let html = app.page("/threads/is-pluto-a-planet").await;
    assert_eq!(texts(&html, "h1"), ["Is Pluto a planet?"]);
    assert_eq!(texts(&html, ".thread-header .framing"), ["Should the IAU restore Pluto?"]);
    assert_eq!(header_badges(&html), ["Dormant", "Emerging consensus"]);
    let meta = texts(&html, ".thread-header .meta");
    assert!(meta.iter().any(|m| m.starts_with("Curated by alice ·")), "meta line: {meta:?}");
    assert_eq!(app.count("threads").await, 1);
    assert_eq!(app.count("thread_curators").await, 1);
}

#[tokio::test]
async fn the_slug_is_derived_from_the_title_when_left_empty() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;

    let slug = app.create_thread("Open vs. Closed Weights: Who Wins?").await;

    assert_eq!(slug, "open-vs-closed-weights-who-wins");
    let html = app.page("/threads/open-vs-closed-weights-who-wins").await;
    assert_eq!(texts(&html, "h1"), ["Open vs. Closed Weights: Who Wins?"]);
}

#[tokio::test]
async fn an_explicit_slug_is_used_as_given() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;

    let res = app
        .post_form(
            "/threads",
            &[
                ("title", "A long title"),
                ("framing_question", "Why?"),
                ("slug", "short"),
                ("status", "active"),
                ("stance", "contested"),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/threads/short");
    assert_eq!(app.get("/threads/a-long-title").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_duplicate_slug_is_refused_with_the_typed_values_kept() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    app.create_thread("Is Pluto a planet?").await;

    let res = app
        .post_form(
            "/threads",
            &[
                ("title", "Is Pluto a planet?"),
                ("framing_question", "A second framing, typed with care"),
                ("slug", ""),
                ("status", "resolved"),
                ("stance", "settled"),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let error = texts(&html, "[role=alert]");
    assert!(error.iter().any(|e| e.contains("is-pluto-a-planet") && e.contains("taken")), "error: {error:?}");
    assert_eq!(attrs(&html, "input[name=title]", "value"), ["Is Pluto a planet?"]);
    assert_eq!(texts(&html, "textarea[name=framing_question]"), ["A second framing, typed with care"]);
    assert_eq!(attrs(&html, "select[name=status] option[selected]", "value"), ["resolved"]);
    assert_eq!(attrs(&html, "select[name=stance] option[selected]", "value"), ["settled"]);
    assert_eq!(app.count("threads").await, 1);
}

#[tokio::test]
async fn an_empty_title_is_refused_and_nothing_is_created() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;

    let res = app
        .post_form(
            "/threads",
            &[("title", "   "), ("framing_question", "Kept?"), ("status", "active"), ("stance", "contested")],
        )
        .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]").iter().any(|e| e.contains("title is required")));
    assert_eq!(texts(&html, "textarea[name=framing_question]"), ["Kept?"]);
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn a_reader_may_not_open_the_new_thread_form_or_post_one() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;

    assert_eq!(app.get("/threads/new").await.status(), StatusCode::FORBIDDEN);
    let res = app
        .post_form(
            "/threads",
            &[
                ("title", "Reader's thread"),
                ("framing_question", "Why?"),
                ("status", "active"),
                ("stance", "contested"),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_log_in_before_starting_a_thread() {
    let app = spawn_app().await;

    let res = app.get("/threads/new").await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login");
}

#[tokio::test]
async fn the_index_lists_the_newest_activity_first() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let first = app.create_thread("First thread").await;
    app.create_thread("Second thread").await;
    app.create_thread("Third thread").await;

    let html = app.page("/").await;
    assert_eq!(index_titles(&html), ["Third thread", "Second thread", "First thread"]);

    let res = app.save_synthesis(&first, 0, "Fresh activity on the oldest thread.", "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let html = app.page("/").await;
    assert_eq!(index_titles(&html), ["First thread", "Third thread", "Second thread"]);
}

#[tokio::test]
async fn the_index_pages_through_every_thread_exactly_once() {
    let app = spawn_app().await;
    let mut titles = insert_threads(&app, 65).await;

    let (seen, pages) = walk_index(&app).await;

    assert_eq!(pages, 3, "30 + 30 + 5 threads");
    titles.reverse();
    assert_eq!(seen, titles, "newest first, none twice, none missing");
}

#[tokio::test]
async fn the_index_pages_correctly_when_threads_share_an_activity_time() {
    let app = spawn_app().await;
    let titles = insert_threads(&app, 45).await;
    app.query(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE threads SET updated_at = '2025-01-01T00:00:00Z'").execute(c).unwrap();
    })
    .await;

    let (seen, pages) = walk_index(&app).await;

    assert_eq!(pages, 2);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a thread appeared twice: {seen:?}");
    assert_eq!(unique, titles.iter().collect::<HashSet<_>>());
}

#[tokio::test]
async fn a_malformed_index_cursor_is_a_bad_request() {
    let app = spawn_app().await;

    assert_eq!(app.get("/?after=yesterday").await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unknown_thread_is_a_404_page() {
    let app = spawn_app().await;

    let res = app.get("/threads/no-such-thread").await;

    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let content_type = res.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/html"), "content type {content_type}");
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["404 Not Found"]);
}

#[tokio::test]
async fn a_malformed_slug_is_a_404() {
    let app = spawn_app().await;

    assert_eq!(app.get("/threads/Bad..Slug").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/threads/Bad..Slug/history").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn editing_details_changes_the_status_badge_but_never_the_stance() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Is Pluto a planet?").await;
    assert_eq!(header_badges(&app.page(&format!("/threads/{slug}")).await), ["Active", "Contested"]);

    let res = app
        .post_form(
            &format!("/threads/{slug}/edit"),
            &[
                ("title", "Is Pluto a planet, really?"),
                ("framing_question", "Settled?"),
                ("status", "resolved"),
                ("stance", "settled"),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}"));
    let html = app.page(&format!("/threads/{slug}")).await;
    // The stance changes only through an approved proposal: the field sent is ignored.
    assert_eq!(header_badges(&html), ["Resolved", "Contested"]);
    assert_eq!(texts(&html, "h1"), ["Is Pluto a planet, really?"]);
    assert_eq!(texts(&html, ".thread-header .framing"), ["Settled?"]);
}

#[tokio::test]
async fn the_edit_form_shows_the_current_details() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Is Pluto a planet?").await;

    let html = app.page(&format!("/threads/{slug}/edit")).await;

    assert_eq!(attrs(&html, "input[name=title]", "value"), ["Is Pluto a planet?"]);
    assert_eq!(texts(&html, "textarea[name=framing_question]"), ["Is it so?"]);
    assert_eq!(attrs(&html, "select[name=status] option[selected]", "value"), ["active"]);
    assert_eq!(attrs(&html, "main form", "action"), [format!("/threads/{slug}/edit")]);
}

#[tokio::test]
async fn a_curator_of_another_thread_may_not_edit_it_but_a_moderator_may() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Alice's thread").await;
    let edit = format!("/threads/{slug}/edit");
    let details =
        [("title", "Hijacked"), ("framing_question", "Mine now?"), ("status", "dormant"), ("stance", "settled")];

    app.login_as("bob", Role::Curator).await;
    assert_eq!(app.get(&edit).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.post_form(&edit, &details).await.status(), StatusCode::FORBIDDEN);
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&html, "h1"), ["Alice's thread"]);
    assert!(texts(&html, ".thread-tools a").iter().all(|t| t != "Edit details"), "bob is offered an edit link");

    app.login_as("maud", Role::Moderator).await;
    assert_eq!(app.get(&edit).await.status(), StatusCode::OK);
    let res = app
        .post_form(
            &edit,
            &[
                ("title", "Moderated title"),
                ("framing_question", "Calm?"),
                ("status", "dormant"),
                ("stance", "settled"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&html, "h1"), ["Moderated title"]);
    assert_eq!(header_badges(&html), ["Dormant", "Contested"]);
}

#[tokio::test]
async fn editing_with_an_empty_title_is_refused_with_the_form_kept() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let slug = app.create_thread("Is Pluto a planet?").await;

    let res = app
        .post_form(
            &format!("/threads/{slug}/edit"),
            &[("title", ""), ("framing_question", "Typed framing"), ("status", "resolved"), ("stance", "settled")],
        )
        .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "textarea[name=framing_question]"), ["Typed framing"]);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, "h1"), ["Is Pluto a planet?"]);
    assert_eq!(header_badges(&page), ["Active", "Contested"]);
}

#[tokio::test]
async fn thread_forms_and_the_thread_page_label_every_control() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Curator).await;
    let new_form = app.page("/threads/new").await;
    assert_eq!(attrs(&new_form, "input[name=slug]", "id"), ["field-slug"], "the new-thread form asks for a slug");
    assert_every_control_labelled(&new_form);
    let slug = app.create_thread("Is Pluto a planet?").await;

    assert_every_control_labelled(&app.page(&format!("/threads/{slug}/edit")).await);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(
        attrs(&page, "form[action$='/events/link'] input[name=q]", "id"),
        ["link-event-q"],
        "the curator sees the link-event control"
    );
    assert_every_control_labelled(&page);
    assert_every_control_labelled(&app.page(&format!("/threads/{slug}/events/link?q=x")).await);
}

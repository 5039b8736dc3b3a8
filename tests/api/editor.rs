//! Tests: what the browser editor relies on — the preview endpoint, editor-form markup, the
//! minor-edit flag, hashed assets, and the thread page's contents and anchors.

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};
use crate::pages::{attrs, texts};

async fn preview(app: &TestApp, body: &str, with_token: bool) -> reqwest::Response {
    let mut req = app.client.post(format!("{}/preview", app.address)).form(&[("body", body)]);
    if with_token {
        req = req.header("X-CSRF-Token", app.csrf_token().await);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn the_preview_is_the_sanitized_html_a_save_would_store() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let res = preview(&app, "Some **bold** text <script>alert(1)</script> [x](javascript:alert(1))", true).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "strong"), ["bold"]);
    assert!(!html.to_lowercase().contains("<script"));
    assert!(!html.to_lowercase().contains("javascript:"));
}

#[tokio::test]
async fn the_preview_needs_a_login_and_the_csrf_header() {
    let app = spawn_app().await;
    assert_eq!(preview(&app, "x", true).await.status(), StatusCode::UNAUTHORIZED);
    app.login_as("curie", Role::Curator).await;
    assert_eq!(preview(&app, "x", false).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_preview_larger_than_a_synthesis_may_be_is_refused() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let res = preview(&app, &"a".repeat(300_000), true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn editor_forms_are_marked_for_drafts_and_previews_but_password_forms_never_are() {
    let app = spawn_app().await;
    let login = app.page("/login").await;
    assert!(attrs(&login, "form[data-editor]", "data-draft-key").is_empty(), "no drafts of passwords");
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Editor markup").await;

    let editor = app.page(&format!("/threads/{slug}/synthesis/edit")).await;
    assert_eq!(attrs(&editor, "form[data-editor]", "data-draft-key"), [format!("synthesis:{slug}:0")]);
    assert_eq!(attrs(&editor, "textarea[data-markdown]", "name"), ["body"]);
    assert_eq!(attrs(&editor, "input[type=checkbox]", "name"), ["minor"]);
    assert_eq!(attrs(&editor, "script[src]", "src").len(), 1);

    let item = app.page(&format!("/threads/{slug}/interpretations/new")).await;
    assert_eq!(attrs(&item, "form[data-editor]", "data-draft-key"), [format!("interpretations:{slug}:new")]);
}

#[tokio::test]
async fn a_minor_edit_is_recorded_and_shown_in_history_and_the_api() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Minor edits").await;
    assert_eq!(app.save_synthesis(&slug, 0, "First text.", "start").await.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &format!("/threads/{slug}/synthesis"),
            &[("base_seq", "1"), ("body", "First text, fixed."), ("summary", "typo"), ("minor", "true")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let history = app.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(texts(&history, ".badge.minor .visually-hidden"), ["minor edit"]);
    let api = app.get_json(&format!("/api/v1/threads/{slug}/revisions"), StatusCode::OK).await;
    let minor: Vec<bool> = api["revisions"].as_array().unwrap().iter().map(|r| r["minor"].as_bool().unwrap()).collect();
    assert_eq!(minor, [true, false]);
}

#[tokio::test]
async fn assets_have_hashed_names_and_are_cached_for_a_year() {
    let app = spawn_app().await;
    let page = app.page("/").await;
    let css = attrs(&page, "link[rel=stylesheet]", "href");
    assert_eq!(css.len(), 1);
    assert!(css[0].starts_with("/static/app.") && css[0].ends_with(".css"), "{css:?}");
    let res = app.get(&css[0]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert_eq!(app.get("/static/app.css").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn responses_are_compressed_for_clients_that_accept_it() {
    let app = spawn_app().await;
    let res = app.client.get(format!("{}/", app.address)).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn the_thread_page_has_contents_linking_every_section_and_linkable_headings() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Contents").await;
    app.save_synthesis(&slug, 0, "## Where it stands\n\nText.", "start").await;
    let page = app.page(&format!("/threads/{slug}")).await;
    let toc = attrs(&page, "nav[aria-label=Contents] a", "href");
    let section_ids: Vec<String> = attrs(&page, "section > h2", "id").into_iter().map(|id| format!("#{id}")).collect();
    assert_eq!(toc, section_ids);
    assert_eq!(toc.len(), 7, "six sections and the timeline");
    assert_eq!(attrs(&page, ".prose h2", "id"), ["md-where-it-stands"]);
}

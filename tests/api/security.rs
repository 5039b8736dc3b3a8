//! Security: CSRF and origin checks, role checks on writes, escaping and sanitizing of user
//! content, body limits and the headers every page carries.

use agora::db::schema::revisions;
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::PASSWORD;
use crate::helpers::{TestApp, location, new_client, new_thread_fields, spawn_app};
use crate::pages::texts;

/// The fields of a valid new thread, without a CSRF token.
const THREAD: [(&str, &str); 4] = new_thread_fields("Open weights");

/// Two MiB of text: twice the largest body the server reads.
fn two_mib() -> String {
    "a".repeat(2 * 1024 * 1024)
}

/// Logs a second browser in as a new user with `role`; returns it and its session's CSRF token.
async fn second_browser(app: &TestApp, username: &str, role: Role) -> (reqwest::Client, String) {
    app.user(username, role).await;
    let client = new_client();
    let res = client
        .post(format!("{}/api/v1/session", app.address))
        .json(&json!({ "username": username, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "log in {username}");
    let body: serde_json::Value = res.json().await.unwrap();
    (client, body["csrf_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_form_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;

    let res = app.post_form_raw("/threads", &THREAD).await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert_eq!(texts(&page, "h1"), ["403 Forbidden"]);
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn the_csrf_token_of_another_session_is_refused() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let (_other, foreign_token) = second_browser(&app, "mallory", Role::Curator).await;
    assert_ne!(foreign_token, app.csrf_token().await);

    let mut fields = THREAD.to_vec();
    fields.push(("csrf_token", &foreign_token));
    let res = app.post_form_raw("/threads", &fields).await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn a_post_from_a_foreign_origin_is_refused_even_with_a_valid_token() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;

    let res = app.post_form_with_headers("/threads", &THREAD, &[("Origin", "https://evil.example")]).await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn logout_without_the_token_is_refused_and_the_session_survives() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Reader).await;

    let res = app.post_form_raw("/logout", &[]).await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("sessions").await, 1);
    assert_eq!(texts(&app.page("/").await, ".whoami"), ["curie (reader)"]);
}

#[tokio::test]
async fn a_reader_cannot_start_a_thread() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;

    let res = app.post_form("/threads", &THREAD).await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        texts(&res.text().await.unwrap(), "[role=alert]"),
        [
            "curators, moderators and administrators can start threads, and you are a reader: ask an administrator to make you a curator"
        ]
    );
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn an_anonymous_write_is_sent_to_the_login_form() {
    let app = spawn_app().await;

    let res = app.post_form("/threads", &THREAD).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login");
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn scripts_handlers_and_javascript_links_in_a_synthesis_never_reach_the_page() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Sanitizing").await;
    let body = "Harmless opening words.\n\n\
                <script>alert(1)</script>\n\n\
                <img src=x onerror=alert(1)>\n\n\
                A [plain link](javascript:alert(1)) in a sentence.\n\n\
                <a href=\"JaVaScRiPt:alert(1)\">y</a>\n\n\
                Harmless closing words.";

    let res = app.save_synthesis(&slug, 0, body, "attack").await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stored: String = app.query(|c| revisions::table.select(revisions::body_md).first(c).unwrap()).await;
    assert_eq!(stored, body, "the Markdown is kept as typed; only the HTML is sanitized");
    let page = app.page(&format!("/threads/{slug}")).await;
    let lowered = page.to_lowercase();
    for forbidden in ["<script>alert", "onerror", "javascript:"] {
        assert!(!lowered.contains(forbidden), "the page contains {forbidden}");
    }
    let paragraphs = texts(&page, ".prose p");
    for kept in ["Harmless opening words.", "A plain link in a sentence.", "Harmless closing words."] {
        assert!(paragraphs.iter().any(|p| p == kept), "{kept:?} missing from {paragraphs:?}");
    }
}

#[tokio::test]
async fn a_script_tag_in_a_thread_title_is_shown_as_text() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let title = "<script>alert(1)</script>";

    let slug = app.create_thread(title).await;

    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, "h1"), [title]);
    assert!(!page.contains("<script"));
    let home = app.page("/").await;
    assert_eq!(texts(&home, ".thread-card h2"), [title]);
    assert!(!home.contains("<script"));
}

#[tokio::test]
async fn an_event_link_with_a_javascript_url_is_rejected() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;

    let res = app
        .post_form(
            "/events",
            &[
                ("date", "2024-07-23"),
                ("title", "Release"),
                ("significance", "major"),
                ("url", "javascript:alert(1)"),
                ("body", ""),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        texts(&res.text().await.unwrap(), "[role=alert]"),
        ["the link must be a full http:// or https:// address"]
    );
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_form_body_over_one_mebibyte_is_refused_with_413() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Big bodies").await;

    let res = app.save_synthesis(&slug, 0, &two_mib(), "huge").await;

    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn a_json_body_over_one_mebibyte_is_refused_with_413() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;

    let res = app.post_json("/api/v1/threads", &json!({ "title": two_mib(), "framing_question": "Is it so?" })).await;

    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn every_html_response_forbids_framing_sniffing_and_referrer_leaks() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Headers").await;
    let thread = format!("/threads/{slug}");
    let forbidden = format!("/threads/{slug}/edit");
    // A reader is refused the edit form: the 403 page must carry the headers too.
    let (reader, _) = second_browser(&app, "rita", Role::Reader).await;

    let mut responses = Vec::new();
    for path in
        ["/", "/login", "/signup", "/events", thread.as_str(), "/threads/new", "/threads/no-such-thread", "/nowhere"]
    {
        responses.push((path.to_owned(), app.get(path).await));
    }
    responses.push((forbidden.clone(), reader.get(format!("{}{forbidden}", app.address)).send().await.unwrap()));

    let statuses: Vec<u16> = responses.iter().map(|(_, r)| r.status().as_u16()).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 200, 200, 404, 404, 403]);
    for (path, res) in &responses {
        let header = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(header("content-type").starts_with("text/html"), "{path}");
        assert!(header("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert!(!header("referrer-policy").is_empty(), "{path}");
    }
}

#[tokio::test]
async fn cookies_are_marked_secure_when_the_server_is_told_it_runs_behind_tls() {
    let app = crate::helpers::spawn_app_with(|s| s.cookie_secure = true).await;
    app.user("curie", Role::Curator).await;
    let res = app.login("curie", PASSWORD).await;
    let cookies: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let session = cookies.iter().find(|c| c.starts_with("agora_session=")).expect("a session cookie");
    assert!(session.contains("; Secure"), "{session}");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");

    let plain = spawn_app().await;
    plain.user("curie", Role::Curator).await;
    let res = plain.login("curie", PASSWORD).await;
    let session: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .filter(|c| c.starts_with("agora_session="))
        .collect();
    assert!(!session[0].contains("Secure"), "plain HTTP keeps cookies usable: {}", session[0]);
}

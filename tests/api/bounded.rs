//! Tests: bounded work. Markdown nested past the depth bound is refused (422, naming the
//! limit) on every path that renders it, before any rendering; previews are for editors; diffs
//! of large texts answer with a plain fallback and say so.

use std::time::Duration;

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::texts;

/// The message that names the limit.
const LIMIT: &str = "levels deep; at most 100 are allowed";

/// Refusing a deep text must not take the quadratic render it prevents (44 s for 60 000 `>`):
/// a generous bound that only a render would exceed.
const QUICKLY: Duration = Duration::from_secs(15);

async fn quickly<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(QUICKLY, f).await.expect("answered without rendering the deep text")
}

async fn preview(app: &TestApp, body: &str) -> reqwest::Response {
    let token = app.csrf_token().await;
    let req = app.client.post(format!("{}/preview", app.address)).form(&[("body", body)]);
    req.header("X-CSRF-Token", token).send().await.unwrap()
}

/// The text of the form's error message.
fn form_error(html: &str) -> String {
    texts(html, "main [role=alert]").join(" ")
}

#[tokio::test]
async fn deeply_nested_previews_are_refused_with_the_limit() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    for (shape, body) in [
        ("quotes", ">".repeat(60_000)),
        ("quotes with spaces", "> ".repeat(60_000)),
        ("lists", "- ".repeat(60_000)),
        ("indented lists", (0..200).map(|i| format!("{}- x\n", "  ".repeat(i))).collect()),
        ("divs", "<div>".repeat(30_000)),
        ("divs in paragraphs", "<div>\n\n".repeat(10_000)),
    ] {
        let res = quickly(preview(&app, &body)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{shape}");
        let text = res.text().await.unwrap();
        assert!(text.contains(LIMIT), "{shape}: {text}");
    }
    // Deep but within the bound, and code that looks deep, still preview.
    let max = agora::domain::nesting::MAX_DEPTH;
    let res = preview(&app, &format!("{} x\n\n```\n{}\n```", ">".repeat(max), ">".repeat(5_000))).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap().matches("<blockquote>").count(), max);
}

#[tokio::test]
async fn previews_are_for_people_who_can_edit() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let res = preview(&app, "**x**").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("previews are for people who can edit"));

    let curator = app.another_browser();
    curator.login_as("curie", Role::Curator).await;
    let res = preview(&curator, "**x**").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(texts(&res.text().await.unwrap(), "strong"), ["x"]);
}

#[tokio::test]
async fn a_deeply_nested_synthesis_is_refused_and_the_form_keeps_the_text() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Deep quotes").await;
    let body = format!("Intro.\n\n{}", ">".repeat(60_000));
    let res = quickly(app.save_synthesis(&slug, 0, &body, "deep")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(form_error(&html).contains(&format!("the synthesis nests quotes/lists/HTML 60000 {LIMIT}")), "{html}");
    assert_eq!(texts(&html, "textarea[name=body]"), [body.split_whitespace().collect::<Vec<_>>().join(" ")]);
    assert_eq!(app.count("revisions").await, 0);

    let res = quickly(app.post_json(
        &format!("/api/v1/threads/{slug}/synthesis"),
        &serde_json::json!({ "base_seq": 0, "body": "<div>".repeat(agora::domain::nesting::MAX_DEPTH + 1), "summary": "" }),
    ))
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains(LIMIT));
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn deeply_nested_section_items_and_events_are_refused() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Deep items").await;
    // Section bodies are at most 20 KB: deep within that.
    let body = "> ".repeat(9_000);
    let fields = [("title", "Deep reading"), ("body", body.as_str()), ("proponents", "Someone")];
    let res = quickly(app.post_form(&format!("/threads/{slug}/interpretations"), &fields)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(form_error(&html).contains(LIMIT), "{html}");
    assert_eq!(texts(&html, "textarea[name=body]"), [body.split_whitespace().collect::<Vec<_>>().join(" ")]);
    assert_eq!(app.count("interpretations").await, 0);

    let fields = [("label", "2006"), ("title", "Deep"), ("body", &*"<div>".repeat(3_000))];
    let res = quickly(app.post_form(&format!("/threads/{slug}/arc"), &fields)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form_error(&res.text().await.unwrap()).contains(LIMIT));

    let nested_list = "- ".repeat(9_000);
    let fields =
        [("date", "2024-07-23"), ("title", "Deep"), ("significance", "major"), ("url", ""), ("body", &*nested_list)];
    let res = quickly(app.post_form(&format!("/threads/{slug}/events"), &fields)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form_error(&res.text().await.unwrap()).contains(LIMIT));
    assert_eq!(app.count("events").await, 0);

    // An item within the bound is saved as before.
    let fields = [("title", "Fine"), ("body", "> quoted\n\n- a\n  - b"), ("proponents", "Someone")];
    let res = app.post_form(&format!("/threads/{slug}/interpretations"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}#interpretations"));
}

/// A ~190 KB text whose every paragraph differs from the same paragraph of `other`'s.
fn large_text(tag: &str) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 190_000 {
        text.push_str(&format!("Paragraph {i} of the {tag} text argues something else entirely.\n\n"));
        i += 1;
    }
    text.trim_end().to_owned()
}

#[tokio::test]
async fn diffs_of_large_texts_that_differ_everywhere_fall_back_and_say_so() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Large diffs").await;
    let (old, new) = (large_text("first"), large_text("second"));
    assert_eq!(app.save_synthesis(&slug, 0, &old, "one").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.save_synthesis(&slug, 1, &new, "two").await.status(), StatusCode::SEE_OTHER);

    // Both answers are read before either is parsed (parsing a large page takes a while, and
    // the server closes idle connections).
    let page = quickly(app.page(&format!("/threads/{slug}/diff?from=1&to=2"))).await;
    let api = quickly(app.get_json(&format!("/api/v1/threads/{slug}/diff?from=1&to=2"), StatusCode::OK)).await;
    assert_ne!(api["detail"], "words", "{}", api["detail"]);
    assert!(["lines", "truncated"].contains(&api["detail"].as_str().unwrap()));
    let lines = api["lines"].as_array().unwrap();
    assert!(!lines.is_empty());
    let shown: usize = lines.iter().map(|l| l["text"].as_str().unwrap().len()).sum();
    assert!(shown <= 400_000, "the output is capped: {shown}");

    let notice = texts(&page, "main .diff-notice").join(" ");
    assert!(notice.contains("too large to"), "{notice}");
    let caption = texts(&page, "main table.diff caption").join(" ");
    assert!(!caption.contains("changed words are marked"), "the caption claims no marks: {caption}");
    let removed = texts(&page, "main tr.diff-removed td:last-child");
    assert!(
        removed.iter().any(|l| l == "Paragraph 0 of the first text argues something else entirely."),
        "content shown"
    );
    assert!(page.matches("<mark>").count() == 0, "no word marks past the limits");
}

//! The OpenAPI description (`/api/v1/openapi.json`), its page (`/api/v1/docs`), and the strict
//! parsing of JSON bodies it promises.

use std::collections::BTreeSet;

use agora::domain::roles::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, spawn_app};
use crate::pages::texts;

/// Every (METHOD, path) the app registered under `/api/v1`.
fn registered_api_routes() -> BTreeSet<(String, String)> {
    agora::routes::table::registered()
        .into_iter()
        .filter(|(_, path)| path.starts_with("/api/v1/"))
        .map(|(method, path)| (method.to_owned(), path))
        .collect()
}

/// Every (METHOD, path) the document describes.
fn documented_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("a path item").keys() {
            routes.insert((method.to_uppercase(), path.clone()));
        }
    }
    routes
}

/// Every operation of the document with its method and path.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            all.push((method.to_uppercase(), path.clone(), operation.clone()));
        }
    }
    all
}

async fn document(app: &TestApp) -> Value {
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn every_api_route_is_documented_with_its_method_and_nothing_else_is() {
    let app = spawn_app().await; // building the app fills the route table
    let doc = document(&app).await;

    let registered = registered_api_routes();
    let documented = documented_routes(&doc);

    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let unregistered: Vec<_> = documented.difference(&registered).collect();
    assert!(undocumented.is_empty(), "routes missing from the OpenAPI document: {undocumented:?}");
    assert!(unregistered.is_empty(), "documented routes the app does not serve: {unregistered:?}");
    assert!(registered.contains(&("GET".to_owned(), "/api/v1/openapi.json".to_owned())));
    assert!(registered.len() >= 20, "{registered:?}");
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_unique_operation_ids_and_summaries() {
    let app = spawn_app().await;
    let doc = document(&app).await;

    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."), "{}", doc["openapi"]);
    let mut ids = BTreeSet::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
        assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path} has no summary");
        for status in ["500", "503"] {
            assert!(operation["responses"].get(status).is_some(), "{method} {path} does not document {status}");
        }
    }
}

#[tokio::test]
async fn every_write_documents_its_security_and_every_error_is_the_error_schema() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["session_cookie"]["name"], "agora_session");
    assert_eq!(schemes["csrf_token"]["in"], "header");
    assert_eq!(schemes["csrf_token"]["name"], "X-CSRF-Token");
    // Issue 18 item 13: a personal API token, alone, is the other way in.
    assert_eq!(schemes["bearer_token"]["type"], "http");
    assert_eq!(schemes["bearer_token"]["scheme"], "bearer");

    let mut with_bearer = 0;
    for (method, path, operation) in operations(&doc) {
        let exempt_login = method == "POST" && path == "/api/v1/session";
        // Sessions and tokens are managed from a signed-in session only.
        let session_only = path == "/api/v1/session" || path.starts_with("/api/v1/account/tokens");
        if method != "GET" && !exempt_login {
            let expected = if session_only {
                json!([{ "session_cookie": [], "csrf_token": [] }])
            } else {
                json!([{ "session_cookie": [], "csrf_token": [] }, { "bearer_token": [] }])
            };
            assert_eq!(
                operation["security"], expected,
                "{method} {path} must say it needs the cookie and the CSRF header, or else a bearer token"
            );
            assert!(operation["responses"].get("403").is_some(), "{method} {path} does not document 403");
        }
        if method == "GET" && operation.get("security").is_some() {
            let expected = if session_only {
                json!([{ "session_cookie": [] }])
            } else {
                json!([{ "session_cookie": [] }, { "bearer_token": [] }])
            };
            assert_eq!(operation["security"], expected, "{method} {path}: the session, or else a bearer token");
        }
        if operation["security"].to_string().contains("bearer_token") {
            with_bearer += 1;
            for status in ["401", "429"] {
                assert!(operation["responses"].get(status).is_some(), "{method} {path} takes a token but not {status}");
            }
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413"] {
                assert!(operation["responses"].get(status).is_some(), "{method} {path} does not document {status}");
            }
        }
        for (status, response) in operation["responses"].as_object().unwrap() {
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            if status.starts_with('4') && status != "409" {
                assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
        }
    }
    assert!(with_bearer > 40, "most operations take a bearer token: {with_bearer}");
    let conflict = &doc["paths"]["/api/v1/threads/{slug}/synthesis"]["post"]["responses"]["409"];
    assert_eq!(conflict["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/SaveConflict");
    let conflict_schema = &doc["components"]["schemas"]["SaveConflict"]["properties"];
    for field in ["error", "current", "yours"] {
        assert!(conflict_schema.get(field).is_some(), "the 409 body documents {field}");
    }
}

#[tokio::test]
async fn every_request_body_refuses_unknown_fields_in_the_document() {
    let app = spawn_app().await;
    let doc = document(&app).await;

    for (method, path, operation) in operations(&doc) {
        let Some(reference) = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str() else {
            continue;
        };
        let name = reference.rsplit('/').next().unwrap();
        let schema = &doc["components"]["schemas"][name];
        assert_eq!(schema["additionalProperties"], false, "{method} {path}: {name} must refuse unknown fields");
    }
}

#[tokio::test]
async fn the_docs_page_lists_every_operation_without_scripts() {
    let app = spawn_app().await;

    let res = app.get("/api/v1/docs").await;

    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = res.text().await.unwrap();
    let headings: BTreeSet<String> = texts(&html, "article.operation h3").into_iter().collect();
    for (method, path) in registered_api_routes() {
        assert!(headings.contains(&format!("{method} {path}")), "the docs page does not list {method} {path}");
    }
    assert!(!html.contains("<script"), "the page needs no script");
    assert!(!html.contains(" style="), "inline styles are refused by the CSP");
    let schema_headings: BTreeSet<String> = texts(&html, "#schemas ~ h3").into_iter().collect();
    let doc = document(&app).await;
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(schema_headings.contains(name), "the docs page does not describe the schema {name}");
    }
    let statuses = texts(&html, "#save_synthesis ~ table.responses td:first-child");
    for status in ["201", "200", "409", "422"] {
        assert!(statuses.iter().any(|s| s == status), "save_synthesis lists {status}: {statuses:?}");
    }
}

// Strict input: every malformed body is a 4xx with `{"error": ...}` and changes nothing.

/// A logged-in curator with a thread; returns its slug.
async fn curator_with_thread(app: &TestApp) -> String {
    app.login_as("curie", Role::Curator).await;
    let res = app.post_json("/api/v1/threads", &json!({ "title": "Strict", "framing_question": "Is it?" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["slug"].as_str().unwrap().to_owned()
}

async fn post_raw(app: &TestApp, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> Response {
    let token = app.csrf_token().await;
    app.client
        .post(format!("{}{path}", app.address))
        .header("X-CSRF-Token", token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unknown_field_in_a_json_body_is_a_400() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;

    let thread = app
        .post_json("/api/v1/threads", &json!({ "title": "Typo", "framing_question": "Why?", "stanse": "settled" }))
        .await;
    let save = app
        .post_json(
            &format!("/api/v1/threads/{slug}/synthesis"),
            &json!({ "base_seq": 0, "body": "Text.", "csrf_token": "forms only" }),
        )
        .await;
    let login = app
        .client
        .post(format!("{}/api/v1/session", app.address))
        .json(&json!({ "username": "curie", "password": crate::common::PASSWORD, "remember": true }))
        .send()
        .await
        .unwrap();

    assert!(api_error(thread, StatusCode::BAD_REQUEST).await.contains("unknown field `stanse`"));
    assert!(api_error(save, StatusCode::BAD_REQUEST).await.contains("unknown field `csrf_token`"));
    assert!(api_error(login, StatusCode::BAD_REQUEST).await.contains("unknown field `remember`"));
    assert_eq!(app.count("threads").await, 1);
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn a_field_of_the_wrong_type_is_a_400() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;

    let save = app
        .post_json(&format!("/api/v1/threads/{slug}/synthesis"), &json!({ "base_seq": "zero", "body": "Text." }))
        .await;
    let item = app.post_json(&format!("/api/v1/threads/{slug}/questions"), &json!({ "question": ["Is it?"] })).await;
    let event = app.post_json("/api/v1/events", &json!({ "date": "2024-01-01", "title": "E", "url": 7 })).await;

    assert!(api_error(save, StatusCode::BAD_REQUEST).await.contains("invalid type"));
    assert!(api_error(item, StatusCode::BAD_REQUEST).await.contains("invalid type"));
    assert!(api_error(event, StatusCode::BAD_REQUEST).await.contains("invalid type"));
    assert_eq!(app.count("revisions").await, 0);
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_missing_required_field_is_a_400() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;

    let res = app.post_json(&format!("/api/v1/threads/{slug}/synthesis"), &json!({ "body": "No base." })).await;

    assert!(api_error(res, StatusCode::BAD_REQUEST).await.contains("missing field `base_seq`"));
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn malformed_json_and_a_non_json_content_type_are_400s() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;
    let path = format!("/api/v1/threads/{slug}/synthesis");

    let truncated = post_raw(&app, &path, "application/json", r#"{"base_seq": 0, "body": "#).await;
    let trailing = post_raw(&app, &path, "application/json", r#"{"base_seq": 0, "body": "x"} {}"#).await;
    let not_json = post_raw(&app, &path, "text/plain", r#"{"base_seq": 0, "body": "x"}"#).await;

    api_error(truncated, StatusCode::BAD_REQUEST).await;
    api_error(trailing, StatusCode::BAD_REQUEST).await;
    assert_eq!(api_error(not_json, StatusCode::BAD_REQUEST).await, "send Content-Type: application/json");
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn a_nul_character_in_text_is_a_400_not_a_database_error() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;

    let save =
        app.post_json(&format!("/api/v1/threads/{slug}/synthesis"), &json!({ "base_seq": 0, "body": "a\u{0}b" })).await;
    let login = app
        .client
        .post(format!("{}/api/v1/session", app.address))
        .json(&json!({ "username": "cu\u{0}rie", "password": "whatever whatever" }))
        .send()
        .await
        .unwrap();

    assert!(api_error(save, StatusCode::BAD_REQUEST).await.contains("NUL"));
    assert!(api_error(login, StatusCode::BAD_REQUEST).await.contains("NUL"));
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;
    let huge = json!({ "base_seq": 0, "body": "x".repeat(2 * 1024 * 1024) }).to_string();

    let res = post_raw(&app, &format!("/api/v1/threads/{slug}/synthesis"), "application/json", huge).await;

    api_error(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn a_malformed_query_parameter_is_a_400() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;

    let diff = app.get(&format!("/api/v1/threads/{slug}/diff?from=one&to=2")).await;
    let missing = app.get(&format!("/api/v1/threads/{slug}/diff?from=1")).await;
    let before = app.get(&format!("/api/v1/threads/{slug}/revisions?before=yesterday")).await;

    api_error(diff, StatusCode::BAD_REQUEST).await;
    api_error(missing, StatusCode::BAD_REQUEST).await;
    api_error(before, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn forms_keep_posting_their_csrf_field_and_minor_checkbox() {
    let app = spawn_app().await;
    let slug = curator_with_thread(&app).await;

    // `post_form` adds the hidden `csrf_token` field, as the page's form does.
    let res = app
        .post_form(
            &format!("/threads/{slug}/synthesis"),
            &[("base_seq", "0"), ("body", "Typo-free."), ("summary", "typo"), ("minor", "true")],
        )
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let revision = app.get_json(&format!("/api/v1/threads/{slug}/revisions/1"), StatusCode::OK).await;
    assert_eq!(revision["minor"], true);
}

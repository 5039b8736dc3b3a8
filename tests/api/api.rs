//! The JSON API under `/api/v1`: reads, sessions, writes with their checks, and JSON errors.

use agora::domain::roles::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::PASSWORD;
use crate::helpers::{TestApp, api_error, json_of, new_client, spawn_app};

/// A curator's thread that `app`'s client (logged in as someone else, or not at all) can target.
async fn thread_of_another_curator(app: &TestApp) -> String {
    app.user("owner", Role::Curator).await;
    let client = new_client();
    let login = client
        .post(format!("{}/api/v1/session", app.address))
        .json(&json!({ "username": "owner", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let token = json_of(login).await["csrf_token"].as_str().unwrap().to_owned();
    let res = client
        .post(format!("{}/api/v1/threads", app.address))
        .header("X-CSRF-Token", token)
        .json(&json!({ "title": "Owned elsewhere", "framing_question": "Whose is it?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    json_of(res).await["slug"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_thread_list_returns_threads_and_no_cursor_when_they_fit_one_page() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let first = app.api_create_thread("First question").await;
    let second = app.api_create_thread("Second question").await;

    let body = json_of(app.get("/api/v1/threads").await).await;

    let slugs: Vec<&str> = body["threads"].as_array().unwrap().iter().map(|t| t["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, [second.as_str(), first.as_str()], "most recently updated first");
    assert_eq!(body["threads"][0]["title"], "Second question");
    assert_eq!(body["threads"][0]["status"], "active");
    assert_eq!(body["threads"][0]["stance"], "contested");
    assert_eq!(body["threads"][0]["head_seq"], 0);
    assert!(body["next_cursor"].is_null());
}

#[tokio::test]
async fn the_thread_list_pages_with_its_cursor_without_repeating_threads() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    for n in 0..31 {
        app.api_create_thread(&format!("Question {n}")).await;
    }

    let first = app.get_json("/api/v1/threads", StatusCode::OK).await;
    let cursor = first["next_cursor"].as_str().expect("a cursor after a full page").to_owned();
    let second = app.get_json(&format!("/api/v1/threads?after={cursor}"), StatusCode::OK).await;

    assert_eq!(first["threads"].as_array().unwrap().len(), 30);
    let rest = second["threads"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["title"], "Question 0");
    assert!(second["next_cursor"].is_null());
}

#[tokio::test]
async fn thread_detail_includes_every_section() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("Open weights").await;
    app.api_save_synthesis_ok(&slug, 0, "The *state* of the debate.", "edit").await;
    let items = [
        ("arc", json!({ "label": "2023", "title": "The leak", "body": "Weights escaped." })),
        ("interpretations", json!({ "title": "Openness wins", "body": "Open is safer.", "proponents": "Alice\nBob" })),
        ("questions", json!({ "question": "Who audits?" })),
        ("controversies", json!({ "title": "Licences", "body": "Are they open?" })),
    ];
    for (kind, item) in &items {
        let res = app.post_json(&format!("/api/v1/threads/{slug}/{kind}"), item).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{kind}");
    }
    let res = app
        .post_form(
            &format!("/threads/{slug}/events"),
            &[
                ("date", "2023-02-24"),
                ("title", "LLaMA released"),
                ("significance", "landmark"),
                ("url", ""),
                ("body", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let body = app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await;

    assert_eq!(body["slug"], slug.as_str());
    assert_eq!(body["title"], "Open weights");
    assert_eq!(body["curators"], json!(["curie"]));
    assert_eq!(body["synthesis"]["seq"], 1);
    assert_eq!(body["synthesis"]["body_markdown"], "The *state* of the debate.");
    assert_eq!(body["synthesis"]["body_html"], "<p>The <em>state</em> of the debate.</p>\n");
    assert_eq!(body["arc"][0]["label"], "2023");
    assert_eq!(body["arc"][0]["title"], "The leak");
    assert_eq!(body["interpretations"][0]["title"], "Openness wins");
    assert_eq!(body["interpretations"][0]["proponents"], json!(["Alice", "Bob"]));
    assert_eq!(body["open_questions"][0]["question"], "Who audits?");
    assert_eq!(body["events"][0]["title"], "LLaMA released");
    assert_eq!(body["events"][0]["significance"], "landmark");
    assert_eq!(body["events"][0]["date"], "2023-02-24");
    assert_eq!(body["controversies"][0]["title"], "Licences");
}

#[tokio::test]
async fn an_unknown_thread_is_a_json_404() {
    let app = spawn_app().await;
    let message = api_error(app.get("/api/v1/threads/nope").await, StatusCode::NOT_FOUND).await;
    assert_eq!(message, "there is nothing at this address");
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404() {
    let app = spawn_app().await;
    api_error(app.get("/api/v1/whatever").await, StatusCode::NOT_FOUND).await;
    api_error(app.get("/api/v1/events/not-a-number").await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_malformed_cursor_is_a_json_400() {
    let app = spawn_app().await;
    let message = api_error(app.get("/api/v1/threads?after=garbage").await, StatusCode::BAD_REQUEST).await;
    assert_eq!(message, "the page cursor is not valid");
    api_error(app.get("/api/v1/events?after=garbage").await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn json_login_returns_the_user_a_csrf_token_and_a_session_cookie() {
    let app = spawn_app().await;
    app.user("dana", Role::Curator).await;

    let res = app
        .client
        .post(format!("{}/api/v1/session", app.address))
        .json(&json!({ "username": "dana", "password": PASSWORD }))
        .send()
        .await
        .unwrap();

    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("agora_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let body = json_of(res).await;
    assert_eq!(body["user"]["username"], "dana");
    assert_eq!(body["user"]["role"], "curator");
    let token = body["csrf_token"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    let session = app.get_json("/api/v1/session", StatusCode::OK).await;
    assert_eq!(session["user"]["username"], "dana");
    assert_eq!(session["csrf_token"], token);
    assert_eq!(app.count("sessions").await, 1);
}

#[tokio::test]
async fn json_login_with_a_wrong_password_is_a_json_401() {
    let app = spawn_app().await;
    app.user("dana", Role::Curator).await;

    let res = app
        .client
        .post(format!("{}/api/v1/session", app.address))
        .json(&json!({ "username": "dana", "password": "wrong wrong wrong" }))
        .send()
        .await
        .unwrap();

    assert!(res.headers().get_all("set-cookie").iter().all(|v| !v.to_str().unwrap().starts_with("agora_session=")));
    assert_eq!(api_error(res, StatusCode::UNAUTHORIZED).await, "wrong username or password");
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn json_logout_ends_the_session() {
    let app = spawn_app().await;
    app.login_as("dana", Role::Reader).await;
    assert_eq!(app.count("sessions").await, 1);

    let res = app.send_json(reqwest::Method::DELETE, "/api/v1/session", &json!({})).await;

    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("sessions").await, 0);
    assert!(app.get_json("/api/v1/session", StatusCode::OK).await["user"].is_null());
}

#[tokio::test]
async fn an_api_write_without_the_csrf_header_is_a_json_403() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;

    let res = app
        .client
        .post(format!("{}/api/v1/threads", app.address))
        .json(&json!({ "title": "Sneaky", "framing_question": "Is it so?" }))
        .send()
        .await
        .unwrap();

    api_error(res, StatusCode::FORBIDDEN).await;
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn malformed_json_is_a_json_400() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let token = app.csrf_token().await;

    let res = app
        .client
        .post(format!("{}/api/v1/threads", app.address))
        .header("X-CSRF-Token", token)
        .header("Content-Type", "application/json")
        .body("{\"title\": \"unterminated")
        .send()
        .await
        .unwrap();

    api_error(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn saving_the_first_synthesis_from_base_zero_creates_revision_one() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("First words").await;

    let res = app.api_save_synthesis(&slug, 0, "The first text.", "edit").await;

    assert_eq!(res.status(), StatusCode::CREATED);
    let location = res.headers().get("location").unwrap().to_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/threads/{slug}/revisions/1"));
    let body = json_of(res).await;
    assert_eq!(body["seq"], 1);
    assert_eq!(body["saved"], true);
    assert_eq!(app.count("revisions").await, 1);
    assert_eq!(app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await["head_seq"], 1);
}

#[tokio::test]
async fn stale_save_returns_conflict_with_both_versions() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("Contested").await;
    app.api_save_synthesis_ok(&slug, 0, "Their text.", "edit").await;

    let res = app.api_save_synthesis(&slug, 0, "My text, from the same base.", "edit").await;

    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = json_of(res).await;
    assert!(body["error"].as_str().unwrap().starts_with("edit conflict"), "{body}");
    assert_eq!(body["current"]["seq"], 1);
    assert_eq!(body["current"]["body_markdown"], "Their text.");
    assert_eq!(body["current"]["author"], "curie");
    assert_eq!(body["yours"], "My text, from the same base.");
    assert_eq!(app.count("revisions").await, 1);
}

#[tokio::test]
async fn revisions_are_listed_newest_first_and_readable_one_by_one() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("History").await;
    app.api_save_synthesis_ok(&slug, 0, "Version one.", "edit").await;
    app.api_save_synthesis_ok(&slug, 1, "Version two, longer.", "edit").await;

    let list = app.get_json(&format!("/api/v1/threads/{slug}/revisions"), StatusCode::OK).await;
    let first = app.get_json(&format!("/api/v1/threads/{slug}/revisions/1"), StatusCode::OK).await;

    let revisions = list["revisions"].as_array().unwrap();
    let seqs: Vec<i64> = revisions.iter().map(|r| r["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [2, 1]);
    assert_eq!(revisions[0]["parent_seq"], 1);
    assert!(revisions[1]["parent_seq"].is_null());
    assert_eq!(revisions[0]["body_length"], "Version two, longer.".len());
    assert_eq!(revisions[0]["author"], "curie");
    assert!(revisions[0].get("body_markdown").is_none(), "lists do not carry bodies");
    assert!(list["next_before"].is_null());
    assert_eq!(first["seq"], 1);
    assert_eq!(first["body_markdown"], "Version one.");
    assert_eq!(first["body_html"], "<p>Version one.</p>\n");
    api_error(app.get(&format!("/api/v1/threads/{slug}/revisions/9")).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_diff_counts_added_and_removed_lines() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("Diffs").await;
    app.api_save_synthesis_ok(&slug, 0, "alpha\nbeta\nomega", "edit").await;
    app.api_save_synthesis_ok(&slug, 1, "alpha\nBETA\nnew line\nomega", "edit").await;

    let diff = app.get_json(&format!("/api/v1/threads/{slug}/diff?from=1&to=2"), StatusCode::OK).await;

    assert_eq!((diff["from"].as_i64(), diff["to"].as_i64()), (Some(1), Some(2)));
    assert_eq!(diff["removed"], 1);
    assert_eq!(diff["added"], 2);
    assert_eq!(diff["detail"], "words", "a small diff is marked word by word");
    let changed: Vec<(String, String)> = diff["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["change"] != "same")
        .map(|l| (l["change"].as_str().unwrap().to_owned(), l["text"].as_str().unwrap().to_owned()))
        .collect();
    let expected =
        [("removed", "beta"), ("added", "BETA"), ("added", "new line")].map(|(c, t)| (c.to_owned(), t.to_owned()));
    assert_eq!(changed, expected);
}

#[tokio::test]
async fn revert_creates_a_new_revision_with_the_old_text() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("Vandalised").await;
    app.api_save_synthesis_ok(&slug, 0, "The careful text.", "edit").await;
    app.api_save_synthesis_ok(&slug, 1, "Vandalism!", "edit").await;

    let res = app
        .post_json(
            &format!("/api/v1/threads/{slug}/revisions/1/revert"),
            &json!({ "base_seq": 2, "reason": "vandalism" }),
        )
        .await;

    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(json_of(res).await["seq"], 3);
    assert_eq!(app.count("revisions").await, 3);
    let third = app.get_json(&format!("/api/v1/threads/{slug}/revisions/3"), StatusCode::OK).await;
    assert_eq!(third["body_markdown"], "The careful text.");
    assert_eq!(third["reverted_to_seq"], 1);
    assert_eq!(third["parent_seq"], 2);
    assert_eq!(third["summary"], "Reverted to revision 1 (written by curie): vandalism");
    let detail = app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await;
    assert_eq!(detail["synthesis"]["seq"], 3);
}

#[tokio::test]
async fn a_reader_writing_through_the_api_gets_a_json_403() {
    let app = spawn_app().await;
    let slug = thread_of_another_curator(&app).await;
    app.login_as("rita", Role::Reader).await;

    let create = app.post_json("/api/v1/threads", &json!({ "title": "Mine now", "framing_question": "Is it?" })).await;
    api_error(create, StatusCode::FORBIDDEN).await;
    let save = app.api_save_synthesis(&slug, 0, "Reader text.", "edit").await;
    api_error(save, StatusCode::FORBIDDEN).await;

    assert_eq!(app.count("threads").await, 1);
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn an_anonymous_api_write_is_a_json_401() {
    let app = spawn_app().await;
    let slug = thread_of_another_curator(&app).await;

    let create = app.post_json("/api/v1/threads", &json!({ "title": "Anonymous", "framing_question": "Who?" })).await;
    assert_eq!(api_error(create, StatusCode::UNAUTHORIZED).await, "log in first (POST /api/v1/session)");
    let save = app.api_save_synthesis(&slug, 0, "Anonymous text.", "edit").await;
    api_error(save, StatusCode::UNAUTHORIZED).await;

    assert_eq!(app.count("threads").await, 1);
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn events_are_listed_and_an_event_lists_its_threads() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("Open weights").await;
    let res = app
        .post_json("/api/v1/events", &json!({ "date": "2023-02-24", "title": "LLaMA released", "significance": "landmark", "url": "https://example.org/llama", "body": "Weights *out*." }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = json_of(res).await["id"].as_i64().unwrap();
    let older = app.post_json("/api/v1/events", &json!({ "date": "2019-02-14", "title": "GPT-2 withheld" })).await;
    assert_eq!(older.status(), StatusCode::CREATED);
    let link = app.post_form(&format!("/threads/{slug}/events/link"), &[("event_id", &id.to_string())]).await;
    assert_eq!(link.status(), StatusCode::SEE_OTHER);

    let list = app.get_json("/api/v1/events", StatusCode::OK).await;
    let detail = app.get_json(&format!("/api/v1/events/{id}"), StatusCode::OK).await;

    let titles: Vec<&str> = list["events"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["LLaMA released", "GPT-2 withheld"], "newest first");
    assert_eq!(list["events"][1]["significance"], "notable");
    assert!(list["next_cursor"].is_null());
    assert_eq!(detail["id"], id);
    assert_eq!(detail["date"], "2023-02-24");
    assert_eq!(detail["url"], "https://example.org/llama");
    assert_eq!(detail["body_markdown"], "Weights *out*.");
    assert_eq!(detail["body_html"], "<p>Weights <em>out</em>.</p>\n");
    assert_eq!(detail["threads"], json!([{ "slug": slug, "title": "Open weights" }]));
    api_error(app.get("/api/v1/events/999999").await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn an_event_added_to_a_thread_through_the_api_appears_in_the_thread() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.api_create_thread("Open weights").await;

    let res = app
        .post_json(
            &format!("/api/v1/threads/{slug}/events"),
            &json!({ "date": "2023-02-24", "title": "LLaMA released" }),
        )
        .await;

    assert_eq!(res.status(), StatusCode::CREATED);
    let id = json_of(res).await["id"].as_i64().unwrap();
    let detail = app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await;
    assert_eq!(detail["events"][0]["id"], id);
    assert_eq!(detail["events"][0]["title"], "LLaMA released");
}

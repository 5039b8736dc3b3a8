//! The JSON API of moderation: hiding and what readers then see, patrol, locks, suspensions,
//! roles and the moderation log.

use agora::domain::roles::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::PASSWORD;
use crate::helpers::{TestApp, api_error, column, expect_json, spawn_app};

/// The id of the user logged in on `browser`.
pub(crate) async fn own_id(browser: &TestApp) -> i64 {
    browser.get_json("/api/v1/session", StatusCode::OK).await["user"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn hiding_without_a_reason_is_refused_and_hides_nothing() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Fine text.", "").await;
    app.api_save_synthesis_ok(&slug, 1, "Other text.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = maud.api_change_of_revision(&slug, 1).await;
    let hide = format!("/api/v1/changes/{change}/hide");

    let blank = maud.post_json(&hide, &json!({ "reason": "   " })).await;
    let missing = maud.post_json(&hide, &json!({})).await;
    let by_curator = app.post_json(&hide, &json!({ "reason": "mine" })).await;

    assert!(api_error(blank, StatusCode::UNPROCESSABLE_ENTITY).await.contains("reason"));
    assert!(api_error(missing, StatusCode::BAD_REQUEST).await.contains("missing field `reason`"));
    api_error(by_curator, StatusCode::FORBIDDEN).await;
    assert!(maud.api_thread_changes(&slug).await.iter().all(|c| c["hidden"] == false));
    let unknown = maud.post_json("/api/v1/changes/999999/hide", &json!({ "reason": "gone" })).await;
    api_error(unknown, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_hidden_revision_is_blank_for_a_reader_and_readable_by_a_moderator_until_unhidden() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Fine text.", "").await;
    app.api_save_synthesis_ok(&slug, 1, "Call 555-0100.", "add a number").await;
    app.api_save_synthesis_ok(&slug, 2, "Fine text again.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = maud.api_change_of_revision(&slug, 2).await;
    let reader = app.another_browser();

    let res = maud.post_json(&format!("/api/v1/changes/{change}/hide"), &json!({ "reason": "personal data" })).await;

    assert_eq!(expect_json(res, StatusCode::OK).await, json!({ "id": change, "hidden": true }));
    let path = format!("/api/v1/threads/{slug}/revisions/2");
    let seen_by_reader = reader.get_json(&path, StatusCode::OK).await;
    assert_eq!(seen_by_reader["hidden"], true);
    assert_eq!(seen_by_reader["body_markdown"], "");
    assert_eq!(seen_by_reader["body_html"], "");
    assert_eq!(seen_by_reader["summary"], "");
    let seen_by_moderator = maud.get_json(&path, StatusCode::OK).await;
    assert_eq!(seen_by_moderator["hidden"], true);
    assert_eq!(seen_by_moderator["body_markdown"], "Call 555-0100.");
    assert_eq!(seen_by_moderator["summary"], "add a number");
    let entry = |changes: Vec<Value>| changes.into_iter().find(|c| c["id"] == change).unwrap();
    let for_reader = entry(reader.api_thread_changes(&slug).await);
    assert_eq!(
        (&for_reader["hidden"], &for_reader["reason"], &for_reader["hidden_reason"]),
        (&json!(true), &json!(""), &json!(""))
    );
    let for_moderator = entry(maud.api_thread_changes(&slug).await);
    assert_eq!(
        (&for_moderator["reason"], &for_moderator["hidden_reason"]),
        (&json!("add a number"), &json!("personal data"))
    );
    api_error(reader.get(&format!("/api/v1/threads/{slug}/diff?from=1&to=2")).await, StatusCode::FORBIDDEN).await;
    api_error(reader.get(&format!("/api/v1/threads/{slug}/blame?rev=2")).await, StatusCode::FORBIDDEN).await;
    let listed = reader.get_json(&format!("/api/v1/threads/{slug}/revisions"), StatusCode::OK).await;
    assert_eq!(column(listed["revisions"].as_array().unwrap(), "hidden"), [false, true, false]);

    let res = maud.post_json(&format!("/api/v1/changes/{change}/unhide"), &json!({})).await;

    assert_eq!(expect_json(res, StatusCode::OK).await["hidden"], false);
    assert_eq!(reader.get_json(&path, StatusCode::OK).await["body_markdown"], "Call 555-0100.");
    let again = maud.post_json(&format!("/api/v1/changes/{change}/unhide"), &json!({})).await;
    api_error(again, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn patrolling_a_change_takes_it_off_the_queue() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "One.", "").await;
    app.api_save_synthesis_ok(&slug, 1, "Two.", "").await;
    let res = app.post_json("/api/v1/threads", &json!({ "title": "Elsewhere", "framing_question": "Why?" })).await;
    let other = expect_json(res, StatusCode::CREATED).await["slug"].as_str().unwrap().to_owned();
    app.api_save_synthesis_ok(&other, 0, "Elsewhere.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let (first, second) = (maud.api_change_of_revision(&slug, 1).await, maud.api_change_of_revision(&slug, 2).await);
    let everywhere = maud.get_json("/api/v1/moderation/queue", StatusCode::OK).await;
    assert_eq!(everywhere["changes"].as_array().unwrap().len(), 3);
    let queue = maud.get_json(&format!("/api/v1/moderation/queue?thread={slug}"), StatusCode::OK).await;
    assert_eq!(column(queue["changes"].as_array().unwrap(), "id"), [first, second], "oldest first, this thread only");

    let res = maud
        .client
        .post(format!("{}/api/v1/changes/{first}/patrol", maud.address))
        .header("X-CSRF-Token", maud.csrf_token().await)
        .send()
        .await
        .unwrap();

    assert_eq!(expect_json(res, StatusCode::OK).await, json!({ "id": first, "patrolled": true }));
    let queue = maud.get_json(&format!("/api/v1/moderation/queue?thread={slug}"), StatusCode::OK).await;
    assert_eq!(column(queue["changes"].as_array().unwrap(), "id"), [second]);
    assert!(queue["next_after"].is_null());
    let unpatrolled = maud.get_json(&format!("/api/v1/changes?thread={slug}&unpatrolled=true"), StatusCode::OK).await;
    assert_eq!(column(unpatrolled["changes"].as_array().unwrap(), "id"), [second]);
    let again = maud.post_json(&format!("/api/v1/changes/{first}/patrol"), &json!({})).await;
    assert_eq!(again.status(), StatusCode::OK, "a second patrol changes nothing");
    let by_curator = app.post_json(&format!("/api/v1/changes/{second}/patrol"), &json!({})).await;
    api_error(by_curator, StatusCode::FORBIDDEN).await;
    api_error(app.get("/api/v1/moderation/queue").await, StatusCode::FORBIDDEN).await;
    api_error(app.another_browser().get("/api/v1/moderation/queue").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_locked_thread_refuses_its_curator_and_not_a_moderator() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "One.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let lock = format!("/api/v1/threads/{slug}/lock");
    let blank = maud.post_json(&lock, &json!({ "reason": "" })).await;
    assert!(api_error(blank, StatusCode::UNPROCESSABLE_ENTITY).await.contains("reason"));
    let past = maud.post_json(&lock, &json!({ "reason": "edit war", "until": "2001-01-01" })).await;
    assert!(api_error(past, StatusCode::UNPROCESSABLE_ENTITY).await.contains("future"));
    api_error(app.post_json(&lock, &json!({ "reason": "mine" })).await, StatusCode::FORBIDDEN).await;

    let res = maud.post_json(&lock, &json!({ "reason": "edit war", "until": null })).await;

    assert_eq!(expect_json(res, StatusCode::OK).await, json!({ "slug": slug, "locked": true }));
    let synthesis = format!("/api/v1/threads/{slug}/synthesis");
    let refused = app.post_json(&synthesis, &json!({ "base_seq": 1, "body": "Two." })).await;
    let message = api_error(refused, StatusCode::FORBIDDEN).await;
    assert!(message.contains("locked") && message.contains("edit war"), "{message}");
    let item =
        app.post_json(&format!("/api/v1/threads/{slug}/arc"), &json!({ "label": "2006", "title": "Vote" })).await;
    assert!(api_error(item, StatusCode::FORBIDDEN).await.contains("locked"));
    maud.api_save_synthesis_ok(&slug, 1, "Two, by a moderator.", "").await;

    let res = maud.post_json(&format!("/api/v1/threads/{slug}/unlock"), &json!({ "reason": "calmer" })).await;

    assert_eq!(expect_json(res, StatusCode::OK).await["locked"], false);
    app.api_save_synthesis_ok(&slug, 2, "Three.", "").await;
}

#[tokio::test]
async fn a_suspended_users_api_writes_are_refused_until_the_suspension_is_lifted() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let alice = own_id(&app).await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let suspend = format!("/api/v1/users/{alice}/suspend");
    let blank = maud.post_json(&suspend, &json!({ "reason": " " })).await;
    assert!(api_error(blank, StatusCode::UNPROCESSABLE_ENTITY).await.contains("reason"));

    let res = maud.post_json(&suspend, &json!({ "reason": "spam links" })).await;

    assert_eq!(expect_json(res, StatusCode::OK).await, json!({ "id": alice, "suspended": true }));
    // Her session stays: her next write is refused with why, not answered as if logged out.
    let kept =
        app.post_json(&format!("/api/v1/threads/{slug}/synthesis"), &json!({ "base_seq": 0, "body": "x" })).await;
    assert!(api_error(kept, StatusCode::FORBIDDEN).await.contains("spam links"));
    assert_eq!(app.login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER, "a suspended user may log in");
    let refused =
        app.post_json(&format!("/api/v1/threads/{slug}/synthesis"), &json!({ "base_seq": 0, "body": "x" })).await;
    let message = api_error(refused, StatusCode::FORBIDDEN).await;
    assert!(message.contains("suspended") && message.contains("spam links"), "{message}");
    let thread = app.post_json("/api/v1/threads", &json!({ "title": "Another", "framing_question": "Why?" })).await;
    assert!(api_error(thread, StatusCode::FORBIDDEN).await.contains("suspended"));
    let maud_id = own_id(&maud).await;
    let back = app.post_json(&format!("/api/v1/users/{maud_id}/suspend"), &json!({ "reason": "revenge" })).await;
    assert!(api_error(back, StatusCode::FORBIDDEN).await.contains("suspended"));

    let res = maud.post_json(&format!("/api/v1/users/{alice}/unsuspend"), &json!({ "reason": "appealed" })).await;

    assert_eq!(expect_json(res, StatusCode::OK).await["suspended"], false);
    app.api_save_synthesis_ok(&slug, 0, "Written after the appeal.", "").await;
}

#[tokio::test]
async fn roles_are_given_within_the_givers_rank() {
    let app = spawn_app().await;
    app.login_as("root", Role::Admin).await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let reader = app.browser_as("rita", Role::Reader).await;
    let rita = own_id(&reader).await;
    let role = format!("/api/v1/users/{rita}/role");
    let by_reader =
        reader.post_json(&format!("/api/v1/users/{}/role", own_id(&maud).await), &json!({ "role": "reader" })).await;
    api_error(by_reader, StatusCode::FORBIDDEN).await;

    let by_moderator = maud.post_json(&role, &json!({ "role": "curator" })).await;

    assert_eq!(expect_json(by_moderator, StatusCode::OK).await, json!({ "id": rita, "role": "curator" }));
    assert_eq!(reader.get_json("/api/v1/session", StatusCode::OK).await["user"]["role"], "curator");
    let too_high = maud.post_json(&role, &json!({ "role": "admin" })).await;
    assert!(api_error(too_high, StatusCode::FORBIDDEN).await.contains("cannot make"));
    let unknown = app.post_json(&role, &json!({ "role": "king" })).await;
    api_error(unknown, StatusCode::UNPROCESSABLE_ENTITY).await;
    let by_admin = app.post_json(&role, &json!({ "role": "moderator", "reason": "trusted" })).await;
    assert_eq!(expect_json(by_admin, StatusCode::OK).await["role"], "moderator");
    let own = app.post_json(&format!("/api/v1/users/{}/role", own_id(&app).await), &json!({ "role": "reader" })).await;
    assert!(api_error(own, StatusCode::UNPROCESSABLE_ENTITY).await.contains("your own role"));
    api_error(app.post_json("/api/v1/users/999999/role", &json!({ "role": "curator" })).await, StatusCode::NOT_FOUND)
        .await;
    let log = app.get_json("/api/v1/moderation/log?action=role", StatusCode::OK).await;
    assert_eq!(column(log["entries"].as_array().unwrap(), "reason"), ["trusted", ""]);
}

#[tokio::test]
async fn the_moderation_log_lists_hide_lock_and_suspend_with_reasons_and_is_closed_to_curators() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "One.", "").await;
    app.api_save_synthesis_ok(&slug, 1, "Two.", "").await;
    let alice = own_id(&app).await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = maud.api_change_of_revision(&slug, 1).await;
    let res = maud.post_json(&format!("/api/v1/changes/{change}/hide"), &json!({ "reason": "libel" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = maud.post_json(&format!("/api/v1/threads/{slug}/lock"), &json!({ "reason": "edit war" })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = maud.post_json(&format!("/api/v1/users/{alice}/suspend"), &json!({ "reason": "spam" })).await;
    assert_eq!(res.status(), StatusCode::OK);

    let log = maud.get_json("/api/v1/moderation/log", StatusCode::OK).await;

    let entries = log["entries"].as_array().unwrap();
    assert_eq!(column(entries, "action"), ["suspend", "lock", "hide"]);
    assert_eq!(column(entries, "reason"), ["spam", "edit war", "libel"]);
    assert_eq!(column(entries, "actor"), ["maud"; 3]);
    assert_eq!(entries[0]["target_user_id"], alice);
    assert_eq!(entries[2]["change_id"], change);
    assert!(entries[2]["target"].as_str().unwrap().contains("revision 1"), "{}", entries[2]);
    assert!(log["next_before"].is_null());
    let locks = maud.get_json("/api/v1/moderation/log?action=lock", StatusCode::OK).await;
    assert_eq!(column(locks["entries"].as_array().unwrap(), "reason"), ["edit war"]);
    api_error(maud.get("/api/v1/moderation/log?action=smite").await, StatusCode::BAD_REQUEST).await;
    let curator = app.browser_as("carl", Role::Curator).await;
    assert!(api_error(curator.get("/api/v1/moderation/log").await, StatusCode::FORBIDDEN).await.contains("moderators"));
    api_error(app.another_browser().get("/api/v1/moderation/log").await, StatusCode::UNAUTHORIZED).await;
}

//! Tests: password rules at every place a password is set (sign-up, change, `create-admin`), and
//! what a suspended account may still do to secure itself (issue 13 item 10).

use agora::domain::roles::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::PASSWORD;
use crate::helpers::{TestApp, spawn_app};
use crate::pages::texts;

/// Passwords that must be refused, and a part of the message that says why.
const REFUSED: [(&str, &str); 5] = [
    ("", "blank"),
    ("   ", "blank"),
    ("              ", "blank"),
    ("password", "at least 12 characters"),
    ("123456789012", "most common"),
];

fn alert(html: &str) -> String {
    texts(html, "[role=alert]").join(" ")
}

#[tokio::test]
async fn sign_up_refuses_blank_short_and_common_passwords_with_a_reason() {
    let app = spawn_app().await;
    for (password, says) in REFUSED {
        let res = app.post_form("/signup", &[("username", "newcomer"), ("password", password)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password:?}");
        let message = alert(&res.text().await.unwrap());
        assert!(message.contains(says), "{password:?}: {message}");
    }
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn changing_a_password_refuses_blank_short_and_common_ones() {
    let app = spawn_app().await;
    app.login_as("alice", Role::Reader).await;
    for (password, says) in REFUSED {
        let res =
            app.post_form("/account/password", &[("current_password", PASSWORD), ("new_password", password)]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password:?}");
        let message = alert(&res.text().await.unwrap());
        assert!(message.contains(says), "{password:?}: {message}");
    }
    let other = app.another_browser();
    assert_eq!(other.login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER, "the password is unchanged");
}

#[tokio::test]
async fn create_admin_refuses_blank_short_and_common_passwords() {
    let app = spawn_app().await;
    for (password, says) in REFUSED {
        let pool = app.pool.clone();
        let result =
            tokio::task::spawn_blocking(move || agora::ops::create_admin::run(&pool, "root", password)).await.unwrap();
        let message = result.expect_err(password).to_string();
        assert!(message.contains(says), "{password:?}: {message}");
    }
    assert_eq!(app.count("users").await, 0);
}

/// Logs `alice` in with a private feed URL, then suspends her; she logs in again.
async fn suspended_alice(app: &TestApp) {
    app.login_as("alice", Role::Curator).await;
    let issued = app.post_json("/api/v1/account/feed-token", &json!({})).await;
    assert!(issued.status().is_success(), "a feed URL before the suspension: {}", issued.status());
    app.query(|c| {
        let id = agora::domain::ids::UserId(agora::db::users::by_username(c, "alice").unwrap().unwrap().id);
        let suspension = agora::domain::restriction::Suspension { until: None, reason: "spam".into() };
        agora::db::users::set_suspension(c, id, Some(&suspension)).unwrap();
    })
    .await;
    assert_eq!(app.login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER, "a suspended user logs in");
}

#[tokio::test]
async fn a_suspended_user_can_change_their_password() {
    let app = spawn_app().await;
    suspended_alice(&app).await;

    let res = app
        .post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "a brand new passphrase")])
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let other = app.another_browser();
    assert_eq!(other.login("alice", "a brand new passphrase").await.status(), StatusCode::SEE_OTHER);
    // Still suspended for everything else.
    let write = app.post_form("/account/digest", &[("email", "a@example.org"), ("digest", "daily")]).await;
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_suspended_user_can_revoke_their_feed_url_through_the_api() {
    let app = spawn_app().await;
    suspended_alice(&app).await;

    let res = app.send_json(Method::DELETE, "/api/v1/account/feed-token", &json!({})).await;

    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.count("feed_tokens").await, 0);
    let issue = app.post_json("/api/v1/account/feed-token", &json!({})).await;
    assert_eq!(issue.status(), StatusCode::FORBIDDEN, "issuing a new one stays refused");
}

#[tokio::test]
async fn a_suspended_user_can_revoke_their_feed_url_through_the_form() {
    let app = spawn_app().await;
    suspended_alice(&app).await;

    let res = app.post_form("/account/feed/revoke", &[]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("feed_tokens").await, 0);
    assert_eq!(app.post_form("/account/feed", &[]).await.status(), StatusCode::FORBIDDEN);
}

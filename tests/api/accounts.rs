//! Accounts: signing up, logging in (with throttling), logging out, session cookies.

use agora::db::schema::users;
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::{Response, StatusCode};

use crate::common::PASSWORD;
use crate::helpers::{TestApp, location, new_client, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

/// A password long enough for the sign-up rules.
const NEW_PASSWORD: &str = "a perfectly long passphrase";

/// The full `Set-Cookie` header that sets `name`, if the response has one.
fn set_cookie(res: &Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&prefix))
        .map(str::to_owned)
}

/// The value of the `agora_session` cookie a response sets.
fn session_token(res: &Response) -> String {
    let header = set_cookie(res, "agora_session").expect("an agora_session cookie");
    header.trim_start_matches("agora_session=").split(';').next().unwrap().to_owned()
}

/// Who `GET /api/v1/session` says a browser holding only this session cookie is.
async fn user_behind_cookie(app: &TestApp, token: &str) -> serde_json::Value {
    let res = new_client()
        .get(format!("{}/api/v1/session", app.address))
        .header("Cookie", format!("agora_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    body["user"].clone()
}

/// The message of the form page's alert.
async fn alert_of(res: Response) -> Vec<String> {
    texts(&res.text().await.unwrap(), "[role=alert]")
}

#[tokio::test]
async fn signing_up_logs_the_new_reader_in_with_an_http_only_lax_cookie() {
    let app = spawn_app().await;

    let res = app.post_form("/signup", &[("username", "alice"), ("password", NEW_PASSWORD)]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/");
    let cookie = set_cookie(&res, "agora_session").expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert_eq!(app.count("users").await, 1);
    let home = app.page("/").await;
    assert_eq!(texts(&home, ".whoami"), ["alice (reader)"]);
    assert!(texts(&home, "nav a").iter().all(|a| a != "Log in"), "a logged-in header offers no login link");
}

#[tokio::test]
async fn short_password_reshows_the_signup_form_with_the_message_and_the_username() {
    let app = spawn_app().await;

    let res = app.post_form("/signup", &[("username", "bob"), ("password", "too short")]).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(set_cookie(&res, "agora_session").is_none());
    let page = res.text().await.unwrap();
    assert_eq!(texts(&page, "[role=alert]"), ["a password needs at least 12 characters"]);
    assert_eq!(attrs(&page, "input[name=username]", "value"), ["bob"]);
    assert_eq!(attrs(&page, "input[name=password]", "value"), [""], "the password is never echoed back");
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn a_username_taken_in_another_case_is_refused() {
    let app = spawn_app().await;
    app.user("Carol", Role::Reader).await;

    let res = app.post_form("/signup", &[("username", "carol"), ("password", NEW_PASSWORD)]).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(alert_of(res).await, ["that username is taken"]);
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn wrong_password_shows_the_login_form_with_401() {
    let app = spawn_app().await;
    app.user("dana", Role::Reader).await;

    let res = app.login("dana", "not the password at all").await;

    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(set_cookie(&res, "agora_session").is_none());
    let page = res.text().await.unwrap();
    assert_eq!(texts(&page, "[role=alert]"), ["wrong username or password"]);
    assert_eq!(attrs(&page, "input[name=username]", "value"), ["dana"]);
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn unknown_user_gets_the_same_message_as_a_wrong_password() {
    let app = spawn_app().await;

    let res = app.login("nobody-here", PASSWORD).await;

    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(alert_of(res).await, ["wrong username or password"]);
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn the_eleventh_attempt_after_ten_failures_is_throttled_even_with_the_right_password() {
    let app = spawn_app().await;
    app.user("erin", Role::Reader).await;
    app.user("frank", Role::Reader).await;

    for attempt in 1..=10 {
        let res = app.login("erin", "guess guess guess").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let res = app.login("ERIN", PASSWORD).await;

    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(set_cookie(&res, "agora_session").is_none());
    assert_eq!(alert_of(res).await, ["too many attempts; try again in 15 minutes"]);
    assert_eq!(app.count("sessions").await, 0);

    // The address has used up its failures too (the limit per address across accounts): another
    // account from it waits as well (see tests/api/throttle.rs for the other keys).
    let other = app.login("frank", PASSWORD).await;
    assert_eq!(other.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn logout_revokes_the_session_on_the_server() {
    let app = spawn_app().await;
    app.user("gwen", Role::Curator).await;
    let login = app.login("gwen", PASSWORD).await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let token = session_token(&login);
    assert_eq!(user_behind_cookie(&app, &token).await["username"], "gwen");
    assert_eq!(app.count("sessions").await, 1);

    let res = app.post_form("/logout", &[]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("sessions").await, 0);
    assert!(user_behind_cookie(&app, &token).await.is_null(), "a replayed cookie is anonymous");
    let home = app.page("/").await;
    assert!(texts(&home, ".whoami").is_empty());
    assert!(texts(&home, "nav a").iter().any(|a| a == "Log in"));
}

#[tokio::test]
async fn the_session_id_rotates_at_every_login() {
    let app = spawn_app().await;
    app.user("hana", Role::Reader).await;

    let first = app.login("hana", PASSWORD).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = app.login("hana", PASSWORD).await;
    assert_eq!(second.status(), StatusCode::SEE_OTHER);

    let (first, second) = (session_token(&first), session_token(&second));
    assert_ne!(first, second);
    assert!(user_behind_cookie(&app, &first).await.is_null(), "the old session ended at the new login");
    assert_eq!(user_behind_cookie(&app, &second).await["username"], "hana");
    assert_eq!(app.count("sessions").await, 1);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = spawn_app().await;

    let res = app.post_form("/signup", &[("username", "ivan"), ("password", NEW_PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let hash: String = app.query(|c| users::table.select(users::password_hash).first(c).unwrap()).await;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(NEW_PASSWORD));
}

#[tokio::test]
async fn login_and_signup_forms_label_every_control() {
    let app = spawn_app().await;
    for path in ["/login", "/signup"] {
        let page = app.page(path).await;
        assert_eq!(attrs(&page, "main input:not([type=hidden])", "name"), ["username", "password"], "{path}");
        assert_every_control_labelled(&page);
        assert_eq!(texts(&page, "main label"), ["Username", "Password"], "{path}");
    }
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session_and_keeps_this_one() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let phone = app.another_browser();
    assert_eq!(phone.login("curie", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("sessions").await, 2);

    let res = app
        .post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "a brand new passphrase")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let here = app.get_json("/api/v1/session", StatusCode::OK).await;
    assert_eq!(here["user"]["username"], "curie", "this browser stays logged in");
    let there = phone.get_json("/api/v1/session", StatusCode::OK).await;
    assert!(there["user"].is_null(), "the other device is logged out");
    assert_eq!(app.count("sessions").await, 1);

    let fresh = app.another_browser();
    assert_eq!(fresh.login("curie", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(fresh.login("curie", "a brand new passphrase").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_wrong_current_password_or_a_short_new_one_changes_nothing() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let form = app.page("/account/password").await;
    assert_every_control_labelled(&form);
    let hash_before = app
        .query(|c| {
            use agora::db::schema::users::dsl::*;
            use diesel::prelude::*;
            users.select(password_hash).first::<String>(c).unwrap()
        })
        .await;

    let wrong = app
        .post_form(
            "/account/password",
            &[("current_password", "not my password"), ("new_password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&wrong.text().await.unwrap(), "[role=alert]")[0].contains("current password is wrong"));
    let short = app.post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "short")]).await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let hash_after = app
        .query(|c| {
            use agora::db::schema::users::dsl::*;
            use diesel::prelude::*;
            users.select(password_hash).first::<String>(c).unwrap()
        })
        .await;
    assert_eq!(hash_before, hash_after);
    assert_eq!(app.get_json("/api/v1/session", StatusCode::OK).await["user"]["username"], "curie");
}

#[tokio::test]
async fn the_password_page_needs_a_login() {
    let app = spawn_app().await;
    let res = app.get("/account/password").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::helpers::location(&res), "/login");
}

#[tokio::test]
async fn a_hundred_guesses_are_throttled_and_the_throttle_lifts_when_its_window_passes() {
    let app = spawn_app().await;
    app.user("victim", Role::Curator).await;
    let mut statuses = Vec::new();
    for i in 0..100 {
        statuses.push(app.login("victim", &format!("guess number {i}")).await.status());
    }
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(refused, 90, "after 10 wrong guesses every further attempt is refused without checking it");
    assert_eq!(app.login("victim", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);

    // Fifteen minutes later (the window is moved back instead of waiting) the owner gets in.
    app.query(|c| {
        diesel::sql_query(
            "UPDATE login_failures SET window_start = now() - interval '16 minutes', last_at = now() - interval '16 minutes'",
        )
        .execute(c)
        .unwrap();
    })
    .await;
    assert_eq!(app.login("victim", PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

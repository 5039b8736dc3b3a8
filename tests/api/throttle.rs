//! Tests: the login and sign-up throttles count before they check (issue 13 item 6), per
//! address across accounts, per address and account, and per account across addresses (slowing
//! rather than locking out); `/preview` is limited per account.

use agora::domain::roles::Role;
use agora::error::AppError;
use agora::ops::sessions::{self, FREE_ACCOUNT_FAILURES, MAX_ADDRESS_FAILURES, MAX_FAILURES, MAX_SIGNUPS_PER_HOUR};
use agora::routes::sign_in_with;
use agora::state::AppState;
use diesel::RunQueryDsl;
use reqwest::StatusCode;

use crate::common::PASSWORD;
use crate::helpers::{TestApp, spawn_app};

fn retry_after(res: &reqwest::Response) -> i64 {
    res.headers().get("retry-after").expect("a Retry-After header").to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn thirty_concurrent_wrong_passwords_get_at_most_the_limit_checked() {
    let app = spawn_app().await;
    app.user("victim", Role::Reader).await;
    let token = app.csrf_token().await;

    let attempts = (0..30).map(|i| {
        let fields =
            [("username", "victim".to_owned()), ("password", format!("guess {i}")), ("csrf_token", token.clone())];
        app.client.post(format!("{}/login", app.address)).form(&fields).send()
    });
    let responses: Vec<reqwest::Response> =
        futures_util::future::join_all(attempts).await.into_iter().map(Result::unwrap).collect();

    let checked = responses.iter().filter(|r| r.status() == StatusCode::UNAUTHORIZED).count();
    let refused: Vec<&reqwest::Response> =
        responses.iter().filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS).collect();
    assert_eq!(checked + refused.len(), 30, "every answer is a 401 or a 429");
    assert!(checked <= MAX_FAILURES as usize, "{checked} passwords were checked");
    assert!(refused.iter().all(|r| retry_after(r) >= 1), "each refusal says when to come back");
    assert_eq!(app.login("victim", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn twelve_usernames_from_one_address_are_refused_after_the_address_limit() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for i in 0..12 {
        let name = format!("user{i}");
        app.user(&name, Role::Reader).await;
        statuses.push(app.login(&name, "not the password at all").await.status());
    }
    let limit = MAX_ADDRESS_FAILURES as usize;
    assert!(statuses[..limit].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

#[tokio::test]
async fn good_logins_do_not_use_up_the_address_limit() {
    let app = spawn_app().await;
    app.user("alice", Role::Reader).await;
    for round in 0..(MAX_ADDRESS_FAILURES + 5) {
        let browser = app.another_browser();
        assert_eq!(browser.login("alice", PASSWORD).await.status(), StatusCode::SEE_OTHER, "login {round}");
    }
}

/// The application state an op needs, on the test app's database.
fn state(app: &TestApp) -> AppState {
    AppState {
        pool: app.pool.clone(),
        cookie_secure: false,
        hashing: tokio::sync::Semaphore::new(2),
        thread_pages: Default::default(),
        public_url: app.address.clone(),
        mail_enabled: false,
        attention: Default::default(),
        fairness: Default::default(),
        replicas: Default::default(),
        pages: std::sync::Arc::new(agora::db::page_cache::PageCache::new(&Default::default())),
        tokens: Default::default(),
        bench_reference: None,
    }
}

/// Moves the per-account count's last attempt `secs` seconds back, as if that time had passed.
async fn let_time_pass(app: &TestApp, secs: i32) {
    app.query(move |c| {
        diesel::sql_query("UPDATE login_failures SET last_at = last_at - make_interval(secs => $1)")
            .bind::<diesel::sql_types::Integer, _>(secs)
            .execute(c)
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn the_per_account_delay_applies_across_addresses_and_grows_exponentially() {
    let app = spawn_app().await;
    app.user("victim", Role::Reader).await;
    let state = state(&app);
    // Each guess from another address: no per-address limit is ever reached.
    for i in 0..FREE_ACCOUNT_FAILURES {
        let res = sessions::log_in(sign_in_with(&state), "victim", "wrong guess", &format!("10.0.0.{i}"), None).await;
        assert!(matches!(res, Err(AppError::Unauthorized(_))), "guess {i}: {res:?}");
    }

    let refused = sessions::log_in(sign_in_with(&state), "victim", "wrong guess", "10.0.1.1", None).await;
    assert!(matches!(refused, Err(AppError::TooManyRequests(1))), "{refused:?}");
    let owner = sessions::log_in(sign_in_with(&state), "victim", PASSWORD, "192.168.7.7", None).await;
    assert!(matches!(owner, Err(AppError::TooManyRequests(_))), "the owner waits too: {owner:?}");

    // After the wait, one more guess is checked; the next wait doubles.
    let_time_pass(&app, 1).await;
    let res = sessions::log_in(sign_in_with(&state), "victim", "wrong guess", "10.0.1.2", None).await;
    assert!(matches!(res, Err(AppError::Unauthorized(_))), "{res:?}");
    let refused = sessions::log_in(sign_in_with(&state), "victim", "wrong guess", "10.0.1.3", None).await;
    assert!(matches!(refused, Err(AppError::TooManyRequests(2))), "{refused:?}");

    // Slowed, never locked out: once the wait has passed the owner gets in from anywhere.
    let_time_pass(&app, 2).await;
    let owner = sessions::log_in(sign_in_with(&state), "victim", PASSWORD, "192.168.7.7", None).await;
    assert!(owner.is_ok(), "{owner:?}");
    // A good login clears the account's count.
    let res = sessions::log_in(sign_in_with(&state), "victim", "wrong guess", "10.0.2.1", None).await;
    assert!(matches!(res, Err(AppError::Unauthorized(_))), "{res:?}");
}

#[tokio::test]
async fn the_address_and_account_pair_is_limited_even_when_the_account_is_not() {
    let app = spawn_app().await;
    app.user("alice", Role::Reader).await;
    let state = state(&app);
    for i in 0..MAX_FAILURES {
        let_time_pass(&app, 3600).await; // keep the per-account back-off out of the way
        let res = sessions::log_in(sign_in_with(&state), "alice", "wrong guess", "10.9.9.9", None).await;
        assert!(matches!(res, Err(AppError::Unauthorized(_))), "guess {i}: {res:?}");
    }
    let_time_pass(&app, 3600).await;
    let refused = sessions::log_in(sign_in_with(&state), "alice", PASSWORD, "10.9.9.9", None).await;
    assert!(matches!(refused, Err(AppError::TooManyRequests(_))), "{refused:?}");
    // From another address the owner logs in.
    assert!(sessions::log_in(sign_in_with(&state), "alice", PASSWORD, "10.8.8.8", None).await.is_ok());
}

#[tokio::test]
async fn sign_ups_are_throttled_per_address() {
    let app = spawn_app().await;
    for i in 0..MAX_SIGNUPS_PER_HOUR {
        let browser = app.another_browser();
        let name = format!("newcomer{i}");
        let res = browser.post_form("/signup", &[("username", &name), ("password", "a long enough password")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "sign-up {i}");
    }

    let res = app
        .another_browser()
        .post_form("/signup", &[("username", "one-too-many"), ("password", "a long enough password")])
        .await;

    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&res) > 60 * 50, "the window is an hour");
    assert_eq!(app.count("users").await, i64::from(MAX_SIGNUPS_PER_HOUR));
}

#[tokio::test]
async fn previews_are_limited_per_account() {
    let app = spawn_app().await;
    app.login_as("cora", Role::Curator).await;
    let token = app.csrf_token().await;
    let limit = agora::ops::rate::PREVIEWS_PER_MINUTE;
    for i in 0..limit {
        let res = app.post_form_raw("/preview", &[("body", "**x**"), ("csrf_token", &token)]).await;
        assert_eq!(res.status(), StatusCode::OK, "preview {i}");
    }

    let res = app.post_form_raw("/preview", &[("body", "**x**"), ("csrf_token", &token)]).await;

    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=60).contains(&retry_after(&res)));
    // Another account is not affected.
    let other = app.another_browser();
    other.login_as("dora", Role::Curator).await;
    assert_eq!(other.post_form("/preview", &[("body", "**x**")]).await.status(), StatusCode::OK);
}

//! Tests: the last active administrator stays (issue 13 item 7). Two admins demoting or
//! suspending each other at the same moment leave one of them an active admin.

use agora::domain::ids::UserId;
use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::common::PASSWORD;
use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::texts;

/// How many pairs of simultaneous requests each test sends.
const ROUNDS: usize = 20;

async fn id_of(app: &TestApp, name: &'static str) -> i64 {
    app.query(move |c| agora::db::users::by_username(c, name).unwrap().unwrap().id).await
}

/// Both users admins again, neither suspended.
async fn reset(app: &TestApp, ids: [i64; 2]) {
    app.query(move |c| {
        for id in ids {
            agora::db::users::set_role(c, UserId(id), Role::Admin).unwrap();
            agora::db::users::set_suspension(c, UserId(id), None).unwrap();
        }
    })
    .await;
}

/// Active (not suspended) admins.
async fn active_admins(app: &TestApp) -> i64 {
    app.query(|c| agora::db::users::lock_active_admins(c).unwrap().len() as i64).await
}

/// A browser, a path and the form it posts there.
type Request<'a> = (&'a TestApp, String, &'a [(&'a str, &'a str)]);

/// Sends `path` with its form from both browsers at once (tokens fetched first, so the two
/// writes race); returns whether each was done (a redirect elsewhere than the login form), and
/// its status and text.
async fn race(pairs: [Request<'_>; 2]) -> Vec<(bool, StatusCode, String)> {
    let mut prepared = Vec::new();
    for (browser, path, fields) in pairs {
        let token = browser.csrf_token().await;
        let mut all: Vec<(String, String)> = fields.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        all.push(("csrf_token".to_owned(), token));
        prepared.push(browser.client.post(format!("{}{path}", browser.address)).form(&all).send());
    }
    let mut out = Vec::new();
    for res in futures_util::future::join_all(prepared).await {
        let res = res.unwrap();
        let done = res.status() == StatusCode::SEE_OTHER && location(&res) != "/login";
        out.push((done, res.status(), res.text().await.unwrap()));
    }
    out
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    let (adam, eve) = (app.another_browser(), app.another_browser());
    adam.login_as("adam", Role::Admin).await;
    eve.login_as("eve", Role::Admin).await;
    let ids = [id_of(&app, "adam").await, id_of(&app, "eve").await];
    let demote: &[(&str, &str)] = &[("role", "curator"), ("reason", "test")];
    let mut refusals = 0;
    for round in 0..ROUNDS {
        reset(&app, ids).await;
        let results = race([
            (&adam, format!("/admin/users/{}/role", ids[1]), demote),
            (&eve, format!("/admin/users/{}/role", ids[0]), demote),
        ])
        .await;
        let statuses: Vec<StatusCode> = results.iter().map(|r| r.1).collect();
        assert_eq!(active_admins(&app).await, 1, "round {round}: {statuses:?}");
        assert_eq!(results.iter().filter(|r| r.0).count(), 1, "round {round}: {statuses:?}");
        for (done, status, body) in &results {
            if !done {
                refusals += 1;
                assert!(matches!(*status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::FORBIDDEN), "round {round}");
                let message = texts(body, "main").join(" ");
                assert!(
                    ["last active administrator", "a curator cannot", "your role cannot"]
                        .iter()
                        .any(|m| message.contains(m)),
                    "round {round}: {message}"
                );
            }
        }
    }
    assert_eq!(refusals, ROUNDS, "exactly one of each pair is refused");
}

#[tokio::test]
async fn two_admins_suspending_each_other_at_once_leave_one_active_admin() {
    let app = spawn_app().await;
    let (adam, eve) = (app.another_browser(), app.another_browser());
    app.user("adam", Role::Admin).await;
    app.user("eve", Role::Admin).await;
    let ids = [id_of(&app, "adam").await, id_of(&app, "eve").await];
    let suspend: &[(&str, &str)] = &[("reason", "test"), ("until", "")];
    for round in 0..ROUNDS / 2 {
        reset(&app, ids).await;
        // A suspension ends the target's sessions: both log in afresh each round.
        for (browser, name) in [(&adam, "adam"), (&eve, "eve")] {
            assert_eq!(browser.login(name, PASSWORD).await.status(), StatusCode::SEE_OTHER, "round {round}: {name}");
        }
        let results = race([
            (&adam, format!("/admin/users/{}/suspend", ids[1]), suspend),
            (&eve, format!("/admin/users/{}/suspend", ids[0]), suspend),
        ])
        .await;
        let statuses: Vec<StatusCode> = results.iter().map(|r| r.1).collect();
        assert_eq!(active_admins(&app).await, 1, "round {round}: {statuses:?}");
        assert_eq!(results.iter().filter(|r| r.0).count(), 1, "round {round}: {statuses:?}");
    }
}

//! Tests: the `agora` binary's admin commands and the users page.

use std::io::Write;
use std::process::{Command, Stdio};

use agora::db::schema::users;
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};
use crate::pages::{assert_every_control_labelled, changes_column, texts};

fn run_agora(database_url: &str, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_agora"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the agora binary");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The id of the user called `name`.
async fn user_id(app: &TestApp, name: &'static str) -> i64 {
    app.query(move |c| users::table.filter(users::username.eq(name)).select(users::id).first(c).unwrap()).await
}

/// The stored role of the user called `name`.
async fn role_of(app: &TestApp, name: &'static str) -> String {
    app.query(move |c| users::table.filter(users::username.eq(name)).select(users::role).first(c).unwrap()).await
}

/// Submits the users page's role form for `name`.
async fn set_role(app: &TestApp, name: &'static str, role: &str) -> reqwest::Response {
    let id = user_id(app, name).await;
    app.post_form(&format!("/admin/users/{id}/role"), &[("role", role)]).await
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_the_admin_can_log_in() {
    let app = spawn_app().await;
    let url = app.database.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        run_agora(&url, &["create-admin", "--username", "root", "--password-stdin"], "a very long passphrase\n")
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let res = app.login("root", "a very long passphrase").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let session = app.get_json("/api/v1/session", StatusCode::OK).await;
    assert_eq!(session["user"]["role"], "admin");
}

#[tokio::test]
async fn create_admin_refuses_a_short_password_and_creates_nobody() {
    let app = spawn_app().await;
    let url = app.database.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        run_agora(&url, &["create-admin", "--username", "root", "--password-stdin"], "short\n")
    })
    .await
    .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("12 characters"));
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn seed_demo_loads_the_demo_thread_once() {
    let app = spawn_app().await;
    let url = app.database.url.clone();
    let outputs =
        tokio::task::spawn_blocking(move || [run_agora(&url, &["seed-demo"], ""), run_agora(&url, &["seed-demo"], "")])
            .await
            .unwrap();
    assert_eq!(String::from_utf8_lossy(&outputs[0].stdout).trim(), "demo thread loaded");
    assert_eq!(String::from_utf8_lossy(&outputs[1].stdout).trim(), "demo thread already present");
    // The demo thread and the small one that shows a "needs attention" flag (issue 17).
    assert_eq!(app.count("threads").await, 2);
    assert_eq!(app.count("events").await, 33);
}

#[tokio::test]
async fn an_admin_makes_a_reader_a_curator_who_can_then_start_threads() {
    let app = spawn_app().await;
    app.user("reader1", Role::Reader).await;
    let reader_id = user_id(&app, "reader1").await;
    app.login_as("boss", Role::Admin).await;
    let page = app.page("/admin/users").await;
    assert_every_control_labelled(&page);
    assert!(texts(&page, "td").contains(&"reader1".to_owned()));

    let res = app.post_form(&format!("/admin/users/{reader_id}/role"), &[("role", "curator")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let reader = app.another_browser();
    assert_eq!(reader.login("reader1", crate::common::PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(reader.get("/threads/new").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn moderators_move_users_between_reader_and_curator_only_and_never_change_their_own_role() {
    let app = spawn_app().await;
    for (name, role) in
        [("rita", Role::Reader), ("carl", Role::Curator), ("mona", Role::Moderator), ("boss", Role::Admin)]
    {
        app.user(name, role).await;
    }
    app.login_as("maud", Role::Moderator).await;
    let page = app.page("/admin/users").await;
    assert_every_control_labelled(&page);
    assert_eq!(texts(&page, "td a[href^='/users/']"), ["boss", "carl", "maud", "mona", "rita"]);

    let promoted = set_role(&app, "rita", "curator").await;
    let demoted = set_role(&app, "carl", "reader").await;

    assert_eq!(promoted.status(), StatusCode::SEE_OTHER);
    assert_eq!(demoted.status(), StatusCode::SEE_OTHER);
    assert_eq!(role_of(&app, "rita").await, "curator");
    assert_eq!(role_of(&app, "carl").await, "reader");
    // Nothing at or above a moderator, neither as the role given nor as the user's current one.
    for (name, role) in [("rita", "moderator"), ("carl", "admin"), ("mona", "reader"), ("boss", "curator")] {
        let res = set_role(&app, name, role).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name} → {role}");
        let alert = texts(&res.text().await.unwrap(), "[role=alert]");
        assert!(alert.len() == 1 && alert[0].starts_with("a moderator cannot make a"), "{name} → {role}: {alert:?}");
    }
    let own = set_role(&app, "maud", "curator").await;
    assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(texts(&own.text().await.unwrap(), "[role=alert]"), ["you cannot change your own role"]);
    let roles = [
        role_of(&app, "rita").await,
        role_of(&app, "carl").await,
        role_of(&app, "mona").await,
        role_of(&app, "boss").await,
    ];
    assert_eq!(roles, ["curator", "reader", "moderator", "admin"], "the refused changes changed nothing");
    assert_eq!(role_of(&app, "maud").await, "moderator");

    let log = app.page("/moderation/log?action=role").await;
    assert_eq!(
        changes_column(&log, "Action"),
        ["changed the role of carl: curator → reader", "changed the role of rita: reader → curator"]
    );
    assert_eq!(changes_column(&log, "Moderator"), ["maud", "maud"]);
}

#[tokio::test]
async fn an_admin_cannot_demote_themselves() {
    let app = spawn_app().await;
    app.login_as("boss", Role::Admin).await;
    let me = app.get_json("/api/v1/session", StatusCode::OK).await["user"]["id"].as_i64().unwrap();
    let res = app.post_form(&format!("/admin/users/{me}/role"), &[("role", "reader")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

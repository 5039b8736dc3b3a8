//! Tests: the `agora` binary's admin commands and the users page.

use std::io::Write;
use std::process::{Command, Stdio};

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{assert_every_control_labelled, spawn_app, texts};

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

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_the_admin_can_log_in() {
    let app = spawn_app().await;
    let url = app.database_url();
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
    let url = app.database_url();
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
    let url = app.database_url();
    let outputs =
        tokio::task::spawn_blocking(move || [run_agora(&url, &["seed-demo"], ""), run_agora(&url, &["seed-demo"], "")])
            .await
            .unwrap();
    assert_eq!(String::from_utf8_lossy(&outputs[0].stdout).trim(), "demo thread loaded");
    assert_eq!(String::from_utf8_lossy(&outputs[1].stdout).trim(), "demo thread already present");
    assert_eq!(app.count("threads").await, 1);
    assert_eq!(app.count("events").await, 30);
}

#[tokio::test]
async fn an_admin_makes_a_reader_a_curator_who_can_then_start_threads() {
    let app = spawn_app().await;
    app.user("reader1", Role::Reader).await;
    let reader_id: i64 = app
        .query(|c| {
            use agora::db::schema::users::dsl::*;
            use diesel::prelude::*;
            users.filter(username.eq("reader1")).select(id).first(c).unwrap()
        })
        .await;
    app.login_as("boss", Role::Admin).await;
    let page = app.page("/admin/users").await;
    assert_every_control_labelled(&page);
    assert!(texts(&page, "td").contains(&"reader1".to_owned()));

    let res = app.post_form(&format!("/admin/users/{reader_id}/role"), &[("role", "curator")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let reader = app.another_browser();
    assert_eq!(reader.login("reader1", crate::helpers::PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(reader.get("/threads/new").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn only_admins_see_or_change_roles() {
    let app = spawn_app().await;
    app.login_as("mod", Role::Moderator).await;
    assert_eq!(app.get("/admin/users").await.status(), StatusCode::FORBIDDEN);
    let res = app.post_form("/admin/users/1/role", &[("role", "admin")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let role: String = app
        .query(|c| {
            use agora::db::schema::users::dsl::*;
            use diesel::prelude::*;
            users.filter(username.eq("mod")).select(role).first(c).unwrap()
        })
        .await;
    assert_eq!(role, "moderator");
}

#[tokio::test]
async fn an_admin_cannot_demote_themselves() {
    let app = spawn_app().await;
    app.login_as("boss", Role::Admin).await;
    let me = app.get_json("/api/v1/session", StatusCode::OK).await["user"]["id"].as_i64().unwrap();
    let res = app.post_form(&format!("/admin/users/{me}/role"), &[("role", "reader")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

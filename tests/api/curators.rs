//! Adding a curator from the thread's curators page, in one step (issue 15, item 11).

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{location, spawn_app};
use crate::pages::{attrs, texts};

#[tokio::test]
async fn an_admin_adds_a_reader_as_curator_in_one_step() {
    let app = spawn_app().await;
    app.login_as("ada", Role::Admin).await;
    let slug = app.create_thread("Is Pluto a planet?").await;
    let rita = app.browser_as("rita", Role::Reader).await;
    let page = app.page(&format!("/threads/{slug}/curators")).await;
    assert!(texts(&page, ".hint").join(" ").contains("made a curator in the same step"));

    let res = app.post_form(&format!("/threads/{slug}/curators"), &[("username", "rita"), ("reason", "")]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}/curators"));
    assert_eq!(texts(&app.page(&format!("/threads/{slug}/curators")).await, ".curators li a"), ["ada", "rita"]);
    assert_eq!(texts(&rita.page("/").await, ".whoami"), ["rita (curator)"]);
}

#[tokio::test]
async fn a_curator_adding_a_reader_is_told_who_can_and_keeps_what_they_typed() {
    let app = spawn_app().await;
    app.login_as("cara", Role::Curator).await;
    let slug = app.create_thread("Is Pluto a planet?").await;
    let rita = app.browser_as("rita", Role::Reader).await;

    let res = app.post_form(&format!("/threads/{slug}/curators"), &[("username", "rita"), ("reason", "")]).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let alert = texts(&html, "[role=alert]").join(" ");
    assert!(alert.contains("only a moderator or an administrator can make a reader a curator"), "{alert}");
    assert_eq!(attrs(&html, "#curator-username", "value"), ["rita"]);
    assert_eq!(texts(&html, ".curators li a"), ["cara"]);
    assert_eq!(texts(&rita.page("/").await, ".whoami"), ["rita (reader)"]);
}

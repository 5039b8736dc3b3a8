//! Error pages keep the visitor's session, say what to do next and lead back (issue 15, item 7).

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::spawn_app;
use crate::pages::{attrs, texts};

#[tokio::test]
async fn a_signed_in_visitors_404_shows_their_name_and_a_log_out_control() {
    let app = spawn_app().await;
    app.login_as("nadia", Role::Reader).await;

    let res = app.get("/threads/no-such-thread").await;

    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, ".whoami"), ["nadia (reader)"]);
    assert_eq!(texts(&html, "form[action='/logout'] button"), ["Log out"]);
    assert_eq!(texts(&html, ".next-step").len(), 1);
}

#[tokio::test]
async fn the_403_on_new_thread_explains_who_can_start_threads_and_how() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;

    let res = app.get("/threads/new").await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let html = res.text().await.unwrap();
    let alert = texts(&html, "[role=alert]").join(" ");
    assert!(alert.contains("curators, moderators and administrators can start threads"), "{alert}");
    assert!(alert.contains("ask an administrator to make you a curator"), "{alert}");
    assert_eq!(texts(&html, ".whoami"), ["rita (reader)"]);
}

#[tokio::test]
async fn the_back_link_goes_to_a_same_origin_referer() {
    let app = spawn_app().await;
    let referer = format!("{}/events?q=x", app.address);

    let res =
        app.client.get(format!("{}/threads/missing", app.address)).header("Referer", referer).send().await.unwrap();

    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(attrs(&res.text().await.unwrap(), "a.back", "href"), ["/events?q=x"]);
}

#[tokio::test]
async fn the_back_link_never_goes_to_another_origin() {
    let app = spawn_app().await;
    for referer in ["https://evil.example/threads/x", "http://evil.example//threads", "javascript:alert(1)"] {
        let res =
            app.client.get(format!("{}/threads/missing", app.address)).header("Referer", referer).send().await.unwrap();

        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(attrs(&res.text().await.unwrap(), "a.back", "href"), ["/"], "{referer}");
    }
}

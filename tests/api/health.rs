use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_is_ok_while_the_database_answers() {
    let app = spawn_app().await;
    let body = app.get_json("/healthz", StatusCode::OK).await;
    assert_eq!(body["database"], "up");
}

#[tokio::test]
async fn healthz_and_pages_answer_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    let name = app.database.name.clone();
    tokio::task::spawn_blocking(move || {
        let mut admin = crate::common::admin_connection();
        agora::db::drop_database(&mut admin, &name).unwrap();
    })
    .await
    .unwrap();
    let body = app.get_json("/healthz", StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(body["database"], "down");
    let page = app.get("/").await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.text().await.unwrap().contains("database is unavailable"));
}

#[tokio::test]
async fn an_internal_error_shows_a_reference_but_no_internals() {
    let app = spawn_app().await;
    app.login_as("cura", agora::domain::roles::Role::Curator).await;
    let slug = app.create_thread("Broken on purpose").await;
    app.query(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query("DROP TABLE controversies").execute(c).unwrap();
    })
    .await;

    let res = app.get(&format!("/threads/{slug}")).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = res.text().await.unwrap();
    let reference = crate::pages::texts(&html, "code");
    assert_eq!(reference.len(), 1, "one reference on the page");
    assert!(!reference[0].is_empty());
    assert!(!html.contains("controversies"), "the cause stays in the log");

    let body = app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::INTERNAL_SERVER_ERROR).await;
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert!(!body["error"].as_str().unwrap().contains("controversies"));
}

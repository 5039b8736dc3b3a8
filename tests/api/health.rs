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
    let name = app.db_name.clone();
    tokio::task::spawn_blocking(move || {
        let mut admin = crate::helpers::admin_connection();
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

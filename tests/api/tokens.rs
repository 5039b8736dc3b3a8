//! Personal API tokens (issue 18 item 13): made on `/account/tokens` or through
//! `/api/v1/account/tokens` and shown once, listed by prefix with their last use, revoked; only a
//! hash is stored; `Authorization: Bearer` requests need no CSRF token, set no cookie, are
//! `private, no-store` and are rate-limited per token; read tokens only read; revoked tokens and
//! suspended owners' tokens stop working. The authorization matrix (`authz`) runs every route with
//! a read and a write token too.

use agora::domain::roles::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, expect_json, location, spawn_app, spawn_app_with};
use crate::pages::{assert_every_control_labelled, table_column, texts};

/// A client with no cookie store, as a script using a token is.
fn script() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl TestApp {
    /// Makes a token through the account page's form; returns the token the answer shows.
    async fn make_token_on_page(&self, name: &str, scope: &str) -> String {
        let res = self.post_form("/account/tokens", &[("name", name), ("scope", scope)]).await;
        assert_eq!(res.status(), StatusCode::OK, "make token {name}");
        assert_eq!(header(&res, "cache-control"), "private, no-store", "the page with the token is not kept");
        let html = res.text().await.unwrap();
        let shown = texts(&html, "textarea#new-token");
        assert_eq!(shown.len(), 1, "the new token is shown once, in its field");
        shown[0].clone()
    }

    /// Makes a token through the JSON API (with the session and its CSRF token).
    async fn make_token_by_api(&self, name: &str, scope: &str) -> Value {
        let res = self.post_json("/api/v1/account/tokens", &json!({ "name": name, "scope": scope })).await;
        assert_eq!(header(&res, "cache-control"), "private, no-store");
        expect_json(res, StatusCode::CREATED).await
    }

    /// Sends `method path` with the token as a bearer, from a client without cookies.
    async fn with_token(&self, token: &str, method: reqwest::Method, path: &str, body: Option<&Value>) -> Response {
        let request = script().request(method, format!("{}{path}", self.address)).bearer_auth(token);
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        request.send().await.unwrap()
    }

    /// `GET path` with the token.
    async fn get_with_token(&self, token: &str, path: &str) -> Response {
        self.with_token(token, reqwest::Method::GET, path, None).await
    }

    /// The stored rows of `api_tokens` as JSON text, every column.
    async fn stored_token_rows(&self) -> Vec<String> {
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            row: String,
        }
        self.query(|c| {
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT to_jsonb(t)::text AS row FROM api_tokens t ORDER BY id")
                .load::<Row>(c)
                .unwrap()
                .into_iter()
                .map(|r| r.row)
                .collect()
        })
        .await
    }

    /// When the token with this id was last used, as stored.
    async fn last_used(&self, id: i64) -> Option<chrono::DateTime<chrono::Utc>> {
        self.query(move |c| {
            use agora::db::schema::api_tokens::dsl as t;
            use diesel::prelude::*;
            t::api_tokens.find(id).select(t::last_used_at).first(c).unwrap()
        })
        .await
    }
}

fn header(res: &Response, name: &str) -> String {
    res.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

fn sets_cookie(res: &Response) -> bool {
    res.headers().contains_key("set-cookie")
}

#[tokio::test]
async fn a_token_made_on_the_page_is_shown_once_listed_by_prefix_stored_as_a_hash_and_revoked() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let empty = app.page("/account/tokens").await;
    assert!(texts(&empty, "main p").iter().any(|p| p == "You have no API tokens."), "{empty}");
    assert_every_control_labelled(&empty);
    // The account settings page links to it.
    let settings = app.page("/account/password").await;
    assert!(crate::pages::attrs(&settings, "a", "href").contains(&"/account/tokens".to_owned()));

    let token = app.make_token_on_page("laptop script", "write").await;
    assert!(token.starts_with("agora_") && token.len() == 70, "{token}");

    // The list shows the name, scope and prefix, never the token.
    let list = app.page("/account/tokens").await;
    assert!(!list.contains(&token), "the list must not show the token again");
    assert!(!list.contains(&token["agora_".len() + 8..]), "nor its secret part");
    assert_eq!(table_column(&list, "table", "Name"), ["laptop script"]);
    assert_eq!(table_column(&list, "table", "Scope"), ["write"]);
    assert_eq!(table_column(&list, "table", "Starts with"), [format!("{}…", &token[..14])]);
    assert_eq!(table_column(&list, "table", "Last used"), ["never"]);

    // Only the hash is stored: the token is nowhere in the table, its SHA-256 is.
    let rows = app.stored_token_rows().await;
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].contains(&token["agora_".len()..]), "the token itself is stored: {}", rows[0]);
    let hash = agora::auth::session::token_hash(&token);
    let stored: Vec<u8> = app
        .query(|c| {
            use agora::db::schema::api_tokens::dsl as t;
            use diesel::prelude::*;
            t::api_tokens.select(t::token_hash).first(c).unwrap()
        })
        .await;
    assert_eq!(stored, hash);

    // It works, then is revoked through the form (with a confirmation), then does not.
    assert_eq!(app.get_with_token(&token, "/api/v1/following").await.status(), StatusCode::OK);
    let id = app.query(|c| {
        use agora::db::schema::api_tokens::dsl as t;
        use diesel::prelude::*;
        t::api_tokens.select(t::id).first::<i64>(c).unwrap()
    });
    let id = id.await;
    let res = app.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/account/tokens");
    let after = app.page("/account/tokens").await;
    assert_eq!(texts(&after, ".flash p"), ["The API token was revoked: it no longer works."]);
    assert!(texts(&after, "main p").iter().any(|p| p == "You have no API tokens."));
    let res = app.get_with_token(&token, "/api/v1/following").await;
    assert_eq!(header(&res, "www-authenticate"), "Bearer error=\"invalid_token\"");
    assert!(api_error(res, StatusCode::UNAUTHORIZED).await.contains("revoked"));
    // Revoking it again, or a token that is not yours, is a 404.
    assert_eq!(app.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_refuses_a_token_without_a_name_or_with_an_unknown_scope_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let res = app.post_form("/account/tokens", &[("name", "  "), ("scope", "read")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]")[0].contains("name is required"), "{html}");
    assert!(texts(&html, "textarea#new-token").is_empty());
    let res = app.post_form("/account/tokens", &[("name", "cron"), ("scope", "admin")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]")[0].contains("read or write"));
    assert_eq!(crate::pages::attrs(&html, "input#token-name", "value"), ["cron"]);
    assert_eq!(app.count("api_tokens").await, 0);
}

#[tokio::test]
async fn tokens_are_made_listed_and_revoked_through_the_api_from_a_session_only() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let made = app.make_token_by_api("ci", "read").await;
    let token = made["token"].as_str().unwrap().to_owned();
    assert_eq!(made["scope"], "read");
    assert_eq!(made["prefix"], token[..14]);
    assert!(made["last_used_at"].is_null());

    let list = app.get_json("/api/v1/account/tokens", StatusCode::OK).await;
    let tokens = list["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0]["name"], "ci");
    assert_eq!(tokens[0]["prefix"], token[..14]);
    assert!(tokens[0].get("token").is_none() && !list.to_string().contains(&token[14..]), "listed once only");

    // A token cannot manage tokens, not even its own (nor start a session).
    let res = app.get_with_token(&token, "/api/v1/account/tokens").await;
    assert!(api_error(res, StatusCode::FORBIDDEN).await.contains("signed-in session"));
    let write = app.make_token_by_api("deploy", "write").await["token"].as_str().unwrap().to_owned();
    let body = json!({ "name": "minted", "scope": "write" });
    let res = app.with_token(&write, reqwest::Method::POST, "/api/v1/account/tokens", Some(&body)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let login = json!({ "username": "rita", "password": crate::common::PASSWORD });
    let res = app.with_token(&write, reqwest::Method::POST, "/api/v1/session", Some(&login)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(!sets_cookie(&res));
    assert_eq!(app.count("api_tokens").await, 2);

    let id = made["id"].as_i64().unwrap();
    let res = app.send_json(reqwest::Method::DELETE, &format!("/api/v1/account/tokens/{id}"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = app.send_json(reqwest::Method::DELETE, &format!("/api/v1/account/tokens/{id}"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_with_token(&token, "/api/v1/session").await.status(), StatusCode::UNAUTHORIZED);
    let list = app.get_json("/api/v1/account/tokens", StatusCode::OK).await;
    assert_eq!(list["tokens"].as_array().unwrap().len(), 1, "the revoked token left the list");
    // Bad input is a 422 in words.
    let res = app.post_json("/api/v1/account/tokens", &json!({ "name": "x", "scope": "everything" })).await;
    assert!(api_error(res, StatusCode::UNPROCESSABLE_ENTITY).await.contains("read or write"));
}

#[tokio::test]
async fn a_write_token_reads_and_writes_without_csrf_or_cookies_and_a_read_token_only_reads() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let write = app.make_token_by_api("editor", "write").await["token"].as_str().unwrap().to_owned();
    let read = app.make_token_by_api("reader", "read").await["token"].as_str().unwrap().to_owned();

    // Who the token stands for.
    let res = app.get_with_token(&read, "/api/v1/session").await;
    assert_eq!(header(&res, "cache-control"), "private, no-store");
    assert!(!sets_cookie(&res), "a bearer answer sets no cookie");
    assert_eq!(expect_json(res, StatusCode::OK).await["user"]["username"], "alice");

    // A write with the write token: no CSRF token, no cookie.
    let save = json!({ "base_seq": 0, "body": "Written by a script.", "summary": "script" });
    let path = format!("/api/v1/threads/{slug}/synthesis");
    let res = app.with_token(&write, reqwest::Method::POST, &path, Some(&save)).await;
    assert_eq!(header(&res, "cache-control"), "private, no-store");
    assert!(!sets_cookie(&res));
    assert_eq!(expect_json(res, StatusCode::CREATED).await["seq"], 1);
    let revisions = app.get_json(&format!("/api/v1/threads/{slug}/revisions"), StatusCode::OK).await;
    assert_eq!(revisions["revisions"][0]["author"], "alice", "{revisions}");

    // The read token reads but is refused every unsafe method, in words, and nothing changes.
    assert_eq!(app.get_with_token(&read, &format!("/api/v1/threads/{slug}")).await.status(), StatusCode::OK);
    let before = crate::helpers::table_checksums(&app).await;
    let again = json!({ "base_seq": 1, "body": "Not allowed.", "summary": "script" });
    let res = app.with_token(&read, reqwest::Method::POST, &path, Some(&again)).await;
    assert!(api_error(res, StatusCode::FORBIDDEN).await.contains("read-only"));
    let res = app.with_token(&read, reqwest::Method::PUT, &format!("/api/v1/threads/{slug}/follow"), None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(crate::helpers::changed_tables(&before, &crate::helpers::table_checksums(&app).await).is_empty());
}

#[tokio::test]
async fn only_a_valid_token_lifts_the_csrf_check_and_pages_ignore_the_header() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let save = json!({ "base_seq": 0, "body": "Text.", "summary": "s" });
    let path = format!("{}/api/v1/threads/{slug}/synthesis", app.address);
    // The session cookie without the CSRF token: refused, with or without a bogus bearer token.
    let res = app.client.post(&path).json(&save).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let bogus = format!("agora_{}", "0".repeat(64));
    let res = app.client.post(&path).bearer_auth(&bogus).json(&save).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "an unknown token is not the session");
    let res = app.client.post(&path).header("Authorization", "Basic YWxpY2U6eA==").json(&save).send().await.unwrap();
    assert!(api_error(res, StatusCode::UNAUTHORIZED).await.contains("Bearer"));
    assert_eq!(app.count("revisions").await, 0, "nothing was saved");

    // Pages ignore the header: a token does not sign a browser in.
    let token = app.make_token_by_api("t", "write").await["token"].as_str().unwrap().to_owned();
    let res = script().get(format!("{}/account/tokens", app.address)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login");
}

#[tokio::test]
async fn a_suspended_user_s_token_stops_working_and_works_again_when_lifted() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let token = app.make_token_by_api("t", "write").await["token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_with_token(&token, "/api/v1/following").await.status(), StatusCode::OK);
    let set = |suspended: bool| {
        app.query(move |c| {
            let rita = agora::db::users::by_username(c, "rita").unwrap().unwrap().id;
            let suspension = agora::domain::restriction::Suspension { until: None, reason: "spam".into() };
            let value = suspended.then_some(&suspension);
            agora::db::users::set_suspension(c, agora::domain::ids::UserId(rita), value).unwrap();
        })
    };
    set(true).await;
    let res = app.get_with_token(&token, "/api/v1/following").await;
    assert!(api_error(res, StatusCode::FORBIDDEN).await.contains("suspended"));
    let res = app.with_token(&token, reqwest::Method::PUT, "/api/v1/account/digest", None).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The suspended owner may still revoke it from their session.
    let id = app.get_json("/api/v1/account/tokens", StatusCode::OK).await["tokens"][0]["id"].as_i64().unwrap();
    set(false).await;
    assert_eq!(app.get_with_token(&token, "/api/v1/following").await.status(), StatusCode::OK);
    set(true).await;
    let res = app.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "a suspended account may revoke its tokens");
    set(false).await;
    assert_eq!(app.get_with_token(&token, "/api/v1/following").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn requests_are_rate_limited_per_token_with_retry_after() {
    let app = spawn_app_with(|s| s.tokens.rate_per_minute = 3).await;
    app.login_as("rita", Role::Reader).await;
    let first = app.make_token_by_api("a", "read").await["token"].as_str().unwrap().to_owned();
    let second = app.make_token_by_api("b", "read").await["token"].as_str().unwrap().to_owned();
    for n in 0..3 {
        assert_eq!(app.get_with_token(&first, "/api/v1/following").await.status(), StatusCode::OK, "request {n}");
    }
    let res = app.get_with_token(&first, "/api/v1/following").await;
    let wait: i64 = header(&res, "retry-after").parse().expect("a Retry-After in seconds");
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(header(&res, "cache-control"), "private, no-store");
    assert!(api_error(res, StatusCode::TOO_MANY_REQUESTS).await.contains("try again"));
    // Per token: another token of the same account, and the session, are not limited by it.
    assert_eq!(app.get_with_token(&second, "/api/v1/following").await.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/following").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_last_use_is_recorded_at_most_once_a_minute_and_listed() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let made = app.make_token_by_api("a", "read").await;
    let (token, id) = (made["token"].as_str().unwrap().to_owned(), made["id"].as_i64().unwrap());
    assert_eq!(app.last_used(id).await, None);
    assert_eq!(app.get_with_token(&token, "/api/v1/following").await.status(), StatusCode::OK);
    let first = app.last_used(id).await.expect("the use was recorded");
    assert_eq!(app.get_with_token(&token, "/api/v1/following").await.status(), StatusCode::OK);
    assert_eq!(app.last_used(id).await, Some(first), "not written again within the minute");
    // A minute later, the next use is written.
    app.query(move |c| {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE api_tokens SET last_used_at = last_used_at - interval '2 minutes' WHERE id = $1")
            .bind::<diesel::sql_types::BigInt, _>(id)
            .execute(c)
            .unwrap();
    })
    .await;
    assert_eq!(app.get_with_token(&token, "/api/v1/following").await.status(), StatusCode::OK);
    let later = app.last_used(id).await.unwrap();
    assert!(later >= first, "written again: {later} after {first}");
    let list = app.get_json("/api/v1/account/tokens", StatusCode::OK).await;
    let listed: chrono::DateTime<chrono::Utc> = list["tokens"][0]["last_used_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(listed, later);
    let page = app.page("/account/tokens").await;
    assert_ne!(table_column(&page, "table", "Last used"), ["never"]);
}

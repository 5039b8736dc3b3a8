//! HTTP caching of what anonymous visitors see (issue 18, items 2 and 4): no cookie unless the
//! body carries the visitor's form token, strong validators and `304`s, the shared-cache policy
//! on every public answer, and the in-process page cache answering from memory until a change.

use std::time::Duration;

use agora::auth::session::CSRF_COOKIE;
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::common::eventually;
use crate::headers::{cache_control, concrete, fixture, get_patterns, with_assets_and_feed_token};
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// What anonymous public answers say, with the default settings.
const PUBLIC: &str = "public, max-age=0, s-maxage=60, stale-while-revalidate=300";

/// The GET routes whose anonymous answer carries the visitor's CSRF token (a form anyone may
/// send, or the session's JSON), and so sets the cookie and is private. A named list: the test
/// fails if one of them stops carrying it or another route starts to.
const CARRY_THE_TOKEN: [&str; 3] = ["/login", "/signup", "/api/v1/session"];

/// A client with no cookie jar that follows no redirects: every request is a first visit.
fn first_visit() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

fn cookie_names(headers: &HeaderMap) -> Vec<String> {
    headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().split('=').next().unwrap().to_owned()).collect()
}

/// An app whose in-process page cache is on (tests default to off).
async fn app_with_page_cache() -> TestApp {
    spawn_app_with(|s| s.page_cache.enabled = true).await
}

impl TestApp {
    /// `GET path` as a first-time anonymous visitor, with extra request headers.
    async fn anonymous_get(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = first_visit().get(format!("{}{path}", self.address));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.unwrap()
    }

    /// Waits until anonymous views of `path` are answered from memory (the change listener
    /// connects shortly after the app starts; nothing is kept before).
    async fn until_cached(&self, path: &str) {
        let cached = eventually(Duration::from_secs(10), || async {
            let res = self.anonymous_get(path, &[]).await;
            header(res.headers(), "x-cache") == "hit"
        })
        .await;
        assert!(cached, "GET {path} was never answered from the page cache");
    }

    /// Runs `sql` on a connection whose triggers are off (`session_replication_role = replica`),
    /// so the change is not notified: only a page answered from memory can still show the old.
    async fn change_unnoticed(&self, sql: &'static str) {
        self.query(move |c| {
            c.transaction(|c| {
                diesel::sql_query("SET LOCAL session_replication_role = replica").execute(c)?;
                diesel::sql_query(sql).execute(c)
            })
            .unwrap();
        })
        .await;
    }
}

/// The GET routes whose handlers choose their own `Cache-Control` (a named list): none is
/// shared as a page is.
fn own_policy(pattern: &str) -> Option<fn(&str) -> bool> {
    match pattern {
        // The health check must reach the database every time.
        "/healthz" => Some(|cc| !cc.contains("public")),
        // Content-hashed names: kept for a year.
        "/static/{name}" => Some(|cc| cc.contains("immutable")),
        // The URL is the secret.
        "/feeds/following/{token}.atom" => Some(|cc| cc == "private, no-store"),
        // Revalidated on every use (it describes the running build).
        "/api/v1/openapi.json" => Some(|cc| cc == "no-cache"),
        _ => None,
    }
}

#[tokio::test]
async fn every_get_route_answers_an_anonymous_visitor_publicly_and_without_a_cookie_unless_it_carries_a_token() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let routes = get_patterns();
    for pattern in CARRY_THE_TOKEN.iter().chain(&["/healthz", "/static/{name}", "/api/v1/openapi.json"]) {
        assert!(routes.iter().any(|r| r == pattern), "{pattern} is no longer a route; update the list");
    }
    let (mut public, mut wrong) = (0, Vec::new());
    for pattern in &routes {
        let path = with_assets_and_feed_token(&app, concrete(pattern, &f)).await;
        let res = app.anonymous_get(&path, &[]).await;
        let (status, headers) = (res.status(), res.headers().clone());
        let (cc, cookies) = (header(&headers, "cache-control"), cookie_names(&headers));
        let problem = if CARRY_THE_TOKEN.contains(&pattern.as_str()) {
            (status != StatusCode::OK || cc != "private, no-store" || cookies != [CSRF_COOKIE])
                .then(|| format!("{status}, {cc:?}, cookies {cookies:?} (a page with a token)"))
        } else if !cookies.is_empty() {
            Some(format!("{status} sets {cookies:?}"))
        } else if let Some(expected) = own_policy(pattern) {
            (!expected(&cc)).then(|| format!("{status}, {cc:?} (a policy of its own)"))
        } else if status == StatusCode::OK {
            public += 1;
            let etag = header(&headers, "etag");
            (cc != PUBLIC || !etag.starts_with('"') || header(&headers, "last-modified").is_empty())
                .then(|| format!("{cc:?}, ETag {etag:?}, Last-Modified {:?}", header(&headers, "last-modified")))
        } else {
            // Refusals and redirects to the login page: nothing a shared cache should keep.
            (cc.contains("public") || !header(&headers, "etag").is_empty()).then(|| format!("{status}, {cc:?}"))
        };
        if let Some(problem) = problem {
            wrong.push(format!("GET {path}: {problem}"));
        }
    }
    assert!(public > 20, "only {public} public anonymous pages");
    assert!(wrong.is_empty(), "anonymous answers with the wrong caching:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_signed_in_view_of_a_public_page_is_private_and_sets_no_shared_validators() {
    let app = spawn_app().await;
    app.login_as("adam", Role::Admin).await;
    let slug = app.create_thread("Private views").await;
    let res = app.get(&format!("/threads/{slug}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(cache_control(&res), "private, no-store");
    assert!(res.headers().get("etag").is_none(), "no tag a shared cache could revalidate with");
    assert!(res.headers().get("x-cache").is_none(), "never from the page cache");
}

#[tokio::test]
async fn conditional_requests_are_answered_304_by_the_tag_or_the_date() {
    let app = app_with_page_cache().await;
    app.login_as("adam", Role::Admin).await;
    let slug = app.create_thread("Conditional").await;
    app.save_synthesis_ok(&slug, 0, "First words.", "first").await;
    let path = format!("/threads/{slug}");
    // From memory, so every answer below is of the same rendering (its Last-Modified included).
    app.until_cached(&path).await;
    let first = app.anonymous_get(&path, &[]).await;
    assert_eq!(first.status(), StatusCode::OK);
    let (etag, modified) = (header(first.headers(), "etag"), header(first.headers(), "last-modified"));
    assert!(first.text().await.unwrap().contains("First words."));

    for (what, headers) in
        [("the tag", [("if-none-match", etag.as_str())]), ("the date", [("if-modified-since", &modified)])]
    {
        let res = app.anonymous_get(&path, &headers).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "by {what}");
        assert_eq!(header(res.headers(), "etag"), etag, "by {what}: a 304 names the current version");
        assert_eq!(cache_control(&res), PUBLIC, "by {what}");
        assert!(res.headers().get("set-cookie").is_none(), "by {what}");
        assert!(res.bytes().await.unwrap().is_empty(), "by {what}: a 304 has no body");
    }
    let head =
        first_visit().head(format!("{}{path}", app.address)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::NOT_MODIFIED, "HEAD too");
    let other = app.anonymous_get(&path, &[("if-none-match", "\"other\""), ("if-modified-since", &modified)]).await;
    assert_eq!(other.status(), StatusCode::OK, "If-None-Match decides when sent");
    let older = app.anonymous_get(&path, &[("if-modified-since", "Thu, 01 Jan 2015 00:00:00 GMT")]).await;
    assert_eq!(older.status(), StatusCode::OK, "a copy older than the page is sent the page");

    app.save_synthesis_ok(&slug, 1, "Second words.", "second").await;
    let after = app.anonymous_get(&path, &[("if-none-match", &etag)]).await;
    assert_eq!(after.status(), StatusCode::OK, "an edit is a new version");
    assert_ne!(header(after.headers(), "etag"), etag, "and has a new tag");
    assert!(after.text().await.unwrap().contains("Second words."));
}

#[tokio::test]
async fn an_anonymous_page_is_answered_from_memory_until_a_change_empties_the_cache() {
    let app = app_with_page_cache().await;
    app.login_as("adam", Role::Admin).await;
    let slug = app.create_thread("Remembered title").await;
    app.save_synthesis_ok(&slug, 0, "Cached words.", "first").await;
    let thread = format!("/threads/{slug}");
    app.until_cached(&thread).await;
    app.until_cached("/").await;

    // Renamed behind the cache's back: a page from memory still shows the old title.
    app.change_unnoticed("UPDATE threads SET title = 'Quietly renamed'").await;
    let index = app.anonymous_get("/", &[]).await;
    assert_eq!(header(index.headers(), "x-cache"), "hit");
    let index = index.text().await.unwrap();
    assert!(index.contains("Remembered title") && !index.contains("Quietly renamed"), "answered from memory");

    // A save through this instance empties the cache before its answer is sent.
    let before = header(app.anonymous_get(&thread, &[]).await.headers(), "etag");
    app.save_synthesis_ok(&slug, 1, "Saved words.", "second").await;
    let res = app.anonymous_get(&thread, &[]).await;
    assert_eq!(header(res.headers(), "x-cache"), "miss");
    assert_ne!(header(res.headers(), "etag"), before, "the edit changed the tag");
    assert!(res.text().await.unwrap().contains("Saved words."), "the cached page shows the save");
    assert!(app.anonymous_get("/", &[]).await.text().await.unwrap().contains("Quietly renamed"));

    // A change made elsewhere (another instance, a script) arrives by notification.
    app.until_cached("/").await;
    app.query(|c| diesel::sql_query("UPDATE threads SET title = 'Loudly renamed'").execute(c).unwrap()).await;
    let seen = eventually(Duration::from_secs(5), || async {
        app.anonymous_get("/", &[]).await.text().await.unwrap().contains("Loudly renamed")
    })
    .await;
    assert!(seen, "the notified change reached the cached index");
}

/// Tables no public page shows: changing them must not empty the page caches (sessions and read
/// positions change on every signed-in view). A named list; every other table must notify.
const NOT_ON_PUBLIC_PAGES: [&str; 10] = [
    "__diesel_schema_migrations",
    "sessions",
    "login_failures",
    "feed_tokens",
    "follows",
    "notifications",
    "thread_reads",
    "fairness_fitter",
    // Personal API tokens and the notification outbox: private, and written on API use and saves.
    "api_tokens",
    "fanout_outbox",
];

#[tokio::test]
async fn every_table_notifies_its_changes_or_is_named_as_shown_on_no_public_page() {
    #[derive(QueryableByName)]
    struct Table {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        notifies: bool,
    }
    let app = spawn_app().await;
    let tables: Vec<Table> = app
        .query(|c| {
            diesel::sql_query(
                "SELECT t.table_name::text AS name, EXISTS (SELECT 1 FROM information_schema.triggers g \
                   WHERE g.event_object_schema = t.table_schema AND g.event_object_table = t.table_name \
                     AND g.trigger_name = 'agora_notify_change' AND g.action_orientation = 'STATEMENT' \
                     AND g.action_timing = 'AFTER') AS notifies \
                 FROM information_schema.tables t \
                 WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' ORDER BY 1",
            )
            .load(c)
            .unwrap()
        })
        .await;
    assert!(tables.len() > 20, "only {} tables", tables.len());
    let mut wrong = Vec::new();
    for t in &tables {
        match (t.notifies, NOT_ON_PUBLIC_PAGES.contains(&t.name.as_str())) {
            (false, false) => wrong.push(format!("{}: notifies no change; add its trigger or name it", t.name)),
            (true, true) => wrong.push(format!("{}: notifies, yet is named as shown on no public page", t.name)),
            _ => {}
        }
    }
    for name in NOT_ON_PUBLIC_PAGES {
        assert!(tables.iter().any(|t| t.name == name), "{name} is no longer a table; update the list");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

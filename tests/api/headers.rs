//! Response headers: every response that depends on who is asking is `private, no-store` (the
//! GET routes come from the app's route table; anonymous visitors' side is `http_cache.rs`), and every response, whatever produced it (a
//! handler, an extractor, a middleware), carries the same security headers as a normal page.

use agora::domain::roles::Role;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::helpers::{TestApp, spawn_app};

/// The headers every response must carry, with the same values as on a normal page.
const SECURITY_HEADERS: [&str; 4] =
    ["content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy"];

/// The GET routes mounted outside the visitor middleware: they never look at who is asking
/// (health, content-hashed assets, the anonymous feeds, and the private feed, whose secret is its
/// URL and which says `private` itself). A named list, checked against the table below.
pub(crate) const SAME_FOR_EVERYONE: [&str; 11] = [
    "/healthz",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemaps/pages.xml",
    "/sitemaps/threads/{from_id}.xml",
    "/sitemaps/events/{from_id}.xml",
    "/static/{name}",
    "/recent.atom",
    "/events.atom",
    "/threads/{slug}/feed.atom",
    "/feeds/following/{token}.atom",
];

fn security_headers(headers: &HeaderMap) -> Vec<(&'static str, String)> {
    SECURITY_HEADERS
        .iter()
        .map(|&name| (name, headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()))
        .collect()
}

pub(crate) fn cache_control(res: &reqwest::Response) -> String {
    res.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

/// What the paths of the fixture thread refer to.
pub(crate) struct Fixture {
    pub(crate) slug: String,
    /// An open question (the answer form is for questions only).
    question: i64,
    /// A controversy, added through the API so that it has a changelog entry (its diff).
    controversy: i64,
    controversy_change: i64,
    pub(crate) event: i64,
    /// An interpretation (a column of the matrix).
    interpretation: i64,
    change: i64,
    username: String,
    /// A source (issue 16).
    source: i64,
}

/// A thread by `adam` (an admin, logged in on `app`) with two revisions, a controversy, an open
/// question and a linked event.
pub(crate) async fn fixture(app: &TestApp) -> Fixture {
    app.login_as("adam", Role::Admin).await;
    let slug = app.create_thread("Cache headers").await;
    for (base, text) in [(0, "One."), (1, "Two.")] {
        assert_eq!(app.save_synthesis(&slug, base, text, "edit").await.status(), StatusCode::SEE_OTHER);
    }
    let res = app
        .post_json(
            &format!("/api/v1/threads/{slug}/controversies"),
            &serde_json::json!({ "title": "Licences", "body": "The licence is open." }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let controversy = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let history =
        app.get_json(&format!("/api/v1/threads/{slug}/controversies/{controversy}/history"), StatusCode::OK).await;
    let controversy_change = history["changes"][0]["id"].as_i64().unwrap();
    let s = slug.clone();
    let (question, interpretation, event, change) = app
        .query(move |c| {
            use agora::db::{changes, events, sections, threads};
            use agora::domain::thread::Significance;
            let thread = threads::by_slug(c, &s).unwrap().thread_id();
            let html = agora::render::markdown::render_markdown("Q?");
            let question = sections::insert_question(c, thread, "Q?", &html).unwrap();
            let reading = sections::InterpretationFields {
                title: "A reading".into(),
                body_md: String::new(),
                body_html: agora::render::markdown::render_markdown(""),
                proponents: Vec::new(),
            };
            let interpretation = sections::insert_interpretation(c, thread, &reading).unwrap();
            let adam = agora::db::users::by_username(c, "adam").unwrap().unwrap().id;
            let fields = events::EventFields {
                occurred_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                title: "E".into(),
                significance: Significance::Major,
                url: None,
                body_md: String::new(),
                body_html: agora::render::markdown::render_markdown(""),
            };
            let event = events::insert(c, &fields, agora::domain::ids::UserId(adam)).unwrap();
            events::link(c, thread, event).unwrap();
            (question, interpretation, event.0, changes::of_revision(c, thread, 2).unwrap().id)
        })
        .await;
    let res = app
        .post_json("/api/v1/sources", &serde_json::json!({ "title": "A report", "kind": "paper", "tier": "primary" }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let source = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    Fixture {
        slug,
        question,
        controversy,
        controversy_change,
        event,
        interpretation,
        change,
        username: "adam".to_owned(),
        source,
    }
}

pub(crate) fn concrete(pattern: &str, f: &Fixture) -> String {
    let (kind, item) =
        if pattern.ends_with("/answer") { ("questions", f.question) } else { ("controversies", f.controversy) };
    let id = if pattern.contains("/changes/") {
        f.change
    } else if pattern.contains("{kind}") {
        item
    } else if pattern.contains("/sources/") {
        f.source
    } else {
        f.event
    };
    // Search answers 400 without a query, a diff without what it compares.
    let query = if pattern.ends_with("/search") {
        "?q=One".to_owned()
    } else if pattern.ends_with("/threads/{slug}/diff") {
        "?from=1&to=2".to_owned()
    } else if pattern.ends_with("{kind}/{id}/diff") {
        format!("?entry={}", f.controversy_change)
    } else {
        String::new()
    };
    let path = pattern
        .replace("{slug}", &f.slug)
        .replace("{kind}", kind)
        // Revision 1 has nothing before it to undo; undo's confirmation takes out revision 2.
        .replace("{seq}", if pattern.ends_with("/undo") { "2" } else { "1" })
        .replace("{id}", &id.to_string())
        .replace("{username}", &f.username)
        .replace("{interpretation_id}", &f.interpretation.to_string())
        .replace("{event_id}", &f.event.to_string());
    format!("{path}{query}")
}

/// Every GET path pattern the app registered (its route table, filled when the app was built).
pub(crate) fn get_patterns() -> Vec<String> {
    agora::routes::table::registered()
        .into_iter()
        .filter(|(method, _)| *method == "GET")
        .map(|(_, pattern)| pattern)
        .collect()
}

#[tokio::test]
async fn every_get_route_answers_a_signed_in_user_with_private_no_store() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let routes = get_patterns();
    for pattern in SAME_FOR_EVERYONE {
        assert!(routes.iter().any(|r| r == pattern), "{pattern} is no longer a route; update the list");
    }
    let mut checked = 0;
    let mut wrong = Vec::new();
    for pattern in routes.iter().filter(|r| !SAME_FOR_EVERYONE.contains(&r.as_str())) {
        let path = concrete(pattern, &f);
        let res = app.get(&path).await;
        assert!(
            res.status().is_success() || res.status().is_redirection(),
            "GET {path} as an admin answered {}; the fixture should make it answer",
            res.status()
        );
        if cache_control(&res) != "private, no-store" {
            wrong.push(format!("GET {path}: {:?}", cache_control(&res)));
        }
        checked += 1;
    }
    assert!(checked > 40, "only {checked} routes checked");
    assert!(wrong.is_empty(), "responses for a signed-in user a cache may keep:\n{}", wrong.join("\n"));
}

// What anonymous visitors are answered, route by route: `http_cache.rs`.

#[tokio::test]
async fn errors_from_middleware_extractors_and_routing_carry_the_headers_of_a_normal_page() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let normal = app.get("/").await;
    assert_eq!(normal.status(), StatusCode::OK);
    let expected = security_headers(normal.headers());
    assert!(expected.iter().all(|(_, v)| !v.is_empty()), "{expected:?}");
    assert!(expected[0].1.contains("default-src 'self'"), "{expected:?}");

    let mut responses = Vec::new();
    // The CSRF middleware's 403, as a page and as JSON.
    let no_token = [("title", "T"), ("framing_question", "Q?"), ("status", "active"), ("stance", "contested")];
    responses.push(("csrf 403 page", app.post_form_raw("/threads", &no_token).await));
    responses.push((
        "csrf 403 json",
        app.client.post(format!("{}/api/v1/threads", app.address)).json(&serde_json::json!({})).send().await.unwrap(),
    ));
    // A 413 raised while the CSRF middleware reads a login form.
    let anonymous = app.another_browser();
    let huge = "a".repeat(2 * 1024 * 1024);
    responses.push(("login 413", anonymous.post_form_raw("/login", &[("username", "x"), ("password", &huge)]).await));
    // The 404 of the default service, and a 400 from the query extractor.
    responses.push(("default 404", app.get("/nowhere").await));
    responses.push(("query 400", app.get("/recent?before=abc").await));
    responses.push(("api query 400", app.get("/api/v1/changes?before=abc").await));
    // A suspended user's write, refused by the visitor middleware.
    let sue = app.another_browser();
    sue.login_as("sue", Role::Curator).await;
    let token = sue.csrf_token().await;
    app.query(|c| {
        let id = agora::db::users::by_username(c, "sue").unwrap().unwrap().id;
        let suspension = agora::domain::restriction::Suspension { until: None, reason: "spam".into() };
        agora::db::users::set_suspension(c, agora::domain::ids::UserId(id), Some(&suspension)).unwrap();
    })
    .await;
    let mut fields = no_token.to_vec();
    fields.push(("csrf_token", &token));
    responses.push(("suspended 403", sue.post_form_raw("/threads", &fields).await));

    let statuses: Vec<(&str, u16)> = responses.iter().map(|(what, r)| (*what, r.status().as_u16())).collect();
    assert_eq!(
        statuses,
        [
            ("csrf 403 page", 403),
            ("csrf 403 json", 403),
            ("login 413", 413),
            ("default 404", 404),
            ("query 400", 400),
            ("api query 400", 400),
            ("suspended 403", 403)
        ]
    );
    for (what, res) in &responses {
        assert_eq!(security_headers(res.headers()), expected, "{what}");
    }
}

/// `{name}` and `{token}`, which the page fixture does not fill: a stylesheet's hashed name and a
/// private feed's token.
pub(crate) async fn with_assets_and_feed_token(app: &TestApp, path: String) -> String {
    if path.contains("{name}") {
        let home = app.page("/").await;
        let start = home.find("/static/").expect("a stylesheet link") + "/static/".len();
        let name = &home[start..start + home[start..].find('"').unwrap()];
        return path.replace("{name}", name);
    }
    if path.contains("{token}") {
        let res = app.send_json(reqwest::Method::POST, "/api/v1/account/feed-token", &serde_json::json!({})).await;
        let url: serde_json::Value = res.json().await.unwrap();
        let url = url["url"].as_str().unwrap();
        return url[url.find("/feeds/").unwrap()..].to_owned();
    }
    path
}

#[tokio::test]
async fn every_get_route_answers_head_with_the_get_status_and_headers_and_no_body() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let routes = get_patterns();
    let compared = ["content-type", "content-length", "cache-control", "content-security-policy", "location"];
    let mut wrong = Vec::new();
    for pattern in &routes {
        let path = with_assets_and_feed_token(&app, concrete(pattern, &f)).await;
        // A first GET settles what a view changes (a flash shown once, a first read recorded).
        app.get(&path).await;
        let get = app.get(&path).await;
        let (get_status, get_headers) = (get.status(), get.headers().clone());
        assert!(!get.bytes().await.unwrap().is_empty() || get_status.is_redirection(), "GET {path} has a body");
        let head = app.head(&path).await;
        if head.status() != get_status {
            wrong.push(format!("HEAD {path}: {} (GET: {get_status})", head.status()));
            continue;
        }
        for name in compared {
            if head.headers().get(name) != get_headers.get(name) {
                wrong.push(format!(
                    "HEAD {path}: {name} {:?}, GET {:?}",
                    head.headers().get(name),
                    get_headers.get(name)
                ));
            }
        }
        if !head.bytes().await.unwrap().is_empty() {
            wrong.push(format!("HEAD {path}: has a body"));
        }
    }
    assert!(routes.len() > 40, "only {} GET routes", routes.len());
    assert!(wrong.is_empty(), "HEAD is not GET without the body:\n{}", wrong.join("\n"));
}

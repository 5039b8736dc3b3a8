//! What search engines and link previews read (issue 18, item 14): robots.txt, the sitemap (one
//! file, or an index of parts past 50 000 URLs), a canonical link on every page and OpenGraph /
//! Twitter card metadata on thread and event pages.

use std::collections::BTreeSet;

use agora::domain::roles::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::headers::{SAME_FOR_EVERYONE, concrete, fixture, get_patterns};
use crate::helpers::spawn_app;

/// The public address the test app runs under (`Settings::for_tests`).
const SITE: &str = "http://agora.test";

/// Every `<loc>` of a sitemap document, in order.
fn locs(xml: &str) -> Vec<String> {
    xml.split("<loc>").skip(1).map(|rest| rest.split("</loc>").next().unwrap().to_owned()).collect()
}

fn meta(doc: &Html, selector: &str) -> Option<String> {
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel).next().and_then(|e| e.value().attr("content").or(e.value().attr("href"))).map(str::to_owned)
}

#[tokio::test]
async fn robots_txt_lets_crawlers_read_threads_and_names_the_sitemap() {
    let app = spawn_app().await;
    let res = app.get("/robots.txt").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert!(res.headers().get("set-cookie").is_none());
    let body = res.text().await.unwrap();
    assert!(body.starts_with("User-agent: *\n"), "{body}");
    assert!(body.contains(&format!("Sitemap: {SITE}/sitemap.xml")), "{body}");
    for private in ["/account", "/moderation", "/notifications", "/api/"] {
        assert!(body.contains(&format!("Disallow: {private}\n")), "{private} is open to crawlers:\n{body}");
    }
    assert!(!body.lines().any(|l| l == "Disallow: /" || l == "Disallow: /threads"), "{body}");
}

#[tokio::test]
async fn a_small_site_has_one_sitemap_with_every_thread_and_event_and_when_each_changed() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let res = app.get("/sitemap.xml").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
    let xml = res.text().await.unwrap();
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"), "{xml}");
    let urls = locs(&xml);
    for expected in [format!("{SITE}/"), format!("{SITE}/threads/{}", f.slug), format!("{SITE}/events/{}", f.event)] {
        assert!(urls.contains(&expected), "{expected} missing from {urls:?}");
    }
    // The thread's lastmod is its last update, in UTC.
    let slug = f.slug.clone();
    let updated = app
        .query(move |c| agora::db::threads::by_slug(c, &slug).unwrap().updated_at)
        .await
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let entry = xml.split("<url>").find(|u| u.contains(&format!("/threads/{}</loc>", f.slug))).unwrap();
    assert!(entry.contains(&format!("<lastmod>{updated}</lastmod>")), "{entry}");
}

#[tokio::test]
async fn past_fifty_thousand_urls_the_sitemap_is_an_index_whose_parts_list_everything_once() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // 50 001 more events (the fixture has one thread and one event).
    app.query(|c| {
        use diesel::RunQueryDsl;
        diesel::sql_query(
            "INSERT INTO events (occurred_on, title, significance, body_md, body_html, created_by) \
             SELECT DATE '2020-01-01' + (n % 1000), 'Event ' || n, 'notable', '', '', \
                    (SELECT id FROM users ORDER BY id LIMIT 1) \
             FROM generate_series(1, 50001) AS n",
        )
        .execute(c)
        .unwrap();
    })
    .await;
    let root = app.get("/sitemap.xml").await.text().await.unwrap();
    assert!(root.contains("<sitemapindex"), "{}", &root[..root.len().min(500)]);
    let parts = locs(&root);
    assert!(parts.len() >= 3, "pages, threads and at least two event parts: {parts:?}");
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for part in &parts {
        let path = part.strip_prefix(SITE).expect("parts are on this site");
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let xml = res.text().await.unwrap();
        assert!(xml.contains("<urlset"), "{path} is not a urlset");
        let urls = locs(&xml);
        assert!(urls.len() <= 50_000, "{path} lists {} URLs", urls.len());
        total += urls.len();
        seen.extend(urls);
    }
    assert_eq!(seen.len(), total, "a URL is listed in two parts");
    let events: i64 = app
        .query(|c| {
            use diesel::prelude::*;
            agora::db::schema::events::table.count().get_result(c).unwrap()
        })
        .await;
    let event_urls = seen.iter().filter(|u| u.starts_with(&format!("{SITE}/events/"))).count();
    assert_eq!(i64::try_from(event_urls).unwrap(), events, "every event is in the index's parts");
    assert!(seen.contains(&format!("{SITE}/threads/{}", f.slug)));
    assert!(seen.contains(&format!("{SITE}/")));
    // An unknown kind is a 404, not an empty sitemap; a part past the last id is empty.
    assert_eq!(app.get("/sitemaps/users/1.xml").await.status(), StatusCode::NOT_FOUND);
    let beyond = app.get(&format!("/sitemaps/events/{}.xml", i64::MAX)).await.text().await.unwrap();
    assert!(beyond.contains("<urlset") && locs(&beyond).is_empty(), "{beyond}");
}

/// Every GET route of the app that answers an HTML page (visited as the fixture's admin, who may
/// see them all) carries a canonical link to its own path on the public site.
#[tokio::test]
async fn every_html_page_has_a_canonical_link_to_itself_on_the_public_site() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut checked = 0;
    let mut wrong = Vec::new();
    for pattern in get_patterns().iter().filter(|r| !SAME_FOR_EVERYONE.contains(&r.as_str())) {
        let path = concrete(pattern, &f);
        let res = app.get(&path).await;
        let html = res.headers().get("content-type").is_some_and(|t| t.to_str().unwrap().starts_with("text/html"));
        if res.status() != StatusCode::OK || !html {
            continue;
        }
        let doc = Html::parse_document(&res.text().await.unwrap());
        let expected = format!("{SITE}{}", path.split('?').next().unwrap());
        match meta(&doc, "link[rel=canonical]") {
            Some(href) if href == expected => checked += 1,
            other => wrong.push(format!("GET {path}: canonical {other:?}, expected {expected}")),
        }
    }
    assert!(checked > 30, "only {checked} pages checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Error pages name no canonical address.
    let missing = Html::parse_document(&app.get("/threads/no-such-thread").await.text().await.unwrap());
    assert_eq!(meta(&missing, "link[rel=canonical]"), None);
}

#[tokio::test]
async fn a_shared_thread_or_event_shows_its_title_and_question_or_summary() {
    let app = spawn_app().await;
    app.login_as("adam", Role::Admin).await;
    let slug = app.create_thread("Open <weights> & risk").await;
    let anonymous = app.another_browser();
    let doc = Html::parse_document(&anonymous.get(&format!("/threads/{slug}")).await.text().await.unwrap());
    assert_eq!(meta(&doc, "meta[property='og:title']").as_deref(), Some("Open <weights> & risk"));
    assert_eq!(meta(&doc, "meta[name='twitter:title']").as_deref(), Some("Open <weights> & risk"));
    let question = app
        .query({
            let slug = slug.clone();
            move |c| agora::db::threads::by_slug(c, &slug).unwrap().framing_question
        })
        .await;
    assert!(!question.is_empty());
    assert_eq!(meta(&doc, "meta[property='og:description']"), Some(question));
    assert_eq!(meta(&doc, "meta[property='og:url']"), Some(format!("{SITE}/threads/{slug}")));
    assert_eq!(meta(&doc, "meta[name='twitter:card']").as_deref(), Some("summary"));

    let res = app
        .post_json(
            "/api/v1/events",
            &serde_json::json!({
                "date": "2024-02-01", "title": "Weights leak", "significance": "landmark",
                "body": "The **weights** leaked & spread.\n\nA second paragraph."
            }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{:?}", res.text().await);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
    let doc = Html::parse_document(&anonymous.get(&format!("/events/{id}")).await.text().await.unwrap());
    assert_eq!(meta(&doc, "meta[property='og:title']").as_deref(), Some("Weights leak"));
    assert_eq!(
        meta(&doc, "meta[property='og:description']").as_deref(),
        Some("The weights leaked & spread. A second paragraph.")
    );
    assert_eq!(meta(&doc, "link[rel=canonical]"), Some(format!("{SITE}/events/{id}")));
}

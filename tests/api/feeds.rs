//! Atom feeds: a thread's changes, recent changes, events and the private feed of followed
//! threads. Every feed is parsed with `atom_syndication`; ids must be stable and unique, times
//! right, hidden content absent, and conditional GET must answer 304 exactly when nothing changed.

use agora::domain::roles::Role;
use atom_syndication::{Feed, TextType};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

use crate::common::fixture_hash;
use crate::helpers::{TestApp, api_error, expect_json, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

/// `GET path` expecting 200 and an Atom document; the parsed feed and the headers.
async fn feed(app: &TestApp, path: &str) -> (Feed, HeaderMap) {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "application/atom+xml; charset=utf-8", "GET {path}");
    let body = res.bytes().await.unwrap();
    let feed = Feed::read_from(&body[..]).unwrap_or_else(|e| panic!("{path} is not Atom: {e}"));
    (feed, headers)
}

/// `GET path` with one extra header.
async fn get_with(app: &TestApp, path: &str, name: &str, value: &str) -> reqwest::Response {
    app.client.get(format!("{}{path}", app.address)).header(name, value).send().await.unwrap()
}

fn ids(feed: &Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

fn titles(feed: &Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.title.value.clone()).collect()
}

fn header(headers: &HeaderMap, name: &str) -> String {
    headers.get(name).unwrap_or_else(|| panic!("no {name} header")).to_str().unwrap().to_owned()
}

/// The id and the time of the newest changelog row of the thread at `slug`.
async fn newest_change(app: &TestApp, slug: &str) -> (i64, DateTime<Utc>) {
    let slug = slug.to_owned();
    app.query(move |c| {
        use agora::db::schema::{changes, threads};
        changes::table
            .inner_join(threads::table.on(threads::id.nullable().eq(changes::thread_id)))
            .filter(threads::slug.eq(slug))
            .order(changes::id.desc())
            .select((changes::id, changes::created_at))
            .first(c)
            .unwrap()
    })
    .await
}

/// Moves every change of the thread at `slug` an hour back, so that a new change falls in a
/// later second than `Last-Modified` without the test sleeping.
async fn age_changes(app: &TestApp, slug: &str) {
    let slug = slug.to_owned();
    app.query(move |c| {
        diesel::sql_query(
            "UPDATE changes SET created_at = created_at - interval '1 hour' \
             WHERE thread_id = (SELECT id FROM threads WHERE slug = $1)",
        )
        .bind::<diesel::sql_types::Text, _>(slug)
        .execute(c)
        .unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_thread_feed_parses_with_stable_unique_ids_and_the_newest_change_as_updated() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "First text.", "first").await;
    app.api_save_synthesis_ok(&slug, 1, "Second text.", "second").await;
    let path = format!("/threads/{slug}/feed.atom");

    let (first, headers) = feed(&app, &path).await;
    let (again, _) = feed(&app, &path).await;

    let first_ids = ids(&first);
    assert!(first_ids.len() >= 2, "{first_ids:?}");
    assert_eq!(first_ids, ids(&again), "the same entries keep the same ids");
    let mut unique = first_ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first_ids.len(), "ids are unique: {first_ids:?}");
    assert!(first_ids.iter().all(|id| id.starts_with("tag:agora.test,2026:change/")), "{first_ids:?}");
    let (newest_id, newest_at) = newest_change(&app, &slug).await;
    assert_eq!(first_ids[0], format!("tag:agora.test,2026:change/{newest_id}"), "newest first");
    assert_eq!(first.updated.with_timezone(&Utc), newest_at, "the feed is as new as its newest entry");
    assert_eq!(first.entries[0].updated.with_timezone(&Utc), newest_at);
    assert_eq!(titles(&first)[0], "Revision 2 by alice: second");
    assert_eq!(first.entries[0].authors[0].name, "alice");
    let link = &first.entries[0].links[0];
    assert_eq!(
        (link.rel.as_str(), link.href.as_str()),
        ("alternate", &*format!("http://agora.test/threads/{slug}/revisions/2"))
    );
    assert!(first.id.starts_with("tag:agora.test,2026:thread/"), "{}", first.id);
    assert!(first.links.iter().any(|l| l.rel == "self" && l.href == format!("http://agora.test{path}")));
    let last_modified = header(&headers, "last-modified");
    assert_eq!(
        DateTime::parse_from_rfc2822(&last_modified).unwrap().timestamp(),
        newest_at.timestamp(),
        "Last-Modified is the feed's updated, to the second"
    );
}

#[tokio::test]
async fn a_thread_with_no_changes_of_its_own_is_dated_by_its_creation_and_an_unknown_thread_is_404() {
    let app = spawn_app().await;
    // Written straight to the database: a thread the changelog has nothing about yet.
    let (slug, created) = app
        .query(|c| {
            use agora::db::{threads, users};
            use agora::domain::thread::{Stance, Status};
            let tess = users::insert(c, "tess", fixture_hash(), Role::Curator).unwrap().id;
            let fields = threads::ThreadFields {
                title: "A quiet thread".into(),
                framing_question: "Why?".into(),
                status: Status::Active,
                stance: Stance::Contested,
            };
            let row = threads::create(c, "a-quiet-thread", &fields, tess).unwrap();
            (row.slug, row.created_at)
        })
        .await;

    let (empty, _) = feed(&app, &format!("/threads/{slug}/feed.atom")).await;

    assert!(empty.entries.is_empty());
    assert_eq!(empty.updated.with_timezone(&Utc), created);
    assert_eq!(app.get("/threads/no-such-thread/feed.atom").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn conditional_get_answers_304_until_something_changes() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "First text.", "first").await;
    age_changes(&app, &slug).await;
    let path = format!("/threads/{slug}/feed.atom");
    let (_, headers) = feed(&app, &path).await;
    let (etag, last_modified) = (header(&headers, "etag"), header(&headers, "last-modified"));
    assert!(header(&headers, "cache-control").contains("public"));

    let by_etag = get_with(&app, &path, "If-None-Match", &etag).await;
    assert_eq!(by_etag.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(by_etag.headers(), "etag"), etag, "a 304 names the current version");
    assert!(by_etag.bytes().await.unwrap().is_empty(), "a 304 has no body");
    let by_date = get_with(&app, &path, "If-Modified-Since", &last_modified).await;
    assert_eq!(by_date.status(), StatusCode::NOT_MODIFIED);
    let older = get_with(&app, &path, "If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT").await;
    assert_eq!(older.status(), StatusCode::OK, "a copy older than the feed is sent the feed");
    let other_tag = app
        .client
        .get(format!("{}{path}", app.address))
        .header("If-None-Match", "W/\"something-else\"")
        .header("If-Modified-Since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(other_tag.status(), StatusCode::OK, "If-None-Match wins over If-Modified-Since");

    app.api_save_synthesis_ok(&slug, 1, "Second text.", "second").await;

    let after_etag = get_with(&app, &path, "If-None-Match", &etag).await;
    assert_eq!(after_etag.status(), StatusCode::OK, "a new change is a new version");
    assert_ne!(header(after_etag.headers(), "etag"), etag);
    let after_date = get_with(&app, &path, "If-Modified-Since", &last_modified).await;
    assert_eq!(after_date.status(), StatusCode::OK);
    let (now, _) = feed(&app, &path).await;
    assert_eq!(titles(&now)[0], "Revision 2 by alice: second", "the edit is the newest entry");
}

#[tokio::test]
async fn a_hidden_revision_says_nothing_of_its_content_and_hiding_changes_the_etag() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Fine text.", "fine").await;
    app.api_save_synthesis_ok(&slug, 1, "SECRET-BODY of someone", "SECRET-SUMMARY with a phone number").await;
    app.api_save_synthesis_ok(&slug, 2, "Fine again.", "cleaned up").await;
    let path = format!("/threads/{slug}/feed.atom");
    let (_, before) = feed(&app, &path).await;
    let change = app.api_change_of_revision(&slug, 2).await;
    let moderator = app.browser_as("maud", Role::Moderator).await;
    let hide =
        moderator.post_json(&format!("/api/v1/changes/{change}/hide"), &json!({ "reason": "personal data" })).await;
    assert_eq!(hide.status(), StatusCode::OK);

    let res = get_with(&app, &path, "If-None-Match", &header(&before, "etag")).await;
    assert_eq!(res.status(), StatusCode::OK, "hiding changes what the feed says, so its ETag");
    let body = res.text().await.unwrap();
    assert!(!body.contains("SECRET"), "hidden content leaked into the feed:\n{body}");
    assert!(!body.contains("personal data"), "the hiding reason is for moderators");
    let parsed = Feed::read_from(body.as_bytes()).unwrap();
    let entry = parsed.entries.iter().find(|e| e.id.ends_with(&format!("change/{change}"))).expect("the entry stays");
    assert_eq!(entry.title.value, "Revision 2 by alice (hidden by a moderator)");
    assert!(entry.content.as_ref().unwrap().value.as_deref().unwrap().contains("Content hidden by a moderator."));
    assert!(entry.updated > entry.published.unwrap(), "hiding dates the entry anew, so readers replace their copy");
    // The moderator's own view of the feed is the same anonymous one.
    let (theirs, _) = feed(&moderator, &path).await;
    assert!(!titles(&theirs).iter().any(|t| t.contains("SECRET")));
}

#[tokio::test]
async fn markup_in_a_summary_is_text_in_the_feed() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Text.", "<script>alert(1)</script> & <b>bold</b>").await;
    let path = format!("/threads/{slug}/feed.atom");

    let body = app.get(&path).await.text().await.unwrap();

    assert!(!body.contains("<script>"), "the summary must be escaped:\n{body}");
    assert!(!body.contains("<b>"), "{body}");
    let parsed = Feed::read_from(body.as_bytes()).unwrap();
    assert_eq!(parsed.entries[0].title.value, "Revision 1 by alice: <script>alert(1)</script> & <b>bold</b>");
    assert_eq!(parsed.entries[0].title.r#type, TextType::Text, "plain text, not markup");
    assert_eq!(parsed.entries[0].content.as_ref().unwrap().content_type.as_deref(), Some("text"));
}

#[tokio::test]
async fn recent_changes_feed_lists_every_thread_with_the_same_ids_as_the_thread_feeds() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.api_save_synthesis_ok(&slug, 0, "Pluto text.", "pluto").await;
    let res =
        app.post_json("/api/v1/threads", &json!({ "title": "Is Ceres a planet?", "framing_question": "?" })).await;
    let other = expect_json(res, StatusCode::CREATED).await["slug"].as_str().unwrap().to_owned();
    app.api_save_synthesis_ok(&other, 0, "Ceres text.", "ceres").await;

    let (recent, _) = feed(&app, "/recent.atom").await;
    let (thread, _) = feed(&app, &format!("/threads/{slug}/feed.atom")).await;

    let recent_titles = titles(&recent);
    assert_eq!(recent_titles[0], "Is Ceres a planet?: Revision 1 by alice: ceres");
    assert!(recent_titles.contains(&"Is Pluto a planet?: Revision 1 by alice: pluto".to_owned()), "{recent_titles:?}");
    let pluto_entry = &thread.entries[0];
    let same = recent.entries.iter().find(|e| e.id == pluto_entry.id).expect("the same change, the same id");
    assert_eq!(same.updated, pluto_entry.updated);
    assert_eq!(recent.id, "tag:agora.test,2026:recent");
    let (_, newest_at) = newest_change(&app, &other).await;
    assert_eq!(recent.updated.with_timezone(&Utc), newest_at);
}

#[tokio::test]
async fn the_events_feed_puts_the_latest_written_event_first_dated_by_its_last_edit() {
    let app = spawn_app().await;
    app.login_as("cora", Role::Curator).await;
    let event = |title: &str, body: &str| json!({ "date": "2023-07-18", "title": title, "significance": "major", "body": body, "url": "https://example.org/a?b=1&c=2" });
    let first = expect_json(
        app.post_json("/api/v1/events", &event("Llama 2 released", "Weights **published**.")).await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let second = expect_json(app.post_json("/api/v1/events", &event("Mistral 7B", "")).await, StatusCode::CREATED)
        .await["id"]
        .as_i64()
        .unwrap();
    let (before, _) = feed(&app, "/events.atom").await;
    assert_eq!(
        ids(&before),
        [format!("tag:agora.test,2026:event/{second}"), format!("tag:agora.test,2026:event/{first}")]
    );

    let edit = event("Llama 2 released openly", "Weights **published**.");
    let res = app.send_json(reqwest::Method::PUT, &format!("/api/v1/events/{first}"), &edit).await;
    assert!(res.status().is_success(), "{}", res.status());
    let edited_at: DateTime<Utc> = app
        .query(move |c| {
            use agora::db::schema::changes;
            changes::table
                .filter(changes::event_id.eq(first).and(changes::action.eq("edited")))
                .select(changes::created_at)
                .first(c)
                .unwrap()
        })
        .await;

    let (after, _) = feed(&app, "/events.atom").await;

    assert_eq!(ids(&after)[0], format!("tag:agora.test,2026:event/{first}"), "the edit brings it to the top");
    let entry = &after.entries[0];
    assert_eq!(entry.title.value, "Jul 18, 2023: Llama 2 released openly");
    assert_eq!(entry.updated.with_timezone(&Utc), edited_at);
    assert!(entry.published.unwrap() < entry.updated);
    assert_eq!(after.updated.with_timezone(&Utc), edited_at);
    let content = entry.content.as_ref().unwrap();
    assert_eq!(content.content_type.as_deref(), Some("html"));
    assert!(content.value.as_deref().unwrap().contains("<strong>published</strong>"), "{content:?}");
    assert!(entry.summary.as_ref().unwrap().value.contains("https://example.org/a?b=1&c=2"));
    assert_eq!(entry.links[0].href, format!("http://agora.test/events/{first}"));
}

/// Makes `browser`'s private feed URL through the API; returns its path on the test server.
async fn feed_path(browser: &TestApp) -> String {
    let res = browser.send_json(reqwest::Method::POST, "/api/v1/account/feed-token", &json!({})).await;
    assert_eq!(header(res.headers(), "cache-control"), "private, no-store");
    let url = expect_json(res, StatusCode::CREATED).await["url"].as_str().unwrap().to_owned();
    let path = url.strip_prefix("http://agora.test").unwrap_or_else(|| panic!("not absolute: {url}")).to_owned();
    assert!(path.starts_with("/feeds/following/") && path.ends_with(".atom"), "{path}");
    path
}

#[tokio::test]
async fn the_private_feed_lists_only_the_followed_threads_changes_and_is_private() {
    let app = spawn_app().await;
    let followed = app.curated_thread().await;
    app.api_save_synthesis_ok(&followed, 0, "Pluto text.", "pluto").await;
    let res =
        app.post_json("/api/v1/threads", &json!({ "title": "Is Ceres a planet?", "framing_question": "?" })).await;
    let unfollowed = expect_json(res, StatusCode::CREATED).await["slug"].as_str().unwrap().to_owned();
    app.api_save_synthesis_ok(&unfollowed, 0, "Ceres text.", "ceres").await;
    let reader = app.browser_as("rita", Role::Reader).await;
    app.follow("rita", &followed).await;
    let path = feed_path(&reader).await;

    // Fetched by a feed reader: no cookies.
    let (private, headers) = feed(&app.another_browser(), &path).await;

    let all = titles(&private);
    assert!(all.contains(&"Is Pluto a planet?: Revision 1 by alice: pluto".to_owned()), "{all:?}");
    assert!(all.iter().all(|t| t.starts_with("Is Pluto a planet?: ")), "only followed threads: {all:?}");
    assert!(header(&headers, "cache-control").starts_with("private"));
    assert_eq!(header(&headers, "referrer-policy"), "no-referrer", "the secret URL is not sent on");
    assert!(headers.get("set-cookie").is_none(), "a feed sets no cookie");
    let (_, newest_at) = newest_change(&app, &followed).await;
    assert_eq!(private.updated.with_timezone(&Utc), newest_at);
    // Only the hash of the secret is stored.
    let token = path.trim_start_matches("/feeds/following/").trim_end_matches(".atom").to_owned();
    let stored: Vec<Vec<u8>> = app
        .query(|c| {
            use agora::db::schema::feed_tokens;
            feed_tokens::table.select(feed_tokens::token_hash).load(c).unwrap()
        })
        .await;
    assert_eq!(stored, [agora::auth::session::token_hash(&token)]);
    assert!(!stored[0].windows(token.len()).any(|w| w == token.as_bytes()));
}

#[tokio::test]
async fn a_revoked_or_unknown_feed_url_is_404_alike() {
    let app = spawn_app().await;
    let reader = app.browser_as("rita", Role::Reader).await;
    let path = feed_path(&reader).await;
    assert_eq!(app.get(&path).await.status(), StatusCode::OK);

    let revoked = reader.send_json(reqwest::Method::DELETE, "/api/v1/account/feed-token", &json!({})).await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);

    let gone = app.get(&path).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let gone_body = gone.text().await.unwrap();
    let unknown = app.get(&format!("/feeds/following/{}.atom", "0".repeat(64))).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(unknown.text().await.unwrap(), gone_body, "a revoked URL looks like one that never existed");
    assert_eq!(app.get("/feeds/following/x.atom").await.status(), StatusCode::NOT_FOUND);
    let again = reader.send_json(reqwest::Method::DELETE, "/api/v1/account/feed-token", &json!({})).await;
    api_error(again, StatusCode::NOT_FOUND).await;
    let anonymous =
        app.another_browser().send_json(reqwest::Method::POST, "/api/v1/account/feed-token", &json!({})).await;
    api_error(anonymous, StatusCode::UNAUTHORIZED).await;
}

/// The URL shown on the account page after making one.
fn shown_url(html: &str) -> String {
    texts(html, "textarea#feed-url").pop().expect("the new URL is shown")
}

#[tokio::test]
async fn the_account_page_makes_replaces_and_revokes_the_feed_url() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let page = app.page("/account/feed").await;
    assert!(texts(&page, "button").contains(&"Create feed URL".to_owned()));
    assert!(texts(&page, "#feed-url").is_empty());
    assert!(app.page("/account/password").await.contains("href=\"/account/feed\""), "linked from the account page");

    let made = app.post_form("/account/feed", &[]).await;
    assert_eq!(made.status(), StatusCode::OK);
    assert_eq!(header(made.headers(), "cache-control"), "private, no-store");
    let made = made.text().await.unwrap();
    assert_every_control_labelled(&made);
    assert!(made.contains("shown only this once"));
    let old = shown_url(&made).replace("http://agora.test", "");
    assert_eq!(app.get(&old).await.status(), StatusCode::OK);
    let reload = app.page("/account/feed").await;
    assert!(texts(&reload, "#feed-url").is_empty(), "the secret is shown once only");
    assert!(texts(&reload, "button").contains(&"Replace feed URL".to_owned()));

    let replaced = app.post_form("/account/feed", &[]).await.text().await.unwrap();
    let new = shown_url(&replaced).replace("http://agora.test", "");

    assert_ne!(new, old);
    assert_eq!(app.get(&old).await.status(), StatusCode::NOT_FOUND, "the old URL stops working at once");
    let (feed_new, _) = feed(&app, &new).await;
    assert!(feed_new.entries.is_empty());

    let revoked = app.post_form("/account/feed/revoke", &[]).await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get(&new).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(location(&revoked), "/account/feed");
    let after = app.page("/account/feed").await;
    assert!(texts(&after, "[role=status]").iter().any(|t| t.contains("revoked")));
    assert!(texts(&after, "button").contains(&"Create feed URL".to_owned()));

    let anonymous = app.another_browser().get("/account/feed").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER, "log in first");
}

#[tokio::test]
async fn pages_advertise_their_feeds_in_the_head_and_link_them_visibly() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    for (page, href) in [
        (format!("/threads/{slug}"), format!("/threads/{slug}/feed.atom")),
        ("/recent".to_owned(), "/recent.atom".to_owned()),
        ("/events".to_owned(), "/events.atom".to_owned()),
    ] {
        let html = app.page(&page).await;
        let discovered = attrs(&html, "head link[rel=alternate][type=\"application/atom+xml\"]", "href");
        assert_eq!(discovered, std::slice::from_ref(&href), "{page} autodiscovery");
        assert!(!attrs(&html, "head link[rel=alternate]", "title")[0].is_empty(), "{page}: the feed has a title");
        let visible = attrs(&html, "main a.feed-link", "href");
        assert_eq!(visible, std::slice::from_ref(&href), "{page} shows the feed link");
        assert_eq!(texts(&html, "main a.feed-link"), ["Atom feed"]);
        feed(&app, &href).await;
    }
    // Pages built from the same template without a feed advertise none.
    let html = app.page("/users/alice").await;
    assert!(attrs(&html, "link[type=\"application/atom+xml\"]", "href").is_empty());
}

#[tokio::test]
async fn the_private_feed_has_edits_of_followed_threads_events_and_hides_what_moderators_hid() {
    let app = spawn_app().await;
    let followed = app.curated_thread().await;
    let res =
        app.post_json("/api/v1/threads", &json!({ "title": "Is Ceres a planet?", "framing_question": "?" })).await;
    let unfollowed = expect_json(res, StatusCode::CREATED).await["slug"].as_str().unwrap().to_owned();
    let event = |title: &str| json!({ "date": "2006-08-24", "title": title, "significance": "major" });
    let mut ids = Vec::new();
    for (slug, title) in [(&followed, "IAU vote"), (&unfollowed, "Dawn arrives")] {
        let res = app.post_json(&format!("/api/v1/threads/{slug}/events"), &event(title)).await;
        let id = expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap();
        let edit = json!({ "date": "2006-08-24", "title": format!("{title}, corrected"), "significance": "major" });
        let res = app.send_json(reqwest::Method::PUT, &format!("/api/v1/events/{id}"), &edit).await;
        assert!(res.status().is_success(), "{}", res.status());
        ids.push(id);
    }
    app.api_save_synthesis_ok(&followed, 0, "SECRET-BODY", "SECRET-SUMMARY").await;
    app.api_save_synthesis_ok(&followed, 1, "Fine text.", "cleaned up").await;
    let change = app.api_change_of_revision(&followed, 1).await;
    let moderator = app.browser_as("maud", Role::Moderator).await;
    let hide = moderator.post_json(&format!("/api/v1/changes/{change}/hide"), &json!({ "reason": "doxxing" })).await;
    assert_eq!(hide.status(), StatusCode::OK);
    // The moderator follows the thread: their private feed is still an anonymous view.
    app.follow("maud", &followed).await;
    let path = feed_path(&moderator).await;

    let res = app.another_browser().get(&path).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();

    assert!(!body.contains("SECRET") && !body.contains("doxxing"), "hidden content leaked:\n{body}");
    let all = titles(&Feed::read_from(body.as_bytes()).unwrap());
    assert!(all.contains(&"alice edited event “IAU vote, corrected”".to_owned()), "{all:?}");
    assert!(!all.iter().any(|t| t.contains("Dawn")), "an event of an unfollowed thread: {all:?}");
    assert!(all.contains(&"Is Pluto a planet?: Revision 1 by alice (hidden by a moderator)".to_owned()), "{all:?}");
}

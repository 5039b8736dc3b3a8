//! What a request may claim and where the server sends it: the CSRF origin check ignores
//! `X-Forwarded-Host`, redirects built from `Referer` stay on this site, the `unpatrolled`
//! filter is for moderators, and feeds carry no image from another site.

use agora::domain::roles::Role;
use atom_syndication::Feed;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{TestApp, location, new_thread_fields, spawn_app};

#[tokio::test]
async fn a_cross_site_post_is_refused_even_when_x_forwarded_host_names_the_other_site() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;

    let res = app
        .post_form_with_headers(
            "/threads",
            &new_thread_fields("Spoofed"),
            &[
                ("Origin", "http://evil.example"),
                ("X-Forwarded-Host", "evil.example"),
                ("Forwarded", "host=evil.example"),
            ],
        )
        .await;

    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("threads").await, 0);
}

#[tokio::test]
async fn a_referer_whose_path_names_another_host_sends_the_browser_home() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Curator).await;
    let slug = app.create_thread("Redirects").await;
    let token = app.csrf_token().await;
    let mut seen = Vec::new();
    for (i, path) in ["//evil.example/x", "/\\evil.example", "/\\/evil.example", "/threads"].into_iter().enumerate() {
        let action = if i % 2 == 0 { "follow" } else { "unfollow" };
        let res = app
            .client
            .post(format!("{}/threads/{slug}/{action}", app.address))
            .header("Referer", format!("{}{path}", app.address))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        seen.push(location(&res));
    }
    assert_eq!(seen, ["/", "/", "/", "/threads"]);
}

#[tokio::test]
async fn only_moderators_may_filter_changes_by_patrol_status() {
    let app = spawn_app().await;
    app.login_as("cora", Role::Curator).await;
    let slug = app.create_thread("Patrol").await;
    assert_eq!(app.save_synthesis(&slug, 0, "Unpatrolled.", "").await.status(), StatusCode::SEE_OTHER);
    let reader = app.another_browser();
    reader.login_as("rita", Role::Reader).await;
    let moderator = app.another_browser();
    moderator.login_as("mona", Role::Moderator).await;
    let anonymous = app.another_browser();

    for (who, browser) in [("curator", &app), ("reader", &reader), ("anonymous", &anonymous)] {
        for path in [
            "/api/v1/changes?unpatrolled=true",
            "/recent?unpatrolled=1",
            &format!("/threads/{slug}/history?unpatrolled=1"),
        ] {
            let res = browser.get(path).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} GET {path}");
            let body = res.text().await.unwrap();
            assert!(body.contains("only moderators can filter by patrol status"), "{who} GET {path}: {body}");
        }
        // Without the filter, or with it off, the lists stay open to everyone.
        assert_eq!(browser.get("/api/v1/changes?unpatrolled=false").await.status(), StatusCode::OK, "{who}");
        assert_eq!(browser.get("/recent").await.status(), StatusCode::OK, "{who}");
    }
    let listed = moderator.get_json("/api/v1/changes?unpatrolled=true", StatusCode::OK).await;
    assert!(!listed["changes"].as_array().unwrap().is_empty(), "the curator's thread is unpatrolled");
    assert_eq!(moderator.get("/recent?unpatrolled=1").await.status(), StatusCode::OK);
}

/// The `src` of every `<img>` that has one in the HTML content of the feed's entries.
fn image_sources(feed: &Feed) -> Vec<String> {
    let img = Selector::parse("img").unwrap();
    feed.entries
        .iter()
        .filter_map(|e| e.content.as_ref().and_then(|c| c.value.clone()))
        .flat_map(|html| {
            Html::parse_fragment(&html)
                .select(&img)
                .filter_map(|i| i.value().attr("src").map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn event_with_body(app: &TestApp, body: &'static str) {
    app.query(move |c| {
        use agora::db::{events, users};
        use agora::domain::thread::Significance;
        let author = users::insert(c, "ed", crate::common::fixture_hash(), Role::Curator).unwrap().id;
        let fields = events::EventFields {
            occurred_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            title: "Pictured".into(),
            significance: Significance::Major,
            url: None,
            body_md: body.to_owned(),
            body_html: agora::render::markdown::render_markdown(body),
        };
        events::insert(c, &fields, author).unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_feed_carries_images_of_this_site_only() {
    let app = spawn_app().await;
    event_with_body(
        &app,
        "Outside: ![x](https://evil.example/t.png) ![y](//evil.example/u.png) [![z](http://evil.example/v.png)](https://evil.example/)\n\n\
         Ours: ![a](/static/a.png) ![b](http://agora.test/static/b.png)",
    )
    .await;
    let page = app.page("/events").await;
    assert!(page.contains("Pictured"));

    let res = app.get("/events.atom").await;
    assert_eq!(res.status(), StatusCode::OK);
    let feed = Feed::read_from(&res.bytes().await.unwrap()[..]).unwrap();

    assert_eq!(image_sources(&feed), ["/static/a.png", "http://agora.test/static/b.png"]);
    let content = feed.entries[0].content.as_ref().and_then(|c| c.value.clone()).unwrap();
    assert!(!content.contains("evil.example/t.png") && !content.contains("evil.example/u.png"), "{content}");
    assert!(content.contains("Outside:") && content.contains("href=\"https://evil.example/\""), "{content}");
}

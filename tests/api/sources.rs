//! Tests: sources (issue 16 items 1–3): recording and correcting them with a changelog entry,
//! URL normalization and refusals, duplicates offered instead, who may, the index with filters
//! and keyset paging, "what cites this" from the citations table, and search.

use agora::domain::roles::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, expect_json, location, spawn_app};
use crate::pages::{assert_every_control_labelled, assert_words_not_codes, attrs, texts};

/// Logs in the curator `alice`, who curates "Open weights"; returns its slug.
async fn curator(app: &TestApp) -> String {
    app.login_as("alice", Role::Curator).await;
    app.create_thread("Open weights").await
}

/// Records a source through the API, expecting 201; returns its id.
async fn api_source(app: &TestApp, body: Value) -> i64 {
    let res = app.post_json("/api/v1/sources", &body).await;
    expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap()
}

fn llama(url: &str) -> Value {
    json!({ "title": "Llama 3.1 model card", "url": url, "publisher": "Meta", "published_on": "2024-07-23",
            "kind": "model_card", "tier": "primary" })
}

/// The `changes` rows of a source: (action, reason, before, after), oldest first.
async fn source_changes(app: &TestApp, id: i64) -> Vec<(String, String, Option<Value>, Option<Value>)> {
    app.query(move |c| {
        use agora::db::schema::changes::dsl as ch;
        use diesel::prelude::*;
        ch::changes
            .filter(ch::source_id.eq(id))
            .order(ch::id)
            .select((ch::action, ch::reason, ch::before, ch::after, ch::thread_id, ch::event_id, ch::area))
            .load::<(String, String, Option<Value>, Option<Value>, Option<i64>, Option<i64>, String)>(c)
            .unwrap()
            .into_iter()
            .map(|(action, reason, before, after, thread, event, area)| {
                assert_eq!((thread, event, area.as_str()), (None, None, "source"), "a source's own entry");
                (action, reason, before, after)
            })
            .collect()
    })
    .await
}

#[tokio::test]
async fn a_source_is_recorded_and_corrected_with_before_and_after_in_its_changelog() {
    let app = spawn_app().await;
    curator(&app).await;

    let res = app
        .post_form(
            "/sources",
            &[
                ("title", "Llama 3.1 model card"),
                ("url", "HTTPS://AI.Meta.com:443/llama/?utm_source=x&v=1#intro"),
                ("publisher", "Meta"),
                ("published_on", "2024-07-23"),
                ("kind", "model_card"),
                ("tier", "primary"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let href = location(&res);
    let id: i64 = href.strip_prefix("/sources/").unwrap().parse().unwrap();

    let got = app.get_json(&format!("/api/v1/sources/{id}"), StatusCode::OK).await;
    assert_eq!(got["url"], "https://ai.meta.com/llama/?v=1", "normalized before it is stored");
    assert_eq!(got["marker"], format!("[^src:{id}]"));
    assert_eq!((got["link"]["status"].as_str(), got["version"].as_i64()), (Some("unchecked"), Some(1)));

    // A page of its own, in words.
    let page = app.page(&href).await;
    assert_eq!(texts(&page, "h1"), ["Llama 3.1 model card"]);
    assert!(page.contains("Model card") && page.contains("Primary source") && page.contains("Not checked yet"));
    assert_words_not_codes(&page, "the source page");

    // An edit needs a reason, and the version it was made from.
    let edit = |reason: &'static str, version: &'static str| {
        let app = app.clone();
        async move {
            app.post_form(
                &format!("/sources/{id}"),
                &[
                    ("title", "Llama 3.1 model card (405B)"),
                    ("url", "https://ai.meta.com/llama/?v=1"),
                    ("publisher", "Meta AI"),
                    ("published_on", "2024-07-23"),
                    ("kind", "model_card"),
                    ("tier", "primary"),
                    ("reason", reason),
                    ("base_version", version),
                ],
            )
            .await
        }
    };
    let res = edit("", "1").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "no reason");
    let html = res.text().await.unwrap();
    assert!(texts(&html, "#form-error")[0].contains("reason"), "{html}");
    assert_eq!(attrs(&html, "#field-title", "value"), ["Llama 3.1 model card (405B)"], "the text is kept");
    assert_every_control_labelled(&html);
    assert_eq!(edit("the full name", "1").await.status(), StatusCode::SEE_OTHER);

    let changes = source_changes(&app, id).await;
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].0, "created");
    assert_eq!(changes[1].0, "edited");
    assert_eq!(changes[1].1, "the full name");
    let (before, after) = (changes[1].2.clone().unwrap(), changes[1].3.clone().unwrap());
    assert_eq!(
        (before["title"].as_str(), after["title"].as_str()),
        (Some("Llama 3.1 model card"), Some("Llama 3.1 model card (405B)"))
    );
    assert_eq!((before["publisher"].as_str(), after["publisher"].as_str()), (Some("Meta"), Some("Meta AI")));

    // The page shows its history; recent changes word it and link it.
    let page = app.page(&href).await;
    assert!(texts(&page, "table.changes td").iter().any(|t| t.contains("edited the source")), "{page}");
    let recent = app.page("/recent").await;
    let links = attrs(&recent, "table.changes td a", "href");
    assert!(links.contains(&href), "recent changes link the source: {links:?}");
    assert!(recent.contains("edited the source “Llama 3.1 model card (405B)”"), "{recent}");
    let contributions = app.page("/users/alice").await;
    assert!(contributions.contains("created the source"), "contributions list it");

    // A stale version through the API: 409 with the current source.
    let body = json!({ "title": "Other", "kind": "paper", "tier": "secondary", "reason": "x", "base_version": 1 });
    let res = app.send_json(Method::PUT, &format!("/api/v1/sources/{id}"), &body).await;
    let conflict = expect_json(res, StatusCode::CONFLICT).await;
    assert_eq!(
        (conflict["current"]["version"].as_i64(), conflict["current"]["title"].as_str()),
        (Some(2), Some("Llama 3.1 model card (405B)"))
    );
    assert_eq!(source_changes(&app, id).await.len(), 2, "nothing recorded");
}

#[tokio::test]
async fn a_changed_url_resets_link_health_and_an_empty_one_is_offline() {
    let app = spawn_app().await;
    curator(&app).await;
    let id = api_source(&app, llama("https://ai.meta.com/llama/")).await;
    app.query(move |c| {
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!(
                "UPDATE sources SET link_status = 'dead', last_status_code = 404, consecutive_failures = 5, \
                 next_check_at = now() + interval '1 day' WHERE id = {id}"
            )),
            c,
        )
        .unwrap()
    })
    .await;
    let mut body = llama("https://ai.meta.com/llama-3/");
    body["reason"] = json!("moved");
    body["base_version"] = json!(1);
    expect_json(app.send_json(Method::PUT, &format!("/api/v1/sources/{id}"), &body).await, StatusCode::OK).await;
    let got = app.get_json(&format!("/api/v1/sources/{id}"), StatusCode::OK).await;
    assert_eq!((got["link"]["status"].as_str(), got["link"]["last_status_code"].as_i64()), (Some("unchecked"), None));
    let due: bool = app
        .query(move |c| {
            use agora::db::schema::sources::dsl as s;
            use diesel::prelude::*;
            s::sources.find(id).select(s::next_check_at.le(diesel::dsl::now)).first(c).unwrap()
        })
        .await;
    assert!(due, "checked next");

    let offline = api_source(&app, json!({ "title": "A leaked memo", "kind": "other", "tier": "primary" })).await;
    let got = app.get_json(&format!("/api/v1/sources/{offline}"), StatusCode::OK).await;
    assert_eq!((got["url"].clone(), got["link"]["status"].as_str()), (Value::Null, Some("offline")));
}

#[tokio::test]
async fn a_url_another_source_has_offers_that_source_instead_of_a_duplicate() {
    let app = spawn_app().await;
    curator(&app).await;
    let first = api_source(&app, llama("https://ai.meta.com/llama/")).await;

    // The same page written differently: upper-case host, a tracking parameter, a fragment.
    let res = app.post_json("/api/v1/sources", &llama("https://AI.META.COM/llama/?utm_source=news#top")).await;
    let conflict = expect_json(res, StatusCode::CONFLICT).await;
    assert_eq!(
        conflict["existing"],
        json!({ "id": first, "title": "Llama 3.1 model card", "href": format!("/sources/{first}") })
    );
    assert!(conflict["error"].as_str().unwrap().contains("already"));

    // The form shows again with the text kept and a link to the existing source.
    let res = app
        .post_form(
            "/sources",
            &[
                ("title", "Meta's card"),
                ("url", "https://ai.meta.com/llama/#x"),
                ("publisher", ""),
                ("published_on", ""),
                ("kind", "model_card"),
                ("tier", "primary"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "#form-error a", "href"), [format!("/sources/{first}")]);
    assert_eq!(attrs(&html, "#field-title", "value"), ["Meta's card"]);

    // Editing another source to that address is refused the same way.
    let second = api_source(&app, llama("https://example.org/card")).await;
    let mut body = llama("https://ai.meta.com:443/llama/?utm_medium=x");
    body["reason"] = json!("same");
    body["base_version"] = json!(1);
    let res = app.send_json(Method::PUT, &format!("/api/v1/sources/{second}"), &body).await;
    assert_eq!(expect_json(res, StatusCode::CONFLICT).await["existing"]["id"], first);
    assert_eq!(app.count("sources").await, 2);

    // A race past the first check still ends at the unique index: the same answer, no 500.
    let bodies: Vec<Value> = (0..4).map(|i| llama(&format!("https://race.example.org/p?i=1&utm_id={i}"))).collect();
    let results = futures_util::future::join_all(bodies.iter().map(|b| app.post_json("/api/v1/sources", b))).await;
    let statuses: Vec<StatusCode> = results.iter().map(reqwest::Response::status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
}

#[tokio::test]
async fn only_web_addresses_are_accepted() {
    let app = spawn_app().await;
    curator(&app).await;
    for url in ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x", "not a url"] {
        let message =
            api_error(app.post_json("/api/v1/sources", &llama(url)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(message.to_lowercase().contains("address"), "{url}: {message}");
        let res = app
            .post_form("/sources", &[("title", "T"), ("url", url), ("kind", "article"), ("tier", "secondary")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let html = res.text().await.unwrap();
        assert_eq!(attrs(&html, "#field-url", "value"), [url], "the text is kept");
    }
    let message = api_error(
        app.post_json("/api/v1/sources", &llama("javascript:alert(1)")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(message.contains("javascript"), "{message}");
    assert_eq!(app.count("sources").await, 0);
}

#[tokio::test]
async fn readers_and_curators_of_no_thread_cannot_record_sources() {
    let app = spawn_app().await;
    let alice = app.another_browser();
    curator(&alice).await;
    let id = api_source(&alice, llama("https://ai.meta.com/llama/")).await;

    let rita = app.another_browser();
    rita.login_as("rita", Role::Reader).await;
    assert_eq!(
        rita.post_json("/api/v1/sources", &llama("https://a.example.org/")).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(rita.get("/sources/new").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(rita.get(&format!("/sources/{id}/edit")).await.status(), StatusCode::FORBIDDEN);
    let res =
        rita.post_form("/sources", &[("title", "T"), ("url", ""), ("kind", "article"), ("tier", "secondary")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(texts(&rita.page(&format!("/sources/{id}")).await, "a").iter().all(|t| t != "Edit source"));

    // A curator by role who curates no thread yet.
    let newbie = app.another_browser();
    newbie.login_as("newbie", Role::Curator).await;
    assert_eq!(
        newbie.post_json("/api/v1/sources", &llama("https://b.example.org/")).await.status(),
        StatusCode::FORBIDDEN
    );

    // Moderators curate nothing and may.
    let mona = app.another_browser();
    mona.login_as("mona", Role::Moderator).await;
    assert_eq!(mona.post_json("/api/v1/sources", &llama("https://c.example.org/")).await.status(), StatusCode::CREATED);
    assert_eq!(app.count("sources").await, 2);
}

#[tokio::test]
async fn the_index_pages_by_cursor_through_filtered_sources() {
    let app = spawn_app().await;
    let slug = curator(&app).await;
    // 60 primary papers and 60 opinion essays, interleaved.
    app.query(|c| {
        use agora::db::sources::{SourceFields, insert};
        use agora::domain::thread::{SourceKind, Tier};
        let alice = agora::db::users::by_username(c, "alice").unwrap().unwrap().id;
        for i in 0..120 {
            let (kind, tier) =
                if i % 2 == 0 { (SourceKind::Paper, Tier::Primary) } else { (SourceKind::Essay, Tier::Opinion) };
            let f = SourceFields {
                title: format!("Report number {i}"),
                url: Some(format!("https://example.org/r/{i}")),
                publisher: "Lab".into(),
                published_on: None,
                kind,
                tier,
            };
            insert(c, &f, agora::domain::ids::UserId(alice)).unwrap();
        }
    })
    .await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/sources?tier=primary&kind=paper".to_owned();
    loop {
        let page = app.get_json(&path, StatusCode::OK).await;
        for s in page["sources"].as_array().unwrap() {
            assert_eq!((s["tier"].as_str(), s["kind"].as_str()), (Some("primary"), Some("paper")));
            seen.push(s["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/sources?tier=primary&kind=paper&after={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 60, "every primary paper once");
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats");

    // The page: labelled filters, a next link keeping them.
    let html = app.page("/sources?tier=opinion").await;
    assert_every_control_labelled(&html);
    assert_eq!(texts(&html, "ol.sources li > a").len(), 50);
    let next = attrs(&html, "a[rel=next]", "href");
    assert!(next[0].contains("tier=opinion") && next[0].contains("after="), "{next:?}");
    let html = app.page(&next[0]).await;
    assert_eq!(texts(&html, "ol.sources li > a").len(), 10);
    assert!(attrs(&html, "a[rel=next]", "href").is_empty());
    assert_words_not_codes(&html, "the sources index");

    // The picker's search: title words, or a piece of the address.
    let found = app.get_json("/api/v1/sources?q=number%2017", StatusCode::OK).await;
    assert!(found["sources"].as_array().unwrap().iter().any(|s| s["title"] == "Report number 17"));
    let found = app.get_json("/api/v1/sources?q=example.org/r/11", StatusCode::OK).await;
    let titles: Vec<&str> = found["sources"].as_array().unwrap().iter().filter_map(|s| s["title"].as_str()).collect();
    assert!(titles.contains(&"Report number 11") && titles.contains(&"Report number 119"), "{titles:?}");
    // Filters that are not values are a 400; an unknown thread a 404.
    assert_eq!(app.get("/api/v1/sources?tier=gold").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/api/v1/sources?thread=no-such-thread").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/sources?after=x").await.status(), StatusCode::BAD_REQUEST);
    // The thread filter: what that thread cites (nothing yet).
    let cited = app.get_json(&format!("/api/v1/sources?thread={slug}"), StatusCode::OK).await;
    assert_eq!(cited["sources"].as_array().unwrap().len(), 0);
}

/// Inserts a citation row of `source` in `thread` directly (the save paths fill the table).
async fn cite(app: &TestApp, thread: i64, owner_kind: &'static str, owner: i64, paragraph: i32, source: i64) {
    app.query(move |c| {
        use agora::db::schema::citations::dsl as ct;
        use diesel::prelude::*;
        diesel::insert_into(ct::citations)
            .values((
                ct::thread_id.eq(Some(thread)),
                ct::owner_kind.eq(owner_kind),
                ct::owner_id.eq(owner),
                ct::paragraph.eq(paragraph),
                ct::number.eq(1),
                ct::source_id.eq(Some(source)),
            ))
            .execute(c)
            .unwrap();
    })
    .await;
}

/// The thread's id and the id of each of its revisions, by seq.
async fn revision_ids(app: &TestApp, slug: &str) -> (i64, Vec<(i32, i64)>) {
    let slug = slug.to_owned();
    app.query(move |c| {
        use agora::db::schema::revisions::dsl as r;
        use diesel::prelude::*;
        let thread = agora::db::threads::by_slug(c, &slug).unwrap().id;
        let revs = r::revisions.filter(r::thread_id.eq(thread)).order(r::seq).select((r::seq, r::id)).load(c).unwrap();
        (thread, revs)
    })
    .await
}

#[tokio::test]
async fn what_cites_a_source_is_the_current_revision_and_items_not_older_or_hidden_revisions() {
    let app = spawn_app().await;
    let slug = curator(&app).await;
    let source = api_source(&app, llama("https://ai.meta.com/llama/")).await;
    for (base, body) in [(0, "One.\n\nTwo."), (1, "One.\n\nTwo, cited.\n\nThree, cited.")] {
        app.save_synthesis_ok(&slug, base, body, "edit").await;
    }
    let (thread, revs) = revision_ids(&app, &slug).await;
    let (old, head) = (revs[0].1, revs[1].1);
    cite(&app, thread, "revision", old, 0, source).await;
    cite(&app, thread, "revision", head, 1, source).await;
    cite(&app, thread, "revision", head, 2, source).await;
    let res = app
        .post_json(
            &format!("/api/v1/threads/{slug}/interpretations"),
            &json!({ "title": "Strategic interest", "body": "x" }),
        )
        .await;
    let interpretation = expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap();
    cite(&app, thread, "interpretation", interpretation, 0, source).await;

    // A second thread whose head revision is hidden (set directly: the check, not the restore).
    let hidden_slug = app.create_thread("Hidden thread").await;
    app.save_synthesis_ok(&hidden_slug, 0, "Secret, cited.", "edit").await;
    let (hidden_thread, hidden_revs) = revision_ids(&app, &hidden_slug).await;
    cite(&app, hidden_thread, "revision", hidden_revs[0].1, 0, source).await;
    app.query(move |c| {
        let change = agora::db::changes::of_revision(c, agora::domain::ids::ThreadId(hidden_thread), 1).unwrap().id;
        let alice = agora::db::users::by_username(c, "alice").unwrap().unwrap().id;
        agora::db::changes::set_hidden(c, change, agora::domain::ids::UserId(alice), Some("spam")).unwrap();
    })
    .await;

    let got = app.get_json(&format!("/api/v1/sources/{source}"), StatusCode::OK).await;
    let hrefs: Vec<&str> = got["cited_by"].as_array().unwrap().iter().filter_map(|c| c["href"].as_str()).collect();
    assert_eq!(
        hrefs,
        [
            format!("/threads/{slug}#para-2"),
            format!("/threads/{slug}#para-3"),
            format!("/threads/{slug}#interpretation-{interpretation}"),
        ],
        "the head's paragraphs and the item; not the older revision, not the hidden one"
    );
    let page = app.page(&format!("/sources/{source}")).await;
    assert_eq!(texts(&page, "section.citing h3"), ["Open weights"]);
    assert_eq!(
        texts(&page, "section.citing li a"),
        ["Synthesis, paragraph 2", "Synthesis, paragraph 3", "Interpretation “Strategic interest”"]
    );
    // Moderators see the hidden revision's citation.
    let mona = app.another_browser();
    mona.login_as("mona", Role::Moderator).await;
    let got = mona.get_json(&format!("/api/v1/sources/{source}"), StatusCode::OK).await;
    assert_eq!(got["cited_by"].as_array().unwrap().len(), 4);
    // The thread filter of the index finds it now.
    let cited = app.get_json(&format!("/api/v1/sources?thread={slug}"), StatusCode::OK).await;
    assert_eq!(cited["sources"][0]["id"], source);
}

#[tokio::test]
async fn the_site_search_finds_sources() {
    let app = spawn_app().await;
    curator(&app).await;
    let id = api_source(
        &app,
        json!({ "title": "Frontier safety framework", "publisher": "Google DeepMind",
                                      "kind": "statement", "tier": "primary", "url": "https://deepmind.google/fsf" }),
    )
    .await;
    let found = app.get_json("/api/v1/search?q=frontier%20framework", StatusCode::OK).await;
    let hits = found["results"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["kind"] == "source" && h["id"] == id), "the source is a hit: {found}");
    let page = app.page("/search?q=deepmind").await;
    assert!(attrs(&page, "a", "href").contains(&format!("/sources/{id}")), "{page}");
}

#[tokio::test]
async fn hiding_a_sources_current_version_puts_back_the_one_before() {
    let app = spawn_app().await;
    curator(&app).await;
    let id = api_source(&app, llama("https://ai.meta.com/llama/")).await;
    let mut body = llama("https://ai.meta.com/llama/");
    body["title"] = json!("Vandalized title");
    body["reason"] = json!("vandalism");
    body["base_version"] = json!(1);
    expect_json(app.send_json(Method::PUT, &format!("/api/v1/sources/{id}"), &body).await, StatusCode::OK).await;
    let entry = source_changes_ids(&app, id).await[1];

    let mona = app.another_browser();
    mona.login_as("mona", Role::Moderator).await;
    let res = mona.post_json(&format!("/api/v1/changes/{entry}/hide"), &json!({ "reason": "vandalism" })).await;
    assert!(res.status().is_success(), "hide: {}", res.status());

    let got = app.get_json(&format!("/api/v1/sources/{id}"), StatusCode::OK).await;
    assert_eq!(got["title"], "Llama 3.1 model card", "the version before is shown again");
    let anonymous = app.another_browser();
    let page = anonymous.page(&format!("/sources/{id}")).await;
    assert!(!page.contains("Vandalized"), "the hidden title is nowhere on the page");
}

async fn source_changes_ids(app: &TestApp, id: i64) -> Vec<i64> {
    app.query(move |c| {
        use agora::db::schema::changes::dsl as ch;
        use diesel::prelude::*;
        ch::changes.filter(ch::source_id.eq(id)).order(ch::id).select(ch::id).load(c).unwrap()
    })
    .await
}

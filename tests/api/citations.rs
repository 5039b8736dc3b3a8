//! Claim-level citations: markers in the synthesis, items, events and previews become footnotes
//! at save time, are stored as rows, and drive the support markers and link flags pages show.

use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{attrs, section, texts};

/// Inserts a source directly (the sources pages have their own tests); returns its id.
async fn source(app: &TestApp, title: &str, tier: &str, url: Option<&str>) -> i64 {
    let (title, tier, url) = (title.to_owned(), tier.to_owned(), url.map(str::to_owned));
    app.query(move |c| {
        use agora::db::schema::{sources, users};
        let admin: i64 = users::table.select(users::id).order(users::id).first(c).unwrap();
        diesel::insert_into(sources::table)
            .values((
                sources::title.eq(title),
                sources::publisher.eq("Meta"),
                sources::published_on.eq(chrono::NaiveDate::from_ymd_opt(2023, 7, 18)),
                sources::kind.eq("model_card"),
                sources::tier.eq(tier),
                sources::link_status.eq(if url.is_some() { "unchecked" } else { "offline" }),
                sources::url.eq(url),
                sources::created_by.eq(admin),
            ))
            .returning(sources::id)
            .get_result(c)
            .unwrap()
    })
    .await
}

/// The citation rows of a thread's texts: (owner kind, paragraph, number, source, event).
async fn citation_rows(app: &TestApp) -> Vec<(String, i32, i32, Option<i64>, Option<i64>)> {
    app.query(|c| {
        use agora::db::schema::citations;
        citations::table
            .order(citations::id)
            .select((
                citations::owner_kind,
                citations::paragraph,
                citations::number,
                citations::source_id,
                citations::event_id,
            ))
            .load(c)
            .unwrap()
    })
    .await
}

async fn event_id(app: &TestApp, title: &'static str) -> i64 {
    app.query(move |c| {
        use agora::db::schema::events;
        events::table.filter(events::title.eq(title)).select(events::id).first(c).unwrap()
    })
    .await
}

#[tokio::test]
async fn a_cited_synthesis_shows_numbered_footnotes_with_tier_and_stores_the_citations() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let card = source(&app, "Llama 2 model card", "primary", Some("https://ai.meta.com/llama")).await;
    app.add_event(&slug, "2023-07-18", "Llama 2 released", "landmark").await;
    let event = event_id(&app, "Llama 2 released").await;
    let body = format!("Weights spread fast [^src:{card}].\n\nThen again [^event:{event}] and [^src:{card}].");
    app.save_synthesis_ok(&slug, 0, &body, "cite").await;

    let html = app.page(&format!("/threads/{slug}")).await;
    let prose = format!("{} .prose", section("synthesis"));
    assert_eq!(texts(&html, &format!("{prose} sup.cite > a")), ["1", "2", "1"], "numbered in order of first use");
    let notes = texts(&html, &format!("{prose} .citations li"));
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("Llama 2 model card") && notes[0].contains("Meta, Jul 18, 2023"), "{notes:?}");
    assert!(notes[0].contains("Primary source"), "tier badge: {notes:?}");
    assert!(notes[1].contains("Llama 2 released") && notes[1].contains("Event"), "{notes:?}");
    // The reference links to its footnote on the page, and the card names the source.
    let href = attrs(&html, &format!("{prose} sup.cite > a"), "href")[0].clone();
    let ids = attrs(&html, &format!("{prose} .citations li"), "id");
    assert_eq!(href, format!("#{}", ids[0]));
    assert!(texts(&html, &format!("{prose} .cite-card"))[0].contains("Llama 2 model card"));
    assert!(attrs(&html, &format!("{prose} .citations li a"), "href").contains(&format!("/sources/{card}")));

    let rows = citation_rows(&app).await;
    assert_eq!(
        rows,
        vec![
            ("revision".to_owned(), 0, 1, Some(card), None),
            ("revision".to_owned(), 1, 2, None, Some(event)),
            ("revision".to_owned(), 1, 1, Some(card), None),
        ]
    );
}

#[tokio::test]
async fn a_marker_naming_nothing_is_a_422_that_names_it_and_keeps_the_text() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let body = "A claim [^src:987654] and [^event:x].";
    let res = app.save_synthesis(&slug, 0, body, "bad cite").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("[^src:987654]") && html.contains("names no source"), "{html}");
    assert!(html.contains("“[^event:x]” is not a citation marker"), "{html}");
    assert_eq!(texts(&html, "textarea[name=body]"), [body], "the editor keeps the text");
    assert_eq!(app.count("revisions").await, 0);
    assert_eq!(app.count("citations").await, 0);

    // The JSON API answers the same, and a section item too.
    let res = app.api_save_synthesis(&slug, 0, body, "bad cite").await;
    let error = crate::helpers::api_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(error.contains("[^src:987654]"), "{error}");
    let res = app
        .post_form(
            &format!("/threads/{slug}/interpretations"),
            &[("title", "A reading"), ("body", "Rests on [^src:424242]."), ("proponents", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("interpretations").await, 0);
    // Markers inside code are text, not citations.
    app.save_synthesis_ok(&slug, 0, "Write `[^src:1]` to cite.", "docs").await;
    assert_eq!(app.count("citations").await, 0);
}

#[tokio::test]
async fn paragraphs_without_support_are_marked_and_counted_for_curators_only() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let primary = source(&app, "Model card", "primary", None).await;
    let essay = source(&app, "An essay", "opinion", None).await;
    let body = format!("# Heading\n\nSupported [^src:{primary}].\n\nOnly opinion [^src:{essay}].\n\nNothing cited.");
    app.save_synthesis_ok(&slug, 0, &body, "mixed").await;

    let html = app.page(&format!("/threads/{slug}")).await;
    let prose = format!("{} .prose", section("synthesis"));
    let marks = attrs(&html, &format!("{prose} .support-mark"), "aria-label");
    assert_eq!(marks, ["Cites opinion only", "No citation"], "headings need no citation");
    assert_eq!(attrs(&html, &format!("{prose} .para-anchor"), "id"), ["para-1", "para-2", "para-3", "para-4"]);
    assert_eq!(texts(&html, ".support-count a"), ["2 paragraphs without support"]);
    // The marks are not part of the text a reader reads or copies.
    assert_eq!(texts(&html, &format!("{prose} > p")).last().map(String::as_str), Some("Nothing cited."));

    let reader = app.another_browser();
    reader.login_as("rita", Role::Reader).await;
    let html = reader.page(&format!("/threads/{slug}")).await;
    assert!(texts(&html, ".support-count").is_empty(), "the count is for its editors");
    assert_eq!(attrs(&html, &format!("{prose} .support-mark"), "aria-label").len(), 2, "marks are for everyone");

    // The curator's Following page lists their threads by that count.
    let other = app.create_thread("Is Ceres a planet?").await;
    app.save_synthesis_ok(&other, 0, &format!("All cited [^src:{primary}]."), "cited").await;
    let following = app.page("/following").await;
    let rows = texts(&following, ".curated-list li");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].starts_with("Is Pluto a planet?: 2 paragraphs without support of 3 claim paragraphs"), "{rows:?}");
    assert!(rows[1].starts_with("Is Ceres a planet?: every paragraph supported"), "{rows:?}");
}

#[tokio::test]
async fn dead_and_redirected_cited_links_are_flagged_where_they_are_cited() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let dead = source(&app, "Gone page", "secondary", Some("https://gone.example/")).await;
    let moved = source(&app, "Moved page", "secondary", Some("https://moved.example/")).await;
    app.save_synthesis_ok(&slug, 0, &format!("One [^src:{dead}].\n\nTwo [^src:{moved}]."), "cite").await;
    let res = app
        .post_form(
            &format!("/threads/{slug}/interpretations"),
            &[("title", "A reading"), ("body", &format!("Rests on [^src:{dead}].")), ("proponents", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.query(move |c| {
        use agora::db::schema::{sources, threads};
        for (id, status) in [(dead, "dead"), (moved, "redirected")] {
            diesel::update(sources::table.find(id)).set(sources::link_status.eq(status)).execute(c).unwrap();
        }
        // The link checker refreshes the pages citing a source whose status changed.
        diesel::update(threads::table).set(threads::version.eq(threads::version + 1)).execute(c).unwrap();
    })
    .await;

    let html = app.page(&format!("/threads/{slug}")).await;
    let prose = format!("{} .prose", section("synthesis"));
    assert_eq!(
        attrs(&html, &format!("{prose} .support-mark"), "aria-label"),
        ["Cites a dead link", "Cites a redirected link"]
    );
    let flags = texts(&html, &format!("{} .link-flags li", section("synthesis")));
    assert_eq!(flags, ["Dead link Gone page", "Redirected link Moved page"]);
    let item_flags = texts(&html, &format!("{} .link-flags li", section("interpretations")));
    assert_eq!(item_flags, ["Dead link Gone page"]);
}

#[tokio::test]
async fn items_questions_and_events_cite_and_replace_their_citations_when_edited() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let a = source(&app, "Source A", "primary", None).await;
    let b = source(&app, "Source B", "opinion", None).await;
    let res = app
        .post_form(&format!("/threads/{slug}/questions"), &[("question", &format!("Does it hold [^src:{a}]?"))])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", location(&res));
    let res = app
        .post_form(
            &format!("/threads/{slug}/interpretations"),
            &[("title", "Reading"), ("body", &format!("Because [^src:{b}].")), ("proponents", "Ann")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&html, &format!("{} .q-text sup.cite > a", section("questions"))), ["1"]);
    assert_eq!(
        attrs(&html, &format!("{} .support-mark", section("interpretations")), "aria-label"),
        ["Cites opinion only"]
    );

    // Editing the interpretation replaces its citations.
    let id = app
        .query(|c| {
            use agora::db::schema::interpretations;
            interpretations::table
                .select((interpretations::id, interpretations::version))
                .first::<(i64, i32)>(c)
                .unwrap()
        })
        .await;
    let res = app
        .post_form(
            &format!("/threads/{slug}/interpretations/{}", id.0),
            &[
                ("title", "Reading"),
                ("body", &format!("Because [^src:{a}].")),
                ("proponents", "Ann"),
                ("base_version", &id.1.to_string()),
                ("reason", "better source"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let rows = citation_rows(&app).await;
    let kinds: Vec<(&str, Option<i64>)> = rows.iter().map(|r| (r.0.as_str(), r.3)).collect();
    assert_eq!(kinds, [("question", Some(a)), ("interpretation", Some(a))]);
    let html = app.page(&format!("/threads/{slug}")).await;
    assert!(attrs(&html, &format!("{} .support-mark", section("interpretations")), "aria-label").is_empty());

    // An event's description cites too (filed under no thread: events are shared).
    let fields = [
        ("date", "2024-03-13"),
        ("title", "AI Act passed"),
        ("significance", "landmark"),
        ("url", ""),
        ("body", &format!("See [^src:{a}].")),
    ];
    let res = app.post_form(&format!("/threads/{slug}/events"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let event = event_id(&app, "AI Act passed").await;
    let page = app.page(&format!("/events/{event}")).await;
    assert!(texts(&page, ".citations li").iter().any(|t| t.contains("Source A")), "{page}");
    assert_eq!(citation_rows(&app).await.len(), 3);
}

#[tokio::test]
async fn reverting_and_the_since_summary_follow_the_citations() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let a = source(&app, "Source A", "primary", None).await;
    app.save_synthesis_ok(&slug, 0, "Plain text.", "first").await;
    let reader = app.another_browser();
    reader.login_as("rita", Role::Reader).await;
    reader.follow("rita", &slug).await;
    reader.page(&format!("/threads/{slug}")).await;

    app.save_synthesis_ok(&slug, 1, &format!("Plain text [^src:{a}] [^src:{a}]."), "cite twice").await;
    let html = reader.page(&format!("/threads/{slug}")).await;
    let summary = texts(&html, ".since p").join(" ");
    assert!(summary.contains("2 new citations"), "{summary}");

    // Reverting to the uncited text stores its (no) citations; reverting back restores them.
    let res = app
        .post_form(&format!("/threads/{slug}/revisions/1/revert"), &[("base_seq", "2"), ("reason", "undo cites")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(&format!("/threads/{slug}/revisions/2/revert"), &[("base_seq", "3"), ("reason", "redo cites")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let per_revision: Vec<i64> = app
        .query(|c| {
            use agora::db::schema::{citations, revisions};
            revisions::table
                .order(revisions::seq)
                .select(revisions::id)
                .load::<i64>(c)
                .unwrap()
                .into_iter()
                .map(|id| {
                    citations::table
                        .filter(citations::owner_kind.eq("revision").and(citations::owner_id.eq(id)))
                        .count()
                        .get_result(c)
                        .unwrap()
                })
                .collect()
        })
        .await;
    assert_eq!(per_revision, [0, 2, 0, 2]);
}

#[tokio::test]
async fn the_preview_renders_footnotes_and_refuses_unknown_markers() {
    let app = spawn_app().await;
    app.curated_thread().await;
    let a = source(&app, "Source A", "secondary", None).await;
    let res = app.post_form("/preview", &[("body", &format!("Claim [^src:{a}]."))]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("class=\"citations\"") && html.contains("Source A"), "{html}");
    let res = app.post_form("/preview", &[("body", "Claim [^src:999999].")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_api_lists_what_a_threads_current_texts_cite() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let a = source(&app, "Source A", "opinion", None).await;
    app.save_synthesis_ok(&slug, 0, &format!("One.\n\nTwo [^src:{a}]."), "cite").await;
    let body = app.get_json(&format!("/api/v1/threads/{slug}/citations"), StatusCode::OK).await;
    let rows = body["citations"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["in_kind"], "revision");
    assert_eq!(rows[0]["paragraph"], 1);
    assert_eq!(rows[0]["number"], 1);
    assert_eq!(rows[0]["cites"], "source");
    assert_eq!(rows[0]["id"], a);
    assert_eq!(rows[0]["tier"], "opinion");
    assert_eq!(rows[0]["link_status"], "offline");
    assert_eq!(rows[0]["href"], format!("/sources/{a}"));
    // An older revision's citations are not the thread's current ones.
    app.save_synthesis_ok(&slug, 1, "One.\n\nTwo.", "uncite").await;
    let body = app.get_json(&format!("/api/v1/threads/{slug}/citations"), StatusCode::OK).await;
    assert_eq!(body["citations"].as_array().unwrap().len(), 0, "{body}");
    app.get_json("/api/v1/threads/no-such-thread/citations", StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_text_with_more_markers_than_one_statement_can_bind_is_saved_whole() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let a = source(&app, "Source A", "primary", None).await;
    // 10 000 rows of 7 parameters each are more than PostgreSQL's 65 535 per statement, and
    // one paragraph of thousands of markers must not join its pieces in quadratic time.
    let body = vec![format!("Claim [^src:{a}]."); 10_000].join(" ");
    let res = app.api_save_synthesis(&slug, 0, &body, "many").await;
    let status = res.status();
    assert_eq!(status, StatusCode::CREATED, "{}", res.text().await.unwrap());
    assert_eq!(app.count("citations").await, 10_000);
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&html, &format!("{} .prose .citations li", section("synthesis"))).len(), 1);
}

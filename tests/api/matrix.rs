//! Tests: the interpretation × event matrix (issue 16, items 11 and 12): the page, one form per
//! cell with optimistic locking, who may assess, the changelog, decisive events, interpretations
//! without support, the thread page's summary, and the API.

use agora::domain::roles::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, location, new_client, spawn_app};
use crate::pages::{assert_every_control_labelled, assert_words_not_codes, attrs, texts};

/// A thread curated by `cora` (logged in on the returned browser) with interpretations
/// "Democratization reading", "Strategic interest" and "Safety first" and three events added
/// out of date order: "GPT-4 release" (2023-03-14), "Llama 2 weights" (2023-07-18) and
/// "EU AI Act" (2024-05-21).
struct Fixture {
    cora: TestApp,
    slug: String,
    /// Interpretations in page order.
    readings: [i64; 3],
    /// Events: GPT-4, Llama 2, EU AI Act.
    events: [i64; 3],
}

async fn fixture(app: &TestApp) -> Fixture {
    let cora = app.browser_as("cora", Role::Curator).await;
    let slug = cora.api_create_thread("Open weights").await;
    let mut readings = [0; 3];
    for (n, title) in ["Democratization reading", "Strategic interest", "Safety first"].into_iter().enumerate() {
        let res = cora
            .post_json(&format!("/api/v1/threads/{slug}/interpretations"), &json!({ "title": title, "body": "Why." }))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "add {title}");
        readings[n] = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    }
    let mut events = [0; 3];
    for (n, date, title) in
        [(2, "2024-05-21", "EU AI Act"), (0, "2023-03-14", "GPT-4 release"), (1, "2023-07-18", "Llama 2 weights")]
    {
        let body = json!({ "date": date, "title": title, "significance": "major", "body": "" });
        let res = cora.post_json(&format!("/api/v1/threads/{slug}/events"), &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "add {title}");
        events[n] = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    }
    Fixture { cora, slug, readings, events }
}

fn cell_path(slug: &str, reading: i64, event: i64) -> String {
    format!("/threads/{slug}/matrix/{reading}/{event}")
}

/// Assesses a cell through the API, expecting `status`; returns the answer.
async fn put(browser: &TestApp, f: &Fixture, r: usize, e: usize, body: Value, status: StatusCode) -> Value {
    let path = format!("/api/v1{}", cell_path(&f.slug, f.readings[r], f.events[e]));
    let res = browser.send_json(Method::PUT, &path, &body).await;
    assert_eq!(res.status(), status, "PUT {path} {body}");
    res.json().await.unwrap()
}

async fn assess(f: &Fixture, r: usize, e: usize, assessment: &str) {
    put(&f.cora, f, r, e, json!({ "assessment": assessment, "base_version": 0 }), StatusCode::OK).await;
}

/// The value of the form control named `name`.
fn value_of(html: &str, name: &str) -> String {
    attrs(html, &format!("input[name={name}]"), "value").pop().unwrap_or_default()
}

#[tokio::test]
async fn the_page_lists_events_by_date_as_rows_and_interpretations_as_columns() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let anonymous = new_client().get(format!("{}/threads/{}/matrix", app.address, f.slug)).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::OK);
    let html = anonymous.text().await.unwrap();
    assert_eq!(texts(&html, "table.matrix caption").len(), 1, "the table has a caption");
    assert_eq!(
        texts(&html, "table.matrix th[scope=col]"),
        [
            "Event",
            "Democratization reading no supporting event",
            "Strategic interest no supporting event",
            "Safety first no supporting event"
        ]
    );
    assert_eq!(
        texts(&html, "table.matrix th[scope=row] a"),
        ["GPT-4 release", "Llama 2 weights", "EU AI Act"],
        "rows in date order, not the order they were added"
    );
    assert_eq!(attrs(&html, "table.matrix th[scope=row] time", "datetime"), ["2023-03-14", "2023-07-18", "2024-05-21"]);
    let anchor = format!("cell-{}-{}", f.readings[1], f.events[2]);
    assert_eq!(texts(&html, &format!("td#{anchor} .assessment-label")), ["○ Not assessed"]);
    assert!(attrs(&html, "a.matrix-edit", "href").is_empty(), "anonymous visitors get no edit links");
    assert_words_not_codes(&html, "the matrix page");

    let html = f.cora.page(&format!("/threads/{}/matrix", f.slug)).await;
    let links = attrs(&html, "a.matrix-edit", "href");
    assert_eq!(links.len(), 9, "one edit link per cell for a curator");
    assert!(links.contains(&format!("{}/edit", cell_path(&f.slug, f.readings[1], f.events[2]))));
}

#[tokio::test]
async fn a_cell_is_assessed_then_edited_and_a_stale_edit_is_a_conflict_that_keeps_the_text() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let path = cell_path(&f.slug, f.readings[0], f.events[0]);
    let form = f.cora.page(&format!("{path}/edit")).await;
    assert_every_control_labelled(&form);
    assert_eq!(value_of(&form, "base_version"), "0", "a cell not assessed yet is version 0");

    let res = f
        .cora
        .post_form(
            &path,
            &[("assessment", "supports"), ("note", "Weights *for all*"), ("reason", ""), ("base_version", "0")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{}/matrix#cell-{}-{}", f.slug, f.readings[0], f.events[0]));
    let page = f.cora.page(&format!("/threads/{}/matrix", f.slug)).await;
    let cell = format!("td#cell-{}-{}", f.readings[0], f.events[0]);
    assert_eq!(texts(&page, &format!("{cell} .assessment-label")), ["▲ Supports"]);
    assert_eq!(texts(&page, &format!("{cell} .matrix-note em")), ["for all"], "the note is rendered");

    let form = f.cora.page(&format!("{path}/edit")).await;
    assert_eq!(value_of(&form, "base_version"), "1");
    assert_eq!(value_of(&form, "note"), "Weights *for all*");
    let res =
        f.cora.post_form(&path, &[("assessment", "neutral"), ("note", "On reflection"), ("base_version", "1")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // A second editor still on version 1.
    let res = f
        .cora
        .post_form(&path, &[("assessment", "undercuts"), ("note", "My stale words"), ("base_version", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert_eq!(value_of(&html, "note"), "My stale words", "the author's text is kept");
    assert_eq!(attrs(&html, "option[selected]", "value"), ["undercuts"]);
    assert_eq!(value_of(&html, "base_version"), "2", "saving again goes over the current version");
    assert!(html.contains("Neutral, with the note “On reflection”"), "the current value is shown");
    let api = f.cora.get_json(&format!("/api/v1/threads/{}/matrix", f.slug), StatusCode::OK).await;
    assert_eq!(api["cells"][0]["assessment"], "neutral", "the stale edit changed nothing");

    // Invalid input comes back with the text kept.
    let long = "x".repeat(301);
    let res = f.cora.post_form(&path, &[("assessment", "supports"), ("note", &long), ("base_version", "2")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(value_of(&res.text().await.unwrap(), "note"), long);
    let res = f.cora.post_form(&path, &[("assessment", "maybe"), ("note", "kept"), ("base_version", "2")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_api_assesses_a_cell_and_answers_a_stale_edit_with_the_current_cell() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // A note cites like any text: a marker naming no source is refused, naming it.
    let refused = put(
        &f.cora,
        &f,
        1,
        2,
        json!({ "assessment": "undercuts", "note": "See [^src:987654]", "base_version": 0 }),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(refused["error"].as_str().unwrap().contains("[^src:987654]"), "{refused}");
    let res =
        f.cora.post_json("/api/v1/sources", &json!({ "title": "A report", "kind": "paper", "tier": "primary" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let source = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let created = put(
        &f.cora,
        &f,
        1,
        2,
        json!({ "assessment": "undercuts", "note": format!("See [^src:{source}]"), "base_version": 0 }),
        StatusCode::OK,
    )
    .await;
    assert_eq!((created["version"].as_i64(), created["assessment"].as_str()), (Some(1), Some("undercuts")));
    assert!(created["note_html"].as_str().unwrap().contains("A report"), "{created}");
    assert_eq!(app.count("citations").await, 1, "the note's citation is stored");
    assert_eq!(created["assessment_label"], "Undercuts");
    let conflict = put(
        &f.cora,
        &f,
        1,
        2,
        json!({ "assessment": "supports", "note": "Mine", "base_version": 0 }),
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(conflict["current"]["version"], 1);
    assert_eq!(conflict["current"]["assessment"], "undercuts");
    assert_eq!(
        (conflict["your_assessment"].as_str(), conflict["your_note"].as_str()),
        (Some("supports"), Some("Mine"))
    );
    let edited = put(
        &f.cora,
        &f,
        1,
        2,
        json!({ "assessment": "supports", "note": "Mine", "base_version": 1, "reason": "new paper" }),
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["version"], 2);
    let bad = put(
        &f.cora,
        &f,
        1,
        2,
        json!({ "assessment": "strongly", "base_version": 2 }),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(bad["error"].as_str().unwrap().contains("assessment"), "{bad}");
    put(
        &f.cora,
        &f,
        1,
        2,
        json!({ "assessment": "supports", "note": "two\nlines", "base_version": 2 }),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    let matrix = f.cora.get_json(&format!("/api/v1/threads/{}/matrix", f.slug), StatusCode::OK).await;
    let ids = |key: &str| matrix[key].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids("events"), [f.events[0], f.events[1], f.events[2]]);
    assert_eq!(ids("interpretations"), f.readings);
    assert_eq!(matrix["cells"].as_array().unwrap().len(), 1);
    assert_eq!(matrix["cells"][0]["note_html"], "<p>Mine</p>\n");
}

#[tokio::test]
async fn an_event_or_interpretation_of_another_thread_is_not_found() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let other = f.cora.api_create_thread("Another thread").await;
    let body = json!({ "date": "2020-01-01", "title": "Elsewhere", "significance": "notable", "body": "" });
    let res = f.cora.post_json(&format!("/api/v1/threads/{other}/events"), &body).await;
    let foreign_event = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let res = f
        .cora
        .post_json(&format!("/api/v1/threads/{other}/interpretations"), &json!({ "title": "Foreign", "body": "" }))
        .await;
    let foreign_reading = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for (reading, event) in [(f.readings[0], foreign_event), (foreign_reading, f.events[0]), (f.readings[0], 999_999)] {
        let path = cell_path(&f.slug, reading, event);
        assert_eq!(f.cora.get(&format!("{path}/edit")).await.status(), StatusCode::NOT_FOUND, "{path}");
        let res = f.cora.post_form(&path, &[("assessment", "supports"), ("base_version", "0")]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "POST {path}");
        let res = f
            .cora
            .send_json(Method::PUT, &format!("/api/v1{path}"), &json!({ "assessment": "supports", "base_version": 0 }))
            .await;
        api_error(res, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(app.count("matrix_cells").await, 0);
}

#[tokio::test]
async fn readers_and_curators_of_other_threads_are_refused_moderators_allowed_and_locks_hold() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let body = json!({ "assessment": "supports", "base_version": 0 });
    let rita = app.browser_as("rita", Role::Reader).await;
    let otto = app.browser_as("otto", Role::Curator).await;
    for who in [&rita, &otto] {
        put(who, &f, 0, 0, body.clone(), StatusCode::FORBIDDEN).await;
        let path = cell_path(&f.slug, f.readings[0], f.events[0]);
        assert_eq!(who.get(&format!("{path}/edit")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            who.post_form(&path, &[("assessment", "supports"), ("base_version", "0")]).await.status(),
            StatusCode::FORBIDDEN
        );
        assert!(attrs(&who.page(&format!("/threads/{}/matrix", f.slug)).await, "a.matrix-edit", "href").is_empty());
    }
    assert_eq!(app.count("matrix_cells").await, 0);
    let mona = app.browser_as("mona", Role::Moderator).await;
    put(&mona, &f, 0, 0, body.clone(), StatusCode::OK).await;

    let res = mona.post_json(&format!("/api/v1/threads/{}/lock", f.slug), &json!({ "reason": "edit war" })).await;
    assert!(res.status().is_success(), "lock: {}", res.status());
    let refused = put(&f.cora, &f, 1, 0, body.clone(), StatusCode::FORBIDDEN).await;
    assert!(refused["error"].as_str().unwrap().contains("locked"), "{refused}");
    assert!(attrs(&f.cora.page(&format!("/threads/{}/matrix", f.slug)).await, "a.matrix-edit", "href").is_empty());
    put(&mona, &f, 1, 0, body, StatusCode::OK).await;
}

#[tokio::test]
async fn every_change_is_a_changelog_entry_with_before_and_after_in_the_threads_history() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    put(&f.cora, &f, 0, 0, json!({ "assessment": "supports", "note": "Open", "base_version": 0 }), StatusCode::OK)
        .await;
    put(
        &f.cora,
        &f,
        0,
        0,
        json!({ "assessment": "undercuts", "note": "Open", "base_version": 1, "reason": "re-read" }),
        StatusCode::OK,
    )
    .await;
    // Saving the same again records nothing.
    put(&f.cora, &f, 0, 0, json!({ "assessment": "undercuts", "note": "Open", "base_version": 2 }), StatusCode::OK)
        .await;
    let changes = f.cora.api_thread_changes(&f.slug).await;
    let matrix: Vec<&Value> = changes.iter().filter(|c| c["kind"] == "matrix").collect();
    assert_eq!(matrix.len(), 2, "{changes:?}");
    let (edit, first) = (matrix[0], matrix[1]);
    assert_eq!(first["action"], "assessed");
    assert_eq!(first["subject"], "“GPT-4 release” × “Democratization reading”");
    assert_eq!(first["before"], Value::Null);
    assert_eq!(first["after"], json!({ "assessment": "supports", "note": "Open" }));
    assert_eq!(edit["before"], json!({ "assessment": "supports", "note": "Open" }));
    assert_eq!(edit["after"], json!({ "assessment": "undercuts", "note": "Open" }));
    assert_eq!(edit["reason"], "re-read");

    let history = app.another_browser().page(&format!("/threads/{}/history?kind=matrix", f.slug)).await;
    assert!(
        history.contains("assessed “GPT-4 release” as supporting “Democratization reading”"),
        "the history words the first assessment"
    );
    assert!(history.contains("assessed “GPT-4 release” as undercutting “Democratization reading”"));
    assert_words_not_codes(&history, "the history of the matrix");
    let recent = app.another_browser().page("/recent").await;
    assert!(recent.contains("as undercutting “Democratization reading”"), "recent changes list it");
}

#[tokio::test]
async fn decisive_events_and_interpretations_without_support_are_computed_and_summarized() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let api = format!("/api/v1/threads/{}/matrix", f.slug);
    let matrix_of = || f.cora.get_json(&api, StatusCode::OK);
    // None assessed: nothing decisive, every reading unsupported.
    let m = matrix_of().await;
    assert_eq!(m["decisive_events"], json!([]));
    assert_eq!(m["unsupported_interpretations"], json!(f.readings));
    let summary = agora::ops::matrix::summary(&app.pool, f.slug.clone()).await.unwrap().unwrap();
    assert_eq!(summary.sentence, "No event is assessed against the interpretations yet.");

    // Some: GPT-4 supports the first reading and undercuts the second (decisive); Llama 2
    // supports the first and is neutral to the second (not decisive); the EU AI Act undercuts
    // the third only.
    assess(&f, 0, 0, "supports").await;
    assess(&f, 1, 0, "undercuts").await;
    assess(&f, 0, 1, "supports").await;
    assess(&f, 1, 1, "neutral").await;
    assess(&f, 2, 2, "undercuts").await;
    let m = matrix_of().await;
    assert_eq!(m["decisive_events"], json!([f.events[0]]));
    assert_eq!(m["unsupported_interpretations"], json!([f.readings[1], f.readings[2]]));
    let summary = agora::ops::matrix::summary(&app.pool, f.slug.clone()).await.unwrap().unwrap();
    assert_eq!(
        summary.sentence,
        "1 decisive event; “Strategic interest” and “Safety first” have no supporting event yet."
    );
    assert_eq!(summary.href, Some(format!("/threads/{}/matrix", f.slug)));

    let html = app.another_browser().page(&format!("/threads/{}/matrix", f.slug)).await;
    assert_eq!(attrs(&html, "tr.decisive", "id"), [format!("event-{}", f.events[0])]);
    assert_eq!(
        texts(&html, "p.matrix-summary"),
        [summary.sentence.as_str()],
        "the page says what the thread page says"
    );
    assert_eq!(texts(&html, "h2 + ul li a"), ["Mar 14, 2023: GPT-4 release"]);

    // Every reading supported, a second decisive event.
    assess(&f, 1, 2, "supports").await;
    assess(&f, 2, 1, "supports").await;
    put(&f.cora, &f, 0, 2, json!({ "assessment": "undercuts", "base_version": 0 }), StatusCode::OK).await;
    let summary = agora::ops::matrix::summary(&app.pool, f.slug.clone()).await.unwrap().unwrap();
    assert_eq!(summary.sentence, "2 decisive events; every interpretation has a supporting event.");

    // A thread without interpretations has no matrix summary.
    let bare = f.cora.api_create_thread("Bare thread").await;
    assert!(agora::ops::matrix::summary(&app.pool, bare).await.unwrap().is_none());
}

#[tokio::test]
async fn hiding_the_entry_of_a_cells_current_version_puts_back_the_newest_visible_one() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    put(
        &f.cora,
        &f,
        0,
        0,
        json!({ "assessment": "supports", "note": "First words", "base_version": 0 }),
        StatusCode::OK,
    )
    .await;
    put(
        &f.cora,
        &f,
        0,
        0,
        json!({ "assessment": "undercuts", "note": "Libel here", "base_version": 1 }),
        StatusCode::OK,
    )
    .await;
    put(
        &f.cora,
        &f,
        1,
        1,
        json!({ "assessment": "neutral", "note": "Only version", "base_version": 0 }),
        StatusCode::OK,
    )
    .await;
    let entries: Vec<i64> = f
        .cora
        .api_thread_changes(&f.slug)
        .await
        .iter()
        .filter(|c| c["kind"] == "matrix")
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let (only, libel) = (entries[0], entries[1]);
    let mona = app.browser_as("mona", Role::Moderator).await;
    for id in [libel, only] {
        let res = mona.post_json(&format!("/api/v1/changes/{id}/hide"), &json!({ "reason": "libel" })).await;
        assert!(res.status().is_success(), "hide {id}: {}", res.status());
    }
    let m = f.cora.get_json(&format!("/api/v1/threads/{}/matrix", f.slug), StatusCode::OK).await;
    let cell = |r: usize, e: usize| {
        m["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["interpretation_id"] == f.readings[r] && c["event_id"] == f.events[e])
            .unwrap()
            .clone()
    };
    assert_eq!(
        (cell(0, 0)["assessment"].as_str(), cell(0, 0)["note"].as_str()),
        (Some("supports"), Some("First words"))
    );
    assert_eq!((cell(1, 1)["assessment"].as_str(), cell(1, 1)["note"].as_str()), (Some("not_assessed"), Some("")));
    let page = app.another_browser().page(&format!("/threads/{}/matrix", f.slug)).await;
    assert!(!page.contains("Libel here") && !page.contains("Only version"), "hidden notes leave the page");
}

#[tokio::test]
async fn the_thread_page_summarizes_the_matrix_and_links_it_and_follows_each_save() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let thread = format!("/threads/{}", f.slug);
    let visitor = app.another_browser();
    let page = visitor.page(&thread).await;
    assert_eq!(
        texts(&page, "p.matrix-summary"),
        ["No event is assessed against the interpretations yet. See the evidence matrix"]
    );
    assert_eq!(attrs(&page, "p.matrix-summary a", "href"), [format!("{thread}/matrix")]);
    assess(&f, 0, 0, "supports").await;
    assess(&f, 1, 0, "undercuts").await;
    // The cached page follows the save (it bumps the thread's version).
    let page = visitor.page(&thread).await;
    assert_eq!(
        texts(&page, "p.matrix-summary"),
        [
            "1 decisive event; “Strategic interest” and “Safety first” have no supporting event yet. See the evidence matrix"
        ]
    );
    let bare = f.cora.api_create_thread("Bare thread").await;
    assert!(texts(&visitor.page(&format!("/threads/{bare}")).await, "p.matrix-summary").is_empty());
}

//! Tests: many editors saving at once from the same base — exactly one wins, nobody's text is lost.

use agora::domain::roles::Role;
use futures_util::future::join_all;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};
use crate::pages::texts;

const EDITORS: usize = 50;

/// A form's fields.
type Fields = &'static [(&'static str, &'static str)];

/// Sends `EDITORS` form posts at once, each with its own text; returns (status, page) per editor.
async fn race(
    app: &TestApp,
    path: &str,
    fields_for: impl Fn(usize) -> Vec<(String, String)>,
) -> Vec<(StatusCode, String)> {
    let token = app.csrf_token().await;
    let requests = (0..EDITORS).map(|i| {
        let mut fields = fields_for(i);
        fields.push(("csrf_token".to_owned(), token.clone()));
        let request = app.client.post(format!("{}{path}", app.address)).form(&fields);
        async move {
            let res = request.send().await.unwrap();
            let status = res.status();
            (status, res.text().await.unwrap())
        }
    });
    join_all(requests).await
}

/// Whether exactly one of the racing requests won (answered `won`) and every other one was
/// refused with 409 Conflict — not merely "did not win"; the winner's index if so.
fn one_winner_and_conflicts(statuses: &[StatusCode], won: StatusCode) -> Result<usize, String> {
    let neither: Vec<(usize, StatusCode)> =
        statuses.iter().copied().enumerate().filter(|(_, s)| *s != won && *s != StatusCode::CONFLICT).collect();
    if !neither.is_empty() {
        return Err(format!("every request that did not win is a 409 Conflict; these were not: {neither:?}"));
    }
    let winners: Vec<usize> = statuses.iter().enumerate().filter(|(_, s)| **s == won).map(|(i, _)| i).collect();
    match winners[..] {
        [winner] => Ok(winner),
        _ => Err(format!("exactly one request wins ({won}); these did: {winners:?}")),
    }
}

/// Checks a race of form posts: one editor's save went through (a redirect) and every other
/// editor got the form back as a conflict, told so, holding their own text; returns the winner.
fn one_saved_and_the_rest_keep_their_text(
    results: &[(StatusCode, String)],
    text_of: impl Fn(usize) -> String,
) -> usize {
    let statuses: Vec<StatusCode> = results.iter().map(|(s, _)| *s).collect();
    let winner = one_winner_and_conflicts(&statuses, StatusCode::SEE_OTHER).unwrap();
    for (i, (_, page)) in results.iter().enumerate().filter(|(i, _)| *i != winner) {
        assert_eq!(texts(page, "textarea[name=body]"), [text_of(i)], "editor {i} keeps their text");
        assert_eq!(texts(page, "[role=alert]").len(), 1, "editor {i} is told of the conflict");
    }
    winner
}

#[test]
fn the_race_check_fails_when_a_request_that_did_not_win_is_not_a_conflict() {
    let mut statuses = vec![StatusCode::CONFLICT; EDITORS];
    statuses[7] = StatusCode::SEE_OTHER;
    assert_eq!(one_winner_and_conflicts(&statuses, StatusCode::SEE_OTHER), Ok(7));
    for loser in [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::OK, StatusCode::SEE_OTHER] {
        statuses[3] = loser;
        assert!(one_winner_and_conflicts(&statuses, StatusCode::SEE_OTHER).is_err(), "{loser} beside the winner");
    }
    let no_winner = vec![StatusCode::CONFLICT; EDITORS];
    assert!(one_winner_and_conflicts(&no_winner, StatusCode::SEE_OTHER).is_err(), "nobody won");
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[tokio::test]
async fn fifty_synthesis_saves_from_one_base_make_one_revision_and_forty_nine_conflicts() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Race").await;
    assert_eq!(app.save_synthesis(&slug, 0, "The base text.", "base").await.status(), StatusCode::SEE_OTHER);

    let results = race(&app, &format!("/threads/{slug}/synthesis"), |i| {
        owned(&[("base_seq", "1"), ("body", &format!("Editor {i} rewrote this.")), ("summary", "mine")])
    })
    .await;

    one_saved_and_the_rest_keep_their_text(&results, |i| format!("Editor {i} rewrote this."));
    assert_eq!(app.count("revisions").await, 2);
}

#[tokio::test]
async fn fifty_api_saves_from_one_base_make_one_revision_and_return_every_text() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Race over JSON").await;
    let token = app.csrf_token().await;
    let path = format!("{}/api/v1/threads/{slug}/synthesis", app.address);
    let saves = (0..EDITORS).map(|i| {
        let request = app.client.post(&path).header("X-CSRF-Token", &token).json(&serde_json::json!({
            "base_seq": 0, "body": format!("Text {i}"), "summary": ""
        }));
        async move {
            let res = request.send().await.unwrap();
            (res.status(), res.json::<serde_json::Value>().await.unwrap())
        }
    });
    let results = join_all(saves).await;
    let statuses: Vec<StatusCode> = results.iter().map(|(s, _)| *s).collect();
    let winner = one_winner_and_conflicts(&statuses, StatusCode::CREATED).unwrap();
    // Every other answer is a conflict that hands the loser's own text back.
    for (i, (_, body)) in results.iter().enumerate().filter(|(i, _)| *i != winner) {
        assert_eq!(body["yours"], format!("Text {i}"), "editor {i} keeps their text");
        assert_eq!(body["current"]["seq"], 1, "editor {i} sees the winning revision");
        assert_eq!(body["current"]["body_markdown"], format!("Text {winner}"), "editor {i}");
    }
    assert_eq!(app.count("revisions").await, 1);
}

#[tokio::test]
async fn fifty_edits_of_one_interpretation_from_one_version_keep_one_and_return_the_rest() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Readings race").await;
    let res = app
        .post_form(
            &format!("/threads/{slug}/interpretations"),
            &[("title", "Reading"), ("body", "v1"), ("proponents", "A")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = app
        .query(|c| {
            use agora::db::schema::interpretations::dsl::*;
            use diesel::prelude::*;
            interpretations.select(id).first(c).unwrap()
        })
        .await;

    let results = race(&app, &format!("/threads/{slug}/interpretations/{id}"), |i| {
        owned(&[
            ("title", "Reading"),
            ("body", &format!("Version by editor {i}")),
            ("proponents", "A"),
            ("base_version", "1"),
        ])
    })
    .await;

    let winner = one_saved_and_the_rest_keep_their_text(&results, |i| format!("Version by editor {i}"));
    let (body, version): (String, i32) = app
        .query(move |c| {
            use agora::db::schema::interpretations::dsl::*;
            use diesel::prelude::*;
            interpretations.find(id).select((body_md, version)).first(c).unwrap()
        })
        .await;
    assert_eq!(body, format!("Version by editor {winner}"));
    assert_eq!(version, 2);
}

#[tokio::test]
async fn a_stale_edit_of_any_section_item_conflicts_and_can_then_be_saved_knowingly() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Second try").await;
    let kinds: [(&str, &str, Fields); 4] = [
        ("arc", "arc_periods", &[("label", "2024"), ("title", "T"), ("body", "B")]),
        ("interpretations", "interpretations", &[("title", "T"), ("body", "B"), ("proponents", "P")]),
        ("questions", "open_questions", &[("question", "Q?")]),
        ("controversies", "controversies", &[("title", "T"), ("body", "B")]),
    ];
    for (kind, table, fields) in kinds {
        assert_eq!(app.post_form(&format!("/threads/{slug}/{kind}"), fields).await.status(), StatusCode::SEE_OTHER);
        let id = app.count(table).await; // the only row of a fresh table has id 1
        let path = format!("/threads/{slug}/{kind}/{id}");
        fn edit<'a>(fields: &[(&'a str, &'a str)], base: &'a str) -> Vec<(&'a str, &'a str)> {
            let mut f = fields.to_vec();
            f.push(("base_version", base));
            f
        }
        assert_eq!(
            app.post_form(&path, &edit(fields, "1")).await.status(),
            StatusCode::SEE_OTHER,
            "{kind}: first edit"
        );
        let res = app.post_form(&path, &edit(fields, "1")).await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "{kind}: stale edit");
        let page = res.text().await.unwrap();
        let base = crate::pages::attrs(&page, "input[name=base_version]", "value");
        assert_eq!(base, ["2"], "{kind}: the conflict form saves over the current version");
        assert_eq!(
            app.post_form(&path, &edit(fields, &base[0])).await.status(),
            StatusCode::SEE_OTHER,
            "{kind}: knowing save"
        );
    }
}

#[tokio::test]
async fn many_new_items_of_every_kind_added_to_a_followed_thread_at_once_are_all_saved() {
    let app = spawn_app().await;
    app.login_as("curie", Role::Curator).await;
    let slug = app.create_thread("Items race").await;
    // A follower, so every item's change also updates that reader's one open notification: the
    // writes meet on the thread's row and on the notification, and must queue, not deadlock.
    let reader = app.browser_as("rita", Role::Reader).await;
    reader.follow("rita", &slug).await;
    let kinds = ["questions", "controversies", "interpretations"];
    let results = join_all((0..EDITORS).map(|i| {
        let app = app.clone();
        let slug = slug.clone();
        async move {
            let kind = kinds[i % kinds.len()];
            let text = format!("Item {i}");
            let fields: Vec<(&str, &str)> = match kind {
                "questions" => vec![("question", &text)],
                "controversies" => vec![("title", &text), ("body", "Why.")],
                _ => vec![("title", &text), ("body", "How."), ("proponents", "Some")],
            };
            app.post_form(&format!("/threads/{slug}/{kind}"), &fields).await.status()
        }
    }))
    .await;
    let failed: Vec<_> = results.iter().filter(|s| **s != StatusCode::SEE_OTHER).collect();
    assert!(failed.is_empty(), "{} of {EDITORS} saves failed: {failed:?}", failed.len());
    let html = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&html, "li[id^=question-] .q-text").len(), EDITORS.div_ceil(3), "every question is on the page");
}

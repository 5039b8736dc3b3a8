//! Following threads, the Following page and "since your last visit".

use agora::domain::roles::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{attrs, texts};

const THREE_PARAGRAPHS: &str =
    "Alpha paragraph about openness.\n\nBeta paragraph about safety.\n\nGamma paragraph about markets.";

/// A thread by `cora` with a three-paragraph synthesis and one open question, and a second
/// browser logged in as the reader `rita`. Returns (curator, reader, slug, question id).
async fn thread_and_reader() -> (TestApp, TestApp, String, i64) {
    let curator = spawn_app().await;
    curator.login_as("cora", Role::Curator).await;
    let slug = curator.create_thread("Open weights").await;
    assert_eq!(curator.save_synthesis(&slug, 0, THREE_PARAGRAPHS, "first").await.status(), StatusCode::SEE_OTHER);
    let res = curator.post_form(&format!("/threads/{slug}/questions"), &[("question", "Who audits?")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let question = curator
        .query(|c| {
            use agora::db::schema::open_questions;
            use diesel::prelude::*;
            open_questions::table.select(open_questions::id).first::<i64>(c).unwrap()
        })
        .await;
    let reader = curator.another_browser();
    reader.login_as("rita", Role::Reader).await;
    (curator, reader, slug, question)
}

#[tokio::test]
async fn following_a_missing_thread_is_a_404_on_the_page_and_in_the_api() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    assert_eq!(app.post_form("/threads/no-such-thread/follow", &[]).await.status(), StatusCode::NOT_FOUND);
    let res = app.send_json(Method::PUT, "/api/v1/threads/no-such-thread/follow", &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");
    assert_eq!(app.count("follows").await, 0);
}

#[tokio::test]
async fn anonymous_visitors_see_no_follow_button_and_must_log_in_to_follow() {
    let (curator, _reader, slug, _) = thread_and_reader().await;
    let anonymous = curator.another_browser();
    let page = anonymous.page(&format!("/threads/{slug}")).await;
    assert!(texts(&page, ".thread-tools button").is_empty(), "no Follow button for anonymous visitors");
    let res = anonymous.post_form(&format!("/threads/{slug}/follow"), &[]).await;
    assert_eq!(location(&res), "/login");
    assert_eq!(location(&anonymous.get("/following").await), "/login");
}

#[tokio::test]
async fn the_following_page_counts_others_changes_since_the_last_read_newest_activity_first() {
    let (curator, reader, slug, _) = thread_and_reader().await;
    let other = curator.create_thread("Compute governance").await;
    assert!(reader.page("/following").await.contains("You do not follow any thread yet"));

    for s in [&slug, &other] {
        let res = reader.post_form(&format!("/threads/{s}/follow"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        // Following twice is following once.
        reader.post_form(&format!("/threads/{s}/follow"), &[]).await;
    }
    assert_eq!(reader.count("follows").await, 2);
    let page = reader.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, ".thread-tools button"), ["Unfollow"]);

    // Two edits by the curator: the first thread moves to the top with 2 changes.
    curator.save_synthesis(&slug, 1, "Alpha, rewritten.\n\nBeta paragraph about safety.", "two").await;
    curator.save_synthesis(&slug, 2, "Alpha, rewritten again.\n\nBeta paragraph about safety.", "three").await;
    let page = reader.page("/following").await;
    assert_eq!(texts(&page, ".following-list h2"), ["Open weights", "Compute governance"]);
    let meta = texts(&page, ".following-list .meta");
    assert!(meta[0].starts_with("2 changes since you last read it"), "{meta:?}");
    assert!(meta[1].starts_with("Nothing new since you last read it"), "{meta:?}");

    let api = reader.get_json("/api/v1/following", StatusCode::OK).await;
    assert_eq!(api["threads"][0]["slug"], slug.as_str());
    assert_eq!(api["threads"][0]["new_changes"], 2);
    assert_eq!(api["threads"][1]["new_changes"], 0);

    reader.fanned_out().await;
    assert_eq!(reader.get_json("/api/v1/notifications", StatusCode::OK).await["unread"], 1);

    // Marking as read sets the count back to zero, and reads the thread's notification too;
    // unfollowing drops the thread.
    reader.post_form(&format!("/threads/{slug}/read"), &[]).await;
    assert_eq!(reader.get_json("/api/v1/following", StatusCode::OK).await["threads"][0]["new_changes"], 0);
    assert_eq!(reader.get_json("/api/v1/notifications", StatusCode::OK).await["unread"], 0);
    let res = reader.post_form(&format!("/threads/{slug}/unfollow"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(texts(&reader.page("/following").await, ".following-list h2"), ["Compute governance"]);
    let res = reader.send_json(Method::DELETE, &format!("/api/v1/threads/{slug}/follow"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not following any more");
}

#[tokio::test]
async fn a_returning_reader_sees_what_changed_with_changed_paragraphs_marked_until_marked_as_read() {
    let (curator, reader, slug, question) = thread_and_reader().await;
    // First visit: nothing to report, and what she sees is recorded as read.
    let first = reader.page(&format!("/threads/{slug}")).await;
    assert!(texts(&first, ".since h2").is_empty(), "no summary on a first visit");

    // The curator rewrites the middle paragraph, adds an event, has the stance moved (her
    // proposal, approved by a moderator) and answers the question.
    let rewritten = "Alpha paragraph about openness.\n\nBeta paragraph about safety, now with evals.\n\nGamma paragraph about markets.";
    assert_eq!(curator.save_synthesis(&slug, 1, rewritten, "evals").await.status(), StatusCode::SEE_OTHER);
    let event = [("date", "2025-01-20"), ("title", "DeepSeek R1"), ("significance", "landmark"), ("body", "")];
    assert_eq!(curator.post_form(&format!("/threads/{slug}/events"), &event).await.status(), StatusCode::SEE_OTHER);
    curator.move_stance_through_a_proposal(&slug, "emerging_consensus").await;
    let res =
        curator.post_form(&format!("/threads/{slug}/questions/{question}/answer"), &[("answer", "Nobody.")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let page = reader.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, ".since h2").len(), 1, "{page}");
    let summary = texts(&page, ".since p").join(" ");
    assert!(
        summary.contains(
            "The synthesis changed in 1 place, stance changed from contested to emerging consensus, approved by \
             mona, 1 new event \
             and 1 question answered"
        ),
        "{summary}"
    );
    let marked = texts(&page, ".prose .since-changed p:not(.since-label)");
    assert_eq!(marked, ["Beta paragraph about safety, now with evals."], "only the rewritten paragraph is marked");
    assert!(attrs(&page, ".since a", "href").contains(&format!("/threads/{slug}/diff?from=1&to=2")));

    // The API says the same.
    let since = reader.get_json(&format!("/api/v1/threads/{slug}/since"), StatusCode::OK).await;
    assert_eq!(since["diff_from"], 1);
    assert_eq!(since["diff_to"], 2);
    assert!(since["summary"].as_str().unwrap().contains("1 new event"), "{since}");

    // The curator's own page says nothing: her own changes are not news to her.
    let own = curator.page(&format!("/threads/{slug}")).await;
    assert!(texts(&own, ".since h2").is_empty());

    // Reloading keeps the summary; "Mark as read" clears it.
    assert_eq!(texts(&reader.page(&format!("/threads/{slug}")).await, ".since h2").len(), 1);
    let res = reader.post_form(&format!("/threads/{slug}/read"), &[]).await;
    assert_eq!(location(&res), format!("/threads/{slug}"));
    let page = reader.page(&format!("/threads/{slug}")).await;
    assert!(texts(&page, ".since h2").is_empty(), "cleared");
    assert!(texts(&page, ".since-changed").is_empty());
    assert!(reader.get_json(&format!("/api/v1/threads/{slug}/since"), StatusCode::OK).await["summary"].is_null());
}

#[tokio::test]
async fn items_changed_since_the_last_read_carry_a_badge_until_marked_as_read() {
    let (curator, reader, slug, question) = thread_and_reader().await;
    let interpretation = |title: &str, body: &str| {
        vec![("title", title.to_owned()), ("body", body.to_owned()), ("proponents", String::new())]
    };
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let curator = &curator;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(curator.post_form(&path, &fields).await.status(), StatusCode::SEE_OTHER, "{path}");
        }
    };
    post(format!("/threads/{slug}/interpretations"), interpretation("Old reading", "Before.")).await;
    post(format!("/threads/{slug}/interpretations"), interpretation("Steady reading", "Untouched.")).await;
    post(format!("/threads/{slug}/questions"), vec![("question", "Still open?".to_owned())]).await;
    let ids: Vec<i64> = curator
        .query(|c| {
            use agora::db::schema::interpretations;
            use diesel::prelude::*;
            interpretations::table.order(interpretations::id).select(interpretations::id).load(c).unwrap()
        })
        .await;
    reader.page(&format!("/threads/{slug}")).await; // the baseline

    // After her visit: an event linked, the first question answered, one interpretation edited
    // and a new one added.
    curator.add_event(&slug, "2025-01-20", "DeepSeek R1", "landmark").await;
    post(format!("/threads/{slug}/questions/{question}/answer"), vec![("answer", "Nobody.".to_owned())]).await;
    let mut edit = interpretation("Old reading", "After.");
    edit.push(("base_version", "1".to_owned()));
    post(format!("/threads/{slug}/interpretations/{}", ids[0]), edit).await;
    post(format!("/threads/{slug}/interpretations"), interpretation("Fresh reading", "New.")).await;

    let page = reader.page(&format!("/threads/{slug}")).await;
    let badge = |selector: &str| texts(&page, &format!("{selector} .since-badge"));
    assert_eq!(badge(&format!("#interpretation-{}", ids[0])), ["Changed since you last read"], "{page}");
    assert!(badge(&format!("#interpretation-{}", ids[1])).is_empty(), "untouched items carry none");
    assert_eq!(
        badge("section[aria-labelledby=interpretations] .item"),
        ["Changed since you last read", "New since you last read"],
        "the edited one and the fresh one, in page order"
    );
    assert_eq!(badge(".answered li"), ["Answered since you last read"]);
    assert!(badge("section[aria-labelledby=questions] > ul.questions li").is_empty(), "the open one is unchanged");
    assert_eq!(badge("ol.events li"), ["New since you last read"]);

    // The curator's own view marks nothing, and neither does the reader's after "Mark as read".
    assert!(texts(&curator.page(&format!("/threads/{slug}")).await, ".since-badge").is_empty());
    reader.post_form(&format!("/threads/{slug}/read"), &[]).await;
    assert!(texts(&reader.page(&format!("/threads/{slug}")).await, ".since-badge").is_empty());
}

#[tokio::test]
async fn minor_edits_are_left_out_of_the_summary() {
    let (curator, reader, slug, _) = thread_and_reader().await;
    reader.page(&format!("/threads/{slug}")).await;
    let fixed = THREE_PARAGRAPHS.replace("markets.", "markets!");
    let res = curator
        .post_form(
            &format!("/threads/{slug}/synthesis"),
            &[("base_seq", "1"), ("body", &fixed), ("summary", "typo"), ("minor", "true")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = reader.page(&format!("/threads/{slug}")).await;
    assert!(texts(&page, ".since h2").is_empty(), "a minor edit alone is not news");
}

#[tokio::test]
async fn mark_as_read_via_the_api_needs_a_login_and_an_existing_thread() {
    let (curator, reader, slug, _) = thread_and_reader().await;
    let anonymous = curator.another_browser();
    let res = anonymous.post_json(&format!("/api/v1/threads/{slug}/read"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = reader.post_json("/api/v1/threads/nope/read", &json!({})).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = reader.post_json(&format!("/api/v1/threads/{slug}/read"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = reader.send_json(Method::PUT, &format!("/api/v1/threads/{slug}/follow"), &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["following"], true);
}

//! Tests: hiding a revision whose words later revisions still carry (issue 15 item 3): the hide
//! form names the thread and revision and shows the words, warns when the current text still
//! has them, and takes them out in the same step; blame never shows a hidden revision's words.

use agora::db::schema::{changes, revisions};
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_json, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

const PLUTO: &str = "Pluto is small.\n\nIt is far away.";
const PHONE: &str = "Call 555-0100 now.";

/// The changelog entry of revision `seq`.
async fn change_of(app: &TestApp, seq: i32) -> i64 {
    app.query(move |c| changes::table.filter(changes::rev_seq.eq(seq)).select(changes::id).first::<i64>(c).unwrap())
        .await
}

async fn is_hidden(app: &TestApp, id: i64) -> bool {
    app.query(move |c| changes::table.find(id).select(changes::hidden_at.is_not_null()).first::<bool>(c).unwrap()).await
}

/// The current text, from the database.
async fn head_text(app: &TestApp) -> String {
    app.query(|c| revisions::table.order(revisions::seq.desc()).select(revisions::body_md).first::<String>(c).unwrap())
        .await
}

/// A thread whose revision 2 added the phone number and revision 3 (the current one) kept it,
/// with another paragraph; `maud` moderates.
async fn phone_number_still_current(app: &TestApp) -> (String, TestApp) {
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, PLUTO, "Start").await;
    app.save_synthesis_ok(&slug, 1, &format!("Pluto is small.\n\n{PHONE}\n\nIt is far away."), "Contact").await;
    let three = format!("Pluto is small.\n\n{PHONE}\n\nIt is far away.\n\nIts moon is Charon.");
    app.save_synthesis_ok(&slug, 2, &three, "Moon").await;
    (slug, app.browser_as("maud", Role::Moderator).await)
}

#[tokio::test]
async fn the_hide_form_names_the_revision_shows_its_words_and_warns_that_the_current_text_still_has_them() {
    let app = spawn_app().await;
    let (slug, maud) = phone_number_still_current(&app).await;
    let change = change_of(&app, 2).await;

    let form = maud.page(&format!("/changes/{change}/hide")).await;

    assert_eq!(texts(&form, "h1"), ["Hide revision 2 of “Is Pluto a planet?”"]);
    assert_eq!(texts(&form, ".hidden-words p"), [PHONE]);
    assert!(texts(&form, ".hide-preview")[0].contains("“Contact”"), "the summary is named");
    let warning = texts(&form, "#still-current").join(" ");
    assert!(warning.contains("The current text still contains this revision's words"), "{warning}");
    assert!(warning.contains(PHONE), "{warning}");
    assert_eq!(attrs(&form, "input[name=remove][type=checkbox][checked]", "value"), ["true"], "offered, ticked");
    assert_every_control_labelled(&form);
    assert_eq!(attrs(&form, "a", "href").iter().filter(|h| **h == format!("/threads/{slug}")).count(), 1);

    // The current revision's own form has nothing lingering to offer: hiding puts revision 2 back.
    let current = maud.page(&format!("/changes/{}/hide", change_of(&app, 3).await)).await;
    assert_eq!(texts(&current, ".hidden-words p"), ["Its moon is Charon."]);
    assert!(texts(&current, "#still-current").is_empty());
    assert!(attrs(&current, "input[name=remove]", "name").is_empty());
    assert_eq!(app.get(&format!("/changes/{change}/hide")).await.status(), StatusCode::FORBIDDEN, "a curator");
}

#[tokio::test]
async fn hiding_with_removal_takes_the_words_out_of_the_current_text_and_search_in_one_step() {
    let app = spawn_app().await;
    let (slug, maud) = phone_number_still_current(&app).await;
    let change = change_of(&app, 2).await;

    let res =
        maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "phone number"), ("remove", "true")]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(is_hidden(&app, change).await);
    assert_eq!(head_text(&app).await, "Pluto is small.\n\nIt is far away.\n\nIts moon is Charon.", "later edits kept");
    assert_eq!(app.count("revisions").await, 4, "a new revision; none rewritten");
    let reader = app.another_browser();
    for path in [format!("/threads/{slug}"), "/search?q=555".to_owned(), format!("/threads/{slug}/blame")] {
        assert!(!reader.page(&path).await.contains("555-0100"), "{path} still shows the hidden words");
    }
    let history = maud.page(&format!("/threads/{slug}/history")).await;
    assert!(history.contains("Undid revision 2"), "the removal is an undo of revision 2 in the history");
}

#[tokio::test]
async fn a_removal_that_collides_with_a_later_edit_takes_out_just_the_paragraphs_that_carry_the_words() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, PLUTO, "").await;
    app.save_synthesis_ok(&slug, 1, &format!("{PLUTO}\n\n{PHONE}"), "").await;
    // A paragraph appended right after it: undoing revision 2 collides (neighbouring lines).
    app.save_synthesis_ok(&slug, 2, &format!("{PLUTO}\n\n{PHONE}\n\nIts moon is Charon."), "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let undo =
        maud.post_form(&format!("/threads/{slug}/revisions/2/undo"), &[("base_seq", "3"), ("reason", "spam")]).await;
    assert_eq!(undo.status(), StatusCode::CONFLICT, "a plain undo collides");
    let change = change_of(&app, 2).await;

    let res =
        maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "phone number"), ("remove", "true")]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(is_hidden(&app, change).await);
    assert_eq!(head_text(&app).await, format!("{PLUTO}\n\nIts moon is Charon."));
    let history = maud.page(&format!("/threads/{slug}/history")).await;
    assert!(history.contains("Took out the words of revision 2 by alice"), "the new revision says what it did");
}

#[tokio::test]
async fn a_removal_that_would_empty_the_synthesis_hides_nothing_and_says_why() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, PLUTO, "").await;
    app.save_synthesis_ok(&slug, 1, PHONE, "").await;
    // The same words, shouted: still the phone number, and the only paragraph left.
    app.save_synthesis_ok(&slug, 2, "CALL 555-0100 NOW!", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = change_of(&app, 2).await;
    let form = maud.page(&format!("/changes/{change}/hide")).await;
    assert!(
        texts(&form, "#still-current").join(" ").contains("CALL 555-0100 NOW!"),
        "the warning quotes the current words"
    );

    let res =
        maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "phone number"), ("remove", "true")]).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let alert = texts(&html, "[role=alert]").join(" ");
    assert!(alert.contains("nothing was hidden") && alert.contains("without removing"), "{alert}");
    assert_eq!(attrs(&html, "input[name=reason]", "value"), ["phone number"], "the reason is kept");
    assert!(!is_hidden(&app, change).await);
    assert_eq!(app.count("revisions").await, 3);
    assert_eq!(app.count("moderation_log").await, 0);

    // Unticked, it hides the revision and leaves the current text alone.
    let res = maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "phone number")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(is_hidden(&app, change).await);
    assert_eq!(app.count("revisions").await, 3);
}

#[tokio::test]
async fn blame_does_not_show_the_words_or_author_of_a_hidden_revision_to_readers() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, PLUTO, "").await;
    let bob = app.browser_as("bob", Role::Curator).await;
    assert_eq!(
        app.post_form(&format!("/threads/{slug}/curators"), &[("username", "bob")]).await.status(),
        StatusCode::SEE_OTHER
    );
    bob.save_synthesis_ok(&slug, 1, &format!("Pluto is small.\n\n{PHONE}\n\nIt is far away."), "").await;
    app.save_synthesis_ok(&slug, 2, &format!("Pluto is small.\n\n{PHONE}\n\nIt is very far away."), "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = change_of(&app, 2).await;
    assert_eq!(
        maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "phone")]).await.status(),
        StatusCode::SEE_OTHER
    );

    let blame = app.another_browser().page(&format!("/threads/{slug}/blame")).await;

    assert!(!blame.contains("555-0100"), "the hidden revision's paragraph is shown");
    assert!(!blame.contains("/users/bob"), "the hidden revision's author is shown");
    assert_eq!(
        texts(&blame, "td.blame-text"),
        ["Pluto is small.", "Text from a revision hidden by a moderator.", "It is very far away."]
    );
    assert!(texts(&blame, "td.blame-meta")[1].contains("hidden revision"));
    let json = app.another_browser().get_json(&format!("/api/v1/threads/{slug}/blame"), StatusCode::OK).await;
    assert_eq!(json["paragraphs"][1]["text"], "");
    assert!(!json.to_string().contains("555-0100"));
    // Moderators still read it, marked.
    let seen = maud.page(&format!("/threads/{slug}/blame")).await;
    assert_eq!(texts(&seen, "td.blame-text")[1], PHONE);
    assert!(texts(&seen, "td.blame-meta")[1].contains("hidden revision"));
}

#[tokio::test]
async fn the_api_hides_and_removes_in_one_request_when_asked() {
    let app = spawn_app().await;
    let (_, maud) = phone_number_still_current(&app).await;
    let change = change_of(&app, 2).await;

    let res = maud
        .post_json(
            &format!("/api/v1/changes/{change}/hide"),
            &json!({ "reason": "phone", "remove_from_current": true }),
        )
        .await;

    assert_eq!(expect_json(res, StatusCode::OK).await, json!({ "id": change, "hidden": true }));
    assert!(!head_text(&app).await.contains("555-0100"));
}

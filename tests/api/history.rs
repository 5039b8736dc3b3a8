//! Tests: history and moderation (issue 6) through the pages: the thread changelog, merging
//! stale saves, undo and rollback, hiding, locks, suspensions, patrol, blame, the moderation log
//! and recent changes.

use agora::db::schema::revisions;
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, change_ids, changes_column, section, texts};

/// Every stored revision's body, oldest first.
async fn stored_bodies(app: &TestApp) -> Vec<String> {
    app.query(|c| revisions::table.order(revisions::seq).select(revisions::body_md).load::<String>(c).unwrap()).await
}

/// The synthesis as everyone reads it: an anonymous visitor, for whom nothing is marked as
/// changed since a last visit.
async fn synthesis_text(app: &TestApp, slug: &str) -> Vec<String> {
    let anonymous = app.another_browser();
    texts(&anonymous.page(&format!("/threads/{slug}")).await, &format!("{} .prose", section("synthesis")))
}

/// What each change of a changelog table was, top row first.
fn changes(html: &str) -> Vec<String> {
    changes_column(html, "Change")
}

/// Who made each change of a changelog table, top row first.
fn whos(html: &str) -> Vec<String> {
    changes_column(html, "Who")
}

/// The summary cell of each change (reason, field changes, hidden notes), top row first.
fn summaries(html: &str) -> Vec<String> {
    changes_column(html, "Summary")
}

/// The id of the only open question of a thread, from its "Mark answered" link.
async fn only_question(app: &TestApp, slug: &str) -> i64 {
    let html = app.page(&format!("/threads/{slug}")).await;
    let hrefs = attrs(&html, "a[aria-label='Mark answered: question 1']", "href");
    assert_eq!(hrefs.len(), 1, "one open question");
    hrefs[0].trim_start_matches(&format!("/threads/{slug}/questions/")).trim_end_matches("/answer").parse().unwrap()
}

/// The change id behind revision `seq`, from the moderator's "Hide revision N" link.
async fn change_behind_hide_link(moderator: &TestApp, slug: &str, seq: i32) -> i64 {
    let html = moderator.page(&format!("/threads/{slug}/revisions/{seq}")).await;
    let href = attrs(&html, "a", "href")
        .into_iter()
        .zip(texts(&html, "a"))
        .find(|(_, text)| *text == format!("Hide revision {seq}"))
        .map(|(href, _)| href)
        .expect("a Hide revision link");
    href.trim_start_matches("/changes/").trim_end_matches("/hide").parse().unwrap()
}

/// The value of the hidden `name` input inside the form whose submit button says `button`.
fn form_value(html: &str, button: &str, name: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let forms = scraper::Selector::parse("form").unwrap();
    let buttons = scraper::Selector::parse("button").unwrap();
    let input = scraper::Selector::parse(&format!("input[name={name}]")).unwrap();
    doc.select(&forms)
        .find(|f| f.select(&buttons).any(|b| b.text().collect::<String>().trim() == button))
        .and_then(|f| f.select(&input).next())
        .and_then(|i| i.value().attr("value").map(str::to_owned))
}

/// The `action` of the form whose submit button says `button`.
fn form_action(html: &str, button: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let forms = scraper::Selector::parse("form").unwrap();
    let buttons = scraper::Selector::parse("button").unwrap();
    doc.select(&forms)
        .find(|f| f.select(&buttons).any(|b| b.text().collect::<String>().trim() == button))
        .and_then(|f| f.value().attr("action").map(str::to_owned))
}

/// Whether the change with this id is hidden, read from the database.
async fn is_hidden(app: &TestApp, id: i64) -> bool {
    app.query(move |c| {
        use agora::db::schema::changes;
        changes::table.find(id).select(changes::hidden_at.is_not_null()).first::<bool>(c).unwrap()
    })
    .await
}

/// Runs one SQL statement; returns the error text if the database refused it.
async fn execute(app: &TestApp, sql: &'static str) -> Result<usize, String> {
    app.query(move |c| diesel::sql_query(sql).execute(c).map_err(|e| e.to_string())).await
}

#[tokio::test]
async fn the_history_lists_a_section_edit_with_before_and_after_next_to_synthesis_saves() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Pluto was demoted.", "First draft").await;
    let res = app.post_form(&format!("/threads/{slug}/questions"), &[("question", "Will the IAU vote again?")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = only_question(&app, &slug).await;
    let res = app
        .post_form(
            &format!("/threads/{slug}/questions/{id}"),
            &[("question", "Who decides what a planet is?"), ("base_version", "1"), ("reason", "sharper")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.save_synthesis_ok(&slug, 1, "Pluto was demoted in 2006.", "Add the year").await;

    let html = app.page(&format!("/threads/{slug}/history")).await;

    let whats = changes(&html);
    assert_eq!(whats.len(), 4, "two saves, an addition and an edit: {whats:?}");
    assert!(whats[0].starts_with("Revision 2 edited the synthesis"), "{whats:?}");
    assert_eq!(whats[1], "edited question “Who decides what a planet is?”");
    assert_eq!(whats[2], "opened question “Will the IAU vote again?”");
    assert!(whats[3].starts_with("Revision 1 edited the synthesis"), "{whats:?}");
    assert_eq!(whos(&html), ["alice", "alice", "alice", "alice"]);
    let summaries = summaries(&html);
    assert!(summaries[0].starts_with("“Add the year”"), "{summaries:?}");
    assert!(summaries[1].starts_with("“sharper”"), "{summaries:?}");
    assert_eq!(summaries[3], "“First draft”");
    // The edit shows the question before and after; the opening shows what it was.
    assert_eq!(texts(&html, "dl.field-changes dt"), ["question", "question"]);
    assert_eq!(texts(&html, "dl.field-changes del"), ["Will the IAU vote again?", "—"]);
    assert_eq!(texts(&html, "dl.field-changes ins"), ["Who decides what a planet is?", "Will the IAU vote again?"]);
    assert_eq!(texts(&html, "table.history .summary"), ["“Add the year”", "“sharper”", "“First draft”"]);
    assert_eq!(
        attrs(&html, "a[aria-label='Changes in revision 2']", "href"),
        [format!("/threads/{slug}/diff?from=1&to=2")]
    );
    // Only the synthesis rows can be compared.
    assert_eq!(
        texts(&html, "table.changes label"),
        ["Compare from revision 2", "Compare to revision 2", "Compare from revision 1", "Compare to revision 1"]
    );
    assert_every_control_labelled(&html);
}

#[tokio::test]
async fn the_text_changes_link_of_an_item_edit_opens_the_diff_of_its_body() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let fields = [("title", "Dwarf planets"), ("body", "Is a dwarf planet a planet?")];
    assert_eq!(app.post_form(&format!("/threads/{slug}/controversies"), &fields).await.status(), StatusCode::SEE_OTHER);
    let id: i64 = app
        .query(|c| {
            use agora::db::schema::controversies;
            controversies::table.select(controversies::id).first(c).unwrap()
        })
        .await;
    let edit = [("title", "Dwarf planets"), ("body", "Is a dwarf planet a small planet?"), ("base_version", "1")];
    let res = app.post_form(&format!("/threads/{slug}/controversies/{id}"), &edit).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let history = app.page(&format!("/threads/{slug}/history")).await;
    let edited = change_ids(&history)[0];
    let href = attrs(&history, &format!("a[aria-label='Text changes in change {edited}']"), "href");
    assert_eq!(href, [format!("/threads/{slug}/controversies/{id}/diff?entry={edited}")]);

    let diff = app.page(&href[0]).await;

    assert_eq!(texts(&diff, "h1"), ["Changes to the text of “Dwarf planets”"]);
    assert_eq!(texts(&diff, "table.diff del.line"), ["Is a dwarf planet a planet?"]);
    assert_eq!(texts(&diff, "table.diff ins.line"), ["Is a dwarf planet a small planet?"]);
    assert_eq!(texts(&diff, "table.diff ins mark"), ["small"]);
    let side = app.page(&format!("{}&view=side", href[0])).await;
    assert_eq!(texts(&side, "table.side-by-side td ins"), ["small"]);
}

#[tokio::test]
async fn the_kind_and_user_filters_narrow_the_history() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "One.", "").await;
    let res = app.post_form(&format!("/threads/{slug}/questions"), &[("question", "Why?")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let maud = app.browser_as("maud", Role::Moderator).await;
    maud.save_synthesis_ok(&slug, 1, "One. Two.", "").await;

    let all = app.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(whos(&all), ["maud", "alice", "alice"]);

    let synthesis = app.page(&format!("/threads/{slug}/history?kind=synthesis")).await;
    assert_eq!(whos(&synthesis), ["maud", "alice"]);
    let synthesis_changes = changes(&synthesis);
    assert!(synthesis_changes[0].starts_with("Revision 2 edited the synthesis"), "{synthesis_changes:?}");
    assert!(synthesis_changes[1].starts_with("Revision 1 edited the synthesis"), "{synthesis_changes:?}");
    assert_eq!(attrs(&synthesis, "#filter-kind option[selected]", "value"), ["synthesis"]);

    let questions = app.page(&format!("/threads/{slug}/history?kind=question")).await;
    assert_eq!(changes(&questions), ["opened question “Why?”"]);

    let by_maud = app.page(&format!("/threads/{slug}/history?user=maud")).await;
    assert_eq!(whos(&by_maud), ["maud"]);
    assert_eq!(attrs(&by_maud, "#filter-user", "value"), ["maud"]);

    let both = app.page(&format!("/threads/{slug}/history?kind=question&user=maud")).await;
    assert_eq!(texts(&both, ".empty"), ["No changes match."]);
    let nobody = app.page(&format!("/threads/{slug}/history?user=nobody")).await;
    assert_eq!(texts(&nobody, ".empty"), ["No changes match."]);
}

#[tokio::test]
async fn a_stale_save_that_touches_another_paragraph_is_merged_and_keeps_both_edits() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Pluto orbits the Sun.\n\nIt was demoted in 2006.", "").await;
    let bob = app.browser_as("bob", Role::Moderator).await;
    bob.save_synthesis_ok(&slug, 1, "Pluto orbits the Sun every 248 years.\n\nIt was demoted in 2006.", "Period").await;

    // Alice still has revision 1 open and changes the second paragraph.
    let res = app.save_synthesis(&slug, 1, "Pluto orbits the Sun.\n\nIt was demoted by the IAU in 2006.", "Who").await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}/history?merged=3&onto=2"));
    let merged = "Pluto orbits the Sun every 248 years.\n\nIt was demoted by the IAU in 2006.";
    assert_eq!(stored_bodies(&app).await.last().unwrap(), merged);
    assert_eq!(
        synthesis_text(&app, &slug).await,
        ["Pluto orbits the Sun every 248 years. It was demoted by the IAU in 2006."]
    );
    let notice = app.page(&location(&res)).await;
    // The flash confirms the save; the note under the heading says what was merged with what.
    let status = texts(&notice, "[role=status]");
    assert_eq!(status.len(), 1);
    assert!(status[0].starts_with("Saved — your edit was merged"), "{status:?}");
    let note = texts(&notice, "p.notice[role=note]");
    assert!(note[0].contains("Someone saved revision 2 while you were editing"), "{note:?}");
    assert!(note[0].contains("saved as revision 3"), "{note:?}");
    assert!(changes(&notice)[0].starts_with("Revision 3 edited the synthesis (merged with newer revisions)"));
    assert_eq!(whos(&notice)[0], "alice");
}

#[tokio::test]
async fn stale_saves_that_change_the_same_paragraph_are_still_a_conflict() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Pluto orbits the Sun.\n\nIt was demoted in 2006.", "").await;
    app.save_synthesis_ok(&slug, 1, "Pluto orbits the Sun.\n\nIt was reclassified in 2006.", "").await;

    let res = app.save_synthesis(&slug, 1, "Pluto orbits the Sun.\n\nIt was demoted in August 2006.", "").await;

    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Edit conflict"]);
    assert_eq!(texts(&html, "textarea[name=body]"), ["Pluto orbits the Sun. It was demoted in August 2006."]);
    assert_eq!(stored_bodies(&app).await.len(), 2, "nothing saved");
    assert_eq!(synthesis_text(&app, &slug).await, ["Pluto orbits the Sun. It was reclassified in 2006."]);
}

#[tokio::test]
async fn undoing_a_revision_takes_out_only_its_change_and_keeps_a_later_edit() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Pluto is small.\n\nIt is far away.", "").await;
    app.save_synthesis_ok(&slug, 1, "Pluto is not a planet at all.\n\nIt is far away.", "Opinion").await;
    app.save_synthesis_ok(&slug, 2, "Pluto is not a planet at all.\n\nIt is 40 AU away.", "Distance").await;
    let page = app.page(&format!("/threads/{slug}/revisions/2")).await;
    assert_eq!(
        attrs(&page, ".restore-choices a[href$='/undo']", "href"),
        [format!("/threads/{slug}/revisions/2/undo")]
    );
    // The link asks to confirm first; that page's form carries the head it previewed against.
    let confirm = app.page(&format!("/threads/{slug}/revisions/2/undo")).await;
    assert_eq!(form_action(&confirm, "Undo revision 2"), Some(format!("/threads/{slug}/revisions/2/undo")));
    assert_eq!(form_value(&confirm, "Undo revision 2", "base_seq"), Some("3".to_owned()));
    assert_every_control_labelled(&confirm);

    let res = app
        .post_form(&format!("/threads/{slug}/revisions/2/undo"), &[("base_seq", "3"), ("reason", "not neutral")])
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_bodies(&app).await.last().unwrap(), "Pluto is small.\n\nIt is 40 AU away.");
    assert_eq!(synthesis_text(&app, &slug).await, ["Pluto is small. It is 40 AU away."]);
    let history = app.page(&format!("/threads/{slug}/history")).await;
    assert!(changes(&history)[0].starts_with("Revision 4 undid a revision of the synthesis"));
    assert_eq!(summaries(&history)[0], "“Undid revision 2 by alice: not neutral” changes");
}

#[tokio::test]
async fn an_undo_that_collides_with_a_later_edit_is_a_409_listing_the_collision_and_saves_nothing() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Pluto is small.\n\nIt is far away.", "").await;
    app.save_synthesis_ok(&slug, 1, "Pluto is tiny.\n\nIt is far away.", "").await;
    app.save_synthesis_ok(&slug, 2, "Pluto is tiny and icy.\n\nIt is far away.", "").await;

    let res =
        app.post_form(&format!("/threads/{slug}/revisions/2/undo"), &[("base_seq", "3"), ("reason", "biased")]).await;

    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Revision 2 cannot be undone cleanly"]);
    assert!(texts(&html, "[role=alert]")[0].contains("Nothing was saved"));
    assert_eq!(texts(&html, ".conflict-region h2"), ["Collision 1"]);
    assert_eq!(texts(&html, ".conflict-region dd"), ["Pluto is tiny.", "Pluto is tiny and icy.", "Pluto is small."]);
    assert_eq!(stored_bodies(&app).await.len(), 3, "nothing saved");
    assert_eq!(synthesis_text(&app, &slug).await, ["Pluto is tiny and icy. It is far away."]);
}

#[tokio::test]
async fn a_moderator_rolls_back_one_users_latest_edits_and_a_curator_may_not() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Good text.", "").await;
    let res = app.post_form(&format!("/threads/{slug}/curators"), &[("username", "bob"), ("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "bob does not exist yet");
    let bob = app.browser_as("bob", Role::Curator).await;
    let res = app.post_form(&format!("/threads/{slug}/curators"), &[("username", "bob"), ("reason", "helps")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    bob.save_synthesis_ok(&slug, 1, "Spam.", "").await;
    bob.save_synthesis_ok(&slug, 2, "More spam.", "").await;

    let rollback = [("username", "bob"), ("base_seq", "3"), ("reason", "vandalism")];
    let res = bob.post_form(&format!("/threads/{slug}/rollback"), &rollback).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "a curator cannot roll back");
    let res = app.post_form(&format!("/threads/{slug}/rollback"), &rollback).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "not even the thread's own curator");
    assert!(
        texts(&app.page(&format!("/threads/{slug}/history")).await, "button")
            .iter()
            .all(|b| !b.starts_with("Roll back")),
        "curators are not offered the rollback"
    );
    assert_eq!(stored_bodies(&app).await.len(), 3);

    let maud = app.browser_as("maud", Role::Moderator).await;
    let history = maud.page(&format!("/threads/{slug}/history")).await;
    let button = "Roll back the latest edits by bob";
    assert_eq!(form_action(&history, button), Some(format!("/threads/{slug}/rollback")));
    assert_eq!(form_value(&history, button, "username"), Some("bob".to_owned()));
    assert_eq!(form_value(&history, button, "base_seq"), Some("3".to_owned()));
    let res = maud.post_form(&format!("/threads/{slug}/rollback"), &rollback).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_bodies(&app).await, ["Good text.", "Spam.", "More spam.", "Good text."]);
    assert_eq!(synthesis_text(&app, &slug).await, ["Good text."]);
    let history = maud.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(whos(&history)[0], "maud");
    assert!(changes(&history)[0].starts_with("Revision 4 rolled back the synthesis"));
    assert_eq!(summaries(&history)[0], "“Rolled back 2 edits by bob to revision 1 by alice: vandalism” changes");
    // Rolling back one's own rollback would put the vandalism back: not offered.
    assert!(!history.contains("Roll back the latest edits by"), "a rollback of maud's own edit is offered");
}

#[tokio::test]
async fn hiding_without_a_reason_is_a_422_and_hides_nothing() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Fine text.", "").await;
    app.save_synthesis_ok(&slug, 1, "Other text.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = change_behind_hide_link(&maud, &slug, 2).await;
    let form = maud.page(&format!("/changes/{change}/hide")).await;
    assert_every_control_labelled(&form);
    assert_eq!(attrs(&form, "input[name=reason]", "required").len(), 1);

    let res = maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "   ")]).await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]")[0].contains("reason for hiding"), "{:?}", texts(&html, "[role=alert]"));
    assert!(!is_hidden(&app, change).await);
    assert_eq!(stored_bodies(&app).await.len(), 2, "the current revision was not replaced");
    assert_eq!(synthesis_text(&app, &slug).await, ["Other text."]);
    assert_eq!(app.count("moderation_log").await, 0);
}

/// Every page a reader can load that could show revision 2 or its summary.
fn reader_pages(slug: &str) -> Vec<String> {
    [
        format!("/threads/{slug}"),
        format!("/threads/{slug}/history"),
        format!("/threads/{slug}/history?kind=synthesis"),
        format!("/threads/{slug}/revisions/2"),
        format!("/threads/{slug}/revisions/3"),
        format!("/threads/{slug}/diff?from=1&to=2"),
        format!("/threads/{slug}/diff?from=2&to=3"),
        format!("/threads/{slug}/diff?from=1&to=3"),
        format!("/threads/{slug}/blame"),
        format!("/threads/{slug}/blame?rev=2"),
        format!("/threads/{slug}/blame?rev=3"),
        "/recent".to_owned(),
        "/users/alice".to_owned(),
        format!("/api/v1/threads/{slug}"),
        format!("/api/v1/threads/{slug}/revisions"),
        format!("/api/v1/threads/{slug}/revisions/2"),
        format!("/api/v1/threads/{slug}/diff?from=1&to=2"),
    ]
    .into()
}

#[tokio::test]
async fn a_hidden_revisions_text_and_summary_never_reach_a_reader() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Decent text.", "Start").await;
    app.save_synthesis_ok(&slug, 1, "Decent text.\n\nHe lives at 12 SECRET Street.", "adds ADDRESS-SUMMARY").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = change_behind_hide_link(&maud, &slug, 2).await;

    let res = maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "doxxing")]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}/revisions/2"));
    assert!(is_hidden(&app, change).await);
    // Hiding the current revision put the previous text back as revision 3.
    assert_eq!(synthesis_text(&app, &slug).await, ["Decent text."]);
    let reader = app.browser_as("rita", Role::Reader).await;
    for browser in [&reader, &app.another_browser(), &app] {
        for path in reader_pages(&slug) {
            let res = browser.get(&path).await;
            let status = res.status();
            assert!(status == StatusCode::OK || status == StatusCode::FORBIDDEN, "GET {path}: {status}");
            let body = res.text().await.unwrap();
            assert!(!body.contains("SECRET"), "GET {path} shows the hidden text");
            assert!(!body.contains("ADDRESS-SUMMARY"), "GET {path} shows the hidden summary");
        }
    }
    assert_eq!(reader.get(&format!("/threads/{slug}/diff?from=1&to=2")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(reader.get(&format!("/threads/{slug}/blame?rev=2")).await.status(), StatusCode::FORBIDDEN);
    let revision = reader.page(&format!("/threads/{slug}/revisions/2")).await;
    assert_eq!(texts(&revision, ".hidden-note"), ["Content hidden by a moderator."]);
    assert!(texts(&revision, ".prose").is_empty());
    let history = reader.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(summaries(&history)[1], "Content hidden by a moderator. changes");
    // The curator's editor starts from the visible text, not the hidden one.
    let editor = app.page(&format!("/threads/{slug}/synthesis/edit")).await;
    assert_eq!(texts(&editor, "textarea[name=body]"), ["Decent text."]);

    // Moderators still read it, marked as hidden, with the reason.
    let seen = maud.page(&format!("/threads/{slug}/revisions/2")).await;
    assert!(texts(&seen, ".prose")[0].contains("12 SECRET Street"));
    assert!(texts(&seen, ".hidden-note")[0].contains("Reason: doxxing"));
    assert_eq!(texts(&seen, ".restore-choices a"), ["Revert to revision 2", "Undo revision 2"]);
    assert_eq!(texts(&seen, "main button"), ["Unhide revision 2"]);
    assert_eq!(maud.get(&format!("/threads/{slug}/diff?from=1&to=2")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_curator_cannot_bring_a_hidden_revision_back_by_reverting_or_undoing() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Decent text.", "").await;
    app.save_synthesis_ok(&slug, 1, "Decent text.\n\nHe lives at 12 SECRET Street.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = change_behind_hide_link(&maud, &slug, 2).await;
    let res = maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "doxxing")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored_bodies(&app).await.len(), 3);

    let revert = app.post_form(&format!("/threads/{slug}/revisions/2/revert"), &[("base_seq", "3")]).await;
    let undo = app.post_form(&format!("/threads/{slug}/revisions/3/undo"), &[("base_seq", "3")]).await;

    assert_eq!(revert.status(), StatusCode::FORBIDDEN, "revert to a hidden revision");
    assert_eq!(undo.status(), StatusCode::FORBIDDEN, "undo of the revision that replaced a hidden one");
    assert_eq!(stored_bodies(&app).await.len(), 3, "nothing saved");
    let page = app.another_browser().page(&format!("/threads/{slug}")).await;
    assert!(!page.contains("SECRET"));
}

#[tokio::test]
async fn unhiding_a_revision_shows_it_to_readers_again() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "First text.", "").await;
    app.save_synthesis_ok(&slug, 1, "Second text, rude.", "rude summary").await;
    app.save_synthesis_ok(&slug, 2, "Third text.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = change_behind_hide_link(&maud, &slug, 2).await;
    let res = maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "rude")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let reader = app.another_browser();
    assert_eq!(reader.get(&format!("/threads/{slug}/diff?from=1&to=2")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(stored_bodies(&app).await.len(), 3, "hiding an old revision changes no text");
    let seen = maud.page(&format!("/threads/{slug}/revisions/2")).await;
    assert_eq!(form_action(&seen, "Unhide revision 2"), Some(format!("/changes/{change}/unhide")));

    let res = maud.post_form(&format!("/changes/{change}/unhide"), &[]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!is_hidden(&app, change).await);
    let revision = reader.page(&format!("/threads/{slug}/revisions/2")).await;
    assert_eq!(texts(&revision, ".prose"), ["Second text, rude."]);
    assert!(texts(&revision, ".hidden-note").is_empty());
    let diff = reader.page(&format!("/threads/{slug}/diff?from=1&to=2")).await;
    assert!(texts(&diff, "table.diff ins").iter().any(|t| t.contains("Second text, rude.")));
    let history = reader.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(summaries(&history)[1], "“rude summary” changes");
    let log = maud.page("/moderation/log").await;
    assert_eq!(texts(&log, "tbody td:nth-child(3)").len(), 2);
    assert!(texts(&log, "tbody td:nth-child(3)")[0].starts_with("unhid revision 2"));
    assert!(texts(&log, "tbody td:nth-child(3)")[1].starts_with("hid revision 2"));
}

#[tokio::test]
async fn a_locked_thread_refuses_its_curator_and_not_a_moderator() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Before the lock.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    assert_eq!(app.get(&format!("/threads/{slug}/lock")).await.status(), StatusCode::FORBIDDEN);
    let form = maud.page(&format!("/threads/{slug}/lock")).await;
    assert_every_control_labelled(&form);
    let res = maud.post_form(&format!("/threads/{slug}/lock"), &[("reason", ""), ("until", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a lock needs a reason");
    assert_eq!(texts(&app.page(&format!("/threads/{slug}")).await, ".locked").len(), 0);

    let res = maud.post_form(&format!("/threads/{slug}/lock"), &[("reason", "edit war"), ("until", "")]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.page(&format!("/threads/{slug}")).await;
    let banner = texts(&page, ".locked");
    assert_eq!(banner.len(), 1);
    assert!(banner[0].starts_with("Locked."), "{banner:?}");
    assert!(banner[0].contains("edit war"), "{banner:?}");
    assert!(texts(&page, "a").iter().all(|a| a != "Edit synthesis"), "no edit link for the curator");
    let res = app.save_synthesis(&slug, 1, "During the lock.", "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(texts(&res.text().await.unwrap(), "[role=alert]")[0].contains("locked"));
    let res = app.post_form(&format!("/threads/{slug}/questions"), &[("question", "Why?")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("open_questions").await, 0);
    assert_eq!(synthesis_text(&app, &slug).await, ["Before the lock."]);

    maud.save_synthesis_ok(&slug, 1, "A moderator's fix.", "").await;
    assert_eq!(synthesis_text(&app, &slug).await, ["A moderator's fix."]);

    let res = maud.post_form(&format!("/threads/{slug}/unlock"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.save_synthesis_ok(&slug, 2, "After the lock.", "").await;
    assert!(texts(&app.page(&format!("/threads/{slug}")).await, ".locked").is_empty());
}

#[tokio::test]
async fn an_expired_lock_no_longer_refuses() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let res =
        maud.post_form(&format!("/threads/{slug}/lock"), &[("reason", "cool down"), ("until", "2999-01-01")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.save_synthesis(&slug, 0, "Too early.", "").await.status(), StatusCode::FORBIDDEN);
    assert!(texts(&app.page(&format!("/threads/{slug}")).await, ".locked")[0].contains("until"));
    let res = maud.post_form(&format!("/threads/{slug}/lock"), &[("reason", "x"), ("until", "2001-01-01")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "an end in the past is refused");

    let moved = execute(&app, "UPDATE threads SET locked_until = now() - interval '1 minute'").await;
    assert_eq!(moved, Ok(1));

    app.save_synthesis_ok(&slug, 0, "After the lock ran out.", "").await;
    let page = app.page(&format!("/threads/{slug}")).await;
    assert!(texts(&page, ".locked").is_empty());
    assert_eq!(texts(&page, &format!("{} .prose", section("synthesis"))), ["After the lock ran out."]);
}

#[tokio::test]
async fn a_suspended_user_stays_logged_in_reads_why_and_until_when_and_every_write_is_refused() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Before.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let profile = maud.page("/users/alice").await;
    assert_every_control_labelled(&profile);
    let action = form_action(&profile, "Suspend alice").expect("a suspend form");
    let res = maud.post_form(&action, &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a suspension needs a reason");

    let res = maud.post_form(&action, &[("reason", "sock puppetry"), ("until", "2099-01-01T12:00")]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // No silent logout: at her next request alice reads why, and until when.
    let session = app.get_json("/api/v1/session", StatusCode::OK).await;
    assert_eq!(session["user"]["username"], "alice", "the suspension kept alice's session: {session}");
    for path in [format!("/threads/{slug}"), "/".to_owned(), "/users/alice".to_owned()] {
        let banner = texts(&app.page(&path).await, ".suspended[role=alert]");
        assert_eq!(
            banner,
            ["Your account is suspended until 2099-01-01 12:00 UTC (reason: sock puppetry); you can read but not \
              change anything."],
            "{path}"
        );
    }
    // The moderator's view of her page speaks of alice, not to her.
    let profile = maud.page("/users/alice").await;
    assert_eq!(
        texts(&profile, ".profile [role=note]"),
        ["alice is suspended until 2099-01-01 12:00 UTC (reason: sock puppetry)."]
    );
    assert!(texts(&profile, ".profile").join(" ").to_lowercase().find("your account").is_none());
    assert!(texts(&profile, ".suspended[role=alert]").is_empty(), "maud is not the one suspended");
    // A refused form says the suspension, not some other reason.
    let refused = app.get("/threads/new").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let alert = texts(&refused.text().await.unwrap(), "main [role=alert]").join(" ");
    assert!(alert.contains("suspended until 2099-01-01 12:00 UTC (reason: sock puppetry)"), "{alert}");

    let writes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/threads/{slug}/synthesis"), vec![("base_seq", "1"), ("body", "After."), ("summary", "")]),
        (format!("/threads/{slug}/questions"), vec![("question", "Why?")]),
        (format!("/threads/{slug}/edit"), vec![("title", "T"), ("framing_question", "Q"), ("status", "active")]),
        (format!("/threads/{slug}/revisions/1/undo"), vec![("base_seq", "1")]),
        (format!("/threads/{slug}/curators"), vec![("username", "maud")]),
        ("/threads".to_owned(), vec![("title", "New"), ("framing_question", "Q?")]),
        ("/preview".to_owned(), vec![("body", "x")]),
        // Changing the password stays allowed (tests/api/passwords.rs).
    ];
    for (path, fields) in &writes {
        let res = app.post_form(path, fields).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "POST {path}");
        let alert = texts(&res.text().await.unwrap(), "[role=alert]").join(" ");
        assert!(alert.contains("suspended"), "POST {path}: {alert}");
    }
    let json = app
        .post_json(&format!("/api/v1/threads/{slug}/synthesis"), &serde_json::json!({"base_seq": 1, "body": "x"}))
        .await;
    assert_eq!(json.status(), StatusCode::FORBIDDEN);
    assert!(json.text().await.unwrap().contains("suspended"));
    assert_eq!(stored_bodies(&app).await, ["Before."]);
    assert_eq!(app.count("threads").await, 1);
    assert_eq!(app.post_form("/logout", &[]).await.status(), StatusCode::SEE_OTHER, "logging out still works");
}

#[tokio::test]
async fn patrolling_a_change_takes_it_off_the_review_queue() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "By a curator.", "").await;
    assert_eq!(app.get("/moderation/queue").await.status(), StatusCode::FORBIDDEN);
    let maud = app.browser_as("maud", Role::Moderator).await;
    maud.save_synthesis_ok(&slug, 1, "By a moderator.", "").await;
    app.save_synthesis_ok(&slug, 2, "By the curator again.", "").await;

    let queue = maud.page("/moderation/queue").await;
    let ids = change_ids(&queue);
    assert_eq!(ids.len(), 2, "the moderator's own change is patrolled already");
    assert!(ids[0] < ids[1], "oldest first");
    assert_eq!(texts(&queue, "tr.change td:nth-child(2)"), ["alice", "alice"]);
    let button = format!("Mark patrolled: change {}", ids[0]);
    assert_eq!(attrs(&queue, &format!("button[aria-label='{button}']"), "type"), ["submit"]);

    let res = maud.post_form(&format!("/changes/{}/patrol", ids[0]), &[]).await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(change_ids(&maud.page("/moderation/queue").await), [ids[1]]);
    let unpatrolled = maud.page("/recent?unpatrolled=1").await;
    assert_eq!(change_ids(&unpatrolled), [ids[1]]);
    assert_eq!(app.post_form(&format!("/changes/{}/patrol", ids[1]), &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(change_ids(&maud.page("/moderation/queue").await), [ids[1]]);
    let log = maud.page("/moderation/log?action=patrol").await;
    assert_eq!(texts(&log, "tbody tr").len(), 1);
}

#[tokio::test]
async fn blame_credits_an_untouched_paragraph_to_its_first_revision_and_an_edited_one_to_the_new_revision() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Pluto was discovered in 1930.\n\nIt is a planet.", "Start").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    maud.save_synthesis_ok(&slug, 1, "Pluto was discovered in 1930.\n\nIt is a dwarf planet since 2006.", "Fix").await;

    let html = app.page(&format!("/threads/{slug}/blame")).await;

    assert_eq!(texts(&html, "h1"), ["Who wrote what in revision 2 (current)"]);
    assert_eq!(texts(&html, "td.blame-text"), ["Pluto was discovered in 1930.", "It is a dwarf planet since 2006."]);
    assert_eq!(texts(&html, "td.blame-meta a[href*='/revisions/']"), ["Revision 1", "Revision 2"]);
    assert_eq!(texts(&html, "td.blame-meta a[href^='/users/']"), ["alice", "maud"]);
    assert_eq!(texts(&html, "td.blame-meta .summary"), ["“Start”", "“Fix”"]);
    assert_eq!(texts(&html, "td.blame-meta time").len(), 2);

    let old = app.page(&format!("/threads/{slug}/blame?rev=1")).await;
    assert_eq!(texts(&old, "td.blame-text"), ["Pluto was discovered in 1930.", "It is a planet."]);
    assert_eq!(texts(&old, "td.blame-meta a[href*='/revisions/']"), ["Revision 1", "Revision 1"]);
}

#[tokio::test]
async fn the_diff_marks_changed_words_and_links_the_neighbouring_changes() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Pluto is a planet.", "").await;
    app.save_synthesis_ok(&slug, 1, "Pluto is a dwarf planet.", "").await;
    app.save_synthesis_ok(&slug, 2, "Pluto is a dwarf planet of the Kuiper belt.", "").await;

    let inline = app.page(&format!("/threads/{slug}/diff?from=1&to=2")).await;
    assert_eq!(texts(&inline, "table.diff ins mark"), ["dwarf"]);
    assert!(texts(&inline, "table.diff del mark").is_empty(), "no word was removed");
    assert!(texts(&inline, "a[rel=prev]").is_empty(), "revision 1 has no earlier change");
    assert_eq!(texts(&inline, "a[rel=next]"), ["Next change →"]);
    assert_eq!(attrs(&inline, "a[rel=next]", "href"), [format!("/threads/{slug}/diff?from=2&to=3")]);

    let side = app.page(&format!("/threads/{slug}/diff?from=2&to=3&view=side")).await;
    assert_eq!(texts(&side, "table.side-by-side td.diff-removed"), ["Pluto is a dwarf planet."]);
    assert_eq!(texts(&side, "table.side-by-side td del"), ["planet."]);
    assert_eq!(texts(&side, "table.side-by-side td ins"), ["planet of the Kuiper belt."]);
    assert_eq!(texts(&side, "a[rel=prev]"), ["← Previous change"]);
    assert_eq!(attrs(&side, "a[rel=prev]", "href"), [format!("/threads/{slug}/diff?from=1&to=2&view=side")]);
    assert!(texts(&side, "a[rel=next]").is_empty(), "revision 3 is the newest");
}

#[tokio::test]
async fn the_moderation_log_lists_hides_locks_suspensions_and_rollbacks_with_their_reasons() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Good.", "").await;
    let bob = app.browser_as("bob", Role::Curator).await;
    let res = app.post_form(&format!("/threads/{slug}/curators"), &[("username", "bob")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    bob.save_synthesis_ok(&slug, 1, "Bad.", "").await;
    bob.save_synthesis_ok(&slug, 2, "Worse.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let change = change_behind_hide_link(&maud, &slug, 2).await;
    assert_eq!(
        maud.post_form(&format!("/changes/{change}/hide"), &[("reason", "insult")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let rollback = [("username", "bob"), ("base_seq", "3"), ("reason", "vandal")];
    assert_eq!(maud.post_form(&format!("/threads/{slug}/rollback"), &rollback).await.status(), StatusCode::SEE_OTHER);
    let lock = [("reason", "edit war"), ("until", "")];
    assert_eq!(maud.post_form(&format!("/threads/{slug}/lock"), &lock).await.status(), StatusCode::SEE_OTHER);
    let profile = maud.page("/users/bob").await;
    let suspend = form_action(&profile, "Suspend bob").unwrap();
    assert_eq!(maud.post_form(&suspend, &[("reason", "repeat vandal")]).await.status(), StatusCode::SEE_OTHER);

    let log = maud.page("/moderation/log").await;

    let actions = texts(&log, "tbody td:nth-child(3)");
    assert_eq!(actions.len(), 4, "{actions:?}");
    assert!(actions[0].starts_with("suspended bob"), "{actions:?}");
    assert!(actions[1].starts_with("locked \"Is Pluto a planet?\""), "{actions:?}");
    assert!(actions[2].starts_with("rolled back 2 edits by bob"), "{actions:?}");
    assert!(actions[3].starts_with("hid revision 2"), "{actions:?}");
    assert_eq!(texts(&log, "tbody td:nth-child(5)"), ["repeat vandal", "edit war", "vandal", "insult"]);
    assert_eq!(texts(&log, "tbody td:nth-child(2)"), ["maud", "maud", "maud", "maud"]);
    // Each entry links to what it concerns: the user, the thread, the revision.
    let links: Vec<Vec<String>> =
        (1..=4).map(|row| attrs(&log, &format!("tbody tr:nth-child({row}) td:nth-child(4) a"), "href")).collect();
    let thread = format!("/threads/{slug}");
    assert_eq!(links[0], ["/users/bob"]);
    assert_eq!(links[1], std::slice::from_ref(&thread));
    assert!(links[2].contains(&thread), "{:?}", links[2]);
    assert_eq!(links[3], [format!("{thread}/revisions/2"), thread.clone(), "/users/bob".to_owned()]);
    assert_eq!(texts(&log, "tbody tr:nth-child(4) td:nth-child(4) a"), ["Revision 2", "“Is Pluto a planet?”", "bob"]);
    let locks = maud.page("/moderation/log?action=lock").await;
    assert_eq!(texts(&locks, "tbody td:nth-child(5)"), ["edit war"]);
    assert_eq!(maud.get("/moderation/log?action=nonsense").await.status(), StatusCode::BAD_REQUEST);
    // Bob's own page tells moderators what happened to his account.
    let profile = maud.page("/users/bob").await;
    assert!(texts(&profile, "ul.log li").iter().any(|l| l.contains("suspended bob") && l.contains("repeat vandal")));

    assert_eq!(app.get("/moderation/log").await.status(), StatusCode::FORBIDDEN, "a curator");
    assert_eq!(app.another_browser().get("/moderation/log").await.status(), StatusCode::SEE_OTHER, "anonymous");
}

#[tokio::test]
async fn locks_and_suspensions_take_their_end_in_the_same_date_time_input() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let lock = maud.page(&format!("/threads/{slug}/lock")).await;
    let profile = maud.page("/users/alice").await;
    let control = |html: &str| {
        let id = attrs(html, "input[name=until]", "id");
        assert_eq!(id.len(), 1);
        (
            attrs(html, "input[name=until]", "type"),
            texts(html, &format!("label[for={}]", id[0])),
            texts(html, &format!("#{}-hint", id[0])),
        )
    };
    assert_eq!(control(&lock).0, ["datetime-local"]);
    assert_eq!(control(&lock), control(&profile), "the same input, label and hint");

    // A browser's datetime-local value ends both at the same moment.
    let until = [("reason", "cool down"), ("until", "2099-01-01T12:00")];
    assert_eq!(maud.post_form(&format!("/threads/{slug}/lock"), &until).await.status(), StatusCode::SEE_OTHER);
    let suspend = form_action(&profile, "Suspend alice").unwrap();
    assert_eq!(maud.post_form(&suspend, &until).await.status(), StatusCode::SEE_OTHER);
    let log = texts(&maud.page("/moderation/log").await, "tbody td:nth-child(3)");
    assert!(log.iter().all(|entry| entry.contains("until 2099-01-01 12:00 UTC")), "{log:?}");
    let bad = maud.post_form(&format!("/threads/{slug}/lock"), &[("reason", "x"), ("until", "soon")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_moderation_log_and_the_changelog_cannot_be_rewritten_through_sql() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Text.", "").await;
    let maud = app.browser_as("maud", Role::Moderator).await;
    let res = maud.post_form(&format!("/threads/{slug}/lock"), &[("reason", "edit war")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("moderation_log").await, 1);

    for sql in [
        "UPDATE moderation_log SET reason = 'nothing happened'",
        "DELETE FROM moderation_log",
        "DELETE FROM changes",
        "UPDATE changes SET reason = 'rewritten'",
        "UPDATE changes SET actor_id = (SELECT id FROM users WHERE username = 'maud')",
        "DELETE FROM revisions",
        "UPDATE revisions SET body_md = 'rewritten'",
    ] {
        let refused = execute(&app, sql).await.expect_err(sql);
        assert!(refused.contains("append-only") || refused.contains("immutable"), "{sql}: {refused}");
    }

    let log = maud.page("/moderation/log").await;
    assert_eq!(texts(&log, "tbody td:nth-child(5)"), ["edit war"]);
    assert_eq!(stored_bodies(&app).await, ["Text."]);
    // The moderation columns stay writable: that is how patrol and hide work.
    assert_eq!(execute(&app, "UPDATE changes SET patrolled_at = now()").await, Ok(1));
}

#[tokio::test]
async fn answering_and_reopening_a_question_shows_on_the_page_and_in_the_history() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let res = app.post_form(&format!("/threads/{slug}/questions"), &[("question", "Is Pluto round?")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = only_question(&app, &slug).await;
    let form = app.page(&format!("/threads/{slug}/questions/{id}/answer")).await;
    assert_every_control_labelled(&form);
    let res =
        app.post_form(&format!("/threads/{slug}/questions/{id}/answer"), &[("answer", " "), ("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "an answer is required");

    let res = app
        .post_form(
            &format!("/threads/{slug}/questions/{id}/answer"),
            &[("answer", "Yes, it is."), ("reason", "photos")],
        )
        .await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert!(texts(&page, "section[aria-labelledby=questions] ul.questions > li").len() == 1);
    assert_eq!(texts(&page, "details.answered summary"), ["Answered questions (1)"]);
    assert_eq!(texts(&page, "details.answered .answer"), ["Answer: Yes, it is."]);
    assert_eq!(texts(&page, "section[aria-labelledby=questions] .empty"), ["No open questions."]);

    let res = app.post_form(&format!("/threads/{slug}/questions/{id}/reopen"), &[("reason", "new data")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert!(texts(&page, "details.answered").is_empty());
    assert_eq!(only_question(&app, &slug).await, id);
    let res = app.post_form(&format!("/threads/{slug}/questions/{id}/reopen"), &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "an open question cannot be reopened");

    let history = app.page(&format!("/threads/{slug}/history")).await;
    let whats = changes(&history);
    assert_eq!(whats.len(), 3, "{whats:?}");
    assert_eq!(
        whats,
        [
            "reopened question “Is Pluto round?”",
            "answered question “Is Pluto round?”",
            "opened question “Is Pluto round?”"
        ]
    );
    assert_eq!(texts(&history, ".summary"), ["“new data”", "“photos”"]);
    assert_eq!(texts(&history, "dl.field-changes dt"), ["answer", "answer", "question"]);
    assert_eq!(texts(&history, "dl.field-changes del"), ["Yes, it is.", "—", "—"]);
    assert_eq!(texts(&history, "dl.field-changes ins"), ["—", "Yes, it is.", "Is Pluto round?"]);
    let item = app.page(&format!("/threads/{slug}/questions/{id}/history")).await;
    assert_eq!(texts(&item, "h1"), ["History of the question “Is Pluto round?”"]);
    assert_eq!(texts(&item, "tr.change").len(), 3);
}

#[tokio::test]
async fn recent_changes_page_back_with_an_older_changes_link_without_repeats() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    for seq in 1..=56 {
        app.save_synthesis_ok(&slug, seq - 1, &format!("Text number {seq}."), "").await;
    }
    let total = app.count("changes").await;
    assert!(total > 50, "{total} changes");

    let first = app.page("/recent").await;
    let first_ids = change_ids(&first);
    assert_eq!(first_ids.len(), 50);
    assert_eq!(texts(&first, "nav a[rel=next]"), ["Older changes"]);
    let next = attrs(&first, "nav a[rel=next]", "href").remove(0);
    assert_eq!(next, format!("/recent?before={}", first_ids[49]));

    let second = app.page(&next).await;
    let second_ids = change_ids(&second);
    assert!(attrs(&second, "nav a[rel=next]", "href").is_empty(), "two pages in all");
    let all: Vec<i64> = first_ids.iter().chain(&second_ids).copied().collect();
    assert_eq!(all.len() as i64, total, "every change once");
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats: {all:?}");

    // Filters survive into the next page's link.
    let filtered = app.page("/recent?kind=synthesis&user=alice").await;
    let href = attrs(&filtered, "nav a[rel=next]", "href").remove(0);
    assert!(href.starts_with("/recent?kind=synthesis&user=alice&before="), "{href}");
    assert_eq!(change_ids(&app.page(&href).await).len(), 6);
}

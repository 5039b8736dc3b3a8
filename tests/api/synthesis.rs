//! Tests: saving the canonical synthesis, edit conflicts, history, diffs, revisions and revert.

use agora::db::schema::revisions;
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, change_ids, changes_column, section, table_column, texts};

/// Every stored revision as (seq, body), oldest first.
async fn stored_revisions(app: &TestApp) -> Vec<(i32, String)> {
    app.query(|c| {
        revisions::table
            .order(revisions::seq)
            .select((revisions::seq, revisions::body_md))
            .load::<(i32, String)>(c)
            .unwrap()
    })
    .await
}

/// Reverts to `seq` as if from the revision page, which saw `base_seq` as the head.
async fn revert(app: &TestApp, slug: &str, seq: i32, base_seq: i32, reason: &str) -> reqwest::Response {
    let base = base_seq.to_string();
    app.post_form(&format!("/threads/{slug}/revisions/{seq}/revert"), &[("base_seq", &base), ("reason", reason)]).await
}

/// What each entry of a thread's history says happened, top row first.
fn history_changes(html: &str) -> Vec<String> {
    changes_column(html, "Change")
}

/// The summary cell of each entry of a thread's history (with its "changes" link), top row first.
fn history_summaries(html: &str) -> Vec<String> {
    changes_column(html, "Summary")
}

#[tokio::test]
async fn the_first_save_creates_revision_one_and_the_page_credits_its_author() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let before = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&before, &format!("{} .empty", section("synthesis"))), ["No synthesis has been written yet."]);

    let res = app.save_synthesis(&slug, 0, "Pluto was **demoted** in 2006.", "First draft").await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}#synthesis"));
    assert_eq!(app.count("revisions").await, 1);
    let html = app.page(&format!("/threads/{slug}")).await;
    let meta = texts(&html, &format!("{} .meta", section("synthesis")));
    assert_eq!(meta.len(), 1);
    assert!(meta[0].starts_with("Author: alice | Last updated:"), "meta: {meta:?}");
    assert!(meta[0].ends_with("Revision 1"), "meta: {meta:?}");
    assert_eq!(texts(&html, &format!("{} .prose", section("synthesis"))), ["Pluto was demoted in 2006."]);
    assert_eq!(texts(&html, &format!("{} .prose strong", section("synthesis"))), ["demoted"]);
}

#[tokio::test]
async fn the_editor_starts_from_the_current_text_and_head() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Version one.", "").await;
    app.save_synthesis_ok(&slug, 1, "Version two.", "").await;

    let html = app.page(&format!("/threads/{slug}/synthesis/edit")).await;

    assert_eq!(texts(&html, "textarea[name=body]"), ["Version two."]);
    assert_eq!(attrs(&html, "input[type=hidden][name=base_seq]", "value"), ["2"]);
    assert_every_control_labelled(&html);
}

#[tokio::test]
async fn a_save_from_a_stale_base_is_a_conflict_that_keeps_both_versions() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "The original text.", "").await;
    app.save_synthesis_ok(&slug, 1, "Someone else's newer text.", "Their edit").await;

    let res = app.save_synthesis(&slug, 1, "My own careful text.", "My edit").await;

    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "h1"), ["Edit conflict"]);
    assert_eq!(texts(&html, "textarea[name=body]"), ["My own careful text."]);
    assert!(attrs(&html, "textarea[name=body]", "readonly").is_empty(), "the user's own text must stay editable");
    assert_eq!(attrs(&html, "input[name=summary]", "value"), ["My edit"]);
    assert_eq!(attrs(&html, "input[type=hidden][name=base_seq]", "value"), ["2"]);
    assert_eq!(texts(&html, "textarea[readonly]"), ["Someone else's newer text."]);
    assert_eq!(texts(&html, "table.diff del"), ["Someone else's newer text."]);
    assert_eq!(texts(&html, "table.diff ins"), ["My own careful text."]);
    assert_every_control_labelled(&html);
    assert_eq!(app.count("revisions").await, 2);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, &format!("{} .prose", section("synthesis"))), ["Someone else's newer text."]);
}

#[tokio::test]
async fn a_conflict_from_a_browser_sending_crlf_marks_only_the_changed_line() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "First line.\nSecond line.\nThird line.", "").await;
    app.save_synthesis_ok(&slug, 1, "First line.\nSecond line.\nThird line, theirs.", "").await;

    // A textarea submits its lines with CRLF.
    let res = app.save_synthesis(&slug, 1, "First line.\r\nSecond line, mine.\r\nThird line.\r\n", "").await;

    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "table.diff del.line"), ["Second line.", "Third line, theirs."]);
    assert_eq!(texts(&html, "table.diff ins.line"), ["Second line, mine.", "Third line."]);
    assert_eq!(attrs(&html, "table.diff td.sign", "aria-label"), ["same", "removed", "removed", "added", "added"]);
}

#[tokio::test]
async fn texts_submitted_with_crlf_or_cr_are_stored_with_lf() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "One.\r\n\r\nTwo.\rThree.\r\n", "").await;
    app.api_save_synthesis_ok(&slug, 1, "One.\r\n\r\nTwo, via the API.\r\n", "").await;

    assert_eq!(
        stored_revisions(&app).await,
        [(1, "One.\n\nTwo.\nThree.".to_owned()), (2, "One.\n\nTwo, via the API.".to_owned())]
    );
    // A JSON conflict echoes the caller's text as validated.
    let res = app.api_save_synthesis(&slug, 1, "One.\r\n\r\nTwo, stale.", "").await;
    let body = crate::helpers::expect_json(res, StatusCode::CONFLICT).await;
    assert_eq!(body["yours"], "One.\n\nTwo, stale.");
}

#[tokio::test]
async fn resubmitting_the_conflict_form_saves_on_top_of_the_newer_revision() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "The original text.", "").await;
    app.save_synthesis_ok(&slug, 1, "Someone else's newer text.", "").await;
    let conflict = app.save_synthesis(&slug, 1, "Merged text.", "Merge").await.text().await.unwrap();
    let base: i32 = attrs(&conflict, "input[name=base_seq]", "value")[0].parse().unwrap();

    app.save_synthesis_ok(&slug, base, "Merged text.", "Merge").await;

    assert_eq!(app.count("revisions").await, 3);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, &format!("{} .prose", section("synthesis"))), ["Merged text."]);
}

#[tokio::test]
async fn of_two_saves_from_the_same_base_exactly_one_wins() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "The original text.", "").await;

    let (a, b) = tokio::join!(app.save_synthesis(&slug, 1, "Edit A.", ""), app.save_synthesis(&slug, 1, "Edit B.", ""));

    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::SEE_OTHER, StatusCode::CONFLICT]);
    assert_eq!(app.count("revisions").await, 2);
}

#[tokio::test]
async fn saving_identical_text_creates_no_revision() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Unchanging text.", "").await;

    app.save_synthesis_ok(&slug, 1, "Unchanging text.", "No-op").await;
    app.save_synthesis_ok(&slug, 1, "Unchanging text.  \r\n", "Trailing whitespace only").await;

    assert_eq!(app.count("revisions").await, 1);
    assert_eq!(app.count("changes").await, 1, "an unchanged save writes nothing to the changelog");
    let history = app.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(history_changes(&history), ["Revision 1 edited the synthesis (1 paragraph)"]);
}

#[tokio::test]
async fn the_history_lists_revisions_newest_first_with_authors_and_summaries() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "One.", "Start").await;
    app.save_synthesis_ok(&slug, 1, "One. Two.", "Add two").await;
    app.login_as("maud", Role::Moderator).await;
    app.save_synthesis_ok(&slug, 2, "One. Two. Three.", "Add three").await;

    let html = app.page(&format!("/threads/{slug}/history")).await;

    assert_eq!(texts(&html, "h1"), ["History of Is Pluto a planet?"]);
    assert_eq!(texts(&html, "table.changes caption"), ["Changes, newest first. Choose two revisions to compare."]);
    assert_eq!(
        texts(&html, "table.changes thead th"),
        ["From", "To", "Change", "Who", "When", "Summary", "Moderation"],
        "maud is a moderator"
    );
    assert_eq!(
        history_changes(&html),
        [
            "Revision 3 edited the synthesis (1 paragraph)",
            "Revision 2 edited the synthesis (1 paragraph)",
            "Revision 1 edited the synthesis (1 paragraph)"
        ]
    );
    let revision_links = format!("table.changes a[href^='/threads/{slug}/revisions/']");
    assert_eq!(texts(&html, &revision_links), ["Revision 3", "Revision 2", "Revision 1"]);
    assert_eq!(attrs(&html, &revision_links, "href")[0], format!("/threads/{slug}/revisions/3"));
    assert_eq!(changes_column(&html, "Who"), ["maud", "alice", "alice"]);
    assert_eq!(
        attrs(&html, "table.changes a[href^='/users/']", "href"),
        ["/users/maud", "/users/alice", "/users/alice"]
    );
    assert_eq!(history_summaries(&html), ["“Add three” changes", "“Add two” changes", "“Start”"]);
    assert_eq!(
        attrs(&html, "a[aria-label='Changes in revision 3']", "href"),
        [format!("/threads/{slug}/diff?from=2&to=3")]
    );
    assert_eq!(
        texts(&html, "table.changes label"),
        [
            "Compare from revision 3",
            "Compare to revision 3",
            "Compare from revision 2",
            "Compare to revision 2",
            "Compare from revision 1",
            "Compare to revision 1"
        ]
    );
    assert!(attrs(&html, "nav a[rel=next]", "href").is_empty(), "one page only");
    assert_every_control_labelled(&html);
    let anonymous = app.another_browser().page(&format!("/threads/{slug}/history")).await;
    assert_eq!(texts(&anonymous, "table.changes thead th"), ["From", "To", "Change", "Who", "When", "Summary"]);
    assert_eq!(changes_column(&anonymous, "Who"), ["maud", "alice", "alice"]);
}

#[tokio::test]
async fn the_history_pages_with_a_before_cursor() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    // An entry in another thread first, so changelog ids and revision numbers differ by one and
    // a cursor holding a revision number would be caught.
    let other = app.create_thread("Is Ceres a planet?").await;
    let res = app.post_form(&format!("/threads/{other}/questions"), &[("question", "Is Ceres round?")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for seq in 1..=55 {
        app.save_synthesis_ok(&slug, seq - 1, &format!("Text number {seq}."), &format!("Edit {seq}")).await;
    }

    let first = app.page(&format!("/threads/{slug}/history")).await;
    let first_changes = history_changes(&first);
    assert_eq!(first_changes.len(), 50);
    assert_eq!(first_changes[0], "Revision 55 edited the synthesis (1 paragraph)");
    assert_eq!(first_changes[49], "Revision 6 edited the synthesis (1 paragraph)");
    let first_ids = change_ids(&first);
    assert_eq!(texts(&first, "nav a[rel=next]"), ["Older changes"]);
    let next = attrs(&first, "nav a[rel=next]", "href").remove(0);
    assert_eq!(next, format!("/threads/{slug}/history?before={}", first_ids[49]), "the last entry's change id");
    assert_ne!(first_ids[49], 6, "the change id of revision 6 is not 6");

    let second = app.page(&next).await;
    assert_eq!(
        history_changes(&second),
        (1..=5).rev().map(|seq| format!("Revision {seq} edited the synthesis (1 paragraph)")).collect::<Vec<_>>()
    );
    assert!(attrs(&second, "nav a[rel=next]", "href").is_empty());
    let all: Vec<i64> = first_ids.iter().chain(&change_ids(&second)).copied().collect();
    assert_eq!(all.len(), 55, "every change once");
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats: {all:?}");
}

#[tokio::test]
async fn the_diff_page_shows_removed_and_added_lines() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Line one\nLine two\nLine three", "").await;
    app.save_synthesis_ok(&slug, 1, "Line one\nLine 2, rewritten\nLine 2b\nLine three", "").await;

    let html = app.page(&format!("/threads/{slug}/diff?from=1&to=2")).await;

    assert_eq!(texts(&html, "h1"), ["Changes from revision 1 to revision 2"]);
    assert_eq!(texts(&html, "table.diff del.line"), ["Line two"]);
    assert_eq!(texts(&html, "table.diff ins.line"), ["Line 2, rewritten", "Line 2b"]);
    assert_eq!(texts(&html, "table.diff caption"), ["1 line removed, 2 lines added; changed words are marked"]);
    assert_eq!(
        table_column(&html, "table.diff", "Text"),
        ["Line one", "Line two", "Line 2, rewritten", "Line 2b", "Line three"]
    );
    assert_eq!(attrs(&html, "table.diff td.sign", "aria-label"), ["same", "removed", "added", "added", "same"]);
    assert!(texts(&html, "tr.diff-skip").is_empty(), "two lines of context show every unchanged line here");
}

#[tokio::test]
async fn comparing_revisions_that_are_not_adjacent_marks_the_changed_words() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(
        &slug,
        0,
        "Open models lag by a year.\n\nA paragraph dropped later.\n\nLicences restrict most uses.",
        "",
    )
    .await;
    app.save_synthesis_ok(
        &slug,
        1,
        "Open models lag by six months.\n\nA paragraph dropped later.\n\nLicences restrict most uses.",
        "",
    )
    .await;
    app.save_synthesis_ok(&slug, 2, "Open models lag by six months.\n\nLicences restrict most uses.", "").await;
    app.save_synthesis_ok(
        &slug,
        3,
        "Open models lag by six months.\n\nLicences restrict some uses.\n\nA new closing line.",
        "",
    )
    .await;

    let html = app.page(&format!("/threads/{slug}/diff?from=1&to=4")).await;

    assert_eq!(texts(&html, "table.diff caption"), ["3 lines removed, 3 lines added; changed words are marked"]);
    // Each reworded paragraph is paired with its later wording and its changed words marked;
    // the paragraph removed and the one added are shown whole.
    assert_eq!(texts(&html, "table.diff del.line mark"), ["a", "year.", "most"]);
    assert_eq!(texts(&html, "table.diff ins.line mark"), ["six", "months.", "some"]);
}

#[tokio::test]
async fn appending_a_paragraph_does_not_mark_the_previous_last_one_as_changed() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "First paragraph.\n\nSecond paragraph.", "").await;
    app.save_synthesis_ok(&slug, 1, "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.", "").await;

    let html = app.page(&format!("/threads/{slug}/diff?from=1&to=2")).await;

    assert_eq!(texts(&html, "table.diff del"), Vec::<String>::new(), "nothing was removed");
    assert_eq!(texts(&html, "table.diff ins.line"), ["", "Third paragraph."]);
    // Two unchanged lines of context before the addition; the first paragraph is collapsed.
    assert_eq!(texts(&html, "tr.diff-skip"), ["… 1 unchanged line …"]);
    assert_eq!(table_column(&html, "table.diff", "Text"), ["", "Second paragraph.", "", "Third paragraph."]);
    assert_eq!(attrs(&html, "table.diff td.sign", "aria-label"), ["same", "same", "added", "added"]);
    assert_eq!(texts(&html, "table.diff caption"), ["0 lines removed, 2 lines added; changed words are marked"]);
}

#[tokio::test]
async fn a_diff_with_an_unknown_revision_is_a_404() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Only text.", "").await;

    assert_eq!(app.get(&format!("/threads/{slug}/diff?from=1&to=9")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/threads/{slug}/revisions/9")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/threads/{slug}/revisions/abc")).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_revision_page_shows_that_revisions_text() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "The *old* text.", "Old").await;
    app.save_synthesis_ok(&slug, 1, "The new text.", "New").await;

    let old = app.page(&format!("/threads/{slug}/revisions/1")).await;
    assert_eq!(texts(&old, "h1"), ["Revision 1"]);
    assert_eq!(texts(&old, ".prose"), ["The old text."]);
    assert_eq!(texts(&old, ".prose em"), ["old"]);
    assert_eq!(attrs(&old, "main a[href^='/users/']", "href"), ["/users/alice"]);
    assert_eq!(
        attrs(&old, "main a[href*='/blame']", "href"),
        [format!("/threads/{slug}/blame?rev=1")],
        "a link to who wrote what in this revision"
    );
    assert_eq!(texts(&old, "main a[href*='/blame']"), ["Who wrote what in this revision"]);
    assert_eq!(texts(&old, "#actions-heading"), ["Go back"]);
    // Revision 1 changed nothing before it, so there is nothing to undo; it can be reverted to.
    assert_eq!(texts(&old, ".restore-choices a"), ["Revert to revision 1"]);
    assert_eq!(attrs(&old, ".restore-choices a", "href"), [format!("/threads/{slug}/revisions/1/revert")]);
    assert_every_control_labelled(&old);

    let current = app.page(&format!("/threads/{slug}/revisions/2")).await;
    assert_eq!(texts(&current, "h1"), ["Revision 2 (current)"]);
    assert_eq!(texts(&current, ".prose"), ["The new text."]);
    assert_eq!(
        texts(&current, ".restore-choices a"),
        ["Undo revision 2"],
        "the current revision can be undone but not reverted to"
    );
    assert_eq!(attrs(&current, ".restore-choices a", "href"), [format!("/threads/{slug}/revisions/2/undo")]);
    assert_every_control_labelled(&current);
}

#[tokio::test]
async fn reverting_creates_a_new_revision_with_the_old_text_and_keeps_history() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Good text.", "Good").await;
    app.save_synthesis_ok(&slug, 1, "Vandalised text.", "Bad").await;
    app.login_as("maud", Role::Moderator).await;

    let res = revert(&app, &slug, 1, 2, "undo vandalism").await;

    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}#synthesis"));
    assert_eq!(
        stored_revisions(&app).await,
        [(1, "Good text.".to_owned()), (2, "Vandalised text.".to_owned()), (3, "Good text.".to_owned())]
    );
    let history = app.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(
        history_changes(&history),
        [
            "Revision 3 reverted the synthesis (no new text)",
            "Revision 2 edited the synthesis (1 paragraph)",
            "Revision 1 edited the synthesis (1 paragraph)"
        ]
    );
    assert_eq!(changes_column(&history, "Who"), ["maud", "alice", "alice"]);
    assert_eq!(history_summaries(&history)[0], "“Reverted to revision 1 (written by alice): undo vandalism” changes");
    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, &format!("{} .prose", section("synthesis"))), ["Good text."]);
}

#[tokio::test]
async fn reverting_without_a_reason_through_the_api_still_says_what_was_restored() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Good text.", "").await;
    app.save_synthesis_ok(&slug, 1, "Other text.", "").await;

    // The page's confirmation asks for a reason (tests/api/feedback.rs); the API leaves it optional.
    let res = app
        .post_json(&format!("/api/v1/threads/{slug}/revisions/1/revert"), &serde_json::json!({ "base_seq": 2 }))
        .await;

    assert!(res.status().is_success(), "{}", res.status());
    let history = app.page(&format!("/threads/{slug}/history")).await;
    assert_eq!(history_changes(&history)[0], "Revision 3 reverted the synthesis (no new text)");
    assert_eq!(history_summaries(&history)[0], "“Reverted to revision 1 (written by alice)” changes");
}

#[tokio::test]
async fn reverting_from_a_stale_base_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "First.", "").await;
    app.save_synthesis_ok(&slug, 1, "Second.", "").await;
    app.save_synthesis_ok(&slug, 2, "Third.", "").await;

    let res = revert(&app, &slug, 1, 2, "went wrong").await;

    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(app.count("revisions").await, 3);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(texts(&page, &format!("{} .prose", section("synthesis"))), ["Third."]);
}

#[tokio::test]
async fn reverting_to_the_current_revision_is_refused() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "First.", "").await;

    let res = revert(&app, &slug, 1, 1, "").await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("revisions").await, 1);
}

#[tokio::test]
async fn an_empty_synthesis_is_refused_with_the_form_kept() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    let res = app.save_synthesis(&slug, 0, "  \r\n  ", "My summary").await;

    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]").iter().any(|e| e.contains("cannot be empty")));
    assert_eq!(attrs(&html, "input[name=summary]", "value"), ["My summary"]);
    assert_eq!(attrs(&html, "input[type=hidden][name=base_seq]", "value"), ["0"]);
    assert_eq!(texts(&html, "textarea[name=body]").len(), 1);
    assert_eq!(app.count("revisions").await, 0);
}

#[tokio::test]
async fn a_reader_cannot_edit_or_save_the_synthesis() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "Curated text.", "").await;
    app.login_as("rita", Role::Reader).await;

    assert_eq!(app.get(&format!("/threads/{slug}/synthesis/edit")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.save_synthesis(&slug, 1, "Reader text.", "").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(revert(&app, &slug, 1, 1, "").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("revisions").await, 1);
    let page = app.page(&format!("/threads/{slug}")).await;
    assert!(
        texts(&page, &format!("{} a", section("synthesis"))).iter().all(|t| t != "Edit synthesis"),
        "a reader is offered the editor"
    );
}

#[tokio::test]
async fn a_curator_of_another_thread_cannot_save_its_synthesis() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.login_as("bob", Role::Curator).await;

    assert_eq!(app.save_synthesis(&slug, 0, "Bob's text.", "").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("revisions").await, 0);
}

//! Issue 15 items 8 and 9: a confirmation (flash) after every form that changes something, and
//! a confirmation page (with a preview and a required reason) before deleting an item,
//! reverting and undoing. That *every* state-changing form sets a flash is checked by the
//! authorization matrix (`authz.rs`), which sends each one; these tests show how it behaves.

use agora::domain::roles::Role;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;

use crate::helpers::{TestApp, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, section, texts};

/// The `Set-Cookie` headers of a response that name the flash cookie.
fn flash_cookies(res: &reqwest::Response) -> Vec<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.starts_with("agora_flash="))
        .map(str::to_owned)
        .collect()
}

/// The text of the page's status region (empty when it has nothing to say).
fn flash(html: &str) -> Vec<String> {
    texts(html, "main > .flash[role=status] p")
}

#[tokio::test]
async fn a_save_is_confirmed_once_on_the_page_it_leads_to() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    let res = app.save_synthesis(&slug, 0, "First text.", "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set = flash_cookies(&res);
    assert_eq!(set.len(), 1, "{set:?}");
    let cookie = &set[0];
    assert!(cookie.starts_with("agora_flash=saved;"), "only the key travels: {cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=60"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }

    let shown = app.get(&location(&res)).await;
    assert_eq!(shown.status(), StatusCode::OK);
    let ended = flash_cookies(&shown);
    assert!(ended.iter().any(|c| c.contains("Max-Age=0")), "the page that shows it ends it: {ended:?}");
    let html = shown.text().await.unwrap();
    assert_eq!(flash(&html), ["Saved."]);
    assert_eq!(attrs(&html, "main > .flash", "aria-live"), ["polite"]);

    let again = app.page(&format!("/threads/{slug}")).await;
    assert_eq!(flash(&again), Vec::<String>::new(), "shown once");
    assert_eq!(texts(&again, "main > .flash[role=status]"), [""], "the status region stays, empty");
}

#[tokio::test]
async fn each_kind_of_change_names_what_happened() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "One.", "").await;
    app.page("/").await;

    let res = app.post_form(&format!("/threads/{slug}/follow"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        flash(&app.page(&location(&res)).await),
        ["Following: changes to this thread will show in your notifications."]
    );

    let res = app.post_form(&format!("/threads/{slug}/unfollow"), &[]).await;
    assert_eq!(flash(&app.page(&location(&res)).await), ["No longer following this thread."]);

    let res = app.post_form("/logout", &[]).await;
    assert_eq!(flash(&app.page(&location(&res)).await), ["You are logged out."]);
}

#[tokio::test]
async fn a_forged_or_unknown_flash_cookie_shows_nothing() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    for value in ["%3Cscript%3Ealert(1)%3C%2Fscript%3E", "saved2", ""] {
        let res = client
            .get(format!("{}/", app.address))
            .header("Cookie", format!("agora_flash={value}"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let html = res.text().await.unwrap();
        assert_eq!(flash(&html), Vec::<String>::new(), "{value}");
        assert!(!html.contains("<script>alert"), "{value}");
    }
}

#[tokio::test]
async fn a_refused_form_and_a_json_write_set_no_flash() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    let refused = app.save_synthesis(&slug, 0, "", "").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(flash_cookies(&refused), Vec::<String>::new());

    let api = app.api_save_synthesis(&slug, 0, "Via the API.", "").await;
    assert!(api.status().is_success(), "{}", api.status());
    assert_eq!(flash_cookies(&api), Vec::<String>::new(), "JSON answers are unchanged");
}

/// The non-blank lines of a diff matching `css`.
fn lines(html: &str, css: &str) -> Vec<String> {
    texts(html, css).into_iter().filter(|l| !l.is_empty()).collect()
}

/// A thread by `alice` with three revisions: 1 writes three paragraphs, 2 changes the first
/// ("Vandalism."), 3 the last ("Later."), far enough apart that undoing 2 keeps 3.
async fn three_revisions(app: &TestApp) -> String {
    let slug = app.curated_thread().await;
    app.save_synthesis_ok(&slug, 0, "A.\n\nB.\n\nC.", "").await;
    app.save_synthesis_ok(&slug, 1, "A. Vandalism.\n\nB.\n\nC.", "").await;
    app.save_synthesis_ok(&slug, 2, "A. Vandalism.\n\nB.\n\nC. Later.", "").await;
    slug
}

async fn head_seq(app: &TestApp, slug: &str) -> i64 {
    app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await["head_seq"].as_i64().unwrap()
}

#[tokio::test]
async fn revert_and_undo_are_separate_explained_links_on_a_revision() {
    let app = spawn_app().await;
    let slug = three_revisions(&app).await;

    let page = app.page(&format!("/threads/{slug}/revisions/2")).await;
    assert_eq!(texts(&page, ".restore-choices li a"), ["Revert to revision 2", "Undo revision 2"]);
    assert_eq!(
        attrs(&page, ".restore-choices li a", "href"),
        [format!("/threads/{slug}/revisions/2/revert"), format!("/threads/{slug}/revisions/2/undo")]
    );
    assert_eq!(
        texts(&page, ".restore-choices li .hint"),
        [
            "Revert to: make a new revision whose text is this revision's text.",
            "Undo: remove only this revision's changes, keeping later edits."
        ]
    );
    assert_eq!(texts(&page, ".revision-actions form"), Vec::<String>::new(), "nothing is done in one click");
}

#[tokio::test]
async fn reverting_asks_first_shows_the_change_and_needs_a_reason() {
    let app = spawn_app().await;
    let slug = three_revisions(&app).await;

    let confirm = app.page(&format!("/threads/{slug}/revisions/1/revert")).await;
    assert_eq!(texts(&confirm, "h1"), ["Revert to revision 1?"]);
    assert!(texts(&confirm, ".confirm-explanation")[0].starts_with("Revert to: make a new revision"));
    assert_eq!(
        texts(&confirm, "#preview-heading"),
        ["What changes: the current text (revision 3) → revision 1's text"]
    );
    assert_eq!(lines(&confirm, ".confirm-preview del.line"), ["A. Vandalism.", "C. Later."], "the text that goes");
    assert_eq!(attrs(&confirm, "main form", "action"), [format!("/threads/{slug}/revisions/1/revert")]);
    assert_eq!(attrs(&confirm, "main form input[name=base_seq]", "value"), ["3"]);
    assert_eq!(attrs(&confirm, "#confirm-reason", "required"), [""]);
    assert_eq!(texts(&confirm, "main form button"), ["Revert to revision 1"]);
    assert_every_control_labelled(&confirm);

    // No reason: nothing saved, the page again with the message (a too long one is kept).
    let long = "x".repeat(301);
    for reason in ["", "   ", long.as_str()] {
        let res = app
            .post_form(&format!("/threads/{slug}/revisions/1/revert"), &[("base_seq", "3"), ("reason", reason)])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{reason:?}");
        let html = res.text().await.unwrap();
        assert_eq!(texts(&html, "h1"), ["Revert to revision 1?"]);
        assert_eq!(texts(&html, "[role=alert]").len(), 1, "{reason:?}");
        assert_eq!(attrs(&html, "#confirm-reason", "value"), [reason]);
        assert_eq!(head_seq(&app, &slug).await, 3, "nothing saved");
    }

    let res = app
        .post_form(&format!("/threads/{slug}/revisions/1/revert"), &[("base_seq", "3"), ("reason", "vandalism")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(head_seq(&app, &slug).await, 4);
    assert_eq!(
        flash(&app.page(&location(&res)).await),
        ["Reverted: the synthesis now has that revision's text, as a new revision."]
    );
}

#[tokio::test]
async fn undoing_asks_first_shows_the_change_it_takes_out_and_needs_a_reason() {
    let app = spawn_app().await;
    let slug = three_revisions(&app).await;

    let confirm = app.page(&format!("/threads/{slug}/revisions/2/undo")).await;
    assert_eq!(texts(&confirm, "h1"), ["Undo revision 2?"]);
    assert!(texts(&confirm, ".confirm-explanation")[0].starts_with("Undo: remove only what revision 2"));
    assert_eq!(lines(&confirm, ".confirm-preview ins.line"), ["A. Vandalism."], "the change that goes");
    assert_eq!(texts(&confirm, "main form button"), ["Undo revision 2"]);

    let res = app.post_form(&format!("/threads/{slug}/revisions/2/undo"), &[("base_seq", "3"), ("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(texts(&res.text().await.unwrap(), "[role=alert]"), ["a reason for undoing is required"]);
    assert_eq!(head_seq(&app, &slug).await, 3);

    let res = app
        .post_form(&format!("/threads/{slug}/revisions/2/undo"), &[("base_seq", "3"), ("reason", "not neutral")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.page(&location(&res)).await;
    assert_eq!(flash(&page), ["Undone: that revision's changes were taken out, as a new revision."]);
    assert_eq!(texts(&page, &format!("{} .prose p", section("synthesis"))), ["A.", "B.", "C. Later."]);
}

#[tokio::test]
async fn the_confirmation_pages_are_for_editors_only() {
    let app = spawn_app().await;
    let slug = three_revisions(&app).await;
    let reader = app.browser_as("rita", Role::Reader).await;
    for path in [format!("/threads/{slug}/revisions/1/revert"), format!("/threads/{slug}/revisions/2/undo")] {
        assert_eq!(reader.get(&path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Nothing to revert to or undo: the current revision, the first one.
    assert_eq!(
        app.get(&format!("/threads/{slug}/revisions/3/revert")).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.get(&format!("/threads/{slug}/revisions/1/undo")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn deleting_an_item_asks_first_shows_it_and_needs_a_reason() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let res = app
        .post_form(&format!("/threads/{slug}/controversies"), &[("title", "Is it round?"), ("body", "Some say *no*.")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(flash(&app.page(&location(&res)).await), ["Added."]);

    let thread = app.page(&format!("/threads/{slug}")).await;
    let delete = attrs(&thread, "a[aria-label='Delete controversy Is it round?']", "href");
    assert_eq!(delete.len(), 1, "Delete is a link to the confirmation");
    assert_eq!(texts(&thread, &format!("{} form", section("controversies"))), Vec::<String>::new());

    let confirm = app.page(&delete[0]).await;
    assert_eq!(texts(&confirm, "h1"), ["Delete this controversy?"]);
    assert_eq!(texts(&confirm, ".item-preview strong"), ["Is it round?"]);
    assert_eq!(texts(&confirm, ".item-preview .plain-text"), ["Some say *no*."]);
    assert_eq!(texts(&confirm, "main form button"), ["Delete controversy"]);
    assert_eq!(attrs(&confirm, "main form", "action"), [delete[0].clone()]);
    assert_every_control_labelled(&confirm);

    let res = app.post_form(&delete[0], &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(texts(&res.text().await.unwrap(), "[role=alert]"), ["a reason for deleting is required"]);
    assert_eq!(app.count("controversies").await, 1, "nothing deleted");

    let res = app.post_form(&delete[0], &[("reason", "a duplicate")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("controversies").await, 0);
    assert_eq!(flash(&app.page(&location(&res)).await), ["Deleted. Its earlier versions stay in the history."]);
}

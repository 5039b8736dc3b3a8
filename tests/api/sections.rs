//! Tests: the arc, interpretations, open questions and controversies of a thread.

use agora::domain::roles::Role;
use reqwest::StatusCode;

use crate::helpers::{TestApp, location, new_client, spawn_app};
use crate::pages::{THREAD_PAGE_HEADINGS, assert_every_control_labelled, attrs, section, texts};

/// The thread page as an anonymous visitor sees it (no edit tools in the text).
async fn public_page(app: &TestApp, slug: &str) -> String {
    let res = new_client().get(format!("{}/threads/{slug}", app.address)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

/// The ids of a section's items, read from their edit links (`/threads/{slug}/{kind}/{id}/edit`).
fn item_ids(html: &str, kind: &str) -> Vec<i64> {
    attrs(html, &format!("{} a[href$='/edit']", section(kind)), "href")
        .iter()
        .map(|href| {
            let parts: Vec<&str> = href.trim_start_matches('/').split('/').collect();
            assert_eq!((parts.len(), parts[2], parts[4]), (5, kind, "edit"), "edit link {href}");
            parts[3].parse().unwrap()
        })
        .collect()
}

/// The exact text of the textarea named `name` (`texts` folds whitespace; line breaks matter here).
fn textarea_value(html: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(&format!("textarea[name={name}]")).unwrap();
    doc.select(&selector).next().expect("the textarea").text().collect()
}

/// Adds an item and expects to be sent back to its section.
async fn add(app: &TestApp, slug: &str, kind: &str, fields: &[(&str, &str)]) {
    let res = app.post_form(&format!("/threads/{slug}/{kind}"), fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "add {kind}");
    assert_eq!(location(&res), format!("/threads/{slug}#{kind}"));
}

/// The id of the only item of `kind` on the thread page.
async fn only_item(app: &TestApp, slug: &str, kind: &str) -> i64 {
    let ids = item_ids(&app.page(&format!("/threads/{slug}")).await, kind);
    assert_eq!(ids.len(), 1, "{kind} items: {ids:?}");
    ids[0]
}

/// The fields that create a valid item of each kind.
/// Also carries `base_version` 1, which edits need and creation ignores.
fn valid_fields(kind: &str) -> Vec<(&'static str, &'static str)> {
    let mut fields = match kind {
        "arc" => vec![("label", "2006"), ("title", "Demotion"), ("body", "The IAU votes.")],
        "interpretations" => {
            vec![("title", "Taxonomic reading"), ("body", "Names are conventions."), ("proponents", "Mike Brown")]
        }
        "questions" => vec![("question", "Will the definition change again?")],
        "controversies" => vec![("title", "Dwarf planets"), ("body", "Is a dwarf planet a planet?")],
        other => panic!("no kind {other}"),
    };
    fields.push(("base_version", "1"));
    fields
}

/// The table each kind is stored in.
fn table(kind: &str) -> &'static str {
    match kind {
        "arc" => "arc_periods",
        "interpretations" => "interpretations",
        "questions" => "open_questions",
        "controversies" => "controversies",
        other => panic!("no kind {other}"),
    }
}

const KINDS: [&str; 4] = ["arc", "interpretations", "questions", "controversies"];

#[tokio::test]
async fn an_arc_period_is_added_edited_and_deleted() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    add(&app, &slug, "arc", &[("label", "2006"), ("title", "Demotion"), ("body", "The IAU votes on a definition.")])
        .await;
    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{} .item h3", section("arc"))), ["2006: Demotion"]);
    assert_eq!(texts(&html, &format!("{} .item .prose", section("arc"))), ["The IAU votes on a definition."]);
    assert!(texts(&html, &format!("{} h3", section("controversies"))).is_empty());

    let id = only_item(&app, &slug, "arc").await;
    let form = app.page(&format!("/threads/{slug}/arc/{id}/edit")).await;
    assert_eq!(attrs(&form, "input[name=label]", "value"), ["2006"]);
    assert_eq!(attrs(&form, "input[name=title]", "value"), ["Demotion"]);
    assert_eq!(texts(&form, "textarea[name=body]"), ["The IAU votes on a definition."]);
    assert_every_control_labelled(&form);

    let res = app
        .post_form(
            &format!("/threads/{slug}/arc/{id}"),
            &[("label", "Aug 2006"), ("title", "The vote"), ("body", "Pluto loses."), ("base_version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{} .item h3", section("arc"))), ["Aug 2006: The vote"]);
    assert_eq!(texts(&html, &format!("{} .item .prose", section("arc"))), ["Pluto loses."]);

    let res = app.post_form(&format!("/threads/{slug}/arc/{id}/delete"), &[("reason", "not needed")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}#arc"));
    let html = public_page(&app, &slug).await;
    assert!(texts(&html, &format!("{} .item", section("arc"))).is_empty());
    assert_eq!(texts(&html, &format!("{} .empty", section("arc"))), ["No periods yet."]);
    assert_eq!(app.count("arc_periods").await, 0);
}

#[tokio::test]
async fn an_interpretation_is_added_with_its_proponents_edited_and_deleted() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let interpretations = section("interpretations");

    add(
        &app,
        &slug,
        "interpretations",
        &[
            ("title", "Democratization reading"),
            ("body", "Open weights spread power."),
            ("proponents", "Yann LeCun\r\nHugging Face\r\n"),
        ],
    )
    .await;
    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{interpretations} .item h3")), ["Democratization reading"]);
    assert_eq!(texts(&html, &format!("{interpretations} .item .prose")), ["Open weights spread power."]);
    assert_eq!(texts(&html, &format!("{interpretations} .proponent")), ["Yann LeCun", "Hugging Face"]);
    assert_eq!(app.count("proponents").await, 2);

    let id = only_item(&app, &slug, "interpretations").await;
    let form = app.page(&format!("/threads/{slug}/interpretations/{id}/edit")).await;
    assert_eq!(textarea_value(&form, "proponents"), "Yann LeCun\nHugging Face", "one proponent per line");
    assert_every_control_labelled(&form);

    let res = app
        .post_form(
            &format!("/threads/{slug}/interpretations/{id}"),
            &[
                ("title", "Proliferation reading"),
                ("body", "Open weights spread risk."),
                ("proponents", "Some safety researchers"),
                ("base_version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{interpretations} .item h3")), ["Proliferation reading"]);
    assert_eq!(texts(&html, &format!("{interpretations} .proponent")), ["Some safety researchers"]);
    assert_eq!(app.count("proponents").await, 1);

    let res = app.post_form(&format!("/threads/{slug}/interpretations/{id}/delete"), &[("reason", "not needed")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = public_page(&app, &slug).await;
    assert!(texts(&html, &format!("{interpretations} .item")).is_empty());
    assert_eq!(app.count("interpretations").await, 0);
    assert_eq!(app.count("proponents").await, 0);
}

#[tokio::test]
async fn an_open_question_is_added_edited_and_deleted() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let questions = format!("{} ul.questions li", section("questions"));

    add(&app, &slug, "questions", &[("question", "Will the definition change again?")]).await;
    assert_eq!(texts(&public_page(&app, &slug).await, &questions), ["Will the definition change again?"]);

    let id = only_item(&app, &slug, "questions").await;
    let form = app.page(&format!("/threads/{slug}/questions/{id}/edit")).await;
    assert_eq!(texts(&form, "textarea[name=question]"), ["Will the definition change again?"]);
    assert_every_control_labelled(&form);
    let res = app
        .post_form(
            &format!("/threads/{slug}/questions/{id}"),
            &[("question", "Who decides what a planet is?"), ("base_version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(texts(&public_page(&app, &slug).await, &questions), ["Who decides what a planet is?"]);

    let res = app.post_form(&format!("/threads/{slug}/questions/{id}/delete"), &[("reason", "not needed")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = public_page(&app, &slug).await;
    assert!(texts(&html, &questions).is_empty());
    assert_eq!(texts(&html, &format!("{} .empty", section("questions"))), ["No open questions."]);
    assert_eq!(app.count("open_questions").await, 0);
}

#[tokio::test]
async fn a_controversy_is_added_edited_and_deleted() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let controversies = section("controversies");

    add(&app, &slug, "controversies", &[("title", "Dwarf planets"), ("body", "Is a dwarf planet a planet?")]).await;
    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{controversies} .item h3")), ["Dwarf planets"]);
    assert_eq!(texts(&html, &format!("{controversies} .item .prose")), ["Is a dwarf planet a planet?"]);

    let id = only_item(&app, &slug, "controversies").await;
    let form = app.page(&format!("/threads/{slug}/controversies/{id}/edit")).await;
    assert_eq!(attrs(&form, "input[name=title]", "value"), ["Dwarf planets"]);
    assert_every_control_labelled(&form);
    let res = app
        .post_form(
            &format!("/threads/{slug}/controversies/{id}"),
            &[("title", "Clearing the orbit"), ("body", "What counts as cleared?"), ("base_version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{controversies} .item h3")), ["Clearing the orbit"]);

    let res = app.post_form(&format!("/threads/{slug}/controversies/{id}/delete"), &[("reason", "not needed")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{controversies} .empty")), ["No active controversies."]);
    assert_eq!(app.count("controversies").await, 0);
}

#[tokio::test]
async fn new_items_are_appended_in_the_order_they_were_added() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    add(&app, &slug, "arc", &[("label", "1930"), ("title", "Discovery"), ("body", "")]).await;
    add(&app, &slug, "arc", &[("label", "2006"), ("title", "Demotion"), ("body", "")]).await;
    add(&app, &slug, "arc", &[("label", "2015"), ("title", "New Horizons"), ("body", "")]).await;
    add(&app, &slug, "questions", &[("question", "First?")]).await;
    add(&app, &slug, "questions", &[("question", "Second?")]).await;

    let html = public_page(&app, &slug).await;
    assert_eq!(
        texts(&html, &format!("{} .item h3", section("arc"))),
        ["1930: Discovery", "2006: Demotion", "2015: New Horizons"]
    );
    assert_eq!(texts(&html, &format!("{} ul.questions li", section("questions"))), ["First?", "Second?"]);
}

#[tokio::test]
async fn the_sections_appear_in_the_order_of_the_page_format() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    for kind in KINDS {
        add(&app, &slug, kind, &valid_fields(kind)).await;
    }

    let html = public_page(&app, &slug).await;

    assert_eq!(texts(&html, "main h2"), THREAD_PAGE_HEADINGS);
    assert_eq!(texts(&html, &format!("{} h3", section("arc"))), ["2006: Demotion"]);
    assert_eq!(texts(&html, &format!("{} h3", section("interpretations"))), ["Taxonomic reading"]);
    assert_eq!(texts(&html, &format!("{} h3", section("controversies"))), ["Dwarf planets"]);
}

#[tokio::test]
async fn an_item_of_another_thread_is_not_found_and_stays_unchanged() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let other = app.create_thread("Is Ceres a planet?").await;
    for kind in KINDS {
        add(&app, &slug, kind, &valid_fields(kind)).await;
    }
    let before = public_page(&app, &slug).await;

    for kind in KINDS {
        let id = only_item(&app, &slug, kind).await;
        let hijack = [
            ("label", "X"),
            ("title", "Hijacked"),
            ("body", "Hijacked"),
            ("proponents", "Mallory"),
            ("question", "Hijacked?"),
            ("base_version", "1"),
        ];
        assert_eq!(
            app.get(&format!("/threads/{other}/{kind}/{id}/edit")).await.status(),
            StatusCode::NOT_FOUND,
            "{kind} edit form"
        );
        assert_eq!(
            app.post_form(&format!("/threads/{other}/{kind}/{id}"), &hijack).await.status(),
            StatusCode::NOT_FOUND,
            "{kind} update"
        );
        assert_eq!(
            app.post_form(&format!("/threads/{other}/{kind}/{id}/delete"), &[("reason", "not needed")]).await.status(),
            StatusCode::NOT_FOUND,
            "{kind} delete"
        );
        assert_eq!(app.count(table(kind)).await, 1, "{kind} rows");
    }

    let after = public_page(&app, &slug).await;
    assert_eq!(texts(&after, "main section"), texts(&before, "main section"));
    assert_eq!(app.count("proponents").await, 1);
}

#[tokio::test]
async fn an_item_id_that_does_not_exist_is_not_found() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    for kind in KINDS {
        assert_eq!(app.get(&format!("/threads/{slug}/{kind}/999999/edit")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            app.post_form(&format!("/threads/{slug}/{kind}/999999"), &valid_fields(kind)).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.post_form(&format!("/threads/{slug}/{kind}/999999/delete"), &[("reason", "not needed")]).await.status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.get(&format!("/threads/{slug}/{kind}/abc/edit")).await.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn an_unknown_kind_of_section_is_not_found() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    add(&app, &slug, "arc", &valid_fields("arc")).await;
    let id = only_item(&app, &slug, "arc").await;

    assert_eq!(app.get(&format!("/threads/{slug}/villains/new")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_form(&format!("/threads/{slug}/villains"), &valid_fields("arc")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&format!("/threads/{slug}/villains/{id}/edit")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.post_form(&format!("/threads/{slug}/villains/{id}"), &valid_fields("arc")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_form(&format!("/threads/{slug}/villains/{id}/delete"), &[("reason", "not needed")]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("arc_periods").await, 1);
}

#[tokio::test]
async fn markdown_in_bodies_is_rendered_and_sanitized() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    add(
        &app,
        &slug,
        "arc",
        &[("label", "2006"), ("title", "Demotion"), ("body", "A **bold** vote <script>alert(1)</script>")],
    )
    .await;
    add(
        &app,
        &slug,
        "interpretations",
        &[("title", "Reading"), ("body", "An *emphatic* [reading](https://example.org/r)"), ("proponents", "")],
    )
    .await;
    add(&app, &slug, "controversies", &[("title", "Dispute"), ("body", "- one\n- two")]).await;

    let html = public_page(&app, &slug).await;
    assert_eq!(texts(&html, &format!("{} .prose strong", section("arc"))), ["bold"]);
    assert!(texts(&html, "main script").is_empty(), "a script survived sanitizing");
    assert_eq!(texts(&html, &format!("{} .prose em", section("interpretations"))), ["emphatic"]);
    assert_eq!(attrs(&html, &format!("{} .prose a", section("interpretations")), "href"), ["https://example.org/r"]);
    assert_eq!(texts(&html, &format!("{} .prose li", section("controversies"))), ["one", "two"]);
}

#[tokio::test]
async fn an_item_with_a_missing_required_field_is_refused_with_the_form_kept() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    let res = app
        .post_form(&format!("/threads/{slug}/arc"), &[("label", ""), ("title", "Kept title"), ("body", "Kept body")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]").iter().any(|e| e.contains("period is required")));
    assert_eq!(attrs(&html, "input[name=title]", "value"), ["Kept title"]);
    assert_eq!(texts(&html, "textarea[name=body]"), ["Kept body"]);

    let res = app.post_form(&format!("/threads/{slug}/questions"), &[("question", "  ")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("arc_periods").await, 0);
    assert_eq!(app.count("open_questions").await, 0);
}

#[tokio::test]
async fn only_the_threads_curators_and_moderators_change_its_sections() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    add(&app, &slug, "questions", &[("question", "Alice's question?")]).await;
    let id = only_item(&app, &slug, "questions").await;

    app.login_as("bob", Role::Curator).await;
    assert_eq!(app.get(&format!("/threads/{slug}/questions/new")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.post_form(&format!("/threads/{slug}/questions"), &[("question", "Bob's?")]).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.post_form(&format!("/threads/{slug}/questions/{id}/delete"), &[("reason", "not needed")]).await.status(),
        StatusCode::FORBIDDEN
    );
    app.login_as("rita", Role::Reader).await;
    assert_eq!(
        app.post_form(&format!("/threads/{slug}/questions/{id}"), &[("question", "Rita's?"), ("base_version", "1")])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(texts(&public_page(&app, &slug).await, &format!("{} li", section("questions"))), ["Alice's question?"]);

    app.login_as("maud", Role::Moderator).await;
    add(&app, &slug, "questions", &[("question", "Maud's question?")]).await;
    assert_eq!(app.count("open_questions").await, 2);
}

#[tokio::test]
async fn the_new_item_forms_label_every_control() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;

    for kind in KINDS {
        let html = app.page(&format!("/threads/{slug}/{kind}/new")).await;
        assert_eq!(attrs(&html, "main form", "action"), [format!("/threads/{slug}/{kind}")]);
        assert_every_control_labelled(&html);
    }
}

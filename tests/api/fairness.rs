//! Tests (issue 17, items 7, 8, 10, 12): readers declare the interpretation they hold and rate
//! the current synthesis and interpretations; the page and the API show the stored figures of
//! the newest fit per declared camp; nobody reads another reader's ratings; moderators leave an
//! account's ratings out of the model.

use agora::domain::roles::Role;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Jsonb, Text};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, expect_json, location, spawn_app};
use crate::pages::{attrs, texts};

/// A thread by the curator `alice` with a synthesis (revision 1) and two interpretations.
struct Thread {
    curator: TestApp,
    slug: String,
    id: i64,
    democratization: i64,
    security: i64,
}

async fn thread_with_two_readings(app: &TestApp) -> Thread {
    let curator = app.browser_as("alice", Role::Curator).await;
    let slug = curator.api_create_thread("Open weights").await;
    curator.api_save_synthesis_ok(&slug, 0, "Where the debate stands.", "first").await;
    let mut ids = Vec::new();
    for title in ["Democratization reading", "Security reading"] {
        let res = curator
            .post_json(
                &format!("/api/v1/threads/{slug}/interpretations"),
                &json!({ "title": title, "body": "Its case.", "proponents": "" }),
            )
            .await;
        ids.push(expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap());
    }
    let id = {
        let slug = slug.clone();
        app.query(move |c| agora::db::threads::by_slug(c, &slug).unwrap().id).await
    };
    Thread { curator, slug, id, democratization: ids[0], security: ids[1] }
}

impl TestApp {
    /// Rates through the API.
    async fn rate(&self, slug: &str, kind: &str, item: i64, version: i32, value: &str) -> reqwest::Response {
        let body = json!({ "item_kind": kind, "item_id": item, "version": version, "value": value });
        self.send_json(Method::PUT, &format!("/api/v1/threads/{slug}/ratings"), &body).await
    }

    /// The caller's own ratings through the API.
    async fn my_ratings(&self, slug: &str) -> Vec<Value> {
        let body = self.get_json(&format!("/api/v1/threads/{slug}/ratings/mine"), StatusCode::OK).await;
        body["ratings"].as_array().unwrap().clone()
    }

    /// Stores a fit with `scores` (kind, item id, version, ratings, fair, camps) for `thread`,
    /// as the fitter would, and bumps the thread's version as it does.
    async fn store_fit(&self, thread: i64, scores: Vec<(&'static str, i64, i32, i32, bool, Value)>) {
        self.query(move |c| {
            #[derive(QueryableByName)]
            struct Id {
                #[diesel(sql_type = BigInt)]
                id: i64,
            }
            let fit = diesel::sql_query(
                "INSERT INTO fairness_fits (fitted_at, ratings, raters, items, last_change_seq, global_intercept, \
                 duration_ms, seed) VALUES ('2026-03-08T14:05:00Z', 30, 20, 3, 0, 0.5, 1, 1) RETURNING id",
            )
            .get_result::<Id>(c)
            .unwrap()
            .id;
            for (kind, item, version, ratings, fair, camps) in scores {
                diesel::sql_query(
                    "INSERT INTO fairness_scores (fit_id, thread_id, item_kind, item_id, version, ratings, \
                     intercept, factor, fair, camps) VALUES ($1, $2, $3, $4, $5, $6, 0.5, 0.0, $7, $8)",
                )
                .bind::<BigInt, _>(fit)
                .bind::<BigInt, _>(thread)
                .bind::<Text, _>(kind)
                .bind::<BigInt, _>(item)
                .bind::<Integer, _>(version)
                .bind::<Integer, _>(ratings)
                .bind::<diesel::sql_types::Bool, _>(fair)
                .bind::<Jsonb, _>(camps)
                .execute(c)
                .unwrap();
            }
            diesel::sql_query("UPDATE threads SET version = version + 1 WHERE id = $1")
                .bind::<BigInt, _>(thread)
                .execute(c)
                .unwrap();
        })
        .await;
    }
}

/// The texts of the fairness figures under the item with this anchor.
fn figures(page: &str, anchor: &str) -> Vec<String> {
    texts(page, &format!("#{anchor} .fairness-figures"))
}

#[tokio::test]
async fn a_reader_declares_a_camp_changes_it_and_cannot_pick_another_threads_interpretation() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let other = t.curator.api_create_thread("Another thread").await;
    let res = t
        .curator
        .post_json(
            &format!("/api/v1/threads/{other}/interpretations"),
            &json!({ "title": "Elsewhere", "body": "x", "proponents": "" }),
        )
        .await;
    let elsewhere = expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap();
    let reader = app.browser_as("rita", Role::Reader).await;
    let camp = format!("/api/v1/threads/{}/camp", t.slug);

    assert_eq!(reader.get_json(&camp, StatusCode::OK).await["declared"], false);
    let res = reader.send_json(Method::PUT, &camp, &json!({ "interpretation_id": t.democratization })).await;
    assert_eq!(expect_json(res, StatusCode::OK).await["interpretation_id"], t.democratization);
    assert_eq!(reader.get_json(&camp, StatusCode::OK).await["interpretation_id"], t.democratization);

    // Through the form on the thread page: "none of these".
    let page = reader.page(&format!("/threads/{}", t.slug)).await;
    assert_eq!(
        attrs(&page, "form[action$='/camp'] input[type=radio][checked]", "value"),
        [t.democratization.to_string()]
    );
    let res = reader.post_form(&format!("/threads/{}/camp", t.slug), &[("interpretation", "none")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let now = reader.get_json(&camp, StatusCode::OK).await;
    assert_eq!((now["declared"].clone(), now["interpretation_id"].clone()), (json!(true), Value::Null));
    let page = reader.page(&format!("/threads/{}", t.slug)).await;
    assert_eq!(attrs(&page, "form[action$='/camp'] input[type=radio][checked]", "value"), ["none"]);

    let res = reader.send_json(Method::PUT, &camp, &json!({ "interpretation_id": elsewhere })).await;
    assert!(api_error(res, StatusCode::UNPROCESSABLE_ENTITY).await.contains("not one of this thread's"));
    assert_eq!(reader.get_json(&camp, StatusCode::OK).await["interpretation_id"], Value::Null, "unchanged");
    let anonymous = app.another_browser();
    let res = anonymous.send_json(Method::PUT, &camp, &json!({ "interpretation_id": t.security })).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_new_rating_of_the_same_version_replaces_the_old_and_counts_as_a_change() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let reader = app.browser_as("rita", Role::Reader).await;
    let change_seq = || {
        app.query(|c| {
            use agora::db::schema::fairness_ratings::dsl as r;
            r::fairness_ratings.select(r::change_seq).load::<i64>(c).unwrap()
        })
    };

    let res = reader.rate(&t.slug, "synthesis", t.id, 1, "yes").await;
    let stored = expect_json(res, StatusCode::OK).await;
    assert_eq!((stored["item_kind"].clone(), stored["version"].clone()), (json!("synthesis"), json!(1)));
    let first = change_seq().await;
    let res = reader.rate(&t.slug, "synthesis", t.id, 1, "no").await;
    assert_eq!(res.status(), StatusCode::OK);
    let second = change_seq().await;
    assert_eq!((first.len(), second.len()), (1, 1), "one rating per reader per version");
    assert!(second[0] > first[0], "a replacement takes a new change_seq");

    // The form near an interpretation, then the page preselects the reader's own answers.
    let version = "1";
    let item = t.security.to_string();
    let fields =
        [("item_kind", "interpretation"), ("item_id", item.as_str()), ("version", version), ("value", "somewhat")];
    let res = reader.post_form(&format!("/threads/{}/ratings", t.slug), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{}#fairness-interpretation-{}", t.slug, t.security));

    let mine = reader.my_ratings(&t.slug).await;
    let values: Vec<(String, String)> = mine
        .iter()
        .map(|r| (r["item_kind"].as_str().unwrap().to_owned(), r["value"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(values.len(), 2);
    assert!(
        values.contains(&("synthesis".into(), "no".into()))
            && values.contains(&("interpretation".into(), "somewhat".into()))
    );
    let page = reader.page(&format!("/threads/{}", t.slug)).await;
    let synthesis = format!("#fairness-synthesis-{} input[type=radio][checked]", t.id);
    assert_eq!(attrs(&page, &synthesis, "value"), ["no"]);
    let security = format!("#fairness-interpretation-{} input[type=radio][checked]", t.security);
    assert_eq!(attrs(&page, &security, "value"), ["somewhat"]);
    let democratization = format!("#fairness-interpretation-{} input[type=radio][checked]", t.democratization);
    assert!(attrs(&page, &democratization, "value").is_empty());
    // Each form is a labelled group of three answers.
    let legends = texts(&page, ".rating-form legend");
    assert!(legends.iter().any(|l| l == "Does “Security reading” represent this view fairly?"), "{legends:?}");
}

#[tokio::test]
async fn a_rating_of_a_superseded_revision_is_refused_with_words_but_minor_edits_keep_it_current() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let reader = app.browser_as("rita", Role::Reader).await;
    let minor = json!({ "base_seq": 1, "body": "Where the debate stands now.", "summary": "typo", "minor": true });
    let res = t.curator.post_json(&format!("/api/v1/threads/{}/synthesis", t.slug), &minor).await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // Revision 2 is a minor edit of 1: both are the current text, rated as revision 1.
    for seq in [1, 2] {
        let res = reader.rate(&t.slug, "synthesis", t.id, seq, "yes").await;
        assert_eq!(expect_json(res, StatusCode::OK).await["version"], 1, "rating revision {seq}");
    }
    t.curator.api_save_synthesis_ok(&t.slug, 2, "A new account of the debate.", "rewrite").await;
    let res = reader.rate(&t.slug, "synthesis", t.id, 2, "yes").await;
    let words = api_error(res, StatusCode::CONFLICT).await;
    assert!(words.contains("revision 2 has been superseded by revision 3; rate the current text"), "{words}");
    let res = reader.rate(&t.slug, "synthesis", t.id, 3, "no").await;
    assert_eq!(expect_json(res, StatusCode::OK).await["version"], 3);
    let res = reader.rate(&t.slug, "synthesis", t.id, 4, "no").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "no such revision yet");

    // An interpretation edited since.
    let edit =
        json!({ "title": "Security reading", "body": "Its case, restated.", "proponents": "", "base_version": 1 });
    let res = t
        .curator
        .send_json(Method::PUT, &format!("/api/v1/threads/{}/interpretations/{}", t.slug, t.security), &edit)
        .await;
    assert!(res.status().is_success(), "edit: {}", res.status());
    let res = reader.rate(&t.slug, "interpretation", t.security, 1, "yes").await;
    let words = api_error(res, StatusCode::CONFLICT).await;
    assert!(words.contains("superseded by version 2") && words.contains("rate the current text"), "{words}");
    // The form says so too, as a page.
    let item = t.security.to_string();
    let fields = [("item_kind", "interpretation"), ("item_id", item.as_str()), ("version", "1"), ("value", "yes")];
    let res = reader.post_form(&format!("/threads/{}/ratings", t.slug), &fields).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("rate the current text"));
    assert_eq!(app.count("fairness_ratings").await, 2, "the refused ratings stored nothing");
}

#[tokio::test]
async fn a_suspended_account_can_neither_rate_nor_declare_a_camp() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let reader = app.browser_as("sam", Role::Reader).await;
    app.query(|c| {
        let id = agora::db::users::by_username(c, "sam").unwrap().unwrap().id;
        let suspension = agora::domain::restriction::Suspension { until: None, reason: "brigading".into() };
        agora::db::users::set_suspension(c, agora::domain::ids::UserId(id), Some(&suspension)).unwrap();
    })
    .await;

    let res = reader.rate(&t.slug, "synthesis", t.id, 1, "yes").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = reader
        .send_json(Method::PUT, &format!("/api/v1/threads/{}/camp", t.slug), &json!({ "interpretation_id": null }))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!((app.count("fairness_ratings").await, app.count("reader_camps").await), (0, 0));
    let page = reader.page(&format!("/threads/{}", t.slug)).await;
    assert!(texts(&page, ".rating-form").is_empty(), "no rating forms for a suspended account");
}

#[tokio::test]
async fn ratings_past_the_hourly_limit_are_refused_with_429_and_words() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let reader = app.browser_as("rita", Role::Reader).await;
    for n in 0..agora::ops::fairness::RATINGS_PER_HOUR {
        let value = if n % 2 == 0 { "yes" } else { "no" };
        assert_eq!(reader.rate(&t.slug, "synthesis", t.id, 1, value).await.status(), StatusCode::OK, "rating {n}");
    }
    let res = reader.rate(&t.slug, "synthesis", t.id, 1, "somewhat").await;
    assert!(res.headers().contains_key("retry-after"));
    assert!(api_error(res, StatusCode::TOO_MANY_REQUESTS).await.contains("try again in"));
    assert_eq!(reader.my_ratings(&t.slug).await[0]["value"], "no", "the refused rating changed nothing");
    // Another account is not held back.
    let other = app.browser_as("bob", Role::Reader).await;
    assert_eq!(other.rate(&t.slug, "synthesis", t.id, 1, "yes").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn nobody_sees_another_readers_ratings_on_the_page_or_in_the_api() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let rita = app.browser_as("rita", Role::Reader).await;
    assert_eq!(rita.rate(&t.slug, "synthesis", t.id, 1, "no").await.status(), StatusCode::OK);
    assert_eq!(rita.rate(&t.slug, "interpretation", t.security, 1, "yes").await.status(), StatusCode::OK);

    let bob = app.browser_as("bob", Role::Reader).await;
    assert!(bob.my_ratings(&t.slug).await.is_empty());
    let page = bob.page(&format!("/threads/{}", t.slug)).await;
    assert!(attrs(&page, ".rating-form input[type=radio][checked]", "value").is_empty());
    assert_eq!(texts(&page, ".rating-form").len(), 3, "bob may rate the synthesis and both readings");
    let anonymous = app.another_browser();
    let page = anonymous.page(&format!("/threads/{}", t.slug)).await;
    assert!(texts(&page, ".rating-form").is_empty() && !page.contains("rita"));
    let res = anonymous.get(&format!("/api/v1/threads/{}/ratings/mine", t.slug)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // The public figures are aggregates: no reader is named or counted one by one.
    let figures = anonymous.get_json(&format!("/api/v1/threads/{}/fairness", t.slug), StatusCode::OK).await;
    let text = figures.to_string();
    assert!(!text.contains("rita") && !text.contains("user"), "{text}");
}

#[tokio::test]
async fn the_page_shows_each_camps_share_of_yes_and_the_fair_across_camps_mark_from_the_stored_fit() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let camps = json!([
        { "camp": t.security, "raters": 9, "yes": 3 },
        { "camp": null, "raters": 4, "yes": 2 },
        { "camp": t.democratization, "raters": 10, "yes": 8 },
    ]);
    let bridging =
        json!([{ "camp": t.democratization, "raters": 6, "yes": 6 }, { "camp": t.security, "raters": 5, "yes": 4 }]);
    app.store_fit(
        t.id,
        vec![("synthesis", t.id, 1, 25, false, camps), ("interpretation", t.democratization, 1, 11, true, bridging)],
    )
    .await;

    let page = app.another_browser().page(&format!("/threads/{}", t.slug)).await;
    let synthesis = figures(&page, &format!("fairness-synthesis-{}", t.id));
    assert_eq!(synthesis.len(), 1);
    assert!(
        synthesis[0].starts_with(
            "Democratization reading: 8 of 10 say fair · Security reading: 3 of 9 say fair · None of these: 2 of 4 say fair."
        ),
        "{synthesis:?}"
    );
    assert!(synthesis[0].contains("As of Mar 8, 2026, 14:05 UTC"), "the time of the fit: {synthesis:?}");
    assert!(texts(&page, &format!("#fairness-synthesis-{} .fair-across-camps", t.id)).is_empty());
    let bridged = format!("#fairness-interpretation-{} .fair-across-camps", t.democratization);
    assert_eq!(texts(&page, &bridged), ["Fair across camps"]);
    assert_eq!(
        figures(&page, &format!("fairness-interpretation-{}", t.security)),
        ["Fairness: not enough ratings yet."]
    );
    let explanation = texts(&page, ".fairness-explanation");
    assert!(explanation[0].contains("it never changes the stance label"), "{explanation:?}");

    let api = app.get_json(&format!("/api/v1/threads/{}/fairness", t.slug), StatusCode::OK).await;
    assert_eq!(api["fitted_at"], "2026-03-08T14:05:00Z");
    let items = api["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["item_kind"], "synthesis");
    assert_eq!(
        items[0]["figures"]["camps"][0],
        json!({ "interpretation_id": t.democratization, "label": "Democratization reading", "raters": 10, "yes": 8 })
    );
    assert_eq!(items[1]["figures"]["fair"], true);
    assert_eq!(items[1]["figures"]["current"], true);
    assert_eq!(items[2]["figures"], Value::Null);
}

#[tokio::test]
async fn after_a_substantive_revision_the_previous_figures_are_shown_for_an_earlier_revision() {
    let app = spawn_app().await;
    let t = thread_with_two_readings(&app).await;
    let camps = json!([{ "camp": t.democratization, "raters": 5, "yes": 5 }]);
    app.store_fit(t.id, vec![("synthesis", t.id, 1, 5, true, camps)]).await;
    let anchor = format!("fairness-synthesis-{}", t.id);
    let page = app.page(&format!("/threads/{}", t.slug)).await;
    assert!(!figures(&page, &anchor)[0].contains("earlier revision"));

    t.curator.api_save_synthesis_ok(&t.slug, 1, "A different account.", "rewrite").await;
    let page = app.page(&format!("/threads/{}", t.slug)).await;
    let shown = figures(&page, &anchor);
    assert!(
        shown[0].starts_with("Fair across camps For an earlier revision: Democratization reading: 5 of 5 say fair."),
        "{shown:?}"
    );
    let api = app.get_json(&format!("/api/v1/threads/{}/fairness", t.slug), StatusCode::OK).await;
    assert_eq!(
        (api["items"][0]["current_version"].clone(), api["items"][0]["figures"]["current"].clone()),
        (json!(2), json!(false))
    );

    // Once the new revision has figures of its own, they replace the earlier ones.
    let camps = json!([{ "camp": t.security, "raters": 5, "yes": 1 }]);
    app.store_fit(t.id, vec![("synthesis", t.id, 1, 5, true, json!([])), ("synthesis", t.id, 2, 5, false, camps)])
        .await;
    let page = app.page(&format!("/threads/{}", t.slug)).await;
    assert!(
        figures(&page, &anchor)[0].starts_with("Security reading: 1 of 5 say fair."),
        "{:?}",
        figures(&page, &anchor)
    );
}

#[tokio::test]
async fn moderators_exclude_and_include_a_readers_ratings_with_a_logged_reason_and_others_are_refused() {
    let app = spawn_app().await;
    app.user("brigader", Role::Reader).await;
    let target = app.query(|c| agora::db::users::by_username(c, "brigader").unwrap().unwrap().id).await;
    let path = format!("/api/v1/users/{target}/ratings-exclusion");
    let excluded_at = || {
        app.query(move |c| {
            use agora::db::schema::users::dsl as u;
            u::users
                .find(target)
                .select(u::ratings_excluded_at)
                .first::<Option<chrono::DateTime<chrono::Utc>>>(c)
                .unwrap()
        })
    };
    for (name, role) in [("rita", Role::Reader), ("cora", Role::Curator)] {
        let browser = app.browser_as(name, role).await;
        let res = browser.post_json(&path, &json!({ "reason": "brigading" })).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        let res = browser.post_form(&format!("/admin/users/{target}/ratings-exclusion"), &[("reason", "x")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
    }
    assert!(excluded_at().await.is_none());

    let moderator = app.browser_as("mona", Role::Moderator).await;
    let res = moderator.post_json(&path, &json!({ "reason": "  " })).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    let res = moderator.post_json(&path, &json!({ "reason": "a brigade of new accounts" })).await;
    assert_eq!(expect_json(res, StatusCode::OK).await["ratings_excluded"], true);
    assert!(excluded_at().await.is_some());
    let log = moderator.get_json("/api/v1/moderation/log?action=exclude_ratings", StatusCode::OK).await;
    let text = log.to_string();
    assert!(text.contains("exclude_ratings") && text.contains("a brigade of new accounts"), "{text}");

    // The account page shows it, with the form that counts them again.
    let page = moderator.page("/users/brigader").await;
    assert!(page.contains("fairness ratings are left out of the model"));
    let res = moderator.post_form(&format!("/admin/users/{target}/ratings-inclusion"), &[("reason", "appeal")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(excluded_at().await.is_none());
    let page = moderator.page("/users/brigader").await;
    let log = texts(&page, ".profile .log li");
    assert!(log.iter().any(|l| l.contains("counted again in the fairness model the ratings of brigader")), "{log:?}");
    assert!(log.iter().any(|l| l.contains("left out of the fairness model the ratings of brigader")), "{log:?}");
    let res = moderator.send_json(Method::DELETE, &path, &json!({ "reason": "" })).await;
    assert_eq!(expect_json(res, StatusCode::OK).await["ratings_excluded"], false, "including twice changes nothing");
}

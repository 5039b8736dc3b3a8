//! Tests: the governed stance label — proposals, approval by a moderator who is not the proposer,
//! rejection with a reason, withdrawal, the label line and label history, the changelog and
//! what followers are told, the moderation queue, and the old paths that no longer change it.

use agora::domain::roles::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, expect_json, location, spawn_app};
use crate::pages::{assert_every_control_labelled, attrs, texts};

impl TestApp {
    /// Proposes `stance` through the API; returns the response.
    pub async fn propose_stance(&self, slug: &str, stance: &str, rationale: &str) -> reqwest::Response {
        self.post_json(
            &format!("/api/v1/threads/{slug}/stance/proposals"),
            &json!({ "stance": stance, "rationale": rationale }),
        )
        .await
    }

    /// Proposes `stance` through the API and expects it made; returns the proposal's id.
    pub async fn propose_stance_ok(&self, slug: &str, stance: &str, rationale: &str) -> i64 {
        let body = expect_json(self.propose_stance(slug, stance, rationale).await, StatusCode::CREATED).await;
        body["id"].as_i64().unwrap()
    }

    /// A decision on a proposal through the API (`approve`, `reject` or `withdraw`).
    pub async fn decide_stance(&self, slug: &str, id: i64, step: &str, body: Value) -> reqwest::Response {
        self.post_json(&format!("/api/v1/threads/{slug}/stance/proposals/{id}/{step}"), &body).await
    }

    /// Moves the stance the only way there is: this curator proposes it through the form, and a
    /// moderator, mona, approves it through hers.
    pub async fn move_stance_through_a_proposal(&self, slug: &str, stance: &str) {
        let proposal = [("stance", stance), ("rationale", "The evidence converged.")];
        let res = self.post_form(&format!("/threads/{slug}/stance/propose"), &proposal).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the proposal is made");
        let id = self.get_json(&format!("/api/v1/threads/{slug}/stance"), StatusCode::OK).await["pending"]["id"]
            .as_i64()
            .unwrap();
        let moderator = self.browser_as("mona", Role::Moderator).await;
        let res = moderator.post_form(&format!("/threads/{slug}/stance/proposals/{id}/approve"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the proposal is approved");
    }

    /// The thread's stance as stored.
    pub async fn stored_stance(&self, slug: &str) -> String {
        let slug = slug.to_owned();
        self.query(move |c| {
            use agora::db::schema::threads;
            use diesel::prelude::*;
            threads::table.filter(threads::slug.eq(slug)).select(threads::stance).first::<String>(c).unwrap()
        })
        .await
    }
}

/// A thread curated by cora (this browser), a moderator mona (another browser) and the slug.
async fn curated() -> (TestApp, TestApp, String) {
    let cora = spawn_app().await;
    cora.login_as("cora", Role::Curator).await;
    let slug = cora.create_thread("Open weights").await;
    let mona = cora.browser_as("mona", Role::Moderator).await;
    (cora, mona, slug)
}

fn header_badges(html: &str) -> Vec<String> {
    texts(html, ".thread-header .badges .badge")
}

#[tokio::test]
async fn a_curators_proposal_changes_the_label_only_when_another_moderator_approves_it() {
    let (cora, mona, slug) = curated().await;
    cora.add_event(&slug, "2025-01-20", "DeepSeek R1", "landmark").await;
    let event: i64 =
        cora.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await["events"][0]["id"].as_i64().unwrap();

    // The form: labelled, the current stance not offered.
    let form = cora.page(&format!("/threads/{slug}/stance/propose")).await;
    assert_every_control_labelled(&form);
    assert_eq!(attrs(&form, "select[name=stance] option", "value"), ["emerging_consensus", "settled"]);
    let rationale = format!("Open releases caught up [^event:{event}].");
    let res = cora
        .post_form(
            &format!("/threads/{slug}/stance/propose"),
            &[("stance", "emerging_consensus"), ("rationale", &rationale)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/threads/{slug}/stance"));

    // Pending is shown as pending to everyone, never as the label.
    let anonymous = cora.another_browser();
    let page = anonymous.page(&format!("/threads/{slug}")).await;
    assert_eq!(header_badges(&page), ["Active", "Contested"]);
    let line = texts(&page, ".stance-line").join(" ");
    assert!(line.starts_with("Contested since "), "{line}");
    assert_eq!(attrs(&page, ".stance-line a", "href"), [format!("/threads/{slug}/stance")]);
    assert!(!attrs(&page, ".stance-line time", "datetime")[0].is_empty());
    let pending = texts(&page, ".stance-pending").join(" ");
    assert!(pending.contains("Pending proposal: emerging consensus — proposed by cora on"), "{pending}");
    assert_eq!(cora.stored_stance(&slug).await, "contested");

    // The moderator sees the decision forms; the proposer sees only "withdraw".
    let history = mona.page(&format!("/threads/{slug}/stance")).await;
    assert_every_control_labelled(&history);
    let buttons = texts(&history, ".proposal.open button");
    assert_eq!(buttons, ["Approve the change to emerging consensus", "Reject the proposal"]);
    assert!(texts(&history, ".proposal.open .prose").join(" ").contains("Open releases caught up"));
    assert_eq!(attrs(&history, ".proposal.open .prose a[href^='/events/']", "href"), [format!("/events/{event}")]);
    assert_eq!(
        texts(&cora.page(&format!("/threads/{slug}/stance")).await, ".proposal.open button"),
        ["Withdraw my proposal"]
    );
    assert!(texts(&anonymous.page(&format!("/threads/{slug}/stance")).await, ".proposal.open button").is_empty());

    let id = cora.get_json(&format!("/api/v1/threads/{slug}/stance"), StatusCode::OK).await["pending"]["id"]
        .as_i64()
        .unwrap();
    let res = mona.post_form(&format!("/threads/{slug}/stance/proposals/{id}/approve"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    assert_eq!(cora.stored_stance(&slug).await, "emerging_consensus");
    let page = anonymous.page(&format!("/threads/{slug}")).await;
    assert_eq!(header_badges(&page), ["Active", "Emerging consensus"]);
    assert!(texts(&page, ".stance-line").join(" ").starts_with("Emerging consensus since "));
    assert!(texts(&page, ".stance-pending").is_empty());

    // The label history lists both labels, with proposer, approver and rationale.
    let history = anonymous.page(&format!("/threads/{slug}/stance")).await;
    let entries = texts(&history, ".label-history > li");
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].starts_with("Contested since"), "{entries:?}");
    assert!(entries[0].contains("the label the thread was started with"));
    assert!(entries[1].starts_with("Emerging consensus since"), "{entries:?}");
    assert!(entries[1].contains("proposed by cora") && entries[1].contains("approved by mona"), "{entries:?}");
    assert!(entries[1].contains("Open releases caught up"));

    // The API says the same, and the moderation log has the approval.
    let api = cora.get_json(&format!("/api/v1/threads/{slug}/stance"), StatusCode::OK).await;
    assert_eq!(api["stance"], "emerging_consensus");
    assert!(api["pending"].is_null());
    assert_eq!(api["labels"].as_array().unwrap().len(), 2);
    assert_eq!(api["labels"][1]["proposal_id"], id);
    assert_eq!(api["proposals"][0]["state"], "approved");
    assert_eq!(api["proposals"][0]["decided_by"], "mona");
    let log = mona.get_json("/api/v1/moderation/log?action=approve_stance", StatusCode::OK).await;
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(1), "{log}");
}

#[tokio::test]
async fn approving_ones_own_proposal_is_refused_even_for_a_moderator() {
    let (_cora, mona, slug) = curated().await;
    let id = mona.propose_stance_ok(&slug, "settled", "It is settled.").await;
    let message = api_error(mona.decide_stance(&slug, id, "approve", json!({})).await, StatusCode::FORBIDDEN).await;
    assert!(message.contains("you proposed this change"), "{message}");
    let res = mona.decide_stance(&slug, id, "reject", json!({ "reason": "mine" })).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(mona.stored_stance(&slug).await, "contested");
    // The page tells her someone else decides, and offers no approve button.
    let page = mona.page(&format!("/threads/{slug}/stance")).await;
    assert!(texts(&page, ".proposal.open .meta").join(" ").contains("another moderator approves or rejects it"));
    assert_eq!(texts(&page, ".proposal.open button"), ["Withdraw my proposal"]);

    // The database forbids it too, whatever the caller.
    let refused = mona
        .query(move |c| {
            use diesel::prelude::*;
            diesel::sql_query(
                "UPDATE stance_proposals SET state = 'approved', decided_by = proposer_id, decided_at = now() \
                 WHERE id = $1",
            )
            .bind::<diesel::sql_types::BigInt, _>(id)
            .execute(c)
            .is_err()
        })
        .await;
    assert!(refused, "the CHECK constraint refuses a self-approval");

    // Another moderator may.
    let max = mona.browser_as("max", Role::Moderator).await;
    expect_json(max.decide_stance(&slug, id, "approve", json!({})).await, StatusCode::OK).await;
    assert_eq!(mona.stored_stance(&slug).await, "settled");
}

#[tokio::test]
async fn a_second_open_proposal_is_refused_naming_the_open_one() {
    let (cora, mona, slug) = curated().await;
    let first = cora.propose_stance_ok(&slug, "settled", "Settled by the evidence.").await;
    let message =
        api_error(mona.propose_stance(&slug, "emerging_consensus", "Not quite.").await, StatusCode::CONFLICT).await;
    assert!(message.contains(&format!("#{first}")) && message.contains("contested → settled"), "{message}");
    assert_eq!(cora.count("stance_proposals").await, 1);
    // The form page says so too.
    assert_eq!(cora.get(&format!("/threads/{slug}/stance/propose")).await.status(), StatusCode::CONFLICT);
    // Proposing the stance the thread already has is refused.
    expect_json(cora.decide_stance(&slug, first, "withdraw", json!({})).await, StatusCode::OK).await;
    let message =
        api_error(cora.propose_stance(&slug, "contested", "Same.").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(message.contains("already contested"), "{message}");
    let message = api_error(cora.propose_stance(&slug, "settled", "   ").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(message.contains("rationale"), "{message}");
    let long = "x".repeat(20_001);
    let res = cora.propose_stance(&slug, "settled", &long).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn readers_and_curators_of_other_threads_may_not_propose() {
    let (cora, _mona, slug) = curated().await;
    let rita = cora.browser_as("rita", Role::Reader).await;
    let res = rita.propose_stance(&slug, "settled", "I think so.").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(rita.get(&format!("/threads/{slug}/stance/propose")).await.status(), StatusCode::FORBIDDEN);
    let bob = cora.browser_as("bob", Role::Curator).await;
    let res = bob.propose_stance(&slug, "settled", "Mine now.").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res =
        bob.post_form(&format!("/threads/{slug}/stance/propose"), &[("stance", "settled"), ("rationale", "x")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(cora.count("stance_proposals").await, 0);
    // Nobody who may not propose is offered the link.
    assert!(texts(&bob.page(&format!("/threads/{slug}/stance")).await, "a.button").is_empty());
    assert_eq!(texts(&cora.page(&format!("/threads/{slug}/stance")).await, "a.button"), ["Propose a stance change"]);
    // A curator who is not a moderator cannot approve.
    let id = cora.propose_stance_ok(&slug, "settled", "Settled.").await;
    let other_curator = cora.browser_as("cory", Role::Curator).await;
    assert_eq!(other_curator.decide_stance(&slug, id, "approve", json!({})).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(cora.stored_stance(&slug).await, "contested");
}

#[tokio::test]
async fn rejecting_needs_a_reason_and_keeps_the_label() {
    let (cora, mona, slug) = curated().await;
    let id = cora.propose_stance_ok(&slug, "settled", "Settled.").await;
    let message = api_error(
        mona.decide_stance(&slug, id, "reject", json!({ "reason": " " })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(message.contains("reason"), "{message}");
    // The page form: the refusal shown with the form kept.
    let res = mona.post_form(&format!("/threads/{slug}/stance/proposals/{id}/reject"), &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(texts(&html, "[role=alert]").join(" ").contains("reason"), "{html}");
    assert_eq!(texts(&html, ".proposal.open button").len(), 2);

    let res = mona
        .post_form(&format!("/threads/{slug}/stance/proposals/{id}/reject"), &[("reason", "Too early to say.")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(cora.stored_stance(&slug).await, "contested");
    let history = cora.page(&format!("/threads/{slug}/stance")).await;
    let closed = texts(&history, ".item.proposal").join(" ");
    assert!(closed.contains("Rejected: contested → settled") && closed.contains("Too early to say."), "{closed}");
    assert!(closed.contains("rejected by mona"), "{closed}");
    let log = mona.get_json("/api/v1/moderation/log?action=reject_stance", StatusCode::OK).await;
    assert_eq!(log["entries"][0]["reason"], "Too early to say.", "{log}");
    // A new proposal may follow.
    cora.propose_stance_ok(&slug, "settled", "Settled now.").await;
}

#[tokio::test]
async fn only_an_open_proposal_can_be_decided_and_only_its_proposer_withdraws_it() {
    let (cora, mona, slug) = curated().await;
    let id = cora.propose_stance_ok(&slug, "settled", "Settled.").await;
    assert_eq!(mona.decide_stance(&slug, id, "withdraw", json!({})).await.status(), StatusCode::FORBIDDEN);
    let withdrawn = expect_json(cora.decide_stance(&slug, id, "withdraw", json!({})).await, StatusCode::OK).await;
    assert_eq!(withdrawn["state"], "withdrawn");
    let message = api_error(mona.decide_stance(&slug, id, "approve", json!({})).await, StatusCode::CONFLICT).await;
    assert!(message.contains("already withdrawn"), "{message}");
    assert_eq!(
        mona.decide_stance(&slug, id, "reject", json!({ "reason": "late" })).await.status(),
        StatusCode::CONFLICT
    );
    assert_eq!(cora.decide_stance(&slug, id, "withdraw", json!({})).await.status(), StatusCode::CONFLICT);
    assert_eq!(cora.stored_stance(&slug).await, "contested");
    // A proposal of another thread is not found under this one.
    let other = cora.create_thread("Compute governance").await;
    let theirs = cora.propose_stance_ok(&other, "settled", "Settled.").await;
    assert_eq!(mona.decide_stance(&slug, theirs, "approve", json!({})).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(cora.stored_stance(&other).await, "contested");
}

#[tokio::test]
async fn the_details_form_no_longer_changes_the_stance_but_creation_sets_the_first_label() {
    let (cora, _mona, slug) = curated().await;
    let form = cora.page(&format!("/threads/{slug}/edit")).await;
    assert!(attrs(&form, "select[name=stance]", "name").is_empty(), "the details form has no stance field");
    let fields =
        [("title", "Open weights"), ("framing_question", "Is it so?"), ("status", "active"), ("stance", "settled")];
    let res = cora.post_form(&format!("/threads/{slug}/edit"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(cora.stored_stance(&slug).await, "contested");
    assert_eq!(cora.count("changes").await, 0, "no stance change was recorded");

    let created = cora
        .post_json(
            "/api/v1/threads",
            &json!({ "title": "Is Pluto a planet?", "framing_question": "Is it?", "stance": "settled" }),
        )
        .await;
    let created = expect_json(created, StatusCode::CREATED).await;
    let pluto = created["slug"].as_str().unwrap().to_owned();
    let api = cora.get_json(&format!("/api/v1/threads/{pluto}/stance"), StatusCode::OK).await;
    assert_eq!(api["stance"], "settled");
    assert_eq!(api["labels"][0]["stance"], "settled");
    assert_eq!(api["labels"][0]["proposal_id"], Value::Null);
}

#[tokio::test]
async fn each_step_is_a_changelog_entry_in_words_that_followers_are_told_of() {
    let (cora, mona, slug) = curated().await;
    let rita = cora.browser_as("rita", Role::Reader).await;
    rita.follow("rita", &slug).await;
    rita.page(&format!("/threads/{slug}")).await;

    let first = cora.propose_stance_ok(&slug, "settled", "Settled by now.\n\nMore detail.").await;
    expect_json(mona.decide_stance(&slug, first, "reject", json!({ "reason": "Not yet." })).await, StatusCode::OK)
        .await;
    let second = cora.propose_stance_ok(&slug, "settled", "Still settled.").await;
    expect_json(cora.decide_stance(&slug, second, "withdraw", json!({})).await, StatusCode::OK).await;
    let third = cora.propose_stance_ok(&slug, "emerging_consensus", "Converging.").await;
    expect_json(mona.decide_stance(&slug, third, "approve", json!({})).await, StatusCode::OK).await;

    let history = cora.page(&format!("/threads/{slug}/history")).await;
    let body = texts(&history, "table.changes").join(" ");
    for words in [
        "proposed changing the stance from contested to settled",
        "rejected the stance change from contested to settled proposed by cora",
        "withdrew the proposal to change the stance from contested to settled",
        "proposed changing the stance from contested to emerging consensus",
        "approved the stance change from contested to emerging consensus proposed by cora",
    ] {
        assert!(body.contains(words), "{words} in {body}");
    }
    assert!(attrs(&history, "table.changes a", "href").contains(&format!("/threads/{slug}/stance#proposal-{third}")));
    let recent = cora.page("/recent").await;
    assert!(texts(&recent, "table.changes").join(" ").contains("approved the stance change"));
    let reasons = texts(&history, "table.changes").join(" ");
    assert!(reasons.contains("Settled by now.") && reasons.contains("Not yet."), "{reasons}");

    // The follower's notification and the since-your-last-visit summary.
    rita.fanned_out().await;
    let notifications = rita.get_json("/api/v1/notifications", StatusCode::OK).await;
    assert_eq!(notifications["unread"], 1);
    let latest = texts(&rita.page("/notifications").await, ".notification .latest");
    assert_eq!(latest, ["mona approved the stance change from contested to emerging consensus proposed by cora"]);
    let page = rita.page(&format!("/threads/{slug}")).await;
    let summary = texts(&page, ".since p").join(" ");
    assert!(summary.contains("Stance changed from contested to emerging consensus, approved by mona"), "{summary}");
}

#[tokio::test]
async fn the_moderation_queue_lists_open_proposals_oldest_first_until_decided() {
    let (cora, mona, slug) = curated().await;
    let other = cora.create_thread("Compute governance").await;
    let first = cora.propose_stance_ok(&slug, "settled", "Settled.").await;
    let second = cora.propose_stance_ok(&other, "emerging_consensus", "Converging.").await;

    let queue = mona.page("/moderation/queue").await;
    assert_eq!(texts(&queue, "#stance-queue-heading"), ["Stance proposals awaiting a decision"]);
    assert_eq!(
        attrs(&queue, ".stance-queue a", "href"),
        [format!("/threads/{slug}/stance#proposal-{first}"), format!("/threads/{other}/stance#proposal-{second}"),]
    );
    let api = mona.get_json("/api/v1/stance-proposals?state=open", StatusCode::OK).await;
    let ids: Vec<i64> = api["proposals"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [first, second]);
    assert!(api["next_cursor"].is_null());
    assert_eq!(mona.get("/api/v1/stance-proposals?state=approved").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(mona.get("/api/v1/stance-proposals?after=nonsense").await.status(), StatusCode::BAD_REQUEST);

    expect_json(mona.decide_stance(&slug, first, "approve", json!({})).await, StatusCode::OK).await;
    let queue = mona.page("/moderation/queue").await;
    assert_eq!(attrs(&queue, ".stance-queue a", "href"), [format!("/threads/{other}/stance#proposal-{second}")]);
}

#[tokio::test]
async fn an_invalid_proposal_shows_the_form_again_with_the_text_kept() {
    let (cora, _mona, slug) = curated().await;
    let typed = "Because of [^src:999999].";
    let res = cora
        .post_form(&format!("/threads/{slug}/stance/propose"), &[("stance", "settled"), ("rationale", typed)])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(texts(&html, "textarea[name=rationale]"), [typed]);
    assert_eq!(attrs(&html, "select[name=stance] option[selected]", "value"), ["settled"]);
    assert_every_control_labelled(&html);
    assert_eq!(cora.count("stance_proposals").await, 0);
}

#[tokio::test]
async fn the_demo_thread_has_a_pending_proposal_whose_rationale_cites_a_source_and_an_event() {
    let app = spawn_app().await;
    let seed = |app: &TestApp| {
        let pool = app.pool.clone();
        tokio::task::spawn_blocking(move || agora::ops::demo::seed_if_absent(&pool))
    };
    assert!(seed(&app).await.unwrap().unwrap());
    assert!(!seed(&app).await.unwrap().unwrap(), "seeding again adds nothing");
    assert_eq!(app.count("stance_proposals").await, 1);

    let page = app.page("/threads/open-vs-closed-weights").await;
    assert_eq!(header_badges(&page)[1], "Contested");
    assert!(texts(&page, ".stance-line").join(" ").starts_with("Contested since Feb 2023"), "{page}");
    let pending = texts(&page, ".stance-pending").join(" ");
    assert!(pending.contains("Pending proposal: emerging consensus — proposed by terry-tang"), "{pending}");
    let history = app.page("/threads/open-vs-closed-weights/stance").await;
    let links = attrs(&history, ".proposal.open .prose a", "href");
    assert!(links.iter().any(|h| h.starts_with("/sources/")), "{links:?}");
    assert!(links.iter().any(|h| h.starts_with("/events/")), "{links:?}");
}

#[tokio::test]
async fn an_approval_and_a_withdrawal_sent_together_do_not_both_win() {
    let (cora, mona, slug) = curated().await;
    for _ in 0..3 {
        let id = cora.propose_stance_ok(&slug, "settled", "Settled.").await;
        let (approved, withdrawn) = tokio::join!(
            mona.decide_stance(&slug, id, "approve", json!({})),
            cora.decide_stance(&slug, id, "withdraw", json!({})),
        );
        let statuses = [approved.status(), withdrawn.status()];
        assert_eq!(statuses.iter().filter(|s| s.is_success()).count(), 1, "{statuses:?}");
        assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
        let api = cora.get_json(&format!("/api/v1/threads/{slug}/stance"), StatusCode::OK).await;
        let state = api["proposals"][0]["state"].as_str().unwrap().to_owned();
        let expected_stance = if state == "approved" { "settled" } else { "contested" };
        assert_eq!(api["stance"], expected_stance, "{api}");
        if state == "approved" {
            // Back to contested for the next round, through a proposal of mona's that cora may
            // not approve, so another moderator does.
            let back = mona.propose_stance_ok(&slug, "contested", "Reopened.").await;
            let max = mona.browser_as(&format!("max{back}"), Role::Moderator).await;
            expect_json(max.decide_stance(&slug, back, "approve", json!({})).await, StatusCode::OK).await;
        }
    }
}

#[tokio::test]
async fn hiding_a_proposals_changelog_entry_hides_its_rationale_and_a_rejections_reason_everywhere() {
    let (cora, mona, slug) = curated().await;
    let id = cora.propose_stance_ok(&slug, "settled", "Call mona's home number 555-0100 and ask.").await;
    let reject = mona.decide_stance(&slug, id, "reject", json!({ "reason": "Doxxing: 555-0100." })).await;
    assert_eq!(reject.status(), StatusCode::OK);
    let entries = cora.api_thread_changes(&slug).await;
    for action in ["proposed", "rejected"] {
        let entry = entries.iter().find(|e| e["kind"] == "stance" && e["action"] == action).expect(action);
        let res = mona
            .post_json(&format!("/api/v1/changes/{}/hide", entry["id"]), &json!({ "reason": "personal data" }))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "hide the {action} entry");
    }
    let page = cora.page(&format!("/threads/{slug}/stance")).await;
    let api = cora.get_json(&format!("/api/v1/threads/{slug}/stance"), StatusCode::OK).await;
    for (what, text) in [("the page", page), ("the API", api.to_string())] {
        assert!(!text.contains("555-0100"), "{what} still shows the hidden text: {text}");
        assert!(text.contains("Hidden by a moderator"), "{what} says the text was hidden: {text}");
    }
}

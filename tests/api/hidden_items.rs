//! Hiding a changelog entry of a section item or an event hides that version everywhere it is
//! copied: as the entry's own `after` and as the next entry's `before` (changelogs, item history
//! and diffs, thread history, `/recent`, contributions, every Atom feed), and, when the entry made
//! the item's current state, on the thread page, in the API and in search, which show the last
//! visible version instead. Unhiding puts it back. This is the targeted test of each kind; the
//! generic probe over every readable route lives elsewhere.

use agora::domain::roles::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_json, spawn_app};

/// One kind of item: how it is created and edited through the API, and where it is read.
#[derive(Clone, Copy)]
struct Kind {
    /// The changelog's `kind` (area).
    area: &'static str,
    /// The API and page segment (`/threads/{slug}/{segment}`); `None` for events.
    segment: Option<&'static str>,
    /// Whether its versions have a body (an item diff).
    has_body: bool,
}

const INTERPRETATION: Kind = Kind { area: "interpretation", segment: Some("interpretations"), has_body: true };
const QUESTION: Kind = Kind { area: "question", segment: Some("questions"), has_body: false };
const ARC: Kind = Kind { area: "arc", segment: Some("arc"), has_body: true };
const CONTROVERSY: Kind = Kind { area: "controversy", segment: Some("controversies"), has_body: true };
const EVENT: Kind = Kind { area: "event", segment: None, has_body: false };

/// Words that occur nowhere else, one per version.
const ORIGINAL: &str = "origquokka";
const SECRET: &str = "secretwombat";
const FINAL: &str = "finalplatypus";

impl Kind {
    /// The item's fields carrying `word` in every text it has.
    fn fields(self, word: &str) -> Value {
        match self.area {
            "interpretation" => {
                json!({ "title": format!("Reading {word}"), "body": format!("It says {word}."), "proponents": "Ann" })
            }
            "question" => json!({ "question": format!("Is it {word}?") }),
            "arc" => json!({ "label": "2006", "title": format!("Period {word}"), "body": format!("Then {word}.") }),
            "controversy" => json!({ "title": format!("Dispute {word}"), "body": format!("About {word}.") }),
            _ => json!({ "date": "2006-08-24", "title": format!("Vote {word}"), "significance": "major",
                         "body": format!("Delegates {word}.") }),
        }
    }

    /// Creates the item on the thread; returns its id.
    async fn create(self, app: &TestApp, slug: &str, word: &str) -> i64 {
        let path = match self.segment {
            Some(segment) => format!("/api/v1/threads/{slug}/{segment}"),
            None => format!("/api/v1/threads/{slug}/events"),
        };
        let res = app.post_json(&path, &self.fields(word)).await;
        expect_json(res, StatusCode::CREATED).await["id"].as_i64().unwrap()
    }

    /// Edits the item to carry `word`, from its version `base`.
    async fn edit(self, app: &TestApp, slug: &str, id: i64, base: i32, word: &str) {
        let mut body = self.fields(word);
        body["reason"] = json!("edit");
        let path = match self.segment {
            Some(segment) => {
                body["base_version"] = json!(base);
                format!("/api/v1/threads/{slug}/{segment}/{id}")
            }
            None => format!("/api/v1/events/{id}"),
        };
        let res = app.send_json(reqwest::Method::PUT, &path, &body).await;
        assert!(res.status().is_success(), "edit {} {id}: {}", self.area, res.status());
    }

    /// The changelog entries of the item as `app` sees them, newest first.
    async fn entries(self, app: &TestApp, id: i64) -> Vec<Value> {
        let body = app.get_json(&format!("/api/v1/changes?kind={}", self.area), StatusCode::OK).await;
        body["changes"].as_array().unwrap().iter().filter(|c| c["subject_id"] == id).cloned().collect()
    }

    /// Where the item itself (its current state) is shown.
    fn current_paths(self, slug: &str, id: i64) -> Vec<String> {
        let mut paths = vec![format!("/threads/{slug}"), format!("/api/v1/threads/{slug}")];
        if self.segment.is_none() {
            paths.extend([format!("/events/{id}"), format!("/api/v1/events/{id}"), "/events".to_owned()]);
            paths.push("/events.atom".to_owned());
        }
        paths
    }

    /// Where the item's changelog entries are shown (the private feed is added by the caller).
    fn history_paths(self, slug: &str, id: i64, entry: i64) -> Vec<String> {
        let mut paths = vec![
            format!("/api/v1/threads/{slug}/changes"),
            "/api/v1/changes".to_owned(),
            format!("/api/v1/changes?kind={}", self.area),
            "/api/v1/users/alice/contributions".to_owned(),
            format!("/threads/{slug}/history"),
            "/recent".to_owned(),
            "/users/alice".to_owned(),
            format!("/threads/{slug}/feed.atom"),
            "/recent.atom".to_owned(),
        ];
        if let Some(segment) = self.segment {
            paths.push(format!("/api/v1/threads/{slug}/{segment}/{id}/history"));
            paths.push(format!("/threads/{slug}/{segment}/{id}/history"));
            if self.has_body {
                paths.push(format!("/api/v1/threads/{slug}/{segment}/{id}/diff?entry={entry}"));
                paths.push(format!("/threads/{slug}/{segment}/{id}/diff?entry={entry}"));
            }
        }
        paths
    }
}

/// The body of `GET path` for `app`, which must not be a server error.
async fn body_of(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert!(!res.status().is_server_error(), "GET {path}: {}", res.status());
    res.text().await.unwrap()
}

/// Fails if any of `paths` shows `word` to `app`.
async fn assert_nowhere(app: &TestApp, who: &str, paths: &[String], word: &str) {
    for path in paths {
        let body = body_of(app, path).await;
        assert!(!body.contains(word), "{who} reads the hidden “{word}” at {path}:\n{body}");
    }
}

/// Fails unless `path` shows `word` to `app` (the lists do show the entries around a hidden one).
async fn assert_shown(app: &TestApp, who: &str, path: &str, word: &str) {
    let body = body_of(app, path).await;
    assert!(body.contains(word), "{who} does not find “{word}” at {path}:\n{body}");
}

/// How many search results `word` finds (API).
async fn found(app: &TestApp, word: &str) -> usize {
    let body = app.get_json(&format!("/api/v1/search?q={word}"), StatusCode::OK).await;
    body["results"].as_array().unwrap().len()
}

/// Makes `browser`'s private feed URL; returns its path.
async fn private_feed(browser: &TestApp) -> String {
    let res = browser.send_json(reqwest::Method::POST, "/api/v1/account/feed-token", &json!({})).await;
    let url = expect_json(res, StatusCode::CREATED).await["url"].as_str().unwrap().to_owned();
    url.strip_prefix("http://agora.test").unwrap().to_owned()
}

async fn set_hidden(moderator: &TestApp, entry: i64, hide: bool) {
    let res = if hide {
        moderator.post_json(&format!("/api/v1/changes/{entry}/hide"), &json!({ "reason": "personal data" })).await
    } else {
        moderator.post_json(&format!("/api/v1/changes/{entry}/unhide"), &json!({})).await
    };
    assert_eq!(res.status(), StatusCode::OK, "{} {entry}", if hide { "hide" } else { "unhide" });
}

/// The scenario, for one kind: original, a secret edit, a final edit; hide the secret edit, then
/// the final one (the current state), then unhide the final one.
async fn hidden_versions_stay_hidden(kind: Kind) {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let id = kind.create(&app, &slug, ORIGINAL).await;
    kind.edit(&app, &slug, id, 1, SECRET).await;
    kind.edit(&app, &slug, id, 2, FINAL).await;
    let entries = kind.entries(&app, id).await;
    // Newest first: the two edits, then the creation (and for an event, its link to the thread).
    assert!(entries.len() >= 3, "{entries:?}");
    let (last, secret_edit) = (entries[0]["id"].as_i64().unwrap(), entries[1]["id"].as_i64().unwrap());
    assert!(entries[1]["after"].to_string().contains(SECRET), "{entries:?}");
    let moderator = app.browser_as("maud", Role::Moderator).await;
    let reader = app.browser_as("rita", Role::Reader).await;
    reader.put_follow(&slug).await;
    let feed = private_feed(&reader).await;
    let anonymous = app.another_browser();
    // Warm the thread page cache: hiding must bust it.
    assert_shown(&anonymous, "anonymous", &format!("/threads/{slug}"), FINAL).await;

    // Item 3: the hidden version is the next entry's `before`.
    set_hidden(&moderator, secret_edit, true).await;
    let mut history = kind.history_paths(&slug, id, last);
    history.push(feed.clone());
    let current = kind.current_paths(&slug, id);
    for (who, viewer) in [("anonymous", &anonymous), ("a reader", &reader)] {
        assert_nowhere(viewer, who, &history, SECRET).await;
        assert_nowhere(viewer, who, &current, SECRET).await;
        assert_shown(viewer, who, &format!("/api/v1/threads/{slug}/changes"), FINAL).await;
        assert_shown(viewer, who, &format!("/threads/{slug}/history"), FINAL).await;
        assert_shown(viewer, who, &format!("/threads/{slug}/feed.atom"), FINAL).await;
        assert_eq!(found(viewer, SECRET).await, 0, "{who} finds the hidden version");
        let next = kind.entries(viewer, id).await.into_iter().find(|e| e["id"] == last).unwrap();
        assert!(next["before"].is_null() && next["before_hidden"] == true, "{who}: {next}");
        assert!(next["after"].to_string().contains(FINAL), "{who}: {next}");
    }
    // A moderator sees the hidden version, marked as such.
    let seen = kind.entries(&moderator, id).await.into_iter().find(|e| e["id"] == last).unwrap();
    assert!(seen["before"].to_string().contains(SECRET) && seen["before_hidden"] == true, "{seen}");
    assert_shown(&moderator, "a moderator", &format!("/threads/{slug}/history"), SECRET).await;

    // Item 4: hiding the entry that made the current state shows the last visible version.
    set_hidden(&moderator, last, true).await;
    for (who, viewer) in [("anonymous", &anonymous), ("a reader", &reader)] {
        assert_nowhere(viewer, who, &current, FINAL).await;
        assert_nowhere(viewer, who, &current, SECRET).await;
        assert_nowhere(viewer, who, &history, FINAL).await;
        assert_shown(viewer, who, &format!("/threads/{slug}"), ORIGINAL).await;
        assert_shown(viewer, who, &format!("/api/v1/threads/{slug}"), ORIGINAL).await;
        assert_eq!(found(viewer, FINAL).await, 0, "{who} finds the hidden current version");
        assert_eq!(found(viewer, ORIGINAL).await, 1, "{who} does not find the version shown");
    }
    // Unhiding it puts it back everywhere.
    set_hidden(&moderator, last, false).await;
    for (who, viewer) in [("anonymous", &anonymous), ("a reader", &reader)] {
        assert_shown(viewer, who, &format!("/threads/{slug}"), FINAL).await;
        assert_shown(viewer, who, &format!("/api/v1/threads/{slug}"), FINAL).await;
        assert_eq!(found(viewer, FINAL).await, 1, "{who}: unhidden text is searchable again");
        assert_eq!(found(viewer, ORIGINAL).await, 0, "{who}: the older version is no longer current");
        assert_nowhere(viewer, who, &current, SECRET).await;
        assert_nowhere(viewer, who, &history, SECRET).await;
    }
}

impl TestApp {
    /// Follows the thread at `slug` through the API.
    async fn put_follow(&self, slug: &str) {
        let res = self.send_json(reqwest::Method::PUT, &format!("/api/v1/threads/{slug}/follow"), &json!({})).await;
        assert!(res.status().is_success(), "follow: {}", res.status());
    }
}

#[tokio::test]
async fn a_hidden_interpretation_version_is_hidden_everywhere_and_its_current_state_comes_back_on_unhide() {
    hidden_versions_stay_hidden(INTERPRETATION).await;
}

#[tokio::test]
async fn a_hidden_question_version_is_hidden_everywhere_and_its_current_state_comes_back_on_unhide() {
    hidden_versions_stay_hidden(QUESTION).await;
}

#[tokio::test]
async fn a_hidden_event_version_is_hidden_everywhere_and_its_current_state_comes_back_on_unhide() {
    hidden_versions_stay_hidden(EVENT).await;
}

#[tokio::test]
async fn a_hidden_arc_period_version_is_hidden_everywhere_and_its_current_state_comes_back_on_unhide() {
    hidden_versions_stay_hidden(ARC).await;
}

#[tokio::test]
async fn a_hidden_controversy_version_is_hidden_everywhere_and_its_current_state_comes_back_on_unhide() {
    hidden_versions_stay_hidden(CONTROVERSY).await;
}

/// Hiding the only version of an item (its creation) leaves a placeholder without its text.
async fn hidden_only_version_leaves_a_placeholder(kind: Kind) {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    let id = kind.create(&app, &slug, SECRET).await;
    let created = kind.entries(&app, id).await.last().unwrap()["id"].as_i64().unwrap();
    let moderator = app.browser_as("maud", Role::Moderator).await;
    let anonymous = app.another_browser();
    assert_shown(&anonymous, "anonymous", &format!("/threads/{slug}"), SECRET).await;

    set_hidden(&moderator, created, true).await;
    let current = kind.current_paths(&slug, id);
    assert_nowhere(&anonymous, "anonymous", &current, SECRET).await;
    assert_nowhere(&anonymous, "anonymous", &kind.history_paths(&slug, id, created), SECRET).await;
    assert_shown(&anonymous, "anonymous", &format!("/threads/{slug}"), "Hidden by a moderator").await;
    assert_eq!(found(&anonymous, SECRET).await, 0);

    set_hidden(&moderator, created, false).await;
    assert_shown(&anonymous, "anonymous", &format!("/threads/{slug}"), SECRET).await;
    assert_eq!(found(&anonymous, SECRET).await, 1);
}

#[tokio::test]
async fn hiding_the_only_version_of_an_interpretation_leaves_a_placeholder_until_unhidden() {
    hidden_only_version_leaves_a_placeholder(INTERPRETATION).await;
}

#[tokio::test]
async fn hiding_the_only_version_of_an_event_leaves_a_placeholder_until_unhidden() {
    hidden_only_version_leaves_a_placeholder(EVENT).await;
}

/// A thread's details follow the same rule: each field is an item of its own.
#[tokio::test]
async fn a_hidden_framing_question_is_not_shown_as_the_next_changes_before() {
    let app = spawn_app().await;
    let slug = app.curated_thread().await;
    for question in [format!("Is it {SECRET}?"), format!("Is it {FINAL}?")] {
        let fields = [("title", "Is Pluto a planet?"), ("framing_question", question.as_str())];
        let res = app
            .post_form(
                &format!("/threads/{slug}/edit"),
                &[&fields[..], &[("status", "active"), ("stance", "contested")]].concat(),
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let body = app.get_json(&format!("/api/v1/threads/{slug}/changes?kind=details"), StatusCode::OK).await;
    let entries = body["changes"].as_array().unwrap();
    let (last, secret_edit) = (entries[0]["id"].as_i64().unwrap(), entries[1]["id"].as_i64().unwrap());
    assert!(entries[1]["after"].to_string().contains(SECRET), "{entries:?}");
    let moderator = app.browser_as("maud", Role::Moderator).await;
    set_hidden(&moderator, secret_edit, true).await;

    let anonymous = app.another_browser();
    let paths = [
        format!("/api/v1/threads/{slug}/changes"),
        format!("/threads/{slug}/history"),
        format!("/threads/{slug}/feed.atom"),
        "/recent.atom".to_owned(),
    ];
    assert_nowhere(&anonymous, "anonymous", &paths, SECRET).await;
    assert_shown(&anonymous, "anonymous", &format!("/threads/{slug}/history"), FINAL).await;
    let html = moderator.page(&format!("/threads/{slug}/history")).await;
    assert!(html.contains(SECRET) && html.contains("The earlier version was hidden by a moderator."), "{html}");
    let seen = thread_entry(&moderator, &slug, last).await;
    assert!(seen["before_hidden"] == true && seen["before"].to_string().contains(SECRET), "{seen}");
}

/// The entry `id` of the thread's changelog as `app` sees it.
async fn thread_entry(app: &TestApp, slug: &str, id: i64) -> Value {
    let body = app.get_json(&format!("/api/v1/threads/{slug}/changes"), StatusCode::OK).await;
    body["changes"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap().clone()
}

//! Hidden means hidden everywhere: a thread with a hidden synthesis revision, hidden versions of
//! a section item of every kind (one in the middle of its history, one its current state), a
//! hidden version of an event and of the thread's title, each carrying a secret word of its own.
//! Then every GET route of the route table (pages and API, every `{kind}`, every revision and
//! entry, the feeds, searches for the secrets) is read as an anonymous visitor and as a reader
//! who follows the thread, and the reader's e-mail digest is sent to an SMTP sink: no secret may
//! appear anywhere. A route whose parameters the probe cannot fill fails the test, so a new
//! route is probed or noticed.

use std::collections::{BTreeMap, BTreeSet};

use agora::domain::roles::Role;
use agora::ops::digest::{Mailer, send_due};
use agora::ops::sections::SectionKind;
use chrono::Utc;
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, location, route_table, spawn_app};
use crate::smtp_sink::SmtpSink;

/// Every secret starts with this, so one search finds any of them.
const MARK: &str = "zqx";

/// The feed token of the reader (only its hash is stored).
const FEED_TOKEN: &str = "aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55";

/// The secret words found in `text` (each is `MARK` followed by lowercase letters).
fn secrets_in(text: &str) -> BTreeSet<String> {
    text.match_indices(MARK)
        .map(|(i, _)| text[i..].chars().take_while(char::is_ascii_lowercase).collect::<String>())
        .collect()
}

/// An item of one kind: its id and its changelog entries, oldest first.
struct Item {
    id: i64,
    entries: Vec<i64>,
}

/// What the probe reads.
struct Fixture {
    slug: String,
    event: i64,
    /// A source whose middle version (its publisher a secret) is hidden (issue 16).
    source: i64,
    /// Two items of each kind: one with a hidden middle version, one whose current state is hidden.
    items: BTreeMap<&'static str, [Item; 2]>,
    /// The secret words planted (all hidden by a moderator).
    secrets: BTreeSet<String>,
}

/// The fields of a section item, with `text` where the item's own words go (the body, or the
/// question); titles stay plain, since the changelog names items by them.
fn item_body(kind: SectionKind, text: &str, base_version: Option<i32>) -> Value {
    let mut body = json!({ "label": "2024", "title": format!("A {}", kind.noun()), "body": text,
        "proponents": "Someone" });
    if kind == SectionKind::Question {
        body = json!({ "question": format!("{text}?") });
    }
    if let Some(v) = base_version {
        body["base_version"] = json!(v);
    }
    body
}

async fn send(browser: &TestApp, method: Method, path: &str, body: Value, expected: StatusCode) -> Value {
    let res = browser.send_json(method.clone(), path, &body).await;
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status, expected, "{method} {path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The changelog entries about one subject of the thread, oldest first.
async fn entries(app: &TestApp, slug: &str, area: &'static str, subject: Option<i64>) -> Vec<i64> {
    let slug = slug.to_owned();
    app.query(move |c| {
        use agora::db::schema::{changes, threads};
        let thread: i64 = threads::table.filter(threads::slug.eq(&slug)).select(threads::id).first(c).unwrap();
        let mut q = changes::table
            .filter(changes::area.eq(area))
            .filter(changes::thread_id.eq(thread).or(changes::event_id.is_not_null()))
            .select(changes::id)
            .order(changes::id)
            .into_boxed();
        if let Some(s) = subject {
            q = q.filter(changes::subject_id.eq(s));
        }
        q.load::<i64>(c).unwrap()
    })
    .await
}

async fn hide(moderator: &TestApp, change: i64) {
    send(
        moderator,
        Method::POST,
        &format!("/api/v1/changes/{change}/hide"),
        json!({ "reason": "abuse" }),
        StatusCode::OK,
    )
    .await;
}

/// `cora` writes, `root` hides; `rita` follows the thread and wants a daily digest.
async fn fixture(app: &TestApp, cora: &TestApp, root: &TestApp, rita: &TestApp) -> Fixture {
    let mut secrets = BTreeSet::new();
    let mut secret = |place: &str| {
        let word = format!("{MARK}{place}");
        secrets.insert(word.clone());
        word
    };
    let slug = cora.create_thread("Open weights").await;
    // The reader follows from the start, so every change reaches her notifications and digest.
    app.follow("rita", &slug).await;
    let res = rita.post_form("/account/digest", &[("email", "rita@example.org"), ("digest", "daily")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "rita asks for a digest");

    // The synthesis: revision 2 (body and summary) is hidden, 3 is public again.
    let rev_body = secret("revbody");
    let rev_summary = secret("revsummary");
    for (base, body, summary) in [
        (0, "Public text one.".to_owned(), "first".to_owned()),
        (1, format!("Public text {rev_body} two."), rev_summary),
        (2, "Public text three.".to_owned(), "restored".to_owned()),
    ] {
        let res = cora.save_synthesis(&slug, base, &body, &summary).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "save on {base}");
    }
    let revision = app
        .query({
            let slug = slug.clone();
            move |c| {
                let thread = agora::db::threads::by_slug(c, &slug).unwrap().thread_id();
                agora::db::changes::of_revision(c, thread, 2).unwrap().id
            }
        })
        .await;
    hide(root, revision).await;

    // Section items of every kind.
    let mut items = BTreeMap::new();
    for kind in SectionKind::ALL {
        let seg = kind.segment();
        let path = format!("/api/v1/threads/{slug}/{seg}");
        // One whose middle version is hidden.
        let mid = secret(&format!("{}mid", seg.trim_end_matches('s')));
        let a = send(cora, Method::POST, &path, item_body(kind, "Plain words", None), StatusCode::CREATED).await;
        let a = a["id"].as_i64().unwrap();
        for (v, text) in [(1, mid.as_str()), (2, "Plain words again")] {
            send(cora, Method::PUT, &format!("{path}/{a}"), item_body(kind, text, Some(v)), StatusCode::OK).await;
        }
        let a_entries = entries(app, &slug, kind.area().as_str(), Some(a)).await;
        assert_eq!(a_entries.len(), 3, "{seg}: added and edited twice");
        hide(root, a_entries[1]).await;
        // One whose current state is hidden.
        let cur = secret(&format!("{}cur", seg.trim_end_matches('s')));
        let b = send(cora, Method::POST, &path, item_body(kind, "Other words", None), StatusCode::CREATED).await;
        let b = b["id"].as_i64().unwrap();
        send(cora, Method::PUT, &format!("{path}/{b}"), item_body(kind, &cur, Some(1)), StatusCode::OK).await;
        let b_entries = entries(app, &slug, kind.area().as_str(), Some(b)).await;
        hide(root, b_entries[1]).await;
        items.insert(seg, [Item { id: a, entries: a_entries }, Item { id: b, entries: b_entries }]);
    }

    // An event whose middle version is hidden.
    let event_mid = secret("eventmid");
    let event =
        |body: &str| json!({ "date": "2024-07-23", "title": "A release", "significance": "major", "body": body });
    let created =
        send(cora, Method::POST, &format!("/api/v1/threads/{slug}/events"), event("Plain"), StatusCode::CREATED).await;
    let event_id = created["id"].as_i64().unwrap();
    for body in [event_mid.as_str(), "Plain again"] {
        send(cora, Method::PUT, &format!("/api/v1/events/{event_id}"), event(body), StatusCode::OK).await;
    }
    let event_entries = entries(app, &slug, "event", Some(event_id)).await;
    let edits: Vec<i64> = event_entries.iter().rev().take(2).rev().copied().collect();
    hide(root, edits[0]).await;

    // A source whose middle version is hidden: the publisher is its own words (the title names it).
    let source_mid = secret("sourcemid");
    let source_body = |publisher: &str, version: Option<i32>| {
        let mut body = json!({ "title": "A model card", "publisher": publisher, "kind": "model_card", "tier": "primary",
                               "url": "https://example.org/card", "reason": "correction" });
        if let Some(v) = version {
            body["base_version"] = json!(v);
        }
        body
    };
    let source = send(cora, Method::POST, "/api/v1/sources", source_body("Plain lab", None), StatusCode::CREATED).await;
    let source = source["id"].as_i64().unwrap();
    for (v, publisher) in [(1, source_mid.as_str()), (2, "Plain lab again")] {
        let path = format!("/api/v1/sources/{source}");
        send(cora, Method::PUT, &path, source_body(publisher, Some(v)), StatusCode::OK).await;
    }
    let source_entries: Vec<i64> = app
        .query(move |c| {
            use agora::db::schema::changes;
            changes::table.filter(changes::source_id.eq(source)).order(changes::id).select(changes::id).load(c).unwrap()
        })
        .await;
    hide(root, source_entries[1]).await;

    // The thread's title, for a while.
    let title_mid = secret("titlemid");
    for title in [format!("Open weights {title_mid}"), "Open weights".to_owned()] {
        let res = cora
            .post_form(
                &format!("/threads/{slug}/edit"),
                &[("title", &title), ("framing_question", "Is it so?"), ("status", "active"), ("stance", "contested")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "retitle: {}", location(&res));
    }
    let details = entries(app, &slug, "details", None).await;
    hide(root, details[details.len() - 2]).await;

    // The reader's private feed.
    app.query(|c| {
        use agora::db::schema::users;
        let rita: i64 = users::table.filter(users::username.eq("rita")).select(users::id).first(c).unwrap();
        let hash = agora::auth::session::token_hash(FEED_TOKEN);
        agora::db::feeds::replace_token(c, agora::domain::ids::UserId(rita), &hash).unwrap();
    })
    .await;
    Fixture { slug, event: event_id, source, items, secrets }
}

/// Every concrete URL of a GET route for this fixture; `Err` when the route has a parameter the
/// probe does not know how to fill.
fn urls(pattern: &str, f: &Fixture) -> Result<Vec<String>, String> {
    let mut out = vec![pattern.to_owned()];
    let expand = |out: Vec<String>, name: &str, values: Vec<String>| -> Vec<String> {
        out.iter().flat_map(|u| values.iter().map(move |v| u.replace(&format!("{{{name}}}"), v))).collect()
    };
    let params: Vec<String> =
        pattern.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned())).collect();
    // `{kind}` and `{id}` go together for section items.
    if params.iter().any(|p| p == "kind") {
        out = f
            .items
            .iter()
            .flat_map(|(seg, items)| {
                items.iter().flat_map(move |item| {
                    let base = pattern.replace("{kind}", seg).replace("{id}", &item.id.to_string());
                    if pattern.ends_with("/diff") {
                        let mut v: Vec<String> = item.entries.iter().map(|e| format!("{base}?entry={e}")).collect();
                        for w in item.entries.windows(2) {
                            v.push(format!("{base}?from={}&to={}", w[0], w[1]));
                        }
                        v
                    } else {
                        vec![base]
                    }
                })
            })
            .collect();
    }
    for name in params.iter().filter(|p| !matches!(p.as_str(), "kind")) {
        let values: Vec<String> = match name.as_str() {
            "slug" => vec![f.slug.clone()],
            "seq" => (1..=3).map(|s| s.to_string()).collect(),
            "username" => vec!["cora".into(), "root".into()],
            "name" => vec![agora::render::assets::ASSETS.app_css.url.trim_start_matches("/static/").to_owned()],
            "token" => vec![FEED_TOKEN.to_owned()],
            "from_id" => vec![i64::MIN.to_string()],
            "id" if pattern.contains("{kind}") => continue,
            "interpretation_id" => f.items["interpretations"].iter().map(|i| i.id.to_string()).collect(),
            "event_id" => vec![f.event.to_string()],
            "id" if pattern.contains("/events/") => vec![f.event.to_string()],
            "id" if pattern.contains("/sources/") => vec![f.source.to_string()],
            "id" if pattern.contains("/changes/") => f
                .items
                .values()
                .flat_map(|items| items.iter().flat_map(|i| i.entries.clone()))
                .map(|e| e.to_string())
                .collect(),
            other => return Err(format!("GET {pattern}: the probe cannot fill {{{other}}}")),
        };
        out = expand(out, name, values);
    }
    // Query strings that pick versions, searches and filters.
    let with_query = |suffixes: Vec<String>| -> Vec<String> {
        out.iter().flat_map(|u| suffixes.iter().map(move |q| format!("{u}{q}"))).collect()
    };
    let out = if pattern.ends_with("/{slug}/diff") {
        with_query(vec![
            "?from=1&to=2".into(),
            "?from=2&to=3".into(),
            "?from=1&to=3".into(),
            "?from=1&to=3&view=side".into(),
        ])
    } else if pattern.ends_with("/search") {
        // Each secret with an `s` added: the same word to the English stemmer, but not the same
        // text, so the page echoing the query is no leak while a result showing it is.
        let mut q: Vec<String> = f.secrets.iter().map(|s| format!("?q={s}s")).collect();
        q.extend(["?q=open".to_owned(), "?q=plain".to_owned(), "?q=public".to_owned()]);
        with_query(q)
    } else if pattern.ends_with("/blame") {
        with_query(vec![String::new(), "?rev=2".into(), "?rev=3".into()])
    } else if pattern.ends_with("/changes") || pattern.ends_with("/recent") || pattern == "/threads/{slug}/history" {
        let mut q = vec![String::new(), format!("?thread={}", f.slug), "?user=cora".into()];
        q.extend(agora::domain::history::Area::ALL.iter().map(|a| format!("?kind={}", a.as_str())));
        with_query(q)
    } else {
        out
    };
    Ok(out)
}

#[tokio::test]
async fn hidden_text_appears_on_no_readable_route_feed_or_digest() {
    let sink = SmtpSink::start().await;
    let app = spawn_app().await;
    let cora = app.another_browser();
    cora.login_as("cora", Role::Curator).await;
    let root = app.another_browser();
    root.login_as("root", Role::Admin).await;
    let rita = app.another_browser();
    rita.login_as("rita", Role::Reader).await;
    let f = fixture(&app, &cora, &root, &rita).await;
    assert_eq!(f.secrets.len(), 2 + 2 * SectionKind::ALL.len() + 3, "every planted secret is distinct");
    // Every change has reached the reader's notifications before the routes are read.
    app.fanned_out().await;

    // The secrets are really stored (the probe below would see them if they leaked), and an
    // admin, who may see hidden content, does see one.
    let stored: String = app
        .query(|c| {
            diesel::sql_query(
                "SELECT string_agg(coalesce(before::text, '') || coalesce(after::text, ''), ' ') AS text FROM changes",
            )
            .get_result::<Text>(c)
            .unwrap()
            .text
        })
        .await;
    let revisions: String = app
        .query(|c| {
            diesel::sql_query("SELECT string_agg(body_md || ' ' || summary, ' ') AS text FROM revisions")
                .get_result::<Text>(c)
                .unwrap()
                .text
        })
        .await;
    let stored = secrets_in(&format!("{stored} {revisions}"));
    assert_eq!(stored, f.secrets, "every secret is in the database");
    let admin_view = root.get(&format!("/threads/{}/revisions/2", f.slug)).await.text().await.unwrap();
    assert!(admin_view.contains(&format!("{MARK}revbody")), "an admin sees the hidden revision");

    let mut leaks: Vec<String> = Vec::new();
    let mut unfillable = Vec::new();
    let mut requested = BTreeSet::new();
    let (mut requests, mut ok) = (0, 0);
    let anonymous = app.another_browser();
    let routes = route_table(&app).await;
    let readable: BTreeSet<String> = routes.iter().filter(|(m, _)| *m == "GET").map(|(_, p)| p.clone()).collect();
    for (method, pattern) in routes {
        if method != "GET" {
            continue;
        }
        let urls = match urls(&pattern, &f) {
            Ok(urls) => urls,
            Err(e) => {
                unfillable.push(e);
                continue;
            }
        };
        requested.insert(pattern.clone());
        for url in urls {
            for (who, browser) in [("anonymous", &anonymous), ("reader", &rita)] {
                let res = browser.get(&url).await;
                let status = res.status();
                requests += 1;
                ok += usize::from(status == StatusCode::OK);
                assert!(!status.is_server_error(), "GET {url} as {who}: {status}");
                let body = res.text().await.unwrap();
                for found in secrets_in(&body).intersection(&f.secrets) {
                    leaks.push(format!("GET {url} as {who} ({status}): {found}"));
                }
            }
        }
    }

    // The digest e-mail of the reader.
    let mailer = Mailer::new(&sink.url, "Agora <agora@localhost>", "http://agora.test").unwrap();
    let round = send_due(&app.pool, &mailer, Utc::now()).await.unwrap();
    assert_eq!(round.sent, 1, "the reader's digest went out");
    for message in sink.messages() {
        for found in secrets_in(&message.body()).intersection(&f.secrets) {
            leaks.push(format!("the digest e-mail: {found}"));
        }
    }

    assert!(unfillable.is_empty(), "routes the probe cannot read:\n{}", unfillable.join("\n"));
    assert_eq!(requested, readable, "every GET route of the route table was read");
    assert!(requests > 300 && ok > requests / 2, "the probe read real pages: {ok} of {requests} answered 200");
    // Only the pages that leak, with the secrets each shows.
    let mut by_route: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for leak in &leaks {
        let (what, secret) = leak.rsplit_once(": ").unwrap();
        by_route.entry(what.to_owned()).or_default().insert(secret.to_owned());
    }
    let report: Vec<String> = by_route.iter().map(|(w, s)| format!("{w}: {s:?}")).collect();
    assert!(leaks.is_empty(), "hidden text is readable ({} places):\n{}", report.len(), report.join("\n"));
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}

//! SQL injection: classic payloads through every path parameter of every route and every query
//! parameter of every GET route — the routes from the app's route table, the query parameters
//! from its OpenAPI document (`every_route_parameter_and_documented_filter_is_in_the_probe_plan`
//! fails when one is not probed) — and through the fields of writes (login and sign-up
//! usernames, thread titles, the event number of "link an event", and the other fields of
//! thread, event, section and synthesis writes). No request may fail with a 5xx, show a
//! database error or run long enough for a `pg_sleep` to have run, and afterwards the tables
//! still exist with exactly the rows the accepted writes account for.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::PASSWORD;
use crate::helpers::{TestApp, changed_tables, route_table, spawn_app, table_checksums};

/// How long the time-based payloads ask PostgreSQL to sleep, in seconds.
const SLEEP_SECS: u64 = 30;
/// A time-based payload answered slower than this may have run its `pg_sleep`; far below the
/// sleep, far above a request on a busy machine.
const SLOW: Duration = Duration::from_secs(SLEEP_SECS / 2);
/// Requests in flight at once.
const PARALLEL: usize = 16;

/// Classic injection strings, numeric edge cases, encodings, NUL and other control characters,
/// Unicode look-alikes and very long strings.
fn payloads() -> Vec<String> {
    let mut all: Vec<String> = [
        // Tautologies and comments.
        "' OR '1'='1",
        "' OR '1'='1' --",
        "' OR 1=1--",
        "\" OR \"1\"=\"1",
        "') OR ('1'='1",
        "1' OR '1'='1' /*",
        "1 OR 1=1",
        "1) OR (1=1",
        "1 AND 1=2",
        "admin'--",
        "admin' #",
        "1/**/OR/**/1=1",
        // Stacked queries.
        "'; DROP TABLE users; --",
        "1; DROP TABLE users",
        "'); DROP TABLE users; --",
        "1'; DELETE FROM threads; --",
        "'; UPDATE users SET role='admin'; --",
        "'; TRUNCATE events CASCADE; --",
        "$$; DROP TABLE users; $$",
        "1; COPY users TO '/tmp/agora-users'; --",
        // UNION and sub-selects.
        "1 UNION SELECT username, password_hash FROM users",
        "1 UNION SELECT NULL--",
        "' UNION SELECT NULL,NULL,NULL--",
        "-1 UNION ALL SELECT 1,2,3,4,5,6,7,8--",
        "(SELECT version())",
        "current_user",
        "1::text",
        "1 || 'x'",
        // Time-based blind.
        "1'; SELECT pg_sleep(30); --",
        "1 AND (SELECT 1 FROM pg_sleep(30)) IS NOT NULL",
        "';SELECT CASE WHEN (1=1) THEN pg_sleep(30) ELSE pg_sleep(0) END--",
        // Quotes, escapes and encodings.
        "%27",
        "%27%20OR%201%3D1--",
        "%2527",
        "\\'",
        "\\\\'",
        "\\x27",
        "E'\\x27 OR 1=1",
        "''",
        "'''",
        "\"",
        "`",
        ";",
        "--",
        "/*",
        "*/",
        "%",
        "_",
        "' LIKE '%",
        "{\"$ne\":null}",
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        // Numbers at and past the edges of i32 and i64.
        "0",
        "-1",
        "-0",
        "+1",
        "01",
        " 1",
        "1 ",
        "1.5",
        "1e309",
        "NaN",
        "Infinity",
        "0x10",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        // Cursors that parse as far as the injection.
        "1709900000123456_1' OR '1'='1",
        "1709900000123456_-9223372036854775808",
        "-9223372036854775808_1",
        "9223372036854775807_9223372036854775807",
        "-220000000000000000_1",
        "8200000000000000000_1",
        "2024-07-23_1 OR 1=1",
        "2024-07-23_9223372036854775807",
        "-5000-01-01_1",
        "262143-12-31_1",
        // Unicode look-alikes, direction marks, non-characters.
        "１２",
        "ʼ OR ʼ1ʼ=ʼ1",
        "＇ OR ＇1＇=＇1",
        "' OR 'ä'='ä",
        "😀' OR 1=1 --",
        "\u{202e}' OR 1=1 --",
        "\u{feff}1",
        "\u{ffff}",
        "日本語' OR 1=1",
        // NUL and other control characters.
        "\0",
        "1\0",
        "a\0' OR 1=1 --",
        "\u{1}",
        "\r\n",
        "\n' OR 1=1",
        "%00",
        "%0d%0aSet-Cookie: x=1",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    all.push("'".repeat(10_000));
    all.push(format!("' OR 1=1 --{}", "A".repeat(10_000)));
    all.push("A".repeat(LONGEST));
    all.push(format!("' OR 1=1 -- {}", noise(4_000)));
    all.push(noise(20_000));
    all
}

/// A long string that does not compress, so PostgreSQL cannot store it as a small compressed
/// value (a repeated character can hide a size problem that real text shows).
fn noise(len: usize) -> String {
    let alphabet: Vec<char> =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' \"-;=()".chars().collect();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            alphabet[(x % alphabet.len() as u64) as usize]
        })
        .collect()
}

/// The longest payload: as long as a URL may be (the `http` crate refuses URIs over 64 KiB).
const LONGEST: usize = 60_000;

/// Percent-encodes everything but unreserved characters, for a path segment or a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A short, printable name for a payload in failure messages.
fn shown(payload: &str) -> String {
    let escaped: String = payload.chars().take(60).flat_map(char::escape_debug).collect();
    if payload.chars().count() > 60 { format!("{escaped}… ({} chars)", payload.chars().count()) } else { escaped }
}

/// One request to make: what to call it in a failure message, and the request itself.
struct Probe {
    what: String,
    request: reqwest::RequestBuilder,
}

/// What a probe got back.
struct Outcome {
    what: String,
    status: Option<StatusCode>,
    body: String,
    elapsed: Duration,
}

/// Sends the probes, `PARALLEL` at a time, in order.
async fn send_all(probes: Vec<Probe>) -> Vec<Outcome> {
    send_all_by(probes, PARALLEL).await
}

/// Sends the probes, `parallel` at a time, in order. A request that could not be sent at all
/// (a kept-alive connection the server had just closed) is sent once more.
async fn send_all_by(probes: Vec<Probe>, parallel: usize) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(probes.len());
    let mut probes = probes.into_iter().peekable();
    while probes.peek().is_some() {
        let mut batch = tokio::task::JoinSet::new();
        for (i, probe) in probes.by_ref().take(parallel).enumerate() {
            batch.spawn(async move {
                let started = Instant::now();
                let again = probe.request.try_clone();
                let res = match (probe.request.send().await, again) {
                    (Err(e), Some(again)) if e.is_request() || e.is_connect() => again.send().await,
                    (res, _) => res,
                };
                let (status, body) = match res {
                    Ok(res) => (Some(res.status()), res.text().await.unwrap_or_default()),
                    Err(e) => (None, e.to_string()),
                };
                (i, Outcome { what: probe.what, status, body, elapsed: started.elapsed() })
            });
        }
        let mut done: Vec<(usize, Outcome)> = batch.join_all().await;
        done.sort_by_key(|(i, _)| *i);
        outcomes.extend(done.into_iter().map(|(_, o)| o));
    }
    outcomes
}

/// The probes that failed: no answer, a 5xx, or a time-based payload (its description names
/// `pg_sleep`) slow enough for the sleep to have run.
fn failures(outcomes: &[Outcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter_map(|o| match o.status {
            None => Some(format!("{}: no answer ({})", o.what, o.body.chars().take(200).collect::<String>())),
            Some(s) if s.is_server_error() => Some(format!("{}: HTTP {s}", o.what)),
            Some(_) if SQL_ERROR_TEXT.iter().any(|t| o.body.contains(t)) => {
                Some(format!("{}: database error text in the body", o.what))
            }
            Some(_) if o.what.contains("pg_sleep") && o.elapsed > SLOW => {
                Some(format!("{}: took {:?}", o.what, o.elapsed))
            }
            Some(_) => None,
        })
        .collect()
}

fn assert_no_failures(outcomes: &[Outcome]) {
    let failed = failures(outcomes);
    assert!(
        failed.is_empty(),
        "{} of {} injection requests failed:\n{}",
        failed.len(),
        outcomes.len(),
        failed.join("\n")
    );
}

/// Row counts and a fingerprint of every account (name, role, password hash), to compare.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    users: i64,
    threads: i64,
    revisions: i64,
    events: i64,
    accounts: String,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    #[derive(QueryableByName)]
    struct Tables {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        all_there: bool,
    }
    #[derive(QueryableByName)]
    struct Fingerprint {
        #[diesel(sql_type = diesel::sql_types::Text)]
        accounts: String,
    }
    let (all_there, accounts) = app
        .query(|c| {
            let tables = diesel::sql_query(
                "SELECT (to_regclass('public.users') IS NOT NULL AND to_regclass('public.threads') IS NOT NULL
                   AND to_regclass('public.revisions') IS NOT NULL AND to_regclass('public.events') IS NOT NULL)
                   AS all_there",
            )
            .get_result::<Tables>(c)
            .unwrap();
            let fingerprint = diesel::sql_query(
                "SELECT coalesce(md5(string_agg(username || ':' || role || ':' || password_hash, ',' ORDER BY id)), '')
                   AS accounts FROM users",
            )
            .get_result::<Fingerprint>(c)
            .unwrap();
            (tables.all_there, fingerprint.accounts)
        })
        .await;
    assert!(all_there, "the users, threads, revisions and events tables still exist");
    Snapshot {
        users: app.count("users").await,
        threads: app.count("threads").await,
        revisions: app.count("revisions").await,
        events: app.count("events").await,
        accounts,
    }
}

/// What `app_with_data` made.
struct Data {
    slug: String,
    event: i64,
    reader: i64,
}

/// An app with an admin logged in (who may open every page), a reader, a thread with two
/// revisions, one of each section item and an event linked to it.
async fn app_with_data() -> (TestApp, Data) {
    let app = spawn_app().await;
    app.login_as("root", Role::Admin).await;
    app.user("someone", Role::Reader).await;
    let slug = app.create_thread("Open weights").await;
    for (base, body) in [(0, "First text."), (1, "Second text.")] {
        let res = app.save_synthesis(&slug, base, body, "an edit").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    for (kind, body) in [
        ("arc", json!({ "label": "2023", "title": "A year", "body": "Things." })),
        ("interpretations", json!({ "title": "A reading", "body": "Text.", "proponents": "Someone" })),
        ("questions", json!({ "question": "Why?" })),
        ("controversies", json!({ "title": "A dispute", "body": "Text." })),
    ] {
        let res = app.post_json(&format!("/api/v1/threads/{slug}/{kind}"), &body).await;
        assert_eq!(res.status(), StatusCode::CREATED, "create {kind}");
    }
    let event = json!({ "date": "2024-07-23", "title": "A release", "significance": "major", "body": "" });
    let res = app.post_json(&format!("/api/v1/threads/{slug}/events"), &event).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let event = res.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let reader = app
        .query(|c| {
            use agora::db::schema::users;
            users::table.filter(users::username.eq("someone")).select(users::id).first::<i64>(c).unwrap()
        })
        .await;
    (app, Data { slug, event, reader })
}

/// The payloads sent through parameters probed widely (every query name on every page, the
/// path parameters of writes): one of each family, so breadth does not multiply the full list.
fn compact_payloads() -> Vec<String> {
    [
        "' OR 1=1--",
        "1 UNION SELECT NULL--",
        "1'; SELECT pg_sleep(30); --",
        "%27",
        "9223372036854775808",
        "1709900000123456_1' OR '1'='1",
        "ʼ OR ʼ1ʼ=ʼ1",
        "\0",
    ]
    .into_iter()
    .map(str::to_owned)
    .chain([noise(4_000)])
    .collect()
}

/// Query parameters the HTML pages read that no API operation shares (a sample, named as one:
/// every page is also probed with every query name of the OpenAPI document).
const HTML_ONLY_QUERY: &[&str] = &["saved", "view", "action", "page", "type"];

/// Filters and cursors the probes must reach somewhere (issue 13 item 12).
const MUST_PROBE: &[&str] =
    &["status", "stance", "sort", "significance", "year", "thread", "kind", "user", "rev", "after", "before"];

/// Which payloads a parameter gets.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Payloads {
    Full,
    Compact,
}

/// Where a probe puts its payload.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Path(String),
    Query(String),
    /// `?{payload}={payload}`: a name the route does not know.
    Unknown,
}

/// One parameter of one route to probe.
#[derive(Debug, Clone)]
struct Planned {
    method: &'static str,
    pattern: String,
    slot: Slot,
    payloads: Payloads,
}

/// The `{name}`s of a route pattern.
fn path_params(pattern: &str) -> Vec<String> {
    pattern.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned())).collect()
}

/// The query parameter names of the GET operation at `path` in the OpenAPI document.
fn documented_query(doc: &Value, path: &str) -> Vec<String> {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect()
}

/// Every query name of every operation of the document.
fn every_documented_query(doc: &Value) -> BTreeSet<String> {
    doc["paths"].as_object().unwrap().keys().flat_map(|path| documented_query(doc, path)).collect()
}

/// The probe plan: every route of the route table, every path parameter, every query parameter
/// the OpenAPI document names (API routes: their own; pages: all of them and `HTML_ONLY_QUERY`),
/// and an unknown name. Reads get the full payload list through their own parameters; writes
/// (their path parameters) and the broad page sweep get the compact one.
fn plan(routes: &[(&'static str, String)], doc: &Value) -> Vec<Planned> {
    let every_query = every_documented_query(doc);
    let mut planned = Vec::new();
    for (method, pattern) in routes {
        let mut add = |slot: Slot, payloads: Payloads| {
            planned.push(Planned { method, pattern: pattern.clone(), slot, payloads });
        };
        let read = *method == "GET";
        for name in path_params(pattern) {
            add(Slot::Path(name), if read { Payloads::Full } else { Payloads::Compact });
        }
        if !read {
            continue;
        }
        add(Slot::Unknown, Payloads::Compact);
        if pattern.starts_with("/api/") {
            for name in documented_query(doc, pattern) {
                add(Slot::Query(name), Payloads::Full);
            }
        } else {
            for name in every_query.iter().map(String::as_str).chain(HTML_ONLY_QUERY.iter().copied()) {
                add(Slot::Query(name.to_owned()), Payloads::Compact);
            }
        }
    }
    planned
}

/// What `app_with_data` made, for the parameters that are not probed in a request.
struct Samples {
    slug: String,
    event: i64,
    reader: i64,
    /// An interpretation and the changelog entry that added it.
    item: i64,
    entry: i64,
    change: i64,
    /// A source (issue 16).
    source: i64,
}

/// A valid value for a path parameter, so the probe reaches the one that carries the payload;
/// `None` for a parameter this test does not know yet (the plan test then fails).
fn sample(pattern: &str, name: &str, s: &Samples) -> Option<String> {
    Some(match name {
        "slug" => s.slug.clone(),
        "kind" => "interpretations".to_owned(),
        "seq" => "1".to_owned(),
        "username" => "someone".to_owned(),
        "name" => agora::render::assets::ASSETS.app_css.url.trim_start_matches("/static/").to_owned(),
        "token" => FEED_TOKEN.to_owned(),
        "id" if pattern.starts_with("/admin/users/") || pattern.starts_with("/api/v1/users/") => s.reader.to_string(),
        "id" if pattern.contains("/changes/") => s.change.to_string(),
        "id" if pattern.contains("{kind}") || pattern.contains("/questions/") => s.item.to_string(),
        "id" if pattern.contains("/events/") => s.event.to_string(),
        "id" if pattern.contains("/sources/") => s.source.to_string(),
        "id" if pattern.starts_with("/notifications/") => "1".to_owned(),
        // The governed stance label: a proposal id (none need exist for the probe to reach
        // the parameter that carries the payload).
        "id" if pattern.contains("/stance/proposals/") => "1".to_owned(),
        "interpretation_id" => s.item.to_string(),
        "event_id" => s.event.to_string(),
        "from_id" => "1".to_owned(),
        _ => return None,
    })
}

/// Query values every probe of a route carries (the ones it needs to do anything).
fn base_query(pattern: &str, s: &Samples) -> Vec<(String, String)> {
    let pairs: Vec<(&str, String)> = if pattern.ends_with("/{id}/diff") {
        vec![("from", s.entry.to_string()), ("to", s.entry.to_string())]
    } else if pattern.ends_with("/diff") {
        vec![("from", "1".to_owned()), ("to", "2".to_owned())]
    } else if pattern.ends_with("/search") {
        vec![("q", "open".to_owned())]
    } else {
        Vec::new()
    };
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The feed token of `root` in `app_with_data` (only its hash is stored).
const FEED_TOKEN: &str = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

/// The concrete path and query of one planned probe with one payload.
fn target(p: &Planned, payload: &str, s: &Samples) -> Result<String, String> {
    let mut path = p.pattern.clone();
    for name in path_params(&p.pattern) {
        let value = if p.slot == Slot::Path(name.clone()) {
            enc(payload)
        } else {
            sample(&p.pattern, &name, s).ok_or_else(|| format!("no sample value for {{{name}}} in {}", p.pattern))?
        };
        path = path.replace(&format!("{{{name}}}"), &value);
    }
    let mut query = base_query(&p.pattern, s);
    match &p.slot {
        Slot::Query(name) => {
            query.retain(|(k, _)| k != name);
            query.push((name.clone(), payload.to_owned()));
        }
        Slot::Unknown => query.push((payload.to_owned(), payload.to_owned())),
        Slot::Path(_) => {}
    }
    if !query.is_empty() {
        let q: Vec<String> = query.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect();
        path = format!("{path}?{}", q.join("&"));
    }
    Ok(path)
}

/// Marks of a database error reaching the client.
const SQL_ERROR_TEXT: &[&str] = &[
    "syntax error at or near",
    "SQLSTATE",
    "DatabaseError",
    "diesel::",
    "unterminated quoted",
    "invalid input syntax for",
    "current transaction is aborted",
    "postgres://",
];

/// The samples `app_with_data`'s thread offers, and a feed token for `root`.
async fn samples(app: &TestApp, data: &Data) -> Samples {
    let (slug, event, reader) = (data.slug.clone(), data.event, data.reader);
    let (item, entry, change, source) = app
        .query(|c| {
            use agora::db::schema::{changes, interpretations, users};
            let item: i64 = interpretations::table.select(interpretations::id).first(c).unwrap();
            let entry: i64 = changes::table
                .filter(changes::subject_id.eq(item).and(changes::area.eq("interpretation")))
                .select(changes::id)
                .first(c)
                .unwrap();
            let change: i64 = changes::table.select(changes::id).order(changes::id).first(c).unwrap();
            let root: i64 = users::table.filter(users::username.eq("root")).select(users::id).first(c).unwrap();
            let hash = agora::auth::session::token_hash(FEED_TOKEN);
            agora::db::feeds::replace_token(c, agora::domain::ids::UserId(root), &hash).unwrap();
            let source = agora::db::sources::SourceFields {
                title: "A report".into(),
                url: Some("https://example.org/report".into()),
                publisher: String::new(),
                published_on: None,
                kind: agora::domain::thread::SourceKind::Paper,
                tier: agora::domain::thread::Tier::Primary,
            };
            let source = agora::db::sources::insert(c, &source, agora::domain::ids::UserId(root)).unwrap().0;
            (item, entry, change, source)
        })
        .await;
    Samples { slug, event, reader, item, entry, change, source }
}

#[tokio::test]
async fn every_route_parameter_and_documented_filter_is_in_the_probe_plan() {
    let app = spawn_app().await;
    let routes = route_table(&app).await;
    let doc = serde_json::to_value(agora::routes::api::openapi::document()).unwrap();
    let planned = plan(&routes, &doc);
    let s = Samples { slug: "s".into(), event: 1, reader: 1, item: 1, entry: 1, change: 1, source: 1 };
    let mut problems = BTreeSet::new();
    for (method, pattern) in &routes {
        let mine: Vec<&Planned> = planned.iter().filter(|p| p.method == *method && p.pattern == *pattern).collect();
        for name in path_params(pattern) {
            if !mine.iter().any(|p| p.slot == Slot::Path(name.clone())) {
                problems.insert(format!("{method} {pattern}: {{{name}}} is not probed"));
            }
        }
        if *method == "GET" && mine.is_empty() {
            problems.insert(format!("GET {pattern} is not probed"));
        }
        if pattern.starts_with("/api/") && *method == "GET" {
            for name in documented_query(&doc, pattern) {
                if !mine.iter().any(|p| p.slot == Slot::Query(name.clone()) && p.payloads == Payloads::Full) {
                    problems.insert(format!("GET {pattern}?{name} is not probed with every payload"));
                }
            }
        }
        for p in mine {
            if let Err(e) = target(p, "x", &s) {
                problems.insert(e);
            }
        }
    }
    for name in MUST_PROBE {
        if !planned.iter().any(|p| p.slot == Slot::Query((*name).to_owned()) && p.payloads == Payloads::Full) {
            problems.insert(format!("the filter `{name}` is not probed with every payload on any route"));
        }
    }
    // Every documented operation is a route of the table (so it is in the plan above).
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if !routes.iter().any(|(m, p)| m.eq_ignore_ascii_case(method) && p == path) {
                problems.insert(format!("{method} {path} is documented but not in the route table"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "routes or parameters without probes:\n{}",
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[tokio::test]
async fn injection_in_any_path_segment_or_query_parameter_of_a_get_route_fails_cleanly_and_changes_nothing() {
    let (app, data) = app_with_data().await;
    let s = samples(&app, &data).await;
    let routes = route_table(&app).await;
    let doc = serde_json::to_value(agora::routes::api::openapi::document()).unwrap();
    let before = snapshot(&app).await;
    let tables_before = table_checksums(&app).await;
    let (full, compact) = (payloads(), compact_payloads());

    let mut probes = Vec::new();
    for p in plan(&routes, &doc).into_iter().filter(|p| p.method == "GET") {
        let list = if p.payloads == Payloads::Full { &full } else { &compact };
        for payload in list {
            let path = target(&p, payload, &s).unwrap();
            if path.len() > 65_000 {
                continue; // no HTTP client can send it (the payload as name and value)
            }
            let slot = match &p.slot {
                Slot::Path(name) => format!("{{{name}}}"),
                Slot::Query(name) => format!("?{name}"),
                Slot::Unknown => "an unknown parameter".to_owned(),
            };
            probes.push(Probe {
                what: format!("GET {} {slot} with {}", p.pattern, shown(payload)),
                request: app.client.get(format!("{}{path}", app.address)),
            });
        }
    }
    let count = probes.len();
    let outcomes = send_all(probes).await;

    assert_no_failures(&outcomes);
    assert_eq!(outcomes.len(), count);
    assert_eq!(snapshot(&app).await, before, "no GET changed any data");
    assert_eq!(changed_tables(&tables_before, &table_checksums(&app).await), Vec::<String>::new(), "no table changed");
    // The thread is still there, whole.
    let slug = &data.slug;
    let thread: Value = app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await;
    assert_eq!(thread["title"], "Open weights");
    assert_eq!(thread["synthesis"]["body_markdown"], "Second text.");
}

#[tokio::test]
async fn injection_in_the_path_parameters_of_every_write_route_fails_cleanly_and_changes_nothing() {
    let (app, data) = app_with_data().await;
    let s = samples(&app, &data).await;
    let routes = route_table(&app).await;
    let doc = serde_json::to_value(agora::routes::api::openapi::document()).unwrap();
    // A reader with a valid token: each request reaches its route and loads what it names.
    let reader = app.another_browser();
    assert_eq!(reader.login("someone", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let token = reader.csrf_token().await;
    let tables_before = table_checksums(&app).await;

    let mut probes = Vec::new();
    for p in plan(&routes, &doc).into_iter().filter(|p| p.method != "GET") {
        for payload in compact_payloads() {
            let path = target(&p, &payload, &s).unwrap();
            let url = format!("{}{path}", app.address);
            let method = reqwest::Method::from_bytes(p.method.as_bytes()).unwrap();
            let request = if path.starts_with("/api/") {
                reader.client.request(method, url).header("X-CSRF-Token", &token).json(&json!({}))
            } else {
                reader.client.request(method, url).form(&[("csrf_token", &token)])
            };
            probes.push(Probe { what: format!("{} {} with {}", p.method, p.pattern, shown(&payload)), request });
        }
    }
    assert!(!probes.is_empty());
    let outcomes = send_all(probes).await;

    assert_no_failures(&outcomes);
    assert_eq!(changed_tables(&tables_before, &table_checksums(&app).await), Vec::<String>::new(), "no table changed");
}

#[tokio::test]
async fn injection_in_login_and_signup_usernames_fails_cleanly_and_changes_no_account() {
    let (app, _) = app_with_data().await;
    let before = snapshot(&app).await;

    // Logins first, sign-ups after: a payload that is a valid name ("1e309") makes an account
    // with the fixtures' password, which a later login would then rightly open.
    let (mut logins, mut signups) = (Vec::new(), Vec::new());
    for payload in payloads() {
        let what = shown(&payload);
        // A browser of its own per payload: a sign-up that succeeds logs its browser in.
        let browser = app.another_browser();
        let token = browser.csrf_token().await;
        let session = format!("{}/api/v1/session", app.address);
        logins.push(Probe {
            what: format!("POST /api/v1/session with username {what}"),
            request: browser.client.post(&session).json(&json!({ "username": payload, "password": PASSWORD })),
        });
        logins.push(Probe {
            what: format!("POST /api/v1/session as root with password {what}"),
            request: browser.client.post(&session).json(&json!({ "username": "root", "password": payload })),
        });
        logins.push(Probe {
            what: format!("POST /login with username {what}"),
            request: browser.client.post(format!("{}/login", app.address)).form(&[
                ("username", payload.as_str()),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ]),
        });
        signups.push(Probe {
            what: format!("POST /signup with username {what}"),
            request: browser.client.post(format!("{}/signup", app.address)).form(&[
                ("username", payload.as_str()),
                ("password", PASSWORD),
                ("csrf_token", &token),
            ]),
        });
    }
    // Few at a time: every login waits for a password hash, one per core, and a long queue would
    // make the time-based payloads look slow.
    let mut outcomes = send_all_by(logins, 4).await;
    outcomes.extend(send_all_by(signups, 4).await);

    assert_no_failures(&outcomes);
    let logged_in: Vec<&str> = outcomes
        .iter()
        .filter(|o| o.what.starts_with("POST /api/v1/session") && o.status == Some(StatusCode::OK))
        .map(|o| o.what.as_str())
        .collect();
    assert!(logged_in.is_empty(), "no payload logged anyone in: {logged_in:?}");
    // A payload that happens to be a valid name ("current_user", "2147483647") makes an ordinary
    // reader account with exactly that name; nothing else may appear or change.
    // Sign-ups are throttled per address (issue 13 item 6): a valid name answered 429 made none.
    let throttled = |name: &str| {
        let what = format!("POST /signup with username {}", shown(name));
        outcomes.iter().any(|o| o.what == what && o.status == Some(StatusCode::TOO_MANY_REQUESTS))
    };
    let valid_names: Vec<String> =
        payloads().into_iter().filter(|p| agora::domain::validate::username(p).is_ok_and(|name| name == *p)).collect();
    let mut signed_up: Vec<(String, String)> =
        valid_names.iter().filter(|name| !throttled(name)).map(|name| (name.clone(), "reader".to_owned())).collect();
    signed_up.sort();
    let limit = agora::ops::sessions::MAX_SIGNUPS_PER_HOUR as usize;
    assert_eq!(signed_up.len(), valid_names.len().min(limit), "only the sign-up throttle refused valid names");
    let after = snapshot(&app).await;
    assert_eq!(after.users, before.users + signed_up.len() as i64, "only valid names made accounts");
    assert_eq!((after.threads, after.revisions, after.events), (before.threads, before.revisions, before.events));
    let (accounts, root_role) = app
        .query(|c| {
            use agora::db::schema::users;
            let accounts = users::table
                .filter(users::username.ne_all(["root", "someone"]))
                .select((users::username, users::role))
                .order(users::username)
                .load::<(String, String)>(c)
                .unwrap();
            let root_role: String =
                users::table.filter(users::username.eq("root")).select(users::role).first(c).unwrap();
            (accounts, root_role)
        })
        .await;
    assert_eq!(accounts, signed_up, "new accounts are readers named exactly as typed");
    assert_eq!(root_role, "admin");
}

/// The head revision of a thread, read through the API.
async fn head_seq(app: &TestApp, slug: &str) -> i64 {
    app.get_json(&format!("/api/v1/threads/{slug}"), StatusCode::OK).await["head_seq"].as_i64().unwrap()
}

#[tokio::test]
async fn injection_in_write_fields_is_stored_as_plain_text_or_refused() {
    let (app, data) = app_with_data().await;
    let slug = data.slug.clone();
    let before = snapshot(&app).await;
    let token = app.csrf_token().await;
    let json_to = |method: reqwest::Method, path: String, body: Value| {
        app.client.request(method, format!("{}{path}", app.address)).header("X-CSRF-Token", &token).json(&body)
    };
    let post_json = |path: String, body: Value| json_to(reqwest::Method::POST, path, body);
    let post_form = |path: String, fields: Vec<(&'static str, String)>| {
        app.client.post(format!("{}{path}", app.address)).header("X-CSRF-Token", &token).form(&fields)
    };

    let all = payloads();
    let mut probes = Vec::new();
    for (i, payload) in all.iter().enumerate() {
        let what = shown(payload);
        let p = || payload.clone();
        let mut add = |what: String, request| probes.push(Probe { what, request });
        // Threads: each field alone carries the payload.
        let thread = |title: String, framing: String, slug: String, status: String, stance: String| json!({ "title": title, "framing_question": framing, "slug": slug, "status": status, "stance": stance });
        let ok = |s: &str| s.to_owned();
        add(
            format!("new thread titled #{i} {what}"),
            post_json(
                "/api/v1/threads".into(),
                thread(p(), ok("Is it so?"), format!("sqli-{i}"), ok("active"), ok("contested")),
            ),
        );
        for (field, body) in [
            ("framing question", thread(ok("Fine"), p(), format!("sqli-f-{i}"), ok("active"), ok("contested"))),
            ("slug", thread(ok("Fine"), ok("Is it so?"), p(), ok("active"), ok("contested"))),
            ("status", thread(ok("Fine"), ok("Is it so?"), format!("sqli-s-{i}"), p(), ok("contested"))),
            ("stance", thread(ok("Fine"), ok("Is it so?"), format!("sqli-t-{i}"), ok("active"), p())),
        ] {
            add(format!("new thread with {field} {what}"), post_json("/api/v1/threads".into(), body));
        }
        add(
            format!("thread details titled {what}"),
            post_form(format!("/threads/{slug}/edit"), vec![("title", p()), ("framing_question", ok("Is it so?"))]),
        );
        add(
            format!("thread details with framing question {what}"),
            post_form(format!("/threads/{slug}/edit"), vec![("title", ok("Open weights")), ("framing_question", p())]),
        );
        // Events: linking by number, and each field of a new event alone.
        add(
            format!("link event number {what}"),
            post_form(format!("/threads/{slug}/events/link"), vec![("event_id", p())]),
        );
        add(
            format!("unlink event number {what}"),
            post_form(format!("/threads/{slug}/events/{}/unlink", enc(payload)), vec![]),
        );
        let event = |date: String, title: String, significance: String, url: Option<String>, body: String| json!({ "date": date, "title": title, "significance": significance, "url": url, "body": body });
        let date = || ok("2024-01-01");
        for (field, body) in [
            ("date", event(p(), ok("Fine"), ok("notable"), None, ok(""))),
            ("title", event(date(), p(), ok("notable"), None, ok(""))),
            ("significance", event(date(), ok("Fine"), p(), None, ok(""))),
            ("url", event(date(), ok("Fine"), ok("notable"), Some(p()), ok(""))),
            ("body", event(date(), ok("Fine"), ok("notable"), None, p())),
        ] {
            add(format!("new event with {field} {what}"), post_json("/api/v1/events".into(), body));
        }
        add(
            format!("edit event with title and body {what}"),
            post_form(
                format!("/events/{}", data.event),
                vec![("date", date()), ("title", p()), ("significance", ok("notable")), ("body", p())],
            ),
        );
        // Section items: each field alone, and the kind and item number in the path.
        for (kind, field, body) in [
            ("arc", "label", json!({ "label": p(), "title": "Fine", "body": "Fine" })),
            ("arc", "title", json!({ "label": "2023", "title": p(), "body": "Fine" })),
            ("arc", "body", json!({ "label": "2023", "title": "Fine", "body": p() })),
            ("interpretations", "proponents", json!({ "title": "Fine", "body": "Fine", "proponents": p() })),
            ("questions", "question", json!({ "question": p() })),
            ("controversies", "title", json!({ "title": p(), "body": "Fine" })),
        ] {
            add(
                format!("new {kind} item with {field} {what}"),
                post_json(format!("/api/v1/threads/{slug}/{kind}"), body),
            );
        }
        add(
            format!("new item of kind {what}"),
            post_json(format!("/api/v1/threads/{slug}/{}", enc(payload)), json!({ "title": "x", "body": "x" })),
        );
        add(
            format!("edit question number {what}"),
            post_form(format!("/threads/{slug}/questions/{}", enc(payload)), vec![("question", ok("Why?"))]),
        );
        add(
            format!("delete arc item number {what}"),
            json_to(reqwest::Method::DELETE, format!("/api/v1/threads/{slug}/arc/{}", enc(payload)), json!({})),
        );
        // Reverting a revision named by the payload, and roles.
        add(
            format!("revert of revision {what}"),
            post_json(format!("/api/v1/threads/{slug}/revisions/{}/revert", enc(payload)), json!({ "base_seq": 2 })),
        );
        add(format!("role {what}"), post_form(format!("/admin/users/{}/role", data.reader), vec![("role", p())]));
        // The forms take the same fields as the API, without its JSON-level checks.
        add(
            format!("form: new arc item with body {what}"),
            post_form(
                format!("/threads/{slug}/arc"),
                vec![("label", ok("2023")), ("title", ok("Fine")), ("body", p())],
            ),
        );
        add(
            format!("form: new event with body {what}"),
            post_form(
                "/events".into(),
                vec![("date", date()), ("title", ok("Fine")), ("significance", ok("notable")), ("body", p())],
            ),
        );
        add(
            format!("form: new thread titled {what}"),
            post_form(
                "/threads".into(),
                vec![("title", p()), ("framing_question", p()), ("slug", format!("sqli-form-{i}"))],
            ),
        );
    }
    let mut outcomes = send_all(probes).await;

    // The synthesis and revert fields, one at a time on top of the current revision, so that each
    // payload reaches the INSERT rather than stopping at an edit conflict.
    for payload in &all {
        let what = shown(payload);
        for (field, body) in [
            ("body", json!({ "body": payload, "summary": "Fine" })),
            ("summary", json!({ "body": format!("Text for {what}"), "summary": payload })),
        ] {
            let mut body = body;
            body["base_seq"] = json!(head_seq(&app, &slug).await);
            let probe = Probe {
                what: format!("synthesis save with {field} {what}"),
                request: post_json(format!("/api/v1/threads/{slug}/synthesis"), body),
            };
            outcomes.extend(send_all(vec![probe]).await);
        }
        let body = json!({ "base_seq": head_seq(&app, &slug).await, "reason": payload });
        let probe = Probe {
            what: format!("revert with reason {what}"),
            request: post_json(format!("/api/v1/threads/{slug}/revisions/1/revert"), body),
        };
        outcomes.extend(send_all(vec![probe]).await);
        // The editor's form, each field alone; bodies are made unique, so a 303 always means a
        // new revision.
        for (field, body, summary) in [
            ("body", format!("{}: {payload}", outcomes.len()), "Fine".to_owned()),
            ("summary", format!("{}: fine", outcomes.len()), payload.clone()),
        ] {
            let fields =
                vec![("base_seq", head_seq(&app, &slug).await.to_string()), ("body", body), ("summary", summary)];
            let probe = Probe {
                what: format!("form: synthesis save with {field} {what}"),
                request: post_form(format!("/threads/{slug}/synthesis"), fields),
            };
            outcomes.extend(send_all(vec![probe]).await);
        }
    }
    // Numbers at the edges of the numeric JSON fields.
    let mut edges = Vec::new();
    for base in [i64::from(i32::MAX), i64::from(i32::MIN), i64::from(i32::MAX) + 1, i64::MAX, -1] {
        edges.push(Probe {
            what: format!("synthesis save on base_seq {base}"),
            request: post_json(
                format!("/api/v1/threads/{slug}/synthesis"),
                json!({ "base_seq": base, "body": "New text." }),
            ),
        });
        edges.push(Probe {
            what: format!("revert on base_seq {base}"),
            request: post_json(format!("/api/v1/threads/{slug}/revisions/1/revert"), json!({ "base_seq": base })),
        });
    }
    outcomes.extend(send_all(edges).await);

    assert_no_failures(&outcomes);
    // Every thread created with a payload title carries it exactly (trimmed, as all titles are).
    for (i, payload) in all.iter().enumerate() {
        let what = format!("new thread titled #{i} ");
        if outcomes.iter().any(|o| o.what.starts_with(&what) && o.status == Some(StatusCode::CREATED)) {
            let thread: Value = app.get_json(&format!("/api/v1/threads/sqli-{i}"), StatusCode::OK).await;
            assert_eq!(thread["title"].as_str(), Some(payload.trim()), "thread sqli-{i} is titled exactly as sent");
        }
    }
    let answered = |prefix: &str, status: StatusCode| {
        outcomes.iter().filter(|o| o.what.starts_with(prefix) && o.status == Some(status)).count() as i64
    };
    let created = |prefix: &str| answered(prefix, StatusCode::CREATED);
    let redirected = |prefix: &str| answered(prefix, StatusCode::SEE_OTHER);
    let after = snapshot(&app).await;
    assert_eq!(after.users, before.users);
    assert_eq!(after.accounts, before.accounts, "no account's name, role or password changed");
    assert_eq!(
        after.threads,
        before.threads + created("new thread") + redirected("form: new thread"),
        "threads were only added by accepted creations"
    );
    assert_eq!(
        after.revisions,
        before.revisions + created("synthesis save") + created("revert") + redirected("form: synthesis save"),
        "revisions were only added by accepted saves and reverts"
    );
    assert_eq!(
        after.events,
        before.events + created("new event") + redirected("form: new event"),
        "events were only added by accepted creations"
    );
}

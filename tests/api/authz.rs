//! The authorization matrix: every route of the real app (reads and writes) × every kind of
//! actor. The route list comes from the app's own route table, so a new route without a row here
//! fails `the_matrix_lists_every_route`; rows with `{kind}` run once per kind of section item the
//! app knows (`SectionKind::ALL`). For each route the first actor who may use it must succeed
//! (2xx, or the redirect a form answers with), and every refused request leaves every table
//! unchanged (a checksum per table, read from the catalog, before and after it).

use std::collections::{BTreeMap, BTreeSet};

use agora::domain::api_token::Scope;
use agora::domain::roles::Role;
use agora::ops::sections::SectionKind;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{PASSWORD, fixture_hash};
use crate::helpers::{TestApp, changed_tables, route_table, spawn_app, table_checksums};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Policy {
    /// Anyone (reading public pages, log in, sign up, log out).
    Public,
    /// Any logged-in user.
    LoggedIn,
    /// Curators, moderators, admins.
    Curator,
    /// The thread's curators, moderators, admins (for an event: the curators of a thread it is
    /// linked to, moderators, admins).
    Editor,
    /// Moderators and admins (patrol, hide, lock, roll back, manage readers and curators).
    Moderator,
    /// Admins.
    Admin,
    /// The governed stance label: the proposer of the fixture's open proposal (`cora`) only.
    Proposer,
}

/// The actors, weakest first. `otto` curates a thread of his own, but not the fixture thread;
/// `sue` curates it but is suspended (her session kept through the suspension).
const ACTORS: [(&str, Option<Role>); 7] = [
    ("anonymous", None),
    ("rita", Some(Role::Reader)),
    ("otto", Some(Role::Curator)),
    ("cora", Some(Role::Curator)),
    ("sue", Some(Role::Curator)),
    ("mona", Some(Role::Moderator)),
    ("adam", Some(Role::Admin)),
];

/// Two more visitors (issue 18 item 13): personal API tokens of `adam` (an admin), one `read`
/// and one `write`, sent as `Authorization: Bearer` on every request. On API routes a token
/// stands for its owner within its scope, without a CSRF token; pages ignore the header, so there
/// each is an anonymous visitor (a browser of its own, with its CSRF cookie).
const TOKEN_ACTORS: [(&str, Scope, &str); 2] = [
    ("adam's read token", Scope::Read, "agora_1111111111111111111111111111111111111111111111111111111111111111"),
    ("adam's write token", Scope::Write, "agora_2222222222222222222222222222222222222222222222222222222222222222"),
];

/// What no token may do, whatever its scope: start or end a session, and manage tokens (those
/// stay with the signed-in session, so a leaked token cannot mint others).
const TOKEN_NEVER: [(&str, &str); 5] = [
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("GET", "/api/v1/account/tokens"),
    ("POST", "/api/v1/account/tokens"),
    ("DELETE", "/api/v1/account/tokens/{id}"),
];

/// What a suspended account may still send, whatever its role: logging in and out, and
/// securing the account (a new password, revoking the private feed URL or an API token).
const SUSPENDED_MAY_SEND: [(&str, &str); 9] = [
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("POST", "/account/password"),
    ("POST", "/account/feed/revoke"),
    ("DELETE", "/api/v1/account/feed-token"),
    ("POST", "/account/tokens/{id}/revoke"),
    ("DELETE", "/api/v1/account/tokens/{id}"),
];

fn allowed(method: &str, policy: Policy, pattern: &str, actor: &str) -> bool {
    if let Some((_, scope, _)) = TOKEN_ACTORS.iter().find(|(name, _, _)| *name == actor) {
        if !pattern.starts_with("/api/") {
            return allowed(method, policy, pattern, "anonymous");
        }
        let read_only_refused = *scope == Scope::Read && method != "GET";
        return !read_only_refused
            && !TOKEN_NEVER.contains(&(method, pattern))
            && allowed(method, policy, pattern, "adam");
    }
    if actor == "sue" {
        // A suspended account reads what anyone logged in reads, but is refused the forms it
        // could not send and every write but logging in and out and securing the account.
        return match method {
            "GET" => matches!(policy, Policy::Public | Policy::LoggedIn),
            _ => SUSPENDED_MAY_SEND.contains(&(method, pattern)),
        };
    }
    match policy {
        Policy::Public => true,
        Policy::LoggedIn => actor != "anonymous",
        Policy::Curator => !matches!(actor, "anonymous" | "rita"),
        Policy::Editor => matches!(actor, "cora" | "mona" | "adam"),
        Policy::Moderator => matches!(actor, "mona" | "adam"),
        Policy::Admin => actor == "adam",
        Policy::Proposer => actor == "cora",
    }
}

/// One row: method, path pattern as registered, who may call it, a valid body (writes) and a
/// query string (reads that need one).
struct Row {
    method: &'static str,
    pattern: &'static str,
    policy: Policy,
    body: serde_json::Value,
    query: &'static str,
}

fn row(method: &'static str, pattern: &'static str, policy: Policy, body: serde_json::Value) -> Row {
    Row { method, pattern, policy, body, query: "" }
}

fn get(pattern: &'static str, policy: Policy) -> Row {
    row("GET", pattern, policy, json!({}))
}

impl Row {
    fn query(self, query: &'static str) -> Row {
        Row { query, ..self }
    }
}

/// The kinds of section item a row runs for: every kind the app knows for `{kind}` routes,
/// narrowed where the route only exists for some (answers are for questions; diffs compare
/// bodies, which questions do not have).
fn kinds_of(row: &Row) -> Vec<SectionKind> {
    if !row.pattern.contains("{kind}") {
        return vec![SectionKind::Question];
    }
    SectionKind::ALL
        .into_iter()
        .filter(|k| {
            !(row.pattern.ends_with("/answer") || row.pattern.ends_with("/reopen")) || *k == SectionKind::Question
        })
        .filter(|k| !row.pattern.ends_with("/diff") || k.has_body())
        .collect()
}

fn matrix() -> Vec<Row> {
    use Policy::*;
    // One body for every kind of section item: each kind reads the fields it has.
    let item = json!({
        "label": "2024", "title": "A title", "body": "A body.", "proponents": "Someone",
        "question": "Is it?", "base_version": 1
    });
    let event = json!({ "date": "2024-07-23", "title": "An event", "significance": "major", "body": "" });
    let thread =
        json!({ "title": "A new thread", "framing_question": "Why?", "status": "active", "stance": "contested" });
    let save = json!({ "base_seq": 2, "body": "New text.", "summary": "edit" });
    let revert = json!({ "base_seq": 2, "reason": "vandalism" });
    let reason = json!({ "reason": "spam" });
    let rollback = json!({ "username": "cora", "base_seq": 2, "reason": "x" });
    let add_curator = json!({ "username": "otto", "reason": "help" });
    let lock = json!({ "reason": "edit war" });
    let answer = json!({ "answer": "Yes.", "reason": "" });
    let reopen = json!({ "reason": "not settled" });
    let promote = json!({ "role": "curator", "reason": "trusted" });
    let make_moderator = json!({ "role": "moderator", "reason": "trusted" });
    let suspend = json!({ "reason": "spam" });
    let lift = json!({ "reason": "appeal" });
    let source = json!({ "title": "A source", "kind": "article", "tier": "secondary" });
    let edited_source = json!({
        "title": "A corrected source", "kind": "article", "tier": "primary", "reason": "typo", "base_version": 1
    });
    let cell = json!({ "assessment": "supports", "note": "A note.", "base_version": 0, "reason": "" });
    // The governed stance label: the fixture thread has an open proposal by `cora` for the
    // decision rows; the first allowed actor decides it, later ones meet a 409.
    let proposal = json!({ "stance": "settled", "rationale": "The evidence converged." });
    let rejection = json!({ "reason": "Too early." });
    // Rows run in this order against one app: reads first, then writes; rows that change who an
    // actor is (password, role, logging in or out) come last.
    vec![
        // Pages.
        get("/", Public),
        get("/healthz", Public),
        get("/static/{name}", Public),
        get("/login", Public),
        get("/signup", Public),
        get("/search", Public).query("?q=matrix"),
        get("/recent", Public),
        get("/recent.atom", Public),
        get("/events", Public),
        get("/events.atom", Public),
        get("/robots.txt", Public),
        get("/sitemap.xml", Public),
        get("/sitemaps/pages.xml", Public),
        get("/sitemaps/threads/{from_id}.xml", Public),
        get("/sitemaps/events/{from_id}.xml", Public),
        get("/events/{id}", Public),
        get("/sources", Public),
        get("/sources/{id}", Public),
        // Issue 16 item 10: the flagged links (public facts; curators' own threads first).
        get("/link-health", Public),
        // Issue 17: the threads that need attention.
        get("/attention", Curator),
        get("/users/{username}", Public),
        get("/threads/{slug}", Public),
        get("/threads/{slug}/history", Public),
        get("/threads/{slug}/blame", Public),
        get("/threads/{slug}/revisions/{seq}", Public),
        get("/threads/{slug}/diff", Public).query("?from=1&to=2"),
        get("/threads/{slug}/feed.atom", Public),
        get("/threads/{slug}/matrix", Public),
        get("/threads/{slug}/{kind}/{id}/history", Public),
        get("/threads/{slug}/{kind}/{id}/diff", Public).query("?entry={entry}"),
        // A capability URL: whoever holds it reads the owner's feed.
        get("/feeds/following/{token}.atom", Public),
        get("/following", LoggedIn),
        get("/notifications", LoggedIn),
        get("/account/password", LoggedIn),
        get("/account/digest", LoggedIn),
        get("/account/feed", LoggedIn),
        // Issue 18 item 13: personal API tokens.
        get("/account/tokens", LoggedIn),
        get("/api/v1/account/tokens", LoggedIn),
        get("/threads/new", Curator),
        get("/events/new", Curator),
        // Issue 16 item 1: curators of any thread (otto curates his own) and moderators.
        get("/sources/new", Curator),
        get("/sources/{id}/edit", Curator),
        get("/threads/{slug}/edit", Editor),
        get("/threads/{slug}/curators", Editor),
        get("/threads/{slug}/synthesis/edit", Editor),
        get("/threads/{slug}/events/new", Editor),
        get("/threads/{slug}/events/link", Editor),
        get("/threads/{slug}/{kind}/new", Editor),
        get("/threads/{slug}/{kind}/{id}/edit", Editor),
        get("/threads/{slug}/matrix/{interpretation_id}/{event_id}/edit", Editor),
        get("/threads/{slug}/{kind}/{id}/answer", Editor),
        // Issue 15 item 9: the confirmations before deleting, reverting and undoing.
        get("/threads/{slug}/{kind}/{id}/delete", Editor),
        get("/threads/{slug}/revisions/{seq}/revert", Editor),
        get("/threads/{slug}/revisions/{seq}/undo", Editor),
        // Issue 15 item 5: an event is edited by the curators of a thread it is linked to.
        get("/events/{id}/edit", Editor),
        get("/threads/{slug}/lock", Moderator),
        get("/changes/{id}/hide", Moderator),
        get("/moderation/queue", Moderator),
        get("/moderation/log", Moderator),
        get("/admin/users", Moderator),
        // API reads.
        get("/api/v1/session", Public),
        get("/api/v1/openapi.json", Public),
        get("/api/v1/docs", Public),
        get("/api/v1/threads", Public),
        get("/api/v1/threads/{slug}", Public),
        get("/api/v1/threads/{slug}/revisions", Public),
        get("/api/v1/threads/{slug}/revisions/{seq}", Public),
        get("/api/v1/threads/{slug}/diff", Public).query("?from=1&to=2"),
        get("/api/v1/threads/{slug}/blame", Public),
        get("/api/v1/threads/{slug}/matrix", Public),
        get("/api/v1/threads/{slug}/citations", Public),
        get("/api/v1/threads/{slug}/changes", Public),
        get("/api/v1/threads/{slug}/{kind}/{id}/history", Public),
        get("/api/v1/threads/{slug}/{kind}/{id}/diff", Public).query("?entry={entry}"),
        get("/api/v1/changes", Public),
        get("/api/v1/users/{username}/contributions", Public),
        get("/api/v1/events", Public),
        get("/api/v1/events/{id}", Public),
        get("/api/v1/sources", Public).query("?q=report"),
        get("/api/v1/sources/{id}", Public),
        get("/api/v1/search", Public).query("?q=matrix"),
        get("/api/v1/link-health", Public),
        get("/api/v1/attention", Curator),
        get("/api/v1/following", LoggedIn),
        get("/api/v1/threads/{slug}/since", LoggedIn),
        get("/api/v1/notifications", LoggedIn),
        get("/api/v1/account/digest", LoggedIn),
        get("/api/v1/moderation/queue", Moderator),
        get("/api/v1/moderation/log", Moderator),
        // Writes.
        row("POST", "/preview", Curator, json!({ "body": "**x**" })),
        row("POST", "/threads", Curator, thread.clone()),
        row("POST", "/threads/{slug}/edit", Editor, thread),
        row("POST", "/threads/{slug}/synthesis", Editor, save.clone()),
        row("POST", "/threads/{slug}/revisions/{seq}/revert", Editor, revert.clone()),
        row("POST", "/threads/{slug}/revisions/{seq}/undo", Editor, revert.clone()),
        row("POST", "/threads/{slug}/rollback", Moderator, rollback.clone()),
        row("POST", "/threads/{slug}/curators", Editor, add_curator.clone()),
        row("POST", "/threads/{slug}/curators/remove", Editor, json!({ "username": "sue" })),
        row("POST", "/threads/{slug}/lock", Moderator, json!({ "reason": "edit war", "until": "" })),
        row("POST", "/threads/{slug}/unlock", Moderator, json!({ "reason": "calm again" })),
        row("POST", "/changes/{id}/patrol", Moderator, json!({})),
        row("POST", "/changes/{id}/hide", Moderator, reason.clone()),
        row("POST", "/changes/{id}/unhide", Moderator, json!({})),
        row("POST", "/threads/{slug}/{kind}", Editor, item.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}", Editor, item.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}/delete", Editor, reason.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}/answer", Editor, answer.clone()),
        row("POST", "/threads/{slug}/{kind}/{id}/reopen", Editor, reopen.clone()),
        // The first allowed actor assesses the cell; later ones on the same base meet a 409.
        row("POST", "/threads/{slug}/matrix/{interpretation_id}/{event_id}", Editor, cell.clone()),
        row("POST", "/threads/{slug}/events", Editor, event.clone()),
        row("POST", "/threads/{slug}/events/link", Editor, json!({ "event_id": "{event}" })),
        row("POST", "/threads/{slug}/events/{id}/unlink", Editor, json!({})),
        row("POST", "/threads/{slug}/follow", LoggedIn, json!({})),
        row("POST", "/threads/{slug}/unfollow", LoggedIn, json!({})),
        row("POST", "/threads/{slug}/read", LoggedIn, json!({})),
        row("PUT", "/api/v1/threads/{slug}/follow", LoggedIn, json!({})),
        row("DELETE", "/api/v1/threads/{slug}/follow", LoggedIn, json!({})),
        // Issue 17: readers' camps and fairness ratings (any signed-in, unsuspended reader), the
        // public figures, and moderators leaving an account's ratings out of the model.
        get("/api/v1/threads/{slug}/camp", LoggedIn),
        get("/api/v1/threads/{slug}/ratings/mine", LoggedIn),
        get("/api/v1/threads/{slug}/fairness", Public),
        row("POST", "/threads/{slug}/camp", LoggedIn, json!({ "interpretation": "none" })),
        row("PUT", "/api/v1/threads/{slug}/camp", LoggedIn, json!({ "interpretation_id": null })),
        row(
            "POST",
            "/threads/{slug}/ratings",
            LoggedIn,
            json!({ "item_kind": "synthesis", "version": 2, "value": "yes" }),
        ),
        row(
            "PUT",
            "/api/v1/threads/{slug}/ratings",
            LoggedIn,
            json!({ "item_kind": "synthesis", "version": 2, "value": "no" }),
        ),
        row("POST", "/admin/users/{id}/ratings-exclusion", Moderator, json!({ "reason": "brigading" })),
        row("POST", "/admin/users/{id}/ratings-inclusion", Moderator, json!({ "reason": "" })),
        row("POST", "/api/v1/users/{id}/ratings-exclusion", Moderator, json!({ "reason": "brigading" })),
        row("DELETE", "/api/v1/users/{id}/ratings-exclusion", Moderator, json!({ "reason": "" })),
        row("POST", "/api/v1/threads/{slug}/read", LoggedIn, json!({})),
        row("POST", "/events", Curator, event.clone()),
        // Issue 15 item 5: the event is linked to the fixture thread, so its curators (not a
        // curator of another thread) edit it.
        row("POST", "/events/{id}", Editor, event.clone()),
        // Another title than the form's row, so the first allowed actor creates it (not a 422).
        row("POST", "/api/v1/threads", Curator, json!({ "title": "An API thread", "framing_question": "Why?" })),
        row("POST", "/api/v1/threads/{slug}/synthesis", Editor, save),
        row("POST", "/api/v1/threads/{slug}/revisions/{seq}/revert", Editor, revert.clone()),
        row("POST", "/api/v1/threads/{slug}/revisions/{seq}/undo", Editor, revert),
        row("POST", "/api/v1/threads/{slug}/rollback", Moderator, rollback),
        row("POST", "/api/v1/threads/{slug}/curators", Editor, add_curator),
        row("DELETE", "/api/v1/threads/{slug}/curators/{username}", Editor, json!({})),
        row("POST", "/api/v1/threads/{slug}/lock", Moderator, lock),
        row("POST", "/api/v1/threads/{slug}/unlock", Moderator, json!({ "reason": "calm again" })),
        row("POST", "/api/v1/changes/{id}/patrol", Moderator, json!({})),
        row("POST", "/api/v1/changes/{id}/hide", Moderator, reason.clone()),
        row("POST", "/api/v1/changes/{id}/unhide", Moderator, json!({})),
        row("POST", "/api/v1/threads/{slug}/questions/{id}/answer", Editor, answer),
        row("POST", "/api/v1/threads/{slug}/questions/{id}/reopen", Editor, reopen),
        row("POST", "/api/v1/threads/{slug}/{kind}", Editor, item.clone()),
        row("PUT", "/api/v1/threads/{slug}/{kind}/{id}", Editor, item),
        row("DELETE", "/api/v1/threads/{slug}/{kind}/{id}", Editor, json!({})),
        row("PUT", "/api/v1/threads/{slug}/matrix/{interpretation_id}/{event_id}", Editor, cell),
        row("POST", "/api/v1/threads/{slug}/events", Editor, event.clone()),
        row("POST", "/api/v1/events", Curator, event.clone()),
        row("PUT", "/api/v1/events/{id}", Editor, event),
        // The first allowed actor saves version 2; later ones are answered 409 (stale), not refused.
        row("POST", "/sources", Curator, source.clone()),
        row("POST", "/sources/{id}", Curator, edited_source.clone()),
        row(
            "POST",
            "/api/v1/sources",
            Curator,
            json!({ "title": "An API source", "kind": "paper", "tier": "primary" }),
        ),
        row("PUT", "/api/v1/sources/{id}", Curator, edited_source),
        row("POST", "/notifications/{id}/read", LoggedIn, json!({})),
        row("POST", "/notifications/read-all", LoggedIn, json!({})),
        row("POST", "/api/v1/notifications/read", LoggedIn, json!({ "all": true })),
        row("POST", "/account/digest", LoggedIn, json!({ "email": "me@example.org", "digest": "daily" })),
        row("PUT", "/api/v1/account/digest", LoggedIn, json!({ "email": "me@example.org", "digest": "weekly" })),
        row("POST", "/account/feed", LoggedIn, json!({})),
        row("POST", "/account/feed/revoke", LoggedIn, json!({})),
        row("POST", "/api/v1/account/feed-token", LoggedIn, json!({})),
        row("DELETE", "/api/v1/account/feed-token", LoggedIn, json!({})),
        // Each row revokes a fresh token of `rita`'s (others meet a 404).
        row("POST", "/account/tokens", LoggedIn, json!({ "name": "A script", "scope": "read" })),
        row("POST", "/account/tokens/{id}/revoke", LoggedIn, json!({})),
        row("POST", "/api/v1/account/tokens", LoggedIn, json!({ "name": "An API script", "scope": "write" })),
        row("DELETE", "/api/v1/account/tokens/{id}", LoggedIn, json!({})),
        row("POST", "/account/password", LoggedIn, json!({ "current_password": PASSWORD, "new_password": PASSWORD })),
        // Each row's target user is a fresh reader, so moderators may manage them too.
        row("POST", "/admin/users/{id}/role", Moderator, promote.clone()),
        // A second row for the same route: only admins make moderators.
        row("POST", "/admin/users/{id}/role", Admin, make_moderator.clone()),
        row("POST", "/admin/users/{id}/suspend", Moderator, suspend.clone()),
        row("POST", "/admin/users/{id}/unsuspend", Moderator, lift.clone()),
        row("POST", "/api/v1/users/{id}/role", Moderator, promote),
        row("POST", "/api/v1/users/{id}/role", Admin, make_moderator),
        row("POST", "/api/v1/users/{id}/suspend", Moderator, suspend),
        row("POST", "/api/v1/users/{id}/unsuspend", Moderator, lift),
        // The governed stance label.
        get("/threads/{slug}/stance", Public),
        get("/threads/{slug}/stance/propose", Editor),
        get("/api/v1/threads/{slug}/stance", Public),
        get("/api/v1/stance-proposals", Public).query("?state=open"),
        row("POST", "/threads/{slug}/stance/propose", Editor, proposal.clone()),
        row("POST", "/threads/{slug}/stance/proposals/{id}/approve", Moderator, json!({})),
        row("POST", "/threads/{slug}/stance/proposals/{id}/reject", Moderator, rejection.clone()),
        row("POST", "/threads/{slug}/stance/proposals/{id}/withdraw", Proposer, json!({})),
        row("POST", "/api/v1/threads/{slug}/stance/proposals", Editor, proposal),
        row("POST", "/api/v1/threads/{slug}/stance/proposals/{id}/approve", Moderator, json!({})),
        row("POST", "/api/v1/threads/{slug}/stance/proposals/{id}/reject", Moderator, rejection),
        row("POST", "/api/v1/threads/{slug}/stance/proposals/{id}/withdraw", Proposer, json!({})),
        row("POST", "/signup", Public, json!({ "username": "newcomer", "password": "a long enough password" })),
        row("POST", "/login", Public, json!({ "username": "rita", "password": PASSWORD })),
        row("POST", "/api/v1/session", Public, json!({ "username": "rita", "password": PASSWORD })),
        row("POST", "/logout", Public, json!({})),
        row("DELETE", "/api/v1/session", Public, json!({})),
    ]
}

#[tokio::test]
async fn the_matrix_lists_every_route() {
    let app = spawn_app().await;
    let registered: BTreeSet<(String, String)> =
        route_table(&app).await.into_iter().map(|(m, p)| (m.to_owned(), p)).collect();
    let listed: BTreeSet<(String, String)> =
        matrix().iter().map(|r| (r.method.to_owned(), r.pattern.to_owned())).collect();
    assert_eq!(registered, listed, "every route needs a row in the matrix, and every row a route");
}

/// The feed URL token of `rita` in every fixture (only its hash is stored).
const FEED_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// Ids a row's path and body refer to.
struct Targets {
    slug: String,
    /// One item of each kind, by URL segment, and the changelog entry that added it.
    items: BTreeMap<&'static str, (i64, i64)>,
    event: i64,
    /// A source (issue 16), fresh for each row.
    source: i64,
    /// The changelog entry of revision 2 (by `cora`, unpatrolled).
    change: i64,
    /// A changelog entry a moderator already hid.
    hidden_change: i64,
    /// A reader made for this row, for the user-management routes (for unsuspend: suspended).
    user: i64,
    /// A notification of `rita`'s (for marking it read).
    notification: i64,
    /// The governed stance label: an open proposal by `cora` (decision rows only; else 0).
    proposal: i64,
    /// A live API token of `rita`'s, fresh for each row that revokes one (else 0).
    api_token: i64,
}

/// A fresh thread curated by `cora` and `sue`, with two revisions (1 by `adam`, 2 by `cora`),
/// one item of every kind (added through the app's own operation, so each has its changelog
/// entry), one event, a hidden changelog entry and a fresh reader, written straight to the
/// database (the rows that log actors out must not break fixtures). Rows that need the thread
/// locked, the question answered or the reader suspended get that too. `otto` curates a thread
/// of his own.
async fn fresh_targets(app: &TestApp, n: usize, pattern: &'static str) -> Targets {
    let (slug, adam, event, change, hidden_change, user, source, api_token) = app
        .query(move |c| {
            use agora::db::changes::{self, NewChange};
            use agora::db::{events, revisions, threads, users};
            use agora::domain::history::Area;
            use agora::domain::ids::UserId;
            use agora::domain::thread::{Significance, Stance, Status};
            use agora::render::markdown::{render_markdown, render_markdown_blocks};
            let user = |c: &mut diesel::PgConnection, name: &str, role: Role| {
                let id = match users::by_username(c, name).unwrap() {
                    Some(row) => row.id,
                    None => users::insert(c, name, fixture_hash(), role).unwrap().id.0,
                };
                UserId(id)
            };
            let (cora, sue, adam, otto, rita) = (
                user(c, "cora", Role::Curator),
                user(c, "sue", Role::Curator),
                user(c, "adam", Role::Admin),
                user(c, "otto", Role::Curator),
                user(c, "rita", Role::Reader),
            );
            let target = user(c, &format!("target{n}"), Role::Reader);
            let fields = |title: String| threads::ThreadFields {
                title,
                framing_question: "Why?".into(),
                status: Status::Active,
                stance: Stance::Contested,
            };
            if !threads::slug_exists(c, "otto-s-own").unwrap() {
                threads::create(c, "otto-s-own", &fields("Otto's own".into()), otto).unwrap();
            }
            let slug = format!("matrix-row-{n}");
            let thread = threads::create(c, &slug, &fields(format!("Matrix row {n}")), cora).unwrap().thread_id();
            threads::add_curator(c, thread, sue).unwrap();
            for (base, author, text) in [(0, adam, "One."), (1, cora, "Two.")] {
                let (html, blocks) = render_markdown_blocks(text);
                let blocks = blocks.unwrap_or_default();
                revisions::save(c, &revisions::NewRevision::edit(thread, base, author, text, &html, &blocks)).unwrap();
            }
            let change = changes::of_revision(c, thread, 2).unwrap().id;
            let hidden_change =
                changes::record(c, &NewChange::on_thread(thread, Area::Details, "title", cora)).unwrap();
            changes::set_hidden(c, hidden_change, adam, Some("spam")).unwrap();
            let event = events::EventFields {
                occurred_on: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                title: "E".into(),
                significance: Significance::Major,
                url: None,
                body_md: String::new(),
                body_html: render_markdown(""),
            };
            let event = events::insert(c, &event, cora).unwrap();
            // Linking an event already linked is refused (issue 15 item 6): that row links it.
            if pattern != "/threads/{slug}/events/link" {
                events::link(c, thread, event).unwrap();
            }
            agora::db::feeds::replace_token(c, rita, &agora::auth::session::token_hash(FEED_TOKEN)).unwrap();
            // Only for the rows that revoke it: a token per row would pile up.
            let api_token = if !pattern.contains("/account/tokens/") {
                0
            } else {
                let hash = agora::auth::session::token_hash(&agora::auth::session::new_token());
                let new = agora::db::api_tokens::NewApiToken {
                    user: rita,
                    name: "rita's script",
                    scope: Scope::Read,
                    hash: &hash,
                    prefix: "agora_00000000",
                };
                agora::db::api_tokens::insert(c, &new).unwrap().id
            };
            if pattern.ends_with("/unsuspend") {
                let suspension = agora::domain::restriction::Suspension { until: None, reason: "spam".into() };
                users::set_suspension(c, target, Some(&suspension)).unwrap();
            }
            let source = agora::db::sources::SourceFields {
                title: format!("Source {n}"),
                url: Some(format!("https://example.org/report-{n}")),
                publisher: String::new(),
                published_on: None,
                kind: agora::domain::thread::SourceKind::Article,
                tier: agora::domain::thread::Tier::Secondary,
            };
            let source = agora::db::sources::insert(c, &source, cora).unwrap();
            (slug, adam, event.0, change, hidden_change, target.0, source.0, api_token)
        })
        .await;
    // Items through the operation the routes call, as the admin: each gets its changelog entry.
    let admin = app.query(move |c| agora::db::users::by_id(c, adam).unwrap()).await;
    let mut items = BTreeMap::new();
    for kind in SectionKind::ALL {
        let input = agora::ops::sections::SectionInput {
            label: "2023".into(),
            title: format!("A {}", kind.noun()),
            body: "Its text.".into(),
            proponents: "Someone".into(),
            question: "Why?".into(),
            ..Default::default()
        };
        let (_, id) = agora::ops::sections::create(&app.pool, &admin, slug.clone(), kind, input).await.unwrap();
        let entry = app
            .query(move |c| {
                use agora::db::schema::changes::dsl as ch;
                use diesel::prelude::*;
                ch::changes
                    .filter(ch::subject_id.eq(id).and(ch::area.eq(kind.area().as_str())))
                    .select(ch::id)
                    .first::<i64>(c)
                    .unwrap()
            })
            .await;
        items.insert(kind.segment(), (id, entry));
    }
    // `rita` follows the thread and hears of a change to it (for the notification rows).
    let notification = {
        let slug = slug.clone();
        app.query(move |c| {
            use agora::db::schema::{notifications, users};
            use diesel::prelude::*;
            let thread = agora::db::threads::by_slug(c, &slug).unwrap();
            let rita: i64 = users::table.filter(users::username.eq("rita")).select(users::id).first(c).unwrap();
            agora::db::follows::follow(c, agora::domain::ids::UserId(rita), thread.thread_id()).unwrap();
            diesel::insert_into(notifications::table)
                .values((
                    notifications::user_id.eq(rita),
                    notifications::thread_id.eq(thread.id),
                    notifications::first_change_id.eq(change),
                    notifications::last_change_id.eq(change),
                    notifications::change_count.eq(1),
                ))
                .returning(notifications::id)
                .get_result::<i64>(c)
                .unwrap()
        })
        .await
    };
    let question = items["questions"].0;
    {
        let slug = slug.clone();
        app.query(move |c| {
            use agora::db::{sections, threads};
            let thread = threads::by_slug(c, &slug).unwrap().thread_id();
            if pattern.ends_with("/unlock") {
                let lock = agora::domain::restriction::Lock { until: None, reason: "edit war".into() };
                threads::set_lock(c, thread, Some(&lock)).unwrap();
            }
            if pattern.ends_with("/reopen") {
                sections::set_question_answer(c, thread, question, Some("Yes.")).unwrap();
            }
        })
        .await;
    }
    // The governed stance label: an open proposal by `cora` for the rows that decide one.
    let proposal = if pattern.contains("/stance/proposals/") {
        let slug = slug.clone();
        app.query(move |c| {
            use agora::db::stance::{NewProposal, insert};
            use agora::domain::thread::Stance;
            let thread = agora::db::threads::by_slug(c, &slug).unwrap();
            let cora = agora::db::users::by_username(c, "cora").unwrap().unwrap().id;
            let new = NewProposal {
                thread: thread.thread_id(),
                proposer: agora::domain::ids::UserId(cora),
                from: Stance::Contested,
                to: Stance::Settled,
                rationale_md: "Converged.",
                rationale_html: "<p>Converged.</p>",
            };
            insert(c, &new).unwrap().id
        })
        .await
    } else {
        0
    };
    Targets { slug, items, event, source, change, hidden_change, user, notification, proposal, api_token }
}

/// The concrete path (with its query) of a row for one kind of section item.
fn concrete(row: &Row, kind: SectionKind, t: &Targets) -> String {
    let pattern = row.pattern;
    let (item, entry) = t.items[kind.segment()];
    let id = if pattern.contains("/account/tokens/") {
        t.api_token
    } else if pattern.starts_with("/admin/") || pattern.starts_with("/api/v1/users/") {
        t.user
    } else if pattern.ends_with("/unhide") {
        t.hidden_change
    } else if pattern.contains("/changes/") {
        t.change
    } else if pattern.contains("/notifications/") {
        t.notification
    } else if pattern.contains("/stance/proposals/") {
        t.proposal
    } else if pattern.contains("/sources/") {
        t.source
    } else if pattern.contains("{kind}") || pattern.contains("/questions/") {
        if pattern.contains("/questions/") { t.items["questions"].0 } else { item }
    } else {
        t.event
    };
    // Undo takes out revision 2 (revision 1 has nothing before it); revert goes back to 1.
    let seq = if pattern.ends_with("/undo") { "2" } else { "1" };
    format!("{pattern}{}", row.query)
        .replace("{slug}", &t.slug)
        .replace("{kind}", kind.segment())
        .replace("{seq}", seq)
        .replace("{id}", &id.to_string())
        .replace("{entry}", &entry.to_string())
        .replace("{interpretation_id}", &t.items["interpretations"].0.to_string())
        .replace("{event_id}", &t.event.to_string())
        .replace("{username}", "sue")
        .replace("{name}", agora::render::assets::ASSETS.app_css.url.trim_start_matches("/static/"))
        .replace("{token}", FEED_TOKEN)
        .replace("{from_id}", "1")
}

/// Sends a row's request as a browser would (with its CSRF token), or, with `bearer`, as an API
/// client would: the token in `Authorization` and no CSRF token (pages get the header too, and the
/// browser's CSRF token, since they ignore the header).
async fn send(
    browser: &TestApp,
    bearer: Option<&str>,
    method: &str,
    path: &str,
    body: &serde_json::Value,
    t: &Targets,
) -> reqwest::Response {
    let url = format!("{}{path}", browser.address);
    let with_bearer = |request: reqwest::RequestBuilder| match bearer {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    if method == "GET" {
        return with_bearer(browser.client.get(url)).send().await.unwrap();
    }
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = with_bearer(browser.client.request(method, url));
    if bearer.is_some() && path.starts_with("/api/") {
        return request.json(body).send().await.unwrap();
    }
    let token = browser.csrf_token().await;
    let request = if path.starts_with("/api/") {
        request.header("X-CSRF-Token", token).json(body)
    } else {
        let mut fields = form_fields(body);
        for (_, v) in &mut fields {
            *v = v.replace("{event}", &t.event.to_string());
        }
        fields.push(("csrf_token".to_owned(), token));
        request.form(&fields)
    };
    request.send().await.unwrap()
}

/// A JSON body as form fields (numbers as their text).
fn form_fields(body: &serde_json::Value) -> Vec<(String, String)> {
    body.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect()
}

/// A refusal: 401, 403, or (for pages) the redirect to the login form.
fn refused(res: &reqwest::Response) -> bool {
    let to_login = res.status() == StatusCode::SEE_OTHER
        && res.headers().get("location").is_some_and(|l| l.to_str().unwrap_or_default() == "/login");
    matches!(res.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) || to_login
}

/// Form routes whose success is a page of its own (a preview; the new feed URL, shown once)
/// rather than a redirect to a page with a confirmation.
const ANSWER_WITH_A_PAGE: [&str; 3] = ["/preview", "/account/feed", "/account/tokens"];

/// Whether a response sets the flash cookie (issue 15 item 8: every form that changes something
/// is confirmed on the page it leads to).
fn sets_flash(res: &reqwest::Response) -> bool {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.starts_with("agora_flash=") && !v.starts_with("agora_flash=;")))
}

/// Success: 2xx, or the 303 a form (or login, logout) answers with — anywhere but the login form.
fn succeeded(res: &reqwest::Response) -> bool {
    res.status().is_success() || (res.status() == StatusCode::SEE_OTHER && !refused(res))
}

/// A form's POST (not the JSON API's).
fn is_form_post(method: &str, pattern: &str) -> bool {
    method == "POST" && !pattern.starts_with("/api/")
}

#[tokio::test]
async fn every_route_lets_its_first_allowed_actor_in_and_refuses_the_others_without_a_trace() {
    let app = spawn_app().await;
    let mut browsers = Vec::new();
    for (name, role) in ACTORS {
        let browser = app.another_browser();
        if let Some(role) = role {
            app.user(name, role).await;
            assert_eq!(browser.login(name, PASSWORD).await.status(), StatusCode::SEE_OTHER, "log in {name}");
        }
        browsers.push((name, None, browser));
    }
    let adam = app.query(|c| agora::db::users::by_username(c, "adam").unwrap().unwrap().id).await;
    for (name, scope, token) in TOKEN_ACTORS {
        app.query(move |c| {
            let hash = agora::auth::session::token_hash(token);
            let new = agora::db::api_tokens::NewApiToken {
                user: agora::domain::ids::UserId(adam),
                name,
                scope,
                hash: &hash,
                prefix: &agora::domain::api_token::prefix_of(token),
            };
            agora::db::api_tokens::insert(c, &new).unwrap();
        })
        .await;
        browsers.push((name, Some(token), app.another_browser()));
    }
    // An admin suspends `sue` through the form: her session stays (she reads why at once).
    let (_, _, admin) = browsers.iter().find(|(name, _, _)| *name == "adam").unwrap();
    let (_, _, sue) = browsers.iter().find(|(name, _, _)| *name == "sue").unwrap();
    let sue_id = app.query(|c| agora::db::users::by_username(c, "sue").unwrap().unwrap().id).await;
    let res = admin.post_form(&format!("/admin/users/{sue_id}/suspend"), &[("reason", "sock puppet")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "suspend sue");
    assert_eq!(
        sue.get_json("/api/v1/session", StatusCode::OK).await["user"]["username"],
        "sue",
        "the suspension kept her session"
    );

    let mut problems = Vec::new();
    let (mut checked, mut expected_checks, mut kinds_seen) = (0, 0, BTreeSet::new());
    let mut confirmed_forms = BTreeSet::new();
    let mut n = 0;
    for row in matrix() {
        for kind in kinds_of(&row) {
            n += 1;
            expected_checks += browsers.len();
            if row.pattern.contains("{kind}") {
                kinds_seen.insert(kind.segment());
            }
            let targets = fresh_targets(&app, n, row.pattern).await;
            let path = concrete(&row, kind, &targets);
            let mut first_allowed = true;
            let mut tables = table_checksums(&app).await;
            for (actor, bearer, browser) in &browsers {
                let res = send(browser, *bearer, row.method, &path, &row.body, &targets).await;
                let status = res.status();
                let expected_allowed = allowed(row.method, row.policy, row.pattern, actor);
                checked += 1;
                let what = format!("{} {path} as {actor}: {status}", row.method);
                if status.is_server_error() {
                    problems.push(what);
                } else if expected_allowed == refused(&res) {
                    let want = if expected_allowed { "allowed" } else { "refused" };
                    problems.push(format!("{what}, expected {want}"));
                } else if expected_allowed && first_allowed && !succeeded(&res) {
                    problems.push(format!("{what}, expected the first allowed actor to succeed"));
                } else if expected_allowed && first_allowed && is_form_post(row.method, row.pattern) {
                    if status == StatusCode::SEE_OTHER && sets_flash(&res) {
                        confirmed_forms.insert(row.pattern);
                    } else if !ANSWER_WITH_A_PAGE.contains(&row.pattern) {
                        problems.push(format!("{what}, expected a redirect that sets the flash confirmation"));
                    }
                }
                first_allowed &= !expected_allowed;
                if refused(&res) {
                    let after = table_checksums(&app).await;
                    for changed in changed_tables(&tables, &after) {
                        problems.push(format!("{} {path} as {actor} was refused but changed {changed}", row.method));
                    }
                    tables = after;
                } else {
                    tables = table_checksums(&app).await;
                }
            }
        }
    }
    assert!(problems.is_empty(), "authorization mismatches:\n{}", problems.join("\n"));
    assert_eq!(checked, expected_checks);
    let every_form: BTreeSet<&str> = matrix()
        .iter()
        .filter(|r| is_form_post(r.method, r.pattern) && !ANSWER_WITH_A_PAGE.contains(&r.pattern))
        .map(|r| r.pattern)
        .collect();
    assert_eq!(confirmed_forms, every_form, "every state-changing form confirms itself with a flash");
    let every_kind: BTreeSet<&str> = SectionKind::ALL.iter().map(|k| k.segment()).collect();
    assert_eq!(kinds_seen, every_kind, "every kind of section item went through the matrix");
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_request_without_the_csrf_token_and_changes_nothing() {
    let app = spawn_app().await;
    app.user("adam", Role::Admin).await;
    app.user("cora", Role::Curator).await;
    app.user("rita", Role::Reader).await;
    let admin = app.another_browser();
    assert_eq!(admin.login("adam", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let targets = fresh_targets(&app, 0, "").await;
    let before = table_checksums(&app).await;

    let mut problems = Vec::new();
    for row in matrix() {
        // JSON login carries no cookie authority yet, so it is the one route without the check.
        if row.method == "GET" || (row.method, row.pattern) == ("POST", "/api/v1/session") {
            continue;
        }
        for kind in kinds_of(&row) {
            let path = concrete(&row, kind, &targets);
            let url = format!("{}{path}", admin.address);
            let method = reqwest::Method::from_bytes(row.method.as_bytes()).unwrap();
            let request = admin.client.request(method, url);
            let request =
                if path.starts_with("/api/") { request.json(&row.body) } else { request.form(&form_fields(&row.body)) };
            let status = request.send().await.unwrap().status();
            if status != StatusCode::FORBIDDEN {
                problems.push(format!("{} {path} without a token: {status}", row.method));
            }
        }
    }
    assert!(problems.is_empty(), "requests without a CSRF token were not refused:\n{}", problems.join("\n"));
    assert_eq!(changed_tables(&before, &table_checksums(&app).await), Vec::<String>::new(), "no table changed");
    assert_eq!(admin.get_json("/api/v1/session", StatusCode::OK).await["user"]["username"], "adam");
}

//! Changelog pages: a thread's history, recent changes, the patrol queue, a user's
//! contributions, one item's versions, and the moderation log. One row view serves them all.

use askama::Template;
use serde_json::Value;

use super::Chrome;
use crate::db::changes::ChangeListed;
use crate::db::moderation::LogListed;
use crate::db::users::User;
use crate::domain::history::{Area, ModAction, RevisionAction};
use crate::render::diff::LineDiff;
use crate::render::format;

/// One field an entry changed.
#[derive(Debug, Clone)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A changelog entry as every list shows it.
#[derive(Debug, Clone)]
pub struct ChangeView {
    pub id: i64,
    pub at: String,
    pub at_iso: String,
    pub actor: String,
    pub area: &'static str,
    /// "edited the arc period “2023: …”", in words.
    pub what: String,
    /// The item, event or curator it is about, as named at the time.
    pub subject: String,
    pub thread_slug: Option<String>,
    pub thread_title: Option<String>,
    /// Where the changed thing can be seen (a revision, an item's versions, an event).
    pub href: Option<String>,
    /// Synthesis entries: the revision, its parent and size.
    pub rev_seq: Option<i32>,
    pub parent_seq: Option<i32>,
    pub body_len: Option<i32>,
    /// Items with a body: the link to this entry's text diff.
    pub diff_href: Option<String>,
    pub reason: String,
    pub minor: bool,
    pub patrolled: bool,
    pub hidden: bool,
    pub hidden_reason: String,
    /// The version before this change was hidden by a moderator (shown to moderators, marked).
    pub before_hidden: bool,
    pub fields: Vec<FieldChange>,
    /// History page: the compare radios checked by default (the two newest revisions).
    pub compare_from: bool,
    pub compare_to: bool,
}

impl From<&ChangeListed> for ChangeView {
    fn from(c: &ChangeListed) -> Self {
        let r = &c.row;
        let area = r.area();
        let slug = c.thread_slug.clone();
        let subject = if r.subject.is_empty() { String::new() } else { format!(" “{}”", r.subject) };
        let noun = match area {
            Area::Arc => "arc period",
            Area::Interpretation => "interpretation",
            Area::Question => "question",
            Area::Controversy => "controversy",
            Area::Event => "event",
            _ => "",
        };
        let what = match area {
            Area::Synthesis => match RevisionAction::parse(&r.action) {
                RevisionAction::Edit => "edited the synthesis",
                RevisionAction::Merge => "edited the synthesis (merged with newer revisions)",
                RevisionAction::Revert => "reverted the synthesis",
                RevisionAction::Undo => "undid a revision of the synthesis",
                RevisionAction::Rollback => "rolled back the synthesis",
                RevisionAction::Restore => "restored the synthesis after hiding a revision",
            }
            .to_owned(),
            Area::Details => format!("changed the {}", r.action.replace('_', " ")),
            Area::Curators => format!("{} curator{subject}", r.action),
            _ => format!("{} {noun}{subject}", r.action),
        };
        let segment = match area {
            Area::Arc => Some("arc"),
            Area::Interpretation => Some("interpretations"),
            Area::Question => Some("questions"),
            Area::Controversy => Some("controversies"),
            _ => None,
        };
        let href = match (area, &slug, r.rev_seq, segment, r.subject_id) {
            (Area::Synthesis, Some(s), Some(seq), _, _) => Some(format!("/threads/{s}/revisions/{seq}")),
            (Area::Event, _, _, _, Some(id)) => Some(format!("/events/{id}")),
            (_, Some(s), _, Some(seg), Some(id)) => Some(format!("/threads/{s}/{seg}/{id}/history")),
            _ => None,
        };
        let has_body_diff = r.action == "edited" && area != Area::Question && area != Area::Event;
        // A redacted `before` (a hidden version) is not "nothing": it must not read as a creation.
        let before_redacted = c.before_hidden_at.is_some() && r.before.is_none();
        let diff_href = match (&slug, segment, r.subject_id) {
            (Some(s), Some(seg), Some(id))
                if has_body_diff && !before_redacted && body_changed(r.before.as_ref(), r.after.as_ref()) =>
            {
                Some(format!("/threads/{s}/{seg}/{id}/diff?entry={}", r.id))
            }
            _ => None,
        };
        ChangeView {
            id: r.id,
            at: format::timestamp(r.created_at),
            at_iso: format::iso_timestamp(r.created_at),
            actor: c.actor.clone(),
            area: area.as_str(),
            what,
            subject: r.subject.clone(),
            thread_slug: slug,
            thread_title: c.thread_title.clone(),
            href,
            rev_seq: r.rev_seq,
            parent_seq: c.parent_seq,
            body_len: c.body_len,
            diff_href,
            reason: r.reason.clone(),
            minor: r.minor,
            patrolled: r.patrolled_at.is_some(),
            hidden: r.is_hidden(),
            hidden_reason: r.hidden_reason.clone(),
            before_hidden: c.before_hidden_at.is_some(),
            fields: if before_redacted {
                hidden_before_fields(r.after.as_ref())
            } else {
                field_changes(r.before.as_ref(), r.after.as_ref())
            },
            compare_from: false,
            compare_to: false,
        }
    }
}

fn body_changed(before: Option<&Value>, after: Option<&Value>) -> bool {
    before.map(|b| &b["body"]) != after.map(|a| &a["body"])
}

/// The fields that differ between two snapshots (bodies are compared on their own page).
fn field_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).filter(|k| k.as_str() != "body").collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        // A field absent on one side and null on the other did not change ("—" → "—").
        .filter(|k| b.get(*k).filter(|v| !v.is_null()) != a.get(*k).filter(|v| !v.is_null()))
        .map(|k| FieldChange { field: k.replace('_', " "), before: shown(b.get(k)), after: shown(a.get(k)) })
        .collect()
}

/// The fields of a change whose earlier version is hidden: the new values, the old ones withheld.
fn hidden_before_fields(after: Option<&Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = a.keys().filter(|k| k.as_str() != "body").collect();
    keys.sort();
    keys.into_iter()
        .map(|k| FieldChange { field: k.replace('_', " "), before: HIDDEN_VERSION.to_owned(), after: shown(a.get(k)) })
        .collect()
}

/// What stands for a value of a version a moderator hid.
pub const HIDDEN_VERSION: &str = "(hidden by a moderator)";

fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|i| shown(Some(i))).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
    }
}

/// An option of a filter's `<select>` (kind of change, and the index pages' status, stance, order...).
#[derive(Debug, Clone)]
pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The options of the kind filter, with `selected` marked.
pub fn kind_options(selected: Option<&str>) -> Vec<KindOption> {
    Area::ALL
        .into_iter()
        .map(|a| KindOption { value: a.as_str(), label: a.label(), selected: selected == Some(a.as_str()) })
        .collect()
}

/// What the filter form shows as chosen.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kinds: Vec<KindOption>,
    pub user: String,
    pub thread: String,
    pub unpatrolled: bool,
}

/// `/threads/{slug}/history`: revisions and changelog entries together, newest first.
#[derive(Template)]
#[template(path = "changes/history.html")]
pub struct HistoryPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub head_seq: i32,
    /// This page's address without a query (the filter form's action).
    pub history_href: String,
    /// Who wrote the current revision, for the rollback button (moderators only).
    pub rollback_user: Option<String>,
    pub can_moderate: bool,
    pub can_edit: bool,
    pub locked: Option<String>,
    pub filters: Filters,
    pub rows: Vec<ChangeView>,
    pub next_href: Option<String>,
    pub notice: Option<String>,
}

/// `/recent`, `/moderation/queue`, `/users/{name}`: changes across threads.
#[derive(Template)]
#[template(path = "changes/recent.html")]
pub struct RecentPage {
    pub chrome: Chrome,
    pub heading: String,
    pub intro: String,
    /// The page's own address (the filter form's action).
    pub action: String,
    pub show_filters: bool,
    pub can_moderate: bool,
    pub filters: Filters,
    pub rows: Vec<ChangeView>,
    pub next_href: Option<String>,
    pub next_label: &'static str,
    /// On a user's page: the account and what managers may do with it.
    pub profile: Option<Profile>,
    /// The Atom feed of the same rows, where there is one (`/recent`).
    pub feed: Option<FeedLink>,
}

/// A page's Atom feed: autodiscovered from `<head>` and linked in the page.
#[derive(Debug, Clone)]
pub struct FeedLink {
    pub title: &'static str,
    pub href: &'static str,
}

/// The account part of a user's page.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: i64,
    pub username: String,
    pub role: &'static str,
    pub suspended: Option<String>,
    pub can_suspend: bool,
    pub roles: Vec<(&'static str, bool)>,
    pub can_set_role: bool,
    pub log: Vec<LogView>,
}

impl Profile {
    /// The account part for `user`, as `viewer` may manage it.
    pub fn of(user: &User, can_suspend: bool, can_set_role: bool, log: &[LogListed]) -> Self {
        Profile {
            id: user.id.0,
            username: user.username.clone(),
            role: user.role.as_str(),
            suspended: user.suspension.as_ref().map(|s| s.refusal()),
            can_suspend,
            roles: crate::domain::roles::Role::ALL.iter().map(|r| (r.as_str(), *r == user.role)).collect(),
            can_set_role,
            log: log.iter().map(LogView::from).collect(),
        }
    }
}

/// A moderation-log row.
#[derive(Debug, Clone)]
pub struct LogView {
    pub id: i64,
    pub at: String,
    pub at_iso: String,
    pub actor: String,
    pub action: &'static str,
    pub target: String,
    pub reason: String,
}

impl From<&LogListed> for LogView {
    fn from(l: &LogListed) -> Self {
        let action = ModAction::parse(&l.row.action).map_or("other", |a| match a {
            ModAction::Hide => "hid",
            ModAction::Unhide => "unhid",
            ModAction::Lock => "locked",
            ModAction::Unlock => "unlocked",
            ModAction::Suspend => "suspended",
            ModAction::Unsuspend => "lifted the suspension of",
            ModAction::Role => "changed the role of",
            ModAction::Rollback => "rolled back",
            ModAction::Patrol => "patrolled",
        });
        LogView {
            id: l.row.id,
            at: format::timestamp(l.row.created_at),
            at_iso: format::iso_timestamp(l.row.created_at),
            actor: l.actor.clone(),
            action,
            target: l.row.target.clone(),
            reason: l.row.reason.clone(),
        }
    }
}

/// `/moderation/log`.
#[derive(Template)]
#[template(path = "changes/log.html")]
pub struct LogPage {
    pub chrome: Chrome,
    pub actions: Vec<(&'static str, bool)>,
    pub rows: Vec<LogView>,
    pub next_href: Option<String>,
}

/// `/threads/{slug}/{kind}/{id}/history`: one item's versions.
#[derive(Template)]
#[template(path = "changes/item_history.html")]
pub struct ItemHistoryPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub segment: &'static str,
    pub item: i64,
    pub noun: &'static str,
    pub subject: String,
    pub has_body: bool,
    pub rows: Vec<ChangeView>,
    pub next_href: Option<String>,
}

/// `/threads/{slug}/{kind}/{id}/diff`: two versions of an item's body.
#[derive(Template)]
#[template(path = "changes/item_diff.html")]
pub struct ItemDiffPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub segment: &'static str,
    pub item: i64,
    pub subject: String,
    pub from_label: String,
    pub to_label: String,
    pub side_by_side: bool,
    pub view_base: String,
    pub diff: LineDiff,
}

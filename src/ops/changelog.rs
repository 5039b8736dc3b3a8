//! How changelog and moderation-log entries read: the entry views every changelog list and
//! feed shows, the account part of a user's page, and the page loaders of recent changes, the
//! patrol queue and a user's contributions, which return those views.

use std::collections::HashMap;

use diesel::PgConnection;
use serde_json::Value;

use super::history::{self, ChangeQuery};
use super::{matrix, moderation, visibility};
use crate::auth::CurrentUser;
use crate::db::PgPool;
use crate::db::changes::{self, ChangeListed};
use crate::db::moderation::{LogFilter, LogListed};
use crate::db::users::User;
use crate::domain::history::{Area, ModAction, RevisionAction, revision_extent};
use crate::domain::roles::{self, Role};
use crate::domain::thread::{Assessment, field_words, value_words};
use crate::error::AppError;
use crate::render::format;
use crate::render::pages::Field;
use crate::render::pages::changes::{ChangeEntryView, FieldChange, ModLogEntryView, Profile};

/// The action of the entry filed under a thread when a source it cites dies (`ops::linkcheck`).
pub const SOURCE_DIED: &str = "died";

/// A changelog entry as every list shows it (history, recent changes, the queue, a user's
/// contributions, an item's versions) and as feeds word it.
pub fn entry_view(c: &ChangeListed) -> ChangeEntryView {
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
        Area::Source => "the source",
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
        Area::Details => match (field_value(r.before.as_ref(), &r.action), field_value(r.after.as_ref(), &r.action)) {
            // Status and stance say from what to what; free text is compared in the fields below.
            (Some(before), Some(after)) if matches!(r.action.as_str(), "status" | "stance") => {
                let words = |v| value_words(&r.action, v);
                format!("changed the {} from {} to {}", field_words(&r.action), words(before), words(after))
            }
            _ => format!("changed the {}", field_words(&r.action)),
        },
        Area::Curators => format!("{} curator{subject}", r.action),
        Area::Matrix => matrix_words(&r.action, &r.subject, r.before.as_ref(), r.after.as_ref()),
        Area::Source if r.action == SOURCE_DIED => format!("a cited source died:{subject}"),
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
        (Area::Source, _, _, _, _) => r.source_id.or(r.subject_id).map(|id| format!("/sources/{id}")),
        (Area::Matrix, Some(s), _, _, _) => Some(format!("/threads/{s}/matrix")),
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
    ChangeEntryView {
        id: r.id,
        at: format::moment(r.created_at),
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
        extent: c.paragraphs_changed.map(|n| revision_extent(n, r.minor)),
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

/// A matrix cell's change in words: "assessed “GPT-4 release” as supporting “Democratization
/// reading”". `subject` is "“event” × “interpretation”" (see `matrix::CellContext::subject`).
fn matrix_words(action: &str, subject: &str, before: Option<&Value>, after: Option<&Value>) -> String {
    let (event, interpretation) = subject.rsplit_once(" × ").unwrap_or((subject, "the interpretation"));
    let (was, now) = (matrix::assessment_of(before), matrix::assessment_of(after));
    if action == changes::RESTORED {
        return format!("restored an earlier assessment of {event} for {interpretation}");
    }
    match now {
        Some(now) if was == Some(now) => format!("changed the note on {event} for {interpretation}"),
        Some(Assessment::Supports) => format!("assessed {event} as supporting {interpretation}"),
        Some(Assessment::Undercuts) => format!("assessed {event} as undercutting {interpretation}"),
        Some(Assessment::Neutral) => format!("assessed {event} as neutral to {interpretation}"),
        Some(Assessment::NotAssessed) => format!("cleared the assessment of {event} for {interpretation}"),
        None => format!("changed the assessment of {event} for {interpretation}"),
    }
}

fn body_changed(before: Option<&Value>, after: Option<&Value>) -> bool {
    before.map(|b| &b["body"]) != after.map(|a| &a["body"])
}

/// The changes `ids` in words, each by its id: "cora changed the stance from contested to
/// emerging consensus", "cora edited the synthesis (2 paragraphs)" — what notifications and
/// digests say of their latest change. Read as an anonymous reader would (a hidden change says
/// only that a moderator hid it, even to a moderator: a digest leaves the site). One query.
pub fn latest_words_in(conn: &mut PgConnection, ids: &[i64]) -> Result<HashMap<i64, String>, AppError> {
    let mut rows = changes::by_ids(conn, ids)?;
    visibility::redact_changes(&mut rows, None);
    Ok(rows
        .iter()
        .map(|c| {
            let view = entry_view(c);
            let words = match &view.extent {
                _ if view.hidden => format!("{} made a change a moderator hid", view.actor),
                // The checker, not the source's author whose name the entry carries, found it.
                _ if c.row.area() == Area::Source && c.row.action == SOURCE_DIED => {
                    format!("the link checker found that {}", view.what)
                }
                Some(extent) => format!("{} {} ({extent})", view.actor, view.what),
                None => format!("{} {}", view.actor, view.what),
            };
            (c.row.id, words)
        })
        .collect())
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
        .map(|k| FieldChange { field: field_words(k), before: shown(k, b.get(k)), after: shown(k, a.get(k)) })
        .collect()
}

/// The fields of a change whose earlier version is hidden: the new values, the old ones withheld.
fn hidden_before_fields(after: Option<&Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = a.keys().filter(|k| k.as_str() != "body").collect();
    keys.sort();
    keys.into_iter()
        .map(|k| FieldChange { field: field_words(k), before: HIDDEN_VERSION.to_owned(), after: shown(k, a.get(k)) })
        .collect()
}

/// Every field of a version ("field", value), its body included: what hiding it hides.
pub fn version_fields(version: Option<&Value>) -> Vec<(String, String)> {
    let Some(fields) = version.and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = fields.keys().collect();
    keys.sort();
    keys.into_iter().map(|k| (field_words(k), shown(k, fields.get(k)))).collect()
}

/// What stands for a value of a version a moderator hid.
pub const HIDDEN_VERSION: &str = "(hidden by a moderator)";

/// A snapshot's value of `field` in words (stored codes by their labels: `domain::thread::value_words`).
fn shown(field: &str, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(s)) => value_words(field, s),
        Some(Value::Array(items)) => items.iter().map(|i| shown(field, Some(i))).collect::<Vec<_>>().join(", "),
        Some(other) => other.to_string(),
    }
}

/// The text `field` of a snapshot holds, if any.
fn field_value<'a>(snapshot: Option<&'a Value>, field: &str) -> Option<&'a str> {
    snapshot.and_then(|s| s.get(field)).and_then(Value::as_str)
}

/// The account part of a user's page for `user`, as the viewer may manage it.
pub fn profile(user: &User, can_suspend: bool, can_set_role: bool, log: &[LogListed]) -> Profile {
    Profile {
        id: user.id.0,
        username: user.username.clone(),
        role: user.role.as_str(),
        suspended: user.suspension.as_ref().map(|s| s.describe_of(&user.username)),
        can_suspend,
        suspend_until: Field::until(""),
        roles: crate::domain::roles::Role::ALL.iter().map(|r| (r.as_str(), *r == user.role)).collect(),
        can_set_role,
        log: log.iter().map(log_entry_view).collect(),
        ratings_excluded: false,
    }
}

/// A moderation-log entry as the log and a user's page show it.
pub fn log_entry_view(l: &LogListed) -> ModLogEntryView {
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
        ModAction::ApproveStance => "approved a stance proposal on",
        ModAction::RejectStance => "rejected a stance proposal on",
        ModAction::ExcludeRatings => "left out of the fairness model the ratings of",
        ModAction::IncludeRatings => "counted again in the fairness model the ratings of",
    });
    ModLogEntryView {
        id: l.row.id,
        at: format::moment(l.row.created_at),
        at_iso: format::iso_timestamp(l.row.created_at),
        actor: l.actor.clone(),
        action,
        target: l.row.target.clone(),
        reason: l.row.reason.clone(),
        links: log_links(l),
    }
}

/// What a log entry links to: the revision (or the change in its thread's history), the
/// thread, the user acted on.
fn log_links(l: &LogListed) -> Vec<(String, String)> {
    let mut links = Vec::new();
    if let Some((slug, title)) = &l.thread {
        match (l.rev_seq, l.row.change_id) {
            (Some(seq), _) => links.push((format!("/threads/{slug}/revisions/{seq}"), format!("Revision {seq}"))),
            (None, Some(change)) => {
                links.push((format!("/threads/{slug}/history#change-{change}"), format!("Change {change}")))
            }
            (None, None) => {}
        }
        links.push((format!("/threads/{slug}"), format!("“{title}”")));
    } else if let Some(change) = l.row.change_id {
        links.push((format!("/recent#change-{change}"), format!("Change {change}")));
    }
    if let Some(name) = &l.target_username {
        links.push((format!("/users/{name}"), name.clone()));
    }
    links
}

/// A page of entries as lists show them, and the cursor (an entry id) of the next page.
pub type EntryPage = (Vec<ChangeEntryView>, Option<i64>);

/// `/recent`: every thread's changes, newest first ([`history::recent`], as the page shows it).
pub async fn recent(pool: &PgPool, viewer: Option<Role>, q: ChangeQuery) -> Result<EntryPage, AppError> {
    let (rows, next) = history::recent(pool, viewer, q).await?;
    Ok((rows.iter().map(entry_view).collect(), next))
}

/// `/moderation/queue`: unpatrolled changes, oldest first ([`history::queue`], as the page
/// shows it; moderators only).
pub async fn queue(pool: &PgPool, user: &CurrentUser, q: ChangeQuery) -> Result<EntryPage, AppError> {
    let (rows, next) = history::queue(pool, user, q).await?;
    Ok((rows.iter().map(entry_view).collect(), next))
}

/// A user's page: what they changed, and for those who manage users their account.
#[derive(Debug)]
pub struct Contributions {
    pub username: String,
    pub rows: Vec<ChangeEntryView>,
    /// The id the next page continues before.
    pub next: Option<i64>,
    /// The account and the moderation log about it, for moderators and admins.
    pub profile: Option<Profile>,
}

/// `/users/{username}`: the user's contributions, newest first, and for a `viewer` who manages
/// users, the account: what they may do with it and the first page of the log about it.
pub async fn contributions(
    pool: &PgPool,
    viewer: Option<&CurrentUser>,
    username: String,
    q: ChangeQuery,
) -> Result<Contributions, AppError> {
    let (user, (rows, next)) = history::contributions(pool, viewer.map(|v| v.role), username, q).await?;
    let profile = match viewer {
        Some(viewer) if roles::can_manage_users(viewer.role) => {
            let filter = LogFilter { action: None, target_user: Some(user.id) };
            let log = moderation::log_about(pool, viewer, filter).await?;
            let is_self = viewer.id == user.id;
            let mut profile = profile(
                &user,
                !is_self && roles::can_suspend(viewer.role, user.role),
                !is_self && roles::can_set_role(viewer.role, user.role, user.role),
                &log,
            );
            profile.ratings_excluded = super::fairness::excluded(pool, user.id).await?;
            Some(profile)
        }
        _ => None,
    };
    Ok(Contributions { username: user.username, rows: rows.iter().map(entry_view).collect(), next, profile })
}

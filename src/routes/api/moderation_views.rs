//! The JSON shapes of the changelog and moderation: changelog entries (a thread's history,
//! recent changes and the patrol queue list them), the moderation log, and the small answers of
//! moderators' and admins' actions. The synthesis's shapes are in `synthesis_views`, the
//! curation answers in `curation`, an item's diff in `history`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

use super::views::{one_of, role_schema};
use crate::domain::history::{Area, ModAction};
use crate::ops::history::ChangeListed;
use crate::ops::moderation::LogListed;

/// The part of a thread a changelog entry is about (also the `kind` filter).
pub fn area_schema() -> Object {
    one_of(Area::ALL.iter().map(|a| a.as_str()))
}

/// What a moderation-log entry records (also the `action` filter).
pub fn mod_action_schema() -> Object {
    one_of(ModAction::ALL.iter().map(|a| a.as_str()))
}

/// One entry of the changelog: a synthesis revision, a section item's change, a curator added
/// or removed, an event edited. Hidden entries keep who and when; for everyone but moderators
/// their subject, reason and snapshots are empty.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    /// The entry's id (what `patrol`, `hide` and item diffs name).
    pub id: i64,
    /// The thread's slug; `null` for an edit of an event, which belongs to no one thread.
    pub thread: Option<String>,
    /// Edits of events: the event's id.
    pub event_id: Option<i64>,
    #[schema(schema_with = area_schema)]
    pub kind: &'static str,
    /// What was done: for the synthesis how the revision came about (`edit`, `merge`, `revert`,
    /// `undo`, `rollback`, `restore`); for items `added` (questions: `opened`), `edited`,
    /// `removed`, `answered`, `reopened`, `restored` (hiding or unhiding the entry that made its current
    /// version put back the newest visible one); for matrix cells `assessed` (the first
    /// assessment), `edited` or `restored`; for curators `added` or `removed`; for details the
    /// field changed.
    pub action: String,
    /// The item, event or curator it is about, as named at the time.
    pub subject: String,
    pub subject_id: Option<i64>,
    /// Synthesis entries: the revision's seq.
    pub revision: Option<i32>,
    /// Who made the change.
    pub actor: String,
    pub created_at: DateTime<Utc>,
    /// The reason or edit summary given.
    pub reason: String,
    /// The item as it was before the change (`null` for a creation, a revision, or hidden).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    /// The item as the change left it (`null` for a deletion, a revision, or hidden).
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub minor: bool,
    /// A moderator reviewed it (moderators' own changes are patrolled when made).
    pub patrolled: bool,
    /// A moderator hid its content.
    pub hidden: bool,
    /// Why it was hidden; empty unless hidden and the viewer is a moderator.
    pub hidden_reason: String,
    /// A moderator hid the entry that made the version in `before`: it is `null` for everyone
    /// but moderators (and `subject` is empty when it named that version, as for a removal).
    pub before_hidden: bool,
}

impl From<&ChangeListed> for ChangeView {
    fn from(c: &ChangeListed) -> Self {
        let r = &c.row;
        ChangeView {
            id: r.id,
            thread: c.thread_slug.clone(),
            event_id: r.event_id,
            kind: r.area().as_str(),
            action: r.action.clone(),
            subject: r.subject.clone(),
            subject_id: r.subject_id,
            revision: r.rev_seq,
            actor: c.actor.clone(),
            created_at: r.created_at,
            reason: r.reason.clone(),
            before: r.before.clone(),
            after: r.after.clone(),
            minor: r.minor,
            patrolled: r.patrolled_at.is_some(),
            hidden: r.is_hidden(),
            hidden_reason: r.hidden_reason.clone(),
            before_hidden: c.before_hidden_at.is_some(),
        }
    }
}

/// A page of changelog entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeList {
    pub changes: Vec<ChangeView>,
    /// Pass as `?before=` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

impl ChangeList {
    /// The page `rows` with its cursor.
    pub fn new(rows: &[ChangeListed], next_before: Option<i64>) -> Self {
        ChangeList { changes: rows.iter().map(ChangeView::from).collect(), next_before }
    }
}

/// A page of the patrol queue, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub changes: Vec<ChangeView>,
    /// Pass as `?after=` for the next (newer) page; absent on the last page.
    pub next_after: Option<i64>,
}

/// An entry of the moderation log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogEntryView {
    pub id: i64,
    #[schema(schema_with = mod_action_schema)]
    pub action: String,
    /// The moderator or admin who acted.
    pub actor: String,
    /// What was acted on, in words ("revision 3 on \"Open weights\"", "alice until lifted").
    pub target: String,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    /// The changelog entry acted on (patrol, hide, unhide).
    pub change_id: Option<i64>,
    /// The user acted on (suspensions, roles; for content, its author).
    pub target_user_id: Option<i64>,
}

impl From<&LogListed> for LogEntryView {
    fn from(l: &LogListed) -> Self {
        LogEntryView {
            id: l.row.id,
            action: l.row.action.clone(),
            actor: l.actor.clone(),
            target: l.row.target.clone(),
            reason: l.row.reason.clone(),
            created_at: l.row.created_at,
            change_id: l.row.change_id,
            target_user_id: l.row.target_user_id,
        }
    }
}

/// A page of the moderation log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogPage {
    pub entries: Vec<LogEntryView>,
    /// Pass as `?before=` for the next (older) page; absent on the last page.
    pub next_before: Option<i64>,
}

/// 200 from a patrol.
#[derive(Debug, Serialize, ToSchema)]
pub struct Patrolled {
    /// The changelog entry.
    pub id: i64,
    /// Always `true` (also when someone had patrolled it already).
    pub patrolled: bool,
}

/// 200 from hiding or showing again a change's content.
#[derive(Debug, Serialize, ToSchema)]
pub struct HiddenState {
    /// The changelog entry.
    pub id: i64,
    pub hidden: bool,
}

/// 200 from locking or unlocking a thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct LockState {
    pub slug: String,
    pub locked: bool,
}

/// 200 from a role change.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserRole {
    /// The user's id.
    pub id: i64,
    #[schema(schema_with = role_schema)]
    pub role: &'static str,
}

/// 200 from suspending a user or lifting a suspension.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuspensionState {
    /// The user's id.
    pub id: i64,
    pub suspended: bool,
}

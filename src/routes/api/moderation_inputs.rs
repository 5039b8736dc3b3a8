//! What the history and moderation endpoints accept: their strict bodies (see `inputs` for why
//! the API has its own) and the query strings of the changelog lists.

use serde::Deserialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

use super::inputs::Text;
use super::moderation_views::{area_schema, mod_action_schema};
use super::views::role_schema;
use crate::ops::history::{ChangeQuery, ItemDiffQuery};
use crate::ops::moderation::{LockInput, ReasonInput};
use crate::ops::synthesis::RollbackInput;
use crate::ops::users::{RoleInput, SuspendInput};

/// The `?kind=` filter: an area of a thread (anything else is a 400).
pub struct KindName;

impl utoipa::PartialSchema for KindName {
    fn schema() -> RefOr<Schema> {
        area_schema().into()
    }
}

impl ToSchema for KindName {}

/// The `?action=` filter of the moderation log (anything else is a 400).
pub struct ModActionName;

impl utoipa::PartialSchema for ModActionName {
    fn schema() -> RefOr<Schema> {
        mod_action_schema().into()
    }
}

impl ToSchema for ModActionName {}

/// `?kind=&user=&before=` on a thread's changes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadChangesParams {
    /// Only changes to this part of the thread.
    #[param(value_type = Option<KindName>, inline)]
    pub kind: Option<String>,
    /// Only changes by this user (an unknown name matches nothing).
    pub user: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

impl From<ThreadChangesParams> for ChangeQuery {
    fn from(p: ThreadChangesParams) -> Self {
        ChangeQuery { kind: p.kind, user: p.user, thread: None, unpatrolled: None, before: p.before, after: None }
    }
}

/// `?kind=&user=&thread=&unpatrolled=&before=` on recent changes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentChangesParams {
    /// Only changes to this part of a thread.
    #[param(value_type = Option<KindName>, inline)]
    pub kind: Option<String>,
    /// Only changes by this user (an unknown name matches nothing).
    pub user: Option<String>,
    /// Only this thread's changes (its slug; an unknown one is a 404).
    pub thread: Option<String>,
    /// Only changes no moderator has patrolled yet (moderators only: anyone else gets 403).
    pub unpatrolled: Option<bool>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

impl From<RecentChangesParams> for ChangeQuery {
    fn from(p: RecentChangesParams) -> Self {
        ChangeQuery {
            kind: p.kind,
            user: p.user,
            thread: p.thread,
            unpatrolled: p.unpatrolled.map(|u| u.to_string()),
            before: p.before,
            after: None,
        }
    }
}

/// `?kind=&user=&thread=&after=` on the patrol queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only changes to this part of a thread.
    #[param(value_type = Option<KindName>, inline)]
    pub kind: Option<String>,
    /// Only changes by this user (an unknown name matches nothing).
    pub user: Option<String>,
    /// Only this thread's changes (its slug; an unknown one is a 404).
    pub thread: Option<String>,
    /// The `next_after` of the previous page.
    pub after: Option<i64>,
}

impl From<QueueParams> for ChangeQuery {
    fn from(p: QueueParams) -> Self {
        ChangeQuery { kind: p.kind, user: p.user, thread: p.thread, unpatrolled: None, before: None, after: p.after }
    }
}

/// `?kind=&before=` on a user's contributions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContributionsParams {
    /// Only changes to this part of a thread.
    #[param(value_type = Option<KindName>, inline)]
    pub kind: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

impl From<ContributionsParams> for ChangeQuery {
    fn from(p: ContributionsParams) -> Self {
        ChangeQuery { kind: p.kind, user: None, thread: None, unpatrolled: None, before: p.before, after: None }
    }
}

/// `?before=` on an item's versions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemHistoryParams {
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

/// `?from=&to=` or `?entry=` on an item's diff.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemDiffParams {
    /// With `to`: the changelog entry whose result is the old text.
    pub from: Option<i64>,
    /// With `from`: the changelog entry whose result is the new text.
    pub to: Option<i64>,
    /// Instead of `from` and `to`: one entry, its text before and after.
    pub entry: Option<i64>,
}

impl From<ItemDiffParams> for ItemDiffQuery {
    fn from(p: ItemDiffParams) -> Self {
        ItemDiffQuery { from: p.from, to: p.to, entry: p.entry }
    }
}

/// `?action=&before=` on the moderation log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// Only entries of this action.
    #[param(value_type = Option<ModActionName>, inline)]
    pub action: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

/// `?rev=` on the blame.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevParam {
    /// The revision to show; the current one when absent.
    pub rev: Option<i32>,
}

/// A rollback, for `POST /api/v1/threads/{slug}/rollback`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackBody {
    /// Whose run of latest revisions to take back: must still be the current revision's author.
    pub username: Text,
    /// The head the caller saw; any other head makes the rollback a 409.
    pub base_seq: i32,
    /// Why; becomes part of the new revision's summary and the moderation log (up to 300 characters).
    #[serde(default)]
    pub reason: Text,
}

impl From<RollbackBody> for RollbackInput {
    fn from(b: RollbackBody) -> Self {
        RollbackInput { username: b.username.into(), base_seq: b.base_seq, reason: b.reason.into() }
    }
}

/// Hiding a change's content, for `POST /api/v1/changes/{id}/hide`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HideBody {
    /// Why; required (blank is a 422), up to 300 characters, kept in the moderation log.
    pub reason: Text,
}

/// An optional reason, for actions that need no more (unhide, unlock, unsuspend, reopen).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why; up to 300 characters.
    #[serde(default)]
    pub reason: Text,
}

impl From<ReasonBody> for ReasonInput {
    fn from(b: ReasonBody) -> Self {
        ReasonInput { reason: b.reason.into() }
    }
}

/// A lock, for `POST /api/v1/threads/{slug}/lock`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LockBody {
    /// Why; required (blank is a 422), up to 300 characters; shown on the thread.
    pub reason: Text,
    /// When the lock ends, in UTC: `2026-12-31` or `2026-12-31T18:00`, in the future. Absent,
    /// empty or `null`: until a moderator unlocks it.
    #[serde(default)]
    pub until: Option<Text>,
}

impl From<LockBody> for LockInput {
    fn from(b: LockBody) -> Self {
        LockInput { reason: b.reason.into(), until: b.until.map(String::from).unwrap_or_default() }
    }
}

/// A suspension, for `POST /api/v1/users/{id}/suspend`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendBody {
    /// Why; required (blank is a 422), up to 300 characters; the user is told it.
    pub reason: Text,
    /// When the suspension ends, in UTC: `2026-12-31` or `2026-12-31T18:00`, in the future.
    /// Absent, empty or `null`: until lifted.
    #[serde(default)]
    pub until: Option<Text>,
}

impl From<SuspendBody> for SuspendInput {
    fn from(b: SuspendBody) -> Self {
        SuspendInput { reason: b.reason.into(), until: b.until.map(String::from).unwrap_or_default() }
    }
}

/// A role change, for `POST /api/v1/users/{id}/role`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    #[schema(schema_with = role_schema)]
    pub role: String,
    /// Why; up to 300 characters, kept in the moderation log.
    #[serde(default)]
    pub reason: Text,
}

impl From<RoleBody> for RoleInput {
    fn from(b: RoleBody) -> Self {
        RoleInput { role: b.role, reason: b.reason.into() }
    }
}

/// A new curator, for `POST /api/v1/threads/{slug}/curators`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CuratorBody {
    /// A curator, moderator or admin (a reader must be made a curator first).
    pub username: Text,
    /// Why; up to 300 characters, kept in the thread's changelog.
    #[serde(default)]
    pub reason: Text,
}

/// An answer, for `POST /api/v1/threads/{slug}/questions/{id}/answer`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// How the thread settled the question; required, up to 2000 characters.
    pub answer: Text,
    /// Why; up to 300 characters, kept in the thread's changelog.
    #[serde(default)]
    pub reason: Text,
}

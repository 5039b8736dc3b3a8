//! What the moderation and user-management endpoints accept: their strict bodies (see `inputs`
//! for why the API has its own) and the patrol queue's and moderation log's query strings. The
//! changelog lists' query strings are beside their handlers in `history`.

use serde::Deserialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

use super::history::KindName;
use super::inputs::Text;
use super::moderation_views::mod_action_schema;
use super::views::role_schema;
use crate::ops::history::ChangeQuery;
use crate::ops::moderation::{LockInput, ReasonInput};
use crate::ops::users::{RoleInput, SuspendInput};

/// The `?action=` filter of the moderation log (anything else is a 400).
pub struct ModActionName;

impl utoipa::PartialSchema for ModActionName {
    fn schema() -> RefOr<Schema> {
        mod_action_schema().into()
    }
}

impl ToSchema for ModActionName {}

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

/// Hiding a change's content, for `POST /api/v1/changes/{id}/hide`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HideBody {
    /// Why; required (blank is a 422), up to 300 characters, kept in the moderation log.
    pub reason: Text,
    /// For a synthesis revision whose words the current text still contains: also take them
    /// out, as an undo of the revision saved in the same step (a 422 that hides nothing when
    /// later edits collide with it). Default false.
    #[serde(default)]
    pub remove_from_current: bool,
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

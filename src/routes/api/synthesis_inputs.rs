//! What the synthesis endpoints accept: a save, a revert, an undo, a rollback, and the
//! revision list's, diff's and blame's query parameters.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::inputs::Text;
use crate::ops::synthesis::{RevertInput, RollbackInput, SynthesisInput};

/// A new text of the synthesis, for `POST /api/v1/threads/{slug}/synthesis`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SynthesisBody {
    /// The revision the text was written on top of (`head_seq` when the editor opened; 0 when
    /// there is none yet). A newer head makes the save a 409.
    #[schema(minimum = 0)]
    pub base_seq: i32,
    /// Markdown, at most 200 KB.
    pub body: Text,
    /// What changed and why; up to 300 characters.
    #[serde(default)]
    pub summary: Text,
    /// A typo fix or formatting change.
    #[serde(default)]
    pub minor: bool,
}

impl From<SynthesisBody> for SynthesisInput {
    fn from(b: SynthesisBody) -> Self {
        SynthesisInput { base_seq: b.base_seq, body: b.body.into(), summary: b.summary.into(), minor: b.minor }
    }
}

/// A revert or an undo, for `POST /api/v1/threads/{slug}/revisions/{seq}/revert` and `.../undo`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevertBody {
    /// The head the caller saw; a newer head makes the revert or undo a 409.
    pub base_seq: i32,
    /// Why; becomes part of the new revision's summary (up to 300 characters).
    #[serde(default)]
    pub reason: Text,
}

impl From<RevertBody> for RevertInput {
    fn from(b: RevertBody) -> Self {
        RevertInput { base_seq: b.base_seq, reason: b.reason.into() }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BeforeParam {
    /// The `next_before` of the previous page: revisions older than this seq.
    pub before: Option<i32>,
}

/// `?from=&to=`: the two revisions to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// The older revision's seq.
    pub from: i32,
    /// The newer revision's seq.
    pub to: i32,
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

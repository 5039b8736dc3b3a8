//! Saving and reverting the canonical synthesis.

use serde::Deserialize;

use super::access;
use crate::auth::CurrentUser;
use crate::db::revisions::{self, NewRevision, Revision, RevisionListed, SaveOutcome};
use crate::db::threads::ThreadRow;
use crate::db::{self, PgPool};
use crate::domain::validate;
use crate::error::AppError;
use crate::render::diff::{LineDiff, line_diff};
use crate::render::markdown::render_markdown;

/// A synthesis save as a form or JSON body sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct SynthesisInput {
    /// The revision the editor started from (0 when there is none yet).
    pub base_seq: i32,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub summary: String,
    /// A typo fix or formatting change; the checkbox sends "true" when ticked.
    #[serde(default)]
    pub minor: bool,
}

/// A revert as a form or JSON body sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct RevertInput {
    /// The head the moderator saw; a newer head makes the revert a conflict.
    pub base_seq: i32,
    #[serde(default)]
    pub reason: String,
}

/// Saves a new revision unless someone saved since `base_seq` (then: `SaveOutcome::Conflict`).
/// Markdown is rendered and sanitized here, once, on the blocking pool.
pub async fn save(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: SynthesisInput,
) -> Result<(ThreadRow, SaveOutcome), AppError> {
    let body =
        validate::markdown("the synthesis", &input.body, validate::MAX_SYNTHESIS_BYTES).map_err(AppError::Invalid)?;
    if body.trim().is_empty() {
        return Err(AppError::Invalid("the synthesis cannot be empty".to_owned()));
    }
    let summary = validate::optional("the edit summary", Some(&input.summary), 300)
        .map_err(AppError::Invalid)?
        .unwrap_or_default();
    if input.base_seq < 0 {
        return Err(AppError::Invalid("the base revision is not valid".to_owned()));
    }
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::editable_thread(c, &slug, &user)?;
        let html = render_markdown(&body);
        let outcome = revisions::save(
            c,
            &NewRevision {
                thread: thread.thread_id(),
                base_seq: input.base_seq,
                author: user.id,
                body_md: &body,
                body_html: &html,
                summary: &summary,
                reverted_to_seq: None,
                minor: input.minor,
            },
        )?;
        Ok((thread, outcome))
    })
    .await
}

/// Restores revision `seq` as a new revision on top of `base_seq`; history is never rewritten.
pub async fn revert(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    seq: i32,
    input: RevertInput,
) -> Result<(ThreadRow, SaveOutcome), AppError> {
    let reason = validate::optional("the reason", Some(&input.reason), 300).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::editable_thread(c, &slug, &user)?;
        let old = revisions::by_seq(c, thread.thread_id(), seq)?;
        if seq == thread.head_seq {
            return Err(AppError::Invalid(format!("revision {seq} is already the current text")));
        }
        let summary = match reason {
            Some(reason) => format!("Reverted to revision {seq} (written by {}): {reason}", old.author),
            None => format!("Reverted to revision {seq} (written by {})", old.author),
        };
        let outcome = revisions::save(
            c,
            &NewRevision {
                thread: thread.thread_id(),
                base_seq: input.base_seq,
                author: user.id,
                body_md: &old.body_md,
                body_html: &old.body_html,
                summary: &summary,
                reverted_to_seq: Some(seq),
                minor: false,
            },
        )?;
        Ok((thread, outcome))
    })
    .await
}

/// Revisions per history page.
pub const HISTORY_PAGE: i64 = 50;

/// A page of a thread's history, newest first, and the `before` cursor of the next page.
pub async fn history(
    pool: &PgPool,
    slug: String,
    before: Option<i32>,
) -> Result<(ThreadRow, Vec<RevisionListed>, Option<i32>), AppError> {
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        let rows = revisions::history(c, thread.thread_id(), before, HISTORY_PAGE + 1)?;
        let (rows, next) = db::keyset_page(rows, HISTORY_PAGE, |r| r.meta.seq);
        Ok((thread, rows, next))
    })
    .await
}

/// One revision of a thread.
pub async fn revision(pool: &PgPool, slug: String, seq: i32) -> Result<(ThreadRow, Revision), AppError> {
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        let revision = revisions::by_seq(c, thread.thread_id(), seq)?;
        Ok((thread, revision))
    })
    .await
}

/// Two revisions and the line diff between them.
pub async fn diff(
    pool: &PgPool,
    slug: String,
    from: i32,
    to: i32,
) -> Result<(ThreadRow, Revision, Revision, LineDiff), AppError> {
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        let old = revisions::by_seq(c, thread.thread_id(), from)?;
        let new = revisions::by_seq(c, thread.thread_id(), to)?;
        let diff = line_diff(&old.body_md, &new.body_md);
        Ok((thread, old, new, diff))
    })
    .await
}

/// The current text of the synthesis and the seq to save on top of, for the editor.
pub async fn for_editing(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<(ThreadRow, String), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::editable_thread(c, &slug, &user)?;
        let body = match thread.head_seq {
            0 => String::new(),
            seq => revisions::by_seq(c, thread.thread_id(), seq)?.body_md,
        };
        Ok((thread, body))
    })
    .await
}

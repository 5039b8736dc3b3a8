//! Saving the canonical synthesis (merging a stale edit when it can), and the ways back:
//! revert to a revision, undo one revision, roll back one user's latest edits.

use diesel::PgConnection;
use serde::Deserialize;

use super::{access, citations, visibility};
use crate::auth::CurrentUser;
use crate::db::moderation::{self, NewLogEntry};
use crate::db::revisions::{self, NewRevision, Revision};
use crate::db::threads::ThreadRow;
use crate::db::{self, PgPool};
use crate::domain::blame::without_paragraphs;
use crate::domain::citation::Cite;
use crate::domain::history::{ModAction, RevisionAction};
use crate::domain::html::{BlockMap, SafeHtml};
use crate::domain::ids::UserId;
use crate::domain::merge::{ConflictRegion, merge3};
use crate::domain::roles;
use crate::domain::validate;
use crate::error::AppError;
use crate::render::diff::LineDiff;

pub use crate::db::revisions::SaveOutcome;

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

/// A revert, undo or rollback as a form or JSON body sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct RevertInput {
    /// The head the moderator saw; a newer head makes the action a conflict.
    pub base_seq: i32,
    #[serde(default)]
    pub reason: String,
}

/// How many times a save retries when other saves keep landing while it merges.
const MERGE_ATTEMPTS: usize = 3;

/// A save from the editor page: [`save`], and on a conflict the diff between the current text
/// and the editor's as validated (LF line endings, like the stored one), computed off the
/// connection (the 409 page shows it), with that validated text.
pub async fn save_from_editor(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: SynthesisInput,
) -> Result<(ThreadRow, SaveOutcome, Option<(LineDiff, String)>), AppError> {
    let (thread, outcome, yours) = save(pool, user, slug, input).await?;
    let diff = match &outcome {
        SaveOutcome::Conflict { current } => {
            let current_md = current.as_ref().map(|r| r.body_md.clone()).unwrap_or_default();
            Some((super::compute::line_diff(current_md, yours.clone()).await?, yours))
        }
        _ => None,
    };
    Ok((thread, outcome, diff))
}

/// A synthesis edit validated and rendered, ready to store; only [`prepare`] makes one, so
/// [`save_in`] never stores an unchecked text.
#[derive(Debug, Clone)]
pub struct PreparedEdit {
    body: String,
    html: SafeHtml,
    blocks: BlockMap,
    cites: Vec<Cite>,
    claims: Vec<i32>,
    summary: String,
    base_seq: i32,
    minor: bool,
}

/// Validates an edit and renders its Markdown (off the connection, within the render budget),
/// refusing citation markers that name nothing.
pub async fn prepare(pool: &PgPool, input: SynthesisInput) -> Result<PreparedEdit, AppError> {
    let body =
        validate::markdown("the synthesis", &input.body, validate::MAX_SYNTHESIS_BYTES).map_err(AppError::Invalid)?;
    if body.trim().is_empty() {
        return Err(AppError::Invalid("the synthesis cannot be empty".to_owned()));
    }
    let summary = validate::optional("the edit summary", Some(&input.summary), validate::MAX_REASON_CHARS)
        .map_err(AppError::Invalid)?
        .unwrap_or_default();
    if input.base_seq < 0 {
        return Err(AppError::Invalid("the base revision is not valid".to_owned()));
    }
    let rendered = super::citations::render(pool, body.clone()).await?;
    Ok(PreparedEdit {
        body,
        html: rendered.html,
        blocks: rendered.blocks.unwrap_or_default(),
        cites: rendered.cites,
        claims: rendered.claim_paragraphs,
        summary,
        base_seq: input.base_seq,
        minor: input.minor,
    })
}

/// Saves a new revision. When someone saved since `base_seq`, the edit is merged with theirs if
/// the two touched different paragraphs (`SaveOutcome::Merged`), and refused otherwise
/// (`SaveOutcome::Conflict`).
pub fn save_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    edit: &PreparedEdit,
) -> Result<(ThreadRow, SaveOutcome), AppError> {
    let PreparedEdit { body, html, blocks, cites, claims, summary, base_seq, minor } = edit;
    let (body, base_seq) = (body.as_str(), *base_seq);
    let thread = access::editable_thread(conn, slug, user)?;
    let new = NewRevision {
        summary,
        minor: *minor,
        autopatrolled: roles::can_moderate(user.role),
        cites,
        claims,
        ..NewRevision::edit(thread.thread_id(), base_seq, user.id, body, html, blocks)
    };
    let mut outcome = revisions::save(conn, &new)?;
    for _ in 0..MERGE_ATTEMPTS {
        let SaveOutcome::Conflict { current: Some(current) } = &outcome else { break };
        let ancestor = match base_seq {
            0 => String::new(),
            seq => revisions::by_seq(conn, thread.thread_id(), seq)?.body_md,
        };
        let Ok(merged) = merge3(&ancestor, &current.body_md, body) else { break };
        // Two texts within the depth bound can merge into one beyond it (raw HTML left
        // open in one, nested in the other): such a merge is refused as a conflict.
        if validate::nested_at_most("the merged synthesis", &merged).is_err() {
            break;
        }
        let onto = current.meta.seq;
        let rendered = citations::render_in(conn, &merged)?;
        let merged_blocks = rendered.blocks.unwrap_or_default();
        outcome = match revisions::save(
            conn,
            &NewRevision {
                base_seq: onto,
                body_md: &merged,
                body_html: &rendered.html,
                blocks: &merged_blocks,
                cites: &rendered.cites,
                claims: &rendered.claim_paragraphs,
                action: RevisionAction::Merge,
                other_seq: Some(base_seq),
                ..new
            },
        )? {
            SaveOutcome::Saved { seq } => SaveOutcome::Merged { seq, onto },
            other => other,
        };
    }
    Ok((thread, outcome))
}

/// Saves a new revision: [`prepare`] (Markdown is rendered and sanitized here, once, before a
/// connection is taken), then [`save_in`]. Also returns the text as validated (what a conflict
/// answer shows as the caller's: LF line endings, trailing space trimmed).
pub async fn save(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: SynthesisInput,
) -> Result<(ThreadRow, SaveOutcome, String), AppError> {
    let edit = prepare(pool, input).await?;
    let user = user.clone();
    let yours = edit.body.clone();
    let (thread, outcome) = db::with_conn(pool, move |c| save_in(c, &user, &slug, &edit)).await?;
    Ok((thread, outcome, yours))
}

/// Restores revision `seq` as a new revision on top of `base_seq`; history is never rewritten.
pub fn revert_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    seq: i32,
    input: &RevertInput,
) -> Result<(ThreadRow, SaveOutcome), AppError> {
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let thread = access::editable_thread(conn, slug, user)?;
    let old = revisions::by_seq(conn, thread.thread_id(), seq)?;
    visibility::refuse_if_any_hidden(conn, thread.thread_id(), &[seq], user.role)?;
    if seq == thread.head_seq {
        return Err(AppError::Invalid(format!("revision {seq} is already the current text")));
    }
    let summary = with_reason(format!("Reverted to revision {seq} (written by {})", old.author), &reason);
    let outcome = restore(conn, &thread, user, &old, input.base_seq, &summary, RevisionAction::Revert)?;
    Ok((thread, outcome))
}

/// The async entry of [`revert_in`]; a bad reason costs no connection.
pub async fn revert(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    seq: i32,
    input: RevertInput,
) -> Result<(ThreadRow, SaveOutcome), AppError> {
    validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| revert_in(c, &user, &slug, seq, &input)).await
}

/// How an undo ended when it did not save.
#[derive(Debug)]
pub enum UndoOutcome {
    /// Saved (or refused as stale: `SaveOutcome::Conflict`).
    Done(SaveOutcome),
    /// Later revisions changed the same paragraphs; nothing was saved.
    Conflicts { regions: Vec<ConflictRegion> },
}

/// Takes out the change revision `seq` made, keeping every later revision's changes (a 3-way
/// merge with the revision as ancestor, the head as ours and its parent as theirs).
pub fn undo_in(
    c: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    seq: i32,
    input: &RevertInput,
) -> Result<(ThreadRow, UndoOutcome), AppError> {
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let thread = access::editable_thread(c, slug, user)?;
    let id = thread.thread_id();
    let target = revisions::by_seq(c, id, seq)?;
    let Some(parent_seq) = target.meta.parent_seq else {
        return Err(AppError::Invalid(format!("revision {seq} is the first one: there is no change to undo")));
    };
    // Undoing puts the parent's text back, and a collision would quote the revision's own.
    visibility::refuse_if_any_hidden(c, id, &[seq, parent_seq], user.role)?;
    let parent = revisions::by_seq(c, id, parent_seq)?;
    let head = revisions::by_seq(c, id, thread.head_seq)?;
    let merged = match merge3(&target.body_md, &head.body_md, &parent.body_md) {
        Ok(merged) => merged,
        Err(regions) => return Ok((thread, UndoOutcome::Conflicts { regions })),
    };
    if merged == head.body_md {
        return Err(AppError::Invalid(format!(
            "undoing revision {seq} changes nothing: later revisions already took its change out"
        )));
    }
    if merged.trim().is_empty() {
        return Err(AppError::Invalid(format!("undoing revision {seq} would leave the synthesis empty")));
    }
    validate::nested_at_most(&format!("undoing revision {seq} gives a text that"), &merged)
        .map_err(AppError::Invalid)?;
    let summary = with_reason(format!("Undid revision {seq} by {}", target.author), &reason);
    let rendered = citations::render_in(c, &merged)?;
    let blocks = rendered.blocks.unwrap_or_default();
    let outcome = revisions::save(
        c,
        &NewRevision {
            summary: &summary,
            action: RevisionAction::Undo,
            other_seq: Some(seq),
            autopatrolled: roles::can_moderate(user.role),
            cites: &rendered.cites,
            claims: &rendered.claim_paragraphs,
            ..NewRevision::edit(id, input.base_seq, user.id, &merged, &rendered.html, &blocks)
        },
    )?;
    Ok((thread, UndoOutcome::Done(outcome)))
}

/// The async entry of [`undo_in`]; a bad reason costs no connection.
pub async fn undo(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    seq: i32,
    input: RevertInput,
) -> Result<(ThreadRow, UndoOutcome), AppError> {
    validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| undo_in(c, &user, &slug, seq, &input)).await
}

/// Takes the paragraphs with the words of `remove` (revision `seq`'s own) out of the current
/// text as a new revision, keeping everything else: what hiding does when undoing revision
/// `seq` collides with later edits. Moderators only (the caller checked), in their transaction.
pub fn take_out_paragraphs_in(
    c: &mut PgConnection,
    user: &CurrentUser,
    thread: &ThreadRow,
    seq: i32,
    remove: &[&str],
) -> Result<SaveOutcome, AppError> {
    let id = thread.thread_id();
    let head = revisions::by_seq(c, id, thread.head_seq)?;
    let text = without_paragraphs(&head.body_md, remove);
    if text.trim().is_empty() {
        return Err(AppError::Invalid(format!(
            "taking revision {seq}'s words out would leave the synthesis empty; nothing was hidden. Edit the \
             synthesis by hand first, or hide without removing them"
        )));
    }
    validate::nested_at_most(&format!("taking out revision {seq}'s words gives a text that"), &text)
        .map_err(AppError::Invalid)?;
    let summary = format!("Took out the words of revision {seq} by {}", revisions::by_seq(c, id, seq)?.author);
    let rendered = citations::render_in(c, &text)?;
    let blocks = rendered.blocks.unwrap_or_default();
    revisions::save(
        c,
        &NewRevision {
            summary: &summary,
            action: RevisionAction::Undo,
            other_seq: Some(seq),
            autopatrolled: true,
            cites: &rendered.cites,
            claims: &rendered.claim_paragraphs,
            ..NewRevision::edit(id, thread.head_seq, user.id, &text, &rendered.html, &blocks)
        },
    )
}

/// A rollback as a form or JSON body sends it.
#[derive(Debug, Clone, Deserialize)]
pub struct RollbackInput {
    /// Whose run of latest edits to take back (they must still be the latest author).
    pub username: String,
    /// The head the moderator saw.
    pub base_seq: i32,
    #[serde(default)]
    pub reason: String,
}

/// Reverts every consecutive latest revision by one user to the newest revision by someone
/// else, as one new revision (moderators only; logged).
pub fn rollback_in(
    c: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    input: &RollbackInput,
) -> Result<(ThreadRow, SaveOutcome), AppError> {
    access::require(user, roles::can_moderate, "roll back edits")?;
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let thread = access::editable_thread(c, slug, user)?;
    let id = thread.thread_id();
    if thread.head_seq == 0 {
        return Err(AppError::Invalid("the synthesis has no revisions to roll back".to_owned()));
    }
    let head = revisions::by_seq(c, id, thread.head_seq)?;
    if !head.author.eq_ignore_ascii_case(input.username.trim()) || input.base_seq != thread.head_seq {
        return Err(AppError::Conflict(format!(
            "the latest revision is now {} by {}; reload the history and roll back again",
            head.meta.seq, head.author
        )));
    }
    let author = UserId(head.meta.author_id);
    let Some(target_seq) = revisions::newest_by_other_author(c, id, author)? else {
        return Err(AppError::Invalid(format!(
            "every revision is by {}: there is no one else's text to roll back to",
            head.author
        )));
    };
    let target = revisions::by_seq(c, id, target_seq)?;
    let count = thread.head_seq - target_seq;
    let edits = if count == 1 { "edit".to_owned() } else { format!("{count} edits") };
    let summary = with_reason(
        format!("Rolled back {edits} by {} to revision {target_seq} by {}", head.author, target.author),
        &reason,
    );
    let outcome = restore(c, &thread, user, &target, thread.head_seq, &summary, RevisionAction::Rollback)?;
    if let SaveOutcome::Saved { seq } = outcome {
        moderation::append(
            c,
            &NewLogEntry {
                actor: user.id,
                action: ModAction::Rollback,
                thread: Some(id),
                target_user: Some(author),
                change: None,
                target: &format!("{edits} by {} on \"{}\" (now revision {seq})", head.author, thread.title),
                reason: &reason,
            },
        )?;
    }
    Ok((thread, outcome))
}

/// The async entry of [`rollback_in`]; a refused role or a bad reason costs no connection.
pub async fn rollback(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: RollbackInput,
) -> Result<(ThreadRow, SaveOutcome), AppError> {
    access::require(user, roles::can_moderate, "roll back edits")?;
    validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| rollback_in(c, &user, &slug, &input)).await
}

/// Saves `old`'s text again (with its authorship in the blame) on top of `base_seq`.
pub(crate) fn restore(
    c: &mut PgConnection,
    thread: &ThreadRow,
    user: &CurrentUser,
    old: &Revision,
    base_seq: i32,
    summary: &str,
    action: RevisionAction,
) -> Result<SaveOutcome, AppError> {
    // The old text comes back rendered again, so its footnotes show their sources as they are now.
    let rendered = citations::render_in(c, &old.body_md)?;
    let blocks = rendered.blocks.unwrap_or_default();
    revisions::save(
        c,
        &NewRevision {
            summary,
            reverted_to_seq: Some(old.meta.seq),
            action,
            autopatrolled: roles::can_moderate(user.role),
            cites: &rendered.cites,
            claims: &rendered.claim_paragraphs,
            ..NewRevision::edit(thread.thread_id(), base_seq, user.id, &old.body_md, &rendered.html, &blocks)
        },
    )
}

/// An automatic summary with the person's reason after it, when they gave one.
fn with_reason(summary: String, reason: &str) -> String {
    if reason.is_empty() { summary } else { format!("{summary}: {reason}") }
}

/// The current text of the synthesis and the seq to save on top of, for the editor.
pub fn for_editing_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
) -> Result<(ThreadRow, String), AppError> {
    let thread = access::editable_thread(conn, slug, user)?;
    let body = match thread.head_seq {
        0 => String::new(),
        seq => revisions::by_seq(conn, thread.thread_id(), seq)?.body_md,
    };
    Ok((thread, body))
}

/// The async entry of [`for_editing_in`].
pub async fn for_editing(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<(ThreadRow, String), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| for_editing_in(c, &user, &slug)).await
}

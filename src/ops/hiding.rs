//! What hiding a change hides, shown to the moderator before they confirm, and taking a
//! revision's words out of the current text in the same step: hiding a revision hides that
//! revision, not later revisions that still carry its words.

use diesel::PgConnection;

use super::synthesis::{self, RevertInput, SaveOutcome, UndoOutcome};
use super::{access, changelog};
use crate::auth::CurrentUser;
use crate::db::changes::{self, ChangeRow};
use crate::db::revisions;
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::blame::{added_paragraphs, still_contained};
use crate::domain::ids::ThreadId;
use crate::domain::roles;
use crate::error::AppError;
use crate::render::pages::changes::HideTarget;

/// The words a synthesis revision brought in, and which of them the current text still has.
struct RevisionWords {
    /// Its paragraphs its parent did not have.
    added: Vec<String>,
    /// The current (head) text's paragraphs that still carry them, as it has them.
    lingering: Vec<String>,
    parent_seq: Option<i32>,
    summary: String,
}

fn revision_words(c: &mut PgConnection, thread: &ThreadRow, seq: i32) -> Result<RevisionWords, AppError> {
    let id = thread.thread_id();
    let revision = revisions::by_seq(c, id, seq)?;
    let parent_seq = revision.meta.parent_seq;
    let parent = parent_seq.map(|p| revisions::by_seq(c, id, p)).transpose()?;
    let added = added_paragraphs(parent.as_ref().map(|p| p.body_md.as_str()), &revision.body_md);
    // Hiding the current revision puts the newest visible one back: its words leave anyway.
    let head = (thread.head_seq != seq).then(|| revisions::by_seq(c, id, thread.head_seq)).transpose()?;
    let lingering = head.as_ref().map(|h| still_contained(&added, &h.body_md)).unwrap_or_default();
    Ok(RevisionWords {
        added: added.iter().map(|p| (*p).to_owned()).collect(),
        lingering: lingering.iter().map(|p| (*p).to_owned()).collect(),
        parent_seq,
        summary: revision.meta.summary,
    })
}

/// What the hide form of change `change` shows (moderators only).
pub fn target_in(c: &mut PgConnection, user: &CurrentUser, change: i64) -> Result<HideTarget, AppError> {
    access::require(user, roles::can_moderate, "hide content")?;
    let row = changes::by_id(c, change)?;
    let thread = row.thread_id.map(|id| threads::by_id(c, ThreadId(id))).transpose()?;
    let mut target = HideTarget {
        change,
        heading: heading(&row, thread.as_ref()),
        thread_href: thread.as_ref().map(|t| format!("/threads/{}", t.slug)),
        rev_seq: row.rev_seq,
        parent_seq: None,
        is_current: false,
        summary: String::new(),
        added: Vec::new(),
        fields: Vec::new(),
        lingering: Vec::new(),
        can_remove: false,
        already_hidden: row.is_hidden(),
    };
    match (thread, row.rev_seq) {
        (Some(thread), Some(seq)) => {
            let words = revision_words(c, &thread, seq)?;
            target.is_current = thread.head_seq == seq;
            target.can_remove = !words.lingering.is_empty();
            target.parent_seq = words.parent_seq;
            target.summary = words.summary;
            target.added = words.added;
            target.lingering = words.lingering;
        }
        _ => target.fields = changelog::version_fields(row.after.as_ref()),
    }
    Ok(target)
}

/// See [`target_in`].
pub async fn target(pool: &PgPool, user: &CurrentUser, change: i64) -> Result<HideTarget, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| target_in(c, &user, change)).await
}

/// "Hide revision 4 of “Title”", "Hide change 12 (edited interpretation “X”) of “Title”".
fn heading(row: &ChangeRow, thread: Option<&ThreadRow>) -> String {
    let what = match row.rev_seq {
        Some(seq) => format!("revision {seq}"),
        None if row.subject.is_empty() => format!("change {} ({} {})", row.id, row.action, row.area),
        None => format!("change {} ({} {} “{}”)", row.id, row.action, row.area, row.subject),
    };
    match thread {
        Some(t) => format!("Hide {what} of “{}”", t.title),
        None => format!("Hide {what}"),
    }
}

/// Takes the words revision `seq` added out of the current text, as an undo of that revision
/// (a new revision; history is never rewritten), inside the caller's transaction; when the undo
/// collides with later edits, by taking out just the paragraphs that still carry them. Does
/// nothing when the current text no longer has them or the revision is the current one (hiding
/// puts the previous text back then). Refuses, so the caller saves and hides nothing, when that
/// would leave the synthesis empty.
pub fn remove_from_current(c: &mut PgConnection, user: &CurrentUser, row: &ChangeRow) -> Result<(), AppError> {
    let (Some(thread_id), Some(seq)) = (row.thread_id, row.rev_seq) else {
        return Ok(());
    };
    let thread = threads::by_id(c, ThreadId(thread_id))?;
    let words = revision_words(c, &thread, seq)?;
    if words.lingering.is_empty() {
        return Ok(());
    }
    let lingering: Vec<&str> = words.lingering.iter().map(String::as_str).collect();
    let outcome = if words.parent_seq.is_none() {
        // The first revision: there is nothing to undo it to.
        synthesis::take_out_paragraphs_in(c, user, &thread, seq, &lingering)?
    } else {
        let input = RevertInput { base_seq: thread.head_seq, reason: String::new() };
        match synthesis::undo_in(c, user, &thread.slug, seq, &input)? {
            (_, UndoOutcome::Done(outcome)) => outcome,
            // Later edits touch the same or neighbouring lines (a paragraph appended right after,
            // say): take out just the paragraphs that still carry the words.
            (_, UndoOutcome::Conflicts { .. }) => synthesis::take_out_paragraphs_in(c, user, &thread, seq, &lingering)?,
        }
    };
    match outcome {
        SaveOutcome::Saved { .. } => Ok(()),
        _ => Err(AppError::Conflict("the synthesis changed meanwhile; try again".to_owned())),
    }
}

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
    /// Those of them the current (head) text still contains.
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
    let lingering = if thread.head_seq == seq {
        // Hiding the current revision puts the newest visible one back: its words leave anyway.
        Vec::new()
    } else {
        still_contained(&added, &revisions::by_seq(c, id, thread.head_seq)?.body_md)
    };
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
            target.can_remove = !words.lingering.is_empty() && words.parent_seq.is_some();
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
/// (a new revision; history is never rewritten), inside the caller's transaction. Does nothing
/// when the current text no longer has them or the revision is the current one (hiding puts
/// the previous text back then). Refuses, saving nothing, when later edits collide with it.
pub fn remove_from_current(c: &mut PgConnection, user: &CurrentUser, row: &ChangeRow) -> Result<(), AppError> {
    let (Some(thread_id), Some(seq)) = (row.thread_id, row.rev_seq) else {
        return Ok(());
    };
    let thread = threads::by_id(c, ThreadId(thread_id))?;
    let words = revision_words(c, &thread, seq)?;
    if words.lingering.is_empty() {
        return Ok(());
    }
    if words.parent_seq.is_none() {
        return Err(AppError::Invalid(format!(
            "revision {seq} is the first one, so its words cannot be undone; edit the synthesis by hand, or hide \
             without removing them"
        )));
    }
    let input = RevertInput { base_seq: thread.head_seq, reason: String::new() };
    match synthesis::undo_in(c, user, &thread.slug, seq, &input)? {
        (_, UndoOutcome::Done(SaveOutcome::Saved { .. })) => Ok(()),
        (_, UndoOutcome::Conflicts { .. }) => Err(AppError::Invalid(format!(
            "later revisions changed the same paragraphs, so revision {seq}'s words cannot be taken out of the \
             current text automatically; nothing was hidden. Edit the synthesis by hand first, or hide without \
             removing them"
        ))),
        _ => Err(AppError::Conflict("the synthesis changed meanwhile; try again".to_owned())),
    }
}

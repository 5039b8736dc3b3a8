//! What a viewer may see of hidden content: moderators see everything (marked as hidden),
//! everyone else sees that something was hidden and nothing of what it said.

use diesel::PgConnection;

use crate::db::changes::{self, ChangeListed, ChangeRow};
use crate::db::revisions::{self, Revision, RevisionListed};
use crate::domain::html::SafeHtml;
use crate::domain::ids::ThreadId;
use crate::domain::roles::{self, Role};
use crate::error::AppError;

fn sees_hidden(viewer: Option<Role>) -> bool {
    viewer.is_some_and(roles::can_see_hidden)
}

/// Marks the hidden ones among listed revisions and blanks their summaries for this viewer.
pub fn mark_listed(
    c: &mut PgConnection,
    thread: ThreadId,
    rows: &mut [RevisionListed],
    viewer: Option<Role>,
) -> Result<(), AppError> {
    let seqs: Vec<i32> = rows.iter().map(|r| r.meta.seq).collect();
    let hidden = changes::hidden_revisions(c, thread, &seqs)?;
    for row in rows.iter_mut().filter(|r| hidden.contains(&r.meta.seq)) {
        row.hidden = true;
        if !sees_hidden(viewer) {
            row.meta.summary.clear();
        }
    }
    Ok(())
}

/// One revision, marked if hidden, with its text and summary blanked for this viewer.
pub fn revision(c: &mut PgConnection, thread: ThreadId, seq: i32, viewer: Option<Role>) -> Result<Revision, AppError> {
    let mut revision = revisions::by_seq(c, thread, seq)?;
    revision.hidden = !changes::hidden_revisions(c, thread, &[seq])?.is_empty();
    if revision.hidden && !sees_hidden(viewer) {
        revision.meta.summary.clear();
        revision.body_md.clear();
        revision.body_html = SafeHtml::from_stored(String::new());
    }
    Ok(revision)
}

/// Refuses, unless the viewer is a moderator, an action that would show or put back the text of
/// any of these revisions when one of them is hidden (a revert to it, an undo that restores it or
/// whose conflict page would quote it): hidden text returns only by a moderator's hand.
pub fn refuse_if_any_hidden(
    c: &mut PgConnection,
    thread: ThreadId,
    seqs: &[i32],
    viewer: Role,
) -> Result<(), AppError> {
    if sees_hidden(Some(viewer)) {
        return Ok(());
    }
    match changes::hidden_revisions(c, thread, seqs)?.first() {
        Some(seq) => Err(AppError::Forbidden(format!("the content of revision {seq} was hidden by a moderator"))),
        None => Ok(()),
    }
}

/// Blanks the content of hidden changelog entries for this viewer (who did it and when stay),
/// and every other copy of a hidden version: the `before` of the entry after a hidden one
/// (`ChangeListed::before_hidden_at`, which `changes::list` fills). Moderators see it all,
/// marked.
pub fn redact_changes(rows: &mut [ChangeListed], viewer: Option<Role>) {
    if sees_hidden(viewer) {
        return;
    }
    for row in rows.iter_mut() {
        if row.row.is_hidden() {
            row.row.reason.clear();
            row.row.before = None;
            row.row.after = None;
            row.row.subject.clear();
            row.row.hidden_reason.clear();
        } else if row.before_hidden_at.is_some() {
            redact_before(&mut row.row);
        }
    }
}

/// Blanks an entry's `before` (a hidden version), and its subject when the name came from that
/// version (a removal names what it removed; a change that left a name keeps the visible one).
fn redact_before(row: &mut ChangeRow) {
    row.before = None;
    if row.after.is_none() {
        row.subject.clear();
    }
}

/// One changelog entry for this viewer, refused when it is hidden; its `before` blanked when that
/// version is hidden (the same rule as the lists). Returns whether its `before` is a hidden version.
pub fn entry(c: &mut PgConnection, row: &mut ChangeRow, viewer: Option<Role>) -> Result<bool, AppError> {
    if row.is_hidden() && !sees_hidden(viewer) {
        return Err(AppError::Forbidden(format!("change {} was hidden by a moderator", row.id)));
    }
    let before_hidden = !changes::hidden_befores(c, &[row.id])?.is_empty();
    if before_hidden && !sees_hidden(viewer) {
        redact_before(row);
    }
    Ok(before_hidden)
}

//! Putting back the version a section item, an event or a source shows after a moderator hid or showed
//! again one of its changelog entries: its newest visible version, or a placeholder without text
//! when none is visible. Like the restore that hiding a synthesis head makes, the item's row always
//! holds what it shows, so the thread page (its cache follows the thread's version), the API,
//! feeds and search need no rule of their own; each put-back is a `restored` changelog entry.

use diesel::PgConnection;
use serde_json::{Value, json};

use super::sections::{self, SectionKind};
use super::{citations, events, matrix};
use crate::auth::CurrentUser;
use crate::db::changes::{self, ChangeRow, ShownVersion};
use crate::db::citations as db_citations;
use crate::db::events::{self as db_events, EventFields};
use crate::db::matrix::{self as db_matrix, CellFields};
use crate::db::sections::{self as db_sections, ArcFields, ControversyFields, InterpretationFields};
use crate::db::threads;
use crate::domain::citation::{Owner, OwnerKind};
use crate::domain::history::Area;
use crate::domain::ids::{EventId, MatrixCellId, SourceId, ThreadId};
use crate::domain::thread::{Assessment, Significance};
use crate::error::AppError;

/// After an entry of a section item or an event was hidden or shown again: puts the item to the
/// version it should now show (`changes::shown_version`), as `restore_if_current` does for the
/// synthesis. A no-op when that is already its state (the entry was not its current version).
pub(super) fn show_visible_version(
    c: &mut PgConnection,
    user: &CurrentUser,
    row: &ChangeRow,
    hide: bool,
) -> Result<(), AppError> {
    let Some(item) = row.subject_id else { return Ok(()) };
    let area = row.area();
    let kind = match area {
        Area::Arc => Some(SectionKind::Arc),
        Area::Interpretation => Some(SectionKind::Interpretation),
        Area::Question => Some(SectionKind::Question),
        Area::Controversy => Some(SectionKind::Controversy),
        Area::Event | Area::Source => None,
        Area::Matrix => return restore_cell(c, user, row, hide),
        _ => return Ok(()),
    };
    let to = match changes::shown_version(c, area, item)? {
        ShownVersion::Removed => return Ok(()),
        ShownVersion::Snapshot(version) => Some(version),
        ShownVersion::NoneVisible => None,
    };
    let reason = restore_reason(hide);
    match (kind, row.thread_id) {
        (Some(kind), Some(thread)) => restore_item(c, user, ThreadId(thread), kind, item, to.as_ref(), reason),
        (None, _) if area == Area::Source => super::sources::restore_in(c, user, SourceId(item), to.as_ref(), reason),
        (None, _) => restore_event(c, user, EventId(item), to.as_ref(), reason),
        (Some(_), None) => Ok(()),
    }
}

/// What an item shows when every version it had is hidden: its text fields say so, nothing else.
pub const HIDDEN_PLACEHOLDER: &str = "Hidden by a moderator";

/// Puts an item back to `to`, a version from its changelog (or, when `None`, a placeholder
/// without text), after hiding or unhiding one of its entries changed which version it shows;
/// recorded as `restored` by the moderator, in the caller's transaction. Like the restore that
/// hiding a synthesis head makes, the item's row always holds what it shows, so the thread page
/// (its cache follows the thread's version), the API and search need no rule of their own. The
/// text was accepted when it was saved: it is rendered again, not validated again.
fn restore_item(
    c: &mut PgConnection,
    user: &CurrentUser,
    id: ThreadId,
    kind: SectionKind,
    item: i64,
    to: Option<&Value>,
    reason: &str,
) -> Result<(), AppError> {
    let (_, before) = sections::snapshot(c, id, kind, item)?;
    let to = to.cloned().unwrap_or_else(|| match kind {
        SectionKind::Arc => json!({"label": "—", "title": HIDDEN_PLACEHOLDER, "body": ""}),
        SectionKind::Interpretation => json!({"title": HIDDEN_PLACEHOLDER, "body": "", "proponents": []}),
        SectionKind::Question => json!({"question": HIDDEN_PLACEHOLDER, "answer": null}),
        SectionKind::Controversy => json!({"title": HIDDEN_PLACEHOLDER, "body": ""}),
    });
    if before == to {
        return Ok(());
    }
    let text = |field: &str| to[field].as_str().unwrap_or_default().to_owned();
    let body_md = if kind == SectionKind::Question { text("question") } else { text("body") };
    // What the restored text cites comes back with it.
    let rendered = citations::render_in(c, &body_md)?;
    let body_html = rendered.html;
    db_citations::replace(c, Owner { kind: kind.owner_kind(), id: item }, Some(id), &rendered.cites)?;
    let base = sections::current_values(c, id, kind, item)?.base_version.unwrap_or_default();
    match kind {
        SectionKind::Arc => {
            let f = ArcFields { label: text("label"), title: text("title"), body_md, body_html };
            db_sections::update_arc(c, id, item, base, &f)?
        }
        SectionKind::Interpretation => {
            let names = to["proponents"].as_array().map(Vec::as_slice).unwrap_or_default();
            let proponents = names.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            let f = InterpretationFields { title: text("title"), body_md, body_html, proponents };
            db_sections::update_interpretation(c, id, item, base, &f)?
        }
        SectionKind::Question => {
            db_sections::update_question(c, id, item, base, &body_md, &body_html)?;
            if to["answer"] != before["answer"] {
                db_sections::set_question_answer(c, id, item, to["answer"].as_str())?;
            }
        }
        SectionKind::Controversy => {
            let f = ControversyFields { title: text("title"), body_md, body_html };
            db_sections::update_controversy(c, id, item, base, &f)?
        }
    }
    let (subject, after) = sections::snapshot(c, id, kind, item)?;
    sections::record(c, user, id, kind, changes::RESTORED, item, &subject, reason, Some(before), Some(after))?;
    threads::touch(c, id)?;
    Ok(())
}

/// Puts an event back to `to`, a version from its changelog (or, when `None`, a placeholder
/// without text that keeps its date and significance), after hiding or unhiding one of its
/// entries changed which version it shows; recorded as `restored`, in the caller's transaction.
/// `events::update` marks the pages of its threads stale; its search document is a generated
/// column. The text was accepted when it was saved: it is rendered again, not validated again.
fn restore_event(
    c: &mut PgConnection,
    user: &CurrentUser,
    id: EventId,
    to: Option<&Value>,
    reason: &str,
) -> Result<(), AppError> {
    let (_, before) = events::snapshot(c, id)?;
    let to = to.cloned().unwrap_or_else(|| {
        json!({
            "date": before["date"],
            "title": HIDDEN_PLACEHOLDER,
            "significance": before["significance"],
            "url": null,
            "body": "",
        })
    });
    if before == to {
        return Ok(());
    }
    let current = db_events::by_id(c, id)?;
    let text = |field: &str| to[field].as_str().unwrap_or_default().to_owned();
    let body_md = text("body");
    let rendered = citations::render_in(c, &body_md)?;
    db_citations::replace(c, Owner { kind: OwnerKind::Event, id: id.0 }, None, &rendered.cites)?;
    let fields = EventFields {
        occurred_on: text("date").parse().unwrap_or(current.occurred_on),
        title: text("title"),
        significance: Significance::parse(&text("significance")).unwrap_or(Significance::Notable),
        url: to["url"].as_str().map(str::to_owned),
        body_html: rendered.html,
        body_md,
    };
    db_events::update(c, id, &fields)?;
    let (title, after) = events::snapshot(c, id)?;
    events::record(c, user, None, id, changes::RESTORED, &title, reason, Some(before), Some(after))?;
    Ok(())
}

/// The reason of a put-back entry. Everyone reads it: it says what happened, not the
/// moderator's reason.
fn restore_reason(hide: bool) -> &'static str {
    if hide {
        "A moderator hid a version; the newest visible one is shown"
    } else {
        "A moderator showed a hidden version again"
    }
}

/// Puts a matrix cell back to its newest visible version after one of its entries was hidden or
/// shown again (not assessed, without a note, when none is visible); recorded as `restored`.
fn restore_cell(c: &mut PgConnection, user: &CurrentUser, row: &ChangeRow, hide: bool) -> Result<(), AppError> {
    let (Some(cell), Some(thread)) = (row.subject_id, row.thread_id) else { return Ok(()) };
    let to = match changes::shown_version(c, Area::Matrix, cell)? {
        ShownVersion::Removed => return Ok(()),
        ShownVersion::Snapshot(version) => version,
        ShownVersion::NoneVisible => matrix::snapshot(Assessment::NotAssessed.as_str(), ""),
    };
    let current = db_matrix::by_id(c, MatrixCellId(cell))?;
    let before = matrix::snapshot(&current.assessment, &current.note_md);
    if before == to {
        return Ok(());
    }
    let note = to["note"].as_str().unwrap_or_default().to_owned();
    let rendered = matrix::render_note(c, &note)?;
    let fields = CellFields {
        assessment: matrix::assessment_of(Some(&to)).unwrap_or(Assessment::NotAssessed),
        note_html: rendered.html,
        note_md: note,
    };
    db_matrix::update(c, current.cell_id(), current.version, &fields, user.id)?;
    matrix::store_note_citations(c, ThreadId(thread), current.cell_id(), &rendered.cites)?;
    let after = matrix::snapshot(fields.assessment.as_str(), &fields.note_md);
    let thread = ThreadId(thread);
    matrix::record(
        c,
        user,
        thread,
        current.cell_id(),
        changes::RESTORED,
        &row.subject,
        restore_reason(hide),
        Some(before),
        Some(after),
    )?;
    threads::touch(c, thread)?;
    Ok(())
}

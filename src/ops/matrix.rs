//! The interpretation × event matrix of a thread: reading it (page, API, the thread page's
//! summary) and assessing one cell at a time, with optimistic locking like section items and a
//! changelog entry per change.

use diesel::{Connection, PgConnection};
use serde_json::{Value, json};

use super::access;
use crate::auth::CurrentUser;
use crate::db::changes::{self, NewChange};
use crate::db::citations as db_citations;
use crate::db::events::{self, EventRow};
use crate::db::matrix::{self, CellFields};
use crate::db::sections::{self, InterpretationRow};
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::citation::{Cite, Owner, OwnerKind};
use crate::domain::history::Area;
use crate::domain::html::SafeHtml;
use crate::domain::ids::{EventId, MatrixCellId, ThreadId};
use crate::domain::matrix::{self as rules, Analysis};
use crate::domain::roles;
use crate::domain::thread::Assessment;
use crate::domain::validate;
use crate::error::AppError;
use crate::render::format;
use crate::render::markdown::Rendered;
use crate::render::pages::Chrome;
use crate::render::pages::matrix::{MatrixCellView, MatrixColumn, MatrixPage, MatrixRow, MatrixSummaryView, symbol};

pub use crate::db::matrix::MatrixCellRow;

/// Renders a cell's note (one line of Markdown-light text that may carry citation markers):
/// the ONE place a note becomes HTML, at save time. Takes the connection so that markers can be
/// resolved against the database.
pub fn render_note(conn: &mut PgConnection, text: &str) -> Result<Rendered, AppError> {
    super::citations::render_in(conn, text)
}

/// Stores what a cell's note cites, replacing what it cited before.
pub(super) fn store_note_citations(
    conn: &mut PgConnection,
    thread: ThreadId,
    cell: MatrixCellId,
    cites: &[Cite],
) -> Result<(), AppError> {
    db_citations::replace(conn, Owner { kind: OwnerKind::MatrixCell, id: cell.0 }, Some(thread), cites)?;
    Ok(())
}

/// The cell form's fields (and the API body's, converted).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CellInput {
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub note: String,
    /// The cell's version the edit started from; 0 when it was not assessed yet.
    #[serde(default)]
    pub base_version: Option<i32>,
    #[serde(default)]
    pub reason: String,
}

/// A thread's matrix as loaded: events in date order, interpretations in page order, the cells
/// of linked events, and whether the viewer may edit.
#[derive(Debug, Clone)]
pub struct MatrixData {
    pub thread: ThreadRow,
    pub events: Vec<EventRow>,
    pub interpretations: Vec<InterpretationRow>,
    pub cells: Vec<MatrixCellRow>,
    pub can_edit: bool,
}

impl MatrixData {
    /// Decisive events and unsupported interpretations.
    pub fn analysis(&self) -> Analysis {
        let columns: Vec<i64> = self.interpretations.iter().map(|i| i.id).collect();
        let cells: Vec<(i64, i64, Assessment)> =
            self.cells.iter().map(|c| (c.interpretation_id, c.event_id, c.assessment())).collect();
        rules::analyze(&columns, &cells)
    }

    /// The cell of `interpretation` × `event`, if assessed.
    pub fn cell(&self, interpretation: i64, event: i64) -> Option<&MatrixCellRow> {
        self.cells.iter().find(|c| c.interpretation_id == interpretation && c.event_id == event)
    }

    /// How many cells carry an assessment.
    fn assessed(&self) -> usize {
        self.cells.iter().filter(|c| c.assessment() != Assessment::NotAssessed).count()
    }
}

/// Loads the matrix of the thread at `slug` as `viewer` sees it.
pub fn load_in(conn: &mut PgConnection, viewer: Option<&CurrentUser>, slug: &str) -> Result<MatrixData, AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let id = thread.thread_id();
    let events = events::for_thread(conn, id)?;
    let interpretations = sections::interpretation::list(conn, id)?;
    let cells = matrix::for_thread(conn, id)?;
    let curators = threads::curators(conn, id)?;
    let can_edit = access::may_edit(viewer, &curators, thread.lock().is_some());
    Ok(MatrixData { thread, events, interpretations, cells, can_edit })
}

/// The async entry of [`load_in`].
pub async fn load(pool: &PgPool, viewer: Option<&CurrentUser>, slug: String) -> Result<MatrixData, AppError> {
    let viewer = viewer.cloned();
    db::with_conn(pool, move |c| load_in(c, viewer.as_ref(), &slug)).await
}

/// The matrix page from the loaded data.
pub fn page(chrome: Chrome, data: &MatrixData) -> MatrixPage {
    let analysis = data.analysis();
    let slug = &data.thread.slug;
    let columns: Vec<MatrixColumn> = data
        .interpretations
        .iter()
        .map(|i| MatrixColumn { id: i.id, title: i.title.clone(), unsupported: analysis.unsupported.contains(&i.id) })
        .collect();
    let rows: Vec<MatrixRow> = data
        .events
        .iter()
        .map(|e| MatrixRow {
            event_id: e.id,
            title: e.title.clone(),
            date: format::event_date(e.occurred_on),
            date_iso: e.occurred_on.to_string(),
            decisive: analysis.decisive.contains(&e.id),
            cells: data
                .interpretations
                .iter()
                .map(|i| {
                    let cell = data.cell(i.id, e.id);
                    let a = cell.map_or(Assessment::NotAssessed, MatrixCellRow::assessment);
                    MatrixCellView {
                        anchor: format!("cell-{}-{}", i.id, e.id),
                        assessment: a.as_str(),
                        label: a.label(),
                        symbol: symbol(a),
                        note_html: SafeHtml::from_stored(cell.map(|c| c.note_html.clone()).unwrap_or_default()),
                        edit_href: data.can_edit.then(|| format!("/threads/{slug}/matrix/{}/{}/edit", i.id, e.id)),
                        edit_label: if cell.is_some() { "Edit" } else { "Assess" },
                        edit_what: format!("“{}” for “{}”", e.title, i.title),
                    }
                })
                .collect(),
        })
        .collect();
    let decisive = rows
        .iter()
        .filter(|r| r.decisive)
        .map(|r| (format!("#event-{}", r.event_id), format!("{}: {}", r.date, r.title)))
        .collect();
    let unsupported: Vec<String> = columns.iter().filter(|c| c.unsupported).map(|c| c.title.clone()).collect();
    MatrixPage {
        chrome,
        matrix_summary: Some(MatrixSummaryView {
            sentence: rules::summary_sentence(analysis.decisive.len(), &unsupported, data.assessed()),
            href: None,
        }),
        slug: slug.clone(),
        title: data.thread.title.clone(),
        columns,
        rows,
        decisive,
        unsupported,
        can_edit: data.can_edit,
    }
}

/// What the thread page says of the matrix (one query); `None` while the thread has no events
/// or no interpretations, when there is no matrix to speak of.
pub fn summary_in(conn: &mut PgConnection, thread: &ThreadRow) -> Result<Option<MatrixSummaryView>, AppError> {
    let lines = matrix::summary(conn, thread.thread_id())?;
    Ok(summary_view(&thread.slug, &lines, !events::ids_for_thread(conn, thread.thread_id())?.is_empty()))
}

/// [`summary_in`] from the summary query's lines; `has_events` says whether the thread has any.
pub fn summary_view(slug: &str, lines: &[matrix::SummaryLine], has_events: bool) -> Option<MatrixSummaryView> {
    let first = lines.first()?;
    if !has_events {
        return None;
    }
    let unsupported: Vec<String> = lines.iter().filter(|l| !l.supported).map(|l| l.title.clone()).collect();
    let sentence = rules::summary_sentence(
        usize::try_from(first.decisive).unwrap_or_default(),
        &unsupported,
        usize::try_from(first.assessed).unwrap_or_default(),
    );
    Some(MatrixSummaryView { sentence, href: Some(format!("/threads/{slug}/matrix")) })
}

/// The async entry of [`summary_in`], by slug.
pub async fn summary(pool: &PgPool, slug: String) -> Result<Option<MatrixSummaryView>, AppError> {
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        summary_in(c, &thread)
    })
    .await
}

/// A cell with what it belongs to, for its form and for a save.
#[derive(Debug, Clone)]
pub struct CellContext {
    pub thread: ThreadRow,
    pub event: EventRow,
    pub interpretation: InterpretationRow,
    /// The stored cell (`None`: not assessed yet).
    pub current: Option<MatrixCellRow>,
}

impl CellContext {
    /// "“GPT-4 release” × “Democratization reading”": how lists name the cell.
    pub fn subject(&self) -> String {
        format!("“{}” × “{}”", self.event.title, self.interpretation.title)
    }

    /// The form's values for the stored cell (version 0 when not assessed yet).
    pub fn input(&self) -> CellInput {
        match &self.current {
            Some(c) => CellInput {
                assessment: c.assessment.clone(),
                note: c.note_md.clone(),
                base_version: Some(c.version),
                reason: String::new(),
            },
            None => CellInput {
                assessment: Assessment::NotAssessed.as_str().to_owned(),
                base_version: Some(0),
                ..CellInput::default()
            },
        }
    }
}

/// The cell `interpretation` × `event` of the thread at `slug`, if `user` may edit the thread:
/// 404 when the interpretation or the event is not the thread's, 403 as for any edit.
pub fn cell_for_edit_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    interpretation: i64,
    event: i64,
) -> Result<CellContext, AppError> {
    // Permission first: who may not edit learns nothing about the cell.
    let thread = access::editable_thread(conn, slug, user)?;
    cell_of(conn, thread, interpretation, event)
}

fn cell_of(
    conn: &mut PgConnection,
    thread: ThreadRow,
    interpretation: i64,
    event: i64,
) -> Result<CellContext, AppError> {
    let id = thread.thread_id();
    let interpretation = sections::interpretation::get(conn, id, interpretation)?;
    if !events::ids_for_thread(conn, id)?.contains(&event) {
        return Err(AppError::NotFound);
    }
    let event = events::by_id(conn, EventId(event))?;
    let current = matrix::get(conn, id, interpretation.id, event.id)?;
    Ok(CellContext { thread, event, interpretation, current })
}

/// The async entry of [`cell_for_edit_in`].
pub async fn cell_for_edit(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    interpretation: i64,
    event: i64,
) -> Result<CellContext, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| cell_for_edit_in(c, &user, &slug, interpretation, event)).await
}

/// A cell's fields as the changelog keeps them.
pub(super) fn snapshot(assessment: &str, note: &str) -> Value {
    json!({ "assessment": assessment, "note": note })
}

/// Assesses one cell on top of `input.base_version` (0: the cell was not assessed yet); a
/// conflict when someone changed it since. Records a changelog entry when anything changed
/// and bumps the thread's version. Returns the cell as stored.
pub fn save_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    interpretation: i64,
    event: i64,
    input: &CellInput,
) -> Result<(CellContext, MatrixCellRow), AppError> {
    conn.transaction(|c| {
        let ctx = cell_for_edit_in(c, user, slug, interpretation, event)?;
        let base = input.base_version.ok_or_else(|| {
            AppError::Invalid("base_version is missing: reload the edit form and try again".to_owned())
        })?;
        let assessment = Assessment::parse(input.assessment.trim()).ok_or_else(|| {
            AppError::Invalid("choose an assessment: supports, undercuts, neutral or not assessed".to_owned())
        })?;
        let note = rules::note(&input.note).map_err(AppError::Invalid)?;
        let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
        let rendered = render_note(c, &note)?;
        let fields = CellFields { assessment, note_html: rendered.html, note_md: note };
        let id = ctx.thread.thread_id();
        let after = snapshot(fields.assessment.as_str(), &fields.note_md);
        let (cell, before, action) = match &ctx.current {
            None if base == 0 => (matrix::insert(c, id, interpretation, event, &fields, user.id)?, None, "assessed"),
            None => return Err(AppError::Conflict(matrix::STALE.to_owned())),
            Some(cur) if cur.version != base => return Err(AppError::Conflict(matrix::STALE.to_owned())),
            Some(cur) => {
                let before = snapshot(&cur.assessment, &cur.note_md);
                if before == after {
                    return Ok((ctx.clone(), cur.clone()));
                }
                matrix::update(c, cur.cell_id(), base, &fields, user.id)?;
                (cur.cell_id(), Some(before), "edited")
            }
        };
        store_note_citations(c, id, cell, &rendered.cites)?;
        record(c, user, id, cell, action, &ctx.subject(), &reason, before, Some(after))?;
        threads::touch(c, id)?;
        let stored = matrix::by_id(c, cell)?;
        Ok((ctx, stored))
    })
}

/// Appends the changelog entry of a cell's change.
#[expect(clippy::too_many_arguments, reason = "one entry has this many parts; a struct would only rename them")]
pub(super) fn record(
    c: &mut PgConnection,
    user: &CurrentUser,
    id: ThreadId,
    cell: MatrixCellId,
    action: &str,
    subject: &str,
    reason: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), AppError> {
    changes::record(
        c,
        &NewChange {
            subject_id: Some(cell.0),
            subject,
            reason,
            before,
            after,
            autopatrolled: roles::can_moderate(user.role),
            ..NewChange::on_thread(id, Area::Matrix, action, user.id)
        },
    )?;
    Ok(())
}

/// A cell edit: saved, or refused because someone changed the cell since the form's
/// `base_version` (with the cell as it is now, so the author can save over it knowingly).
#[derive(Debug)]
pub enum CellSave {
    Saved(Box<(CellContext, MatrixCellRow)>),
    Conflict { message: String, now: Box<CellContext> },
}

/// The async entry of [`save_in`]: a conflict comes back with the cell as it is now.
pub async fn save(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    interpretation: i64,
    event: i64,
    input: CellInput,
) -> Result<CellSave, AppError> {
    let who = user.clone();
    let s = slug.clone();
    let result = db::with_conn(pool, move |c| save_in(c, &who, &s, interpretation, event, &input)).await;
    match result {
        Ok(saved) => Ok(CellSave::Saved(Box::new(saved))),
        Err(AppError::Conflict(message)) => {
            let now = cell_for_edit(pool, user, slug, interpretation, event).await?;
            Ok(CellSave::Conflict { message, now: Box::new(now) })
        }
        Err(other) => Err(other),
    }
}

/// The thread of a cell form shown again after invalid input, with the cell's names.
pub async fn cell_context(
    pool: &PgPool,
    slug: String,
    interpretation: i64,
    event: i64,
) -> Result<CellContext, AppError> {
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        cell_of(c, thread, interpretation, event)
    })
    .await
}

/// The stored assessment of a version in the changelog, for its wording.
pub fn assessment_of(version: Option<&Value>) -> Option<Assessment> {
    version.and_then(|v| v["assessment"].as_str()).and_then(Assessment::parse)
}

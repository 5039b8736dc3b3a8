//! The interpretation × event matrix: one row per assessed cell (a missing row reads "not
//! assessed"), versioned like section items so a stale edit is a conflict.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

use super::schema::{matrix_cells, thread_events};
use crate::domain::html::SafeHtml;
use crate::domain::ids::{MatrixCellId, ThreadId, UserId};
use crate::domain::thread::Assessment;
use crate::error::AppError;

/// A row of `matrix_cells`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = matrix_cells)]
pub struct MatrixCellRow {
    pub id: i64,
    pub thread_id: i64,
    pub interpretation_id: i64,
    pub event_id: i64,
    pub assessment: String,
    pub note_md: String,
    pub note_html: String,
    /// Bumped by every edit; an edit from an older version is a conflict.
    pub version: i32,
    pub updated_by: i64,
    pub updated_at: DateTime<Utc>,
}

impl MatrixCellRow {
    /// The typed id.
    pub fn cell_id(&self) -> MatrixCellId {
        MatrixCellId(self.id)
    }

    /// The assessment (the column's CHECK constraint guarantees a known value).
    pub fn assessment(&self) -> Assessment {
        Assessment::parse(&self.assessment).unwrap_or(Assessment::NotAssessed)
    }
}

/// A cell's fields, validated and rendered.
#[derive(Debug, Clone)]
pub struct CellFields {
    pub assessment: Assessment,
    pub note_md: String,
    pub note_html: SafeHtml,
}

/// The cells of a thread's matrix whose event is (still) linked to the thread; an unlinked
/// event's cells stay stored and come back with the event.
pub fn for_thread(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Vec<MatrixCellRow>> {
    matrix_cells::table
        .inner_join(
            thread_events::table.on(thread_events::thread_id
                .eq(matrix_cells::thread_id)
                .and(thread_events::event_id.eq(matrix_cells::event_id))),
        )
        .filter(matrix_cells::thread_id.eq(thread.0))
        .order(matrix_cells::id)
        .select(MatrixCellRow::as_select())
        .load(conn)
}

/// The cell of `interpretation` × `event` in `thread`, if it was ever assessed.
pub fn get(
    conn: &mut PgConnection,
    thread: ThreadId,
    interpretation: i64,
    event: i64,
) -> QueryResult<Option<MatrixCellRow>> {
    matrix_cells::table
        .filter(
            matrix_cells::thread_id
                .eq(thread.0)
                .and(matrix_cells::interpretation_id.eq(interpretation))
                .and(matrix_cells::event_id.eq(event)),
        )
        .select(MatrixCellRow::as_select())
        .first(conn)
        .optional()
}

/// The message of every stale cell edit.
pub const STALE: &str = "someone changed this cell while you were editing; your text is kept below";

/// Records the first assessment of a cell; a conflict when someone created it meanwhile.
pub fn insert(
    conn: &mut PgConnection,
    thread: ThreadId,
    interpretation: i64,
    event: i64,
    f: &CellFields,
    by: UserId,
) -> Result<MatrixCellId, AppError> {
    let id: Option<i64> = diesel::insert_into(matrix_cells::table)
        .values((
            matrix_cells::thread_id.eq(thread.0),
            matrix_cells::interpretation_id.eq(interpretation),
            matrix_cells::event_id.eq(event),
            matrix_cells::assessment.eq(f.assessment.as_str()),
            matrix_cells::note_md.eq(&f.note_md),
            matrix_cells::note_html.eq(f.note_html.as_str()),
            matrix_cells::updated_by.eq(by.0),
        ))
        .on_conflict((matrix_cells::interpretation_id, matrix_cells::event_id))
        .do_nothing()
        .returning(matrix_cells::id)
        .get_result(conn)
        .optional()?;
    id.map(MatrixCellId).ok_or_else(|| AppError::Conflict(STALE.to_owned()))
}

/// Rewrites a cell on top of `base_version` (compare-and-swap); a conflict when its version moved.
pub fn update(
    conn: &mut PgConnection,
    id: MatrixCellId,
    base_version: i32,
    f: &CellFields,
    by: UserId,
) -> Result<(), AppError> {
    let n = diesel::update(
        matrix_cells::table.filter(matrix_cells::id.eq(id.0).and(matrix_cells::version.eq(base_version))),
    )
    .set((
        matrix_cells::assessment.eq(f.assessment.as_str()),
        matrix_cells::note_md.eq(&f.note_md),
        matrix_cells::note_html.eq(f.note_html.as_str()),
        matrix_cells::version.eq(matrix_cells::version + 1),
        matrix_cells::updated_by.eq(by.0),
        matrix_cells::updated_at.eq(diesel::dsl::now),
    ))
    .execute(conn)?;
    if n == 0 { Err(AppError::Conflict(STALE.to_owned())) } else { Ok(()) }
}

/// One cell by id (for putting back a version after a moderator hid one).
pub fn by_id(conn: &mut PgConnection, id: MatrixCellId) -> Result<MatrixCellRow, AppError> {
    Ok(matrix_cells::table.find(id.0).select(MatrixCellRow::as_select()).first(conn)?)
}

/// One line of [`summary`]: an interpretation of the thread, whether some linked event
/// supports it, and (the same on every line) how many linked events are decisive.
#[derive(Debug, Clone, QueryableByName)]
pub struct SummaryLine {
    #[diesel(sql_type = BigInt)]
    pub interpretation_id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Bool)]
    pub supported: bool,
    #[diesel(sql_type = BigInt)]
    pub decisive: i64,
    #[diesel(sql_type = BigInt)]
    pub assessed: i64,
}

/// What the thread page says of the matrix, in ONE query: per interpretation (page order)
/// whether a linked event supports it, with the number of decisive events (some interpretation
/// counts it as support, another as undercutting) and of assessed cells. No interpretations, no
/// lines (and then nothing can be decisive).
pub fn summary(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Vec<SummaryLine>> {
    diesel::sql_query(
        "WITH cells AS ( \
             SELECT m.interpretation_id, m.event_id, m.assessment \
             FROM matrix_cells m \
             JOIN thread_events te ON te.thread_id = m.thread_id AND te.event_id = m.event_id \
             WHERE m.thread_id = $1 AND m.assessment <> 'not_assessed' \
         ), decisive AS ( \
             SELECT count(*) AS n FROM ( \
                 SELECT event_id FROM cells GROUP BY event_id \
                 HAVING bool_or(assessment = 'supports') AND bool_or(assessment = 'undercuts') \
             ) d \
         ) \
         SELECT i.id AS interpretation_id, i.title, \
                EXISTS (SELECT 1 FROM cells c WHERE c.interpretation_id = i.id AND c.assessment = 'supports') \
                    AS supported, \
                (SELECT n FROM decisive) AS decisive, \
                (SELECT count(*) FROM cells) AS assessed \
         FROM interpretations i WHERE i.thread_id = $1 ORDER BY i.position, i.id",
    )
    .bind::<BigInt, _>(thread.0)
    .load(conn)
}

//! `/api/v1/threads/{slug}/matrix`: the interpretation × event matrix, and assessing a cell.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

use super::API;
use super::inputs::{Slug, Text};
use super::require_user;
use super::views::{ErrorBody, one_of};
use crate::auth::Visitor;
use crate::domain::thread::Assessment;
use crate::error::ApiError;
use crate::ops::matrix::{self, CellInput, CellSave, MatrixCellRow};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the matrix endpoints (before the generic `/threads/{slug}/{kind}` ones).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/threads/{slug}/matrix").get(show))
        .add(at("/threads/{slug}/matrix/{interpretation_id}/{event_id}").put(assess));
}

/// An assessment as the API writes and accepts it.
pub fn assessment_schema() -> Object {
    one_of(Assessment::ALL.iter().map(|a| a.as_str()))
}

/// A row of the matrix: an event of the thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixEvent {
    pub id: i64,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub date: String,
    pub title: String,
    /// Some interpretation counts it as support and another as undercutting.
    pub decisive: bool,
}

/// A column of the matrix: an interpretation of the thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixInterpretation {
    pub id: i64,
    pub title: String,
    /// Some event supports it.
    pub supported: bool,
}

/// An assessed cell (a pair without a cell is not assessed).
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixCell {
    pub interpretation_id: i64,
    pub event_id: i64,
    #[schema(schema_with = assessment_schema)]
    pub assessment: String,
    /// The assessment in words ("Supports").
    pub assessment_label: String,
    /// The note as written (one line of Markdown).
    pub note: String,
    /// The note rendered and sanitized.
    pub note_html: String,
    /// Send it back as `base_version` to edit the cell.
    pub version: i32,
}

impl From<&MatrixCellRow> for MatrixCell {
    fn from(c: &MatrixCellRow) -> Self {
        MatrixCell {
            interpretation_id: c.interpretation_id,
            event_id: c.event_id,
            assessment: c.assessment.clone(),
            assessment_label: c.assessment().label().to_owned(),
            note: c.note_md.clone(),
            note_html: c.note_html.clone(),
            version: c.version,
        }
    }
}

/// A thread's matrix.
#[derive(Debug, Serialize, ToSchema)]
pub struct Matrix {
    pub slug: String,
    /// Rows, in date order.
    pub events: Vec<MatrixEvent>,
    /// Columns, in page order.
    pub interpretations: Vec<MatrixInterpretation>,
    pub cells: Vec<MatrixCell>,
    /// Ids of the decisive events, in date order.
    pub decisive_events: Vec<i64>,
    /// Ids of the interpretations no event supports, in page order.
    pub unsupported_interpretations: Vec<i64>,
}

/// `PUT .../matrix/{interpretation_id}/{event_id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CellBody {
    #[schema(schema_with = assessment_schema)]
    pub assessment: String,
    /// One line, up to 300 characters (Markdown).
    #[serde(default)]
    pub note: Text,
    /// The cell's `version` the edit started from; 0 when it is not assessed yet. Any other
    /// version than the cell's makes the edit a 409.
    pub base_version: i32,
    /// Why; kept in the thread's changelog (up to 300 characters).
    #[serde(default)]
    pub reason: Text,
}

/// 409 from a stale cell edit: the cell as it is now, and what the caller sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellConflict {
    pub error: String,
    /// The cell now (`null` if it is still not assessed).
    pub current: Option<MatrixCell>,
    #[schema(schema_with = assessment_schema)]
    pub your_assessment: String,
    pub your_note: String,
}

/// Get a thread's evidence matrix
///
/// Events (rows, by date) against interpretations (columns), the assessed cells, and what the
/// matrix shows: decisive events and interpretations without a supporting event.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/matrix",
    operation_id = "get_matrix",
    tag = "sections",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "The matrix", body = Matrix),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn show(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let data = matrix::load(&state.pool, visitor.user.as_ref(), slug.into_inner()).await?;
    let analysis = data.analysis();
    Ok(HttpResponse::Ok().json(Matrix {
        slug: data.thread.slug.clone(),
        events: data
            .events
            .iter()
            .map(|e| MatrixEvent {
                id: e.id,
                date: e.occurred_on.to_string(),
                title: e.title.clone(),
                decisive: analysis.decisive.contains(&e.id),
            })
            .collect(),
        interpretations: data
            .interpretations
            .iter()
            .map(|i| MatrixInterpretation {
                id: i.id,
                title: i.title.clone(),
                supported: !analysis.unsupported.contains(&i.id),
            })
            .collect(),
        cells: data.cells.iter().map(MatrixCell::from).collect(),
        decisive_events: data.events.iter().map(|e| e.id).filter(|id| analysis.decisive.contains(id)).collect(),
        unsupported_interpretations: analysis.unsupported,
    }))
}

/// Assess a cell of the matrix
///
/// How the event bears on the interpretation. The thread's curators, moderators and admins;
/// refused while the thread is locked (moderators excepted). Every change is a changelog entry.
#[utoipa::path(
    put,
    path = "/api/v1/threads/{slug}/matrix/{interpretation_id}/{event_id}",
    operation_id = "assess_matrix_cell",
    tag = "sections",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("interpretation_id" = i64, Path, description = "An interpretation of the thread"),
        ("event_id" = i64, Path, description = "An event of the thread"),
    ),
    request_body = CellBody,
    responses(
        (status = 200, description = "Saved (or unchanged); the cell as stored", body = MatrixCell),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread, or the interpretation or the event is not the thread's", body = ErrorBody),
        (status = 409, description = "Someone changed the cell since `base_version`", body = CellConflict),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "An unknown assessment, a note over one line or 300 characters, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn assess(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64, i64)>,
    body: web::Json<CellBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, interpretation, event) = path.into_inner();
    let user = require_user(&visitor)?;
    let body = body.into_inner();
    let input = CellInput {
        assessment: body.assessment.clone(),
        note: body.note.0.clone(),
        base_version: Some(body.base_version),
        reason: body.reason.into(),
    };
    Ok(match matrix::save(&state.pool, user, slug, interpretation, event, input).await? {
        CellSave::Saved(saved) => HttpResponse::Ok().json(MatrixCell::from(&saved.1)),
        CellSave::Conflict { message, now } => HttpResponse::Conflict().json(CellConflict {
            error: message,
            current: now.current.as_ref().map(MatrixCell::from),
            your_assessment: body.assessment,
            your_note: body.note.0,
        }),
    })
}

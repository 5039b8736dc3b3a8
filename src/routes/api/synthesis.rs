//! `/api/v1/threads/{slug}/...` for the synthesis: saving it, its revisions and their diffs and
//! blame, and the ways back (revert to a revision, undo one, roll back one user's edits).

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::Slug;
use super::require_user;
use super::synthesis_inputs::{BeforeParam, DiffParams, RevParam, RevertBody, RollbackBody, SynthesisBody};
use super::synthesis_views::{
    BlameView, BlamedParagraphView, ConflictRegionView, DiffView, RevisionDetail, RevisionList, RevisionSummary,
    SaveConflict, Saved, Unchanged, UndoConflict, UndoRefused,
};
use super::views::ErrorBody;
use crate::auth::Visitor;
use crate::error::{ApiError, AppError};
use crate::ops::revisions::{self, Revision};
use crate::ops::synthesis::{self, SaveOutcome, UndoOutcome};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the synthesis endpoints (before the generic `/threads/{slug}/{kind}` routes).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/threads/{slug}/synthesis").post(save_synthesis))
        .add(at("/threads/{slug}/revisions").get(revisions))
        .add(at("/threads/{slug}/revisions/{seq}").get(revision))
        .add(at("/threads/{slug}/revisions/{seq}/revert").post(revert))
        .add(at("/threads/{slug}/revisions/{seq}/undo").post(undo))
        .add(at("/threads/{slug}/rollback").post(rollback))
        .add(at("/threads/{slug}/diff").get(diff))
        .add(at("/threads/{slug}/blame").get(blame));
}

/// Save the synthesis
///
/// Stores a new revision on top of `base_seq`. When someone saved since, nothing is stored and
/// the answer is 409 with their revision and your text, so you can merge and save again.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/synthesis",
    operation_id = "save_synthesis",
    tag = "synthesis",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = SynthesisBody,
    responses(
        (status = 201, description = "Saved as a new revision; `Location` is its API address", body = Saved,
            headers(("Location" = String, description = "`/api/v1/threads/{slug}/revisions/{seq}`"))),
        (status = 200, description = "The text is unchanged; nothing was stored", body = Unchanged),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 409, description = "Someone saved a newer revision than `base_seq`", body = SaveConflict),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "Empty or too long text, too long summary, or a negative base", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn save_synthesis(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<SynthesisBody>,
) -> Result<HttpResponse, ApiError> {
    let input: synthesis::SynthesisInput = body.into_inner().into();
    let (thread, outcome, yours) =
        synthesis::save(&state.pool, require_user(&visitor)?, slug.into_inner(), input).await?;
    Ok(save_response(&thread.slug, outcome, Some(yours)))
}

/// The answer to a save, revert or undo that reached the database.
fn save_response(slug: &str, outcome: SaveOutcome, yours: Option<String>) -> HttpResponse {
    match outcome {
        SaveOutcome::Saved { seq } => HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/threads/{slug}/revisions/{seq}")))
            .json(Saved { saved: true, seq, merged_onto: None }),
        SaveOutcome::Merged { seq, onto } => HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/threads/{slug}/revisions/{seq}")))
            .json(Saved { saved: true, seq, merged_onto: Some(onto) }),
        SaveOutcome::Unchanged => {
            HttpResponse::Ok().json(Unchanged { saved: false, reason: "the text is unchanged".to_owned() })
        }
        SaveOutcome::Conflict { current } => HttpResponse::Conflict().json(save_conflict(current, yours)),
    }
}

/// The 409 of a save, revert or undo on top of a stale base.
fn save_conflict(current: Option<Box<Revision>>, yours: Option<String>) -> SaveConflict {
    SaveConflict {
        error: "edit conflict: someone saved a newer revision; merge and save again on top of it".to_owned(),
        current: current.map(|r| RevisionDetail::from(*r)),
        yours,
    }
}

/// List revisions
///
/// The synthesis history, newest first, 50 to a page, without the texts.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/revisions",
    operation_id = "list_revisions",
    tag = "synthesis",
    params(("slug" = inline(Slug), Path, description = "The thread's slug"), BeforeParam),
    responses(
        (status = 200, description = "A page of revisions", body = RevisionList),
        (status = 400, description = "`before` is not an integer", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn revisions(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<BeforeParam>,
) -> Result<HttpResponse, ApiError> {
    let (_, rows, next_before) =
        revisions::history(&state.pool, visitor.role(), slug.into_inner(), query.before).await?;
    Ok(HttpResponse::Ok()
        .json(RevisionList { revisions: rows.iter().map(RevisionSummary::from).collect(), next_before }))
}

/// Get a revision
///
/// One revision with its Markdown and rendered HTML.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/revisions/{seq}",
    operation_id = "get_revision",
    tag = "synthesis",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("seq" = i32, Path, description = "The revision's number in the thread, from 1"),
    ),
    responses(
        (status = 200, description = "The revision", body = RevisionDetail),
        (status = 404, description = "No such thread or revision", body = ErrorBody),
    )
)]
pub async fn revision(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, seq) = path.into_inner();
    let (_, rev) = revisions::revision(&state.pool, visitor.role(), slug, seq).await?;
    Ok(HttpResponse::Ok().json(RevisionDetail::from(rev)))
}

/// Revert to a revision
///
/// Restores revision `seq` as a new revision on top of `base_seq`; history is never rewritten.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/revisions/{seq}/revert",
    operation_id = "revert_to_revision",
    tag = "synthesis",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("seq" = i32, Path, description = "The revision to restore"),
    ),
    request_body = RevertBody,
    responses(
        (status = 201, description = "Restored as a new revision; `Location` is its API address", body = Saved,
            headers(("Location" = String, description = "`/api/v1/threads/{slug}/revisions/{seq}`"))),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread or revision", body = ErrorBody),
        (status = 409, description = "Someone saved a newer revision than `base_seq`", body = SaveConflict),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "The revision is already the current text, or the reason is too long", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn revert(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
    body: web::Json<RevertBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, seq) = path.into_inner();
    let user = require_user(&visitor)?;
    let (thread, outcome) = synthesis::revert(&state.pool, user, slug, seq, body.into_inner().into()).await?;
    Ok(save_response(&thread.slug, outcome, None))
}

/// Compare two revisions
///
/// A line diff from revision `from` to revision `to`.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/diff",
    operation_id = "diff_revisions",
    tag = "synthesis",
    params(("slug" = inline(Slug), Path, description = "The thread's slug"), DiffParams),
    responses(
        (status = 200, description = "The diff", body = DiffView),
        (status = 400, description = "`from` or `to` is missing or not an integer", body = ErrorBody),
        (status = 403, description = "A moderator hid one of the two revisions (moderators may compare them)", body = ErrorBody),
        (status = 404, description = "No such thread or revision", body = ErrorBody),
    )
)]
pub async fn diff(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<DiffParams>,
) -> Result<HttpResponse, ApiError> {
    let (_, old, new, diff) =
        revisions::diff(&state.pool, visitor.role(), slug.into_inner(), query.from, query.to).await?;
    Ok(HttpResponse::Ok().json(DiffView::new(old.meta.seq, new.meta.seq, diff)))
}

/// Undo a revision
///
/// Takes out the change revision `seq` made and keeps every later revision's changes, as a new
/// revision on top of `base_seq`. When later revisions changed the same paragraphs nothing is
/// stored and the answer is 409 with the colliding `regions`.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/revisions/{seq}/undo",
    operation_id = "undo_revision",
    tag = "synthesis",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("seq" = i32, Path, description = "The revision whose change to take out"),
    ),
    request_body = RevertBody,
    responses(
        (status = 201, description = "Undone as a new revision; `Location` is its API address", body = Saved,
            headers(("Location" = String, description = "`/api/v1/threads/{slug}/revisions/{seq}`"))),
        (status = 200, description = "The result equals the text of `base_seq`; nothing was stored", body = Unchanged),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread or revision", body = ErrorBody),
        (status = 409, description = "Later revisions changed the same paragraphs (`regions`), or someone saved a newer revision than `base_seq` (`current`)", body = UndoRefused),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "The first revision (nothing to undo), an undo that changes nothing or empties the synthesis, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn undo(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
    body: web::Json<RevertBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, seq) = path.into_inner();
    let user = require_user(&visitor)?;
    let (thread, outcome) = synthesis::undo(&state.pool, user, slug, seq, body.into_inner().into()).await?;
    Ok(match outcome {
        UndoOutcome::Done(SaveOutcome::Conflict { current }) => {
            HttpResponse::Conflict().json(UndoRefused::Stale(save_conflict(current, None)))
        }
        UndoOutcome::Done(outcome) => save_response(&thread.slug, outcome, None),
        UndoOutcome::Conflicts { regions } => HttpResponse::Conflict().json(UndoRefused::Overlaps(UndoConflict {
            error: format!(
                "edit conflict: later revisions changed the same paragraphs as revision {seq}; edit the synthesis by hand"
            ),
            regions: regions.into_iter().map(ConflictRegionView::from).collect(),
        })),
    })
}

/// Roll back a user's edits
///
/// Moderators: reverts the run of latest revisions by `username` to the newest revision by
/// someone else, as one new revision, and records it in the moderation log.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/rollback",
    operation_id = "roll_back_edits",
    tag = "synthesis",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = RollbackBody,
    responses(
        (status = 201, description = "Rolled back as a new revision; `Location` is its API address", body = Saved,
            headers(("Location" = String, description = "`/api/v1/threads/{slug}/revisions/{seq}`"))),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 409, description = "The current revision is no longer `base_seq`, or not by `username`", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "No revisions, every revision is by `username`, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn rollback(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<RollbackBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let (thread, outcome) = synthesis::rollback(&state.pool, user, slug.into_inner(), body.into_inner().into()).await?;
    if let SaveOutcome::Conflict { .. } = outcome {
        // A save landed between the check and the rollback's own: the same answer as a stale base.
        return Err(ApiError(AppError::Conflict(
            "the synthesis changed meanwhile; reload the history and roll back again".to_owned(),
        )));
    }
    Ok(save_response(&thread.slug, outcome, None))
}

/// Blame the synthesis
///
/// Each paragraph of revision `rev` (the current one when absent) with the revision that last
/// changed it.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/blame",
    operation_id = "blame_synthesis",
    tag = "synthesis",
    params(("slug" = inline(Slug), Path, description = "The thread's slug"), RevParam),
    responses(
        (status = 200, description = "The paragraphs and their revisions", body = BlameView),
        (status = 400, description = "`rev` is not an integer", body = ErrorBody),
        (status = 403, description = "A moderator hid this revision (moderators may see it)", body = ErrorBody),
        (status = 404, description = "No such thread or revision", body = ErrorBody),
    )
)]
pub async fn blame(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<RevParam>,
) -> Result<HttpResponse, ApiError> {
    let (_, seq, paragraphs) = revisions::blame(&state.pool, visitor.role(), slug.into_inner(), query.rev).await?;
    Ok(HttpResponse::Ok()
        .json(BlameView { seq, paragraphs: paragraphs.iter().map(BlamedParagraphView::from).collect() }))
}

//! `/api/v1/threads/...`: threads, their synthesis and revisions, and section items.

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::{
    AfterParam, BeforeParam, DiffParams, NewThread, RevertBody, SectionItemBody, SectionSegment, Slug, SynthesisBody,
};
use super::require_user;
use super::views::{
    DiffView, ErrorBody, ItemId, RevisionDetail, RevisionList, RevisionSummary, SaveConflict, Saved, ThreadDetail,
    ThreadList, ThreadSummary, Unchanged,
};
use crate::auth::Visitor;
use crate::db;
use crate::db::revisions::SaveOutcome;
use crate::error::{ApiError, AppError};
use crate::ops::sections::{self, SectionKind};
use crate::ops::synthesis;
use crate::routes::table::{Routes, at};
use crate::startup::AppState;

/// Registers the thread endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/threads").get(list).post(create))
        .add(at("/threads/{slug}").get(detail))
        .add(at("/threads/{slug}/synthesis").post(save_synthesis))
        .add(at("/threads/{slug}/revisions").get(revisions))
        .add(at("/threads/{slug}/revisions/{seq}").get(revision))
        .add(at("/threads/{slug}/revisions/{seq}/revert").post(revert))
        .add(at("/threads/{slug}/diff").get(diff))
        .add(at("/threads/{slug}/{kind}").post(create_item))
        .add(at("/threads/{slug}/{kind}/{id}").put(update_item).delete(delete_item));
}

/// List threads
///
/// Newest activity first, 30 to a page; follow `next_cursor` for the next page.
#[utoipa::path(
    get,
    path = "/api/v1/threads",
    operation_id = "list_threads",
    tag = "threads",
    params(AfterParam),
    responses(
        (status = 200, description = "A page of threads", body = ThreadList),
        (status = 400, description = "The cursor is not one this server made", body = ErrorBody),
    )
)]
pub async fn list(state: web::Data<AppState>, query: web::Query<AfterParam>) -> Result<HttpResponse, ApiError> {
    let (rows, next_cursor) = crate::routes::threads::index_page(&state, query.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(ThreadList { threads: rows.iter().map(ThreadSummary::from).collect(), next_cursor }))
}

/// Start a thread
///
/// Curators, moderators and admins; the creator becomes its first curator.
#[utoipa::path(
    post,
    path = "/api/v1/threads",
    operation_id = "create_thread",
    tag = "threads",
    request_body = NewThread,
    responses(
        (status = 201, description = "Created; `Location` is its API address", body = ThreadSummary,
            headers(("Location" = String, description = "`/api/v1/threads/{slug}`"))),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or a reader", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field is invalid, or the slug is taken", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<NewThread>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner().into();
    let thread = crate::ops::threads::create(&state.pool, require_user(&visitor)?, input).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/threads/{}", thread.slug)))
        .json(ThreadSummary::from(&thread)))
}

/// Get a thread
///
/// Everything on the thread page: details, curators, current synthesis and every section.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}",
    operation_id = "get_thread",
    tag = "threads",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "The thread", body = ThreadDetail),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn detail(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    crate::domain::validate::slug(&slug).map_err(|_| AppError::NotFound)?;
    let pages = state.clone().into_inner();
    let data = db::with_conn(&state.pool, move |c| pages.thread_pages.load(c, &slug)).await?;
    Ok(HttpResponse::Ok().json(ThreadDetail::from(&*data)))
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
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or not this thread's curator or a moderator", body = ErrorBody),
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
    let yours = input.body.clone();
    let (thread, outcome) = synthesis::save(&state.pool, require_user(&visitor)?, slug.into_inner(), input).await?;
    Ok(save_response(&thread.slug, outcome, Some(yours)))
}

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
        SaveOutcome::Conflict { current } => HttpResponse::Conflict().json(SaveConflict {
            error: "edit conflict: someone saved a newer revision; merge and save again on top of it".to_owned(),
            current: current.map(|r| RevisionDetail::from(*r)),
            yours,
        }),
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
    let (_, rows, next_before) = synthesis::history(&state.pool, visitor.role(), slug.into_inner(), query.before).await?;
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
    let (_, rev) = synthesis::revision(&state.pool, visitor.role(), slug, seq).await?;
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
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or not this thread's curator or a moderator", body = ErrorBody),
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
        (status = 404, description = "No such thread or revision", body = ErrorBody),
    )
)]
pub async fn diff(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<DiffParams>,
) -> Result<HttpResponse, ApiError> {
    let (_, old, new, diff) = synthesis::diff(&state.pool, visitor.role(), slug.into_inner(), query.from, query.to).await?;
    Ok(HttpResponse::Ok().json(DiffView::new(old.meta.seq, new.meta.seq, diff)))
}

fn kind_of(segment: &str) -> Result<SectionKind, ApiError> {
    SectionKind::from_segment(segment).ok_or(ApiError(AppError::NotFound))
}

/// Add a section item
///
/// Appends a period to the arc, an interpretation, an open question or a controversy.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/{kind}",
    operation_id = "create_section_item",
    tag = "sections",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("kind" = inline(SectionSegment), Path, description = "The section"),
    ),
    request_body = SectionItemBody,
    responses(
        (status = 201, description = "Added", body = ItemId),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or not this thread's curator or a moderator", body = ErrorBody),
        (status = 404, description = "No such thread or section", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field the section needs is missing or invalid", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn create_item(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    body: web::Json<SectionItemBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let user = require_user(&visitor)?;
    let (_, id) = sections::create(&state.pool, user, slug, kind, body.into_inner().into()).await?;
    Ok(HttpResponse::Created().json(ItemId { id }))
}

/// Edit a section item
///
/// Rewrites the item on top of `base_version`; a newer version is a 409.
#[utoipa::path(
    put,
    path = "/api/v1/threads/{slug}/{kind}/{id}",
    operation_id = "update_section_item",
    tag = "sections",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("kind" = inline(SectionSegment), Path, description = "The section"),
        ("id" = i64, Path, description = "The item's id"),
    ),
    request_body = SectionItemBody,
    responses(
        (status = 200, description = "Saved", body = ItemId),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or not this thread's curator or a moderator", body = ErrorBody),
        (status = 404, description = "No such thread, section or item", body = ErrorBody),
        (status = 409, description = "Someone changed the item since `base_version`", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "`base_version` is missing, or a field is invalid", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn update_item(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    body: web::Json<SectionItemBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    sections::update(&state.pool, require_user(&visitor)?, slug, kind, id, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(ItemId { id }))
}

/// Delete a section item
#[utoipa::path(
    delete,
    path = "/api/v1/threads/{slug}/{kind}/{id}",
    operation_id = "delete_section_item",
    tag = "sections",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("kind" = inline(SectionSegment), Path, description = "The section"),
        ("id" = i64, Path, description = "The item's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or not this thread's curator or a moderator", body = ErrorBody),
        (status = 404, description = "No such thread, section or item", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn delete_item(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    sections::delete(&state.pool, require_user(&visitor)?, slug, kind, id, String::new()).await?;
    Ok(HttpResponse::NoContent().finish())
}

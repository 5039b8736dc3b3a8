//! `/api/v1/threads/...`: threads and their section items (the synthesis is in `synthesis`).

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::{NewThread, SectionItemBody, SectionSegment, Slug, ThreadListParams};
use super::require_user;
use super::views::{ErrorBody, ItemId, ThreadDetail, ThreadList, ThreadSummary};
use crate::auth::Visitor;
use crate::error::{ApiError, AppError};
use crate::ops::sections::{self, SectionKind};
use crate::ops::{attention, indexes, thread_page};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the thread endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/threads").get(list).post(create))
        .add(at("/threads/{slug}").get(detail))
        .add(at("/threads/{slug}/{kind}").post(create_item))
        .add(at("/threads/{slug}/{kind}/{id}").put(update_item).delete(delete_item));
}

/// List threads
///
/// Newest activity first (or newest, or by title, with `sort`), optionally only those of a
/// status and stance, or only those that need attention; 30 to a page; follow `next_cursor` for the next page.
#[utoipa::path(
    get,
    path = "/api/v1/threads",
    operation_id = "list_threads",
    tag = "threads",
    params(ThreadListParams),
    responses(
        (status = 200, description = "A page of threads", body = ThreadList),
        (status = 400, description = "An unknown status, stance or sort, or a cursor this server did not make", body = ErrorBody),
    )
)]
pub async fn list(state: web::Data<AppState>, query: web::Query<ThreadListParams>) -> Result<HttpResponse, ApiError> {
    let page = indexes::thread_index(&state.pool, &query.into_inner().into(), &state.attention).await?;
    let threads = page
        .threads
        .iter()
        .map(|t| ThreadSummary { needs_attention: page.flagged.contains(&t.id), ..ThreadSummary::from(t) })
        .collect();
    Ok(HttpResponse::Ok().json(ThreadList { threads, next_cursor: page.next }))
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
        (status = 403, description = "Missing or wrong CSRF token, cross-site, a reader, or your account is suspended", body = ErrorBody),
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
    let data = thread_page::data(&state.pool, &state.thread_pages, slug.into_inner()).await?;
    let mut detail = ThreadDetail::from(&*data);
    detail.summary.needs_attention = attention::of_page(&data, &state.attention, chrono::Utc::now()).is_some();
    Ok(HttpResponse::Ok().json(detail))
}

/// The section a `{kind}` segment names; anything else names nothing (404).
pub fn kind_of(segment: &str) -> Result<SectionKind, ApiError> {
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
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
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
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
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
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
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

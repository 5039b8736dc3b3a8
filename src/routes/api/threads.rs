//! `/api/v1/threads/...`: threads, their synthesis and revisions, and section items.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::API;
use super::require_user;
use super::views::{RevisionDetail, RevisionList, RevisionSummary, ThreadDetail, ThreadList, ThreadSummary};
use crate::auth::Visitor;
use crate::db;
use crate::db::revisions::SaveOutcome;
use crate::error::{ApiError, AppError};
use crate::ops::sections::{self, SectionInput, SectionKind};
use crate::ops::synthesis::{self, RevertInput, SynthesisInput};
use crate::ops::threads::ThreadInput;
use crate::routes::synthesis::{BeforeQuery, DiffQuery};
use crate::routes::table::{Routes, at};
use crate::routes::threads::AfterQuery;
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

async fn list(state: web::Data<AppState>, query: web::Query<AfterQuery>) -> Result<HttpResponse, ApiError> {
    let (rows, next_cursor) = crate::routes::threads::index_page(&state, query.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(ThreadList { threads: rows.iter().map(ThreadSummary::from).collect(), next_cursor }))
}

async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<ThreadInput>,
) -> Result<HttpResponse, ApiError> {
    let thread = crate::ops::threads::create(&state.pool, require_user(&visitor)?, body.into_inner()).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/threads/{}", thread.slug)))
        .json(ThreadSummary::from(&thread)))
}

async fn detail(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = slug.into_inner();
    crate::domain::validate::slug(&slug).map_err(|_| AppError::NotFound)?;
    let pages = state.clone().into_inner();
    let data = db::with_conn(&state.pool, move |c| pages.thread_pages.load(c, &slug)).await?;
    Ok(HttpResponse::Ok().json(ThreadDetail::from(&*data)))
}

/// 201 with the new revision's seq; 200 when nothing changed; 409 with the newer revision
/// (and the caller's own text, so a client never loses it) when the base is stale.
async fn save_synthesis(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<SynthesisInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let yours = input.body.clone();
    let (thread, outcome) = synthesis::save(&state.pool, require_user(&visitor)?, slug.into_inner(), input).await?;
    Ok(save_response(&thread.slug, outcome, Some(yours)))
}

fn save_response(slug: &str, outcome: SaveOutcome, yours: Option<String>) -> HttpResponse {
    match outcome {
        SaveOutcome::Saved { seq } => HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/threads/{slug}/revisions/{seq}")))
            .json(json!({ "saved": true, "seq": seq })),
        SaveOutcome::Unchanged => HttpResponse::Ok().json(json!({ "saved": false, "reason": "the text is unchanged" })),
        SaveOutcome::Conflict { current } => HttpResponse::Conflict().json(json!({
            "error": "edit conflict: someone saved a newer revision; merge and save again on top of it",
            "current": current.map(|r| RevisionDetail::from(*r)),
            "yours": yours,
        })),
    }
}

async fn revisions(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<BeforeQuery>,
) -> Result<HttpResponse, ApiError> {
    let (_, rows, next_before) = synthesis::history(&state.pool, slug.into_inner(), query.before).await?;
    Ok(HttpResponse::Ok()
        .json(RevisionList { revisions: rows.iter().map(RevisionSummary::from).collect(), next_before }))
}

async fn revision(state: web::Data<AppState>, path: web::Path<(String, i32)>) -> Result<HttpResponse, ApiError> {
    let (slug, seq) = path.into_inner();
    let (_, rev) = synthesis::revision(&state.pool, slug, seq).await?;
    Ok(HttpResponse::Ok().json(RevisionDetail::from(rev)))
}

async fn revert(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
    body: web::Json<RevertInput>,
) -> Result<HttpResponse, ApiError> {
    let (slug, seq) = path.into_inner();
    let (thread, outcome) =
        synthesis::revert(&state.pool, require_user(&visitor)?, slug, seq, body.into_inner()).await?;
    Ok(save_response(&thread.slug, outcome, None))
}

async fn diff(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, ApiError> {
    let (_, old, new, diff) = synthesis::diff(&state.pool, slug.into_inner(), query.from, query.to).await?;
    Ok(HttpResponse::Ok().json(json!({ "from": old.meta.seq, "to": new.meta.seq, "added": diff.added, "removed": diff.removed, "lines": diff.lines })))
}

fn kind_of(segment: &str) -> Result<SectionKind, ApiError> {
    SectionKind::from_segment(segment).ok_or(ApiError(AppError::NotFound))
}

async fn create_item(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    body: web::Json<SectionInput>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let (_, id) = sections::create(&state.pool, require_user(&visitor)?, slug, kind, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

async fn update_item(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    body: web::Json<SectionInput>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    sections::update(&state.pool, require_user(&visitor)?, slug, kind, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({ "id": id })))
}

async fn delete_item(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    sections::delete(&state.pool, require_user(&visitor)?, slug, kind, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

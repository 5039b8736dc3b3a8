//! Moderators' work: the patrol queue, patrolling, hiding and showing again a change's content,
//! locking threads, and the moderation log. Every action is logged by `ops`.

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::Slug;
use super::moderation_inputs::{HideBody, LockBody, LogParams, QueueParams, ReasonBody};
use super::moderation_views::{ChangeView, HiddenState, LockState, LogEntryView, LogPage, Patrolled, QueuePage};
use super::require_user;
use super::views::ErrorBody;
use crate::auth::Visitor;
use crate::error::ApiError;
use crate::ops::history;
use crate::ops::moderation::{self, HideInput};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the moderation endpoints (before the generic `/threads/{slug}/{kind}` routes).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/moderation/queue").get(queue))
        .add(at("/moderation/log").get(log))
        .add(at("/changes/{id}/patrol").post(patrol))
        .add(at("/changes/{id}/hide").post(hide))
        .add(at("/changes/{id}/unhide").post(unhide))
        .add(at("/threads/{slug}/lock").post(lock))
        .add(at("/threads/{slug}/unlock").post(unlock));
}

/// The patrol queue
///
/// Moderators: changes nobody has patrolled yet, oldest first, 50 to a page. Moderators' own
/// changes are patrolled when made.
#[utoipa::path(
    get,
    path = "/api/v1/moderation/queue",
    operation_id = "list_patrol_queue",
    tag = "moderation",
    params(QueueParams),
    responses(
        (status = 200, description = "A page of unpatrolled changes", body = QueuePage),
        (status = 400, description = "An unknown `kind`, or `after` is not an integer", body = ErrorBody),
        (status = 401, description = "Not logged in (send the `agora_session` cookie)", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
        (status = 404, description = "No thread has the slug given as `thread`", body = ErrorBody),
    )
)]
pub async fn queue(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<QueueParams>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let (rows, next_after) = history::queue(&state.pool, user, query.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(QueuePage { changes: rows.iter().map(ChangeView::from).collect(), next_after }))
}

/// The moderation log
///
/// Moderators: every moderation action with who, what and why, newest first, 50 to a page.
#[utoipa::path(
    get,
    path = "/api/v1/moderation/log",
    operation_id = "list_moderation_log",
    tag = "moderation",
    params(LogParams),
    responses(
        (status = 200, description = "A page of the log", body = LogPage),
        (status = 400, description = "An unknown `action`, or `before` is not an integer", body = ErrorBody),
        (status = 401, description = "Not logged in (send the `agora_session` cookie)", body = ErrorBody),
        (status = 403, description = "Not a moderator", body = ErrorBody),
    )
)]
pub async fn log(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<LogParams>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let q = query.into_inner();
    let log = moderation::log(&state.pool, Some(user), q.action, q.before).await?;
    Ok(HttpResponse::Ok()
        .json(LogPage { entries: log.entries.iter().map(LogEntryView::from).collect(), next_before: log.next_before }))
}

/// Patrol a change
///
/// Moderators: marks the change reviewed, so it leaves the queue. Needs no body; patrolling a
/// patrolled change again changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/changes/{id}/patrol",
    operation_id = "patrol_change",
    tag = "moderation",
    params(("id" = i64, Path, description = "The changelog entry's id")),
    responses(
        (status = 200, description = "Patrolled", body = Patrolled),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such change", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn patrol(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    moderation::patrol(&state.pool, require_user(&visitor)?, id).await?;
    Ok(HttpResponse::Ok().json(Patrolled { id, patrolled: true }))
}

/// Hide a change's content
///
/// Moderators: everyone else sees that something was hidden, and nothing of what it said (for
/// a revision, its text and summary; for an item's version, also where it is the next entry's
/// `before`). Hiding the current revision of a synthesis first puts back the newest visible one;
/// hiding the entry that made an item's or event's current version puts back its newest visible
/// version (or a placeholder without text), recorded as a `restored` entry.
#[utoipa::path(
    post,
    path = "/api/v1/changes/{id}/hide",
    operation_id = "hide_change",
    tag = "moderation",
    params(("id" = i64, Path, description = "The changelog entry's id")),
    request_body = HideBody,
    responses(
        (status = 200, description = "Hidden", body = HiddenState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such change", body = ErrorBody),
        (status = 409, description = "Hiding the current revision: the synthesis changed meanwhile; try again", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A blank or too long reason, already hidden, the current and only visible revision, or `remove_from_current` and later edits collide with the revision's", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn hide(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<HideBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let body = body.into_inner();
    let input = HideInput { reason: body.reason.0, remove: body.remove_from_current };
    let (row, _) = moderation::hide(&state.pool, user, id.into_inner(), input).await?;
    Ok(HttpResponse::Ok().json(HiddenState { id: row.id, hidden: true }))
}

/// Show a change's content again
///
/// Moderators: undoes a hide. An item or event whose current version hiding had replaced gets
/// that version back, unless someone changed it since.
#[utoipa::path(
    post,
    path = "/api/v1/changes/{id}/unhide",
    operation_id = "unhide_change",
    tag = "moderation",
    params(("id" = i64, Path, description = "The changelog entry's id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Shown again", body = HiddenState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such change", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "The content is not hidden, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn unhide(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let (row, _) =
        moderation::set_hidden(&state.pool, user, id.into_inner(), false, body.into_inner().reason.0).await?;
    Ok(HttpResponse::Ok().json(HiddenState { id: row.id, hidden: false }))
}

/// Lock a thread
///
/// Moderators: while locked (until `until`, or until unlocked) only moderators can change the
/// thread; its curators' writes are refused with the reason.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/lock",
    operation_id = "lock_thread",
    tag = "moderation",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = LockBody,
    responses(
        (status = 200, description = "Locked", body = LockState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A blank or too long reason, or `until` malformed or not in the future", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn lock(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<LockBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let thread = moderation::lock(&state.pool, user, slug.into_inner(), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(LockState { slug: thread.slug, locked: true }))
}

/// Unlock a thread
///
/// Moderators: its curators can change it again.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/unlock",
    operation_id = "unlock_thread",
    tag = "moderation",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Unlocked", body = LockState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "The thread is not locked, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn unlock(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let thread = moderation::unlock(&state.pool, user, slug.into_inner(), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(LockState { slug: thread.slug, locked: false }))
}

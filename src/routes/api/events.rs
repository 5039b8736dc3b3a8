//! `/api/v1/events/...` and adding events to threads.

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::{EventBody, EventListParams, Slug};
use super::require_user;
use super::views::{ErrorBody, EventDetail, EventList, EventListed, EventSummary, ItemId, ThreadLink};
use crate::auth::Visitor;
use crate::domain::ids::EventId;
use crate::error::ApiError;
use crate::ops::events as event_ops;
use crate::ops::indexes;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the event endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/events").get(list).post(create))
        .add(at("/events/{id}").get(detail).put(update))
        .add(at("/threads/{slug}/events").post(create_for_thread));
}

/// List events
///
/// Most recent date first, optionally only those of a significance, a year or a thread, each
/// with every thread it belongs to; 50 to a page; follow `next_cursor` for the next page.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    operation_id = "list_events",
    tag = "events",
    params(EventListParams),
    responses(
        (status = 200, description = "A page of events", body = EventList),
        (status = 400, description = "An unknown significance, a year that is not a number from 1 to 9999, or a cursor this server did not make", body = ErrorBody),
        (status = 404, description = "No thread has the `thread` slug", body = ErrorBody),
    )
)]
pub async fn list(state: web::Data<AppState>, query: web::Query<EventListParams>) -> Result<HttpResponse, ApiError> {
    let page = indexes::event_index(&state.pool, &query.into_inner().into()).await?;
    let events = page
        .events
        .iter()
        .map(|(e, threads)| EventListed {
            summary: EventSummary::from(e),
            threads: threads
                .iter()
                .map(|(slug, title)| ThreadLink { slug: slug.clone(), title: title.clone() })
                .collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(EventList { events, next_cursor: page.next }))
}

/// Get an event
///
/// The event with its description and every thread it belongs to.
#[utoipa::path(
    get,
    path = "/api/v1/events/{id}",
    operation_id = "get_event",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    responses(
        (status = 200, description = "The event", body = EventDetail),
        (status = 404, description = "No such event", body = ErrorBody),
    )
)]
pub async fn detail(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = EventId(id.into_inner());
    let (event, threads) = event_ops::detail(&state.pool, id).await?;
    Ok(HttpResponse::Ok().json(EventDetail {
        summary: EventSummary::from(&event),
        body_markdown: event.body_md,
        body_html: event.body_html,
        threads: threads.into_iter().map(|(slug, title)| ThreadLink { slug, title }).collect(),
    }))
}

/// Record an event
///
/// Curators, moderators and admins. The event belongs to no thread until one adds it.
#[utoipa::path(
    post,
    path = "/api/v1/events",
    operation_id = "create_event",
    tag = "events",
    request_body = EventBody,
    responses(
        (status = 201, description = "Recorded; `Location` is its API address", body = ItemId,
            headers(("Location" = String, description = "`/api/v1/events/{id}`"))),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, a reader, or your account is suspended", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<EventBody>,
) -> Result<HttpResponse, ApiError> {
    let id = event_ops::create(&state.pool, require_user(&visitor)?, None, body.into_inner().into()).await?;
    Ok(created(id))
}

/// Record an event in a thread
///
/// Records the event and adds it to the thread, in one step.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/events",
    operation_id = "create_thread_event",
    tag = "events",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = EventBody,
    responses(
        (status = 201, description = "Recorded and added; `Location` is its API address", body = ItemId,
            headers(("Location" = String, description = "`/api/v1/events/{id}`"))),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, a reader, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn create_for_thread(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<EventBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let id = event_ops::create(&state.pool, user, Some(slug.into_inner()), body.into_inner().into()).await?;
    Ok(created(id))
}

/// Correct an event
///
/// The change shows in every thread that has the event. Curators of a thread that has it (any
/// curator while it has none), moderators and admins; refused while any of its threads is locked
/// (moderators excepted).
#[utoipa::path(
    put,
    path = "/api/v1/events/{id}",
    operation_id = "update_event",
    tag = "events",
    params(("id" = i64, Path, description = "The event's id")),
    request_body = EventBody,
    responses(
        (status = 200, description = "Saved", body = ItemId),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, a reader, not a curator of a thread that has the event, one of its threads is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<EventBody>,
) -> Result<HttpResponse, ApiError> {
    let id = EventId(id.into_inner());
    event_ops::update(&state.pool, require_user(&visitor)?, id, body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(ItemId { id: id.0 }))
}

fn created(id: EventId) -> HttpResponse {
    HttpResponse::Created().insert_header(("Location", format!("/api/v1/events/{id}"))).json(ItemId { id: id.0 })
}

//! `/api/v1/events/...` and adding events to threads.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::API;
use super::require_user;
use super::views::{EventDetail, EventList, EventSummary, ThreadLink};
use crate::auth::Visitor;
use crate::db::{self, events};
use crate::domain::ids::EventId;
use crate::error::ApiError;
use crate::ops::events::{self as event_ops, EventInput};
use crate::routes::table::{Routes, at};
use crate::routes::threads::AfterQuery;
use crate::startup::AppState;

/// Registers the event endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/events").get(list).post(create))
        .add(at("/events/{id}").get(detail).put(update))
        .add(at("/threads/{slug}/events").post(create_for_thread));
}

async fn list(state: web::Data<AppState>, query: web::Query<AfterQuery>) -> Result<HttpResponse, ApiError> {
    let (rows, next_cursor) = crate::routes::events::index_page(&state, query.after.as_deref()).await?;
    Ok(HttpResponse::Ok().json(EventList { events: rows.iter().map(EventSummary::from).collect(), next_cursor }))
}

async fn detail(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = EventId(id.into_inner());
    let (event, threads) =
        db::with_conn(&state.pool, move |c| Ok((events::by_id(c, id)?, events::threads_of(c, id)?))).await?;
    Ok(HttpResponse::Ok().json(EventDetail {
        summary: EventSummary::from(&event),
        body_markdown: event.body_md,
        body_html: event.body_html,
        threads: threads.into_iter().map(|(slug, title)| ThreadLink { slug, title }).collect(),
    }))
}

async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<EventInput>,
) -> Result<HttpResponse, ApiError> {
    let id = event_ops::create(&state.pool, require_user(&visitor)?, None, body.into_inner()).await?;
    Ok(created(id))
}

async fn create_for_thread(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<EventInput>,
) -> Result<HttpResponse, ApiError> {
    let id =
        event_ops::create(&state.pool, require_user(&visitor)?, Some(slug.into_inner()), body.into_inner()).await?;
    Ok(created(id))
}

async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<EventInput>,
) -> Result<HttpResponse, ApiError> {
    let id = EventId(id.into_inner());
    event_ops::update(&state.pool, require_user(&visitor)?, id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({ "id": id })))
}

fn created(id: EventId) -> HttpResponse {
    HttpResponse::Created().insert_header(("Location", format!("/api/v1/events/{id}"))).json(json!({ "id": id }))
}

//! `/api/v1/threads/{slug}/citations`: what a thread's current texts cite. Read-only: citations
//! come from the markers in the texts, parsed when they are saved.

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

use super::API;
use super::inputs::Slug;
use super::views::{ErrorBody, one_of, one_of_or_null};
use crate::domain::citation::{OwnerKind, Target};
use crate::domain::thread::{LinkStatus, Tier};
use crate::error::ApiError;
use crate::ops::thread_page;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the endpoint (before the generic `/threads/{slug}/{kind}` ones).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/threads/{slug}/citations").get(list));
}

fn owner_schema() -> Object {
    one_of(OwnerKind::ALL.iter().map(|k| k.as_str()))
}

fn cited_kind_schema() -> Object {
    one_of(["source", "event"])
}

fn tier_schema() -> Object {
    one_of_or_null(Tier::ALL.iter().map(|t| t.as_str()))
}

fn link_status_schema() -> Object {
    one_of_or_null(LinkStatus::ALL.iter().map(|s| s.as_str()))
}

/// One citation marker in a thread's current texts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Citation {
    /// The text citing: the synthesis revision, or a section item or matrix cell.
    #[schema(schema_with = owner_schema)]
    pub in_kind: String,
    /// The revision's, item's or cell's id.
    pub in_id: i64,
    /// The paragraph of the text (0-based) the marker sits in.
    pub paragraph: i32,
    /// Its footnote number in that text.
    pub number: i32,
    #[schema(schema_with = cited_kind_schema)]
    pub cites: String,
    /// The source's or event's id.
    pub id: i64,
    pub title: String,
    /// Sources only.
    #[schema(schema_with = tier_schema)]
    pub tier: Option<String>,
    /// Sources only: what the link checker last found.
    #[schema(schema_with = link_status_schema)]
    pub link_status: Option<String>,
    /// The page of what it cites.
    pub href: String,
}

/// The citations of a thread's current texts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Citations {
    pub citations: Vec<Citation>,
}

/// What the thread's current texts cite, footnote by footnote.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/citations",
    operation_id = "list_thread_citations",
    tag = "sources",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "The citations of the current synthesis and the thread's items", body = Citations),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn list(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let data = thread_page::data(&state.pool, &state.thread_pages, slug.into_inner()).await?;
    let citations = data
        .citations
        .iter()
        .map(|c| {
            let (cites, id, href) = match c.target {
                Target::Source(id) => ("source", id.0, format!("/sources/{id}")),
                Target::Event(id) => ("event", id.0, format!("/events/{id}")),
            };
            Citation {
                in_kind: c.owner.kind.as_str().to_owned(),
                in_id: c.owner.id,
                paragraph: c.paragraph,
                number: c.number,
                cites: cites.to_owned(),
                id,
                title: c.title.clone(),
                tier: c.tier.map(|t| t.as_str().to_owned()),
                link_status: c.link_status.map(|s| s.as_str().to_owned()),
                href,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(Citations { citations }))
}

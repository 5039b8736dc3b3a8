//! `GET /api/v1/search`: the search page as JSON.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::API;
use super::views::ErrorBody;
use crate::error::{ApiError, AppError};
use crate::ops::search::{self as search_ops, Hit, HitKind, SearchOutcome, SearchParams, hit_href};
use crate::render::highlight::{Segment, segments};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the search endpoint.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/search").get(search));
}

/// One thread or event that matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    /// `thread`, `event` or `source`.
    #[schema(schema_with = kind_schema)]
    pub kind: &'static str,
    /// The thread's or event's title (plain text).
    pub title: String,
    /// Its page: `/threads/{slug}`, `/events/{id}` or `/sources/{id}`.
    pub url: String,
    /// How well it matched (higher first); a match in the title outranks any match in the text,
    /// and a thread whose title matches comes before every event.
    pub rank: f32,
    /// Words around the matches, in order; `highlight` marks the words that matched. Plain text:
    /// escape it before putting it into HTML.
    pub snippet: Vec<Segment>,
    /// Threads: the slug.
    pub slug: Option<String>,
    /// Events and sources: the id.
    pub id: Option<i64>,
    /// Threads: `active`, `dormant` or `resolved`.
    pub status: Option<String>,
    /// Threads: `contested`, `emerging_consensus` or `settled`.
    pub stance: Option<String>,
    /// Events: when it happened.
    pub date: Option<NaiveDate>,
    /// Events: `landmark`, `major` or `notable`.
    pub significance: Option<String>,
    /// Sources: `primary`, `secondary` or `opinion`.
    pub tier: Option<String>,
}

fn kind_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["thread", "event", "source"]))
        .build()
}

impl From<&Hit> for SearchHit {
    fn from(h: &Hit) -> Self {
        let thread = h.kind() == HitKind::Thread;
        SearchHit {
            kind: h.kind().as_str(),
            title: h.title.clone(),
            url: hit_href(h),
            rank: h.rank,
            snippet: segments(&h.snippet),
            slug: thread.then(|| h.slug.clone()),
            id: (!thread).then_some(h.id),
            status: h.status.clone(),
            stance: h.stance.clone(),
            date: h.occurred_on,
            significance: h.significance.clone(),
            tier: h.tier.clone(),
        }
    }
}

/// A page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// Best first.
    pub results: Vec<SearchHit>,
    /// Pass as `?after=` (with the same `q` and filters) for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// Search threads, events and sources
///
/// Full-text search (English stemming) over thread titles, framing questions, current
/// syntheses, interpretations, questions, controversies and the arc, over event titles and
/// descriptions, and source titles, publishers and addresses; 20 results to a page, best first,
/// each with a highlighted snippet.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of results (possibly empty)", body = SearchResults),
        (status = 400, description = "`q` is missing or empty, holds control characters, a filter has an unknown value, or the cursor is not one this server made", body = ErrorBody),
        (status = 422, description = "`q` is over 200 characters, or has no words to search for (only very common words, punctuation or excluded words)", body = ErrorBody),
    )
)]
pub async fn search(state: web::Data<AppState>, query: web::Query<SearchParams>) -> Result<HttpResponse, ApiError> {
    let (request, outcome) = search_ops::search(&state.pool, query.into_inner()).await?;
    match outcome {
        SearchOutcome::NoText => Err(AppError::BadRequest("give the words to search for in q".to_owned()).into()),
        SearchOutcome::NoTerms => Err(AppError::Invalid(search_ops::no_terms_message(&request.text)).into()),
        SearchOutcome::Hits { hits, next, .. } => Ok(HttpResponse::Ok()
            .json(SearchResults { results: hits.iter().map(SearchHit::from).collect(), next_cursor: next })),
    }
}

//! `GET /api/v1/link-health`: the link-health page as JSON.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::API;
use super::views::ThreadLink;
use crate::auth::Visitor;
use crate::error::ApiError;
use crate::ops::linkcheck::flagged::{self, FlaggedView};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the endpoint.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/link-health").get(list));
}

/// A cited source whose link is dead or moved.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlaggedSourceView {
    /// The source's id (its page is `/sources/{id}`).
    pub id: i64,
    pub title: String,
    /// The address as stored.
    pub url: String,
    /// `dead` (failing again and again over days) or `redirected` (moved for good).
    #[schema(schema_with = status_schema)]
    pub link_status: &'static str,
    /// The status in words.
    pub link_status_label: &'static str,
    pub last_checked_at: Option<DateTime<Utc>>,
    /// The last HTTP status code received, if any answer came.
    pub last_status_code: Option<i32>,
    /// Where the redirects ended, when elsewhere.
    pub final_url: Option<String>,
    /// What the last check found, in words.
    pub answer: String,
    /// The first failure of the current run of failures.
    pub failing_since: Option<DateTime<Utc>>,
    /// The threads whose current text cites it.
    pub threads: Vec<ThreadLink>,
    /// Whether you curate one of those threads (yours come first).
    pub yours: bool,
}

fn status_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["dead", "redirected"]))
        .build()
}

/// The flagged sources.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkHealthList {
    pub sources: Vec<FlaggedSourceView>,
}

impl From<FlaggedView> for FlaggedSourceView {
    fn from(s: FlaggedView) -> Self {
        FlaggedSourceView {
            answer: flagged::answer_words(&s),
            id: s.id,
            title: s.title,
            url: s.url,
            link_status: s.status,
            link_status_label: s.status_words,
            last_checked_at: s.last_checked_at,
            last_status_code: s.status_code,
            final_url: s.final_url,
            failing_since: s.failing_since,
            threads: s.threads.into_iter().map(|(slug, title)| ThreadLink { slug, title }).collect(),
            yours: s.yours,
        }
    }
}

/// List flagged links
///
/// The cited sources whose address the link checker found dead or moved for good, each with
/// the threads whose current text cites it; those cited by threads you curate first. At most 200.
#[utoipa::path(
    get,
    path = "/api/v1/link-health",
    operation_id = "list_link_health",
    tag = "sources",
    responses((status = 200, description = "The flagged sources", body = LinkHealthList))
)]
pub async fn list(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, ApiError> {
    let sources = flagged::list(&state.pool, visitor.user.as_ref()).await?;
    Ok(HttpResponse::Ok().json(LinkHealthList { sources: sources.into_iter().map(Into::into).collect() }))
}

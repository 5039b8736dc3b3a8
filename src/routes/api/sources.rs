//! `/api/v1/sources/...`: the sources index (also the editor's citation picker), a source with
//! its link health and what cites it, and recording and correcting sources.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::API;
use super::inputs::{LinkStatusName, SourceKindName, Text, TierName};
use super::require_user;
use super::views::{ErrorBody, ItemId};
use crate::auth::Visitor;
use crate::domain::ids::SourceId;
use crate::error::ApiError;
use crate::ops::sources::{self as source_ops, CitedBy, SaveOutcome, SourceIndexQuery, SourceInput, SourceRow};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the source endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/sources").get(list).post(create)).add(at("/sources/{id}").get(detail).put(update));
}

/// A source as lists and the citation picker show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceSummary {
    pub id: i64,
    pub title: String,
    /// The normalized address; absent for offline material.
    pub url: Option<String>,
    /// The publisher or author ('' when not given).
    pub publisher: String,
    /// YYYY-MM-DD, when known.
    pub published_on: Option<NaiveDate>,
    #[schema(value_type = SourceKindName)]
    pub kind: String,
    #[schema(value_type = TierName)]
    pub tier: String,
    #[schema(value_type = LinkStatusName)]
    pub link_status: String,
    /// What to type in a text to cite it: `[^src:ID]`.
    pub marker: String,
    /// Its page.
    pub href: String,
    /// Send it back as `base_version` when correcting the source.
    pub version: i32,
}

impl From<&SourceRow> for SourceSummary {
    fn from(row: &SourceRow) -> Self {
        SourceSummary {
            id: row.id,
            title: row.title.clone(),
            url: row.url.clone(),
            publisher: row.publisher.clone(),
            published_on: row.published_on,
            kind: row.kind.clone(),
            tier: row.tier.clone(),
            link_status: row.link_status.clone(),
            marker: format!("[^src:{}]", row.id),
            href: format!("/sources/{}", row.id),
            version: row.version,
        }
    }
}

/// A page of sources.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceList {
    pub sources: Vec<SourceSummary>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// What the link checker last found.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkHealthView {
    #[schema(value_type = LinkStatusName)]
    pub status: String,
    /// The status in words.
    pub status_label: String,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    /// Where redirects ended, when not at `url`.
    pub final_url: Option<String>,
}

/// A place citing a source.
#[derive(Debug, Serialize, ToSchema)]
pub struct CitedByView {
    /// `revision` (a paragraph of a thread's current synthesis), `interpretation`, `question`,
    /// `controversy`, `arc`, `event` or `matrix_cell`.
    pub kind: String,
    /// The thread (absent for events).
    pub thread_slug: Option<String>,
    pub thread_title: Option<String>,
    /// What cites it, in words.
    pub label: String,
    /// Where it is on the site.
    pub href: String,
}

impl From<&CitedBy> for CitedByView {
    fn from(c: &CitedBy) -> Self {
        CitedByView {
            kind: c.owner_kind.clone(),
            thread_slug: c.thread_slug.clone(),
            thread_title: c.thread_title.clone(),
            label: source_ops::cited_by_words(c),
            href: source_ops::cited_by_href(c),
        }
    }
}

/// A source with its link health and what cites it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDetailView {
    #[serde(flatten)]
    pub source: SourceSummary,
    pub link: LinkHealthView,
    /// What cites it now (at most 100; `more_citing` counts the rest).
    pub cited_by: Vec<CitedByView>,
    pub more_citing: i64,
}

/// The source that already has an address.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExistingSource {
    pub id: i64,
    pub title: String,
    pub href: String,
}

/// 409: a source with the same normalized address exists (`existing`), or the source changed
/// since `base_version` (`current`).
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceConflict {
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<ExistingSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<SourceSummary>,
}

/// A source to record (`POST`) or correct (`PUT`, with `base_version` and `reason`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceBody {
    /// Up to 300 characters.
    pub title: Text,
    /// An http or https address (normalized before it is stored); absent or empty for offline material.
    #[serde(default)]
    pub url: Option<Text>,
    /// Up to 300 characters.
    #[serde(default)]
    pub publisher: Option<Text>,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub published_on: Option<Text>,
    #[schema(value_type = SourceKindName)]
    pub kind: String,
    #[schema(value_type = TierName)]
    pub tier: String,
    /// Why; required when correcting.
    #[serde(default)]
    pub reason: Option<Text>,
    /// Correcting: the `version` the change was made from.
    #[serde(default)]
    pub base_version: Option<i32>,
}

impl From<SourceBody> for SourceInput {
    fn from(b: SourceBody) -> Self {
        SourceInput {
            title: b.title.into(),
            url: b.url.map(String::from).unwrap_or_default(),
            publisher: b.publisher.map(String::from).unwrap_or_default(),
            published_on: b.published_on.map(String::from).unwrap_or_default(),
            kind: b.kind,
            tier: b.tier,
            reason: b.reason.map(String::from).unwrap_or_default(),
            base_version: b.base_version,
        }
    }
}

/// `?q=&tier=&kind=&link_status=&thread=&after=` on the source list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SourceListParams {
    /// Words of the title or publisher, or a piece of the address (the citation picker's search).
    #[param(max_length = 200)]
    pub q: Option<String>,
    #[param(value_type = Option<TierName>, inline)]
    pub tier: Option<String>,
    #[param(value_type = Option<SourceKindName>, inline)]
    pub kind: Option<String>,
    #[param(value_type = Option<LinkStatusName>, inline)]
    pub link_status: Option<String>,
    /// Only the sources cited in the thread with this slug (an unknown slug is a 404).
    pub thread: Option<String>,
    /// The `next_cursor` of the previous page; absent for the first page.
    #[param(min_length = 1)]
    pub after: Option<String>,
}

impl From<SourceListParams> for SourceIndexQuery {
    fn from(p: SourceListParams) -> Self {
        SourceIndexQuery {
            tier: p.tier,
            kind: p.kind,
            thread: p.thread,
            link_status: p.link_status,
            q: p.q,
            after: p.after,
        }
    }
}

/// List sources
///
/// Newest first, optionally only those of a tier, kind or link status, cited in a thread, or
/// matching `q`; 50 to a page; follow `next_cursor` for the next page. The editor's citation
/// picker searches with `q` and inserts each one's `marker`.
#[utoipa::path(
    get,
    path = "/api/v1/sources",
    operation_id = "list_sources",
    tag = "sources",
    params(SourceListParams),
    responses(
        (status = 200, description = "A page of sources", body = SourceList),
        (status = 400, description = "An unknown tier, kind or link status, a too long `q`, or a cursor this server did not make", body = ErrorBody),
        (status = 404, description = "No thread has the `thread` slug", body = ErrorBody),
    )
)]
pub async fn list(state: web::Data<AppState>, query: web::Query<SourceListParams>) -> Result<HttpResponse, ApiError> {
    let page = source_ops::index(&state.pool, &query.into_inner().into()).await?;
    Ok(HttpResponse::Ok()
        .json(SourceList { sources: page.sources.iter().map(SourceSummary::from).collect(), next_cursor: page.next }))
}

/// Get a source
///
/// The source, its link health and everything that cites it now.
#[utoipa::path(
    get,
    path = "/api/v1/sources/{id}",
    operation_id = "get_source",
    tag = "sources",
    params(("id" = i64, Path, description = "The source's id")),
    responses(
        (status = 200, description = "The source", body = SourceDetailView),
        (status = 404, description = "No such source", body = ErrorBody),
    )
)]
pub async fn detail(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let d = source_ops::detail(&state.pool, visitor.user.as_ref(), SourceId(id.into_inner())).await?;
    let s = &d.source;
    Ok(HttpResponse::Ok().json(SourceDetailView {
        source: SourceSummary::from(s),
        link: LinkHealthView {
            status: s.link_status.clone(),
            status_label: s.link_status().label().to_owned(),
            last_checked_at: s.last_checked_at,
            last_status_code: s.last_status_code,
            final_url: s.final_url.clone(),
        },
        cited_by: d.cited_by.iter().map(CitedByView::from).collect(),
        more_citing: d.more_citing,
    }))
}

fn answer(outcome: SaveOutcome, saved: impl FnOnce(SourceId) -> HttpResponse) -> HttpResponse {
    match outcome {
        SaveOutcome::Saved(id) => saved(id),
        SaveOutcome::Duplicate(existing) => HttpResponse::Conflict().json(SourceConflict {
            error: source_ops::duplicate_message(&existing),
            existing: Some(ExistingSource {
                id: existing.id,
                title: existing.title.clone(),
                href: format!("/sources/{}", existing.id),
            }),
            current: None,
        }),
        SaveOutcome::Stale(current) => HttpResponse::Conflict().json(SourceConflict {
            error: "the source changed since base_version; current is its version now".to_owned(),
            existing: None,
            current: Some(SourceSummary::from(current.as_ref())),
        }),
    }
}

/// Record a source
///
/// Curators of any thread, moderators and admins. An address another source already has is
/// refused with 409 naming that source.
#[utoipa::path(
    post,
    path = "/api/v1/sources",
    operation_id = "create_source",
    tag = "sources",
    request_body = SourceBody,
    responses(
        (status = 201, description = "Recorded; `Location` is its API address", body = ItemId,
            headers(("Location" = String, description = "`/api/v1/sources/{id}`"))),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, a reader, a curator of no thread, or your account is suspended", body = ErrorBody),
        (status = 409, description = "Another source has this address", body = SourceConflict),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field is invalid (e.g. a `javascript:` or `file:` address)", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<SourceBody>,
) -> Result<HttpResponse, ApiError> {
    let outcome = source_ops::create(&state.pool, require_user(&visitor)?, body.into_inner().into()).await?;
    Ok(answer(outcome, |id| {
        HttpResponse::Created().insert_header(("Location", format!("/api/v1/sources/{id}"))).json(ItemId { id: id.0 })
    }))
}

/// Correct a source
///
/// With the `base_version` it was read at and a `reason`. A stale version is refused with 409
/// carrying the current source; an address another source has, with 409 naming it.
#[utoipa::path(
    put,
    path = "/api/v1/sources/{id}",
    operation_id = "update_source",
    tag = "sources",
    params(("id" = i64, Path, description = "The source's id")),
    request_body = SourceBody,
    responses(
        (status = 200, description = "Saved", body = ItemId),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, a reader, a curator of no thread, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such source", body = ErrorBody),
        (status = 409, description = "The source changed since `base_version`, or another source has this address", body = SourceConflict),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field is invalid, or `base_version` or `reason` is missing", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<SourceBody>,
) -> Result<HttpResponse, ApiError> {
    let id = SourceId(id.into_inner());
    let outcome = source_ops::update(&state.pool, require_user(&visitor)?, id, body.into_inner().into()).await?;
    Ok(answer(outcome, |id| HttpResponse::Ok().json(ItemId { id: id.0 })))
}

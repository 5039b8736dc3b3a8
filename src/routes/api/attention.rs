//! `GET /api/v1/attention`: the threads that need attention (issue 17), as the queue page lists
//! them.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::API;
use super::require_user;
use super::views::ErrorBody;
use crate::auth::Visitor;
use crate::error::ApiError;
use crate::ops::attention::{self, Flagged};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the endpoint.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/attention").get(list));
}

/// `?after=` on the queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttentionParams {
    /// The `next_cursor` of the previous page; absent for the first page.
    #[param(min_length = 1)]
    pub after: Option<String>,
}

/// A thread that needs attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlaggedThreadView {
    pub slug: String,
    pub title: String,
    /// Why, one sentence per cause: the events the synthesis predates, the quiet questions.
    pub reasons: Vec<String>,
    /// The day the oldest neglected thing dates from (the list's order, oldest first).
    pub since: NaiveDate,
}

impl From<Flagged> for FlaggedThreadView {
    fn from(t: Flagged) -> Self {
        FlaggedThreadView { slug: t.slug, title: t.title, reasons: t.reasons, since: t.since }
    }
}

/// A page of the threads that need attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttentionList {
    pub threads: Vec<FlaggedThreadView>,
    /// Pass as `?after=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Threads that need attention
///
/// Curators, moderators and admins: the threads whose synthesis predates a landmark or major
/// event linked to them (and was last revised long enough ago), or with an open question quiet
/// for long, oldest neglect first, 50 to a page. A thread leaves the list when the work is
/// done (a substantive revision, a change to its events, an answered or edited question).
#[utoipa::path(
    get,
    path = "/api/v1/attention",
    operation_id = "list_attention",
    tag = "threads",
    params(AttentionParams),
    responses(
        (status = 200, description = "A page of threads that need attention", body = AttentionList),
        (status = 400, description = "A cursor this server did not make", body = ErrorBody),
        (status = 401, description = "Not logged in (send the `agora_session` cookie)", body = ErrorBody),
        (status = 403, description = "A reader, or your account is suspended", body = ErrorBody),
    )
)]
pub async fn list(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<AttentionParams>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let queue = attention::queue(&state.pool, user, &state.attention, query.into_inner().after).await?;
    Ok(HttpResponse::Ok()
        .json(AttentionList { threads: queue.threads.into_iter().map(Into::into).collect(), next_cursor: queue.next }))
}

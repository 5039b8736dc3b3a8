//! `/api/v1/threads/{slug}/stance`: the governed stance label, its history, and proposals to
//! change it (propose, approve, reject, withdraw); `/api/v1/stance-proposals`: the open ones.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::API;
use super::inputs::{Slug, Text};
use super::require_user;
use super::views::{ErrorBody, stance_schema};
use crate::auth::Visitor;
use crate::domain::ids::ProposalId;
use crate::domain::stance::ProposalState;
use crate::error::{ApiError, AppError};
use crate::ops::stance::{self as stance_ops, Decision, Listed, ProposalInput};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the stance endpoints (before the generic `/threads/{slug}/{kind}` ones).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/threads/{slug}/stance").get(show))
        .add(at("/threads/{slug}/stance/proposals").post(propose))
        .add(at("/threads/{slug}/stance/proposals/{id}/approve").post(approve))
        .add(at("/threads/{slug}/stance/proposals/{id}/reject").post(reject))
        .add(at("/threads/{slug}/stance/proposals/{id}/withdraw").post(withdraw))
        .add(at("/stance-proposals").get(list));
}

fn state_schema() -> utoipa::openapi::schema::Object {
    super::views::one_of(ProposalState::ALL.iter().map(|s| s.as_str()))
}

/// A stance proposal.
#[derive(Debug, Serialize, ToSchema)]
pub struct StanceProposal {
    pub id: i64,
    /// The thread's slug.
    pub thread: String,
    #[schema(schema_with = stance_schema)]
    pub from_stance: String,
    #[schema(schema_with = stance_schema)]
    pub to_stance: String,
    /// The rationale as written (Markdown).
    pub rationale: String,
    /// The rationale rendered and sanitized, with its citations as footnotes.
    pub rationale_html: String,
    #[schema(schema_with = state_schema)]
    pub state: String,
    pub proposer: String,
    pub created_at: DateTime<Utc>,
    /// Who approved or rejected it (the proposer, for a withdrawal); `null` while open.
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// A rejection's reason; empty otherwise.
    pub decision_reason: String,
}

impl From<&Listed> for StanceProposal {
    fn from(p: &Listed) -> Self {
        StanceProposal {
            id: p.row.id,
            thread: p.thread_slug.clone(),
            from_stance: p.row.from_stance.clone(),
            to_stance: p.row.to_stance.clone(),
            rationale: p.row.rationale_md.clone(),
            rationale_html: p.row.rationale_html.clone(),
            state: p.row.state.clone(),
            proposer: p.proposer.clone(),
            created_at: p.row.created_at,
            decided_by: p.decider.clone(),
            decided_at: p.row.decided_at,
            decision_reason: p.row.decision_reason.clone(),
        }
    }
}

/// One label the thread has had.
#[derive(Debug, Serialize, ToSchema)]
pub struct StanceLabel {
    #[schema(schema_with = stance_schema)]
    pub stance: String,
    pub since: DateTime<Utc>,
    /// The approved proposal that set it; `null` for the label the thread was started with.
    pub proposal_id: Option<i64>,
}

/// A thread's stance label, since when it holds, the pending proposal and the history.
#[derive(Debug, Serialize, ToSchema)]
pub struct StanceState {
    pub slug: String,
    #[schema(schema_with = stance_schema)]
    pub stance: String,
    pub since: DateTime<Utc>,
    /// The open proposal; `null` when there is none. It is not the label until approved.
    pub pending: Option<StanceProposal>,
    /// Every label the thread has had, oldest first; the last is the current one.
    pub labels: Vec<StanceLabel>,
    /// Every proposal (up to 200), newest first.
    pub proposals: Vec<StanceProposal>,
}

/// `POST .../stance/proposals`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    /// The stance proposed; it must differ from the current one.
    #[schema(schema_with = stance_schema)]
    pub stance: String,
    /// Why (Markdown, required, up to 20 KB); may cite `[^src:ID]` and `[^event:ID]`.
    pub rationale: Text,
}

/// `POST .../reject`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// Why it is rejected (required, up to 300 characters).
    pub reason: Text,
}

/// A page of open proposals, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct StanceProposalList {
    pub proposals: Vec<StanceProposal>,
    /// Pass as `?after=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// `?state=&after=` on the list of proposals.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalListParams {
    /// Only `open` is listed across threads (a thread's closed ones are in its stance history).
    #[param(pattern = "^open$")]
    pub state: Option<String>,
    /// The `next_cursor` of the previous page; absent for the first page.
    #[param(min_length = 1)]
    pub after: Option<String>,
}

/// Get a thread's stance label and its history
///
/// The label, since when it holds, the pending proposal (never the label until a moderator
/// approves it), every label the thread has had and every proposal.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/stance",
    operation_id = "get_stance",
    tag = "threads",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "The label and its history", body = StanceState),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn show(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let h = stance_ops::history(&state.pool, slug.into_inner()).await?;
    let mut labels =
        vec![StanceLabel { stance: h.first_stance.as_str().to_owned(), since: h.thread.created_at, proposal_id: None }];
    labels.extend(h.proposals.iter().rev().filter(|p| p.row.state() == ProposalState::Approved).map(|p| StanceLabel {
        stance: p.row.to_stance.clone(),
        since: p.row.decided_at.unwrap_or(p.row.created_at),
        proposal_id: Some(p.row.id),
    }));
    Ok(HttpResponse::Ok().json(StanceState {
        slug: h.thread.slug.clone(),
        stance: h.thread.stance.clone(),
        since: h.since,
        pending: h.open().map(StanceProposal::from),
        labels,
        proposals: h.proposals.iter().map(StanceProposal::from).collect(),
    }))
}

async fn answer(
    state: &AppState,
    slug: String,
    id: i64,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, ApiError> {
    let h = stance_ops::history(&state.pool, slug).await?;
    let p = h.proposals.iter().find(|p| p.row.id == id).ok_or(ApiError(AppError::NotFound))?;
    Ok(HttpResponse::build(status).json(StanceProposal::from(p)))
}

/// Propose a stance change
///
/// The thread's curators, moderators and admins (a locked thread refuses curators). One open
/// proposal per thread; the label changes only when a moderator who did not propose it approves.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/stance/proposals",
    operation_id = "propose_stance",
    tag = "threads",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = ProposalBody,
    responses(
        (status = 201, description = "Proposed; the proposal", body = StanceProposal),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 409, description = "The thread already has an open proposal (named in the message)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "An unknown stance, the current stance, no rationale, one over 20 KB, or a citation of nothing", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn propose(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<ProposalBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let slug = slug.into_inner();
    let body = body.into_inner();
    let input = ProposalInput { stance: body.stance, rationale: body.rationale.into() };
    let row = stance_ops::propose(&state.pool, user, slug.clone(), input).await?;
    answer(&state, slug, row.id, actix_web::http::StatusCode::CREATED).await
}

async fn decided(
    state: &AppState,
    visitor: &Visitor,
    slug: String,
    id: i64,
    d: Decision,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(visitor)?;
    stance_ops::decide(&state.pool, user, slug.clone(), ProposalId(id), d).await?;
    answer(state, slug, id, actix_web::http::StatusCode::OK).await
}

/// Approve a stance proposal
///
/// Moderators and admins other than its proposer: the thread's label becomes the proposed one.
/// Logged in the moderation log.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/stance/proposals/{id}/approve",
    operation_id = "approve_stance",
    tag = "moderation",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("id" = i64, Path, description = "A proposal of the thread"),
    ),
    responses(
        (status = 200, description = "Approved; the proposal", body = StanceProposal),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, your own proposal, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread, or the proposal is not the thread's", body = ErrorBody),
        (status = 409, description = "The proposal is no longer open", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn approve(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    decided(&state, &visitor, slug, id, Decision::Approve).await
}

/// Reject a stance proposal
///
/// Moderators and admins other than its proposer, with a reason. Logged in the moderation log.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/stance/proposals/{id}/reject",
    operation_id = "reject_stance",
    tag = "moderation",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("id" = i64, Path, description = "A proposal of the thread"),
    ),
    request_body = RejectBody,
    responses(
        (status = 200, description = "Rejected; the proposal", body = StanceProposal),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, your own proposal, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread, or the proposal is not the thread's", body = ErrorBody),
        (status = 409, description = "The proposal is no longer open", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "No reason, or one over 300 characters", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn reject(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
    body: web::Json<RejectBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    decided(&state, &visitor, slug, id, Decision::Reject(body.into_inner().reason.into())).await
}

/// Withdraw a stance proposal
///
/// Its proposer only, while it is open.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/stance/proposals/{id}/withdraw",
    operation_id = "withdraw_stance",
    tag = "threads",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("id" = i64, Path, description = "A proposal of the thread"),
    ),
    responses(
        (status = 200, description = "Withdrawn; the proposal", body = StanceProposal),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not its proposer, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread, or the proposal is not the thread's", body = ErrorBody),
        (status = 409, description = "The proposal is no longer open", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn withdraw(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    decided(&state, &visitor, slug, id, Decision::Withdraw).await
}

/// List open stance proposals
///
/// Across threads, oldest first (what moderators decide next); 50 to a page.
#[utoipa::path(
    get,
    path = "/api/v1/stance-proposals",
    operation_id = "list_stance_proposals",
    tag = "moderation",
    params(ProposalListParams),
    responses(
        (status = 200, description = "A page of open proposals", body = StanceProposalList),
        (status = 400, description = "A state other than `open`, or a cursor this server did not make", body = ErrorBody),
    )
)]
pub async fn list(state: web::Data<AppState>, query: web::Query<ProposalListParams>) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    if q.state.as_deref().is_some_and(|s| !s.is_empty() && s != "open") {
        return Err(ApiError(AppError::BadRequest(
            "only state=open is listed across threads; a thread's other proposals are in GET /api/v1/threads/{slug}/stance"
                .to_owned(),
        )));
    }
    let (rows, next) = stance_ops::open_proposals(&state.pool, q.after).await?;
    Ok(HttpResponse::Ok()
        .json(StanceProposalList { proposals: rows.iter().map(StanceProposal::from).collect(), next_cursor: next }))
}

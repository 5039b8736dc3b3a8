//! `/api/v1/threads/{slug}/...` for a thread's curators and for answering its open questions.
//! Registered before the generic `/threads/{slug}/{kind}` routes, whose paths they share.

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::Slug;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::inputs::Text;
use super::moderation_inputs::ReasonBody;
use super::require_user;
use super::views::ErrorBody;
use crate::auth::{CurrentUser, Visitor};
use crate::error::ApiError;
use crate::ops::sections;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the curator and answer endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/threads/{slug}/curators").post(add_curator))
        .add(at("/threads/{slug}/curators/{username}").delete(remove_curator))
        .add(at("/threads/{slug}/questions/{id}/answer").post(answer))
        .add(at("/threads/{slug}/questions/{id}/reopen").post(reopen));
}

/// Add a curator
///
/// The thread's curators and moderators add a curator, moderator or admin by name.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/curators",
    operation_id = "add_curator",
    tag = "threads",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = CuratorBody,
    responses(
        (status = 200, description = "Added; the thread's curators now", body = CuratorList),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "No such user, a reader, already a curator, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn add_curator(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<CuratorBody>,
) -> Result<HttpResponse, ApiError> {
    let CuratorBody { username, reason } = body.into_inner();
    let user = require_user(&visitor)?;
    set_curator(&state, user, slug.into_inner(), username.0, true, reason.0).await
}

/// Remove a curator
///
/// A thread keeps at least one curator.
#[utoipa::path(
    delete,
    path = "/api/v1/threads/{slug}/curators/{username}",
    operation_id = "remove_curator",
    tag = "threads",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("username" = String, Path, description = "The curator's name"),
    ),
    responses(
        (status = 200, description = "Removed; the thread's curators now", body = CuratorList),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 422, description = "No such user, not a curator of the thread, or its last curator", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn remove_curator(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (slug, username) = path.into_inner();
    set_curator(&state, require_user(&visitor)?, slug, username, false, String::new()).await
}

async fn set_curator(
    state: &AppState,
    user: &CurrentUser,
    slug: String,
    username: String,
    add: bool,
    reason: String,
) -> Result<HttpResponse, ApiError> {
    let curators = crate::ops::threads::set_curator_listed(&state.pool, user, slug, username, add, reason).await?;
    Ok(HttpResponse::Ok().json(CuratorList { curators }))
}

/// Answer an open question
///
/// The question leaves the open list, with the answer kept; it can be reopened.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/questions/{id}/answer",
    operation_id = "answer_question",
    tag = "sections",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("id" = i64, Path, description = "The question's id"),
    ),
    request_body = AnswerBody,
    responses(
        (status = 200, description = "Answered", body = QuestionState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread or question", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A blank or too long answer, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn answer(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
    body: web::Json<AnswerBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    let AnswerBody { answer, reason } = body.into_inner();
    sections::set_answer(&state.pool, require_user(&visitor)?, slug, id, Some(answer.0), reason.0).await?;
    Ok(HttpResponse::Ok().json(QuestionState { id, answered: true }))
}

/// Reopen a question
///
/// An answered question goes back on the open list.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/questions/{id}/reopen",
    operation_id = "reopen_question",
    tag = "sections",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("id" = i64, Path, description = "The question's id"),
    ),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Open again", body = QuestionState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not this thread's curator or a moderator, the thread is locked, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread or question", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "The question is open already, or a too long reason", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn reopen(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let (slug, id) = path.into_inner();
    sections::set_answer(&state.pool, require_user(&visitor)?, slug, id, None, body.into_inner().reason.0).await?;
    Ok(HttpResponse::Ok().json(QuestionState { id, answered: false }))
}

/// A new curator, for `POST /api/v1/threads/{slug}/curators`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CuratorBody {
    /// A curator, moderator or admin (a reader must be made a curator first).
    pub username: Text,
    /// Why; up to 300 characters, kept in the thread's changelog.
    #[serde(default)]
    pub reason: Text,
}

/// An answer, for `POST /api/v1/threads/{slug}/questions/{id}/answer`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    /// How the thread settled the question; required, up to 2000 characters.
    pub answer: Text,
    /// Why; up to 300 characters, kept in the thread's changelog.
    #[serde(default)]
    pub reason: Text,
}

/// 200 from adding or removing a curator: the thread's curators now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CuratorList {
    pub curators: Vec<String>,
}

/// 200 from answering or reopening an open question.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionState {
    /// The question's id.
    pub id: i64,
    pub answered: bool,
}

//! `/api/v1/following` and `/api/v1/threads/{slug}/follow|since|read`: following threads and
//! what changed since a reader last read one.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::inputs::{AfterParam, Slug};
use super::views::{ErrorBody, stance_schema, status_schema};
use super::{API, require_user};
use crate::auth::Visitor;
use crate::db;
use crate::db::follows::FollowedThread;
use crate::db::threads::ThreadSort;
use crate::error::ApiError;
use crate::ops::cursor;
use crate::ops::following::{self, ReaderState};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the following endpoints (before the generic `/threads/{slug}/{kind}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/following").get(list))
        .add(at("/threads/{slug}/follow").put(follow).delete(unfollow))
        .add(at("/threads/{slug}/since").get(since))
        .add(at("/threads/{slug}/read").post(mark_read));
}

/// Whether the caller follows a thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowState {
    pub slug: String,
    pub following: bool,
}

/// A followed thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct Followed {
    pub slug: String,
    pub title: String,
    #[schema(schema_with = status_schema)]
    pub status: String,
    #[schema(schema_with = stance_schema)]
    pub stance: String,
    pub updated_at: DateTime<Utc>,
    /// When the caller last marked it as read (or first opened or followed it).
    pub read_at: DateTime<Utc>,
    /// Changes by others since then.
    pub new_changes: i64,
}

impl From<FollowedThread> for Followed {
    fn from(t: FollowedThread) -> Self {
        Followed {
            slug: t.slug,
            title: t.title,
            status: t.status,
            stance: t.stance,
            updated_at: t.updated_at,
            read_at: t.read_at,
            new_changes: t.new_changes,
        }
    }
}

/// A page of followed threads, newest activity first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowedList {
    pub threads: Vec<Followed>,
    /// Pass as `?after=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// What changed since the caller last read a thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct SinceBody {
    pub slug: String,
    pub following: bool,
    /// When they last read it; absent on a first visit (which records one).
    pub read_at: Option<DateTime<Utc>>,
    /// In words, e.g. "the synthesis changed in 2 places and 3 new events"; absent when
    /// nothing changed that is worth saying (minor edits and the caller's own are left out).
    pub summary: Option<String>,
    /// More changes happened than were counted.
    pub at_least: bool,
    /// The synthesis revision they read and the current one, when the text changed since.
    pub diff_from: Option<i32>,
    pub diff_to: Option<i32>,
}

/// Threads I follow
///
/// Newest activity first, 50 to a page, each with the number of changes by others since the
/// caller last marked it as read.
#[utoipa::path(
    get,
    path = "/api/v1/following",
    operation_id = "list_following",
    tag = "following",
    params(AfterParam),
    responses(
        (status = 200, description = "A page of followed threads", body = FollowedList),
        (status = 400, description = "The cursor is not one this server made", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ),
    security(("session_cookie" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<AfterParam>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let after = query.after.as_deref().map(|a| cursor::decode_thread(a, ThreadSort::Activity)).transpose()?;
    let (rows, next) = following::following(&state.pool, user, after).await?;
    Ok(HttpResponse::Ok().json(FollowedList {
        threads: rows.into_iter().map(Followed::from).collect(),
        next_cursor: next.as_ref().map(cursor::encode_thread),
    }))
}

/// Follow a thread
///
/// Following twice is following once. Changes to followed threads are counted on the
/// Following list from the state the thread is in now.
#[utoipa::path(
    put,
    path = "/api/v1/threads/{slug}/follow",
    operation_id = "follow_thread",
    tag = "following",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "Following", body = FollowState),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn follow(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?.clone();
    let thread = following::follow(&state.pool, user, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(FollowState { slug: thread.slug, following: true }))
}

/// Stop following a thread
#[utoipa::path(
    delete,
    path = "/api/v1/threads/{slug}/follow",
    operation_id = "unfollow_thread",
    tag = "following",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "Not following any more", body = FollowState),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread, or you did not follow it", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn unfollow(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?.clone();
    let thread = following::unfollow(&state.pool, user, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(FollowState { slug: thread.slug, following: false }))
}

/// What changed since I last read a thread
///
/// The summary the thread page opens with. A first call records the thread as read now.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/since",
    operation_id = "thread_since_last_read",
    tag = "following",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "What changed", body = SinceBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    ),
    security(("session_cookie" = []))
)]
pub async fn since(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?.clone();
    let slug = slug.into_inner();
    crate::domain::validate::slug(&slug).map_err(|_| crate::error::AppError::NotFound)?;
    let pages = state.clone().into_inner();
    let (slug, ReaderState { following, since }) = db::with_conn(&state.pool, move |c| {
        let data = pages.thread_pages.load(c, &slug)?;
        Ok((data.thread.slug.clone(), following::reader_state(c, &user, &data)?))
    })
    .await?;
    Ok(HttpResponse::Ok().json(SinceBody {
        slug,
        following,
        read_at: since.as_ref().map(|s| s.read_at),
        at_least: since.as_ref().is_some_and(|s| s.at_least),
        diff_from: since.as_ref().and_then(|s| s.diff).map(|(from, _)| from),
        diff_to: since.as_ref().and_then(|s| s.diff).map(|(_, to)| to),
        summary: since.map(|s| s.summary),
    }))
}

/// Mark a thread as read
///
/// Its summary of changes starts over from the state it is in now.
#[utoipa::path(
    post,
    path = "/api/v1/threads/{slug}/read",
    operation_id = "mark_thread_read",
    tag = "following",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 204, description = "Marked as read"),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn mark_read(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?.clone();
    following::mark_read(&state.pool, user, slug.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

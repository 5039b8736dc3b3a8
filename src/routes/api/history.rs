//! Reading the changelog: a thread's history, recent changes across threads, a user's
//! contributions, and one section item's versions and their diffs. Hidden content is blanked
//! for everyone but moderators before it gets here (`ops::visibility`).

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::{SectionSegment, Slug};
use super::moderation_inputs::{
    ContributionsParams, ItemDiffParams, ItemHistoryParams, RecentChangesParams, ThreadChangesParams,
};
use super::moderation_views::{ChangeList, ItemDiffView};
use super::threads::kind_of;
use super::views::ErrorBody;
use crate::auth::Visitor;
use crate::error::ApiError;
use crate::ops::history;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the changelog endpoints (before the generic `/threads/{slug}/{kind}` routes).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/changes").get(recent))
        .add(at("/threads/{slug}/changes").get(thread_changes))
        .add(at("/users/{username}/contributions").get(contributions))
        .add(at("/threads/{slug}/{kind}/{id}/history").get(item_history))
        .add(at("/threads/{slug}/{kind}/{id}/diff").get(item_diff));
}

/// A thread's changes
///
/// Everything that changed in the thread, newest first, 50 to a page: synthesis revisions,
/// section items, curators, details, and edits of its events.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/changes",
    operation_id = "list_thread_changes",
    tag = "history",
    params(("slug" = inline(Slug), Path, description = "The thread's slug"), ThreadChangesParams),
    responses(
        (status = 200, description = "A page of changes", body = ChangeList),
        (status = 400, description = "An unknown `kind`, or `before` is not an integer", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn thread_changes(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<ThreadChangesParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner().into();
    let (_, (rows, next)) = history::thread_history(&state.pool, visitor.role(), slug.into_inner(), q).await?;
    Ok(HttpResponse::Ok().json(ChangeList::new(&rows, next)))
}

/// Recent changes
///
/// Every change to every thread, newest first, 50 to a page. Only moderators may ask for
/// `unpatrolled=true`.
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    operation_id = "list_recent_changes",
    tag = "history",
    params(RecentChangesParams),
    responses(
        (status = 200, description = "A page of changes", body = ChangeList),
        (status = 400, description = "An unknown `kind`, or a malformed `unpatrolled` or `before`", body = ErrorBody),
        (status = 403, description = "`unpatrolled=true` from someone who is not a moderator", body = ErrorBody),
        (status = 404, description = "No thread has the slug given as `thread`", body = ErrorBody),
    )
)]
pub async fn recent(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<RecentChangesParams>,
) -> Result<HttpResponse, ApiError> {
    let (rows, next) = history::recent(&state.pool, visitor.role(), query.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(ChangeList::new(&rows, next)))
}

/// A user's contributions
///
/// Everything the user changed, across threads, newest first, 50 to a page.
#[utoipa::path(
    get,
    path = "/api/v1/users/{username}/contributions",
    operation_id = "list_contributions",
    tag = "history",
    params(("username" = String, Path, description = "The user's name"), ContributionsParams),
    responses(
        (status = 200, description = "A page of changes", body = ChangeList),
        (status = 400, description = "An unknown `kind`, or `before` is not an integer", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    )
)]
pub async fn contributions(
    state: web::Data<AppState>,
    visitor: Visitor,
    username: web::Path<String>,
    query: web::Query<ContributionsParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner().into();
    let (_, (rows, next)) = history::contributions(&state.pool, visitor.role(), username.into_inner(), q).await?;
    Ok(HttpResponse::Ok().json(ChangeList::new(&rows, next)))
}

/// An item's versions
///
/// Every change of one section item, newest first, 50 to a page; `before` and `after` hold the
/// item as it was and as the change left it.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/{kind}/{id}/history",
    operation_id = "list_item_changes",
    tag = "history",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("kind" = inline(SectionSegment), Path, description = "The section"),
        ("id" = i64, Path, description = "The item's id"),
        ItemHistoryParams,
    ),
    responses(
        (status = 200, description = "A page of the item's changes", body = ChangeList),
        (status = 400, description = "`before` is not an integer", body = ErrorBody),
        (status = 404, description = "No such thread, section or item", body = ErrorBody),
    )
)]
pub async fn item_history(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    query: web::Query<ItemHistoryParams>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let (_, (rows, next)) = history::item_history(&state.pool, visitor.role(), slug, kind, id, query.before).await?;
    Ok(HttpResponse::Ok().json(ChangeList::new(&rows, next)))
}

/// Compare an item's versions
///
/// A line diff of an item's body (arc periods, interpretations and controversies have one):
/// between the results of two changelog entries (`from`, `to`), or before and after one
/// (`entry`).
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/{kind}/{id}/diff",
    operation_id = "diff_item_versions",
    tag = "history",
    params(
        ("slug" = inline(Slug), Path, description = "The thread's slug"),
        ("kind" = inline(SectionSegment), Path, description = "The section (not `questions`, which have no body)"),
        ("id" = i64, Path, description = "The item's id"),
        ItemDiffParams,
    ),
    responses(
        (status = 200, description = "The diff", body = ItemDiffView),
        (status = 400, description = "Neither `entry` nor both `from` and `to`, or one is not an integer", body = ErrorBody),
        (status = 403, description = "A moderator hid one of the entries (moderators may compare them)", body = ErrorBody),
        (status = 404, description = "No such thread, section, item or entry of this item; or a question", body = ErrorBody),
    )
)]
pub async fn item_diff(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    query: web::Query<ItemDiffParams>,
) -> Result<HttpResponse, ApiError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let diff = history::item_diff(&state.pool, visitor.role(), slug, kind, id, query.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(ItemDiffView::from(diff)))
}

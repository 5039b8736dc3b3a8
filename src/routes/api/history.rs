//! Reading the changelog: a thread's history, recent changes across threads, a user's
//! contributions, and one section item's versions and their diffs. Hidden content is blanked
//! for everyone but moderators before it gets here (`ops::visibility`).

use actix_web::{HttpResponse, web};

use super::API;
use super::inputs::{SectionSegment, Slug};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;
use utoipa::{IntoParams, ToSchema};

use super::moderation_views::{ChangeList, area_schema};
use super::synthesis_views::{DiffLineView, diff_detail_schema};
use super::threads::kind_of;
use super::views::ErrorBody;
use crate::auth::Visitor;
use crate::error::ApiError;
use crate::ops::history::{self, ChangeQuery, ItemDiff, ItemDiffQuery};
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

/// The `?kind=` filter: an area of a thread (anything else is a 400).
pub struct KindName;

impl utoipa::PartialSchema for KindName {
    fn schema() -> RefOr<Schema> {
        area_schema().into()
    }
}

impl ToSchema for KindName {}

/// `?kind=&user=&before=` on a thread's changes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadChangesParams {
    /// Only changes to this part of the thread.
    #[param(value_type = Option<KindName>, inline)]
    pub kind: Option<String>,
    /// Only changes by this user (an unknown name matches nothing).
    pub user: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

impl From<ThreadChangesParams> for ChangeQuery {
    fn from(p: ThreadChangesParams) -> Self {
        ChangeQuery { kind: p.kind, user: p.user, thread: None, unpatrolled: None, before: p.before, after: None }
    }
}

/// `?kind=&user=&thread=&unpatrolled=&before=` on recent changes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentChangesParams {
    /// Only changes to this part of a thread.
    #[param(value_type = Option<KindName>, inline)]
    pub kind: Option<String>,
    /// Only changes by this user (an unknown name matches nothing).
    pub user: Option<String>,
    /// Only this thread's changes (its slug; an unknown one is a 404).
    pub thread: Option<String>,
    /// Only changes no moderator has patrolled yet (moderators only: anyone else gets 403).
    pub unpatrolled: Option<bool>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

impl From<RecentChangesParams> for ChangeQuery {
    fn from(p: RecentChangesParams) -> Self {
        ChangeQuery {
            kind: p.kind,
            user: p.user,
            thread: p.thread,
            unpatrolled: p.unpatrolled.map(|u| u.to_string()),
            before: p.before,
            after: None,
        }
    }
}

/// `?kind=&before=` on a user's contributions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContributionsParams {
    /// Only changes to this part of a thread.
    #[param(value_type = Option<KindName>, inline)]
    pub kind: Option<String>,
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

impl From<ContributionsParams> for ChangeQuery {
    fn from(p: ContributionsParams) -> Self {
        ChangeQuery { kind: p.kind, user: None, thread: None, unpatrolled: None, before: p.before, after: None }
    }
}

/// `?before=` on an item's versions.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemHistoryParams {
    /// The `next_before` of the previous page.
    pub before: Option<i64>,
}

/// `?from=&to=` or `?entry=` on an item's diff.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemDiffParams {
    /// With `to`: the changelog entry whose result is the old text.
    pub from: Option<i64>,
    /// With `from`: the changelog entry whose result is the new text.
    pub to: Option<i64>,
    /// Instead of `from` and `to`: one entry, its text before and after.
    pub entry: Option<i64>,
}

impl From<ItemDiffParams> for ItemDiffQuery {
    fn from(p: ItemDiffParams) -> Self {
        ItemDiffQuery { from: p.from, to: p.to, entry: p.entry }
    }
}

/// The versions of a section item's body compared.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDiffView {
    /// The entry whose result is the old text (with `?entry=`, that entry: its text before).
    pub from: i64,
    /// The entry whose result is the new text.
    pub to: i64,
    /// The item, as the newer entry names it.
    pub subject: String,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
    /// How much of the diff is shown: `words`, `lines` (too large to show word by word) or
    /// `truncated` (only the beginning of the texts), as in a revision diff.
    #[schema(schema_with = diff_detail_schema)]
    pub detail: &'static str,
    pub lines: Vec<DiffLineView>,
}

impl From<ItemDiff> for ItemDiffView {
    fn from(d: ItemDiff) -> Self {
        ItemDiffView {
            from: d.from.id,
            to: d.to.id,
            subject: d.subject,
            added: d.diff.added,
            removed: d.diff.removed,
            detail: d.diff.detail.as_str(),
            lines: d.diff.lines.into_iter().map(DiffLineView::from).collect(),
        }
    }
}

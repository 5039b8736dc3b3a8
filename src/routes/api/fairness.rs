//! `/api/v1/threads/{slug}/camp|ratings|fairness` and `/api/v1/users/{id}/ratings-exclusion`:
//! the fair-summary signal. A reader declares the interpretation they hold and rates the current
//! synthesis and interpretations; the figures (per declared camp, and "fair across camps") are
//! public aggregates of the newest fit; nobody reads another reader's ratings.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

use super::inputs::{Slug, Text};
use super::moderation_inputs::ReasonBody;
use super::views::{ErrorBody, one_of};
use super::{API, require_user};
use crate::auth::Visitor;
use crate::domain::fairness::{Fairness, ItemKind};
use crate::domain::ids::UserId;
use crate::error::ApiError;
use crate::ops::fairness::{self, Figures, ItemFigures, MyRating, RatingInput};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the fairness endpoints (before the generic `/threads/{slug}/{kind}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/threads/{slug}/camp").get(camp).put(set_camp))
        .add(at("/threads/{slug}/ratings").put(rate))
        .add(at("/threads/{slug}/ratings/mine").get(mine))
        .add(at("/threads/{slug}/fairness").get(figures))
        .add(at("/users/{id}/ratings-exclusion").post(exclude).delete(include));
}

fn item_kind_schema() -> Object {
    one_of(ItemKind::ALL.iter().map(|k| k.as_str()))
}

fn fairness_schema() -> Object {
    one_of(Fairness::ALL.iter().map(|f| f.as_str()))
}

/// The interpretation the caller holds on a thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampState {
    pub slug: String,
    /// Whether they declared one (an interpretation or "none of these").
    pub declared: bool,
    /// The interpretation they hold; null: none of these, or nothing declared.
    pub interpretation_id: Option<i64>,
}

/// A camp, for `PUT /api/v1/threads/{slug}/camp`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampBody {
    /// An interpretation of this thread; null or absent: none of these.
    #[serde(default)]
    pub interpretation_id: Option<i64>,
}

/// A rating, for `PUT /api/v1/threads/{slug}/ratings`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingBody {
    #[schema(schema_with = item_kind_schema)]
    pub item_kind: Text,
    /// The interpretation's id; for the synthesis the thread's id, or null.
    #[serde(default)]
    pub item_id: Option<i64>,
    /// The synthesis revision (seq) or interpretation version the reader read: the current one.
    pub version: i32,
    /// "Represents this view fairly": yes, somewhat or no.
    #[schema(schema_with = fairness_schema)]
    pub value: Text,
}

impl From<RatingBody> for RatingInput {
    fn from(b: RatingBody) -> Self {
        RatingInput { item_kind: b.item_kind.0, item_id: b.item_id, version: b.version, value: b.value.0 }
    }
}

/// One of the caller's own ratings.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingView {
    #[schema(schema_with = item_kind_schema)]
    pub item_kind: &'static str,
    /// The thread's id (synthesis) or the interpretation's.
    pub item_id: i64,
    /// The synthesis's substantive revision or the interpretation's version it rates.
    pub version: i32,
    #[schema(schema_with = fairness_schema)]
    pub value: &'static str,
    pub updated_at: DateTime<Utc>,
}

impl From<MyRating> for RatingView {
    fn from(r: MyRating) -> Self {
        RatingView {
            item_kind: r.kind.as_str(),
            item_id: r.item_id,
            version: r.version,
            value: r.value.as_str(),
            updated_at: r.updated_at,
        }
    }
}

/// The caller's own ratings on a thread (every version they rated).
#[derive(Debug, Serialize, ToSchema)]
pub struct MyRatings {
    pub slug: String,
    pub ratings: Vec<RatingView>,
}

/// One declared camp's answers on an item version.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampShareView {
    /// The interpretation the raters hold; null: none of these.
    pub interpretation_id: Option<i64>,
    /// "Democratization reading", "None of these".
    pub label: String,
    /// Raters of the item version who declared this camp.
    pub raters: i32,
    /// Of them, those who said yes.
    pub yes: i32,
}

/// The newest fit's figures for one item version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresView {
    pub version: i32,
    /// For the current version; false: for an earlier one (the current has no figures yet).
    pub current: bool,
    /// Ratings of the version (with or without a declared camp).
    pub ratings: i32,
    /// Fair across camps: raters who usually disagree agree that it represents their view.
    pub fair: bool,
    pub fitted_at: DateTime<Utc>,
    pub camps: Vec<CampShareView>,
}

impl From<Figures> for FiguresView {
    fn from(f: Figures) -> Self {
        FiguresView {
            version: f.version,
            current: f.current,
            ratings: f.ratings,
            fair: f.fair,
            fitted_at: f.fitted_at,
            camps: f
                .camps
                .into_iter()
                .map(|c| CampShareView { interpretation_id: c.camp, label: c.label, raters: c.raters, yes: c.yes })
                .collect(),
        }
    }
}

/// A rated item of a thread.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemFairnessView {
    #[schema(schema_with = item_kind_schema)]
    pub item_kind: &'static str,
    /// The thread's id (synthesis) or the interpretation's.
    pub item_id: i64,
    /// "the synthesis", or the interpretation's title.
    pub name: String,
    /// The version ratings are given on now.
    pub current_version: i32,
    /// Null: not enough ratings yet (no fit has figures for any version of it).
    pub figures: Option<FiguresView>,
}

impl From<ItemFigures> for ItemFairnessView {
    fn from(i: ItemFigures) -> Self {
        ItemFairnessView {
            item_kind: i.kind.as_str(),
            item_id: i.id,
            name: i.name,
            current_version: i.current_version,
            figures: i.figures.map(FiguresView::from),
        }
    }
}

/// A thread's fair-summary figures: aggregates only, as of the newest fit.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadFairness {
    pub slug: String,
    /// When the newest fit ran; null: never.
    pub fitted_at: Option<DateTime<Utc>>,
    /// The synthesis (once it has a substantive revision), then each interpretation.
    pub items: Vec<ItemFairnessView>,
}

/// Whether a user's ratings count in the fairness model.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExclusionState {
    pub id: i64,
    pub ratings_excluded: bool,
}

/// The interpretation I hold
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/camp",
    operation_id = "my_camp",
    tag = "fairness",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "The caller's camp", body = CampState),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    ),
    security(("session_cookie" = []))
)]
pub async fn camp(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let (slug, camp) = fairness::camp(&state.pool, user, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(CampState { slug, declared: camp.is_some(), interpretation_id: camp.flatten() }))
}

/// Declare the interpretation I hold
///
/// An interpretation of this thread, or null for "none of these"; it can be changed at any time.
/// Declared camps are only for showing each camp's answers: the model learns from the ratings.
#[utoipa::path(
    put,
    path = "/api/v1/threads/{slug}/camp",
    operation_id = "set_my_camp",
    tag = "fairness",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = CampBody,
    responses(
        (status = 200, description = "Declared", body = CampState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "Not an interpretation of this thread", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn set_camp(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<CampBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let (thread, camp) = fairness::set_camp(&state.pool, user, slug.into_inner(), body.interpretation_id).await?;
    Ok(HttpResponse::Ok().json(CampState { slug: thread.slug, declared: true, interpretation_id: camp }))
}

/// Rate whether a text represents its view fairly
///
/// One rating per reader per item version: a new one replaces the old. Only the current version
/// can be rated (for the synthesis any revision from its newest substantive one on); a
/// superseded one is a 409 naming the current. At most 120 ratings an hour per account.
#[utoipa::path(
    put,
    path = "/api/v1/threads/{slug}/ratings",
    operation_id = "rate_fairness",
    tag = "fairness",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    request_body = RatingBody,
    responses(
        (status = 200, description = "The rating as stored", body = RatingView),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
        (status = 409, description = "The version was superseded; rate the current text", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "An unknown kind or answer, an item of another thread, or a version that does not exist", body = ErrorBody),
        (status = 429, description = "Too many ratings; wait the `Retry-After` seconds", body = ErrorBody,
            headers(("Retry-After" = i64, description = "Seconds to wait before the next rating"))),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn rate(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    body: web::Json<RatingBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let (_, rating) = fairness::rate(&state.pool, user, slug.into_inner(), body.into_inner().into()).await?;
    Ok(HttpResponse::Ok().json(RatingView::from(rating)))
}

/// My ratings on a thread
///
/// Only the caller's own: nobody reads another reader's ratings (the figures are aggregates).
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/ratings/mine",
    operation_id = "my_ratings",
    tag = "fairness",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "The caller's ratings", body = MyRatings),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 404, description = "No such thread", body = ErrorBody),
    ),
    security(("session_cookie" = []))
)]
pub async fn mine(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let (slug, ratings) = fairness::mine(&state.pool, user, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(MyRatings { slug, ratings: ratings.into_iter().map(RatingView::from).collect() }))
}

/// A thread's fair-summary figures
///
/// Per rated item, each declared camp's share of "yes" and whether it is fair across camps, as
/// of the newest fit (figures for an earlier version until the current one has its own). It
/// measures whether people who usually disagree agree a text represents their view; it is not
/// a verdict on which view is right and never changes the stance label.
#[utoipa::path(
    get,
    path = "/api/v1/threads/{slug}/fairness",
    operation_id = "thread_fairness",
    tag = "fairness",
    params(("slug" = inline(Slug), Path, description = "The thread's slug")),
    responses(
        (status = 200, description = "The figures", body = ThreadFairness),
        (status = 404, description = "No such thread", body = ErrorBody),
    )
)]
pub async fn figures(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (data, items) = fairness::figures(&state.pool, &state.thread_pages, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(ThreadFairness {
        slug: data.thread.slug.clone(),
        fitted_at: data.fairness.fitted_at,
        items: items.into_iter().map(ItemFairnessView::from).collect(),
    }))
}

/// Leave a user's ratings out of the fairness model
///
/// Moderators for users below them, admins for anyone else; logged with the reason. Excluding
/// an excluded account changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/ratings-exclusion",
    operation_id = "exclude_user_ratings",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Excluded", body = ExclusionState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, a user your role cannot manage, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A blank or too long reason, or yourself", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn exclude(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    set_exclusion(state, visitor, id.into_inner(), true, body.into_inner()).await
}

/// Count a user's ratings in the fairness model again
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}/ratings-exclusion",
    operation_id = "include_user_ratings",
    tag = "users",
    params(("id" = i64, Path, description = "The user's id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Counted again", body = ExclusionState),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, not a moderator, a user your role cannot manage, or your account is suspended", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "A too long reason, or yourself", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn include(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    set_exclusion(state, visitor, id.into_inner(), false, body.into_inner()).await
}

async fn set_exclusion(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: i64,
    excluded: bool,
    body: ReasonBody,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let ratings_excluded = fairness::set_exclusion(&state.pool, user, UserId(id), excluded, body.reason.0).await?;
    Ok(HttpResponse::Ok().json(ExclusionState { id, ratings_excluded }))
}

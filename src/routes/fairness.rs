//! The fair-summary signal's forms: a reader's camp and ratings on the thread page, and a
//! moderator leaving an account's ratings out of the model (on the user's page).

use actix_web::{HttpRequest, HttpResponse, web};

use super::{back_to_referer, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::ops::fairness::{self, CampInput, ExclusionInput, RatingInput};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the fairness forms (before the generic `/threads/{slug}/{kind}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/camp").post(set_camp))
        .add(at("/threads/{slug}/ratings").post(rate))
        .add(at("/admin/users/{id}/ratings-exclusion").post(exclude))
        .add(at("/admin/users/{id}/ratings-inclusion").post(include));
}

async fn set_camp(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<CampInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let camp = form.camp()?;
    let (thread, _) = fairness::set_camp(&state.pool, user, slug.into_inner(), camp).await?;
    Ok(see_other(&format!("/threads/{}#camp", thread.slug), Flash::CampSaved))
}

async fn rate(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<RatingInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (thread, rating) = fairness::rate(&state.pool, user, slug.into_inner(), form.into_inner()).await?;
    let anchor = format!("fairness-{}-{}", rating.kind.as_str(), rating.item_id);
    Ok(see_other(&format!("/threads/{}#{anchor}", thread.slug), Flash::Rated))
}

async fn exclude(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<ExclusionInput>,
) -> Result<HttpResponse, AppError> {
    set_exclusion(req, state, visitor, id, form, true).await
}

async fn include(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<ExclusionInput>,
) -> Result<HttpResponse, AppError> {
    set_exclusion(req, state, visitor, id, form, false).await
}

/// Leaves an account's ratings out of the model (`excluded`) or counts them again.
async fn set_exclusion(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<ExclusionInput>,
    excluded: bool,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    fairness::set_exclusion(&state.pool, user, UserId(id.into_inner()), excluded, form.into_inner().reason).await?;
    let flash = if excluded { Flash::RatingsExcluded } else { Flash::RatingsIncluded };
    Ok(back_to_referer(&req, "/admin/users", flash))
}

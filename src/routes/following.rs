//! Following threads: the Follow button, the Following page and "Mark as read".

use actix_web::{HttpRequest, HttpResponse, web};

use super::{back_to_referer, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::error::AppError;
use crate::ops::cursor::AfterQuery;
use crate::ops::following;
use crate::render::pages::following::FollowingPage;
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the following pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/following").get(page))
        .add(at("/threads/{slug}/follow").post(follow))
        .add(at("/threads/{slug}/unfollow").post(unfollow))
        .add(at("/threads/{slug}/read").post(mark_read));
}

async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<AfterQuery>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (threads, next, curated) = following::page(&state.pool, user, query.into_inner().after).await?;
    Ok(ok(&FollowingPage {
        chrome: Chrome::of(&visitor),
        threads,
        curated,
        next_href: next.map(|n| format!("/following?after={n}")),
    }))
}

async fn follow(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    set_following(&state, &visitor, slug.into_inner(), &req, true).await
}

async fn unfollow(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    set_following(&state, &visitor, slug.into_inner(), &req, false).await
}

/// Follows or unfollows, then goes back to the page the button was on.
async fn set_following(
    state: &AppState,
    visitor: &Visitor,
    slug: String,
    req: &HttpRequest,
    follow: bool,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?.clone();
    let thread = if follow {
        following::follow(&state.pool, user, slug).await?
    } else {
        following::unfollow(&state.pool, user, slug).await?
    };
    let flash = if follow { Flash::Followed } else { Flash::Unfollowed };
    Ok(back_to_referer(req, &format!("/threads/{}", thread.slug), flash))
}

async fn mark_read(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?.clone();
    let thread = following::mark_read(&state.pool, user, slug.into_inner()).await?;
    Ok(see_other(&format!("/threads/{}", thread.slug), Flash::MarkedRead))
}

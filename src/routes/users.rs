//! `/users/{username}`: a user's contributions across threads, and for moderators and admins
//! their account: role, suspension and the moderation log about them.

use actix_web::{HttpResponse, web};

use super::query::{encode, url_query};
use crate::auth::Visitor;
use crate::domain::roles;
use crate::error::AppError;
use crate::ops::changelog;
use crate::ops::history::ChangeQuery;
use crate::render::pages::changes::{Filters, RecentPage, kind_options};
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the user pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/users/{username}").get(profile));
}

async fn profile(
    state: web::Data<AppState>,
    visitor: Visitor,
    username: web::Path<String>,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let page = changelog::contributions(&state.pool, visitor.user.as_ref(), username.into_inner(), q.clone()).await?;
    let next = page.next;
    let mut pairs = url_query(&q);
    pairs.push(("before", next.map(|n| n.to_string()).unwrap_or_default()));
    Ok(ok(&RecentPage {
        chrome: Chrome::of(&visitor),
        heading: format!("Contributions of {}", page.username),
        intro: format!("Everything {} changed, across threads, newest first.", page.username),
        action: format!("/users/{}", page.username),
        show_filters: false,
        can_moderate: visitor.role().is_some_and(roles::can_moderate),
        filters: Filters { kinds: kind_options(q.kind.as_deref()), ..Default::default() },
        rows: page.rows,
        next_href: next.map(|_| format!("/users/{}?{}", page.username, encode(&pairs))),
        next_label: "Older contributions",
        profile: page.profile,
        feed: None,
        stance_proposals: Vec::new(),
    }))
}

//! `/users/{username}`: a user's contributions across threads, and for moderators and admins
//! their account: role, suspension and the moderation log about them.

use actix_web::{HttpResponse, web};

use super::query::{encode, url_query};
use crate::auth::Visitor;
use crate::db::moderation::LogFilter;
use crate::domain::roles;
use crate::error::AppError;
use crate::ops::history::{self, ChangeQuery};
use crate::ops::moderation;
use crate::render::pages::changes::{ChangeView, Filters, Profile, RecentPage, kind_options};
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
    let (user, (rows, next)) =
        history::contributions(&state.pool, visitor.role(), username.into_inner(), q.clone()).await?;
    let profile = match &visitor.user {
        Some(viewer) if roles::can_manage_users(viewer.role) => {
            let filter = LogFilter { action: None, target_user: Some(user.id) };
            let (log, _) = moderation::log_page(&state.pool, viewer, filter, None).await?;
            let is_self = viewer.id == user.id;
            Some(Profile::of(
                &user,
                !is_self && roles::can_suspend(viewer.role, user.role),
                !is_self && roles::can_set_role(viewer.role, user.role, user.role),
                &log,
            ))
        }
        _ => None,
    };
    let mut pairs = url_query(&q);
    pairs.push(("before", next.map(|n| n.to_string()).unwrap_or_default()));
    Ok(ok(&RecentPage {
        chrome: Chrome::of(&visitor),
        heading: format!("Contributions of {}", user.username),
        intro: format!("Everything {} changed, across threads, newest first.", user.username),
        action: format!("/users/{}", user.username),
        show_filters: false,
        can_moderate: visitor.role().is_some_and(roles::can_moderate),
        filters: Filters { kinds: kind_options(q.kind.as_deref()), ..Default::default() },
        rows: rows.iter().map(ChangeView::from).collect(),
        next_href: next.map(|_| format!("/users/{}?{}", user.username, encode(&pairs))),
        next_label: "Older contributions",
        profile,
        feed: None,
    }))
}

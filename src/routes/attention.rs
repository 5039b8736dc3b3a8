//! `/attention`: the threads that need attention (issue 17), for curators, moderators and admins.

use actix_web::{HttpResponse, web};

use super::query::encode;
use crate::auth::Visitor;
use crate::error::AppError;
use crate::ops::attention::{self, Flagged};
use crate::ops::cursor::AfterQuery;
use crate::render::pages::attention::{AttentionPage, AttentionRow};
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/attention").get(page));
}

async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<AfterQuery>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let queue = attention::queue(&state.pool, user, &state.attention, query.into_inner().after).await?;
    Ok(ok(&AttentionPage {
        chrome: Chrome::of(&visitor),
        threads: queue.threads.into_iter().map(row).collect(),
        event_days: state.attention.event_days,
        question_days: state.attention.question_days,
        next_href: queue.next.map(|n| format!("/attention?{}", encode(&[("after", n)]))),
    }))
}

fn row(t: Flagged) -> AttentionRow {
    AttentionRow { href: format!("/threads/{}", t.slug), title: t.title, badge: attention::badge(t.reasons, t.since) }
}

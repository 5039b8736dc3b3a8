//! `/link-health`: the cited sources with dead or moved links, for curators to fix.

use actix_web::{HttpResponse, web};

use crate::auth::Visitor;
use crate::error::AppError;
use crate::ops::linkcheck::flagged::{self, FlaggedView};
use crate::render::format;
use crate::render::pages::link_health::{FlaggedRow, LinkHealthPage};
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/link-health").get(page));
}

async fn page(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let sources = flagged::list(&state.pool, visitor.user.as_ref()).await?;
    let any_yours = sources.iter().any(|s| s.yours);
    Ok(ok(&LinkHealthPage { chrome: Chrome::of(&visitor), sources: sources.into_iter().map(row).collect(), any_yours }))
}

fn row(s: FlaggedView) -> FlaggedRow {
    let when = |at| (format::moment(at), format::iso_timestamp(at));
    FlaggedRow {
        id: s.id,
        answer: flagged::answer_words(&s),
        title: s.title,
        url: s.url,
        status: s.status,
        status_words: s.status_words,
        checked: s.last_checked_at.map(when),
        final_url: s.final_url,
        failing_since: s.failing_since.map(when),
        threads: s.threads.into_iter().map(|(slug, title)| (format!("/threads/{slug}"), title)).collect(),
        yours: s.yours,
    }
}

//! Texts that cite: the markers are looked up and refused when they name nothing (422 with the
//! marker named), then rendered into footnotes, once, when the text is saved. The citations
//! come back with the HTML for the caller to store with the text (`db::citations`).

use chrono::{NaiveDate, NaiveTime};
use diesel::PgConnection;

use crate::db::{self, PgPool, citations};
use crate::domain::citation::{self, CiteBook, CiteCard, Target};
use crate::domain::thread::Tier;
use crate::error::AppError;
use crate::render::format;
use crate::render::markdown::{Rendered, cited_targets, render_cited};

use super::compute;
use super::markdown::RENDER_BUDGET;

/// The footnote cards of `targets`; a 422 naming the markers that are malformed or cite
/// nothing that exists.
pub fn book_in(conn: &mut PgConnection, targets: &[Target], malformed: &[String]) -> Result<CiteBook, AppError> {
    let mut source_ids: Vec<i64> =
        targets.iter().filter_map(|t| if let Target::Source(id) = t { Some(id.0) } else { None }).collect();
    let mut event_ids: Vec<i64> =
        targets.iter().filter_map(|t| if let Target::Event(id) = t { Some(id.0) } else { None }).collect();
    for ids in [&mut source_ids, &mut event_ids] {
        ids.sort_unstable();
        ids.dedup();
    }
    let mut book = CiteBook::new();
    for s in citations::source_cards(conn, &source_ids)? {
        let detail = [s.publisher.trim().to_owned(), s.published_on.map(day).unwrap_or_default()]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        book.insert(
            Target::Source(crate::domain::ids::SourceId(s.id)),
            CiteCard {
                title: s.title,
                detail,
                tier: Some(Tier::parse(&s.tier).unwrap_or(Tier::Secondary)),
                url: s.url,
                href: format!("/sources/{}", s.id),
            },
        );
    }
    for (id, title, on) in citations::event_cards(conn, &event_ids)? {
        book.insert(
            Target::Event(crate::domain::ids::EventId(id)),
            CiteCard { title, detail: day(on), tier: None, url: None, href: format!("/events/{id}") },
        );
    }
    let mut missing: Vec<Target> = targets.iter().copied().filter(|t| !book.contains_key(t)).collect();
    missing.sort_unstable();
    missing.dedup();
    match citation::refusal(&missing, malformed) {
        Some(message) => Err(AppError::Invalid(message)),
        None => Ok(book),
    }
}

fn day(on: NaiveDate) -> String {
    format::day(on.and_time(NaiveTime::MIN).and_utc())
}

/// Renders a text that may cite, on a connection already taken (merges, undos, items).
pub fn render_in(conn: &mut PgConnection, markdown: &str) -> Result<Rendered, AppError> {
    let (targets, malformed) = cited_targets(markdown);
    let book = book_in(conn, &targets, &malformed)?;
    Ok(render_cited(markdown, &book))
}

/// Renders a text that may cite: the markers are found and rendered within the render budget
/// off the connection, which only looks up what they cite.
pub async fn render(pool: &PgPool, markdown: String) -> Result<Rendered, AppError> {
    let (markdown, (targets, malformed)) = compute::bounded(RENDER_BUDGET, "reading the citations", move || {
        let found = cited_targets(&markdown);
        (markdown, found)
    })
    .await?;
    let book = if targets.is_empty() && malformed.is_empty() {
        CiteBook::new()
    } else {
        db::with_conn(pool, move |c| book_in(c, &targets, &malformed)).await?
    };
    compute::bounded(RENDER_BUDGET, "rendering the text", move || render_cited(&markdown, &book)).await
}

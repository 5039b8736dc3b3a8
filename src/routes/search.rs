//! `/search`: full-text search over threads and events.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::auth::Visitor;
use crate::domain::search::results_heading;
use crate::error::AppError;
use crate::ops::search::{self, SearchOutcome, SearchParams, SearchRequest};
use crate::render::pages::search::SearchPage;
use crate::render::pages::{Chrome, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the search page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/search").get(page));
}

fn empty_page(visitor: &Visitor, q: String, request: Option<&SearchRequest>) -> SearchPage {
    let [scopes, statuses, stances] = SearchRequest::choices(request);
    SearchPage {
        chrome: Chrome::of(visitor),
        q,
        scopes,
        statuses,
        stances,
        notice: None,
        error: None,
        searched: false,
        results: Vec::new(),
        count: String::new(),
        next_href: None,
    }
}

async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<SearchParams>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_inner();
    let (request, outcome) = match search::page(&state.pool, params.clone()).await {
        Ok(found) => found,
        // Too long: the form again, with their text, saying why (nothing typed is lost).
        Err(AppError::Invalid(message)) => {
            let filters = params.filters();
            let page = SearchPage {
                error: Some(message),
                ..empty_page(&visitor, params.q.unwrap_or_default(), filters.as_ref())
            };
            return Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        Err(other) => return Err(other),
    };
    let mut page = empty_page(&visitor, request.text.clone(), Some(&request));
    match outcome {
        SearchOutcome::NoText => {
            page.notice = Some("Type a word or two to search threads, events and sources.".to_owned());
        }
        SearchOutcome::NoTerms => page.notice = Some(search::no_terms_message(&request.text)),
        SearchOutcome::Hits { hits, next, found } => {
            page.searched = true;
            page.count = results_heading(found, &request.text);
            page.results = hits;
            page.next_href = next.map(|n| format!("/search?{}", request.next_query(&n)));
        }
    }
    Ok(ok(&page))
}

//! `/search`: full-text search over threads and events.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::query::encode;
use crate::auth::Visitor;
use crate::db::search::SearchCursor;
use crate::error::AppError;
use crate::ops::cursor;
use crate::ops::search::{self, Scope, SearchOutcome, SearchParams, SearchRequest};
use crate::render::pages::search::{ResultView, SearchPage, choices};
use crate::render::pages::{Chrome, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the search page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/search").get(page));
}

/// Validates the parameters and the cursor (shared by the page and the API).
pub fn request(params: &SearchParams) -> Result<(SearchRequest, Option<SearchCursor>), AppError> {
    let request = params.validate()?;
    let after = params.after.as_deref().filter(|a| !a.is_empty()).map(cursor::decode_search).transpose()?;
    Ok((request, after))
}

/// The query string of the next page: the same search, continuing after `next`.
pub fn next_query(request: &SearchRequest, next: SearchCursor) -> String {
    encode(&[
        ("q", request.text.clone()),
        ("type", if request.scope == Scope::All { String::new() } else { request.scope.as_str().to_owned() }),
        ("status", request.status.map(|s| s.as_str().to_owned()).unwrap_or_default()),
        ("stance", request.stance.map(|s| s.as_str().to_owned()).unwrap_or_default()),
        ("after", cursor::encode_search(next)),
    ])
}

fn empty_page(visitor: &Visitor, q: String, request: Option<&SearchRequest>) -> SearchPage {
    let [scopes, statuses, stances] = match request {
        Some(r) => choices(r.scope, r.status, r.stance),
        None => choices(Scope::All, None, None),
    };
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
        next_href: None,
    }
}

async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<SearchParams>,
) -> Result<HttpResponse, AppError> {
    let params = query.into_inner();
    let (request, after) = match request(&params) {
        Ok(valid) => valid,
        // Too long: the form again, with their text, saying why (nothing typed is lost).
        Err(AppError::Invalid(message)) => {
            let filters = SearchParams { q: None, ..params.clone() }.validate().ok();
            let page = SearchPage {
                error: Some(message),
                ..empty_page(&visitor, params.q.unwrap_or_default(), filters.as_ref())
            };
            return Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        Err(other) => return Err(other),
    };
    let mut page = empty_page(&visitor, request.text.clone(), Some(&request));
    match search::search(&state.pool, request.clone(), after).await? {
        SearchOutcome::NoText => {
            page.notice = Some("Type a word or two to search threads and events.".to_owned());
        }
        SearchOutcome::NoTerms => page.notice = Some(search::no_terms_message(&request.text)),
        SearchOutcome::Hits { hits, next } => {
            page.searched = true;
            page.results = hits.iter().map(ResultView::from).collect();
            page.next_href = next.map(|n| format!("/search?{}", next_query(&request, n)));
        }
    }
    Ok(ok(&page))
}

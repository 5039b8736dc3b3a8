//! Searching threads, events and sources: the query parameters, their validation, and one page of hits.

use diesel::PgConnection;
use serde::Deserialize;
use utoipa::IntoParams;

use super::cursor::{decode_search, encode_search};
use crate::db::search::{self, SearchCursor, SearchFilter};
use crate::db::{self, PgPool};
use crate::domain::thread::{Significance, Stance, Status, Tier};
use crate::error::AppError;
use crate::render::format;
use crate::render::highlight::segments;
use crate::render::pages::search::{Badge, Choice, ResultView};

/// A hit as the search query returns it, and its kind (the API serializes their fields).
pub use crate::db::search::{Hit, HitKind};

/// Longest search text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// Hits per page.
pub const PAGE_SIZE: i64 = 20;

/// `?q=&type=&status=&stance=&after=`, as the search form and the API send them. Empty values
/// mean "any" (the form's first option sends one).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to look for, as on a web search engine: `"a phrase"`, `or`, `-excluded`.
    /// At most 200 characters.
    pub q: Option<String>,
    /// `all` (default), `threads`, `events` or `sources`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub scope: Option<String>,
    /// Threads with this status only (`active`, `dormant`, `resolved`); leaves events out.
    pub status: Option<String>,
    /// Threads with this stance only (`contested`, `emerging_consensus`, `settled`); leaves events out.
    pub stance: Option<String>,
    /// The `next_cursor` of the previous page; absent for the first page.
    pub after: Option<String>,
}

/// What to search: all kinds, threads only or events only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Threads,
    Events,
    Sources,
}

impl Scope {
    /// Every scope, in the order the form offers them.
    pub const ALL: [Scope; 4] = [Scope::All, Scope::Threads, Scope::Events, Scope::Sources];

    /// The value in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Threads => "threads",
            Scope::Events => "events",
            Scope::Sources => "sources",
        }
    }

    /// The human label.
    pub fn label(self) -> &'static str {
        match self {
            Scope::All => "Threads, events and sources",
            Scope::Threads => "Threads",
            Scope::Events => "Events",
            Scope::Sources => "Sources",
        }
    }
}

/// The parameters, checked: the text (trimmed, maybe empty) and the filters.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub text: String,
    pub scope: Scope,
    pub status: Option<Status>,
    pub stance: Option<Stance>,
}

impl SearchRequest {
    /// The query string of the next page: the same search, continuing after `cursor` (the
    /// `next` of a page of hits).
    pub fn next_query(&self, cursor: &str) -> String {
        let pairs = [
            ("q", self.text.clone()),
            ("type", if self.scope == Scope::All { String::new() } else { self.scope.as_str().to_owned() }),
            ("status", self.status.map(|s| s.as_str().to_owned()).unwrap_or_default()),
            ("stance", self.stance.map(|s| s.as_str().to_owned()).unwrap_or_default()),
            ("after", cursor.to_owned()),
        ];
        // Empty values are left out, as the form's "any" options leave them.
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
            .finish()
    }

    /// The form's options for scope, status and stance, with this request's marked (for no
    /// request: the defaults).
    pub fn choices(request: Option<&SearchRequest>) -> [Vec<Choice>; 3] {
        let (scope, status, stance) = request.map_or((Scope::All, None, None), |r| (r.scope, r.status, r.stance));
        [
            Scope::ALL.iter().map(|s| Choice { value: s.as_str(), label: s.label(), selected: *s == scope }).collect(),
            Status::ALL
                .iter()
                .map(|s| Choice { value: s.as_str(), label: s.label(), selected: Some(*s) == status })
                .collect(),
            Stance::ALL
                .iter()
                .map(|s| Choice { value: s.as_str(), label: s.label(), selected: Some(*s) == stance })
                .collect(),
        ]
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl SearchParams {
    /// The filters alone, checked as if nothing were typed: what the form shows again when the
    /// text is refused (none when a filter is not valid either).
    pub fn filters(&self) -> Option<SearchRequest> {
        SearchParams { q: None, ..self.clone() }.validate().ok()
    }

    /// Checks the parameters (not the cursor: `request` checks both): an
    /// unknown type, status or stance, or a control character in the text, is a 400; a text
    /// over `MAX_QUERY_CHARS` a 422.
    pub fn validate(&self) -> Result<SearchRequest, AppError> {
        let raw = self.q.as_deref().unwrap_or_default();
        if raw.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            return Err(AppError::BadRequest("the search text contains control characters".to_owned()));
        }
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::Invalid(format!(
                "the search text is too long: at most {MAX_QUERY_CHARS} characters, please"
            )));
        }
        let scope = match given(&self.scope) {
            None => Scope::All,
            Some(s) => Scope::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| {
                AppError::BadRequest(format!("there is no type \"{s}\" to search: use all, threads, events or sources"))
            })?,
        };
        let status = given(&self.status)
            .map(|s| {
                Status::parse(s).ok_or_else(|| {
                    AppError::BadRequest(format!("there is no status \"{s}\": use active, dormant or resolved"))
                })
            })
            .transpose()?;
        let stance = given(&self.stance)
            .map(|s| {
                Stance::parse(s).ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "there is no stance \"{s}\": use contested, emerging_consensus or settled"
                    ))
                })
            })
            .transpose()?;
        Ok(SearchRequest { text, scope, status, stance })
    }
}

/// What a search found: hits as the query returns them (`Hit`), or as the page shows them.
#[derive(Debug)]
pub enum SearchOutcome<H = Hit> {
    /// Nothing was typed.
    NoText,
    /// The text has nothing to look up: only very common words, punctuation or excluded words.
    NoTerms,
    /// A page of hits, best first, and the encoded cursor of the next page.
    /// `found` counts every page's hits, up to one past `domain::search::COUNT_CAP`.
    Hits { hits: Vec<H>, next: Option<String>, found: i64 },
}

/// The message for `SearchOutcome::NoTerms`.
pub fn no_terms_message(text: &str) -> String {
    format!(
        "“{text}” has no words to search for: very common words (such as “the” or “of”) and punctuation are \
         ignored, and a search needs at least one word that is not excluded with “-”."
    )
}

/// Checks the parameters and the cursor: an unknown filter value or a malformed cursor is a 400,
/// a text over `MAX_QUERY_CHARS` a 422.
pub fn request(params: &SearchParams) -> Result<(SearchRequest, Option<SearchCursor>), AppError> {
    let request = params.validate()?;
    let after = params.after.as_deref().filter(|a| !a.is_empty()).map(decode_search).transpose()?;
    Ok((request, after))
}

/// One page of hits for a checked request, after `after`.
pub fn search_in(
    conn: &mut PgConnection,
    request: &SearchRequest,
    after: Option<SearchCursor>,
) -> Result<SearchOutcome, AppError> {
    if request.text.is_empty() {
        return Ok(SearchOutcome::NoText);
    }
    if !search::has_terms(conn, &request.text)? {
        return Ok(SearchOutcome::NoTerms);
    }
    let filter = SearchFilter {
        threads: matches!(request.scope, Scope::All | Scope::Threads),
        events: matches!(request.scope, Scope::All | Scope::Events),
        sources: matches!(request.scope, Scope::All | Scope::Sources),
        text: request.text.clone(),
        status: request.status,
        stance: request.stance,
    };
    let rows = search::page(conn, &filter, after, PAGE_SIZE + 1)?;
    let found = rows.first().map_or(0, |h| h.found);
    let (hits, next) = db::keyset_page(rows, PAGE_SIZE, Hit::cursor);
    Ok(SearchOutcome::Hits { hits, next: next.map(encode_search), found })
}

/// Runs a search from its parameters: the checked request and one page of hits.
pub async fn search(pool: &PgPool, params: SearchParams) -> Result<(SearchRequest, SearchOutcome), AppError> {
    let (request, after) = request(&params)?;
    if request.text.is_empty() {
        // Nothing to look up: no connection needed.
        return Ok((request, SearchOutcome::NoText));
    }
    db::with_conn(pool, move |c| {
        let outcome = search_in(c, &request, after)?;
        Ok((request, outcome))
    })
    .await
}

/// The search page's results: [`search`], with the hits as the page shows them.
pub async fn page(pool: &PgPool, params: SearchParams) -> Result<(SearchRequest, SearchOutcome<ResultView>), AppError> {
    let (request, outcome) = search(pool, params).await?;
    let outcome = match outcome {
        SearchOutcome::NoText => SearchOutcome::NoText,
        SearchOutcome::NoTerms => SearchOutcome::NoTerms,
        SearchOutcome::Hits { hits, next, found } => {
            SearchOutcome::Hits { hits: hits.iter().map(result_view).collect(), next, found }
        }
    };
    Ok((request, outcome))
}

/// A hit as the results page shows it.
fn result_view(h: &Hit) -> ResultView {
    let kind = h.kind();
    let mut badges = Vec::new();
    if let Some(s) = h.status.as_deref().and_then(Status::parse) {
        badges.push(Badge { class: format!("status-{}", s.as_str()), label: s.label() });
    }
    if let Some(s) = h.stance.as_deref().and_then(Stance::parse) {
        badges.push(Badge { class: format!("stance-{}", s.as_str()), label: s.label() });
    }
    if let Some(s) = h.significance.as_deref().and_then(Significance::parse) {
        badges.push(Badge { class: format!("significance-{}", s.as_str()), label: s.label() });
    }
    if let Some(t) = h.tier.as_deref().and_then(Tier::parse) {
        badges.push(Badge { class: format!("tier-{}", t.as_str()), label: t.label() });
    }
    ResultView {
        kind: kind.as_str(),
        kind_label: match kind {
            HitKind::Thread => "Thread",
            HitKind::Event => "Event",
            HitKind::Source => "Source",
        },
        title: h.title.clone(),
        href: hit_href(h),
        snippet: segments(&h.snippet),
        badges,
        date: h.occurred_on.map(|d| (format::event_date(d), d.to_string())),
    }
}

/// The page a hit links to: `/threads/{slug}` or `/events/{id}`.
pub fn hit_href(h: &Hit) -> String {
    match h.kind() {
        HitKind::Thread => format!("/threads/{}", h.slug),
        HitKind::Event => format!("/events/{}", h.id),
        HitKind::Source => format!("/sources/{}", h.id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> SearchParams {
        SearchParams { q: Some(q.to_owned()), ..SearchParams::default() }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(params("  open \n weights ").validate().unwrap().text, "open weights");
        assert_eq!(SearchParams::default().validate().unwrap().text, "");
        assert!(params(&"x".repeat(MAX_QUERY_CHARS)).validate().is_ok());
        assert!(matches!(params(&"x".repeat(MAX_QUERY_CHARS + 1)).validate(), Err(AppError::Invalid(_))));
        assert!(matches!(params("a\u{0}b").validate(), Err(AppError::BadRequest(_))));
        assert!(matches!(params("a\u{2}b").validate(), Err(AppError::BadRequest(_))));
    }

    #[test]
    fn filters_parse_and_unknown_values_are_bad_requests() {
        let ok = SearchParams {
            scope: Some("events".to_owned()),
            status: Some("".to_owned()),
            stance: Some("settled".to_owned()),
            ..params("x")
        }
        .validate()
        .unwrap();
        assert_eq!(ok.scope, Scope::Events);
        assert_eq!(ok.status, None);
        assert_eq!(ok.stance, Some(Stance::Settled));
        for bad in [
            SearchParams { scope: Some("people".to_owned()), ..params("x") },
            SearchParams { status: Some("asleep".to_owned()), ..params("x") },
            SearchParams { stance: Some("' OR 1=1".to_owned()), ..params("x") },
        ] {
            assert!(matches!(bad.validate(), Err(AppError::BadRequest(_))), "{bad:?}");
        }
    }
}

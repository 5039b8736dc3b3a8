//! The curators' list of flagged links: dead and redirected sources cited by some thread's
//! current text, with what the checker found, in words.

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use crate::auth::CurrentUser;
use crate::db::link_checks::{self, FlaggedSource};
use crate::db::{self, PgPool};
use crate::domain::ids::UserId;
use crate::domain::thread::LinkStatus;
use crate::error::AppError;

/// The most sources the list shows.
pub const LIMIT: i64 = 200;

/// A flagged source as the page and the API show it.
#[derive(Debug, Clone)]
pub struct FlaggedView {
    pub id: i64,
    pub title: String,
    pub url: String,
    /// The stored status (`dead` or `redirected`).
    pub status: &'static str,
    /// The status in words.
    pub status_words: &'static str,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub status_code: Option<i32>,
    pub final_url: Option<String>,
    /// What went wrong, in words (empty for a redirect).
    pub error: String,
    pub failing_since: Option<DateTime<Utc>>,
    /// The citing threads: (slug, title).
    pub threads: Vec<(String, String)>,
    /// Whether the reader curates one of them.
    pub yours: bool,
}

impl From<FlaggedSource> for FlaggedView {
    fn from(s: FlaggedSource) -> Self {
        let status = LinkStatus::parse(&s.link_status).unwrap_or(LinkStatus::Dead);
        FlaggedView {
            id: s.id,
            title: s.title,
            url: s.url,
            status: status.as_str(),
            status_words: status.label(),
            last_checked_at: s.last_checked_at,
            status_code: s.last_status_code,
            final_url: s.final_url,
            error: s.check_error,
            failing_since: s.failing_since,
            threads: s.thread_slugs.into_iter().zip(s.thread_titles).collect(),
            yours: s.curated,
        }
    }
}

/// What the last check found, in words: "the server answered 404 Not Found", "it now leads to
/// another address", or the checker's own description of a failure without an answer.
pub fn answer_words(s: &FlaggedView) -> String {
    match (s.status_code, s.error.is_empty()) {
        (_, false) => s.error.clone(),
        (Some(code), true) => {
            let reason = u16::try_from(code)
                .ok()
                .and_then(|c| reqwest::StatusCode::from_u16(c).ok())
                .and_then(|c| c.canonical_reason())
                .unwrap_or("");
            format!("the server answered {code} {reason}").trim_end().to_owned()
        }
        (None, true) => "no answer".to_owned(),
    }
}

/// The flagged sources, those cited by threads `reader` curates first.
pub fn list_in(conn: &mut PgConnection, reader: Option<UserId>) -> Result<Vec<FlaggedView>, AppError> {
    Ok(link_checks::flagged(conn, reader, LIMIT)?.into_iter().map(FlaggedView::from).collect())
}

/// See [`list_in`].
pub async fn list(pool: &PgPool, reader: Option<&CurrentUser>) -> Result<Vec<FlaggedView>, AppError> {
    let reader = reader.map(|u| u.id);
    db::with_conn(pool, move |c| list_in(c, reader)).await
}

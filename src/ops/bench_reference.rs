//! The reference page of `bench/run` (issue 18, item 6): the demo thread page as an anonymous
//! reader sees it, rendered by the same templates on every request from data loaded from the
//! database once and then kept. Thread page views are measured against it, so the ratio says
//! what reading the database (and everything else a view does) costs on top of rendering.
//! Served only with `AGORA_BENCH_REFERENCE=1` (`config::BenchSettings`).

use std::sync::Arc;

use tokio::sync::OnceCell;

use crate::config::AttentionSettings;
use crate::db::thread_page::{self, ThreadPageData};
use crate::db::{self, PgPool};
use crate::error::AppError;
use crate::render::pages::Chrome;
use crate::render::pages::threads::ThreadPage;
use crate::render::timeline::MAX_REVISIONS;

/// The thread the reference page shows: the demo (`agora seed-demo`, `serve --demo`).
pub const SLUG: &str = "open-vs-closed-weights";

/// The reference page: the demo's data from `kept` (loaded on the first request), built and
/// decided as `thread_page::page` does for an anonymous reader. The caller renders it.
pub async fn page(
    pool: &PgPool,
    kept: &OnceCell<Arc<ThreadPageData>>,
    chrome: Chrome,
    attention: &AttentionSettings,
) -> Result<ThreadPage, AppError> {
    let data = kept
        .get_or_try_init(|| db::with_conn(pool, |c| thread_page::load(c, SLUG, MAX_REVISIONS).map(Arc::new)))
        .await?;
    let mut page = super::thread_page::build(chrome, data, false, false);
    page.attention = super::attention::badge_of_page(data, attention, chrono::Utc::now());
    Ok(page)
}

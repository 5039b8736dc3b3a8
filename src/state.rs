//! What every handler can reach: the pool, the page cache and the settings requests need.
//!
//! It sits beside `config` rather than in `startup` so that `auth` (whose extractors read the
//! session) and `routes` can name it without depending on how the server is assembled.

use std::sync::Arc;

use tokio::sync::{OnceCell, Semaphore};

use crate::config::{AttentionSettings, FairnessSettings, TokenSettings};
use crate::db::PgPool;
/// What `routes::page_cache` keeps of a page (routes reach the cache through the state only).
pub use crate::db::page_cache::CachedPage;
use crate::db::page_cache::PageCache;
use crate::db::replicas::Replicas;
use crate::db::thread_page::{ThreadPageCache, ThreadPageData};

/// What every handler can reach.
pub struct AppState {
    pub pool: PgPool,
    pub cookie_secure: bool,
    /// One argon2 hash per core at a time (see `auth::login`).
    pub hashing: Semaphore,
    /// Thread pages' data, checked against the thread's version on every view.
    pub thread_pages: ThreadPageCache,
    /// Where readers reach the site (see `Settings::public_url`).
    pub public_url: String,
    /// Whether SMTP is configured, so readers can get e-mail digests.
    pub mail_enabled: bool,
    /// When a thread needs attention.
    pub attention: AttentionSettings,
    /// The fair-summary model's thresholds (the fitter has its own copy).
    pub fairness: FairnessSettings,
    /// Read replicas and their last known state (empty: every read goes to the primary).
    pub replicas: Replicas,
    /// Anonymous pages as rendered, emptied on every change (`routes::page_cache`).
    pub pages: Arc<PageCache>,
    /// Personal API tokens: the per-token rate limit.
    pub tokens: TokenSettings,
    /// `bench/run`'s reference page's data, kept once loaded (`Some` only with
    /// `AGORA_BENCH_REFERENCE=1`; see `ops::bench_reference`).
    pub bench_reference: Option<OnceCell<Arc<ThreadPageData>>>,
}

impl AsRef<ThreadPageCache> for AppState {
    /// Lets operations that read thread pages take the state without naming it.
    fn as_ref(&self) -> &ThreadPageCache {
        &self.thread_pages
    }
}

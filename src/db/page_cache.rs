//! The in-process cache of pages rendered for anonymous visitors, and what keeps it current: the
//! database's change notifications (`db::change_listener`), a generation counter that refuses
//! entries rendered from data older than the last invalidation, and a flag that stops serving
//! while the listener is not connected (a change made then would not be heard of).
//!
//! It lives beside the database because its correctness is the database's: an entry may be
//! served only while every committed change since it was rendered is known to have emptied it.
//! The HTTP side (keys, validators, `304`) is `routes::page_cache`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use actix_web::http::header::HeaderMap;
use bytes::Bytes;
use moka::sync::Cache;

use crate::config::PageCacheSettings;

/// A page as it was answered: headers (content type, validators), body and when it was made.
#[derive(Debug)]
pub struct CachedPage {
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The strong entity tag's opaque part (without quotes).
    pub etag: String,
    /// When the page's content last changed, as far as this instance knows (second precision).
    pub last_modified: SystemTime,
}

/// What a render saw when it started; `PageCache::store` accepts its result only if nothing
/// was invalidated since (see `Generation`).
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    generation: u64,
    listening: bool,
}

/// The cache of anonymous pages, by path and query. One per instance, shared by its workers.
pub struct PageCache {
    pages: Cache<String, Arc<CachedPage>>,
    settings: PageCacheSettings,
    enabled: bool,
    /// Bumped before every invalidation: a render that began under an older generation may have
    /// read data from before the change, so its page is not kept.
    generation: AtomicU64,
    /// Whether the change listener is connected and listening: only then are entries served
    /// or kept.
    listening: AtomicBool,
    /// Connections lost (or notifications not understood) so far, for tests and logs.
    gaps: AtomicU64,
    /// Successful `LISTEN`s so far.
    connects: AtomicU64,
    /// `application_name` of this instance's listener connection, unique per cache so that an
    /// operator (or a test) can find it in `pg_stat_activity`.
    listener_name: String,
}

impl PageCache {
    /// An empty cache bounded by `settings.max_bytes` of bodies, entries living at most
    /// `settings.ttl`. Serves nothing until the listener says it is connected.
    pub fn new(settings: &PageCacheSettings) -> Self {
        let pages = Cache::builder()
            .max_capacity(settings.max_bytes)
            .weigher(|key: &String, page: &Arc<CachedPage>| {
                let headers: usize = page.headers.iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
                u32::try_from(key.len() + page.body.len() + headers).unwrap_or(u32::MAX)
            })
            .time_to_live(settings.ttl)
            .build();
        let id = uuid::Uuid::new_v4().simple().to_string();
        PageCache {
            pages,
            settings: *settings,
            enabled: settings.enabled,
            generation: AtomicU64::new(0),
            listening: AtomicBool::new(false),
            gaps: AtomicU64::new(0),
            connects: AtomicU64::new(0),
            listener_name: format!("agora-page-cache-{}", &id[..12]),
        }
    }

    /// What it was built with (the HTTP side reads the `Cache-Control` figures here too).
    pub fn settings(&self) -> &PageCacheSettings {
        &self.settings
    }

    /// Whether pages are kept at all (`AGORA_PAGE_CACHE`).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The page stored under `key`, if it may be served now.
    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        if !self.enabled || !self.listening.load(Ordering::SeqCst) {
            return None;
        }
        self.pages.get(key)
    }

    /// Taken before rendering a page that may be stored.
    pub fn ticket(&self) -> Ticket {
        // Read `listening` after the generation: a reconnect sets it after bumping the generation,
        // so a render that sees it set has a generation at least as new as that reconnect.
        let generation = self.generation.load(Ordering::SeqCst);
        Ticket { generation, listening: self.listening.load(Ordering::SeqCst) }
    }

    /// Keeps `page` under `key` unless something was invalidated since `ticket` was taken.
    pub fn store(&self, ticket: Ticket, key: String, page: Arc<CachedPage>) {
        if !self.enabled || !ticket.listening || self.generation.load(Ordering::SeqCst) != ticket.generation {
            return;
        }
        self.pages.insert(key.clone(), page);
        // An invalidation between the check and the insert bumped the generation before it
        // emptied the cache; if that emptying ran before our insert, take the entry out again.
        if self.generation.load(Ordering::SeqCst) != ticket.generation {
            self.pages.invalidate(&key);
        }
        self.report_size();
    }

    /// Drops every entry: something a public page shows changed. Dropping all rather than the
    /// affected pages is deliberate: reads outnumber writes about 1000 to 1, so re-rendering the
    /// few pages read before the next write costs less than tracking what each page shows.
    pub fn invalidate_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.pages.invalidate_all();
        metrics::counter!("agora_page_cache_invalidations_total").increment(1);
        self.report_size();
    }

    /// The listener lost its connection (or could not read a notification): nothing is served
    /// or kept until it listens again, and everything held is dropped.
    pub fn gap(&self) {
        self.listening.store(false, Ordering::SeqCst);
        self.gaps.fetch_add(1, Ordering::SeqCst);
        self.invalidate_all();
    }

    /// The listener is listening again. Changes committed while it was away were not heard of,
    /// so everything is dropped before serving resumes.
    pub fn listening(&self) {
        self.invalidate_all();
        self.connects.fetch_add(1, Ordering::SeqCst);
        self.listening.store(true, Ordering::SeqCst);
    }

    /// Whether the listener is connected now.
    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::SeqCst)
    }

    /// Gaps (lost connections, unreadable notifications) so far.
    pub fn gaps(&self) -> u64 {
        self.gaps.load(Ordering::SeqCst)
    }

    /// Successful connections of the listener so far.
    pub fn connects(&self) -> u64 {
        self.connects.load(Ordering::SeqCst)
    }

    /// The listener connection's `application_name`.
    pub fn listener_name(&self) -> &str {
        &self.listener_name
    }

    /// The weighted size (bytes of keys, headers and bodies) after pending evictions ran.
    pub fn weighted_bytes(&self) -> u64 {
        self.pages.run_pending_tasks();
        self.pages.weighted_size()
    }

    /// Entries held, after pending evictions ran.
    pub fn entry_count(&self) -> u64 {
        self.pages.run_pending_tasks();
        self.pages.entry_count()
    }

    fn report_size(&self) {
        // `weighted_size` is moka's running figure (evictions may lag a little behind inserts).
        #[expect(clippy::cast_precision_loss, reason = "a gauge; bytes far below 2^52")]
        metrics::gauge!("agora_page_cache_bytes").set(self.pages.weighted_size() as f64);
    }
}

/// The wait before reconnect attempt `n` (0-based): `first`, doubled per failure, at most 10 s.
pub fn backoff(first: Duration, attempt: u32) -> Duration {
    first.saturating_mul(1u32 << attempt.min(16)).min(Duration::from_secs(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PageCacheSettings {
        PageCacheSettings { max_bytes: 10_000, ..PageCacheSettings::default() }
    }

    fn page(body: &str) -> Arc<CachedPage> {
        Arc::new(CachedPage {
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            etag: "\"x\"".into(),
            last_modified: SystemTime::UNIX_EPOCH,
        })
    }

    #[test]
    fn nothing_is_served_or_kept_until_the_listener_listens() {
        let cache = PageCache::new(&settings());
        let ticket = cache.ticket();
        cache.store(ticket, "/".into(), page("a"));
        assert!(cache.get("/").is_none());
        cache.listening();
        assert!(cache.get("/").is_none(), "a ticket from before the listener connected is refused");
        cache.store(cache.ticket(), "/".into(), page("a"));
        assert_eq!(cache.get("/").map(|p| p.body.clone()), Some(Bytes::from("a")));
        cache.gap();
        assert!(cache.get("/").is_none(), "nothing is served while the listener is away");
        cache.listening();
        assert!(cache.get("/").is_none(), "and nothing held before the gap survives it");
    }

    #[test]
    fn a_page_rendered_before_an_invalidation_is_not_kept() {
        let cache = PageCache::new(&settings());
        cache.listening();
        let ticket = cache.ticket();
        cache.invalidate_all();
        cache.store(ticket, "/".into(), page("old"));
        assert!(cache.get("/").is_none());
    }

    #[test]
    fn backoff_doubles_up_to_ten_seconds() {
        let first = Duration::from_millis(100);
        assert_eq!(backoff(first, 0), first);
        assert_eq!(backoff(first, 3), Duration::from_millis(800));
        assert_eq!(backoff(first, 30), Duration::from_secs(10));
    }
}

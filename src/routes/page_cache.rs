//! HTTP caching of what anonymous visitors see, in one middleware: validators, `304`s, the
//! shared-cache policy and the in-process cache of rendered pages (`db::page_cache`).
//!
//! An anonymous `GET` (or `HEAD`, routed as `GET`) is one without a session or flash cookie and
//! without an `Authorization` header. Its `200` answer is *shareable* when nothing closer to the
//! handler made it private: no `Set-Cookie` (`auth::visitor` sets the CSRF cookie only with a
//! body that carries the token), no `Cache-Control` of its own (`auth::privacy` marks pages with
//! a token `private, no-store`; assets and private feeds choose theirs), and a body in memory.
//! A shareable answer gets a strong `ETag` (a hash of the body, the build's fingerprint and the
//! viewer class), `Last-Modified` and `Cache-Control: public, max-age=0, s-maxage=…,
//! stale-while-revalidate=…`, is kept in memory, and is answered from memory (with `304` when
//! the client's copy is current) until a change empties the cache: no database round trip.
//!
//! Signed-in views never come here: they keep the thread page's version check and say
//! `private, no-store`. Writes through this instance empty the cache as soon as they are
//! answered, so whoever wrote reads their write here without waiting for the notification.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    self, EntityTag, HeaderMap, HeaderName, HeaderValue, HttpDate, IfModifiedSince, IfNoneMatch,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::auth::session::{FLASH_COOKIE, SESSION_COOKIE};
use crate::render::assets::ASSETS;
use crate::state::{AppState, CachedPage};

/// Paths whose answers are never kept nor marked public: the health check must reach the
/// database every time, assets carry their own year-long policy, and bench/run's reference page
/// (`routes::bench`) is the yardstick of rendering from memory, so it must render every time.
const NEVER: [&str; 3] = ["/healthz", "/static/", "/bench/"];

/// Says whether a shareable answer came from memory (`hit`) or was rendered (`miss`), for
/// operators and tests, as shared caches commonly do.
const X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// The viewer class in every tag: only anonymous pages are tagged, but a class of its own keeps
/// a tag from ever meaning two different views.
const VIEWER_CLASS: &str = "anon";

/// What changes every page when the build does: the crate's version and the content hashes of
/// the assets (their URLs). Template changes need no entry here: whatever they change in a page
/// changes its body, which the tag hashes.
static FINGERPRINT: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for asset in ASSETS.all() {
        hasher.update(asset.url.as_bytes());
    }
    hex::encode(&hasher.finalize()[..8])
});

/// See the module. Sits inside `Compress` (so it sees and keeps bodies uncompressed) and outside
/// the visitor, CSRF and privacy layers (so a hit touches none of them).
pub async fn serve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let pages = Arc::clone(&state.pages);
    if !req.method().is_safe() {
        let res = next.call(req).await?;
        // The write has committed by now (the handler's transaction ended with the response).
        if pages.enabled() && (res.status().is_success() || res.status().is_redirection()) {
            pages.invalidate_all();
        }
        return Ok(res.map_into_boxed_body());
    }
    if !is_cacheable_read(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let key = req.uri().path_and_query().map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
    let conditions = Conditions::of(&req);
    let policy = shared_policy(&state);
    // Only a request that shows no session may be answered from memory: whether its route looks
    // at the visitor is known only once it is routed.
    let anonymous = is_anonymous(&req);
    if anonymous && let Some(page) = pages.get(&key) {
        metrics::counter!("agora_page_cache_hits_total").increment(1);
        let mut res = answer(&page, &conditions, policy);
        res.headers_mut().insert(X_CACHE, HeaderValue::from_static("hit"));
        return Ok(req.into_response(res));
    }
    if anonymous && pages.enabled() {
        metrics::counter!("agora_page_cache_misses_total").increment(1);
        // A page kept here must be no older than the last change this instance was told of; a
        // replica may not have replayed that change yet, so a page to keep renders on the primary.
        crate::auth::read_your_writes::read_from_primary(&req);
    }
    let ticket = pages.ticket();
    // No handler inside answers conditions on a shareable page (the private feed answers its
    // own, and is not shareable): they are decided here, against the rendered page's tag.
    let res = next.call(req).await?.map_into_boxed_body();
    // Whatever the request carried, a response nothing inside made private and that sets no
    // cookie is the same for everyone (signed-in views are `private, no-store` by then).
    if !is_shareable(&res) {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let body = match body.try_into_bytes() {
        Ok(bytes) => bytes,
        // A streamed body is passed on untouched (no handler of ours streams a page).
        Err(body) => return Ok(ServiceResponse::new(req, head.set_body(body))),
    };
    let page = Arc::new(page_of(head.headers(), body));
    pages.store(ticket, key, Arc::clone(&page));
    let mut res = answer(&page, &conditions, policy);
    res.headers_mut().insert(X_CACHE, HeaderValue::from_static("miss"));
    Ok(ServiceResponse::new(req, res))
}

/// The page to keep: the handler's headers (content type and any others) without the ones
/// this layer decides, a tag of the body, and the handler's `Last-Modified` (a feed's newest
/// entry) or else now.
fn page_of(handler_headers: &HeaderMap, body: Bytes) -> CachedPage {
    let last_modified = handler_headers
        .get(header::LAST_MODIFIED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<HttpDate>().ok())
        .map_or_else(SystemTime::now, SystemTime::from);
    let mut headers = handler_headers.clone();
    for name in [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL, header::CONTENT_LENGTH] {
        headers.remove(name);
    }
    CachedPage { headers, etag: tag_of(&body), body, last_modified }
}

/// A `GET` (or `HEAD`) of a path whose answers may be shared.
fn is_cacheable_read(req: &ServiceRequest) -> bool {
    req.method() == Method::GET
        && !NEVER.iter().any(|p| req.path() == *p || (p.ends_with('/') && req.path().starts_with(p)))
}

/// No session, no flash to show, no credentials: the page is the same for every such visitor.
fn is_anonymous(req: &ServiceRequest) -> bool {
    req.cookie(SESSION_COOKIE).is_none()
        && req.cookie(FLASH_COOKIE).is_none()
        && !req.headers().contains_key(header::AUTHORIZATION)
}

/// A `200` that no inner layer made private or gave a policy of its own, and that sets nothing.
fn is_shareable(res: &ServiceResponse<BoxBody>) -> bool {
    res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CACHE_CONTROL)
}

/// What shared caches are told about anonymous pages: reuse for `s-maxage` seconds, then serve
/// stale for up to `stale-while-revalidate` more while asking again; browsers ask every time
/// (`max-age=0`), which costs them a `304` at most.
fn shared_policy(state: &AppState) -> HeaderValue {
    let s = state.pages.settings();
    HeaderValue::from_str(&format!(
        "public, max-age=0, s-maxage={}, stale-while-revalidate={}",
        s.s_maxage, s.stale_while_revalidate
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("public, max-age=0"))
}

/// The strong tag of a body: it names the identity-encoded bytes (`Compress` re-encodes per
/// request and says `Vary: Accept-Encoding`, so caches keep encodings apart).
fn tag_of(body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT.as_bytes());
    hasher.update([0]);
    hasher.update(VIEWER_CLASS.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hex::encode(&hasher.finalize()[..16])
}

/// The request's validators.
struct Conditions {
    none_match: Option<IfNoneMatch>,
    modified_since: Option<SystemTime>,
}

impl Conditions {
    fn of(req: &ServiceRequest) -> Self {
        let none_match =
            if req.headers().contains_key(header::IF_NONE_MATCH) { req.get_header::<IfNoneMatch>() } else { None };
        let modified_since = req.get_header::<IfModifiedSince>().map(|IfModifiedSince(d)| SystemTime::from(d));
        Conditions { none_match, modified_since }
    }

    /// Whether the client's copy is current (RFC 9110 §13.2.2: If-None-Match, with the weak
    /// comparison, decides when sent; else If-Modified-Since, to the second).
    fn fresh(&self, tag: &EntityTag, last_modified: SystemTime) -> bool {
        match &self.none_match {
            Some(IfNoneMatch::Any) => true,
            Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(tag)),
            None => self.modified_since.is_some_and(|since| secs(last_modified) <= secs(since)),
        }
    }
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `200` with the page, or `304` with its validators when the client's copy is current.
fn answer(page: &CachedPage, conditions: &Conditions, policy: HeaderValue) -> HttpResponse {
    let tag = EntityTag::new_strong(page.etag.clone());
    let last_modified = UNIX_EPOCH + Duration::from_secs(secs(page.last_modified));
    let mut res = if conditions.fresh(&tag, last_modified) {
        HttpResponse::NotModified().finish()
    } else {
        let mut res = HttpResponse::Ok().body(page.body.clone());
        for (name, value) in &page.headers {
            res.headers_mut().append(name.clone(), value.clone());
        }
        res
    };
    let headers = res.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&tag.to_string()) {
        headers.insert(header::ETAG, value);
    }
    if let Ok(value) = HeaderValue::from_str(&HttpDate::from(last_modified).to_string()) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    headers.insert(header::CACHE_CONTROL, policy);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conditions(none_match: Option<IfNoneMatch>, modified_since: Option<u64>) -> Conditions {
        Conditions { none_match, modified_since: modified_since.map(|s| UNIX_EPOCH + Duration::from_secs(s)) }
    }

    #[test]
    fn if_none_match_decides_and_if_modified_since_counts_whole_seconds() {
        let tag = EntityTag::new_strong("abc".into());
        let at = UNIX_EPOCH + Duration::from_millis(1_000_500);
        let same = IfNoneMatch::Items(vec![EntityTag::new_weak("abc".into())]);
        let other = IfNoneMatch::Items(vec![EntityTag::new_strong("abd".into())]);
        assert!(conditions(Some(same), None).fresh(&tag, at));
        assert!(conditions(Some(IfNoneMatch::Any), None).fresh(&tag, at));
        assert!(!conditions(Some(other), Some(2_000)).fresh(&tag, at), "If-Modified-Since is ignored then");
        assert!(conditions(None, Some(1_000)).fresh(&tag, at));
        assert!(!conditions(None, Some(999)).fresh(&tag, at));
        assert!(!conditions(None, None).fresh(&tag, at));
    }

    #[test]
    fn tags_differ_with_the_body_only() {
        assert_eq!(tag_of(b"<p>a</p>"), tag_of(b"<p>a</p>"));
        assert_ne!(tag_of(b"<p>a</p>"), tag_of(b"<p>b</p>"));
        assert_eq!(tag_of(b"").len(), 32);
    }
}

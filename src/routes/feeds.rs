//! Atom feeds over HTTP, with conditional GET (ETag / If-None-Match, Last-Modified /
//! If-Modified-Since → 304), and the account page that manages the private feed's URL.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::header::{self, EntityTag, HttpDate, IfModifiedSince, IfNoneMatch};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::see_other;
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::error::AppError;
use crate::ops::feeds;
use crate::render::feeds::{AtomDoc, Site};
use crate::render::format;
use crate::render::pages::account::FeedTokenPage;
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// The media type of every feed.
pub const ATOM: &str = "application/atom+xml; charset=utf-8";

/// Registers the feeds. They need no visitor: anonymous views, read-only, no cookies.
pub fn configure_public(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/feed.atom").get(thread_feed))
        .add(at("/recent.atom").get(recent_feed))
        .add(at("/events.atom").get(events_feed))
        .add(at("/feeds/following/{token}.atom").get(following_feed));
}

/// Registers the private feed's account page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/account/feed").get(token_page).post(issue_token))
        .add(at("/account/feed/revoke").post(revoke_token));
}

fn site(state: &AppState) -> Site {
    Site::new(&state.public_url)
}

async fn thread_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let doc = feeds::thread(&state.pool, site(&state), slug.into_inner()).await?;
    Ok(respond(&req, &doc, Audience::Public))
}

async fn recent_feed(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let doc = feeds::recent(&state.pool, site(&state)).await?;
    Ok(respond(&req, &doc, Audience::Public))
}

async fn events_feed(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let doc = feeds::events(&state.pool, site(&state)).await?;
    Ok(respond(&req, &doc, Audience::Public))
}

async fn following_feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let doc = feeds::following(&state.pool, site(&state), token.into_inner()).await?;
    Ok(respond(&req, &doc, Audience::Private))
}

/// Who may keep a copy: anyone's cache, or only the reader's own client.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Audience {
    Public,
    Private,
}

/// 200 with the feed, or (private feed) 304 when the client's copy is current.
///
/// Public feeds are answered like every public page (`routes::page_cache`: a strong tag of the
/// body, `Last-Modified` (the newest entry's time, given here), the shared-cache policy, `304`s,
/// kept in memory). The private feed's body is never kept: it has its own weak tag, answers its
/// conditions here (If-None-Match decides when sent, RFC 9110 §13.1.3) and says `private,
/// no-store`, because its URL is the secret.
fn respond(req: &HttpRequest, doc: &AtomDoc, audience: Audience) -> HttpResponse {
    let modified_secs = doc.updated.timestamp().max(0);
    let last_modified = UNIX_EPOCH + Duration::from_secs(modified_secs.unsigned_abs());
    let mut res = HttpResponse::Ok();
    res.insert_header((header::LAST_MODIFIED, HttpDate::from(last_modified).to_string()));
    if audience == Audience::Public {
        return res.content_type(ATOM).body(doc.body.clone());
    }
    let etag = EntityTag::new_weak(doc.etag.clone());
    let fresh = if req.headers().contains_key(header::IF_NONE_MATCH) {
        match req.get_header::<IfNoneMatch>() {
            Some(IfNoneMatch::Any) => true,
            Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&etag)),
            None => false,
        }
    } else {
        req.get_header::<IfModifiedSince>().is_some_and(|IfModifiedSince(since)| {
            SystemTime::from(since)
                .duration_since(UNIX_EPOCH)
                .is_ok_and(|d| d.as_secs() >= modified_secs.unsigned_abs())
        })
    };
    if fresh {
        res.status(actix_web::http::StatusCode::NOT_MODIFIED);
    }
    res.insert_header((header::ETAG, etag.to_string()))
        .insert_header((header::CACHE_CONTROL, crate::auth::privacy::PRIVATE))
        // The address is the secret: keep it out of indexes and out of Referer headers (the
        // site-wide default policy is only added where a response sets none).
        .insert_header(("X-Robots-Tag", "noindex, nofollow"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"));
    if fresh { res.finish() } else { res.content_type(ATOM).body(doc.body.clone()) }
}

async fn token_page(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let created = feeds::token_created(&state.pool, user).await?;
    Ok(page(&visitor, created, None))
}

async fn issue_token(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let new = feeds::issue_token(&state.pool, &site(&state), user).await?;
    // Shown in this response and never again (no redirect: the secret must not travel in a URL
    // of ours or sit in a session).
    Ok(page(&visitor, Some(new.created_at), Some(new.url)))
}

async fn revoke_token(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    match feeds::revoke_token(&state.pool, user).await {
        // Revoking what is already gone leaves the reader where they wanted to be.
        Ok(()) | Err(AppError::NotFound) => Ok(see_other("/account/feed", Flash::FeedRevoked)),
        Err(other) => Err(other),
    }
}

fn page(visitor: &Visitor, created: Option<chrono::DateTime<chrono::Utc>>, new_url: Option<String>) -> HttpResponse {
    let mut res = ok(&FeedTokenPage {
        chrome: Chrome::of(visitor),
        created: created.map(|at| (format::moment(at), format::iso_timestamp(at))),
        new_url,
    });
    // The page may carry the secret: no cache keeps it.
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static(crate::auth::privacy::PRIVATE));
    res
}

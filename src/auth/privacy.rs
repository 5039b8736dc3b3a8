//! The cache policy of answers that depend on who is asking, in one middleware: whatever a
//! signed-in visitor is shown, whatever sets a cookie and whatever carries the visitor's CSRF
//! token is `Cache-Control: private, no-store`, so no shared cache (nor the browser's disk) keeps
//! it. Pages that are the same for every anonymous visitor keep the caching their handler chose.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

use super::Visitor;

/// What private answers say.
pub const PRIVATE: &str = "private, no-store";

/// Marks private answers (see the module). Runs outside `visitor::load`, so it sees the cookies
/// that middleware adds and the refusals it answers with.
pub async fn mark_private(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?;
    let visitor = res.request().extensions().get::<Visitor>().map(|v| (v.user.is_some(), v.csrf_token.clone()));
    let sets_cookie = res.headers().contains_key(header::SET_COOKIE);
    let private = sets_cookie || visitor.as_ref().is_some_and(|(signed_in, _)| *signed_in);
    let token = visitor.map(|(_, token)| token).filter(|t| !t.is_empty());
    Ok(res.map_body(|head, body| {
        // Page and JSON bodies are whole in memory here; the token is 64 random hex digits, so
        // finding it means the body carries it (a form's hidden field, the session's JSON).
        let (carries_token, body) = match body.try_into_bytes() {
            Ok(bytes) => {
                let carries = token.as_deref().is_some_and(|t| contains(&bytes, t.as_bytes()));
                (carries, BoxBody::new(bytes))
            }
            // A streamed body cannot be searched without reading it: assume the worst.
            Err(body) => (true, body.boxed()),
        };
        if (private || carries_token) && !already_private(head.headers.get(header::CACHE_CONTROL)) {
            head.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
        }
        body
    }))
}

/// Whether the body of `res` carries `token` (a streamed body is assumed to), and `res` again.
pub fn carries_token(res: ServiceResponse<BoxBody>, token: &str) -> (ServiceResponse<BoxBody>, bool) {
    let mut carries = false;
    let res = res.map_body(|_, body| match body.try_into_bytes() {
        Ok(bytes) => {
            carries = contains(&bytes, token.as_bytes());
            BoxBody::new(bytes)
        }
        Err(body) => {
            carries = true;
            body
        }
    });
    (res, carries)
}

/// Whether a handler already said both `private` and `no-store` (and perhaps more).
fn already_private(value: Option<&HeaderValue>) -> bool {
    let directives: Vec<String> = value
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').map(|d| d.trim().to_ascii_lowercase()).collect())
        .unwrap_or_default();
    ["private", "no-store"].iter().all(|wanted| directives.iter().any(|d| d == wanted))
}

/// Whether `needle` occurs in `haystack` (linear time, whatever the body holds).
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handler_s_private_no_store_is_kept_and_anything_weaker_is_not() {
        let value = |s: &'static str| HeaderValue::from_static(s);
        assert!(already_private(Some(&value("private, no-store"))));
        assert!(already_private(Some(&value("No-Store, private, max-age=0"))));
        assert!(!already_private(Some(&value("no-store"))));
        assert!(!already_private(Some(&value("private, max-age=60"))));
        assert!(!already_private(Some(&value("public, max-age=60"))));
        assert!(!already_private(None));
    }

    #[test]
    fn the_token_is_found_anywhere_in_a_body() {
        assert!(contains(b"<input value=\"abc123\">", b"abc123"));
        assert!(!contains(b"<input value=\"abc12\">", b"abc123"));
        assert!(!contains(b"abc", b""));
    }
}

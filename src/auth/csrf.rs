//! CSRF protection for every state-changing request, in one middleware: the Origin (or Referer)
//! must be this site, and the visitor's token must come back in the `X-CSRF-Token` header or the
//! form's `csrf_token` field.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use futures_util::StreamExt;

use super::Visitor;
use crate::error::AppError;

/// Largest request body accepted anywhere (a 200 KB synthesis, percent-encoded, fits).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The header API clients send the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The hidden field every form carries.
pub const CSRF_FIELD: &str = "csrf_token";

/// Refuses unsafe requests that are cross-site or lack the visitor's token.
///
/// A refusal is answered here, as a response rather than an `Err`, so the layers outside (the
/// security headers, the cache policy) apply to it like to any page.
pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || is_exempt(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let path = req.path().to_owned();
    let refuse =
        |req: ServiceRequest, why: &str| Ok(req.error_response(AppError::Forbidden(why.to_owned()).for_path(&path)));
    if !same_origin(&req) {
        return refuse(req, "cross-site request refused");
    }
    let expected = req.extensions().get::<Visitor>().map(|v| v.csrf_token.clone());
    let presented = match req.headers().get(CSRF_HEADER) {
        Some(value) => value.to_str().ok().map(str::to_owned),
        None if req.content_type() == mime_form() => {
            let body = match read_body(&mut req).await {
                Ok(body) => body,
                Err(e) => return Ok(req.error_response(e.for_path(&path))),
            };
            let field = url::form_urlencoded::parse(&body).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned());
            req.set_payload(actix_http::Payload::from(body));
            field
        }
        None => None,
    };
    match (expected, presented) {
        (Some(expected), Some(presented))
            if constant_time_eq::constant_time_eq(expected.as_bytes(), presented.as_bytes()) =>
        {
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        _ => refuse(req, "the form expired or came from another site; reload the page and try again"),
    }
}

/// JSON login carries no cookie authority yet, and browsers cannot send cross-site JSON
/// without a CORS preflight this server never grants. A request authenticated by a valid API
/// token carries no cookie authority at all (its cookies were ignored, see `auth::bearer`); an
/// invalid token never gets this far, and a session-cookie request has no `token`.
fn is_exempt(req: &ServiceRequest) -> bool {
    let json_login =
        req.method() == Method::POST && req.path() == "/api/v1/session" && req.content_type() == "application/json";
    json_login || req.extensions().get::<Visitor>().is_some_and(|v| v.token.is_some())
}

fn mime_form() -> &'static str {
    "application/x-www-form-urlencoded"
}

/// An Origin or Referer, when the browser sends one, must name this host.
fn same_origin(req: &ServiceRequest) -> bool {
    let source = req.headers().get(header::ORIGIN).or_else(|| req.headers().get(header::REFERER));
    match source.and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => url::Url::parse(origin).is_ok_and(|u| names_this_host(req.head(), &u)),
    }
}

/// The host (and port) the client addressed: the `Host` header, or the URI's authority (HTTP/2).
/// Never `X-Forwarded-Host` or `Forwarded`, which any client can send (only a trusted proxy's
/// could be believed, and this server trusts none).
pub fn request_host(head: &RequestHead) -> Option<&str> {
    match head.headers.get(header::HOST) {
        Some(host) => host.to_str().ok(),
        None => head.uri.authority().map(|a| a.as_str()),
    }
}

/// Whether `url` (a Referer or Origin) is on the host this request addressed.
pub fn names_this_host(head: &RequestHead, url: &url::Url) -> bool {
    let Some(host) = request_host(head) else { return false };
    let authority = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => return false,
    };
    authority.eq_ignore_ascii_case(host)
}

async fn read_body(req: &mut ServiceRequest) -> Result<bytes::Bytes, AppError> {
    let mut payload = req.take_payload();
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("could not read the request: {e}")))?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

//! `HEAD` on every `GET` route (RFC 9110 §9.3.2: the same status and headers, no content).
//! Link checkers, feed readers and monitors send it; without this, every page answered 405.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Routes a `HEAD` request as the `GET` it stands for. The response's content is still made
/// (so its headers, `Content-Length` included, are the GET's), and actix-http does not send it:
/// its codec marked the request as HEAD when it read it, before any middleware ran.
pub async fn as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

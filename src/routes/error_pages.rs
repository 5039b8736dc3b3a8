//! Error pages that know who is asking. `AppError` renders without the request (so an error page
//! built there has an anonymous header and a link home); this middleware, inside
//! `visitor::load`, renders the page again for the visitor: their header (signed-in name, log
//! out) and a link back to the page they came from when the `Referer` is one of ours.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest};

use crate::auth::Visitor;
use crate::error::AppError;
use crate::render::pages::{VisitorView, error};

/// Re-renders HTML error pages with the visitor's session and way back (see the module).
pub async fn with_visitor(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // (The request is not cloned before routing: the router needs it unshared.)
    if req.path().starts_with("/api/") {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let res = next.call(req).await?;
    match res.response().error().and_then(|e| page_for(res.request(), e)) {
        Some(page) => Ok(res.into_response(page)),
        None => Ok(res.map_into_boxed_body()),
    }
}

fn page_for(req: &HttpRequest, err: &Error) -> Option<actix_web::HttpResponse> {
    let app_error = err.as_error::<AppError>()?;
    let visitor = req.extensions().get::<Visitor>().map(VisitorView::from).unwrap_or_default();
    error::for_visitor(app_error, visitor, came_from(req))
}

/// The page the visitor came from, when the `Referer` names this site and is not this very page.
fn came_from(req: &HttpRequest) -> Option<String> {
    let here = match req.uri().query() {
        Some(q) => format!("{}?{q}", req.path()),
        None => req.path().to_owned(),
    };
    super::same_origin_referer(req).filter(|path| *path != here)
}

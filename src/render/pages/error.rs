//! The HTML rendering of errors: the error page for every `AppError` outside `/api/`, and the
//! 500 page with its reference that `error::attach_request_id` puts in place. (The JSON
//! rendering, `ApiError`, stays in `error`.)

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};

use super::{ErrorPage, VisitorView, html_response};
use crate::error::{AppError, InternalErrorReport};

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.log_if_internal();
        if matches!(self, AppError::LoginRequired) {
            // A browser is sent to the login form rather than shown a bare 401.
            return HttpResponse::SeeOther().insert_header((header::LOCATION, "/login")).finish();
        }
        let page = ErrorPage::new(self.status(), self.public_message());
        let mut response = html_response(self.status(), &page);
        self.add_retry_after(&mut response);
        response
    }
}

/// The error page of `err` as `visitor` sees it: their header (name, log out) and a link back to
/// `came_from`, a path of ours. `None` for the errors that are not shown as a page here: the
/// login redirect, and a 500 (replaced by `error::attach_request_id`'s page with its reference).
pub fn for_visitor(err: &AppError, visitor: impl Into<VisitorView>, came_from: Option<String>) -> Option<HttpResponse> {
    if matches!(err, AppError::LoginRequired | AppError::Internal(_)) {
        return None;
    }
    let page = ErrorPage::new(err.status(), err.public_message()).for_visitor(visitor, came_from);
    let mut response = html_response(err.status(), &page);
    err.add_retry_after(&mut response);
    Some(response)
}

impl ResponseError for InternalErrorReport {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let message = AppError::Internal(anyhow::anyhow!("")).public_message();
        let mut page = ErrorPage::new(StatusCode::INTERNAL_SERVER_ERROR, message);
        page.reference = self.request_id.clone();
        html_response(StatusCode::INTERNAL_SERVER_ERROR, &page)
    }
}

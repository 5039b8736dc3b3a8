//! The HTML rendering of errors: the error page for every `AppError` outside `/api/`, and the
//! 500 page with its reference that `error::attach_request_id` puts in place. (The JSON
//! rendering, `ApiError`, stays in `error`.)

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};

use super::{ErrorPage, html_response};
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

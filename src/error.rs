//! One error type for the whole application, rendered as an HTML page (`AppError`) or as JSON
//! (`ApiError`). Internal causes go to the log once; users see a generic message and a reference.
//!
//! The JSON rendering is here; the HTML one is a page like any other, so `AppError`'s
//! `ResponseError` impl (and that of `InternalErrorReport`) lives with the page, in
//! `render::pages::error`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("you need to log in to do that")]
    LoginRequired,
    #[error("{0}")]
    Forbidden(String),
    /// Bad user input; the message is shown to the user (422).
    #[error("{0}")]
    Invalid(String),
    /// Malformed request (400): bad JSON, a form that does not parse, a bad query string.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("edit conflict: {0}")]
    Conflict(String),
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// Throttled (429); the number is the seconds to wait, sent as `Retry-After`.
    #[error("too many attempts; try again in {}", wait_text(*.0))]
    TooManyRequests(i64),
    #[error("the database is unavailable; try again shortly")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The usual "you may not do that" refusal.
    pub fn forbidden() -> Self {
        AppError::Forbidden("you do not have permission to do that".to_owned())
    }

    /// The HTTP status of this error, in HTML and JSON alike.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::LoginRequired | AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The text shown to the user; never internal details.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Internal(_) => "something went wrong on our side; it has been logged".to_owned(),
            AppError::NotFound => "there is nothing at this address".to_owned(),
            other => other.to_string(),
        }
    }

    /// Adds `Retry-After` to a throttled response.
    pub fn add_retry_after(&self, response: &mut HttpResponse) {
        if let AppError::TooManyRequests(secs) = self
            && let Ok(value) = header::HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }

    /// Logs the cause of an internal error (once, by whichever rendering answers).
    pub fn log_if_internal(&self) {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
    }
}

/// "a second", "40 seconds", "3 minutes": how long a throttled client waits.
fn wait_text(secs: i64) -> String {
    match secs {
        ..=1 => "a second".to_owned(),
        2..=119 => format!("{secs} seconds"),
        _ => format!("{} minutes", (secs + 59) / 60),
    }
}

/// The same errors, rendered as `{"error": "..."}` for `/api/v1`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(err: E) -> Self {
        ApiError(err.into())
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log_if_internal();
        let mut response = HttpResponse::build(self.status_code())
            .content_type(ContentType::json())
            .json(serde_json::json!({ "error": self.0.public_message() }));
        self.0.add_retry_after(&mut response);
        response
    }
}

impl From<DieselError> for AppError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => AppError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Invalid("that already exists".to_owned())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => AppError::Unavailable,
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        tracing::warn!(error = %err, "no database connection");
        AppError::Unavailable
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {err}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        AppError::Internal(anyhow::anyhow!("template failed: {err}"))
    }
}

impl AppError {
    /// Renders as JSON under `/api/`, as an HTML page elsewhere (for middleware, which serves both).
    pub fn for_path(self, path: &str) -> actix_web::Error {
        if path.starts_with("/api/") { ApiError(self).into() } else { self.into() }
    }
}

/// A 500 as a browser is shown it: the generic message and the request id to quote. Its
/// `ResponseError` impl (the page) is in `render::pages::error`.
#[derive(Debug)]
pub struct InternalErrorReport {
    /// The request id, as the log lines of the request carry it.
    pub request_id: Option<String>,
}

impl std::fmt::Display for InternalErrorReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("internal error")
    }
}

/// Middleware: gives every 500 the request id (as "Reference" on the page, `request_id` in
/// JSON), so a report can be matched with the log line that holds the cause.
pub async fn attach_request_id(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    let request_id = req.extensions().get::<tracing_actix_web::RequestId>().map(|id| id.to_string());
    let api = req.path().starts_with("/api/");
    let res = next.call(req).await?;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return Ok(res.map_into_boxed_body());
    }
    let message = AppError::Internal(anyhow::anyhow!("")).public_message();
    let replacement = if api {
        HttpResponse::InternalServerError().json(serde_json::json!({ "error": message, "request_id": request_id }))
    } else {
        InternalErrorReport { request_id }.error_response()
    };
    Ok(res.into_response(replacement))
}

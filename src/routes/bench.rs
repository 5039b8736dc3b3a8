//! Measuring aids for `bench/run` (issue 18, item 6), each off unless its setting turns it on
//! (`config::BenchSettings`): the reference page, and the `Server-Timing` header.
//!
//! The reference page is registered straight on the service config, not through
//! `routes::table`: it is off in every test and in production, and the route table is what the
//! derived tests (authorization matrix, headers, probes) enumerate as the app's routes.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};

use crate::auth::Visitor;
use crate::error::AppError;
use crate::ops::bench_reference;
use crate::render::pages::{Chrome, ok};
use crate::state::AppState;

/// Where the reference page is served.
pub const REFERENCE_PATH: &str = "/bench/reference";

/// Adds `GET /bench/reference` (call it only with `AGORA_BENCH_REFERENCE=1`).
pub fn configure_reference(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(REFERENCE_PATH).route(web::get().to(reference)));
}

/// The demo thread page from memory, rendered on every request.
async fn reference(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    let kept = state.bench_reference.as_ref().ok_or(AppError::NotFound)?;
    let page = bench_reference::page(&state.pool, kept, Chrome::of(&visitor), &state.attention).await?;
    Ok(ok(&page))
}

/// `Server-Timing: app;dur=<ms>`: the time from the request reaching this layer to its
/// response head (with `AGORA_SERVER_TIMING=1`; `bench/run` reads the synthesis saves' p50
/// from it, without the client's and the loopback's share).
pub async fn server_timing(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let mut res = next.call(req).await?;
    let ms = started.elapsed().as_secs_f64() * 1e3;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={ms:.2}")) {
        res.headers_mut().insert(HeaderName::from_static("server-timing"), value);
    }
    Ok(res)
}

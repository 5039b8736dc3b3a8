//! What every request leaves behind for the operator (issue 18, items 10 to 12): the client's
//! address as trusted proxies report it, a count and a duration per route pattern and status
//! class for `/metrics`, and an access-log line.
//!
//! It wraps every other layer, so it sees the status the visitor gets (error pages included) and
//! the time they waited; its log line is written outside the request's span, whose fields hold
//! the raw path (the private feeds' token is in theirs): the line names the route pattern only.

use std::net::IpAddr;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderName;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpRequest, web};
use ipnet::IpNet;

use crate::config::{AccessLog, ForwardedHeader, OperatorSettings};
use crate::domain::client_address;

/// The settings the middleware runs with (application data).
#[derive(Debug, Clone)]
pub struct Observe {
    trusted: Vec<IpNet>,
    header: ForwardedHeader,
    access_log: AccessLog,
}

impl Observe {
    /// From the operator's settings.
    pub fn new(settings: &OperatorSettings) -> Self {
        Observe {
            trusted: settings.trusted_proxies.clone(),
            header: settings.forwarded_header,
            access_log: settings.access_log,
        }
    }

    /// The client's address: the TCP peer, or, when the peer is a trusted proxy, the address the
    /// proxies recorded (see `domain::client_address`).
    fn client_of(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if self.trusted.is_empty() {
            return Some(peer.to_canonical());
        }
        let values = |name: HeaderName| {
            req.headers().get_all(name).filter_map(|v| v.to_str().ok()).map(str::to_owned).collect::<Vec<_>>()
        };
        let hops = match self.header {
            ForwardedHeader::XForwardedFor => client_address::x_forwarded_for(
                values(HeaderName::from_static("x-forwarded-for")).iter().map(String::as_str),
            ),
            ForwardedHeader::Forwarded => {
                client_address::forwarded(values(actix_web::http::header::FORWARDED).iter().map(String::as_str))
            }
        };
        Some(client_address::client_ip(peer, &hops, &self.trusted))
    }
}

/// The client's address as [`observe`] resolved it, in the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The client's address for throttling and logs: as resolved by [`observe`], else the peer.
pub fn client_address(req: &HttpRequest) -> String {
    match req.extensions().get::<ClientAddress>() {
        Some(ClientAddress(ip)) => ip.to_string(),
        None => req.peer_addr().map(|a| a.ip().to_canonical().to_string()).unwrap_or_else(|| "unknown".to_owned()),
    }
}

/// Resolves the client's address, then counts, times and logs the request.
pub async fn observe(
    settings: web::Data<Observe>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let client = settings.client_of(req.request());
    if let Some(ip) = client {
        req.extensions_mut().insert(ClientAddress(ip));
    }
    let method = req.method().clone();
    let started = Instant::now();
    let result = next.call(req).await;
    let elapsed = started.elapsed();
    // A layer that fails with an error (rather than answering with an error page) leaves no
    // request to read the pattern from: those count as unmatched.
    let (status, route, request_id) = match &result {
        Ok(res) => {
            let request = res.request();
            let id = request.extensions().get::<tracing_actix_web::RequestId>().map(ToString::to_string);
            (res.status(), request.match_pattern(), id)
        }
        Err(e) => (e.as_response_error().status_code(), None, None),
    };
    let route = route.unwrap_or_else(|| "unmatched".to_owned());
    let class = status_class(status.as_u16());
    let labels = [("route", route.clone()), ("method", method.as_str().to_owned()), ("status", class.to_owned())];
    metrics::counter!("agora_http_requests_total", &labels).increment(1);
    metrics::histogram!("agora_http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    if settings.access_log == AccessLog::On {
        tracing::info!(
            target: "access",
            request_id = request_id.as_deref().unwrap_or("-"),
            method = %method,
            route = %route,
            status = status.as_u16(),
            duration_ms = (elapsed.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            client = %client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
            "access"
        );
    }
    result
}

/// `2xx` .. `5xx`: the status class, the label that keeps the number of series bounded.
fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_fall_into_their_class() {
        let classes: Vec<&str> = [101, 200, 204, 304, 399, 404, 429, 500, 503].map(status_class).to_vec();
        assert_eq!(classes, ["1xx", "2xx", "2xx", "3xx", "3xx", "4xx", "4xx", "5xx", "5xx"]);
    }
}

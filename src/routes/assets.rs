//! Static assets, compiled into the binary so the server runs from any directory.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

const APP_CSS: &str = include_str!("../../static/app.css");
static APP_CSS_ETAG: LazyLock<String> =
    LazyLock::new(|| format!("\"{}\"", &hex::encode(Sha256::digest(APP_CSS.as_bytes()))[..16]));

/// Registers `/static/...`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/app.css", web::get().to(app_css));
}

async fn app_css(req: HttpRequest) -> HttpResponse {
    let etag = APP_CSS_ETAG.as_str();
    let fresh = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag);
    let mut response = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    response
        .insert_header((header::ETAG, etag))
        // Revalidate hourly; the ETag makes revalidation cheap.
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"));
    if fresh { response.finish() } else { response.content_type("text/css; charset=utf-8").body(APP_CSS) }
}

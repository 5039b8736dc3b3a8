//! `/static/{name}`: the content-hashed assets of `render::assets`, cached for a year.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::render::assets::ASSETS;
use crate::routes::table::{Routes, at};

/// Registers `/static/...`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/static/{name}").get(serve));
}

async fn serve(req: HttpRequest) -> HttpResponse {
    let Some(asset) = ASSETS.find(req.path()) else {
        return HttpResponse::NotFound().content_type("text/plain; charset=utf-8").body("no such asset");
    };
    HttpResponse::Ok()
        .content_type(asset.content_type)
        // The name changes whenever the content does, so the browser never needs to ask again.
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.body)
}

//! What search engines read: `/robots.txt`, `/sitemap.xml` and its parts. The same for every
//! visitor, so they are mounted without the visitor middleware (no session lookup, no cookie).

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::domain::sitemap::SitemapKind;
use crate::error::AppError;
use crate::ops::sitemap;
use crate::render::sitemap::{self as render, XML};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers robots.txt and the sitemaps.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/robots.txt").get(robots))
        .add(at("/sitemap.xml").get(sitemap_root))
        .add(at("/sitemaps/pages.xml").get(sitemap_listings))
        .add(at("/sitemaps/threads/{from_id}.xml").get(threads_part))
        .add(at("/sitemaps/events/{from_id}.xml").get(events_part));
}

async fn robots(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
        .body(render::robots(&state.public_url))
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CONTENT_TYPE, XML)).body(body)
}

async fn sitemap_root(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let map = sitemap::root(&state.pool).await?;
    Ok(xml(render::sitemap(&state.public_url, map)?))
}

async fn sitemap_listings(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    Ok(xml(render::urlset(&state.public_url, sitemap::listing_part())?))
}

async fn threads_part(state: web::Data<AppState>, from_id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    part(&state, SitemapKind::Threads, from_id.into_inner()).await
}

async fn events_part(state: web::Data<AppState>, from_id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    part(&state, SitemapKind::Events, from_id.into_inner()).await
}

async fn part(state: &AppState, kind: SitemapKind, from_id: i64) -> Result<HttpResponse, AppError> {
    let urls = sitemap::part(&state.pool, kind, from_id).await?;
    Ok(xml(render::urlset(&state.public_url, urls)?))
}

//! `POST /preview`: the editor's live preview, rendered by the same Markdown -> ammonia path as
//! a save, so preview and page can never disagree.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::auth::Visitor;
use crate::domain::validate;
use crate::error::AppError;
use crate::render::markdown::render_markdown;
use crate::routes::table::{Routes, at};

/// Registers the preview endpoint.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg).add(at("/preview").post(preview));
}

/// The text to preview.
#[derive(Debug, Deserialize)]
pub struct PreviewForm {
    #[serde(default)]
    pub body: String,
}

async fn preview(visitor: Visitor, form: web::Form<PreviewForm>) -> Result<HttpResponse, AppError> {
    // Only people who can log in may spend the server's CPU on rendering; a script gets 401, not a redirect.
    if visitor.user.is_none() {
        return Err(AppError::Unauthorized("log in to preview".to_owned()));
    }
    let body = validate::markdown("the text", &form.into_inner().body, validate::MAX_SYNTHESIS_BYTES)
        .map_err(AppError::Invalid)?;
    let html = web::block(move || render_markdown(&body)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, crate::auth::privacy::PRIVATE))
        .body(html.into_string()))
}

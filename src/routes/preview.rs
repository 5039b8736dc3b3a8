//! `POST /preview`: the editor's live preview, rendered by the same Markdown -> ammonia path as
//! a save, so preview and page can never disagree.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::auth::Visitor;
use crate::error::AppError;
use crate::ops::markdown;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

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

async fn preview(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<PreviewForm>,
) -> Result<HttpResponse, AppError> {
    let html = markdown::preview(&state.pool, visitor.user.as_ref(), &form.into_inner().body).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, crate::auth::privacy::PRIVATE))
        .body(html.into_string()))
}

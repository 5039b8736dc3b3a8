//! `/notifications`: a reader's notifications, and marking them read.

use actix_web::{HttpRequest, HttpResponse, web};

use super::{back_to_referer, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::error::AppError;
use crate::ops::cursor::AfterQuery;
use crate::ops::notifications::{self, MarkRead};
use crate::render::pages::notifications::NotificationsPage;
use crate::render::pages::{Chrome, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the notification pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/notifications").get(index))
        .add(at("/notifications/read-all").post(read_all))
        .add(at("/notifications/{id}/read").post(read_one));
}

async fn index(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<AfterQuery>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (rows, next) = notifications::page(&state.pool, user, query.into_inner().after).await?;
    Ok(ok(&NotificationsPage {
        chrome: Chrome::of(&visitor),
        // The header's count covers every page, this one only the rows shown.
        any_unread: visitor.unread_notifications > 0 || rows.iter().any(|r| r.unread),
        rows,
        next_href: next.map(|n| format!("/notifications?after={n}")),
    }))
}

async fn read_one(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    notifications::mark_read(&state.pool, visitor.require_user()?, id.into_inner()).await?;
    Ok(back_to_referer(&req, "/notifications", Flash::MarkedRead))
}

async fn read_all(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    notifications::mark(&state.pool, visitor.require_user()?, MarkRead::All).await?;
    Ok(see_other("/notifications", Flash::MarkedRead))
}

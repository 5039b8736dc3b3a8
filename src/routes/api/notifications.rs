//! `/api/v1/notifications` and `/api/v1/account/digest`: a reader's notifications, marking them
//! read, and their e-mail digest settings.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::API;
use super::inputs::{AfterParam, Text};
use super::require_user;
use super::views::ErrorBody;
use crate::auth::Visitor;
use crate::db::notifications::NotificationListed;
use crate::error::{ApiError, AppError};
use crate::ops::cursor::{decode_notification, encode_notification};
use crate::ops::digest::{self, DigestView};
use crate::ops::notifications::{self, MarkRead};
use crate::render::format;
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the notification and digest-settings endpoints.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API)
        .add(at("/notifications").get(list))
        .add(at("/notifications/read").post(mark_read))
        .add(at("/account/digest").get(digest_settings).put(save_digest_settings));
}

/// The thread a notification is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotifiedThread {
    pub slug: String,
    pub title: String,
    /// The thread page (absolute).
    pub url: String,
}

/// A notification: changes to a followed thread, collected while it was unread.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationItem {
    pub id: i64,
    pub thread: NotifiedThread,
    /// How many changes it collects.
    pub change_count: i32,
    /// Who made them, latest first (at most three names).
    pub actors: Vec<String>,
    /// How many people made them in all.
    pub actor_count: i64,
    /// When the first change came in (RFC 3339).
    pub created_at: String,
    /// When the latest change came in (RFC 3339).
    pub updated_at: String,
    pub read: bool,
}

impl NotificationItem {
    fn new(n: &NotificationListed, public_url: &str) -> Self {
        NotificationItem {
            id: n.id,
            thread: NotifiedThread {
                slug: n.thread_slug.clone(),
                title: n.thread_title.clone(),
                url: format!("{public_url}/threads/{}", n.thread_slug),
            },
            change_count: n.change_count,
            actors: n.actors.clone(),
            actor_count: n.actor_count,
            created_at: format::iso_timestamp(n.created_at),
            updated_at: format::iso_timestamp(n.updated_at),
            read: n.read_at.is_some(),
        }
    }
}

/// A page of notifications.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub notifications: Vec<NotificationItem>,
    /// Unread notifications in all (not only on this page).
    pub unread: i64,
    /// Pass as `?after=` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Your notifications
///
/// Followed threads that changed, newest activity first, 30 to a page. Changes made while a
/// notification is unread are collected into it; after it is read, the next change opens a new one.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    operation_id = "list_notifications",
    tag = "notifications",
    params(AfterParam),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationList),
        (status = 400, description = "`after` is not a cursor from this API", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ),
    security(("session_cookie" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<AfterParam>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let after = query.after.as_deref().filter(|a| !a.is_empty()).map(decode_notification).transpose()?;
    let (rows, next) = notifications::list(&state.pool, user, after).await?;
    let unread = notifications::unread(&state.pool, user).await?;
    Ok(HttpResponse::Ok().json(NotificationList {
        notifications: rows.iter().map(|n| NotificationItem::new(n, &state.public_url)).collect(),
        unread,
        next_cursor: next.map(encode_notification),
    }))
}

/// Which notifications to mark read: exactly one of `ids` and `all`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadBody {
    /// These notifications (yours and unread; others are left alone). At most 500.
    #[serde(default)]
    pub ids: Option<Vec<i64>>,
    /// `true`: every unread notification.
    #[serde(default)]
    pub all: Option<bool>,
}

/// What marking did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    /// Notifications that were unread and now are read.
    pub marked: usize,
    /// Unread notifications left.
    pub unread: i64,
}

/// Mark notifications read
///
/// Marking sets the read time only: nothing is deleted, and the next change to the thread opens
/// a new notification. Ids that are not yours are ignored.
#[utoipa::path(
    post,
    path = "/api/v1/notifications/read",
    operation_id = "mark_notifications_read",
    tag = "notifications",
    request_body = MarkReadBody,
    responses(
        (status = 200, description = "Marked", body = MarkedRead),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "Neither or both of `ids` and `all: true`, or more than 500 ids", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn mark_read(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<MarkReadBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let which = match body.into_inner() {
        MarkReadBody { ids: Some(ids), all: None | Some(false) } => MarkRead::Ids(ids),
        MarkReadBody { ids: None, all: Some(true) } => MarkRead::All,
        _ => return Err(AppError::Invalid("send either \"ids\": [...] or \"all\": true".to_owned()).into()),
    };
    let marked = notifications::mark(&state.pool, user, which).await?;
    let unread = notifications::unread(&state.pool, user).await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked, unread }))
}

/// A reader's e-mail digest settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct DigestSettingsView {
    /// Where digests go; empty when none is set.
    pub email: String,
    /// `off`, `daily` or `weekly`.
    pub digest: &'static str,
    /// Whether this server sends e-mail at all (SMTP configured).
    pub email_enabled: bool,
}

impl DigestSettingsView {
    fn new(view: DigestView, email_enabled: bool) -> Self {
        DigestSettingsView { email: view.email, digest: view.frequency.as_str(), email_enabled }
    }
}

/// New digest settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestSettingsBody {
    /// Where digests go; empty or null only with `digest: "off"`.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Option<Text>,
    /// `off`, `daily` or `weekly`.
    #[schema(value_type = String)]
    pub digest: Text,
}

/// Your e-mail digest settings
#[utoipa::path(
    get,
    path = "/api/v1/account/digest",
    operation_id = "get_digest_settings",
    tag = "notifications",
    responses(
        (status = 200, description = "Your settings", body = DigestSettingsView),
        (status = 401, description = "Not logged in", body = ErrorBody),
    ),
    security(("session_cookie" = []))
)]
pub async fn digest_settings(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, ApiError> {
    let view = digest::settings(&state.pool, require_user(&visitor)?).await?;
    Ok(HttpResponse::Ok().json(DigestSettingsView::new(view, state.mail_enabled)))
}

/// Change your e-mail digest settings
///
/// A daily or weekly digest lists the followed threads that changed since you last read them,
/// and is sent only when there is something new.
#[utoipa::path(
    put,
    path = "/api/v1/account/digest",
    operation_id = "set_digest_settings",
    tag = "notifications",
    request_body = DigestSettingsBody,
    responses(
        (status = 200, description = "Your settings now", body = DigestSettingsView),
        (status = 400, description = "The body is not JSON of this shape", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Missing or wrong CSRF token, cross-site, or your account is suspended", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ErrorBody),
        (status = 422, description = "Not an e-mail address, no address for a digest, or an unknown frequency", body = ErrorBody),
    ),
    security(("session_cookie" = [], "csrf_token" = []))
)]
pub async fn save_digest_settings(
    state: web::Data<AppState>,
    visitor: Visitor,
    body: web::Json<DigestSettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let user = require_user(&visitor)?;
    let body = body.into_inner();
    let email = body.email.map(String::from).unwrap_or_default();
    let view = digest::save_settings(&state.pool, user, &email, &body.digest.0).await?;
    Ok(HttpResponse::Ok().json(DigestSettingsView::new(view, state.mail_enabled)))
}

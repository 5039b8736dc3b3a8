//! Recording events and linking them to threads.

use diesel::Connection;
use serde::Deserialize;

use super::access;
use crate::auth::CurrentUser;
use crate::db::events::{self, EventFields};
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::ids::EventId;
use crate::domain::{roles, validate};
use crate::error::AppError;
use crate::render::markdown::render_markdown;

/// An event as a form or JSON body sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventInput {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub title: String,
    #[serde(default = "default_significance")]
    pub significance: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub body: String,
}

fn default_significance() -> String {
    "notable".to_owned()
}

impl EventInput {
    /// Validates and renders.
    pub fn fields(&self) -> Result<EventFields, AppError> {
        let body_md = validate::markdown("the description", &self.body, validate::MAX_SECTION_BODY_BYTES)
            .map_err(AppError::Invalid)?;
        Ok(EventFields {
            occurred_on: validate::date("the date", &self.date).map_err(AppError::Invalid)?,
            title: validate::required("the title", &self.title, 300).map_err(AppError::Invalid)?,
            significance: validate::significance(&self.significance).map_err(AppError::Invalid)?,
            url: validate::link(self.url.as_deref()).map_err(AppError::Invalid)?,
            body_html: render_markdown(&body_md),
            body_md,
        })
    }
}

/// Records an event; when `thread_slug` is given, also adds it to that thread.
pub async fn create(
    pool: &PgPool,
    user: &CurrentUser,
    thread_slug: Option<String>,
    input: EventInput,
) -> Result<EventId, AppError> {
    access::require(user, roles::can_edit_events, "record events")?;
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let fields = input.fields()?;
        c.transaction(|c| {
            let thread = thread_slug.map(|slug| access::editable_thread(c, &slug, &user)).transpose()?;
            let event = events::insert(c, &fields, user.id)?;
            if let Some(thread) = thread {
                events::link(c, thread.thread_id(), event)?;
                threads::touch(c, thread.thread_id())?;
            }
            Ok(event)
        })
    })
    .await
}

/// Corrects an event (it changes in every thread that has it).
pub async fn update(pool: &PgPool, user: &CurrentUser, id: EventId, input: EventInput) -> Result<(), AppError> {
    access::require(user, roles::can_edit_events, "edit events")?;
    db::with_conn(pool, move |c| {
        let fields = input.fields()?;
        c.transaction(|c| events::update(c, id, &fields))
    })
    .await
}

/// The event's current values, for its edit form.
pub async fn load_for_edit(pool: &PgPool, user: &CurrentUser, id: EventId) -> Result<EventInput, AppError> {
    access::require(user, roles::can_edit_events, "edit events")?;
    let row = db::with_conn(pool, move |c| events::by_id(c, id)).await?;
    Ok(EventInput {
        date: row.occurred_on.to_string(),
        title: row.title,
        significance: row.significance,
        url: row.url,
        body: row.body_md,
    })
}

/// Adds an existing event to a thread.
pub async fn link(pool: &PgPool, user: &CurrentUser, slug: String, event: EventId) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        c.transaction(|c| {
            let thread = access::editable_thread(c, &slug, &user)?;
            events::by_id(c, event).map_err(|_| AppError::Invalid(format!("there is no event number {event}")))?;
            events::link(c, thread.thread_id(), event)?;
            threads::touch(c, thread.thread_id())?;
            Ok(thread)
        })
    })
    .await
}

/// Removes an event from a thread; the event stays for other threads.
pub async fn unlink(pool: &PgPool, user: &CurrentUser, slug: String, event: EventId) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        c.transaction(|c| {
            let thread = access::editable_thread(c, &slug, &user)?;
            events::unlink(c, thread.thread_id(), event)?;
            threads::touch(c, thread.thread_id())?;
            Ok(thread)
        })
    })
    .await
}

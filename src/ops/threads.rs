//! Creating threads and editing their details.

use serde::Deserialize;

use super::access;
use crate::auth::CurrentUser;
use crate::db::threads::{self, ThreadFields, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::{roles, validate};
use crate::error::AppError;

/// A thread's details as a form or JSON body sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ThreadInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub framing_question: String,
    /// Derived from the title when empty (only used on creation).
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default = "default_status")]
    pub status: String,
    #[serde(default = "default_stance")]
    pub stance: String,
}

fn default_status() -> String {
    "active".to_owned()
}

fn default_stance() -> String {
    "contested".to_owned()
}

impl ThreadInput {
    /// The validated fields.
    pub fn fields(&self) -> Result<ThreadFields, AppError> {
        Ok(ThreadFields {
            title: validate::required("the title", &self.title, 200).map_err(AppError::Invalid)?,
            framing_question: validate::required("the framing question", &self.framing_question, 1000)
                .map_err(AppError::Invalid)?,
            status: validate::status(&self.status).map_err(AppError::Invalid)?,
            stance: validate::stance(&self.stance).map_err(AppError::Invalid)?,
        })
    }

    /// The slug asked for, or one derived from the title.
    pub fn slug(&self) -> Result<String, AppError> {
        match self.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => validate::slug(s),
            None => validate::slug_from_title(&self.title),
        }
        .map_err(AppError::Invalid)
    }
}

/// Creates a thread; its creator becomes its first curator.
pub async fn create(pool: &PgPool, user: &CurrentUser, input: ThreadInput) -> Result<ThreadRow, AppError> {
    access::require(user, roles::can_create_thread, "start threads")?;
    let fields = input.fields()?;
    let slug = input.slug()?;
    let creator = user.id;
    db::with_conn(pool, move |c| threads::create(c, &slug, &fields, creator)).await
}

/// Changes a thread's title, framing question, status and stance.
pub async fn update(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: ThreadInput,
) -> Result<ThreadRow, AppError> {
    let fields = input.fields()?;
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::editable_thread(c, &slug, &user)?;
        threads::update_fields(c, thread.thread_id(), &fields)?;
        Ok(thread)
    })
    .await
}

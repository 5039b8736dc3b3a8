//! Creating, editing and deleting the items of a thread's sections. One set of operations
//! (and one set of routes) serves all four kinds; the kind decides which fields count.

use diesel::Connection;
use serde::Deserialize;

use super::access;
use crate::auth::CurrentUser;
use crate::db::sections::{self, ArcFields, ControversyFields, InterpretationFields};
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::ids::ThreadId;
use crate::domain::validate::{self, MAX_SECTION_BODY_BYTES};
use crate::error::AppError;
use crate::render::markdown::render_markdown;

/// The four kinds of section item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Arc,
    Interpretation,
    Question,
    Controversy,
}

impl SectionKind {
    /// Every kind, in page order.
    pub const ALL: [SectionKind; 4] =
        [SectionKind::Arc, SectionKind::Interpretation, SectionKind::Question, SectionKind::Controversy];

    /// The URL segment: `/threads/{slug}/{segment}/...`.
    pub fn segment(self) -> &'static str {
        match self {
            SectionKind::Arc => "arc",
            SectionKind::Interpretation => "interpretations",
            SectionKind::Question => "questions",
            SectionKind::Controversy => "controversies",
        }
    }

    /// Parses a URL segment.
    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.segment() == segment)
    }

    /// What one item is called.
    pub fn noun(self) -> &'static str {
        match self {
            SectionKind::Arc => "period",
            SectionKind::Interpretation => "interpretation",
            SectionKind::Question => "question",
            SectionKind::Controversy => "controversy",
        }
    }

    /// The page section it belongs to (also the anchor on the thread page).
    pub fn anchor(self) -> &'static str {
        match self {
            SectionKind::Arc => "arc",
            SectionKind::Interpretation => "interpretations",
            SectionKind::Question => "questions",
            SectionKind::Controversy => "controversies",
        }
    }
}

/// A section item as a form or JSON body sends it; which fields count depends on the kind.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SectionInput {
    /// Arc: the dated label ("2023").
    #[serde(default)]
    pub label: String,
    /// Arc, interpretation, controversy.
    #[serde(default)]
    pub title: String,
    /// Arc, interpretation, controversy (Markdown).
    #[serde(default)]
    pub body: String,
    /// Interpretation: one name per line.
    #[serde(default)]
    pub proponents: String,
    /// Question.
    #[serde(default)]
    pub question: String,
    /// Edits only: the item's version the editor started from (a newer one is a conflict).
    #[serde(default)]
    pub base_version: Option<i32>,
}

/// Validated, rendered fields of one kind.
#[derive(Debug, Clone)]
pub enum SectionFields {
    Arc(ArcFields),
    Interpretation(InterpretationFields),
    Question(String),
    Controversy(ControversyFields),
}

impl SectionInput {
    /// Validates the fields the kind uses and renders its Markdown (once, here).
    pub fn validate(&self, kind: SectionKind) -> Result<SectionFields, AppError> {
        let invalid = AppError::Invalid;
        let body = || validate::markdown("the text", &self.body, MAX_SECTION_BODY_BYTES).map_err(invalid);
        let title = || validate::required("the title", &self.title, 200).map_err(invalid);
        Ok(match kind {
            SectionKind::Arc => {
                let body_md = body()?;
                SectionFields::Arc(ArcFields {
                    label: validate::required("the period", &self.label, 40).map_err(invalid)?,
                    title: title()?,
                    body_html: render_markdown(&body_md),
                    body_md,
                })
            }
            SectionKind::Interpretation => {
                let body_md = body()?;
                SectionFields::Interpretation(InterpretationFields {
                    title: title()?,
                    body_html: render_markdown(&body_md),
                    body_md,
                    proponents: validate::proponents(&self.proponents).map_err(invalid)?,
                })
            }
            SectionKind::Question => {
                SectionFields::Question(validate::required("the question", &self.question, 1000).map_err(invalid)?)
            }
            SectionKind::Controversy => {
                let body_md = body()?;
                SectionFields::Controversy(ControversyFields {
                    title: title()?,
                    body_html: render_markdown(&body_md),
                    body_md,
                })
            }
        })
    }
}

/// Adds an item at the end of its section; returns the thread and the new item's id.
pub async fn create(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    input: SectionInput,
) -> Result<(ThreadRow, i64), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let fields = input.validate(kind)?;
        c.transaction(|c| {
            let thread = access::editable_thread(c, &slug, &user)?;
            let id = thread.thread_id();
            let item = match &fields {
                SectionFields::Arc(f) => sections::insert_arc(c, id, f)?,
                SectionFields::Interpretation(f) => sections::insert_interpretation(c, id, f)?,
                SectionFields::Question(q) => sections::insert_question(c, id, q)?,
                SectionFields::Controversy(f) => sections::insert_controversy(c, id, f)?,
            };
            threads::touch(c, id)?;
            Ok((thread, item))
        })
    })
    .await
}

/// Rewrites an item; 404 when the item is not in this thread.
pub async fn update(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    item: i64,
    input: SectionInput,
) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        c.transaction(|c| {
            // Permission first: who may not edit learns nothing about the item or the form.
            let thread = access::editable_thread(c, &slug, &user)?;
            let base = input.base_version.ok_or_else(|| {
                AppError::Invalid("base_version is missing: reload the edit form and try again".to_owned())
            })?;
            let fields = input.validate(kind)?;
            let id = thread.thread_id();
            match &fields {
                SectionFields::Arc(f) => sections::update_arc(c, id, item, base, f)?,
                SectionFields::Interpretation(f) => sections::update_interpretation(c, id, item, base, f)?,
                SectionFields::Question(q) => sections::update_question(c, id, item, base, q)?,
                SectionFields::Controversy(f) => sections::update_controversy(c, id, item, base, f)?,
            }
            threads::touch(c, id)?;
            Ok(thread)
        })
    })
    .await
}

/// Deletes an item; 404 when the item is not in this thread.
pub async fn delete(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    item: i64,
) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        c.transaction(|c| {
            let thread = access::editable_thread(c, &slug, &user)?;
            let id = thread.thread_id();
            match kind {
                SectionKind::Arc => sections::arc::delete(c, id, item)?,
                SectionKind::Interpretation => sections::interpretation::delete(c, id, item)?,
                SectionKind::Question => sections::question::delete(c, id, item)?,
                SectionKind::Controversy => sections::controversy::delete(c, id, item)?,
            }
            threads::touch(c, id)?;
            Ok(thread)
        })
    })
    .await
}

/// The thread (checked editable) and the item's current values, for its edit form.
pub async fn load_for_edit(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    item: i64,
) -> Result<(ThreadRow, SectionInput), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::editable_thread(c, &slug, &user)?;
        let input = current_values(c, thread.thread_id(), kind, item)?;
        Ok((thread, input))
    })
    .await
}

fn current_values(
    c: &mut diesel::PgConnection,
    id: ThreadId,
    kind: SectionKind,
    item: i64,
) -> Result<SectionInput, AppError> {
    Ok(match kind {
        SectionKind::Arc => {
            let row = sections::arc::get(c, id, item)?;
            SectionInput {
                label: row.label,
                title: row.title,
                body: row.body_md,
                base_version: Some(row.version),
                ..Default::default()
            }
        }
        SectionKind::Interpretation => {
            let row = sections::interpretation::get(c, id, item)?;
            let names: Vec<String> = sections::proponents_of(c, &[item])?.into_iter().map(|(_, n)| n).collect();
            SectionInput {
                title: row.title,
                body: row.body_md,
                proponents: names.join("\n"),
                base_version: Some(row.version),
                ..Default::default()
            }
        }
        SectionKind::Question => {
            let row = sections::question::get(c, id, item)?;
            SectionInput { question: row.question, base_version: Some(row.version), ..Default::default() }
        }
        SectionKind::Controversy => {
            let row = sections::controversy::get(c, id, item)?;
            SectionInput { title: row.title, body: row.body_md, base_version: Some(row.version), ..Default::default() }
        }
    })
}

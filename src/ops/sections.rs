//! Creating, editing and deleting the items of a thread's sections. One set of operations
//! (and one set of routes) serves all four kinds; the kind decides which fields count.

use diesel::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::access;
use crate::auth::CurrentUser;
use crate::db::changes::{self, NewChange};
use crate::db::sections::{self, ArcFields, ControversyFields, InterpretationFields};
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::history::Area;
use crate::domain::ids::ThreadId;
use crate::domain::roles;
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

    /// Its part of the changelog.
    pub fn area(self) -> Area {
        match self {
            SectionKind::Arc => Area::Arc,
            SectionKind::Interpretation => Area::Interpretation,
            SectionKind::Question => Area::Question,
            SectionKind::Controversy => Area::Controversy,
        }
    }

    /// Whether its items have a Markdown body (whose versions can be compared).
    pub fn has_body(self) -> bool {
        self != SectionKind::Question
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
    /// Why; kept in the changelog.
    #[serde(default)]
    pub reason: String,
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
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
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
            let (subject, after) = snapshot(c, id, kind, item)?;
            // Questions are "opened" (then answered, reopened); other items are "added".
            let action = if kind == SectionKind::Question { "opened" } else { "added" };
            record(c, &user, id, kind, action, item, &subject, &reason, None, Some(after))?;
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
            let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
            let id = thread.thread_id();
            let (_, before) = snapshot(c, id, kind, item)?;
            match &fields {
                SectionFields::Arc(f) => sections::update_arc(c, id, item, base, f)?,
                SectionFields::Interpretation(f) => sections::update_interpretation(c, id, item, base, f)?,
                SectionFields::Question(q) => sections::update_question(c, id, item, base, q)?,
                SectionFields::Controversy(f) => sections::update_controversy(c, id, item, base, f)?,
            }
            let (subject, after) = snapshot(c, id, kind, item)?;
            if before != after {
                record(c, &user, id, kind, "edited", item, &subject, &reason, Some(before), Some(after))?;
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
    reason: String,
) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    let reason = validate::reason(&reason).map_err(AppError::Invalid)?;
    db::with_conn(pool, move |c| {
        c.transaction(|c| {
            let thread = access::editable_thread(c, &slug, &user)?;
            let id = thread.thread_id();
            let (subject, before) = snapshot(c, id, kind, item)?;
            record(c, &user, id, kind, "removed", item, &subject, &reason, Some(before), None)?;
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

pub(super) fn current_values(
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

/// What an item is called in lists, and its fields as the changelog keeps them.
pub(super) fn snapshot(
    c: &mut diesel::PgConnection,
    id: ThreadId,
    kind: SectionKind,
    item: i64,
) -> Result<(String, Value), AppError> {
    let v = current_values(c, id, kind, item)?;
    Ok(match kind {
        SectionKind::Arc => {
            (format!("{}: {}", v.label, v.title), json!({"label": v.label, "title": v.title, "body": v.body}))
        }
        SectionKind::Interpretation => {
            let names: Vec<&str> = v.proponents.lines().collect();
            (v.title.clone(), json!({"title": v.title, "body": v.body, "proponents": names}))
        }
        SectionKind::Question => {
            let row = sections::question::get(c, id, item)?;
            let answer = row.answered_at.map(|_| row.answer.clone());
            (v.question.clone(), json!({"question": v.question, "answer": answer}))
        }
        SectionKind::Controversy => (v.title.clone(), json!({"title": v.title, "body": v.body})),
    })
}

/// Appends a changelog entry for an item.
#[expect(clippy::too_many_arguments, reason = "one entry has this many parts; a struct would only rename them")]
pub(super) fn record(
    c: &mut diesel::PgConnection,
    user: &CurrentUser,
    id: ThreadId,
    kind: SectionKind,
    action: &str,
    item: i64,
    subject: &str,
    reason: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), AppError> {
    changes::record(
        c,
        &NewChange {
            subject_id: Some(item),
            subject,
            reason,
            before,
            after,
            autopatrolled: roles::can_moderate(user.role),
            ..NewChange::on_thread(id, kind.area(), action, user.id)
        },
    )?;
    Ok(())
}

/// Marks an open question answered (`Some(answer)`) or reopens it (`None`).
pub async fn set_answer(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    item: i64,
    answer: Option<String>,
    reason: String,
) -> Result<ThreadRow, AppError> {
    let answer = answer.map(|a| validate::required("the answer", &a, 2000).map_err(AppError::Invalid)).transpose()?;
    let reason = validate::reason(&reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| {
        c.transaction(|c| {
            let thread = access::editable_thread(c, &slug, &user)?;
            let id = thread.thread_id();
            let (subject, before) = snapshot(c, id, SectionKind::Question, item)?;
            let was_answered = !before["answer"].is_null();
            let action = match (&answer, was_answered) {
                (Some(_), _) => "answered",
                (None, true) => "reopened",
                (None, false) => return Err(AppError::Invalid("this question is already open".to_owned())),
            };
            sections::set_question_answer(c, id, item, answer.as_deref())?;
            let (_, after) = snapshot(c, id, SectionKind::Question, item)?;
            record(c, &user, id, SectionKind::Question, action, item, &subject, &reason, Some(before), Some(after))?;
            threads::touch(c, id)?;
            Ok(thread)
        })
    })
    .await
}

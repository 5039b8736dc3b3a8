//! Creating, editing and deleting the items of a thread's sections. One set of operations
//! (and one set of routes) serves all four kinds; the kind decides which fields count (see
//! `section_fields`, re-exported here as the operations' interface).

use diesel::{Connection, PgConnection};
use serde_json::{Value, json};

use super::access;
use crate::auth::CurrentUser;
use crate::db::changes::{self, NewChange};
use crate::db::citations;
use crate::db::sections;
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::citation::Owner;
use crate::domain::ids::ThreadId;
use crate::domain::roles;
use crate::domain::validate;
use crate::error::AppError;

pub use super::section_fields::{SectionFields, SectionInput, SectionKind};

/// Adds an item at the end of its section; returns the thread and the new item's id.
pub fn create_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    kind: SectionKind,
    input: &SectionInput,
) -> Result<(ThreadRow, i64), AppError> {
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
        let (fields, cites) = input.validate(kind, c)?;
        let id = thread.thread_id();
        let item = match &fields {
            SectionFields::Arc(f) => sections::insert_arc(c, id, f)?,
            SectionFields::Interpretation(f) => sections::insert_interpretation(c, id, f)?,
            SectionFields::Question(q, html) => sections::insert_question(c, id, q, html)?,
            SectionFields::Controversy(f) => sections::insert_controversy(c, id, f)?,
        };
        citations::insert(c, Owner { kind: kind.owner_kind(), id: item }, Some(id), &cites)?;
        let (subject, after) = snapshot(c, id, kind, item)?;
        // Questions are "opened" (then answered, reopened); other items are "added".
        let action = if kind == SectionKind::Question { "opened" } else { "added" };
        record(c, user, id, kind, action, item, &subject, &reason, None, Some(after))?;
        threads::touch(c, id)?;
        Ok((thread, item))
    })
}

/// The async entry of [`create_in`]; a bad reason is refused before a connection is taken.
pub async fn create(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    input: SectionInput,
) -> Result<(ThreadRow, i64), AppError> {
    validate::reason(&input.reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| create_in(c, &user, &slug, kind, &input)).await
}

/// Rewrites an item; 404 when the item is not in this thread.
pub fn update_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    kind: SectionKind,
    item: i64,
    input: &SectionInput,
) -> Result<ThreadRow, AppError> {
    conn.transaction(|c| {
        // Permission first: who may not edit learns nothing about the item or the form.
        let thread = access::editable_thread(c, slug, user)?;
        let base = input.base_version.ok_or_else(|| {
            AppError::Invalid("base_version is missing: reload the edit form and try again".to_owned())
        })?;
        let (fields, cites) = input.validate(kind, c)?;
        let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
        let id = thread.thread_id();
        let (_, before) = snapshot(c, id, kind, item)?;
        match &fields {
            SectionFields::Arc(f) => sections::update_arc(c, id, item, base, f)?,
            SectionFields::Interpretation(f) => sections::update_interpretation(c, id, item, base, f)?,
            SectionFields::Question(q, html) => sections::update_question(c, id, item, base, q, html)?,
            SectionFields::Controversy(f) => sections::update_controversy(c, id, item, base, f)?,
        }
        citations::replace(c, Owner { kind: kind.owner_kind(), id: item }, Some(id), &cites)?;
        let (subject, after) = snapshot(c, id, kind, item)?;
        if before != after {
            record(c, user, id, kind, "edited", item, &subject, &reason, Some(before), Some(after))?;
        }
        threads::touch(c, id)?;
        Ok(thread)
    })
}

/// The async entry of [`update_in`].
pub async fn update(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    item: i64,
    input: SectionInput,
) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| update_in(c, &user, &slug, kind, item, &input)).await
}

/// An edit from the item's form: saved, or refused because someone changed the item since.
pub enum SectionUpdate {
    /// Saved; the thread, to go back to.
    Saved(ThreadRow),
    /// The item changed since the form's `base_version`: the message, and the current version
    /// (so the author can save their text over it knowingly), and the thread to name.
    Conflict { thread: ThreadRow, message: String, current_version: Option<i32> },
}

/// [`update`] from the item's form: a conflict comes back with the item's current version.
pub async fn update_from_form(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    item: i64,
    input: SectionInput,
) -> Result<SectionUpdate, AppError> {
    match update(pool, user, slug.clone(), kind, item, input).await {
        Ok(thread) => Ok(SectionUpdate::Saved(thread)),
        Err(AppError::Conflict(message)) => {
            let (thread, current) = load_for_edit(pool, user, slug, kind, item).await?;
            Ok(SectionUpdate::Conflict { thread, message, current_version: current.base_version })
        }
        Err(other) => Err(other),
    }
}

/// Deletes an item; 404 when the item is not in this thread.
pub fn delete_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    kind: SectionKind,
    item: i64,
    reason: &str,
) -> Result<ThreadRow, AppError> {
    let reason = validate::reason(reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
        let id = thread.thread_id();
        let (subject, before) = snapshot(c, id, kind, item)?;
        record(c, user, id, kind, "removed", item, &subject, &reason, Some(before), None)?;
        match kind {
            SectionKind::Arc => sections::arc::delete(c, id, item)?,
            SectionKind::Interpretation => sections::interpretation::delete(c, id, item)?,
            SectionKind::Question => sections::question::delete(c, id, item)?,
            SectionKind::Controversy => sections::controversy::delete(c, id, item)?,
        }
        citations::remove(c, Owner { kind: kind.owner_kind(), id: item })?;
        if kind == SectionKind::Question {
            // A quiet question gone may clear the thread's "needs attention" flag.
            crate::db::attention::refresh(c, &[id])?;
        }
        threads::touch(c, id)?;
        Ok(thread)
    })
}

/// The async entry of [`delete_in`]; a bad reason is refused before a connection is taken.
pub async fn delete(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    item: i64,
    reason: String,
) -> Result<ThreadRow, AppError> {
    validate::reason(&reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| delete_in(c, &user, &slug, kind, item, &reason)).await
}

/// The thread (checked editable) and the item's current values, for its edit form.
pub fn load_for_edit_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    kind: SectionKind,
    item: i64,
) -> Result<(ThreadRow, SectionInput), AppError> {
    let thread = access::editable_thread(conn, slug, user)?;
    let input = current_values(conn, thread.thread_id(), kind, item)?;
    Ok((thread, input))
}

/// The async entry of [`load_for_edit_in`].
pub async fn load_for_edit(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    kind: SectionKind,
    item: i64,
) -> Result<(ThreadRow, SectionInput), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| load_for_edit_in(c, &user, &slug, kind, item)).await
}

/// An item's current values as its form shows them (with the version to edit on top of).
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
pub fn set_answer_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    item: i64,
    answer: Option<&str>,
    reason: &str,
) -> Result<ThreadRow, AppError> {
    let answer = answer.map(|a| validate::required("the answer", a, 2000).map_err(AppError::Invalid)).transpose()?;
    let reason = validate::reason(reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
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
        record(c, user, id, SectionKind::Question, action, item, &subject, &reason, Some(before), Some(after))?;
        threads::touch(c, id)?;
        Ok(thread)
    })
}

/// The async entry of [`set_answer_in`]; a bad answer or reason is refused before a connection
/// is taken.
pub async fn set_answer(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    item: i64,
    answer: Option<String>,
    reason: String,
) -> Result<ThreadRow, AppError> {
    if let Some(a) = &answer {
        validate::required("the answer", a, 2000).map_err(AppError::Invalid)?;
    }
    validate::reason(&reason).map_err(AppError::Invalid)?;
    let user = user.clone();
    db::with_conn(pool, move |c| set_answer_in(c, &user, &slug, item, answer.as_deref(), &reason)).await
}

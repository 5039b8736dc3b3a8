//! The ordered sections of a thread: the arc, interpretations (with proponents), open questions
//! and active controversies. Every query is scoped by thread id, so an item id from another
//! thread is simply not found.

use diesel::prelude::*;

use super::schema::{arc_periods, controversies, interpretations, open_questions, proponents};
use crate::domain::html::SafeHtml;
use crate::domain::ids::ThreadId;
use crate::error::AppError;

/// Generates the queries every section shares: list in order, fetch one, delete one, and the
/// position a new item takes (after the last).
macro_rules! section_queries {
    ($module:ident, $table:ident, $row:ty) => {
        /// Shared queries of this section.
        pub mod $module {
            use super::*;

            /// The thread's items, in order.
            pub fn list(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Vec<$row>> {
                $table::table
                    .filter($table::thread_id.eq(thread.0))
                    .order(($table::position, $table::id))
                    .select(<$row>::as_select())
                    .load(conn)
            }

            /// One item of the thread, or 404.
            pub fn get(conn: &mut PgConnection, thread: ThreadId, id: i64) -> Result<$row, AppError> {
                Ok($table::table
                    .filter($table::thread_id.eq(thread.0).and($table::id.eq(id)))
                    .select(<$row>::as_select())
                    .first(conn)?)
            }

            /// Deletes one item of the thread; 404 when it is not the thread's.
            pub fn delete(conn: &mut PgConnection, thread: ThreadId, id: i64) -> Result<(), AppError> {
                let n = diesel::delete($table::table.filter($table::thread_id.eq(thread.0).and($table::id.eq(id))))
                    .execute(conn)?;
                if n == 0 { Err(AppError::NotFound) } else { Ok(()) }
            }

            pub(crate) fn next_position(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<i32> {
                let max: Option<i32> = $table::table
                    .filter($table::thread_id.eq(thread.0))
                    .select(diesel::dsl::max($table::position))
                    .first(conn)?;
                Ok(max.unwrap_or(0) + 1)
            }

            /// After a versioned update: 0 rows means the item is gone (404) or was changed
            /// since the editor loaded it (409).
            pub(crate) fn require_updated(
                conn: &mut PgConnection,
                thread: ThreadId,
                id: i64,
                n: usize,
            ) -> Result<(), AppError> {
                match n {
                    0 if get(conn, thread, id).is_ok() => Err(AppError::Conflict(
                        "someone changed this while you were editing; your text is kept below".to_owned(),
                    )),
                    0 => Err(AppError::NotFound),
                    _ => Ok(()),
                }
            }
        }
    };
}

/// A dated period of the thread's story.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = arc_periods)]
pub struct ArcPeriodRow {
    pub id: i64,
    pub thread_id: i64,
    pub position: i32,
    pub label: String,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    /// Bumped by every edit; an edit from an older version is a conflict.
    pub version: i32,
}

/// A reading of the debate.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = interpretations)]
pub struct InterpretationRow {
    pub id: i64,
    pub thread_id: i64,
    pub position: i32,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    /// Bumped by every edit; an edit from an older version is a conflict.
    pub version: i32,
}

/// A question the thread has not answered.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = open_questions)]
pub struct QuestionRow {
    pub id: i64,
    pub thread_id: i64,
    pub position: i32,
    pub question: String,
    /// Bumped by every edit; an edit from an older version is a conflict.
    pub version: i32,
    /// Set when the thread found an answer (the question then leaves the open list).
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
    pub answer: String,
    /// The question rendered (it may cite); empty for questions saved before it was stored.
    pub question_html: String,
}

/// A dispute under way.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = controversies)]
pub struct ControversyRow {
    pub id: i64,
    pub thread_id: i64,
    pub position: i32,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    /// Bumped by every edit; an edit from an older version is a conflict.
    pub version: i32,
}

section_queries!(arc, arc_periods, ArcPeriodRow);
section_queries!(interpretation, interpretations, InterpretationRow);
section_queries!(question, open_questions, QuestionRow);
section_queries!(controversy, controversies, ControversyRow);

/// Fields of an arc period, validated and rendered.
#[derive(Debug, Clone)]
pub struct ArcFields {
    pub label: String,
    pub title: String,
    pub body_md: String,
    pub body_html: SafeHtml,
}

/// Fields of an interpretation, validated and rendered.
#[derive(Debug, Clone)]
pub struct InterpretationFields {
    pub title: String,
    pub body_md: String,
    pub body_html: SafeHtml,
    pub proponents: Vec<String>,
}

/// Fields of a controversy, validated and rendered.
#[derive(Debug, Clone)]
pub struct ControversyFields {
    pub title: String,
    pub body_md: String,
    pub body_html: SafeHtml,
}

/// Appends an arc period.
pub fn insert_arc(conn: &mut PgConnection, thread: ThreadId, f: &ArcFields) -> QueryResult<i64> {
    let position = arc::next_position(conn, thread)?;
    diesel::insert_into(arc_periods::table)
        .values((
            arc_periods::thread_id.eq(thread.0),
            arc_periods::position.eq(position),
            arc_periods::label.eq(&f.label),
            arc_periods::title.eq(&f.title),
            arc_periods::body_md.eq(&f.body_md),
            arc_periods::body_html.eq(&f.body_html),
        ))
        .returning(arc_periods::id)
        .get_result(conn)
}

/// Rewrites an arc period.
pub fn update_arc(
    conn: &mut PgConnection,
    thread: ThreadId,
    id: i64,
    base_version: i32,
    f: &ArcFields,
) -> Result<(), AppError> {
    let n = diesel::update(arc_periods::table.filter(
        arc_periods::thread_id.eq(thread.0).and(arc_periods::id.eq(id)).and(arc_periods::version.eq(base_version)),
    ))
    .set((
        arc_periods::label.eq(&f.label),
        arc_periods::title.eq(&f.title),
        arc_periods::body_md.eq(&f.body_md),
        arc_periods::body_html.eq(&f.body_html),
        arc_periods::version.eq(arc_periods::version + 1),
    ))
    .execute(conn)?;
    arc::require_updated(conn, thread, id, n)
}

/// Appends an interpretation with its proponents.
pub fn insert_interpretation(conn: &mut PgConnection, thread: ThreadId, f: &InterpretationFields) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let position = interpretation::next_position(conn, thread)?;
        let id = diesel::insert_into(interpretations::table)
            .values((
                interpretations::thread_id.eq(thread.0),
                interpretations::position.eq(position),
                interpretations::title.eq(&f.title),
                interpretations::body_md.eq(&f.body_md),
                interpretations::body_html.eq(&f.body_html),
            ))
            .returning(interpretations::id)
            .get_result(conn)?;
        replace_proponents(conn, id, &f.proponents)?;
        Ok(id)
    })
}

/// Rewrites an interpretation and replaces its proponents.
pub fn update_interpretation(
    conn: &mut PgConnection,
    thread: ThreadId,
    id: i64,
    base_version: i32,
    f: &InterpretationFields,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let n = diesel::update(
            interpretations::table.filter(
                interpretations::thread_id
                    .eq(thread.0)
                    .and(interpretations::id.eq(id))
                    .and(interpretations::version.eq(base_version)),
            ),
        )
        .set((
            interpretations::title.eq(&f.title),
            interpretations::body_md.eq(&f.body_md),
            interpretations::body_html.eq(&f.body_html),
            interpretations::version.eq(interpretations::version + 1),
        ))
        .execute(conn)?;
        interpretation::require_updated(conn, thread, id, n)?;
        replace_proponents(conn, id, &f.proponents)?;
        Ok(())
    })
}

fn replace_proponents(conn: &mut PgConnection, interpretation_id: i64, names: &[String]) -> QueryResult<()> {
    diesel::delete(proponents::table.filter(proponents::interpretation_id.eq(interpretation_id))).execute(conn)?;
    let rows: Vec<_> = names
        .iter()
        .zip(1..)
        .map(|(name, position)| {
            (
                proponents::interpretation_id.eq(interpretation_id),
                proponents::position.eq(position),
                proponents::name.eq(name),
            )
        })
        .collect();
    diesel::insert_into(proponents::table).values(&rows).execute(conn)?;
    Ok(())
}

/// Proponents of several interpretations in one query: (interpretation id, name), in order.
pub fn proponents_of(conn: &mut PgConnection, interpretation_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    proponents::table
        .filter(proponents::interpretation_id.eq_any(interpretation_ids))
        .order((proponents::interpretation_id, proponents::position))
        .select((proponents::interpretation_id, proponents::name))
        .load(conn)
}

/// Appends an open question (and keeps the thread's attention dates current, as every
/// question write here does).
pub fn insert_question(conn: &mut PgConnection, thread: ThreadId, text: &str, html: &SafeHtml) -> QueryResult<i64> {
    let position = question::next_position(conn, thread)?;
    let id = diesel::insert_into(open_questions::table)
        .values((
            open_questions::thread_id.eq(thread.0),
            open_questions::position.eq(position),
            open_questions::question.eq(text),
            open_questions::question_html.eq(html.as_str()),
        ))
        .returning(open_questions::id)
        .get_result(conn)?;
    // A new question's activity is now (`touched_at` defaults to it).
    super::attention::refresh(conn, &[thread])?;
    Ok(id)
}

/// Rewrites an open question.
pub fn update_question(
    conn: &mut PgConnection,
    thread: ThreadId,
    id: i64,
    base_version: i32,
    text: &str,
    html: &SafeHtml,
) -> Result<(), AppError> {
    let n = diesel::update(
        open_questions::table.filter(
            open_questions::thread_id
                .eq(thread.0)
                .and(open_questions::id.eq(id))
                .and(open_questions::version.eq(base_version)),
        ),
    )
    .set((
        open_questions::question.eq(text),
        open_questions::question_html.eq(html.as_str()),
        open_questions::version.eq(open_questions::version + 1),
        // Touching a question is activity: it clears a "needs attention" flag it caused.
        open_questions::touched_at.eq(diesel::dsl::now),
    ))
    .execute(conn)?;
    question::require_updated(conn, thread, id, n)?;
    super::attention::refresh(conn, &[thread])?;
    Ok(())
}

/// Appends a controversy.
pub fn insert_controversy(conn: &mut PgConnection, thread: ThreadId, f: &ControversyFields) -> QueryResult<i64> {
    let position = controversy::next_position(conn, thread)?;
    diesel::insert_into(controversies::table)
        .values((
            controversies::thread_id.eq(thread.0),
            controversies::position.eq(position),
            controversies::title.eq(&f.title),
            controversies::body_md.eq(&f.body_md),
            controversies::body_html.eq(&f.body_html),
        ))
        .returning(controversies::id)
        .get_result(conn)
}

/// Rewrites a controversy.
pub fn update_controversy(
    conn: &mut PgConnection,
    thread: ThreadId,
    id: i64,
    base_version: i32,
    f: &ControversyFields,
) -> Result<(), AppError> {
    let n = diesel::update(
        controversies::table.filter(
            controversies::thread_id
                .eq(thread.0)
                .and(controversies::id.eq(id))
                .and(controversies::version.eq(base_version)),
        ),
    )
    .set((
        controversies::title.eq(&f.title),
        controversies::body_md.eq(&f.body_md),
        controversies::body_html.eq(&f.body_html),
        controversies::version.eq(controversies::version + 1),
    ))
    .execute(conn)?;
    controversy::require_updated(conn, thread, id, n)
}

/// Records an answer to a question (`None` reopens it); bumps its version so open edit forms
/// see the change.
pub fn set_question_answer(
    conn: &mut PgConnection,
    thread: ThreadId,
    id: i64,
    answer: Option<&str>,
) -> Result<(), AppError> {
    let n = diesel::update(
        open_questions::table.filter(open_questions::thread_id.eq(thread.0).and(open_questions::id.eq(id))),
    )
    .set((
        open_questions::answer.eq(answer.unwrap_or("")),
        open_questions::answered_at.eq(answer.map(|_| chrono::Utc::now())),
        open_questions::version.eq(open_questions::version + 1),
        // Answering (or reopening) is activity on the question.
        open_questions::touched_at.eq(diesel::dsl::now),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    super::attention::refresh(conn, &[thread])?;
    Ok(())
}

/// Questions saved before their text was rendered: id and text.
pub fn questions_without_html(conn: &mut PgConnection) -> QueryResult<Vec<(i64, String)>> {
    open_questions::table
        .filter(open_questions::question_html.eq(""))
        .select((open_questions::id, open_questions::question))
        .load(conn)
}

/// Stores a question's rendered text (its version stays: the text did not change).
pub fn set_question_html(conn: &mut PgConnection, id: i64, html: &SafeHtml) -> QueryResult<usize> {
    diesel::update(open_questions::table.filter(open_questions::id.eq(id)))
        .set(open_questions::question_html.eq(html.as_str()))
        .execute(conn)
}

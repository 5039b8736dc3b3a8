//! The dates a thread's "needs attention" flag is computed from, kept on the thread row by the
//! writes that move them (a synthesis revision, an event linked, re-dated or re-ranked, a
//! question asked, touched or answered), so finding flagged threads is an indexed range query.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Integer, Nullable, Text, Timestamptz};

use crate::db::schema::threads;
use crate::domain::attention::{Cutoffs, Dates, Evidence, NAMED, QuietQuestion, StaleEvent};
use crate::domain::ids::{EventId, ThreadId};
use crate::domain::thread::Significance;

/// The assignments of the flag's dates of thread `t`, from its events and open questions (days
/// are UTC days, as `domain::attention` counts them), with `$substantive` the SQL expression of
/// its last substantive revision's time.
macro_rules! flag_dates {
    ($substantive:expr) => {
        concat!(
            "stale_event_on = (
                SELECT min(e.occurred_on) FROM thread_events te JOIN events e ON e.id = te.event_id
                WHERE te.thread_id = t.id AND e.significance IN ('landmark', 'major')
                  AND (",
            $substantive,
            " IS NULL
                       OR e.occurred_on > ((",
            $substantive,
            ") AT TIME ZONE 'UTC')::date)),
            quiet_question_at = (
                SELECT min(q.touched_at) FROM open_questions q
                WHERE q.thread_id = t.id AND q.answered_at IS NULL)"
        )
    };
}

/// A substantive (non-minor) revision saved now, else the last one: `$3` is `minor`.
macro_rules! substantive_after_revision {
    () => {
        "CASE WHEN $3 THEN t.substantive_at ELSE now() END"
    };
}

/// Records a synthesis revision: a substantive (non-minor) one becomes the version readers rate
/// and the date staleness is measured from. Runs in the save's transaction, after the save's own
/// UPDATE of the thread locked its row, so it is one statement and takes no lock first.
pub fn after_revision(conn: &mut PgConnection, thread: ThreadId, seq: i32, minor: bool) -> QueryResult<()> {
    diesel::sql_query(concat!(
        "UPDATE threads t SET
            substantive_at = ",
        substantive_after_revision!(),
        ",
            substantive_seq = CASE WHEN $3 THEN t.substantive_seq ELSE $2 END,
            ",
        flag_dates!(substantive_after_revision!()),
        ",
            -- The thread page shows the flag: its cached data is stale now.
            version = t.version + 1
         WHERE t.id = $1"
    ))
    .bind::<BigInt, _>(thread.0)
    .bind::<Integer, _>(seq)
    .bind::<Bool, _>(minor)
    .execute(conn)?;
    Ok(())
}

/// Recomputes the flag's dates of `threads` from their events and open questions, and marks
/// their cached pages stale.
pub fn refresh(conn: &mut PgConnection, threads: &[ThreadId]) -> QueryResult<()> {
    let ids: Vec<i64> = threads.iter().map(|t| t.0).collect();
    super::threads::lock_rows(conn, &ids)?;
    diesel::sql_query(concat!(
        "UPDATE threads t SET
            ",
        flag_dates!("t.substantive_at"),
        ",
            -- The thread page shows the flag: its cached data is stale now.
            version = t.version + 1
         WHERE t.id = ANY($1)"
    ))
    .bind::<Array<BigInt>, _>(ids)
    .execute(conn)?;
    Ok(())
}

/// Recomputes the flag's dates of every thread `event` is linked to (after its date or
/// significance changed, or before it is deleted).
pub fn refresh_for_event(conn: &mut PgConnection, event: EventId) -> QueryResult<()> {
    use crate::db::schema::thread_events::dsl as te;
    let threads: Vec<i64> = te::thread_events.filter(te::event_id.eq(event.0)).select(te::thread_id).load(conn)?;
    refresh(conn, &threads.into_iter().map(ThreadId).collect::<Vec<_>>())
}

/// The flag's dates of one thread.
#[derive(Debug, Clone, Copy, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::threads)]
pub struct DateColumns {
    pub substantive_at: Option<DateTime<Utc>>,
    pub stale_event_on: Option<NaiveDate>,
    pub quiet_question_at: Option<DateTime<Utc>>,
}

impl From<DateColumns> for Dates {
    fn from(d: DateColumns) -> Self {
        Dates {
            substantive_at: d.substantive_at,
            stale_event_on: d.stale_event_on,
            quiet_question_at: d.quiet_question_at,
        }
    }
}

/// What the thread page needs to decide the flag at view time: the thread's dates and every
/// unanswered question's last activity (the events are on the page already). None of it
/// depends on the time of the view, so it is cached with the page.
#[derive(Debug, Clone, Default)]
pub struct PageFacts {
    pub dates: Dates,
    /// `(question id, touched_at)` of the unanswered questions, quietest first.
    pub unanswered: Vec<(i64, DateTime<Utc>)>,
}

/// The facts of one thread's page (two indexed queries).
pub fn page_facts(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<PageFacts> {
    use crate::db::schema::{open_questions as q, threads as t};
    let dates: DateColumns = t::table.find(thread.0).select(DateColumns::as_select()).first(conn)?;
    let unanswered = q::table
        .filter(q::thread_id.eq(thread.0).and(q::answered_at.is_null()))
        .order((q::touched_at, q::id))
        .select((q::id, q::touched_at))
        .load(conn)?;
    Ok(PageFacts { dates: dates.into(), unanswered })
}

/// The filter of the flagged threads (the thread index's "needs attention"): a range on each
/// of the two partial indexes.
pub fn flagged(cut: &Cutoffs) -> Box<dyn BoxableExpression<threads::table, Pg, SqlType = Nullable<Bool>>> {
    Box::new(
        threads::stale_event_on
            .le(cut.today)
            .and(threads::substantive_at.is_null().or(threads::substantive_at.lt(cut.revised_before)))
            .or(threads::quiet_question_at.lt(cut.touched_before)),
    )
}

/// Which of `ids` are flagged (the badges of a page of the index), in one query.
pub fn flagged_among(conn: &mut PgConnection, cut: &Cutoffs, ids: &[i64]) -> QueryResult<Vec<i64>> {
    threads::table.filter(threads::id.eq_any(ids)).filter(flagged(cut)).select(threads::id).load(conn)
}

/// A flagged thread as the queue lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct QueueRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub substantive_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Date>)]
    pub stale_event_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub quiet_question_at: Option<DateTime<Utc>>,
    /// The day the oldest neglected thing dates from (the queue's order).
    #[diesel(sql_type = Date)]
    pub since: NaiveDate,
}

impl QueueRow {
    /// The flag's dates.
    pub fn dates(&self) -> Dates {
        Dates {
            substantive_at: self.substantive_at,
            stale_event_on: self.stale_event_on,
            quiet_question_at: self.quiet_question_at,
        }
    }
}

/// Where the next page of the queue starts: the `since` and id of the last row shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueCursor {
    pub since: NaiveDate,
    pub id: i64,
}

/// The queue's query: `$1` today, `$2` revised before, `$3` touched before, `$4`/`$5` the
/// cursor (NULL, 0 for the first page), `$6` the limit. Public so a test can EXPLAIN it.
pub const QUEUE_SQL: &str = "SELECT f.* FROM (
        SELECT t.id, t.slug, t.title, t.substantive_at, t.stale_event_on, t.quiet_question_at,
               LEAST(
                 CASE WHEN t.stale_event_on <= $1 AND (t.substantive_at IS NULL OR t.substantive_at < $2)
                      THEN t.stale_event_on END,
                 CASE WHEN t.quiet_question_at < $3
                      THEN (t.quiet_question_at AT TIME ZONE 'UTC')::date END) AS since
        FROM threads t
        WHERE (t.stale_event_on <= $1 AND (t.substantive_at IS NULL OR t.substantive_at < $2))
           OR t.quiet_question_at < $3
    ) f
    WHERE $4::date IS NULL OR (f.since, f.id) > ($4::date, $5)
    ORDER BY f.since, f.id
    LIMIT $6";

/// One page of flagged threads, oldest neglect first, seeking past `after` (no OFFSET). The
/// inner query reads the two partial indexes (a bitmap OR), never every thread.
pub fn queue_page(
    conn: &mut PgConnection,
    cut: &Cutoffs,
    after: Option<QueueCursor>,
    limit: i64,
) -> QueryResult<Vec<QueueRow>> {
    diesel::sql_query(QUEUE_SQL)
        .bind::<Date, _>(cut.today)
        .bind::<Timestamptz, _>(cut.revised_before)
        .bind::<Timestamptz, _>(cut.touched_before)
        .bind::<Nullable<Date>, _>(after.map(|a| a.since))
        .bind::<BigInt, _>(after.map_or(0, |a| a.id))
        .bind::<BigInt, _>(limit)
        .load(conn)
}

/// The events and questions behind the flags of `threads` (a page of the queue, or one thread):
/// for each, at most `NAMED` events that count against its synthesis and `NAMED` questions
/// quiet since before the cutoff, oldest first, with the totals. Two queries whatever the
/// number of threads.
pub fn evidence(conn: &mut PgConnection, cut: &Cutoffs, threads: &[ThreadId]) -> QueryResult<HashMap<i64, Evidence>> {
    let ids: Vec<i64> = threads.iter().map(|t| t.0).collect();
    let named = i64::try_from(NAMED).unwrap_or(5);
    let events: Vec<EventHit> = diesel::sql_query(
        "SELECT x.thread_id, x.substantive_at, x.id, x.title, x.occurred_on, x.significance, x.total FROM (
            SELECT te.thread_id, t.substantive_at, e.id, e.title, e.occurred_on, e.significance,
                   row_number() OVER (PARTITION BY te.thread_id ORDER BY e.occurred_on, e.id) AS n,
                   count(*) OVER (PARTITION BY te.thread_id) AS total
            FROM thread_events te
            JOIN threads t ON t.id = te.thread_id
            JOIN events e ON e.id = te.event_id
            WHERE te.thread_id = ANY($1) AND e.significance IN ('landmark', 'major') AND e.occurred_on <= $2
              AND (t.substantive_at IS NULL OR e.occurred_on > (t.substantive_at AT TIME ZONE 'UTC')::date)
         ) x WHERE x.n <= $3 ORDER BY x.thread_id, x.n",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Date, _>(cut.today)
    .bind::<BigInt, _>(named)
    .load(conn)?;
    let questions: Vec<QuestionHit> = diesel::sql_query(
        "SELECT x.thread_id, x.id, x.question, x.touched_at, x.total FROM (
            SELECT q.thread_id, q.id, q.question, q.touched_at,
                   row_number() OVER (PARTITION BY q.thread_id ORDER BY q.touched_at, q.id) AS n,
                   count(*) OVER (PARTITION BY q.thread_id) AS total
            FROM open_questions q
            WHERE q.thread_id = ANY($1) AND q.answered_at IS NULL AND q.touched_at < $2
         ) x WHERE x.n <= $3 ORDER BY x.thread_id, x.n",
    )
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Timestamptz, _>(cut.touched_before)
    .bind::<BigInt, _>(named)
    .load(conn)?;
    let mut out: HashMap<i64, Evidence> = HashMap::new();
    for e in events {
        let entry = out.entry(e.thread_id).or_default();
        entry.substantive_at = e.substantive_at;
        entry.events_total = usize::try_from(e.total).unwrap_or(0);
        entry.events.push(StaleEvent {
            id: e.id,
            title: e.title,
            occurred_on: e.occurred_on,
            significance: Significance::parse(&e.significance).unwrap_or(Significance::Major),
        });
    }
    for q in questions {
        let entry = out.entry(q.thread_id).or_default();
        entry.questions_total = usize::try_from(q.total).unwrap_or(0);
        entry.questions.push(QuietQuestion { id: q.id, text: q.question, touched_at: q.touched_at });
    }
    Ok(out)
}

#[derive(QueryableByName)]
struct EventHit {
    #[diesel(sql_type = BigInt)]
    thread_id: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    substantive_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Date)]
    occurred_on: NaiveDate,
    #[diesel(sql_type = Text)]
    significance: String,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct QuestionHit {
    #[diesel(sql_type = BigInt)]
    thread_id: i64,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    question: String,
    #[diesel(sql_type = Timestamptz)]
    touched_at: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

//! The dates a thread's "needs attention" flag is computed from, kept on the thread row by the
//! writes that move them (a synthesis revision, an event linked, re-dated or re-ranked, a
//! question asked, touched or answered), so finding flagged threads is an indexed range query.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer};

use crate::domain::ids::{EventId, ThreadId};

/// Records a synthesis revision: a substantive (non-minor) one becomes the version readers rate
/// and the date staleness is measured from. Runs in the save's transaction.
pub fn after_revision(conn: &mut PgConnection, thread: ThreadId, seq: i32, minor: bool) -> QueryResult<()> {
    if !minor {
        diesel::sql_query("UPDATE threads SET substantive_at = now(), substantive_seq = $2 WHERE id = $1")
            .bind::<BigInt, _>(thread.0)
            .bind::<Integer, _>(seq)
            .execute(conn)?;
    }
    refresh(conn, &[thread])
}

/// Recomputes the flag's dates of `threads` from their events and open questions.
pub fn refresh(conn: &mut PgConnection, threads: &[ThreadId]) -> QueryResult<()> {
    let ids: Vec<i64> = threads.iter().map(|t| t.0).collect();
    diesel::sql_query(
        "UPDATE threads t SET
            stale_event_on = (
                SELECT min(e.occurred_on) FROM thread_events te JOIN events e ON e.id = te.event_id
                WHERE te.thread_id = t.id AND e.significance IN ('landmark', 'major')
                  AND (t.substantive_at IS NULL OR e.occurred_on > t.substantive_at::date)),
            quiet_question_at = (
                SELECT min(q.touched_at) FROM open_questions q
                WHERE q.thread_id = t.id AND q.answered_at IS NULL)
         WHERE t.id = ANY($1)",
    )
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

//! Hiding in the changelog: a moderator hides an entry's content, and every copy of the version
//! it made follows (the `before` of the next entry, the version an item shows, the revisions a
//! history lists). The rest of `changes` records and lists entries; this decides what is hidden.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use crate::db::schema::changes;
use crate::domain::history::Area;
use crate::domain::ids::{ThreadId, UserId};

#[derive(QueryableByName)]
struct HiddenBefore {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    hidden_at: DateTime<Utc>,
}

/// Which of these entries have a hidden version as their `before`, and when it was hidden: the
/// one rule for every copy of a version. A version is the `after` of the entry that produced it
/// and the `before` of the next entry of the same item, so the `before` of an entry is hidden
/// when the latest earlier entry of that item with an `after` is (an entry without snapshots,
/// such as linking an event, names the item as that version called it). One statement for a whole page:
/// a lateral look-up of each entry's predecessor, by `changes_item_versions_idx` for items and
/// events and by `changes_thread_area_idx` for a thread's details (one field = one item).
pub fn hidden_befores(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<(i64, DateTime<Utc>)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<HiddenBefore> = diesel::sql_query(
        "SELECT c.id, COALESCE(item.hidden_at, detail.hidden_at) AS hidden_at FROM changes c \
         LEFT JOIN LATERAL (SELECT p.hidden_at FROM changes p \
             WHERE c.subject_id IS NOT NULL AND p.area = c.area AND p.subject_id = c.subject_id \
               AND p.after IS NOT NULL AND p.id < c.id \
             ORDER BY p.id DESC LIMIT 1) item ON true \
         LEFT JOIN LATERAL (SELECT p.hidden_at FROM changes p \
             WHERE c.area = 'details' AND p.thread_id = c.thread_id AND p.area = 'details' \
               AND p.action = c.action AND p.id < c.id \
             ORDER BY p.id DESC LIMIT 1) detail ON true \
         WHERE c.id = ANY($1) AND COALESCE(item.hidden_at, detail.hidden_at) IS NOT NULL",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::BigInt>, _>(ids)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| (r.id, r.hidden_at)).collect())
}

/// What an item or event should show after one of its entries was hidden or shown again.
#[derive(Debug, Clone, PartialEq)]
pub enum ShownVersion {
    /// It was removed: nothing to show, nothing to put back.
    Removed,
    /// This snapshot: the newest visible version a person saved, or the item's state from before
    /// the changelog existed (the `before` of its first entry).
    Snapshot(Value),
    /// Every version it had is hidden.
    NoneVisible,
}

/// The version an item or event (`area`, `subject`) shows: its newest visible version made by a
/// person's change. Versions that hiding put back (`restored`) do not count, so unhiding an entry
/// brings its version back unless someone changed the item since. Three indexed look-ups.
pub fn shown_version(conn: &mut PgConnection, area: Area, subject: i64) -> QueryResult<ShownVersion> {
    let of_item = changes::area.eq(area.as_str()).and(changes::subject_id.eq(subject));
    let removed: bool =
        diesel::select(diesel::dsl::exists(changes::table.filter(of_item).filter(changes::action.eq("removed"))))
            .get_result(conn)?;
    if removed {
        return Ok(ShownVersion::Removed);
    }
    let visible: Option<Option<Value>> = changes::table
        .filter(of_item)
        .filter(changes::after.is_not_null().and(changes::hidden_at.is_null()))
        .filter(changes::action.ne(RESTORED))
        .order(changes::id.desc())
        .select(changes::after)
        .first(conn)
        .optional()?;
    if let Some(Some(after)) = visible {
        return Ok(ShownVersion::Snapshot(after));
    }
    let first: Option<Option<Value>> =
        changes::table.filter(of_item).order(changes::id.asc()).select(changes::before).first(conn).optional()?;
    Ok(match first {
        Some(Some(before)) => ShownVersion::Snapshot(before),
        _ => ShownVersion::NoneVisible,
    })
}

/// The action of the entry that records a version put back by hiding or unhiding another entry.
pub const RESTORED: &str = "restored";

/// The seqs among `seqs` whose revisions a moderator hid.
pub fn hidden_revisions(conn: &mut PgConnection, thread: ThreadId, seqs: &[i32]) -> QueryResult<Vec<i32>> {
    changes::table
        .filter(changes::thread_id.eq(thread.0))
        .filter(changes::rev_seq.eq_any(seqs))
        .filter(changes::hidden_at.is_not_null())
        .select(changes::rev_seq.assume_not_null())
        .load(conn)
}

/// Every hidden revision of a thread (there are few).
pub fn hidden_revision_seqs(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Vec<i32>> {
    changes::table
        .filter(changes::thread_id.eq(thread.0))
        .filter(changes::rev_seq.is_not_null())
        .filter(changes::hidden_at.is_not_null())
        .select(changes::rev_seq.assume_not_null())
        .load(conn)
}

/// Hides a change's content (`Some(reason)`) or shows it again (`None`); false if it already was so.
pub fn set_hidden(conn: &mut PgConnection, id: i64, by: UserId, reason: Option<&str>) -> QueryResult<bool> {
    let n = match reason {
        Some(reason) => diesel::update(changes::table.find(id).filter(changes::hidden_at.is_null()))
            .set((
                changes::hidden_by.eq(by.0),
                changes::hidden_at.eq(diesel::dsl::now),
                changes::hidden_reason.eq(reason),
            ))
            .execute(conn)?,
        None => diesel::update(changes::table.find(id).filter(changes::hidden_at.is_not_null()))
            .set((
                changes::hidden_by.eq(None::<i64>),
                changes::hidden_at.eq(None::<DateTime<Utc>>),
                changes::hidden_reason.eq(""),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

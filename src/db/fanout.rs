//! The notification outbox (issue 18, item 9): a change is recorded here once, in its own
//! transaction, and folded into its followers' notifications after it commits, in batches
//! (`ops::fanout` runs them). The save path stays O(1) in the number of followers.
//!
//! Exactly once: a batch's notifications and the entry's progress (`thread_pos`,
//! `after_user_id`) are written in one transaction, holding the entry's row lock. A worker that
//! dies before it commits writes nothing and frees the entry; one that commits has moved the
//! progress past the followers it notified, so whoever runs the next batch seeks past them.
//!
//! Order: a thread's changes are fanned out in the order they were made (a worker only claims
//! an entry no older pending entry of the same threads precedes), so a minor edit counts into
//! the notification its predecessor opened, as it did when fan-out ran inside the save.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int4, Text};

use super::schema::{fanout_outbox, follows, thread_curators};
use crate::domain::ids::UserId;

/// Who hears of a change recorded in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every follower of its threads but the one who made it.
    Followers,
    /// Only the followers of its thread who curate it, the actor included.
    Curators,
}

impl Audience {
    fn as_str(self) -> &'static str {
        match self {
            Audience::Followers => "followers",
            Audience::Curators => "curators",
        }
    }
}

/// Records change `change_id` for fan-out to the followers of `threads` (ascending), in the
/// caller's transaction: one row, whatever the number of followers. Threads nobody follows
/// (or, for curators, no curator follows) need no entry: one index probe finds out.
pub fn enqueue(
    conn: &mut PgConnection,
    change_id: i64,
    threads: &[i64],
    audience: Audience,
    actor: UserId,
    minor: bool,
) -> QueryResult<bool> {
    if threads.is_empty() {
        return Ok(false);
    }
    let followed: bool = match audience {
        Audience::Followers => diesel::select(diesel::dsl::exists(
            follows::table.filter(follows::thread_id.eq_any(threads)).filter(follows::user_id.ne(actor.0)),
        ))
        .get_result(conn)?,
        Audience::Curators => diesel::select(diesel::dsl::exists(
            follows::table
                .inner_join(
                    thread_curators::table.on(thread_curators::thread_id
                        .eq(follows::thread_id)
                        .and(thread_curators::user_id.eq(follows::user_id))),
                )
                .filter(follows::thread_id.eq_any(threads)),
        ))
        .get_result(conn)?,
    };
    if !followed {
        return Ok(false);
    }
    diesel::insert_into(fanout_outbox::table)
        .values((
            fanout_outbox::change_id.eq(change_id),
            fanout_outbox::last_change_id.eq(change_id),
            fanout_outbox::thread_ids.eq(threads),
            fanout_outbox::audience.eq(audience.as_str()),
            fanout_outbox::actor_id.eq(actor.0),
            fanout_outbox::minor.eq(minor),
        ))
        .execute(conn)?;
    Ok(true)
}

/// An outbox entry claimed by a worker: locked until its transaction ends.
#[derive(Debug, Clone, QueryableByName)]
pub struct Pending {
    #[diesel(sql_type = BigInt)]
    pub change_id: i64,
    #[diesel(sql_type = BigInt)]
    pub last_change_id: i64,
    #[diesel(sql_type = Int4)]
    pub change_count: i32,
    #[diesel(sql_type = Array<BigInt>)]
    pub thread_ids: Vec<i64>,
    #[diesel(sql_type = Text)]
    pub audience: String,
    #[diesel(sql_type = BigInt)]
    pub actor_id: i64,
    #[diesel(sql_type = Bool)]
    pub minor: bool,
    #[diesel(sql_type = Int4)]
    pub thread_pos: i32,
    #[diesel(sql_type = BigInt)]
    pub after_user_id: i64,
}

impl Pending {
    /// Whether no batch of it has been written yet.
    pub fn fresh(&self) -> bool {
        self.thread_pos == 0 && self.after_user_id == 0
    }

    fn curators_only(&self) -> bool {
        self.audience == Audience::Curators.as_str()
    }
}

const PENDING_COLUMNS: &str = "o.change_id, o.last_change_id, o.change_count, o.thread_ids, o.audience, o.actor_id, \
     o.minor, o.thread_pos, o.after_user_id";

/// Claims the oldest entry that no older pending entry of an overlapping set of threads
/// precedes, skipping entries other workers hold and those in `skip` (failed this round).
/// `FOR UPDATE SKIP LOCKED`: the claim lasts until the caller's transaction ends, so several
/// instances share the outbox without running one batch twice.
pub fn claim(conn: &mut PgConnection, skip: &[i64]) -> QueryResult<Option<Pending>> {
    diesel::sql_query(format!(
        "SELECT {PENDING_COLUMNS} FROM fanout_outbox o \
         WHERE o.change_id <> ALL($1) \
           AND NOT EXISTS (SELECT 1 FROM fanout_outbox p \
                           WHERE p.change_id < o.change_id AND p.thread_ids && o.thread_ids) \
         ORDER BY o.change_id LIMIT 1 FOR UPDATE OF o SKIP LOCKED"
    ))
    .bind::<Array<BigInt>, _>(skip)
    .get_result(conn)
    .optional()
}

/// Folds into a fresh claimed entry the run of entries right after it that notify the same
/// people of the same threads alike (same audience, actor and minor flag), up to `limit`, and
/// deletes them: a burst of saves costs one pass over the followers, each notification
/// counting every change. Returns how many were folded in.
pub fn absorb_followers(conn: &mut PgConnection, head: &mut Pending, limit: i64) -> QueryResult<usize> {
    if !head.fresh() {
        return Ok(0);
    }
    // Nobody else can hold these rows: no worker claims an entry while `head` precedes it.
    let later: Vec<Pending> = diesel::sql_query(format!(
        "SELECT {PENDING_COLUMNS} FROM fanout_outbox o \
         WHERE o.change_id > $1 AND o.thread_ids && $2 ORDER BY o.change_id LIMIT $3 FOR UPDATE OF o"
    ))
    .bind::<BigInt, _>(head.change_id)
    .bind::<Array<BigInt>, _>(&head.thread_ids)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    let run: Vec<&Pending> = later
        .iter()
        .take_while(|p| {
            p.thread_ids == head.thread_ids
                && p.audience == head.audience
                && p.actor_id == head.actor_id
                && p.minor == head.minor
                && p.fresh()
        })
        .collect();
    let Some(newest) = run.last() else {
        return Ok(0);
    };
    let ids: Vec<i64> = run.iter().map(|p| p.change_id).collect();
    let added: i32 = run.iter().map(|p| p.change_count).sum();
    diesel::delete(fanout_outbox::table.filter(fanout_outbox::change_id.eq_any(&ids))).execute(conn)?;
    head.last_change_id = newest.last_change_id;
    head.change_count += added;
    diesel::update(fanout_outbox::table.find(head.change_id))
        .set((fanout_outbox::last_change_id.eq(head.last_change_id), fanout_outbox::change_count.eq(head.change_count)))
        .execute(conn)?;
    Ok(ids.len())
}

/// What one batch wrote.
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Batch {
    /// Followers of the thread reached (each got or updated one notification, or for a minor
    /// change, had their open one updated if any).
    #[diesel(sql_type = BigInt)]
    pub followers: i64,
    /// The last of them (user id), where the next batch of this thread seeks from.
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    pub last_user_id: Option<i64>,
}

/// Writes the next batch of `entry`: up to `limit` followers of its current thread after
/// `after_user_id`, in user id order (`follows_thread_idx`). A notification already open for
/// the (reader, thread) absorbs the changes; otherwise one opens (never for a minor change).
/// `LEAST`/`GREATEST` keep a notification's range of changes right in whatever order entries
/// land.
pub fn write_batch(conn: &mut PgConnection, entry: &Pending, limit: i64) -> QueryResult<Batch> {
    let Some(&thread) = usize::try_from(entry.thread_pos).ok().and_then(|i| entry.thread_ids.get(i)) else {
        return Ok(Batch { followers: 0, last_user_id: None });
    };
    // The curators' audience leaves nobody out (the server, not a person, made the change).
    let excluded = if entry.curators_only() { 0 } else { entry.actor_id };
    let batch = "SELECT f.user_id FROM follows f \
                 WHERE f.thread_id = $2 AND f.user_id > $3 AND f.user_id <> $4 \
                   AND (NOT $5 OR EXISTS (SELECT 1 FROM thread_curators tc \
                                          WHERE tc.thread_id = f.thread_id AND tc.user_id = f.user_id)) \
                 ORDER BY f.user_id LIMIT $6";
    let write = if entry.minor {
        "UPDATE notifications n SET last_change_id = GREATEST(n.last_change_id, $7), \
             change_count = n.change_count + $8, updated_at = now() \
         FROM batch b WHERE n.user_id = b.user_id AND n.thread_id = $2 AND n.read_at IS NULL"
    } else {
        // A notification already e-mailed but still unread goes out again in the next digest:
        // it has news again.
        "INSERT INTO notifications (user_id, thread_id, first_change_id, last_change_id, change_count) \
         SELECT b.user_id, $2, $1, $7, $8 FROM batch b \
         ON CONFLICT (user_id, thread_id) WHERE read_at IS NULL DO UPDATE SET \
             first_change_id = LEAST(notifications.first_change_id, EXCLUDED.first_change_id), \
             last_change_id = GREATEST(notifications.last_change_id, EXCLUDED.last_change_id), \
             change_count = notifications.change_count + EXCLUDED.change_count, \
             updated_at = now(), emailed_at = NULL"
    };
    diesel::sql_query(format!(
        "WITH batch AS ({batch}), written AS ({write}) \
         SELECT count(*) AS followers, max(user_id) AS last_user_id FROM batch"
    ))
    .bind::<BigInt, _>(entry.change_id)
    .bind::<BigInt, _>(thread)
    .bind::<BigInt, _>(entry.after_user_id)
    .bind::<BigInt, _>(excluded)
    .bind::<Bool, _>(entry.curators_only())
    .bind::<BigInt, _>(limit)
    .bind::<BigInt, _>(entry.last_change_id)
    .bind::<Int4, _>(entry.change_count)
    .get_result(conn)
}

/// Records the progress of `entry` after a batch: the next batch starts at `thread_pos` after
/// follower `after_user_id`. Past the last thread the entry is done and deleted. Returns
/// whether it is done.
pub fn advance(conn: &mut PgConnection, entry: &Pending, thread_pos: i32, after_user_id: i64) -> QueryResult<bool> {
    let done = usize::try_from(thread_pos).map_or(true, |pos| pos >= entry.thread_ids.len());
    if done {
        diesel::delete(fanout_outbox::table.find(entry.change_id)).execute(conn)?;
    } else {
        diesel::update(fanout_outbox::table.find(entry.change_id))
            .set((fanout_outbox::thread_pos.eq(thread_pos), fanout_outbox::after_user_id.eq(after_user_id)))
            .execute(conn)?;
    }
    Ok(done)
}

/// How many entries wait (the tests' and the benchmark's "fanned out yet?").
pub fn pending_count(conn: &mut PgConnection) -> QueryResult<i64> {
    fanout_outbox::table.count().get_result(conn)
}

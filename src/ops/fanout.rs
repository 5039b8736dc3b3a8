//! The fan-out worker (issue 18, item 9): writes the notifications of committed changes from the
//! outbox (`db::fanout`), one batch of followers per transaction, inside `agora serve`. Several
//! instances may run it at once: each batch is claimed with `FOR UPDATE SKIP LOCKED` and its
//! notifications commit together with the entry's progress, so a crash mid-fan-out neither loses
//! nor repeats a notification.

use diesel::{Connection, PgConnection, RunQueryDsl};

use crate::config::FanoutSettings;
use crate::db::fanout::{self as outbox, Pending};
use crate::db::{self, PgPool};
use crate::error::AppError;

/// Later entries folded into a fresh one at most (a burst of saves by one person).
const ABSORB_LIMIT: i64 = 1_000;

/// What one batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The entry's first change.
    pub change_id: i64,
    /// Followers reached by this batch.
    pub followers: i64,
    /// Whether the entry is done (deleted).
    pub done: bool,
}

/// What one round (`run_once`) did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Batches committed.
    pub batches: usize,
    /// Entries finished.
    pub entries: usize,
    /// Followers reached.
    pub followers: i64,
    /// Batches that failed (rolled back; their entries wait for the next round).
    pub failed: usize,
}

/// Claims the next entry (none in `skip`) and writes its next batch, in the caller's
/// transaction; `None` when nothing is claimable. The caller commits: notifications and
/// progress together. `claimed` names the entry as soon as it is claimed (so a caller whose
/// batch failed knows which entry to leave for later).
pub fn claim_and_write_in(
    conn: &mut PgConnection,
    settings: &FanoutSettings,
    skip: &[i64],
    claimed: &mut Option<i64>,
) -> Result<Option<Step>, AppError> {
    let Some(mut entry) = outbox::claim(conn, skip)? else {
        return Ok(None);
    };
    *claimed = Some(entry.change_id);
    outbox::absorb_followers(conn, &mut entry, ABSORB_LIMIT)?;
    let batch = outbox::write_batch(conn, &entry, settings.batch.max(1))?;
    let (pos, after) = next_position(&entry, batch.followers, batch.last_user_id, settings.batch.max(1));
    let done = outbox::advance(conn, &entry, pos, after)?;
    Ok(Some(Step { change_id: entry.change_id, followers: batch.followers, done }))
}

/// Where the entry continues after a batch of `followers` ending at `last_user`: the same
/// thread after that follower while batches come back full, else the start of the next thread.
fn next_position(entry: &Pending, followers: i64, last_user: Option<i64>, limit: i64) -> (i32, i64) {
    match last_user {
        Some(last) if followers >= limit => (entry.thread_pos, last),
        _ => (entry.thread_pos + 1, 0),
    }
}

/// One batch in a transaction of its own, bounded by the lease: PostgreSQL ends a transaction
/// that outlives it (a stuck worker), which rolls the batch back for another worker to redo.
pub fn step_in(
    conn: &mut PgConnection,
    settings: &FanoutSettings,
    skip: &[i64],
    claimed: &mut Option<i64>,
) -> Result<Option<Step>, AppError> {
    let lease_ms = settings.lease.as_millis().clamp(1, u128::from(u32::MAX));
    conn.transaction(|c| {
        diesel::sql_query(format!(
            "SELECT set_config('statement_timeout', '{lease_ms}', true), \
                    set_config('idle_in_transaction_session_timeout', '{lease_ms}', true)"
        ))
        .execute(c)?;
        claim_and_write_in(c, settings, skip, claimed)
    })
}

/// Writes batches until no entry is claimable (the outbox is empty, or what is left is held by
/// other workers or failed in this round). A failed batch is logged and counted; its entry
/// waits for the next round.
pub async fn run_once(pool: &PgPool, settings: &FanoutSettings) -> Result<Round, AppError> {
    let mut round = Round::default();
    let mut failed: Vec<i64> = Vec::new();
    loop {
        let settings = *settings;
        let skip = failed.clone();
        let (claimed, step) = db::with_conn(pool, move |c| {
            let mut claimed = None;
            let step = step_in(c, &settings, &skip, &mut claimed);
            Ok((claimed, step))
        })
        .await?;
        match step {
            Ok(None) => return Ok(round),
            Ok(Some(s)) => {
                round.batches += 1;
                round.followers += s.followers;
                round.entries += usize::from(s.done);
            }
            Err(e) => {
                round.failed += 1;
                tracing::warn!(change = ?claimed, error = %e, "a fan-out batch failed; it waits for the next round");
                match claimed {
                    // The others go on; this one is tried again at the next tick.
                    Some(id) => failed.push(id),
                    // Not even a claim: the database is unwell, try at the next tick.
                    None => return Ok(round),
                }
            }
        }
    }
}

/// Runs [`run_once`] every `settings.tick` (first at once) on the current runtime; it ends with
/// the runtime. Counts runs and failures in `agora_jobs_runs_total` / `agora_jobs_failures_total`
/// (job `fanout`).
pub fn spawn_worker(pool: PgPool, settings: FanoutSettings) -> tokio::task::JoinHandle<()> {
    super::jobs::spawn_every(settings.tick, move || {
        let pool = pool.clone();
        async move {
            metrics::counter!("agora_jobs_runs_total", "job" => "fanout").increment(1);
            match run_once(&pool, &settings).await {
                Ok(round) => {
                    if round.failed > 0 {
                        metrics::counter!("agora_jobs_failures_total", "job" => "fanout")
                            .increment(u64::try_from(round.failed).unwrap_or(u64::MAX));
                    }
                    if round.entries > 0 {
                        tracing::debug!(entries = round.entries, followers = round.followers, "fan-out round");
                    }
                }
                Err(e) => {
                    metrics::counter!("agora_jobs_failures_total", "job" => "fanout").increment(1);
                    tracing::warn!(error = %e, "fan-out round failed; retrying at the next tick");
                }
            }
        }
    })
}

//! The search indexer (issue 18, item 6): rewrites the search documents of the threads that
//! synthesis saves marked (`db::search::refresh_marked`), just after they commit, inside
//! `agora serve`. Several instances may run it at once: each round claims marked threads with
//! `SKIP LOCKED`, so a thread is indexed by one of them, and a save that lands meanwhile marks
//! its thread again.

use diesel::{Connection, RunQueryDsl};

use crate::config::SearchIndexSettings;
use crate::db::{self, PgPool, search};
use crate::error::AppError;

/// Threads per transaction: a burst of saves to many threads is indexed in short transactions.
const BATCH: i64 = 50;

/// How long one batch may take before PostgreSQL ends it (a stuck indexer); rolled back, its
/// threads stay marked for the next round.
const BATCH_TIMEOUT_MS: u32 = 30_000;

/// Indexes marked threads until none is left that this indexer can claim; how many it indexed.
pub async fn run_once(pool: &PgPool) -> Result<usize, AppError> {
    let mut indexed = 0;
    loop {
        let n = db::with_conn(pool, |c| {
            c.transaction(|c| {
                diesel::sql_query(format!("SELECT set_config('statement_timeout', '{BATCH_TIMEOUT_MS}', true)"))
                    .execute(c)?;
                Ok(search::refresh_marked(c, BATCH)?)
            })
        })
        .await?;
        indexed += n;
        // A short batch: the queue is empty, or what is left is held by others.
        if n < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(indexed);
        }
    }
}

/// Runs [`run_once`] every `settings.tick` (first at once) on the current runtime; it ends with
/// the runtime. Counted as job `search_index` in `/metrics`.
pub fn spawn_worker(pool: PgPool, settings: SearchIndexSettings) -> tokio::task::JoinHandle<()> {
    super::jobs::spawn_every(settings.tick, move || {
        let pool = pool.clone();
        async move {
            let round = run_once(&pool).await;
            super::jobs::record_run("search_index", round.is_ok());
            if let Err(e) = round {
                tracing::warn!(error = %e, "search indexing failed; retrying at the next tick");
            }
        }
    })
}

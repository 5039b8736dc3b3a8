//! The background link checker (issue 16): each tick claims the sources due for a check,
//! checks them (`fetch`, guarded against reaching the server's own network) with bounded
//! concurrency and a gap between requests to one host, and records what it found; a source
//! that dies or moves has the pages of the threads citing it rebuilt, and a death is filed in
//! those threads' changelogs for their curators.

pub mod fetch;
pub mod flagged;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use diesel::{Connection, PgConnection};
use futures_util::StreamExt;

use crate::config::LinkCheckSettings;
use crate::db::changes::{self, Audience, NewChange};
use crate::db::link_checks::{self, DueSource, Health, NewCheck};
use crate::db::{self, PgPool, threads};
use crate::domain::history::Area;
use crate::domain::ids::{SourceId, UserId};
use crate::domain::link_health::{self, History, Outcome, Policy};
use crate::domain::thread::LinkStatus;
use crate::error::AppError;
use crate::ops::changelog::SOURCE_DIED;

use self::fetch::{Checked, Fetcher};

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Sources checked (a `link_checks` row each).
    pub checked: usize,
    pub ok: usize,
    pub failed: usize,
    /// Sources that turned dead in this round.
    pub died: usize,
    /// Sources that turned out to have moved (permanent redirects elsewhere).
    pub redirected: usize,
}

/// The schedule of `settings` as the policy takes it.
pub fn policy(settings: &LinkCheckSettings) -> Policy {
    let span = |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1));
    Policy {
        interval: span(settings.interval),
        retry_after: span(settings.retry_after),
        dead_after_failures: settings.dead_after_failures,
        dead_after: chrono::Duration::days(settings.dead_after_days),
    }
}

/// One round: claim the due sources, check them, record the results.
pub async fn run_once(pool: &PgPool, settings: &LinkCheckSettings) -> Result<Summary, AppError> {
    // The lease outlasts every check of the batch (bounded by the timeout and the host gaps), so
    // no other instance takes a source while it is being checked; a crash frees it afterwards.
    let batch_n = u32::try_from(settings.batch.clamp(1, 10_000)).unwrap_or(1);
    let waves = batch_n.div_ceil(u32::try_from(settings.concurrency.max(1)).unwrap_or(1)) + 1;
    let lease = settings.timeout * waves + settings.host_gap * batch_n;
    let lease_until = Utc::now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::hours(1));
    let batch = settings.batch.max(1);
    let due = db::with_conn(pool, move |c| Ok(link_checks::claim_due(c, batch, lease_until)?)).await?;
    if due.is_empty() {
        return Ok(Summary::default());
    }
    let fetcher = Arc::new(Fetcher::new(settings));
    let policy = policy(settings);
    let keep = settings.history_per_source;
    let results: Vec<Result<Recorded, AppError>> = futures_util::stream::iter(due)
        .map(|source| {
            let fetcher = Arc::clone(&fetcher);
            let pool = pool.clone();
            async move {
                let checked = fetcher.check(&source.url).await;
                let id = SourceId(source.id);
                let recorded = db::with_conn(&pool, move |c| record_in(c, &source, &checked, &policy, keep)).await;
                if recorded.is_err() {
                    let _ = db::with_conn(&pool, move |c| Ok(link_checks::release(c, id)?)).await;
                }
                recorded
            }
        })
        .buffer_unordered(settings.concurrency.max(1))
        .collect()
        .await;
    let mut summary = Summary::default();
    for result in results {
        let r = result?;
        summary.checked += 1;
        if r.ok {
            summary.ok += 1;
        } else {
            summary.failed += 1;
        }
        summary.died += usize::from(r.died);
        summary.redirected += usize::from(r.moved);
    }
    Ok(summary)
}

/// What recording one check changed.
struct Recorded {
    ok: bool,
    died: bool,
    moved: bool,
}

/// Records one check of `source` in one transaction: the history row, the source's new
/// health, and when the source turned dead or moved, the citing threads' pages rebuilt and (on
/// a death) an entry in each thread's changelog for its curators.
fn record_in(
    conn: &mut PgConnection,
    source: &DueSource,
    checked: &Checked,
    policy: &Policy,
    keep: i64,
) -> Result<Recorded, AppError> {
    let before = History {
        status: LinkStatus::parse(&source.link_status).unwrap_or(LinkStatus::Unchecked),
        consecutive_failures: source.consecutive_failures,
        failing_since: source.failing_since,
    };
    let next = link_health::next(policy, &before, &checked.outcome, Utc::now());
    let id = SourceId(source.id);
    let (ok, error) = match &checked.outcome {
        Outcome::Reached { .. } => (true, ""),
        Outcome::Failed { error, .. } => (false, error.as_str()),
    };
    let status_code = checked.status.map(i32::from);
    conn.transaction(|c| {
        link_checks::insert_check(
            c,
            &NewCheck {
                source: id,
                url: &source.url,
                status_code,
                final_url: checked.final_url.as_deref(),
                ok,
                error,
                elapsed_ms: i32::try_from(checked.elapsed.as_millis()).unwrap_or(i32::MAX),
            },
            keep,
        )?;
        link_checks::update_health(
            c,
            id,
            &Health {
                link_status: next.status.as_str(),
                status_code,
                final_url: next.final_url.as_deref().or(checked.final_url.as_deref()),
                error,
                failing_since: next.failing_since,
                consecutive_failures: next.consecutive_failures,
                next_check_at: next.next_check_at,
            },
        )?;
        if next.flag_changed(&before) {
            let died = next.died(&before);
            for thread in link_checks::citing_threads(c, id)? {
                threads::touch(c, thread)?;
                if died {
                    changes::record(
                        c,
                        &NewChange {
                            source: Some(id),
                            subject_id: Some(id.0),
                            subject: &source.title,
                            reason: error,
                            audience: Audience::CuratorFollowers,
                            // The entry needs an author; the source's is the closest to one.
                            ..NewChange::on_thread(thread, Area::Source, SOURCE_DIED, UserId(source.created_by))
                        },
                    )?;
                }
            }
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    tracing::info!(source = id.0, status = next.status.as_str(), code = ?status_code, error, "link checked");
    Ok(Recorded {
        ok,
        died: next.died(&before),
        moved: next.status == LinkStatus::Redirected && before.status != LinkStatus::Redirected,
    })
}

/// Runs [`run_once`] every `settings.tick` on the current runtime; it ends with the runtime.
pub fn spawn_worker(pool: PgPool, settings: LinkCheckSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(settings.tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let result = run_once(&pool, &settings).await;
            crate::ops::jobs::record_run("linkcheck", result.is_ok());
            match result {
                Ok(s) if s.checked > 0 => {
                    tracing::info!(checked = s.checked, failed = s.failed, died = s.died, "link check round")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "link check round failed; retrying at the next tick"),
            }
        }
    })
}

//! What the background workers share: running a round every tick, and their share of
//! `/metrics` (rounds run and rounds failed, per job).

use std::future::Future;
use std::time::Duration;

/// Runs `round` every `tick` (the first at once) on the current runtime until the runtime ends.
/// A round that outlasts its tick delays the next one rather than making rounds bunch up.
pub fn spawn_every<F, Fut>(tick: Duration, mut round: F) -> tokio::task::JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(tick.max(Duration::from_millis(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            round().await;
        }
    })
}

/// Counts one round of `job` (`digest`, `linkcheck`, `fairness_fit`, ...) and whether it failed,
/// as `agora_jobs_runs_total{job}` and `agora_jobs_failures_total{job}`. The failure counter is
/// touched on success too, so it exists (at 0) from the first round and a rate over it reads 0
/// rather than "no data".
pub fn record_run(job: &'static str, ok: bool) {
    metrics::counter!("agora_jobs_runs_total", "job" => job).increment(1);
    metrics::counter!("agora_jobs_failures_total", "job" => job).increment(u64::from(!ok));
}

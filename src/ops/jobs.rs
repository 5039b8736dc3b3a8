//! The background workers' share of `/metrics`: rounds run and rounds failed, per job.

/// Counts one round of `job` (`digest`, `linkcheck`, `fairness_fit`, ...) and whether it failed,
/// as `agora_jobs_runs_total{job}` and `agora_jobs_failures_total{job}`. The failure counter is
/// touched on success too, so it exists (at 0) from the first round and a rate over it reads 0
/// rather than "no data".
pub fn record_run(job: &'static str, ok: bool) {
    metrics::counter!("agora_jobs_runs_total", "job" => job).increment(1);
    metrics::counter!("agora_jobs_failures_total", "job" => job).increment(u64::from(!ok));
}

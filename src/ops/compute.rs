//! CPU-heavy work (rendering Markdown, diffing) on the blocking pool, with a deadline, and
//! skipped when nobody waits for it any more.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::AppError;

/// Runs `work` on the blocking pool and waits at most `budget` for it. `what` names the work in
/// the 422 a timeout answers ("rendering the text").
///
/// A timeout only stops the waiting: a blocking thread cannot be interrupted, so the work runs
/// to its end. What caps its CPU is the bound on the input (the nesting depth and size checks
/// in `validate::markdown`, the caps and deadline inside `render::diff`); the budget keeps the
/// request from hanging if those ever fall short. When the request's future is dropped (the
/// client went away) before the job leaves the pool's queue, the job does nothing.
pub async fn bounded<T, F>(budget: Duration, what: &str, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let wanted = Arc::new(AtomicBool::new(true));
    let _guard = Unwanted(wanted.clone());
    let span = tracing::Span::current();
    let job = actix_web::web::block(move || wanted.load(Ordering::Acquire).then(|| span.in_scope(work)));
    match tokio::time::timeout(budget, job).await {
        Ok(done) => done?.ok_or_else(|| AppError::Internal(anyhow::anyhow!("work skipped while awaited"))),
        Err(_) => {
            tracing::warn!(what, budget_ms = budget.as_millis() as u64, "work went over its time budget");
            Err(AppError::Invalid(format!(
                "{what} took longer than {} seconds; try a shorter or simpler text",
                budget.as_secs_f32()
            )))
        }
    }
}

/// Clears the flag when the waiting future is dropped (finished, timed out or cancelled).
struct Unwanted(Arc<AtomicBool>);

impl Drop for Unwanted {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// How long a diff request may wait for its diff (the diff's own deadline is much shorter; this
/// covers a busy blocking pool).
pub const DIFF_BUDGET: Duration = Duration::from_secs(5);

/// Diffs two texts on the blocking pool, within `render::diff`'s limits; call it after the
/// database connection that loaded them has been given back.
pub async fn line_diff(old: String, new: String) -> Result<crate::render::diff::LineDiff, AppError> {
    bounded(DIFF_BUDGET, "comparing the texts", move || crate::render::diff::line_diff(&old, &new)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn work_over_its_budget_answers_a_clear_422() {
        let err = bounded(Duration::from_millis(10), "rendering the text", || {
            std::thread::sleep(Duration::from_millis(200));
        })
        .await
        .unwrap_err();
        assert!(matches!(&err, AppError::Invalid(m) if m.starts_with("rendering the text took longer than")), "{err}");
    }
}

//! The fair-summary fitter (issue 17, item 9): fits `domain::fairness::model` over every eligible
//! rating on the site and stores the figures a page view reads.
//!
//! One instance fits at a time: the fitter takes a lease on the single `fairness_fitter` row,
//! loads the ratings, gives the pooled connection back while it computes, then stores the fit
//! and its scores in one transaction and releases the lease. A crashed fitter's lease runs out
//! after [`LEASE`].
//!
//! The background worker ([`spawn_fitter`]) looks every `tick` and fits when ratings changed since
//! the last fit and either `after_ratings` changes are new or the last fit is older than
//! `interval`. Changes are counted by the sequence `fairness_rating_changes`, which every rating
//! insert or replacement bumps. An operation that changes which ratings are eligible without
//! writing a rating (excluding or including an account's ratings, suspending or unsuspending an
//! account) must call [`mark_dirty_in`] in its transaction, so that the next look refits.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::config::FairnessSettings;
use crate::db::fairness_fits::{self, EligibleRating, NewFit, NewScore};
use crate::db::{self, PgPool};
use crate::domain::fairness::model::{Fit, Model, Rating};
use crate::domain::fairness::{CampShare, Fairness, ItemKey, ItemKind};
use crate::error::AppError;

/// How long a fitter may hold the lease before another instance may take over.
pub const LEASE: Duration = Duration::from_secs(600);

/// What one fit did.
#[derive(Debug, Clone, PartialEq)]
pub struct FitSummary {
    pub fit_id: i64,
    pub fitted_at: DateTime<Utc>,
    /// Ratings, raters and item versions the model fitted.
    pub ratings: i32,
    pub raters: i32,
    pub items: i32,
    /// Item versions marked fair across camps.
    pub marked: usize,
    /// The newest rating change the fit saw.
    pub last_change_seq: i64,
    pub global_intercept: f64,
    /// Loading, computing and storing, in milliseconds.
    pub duration_ms: i32,
    /// Of which computing.
    pub compute_ms: i32,
}

/// The model's constants from the settings.
pub fn model_of(settings: &FairnessSettings) -> Model {
    Model {
        lambda_intercept: settings.lambda_intercept,
        lambda_factor: settings.lambda_factor,
        seed: settings.seed,
        min_intercept: settings.min_intercept,
        min_ratings: settings.min_ratings,
        max_factor: settings.max_factor,
        min_rater_ratings: settings.min_rater_ratings,
    }
}

/// Counts as a rating change, so the fitter's next look refits: call it in the transaction of
/// any operation that changes which ratings count (excluding or including an account's ratings,
/// suspending or unsuspending an account).
pub fn mark_dirty_in(conn: &mut PgConnection) -> Result<(), AppError> {
    Ok(fairness_fits::mark_dirty(conn)?)
}

/// Fits now, unless another instance holds the lease (then `None`).
pub async fn fit_now(pool: &PgPool, settings: &FairnessSettings) -> Result<Option<FitSummary>, AppError> {
    let started = Instant::now();
    let holder = format!("pid {} #{:016x}", std::process::id(), rand::random::<u64>());
    let lease_holder = holder.clone();
    let loaded = db::with_conn(pool, move |c| {
        let until = Utc::now() + chrono::Duration::from_std(LEASE).unwrap_or(chrono::Duration::minutes(10));
        if !fairness_fits::take_lease(c, &lease_holder, until)? {
            return Ok(None);
        }
        // Read before loading: a rating written meanwhile is then at worst fitted twice.
        let seq = fairness_fits::change_seq(c)?;
        match fairness_fits::eligible_ratings(c) {
            Ok(rows) => Ok(Some((seq, rows))),
            Err(e) => {
                fairness_fits::release_lease(c, &lease_holder)?;
                Err(e.into())
            }
        }
    })
    .await?;
    let Some((seq, rows)) = loaded else {
        return Ok(None);
    };

    let result = compute_and_store(pool, settings, &holder, seq, rows, started).await;
    if result.is_err() {
        let h = holder.clone();
        // Best effort: the lease also runs out by itself.
        let _ = db::with_conn(pool, move |c| Ok(fairness_fits::release_lease(c, &h)?)).await;
    }
    result.map(Some)
}

async fn compute_and_store(
    pool: &PgPool,
    settings: &FairnessSettings,
    holder: &str,
    seq: i64,
    rows: Vec<EligibleRating>,
    started: Instant,
) -> Result<FitSummary, AppError> {
    let model = model_of(settings);
    let seed = settings.seed;
    // The connection went back to the pool: the fit runs on a blocking thread of its own.
    let span = tracing::Span::current();
    let (fit, scores, compute_ms) = tokio::task::spawn_blocking(move || {
        span.in_scope(|| {
            let t = Instant::now();
            let prepared = prepare(&rows);
            let fit = model.fit(prepared.raters, prepared.items.len(), &prepared.ratings);
            let scores = scores_of(&prepared, &fit);
            (fit, scores, t.elapsed().as_millis() as i32)
        })
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("the fit panicked: {e}")))?;

    let marked = scores.iter().filter(|s| s.fair).count();
    let new_fit = NewFit {
        ratings: fit.items.iter().map(|i| i.params.ratings as i32).sum(),
        raters: fit.raters.iter().filter(|r| r.ratings > 0).count() as i32,
        items: fit.items.iter().filter(|i| i.params.ratings > 0).count() as i32,
        last_change_seq: seq,
        global_intercept: fit.global_intercept,
        duration_ms: 0,
        seed: seed as i64,
    };
    let holder = holder.to_owned();
    let summary_fit = new_fit.clone();
    let (fit_id, fitted_at) = db::with_conn(pool, move |c| {
        c.transaction(|c| {
            let stored = NewFit { duration_ms: started.elapsed().as_millis() as i32, ..new_fit };
            let done = fairness_fits::store(c, &stored, scores)?;
            fairness_fits::release_lease(c, &holder)?;
            Ok(done)
        })
    })
    .await?;
    let summary = FitSummary {
        fit_id,
        fitted_at,
        ratings: summary_fit.ratings,
        raters: summary_fit.raters,
        items: summary_fit.items,
        marked,
        last_change_seq: seq,
        global_intercept: fit.global_intercept,
        duration_ms: started.elapsed().as_millis() as i32,
        compute_ms,
    };
    tracing::info!(
        fit = summary.fit_id,
        ratings = summary.ratings,
        raters = summary.raters,
        items = summary.items,
        marked = summary.marked,
        sweeps = fit.sweeps,
        converged = fit.converged,
        ms = summary.duration_ms,
        "fair-summary fit stored"
    );
    Ok(summary)
}

/// The loaded ratings with dense indices, and what the scores need per item version.
pub struct Prepared {
    pub raters: usize,
    pub ratings: Vec<Rating>,
    /// Per item index: the item version and its thread.
    pub items: Vec<(ItemKey, i64)>,
    /// Per item index: declared camp → (raters, yes).
    pub camps: Vec<BTreeMap<Option<i64>, (i32, i32)>>,
}

/// Gives raters and item versions dense indices in order of first appearance (the rows come in
/// a stable order, so the same data gives the same indices) and counts the camps' answers.
pub fn prepare(rows: &[EligibleRating]) -> Prepared {
    let mut raters: HashMap<i64, u32> = HashMap::new();
    let mut items: HashMap<ItemKey, u32> = HashMap::new();
    let mut p = Prepared { raters: 0, ratings: Vec::with_capacity(rows.len()), items: Vec::new(), camps: Vec::new() };
    for row in rows {
        let (Some(kind), Some(answer)) = (ItemKind::parse(&row.item_kind), Fairness::from_stored(row.value)) else {
            continue;
        };
        let key = ItemKey { kind, id: row.item_id, version: row.version };
        let next_rater = raters.len() as u32;
        let rater = *raters.entry(row.user_id).or_insert(next_rater);
        let item = *items.entry(key).or_insert_with(|| {
            p.items.push((key, row.thread_id));
            p.camps.push(BTreeMap::new());
            p.items.len() as u32 - 1
        });
        p.ratings.push(Rating { rater, item, score: answer.score() });
        if row.declared {
            let share = p.camps[item as usize].entry(row.camp).or_insert((0, 0));
            share.0 += 1;
            share.1 += i32::from(answer == Fairness::Yes);
        }
    }
    p.raters = raters.len();
    p
}

/// One score row per item version (the fit's id is filled in when stored).
pub fn scores_of(prepared: &Prepared, fit: &Fit) -> Vec<NewScore> {
    prepared
        .items
        .iter()
        .zip(&prepared.camps)
        .zip(&fit.items)
        .map(|(((key, thread_id), camps), item)| {
            // Camps in id order, "none of these" last.
            let mut shares: Vec<CampShare> =
                camps.iter().map(|(camp, &(raters, yes))| CampShare { camp: *camp, raters, yes }).collect();
            shares.sort_by_key(|s| (s.camp.is_none(), s.camp));
            NewScore {
                fit_id: 0,
                thread_id: *thread_id,
                item_kind: key.kind.as_str().to_owned(),
                item_id: key.id,
                version: key.version,
                ratings: item.params.ratings as i32,
                intercept: item.params.intercept,
                factor: item.params.factor,
                fair: item.fair,
                camps: serde_json::to_value(&shares).unwrap_or_default(),
            }
        })
        .collect()
}

/// Whether the worker fits now: ratings changed since the last fit (`current_seq` is past its
/// change seq) and either `after_ratings` changes are new or the last fit is older than
/// `interval` (no fit yet counts as old).
pub fn should_fit(
    current_seq: i64,
    last_fit: Option<(i64, DateTime<Utc>)>,
    now: DateTime<Utc>,
    settings: &FairnessSettings,
) -> bool {
    let Some((seen, at)) = last_fit else {
        return current_seq > 0;
    };
    if current_seq <= seen {
        return false;
    }
    let new = u64::try_from(current_seq - seen).unwrap_or(0);
    let age = (now - at).to_std().unwrap_or(Duration::ZERO);
    new >= settings.after_ratings || age >= settings.interval
}

/// One look of the worker: fits if [`should_fit`] says so (and no other instance is fitting).
pub async fn tick(pool: &PgPool, settings: &FairnessSettings) -> Result<Option<FitSummary>, AppError> {
    let (seq, last) = db::with_conn(pool, |c| Ok((fairness_fits::change_seq(c)?, fairness_fits::newest(c)?))).await?;
    if !should_fit(seq, last, Utc::now(), settings) {
        return Ok(None);
    }
    fit_now(pool, settings).await
}

/// Runs [`tick`] every `settings.tick` on the current runtime; it ends with the runtime.
pub fn spawn_fitter(pool: PgPool, settings: FairnessSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(settings.tick);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let result = tick(&pool, &settings).await;
            super::jobs::record_run("fairness_fit", result.is_ok());
            if let Err(e) = result {
                tracing::warn!(error = %e, "fair-summary fit failed; retrying at the next tick");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn the_worker_fits_only_after_changes_and_then_by_count_or_age() {
        let s = FairnessSettings { after_ratings: 20, interval: Duration::from_secs(600), ..Default::default() };
        assert!(!should_fit(0, None, at(0), &s), "no rating ever: nothing to fit");
        assert!(should_fit(3, None, at(0), &s), "ratings and no fit yet: fit");
        assert!(!should_fit(40, Some((40, at(0))), at(10_000), &s), "nothing new since the fit: no fit, however old");
        assert!(!should_fit(45, Some((40, at(0))), at(599), &s), "5 new and a recent fit: wait");
        assert!(should_fit(45, Some((40, at(0))), at(600), &s), "5 new and the fit is 10 minutes old: fit");
        assert!(should_fit(60, Some((40, at(0))), at(1), &s), "20 new: fit at once");
        assert!(!should_fit(59, Some((40, at(0))), at(1), &s));
    }

    fn row(user: i64, item: i64, value: i16, camp: Option<Option<i64>>) -> EligibleRating {
        EligibleRating {
            user_id: user,
            thread_id: 7,
            item_kind: "interpretation".into(),
            item_id: item,
            version: 1,
            value,
            declared: camp.is_some(),
            camp: camp.flatten(),
        }
    }

    #[test]
    fn camp_shares_count_declared_raters_and_their_yes_answers_only() {
        let rows = vec![
            row(1, 10, 2, Some(Some(10))),
            row(2, 10, 1, Some(Some(10))),
            row(3, 10, 0, Some(Some(11))),
            row(4, 10, 2, Some(None)),
            row(5, 10, 2, None),
            row(1, 11, 0, Some(Some(10))),
        ];
        let p = prepare(&rows);
        assert_eq!(p.raters, 5);
        assert_eq!(p.items.len(), 2);
        let fit = Model::default().fit(p.raters, p.items.len(), &p.ratings);
        let scores = scores_of(&p, &fit);
        let shares: Vec<CampShare> = serde_json::from_value(scores[0].camps.clone()).unwrap();
        assert_eq!(
            shares,
            vec![
                CampShare { camp: Some(10), raters: 2, yes: 1 },
                CampShare { camp: Some(11), raters: 1, yes: 0 },
                CampShare { camp: None, raters: 1, yes: 1 },
            ]
        );
        assert_eq!(scores[1].item_id, 11);
    }
}

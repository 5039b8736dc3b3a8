//! The fair-summary model: Community Notes' published note-ranking matrix factorization, fitted
//! over every eligible rating on the site.
//!
//! A rating (yes 1, somewhat 0.5, no 0) is predicted as `μ + i_u + i_n + f_u·f_n`: a global mean,
//! the rater's leniency, the item's intercept, and the product of the rater's and the item's
//! position on one learned axis. The factor explains the agreement *within* a camp; what is left
//! in the item's intercept is approval that the axis cannot explain, i.e. approval across camps.
//! The fit minimizes
//!
//! ```text
//! Σ (r − r̂)² + λ_i (Σ i_u² + Σ i_n² + μ²) + λ_f (Σ f_u² + Σ f_n²)
//! ```
//!
//! by alternating least squares: given the items, each rater's `(i_u, f_u)` is a 2 × 2 ridge
//! regression over that rater's ratings, and the other way round; `μ` has a closed form. Each
//! step cannot increase the loss, the order is fixed and the starting factors come from a seeded
//! generator, so a fit is a pure function of its input and seed. Work per sweep is linear in the
//! number of ratings and sweeps are capped ([`MAX_SWEEPS`]).
//!
//! Declared camps are not an input: the axis is learned from the ratings alone.

/// The most sweeps a fit runs (each: every rater, every item, then `μ`).
pub const MAX_SWEEPS: u32 = 400;

/// A fit stops earlier once no parameter moved by more than this in a sweep.
pub const TOLERANCE: f64 = 1e-7;

/// The typical magnitude of the starting factors.
const INITIAL_FACTOR: f64 = 0.1;

/// One rating: which rater (0-based, dense), which item (0-based, dense) and the score
/// ([`super::Fairness::score`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rating {
    pub rater: u32,
    pub item: u32,
    pub score: f64,
}

/// The model's constants (in production: `FairnessSettings`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    /// Regularization of the intercepts and `μ` (published: 0.15).
    pub lambda_intercept: f64,
    /// Regularization of the factors (published: 0.03).
    pub lambda_factor: f64,
    /// Seed of the starting factors.
    pub seed: u64,
    /// An item is fair across camps from this intercept (published: 0.40)...
    pub min_intercept: f64,
    /// ...with at least this many ratings (published: 5)...
    pub min_ratings: u32,
    /// ...and a factor smaller than this in magnitude (published: 0.5).
    pub max_factor: f64,
    /// Raters with fewer ratings than this are left out of the fit: one or two ratings cannot
    /// place a rater on the axis, and such accounts would otherwise be free to explain away a
    /// brigade (Community Notes' published input filter, `minNumRatingsPerRater`, is 10).
    pub min_rater_ratings: u32,
}

impl Default for Model {
    /// Community Notes' published values.
    fn default() -> Self {
        Model {
            lambda_intercept: 0.15,
            lambda_factor: 0.03,
            seed: 1,
            min_intercept: 0.40,
            min_ratings: 5,
            max_factor: 0.5,
            min_rater_ratings: 3,
        }
    }
}

/// A rater's or an item's fitted parameters.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Params {
    /// `i_u` or `i_n`.
    pub intercept: f64,
    /// `f_u` or `f_n` (its sign is arbitrary: only the product and the magnitude mean something).
    pub factor: f64,
    /// How many ratings the rater gave or the item received.
    pub ratings: u32,
}

/// An item's fitted parameters and the decision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemFit {
    pub params: Params,
    /// Whether the item is marked "fair across camps".
    pub fair: bool,
}

/// The outcome of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// `μ`.
    pub global_intercept: f64,
    /// Per rater index.
    pub raters: Vec<Params>,
    /// Per item index.
    pub items: Vec<ItemFit>,
    /// Sweeps run.
    pub sweeps: u32,
    /// Whether the fit met [`TOLERANCE`] before [`MAX_SWEEPS`].
    pub converged: bool,
}

impl Model {
    /// Whether an item with these parameters is marked: enough ratings, an intercept of at least
    /// `min_intercept` and a factor of magnitude below `max_factor` (the published rule).
    pub fn is_fair(&self, item: &Params) -> bool {
        item.ratings >= self.min_ratings && item.intercept >= self.min_intercept && item.factor.abs() < self.max_factor
    }

    /// Fits the model to `ratings` of `raters` raters and `items` items. Ratings whose indices are
    /// out of range, and the ratings of raters with fewer than `min_rater_ratings`, are left out
    /// (and not counted); a rater or item without ratings gets zeros.
    pub fn fit(&self, raters: usize, items: usize, ratings: &[Rating]) -> Fit {
        let valid = |r: &&Rating| (r.rater as usize) < raters && (r.item as usize) < items && r.score.is_finite();
        let mut per_rater = vec![0u32; raters];
        for r in ratings.iter().filter(valid) {
            per_rater[r.rater as usize] += 1;
        }
        let ratings: Vec<Rating> = ratings
            .iter()
            .filter(valid)
            .filter(|r| per_rater[r.rater as usize] >= self.min_rater_ratings)
            .copied()
            .collect();
        let by_rater = Csr::build(raters, ratings.iter().map(|r| (r.rater, r.item, r.score)));
        let by_item = Csr::build(items, ratings.iter().map(|r| (r.item, r.rater, r.score)));

        let (rater_f, item_f) = initial_factors(&by_rater, &by_item, self.seed);
        let mut rater_p: Vec<(f64, f64)> = rater_f.into_iter().map(|f| (0.0, f)).collect();
        let mut item_p: Vec<(f64, f64)> = item_f.into_iter().map(|f| (0.0, f)).collect();
        let mut mu = 0.0;
        let (li, lf) = (self.lambda_intercept, self.lambda_factor);

        let mut sweeps = 0;
        let mut converged = false;
        while sweeps < MAX_SWEEPS {
            sweeps += 1;
            let moved_raters = by_rater.solve_rows(&mut rater_p, &item_p, mu, li, lf);
            let moved_items = by_item.solve_rows(&mut item_p, &rater_p, mu, li, lf);
            // μ: the regularized mean of what the intercepts and factors leave unexplained.
            let mut residual = 0.0;
            for r in &ratings {
                let (iu, fu) = rater_p[r.rater as usize];
                let (in_, fn_) = item_p[r.item as usize];
                residual += r.score - iu - in_ - fu * fn_;
            }
            let new_mu = residual / (ratings.len() as f64 + li);
            let mut moved = moved_raters.max(moved_items).max((new_mu - mu).abs());
            mu = new_mu;
            moved = moved.max(rebalance(&mut mu, &mut rater_p, &by_rater, &mut item_p, &by_item, li, lf));
            if moved < TOLERANCE {
                converged = true;
                break;
            }
        }

        let count = |csr: &Csr, i: usize| (csr.offsets[i + 1] - csr.offsets[i]) as u32;
        let raters_out = rater_p
            .iter()
            .enumerate()
            .map(|(u, &(intercept, factor))| Params { intercept, factor, ratings: count(&by_rater, u) })
            .collect();
        let items_out = item_p
            .iter()
            .enumerate()
            .map(|(n, &(intercept, factor))| {
                let params = Params { intercept, factor, ratings: count(&by_item, n) };
                ItemFit { params, fair: self.is_fair(&params) }
            })
            .collect();
        Fit { global_intercept: mu, raters: raters_out, items: items_out, sweeps, converged }
    }
}

/// Moves along the directions in which the predictions do not change, to where the
/// regularization is least: alternating least squares alone crawls along them (λ_f is small), so
/// each sweep ends by solving them exactly. Each move lowers the loss or keeps it; only raters and
/// items with ratings take part. Returns the largest change of a parameter.
///
/// 1. Scale: `f_u·c`, `f_n/c` with `c² = √(Σf_n² / Σf_u²)`.
/// 2. Shift of one side's factors: `f_u + s` and `i_n − s·f_n` (and the same with the sides
///    swapped): the regularization `λ_f Σ(f_u + s)² + λ_i Σ(i_n − s·f_n)²` is least at
///    `s = (λ_i Σ f_n·i_n − λ_f Σ f_u) / (λ_f·N_u + λ_i Σ f_n²)`.
/// 3. Shift of the intercepts into `μ`: `i − a` on one side and `μ + a`, least at
///    `a = (Σ i − μ) / (N + 1)`.
fn rebalance(
    mu: &mut f64,
    raters: &mut [(f64, f64)],
    by_rater: &Csr,
    items: &mut [(f64, f64)],
    by_item: &Csr,
    li: f64,
    lf: f64,
) -> f64 {
    let rated = |csr: &Csr, i: usize| csr.offsets[i + 1] > csr.offsets[i];
    let mut moved: f64 = 0.0;

    let sum_sq = |ps: &[(f64, f64)], csr: &Csr| {
        ps.iter().enumerate().filter(|(i, _)| rated(csr, *i)).map(|(_, p)| p.1 * p.1).sum::<f64>()
    };
    let (su, sn) = (sum_sq(raters, by_rater), sum_sq(items, by_item));
    if su > 0.0 && sn > 0.0 {
        let c = (sn / su).sqrt().sqrt();
        for (i, p) in raters.iter_mut().enumerate() {
            if rated(by_rater, i) {
                {
                    let v = p.1 * c;
                    set(&mut moved, &mut p.1, v);
                }
            }
        }
        for (i, p) in items.iter_mut().enumerate() {
            if rated(by_item, i) {
                {
                    let v = p.1 / c;
                    set(&mut moved, &mut p.1, v);
                }
            }
        }
    }

    // Shift `shifted`'s factors, compensating in `other`'s intercepts.
    let shift = |moved: &mut f64, shifted: &mut [(f64, f64)], s_csr: &Csr, other: &mut [(f64, f64)], o_csr: &Csr| {
        let (mut n, mut sum_f) = (0.0, 0.0);
        for (i, p) in shifted.iter().enumerate() {
            if rated(s_csr, i) {
                n += 1.0;
                sum_f += p.1;
            }
        }
        let (mut f_i, mut f_f) = (0.0, 0.0);
        for (i, p) in other.iter().enumerate() {
            if rated(o_csr, i) {
                f_i += p.1 * p.0;
                f_f += p.1 * p.1;
            }
        }
        let denom = lf * n + li * f_f;
        if denom <= 0.0 {
            return;
        }
        let s = (li * f_i - lf * sum_f) / denom;
        for (i, p) in shifted.iter_mut().enumerate() {
            if rated(s_csr, i) {
                {
                    let v = p.1 + s;
                    set(moved, &mut p.1, v);
                }
            }
        }
        for (i, p) in other.iter_mut().enumerate() {
            if rated(o_csr, i) {
                {
                    let v = p.0 - s * p.1;
                    set(moved, &mut p.0, v);
                }
            }
        }
    };
    shift(&mut moved, raters, by_rater, items, by_item);
    shift(&mut moved, items, by_item, raters, by_rater);

    let into_mu = |moved: &mut f64, mu: &mut f64, side: &mut [(f64, f64)], csr: &Csr| {
        let (mut n, mut sum) = (0.0, 0.0);
        for (i, p) in side.iter().enumerate() {
            if rated(csr, i) {
                n += 1.0;
                sum += p.0;
            }
        }
        let a = (sum - *mu) / (n + 1.0);
        for (i, p) in side.iter_mut().enumerate() {
            if rated(csr, i) {
                {
                    let v = p.0 - a;
                    set(moved, &mut p.0, v);
                }
            }
        }
        let v = *mu + a;
        set(moved, mu, v);
    };
    into_mu(&mut moved, mu, raters, by_rater);
    into_mu(&mut moved, mu, items, by_item);
    moved
}

/// Power iterations at most for the starting factors.
const POWER_ITERATIONS: u32 = 200;

/// The starting factors: the leading singular vectors of the ratings minus each item's mean
/// (the axis along which raters disagree most), found by power iteration from a seeded vector,
/// with a fixed sign and a typical magnitude of [`INITIAL_FACTOR`]. Starting there rather than at
/// random makes the fit land in the same optimum whatever the seed (the loss has several local
/// optima on sparse data); the seed only matters when the ratings have no such axis, and then
/// the seeded vector itself is the start.
fn initial_factors(by_rater: &Csr, by_item: &Csr, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let (raters, items) = (by_rater.rows(), by_item.rows());
    let mean: Vec<f64> = (0..items)
        .map(|n| {
            let row = by_item.row(n);
            if row.is_empty() { 0.0 } else { row.iter().map(|e| e.1).sum::<f64>() / row.len() as f64 }
        })
        .collect();
    let mut rng = SplitMix64(seed);
    let seeded_u: Vec<f64> = (0..raters).map(|_| rng.symmetric()).collect();
    let seeded_v: Vec<f64> = (0..items).map(|_| rng.symmetric()).collect();
    let normalize = |x: &mut [f64]| {
        let norm = x.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm > 1e-12 {
            x.iter_mut().for_each(|a| *a /= norm);
        }
        norm
    };
    let (mut u, mut v) = (vec![0.0; raters], seeded_v.clone());
    normalize(&mut v);
    let mut found = false;
    for _ in 0..POWER_ITERATIONS {
        for (r, out) in u.iter_mut().enumerate() {
            *out = by_rater.row(r).iter().map(|&(n, s)| (s - mean[n as usize]) * v[n as usize]).sum();
        }
        if normalize(&mut u) <= 1e-12 {
            break;
        }
        let mut next: Vec<f64> =
            (0..items).map(|n| by_item.row(n).iter().map(|&(r, s)| (s - mean[n]) * u[r as usize]).sum()).collect();
        if normalize(&mut next) <= 1e-12 {
            break;
        }
        let moved = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        v = next;
        found = true;
        if moved < 1e-12 {
            break;
        }
    }
    if !found {
        return (
            seeded_u.iter().map(|a| a * INITIAL_FACTOR).collect(),
            seeded_v.iter().map(|a| a * INITIAL_FACTOR).collect(),
        );
    }
    // The sign: the first item with a sizeable factor gets a positive one.
    let largest = v.iter().fold(0.0f64, |m, a| m.max(a.abs()));
    if v.iter().find(|a| a.abs() >= 0.1 * largest).is_some_and(|a| *a < 0.0) {
        v.iter_mut().for_each(|a| *a = -*a);
        u.iter_mut().for_each(|a| *a = -*a);
    }
    let scale = |x: Vec<f64>| {
        let k = INITIAL_FACTOR * (x.len() as f64).sqrt();
        x.into_iter().map(|a| a * k).collect::<Vec<f64>>()
    };
    (scale(u), scale(v))
}

/// Sets `p` to `v`, keeping the largest change in `moved`.
fn set(moved: &mut f64, p: &mut f64, v: f64) {
    *moved = moved.max((v - *p).abs());
    *p = v;
}

/// Ratings grouped by one side (raters or items): row `i`'s entries are
/// `entries[offsets[i]..offsets[i + 1]]`, each the other side's index and the score.
struct Csr {
    offsets: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

impl Csr {
    /// A counting sort by row, keeping the input order within a row.
    fn build(rows: usize, triples: impl Iterator<Item = (u32, u32, f64)> + Clone) -> Csr {
        let mut offsets = vec![0usize; rows + 1];
        for (row, _, _) in triples.clone() {
            offsets[row as usize + 1] += 1;
        }
        for i in 0..rows {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut entries = vec![(0u32, 0.0f64); offsets[rows]];
        for (row, col, score) in triples {
            entries[next[row as usize]] = (col, score);
            next[row as usize] += 1;
        }
        Csr { offsets, entries }
    }

    fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    fn row(&self, i: usize) -> &[(u32, f64)] {
        &self.entries[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Solves every row's `(intercept, factor)` given the other side's parameters: the 2 × 2
    /// ridge regression of `r − μ − i_other` on `(1, f_other)`. Returns the largest change.
    fn solve_rows(&self, own: &mut [(f64, f64)], other: &[(f64, f64)], mu: f64, li: f64, lf: f64) -> f64 {
        let mut moved: f64 = 0.0;
        for (row, p) in own.iter_mut().enumerate() {
            let (mut n, mut sf, mut sff, mut sy, mut syf) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for &(col, score) in self.row(row) {
                let (io, fo) = other[col as usize];
                let y = score - mu - io;
                n += 1.0;
                sf += fo;
                sff += fo * fo;
                sy += y;
                syf += y * fo;
            }
            // [[n + λi, sf], [sf, sff + λf]] · (i, f) = (sy, syf); positive definite as λ > 0.
            let (a, b, d) = (n + li, sf, sff + lf);
            let det = a * d - b * b;
            let intercept = (d * sy - b * syf) / det;
            let factor = (a * syf - b * sy) / det;
            moved = moved.max((intercept - p.0).abs()).max((factor - p.1).abs());
            *p = (intercept, factor);
        }
        moved
    }
}

/// A tiny seeded generator (splitmix64): the power iteration's start, identical on every platform.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [−1, 1).
    fn symmetric(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;

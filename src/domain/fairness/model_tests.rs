//! Synthetic raters (issue 17, item 11): two camps rating a background of items (some bridging,
//! some one-sided, some poor) and three target items: camp A's interpretation, camp B's
//! interpretation and a synthesis both camps find fair.

use super::*;

/// How a synthetic item is received: the chance of "yes" from each camp.
#[derive(Clone, Copy)]
enum Kind {
    /// Both camps mostly say yes.
    Bridging,
    /// Camp A says yes, camp B no.
    ForA,
    /// Camp B says yes, camp A no.
    ForB,
    /// Both camps mostly say no.
    Poor,
}

/// The synthetic site: raters, items and ratings.
struct World {
    raters: usize,
    items: usize,
    ratings: Vec<Rating>,
    rng: SplitMix64,
}

/// The target items' indices.
struct Targets {
    interp_a: u32,
    interp_b: u32,
    synthesis: u32,
}

impl World {
    /// `camp_a` and `camp_b` raters, each rating about 70% of 12 background items (3 bridging, 6
    /// one-sided, 3 poor) and all three targets, with 6% noise (3% somewhat, 3% the other answer).
    fn new(camp_a: usize, camp_b: usize) -> (World, Targets) {
        let mut w = World { raters: camp_a + camp_b, items: 0, ratings: Vec::new(), rng: SplitMix64(0xA602A) };
        let background = [
            Kind::Bridging,
            Kind::ForA,
            Kind::Poor,
            Kind::ForB,
            Kind::Bridging,
            Kind::ForA,
            Kind::ForB,
            Kind::Poor,
            Kind::ForA,
            Kind::ForB,
            Kind::Bridging,
            Kind::Poor,
        ];
        for kind in background {
            w.item(kind, camp_a, camp_b, 0.7);
        }
        let interp_a = w.item(Kind::ForA, camp_a, camp_b, 1.0);
        let interp_b = w.item(Kind::ForB, camp_a, camp_b, 1.0);
        let synthesis = w.item(Kind::Bridging, camp_a, camp_b, 1.0);
        (w, Targets { interp_a, interp_b, synthesis })
    }

    /// Adds an item rated by each rater with probability `coverage`; returns its index.
    fn item(&mut self, kind: Kind, camp_a: usize, camp_b: usize, coverage: f64) -> u32 {
        let item = self.items as u32;
        self.items += 1;
        for rater in 0..camp_a + camp_b {
            if self.uniform() >= coverage {
                continue;
            }
            let in_a = rater < camp_a;
            let likes = match kind {
                Kind::Bridging => true,
                Kind::Poor => false,
                Kind::ForA => in_a,
                Kind::ForB => !in_a,
            };
            let noise = self.uniform();
            let score = match (likes, noise) {
                (_, n) if n < 0.03 => 0.5,
                (true, n) if n < 0.06 => 0.0,
                (false, n) if n < 0.06 => 1.0,
                (true, _) => 1.0,
                (false, _) => 0.0,
            };
            self.ratings.push(Rating { rater: rater as u32, item, score });
        }
        item
    }

    /// `n` new accounts that each rate only `item`, all with `score`.
    fn brigade(&mut self, n: usize, item: u32, score: f64) {
        for _ in 0..n {
            self.ratings.push(Rating { rater: self.raters as u32, item, score });
            self.raters += 1;
        }
    }

    /// `n` accounts that each rate `item` with `score`, and one item for A yes and one for B no,
    /// like camp A.
    fn brigade_like_a(&mut self, n: usize, item: u32, score: f64, for_a: u32, for_b: u32) {
        for _ in 0..n {
            let rater = self.raters as u32;
            self.ratings.push(Rating { rater, item, score });
            self.ratings.push(Rating { rater, item: for_a, score: 1.0 });
            self.ratings.push(Rating { rater, item: for_b, score: 0.0 });
            self.raters += 1;
        }
    }

    fn uniform(&mut self) -> f64 {
        (self.rng.symmetric() + 1.0) / 2.0
    }

    fn fit(&self, model: &Model) -> Fit {
        model.fit(self.raters, self.items, &self.ratings)
    }
}

fn show(label: &str, fit: &Fit, t: &Targets) {
    let p = |i: u32| {
        let f = fit.items[i as usize];
        format!("i={:+.3} f={:+.3} n={} fair={}", f.params.intercept, f.params.factor, f.params.ratings, f.fair)
    };
    println!(
        "{label}: μ={:.3} sweeps={} converged={}\n  interp A: {}\n  interp B: {}\n  synthesis: {}",
        fit.global_intercept,
        fit.sweeps,
        fit.converged,
        p(t.interp_a),
        p(t.interp_b),
        p(t.synthesis)
    );
}

fn fair(fit: &Fit, item: u32) -> bool {
    fit.items[item as usize].fair
}

#[test]
fn equal_polarized_camps_mark_neither_interpretation_but_mark_the_shared_synthesis() {
    let (w, t) = World::new(60, 60);
    let fit = w.fit(&Model::default());
    show("60 vs 60", &fit, &t);
    assert!(fit.converged);
    assert!(!fair(&fit, t.interp_a), "camp A's own interpretation is not fair across camps");
    assert!(!fair(&fit, t.interp_b), "camp B's own interpretation is not fair across camps");
    assert!(fair(&fit, t.synthesis), "a text both camps call fair is marked");
}

#[test]
fn very_unequal_camps_mark_neither_interpretation_however_many_raters_one_camp_has() {
    for (a, b) in [(10, 200), (200, 10), (20, 120)] {
        let (w, t) = World::new(a, b);
        let fit = w.fit(&Model::default());
        show(&format!("{a} vs {b}"), &fit, &t);
        assert!(!fair(&fit, t.interp_a), "{a} vs {b}: camp A's interpretation is not marked");
        assert!(!fair(&fit, t.interp_b), "{a} vs {b}: camp B's interpretation is not marked");
        assert!(fair(&fit, t.synthesis), "{a} vs {b}: the shared synthesis is marked");
    }
}

#[test]
fn a_brigade_of_new_accounts_saying_no_does_not_unmark_a_bridging_item() {
    let (mut w, t) = World::new(60, 60);
    w.brigade(50, t.synthesis, 0.0);
    let fit = w.fit(&Model::default());
    show("brigade of 50 'no' on the synthesis", &fit, &t);
    assert!(fair(&fit, t.synthesis), "50 new accounts saying no do not unmark the bridging synthesis");
}

#[test]
fn a_brigade_of_new_accounts_saying_yes_does_not_mark_a_one_sided_item() {
    let (mut w, t) = World::new(60, 60);
    w.brigade(50, t.interp_a, 1.0);
    let fit = w.fit(&Model::default());
    show("brigade of 50 'yes' on interp A", &fit, &t);
    assert!(!fair(&fit, t.interp_a), "50 new accounts saying yes do not mark a one-sided interpretation");
    assert!(fair(&fit, t.synthesis));
}

#[test]
fn brigades_do_not_move_marks_with_unequal_camps_either() {
    let (mut w, t) = World::new(20, 120);
    w.brigade(50, t.synthesis, 0.0);
    w.brigade(50, t.interp_a, 1.0);
    let fit = w.fit(&Model::default());
    show("20 vs 120, brigades on the synthesis (no) and interp A (yes)", &fit, &t);
    assert!(fair(&fit, t.synthesis));
    assert!(!fair(&fit, t.interp_a));
}

#[test]
fn a_brigade_of_accounts_that_rate_like_one_camp_does_not_mark_its_interpretation() {
    let (mut w, t) = World::new(60, 60);
    // Background items 1 and 3 are one-sided for A and for B.
    w.brigade_like_a(50, t.interp_a, 1.0, 1, 3);
    let fit = w.fit(&Model::default());
    show("50 accounts rating like camp A (3 ratings each), yes on interp A", &fit, &t);
    assert!(!fair(&fit, t.interp_a));
    assert!(fair(&fit, t.synthesis));
}

#[test]
fn without_the_rater_filter_a_brigade_of_new_accounts_would_unmark_a_bridging_item() {
    // Why `min_rater_ratings` exists: a one-rating account is free to take any factor (λ_f is
    // small), so the fit explains the brigade with a factor on the target, not with its intercept.
    let (mut w, t) = World::new(60, 60);
    w.brigade(50, t.synthesis, 0.0);
    let fit = w.fit(&Model { min_rater_ratings: 1, ..Model::default() });
    show("no rater filter, brigade of 50 'no' on the synthesis", &fit, &t);
    assert!(!fair(&fit, t.synthesis));
}

#[test]
fn the_fit_is_deterministic_for_a_seed_and_its_marks_do_not_depend_on_the_seed() {
    let (w, t) = World::new(60, 60);
    let model = Model::default();
    let first = w.fit(&model);
    let second = w.fit(&model);
    assert_eq!(first, second, "the same seed gives bit-identical output");
    for seed in [2, 7, 12345] {
        let other = w.fit(&Model { seed, ..model });
        let marks = |f: &Fit| f.items.iter().map(|i| i.fair).collect::<Vec<_>>();
        assert_eq!(marks(&first), marks(&other), "seed {seed} gives the same marks");
        for (x, y) in first.items.iter().zip(&other.items) {
            assert!((x.params.intercept - y.params.intercept).abs() < 1e-3);
            assert!((x.params.factor.abs() - y.params.factor.abs()).abs() < 1e-3);
        }
    }
    assert!(fair(&first, t.synthesis));
}

#[test]
fn an_item_needs_the_minimum_number_of_ratings() {
    let model = Model { min_rater_ratings: 1, ..Model::default() };
    let ratings: Vec<Rating> = (0..4).map(|r| Rating { rater: r, item: 0, score: 1.0 }).collect();
    let fit = model.fit(4, 1, &ratings);
    assert_eq!(fit.items[0].params.ratings, 4);
    assert!(!fit.items[0].fair, "four ratings are not enough");
    let strict = Model { min_ratings: 3, min_intercept: -10.0, ..model };
    assert!(strict.is_fair(&fit.items[0].params));
}

#[test]
fn out_of_range_and_empty_inputs_give_zeros() {
    let fit = Model::default().fit(2, 2, &[Rating { rater: 5, item: 0, score: 1.0 }]);
    assert_eq!(fit.global_intercept, 0.0);
    assert!(fit.items.iter().all(|i| i.params == Params { factor: i.params.factor, ..Params::default() }));
    assert!(fit.items.iter().all(|i| !i.fair));
}

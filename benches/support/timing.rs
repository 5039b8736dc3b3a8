//! Timing shared by the benchmarks: a warm-up, then as many runs as fit in three seconds.

use std::time::{Duration, Instant};

/// The mean time of `op` and how many runs it took.
pub fn time_per_op(mut op: impl FnMut()) -> (Duration, u32) {
    for _ in 0..50 {
        op();
    }
    let budget = Duration::from_secs(3);
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < budget {
        op();
        n += 1;
    }
    (start.elapsed() / n, n)
}

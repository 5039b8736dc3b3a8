//! Logging: one tracing subscriber, filtered by `RUST_LOG` (default `info`).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; later calls (tests) are ignored.
pub fn init() {
    init_with_default("info");
}

/// Installs the subscriber with `default_filter` when `RUST_LOG` is unset. Tests use it to
/// silence the pool's reconnect errors once a finished test's database has been dropped.
pub fn init_with_default(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}

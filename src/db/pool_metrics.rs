//! The connection pool's share of `/metrics`: how long requests wait for a connection (from
//! r2d2's checkout events, so every `pool.get()` counts, in `with_conn` and elsewhere) and, read
//! at scrape time, how many connections are open, idle and in use.

use diesel::r2d2::HandleEvent;
use diesel::r2d2::event::{CheckoutEvent, TimeoutEvent};

use super::PgPool;

/// Records every checkout's wait and every timeout through the `metrics` facade (a no-op when
/// no recorder is installed).
#[derive(Debug, Default)]
pub struct PoolEvents;

impl HandleEvent for PoolEvents {
    fn handle_checkout(&self, event: CheckoutEvent) {
        metrics::histogram!("agora_db_pool_wait_seconds").record(event.duration().as_secs_f64());
    }

    fn handle_timeout(&self, event: TimeoutEvent) {
        metrics::counter!("agora_db_pool_timeouts_total").increment(1);
        metrics::histogram!("agora_db_pool_wait_seconds").record(event.timeout().as_secs_f64());
    }
}

/// Sets the pool's gauges from its current state (called when `/metrics` is scraped).
pub fn record_gauges(pool: &PgPool) {
    let state = pool.state();
    metrics::gauge!("agora_db_pool_connections").set(f64::from(state.connections));
    metrics::gauge!("agora_db_pool_idle").set(f64::from(state.idle_connections));
    metrics::gauge!("agora_db_pool_in_use").set(f64::from(state.connections.saturating_sub(state.idle_connections)));
    metrics::gauge!("agora_db_pool_max").set(f64::from(pool.max_size()));
}

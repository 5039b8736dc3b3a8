//! Read replicas (`AGORA_REPLICA_URLS`): a small pool per streaming standby, a monitor that keeps
//! each one's replay position and lag in memory, and the request-scoped choice `with_conn`
//! consults.
//!
//! A request's reads go to a replica only when something scoped them there with
//! [`reading_from`] (the read-routing middleware does so for `GET`/`HEAD` requests, see
//! `auth::read_your_writes`); everything else (writes, background jobs, the session lookup)
//! uses the primary. A replica is used only while its last check is recent, it is a standby, it
//! lags the primary by at most `max_lag`, and it has replayed the reader's own last write.
//!
//! Lag is measured against the primary's clock only: every check first samples the primary's
//! `pg_current_wal_lsn()`, and a replica whose replay position has reached a sample taken at
//! time `t` is at most `now - t` behind. So an idle primary does not make a caught-up replica
//! look old (as `now() - pg_last_xact_replay_timestamp()` would), and clock skew between the
//! servers does not matter.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use super::PgPool;
use crate::config::ReplicaSettings;

tokio::task_local! {
    /// The replica this task's reads go to (`None`: the primary).
    static READS: Option<Arc<Replica>>;
}

/// Runs `fut` with its `db::with_conn` calls reading from `replica` (`None`: the primary).
/// Only code polled inside `fut`, on its task, is affected; `with_primary_conn` ignores it.
pub async fn reading_from<F: Future>(replica: Option<Arc<Replica>>, fut: F) -> F::Output {
    READS.scope(replica, fut).await
}

/// Runs `fut` with every read on the primary, even inside a request routed to a replica: for
/// middleware that must never see data older than the primary's (e.g. a page cache that stores
/// what it renders). See also `auth::read_your_writes::ReadFromPrimary`.
pub async fn on_primary<F: Future>(fut: F) -> F::Output {
    reading_from(None, fut).await
}

/// The replica the current task reads from, if a request scoped one.
pub(super) fn current_replica() -> Option<Arc<Replica>> {
    READS.try_with(Clone::clone).ok().flatten()
}

/// The configured replicas and what the monitor last learned of them. Cheap to clone.
#[derive(Clone, Default)]
pub struct Replicas {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    replicas: Vec<Arc<Replica>>,
    max_lag: Duration,
    interval: Duration,
    /// Round-robin among the usable replicas.
    next: AtomicUsize,
    /// The primary's recent WAL positions, oldest first, pruned to what lag can still refer to.
    primary_samples: Mutex<VecDeque<(Instant, u64)>>,
}

/// One streaming standby.
pub struct Replica {
    /// The URL without its password, for `/healthz` and logs.
    pub name: String,
    /// Request reads.
    pub(super) pool: PgPool,
    /// The monitor's own connection, so a busy read pool cannot starve the checks.
    monitor: PgPool,
    health: Mutex<Health>,
}

/// What the last check found.
#[derive(Debug, Clone, Default)]
struct Health {
    checked_at: Option<Instant>,
    /// The check connected and the server answered.
    up: bool,
    /// A standby (`pg_is_in_recovery()`), or the primary itself reached by another URL.
    role: Role,
    /// `pg_last_wal_replay_lsn()` as a byte position (`u64::MAX` for the primary itself).
    replay_lsn: u64,
    /// How far behind the primary it is, at most; `None` when beyond every kept sample.
    lag: Option<Duration>,
    error: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Role {
    #[default]
    Unknown,
    Standby,
    /// The listed URL reaches the primary server itself (same postmaster): always current.
    Primary,
    /// A server that is not in recovery and is not our primary (e.g. a promoted standby): its
    /// WAL positions cannot be compared with ours, so it is never used.
    Other,
}

/// One replica as `/healthz` reports it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplicaReport {
    pub name: String,
    /// `up` (reads may go there), `lagging`, `down`, `not a standby` or `unchecked`.
    pub status: &'static str,
    /// Milliseconds behind the primary, at most (absent when unknown).
    pub lag_ms: Option<u64>,
    /// The replay position, as PostgreSQL writes an LSN.
    pub replay_lsn: Option<String>,
    /// Why it is down.
    pub error: Option<String>,
}

impl Replicas {
    /// Opens a pool per configured replica without connecting yet (a replica that is down at
    /// start is reported and skipped, never fatal). Empty when none are configured.
    pub fn from_settings(settings: &ReplicaSettings, pool_size: u32) -> anyhow::Result<Replicas> {
        let open = |url: &str, size: u32| -> PgPool {
            Pool::builder()
                .max_size(size.max(1))
                .min_idle(Some(0))
                // Short: a replica that cannot give a connection at once is skipped for the
                // primary, so waiting long only delays the request.
                .connection_timeout(Duration::from_millis(500))
                .build_unchecked(ConnectionManager::new(url))
        };
        let replicas = settings
            .urls
            .iter()
            .map(|url| {
                url::Url::parse(url).map_err(|e| anyhow::anyhow!("AGORA_REPLICA_URLS: {}: {e}", super::redact(url)))?;
                Ok(Arc::new(Replica {
                    name: super::redact(url),
                    pool: open(url, pool_size),
                    monitor: open(url, 1),
                    health: Mutex::new(Health::default()),
                }))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Replicas {
            inner: Arc::new(Inner {
                replicas,
                max_lag: settings.max_lag,
                interval: settings.check_interval,
                next: AtomicUsize::new(0),
                primary_samples: Mutex::new(VecDeque::new()),
            }),
        })
    }

    /// Whether any replica is configured.
    pub fn is_empty(&self) -> bool {
        self.inner.replicas.is_empty()
    }

    /// A replica a reader whose last write is at WAL position `written` may read from: checked
    /// recently, within the lag bound and past that position. `None`: read from the primary.
    pub fn pick(&self, written: u64) -> Option<Arc<Replica>> {
        let fresh = self.freshness();
        let usable: Vec<&Arc<Replica>> = self
            .inner
            .replicas
            .iter()
            .filter(|r| r.health().usable(fresh, self.inner.max_lag) && r.health().replay_lsn >= written)
            .collect();
        if usable.is_empty() {
            return None;
        }
        let n = self.inner.next.fetch_add(1, Ordering::Relaxed);
        Some(Arc::clone(usable[n % usable.len()]))
    }

    /// Every replica's state, for `/healthz`.
    pub fn report(&self) -> Vec<ReplicaReport> {
        let fresh = self.freshness();
        self.inner
            .replicas
            .iter()
            .map(|r| {
                let h = r.health().clone();
                let status = match (h.checked_at, h.up, h.role) {
                    (None, ..) => "unchecked",
                    (_, false, _) => "down",
                    (_, true, Role::Other) => "not a standby",
                    _ if h.usable(fresh, self.inner.max_lag) => "up",
                    _ => "lagging",
                };
                ReplicaReport {
                    name: r.name.clone(),
                    status,
                    lag_ms: h.lag.map(|l| u64::try_from(l.as_millis()).unwrap_or(u64::MAX)),
                    replay_lsn: (h.up && h.role == Role::Standby).then(|| format_lsn(h.replay_lsn)),
                    error: h.error,
                }
            })
            .collect()
    }

    /// How recent a check must be for its findings to count: a monitor that stopped (or is
    /// stuck on a hung connection) must not keep a replica in use on old news.
    fn freshness(&self) -> Duration {
        self.inner.interval * 3 + Duration::from_secs(1)
    }

    /// Starts the monitor on the current runtime: every `check_interval`, one check of every
    /// replica against the primary. Ends with the runtime.
    pub fn spawn_monitor(&self, primary: PgPool) {
        if self.is_empty() {
            return;
        }
        let replicas = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(replicas.inner.interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let (replicas, primary) = (replicas.clone(), primary.clone());
                if let Err(e) = tokio::task::spawn_blocking(move || replicas.check_all(&primary)).await {
                    tracing::error!(error = %e, "the replica check panicked");
                }
            }
        });
    }

    /// One round of checks (blocking): the primary's position first, then every replica.
    pub fn check_all(&self, primary: &PgPool) {
        let primary_state = primary
            .get()
            .map_err(|e| e.to_string())
            .and_then(|mut c| primary_position(&mut c).map_err(|e| e.to_string()));
        let primary_state = match primary_state {
            Ok(state) => {
                self.remember_primary_position(state.lsn);
                Some(state)
            }
            // Without the primary's position no lag can be measured; the old findings age out.
            Err(e) => {
                tracing::warn!(error = %e, "the replica check could not reach the primary");
                None
            }
        };
        for replica in &self.inner.replicas {
            let found = replica.monitor.get().map_err(|e| e.to_string()).and_then(|mut c| {
                diesel::sql_query(
                    "SELECT pg_is_in_recovery() AS in_recovery, \
                     (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint AS replay, \
                     pg_postmaster_start_time()::text AS started",
                )
                .get_result::<StandbyState>(&mut c)
                .map_err(|e| e.to_string())
            });
            let health = match (found, &primary_state) {
                (Err(e), _) => Health { up: false, error: Some(e), ..Health::default() },
                (Ok(_), None) => {
                    Health { up: true, error: Some("the primary is unreachable".into()), ..Health::default() }
                }
                (Ok(s), Some(p)) if !s.in_recovery => {
                    if s.started == p.started {
                        Health {
                            up: true,
                            role: Role::Primary,
                            replay_lsn: u64::MAX,
                            lag: Some(Duration::ZERO),
                            ..Health::default()
                        }
                    } else {
                        Health {
                            up: true,
                            role: Role::Other,
                            error: Some("not in recovery".into()),
                            ..Health::default()
                        }
                    }
                }
                (Ok(s), Some(_)) => {
                    let replay = s.replay.map_or(0, lsn_from_db);
                    Health {
                        up: true,
                        role: Role::Standby,
                        replay_lsn: replay,
                        lag: self.lag_at(replay),
                        ..Health::default()
                    }
                }
            };
            let was_usable = replica.health().usable(self.freshness(), self.inner.max_lag);
            let health = Health { checked_at: Some(Instant::now()), ..health };
            let usable = health.usable(self.freshness(), self.inner.max_lag);
            if was_usable != usable {
                tracing::info!(replica = %replica.name, usable, lag = ?health.lag, error = ?health.error, "replica state changed");
            }
            *replica.health() = health;
        }
    }

    fn remember_primary_position(&self, lsn: u64) {
        let keep = self.inner.max_lag + self.inner.interval * 2;
        let now = Instant::now();
        let mut samples = lock(&self.inner.primary_samples);
        samples.push_back((now, lsn));
        while samples.front().is_some_and(|(at, _)| now.duration_since(*at) > keep) {
            samples.pop_front();
        }
    }

    /// How far behind a replica that replayed up to `replay` is, at most: the age of the newest
    /// primary sample it has reached.
    fn lag_at(&self, replay: u64) -> Option<Duration> {
        let samples = lock(&self.inner.primary_samples);
        samples.iter().rev().find(|(_, lsn)| *lsn <= replay).map(|(at, _)| at.elapsed())
    }
}

impl Replica {
    fn health(&self) -> MutexGuard<'_, Health> {
        lock(&self.health)
    }

    /// Takes the replica out of use until the monitor finds it answering again (a request could
    /// not get a connection from it).
    pub(super) fn mark_down(&self, error: String) {
        let mut health = self.health();
        if health.up {
            tracing::warn!(replica = %self.name, %error, "replica unreachable; reading from the primary");
        }
        health.up = false;
        health.error = Some(error);
    }
}

impl Health {
    fn usable(&self, freshness: Duration, max_lag: Duration) -> bool {
        self.up
            && matches!(self.role, Role::Standby | Role::Primary)
            && self.checked_at.is_some_and(|at| at.elapsed() <= freshness)
            && self.lag.is_some_and(|lag| lag <= max_lag)
    }
}

/// A poisoned lock only means a check panicked mid-update; the state is plain data.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(QueryableByName)]
struct StandbyState {
    #[diesel(sql_type = Bool)]
    in_recovery: bool,
    #[diesel(sql_type = Nullable<BigInt>)]
    replay: Option<i64>,
    #[diesel(sql_type = Text)]
    started: String,
}

#[derive(QueryableByName)]
struct PrimaryState {
    #[diesel(sql_type = BigInt)]
    lsn: i64,
    #[diesel(sql_type = Text)]
    started: String,
}

struct PrimaryPosition {
    lsn: u64,
    started: String,
}

fn primary_position(conn: &mut PgConnection) -> QueryResult<PrimaryPosition> {
    let s: PrimaryState = diesel::sql_query(
        "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint AS lsn, pg_postmaster_start_time()::text AS started",
    )
    .get_result(conn)?;
    Ok(PrimaryPosition { lsn: lsn_from_db(s.lsn), started: s.started })
}

/// LSNs are unsigned 64-bit byte positions; no real WAL reaches 2^63 bytes.
fn lsn_from_db(lsn: i64) -> u64 {
    u64::try_from(lsn).unwrap_or(0)
}

/// `16/B374D848`, as PostgreSQL prints an LSN.
fn format_lsn(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF)
}

/// The primary's current WAL position, as the bigint `sessions.write_lsn` and
/// `api_tokens.write_lsn` store (bytes since 0/0).
pub fn wal_position() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql("(pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replicas(max_lag_ms: u64) -> Replicas {
        let settings = ReplicaSettings {
            urls: vec!["postgres://u:secret@127.0.0.1:1/db".into()],
            max_lag: Duration::from_millis(max_lag_ms),
            check_interval: Duration::from_secs(1),
        };
        Replicas::from_settings(&settings, 2).unwrap()
    }

    fn set(r: &Replicas, health: Health) {
        *r.inner.replicas[0].health() = health;
    }

    fn standby(replay_lsn: u64, lag_ms: u64) -> Health {
        Health {
            checked_at: Some(Instant::now()),
            up: true,
            role: Role::Standby,
            replay_lsn,
            lag: Some(Duration::from_millis(lag_ms)),
            error: None,
        }
    }

    #[test]
    fn an_unchecked_replica_is_not_used_and_its_password_is_not_shown() {
        let r = replicas(5000);
        assert!(r.pick(0).is_none());
        let report = r.report();
        assert_eq!(report[0].status, "unchecked");
        assert!(!report[0].name.contains("secret"), "{}", report[0].name);
    }

    #[test]
    fn a_replica_is_used_only_once_it_has_replayed_the_readers_last_write() {
        let r = replicas(5000);
        set(&r, standby(1000, 10));
        assert!(r.pick(0).is_some());
        assert!(r.pick(1000).is_some());
        assert!(r.pick(1001).is_none());
    }

    #[test]
    fn a_lagging_down_or_promoted_replica_is_skipped_and_reported() {
        let r = replicas(5000);
        set(&r, standby(1000, 5001));
        assert!(r.pick(0).is_none());
        assert_eq!(r.report()[0].status, "lagging");
        set(&r, Health { lag: None, ..standby(1000, 0) });
        assert!(r.pick(0).is_none());
        set(&r, standby(1000, 0));
        r.inner.replicas[0].mark_down("refused".into());
        assert!(r.pick(0).is_none());
        assert_eq!(r.report()[0].status, "down");
        set(&r, Health { role: Role::Other, ..standby(1000, 0) });
        assert!(r.pick(0).is_none());
        assert_eq!(r.report()[0].status, "not a standby");
    }

    #[test]
    fn old_findings_do_not_keep_a_replica_in_use() {
        let r = replicas(5000);
        let long_ago = Instant::now().checked_sub(Duration::from_secs(60));
        set(&r, Health { checked_at: long_ago, ..standby(1000, 0) });
        assert!(r.pick(0).is_none());
    }

    #[test]
    fn lag_is_the_age_of_the_newest_primary_position_the_replica_reached() {
        let r = replicas(5000);
        r.remember_primary_position(100);
        r.remember_primary_position(200);
        assert!(r.lag_at(200).is_some_and(|l| l < Duration::from_secs(1)));
        assert!(r.lag_at(150).is_some());
        assert_eq!(r.lag_at(50), None, "behind every sample kept: beyond the bound");
    }

    #[test]
    fn lsns_print_as_postgresql_writes_them() {
        assert_eq!(format_lsn(0x16_B374_D848), "16/B374D848");
        assert_eq!(format_lsn(0), "0/0");
    }
}

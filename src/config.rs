//! Settings: defaults, then environment, then CLI flags. Passed down, never global.

use std::time::Duration;

use crate::cli::{Cli, Command};

/// Everything the application needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    /// Add `Secure` to cookies; set `AGORA_COOKIE_SECURE=true` when served over TLS.
    pub cookie_secure: bool,
    /// Connections in the pool (also the number of concurrent database calls).
    pub pool_size: u32,
    /// Where readers reach the site, without a trailing slash (`AGORA_PUBLIC_URL`; default
    /// `http://` + the bind address): absolute links and stable ids in feeds and e-mail, which
    /// have no request to take a host from.
    pub public_url: String,
    /// The SMTP server for e-mail digests (`AGORA_SMTP_URL`): `smtp://host:25` (no TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465`.
    /// Unset: e-mail is off, and nothing else changes.
    pub smtp_url: Option<String>,
    /// The sender of digests (`AGORA_MAIL_FROM`), e.g. `Agora <agora@example.org>`.
    pub mail_from: String,
    /// How often due digests are looked for and sent (`AGORA_DIGEST_INTERVAL_SECS`, default 300).
    pub digest_interval: Duration,
    /// The background link checker of source addresses (issue 16).
    pub linkcheck: LinkCheckSettings,
    /// When a thread is flagged "needs attention" (`AGORA_ATTENTION_*`).
    pub attention: AttentionSettings,
    /// The fair-summary model and its background fitter (`AGORA_FAIR_*`).
    pub fairness: FairnessSettings,
    /// What an operator sees: metrics, access log, trusted proxies (issue 18, items 10 to 12).
    pub operator: OperatorSettings,
    /// Streaming standbys that serve reads (`AGORA_REPLICA_*`).
    pub replicas: ReplicaSettings,
    /// HTTP caching and the in-process page cache (`AGORA_PAGE_CACHE*`, `AGORA_CACHE_*`).
    pub page_cache: PageCacheSettings,
    /// Personal API tokens (`AGORA_TOKEN_*`).
    pub tokens: TokenSettings,
    /// The notification fan-out worker (`AGORA_FANOUT*`).
    pub fanout: FanoutSettings,
    /// The worker that indexes the threads synthesis saves marked (`ops::search_index`).
    pub search_index: SearchIndexSettings,
    /// What `bench/run` turns on to measure (`AGORA_BENCH_REFERENCE`, `AGORA_SERVER_TIMING`).
    pub bench: BenchSettings,
}

/// When a thread needs attention (issue 17, item 5; the rule is `domain::attention`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttentionSettings {
    /// N: a thread is flagged when a landmark or major event linked to it, dated on or before
    /// today, is newer than its last substantive synthesis revision and that revision is more
    /// than N days old (or there is none) (`AGORA_ATTENTION_EVENT_DAYS`, default 14).
    pub event_days: i64,
    /// M: a thread is flagged when an unanswered open question has had no activity (asked,
    /// edited, answered or reopened) for more than M days (`AGORA_ATTENTION_QUESTION_DAYS`,
    /// default 90).
    pub question_days: i64,
}

impl Default for AttentionSettings {
    fn default() -> Self {
        AttentionSettings { event_days: 14, question_days: 90 }
    }
}

impl AttentionSettings {
    fn from_env() -> Self {
        let d = Self::default();
        AttentionSettings {
            event_days: env_num("AGORA_ATTENTION_EVENT_DAYS")
                .and_then(|n| i64::try_from(n).ok())
                .unwrap_or(d.event_days),
            question_days: env_num("AGORA_ATTENTION_QUESTION_DAYS")
                .and_then(|n| i64::try_from(n).ok())
                .unwrap_or(d.question_days),
        }
    }
}

/// The fair-summary model (Community Notes' matrix factorization) and when it is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FairnessSettings {
    /// Whether `agora serve` runs the background fitter (`AGORA_FAIR_FIT=off` turns it off).
    pub enabled: bool,
    /// A fit at least this often while ratings changed (`AGORA_FAIR_INTERVAL_SECS`, default 600).
    pub interval: Duration,
    /// ...and as soon as this many ratings are new since the last fit (`AGORA_FAIR_AFTER_RATINGS`,
    /// default 20).
    pub after_ratings: u64,
    /// How often the fitter looks (`AGORA_FAIR_TICK_SECS`, default 5).
    pub tick: Duration,
    /// An item is "fair across camps" from this intercept (`AGORA_FAIR_MIN_INTERCEPT`, 0.40)...
    pub min_intercept: f64,
    /// ...with at least this many ratings (`AGORA_FAIR_MIN_RATINGS`, 5)...
    pub min_ratings: u32,
    /// ...and a factor smaller than this in magnitude (`AGORA_FAIR_MAX_FACTOR`, 0.5).
    pub max_factor: f64,
    /// Regularization of the intercepts and the global mean (0.15, as published).
    pub lambda_intercept: f64,
    /// Regularization of the factors (0.03, as published).
    pub lambda_factor: f64,
    /// Seed of the factors' starting values, so a fit is repeatable (`AGORA_FAIR_SEED`, 1).
    pub seed: u64,
    /// Readers with fewer ratings than this are left out of the fit, as Community Notes filters
    /// its input (`AGORA_FAIR_MIN_RATER_RATINGS`, 3; theirs is 10).
    pub min_rater_ratings: u32,
}

impl Default for FairnessSettings {
    fn default() -> Self {
        FairnessSettings {
            enabled: true,
            interval: Duration::from_secs(600),
            after_ratings: 20,
            tick: Duration::from_secs(5),
            min_intercept: 0.40,
            min_ratings: 5,
            max_factor: 0.5,
            lambda_intercept: 0.15,
            lambda_factor: 0.03,
            seed: 1,
            min_rater_ratings: 3,
        }
    }
}

impl FairnessSettings {
    fn from_env() -> Self {
        let d = Self::default();
        let secs = |name: &str, default: Duration| env_num(name).map_or(default, Duration::from_secs);
        FairnessSettings {
            enabled: !env_off("AGORA_FAIR_FIT"),
            interval: secs("AGORA_FAIR_INTERVAL_SECS", d.interval),
            after_ratings: env_num("AGORA_FAIR_AFTER_RATINGS").unwrap_or(d.after_ratings),
            tick: secs("AGORA_FAIR_TICK_SECS", d.tick),
            min_intercept: env_float("AGORA_FAIR_MIN_INTERCEPT").unwrap_or(d.min_intercept),
            min_ratings: env_num("AGORA_FAIR_MIN_RATINGS").and_then(|n| u32::try_from(n).ok()).unwrap_or(d.min_ratings),
            max_factor: env_float("AGORA_FAIR_MAX_FACTOR").filter(|f| *f > 0.0).unwrap_or(d.max_factor),
            min_rater_ratings: env_num("AGORA_FAIR_MIN_RATER_RATINGS")
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(d.min_rater_ratings),
            seed: std::env::var("AGORA_FAIR_SEED").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(d.seed),
            ..d
        }
    }
}

/// A finite number from the environment, if set.
fn env_float(name: &str) -> Option<f64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse::<f64>().ok()).filter(|f| f.is_finite())
}

/// How the link checker runs (`AGORA_LINKCHECK*` variables).
#[derive(Debug, Clone)]
pub struct LinkCheckSettings {
    /// Whether `agora serve` runs the worker (`AGORA_LINKCHECK=off` turns it off).
    pub enabled: bool,
    /// How often a working source is checked again (`AGORA_LINKCHECK_INTERVAL_SECS`, 1 day).
    pub interval: Duration,
    /// The first retry after a failure, doubled per failure up to `interval`
    /// (`AGORA_LINKCHECK_RETRY_SECS`, 1 hour).
    pub retry_after: Duration,
    /// How often the worker looks for due sources (`AGORA_LINKCHECK_TICK_SECS`, 60).
    pub tick: Duration,
    /// Sources claimed per tick (`AGORA_LINKCHECK_BATCH`, 50).
    pub batch: i64,
    /// Checks running at once (`AGORA_LINKCHECK_CONCURRENCY`, 4).
    pub concurrency: usize,
    /// The least time between two requests to one host (`AGORA_LINKCHECK_HOST_GAP_MS`, 2000).
    pub host_gap: Duration,
    /// The most one check may take, redirects and body included (`AGORA_LINKCHECK_TIMEOUT_SECS`, 15).
    pub timeout: Duration,
    /// Redirects followed before giving up (`AGORA_LINKCHECK_MAX_REDIRECTS`, 5).
    pub max_redirects: usize,
    /// Bytes read of a body when `GET` stands in for a refused `HEAD` (4 KiB).
    pub max_body_bytes: usize,
    /// Sent with every request, naming the checker and the site.
    pub user_agent: String,
    /// Failures in a row before a source can be dead (`AGORA_LINKCHECK_DEAD_FAILURES`, 3).
    pub dead_after_failures: i32,
    /// Days a run of failures must last before a source is dead (`AGORA_LINKCHECK_DEAD_DAYS`, 3).
    pub dead_after_days: i64,
    /// Rows of check history kept per source.
    pub history_per_source: i64,
    /// Let the checker connect to loopback addresses: only for tests that check a local server.
    /// Private, link-local (metadata), shared and other non-public addresses stay refused.
    pub allow_loopback: bool,
}

impl LinkCheckSettings {
    /// The defaults, for a site reached at `public_url`.
    pub fn defaults(public_url: &str) -> Self {
        LinkCheckSettings {
            enabled: true,
            interval: Duration::from_secs(24 * 3600),
            retry_after: Duration::from_secs(3600),
            tick: Duration::from_secs(60),
            batch: 50,
            concurrency: 4,
            host_gap: Duration::from_millis(2000),
            timeout: Duration::from_secs(15),
            max_redirects: 5,
            max_body_bytes: 4096,
            user_agent: format!("AgoraLinkChecker/0.1 (+{public_url})"),
            dead_after_failures: 3,
            dead_after_days: 3,
            history_per_source: 20,
            allow_loopback: false,
        }
    }

    fn from_env(public_url: &str) -> Self {
        let d = Self::defaults(public_url);
        let secs = |name: &str, default: Duration| env_num(name).map_or(default, Duration::from_secs);
        LinkCheckSettings {
            enabled: !env_off("AGORA_LINKCHECK"),
            interval: secs("AGORA_LINKCHECK_INTERVAL_SECS", d.interval),
            retry_after: secs("AGORA_LINKCHECK_RETRY_SECS", d.retry_after),
            tick: secs("AGORA_LINKCHECK_TICK_SECS", d.tick),
            batch: env_num("AGORA_LINKCHECK_BATCH").and_then(|n| i64::try_from(n).ok()).unwrap_or(d.batch),
            concurrency: env_num("AGORA_LINKCHECK_CONCURRENCY").map_or(d.concurrency, |n| n as usize),
            host_gap: env_num("AGORA_LINKCHECK_HOST_GAP_MS").map_or(d.host_gap, Duration::from_millis),
            timeout: secs("AGORA_LINKCHECK_TIMEOUT_SECS", d.timeout),
            max_redirects: env_num("AGORA_LINKCHECK_MAX_REDIRECTS").map_or(d.max_redirects, |n| n as usize),
            dead_after_failures: env_num("AGORA_LINKCHECK_DEAD_FAILURES")
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or(d.dead_after_failures),
            dead_after_days: env_num("AGORA_LINKCHECK_DEAD_DAYS")
                .and_then(|n| i64::try_from(n).ok())
                .unwrap_or(d.dead_after_days),
            ..d
        }
    }
}

/// A positive number from the environment, if set.
fn env_num(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).filter(|n| *n > 0)
}

/// The sender when `AGORA_MAIL_FROM` is unset.
pub const DEFAULT_MAIL_FROM: &str = "Agora <agora@localhost>";

impl Settings {
    /// Settings for the given command line, reading `AGORA_*` variables for the rest.
    pub fn from_env(cli: &Cli) -> Self {
        let bind = match &cli.command {
            Command::Serve { bind, .. } => bind.clone(),
            _ => "127.0.0.1:8080".to_owned(),
        };
        let public_url = std::env::var("AGORA_PUBLIC_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .map_or_else(|| format!("http://{bind}"), |u| u.trim().trim_end_matches('/').to_owned());
        Settings {
            database_url: cli.database_url.clone(),
            bind,
            cookie_secure: env_flag("AGORA_COOKIE_SECURE"),
            pool_size: std::env::var("AGORA_POOL_SIZE").ok().and_then(|v| v.parse().ok()).unwrap_or(16),
            smtp_url: std::env::var("AGORA_SMTP_URL").ok().map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()),
            mail_from: std::env::var("AGORA_MAIL_FROM")
                .ok()
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
            digest_interval: Duration::from_secs(
                std::env::var("AGORA_DIGEST_INTERVAL_SECS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .filter(|s| *s > 0)
                    .unwrap_or(300),
            ),
            linkcheck: LinkCheckSettings::from_env(&public_url),
            attention: AttentionSettings::from_env(),
            fairness: FairnessSettings::from_env(),
            operator: OperatorSettings::from_env(),
            replicas: ReplicaSettings::from_env(),
            page_cache: PageCacheSettings::from_env(),
            tokens: TokenSettings::from_env(),
            fanout: FanoutSettings::from_env(),
            search_index: SearchIndexSettings::from_env(),
            bench: BenchSettings::from_env(),
            public_url,
        }
    }

    /// Settings for a test server on a random port.
    pub fn for_tests(database_url: String) -> Self {
        Settings {
            database_url,
            bind: "127.0.0.1:0".to_owned(),
            cookie_secure: false,
            pool_size: 4,
            public_url: "http://agora.test".to_owned(),
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            digest_interval: Duration::from_secs(300),
            // Off: a test that wants the checker calls `ops::linkcheck::run_once` itself.
            linkcheck: LinkCheckSettings { enabled: false, ..LinkCheckSettings::defaults("http://agora.test") },
            attention: AttentionSettings::default(),
            // Off: a test that wants a fit calls `ops::fairness_fit::fit_now` itself.
            fairness: FairnessSettings { enabled: false, ..FairnessSettings::default() },
            operator: OperatorSettings::default(),
            replicas: ReplicaSettings::default(),
            // Off: a test that writes rows directly and then reads as an anonymous visitor would
            // race the change notification. The page-cache tests turn it on.
            page_cache: PageCacheSettings { enabled: false, ..PageCacheSettings::default() },
            tokens: TokenSettings::default(),
            // On, with a short tick: tests read notifications soon after a save. A test that
            // needs it paused turns it off and calls `ops::fanout::run_once` itself.
            fanout: FanoutSettings { tick: Duration::from_millis(20), ..FanoutSettings::default() },
            // Likewise: a search right after a save finds it within a tick (`TestApp::indexed`).
            search_index: SearchIndexSettings { tick: Duration::from_millis(20), ..SearchIndexSettings::default() },
            bench: BenchSettings::default(),
        }
    }
}

fn env_flag(name: &str) -> bool {
    matches!(std::env::var(name).as_deref(), Ok("1" | "true" | "yes"))
}

/// Whether the variable `name` turns something off (see `is_off`).
fn env_off(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| is_off(&v))
}

/// What an operator sees and trusts (issue 18, items 10 to 12).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperatorSettings {
    /// Where `/metrics` (Prometheus text format) is served, apart from the site
    /// (`AGORA_METRICS_BIND`, e.g. `127.0.0.1:9100`; unset: no metrics).
    pub metrics_bind: Option<String>,
    /// One log line per request (`AGORA_ACCESS_LOG=off` turns it off; default on).
    pub access_log: AccessLog,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` headers name the client
    /// (`AGORA_TRUSTED_PROXIES`, comma-separated addresses or CIDR ranges; default none).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Which header trusted proxies name the client in (`AGORA_FORWARDED_HEADER`:
    /// `x-forwarded-for`, the default, or `forwarded`). Only one is read: a proxy passes the
    /// other on as the client sent it, so reading both would let a client pick its address.
    pub forwarded_header: ForwardedHeader,
    /// Entries of `AGORA_TRUSTED_PROXIES` (or an `AGORA_FORWARDED_HEADER`) that do not parse:
    /// the server refuses to start with any, rather than trust other proxies than the operator meant.
    pub invalid: Vec<String>,
}

/// The header that trusted proxies name the client in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most load balancers).
    #[default]
    XForwardedFor,
    /// `Forwarded: for=client, for="[2001:db8::1]:443"` (RFC 7239).
    Forwarded,
}

/// Whether each request gets an access-log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AccessLog {
    #[default]
    On,
    Off,
}

impl OperatorSettings {
    fn from_env() -> Self {
        let (trusted_proxies, mut invalid) = parse_proxies(&std::env::var("AGORA_TRUSTED_PROXIES").unwrap_or_default());
        let header = std::env::var("AGORA_FORWARDED_HEADER").unwrap_or_default();
        let forwarded_header = match header.trim().to_ascii_lowercase().as_str() {
            "" | "x-forwarded-for" => ForwardedHeader::XForwardedFor,
            "forwarded" => ForwardedHeader::Forwarded,
            other => {
                invalid.push(format!("AGORA_FORWARDED_HEADER={other}"));
                ForwardedHeader::XForwardedFor
            }
        };
        OperatorSettings {
            metrics_bind: std::env::var("AGORA_METRICS_BIND")
                .ok()
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty() && !is_off(b)),
            access_log: match std::env::var("AGORA_ACCESS_LOG") {
                Ok(v) if is_off(&v) => AccessLog::Off,
                _ => AccessLog::On,
            },
            trusted_proxies,
            forwarded_header,
            invalid,
        }
    }
}

/// `off`, `0`, `false` or `no`, in any case.
fn is_off(value: &str) -> bool {
    matches!(value.trim().to_ascii_lowercase().as_str(), "off" | "0" | "false" | "no")
}

/// Splits a comma- (or space-) separated list of CIDR ranges and bare addresses (a bare
/// address is a range of one) into the ranges and the entries that are neither.
pub fn parse_proxies(list: &str) -> (Vec<ipnet::IpNet>, Vec<String>) {
    let mut ranges = Vec::new();
    let mut invalid = Vec::new();
    for entry in list.split([',', ' ', '\t', '\n']).map(str::trim).filter(|e| !e.is_empty()) {
        match entry.parse::<ipnet::IpNet>() {
            Ok(net) => ranges.push(net.trunc()),
            Err(_) => match entry.parse::<std::net::IpAddr>() {
                Ok(ip) => ranges.push(ipnet::IpNet::from(ip)),
                Err(_) => invalid.push(entry.to_owned()),
            },
        }
    }
    (ranges, invalid)
}

/// How log lines are written (`AGORA_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// One human-readable line per event (the default).
    #[default]
    Text,
    /// One JSON object per line, for log shippers (`AGORA_LOG_FORMAT=json`).
    Json,
}

impl LogFormat {
    /// The format `AGORA_LOG_FORMAT` names: `json` or `text` (the default, also for anything
    /// else; `Err` carries the unknown value so it can be logged once logging is up).
    pub fn parse(value: Option<&str>) -> Result<Self, String> {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("" | "text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(other.to_owned()),
        }
    }
}

#[cfg(test)]
mod operator_tests {
    use super::*;

    #[test]
    fn trusted_proxies_take_ranges_and_bare_addresses_and_report_the_rest() {
        let (ranges, invalid) =
            parse_proxies("10.0.0.0/8, 127.0.0.1 ,::1,fd00::/8 192.168.1.7/24,nonsense,10.0.0.0/33");
        let shown: Vec<String> = ranges.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "127.0.0.1/32", "::1/128", "fd00::/8", "192.168.1.0/24"]);
        assert_eq!(invalid, ["nonsense", "10.0.0.0/33"]);
        assert_eq!(parse_proxies(""), (vec![], vec![]));
    }

    #[test]
    fn log_format_is_text_unless_json_is_asked_for() {
        assert_eq!(LogFormat::parse(None), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("")), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some(" JSON ")), Ok(LogFormat::Json));
        assert_eq!(LogFormat::parse(Some("text")), Ok(LogFormat::Text));
        assert_eq!(LogFormat::parse(Some("yaml")), Err("yaml".to_owned()));
    }
}
/// Read replicas (issue 18, item 7): where `GET` reads may go, and when a replica is skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaSettings {
    /// Connection URLs of streaming standbys of `DATABASE_URL` (`AGORA_REPLICA_URLS`,
    /// comma-separated; default none: every read goes to the primary).
    pub urls: Vec<String>,
    /// A replica further behind the primary than this is skipped (`AGORA_REPLICA_MAX_LAG_MS`,
    /// default 5000).
    pub max_lag: Duration,
    /// How often each replica's replay position is checked (`AGORA_REPLICA_CHECK_INTERVAL_MS`,
    /// default 1000).
    pub check_interval: Duration,
}

impl Default for ReplicaSettings {
    fn default() -> Self {
        ReplicaSettings {
            urls: Vec::new(),
            max_lag: Duration::from_millis(5000),
            check_interval: Duration::from_secs(1),
        }
    }
}

impl ReplicaSettings {
    fn from_env() -> Self {
        let d = Self::default();
        ReplicaSettings {
            urls: std::env::var("AGORA_REPLICA_URLS")
                .map(|v| v.split(',').map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default(),
            max_lag: env_num("AGORA_REPLICA_MAX_LAG_MS").map_or(d.max_lag, Duration::from_millis),
            check_interval: env_num("AGORA_REPLICA_CHECK_INTERVAL_MS").map_or(d.check_interval, Duration::from_millis),
        }
    }
}

/// HTTP caching of anonymous pages and the in-process cache of their rendered bodies (issue 18).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageCacheSettings {
    /// Whether anonymous pages are kept in memory and the change listener runs
    /// (`AGORA_PAGE_CACHE=off` turns both off; the HTTP headers stay).
    pub enabled: bool,
    /// The most bytes of page bodies held (`AGORA_PAGE_CACHE_BYTES`, default 64 MiB).
    pub max_bytes: u64,
    /// The longest an entry lives, so relative times ("3 days ago") and date-dependent flags
    /// cannot go stale for long (`AGORA_PAGE_CACHE_TTL_SECS`, default 60).
    pub ttl: Duration,
    /// How long a shared cache (CDN, Varnish) may serve an anonymous page without asking
    /// (`AGORA_CACHE_S_MAXAGE`, seconds, default 60).
    pub s_maxage: u64,
    /// How long past that it may serve it while revalidating in the background
    /// (`AGORA_CACHE_STALE_WHILE_REVALIDATE`, seconds, default 300).
    pub stale_while_revalidate: u64,
    /// The first wait before the change listener reconnects, doubled per failure up to 10 s
    /// (`AGORA_PAGE_CACHE_RECONNECT_MS`, default 100).
    pub reconnect_after: Duration,
}

impl Default for PageCacheSettings {
    fn default() -> Self {
        PageCacheSettings {
            enabled: true,
            max_bytes: 64 * 1024 * 1024,
            ttl: Duration::from_secs(60),
            s_maxage: 60,
            stale_while_revalidate: 300,
            reconnect_after: Duration::from_millis(100),
        }
    }
}

impl PageCacheSettings {
    fn from_env() -> Self {
        let d = Self::default();
        // Zero is a meaningful setting here (no shared caching), unlike in `env_num`.
        let secs = |name: &str, default: u64| {
            std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(default)
        };
        PageCacheSettings {
            enabled: !env_off("AGORA_PAGE_CACHE"),
            max_bytes: env_num("AGORA_PAGE_CACHE_BYTES").unwrap_or(d.max_bytes),
            ttl: env_num("AGORA_PAGE_CACHE_TTL_SECS").map_or(d.ttl, Duration::from_secs),
            s_maxage: secs("AGORA_CACHE_S_MAXAGE", d.s_maxage),
            stale_while_revalidate: secs("AGORA_CACHE_STALE_WHILE_REVALIDATE", d.stale_while_revalidate),
            reconnect_after: env_num("AGORA_PAGE_CACHE_RECONNECT_MS").map_or(d.reconnect_after, Duration::from_millis),
        }
    }
}

/// Personal API tokens (issue 18 item 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSettings {
    /// Requests one token may make per minute, counted across instances
    /// (`AGORA_TOKEN_RATE_PER_MINUTE`, default 600); past it, 429 with `Retry-After`.
    pub rate_per_minute: i32,
}

impl Default for TokenSettings {
    fn default() -> Self {
        TokenSettings { rate_per_minute: 600 }
    }
}

impl TokenSettings {
    fn from_env() -> Self {
        let d = Self::default();
        TokenSettings {
            rate_per_minute: env_num("AGORA_TOKEN_RATE_PER_MINUTE")
                .and_then(|n| i32::try_from(n).ok())
                .filter(|n| *n > 0)
                .unwrap_or(d.rate_per_minute),
        }
    }
}

/// The worker that writes a change's notifications after it commits (issue 18, item 9; see
/// `db::fanout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FanoutSettings {
    /// Whether `agora serve` runs the worker (`AGORA_FANOUT=off` turns it off: changes then wait
    /// in the outbox until an instance with the worker runs).
    pub enabled: bool,
    /// How often the worker looks for new changes when idle (`AGORA_FANOUT_TICK_MS`, 250).
    pub tick: Duration,
    /// Followers per batch, each batch one transaction and one statement (`AGORA_FANOUT_BATCH`,
    /// 10 000).
    pub batch: i64,
    /// How long a worker may hold a claimed batch: its transaction is ended by PostgreSQL after
    /// this long (`statement_timeout`, `idle_in_transaction_session_timeout`), and the batch,
    /// rolled back whole, goes to the next worker (`AGORA_FANOUT_LEASE_SECS`, 60).
    pub lease: Duration,
}

impl Default for FanoutSettings {
    fn default() -> Self {
        FanoutSettings {
            enabled: true,
            tick: Duration::from_millis(250),
            batch: 10_000,
            lease: Duration::from_secs(60),
        }
    }
}

impl FanoutSettings {
    fn from_env() -> Self {
        let d = Self::default();
        FanoutSettings {
            enabled: !env_off("AGORA_FANOUT"),
            tick: env_num("AGORA_FANOUT_TICK_MS").map_or(d.tick, Duration::from_millis),
            batch: env_num("AGORA_FANOUT_BATCH").and_then(|n| i64::try_from(n).ok()).unwrap_or(d.batch),
            lease: env_num("AGORA_FANOUT_LEASE_SECS").map_or(d.lease, Duration::from_secs),
        }
    }
}

/// The search indexer: rewrites, just after commit, the search documents of threads whose
/// synthesis changed (issue 18, item 6; `ops::search_index`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchIndexSettings {
    /// Whether `agora serve` runs the indexer (`AGORA_SEARCH_INDEX=off` turns it off: saved
    /// text then waits, unsearchable, until an instance with the indexer runs).
    pub enabled: bool,
    /// How often the indexer looks for marked threads (`AGORA_SEARCH_INDEX_TICK_MS`, 250): the
    /// longest a saved text waits to be found by search, when the indexer keeps up.
    pub tick: Duration,
}

impl Default for SearchIndexSettings {
    fn default() -> Self {
        SearchIndexSettings { enabled: true, tick: Duration::from_millis(250) }
    }
}

impl SearchIndexSettings {
    fn from_env() -> Self {
        let d = Self::default();
        SearchIndexSettings {
            enabled: !env_off("AGORA_SEARCH_INDEX"),
            tick: env_num("AGORA_SEARCH_INDEX_TICK_MS").map_or(d.tick, Duration::from_millis),
        }
    }
}

/// Measuring aids for `bench/run` (issue 18, item 6), both off by default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BenchSettings {
    /// `AGORA_BENCH_REFERENCE=1`: serve `GET /bench/reference`, the demo thread page rendered
    /// with the same templates from data loaded once into memory (the yardstick thread page
    /// views are compared with). Never in the route table; off, the path is a 404.
    pub reference: bool,
    /// `AGORA_SERVER_TIMING=1`: every response says how long the server took,
    /// `Server-Timing: app;dur=<ms>` (from the request reaching the app to its response head).
    /// Off by default: it tells every client how long the server worked on its request.
    pub server_timing: bool,
}

impl BenchSettings {
    fn from_env() -> Self {
        BenchSettings { reference: env_flag("AGORA_BENCH_REFERENCE"), server_timing: env_flag("AGORA_SERVER_TIMING") }
    }
}

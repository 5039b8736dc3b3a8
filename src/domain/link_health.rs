//! What a link check means for a source (issue 16): from what the checker found and the
//! source's run of failures, its next link status and when to look again. A source is dead only
//! after several failures in a row spanning days, never after one timeout: servers go down for
//! an afternoon, and a curator told a source died should be able to trust it.

use chrono::{DateTime, Duration, Utc};

use super::thread::LinkStatus;

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The address answered with a success after following redirects (if any).
    Reached {
        status: u16,
        /// Where the redirects ended, when not at the source's address.
        final_url: Option<String>,
        /// Whether every redirect on the way was permanent (301 or 308): only then did the
        /// document move; a temporary redirect (a login wall, a load balancer) says nothing.
        permanent: bool,
    },
    /// No success: an error status (`status`), or no answer at all (`status` is `None`).
    Failed { status: Option<u16>, error: String },
}

/// A source's link health before the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    pub status: LinkStatus,
    pub consecutive_failures: i32,
    /// The first failure of the current run of failures.
    pub failing_since: Option<DateTime<Utc>>,
}

/// The schedule and the bar for "dead".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// How often a working (or dead) source is looked at again.
    pub interval: Duration,
    /// The first retry after a failure; doubled after each further one, up to `interval`.
    pub retry_after: Duration,
    /// Failures in a row before a source can be dead (at least 2, whatever is configured).
    pub dead_after_failures: i32,
    /// How long the run of failures must have lasted before a source can be dead.
    pub dead_after: Duration,
}

/// A source's link health after the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    pub status: LinkStatus,
    pub consecutive_failures: i32,
    pub failing_since: Option<DateTime<Utc>>,
    pub next_check_at: DateTime<Utc>,
    /// Where the address now leads, when it redirected somewhere else.
    pub final_url: Option<String>,
}

impl Next {
    /// Whether this check turned the source dead (it was not before).
    pub fn died(&self, before: &History) -> bool {
        self.status == LinkStatus::Dead && before.status != LinkStatus::Dead
    }

    /// Whether places citing the source change how they flag it (it became dead or redirected,
    /// or stopped being either), so their cached pages must be built again.
    pub fn flag_changed(&self, before: &History) -> bool {
        self.status.is_flagged() != before.status.is_flagged()
            || (self.status.is_flagged() && self.status != before.status)
    }
}

/// The next state of a source checked at `now` with `outcome`.
pub fn next(policy: &Policy, before: &History, outcome: &Outcome, now: DateTime<Utc>) -> Next {
    match outcome {
        Outcome::Reached { final_url, permanent, .. } => {
            let moved = final_url.is_some() && *permanent;
            Next {
                status: if moved { LinkStatus::Redirected } else { LinkStatus::Ok },
                consecutive_failures: 0,
                failing_since: None,
                next_check_at: now + policy.interval,
                final_url: final_url.clone(),
            }
        }
        Outcome::Failed { .. } => {
            let failures = before.consecutive_failures.saturating_add(1);
            let since = before.failing_since.filter(|_| before.consecutive_failures > 0).unwrap_or(now);
            let dead = before.status == LinkStatus::Dead
                || (failures >= policy.dead_after_failures.max(2) && now - since >= policy.dead_after);
            let next_check_at = if dead { now + policy.interval } else { now + backoff(policy, failures) };
            Next {
                status: if dead { LinkStatus::Dead } else { LinkStatus::Failing },
                consecutive_failures: failures,
                failing_since: Some(since),
                next_check_at,
                final_url: None,
            }
        }
    }
}

/// The wait before the next look at a source that failed `failures` times in a row.
fn backoff(policy: &Policy, failures: i32) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1)).unwrap_or(0).min(16);
    let wait = policy.retry_after * 2_i32.pow(doublings);
    wait.min(policy.interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            interval: Duration::days(1),
            retry_after: Duration::hours(1),
            dead_after_failures: 3,
            dead_after: Duration::days(3),
        }
    }

    fn fresh() -> History {
        History { status: LinkStatus::Unchecked, consecutive_failures: 0, failing_since: None }
    }

    fn failed(status: Option<u16>) -> Outcome {
        Outcome::Failed { status, error: "gone".to_owned() }
    }

    fn t0() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_success_is_ok_and_checked_again_after_the_interval() {
        let n = next(&policy(), &fresh(), &Outcome::Reached { status: 200, final_url: None, permanent: true }, t0());
        assert_eq!(n.status, LinkStatus::Ok);
        assert_eq!(n.next_check_at, t0() + Duration::days(1));
        assert_eq!(n.consecutive_failures, 0);
    }

    #[test]
    fn only_a_permanent_redirect_elsewhere_marks_the_source_redirected() {
        let moved = Outcome::Reached { status: 200, final_url: Some("https://b.example/".into()), permanent: true };
        let n = next(&policy(), &fresh(), &moved, t0());
        assert_eq!(n.status, LinkStatus::Redirected);
        assert_eq!(n.final_url.as_deref(), Some("https://b.example/"));
        let temporary =
            Outcome::Reached { status: 200, final_url: Some("https://b.example/".into()), permanent: false };
        assert_eq!(next(&policy(), &fresh(), &temporary, t0()).status, LinkStatus::Ok);
    }

    #[test]
    fn one_timeout_never_kills_a_source_even_with_a_lax_policy() {
        let lax = Policy { dead_after_failures: 1, dead_after: Duration::zero(), ..policy() };
        let n = next(&lax, &fresh(), &failed(None), t0());
        assert_eq!(n.status, LinkStatus::Failing);
        assert_eq!(n.failing_since, Some(t0()));
    }

    #[test]
    fn dead_needs_both_enough_failures_and_enough_days() {
        let p = policy();
        // Many failures within one day: still failing.
        let quick = History { status: LinkStatus::Failing, consecutive_failures: 10, failing_since: Some(t0()) };
        assert_eq!(next(&p, &quick, &failed(Some(404)), t0() + Duration::hours(20)).status, LinkStatus::Failing);
        // Days have passed but only one failure before this one: still failing.
        let slow = History { status: LinkStatus::Failing, consecutive_failures: 1, failing_since: Some(t0()) };
        assert_eq!(next(&p, &slow, &failed(Some(404)), t0() + Duration::days(5)).status, LinkStatus::Failing);
        // The third failure, three days after the first: dead.
        let both = History { status: LinkStatus::Failing, consecutive_failures: 2, failing_since: Some(t0()) };
        let n = next(&p, &both, &failed(Some(410)), t0() + Duration::days(3));
        assert_eq!(n.status, LinkStatus::Dead);
        assert!(n.died(&both));
        assert!(n.flag_changed(&both));
        assert_eq!(n.failing_since, Some(t0()));
    }

    #[test]
    fn failing_backs_off_up_to_the_interval_and_a_success_resets_the_run() {
        let p = policy();
        let mut h = fresh();
        let mut waits = Vec::new();
        for i in 0..8 {
            let now = t0() + Duration::minutes(i);
            let n = next(&p, &h, &failed(Some(500)), now);
            waits.push(n.next_check_at - now);
            h = History {
                status: n.status,
                consecutive_failures: n.consecutive_failures,
                failing_since: n.failing_since,
            };
        }
        assert_eq!(waits[0], Duration::hours(1));
        assert_eq!(waits[1], Duration::hours(2));
        assert_eq!(waits[2], Duration::hours(4));
        assert_eq!(*waits.last().unwrap(), Duration::days(1));
        let n = next(&p, &h, &Outcome::Reached { status: 200, final_url: None, permanent: true }, t0());
        assert_eq!((n.status, n.consecutive_failures, n.failing_since), (LinkStatus::Ok, 0, None));
    }

    #[test]
    fn a_dead_source_stays_dead_until_it_answers_again_and_dies_only_once() {
        let dead = History { status: LinkStatus::Dead, consecutive_failures: 5, failing_since: Some(t0()) };
        let n = next(&policy(), &dead, &failed(Some(404)), t0() + Duration::days(9));
        assert_eq!(n.status, LinkStatus::Dead);
        assert!(!n.died(&dead));
        assert!(!n.flag_changed(&dead));
        let back = next(&policy(), &dead, &Outcome::Reached { status: 200, final_url: None, permanent: true }, t0());
        assert_eq!(back.status, LinkStatus::Ok);
        assert!(back.flag_changed(&dead));
    }
}

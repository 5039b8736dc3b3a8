//! When a thread "needs attention" (issue 17, item 5), and the words that say why.
//!
//! A thread needs attention when
//! (a) a landmark or major event linked to it, dated on or before today, is newer than its last
//!     substantive synthesis revision, and that revision is more than `event_days` old (or there
//!     is none), or
//! (b) an unanswered open question has had no activity for more than `question_days`.
//!
//! The thread row keeps the dates this needs (`db::attention`); the queries bind the same
//! [`Cutoffs`] the pages decide with, so a list and a page never disagree about a thread.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::roles::Role;
use super::thread::Significance;
use super::time::event_date;

/// Names at most this many events or questions in a reason, then "and N more".
pub const NAMED: usize = 5;

/// Characters of a question quoted in a reason.
const QUOTED: usize = 120;

/// The two settings, in days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub event_days: i64,
    pub question_days: i64,
}

/// The rule at one moment: the dates the stored columns are compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cutoffs {
    /// Events dated after today do not count yet.
    pub today: NaiveDate,
    /// (a) holds only while the last substantive revision is older than this.
    pub revised_before: DateTime<Utc>,
    /// (b) holds for an open question last touched before this.
    pub touched_before: DateTime<Utc>,
    /// The rule, for the words ("no activity for more than 90 days").
    pub rule: Rule,
}

impl Rule {
    /// The cutoffs at `now`.
    pub fn at(self, now: DateTime<Utc>) -> Cutoffs {
        Cutoffs {
            today: now.date_naive(),
            revised_before: now - Duration::days(self.event_days),
            touched_before: now - Duration::days(self.question_days),
            rule: self,
        }
    }
}

/// The dates a thread row keeps for the flag (`threads.substantive_at`, `stale_event_on`,
/// `quiet_question_at`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Dates {
    pub substantive_at: Option<DateTime<Utc>>,
    pub stale_event_on: Option<NaiveDate>,
    pub quiet_question_at: Option<DateTime<Utc>>,
}

impl Cutoffs {
    /// (a): the synthesis predates a landmark or major event and has not been revised for long.
    pub fn events_overdue(&self, d: &Dates) -> bool {
        d.stale_event_on.is_some_and(|on| on <= self.today)
            && d.substantive_at.is_none_or(|at| at < self.revised_before)
    }

    /// (b): an open question has been quiet for too long.
    pub fn question_quiet(&self, d: &Dates) -> bool {
        d.quiet_question_at.is_some_and(|at| at < self.touched_before)
    }

    /// Whether the thread needs attention.
    pub fn needs_attention(&self, d: &Dates) -> bool {
        self.events_overdue(d) || self.question_quiet(d)
    }

    /// The date the oldest neglected thing dates from (the queue's order), if flagged.
    pub fn since(&self, d: &Dates) -> Option<NaiveDate> {
        let event = d.stale_event_on.filter(|_| self.events_overdue(d));
        let question = d.quiet_question_at.filter(|_| self.question_quiet(d)).map(|at| at.date_naive());
        match (event, question) {
            (Some(e), Some(q)) => Some(e.min(q)),
            (e, q) => e.or(q),
        }
    }

    /// Whether a linked event counts against the synthesis: landmark or major, dated after the
    /// day of the last substantive revision, and not in the future (the rule `db::attention`
    /// keeps `stale_event_on` by).
    pub fn event_counts(
        &self,
        substantive_at: Option<DateTime<Utc>>,
        on: NaiveDate,
        significance: Significance,
    ) -> bool {
        matches!(significance, Significance::Landmark | Significance::Major)
            && on <= self.today
            && substantive_at.is_none_or(|at| on > at.date_naive())
    }
}

/// Who sees the attention queue: curators, moderators and admins.
pub fn can_see_queue(role: Role) -> bool {
    role >= Role::Curator
}

/// An event behind a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleEvent {
    pub id: i64,
    pub title: String,
    pub occurred_on: NaiveDate,
    pub significance: Significance,
}

/// A quiet open question behind a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct QuietQuestion {
    pub id: i64,
    pub text: String,
    pub touched_at: DateTime<Utc>,
}

/// What a flagged thread's reasons name: at most [`NAMED`] of each, oldest first, with the
/// totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub substantive_at: Option<DateTime<Utc>>,
    pub events: Vec<StaleEvent>,
    pub events_total: usize,
    pub questions: Vec<QuietQuestion>,
    pub questions_total: usize,
}

/// Why a thread needs attention, one sentence per cause ((a) first); empty when it does not.
pub fn reasons(cut: &Cutoffs, dates: &Dates, evidence: &Evidence, now: DateTime<Utc>) -> Vec<String> {
    let mut out = Vec::new();
    if cut.events_overdue(dates) && evidence.events_total > 0 {
        out.push(event_reason(evidence));
    }
    if cut.question_quiet(dates) && evidence.questions_total > 0 {
        out.push(question_reason(cut, evidence, now));
    }
    out
}

fn event_reason(e: &Evidence) -> String {
    let n = e.events_total;
    let all = |s: Significance| e.events.iter().all(|ev| ev.significance == s);
    let kind = if all(Significance::Landmark) {
        "landmark"
    } else if all(Significance::Major) {
        "major"
    } else {
        "landmark or major"
    };
    let named: Vec<String> =
        e.events.iter().map(|ev| format!("{} ({})", ev.title, event_date(ev.occurred_on))).collect();
    let list = with_more(named, n);
    let events = if n == 1 { format!("1 {kind} event") } else { format!("{n} {kind} events") };
    match e.substantive_at {
        Some(at) => format!(
            "The synthesis (last revised {}) predates {events} linked since: {list}.",
            event_date(at.date_naive())
        ),
        None => format!(
            "The thread has no synthesis yet, and {events} {} linked: {list}.",
            if n == 1 { "is" } else { "are" }
        ),
    }
}

fn question_reason(cut: &Cutoffs, e: &Evidence, now: DateTime<Utc>) -> String {
    let days = |q: &QuietQuestion| (now - q.touched_at).num_days();
    let n = e.questions_total;
    if n == 1
        && let Some(q) = e.questions.first()
    {
        return format!("An open question has had no activity for {} days: “{}”.", days(q), quoted(&q.text));
    }
    let named: Vec<String> = e.questions.iter().map(|q| format!("“{}” ({} days)", quoted(&q.text), days(q))).collect();
    format!(
        "{n} open questions have had no activity for more than {} days: {}.",
        cut.rule.question_days,
        with_more(named, n)
    )
}

/// "A, B and C", or "A, B, … and 3 more" when `total` is more than those named.
fn with_more(named: Vec<String>, total: usize) -> String {
    let more = total.saturating_sub(named.len());
    let mut parts = named;
    if more > 0 {
        parts.push(format!("{more} more"));
    }
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// A question's text, on one line and at most [`QUOTED`] characters.
fn quoted(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= QUOTED {
        return line;
    }
    let mut cut: String = line.chars().take(QUOTED - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 12, 0, 0).unwrap()
    }

    fn cut() -> Cutoffs {
        Rule { event_days: 14, question_days: 90 }.at(now())
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_event_newer_than_an_old_revision_flags_the_thread_but_a_recent_revision_does_not() {
        let old = Dates {
            substantive_at: Some(now() - Duration::days(30)),
            stale_event_on: Some(day(2026, 11, 20)),
            ..Dates::default()
        };
        assert!(cut().needs_attention(&old));
        assert_eq!(cut().since(&old), Some(day(2026, 11, 20)));
        let recent = Dates { substantive_at: Some(now() - Duration::days(3)), ..old };
        assert!(!cut().needs_attention(&recent));
        assert_eq!(cut().since(&recent), None);
        let future = Dates { stale_event_on: Some(day(2027, 1, 1)), ..old };
        assert!(!cut().needs_attention(&future));
        let none = Dates { substantive_at: None, ..old };
        assert!(cut().needs_attention(&none));
    }

    #[test]
    fn a_question_quiet_for_more_than_m_days_flags_the_thread() {
        let quiet = Dates { quiet_question_at: Some(now() - Duration::days(91)), ..Dates::default() };
        assert!(cut().needs_attention(&quiet));
        let active = Dates { quiet_question_at: Some(now() - Duration::days(89)), ..Dates::default() };
        assert!(!cut().needs_attention(&active));
    }

    #[test]
    fn only_landmark_and_major_events_after_the_revision_day_count() {
        let at = Some(Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap());
        assert!(cut().event_counts(at, day(2026, 3, 4), Significance::Major));
        assert!(!cut().event_counts(at, day(2026, 3, 3), Significance::Major));
        assert!(!cut().event_counts(at, day(2026, 3, 4), Significance::Notable));
        assert!(!cut().event_counts(at, day(2027, 3, 4), Significance::Landmark));
    }

    #[test]
    fn reasons_name_the_events_and_questions_in_words() {
        let dates = Dates {
            substantive_at: Some(Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap()),
            stale_event_on: Some(day(2026, 7, 18)),
            quiet_question_at: Some(now() - Duration::days(120)),
        };
        let ev = |i: i64, t: &str| StaleEvent {
            id: i,
            title: t.to_owned(),
            occurred_on: day(2026, 7, 18),
            significance: Significance::Major,
        };
        let evidence = Evidence {
            substantive_at: dates.substantive_at,
            events: vec![ev(1, "Llama 5 released"), ev(2, "Act amended")],
            events_total: 2,
            questions: vec![QuietQuestion {
                id: 1,
                text: "Who audits?".into(),
                touched_at: now() - Duration::days(120),
            }],
            questions_total: 1,
        };
        let words = reasons(&cut(), &dates, &evidence, now());
        assert_eq!(
            words,
            vec![
                "The synthesis (last revised Mar 3, 2026) predates 2 major events linked since: Llama 5 released (Jul 18, 2026) and Act amended (Jul 18, 2026).".to_owned(),
                "An open question has had no activity for 120 days: “Who audits?”.".to_owned(),
            ]
        );
    }

    #[test]
    fn long_lists_end_with_how_many_more() {
        let names: Vec<String> = (1..=5).map(|i| format!("E{i}")).collect();
        assert_eq!(with_more(names, 8), "E1, E2, E3, E4, E5 and 3 more");
        assert_eq!(with_more(vec!["A".into()], 1), "A");
    }
}

//! The revisions lane of the timeline, drawn so its weight does not grow with the revisions:
//! every tick goes into one of two `<path>`s (saves and minor edits), and the revisions are
//! grouped by calendar span (month, quarter or year, the finest whose width is still easy to
//! point at), each span one link to the thread's history starting at its newest revision.
//!
//! A thread with 1 000 revisions costs two paths of at most one short segment per day drawn
//! and at most ~50 links, where it cost a link, a title, a target and a line per revision.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use super::layout::{Scale, round};
use super::{HIT, LEFT, RIGHT, TimelineRevision};

/// Half the height of a revision's tick, and of a minor edit's.
const TICK_HALF: f64 = 11.0;
const MINOR_TICK_HALF: f64 = 6.0;
/// Half the height of a span's pointer target: a little taller than the ticks.
const TARGET_HALF: f64 = 14.0;

/// The calendar span revisions are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Span {
    Month,
    Quarter,
    Year,
}

impl Span {
    /// Its name in the legend ("each month").
    pub fn noun(self) -> &'static str {
        match self {
            Span::Month => "month",
            Span::Quarter => "quarter",
            Span::Year => "year",
        }
    }

    /// The average length in days.
    fn days(self) -> f64 {
        match self {
            Span::Month => 365.25 / 12.0,
            Span::Quarter => 365.25 / 4.0,
            Span::Year => 365.25,
        }
    }

    /// The first day of the span holding `date`.
    fn start(self, date: NaiveDate) -> NaiveDate {
        let month = match self {
            Span::Month => date.month(),
            Span::Quarter => (date.month() - 1) / 3 * 3 + 1,
            Span::Year => 1,
        };
        NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
    }

    /// The first day after the span starting on `start`.
    fn end(self, start: NaiveDate) -> NaiveDate {
        let months = match self {
            Span::Month => 1,
            Span::Quarter => 3,
            Span::Year => 12,
        };
        start.checked_add_months(chrono::Months::new(months)).unwrap_or(start)
    }

    /// "Mar 2026", "Q1 2026", "2026".
    fn label(self, start: NaiveDate) -> String {
        match self {
            Span::Month => start.format("%b %Y").to_string(),
            Span::Quarter => format!("Q{} {}", (start.month() - 1) / 3 + 1, start.year()),
            Span::Year => start.year().to_string(),
        }
    }
}

/// The finest span at least `HIT` units wide on `scale` (a year when even years are narrower).
pub fn span_for(scale: &Scale) -> Span {
    let days = (scale.end - scale.start).num_days().max(1) as f64;
    let width = |span: Span| (RIGHT - LEFT) * span.days() / days;
    [Span::Month, Span::Quarter].into_iter().find(|s| width(*s) >= HIT).unwrap_or(Span::Year)
}

/// A span of time on the revisions lane and the revisions saved in it: one link.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionGroup {
    /// The pointer target: the span across, the lane (and a little more) down.
    pub x: f64,
    pub width: f64,
    pub top: f64,
    pub height: f64,
    /// "Mar 2026".
    pub label: String,
    pub count: usize,
    pub minor: usize,
    pub first_seq: i32,
    pub last_seq: i32,
    /// "Mar 2026: 12 revisions of the synthesis, 5 to 16 (3 minor edits)": the link's name.
    pub description: String,
    /// The query (and fragment) of the history page that starts with the span's newest
    /// revision: `kind=synthesis&before=…#change-…`.
    pub history_query: String,
}

/// The lane as drawn: the groups and the two paths of ticks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RevisionLane {
    pub groups: Vec<RevisionGroup>,
    /// `M x top V bottom` per day with a revision that is not a minor edit.
    pub ticks: String,
    /// The same for days with only minor edits (shorter ticks).
    pub minor_ticks: String,
}

/// Draws `revisions` on the lane centred on `y`.
pub fn lane(scale: &Scale, span: Span, revisions: &[&TimelineRevision], y: f64) -> RevisionLane {
    // Ticks: one segment per x, a save's hiding a minor edit's on the same day.
    let key = |x: f64| (x * 10.0).round() as i64;
    let major: BTreeSet<i64> = revisions.iter().filter(|r| !r.minor).map(|r| key(scale.x(r.date))).collect();
    let minor: BTreeSet<i64> =
        revisions.iter().filter(|r| r.minor).map(|r| key(scale.x(r.date))).filter(|k| !major.contains(k)).collect();
    let path = |keys: &BTreeSet<i64>, half: f64| {
        keys.iter().map(|k| format!("M{} {}V{}", *k as f64 / 10.0, round(y - half), round(y + half))).collect()
    };

    let mut by_span: BTreeMap<NaiveDate, Vec<&TimelineRevision>> = BTreeMap::new();
    for r in revisions {
        by_span.entry(span.start(r.date)).or_default().push(r);
    }
    let groups = by_span
        .into_iter()
        .map(|(start, members)| {
            let (x, x2) = (scale.x(start).max(LEFT), scale.x(span.end(start)).min(RIGHT));
            let label = span.label(start);
            let minor = members.iter().filter(|r| r.minor).count();
            let first_seq = members.iter().map(|r| r.seq).min().unwrap_or(0);
            let newest = members.iter().max_by_key(|r| r.seq);
            let last_seq = newest.map_or(0, |r| r.seq);
            RevisionGroup {
                x,
                width: round(x2 - x),
                top: round(y - TARGET_HALF),
                height: 2.0 * TARGET_HALF,
                description: describe(&label, members.len(), minor, first_seq, last_seq),
                history_query: match newest.and_then(|r| r.change_id) {
                    Some(id) => format!("kind=synthesis&before={}#change-{id}", id + 1),
                    None => "kind=synthesis".to_owned(),
                },
                label,
                count: members.len(),
                minor,
                first_seq,
                last_seq,
            }
        })
        .collect();
    RevisionLane { groups, ticks: path(&major, TICK_HALF), minor_ticks: path(&minor, MINOR_TICK_HALF) }
}

/// A span's link name.
fn describe(label: &str, count: usize, minor: usize, first: i32, last: i32) -> String {
    if count == 1 {
        let minor = if minor == 1 { " (a minor edit)" } else { "" };
        return format!("{label}: revision {last} of the synthesis{minor}");
    }
    let minor = match minor {
        0 => String::new(),
        1 => " (1 minor edit)".to_owned(),
        n => format!(" ({n} minor edits)"),
    };
    format!("{label}: {count} revisions of the synthesis, {first} to {last}{minor}")
}

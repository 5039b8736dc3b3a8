//! Where things fall on the time axis of the timeline: the dates a period's label names, each
//! period's range, and the date-to-x scale.
//!
//! **Period dates.** A period's range is read from its label: the 4-digit years in it ("2023",
//! "2024–2025"), each narrowed by the word before it — a month ("March 2024", "Mar 2024"), a
//! quarter ("Q3 2024"), a half ("H1 2024"), or "early" (Jan–Apr), "mid" (May–Aug), "late"
//! (Sep–Dec). The range runs from the start of the first to the end of the last. A label with no
//! year ("The DeepSeek moment") is placed by its order in the arc: from the end of the previous
//! dated period (or the start of the picture) to the start of the next one (or the end of the
//! picture); when no period has a date, the periods share the time of the events and revisions
//! equally, in order. Such bands are marked approximate (dashed, and said so in their text), and
//! one that would have no width is left out of the picture (it is still in the arc below).

use chrono::NaiveDate;

use super::{LEFT, RIGHT, TimelinePeriod};

/// A linear map from days to viewBox x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Scale {
    /// The x of a date (the start of its day), rounded to a tenth of a unit.
    pub fn x(&self, date: NaiveDate) -> f64 {
        let span = (self.end - self.start).num_days().max(1) as f64;
        let days = (date - self.start).num_days() as f64;
        round(LEFT + (RIGHT - LEFT) * days / span)
    }
}

/// `v` to a tenth of a viewBox unit (shorter SVG, and stable in tests).
pub(super) fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The first day of `year`.
pub(super) fn jan1(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 1, 1)
}

fn month_start(year: i32, month: u32) -> Option<NaiveDate> {
    if month > 12 { jan1(year + 1) } else { NaiveDate::from_ymd_opt(year, month, 1) }
}

/// The months (first, one past the last) a qualifier word selects within its year.
fn qualified_months(word: &str) -> Option<(u32, u32)> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.to_lowercase();
    // "March", "Mar" and "Sept" name a month.
    let month = MONTHS
        .iter()
        .position(|m| *m == w || (w.len() == 3 && m.starts_with(&w)) || (w == "sept" && *m == "september"));
    if let Some(i) = month {
        let m = i as u32 + 1;
        return Some((m, m + 1));
    }
    match w.as_str() {
        "q1" => Some((1, 4)),
        "q2" => Some((4, 7)),
        "q3" => Some((7, 10)),
        "q4" => Some((10, 13)),
        "h1" => Some((1, 7)),
        "h2" => Some((7, 13)),
        "early" => Some((1, 5)),
        "mid" | "middle" => Some((5, 9)),
        "late" => Some((9, 13)),
        _ => None,
    }
}

/// The dates a period label names: [start, end). `None` when it names no year.
pub fn label_range(label: &str) -> Option<(NaiveDate, NaiveDate)> {
    let words: Vec<&str> = label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut ranges = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let is_year = word.len() == 4 && word.chars().all(|c| c.is_ascii_digit());
        let Some(year) = is_year.then(|| word.parse::<i32>().ok()).flatten().filter(|y| *y >= 1) else {
            continue;
        };
        let months = i.checked_sub(1).and_then(|p| qualified_months(words[p])).unwrap_or((1, 13));
        ranges.push((month_start(year, months.0)?, month_start(year, months.1)?));
    }
    let start = ranges.iter().map(|r| r.0).min()?;
    let end = ranges.iter().map(|r| r.1).max()?;
    Some((start, end))
}

/// The [start, end) of each period, `None` for one that gets no width; and whether each is
/// approximate. `domain` is the time of everything else in the picture.
pub(super) fn period_ranges(
    periods: &[TimelinePeriod],
    domain: Option<(NaiveDate, NaiveDate)>,
) -> Vec<(Option<(NaiveDate, NaiveDate)>, bool)> {
    let parsed: Vec<Option<(NaiveDate, NaiveDate)>> = periods.iter().map(|p| label_range(&p.label)).collect();
    let dated: Vec<(NaiveDate, NaiveDate)> = parsed.iter().flatten().copied().collect();
    let first = dated.iter().map(|r| r.0).chain(domain.map(|d| d.0)).min();
    let last = dated.iter().map(|r| r.1).chain(domain.map(|d| d.1)).max();
    let (Some(first), Some(last)) = (first, last) else {
        return parsed.iter().map(|_| (None, true)).collect();
    };
    if dated.is_empty() {
        // No period has a date: they share the picture's time equally, in order.
        let n = periods.len().max(1) as i64;
        let days = (last - first).num_days();
        return (0..periods.len() as i64)
            .map(|i| {
                let start = first + chrono::Duration::days(days * i / n);
                let end = first + chrono::Duration::days(days * (i + 1) / n);
                ((start < end).then_some((start, end)), true)
            })
            .collect();
    }
    parsed
        .iter()
        .enumerate()
        .map(|(i, range)| match range {
            Some(r) => (Some(*r), false),
            None => {
                let start = parsed[..i].iter().rev().flatten().next().map_or(first, |r| r.1);
                let end = parsed[i + 1..].iter().flatten().next().map_or(last, |r| r.0);
                ((start < end).then_some((start, end)), true)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn labels_name_years_ranges_and_parts_of_years() {
        assert_eq!(label_range("2023"), Some((d(2023, 1, 1), d(2024, 1, 1))));
        assert_eq!(label_range("2024–2025"), Some((d(2024, 1, 1), d(2026, 1, 1))));
        assert_eq!(label_range("Early 2024"), Some((d(2024, 1, 1), d(2024, 5, 1))));
        assert_eq!(label_range("Late 2023 - Early 2024"), Some((d(2023, 9, 1), d(2024, 5, 1))));
        assert_eq!(label_range("Q4 2024"), Some((d(2024, 10, 1), d(2025, 1, 1))));
        assert_eq!(label_range("March 2025"), Some((d(2025, 3, 1), d(2025, 4, 1))));
        assert_eq!(label_range("Dec 2025"), Some((d(2025, 12, 1), d(2026, 1, 1))));
        assert_eq!(label_range("The DeepSeek moment"), None);
        assert_eq!(label_range("GPT-4 and 12345 tokens"), None, "only 4-digit years count");
    }

    #[test]
    fn the_scale_maps_the_range_onto_the_plot() {
        let s = Scale { start: d(2023, 1, 1), end: d(2025, 1, 1) };
        assert_eq!(s.x(d(2023, 1, 1)), LEFT);
        assert_eq!(s.x(d(2025, 1, 1)), RIGHT);
        let mid = s.x(d(2024, 1, 1));
        assert!((mid - (LEFT + RIGHT) / 2.0).abs() < 1.0, "{mid}");
    }
}

//! The rules of the interpretation × event matrix: which events are decisive, which
//! interpretations have no supporting event, what a note may be, and the sentence the thread
//! page says of it all.

use std::collections::BTreeSet;

use super::thread::Assessment;
use super::validate::Invalid;

/// The longest note a cell keeps.
pub const MAX_NOTE_CHARS: usize = 300;

/// What the page highlights.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Events some interpretation counts as support and another as undercutting.
    pub decisive: BTreeSet<i64>,
    /// Interpretations (in the order given) that no event supports.
    pub unsupported: Vec<i64>,
}

/// Reads the assessed cells `(interpretation, event, assessment)` of a matrix whose columns are
/// `interpretations`. One cell per pair, so an event with a supporting and an undercutting cell
/// is always judged differently by two interpretations.
pub fn analyze(interpretations: &[i64], cells: &[(i64, i64, Assessment)]) -> Analysis {
    let of = |wanted: Assessment| -> BTreeSet<i64> {
        cells.iter().filter(|(_, _, a)| *a == wanted).map(|(_, e, _)| *e).collect()
    };
    let decisive = of(Assessment::Supports).intersection(&of(Assessment::Undercuts)).copied().collect();
    let supported: BTreeSet<i64> =
        cells.iter().filter(|(_, _, a)| *a == Assessment::Supports).map(|(i, _, _)| *i).collect();
    let unsupported = interpretations.iter().copied().filter(|i| !supported.contains(i)).collect();
    Analysis { decisive, unsupported }
}

/// A note: one line, trimmed, at most [`MAX_NOTE_CHARS`] characters; empty is fine.
pub fn note(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    if value.contains(['\n', '\r']) {
        return Err("the note must be one line".to_owned());
    }
    if value.chars().count() > MAX_NOTE_CHARS {
        return Err(format!("the note must be at most {MAX_NOTE_CHARS} characters"));
    }
    Ok(value.to_owned())
}

/// "3 decisive events; “Strategic interest” has no supporting event yet.": what the thread
/// page says of its matrix, from the number of decisive events, the titles of the
/// interpretations no event supports and how many cells are assessed.
pub fn summary_sentence(decisive: usize, unsupported: &[String], assessed: usize) -> String {
    if assessed == 0 {
        return "No event is assessed against the interpretations yet.".to_owned();
    }
    let events = match decisive {
        0 => "No decisive events".to_owned(),
        1 => "1 decisive event".to_owned(),
        n => format!("{n} decisive events"),
    };
    let quoted: Vec<String> = unsupported.iter().map(|t| format!("“{t}”")).collect();
    let support = match quoted.as_slice() {
        [] => "every interpretation has a supporting event".to_owned(),
        [one] => format!("{one} has no supporting event yet"),
        [init @ .., last] => format!("{} and {last} have no supporting event yet", init.join(", ")),
    };
    format!("{events}; {support}.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Assessment::{Neutral, Supports, Undercuts};

    #[test]
    fn an_event_supporting_one_reading_and_undercutting_another_is_decisive() {
        let cells = [(1, 10, Supports), (2, 10, Undercuts), (1, 11, Supports), (2, 11, Neutral), (3, 12, Undercuts)];
        let a = analyze(&[1, 2, 3], &cells);
        assert_eq!(a.decisive, BTreeSet::from([10]));
        assert_eq!(a.unsupported, vec![2, 3]);
    }

    #[test]
    fn nothing_assessed_means_nothing_decisive_and_every_reading_unsupported() {
        let a = analyze(&[1, 2], &[]);
        assert!(a.decisive.is_empty());
        assert_eq!(a.unsupported, vec![1, 2]);
    }

    #[test]
    fn notes_are_one_bounded_line() {
        assert_eq!(note("  fine  ").unwrap(), "fine");
        assert!(note("two\nlines").is_err());
        assert!(note(&"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
        assert!(note(&"é".repeat(MAX_NOTE_CHARS)).is_ok());
    }

    #[test]
    fn the_summary_names_counts_and_readings_in_words() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            summary_sentence(3, &names(&["Strategic interest"]), 7),
            "3 decisive events; “Strategic interest” has no supporting event yet."
        );
        assert_eq!(
            summary_sentence(1, &names(&["A", "B", "C"]), 2),
            "1 decisive event; “A”, “B” and “C” have no supporting event yet."
        );
        assert_eq!(summary_sentence(0, &[], 2), "No decisive events; every interpretation has a supporting event.");
        assert_eq!(summary_sentence(0, &names(&["A"]), 0), "No event is assessed against the interpretations yet.");
    }
}

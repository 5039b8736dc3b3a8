//! "Since your last visit": what changed in a thread between the state a reader last read and
//! now, in words. Pure: the caller counts the changelog entries and compares the labels.

use std::collections::HashMap;

use super::history::Area;
use super::thread::{Stance, Status, field_change};

/// What changed since a reader's last visit, counted from the changelog (their own changes and
/// hidden ones left out) and from the thread's labels then and now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SinceCounts {
    /// Places in the synthesis changed substantively (runs of changed paragraphs).
    pub synthesis_places: usize,
    /// Substantive (not minor) synthesis revisions.
    pub synthesis_revisions: usize,
    pub status: Option<(Status, Status)>,
    pub stance: Option<(Stance, Stance)>,
    /// Who approved the stance change (the governed label), named after it.
    pub stance_approved_by: Option<String>,
    pub title_or_question: usize,
    pub events_linked: usize,
    pub events_unlinked: usize,
    pub events_edited: usize,
    pub questions_opened: usize,
    pub questions_answered: usize,
    pub questions_other: usize,
    pub interpretations_added: usize,
    pub interpretations_other: usize,
    pub arc: usize,
    pub controversies: usize,
    pub curators: usize,
    pub matrix_cells: usize,
    pub sources_died: usize,
    /// Citations in the synthesis now that the text the reader read lacked.
    pub new_citations: usize,
}

impl SinceCounts {
    /// Counts one changelog entry (`thread_change` is false for an edit of a linked event's
    /// own fields). Minor synthesis edits are left out: they never change what a text says.
    pub fn count(&mut self, area: Area, action: &str, minor: bool, thread_change: bool) {
        match area {
            Area::Synthesis if !minor => self.synthesis_revisions += 1,
            Area::Synthesis => {}
            // Status and stance are compared directly (a flip and back is no change).
            Area::Details if matches!(action, "title" | "framing_question") => self.title_or_question += 1,
            Area::Details => {}
            // Creating an event inside a thread is also logged against the event itself.
            Area::Event if !thread_change => self.events_edited += usize::from(action == "edited"),
            Area::Event if action == "linked" => self.events_linked += 1,
            Area::Event if action == "unlinked" => self.events_unlinked += 1,
            Area::Event => self.events_edited += 1,
            Area::Question if action == "opened" => self.questions_opened += 1,
            Area::Question if action == "answered" => self.questions_answered += 1,
            Area::Question => self.questions_other += 1,
            Area::Interpretation if action == "added" => self.interpretations_added += 1,
            Area::Interpretation => self.interpretations_other += 1,
            Area::Arc => self.arc += 1,
            Area::Controversy => self.controversies += 1,
            Area::Curators => self.curators += 1,
            Area::Matrix => self.matrix_cells += 1,
            Area::Source => self.sources_died += usize::from(action == "died"),
            // The label itself is compared directly, like the status; proposals are not news.
            Area::Stance => {}
        }
    }

    /// The summary as phrases, most important first; empty when nothing worth saying changed.
    pub fn phrases(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.synthesis_places > 0 {
            out.push(format!("the synthesis changed in {}", plural(self.synthesis_places, "place", "places")));
        } else if self.synthesis_revisions > 0 {
            out.push("the synthesis was revised (text removed)".to_owned());
        }
        if let Some((from, to)) = self.stance {
            let change = field_change("stance", from.as_str(), to.as_str());
            out.push(match &self.stance_approved_by {
                Some(by) => format!("{change}, approved by {by}"),
                None => change,
            });
        }
        if let Some((from, to)) = self.status {
            out.push(field_change("status", from.as_str(), to.as_str()));
        }
        if self.title_or_question > 0 {
            out.push("the title or framing question changed".to_owned());
        }
        let counted: [(usize, &str, &str); 14] = [
            (self.new_citations, "new citation", "new citations"),
            (self.sources_died, "cited link died", "cited links died"),
            (self.events_linked, "new event", "new events"),
            (self.events_unlinked, "event removed", "events removed"),
            (self.events_edited, "event updated", "events updated"),
            (self.questions_answered, "question answered", "questions answered"),
            (self.questions_opened, "new question", "new questions"),
            (self.questions_other, "change to the questions", "changes to the questions"),
            (self.interpretations_added, "new interpretation", "new interpretations"),
            (self.interpretations_other, "interpretation changed", "interpretation changes"),
            (self.arc, "change to the arc", "changes to the arc"),
            (self.controversies, "change to the controversies", "changes to the controversies"),
            (self.curators, "change of curators", "changes of curators"),
            (self.matrix_cells, "change to the evidence matrix", "changes to the evidence matrix"),
        ];
        out.extend(counted.into_iter().filter(|(n, ..)| *n > 0).map(|(n, one, many)| plural(n, one, many)));
        out
    }
}

/// How an item of the page changed since a reader's last visit: the badge it carries there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SinceMark {
    /// Edited, reopened, or (an event) corrected.
    Changed,
    /// A question answered.
    Answered,
    /// Added to the thread (an event linked, a question opened, an item added).
    New,
}

impl SinceMark {
    /// The badge's visible word.
    pub fn label(self) -> &'static str {
        match self {
            SinceMark::Changed => "Changed",
            SinceMark::Answered => "Answered",
            SinceMark::New => "New",
        }
    }
}

/// The items of a thread that changed since a reader's baseline, by area and item id, each with
/// the strongest mark its entries earn (new over answered over changed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SinceMarks {
    marks: HashMap<(Area, i64), SinceMark>,
}

impl SinceMarks {
    /// Notes one changelog entry about item `subject` (the same entries as [`SinceCounts::count`]).
    /// Synthesis, details and curator entries mark no item; removals leave nothing to mark.
    pub fn note(&mut self, area: Area, action: &str, subject: Option<i64>, thread_change: bool) {
        let Some(id) = subject else { return };
        let mark = match (area, action) {
            (Area::Synthesis | Area::Details | Area::Curators, _) => return,
            (_, "removed" | "deleted" | "unlinked") => return,
            // Creating an event inside a thread is logged against the event too: its link says "new".
            (Area::Event, "created") if !thread_change => return,
            (Area::Event, "linked") | (_, "added" | "opened") => SinceMark::New,
            (Area::Question, "answered") => SinceMark::Answered,
            _ => SinceMark::Changed,
        };
        let slot = self.marks.entry((area, id)).or_insert(mark);
        *slot = (*slot).max(mark);
    }

    /// The mark of item `id` of `area`, if it changed since.
    pub fn get(&self, area: Area, id: i64) -> Option<SinceMark> {
        self.marks.get(&(area, id)).copied()
    }

    /// Whether no item is marked.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }
}

/// Runs of consecutive changed paragraphs: the "places" a text changed in.
pub fn changed_places(changed: &[bool]) -> usize {
    changed.iter().zip(std::iter::once(&false).chain(changed)).filter(|(now, before)| **now && !**before).count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// Joins phrases as a sentence list: "a, b and c".
pub fn sentence(phrases: &[String]) -> String {
    match phrases {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stance_change_names_who_approved_it() {
        let counts = SinceCounts {
            stance: Some((Stance::Contested, Stance::EmergingConsensus)),
            stance_approved_by: Some("mona".to_owned()),
            ..SinceCounts::default()
        };
        assert_eq!(counts.phrases(), ["stance changed from contested to emerging consensus, approved by mona"]);
    }

    #[test]
    fn the_issues_example_reads_as_a_sentence() {
        let mut counts = SinceCounts { synthesis_places: 2, ..SinceCounts::default() };
        counts.stance = Some((Stance::Contested, Stance::EmergingConsensus));
        for _ in 0..3 {
            counts.count(Area::Event, "linked", false, true);
        }
        counts.count(Area::Question, "answered", false, true);
        assert_eq!(
            sentence(&counts.phrases()),
            "the synthesis changed in 2 places, stance changed from contested to emerging consensus, \
             3 new events and 1 question answered"
        );
    }

    #[test]
    fn minor_edits_and_status_entries_are_not_counted() {
        let mut counts = SinceCounts::default();
        counts.count(Area::Synthesis, "edit", true, true);
        counts.count(Area::Details, "stance", false, true);
        assert!(counts.phrases().is_empty());
        counts.count(Area::Synthesis, "edit", false, true);
        assert_eq!(counts.phrases(), vec!["the synthesis was revised (text removed)"]);
    }

    #[test]
    fn edits_of_linked_events_count_as_updates() {
        let mut counts = SinceCounts::default();
        counts.count(Area::Event, "edited", false, false);
        counts.count(Area::Event, "created", false, false);
        counts.count(Area::Event, "linked", false, true);
        assert_eq!(counts.phrases(), vec!["1 new event", "1 event updated"]);
    }

    #[test]
    fn items_are_marked_with_their_strongest_change() {
        let mut marks = SinceMarks::default();
        marks.note(Area::Event, "linked", Some(1), true);
        marks.note(Area::Event, "edited", Some(1), false);
        marks.note(Area::Event, "edited", Some(2), false);
        marks.note(Area::Question, "answered", Some(3), true);
        marks.note(Area::Question, "edited", Some(3), true);
        marks.note(Area::Interpretation, "edited", Some(4), true);
        marks.note(Area::Interpretation, "added", Some(5), true);
        marks.note(Area::Interpretation, "deleted", Some(6), true);
        marks.note(Area::Synthesis, "edit", None, true);
        assert_eq!(marks.get(Area::Event, 1), Some(SinceMark::New));
        assert_eq!(marks.get(Area::Event, 2), Some(SinceMark::Changed));
        assert_eq!(marks.get(Area::Question, 3), Some(SinceMark::Answered));
        assert_eq!(marks.get(Area::Interpretation, 4), Some(SinceMark::Changed));
        assert_eq!(marks.get(Area::Interpretation, 5), Some(SinceMark::New));
        assert_eq!(marks.get(Area::Interpretation, 6), None);
        assert_eq!(marks.get(Area::Question, 1), None, "ids are per area");
        assert_eq!(SinceMark::Answered.label(), "Answered");
    }

    #[test]
    fn places_are_runs_of_changed_paragraphs() {
        assert_eq!(changed_places(&[]), 0);
        assert_eq!(changed_places(&[true, true, false, true, false, false, true]), 3);
        assert_eq!(changed_places(&[false, false]), 0);
    }
}

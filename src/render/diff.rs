//! Line diffs between two texts, for the revision diff view and the edit-conflict page.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// What happened to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

/// One line of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

impl DiffLine {
    /// The marker a screen reader and a printout can rely on (not colour alone).
    pub fn sign(&self) -> &'static str {
        match self.change {
            LineChange::Same => " ",
            LineChange::Added => "+",
            LineChange::Removed => "-",
        }
    }

    /// The CSS class and accessible name of the change.
    pub fn kind(&self) -> &'static str {
        match self.change {
            LineChange::Same => "same",
            LineChange::Added => "added",
            LineChange::Removed => "removed",
        }
    }
}

/// A whole diff and its counts.
#[derive(Debug, Clone, Serialize)]
pub struct LineDiff {
    pub lines: Vec<DiffLine>,
    pub added: usize,
    pub removed: usize,
}

/// Diffs `old` against `new` line by line (paragraphs of a synthesis are lines).
pub fn line_diff(old: &str, new: &str) -> LineDiff {
    // Saved texts carry no final newline; without one, appending a paragraph would show the
    // old last line as removed and added again.
    let (old, new) = (with_final_newline(old), with_final_newline(new));
    let diff = TextDiff::from_lines(&old, &new);
    let mut lines = Vec::new();
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        let change_kind = match change.tag() {
            ChangeTag::Equal => LineChange::Same,
            ChangeTag::Insert => {
                added += 1;
                LineChange::Added
            }
            ChangeTag::Delete => {
                removed += 1;
                LineChange::Removed
            }
        };
        let text = change.value().trim_end_matches('\n').to_owned();
        lines.push(DiffLine { change: change_kind, text });
    }
    LineDiff { lines, added, removed }
}

fn with_final_newline(text: &str) -> String {
    let mut text = text.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_paragraph_shows_as_removed_then_added() {
        let d = line_diff("one\n\ntwo\n", "one\n\nTWO\n");
        assert_eq!((d.added, d.removed), (1, 1));
        let changed: Vec<_> =
            d.lines.iter().filter(|l| l.change != LineChange::Same).map(|l| (l.sign(), l.text.as_str())).collect();
        assert_eq!(changed, [("-", "two"), ("+", "TWO")]);
    }

    #[test]
    fn appending_after_a_last_line_without_newline_only_adds() {
        let d = line_diff("one\n\ntwo", "one\n\ntwo\n\nthree");
        assert_eq!((d.added, d.removed), (2, 0));
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let d = line_diff("same\n", "same\n");
        assert_eq!((d.added, d.removed), (0, 0));
    }
}

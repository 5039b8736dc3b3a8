//! Diffs between two texts for the diff views, the edit-conflict page and the API: line by line
//! (a synthesis paragraph is a line), with the changed words inside a changed line marked, and
//! grouped into hunks so long unchanged stretches collapse.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// Unchanged lines shown around each change.
const CONTEXT: usize = 2;

/// What happened to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

/// A run of a line's text; `changed` marks the words that differ from the other side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub changed: bool,
}

/// One line of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
    /// The same text cut where words changed (one unchanged segment for a same line).
    pub segments: Vec<Segment>,
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

/// A row of the side-by-side view: the old line on the left, the new one on the right.
#[derive(Debug, Clone, Serialize)]
pub struct SideRow {
    pub left: Option<DiffLine>,
    pub right: Option<DiffLine>,
}

/// Changed lines with their context, after `skipped` unchanged lines that are not shown.
#[derive(Debug, Clone, Serialize)]
pub struct Hunk {
    pub skipped: usize,
    pub lines: Vec<DiffLine>,
    pub rows: Vec<SideRow>,
}

/// A whole diff and its counts.
#[derive(Debug, Clone, Serialize)]
pub struct LineDiff {
    /// Every line, in order (the API's view).
    pub lines: Vec<DiffLine>,
    /// The changes with context, for pages.
    pub hunks: Vec<Hunk>,
    /// Unchanged lines after the last hunk.
    pub skipped_after: usize,
    pub added: usize,
    pub removed: usize,
}

/// Diffs `old` against `new` line by line, marking changed words inside changed lines.
pub fn line_diff(old: &str, new: &str) -> LineDiff {
    // Saved texts carry no final newline; without one, appending a paragraph would show the
    // old last line as removed and added again.
    let (old, new) = (with_final_newline(old), with_final_newline(new));
    let diff = TextDiff::from_lines(&old, &new);
    let mut lines = Vec::new();
    for op in diff.ops() {
        for change in diff.iter_inline_changes(op) {
            let kind = match change.tag() {
                ChangeTag::Equal => LineChange::Same,
                ChangeTag::Insert => LineChange::Added,
                ChangeTag::Delete => LineChange::Removed,
            };
            let mut segments: Vec<Segment> = Vec::new();
            for (changed, text) in change.iter_strings_lossy() {
                let text = text.trim_end_matches('\n');
                if text.is_empty() {
                    continue;
                }
                let changed = changed && kind != LineChange::Same;
                match segments.last_mut() {
                    Some(last) if last.changed == changed => last.text.push_str(text),
                    _ => segments.push(Segment { text: text.to_owned(), changed }),
                }
            }
            let text = segments.iter().map(|s| s.text.as_str()).collect();
            lines.push(DiffLine { change: kind, text, segments });
        }
    }
    let added = lines.iter().filter(|l| l.change == LineChange::Added).count();
    let removed = lines.iter().filter(|l| l.change == LineChange::Removed).count();
    let (hunks, skipped_after) = hunks(&lines);
    LineDiff { lines, hunks, skipped_after, added, removed }
}

/// Groups lines into hunks of changes with `CONTEXT` unchanged lines around them.
fn hunks(lines: &[DiffLine]) -> (Vec<Hunk>, usize) {
    let changed: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].change != LineChange::Same).collect();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &i in &changed {
        let (start, end) = (i.saturating_sub(CONTEXT), (i + CONTEXT + 1).min(lines.len()));
        match ranges.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => ranges.push((start, end)),
        }
    }
    let mut out = Vec::new();
    let mut shown_until = 0;
    for (start, end) in ranges {
        let slice = &lines[start..end];
        out.push(Hunk { skipped: start - shown_until, lines: slice.to_vec(), rows: side_rows(slice) });
        shown_until = end;
    }
    (out, lines.len() - shown_until)
}

/// Pairs each run of removed lines with the run of added lines after it.
fn side_rows(lines: &[DiffLine]) -> Vec<SideRow> {
    let mut rows = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].change == LineChange::Same {
            rows.push(SideRow { left: Some(lines[i].clone()), right: Some(lines[i].clone()) });
            i += 1;
            continue;
        }
        let removed_end = i + lines[i..].iter().take_while(|l| l.change == LineChange::Removed).count();
        let added_end = removed_end + lines[removed_end..].iter().take_while(|l| l.change == LineChange::Added).count();
        let (removed, added) = (&lines[i..removed_end], &lines[removed_end..added_end]);
        for k in 0..removed.len().max(added.len()) {
            rows.push(SideRow { left: removed.get(k).cloned(), right: added.get(k).cloned() });
        }
        i = added_end;
    }
    rows
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
    fn changed_words_are_marked_inside_a_changed_paragraph() {
        let d = line_diff("The open model won the year.", "The closed model won the year.");
        let marked = |l: &DiffLine| l.segments.iter().filter(|s| s.changed).map(|s| s.text.clone()).collect::<Vec<_>>();
        assert_eq!(marked(&d.lines[0]), ["open"]);
        assert_eq!(marked(&d.lines[1]), ["closed"]);
        assert_eq!(d.lines[1].text, "The closed model won the year.");
    }

    #[test]
    fn long_unchanged_stretches_collapse_into_skipped_counts() {
        let old: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
        let mut new = old.clone();
        new[10] = "changed".into();
        let d = line_diff(&old.join("\n"), &new.join("\n"));
        assert_eq!(d.hunks.len(), 1);
        assert_eq!(d.hunks[0].skipped, 8);
        assert_eq!(d.hunks[0].lines.len(), 6);
        assert_eq!(d.skipped_after, 7);
        let paired = &d.hunks[0].rows[2];
        assert_eq!(paired.left.as_ref().unwrap().text, "p10");
        assert_eq!(paired.right.as_ref().unwrap().text, "changed");
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
        assert!(d.hunks.is_empty());
    }
}

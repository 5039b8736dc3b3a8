//! Diffs between two texts for the diff views, the edit-conflict page and the API: line by line
//! (a synthesis paragraph is a line), with the changed words inside a changed line marked, and
//! grouped into hunks so long unchanged stretches collapse.
//!
//! A diff's cost grows faster than its input, so every diff runs within `DiffLimits`: a deadline
//! for the line and word diffs, caps on the lines compared and the text shown, and word marks
//! only on lines short enough. Past a limit the diff falls back to plain lines, or to the
//! beginning of the texts, and says so (`DiffDetail`).

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, ChangeTag, DiffOp, DiffTag, TextDiff};

mod hunks;

use hunks::hunks;
pub use hunks::{Hunk, SideRow};

/// Bounds on the work and the output of one diff.
#[derive(Debug, Clone, Copy)]
pub struct DiffLimits {
    /// Lines compared per side; the rest of a longer text is left out.
    pub max_lines: usize,
    /// Text shown (both sides together, in bytes); the diff stops there.
    pub max_output_bytes: usize,
    /// Changed words are marked only inside lines shorter than this (bytes).
    pub max_word_line_bytes: usize,
    /// Time for the whole diff; once it has passed, no more words are marked and the line diff
    /// settles for a larger (still correct) diff.
    pub deadline: Duration,
}

impl DiffLimits {
    /// The limits of every diff the app shows.
    pub const DEFAULT: DiffLimits = DiffLimits {
        max_lines: 5_000,
        max_output_bytes: 400_000,
        max_word_line_bytes: 10_000,
        deadline: Duration::from_millis(300),
    };
}

/// How much of a diff is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffDetail {
    /// Every line, with the changed words marked.
    Words,
    /// Every line, but some changed lines without word marks (too large to show word by word).
    Lines,
    /// Only the beginning of the texts: too large to compare whole.
    Truncated,
}

impl DiffDetail {
    /// The name the API uses.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffDetail::Words => "words",
            DiffDetail::Lines => "lines",
            DiffDetail::Truncated => "truncated",
        }
    }
}

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
pub struct DiffSegment {
    pub text: String,
    pub changed: bool,
}

/// One line of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
    /// The same text cut where words changed (one unchanged segment for a same line).
    pub segments: Vec<DiffSegment>,
    /// The same number on a removed and an added line whose words were compared (unique within
    /// a diff): the side-by-side view puts them on one row.
    #[serde(skip)]
    pub pair: Option<usize>,
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

/// A whole diff and its counts (the default: no lines, nothing changed).
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
    /// Whether a limit left words unmarked or the end of the texts out.
    pub detail: DiffDetail,
}

impl Default for LineDiff {
    fn default() -> Self {
        LineDiff {
            lines: Vec::new(),
            hunks: Vec::new(),
            skipped_after: 0,
            added: 0,
            removed: 0,
            detail: DiffDetail::Words,
        }
    }
}

impl LineDiff {
    /// What a page says above a diff that hit a limit.
    pub fn notice(&self) -> Option<&'static str> {
        match self.detail {
            DiffDetail::Words => None,
            DiffDetail::Lines => Some("These texts are too large to show word by word: changed lines are shown whole."),
            DiffDetail::Truncated => {
                Some("These texts are too large to compare whole: only their beginning is shown, without word marks.")
            }
        }
    }

    /// Whether changed words are marked inside changed lines (the tables' captions say so only then).
    pub fn words_marked(&self) -> bool {
        self.detail == DiffDetail::Words
    }
}

/// Diffs `old` against `new` line by line, marking changed words inside changed lines, within
/// the default limits.
pub fn line_diff(old: &str, new: &str) -> LineDiff {
    line_diff_within(old, new, &DiffLimits::DEFAULT)
}

/// `line_diff` within `limits`.
pub fn line_diff_within(old: &str, new: &str, limits: &DiffLimits) -> LineDiff {
    let deadline = Instant::now() + limits.deadline;
    let (old, old_cut) = first_lines(old, limits.max_lines);
    let (new, new_cut) = first_lines(new, limits.max_lines);
    let mut detail = if old_cut || new_cut { DiffDetail::Truncated } else { DiffDetail::Words };
    // Saved texts carry no final newline; without one, appending a paragraph would show the
    // old last line as removed and added again.
    let (old, new) = (with_final_newline(old), with_final_newline(new));
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).deadline(deadline).diff_lines(&old, &new);
    let mut lines = Vec::new();
    let mut shown = 0usize;
    let mut marked_any = false;
    let mut pairs = 0usize;
    let ops = diff.ops();
    let mut k = 0;
    'ops: while k < ops.len() {
        let end = changed_region_end(&diff, ops, k);
        let region = &ops[k..end];
        k = end;
        let replaced = region.iter().any(|op| !op.old_range().is_empty() && op.tag() != DiffTag::Equal)
            && region.iter().any(|op| !op.new_range().is_empty() && op.tag() != DiffTag::Equal);
        let words = replaced
            && detail != DiffDetail::Truncated
            && Instant::now() < deadline
            && region.iter().all(|op| short_lines(&diff, op, limits.max_word_line_bytes));
        if replaced && !words && detail == DiffDetail::Words {
            detail = DiffDetail::Lines;
        }
        marked_any |= words;
        let mut region_lines: Vec<DiffLine> = region
            .iter()
            .flat_map(|op| diff.iter_changes(op).map(|c| diff_line(&similar::InlineChange::from(c))))
            .collect();
        if words {
            pair_words(&mut region_lines, deadline, &mut pairs);
        }
        for line in region_lines {
            shown += line.text.len();
            if shown > limits.max_output_bytes {
                detail = DiffDetail::Truncated;
                break 'ops;
            }
            lines.push(line);
        }
    }
    // A deadline that passed during the last word diff may have left its marks coarse.
    if detail == DiffDetail::Words && marked_any && Instant::now() >= deadline {
        detail = DiffDetail::Lines;
    }
    if detail == DiffDetail::Truncated {
        // What is shown of a cut diff is not marked word by word.
        for line in &mut lines {
            if line.segments.len() > 1 {
                line.segments = vec![DiffSegment { text: line.text.clone(), changed: line.change != LineChange::Same }];
            }
        }
    }
    let added = lines.iter().filter(|l| l.change == LineChange::Added).count();
    let removed = lines.iter().filter(|l| l.change == LineChange::Removed).count();
    let (hunks, skipped_after) = hunks(&lines);
    LineDiff { lines, hunks, skipped_after, added, removed, detail }
}

/// One line of the diff from one of similar's changes.
fn diff_line(change: &similar::InlineChange<'_, str>) -> DiffLine {
    let kind = match change.tag() {
        ChangeTag::Equal => LineChange::Same,
        ChangeTag::Insert => LineChange::Added,
        ChangeTag::Delete => LineChange::Removed,
    };
    let mut segments: Vec<DiffSegment> = Vec::new();
    for (changed, text) in change.iter_strings_lossy() {
        let text = text.trim_end_matches('\n');
        if text.is_empty() {
            continue;
        }
        let changed = changed && kind != LineChange::Same;
        match segments.last_mut() {
            Some(last) if last.changed == changed => last.text.push_str(text),
            _ => segments.push(DiffSegment { text: text.to_owned(), changed }),
        }
    }
    let text = segments.iter().map(|s| s.text.as_str()).collect();
    DiffLine { change: kind, text, segments, pair: None }
}

/// How alike two lines must be (see `likeness`) for their changed words to be marked: below it
/// they are different paragraphs, shown whole.
const PAIR_LIKENESS: f32 = 0.4;

/// Above this many (removed x added) line comparisons in one replaced run, a removed line is only
/// compared with the added line at the same position (the cost of pairing stays bounded).
const MAX_PAIR_COMPARISONS: usize = 2_500;

/// Where the run of ops starting at `k` ends: an unchanged op alone, or changes together with
/// the blank lines between them (paragraphs are separated by blank lines, which the line diff
/// keeps as unchanged, so the paragraphs changed between two revisions are one region).
fn changed_region_end(diff: &TextDiff<'_, '_, '_, str>, ops: &[DiffOp], k: usize) -> usize {
    if ops[k].tag() == DiffTag::Equal {
        return k + 1;
    }
    let blank = |op: &DiffOp| diff.old_slices()[op.old_range()].iter().all(|l| l.trim().is_empty());
    let (mut end, mut scan) = (k + 1, k + 1);
    while scan < ops.len() {
        if ops[scan].tag() != DiffTag::Equal {
            end = scan + 1;
        } else if !(blank(&ops[scan]) && scan + 1 < ops.len() && ops[scan + 1].tag() != DiffTag::Equal) {
            break;
        }
        scan += 1;
    }
    end
}

/// Marks the changed words of a region of changed lines (with the unchanged blank lines between
/// them): each removed line is paired with the most alike added line after the previous pair's
/// (order is kept), if alike enough, and the words are compared within each pair; unpaired
/// lines stay whole. Works for any two texts, however many paragraphs changed between them.
/// Once `deadline` has passed, no more pairs are made. `pairs` counts the pairs made in the
/// diff so far (it numbers them).
fn pair_words(lines: &mut [DiffLine], deadline: Instant, pairs: &mut usize) {
    let of = |change: LineChange| -> Vec<usize> {
        (0..lines.len()).filter(|&i| lines[i].change == change && !lines[i].text.trim().is_empty()).collect()
    };
    let (removed, added) = (of(LineChange::Removed), of(LineChange::Added));
    let positional = removed.len() * added.len() > MAX_PAIR_COMPARISONS;
    let mut next = 0;
    for (n, &r) in removed.iter().enumerate() {
        if next >= added.len() || Instant::now() >= deadline {
            break;
        }
        let candidates = if positional { n.max(next)..(n.max(next) + 1).min(added.len()) } else { next..added.len() };
        let best = candidates
            .map(|j| (j, likeness(&word_diff(&lines[r].text, &lines[added[j]].text, deadline))))
            .filter(|&(_, like)| like >= PAIR_LIKENESS)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, _)) = best {
            let a = added[j];
            let (old, new) = word_segments(&word_diff(&lines[r].text, &lines[a].text, deadline));
            (lines[r].segments, lines[a].segments) = (old, new);
            (lines[r].pair, lines[a].pair) = (Some(*pairs), Some(*pairs));
            *pairs += 1;
            next = j + 1;
        }
    }
}

/// The word diff of two lines.
fn word_diff<'a>(old: &'a str, new: &'a str, deadline: Instant) -> TextDiff<'a, 'a, 'a, str> {
    TextDiff::configure().algorithm(Algorithm::Myers).deadline(deadline).diff_words(old, new)
}

/// How alike two lines are: the share of their words (not spaces) that the word diff keeps.
fn likeness<'a>(diff: &TextDiff<'a, 'a, 'a, str>) -> f32 {
    let (mut kept, mut total) = (0usize, 0usize);
    for change in diff.iter_all_changes() {
        if change.value().trim().is_empty() {
            continue;
        }
        total += 1;
        if change.tag() == ChangeTag::Equal {
            kept += 2;
            total += 1;
        }
    }
    if total == 0 { 0.0 } else { kept as f32 / total as f32 }
}

/// The segments of the old and the new line of a word diff.
fn word_segments<'a>(diff: &TextDiff<'a, 'a, 'a, str>) -> (Vec<DiffSegment>, Vec<DiffSegment>) {
    let (mut old, mut new): (Vec<DiffSegment>, Vec<DiffSegment>) = (Vec::new(), Vec::new());
    let push = |segments: &mut Vec<DiffSegment>, text: &str, changed: bool| match segments.last_mut() {
        Some(last) if last.changed == changed => last.text.push_str(text),
        _ => segments.push(DiffSegment { text: text.to_owned(), changed }),
    };
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                push(&mut old, text, false);
                push(&mut new, text, false);
            }
            ChangeTag::Delete => push(&mut old, text, true),
            ChangeTag::Insert => push(&mut new, text, true),
        }
    }
    (old, new)
}

/// Whether every line an op touches is shorter than `max` bytes.
fn short_lines(diff: &TextDiff<'_, '_, '_, str>, op: &DiffOp, max: usize) -> bool {
    let (old, new) = (op.old_range(), op.new_range());
    diff.old_slices()[old].iter().chain(&diff.new_slices()[new]).all(|line| line.len() < max)
}

/// The first `max` lines of `text`, and whether there were more.
fn first_lines(text: &str, max: usize) -> (&str, bool) {
    match text.match_indices('\n').nth(max.saturating_sub(1)) {
        Some((at, _)) if max > 0 && at + 1 < text.len() => (&text[..at + 1], true),
        Some(_) => (text, false),
        None if max == 0 && !text.is_empty() => ("", true),
        None => (text, false),
    }
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

    fn marked(l: &DiffLine) -> Vec<&str> {
        l.segments.iter().filter(|s| s.changed).map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn several_replaced_paragraphs_are_paired_by_likeness_and_marked_word_by_word() {
        // As between non-adjacent revisions: a paragraph dropped, the others reworded, one added.
        let old = "Open models lag behind closed ones by a year.\n\nA paragraph that was later removed entirely.\n\nLicences restrict commercial use in most cases.";
        let new = "Open models lag behind closed ones by six months.\n\nLicences restrict commercial use in some cases.\n\nAn entirely new closing thought appears here.";
        let d = line_diff(old, new);
        assert_eq!(d.detail, DiffDetail::Words);
        let lines: Vec<(&str, Vec<&str>)> =
            d.lines.iter().filter(|l| l.change != LineChange::Same).map(|l| (l.sign(), marked(l))).collect();
        assert_eq!(
            lines,
            [
                ("-", vec!["a", "year."]),
                ("+", vec!["six", "months."]),
                // Unpaired lines are shown whole, without word marks.
                ("-", vec![]),
                ("+", vec!["some"]),
                ("-", vec!["most"]),
                ("+", vec![]),
            ]
        );
    }

    #[test]
    fn side_by_side_a_pair_in_one_run_shares_a_row() {
        let d = line_diff(
            "Alpha beta gamma delta.\nA line removed wholesale.",
            "Something else was put first.\nAlpha beta gamma epsilon.",
        );
        let rows: Vec<(Option<&str>, Option<&str>)> = d.hunks[0]
            .rows
            .iter()
            .map(|r| (r.left.as_ref().map(|l| &l.text[..5]), r.right.as_ref().map(|l| &l.text[..5])))
            .collect();
        assert_eq!(rows, [(None, Some("Somet")), (Some("Alpha"), Some("Alpha")), (Some("A lin"), None)]);
    }

    #[test]
    fn unlike_lines_are_not_paired() {
        let d = line_diff("Nothing in common here at all.", "Entirely different words were written.");
        assert!(d.lines.iter().all(|l| l.segments.len() == 1 && !l.segments[0].changed && l.pair.is_none()));
        assert_eq!(d.detail, DiffDetail::Words);
    }

    #[test]
    fn appending_after_a_last_line_without_newline_only_adds() {
        let d = line_diff("one\n\ntwo", "one\n\ntwo\n\nthree");
        assert_eq!((d.added, d.removed), (2, 0));
    }

    /// Two texts that differ in every word of every line.
    fn everywhere(lines: usize) -> (String, String) {
        let old: Vec<String> = (0..lines).map(|i| format!("old words {i} of a line that changes")).collect();
        let new: Vec<String> = (0..lines).map(|i| format!("new text {i} of a line that changed")).collect();
        (old.join("\n"), new.join("\n"))
    }

    #[test]
    fn a_diff_within_its_limits_marks_words() {
        let (old, new) = everywhere(20);
        let d = line_diff(&old, &new);
        assert_eq!(d.detail, DiffDetail::Words);
        assert!(d.notice().is_none());
        assert!(d.lines.iter().any(|l| l.segments.len() > 1), "some words are marked");
    }

    #[test]
    fn a_passed_deadline_falls_back_to_whole_lines() {
        let (old, new) = everywhere(20);
        let limits = DiffLimits { deadline: Duration::ZERO, ..DiffLimits::DEFAULT };
        let d = line_diff_within(&old, &new, &limits);
        assert_eq!(d.detail, DiffDetail::Lines);
        assert!(d.notice().unwrap().contains("too large to show word by word"));
        assert!(d.lines.iter().all(|l| l.segments.len() == 1), "no word marks");
        // Still a complete diff: every old line removed, every new line added.
        assert_eq!((d.removed, d.added), (20, 20));
    }

    #[test]
    fn long_lines_are_not_marked_word_by_word() {
        let (old, new) = everywhere(3);
        let limits = DiffLimits { max_word_line_bytes: 10, ..DiffLimits::DEFAULT };
        let d = line_diff_within(&old, &new, &limits);
        assert_eq!(d.detail, DiffDetail::Lines);
        assert!(d.lines.iter().all(|l| l.segments.len() == 1));
    }

    #[test]
    fn the_line_cap_compares_only_the_beginning() {
        let (old, new) = everywhere(10);
        let limits = DiffLimits { max_lines: 4, ..DiffLimits::DEFAULT };
        let d = line_diff_within(&old, &new, &limits);
        assert_eq!(d.detail, DiffDetail::Truncated);
        assert_eq!((d.removed, d.added), (4, 4));
        assert!(d.notice().unwrap().contains("too large to compare whole"));
    }

    #[test]
    fn the_output_cap_stops_the_diff() {
        let (old, new) = everywhere(100);
        let limits = DiffLimits { max_output_bytes: 500, ..DiffLimits::DEFAULT };
        let d = line_diff_within(&old, &new, &limits);
        assert_eq!(d.detail, DiffDetail::Truncated);
        assert!(d.lines.iter().map(|l| l.text.len()).sum::<usize>() <= 500);
        assert!(!d.lines.is_empty());
    }

    #[test]
    fn first_lines_cuts_after_the_last_line_kept() {
        assert_eq!(first_lines("a\nb\nc", 2), ("a\nb\n", true));
        assert_eq!(first_lines("a\nb\n", 2), ("a\nb\n", false));
        assert_eq!(first_lines("a\nb", 2), ("a\nb", false));
        assert_eq!(first_lines("a", 5), ("a", false));
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let d = line_diff("same\n", "same\n");
        assert_eq!((d.added, d.removed), (0, 0));
        assert!(d.hunks.is_empty());
    }
}

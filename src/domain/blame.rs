//! Paragraph blame: for each paragraph of a text, the revision that last changed it
//! substantively. Computed once per save from the parent's blame, never by replaying history.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use similar::{DiffOp, capture_diff_slices_deadline};

/// How long the paragraph diff of one save may search for the smallest diff. Past it, Myers
/// settles for a larger one: some paragraphs may be credited to the new revision.
pub const DIFF_DEADLINE: Duration = Duration::from_millis(200);

/// The paragraphs of a Markdown text: blocks separated by blank lines, trimmed.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(text[s..end].trim_end());
            }
        } else {
            start.get_or_insert(offset);
            end = offset + line.len();
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(text[s..end].trim_end());
    }
    out
}

/// What counts as the same paragraph: the same words, whatever the case, punctuation or spacing
/// (so a typo-level touch-up does not take the credit for a paragraph).
fn words(paragraph: &str) -> String {
    let mut out = String::with_capacity(paragraph.len());
    for word in paragraph.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// The paragraphs of `text` that `parent` did not have (a revision's own words), in order;
/// paragraphs count as the same when their words are ([`words`]).
pub fn added_paragraphs<'a>(parent: Option<&str>, text: &'a str) -> Vec<&'a str> {
    let before: std::collections::HashSet<String> =
        parent.map(paragraphs).unwrap_or_default().into_iter().map(words).collect();
    paragraphs(text).into_iter().filter(|p| !before.contains(&words(p))).collect()
}

/// The paragraphs of `current` that still carry the words of one of `added` (a revision's own
/// paragraphs), as `current` has them.
pub fn still_contained<'a>(added: &[&str], current: &'a str) -> Vec<&'a str> {
    let added: std::collections::HashSet<String> = added.iter().map(|p| words(p)).collect();
    paragraphs(current).into_iter().filter(|p| added.contains(&words(p))).collect()
}

/// `text` without its paragraphs that have the words of one of `remove`, the others joined by
/// blank lines: how a revision's words leave a text when undoing the revision collides.
pub fn without_paragraphs(text: &str, remove: &[&str]) -> String {
    let gone: std::collections::HashSet<String> = remove.iter().map(|p| words(p)).collect();
    paragraphs(text).into_iter().filter(|p| !gone.contains(&words(p))).collect::<Vec<_>>().join("\n\n")
}

/// The blame of `new_text` saved as revision `seq` on top of `parent` (its text and blame).
/// A minor edit keeps the previous attribution of paragraphs it rewrote one for one. `restored`
/// is an older text an undo put paragraphs back from: those keep the blame they had there.
pub fn next_blame(
    parent: Option<(&str, &[i32])>,
    new_text: &str,
    seq: i32,
    minor: bool,
    restored: Option<(&str, &[i32])>,
) -> Vec<i32> {
    let new_paragraphs: Vec<String> = paragraphs(new_text).into_iter().map(words).collect();
    let Some((old_text, old_blame)) = parent else {
        return vec![seq; new_paragraphs.len()];
    };
    let old_paragraphs: Vec<String> = paragraphs(old_text).into_iter().map(words).collect();
    if old_paragraphs.len() != old_blame.len() {
        // A blame that does not fit its text cannot be trusted; start over from this revision.
        return vec![seq; new_paragraphs.len()];
    }
    // The first restored paragraph with given words wins, as a search from the top would find.
    let mut restored_by_words: HashMap<String, i32> = HashMap::new();
    if let Some((text, blame)) = restored
        && paragraphs(text).len() == blame.len()
    {
        for (p, s) in paragraphs(text).into_iter().map(words).zip(blame.iter().copied()) {
            restored_by_words.entry(p).or_insert(s);
        }
    }
    let fresh = |paragraph: &String| restored_by_words.get(paragraph).copied().unwrap_or(seq);
    let mut blame = Vec::with_capacity(new_paragraphs.len());
    let deadline = Some(Instant::now() + DIFF_DEADLINE);
    for op in capture_diff_slices_deadline(similar::Algorithm::Myers, &old_paragraphs, &new_paragraphs, deadline) {
        match op {
            DiffOp::Equal { old_index, len, .. } => blame.extend_from_slice(&old_blame[old_index..old_index + len]),
            DiffOp::Insert { new_index, new_len, .. } => {
                blame.extend(new_paragraphs[new_index..new_index + new_len].iter().map(fresh));
            }
            DiffOp::Delete { .. } => {}
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                for i in 0..new_len {
                    blame.push(if minor && i < old_len {
                        old_blame[old_index + i]
                    } else {
                        fresh(&new_paragraphs[new_index + i])
                    });
                }
            }
        }
    }
    blame
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revisions_own_paragraphs_are_found_in_later_texts_whatever_the_spacing() {
        let added = added_paragraphs(Some("one\n\ntwo"), "one\n\nCALL 555\n\ntwo\n\nthree");
        assert_eq!(added, ["CALL 555", "three"]);
        assert_eq!(still_contained(&added, "one\n\ncall  555!\n\ntwo"), ["call  555!"]);
        assert!(still_contained(&added, "one\n\ntwo").is_empty());
        assert_eq!(added_paragraphs(None, "a\n\nb"), ["a", "b"]);
        assert_eq!(without_paragraphs("one\n\nCALL 555!\n\ntwo\nlines", &["call 555"]), "one\n\ntwo\nlines");
    }

    #[test]
    fn paragraphs_are_blocks_between_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\n\n  \nc\n"), ["a\nb", "c"]);
        assert!(paragraphs("").is_empty());
    }

    #[test]
    fn unchanged_paragraphs_keep_their_revision_and_changed_ones_take_the_new_one() {
        let b1 = next_blame(None, "one\n\ntwo", 1, false, None);
        assert_eq!(b1, [1, 1]);
        let b2 = next_blame(Some(("one\n\ntwo", &b1)), "one\n\nTWO changed\n\nthree", 2, false, None);
        assert_eq!(b2, [1, 2, 2]);
        let b3 = next_blame(Some(("one\n\nTWO changed\n\nthree", &b2)), "zero\n\none\n\nthree", 3, false, None);
        assert_eq!(b3, [3, 1, 2]);
    }

    #[test]
    fn punctuation_case_and_spacing_are_not_substantive() {
        let b2 = next_blame(Some(("The cat sat.", &[1])), "the  cat sat", 2, false, None);
        assert_eq!(b2, [1]);
    }

    #[test]
    fn an_undo_gives_restored_paragraphs_back_to_their_authors() {
        // r1 by A; r2 changed paragraph 2; r3 (an undo of r2) restores r1's paragraph 2.
        let r1 = "one\n\ntwo";
        let b2 = next_blame(Some((r1, &[1, 1])), "one\n\nTWO vandalised", 2, false, None);
        let b3 = next_blame(Some(("one\n\nTWO vandalised", &b2)), r1, 3, false, Some((r1, &[1, 1])));
        assert_eq!(b3, [1, 1]);
    }

    #[test]
    fn restored_paragraphs_are_found_by_their_words_in_large_texts() {
        let old: String = (0..5_000).map(|i| format!("p{i}\n\n")).collect();
        let blame: Vec<i32> = (0..5_000).map(|i| i % 7).collect();
        let vandalised: String = (0..5_000).map(|i| format!("x{i}\n\n")).collect();
        let b = next_blame(Some((&vandalised, &vec![9; 5_000])), &old, 10, false, Some((&old, &blame)));
        assert_eq!(b, blame);
    }

    #[test]
    fn a_minor_rewrite_keeps_the_attribution() {
        assert_eq!(next_blame(Some(("teh cat", &[1])), "the cat", 2, true, None), [1]);
        assert_eq!(next_blame(Some(("teh cat", &[1])), "the cat", 2, false, None), [2]);
    }
}

//! Three-way merges of Markdown texts, line by line (a synthesis paragraph is one or a few lines
//! between blank lines, so edits of different paragraphs never touch the same lines).
//!
//! Used for three things: saving an edit whose base is stale, undoing one revision while keeping
//! the later ones, and explaining why either could not be done.

/// A region both sides changed differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRegion {
    /// The text as the common ancestor had it.
    pub ancestor: String,
    /// The text as "ours" (the current revision) has it.
    pub ours: String,
    /// The text as "theirs" (the change being applied) has it.
    pub theirs: String,
}

/// Merges the change from `ancestor` to `theirs` into `ours`: `Ok(text)` when the changes touch
/// different lines, otherwise the regions where they collide.
pub fn merge3(ancestor: &str, ours: &str, theirs: &str) -> Result<String, Vec<ConflictRegion>> {
    let (a, o, t) = (with_final_newline(ancestor), with_final_newline(ours), with_final_newline(theirs));
    // Markers longer than any run of marker characters the texts start a line with, so a line of
    // the text (a Markdown "=======" underline, say) can never be mistaken for one.
    let marker_len = [&a, &o, &t]
        .iter()
        .flat_map(|text| text.lines())
        .map(|line| {
            let first = line.chars().next().unwrap_or(' ');
            line.chars().take_while(|&c| c == first && "<|=>".contains(c)).count()
        })
        .max()
        .unwrap_or(0)
        .max(6)
        + 1;
    let mut options = diffy::MergeOptions::new();
    options.set_conflict_marker_length(marker_len).set_conflict_style(diffy::ConflictStyle::Diff3);
    match options.merge(&a, &o, &t) {
        Ok(merged) => Ok(merged.trim_end_matches('\n').to_owned()),
        Err(marked) => Err(conflict_regions(&marked, marker_len)),
    }
}

/// The conflicting regions of a text with diff3-style markers (`<<<<<<<`, `|||||||`, `=======`,
/// `>>>>>>>`, each `marker_len` long), as diffy writes them.
fn conflict_regions(marked: &str, marker_len: usize) -> Vec<ConflictRegion> {
    #[derive(PartialEq)]
    enum Part {
        Outside,
        Ours,
        Ancestor,
        Theirs,
    }
    let mut regions = Vec::new();
    let mut part = Part::Outside;
    let mut current = ConflictRegion { ancestor: String::new(), ours: String::new(), theirs: String::new() };
    for line in marked.split_inclusive('\n') {
        let marker = |c: char| line.chars().take(marker_len).filter(|&m| m == c).count() == marker_len;
        if marker('<') && part == Part::Outside {
            part = Part::Ours;
        } else if marker('|') && part == Part::Ours {
            part = Part::Ancestor;
        } else if marker('=') && matches!(part, Part::Ours | Part::Ancestor) {
            part = Part::Theirs;
        } else if marker('>') && part == Part::Theirs {
            regions.push(std::mem::replace(
                &mut current,
                ConflictRegion { ancestor: String::new(), ours: String::new(), theirs: String::new() },
            ));
            part = Part::Outside;
        } else {
            match part {
                Part::Outside => {}
                Part::Ours => current.ours.push_str(line),
                Part::Ancestor => current.ancestor.push_str(line),
                Part::Theirs => current.theirs.push_str(line),
            }
        }
    }
    for r in &mut regions {
        for text in [&mut r.ancestor, &mut r.ours, &mut r.theirs] {
            *text = text.trim_end_matches('\n').to_owned();
        }
    }
    regions
}

fn with_final_newline(text: &str) -> String {
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.";

    #[test]
    fn edits_of_different_paragraphs_merge() {
        let ours = "First paragraph, edited by them.\n\nSecond paragraph.\n\nThird paragraph.";
        let theirs = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph, edited by me.";
        assert_eq!(
            merge3(BASE, ours, theirs).unwrap(),
            "First paragraph, edited by them.\n\nSecond paragraph.\n\nThird paragraph, edited by me."
        );
    }

    #[test]
    fn edits_of_neighbouring_paragraphs_merge() {
        let ours = "First paragraph.\n\nSecond, theirs.\n\nThird paragraph.";
        let theirs = "First paragraph.\n\nSecond paragraph.\n\nThird, mine.";
        assert_eq!(merge3(BASE, ours, theirs).unwrap(), "First paragraph.\n\nSecond, theirs.\n\nThird, mine.");
    }

    #[test]
    fn edits_of_the_same_paragraph_conflict_and_say_where() {
        let ours = "First paragraph.\n\nSecond, theirs.\n\nThird paragraph.";
        let theirs = "First paragraph.\n\nSecond, mine.\n\nThird paragraph.";
        let regions = merge3(BASE, ours, theirs).unwrap_err();
        assert_eq!(
            regions,
            [ConflictRegion {
                ancestor: "Second paragraph.".into(),
                ours: "Second, theirs.".into(),
                theirs: "Second, mine.".into()
            }]
        );
    }

    #[test]
    fn a_markdown_underline_inside_a_conflict_is_text_not_a_marker() {
        let base = "Title\n=======\n\nBody.";
        let regions = merge3(base, "Title A\n=======\n\nBody.", "Title B\n=======\n\nBody.").unwrap_err();
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].ours, "Title A");
        assert_eq!(regions[0].theirs, "Title B");
    }

    #[test]
    fn undo_removes_one_change_and_keeps_a_later_one() {
        // Revision 2 vandalised paragraph 1; revision 3 improved paragraph 3. Undoing revision 2
        // merges (ancestor = r2, ours = r3, theirs = r1).
        let r1 = BASE;
        let r2 = "SPAM SPAM\n\nSecond paragraph.\n\nThird paragraph.";
        let r3 = "SPAM SPAM\n\nSecond paragraph.\n\nThird paragraph, improved.";
        assert_eq!(merge3(r2, r3, r1).unwrap(), "First paragraph.\n\nSecond paragraph.\n\nThird paragraph, improved.");
    }
}

//! Search snippets: `ts_headline` returns plain text with marker characters around the words
//! that matched (not HTML, and not escaped). They are split here into segments that templates
//! escape like any text, putting the highlighted ones inside `<mark>`.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::search::{HIGHLIGHT_END, HIGHLIGHT_START};

/// A run of snippet text, highlighted when it matched the search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Segment {
    /// Plain text (escape it before putting it into HTML).
    pub text: String,
    /// Whether these words matched the search.
    pub highlight: bool,
}

/// Splits a marked snippet into segments; whitespace runs (newlines between paragraphs) become
/// single spaces, and empty segments are dropped. A stray or unbalanced marker cannot produce
/// markup: it only switches highlighting, and the text is escaped when rendered.
pub fn segments(marked: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut current = String::new();
    let mut highlight = false;
    let flush = |text: &mut String, highlight: bool, out: &mut Vec<Segment>| {
        let collapsed = collapse_whitespace(text);
        text.clear();
        if collapsed.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.highlight == highlight => last.text.push_str(&collapsed),
            _ => out.push(Segment { text: collapsed, highlight }),
        }
    };
    for c in marked.chars() {
        match c {
            HIGHLIGHT_START => {
                flush(&mut current, highlight, &mut out);
                highlight = true;
            }
            HIGHLIGHT_END => {
                flush(&mut current, highlight, &mut out);
                highlight = false;
            }
            other => current.push(other),
        }
    }
    flush(&mut current, highlight, &mut out);
    if let Some(first) = out.first_mut() {
        first.text = first.text.trim_start().to_owned();
    }
    if let Some(last) = out.last_mut() {
        last.text = last.text.trim_end().to_owned();
    }
    out.retain(|s| !s.text.is_empty());
    out
}

/// Every run of whitespace as one space (kept at the ends, so segments join with their spaces).
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(text: &str, highlight: bool) -> Segment {
        Segment { text: text.to_owned(), highlight }
    }

    #[test]
    fn markers_split_the_snippet_into_highlighted_and_plain_segments() {
        assert_eq!(
            segments("the \u{2}open\u{3} \u{2}weights\u{3} debate"),
            vec![seg("the ", false), seg("open", true), seg(" ", false), seg("weights", true), seg(" debate", false)]
        );
    }

    #[test]
    fn whitespace_collapses_and_the_ends_are_trimmed() {
        assert_eq!(segments("\n  a\n\nb \u{2}c\u{3}  "), vec![seg("a b ", false), seg("c", true)]);
        assert_eq!(segments(""), vec![]);
        assert_eq!(segments("\u{2}\u{3}"), vec![]);
    }

    #[test]
    fn markup_stays_text_and_stray_markers_only_switch_highlighting() {
        assert_eq!(segments("<script>\u{2}x"), vec![seg("<script>", false), seg("x", true)]);
        assert_eq!(segments("a\u{3}b"), vec![seg("ab", false)]);
    }
}

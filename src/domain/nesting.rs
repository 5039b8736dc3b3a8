//! How deeply a Markdown text nests, measured in one linear pass before anything parses it.
//!
//! The Markdown parser and the HTML parser behind the sanitizer both spend time proportional to
//! the depth of the open containers on every line or tag, so a text nested 60 000 levels deep
//! costs the square of that. Rejecting deep texts up front is what bounds their CPU: this scan
//! never backtracks and reads every byte a constant number of times.
//!
//! The measure is an estimate that errs on the deep side where it must guess: block quotes
//! (`>`) and list items on a line, list items kept open by indentation on later lines, and raw
//! HTML elements left open (per name, so a stray `</x>` cannot cancel a `<div>`). Fenced and
//! indented code and inline code spans do not count.

use std::collections::HashMap;

/// The deepest nesting of quotes, list items and HTML elements a text may have. The cost of
/// rendering grows with length × depth, so this keeps it linear in the length; 100 leaves room for
/// real texts with stray unclosed tags (the whole XSS corpus in one body nests 77 deep).
pub const MAX_DEPTH: usize = 100;

/// HTML elements that never contain anything, or that the HTML parser closes by itself when a
/// sibling starts; neither can be stacked by repeating them.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "option", "tr", "td", "th", "rt", "rp",
];

/// The deepest nesting in `text` (0 for plain paragraphs). Stops counting once past `limit`,
/// so the answer is `min(depth, limit + 1)` at a cost linear in the text.
pub fn depth(text: &str, limit: usize) -> usize {
    let mut scan = Scan { after_blank: true, ..Scan::default() };
    let mut deepest = 0;
    for line in text.lines() {
        deepest = deepest.max(scan.line(line, limit));
        if deepest > limit {
            break;
        }
    }
    deepest
}

#[derive(Default)]
struct Scan {
    /// Content columns of the list items open at the end of the previous line.
    items: Vec<usize>,
    /// An open fenced code block: its character, length, the quotes it sits in and the column
    /// its container's content starts at.
    fence: Option<Fence>,
    /// Raw HTML elements open, by name, and their total.
    open: HashMap<String, usize>,
    open_total: usize,
    /// Whether the previous line was blank (or there was none): only then can indented code
    /// start, since an indented line continues a paragraph.
    after_blank: bool,
    /// Inside an indented code block.
    in_code: bool,
}

struct Fence {
    mark: u8,
    len: usize,
    quotes: usize,
    column: usize,
}

impl Scan {
    /// Scans one line; returns the depth reached on it.
    fn line(&mut self, line: &str, limit: usize) -> usize {
        let blank = line.trim().is_empty();
        let depth = self.measure(line, limit);
        self.after_blank = blank;
        depth
    }

    fn measure(&mut self, line: &str, limit: usize) -> usize {
        let bytes = line.as_bytes();
        if let Some(fence) = &self.fence {
            if line.trim().is_empty() {
                return 0;
            }
            // Still inside the fence only while the line keeps the fence's containers.
            let (quotes, pos, col) = leading_quotes(bytes, fence.quotes);
            if quotes == fence.quotes && col >= fence.column {
                let rest = &bytes[pos..];
                let run = rest.iter().take_while(|&&b| b == fence.mark).count();
                if run >= fence.len && rest[run..].iter().all(u8::is_ascii_whitespace) {
                    self.fence = None;
                }
                return 0;
            }
            self.fence = None;
        }
        let (mut pos, mut col) = (0usize, 0usize);
        let mut quotes = 0usize;
        loop {
            let (p, c) = skip_blank(bytes, pos, col);
            if p >= bytes.len() {
                if pos == 0 && self.in_code {
                    return self.items.len() + self.open_total;
                }
                // A blank line (or the blank rest of one) keeps list items open.
                return quotes + self.items.len() + self.open_total;
            }
            if pos == 0 {
                let container = self.items.last().copied().unwrap_or(0);
                // Indented code (its text is not Markdown) starts after a blank line and goes on
                // while lines stay indented.
                self.in_code = c >= container + 4 && (self.in_code || self.after_blank);
                if self.in_code {
                    return self.items.len() + self.open_total;
                }
            }
            if bytes[p] == b'>' {
                quotes += 1;
                pos = p + 1;
                col = c + 1;
                if quotes + self.items.len() > limit {
                    return quotes + self.items.len();
                }
                continue;
            }
            if let Some(width) = list_marker(&bytes[p..]) {
                self.close_items_after(c);
                let (after, after_col) = skip_blank(bytes, p + width, c + width);
                let spaces = after_col - (c + width);
                let content = if after >= bytes.len() || spaces > 4 { c + width + 1 } else { after_col };
                self.items.push(content);
                pos = p + width;
                col = c + width;
                if quotes + self.items.len() > limit {
                    return quotes + self.items.len();
                }
                continue;
            }
            self.close_items_after(c);
            let depth_here = quotes + self.items.len();
            let rest = &line[p..];
            if let Some(fence) = fence_start(rest.as_bytes()) {
                self.fence = Some(Fence { quotes, column: self.items.last().copied().unwrap_or(0), ..fence });
                return depth_here + self.open_total;
            }
            return depth_here + self.html(rest.as_bytes(), limit.saturating_sub(depth_here));
        }
    }

    /// Closes the list items whose content starts right of column `c` (the columns only grow
    /// along the stack, so they are at its top).
    fn close_items_after(&mut self, c: usize) {
        while self.items.last().is_some_and(|&item| item > c) {
            self.items.pop();
        }
    }

    /// Counts the HTML tags on the text of a line (outside code spans); returns the deepest
    /// number of elements open along it.
    fn html(&mut self, bytes: &[u8], limit: usize) -> usize {
        let mut deepest = self.open_total;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'`' => {
                    // A code span: skip to the closing run of the same length, if there is one.
                    let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                    i += run;
                    if let Some(end) = closing_backticks(&bytes[i..], run) {
                        i += end + run;
                    }
                }
                b'<' => {
                    let closing = bytes.get(i + 1) == Some(&b'/');
                    let start = i + 1 + usize::from(closing);
                    let len = bytes[start.min(bytes.len())..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
                    i = start;
                    // A tag name starts with a letter and ends where its attributes or `>` start.
                    let ends_tag = matches!(bytes.get(start + len), None | Some(b'>' | b'/' | b' ' | b'\t'));
                    if len == 0 || !bytes[start].is_ascii_alphabetic() || !ends_tag {
                        continue;
                    }
                    let name = String::from_utf8_lossy(&bytes[start..start + len]).to_ascii_lowercase();
                    i += len;
                    if NOT_NESTING.contains(&name.as_str()) {
                        continue;
                    }
                    if closing {
                        if let Some(n) = self.open.get_mut(&name).filter(|n| **n > 0) {
                            *n -= 1;
                            self.open_total -= 1;
                        }
                    } else {
                        *self.open.entry(name).or_default() += 1;
                        self.open_total += 1;
                        deepest = deepest.max(self.open_total);
                        if deepest > limit {
                            return deepest;
                        }
                    }
                }
                _ => i += 1,
            }
        }
        deepest
    }
}

/// Skips spaces and tabs (a tab advances to the next multiple of 4 columns).
fn skip_blank(bytes: &[u8], mut pos: usize, mut col: usize) -> (usize, usize) {
    while let Some(&b) = bytes.get(pos) {
        match b {
            b' ' => col += 1,
            b'\t' => col += 4 - col % 4,
            _ => break,
        }
        pos += 1;
    }
    (pos, col)
}

/// Up to `max` leading `>` markers; returns how many, and the position and column after them.
fn leading_quotes(bytes: &[u8], max: usize) -> (usize, usize, usize) {
    let (mut pos, mut col, mut quotes) = (0, 0, 0);
    loop {
        let (p, c) = skip_blank(bytes, pos, col);
        if quotes < max && bytes.get(p) == Some(&b'>') {
            quotes += 1;
            pos = p + 1;
            col = c + 1;
        } else {
            return (quotes, p, c);
        }
    }
}

/// The width of a list marker (`-`, `*`, `+`, or up to 9 digits and `.` or `)`) at the start of
/// `bytes`, when one is followed by a space, a tab or the end of the line.
fn list_marker(bytes: &[u8]) -> Option<usize> {
    let width = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take(10).take_while(|b| b.is_ascii_digit()).count();
            if digits > 9 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    matches!(bytes.get(width), None | Some(b' ' | b'\t')).then_some(width)
}

/// A fence opening (three or more backticks or tildes) at the start of `bytes`.
fn fence_start(bytes: &[u8]) -> Option<Fence> {
    let mark = *bytes.first().filter(|&&b| b == b'`' || b == b'~')?;
    let len = bytes.iter().take_while(|&&b| b == mark).count();
    // A backtick fence's info string cannot hold a backtick (it would be a code span).
    let ok = len >= 3 && (mark == b'~' || !bytes[len..].contains(&b'`'));
    ok.then_some(Fence { mark, len, quotes: 0, column: 0 })
}

/// Where a run of exactly `run` backticks starts in `bytes`, if anywhere.
fn closing_backticks(bytes: &[u8], run: usize) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> usize {
        depth(text, 1000)
    }

    #[test]
    fn plain_text_does_not_nest() {
        assert_eq!(d("Just a paragraph.\n\nAnd another, with 3 > 2 in it."), 0);
        assert_eq!(d(""), 0);
    }

    #[test]
    fn quotes_count_on_one_line_and_do_not_add_across_lines() {
        assert_eq!(d("> a"), 1);
        assert_eq!(d(">>> a"), 3);
        assert_eq!(d("> > > a\n> > > b\n> > > c"), 3);
        // Counting stops one past the limit.
        assert_eq!(d(&">".repeat(60_000)), 1001);
    }

    #[test]
    fn list_items_nest_by_markers_and_by_indentation() {
        assert_eq!(d("- a\n- b\n- c"), 1);
        assert_eq!(d("- - - a"), 3);
        assert_eq!(d("1. a\n   1. b\n      1. c"), 3);
        assert_eq!(d("- a\n  - b\n    - c\n- d"), 3);
        assert_eq!(d("- a\n  - b\n\n  more of b\n- c"), 2);
        assert_eq!(d("> - a\n>   - b"), 3);
        let stairs: String = (0..100).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
        assert_eq!(d(&stairs), 100);
    }

    #[test]
    fn html_elements_count_while_open_and_per_name() {
        assert_eq!(d("<div><div>x</div></div>"), 2);
        assert_eq!(d("<div></div><div></div>"), 1);
        assert_eq!(d("<div>\n\n<div>\n\ntext"), 2);
        // A stray closing tag of another element closes nothing.
        assert_eq!(d("<div></x><div></x><div></x>"), 3);
        assert_eq!(d("<p>a<p>b<p>c<br><img src=x><hr>"), 0);
        assert_eq!(d("> <div><span>x"), 3);
        // An indented line after a paragraph continues it: its tags are HTML, not code.
        assert_eq!(d("para\n    <div><div>"), 2);
        assert_eq!(d("if a<b then c, and 3 < 4"), 1);
    }

    #[test]
    fn code_does_not_nest() {
        assert_eq!(d("```\n>>>>>>\n- - - - -\n<div><div><div>\n```\nafter"), 0);
        assert_eq!(d("~~~~\n```\n>>>>\n~~~~"), 0);
        assert_eq!(d("Inline `<div><div><div>` code and ``<b>`<b>`` too."), 0);
        assert_eq!(d("    >>>>>> indented code\n    <div><div>"), 0);
        assert_eq!(d("- item\n\n      <div><div> code in the item"), 1);
    }

    #[test]
    fn a_fence_ends_with_its_container() {
        // The quote (and its fence) ends when a line leaves it: the deep list after it counts.
        assert_eq!(d("> ```\n- - - - a"), 4);
        assert_eq!(d("> ```\n> >>>>\n> ```"), 1);
        // An unclosed fence keeps its text out of the count to the end.
        assert_eq!(d("```\n>>>>>>"), 0);
    }

    #[test]
    fn every_xss_payload_is_within_the_bound() {
        // The stored-XSS suite must reach the sanitizer, not a 422.
        let payloads = include_str!("../../tests/xss-payloads.txt");
        for payload in payloads.lines().filter(|l| !l.starts_with('#')) {
            assert!(depth(payload, MAX_DEPTH) <= MAX_DEPTH, "{payload}");
        }
    }

    #[test]
    fn counting_stops_past_the_limit() {
        assert_eq!(depth(&">".repeat(200_000), MAX_DEPTH), MAX_DEPTH + 1);
        assert_eq!(depth(&"<div>".repeat(40_000), MAX_DEPTH), MAX_DEPTH + 1);
        assert_eq!(depth(&"- ".repeat(50_000), MAX_DEPTH), MAX_DEPTH + 1);
    }
}

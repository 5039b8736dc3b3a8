//! Claim-level citations: the markers curators type into Markdown, and what a text cites.
//!
//! The syntax is footnote-like so it survives copy-paste, diffs and blame as plain text:
//! `[^src:12]` cites source 12, `[^event:7]` cites event 7. A marker is recognised in running
//! text (not inside code). Anything else that starts like one (`[^src:abc]`, `[^src:]`) is a
//! mistake the save refuses with the marker named, rather than text that silently cites nothing.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use serde::Serialize;

use super::ids::{EventId, SourceId};
use super::thread::Tier;

/// What a marker cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    Source(SourceId),
    Event(EventId),
}

impl Target {
    /// The marker that cites it, as a curator types it.
    pub fn marker(self) -> String {
        match self {
            Target::Source(id) => format!("[^src:{id}]"),
            Target::Event(id) => format!("[^event:{id}]"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.marker())
    }
}

/// The longest id a marker may carry (`i64::MAX` has 19 digits).
const MAX_ID_DIGITS: usize = 18;

/// One marker found in a piece of text: where it is, and what it cites or why it is malformed
/// (the marker as written, for the error message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub target: Result<Target, String>,
}

/// The markers in `text` (one run of plain text, no Markdown structure), in order.
pub fn find(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("[^").map(|i| from + i) {
        let rest = &text[at + 2..];
        let (prefix, make): (&str, fn(i64) -> Target) = if rest.starts_with("src:") {
            ("src:", |id| Target::Source(SourceId(id)))
        } else if rest.starts_with("event:") {
            ("event:", |id| Target::Event(EventId(id)))
        } else {
            from = at + 2;
            continue;
        };
        let body_start = at + 2 + prefix.len();
        // The marker as written: up to the closing bracket, or a short stretch when there is none.
        let close = text[body_start..].find(']').map(|i| body_start + i);
        let digits = close.map(|c| &text[body_start..c]);
        let id = digits
            .filter(|d| !d.is_empty() && d.len() <= MAX_ID_DIGITS && d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<i64>().ok())
            .filter(|&id| id > 0);
        let end = match (close, id) {
            (Some(c), Some(_)) => c + 1,
            (Some(c), None) if c - body_start <= 24 => c + 1,
            _ => text[body_start..].char_indices().nth(12).map_or(text.len(), |(i, _)| body_start + i),
        };
        out.push(Found { range: at..end, target: id.map(make).ok_or_else(|| text[at..end].trim_end().to_owned()) });
        from = end;
    }
    out
}

/// What kind of text cites: a synthesis revision, a section item, an event's description or
/// a matrix cell's note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OwnerKind {
    Revision,
    Arc,
    Interpretation,
    Question,
    Controversy,
    Event,
    MatrixCell,
}

impl OwnerKind {
    /// Every kind.
    pub const ALL: [OwnerKind; 7] = [
        OwnerKind::Revision,
        OwnerKind::Arc,
        OwnerKind::Interpretation,
        OwnerKind::Question,
        OwnerKind::Controversy,
        OwnerKind::Event,
        OwnerKind::MatrixCell,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::Revision => "revision",
            OwnerKind::Arc => "arc",
            OwnerKind::Interpretation => "interpretation",
            OwnerKind::Question => "question",
            OwnerKind::Controversy => "controversy",
            OwnerKind::Event => "event",
            OwnerKind::MatrixCell => "matrix_cell",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A text that cites: its kind and row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner {
    pub kind: OwnerKind,
    pub id: i64,
}

/// `text` with its citation markers, and the spaces before them, taken out: what it says
/// without its footnotes.
pub fn without_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for found in find(text) {
        out.push_str(text[from..found.range.start].trim_end_matches(' '));
        from = found.range.end;
    }
    out.push_str(&text[from..]);
    out
}

/// A citation as stored: what is cited, in which paragraph of the text (as
/// `blame::paragraphs` counts them), under which footnote number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cite {
    pub target: Target,
    pub paragraph: i32,
    pub number: i32,
}

/// What a footnote shows of a cited source or event, looked up when the text is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiteCard {
    pub title: String,
    /// "Publisher, Mar 8, 2026", or an event's date.
    pub detail: String,
    /// `None` for events.
    pub tier: Option<Tier>,
    /// The source's own address, when it has one.
    pub url: Option<String>,
    /// Its page here (`/sources/12`, `/events/7`).
    pub href: String,
}

/// The cards of everything a text cites, by target.
pub type CiteBook = HashMap<Target, CiteCard>;

/// The message for markers naming nothing that exists (`missing`) or written wrong (`malformed`).
pub fn refusal(missing: &[Target], malformed: &[String]) -> Option<String> {
    let list = |items: Vec<String>| {
        let shown: Vec<String> = items.iter().take(5).map(|m| format!("“{m}”")).collect();
        let more = items.len().saturating_sub(5);
        if more > 0 { format!("{} and {more} more", shown.join(", ")) } else { shown.join(", ") }
    };
    let mut parts = Vec::new();
    if !malformed.is_empty() {
        parts.push(format!(
            "{} is not a citation marker: write [^src:ID] for a source or [^event:ID] for an event",
            list(malformed.to_vec())
        ));
    }
    if !missing.is_empty() {
        let (sources, events): (Vec<Target>, Vec<Target>) =
            missing.iter().partition(|t| matches!(t, Target::Source(_)));
        if !sources.is_empty() {
            parts.push(format!(
                "{} names no source: pick one with the citation picker or create it under Sources",
                list(sources.iter().map(|t| t.marker()).collect())
            ));
        }
        if !events.is_empty() {
            parts.push(format!("{} names no event", list(events.iter().map(|t| t.marker()).collect())));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// How many citations `now` has beyond those of `then` (each marker counts; a target cited
/// twice then and three times now adds one).
pub fn added(then: &[Target], now: impl Iterator<Item = Target>) -> usize {
    let mut left: HashMap<Target, usize> = HashMap::new();
    for t in then {
        *left.entry(*t).or_default() += 1;
    }
    now.filter(|t| match left.get_mut(t) {
        Some(n) if *n > 0 => {
            *n -= 1;
            false
        }
        _ => true,
    })
    .count()
}

/// Whether a text resting on these cited tiers is supported: it cites something, and not only
/// opinion (an event counts as evidence of its own).
pub fn support(tiers: &[Option<Tier>]) -> Support {
    if tiers.is_empty() {
        Support::Uncited
    } else if tiers.iter().all(|t| *t == Some(Tier::Opinion)) {
        Support::OpinionOnly
    } else {
        Support::Supported
    }
}

/// How well a paragraph or item is supported by what it cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Supported,
    Uncited,
    OpinionOnly,
}

impl Support {
    /// The quiet marker: its words and its style; `None` when supported.
    pub fn note(self) -> Option<Note> {
        match self {
            Support::Supported => None,
            Support::Uncited => Some(Note { words: "No citation", class: "uncited" }),
            Support::OpinionOnly => Some(Note { words: "Cites opinion only", class: "opinion-only" }),
        }
    }
}

/// A quiet marker pages put on a paragraph or item: its words (an accessible name; the
/// stylesheet shows them, so they stay out of the text a reader copies) and its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Note {
    pub words: &'static str,
    pub class: &'static str,
}

impl Note {
    /// Flags a cited link the checker found dead.
    pub const DEAD_LINK: Note = Note { words: "Cites a dead link", class: "dead-link" };
    /// Flags a cited link the checker found redirected.
    pub const REDIRECTED_LINK: Note = Note { words: "Cites a redirected link", class: "redirected-link" };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(text: &str) -> Vec<Result<Target, String>> {
        find(text).into_iter().map(|f| f.target).collect()
    }

    #[test]
    fn finds_source_and_event_markers_with_their_ranges() {
        let text = "Open weights spread [^src:12], then [^event:7].";
        let found = find(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].range.clone()], "[^src:12]");
        assert_eq!(found[0].target, Ok(Target::Source(SourceId(12))));
        assert_eq!(&text[found[1].range.clone()], "[^event:7]");
        assert_eq!(found[1].target, Ok(Target::Event(EventId(7))));
    }

    #[test]
    fn without_markers_leaves_the_text() {
        assert_eq!(without_markers("Claim [^src:1] [^event:2]. Next [^src:x]"), "Claim. Next");
    }

    #[test]
    fn ordinary_footnotes_and_brackets_are_not_markers() {
        assert!(find("a note[^1] and [^source] and [link] and [^]").is_empty());
    }

    #[test]
    fn malformed_markers_are_reported_as_written() {
        assert_eq!(targets("x [^src:abc] y"), vec![Err("[^src:abc]".to_owned())]);
        assert_eq!(targets("[^src:]"), vec![Err("[^src:]".to_owned())]);
        assert_eq!(targets("[^event:0]"), vec![Err("[^event:0]".to_owned())]);
        assert_eq!(targets("[^src:99999999999999999999]"), vec![Err("[^src:99999999999999999999]".to_owned())]);
        // No closing bracket: a short stretch is quoted, not the rest of the text.
        let open = targets("[^src:12 and then a very long sentence without any bracket");
        assert_eq!(open, vec![Err("[^src:12 and then".to_owned())]);
    }

    #[test]
    fn markers_next_to_multibyte_text_keep_char_boundaries() {
        let found = find("é[^src:3]ü[^src:ééééééééééééééé");
        assert_eq!(found[0].target, Ok(Target::Source(SourceId(3))));
        assert!(found[1].target.is_err());
    }

    #[test]
    fn refusal_names_missing_and_malformed_markers() {
        let msg = refusal(&[Target::Source(SourceId(99)), Target::Event(EventId(4))], &["[^src:x]".to_owned()])
            .expect("a refusal");
        assert!(msg.contains("“[^src:99]” names no source"), "{msg}");
        assert!(msg.contains("“[^event:4]” names no event"), "{msg}");
        assert!(msg.contains("“[^src:x]” is not a citation marker"), "{msg}");
        assert_eq!(refusal(&[], &[]), None);
    }

    #[test]
    fn added_counts_citations_beyond_the_earlier_ones() {
        let (a, b) = (Target::Source(SourceId(1)), Target::Event(EventId(2)));
        assert_eq!(added(&[a], [a, a, b].into_iter()), 2);
        assert_eq!(added(&[a, b], [b].into_iter()), 0);
        assert_eq!(added(&[], [].into_iter()), 0);
    }

    #[test]
    fn support_needs_a_citation_that_is_not_only_opinion() {
        assert_eq!(support(&[]), Support::Uncited);
        assert_eq!(support(&[Some(Tier::Opinion), Some(Tier::Opinion)]), Support::OpinionOnly);
        assert_eq!(support(&[Some(Tier::Opinion), None]), Support::Supported);
        assert_eq!(support(&[Some(Tier::Primary)]), Support::Supported);
    }
}

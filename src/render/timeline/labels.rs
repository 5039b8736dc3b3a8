//! Fitting text into the timeline: estimated text widths, titles wrapped or shortened at word
//! boundaries, and the placement of event labels in slots above the marks.
//!
//! **Placement.** The space above the events lane is cut into slots of a quarter line (slot 0
//! nearest the marks). A label takes consecutive slots, four a line and one spare above, and a
//! vertical leader runs from its mark up to the label's lowest line. A candidate spot (slots, and the text running right or
//! left of the leader) is taken only when its box keeps clear of every placed box, its leader
//! passes through no placed box, and no placed leader passes through it. Landmarks are placed
//! first, then major events, each from right to left (so a label running right sits above the
//! labels of the marks it spans); a landmark that finds no spot goes to the front and the whole
//! placement is tried again, a bounded number of times, keeping the best try. A label that fits
//! nowhere within `MAX_SLOTS` is left out: the mark still names its event in its text
//! alternative and `<title>`, and in the list under the picture.

use super::{FONT, Mark, TimelineEvent, WIDTH};
use crate::domain::thread::Significance;

/// The space above the events lane is measured in slots of a quarter line.
pub(super) const SLOTS_PER_LINE: usize = 4;
/// Slots kept free above a label, so two labels stacked do not read as one.
const GAP_SLOTS: usize = 1;
/// Slots above the events lane, at most (room for about twelve lines): the picture's height
/// stays bounded.
pub(super) const MAX_SLOTS: usize = 60;
/// A landmark's title is wrapped onto at most this many lines.
const LANDMARK_LINES: usize = 3;
/// The line widths a landmark's title is wrapped to (the placement tries each).
const LANDMARK_WIDTHS: [f64; 7] = [110.0, 130.0, 150.0, 170.0, 190.0, 215.0, 240.0];
/// The widths tried, widest first, for a major event's one-line label (shortened at a word
/// boundary to fit).
const MAJOR_WIDTHS: [f64; 2] = [150.0, 110.0];
/// Space kept between two labels side by side.
const LABEL_GAP: f64 = 10.0;
/// Space kept between a label and another mark's leader.
const LEADER_GAP: f64 = 2.5;
/// How far the text starts before its leader (the leader meets its first or last letter).
const LEADER_INSET: f64 = 1.0;
/// Labels stay this far inside the picture.
const EDGE: f64 = 2.0;
/// How often the placement is tried again with a left-out landmark first.
const RETRIES: usize = 4;
/// Labels tried at most, most significant and latest first: more cannot fit in `MAX_SLOTS`
/// across the picture anyway, and the cap keeps the placement's cost per page view bounded
/// however many events a thread has.
const MAX_CANDIDATES: usize = 48;

/// A conservative advance width of a character, as a share of the font size: DejaVu Sans'
/// (the widest common sans-serif face, and what `system-ui` falls back to on Linux) with 4%
/// to spare, so a label's real box is never wider than its estimate.
fn glyph(c: char) -> f64 {
    let dejavu = match c {
        ' ' | ',' | '.' | '’' | '‘' => 0.319,
        'i' | 'j' | 'l' => 0.278,
        'I' | 'J' | '\'' => 0.295,
        ':' | ';' | '/' | '|' | '\\' => 0.337,
        'f' => 0.352,
        '-' => 0.361,
        '(' | ')' | '[' | ']' | 't' => 0.392,
        '!' | 'r' => 0.411,
        '"' | '“' | '”' => 0.521,
        's' | 'z' | '?' | '*' | '–' => 0.531,
        'c' => 0.55,
        'L' => 0.557,
        'F' | 'k' | 'v' | 'x' | 'y' => 0.592,
        'P' | 'T' | 'Y' => 0.611,
        'E' | 'a' | 'e' | 'o' => 0.632,
        'S' | 'b' | 'd' | 'g' | 'h' | 'n' | 'p' | 'q' | 'u' | '$' | '{' | '}' | '0'..='9' => 0.636,
        'K' | 'A' | 'V' | 'X' | 'Z' => 0.685,
        'B' | 'C' | 'R' => 0.698,
        'U' => 0.732,
        'H' | 'N' => 0.752,
        'D' | 'G' | 'O' | 'Q' | '&' => 0.787,
        'w' => 0.818,
        '#' | '+' | '<' | '=' | '>' | '~' | 'M' => 0.863,
        '%' => 0.95,
        // "m", "W", "@", "—", "…", and anything else (other scripts) up to a full em.
        _ => 1.0,
    };
    dejavu * 1.04
}

/// The estimated width of a text in viewBox units (never less than the browser's).
pub fn text_width(text: &str) -> f64 {
    text.chars().map(glyph).sum::<f64>() * FONT
}

/// `text` if it fits `room`, else its longest run of whole words that fits with "…" after it,
/// else `None` (a word is never cut).
pub fn abbreviated(text: &str, room: f64) -> Option<String> {
    if text_width(text) <= room {
        return Some(text.to_owned());
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..words.len()).rev().map(|n| format!("{}…", words[..n].join(" "))).find(|s| text_width(s) <= room)
}

/// `text` wrapped at word boundaries onto lines of at most `room`, or `None` when it needs more
/// than `max_lines` or a word is wider than a line.
pub fn wrapped(text: &str, room: f64, max_lines: usize) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        if text_width(word) > room {
            return None;
        }
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}")) <= room => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    (!lines.is_empty() && lines.len() <= max_lines).then_some(lines)
}

/// A landmark's label as it reads best where there is room: its full title on as few lines as
/// it takes (up to three), else its longest run of whole words with "…" on three lines of the
/// widest; `None` when not even the first word fits.
pub fn landmark_lines(title: &str) -> Option<Vec<String>> {
    landmark_variants(title).into_iter().next()
}

/// The ways a landmark's label may be laid out: its full title wrapped onto up to three lines
/// of each width that holds it; or, when none does, shortened.
fn landmark_variants(title: &str) -> Vec<Vec<String>> {
    let mut variants: Vec<Vec<String>> = Vec::new();
    for lines in LANDMARK_WIDTHS.iter().filter_map(|&w| wrapped(title, w, LANDMARK_LINES)) {
        if !variants.contains(&lines) {
            variants.push(lines);
        }
    }
    // Fewest lines first (the fewer slots a label takes, the lower the stack of labels), then
    // narrowest.
    variants.sort_by_key(|lines| lines.len());
    if variants.is_empty() {
        let widest = LANDMARK_WIDTHS[LANDMARK_WIDTHS.len() - 1];
        let words: Vec<&str> = title.split_whitespace().collect();
        let shortened =
            (1..words.len()).rev().find_map(|n| wrapped(&format!("{}…", words[..n].join(" ")), widest, LANDMARK_LINES));
        variants.extend(shortened);
    }
    variants
}

/// The ways a major event's one-line label may read, longest first: the title, or shortened
/// at a word boundary to each of `MAJOR_WIDTHS`.
fn major_variants(title: &str) -> Vec<Vec<String>> {
    let mut variants: Vec<Vec<String>> = Vec::new();
    for line in MAJOR_WIDTHS.iter().filter_map(|&w| abbreviated(title, w)) {
        if !variants.iter().any(|v| v[0] == line) {
            variants.push(vec![line]);
        }
    }
    variants
}

/// The band header that fits `room`: "label · title", shortened at a word boundary with "…"
/// while a word of the title still shows, else the label alone, else nothing.
pub fn band_text(full: &str, label: &str, room: f64) -> Option<String> {
    abbreviated(full, room)
        .filter(|text| text.chars().count() > label.chars().count() + 3)
        .or_else(|| (text_width(label) <= room).then(|| label.to_owned()))
}

/// Where a label went: its lines (top first), its horizontal span, and the slots it takes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Slotted {
    /// The index of the mark.
    pub mark: usize,
    pub lines: Vec<String>,
    pub from: f64,
    pub to: f64,
    /// `start` (the text runs right of the leader) or `end` (left of it).
    pub anchor: &'static str,
    /// The slots taken: `low..high()` (its lines, and the spare slot above them); the leader
    /// runs up to slot `low`.
    pub low: usize,
}

impl Slotted {
    pub fn high(&self) -> usize {
        self.low + height(&self.lines)
    }
}

/// The slots a label of `lines` takes.
fn height(lines: &[String]) -> usize {
    lines.len() * SLOTS_PER_LINE + GAP_SLOTS
}

/// One candidate: a label that would take slots `low..high` over [from, to], its leader at `x`.
fn fits(placed: &[(Slotted, f64)], from: f64, to: f64, low: usize, high: usize, x: f64) -> bool {
    placed.iter().all(|(p, px)| {
        let rows_meet = low < p.high() && p.low < high;
        let boxes_clear = !rows_meet || to + LABEL_GAP <= p.from || p.to + LABEL_GAP <= from;
        // This leader runs through slots 0..low; the placed one through 0..p.low.
        let mine_clear = !(p.low < low && x > p.from - LEADER_GAP && x < p.to + LEADER_GAP);
        let theirs_clear = !(low < p.low && *px > from - LEADER_GAP && *px < to + LEADER_GAP);
        boxes_clear && mine_clear && theirs_clear
    })
}

/// One greedy pass over `order`. A landmark takes the text right of its leader at the lowest
/// slots that fit, before left of it: placed from right to left, a label running right spans
/// only marks already placed, so it never shuts out one still to come. A major event takes the
/// lowest slots that fit, its text either way.
fn greedy(order: &[(usize, Vec<Vec<String>>)], marks: &[Mark]) -> Vec<(Slotted, f64)> {
    let mut placed: Vec<(Slotted, f64)> = Vec::new();
    for (i, variants) in order {
        let x = marks[*i].cx;
        let landmark = marks[*i].significance == Significance::Landmark.as_str();
        let candidate = |side: usize, low: usize| {
            variants.iter().find_map(|lines| {
                let width = lines.iter().map(|l| text_width(l)).fold(0.0, f64::max);
                let (from, to, anchor) = if side == 0 {
                    (x - LEADER_INSET, x - LEADER_INSET + width, "start")
                } else {
                    (x + LEADER_INSET - width, x + LEADER_INSET, "end")
                };
                let high = low + height(lines);
                let inside = from >= EDGE && to <= WIDTH - EDGE && high <= MAX_SLOTS;
                (inside && fits(&placed, from, to, low, high, x)).then(|| Slotted {
                    mark: *i,
                    lines: lines.clone(),
                    from,
                    to,
                    anchor,
                    low,
                })
            })
        };
        let spot = if landmark {
            (0..2).find_map(|side| (0..MAX_SLOTS).find_map(|low| candidate(side, low)))
        } else {
            (0..MAX_SLOTS).find_map(|low| (0..2).find_map(|side| candidate(side, low)))
        };
        if let Some(spot) = spot {
            placed.push((spot, x));
        }
    }
    placed
}

/// The labels of landmarks and major events, placed (see the module's doc); notable events
/// have none.
pub(super) fn place_labels(marks: &[Mark], sources: &[TimelineEvent]) -> Vec<Slotted> {
    let mut order: Vec<(usize, Vec<Vec<String>>)> = (0..marks.len())
        .filter_map(|i| {
            let variants = match sources[i].significance {
                Significance::Landmark => landmark_variants(&sources[i].title),
                Significance::Major => major_variants(&sources[i].title),
                Significance::Notable => return None,
            };
            (!variants.is_empty()).then_some((i, variants))
        })
        .collect();
    // Landmarks first; each kind from right to left (latest first on one day).
    order.sort_by(|(a, _), (b, _)| {
        let key = |i: usize| sources[i].significance != Significance::Landmark;
        key(*a).cmp(&key(*b)).then(marks[*b].cx.total_cmp(&marks[*a].cx)).then(sources[*b].id.cmp(&sources[*a].id))
    });
    order.truncate(MAX_CANDIDATES);
    let score = |placed: &[(Slotted, f64)]| {
        let landmarks = placed.iter().filter(|(p, _)| sources[p.mark].significance == Significance::Landmark).count();
        (landmarks, placed.len())
    };
    let mut best: Vec<(Slotted, f64)> = Vec::new();
    for attempt in 0..=RETRIES {
        let placed = greedy(&order, marks);
        let left_out: Vec<usize> = order
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| sources[*i].significance == Significance::Landmark && !placed.iter().any(|(p, _)| p.mark == *i))
            .collect();
        if attempt == 0 || score(&placed) > score(&best) {
            best = placed;
        }
        if left_out.is_empty() {
            break;
        }
        // The left-out landmarks go first, in their order; the rest follow as before.
        order.sort_by_key(|(i, _)| !left_out.contains(i));
    }
    best.into_iter().map(|(p, _)| p).collect()
}

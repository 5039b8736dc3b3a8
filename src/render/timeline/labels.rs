//! Fitting text into the timeline: estimated text widths, shortened titles and band headers, and
//! the greedy placement of event labels in rows above the marks.

use super::layout::round;
use super::{
    EVENT_Y, FONT, GLYPH, LABEL_CHARS, LABEL_GAP, LABEL_ROWS, Mark, MarkLabel, ROW_HEIGHT, TimelineEvent, WIDTH,
};
use crate::domain::thread::Significance;

/// The estimated width of a text in viewBox units.
pub fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * FONT * GLYPH
}

/// `text`, shortened to `LABEL_CHARS` characters with "…".
pub fn shortened(text: &str) -> String {
    if text.chars().count() <= LABEL_CHARS {
        return text.to_owned();
    }
    let kept: String = text.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", kept.trim_end())
}

/// The band header that fits `room`: "label · title", shortened with "…" while a few words of
/// the title still show, else the label alone, else nothing.
pub fn band_text(full: &str, label: &str, room: f64) -> Option<String> {
    if text_width(full) <= room {
        return Some(full.to_owned());
    }
    let fits = (room / (FONT * GLYPH)).floor() as usize;
    if fits >= label.chars().count() + 8 {
        let kept: String = full.chars().take(fits - 1).collect();
        return Some(format!("{}…", kept.trim_end()));
    }
    (text_width(label) <= room).then(|| label.to_owned())
}

/// Places labels greedily: landmarks first, then major events, each in date order, at the
/// lowest row (and, within a row, to the right of the mark before to its left) where its box
/// overlaps no placed label. A leader may pass behind a higher label: the template draws every
/// leader first and the labels with a halo of the background over them. Labels that fit nowhere
/// are left out; the mark still names its event in its text alternative and in the list under
/// the picture.
pub(super) fn place_labels(marks: &mut [Mark], sources: &[TimelineEvent]) {
    let mut order: Vec<usize> =
        (0..marks.len()).filter(|&i| sources[i].significance != Significance::Notable).collect();
    order.sort_by_key(|&i| (sources[i].significance != Significance::Landmark, sources[i].date, sources[i].id));
    // Per row, the [from, to) spans taken.
    let mut rows: Vec<Vec<(f64, f64)>> = vec![Vec::new(); LABEL_ROWS];
    let clear =
        |spans: &[(f64, f64)], a: f64, b: f64| spans.iter().all(|&(s, e)| b + LABEL_GAP <= s || a >= e + LABEL_GAP);
    for i in order {
        let text = shortened(&sources[i].title);
        let width = text_width(&text);
        let x = marks[i].cx;
        let sides = [(x - 4.0, x - 4.0 + width, "start"), (x + 4.0 - width, x + 4.0, "end")];
        let spot = (0..LABEL_ROWS).find_map(|row| {
            sides
                .iter()
                .copied()
                // Labels may use the margins, not beyond the picture.
                .find(|&(from, to, _)| from >= 2.0 && to <= WIDTH - 2.0 && clear(&rows[row], from, to))
                .map(|side| (row, side))
        });
        let Some((row, (from, to, anchor))) = spot else { continue };
        rows[row].push((from, to));
        let y = EVENT_Y - 16.0 - ROW_HEIGHT * row as f64;
        marks[i].label = Some(MarkLabel {
            text,
            x: round(if anchor == "start" { from } else { to }),
            y,
            anchor,
            leader_top: y + 4.0,
            leader_bottom: EVENT_Y - marks[i].r,
        });
    }
}

//! The timeline picture of a thread page: pure geometry (no HTML) for an SVG drawn by
//! `templates/threads/timeline.html`, so scale, placement and labels are unit-tested here.
//!
//! Three lanes share one time axis: the arc's periods as bands behind the events, the events
//! as circles sized by significance, and the synthesis revisions as ticks below them, grouped
//! by month (or quarter, or year) into links to the history.
//!
//! Where things fall on the time axis (period dates read from labels, the date-to-x scale) is in
//! `layout`; how event labels and band headers fit is in `labels`; the revisions lane (one path
//! of ticks, a link per span) is in `revisions`; this module draws: bands, marks, the axis and
//! the words.
//!
//! From the top: the band headers, the event labels' line slots (as many as the labels need,
//! so the picture grows with them, up to `labels::MAX_SLOTS`), the events lane, the revisions
//! lane and the axis.

mod labels;
mod layout;
mod revisions;

use chrono::{Datelike, NaiveDate};

use crate::domain::thread::Significance;
use crate::render::format;

use labels::place_labels;
pub use labels::{abbreviated, band_text, landmark_lines, text_width, wrapped};
pub use layout::{Scale, label_range};
use layout::{jan1, period_ranges, round};
pub use revisions::{RevisionGroup, RevisionLane, Span, span_for};

/// The viewBox width. With `.timeline-svg { min-width: 560px }` in the stylesheet, 13-unit text
/// is never drawn below 11.4 CSS px (a narrow screen scrolls the picture sideways instead).
pub const WIDTH: f64 = 640.0;
/// Where the plot starts and ends inside the viewBox.
const LEFT: f64 = 12.0;
const RIGHT: f64 = WIDTH - 12.0;
/// Every text's size, in viewBox units.
pub const FONT: f64 = 13.0;
/// The band header's text baseline.
const BAND_TEXT_Y: f64 = 19.0;
/// Where the labels' line slots start, below the band headers.
const LABELS_TOP: f64 = 28.0;
/// A label line's height: a 13-unit line's box (ascent and descent) is 15.1 units high.
pub const LINE: f64 = 16.0;
/// A line's baseline sits this far above the bottom of its slot (below it are its descenders).
const BASELINE_LIFT: f64 = 3.5;
/// A slot of the labels' area (see `labels`).
const SLOT: f64 = LINE / labels::SLOTS_PER_LINE as f64;
/// The labels' area is at least this many slots high, so a picture with few labels keeps its
/// proportions.
const MIN_SLOTS: usize = 3 * labels::SLOTS_PER_LINE;
/// From the bottom of the labels' area to the events lane's centre line (room for a landmark).
const EVENTS_BELOW_LABELS: f64 = 16.0;
/// Bands run from the top to just below the events.
const BAND_BELOW_EVENTS: f64 = 22.0;
/// The revisions lane's centre line, below the events'.
const REVISIONS_BELOW_EVENTS: f64 = 44.0;
/// The axis line, below the events lane, and its labels' baseline below it.
const AXIS_BELOW_EVENTS: f64 = 68.0;
const AXIS_TEXT_BELOW_AXIS: f64 = 20.0;
/// Below the axis labels' baseline to the bottom of the picture.
const BOTTOM_MARGIN: f64 = 8.0;
/// The narrowest pointer target: an event's radius, a span of revisions' least width.
const HIT: f64 = 12.0;
/// At most this many of the newest revisions are drawn (as ticks; links go per span).
pub const MAX_REVISIONS: usize = 500;

/// A period of the arc, as the page lists it.
#[derive(Debug, Clone)]
pub struct TimelinePeriod {
    pub id: i64,
    pub label: String,
    pub title: String,
}

/// An event of the thread.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub id: i64,
    pub date: NaiveDate,
    pub title: String,
    pub significance: Significance,
}

/// A revision of the synthesis (no body).
#[derive(Debug, Clone)]
pub struct TimelineRevision {
    pub seq: i32,
    pub date: NaiveDate,
    pub minor: bool,
    /// Its changelog entry, where the history page can start (`None`: the history's top).
    pub change_id: Option<i64>,
}

/// A period's band.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub id: i64,
    pub x: f64,
    pub width: f64,
    pub height: f64,
    /// The header text that fits the band ("2023 · The Year Open…", or just "2023"), if any.
    pub text: Option<String>,
    pub text_x: f64,
    pub text_y: f64,
    /// Alternates 0/1 so neighbouring bands can be told apart.
    pub shade: usize,
    /// The dates are not in the label (placed by order).
    pub approximate: bool,
    /// "Period 2023: The Year Open Became Real (Jan 1, 2023 to Dec 31, 2023)".
    pub description: String,
}

/// One line of an event's label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelLine {
    pub text: String,
    /// Its baseline.
    pub y: f64,
}

/// An event's label, joined to its mark by a leader line: a landmark's title in full on up to
/// three lines, a major event's on one (shortened at a word boundary if need be).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkLabel {
    /// The whole label, its lines joined by spaces.
    pub text: String,
    /// Top first.
    pub lines: Vec<LabelLine>,
    pub x: f64,
    /// The estimated box: [from, to] across, [top, bottom] down.
    pub from: f64,
    pub to: f64,
    pub top: f64,
    pub bottom: f64,
    /// `start` or `end`: the text runs right of the leader, or left of it near the right edge.
    pub anchor: &'static str,
    /// The leader runs from the mark's top up to just below the text's lowest line.
    pub leader_top: f64,
    pub leader_bottom: f64,
}

/// An event's mark.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub id: i64,
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
    pub significance: &'static str,
    pub label: Option<MarkLabel>,
    /// "Landmark event: Title, Mar 8, 2026".
    pub description: String,
    pub title: String,
    pub date: String,
    pub date_iso: String,
    pub significance_label: &'static str,
}

/// A labelled place on the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisTick {
    pub x: f64,
    pub text: String,
    pub text_x: f64,
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The viewBox size.
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub event_y: f64,
    pub revision_y: f64,
    pub axis_y: f64,
    pub axis_text_y: f64,
    /// Where the axis' year ticks end.
    pub axis_tick_bottom: f64,
    pub font: f64,
    /// The radius of the invisible target around each event mark.
    pub hit_radius: f64,
    pub bands: Vec<Band>,
    pub marks: Vec<Mark>,
    pub ticks: Vec<AxisTick>,
    /// The revisions lane: ticks in two paths, a link per span.
    pub revisions: RevisionLane,
    /// What the revisions are grouped by ("month").
    pub revision_span: &'static str,
    /// Revisions drawn, and left out of the picture (older than the newest `MAX_REVISIONS`).
    pub revisions_drawn: usize,
    pub revisions_omitted: usize,
    /// The sentence under the picture about when the synthesis was last revised.
    pub caption: String,
    /// The `<desc>`: what the picture holds, in words.
    pub summary: String,
}

impl Timeline {
    /// The marks in the order they are drawn: the smaller (less significant) first, so a
    /// landmark is never painted over, and its target wins a tap where targets overlap. The
    /// list under the picture keeps the order of dates.
    pub fn painted(&self) -> Vec<&Mark> {
        let mut marks: Vec<&Mark> = self.marks.iter().collect();
        marks.sort_by(|a, b| a.r.total_cmp(&b.r));
        marks
    }
}

/// The size of an event's circle.
pub fn radius(significance: Significance) -> f64 {
    match significance {
        Significance::Landmark => 9.0,
        Significance::Major => 6.0,
        Significance::Notable => 4.5,
    }
}

/// Axis ticks at year boundaries (every `step` years so at most about ten are labelled), each
/// year's label centred on its span when years are one apart.
fn axis(scale: &Scale) -> Vec<AxisTick> {
    let (first, last) = (scale.start.year(), scale.end.year());
    let years = (last - first).max(1);
    let step = ((years + 9) / 10).max(1);
    let mut ticks = Vec::new();
    let mut year = first;
    while year <= last {
        let Some(at) = jan1(year) else { break };
        let x = scale.x(at);
        let text_x = if step == 1 { jan1(year + 1).map_or(x, |next| round((x + scale.x(next)) / 2.0)) } else { x };
        let labelled = year < last || step > 1;
        ticks.push(AxisTick { x, text: if labelled { year.to_string() } else { String::new() }, text_x });
        year += step;
    }
    ticks
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn days(n: i64) -> String {
    plural(n.unsigned_abs() as usize, "day", "days")
}

/// The sentence about when the synthesis was last revised, next to the latest landmark (or,
/// without landmarks, the latest event). The last revision that is not a minor edit counts
/// (a typo fix does not revise the synthesis), unless all are minor.
pub fn caption(events: &[TimelineEvent], revisions: &[TimelineRevision]) -> Option<String> {
    let last = revisions
        .iter()
        .filter(|r| !r.minor)
        .max_by_key(|r| (r.date, r.seq))
        .or_else(|| revisions.iter().max_by_key(|r| (r.date, r.seq)));
    let landmark = events.iter().filter(|e| e.significance == Significance::Landmark).max_by_key(|e| (e.date, e.id));
    let (event, kind) = match landmark {
        Some(e) => (Some(e), "landmark"),
        None => (events.iter().max_by_key(|e| (e.date, e.id)), "event"),
    };
    let last = last?;
    let revised = format::event_date(last.date);
    let Some(event) = event else {
        return Some(format!("The synthesis was last revised on {revised}."));
    };
    let named = format!("the latest {kind}, “{}” ({})", event.title, format::event_date(event.date));
    let gap = (last.date - event.date).num_days();
    Some(match gap {
        0 => format!("The synthesis was last revised on {revised}, the day of {named}."),
        g if g > 0 => format!("The synthesis was last revised on {revised}, {} after {named}.", days(g)),
        g => format!("The synthesis was last revised on {revised}, {} before {named}.", days(g)),
    })
}

/// The picture, or `None` when there is nothing to draw (no events, no revisions, and no
/// period with a date).
pub fn build(periods: &[TimelinePeriod], events: &[TimelineEvent], revisions: &[TimelineRevision]) -> Option<Timeline> {
    let point_dates = events.iter().map(|e| e.date).chain(revisions.iter().map(|r| r.date));
    let points = point_dates.clone().min().zip(point_dates.max()).map(|(a, b)| (a, b.succ_opt().unwrap_or(b)));
    let ranges = period_ranges(periods, points);
    let all_starts = ranges.iter().filter_map(|r| r.0.map(|r| r.0)).chain(points.map(|p| p.0));
    let all_ends = ranges.iter().filter_map(|r| r.0.map(|r| r.1)).chain(points.map(|p| p.1));
    let (first, last) = (all_starts.min()?, all_ends.max()?);
    // Whole years, so the axis reads in years and nothing sits on the edge.
    let start = jan1(first.year())?;
    let end_year = if last == jan1(last.year())? { last.year() } else { last.year() + 1 };
    let scale = Scale { start, end: jan1(end_year)? };

    let mut marks: Vec<Mark> = events
        .iter()
        .map(|e| {
            let date = format::event_date(e.date);
            Mark {
                id: e.id,
                cx: scale.x(e.date),
                cy: 0.0,
                r: radius(e.significance),
                significance: e.significance.as_str(),
                label: None,
                description: format!("{} event: {}, {date}", e.significance.label(), e.title),
                title: e.title.clone(),
                date,
                date_iso: e.date.to_string(),
                significance_label: e.significance.label(),
            }
        })
        .collect();
    // The labels take the slots they need; everything below them moves down to make room.
    let slotted = place_labels(&marks, events);
    let slots = slotted.iter().map(|p| p.high()).max().unwrap_or(0).max(MIN_SLOTS);
    let labels_bottom = LABELS_TOP + SLOT * slots as f64;
    let event_y = labels_bottom + EVENTS_BELOW_LABELS;
    let (revision_y, axis_y) = (event_y + REVISIONS_BELOW_EVENTS, event_y + AXIS_BELOW_EVENTS);
    for mark in &mut marks {
        mark.cy = event_y;
    }
    for p in slotted {
        // Slot `s`'s bottom edge; line `n` of `count` (top first) stands on `count - 1 - n`
        // lines of the label.
        let slot_bottom = |s: usize| labels_bottom - SLOT * s as f64;
        let count = p.lines.len();
        let line_bottom = |n: usize| slot_bottom(p.low + (count - 1 - n) * labels::SLOTS_PER_LINE);
        let lines: Vec<LabelLine> = p
            .lines
            .iter()
            .enumerate()
            .map(|(n, text)| LabelLine { text: text.clone(), y: round(line_bottom(n) - BASELINE_LIFT) })
            .collect();
        let mark = &mut marks[p.mark];
        mark.label = Some(MarkLabel {
            text: p.lines.join(" "),
            lines,
            x: round(if p.anchor == "start" { p.from } else { p.to }),
            from: p.from,
            to: p.to,
            top: slot_bottom(p.low + count * labels::SLOTS_PER_LINE),
            bottom: slot_bottom(p.low),
            anchor: p.anchor,
            leader_top: slot_bottom(p.low),
            leader_bottom: event_y - mark.r,
        });
    }

    let mut bands = Vec::new();
    for (period, (range, approximate)) in periods.iter().zip(&ranges) {
        let Some((from, to)) = range else { continue };
        let (x, x2) = (scale.x(*from), scale.x(*to));
        let width = round(x2 - x);
        let full = format!("{} · {}", period.label, period.title);
        let room = width - 12.0;
        let text = band_text(&full, &period.label, room);
        let last_day = to.pred_opt().unwrap_or(*to);
        let when = format!("{} to {}", format::event_date(*from), format::event_date(last_day));
        let description = if *approximate {
            format!(
                "Period {}: {} (no dates in its label; placed by its order, about {when})",
                period.label, period.title
            )
        } else {
            format!("Period {}: {} ({when})", period.label, period.title)
        };
        bands.push(Band {
            id: period.id,
            x,
            width,
            height: event_y + BAND_BELOW_EVENTS,
            text,
            text_x: round(x + 6.0),
            text_y: BAND_TEXT_Y,
            shade: bands.len() % 2,
            approximate: *approximate,
            description,
        });
    }

    let mut newest: Vec<&TimelineRevision> = revisions.iter().collect();
    newest.sort_by_key(|r| r.seq);
    let omitted = newest.len().saturating_sub(MAX_REVISIONS);
    let span = span_for(&scale);
    let drawn = revisions::lane(&scale, span, &newest[omitted..], revision_y);

    let landmarks = events.iter().filter(|e| e.significance == Significance::Landmark).count();
    let summary = format!(
        "A timeline from {} to {}: {}, {} ({} landmark) and {} of the synthesis, on one time axis.",
        scale.start.year(),
        scale.end.year() - 1,
        plural(bands.len(), "period of the arc as a band", "periods of the arc as bands"),
        plural(events.len(), "event as a circle sized by significance", "events as circles sized by significance"),
        landmarks,
        plural(revisions.len(), "revision as a tick", "revisions as ticks"),
    );
    let summary = if drawn.groups.is_empty() {
        summary
    } else {
        format!("{summary} The revisions link to the history by {}.", span.noun())
    };
    Some(Timeline {
        width: WIDTH,
        height: axis_y + AXIS_TEXT_BELOW_AXIS + BOTTOM_MARGIN,
        left: LEFT,
        right: RIGHT,
        event_y,
        revision_y,
        axis_y,
        axis_text_y: axis_y + AXIS_TEXT_BELOW_AXIS,
        axis_tick_bottom: axis_y + 6.0,
        font: FONT,
        // 24 units across: at least 21 CSS px at the picture's narrowest, for a finger.
        hit_radius: HIT,
        bands,
        marks,
        ticks: axis(&scale),
        revisions_drawn: newest.len() - omitted,
        revisions: drawn,
        revision_span: span.noun(),
        revisions_omitted: omitted,
        caption: caption(events, revisions).unwrap_or_else(|| "The synthesis has not been written yet.".to_owned()),
        summary,
    })
}

#[cfg(test)]
mod tests;

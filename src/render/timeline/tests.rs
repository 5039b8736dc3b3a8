//! Unit tests of the timeline: scale, placement, labels and lanes.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn event(id: i64, date: NaiveDate, title: &str, significance: Significance) -> TimelineEvent {
    TimelineEvent { id, date, title: title.to_owned(), significance }
}

fn period(id: i64, label: &str) -> TimelinePeriod {
    TimelinePeriod { id, label: label.to_owned(), title: format!("Title {id}") }
}

fn revision(seq: i32, date: NaiveDate) -> TimelineRevision {
    TimelineRevision { seq, date, minor: false }
}

#[test]
fn bands_follow_their_labels_and_undated_periods_fill_the_gaps() {
    let periods = [period(1, "2023"), period(2, "An interlude"), period(3, "2025")];
    let t = build(&periods, &[event(1, d(2024, 6, 1), "Something", Significance::Major)], &[]).unwrap();
    assert_eq!(t.bands.len(), 3);
    let [a, b, c] = [&t.bands[0], &t.bands[1], &t.bands[2]];
    assert_eq!(a.x, LEFT);
    assert!(!a.approximate && b.approximate && !c.approximate);
    assert_eq!(b.x, round(a.x + a.width), "the undated period starts where 2023 ends");
    assert_eq!(c.x, round(b.x + b.width), "and ends where 2025 starts");
    assert_eq!(round(c.x + c.width), RIGHT);
    assert!(b.description.contains("placed by its order"), "{}", b.description);
    assert_eq!(a.shade, 0);
    assert_eq!(b.shade, 1);
}

#[test]
fn undated_periods_share_the_time_of_the_events() {
    let periods = [period(1, "Before"), period(2, "After")];
    let events =
        [event(1, d(2024, 1, 1), "A", Significance::Major), event(2, d(2024, 12, 30), "B", Significance::Major)];
    let t = build(&periods, &events, &[]).unwrap();
    assert_eq!(t.bands.len(), 2);
    assert!(t.bands.iter().all(|b| b.approximate));
    assert!((t.bands[0].width - t.bands[1].width).abs() < 4.0, "a day apart at most");
}

#[test]
fn marks_are_sized_by_significance() {
    assert!(radius(Significance::Landmark) > radius(Significance::Major));
    assert!(radius(Significance::Major) > radius(Significance::Notable));
    let events = [
        event(1, d(2024, 1, 10), "Small", Significance::Notable),
        event(2, d(2024, 5, 10), "Big", Significance::Landmark),
    ];
    let t = build(&[], &events, &[]).unwrap();
    assert_eq!(t.marks[0].r, radius(Significance::Notable));
    assert_eq!(t.marks[1].r, radius(Significance::Landmark));
    assert!(t.marks[0].label.is_none(), "notable events are not labelled");
    assert_eq!(t.marks[1].label.as_ref().unwrap().text, "Big");
    assert_eq!(t.marks[1].description, "Landmark event: Big, May 10, 2024");
}

#[test]
fn labels_never_overlap_and_landmarks_come_first() {
    // Ten events a day apart: their labels cannot share a row.
    let mut events: Vec<TimelineEvent> = (0..10)
        .map(|i| event(i, d(2024, 3, 1 + i as u32), &format!("Major event number {i}"), Significance::Major))
        .collect();
    events.push(event(99, d(2024, 3, 20), "The landmark that matters", Significance::Landmark));
    let t = build(&[], &events, &[]).unwrap();
    let placed: Vec<&MarkLabel> = t.marks.iter().filter_map(|m| m.label.as_ref()).collect();
    assert!(placed.len() <= LABEL_ROWS, "{} labels in {LABEL_ROWS} rows", placed.len());
    assert!(t.marks.iter().find(|m| m.id == 99).unwrap().label.is_some(), "the landmark is labelled");
    for (i, a) in placed.iter().enumerate() {
        for b in &placed[i + 1..] {
            if a.y == b.y {
                let span = |l: &MarkLabel| {
                    let w = text_width(&l.text);
                    if l.anchor == "start" { (l.x, l.x + w) } else { (l.x - w, l.x) }
                };
                let ((a0, a1), (b0, b1)) = (span(a), span(b));
                assert!(a1 <= b0 || b1 <= a0, "labels overlap: {a:?} {b:?}");
            }
        }
    }
}

#[test]
fn a_label_near_the_right_edge_runs_leftwards() {
    let events = [
        event(1, d(2024, 1, 2), "Start", Significance::Major),
        event(2, d(2024, 12, 30), "A long title at the very end", Significance::Landmark),
    ];
    let t = build(&[], &events, &[]).unwrap();
    let label = t.marks[1].label.as_ref().unwrap();
    assert_eq!(label.anchor, "end");
    assert!(label.x - text_width(&label.text) >= 2.0 && label.x <= WIDTH - 2.0);
}

#[test]
fn band_headers_shorten_to_fit() {
    let full = "2023 · The Year Open Became Real";
    assert_eq!(band_text(full, "2023", 1000.0).as_deref(), Some(full));
    let short = band_text(full, "2023", text_width("2023 · The Year Op…")).unwrap();
    assert!(short.ends_with('…') && text_width(&short) <= text_width("2023 · The Year Op…"), "{short}");
    assert_eq!(band_text(full, "2023", text_width("2023 · T")).as_deref(), Some("2023"));
    assert_eq!(band_text(full, "2023", 10.0), None);
}

#[test]
fn long_titles_are_shortened() {
    let s = shortened("Meta Releases Llama 3.1 405B, Largest Open-Weight Model");
    assert!(s.ends_with('…') && s.chars().count() <= LABEL_CHARS, "{s}");
    assert_eq!(shortened("Short"), "Short");
}

#[test]
fn the_caption_counts_days_from_the_latest_landmark() {
    let events = [
        event(1, d(2026, 2, 27), "DeepSeek R2", Significance::Landmark),
        event(2, d(2026, 3, 5), "A later major event", Significance::Major),
        event(3, d(2024, 1, 1), "Old landmark", Significance::Landmark),
    ];
    let revisions = [revision(1, d(2025, 1, 1)), revision(2, d(2026, 3, 8))];
    assert_eq!(
        caption(&events, &revisions).unwrap(),
        "The synthesis was last revised on Mar 8, 2026, 9 days after the latest landmark, “DeepSeek R2” (Feb 27, 2026)."
    );
    let stale = [revision(1, d(2026, 2, 26))];
    assert_eq!(
        caption(&events, &stale).unwrap(),
        "The synthesis was last revised on Feb 26, 2026, 1 day before the latest landmark, “DeepSeek R2” (Feb 27, 2026)."
    );
    let minor_after = [revision(1, d(2026, 2, 27)), TimelineRevision { seq: 2, date: d(2026, 3, 20), minor: true }];
    assert!(
        caption(&events, &minor_after).unwrap().contains("on Feb 27, 2026, the day of"),
        "minor edits do not count"
    );
    assert_eq!(caption(&[], &revisions).unwrap(), "The synthesis was last revised on Mar 8, 2026.");
    assert_eq!(caption(&events, &[]), None);
    let no_landmark = [event(5, d(2026, 3, 1), "Only major", Significance::Major)];
    assert!(caption(&no_landmark, &revisions).unwrap().contains("7 days after the latest event, “Only major”"));
}

#[test]
fn revisions_are_ticks_on_their_own_lane() {
    let revisions = [revision(1, d(2024, 2, 1)), TimelineRevision { seq: 2, date: d(2024, 8, 1), minor: true }];
    let t = build(&[], &[], &revisions).unwrap();
    assert_eq!(t.revisions.len(), 2);
    assert!(t.revisions.iter().all(|r| r.top < REVISION_Y && r.bottom > REVISION_Y && r.top > EVENT_Y));
    assert!(t.revisions[1].bottom - t.revisions[1].top < t.revisions[0].bottom - t.revisions[0].top);
    assert_eq!(t.revisions[1].description, "Synthesis revision 2, Aug 1, 2024 (minor edit)");
}

#[test]
fn nothing_to_draw_is_no_picture() {
    assert_eq!(build(&[period(1, "Someday")], &[], &[]), None);
    assert!(build(&[period(1, "2024")], &[], &[]).is_some());
}

#[test]
fn the_axis_is_in_years() {
    let t = build(&[period(1, "2023"), period(2, "2025")], &[], &[]).unwrap();
    let labels: Vec<&str> = t.ticks.iter().map(|t| t.text.as_str()).filter(|t| !t.is_empty()).collect();
    assert_eq!(labels, ["2023", "2024", "2025"]);
}

#[test]
fn marks_are_easy_to_tap() {
    let t = build(&[], &[event(1, d(2024, 3, 1), "Landmark", Significance::Landmark)], &[]).unwrap();
    assert!(t.hit_radius * 2.0 >= 24.0, "a 24-unit target at least");
}

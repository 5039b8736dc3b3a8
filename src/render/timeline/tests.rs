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
    TimelineRevision { seq, date, minor: false, change_id: Some(100 + i64::from(seq)) }
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
fn band_headers_shorten_to_fit() {
    let full = "2023 · The Year Open Became Real";
    assert_eq!(band_text(full, "2023", 1000.0).as_deref(), Some(full));
    assert_eq!(band_text(full, "2023", text_width("2023 · The Year Op…")).as_deref(), Some("2023 · The Year…"));
    assert_eq!(band_text(full, "2023", text_width("2023 · The")).as_deref(), Some("2023"), "not just the dot");
    assert_eq!(band_text(full, "2023", 10.0), None);
}

#[test]
fn titles_wrap_and_shorten_at_word_boundaries() {
    let title = "Meta Releases Llama 3.1 405B, Largest Open-Weight Model";
    let lines = landmark_lines(title).unwrap();
    assert!((2..=3).contains(&lines.len()), "{lines:?}");
    assert!(lines.iter().all(|l| text_width(l) <= 240.0), "{lines:?}");
    assert_eq!(lines.join(" "), title, "in full");
    assert_eq!(wrapped("one two", 1000.0, 1).unwrap(), ["one two"]);
    assert_eq!(wrapped("one two", text_width("one").max(text_width("two")), 2).unwrap(), ["one", "two"]);
    assert_eq!(wrapped("one two three", text_width("three"), 2), None, "three lines needed");
    assert_eq!(abbreviated(title, text_width("Meta Releases Llama 3.1…")).unwrap(), "Meta Releases Llama 3.1…");
    assert_eq!(abbreviated(title, text_width("Meta Releases Llama 3.1…") - 1.0).unwrap(), "Meta Releases Llama…");
    assert_eq!(abbreviated("Short", 100.0).unwrap(), "Short");
    let word = "x".repeat(200);
    assert_eq!(abbreviated(&word, 200.0), None, "a word is never cut");
    assert_eq!(landmark_lines(&word), None);
    let long = format!("{} {word}", "word ".repeat(5).trim());
    assert_eq!(landmark_lines(&long).unwrap(), ["word word word word word…"]);
}

#[test]
fn text_estimates_are_generous() {
    // DejaVu Sans advances (em): "W" .989, "m" .974, "a" .613, "0" .636, "l" .278.
    assert!(text_width("W") >= 0.989 * FONT && text_width("m") >= 0.974 * FONT);
    assert!(text_width("a") >= 0.613 * FONT && text_width("0") >= 0.636 * FONT && text_width("l") >= 0.278 * FONT);
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
    let minor_after = [revision(1, d(2026, 2, 27)), minor(2, d(2026, 3, 20))];
    assert!(
        caption(&events, &minor_after).unwrap().contains("on Feb 27, 2026, the day of"),
        "minor edits do not count"
    );
    assert_eq!(caption(&[], &revisions).unwrap(), "The synthesis was last revised on Mar 8, 2026.");
    assert_eq!(caption(&events, &[]), None);
    let no_landmark = [event(5, d(2026, 3, 1), "Only major", Significance::Major)];
    assert!(caption(&no_landmark, &revisions).unwrap().contains("7 days after the latest event, “Only major”"));
}

fn minor(seq: i32, date: NaiveDate) -> TimelineRevision {
    TimelineRevision { minor: true, ..revision(seq, date) }
}

/// The (x, top, bottom) of each segment of a tick path (`M x top V bottom`, repeated).
fn segments(path: &str) -> Vec<(f64, f64, f64)> {
    path.split('M')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (x_top, bottom) = s.split_once('V').expect("a vertical segment");
            let (x, top) = x_top.split_once(' ').expect("x and top");
            (x.parse().unwrap(), top.parse().unwrap(), bottom.parse().unwrap())
        })
        .collect()
}

#[test]
fn revisions_are_ticks_on_their_own_lane() {
    let revisions = [revision(1, d(2024, 2, 1)), minor(2, d(2024, 8, 1))];
    let t = build(&[], &[], &revisions).unwrap();
    let (major, minor) = (segments(&t.revisions.ticks), segments(&t.revisions.minor_ticks));
    assert_eq!((major.len(), minor.len()), (1, 1));
    for (_, top, bottom) in major.iter().chain(&minor) {
        assert!(*top < t.revision_y && *bottom > t.revision_y && *top > t.event_y);
    }
    assert!(minor[0].2 - minor[0].1 < major[0].2 - major[0].1, "minor edits are shorter");
    assert!(minor[0].0 > major[0].0, "in date order across");
    assert_eq!(t.revisions_drawn, 2);
}

#[test]
fn a_thousand_revisions_are_two_paths_and_a_link_per_month() {
    // Every revision on its own day for 1 000 days, every tenth a minor edit.
    let revisions: Vec<TimelineRevision> = (1..=1000)
        .map(|seq| {
            let date = d(2024, 1, 1) + chrono::Duration::days(i64::from(seq) - 1);
            if seq % 10 == 0 { minor(seq, date) } else { revision(seq, date) }
        })
        .collect();
    let t = build(&[], &[], &revisions).unwrap();
    assert_eq!((t.revisions_drawn, t.revisions_omitted), (MAX_REVISIONS, 500), "the newest 500 are drawn");
    let (major, minor) = (segments(&t.revisions.ticks), segments(&t.revisions.minor_ticks));
    assert_eq!(major.len() + minor.len(), 500, "a segment per day drawn");
    assert_eq!(minor.len(), 50);
    // 2024–2026 is three years: months are wide enough to point at, so they are the spans.
    assert_eq!(t.revision_span, "month");
    let groups = &t.revisions.groups;
    assert_eq!(groups.iter().map(|g| g.count).sum::<usize>(), 500);
    assert_eq!(groups.iter().map(|g| g.minor).sum::<usize>(), 50);
    assert!((16..=18).contains(&groups.len()), "500 days are 17 or so months: {}", groups.len());
    for pair in groups.windows(2) {
        assert!(pair[0].x + pair[0].width <= pair[1].x + 0.15, "spans do not overlap: {pair:?}");
        assert!(pair[0].last_seq < pair[1].first_seq);
    }
    assert!(groups.iter().all(|g| g.width >= HIT && g.height >= 2.0 * 11.0), "easy to point at");
    let last = groups.last().unwrap();
    assert_eq!(last.last_seq, 1000);
    assert_eq!(last.history_query, "kind=synthesis&before=1101#change-1100", "starts with its newest revision");
    assert_eq!(last.label, "Sep 2026");
    assert!(last.description.starts_with("Sep 2026: 26 revisions of the synthesis, 975 to 1000 (3 minor edits)"));
    // Weight: the lane's text grows with days drawn and spans, not with links per revision.
    let bytes = t.revisions.ticks.len() + t.revisions.minor_ticks.len();
    assert!(bytes < 500 * 20, "{bytes} bytes of path");
}

#[test]
fn spans_widen_when_months_are_too_narrow_to_point_at() {
    let long = [revision(1, d(2014, 3, 1)), revision(2, d(2024, 5, 1))];
    let t = build(&[], &[], &long).unwrap();
    assert_eq!(t.revision_span, "quarter", "eleven years");
    assert_eq!(t.revisions.groups.iter().map(|g| g.label.as_str()).collect::<Vec<_>>(), ["Q1 2014", "Q2 2024"]);
    assert!(t.revisions.groups.iter().all(|g| g.width >= HIT));
    let longer = [revision(1, d(1990, 3, 1)), revision(2, d(2024, 5, 1))];
    let t = build(&[], &[], &longer).unwrap();
    assert_eq!(t.revision_span, "year");
    assert_eq!(t.revisions.groups[0].label, "1990");
    assert_eq!(t.revisions.groups[0].description, "1990: revision 1 of the synthesis");
}

#[test]
fn a_save_and_a_minor_edit_on_one_day_are_one_tick_and_one_link() {
    let revisions = [revision(1, d(2025, 4, 2)), minor(2, d(2025, 4, 2)), minor(3, d(2025, 4, 9))];
    let t = build(&[], &[], &revisions).unwrap();
    assert_eq!(segments(&t.revisions.ticks).len(), 1);
    assert_eq!(segments(&t.revisions.minor_ticks).len(), 1, "only the day with nothing but minor edits");
    let [group] = t.revisions.groups.as_slice() else { panic!("one month: {:?}", t.revisions.groups) };
    assert_eq!(group.description, "Apr 2025: 3 revisions of the synthesis, 1 to 3 (2 minor edits)");
    assert!(t.summary.ends_with("The revisions link to the history by month."), "{}", t.summary);
}

#[test]
fn a_revision_without_a_changelog_entry_links_to_the_top_of_the_history() {
    let revisions = [TimelineRevision { change_id: None, ..minor(7, d(2025, 4, 2)) }];
    let t = build(&[], &[], &revisions).unwrap();
    assert_eq!(t.revisions.groups[0].history_query, "kind=synthesis");
    assert_eq!(t.revisions.groups[0].description, "Apr 2025: revision 7 of the synthesis (a minor edit)");
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

/// A line's box above its baseline, and below it: DejaVu Sans' ascent and descent (.928 and
/// .236 em), the tallest of the faces the picture may be drawn in.
const ASCENT: f64 = 0.93 * FONT;
const DESCENT: f64 = 0.24 * FONT;

/// Everything that makes the labels hard to read, in words: labels outside the picture, away
/// from their mark, over one another, over another mark's leader or over a band header, lines
/// wider than their box, and landmarks not labelled in full (or shortened mid-word).
fn problems(t: &Timeline) -> Vec<String> {
    let mut found = Vec::new();
    let labelled: Vec<(&Mark, &MarkLabel)> = t.marks.iter().filter_map(|m| Some((m, m.label.as_ref()?))).collect();
    for (m, l) in &labelled {
        let name = &m.title;
        if l.from < 0.0 || l.to > t.width || l.top < LABELS_TOP || l.bottom > m.cy - m.r {
            found.push(format!("“{name}” is outside its area: {l:?}"));
        }
        if !(l.from <= m.cx && m.cx <= l.to) || l.leader_top != l.bottom || l.leader_bottom != m.cy - m.r {
            found.push(format!("“{name}” is not joined to its mark: {l:?} at {}", m.cx));
        }
        for line in &l.lines {
            let fits = text_width(&line.text) <= l.to - l.from + 1e-6;
            if !fits || line.y - ASCENT < l.top - 1e-6 || line.y + DESCENT > l.bottom + 1e-6 {
                found.push(format!("a line of “{name}” leaves its box: {line:?} in {l:?}"));
            }
        }
        let full = l.text == *name;
        let shortened = l
            .text
            .strip_suffix('…')
            .is_some_and(|kept| name.strip_prefix(kept).is_some_and(|rest| rest.starts_with(' ')));
        if !full && (m.significance == "landmark" || !shortened) {
            found.push(format!("“{name}” is labelled “{}”", l.text));
        }
    }
    for (i, (m, a)) in labelled.iter().enumerate() {
        for (n, b) in labelled[i + 1..].iter() {
            if a.from < b.to && b.from < a.to && a.top < b.bottom && b.top < a.bottom {
                found.push(format!("“{}” overlaps “{}”", m.title, n.title));
            }
        }
        for (n, b) in &labelled {
            let through = a.from < n.cx && n.cx < a.to && b.leader_top < a.bottom && a.top < b.leader_bottom;
            if n.id != m.id && through {
                found.push(format!("the leader of “{}” crosses “{}”", n.title, m.title));
            }
        }
        for band in &t.bands {
            let Some(text) = &band.text else { continue };
            let (from, to) = (band.text_x, band.text_x + text_width(text));
            if a.from < to && from < a.to && a.top < band.text_y + DESCENT {
                found.push(format!("“{}” overlaps the band header “{text}”", m.title));
            }
        }
    }
    found
}

/// The tallest picture: every slot taken.
fn tallest() -> f64 {
    LABELS_TOP
        + SLOT * labels::MAX_SLOTS as f64
        + EVENTS_BELOW_LABELS
        + AXIS_BELOW_EVENTS
        + AXIS_TEXT_BELOW_AXIS
        + BOTTOM_MARGIN
}

/// The demo thread's events (/work/shared/demo/event-dates.tsv).
const DEMO: &str = "\
2023-07-11	major	Anthropic Launches Claude 2
2023-07-18	landmark	Meta Releases Llama 2 as Open-Weight Model
2023-09-27	major	Mistral AI Releases Mistral 7B via Torrent
2023-10-20	notable	Stability AI Faces Financial Crisis and Leadership Turmoil
2023-10-27	major	Google Invests Up to $2 Billion in Anthropic
2024-02-21	notable	Google Releases Gemma Open-Weight Models
2024-02-26	notable	Mistral AI Releases Mistral Large and Closes $415M Series A
2024-03-04	landmark	Anthropic Releases Claude 3 Model Family
2024-03-13	landmark	European Parliament Passes the EU AI Act
2024-03-17	notable	xAI Open-Sources Grok-1 Model Weights
2024-03-27	major	Amazon Completes $4 Billion Investment in Anthropic
2024-04-18	major	Meta Releases Llama 3
2024-06-10	major	Apple Announces Apple Intelligence at WWDC
2024-07-23	landmark	Meta Releases Llama 3.1 405B, Largest Open-Weight Model
2024-09-25	major	OpenAI Announces Plans to Restructure as For-Profit Company
2024-09-29	major	California Governor Newsom Vetoes AI Safety Bill SB 1047
2024-12-26	major	DeepSeek Releases DeepSeek-V3, High-Performance Open-Weight Model
2025-01-20	landmark	DeepSeek Releases R1 Reasoning Model
2025-01-28	major	Alibaba Releases Qwen2.5-VL as Open-Weight Visual Agent Model
2025-01-30	notable	Mistral AI Releases Small 3 — 24B Apache-2.0 Open-Weight Model
2025-03-12	major	Google Releases Gemma 3 Open-Weight Multimodal Family
2025-03-24	major	DeepSeek Silently Uploads V3-0324 Checkpoint, Open Weights Hit Frontier
2025-04-05	major	Meta Releases Llama 4 Scout and Maverick Models
2025-04-29	major	Alibaba Releases Qwen3 with Native Hybrid Reasoning
2025-09-29	major	Anthropic Releases Claude Sonnet 4.5 with 30-Hour Autonomous Operation
2025-10-15	notable	Anthropic Releases Claude Haiku 4.5 at Sonnet-4-Tier Coding Performance
2025-11-20	landmark	AI2 Releases OLMo 3 — First Fully Open Frontier Reasoning Model
2025-12-01	landmark	DeepSeek Releases V3.2 and V3.2-Speciale with Sparse Attention
2025-12-02	major	Mistral AI Releases Large 3 — 675B Open-Weight MoE
2026-02-17	major	Anthropic Releases Claude Sonnet 4.6 with 1M-Token Context in Beta";

fn demo_events() -> Vec<TimelineEvent> {
    DEMO.lines()
        .enumerate()
        .map(|(i, line)| {
            let [date, significance, title] = line.split('\t').collect::<Vec<_>>()[..] else { panic!("{line}") };
            let significance = match significance {
                "landmark" => Significance::Landmark,
                "major" => Significance::Major,
                _ => Significance::Notable,
            };
            event(i as i64 + 1, date.parse().unwrap(), title, significance)
        })
        .collect()
}

#[test]
fn the_demo_labels_every_landmark_in_full_and_nothing_overlaps() {
    let periods = [period(1, "2023"), period(2, "2024"), period(3, "2025")];
    let t = build(&periods, &demo_events(), &[revision(1, d(2026, 3, 8))]).unwrap();
    assert_eq!(problems(&t), Vec::<String>::new());
    for m in t.marks.iter().filter(|m| m.significance == "landmark") {
        assert_eq!(m.label.as_ref().map(|l| l.text.as_str()), Some(m.title.as_str()), "a landmark in full");
    }
    assert!(t.height <= tallest());
}

#[test]
fn landmarks_are_painted_last() {
    let t = build(&[], &demo_events(), &[]).unwrap();
    let order: Vec<&str> = t.painted().iter().map(|m| m.significance).collect();
    let first_landmark = order.iter().position(|s| *s == "landmark").unwrap();
    assert!(order[first_landmark..].iter().all(|s| *s == "landmark"), "{order:?}");
    assert!(order[..first_landmark].contains(&"notable") && order[..first_landmark].contains(&"major"));
    assert_eq!(t.painted().len(), t.marks.len());
}

#[test]
fn fifty_events_on_one_day_stay_readable_and_bounded() {
    let events: Vec<TimelineEvent> = (0..50)
        .map(|i| {
            let significance = [Significance::Landmark, Significance::Major, Significance::Notable][i % 3];
            event(i as i64, d(2024, 6, 1), &format!("Event number {i} of a very busy day in June"), significance)
        })
        .collect();
    let t = build(&[period(1, "2024")], &events, &[]).unwrap();
    assert_eq!(problems(&t), Vec::<String>::new());
    let labelled = t.marks.iter().filter(|m| m.label.is_some()).count();
    assert!((1..=2).contains(&labelled), "one label running each way at most: {labelled}");
    assert!(t.height <= tallest());
}

#[test]
fn a_title_of_one_long_word_is_left_to_the_mark() {
    let word = "W".repeat(200);
    let events =
        [event(1, d(2024, 6, 1), &word, Significance::Landmark), event(2, d(2024, 6, 2), &word, Significance::Major)];
    let t = build(&[], &events, &[]).unwrap();
    assert_eq!(problems(&t), Vec::<String>::new());
    assert!(t.marks.iter().all(|m| m.label.is_none()), "never cut mid-word");
    assert!(t.marks[0].description.contains(&word), "the mark names it in full");
}

#[test]
fn events_years_apart_are_labelled_in_full() {
    let events = [
        event(1, d(1969, 7, 20), "Apollo 11 Lands on the Moon", Significance::Landmark),
        event(2, d(1991, 8, 6), "The World Wide Web Goes Public", Significance::Landmark),
        event(3, d(2026, 3, 1), "A Much Later Development With a Rather Long Title Indeed", Significance::Landmark),
        event(4, d(2026, 3, 2), "And One More the Next Day", Significance::Major),
    ];
    let t = build(&[], &events, &[]).unwrap();
    assert_eq!(problems(&t), Vec::<String>::new());
    assert!(events[..3].iter().zip(&t.marks).all(|(e, m)| m.label.as_ref().is_some_and(|l| l.text == e.title)));
}

#[test]
fn hundreds_of_landmarks_fill_the_slots_and_no_more() {
    let events: Vec<TimelineEvent> = (0..300)
        .map(|i| {
            let date = d(2023, 1, 1) + chrono::Duration::days(i * 3);
            event(i, date, &format!("Landmark {i} with a title of several words to wrap"), Significance::Landmark)
        })
        .collect();
    let t = build(&[], &events, &[]).unwrap();
    assert_eq!(problems(&t), Vec::<String>::new());
    assert!(t.marks.iter().any(|m| m.label.is_some()));
    assert!(t.marks.iter().any(|m| m.label.is_none()), "the rest are marks only");
    assert!(t.height <= tallest());
}

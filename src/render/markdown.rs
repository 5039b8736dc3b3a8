//! Markdown -> HTML -> ammonia (configured in `render::sanitize`): the only maker of `SafeHtml`
//! (`domain::html`), the one type templates emit unescaped.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::{citations, sanitize};
use crate::domain::citation::{self, Cite, CiteBook, Note, Target};
use crate::domain::html::{BlockMap, SafeHtml};

/// Renders user Markdown to sanitized HTML. Raw HTML in the source is kept only where ammonia
/// allows it; scripts, event handlers and `javascript:` URLs never survive. Citation markers
/// stay as typed (texts that cite go through [`render_cited`]).
pub fn render_markdown(source: &str) -> SafeHtml {
    render_markdown_blocks(source).0
}

/// Put between top-level blocks while rendering and taken out after sanitizing. A private-use
/// character, removed from the user's own text, so only ours remain.
const BLOCK_MARK: char = '\u{E000}';

/// The markdown extensions every text is rendered with (and citations are looked for with).
/// No smart punctuation: the page shows the curator's characters as they typed them.
const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH).union(Options::ENABLE_FOOTNOTES);

/// Renders like `render_markdown` and also maps the blocks of the result, so a page can mark
/// some of them without rendering again. The map is `None` when a block's HTML would not stand
/// on its own (raw HTML left an element open across blocks).
pub fn render_markdown_blocks(source: &str) -> (SafeHtml, Option<BlockMap>) {
    let rendered = render_cited(source, &CiteBook::new());
    (rendered.html, rendered.blocks)
}

/// A text rendered with its citations.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: SafeHtml,
    pub blocks: Option<BlockMap>,
    /// One per marker, in text order (a target cited twice has two, under one number).
    pub cites: Vec<Cite>,
    /// The paragraphs (as `blame::paragraphs` counts them) of blocks that make claims: running
    /// text, lists and quotes, not headings, code, tables or rules.
    pub claim_paragraphs: Vec<i32>,
}

/// A run of text being joined: its first piece, the joined text once there is a second one,
/// and its source range.
type TextRun<'a> = (CowStr<'a>, Option<String>, std::ops::Range<usize>);

/// Ends a run of text: one event for all its pieces.
fn flush<'a>(run: &mut Option<TextRun<'a>>, out: &mut Vec<(Event<'a>, std::ops::Range<usize>)>) {
    if let Some((first, joined, range)) = run.take() {
        out.push((Event::Text(joined.map_or(first, CowStr::from)), range));
    }
}

/// The parser's events with each run of adjacent text joined into one event (the parser splits
/// text at brackets, so `[^src:12]` arrives in three pieces), each with its source range.
fn joined_events(source: &str) -> Vec<(Event<'_>, std::ops::Range<usize>)> {
    let mut out: Vec<(Event<'_>, std::ops::Range<usize>)> = Vec::new();
    // The run being joined: its first piece as the parser gave it, or (from the second piece
    // on) one growing string, so a paragraph of thousands of pieces joins in linear time.
    let mut run: Option<TextRun<'_>> = None;
    for (event, range) in Parser::new_ext(source, OPTIONS).into_offset_iter() {
        match (event, run.as_mut()) {
            (Event::Text(next), Some((first, joined, run_range))) => {
                joined.get_or_insert_with(|| first.to_string()).push_str(&next);
                run_range.end = range.end;
            }
            (Event::Text(next), None) => run = Some((next, None, range)),
            (other, _) => {
                flush(&mut run, &mut out);
                out.push((other, range));
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The citation markers of a Markdown text outside code, in order: what they cite, and the
/// malformed ones as written.
pub fn cited_targets(source: &str) -> (Vec<Target>, Vec<String>) {
    let (mut targets, mut malformed) = (Vec::new(), Vec::new());
    for (event, _) in joined_events(source) {
        if let Event::Text(text) = event {
            for found in citation::find(&text) {
                match found.target {
                    Ok(target) => targets.push(target),
                    Err(written) => malformed.push(written),
                }
            }
        }
    }
    (targets, malformed)
}

/// Renders a text whose markers cite what `book` holds: each becomes a numbered footnote
/// reference with a card shown on hover and focus, and the footnotes follow the text as its
/// last block. Markers citing what the book lacks stay as typed (the caller refuses those
/// before saving).
pub fn render_cited(source: &str, book: &CiteBook) -> Rendered {
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut block_ranges: Vec<std::ops::Range<usize>> = Vec::new();
    let mut depth = 0usize;
    let mut claim_blocks: Vec<bool> = Vec::new();
    let mut notes = citations::Footnotes::new(source, book);
    for (event, range) in joined_events(source) {
        let event = match event {
            Event::Text(t) if t.contains(BLOCK_MARK) => Event::Text(t.replace(BLOCK_MARK, "").into()),
            Event::Html(t) if t.contains(BLOCK_MARK) => Event::Html(t.replace(BLOCK_MARK, "").into()),
            other => other,
        };
        let ends_block = match &event {
            Event::Start(tag) => {
                if depth == 0 {
                    block_ranges.push(range.clone());
                    claim_blocks.push(matches!(tag, Tag::Paragraph | Tag::List(_) | Tag::BlockQuote(_)));
                }
                depth += 1;
                false
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                depth == 0
            }
            _ if depth == 0 => {
                block_ranges.push(range.clone());
                claim_blocks.push(false);
                true
            }
            _ => false,
        };
        match event {
            Event::Text(text) if !book.is_empty() => notes.cite_in(text, range.start, &mut events),
            other => events.push(other),
        }
        if ends_block {
            events.push(Event::Text(CowStr::from(BLOCK_MARK.to_string())));
        }
    }
    give_headings_ids(&mut events);
    let cites = notes.cites().to_vec();
    if notes.push_list(&mut events) {
        block_ranges.push(source.len()..source.len());
        events.push(Event::Text(CowStr::from(BLOCK_MARK.to_string())));
    }
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    let marked = sanitize::clean(&unsafe_html);
    let mut clean = String::with_capacity(marked.len());
    let mut ends = Vec::with_capacity(block_ranges.len());
    for (i, piece) in marked.split(BLOCK_MARK).enumerate() {
        // The HTML writer starts a line after our mark that it would not have started otherwise.
        clean.push_str(if i == 0 { piece } else { piece.strip_prefix('\n').unwrap_or(piece) });
        if i < block_ranges.len() {
            ends.push(i32::try_from(clean.len()).unwrap_or(i32::MAX));
        }
    }
    let paragraphs = paragraphs_of_blocks(source, &block_ranges);
    let claim_paragraphs = claim_blocks
        .iter()
        .zip(paragraphs.chunks(2))
        .filter(|(claim, pair)| **claim && pair[0] >= 0)
        .flat_map(|(_, pair)| pair[0]..=pair[1])
        .collect();
    let fits = ends.len() == block_ranges.len() && blocks_stand_alone(&clean, &ends);
    let map = fits.then_some(BlockMap { paragraphs, ends });
    Rendered { html: SafeHtml::from_sanitizer(clean), blocks: map, cites, claim_paragraphs }
}

/// The block map of `html` when it is what `source` renders to now (a revision saved by an
/// older renderer, or copied by a revert, may not be); `None` otherwise.
pub fn block_map_of(source: &str, html: &SafeHtml) -> Option<BlockMap> {
    let (rendered, map) = render_markdown_blocks(source);
    if rendered == *html { map } else { None }
}

/// Whether every block is well-formed on its own (sanitizing it changes nothing), so wrapping
/// some of them in an element cannot change how the rest of the text nests.
fn blocks_stand_alone(html: &str, ends: &[i32]) -> bool {
    let mut start = 0usize;
    ends.iter().all(|&end| {
        let end = usize::try_from(end).unwrap_or(usize::MAX);
        let Some(block) = html.get(start..end) else { return false };
        start = end;
        sanitize::clean(block) == block
    }) && html.get(start..).is_some_and(|rest| rest.trim().is_empty())
}

/// For each block's source range, the first and last paragraph it overlaps.
fn paragraphs_of_blocks(source: &str, blocks: &[std::ops::Range<usize>]) -> Vec<i32> {
    let paragraphs: Vec<std::ops::Range<usize>> = crate::domain::blame::paragraphs(source)
        .into_iter()
        .map(|p| {
            let start = p.as_ptr() as usize - source.as_ptr() as usize;
            start..start + p.len()
        })
        .collect();
    let index = |i: usize| i32::try_from(i).unwrap_or(i32::MAX);
    let mut out = Vec::with_capacity(blocks.len() * 2);
    // Paragraphs are sorted and disjoint, so the ones a block overlaps are a run found by two
    // binary searches: O(blocks × log paragraphs), not blocks × paragraphs.
    for block in blocks {
        let first = paragraphs.partition_point(|p| p.end <= block.start);
        let end = paragraphs.partition_point(|p| p.start < block.end);
        if first < end {
            out.push(index(first));
            out.push(index(end - 1));
        } else {
            out.extend([-1, -1]);
        }
    }
    out
}

/// How a page marks one block of a stored text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockNote {
    /// The block starts paragraph `n` (1-based): `#para-n` links to it.
    pub anchor: Option<i32>,
    /// Changed since the reader's last visit (runs of changed blocks share one region).
    pub changed: bool,
    /// Quiet notes after the block ("No citation", "Cites a dead link").
    pub notes: Vec<Note>,
}

impl SafeHtml {
    /// This HTML with each block marked as `note_of` says (given the block's first and last
    /// paragraph). Composes sanitized blocks with fixed markup only; a map that does not fit
    /// the text leaves it unmarked.
    pub fn annotated(&self, map: &BlockMap, note_of: impl Fn(i32, i32) -> BlockNote) -> SafeHtml {
        let html = self.as_str();
        let fits = map.paragraphs.len() == map.ends.len() * 2
            && map.ends.windows(2).all(|w| w[0] <= w[1])
            && map.ends.iter().all(|&e| usize::try_from(e).is_ok_and(|e| e <= html.len() && html.is_char_boundary(e)));
        if !fits {
            return self.clone();
        }
        let mut out = String::with_capacity(html.len() + 64 * map.ends.len());
        let mut start = 0usize;
        let mut open = false;
        for (i, &end) in map.ends.iter().enumerate() {
            let end = usize::try_from(end).unwrap_or_default();
            let note = note_of(map.paragraphs[2 * i], map.paragraphs[2 * i + 1]);
            if note.changed && !open {
                out.push_str("<div class=\"since-changed\"><p class=\"since-label\">Changed since your last visit</p>");
            } else if !note.changed && open {
                out.push_str("</div>");
            }
            open = note.changed;
            if let Some(n) = note.anchor {
                out.push_str(&format!("<span class=\"para-anchor\" id=\"para-{n}\"></span>"));
            }
            out.push_str(&html[start..end]);
            if !note.notes.is_empty() {
                out.push_str("<div class=\"support-note\">");
                for n in &note.notes {
                    out.push_str(&format!(
                        "<span class=\"support-mark support-{}\" role=\"img\" aria-label=\"{}\"></span>",
                        n.class, n.words
                    ));
                }
                out.push_str("</div>");
            }
            start = end;
        }
        if open {
            out.push_str("</div>");
        }
        out.push_str(&html[start..]);
        SafeHtml::from_sanitizer(out)
    }
}

/// Gives every heading an id made from its text ("The EU AI Act" -> `the-eu-ai-act`, then
/// `-2`, `-3` for repeats), so any part of a synthesis can be linked to.
fn give_headings_ids(events: &mut [Event<'_>]) {
    let mut used: HashSet<String> = HashSet::new();
    // The last suffix tried for each base: every smaller one is taken already, so a thousand
    // headings with the same text cost a thousand tries, not half a million.
    let mut last_tried: HashMap<String, usize> = HashMap::new();
    let mut start = 0;
    while start < events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[start] else {
            start += 1;
            continue;
        };
        let mut text = String::new();
        let mut end = start + 1;
        while end < events.len() && !matches!(events[end], Event::End(TagEnd::Heading(_))) {
            if let Event::Text(t) | Event::Code(t) = &events[end] {
                text.push_str(t);
            }
            end += 1;
        }
        let base = match slug::slugify(&text) {
            s if s.is_empty() => "section".to_owned(),
            s => s,
        };
        let n = last_tried.entry(base.clone()).or_insert(0);
        let candidate = loop {
            *n += 1;
            let candidate = if *n == 1 { base.clone() } else { format!("{base}-{n}") };
            if used.insert(candidate.clone()) {
                break candidate;
            }
        };
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
            *id = Some(CowStr::from(candidate));
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod cited {
        use super::*;
        use crate::domain::citation::CiteCard;
        use crate::domain::ids::{EventId, SourceId};
        use crate::domain::thread::Tier;

        fn book() -> CiteBook {
            let card = |title: &str, tier, url: Option<&str>, href: &str| CiteCard {
                title: title.to_owned(),
                detail: "Meta, Jul 18, 2023".to_owned(),
                tier,
                url: url.map(str::to_owned),
                href: href.to_owned(),
            };
            CiteBook::from([
                (
                    Target::Source(SourceId(1)),
                    card("Llama 2 <model> card", Some(Tier::Primary), Some("https://ai.meta.com/llama"), "/sources/1"),
                ),
                (Target::Event(EventId(2)), card("Llama 2 released", None, None, "/events/2")),
            ])
        }

        #[test]
        fn markers_become_numbered_references_and_footnotes_in_text_order() {
            let source = "Weights spread [^event:2] fast [^src:1].\n\nAgain [^src:1].";
            let r = render_cited(source, &book());
            let numbers: Vec<(Target, i32, i32)> = r.cites.iter().map(|c| (c.target, c.paragraph, c.number)).collect();
            assert_eq!(
                numbers,
                vec![
                    (Target::Event(EventId(2)), 0, 1),
                    (Target::Source(SourceId(1)), 0, 2),
                    (Target::Source(SourceId(1)), 1, 2),
                ]
            );
            let html = r.html.as_str();
            assert!(!html.contains("[^src:1]") && !html.contains("[^event:2]"), "{html}");
            assert_eq!(html.matches("<sup class=\"cite\"").count(), 3, "{html}");
            assert!(html.contains("-r2-2\""), "the second reference to 2 has its own id: {html}");
            assert_eq!(html.matches("<li id=\"md-c").count(), 2, "{html}");
            assert!(html.contains("Llama 2 &lt;model&gt; card"), "titles are text: {html}");
            assert!(html.contains("Primary source") && html.contains("href=\"https://ai.meta.com/llama\""), "{html}");
            assert!(html.contains("href=\"/events/2\""), "{html}");
            // Every reference links to a footnote that exists.
            for href in html.split("href=\"#").skip(1).map(|rest| &rest[..rest.find('"').unwrap_or(0)]) {
                assert!(html.contains(&format!("id=\"{href}\"")), "no element for #{href}: {html}");
            }
        }

        #[test]
        fn the_footnote_list_is_a_block_of_its_own_covering_no_paragraph() {
            let r = render_cited("One [^src:1].\n\nTwo.", &book());
            let map = r.blocks.expect("a block map");
            assert_eq!(map.ends.len(), 3);
            assert_eq!(&map.paragraphs[4..], &[-1, -1]);
            let last_start = usize::try_from(map.ends[1]).unwrap();
            assert!(r.html.as_str()[last_start..].starts_with("<div class=\"citations\">"), "{}", r.html);
        }

        #[test]
        fn markers_in_code_or_for_unknown_targets_stay_as_typed() {
            let r = render_cited("`[^src:1]` and [^src:9]", &book());
            assert!(r.cites.is_empty());
            assert!(
                r.html.as_str().contains("<code>[^src:1]</code>") && r.html.as_str().contains("[^src:9]"),
                "{}",
                r.html
            );
            let (targets, malformed) = cited_targets("`[^src:1]` [^src:9] [^event:x]");
            assert_eq!(targets, vec![Target::Source(SourceId(9))]);
            assert_eq!(malformed, vec!["[^event:x]".to_owned()]);
        }

        #[test]
        fn forged_citation_markup_from_users_cannot_carry_scripts() {
            let source =
                "<sup class=\"cite\" onmouseover=\"alert(1)\"><span class=\"cite-card evil\">x</span></sup> [^src:1]";
            let html = render_cited(source, &book()).html;
            assert!(!html.as_str().contains("onmouseover") && !html.as_str().contains("evil"), "{html}");
        }
    }

    #[test]
    fn markdown_becomes_html() {
        let html = render_markdown("# Title\n\nSome *emphasis* and a [link](https://example.org).");
        assert!(html.as_str().contains("<h1 id=\"md-title\">Title</h1>"), "{html}");
        assert!(html.as_str().contains("<em>emphasis</em>"));
        assert!(html.as_str().contains("rel=\"noopener noreferrer nofollow ugc\""));
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n\n<a href=\"JaVaScRiPt:alert(1)\">y</a>",
        );
        let out = html.as_str().to_lowercase();
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
    }

    #[test]
    fn headings_get_prefixed_unique_ids() {
        let html = render_markdown("## The EU AI Act\n\ntext\n\n## The EU AI Act\n\n<h2 id=\"synthesis\">x</h2>");
        assert!(html.as_str().contains("<h2 id=\"md-the-eu-ai-act\">"), "{html}");
        assert!(html.as_str().contains("<h2 id=\"md-the-eu-ai-act-2\">"), "{html}");
        assert!(!html.as_str().contains("id=\"synthesis\""), "{html}");
    }

    /// How text rendered before blocks were mapped: the mapping must not change a byte.
    fn unmapped(source: &str) -> String {
        let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
        let mut events: Vec<Event<'_>> = Parser::new_ext(source, options).collect();
        give_headings_ids(&mut events);
        let mut html = String::new();
        html::push_html(&mut html, events.into_iter());
        sanitize::clean(&html)
    }

    #[test]
    fn mapping_blocks_changes_nothing_in_the_html() {
        for source in [
            "# T\n\npara *em*\n\n- a\n- b\n\n1. x\n\n   y\n\n> quote\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "text[^1]\n\n[^1]: note\n\n<div>raw</div>\n\nafter\n\n```\ncode\n\nmore\n```\n",
        ] {
            assert_eq!(render_markdown(source).as_str(), unmapped(source));
        }
        let demo: serde_json::Value =
            serde_json::from_str(include_str!("../../demo/open-vs-closed-weights.json")).unwrap();
        let paragraphs: Vec<&str> =
            demo["synthesis_paragraphs"].as_array().unwrap().iter().filter_map(|p| p.as_str()).collect();
        assert!(!paragraphs.is_empty(), "the demo has a synthesis");
        let source = paragraphs.join("\n\n");
        assert_eq!(render_markdown(&source).as_str(), unmapped(&source));
    }

    #[test]
    fn blocks_map_to_the_paragraphs_they_came_from() {
        let source = "# Title\nFirst paragraph.\n\nSecond\nparagraph.\n\n- a\n\n- b\n\n---\n\nLast.";
        let (html, map) = render_markdown_blocks(source);
        assert_eq!(html, render_markdown(source));
        let map = map.expect("plain Markdown maps");
        // heading and first paragraph share source paragraph 0; the loose list spans 2 and 3.
        assert_eq!(map.paragraphs, vec![0, 0, 0, 0, 1, 1, 2, 3, 4, 4, 5, 5]);
        assert_eq!(map.ends.len(), 6);
        assert!(!html.as_str().contains(BLOCK_MARK));
    }

    #[test]
    fn annotating_anchors_paragraphs_and_adds_notes_after_blocks() {
        let (html, map) = render_markdown_blocks("# Head\n\nOne.\n\nTwo.");
        let marked = html.annotated(&map.unwrap(), |first, _| BlockNote {
            anchor: Some(first + 1),
            notes: if first == 2 { vec![Note::DEAD_LINK] } else { Vec::new() },
            ..BlockNote::default()
        });
        let flat = marked.as_str().replace('\n', "");
        assert!(flat.starts_with("<span class=\"para-anchor\" id=\"para-1\"></span><h1"), "{flat}");
        assert!(flat.ends_with("<span class=\"para-anchor\" id=\"para-3\"></span><p>Two.</p><div class=\"support-note\"><span class=\"support-mark support-dead-link\" role=\"img\" aria-label=\"Cites a dead link\"></span></div>"), "{flat}");
    }

    #[test]
    fn marking_wraps_runs_of_changed_blocks_and_keeps_the_rest() {
        let source = "One.\n\nTwo.\n\nThree.\n\nFour.";
        let (html, map) = render_markdown_blocks(source);
        let marked = html.annotated(&map.unwrap(), |first, _| BlockNote {
            changed: first == 1 || first == 2,
            ..BlockNote::default()
        });
        assert_eq!(
            marked.as_str().replace('\n', ""),
            "<p>One.</p><div class=\"since-changed\"><p class=\"since-label\">Changed since your last visit</p>\
             <p>Two.</p><p>Three.</p></div><p>Four.</p>"
        );
    }

    #[test]
    fn users_cannot_forge_block_boundaries_or_leave_elements_open() {
        let (html, map) = render_markdown_blocks("a\u{E000}b\n\nc");
        assert_eq!(html.as_str(), "<p>ab</p>\n<p>c</p>\n");
        assert_eq!(map.unwrap().ends.len(), 2);
        let (_, map) = render_markdown_blocks("<div>\n\nopen\n\n</div>");
        if let Some(map) = map {
            let (html, _) = render_markdown_blocks("<div>\n\nopen\n\n</div>");
            let marked = html.annotated(&map, |_, _| BlockNote { changed: true, ..BlockNote::default() });
            assert_eq!(sanitize::clean(marked.as_str()), marked.as_str());
        }
    }

    #[test]
    fn repeated_headings_count_up_past_ids_already_taken() {
        let html = render_markdown("## A 2\n\n## A\n\n## A\n\n## A");
        let ids: Vec<&str> = html.as_str().split("id=\"md-").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
        assert_eq!(ids, ["a-2", "a", "a-3", "a-4"]);
        // Thousands of the same heading: each id once, in order (the count is linear).
        let source = "# Same\n\n".repeat(3_000);
        let html = render_markdown(&source);
        assert!(html.as_str().contains("id=\"md-same-3000\""));
        assert_eq!(html.as_str().matches("id=\"md-same").count(), 3_000);
    }

    #[test]
    fn many_tiny_paragraphs_map_one_block_each() {
        let source = "a\n\n".repeat(20_000);
        let (_, map) = render_markdown_blocks(source.trim_end());
        let map = map.expect("plain paragraphs map");
        assert_eq!(map.ends.len(), 20_000);
        let expected: Vec<i32> = (0..20_000).flat_map(|i| [i, i]).collect();
        assert_eq!(map.paragraphs, expected);
    }

    #[test]
    fn svg_and_iframes_are_removed() {
        let html = render_markdown("<svg onload=alert(1)><circle/></svg><iframe src=\"https://evil\"></iframe>");
        assert!(!html.as_str().contains("<svg"));
        assert!(!html.as_str().contains("<iframe"));
    }
}

//! Citation markers become footnotes while a text is rendered (`render::markdown::render_cited`):
//! a numbered reference with a card that hover and focus reveal, and the list of what the text
//! cites after it. The markup is fixed; everything a user wrote goes in as text or link events,
//! which the HTML writer escapes, and the result goes through the sanitizer like the rest.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use sha2::{Digest, Sha256};

use crate::domain::blame;
use crate::domain::citation::{self, Cite, CiteBook, CiteCard, Target};

/// The footnotes of one text while it renders.
pub(super) struct Footnotes<'b> {
    book: &'b CiteBook,
    /// Prefix of this text's ids, from a hash of its source, so several cited texts can share a
    /// page (the synthesis and each interpretation) without their ids clashing.
    scope: String,
    /// Where each paragraph (as `blame::paragraphs` counts them) ends in the source.
    paragraph_ends: Vec<usize>,
    numbers: HashMap<Target, i32>,
    order: Vec<Target>,
    /// References made so far to each number, for the ids of the second and later ones.
    uses: HashMap<i32, usize>,
    cites: Vec<Cite>,
}

impl<'b> Footnotes<'b> {
    pub(super) fn new(source: &str, book: &'b CiteBook) -> Self {
        let paragraph_ends = if book.is_empty() {
            Vec::new()
        } else {
            blame::paragraphs(source).iter().map(|p| p.as_ptr() as usize - source.as_ptr() as usize + p.len()).collect()
        };
        let hash = hex::encode(&Sha256::digest(source.as_bytes())[..4]);
        Footnotes {
            book,
            scope: format!("c{hash}"),
            paragraph_ends,
            numbers: HashMap::new(),
            order: Vec::new(),
            uses: HashMap::new(),
            cites: Vec::new(),
        }
    }

    /// The citations made so far, in text order.
    pub(super) fn cites(&self) -> &[Cite] {
        &self.cites
    }

    /// Pushes a run of text that starts at `start` in the source, with each marker of a target
    /// in the book replaced by its footnote reference.
    pub(super) fn cite_in<'a>(&mut self, text: CowStr<'a>, start: usize, events: &mut Vec<Event<'a>>) {
        let found = citation::find(&text);
        if found.is_empty() {
            events.push(Event::Text(text));
            return;
        }
        // The paragraph of the run: a run of text never spans a blank line.
        let paragraph = i32::try_from(self.paragraph_ends.partition_point(|&end| end <= start)).unwrap_or(i32::MAX);
        let mut from = 0;
        for f in found {
            let Ok(target) = f.target else { continue };
            let Some(card) = self.book.get(&target) else { continue };
            if f.range.start > from {
                events.push(Event::Text(CowStr::from(text[from..f.range.start].to_owned())));
            }
            from = f.range.end;
            let next = i32::try_from(self.order.len() + 1).unwrap_or(i32::MAX);
            let number = *self.numbers.entry(target).or_insert_with(|| {
                self.order.push(target);
                next
            });
            let uses = self.uses.entry(number).or_insert(0);
            *uses += 1;
            self.cites.push(Cite { target, paragraph, number });
            let scope = &self.scope;
            events
                .push(Event::InlineHtml(CowStr::from(format!(r#"<sup class="cite" id="{scope}-r{number}-{uses}">"#))));
            push_link(events, format!("#md-{scope}-n{number}"), &card.title, number.to_string());
            events.push(Event::InlineHtml(CowStr::from(r#"<span class="cite-card">"#)));
            push_card(events, card);
            events.push(Event::InlineHtml(CowStr::from("</span></sup>")));
        }
        if from < text.len() {
            events.push(Event::Text(CowStr::from(text[from..].to_owned())));
        }
    }

    /// Pushes the list of footnotes, if the text cited anything; whether it did.
    pub(super) fn push_list(&self, events: &mut Vec<Event<'_>>) -> bool {
        if self.order.is_empty() {
            return false;
        }
        let scope = &self.scope;
        events.push(Event::Html(CowStr::from(
            r#"<div class="citations"><p class="citations-title">Sources cited</p><ol>"#,
        )));
        for (i, target) in self.order.iter().enumerate() {
            let Some(card) = self.book.get(target) else { continue };
            let number = i + 1;
            events.push(Event::Html(CowStr::from(format!(r#"<li id="{scope}-n{number}">"#))));
            push_link(events, card.href.clone(), "", card.title.clone());
            if !card.detail.is_empty() {
                events.push(Event::Text(CowStr::from(format!(", {}", card.detail))));
            }
            events.push(Event::Text(CowStr::from(" ")));
            push_badge(events, card);
            if let Some(url) = &card.url {
                events.push(Event::Text(CowStr::from(" · ")));
                push_link(events, url.clone(), "", "original".to_owned());
            }
            events.push(Event::Text(CowStr::from(" ")));
            push_link(events, format!("#md-{scope}-r{number}-1"), "Back to where it is cited", "↩ back".to_owned());
            events.push(Event::Html(CowStr::from("</li>")));
        }
        events.push(Event::Html(CowStr::from("</ol></div>")));
        true
    }
}

fn push_link(events: &mut Vec<Event<'_>>, href: String, title: &str, text: String) {
    events.push(Event::Start(Tag::Link {
        link_type: LinkType::Inline,
        dest_url: CowStr::from(href),
        title: CowStr::from(title.to_owned()),
        id: CowStr::from(""),
    }));
    events.push(Event::Text(CowStr::from(text)));
    events.push(Event::End(TagEnd::Link));
}

/// The card's words: title, detail, tier.
fn push_card(events: &mut Vec<Event<'_>>, card: &CiteCard) {
    events.push(Event::InlineHtml(CowStr::from("<strong>")));
    events.push(Event::Text(CowStr::from(card.title.clone())));
    events.push(Event::InlineHtml(CowStr::from("</strong>")));
    if !card.detail.is_empty() {
        events.push(Event::Text(CowStr::from(format!(", {} ", card.detail))));
    } else {
        events.push(Event::Text(CowStr::from(" ")));
    }
    push_badge(events, card);
}

fn push_badge(events: &mut Vec<Event<'_>>, card: &CiteCard) {
    let (class, label) = match card.tier {
        Some(tier) => (tier.as_str(), format!("{} source", tier.label())),
        None => ("event", "Event".to_owned()),
    };
    events.push(Event::InlineHtml(CowStr::from(format!(r#"<span class="tier tier-{class}">"#))));
    events.push(Event::Text(CowStr::from(label)));
    events.push(Event::InlineHtml(CowStr::from("</span>")));
}

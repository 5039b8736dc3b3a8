//! Atom feeds (RFC 4287) of changes and events, written by `atom_syndication` (which escapes
//! every text and attribute), with ids that never change: `tag:` URIs (RFC 4151) minted from the
//! site's public host and a fixed date, so an entry keeps its id across fetches and feeds.
//! `ops::feeds` turns changelog rows and events into the entries written here.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::domain::html::SafeHtml;
use crate::render::sanitize::FeedSanitizer;

/// The date of every `tag:` id. Fixed forever: changing it would change every id (RFC 4151 asks
/// for a date on which the minter held the authority name).
const TAG_DATE: &str = "2026";

/// Where the site lives: absolute links and the authority of its `tag:` ids.
#[derive(Debug, Clone)]
pub struct Site {
    base: String,
    authority: String,
}

impl Site {
    /// The site at `public_url` (`Settings::public_url`, without a trailing slash).
    pub fn new(public_url: &str) -> Self {
        let base = public_url.trim_end_matches('/').to_owned();
        // The port is left out: ids must not change when the site moves behind a proxy.
        let authority = url::Url::parse(&base)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_else(|| "localhost".to_owned());
        Site { base, authority }
    }

    /// The absolute URL of a path of ours.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What keeps other sites' images out of this site's feeds.
    pub fn images(&self) -> FeedSanitizer {
        FeedSanitizer::new(&self.base)
    }

    /// A stable id: `tag:host,2026:<specific>`.
    pub fn tag(&self, specific: &str) -> String {
        format!("tag:{},{TAG_DATE}:{specific}", self.authority)
    }
}

/// What a feed is, apart from its entries.
#[derive(Debug, Clone)]
pub struct FeedHead {
    pub id: String,
    pub title: String,
    pub subtitle: String,
    /// The page the feed mirrors (absolute).
    pub page: String,
    /// The feed's own address (absolute).
    pub self_url: String,
    /// `updated` when there are no entries (a thread's creation; a fixed time for site feeds,
    /// so an empty feed stays byte-identical and answers 304).
    pub updated_when_empty: DateTime<Utc>,
}

/// An entry's body: plain text, or HTML that went through the sanitizer.
#[derive(Debug, Clone)]
pub enum ItemContent {
    Text(String),
    Html(SafeHtml),
}

/// One entry.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub id: String,
    pub title: String,
    pub updated: DateTime<Utc>,
    pub published: DateTime<Utc>,
    pub author: String,
    pub author_uri: String,
    /// Where the entry can be read (absolute).
    pub link: String,
    /// A diff, when there is one (absolute).
    pub related: Option<String>,
    pub summary: Option<String>,
    pub content: ItemContent,
}

/// A rendered feed with what conditional GET needs.
#[derive(Debug, Clone)]
pub struct AtomDoc {
    pub body: Vec<u8>,
    /// The feed's `updated`: its newest entry's.
    pub updated: DateTime<Utc>,
    /// A hash of the body: changes with anything the feed shows, including a moderator hiding an
    /// entry (which adds no change row and may not move `updated`).
    pub etag: String,
}

/// Writes the feed.
pub fn render(head: &FeedHead, items: &[FeedItem]) -> anyhow::Result<AtomDoc> {
    use atom_syndication::{Content, Entry, Feed, Generator, Link, Person, Text};
    let link = |href: &str, rel: &str, mime: Option<&str>| Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Link::default()
    };
    let updated = items.iter().map(|i| i.updated).max().unwrap_or(head.updated_when_empty);
    let entries = items
        .iter()
        .map(|item| {
            let mut links = vec![link(&item.link, "alternate", Some("text/html"))];
            if let Some(related) = &item.related {
                links.push(link(related, "related", Some("text/html")));
            }
            let (value, kind) = match &item.content {
                ItemContent::Text(text) => (text.clone(), "text"),
                ItemContent::Html(html) => (html.as_str().to_owned(), "html"),
            };
            Entry {
                id: item.id.clone(),
                title: Text::plain(item.title.clone()),
                updated: item.updated.fixed_offset(),
                published: Some(item.published.fixed_offset()),
                authors: vec![Person {
                    name: item.author.clone(),
                    uri: Some(item.author_uri.clone()),
                    ..Person::default()
                }],
                links,
                summary: item.summary.clone().map(Text::plain),
                content: Some(Content {
                    value: Some(value),
                    content_type: Some(kind.to_owned()),
                    ..Content::default()
                }),
                ..Entry::default()
            }
        })
        .collect();
    let feed = Feed {
        id: head.id.clone(),
        title: Text::plain(head.title.clone()),
        subtitle: Some(Text::plain(head.subtitle.clone())),
        updated: updated.fixed_offset(),
        // Entries name their authors; the feed's author covers an empty feed (RFC 4287 §4.1.1).
        authors: vec![Person { name: "Agora".to_owned(), ..Person::default() }],
        generator: Some(Generator { value: "Agora".to_owned(), ..Generator::default() }),
        links: vec![
            link(&head.page, "alternate", Some("text/html")),
            link(&head.self_url, "self", Some("application/atom+xml")),
        ],
        lang: Some("en".to_owned()),
        entries,
        ..Feed::default()
    };
    let body = feed.write_to(Vec::new())?;
    let etag = hex::encode(&Sha256::digest(&body)[..16]);
    Ok(AtomDoc { body, updated, etag })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_ids_use_the_public_host_without_port_or_scheme() {
        let site = Site::new("https://Agora.Example:8443/");
        assert_eq!(site.tag("change/7"), "tag:agora.example,2026:change/7");
        assert_eq!(site.url("/recent"), "https://Agora.Example:8443/recent");
    }

    #[test]
    fn an_empty_feed_is_dated_by_its_head_and_its_etag_follows_the_bytes() {
        let site = Site::new("http://agora.test");
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let head = FeedHead {
            id: site.tag("recent"),
            title: "Recent changes".into(),
            subtitle: "Everything".into(),
            page: site.url("/recent"),
            self_url: site.url("/recent.atom"),
            updated_when_empty: at,
        };
        let doc = render(&head, &[]).unwrap();
        assert_eq!(doc.updated, at);
        let parsed = atom_syndication::Feed::read_from(&doc.body[..]).unwrap();
        assert_eq!(parsed.id, "tag:agora.test,2026:recent");
        assert_eq!(render(&head, &[]).unwrap().etag, doc.etag, "the same feed, the same tag");
        let other = FeedHead { title: "Other".into(), ..head };
        assert_ne!(render(&other, &[]).unwrap().etag, doc.etag);
    }
}

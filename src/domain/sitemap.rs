//! What the sitemap protocol (sitemaps.org) allows: at most 50 000 URLs per file, so a site past
//! that answers `/sitemap.xml` with an index of parts instead of the URLs themselves.

use chrono::{DateTime, Utc};

/// The most URLs one sitemap file may list (the protocol's limit).
pub const MAX_URLS: usize = 50_000;

/// What a sitemap part lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitemapKind {
    Threads,
    Events,
}

impl SitemapKind {
    /// Both kinds, in the order the sitemap lists them.
    pub const ALL: [SitemapKind; 2] = [SitemapKind::Threads, SitemapKind::Events];

    /// The path segment naming the kind (`/sitemaps/threads/{from_id}.xml`).
    pub fn as_str(self) -> &'static str {
        match self {
            SitemapKind::Threads => "threads",
            SitemapKind::Events => "events",
        }
    }
}

/// Whether the pages every sitemap lists (`fixed`) and `items` fit one file, or need an index.
pub fn needs_index(fixed: usize, items: i64) -> bool {
    usize::try_from(items).map_or(true, |n| n.saturating_add(fixed) > MAX_URLS)
}

/// A URL path and when it last changed (none for the listing pages, which change constantly).
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapUrl {
    pub path: String,
    pub lastmod: Option<DateTime<Utc>>,
}

/// A part of the index: the URL path of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapPart {
    pub path: String,
}

/// What `/sitemap.xml` answers.
#[derive(Debug, Clone)]
pub enum Sitemap {
    Urls(Vec<SitemapUrl>),
    Index(Vec<SitemapPart>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_holds_exactly_the_protocol_s_limit() {
        assert!(!needs_index(2, 49_998));
        assert!(needs_index(2, 49_999));
        assert!(needs_index(0, i64::MAX));
    }
}

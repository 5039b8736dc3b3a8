//! The sitemap files (sitemaps.org protocol 0.9) and `robots.txt`.

use askama::Template;

use crate::domain::sitemap::{Sitemap, SitemapUrl};
use crate::error::AppError;
use crate::render::format;

/// The media type of sitemaps.
pub const XML: &str = "application/xml; charset=utf-8";

/// A URL as the sitemap lists it.
struct UrlEntry {
    path: String,
    /// W3C datetime (RFC 3339, UTC).
    lastmod: Option<String>,
}

#[derive(Template)]
#[template(path = "sitemap/urlset.xml")]
struct UrlSet<'a> {
    site: &'a str,
    urls: Vec<UrlEntry>,
}

#[derive(Template)]
#[template(path = "sitemap/index.xml")]
struct Index<'a> {
    site: &'a str,
    parts: Vec<String>,
}

/// A `<urlset>` of `urls` on the site at `public_url`.
pub fn urlset(public_url: &str, urls: Vec<SitemapUrl>) -> Result<String, AppError> {
    let urls =
        urls.into_iter().map(|u| UrlEntry { path: u.path, lastmod: u.lastmod.map(format::iso_timestamp) }).collect();
    Ok(UrlSet { site: public_url, urls }.render()?)
}

/// `/sitemap.xml`: a `<urlset>`, or a `<sitemapindex>` of the parts.
pub fn sitemap(public_url: &str, sitemap: Sitemap) -> Result<String, AppError> {
    match sitemap {
        Sitemap::Urls(urls) => urlset(public_url, urls),
        Sitemap::Index(parts) => {
            Ok(Index { site: public_url, parts: parts.into_iter().map(|p| p.path).collect() }.render()?)
        }
    }
}

/// `robots.txt`: crawl the public pages, not the private or endless ones (diffs of every pair of
/// revisions, search results, forms), and find the sitemap.
pub fn robots(public_url: &str) -> String {
    const DISALLOW: [&str; 12] = [
        "/account",
        "/admin",
        "/api/",
        "/following",
        "/login",
        "/moderation",
        "/notifications",
        "/preview",
        "/search",
        "/signup",
        "/threads/*/diff",
        "/*/edit",
    ];
    let mut out = String::from("User-agent: *\n");
    for path in DISALLOW {
        out.push_str("Disallow: ");
        out.push_str(path);
        out.push('\n');
    }
    out.push_str(&format!("\nSitemap: {public_url}/sitemap.xml\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sitemap::SitemapPart;

    #[test]
    fn urls_are_escaped_and_dated_in_utc() {
        let at = chrono::DateTime::parse_from_rfc3339("2024-05-01T10:00:00+02:00").unwrap().to_utc();
        let xml =
            urlset("https://a.example", vec![SitemapUrl { path: "/x?a=1&b=2".into(), lastmod: Some(at) }]).unwrap();
        assert!(xml.contains("<loc>https://a.example/x?a=1&#38;b=2</loc>"), "an escaped ampersand: {xml}");
        assert!(xml.contains("<lastmod>2024-05-01T08:00:00Z</lastmod>"), "{xml}");
        assert!(xml.starts_with("<?xml"));
    }

    #[test]
    fn an_index_names_its_parts() {
        let xml =
            sitemap("https://a.example", Sitemap::Index(vec![SitemapPart { path: "/sitemaps/events/1.xml".into() }]))
                .unwrap();
        assert!(xml.contains("<sitemapindex"));
        assert!(xml.contains("<sitemap><loc>https://a.example/sitemaps/events/1.xml</loc></sitemap>"));
    }

    #[test]
    fn robots_names_the_sitemap_and_keeps_crawlers_out_of_private_pages() {
        let txt = robots("https://a.example");
        assert!(txt.contains("Sitemap: https://a.example/sitemap.xml"));
        assert!(txt.contains("Disallow: /account"));
        assert!(!txt.contains("Disallow: /threads\n"));
    }
}

//! The sanitizer: the one place ammonia is configured. Pages get the Markdown pipeline's output
//! through it (`render::markdown`); Atom feeds get stored HTML through a stricter copy of it
//! (`FeedSanitizer`), since feed readers show it without this site's Content-Security-Policy.

use std::collections::HashSet;
use std::sync::LazyLock;

use crate::domain::html::SafeHtml;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(configured);

/// The sanitizer's rules, shared by the page sanitizer and the feed one.
fn configured() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, &["id"]);
    }
    // Citation footnotes (`render::citations`): references and footnotes are linkable, and
    // their fixed classes style the hover card and the tier badge.
    builder.add_tag_attributes("sup", &["id"]).add_tag_attributes("li", &["id"]);
    builder
        .add_allowed_classes("sup", &["cite"])
        .add_allowed_classes(
            "span",
            &["cite-card", "tier", "tier-primary", "tier-secondary", "tier-opinion", "tier-event"],
        )
        .add_allowed_classes("div", &["citations"])
        .add_allowed_classes("p", &["citations-title"]);
    builder
        // Headings are linkable; the prefix keeps user ids from clashing with the page's own.
        .id_prefix(Some("md-"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // User links must not pass referrers or ranking to whatever they point at.
        .link_rel(Some("noopener noreferrer nofollow ugc"));
    builder
}

/// Stored HTML as it goes into Atom feeds. Feed readers show it without this site's
/// Content-Security-Policy, so an image from another site would be fetched by every reader
/// and tell its owner who reads what, and when: such an `<img>` loses its `src` (its `alt`
/// text stays). Images of this site keep theirs.
pub struct FeedSanitizer(ammonia::Builder<'static>);

impl FeedSanitizer {
    /// The sanitizer for feeds of the site at `public_url`.
    pub fn new(public_url: &str) -> Self {
        let site = url::Url::parse(public_url).ok();
        let mut builder = configured();
        builder.attribute_filter(move |element, attribute, value| {
            if (element, attribute) != ("img", "src") {
                return Some(value.into());
            }
            // Resolved the way a reader resolves it, so `//host` and `/\host` count as elsewhere.
            let target = site.as_ref().and_then(|s| s.join(value).ok());
            let same_site = match (&site, target) {
                (Some(site), Some(target)) => target.origin() == site.origin(),
                _ => false,
            };
            same_site.then(|| value.into())
        });
        FeedSanitizer(builder)
    }

    /// `html` with the images of other sites dropped.
    pub fn clean(&self, html: &SafeHtml) -> SafeHtml {
        SafeHtml::from_sanitizer(self.0.clean(html.as_str()).to_string())
    }
}

/// `html` through the page sanitizer (for `render::markdown`, which wraps the result).
pub(super) fn clean(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::render_markdown;

    #[test]
    fn feeds_keep_only_this_site_s_images_and_leave_the_rest_of_the_html_alone() {
        let feed = FeedSanitizer::new("https://agora.example");
        let src = |html: &str| {
            let clean = feed.clean(&render_markdown(html));
            let kept = clean.as_str().contains("src=");
            (kept, clean)
        };
        for outside in [
            "![x](https://evil.example/t.png)",
            "![x](//evil.example/t.png)",
            "![x](http://agora.example/t.png)",
            "![x](https://agora.example:8443/t.png)",
            "<img src=\"/\\evil.example/t.png\">",
            "<img src=\"\\\\evil.example/t.png\">",
        ] {
            let (kept, clean) = src(outside);
            assert!(!kept, "{outside} -> {clean}");
            assert!(clean.as_str().contains("<img"), "{clean}");
        }
        for inside in ["![x](/static/a.png)", "![x](https://agora.example/static/a.png)", "![x](a.png)"] {
            let (kept, clean) = src(inside);
            assert!(kept, "{inside} -> {clean}");
        }
        let text = render_markdown("# Head\n\nA [link](https://evil.example/) and *more*.");
        assert_eq!(feed.clean(&text), text, "cleaning twice changes nothing else");
    }
}

/// Stored HTML as a short plain-text summary (a shared link's preview): the text only, without
/// the citation markers and the list of sources, whitespace collapsed, cut at a word boundary.
pub fn plain_excerpt(html: &SafeHtml, max_chars: usize) -> String {
    static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
        let mut builder = ammonia::Builder::empty();
        // Footnote references (`sup`) and the "Sources cited" block (`div`) are not prose.
        builder.clean_content_tags(HashSet::from(["script", "style", "sup", "div"]));
        builder
    });
    let escaped = TEXT_ONLY.clean(html.as_str()).to_string();
    let text = html_escape::decode_html_entities(&escaped);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        if out.chars().count() + word.chars().count() + 1 > max_chars {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod excerpt_tests {
    use super::*;

    #[test]
    fn an_excerpt_is_the_prose_without_markup_or_citations() {
        let html = SafeHtml::from_stored(
            "<p>Meta &amp; friends <em>released</em> it<sup class=\"cite\"><a href=\"#c1\">1</a></sup>.</p>\
             <div class=\"citations\"><p>Sources cited</p></div>"
                .into(),
        );
        assert_eq!(plain_excerpt(&html, 200), "Meta & friends released it.");
    }

    #[test]
    fn a_long_text_is_cut_at_a_word() {
        let html = SafeHtml::from_stored(format!("<p>{}</p>", "word ".repeat(100)));
        let excerpt = plain_excerpt(&html, 22);
        assert_eq!(excerpt, "word word word word…");
        assert!(excerpt.chars().count() <= 23);
    }
}

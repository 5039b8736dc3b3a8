//! Markdown -> HTML -> ammonia. The one place the sanitizer is configured, and the only
//! way to make a `SafeHtml`, the one type templates emit unescaped.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

/// HTML that went through the sanitizer when it was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// HTML read back from a `*_html` column, which only `render_markdown` writes.
    pub fn from_stored(html: String) -> Self {
        SafeHtml(html)
    }

    /// The markup, for storing or emitting.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The markup, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, &["id"]);
    }
    builder
        // Headings are linkable; the prefix keeps user ids from clashing with the page's own.
        .id_prefix(Some("md-"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        // User links must not pass referrers or ranking to whatever they point at.
        .link_rel(Some("noopener noreferrer nofollow ugc"));
    builder
});

/// Renders user Markdown to sanitized HTML. Raw HTML in the source is kept only where ammonia
/// allows it; scripts, event handlers and `javascript:` URLs never survive.
pub fn render_markdown(source: &str) -> SafeHtml {
    // No smart punctuation: the page shows the curator's characters as they typed them.
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut events: Vec<Event<'_>> = Parser::new_ext(source, options).collect();
    give_headings_ids(&mut events);
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events.into_iter());
    SafeHtml(SANITIZER.clean(&unsafe_html).to_string())
}

/// Gives every heading an id made from its text ("The EU AI Act" -> `the-eu-ai-act`, then
/// `-2`, `-3` for repeats), so any part of a synthesis can be linked to.
fn give_headings_ids(events: &mut [Event<'_>]) {
    let mut used: HashSet<String> = HashSet::new();
    for start in 0..events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[start] else { continue };
        let text: String = events[start + 1..]
            .iter()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let base = match slug::slugify(&text) {
            s if s.is_empty() => "section".to_owned(),
            s => s,
        };
        let mut candidate = base.clone();
        let mut n = 1;
        while !used.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
            *id = Some(CowStr::from(candidate));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn svg_and_iframes_are_removed() {
        let html = render_markdown("<svg onload=alert(1)><circle/></svg><iframe src=\"https://evil\"></iframe>");
        assert!(!html.as_str().contains("<svg"));
        assert!(!html.as_str().contains("<iframe"));
    }
}

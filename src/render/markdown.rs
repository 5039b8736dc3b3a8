//! Markdown -> HTML -> ammonia. The one place the sanitizer is configured, and the only
//! way to make a `SafeHtml`, the one type templates emit unescaped.

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};
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
    builder
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
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(source, options));
    SafeHtml(SANITIZER.clean(&unsafe_html).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_html() {
        let html = render_markdown("# Title\n\nSome *emphasis* and a [link](https://example.org).");
        assert!(html.as_str().contains("<h1>Title</h1>"));
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
    fn svg_and_iframes_are_removed() {
        let html = render_markdown("<svg onload=alert(1)><circle/></svg><iframe src=\"https://evil\"></iframe>");
        assert!(!html.as_str().contains("<svg"));
        assert!(!html.as_str().contains("<iframe"));
    }
}

//! Sanitized HTML as a value: what every layer passes around and stores, made only by the
//! sanitizer in `render` (or read back from a column only it writes).
//!
//! The type lives here, below `db` and `render`, so the database can store it and pages can
//! show it without either depending on the other. Its SQL mapping (a `Text` column) is in
//! `db::html`; the Markdown pipeline that makes it is in `render::markdown`.

use serde::Serialize;

/// HTML that went through the sanitizer when it was saved: the one type templates emit
/// unescaped.
///
/// There is no `From<String>`: the only constructors are `from_sanitizer`, called by the
/// sanitizer alone (`render::markdown` and `render::sanitize`), and `from_stored`, for HTML read
/// back from a `*_html` column (which only the sanitizer's output is written to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// The sanitizer's output. Only `render::markdown` and `render::sanitize` call this, on HTML
    /// they have just cleaned (or composed from cleaned blocks and fixed markup).
    pub fn from_sanitizer(html: String) -> Self {
        SafeHtml(html)
    }

    /// HTML read back from a `*_html` column, which only the sanitizer's output is written to
    /// (the SQL mapping in `db::html` reads columns through this), or an empty text.
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

/// Where each top-level block of a rendered text ends in its HTML (byte offsets), and the first
/// and last Markdown paragraph (as `blame::paragraphs` counts them) it was rendered from.
/// `render::markdown` makes it while rendering; revisions store it so pages can mark changed
/// blocks without rendering again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockMap {
    pub ends: Vec<i32>,
    /// Flattened `[first, last]` pairs, one per block; `-1` when a block covers no paragraph.
    pub paragraphs: Vec<i32>,
}

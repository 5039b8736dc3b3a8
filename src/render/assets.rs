//! Static assets, compiled into the binary, each served under a content-hashed name so pages
//! can tell browsers to cache them for a year: a changed file gets a new name.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};

/// One asset.
#[derive(Debug)]
pub struct Asset {
    /// `/static/app.3f2a9c1b0d4e5f60.css`.
    pub url: String,
    pub content_type: &'static str,
    pub body: &'static str,
}

/// The URLs pages link to.
#[derive(Debug)]
pub struct Assets {
    pub app_css: Asset,
    pub editor_css: Asset,
    pub editor_js: Asset,
}

impl Assets {
    /// Every asset, for the route that serves them.
    pub fn all(&self) -> [&Asset; 3] {
        [&self.app_css, &self.editor_css, &self.editor_js]
    }

    /// The asset at `url`, if any.
    pub fn find(&self, url: &str) -> Option<&Asset> {
        self.all().into_iter().find(|a| a.url == url)
    }
}

fn asset(stem: &str, extension: &str, content_type: &'static str, body: &'static str) -> Asset {
    let hash = hex::encode(Sha256::digest(body.as_bytes()));
    Asset { url: format!("/static/{stem}.{}.{extension}", &hash[..16]), content_type, body }
}

/// The assets of this build.
pub static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets {
    app_css: asset("app", "css", "text/css; charset=utf-8", include_str!("../../static/app.css")),
    editor_css: asset("editor", "css", "text/css; charset=utf-8", include_str!("../../static/editor.css")),
    editor_js: asset("editor", "js", "text/javascript; charset=utf-8", include_str!("../../static/editor.js")),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_a_content_hash_and_resolve() {
        let css = &ASSETS.app_css;
        assert!(css.url.starts_with("/static/app.") && css.url.ends_with(".css"));
        assert_eq!(css.url.len(), "/static/app.".len() + 16 + ".css".len());
        assert!(ASSETS.find(&css.url).is_some());
        assert!(ASSETS.find("/static/app.css").is_none());
    }
}

//! Turning stored data into what people see: sanitized Markdown, diffs, and askama pages.

pub mod assets;
pub mod citations;
pub mod diff;
pub mod feeds;
pub mod format;
pub mod highlight;
pub mod markdown;
pub mod pages;
pub mod sanitize;
pub mod sitemap;
pub mod timeline;

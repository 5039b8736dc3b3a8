//! Turning stored data into what people see: sanitized Markdown, diffs, and askama pages.

pub mod assets;
pub mod diff;
pub mod format;
pub mod highlight;
pub mod markdown;
pub mod pages;

pub use markdown::SafeHtml;

//! The markers search snippets carry around matched words: written by the database (`db::search`
//! asks `ts_headline` for them as `chr(2)` and `chr(3)`) and read by `render::highlight`, which
//! turns them into `<mark>`. They are control characters, which validated text cannot hold in
//! titles and which the search query strips from bodies before highlighting.

/// Marks the start of a matched word in snippets (`chr(2)` in SQL).
pub const HIGHLIGHT_START: char = '\u{2}';
/// Marks the end of a matched word in snippets (`chr(3)` in SQL).
pub const HIGHLIGHT_END: char = '\u{3}';

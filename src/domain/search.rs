//! The markers search snippets carry around matched words: written by the database (`db::search`
//! asks `ts_headline` for them as `chr(2)` and `chr(3)`) and read by `render::highlight`, which
//! turns them into `<mark>`. They are control characters, which validated text cannot hold in
//! titles and which the search query strips from bodies before highlighting.

/// Marks the start of a matched word in snippets (`chr(2)` in SQL).
pub const HIGHLIGHT_START: char = '\u{2}';
/// Marks the end of a matched word in snippets (`chr(3)` in SQL).
pub const HIGHLIGHT_END: char = '\u{3}';

/// Results are counted up to this many; past it a page says "more than" it. The hits are ranked
/// in full anyway, but the count stays a bounded step on top of them.
pub const COUNT_CAP: i64 = 100;

/// "1 result for “fox”", "42 results for …", "More than 100 results for …": `found` hits,
/// counted up to one past `COUNT_CAP`, for the words `text`.
pub fn results_heading(found: i64, text: &str) -> String {
    match found {
        1 => format!("1 result for \u{201c}{text}\u{201d}"),
        n if n > COUNT_CAP => format!("More than {COUNT_CAP} results for \u{201c}{text}\u{201d}"),
        n => format!("{n} results for \u{201c}{text}\u{201d}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_reads_as_words_and_says_when_it_stopped_counting() {
        assert_eq!(results_heading(1, "fox"), "1 result for “fox”");
        assert_eq!(results_heading(2, "fox"), "2 results for “fox”");
        assert_eq!(results_heading(COUNT_CAP, "fox"), "100 results for “fox”");
        assert_eq!(results_heading(COUNT_CAP + 1, "fox"), "More than 100 results for “fox”");
    }
}

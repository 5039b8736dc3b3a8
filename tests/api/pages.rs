//! Reading the pages the app serves: texts and attributes by CSS selector, table columns by
//! their headings, and the checks every page must pass (every control labelled).

use scraper::{Html, Selector};

/// The headings of a thread page's sections, in page order.
pub const THREAD_PAGE_HEADINGS: [&str; 7] = [
    "Canonical Synthesis",
    "Timeline",
    "The Arc",
    "Interpretations",
    "Open Questions",
    "Events in this thread",
    "Active Controversies",
];

/// The CSS selector of a section of the thread page, by the anchor its heading carries.
pub fn section(anchor: &str) -> String {
    format!("section[aria-labelledby={anchor}]")
}

/// The trimmed texts of every element matching `css`.
pub fn texts(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector)
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The value of `attr` on every element matching `css`.
pub fn attrs(html: &str, css: &str, attr: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(css).unwrap();
    doc.select(&selector).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
}

/// The cells under the column headed `header` in the table matching `table`, top row first.
/// Cells are found by the heading's position, so a moved or renamed column fails loudly rather
/// than reading its neighbour. Rows without a cell in that position (a full-width row) are skipped.
pub fn table_column(html: &str, table: &str, header: &str) -> Vec<String> {
    let headers = texts(html, &format!("{table} thead th"));
    let Some(index) = headers.iter().position(|h| h == header) else {
        panic!("no column {header:?} in {headers:?}");
    };
    texts(html, &format!("{table} tbody tr > td:nth-child({})", index + 1))
}

/// The cells under the column headed `header` in a changelog table (a thread's history, recent
/// changes, the moderation log), top row first.
pub fn changes_column(html: &str, header: &str) -> Vec<String> {
    table_column(html, "table.changes", header)
}

/// The ids of the rows of a changelog table (`change-17` → 17), top first.
pub fn change_ids(html: &str) -> Vec<i64> {
    attrs(html, "tr.change", "id").iter().map(|id| id.trim_start_matches("change-").parse().unwrap()).collect()
}

/// Every form control in the page has a label (by `for`, by nesting, or by aria-label).
pub fn assert_every_control_labelled(html: &str) {
    let doc = Html::parse_document(html);
    let controls = Selector::parse("input:not([type=hidden]), textarea, select").unwrap();
    let labels: Vec<String> = attrs(html, "label", "for");
    for control in doc.select(&controls) {
        let id = control.value().attr("id").unwrap_or_default();
        let labelled = labels.iter().any(|f| f == id) || control.value().attr("aria-label").is_some();
        assert!(labelled, "control without a label: {}", control.html());
    }
}

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

/// Checks that a page speaks words: no stored code (a `snake_case` vocabulary value or field
/// name such as `emerging_consensus`) in its visible text, and every machine-style date or time
/// (`2026-03-08`, `14:05`) inside a `<time>` whose `datetime` holds it exactly, with a `title`
/// giving the exact moment when it is one. `context` names the page in failures.
pub fn assert_words_not_codes(html: &str, context: &str) {
    use scraper::Node;
    let doc = Html::parse_document(html);
    let skipped = ["script", "style", "textarea", "time", "code", "pre"];
    for node in doc.root_element().descendants() {
        let Node::Text(text) = node.value() else { continue };
        let inside_skipped =
            node.ancestors().any(|a| a.value().as_element().is_some_and(|e| skipped.contains(&e.name())));
        if inside_skipped {
            continue;
        }
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let parts: Vec<&str> = word.split('_').collect();
            assert!(
                parts.len() < 2 || parts.iter().any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_lowercase())),
                "{context}: a stored code reaches the reader: {word:?} in {:?}",
                &**text
            );
        }
        let chars: Vec<char> = text.chars().collect();
        let digits =
            |from: usize, n: usize| chars.get(from..from + n).is_some_and(|r| r.iter().all(char::is_ascii_digit));
        for i in 0..chars.len() {
            let iso_date = digits(i, 4) && chars.get(i + 4) == Some(&'-') && digits(i + 5, 2);
            let clock = digits(i, 2) && chars.get(i + 2) == Some(&':') && digits(i + 3, 2);
            assert!(!iso_date && !clock, "{context}: a date or time outside <time>: {:?}", &**text);
        }
    }
    let times = Selector::parse("time").unwrap();
    for time in doc.select(&times) {
        let datetime = time.value().attr("datetime").unwrap_or_else(|| panic!("{context}: {}", time.html()));
        assert!(!datetime.is_empty(), "{context}: {}", time.html());
        if datetime.contains('T') {
            assert_eq!(
                time.value().attr("title"),
                Some(datetime),
                "{context}: a moment names itself exactly: {}",
                time.html()
            );
        }
        let shown = time.text().collect::<String>();
        let machine =
            shown.trim().get(..5).is_some_and(|s| s[..4].chars().all(|c| c.is_ascii_digit()) && s.ends_with('-'));
        assert!(!machine, "{context}: a machine date is shown, not a readable one: {shown}");
    }
}

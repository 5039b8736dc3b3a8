//! The fair-summary signal as the thread page shows it: per rated item, each declared camp's
//! share of "yes" from the newest stored fit, the "fair across camps" mark, and (for a signed-in
//! reader) their camp and rating forms. Built in `ops::fairness`.

/// What the signal measures, in one sentence on the page.
pub const EXPLANATION: &str = "Readers who hold different interpretations say whether a text represents \
their view fairly; “fair across camps” means people who usually disagree agree that it does. It is \
not a verdict on which view is right, and it never changes the stance label.";

/// The thread page's part of the signal.
#[derive(Debug, Clone, Default)]
pub struct FairnessView {
    pub explanation: &'static str,
    /// The current synthesis (`None` before its first substantive revision).
    pub synthesis: Option<ItemFairness>,
    pub interpretations: Vec<ItemFairness>,
    /// The signed-in reader's own part (`None` for visitors and suspended accounts).
    pub mine: Option<MineView>,
}

impl FairnessView {
    /// The figures of interpretation `id`, for its place in the interpretations loop.
    pub fn interpretation(&self, id: &i64) -> Option<&ItemFairness> {
        self.interpretations.iter().find(|i| i.id == *id)
    }
}

/// One rated item: its figures and the reader's rating form.
#[derive(Debug, Clone)]
pub struct ItemFairness {
    /// "synthesis" or "interpretation".
    pub kind: &'static str,
    /// The thread's id (synthesis) or the interpretation's.
    pub id: i64,
    /// The version the rating form sends (the shown revision's seq, or the interpretation's
    /// version).
    pub version: i32,
    /// The rating form's question: "Does “Democratization reading” represent this view fairly?".
    pub legend: String,
    pub figures: Option<FiguresView>,
    /// The rating form's choices, the reader's own preselected (empty without a reader).
    pub choices: Vec<Choice>,
}

/// The stored figures of one item version.
#[derive(Debug, Clone)]
pub struct FiguresView {
    /// The figures are for an earlier revision (the current one has none yet).
    pub earlier: bool,
    /// "Democratization reading: 8 of 10 say fair", one per declared camp.
    pub lines: Vec<String>,
    /// Raters of the item version, with or without a declared camp.
    pub ratings: i32,
    pub fair: bool,
    pub fitted: String,
    pub fitted_iso: String,
}

/// One answer of a rating form.
#[derive(Debug, Clone)]
pub struct Choice {
    /// "yes", "somewhat", "no".
    pub value: &'static str,
    /// "Yes", "Somewhat", "No".
    pub label: &'static str,
    pub checked: bool,
}

/// A signed-in reader's camp form.
#[derive(Debug, Clone)]
pub struct MineView {
    /// "Democratization reading", "none of these"; `None` before they declare one.
    pub camp: Option<String>,
    /// (value, label, checked): each interpretation, then "none" (none of these).
    pub options: Vec<(String, String, bool)>,
}

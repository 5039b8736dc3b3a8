//! The thread index and the thread page (built in `ops::thread_page` from the cached page data).

use askama::Template;

use super::Chrome;
use super::changes::KindOption;
use crate::domain::citation::Note;
use crate::domain::html::SafeHtml;
use crate::render::timeline::Timeline;

/// A thread as the index lists it.
#[derive(Debug, Clone)]
pub struct ThreadCard {
    pub slug: String,
    pub title: String,
    pub framing_question: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub stance: &'static str,
    pub stance_label: &'static str,
    pub updated: String,
    pub updated_iso: String,
    /// Issue 17: the thread needs attention (set by the index; `false` elsewhere).
    pub needs_attention: bool,
}

/// `/`: threads, filtered by status and stance, by activity, creation or title.
#[derive(Template)]
#[template(path = "threads/index.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub threads: Vec<ThreadCard>,
    /// The next page, keeping the filters and order.
    pub next_href: Option<String>,
    pub statuses: Vec<KindOption>,
    pub stances: Vec<KindOption>,
    pub sorts: Vec<KindOption>,
    /// A status or stance filter is on (an empty list then means "none match", not "none yet").
    pub filtered: bool,
    /// Issue 17: the "needs attention" filter is on.
    pub attention_filter: bool,
}

/// An event as a list shows it.
#[derive(Debug, Clone)]
pub struct EventItem {
    pub id: i64,
    pub title: String,
    pub significance: &'static str,
    pub significance_label: &'static str,
    pub date: String,
    pub date_iso: String,
    /// "New", "Changed" or "Answered" since the reader last read the thread (signed-in readers).
    pub since_mark: Option<&'static str>,
}

/// The current synthesis as the page shows it.
#[derive(Debug, Clone)]
pub struct SynthesisView {
    pub seq: i32,
    pub author: String,
    pub updated: String,
    pub updated_iso: String,
    pub html: SafeHtml,
    /// Cited sources whose links are dead or redirected.
    pub link_flags: Vec<LinkFlag>,
    /// Paragraphs making claims with no citation, or only opinion (shown to its editors).
    pub unsupported: usize,
}

/// A cited source whose link is dead or redirected, flagged under the text citing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFlag {
    pub title: String,
    /// "Dead", "Redirected".
    pub status: &'static str,
    pub href: String,
}

/// A titled item with a sanitized body (arc period, interpretation, controversy).
#[derive(Debug, Clone)]
pub struct ItemView {
    pub id: i64,
    pub heading: String,
    pub html: SafeHtml,
    /// Proponents, for interpretations.
    pub proponents: Vec<String>,
    /// "No citation" or "Cites opinion only", for interpretations that lack support.
    pub support_note: Option<Note>,
    pub link_flags: Vec<LinkFlag>,
    /// "New", "Changed" or "Answered" since the reader last read the thread (signed-in readers).
    pub since_mark: Option<&'static str>,
}

/// A question, open or answered.
#[derive(Debug, Clone)]
pub struct QuestionView {
    pub id: i64,
    pub text: String,
    /// The question rendered, with its citations.
    pub html: SafeHtml,
    pub link_flags: Vec<LinkFlag>,
    /// Empty while the question is open.
    pub answer: String,
    /// "New", "Changed" or "Answered" since the reader last read the thread (signed-in readers).
    pub since_mark: Option<&'static str>,
}

/// `/threads/{slug}`, in the order of the seed page format.
#[derive(Template)]
#[template(path = "threads/show.html")]
pub struct ThreadPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub framing_question: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub stance: &'static str,
    pub stance_label: &'static str,
    pub curators: Vec<String>,
    pub since: String,
    pub since_iso: String,
    pub updated: String,
    pub updated_iso: String,
    pub synthesis: Option<SynthesisView>,
    pub arc: Vec<ItemView>,
    pub interpretations: Vec<ItemView>,
    pub questions: Vec<QuestionView>,
    pub answered: Vec<QuestionView>,
    pub events: Vec<EventItem>,
    pub controversies: Vec<ItemView>,
    pub can_edit: bool,
    /// "This thread is locked until …", while a lock is in force.
    pub locked: Option<String>,
    pub can_moderate: bool,
    /// The signed-in reader's own state: following, and what changed since they last read.
    pub reader: Option<ReaderView>,
    /// The timeline picture; `None` when the thread has nothing dated to show.
    pub timeline: Option<Timeline>,
    /// The evidence matrix in a sentence, linked; `None` without events or interpretations.
    pub matrix_summary: Option<super::matrix::MatrixSummaryView>,
    /// Issue 17: why the thread needs attention, decided per view; `None` when it does not.
    pub attention: Option<super::attention::AttentionBadge>,
    /// Issue 17: the fair-summary signal (stored figures; the reader's forms when signed in).
    pub fairness: super::fairness::FairnessView,
    /// The governed stance label's line: since when, its history, a pending proposal.
    pub label: super::stance::LabelLine,
}

/// A signed-in reader's own part of a thread page.
#[derive(Debug, Clone)]
pub struct ReaderView {
    pub following: bool,
    pub since: Option<SinceView>,
}

/// The "since you last read" summary.
#[derive(Debug, Clone)]
pub struct SinceView {
    pub read_on: String,
    pub read_iso: String,
    /// A sentence, capitalized: "The synthesis changed in 2 places and 3 new events".
    pub summary: String,
    pub diff_href: Option<String>,
    pub marked: bool,
}

impl ThreadPage {
    /// "terry-tang, alice" for the curator line.
    pub fn curator_line(&self) -> String {
        self.curators.join(", ")
    }
}

/// "This thread…" from "this thread…".
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `/threads/{slug}/curators`: who curates the thread, with add and remove forms.
#[derive(Template)]
#[template(path = "threads/curators.html")]
pub struct CuratorsPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub curators: Vec<String>,
    pub error: Option<String>,
    /// The username typed in the "add" form, kept when the addition was refused.
    pub typed: String,
    /// Who can be added, by this visitor, in one sentence.
    pub add_hint: &'static str,
}

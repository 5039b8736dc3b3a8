//! The thread index and the thread page.

use askama::Template;

use super::Chrome;
use super::changes::KindOption;
use crate::db::events::EventRow;
use crate::db::thread_page::ThreadPageData;
use crate::db::threads::ThreadRow;
use crate::domain::html::SafeHtml;
use crate::ops::following::ReaderState;
use crate::render::format;
use crate::render::timeline::{self, Timeline};

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
}

impl From<&ThreadRow> for ThreadCard {
    fn from(t: &ThreadRow) -> Self {
        ThreadCard {
            slug: t.slug.clone(),
            title: t.title.clone(),
            framing_question: t.framing_question.clone(),
            status: t.status().as_str(),
            status_label: t.status().label(),
            stance: t.stance().as_str(),
            stance_label: t.stance().label(),
            updated: format::day(t.updated_at),
            updated_iso: format::iso_date(t.updated_at),
        }
    }
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
}

impl From<&EventRow> for EventItem {
    fn from(e: &EventRow) -> Self {
        EventItem {
            id: e.id,
            title: e.title.clone(),
            significance: e.significance().as_str(),
            significance_label: e.significance().label(),
            date: format::event_date(e.occurred_on),
            date_iso: e.occurred_on.to_string(),
        }
    }
}

/// The current synthesis as the page shows it.
#[derive(Debug, Clone)]
pub struct SynthesisView {
    pub seq: i32,
    pub author: String,
    pub updated_iso: String,
    pub html: SafeHtml,
}

/// A titled item with a sanitized body (arc period, interpretation, controversy).
#[derive(Debug, Clone)]
pub struct ItemView {
    pub id: i64,
    pub heading: String,
    pub html: SafeHtml,
    /// Proponents, for interpretations.
    pub proponents: Vec<String>,
}

/// A question, open or answered.
#[derive(Debug, Clone)]
pub struct QuestionView {
    pub id: i64,
    pub text: String,
    /// Empty while the question is open.
    pub answer: String,
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
    /// Builds the page from the loaded data (no Markdown here: bodies were rendered at save).
    pub fn build(chrome: Chrome, data: &ThreadPageData, can_edit: bool, can_moderate: bool) -> Self {
        let t = &data.thread;
        let card = ThreadCard::from(t);
        let item = |id: i64, heading: String, html: &str, proponents: Vec<String>| ItemView {
            id,
            heading,
            html: SafeHtml::from_stored(html.to_owned()),
            proponents,
        };
        ThreadPage {
            chrome,
            slug: card.slug,
            title: card.title,
            framing_question: card.framing_question,
            status: card.status,
            status_label: card.status_label,
            stance: card.stance,
            stance_label: card.stance_label,
            curators: data.curators.clone(),
            since: format::month_year(t.created_at),
            since_iso: format::iso_date(t.created_at),
            updated: card.updated,
            updated_iso: card.updated_iso,
            synthesis: data.synthesis.as_ref().map(|r| SynthesisView {
                seq: r.meta.seq,
                author: r.author.clone(),
                updated_iso: format::iso_date(r.meta.created_at),
                html: r.body_html.clone(),
            }),
            arc: data
                .arc
                .iter()
                .map(|p| item(p.id, format!("{}: {}", p.label, p.title), &p.body_html, Vec::new()))
                .collect(),
            interpretations: data
                .interpretations
                .iter()
                .map(|i| item(i.row.id, i.row.title.clone(), &i.row.body_html, i.proponents.clone()))
                .collect(),
            questions: questions(data, false),
            answered: questions(data, true),
            events: data.events.iter().map(EventItem::from).collect(),
            controversies: data
                .controversies
                .iter()
                .map(|c| item(c.id, c.title.clone(), &c.body_html, Vec::new()))
                .collect(),
            can_edit,
            // Decided per view, not cached: a lock can expire between two views.
            locked: t.lock().map(|l| capitalized(&l.describe())),
            can_moderate,
            reader: None,
            timeline: timeline_of(data),
        }
    }

    /// Adds the signed-in reader's state; paragraphs changed since their last visit are marked
    /// in the synthesis.
    pub fn with_reader(mut self, state: ReaderState) -> Self {
        let since = state.since.map(|since| {
            let marked = since.marked_synthesis.is_some();
            if let (Some(view), Some(html)) = (self.synthesis.as_mut(), since.marked_synthesis) {
                view.html = html;
            }
            let at_least = if since.at_least { "At least: " } else { "" };
            SinceView {
                read_on: format::day(since.read_at),
                read_iso: format::iso_timestamp(since.read_at),
                summary: format!("{at_least}{}", capitalized(&since.summary)),
                diff_href: since.diff.map(|(from, to)| format!("/threads/{}/diff?from={from}&to={to}", self.slug)),
                marked,
            }
        });
        self.reader = Some(ReaderView { following: state.following, since });
        self
    }

    /// "terry-tang, alice" for the curator line.
    pub fn curator_line(&self) -> String {
        self.curators.join(", ")
    }
}

/// The timeline of the thread's periods, events and synthesis revisions.
fn timeline_of(data: &ThreadPageData) -> Option<Timeline> {
    let periods: Vec<timeline::PeriodInput> = data
        .arc
        .iter()
        .map(|p| timeline::PeriodInput { id: p.id, label: p.label.clone(), title: p.title.clone() })
        .collect();
    let events: Vec<timeline::EventInput> = data
        .events
        .iter()
        .map(|e| timeline::EventInput {
            id: e.id,
            date: e.occurred_on,
            title: e.title.clone(),
            significance: e.significance(),
        })
        .collect();
    let revisions: Vec<timeline::RevisionInput> = data
        .revision_dates
        .iter()
        .map(|r| timeline::RevisionInput { seq: r.seq, date: r.created_at.date_naive(), minor: r.minor })
        .collect();
    let mut picture = timeline::build(&periods, &events, &revisions)?;
    // Only the newest revisions were loaded; seqs count every revision, so the rest are older.
    let total = usize::try_from(data.thread.head_seq).unwrap_or(0);
    picture.revisions_omitted = total.saturating_sub(revisions.len()).max(picture.revisions_omitted);
    Some(picture)
}

fn questions(data: &ThreadPageData, answered: bool) -> Vec<QuestionView> {
    data.questions
        .iter()
        .filter(|q| q.answered_at.is_some() == answered)
        .map(|q| QuestionView { id: q.id, text: q.question.clone(), answer: q.answer.clone() })
        .collect()
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
}

//! The JSON shapes the API returns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

use crate::db::events::EventRow;
use crate::db::revisions::{Revision, RevisionListed};
use crate::db::thread_page::ThreadPageData;
use crate::db::threads::ThreadRow;
use crate::domain::history::RevisionAction;
use crate::domain::roles::Role;
use crate::domain::thread::{Significance, Stance, Status};
use crate::render::diff::{DiffDetail, DiffLine, LineDiff};

/// A string that is one of `values` (the domain's own list, so the document cannot drift).
pub fn one_of(values: impl IntoIterator<Item = &'static str>) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(values)).build()
}

/// A thread's status as the API writes and accepts it.
pub fn status_schema() -> Object {
    one_of(Status::ALL.iter().map(|s| s.as_str()))
}

/// A thread's stance.
pub fn stance_schema() -> Object {
    one_of(Stance::ALL.iter().map(|s| s.as_str()))
}

/// An event's significance.
pub fn significance_schema() -> Object {
    one_of(Significance::ALL.iter().map(|s| s.as_str()))
}

/// A user's role.
pub fn role_schema() -> Object {
    one_of(Role::ALL.iter().map(|r| r.as_str()))
}

/// How a revision came about. `RevisionAction` has no list of its variants, so they are named
/// here; each goes through `as_str`, so only a new variant (not a renamed one) can be missed.
fn revision_action_schema() -> Object {
    use RevisionAction::{Edit, Merge, Restore, Revert, Rollback, Undo};
    one_of([Edit, Merge, Revert, Undo, Rollback, Restore].map(RevisionAction::as_str))
}

/// Every error: `{"error": "..."}`; a 500 also carries the request id to quote in a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    pub error: String,
    /// 500 only: the reference the server's log has the cause under.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// A thread in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadSummary {
    pub slug: String,
    pub title: String,
    pub framing_question: String,
    #[schema(schema_with = status_schema)]
    pub status: &'static str,
    #[schema(schema_with = stance_schema)]
    pub stance: &'static str,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub head_seq: i32,
}

impl From<&ThreadRow> for ThreadSummary {
    fn from(t: &ThreadRow) -> Self {
        ThreadSummary {
            slug: t.slug.clone(),
            title: t.title.clone(),
            framing_question: t.framing_question.clone(),
            status: t.status().as_str(),
            stance: t.stance().as_str(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            head_seq: t.head_seq,
        }
    }
}

/// A page of threads.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadList {
    pub threads: Vec<ThreadSummary>,
    /// Pass as `?after=` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A revision without its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummary {
    pub seq: i32,
    pub parent_seq: Option<i32>,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub summary: String,
    pub body_length: i32,
    pub reverted_to_seq: Option<i32>,
    pub minor: bool,
    /// How the revision came about: written by hand (`edit`), merged with revisions saved
    /// meanwhile (`merge`), or one of the ways back.
    #[schema(schema_with = revision_action_schema)]
    pub action: &'static str,
    /// A moderator hid its content: for everyone but moderators its summary (and text) are empty.
    pub hidden: bool,
}

impl From<&RevisionListed> for RevisionSummary {
    fn from(r: &RevisionListed) -> Self {
        RevisionSummary {
            seq: r.meta.seq,
            parent_seq: r.meta.parent_seq,
            author: r.author.clone(),
            created_at: r.meta.created_at,
            summary: r.meta.summary.clone(),
            body_length: r.meta.body_len,
            reverted_to_seq: r.meta.reverted_to_seq,
            minor: r.meta.minor,
            action: r.meta.action().as_str(),
            hidden: r.hidden,
        }
    }
}

/// A revision with its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDetail {
    #[serde(flatten)]
    pub summary: RevisionSummary,
    pub body_markdown: String,
    pub body_html: String,
}

impl From<Revision> for RevisionDetail {
    fn from(r: Revision) -> Self {
        let listed = r.listed();
        RevisionDetail {
            summary: RevisionSummary::from(&listed),
            body_markdown: r.body_md,
            body_html: r.body_html.into_string(),
        }
    }
}

/// A page of revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionList {
    pub revisions: Vec<RevisionSummary>,
    /// Pass as `?before=` for the next page; absent on the last page.
    pub next_before: Option<i32>,
}

/// A titled section item.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionItem {
    pub id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub title: String,
    pub body_markdown: String,
    pub body_html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proponents: Option<Vec<String>>,
}

/// An open question.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionItem {
    pub id: i64,
    pub question: String,
}

/// An event in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    pub id: i64,
    pub date: NaiveDate,
    pub title: String,
    #[schema(schema_with = significance_schema)]
    pub significance: &'static str,
    pub url: Option<String>,
}

impl From<&EventRow> for EventSummary {
    fn from(e: &EventRow) -> Self {
        EventSummary {
            id: e.id,
            date: e.occurred_on,
            title: e.title.clone(),
            significance: e.significance().as_str(),
            url: e.url.clone(),
        }
    }
}

/// A thread a detail view links to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadLink {
    pub slug: String,
    pub title: String,
}

/// An event with its description and threads.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDetail {
    #[serde(flatten)]
    pub summary: EventSummary,
    pub body_markdown: String,
    pub body_html: String,
    pub threads: Vec<ThreadLink>,
}

/// An event in a list, with every thread it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventListed {
    #[serde(flatten)]
    pub summary: EventSummary,
    /// By title.
    pub threads: Vec<ThreadLink>,
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub events: Vec<EventListed>,
    /// Pass as `?after=` (with the same filters) for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Everything on a thread page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadDetail {
    #[serde(flatten)]
    pub summary: ThreadSummary,
    pub curators: Vec<String>,
    pub synthesis: Option<RevisionDetail>,
    pub arc: Vec<SectionItem>,
    pub interpretations: Vec<SectionItem>,
    pub open_questions: Vec<QuestionItem>,
    pub events: Vec<EventSummary>,
    pub controversies: Vec<SectionItem>,
}

impl From<&ThreadPageData> for ThreadDetail {
    fn from(d: &ThreadPageData) -> Self {
        ThreadDetail {
            summary: ThreadSummary::from(&d.thread),
            curators: d.curators.clone(),
            synthesis: d.synthesis.clone().map(RevisionDetail::from),
            arc: d
                .arc
                .iter()
                .map(|p| SectionItem {
                    id: p.id,
                    label: Some(p.label.clone()),
                    title: p.title.clone(),
                    body_markdown: p.body_md.clone(),
                    body_html: p.body_html.clone(),
                    proponents: None,
                })
                .collect(),
            interpretations: d
                .interpretations
                .iter()
                .map(|i| SectionItem {
                    id: i.row.id,
                    label: None,
                    title: i.row.title.clone(),
                    body_markdown: i.row.body_md.clone(),
                    body_html: i.row.body_html.clone(),
                    proponents: Some(i.proponents.clone()),
                })
                .collect(),
            open_questions: d
                .questions
                .iter()
                .map(|q| QuestionItem { id: q.id, question: q.question.clone() })
                .collect(),
            events: d.events.iter().map(EventSummary::from).collect(),
            controversies: d
                .controversies
                .iter()
                .map(|c| SectionItem {
                    id: c.id,
                    label: None,
                    title: c.title.clone(),
                    body_markdown: c.body_md.clone(),
                    body_html: c.body_html.clone(),
                    proponents: None,
                })
                .collect(),
        }
    }
}

/// 201 from a synthesis save or a revert: the new revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct Saved {
    /// Always `true`.
    pub saved: bool,
    /// The new revision's seq (the new `head_seq`).
    pub seq: i32,
    /// Set when your base was stale but your edit touched other paragraphs than the revisions
    /// saved since: it was merged with revision `merged_onto` (then the head) and saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_onto: Option<i32>,
}

/// 200 from a synthesis save whose text equals the current one: nothing was stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unchanged {
    /// Always `false`.
    pub saved: bool,
    pub reason: String,
}

/// 409 from a synthesis save or a revert on top of a stale base: the newer revision, and the
/// caller's own text so a client never loses it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SaveConflict {
    pub error: String,
    /// The revision saved since the caller's base (absent only if it vanished meanwhile).
    pub current: Option<RevisionDetail>,
    /// The text the caller sent (`null` for a revert, which sends none).
    pub yours: Option<String>,
}

/// The id of an item or event that was created or changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemId {
    pub id: i64,
}

/// A line diff between two revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffView {
    pub from: i32,
    pub to: i32,
    /// Lines added.
    pub added: usize,
    /// Lines removed.
    pub removed: usize,
    /// `words`: every line, changed words marked. `lines`: too large to show word by word, so
    /// some changed lines have no word marks. `truncated`: too large to compare whole; `lines`
    /// holds the diff of the beginning of the texts only, without word marks.
    #[schema(schema_with = diff_detail_schema)]
    pub detail: &'static str,
    pub lines: Vec<DiffLineView>,
}

/// The values of a diff's `detail`.
pub fn diff_detail_schema() -> Object {
    one_of([DiffDetail::Words, DiffDetail::Lines, DiffDetail::Truncated].map(DiffDetail::as_str))
}

/// One line of a diff.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffLineView {
    #[schema(schema_with = line_change_schema)]
    pub change: &'static str,
    pub text: String,
    /// `text` cut where words changed: the `changed` segments are the words that differ from the
    /// other side (a `same` line is one unchanged segment).
    pub segments: Vec<SegmentView>,
}

/// A run of a diff line's text.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentView {
    pub text: String,
    pub changed: bool,
}

fn line_change_schema() -> Object {
    one_of(["same", "added", "removed"])
}

impl From<DiffLine> for DiffLineView {
    fn from(l: DiffLine) -> Self {
        DiffLineView {
            change: l.kind(),
            segments: l.segments.into_iter().map(|s| SegmentView { text: s.text, changed: s.changed }).collect(),
            text: l.text,
        }
    }
}

impl DiffView {
    /// The diff from revision `from` to revision `to`.
    pub fn new(from: i32, to: i32, diff: LineDiff) -> Self {
        DiffView {
            from,
            to,
            added: diff.added,
            removed: diff.removed,
            detail: diff.detail.as_str(),
            lines: diff.lines.into_iter().map(DiffLineView::from).collect(),
        }
    }
}

//! Changelog pages: a thread's history, recent changes, the patrol queue, a user's
//! contributions, one item's versions, and the moderation log. One entry view (`ChangeEntryView`) serves them all;
//! `ops::changelog` builds it from the changelog rows.

use askama::Template;

use super::Chrome;
use super::forms::Field;
use crate::domain::history::Area;
use crate::render::diff::LineDiff;

/// One field an entry changed.
#[derive(Debug, Clone)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A changelog entry as every list shows it.
#[derive(Debug, Clone)]
pub struct ChangeEntryView {
    pub id: i64,
    pub at: String,
    pub at_iso: String,
    pub actor: String,
    pub area: &'static str,
    /// "edited the arc period “2023: …”", in words.
    pub what: String,
    /// The item, event or curator it is about, as named at the time.
    pub subject: String,
    pub thread_slug: Option<String>,
    pub thread_title: Option<String>,
    /// Where the changed thing can be seen (a revision, an item's versions, an event).
    pub href: Option<String>,
    /// Synthesis entries: the revision, its parent, and how much it changed ("3 paragraphs").
    pub rev_seq: Option<i32>,
    pub parent_seq: Option<i32>,
    pub extent: Option<String>,
    /// Items with a body: the link to this entry's text diff.
    pub diff_href: Option<String>,
    pub reason: String,
    pub minor: bool,
    pub patrolled: bool,
    pub hidden: bool,
    pub hidden_reason: String,
    /// The version before this change was hidden by a moderator (shown to moderators, marked).
    pub before_hidden: bool,
    pub fields: Vec<FieldChange>,
    /// History page: the compare radios checked by default (the two newest revisions).
    pub compare_from: bool,
    pub compare_to: bool,
}

/// An option of a filter's `<select>` (kind of change, and the index pages' status, stance, order...).
#[derive(Debug, Clone)]
pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The options of the kind filter, with `selected` marked.
pub fn kind_options(selected: Option<&str>) -> Vec<KindOption> {
    Area::ALL
        .into_iter()
        .map(|a| KindOption { value: a.as_str(), label: a.label(), selected: selected == Some(a.as_str()) })
        .collect()
}

/// What the filter form shows as chosen.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kinds: Vec<KindOption>,
    pub user: String,
    pub thread: String,
    pub unpatrolled: bool,
}

/// `/threads/{slug}/history`: revisions and changelog entries together, newest first.
#[derive(Template)]
#[template(path = "changes/history.html")]
pub struct HistoryPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub head_seq: i32,
    /// This page's address without a query (the filter form's action).
    pub history_href: String,
    /// Who wrote the current revision, for the rollback button (moderators only).
    pub rollback_user: Option<String>,
    pub can_moderate: bool,
    pub can_edit: bool,
    pub locked: Option<String>,
    pub filters: Filters,
    pub rows: Vec<ChangeEntryView>,
    pub next_href: Option<String>,
    pub notice: Option<String>,
}

/// `/recent`, `/moderation/queue`, `/users/{name}`: changes across threads.
#[derive(Template)]
#[template(path = "changes/recent.html")]
pub struct RecentPage {
    pub chrome: Chrome,
    pub heading: String,
    pub intro: String,
    /// The page's own address (the filter form's action).
    pub action: String,
    pub show_filters: bool,
    pub can_moderate: bool,
    pub filters: Filters,
    pub rows: Vec<ChangeEntryView>,
    pub next_href: Option<String>,
    pub next_label: &'static str,
    /// On a user's page: the account and what managers may do with it.
    pub profile: Option<Profile>,
    /// The Atom feed of the same rows, where there is one (`/recent`).
    pub feed: Option<FeedLink>,
}

/// A page's Atom feed: autodiscovered from `<head>` and linked in the page.
#[derive(Debug, Clone)]
pub struct FeedLink {
    pub title: &'static str,
    pub href: &'static str,
}

/// The account part of a user's page.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: i64,
    pub username: String,
    pub role: &'static str,
    pub suspended: Option<String>,
    pub can_suspend: bool,
    /// The suspend form's end, the same control as a lock's.
    pub suspend_until: Field,
    pub roles: Vec<(&'static str, bool)>,
    pub can_set_role: bool,
    pub log: Vec<ModLogEntryView>,
    /// Issue 17: the account's fairness ratings are left out of the model (managers may change
    /// it when they may suspend the account).
    pub ratings_excluded: bool,
}

/// A moderation-log row.
#[derive(Debug, Clone)]
pub struct ModLogEntryView {
    pub id: i64,
    pub at: String,
    pub at_iso: String,
    pub actor: String,
    pub action: &'static str,
    pub target: String,
    pub reason: String,
    /// (href, text) of what it concerns: the revision or change, the thread, the user.
    pub links: Vec<(String, String)>,
}

/// What a hide form hides, as the moderator sees it before confirming.
#[derive(Debug, Clone)]
pub struct HideTarget {
    pub change: i64,
    /// "Hide revision 4 of “Title”".
    pub heading: String,
    pub thread_href: Option<String>,
    /// Set when the change is a synthesis revision.
    pub rev_seq: Option<i32>,
    pub parent_seq: Option<i32>,
    /// The revision is the current text (hiding puts the newest visible one back).
    pub is_current: bool,
    pub summary: String,
    /// The revision's own paragraphs (Markdown source, shown as text).
    pub added: Vec<String>,
    /// For any other change: its version's fields ("field", value).
    pub fields: Vec<(String, String)>,
    /// The current text's paragraphs that still carry the revision's words.
    pub lingering: Vec<String>,
    /// Those can be taken out of the current text (an undo of the revision, or when that
    /// collides, taking out just those paragraphs).
    pub can_remove: bool,
    pub already_hidden: bool,
}

/// `/changes/{id}/hide`: what will be hidden, a warning when the current text still carries
/// it, and the form.
#[derive(Template)]
#[template(path = "changes/hide.html")]
pub struct HidePage {
    pub chrome: Chrome,
    pub target: HideTarget,
    pub error: Option<String>,
    /// The reason field, and the "also remove it from the current text" checkbox when offered.
    pub fields: Vec<Field>,
}

/// `/moderation/log`.
#[derive(Template)]
#[template(path = "changes/log.html")]
pub struct ModerationLogPage {
    pub chrome: Chrome,
    pub actions: Vec<(&'static str, bool)>,
    pub rows: Vec<ModLogEntryView>,
    pub next_href: Option<String>,
}

/// `/threads/{slug}/{kind}/{id}/history`: one item's versions.
#[derive(Template)]
#[template(path = "changes/item_history.html")]
pub struct ItemHistoryPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub segment: &'static str,
    pub item: i64,
    pub noun: &'static str,
    pub subject: String,
    pub has_body: bool,
    pub rows: Vec<ChangeEntryView>,
    pub next_href: Option<String>,
}

/// `/threads/{slug}/{kind}/{id}/diff`: two versions of an item's body.
#[derive(Template)]
#[template(path = "changes/item_diff.html")]
pub struct ItemDiffPage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub segment: &'static str,
    pub item: i64,
    pub subject: String,
    pub from_label: String,
    pub to_label: String,
    pub side_by_side: bool,
    pub view_base: String,
    pub diff: LineDiff,
}

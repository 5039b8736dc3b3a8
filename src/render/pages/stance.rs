//! The governed stance label: its line on the thread page and the label-history page with the
//! forms that decide a proposal.

use askama::Template;

use super::Chrome;
use crate::domain::html::SafeHtml;

/// A date as pages show it: the words and the exact moment for `<time>`.
#[derive(Debug, Clone)]
pub struct When {
    pub text: String,
    pub iso: String,
}

/// The thread page's label line: "Contested since Feb 2023 · label history", and a pending
/// proposal shown as pending.
#[derive(Debug, Clone)]
pub struct LabelLine {
    pub label: &'static str,
    pub since: When,
    pub history_href: String,
    pub pending: Option<PendingLine>,
}

/// "Pending proposal: emerging consensus — proposed by cora on Mar 8, 2026".
#[derive(Debug, Clone)]
pub struct PendingLine {
    pub to_label: &'static str,
    pub proposer: String,
    pub on: When,
    pub href: String,
}

/// An open proposal in the review queue.
#[derive(Debug, Clone)]
pub struct QueuedProposal {
    pub thread_title: String,
    pub href: String,
    pub from_label: &'static str,
    pub to_label: &'static str,
    pub proposer: String,
    pub proposed: When,
}

/// A proposal as the label-history page shows it.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub id: i64,
    pub from_label: &'static str,
    pub to_label: &'static str,
    pub state: &'static str,
    pub state_label: &'static str,
    pub proposer: String,
    pub proposed: When,
    pub rationale: SafeHtml,
    pub decider: Option<String>,
    pub decided: Option<When>,
    pub decision_reason: String,
}

/// One stance the thread has had: the first label, then each approved proposal's.
#[derive(Debug, Clone)]
pub struct LabelEntry {
    pub label: &'static str,
    pub since: When,
    /// `None` for the first label (set when the thread was started).
    pub proposal: Option<ProposalView>,
}

/// What the viewer may do with the open proposal.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    pub can_propose: bool,
    pub can_decide: bool,
    pub can_withdraw: bool,
    /// The viewer is a moderator who proposed it: someone else decides.
    pub own_proposal: bool,
}

/// `/threads/{slug}/stance`: every label the thread has had, the open proposal with the forms
/// the viewer may use, and the proposals that were rejected or withdrawn.
#[derive(Template)]
#[template(path = "threads/stance.html")]
pub struct StancePage {
    pub chrome: Chrome,
    pub slug: String,
    pub title: String,
    pub label: &'static str,
    pub since: When,
    /// Oldest first; the last is the label in force.
    pub labels: Vec<LabelEntry>,
    pub open: Option<ProposalView>,
    /// Rejected and withdrawn, newest first.
    pub closed: Vec<ProposalView>,
    pub controls: Controls,
    /// Why the last decision was refused (a reject without a reason), with what was typed.
    pub error: Option<String>,
    pub typed_reason: String,
}

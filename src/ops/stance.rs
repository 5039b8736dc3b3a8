//! The governed stance label: a curator of the thread (or a moderator) proposes a new stance
//! with a rationale; it takes effect only when a moderator who did not propose it approves; a
//! moderator may reject it with a reason; the proposer may withdraw it. Each step is one
//! transaction that writes the proposal, the changelog (and the moderation log for decisions)
//! and moves the thread page's version on.

use diesel::{Connection, PgConnection};
use serde::Deserialize;
use serde_json::json;

use super::{access, citations};
use crate::auth::CurrentUser;
use crate::db::changes::{self, NewChange};
use crate::db::moderation::{self, NewLogEntry};
use crate::db::stance::{self as db_stance, NewProposal, ProposalListed, ProposalRow};
use crate::db::threads::ThreadRow;
use crate::db::{self, PgPool};
use crate::domain::history::{Area, ModAction};
use crate::domain::ids::ProposalId;
use crate::domain::roles;
use crate::domain::stance::ProposalState;
use crate::domain::thread::Stance;
use crate::domain::validate;
use crate::error::AppError;
use crate::render::format;
use crate::render::pages::stance::{Controls, LabelEntry, LabelLine, PendingLine, ProposalView, QueuedProposal, When};

pub use crate::db::stance::{LabelState, ProposalListed as Listed};

/// The longest rationale, in bytes of Markdown.
pub const MAX_RATIONALE_BYTES: usize = 20_000;

/// Open proposals per page of the queue list.
pub const PAGE_SIZE: i64 = 50;

/// A proposal as the form and the API send it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProposalInput {
    /// `contested`, `emerging_consensus` or `settled`.
    #[serde(default)]
    pub stance: String,
    /// Markdown; may cite `[^src:ID]` and `[^event:ID]`.
    #[serde(default)]
    pub rationale: String,
}

/// A decision on an open proposal.
#[derive(Debug, Clone)]
pub enum Decision {
    /// A moderator who did not propose it approves: the label changes.
    Approve,
    /// A moderator who did not propose it rejects it, saying why.
    Reject(String),
    /// Its proposer takes it back.
    Withdraw,
}

/// The changelog action of each step.
fn action_of(state: ProposalState) -> &'static str {
    match state {
        ProposalState::Open => "proposed",
        other => other.as_str(),
    }
}

/// The first line of a rationale, shortened: the changelog's reason for a proposal.
fn summary(rationale: &str) -> String {
    let line = rationale.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    let mut out: String = line.chars().take(200).collect();
    if line.chars().count() > 200 {
        out.push('…');
    }
    out
}

fn proposal_json(p: &ProposalRow) -> (serde_json::Value, serde_json::Value) {
    (json!({ "stance": p.from_stance }), json!({ "stance": p.to_stance }))
}

/// Proposes a new stance for the thread at `slug` (its curators and moderators; a locked thread
/// refuses curators). One open proposal per thread.
pub fn propose_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    input: &ProposalInput,
) -> Result<ProposalRow, AppError> {
    let to = validate::stance(input.stance.trim()).map_err(AppError::Invalid)?;
    let rationale =
        validate::markdown("the rationale", &input.rationale, MAX_RATIONALE_BYTES).map_err(AppError::Invalid)?;
    if rationale.trim().is_empty() {
        return Err(AppError::Invalid(
            "give a rationale: why the label should change, citing what shows it".to_owned(),
        ));
    }
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
        let from = thread.stance();
        if from == to {
            return Err(AppError::Invalid(format!(
                "the stance is already {}: propose a different one",
                from.label().to_lowercase()
            )));
        }
        if let Some(open) = db_stance::open_of(c, thread.thread_id())? {
            return Err(already_open(&open));
        }
        let rendered = citations::render_in(c, &rationale)?;
        let row = db_stance::insert(
            c,
            &NewProposal {
                thread: thread.thread_id(),
                proposer: user.id,
                from,
                to,
                rationale_md: &rationale,
                rationale_html: rendered.html.as_str(),
            },
        )
        .map_err(|e| match AppError::from(e) {
            // Another proposal was opened between the check and the insert.
            AppError::Invalid(_) => {
                AppError::Conflict("this thread already has an open stance proposal; decide it first".to_owned())
            }
            other => other,
        })?;
        record(c, user, &thread, &row, ProposalState::Open, &summary(&rationale))?;
        db_stance::bump_page(c, thread.thread_id())?;
        Ok(row)
    })
}

fn already_open(open: &ProposalRow) -> AppError {
    AppError::Conflict(format!(
        "this thread already has an open stance proposal (#{}: {} → {}); it must be approved, rejected or \
         withdrawn before another is made",
        open.id,
        open.from().label().to_lowercase(),
        open.to().label().to_lowercase()
    ))
}

/// The async entry of [`propose_in`].
pub async fn propose(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: ProposalInput,
) -> Result<ProposalRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| propose_in(c, &user, &slug, &input)).await
}

fn record(
    c: &mut PgConnection,
    user: &CurrentUser,
    thread: &ThreadRow,
    p: &ProposalRow,
    step: ProposalState,
    reason: &str,
) -> Result<i64, AppError> {
    let (before, after) = proposal_json(p);
    let proposer = if p.proposer_id == user.id.0 {
        user.username.clone()
    } else {
        crate::db::users::by_id(c, crate::domain::ids::UserId(p.proposer_id))?.username
    };
    Ok(changes::record(
        c,
        &NewChange {
            subject_id: Some(p.id),
            // The proposer, whom "approved the change … proposed by cora" names.
            subject: &proposer,
            reason,
            before: Some(before),
            after: Some(after),
            autopatrolled: roles::can_moderate(user.role),
            ..NewChange::on_thread(thread.thread_id(), Area::Stance, action_of(step), user.id)
        },
    )?)
}

/// Approves, rejects or withdraws the open proposal `id` of the thread at `slug`. Only an open
/// proposal can be decided; two decisions at once cannot both win (the row is locked and the
/// update requires it still open).
pub fn decide_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    id: ProposalId,
    decision: &Decision,
) -> Result<ProposalRow, AppError> {
    access::refuse_if_suspended(user)?;
    let reason = match decision {
        Decision::Reject(reason) => {
            validate::required_reason(reason, "rejecting the proposal").map_err(AppError::Invalid)?
        }
        _ => String::new(),
    };
    conn.transaction(|c| {
        let thread = access::thread_by_slug(c, slug)?;
        let p = db_stance::by_id_for_update(c, id)?.filter(|p| p.thread_id == thread.id).ok_or(AppError::NotFound)?;
        let is_proposer = p.proposer_id == user.id.0;
        let state = match decision {
            Decision::Withdraw if !is_proposer => {
                return Err(AppError::Forbidden("only the proposer can withdraw a stance proposal".to_owned()));
            }
            Decision::Withdraw => ProposalState::Withdrawn,
            _ if !roles::can_moderate(user.role) => {
                return Err(AppError::Forbidden(
                    "only moderators and administrators can approve or reject a stance proposal".to_owned(),
                ));
            }
            _ if is_proposer => {
                return Err(AppError::Forbidden(
                    "you proposed this change: another moderator must approve or reject it".to_owned(),
                ));
            }
            Decision::Approve => ProposalState::Approved,
            Decision::Reject(_) => ProposalState::Rejected,
        };
        if p.state() != ProposalState::Open {
            return Err(AppError::Conflict(format!(
                "this proposal is already {}; only an open proposal can be decided",
                p.state().label().to_lowercase()
            )));
        }
        if state == ProposalState::Approved && thread.stance() != p.from() {
            return Err(AppError::Conflict("the stance changed since this proposal was made".to_owned()));
        }
        if db_stance::decide(c, id, state, user.id, &reason)? == 0 {
            return Err(AppError::Conflict("this proposal was decided a moment ago; reload to see how".to_owned()));
        }
        let words = match state {
            ProposalState::Approved => summary(&p.rationale_md),
            _ => reason.clone(),
        };
        let change = record(c, user, &thread, &p, state, &words)?;
        match state {
            ProposalState::Approved => {
                db_stance::set_label(c, thread.thread_id(), p.to())?;
                crate::db::search::refresh(c, thread.thread_id())?;
            }
            _ => {
                db_stance::bump_page(c, thread.thread_id())?;
            }
        }
        let action = match state {
            ProposalState::Approved => Some(ModAction::ApproveStance),
            ProposalState::Rejected => Some(ModAction::RejectStance),
            _ => None,
        };
        if let Some(action) = action {
            moderation::append(
                c,
                &NewLogEntry {
                    actor: user.id,
                    action,
                    thread: Some(thread.thread_id()),
                    target_user: Some(crate::domain::ids::UserId(p.proposer_id)),
                    change: Some(change),
                    target: &format!(
                        "“{}”: {} → {}",
                        thread.title,
                        p.from().label().to_lowercase(),
                        p.to().label().to_lowercase()
                    ),
                    reason: &reason,
                },
            )?;
        }
        db_stance::by_id_for_update(c, id)?.ok_or(AppError::NotFound)
    })
}

/// The async entry of [`decide_in`].
pub async fn decide(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    id: ProposalId,
    decision: Decision,
) -> Result<ProposalRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| decide_in(c, &user, &slug, id, &decision)).await
}

/// A thread's label and its whole history: what the label-history page and the API show.
#[derive(Debug, Clone)]
pub struct LabelHistory {
    pub thread: ThreadRow,
    pub first_stance: Stance,
    pub since: chrono::DateTime<chrono::Utc>,
    /// Newest first.
    pub proposals: Vec<ProposalListed>,
}

impl LabelHistory {
    /// The open proposal, if any.
    pub fn open(&self) -> Option<&ProposalListed> {
        self.proposals.iter().find(|p| p.row.state() == ProposalState::Open)
    }
}

/// The label history of the thread at `slug`: four indexed queries.
pub fn history_in(conn: &mut PgConnection, slug: &str) -> Result<LabelHistory, AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    let (first, _, since) = db_stance::label_dates(conn, thread.thread_id())?;
    let proposals = db_stance::of_thread(conn, thread.thread_id())?;
    Ok(LabelHistory { first_stance: Stance::parse(&first).unwrap_or(Stance::Contested), since, proposals, thread })
}

/// The async entry of [`history_in`].
pub async fn history(pool: &PgPool, slug: String) -> Result<LabelHistory, AppError> {
    db::with_conn(pool, move |c| history_in(c, &slug)).await
}

/// Whether `user` may propose on a thread whose curators are `curators` (the same rights as
/// editing it).
fn may_propose(user: Option<&CurrentUser>, thread: &ThreadRow, curators: &[String]) -> bool {
    access::may_edit(user, curators, thread.lock().is_some())
}

/// The label-history page's data and the viewer's controls.
pub async fn page(
    pool: &PgPool,
    user: Option<&CurrentUser>,
    slug: String,
) -> Result<(LabelHistory, Controls), AppError> {
    let viewer = user.cloned();
    db::with_conn(pool, move |c| {
        let h = history_in(c, &slug)?;
        let curators = crate::db::threads::curators(c, h.thread.thread_id())?;
        let user = viewer.as_ref();
        let active = user.filter(|u| u.suspension.is_none());
        let open = h.open();
        let controls = Controls {
            can_propose: open.is_none() && may_propose(user, &h.thread, &curators),
            can_decide: open
                .is_some_and(|p| active.is_some_and(|u| roles::can_moderate(u.role) && u.id.0 != p.row.proposer_id)),
            can_withdraw: open.is_some_and(|p| active.is_some_and(|u| u.id.0 == p.row.proposer_id)),
            own_proposal: open
                .is_some_and(|p| active.is_some_and(|u| roles::can_moderate(u.role) && u.id.0 == p.row.proposer_id)),
        };
        Ok((h, controls))
    })
    .await
}

/// The propose form's thread, if `user` may propose on it now (no proposal open).
pub async fn propose_form(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::editable_thread(c, &slug, &user)?;
        if let Some(open) = db_stance::open_of(c, thread.thread_id())? {
            return Err(already_open(&open));
        }
        Ok(thread)
    })
    .await
}

/// Open proposals across threads, oldest first, and the cursor of the next page.
pub async fn open_proposals(
    pool: &PgPool,
    after: Option<String>,
) -> Result<(Vec<ProposalListed>, Option<String>), AppError> {
    let after = after.filter(|a| !a.is_empty()).map(|a| super::cursor::decode_moment(&a)).transpose()?;
    db::with_conn(pool, move |c| {
        let mut rows = db_stance::open_page(c, after, PAGE_SIZE + 1)?;
        let next = if rows.len() as i64 > PAGE_SIZE {
            rows.truncate(PAGE_SIZE as usize);
            rows.last().map(|p| super::cursor::encode_moment(p.row.created_at, p.row.id))
        } else {
            None
        };
        Ok((rows, next))
    })
    .await
}

/// "Feb 2023", as the label's "since" reads.
pub fn when_month(at: chrono::DateTime<chrono::Utc>) -> When {
    When { text: format::month_year(at), iso: format::iso_timestamp(at) }
}

/// The review queue's section: the first page of open proposals, oldest first.
pub async fn queued(pool: &PgPool) -> Result<Vec<QueuedProposal>, AppError> {
    let (rows, _) = open_proposals(pool, None).await?;
    Ok(rows
        .iter()
        .map(|p| QueuedProposal {
            thread_title: p.thread_title.clone(),
            href: format!("/threads/{}/stance#proposal-{}", p.thread_slug, p.row.id),
            from_label: p.row.from().label(),
            to_label: p.row.to().label(),
            proposer: p.proposer.clone(),
            proposed: when(p.row.created_at),
        })
        .collect())
}

fn when(at: chrono::DateTime<chrono::Utc>) -> When {
    When { text: format::day(at), iso: format::iso_timestamp(at) }
}

/// A proposal as pages show it.
pub fn proposal_view(p: &ProposalListed) -> ProposalView {
    let state = p.row.state();
    ProposalView {
        id: p.row.id,
        from_label: p.row.from().label(),
        to_label: p.row.to().label(),
        state: state.as_str(),
        state_label: state.label(),
        proposer: p.proposer.clone(),
        proposed: when(p.row.created_at),
        rationale: crate::domain::html::SafeHtml::from_stored(p.row.rationale_html.clone()),
        decider: p.decider.clone(),
        decided: p.row.decided_at.map(when),
        decision_reason: p.row.decision_reason.clone(),
    }
}

/// Every label the thread has had, oldest first: its first label since it was started, then
/// each approved proposal's since its approval.
pub fn label_entries(h: &LabelHistory) -> Vec<LabelEntry> {
    let mut out = vec![LabelEntry { label: h.first_stance.label(), since: when(h.thread.created_at), proposal: None }];
    out.extend(h.proposals.iter().rev().filter(|p| p.row.state() == ProposalState::Approved).map(|p| LabelEntry {
        label: p.row.to().label(),
        since: when(p.row.decided_at.unwrap_or(p.row.created_at)),
        proposal: Some(proposal_view(p)),
    }));
    out
}

/// Rejected and withdrawn proposals, newest first.
pub fn closed_views(h: &LabelHistory) -> Vec<ProposalView> {
    h.proposals
        .iter()
        .filter(|p| matches!(p.row.state(), ProposalState::Rejected | ProposalState::Withdrawn))
        .map(proposal_view)
        .collect()
}

/// The thread page's label line from the cached label state.
pub fn label_line(slug: &str, stance: Stance, state: &LabelState) -> LabelLine {
    LabelLine {
        label: stance.label(),
        since: when_month(state.since),
        history_href: format!("/threads/{slug}/stance"),
        pending: state.pending.as_ref().map(|p| PendingLine {
            to_label: p.row.to().label(),
            proposer: p.proposer.clone(),
            on: when(p.row.created_at),
            href: format!("/threads/{slug}/stance#proposal-{}", p.row.id),
        }),
    }
}

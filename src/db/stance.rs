//! Stance proposals and the label they govern: `stance_proposals` rows, the thread's label
//! columns (`stance`, `stance_since`, `first_stance`), and the lists pages read.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::{changes, stance_proposals, threads, users};
use crate::domain::history::Area;
use crate::domain::ids::{ProposalId, ThreadId, UserId};
use crate::domain::stance::ProposalState;
use crate::domain::thread::Stance;

/// A row of `stance_proposals`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stance_proposals)]
pub struct ProposalRow {
    pub id: i64,
    pub thread_id: i64,
    pub proposer_id: i64,
    pub from_stance: String,
    pub to_stance: String,
    pub rationale_md: String,
    pub rationale_html: String,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: String,
}

impl ProposalRow {
    /// The typed id.
    pub fn proposal_id(&self) -> ProposalId {
        ProposalId(self.id)
    }

    /// The state (the column's CHECK constraint guarantees a known value).
    pub fn state(&self) -> ProposalState {
        ProposalState::parse(&self.state).unwrap_or(ProposalState::Open)
    }

    /// The label it proposes to leave.
    pub fn from(&self) -> Stance {
        Stance::parse(&self.from_stance).unwrap_or(Stance::Contested)
    }

    /// The label it proposes.
    pub fn to(&self) -> Stance {
        Stance::parse(&self.to_stance).unwrap_or(Stance::Contested)
    }
}

/// A proposal with the names lists show.
#[derive(Debug, Clone)]
pub struct ProposalListed {
    pub row: ProposalRow,
    pub proposer: String,
    pub decider: Option<String>,
    pub thread_slug: String,
    pub thread_title: String,
}

/// A new proposal, validated and rendered.
#[derive(Debug, Clone)]
pub struct NewProposal<'a> {
    pub thread: ThreadId,
    pub proposer: UserId,
    pub from: Stance,
    pub to: Stance,
    pub rationale_md: &'a str,
    pub rationale_html: &'a str,
}

/// Inserts an open proposal; the partial unique index refuses a second open one per thread
/// (a unique violation the caller words).
pub fn insert(conn: &mut PgConnection, new: &NewProposal<'_>) -> QueryResult<ProposalRow> {
    diesel::insert_into(stance_proposals::table)
        .values((
            stance_proposals::thread_id.eq(new.thread.0),
            stance_proposals::proposer_id.eq(new.proposer.0),
            stance_proposals::from_stance.eq(new.from.as_str()),
            stance_proposals::to_stance.eq(new.to.as_str()),
            stance_proposals::rationale_md.eq(new.rationale_md),
            stance_proposals::rationale_html.eq(new.rationale_html),
        ))
        .returning(ProposalRow::as_returning())
        .get_result(conn)
}

/// A proposal by id, locked for the rest of the transaction (a decision reads and writes it).
pub fn by_id_for_update(conn: &mut PgConnection, id: ProposalId) -> QueryResult<Option<ProposalRow>> {
    stance_proposals::table.find(id.0).select(ProposalRow::as_select()).for_update().first(conn).optional()
}

/// The open proposal of a thread, if any (`stance_proposals_one_open_idx`).
pub fn open_of(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Option<ProposalRow>> {
    stance_proposals::table
        .filter(stance_proposals::thread_id.eq(thread.0))
        .filter(stance_proposals::state.eq(ProposalState::Open.as_str()))
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()
}

/// Closes an open proposal; 0 rows when it was no longer open (another decision won).
pub fn decide(
    conn: &mut PgConnection,
    id: ProposalId,
    state: ProposalState,
    by: UserId,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(stance_proposals::table.find(id.0).filter(stance_proposals::state.eq(ProposalState::Open.as_str())))
        .set((
            stance_proposals::state.eq(state.as_str()),
            stance_proposals::decided_by.eq(by.0),
            stance_proposals::decided_at.eq(diesel::dsl::now),
            stance_proposals::decision_reason.eq(reason),
        ))
        .execute(conn)
}

/// Sets the thread's label (an approved proposal): the label's date restarts and the page's
/// version moves on.
pub fn set_label(conn: &mut PgConnection, thread: ThreadId, stance: Stance) -> QueryResult<usize> {
    diesel::update(threads::table.find(thread.0))
        .set((
            threads::stance.eq(stance.as_str()),
            threads::stance_since.eq(diesel::dsl::now),
            threads::updated_at.eq(diesel::dsl::now),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)
}

/// Moves the thread page's version on (a proposal opened or closed shows on the page).
pub fn bump_page(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<usize> {
    diesel::update(threads::table.find(thread.0)).set(threads::version.eq(threads::version + 1)).execute(conn)
}

/// The label's first value and date, and since when the current one holds.
pub fn label_dates(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<(String, DateTime<Utc>, DateTime<Utc>)> {
    threads::table
        .find(thread.0)
        .select((threads::first_stance, threads::created_at, threads::stance_since))
        .first(conn)
}

/// Proposals of one thread kept in its label history at most (newest first).
pub const HISTORY_LIMIT: i64 = 200;

/// A thread's proposals, newest first (`stance_proposals_thread_idx`), with names.
pub fn of_thread(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Vec<ProposalListed>> {
    let rows: Vec<ProposalRow> = stance_proposals::table
        .filter(stance_proposals::thread_id.eq(thread.0))
        .order(stance_proposals::id.desc())
        .limit(HISTORY_LIMIT)
        .select(ProposalRow::as_select())
        .load(conn)?;
    named(conn, rows)
}

/// Open proposals across threads, oldest first, after a (created_at, id) cursor
/// (`stance_proposals_open_idx`).
pub fn open_page(
    conn: &mut PgConnection,
    after: Option<(DateTime<Utc>, i64)>,
    limit: i64,
) -> QueryResult<Vec<ProposalListed>> {
    let mut q = stance_proposals::table
        .filter(stance_proposals::state.eq(ProposalState::Open.as_str()))
        .order((stance_proposals::created_at.asc(), stance_proposals::id.asc()))
        .limit(limit)
        .select(ProposalRow::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        q = q.filter(
            stance_proposals::created_at
                .gt(at)
                .or(stance_proposals::created_at.eq(at).and(stance_proposals::id.gt(id))),
        );
    }
    let rows = q.load(conn)?;
    named(conn, rows)
}

/// Proposals with the names of their people and threads: two more queries, whatever the count.
pub fn named(conn: &mut PgConnection, rows: Vec<ProposalRow>) -> QueryResult<Vec<ProposalListed>> {
    let mut user_ids: Vec<i64> = rows.iter().flat_map(|r| [Some(r.proposer_id), r.decided_by]).flatten().collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let mut thread_ids: Vec<i64> = rows.iter().map(|r| r.thread_id).collect();
    thread_ids.sort_unstable();
    thread_ids.dedup();
    let names: HashMap<i64, String> = if user_ids.is_empty() {
        HashMap::new()
    } else {
        users::table
            .filter(users::id.eq_any(&user_ids))
            .select((users::id, users::username))
            .load(conn)?
            .into_iter()
            .collect()
    };
    let threads_named: HashMap<i64, (String, String)> = if thread_ids.is_empty() {
        HashMap::new()
    } else {
        threads::table
            .filter(threads::id.eq_any(&thread_ids))
            .select((threads::id, threads::slug, threads::title))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, slug, title)| (id, (slug, title)))
            .collect()
    };
    let hidden = hidden_texts(conn, &rows)?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            // Hidden means hidden everywhere: a moderator who hid the changelog entry of a
            // proposal (its rationale) or of its rejection (the reason) hides that text here too.
            if hidden.contains(&(row.id, "proposed")) {
                row.rationale_md = String::new();
                row.rationale_html = HIDDEN_HTML.to_owned();
            }
            if hidden.contains(&(row.id, "rejected")) {
                row.decision_reason = HIDDEN_TEXT.to_owned();
            }
            let (thread_slug, thread_title) = threads_named.get(&row.thread_id).cloned().unwrap_or_default();
            ProposalListed {
                proposer: names.get(&row.proposer_id).cloned().unwrap_or_default(),
                decider: row.decided_by.and_then(|d| names.get(&d).cloned()),
                thread_slug,
                thread_title,
                row,
            }
        })
        .collect())
}

/// What replaces a hidden rationale or rejection reason.
pub const HIDDEN_TEXT: &str = "Hidden by a moderator.";
const HIDDEN_HTML: &str = "<p><em>Hidden by a moderator.</em></p>";

/// The (proposal, action) pairs among `rows` whose changelog entry a moderator hid.
fn hidden_texts(conn: &mut PgConnection, rows: &[ProposalRow]) -> QueryResult<HashSet<(i64, &'static str)>> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let threads: Vec<i64> = rows.iter().map(|r| r.thread_id).collect();
    let found: Vec<(Option<i64>, String)> = changes::table
        .filter(changes::thread_id.eq_any(&threads))
        .filter(changes::area.eq(Area::Stance.as_str()))
        .filter(changes::subject_id.eq_any(&ids))
        .filter(changes::hidden_at.is_not_null())
        .select((changes::subject_id, changes::action))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|(id, action)| {
            let action = match action.as_str() {
                "proposed" => "proposed",
                "rejected" => "rejected",
                _ => return None,
            };
            Some((id?, action))
        })
        .collect())
}

/// What the thread page shows of the label: since when it holds, and the open proposal.
#[derive(Debug, Clone)]
pub struct LabelState {
    pub since: DateTime<Utc>,
    pub pending: Option<ProposalListed>,
}

/// The thread page's label state: two indexed queries (three with a proposal open).
pub fn label_state(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<LabelState> {
    let since = threads::table.find(thread.0).select(threads::stance_since).first(conn)?;
    let pending = match open_of(conn, thread)? {
        Some(row) => named(conn, vec![row])?.pop(),
        None => None,
    };
    Ok(LabelState { since, pending })
}

/// Who approved the newest approved proposal of a thread (the since-your-visit summary names them).
pub fn latest_approver(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Option<String>> {
    stance_proposals::table
        .inner_join(users::table.on(users::id.nullable().eq(stance_proposals::decided_by)))
        .filter(stance_proposals::thread_id.eq(thread.0))
        .filter(stance_proposals::state.eq(ProposalState::Approved.as_str()))
        .order(stance_proposals::id.desc())
        .select(users::username)
        .first(conn)
        .optional()
}

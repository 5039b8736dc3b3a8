//! "Needs attention" (issue 17, items 5-6): the queue of flagged threads, the thread page's
//! badge and the index's badges. The flag is decided at the time of each view from dates the
//! writes keep on the thread row (`db::attention`), so it is never cached stale and clears only
//! by doing the work: a substantive revision, a change of linked events, an answered or
//! touched question.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::PgConnection;

use super::{access, cursor};
use crate::auth::CurrentUser;
use crate::config::AttentionSettings;
use crate::db::attention::{self as db_attention, QueueCursor, QueueRow};
use crate::db::thread_page::ThreadPageData;
use crate::db::{self, PgPool};
use crate::domain::attention::{self, Cutoffs, Evidence, NAMED, QuietQuestion, Rule, StaleEvent};
use crate::domain::ids::ThreadId;
use crate::error::AppError;
use crate::render::format;
use crate::render::pages::attention::AttentionBadge;

/// Flagged threads per page of the queue.
pub const PER_PAGE: i64 = 50;

/// The rule the settings give.
pub fn rule(s: &AttentionSettings) -> Rule {
    Rule { event_days: s.event_days, question_days: s.question_days }
}

/// A flagged thread with the reason in words.
#[derive(Debug, Clone)]
pub struct Flagged {
    pub slug: String,
    pub title: String,
    /// One sentence per cause.
    pub reasons: Vec<String>,
    /// The day the oldest neglected thing dates from.
    pub since: NaiveDate,
}

/// A page of the queue and the cursor of the next.
#[derive(Debug, Clone)]
pub struct Queue {
    pub threads: Vec<Flagged>,
    pub next: Option<String>,
}

/// The `?after=` of the queue: `<since>_<id>` (the events cursor's shape); a bad one is a 400.
fn decode(raw: &str) -> Result<QueueCursor, AppError> {
    let c = cursor::decode_event(raw)?;
    Ok(QueueCursor { since: c.occurred_on, id: c.id })
}

/// One page of the queue, oldest neglect first, for curators, moderators and admins.
pub fn queue_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    rule: Rule,
    now: DateTime<Utc>,
    after: Option<&str>,
) -> Result<Queue, AppError> {
    access::require(user, attention::can_see_queue, "see the threads that need attention")?;
    let after = after.map(str::trim).filter(|a| !a.is_empty()).map(decode).transpose()?;
    let cut = rule.at(now);
    let rows = db_attention::queue_page(conn, &cut, after, PER_PAGE + 1)?;
    let ids: Vec<ThreadId> =
        rows.iter().take(usize::try_from(PER_PAGE).unwrap_or(50)).map(|r| ThreadId(r.id)).collect();
    let mut evidence = db_attention::evidence(conn, &cut, &ids)?;
    let (rows, next) = db::keyset_page(rows, PER_PAGE, |r: &QueueRow| format!("{}_{}", r.since, r.id));
    let threads = rows
        .into_iter()
        .map(|r| {
            let e = evidence.remove(&r.id).unwrap_or_default();
            let e = Evidence { substantive_at: r.substantive_at, ..e };
            Flagged {
                reasons: attention::reasons(&cut, &r.dates(), &e, now),
                slug: r.slug,
                title: r.title,
                since: r.since,
            }
        })
        .collect();
    Ok(Queue { threads, next })
}

/// The async entry of [`queue_in`]; the user's role is checked before a connection is taken.
pub async fn queue(
    pool: &PgPool,
    user: &CurrentUser,
    settings: &AttentionSettings,
    after: Option<String>,
) -> Result<Queue, AppError> {
    access::require(user, attention::can_see_queue, "see the threads that need attention")?;
    let (user, rule) = (user.clone(), rule(settings));
    db::with_conn(pool, move |c| queue_in(c, &user, rule, Utc::now(), after.as_deref())).await
}

/// The thread page's flag, decided now from its cached data: the reasons and the day the
/// oldest neglected thing dates from; `None` when the thread does not need attention.
pub fn of_page(
    data: &ThreadPageData,
    settings: &AttentionSettings,
    now: DateTime<Utc>,
) -> Option<(Vec<String>, NaiveDate)> {
    let cut = rule(settings).at(now);
    let dates = data.attention.dates;
    let since = cut.since(&dates)?;
    let evidence = page_evidence(data, &cut);
    Some((attention::reasons(&cut, &dates, &evidence, now), since))
}

/// What the page's reasons name, from the page data (no query).
fn page_evidence(data: &ThreadPageData, cut: &Cutoffs) -> Evidence {
    let substantive_at = data.attention.dates.substantive_at;
    let events: Vec<StaleEvent> = data
        .events
        .iter()
        .filter(|e| cut.event_counts(substantive_at, e.occurred_on, e.significance()))
        .map(|e| StaleEvent {
            id: e.id,
            title: e.title.clone(),
            occurred_on: e.occurred_on,
            significance: e.significance(),
        })
        .collect();
    let text: HashMap<i64, &str> = data.questions.iter().map(|q| (q.id, q.question.as_str())).collect();
    let questions: Vec<QuietQuestion> = data
        .attention
        .unanswered
        .iter()
        .filter(|(_, at)| *at < cut.touched_before)
        .map(|(id, at)| QuietQuestion {
            id: *id,
            text: text.get(id).copied().unwrap_or_default().to_owned(),
            touched_at: *at,
        })
        .collect();
    Evidence {
        substantive_at,
        events_total: events.len(),
        events: events.into_iter().take(NAMED).collect(),
        questions_total: questions.len(),
        questions: questions.into_iter().take(NAMED).collect(),
    }
}

/// The thread page's badge: [`of_page`] in words and dates.
pub fn badge_of_page(
    data: &ThreadPageData,
    settings: &AttentionSettings,
    now: DateTime<Utc>,
) -> Option<AttentionBadge> {
    of_page(data, settings, now).map(|(reasons, since)| badge(reasons, since))
}

/// A badge for `reasons` since `since`.
pub fn badge(reasons: Vec<String>, since: NaiveDate) -> AttentionBadge {
    AttentionBadge { reasons, since: format::event_date(since), since_iso: since.to_string() }
}

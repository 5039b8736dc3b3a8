//! Readers following threads: follow and unfollow, the Following list, and "since your last
//! visit" — what changed between the state a reader last read and now.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};

use super::access;
use super::cursor::{decode_thread, encode_thread};
use crate::auth::CurrentUser;
use crate::db::citations;
use crate::db::follows;
use crate::db::notifications;
use crate::db::reads::{self, COUNT_LIMIT};
use crate::db::revisions;
use crate::db::thread_page::{ThreadPageCache, ThreadPageData};
use crate::db::threads::{ThreadCursor, ThreadKey, ThreadRow, ThreadSort};
use crate::db::{self, PgPool};
use crate::domain::citation::{self, OwnerKind};
use crate::domain::history::Area;
use crate::domain::since::{SinceCounts, SinceMarks, changed_places, sentence};
use crate::domain::thread::{Stance, Status};
use crate::error::AppError;
use crate::render::format;
use crate::render::pages::following::{CuratedView, FollowedView};

/// A followed thread as the list query returns it (the API serializes its fields).
pub use crate::db::follows::FollowedThread;

/// Followed threads per page.
pub const PAGE_SIZE: i64 = 50;

/// What a signed-in reader sees of their own on a thread page.
#[derive(Debug, Clone, Default)]
pub struct ReaderState {
    pub following: bool,
    pub since: Option<Since>,
}

/// What changed since the reader last read the thread.
#[derive(Debug, Clone)]
pub struct Since {
    pub read_at: DateTime<Utc>,
    /// "the synthesis changed in 2 places, 3 new events and 1 question answered".
    pub summary: String,
    /// More changes than were counted.
    pub at_least: bool,
    /// The synthesis revision they read and the current one, when the text changed since.
    pub diff: Option<(i32, i32)>,
    /// The current synthesis with the paragraphs changed since marked.
    /// Per paragraph of the current synthesis, whether it changed since (for marking).
    pub changed_paragraphs: Option<Vec<bool>>,
    /// The events, questions and section items changed since, from the same entries.
    pub marks: SinceMarks,
}

/// The reader's state on a thread page. A first visit records what they see as read.
pub fn reader_state(
    conn: &mut PgConnection,
    user: &CurrentUser,
    data: &ThreadPageData,
) -> Result<ReaderState, AppError> {
    let (state, first_visit) = observe_reader(conn, user, data)?;
    if let Some(first_visit) = first_visit {
        first_visit.record_in(conn)?;
    }
    Ok(state)
}

/// A first visit to a thread, to record as read: what the reader saw, found on the connection
/// the page was read from, stored by [`FirstVisit::record`] on the primary (a `GET` may read
/// from a replica, which cannot be written).
#[derive(Debug, Clone)]
pub struct FirstVisit {
    user: crate::domain::ids::UserId,
    thread: crate::domain::ids::ThreadId,
    seen: reads::Baseline,
}

impl FirstVisit {
    /// Stores the visit on `conn`.
    pub fn record_in(&self, conn: &mut PgConnection) -> Result<(), AppError> {
        Ok(reads::record(conn, self.user, self.thread, &self.seen, true)?)
    }

    /// Stores the visit on the primary, whatever the request reads from.
    pub async fn record(self, pool: &PgPool) -> Result<(), AppError> {
        db::with_primary_conn(pool, move |c| self.record_in(c)).await
    }
}

/// [`reader_state`] without writing: the state, and the first visit to record if it is one.
pub fn observe_reader(
    conn: &mut PgConnection,
    user: &CurrentUser,
    data: &ThreadPageData,
) -> Result<(ReaderState, Option<FirstVisit>), AppError> {
    let thread = &data.thread;
    let following = follows::is_following(conn, user.id, thread.thread_id())?;
    let Some(read) = reads::get(conn, user.id, thread.thread_id())? else {
        let seen = reads::baseline(conn, thread)?;
        let first_visit = FirstVisit { user: user.id, thread: thread.thread_id(), seen };
        return Ok((ReaderState { following, since: None }, Some(first_visit)));
    };
    let entries = reads::changes_since(conn, thread.thread_id(), read.change_id, user.id)?;
    let mut counts = SinceCounts::default();
    let mut marks = SinceMarks::default();
    for e in &entries {
        if let Some(area) = Area::parse(&e.area) {
            counts.count(area, &e.action, e.minor, e.filed_under_thread);
            marks.note(area, &e.action, e.subject_id, e.filed_under_thread);
        }
    }
    counts.status = changed(Status::parse(&read.status), Status::parse(&thread.status));
    counts.stance = changed(Stance::parse(&read.stance), Stance::parse(&thread.stance));
    if counts.stance.is_some() {
        counts.stance_approved_by = crate::db::stance::latest_approver(conn, thread.thread_id())?;
    }
    let mut since = Since {
        read_at: read.read_at,
        summary: String::new(),
        at_least: entries.len() as i64 >= COUNT_LIMIT,
        diff: None,
        changed_paragraphs: None,
        marks,
    };
    if let Some(head) = data.synthesis.as_ref().filter(|h| counts.synthesis_revisions > 0 && h.meta.seq != read.seq) {
        // A paragraph changed since when the revision that last changed it substantively is
        // newer than the one they read; minor edits keep the older attribution, so they are out.
        let (blame, _) = revisions::paragraph_marks(conn, thread.thread_id(), head.meta.seq)?;
        let changed_paragraphs: Vec<bool> = blame.iter().map(|&seq| seq > read.seq).collect();
        counts.synthesis_places = changed_places(&changed_paragraphs);
        since.changed_paragraphs = Some(changed_paragraphs);
        let then = citations::targets_of_revision(conn, thread.thread_id(), read.seq)?;
        let now = data.citations.iter().filter(|c| c.owner.kind == OwnerKind::Revision).map(|c| c.target);
        counts.new_citations = citation::added(&then, now);
        if read.seq > 0 {
            since.diff = Some((read.seq, head.meta.seq));
        }
    }
    let phrases = counts.phrases();
    if phrases.is_empty() {
        return Ok((ReaderState { following, since: None }, None));
    }
    since.summary = sentence(&phrases);
    Ok((ReaderState { following, since: Some(since) }, None))
}

fn changed<T: PartialEq>(then: Option<T>, now: Option<T>) -> Option<(T, T)> {
    match (then, now) {
        (Some(then), Some(now)) if then != now => Some((then, now)),
        _ => None,
    }
}

/// Follows the thread at `slug` and, if they have none, records what they see now as read
/// (so the Following list counts from here).
pub fn follow_in(conn: &mut PgConnection, user: &CurrentUser, slug: &str) -> Result<ThreadRow, AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    follows::follow(conn, user.id, thread.thread_id())?;
    reads::mark(conn, user.id, &thread, true)?;
    Ok(thread)
}

/// See [`follow_in`].
pub async fn follow(pool: &PgPool, user: CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    db::with_conn(pool, move |c| follow_in(c, &user, &slug)).await
}

/// Stops following the thread at `slug`; 404 when they did not follow it.
pub fn unfollow_in(conn: &mut PgConnection, user: &CurrentUser, slug: &str) -> Result<ThreadRow, AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    if !follows::unfollow(conn, user.id, thread.thread_id())? {
        return Err(AppError::NotFound);
    }
    Ok(thread)
}

/// See [`unfollow_in`].
pub async fn unfollow(pool: &PgPool, user: CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    db::with_conn(pool, move |c| unfollow_in(c, &user, &slug)).await
}

/// Records the thread at `slug`, as it is now, as read by `user`: the summary starts over,
/// and the thread's unread notification (which told them about the same changes) is read too.
pub fn mark_read_in(conn: &mut PgConnection, user: &CurrentUser, slug: &str) -> Result<ThreadRow, AppError> {
    conn.transaction(|c| {
        let thread = access::thread_by_slug(c, slug)?;
        reads::mark(c, user.id, &thread, false)?;
        notifications::mark_thread_read(c, user.id, thread.thread_id())?;
        Ok(thread)
    })
}

/// See [`mark_read_in`].
pub async fn mark_read(pool: &PgPool, user: CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    db::with_conn(pool, move |c| mark_read_in(c, &user, &slug)).await
}

/// A page of the threads `user` follows, newest activity first, after the cursor `after` (a
/// malformed one is a 400), and the encoded cursor of the next page.
pub fn list_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    after: Option<&str>,
) -> Result<(Vec<FollowedThread>, Option<String>), AppError> {
    // The list is ordered by activity, so its cursors carry a time.
    let after = after.map(|a| decode_thread(a, ThreadSort::Activity)).transpose()?;
    let rows = follows::list(conn, user.id, after, PAGE_SIZE + 1)?;
    let (rows, next) =
        db::keyset_page(rows, PAGE_SIZE, |t| ThreadCursor { key: ThreadKey::Time(t.updated_at), id: t.id });
    Ok((rows, next.as_ref().map(encode_thread)))
}

/// See [`list_in`].
pub async fn list(
    pool: &PgPool,
    user: &CurrentUser,
    after: Option<String>,
) -> Result<(Vec<FollowedThread>, Option<String>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| list_in(c, &user, after.as_deref())).await
}

/// How many curated threads the Following page lists with their support counts.
const CURATED_LIMIT: i64 = 50;

/// The Following page: its rows, the encoded cursor of its next page, and (for curators) the
/// threads they curate, most unsupported paragraphs first.
pub async fn page(
    pool: &PgPool,
    user: &CurrentUser,
    after: Option<String>,
) -> Result<(Vec<FollowedView>, Option<String>, Vec<CuratedView>), AppError> {
    let (rows, next) = list(pool, user, after).await?;
    let id = user.id;
    let curated = db::with_conn(pool, move |c| Ok(citations::curated_support(c, id, CURATED_LIMIT)?)).await?;
    let curated = curated
        .into_iter()
        .map(|t| CuratedView {
            unsupported_text: plural(t.unsupported, "paragraph without support", "paragraphs without support"),
            claims_text: plural(t.claims, "claim paragraph", "claim paragraphs"),
            flagged_text: (t.flagged > 0).then(|| plural(t.flagged, "cited link broken", "cited links broken")),
            slug: t.slug,
            title: t.title,
            unsupported: t.unsupported,
        })
        .collect();
    Ok((rows.iter().map(followed_view).collect(), next, curated))
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// A followed thread as the Following page shows it.
fn followed_view(t: &FollowedThread) -> FollowedView {
    // The columns' CHECK constraints guarantee known values.
    let status = Status::parse(&t.status).unwrap_or(Status::Active);
    let stance = Stance::parse(&t.stance).unwrap_or(Stance::Contested);
    FollowedView {
        slug: t.slug.clone(),
        title: t.title.clone(),
        status: status.as_str(),
        status_label: status.label(),
        stance: stance.as_str(),
        stance_label: stance.label(),
        new_changes: t.new_changes,
        new_changes_text: if t.new_changes == 1 { "1 change".to_owned() } else { format!("{} changes", t.new_changes) },
        read_on: format::day(t.read_at),
        read_iso: format::iso_timestamp(t.read_at),
        updated: format::day(t.updated_at),
        updated_iso: format::iso_timestamp(t.updated_at),
    }
}

/// What changed since `user` last read the thread at `slug`, with its slug as stored; a first
/// visit records what they see now as read. The thread's data comes through `pages`, the
/// cache the thread page reads too.
pub fn since_in(
    conn: &mut PgConnection,
    pages: &ThreadPageCache,
    user: &CurrentUser,
    slug: &str,
) -> Result<(String, ReaderState), AppError> {
    let (slug, (state, first_visit)) = observe_since_in(conn, pages, user, slug)?;
    if let Some(first_visit) = first_visit {
        first_visit.record_in(conn)?;
    }
    Ok((slug, state))
}

/// [`since_in`] without writing: also the first visit to record, if it is one.
fn observe_since_in(
    conn: &mut PgConnection,
    pages: &ThreadPageCache,
    user: &CurrentUser,
    slug: &str,
) -> Result<(String, (ReaderState, Option<FirstVisit>)), AppError> {
    crate::domain::validate::slug(slug).map_err(|_| AppError::NotFound)?;
    let data = pages.load(conn, slug, crate::render::timeline::MAX_REVISIONS)?;
    Ok((data.thread.slug.clone(), observe_reader(conn, user, &data)?))
}

/// See [`since_in`]; `pages` is whatever holds the application's thread page cache.
pub async fn since<P>(
    pool: &PgPool,
    pages: Arc<P>,
    user: CurrentUser,
    slug: String,
) -> Result<(String, ReaderState), AppError>
where
    P: AsRef<ThreadPageCache> + Send + Sync + 'static,
{
    // The reads may come from a replica; the first visit is recorded on the primary.
    let (slug, (state, first_visit)) =
        db::with_conn(pool, move |c| observe_since_in(c, pages.as_ref().as_ref(), &user, &slug)).await?;
    if let Some(first_visit) = first_visit {
        first_visit.record(pool).await?;
    }
    Ok((slug, state))
}

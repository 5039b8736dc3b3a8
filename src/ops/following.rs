//! Readers following threads: follow and unfollow, the Following list, and "since your last
//! visit" — what changed between the state a reader last read and now.

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};

use super::access;
use crate::auth::CurrentUser;
use crate::db::follows::{self, FollowedThread};
use crate::db::notifications;
use crate::db::reads::{self, COUNT_LIMIT};
use crate::db::revisions;
use crate::db::thread_page::ThreadPageData;
use crate::db::threads::{ThreadCursor, ThreadKey, ThreadRow};
use crate::db::{self, PgPool};
use crate::domain::history::Area;
use crate::domain::html::SafeHtml;
use crate::domain::since::{SinceCounts, changed_places, sentence};
use crate::domain::thread::{Stance, Status};
use crate::error::AppError;

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
    pub marked_synthesis: Option<SafeHtml>,
}

/// The reader's state on a thread page. A first visit records what they see as read.
pub fn reader_state(
    conn: &mut PgConnection,
    user: &CurrentUser,
    data: &ThreadPageData,
) -> Result<ReaderState, AppError> {
    let thread = &data.thread;
    let following = follows::is_following(conn, user.id, thread.thread_id())?;
    let Some(read) = reads::get(conn, user.id, thread.thread_id())? else {
        reads::mark(conn, user.id, thread, true)?;
        return Ok(ReaderState { following, since: None });
    };
    let entries = reads::changes_since(conn, thread.thread_id(), read.change_id, user.id)?;
    let mut counts = SinceCounts::default();
    for (area, action, minor, filed_under_thread) in &entries {
        if let Some(area) = Area::parse(area) {
            counts.count(area, action, *minor, *filed_under_thread);
        }
    }
    counts.status = changed(Status::parse(&read.status), Status::parse(&thread.status));
    counts.stance = changed(Stance::parse(&read.stance), Stance::parse(&thread.stance));
    let mut since = Since {
        read_at: read.read_at,
        summary: String::new(),
        at_least: entries.len() as i64 >= COUNT_LIMIT,
        diff: None,
        marked_synthesis: None,
    };
    if let Some(head) = data.synthesis.as_ref().filter(|h| counts.synthesis_revisions > 0 && h.meta.seq != read.seq) {
        // A paragraph changed since when the revision that last changed it substantively is
        // newer than the one they read; minor edits keep the older attribution, so they are out.
        let (blame, blocks) = revisions::paragraph_marks(conn, thread.thread_id(), head.meta.seq)?;
        let changed_paragraphs: Vec<bool> = blame.iter().map(|&seq| seq > read.seq).collect();
        counts.synthesis_places = changed_places(&changed_paragraphs);
        let in_block = |first: i32, last: i32| {
            let range = usize::try_from(first).ok().zip(usize::try_from(last).ok());
            range.is_some_and(|(f, l)| changed_paragraphs.get(f..=l).is_some_and(|r| r.contains(&true)))
        };
        since.marked_synthesis = Some(head.body_html.with_marked_blocks(&blocks, in_block));
        if read.seq > 0 {
            since.diff = Some((read.seq, head.meta.seq));
        }
    }
    let phrases = counts.phrases();
    if phrases.is_empty() {
        return Ok(ReaderState { following, since: None });
    }
    since.summary = sentence(&phrases);
    Ok(ReaderState { following, since: Some(since) })
}

fn changed<T: PartialEq>(then: Option<T>, now: Option<T>) -> Option<(T, T)> {
    match (then, now) {
        (Some(then), Some(now)) if then != now => Some((then, now)),
        _ => None,
    }
}

/// Follows the thread at `slug` and, if they have none, records what they see now as read
/// (so the Following list counts from here).
pub async fn follow(pool: &PgPool, user: CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        follows::follow(c, user.id, thread.thread_id())?;
        reads::mark(c, user.id, &thread, true)?;
        Ok(thread)
    })
    .await
}

/// Stops following the thread at `slug`; 404 when they did not follow it.
pub async fn unfollow(pool: &PgPool, user: CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        if !follows::unfollow(c, user.id, thread.thread_id())? {
            return Err(AppError::NotFound);
        }
        Ok(thread)
    })
    .await
}

/// Records the thread at `slug`, as it is now, as read by `user`: the summary starts over,
/// and the thread's unread notification (which told them about the same changes) is read too.
pub async fn mark_read(pool: &PgPool, user: CurrentUser, slug: String) -> Result<ThreadRow, AppError> {
    db::with_conn(pool, move |c| {
        c.transaction(|c| {
            let thread = access::thread_by_slug(c, &slug)?;
            reads::mark(c, user.id, &thread, false)?;
            notifications::mark_thread_read(c, user.id, thread.thread_id())?;
            Ok(thread)
        })
    })
    .await
}

/// A page of the threads `user` follows, newest activity first, and the next page's cursor.
pub async fn following(
    pool: &PgPool,
    user: &CurrentUser,
    after: Option<ThreadCursor>,
) -> Result<(Vec<FollowedThread>, Option<ThreadCursor>), AppError> {
    let user_id = user.id;
    let rows = db::with_conn(pool, move |c| Ok(follows::list(c, user_id, after, PAGE_SIZE + 1)?)).await?;
    Ok(db::keyset_page(rows, PAGE_SIZE, |t| ThreadCursor { key: ThreadKey::Time(t.updated_at), id: t.id }))
}

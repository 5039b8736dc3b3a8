//! Moderators' actions on content and threads: patrol, hide and unhide, lock and unlock, and
//! reading the moderation log. Every action appends to the log in the same transaction.

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use serde::Deserialize;

use super::{access, changelog, hiding, restore, synthesis};
use crate::auth::CurrentUser;
use crate::db::changes;
use crate::db::moderation::{self, LogFilter, NewLogEntry};
use crate::db::revisions::{self, SaveOutcome};
use crate::db::threads::{self, ThreadRow};
use crate::db::{self, PgPool, search};
use crate::domain::history::{ModAction, RevisionAction};
use crate::domain::ids::{ThreadId, UserId};
use crate::domain::restriction::{Lock, parse_until};
use crate::domain::roles;
use crate::domain::validate;
use crate::error::AppError;
use crate::render::pages::changes::ModLogEntryView;

/// A changelog row, as hiding returns it.
pub use crate::db::changes::ChangeRow;

/// A moderation-log entry as listed (what the log page and the API show).
pub use crate::db::moderation::LogListed;

/// A reason as moderation forms send it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReasonInput {
    #[serde(default)]
    pub reason: String,
}

/// A hide as its form or JSON body sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HideInput {
    #[serde(default)]
    pub reason: String,
    /// Also take the revision's words out of the current text (an undo, in the same step).
    /// The form's checkbox sends "true" when ticked; absent is false.
    #[serde(default)]
    pub remove: bool,
}

/// A lock as its form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LockInput {
    #[serde(default)]
    pub reason: String,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (UTC); empty: until unlocked.
    #[serde(default)]
    pub until: String,
}

/// An optional end in the future, from a lock's or suspension's `until` ([`parse_until`]).
pub fn expiry(until: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    parse_until(until, Utc::now()).map_err(AppError::Invalid)
}

fn append_log(c: &mut PgConnection, entry: &NewLogEntry<'_>) -> Result<(), AppError> {
    moderation::append(c, entry)?;
    Ok(())
}

fn describe(c: &mut PgConnection, change: &ChangeRow) -> Result<String, AppError> {
    let thread = match change.thread_id {
        Some(id) => format!(" on \"{}\"", threads::by_id(c, ThreadId(id))?.title),
        None => String::new(),
    };
    Ok(match change.rev_seq {
        Some(seq) => format!("revision {seq}{thread}"),
        None => format!("change {} ({} {}){thread}", change.id, change.area, change.action),
    })
}

/// Marks a change patrolled (moderators only); a second patrol is a no-op, not an error.
pub fn patrol_in(conn: &mut PgConnection, user: &CurrentUser, change: i64) -> Result<(), AppError> {
    access::require(user, roles::can_moderate, "patrol changes")?;
    conn.transaction(|c| {
        let row = changes::by_id(c, change)?;
        if changes::patrol(c, change, user.id)? {
            let target = describe(c, &row)?;
            append_log(
                c,
                &NewLogEntry {
                    actor: user.id,
                    action: ModAction::Patrol,
                    thread: row.thread_id.map(ThreadId),
                    target_user: Some(UserId(row.actor_id)),
                    change: Some(change),
                    target: &target,
                    reason: "",
                },
            )?;
        }
        Ok(())
    })
}

/// See [`patrol_in`].
pub async fn patrol(pool: &PgPool, user: &CurrentUser, change: i64) -> Result<(), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| patrol_in(c, &user, change)).await
}

/// Hides (`hide = true`) or shows again a change's content. Hiding the current revision of a
/// synthesis first puts back the newest revision that is not hidden, so the page never shows it;
/// for a section item or an event, the version it should show is put back after the change of
/// state (`restore::show_visible_version`), in the same transaction, so unhiding restores it too.
pub fn set_hidden_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    change: i64,
    hide: bool,
    reason: String,
) -> Result<(ChangeRow, Option<String>), AppError> {
    access::require(user, roles::can_moderate, "hide content")?;
    let reason = if hide {
        validate::required_reason(&reason, "hiding").map_err(AppError::Invalid)?
    } else {
        validate::reason(&reason).map_err(AppError::Invalid)?
    };
    conn.transaction(|c| {
        let row = changes::by_id(c, change)?;
        if hide && row.is_hidden() {
            return Err(AppError::Invalid("this content is already hidden".to_owned()));
        }
        if !hide && !row.is_hidden() {
            return Err(AppError::Invalid("this content is not hidden".to_owned()));
        }
        if let (true, Some(thread_id), Some(seq)) = (hide, row.thread_id, row.rev_seq) {
            restore_if_current(c, user, ThreadId(thread_id), seq)?;
        }
        changes::set_hidden(c, change, user.id, hide.then_some(reason.as_str()))?;
        restore::show_visible_version(c, user, &row, hide)?;
        if let Some(thread) = row.thread_id {
            // What hiding took off the page leaves search with this transaction, not a tick
            // later (a synthesis save only marks its thread: `db::search`). Locked first, so
            // the document is made from every save committed before it.
            threads::lock_rows(c, &[thread])?;
            search::refresh(c, ThreadId(thread))?;
        }
        let target = describe(c, &row)?;
        append_log(
            c,
            &NewLogEntry {
                actor: user.id,
                action: if hide { ModAction::Hide } else { ModAction::Unhide },
                thread: row.thread_id.map(ThreadId),
                target_user: Some(UserId(row.actor_id)),
                change: Some(change),
                target: &target,
                reason: &reason,
            },
        )?;
        let slug = row.thread_id.map(|id| threads::by_id(c, ThreadId(id)).map(|t| t.slug)).transpose()?;
        Ok((row, slug))
    })
}

/// See [`set_hidden_in`].
pub async fn set_hidden(
    pool: &PgPool,
    user: &CurrentUser,
    change: i64,
    hide: bool,
    reason: String,
) -> Result<(ChangeRow, Option<String>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| set_hidden_in(c, &user, change, hide, reason)).await
}

/// Hides a change's content ([`set_hidden_in`]) and, when `input.remove` is set and the current
/// text still carries the revision's words, first takes them out as an undo of it: one
/// transaction, so a collision with later edits hides nothing either.
pub fn hide_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    change: i64,
    input: HideInput,
) -> Result<(ChangeRow, Option<String>), AppError> {
    access::require(user, roles::can_moderate, "hide content")?;
    validate::required_reason(&input.reason, "hiding").map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let row = changes::by_id(c, change)?;
        if input.remove && !row.is_hidden() {
            hiding::remove_from_current(c, user, &row)?;
        }
        set_hidden_in(c, user, change, true, input.reason)
    })
}

/// See [`hide_in`].
pub async fn hide(
    pool: &PgPool,
    user: &CurrentUser,
    change: i64,
    input: HideInput,
) -> Result<(ChangeRow, Option<String>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| hide_in(c, &user, change, input)).await
}

/// The change id of revision `seq` of the thread at `slug` (hiding a revision hides its entry).
pub fn change_of_revision_in(conn: &mut PgConnection, slug: &str, seq: i32) -> Result<i64, AppError> {
    let thread = access::thread_by_slug(conn, slug)?;
    Ok(changes::of_revision(conn, thread.thread_id(), seq)?.id)
}

/// See [`change_of_revision_in`].
pub async fn change_of_revision(pool: &PgPool, slug: String, seq: i32) -> Result<i64, AppError> {
    db::with_conn(pool, move |c| change_of_revision_in(c, &slug, seq)).await
}

fn restore_if_current(c: &mut PgConnection, user: &CurrentUser, thread: ThreadId, seq: i32) -> Result<(), AppError> {
    let row = threads::by_id(c, thread)?;
    if row.head_seq != seq {
        return Ok(());
    }
    let hidden = changes::hidden_revision_seqs(c, thread)?;
    let Some(visible) = (1..seq).rev().find(|s| !hidden.contains(s)) else {
        return Err(AppError::Invalid(format!(
            "revision {seq} is the current text and no earlier revision is visible; edit the synthesis first"
        )));
    };
    let old = revisions::by_seq(c, thread, visible)?;
    let summary = format!("Revision {seq} was hidden by a moderator; restored revision {visible}");
    match synthesis::restore(c, &row, user, &old, seq, &summary, RevisionAction::Restore)? {
        SaveOutcome::Saved { .. } => Ok(()),
        _ => Err(AppError::Conflict("the synthesis changed meanwhile; try again".to_owned())),
    }
}

/// Locks a thread (moderators only), optionally until a time.
pub fn lock_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: String,
    input: LockInput,
) -> Result<ThreadRow, AppError> {
    access::require(user, roles::can_moderate, "lock threads")?;
    let reason = validate::required_reason(&input.reason, "locking").map_err(AppError::Invalid)?;
    let until = expiry(&input.until)?;
    conn.transaction(|c| {
        let thread = access::thread_by_slug(c, &slug)?;
        let lock = Lock { until, reason };
        threads::set_lock(c, thread.thread_id(), Some(&lock))?;
        append_log(
            c,
            &NewLogEntry {
                actor: user.id,
                action: ModAction::Lock,
                thread: Some(thread.thread_id()),
                target_user: None,
                change: None,
                target: &format!("\"{}\" {}", thread.title, lock.until_text()),
                reason: &lock.reason,
            },
        )?;
        Ok(thread)
    })
}

/// See [`lock_in`].
pub async fn lock(pool: &PgPool, user: &CurrentUser, slug: String, input: LockInput) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| lock_in(c, &user, slug, input)).await
}

/// Unlocks a thread (moderators only).
pub fn unlock_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: String,
    input: ReasonInput,
) -> Result<ThreadRow, AppError> {
    access::require(user, roles::can_moderate, "unlock threads")?;
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let thread = access::thread_by_slug(c, &slug)?;
        if thread.lock().is_none() {
            return Err(AppError::Invalid("this thread is not locked".to_owned()));
        }
        threads::set_lock(c, thread.thread_id(), None)?;
        append_log(
            c,
            &NewLogEntry {
                actor: user.id,
                action: ModAction::Unlock,
                thread: Some(thread.thread_id()),
                target_user: None,
                change: None,
                target: &format!("\"{}\"", thread.title),
                reason: &reason,
            },
        )?;
        Ok(thread)
    })
}

/// See [`unlock_in`].
pub async fn unlock(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: ReasonInput,
) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| unlock_in(c, &user, slug, input)).await
}

/// Log entries per page.
pub const LOG_PAGE: i64 = 50;

/// The log filter of an `?action=` value (empty: every action); an unknown action is a 400.
pub fn log_filter(action: Option<&str>) -> Result<LogFilter, AppError> {
    let action = match action.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(
            ModAction::parse(a).ok_or_else(|| AppError::BadRequest(format!("there is no action called \"{a}\"")))?,
        ),
    };
    Ok(LogFilter { action, target_user: None })
}

/// A page of the moderation log: entries as listed (`LogListed`) or as the page shows them.
#[derive(Debug)]
pub struct ModerationLog<E = LogListed> {
    /// Newest first.
    pub entries: Vec<E>,
    /// The id the next page continues before.
    pub next_before: Option<i64>,
    /// The action the log is filtered by, if any.
    pub action: Option<ModAction>,
}

/// A page of the moderation log (moderators only), newest first, before entry `before`.
pub fn log_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    filter: &LogFilter,
    before: Option<i64>,
) -> Result<(Vec<LogListed>, Option<i64>), AppError> {
    if !roles::can_moderate(user.role) {
        return Err(AppError::Forbidden("only moderators can read the moderation log".to_owned()));
    }
    let rows = moderation::list(conn, filter, before, LOG_PAGE + 1)?;
    Ok(db::keyset_page(rows, LOG_PAGE, |r| r.row.id))
}

/// The moderation log filtered by `?action=`: an unknown action is a 400 (before anything
/// else), no user a 401, and anyone but a moderator a 403.
pub async fn log(
    pool: &PgPool,
    user: Option<&CurrentUser>,
    action: Option<String>,
    before: Option<i64>,
) -> Result<ModerationLog, AppError> {
    let filter = log_filter(action.as_deref())?;
    let user = user.ok_or(AppError::LoginRequired)?.clone();
    let chosen = filter.action;
    let (entries, next_before) = db::with_conn(pool, move |c| log_in(c, &user, &filter, before)).await?;
    Ok(ModerationLog { entries, next_before, action: chosen })
}

/// `/moderation/log`: [`log`], with the entries as the page shows them.
pub async fn log_page(
    pool: &PgPool,
    user: Option<&CurrentUser>,
    action: Option<String>,
    before: Option<i64>,
) -> Result<ModerationLog<ModLogEntryView>, AppError> {
    let log = log(pool, user, action, before).await?;
    Ok(ModerationLog {
        entries: log.entries.iter().map(changelog::log_entry_view).collect(),
        next_before: log.next_before,
        action: log.action,
    })
}

/// The first page of the log entries `filter` selects (a user's page shows those about them).
pub async fn log_about(pool: &PgPool, user: &CurrentUser, filter: LogFilter) -> Result<Vec<LogListed>, AppError> {
    let user = user.clone();
    let (entries, _) = db::with_conn(pool, move |c| log_in(c, &user, &filter, None)).await?;
    Ok(entries)
}

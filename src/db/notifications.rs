//! In-app notifications: one open (unread) row per reader and followed thread, into which every
//! change made while it stays unread is folded, so a burst of edits is one notification.
//! Written by the fan-out worker after the change commits (`db::fanout`, queued by
//! `changes::record` in the transaction of the change itself).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Int4, Nullable, Text, Timestamptz};

use super::schema::notifications;
use crate::domain::ids::{ThreadId, UserId};

diesel::define_sql_function!(
    /// How many unread notifications `account` has, for the queries that load it beside a
    /// session's or a token's user (the function of migration `unread_count`, served by
    /// `notifications_open_key`): fixed SQL, so diesel prepares those queries once per connection.
    #[sql_name = "agora_unread_notifications"]
    fn unread_of(account: BigInt) -> BigInt
);

/// Where a page of notifications continues (newest activity first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationCursor {
    pub updated_at: DateTime<Utc>,
    pub id: i64,
}

/// A listed notification with what the list shows.
#[derive(Debug, Clone, QueryableByName)]
pub struct NotificationListed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub thread_id: i64,
    #[diesel(sql_type = Text)]
    pub thread_slug: String,
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    #[diesel(sql_type = Int4)]
    pub change_count: i32,
    /// The latest change folded in (the list says what it was).
    #[diesel(sql_type = BigInt)]
    pub last_change_id: i64,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub read_at: Option<DateTime<Utc>>,
    /// Who made the changes, latest first (at most three names).
    #[diesel(sql_type = Array<Text>)]
    pub actors: Vec<String>,
    /// How many people made them in all.
    #[diesel(sql_type = BigInt)]
    pub actor_count: i64,
}

impl NotificationListed {
    /// Where the next page starts if this is the last row of this one.
    pub fn cursor(&self) -> NotificationCursor {
        NotificationCursor { updated_at: self.updated_at, id: self.id }
    }
}

/// A page of a reader's notifications, newest activity first, seeking past `after` (keyset on
/// `notifications_user_idx`). The actors are those of the thread's own changes in the batch
/// plus whoever made the latest change (an event edit has no thread), the reader excluded.
pub fn list(
    conn: &mut PgConnection,
    user: UserId,
    after: Option<NotificationCursor>,
    limit: i64,
) -> QueryResult<Vec<NotificationListed>> {
    diesel::sql_query(
        "SELECT n.id, n.thread_id, t.slug AS thread_slug, t.title AS thread_title, n.change_count, n.last_change_id, \
                n.created_at, n.updated_at, n.read_at, \
                COALESCE((SELECT array_agg(a.username ORDER BY a.latest DESC) FROM ( \
                    SELECT u.username, max(c.id) AS latest FROM changes c JOIN users u ON u.id = c.actor_id \
                    WHERE c.actor_id <> n.user_id AND (c.id = n.last_change_id OR \
                          (c.thread_id = n.thread_id AND c.id BETWEEN n.first_change_id AND n.last_change_id)) \
                    GROUP BY u.username ORDER BY latest DESC LIMIT 3) a), '{}') AS actors, \
                (SELECT count(DISTINCT c.actor_id) FROM changes c \
                    WHERE c.actor_id <> n.user_id AND (c.id = n.last_change_id OR \
                          (c.thread_id = n.thread_id AND c.id BETWEEN n.first_change_id AND n.last_change_id))) \
                    AS actor_count \
         FROM notifications n JOIN threads t ON t.id = n.thread_id \
         WHERE n.user_id = $1 AND ($2::timestamptz IS NULL OR (n.updated_at, n.id) < ($2, $3)) \
         ORDER BY n.updated_at DESC, n.id DESC LIMIT $4",
    )
    .bind::<BigInt, _>(user.0)
    .bind::<Nullable<Timestamptz>, _>(after.map(|a| a.updated_at))
    .bind::<BigInt, _>(after.map_or(0, |a| a.id))
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// How many unread notifications a reader has (the header's count; the partial unique index
/// `notifications_open_key` holds exactly these rows).
pub fn unread_count(conn: &mut PgConnection, user: UserId) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user.0))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks one of the reader's notifications read; `None` if they have no notification with that
/// id (someone else's is as absent as a missing one), `Some(false)` if it already was read.
pub fn mark_read(conn: &mut PgConnection, user: UserId, id: i64) -> QueryResult<Option<bool>> {
    let marked = diesel::update(
        notifications::table
            .filter(notifications::id.eq(id))
            .filter(notifications::user_id.eq(user.0))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(diesel::dsl::now))
    .execute(conn)?;
    if marked == 1 {
        return Ok(Some(true));
    }
    let exists = diesel::select(diesel::dsl::exists(
        notifications::table.filter(notifications::id.eq(id)).filter(notifications::user_id.eq(user.0)),
    ))
    .get_result::<bool>(conn)?;
    Ok(exists.then_some(false))
}

/// Marks those of `ids` that are the reader's and unread as read; returns how many. Ids of other
/// readers' notifications are ignored.
pub fn mark_many_read(conn: &mut PgConnection, user: UserId, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::id.eq_any(ids))
            .filter(notifications::user_id.eq(user.0))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(diesel::dsl::now))
    .execute(conn)
}

/// Marks every unread notification of the reader read; returns how many.
pub fn mark_all_read(conn: &mut PgConnection, user: UserId) -> QueryResult<usize> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user.0)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(diesel::dsl::now))
    .execute(conn)
}

/// Marks the reader's open notification of one thread read (the thread page's "Mark as read");
/// returns whether there was one. The next change opens a new notification.
pub fn mark_thread_read(conn: &mut PgConnection, user: UserId, thread: ThreadId) -> QueryResult<bool> {
    let marked = diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user.0))
            .filter(notifications::thread_id.eq(thread.0))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(diesel::dsl::now))
    .execute(conn)?;
    Ok(marked > 0)
}

/// An unread notification not yet e-mailed, as a digest lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct DigestItem {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub thread_slug: String,
    #[diesel(sql_type = Text)]
    pub thread_title: String,
    #[diesel(sql_type = Int4)]
    pub change_count: i32,
    /// The latest change folded in (the list says what it was).
    #[diesel(sql_type = BigInt)]
    pub last_change_id: i64,
}

/// A reader due a digest, locked for this transaction.
#[derive(Debug, Clone, QueryableByName)]
pub struct DigestReader {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub username: String,
    #[diesel(sql_type = Text)]
    pub email: String,
}

/// Claims one reader whose digest is due at `now` (daily: none sent for a day; weekly: for a
/// week) and who has unread notifications not yet e-mailed, skipping `skip` (failed this round).
/// `FOR UPDATE SKIP LOCKED` makes the claim exclusive until the transaction ends, so several
/// instances never send one reader two digests: under READ COMMITTED the locked row's
/// `digest_sent_at` is re-checked after a competitor commits, which then no longer matches.
pub fn claim_due_reader(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    skip: &[i64],
) -> QueryResult<Option<DigestReader>> {
    diesel::sql_query(
        "SELECT u.id, u.username, u.email FROM users u \
         WHERE u.email IS NOT NULL AND u.digest <> 'off' AND u.id <> ALL($2) \
           AND (u.digest_sent_at IS NULL \
                OR (u.digest = 'daily' AND u.digest_sent_at <= $1 - interval '1 day') \
                OR (u.digest = 'weekly' AND u.digest_sent_at <= $1 - interval '7 days')) \
           AND EXISTS (SELECT 1 FROM notifications n \
                       WHERE n.user_id = u.id AND n.emailed_at IS NULL AND n.read_at IS NULL) \
         ORDER BY u.id LIMIT 1 FOR UPDATE OF u SKIP LOCKED",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Array<BigInt>, _>(skip)
    .get_result(conn)
    .optional()
}

/// What a claimed reader's digest lists: their unread notifications not yet e-mailed, newest
/// activity first.
pub fn digest_items(conn: &mut PgConnection, user: UserId) -> QueryResult<Vec<DigestItem>> {
    diesel::sql_query(
        "SELECT n.id, t.slug AS thread_slug, t.title AS thread_title, n.change_count, n.last_change_id \
         FROM notifications n JOIN threads t ON t.id = n.thread_id \
         WHERE n.user_id = $1 AND n.emailed_at IS NULL AND n.read_at IS NULL \
         ORDER BY n.updated_at DESC, n.id DESC",
    )
    .bind::<BigInt, _>(user.0)
    .load(conn)
}

/// Records that a digest with these notifications went out at `now` (after the SMTP server
/// accepted it).
pub fn mark_emailed(conn: &mut PgConnection, user: UserId, ids: &[i64], now: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(
        notifications::table.filter(notifications::id.eq_any(ids)).filter(notifications::user_id.eq(user.0)),
    )
    .set(notifications::emailed_at.eq(now))
    .execute(conn)?;
    diesel::update(super::schema::users::table.find(user.0))
        .set(super::schema::users::digest_sent_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// A reader's digest settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSettings {
    pub email: Option<String>,
    pub digest: String,
}

/// Reads a reader's digest settings.
pub fn digest_settings(conn: &mut PgConnection, user: UserId) -> QueryResult<DigestSettings> {
    use super::schema::users;
    let (email, digest) =
        users::table.find(user.0).select((users::email, users::digest)).first::<(Option<String>, String)>(conn)?;
    Ok(DigestSettings { email, digest })
}

/// Stores a reader's (validated) digest settings.
pub fn set_digest_settings(conn: &mut PgConnection, user: UserId, settings: &DigestSettings) -> QueryResult<usize> {
    use super::schema::users;
    diesel::update(users::table.find(user.0))
        .set((users::email.eq(&settings.email), users::digest.eq(&settings.digest)))
        .execute(conn)
}

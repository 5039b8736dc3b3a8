//! What the Atom feeds read that no page does: readers' private feed tokens (only their
//! SHA-256 is stored) and events ordered by when they were last written.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz};

use super::events::EventRow;
use super::schema::feed_tokens;
use crate::domain::ids::UserId;

/// Stores the hash of a reader's new feed secret, replacing the one they had: the old URL stops
/// working in the same statement. Returns when the new one was made.
pub fn replace_token(conn: &mut PgConnection, user: UserId, hash: &[u8]) -> QueryResult<DateTime<Utc>> {
    diesel::insert_into(feed_tokens::table)
        .values((feed_tokens::user_id.eq(user.0), feed_tokens::token_hash.eq(hash)))
        .on_conflict(feed_tokens::user_id)
        .do_update()
        .set((feed_tokens::token_hash.eq(hash), feed_tokens::created_at.eq(diesel::dsl::now)))
        .returning(feed_tokens::created_at)
        .get_result(conn)
}

/// Deletes a reader's feed secret; false if they had none.
pub fn revoke_token(conn: &mut PgConnection, user: UserId) -> QueryResult<bool> {
    Ok(diesel::delete(feed_tokens::table.find(user.0)).execute(conn)? == 1)
}

/// When the reader's current feed secret was made, if they have one.
pub fn token_created(conn: &mut PgConnection, user: UserId) -> QueryResult<Option<DateTime<Utc>>> {
    feed_tokens::table.find(user.0).select(feed_tokens::created_at).first(conn).optional()
}

/// The reader whose feed secret hashes to `hash`, and when it was made.
pub fn owner_of(conn: &mut PgConnection, hash: &[u8]) -> QueryResult<Option<(UserId, DateTime<Utc>)>> {
    feed_tokens::table
        .filter(feed_tokens::token_hash.eq(hash))
        .select((feed_tokens::user_id, feed_tokens::created_at))
        .first::<(i64, DateTime<Utc>)>(conn)
        .optional()
        .map(|found| found.map(|(user, at)| (UserId(user), at)))
}

/// An event as the events feed shows it.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    pub row: EventRow,
    /// Who recorded it.
    pub author: String,
    pub created_at: DateTime<Utc>,
    /// Its last edit (from the changelog), or when it was recorded.
    pub updated: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct FeedEventRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Date)]
    occurred_on: NaiveDate,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    significance: String,
    #[diesel(sql_type = Nullable<Text>)]
    url: Option<String>,
    #[diesel(sql_type = Text)]
    body_md: String,
    #[diesel(sql_type = Text)]
    body_html: String,
    #[diesel(sql_type = Text)]
    author: String,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated: DateTime<Utc>,
}

/// The `limit` most recently recorded or edited events, latest write first. Ordered by the
/// write, not by the date the event happened: an event recorded today about last year must still
/// reach subscribers, and an edit brings the event back to the top with its new `updated`.
/// The events table has no edit time of its own; the changelog's "edited" entries are it.
pub fn recently_written_events(conn: &mut PgConnection, limit: i64) -> QueryResult<Vec<FeedEvent>> {
    let rows: Vec<FeedEventRow> = diesel::sql_query(
        "SELECT e.id, e.occurred_on, e.title, e.significance, e.url, e.body_md, e.body_html, \
                u.username AS author, e.created_at, \
                GREATEST(e.created_at, COALESCE(x.edited_at, e.created_at)) AS updated \
         FROM events e \
         JOIN users u ON u.id = e.created_by \
         LEFT JOIN (SELECT event_id, max(created_at) AS edited_at FROM changes \
                    WHERE area = 'event' AND action = 'edited' AND event_id IS NOT NULL \
                    GROUP BY event_id) x ON x.event_id = e.id \
         ORDER BY updated DESC, e.id DESC \
         LIMIT $1",
    )
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| FeedEvent {
            row: EventRow {
                id: r.id,
                occurred_on: r.occurred_on,
                title: r.title,
                significance: r.significance,
                url: r.url,
                body_md: r.body_md,
                body_html: r.body_html,
            },
            author: r.author,
            created_at: r.created_at,
            updated: r.updated,
        })
        .collect())
}

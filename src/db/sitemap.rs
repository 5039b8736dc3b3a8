//! The rows sitemaps list: threads and events by id, each with when it last changed. Parts are
//! keyset ranges of ids (never OFFSET), so any part costs one index range scan.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int8, Timestamptz};

use super::schema::{events, threads};
use crate::domain::sitemap::{MAX_URLS, SitemapKind};

/// A URL of a sitemap: a thread's slug or an event's id, and its last change.
#[derive(Debug, Clone, QueryableByName)]
pub struct SitemapRow {
    #[diesel(sql_type = Int8)]
    pub id: i64,
    /// The thread's slug; empty for events (their path is their id).
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub slug: String,
    #[diesel(sql_type = Timestamptz)]
    pub lastmod: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct Boundary {
    #[diesel(sql_type = Int8)]
    id: i64,
}

/// How many threads and events there are.
pub fn counts(conn: &mut PgConnection) -> QueryResult<(i64, i64)> {
    let t = threads::table.count().get_result(conn)?;
    let e = events::table.count().get_result(conn)?;
    Ok((t, e))
}

/// Up to `MAX_URLS` rows of `kind` with ids from `from` on, by id.
pub fn rows_from(conn: &mut PgConnection, kind: SitemapKind, from: i64) -> QueryResult<Vec<SitemapRow>> {
    let limit = i64::try_from(MAX_URLS).unwrap_or(i64::MAX);
    let sql = match kind {
        SitemapKind::Threads => {
            "SELECT id, slug, updated_at AS lastmod FROM threads WHERE id >= $1 ORDER BY id LIMIT $2"
        }
        // An event's last change is its newest changelog entry (edits), else its creation.
        SitemapKind::Events => {
            "SELECT e.id, '' AS slug, GREATEST(e.created_at, \
               (SELECT c.created_at FROM changes c WHERE c.event_id = e.id ORDER BY c.id DESC LIMIT 1)) AS lastmod \
             FROM events e WHERE e.id >= $1 ORDER BY e.id LIMIT $2"
        }
    };
    diesel::sql_query(sql).bind::<BigInt, _>(from).bind::<BigInt, _>(limit).load(conn)
}

/// The first id of every part of `kind`: every `MAX_URLS`-th id, starting with the smallest.
pub fn part_starts(conn: &mut PgConnection, kind: SitemapKind) -> QueryResult<Vec<i64>> {
    let sql = match kind {
        SitemapKind::Threads => {
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM threads) numbered \
             WHERE (n - 1) % $1 = 0 ORDER BY id"
        }
        SitemapKind::Events => {
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM events) numbered \
             WHERE (n - 1) % $1 = 0 ORDER BY id"
        }
    };
    let per_part = i64::try_from(MAX_URLS).unwrap_or(i64::MAX);
    Ok(diesel::sql_query(sql).bind::<BigInt, _>(per_part).load::<Boundary>(conn)?.into_iter().map(|b| b.id).collect())
}

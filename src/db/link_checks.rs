//! The link checker's queries (issue 16): claiming due sources under a lease so that several
//! instances never check one address at once, recording a check and the source's new health,
//! the threads whose current texts cite a source, and the flagged sources a curator reviews.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int4, Nullable, Text, Timestamptz};

use crate::domain::ids::{SourceId, ThreadId, UserId};

/// A source claimed for checking, with its health before the check.
#[derive(Debug, Clone, QueryableByName)]
pub struct DueSource {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = BigInt)]
    pub created_by: i64,
    #[diesel(sql_type = Text)]
    pub link_status: String,
    #[diesel(sql_type = Int4)]
    pub consecutive_failures: i32,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub failing_since: Option<DateTime<Utc>>,
}

/// Claims up to `limit` sources due for a check (an address, `next_check_at` passed, no lease
/// in force) until `lease_until`. One statement, so one short transaction: `FOR UPDATE SKIP
/// LOCKED` lets another instance's claim pass over the rows this one is taking, and the lease
/// keeps them out of every claim until this instance has recorded its checks.
pub fn claim_due(conn: &mut PgConnection, limit: i64, lease_until: DateTime<Utc>) -> QueryResult<Vec<DueSource>> {
    diesel::sql_query(
        "UPDATE sources s SET lease_until = $2 FROM ( \
             SELECT id FROM sources \
             WHERE url IS NOT NULL AND next_check_at <= now() AND (lease_until IS NULL OR lease_until < now()) \
             ORDER BY next_check_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due \
         WHERE s.id = due.id \
         RETURNING s.id, s.url, s.title, s.created_by, s.link_status, s.consecutive_failures, s.failing_since",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Timestamptz, _>(lease_until)
    .load(conn)
}

/// One check as the history keeps it.
#[derive(Debug, Clone)]
pub struct NewCheck<'a> {
    pub source: SourceId,
    pub url: &'a str,
    pub status_code: Option<i32>,
    pub final_url: Option<&'a str>,
    pub ok: bool,
    pub error: &'a str,
    pub elapsed_ms: i32,
}

/// A source's health after a check.
#[derive(Debug, Clone)]
pub struct Health<'a> {
    pub link_status: &'a str,
    pub status_code: Option<i32>,
    pub final_url: Option<&'a str>,
    pub error: &'a str,
    pub failing_since: Option<DateTime<Utc>>,
    pub consecutive_failures: i32,
    pub next_check_at: DateTime<Utc>,
}

/// Appends a check to the history, keeping the newest `keep` of the source's rows.
pub fn insert_check(conn: &mut PgConnection, check: &NewCheck<'_>, keep: i64) -> QueryResult<()> {
    use super::schema::link_checks as lc;
    diesel::insert_into(lc::table)
        .values((
            lc::source_id.eq(check.source.0),
            lc::url.eq(check.url),
            lc::status_code.eq(check.status_code),
            lc::final_url.eq(check.final_url),
            lc::ok.eq(check.ok),
            lc::error.eq(check.error),
            lc::elapsed_ms.eq(check.elapsed_ms),
        ))
        .execute(conn)?;
    diesel::sql_query(
        "DELETE FROM link_checks WHERE source_id = $1 AND id < ( \
             SELECT min(id) FROM (SELECT id FROM link_checks WHERE source_id = $1 ORDER BY id DESC LIMIT $2) kept)",
    )
    .bind::<BigInt, _>(check.source.0)
    .bind::<BigInt, _>(keep.max(1))
    .execute(conn)?;
    Ok(())
}

/// Stores a source's new health and ends the lease.
pub fn update_health(conn: &mut PgConnection, source: SourceId, h: &Health<'_>) -> QueryResult<usize> {
    use super::schema::sources as s;
    diesel::update(s::table.find(source.0))
        .set((
            s::link_status.eq(h.link_status),
            s::last_checked_at.eq(diesel::dsl::now),
            s::last_status_code.eq(h.status_code),
            s::final_url.eq(h.final_url),
            s::check_error.eq(h.error),
            s::failing_since.eq(h.failing_since),
            s::consecutive_failures.eq(h.consecutive_failures),
            s::next_check_at.eq(h.next_check_at),
            s::lease_until.eq(None::<DateTime<Utc>>),
        ))
        // A source whose address was edited during the check is checked again, not overwritten.
        .filter(s::url.is_not_null())
        .execute(conn)
}

/// Releases a claimed source unchecked (the round failed before its check was recorded).
pub fn release(conn: &mut PgConnection, source: SourceId) -> QueryResult<usize> {
    use super::schema::sources as s;
    diesel::update(s::table.find(source.0)).set(s::lease_until.eq(None::<DateTime<Utc>>)).execute(conn)
}

/// The texts that count as a thread's current ones: its synthesis head revision and its items.
const CURRENT_CITATIONS: &str = "(c.owner_kind IN ('interpretation', 'question', 'controversy', 'arc', 'matrix_cell') \
     OR (c.owner_kind = 'revision' AND EXISTS (SELECT 1 FROM revisions r \
         WHERE r.id = c.owner_id AND r.thread_id = c.thread_id AND r.seq = t.head_seq)))";

#[derive(QueryableByName)]
struct ThreadIdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The threads whose current texts cite `source`.
pub fn citing_threads(conn: &mut PgConnection, source: SourceId) -> QueryResult<Vec<ThreadId>> {
    let rows: Vec<ThreadIdRow> = diesel::sql_query(format!(
        "SELECT DISTINCT t.id FROM citations c JOIN threads t ON t.id = c.thread_id \
         WHERE c.source_id = $1 AND {CURRENT_CITATIONS} ORDER BY t.id"
    ))
    .bind::<BigInt, _>(source.0)
    .load(conn)?;
    Ok(rows.into_iter().map(|r| ThreadId(r.id)).collect())
}

/// A dead or redirected source cited by some thread's current text, for the curators' list.
#[derive(Debug, Clone, QueryableByName)]
pub struct FlaggedSource {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub title: String,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub link_status: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_checked_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub last_status_code: Option<i32>,
    #[diesel(sql_type = Nullable<Text>)]
    pub final_url: Option<String>,
    #[diesel(sql_type = Text)]
    pub check_error: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub failing_since: Option<DateTime<Utc>>,
    /// The citing threads' slugs and titles, in the same order.
    #[diesel(sql_type = Array<Text>)]
    pub thread_slugs: Vec<String>,
    #[diesel(sql_type = Array<Text>)]
    pub thread_titles: Vec<String>,
    /// Whether the reader curates one of the citing threads.
    #[diesel(sql_type = Bool)]
    pub curated: bool,
}

/// The flagged sources cited somewhere, those citing threads `reader` curates first, then the
/// dead before the redirected, newest problem first; at most `limit`.
pub fn flagged(conn: &mut PgConnection, reader: Option<UserId>, limit: i64) -> QueryResult<Vec<FlaggedSource>> {
    diesel::sql_query(format!(
        "SELECT s.id, s.title, s.url, s.link_status, s.last_checked_at, s.last_status_code, s.final_url, \
                s.check_error, s.failing_since, cited.slugs AS thread_slugs, cited.titles AS thread_titles, \
                cited.curated \
         FROM sources s \
         JOIN LATERAL ( \
             SELECT array_agg(x.slug ORDER BY x.title, x.id) AS slugs, array_agg(x.title ORDER BY x.title, x.id) AS titles, \
                    bool_or(x.curated) AS curated \
             FROM (SELECT DISTINCT t.id, t.slug, t.title, \
                          EXISTS (SELECT 1 FROM thread_curators tc WHERE tc.thread_id = t.id AND tc.user_id = $1) AS curated \
                   FROM citations c JOIN threads t ON t.id = c.thread_id \
                   WHERE c.source_id = s.id AND {CURRENT_CITATIONS}) x \
         ) cited ON cited.slugs IS NOT NULL \
         WHERE s.link_status IN ('dead', 'redirected') AND s.url IS NOT NULL \
         ORDER BY cited.curated DESC, s.link_status = 'dead' DESC, s.last_checked_at DESC NULLS LAST, s.id DESC \
         LIMIT $2"
    ))
    .bind::<BigInt, _>(reader.map_or(0, |u| u.0))
    .bind::<BigInt, _>(limit)
    .load(conn)
}

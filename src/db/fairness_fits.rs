//! The fair-summary fitter's queries (issue 17, item 9): its lease, the rating changes it
//! watches, the eligible ratings it loads, and storing a fit with its per-item scores.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Int2, Int4, Nullable, Text, Timestamptz};

use crate::db::schema::{fairness_fits, fairness_scores};

/// Takes the fitter's lease for `holder` until `lease_until`, unless another holder's lease is
/// in force. True: taken.
pub fn take_lease(conn: &mut PgConnection, holder: &str, lease_until: DateTime<Utc>) -> QueryResult<bool> {
    let n = diesel::sql_query(
        "UPDATE fairness_fitter SET lease_until = $2, holder = $1 \
         WHERE lease_until IS NULL OR lease_until < now()",
    )
    .bind::<Text, _>(holder)
    .bind::<Timestamptz, _>(lease_until)
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives the lease back, if `holder` still holds it.
pub fn release_lease(conn: &mut PgConnection, holder: &str) -> QueryResult<usize> {
    diesel::sql_query("UPDATE fairness_fitter SET lease_until = NULL, holder = '' WHERE holder = $1")
        .bind::<Text, _>(holder)
        .execute(conn)
}

#[derive(QueryableByName)]
struct Sequence {
    #[diesel(sql_type = BigInt)]
    last_value: i64,
    #[diesel(sql_type = Bool)]
    is_called: bool,
}

/// The newest value handed out by `fairness_rating_changes` (0 before the first).
pub fn change_seq(conn: &mut PgConnection) -> QueryResult<i64> {
    let s: Sequence =
        diesel::sql_query("SELECT last_value, is_called FROM fairness_rating_changes").get_result(conn)?;
    Ok(if s.is_called { s.last_value } else { 0 })
}

/// Counts as a rating change, so the fitter's next look refits.
pub fn mark_dirty(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("SELECT nextval('fairness_rating_changes')").execute(conn)?;
    Ok(())
}

/// The newest fit's change seq and time, if any fit was stored.
pub fn newest(conn: &mut PgConnection) -> QueryResult<Option<(i64, DateTime<Utc>)>> {
    fairness_fits::table
        .order(fairness_fits::id.desc())
        .select((fairness_fits::last_change_seq, fairness_fits::fitted_at))
        .first(conn)
        .optional()
}

/// One rating the fit counts, with the rater's declared camp on the rating's thread.
#[derive(Debug, Clone, QueryableByName)]
pub struct EligibleRating {
    #[diesel(sql_type = BigInt)]
    pub user_id: i64,
    #[diesel(sql_type = BigInt)]
    pub thread_id: i64,
    #[diesel(sql_type = Text)]
    pub item_kind: String,
    #[diesel(sql_type = BigInt)]
    pub item_id: i64,
    #[diesel(sql_type = Int4)]
    pub version: i32,
    #[diesel(sql_type = Int2)]
    pub value: i16,
    /// Whether the rater declared a camp on the thread...
    #[diesel(sql_type = Bool)]
    pub declared: bool,
    /// ...and which (`None` with `declared`: "none of these").
    #[diesel(sql_type = Nullable<BigInt>)]
    pub camp: Option<i64>,
}

/// Every rating on the site whose rater is neither suspended (a suspension in force) nor
/// excluded by a moderator, in a stable order (so a fit of the same data is the same fit).
pub fn eligible_ratings(conn: &mut PgConnection) -> QueryResult<Vec<EligibleRating>> {
    diesel::sql_query(
        "SELECT r.user_id, r.thread_id, r.item_kind, r.item_id, r.version, r.value, \
                (c.user_id IS NOT NULL) AS declared, c.interpretation_id AS camp \
         FROM fairness_ratings r \
         JOIN users u ON u.id = r.user_id \
         LEFT JOIN reader_camps c ON c.user_id = r.user_id AND c.thread_id = r.thread_id \
         WHERE u.ratings_excluded_at IS NULL \
           AND (u.suspended_at IS NULL OR u.suspended_until <= now()) \
         ORDER BY r.id",
    )
    .load(conn)
}

/// A fit as stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = fairness_fits)]
pub struct NewFit {
    pub ratings: i32,
    pub raters: i32,
    pub items: i32,
    pub last_change_seq: i64,
    pub global_intercept: f64,
    pub duration_ms: i32,
    pub seed: i64,
}

/// One item version's figures in a fit.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = fairness_scores)]
pub struct NewScore {
    pub fit_id: i64,
    pub thread_id: i64,
    pub item_kind: String,
    pub item_id: i64,
    pub version: i32,
    pub ratings: i32,
    pub intercept: f64,
    pub factor: f64,
    pub fair: bool,
    pub camps: serde_json::Value,
}

/// Rows per insert statement (10 columns each, well under PostgreSQL's 65 535 parameters).
const SCORES_PER_INSERT: usize = 1000;

/// Stores a fit: its row, its scores (in chunks), then drops the scores of every older fit and
/// bumps the version of each thread whose figures were written or dropped (its cached page shows
/// them). Run it in a transaction. Returns the fit's id and time.
pub fn store(conn: &mut PgConnection, fit: &NewFit, mut scores: Vec<NewScore>) -> QueryResult<(i64, DateTime<Utc>)> {
    let (id, at): (i64, DateTime<Utc>) = diesel::insert_into(fairness_fits::table)
        .values(fit)
        .returning((fairness_fits::id, fairness_fits::fitted_at))
        .get_result(conn)?;
    for s in &mut scores {
        s.fit_id = id;
    }
    let mut threads: Vec<i64> = scores.iter().map(|s| s.thread_id).collect();
    for chunk in scores.chunks(SCORES_PER_INSERT) {
        diesel::insert_into(fairness_scores::table).values(chunk).execute(conn)?;
    }
    let dropped: Vec<i64> = diesel::delete(fairness_scores::table.filter(fairness_scores::fit_id.lt(id)))
        .returning(fairness_scores::thread_id)
        .get_results(conn)?;
    threads.extend(dropped);
    threads.sort_unstable();
    threads.dedup();
    super::threads::lock_rows(conn, &threads)?;
    diesel::sql_query("UPDATE threads SET version = version + 1 WHERE id = ANY($1)")
        .bind::<Array<BigInt>, _>(&threads)
        .execute(conn)?;
    Ok((id, at))
}

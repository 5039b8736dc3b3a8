//! The readers' side of the fair-summary signal: declared camps, ratings, and the stored figures
//! of the newest fit as the thread page reads them (a page view never fits).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, SmallInt, Text};

use super::schema::{fairness_fits, fairness_ratings, fairness_scores, interpretations, reader_camps, threads, users};
use crate::domain::fairness::{CampShare, ItemKind};
use crate::domain::ids::{ThreadId, UserId};

/// A reader's rating of one item version, as they see it back.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = fairness_ratings)]
pub struct RatingRow {
    pub item_kind: String,
    pub item_id: i64,
    pub version: i32,
    pub value: i16,
    pub updated_at: DateTime<Utc>,
}

/// Ratings of one reader on one thread shown at most (items × versions they rated).
pub const MINE_LIMIT: i64 = 500;

/// One item version's figures in a fit.
#[derive(Debug, Clone)]
pub struct ScoreRow {
    pub kind: ItemKind,
    pub item_id: i64,
    pub version: i32,
    pub ratings: i32,
    pub fair: bool,
    pub camps: Vec<CampShare>,
}

/// What the thread page shows of the signal: the version of the synthesis readers rate now, and
/// the newest fit's figures for every item version of the thread it saw.
#[derive(Debug, Clone, Default)]
pub struct PageFairness {
    /// The seq of the newest substantive revision (`None`: nothing to rate yet).
    pub substantive_seq: Option<i32>,
    /// When the newest fit ran (`None`: never).
    pub fitted_at: Option<DateTime<Utc>>,
    pub scores: Vec<ScoreRow>,
}

/// The synthesis version readers rate now and the head revision of a thread.
pub fn synthesis_versions(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<(Option<i32>, i32)> {
    threads::table.find(thread.0).select((threads::substantive_seq, threads::head_seq)).first(conn)
}

/// The current version and title of an interpretation of `thread` (`None`: not one of its).
pub fn interpretation_version(
    conn: &mut PgConnection,
    thread: ThreadId,
    id: i64,
) -> QueryResult<Option<(i32, String)>> {
    interpretations::table
        .filter(interpretations::id.eq(id).and(interpretations::thread_id.eq(thread.0)))
        .select((interpretations::version, interpretations::title))
        .first(conn)
        .optional()
}

/// Records a rating; a rating of the same version by the same reader is replaced, and either way
/// it takes a new `change_seq` so the fitter counts it as new.
pub fn upsert_rating(
    conn: &mut PgConnection,
    user: UserId,
    thread: ThreadId,
    kind: ItemKind,
    item: i64,
    version: i32,
    value: i16,
) -> QueryResult<RatingRow> {
    diesel::sql_query(
        "INSERT INTO fairness_ratings (user_id, thread_id, item_kind, item_id, version, value)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, item_kind, item_id, version) DO UPDATE
           SET value = EXCLUDED.value, updated_at = now(),
               change_seq = nextval('fairness_rating_changes')
         RETURNING item_kind, item_id, version, value, updated_at",
    )
    .bind::<BigInt, _>(user.0)
    .bind::<BigInt, _>(thread.0)
    .bind::<Text, _>(kind.as_str())
    .bind::<BigInt, _>(item)
    .bind::<Integer, _>(version)
    .bind::<SmallInt, _>(value)
    .get_result(conn)
}

/// A reader's ratings on a thread, newest item versions first (at most [`MINE_LIMIT`]).
pub fn ratings_of(conn: &mut PgConnection, user: UserId, thread: ThreadId) -> QueryResult<Vec<RatingRow>> {
    fairness_ratings::table
        .filter(fairness_ratings::thread_id.eq(thread.0).and(fairness_ratings::user_id.eq(user.0)))
        .order((fairness_ratings::item_kind, fairness_ratings::item_id, fairness_ratings::version.desc()))
        .limit(MINE_LIMIT)
        .select(RatingRow::as_select())
        .load(conn)
}

/// The camp a reader declared on a thread: `None` if they declared none, `Some(None)` for
/// "none of these".
pub fn camp_of(conn: &mut PgConnection, user: UserId, thread: ThreadId) -> QueryResult<Option<Option<i64>>> {
    reader_camps::table.find((user.0, thread.0)).select(reader_camps::interpretation_id).first(conn).optional()
}

/// Declares (or changes) the camp of a reader on a thread.
pub fn set_camp(conn: &mut PgConnection, user: UserId, thread: ThreadId, camp: Option<i64>) -> QueryResult<()> {
    diesel::insert_into(reader_camps::table)
        .values((
            reader_camps::user_id.eq(user.0),
            reader_camps::thread_id.eq(thread.0),
            reader_camps::interpretation_id.eq(camp),
        ))
        .on_conflict((reader_camps::user_id, reader_camps::thread_id))
        .do_update()
        .set((reader_camps::interpretation_id.eq(camp), reader_camps::updated_at.eq(diesel::dsl::now)))
        .execute(conn)?;
    Ok(())
}

/// The newest fit's figures for `thread` (two indexed queries: the thread row, then the scores
/// of the newest fit by `fairness_scores_thread_idx`).
pub fn for_thread_page(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<PageFairness> {
    let substantive_seq = threads::table.find(thread.0).select(threads::substantive_seq).first(conn)?;
    let newest = fairness_fits::table
        .order(fairness_fits::id.desc())
        .select((fairness_fits::id, fairness_fits::fitted_at))
        .first::<(i64, DateTime<Utc>)>(conn)
        .optional()?;
    let Some((fit, fitted_at)) = newest else {
        return Ok(PageFairness { substantive_seq, fitted_at: None, scores: Vec::new() });
    };
    let rows: Vec<(String, i64, i32, i32, bool, serde_json::Value)> = fairness_scores::table
        .filter(fairness_scores::fit_id.eq(fit).and(fairness_scores::thread_id.eq(thread.0)))
        .select((
            fairness_scores::item_kind,
            fairness_scores::item_id,
            fairness_scores::version,
            fairness_scores::ratings,
            fairness_scores::fair,
            fairness_scores::camps,
        ))
        .load(conn)?;
    let scores = rows
        .into_iter()
        .filter_map(|(kind, item_id, version, ratings, fair, camps)| {
            Some(ScoreRow {
                kind: ItemKind::parse(&kind)?,
                item_id,
                version,
                ratings,
                fair,
                // Written by the fitter from `Vec<CampShare>`; anything else shows no camps.
                camps: serde_json::from_value(camps).unwrap_or_default(),
            })
        })
        .collect();
    Ok(PageFairness { substantive_seq, fitted_at: Some(fitted_at), scores })
}

/// Sets or clears whether a user's ratings are left out of the fit; whether anything changed.
pub fn set_ratings_excluded(conn: &mut PgConnection, user: UserId, excluded: bool) -> QueryResult<bool> {
    let target = users::table.filter(users::id.eq(user.0));
    let changed = if excluded {
        diesel::update(target.filter(users::ratings_excluded_at.is_null()))
            .set(users::ratings_excluded_at.eq(diesel::dsl::now))
            .execute(conn)?
    } else {
        diesel::update(target.filter(users::ratings_excluded_at.is_not_null()))
            .set(users::ratings_excluded_at.eq(None::<DateTime<Utc>>))
            .execute(conn)?
    };
    Ok(changed > 0)
}

/// Since when a user's ratings are left out of the fit (`None`: they count).
pub fn ratings_excluded_at(conn: &mut PgConnection, user: UserId) -> QueryResult<Option<DateTime<Utc>>> {
    users::table.find(user.0).select(users::ratings_excluded_at).first(conn)
}

//! The readers' side of the fair-summary signal: declaring a camp, rating the current synthesis
//! and interpretations, the stored figures the page and the API show, and moderators leaving an
//! account's ratings out of the model. The fit itself is `ops::fairness_fit`'s.
//!
//! Camps and ratings are here; the stored figures and the page's part in `figures`; moderators
//! leaving an account's ratings out in `exclusion`.

mod exclusion;
mod figures;

pub use exclusion::{ExclusionInput, excluded, set_exclusion, set_exclusion_in};
pub use figures::{CampFigure, Figures, ItemFigures, ReaderFairness, figures, items_of, reader_in, view, with_reader};

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use serde::Deserialize;

use super::access;
use crate::auth::CurrentUser;
use crate::db::fairness::{self as store, RatingRow};
use crate::db::threads::ThreadRow;
use crate::db::{self, PgPool, throttle};
use crate::domain::fairness::{Fairness, ItemKind};
use crate::error::AppError;

/// Ratings one account may give per hour (counted in PostgreSQL, shared by every instance).
pub const RATINGS_PER_HOUR: i32 = 120;

/// The camp form's value for "none of these".
pub const NONE_OF_THESE: &str = "none";

/// The camp form as it posts: an interpretation's id, or `none`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampInput {
    #[serde(default)]
    pub interpretation: String,
}

impl CampInput {
    /// The camp it names: `None` for "none of these".
    pub fn camp(&self) -> Result<Option<i64>, AppError> {
        match self.interpretation.trim() {
            NONE_OF_THESE => Ok(None),
            id => id
                .parse::<i64>()
                .map(Some)
                .map_err(|_| AppError::Invalid("choose an interpretation or “none of these”".into())),
        }
    }
}

/// Declares (or changes) which interpretation of the thread at `slug` `user` holds; `None`:
/// none of these. An interpretation of another thread is refused.
pub fn set_camp_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    camp: Option<i64>,
) -> Result<(ThreadRow, Option<i64>), AppError> {
    access::refuse_if_suspended(user)?;
    conn.transaction(|c| {
        let thread = access::thread_by_slug(c, slug)?;
        if let Some(id) = camp
            && store::interpretation_version(c, thread.thread_id(), id)?.is_none()
        {
            return Err(AppError::Invalid(format!("interpretation {id} is not one of this thread's")));
        }
        store::set_camp(c, user.id, thread.thread_id(), camp)?;
        Ok((thread, camp))
    })
}

/// See [`set_camp_in`].
pub async fn set_camp(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    camp: Option<i64>,
) -> Result<(ThreadRow, Option<i64>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| set_camp_in(c, &user, &slug, camp)).await
}

/// The camp `user` declared on the thread at `slug`: `None` if none, `Some(None)` for "none of
/// these".
pub async fn camp(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<(String, Option<Option<i64>>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        Ok((thread.slug.clone(), store::camp_of(c, user.id, thread.thread_id())?))
    })
    .await
}

/// A rating as the form and the API send it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RatingInput {
    /// "synthesis" or "interpretation".
    #[serde(default)]
    pub item_kind: String,
    /// The interpretation's id; for the synthesis the thread's id, or absent.
    #[serde(default)]
    pub item_id: Option<i64>,
    /// The revision seq (synthesis) or interpretation version the reader read.
    #[serde(default)]
    pub version: i32,
    /// "yes", "somewhat" or "no".
    #[serde(default)]
    pub value: String,
}

/// A rating as stored, for the reader who gave it.
#[derive(Debug, Clone)]
pub struct MyRating {
    pub kind: ItemKind,
    pub item_id: i64,
    pub version: i32,
    pub value: Fairness,
    pub updated_at: DateTime<Utc>,
}

impl MyRating {
    fn of(row: RatingRow) -> Option<MyRating> {
        Some(MyRating {
            kind: ItemKind::parse(&row.item_kind)?,
            item_id: row.item_id,
            version: row.version,
            value: Fairness::from_stored(row.value)?,
            updated_at: row.updated_at,
        })
    }
}

/// Counts one rating of `user` against [`RATINGS_PER_HOUR`]; 429 past it.
fn check_rating_rate_in(conn: &mut PgConnection, user: &CurrentUser) -> Result<(), AppError> {
    let key = throttle::Key {
        key: format!("fairness-rating|{}", user.id.0),
        rule: throttle::Rule::Window { limit: RATINGS_PER_HOUR, window_secs: 3600 },
    };
    match throttle::take(conn, &[key])? {
        None => Ok(()),
        Some(wait) => Err(AppError::TooManyRequests(wait)),
    }
}

/// Rates the current version of the synthesis or an interpretation of the thread at `slug`; a
/// rating of the same version replaces the reader's earlier one. A superseded version is a
/// conflict (409) that says which is current. For the synthesis any revision from the newest
/// substantive one to the head is current (minor edits keep it so), and the rating is stored
/// for the substantive one.
pub fn rate_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    input: &RatingInput,
) -> Result<(ThreadRow, MyRating), AppError> {
    access::refuse_if_suspended(user)?;
    let kind = ItemKind::parse(input.item_kind.trim())
        .ok_or_else(|| AppError::Invalid("rate the synthesis or an interpretation".into()))?;
    let value =
        Fairness::parse(input.value.trim()).ok_or_else(|| AppError::Invalid("choose yes, somewhat or no".into()))?;
    let thread = access::thread_by_slug(conn, slug)?;
    check_rating_rate_in(conn, user)?;
    conn.transaction(|c| {
        let id = thread.thread_id();
        let (item, version) = match kind {
            ItemKind::Synthesis => {
                if input.item_id.is_some_and(|i| i != thread.id) {
                    return Err(AppError::Invalid("that is not this thread's synthesis".into()));
                }
                let (substantive, head) = store::synthesis_versions(c, id)?;
                let Some(substantive) = substantive else {
                    return Err(AppError::Invalid("this thread has no synthesis to rate yet".into()));
                };
                if input.version < substantive {
                    return Err(AppError::Conflict(format!(
                        "revision {} has been superseded by revision {substantive}; rate the current text",
                        input.version
                    )));
                }
                if input.version > head {
                    return Err(AppError::Invalid(format!("the synthesis has no revision {}", input.version)));
                }
                (thread.id, substantive)
            }
            ItemKind::Interpretation => {
                let item = input.item_id.ok_or_else(|| AppError::Invalid("say which interpretation".into()))?;
                let Some((current, title)) = store::interpretation_version(c, id, item)? else {
                    return Err(AppError::Invalid(format!("interpretation {item} is not one of this thread's")));
                };
                if input.version < current {
                    return Err(AppError::Conflict(format!(
                        "version {} of “{title}” has been superseded by version {current}; rate the current text",
                        input.version
                    )));
                }
                if input.version > current {
                    return Err(AppError::Invalid(format!("“{title}” has no version {}", input.version)));
                }
                (item, current)
            }
        };
        let row = store::upsert_rating(c, user.id, id, kind, item, version, value.stored())?;
        let rating =
            MyRating::of(row).ok_or_else(|| AppError::Internal(anyhow::anyhow!("a stored rating reads back")))?;
        Ok((thread, rating))
    })
}

/// See [`rate_in`].
pub async fn rate(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: RatingInput,
) -> Result<(ThreadRow, MyRating), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| rate_in(c, &user, &slug, &input)).await
}

/// `user`'s own ratings on the thread at `slug` (nobody else's are ever shown).
pub async fn mine(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<(String, Vec<MyRating>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = access::thread_by_slug(c, &slug)?;
        let rows = store::ratings_of(c, user.id, thread.thread_id())?;
        Ok((thread.slug, rows.into_iter().filter_map(MyRating::of).collect()))
    })
    .await
}

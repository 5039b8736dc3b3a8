//! The readers' side of the fair-summary signal: declaring a camp, rating the current synthesis
//! and interpretations, the stored figures the page and the API show, and moderators leaving an
//! account's ratings out of the model. The fit itself is `ops::fairness_fit`'s.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use serde::Deserialize;

use super::access;
use crate::auth::CurrentUser;
use crate::db::fairness::{self as store, PageFairness, RatingRow, ScoreRow};
use crate::db::moderation::{self, NewLogEntry};
use crate::db::thread_page::{ThreadPageCache, ThreadPageData};
use crate::db::threads::ThreadRow;
use crate::db::{self, PgPool, throttle, users};
use crate::domain::fairness::{Fairness, ItemKind};
use crate::domain::history::ModAction;
use crate::domain::ids::UserId;
use crate::domain::roles;
use crate::domain::validate;
use crate::error::AppError;
use crate::render::format;
use crate::render::pages::fairness::{Choice, EXPLANATION, FairnessView, FiguresView, ItemFairness, MineView};

/// Ratings one account may give per hour (counted in PostgreSQL, shared by every instance).
pub const RATINGS_PER_HOUR: i32 = 120;

/// The camp form's value for "none of these".
pub const NONE_OF_THESE: &str = "none";

// ---------------------------------------------------------------------------------------------
// Camps

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

// ---------------------------------------------------------------------------------------------
// Ratings

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

// ---------------------------------------------------------------------------------------------
// Stored figures (a view never fits)

/// One declared camp's answers on an item version.
#[derive(Debug, Clone)]
pub struct CampFigure {
    /// The interpretation the raters hold; `None`: none of these.
    pub camp: Option<i64>,
    /// "Democratization reading", "None of these".
    pub label: String,
    pub raters: i32,
    pub yes: i32,
}

/// The newest fit's figures for one item version.
#[derive(Debug, Clone)]
pub struct Figures {
    pub version: i32,
    /// For the current version (else for the newest earlier one that has figures).
    pub current: bool,
    pub ratings: i32,
    pub fair: bool,
    pub fitted_at: DateTime<Utc>,
    pub camps: Vec<CampFigure>,
}

/// A rated item of a thread and its figures, if any.
#[derive(Debug, Clone)]
pub struct ItemFigures {
    pub kind: ItemKind,
    pub id: i64,
    /// Its current version (synthesis: the newest substantive revision).
    pub current_version: i32,
    /// "the synthesis", or the interpretation's title.
    pub name: String,
    pub figures: Option<Figures>,
}

/// The thread's rated items, synthesis first, with the newest fit's figures (from the cached
/// page data: no query).
pub fn items_of(data: &ThreadPageData) -> Vec<ItemFigures> {
    let f = &data.fairness;
    let mut items = Vec::with_capacity(data.interpretations.len() + 1);
    if let Some(seq) = f.substantive_seq {
        items.push(item_figures(data, f, ItemKind::Synthesis, data.thread.id, seq, "the synthesis".into()));
    }
    for i in &data.interpretations {
        items.push(item_figures(data, f, ItemKind::Interpretation, i.row.id, i.row.version, i.row.title.clone()));
    }
    items
}

fn item_figures(
    data: &ThreadPageData,
    f: &PageFairness,
    kind: ItemKind,
    id: i64,
    current: i32,
    name: String,
) -> ItemFigures {
    let best =
        f.scores.iter().filter(|s| s.kind == kind && s.item_id == id && s.version <= current).max_by_key(|s| s.version);
    let figures = best.zip(f.fitted_at).map(|(s, at)| Figures {
        version: s.version,
        current: s.version == current,
        ratings: s.ratings,
        fair: s.fair,
        fitted_at: at,
        camps: camp_figures(data, s),
    });
    ItemFigures { kind, id, current_version: current, name, figures }
}

/// The camps of a score in the order the page lists interpretations, "none of these" last.
fn camp_figures(data: &ThreadPageData, s: &ScoreRow) -> Vec<CampFigure> {
    let position = |camp: Option<i64>| match camp {
        Some(id) => data.interpretations.iter().position(|i| i.row.id == id).unwrap_or(usize::MAX - 1),
        None => usize::MAX,
    };
    let mut camps: Vec<CampFigure> = s
        .camps
        .iter()
        .filter(|c| c.raters > 0)
        .map(|c| CampFigure {
            camp: c.camp,
            label: match c.camp {
                None => "None of these".to_owned(),
                Some(id) => data
                    .interpretations
                    .iter()
                    .find(|i| i.row.id == id)
                    .map_or_else(|| "A removed interpretation".to_owned(), |i| i.row.title.clone()),
            },
            raters: c.raters,
            yes: c.yes,
        })
        .collect();
    camps.sort_by_key(|c| position(c.camp));
    camps
}

/// The figures of the thread at `slug`, for the API (from the page cache).
pub async fn figures(
    pool: &PgPool,
    pages: &ThreadPageCache,
    slug: String,
) -> Result<(Arc<ThreadPageData>, Vec<ItemFigures>), AppError> {
    let data = super::thread_page::data(pool, pages, slug).await?;
    let items = items_of(&data);
    Ok((data, items))
}

/// The page's part of the signal, shared by every viewer (no reader's state in it).
pub fn view(data: &ThreadPageData) -> FairnessView {
    let mut view = FairnessView { explanation: EXPLANATION, ..Default::default() };
    for item in items_of(data) {
        let shown = ItemFairness {
            kind: item.kind.as_str(),
            id: item.id,
            // The form sends the revision the reader sees: the head (minor edits keep the
            // substantive one current).
            version: match item.kind {
                ItemKind::Synthesis => data.thread.head_seq,
                ItemKind::Interpretation => item.current_version,
            },
            legend: match item.kind {
                ItemKind::Synthesis => "Does the synthesis represent your view fairly?".to_owned(),
                ItemKind::Interpretation => format!("Does “{}” represent this view fairly?", item.name),
            },
            figures: item.figures.map(|f| FiguresView {
                earlier: !f.current,
                lines: f.camps.iter().map(|c| format!("{}: {} of {} say fair", c.label, c.yes, c.raters)).collect(),
                ratings: f.ratings,
                fair: f.fair,
                fitted: format::moment(f.fitted_at),
                fitted_iso: format::iso_timestamp(f.fitted_at),
            }),
            choices: Vec::new(),
        };
        match item.kind {
            ItemKind::Synthesis => view.synthesis = Some(shown),
            ItemKind::Interpretation => view.interpretations.push(shown),
        }
    }
    view
}

/// A signed-in reader's own camp and ratings on a thread (two indexed queries).
#[derive(Debug, Clone, Default)]
pub struct ReaderFairness {
    pub camp: Option<Option<i64>>,
    pub ratings: Vec<MyRating>,
}

/// Loads [`ReaderFairness`] for a page view; `None` for suspended accounts (they cannot rate).
pub fn reader_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    data: &ThreadPageData,
) -> Result<Option<ReaderFairness>, AppError> {
    if user.suspension.is_some() {
        return Ok(None);
    }
    let thread = data.thread.thread_id();
    Ok(Some(ReaderFairness {
        camp: store::camp_of(conn, user.id, thread)?,
        ratings: store::ratings_of(conn, user.id, thread)?.into_iter().filter_map(MyRating::of).collect(),
    }))
}

/// Adds the reader's camp form and rating forms (their current ratings preselected).
pub fn with_reader(view: &mut FairnessView, data: &ThreadPageData, mine: &ReaderFairness) {
    let current = |kind: &str, id: i64| -> Option<i32> {
        match ItemKind::parse(kind)? {
            ItemKind::Synthesis => data.fairness.substantive_seq,
            ItemKind::Interpretation => data.interpretations.iter().find(|i| i.row.id == id).map(|i| i.row.version),
        }
    };
    for item in view.synthesis.iter_mut().chain(view.interpretations.iter_mut()) {
        let version = current(item.kind, item.id);
        let given = mine
            .ratings
            .iter()
            .find(|r| r.kind.as_str() == item.kind && r.item_id == item.id && Some(r.version) == version)
            .map(|r| r.value);
        item.choices = Fairness::ALL
            .into_iter()
            .map(|f| Choice { value: f.as_str(), label: label(f), checked: given == Some(f) })
            .collect();
    }
    let declared = mine.camp;
    let mut options: Vec<(String, String, bool)> = data
        .interpretations
        .iter()
        .map(|i| (i.row.id.to_string(), i.row.title.clone(), declared == Some(Some(i.row.id))))
        .collect();
    options.push((NONE_OF_THESE.to_owned(), "None of these".to_owned(), declared == Some(None)));
    let camp = declared.map(|c| match c {
        None => "none of these".to_owned(),
        Some(id) => data
            .interpretations
            .iter()
            .find(|i| i.row.id == id)
            .map_or_else(|| "a removed interpretation".to_owned(), |i| i.row.title.clone()),
    });
    view.mine = Some(MineView { camp, options });
}

fn label(f: Fairness) -> &'static str {
    match f {
        Fairness::Yes => "Yes",
        Fairness::Somewhat => "Somewhat",
        Fairness::No => "No",
    }
}

// ---------------------------------------------------------------------------------------------
// Moderation

/// An exclusion (or inclusion) as its form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExclusionInput {
    #[serde(default)]
    pub reason: String,
}

/// Leaves `target`'s ratings out of the fairness model (`excluded`), or counts them again; a
/// reason is required to exclude. Moderators for users below them, admins for anyone but
/// themselves; logged. Doing what is already done changes and logs nothing.
pub fn set_exclusion_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    target: UserId,
    excluded: bool,
    reason: &str,
) -> Result<bool, AppError> {
    access::require(user, roles::can_manage_users, "exclude ratings")?;
    let reason =
        if excluded { validate::required_reason(reason, "excluding ratings") } else { validate::reason(reason) }
            .map_err(AppError::Invalid)?;
    if target == user.id {
        return Err(AppError::Invalid("you cannot exclude or include your own ratings".into()));
    }
    conn.transaction(|c| {
        let actor = users::by_id(c, user.id)?;
        access::refuse_if_suspended(&actor)?;
        let current = users::by_id(c, target)?;
        if !roles::can_suspend(actor.role, current.role) {
            return Err(AppError::Forbidden(format!(
                "{} cannot exclude the ratings of {}",
                actor.role.with_article(),
                current.role.with_article()
            )));
        }
        if store::set_ratings_excluded(c, target, excluded)? {
            moderation::append(
                c,
                &NewLogEntry {
                    actor: actor.id,
                    action: if excluded { ModAction::ExcludeRatings } else { ModAction::IncludeRatings },
                    thread: None,
                    target_user: Some(target),
                    change: None,
                    target: &current.username,
                    reason: &reason,
                },
            )?;
            mark_model_dirty(c)?;
        }
        Ok(excluded)
    })
}

/// See [`set_exclusion_in`].
pub async fn set_exclusion(
    pool: &PgPool,
    user: &CurrentUser,
    target: UserId,
    excluded: bool,
    reason: String,
) -> Result<bool, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| set_exclusion_in(c, &user, target, excluded, &reason)).await
}

/// Whether `target`'s ratings are left out of the model, for their account page.
pub async fn excluded(pool: &PgPool, target: UserId) -> Result<bool, AppError> {
    db::with_conn(pool, move |c| Ok(store::ratings_excluded_at(c, target)?.is_some())).await
}

/// Tells the fitter the model's input changed.
// lead: replace with `super::fairness_fit::mark_dirty_in(conn)` after the merge.
fn mark_model_dirty(conn: &mut PgConnection) -> Result<(), AppError> {
    store::mark_model_dirty(conn)?;
    Ok(())
}

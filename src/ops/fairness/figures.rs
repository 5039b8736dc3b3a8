//! The fair-summary signal's stored figures (the newest fit's, from the cached page data: a
//! view never fits) as the API and the thread page show them, and the signed-in reader's own
//! camp and rating forms.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use super::{MyRating, NONE_OF_THESE};
use crate::auth::CurrentUser;
use crate::db::PgPool;
use crate::db::fairness::{self as store, PageFairness, ScoreRow};
use crate::db::thread_page::{ThreadPageCache, ThreadPageData};
use crate::domain::fairness::{Fairness, ItemKind};
use crate::error::AppError;
use crate::render::format;
use crate::render::pages::fairness::{Choice, EXPLANATION, FairnessView, FiguresView, ItemFairness, MineView};

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
    let data = crate::ops::thread_page::data(pool, pages, slug).await?;
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

//! Everything a thread page shows, read in one snapshot with a fixed number of indexed queries.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use diesel::prelude::*;

use super::citations::{self, PageCitation};
use super::events::{self, EventRow};
use super::revisions::{self, Revision, RevisionDate};
use super::sections::{self, ArcPeriodRow, ControversyRow, InterpretationRow, QuestionRow};
use super::threads::{self, ThreadRow};
use crate::domain::html::BlockMap;
use crate::error::AppError;

/// An interpretation with its proponents.
#[derive(Debug, Clone)]
pub struct InterpretationWithProponents {
    pub row: InterpretationRow,
    pub proponents: Vec<String>,
}

/// The data of a thread page.
#[derive(Debug, Clone)]
pub struct ThreadPageData {
    pub thread: ThreadRow,
    pub curators: Vec<String>,
    pub synthesis: Option<Revision>,
    pub arc: Vec<ArcPeriodRow>,
    pub interpretations: Vec<InterpretationWithProponents>,
    pub questions: Vec<QuestionRow>,
    pub events: Vec<EventRow>,
    pub controversies: Vec<ControversyRow>,
    /// The synthesis's block map and the paragraphs that make claims (support markers).
    pub synthesis_marks: (BlockMap, Vec<i32>),
    /// What the current texts cite, with the tiers and link health pages mark.
    pub citations: Vec<PageCitation>,
    /// The dates of the newest revisions (at most the `revision_dates` the caller asked for:
    /// as many as the timeline draws), for the timeline.
    pub revision_dates: Vec<RevisionDate>,
    /// The evidence matrix in one query (`matrix::summary`), for its summary sentence.
    pub matrix_summary: Vec<super::matrix::SummaryLine>,
    /// Issue 17 (staleness): what the "needs attention" flag is decided from at view time.
    pub attention: super::attention::PageFacts,
    /// Issue 17 (fair-summary signal): the newest fit's stored figures for the thread.
    pub fairness: super::fairness::PageFairness,
    /// The governed stance label: since when it holds, and the open proposal (`db::stance`).
    pub label_state: super::stance::LabelState,
}

/// Loads a thread page by slug, with the dates of its newest `revision_dates` revisions: a fixed
/// number of queries whatever the thread's size, in a read-only, repeatable-read transaction so the
/// sections agree with each other.
pub fn load(conn: &mut PgConnection, slug: &str, revision_dates: usize) -> Result<ThreadPageData, AppError> {
    conn.build_transaction().read_only().repeatable_read().run(|conn| {
        let thread = threads::by_slug(conn, slug)?;
        let id = thread.thread_id();
        let synthesis = match thread.head_seq {
            0 => None,
            seq => Some(revisions::by_seq(conn, id, seq)?),
        };
        let head = synthesis.as_ref().map(|r| r.meta.id);
        let synthesis_marks = match head {
            Some(revision) => revisions::block_marks(conn, revision)?,
            None => Default::default(),
        };
        let interpretation_rows = sections::interpretation::list(conn, id)?;
        let ids: Vec<i64> = interpretation_rows.iter().map(|i| i.id).collect();
        let mut by_interpretation: HashMap<i64, Vec<String>> = HashMap::new();
        for (owner, name) in sections::proponents_of(conn, &ids)? {
            by_interpretation.entry(owner).or_default().push(name);
        }
        let interpretations = interpretation_rows
            .into_iter()
            .map(|row| InterpretationWithProponents {
                proponents: by_interpretation.remove(&row.id).unwrap_or_default(),
                row,
            })
            .collect();
        Ok(ThreadPageData {
            curators: threads::curators(conn, id)?,
            citations: citations::for_thread_page(conn, id, head)?,
            synthesis,
            synthesis_marks,
            arc: sections::arc::list(conn, id)?,
            interpretations,
            questions: sections::question::list(conn, id)?,
            events: events::for_thread(conn, id)?,
            controversies: sections::controversy::list(conn, id)?,
            revision_dates: revisions::dates(conn, id, i64::try_from(revision_dates).unwrap_or(i64::MAX))?,
            matrix_summary: super::matrix::summary(conn, id)?,
            attention: super::attention::page_facts(conn, id)?,
            fairness: super::fairness::for_thread_page(conn, id)?,
            label_state: super::stance::label_state(conn, id)?,
            thread,
        })
    })
}

/// Thread page data kept in memory per app instance, keyed by slug and checked against the
/// thread's `version` on every view: a view costs one indexed lookup while nothing changed,
/// and several instances sharing a database never serve a stale page.
///
/// A clone is another handle on the same entries, so an operation can move it onto the
/// blocking pool with its connection.
#[derive(Debug, Default, Clone)]
pub struct ThreadPageCache {
    entries: Arc<RwLock<HashMap<String, Arc<ThreadPageData>>>>,
}

/// Threads kept at most; past it the cache starts over (cheap, and rare at this size).
const CACHE_CAPACITY: usize = 1024;

impl ThreadPageCache {
    /// The page data of `slug`, from memory when its version is current. Every caller passes
    /// the same `revision_dates` (the timeline's limit), so a cached entry fits any of them.
    pub fn load(
        &self,
        conn: &mut PgConnection,
        slug: &str,
        revision_dates: usize,
    ) -> Result<Arc<ThreadPageData>, AppError> {
        let version = threads::version_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
        if let Some(hit) = self.read().get(slug).filter(|d| d.thread.version == version) {
            return Ok(Arc::clone(hit));
        }
        let fresh = Arc::new(load(conn, slug, revision_dates)?);
        let mut entries = self.entries.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= CACHE_CAPACITY {
            entries.clear();
        }
        entries.insert(slug.to_owned(), Arc::clone(&fresh));
        Ok(fresh)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<ThreadPageData>>> {
        self.entries.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

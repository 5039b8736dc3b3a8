//! Full-text search over threads, events and sources.
//!
//! An event's document is a generated column (`events.search`). A thread's spans several tables
//! (title, framing question, the current synthesis, interpretations, questions, controversies,
//! the arc), so writes rewrite it:
//! - `refresh` runs inside the transaction of the writes that change the thread's fields or
//!   sections (`threads::create`, `threads::update_fields`, `threads::touch`: every section item,
//!   curator and event change) and of the restore that hiding the head revision makes, so
//!   hidden text leaves search when it leaves the page;
//! - a synthesis save (edit, merge, revert, undo, rollback) only marks the thread
//!   (`search_stale`, in the UPDATE that moves its head), and `refresh_marked` rewrites marked
//!   documents just after commit (`ops::search_index`): the document of a 10 KB synthesis was
//!   half of a save's database time.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Float4, Integer, Nullable, Text};

use crate::domain::ids::ThreadId;
use crate::domain::search::COUNT_CAP;
use crate::domain::thread::{Stance, Status};

/// The text search configuration of every document and query.
pub const CONFIG: &str = "english";

/// The current synthesis of thread `t`: the head revision's Markdown ('' before the first save).
/// Hidden revisions never count: hiding the head first restores an older one as the new head.
macro_rules! synthesis_text {
    () => {
        "coalesce((SELECT r.body_md FROM revisions r WHERE r.thread_id = t.id AND r.seq = t.head_seq), '')"
    };
}

/// The sections of thread `t` as one text: interpretations with their proponents, questions with
/// their answers, controversies and the arc, each in page order.
macro_rules! sections_text {
    () => {
        "concat_ws(E'\\n', \
           (SELECT string_agg(concat_ws(' ', i.title, i.body_md, \
               (SELECT string_agg(p.name, ', ' ORDER BY p.position) FROM proponents p WHERE p.interpretation_id = i.id)), \
               E'\\n' ORDER BY i.position, i.id) FROM interpretations i WHERE i.thread_id = t.id), \
           (SELECT string_agg(concat_ws(' ', q.question, q.answer), E'\\n' ORDER BY q.position, q.id) \
               FROM open_questions q WHERE q.thread_id = t.id), \
           (SELECT string_agg(concat_ws(' ', c.title, c.body_md), E'\\n' ORDER BY c.position, c.id) \
               FROM controversies c WHERE c.thread_id = t.id), \
           (SELECT string_agg(concat_ws(' ', a.label, a.title, a.body_md), E'\\n' ORDER BY a.position, a.id) \
               FROM arc_periods a WHERE a.thread_id = t.id))"
    };
}

/// Thread `t`'s document. Weights: A the title, B the framing question, C the synthesis, D the
/// sections; the ranking weighs A far above the rest, so a title hit outranks any body hit.
macro_rules! thread_document {
    () => {
        concat!(
            "setweight(to_tsvector('english', t.title), 'A') \
             || setweight(to_tsvector('english', t.framing_question), 'B') \
             || setweight(to_tsvector('english', ",
            synthesis_text!(),
            "), 'C') || setweight(to_tsvector('english', ",
            sections_text!(),
            "), 'D')"
        )
    };
}

/// Rewrites the document of one thread from its rows, in one statement, and clears its mark:
/// the document is current.
///
/// Call it after the write has locked the thread's row (every caller's own UPDATE of `threads`
/// does): under READ COMMITTED this statement then takes a snapshot that includes every write
/// committed by whoever held the lock before, so the last writer's document is complete.
pub fn refresh(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<usize> {
    rewrite(conn, vec![thread.0])
}

/// Rewrites the documents of up to `limit` marked threads and clears their marks, in the
/// caller's transaction; how many. Threads whose row someone holds (a save in progress, another
/// instance's indexer) are skipped: they stay marked for a later round.
pub fn refresh_marked(conn: &mut PgConnection, limit: i64) -> QueryResult<usize> {
    use crate::db::schema::threads;
    let ids: Vec<i64> = threads::table
        .filter(threads::search_stale)
        .order(threads::id)
        .limit(limit)
        .select(threads::id)
        .for_no_key_update()
        .skip_locked()
        .load(conn)?;
    if ids.is_empty() {
        return Ok(0);
    }
    // A statement of its own, after the locks (see `refresh`): its snapshot has every save that
    // held them, and a save waiting on them marks its thread again when it gets them.
    rewrite(conn, ids)
}

/// The one statement that rebuilds documents: those of `ids`, marks cleared.
fn rewrite(conn: &mut PgConnection, ids: Vec<i64>) -> QueryResult<usize> {
    diesel::sql_query(concat!(
        "UPDATE threads t SET search = ",
        thread_document!(),
        ", search_stale = false WHERE t.id = ANY($1)"
    ))
    .bind::<Array<BigInt>, _>(ids)
    .execute(conn)
}

/// Builds the documents of threads that have none yet (rows from before the column existed, or
/// inserted around the save path); runs at start-up after the migrations. Threads whose text has
/// no searchable word keep an empty document and are simply recomputed again.
pub fn fill_missing(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::sql_query(concat!("UPDATE threads t SET search = ", thread_document!(), " WHERE t.search = ''::tsvector"))
        .execute(conn)
}

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    Thread,
    Event,
    Source,
}

impl HitKind {
    /// The order of kinds among equally ranked hits (threads first), as the query sorts them.
    pub fn ordinal(self) -> i32 {
        match self {
            HitKind::Thread => 0,
            HitKind::Event => 1,
            HitKind::Source => 2,
        }
    }

    /// The inverse of `ordinal`.
    pub fn from_ordinal(n: i32) -> Option<Self> {
        match n {
            0 => Some(HitKind::Thread),
            1 => Some(HitKind::Event),
            2 => Some(HitKind::Source),
            _ => None,
        }
    }

    /// The name used in URLs and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Thread => "thread",
            HitKind::Event => "event",
            HitKind::Source => "source",
        }
    }
}

/// Where the next page of results starts: the last hit shown. Results are ordered by rank
/// (descending), then kind, then id, and the next page seeks past this triple (no OFFSET).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchCursor {
    pub rank: f32,
    pub kind: HitKind,
    pub id: i64,
}

/// A validated search.
#[derive(Debug, Clone)]
pub struct SearchFilter {
    /// The words as typed, for `websearch_to_tsquery` (quotes, `or` and `-` work as on the web).
    pub text: String,
    pub threads: bool,
    pub events: bool,
    /// Sources (title, publisher and address: their generated `search` column).
    pub sources: bool,
    /// Thread filters; a search with either leaves events and sources out (they have no status or stance).
    pub status: Option<Status>,
    pub stance: Option<Stance>,
}

/// One result with its snippet, which carries `domain::search::HIGHLIGHT_START` / `HIGHLIGHT_END`
/// around the words that matched (see `render::highlight`).
#[derive(Debug, Clone, QueryableByName)]
pub struct Hit {
    /// `HitKind::ordinal`: 0 a thread, 1 an event, 2 a source.
    #[diesel(sql_type = Integer)]
    pub kind: i32,
    /// The thread's or event's id.
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// `ts_rank` of the document: higher is better.
    #[diesel(sql_type = Float4)]
    pub rank: f32,
    /// Threads: the slug ('' for events).
    #[diesel(sql_type = Text)]
    pub slug: String,
    #[diesel(sql_type = Text)]
    pub title: String,
    /// Threads: the stored status and stance.
    #[diesel(sql_type = Nullable<Text>)]
    pub status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub stance: Option<String>,
    /// Events: the date and the stored significance.
    #[diesel(sql_type = Nullable<Date>)]
    pub occurred_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    pub significance: Option<String>,
    /// Sources: the stored tier.
    #[diesel(sql_type = Nullable<Text>)]
    pub tier: Option<String>,
    /// `ts_headline` of the text (threads: framing question, synthesis and sections; events:
    /// the description), with the highlight markers.
    #[diesel(sql_type = Text)]
    pub snippet: String,
    /// How many hits the whole search has (every page), counted up to `COUNT_CAP + 1`.
    #[diesel(sql_type = BigInt)]
    pub found: i64,
}

impl Hit {
    /// The kind (the query only ever yields 0, 1 or 2).
    pub fn kind(&self) -> HitKind {
        HitKind::from_ordinal(self.kind).unwrap_or(HitKind::Event)
    }

    /// The cursor that continues after this hit.
    pub fn cursor(&self) -> SearchCursor {
        SearchCursor { rank: self.rank, kind: self.kind(), id: self.id }
    }
}

/// Whether the words give PostgreSQL something to look up: not only stop words or punctuation
/// (an empty query), and not only excluded words (`-fox` would match nearly everything and
/// cannot use the index: `querytree` answers `T`).
pub fn has_terms(conn: &mut PgConnection, text: &str) -> QueryResult<bool> {
    #[derive(QueryableByName)]
    struct Tree {
        #[diesel(sql_type = Text)]
        tree: String,
    }
    let tree = diesel::sql_query("SELECT querytree(websearch_to_tsquery('english', $1)) AS tree")
        .bind::<Text, _>(text)
        .get_result::<Tree>(conn)?
        .tree;
    Ok(!tree.is_empty() && tree != "T")
}

/// The ranking: `ts_rank` with weights {D, C, B, A} = {0.05, 0.2, 0.4, 1.0}. `ts_rank` is driven
/// by the best-weighted occurrence (further ones add less and less), so one title hit (~0.61)
/// outranks any number of hits in the framing question or body (at most ~0.33); equal ranks
/// fall back to kind and id.
macro_rules! rank {
    ($doc:literal) => {
        concat!("ts_rank('{0.05, 0.2, 0.4, 1.0}', ", $doc, ", websearch_to_tsquery('english', $1))")
    };
}

/// What a thread whose title matches adds to its rank: `ts_rank` never exceeds 1, so such a
/// thread comes before every event (a thread is the overview a reader looking for a subject
/// wants first), while the order among them stays `ts_rank`'s. The title is the document's A
/// part, so `ts_filter` tests it on the stored vector without parsing the title again.
macro_rules! title_boost {
    () => {
        "CASE WHEN ts_filter(t.search, '{a}') @@ websearch_to_tsquery('english', $1) THEN 1::real ELSE 0::real END"
    };
}

/// `ts_headline` options: control-character markers (split into segments in Rust, never HTML),
/// up to two fragments of about 10-20 words. `ts_headline` parses the whole text it is given,
/// so the query hands it the first 20 000 characters only: a 200 KB synthesis costs no more to
/// quote than a short one (a match only further down is found, but its snippet shows the start).
macro_rules! headline_options {
    () => {
        "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || \
         ', MaxFragments=2, MaxWords=20, MinWords=10, FragmentDelimiter=\" … \"'"
    };
}

/// The search. `hits` is materialized so each hit's rank is computed once: inlined, the keyset
/// condition of a later page would compute `ts_rank` a second time for every hit.
const SEARCH_SQL: &str = concat!(
    "WITH hits AS MATERIALIZED (
        SELECT 0 AS kind, t.id, ",
    rank!("t.search"),
    " + ",
    title_boost!(),
    " AS rank
        FROM threads t
        WHERE $2 AND t.search @@ websearch_to_tsquery('english', $1)
          AND ($4::text IS NULL OR t.status = $4::text)
          AND ($5::text IS NULL OR t.stance = $5::text)
        UNION ALL
        SELECT 1 AS kind, e.id, ",
    rank!("e.search"),
    " AS rank
        FROM events e
        WHERE $3 AND e.search @@ websearch_to_tsquery('english', $1)
        UNION ALL
        SELECT 2 AS kind, s.id, ",
    rank!("s.search"),
    " AS rank
        FROM sources s
        WHERE $11 AND s.search @@ websearch_to_tsquery('english', $1)
    ), page AS (
        SELECT kind, id, rank FROM hits
        WHERE $6::real IS NULL OR (-rank, kind, id) > (-$6::real, $7::int, $8::bigint)
        ORDER BY rank DESC, kind, id
        LIMIT $9
    )
    SELECT p.kind, p.id, p.rank, coalesce(t.slug, '') AS slug, coalesce(t.title, e.title, s.title, '') AS title,
           t.status, t.stance, e.occurred_on, e.significance, s.tier,
           (SELECT count(*) FROM (SELECT 1 FROM hits LIMIT $10) capped) AS found,
           ts_headline('english',
               translate(left(CASE WHEN p.kind = 0 THEN concat_ws(E'\\n', t.framing_question, ",
    synthesis_text!(),
    ", ",
    sections_text!(),
    ") WHEN p.kind = 1 THEN e.body_md ELSE concat_ws(' · ', s.publisher, s.url) END, 20000), chr(2) || chr(3), ''),
               websearch_to_tsquery('english', $1), ",
    headline_options!(),
    ") AS snippet
    FROM page p
    LEFT JOIN threads t ON p.kind = 0 AND t.id = p.id
    LEFT JOIN events e ON p.kind = 1 AND e.id = p.id
    LEFT JOIN sources s ON p.kind = 2 AND s.id = p.id
    ORDER BY p.rank DESC, p.kind, p.id"
);

/// Up to `limit` hits after `after`, best first, with snippets (computed for these rows only)
/// and the number of all hits, counted up to one past `COUNT_CAP`.
pub fn page(
    conn: &mut PgConnection,
    filter: &SearchFilter,
    after: Option<SearchCursor>,
    limit: i64,
) -> QueryResult<Vec<Hit>> {
    let thread_filtered = filter.status.is_some() || filter.stance.is_some();
    diesel::sql_query(SEARCH_SQL)
        .bind::<Text, _>(&filter.text)
        .bind::<Bool, _>(filter.threads)
        .bind::<Bool, _>(filter.events && !thread_filtered)
        .bind::<Nullable<Text>, _>(filter.status.map(Status::as_str))
        .bind::<Nullable<Text>, _>(filter.stance.map(Stance::as_str))
        .bind::<Nullable<Float4>, _>(after.map(|c| c.rank))
        .bind::<Nullable<Integer>, _>(after.map(|c| c.kind.ordinal()))
        .bind::<Nullable<BigInt>, _>(after.map(|c| c.id))
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(COUNT_CAP + 1)
        .bind::<Bool, _>(filter.sources && !thread_filtered)
        .load(conn)
}

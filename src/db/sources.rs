//! Sources, shared across threads like events, and what cites them (the `citations` rows the
//! save paths write; never a scan of the texts).

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};

use super::schema::{citations, sources};
use crate::domain::ids::{SourceId, ThreadId, UserId};
use crate::domain::thread::{LinkStatus, SourceKind, Tier};
use crate::error::AppError;

/// A row of `sources` (without the search document and the checker's lease).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sources)]
pub struct SourceRow {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
    pub publisher: String,
    pub published_on: Option<NaiveDate>,
    pub kind: String,
    pub tier: String,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
    pub link_status: String,
    pub last_checked_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub final_url: Option<String>,
    pub check_error: String,
}

impl SourceRow {
    /// The typed id.
    pub fn source_id(&self) -> SourceId {
        SourceId(self.id)
    }

    /// The kind (the column's CHECK constraint guarantees a known value).
    pub fn kind(&self) -> SourceKind {
        SourceKind::parse(&self.kind).unwrap_or(SourceKind::Other)
    }

    /// The tier.
    pub fn tier(&self) -> Tier {
        Tier::parse(&self.tier).unwrap_or(Tier::Secondary)
    }

    /// The link health.
    pub fn link_status(&self) -> LinkStatus {
        LinkStatus::parse(&self.link_status).unwrap_or(LinkStatus::Unchecked)
    }
}

/// Fields of a source, validated (the URL normalized).
#[derive(Debug, Clone)]
pub struct SourceFields {
    pub title: String,
    pub url: Option<String>,
    pub publisher: String,
    pub published_on: Option<NaiveDate>,
    pub kind: SourceKind,
    pub tier: Tier,
}

/// One source, or 404.
pub fn by_id(conn: &mut PgConnection, id: SourceId) -> Result<SourceRow, AppError> {
    Ok(sources::table.find(id.0).select(SourceRow::as_select()).first(conn)?)
}

/// The source whose (normalized) URL is `url`, if any.
pub fn by_url(conn: &mut PgConnection, url: &str) -> QueryResult<Option<SourceRow>> {
    sources::table.filter(sources::url.eq(url)).select(SourceRow::as_select()).first(conn).optional()
}

/// Records a source; a source without URL is offline material and never checked. A unique
/// violation (`sources_url_key`) is returned as such for the caller to name the existing one.
pub fn insert(conn: &mut PgConnection, f: &SourceFields, by: UserId) -> QueryResult<SourceId> {
    let status = if f.url.is_some() { LinkStatus::Unchecked } else { LinkStatus::Offline };
    diesel::insert_into(sources::table)
        .values((
            sources::title.eq(&f.title),
            sources::url.eq(&f.url),
            sources::publisher.eq(&f.publisher),
            sources::published_on.eq(f.published_on),
            sources::kind.eq(f.kind.as_str()),
            sources::tier.eq(f.tier.as_str()),
            sources::created_by.eq(by.0),
            sources::link_status.eq(status.as_str()),
        ))
        .returning(sources::id)
        .get_result(conn)
        .map(SourceId)
}

/// Corrects a source if it is still at `base_version` (compare-and-swap); false when it moved
/// on meanwhile. A new or changed URL resets the link health, so the checker looks at it next.
pub fn update(
    conn: &mut PgConnection,
    id: SourceId,
    base_version: i32,
    f: &SourceFields,
    url_changed: bool,
) -> QueryResult<bool> {
    let target = sources::table.find(id.0).filter(sources::version.eq(base_version));
    let fields = (
        sources::title.eq(&f.title),
        sources::url.eq(&f.url),
        sources::publisher.eq(&f.publisher),
        sources::published_on.eq(f.published_on),
        sources::kind.eq(f.kind.as_str()),
        sources::tier.eq(f.tier.as_str()),
        sources::version.eq(sources::version + 1),
        sources::updated_at.eq(diesel::dsl::now),
    );
    let n = if url_changed {
        let status = if f.url.is_some() { LinkStatus::Unchecked } else { LinkStatus::Offline };
        diesel::update(target)
            .set((
                fields,
                (
                    sources::link_status.eq(status.as_str()),
                    sources::last_checked_at.eq(None::<DateTime<Utc>>),
                    sources::last_status_code.eq(None::<i32>),
                    sources::final_url.eq(None::<String>),
                    sources::check_error.eq(""),
                    sources::failing_since.eq(None::<DateTime<Utc>>),
                    sources::consecutive_failures.eq(0),
                    sources::next_check_at.eq(diesel::dsl::now),
                    sources::lease_until.eq(None::<DateTime<Utc>>),
                ),
            ))
            .execute(conn)?
    } else {
        diesel::update(target).set(fields).execute(conn)?
    };
    Ok(n == 1)
}

/// Where the next page of the sources index starts (newest first, by id).
pub type SourceCursor = i64;

/// What the sources index shows: optional filters and a cursor.
#[derive(Debug, Clone, Default)]
pub struct SourceListQuery {
    pub tier: Option<Tier>,
    pub kind: Option<SourceKind>,
    pub link_status: Option<LinkStatus>,
    /// Only the sources some text of this thread cites.
    pub thread: Option<ThreadId>,
    /// Words of the title or publisher (full text), or a piece of the URL.
    pub text: Option<String>,
    pub after: Option<SourceCursor>,
}

/// A page of sources, newest first, filtered, seeking past `q.after` (no OFFSET).
pub fn list_page(conn: &mut PgConnection, q: &SourceListQuery, limit: i64) -> QueryResult<Vec<SourceRow>> {
    let mut query = sources::table.order(sources::id.desc()).limit(limit).select(SourceRow::as_select()).into_boxed();
    if let Some(tier) = q.tier {
        query = query.filter(sources::tier.eq(tier.as_str()));
    }
    if let Some(kind) = q.kind {
        query = query.filter(sources::kind.eq(kind.as_str()));
    }
    if let Some(status) = q.link_status {
        query = query.filter(sources::link_status.eq(status.as_str()));
    }
    if let Some(thread) = q.thread {
        query = query.filter(
            sources::id.nullable().eq_any(
                citations::table
                    .filter(citations::thread_id.eq(thread.0))
                    .filter(citations::source_id.is_not_null())
                    .select(citations::source_id),
            ),
        );
    }
    if let Some(text) = q.text.as_deref().filter(|t| !t.is_empty()) {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        query = query.filter(
            diesel::dsl::sql::<Bool>("sources.search @@ websearch_to_tsquery('english', ")
                .bind::<Text, _>(text.to_owned())
                .sql(")")
                .or(sources::url.ilike(format!("%{escaped}%")).assume_not_null()),
        );
    }
    if let Some(after) = q.after {
        query = query.filter(sources::id.lt(after));
    }
    query.load(conn)
}

/// Something that cites a source, as "what cites this" lists it.
#[derive(Debug, Clone, QueryableByName)]
pub struct CitedBy {
    /// `citations.owner_kind`.
    #[diesel(sql_type = Text)]
    pub owner_kind: String,
    /// The revision's, item's, event's or matrix cell's id.
    #[diesel(sql_type = BigInt)]
    pub owner_id: i64,
    /// The paragraph (0-based) the marker sits in.
    #[diesel(sql_type = Integer)]
    pub paragraph: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub thread_slug: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub thread_title: Option<String>,
    /// The item's title (a question's text; an event's; "interpretation × event" for a cell).
    #[diesel(sql_type = Text)]
    pub label: String,
    /// Matrix cells: the interpretation and event ids the anchor names.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub cell_interpretation: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub cell_event: Option<i64>,
}

/// Citations of a source's synthesis revisions count only at the head of their thread, and not
/// while that revision is hidden (unless `see_hidden`); items, events and cells always (their
/// rows are replaced with their text). Ordered by thread, then kind and position; `limit` rows at
/// most (the caller asks for one more than it shows, to say "and N more").
const CITED_BY_SQL: &str = "
    SELECT c.owner_kind, c.owner_id, c.paragraph, t.slug AS thread_slug, t.title AS thread_title,
           coalesce(i.title, q.question, k.title, a.title, e.title,
                    CASE WHEN m.id IS NOT NULL THEN mi.title || ' × ' || me.title END, '') AS label,
           m.interpretation_id AS cell_interpretation, m.event_id AS cell_event
    FROM citations c
    LEFT JOIN threads t ON t.id = c.thread_id
    LEFT JOIN revisions r ON c.owner_kind = 'revision' AND r.id = c.owner_id
    LEFT JOIN interpretations i ON c.owner_kind = 'interpretation' AND i.id = c.owner_id
    LEFT JOIN open_questions q ON c.owner_kind = 'question' AND q.id = c.owner_id
    LEFT JOIN controversies k ON c.owner_kind = 'controversy' AND k.id = c.owner_id
    LEFT JOIN arc_periods a ON c.owner_kind = 'arc' AND a.id = c.owner_id
    LEFT JOIN events e ON c.owner_kind = 'event' AND e.id = c.owner_id
    LEFT JOIN matrix_cells m ON c.owner_kind = 'matrix_cell' AND m.id = c.owner_id
    LEFT JOIN interpretations mi ON mi.id = m.interpretation_id
    LEFT JOIN events me ON me.id = m.event_id
    WHERE c.source_id = $1
      AND CASE c.owner_kind
            WHEN 'revision' THEN r.id IS NOT NULL AND r.seq = t.head_seq
                 AND ($2 OR NOT EXISTS (SELECT 1 FROM changes h WHERE h.area = 'synthesis'
                     AND h.thread_id = r.thread_id AND h.rev_seq = r.seq AND h.hidden_at IS NOT NULL))
            WHEN 'interpretation' THEN i.id IS NOT NULL
            WHEN 'question' THEN q.id IS NOT NULL
            WHEN 'controversy' THEN k.id IS NOT NULL
            WHEN 'arc' THEN a.id IS NOT NULL
            WHEN 'event' THEN e.id IS NOT NULL
            WHEN 'matrix_cell' THEN m.id IS NOT NULL
            ELSE false
          END
    ORDER BY t.title NULLS LAST, t.id, CASE c.owner_kind WHEN 'revision' THEN 0 WHEN 'arc' THEN 1
             WHEN 'interpretation' THEN 2 WHEN 'question' THEN 3 WHEN 'controversy' THEN 4
             WHEN 'matrix_cell' THEN 5 ELSE 6 END, c.owner_id, c.paragraph
    LIMIT $3";

/// What cites source `id` now, up to `limit` rows (see `CITED_BY_SQL`), one row per owner and
/// paragraph.
pub fn cited_by(conn: &mut PgConnection, id: SourceId, see_hidden: bool, limit: i64) -> QueryResult<Vec<CitedBy>> {
    let mut rows: Vec<CitedBy> = diesel::sql_query(CITED_BY_SQL)
        .bind::<BigInt, _>(id.0)
        .bind::<Bool, _>(see_hidden)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    // Two markers in one paragraph are one place that cites it.
    rows.dedup_by(|a, b| a.owner_kind == b.owner_kind && a.owner_id == b.owner_id && a.paragraph == b.paragraph);
    Ok(rows)
}

/// How many places cite source `id` now (as `cited_by` counts them, before its cap).
pub fn cited_by_count(conn: &mut PgConnection, id: SourceId, see_hidden: bool) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let sql = format!(
        "SELECT count(*) AS n FROM (SELECT DISTINCT owner_kind, owner_id, paragraph FROM ({}) x) y",
        CITED_BY_SQL.replace("LIMIT $3", "")
    );
    Ok(diesel::sql_query(sql).bind::<BigInt, _>(id.0).bind::<Bool, _>(see_hidden).get_result::<Count>(conn)?.n)
}

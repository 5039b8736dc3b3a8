//! Citations as rows: written when a text is saved (`ops::citations`), read by pages so "what
//! cites this", counts and support markers are queries, never a scan of Markdown.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{citations, events, sources};
use crate::domain::citation::{Cite, Owner, OwnerKind, Target};
use crate::domain::ids::{EventId, SourceId, ThreadId};
use crate::domain::thread::{LinkStatus, Tier};

/// Stores the citations of a text just saved (a revision's never change afterwards).
pub fn insert(conn: &mut PgConnection, owner: Owner, thread: Option<ThreadId>, cites: &[Cite]) -> QueryResult<usize> {
    if cites.is_empty() {
        return Ok(0);
    }
    let rows: Vec<_> = cites
        .iter()
        .map(|c| {
            let (source, event) = match c.target {
                Target::Source(id) => (Some(id.0), None),
                Target::Event(id) => (None, Some(id.0)),
            };
            (
                citations::thread_id.eq(thread.map(|t| t.0)),
                citations::owner_kind.eq(owner.kind.as_str()),
                citations::owner_id.eq(owner.id),
                citations::paragraph.eq(c.paragraph),
                citations::number.eq(c.number),
                citations::source_id.eq(source),
                citations::event_id.eq(event),
            )
        })
        .collect();
    // PostgreSQL takes at most 65 535 bind parameters a statement (7 a row here); a 200 KB
    // text can hold tens of thousands of markers.
    let mut inserted = 0;
    for chunk in rows.chunks(INSERT_CHUNK) {
        inserted += diesel::insert_into(citations::table).values(chunk).execute(conn)?;
    }
    Ok(inserted)
}

/// Citation rows per insert statement.
const INSERT_CHUNK: usize = 5_000;

/// Replaces the citations of an item whose text changed.
pub fn replace(conn: &mut PgConnection, owner: Owner, thread: Option<ThreadId>, cites: &[Cite]) -> QueryResult<usize> {
    remove(conn, owner)?;
    insert(conn, owner, thread, cites)
}

/// Removes the citations of an item that was deleted.
pub fn remove(conn: &mut PgConnection, owner: Owner) -> QueryResult<usize> {
    diesel::delete(
        citations::table.filter(citations::owner_kind.eq(owner.kind.as_str())).filter(citations::owner_id.eq(owner.id)),
    )
    .execute(conn)
}

fn of(owner: Owner) -> citations::BoxedQuery<'static, diesel::pg::Pg> {
    citations::table
        .filter(citations::owner_kind.eq(owner.kind.as_str()))
        .filter(citations::owner_id.eq(owner.id))
        .into_boxed()
}

/// The citations of one text, in text order.
pub fn of_owner(conn: &mut PgConnection, owner: Owner) -> QueryResult<Vec<Cite>> {
    let rows: Vec<(i32, i32, Option<i64>, Option<i64>)> = of(owner)
        .order(citations::id)
        .select((citations::paragraph, citations::number, citations::source_id, citations::event_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(paragraph, number, s, e)| Some(Cite { target: target(s, e)?, paragraph, number }))
        .collect())
}

fn target(source: Option<i64>, event: Option<i64>) -> Option<Target> {
    match (source, event) {
        (Some(s), _) => Some(Target::Source(SourceId(s))),
        (None, Some(e)) => Some(Target::Event(EventId(e))),
        (None, None) => None,
    }
}

/// What a footnote shows of a source.
#[derive(Debug, Clone, Queryable)]
pub struct SourceCardRow {
    pub id: i64,
    pub title: String,
    pub publisher: String,
    pub published_on: Option<NaiveDate>,
    pub tier: String,
    pub url: Option<String>,
}

/// The footnote data of the sources among `ids` that exist.
pub fn source_cards(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<SourceCardRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sources::table
        .filter(sources::id.eq_any(ids))
        .select((sources::id, sources::title, sources::publisher, sources::published_on, sources::tier, sources::url))
        .load(conn)
}

/// The id, title and date of the events among `ids` that exist.
pub fn event_cards(conn: &mut PgConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String, NaiveDate)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    events::table.filter(events::id.eq_any(ids)).select((events::id, events::title, events::occurred_on)).load(conn)
}

/// A citation in a thread's current texts, with what pages mark about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCitation {
    pub owner: Owner,
    pub paragraph: i32,
    pub number: i32,
    pub target: Target,
    /// `None` for events.
    pub tier: Option<Tier>,
    pub link_status: Option<LinkStatus>,
    pub title: String,
}

/// The citations of a thread's current texts: its synthesis revision `head` and its section
/// items. One indexed query.
pub fn for_thread_page(conn: &mut PgConnection, thread: ThreadId, head: Option<i64>) -> QueryResult<Vec<PageCitation>> {
    let items =
        [OwnerKind::Arc, OwnerKind::Interpretation, OwnerKind::Question, OwnerKind::Controversy, OwnerKind::MatrixCell]
            .map(OwnerKind::as_str);
    let in_revision =
        citations::owner_kind.eq(OwnerKind::Revision.as_str()).and(citations::owner_id.eq(head.unwrap_or(0)));
    let in_items = citations::thread_id.eq(thread.0).and(citations::owner_kind.eq_any(items));
    type Row = (
        String,
        i64,
        i32,
        i32,
        Option<i64>,
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = citations::table
        .left_join(sources::table)
        .left_join(events::table)
        .filter(in_revision.or(in_items))
        .order((citations::owner_kind, citations::owner_id, citations::id))
        .select((
            citations::owner_kind,
            citations::owner_id,
            citations::paragraph,
            citations::number,
            citations::source_id,
            citations::event_id,
            sources::tier.nullable(),
            sources::link_status.nullable(),
            sources::title.nullable(),
            events::title.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(kind, id, paragraph, number, s, e, tier, status, source_title, event_title)| {
            Some(PageCitation {
                owner: Owner { kind: OwnerKind::parse(&kind)?, id },
                paragraph,
                number,
                target: target(s, e)?,
                tier: tier.as_deref().and_then(Tier::parse),
                link_status: status.as_deref().and_then(LinkStatus::parse),
                title: source_title.or(event_title).unwrap_or_default(),
            })
        })
        .collect())
}

/// What revision `seq` of a thread's synthesis cites, one entry per marker.
pub fn targets_of_revision(conn: &mut PgConnection, thread: ThreadId, seq: i32) -> QueryResult<Vec<Target>> {
    use super::schema::revisions;
    let rows: Vec<(Option<i64>, Option<i64>)> = citations::table
        .inner_join(
            revisions::table
                .on(citations::owner_id.eq(revisions::id).and(citations::owner_kind.eq(OwnerKind::Revision.as_str()))),
        )
        .filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq(seq)))
        .select((citations::source_id, citations::event_id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(s, e)| target(s, e)).collect())
}

/// A thread someone curates, with how much of its synthesis lacks support.
#[derive(Debug, Clone, QueryableByName)]
pub struct CuratedSupport {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub slug: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub title: String,
    /// Claim paragraphs of the current synthesis citing nothing, or only opinion.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub unsupported: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub claims: i64,
    /// Cited sources (in the current texts) whose links are dead or redirected.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub flagged: i64,
}

/// The threads `user` curates (at most `limit`), most unsupported paragraphs first. Each count
/// is an indexed subquery over the current revision's citations.
pub fn curated_support(
    conn: &mut PgConnection,
    user: crate::domain::ids::UserId,
    limit: i64,
) -> QueryResult<Vec<CuratedSupport>> {
    diesel::sql_query(
        "SELECT t.slug, t.title, \
           COALESCE((SELECT count(*) FROM unnest(r.claim_paragraphs) AS p(n) \
             WHERE NOT EXISTS (SELECT 1 FROM citations c LEFT JOIN sources s ON s.id = c.source_id \
               WHERE c.owner_kind = 'revision' AND c.owner_id = r.id AND c.paragraph = p.n \
                 AND (c.event_id IS NOT NULL OR s.tier <> 'opinion'))), 0) AS unsupported, \
           COALESCE(cardinality(r.claim_paragraphs), 0)::bigint AS claims, \
           (SELECT count(DISTINCT c.source_id) FROM citations c JOIN sources s ON s.id = c.source_id \
             WHERE s.link_status IN ('dead', 'redirected') \
               AND ((c.owner_kind = 'revision' AND c.owner_id = r.id) \
                 OR (c.thread_id = t.id AND c.owner_kind <> 'revision'))) AS flagged \
         FROM thread_curators tc JOIN threads t ON t.id = tc.thread_id \
         LEFT JOIN revisions r ON r.thread_id = t.id AND r.seq = t.head_seq \
         WHERE tc.user_id = $1 \
         ORDER BY unsupported DESC, t.title, t.id LIMIT $2",
    )
    .bind::<diesel::sql_types::BigInt, _>(user.0)
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .load(conn)
}

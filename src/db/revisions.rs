//! Synthesis revisions: immutable rows, one per save, chained by `parent_seq`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::schema::{revisions, threads, users};
use crate::domain::ids::{ThreadId, UserId};
use crate::error::AppError;
use crate::render::SafeHtml;

/// What lists need of a revision (never the body).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisions)]
pub struct RevisionMeta {
    pub id: i64,
    pub thread_id: i64,
    pub seq: i32,
    pub parent_seq: Option<i32>,
    pub author_id: i64,
    pub created_at: DateTime<Utc>,
    pub summary: String,
    pub body_len: i32,
    pub reverted_to_seq: Option<i32>,
    pub minor: bool,
}

/// A listed revision with its author's name.
#[derive(Debug, Clone)]
pub struct RevisionListed {
    pub meta: RevisionMeta,
    pub author: String,
}

/// A whole revision.
#[derive(Debug, Clone)]
pub struct Revision {
    pub meta: RevisionMeta,
    pub author: String,
    pub body_md: String,
    pub body_html: SafeHtml,
}

/// A save request, validated and rendered by the caller.
#[derive(Debug)]
pub struct NewRevision<'a> {
    pub thread: ThreadId,
    /// The revision the author started from; 0 for the first synthesis.
    pub base_seq: i32,
    pub author: UserId,
    pub body_md: &'a str,
    pub body_html: &'a SafeHtml,
    pub summary: &'a str,
    pub reverted_to_seq: Option<i32>,
    pub minor: bool,
}

/// How a save ended.
#[derive(Debug)]
pub enum SaveOutcome {
    Saved {
        seq: i32,
    },
    /// Someone saved since `base_seq`; `current` is their revision.
    Conflict {
        current: Option<Box<Revision>>,
    },
    /// The text equals the base revision; nothing was written.
    Unchanged,
}

/// Hex SHA-256 of a body, stored so lists and no-op checks never read bodies.
pub fn body_sha256(body: &str) -> String {
    hex::encode(Sha256::digest(body.as_bytes()))
}

/// Saves a revision if `base_seq` is still the head: the head moves by compare-and-swap inside
/// the transaction, so of two saves from the same base exactly one wins.
pub fn save(conn: &mut PgConnection, new: &NewRevision<'_>) -> Result<SaveOutcome, AppError> {
    let sha = body_sha256(new.body_md);
    conn.transaction(|conn| {
        if new.reverted_to_seq.is_none() && new.base_seq > 0 {
            let base_sha: Option<String> = revisions::table
                .filter(revisions::thread_id.eq(new.thread.0).and(revisions::seq.eq(new.base_seq)))
                .select(revisions::body_sha256)
                .first(conn)
                .optional()?;
            if base_sha.as_deref() == Some(sha.as_str()) {
                return Ok(SaveOutcome::Unchanged);
            }
        }
        let Some(seq) = new.base_seq.checked_add(1) else {
            return Err(AppError::Invalid("the base revision is not valid".to_owned()));
        };
        let moved = diesel::update(
            threads::table.filter(threads::id.eq(new.thread.0)).filter(threads::head_seq.eq(new.base_seq)),
        )
        .set((
            threads::head_seq.eq(seq),
            threads::updated_at.eq(diesel::dsl::now),
            threads::version.eq(threads::version + 1),
        ))
        .execute(conn)?;
        if moved == 0 {
            return Ok(SaveOutcome::Conflict { current: head(conn, new.thread)?.map(Box::new) });
        }
        diesel::insert_into(revisions::table)
            .values((
                revisions::thread_id.eq(new.thread.0),
                revisions::seq.eq(seq),
                revisions::parent_seq.eq((new.base_seq > 0).then_some(new.base_seq)),
                revisions::author_id.eq(new.author.0),
                revisions::summary.eq(new.summary),
                revisions::body_md.eq(new.body_md),
                revisions::body_html.eq(new.body_html.as_str()),
                revisions::body_len.eq(i32::try_from(new.body_md.len()).unwrap_or(i32::MAX)),
                revisions::body_sha256.eq(&sha),
                revisions::reverted_to_seq.eq(new.reverted_to_seq),
                revisions::minor.eq(new.minor),
            ))
            .execute(conn)?;
        Ok(SaveOutcome::Saved { seq })
    })
}

/// The current revision of a thread's synthesis, if it has one.
pub fn head(conn: &mut PgConnection, thread: ThreadId) -> QueryResult<Option<Revision>> {
    let head_seq: i32 = threads::table.find(thread.0).select(threads::head_seq).first(conn)?;
    if head_seq == 0 {
        return Ok(None);
    }
    by_seq(conn, thread, head_seq).optional()
}

/// One revision of a thread.
pub fn by_seq(conn: &mut PgConnection, thread: ThreadId, seq: i32) -> QueryResult<Revision> {
    let (meta, author, body_md, body_html) = revisions::table
        .inner_join(users::table)
        .filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq(seq)))
        .select((RevisionMeta::as_select(), users::username, revisions::body_md, revisions::body_html))
        .first::<(RevisionMeta, String, String, String)>(conn)?;
    Ok(Revision { meta, author, body_md, body_html: SafeHtml::from_stored(body_html) })
}

/// A page of history, newest first, seeking below `before` (no OFFSET).
pub fn history(
    conn: &mut PgConnection,
    thread: ThreadId,
    before: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<RevisionListed>> {
    let mut query = revisions::table
        .inner_join(users::table)
        .filter(revisions::thread_id.eq(thread.0))
        .order(revisions::seq.desc())
        .limit(limit)
        .select((RevisionMeta::as_select(), users::username))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(revisions::seq.lt(before));
    }
    Ok(query
        .load::<(RevisionMeta, String)>(conn)?
        .into_iter()
        .map(|(meta, author)| RevisionListed { meta, author })
        .collect())
}

/// Sets a revision's time (demo data carries its real history).
pub fn backdate(conn: &mut PgConnection, thread: ThreadId, seq: i32, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(revisions::table.filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq(seq))))
        .set(revisions::created_at.eq(at))
        .execute(conn)
}

//! Synthesis revisions: immutable rows, one per save, chained by `parent_seq`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::attention;
use super::changes::{self, NewChange};
use super::citations;
use super::schema::{revisions, threads, users};
use crate::domain::blame::next_blame;
use crate::domain::citation::{Cite, Owner, OwnerKind};
use crate::domain::history::{Area, RevisionAction};
use crate::domain::html::BlockMap;
use crate::domain::html::SafeHtml;
use crate::domain::ids::{ThreadId, UserId};
use crate::error::AppError;

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
    pub action: String,
    /// Merge: the stale revision the author started from; undo: the revision taken out.
    pub other_seq: Option<i32>,
}

impl RevisionMeta {
    /// How this revision came about.
    pub fn action(&self) -> RevisionAction {
        RevisionAction::parse(&self.action)
    }
}

/// A listed revision with its author's name.
#[derive(Debug, Clone)]
pub struct RevisionListed {
    pub meta: RevisionMeta,
    pub author: String,
    /// A moderator hid its content (set by `ops`, which also blanks what the viewer may not see).
    pub hidden: bool,
}

/// A whole revision.
#[derive(Debug, Clone)]
pub struct Revision {
    pub meta: RevisionMeta,
    pub author: String,
    pub body_md: String,
    pub body_html: SafeHtml,
    /// A moderator hid its content (set by `ops`, which also blanks what the viewer may not see).
    pub hidden: bool,
}

impl Revision {
    /// The list view of this revision.
    pub fn listed(&self) -> RevisionListed {
        RevisionListed { meta: self.meta.clone(), author: self.author.clone(), hidden: self.hidden }
    }
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
    /// The blocks of `body_html` (`render::markdown::block_map_of`); empty when its HTML has
    /// none, which is stored as is (so it is not looked for again) and marks nothing.
    pub blocks: &'a BlockMap,
    pub summary: &'a str,
    pub reverted_to_seq: Option<i32>,
    pub minor: bool,
    pub action: RevisionAction,
    pub other_seq: Option<i32>,
    /// Moderators' saves go into the changelog already patrolled.
    pub autopatrolled: bool,
    /// What the text cites (`ops::citations`), stored with the revision.
    pub cites: &'a [Cite],
    /// The paragraphs that make claims (`render::markdown::Rendered::claim_paragraphs`).
    pub claims: &'a [i32],
}

impl<'a> NewRevision<'a> {
    /// A plain edit on top of `base_seq`.
    pub fn edit(
        thread: ThreadId,
        base_seq: i32,
        author: UserId,
        body_md: &'a str,
        body_html: &'a SafeHtml,
        blocks: &'a BlockMap,
    ) -> Self {
        NewRevision {
            thread,
            base_seq,
            author,
            body_md,
            body_html,
            blocks,
            summary: "",
            reverted_to_seq: None,
            minor: false,
            action: RevisionAction::Edit,
            other_seq: None,
            autopatrolled: false,
            cites: &[],
            claims: &[],
        }
    }
}

/// How a save ended.
#[derive(Debug)]
pub enum SaveOutcome {
    Saved {
        seq: i32,
    },
    /// The base was stale, but the edits touched other paragraphs than the revisions saved
    /// since: merged with `onto` (the head then) and saved as `seq`.
    Merged {
        seq: i32,
        onto: i32,
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
            // Its search document follows just after commit, off the save's path (`db::search`).
            threads::search_stale.eq(true),
        ))
        .execute(conn)?;
        if moved == 0 {
            return Ok(SaveOutcome::Conflict { current: head(conn, new.thread)?.map(Box::new) });
        }
        let blame = match new.reverted_to_seq {
            // A revert puts back an earlier text, and with it that text's authorship.
            Some(target) => blame_of(conn, new.thread, target)?.1,
            None if new.base_seq > 0 => {
                let (parent_md, parent_blame) = blame_of(conn, new.thread, new.base_seq)?;
                // An undo puts back paragraphs of the undone revision's parent: theirs to keep.
                let restored = match (new.action, new.other_seq) {
                    (RevisionAction::Undo, Some(undone)) => match by_seq(conn, new.thread, undone)?.meta.parent_seq {
                        Some(p) => Some(blame_of(conn, new.thread, p)?),
                        None => None,
                    },
                    _ => None,
                };
                let restored = restored.as_ref().map(|(md, b)| (md.as_str(), b.as_slice()));
                next_blame(Some((&parent_md, &parent_blame)), new.body_md, seq, new.minor, restored)
            }
            None => next_blame(None, new.body_md, seq, new.minor, None),
        };
        let blocks = StoredBlocks::of(new.blocks);
        let id: i64 = diesel::insert_into(revisions::table)
            .values((
                revisions::thread_id.eq(new.thread.0),
                revisions::seq.eq(seq),
                revisions::parent_seq.eq((new.base_seq > 0).then_some(new.base_seq)),
                revisions::author_id.eq(new.author.0),
                revisions::summary.eq(new.summary),
                revisions::body_md.eq(new.body_md),
                revisions::body_html.eq(new.body_html),
                revisions::body_len.eq(i32::try_from(new.body_md.len()).unwrap_or(i32::MAX)),
                revisions::body_sha256.eq(&sha),
                revisions::reverted_to_seq.eq(new.reverted_to_seq),
                revisions::minor.eq(new.minor),
                revisions::action.eq(new.action.as_str()),
                revisions::other_seq.eq(new.other_seq),
                revisions::blame.eq(blame.into_iter().map(Some).collect::<Vec<_>>()),
                revisions::block_ends.eq(Some(blocks.ends)),
                revisions::block_paragraphs.eq(Some(blocks.paragraphs)),
                revisions::claim_paragraphs.eq(Some(new.claims.iter().copied().map(Some).collect::<Vec<_>>())),
            ))
            .returning(revisions::id)
            .get_result(conn)?;
        citations::insert(conn, Owner { kind: OwnerKind::Revision, id }, Some(new.thread), new.cites)?;
        attention::after_revision(conn, new.thread, seq, new.minor)?;
        changes::record(
            conn,
            &NewChange {
                rev_seq: Some(seq),
                reason: new.summary,
                minor: new.minor,
                autopatrolled: new.autopatrolled,
                ..NewChange::on_thread(new.thread, Area::Synthesis, new.action.as_str(), new.author)
            },
        )?;
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
        .first::<(RevisionMeta, String, String, SafeHtml)>(conn)?;
    Ok(Revision { meta, author, body_md, body_html, hidden: false })
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
        .map(|(meta, author)| RevisionListed { meta, author, hidden: false })
        .collect())
}

/// When a revision was saved, for the thread page's timeline (no body, no author).
#[derive(Debug, Clone, Queryable)]
pub struct RevisionDate {
    pub seq: i32,
    pub created_at: DateTime<Utc>,
    pub minor: bool,
    /// Its entry in the thread's changelog, so the timeline can link a span of revisions to
    /// the history page that starts with it (`?before=`).
    pub change_id: Option<i64>,
}

/// The newest `limit` revisions' dates, in seq order (an index range scan on `(thread_id, seq)`,
/// and one probe per row of the unique `changes (thread_id, rev_seq)` index).
pub fn dates(conn: &mut PgConnection, thread: ThreadId, limit: i64) -> QueryResult<Vec<RevisionDate>> {
    let change_id = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(
        "(SELECT c.id FROM changes c WHERE c.thread_id = revisions.thread_id AND c.rev_seq = revisions.seq)",
    );
    let mut rows: Vec<RevisionDate> = revisions::table
        .filter(revisions::thread_id.eq(thread.0))
        .order(revisions::seq.desc())
        .limit(limit)
        .select((revisions::seq, revisions::created_at, revisions::minor, change_id))
        .load(conn)?;
    rows.reverse();
    Ok(rows)
}

/// The list views of some revisions of a thread (for blame), in seq order.
pub fn metas(conn: &mut PgConnection, thread: ThreadId, seqs: &[i32]) -> QueryResult<Vec<RevisionListed>> {
    Ok(revisions::table
        .inner_join(users::table)
        .filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq_any(seqs)))
        .order(revisions::seq)
        .select((RevisionMeta::as_select(), users::username))
        .load::<(RevisionMeta, String)>(conn)?
        .into_iter()
        .map(|(meta, author)| RevisionListed { meta, author, hidden: false })
        .collect())
}

/// Sets a revision's time and its changelog entry's (demo data carries its real history).
pub fn backdate(conn: &mut PgConnection, thread: ThreadId, seq: i32, at: DateTime<Utc>) -> QueryResult<usize> {
    changes::backdate_revision(conn, thread, seq, at)?;
    let n = diesel::update(revisions::table.filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq(seq))))
        .set(revisions::created_at.eq(at))
        .execute(conn)?;
    // Staleness is measured from the substantive revision's time: it moves with it.
    diesel::update(threads::table.filter(threads::id.eq(thread.0).and(threads::substantive_seq.eq(seq))))
        .set(threads::substantive_at.eq(at))
        .execute(conn)?;
    attention::refresh(conn, &[thread])?;
    Ok(n)
}

/// A revision's Markdown and its paragraph blame (filled by `fill_missing_blame` for rows saved
/// before blame existed).
pub fn blame_of(conn: &mut PgConnection, thread: ThreadId, seq: i32) -> QueryResult<(String, Vec<i32>)> {
    let (body, blame): (String, Option<Vec<Option<i32>>>) = revisions::table
        .filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq(seq)))
        .select((revisions::body_md, revisions::blame))
        .first(conn)?;
    let blame = blame.unwrap_or_default().into_iter().map(|s| s.unwrap_or(seq)).collect();
    Ok((body, blame))
}

/// A block map as its columns hold it.
struct StoredBlocks {
    ends: Vec<Option<i32>>,
    paragraphs: Vec<Option<i32>>,
}

impl StoredBlocks {
    fn of(map: &BlockMap) -> Self {
        StoredBlocks {
            ends: map.ends.iter().copied().map(Some).collect(),
            paragraphs: map.paragraphs.iter().copied().map(Some).collect(),
        }
    }
}

/// What the thread page marks in a revision's text: its block map and the paragraphs that
/// make claims (empty for revisions saved before claims were stored).
pub fn block_marks(conn: &mut PgConnection, id: i64) -> QueryResult<(BlockMap, Vec<i32>)> {
    type Columns = (Option<Vec<Option<i32>>>, Option<Vec<Option<i32>>>, Option<Vec<Option<i32>>>);
    let (ends, paragraphs, claims): Columns = revisions::table
        .find(id)
        .select((revisions::block_ends, revisions::block_paragraphs, revisions::claim_paragraphs))
        .first(conn)?;
    let flat = |v: Option<Vec<Option<i32>>>| v.unwrap_or_default().into_iter().map(|x| x.unwrap_or(-1)).collect();
    Ok((BlockMap { ends: flat(ends), paragraphs: flat(paragraphs) }, flat(claims)))
}

/// What a page needs to mark the paragraphs of a revision that changed after another one: its
/// paragraph blame and its block map (empty when its HTML has none).
pub fn paragraph_marks(conn: &mut PgConnection, thread: ThreadId, seq: i32) -> QueryResult<(Vec<i32>, BlockMap)> {
    type Columns = (Option<Vec<Option<i32>>>, Option<Vec<Option<i32>>>, Option<Vec<Option<i32>>>);
    let (blame, ends, paragraphs): Columns = revisions::table
        .filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq(seq)))
        .select((revisions::blame, revisions::block_ends, revisions::block_paragraphs))
        .first(conn)?;
    let flat = |v: Option<Vec<Option<i32>>>| v.unwrap_or_default().into_iter().map(|x| x.unwrap_or(-1)).collect();
    Ok((flat(blame), BlockMap { ends: flat(ends), paragraphs: flat(paragraphs) }))
}

/// Revisions saved before block maps were stored: id, Markdown and HTML (for
/// `ops::backfill`, which maps their blocks).
pub fn without_blocks(conn: &mut PgConnection) -> QueryResult<Vec<(i64, String, SafeHtml)>> {
    revisions::table
        .filter(revisions::block_ends.is_null())
        .select((revisions::id, revisions::body_md, revisions::body_html))
        .load(conn)
}

/// Stores the block map of revision `id` (an empty one when its HTML has none, so it is not
/// looked for again).
pub fn set_blocks(conn: &mut PgConnection, id: i64, map: &BlockMap) -> QueryResult<usize> {
    let blocks = StoredBlocks::of(map);
    diesel::update(revisions::table.find(id))
        .set((revisions::block_ends.eq(Some(blocks.ends)), revisions::block_paragraphs.eq(Some(blocks.paragraphs))))
        .execute(conn)
}

/// The newest revision written by someone other than `author` (what a rollback restores).
pub fn newest_by_other_author(conn: &mut PgConnection, thread: ThreadId, author: UserId) -> QueryResult<Option<i32>> {
    revisions::table
        .filter(revisions::thread_id.eq(thread.0).and(revisions::author_id.ne(author.0)))
        .order(revisions::seq.desc())
        .select(revisions::seq)
        .first(conn)
        .optional()
}

/// Computes the blame of revisions saved before blame was stored, oldest first per thread (each
/// needs its parent's). `ops::backfill` runs it after migrations: once after the migration that
/// added the column did anything; later a no-op.
pub fn fill_missing_blame(conn: &mut PgConnection) -> QueryResult<usize> {
    /// thread, seq, parent, body, minor, reverted_to
    type Missing = (i64, i32, Option<i32>, String, bool, Option<i32>);
    let missing: Vec<Missing> = revisions::table
        .filter(revisions::blame.is_null())
        .order((revisions::thread_id, revisions::seq))
        .select((
            revisions::thread_id,
            revisions::seq,
            revisions::parent_seq,
            revisions::body_md,
            revisions::minor,
            revisions::reverted_to_seq,
        ))
        .load(conn)?;
    for (thread, seq, parent, body, minor, reverted_to) in &missing {
        let thread = ThreadId(*thread);
        let blame = match (reverted_to, parent) {
            (Some(target), _) => blame_of(conn, thread, *target)?.1,
            (None, Some(parent)) => {
                let (parent_md, parent_blame) = blame_of(conn, thread, *parent)?;
                next_blame(Some((&parent_md, &parent_blame)), body, *seq, *minor, None)
            }
            (None, None) => next_blame(None, body, *seq, *minor, None),
        };
        diesel::update(revisions::table.filter(revisions::thread_id.eq(thread.0).and(revisions::seq.eq(*seq))))
            .set(revisions::blame.eq(blame.into_iter().map(Some).collect::<Vec<_>>()))
            .execute(conn)?;
    }
    Ok(missing.len())
}

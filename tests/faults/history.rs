//! The "nothing lost" check: read a thread's history straight from the database and hold it
//! against the saves the server acknowledged.

use std::collections::HashMap;

use agora::db::revisions::body_sha256;
use agora::db::schema::{revisions, threads};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// A save the server answered 201 to: the seq it reported and the text sent.
#[derive(Debug, Clone)]
pub struct Ack {
    pub seq: i32,
    pub body: String,
}

/// One stored revision, as far as the checks need it.
#[derive(Debug)]
pub struct StoredRevision {
    pub seq: i32,
    pub parent_seq: Option<i32>,
    pub body_md: String,
    pub body_sha256: String,
}

/// A thread's head pointer and every revision it has, oldest first.
#[derive(Debug)]
pub struct StoredHistory {
    pub head_seq: i32,
    pub revisions: Vec<StoredRevision>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(conn: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<Count>(conn).expect(sql).n
}

/// Loads the thread `slug` and all its revisions.
pub fn load(conn: &mut PgConnection, slug: &str) -> StoredHistory {
    let (thread_id, head_seq): (i64, i32) = threads::table
        .filter(threads::slug.eq(slug))
        .select((threads::id, threads::head_seq))
        .first(conn)
        .expect("the thread exists");
    let rows: Vec<(i32, Option<i32>, String, String)> = revisions::table
        .filter(revisions::thread_id.eq(thread_id))
        .order(revisions::seq.asc())
        .select((revisions::seq, revisions::parent_seq, revisions::body_md, revisions::body_sha256))
        .load(conn)
        .expect("load the revisions");
    let revisions = rows
        .into_iter()
        .map(|(seq, parent_seq, body_md, body_sha256)| StoredRevision { seq, parent_seq, body_md, body_sha256 })
        .collect();
    StoredHistory { head_seq, revisions }
}

/// Asserts the whole database is consistent and that every acknowledged save of `slug` is
/// stored under the seq it was acknowledged with. Returns the thread's history.
pub fn assert_nothing_lost(conn: &mut PgConnection, slug: &str, acked: &[Ack]) -> StoredHistory {
    // Across every thread: no revision without its thread or past its thread's head, and every
    // head equal to the newest revision.
    let stray = count(
        conn,
        "SELECT count(*) AS n FROM revisions r LEFT JOIN threads t ON t.id = r.thread_id \
         WHERE t.id IS NULL OR r.seq > t.head_seq",
    );
    assert_eq!(stray, 0, "revisions without their thread or past the thread's head_seq");
    let bad_heads = count(
        conn,
        "SELECT count(*) AS n FROM threads t \
         WHERE t.head_seq <> COALESCE((SELECT max(r.seq) FROM revisions r WHERE r.thread_id = t.id), 0)",
    );
    assert_eq!(bad_heads, 0, "threads whose head_seq is not their newest revision");

    let history = load(conn, slug);
    let seqs: Vec<i32> = history.revisions.iter().map(|r| r.seq).collect();
    let n = i32::try_from(seqs.len()).expect("a sane number of revisions");
    assert_eq!(seqs, (1..=n).collect::<Vec<_>>(), "revision seqs are 1..n with no gaps");
    assert_eq!(history.head_seq, n, "threads.head_seq equals max(seq)");
    for rev in &history.revisions {
        let expected_parent = (rev.seq > 1).then_some(rev.seq - 1);
        assert_eq!(rev.parent_seq, expected_parent, "revision {} follows the one before it", rev.seq);
        assert_eq!(body_sha256(&rev.body_md), rev.body_sha256, "revision {}'s body matches body_sha256", rev.seq);
    }

    let mut acked_seqs = HashMap::new();
    for ack in acked {
        if let Some(other) = acked_seqs.insert(ack.seq, &ack.body) {
            panic!("two saves were both acknowledged as revision {}: {other:?} and {:?}", ack.seq, ack.body);
        }
        let stored = history.revisions.iter().find(|r| r.seq == ack.seq);
        let stored = stored.unwrap_or_else(|| {
            panic!("acknowledged revision {} is missing (history has {n}): {:?}", ack.seq, ack.body)
        });
        assert_eq!(stored.body_md, ack.body, "revision {} holds the acknowledged text", ack.seq);
    }
    assert!(
        acked.len() <= history.revisions.len(),
        "{} acknowledged saves but only {} revisions",
        acked.len(),
        history.revisions.len()
    );
    history
}

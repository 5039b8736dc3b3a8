//! Tests: the thread page's weight budget (issue 18, item 3). The demo thread with 1 000
//! revisions of its synthesis stays within 64 KB of HTML, its timeline still links every span
//! of revisions to the history, and the picture keeps its text alternative.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};
use crate::pages::{attrs, change_ids, texts};

const DEMO_SLUG: &str = "open-vs-closed-weights";
/// The budget: 64 KB of HTML, uncompressed.
const BUDGET: usize = 64 * 1024;
const SVG: &str = "section[aria-labelledby=timeline] svg";

/// Revisions `head + 1 ..= to` of a thread's synthesis, as copies of its head (body, blocks,
/// blame, citations), dated evenly from the head's date until now, every fifth a minor edit,
/// each with its changelog entry: what 1 000 saves leave behind, in one statement per table.
const ADD_REVISIONS: &str = "
    INSERT INTO revisions (thread_id, seq, parent_seq, author_id, created_at, summary, body_md, body_html,
                           body_len, body_sha256, minor, action, blame, block_ends, block_paragraphs,
                           claim_paragraphs)
    SELECT h.thread_id, s, s - 1, h.author_id,
           h.created_at + (now() - h.created_at) * ((s - h.seq)::float8 / ($2 - h.seq)),
           format('Edit %s', s), h.body_md, h.body_html, h.body_len, h.body_sha256, s % 5 = 0, h.action,
           h.blame, h.block_ends, h.block_paragraphs, h.claim_paragraphs
    FROM threads t
    JOIN revisions h ON h.thread_id = t.id AND h.seq = t.head_seq
    CROSS JOIN generate_series(t.head_seq + 1, $2) AS s
    WHERE t.slug = $1";
const ADD_CHANGES: &str = "
    INSERT INTO changes (thread_id, area, action, rev_seq, actor_id, created_at, reason, minor)
    SELECT r.thread_id, 'synthesis', 'edit', r.seq, r.author_id, r.created_at, r.summary, r.minor
    FROM revisions r JOIN threads t ON t.id = r.thread_id
    WHERE t.slug = $1 AND r.seq > t.head_seq
    ORDER BY r.seq";
const COPY_CITATIONS: &str = "
    INSERT INTO citations (thread_id, owner_kind, owner_id, paragraph, number, source_id, event_id)
    SELECT c.thread_id, c.owner_kind, n.id, c.paragraph, c.number, c.source_id, c.event_id
    FROM threads t
    JOIN revisions o ON o.thread_id = t.id AND o.seq = t.head_seq
    JOIN revisions n ON n.thread_id = t.id AND n.seq = $2
    JOIN citations c ON c.owner_kind = 'revision' AND c.owner_id = o.id
    WHERE t.slug = $1";
const MOVE_HEAD: &str = "UPDATE threads SET head_seq = $2, version = version + 1 WHERE slug = $1";

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

impl TestApp {
    /// Loads the demo thread.
    async fn weight_demo(&self) {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || agora::ops::demo::seed_if_absent(&pool).expect("seeding the demo"))
            .await
            .unwrap();
    }

    /// Gives the synthesis of `slug` revisions up to `to` (see `ADD_REVISIONS`).
    async fn revisions_up_to(&self, slug: &'static str, to: i32) {
        self.query(move |c| {
            c.transaction(|c| {
                for statement in [ADD_REVISIONS, ADD_CHANGES, COPY_CITATIONS, MOVE_HEAD] {
                    diesel::sql_query(statement).bind::<Text, _>(slug).bind::<Integer, _>(to).execute(c)?;
                }
                diesel::QueryResult::Ok(())
            })
            .expect("adding revisions")
        })
        .await;
    }

    /// The changelog id of revision `seq` of `slug`.
    async fn change_of(&self, slug: &'static str, seq: i32) -> i64 {
        self.query(move |c| {
            diesel::sql_query(
                "SELECT c.id FROM changes c JOIN threads t ON t.id = c.thread_id WHERE t.slug = $1 AND c.rev_seq = $2",
            )
            .bind::<Text, _>(slug)
            .bind::<Integer, _>(seq)
            .get_result::<Id>(c)
            .unwrap()
            .id
        })
        .await
    }
}

#[tokio::test]
async fn the_demo_thread_with_a_thousand_revisions_stays_within_64_kb_with_its_timeline_links() {
    let app = spawn_app().await;
    app.weight_demo().await;
    app.revisions_up_to(DEMO_SLUG, 1000).await;

    let res = app.get(&format!("/threads/{DEMO_SLUG}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.len() <= BUDGET, "the page weighs {} bytes, over the {BUDGET}-byte budget", html.len());
    println!("thread page with 1 000 revisions: {} bytes", html.len());

    // The revisions are there: the picture says so, and the head is revision 1 000.
    assert!(texts(&html, ".timeline-list p.meta").concat().contains("500 older ones"), "the newest 500 are drawn");
    let desc = texts(&html, "svg #timeline-desc").concat();
    assert!(desc.contains("500 revisions as ticks"), "{desc}");
    assert!(desc.contains("link to the history by month"), "{desc}");
    // The text alternative: a named group with a description, and the same links as a list.
    assert_eq!(attrs(&html, SVG, "role"), ["group"]);
    assert_eq!(attrs(&html, SVG, "aria-labelledby"), ["timeline-title"]);
    assert_eq!(attrs(&html, SVG, "aria-describedby"), ["timeline-desc"]);

    let spans = format!("{SVG} a[href^='/threads/{DEMO_SLUG}/history?']");
    let hrefs = attrs(&html, &spans, "href");
    let names = attrs(&html, &spans, "aria-label");
    assert!(hrefs.len() >= 2, "the revisions fall in several months: {hrefs:?}");
    assert_eq!(texts(&html, &format!("{spans} > title")), names, "each span has a <title> too");
    assert!(names.iter().all(|n| n.contains("of the synthesis")), "{names:?}");
    let listed = format!(".timeline-list a[href^='/threads/{DEMO_SLUG}/history?']");
    assert_eq!(attrs(&html, &listed, "href"), hrefs, "the list links the same spans");
    assert_eq!(texts(&html, &listed), names, "in the same words");
    // The newest span starts the history at revision 1 000, the one before it where it ends.
    let head = app.change_of(DEMO_SLUG, 1000).await;
    assert_eq!(
        hrefs.last().unwrap(),
        &format!("/threads/{DEMO_SLUG}/history?kind=synthesis&before={}#change-{head}", head + 1)
    );
    let history = app.page(hrefs.last().unwrap()).await;
    assert_eq!(change_ids(&history).first(), Some(&head));
    let earlier = &hrefs[hrefs.len() - 2];
    let history = app.page(earlier).await;
    let first = *change_ids(&history).first().expect("the earlier span's history has entries");
    assert!(first < head, "the earlier span starts before the newest revision");
    assert!(earlier.ends_with(&format!("#change-{first}")), "{earlier} starts with change {first}");
    // No revision is linked one by one any more (that was the weight).
    assert!(attrs(&html, &format!("{SVG} a[href*='/revisions/']"), "href").is_empty());
}

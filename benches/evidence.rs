//! Issue 16, item 15: what evidence costs. The demo thread's page with 50 citations in its
//! synthesis and a 30 × 3 matrix summary, against the same page without them (citations are
//! resolved at save time; a view adds one query for the footnotes' marks and one for the matrix
//! summary); and a save of a synthesis with 50 citations (marker lookup, render, revision and
//! citation rows), p50 under 10 ms. `bench/run` calls it; it needs `DATABASE_URL` pointing at a
//! database with the demo thread (`agora seed-demo`) and adds two threads of its own once.

use std::time::{Duration, Instant};

#[path = "support/timing.rs"]
mod timing;
use timing::time_per_op;

use agora::db::thread_page::ThreadPageCache;
use agora::db::{self, citations, events, matrix, revisions, sections, threads};
use agora::domain::citation::{Owner, OwnerKind};
use agora::domain::ids::{ThreadId, UserId};
use agora::domain::thread::{Assessment, Stance, Status};
use agora::ops::citations::render_in;
use agora::ops::thread_page::build;
use agora::render::pages::Chrome;
use agora::render::timeline::MAX_REVISIONS;
use askama::Template;
use diesel::prelude::*;

const DEMO: &str = "open-vs-closed-weights";
const CITED: &str = "bench-evidence-cited";
const PLAIN: &str = "bench-evidence-plain";
const SAVES: &str = "bench-evidence-saves";
const CITATIONS: usize = 50;

/// The demo's synthesis with `CITATIONS` markers spread over its paragraphs, citing its sources.
fn cited_text(conn: &mut PgConnection, plain: &str) -> anyhow::Result<String> {
    use agora::db::schema::sources;
    let ids: Vec<i64> = sources::table.select(sources::id).order(sources::id).load(conn)?;
    anyhow::ensure!(!ids.is_empty(), "the demo sources are missing: run `agora seed-demo`");
    let mut paragraphs: Vec<String> = plain.split("\n\n").map(str::to_owned).collect();
    let count = paragraphs.len();
    for i in 0..CITATIONS {
        paragraphs[i % count].push_str(&format!(" [^src:{}]", ids[i % ids.len()]));
    }
    Ok(paragraphs.join("\n\n"))
}

/// A copy of the demo thread (its events, interpretations and synthesis), with `text` as its
/// synthesis and, when `assess`, every event × interpretation cell assessed.
fn copy_of_demo(conn: &mut PgConnection, slug: &str, text: &str, assess: bool) -> anyhow::Result<ThreadId> {
    if let Ok(existing) = threads::by_slug(conn, slug) {
        return Ok(existing.thread_id());
    }
    let demo = threads::by_slug(conn, DEMO).map_err(|e| anyhow::anyhow!("{e}: run `agora seed-demo` first"))?;
    let author = UserId(demo.created_by);
    let fields = threads::ThreadFields {
        title: format!("{} ({slug})", demo.title),
        framing_question: demo.framing_question.clone(),
        status: Status::Active,
        stance: Stance::Contested,
    };
    let id = threads::create(conn, slug, &fields, author).map_err(|e| anyhow::anyhow!("{e}"))?.thread_id();
    let demo_events = events::for_thread(conn, demo.thread_id())?;
    for e in &demo_events {
        events::link(conn, id, e.event_id())?;
    }
    let readings: Vec<i64> = sections::interpretation::list(conn, demo.thread_id())?
        .into_iter()
        .map(|r| {
            let f = sections::InterpretationFields {
                title: r.title,
                body_md: r.body_md,
                body_html: agora::domain::html::SafeHtml::from_stored(r.body_html),
                proponents: Vec::new(),
            };
            sections::insert_interpretation(conn, id, &f)
        })
        .collect::<QueryResult<_>>()?;
    save(conn, id, 0, author, text)?;
    if assess {
        let kinds = [Assessment::Supports, Assessment::Undercuts, Assessment::Neutral];
        for (i, e) in demo_events.iter().enumerate() {
            for (j, reading) in readings.iter().enumerate() {
                let f = matrix::CellFields {
                    assessment: kinds[(i + j) % kinds.len()],
                    note_md: "A one-line note.".to_owned(),
                    note_html: agora::render::markdown::render_markdown("A one-line note."),
                };
                matrix::insert(conn, id, *reading, e.id, &f, author).map_err(|e| anyhow::anyhow!("{e}"))?;
            }
        }
    }
    Ok(id)
}

/// What a synthesis save does after its checks: look up what the markers cite, render, store
/// the revision with its citations.
fn save(conn: &mut PgConnection, id: ThreadId, base: i32, author: UserId, text: &str) -> anyhow::Result<()> {
    let rendered = render_in(conn, text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let blocks = rendered.blocks.clone().unwrap_or_default();
    let new = revisions::NewRevision {
        cites: &rendered.cites,
        claims: &rendered.claim_paragraphs,
        ..revisions::NewRevision::edit(id, base, author, text, &rendered.html, &blocks)
    };
    revisions::save(conn, &new).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

fn page_view(conn: &mut PgConnection, cache: &ThreadPageCache, slug: &str) -> Duration {
    time_per_op(|| {
        let data = cache.load(conn, slug, MAX_REVISIONS).unwrap();
        let html = build(Chrome::default(), &data, true, false).render().unwrap();
        std::hint::black_box(html);
    })
    .0
}

fn main() -> anyhow::Result<()> {
    if !std::env::args().any(|a| a == "--bench") {
        println!("evidence: a benchmark; run it with `cargo bench --bench evidence` (bench/run)");
        return Ok(());
    }
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/agora_bench".into());
    let pool = db::build_pool(&url, 2)?;
    let mut conn = pool.get()?;
    let demo = threads::by_slug(&mut conn, DEMO).map_err(|e| anyhow::anyhow!("{e}: run `agora seed-demo` first"))?;
    let plain = agora::domain::citation::without_markers(
        &revisions::by_seq(&mut conn, demo.thread_id(), demo.head_seq)?.body_md,
    );
    let cited = cited_text(&mut conn, &plain)?;
    copy_of_demo(&mut conn, PLAIN, &plain, false)?;
    let cited_id = copy_of_demo(&mut conn, CITED, &cited, true)?;
    let head = revisions::head(&mut conn, cited_id)?.map(|r| r.meta.id).unwrap_or(0);
    let rows = citations::of_owner(&mut conn, Owner { kind: OwnerKind::Revision, id: head })?;
    println!("cited copy: {} citations in its synthesis", rows.len());

    let cache = ThreadPageCache::default();
    // Alternate the two, best of three, so drift on a busy machine hits both alike.
    let (mut best_plain, mut best_cited) = (Duration::MAX, Duration::MAX);
    for _ in 0..3 {
        best_plain = best_plain.min(page_view(&mut conn, &cache, PLAIN));
        best_cited = best_cited.min(page_view(&mut conn, &cache, CITED));
    }
    let ratio = best_cited.as_secs_f64() / best_plain.as_secs_f64();
    println!("| page view (version check + cached data + build + render) | time |");
    println!("| --- | --- |");
    println!("| demo copy without citations or matrix | {:.1} µs |", best_plain.as_secs_f64() * 1e6);
    println!("| demo copy with {CITATIONS} citations and a 30 × 3 matrix | {:.1} µs |", best_cited.as_secs_f64() * 1e6);
    println!("ratio cited/plain: {ratio:.3}");

    // Saves: alternate two texts with 50 citations each, so every save stores a new revision.
    let author = UserId(demo.created_by);
    let saves_id = copy_of_demo(&mut conn, SAVES, &plain, false)?;
    let texts = [cited.clone(), format!("{cited}\n\nOne more paragraph.")];
    let mut times = Vec::new();
    for i in 0..200 {
        let head = threads::by_slug(&mut conn, SAVES)?.head_seq;
        let start = Instant::now();
        save(&mut conn, saves_id, head, author, &texts[i % 2])?;
        times.push(start.elapsed());
    }
    times.sort();
    let p50 = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    println!(
        "save with {CITATIONS} citations: p50 {:.2} ms, p99 {:.2} ms (200 saves)",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );

    let page_ok = ratio <= 1.10;
    let save_ok = p50 < Duration::from_millis(10);
    println!("{} cited page within 10% of the plain one ({ratio:.3})", if page_ok { "PASS" } else { "FAIL" });
    println!("{} save with {CITATIONS} citations under 10 ms p50", if save_ok { "PASS" } else { "FAIL" });
    if !(page_ok && save_ok) {
        std::process::exit(1);
    }
    Ok(())
}

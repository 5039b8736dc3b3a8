//! The thread page, rendered from memory (askama only) and loaded from PostgreSQL and rendered
//! (what a page view costs without HTTP). `bench/run` adds the HTTP figures with wrk.
//! Needs `DATABASE_URL` pointing at a database with the demo thread (`agora seed-demo`).

#[path = "support/timing.rs"]
mod timing;
use timing::time_per_op;

use agora::db;
use agora::db::thread_page::{self, ThreadPageCache};
use agora::ops::thread_page::build;
use agora::render::pages::Chrome;
use agora::render::timeline::MAX_REVISIONS;
use askama::Template;

const SLUG: &str = "open-vs-closed-weights";

fn main() -> anyhow::Result<()> {
    // `cargo test --all-targets` runs bench targets too; only `cargo bench` passes `--bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("thread_page: a benchmark; run it with `cargo bench --bench thread_page` (bench/run)");
        return Ok(());
    }
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/agora_bench".into());
    let pool = db::build_pool(&url, 2)?;
    let mut conn = pool.get()?;
    let data = thread_page::load(&mut conn, SLUG, MAX_REVISIONS)
        .map_err(|e| anyhow::anyhow!("{e}: run `agora seed-demo` first"))?;

    let (memory, n1) = time_per_op(|| {
        let html = build(Chrome::default(), &data, false, false).render().unwrap();
        std::hint::black_box(html);
    });
    let (loaded, n2) = time_per_op(|| {
        let fresh = thread_page::load(&mut conn, SLUG, MAX_REVISIONS).unwrap();
        let html = build(Chrome::default(), &fresh, false, false).render().unwrap();
        std::hint::black_box(html);
    });
    let cache = ThreadPageCache::default();
    let (cached, n3) = time_per_op(|| {
        let data = cache.load(&mut conn, SLUG, MAX_REVISIONS).unwrap();
        let html = build(Chrome::default(), &data, false, false).render().unwrap();
        std::hint::black_box(html);
    });
    println!("| thread page | time per page | runs |");
    println!("| --- | --- | --- |");
    println!("| rendered from memory (askama) | {:.1} µs | {n1} |", memory.as_secs_f64() * 1e6);
    println!("| loaded from PostgreSQL + rendered | {:.1} µs | {n2} |", loaded.as_secs_f64() * 1e6);
    println!("| version check + cached data + rendered (a page view) | {:.1} µs | {n3} |", cached.as_secs_f64() * 1e6);
    println!("ratio page view/memory: {:.2}", cached.as_secs_f64() / memory.as_secs_f64());
    println!("ratio loaded/memory: {:.2}", loaded.as_secs_f64() / memory.as_secs_f64());
    Ok(())
}

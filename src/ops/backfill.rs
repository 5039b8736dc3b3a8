//! Filling in, right after the migrations, what rows saved by older versions lack: paragraph
//! blame, block maps and thread search documents. Each step only touches rows without the
//! value, so after the first start that needed it every step is a no-op.
//!
//! It is an operation rather than part of `db::run_migrations` because block maps come from
//! rendering the Markdown again (`render::markdown`), which the database layer does not do.

use anyhow::Context;
use diesel::pg::PgConnection;

use crate::db::{revisions, search};
use crate::render::markdown::block_map_of;

/// Runs every backfill; the binary calls it after `db::connect_and_migrate`.
pub fn run(conn: &mut PgConnection) -> anyhow::Result<()> {
    let filled = revisions::fill_missing_blame(conn).context("computing the blame of older revisions")?;
    if filled > 0 {
        tracing::info!(revisions = filled, "computed paragraph blame of revisions saved before it was stored");
    }
    let mapped = fill_missing_blocks(conn).context("mapping the blocks of older revisions")?;
    if mapped > 0 {
        tracing::info!(revisions = mapped, "mapped the blocks of revisions saved before maps were stored");
    }
    let indexed = search::fill_missing(conn).context("building the search documents of threads")?;
    if indexed > 0 {
        tracing::info!(threads = indexed, "built the search documents of threads that had none");
    }
    Ok(())
}

/// Maps the blocks of revisions saved before block maps were stored. A revision whose HTML is
/// not what its Markdown renders to now gets an empty map, which marks nothing.
fn fill_missing_blocks(conn: &mut PgConnection) -> diesel::QueryResult<usize> {
    let missing = revisions::without_blocks(conn)?;
    for (id, body_md, body_html) in &missing {
        let map = block_map_of(body_md, body_html).unwrap_or_default();
        revisions::set_blocks(conn, *id, &map)?;
    }
    Ok(missing.len())
}

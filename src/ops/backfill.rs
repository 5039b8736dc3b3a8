//! Filling in, right after the migrations, what rows saved by older versions lack: paragraph
//! blame, block maps and thread search documents. Each step only touches rows without the
//! value, so after the first start that needed it every step is a no-op.
//!
//! It is an operation rather than part of `db::run_migrations` because block maps come from
//! rendering the Markdown again (`render::markdown`), which the database layer does not do.

use anyhow::Context;
use diesel::pg::PgConnection;

use crate::db::{revisions, search, sections};
use crate::render::markdown::{block_map_of, render_markdown};

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
    let questions = fill_missing_question_html(conn).context("rendering the text of older questions")?;
    if questions > 0 {
        tracing::info!(questions, "rendered the text of questions saved before it was stored");
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

/// Renders the questions saved before their text was rendered (they cite nothing: citing
/// came with rendering).
fn fill_missing_question_html(conn: &mut PgConnection) -> diesel::QueryResult<usize> {
    let missing = sections::questions_without_html(conn)?;
    for (id, question) in &missing {
        sections::set_question_html(conn, *id, &render_markdown(question))?;
    }
    Ok(missing.len())
}

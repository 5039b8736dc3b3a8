//! The demo thread ("Open vs. Closed Weights"), loaded by `seed-demo` and `serve --demo`.
//! Its content ships in `demo/` so a fresh checkout needs nothing else. It is an operation: it
//! renders the Markdown and hashes the curator's unusable password here, and inserts through the
//! same `db` functions as everything else.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::{password, session};
use crate::db::{PgPool, events, revisions, search, sections, threads, users};
use crate::domain::html::{BlockMap, SafeHtml};
use crate::domain::ids::{ThreadId, UserId};
use crate::domain::roles::Role;
use crate::domain::thread::{Significance, Stance, Status};
use crate::render::markdown::render_markdown_blocks;

const DEMO_JSON: &str = include_str!("../../demo/open-vs-closed-weights.json");

#[derive(Debug, Deserialize)]
struct DemoThread {
    slug: String,
    title: String,
    framing_question: String,
    status: String,
    stance: String,
    curator: String,
    since: NaiveDate,
    updated: NaiveDate,
    synthesis_paragraphs: Vec<String>,
    arc: Vec<DemoArc>,
    interpretations: Vec<DemoInterpretation>,
    open_questions: Vec<String>,
    events: Vec<DemoEvent>,
}

#[derive(Debug, Deserialize)]
struct DemoArc {
    label: String,
    title: String,
    body: String,
}

#[derive(Debug, Deserialize)]
struct DemoInterpretation {
    title: String,
    body: String,
    proponents: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct DemoEvent {
    date: NaiveDate,
    significance: String,
    title: String,
}

/// Loads the demo thread unless a thread with its slug exists. Returns whether it was loaded.
pub fn seed_if_absent(pool: &PgPool) -> anyhow::Result<bool> {
    let demo: DemoThread = serde_json::from_str(DEMO_JSON).context("demo/open-vs-closed-weights.json")?;
    let mut conn = pool.get()?;
    let loaded = conn.transaction(|conn| -> anyhow::Result<bool> {
        if threads::slug_exists(conn, &demo.slug)? {
            return Ok(false);
        }
        let curator = demo_curator(conn, &demo.curator)?;
        let fields = threads::ThreadFields {
            title: demo.title.clone(),
            framing_question: demo.framing_question.clone(),
            status: Status::parse(&demo.status).context("demo status")?,
            stance: Stance::parse(&demo.stance).context("demo stance")?,
        };
        let thread = threads::create(conn, &demo.slug, &fields, curator).map_err(|e| anyhow::anyhow!("{e}"))?;
        let id = thread.thread_id();
        save_synthesis(conn, id, curator, &demo)?;
        add_sections(conn, id, &demo)?;
        for event in &demo.events {
            let significance = Significance::parse(&event.significance).context("demo significance")?;
            let event_id = match events::find_same(conn, event.date, &event.title)? {
                Some(existing) => existing,
                None => events::insert(
                    conn,
                    &events::EventFields {
                        occurred_on: event.date,
                        title: event.title.clone(),
                        significance,
                        url: None,
                        body_md: String::new(),
                        body_html: demo_html("")?,
                    },
                    curator,
                )?,
            };
            events::link(conn, id, event_id)?;
        }
        threads::set_dates(conn, id, midnight(demo.since), midnight(demo.updated))?;
        // The sections above were inserted directly, around `threads::touch`.
        search::refresh(conn, id)?;
        Ok(true)
    })?;
    if loaded {
        tracing::info!(slug = %demo.slug, "loaded the demo thread");
    }
    Ok(loaded)
}

/// Renders demo text after the same nesting check as anything typed (the demo file can be
/// replaced).
fn demo_html(body: &str) -> anyhow::Result<SafeHtml> {
    Ok(demo_rendered(body)?.0)
}

/// `demo_html` with the block map a revision stores.
fn demo_rendered(body: &str) -> anyhow::Result<(SafeHtml, BlockMap)> {
    crate::domain::validate::nested_at_most("a demo text", body).map_err(anyhow::Error::msg)?;
    let (html, blocks) = render_markdown_blocks(body);
    Ok((html, blocks.unwrap_or_default()))
}

/// The demo curator: a real account that cannot log in until an admin sets a password.
fn demo_curator(conn: &mut PgConnection, username: &str) -> anyhow::Result<UserId> {
    if let Some(row) = users::by_username(conn, username)? {
        return Ok(UserId(row.id));
    }
    let unusable = session::new_token();
    let hash = password::hash_password(&unusable)?;
    let user = users::insert(conn, username, &hash, Role::Curator).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(user.id)
}

/// The synthesis as the page the demo follows shows it: one revision, by the curator, dated the
/// day it was last updated. (An invented history would have blame and the timeline date
/// sentences about 2025 to 2023.)
fn save_synthesis(conn: &mut PgConnection, id: ThreadId, author: UserId, demo: &DemoThread) -> anyhow::Result<()> {
    let body = demo.synthesis_paragraphs.join("\n\n");
    let (html, blocks) = demo_rendered(&body)?;
    let outcome = revisions::save(
        conn,
        &revisions::NewRevision {
            // Demo history is curated content, not something to review.
            autopatrolled: true,
            ..revisions::NewRevision::edit(id, 0, author, &body, &html, &blocks)
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(matches!(outcome, revisions::SaveOutcome::Saved { seq: 1 }), "the demo synthesis was not saved");
    revisions::backdate(conn, id, 1, midnight(demo.updated))?;
    Ok(())
}

fn add_sections(conn: &mut PgConnection, id: ThreadId, demo: &DemoThread) -> anyhow::Result<()> {
    for period in &demo.arc {
        sections::insert_arc(
            conn,
            id,
            &sections::ArcFields {
                label: period.label.clone(),
                title: period.title.clone(),
                body_md: period.body.clone(),
                body_html: demo_html(&period.body)?,
            },
        )?;
    }
    for reading in &demo.interpretations {
        sections::insert_interpretation(
            conn,
            id,
            &sections::InterpretationFields {
                title: reading.title.clone(),
                body_md: reading.body.clone(),
                body_html: demo_html(&reading.body)?,
                proponents: reading.proponents.clone(),
            },
        )?;
    }
    for question in &demo.open_questions {
        sections::insert_question(conn, id, question, &demo_html(question)?)?;
    }
    Ok(())
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

//! The second, small demo thread (issue 17, item 13): a synthesis last revised in August 2024,
//! before two landmark or major events linked to it, so the demo shows one "needs attention"
//! flag. Loaded, like the first, only when its slug is absent.

use anyhow::Context;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::{DemoEvent, create_thread, demo_cited, demo_curator, midnight, record_and_link_event, save_first_revision};
use crate::db::{PgPool, search, sections, threads};
use crate::domain::citation::{Owner, OwnerKind};

const STALE_JSON: &str = include_str!("../../../demo/eu-ai-act-open-source.json");

#[derive(Debug, Deserialize)]
struct StaleThread {
    slug: String,
    title: String,
    framing_question: String,
    status: String,
    stance: String,
    since: NaiveDate,
    /// The day of its only synthesis revision.
    revised: NaiveDate,
    synthesis_paragraphs: Vec<String>,
    events: Vec<DemoEvent>,
    open_questions: Vec<String>,
}

/// Loads the thread unless its slug exists, curated by `curator`. Returns whether it was loaded.
pub(super) fn seed_if_absent(pool: &PgPool, curator: &str) -> anyhow::Result<bool> {
    let demo: StaleThread = serde_json::from_str(STALE_JSON).context("demo/eu-ai-act-open-source.json")?;
    let mut conn = pool.get()?;
    conn.transaction(|conn| -> anyhow::Result<bool> {
        if threads::slug_exists(conn, &demo.slug)? {
            return Ok(false);
        }
        let curator = demo_curator(conn, curator)?;
        let id = create_thread(
            conn,
            &demo.slug,
            [&demo.title, &demo.framing_question, &demo.status, &demo.stance],
            curator,
        )?;
        for event in &demo.events {
            record_and_link_event(conn, id, curator, event)?;
        }
        save_first_revision(conn, id, curator, &demo.synthesis_paragraphs.join("\n\n"), midnight(demo.revised))?;
        for question in &demo.open_questions {
            let rendered = demo_cited(conn, question)?;
            let item = sections::insert_question(conn, id, question, &rendered.html)?;
            crate::db::citations::insert(
                conn,
                Owner { kind: OwnerKind::Question, id: item },
                Some(id),
                &rendered.cites,
            )?;
        }
        threads::set_dates(conn, id, midnight(demo.since), midnight(demo.revised))?;
        search::refresh(conn, id)?;
        Ok(true)
    })
}

//! The demo thread ("Open vs. Closed Weights"), loaded by `seed-demo` and `serve --demo`.
//! Its content ships in `demo/` so a fresh checkout needs nothing else. It is an operation: it
//! renders the Markdown and hashes the curator's unusable password here, and inserts through the
//! same `db` functions as everything else.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::{password, session};
use crate::db::matrix as db_matrix;
use crate::db::sources as db_sources;
use crate::db::{PgPool, citations, events, revisions, search, sections, threads, users};
use crate::domain::citation::{Owner, OwnerKind};
use crate::domain::html::SafeHtml;
use crate::domain::ids::{EventId, ThreadId, UserId};
use crate::domain::roles::Role;
use crate::domain::source_url;
use crate::domain::thread::{Assessment, Significance, SourceKind, Stance, Status, Tier};
use crate::render::markdown::{Rendered, render_markdown};

mod stale;

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
    /// Issue 16: what the demo cites. Markers in this file name sources by key
    /// (`[^src:llama2-card]`) and events by title; the seeder puts in the ids.
    sources: Vec<DemoSource>,
    synthesis_citations: Vec<DemoParagraphCites>,
    question_citations: Vec<DemoQuestionCites>,
    event_sources: Vec<DemoEventSources>,
    matrix: Vec<DemoCell>,
    /// The governed stance label: a pending proposal by the curator.
    #[serde(default)]
    stance_proposal: Option<DemoProposal>,
}

/// A pending stance proposal: the stance proposed and the rationale's paragraphs with what each
/// cites (`src:KEY`, `event:TITLE`).
#[derive(Debug, Deserialize)]
struct DemoProposal {
    to: String,
    paragraphs: Vec<DemoCitedParagraph>,
}

#[derive(Debug, Deserialize)]
struct DemoCitedParagraph {
    text: String,
    cite: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct DemoSource {
    key: String,
    title: String,
    publisher: String,
    published_on: Option<NaiveDate>,
    kind: String,
    tier: String,
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DemoParagraphCites {
    paragraph: usize,
    cite: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct DemoQuestionCites {
    question: usize,
    cite: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct DemoEventSources {
    event: String,
    cite: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct DemoCell {
    event: String,
    interpretation: String,
    assessment: String,
    note: String,
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
    #[serde(default)]
    cite: Vec<String>,
}

/// Creates a demo thread from its slug and `[title, framing question, status, stance]`.
fn create_thread(conn: &mut PgConnection, slug: &str, details: [&str; 4], curator: UserId) -> anyhow::Result<ThreadId> {
    let [title, framing_question, status, stance] = details;
    let fields = threads::ThreadFields {
        title: title.to_owned(),
        framing_question: framing_question.to_owned(),
        status: Status::parse(status).context("demo status")?,
        stance: Stance::parse(stance).context("demo stance")?,
    };
    let thread = threads::create(conn, slug, &fields, curator).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(thread.thread_id())
}

/// An event of a demo thread (the demo files date them from shared/demo/event-dates.tsv).
#[derive(Debug, Deserialize)]
struct DemoEvent {
    date: NaiveDate,
    significance: String,
    title: String,
}

/// Records a demo event, unless another demo thread recorded it already (events are shared),
/// and links it to `thread`.
fn record_and_link_event(
    conn: &mut PgConnection,
    thread: ThreadId,
    curator: UserId,
    event: &DemoEvent,
) -> anyhow::Result<EventId> {
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
    events::link(conn, thread, event_id)?;
    Ok(event_id)
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
        let id = create_thread(
            conn,
            &demo.slug,
            [&demo.title, &demo.framing_question, &demo.status, &demo.stance],
            curator,
        )?;
        let mut ids = Markers::default();
        add_sources(conn, curator, &demo, &mut ids)?;
        for event in &demo.events {
            let event_id = record_and_link_event(conn, id, curator, event)?;
            ids.events.push((event.title.clone(), event_id.0));
        }
        cite_in_events(conn, &demo, &ids)?;
        save_synthesis(conn, id, curator, &demo, &ids)?;
        add_sections(conn, id, &demo, &ids)?;
        fill_matrix(conn, id, curator, &demo, &ids)?;
        // The governed stance label: a pending proposal (only on a fresh seed, so seeding again
        // adds nothing).
        propose_stance(conn, id, curator, &demo, &ids)?;
        threads::set_dates(conn, id, midnight(demo.since), midnight(demo.updated))?;
        // The sections above were inserted directly, around `threads::touch`.
        search::refresh(conn, id)?;
        Ok(true)
    })?;
    if loaded {
        tracing::info!(slug = %demo.slug, "loaded the demo thread");
    }
    // Issue 17 item 13: synthetic readers' camps and ratings (once; also on an older demo).
    if super::demo_ratings::seed_if_absent(&mut conn, &demo.slug)? {
        // `agora serve --demo` and `seed-demo` fit them right after seeding (see main.rs).
        tracing::info!(slug = %demo.slug, "loaded the demo ratings");
    }
    // Issue 17: the second, small thread that shows a "needs attention" flag.
    let stale = stale::seed_if_absent(pool, &demo.curator)?;
    Ok(loaded || stale)
}

/// Renders demo text after the same nesting check as anything typed (the demo file can be
/// replaced).
fn demo_html(body: &str) -> anyhow::Result<SafeHtml> {
    crate::domain::validate::nested_at_most("a demo text", body).map_err(anyhow::Error::msg)?;
    Ok(render_markdown(body))
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
fn save_synthesis(
    conn: &mut PgConnection,
    id: ThreadId,
    author: UserId,
    demo: &DemoThread,
    ids: &Markers,
) -> anyhow::Result<()> {
    let paragraphs: Vec<String> = demo
        .synthesis_paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let cites = demo.synthesis_citations.iter().filter(|c| c.paragraph == i).flat_map(|c| &c.cite);
            ids.cited(p, cites)
        })
        .collect::<anyhow::Result<_>>()?;
    save_first_revision(conn, id, author, &paragraphs.join("\n\n"), midnight(demo.updated))
}

/// Saves a demo thread's synthesis as its first revision, dated `at` (staleness is measured from
/// that date, so a backdated revision makes later events count).
fn save_first_revision(
    conn: &mut PgConnection,
    id: ThreadId,
    author: UserId,
    body: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    let rendered = demo_cited(conn, body)?;
    let blocks = rendered.blocks.clone().unwrap_or_default();
    let outcome = revisions::save(
        conn,
        &revisions::NewRevision {
            // Demo history is curated content, not something to review.
            autopatrolled: true,
            cites: &rendered.cites,
            claims: &rendered.claim_paragraphs,
            ..revisions::NewRevision::edit(id, 0, author, body, &rendered.html, &blocks)
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    anyhow::ensure!(matches!(outcome, revisions::SaveOutcome::Saved { seq: 1 }), "the demo synthesis was not saved");
    revisions::backdate(conn, id, 1, at)?;
    Ok(())
}

fn add_sections(conn: &mut PgConnection, id: ThreadId, demo: &DemoThread, ids: &Markers) -> anyhow::Result<()> {
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
        let body = ids.cited(&reading.body, reading.cite.iter())?;
        let rendered = demo_cited(conn, &body)?;
        let item = sections::insert_interpretation(
            conn,
            id,
            &sections::InterpretationFields {
                title: reading.title.clone(),
                body_md: body,
                body_html: rendered.html,
                proponents: reading.proponents.clone(),
            },
        )?;
        citations::insert(conn, Owner { kind: OwnerKind::Interpretation, id: item }, Some(id), &rendered.cites)?;
    }
    for (i, question) in demo.open_questions.iter().enumerate() {
        let cites = demo.question_citations.iter().filter(|c| c.question == i).flat_map(|c| &c.cite);
        let text = ids.cited(question, cites)?;
        let rendered = demo_cited(conn, &text)?;
        let item = sections::insert_question(conn, id, &text, &rendered.html)?;
        citations::insert(conn, Owner { kind: OwnerKind::Question, id: item }, Some(id), &rendered.cites)?;
    }
    Ok(())
}

/// The ids the demo's markers stand for.
#[derive(Debug, Default)]
struct Markers {
    sources: Vec<(String, i64)>,
    events: Vec<(String, i64)>,
}

impl Markers {
    /// The marker of a demo reference: `src:KEY` or `event:TITLE`.
    fn marker(&self, reference: &str) -> anyhow::Result<String> {
        let find = |list: &[(String, i64)], key: &str| list.iter().find(|(k, _)| k == key).map(|(_, id)| *id);
        if let Some(key) = reference.strip_prefix("src:") {
            let id = find(&self.sources, key).with_context(|| format!("demo source {key}"))?;
            Ok(format!("[^src:{id}]"))
        } else if let Some(title) = reference.strip_prefix("event:") {
            let id = find(&self.events, title).with_context(|| format!("demo event {title}"))?;
            Ok(format!("[^event:{id}]"))
        } else {
            anyhow::bail!("demo citation {reference}")
        }
    }

    /// `text` with the markers of `references` after its last sentence.
    fn cited<'a>(&self, text: &str, references: impl Iterator<Item = &'a String>) -> anyhow::Result<String> {
        let markers = references.map(|r| self.marker(r)).collect::<anyhow::Result<Vec<_>>>()?;
        if markers.is_empty() {
            return Ok(text.to_owned());
        }
        // A question keeps its question mark last: the markers go before it.
        Ok(match text.strip_suffix('?') {
            Some(question) => format!("{question} {}?", markers.join(" ")),
            None => format!("{text} {}", markers.join(" ")),
        })
    }

    /// `text` with its keyed source markers (`[^src:KEY]`) turned into real ones.
    fn resolved(&self, text: &str) -> String {
        self.sources
            .iter()
            .fold(text.to_owned(), |t, (key, id)| t.replace(&format!("[^src:{key}]"), &format!("[^src:{id}]")))
    }
}

/// The demo's sources: the four essays (opinion, offline), primary documents, a report.
fn add_sources(conn: &mut PgConnection, curator: UserId, demo: &DemoThread, ids: &mut Markers) -> anyhow::Result<()> {
    for s in &demo.sources {
        let url = s.url.as_deref().map(source_url::normalize).transpose().map_err(|e| anyhow::anyhow!("{e}"))?;
        let existing = match &url {
            Some(url) => db_sources::by_url(conn, url)?.map(|row| row.id),
            None => None,
        };
        let id = match existing {
            Some(id) => id,
            None => {
                let fields = db_sources::SourceFields {
                    title: s.title.clone(),
                    url,
                    publisher: s.publisher.clone(),
                    published_on: s.published_on,
                    kind: SourceKind::parse(&s.kind).with_context(|| format!("demo source kind {}", s.kind))?,
                    tier: Tier::parse(&s.tier).with_context(|| format!("demo source tier {}", s.tier))?,
                };
                db_sources::insert(conn, &fields, curator)?.0
            }
        };
        ids.sources.push((s.key.clone(), id));
    }
    Ok(())
}

/// Gives the events with primary sources a description citing them.
fn cite_in_events(conn: &mut PgConnection, demo: &DemoThread, ids: &Markers) -> anyhow::Result<()> {
    for e in &demo.event_sources {
        let event = ids.events.iter().find(|(t, _)| *t == e.event).map(|(_, id)| *id).context("demo event")?;
        let body = ids.cited("Primary record:", e.cite.iter())?;
        let rendered = demo_cited(conn, &body)?;
        let row = events::by_id(conn, EventId(event)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let fields = events::EventFields {
            occurred_on: row.occurred_on,
            significance: row.significance(),
            title: row.title,
            url: row.url,
            body_md: body,
            body_html: rendered.html,
        };
        events::update(conn, EventId(event), &fields).map_err(|e| anyhow::anyhow!("{e}"))?;
        citations::replace(conn, Owner { kind: OwnerKind::Event, id: event }, None, &rendered.cites)?;
    }
    Ok(())
}

/// Assesses the landmark events against the interpretations.
fn fill_matrix(
    conn: &mut PgConnection,
    id: ThreadId,
    curator: UserId,
    demo: &DemoThread,
    ids: &Markers,
) -> anyhow::Result<()> {
    let readings = sections::interpretation::list(conn, id)?;
    for cell in &demo.matrix {
        let event = ids.events.iter().find(|(t, _)| *t == cell.event).map(|(_, e)| *e).context("demo matrix event")?;
        let reading = readings.iter().find(|r| r.title == cell.interpretation).context("demo matrix interpretation")?;
        let note = ids.resolved(&cell.note);
        let rendered = demo_cited(conn, &note)?;
        let fields = db_matrix::CellFields {
            assessment: Assessment::parse(&cell.assessment).context("demo assessment")?,
            note_md: note,
            note_html: rendered.html,
        };
        let cell_id =
            db_matrix::insert(conn, id, reading.id, event, &fields, curator).map_err(|e| anyhow::anyhow!("{e}"))?;
        citations::insert(conn, Owner { kind: OwnerKind::MatrixCell, id: cell_id.0 }, Some(id), &rendered.cites)?;
    }
    Ok(())
}

/// The demo's pending stance proposal, by the curator, with its changelog entry.
fn propose_stance(
    conn: &mut PgConnection,
    id: ThreadId,
    curator: UserId,
    demo: &DemoThread,
    ids: &Markers,
) -> anyhow::Result<()> {
    let Some(p) = &demo.stance_proposal else {
        return Ok(());
    };
    let from = Stance::parse(&demo.stance).context("demo stance")?;
    let to = Stance::parse(&p.to).context("demo proposed stance")?;
    let paragraphs =
        p.paragraphs.iter().map(|para| ids.cited(&para.text, para.cite.iter())).collect::<anyhow::Result<Vec<_>>>()?;
    let rationale = paragraphs.join("\n\n");
    let rendered = demo_cited(conn, &rationale)?;
    let row = crate::db::stance::insert(
        conn,
        &crate::db::stance::NewProposal {
            thread: id,
            proposer: curator,
            from,
            to,
            rationale_md: &rationale,
            rationale_html: rendered.html.as_str(),
        },
    )?;
    let summary: String = paragraphs.first().map(|t| t.chars().take(200).collect()).unwrap_or_default();
    crate::db::changes::record(
        conn,
        &crate::db::changes::NewChange {
            subject_id: Some(row.id),
            subject: &demo.curator,
            reason: &summary,
            before: Some(serde_json::json!({ "stance": from.as_str() })),
            after: Some(serde_json::json!({ "stance": to.as_str() })),
            ..crate::db::changes::NewChange::on_thread(id, crate::domain::history::Area::Stance, "proposed", curator)
        },
    )?;
    Ok(())
}

/// Renders a demo text that cites, after the same nesting check as anything typed.
fn demo_cited(conn: &mut PgConnection, body: &str) -> anyhow::Result<Rendered> {
    crate::domain::validate::nested_at_most("a demo text", body).map_err(anyhow::Error::msg)?;
    super::citations::render_in(conn, body).map_err(|e| anyhow::anyhow!("{e}"))
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

//! The synthesis editor, saving (with edit conflicts), history, revisions, diffs and revert.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{reshow_if_invalid, see_other};
use crate::auth::Visitor;
use crate::db::revisions::{Revision, RevisionListed, SaveOutcome};
use crate::error::AppError;
use crate::ops::access;
use crate::ops::synthesis::{self, RevertInput, SynthesisInput};
use crate::render::diff::line_diff;
use crate::render::pages::history::{ConflictPage, DiffPage, HistoryPage, HistoryRow, RevisionPage};
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::startup::AppState;

/// Registers the synthesis pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/synthesis/edit").get(edit_form))
        .add(at("/threads/{slug}/synthesis").post(save))
        .add(at("/threads/{slug}/history").get(history))
        .add(at("/threads/{slug}/revisions/{seq}").get(revision))
        .add(at("/threads/{slug}/revisions/{seq}/revert").post(revert))
        .add(at("/threads/{slug}/diff").get(diff));
}

fn editor(visitor: &Visitor, slug: &str, input: &SynthesisInput) -> FormPage {
    FormPage::new(
        Chrome::of(visitor),
        "Edit the canonical synthesis",
        format!("/threads/{slug}/synthesis"),
        "Save synthesis",
        vec![
            Field::markdown("body", "Synthesis", &input.body, 24).required(true),
            Field::text("summary", "Edit summary", &input.summary)
                .required(false)
                .hint("Say briefly what you changed and why."),
            Field::checkbox("minor", "Minor edit", input.minor)
                .hint("Typo fixes and formatting that change no meaning."),
        ],
    )
    .editor(format!("synthesis:{slug}:{}", input.base_seq))
    .hidden("base_seq", input.base_seq.to_string())
    .cancel(format!("/threads/{slug}"))
}

async fn edit_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (thread, body) = synthesis::for_editing(&state.pool, user, slug.into_inner()).await?;
    let input = SynthesisInput { base_seq: thread.head_seq, body, summary: String::new(), minor: false };
    Ok(ok(&editor(&visitor, &thread.slug, &input)))
}

async fn save(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<SynthesisInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, input) = (slug.into_inner(), form.into_inner());
    let result = synthesis::save(&state.pool, user, slug.clone(), input.clone()).await;
    let form_input = input.clone();
    reshow_if_invalid(
        result,
        || editor(&visitor, &slug, &form_input),
        |(thread, outcome)| match outcome {
            SaveOutcome::Saved { .. } | SaveOutcome::Unchanged => {
                see_other(&format!("/threads/{}#synthesis", thread.slug))
            }
            SaveOutcome::Conflict { current } => {
                let current = current.map(|b| *b);
                let current_md = current.as_ref().map(|r| r.body_md.clone()).unwrap_or_default();
                let page = ConflictPage {
                    chrome: Chrome::of(&visitor),
                    slug: thread.slug,
                    title: thread.title,
                    diff: line_diff(&current_md, &input.body),
                    current_seq: thread.head_seq.max(current.as_ref().map_or(0, |r| r.meta.seq)),
                    current: current.map(listed).as_ref().map(HistoryRow::from),
                    current_md,
                    yours: input.body,
                    summary: input.summary,
                };
                html_response(StatusCode::CONFLICT, &page)
            }
        },
    )
}

fn listed(r: Revision) -> RevisionListed {
    RevisionListed { meta: r.meta, author: r.author }
}

/// `?before=` on the history page.
#[derive(Debug, Deserialize)]
pub struct BeforeQuery {
    pub before: Option<i32>,
}

async fn history(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<BeforeQuery>,
) -> Result<HttpResponse, AppError> {
    let (thread, rows, next) = synthesis::history(&state.pool, slug.into_inner(), query.before).await?;
    Ok(ok(&HistoryPage {
        chrome: Chrome::of(&visitor),
        next_href: next.map(|n| format!("/threads/{}/history?before={n}", thread.slug)),
        rows: rows.iter().map(HistoryRow::from).collect(),
        head_seq: thread.head_seq,
        slug: thread.slug,
        title: thread.title,
    }))
}

async fn revision(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    let (slug, seq) = path.into_inner();
    let (thread, rev) = synthesis::revision(&state.pool, slug, seq).await?;
    let curators = if visitor.user.is_some() {
        let id = thread.thread_id();
        crate::db::with_conn(&state.pool, move |c| Ok(crate::db::threads::curators(c, id)?)).await?
    } else {
        Vec::new()
    };
    let can_revert = access::may_edit(visitor.user.as_ref(), &curators);
    Ok(ok(&RevisionPage::build(Chrome::of(&visitor), thread.slug, thread.title, rev, thread.head_seq, can_revert)))
}

/// `?from=&to=` on the diff page.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    pub from: i32,
    pub to: i32,
}

async fn diff(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, AppError> {
    let (thread, old, new, diff) = synthesis::diff(&state.pool, slug.into_inner(), query.from, query.to).await?;
    Ok(ok(&DiffPage {
        chrome: Chrome::of(&visitor),
        slug: thread.slug,
        title: thread.title,
        from: HistoryRow::from(&listed(old)),
        to: HistoryRow::from(&listed(new)),
        diff,
    }))
}

async fn revert(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
    form: web::Form<RevertInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, seq) = path.into_inner();
    let (thread, outcome) = synthesis::revert(&state.pool, user, slug, seq, form.into_inner()).await?;
    match outcome {
        SaveOutcome::Saved { .. } | SaveOutcome::Unchanged => {
            Ok(see_other(&format!("/threads/{}#synthesis", thread.slug)))
        }
        SaveOutcome::Conflict { .. } => Err(AppError::Conflict(
            "the synthesis changed after you opened this revision; review the history and revert again".to_owned(),
        )),
    }
}

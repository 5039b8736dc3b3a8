//! The synthesis editor, saving (merging or reporting conflicts), history, revisions, diffs,
//! blame, and the ways back: revert, undo and rollback.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::query::{encode, url_query};
use super::{reshow_thread_editor_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::validate;
use crate::error::AppError;
use crate::ops::changelog;
use crate::ops::history::ChangeQuery;
use crate::ops::revisions::{self, Restore, RestorePreview};
use crate::ops::synthesis::{self, RevertInput, RollbackInput, SaveOutcome, SynthesisInput, UndoOutcome};
use crate::ops::threads::ThreadRow;
use crate::render::pages::changes::{ChangeEntryView, Filters, HistoryPage, kind_options};
use crate::render::pages::confirm::ConfirmPage;
use crate::render::pages::history::{
    BlamePage, BlamedRow, ConflictPage, DiffPage, HistoryRow, RevisionPage, UndoConflictPage,
};
use crate::render::pages::threads::capitalized;
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the synthesis pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/synthesis/edit").get(edit_form))
        .add(at("/threads/{slug}/synthesis").post(save))
        .add(at("/threads/{slug}/history").get(history))
        .add(at("/threads/{slug}/blame").get(blame))
        .add(at("/threads/{slug}/revisions/{seq}").get(revision))
        .add(at("/threads/{slug}/revisions/{seq}/revert").get(revert_form).post(revert))
        .add(at("/threads/{slug}/revisions/{seq}/undo").get(undo_form).post(undo))
        .add(at("/threads/{slug}/rollback").post(rollback))
        .add(at("/threads/{slug}/diff").get(diff));
}

fn editor(visitor: &Visitor, thread: &ThreadRow, input: &SynthesisInput) -> FormPage {
    let slug = &thread.slug;
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
    .about_thread(slug, &thread.title)
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
    Ok(ok(&editor(&visitor, &thread, &input)))
}

async fn save(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<SynthesisInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, input) = (slug.into_inner(), form.into_inner());
    // A conflict comes with the current text diffed against the editor's.
    let result = synthesis::save_from_editor(&state.pool, user, slug.clone(), input.clone()).await;
    let form_input = input.clone();
    reshow_thread_editor_if_invalid(
        &state,
        &slug,
        result,
        |thread| editor(&visitor, thread, &form_input),
        |(thread, outcome, conflict_diff)| match outcome {
            SaveOutcome::Saved { .. } => see_other(&format!("/threads/{}#synthesis", thread.slug), Flash::Saved),
            SaveOutcome::Unchanged => see_other(&format!("/threads/{}#synthesis", thread.slug), Flash::Unchanged),
            SaveOutcome::Merged { seq, onto } => {
                see_other(&format!("/threads/{}/history?merged={seq}&onto={onto}", thread.slug), Flash::Merged)
            }
            SaveOutcome::Conflict { current } => {
                let current = current.map(|b| *b);
                let current_md = current.as_ref().map(|r| r.body_md.clone()).unwrap_or_default();
                let (diff, yours) = conflict_diff.unwrap_or_default();
                let page = ConflictPage {
                    chrome: Chrome::of(&visitor),
                    slug: thread.slug,
                    title: thread.title,
                    diff,
                    current_seq: thread.head_seq.max(current.as_ref().map_or(0, |r| r.meta.seq)),
                    current: current.as_ref().map(HistoryRow::from),
                    current_md,
                    yours,
                    summary: input.summary,
                };
                html_response(StatusCode::CONFLICT, &page)
            }
        },
    )
    .await
}

/// The notice after a merged save (`?merged=&onto=`), read next to the changelog filters.
/// A second extractor rather than `#[serde(flatten)]`: flatten hands the inner struct every
/// value as a string, and the query parser then refuses `before=6` for an `i64`.
#[derive(Debug, Deserialize)]
pub struct MergedQuery {
    pub merged: Option<i32>,
    pub onto: Option<i32>,
}

async fn history(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<ChangeQuery>,
    notice: web::Query<MergedQuery>,
) -> Result<HttpResponse, AppError> {
    let (q, MergedQuery { merged, onto }) = (query.into_inner(), notice.into_inner());
    let page = revisions::history_page(&state.pool, visitor.user.as_ref(), slug.into_inner(), q.clone()).await?;
    let (thread, (rows, next)) = (page.thread, page.changes);
    let head_seq = thread.head_seq;
    let mut next_query = url_query(&q);
    next_query.push(("before", next.map(|n| n.to_string()).unwrap_or_default()));
    Ok(ok(&HistoryPage {
        chrome: Chrome::of(&visitor),
        can_edit: page.can_edit,
        locked: thread.lock().map(|l| capitalized(&l.describe())),
        rollback_user: page.rollback_user,
        can_moderate: page.can_moderate,
        filters: Filters {
            kinds: kind_options(q.kind.as_deref()),
            user: q.user.clone().unwrap_or_default(),
            thread: String::new(),
            unpatrolled: false,
        },
        next_href: next.map(|_| format!("/threads/{}/history?{}", thread.slug, encode(&next_query))),
        rows: with_default_comparison(rows.iter().map(changelog::entry_view).collect()),
        head_seq,
        history_href: format!("/threads/{}/history", thread.slug),
        notice: merged.map(|seq| {
            format!(
                "Someone saved revision {} while you were editing. Your edit touched other paragraphs, so both were \
                 merged and saved as revision {seq}.",
                onto.unwrap_or(seq - 1)
            )
        }),
        slug: thread.slug,
        title: thread.title,
    }))
}

/// Checks "compare from" on the second newest revision and "compare to" on the newest, so the
/// compare button works without choosing.
fn with_default_comparison(mut rows: Vec<ChangeEntryView>) -> Vec<ChangeEntryView> {
    let mut revisions = rows.iter_mut().filter(|r| r.rev_seq.is_some());
    if let Some(newest) = revisions.next() {
        newest.compare_to = true;
    }
    if let Some(previous) = revisions.next() {
        previous.compare_from = true;
    }
    rows
}

async fn revision(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    let (slug, seq) = path.into_inner();
    let page = revisions::revision_page(&state.pool, visitor.user.as_ref(), slug, seq).await?;
    let (thread, rev) = (page.thread, page.revision);
    Ok(ok(&RevisionPage {
        chrome: Chrome::of(&visitor),
        row: HistoryRow::from(&rev),
        html: rev.body_html,
        head_seq: thread.head_seq,
        can_revert: page.can_revert,
        can_moderate: page.can_moderate,
        change_id: page.change_id,
        hidden_reason: page.hidden_reason,
        slug: thread.slug,
        title: thread.title,
    }))
}

async fn blame(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<RevQuery>,
) -> Result<HttpResponse, AppError> {
    let (thread, seq, paragraphs) = revisions::blame(&state.pool, visitor.role(), slug.into_inner(), query.rev).await?;
    Ok(ok(&BlamePage {
        chrome: Chrome::of(&visitor),
        seq,
        head_seq: thread.head_seq,
        paragraphs: paragraphs.iter().map(BlamedRow::from).collect(),
        slug: thread.slug,
        title: thread.title,
    }))
}

/// `?rev=` on the blame page (the current revision when absent).
#[derive(Debug, Deserialize)]
pub struct RevQuery {
    pub rev: Option<i32>,
}

/// `?from=&to=&view=` on the diff page.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    pub from: i32,
    pub to: i32,
    /// `side` for side by side; inline otherwise.
    pub view: Option<String>,
}

async fn diff(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<DiffQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let (thread, old, new, diff) =
        revisions::diff(&state.pool, visitor.role(), slug.into_inner(), q.from, q.to).await?;
    let side_by_side = q.view.as_deref() == Some("side");
    let view = if side_by_side { "&view=side" } else { "" };
    let slug = thread.slug.clone();
    let step = |from: i32, to: i32| format!("/threads/{slug}/diff?from={from}&to={to}{view}");
    Ok(ok(&DiffPage {
        chrome: Chrome::of(&visitor),
        previous_href: (old.meta.seq > 1).then(|| step(old.meta.seq - 1, old.meta.seq)),
        next_href: (new.meta.seq < thread.head_seq).then(|| step(new.meta.seq, new.meta.seq + 1)),
        view_base: format!("/threads/{slug}/diff?from={}&to={}", old.meta.seq, new.meta.seq),
        side_by_side,
        from: HistoryRow::from(&old),
        to: HistoryRow::from(&new),
        diff,
        slug: thread.slug,
        title: thread.title,
    }))
}

fn after_restore(slug: &str, outcome: SaveOutcome, done: Flash) -> Result<HttpResponse, AppError> {
    match outcome {
        SaveOutcome::Saved { .. } | SaveOutcome::Merged { .. } => {
            Ok(see_other(&format!("/threads/{slug}#synthesis"), done))
        }
        SaveOutcome::Unchanged => Ok(see_other(&format!("/threads/{slug}#synthesis"), Flash::Unchanged)),
        SaveOutcome::Conflict { .. } => Err(AppError::Conflict(
            "the synthesis changed after you opened this page; review the history and try again".to_owned(),
        )),
    }
}

/// The page that asks to confirm a revert or an undo, with what it would change.
fn restore_page(visitor: &Visitor, p: RestorePreview, restore: Restore, seq: i32, reason: &str) -> ConfirmPage {
    let (heading, explanation, preview_heading, submit_label, action) = match restore {
        Restore::Revert => (
            format!("Revert to revision {seq}?"),
            format!(
                "Revert to: make a new revision whose text is revision {seq}'s text (by {}); every later edit is \
                 replaced, and the history keeps them all.",
                p.to.author
            ),
            format!("What changes: the current text (revision {}) → revision {seq}'s text", p.from.meta.seq),
            format!("Revert to revision {seq}"),
            "revert",
        ),
        Restore::Undo => (
            format!("Undo revision {seq}?"),
            format!(
                "Undo: remove only what revision {seq} (by {}) changed, keeping every later edit, as a new revision.",
                p.to.author
            ),
            format!("What is taken out: the change from revision {} to revision {seq}", p.from.meta.seq),
            format!("Undo revision {seq}"),
            "undo",
        ),
    };
    ConfirmPage {
        chrome: Chrome::of(visitor),
        heading,
        explanation,
        preview_heading,
        diff: Some(p.diff),
        item: None,
        action: format!("/threads/{}/revisions/{seq}/{action}", p.thread.slug),
        base_seq: Some(p.thread.head_seq),
        reason: reason.to_owned(),
        submit_label,
        cancel_href: format!("/threads/{}/revisions/{seq}", p.thread.slug),
        error: None,
        view_base: String::new(),
        side_by_side: false,
        slug: p.thread.slug,
        title: p.thread.title,
    }
}

async fn revert_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    confirm_restore(&state, &visitor, path.into_inner(), Restore::Revert).await
}

async fn undo_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, AppError> {
    confirm_restore(&state, &visitor, path.into_inner(), Restore::Undo).await
}

async fn confirm_restore(
    state: &AppState,
    visitor: &Visitor,
    (slug, seq): (String, i32),
    restore: Restore,
) -> Result<HttpResponse, AppError> {
    let preview = revisions::restore_preview(&state.pool, visitor.require_user()?, slug, seq, restore).await?;
    Ok(ok(&restore_page(visitor, preview, restore, seq, "")))
}

/// The confirmation form's reason is required: history records it. Refused before anything
/// is saved, with the page shown again (its preview rebuilt) and the text kept.
async fn reason_given(
    state: &AppState,
    visitor: &Visitor,
    (slug, seq): (&str, i32),
    restore: Restore,
    reason: &str,
) -> Result<Option<HttpResponse>, AppError> {
    let what = if restore == Restore::Revert { "reverting" } else { "undoing" };
    let Err(message) = validate::required_reason(reason, what) else {
        return Ok(None);
    };
    let user = visitor.require_user()?;
    let preview = revisions::restore_preview(&state.pool, user, slug.to_owned(), seq, restore).await?;
    let page = ConfirmPage { error: Some(message), ..restore_page(visitor, preview, restore, seq, reason) };
    Ok(Some(html_response(StatusCode::UNPROCESSABLE_ENTITY, &page)))
}

async fn revert(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
    form: web::Form<RevertInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, seq) = path.into_inner();
    let input = form.into_inner();
    if let Some(refused) = reason_given(&state, &visitor, (&slug, seq), Restore::Revert, &input.reason).await? {
        return Ok(refused);
    }
    let (thread, outcome) = synthesis::revert(&state.pool, user, slug, seq, input).await?;
    after_restore(&thread.slug, outcome, Flash::Reverted)
}

async fn undo(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i32)>,
    form: web::Form<RevertInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, seq) = path.into_inner();
    let input = form.into_inner();
    if let Some(refused) = reason_given(&state, &visitor, (&slug, seq), Restore::Undo, &input.reason).await? {
        return Ok(refused);
    }
    let (thread, outcome) = synthesis::undo(&state.pool, user, slug, seq, input).await?;
    match outcome {
        UndoOutcome::Done(outcome) => after_restore(&thread.slug, outcome, Flash::Undone),
        UndoOutcome::Conflicts { regions } => Ok(html_response(
            StatusCode::CONFLICT,
            &UndoConflictPage {
                chrome: Chrome::of(&visitor),
                seq,
                head_seq: thread.head_seq,
                regions,
                slug: thread.slug,
                title: thread.title,
            },
        )),
    }
}

async fn rollback(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<RollbackInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (thread, outcome) = synthesis::rollback(&state.pool, user, slug.into_inner(), form.into_inner()).await?;
    after_restore(&thread.slug, outcome, Flash::RolledBack)
}

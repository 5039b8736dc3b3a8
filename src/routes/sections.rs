//! One set of routes for the four section kinds:
//! `/threads/{slug}/{arc|interpretations|questions|controversies}[/{id}]...`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{reshow_thread_editor_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::validate;
use crate::error::AppError;
use crate::ops::access;
use crate::ops::changelog;
use crate::ops::history::{self, ItemDiffQuery};
use crate::ops::moderation::ReasonInput;
use crate::ops::sections::{self, SectionInput, SectionKind, SectionUpdate};
use crate::ops::threads::ThreadRow;
use crate::render::pages::changes::{ChangeEntryView, ItemDiffPage, ItemHistoryPage};
use crate::render::pages::confirm::{ConfirmPage, ItemPreview};
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the section routes (after every more specific `/threads/{slug}/...` route).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/{kind}/new").get(new_form))
        .add(at("/threads/{slug}/{kind}").post(create))
        .add(at("/threads/{slug}/{kind}/{id}/edit").get(edit_form))
        .add(at("/threads/{slug}/{kind}/{id}").post(update))
        .add(at("/threads/{slug}/{kind}/{id}/delete").get(delete_form).post(delete))
        .add(at("/threads/{slug}/{kind}/{id}/history").get(item_history))
        .add(at("/threads/{slug}/{kind}/{id}/diff").get(item_diff))
        .add(at("/threads/{slug}/{kind}/{id}/answer").get(answer_form).post(answer))
        .add(at("/threads/{slug}/{kind}/{id}/reopen").post(reopen));
}

fn kind_of(segment: &str) -> Result<SectionKind, AppError> {
    SectionKind::from_segment(segment).ok_or(AppError::NotFound)
}

/// The fields each kind's form shows.
fn fields(kind: SectionKind, input: &SectionInput) -> Vec<Field> {
    let body = |label| Field::markdown("body", label, &input.body, 8);
    match kind {
        SectionKind::Arc => vec![
            Field::text("label", "Period", &input.label).hint("When it was, e.g. 2023 or Early 2025."),
            Field::text("title", "Title", &input.title),
            body("What happened"),
        ],
        SectionKind::Interpretation => vec![
            Field::text("title", "Name of the reading", &input.title),
            body("The reading"),
            Field::area("proponents", "Proponents", &input.proponents, 4).hint("One per line."),
        ],
        SectionKind::Question => vec![Field::area("question", "Question", &input.question, 3).required(true)],
        SectionKind::Controversy => vec![Field::text("title", "Title", &input.title), body("What is disputed")],
    }
}

fn form(visitor: &Visitor, thread: &ThreadRow, kind: SectionKind, item: Option<i64>, input: &SectionInput) -> FormPage {
    let slug = &thread.slug;
    let (title, action, submit) = match item {
        None => {
            (format!("Add {} {}", article(kind), kind.noun()), format!("/threads/{slug}/{}", kind.segment()), "Add")
        }
        Some(id) => (format!("Edit {}", kind.noun()), format!("/threads/{slug}/{}/{id}", kind.segment()), "Save"),
    };
    // Drafts are kept per item and version, like the synthesis per base revision.
    let draft = match (item, input.base_version) {
        (Some(id), Some(version)) => format!("{id}:{version}"),
        _ => "new".to_owned(),
    };
    let mut fields = fields(kind, input);
    if item.is_some() {
        fields.push(
            Field::text("reason", "Reason for the change", &input.reason)
                .required(false)
                .hint("Kept in the thread's history."),
        );
    }
    let page = FormPage::new(Chrome::of(visitor), title, action, submit, fields)
        .editor(format!("{}:{slug}:{draft}", kind.segment()))
        .about_thread(slug, &thread.title)
        .cancel(format!("/threads/{slug}#{}", kind.anchor()));
    match input.base_version {
        Some(version) => page.hidden("base_version", version.to_string()),
        None => page,
    }
}

fn article(kind: SectionKind) -> &'static str {
    if kind == SectionKind::Interpretation { "an" } else { "a" }
}

fn back_to(slug: &str, kind: SectionKind, done: Flash) -> HttpResponse {
    see_other(&format!("/threads/{slug}#{}", kind.anchor()), done)
}

async fn new_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let thread = access::editable(&state.pool, visitor.require_user()?, slug).await?;
    Ok(ok(&form(&visitor, &thread, kind, None, &SectionInput::default())))
}

async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
    input: web::Form<SectionInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let user = visitor.require_user()?;
    let input = input.into_inner();
    let result = sections::create(&state.pool, user, slug.clone(), kind, input.clone()).await;
    let on_success = |(thread, _): (ThreadRow, i64)| back_to(&thread.slug, kind, Flash::Added);
    reshow_thread_editor_if_invalid(&state, &slug, result, |t| form(&visitor, t, kind, None, &input), on_success).await
}

async fn edit_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let user = visitor.require_user()?;
    let (thread, input) = sections::load_for_edit(&state.pool, user, slug, kind, id).await?;
    Ok(ok(&form(&visitor, &thread, kind, Some(id), &input)))
}

async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    input: web::Form<SectionInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let user = visitor.require_user()?;
    let input = input.into_inner();
    let result = sections::update_from_form(&state.pool, user, slug.clone(), kind, id, input.clone()).await;
    let result = match result {
        Ok(SectionUpdate::Saved(thread)) => Ok(thread),
        Ok(SectionUpdate::Conflict { thread, message, current_version }) => {
            // Keep the author's text and let them save it over the newer version knowingly.
            return Ok(conflict_page(&visitor, &thread, kind, id, input, current_version, message));
        }
        Err(other) => Err(other),
    };
    let on_success = |thread: ThreadRow| back_to(&thread.slug, kind, Flash::Saved);
    reshow_thread_editor_if_invalid(&state, &slug, result, |t| form(&visitor, t, kind, Some(id), &input), on_success)
        .await
}

/// The 409 form: the author's text on top of the item's current version, saying where to see it.
fn conflict_page(
    visitor: &Visitor,
    thread: &ThreadRow,
    kind: SectionKind,
    id: i64,
    input: SectionInput,
    current_version: Option<i32>,
    message: String,
) -> HttpResponse {
    let mine = SectionInput { base_version: current_version, ..input };
    let page = form(visitor, thread, kind, Some(id), &mine)
        .intro(format!("The current version is on the thread page (/threads/{}#{}).", thread.slug, kind.anchor()))
        .with_error(Some(message));
    html_response(StatusCode::CONFLICT, &page)
}

/// The page that asks to confirm deleting an item, showing it.
fn delete_page(
    visitor: &Visitor,
    thread: ThreadRow,
    kind: SectionKind,
    id: i64,
    item: &SectionInput,
    reason: &str,
) -> ConfirmPage {
    let noun = kind.noun();
    let heading = match kind {
        SectionKind::Question => item.question.clone(),
        SectionKind::Arc if !item.label.is_empty() => format!("{}: {}", item.label, item.title),
        _ => item.title.clone(),
    };
    ConfirmPage {
        chrome: Chrome::of(visitor),
        heading: format!("Delete this {noun}?"),
        explanation: format!(
            "Deleting takes the {noun} off the thread page. Its versions stay in the thread's history, with your \
             reason."
        ),
        preview_heading: format!("The {noun} to delete"),
        diff: None,
        item: Some(ItemPreview { heading, text: if kind.has_body() { item.body.clone() } else { String::new() } }),
        action: format!("/threads/{}/{}/{id}/delete", thread.slug, kind.segment()),
        base_seq: None,
        reason: reason.to_owned(),
        submit_label: format!("Delete {noun}"),
        cancel_href: format!("/threads/{}#{}", thread.slug, kind.anchor()),
        error: None,
        view_base: String::new(),
        side_by_side: false,
        slug: thread.slug,
        title: thread.title,
    }
}

async fn delete_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let (thread, item) = sections::load_for_edit(&state.pool, visitor.require_user()?, slug, kind, id).await?;
    Ok(ok(&delete_page(&visitor, thread, kind, id, &item, "")))
}

async fn delete(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    form: web::Form<ReasonInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let user = visitor.require_user()?;
    let reason = form.into_inner().reason;
    // The confirmation asks for a reason, as history records one: without it, nothing is
    // deleted and the page comes back with the text kept.
    if let Err(message) = validate::required_reason(&reason, "deleting") {
        let (thread, item) = sections::load_for_edit(&state.pool, user, slug, kind, id).await?;
        let page = ConfirmPage { error: Some(message), ..delete_page(&visitor, thread, kind, id, &item, &reason) };
        return Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let thread = sections::delete(&state.pool, user, slug, kind, id, reason).await?;
    Ok(back_to(&thread.slug, kind, Flash::Deleted))
}

/// `?before=` on an item's history.
#[derive(Debug, serde::Deserialize)]
pub struct ItemHistoryQuery {
    pub before: Option<i64>,
}

async fn item_history(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    query: web::Query<ItemHistoryQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let (thread, (rows, next)) =
        history::item_history(&state.pool, visitor.role(), slug, kind, id, query.before).await?;
    let rows: Vec<ChangeEntryView> = rows.iter().map(changelog::entry_view).collect();
    Ok(ok(&ItemHistoryPage {
        chrome: Chrome::of(&visitor),
        segment: kind.segment(),
        item: id,
        noun: kind.noun(),
        subject: rows.first().map(|r| r.subject.clone()).unwrap_or_default(),
        has_body: kind.has_body(),
        next_href: next.map(|n| format!("/threads/{}/{}/{id}/history?before={n}", thread.slug, kind.segment())),
        rows,
        slug: thread.slug,
        title: thread.title,
    }))
}

/// `&view=side` on an item's diff, read next to its `?from=&to=` or `?entry=` (`ItemDiffQuery`).
/// A second extractor rather than `#[serde(flatten)]`: flatten hands the inner struct every
/// value as a string, and the query parser then refuses `entry=3` for an `i64`.
#[derive(Debug, serde::Deserialize)]
pub struct DiffLayoutQuery {
    pub view: Option<String>,
}

async fn item_diff(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    which: web::Query<ItemDiffQuery>,
    view: web::Query<DiffLayoutQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    let kind = kind_of(&kind)?;
    let which = which.into_inner();
    let d = history::item_diff(&state.pool, visitor.role(), slug, kind, id, which).await?;
    let (from_label, to_label, base) = match which.entry {
        Some(entry) => (format!("before change {entry}"), format!("after change {entry}"), format!("?entry={entry}")),
        None => (
            format!("the version after change {}", d.from.id),
            format!("the version after change {}", d.to.id),
            format!("?from={}&to={}", d.from.id, d.to.id),
        ),
    };
    Ok(ok(&ItemDiffPage {
        chrome: Chrome::of(&visitor),
        segment: kind.segment(),
        item: id,
        subject: d.subject,
        from_label,
        to_label,
        side_by_side: view.view.as_deref() == Some("side"),
        view_base: format!("/threads/{}/{}/{id}/diff{base}", d.thread.slug, kind.segment()),
        diff: d.diff,
        slug: d.thread.slug,
        title: d.thread.title,
    }))
}

/// The answer form's fields.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AnswerInput {
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub reason: String,
}

fn answer_page(visitor: &Visitor, thread: &ThreadRow, id: i64, input: &AnswerInput) -> FormPage {
    let slug = &thread.slug;
    FormPage::new(
        Chrome::of(visitor),
        "Mark the question answered",
        format!("/threads/{slug}/questions/{id}/answer"),
        "Mark answered",
        vec![
            Field::area("answer", "Answer", &input.answer, 4).required(true).hint("How the thread settled it."),
            Field::text("reason", "Reason", &input.reason).required(false),
        ],
    )
    .intro("An answered question leaves the open list; it can be reopened.")
    .about_thread(slug, &thread.title)
    .cancel(format!("/threads/{slug}#questions"))
}

fn questions_only(kind: &str) -> Result<(), AppError> {
    if kind_of(kind)? == SectionKind::Question { Ok(()) } else { Err(AppError::NotFound) }
}

async fn answer_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    questions_only(&kind)?;
    let user = visitor.require_user()?;
    let (thread, _) = sections::load_for_edit(&state.pool, user, slug, SectionKind::Question, id).await?;
    Ok(ok(&answer_page(&visitor, &thread, id, &AnswerInput::default())))
}

async fn answer(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    form: web::Form<AnswerInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    questions_only(&kind)?;
    let user = visitor.require_user()?;
    let input = form.into_inner();
    let result =
        sections::set_answer(&state.pool, user, slug.clone(), id, Some(input.answer.clone()), input.reason.clone())
            .await;
    let on_success = |t: ThreadRow| back_to(&t.slug, SectionKind::Question, Flash::Answered);
    reshow_thread_editor_if_invalid(&state, &slug, result, |t| answer_page(&visitor, t, id, &input), on_success).await
}

async fn reopen(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String, i64)>,
    form: web::Form<ReasonInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind, id) = path.into_inner();
    questions_only(&kind)?;
    let user = visitor.require_user()?;
    let thread = sections::set_answer(&state.pool, user, slug, id, None, form.into_inner().reason).await?;
    Ok(back_to(&thread.slug, SectionKind::Question, Flash::Reopened))
}

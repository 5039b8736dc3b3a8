//! One set of routes for the four section kinds:
//! `/threads/{slug}/{arc|interpretations|questions|controversies}[/{id}]...`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{reshow_if_invalid, see_other};
use crate::auth::Visitor;
use crate::db;
use crate::error::AppError;
use crate::ops::moderation::ReasonInput;
use crate::ops::access;
use crate::ops::sections::{self, SectionInput, SectionKind};
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::startup::AppState;

/// Registers the section routes (after every more specific `/threads/{slug}/...` route).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/{kind}/new").get(new_form))
        .add(at("/threads/{slug}/{kind}").post(create))
        .add(at("/threads/{slug}/{kind}/{id}/edit").get(edit_form))
        .add(at("/threads/{slug}/{kind}/{id}").post(update))
        .add(at("/threads/{slug}/{kind}/{id}/delete").post(delete));
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

fn form(visitor: &Visitor, slug: &str, kind: SectionKind, item: Option<i64>, input: &SectionInput) -> FormPage {
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
    let page = FormPage::new(Chrome::of(visitor), title, action, submit, fields(kind, input))
        .editor(format!("{}:{slug}:{draft}", kind.segment()))
        .cancel(format!("/threads/{slug}#{}", kind.anchor()));
    match input.base_version {
        Some(version) => page.hidden("base_version", version.to_string()),
        None => page,
    }
}

fn article(kind: SectionKind) -> &'static str {
    if kind == SectionKind::Interpretation { "an" } else { "a" }
}

fn back_to(slug: &str, kind: SectionKind) -> HttpResponse {
    see_other(&format!("/threads/{slug}#{}", kind.anchor()))
}

async fn new_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, kind) = path.into_inner();
    let kind = kind_of(&kind)?;
    let user = visitor.require_user()?.clone();
    let thread = db::with_conn(&state.pool, move |c| access::editable_thread(c, &slug, &user)).await?;
    Ok(ok(&form(&visitor, &thread.slug, kind, None, &SectionInput::default())))
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
    reshow_if_invalid(result, || form(&visitor, &slug, kind, None, &input), |(thread, _)| back_to(&thread.slug, kind))
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
    Ok(ok(&form(&visitor, &thread.slug, kind, Some(id), &input)))
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
    let result = sections::update(&state.pool, user, slug.clone(), kind, id, input.clone()).await;
    if let Err(AppError::Conflict(message)) = result {
        // Keep the author's text and let them save it over the newer version knowingly.
        let (_, current) = sections::load_for_edit(&state.pool, user, slug.clone(), kind, id).await?;
        let mine = SectionInput { base_version: current.base_version, ..input };
        let page = form(&visitor, &slug, kind, Some(id), &mine)
            .intro(format!("The current version is on the thread page (/threads/{slug}#{}).", kind.anchor()))
            .with_error(Some(message));
        return Ok(html_response(StatusCode::CONFLICT, &page));
    }
    reshow_if_invalid(result, || form(&visitor, &slug, kind, Some(id), &input), |thread| back_to(&thread.slug, kind))
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
    let thread = sections::delete(&state.pool, user, slug, kind, id, form.into_inner().reason).await?;
    Ok(back_to(&thread.slug, kind))
}

//! `/threads/{slug}/matrix`: the interpretation × event matrix, and one form per cell
//! (`/threads/{slug}/matrix/{interpretation_id}/{event_id}/edit`, saved by a POST to the cell).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{reshow_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::thread::Assessment;
use crate::error::AppError;
use crate::ops::matrix::{self, CellContext, CellInput, CellSave};
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the matrix routes (before the generic `/threads/{slug}/{kind}` routes).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/matrix").get(show))
        .add(at("/threads/{slug}/matrix/{interpretation_id}/{event_id}/edit").get(edit_form))
        .add(at("/threads/{slug}/matrix/{interpretation_id}/{event_id}").post(save));
}

async fn show(state: web::Data<AppState>, visitor: Visitor, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let data = matrix::load(&state.pool, visitor.user.as_ref(), slug.into_inner()).await?;
    Ok(ok(&matrix::page(Chrome::of(&visitor), &data)))
}

/// The cell's form: the assessment in words, a one-line note, the reason.
fn form(visitor: &Visitor, ctx: &CellContext, input: &CellInput) -> FormPage {
    let slug = &ctx.thread.slug;
    let (i, e) = (ctx.interpretation.id, ctx.event.id);
    let options: Vec<(&'static str, &'static str)> = Assessment::ALL.iter().map(|a| (a.as_str(), a.label())).collect();
    let assessment = if input.assessment.is_empty() { Assessment::NotAssessed.as_str() } else { &input.assessment };
    let fields = vec![
        Field::select("assessment", "How the event bears on the interpretation", assessment, options),
        Field::text("note", "Note", &input.note).required(false).hint(
            "One line, at most 300 characters: why, with sources. *Italic*, **bold** and [links](https://…) work.",
        ),
        Field::text("reason", "Reason for the change", &input.reason)
            .required(false)
            .hint("Kept in the thread's history."),
    ];
    FormPage::new(
        Chrome::of(visitor),
        format!("Assess “{}” for “{}”", ctx.event.title, ctx.interpretation.title),
        format!("/threads/{slug}/matrix/{i}/{e}"),
        "Save",
        fields,
    )
    .intro(format!(
        "Does the event “{}” ({}) support the interpretation “{}”, undercut it, or neither?",
        ctx.event.title,
        crate::render::format::event_date(ctx.event.occurred_on),
        ctx.interpretation.title
    ))
    .about_thread(slug, &ctx.thread.title)
    .cancel(format!("/threads/{slug}/matrix#cell-{i}-{e}"))
    .hidden("base_version", input.base_version.unwrap_or_default().to_string())
}

async fn edit_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, interpretation, event) = path.into_inner();
    let user = visitor.require_user()?;
    let ctx = matrix::cell_for_edit(&state.pool, user, slug, interpretation, event).await?;
    Ok(ok(&form(&visitor, &ctx, &ctx.input())))
}

async fn save(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64, i64)>,
    input: web::Form<CellInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, interpretation, event) = path.into_inner();
    let user = visitor.require_user()?;
    let input = input.into_inner();
    let result = matrix::save(&state.pool, user, slug.clone(), interpretation, event, input.clone()).await;
    match result {
        Ok(CellSave::Saved(saved)) => {
            let (ctx, _) = *saved;
            Ok(see_other(&format!("/threads/{}/matrix#cell-{interpretation}-{event}", ctx.thread.slug), Flash::Saved))
        }
        Ok(CellSave::Conflict { message, now }) => Ok(conflict_page(&visitor, &now, input, message)),
        Err(invalid @ AppError::Invalid(_)) => {
            let ctx = matrix::cell_context(&state.pool, slug, interpretation, event).await?;
            reshow_if_invalid(Err::<(), _>(invalid), || form(&visitor, &ctx, &input), |_| HttpResponse::Ok().finish())
        }
        Err(other) => Err(other),
    }
}

/// The 409 form: the author's text on top of the cell's current version, which it names.
fn conflict_page(visitor: &Visitor, now: &CellContext, input: CellInput, message: String) -> HttpResponse {
    let current = now.input();
    let label = Assessment::parse(&current.assessment).unwrap_or(Assessment::NotAssessed).label();
    let note = if current.note.is_empty() { "no note".to_owned() } else { format!("the note “{}”", current.note) };
    let mine = CellInput { base_version: current.base_version, ..input };
    let page = form(visitor, now, &mine)
        .intro(format!("The cell now reads: {label}, with {note}. Saving again puts your version over it."))
        .with_error(Some(message));
    html_response(StatusCode::CONFLICT, &page)
}

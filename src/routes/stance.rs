//! The governed stance label's pages: the label history with the decision forms, and the
//! propose form.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{reshow_thread_editor_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::ids::ProposalId;
use crate::domain::thread::Stance;
use crate::error::AppError;
use crate::ops::stance::{self as stance_ops, Decision, ProposalInput};
use crate::ops::threads::ThreadRow;
use crate::render::pages::stance::StancePage;
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the stance pages (before the generic `/threads/{slug}/{kind}` routes).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/threads/{slug}/stance").get(show))
        .add(at("/threads/{slug}/stance/propose").get(propose_form).post(propose))
        .add(at("/threads/{slug}/stance/proposals/{id}/approve").post(approve))
        .add(at("/threads/{slug}/stance/proposals/{id}/reject").post(reject))
        .add(at("/threads/{slug}/stance/proposals/{id}/withdraw").post(withdraw));
}

async fn stance_page(
    state: &AppState,
    visitor: &Visitor,
    slug: String,
    error: Option<String>,
    typed_reason: String,
) -> Result<StancePage, AppError> {
    let (h, controls) = stance_ops::page(&state.pool, visitor.user.as_ref(), slug).await?;
    let current = h.thread.stance();
    Ok(StancePage {
        chrome: Chrome::of(visitor),
        slug: h.thread.slug.clone(),
        title: h.thread.title.clone(),
        label: current.label(),
        since: stance_ops::when_month(h.since),
        labels: stance_ops::label_entries(&h),
        open: h.open().map(stance_ops::proposal_view),
        closed: stance_ops::closed_views(&h),
        controls,
        error,
        typed_reason,
    })
}

async fn show(state: web::Data<AppState>, visitor: Visitor, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    Ok(ok(&stance_page(&state, &visitor, slug.into_inner(), None, String::new()).await?))
}

fn stance_options(current: Stance) -> Vec<(&'static str, &'static str)> {
    Stance::ALL.iter().filter(|s| **s != current).map(|s| (s.as_str(), s.label())).collect()
}

fn propose_page(visitor: &Visitor, thread: &ThreadRow, input: &ProposalInput) -> FormPage {
    let slug = &thread.slug;
    FormPage::new(
        Chrome::of(visitor),
        "Propose a stance change",
        format!("/threads/{slug}/stance/propose"),
        "Propose the change",
        vec![
            Field::select("stance", "New stance", &input.stance, stance_options(thread.stance())),
            Field::markdown("rationale", "Rationale", &input.rationale, 10)
                .required(true)
                .hint("Why the label should change; cite what shows it with [^src:ID] and [^event:ID]. Up to 20 KB."),
        ],
    )
    .intro(format!(
        "The thread is {} now. The label changes only when a moderator who did not propose the change approves it.",
        thread.stance().label().to_lowercase()
    ))
    .about_thread(slug, &thread.title)
    .cancel(format!("/threads/{slug}/stance"))
}

async fn propose_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let thread = stance_ops::propose_form(&state.pool, visitor.require_user()?, slug.into_inner()).await?;
    let first_other = Stance::ALL.iter().find(|s| **s != thread.stance()).map(|s| s.as_str()).unwrap_or_default();
    let input = ProposalInput { stance: first_other.to_owned(), rationale: String::new() };
    Ok(ok(&propose_page(&visitor, &thread, &input)))
}

async fn propose(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<ProposalInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, input) = (slug.into_inner(), form.into_inner());
    let result = stance_ops::propose(&state.pool, user, slug.clone(), input.clone()).await;
    let done = see_other(&format!("/threads/{slug}/stance"), Flash::StanceProposed);
    reshow_thread_editor_if_invalid(&state, &slug, result, |t| propose_page(&visitor, t, &input), |_| done).await
}

/// A rejection's reason, from the form on the label-history page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RejectInput {
    #[serde(default)]
    pub reason: String,
}

async fn decided(
    state: &AppState,
    visitor: &Visitor,
    slug: String,
    id: i64,
    decision: Decision,
    flash: Flash,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let typed = match &decision {
        Decision::Reject(reason) => reason.clone(),
        _ => String::new(),
    };
    match stance_ops::decide(&state.pool, user, slug.clone(), ProposalId(id), decision).await {
        Ok(_) => Ok(see_other(&format!("/threads/{slug}/stance"), flash)),
        // The page again, the refusal said and the reason typed kept.
        Err(AppError::Invalid(message)) => {
            let page = stance_page(state, visitor, slug, Some(message), typed).await?;
            Ok(html_response(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(other) => Err(other),
    }
}

async fn approve(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    decided(&state, &visitor, slug, id, Decision::Approve, Flash::StanceApproved).await
}

async fn reject(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
    form: web::Form<RejectInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    decided(&state, &visitor, slug, id, Decision::Reject(form.into_inner().reason), Flash::StanceRejected).await
}

async fn withdraw(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    decided(&state, &visitor, slug, id, Decision::Withdraw, Flash::StanceWithdrawn).await
}

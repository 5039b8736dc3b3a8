//! The thread index, creating threads, the thread page and editing a thread's details.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::query::encode;
use super::{reshow_if_invalid, reshow_thread_editor_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::roles::{self, Role};
use crate::domain::thread::{Stance, Status};
use crate::error::AppError;
use crate::ops::indexes::{self, ThreadIndexQuery, ThreadListQuery, ThreadSort};
use crate::ops::thread_page;
use crate::ops::threads::{self as thread_ops, CuratorChange, ThreadInput, ThreadRow};
use crate::render::pages::changes::KindOption;
use crate::render::pages::threads::{CuratorsPage, HomePage, ThreadCard};
use crate::render::pages::{Chrome, Field, FormPage, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the thread pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/").get(index))
        .add(at("/threads/new").get(new_form))
        .add(at("/threads").post(create))
        .add(at("/threads/{slug}").get(show))
        .add(at("/threads/{slug}/edit").get(edit_form).post(update))
        .add(at("/threads/{slug}/curators").get(curators_page).post(add_curator))
        .add(at("/threads/{slug}/curators/remove").post(remove_curator));
}

/// The query string that keeps `q`'s filters, for links to other pages of the same list.
pub fn filter_pairs(q: &ThreadListQuery) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let Some(s) = q.status {
        pairs.push(("status", s.as_str().to_owned()));
    }
    if let Some(s) = q.stance {
        pairs.push(("stance", s.as_str().to_owned()));
    }
    if q.sort != ThreadSort::default() {
        pairs.push(("sort", q.sort.as_str().to_owned()));
    }
    if q.needs_attention.is_some() {
        pairs.push(("attention", indexes::NEEDS_ATTENTION.to_owned()));
    }
    pairs
}

async fn index(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ThreadIndexQuery>,
) -> Result<HttpResponse, AppError> {
    let page = indexes::thread_index(&state.pool, &query, &state.attention).await?;
    let q = &page.query;
    let mut pairs = filter_pairs(q);
    let attention_filter = q.needs_attention.is_some();
    let filtered = q.status.is_some() || q.stance.is_some() || attention_filter;
    let (status, stance, sort) = (q.status, q.stance, q.sort);
    Ok(ok(&HomePage {
        chrome: Chrome::of(&visitor),
        threads: page
            .threads
            .iter()
            .map(|t| ThreadCard { needs_attention: page.flagged.contains(&t.id), ..ThreadCard::from(t) })
            .collect(),
        next_href: page.next.map(|n| {
            pairs.push(("after", n));
            format!("/?{}", encode(&pairs))
        }),
        statuses: Status::ALL
            .iter()
            .map(|s| KindOption { value: s.as_str(), label: s.label(), selected: Some(*s) == status })
            .collect(),
        stances: Stance::ALL
            .iter()
            .map(|s| KindOption { value: s.as_str(), label: s.label(), selected: Some(*s) == stance })
            .collect(),
        sorts: ThreadSort::ALL
            .iter()
            .map(|s| KindOption { value: s.as_str(), label: s.label(), selected: *s == sort })
            .collect(),
        filtered,
        attention_filter,
    }))
}

async fn show(state: web::Data<AppState>, visitor: Visitor, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let chrome = Chrome::of(&visitor);
    let page = thread_page::page(
        &state.pool,
        &state.thread_pages,
        chrome,
        visitor.user.as_ref(),
        slug.into_inner(),
        &state.attention,
    )
    .await?;
    Ok(ok(&page))
}

fn status_options() -> Vec<(&'static str, &'static str)> {
    Status::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
}

fn stance_options() -> Vec<(&'static str, &'static str)> {
    Stance::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
}

/// The form for a thread's details; `new` adds the slug field.
fn thread_form(visitor: &Visitor, action: String, input: &ThreadInput, new: bool) -> FormPage {
    let mut fields = vec![
        Field::text("title", "Title", &input.title),
        Field::area("framing_question", "Framing question", &input.framing_question, 3).required(true),
    ];
    if new {
        fields.push(
            Field::text("slug", "Address (slug)", input.slug.clone().unwrap_or_default())
                .required(false)
                .hint("Lowercase words joined by hyphens; left empty, it is made from the title."),
        );
    }
    fields.push(Field::select("status", "Status", &input.status, status_options()));
    // Only a new thread's first label is chosen here; later changes go through a proposal.
    if new {
        fields.push(Field::select("stance", "Stance", &input.stance, stance_options()));
    } else {
        fields.push(
            Field::text("reason", "Reason for the change", &input.reason)
                .required(false)
                .hint("Kept in the thread's history."),
        );
    }
    let (title, submit) =
        if new { ("Start a thread", "Create thread") } else { ("Edit thread details", "Save details") };
    let key = format!("thread:{action}");
    FormPage::new(Chrome::of(visitor), title, action, submit, fields).editor(key)
}

async fn new_form(visitor: Visitor) -> Result<HttpResponse, AppError> {
    thread_ops::require_thread_starter(visitor.require_user()?)?;
    let input = ThreadInput { status: "active".into(), stance: "contested".into(), ..Default::default() };
    Ok(ok(&thread_form(&visitor, "/threads".into(), &input, true).cancel("/")))
}

async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<ThreadInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let input = form.into_inner();
    let result = thread_ops::create(&state.pool, user, input.clone()).await;
    reshow_if_invalid(
        result,
        || thread_form(&visitor, "/threads".into(), &input, true).cancel("/"),
        |thread| see_other(&format!("/threads/{}", thread.slug), Flash::Created),
    )
}

async fn edit_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (thread, input) = thread_ops::edit_form(&state.pool, visitor.require_user()?, slug.into_inner()).await?;
    Ok(ok(&details_form(&visitor, &thread, &input)))
}

async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<ThreadInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, input) = (slug.into_inner(), form.into_inner());
    let result = thread_ops::update(&state.pool, user, slug.clone(), input.clone()).await;
    let on_success = |thread: ThreadRow| see_other(&format!("/threads/{}", thread.slug), Flash::Saved);
    reshow_thread_editor_if_invalid(&state, &slug, result, |t| details_form(&visitor, t, &input), on_success).await
}

/// The form for an existing thread's details, naming the thread by its saved title.
fn details_form(visitor: &Visitor, thread: &ThreadRow, input: &ThreadInput) -> FormPage {
    thread_form(visitor, format!("/threads/{}/edit", thread.slug), input, false)
        .about_thread(&thread.slug, &thread.title)
        .cancel(format!("/threads/{}", thread.slug))
        .footer_link(format!("/threads/{}/stance", thread.slug), "The stance label changes by proposal: label history")
}

/// The curator forms' fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CuratorInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub reason: String,
}

/// The curators page for a thread and its curators, with an error message when a change was refused.
fn curators_view(
    visitor: &Visitor,
    thread: ThreadRow,
    curators: Vec<String>,
    error: Option<String>,
    typed: String,
) -> CuratorsPage {
    let may_promote = visitor.user.as_ref().is_some_and(|u| roles::can_set_role(u.role, Role::Reader, Role::Curator));
    let add_hint = if may_promote {
        "A reader you add is made a curator in the same step (the change goes to the moderation log)."
    } else {
        "They must be a curator, moderator or administrator already; a moderator or an administrator can add a reader."
    };
    CuratorsPage {
        chrome: Chrome::of(visitor),
        slug: thread.slug,
        title: thread.title,
        curators,
        error,
        typed,
        add_hint,
    }
}

async fn curators_page(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (thread, curators) = thread_ops::curators(&state.pool, visitor.require_user()?, slug.into_inner()).await?;
    Ok(ok(&curators_view(&visitor, thread, curators, None, String::new())))
}

async fn change_curator(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: String,
    input: CuratorInput,
    add: bool,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let typed = if add { input.username.clone() } else { String::new() };
    match thread_ops::change_curator(&state.pool, user, slug, input.username, add, input.reason).await? {
        CuratorChange::Done(thread) => {
            let flash = if add { Flash::CuratorAdded } else { Flash::CuratorRemoved };
            Ok(see_other(&format!("/threads/{}/curators", thread.slug), flash))
        }
        CuratorChange::Refused { message, thread, curators } => {
            let page = curators_view(&visitor, thread, curators, Some(message), typed);
            Ok(crate::render::pages::html_response(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

async fn add_curator(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<CuratorInput>,
) -> Result<HttpResponse, AppError> {
    change_curator(state, visitor, slug.into_inner(), form.into_inner(), true).await
}

async fn remove_curator(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<CuratorInput>,
) -> Result<HttpResponse, AppError> {
    change_curator(state, visitor, slug.into_inner(), form.into_inner(), false).await
}

//! The thread index, creating threads, the thread page and editing a thread's details.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::synthesis::encode;
use super::{reshow_if_invalid, see_other};
use crate::auth::Visitor;
use crate::db::threads::{ThreadCursor, ThreadListQuery, ThreadSort};
use crate::db::{self, threads};
use crate::domain::roles;
use crate::domain::thread::{Stance, Status};
use crate::error::AppError;
use crate::ops::cursor;
use crate::ops::threads::ThreadInput;
use crate::ops::{access, following};
use crate::render::pages::changes::KindOption;
use crate::render::pages::threads::{CuratorsPage, HomePage, ThreadCard, ThreadPage};
use crate::render::pages::{Chrome, Field, FormPage, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Threads per index page.
pub const PAGE_SIZE: i64 = 30;

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

/// `?status=&stance=&sort=&after=` on the thread index (HTML and JSON); empty means "any".
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ThreadIndexQuery {
    pub status: Option<String>,
    pub stance: Option<String>,
    pub sort: Option<String>,
    pub after: Option<String>,
}

/// A query value, or `None` when it is absent or blank (a form's "any" choice).
pub fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

impl ThreadIndexQuery {
    /// The validated query; an unknown status, stance or order, or a bad cursor, is a 400.
    pub fn parse(&self) -> Result<ThreadListQuery, AppError> {
        let status = given(self.status.as_deref())
            .map(|s| Status::parse(s).ok_or_else(|| unknown("status", s, Status::ALL.iter().map(|v| v.as_str()))))
            .transpose()?;
        let stance = given(self.stance.as_deref())
            .map(|s| Stance::parse(s).ok_or_else(|| unknown("stance", s, Stance::ALL.iter().map(|v| v.as_str()))))
            .transpose()?;
        let sort = given(self.sort.as_deref())
            .map(|s| ThreadSort::parse(s).ok_or_else(|| unknown("sort", s, ThreadSort::ALL.iter().map(|v| v.as_str()))))
            .transpose()?
            .unwrap_or_default();
        let after = given(self.after.as_deref()).map(|raw| cursor::decode_thread(raw, sort)).transpose()?;
        Ok(ThreadListQuery { status, stance, sort, after })
    }
}

/// "there is no status called "x"; use one of: active, dormant, resolved".
pub fn unknown<'a>(what: &str, value: &str, allowed: impl Iterator<Item = &'a str>) -> AppError {
    let allowed: Vec<&str> = allowed.collect();
    AppError::BadRequest(format!("there is no {what} called \"{value}\"; use one of: {}", allowed.join(", ")))
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
    pairs
}

/// One page of the thread index and the cursor of the next, if there is one.
pub async fn index_page(
    state: &AppState,
    q: ThreadListQuery,
) -> Result<(Vec<threads::ThreadRow>, Option<String>), AppError> {
    let rows = db::with_conn(&state.pool, move |c| Ok(threads::list_page(c, &q, PAGE_SIZE + 1)?)).await?;
    let (rows, next) = db::keyset_page(rows, PAGE_SIZE, |(t, key)| {
        cursor::encode_thread(&ThreadCursor { key: key.clone(), id: t.id })
    });
    Ok((rows.into_iter().map(|(t, _)| t).collect(), next))
}

async fn index(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ThreadIndexQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.parse()?;
    let mut pairs = filter_pairs(&q);
    let filtered = q.status.is_some() || q.stance.is_some();
    let (status, stance, sort) = (q.status, q.stance, q.sort);
    let (rows, next) = index_page(&state, q).await?;
    Ok(ok(&HomePage {
        chrome: Chrome::of(&visitor),
        threads: rows.iter().map(ThreadCard::from).collect(),
        next_href: next.map(|n| {
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
    }))
}

async fn show(state: web::Data<AppState>, visitor: Visitor, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    crate::domain::validate::slug(&slug).map_err(|_| AppError::NotFound)?;
    let pages = state.clone().into_inner();
    let user = visitor.user.clone();
    // One connection for the shared page data and the reader's own state.
    let (data, reader) = db::with_conn(&state.pool, move |c| {
        let data = pages.thread_pages.load(c, &slug, crate::render::timeline::MAX_REVISIONS)?;
        let reader = user.map(|u| following::reader_state(c, &u, &data)).transpose()?;
        Ok((data, reader))
    })
    .await?;
    let can_edit = access::may_edit(visitor.user.as_ref(), &data.curators, data.thread.lock().is_some());
    let can_moderate = visitor.role().is_some_and(crate::domain::roles::can_moderate);
    let page = ThreadPage::build(Chrome::of(&visitor), &data, can_edit, can_moderate);
    Ok(ok(&match reader {
        Some(state) => page.with_reader(state),
        None => page,
    }))
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
    fields.push(Field::select("stance", "Stance", &input.stance, stance_options()));
    if !new {
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
    access::require(visitor.require_user()?, roles::can_create_thread, "start threads")?;
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
    let result = crate::ops::threads::create(&state.pool, user, input.clone()).await;
    reshow_if_invalid(
        result,
        || thread_form(&visitor, "/threads".into(), &input, true).cancel("/"),
        |thread| see_other(&format!("/threads/{}", thread.slug)),
    )
}

async fn edit_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?.clone();
    let slug = slug.into_inner();
    let thread = db::with_conn(&state.pool, move |c| access::editable_thread(c, &slug, &user)).await?;
    let input = ThreadInput {
        title: thread.title.clone(),
        framing_question: thread.framing_question.clone(),
        slug: None,
        status: thread.status.clone(),
        stance: thread.stance.clone(),
        reason: String::new(),
    };
    let action = format!("/threads/{}/edit", thread.slug);
    Ok(ok(&thread_form(&visitor, action, &input, false).cancel(format!("/threads/{}", thread.slug))))
}

async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<ThreadInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, input) = (slug.into_inner(), form.into_inner());
    let result = crate::ops::threads::update(&state.pool, user, slug.clone(), input.clone()).await;
    reshow_if_invalid(
        result,
        || thread_form(&visitor, format!("/threads/{slug}/edit"), &input, false).cancel(format!("/threads/{slug}")),
        |thread| see_other(&format!("/threads/{}", thread.slug)),
    )
}

/// The curator forms' fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CuratorInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub reason: String,
}

async fn curators_view(
    state: &AppState,
    visitor: &Visitor,
    slug: String,
    error: Option<String>,
) -> Result<CuratorsPage, AppError> {
    let user = visitor.require_user()?.clone();
    let (thread, curators) = db::with_conn(&state.pool, move |c| {
        let thread = access::editable_thread(c, &slug, &user)?;
        let curators = threads::curators(c, thread.thread_id())?;
        Ok((thread, curators))
    })
    .await?;
    Ok(CuratorsPage { chrome: Chrome::of(visitor), slug: thread.slug, title: thread.title, curators, error })
}

async fn curators_page(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(ok(&curators_view(&state, &visitor, slug.into_inner(), None).await?))
}

async fn change_curator(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: String,
    input: CuratorInput,
    add: bool,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let result =
        crate::ops::threads::set_curator(&state.pool, user, slug.clone(), input.username, add, input.reason).await;
    match result {
        Ok(thread) => Ok(see_other(&format!("/threads/{}/curators", thread.slug))),
        Err(AppError::Invalid(message)) => {
            let page = curators_view(&state, &visitor, slug, Some(message)).await?;
            Ok(crate::render::pages::html_response(actix_web::http::StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(other) => Err(other),
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

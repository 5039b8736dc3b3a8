//! Event pages, the events index, and adding events to threads.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use actix_web::http::StatusCode;

use super::query::encode;
use super::{reshow_if_invalid, reshow_thread_editor_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::html::SafeHtml;
use crate::domain::ids::EventId;
use crate::domain::roles;
use crate::domain::thread::Significance;
use crate::error::AppError;
use crate::ops::access;
use crate::ops::events::{self as event_ops, EventInput};
use crate::ops::indexes::{self, EventIndexQuery};
use crate::ops::threads::ThreadRow;
use crate::render::format;
use crate::render::pages::changes::KindOption;
use crate::render::pages::events::{EventListItem, EventPage, EventsIndexPage, LinkCandidate, LinkEventPage};
use crate::render::pages::forms::FieldKind;
use crate::render::pages::threads::EventItem;
use crate::render::pages::{Chrome, Field, FormPage, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the event pages (before the generic section routes).
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/events").get(index).post(create))
        .add(at("/events/new").get(new_form))
        .add(at("/events/{id}").get(show).post(update))
        .add(at("/events/{id}/edit").get(edit_form))
        .add(at("/threads/{slug}/events/new").get(new_for_thread_form))
        .add(at("/threads/{slug}/events").post(create_for_thread))
        .add(at("/threads/{slug}/events/link").get(link_page).post(link))
        .add(at("/threads/{slug}/events/{id}/unlink").post(unlink));
}

async fn index(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<EventIndexQuery>,
) -> Result<HttpResponse, AppError> {
    let raw = query.into_inner();
    let thread = raw.thread_slug().to_owned();
    let page = indexes::event_index_page(&state.pool, &raw).await?;
    let status = if page.unknown_thread { StatusCode::NOT_FOUND } else { StatusCode::OK };
    let q = &page.query;
    let mut pairs = Vec::new();
    if let Some(s) = q.significance {
        pairs.push(("significance", s.as_str().to_owned()));
    }
    if let Some(y) = q.year {
        pairs.push(("year", y.to_string()));
    }
    if !thread.is_empty() {
        pairs.push(("thread", thread.clone()));
    }
    let filtered = !pairs.is_empty();
    let chosen = q.significance;
    Ok(crate::render::pages::html_response(
        status,
        &EventsIndexPage {
            chrome: Chrome::of(&visitor),
            events: page
                .events
                .iter()
                .map(|(e, threads)| EventListItem { event: EventItem::from(e), threads: threads.clone() })
                .collect(),
            next_href: page.next.map(|n| {
                pairs.push(("after", n));
                format!("/events?{}", encode(&pairs))
            }),
            can_create: visitor.role().is_some_and(roles::can_edit_events),
            significances: Significance::ALL
                .iter()
                .map(|s| KindOption { value: s.as_str(), label: s.label(), selected: Some(*s) == chosen })
                .collect(),
            year: q.year.map(|y| y.to_string()).unwrap_or_default(),
            unknown_thread: page.unknown_thread,
            thread,
            filtered,
        },
    ))
}

async fn show(state: web::Data<AppState>, visitor: Visitor, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = EventId(id.into_inner());
    let (event, threads, can_edit) = event_ops::page(&state.pool, visitor.user.as_ref(), id).await?;
    let item = EventItem::from(&event);
    let html = SafeHtml::from_stored(event.body_html);
    Ok(ok(&EventPage {
        chrome: Chrome::of(&visitor),
        event: item,
        url: event.url,
        summary: crate::render::sanitize::plain_excerpt(&html, 200),
        html,
        threads,
        can_edit,
    }))
}

fn significance_options() -> Vec<(&'static str, &'static str)> {
    Significance::ALL.iter().map(|s| (s.as_str(), s.label())).collect()
}

fn event_form(visitor: &Visitor, title: &str, action: String, input: &EventInput, cancel: String) -> FormPage {
    let key = format!("event:{action}");
    FormPage::new(
        Chrome::of(visitor),
        title,
        action,
        "Save event",
        vec![
            Field::text("date", "Date", &input.date).kind(FieldKind::Date).hint("YYYY-MM-DD"),
            Field::text("title", "Title", &input.title),
            Field::select("significance", "Significance", &input.significance, significance_options()),
            Field::text("url", "Source link", input.url.clone().unwrap_or_default())
                .kind(FieldKind::Url)
                .required(false),
            Field::markdown("body", "Description", &input.body, 6),
            Field::text("reason", "Reason for the change", &input.reason)
                .required(false)
                .hint("Kept in the history of every thread that has this event."),
        ],
    )
    .editor(key)
    .cancel(cancel)
}

fn blank_event() -> EventInput {
    EventInput { significance: "notable".into(), ..Default::default() }
}

async fn new_form(visitor: Visitor) -> Result<HttpResponse, AppError> {
    access::require(visitor.require_user()?, roles::can_edit_events, "record events")?;
    Ok(ok(&event_form(&visitor, "Record an event", "/events".into(), &blank_event(), "/events".into())))
}

async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<EventInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let input = form.into_inner();
    let result = event_ops::create(&state.pool, user, None, input.clone()).await;
    reshow_if_invalid(
        result,
        || event_form(&visitor, "Record an event", "/events".into(), &input, "/events".into()),
        |id| see_other(&format!("/events/{id}"), Flash::Added),
    )
}

async fn edit_form(state: web::Data<AppState>, visitor: Visitor, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = EventId(id.into_inner());
    let input = event_ops::load_for_edit(&state.pool, visitor.require_user()?, id).await?;
    Ok(ok(&event_form(&visitor, "Edit event", format!("/events/{id}"), &input, format!("/events/{id}"))))
}

async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<EventInput>,
) -> Result<HttpResponse, AppError> {
    let id = EventId(id.into_inner());
    let user = visitor.require_user()?;
    let input = form.into_inner();
    let result = event_ops::update(&state.pool, user, id, input.clone()).await;
    reshow_if_invalid(
        result,
        || event_form(&visitor, "Edit event", format!("/events/{id}"), &input, format!("/events/{id}")),
        |()| see_other(&format!("/events/{id}"), Flash::Saved),
    )
}

async fn new_for_thread_form(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let thread = access::editable(&state.pool, visitor.require_user()?, slug.into_inner()).await?;
    Ok(ok(&thread_event_form(&visitor, &thread, &blank_event())))
}

/// The form for a new event of a thread, naming the thread.
fn thread_event_form(visitor: &Visitor, thread: &ThreadRow, input: &EventInput) -> FormPage {
    let (action, cancel) = (format!("/threads/{}/events", thread.slug), format!("/threads/{}#events", thread.slug));
    event_form(visitor, "Add an event", action, input, cancel).about_thread(&thread.slug, &thread.title)
}

async fn create_for_thread(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<EventInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, input) = (slug.into_inner(), form.into_inner());
    let result = event_ops::create(&state.pool, user, Some(slug.clone()), input.clone()).await;
    let on_success = |_| see_other(&format!("/threads/{slug}#events"), Flash::Added);
    reshow_thread_editor_if_invalid(&state, &slug, result, |t| thread_event_form(&visitor, t, &input), on_success).await
}

/// The "link an existing event" form: an event picked from the matches, and the text searched.
#[derive(Debug, Default, Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    pub event_id: String,
    #[serde(default)]
    pub q: String,
}

/// The "link an event" page's search (`?q=`).
#[derive(Debug, Default, Deserialize)]
pub struct LinkQuery {
    #[serde(default)]
    pub q: String,
}

fn link_view(visitor: &Visitor, search: event_ops::LinkSearch, error: Option<String>) -> LinkEventPage {
    LinkEventPage {
        chrome: Chrome::of(visitor),
        slug: search.thread.slug,
        title: search.thread.title,
        text: search.text,
        error,
        matches: search.matches.map(|rows| {
            rows.into_iter()
                .map(|(row, linked)| LinkCandidate {
                    id: row.id,
                    title: row.title,
                    date: format::event_date(row.occurred_on),
                    date_iso: row.occurred_on.to_string(),
                    linked,
                })
                .collect()
        }),
    }
}

async fn link_page(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<LinkQuery>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let search = event_ops::link_search(&state.pool, user, slug.into_inner(), query.into_inner().q).await?;
    Ok(ok(&link_view(&visitor, search, None)))
}

async fn link(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let LinkForm { event_id, q } = form.into_inner();
    // A number that does not parse picks nothing: the text decides.
    let picked = event_id.trim().parse::<i64>().ok().map(EventId);
    match event_ops::link_choice(&state.pool, user, slug.into_inner(), picked, q).await? {
        event_ops::LinkChoice::Linked(thread) => {
            Ok(see_other(&format!("/threads/{}#events", thread.slug), Flash::Linked))
        }
        event_ops::LinkChoice::Refused { message, search } => Ok(crate::render::pages::html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            &link_view(&visitor, search, Some(message)),
        )),
    }
}

async fn unlink(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let (slug, id) = path.into_inner();
    let thread = event_ops::unlink(&state.pool, user, slug, EventId(id)).await?;
    Ok(see_other(&format!("/threads/{}#events", thread.slug), Flash::Unlinked))
}

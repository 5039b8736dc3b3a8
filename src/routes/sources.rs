//! Source pages: the sources index, a source with what cites it, and the forms.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::query::encode;
use super::{reshow_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::ids::SourceId;
use crate::domain::thread::{LinkStatus, SourceKind, Tier};
use crate::error::AppError;
use crate::ops::sources::{self as source_ops, CitedBy, SaveOutcome, SourceIndexQuery, SourceInput, SourceRow};
use crate::render::format;
use crate::render::pages::changes::KindOption;
use crate::render::pages::forms::FieldKind;
use crate::render::pages::sources::{CitingPlace, CitingThread, LinkHealth, SourceItem, SourcePage, SourcesIndexPage};
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the source pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/sources").get(index).post(create))
        .add(at("/sources/new").get(new_form))
        .add(at("/sources/{id}").get(show).post(update))
        .add(at("/sources/{id}/edit").get(edit_form));
}

/// A source as lists and pages show it.
pub fn source_item(row: &SourceRow) -> SourceItem {
    SourceItem {
        id: row.id,
        title: row.title.clone(),
        url: row.url.clone(),
        publisher: row.publisher.clone(),
        published: row.published_on.map(|d| (format::event_date(d), d.to_string())),
        kind_label: row.kind().label(),
        tier: row.tier().as_str(),
        tier_label: row.tier().label(),
        link_status: row.link_status().as_str(),
        link_status_label: row.link_status().label(),
    }
}

fn options<T: Copy + PartialEq>(
    all: &[T],
    chosen: Option<T>,
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<KindOption> {
    all.iter().map(|v| KindOption { value: value(*v), label: label(*v), selected: Some(*v) == chosen }).collect()
}

async fn index(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<SourceIndexQuery>,
) -> Result<HttpResponse, AppError> {
    let raw = query.into_inner();
    let thread = raw.thread_slug().to_owned();
    let page = source_ops::index_page(&state.pool, visitor.user.as_ref(), &raw).await?;
    let status = if page.unknown_thread { StatusCode::NOT_FOUND } else { StatusCode::OK };
    let q = &page.query;
    let mut pairs = Vec::new();
    if let Some(t) = q.tier {
        pairs.push(("tier", t.as_str().to_owned()));
    }
    if let Some(k) = q.kind {
        pairs.push(("kind", k.as_str().to_owned()));
    }
    if let Some(s) = q.link_status {
        pairs.push(("link_status", s.as_str().to_owned()));
    }
    if !thread.is_empty() {
        pairs.push(("thread", thread.clone()));
    }
    let text = q.text.clone().unwrap_or_default();
    if !text.is_empty() {
        pairs.push(("q", text.clone()));
    }
    let filtered = !pairs.is_empty();
    Ok(html_response(
        status,
        &SourcesIndexPage {
            chrome: Chrome::of(&visitor),
            sources: page.sources.iter().map(source_item).collect(),
            next_href: page.next.map(|n| {
                pairs.push(("after", n));
                format!("/sources?{}", encode(&pairs))
            }),
            can_create: page.can_create,
            tiers: options(Tier::ALL, q.tier, Tier::as_str, Tier::label),
            kinds: options(SourceKind::ALL, q.kind, SourceKind::as_str, SourceKind::label),
            statuses: options(LinkStatus::ALL, q.link_status, LinkStatus::as_str, LinkStatus::label),
            thread,
            q: text,
            unknown_thread: page.unknown_thread,
            filtered,
        },
    ))
}

/// The places citing a source, grouped by thread in the order they come (by thread title).
pub fn citing_groups(rows: &[CitedBy]) -> Vec<CitingThread> {
    let mut groups: Vec<CitingThread> = Vec::new();
    for row in rows {
        let thread = row.thread_slug.clone().zip(row.thread_title.clone());
        let place = CitingPlace { href: source_ops::cited_by_href(row), words: source_ops::cited_by_words(row) };
        match groups.last_mut() {
            Some(group) if group.thread == thread => group.places.push(place),
            _ => groups.push(CitingThread { thread, places: vec![place] }),
        }
    }
    groups
}

async fn show(state: web::Data<AppState>, visitor: Visitor, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = SourceId(id.into_inner());
    let detail = source_ops::detail(&state.pool, visitor.user.as_ref(), id).await?;
    let s = &detail.source;
    Ok(ok(&SourcePage {
        chrome: Chrome::of(&visitor),
        source: source_item(s),
        health: LinkHealth {
            status: s.link_status().as_str(),
            status_label: s.link_status().label(),
            checked: s.last_checked_at.map(|at| (format::moment(at), format::iso_timestamp(at))),
            status_code: s.last_status_code,
            final_url: s.final_url.clone().filter(|f| Some(f) != s.url.as_ref()),
            error: s.check_error.clone(),
        },
        cited: citing_groups(&detail.cited_by),
        more_citing: detail.more_citing,
        history: detail.history,
        can_edit: detail.can_edit,
    }))
}

fn kind_options() -> Vec<(&'static str, &'static str)> {
    SourceKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect()
}

fn tier_options() -> Vec<(&'static str, &'static str)> {
    Tier::ALL.iter().map(|t| (t.as_str(), t.label())).collect()
}

fn source_form(visitor: &Visitor, id: Option<SourceId>, input: &SourceInput) -> FormPage {
    let (title, action, cancel) = match id {
        Some(id) => ("Edit source", format!("/sources/{id}"), format!("/sources/{id}")),
        None => ("Record a source", "/sources".to_owned(), "/sources".to_owned()),
    };
    let reason = Field::text("reason", "Reason for the change", &input.reason)
        .required(id.is_some())
        .hint("Kept in the source's history.");
    let mut page = FormPage::new(
        Chrome::of(visitor),
        title,
        action,
        "Save source",
        vec![
            Field::text("title", "Title", &input.title),
            Field::text("url", "Address (URL)", &input.url)
                .kind(FieldKind::Url)
                .required(false)
                .hint("An http or https address; leave it empty for offline material."),
            Field::text("publisher", "Publisher or author", &input.publisher).required(false),
            Field::text("published_on", "Publication date", &input.published_on)
                .kind(FieldKind::Date)
                .required(false)
                .hint("YYYY-MM-DD, if known."),
            Field::select("kind", "Kind", &input.kind, kind_options()),
            Field::select("tier", "Tier", &input.tier, tier_options())
                .hint("Primary: the document, dataset, law or statement itself. Secondary: reporting and analysis. Opinion: essays, commentary, posts."),
            reason,
        ],
    )
    .cancel(cancel);
    if let Some(v) = input.base_version {
        page = page.hidden("base_version", v.to_string());
    }
    if let Some(id) = id {
        page = page.about("Source", input.title.clone(), format!("/sources/{id}"));
    }
    page
}

fn blank_source() -> SourceInput {
    SourceInput { kind: "article".into(), tier: "secondary".into(), ..Default::default() }
}

async fn new_form(state: web::Data<AppState>, visitor: Visitor) -> Result<HttpResponse, AppError> {
    source_ops::require_editor(&state.pool, visitor.require_user()?).await?;
    Ok(ok(&source_form(&visitor, None, &blank_source())))
}

/// The page after a save that was not refused outright: the source, or the form again naming
/// the source that already has the address, or the newer version.
fn outcome_page(
    visitor: &Visitor,
    id: Option<SourceId>,
    input: SourceInput,
    outcome: SaveOutcome,
    flash: Flash,
) -> HttpResponse {
    match outcome {
        SaveOutcome::Saved(id) => see_other(&format!("/sources/{id}"), flash),
        SaveOutcome::Duplicate(existing) => {
            let page = source_form(visitor, id, &input)
                .with_error(Some(source_ops::duplicate_message(&existing)))
                .error_link(format!("/sources/{}", existing.id), format!("Open “{}”", existing.title));
            html_response(StatusCode::CONFLICT, &page)
        }
        SaveOutcome::Stale(current) => {
            // Keep the author's text and let them save it over the newer version knowingly.
            let mine = SourceInput { base_version: Some(current.version), ..input };
            let page = source_form(visitor, id, &mine)
                .with_error(Some(
                    "someone changed this source since you opened the form; your text is kept below, and saving \
                     again replaces their version"
                        .to_owned(),
                ))
                .error_link(format!("/sources/{}", current.id), "See the current version".to_owned());
            html_response(StatusCode::CONFLICT, &page)
        }
    }
}

async fn create(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: web::Form<SourceInput>,
) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    let input = form.into_inner();
    let result = source_ops::create(&state.pool, user, input.clone()).await;
    let shown = input.clone();
    reshow_if_invalid(
        result,
        || source_form(&visitor, None, &shown),
        |outcome| outcome_page(&visitor, None, input, outcome, Flash::Added),
    )
}

async fn edit_form(state: web::Data<AppState>, visitor: Visitor, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = SourceId(id.into_inner());
    let row = source_ops::load_for_edit(&state.pool, visitor.require_user()?, id).await?;
    Ok(ok(&source_form(&visitor, Some(id), &SourceInput::of(&row))))
}

async fn update(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<SourceInput>,
) -> Result<HttpResponse, AppError> {
    let id = SourceId(id.into_inner());
    let user = visitor.require_user()?;
    let input = form.into_inner();
    let result = source_ops::update(&state.pool, user, id, input.clone()).await;
    let shown = input.clone();
    reshow_if_invalid(
        result,
        || source_form(&visitor, Some(id), &shown),
        |outcome| outcome_page(&visitor, Some(id), input, outcome, Flash::Saved),
    )
}

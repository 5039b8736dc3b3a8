//! Moderators' pages: recent changes (public), the patrol queue, the moderation log, and the
//! patrol, hide and lock actions.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::query::{encode, url_query};
use super::{back_to_referer, reshow_if_invalid, see_other};
use crate::auth::Visitor;
use crate::domain::flash::Flash;
use crate::domain::history::ModAction;
use crate::domain::roles;
use crate::error::AppError;
use crate::ops::changelog;
use crate::ops::hiding;
use crate::ops::history::ChangeQuery;
use crate::ops::moderation::{self, HideInput, LockInput, ReasonInput};
use crate::render::pages::changes::{
    FeedLink, Filters, HidePage, HideTarget, ModerationLogPage, RecentPage, kind_options,
};
use crate::render::pages::{Chrome, Field, FormPage, html_response, ok};
use crate::routes::table::{Routes, at};
use crate::state::AppState;

/// Registers the moderation pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::new(cfg)
        .add(at("/recent").get(recent))
        .add(at("/moderation/queue").get(queue))
        .add(at("/moderation/log").get(log))
        .add(at("/changes/{id}/patrol").post(patrol))
        .add(at("/changes/{id}/hide").get(hide_form).post(hide))
        .add(at("/changes/{id}/unhide").post(unhide))
        .add(at("/threads/{slug}/lock").get(lock_form).post(lock))
        .add(at("/threads/{slug}/unlock").post(unlock));
}

fn filters(q: &ChangeQuery) -> Filters {
    Filters {
        kinds: kind_options(q.kind.as_deref()),
        user: q.user.clone().unwrap_or_default(),
        thread: q.thread.clone().unwrap_or_default(),
        unpatrolled: matches!(q.unpatrolled.as_deref(), Some("1" | "true" | "on")),
    }
}

async fn recent(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let (rows, next) = changelog::recent(&state.pool, visitor.role(), q.clone()).await?;
    let mut pairs = url_query(&q);
    pairs.push(("before", next.map(|n| n.to_string()).unwrap_or_default()));
    Ok(ok(&RecentPage {
        chrome: Chrome::of(&visitor),
        heading: "Recent changes".to_owned(),
        intro: "Every change to every thread, newest first.".to_owned(),
        action: "/recent".to_owned(),
        show_filters: true,
        can_moderate: visitor.role().is_some_and(roles::can_moderate),
        filters: filters(&q),
        rows,
        next_href: next.map(|_| format!("/recent?{}", encode(&pairs))),
        next_label: "Older changes",
        profile: None,
        feed: Some(FeedLink { title: "Recent changes (Atom)", href: "/recent.atom" }),
        stance_proposals: Vec::new(),
    }))
}

async fn queue(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let (rows, next) = changelog::queue(&state.pool, visitor.require_user()?, q.clone()).await?;
    // The governed stance label: open proposals await a moderator's decision here too.
    let stance_proposals = crate::ops::stance::queued(&state.pool).await?;
    let mut pairs = url_query(&q);
    pairs.push(("after", next.map(|n| n.to_string()).unwrap_or_default()));
    Ok(ok(&RecentPage {
        chrome: Chrome::of(&visitor),
        heading: "Review queue".to_owned(),
        intro: "Changes nobody has patrolled yet, oldest first. Moderators' own changes are patrolled automatically."
            .to_owned(),
        action: "/moderation/queue".to_owned(),
        show_filters: true,
        can_moderate: true,
        filters: filters(&q),
        rows,
        next_href: next.map(|_| format!("/moderation/queue?{}", encode(&pairs))),
        next_label: "Newer changes",
        profile: None,
        feed: None,
        stance_proposals,
    }))
}

/// `?action=&before=` on the moderation log.
#[derive(Debug, Deserialize)]
pub struct LogQuery {
    pub action: Option<String>,
    pub before: Option<i64>,
}

async fn log(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let log = moderation::log_page(&state.pool, visitor.user.as_ref(), q.action, q.before).await?;
    let chosen = log.action;
    let action = chosen.map(|a| a.as_str().to_owned()).unwrap_or_default();
    Ok(ok(&ModerationLogPage {
        chrome: Chrome::of(&visitor),
        actions: ModAction::ALL.iter().map(|a| (a.as_str(), Some(*a) == chosen)).collect(),
        rows: log.entries,
        next_href: log
            .next_before
            .map(|n| format!("/moderation/log?{}", encode(&[("action", action), ("before", n.to_string())]))),
    }))
}

async fn patrol(
    req: HttpRequest,
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    moderation::patrol(&state.pool, visitor.require_user()?, id.into_inner()).await?;
    Ok(back_to_referer(&req, "/moderation/queue", Flash::Patrolled))
}

/// The hide form of `target`: the reason, and the offer to take the revision's words out of the
/// current text (ticked unless the moderator unticked it).
fn hide_page(visitor: &Visitor, target: HideTarget, input: &HideInput, error: Option<String>) -> HidePage {
    let mut fields = vec![Field::text("reason", "Reason for hiding", &input.reason)];
    if target.can_remove {
        fields.push(Field::checkbox("remove", "Also remove it from the current text", input.remove).hint(
            "Adds a revision that undoes this one's changes (or, where later edits touch the same lines, takes out \
             just these paragraphs), keeping later edits. Without it, hiding leaves these words on the thread page \
             and in search.",
        ));
    }
    HidePage { chrome: Chrome::of(visitor), target, error, fields }
}

async fn hide_form(state: web::Data<AppState>, visitor: Visitor, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let target = hiding::target(&state.pool, visitor.require_user()?, id.into_inner()).await?;
    let input = HideInput { reason: String::new(), remove: true };
    Ok(ok(&hide_page(&visitor, target, &input, None)))
}

async fn hide(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<HideInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (id.into_inner(), form.into_inner());
    let user = visitor.require_user()?;
    match moderation::hide(&state.pool, user, id, input.clone()).await {
        Ok((row, slug)) => Ok(see_other(&after_hiding(&row, slug), Flash::Hidden)),
        Err(e @ AppError::Invalid(_)) => {
            // Shown again with what the moderator typed, and what it would hide as it stands now.
            let target = hiding::target(&state.pool, user, id).await?;
            Ok(html_response(e.status(), &hide_page(&visitor, target, &input, Some(e.to_string()))))
        }
        Err(other) => Err(other),
    }
}

async fn unhide(
    state: web::Data<AppState>,
    visitor: Visitor,
    id: web::Path<i64>,
    form: web::Form<ReasonInput>,
) -> Result<HttpResponse, AppError> {
    let (row, slug) =
        moderation::set_hidden(&state.pool, visitor.require_user()?, id.into_inner(), false, form.into_inner().reason)
            .await?;
    Ok(see_other(&after_hiding(&row, slug), Flash::Unhidden))
}

/// Where hiding lands: the revision, the entry in its thread's history, or recent changes.
fn after_hiding(row: &moderation::ChangeRow, slug: Option<String>) -> String {
    match (slug, row.rev_seq) {
        (Some(slug), Some(seq)) => format!("/threads/{slug}/revisions/{seq}"),
        (Some(slug), None) => format!("/threads/{slug}/history#change-{}", row.id),
        (None, _) => format!("/recent#change-{}", row.id),
    }
}

fn lock_page(visitor: &Visitor, slug: &str, input: &LockInput) -> FormPage {
    FormPage::new(
        Chrome::of(visitor),
        "Lock this thread",
        format!("/threads/{slug}/lock"),
        "Lock thread",
        vec![
            Field::text("reason", "Reason for locking", &input.reason)
                .required(true)
                .hint("Shown on the thread page and kept in the moderation log."),
            Field::until(&input.until),
        ],
    )
    .intro("While a thread is locked only moderators can change it.")
    .cancel(format!("/threads/{slug}/history"))
}

async fn lock_form(visitor: Visitor, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let user = visitor.require_user()?;
    if !roles::can_moderate(user.role) {
        return Err(AppError::Forbidden("only moderators can lock threads".to_owned()));
    }
    crate::domain::validate::slug(&slug).map_err(|_| AppError::NotFound)?;
    Ok(ok(&lock_page(&visitor, &slug, &LockInput::default())))
}

async fn lock(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<LockInput>,
) -> Result<HttpResponse, AppError> {
    let (slug, input) = (slug.into_inner(), form.into_inner());
    let result = moderation::lock(&state.pool, visitor.require_user()?, slug.clone(), input.clone()).await;
    reshow_if_invalid(
        result,
        || lock_page(&visitor, &slug, &input),
        |t| see_other(&format!("/threads/{}", t.slug), Flash::Locked),
    )
}

async fn unlock(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    form: web::Form<ReasonInput>,
) -> Result<HttpResponse, AppError> {
    let thread = moderation::unlock(&state.pool, visitor.require_user()?, slug.into_inner(), form.into_inner()).await?;
    Ok(see_other(&format!("/threads/{}", thread.slug), Flash::Unlocked))
}

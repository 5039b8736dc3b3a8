//! The Atom feeds: a thread's changelog, site-wide recent changes, events, and a reader's private
//! feed of the threads they follow (behind a secret URL they can replace or revoke). Every feed
//! is an anonymous view: hidden content is redacted as for a visitor who is not logged in, even
//! in a moderator's private feed, since a feed URL ends up in feed readers and services.

use chrono::{DateTime, Utc};
use diesel::PgConnection;

use super::history::{self, ChangeQuery, PAGE};
use super::{access, changelog, visibility};
use crate::auth::CurrentUser;
use crate::auth::session::{new_token, token_hash};
use crate::db::changes::{self, ChangeFilter, ChangeListed, Seek};
use crate::db::feeds::FeedEvent;
use crate::db::{self, PgPool, feeds};
use crate::domain::html::SafeHtml;
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::render::feeds::{AtomDoc, FeedHead, FeedItem, ItemContent, Site, render};
use crate::render::format;
use crate::render::sanitize::FeedSanitizer;

/// What an empty site-wide feed gives as `updated`: a fixed instant, so that it stays the same
/// document (and keeps answering 304) until something happens.
fn epoch() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

/// `/threads/{slug}/feed.atom`: the thread's newest changes (revisions, section and detail
/// changes, edits of its events), the same rows as its history page.
pub async fn thread(pool: &PgPool, site: Site, slug: String) -> Result<AtomDoc, AppError> {
    let (thread, (rows, _)) = history::thread_history(pool, None, slug, ChangeQuery::default()).await?;
    let items: Vec<_> = rows.iter().map(|c| change_item(&site, c, false)).collect();
    let head = FeedHead {
        id: site.tag(&format!("thread/{}/changes", thread.id)),
        title: format!("{}: changes", thread.title),
        subtitle: format!("Every change to the thread “{}”, newest first.", thread.title),
        page: site.url(&format!("/threads/{}/history", thread.slug)),
        self_url: site.url(&format!("/threads/{}/feed.atom", thread.slug)),
        updated_when_empty: thread.created_at,
    };
    Ok(render(&head, &items)?)
}

/// `/recent.atom`: every thread's newest changes, the rows of `/recent`.
pub async fn recent(pool: &PgPool, site: Site) -> Result<AtomDoc, AppError> {
    let (rows, _) = history::recent(pool, None, ChangeQuery::default()).await?;
    let items: Vec<_> = rows.iter().map(|c| change_item(&site, c, true)).collect();
    let head = FeedHead {
        id: site.tag("recent"),
        title: "Agora: recent changes".to_owned(),
        subtitle: "Every change to every thread, newest first.".to_owned(),
        page: site.url("/recent"),
        self_url: site.url("/recent.atom"),
        updated_when_empty: epoch(),
    };
    Ok(render(&head, &items)?)
}

/// `/events.atom`: the most recently recorded or edited events.
pub async fn events(pool: &PgPool, site: Site) -> Result<AtomDoc, AppError> {
    let rows = db::with_conn(pool, |c| Ok(feeds::recently_written_events(c, PAGE)?)).await?;
    // Off the executor (in the request's span): every description is sanitized again for readers.
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        let _entered = span.enter();
        let images = site.images();
        let items: Vec<_> = rows.iter().map(|e| event_item(&site, &images, e)).collect();
        let head = FeedHead {
            id: site.tag("events"),
            title: "Agora: events".to_owned(),
            subtitle: "Dated events, latest recorded or corrected first.".to_owned(),
            page: site.url("/events"),
            self_url: site.url("/events.atom"),
            updated_when_empty: epoch(),
        };
        Ok(render(&head, &items)?)
    })
    .await?
}

/// The private feed's owner, when their feed starts, and its newest changes, redacted as for
/// an anonymous reader. An unknown or revoked token is a 404.
pub fn following_rows_in(
    conn: &mut PgConnection,
    token: &str,
) -> Result<(UserId, DateTime<Utc>, Vec<ChangeListed>), AppError> {
    let (reader, since) = feeds::owner_of(conn, &token_hash(token))?.ok_or(AppError::NotFound)?;
    let filter = ChangeFilter { followed_by: Some(reader), ..Default::default() };
    let mut rows = changes::list(conn, &filter, Seek::Before(None), PAGE)?;
    visibility::redact_changes(&mut rows, None);
    Ok((reader, since, rows))
}

/// `/feeds/following/{token}.atom`: changes to the threads the token's owner follows. An unknown
/// or revoked token is a 404 like any missing page: nothing tells whether it ever existed.
pub async fn following(pool: &PgPool, site: Site, token: String) -> Result<AtomDoc, AppError> {
    // The rows on a connection, then the document without holding it.
    let secret = token.clone();
    let (reader, since, rows) = db::with_conn(pool, move |c| following_rows_in(c, &secret)).await?;
    let items: Vec<_> = rows.iter().map(|c| change_item(&site, c, true)).collect();
    let head = FeedHead {
        // The reader's, not the token's: replacing the URL keeps the same feed in their reader.
        id: site.tag(&format!("following/{reader}")),
        title: "Agora: threads you follow".to_owned(),
        subtitle: "Every change to the threads you follow, newest first. This feed's address is private.".to_owned(),
        page: site.url("/"),
        self_url: feed_url(&site, &token),
        updated_when_empty: since,
    };
    Ok(render(&head, &items)?)
}

/// A changelog entry as a feed entry. `with_thread` names the thread in the title (feeds across
/// threads). The row must already be redacted for anonymous readers (`visibility`): a hidden
/// entry says who and when, and that a moderator hid it, nothing of what it said.
fn change_item(site: &Site, c: &ChangeListed, with_thread: bool) -> FeedItem {
    let view = changelog::entry_view(c);
    let r = &c.row;
    let hidden = r.is_hidden();
    let mut title = match r.rev_seq {
        Some(seq) if r.reason.is_empty() => format!("Revision {seq} by {}", c.actor),
        Some(seq) => format!("Revision {seq} by {}: {}", c.actor, r.reason),
        None => format!("{} {}", c.actor, view.what),
    };
    if hidden {
        title.push_str(" (hidden by a moderator)");
    }
    if with_thread && let Some(thread) = &c.thread_title {
        title = format!("{thread}: {title}");
    }
    let mut lines = Vec::new();
    if hidden {
        lines.push("Content hidden by a moderator.".to_owned());
    }
    if r.rev_seq.is_some() {
        lines.push(format!("{} {}.", c.actor, view.what));
        if let Some(extent) = &view.extent {
            lines.push(format!("Synthesis revised ({extent})."));
        }
    } else if !r.reason.is_empty() {
        lines.push(format!("Reason: {}", r.reason));
    }
    for f in &view.fields {
        lines.push(format!("{}: {} → {}", f.field, f.before, f.after));
    }
    if r.minor {
        lines.push("Minor edit.".to_owned());
    }
    if lines.is_empty() {
        lines.push(format!("{} {}.", c.actor, view.what));
    }
    let fallback = match &c.thread_slug {
        Some(slug) => format!("/threads/{slug}/history"),
        None => "/recent".to_owned(),
    };
    let related = match (&c.thread_slug, r.rev_seq, c.parent_seq) {
        _ if hidden => None,
        (Some(slug), Some(seq), Some(parent)) if parent > 0 => {
            Some(site.url(&format!("/threads/{slug}/diff?from={parent}&to={seq}")))
        }
        _ => view.diff_href.as_deref().map(|href| site.url(href)),
    };
    FeedItem {
        id: site.tag(&format!("change/{}", r.id)),
        title,
        // Hiding removes what the entry said: readers that keep entries by id replace theirs
        // when `updated` moves.
        // The same when the version in its `before` is hidden.
        updated: r.hidden_at.into_iter().chain(c.before_hidden_at).fold(r.created_at, DateTime::max),
        published: r.created_at,
        author: c.actor.clone(),
        author_uri: site.url(&format!("/users/{}", c.actor)),
        link: site.url(view.href.as_deref().unwrap_or(&fallback)),
        related,
        summary: None,
        content: ItemContent::Text(lines.join("\n")),
    }
}

/// An event as a feed entry: its description is the stored, sanitized HTML, without images
/// from other sites (`images`, from `Site::images`).
fn event_item(site: &Site, images: &FeedSanitizer, e: &FeedEvent) -> FeedItem {
    let event = &e.row;
    let date = format::event_date(event.occurred_on);
    let mut summary = format!("{} event on {date}.", event.significance().label());
    if let Some(url) = &event.url {
        summary.push_str(&format!(" Source: {url}"));
    }
    let content = if event.body_html.trim().is_empty() {
        ItemContent::Text(summary.clone())
    } else {
        ItemContent::Html(images.clean(&SafeHtml::from_stored(event.body_html.clone())))
    };
    FeedItem {
        id: site.tag(&format!("event/{}", event.id)),
        title: format!("{date}: {}", event.title),
        updated: e.updated,
        published: e.created_at,
        author: e.author.clone(),
        author_uri: site.url(&format!("/users/{}", e.author)),
        link: site.url(&format!("/events/{}", event.id)),
        related: None,
        summary: Some(summary),
        content,
    }
}

/// The private feed's address for a secret.
fn feed_url(site: &Site, token: &str) -> String {
    site.url(&format!("/feeds/following/{token}.atom"))
}

/// A freshly made private feed URL: shown once, since only its hash is kept.
#[derive(Debug, Clone)]
pub struct NewFeedUrl {
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// Makes the reader a new private feed URL, replacing (and so disabling) any earlier one.
pub fn issue_token_in(conn: &mut PgConnection, site: &Site, user: &CurrentUser) -> Result<NewFeedUrl, AppError> {
    access::refuse_if_suspended(user)?;
    let token = new_token();
    let created_at = feeds::replace_token(conn, user.id, &token_hash(&token))?;
    Ok(NewFeedUrl { url: feed_url(site, &token), created_at })
}

/// See [`issue_token_in`].
pub async fn issue_token(pool: &PgPool, site: &Site, user: &CurrentUser) -> Result<NewFeedUrl, AppError> {
    let (site, user) = (site.clone(), user.clone());
    db::with_conn(pool, move |c| issue_token_in(c, &site, &user)).await
}

/// Deletes the reader's private feed URL; 404 if they had none. A suspended reader may still
/// revoke theirs: it only takes a secret out of circulation.
pub fn revoke_token_in(conn: &mut PgConnection, user: &CurrentUser) -> Result<(), AppError> {
    if feeds::revoke_token(conn, user.id)? { Ok(()) } else { Err(AppError::NotFound) }
}

/// See [`revoke_token_in`].
pub async fn revoke_token(pool: &PgPool, user: &CurrentUser) -> Result<(), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| revoke_token_in(c, &user)).await
}

/// When the reader's current private feed URL was made, if they have one.
pub fn token_created_in(conn: &mut PgConnection, user: &CurrentUser) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(feeds::token_created(conn, user.id)?)
}

/// See [`token_created_in`].
pub async fn token_created(pool: &PgPool, user: &CurrentUser) -> Result<Option<DateTime<Utc>>, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| token_created_in(c, &user)).await
}

//! Creating threads and editing their details.

use diesel::Connection;
use serde::Deserialize;
use serde_json::json;

use super::access;
use crate::auth::CurrentUser;
use crate::db::changes::{self, NewChange};
use crate::db::moderation::{self, NewLogEntry};
use crate::db::threads::{self, ThreadFields};
use crate::db::{self, PgPool, users};
use crate::domain::history::{Area, ModAction};
use crate::domain::roles::{self, Role};
use crate::domain::validate;
use crate::error::AppError;
use diesel::PgConnection;

pub use crate::db::threads::ThreadRow;

/// A thread's details as a form or JSON body sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ThreadInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub framing_question: String,
    /// Derived from the title when empty (only used on creation).
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default = "default_status")]
    pub status: String,
    #[serde(default = "default_stance")]
    pub stance: String,
    /// Why (edits only); kept in the changelog.
    #[serde(default)]
    pub reason: String,
}

fn default_status() -> String {
    "active".to_owned()
}

fn default_stance() -> String {
    "contested".to_owned()
}

impl ThreadInput {
    /// The validated fields.
    pub fn fields(&self) -> Result<ThreadFields, AppError> {
        Ok(ThreadFields {
            title: validate::required("the title", &self.title, 200).map_err(AppError::Invalid)?,
            framing_question: validate::required("the framing question", &self.framing_question, 1000)
                .map_err(AppError::Invalid)?,
            status: validate::status(&self.status).map_err(AppError::Invalid)?,
            stance: validate::stance(&self.stance).map_err(AppError::Invalid)?,
        })
    }

    /// The slug asked for, or one derived from the title.
    pub fn slug(&self) -> Result<String, AppError> {
        match self.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => validate::slug(s),
            None => validate::slug_from_title(&self.title),
        }
        .map_err(AppError::Invalid)
    }
}

/// Refuses those who may not start threads, saying who may and how to become one.
pub fn require_thread_starter(user: &CurrentUser) -> Result<(), AppError> {
    // A suspension is said as itself, not reworded as a matter of role.
    access::refuse_if_suspended(user)?;
    access::require(user, roles::can_create_thread, "start threads").map_err(|e| match e {
        AppError::Forbidden(_) => AppError::Forbidden(format!(
            "curators, moderators and administrators can start threads, and you are {}: \
             ask an administrator to make you a curator",
            user.role.with_article()
        )),
        other => other,
    })
}

/// Creates a thread; its creator becomes its first curator.
pub fn create_in(conn: &mut PgConnection, user: &CurrentUser, input: &ThreadInput) -> Result<ThreadRow, AppError> {
    require_thread_starter(user)?;
    let fields = input.fields()?;
    let slug = input.slug()?;
    threads::create(conn, &slug, &fields, user.id)
}

/// The async entry of [`create_in`].
pub async fn create(pool: &PgPool, user: &CurrentUser, input: ThreadInput) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| create_in(c, &user, &input)).await
}

/// Changes a thread's title, framing question and status. The stance is not among them: it
/// changes only through an approved proposal (`ops::stance`), so a `stance` sent here is ignored.
pub fn update_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    input: &ThreadInput,
) -> Result<ThreadRow, AppError> {
    let fields = input.fields()?;
    let reason = validate::reason(&input.reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
        let id = thread.thread_id();
        // One changelog entry per field that changed, so each can be filtered and read alone.
        let fields_changed = [
            ("title", thread.title.as_str(), fields.title.as_str()),
            ("framing_question", thread.framing_question.as_str(), fields.framing_question.as_str()),
            ("status", thread.status.as_str(), fields.status.as_str()),
        ];
        for (field, before, after) in fields_changed.into_iter().filter(|(_, b, a)| b != a) {
            changes::record(
                c,
                &NewChange {
                    reason: &reason,
                    before: Some(json!({ field: before })),
                    after: Some(json!({ field: after })),
                    autopatrolled: roles::can_moderate(user.role),
                    ..NewChange::on_thread(id, Area::Details, field, user.id)
                },
            )?;
        }
        threads::update_fields(c, id, &fields)?;
        Ok(thread)
    })
}

/// The async entry of [`update_in`].
pub async fn update(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    input: ThreadInput,
) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| update_in(c, &user, &slug, &input)).await
}

/// The details form of a thread `user` may edit, filled with its current values.
pub fn edit_form_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
) -> Result<(ThreadRow, ThreadInput), AppError> {
    let thread = access::editable_thread(conn, slug, user)?;
    let input = ThreadInput {
        title: thread.title.clone(),
        framing_question: thread.framing_question.clone(),
        slug: None,
        status: thread.status.clone(),
        stance: thread.stance.clone(),
        reason: String::new(),
    };
    Ok((thread, input))
}

/// The async entry of [`edit_form_in`].
pub async fn edit_form(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<(ThreadRow, ThreadInput), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| edit_form_in(c, &user, &slug)).await
}

/// A thread `user` may edit, with its curators (for the curators page).
pub fn curators_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
) -> Result<(ThreadRow, Vec<String>), AppError> {
    let thread = access::editable_thread(conn, slug, user)?;
    let curators = threads::curators(conn, thread.thread_id())?;
    Ok((thread, curators))
}

/// The async entry of [`curators_in`].
pub async fn curators(pool: &PgPool, user: &CurrentUser, slug: String) -> Result<(ThreadRow, Vec<String>), AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| curators_in(c, &user, &slug)).await
}

/// Adds a curator to a thread (by username) or removes one; the thread keeps at least one.
pub fn set_curator_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    slug: &str,
    username: &str,
    add: bool,
    reason: &str,
) -> Result<ThreadRow, AppError> {
    let reason = validate::reason(reason).map_err(AppError::Invalid)?;
    conn.transaction(|c| {
        let thread = access::editable_thread(c, slug, user)?;
        let id = thread.thread_id();
        let target: users::User = users::by_username(c, username.trim())?
            .ok_or_else(|| AppError::Invalid(format!("there is no user called \"{}\"", username.trim())))?
            .into();
        let target_id = target.id;
        let is_curator = threads::is_curator(c, id, target_id)?;
        let action = match (add, is_curator) {
            (true, true) => {
                return Err(AppError::Invalid(format!("{} already curates this thread", target.username)));
            }
            (false, false) => {
                return Err(AppError::Invalid(format!("{} does not curate this thread", target.username)));
            }
            (true, false) => {
                if !roles::can_create_thread(target.role) {
                    promote_to_curator(c, user, &target, &reason)?;
                }
                threads::add_curator(c, id, target_id)?;
                "added"
            }
            (false, true) => {
                if threads::curators(c, id)?.len() <= 1 {
                    return Err(AppError::Invalid("a thread keeps at least one curator".to_owned()));
                }
                threads::remove_curator(c, id, target_id)?;
                "removed"
            }
        };
        changes::record(
            c,
            &NewChange {
                subject_id: Some(target.id.0),
                subject: &target.username,
                reason: &reason,
                autopatrolled: roles::can_moderate(user.role),
                ..NewChange::on_thread(id, Area::Curators, action, user.id)
            },
        )?;
        threads::touch(c, id)?;
        Ok(thread)
    })
}

/// Makes the reader `target` a curator, so they can be added to a thread in the same step, when
/// `user` may give that role (moderators and admins); otherwise says who can. Logged like any
/// role change.
fn promote_to_curator(
    c: &mut PgConnection,
    user: &CurrentUser,
    target: &users::User,
    reason: &str,
) -> Result<(), AppError> {
    if !roles::can_set_role(user.role, target.role, Role::Curator) {
        return Err(AppError::Invalid(format!(
            "{name} is a reader, and only a moderator or an administrator can make a reader a curator: \
             ask one to add {name} here, or choose someone who is already a curator",
            name = target.username
        )));
    }
    users::set_role(c, target.id, Role::Curator)?;
    moderation::append(
        c,
        &NewLogEntry {
            actor: user.id,
            action: ModAction::Role,
            thread: None,
            target_user: Some(target.id),
            change: None,
            target: &format!("{}: {} → {}", target.username, target.role.as_str(), Role::Curator.as_str()),
            reason,
        },
    )?;
    Ok(())
}

/// The async entry of [`set_curator_in`].
pub async fn set_curator(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    username: String,
    add: bool,
    reason: String,
) -> Result<ThreadRow, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| set_curator_in(c, &user, &slug, &username, add, &reason)).await
}

/// [`set_curator_in`], answering with the thread's curators once the change is committed (the
/// JSON API's answer).
pub async fn set_curator_listed(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    username: String,
    add: bool,
    reason: String,
) -> Result<Vec<String>, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| {
        let thread = set_curator_in(c, &user, &slug, &username, add, &reason)?;
        Ok(threads::curators(c, thread.thread_id())?)
    })
    .await
}

/// A curator change from the curators page: done, or refused with the page's data to show the
/// refusal on.
pub enum CuratorChange {
    /// Added or removed; the thread, to go back to its curators page.
    Done(ThreadRow),
    /// Invalid (no such user, already a curator, the last curator...): the message, and the
    /// thread with its curators as they still are.
    Refused { message: String, thread: ThreadRow, curators: Vec<String> },
}

/// [`set_curator`] from the curators page: an invalid change comes back with the page's data.
pub async fn change_curator(
    pool: &PgPool,
    user: &CurrentUser,
    slug: String,
    username: String,
    add: bool,
    reason: String,
) -> Result<CuratorChange, AppError> {
    match set_curator(pool, user, slug.clone(), username, add, reason).await {
        Ok(thread) => Ok(CuratorChange::Done(thread)),
        Err(AppError::Invalid(message)) => {
            let (thread, curators) = curators(pool, user, slug).await?;
            Ok(CuratorChange::Refused { message, thread, curators })
        }
        Err(other) => Err(other),
    }
}

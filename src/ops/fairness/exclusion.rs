//! Moderators leave an account's fairness ratings out of the model, or count them again
//! (logged in the moderation log).

use diesel::{Connection, PgConnection};
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db::fairness as store;
use crate::db::moderation::{self, NewLogEntry};
use crate::db::{self, PgPool, users};
use crate::domain::history::ModAction;
use crate::domain::ids::UserId;
use crate::domain::roles;
use crate::domain::validate;
use crate::error::AppError;
use crate::ops::access;

/// An exclusion (or inclusion) as its form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ExclusionInput {
    #[serde(default)]
    pub reason: String,
}

/// Leaves `target`'s ratings out of the fairness model (`excluded`), or counts them again; a
/// reason is required to exclude. Moderators for users below them, admins for anyone but
/// themselves; logged. Doing what is already done changes and logs nothing.
pub fn set_exclusion_in(
    conn: &mut PgConnection,
    user: &CurrentUser,
    target: UserId,
    excluded: bool,
    reason: &str,
) -> Result<bool, AppError> {
    access::require(user, roles::can_manage_users, "exclude ratings")?;
    let reason =
        if excluded { validate::required_reason(reason, "excluding ratings") } else { validate::reason(reason) }
            .map_err(AppError::Invalid)?;
    if target == user.id {
        return Err(AppError::Invalid("you cannot exclude or include your own ratings".into()));
    }
    conn.transaction(|c| {
        let actor = users::by_id(c, user.id)?;
        access::refuse_if_suspended(&actor)?;
        let current = users::by_id(c, target)?;
        if !roles::can_suspend(actor.role, current.role) {
            return Err(AppError::Forbidden(format!(
                "{} cannot exclude the ratings of {}",
                actor.role.with_article(),
                current.role.with_article()
            )));
        }
        if store::set_ratings_excluded(c, target, excluded)? {
            moderation::append(
                c,
                &NewLogEntry {
                    actor: actor.id,
                    action: if excluded { ModAction::ExcludeRatings } else { ModAction::IncludeRatings },
                    thread: None,
                    target_user: Some(target),
                    change: None,
                    target: &current.username,
                    reason: &reason,
                },
            )?;
            crate::ops::fairness_fit::mark_dirty_in(c)?;
        }
        Ok(excluded)
    })
}

/// See [`set_exclusion_in`].
pub async fn set_exclusion(
    pool: &PgPool,
    user: &CurrentUser,
    target: UserId,
    excluded: bool,
    reason: String,
) -> Result<bool, AppError> {
    let user = user.clone();
    db::with_conn(pool, move |c| set_exclusion_in(c, &user, target, excluded, &reason)).await
}

/// Whether `target`'s ratings are left out of the model, for their account page.
pub async fn excluded(pool: &PgPool, target: UserId) -> Result<bool, AppError> {
    db::with_conn(pool, move |c| Ok(store::ratings_excluded_at(c, target)?.is_some())).await
}

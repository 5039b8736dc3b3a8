//! Rendering a text someone typed: the editor's preview, and the time budget every render
//! (`ops::citations`) runs within on the blocking pool.

use std::time::Duration;

use crate::auth::CurrentUser;
use crate::db::PgPool;
use crate::domain::html::SafeHtml;
use crate::domain::{roles, validate};
use crate::error::AppError;

use super::{access, rate};

/// How long one render may take. A 200 KB text of the worst shapes the depth bound lets through
/// renders in well under a second (see `bench/markdown_worst`).
pub const RENDER_BUDGET: Duration = Duration::from_secs(3);

/// The editor's preview: for people who can edit something (curators, moderators, admins);
/// rate-limited per account
/// (`rate::check_preview_rate`); the Markdown goes through the same checks and renderer as a save.
pub async fn preview(pool: &PgPool, user: Option<&CurrentUser>, body: &str) -> Result<SafeHtml, AppError> {
    // A script gets 401, not a redirect.
    let Some(user) = user else { return Err(AppError::Unauthorized("log in to preview".to_owned())) };
    access::refuse_if_suspended(user)?;
    if !roles::can_preview(user.role) {
        return Err(AppError::Forbidden(
            "previews are for people who can edit: curators, moderators and admins".to_owned(),
        ));
    }
    rate::check_preview_rate(pool, user).await?;
    let body = validate::markdown("the text", body, validate::MAX_SYNTHESIS_BYTES).map_err(AppError::Invalid)?;
    // Citations show as they will once saved, and a marker naming nothing is refused the same way.
    Ok(super::citations::render(pool, body).await?.html)
}

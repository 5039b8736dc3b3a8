//! Which database a request reads from, and read-your-writes across replicas.
//!
//! With replicas configured (`AGORA_REPLICA_URLS`), [`route`] scopes the reads of a `GET` or
//! `HEAD` request to a usable replica (`db::replicas`): checked recently, within the lag bound,
//! and past the WAL position of the visitor's own last write. Every other request (and every
//! background job) uses the primary. After an unsafe request of a session holder (or one that
//! opened a session: login, sign-up), the primary's WAL position, taken once the request's
//! transactions have committed, is stored in the session (or, for a bearer request, on the API
//! token), so that visitor reads from a replica only once it has replayed their write. Anonymous
//! visitors have written nothing to wait for.
//!
//! Code that writes while serving a `GET`, or must read the primary's latest state, calls
//! `db::with_primary_conn`. A middleware that must keep a whole request on the primary (a page
//! cache that stores what it renders, so it never keeps a page older than a change it has been
//! told of) either marks the request with [`read_from_primary`] before this middleware runs, or
//! wraps its own call in `db::replicas::on_primary` when it runs inside it.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};

use super::Visitor;
use super::session::{SESSION_COOKIE, token_hash};
use crate::db::{self, api_tokens, replicas, sessions};
use crate::state::AppState;

/// The WAL position of the visitor's last write: `visitor::load` puts it in the request when the
/// request carries a live session, `bearer::serve` when it presents a live API token.
#[derive(Debug, Clone, Copy)]
pub struct LastWrite(pub i64);

/// A request extension: every read of this request goes to the primary.
#[derive(Debug, Clone, Copy)]
pub struct ReadFromPrimary;

/// Keeps the reads of `req` on the primary (call before [`route`] runs, e.g. from an outer
/// middleware).
pub fn read_from_primary(req: &ServiceRequest) {
    req.extensions_mut().insert(ReadFromPrimary);
}

/// The middleware (inside `visitor::load`, which resolves the session on the primary).
pub async fn route(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    if state.replicas.is_empty() {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let last_write = req.extensions().get::<LastWrite>().copied();
    if req.method().is_safe() {
        let replica = if req.extensions().contains::<ReadFromPrimary>() {
            None
        } else {
            let written = last_write.map_or(0, |LastWrite(lsn)| u64::try_from(lsn).unwrap_or(0));
            state.replicas.pick(written)
        };
        let res = replicas::reading_from(replica, next.call(req)).await?;
        return Ok(res.map_into_boxed_body());
    }
    // Whose write this is: the token's, for a bearer request (its cookies are ignored), else
    // the session's.
    let token = req.extensions().get::<Visitor>().and_then(|v| v.token).map(|t| t.id);
    let request_session = match token {
        Some(_) => None,
        None => last_write.and_then(|_| req.cookie(SESSION_COOKIE)).map(|c| c.value().to_owned()),
    };
    let res = next.call(req).await?.map_into_boxed_body();
    // A session opened by this request (login, sign-up) is the one that reads next.
    let opened = res
        .response()
        .cookies()
        .find(|c| c.name() == SESSION_COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_owned());
    let recorded = match (opened.or(request_session), token) {
        (Some(session), _) => {
            let hash = token_hash(&session);
            Some(db::with_primary_conn(&state.pool, move |c| Ok(sessions::set_write_position(c, &hash)?)).await)
        }
        (None, Some(id)) => {
            Some(db::with_primary_conn(&state.pool, move |c| Ok(api_tokens::set_write_position(c, id)?)).await)
        }
        (None, None) => None,
    };
    if let Some(Err(e)) = recorded {
        // The write itself succeeded; at worst the next read comes from a replica that has not
        // replayed it yet. Say so rather than fail a committed request.
        tracing::warn!(error = %e, "could not record the writer's write position");
    }
    Ok(res)
}

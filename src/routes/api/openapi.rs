//! The OpenAPI 3.1 description of `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! attributes and the views' and inputs' `ToSchema` derives, served at `/api/v1/openapi.json`
//! (and rendered for people at `/api/v1/docs`, see `docs`).

use std::sync::OnceLock;

use actix_web::HttpResponse;
use actix_web::http::header::{self, ContentType};
use actix_web::web;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::{Modify, OpenApi, ToSchema};

use super::views::ErrorBody;
use super::{
    API, account, attention, citations, curation, docs, events, fairness, following, history, link_health, matrix,
    moderation, notifications, search, session, sources, stance, synthesis, threads, tokens, users,
};
use crate::routes::table::{Routes, at};

/// Registers the document and its page.
pub fn configure(cfg: &mut web::ServiceConfig) {
    Routes::under(cfg, API).add(at("/openapi.json").get(openapi_json)).add(at("/docs").get(docs::page));
}

/// The derive that collects every operation; `document()` is the value to use.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Agora API",
        description = "The JSON API of Agora, a curation server for contested topic threads.\n\n\
            Every error is `{\"error\": \"...\"}`. Writes need the `agora_session` cookie (from \
            `POST /api/v1/session`) and its CSRF token in the `X-CSRF-Token` header (from \
            `GET /api/v1/session`), or a personal API token (made at `/account/tokens`) sent as \
            `Authorization: Bearer <token>`, which needs no CSRF token and no cookie. Request bodies are at most 1 MiB and refuse unknown fields. \
            Any operation may also answer 500 (with a `request_id` to quote) or 503 (the database \
            is unavailable).",
    ),
    paths(
        session::current,
        session::log_in,
        session::log_out,
        account::issue,
        account::revoke,
        tokens::list,
        tokens::create,
        tokens::revoke,
        threads::list,
        threads::create,
        threads::detail,
        curation::add_curator,
        curation::remove_curator,
        synthesis::save_synthesis,
        synthesis::revisions,
        synthesis::revision,
        synthesis::revert,
        synthesis::undo,
        synthesis::rollback,
        synthesis::diff,
        synthesis::blame,
        threads::create_item,
        threads::update_item,
        threads::delete_item,
        curation::answer,
        curation::reopen,
        matrix::show,
        matrix::assess,
        events::list,
        events::detail,
        events::create,
        events::create_for_thread,
        events::update,
        citations::list,
        sources::list,
        sources::detail,
        sources::create,
        sources::update,
        history::thread_changes,
        history::recent,
        history::contributions,
        history::item_history,
        history::item_diff,
        moderation::queue,
        moderation::patrol,
        moderation::hide,
        moderation::unhide,
        moderation::lock,
        moderation::unlock,
        moderation::log,
        following::list,
        following::follow,
        following::unfollow,
        following::since,
        following::mark_read,
        // Issue 17: the fair-summary signal.
        fairness::camp,
        fairness::set_camp,
        fairness::rate,
        fairness::mine,
        fairness::figures,
        fairness::exclude,
        fairness::include,
        users::set_role,
        users::suspend,
        users::unsuspend,
        notifications::list,
        notifications::mark_read,
        notifications::digest_settings,
        notifications::save_digest_settings,
        search::search,
        link_health::list,
        // The governed stance label.
        stance::show,
        stance::propose,
        stance::approve,
        stance::reject,
        stance::withdraw,
        stance::list,
        // Issue 17: the threads that need attention.
        attention::list,
        openapi_json,
        docs::page,
    ),
    modifiers(&NoLicense, &Security, &ServerErrors, &Links),
    tags(
        (name = "session", description = "Logging in and out; the CSRF token for writes"),
        (name = "account", description = "Your own account: the private feed URL of the threads you follow, and personal API tokens"),
        (name = "threads", description = "Contested topic threads"),
        (name = "synthesis", description = "The versioned canonical synthesis of a thread"),
        (name = "sections", description = "Arc periods, interpretations, open questions and controversies"),
        (name = "events", description = "Dated events, shared across threads"),
        (name = "sources", description = "Sources the threads cite, their link health, and what cites each"),
        (name = "history", description = "The changelog: what changed, by whom and why, and item versions"),
        (name = "moderation", description = "Patrolling, hiding content, locking threads, and the moderation log"),
        (name = "users", description = "Roles and suspensions"),
        (name = "fairness", description = "Readers' camps and fairness ratings, and the public figures per camp"),
        (name = "following", description = "Following threads, and what changed since you last read one"),
        (name = "notifications", description = "Changes to followed threads, and e-mail digests of them"),
        (name = "search", description = "Full-text search over threads, events and sources"),
        (name = "docs", description = "This description"),
    )
)]
struct ApiDoc;

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(ApiDoc::openapi)
}

/// utoipa fills `info` from Cargo.toml, whose license field is empty: say nothing rather than
/// publish a license with an empty name.
struct NoLicense;

impl Modify for NoLicense {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.info.license = None;
    }
}

/// The session cookie and the CSRF header, which writes need together; or a personal API token
/// as a bearer token, alone, on every operation that takes the session except those that manage
/// sessions and tokens (see `auth::bearer`).
struct Security;

/// The bearer scheme's name in the document.
pub const BEARER_SCHEME: &str = "bearer_token";

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use actix_web::http::Method;
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement};
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                (Method::GET, &mut item.get),
                (Method::POST, &mut item.post),
                (Method::PUT, &mut item.put),
                (Method::DELETE, &mut item.delete),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                let Some(security) = operation.security.as_mut() else { continue };
                if !security.is_empty() && !crate::auth::bearer::session_only(&method, path) {
                    security.push(SecurityRequirement::new::<_, _, &str>(BEARER_SCHEME, []));
                    // What any bearer request may meet, whatever the operation: a bad token, and
                    // the token's rate limit.
                    let responses = &mut operation.responses.responses;
                    responses.entry("401".to_owned()).or_insert_with(|| {
                        RefOr::T(error_response("Not logged in, or an unknown or revoked API token"))
                    });
                    responses.entry("429".to_owned()).or_insert_with(|| {
                        RefOr::T(error_response("Too many requests with this API token; wait `Retry-After` seconds"))
                    });
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token (made at `/account/tokens`), as `Authorization: Bearer <token>`. \
                         It stands for its owner, needs no CSRF token and no cookie, and sets none. A `read` token \
                         may only GET (other methods: 403). A revoked or unknown token: 401; a suspended \
                         owner's: 403. Each token is limited to a number of requests a minute (429 with \
                         `Retry-After`). Tokens cannot log in or out or manage tokens.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::SESSION_COOKIE,
                "Set by `POST /api/v1/session`; HttpOnly, SameSite=Lax.",
            ))),
        );
        components.add_security_scheme(
            "csrf_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The `csrf_token` of `GET /api/v1/session` (or of the login answer); required on every \
                 POST, PUT and DELETE except a JSON login. Cross-site requests (by Origin or Referer) are refused.",
            ))),
        );
    }
}

/// 500 and 503 can answer any operation; they are added to each here rather than written on
/// every handler, and share one definition under `components.responses`.
struct ServerErrors;

impl Modify for ServerErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let errors = [
            ("500", "InternalError", "Something failed on the server; `request_id` names it in the log"),
            ("503", "Unavailable", "The database is unavailable; try again shortly"),
        ];
        let components = openapi.components.get_or_insert_with(Default::default);
        for (_, name, description) in errors {
            components.responses.insert(name.to_owned(), RefOr::T(error_response(description)));
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                for (status, name, _) in errors {
                    let reference = Ref::new(format!("#/components/responses/{name}"));
                    operation.responses.responses.insert(status.to_owned(), RefOr::Ref(reference));
                }
            }
        }
    }
}

/// OpenAPI links: where the value a creation answers with (a thread's slug, a revision's seq, an
/// item's or event's id) can be used next. Clients and stateful testers (Schemathesis) follow them
/// to chain calls: create a thread, then save its synthesis, then read that revision.
struct Links;

/// (operation, status, link name, target operation, parameters as runtime expressions)
type LinkSpec = (&'static str, &'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

const NEW_SLUG: &[(&str, &str)] = &[("slug", "$response.body#/slug")];
const SAME_SLUG_SEQ: &[(&str, &str)] = &[("slug", "$request.path.slug"), ("seq", "$response.body#/seq")];
const SAME_ITEM: &[(&str, &str)] =
    &[("slug", "$request.path.slug"), ("kind", "$request.path.kind"), ("id", "$response.body#/id")];
const NEW_ID: &[(&str, &str)] = &[("id", "$response.body#/id")];

const LINKS: &[LinkSpec] = &[
    ("create_thread", "201", "GetThread", "get_thread", NEW_SLUG),
    ("create_thread", "201", "SaveSynthesis", "save_synthesis", NEW_SLUG),
    ("create_thread", "201", "CreateThreadEvent", "create_thread_event", NEW_SLUG),
    ("create_thread", "201", "ListRevisions", "list_revisions", NEW_SLUG),
    ("create_thread", "201", "ListThreadChanges", "list_thread_changes", NEW_SLUG),
    ("create_thread", "201", "FollowThread", "follow_thread", NEW_SLUG),
    ("save_synthesis", "201", "GetRevision", "get_revision", SAME_SLUG_SEQ),
    ("save_synthesis", "201", "UndoRevision", "undo_revision", SAME_SLUG_SEQ),
    ("create_section_item", "201", "UpdateSectionItem", "update_section_item", SAME_ITEM),
    ("create_section_item", "201", "ListItemChanges", "list_item_changes", SAME_ITEM),
    ("create_section_item", "201", "DeleteSectionItem", "delete_section_item", SAME_ITEM),
    ("create_event", "201", "GetEvent", "get_event", NEW_ID),
    ("create_event", "201", "UpdateEvent", "update_event", NEW_ID),
    ("create_thread_event", "201", "GetEvent", "get_event", NEW_ID),
    ("create_thread_event", "201", "UpdateEvent", "update_event", NEW_ID),
    ("create_source", "201", "GetSource", "get_source", NEW_ID),
    ("create_source", "201", "UpdateSource", "update_source", NEW_ID),
];

impl Modify for Links {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                let Some(id) = operation.operation_id.clone() else { continue };
                for (_, status, name, target, parameters) in LINKS.iter().filter(|l| l.0 == id) {
                    let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status) else { continue };
                    // utoipa 5.5 writes `LinkBuilder::operation_id` as "operation_id" (its Link
                    // lacks camelCase renaming), which no OpenAPI reader knows: the field goes in
                    // through the flattened extensions, under its name in the specification.
                    let link = parameters
                        .iter()
                        .fold(LinkBuilder::new(), |b, (p, v)| b.parameter(*p, *v))
                        .extensions(Some(Extensions::from_iter([("operationId", *target)])))
                        .build();
                    response.links.insert((*name).to_owned(), RefOr::T(link));
                }
            }
        }
    }
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(Ref::from_schema_name(ErrorBody::name()))).build(),
        )
        .build()
}

/// This document
///
/// The OpenAPI 3.1 description of `/api/v1`, generated from the code.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "get_openapi_document",
    tag = "docs",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> HttpResponse {
    static JSON: OnceLock<String> = OnceLock::new();
    let body = JSON.get_or_init(|| serde_json::to_string(document()).expect("an OpenApi value always serializes"));
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body.as_str())
}

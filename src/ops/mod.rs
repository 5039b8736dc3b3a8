//! Operations shared by the HTML and JSON handlers: validate input, check permission, run the
//! queries in one transaction and build what the page or the JSON needs. A handler calls one of
//! them and only parses the request and picks a response.
//!
//! Each operation is a function on the caller's connection, `*_in(conn: &mut PgConnection, …)`,
//! so several compose inside one transaction, plus a thin async entry of the operation's name
//! that runs it through `db::with_conn`. Work that must not hold a connection (rendering
//! Markdown, diffing) runs in the async entry under `compute::bounded`, before or after the
//! `*_in` steps. Row types a handler needs are re-exported by the operation that returns them.

pub mod access;
pub mod api_tokens;
pub mod attention;
pub mod backfill;
pub mod bench_reference;
pub mod changelog;
pub mod citations;
pub mod compute;
pub mod create_admin;
pub mod cursor;
pub mod demo;
pub mod demo_ratings;
pub mod digest;
pub mod events;
pub mod fairness;
pub mod fairness_fit;
pub mod fanout;
pub mod feeds;
pub mod following;
pub mod health;
pub mod hiding;
pub mod history;
pub mod indexes;
pub mod jobs;
pub mod linkcheck;
pub mod markdown;
pub mod matrix;
pub mod moderation;
pub mod notifications;
pub mod rate;
pub mod restore;
pub mod revisions;
pub mod search;
pub mod search_index;
pub mod section_fields;
pub mod sections;
pub mod sessions;
pub mod sitemap;
pub mod sources;
pub mod stance;
pub mod synthesis;
pub mod thread_page;
pub mod threads;
pub mod users;
pub mod visibility;

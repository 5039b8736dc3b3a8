//! Operations shared by the HTML and JSON handlers: validate input, check permission and run
//! the queries in one blocking call. Handlers only parse the request and pick a response.

pub mod access;
pub mod backfill;
pub mod changelog;
pub mod compute;
pub mod create_admin;
pub mod cursor;
pub mod demo;
pub mod digest;
pub mod events;
pub mod feeds;
pub mod following;
pub mod health;
pub mod history;
pub mod indexes;
pub mod markdown;
pub mod moderation;
pub mod notifications;
pub mod rate;
pub mod restore;
pub mod revisions;
pub mod search;
pub mod section_fields;
pub mod sections;
pub mod sessions;
pub mod synthesis;
pub mod thread_page;
pub mod threads;
pub mod users;
pub mod visibility;

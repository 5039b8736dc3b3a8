//! Integration tests: each test starts the real application on a random port against a
//! database of its own, cloned from a migrated template.

mod accounts;
mod admin;
mod api;
mod authz;
mod bounded;
#[path = "../common/mod.rs"]
mod common;
mod concurrency;
mod curators;
mod demo;
mod digest;
mod editor;
mod error_pages;
mod event_rights;
mod events;
mod feedback;
mod feeds;
mod following;
mod headers;
mod health;
mod helpers;
mod hidden_items;
mod hidden_probe;
mod hiding;
mod history;
mod history_api;
mod indexes;
mod last_admin;
mod moderation_api;
mod notifications;
mod openapi;
mod openapi_links;
mod origins;
mod pages;
mod passwords;
mod search;
mod sections;
mod security;
mod smtp_sink;
mod sqli;
mod synthesis;
mod threads;
mod throttle;
mod timeline;
mod wording;

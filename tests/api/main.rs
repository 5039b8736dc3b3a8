//! Integration tests: each test starts the real application on a random port against a
//! database of its own, cloned from a migrated template.

mod accounts;
mod admin;
mod api;
mod authz;
mod concurrency;
mod demo;
mod digest;
mod editor;
mod events;
mod feeds;
mod following;
mod health;
mod helpers;
mod history;
mod history_api;
mod indexes;
mod moderation_api;
mod notifications;
mod openapi;
mod openapi_links;
mod search;
mod sections;
mod security;
mod smtp_sink;
mod sqli;
mod synthesis;
mod threads;
mod timeline;

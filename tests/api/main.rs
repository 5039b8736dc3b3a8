//! Integration tests: each test starts the real application on a random port against a
//! database of its own, cloned from a migrated template.

mod accounts;
mod admin;
mod api;
mod authz;
mod concurrency;
mod demo;
mod editor;
mod events;
mod health;
mod helpers;
mod history;
mod history_api;
mod moderation_api;
mod openapi;
mod search;
mod sections;
mod security;
mod sqli;
mod synthesis;
mod threads;

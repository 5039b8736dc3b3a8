//! Integration tests: each test starts the real application on a random port against a
//! database of its own, cloned from a migrated template.

mod helpers;
mod health;
mod accounts;
mod security;
mod api;
mod threads;
mod synthesis;
mod sections;
mod events;
mod demo;
mod admin;

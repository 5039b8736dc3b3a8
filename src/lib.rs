//! Agora: a curation server for contested topic threads.
//!
//! Layers point one way: `routes -> ops -> (db, render, auth) -> domain`. Handlers in `routes`
//! call one operation in `ops`, which validates, authorizes, runs the `db` queries and has pages
//! built by `render` (from view types, never rows); `domain` holds the rules and values the
//! others share and depends on nothing of ours. `error` and `config` are usable by all; `state`
//! (what handlers reach) and `startup` (the composition root that wires everything together)
//! sit on top. `tests/layers.rs` checks every `use crate::` line against this rule.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod ops;
pub mod render;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;

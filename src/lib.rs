//! Agora: a curation server for contested topic threads.
//!
//! Layers point one way: `routes` -> `domain`, `db`, `render`, `auth`; `db` -> `domain` types;
//! `domain` depends on nothing of ours.

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

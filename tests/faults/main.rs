//! Fault-injection tests ("Nothing lost"): the database crashing under load, the server killed
//! mid-stream or asked to stop, and two instances sharing one database. Every test checks that an
//! acknowledged save (a 201) is in the revisions table afterwards and that the history stayed a
//! gap-free chain.
//!
//! Each test brings its own resources and removes them in `Drop` guards: a database on the
//! machine's PostgreSQL cloned from the migrated template (`common::TestDatabase`, shared with
//! `tests/api`), a throwaway PostgreSQL cluster (`Postgres`) or a child `agora` process
//! (`ServerProcess`). Every wait has a deadline.

#[path = "../common/mod.rs"]
mod common;
mod crash;
mod db_outage;
mod helpers;
mod history;
mod logs;
mod page_cache;
mod postgres;
mod replicas;
mod save_stream;
mod server_process;
mod shutdown;
mod startup_race;
mod two_instances;

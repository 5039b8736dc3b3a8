//! Tests: threads.

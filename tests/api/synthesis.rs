//! Tests: synthesis.

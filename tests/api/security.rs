//! Tests: security.

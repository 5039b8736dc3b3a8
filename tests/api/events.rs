//! Tests: events.

//! Tests: sections.

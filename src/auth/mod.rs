//! Passwords, sessions, CSRF and the `Visitor` extractor.

pub mod bearer;
pub mod csrf;
pub mod password;
pub mod privacy;
pub mod read_your_writes;
pub mod session;
pub mod visitor;

pub use visitor::{CurrentUser, Visitor};

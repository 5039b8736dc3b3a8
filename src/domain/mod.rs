//! Rules with no actix and no diesel: ids, roles and permission checks, the vocabularies of a
//! thread, and validation of user input.

pub mod ids;
pub mod roles;
pub mod thread;
pub mod validate;

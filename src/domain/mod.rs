//! Rules with no actix and no diesel: ids, roles and permission checks, the vocabularies of a
//! thread, and validation of user input.

pub mod api_token;
pub mod attention;
pub mod blame;
pub mod citation;
pub mod client_address;
pub mod digest;
pub mod fairness;
pub mod flash;
pub mod history;
pub mod html;
pub mod ids;
pub mod link_health;
pub mod matrix;
pub mod merge;
pub mod nesting;
pub mod net_guard;
pub mod restriction;
pub mod roles;
pub mod search;
pub mod since;
pub mod sitemap;
pub mod source_url;
pub mod stance;
pub mod thread;
pub mod time;
pub mod validate;

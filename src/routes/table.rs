//! Route registration that remembers what it registered, so tests can enumerate every route
//! of the real app (the authorization matrix fails when a route is missing from its table).

use std::collections::BTreeSet;
use std::sync::Mutex;

use actix_web::{FromRequest, Handler, Resource, Responder, web};

static REGISTERED: Mutex<BTreeSet<(&'static str, String)>> = Mutex::new(BTreeSet::new());

/// Every (method, path pattern) registered by the app built so far in this process.
pub fn registered() -> Vec<(&'static str, String)> {
    REGISTERED.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
}

/// A path and the methods it answers; add it with `Routes::add`.
pub struct At {
    path: &'static str,
    resource: Resource,
    methods: Vec<&'static str>,
}

/// Starts a route at `path` (relative to the scope, if any).
pub fn at(path: &'static str) -> At {
    At { path, resource: web::resource(path), methods: Vec::new() }
}

macro_rules! method {
    ($name:ident, $route:ident, $verb:literal) => {
        #[doc = concat!("Answers ", $verb, " with `handler`.")]
        pub fn $name<F, Args>(mut self, handler: F) -> Self
        where
            F: Handler<Args>,
            Args: FromRequest + 'static,
            F::Output: Responder + 'static,
        {
            self.resource = self.resource.route(web::$route().to(handler));
            self.methods.push($verb);
            self
        }
    };
}

impl At {
    method!(get, get, "GET");
    method!(post, post, "POST");
    method!(put, put, "PUT");
    method!(delete, delete, "DELETE");
}

/// Registers routes on a `ServiceConfig`, recording each one.
pub struct Routes<'a> {
    cfg: &'a mut web::ServiceConfig,
    prefix: &'static str,
}

impl<'a> Routes<'a> {
    /// Routes at the top level.
    pub fn new(cfg: &'a mut web::ServiceConfig) -> Self {
        Routes { cfg, prefix: "" }
    }

    /// Routes inside a scope mounted at `prefix` (only used to record full paths).
    pub fn under(cfg: &'a mut web::ServiceConfig, prefix: &'static str) -> Self {
        Routes { cfg, prefix }
    }

    /// Registers one path with all its methods.
    pub fn add(&mut self, at: At) -> &mut Self {
        {
            let mut registered = REGISTERED.lock().unwrap_or_else(|p| p.into_inner());
            for method in &at.methods {
                registered.insert((method, format!("{}{}", self.prefix, at.path)));
            }
        }
        self.cfg.service(at.resource);
        self
    }
}

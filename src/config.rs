//! Settings: defaults, then environment, then CLI flags. Passed down, never global.

use crate::cli::{Cli, Command};

/// Everything the application needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    /// Add `Secure` to cookies; set `AGORA_COOKIE_SECURE=true` when served over TLS.
    pub cookie_secure: bool,
    /// Connections in the pool (also the number of concurrent database calls).
    pub pool_size: u32,
    /// Where readers reach the site, without a trailing slash (`AGORA_PUBLIC_URL`; default
    /// `http://` + the bind address): absolute links and stable ids in feeds and e-mail, which
    /// have no request to take a host from.
    pub public_url: String,
}

impl Settings {
    /// Settings for the given command line, reading `AGORA_*` variables for the rest.
    pub fn from_env(cli: &Cli) -> Self {
        let bind = match &cli.command {
            Command::Serve { bind, .. } => bind.clone(),
            _ => "127.0.0.1:8080".to_owned(),
        };
        let public_url = std::env::var("AGORA_PUBLIC_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .map_or_else(|| format!("http://{bind}"), |u| u.trim().trim_end_matches('/').to_owned());
        Settings {
            database_url: cli.database_url.clone(),
            bind,
            cookie_secure: env_flag("AGORA_COOKIE_SECURE"),
            pool_size: std::env::var("AGORA_POOL_SIZE").ok().and_then(|v| v.parse().ok()).unwrap_or(16),
            public_url,
        }
    }

    /// Settings for a test server on a random port.
    pub fn for_tests(database_url: String) -> Self {
        Settings {
            database_url,
            bind: "127.0.0.1:0".to_owned(),
            cookie_secure: false,
            pool_size: 4,
            public_url: "http://agora.test".to_owned(),
        }
    }
}

fn env_flag(name: &str) -> bool {
    matches!(std::env::var(name).as_deref(), Ok("1" | "true" | "yes"))
}

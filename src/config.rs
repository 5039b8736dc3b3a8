//! Settings: defaults, then environment, then CLI flags. Passed down, never global.

use std::time::Duration;

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
    /// The SMTP server for e-mail digests (`AGORA_SMTP_URL`): `smtp://host:25` (no TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465`.
    /// Unset: e-mail is off, and nothing else changes.
    pub smtp_url: Option<String>,
    /// The sender of digests (`AGORA_MAIL_FROM`), e.g. `Agora <agora@example.org>`.
    pub mail_from: String,
    /// How often due digests are looked for and sent (`AGORA_DIGEST_INTERVAL_SECS`, default 300).
    pub digest_interval: Duration,
}

/// The sender when `AGORA_MAIL_FROM` is unset.
pub const DEFAULT_MAIL_FROM: &str = "Agora <agora@localhost>";

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
            smtp_url: std::env::var("AGORA_SMTP_URL").ok().map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()),
            mail_from: std::env::var("AGORA_MAIL_FROM")
                .ok()
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
            digest_interval: Duration::from_secs(
                std::env::var("AGORA_DIGEST_INTERVAL_SECS")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .filter(|s| *s > 0)
                    .unwrap_or(300),
            ),
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
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            digest_interval: Duration::from_secs(300),
        }
    }
}

fn env_flag(name: &str) -> bool {
    matches!(std::env::var(name).as_deref(), Ok("1" | "true" | "yes"))
}

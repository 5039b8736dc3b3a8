//! One check of one address, guarded so it cannot become a way into the server's network:
//! every host (the source's and every redirect's) is resolved here and refused unless each of
//! its addresses is public (`domain::net_guard`); the request then connects only to those vetted
//! addresses (a resolver pinned to them), so a second DNS answer cannot slip a private address in
//! between the check and the connection. Redirects are followed by hand, bounded, loops detected;
//! `HEAD` first, `GET` reading a few KB where `HEAD` is refused; one deadline for all of it.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Method, StatusCode};
use url::{Host, Url};

use crate::config::LinkCheckSettings;
use crate::domain::link_health::Outcome;
use crate::domain::net_guard;
use crate::domain::source_url;

/// Makes ring the process's TLS crypto provider (reqwest is built without one, so that no C
/// toolchain or OpenSSL is needed); calling it again does nothing.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// What one check found, for the history row and the policy.
#[derive(Debug, Clone)]
pub struct Checked {
    pub outcome: Outcome,
    /// The last status code received, if any.
    pub status: Option<u16>,
    /// Where the redirects ended, when elsewhere than the address checked.
    pub final_url: Option<String>,
    pub elapsed: Duration,
}

/// Checks addresses with one configuration; shared by the checks of one round.
pub struct Fetcher {
    settings: LinkCheckSettings,
    tls: rustls::ClientConfig,
    gate: HostGate,
}

impl Fetcher {
    /// A fetcher for `settings`.
    pub fn new(settings: &LinkCheckSettings) -> Self {
        install_tls_provider();
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let mut tls = rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        Fetcher { settings: settings.clone(), tls, gate: HostGate::default() }
    }

    /// Checks `url` within the configured time, whatever the server does.
    pub async fn check(&self, url: &str) -> Checked {
        let started = Instant::now();
        let mut trail = Trail::default();
        let outcome = match tokio::time::timeout(self.settings.timeout, self.follow(url, &mut trail)).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome::Failed {
                status: None,
                error: format!("no complete answer within {} seconds", self.settings.timeout.as_secs()),
            },
        };
        let final_url = match &outcome {
            Outcome::Reached { final_url, .. } => final_url.clone(),
            Outcome::Failed { .. } => trail.last_url.filter(|u| u != url),
        };
        Checked { status: trail.status, outcome, final_url, elapsed: started.elapsed() }
    }

    async fn follow(&self, start: &str, trail: &mut Trail) -> Outcome {
        let fail = |status: Option<u16>, error: String| Outcome::Failed { status, error };
        let mut url = match Url::parse(start) {
            Ok(u) => u,
            Err(_) => return fail(None, "the address is not a valid URL".to_owned()),
        };
        let mut seen = HashSet::new();
        let mut permanent = true;
        for _hop in 0..=self.settings.max_redirects {
            if !seen.insert(url.to_string()) {
                return fail(trail.status, format!("redirect loop: {url} was reached twice"));
            }
            trail.last_url = Some(url.to_string());
            if let Err(refusal) = source_url::normalize(url.as_str()) {
                return fail(trail.status, format!("refused address {url}: {refusal}"));
            }
            let addrs = match self.vet(&url).await {
                Ok(a) => a,
                Err(e) => return fail(trail.status, e),
            };
            let (status, location) = match self.request(&url, addrs).await {
                Ok(r) => r,
                Err(e) => return fail(trail.status, e),
            };
            trail.status = Some(status.as_u16());
            if status.is_redirection() {
                let Some(location) = location else {
                    return fail(Some(status.as_u16()), "a redirect without a Location header".to_owned());
                };
                permanent &= matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT);
                url = match url.join(&location) {
                    Ok(next) => next,
                    Err(_) => return fail(Some(status.as_u16()), "a redirect to an invalid address".to_owned()),
                };
                continue;
            }
            if status.is_success() {
                let here = url.to_string();
                return Outcome::Reached {
                    status: status.as_u16(),
                    final_url: (here != start).then_some(here),
                    permanent,
                };
            }
            return fail(Some(status.as_u16()), format!("the server answered {status}"));
        }
        fail(trail.status, format!("more than {} redirects", self.settings.max_redirects))
    }

    /// The addresses `url`'s host resolves to, if every one of them may be connected to.
    async fn vet(&self, url: &Url) -> Result<Vec<SocketAddr>, String> {
        let port = url.port_or_known_default().ok_or("the address has no port")?;
        let ips: Vec<IpAddr> = match url.host() {
            Some(Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
            Some(Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
            Some(Host::Domain(name)) => tokio::net::lookup_host((name, port))
                .await
                .map_err(|_| format!("the host {name} could not be found"))?
                .map(|a| a.ip())
                .collect(),
            None => return Err("the address names no host".to_owned()),
        };
        if ips.is_empty() {
            return Err("the host has no address".to_owned());
        }
        if let Some(bad) = ips.iter().find(|ip| !self.allowed(**ip)) {
            return Err(format!("refused: {bad} is not a public address"));
        }
        Ok(ips.into_iter().map(|ip| SocketAddr::new(ip, port)).collect())
    }

    fn allowed(&self, ip: IpAddr) -> bool {
        let loopback = match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        };
        net_guard::is_public(ip) || (self.settings.allow_loopback && loopback)
    }

    /// One request to `url` over `addrs` (`HEAD`, then `GET` if refused): its status and
    /// Location header.
    async fn request(&self, url: &Url, addrs: Vec<SocketAddr>) -> Result<(StatusCode, Option<String>), String> {
        let host = url.host_str().unwrap_or_default().to_owned();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(self.tls.clone())
            .dns_resolver(Arc::new(Pinned { host: host.clone(), addrs }))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(&self.settings.user_agent)
            .timeout(self.settings.timeout)
            .build()
            .map_err(|e| format!("could not prepare the request: {e}"))?;
        self.gate.wait(&host, self.settings.host_gap).await;
        let head = client.request(Method::HEAD, url.clone()).send().await.map_err(describe)?;
        if !matches!(head.status().as_u16(), 400 | 403 | 405 | 501) {
            return Ok((head.status(), location(&head)));
        }
        self.gate.wait(&host, self.settings.host_gap).await;
        let mut get = client.request(Method::GET, url.clone()).send().await.map_err(describe)?;
        let (status, loc) = (get.status(), location(&get));
        let mut read = 0;
        while read < self.settings.max_body_bytes {
            match get.chunk().await.map_err(describe)? {
                Some(chunk) => read += chunk.len(),
                None => break,
            }
        }
        Ok((status, loc))
    }
}

#[derive(Default)]
struct Trail {
    status: Option<u16>,
    last_url: Option<String>,
}

fn location(r: &reqwest::Response) -> Option<String> {
    r.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// An error in words, without the request's internals.
fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "the server took too long to answer".to_owned()
    } else if e.is_connect() {
        "could not connect to the server".to_owned()
    } else if e.is_body() || e.is_decode() {
        "the answer broke off".to_owned()
    } else {
        "the request failed".to_owned()
    }
}

/// A resolver that knows one host, at addresses already vetted, and refuses every other name.
struct Pinned {
    host: String,
    addrs: Vec<SocketAddr>,
}

impl Resolve for Pinned {
    fn resolve(&self, name: Name) -> Resolving {
        let found = name.as_str().eq_ignore_ascii_case(&self.host).then(|| self.addrs.clone());
        Box::pin(async move {
            match found {
                Some(addrs) => Ok(Box::new(addrs.into_iter()) as Addrs),
                None => Err("name not vetted by the link checker".into()),
            }
        })
    }
}

/// The least gap between two requests to one host, across the checks of a round: each request
/// takes the next free slot of its host and waits for it.
#[derive(Default)]
struct HostGate {
    next_free: Mutex<HashMap<String, Instant>>,
}

impl HostGate {
    async fn wait(&self, host: &str, gap: Duration) {
        let slot = {
            let mut slots = self.next_free.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let key = host.to_ascii_lowercase();
            let slot = slots.get(&key).copied().filter(|s| *s > now).unwrap_or(now);
            slots.insert(key, slot + gap);
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}

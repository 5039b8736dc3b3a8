//! What the fault tests need beyond the shared `crate::common`: quiet logging, free ports,
//! patient pools, fixture users by URL (for throwaway clusters too) and an API client that
//! carries its session by hand (so one login can be presented to any instance).

use std::time::{Duration, Instant};

use agora::config::Settings;
use agora::db::{self, PgPool};
use agora::domain::roles::Role;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{TestDatabase, blocking, insert_user};

/// Longest any single HTTP request of a test may take (a request during a database outage
/// waits up to the pool's two-second connection timeout).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Installs the log subscriber once. Only errors: the outage test makes every request warn that
/// there is no database connection, and the pool's reconnect noise is silenced altogether.
pub fn init_logging() {
    agora::telemetry::init_with_default("error,r2d2=off");
}

/// A port nobody listens on right now, chosen below the kernel's ephemeral range: ports in that
/// range are handed to any socket that binds port 0 or connects, so one released there (say, by
/// a database the test crashed on purpose) could be taken before it is bound again. Callers still
/// retry if another explicit bind wins the race.
pub fn free_port() -> u16 {
    let ephemeral_start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    let (low, high) = (10_000u16, ephemeral_start.max(10_100));
    for _ in 0..100 {
        let span = u128::from(high - low);
        let port = low + u16::try_from(uuid::Uuid::new_v4().as_u128() % span).expect("the span fits a port");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port between {low} and {high}");
}

/// A pool as the app builds it (`db::build_pool`), retried for up to 30 s if the server is too
/// busy to open the first connection within the pool's two-second timeout. Blocking.
pub fn patient_pool(settings: &Settings) -> PgPool {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match db::build_pool(&settings.database_url, settings.pool_size) {
            Ok(pool) => return pool,
            Err(e) if Instant::now() < deadline => eprintln!("retrying the pool: {e:#}"),
            Err(e) => panic!("no pool within 30 s: {e:#}"),
        }
    }
}

/// Inserts a user with `PASSWORD` directly into the database at `database_url` (the machine's
/// or a throwaway cluster's).
pub async fn insert_user_at(database_url: &str, username: &str, role: Role) {
    let (url, username) = (database_url.to_owned(), username.to_owned());
    blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect to the test database");
        insert_user(&mut conn, &username, role);
    })
    .await;
}

/// A test database holding the fixture user `curator`, a curator, for tests that drive the API
/// as them.
pub async fn database_with_curator() -> TestDatabase {
    let database = blocking(TestDatabase::create).await;
    insert_user_at(&database.url, "curator", Role::Curator).await;
    database
}

/// An HTTP client that neither follows redirects nor keeps cookies, with a request timeout.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("an HTTP client")
}

/// The status of `GET base/path`, or `None` when no response came.
pub async fn status_of(http: &reqwest::Client, base: &str, path: &str) -> Option<StatusCode> {
    http.get(format!("{base}{path}")).send().await.ok().map(|r| r.status())
}

/// How a synthesis save ended, as the client saw it.
#[derive(Debug)]
pub enum SaveReply {
    /// 201: acknowledged as revision `seq`.
    Saved { seq: i32 },
    /// 409: someone saved first; `current_seq` is the head the server reported.
    Conflict { current_seq: Option<i32>, yours: Option<String> },
    /// Any other status, or no response at all.
    Failed { status: Option<u16>, detail: String },
}

/// A logged-in API client: the session cookie and CSRF token are sent by hand on every request,
/// so the same session can be presented to any instance sharing the database.
#[derive(Clone)]
pub struct ApiClient {
    pub base: String,
    pub http: reqwest::Client,
    /// `agora_session=<token>`, as the `Cookie` header carries it.
    pub session_cookie: String,
    pub csrf_token: String,
}

/// `POST /api/v1/session` with these credentials (no session of ours sent).
pub async fn attempt_login(base: &str, username: &str, password: &str) -> reqwest::Response {
    http_client()
        .post(format!("{base}/api/v1/session"))
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("a response to the login")
}

impl ApiClient {
    /// Logs in through the JSON API, expecting success.
    pub async fn log_in(base: &str, username: &str, password: &str) -> ApiClient {
        let res = attempt_login(base, username, password).await;
        assert_eq!(res.status(), StatusCode::OK, "log in as {username} on {base}");
        let prefix = format!("{}=", agora::auth::session::SESSION_COOKIE);
        let session_cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|pair| pair.starts_with(&prefix))
            .expect("the login sets the session cookie")
            .to_owned();
        let body: Value = res.json().await.expect("the login answers JSON");
        let csrf_token = body["csrf_token"].as_str().expect("the login returns a CSRF token").to_owned();
        ApiClient { base: base.to_owned(), http: http_client(), session_cookie, csrf_token }
    }

    /// The same session, talking to another instance.
    pub fn on(&self, base: &str) -> ApiClient {
        ApiClient { base: base.to_owned(), http: http_client(), ..self.clone() }
    }

    /// `GET path` with the session cookie.
    pub async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        self.http.get(format!("{}{path}", self.base)).header("Cookie", &self.session_cookie).send().await
    }

    /// `POST path` with the session cookie, the CSRF header and a JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Result<reqwest::Response> {
        self.http
            .post(format!("{}{path}", self.base))
            .header("Cookie", &self.session_cookie)
            .header("X-CSRF-Token", &self.csrf_token)
            .json(body)
            .send()
            .await
    }

    /// Creates a thread through the API; returns its slug.
    pub async fn create_thread(&self, title: &str) -> String {
        let res = self
            .post_json("/api/v1/threads", &json!({ "title": title, "framing_question": "Does it hold?" }))
            .await
            .expect("a response to the thread creation");
        assert_eq!(res.status(), StatusCode::CREATED, "create thread {title:?}");
        let body: Value = res.json().await.expect("the new thread as JSON");
        body["slug"].as_str().expect("the new thread's slug").to_owned()
    }

    /// Saves the synthesis of `slug` on top of `base_seq`.
    pub async fn save(&self, slug: &str, base_seq: i32, body: &str) -> SaveReply {
        let sent = self
            .post_json(
                &format!("/api/v1/threads/{slug}/synthesis"),
                &json!({ "base_seq": base_seq, "body": body, "summary": "fault test" }),
            )
            .await;
        let res = match sent {
            Ok(res) => res,
            Err(e) => return SaveReply::Failed { status: None, detail: format!("no response: {e}") },
        };
        let status = res.status();
        let text = match res.text().await {
            Ok(text) => text,
            Err(e) => {
                return SaveReply::Failed { status: Some(status.as_u16()), detail: format!("body cut off: {e}") };
            }
        };
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        match status {
            StatusCode::CREATED => match json["seq"].as_i64().and_then(|s| i32::try_from(s).ok()) {
                Some(seq) => SaveReply::Saved { seq },
                None => SaveReply::Failed { status: Some(201), detail: format!("201 without a seq: {text}") },
            },
            StatusCode::CONFLICT => SaveReply::Conflict {
                current_seq: json["current"]["seq"].as_i64().and_then(|s| i32::try_from(s).ok()),
                yours: json["yours"].as_str().map(str::to_owned),
            },
            other => SaveReply::Failed { status: Some(other.as_u16()), detail: text.chars().take(200).collect() },
        }
    }

    /// The thread's head as the API reports it.
    pub async fn head_seq(&self, slug: &str) -> i64 {
        let res = self.get(&format!("/api/v1/threads/{slug}")).await.expect("a response to the thread read");
        assert_eq!(res.status(), StatusCode::OK, "GET /api/v1/threads/{slug}");
        let body: Value = res.json().await.expect("the thread as JSON");
        body["head_seq"].as_i64().expect("the thread's head_seq")
    }
}

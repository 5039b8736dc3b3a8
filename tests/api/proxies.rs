//! Tests: behind a reverse proxy (issue 18, item 12). The client address that throttles key on
//! comes from `X-Forwarded-For` / `Forwarded` only when the TCP peer is one of
//! `AGORA_TRUSTED_PROXIES`; a client talking to the app directly cannot pick its address.

use agora::config::{ForwardedHeader, parse_proxies};
use agora::domain::roles::Role;
use agora::ops::sessions::MAX_ADDRESS_FAILURES;
use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

#[derive(diesel::QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = Text)]
    throttle_key: String,
}

impl TestApp {
    /// A failed login as `username` from this client, sending `headers`.
    async fn failed_login_with(&self, username: &str, headers: &[(&str, &str)]) -> StatusCode {
        self.post_form_with_headers("/login", &[("username", username), ("password", "wrong wrong wrong")], headers)
            .await
            .status()
    }

    /// The addresses the per-address login throttle has counted.
    async fn throttled_addresses(&self) -> Vec<String> {
        let rows: Vec<KeyRow> = self
            .query(|c| {
                diesel::sql_query("SELECT throttle_key FROM login_failures WHERE throttle_key LIKE 'login-address|%'")
                    .load(c)
                    .unwrap()
            })
            .await;
        let mut addresses: Vec<String> =
            rows.into_iter().map(|r| r.throttle_key.trim_start_matches("login-address|").to_owned()).collect();
        addresses.sort();
        addresses
    }
}

/// Failed logins on twelve accounts, each claiming another forwarded address through
/// `header(i)`; the statuses.
async fn rotate_addresses(app: &TestApp, header: impl Fn(usize) -> (&'static str, String)) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for i in 0..12 {
        let name = format!("user{i}");
        app.user(&name, Role::Reader).await;
        let (header_name, value) = header(i);
        statuses.push(app.failed_login_with(&name, &[(header_name, &value)]).await);
    }
    statuses
}

fn assert_trips_at_the_address_limit(statuses: &[StatusCode]) {
    let limit = MAX_ADDRESS_FAILURES as usize;
    assert!(statuses[..limit].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(statuses[limit..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_login_throttle() {
    let app = spawn_app().await;
    let statuses = rotate_addresses(&app, |i| ("X-Forwarded-For", format!("203.0.113.{i}"))).await;
    assert_trips_at_the_address_limit(&statuses);
    assert_eq!(app.throttled_addresses().await, ["127.0.0.1"], "only the peer is counted");
}

#[tokio::test]
async fn a_spoofed_forwarded_header_is_ignored_when_the_peer_is_not_among_the_trusted_proxies() {
    let app = spawn_app_with(|s| {
        s.operator.trusted_proxies = parse_proxies("10.0.0.0/8, ::1").0;
        s.operator.forwarded_header = ForwardedHeader::Forwarded;
    })
    .await;
    let statuses = rotate_addresses(&app, |i| ("Forwarded", format!("for=\"198.51.100.{i}\""))).await;
    assert_trips_at_the_address_limit(&statuses);
    assert_eq!(app.throttled_addresses().await, ["127.0.0.1"]);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_throttle() {
    let app = spawn_app_with(|s| s.operator.trusted_proxies = parse_proxies("127.0.0.1/32").0).await;
    // What the client wrote on the left is not believed; the proxy's entry on the right is.
    let statuses = rotate_addresses(&app, |i| ("X-Forwarded-For", format!("6.6.6.6, 203.0.113.{i}"))).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED), "no shared limit: {statuses:?}");
    let expected: Vec<String> = {
        let mut all: Vec<String> = (0..12).map(|i| format!("203.0.113.{i}")).collect();
        all.sort();
        all
    };
    assert_eq!(app.throttled_addresses().await, expected);

    // One forwarded client still trips its own limit, however it rotates the left part.
    let browser = app.another_browser();
    for i in 0..12 {
        let name = format!("user{i}");
        let status = browser.failed_login_with(&name, &[("X-Forwarded-For", &format!("10.9.9.{i}, 192.0.2.50"))]).await;
        let expected =
            if i < MAX_ADDRESS_FAILURES as usize { StatusCode::UNAUTHORIZED } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(status, expected, "attempt {i} from 192.0.2.50");
    }
}

#[tokio::test]
async fn the_json_login_keys_its_throttle_on_the_forwarded_client_too() {
    let app = spawn_app_with(|s| {
        s.operator.trusted_proxies = parse_proxies("127.0.0.1").0;
        s.operator.forwarded_header = ForwardedHeader::Forwarded;
    })
    .await;
    app.user("carol", Role::Reader).await;
    let token = app.csrf_token().await;
    let res = app
        .client
        .post(format!("{}/api/v1/session", app.address))
        .header("X-CSRF-Token", token)
        .header("Forwarded", r#"for="[2001:db8::7]:4711";proto=https"#)
        .json(&serde_json::json!({ "username": "carol", "password": "not carol's" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.throttled_addresses().await, ["2001:db8::7"]);
}

#[tokio::test]
async fn a_trusted_proxy_list_that_does_not_parse_stops_the_server_from_starting() {
    let database = crate::common::blocking(crate::common::TestDatabase::create).await;
    let mut settings = database.settings();
    let (ranges, invalid) = parse_proxies("10.0.0.0/8, 10.0.0.0/40, proxy.example");
    settings.operator.trusted_proxies = ranges;
    settings.operator.invalid = invalid;
    let pool = crate::common::blocking({
        let url = database.url.clone();
        move || agora::db::build_pool(&url, 2).unwrap()
    })
    .await;
    let error = agora::startup::Application::build(&settings, pool).err().expect("a refusal to start");
    let message = error.to_string();
    assert!(message.contains("10.0.0.0/40") && message.contains("proxy.example"), "{message}");
}

//! The harness of the API tests: `spawn_app()` and a `TestApp` with one method per thing a user
//! does, plus reading JSON answers. Databases and the in-process server come from the shared
//! `crate::common`; reading HTML pages is `crate::pages`.

use std::sync::Arc;

use agora::config::Settings;
use agora::db::PgPool;
use agora::domain::roles::Role;
use agora::startup::Application;
use diesel::prelude::*;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::common::{PASSWORD, TestDatabase, blocking, build_app, insert_user, serve};

/// A running application with a database of its own, dropped when the test ends.
/// Clones share the app and database; `another_browser()` gives a clone with its own cookies.
#[derive(Clone)]
pub struct TestApp {
    pub address: String,
    pub pool: PgPool,
    /// A browser-like client: keeps cookies, does not follow redirects.
    pub client: reqwest::Client,
    /// The app's database; dropped when the last handle to the app goes away.
    pub database: Arc<TestDatabase>,
}

/// Starts the application on a random port against a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the application with settings adjusted by `adjust` (e.g. cookies marked Secure).
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_inspecting(adjust, |_| ()).await.0
}

/// Starts the application like [`spawn_app_with`], and hands back what `inspect` reads off the
/// built application before it starts serving (e.g. the port of its metrics server).
pub async fn spawn_app_inspecting<T>(
    adjust: impl FnOnce(&mut Settings),
    inspect: impl FnOnce(&Application) -> T,
) -> (TestApp, T) {
    agora::telemetry::init_with_default("warn,r2d2=off");
    let (database, pool) = blocking(|| {
        let database = TestDatabase::create();
        let pool = agora::db::build_pool(&database.url, 4).expect("a pool to the test database");
        (database, pool)
    })
    .await;
    let mut settings = database.settings();
    adjust(&mut settings);
    let application = build_app(&settings, pool.clone());
    let seen = inspect(&application);
    let address = serve(application);
    (TestApp { address, pool, client: new_client(), database: Arc::new(database) }, seen)
}

/// The fields of a valid new-thread form titled `title` (without a CSRF token).
pub const fn new_thread_fields(title: &str) -> [(&'static str, &str); 4] {
    [("title", title), ("framing_question", "Is it so?"), ("status", "active"), ("stance", "contested")]
}

/// A fresh client (another browser).
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl TestApp {
    /// The same app seen from another browser (no cookies yet).
    pub fn another_browser(&self) -> TestApp {
        TestApp { client: new_client(), ..self.clone() }
    }

    /// Another browser, logged in as a new user `name` with `role`.
    pub async fn browser_as(&self, name: &str, role: Role) -> TestApp {
        let browser = self.another_browser();
        browser.login_as(name, role).await;
        browser
    }

    /// `GET path` with this app's client.
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.address)).send().await.unwrap()
    }

    /// `HEAD path` with this app's client.
    pub async fn head(&self, path: &str) -> Response {
        self.client.head(format!("{}{path}", self.address)).send().await.unwrap()
    }

    /// `GET path`, expecting 200, returning the body.
    pub async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.text().await.unwrap()
    }

    /// The CSRF token the server gives this client's forms.
    pub async fn csrf_token(&self) -> String {
        let res = self.get("/api/v1/session").await;
        let body: serde_json::Value = res.json().await.unwrap();
        body["csrf_token"].as_str().unwrap().to_owned()
    }

    /// Submits a form as a browser would: with the CSRF token the page carried.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.post_form_raw(path, &all).await
    }

    /// Submits a form with the CSRF token the page carried and extra request `headers` (say, an
    /// `Origin` or `Referer` a browser on another site would send).
    pub async fn post_form_with_headers(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        let mut request = self.client.post(format!("{}{path}", self.address)).form(&all);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// Submits exactly these fields (no token added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client.post(format!("{}{path}", self.address)).form(fields).send().await.unwrap()
    }

    /// Sends JSON with the `X-CSRF-Token` header, as an API client would.
    pub async fn send_json(&self, method: reqwest::Method, path: &str, body: &serde_json::Value) -> Response {
        let token = self.csrf_token().await;
        self.client
            .request(method, format!("{}{path}", self.address))
            .header("X-CSRF-Token", token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// `POST` JSON with the token header.
    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Response {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    /// `GET` a JSON document, expecting `status`.
    pub async fn get_json(&self, path: &str, status: StatusCode) -> serde_json::Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), status, "GET {path}");
        res.json().await.unwrap()
    }

    /// Inserts a user with `PASSWORD` directly (fixtures skip the sign-up form).
    pub async fn user(&self, username: &str, role: Role) {
        let username = username.to_owned();
        self.query(move |c| insert_user(c, &username, role)).await;
    }

    /// Logs this client in through the login form.
    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post_form("/login", &[("username", username), ("password", password)]).await
    }

    /// Creates a user with `role` and logs this client in as them.
    pub async fn login_as(&self, username: &str, role: Role) {
        self.user(username, role).await;
        let res = self.login(username, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {username}");
    }

    /// Creates a thread through the form; returns its slug.
    pub async fn create_thread(&self, title: &str) -> String {
        let res = self.post_form("/threads", &new_thread_fields(title)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "create thread {title}");
        location(&res).trim_start_matches("/threads/").to_owned()
    }

    /// Adds an event to a thread through its form and expects to be sent back to its events.
    pub async fn add_event(&self, slug: &str, date: &str, title: &str, significance: &str) {
        let fields = [("date", date), ("title", title), ("significance", significance), ("url", ""), ("body", "")];
        let res = self.post_form(&format!("/threads/{slug}/events"), &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "add event {title}");
        assert_eq!(location(&res), format!("/threads/{slug}#events"), "add event {title}");
    }

    /// Saves the synthesis through the form on top of `base_seq`.
    pub async fn save_synthesis(&self, slug: &str, base_seq: i32, body: &str, summary: &str) -> Response {
        let base = base_seq.to_string();
        self.post_form(
            &format!("/threads/{slug}/synthesis"),
            &[("base_seq", &base), ("body", body), ("summary", summary)],
        )
        .await
    }

    /// Logs this client in as the curator `alice` and creates the thread "Is Pluto a planet?"
    /// through the form; returns its slug.
    pub async fn curated_thread(&self) -> String {
        self.login_as("alice", Role::Curator).await;
        self.create_thread("Is Pluto a planet?").await
    }

    /// Saves the synthesis through the form and expects it accepted as written (not merged):
    /// sent back to the thread's synthesis.
    pub async fn save_synthesis_ok(&self, slug: &str, base_seq: i32, body: &str, summary: &str) {
        let res = self.save_synthesis(slug, base_seq, body, summary).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "save on base {base_seq}");
        assert_eq!(location(&res), format!("/threads/{slug}#synthesis"), "save on base {base_seq}");
    }

    /// Creates a thread through the JSON API; returns its slug.
    pub async fn api_create_thread(&self, title: &str) -> String {
        let res = self.post_json("/api/v1/threads", &json!({ "title": title, "framing_question": "Is it so?" })).await;
        expect_json(res, StatusCode::CREATED).await["slug"].as_str().unwrap().to_owned()
    }

    /// Saves the synthesis through the JSON API on top of `base_seq`.
    pub async fn api_save_synthesis(&self, slug: &str, base_seq: i32, body: &str, summary: &str) -> Response {
        self.post_json(
            &format!("/api/v1/threads/{slug}/synthesis"),
            &json!({ "base_seq": base_seq, "body": body, "summary": summary }),
        )
        .await
    }

    /// Saves the synthesis through the JSON API and expects revision `base_seq + 1`.
    pub async fn api_save_synthesis_ok(&self, slug: &str, base_seq: i32, body: &str, summary: &str) {
        let res = self.api_save_synthesis(slug, base_seq, body, summary).await;
        assert_eq!(expect_json(res, StatusCode::CREATED).await["seq"], base_seq + 1, "save on base {base_seq}");
    }

    /// The entries of a thread's changelog through the JSON API, as this client sees them,
    /// newest first.
    pub async fn api_thread_changes(&self, slug: &str) -> Vec<Value> {
        let body = self.get_json(&format!("/api/v1/threads/{slug}/changes"), StatusCode::OK).await;
        body["changes"].as_array().unwrap().clone()
    }

    /// The changelog id of revision `seq`, through the JSON API.
    pub async fn api_change_of_revision(&self, slug: &str, seq: i32) -> i64 {
        let changes = self.api_thread_changes(slug).await;
        let entry =
            changes.iter().find(|c| c["revision"] == seq).unwrap_or_else(|| panic!("no entry for revision {seq}"));
        entry["id"].as_i64().unwrap()
    }

    /// Makes `username` follow the thread `slug` (fixtures insert rows directly).
    pub async fn follow(&self, username: &str, slug: &str) {
        let (username, slug) = (username.to_owned(), slug.to_owned());
        let n = self
            .query(move |c| {
                diesel::sql_query(
                    "INSERT INTO follows (user_id, thread_id) SELECT u.id, t.id FROM users u, threads t \
                     WHERE u.username = $1 AND t.slug = $2",
                )
                .bind::<diesel::sql_types::Text, _>(username)
                .bind::<diesel::sql_types::Text, _>(slug)
                .execute(c)
                .unwrap()
            })
            .await;
        assert_eq!(n, 1, "follow");
    }

    /// Runs a query against this app's database.
    pub async fn query<T: Send + 'static>(&self, f: impl FnOnce(&mut PgConnection) -> T + Send + 'static) -> T {
        let pool = self.pool.clone();
        blocking(move || f(&mut pool.get().unwrap())).await
    }

    /// How many rows `table` has (a fixed table name from the test, never user input).
    pub async fn count(&self, table: &'static str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        self.query(move |c| {
            diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).get_result::<Count>(c).unwrap().n
        })
        .await
    }
}

/// The body of a JSON response, after checking that it says it is JSON.
pub async fn json_of(res: Response) -> Value {
    let content_type = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("application/json"), "content type {content_type:?}");
    res.json().await.unwrap()
}

/// Checks the status and returns the JSON body.
pub async fn expect_json(res: Response, status: StatusCode) -> Value {
    assert_eq!(res.status(), status);
    json_of(res).await
}

/// Checks the status and that the body is `{"error": "<message>"}` with a message; returns it.
pub async fn api_error(res: Response, status: StatusCode) -> String {
    let body = expect_json(res, status).await;
    let message = body["error"].as_str().unwrap_or_else(|| panic!("no error message in {body}")).to_owned();
    assert!(!message.is_empty(), "an empty error message");
    message
}

/// A field of every entry of a JSON list, in order.
pub fn column<'a>(rows: &'a [Value], field: &str) -> Vec<&'a Value> {
    rows.iter().map(|r| &r[field]).collect()
}

/// The `Location` header of a redirect.
pub fn location(res: &Response) -> String {
    res.headers().get("location").expect("a Location header").to_str().unwrap().to_owned()
}

/// Every (method, path pattern) the running app registered. The server's workers build the app
/// (and so fill the route table) after `spawn_app` returns; one answered request shows they have.
pub async fn route_table(app: &TestApp) -> Vec<(&'static str, String)> {
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK, "the app answers");
    agora::routes::table::registered()
}

/// Tables a request may write without changing anything anyone sees: who is logged in, the
/// login throttle, and what each reader last read.
fn bookkeeping(table: &str) -> bool {
    matches!(table, "sessions" | "login_failures" | "thread_reads") || table.contains("throttle")
}

/// A row's text for the checksum, leaving out bookkeeping columns: when an API token was last
/// used changes on any request that presents it, refused or not, and its write position after
/// any unsafe request that reached the handlers (with replicas configured).
fn row_text(table: &str) -> &'static str {
    if table == "api_tokens" { "(to_jsonb(x) - 'last_used_at' - 'write_lsn')::text" } else { "x::text" }
}

/// A checksum of every app table but the bookkeeping ones, by name. The tables are listed from
/// the catalog, so a table added later is covered without a change here.
pub async fn table_checksums(app: &TestApp) -> std::collections::BTreeMap<String, String> {
    // The notifications and search documents of an earlier request's change are written after
    // it commits: let them land first, so they are not taken for a change made by the request
    // checked next.
    app.fanned_out().await;
    app.indexed().await;
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct Sum {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        sum: String,
    }
    app.query(|c| {
        let tables: Vec<String> = diesel::sql_query(
            "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' \
             AND tablename NOT LIKE '\\_\\_diesel%' ORDER BY tablename",
        )
        .load::<Name>(c)
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .filter(|t| !bookkeeping(t))
        .collect();
        // Names from the catalog, quoted as identifiers; nothing here comes from a request.
        let query = tables
            .iter()
            .map(|t| {
                // Row count and the sum of a 64-bit hash of each row's text: any changed, added or
                // removed row changes it, without sorting the table as an aggregated md5 would.
                let row = row_text(t);
                format!(
                    "SELECT '{t}'::text AS name, (SELECT count(*) || ':' || coalesce(sum(hashtextextended({row}, 0)), 0) \
                     FROM \"{t}\" x) AS sum"
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        diesel::sql_query(query).load::<Sum>(c).unwrap().into_iter().map(|s| (s.name, s.sum)).collect()
    })
    .await
}

/// The tables whose checksum differs between two `table_checksums`.
pub fn changed_tables(
    before: &std::collections::BTreeMap<String, String>,
    after: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names.into_iter().filter(|t| before.get(*t) != after.get(*t)).cloned().collect()
}

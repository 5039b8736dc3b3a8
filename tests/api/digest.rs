//! E-mail digests, sent to an SMTP sink the tests start.

use std::time::Duration;

use agora::domain::roles::Role;
use agora::ops::digest::{DigestRound, Mailer, send_due};
use agora::startup::Application;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::eventually;
use crate::helpers::{TestApp, location, spawn_app, spawn_app_with};
use crate::notifications::{edit_synthesis, notifications_of};
use crate::pages::{assert_every_control_labelled, attrs, texts};
use crate::smtp_sink::{SmtpSink, dead_smtp_url};

fn mailer(url: &str) -> Mailer {
    Mailer::new(url, "Agora <agora@localhost>", "http://agora.test").unwrap()
}

/// Sets `browser`'s digest settings through the account form, expecting success.
async fn choose(browser: &TestApp, email: &str, digest: &str) {
    let res = browser.post_form("/account/digest", &[("email", email), ("digest", digest)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "save digest settings");
    assert_eq!(location(&res), "/account/digest");
}

/// `cora` (logged in on `app`) curates two threads; each of `readers` follows both, logs in on a
/// browser of their own and asks for a digest at `<name>@example.org` with their frequency.
/// Returns the slugs.
async fn two_followed_threads(app: &TestApp, readers: &[(&str, &str)]) -> (String, String) {
    app.login_as("cora", Role::Curator).await;
    let first = app.create_thread("Is coffee good for you").await;
    let second = app.create_thread("Do cats dream").await;
    for (name, digest) in readers {
        let browser = app.another_browser();
        browser.login_as(name, Role::Reader).await;
        choose(&browser, &format!("{name}@example.org"), digest).await;
        app.follow(name, &first).await;
        app.follow(name, &second).await;
    }
    (first, second)
}

/// (notifications not yet e-mailed, digest_sent_at set?) of a user.
async fn email_state(app: &TestApp, username: &str) -> (i64, bool) {
    #[derive(QueryableByName)]
    struct State {
        #[diesel(sql_type = BigInt)]
        pending: i64,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        sent: bool,
    }
    let username = username.to_owned();
    let s: State = app
        .query(move |c| {
            diesel::sql_query(
                "SELECT (SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.emailed_at IS NULL) \
                 AS pending, u.digest_sent_at IS NOT NULL AS sent FROM users u WHERE u.username = $1",
            )
            .bind::<Text, _>(username)
            .get_result(c)
            .unwrap()
        })
        .await;
    (s.pending, s.sent)
}

#[tokio::test]
async fn a_due_reader_gets_exactly_one_digest_with_titles_and_links() {
    let sink = SmtpSink::start().await;
    let app = spawn_app().await;
    let (first, second) = two_followed_threads(&app, &[("rita", "daily")]).await;
    edit_synthesis(&app, &first, 0, 3).await;
    app.fanned_out().await;
    edit_synthesis(&app, &second, 0, 1).await;
    app.fanned_out().await;
    // A reader without digests gets nothing.
    app.user("nick", Role::Reader).await;
    app.follow("nick", &first).await;
    edit_synthesis(&app, &first, 3, 1).await;
    app.fanned_out().await;

    let mailer = mailer(&sink.url);
    let round = send_due(&app.pool, &mailer, Utc::now()).await.unwrap();
    assert_eq!(round, DigestRound { sent: 1, failed: 0 });
    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m.to, ["rita@example.org"]);
    assert_eq!(m.from, "agora@localhost");
    assert_eq!(m.header("Subject").as_deref(), Some("Agora: 2 followed threads changed"));
    let body = m.body();
    assert!(body.contains("Is coffee good for you: 4 changes, latest: "), "{body}");
    assert!(
        body.lines().any(|l| l.starts_with("- Do cats dream: 1 change, latest: ")
            && l.ends_with(" edited the synthesis (1 paragraph)")),
        "the latest change in words: {body}"
    );
    assert!(body.contains("Do cats dream: 1 change"), "{body}");
    assert!(body.contains(&format!("http://agora.test/threads/{first}")), "{body}");
    assert!(body.contains(&format!("http://agora.test/threads/{second}")), "{body}");
    assert_eq!(email_state(&app, "rita").await, (0, true), "marked e-mailed once accepted");

    let again = send_due(&app.pool, &mailer, Utc::now()).await.unwrap();
    assert_eq!(again, DigestRound::default(), "nothing new: nothing sent");
    assert_eq!(sink.messages().len(), 1);
    // Even a day later there is nothing new to send.
    let later = send_due(&app.pool, &mailer, Utc::now() + chrono::Duration::days(2)).await.unwrap();
    assert_eq!(later.sent, 0);
    // The in-app notifications stay unread: e-mail does not mark them read.
    assert!(notifications_of(&app, "rita").await.iter().all(|n| n.unread));
}

#[tokio::test]
async fn a_weekly_reader_waits_a_week_while_a_daily_reader_gets_the_next_day() {
    let sink = SmtpSink::start().await;
    let app = spawn_app().await;
    let (first, _) = two_followed_threads(&app, &[("wendy", "weekly"), ("dave", "daily")]).await;
    edit_synthesis(&app, &first, 0, 1).await;
    app.fanned_out().await;
    let mailer = mailer(&sink.url);
    let now: DateTime<Utc> = Utc::now();
    assert_eq!(send_due(&app.pool, &mailer, now).await.unwrap().sent, 2, "both first digests go out");

    edit_synthesis(&app, &first, 1, 1).await;
    app.fanned_out().await;
    let day = send_due(&app.pool, &mailer, now + chrono::Duration::days(1) + chrono::Duration::minutes(1)).await;
    assert_eq!(day.unwrap().sent, 1);
    let last = sink.messages().pop().unwrap();
    assert_eq!(last.to, ["dave@example.org"], "only the daily reader, a day later");
    assert_eq!(email_state(&app, "wendy").await.0, 1, "wendy's news waits");

    let week = send_due(&app.pool, &mailer, now + chrono::Duration::days(7) + chrono::Duration::minutes(1)).await;
    assert_eq!(week.unwrap().sent, 1);
    assert_eq!(sink.messages().pop().unwrap().to, ["wendy@example.org"]);
    assert_eq!(sink.messages().len(), 4);
}

#[tokio::test]
async fn when_smtp_refuses_or_is_down_nothing_is_marked_and_the_next_round_sends() {
    let sink = SmtpSink::start().await;
    let app = spawn_app().await;
    let (first, _) = two_followed_threads(&app, &[("rita", "daily")]).await;
    edit_synthesis(&app, &first, 0, 1).await;
    app.fanned_out().await;

    sink.refuse(true);
    let refused = send_due(&app.pool, &mailer(&sink.url), Utc::now()).await.unwrap();
    assert_eq!(refused, DigestRound { sent: 0, failed: 1 });
    assert_eq!(email_state(&app, "rita").await, (1, false), "nothing marked after a refusal");

    let down = send_due(&app.pool, &mailer(&dead_smtp_url().await), Utc::now()).await.unwrap();
    assert_eq!(down, DigestRound { sent: 0, failed: 1 });
    assert_eq!(email_state(&app, "rita").await, (1, false), "nothing marked while the server is down");
    assert!(sink.messages().is_empty());

    sink.refuse(false);
    let retried = send_due(&app.pool, &mailer(&sink.url), Utc::now()).await.unwrap();
    assert_eq!(retried, DigestRound { sent: 1, failed: 0 });
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(email_state(&app, "rita").await, (0, true));
}

#[tokio::test]
async fn with_smtp_configured_the_server_sends_digests_by_itself() {
    const INTERVAL: Duration = Duration::from_millis(200);
    let sink = SmtpSink::start().await;
    let url = sink.url.clone();
    let app = spawn_app_with(move |s| {
        s.smtp_url = Some(url);
        s.digest_interval = INTERVAL;
    })
    .await;
    let (first, _) = two_followed_threads(&app, &[("rita", "daily")]).await;
    let rita = app.another_browser();
    rita.login("rita", crate::common::PASSWORD).await;
    let page = rita.page("/account/digest").await;
    assert!(!page.contains("off on this server"));
    assert_eq!(rita.get_json("/api/v1/account/digest", StatusCode::OK).await["email_enabled"], true);
    edit_synthesis(&app, &first, 0, 2).await;
    app.fanned_out().await;

    let sent = eventually(Duration::from_secs(15), || std::future::ready(!sink.messages().is_empty())).await;
    assert!(sent, "the sender ran on its interval");
    let messages = sink.messages();
    assert_eq!(messages.len(), 1, "one digest");
    assert_eq!(messages[0].header("Subject").as_deref(), Some("Agora: 1 followed thread changed"));
    // Nothing to await here: the claim is that nothing happens, so watch three more ticks.
    tokio::time::sleep(3 * INTERVAL).await;
    assert_eq!(sink.messages().len(), 1, "later ticks send nothing new");
}

#[tokio::test]
async fn without_smtp_email_is_off_and_everything_else_works() {
    let app = spawn_app().await;
    let settings = app.database.settings();
    assert!(settings.smtp_url.is_none());
    let server = Application::build(&settings, app.pool.clone()).unwrap();
    assert!(!server.sends_digests(), "no sender without SMTP");
    drop(server);

    let (first, _) = two_followed_threads(&app, &[("rita", "daily")]).await;
    let rita = app.another_browser();
    rita.login("rita", crate::common::PASSWORD).await;
    let page = rita.page("/account/digest").await;
    assert!(texts(&page, "main p").iter().any(|p| p.contains("E-mail digests are off on this server")), "{page}");
    assert_every_control_labelled(&page);
    assert_eq!(attrs(&page, "input[name=email]", "value"), ["rita@example.org"], "the choice was saved");
    assert_eq!(rita.get_json("/api/v1/account/digest", StatusCode::OK).await["email_enabled"], false);
    edit_synthesis(&app, &first, 0, 1).await;
    app.fanned_out().await;
    assert_eq!(notifications_of(&app, "rita").await.len(), 1, "notifications work without e-mail");
    assert_eq!(email_state(&app, "rita").await, (1, false));
}

#[tokio::test]
async fn an_invalid_address_is_refused_keeping_what_was_typed() {
    let app = spawn_app().await;
    app.login_as("rita", Role::Reader).await;
    let page = app.page("/account/digest").await;
    assert_every_control_labelled(&page);
    assert_eq!(texts(&page, "label[for=field-email]"), ["E-mail address (optional)"]);

    let res = app.post_form("/account/digest", &[("email", "rita at home"), ("digest", "weekly")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert_eq!(attrs(&html, "input[name=email]", "value"), ["rita at home"]);
    assert_eq!(attrs(&html, "select[name=digest] option[selected]", "value"), ["weekly"]);
    assert!(texts(&html, "[role=alert]")[0].contains("not an e-mail address"));

    let res = app.post_form("/account/digest", &[("email", ""), ("digest", "daily")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a digest needs an address");
    let settings = app.get_json("/api/v1/account/digest", StatusCode::OK).await;
    assert_eq!((settings["email"].as_str(), settings["digest"].as_str()), (Some(""), Some("off")), "nothing saved");

    for bad in [
        json!({ "email": "nope", "digest": "daily" }),
        json!({ "email": "rita@example.org", "digest": "hourly" }),
        json!({ "email": null, "digest": "weekly" }),
    ] {
        let res = app.send_json(reqwest::Method::PUT, "/api/v1/account/digest", &bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(res.json::<serde_json::Value>().await.unwrap()["error"].is_string());
    }
    let res = app
        .send_json(
            reqwest::Method::PUT,
            "/api/v1/account/digest",
            &json!({ "email": "rita@example.org", "digest": "weekly" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body, json!({ "email": "rita@example.org", "digest": "weekly", "email_enabled": false }));
}

#[tokio::test]
async fn two_senders_running_at_once_send_each_reader_one_digest() {
    let sink = SmtpSink::start().await;
    let app = spawn_app().await;
    let readers = [("ann", "daily"), ("bob", "daily"), ("cyd", "weekly"), ("dot", "daily")];
    let (first, _) = two_followed_threads(&app, &readers).await;
    edit_synthesis(&app, &first, 0, 1).await;
    app.fanned_out().await;

    // Two instances' rounds at the same moment, over separate connections of the pool.
    let (one, two) = (mailer(&sink.url), mailer(&sink.url));
    let now = Utc::now();
    let (a, b) = tokio::join!(send_due(&app.pool, &one, now), send_due(&app.pool, &two, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 4, "{a:?} {b:?}");
    let mut to: Vec<String> = sink.messages().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    assert_eq!(to, ["ann@example.org", "bob@example.org", "cyd@example.org", "dot@example.org"]);
}

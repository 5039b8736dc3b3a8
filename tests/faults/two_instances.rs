//! Two application instances on one database, as behind a load balancer: sessions, the save
//! compare-and-swap and the login rate limit hold across them.

use agora::domain::roles::Role;
use diesel::{Connection, PgConnection};
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::{PASSWORD, TestDatabase, blocking, build_app, serve};
use crate::helpers::{ApiClient, SaveReply, attempt_login, http_client, init_logging, insert_user_at, patient_pool};
use crate::history::{Ack, assert_nothing_lost};

/// Instances `a` and `b` (base URLs), each with its own pool, on one scratch database.
struct TwoInstances {
    a: String,
    b: String,
    database: TestDatabase,
}

async fn two_instances() -> TwoInstances {
    init_logging();
    let database = blocking(TestDatabase::create).await;
    let settings = database.settings();
    let (pool_a, pool_b) = blocking({
        let settings = settings.clone();
        move || (patient_pool(&settings), patient_pool(&settings))
    })
    .await;
    let a = serve(build_app(&settings, pool_a));
    let b = serve(build_app(&settings, pool_b));
    TwoInstances { a, b, database }
}

/// `GET /api/v1/session` on `base` presenting only this session cookie.
async fn who_is(base: &str, session_cookie: &str) -> Value {
    let res = http_client()
        .get(format!("{base}/api/v1/session"))
        .header("Cookie", session_cookie)
        .send()
        .await
        .expect("an answer from GET /api/v1/session");
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.expect("the session as JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opened_on_one_instance_is_honoured_and_ended_on_the_other() {
    let apps = two_instances().await;
    insert_user_at(&apps.database.url, "traveller", Role::Curator).await;
    let on_a = ApiClient::log_in(&apps.a, "traveller", PASSWORD).await;

    let seen_by_b = who_is(&apps.b, &on_a.session_cookie).await;
    assert_eq!(seen_by_b["user"]["username"], "traveller", "B knows the session A opened: {seen_by_b}");
    assert_eq!(seen_by_b["csrf_token"], on_a.csrf_token.as_str(), "B gives the session's own CSRF token");

    let logout = http_client()
        .delete(format!("{}/api/v1/session", apps.b))
        .header("Cookie", &on_a.session_cookie)
        .header("X-CSRF-Token", &on_a.csrf_token)
        .send()
        .await
        .expect("an answer from DELETE /api/v1/session");
    assert_eq!(logout.status(), StatusCode::NO_CONTENT, "logging out on B");
    let seen_by_a = who_is(&apps.a, &on_a.session_cookie).await;
    assert!(seen_by_a["user"].is_null(), "A forgets a session ended on B: {seen_by_a}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_from_one_base_sent_to_both_instances_make_one_revision_and_one_conflict() {
    let apps = two_instances().await;
    insert_user_at(&apps.database.url, "curator", Role::Curator).await;
    let on_a = ApiClient::log_in(&apps.a, "curator", PASSWORD).await;
    let on_b = on_a.on(&apps.b);
    let slug = on_a.create_thread("Which instance wins").await;
    let mut acked = Vec::new();
    match on_b.save(&slug, 0, "The first text.").await {
        SaveReply::Saved { seq } => acked.push(Ack { seq, body: "The first text.".to_owned() }),
        other => panic!("first save on B: {other:?}"),
    }

    for round in 0..8 {
        let base = acked.last().map_or(0, |a: &Ack| a.seq);
        let (text_a, text_b) = (format!("Round {round} from A."), format!("Round {round} from B."));
        let (reply_a, reply_b) = tokio::join!(on_a.save(&slug, base, &text_a), on_b.save(&slug, base, &text_b));
        let (winner, loser_reply, loser_text) = match (&reply_a, &reply_b) {
            (SaveReply::Saved { seq }, SaveReply::Conflict { .. }) => {
                (Ack { seq: *seq, body: text_a }, &reply_b, text_b)
            }
            (SaveReply::Conflict { .. }, SaveReply::Saved { seq }) => {
                (Ack { seq: *seq, body: text_b }, &reply_a, text_a)
            }
            _ => panic!("round {round}: expected one 201 and one 409, got A {reply_a:?} and B {reply_b:?}"),
        };
        assert_eq!(winner.seq, base + 1, "round {round}: the winner is the next revision");
        match loser_reply {
            SaveReply::Conflict { current_seq, yours } => {
                assert_eq!(*current_seq, Some(base + 1), "round {round}: the 409 shows the winning revision");
                assert_eq!(
                    yours.as_deref(),
                    Some(loser_text.as_str()),
                    "round {round}: the 409 returns the loser's text"
                );
            }
            other => unreachable!("matched above: {other:?}"),
        }
        acked.push(winner);
        for (name, instance) in [("A", &on_a), ("B", &on_b)] {
            assert_eq!(
                instance.head_seq(&slug).await,
                i64::from(base + 1),
                "round {round}: {name} serves the new head"
            );
        }
    }

    let (url, acked_copy) = (apps.database.url.clone(), acked.clone());
    let history = blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect to the scratch database");
        assert_nothing_lost(&mut conn, &slug, &acked_copy)
    })
    .await;
    assert_eq!(history.revisions.len(), acked.len(), "each round added exactly one revision");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_rate_limit_counts_failures_made_on_either_instance() {
    let apps = two_instances().await;
    insert_user_at(&apps.database.url, "target", Role::Reader).await;

    for attempt in 1..=10 {
        let base = if attempt % 2 == 0 { &apps.b } else { &apps.a };
        let res = attempt_login(base, "target", "not the password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "wrong password #{attempt}");
    }
    let eleventh_on_a = attempt_login(&apps.a, "target", "not the password").await;
    assert_eq!(eleventh_on_a.status(), StatusCode::TOO_MANY_REQUESTS, "the 11th attempt, on A");
    let eleventh_on_b = attempt_login(&apps.b, "target", PASSWORD).await;
    assert_eq!(eleventh_on_b.status(), StatusCode::TOO_MANY_REQUESTS, "the 11th attempt, on B, even when right");
}

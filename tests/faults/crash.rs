//! The server process is SIGKILLed in the middle of a stream of saves and started again on the
//! same database: every acknowledged save is there and the history is whole.

use std::time::Duration;

use diesel::{Connection, PgConnection};

use crate::common::{PASSWORD, blocking};
use crate::helpers::{ApiClient, SaveReply, database_with_curator, init_logging};
use crate::history::assert_nothing_lost;
use crate::save_stream::SaveStream;
use crate::server_process::ServerProcess;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_save_and_restarts_on_a_whole_history() {
    init_logging();
    let database = database_with_curator().await;

    let mut first = ServerProcess::start(&database.url).await;
    let curator = ApiClient::log_in(&first.base, "curator", PASSWORD).await;
    let slug = curator.create_thread("Does the record survive a kill").await;
    let stream = SaveStream::start(&curator, &slug, 4, 0);
    stream.wait_for_acks(30, Duration::from_secs(30)).await;
    first.kill();
    let log = stream.stop().await;
    assert!(log.unexpected.is_empty(), "answers no fault explains: {:?}", log.unexpected);

    let second = ServerProcess::start(&database.url).await;
    let (url, checked_slug, acked) = (database.url.clone(), slug.clone(), log.acked.clone());
    let history = blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect to the scratch database");
        assert_nothing_lost(&mut conn, &checked_slug, &acked)
    })
    .await;

    // The restarted server knows the session and the head, and saves on top of it.
    let again = curator.on(&second.base);
    assert_eq!(again.head_seq(&slug).await, i64::from(history.head_seq), "the API reports the stored head");
    match again.save(&slug, history.head_seq, "Written after the restart.").await {
        SaveReply::Saved { seq } => assert_eq!(seq, history.head_seq + 1, "the next save continues the history"),
        other => panic!("saving after the restart: {other:?}\n{}", second.log_tail()),
    }
    eprintln!(
        "kill -9: {} saves acknowledged, {} conflicts, failures {:?}, {} revisions stored",
        log.acked.len(),
        log.conflicts,
        log.failures,
        history.revisions.len()
    );
}

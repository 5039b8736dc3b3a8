//! A stream of synthesis saves from several concurrent writers, recording which the server
//! acknowledged. Writers follow the head through 409 answers and keep going through failures.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use crate::helpers::{ApiClient, SaveReply};
use crate::history::Ack;

/// No writer runs longer than this, whatever the test does.
const WRITER_LIFETIME: Duration = Duration::from_secs(120);

/// What the writers saw.
#[derive(Debug, Default)]
pub struct StreamLog {
    /// Saves answered 201, in the order the answers arrived.
    pub acked: Vec<Ack>,
    pub conflicts: usize,
    /// Other answers by status ("none" when no response came), e.g. 503 while the database is down.
    pub failures: BTreeMap<String, usize>,
    /// Answers that no fault explains (a 4xx other than 409, or 200 "unchanged" for a new text).
    pub unexpected: Vec<String>,
}

/// Running writers; `stop()` ends them and returns the log.
pub struct SaveStream {
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<StreamLog>>,
    writers: Vec<JoinHandle<()>>,
}

impl SaveStream {
    /// Starts `writers` tasks saving new, unique texts to `slug` on top of the head they know.
    pub fn start(client: &ApiClient, slug: &str, writers: usize, start_seq: i32) -> SaveStream {
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(StreamLog::default()));
        let writers = (0..writers)
            .map(|w| {
                let (client, slug, stop, log) = (client.clone(), slug.to_owned(), stop.clone(), log.clone());
                tokio::spawn(write(client, slug, w, start_seq, stop, log))
            })
            .collect();
        SaveStream { stop, log, writers }
    }

    /// How many saves have been acknowledged so far.
    pub fn acked(&self) -> usize {
        self.log.lock().expect("stream log").acked.len()
    }

    /// Waits until `n` saves in all have been acknowledged; panics after `within`.
    pub async fn wait_for_acks(&self, n: usize, within: Duration) {
        let reached = crate::common::eventually(within, || async { self.acked() >= n }).await;
        assert!(reached, "{n} acknowledged saves within {within:?}; the writers saw {:?}", self.log.lock().unwrap());
    }

    /// Stops the writers (each finishes or abandons its current request) and returns the log.
    pub async fn stop(self) -> StreamLog {
        self.stop.store(true, Ordering::SeqCst);
        for writer in self.writers {
            writer.await.expect("a writer panicked");
        }
        std::mem::take(&mut *self.log.lock().expect("stream log"))
    }
}

async fn write(
    client: ApiClient,
    slug: String,
    writer: usize,
    start_seq: i32,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<StreamLog>>,
) {
    let deadline = Instant::now() + WRITER_LIFETIME;
    let mut base = start_seq;
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        n += 1;
        let body = format!("Writer {writer}, save {n}: {}.", uuid::Uuid::new_v4());
        let reply = client.save(&slug, base, &body).await;
        let failed = matches!(reply, SaveReply::Failed { .. });
        record(&mut log.lock().expect("stream log"), reply, body, &mut base);
        if failed {
            // The server or its database is down: do not spin.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Notes one answer and moves the writer's base to the head it learnt of.
fn record(log: &mut StreamLog, reply: SaveReply, body: String, base: &mut i32) {
    match reply {
        SaveReply::Saved { seq } => {
            log.acked.push(Ack { seq, body });
            *base = seq;
        }
        SaveReply::Conflict { current_seq: Some(seq), .. } => {
            log.conflicts += 1;
            *base = seq;
        }
        SaveReply::Conflict { current_seq: None, .. } => log.unexpected.push("409 without a current revision".into()),
        SaveReply::Failed { status, detail } => {
            if status.is_some_and(|s| s < 500) {
                log.unexpected.push(format!("{status:?}: {detail}"));
            }
            let key = status.map_or_else(|| "none".to_owned(), |s| s.to_string());
            *log.failures.entry(key).or_default() += 1;
        }
    }
}

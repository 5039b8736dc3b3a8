//! SIGTERM under a stream of slow requests: the server stops accepting, finishes every request
//! it already has, and exits 0 within actix's shutdown timeout.
//!
//! "Already has" is made exact with `Expect: 100-continue`: a client sends the head, waits for
//! the server's `100 Continue` (proof the server is handling the request) and only then sends the
//! body. Requests held at that point across the signal must be answered in full.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::common::{PASSWORD, blocking};
use crate::helpers::{ApiClient, SaveReply, database_with_curator, init_logging};
use crate::history::{Ack, assert_nothing_lost};
use crate::server_process::ServerProcess;

/// actix-server's default graceful shutdown timeout (the app does not change it).
const ACTIX_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long each streamed request holds its body back after the server accepted its head.
const BODY_DELAY: Duration = Duration::from_millis(150);
/// Bound on any one socket operation.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and as whom the raw requests save.
#[derive(Clone)]
struct Target {
    host: String,
    path: String,
    cookie: String,
    csrf_token: String,
}

impl Target {
    fn body(&self, base_seq: i32, text: &str) -> String {
        json!({ "base_seq": base_seq, "body": text, "summary": "slow save" }).to_string()
    }
}

/// A save whose head the server has accepted (it answered `100 Continue`); the body is pending.
struct AcceptedSave {
    stream: TcpStream,
    body: String,
    text: String,
}

/// Sends the head of a save and waits for `100 Continue`.
async fn start_save(target: &Target, base_seq: i32, text: String) -> Result<AcceptedSave, String> {
    let body = target.body(base_seq, &text);
    let mut stream = timeout(IO_TIMEOUT, TcpStream::connect(&target.host))
        .await
        .map_err(|_| "connect timed out".to_owned())?
        .map_err(|e| format!("connect: {e}"))?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nX-CSRF-Token: {}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        target.path,
        target.host,
        target.cookie,
        target.csrf_token,
        body.len()
    );
    stream.write_all(head.as_bytes()).await.map_err(|e| format!("send head: {e}"))?;
    let mut interim = Vec::new();
    let mut chunk = [0u8; 256];
    while find(&interim, b"\r\n\r\n").is_none() {
        let n = timeout(IO_TIMEOUT, stream.read(&mut chunk))
            .await
            .map_err(|_| "no 100 Continue in time".to_owned())?
            .map_err(|e| format!("read 100 Continue: {e}"))?;
        if n == 0 {
            return Err("connection closed before 100 Continue".to_owned());
        }
        interim.extend_from_slice(&chunk[..n]);
    }
    if !interim.starts_with(b"HTTP/1.1 100") {
        return Err(format!("answered before the body was sent: {}", String::from_utf8_lossy(&interim)));
    }
    Ok(AcceptedSave { stream, body, text })
}

impl AcceptedSave {
    /// Sends the body and reads the whole response: its status and body.
    async fn finish(mut self) -> Result<(u16, Value), String> {
        self.stream.write_all(self.body.as_bytes()).await.map_err(|e| format!("send body: {e}"))?;
        let mut response = Vec::new();
        timeout(IO_TIMEOUT, self.stream.read_to_end(&mut response))
            .await
            .map_err(|_| "no response in time".to_owned())?
            .map_err(|e| format!("read response: {e} (got {:?})", String::from_utf8_lossy(&response)))?;
        let end = find(&response, b"\r\n\r\n")
            .ok_or_else(|| format!("incomplete response: {:?}", String::from_utf8_lossy(&response)))?;
        let head = String::from_utf8_lossy(&response[..end]).into_owned();
        let body = &response[end + 4..];
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("no status line in {head:?}"))?;
        let declared = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
        });
        if declared.is_some_and(|len| body.len() < len) {
            return Err(format!("response cut off: {head:?} with {} body bytes", body.len()));
        }
        Ok((status, serde_json::from_slice(body).unwrap_or(Value::Null)))
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// What became of one raw request.
#[derive(Debug)]
enum Outcome {
    /// The server accepted the head, and then: a full response, or what went wrong.
    Accepted { text: String, result: Result<(u16, Value), String> },
    /// The head was not accepted; `after_signal` says whether SIGTERM had been sent by then.
    NotAccepted { after_signal: bool, error: String },
}

/// Streams slow saves until `signalled`, following the head through the answers.
async fn slow_writer(
    target: Target,
    writer: usize,
    head: Arc<AtomicI32>,
    signalled: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
) -> Vec<Outcome> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut outcomes = Vec::new();
    let mut n = 0;
    while !signalled.load(Ordering::SeqCst) && Instant::now() < deadline {
        n += 1;
        let text = format!("Slow writer {writer}, save {n}: {}.", uuid::Uuid::new_v4());
        match start_save(&target, head.load(Ordering::SeqCst), text).await {
            Err(error) => {
                outcomes.push(Outcome::NotAccepted { after_signal: signalled.load(Ordering::SeqCst), error });
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(save) => {
                tokio::time::sleep(BODY_DELAY).await;
                let text = save.text.clone();
                let result = save.finish().await;
                if let Ok((201, body)) | Ok((409, body)) = &result {
                    let seq = body["seq"].as_i64().or_else(|| body["current"]["seq"].as_i64());
                    if let Some(seq) = seq.and_then(|s| i32::try_from(s).ok()) {
                        head.fetch_max(seq, Ordering::SeqCst);
                    }
                }
                done.fetch_add(1, Ordering::SeqCst);
                outcomes.push(Outcome::Accepted { text, result });
            }
        }
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_accepted_requests_finish_and_exits_zero_within_the_shutdown_timeout() {
    init_logging();
    let database = database_with_curator().await;
    let mut server = ServerProcess::start(&database.url).await;
    let curator = ApiClient::log_in(&server.base, "curator", PASSWORD).await;
    let slug = curator.create_thread("Does a restart drop requests").await;
    let first = match curator.save(&slug, 0, "The first text.").await {
        SaveReply::Saved { seq } => Ack { seq, body: "The first text.".to_owned() },
        other => panic!("first save: {other:?}"),
    };
    let target = Target {
        host: server.base.trim_start_matches("http://").to_owned(),
        path: format!("/api/v1/threads/{slug}/synthesis"),
        cookie: curator.session_cookie.clone(),
        csrf_token: curator.csrf_token.clone(),
    };

    let head = Arc::new(AtomicI32::new(first.seq));
    let signalled = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..4)
        .map(|w| tokio::spawn(slow_writer(target.clone(), w, head.clone(), signalled.clone(), done.clone())))
        .collect();
    let warmed_up =
        crate::common::eventually(Duration::from_secs(20), || async { done.load(Ordering::SeqCst) >= 8 }).await;
    assert!(warmed_up, "the slow stream got going\n{}", server.log_tail());

    // Three saves the server has accepted whose bodies are only sent after the signal.
    let mut held = Vec::new();
    for i in 0..3 {
        let text = format!("Held save {i}: {}.", uuid::Uuid::new_v4());
        let save = start_save(&target, head.load(Ordering::SeqCst), text).await;
        held.push(save.unwrap_or_else(|e| panic!("held save {i} before the signal: {e}\n{}", server.log_tail())));
    }
    signalled.store(true, Ordering::SeqCst);
    server.signal(libc::SIGTERM);
    let signal_sent = Instant::now();

    let mut outcomes = Vec::new();
    let mut held_statuses = Vec::new();
    for save in held {
        let text = save.text.clone();
        let result = save.finish().await;
        held_statuses.push(result.as_ref().map(|(status, _)| *status).ok());
        outcomes.push(Outcome::Accepted { text, result });
    }
    for writer in writers {
        outcomes.extend(writer.await.expect("a slow writer panicked"));
    }
    let exit = server.wait_for_exit(ACTIX_SHUTDOWN_TIMEOUT + Duration::from_secs(5)).await;
    let took = signal_sent.elapsed();

    let mut acked = vec![first];
    let mut answered = 0;
    let mut refused_after_signal = 0;
    for outcome in &outcomes {
        match outcome {
            Outcome::Accepted { text, result: Ok((status, body)) } => {
                assert!(
                    *status == 201 || *status == 409,
                    "an accepted save was answered {status} {body}\n{}",
                    server.log_tail()
                );
                answered += 1;
                if *status == 201 {
                    let seq = body["seq"].as_i64().and_then(|s| i32::try_from(s).ok()).expect("201 with its seq");
                    acked.push(Ack { seq, body: text.clone() });
                }
            }
            Outcome::Accepted { result: Err(e), .. } => {
                panic!("a request the server had accepted was not answered in full: {e}\n{}", server.log_tail())
            }
            Outcome::NotAccepted { after_signal: false, error } => {
                panic!("a request failed before the signal: {error}\n{}", server.log_tail())
            }
            Outcome::NotAccepted { after_signal: true, .. } => refused_after_signal += 1,
        }
    }
    let status = exit.unwrap_or_else(|| panic!("the server was still running after SIGTERM\n{}", server.log_tail()));
    assert!(status.success(), "the server exited with {status} after SIGTERM\n{}", server.log_tail());
    assert!(took < ACTIX_SHUTDOWN_TIMEOUT, "graceful shutdown took {took:?}");

    let (url, acked_copy) = (database.url.clone(), acked.clone());
    let history = blocking(move || {
        let mut conn = PgConnection::establish(&url).expect("connect to the scratch database");
        assert_nothing_lost(&mut conn, &slug, &acked_copy)
    })
    .await;
    eprintln!(
        "SIGTERM: {answered} accepted requests answered in full (the held ones: {held_statuses:?}), \
         {refused_after_signal} refused after the signal, {} saves acknowledged, {} revisions stored, \
         exit {status} after {took:?}",
        acked.len(),
        history.revisions.len()
    );
}

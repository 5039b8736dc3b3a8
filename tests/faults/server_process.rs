//! The compiled `agora` binary as a child process: started with `serve`, signalled, and killed
//! (and reaped) on `Drop` so no server outlives its test.

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::common::eventually;
use crate::helpers::{free_port, http_client, status_of};

/// How long a fresh process may take to migrate and answer `/healthz`.
const STARTUP: Duration = Duration::from_secs(30);

/// A running `agora serve`.
pub struct ServerProcess {
    child: Option<Child>,
    pub base: String,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts `agora serve` on a free port against `database_url` and waits until `/healthz`
    /// answers 200.
    pub async fn start(database_url: &str) -> ServerProcess {
        ServerProcess::start_with_env(database_url, &[]).await
    }

    /// [`start`](Self::start) with the environment changed: `(name, Some(value))` sets a
    /// variable, `(name, None)` removes it (from the defaults too).
    pub async fn start_with_env(database_url: &str, env: &[(&str, Option<&str>)]) -> ServerProcess {
        let mut last_failure = String::new();
        // The free port may be taken before the child binds it: then it exits and we retry.
        for _ in 0..3 {
            let mut server = ServerProcess::spawn(database_url, free_port(), env);
            match server.wait_until_healthy().await {
                Ok(()) => return server,
                Err(e) => last_failure = format!("{e}\n{}", server.log_tail()),
            }
        }
        panic!("agora serve did not become healthy: {last_failure}");
    }

    fn spawn(database_url: &str, port: u16, env: &[(&str, Option<&str>)]) -> ServerProcess {
        let log = std::env::temp_dir().join(format!("agora-faults-server-{}.log", uuid::Uuid::new_v4().simple()));
        let out = File::create(&log).expect("create the server log");
        let err = out.try_clone().expect("share the server log");
        let mut command = Command::new(env!("CARGO_BIN_EXE_agora"));
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database_url)
            .env("AGORA_POOL_SIZE", "4")
            // The link checker stays off in tests unless a test turns it on.
            .env("AGORA_LINKCHECK", "off")
            .env("RUST_LOG", "info,r2d2=off")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        for (name, value) in env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        let child = command.spawn().expect("start the agora binary");
        ServerProcess { child: Some(child), base: format!("http://127.0.0.1:{port}"), log }
    }

    async fn wait_until_healthy(&mut self) -> Result<(), String> {
        let http = http_client();
        let deadline = Instant::now() + STARTUP;
        loop {
            if let Some(status) = self.child_mut().try_wait().map_err(|e| e.to_string())? {
                return Err(format!("the server exited during startup with {status}"));
            }
            // Another test's server may have taken the port we picked: only our own log line
            // proves that the answer comes from this process.
            let ours = self.logged(&format!("listening on {}", self.base));
            if ours && status_of(&http, &self.base, "/healthz").await == Some(StatusCode::OK) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("no healthy /healthz within {STARTUP:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child.as_mut().expect("the server process")
    }

    /// Sends `signal` (e.g. `libc::SIGTERM`) to the process.
    pub fn signal(&mut self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child_mut().id()).expect("a pid fits pid_t");
        // SAFETY: kill(2) with a pid we spawned and have not reaped yet, so it is still ours.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "kill({pid}, {signal}) failed: {}", std::io::Error::last_os_error());
    }

    /// SIGKILL: the process dies where it stands. Waits until it is gone.
    pub fn kill(&mut self) {
        let child = self.child_mut();
        child.kill().expect("SIGKILL the server");
        child.wait().expect("reap the killed server");
    }

    /// Waits up to `within` for the process to exit; its exit status, if it did.
    pub async fn wait_for_exit(&mut self, within: Duration) -> Option<ExitStatus> {
        let mut exited = None;
        eventually(within, || {
            exited = self.child_mut().try_wait().expect("poll the server process");
            std::future::ready(exited.is_some())
        })
        .await;
        exited
    }

    /// The last lines the server logged (for failure messages).
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Everything the server logged so far (standard output and error).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the server logged a line containing `text`.
    pub fn logged(&self, text: &str) -> bool {
        std::fs::read_to_string(&self.log).unwrap_or_default().contains(text)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take()
            && child.try_wait().ok().flatten().is_none()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

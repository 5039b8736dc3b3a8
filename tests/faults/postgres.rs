//! A throwaway PostgreSQL cluster the test may crash at will: `initdb` into a temp dir, served on
//! a random port of 127.0.0.1 with its socket in that dir, so the machine's server is untouched.
//! Everything runs as the `postgres` user when the test runs as root (initdb refuses root).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::helpers::free_port;

/// A running (or deliberately crashed) cluster; stopped and deleted on `Drop`.
pub struct Postgres {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
}

impl Postgres {
    /// Creates a cluster with trust authentication and starts it. Blocking.
    pub fn start() -> Postgres {
        let bin = newest_bin_dir();
        let root = std::env::temp_dir().join(format!("agora-faults-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&root).expect("create the cluster's directory");
        // From here on `Drop` removes the directory, whatever fails next.
        let mut pg = Postgres { root, bin, port: 0 };
        if running_as_root() {
            let (uid, gid) = postgres_ids();
            std::os::unix::fs::chown(&pg.root, Some(uid), Some(gid)).expect("give the cluster dir to postgres");
        }
        let data = pg.data_dir();
        pg.run("initdb", &["-D", path_str(&data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"])
            .unwrap_or_else(|e| panic!("initdb failed: {e}"));
        // A port picked now may be taken by the time the server binds it: try a few.
        let mut last_error = String::new();
        for _ in 0..3 {
            pg.port = free_port();
            match pg.pg_ctl_start() {
                Ok(()) => return pg,
                Err(e) => last_error = e,
            }
        }
        panic!("the throwaway PostgreSQL did not start: {last_error}\n{}", pg.log_tail());
    }

    /// A streaming standby of this cluster, made with `pg_basebackup -R` into a directory of its
    /// own and started on a port of its own (hot standby: it answers reads). Blocking.
    pub fn start_standby(&self) -> Postgres {
        let root = std::env::temp_dir().join(format!("agora-faults-standby-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&root).expect("create the standby's directory");
        let mut standby = Postgres { root, bin: self.bin.clone(), port: 0 };
        if running_as_root() {
            let (uid, gid) = postgres_ids();
            std::os::unix::fs::chown(&standby.root, Some(uid), Some(gid)).expect("give the standby dir to postgres");
        }
        let data = standby.data_dir();
        let port = self.port.to_string();
        standby
            .run(
                "pg_basebackup",
                &[
                    "-D",
                    path_str(&data),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port,
                    "-U",
                    "postgres",
                    "-X",
                    "stream",
                    "-R",
                    "-c",
                    "fast",
                ],
            )
            .unwrap_or_else(|e| panic!("pg_basebackup failed: {e}"));
        let mut last_error = String::new();
        for _ in 0..3 {
            standby.port = free_port();
            match standby.pg_ctl_start() {
                Ok(()) => return standby,
                Err(e) => last_error = e,
            }
        }
        panic!("the standby did not start: {last_error}\n{}", standby.log_tail());
    }

    /// The URL of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// `pg_ctl stop -m immediate`: every backend dies at once, nothing is flushed or
    /// checkpointed; the next start runs crash recovery. Blocking.
    pub fn crash(&self) {
        self.run("pg_ctl", &["-D", path_str(&self.data_dir()), "-m", "immediate", "-w", "-t", "30", "stop"])
            .unwrap_or_else(|e| panic!("pg_ctl stop -m immediate failed: {e}"));
    }

    /// Starts the server again on the same port (after `crash`). Blocking.
    pub fn restart(&self) {
        self.pg_ctl_start().unwrap_or_else(|e| panic!("restarting PostgreSQL failed: {e}\n{}", self.log_tail()));
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let options = format!("-k {} -c listen_addresses=127.0.0.1 -p {}", path_str(&self.root), self.port);
        let log = self.root.join("server.log");
        self.run(
            "pg_ctl",
            &["-D", path_str(&self.data_dir()), "-l", path_str(&log), "-o", &options, "-w", "-t", "30", "start"],
        )
        .map(|_| ())
    }

    fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.root.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Runs one of the cluster's programs (as `postgres` when we are root).
    fn run(&self, program: &str, args: &[&str]) -> Result<Output, String> {
        let program = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        // The cluster's programs must not inherit the test's working directory (root's, maybe
        // unreadable to postgres).
        let output = command.args(args).current_dir(&self.root).output().map_err(|e| format!("{program:?}: {e}"))?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(format!(
                "{program:?} {args:?} exited with {}:\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.data_dir().join("postmaster.pid").exists() {
            let data = self.data_dir();
            if let Err(e) = self.run("pg_ctl", &["-D", path_str(&data), "-m", "immediate", "-w", "-t", "30", "stop"]) {
                eprintln!("could not stop the throwaway PostgreSQL: {e}");
            }
        }
        // pg_ctl waits for the postmaster; give its last files a moment before deleting.
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Err(e) = std::fs::remove_dir_all(&self.root) {
            if Instant::now() >= deadline {
                eprintln!("could not remove {}: {e}", self.root.display());
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// `/usr/lib/postgresql/<newest>/bin`.
fn newest_bin_dir() -> PathBuf {
    let versions = std::fs::read_dir("/usr/lib/postgresql").expect("PostgreSQL in /usr/lib/postgresql");
    versions
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
        .expect("an installed PostgreSQL with initdb under /usr/lib/postgresql/*/bin")
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The `postgres` user's uid and gid.
fn postgres_ids() -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let out = Command::new("id").args([flag, "postgres"]).output().expect("run id");
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("the postgres user exists")
    };
    (id("-u"), id("-g"))
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

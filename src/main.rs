use agora::cli::{Cli, Command};
use agora::config::Settings;
use agora::{db, ops, startup, telemetry};
use clap::Parser;
use std::io::Read;

/// Every argon2 hash takes a 19 MiB buffer. glibc's malloc raises its mmap threshold after the
/// first such buffer is freed and from then on serves (and keeps) them from its heaps: a few
/// dozen logins grew the server from 30 MB to 1.8 GB. A fixed threshold keeps big buffers on
/// mmap, so they go back to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_big_buffers_to_the_system() {
    // SAFETY: mallopt only changes allocator tuning and takes the allocator's own locks.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_big_buffers_to_the_system() {}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    return_big_buffers_to_the_system();
    telemetry::init();
    let cli = Cli::parse();
    let settings = Settings::from_env(&cli);
    let pool = db::connect_and_migrate(&settings)?;
    ops::backfill::run(&mut *pool.get()?)?;
    match cli.command {
        Command::Serve { demo, .. } => {
            if demo {
                ops::demo::seed_if_absent(&pool)?;
                // The demo's synthetic ratings get their figures before the first page view.
                ops::fairness_fit::tick(&pool, &settings.fairness).await?;
            }
            startup::Application::build(&settings, pool)?.run_until_stopped().await?;
        }
        Command::Migrate => tracing::info!("migrations are up to date"),
        Command::SeedDemo => {
            let loaded = ops::demo::seed_if_absent(&pool)?;
            ops::fairness_fit::tick(&pool, &settings.fairness).await?;
            println!("{}", if loaded { "demo thread loaded" } else { "demo thread already present" });
        }
        Command::CreateAdmin { username, password_stdin } => {
            anyhow::ensure!(password_stdin, "pass the password on standard input with --password-stdin");
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            ops::create_admin::run(&pool, &username, password)?;
            println!("admin {username} is ready");
        }
    }
    Ok(())
}

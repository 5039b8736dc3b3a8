use agora::cli::{Cli, Command};
use agora::config::Settings;
use agora::{db, startup, telemetry};
use clap::Parser;
use std::io::Read;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let cli = Cli::parse();
    let settings = Settings::from_env(&cli);
    let pool = db::connect_and_migrate(&settings)?;
    match cli.command {
        Command::Serve { demo, .. } => {
            if demo {
                db::demo::seed_if_absent(&pool)?;
            }
            startup::Application::build(&settings, pool)?.run_until_stopped().await?;
        }
        Command::Migrate => tracing::info!("migrations are up to date"),
        Command::SeedDemo => {
            let loaded = db::demo::seed_if_absent(&pool)?;
            println!("{}", if loaded { "demo thread loaded" } else { "demo thread already present" });
        }
        Command::CreateAdmin { username, password_stdin } => {
            anyhow::ensure!(password_stdin, "pass the password on standard input with --password-stdin");
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            db::users::create_admin_blocking(&pool, &username, password)?;
            println!("admin {username} is ready");
        }
    }
    Ok(())
}

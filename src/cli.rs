//! The command line of the one `agora` binary.

use clap::{Parser, Subcommand};

/// `agora serve | migrate | seed-demo | create-admin`.
#[derive(Debug, Parser)]
#[command(name = "agora", version, about = "A curation server for contested topic threads")]
pub struct Cli {
    /// PostgreSQL connection URL; the database is created if it is missing.
    #[arg(long, env = "DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/agora", global = true)]
    pub database_url: String,
    #[command(subcommand)]
    pub command: Command,
}

/// What the binary is asked to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (migrations run first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "AGORA_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo thread if it is absent.
        #[arg(long)]
        demo: bool,
    },
    /// Create the database if needed and run pending migrations.
    Migrate,
    /// Load the demo thread if it is absent.
    SeedDemo,
    /// Create an administrator account (or promote an existing one).
    CreateAdmin {
        /// The administrator's username.
        #[arg(long)]
        username: String,
        /// Read the password from standard input (the only way, so it never shows in `ps`).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_takes_bind_and_demo() {
        let cli = Cli::try_parse_from(["agora", "serve", "--bind", "0.0.0.0:9000", "--demo"]).unwrap();
        match cli.command {
            Command::Serve { bind, demo } => {
                assert_eq!(bind, "0.0.0.0:9000");
                assert!(demo);
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn create_admin_requires_a_username() {
        assert!(Cli::try_parse_from(["agora", "create-admin", "--password-stdin"]).is_err());
        let cli = Cli::try_parse_from(["agora", "create-admin", "--username", "root", "--password-stdin"]).unwrap();
        assert!(matches!(cli.command, Command::CreateAdmin { password_stdin: true, .. }));
    }

    #[test]
    fn unknown_subcommand_is_rejected() {
        assert!(Cli::try_parse_from(["agora", "explode"]).is_err());
    }
}

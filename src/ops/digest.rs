//! E-mail digests: a reader's settings, and the sender that mails each reader whose digest is
//! due one message listing their unread notifications. The sender runs on an interval inside
//! `agora serve`, only when SMTP is configured; several instances may run it at once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::{Connection, PgConnection};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{Message, SmtpTransport, Transport};

use super::changelog;
use crate::auth::CurrentUser;
use crate::config::Settings;
use crate::db::notifications::{self as queries, DigestItem, DigestReader, DigestSettings};
use crate::db::{self, PgPool};
use crate::domain::digest::{self, DigestChoice, Frequency};
use crate::domain::ids::UserId;
use crate::error::AppError;
use crate::render::pages::notifications::changes_phrase;

/// How long one SMTP exchange may take before the reader is left for the next round.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends digests through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    /// Where links in the e-mail point (`Settings::public_url`).
    public_url: String,
}

impl std::fmt::Debug for Mailer {
    /// Never prints the transport: its URL may carry the SMTP password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `smtp_url` (see `Settings::smtp_url`); a URL or sender lettre cannot use is
    /// an error at start-up rather than a digest silently never sent.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> anyhow::Result<Self> {
        let transport = SmtpTransport::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("AGORA_SMTP_URL cannot be used: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from =
            from.parse::<Mailbox>().map_err(|e| anyhow::anyhow!("AGORA_MAIL_FROM {from:?} is not a mailbox: {e}"))?;
        Ok(Mailer { transport, from, public_url: public_url.trim_end_matches('/').to_owned() })
    }

    /// The mailer the settings ask for, or `None` when SMTP is not configured (e-mail is off).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        settings.smtp_url.as_deref().map(|url| Mailer::new(url, &settings.mail_from, &settings.public_url)).transpose()
    }

    /// The digest e-mail of one reader.
    fn digest(
        &self,
        reader: &DigestReader,
        items: &[DigestItem],
        latest: &HashMap<i64, String>,
    ) -> anyhow::Result<Message> {
        let to = reader.email.parse::<Mailbox>().map_err(|e| anyhow::anyhow!("stored address is unusable: {e}"))?;
        let (subject, body) = digest_text(&self.public_url, &reader.username, items, latest);
        Ok(Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?)
    }
}

/// The subject and plain-text body of a digest (absolute links, since e-mail has no base URL);
/// `latest` words each notification's latest change by its id (`changelog::latest_words_in`).
pub fn digest_text(
    public_url: &str,
    username: &str,
    items: &[DigestItem],
    latest: &HashMap<i64, String>,
) -> (String, String) {
    let threads =
        if items.len() == 1 { "1 followed thread".to_owned() } else { format!("{} followed threads", items.len()) };
    let subject = format!("Agora: {threads} changed");
    let mut body = format!("Hello {username},\n\nThese threads you follow changed since you last read them:\n\n");
    for item in items {
        let latest = latest.get(&item.last_change_id).map(|w| format!(", latest: {w}")).unwrap_or_default();
        body.push_str(&format!(
            "- {}: {}{latest}\n  {public_url}/threads/{}\n\n",
            item.thread_title,
            changes_phrase(item.change_count),
            item.thread_slug
        ));
    }
    body.push_str(&format!(
        "All your notifications: {public_url}/notifications\n\
         Change how often you get these e-mails, or stop them: {public_url}/account/digest\n"
    ));
    (subject, body)
}

/// What one round of `send_due` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DigestRound {
    /// Digests the SMTP server accepted.
    pub sent: usize,
    /// Readers whose digest could not be sent; they stay due for the next round.
    pub failed: usize,
}

/// Sends every digest due at `now`: one e-mail per reader, listing their unread notifications
/// not yet e-mailed. Each reader is claimed, mailed and marked in one transaction holding the
/// reader's row lock, so the notifications are marked e-mailed only once the SMTP server has
/// accepted the message, and another instance running at the same time skips that reader. A
/// failure is logged and leaves the reader for the next round.
pub async fn send_due(pool: &PgPool, mailer: &Mailer, now: DateTime<Utc>) -> Result<DigestRound, AppError> {
    let mut round = DigestRound::default();
    let mut failed: Vec<i64> = Vec::new();
    loop {
        let mailer = mailer.clone();
        let skip = failed.clone();
        let outcome = db::with_conn(pool, move |c| {
            c.transaction::<_, AppError, _>(|c| {
                let Some(reader) = queries::claim_due_reader(c, now, &skip)? else {
                    return Ok(None);
                };
                let user = UserId(reader.id);
                let items = queries::digest_items(c, user)?;
                let ids: Vec<i64> = items.iter().map(|i| i.last_change_id).collect();
                let latest = changelog::latest_words_in(c, &ids)?;
                // The SMTP exchange blocks this (blocking-pool) thread while holding the lock.
                let sent = mailer.digest(&reader, &items, &latest).and_then(|m| Ok(mailer.transport.send(&m)?));
                match sent {
                    Ok(_) => {
                        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
                        queries::mark_emailed(c, user, &ids, now)?;
                        Ok(Some((reader.id, true)))
                    }
                    Err(e) => {
                        tracing::warn!(user = reader.id, error = %e, "sending a digest failed; it stays due");
                        Ok(Some((reader.id, false)))
                    }
                }
            })
        })
        .await?;
        match outcome {
            None => return Ok(round),
            Some((_, true)) => round.sent += 1,
            Some((id, false)) => {
                round.failed += 1;
                failed.push(id);
            }
        }
    }
}

/// Runs `send_due` every `interval` (first at once) until the runtime stops. Errors (a database
/// outage) are logged and the next tick tries again.
pub fn spawn_sender(pool: PgPool, mailer: Arc<Mailer>, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let result = send_due(&pool, &mailer, Utc::now()).await;
            super::jobs::record_run("digest", result.is_ok());
            match result {
                Ok(round) if round.sent > 0 || round.failed > 0 => {
                    tracing::info!(sent = round.sent, failed = round.failed, "digest round")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "digest round failed; retrying at the next tick"),
            }
        }
    })
}

/// A reader's digest settings as the account page and the API show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestView {
    pub email: String,
    pub frequency: Frequency,
}

/// The reader's current settings.
pub fn settings_in(conn: &mut PgConnection, user: UserId) -> Result<DigestView, AppError> {
    let stored = queries::digest_settings(conn, user)?;
    Ok(DigestView {
        email: stored.email.unwrap_or_default(),
        frequency: Frequency::parse(&stored.digest).unwrap_or(Frequency::Off),
    })
}

/// See [`settings_in`].
pub async fn settings(pool: &PgPool, user: &CurrentUser) -> Result<DigestView, AppError> {
    let user = user.id;
    db::with_conn(pool, move |c| settings_in(c, user)).await
}

/// Validates and stores the reader's settings (422 with the reason when invalid).
pub fn save_settings_in(
    conn: &mut PgConnection,
    user: UserId,
    email: &str,
    frequency: &str,
) -> Result<DigestView, AppError> {
    let DigestChoice { email, frequency } = digest::validate(email, frequency).map_err(AppError::Invalid)?;
    let stored = DigestSettings { email: email.clone(), digest: frequency.as_str().to_owned() };
    queries::set_digest_settings(conn, user, &stored)?;
    Ok(DigestView { email: email.unwrap_or_default(), frequency })
}

/// See [`save_settings_in`].
pub async fn save_settings(
    pool: &PgPool,
    user: &CurrentUser,
    email: &str,
    frequency: &str,
) -> Result<DigestView, AppError> {
    let (user, email, frequency) = (user.id, email.to_owned(), frequency.to_owned());
    db::with_conn(pool, move |c| save_settings_in(c, user, &email, &frequency)).await
}

//! The instance's one `LISTEN agora_changes` connection (the triggers of migration
//! `2026-12-06-000020_change_notify` notify it in the transaction of every change to a table a
//! public page shows). Every notification empties the page cache; a lost connection, a failed
//! reconnect or a payload it cannot read is a gap, after which the cache serves nothing until the
//! listener is connected again (and then starts empty). It reconnects with exponential backoff.
//!
//! tokio-postgres rather than diesel: notifications arrive on the connection unasked, and its
//! `Connection` hands them over as they come instead of on the next query.

use std::sync::Arc;

use futures_util::StreamExt;
use tokio_postgres::{AsyncMessage, NoTls};

use super::page_cache::{PageCache, backoff};
use crate::config::PageCacheSettings;

/// The channel the triggers notify.
pub const CHANNEL: &str = "agora_changes";

/// Listens for changes on `database_url` for as long as the runtime runs, reconnecting after
/// `settings.reconnect_after`, doubled per failure.
pub fn spawn(database_url: String, cache: Arc<PageCache>, settings: PageCacheSettings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut failures = 0u32;
        loop {
            match listen(&database_url, &cache).await {
                // It was connected and listening, then lost: try again at once, then back off.
                Ok(()) => failures = 0,
                Err(e) => {
                    tracing::warn!(error = %e, "page-cache listener could not connect; retrying");
                    failures = failures.saturating_add(1);
                }
            }
            cache.gap();
            tokio::time::sleep(backoff(settings.reconnect_after, failures)).await;
        }
    })
}

/// Connects, listens and drops the cache on each notification; returns when the connection
/// ends after listening (Ok) or fails before (Err).
async fn listen(database_url: &str, cache: &PageCache) -> Result<(), tokio_postgres::Error> {
    let mut config: tokio_postgres::Config = database_url.parse()?;
    config.application_name(cache.listener_name());
    config.connect_timeout(std::time::Duration::from_secs(5));
    // A peer that vanishes without closing the socket is noticed within about a minute.
    config.keepalives_idle(std::time::Duration::from_secs(30));
    let (client, mut connection) = config.connect(NoTls).await?;
    // The connection must be polled for the LISTEN to complete; its messages go to a channel.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            let end = message.is_err();
            if tx.send(message).is_err() || end {
                break;
            }
        }
    });
    let listening = client.batch_execute(&format!("LISTEN {CHANNEL}")).await;
    if let Err(e) = listening {
        driver.abort();
        return Err(e);
    }
    cache.listening();
    tracing::info!(name = cache.listener_name(), "page-cache listener is listening");
    while let Some(message) = rx.recv().await {
        match message {
            Ok(AsyncMessage::Notification(n)) if n.channel() == CHANNEL && is_table_name(n.payload()) => {
                cache.invalidate_all();
            }
            Ok(AsyncMessage::Notification(n)) => {
                tracing::warn!(channel = n.channel(), payload = n.payload(), "unexpected notification");
                cache.gap();
                cache.listening();
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "page-cache listener lost its connection");
                break;
            }
        }
    }
    driver.abort();
    drop(client);
    Ok(())
}

/// What the triggers send: a table's name.
fn is_table_name(payload: &str) -> bool {
    !payload.is_empty()
        && payload.len() <= 63
        && payload.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_table_names() {
        assert!(is_table_name("revisions"));
        assert!(is_table_name("thread_events"));
        assert!(!is_table_name(""));
        assert!(!is_table_name("Robert'); DROP"));
        assert!(!is_table_name(&"a".repeat(64)));
    }
}

//! Logging: one tracing subscriber, filtered by `RUST_LOG` (default `info`), writing text or
//! JSON lines (`AGORA_LOG_FORMAT`); and the Prometheus metrics (`metrics`).

pub mod metrics;

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber; later calls (tests) are ignored.
pub fn init() {
    init_with_default("info");
}

/// Installs the subscriber with `default_filter` when `RUST_LOG` is unset. Tests use it to
/// silence the pool's reconnect errors once a finished test's database has been dropped.
pub fn init_with_default(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let requested = std::env::var("AGORA_LOG_FORMAT").ok();
    let style = LogStyle::choose(
        requested.as_deref(),
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    );
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let installed = match style.format {
        // One object per line, the event's fields at the top level beside `timestamp`, `level`
        // and `message`, and the request's span (with its `request_id`) under `span`.
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Text => builder.with_ansi(style.ansi).try_init(),
    };
    if installed.is_ok()
        && let Some(unknown) = style.unknown
    {
        tracing::warn!(value = %unknown, "AGORA_LOG_FORMAT is neither `text` nor `json`; writing text");
    }
}

/// How log lines are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogStyle {
    pub format: LogFormat,
    /// Colour codes: only on a terminal (never in JSON, files, pipes or journald), and not when
    /// `NO_COLOR` is set.
    pub ansi: bool,
    /// An `AGORA_LOG_FORMAT` that names no format, to warn about once logging is up.
    pub unknown: Option<String>,
}

impl LogStyle {
    /// The style for `AGORA_LOG_FORMAT = requested`, writing to a terminal or not.
    pub fn choose(requested: Option<&str>, terminal: bool, no_color: bool) -> Self {
        let (format, unknown) = match LogFormat::parse(requested) {
            Ok(format) => (format, None),
            Err(unknown) => (LogFormat::Text, Some(unknown)),
        };
        LogStyle { format, ansi: format == LogFormat::Text && terminal && !no_color, unknown }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_coloured_only_on_a_terminal_without_no_color() {
        assert!(LogStyle::choose(None, true, false).ansi);
        assert!(!LogStyle::choose(None, false, false).ansi, "a pipe or file gets no escape codes");
        assert!(!LogStyle::choose(Some("text"), true, true).ansi, "NO_COLOR is honoured");
        assert_eq!(LogStyle::choose(Some("text"), false, false).format, LogFormat::Text);
    }

    #[test]
    fn json_is_chosen_by_name_and_never_coloured() {
        let style = LogStyle::choose(Some("json"), true, false);
        assert_eq!(style, LogStyle { format: LogFormat::Json, ansi: false, unknown: None });
    }

    #[test]
    fn an_unknown_format_falls_back_to_text_and_is_reported() {
        let style = LogStyle::choose(Some("logfmt"), false, false);
        assert_eq!(style, LogStyle { format: LogFormat::Text, ansi: false, unknown: Some("logfmt".to_owned()) });
    }
}

//! Restrictions a moderator puts in force, with the words users see: a thread lock (only
//! moderators change the thread) and an account suspension (the user reads, every write is
//! refused). Both last until a time or until a moderator lifts them; "until …" is worded here
//! only, by `until_text`.

use chrono::{DateTime, Utc};

use super::time::timestamp;

/// A lock in force: only moderators change the thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// `None`: until a moderator unlocks it.
    pub until: Option<DateTime<Utc>>,
    pub reason: String,
}

impl Lock {
    /// "until 2026-12-02 00:00 UTC" or "until a moderator unlocks it".
    pub fn until_text(&self) -> String {
        until_text(self.until, "until a moderator unlocks it")
    }

    /// "this thread is locked until … (reason: …)".
    pub fn describe(&self) -> String {
        let until = self.until_text();
        if self.reason.is_empty() {
            format!("this thread is locked {until}")
        } else {
            format!("this thread is locked {until} (reason: {})", self.reason)
        }
    }
}

/// A suspension in force: the user reads, and every write is refused with this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    /// `None`: until a moderator lifts it.
    pub until: Option<DateTime<Utc>>,
    pub reason: String,
}

impl Suspension {
    /// "until 2026-12-02 00:00 UTC" or "until lifted", as the moderation log records it.
    pub fn until_text(&self) -> String {
        until_text(self.until, "until lifted")
    }

    /// The refusal a suspended user's writes get.
    pub fn refusal(&self) -> String {
        let until = until_text(self.until, "until a moderator lifts it");
        format!("your account is suspended {until} (reason: {}); you can read but not change anything", self.reason)
    }
}

/// "until <time>" for a restriction that ends, `open_ended` for one that lasts until lifted.
fn until_text(until: Option<DateTime<Utc>>, open_ended: &str) -> String {
    match until {
        Some(at) => format!("until {}", timestamp(at)),
        None => open_ended.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn restrictions_say_until_when() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap();
        let lock = Lock { until: Some(at), reason: "edit war".into() };
        assert_eq!(lock.describe(), "this thread is locked until 2026-12-02 00:00 UTC (reason: edit war)");
        let open = Lock { until: None, reason: String::new() };
        assert_eq!(open.describe(), "this thread is locked until a moderator unlocks it");
        let suspension = Suspension { until: None, reason: "spam".into() };
        assert_eq!(suspension.until_text(), "until lifted");
        assert_eq!(
            suspension.refusal(),
            "your account is suspended until a moderator lifts it (reason: spam); you can read but not change anything"
        );
        assert_eq!(Suspension { until: Some(at), ..suspension }.until_text(), "until 2026-12-02 00:00 UTC");
    }
}

//! The one-line confirmation shown after a form changed something ("Saved.", "Undone."). Only a
//! fixed key travels between the redirect and the page that shows it (a short-lived cookie), so
//! nothing a user typed can be carried into another page's message.

/// What was just done. Each has a stable short key (the cookie's value) and a fixed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    Saved,
    Merged,
    Unchanged,
    Added,
    Created,
    Reverted,
    Undone,
    RolledBack,
    Deleted,
    Answered,
    Reopened,
    Followed,
    Unfollowed,
    MarkedRead,
    CuratorAdded,
    CuratorRemoved,
    RoleChanged,
    Suspended,
    Unsuspended,
    Patrolled,
    Hidden,
    Unhidden,
    Locked,
    Unlocked,
    Linked,
    Unlinked,
    SignedIn,
    SignedUp,
    SignedOut,
    PasswordChanged,
    FeedRevoked,
    // Issue 17: the fair-summary signal.
    CampSaved,
    Rated,
    RatingsExcluded,
    RatingsIncluded,
    // The governed stance label.
    StanceProposed,
    StanceApproved,
    StanceRejected,
    StanceWithdrawn,
    // Issue 18: personal API tokens.
    TokenCreated,
    TokenRevoked,
}

impl Flash {
    /// Every flash, for tests and for reading a key back.
    pub const ALL: [Flash; 41] = [
        Flash::Saved,
        Flash::Merged,
        Flash::Unchanged,
        Flash::Added,
        Flash::Created,
        Flash::Reverted,
        Flash::Undone,
        Flash::RolledBack,
        Flash::Deleted,
        Flash::Answered,
        Flash::Reopened,
        Flash::Followed,
        Flash::Unfollowed,
        Flash::MarkedRead,
        Flash::CuratorAdded,
        Flash::CuratorRemoved,
        Flash::RoleChanged,
        Flash::Suspended,
        Flash::Unsuspended,
        Flash::Patrolled,
        Flash::Hidden,
        Flash::Unhidden,
        Flash::Locked,
        Flash::Unlocked,
        Flash::Linked,
        Flash::Unlinked,
        Flash::SignedIn,
        Flash::SignedUp,
        Flash::SignedOut,
        Flash::PasswordChanged,
        Flash::FeedRevoked,
        Flash::CampSaved,
        Flash::Rated,
        Flash::RatingsExcluded,
        Flash::RatingsIncluded,
        Flash::StanceProposed,
        Flash::StanceApproved,
        Flash::StanceRejected,
        Flash::StanceWithdrawn,
        Flash::TokenCreated,
        Flash::TokenRevoked,
    ];

    /// The cookie value: short, fixed, never user text.
    pub fn key(self) -> &'static str {
        match self {
            Flash::Saved => "saved",
            Flash::Merged => "merged",
            Flash::Unchanged => "unchanged",
            Flash::Added => "added",
            Flash::Created => "created",
            Flash::Reverted => "reverted",
            Flash::Undone => "undone",
            Flash::RolledBack => "rolled-back",
            Flash::Deleted => "deleted",
            Flash::Answered => "answered",
            Flash::Reopened => "reopened",
            Flash::Followed => "followed",
            Flash::Unfollowed => "unfollowed",
            Flash::MarkedRead => "marked-read",
            Flash::CuratorAdded => "curator-added",
            Flash::CuratorRemoved => "curator-removed",
            Flash::RoleChanged => "role-changed",
            Flash::Suspended => "suspended",
            Flash::Unsuspended => "unsuspended",
            Flash::Patrolled => "patrolled",
            Flash::Hidden => "hidden",
            Flash::Unhidden => "unhidden",
            Flash::Locked => "locked",
            Flash::Unlocked => "unlocked",
            Flash::Linked => "linked",
            Flash::Unlinked => "unlinked",
            Flash::SignedIn => "signed-in",
            Flash::SignedUp => "signed-up",
            Flash::SignedOut => "signed-out",
            Flash::PasswordChanged => "password-changed",
            Flash::FeedRevoked => "feed-revoked",
            Flash::CampSaved => "camp-saved",
            Flash::Rated => "rated",
            Flash::RatingsExcluded => "ratings-excluded",
            Flash::RatingsIncluded => "ratings-included",
            Flash::StanceProposed => "stance-proposed",
            Flash::StanceApproved => "stance-approved",
            Flash::StanceRejected => "stance-rejected",
            Flash::StanceWithdrawn => "stance-withdrawn",
            Flash::TokenCreated => "token-created",
            Flash::TokenRevoked => "token-revoked",
        }
    }

    /// The flash a key names; anything else (an old or forged cookie) names none.
    pub fn from_key(key: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.key() == key)
    }

    /// What the page says.
    pub fn message(self) -> &'static str {
        match self {
            Flash::Saved => "Saved.",
            Flash::Merged => "Saved — your edit was merged with a revision someone saved while you were editing.",
            Flash::Unchanged => "Nothing to save: the text was already the same.",
            Flash::Added => "Added.",
            Flash::Created => "Created.",
            Flash::Reverted => "Reverted: the synthesis now has that revision's text, as a new revision.",
            Flash::Undone => "Undone: that revision's changes were taken out, as a new revision.",
            Flash::RolledBack => "Rolled back: the latest edits were taken out, as a new revision.",
            Flash::Deleted => "Deleted. Its earlier versions stay in the history.",
            Flash::Answered => "Marked answered.",
            Flash::Reopened => "Reopened.",
            Flash::Followed => "Following: changes to this thread will show in your notifications.",
            Flash::Unfollowed => "No longer following this thread.",
            Flash::MarkedRead => "Marked as read.",
            Flash::CuratorAdded => "Curator added.",
            Flash::CuratorRemoved => "Curator removed.",
            Flash::RoleChanged => "Role changed.",
            Flash::Suspended => "Account suspended.",
            Flash::Unsuspended => "Suspension lifted.",
            Flash::Patrolled => "Marked as patrolled.",
            Flash::Hidden => "Hidden: only moderators can see it now.",
            Flash::Unhidden => "Unhidden: everyone can see it again.",
            Flash::Locked => "Thread locked.",
            Flash::Unlocked => "Thread unlocked.",
            Flash::Linked => "Event linked.",
            Flash::Unlinked => "Event unlinked.",
            Flash::SignedIn => "You are logged in.",
            Flash::SignedUp => "Welcome: your account was created and you are logged in.",
            Flash::SignedOut => "You are logged out.",
            Flash::PasswordChanged => "Password changed. You were logged out everywhere else.",
            Flash::FeedRevoked => "Your private feed URL was revoked: it no longer works.",
            Flash::CampSaved => "Your interpretation was saved.",
            Flash::Rated => "Your rating was saved. The figures update at the next fit.",
            Flash::RatingsExcluded => "Their ratings are left out of the fairness model.",
            Flash::RatingsIncluded => "Their ratings count again in the fairness model.",
            Flash::StanceProposed => {
                "Proposal made: the label changes only when a moderator who did not propose it approves."
            }
            Flash::StanceApproved => "Approved: the thread's stance label changed.",
            Flash::StanceRejected => "Proposal rejected: the label stays as it was.",
            Flash::StanceWithdrawn => "Proposal withdrawn.",
            Flash::TokenCreated => "API token created. Copy it now: it is shown only this once.",
            Flash::TokenRevoked => "The API token was revoked: it no longer works.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_distinct_cookie_safe_and_reads_back() {
        let mut keys: Vec<&str> = Flash::ALL.iter().map(|f| f.key()).collect();
        for flash in Flash::ALL {
            assert_eq!(Flash::from_key(flash.key()), Some(flash));
            assert!(flash.key().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{flash:?}");
        }
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Flash::ALL.len());
        assert_eq!(Flash::from_key("<script>"), None);
    }
}

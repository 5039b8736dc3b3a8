//! The governed stance label: where a proposal to change it stands.

use serde::{Deserialize, Serialize};

/// Where a stance proposal stands. Only an open proposal can be approved, rejected or withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProposalState {
    /// Waiting for a moderator who did not propose it.
    Open,
    /// Approved: the label changed.
    Approved,
    /// Rejected by a moderator, with a reason.
    Rejected,
    /// Withdrawn by its proposer.
    Withdrawn,
}

impl ProposalState {
    /// Every state.
    pub const ALL: [ProposalState; 4] =
        [ProposalState::Open, ProposalState::Approved, ProposalState::Rejected, ProposalState::Withdrawn];

    /// The stored name (also the changelog action of the step that reached it, except `open`,
    /// whose action is `proposed`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Open => "open",
            ProposalState::Approved => "approved",
            ProposalState::Rejected => "rejected",
            ProposalState::Withdrawn => "withdrawn",
        }
    }

    /// How pages say it.
    pub fn label(self) -> &'static str {
        match self {
            ProposalState::Open => "Pending",
            ProposalState::Approved => "Approved",
            ProposalState::Rejected => "Rejected",
            ProposalState::Withdrawn => "Withdrawn",
        }
    }

    /// Parses a stored name (the column's CHECK constraint allows no other).
    pub fn parse(s: &str) -> Option<ProposalState> {
        ProposalState::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for state in ProposalState::ALL {
            assert_eq!(ProposalState::parse(state.as_str()), Some(state));
        }
        assert_eq!(ProposalState::parse("maybe"), None);
    }
}

//! The vocabulary of history: what part of a thread a changelog entry is about, what kind of
//! save a revision was, and what moderators do.

use serde::{Deserialize, Serialize};

/// The part of a thread a changelog entry changed (the history filter's "kind").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Synthesis,
    Details,
    Curators,
    Arc,
    Interpretation,
    Question,
    Controversy,
    Event,
    /// A source's own fields, or (filed under a thread citing it) its link dying.
    Source,
    /// A cell of the interpretation × event matrix.
    Matrix,
    /// The governed stance label: proposals and their approval, rejection or withdrawal.
    Stance,
}

impl Area {
    /// Every area, in page order.
    pub const ALL: [Area; 11] = [
        Area::Synthesis,
        Area::Details,
        Area::Curators,
        Area::Arc,
        Area::Interpretation,
        Area::Question,
        Area::Controversy,
        Area::Event,
        Area::Source,
        Area::Matrix,
        Area::Stance,
    ];

    /// The stored name (also the `kind=` filter value).
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Synthesis => "synthesis",
            Area::Details => "details",
            Area::Curators => "curators",
            Area::Arc => "arc",
            Area::Interpretation => "interpretation",
            Area::Question => "question",
            Area::Controversy => "controversy",
            Area::Event => "event",
            Area::Source => "source",
            Area::Matrix => "matrix",
            Area::Stance => "stance",
        }
    }

    /// What the filter calls it.
    pub fn label(self) -> &'static str {
        match self {
            Area::Synthesis => "Synthesis",
            Area::Details => "Title, question, status, stance",
            Area::Curators => "Curators",
            Area::Arc => "The arc",
            Area::Interpretation => "Interpretations",
            Area::Question => "Open questions",
            Area::Controversy => "Controversies",
            Area::Event => "Events",
            Area::Source => "Sources",
            Area::Matrix => "Evidence matrix",
            Area::Stance => "Stance label",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How a revision of the synthesis came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RevisionAction {
    /// Written by hand on top of the head.
    Edit,
    /// Written on a stale base and merged with the revisions saved meanwhile.
    Merge,
    /// Restores an earlier revision's text.
    Revert,
    /// Removes one earlier revision's change, keeping the later ones.
    Undo,
    /// Reverts a run of latest edits by one user.
    Rollback,
    /// Put back the newest visible text when a moderator hid the current revision.
    Restore,
}

impl RevisionAction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionAction::Edit => "edit",
            RevisionAction::Merge => "merge",
            RevisionAction::Revert => "revert",
            RevisionAction::Undo => "undo",
            RevisionAction::Rollback => "rollback",
            RevisionAction::Restore => "restore",
        }
    }

    /// Parses a stored name (the column's CHECK constraint allows no other).
    pub fn parse(s: &str) -> RevisionAction {
        [Self::Merge, Self::Revert, Self::Undo, Self::Rollback, Self::Restore]
            .into_iter()
            .find(|a| a.as_str() == s)
            .unwrap_or(Self::Edit)
    }
}

/// "3 paragraphs": how much a synthesis revision changed, from the paragraphs its blame
/// attributes to it (`paragraphs`), as in "synthesis revised (3 paragraphs)". A minor edit keeps
/// the older attribution, and a revision that only removed text, or restored earlier text, made
/// no paragraph of its own.
pub fn revision_extent(paragraphs: i32, minor: bool) -> String {
    match paragraphs {
        _ if minor => "minor edit".to_owned(),
        // Text removed, or earlier text restored (a revert keeps the paragraphs' old authors).
        n if n <= 0 => "no new text".to_owned(),
        1 => "1 paragraph".to_owned(),
        n => format!("{n} paragraphs"),
    }
}

/// What a moderation-log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModAction {
    Hide,
    Unhide,
    Lock,
    Unlock,
    Suspend,
    Unsuspend,
    Role,
    Rollback,
    Patrol,
    /// Approved a stance proposal (the label changed).
    ApproveStance,
    /// Rejected a stance proposal.
    RejectStance,
    /// Left an account's fairness ratings out of the model.
    ExcludeRatings,
    /// Let an account's fairness ratings count again.
    IncludeRatings,
}

impl ModAction {
    /// Every action.
    pub const ALL: [ModAction; 13] = [
        ModAction::Hide,
        ModAction::Unhide,
        ModAction::Lock,
        ModAction::Unlock,
        ModAction::Suspend,
        ModAction::Unsuspend,
        ModAction::Role,
        ModAction::Rollback,
        ModAction::Patrol,
        ModAction::ApproveStance,
        ModAction::RejectStance,
        ModAction::ExcludeRatings,
        ModAction::IncludeRatings,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ModAction::Hide => "hide",
            ModAction::Unhide => "unhide",
            ModAction::Lock => "lock",
            ModAction::Unlock => "unlock",
            ModAction::Suspend => "suspend",
            ModAction::Unsuspend => "unsuspend",
            ModAction::Role => "role",
            ModAction::Rollback => "rollback",
            ModAction::Patrol => "patrol",
            ModAction::ApproveStance => "approve_stance",
            ModAction::RejectStance => "reject_stance",
            ModAction::ExcludeRatings => "exclude_ratings",
            ModAction::IncludeRatings => "include_ratings",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<ModAction> {
        ModAction::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for area in Area::ALL {
            assert_eq!(Area::parse(area.as_str()), Some(area));
        }
        for action in ModAction::ALL {
            assert_eq!(ModAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(RevisionAction::parse("undo"), RevisionAction::Undo);
        assert_eq!(Area::parse("everything"), None);
    }

    #[test]
    fn a_revision_is_measured_in_paragraphs_not_bytes() {
        assert_eq!(format!("synthesis revised ({})", revision_extent(3, false)), "synthesis revised (3 paragraphs)");
        assert_eq!(revision_extent(1, false), "1 paragraph");
        assert_eq!(revision_extent(0, false), "no new text");
        assert_eq!(revision_extent(0, true), "minor edit");
    }
}

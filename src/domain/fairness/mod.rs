//! The fair-summary signal: what readers rate, how a rating is scored, and the model that asks
//! for agreement across camps (see `model`).

pub mod model;

use serde::{Deserialize, Serialize};

/// What a reader rates: a thread's synthesis or one of its interpretations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Synthesis,
    Interpretation,
}

impl ItemKind {
    /// Both kinds.
    pub const ALL: [ItemKind; 2] = [ItemKind::Synthesis, ItemKind::Interpretation];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Synthesis => "synthesis",
            ItemKind::Interpretation => "interpretation",
        }
    }

    /// Parses a stored or requested name.
    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One version of a rated item: ratings of an earlier version never count for a later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemKey {
    pub kind: ItemKind,
    /// The thread's id (synthesis) or the interpretation's id.
    pub id: i64,
    /// The seq of the thread's newest substantive revision (synthesis) or the interpretation's
    /// version.
    pub version: i32,
}

/// "Represents this view fairly": yes, somewhat or no.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fairness {
    Yes,
    Somewhat,
    No,
}

impl Fairness {
    /// Every answer, as the form lists them.
    pub const ALL: [Fairness; 3] = [Fairness::Yes, Fairness::Somewhat, Fairness::No];

    /// The stored value (`fairness_ratings.value`).
    pub fn stored(self) -> i16 {
        match self {
            Fairness::Yes => 2,
            Fairness::Somewhat => 1,
            Fairness::No => 0,
        }
    }

    /// From the stored value.
    pub fn from_stored(v: i16) -> Option<Fairness> {
        Fairness::ALL.into_iter().find(|f| f.stored() == v)
    }

    /// The name a form or JSON body sends.
    pub fn as_str(self) -> &'static str {
        match self {
            Fairness::Yes => "yes",
            Fairness::Somewhat => "somewhat",
            Fairness::No => "no",
        }
    }

    /// Parses a sent name.
    pub fn parse(s: &str) -> Option<Fairness> {
        Fairness::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The rating the model fits, as Community Notes scores helpful / somewhat / not helpful.
    pub fn score(self) -> f64 {
        match self {
            Fairness::Yes => 1.0,
            Fairness::Somewhat => 0.5,
            Fairness::No => 0.0,
        }
    }
}

/// One declared camp's answers on one item version, as a fit stores them
/// (`fairness_scores.camps`): "Democratization reading: 8 of 10 say fair".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampShare {
    /// The interpretation the raters hold; `None`: "none of these".
    pub camp: Option<i64>,
    /// Raters of the item who declared this camp.
    pub raters: i32,
    /// Of them, those who said yes.
    pub yes: i32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_through_storage_and_names() {
        for f in Fairness::ALL {
            assert_eq!(Fairness::from_stored(f.stored()), Some(f));
            assert_eq!(Fairness::parse(f.as_str()), Some(f));
        }
        assert_eq!(Fairness::from_stored(3), None);
        assert_eq!(ItemKind::parse("synthesis"), Some(ItemKind::Synthesis));
        assert_eq!(ItemKind::parse("event"), None);
    }
}

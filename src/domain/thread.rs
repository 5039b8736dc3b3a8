//! The vocabularies of a thread: status, stance, event significance.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $stored:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value stored in the database and used in forms and JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $stored),+ }
            }

            /// The human label.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a stored value.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

vocabulary!(
    /// Whether a thread is still moving.
    Status {
        Active => "active", "Active";
        Dormant => "dormant", "Dormant";
        Resolved => "resolved", "Resolved";
    }
);

vocabulary!(
    /// How settled the question is.
    Stance {
        Contested => "contested", "Contested";
        EmergingConsensus => "emerging_consensus", "Emerging consensus";
        Settled => "settled", "Settled";
    }
);

vocabulary!(
    /// How much an event mattered.
    Significance {
        Landmark => "landmark", "Landmark";
        Major => "major", "Major";
        Notable => "notable", "Notable";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip() {
        for s in Stance::ALL {
            assert_eq!(Stance::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Status::parse("asleep"), None);
        assert_eq!(Significance::parse("landmark"), Some(Significance::Landmark));
    }
}

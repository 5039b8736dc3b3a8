//! The vocabularies of a thread: status, stance, event significance; and of its evidence:
//! a source's kind, tier and link health, a matrix cell's assessment.

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

vocabulary!(
    /// What a source is.
    SourceKind {
        Article => "article", "Article";
        Paper => "paper", "Paper";
        Dataset => "dataset", "Dataset";
        ModelCard => "model_card", "Model card";
        Law => "law", "Law or regulation";
        Statement => "statement", "Official statement";
        Essay => "essay", "Essay";
        Post => "post", "Post";
        Other => "other", "Other";
    }
);

vocabulary!(
    /// How close a source is to what it documents: the thing itself, reporting on it, or a view.
    Tier {
        Primary => "primary", "Primary";
        Secondary => "secondary", "Secondary";
        Opinion => "opinion", "Opinion";
    }
);

vocabulary!(
    /// What the link checker last found at a source's address.
    LinkStatus {
        Unchecked => "unchecked", "Not checked yet";
        Ok => "ok", "Working";
        Redirected => "redirected", "Redirected";
        Failing => "failing", "Failing";
        Dead => "dead", "Dead";
        Offline => "offline", "Offline material";
    }
);

vocabulary!(
    /// How an event bears on an interpretation (a cell of the evidence matrix).
    Assessment {
        Supports => "supports", "Supports";
        Undercuts => "undercuts", "Undercuts";
        Neutral => "neutral", "Neutral";
        NotAssessed => "not_assessed", "Not assessed";
    }
);

impl LinkStatus {
    /// Whether places citing the source should flag it.
    pub fn is_flagged(self) -> bool {
        matches!(self, LinkStatus::Dead | LinkStatus::Redirected)
    }
}

/// A stored field name in words: "framing_question" → "framing question".
pub fn field_words(field: &str) -> String {
    match field {
        "date" => "date".to_owned(),
        "url" => "source".to_owned(),
        other => other.replace('_', " "),
    }
}

/// A stored value of a thread's or event's field in the words pages, feeds and e-mail use: a
/// status, stance or significance by its label in lower case ("emerging_consensus" → "emerging
/// consensus"), an event's date as pages write it ("Jul 18, 2023"), anything else as stored.
/// The one place a stored code becomes words, so no list shows `emerging_consensus`.
pub fn value_words(field: &str, stored: &str) -> String {
    let label = match field {
        "status" => Status::parse(stored).map(Status::label),
        "stance" => Stance::parse(stored).map(Stance::label),
        "significance" => Significance::parse(stored).map(Significance::label),
        "kind" => SourceKind::parse(stored).map(SourceKind::label),
        "tier" => Tier::parse(stored).map(Tier::label),
        "link_status" => LinkStatus::parse(stored).map(LinkStatus::label),
        "assessment" => Assessment::parse(stored).map(Assessment::label),
        "date" | "published_on" => {
            return chrono::NaiveDate::parse_from_str(stored, "%Y-%m-%d")
                .map_or_else(|_| stored.to_owned(), super::time::event_date);
        }
        _ => None,
    };
    label.map_or_else(|| stored.to_owned(), str::to_lowercase)
}

/// "stance changed from contested to emerging consensus": a field's change in words.
pub fn field_change(field: &str, before: &str, after: &str) -> String {
    format!("{} changed from {} to {}", field_words(field), value_words(field, before), value_words(field, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_read_as_words() {
        assert_eq!(
            field_change("stance", "contested", "emerging_consensus"),
            "stance changed from contested to emerging consensus"
        );
        assert_eq!(field_change("status", "active", "resolved"), "status changed from active to resolved");
        assert_eq!(value_words("significance", "landmark"), "landmark");
        assert_eq!(value_words("date", "2023-07-18"), "Jul 18, 2023");
        assert_eq!(field_words("framing_question"), "framing question");
        assert_eq!(value_words("title", "emerging_consensus"), "emerging_consensus", "free text stays as written");
    }

    #[test]
    fn stored_values_round_trip() {
        for s in Stance::ALL {
            assert_eq!(Stance::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Status::parse("asleep"), None);
        assert_eq!(Significance::parse("landmark"), Some(Significance::Landmark));
    }
}

//! The four kinds of section item and the fields each takes: what a form or JSON body sends,
//! and its validated, rendered form. The operations on items are in `ops::sections`.

use diesel::PgConnection;
use serde::Deserialize;

use super::citations;
use crate::db::sections::{ArcFields, ControversyFields, InterpretationFields};
use crate::domain::citation::{Cite, OwnerKind};
use crate::domain::history::Area;
use crate::domain::html::SafeHtml;
use crate::domain::validate::{self, MAX_SECTION_BODY_BYTES};
use crate::error::AppError;

/// The four kinds of section item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Arc,
    Interpretation,
    Question,
    Controversy,
}

impl SectionKind {
    /// Every kind, in page order.
    pub const ALL: [SectionKind; 4] =
        [SectionKind::Arc, SectionKind::Interpretation, SectionKind::Question, SectionKind::Controversy];

    /// The URL segment: `/threads/{slug}/{segment}/...`.
    pub fn segment(self) -> &'static str {
        match self {
            SectionKind::Arc => "arc",
            SectionKind::Interpretation => "interpretations",
            SectionKind::Question => "questions",
            SectionKind::Controversy => "controversies",
        }
    }

    /// Parses a URL segment.
    pub fn from_segment(segment: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.segment() == segment)
    }

    /// What one item is called.
    pub fn noun(self) -> &'static str {
        match self {
            SectionKind::Arc => "period",
            SectionKind::Interpretation => "interpretation",
            SectionKind::Question => "question",
            SectionKind::Controversy => "controversy",
        }
    }

    /// Its part of the changelog.
    pub fn area(self) -> Area {
        match self {
            SectionKind::Arc => Area::Arc,
            SectionKind::Interpretation => Area::Interpretation,
            SectionKind::Question => Area::Question,
            SectionKind::Controversy => Area::Controversy,
        }
    }

    /// Whether its items have a Markdown body (whose versions can be compared).
    pub fn has_body(self) -> bool {
        self != SectionKind::Question
    }

    /// What its citations are filed under.
    pub fn owner_kind(self) -> OwnerKind {
        match self {
            SectionKind::Arc => OwnerKind::Arc,
            SectionKind::Interpretation => OwnerKind::Interpretation,
            SectionKind::Question => OwnerKind::Question,
            SectionKind::Controversy => OwnerKind::Controversy,
        }
    }

    /// The page section it belongs to (also the anchor on the thread page).
    pub fn anchor(self) -> &'static str {
        match self {
            SectionKind::Arc => "arc",
            SectionKind::Interpretation => "interpretations",
            SectionKind::Question => "questions",
            SectionKind::Controversy => "controversies",
        }
    }
}

/// A section item as a form or JSON body sends it; which fields count depends on the kind.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SectionInput {
    /// Arc: the dated label ("2023").
    #[serde(default)]
    pub label: String,
    /// Arc, interpretation, controversy.
    #[serde(default)]
    pub title: String,
    /// Arc, interpretation, controversy (Markdown).
    #[serde(default)]
    pub body: String,
    /// Interpretation: one name per line.
    #[serde(default)]
    pub proponents: String,
    /// Question.
    #[serde(default)]
    pub question: String,
    /// Edits only: the item's version the editor started from (a newer one is a conflict).
    #[serde(default)]
    pub base_version: Option<i32>,
    /// Why; kept in the changelog.
    #[serde(default)]
    pub reason: String,
}

/// Validated, rendered fields of one kind.
#[derive(Debug, Clone)]
pub enum SectionFields {
    Arc(ArcFields),
    Interpretation(InterpretationFields),
    /// The question as typed, and rendered.
    Question(String, SafeHtml),
    Controversy(ControversyFields),
}

impl SectionInput {
    /// Validates the fields the kind uses and renders its Markdown (once, here), with what it
    /// cites (a marker naming nothing is refused).
    pub fn validate(&self, kind: SectionKind, conn: &mut PgConnection) -> Result<(SectionFields, Vec<Cite>), AppError> {
        let invalid = AppError::Invalid;
        let body = || validate::markdown("the text", &self.body, MAX_SECTION_BODY_BYTES).map_err(invalid);
        let mut cites = Vec::new();
        let mut render = |markdown: &str| -> Result<SafeHtml, AppError> {
            let rendered = citations::render_in(conn, markdown)?;
            cites = rendered.cites;
            Ok(rendered.html)
        };
        let title = || validate::required("the title", &self.title, 200).map_err(invalid);
        let fields = match kind {
            SectionKind::Arc => {
                let body_md = body()?;
                SectionFields::Arc(ArcFields {
                    label: validate::required("the period", &self.label, 40).map_err(invalid)?,
                    title: title()?,
                    body_html: render(&body_md)?,
                    body_md,
                })
            }
            SectionKind::Interpretation => {
                let body_md = body()?;
                SectionFields::Interpretation(InterpretationFields {
                    title: title()?,
                    proponents: validate::proponents(&self.proponents).map_err(invalid)?,
                    body_html: render(&body_md)?,
                    body_md,
                })
            }
            SectionKind::Question => {
                let question = validate::required("the question", &self.question, 1000).map_err(invalid)?;
                let html = render(&question)?;
                SectionFields::Question(question, html)
            }
            SectionKind::Controversy => {
                let body_md = body()?;
                SectionFields::Controversy(ControversyFields { title: title()?, body_html: render(&body_md)?, body_md })
            }
        };
        Ok((fields, cites))
    }
}

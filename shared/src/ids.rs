//! The ids of what a board holds: one newtype per kind of thing, so a project's id can never
//! be passed where a person's is meant.
//!
//! These sit at the bottom of the crate: the board, its schema and every computation
//! (`scoring`, `alignment`, `finance`, `risk`, `kpi`, `capacity`, `selection`) name things by
//! them, and this module names nothing else. Ids are map keys and parts of composite keys
//! (`project/person/week`), so they are never empty and never contain `/`: the only ways to
//! make one are [`ProjectId::random`] (and its siblings) and reading one from text with
//! `str::parse`, whose check and refusal ([`crate::BoardError`]) belong to the board.
//!
//! ```
//! use shared::ids::ProjectId;
//!
//! let erp: ProjectId = "erp".parse().unwrap();
//! assert_eq!(erp, "erp");
//! assert!("a/b".parse::<ProjectId>().is_err());
//! ```

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// A new random id (a UUID v4).
            pub fn random() -> $name {
                $name(uuid::Uuid::new_v4().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// An id from text the caller has checked (see the module's introduction).
            pub(crate) fn checked(text: String) -> $name {
                $name(text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// A map keyed by ids can be searched with an id's text (`Eq`, `Ord` and `Hash` are
        /// the text's).
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        /// An id equals its text, so a caller can compare one with the text it was written as.
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// Identifies a project on a board.
    ProjectId
);
id_type!(
    /// Identifies a person on a board.
    PersonId
);
id_type!(
    /// Identifies a risk in the register.
    RiskId
);
id_type!(
    /// Identifies a milestone.
    MilestoneId
);
id_type!(
    /// Identifies a lesson learned.
    LessonId
);
id_type!(
    /// Identifies a recorded decision.
    DecisionId
);
id_type!(
    /// Identifies a baseline (基线), a named version of the board.
    BaselineId
);
id_type!(
    /// Identifies a strategic objective.
    ObjectiveId
);
id_type!(
    /// Identifies a scoring criterion.
    CriterionId
);

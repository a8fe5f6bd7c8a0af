//! Project scoring and prioritisation (项目评分与优先级排序): turning the PMO's judgements about
//! proposals into numbers a ranked list can be built from, with the reasons for each position.
//!
//! Four models, each a pure function of its input:
//!
//! - **Weighted scoring.** [`weighted_ranking`] takes [`Criterion`]s (a weight and whether higher
//!   or lower is better) and [`Candidate`]s (a raw score per criterion). Each criterion is
//!   normalised over the candidates to 0‥1 (min-max, inverted for lower-is-better criteria),
//!   weighted with the weights scaled to sum to 1, and summed. The result ranks the candidates
//!   best first and keeps every criterion's [`Contribution`], so the board can show *why* a
//!   project is where it is.
//! - **AHP** (Analytic Hierarchy Process). Where the weights themselves are contested, the PMO
//!   compares criteria two at a time in a [`PairwiseMatrix`]; [`PairwiseMatrix::priorities`]
//!   turns the comparisons into weights and says whether they are consistent enough to use.
//!   [`group_matrix`] merges several members' comparisons into one. The weights then go into
//!   [`Criterion::weight`].
//! - **WSJF** ([`wsjf`]) and **RICE** ([`rice`]): single-number scores for one item, to sort a
//!   backlog by.
//!
//! Nothing here reads the board: projects and criteria are identified by the board's ids
//! ([`ProjectId`], [`CriterionId`]), and every function checks its input and says which value
//! is wrong in a [`ScoringError`] or [`AhpError`].
//!
//! ```
//! use shared::ids::{CriterionId, ProjectId};
//! use shared::scoring::{self, Candidate, Criterion, Direction, PairwiseMatrix};
//!
//! let criterion = |id: &str| id.parse::<CriterionId>().unwrap();
//! let project = |id: &str| id.parse::<ProjectId>().unwrap();
//! // Strategic value matters three times as much as delivery risk.
//! let comparisons = PairwiseMatrix::new(&[[1.0, 3.0], [1.0 / 3.0, 1.0]]).unwrap();
//! let priorities = comparisons.priorities();
//! assert!(priorities.is_consistent());
//!
//! let criteria = [
//!     Criterion::new(criterion("value"), "Strategic value", priorities.weights[0], Direction::HigherIsBetter),
//!     Criterion::new(criterion("risk"), "Delivery risk", priorities.weights[1], Direction::LowerIsBetter),
//! ];
//! let candidates = [
//!     Candidate::new(project("erp"), [(criterion("value"), 8.0), (criterion("risk"), 4.0)]),
//!     Candidate::new(project("crm"), [(criterion("value"), 6.0), (criterion("risk"), 2.0)]),
//!     Candidate::new(project("bi"), [(criterion("value"), 4.0), (criterion("risk"), 3.0)]),
//! ];
//! let ranking = scoring::weighted_ranking(&criteria, &candidates).unwrap();
//!
//! // erp 0.75·1 + 0.25·0 = 0.75, crm 0.75·0.5 + 0.25·1 = 0.625, bi 0.75·0 + 0.25·0.5 = 0.125
//! let order: Vec<&str> = ranking.candidates.iter().map(|c| c.id.as_str()).collect();
//! assert_eq!(order, ["erp", "crm", "bi"]);
//! assert!((ranking.candidates[1].total_score - 0.625).abs() < 1e-9);
//! ```

use std::collections::{BTreeMap, HashSet};

use thiserror::Error;

use crate::ids::{CriterionId, ProjectId};

/// A bad input to [`weighted_ranking`], [`wsjf`] or [`rice`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScoringError {
    #[error("weight of criterion `{criterion}` must be a finite number of at least 0, not {value}")]
    InvalidWeight { criterion: CriterionId, value: f64 },
    #[error("the criteria weights add up to 0: give at least one criterion a positive weight")]
    NoWeight,
    #[error("criterion `{criterion}` is listed twice: give each criterion its own id")]
    DuplicateCriterion { criterion: CriterionId },
    #[error("candidate `{candidate}` is listed twice: give each candidate its own id")]
    DuplicateCandidate { candidate: ProjectId },
    #[error(
        "candidate `{candidate}` has no score for criterion `{criterion}`: \
         score it, or leave it out of this ranking"
    )]
    MissingScore { candidate: ProjectId, criterion: CriterionId },
    #[error("score of candidate `{candidate}` on criterion `{criterion}` must be a finite number, not {value}")]
    InvalidScore { candidate: ProjectId, criterion: CriterionId, value: f64 },
    /// A WSJF or RICE input outside its range; `quantity` names it, `requirement` says what
    /// it must be.
    #[error("{quantity} must be {requirement}, not {value}")]
    InvalidInput { quantity: &'static str, requirement: &'static str, value: f64 },
    #[error("RICE impact must be one of 3, 2, 1, 0.5 or 0.25, not {value}")]
    InvalidImpact { value: f64 },
    #[error("RICE confidence must be one of 1, 0.8 or 0.5 (100 %, 80 %, 50 %), not {value}")]
    InvalidConfidence { value: f64 },
}

mod ahp;
mod backlog;
#[cfg(test)]
mod tests;
mod weighted;

pub use ahp::*;
pub use backlog::*;
pub use weighted::*;

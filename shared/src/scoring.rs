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
//! Nothing here knows about the board: projects and criteria are identified by `String` ids,
//! and every function checks its input and says which value is wrong in a [`ScoringError`] or
//! [`AhpError`].
//!
//! ```
//! use shared::scoring::{self, Candidate, Criterion, Direction, PairwiseMatrix};
//!
//! // Strategic value matters three times as much as delivery risk.
//! let comparisons = PairwiseMatrix::new(&[[1.0, 3.0], [1.0 / 3.0, 1.0]]).unwrap();
//! let priorities = comparisons.priorities();
//! assert!(priorities.is_consistent());
//!
//! let criteria = [
//!     Criterion::new("value", "Strategic value", priorities.weights[0], Direction::HigherIsBetter),
//!     Criterion::new("risk", "Delivery risk", priorities.weights[1], Direction::LowerIsBetter),
//! ];
//! let candidates = [
//!     Candidate::new("erp", [("value", 8.0), ("risk", 4.0)]),
//!     Candidate::new("crm", [("value", 6.0), ("risk", 2.0)]),
//!     Candidate::new("bi", [("value", 4.0), ("risk", 3.0)]),
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

/// A bad input to [`weighted_ranking`], [`wsjf`] or [`rice`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ScoringError {
    #[error("weight of criterion `{criterion}` must be a finite number of at least 0, not {value}")]
    InvalidWeight { criterion: String, value: f64 },
    #[error("the criteria weights add up to 0: give at least one criterion a positive weight")]
    NoWeight,
    #[error("criterion `{criterion}` is listed twice: give each criterion its own id")]
    DuplicateCriterion { criterion: String },
    #[error("candidate `{candidate}` is listed twice: give each candidate its own id")]
    DuplicateCandidate { candidate: String },
    #[error(
        "candidate `{candidate}` has no score for criterion `{criterion}`: \
         score it, or leave it out of this ranking"
    )]
    MissingScore { candidate: String, criterion: String },
    #[error("score of candidate `{candidate}` on criterion `{criterion}` must be a finite number, not {value}")]
    InvalidScore { candidate: String, criterion: String, value: f64 },
    /// A WSJF or RICE input outside its range; `quantity` names it, `requirement` says what
    /// it must be.
    #[error("{quantity} must be {requirement}, not {value}")]
    InvalidInput { quantity: &'static str, requirement: &'static str, value: f64 },
    #[error("RICE impact must be one of 3, 2, 1, 0.5 or 0.25, not {value}")]
    InvalidImpact { value: f64 },
    #[error("RICE confidence must be one of 1, 0.8 or 0.5 (100 %, 80 %, 50 %), not {value}")]
    InvalidConfidence { value: f64 },
}

// ---------------------------------------------------------------------------------------------
// Weighted scoring
// ---------------------------------------------------------------------------------------------

/// Which end of a criterion's scale is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Benefit-like: strategic value, expected return.
    HigherIsBetter,
    /// Cost-like: risk, effort, cost. The normalised score is inverted, so the candidate with
    /// the lowest raw score gets the full weight.
    LowerIsBetter,
}

/// One thing candidates are scored on (评分标准).
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    /// Relative importance: any finite number of at least 0. Weights are scaled to sum to 1
    /// before use, so 3 and 1 mean the same as 0.75 and 0.25.
    pub weight: f64,
    pub direction: Direction,
}

impl Criterion {
    pub fn new(id: impl Into<String>, name: impl Into<String>, weight: f64, direction: Direction) -> Self {
        Criterion { id: id.into(), name: name.into(), weight, direction }
    }
}

/// A project or proposal to be ranked, with its raw score on each criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    /// Criterion id → raw score, on whatever scale the criterion uses (1–5, money, days…).
    pub scores: BTreeMap<String, f64>,
}

impl Candidate {
    pub fn new<K: Into<String>>(id: impl Into<String>, scores: impl IntoIterator<Item = (K, f64)>) -> Self {
        Candidate {
            id: id.into(),
            scores: scores.into_iter().map(|(criterion, score)| (criterion.into(), score)).collect(),
        }
    }
}

/// What one criterion adds to one candidate's total.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub criterion: String,
    pub raw_score: f64,
    /// The raw score placed on 0‥1 among the candidates, already inverted for
    /// [`Direction::LowerIsBetter`]: 1 is the best candidate on this criterion, 0 the worst.
    pub normalised_score: f64,
    /// The criterion's weight scaled so that all weights sum to 1.
    pub weight: f64,
    /// `weight × normalised_score`; a candidate's contributions sum to its total.
    pub contribution: f64,
}

/// One candidate's place in a [`WeightedRanking`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredCandidate {
    pub id: String,
    /// 1 for the best candidate. Candidates with equal totals get consecutive ranks in id order.
    pub rank: usize,
    /// Between 0 and 1.
    pub total_score: f64,
    /// One per criterion, in the order the criteria were given.
    pub contributions: Vec<Contribution>,
}

/// A score that named a criterion not in the list, and so played no part in the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoredScore {
    pub candidate: String,
    pub criterion: String,
    pub value: f64,
}

/// The result of [`weighted_ranking`].
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedRanking {
    /// Best first.
    pub candidates: Vec<ScoredCandidate>,
    /// Criteria on which every candidate has the same raw score (always the case with a single
    /// candidate). They cannot tell candidates apart, so every candidate gets a normalised score
    /// of 0.5 on them: half their weight, whatever their direction. Worth showing, since a
    /// heavily weighted criterion that separates nobody is usually a sign of unscored data.
    pub tied_criteria: Vec<String>,
    /// Scores for criteria that are not in the list, in candidate then criterion order. They
    /// are left out rather than refused because on a shared board a criterion can be deleted
    /// while someone else is still scoring it.
    pub ignored_scores: Vec<IgnoredScore>,
}

/// Totals that agree to this many places are a tie, broken by id. Without it a candidate could
/// win on floating-point noise alone: 0.1 + 0.2 is not 0.3 in `f64`.
const TIE_DECIMALS: f64 = 1e9;

/// Ranks candidates by weighted score, best first. Totals equal to 9 decimal places are a tie,
/// broken by candidate id, so the order never depends on the order of the input.
///
/// Every criterion in `criteria` needs a score from every candidate; to leave a criterion out
/// of a ranking, leave it out of `criteria` (a weight of 0 still requires scores). Weights
/// must be finite and at least 0, and at least one weight must be positive; scores may be any
/// finite number, negative ones included. An empty
/// `candidates` gives an empty ranking.
pub fn weighted_ranking(criteria: &[Criterion], candidates: &[Candidate]) -> Result<WeightedRanking, ScoringError> {
    let weights = normalised_weights(criteria)?;

    let mut seen_candidates = HashSet::new();
    let mut ignored_scores = Vec::new();
    // raw[c][k] is candidate c's score on criterion k.
    let mut raw: Vec<Vec<f64>> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        if !seen_candidates.insert(candidate.id.as_str()) {
            return Err(ScoringError::DuplicateCandidate { candidate: candidate.id.clone() });
        }
        let mut row = Vec::with_capacity(criteria.len());
        for criterion in criteria {
            let Some(&value) = candidate.scores.get(&criterion.id) else {
                return Err(ScoringError::MissingScore {
                    candidate: candidate.id.clone(),
                    criterion: criterion.id.clone(),
                });
            };
            // Any finite number will do: min-max normalisation only needs a range, so a scale
            // of -2‥2 (or a net present value below zero) ranks as well as 1‥5.
            if !value.is_finite() {
                return Err(ScoringError::InvalidScore {
                    candidate: candidate.id.clone(),
                    criterion: criterion.id.clone(),
                    value,
                });
            }
            row.push(value);
        }
        for (criterion, &value) in &candidate.scores {
            if !criteria.iter().any(|known| &known.id == criterion) {
                ignored_scores.push(IgnoredScore {
                    candidate: candidate.id.clone(),
                    criterion: criterion.clone(),
                    value,
                });
            }
        }
        raw.push(row);
    }

    // Each criterion's range over the candidates; `None` when the criterion cannot separate them.
    let ranges: Vec<Option<(f64, f64)>> = (0..criteria.len())
        .map(|k| {
            let min = raw.iter().map(|row| row[k]).fold(f64::INFINITY, f64::min);
            let max = raw.iter().map(|row| row[k]).fold(f64::NEG_INFINITY, f64::max);
            (max > min).then_some((min, max))
        })
        .collect();
    let tied_criteria = if candidates.is_empty() {
        Vec::new()
    } else {
        criteria.iter().zip(&ranges).filter(|(_, range)| range.is_none()).map(|(c, _)| c.id.clone()).collect()
    };

    let mut scored: Vec<ScoredCandidate> = candidates
        .iter()
        .zip(&raw)
        .map(|(candidate, row)| {
            let contributions: Vec<Contribution> = criteria
                .iter()
                .zip(row)
                .zip(&ranges)
                .zip(&weights)
                .map(|(((criterion, &raw_score), range), &weight)| {
                    let normalised_score = match range {
                        None => 0.5,
                        Some((min, max)) => {
                            let position = (raw_score - min) / (max - min);
                            match criterion.direction {
                                Direction::HigherIsBetter => position,
                                Direction::LowerIsBetter => 1.0 - position,
                            }
                        }
                    };
                    Contribution {
                        criterion: criterion.id.clone(),
                        raw_score,
                        normalised_score,
                        weight,
                        contribution: weight * normalised_score,
                    }
                })
                .collect();
            ScoredCandidate {
                id: candidate.id.clone(),
                rank: 0,
                total_score: contributions.iter().map(|c| c.contribution).sum(),
                contributions,
            }
        })
        .collect();

    // Totals lie in 0‥1, so the rounded key fits an i64 with room to spare.
    let tie_key = |total: f64| -(total * TIE_DECIMALS).round() as i64;
    scored.sort_by(|a, b| tie_key(a.total_score).cmp(&tie_key(b.total_score)).then_with(|| a.id.cmp(&b.id)));
    for (position, candidate) in scored.iter_mut().enumerate() {
        candidate.rank = position + 1;
    }

    Ok(WeightedRanking { candidates: scored, tied_criteria, ignored_scores })
}

/// Checks the criteria and returns their weights scaled to sum to 1, in the same order.
fn normalised_weights(criteria: &[Criterion]) -> Result<Vec<f64>, ScoringError> {
    let mut seen = HashSet::new();
    for criterion in criteria {
        if !seen.insert(criterion.id.as_str()) {
            return Err(ScoringError::DuplicateCriterion { criterion: criterion.id.clone() });
        }
        if !is_finite_non_negative(criterion.weight) {
            return Err(ScoringError::InvalidWeight { criterion: criterion.id.clone(), value: criterion.weight });
        }
    }
    // Dividing by the largest weight first keeps the sum finite even for weights near f64::MAX.
    let largest = criteria.iter().map(|c| c.weight).fold(0.0, f64::max);
    if largest == 0.0 {
        return Err(ScoringError::NoWeight);
    }
    let total: f64 = criteria.iter().map(|c| c.weight / largest).sum();
    Ok(criteria.iter().map(|c| c.weight / largest / total).collect())
}

fn is_finite_non_negative(value: f64) -> bool {
    value.is_finite() && value >= 0.0
}

// ---------------------------------------------------------------------------------------------
// AHP
// ---------------------------------------------------------------------------------------------

/// A bad pairwise comparison matrix, or a bad set of them. Rows, columns and members count
/// from 0, in the order they were given.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AhpError {
    #[error("the comparison matrix is empty: compare at least one item")]
    Empty,
    #[error(
        "AHP compares at most 10 items at once, not {size}: group the items into at most 10 \
         categories, compare the categories, then compare the items within each category"
    )]
    TooLarge { size: usize },
    #[error(
        "row {row} of the comparison matrix has {len} entries, but there are {size} rows: the matrix must be square"
    )]
    NotSquare { row: usize, len: usize, size: usize },
    #[error("entry ({index}, {index}) compares an item with itself and must be 1, not {value}")]
    DiagonalNotOne { index: usize, value: f64 },
    #[error("entry ({row}, {column}) must be between 1/9 and 9 (Saaty's scale), not {value}")]
    OutOfRange { row: usize, column: usize, value: f64 },
    #[error(
        "entry ({column}, {row}) is {reciprocal}, but entry ({row}, {column}) is {value}, so it \
         must be 1/{value} = {expected}: fill in one triangle and compute the other as reciprocals"
    )]
    NotReciprocal { row: usize, column: usize, value: f64, reciprocal: f64, expected: f64 },
    #[error("a group matrix needs at least one member's comparison matrix")]
    NoMembers,
    #[error(
        "member {member}'s matrix compares {size} items, but member 0's compares {expected}: \
         every member must compare the same items"
    )]
    SizeMismatch { member: usize, size: usize, expected: usize },
}

/// Pairwise comparisons of n items (criteria, usually) on Saaty's 1–9 scale: entry (i, j) says
/// how many times more important item i is than item j, so entry (j, i) is its reciprocal.
///
/// Construction checks the matrix, so every value of this type can be given to
/// [`PairwiseMatrix::priorities`].
#[derive(Debug, Clone, PartialEq)]
pub struct PairwiseMatrix {
    size: usize,
    /// Row-major, `size × size`.
    entries: Vec<f64>,
}

/// Saaty's random consistency index for n = 0…10: the mean consistency index of random
/// reciprocal matrices of that size. Matrices of size 1 and 2 are always consistent.
const RANDOM_INDEX: [f64; 11] = [0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49];

/// How far a product a_ij·a_ji may stray from 1, and a diagonal entry from 1. Tight enough to
/// catch a mistyped judgement, loose enough for reciprocals computed in floating point; a
/// reciprocal typed by hand as 0.333 is refused, which is the point: compute it.
const RECIPROCAL_TOLERANCE: f64 = 1e-6;

/// Power iteration stops when no weight moves more than this between two steps.
const CONVERGENCE: f64 = 1e-12;
/// A positive matrix converges geometrically, far sooner than this; the cap only guards
/// against an endless loop.
const MAX_ITERATIONS: usize = 10_000;

impl PairwiseMatrix {
    /// Saaty's random index is tabulated up to this size, and people cannot keep more items
    /// than this in mind while comparing pairs consistently.
    pub const MAX_SIZE: usize = 10;

    /// Checks and stores a matrix given as rows: square, 1 to [`Self::MAX_SIZE`] items, 1 on
    /// the diagonal, every entry between 1/9 and 9, and entry (j, i) the reciprocal of entry
    /// (i, j) to within a relative 10⁻⁶.
    pub fn new<R: AsRef<[f64]>>(rows: &[R]) -> Result<Self, AhpError> {
        let size = rows.len();
        if size == 0 {
            return Err(AhpError::Empty);
        }
        if size > Self::MAX_SIZE {
            return Err(AhpError::TooLarge { size });
        }
        if let Some((row, values)) = rows.iter().enumerate().find(|(_, values)| values.as_ref().len() != size) {
            return Err(AhpError::NotSquare { row, len: values.as_ref().len(), size });
        }
        let entries: Vec<f64> = rows.iter().flat_map(|values| values.as_ref().iter().copied()).collect();

        // The slack lets matrices built in floating point, such as group means of 1/9, through.
        let lowest = 1.0 / 9.0 * (1.0 - 1e-9);
        let highest = 9.0 * (1.0 + 1e-9);
        for row in 0..size {
            for column in 0..size {
                let value = entries[row * size + column];
                if row == column {
                    if value.is_nan() || (value - 1.0).abs() > RECIPROCAL_TOLERANCE {
                        return Err(AhpError::DiagonalNotOne { index: row, value });
                    }
                } else if !(lowest..=highest).contains(&value) {
                    return Err(AhpError::OutOfRange { row, column, value });
                }
            }
        }
        for row in 0..size {
            for column in row + 1..size {
                let value = entries[row * size + column];
                let reciprocal = entries[column * size + row];
                if (value * reciprocal - 1.0).abs() > RECIPROCAL_TOLERANCE {
                    return Err(AhpError::NotReciprocal { row, column, value, reciprocal, expected: 1.0 / value });
                }
            }
        }
        Ok(PairwiseMatrix { size, entries })
    }

    /// The number of items compared.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Entry (row, column): how many times more important item `row` is than item `column`.
    ///
    /// # Panics
    /// When `row` or `column` is not below [`Self::size`].
    pub fn entry(&self, row: usize, column: usize) -> f64 {
        assert!(row < self.size && column < self.size, "entry ({row}, {column}) of a {0}×{0} matrix", self.size);
        self.entries[row * self.size + column]
    }

    /// The items' weights (the normalised principal eigenvector, found by power iteration) and
    /// how consistent the comparisons are.
    pub fn priorities(&self) -> AhpPriorities {
        let size = self.size;
        let mut weights = vec![1.0 / size as f64; size];
        for _ in 0..MAX_ITERATIONS {
            let mut next = self.times(&weights);
            let sum: f64 = next.iter().sum();
            for weight in &mut next {
                *weight /= sum;
            }
            let change = next.iter().zip(&weights).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
            weights = next;
            if change < CONVERGENCE {
                break;
            }
        }
        // With the weights summing to 1, A·w = λ·w sums to λ.
        let lambda_max: f64 = self.times(&weights).iter().sum();
        let consistency_index =
            if size > 1 { ((lambda_max - size as f64) / (size as f64 - 1.0)).max(0.0) } else { 0.0 };
        let random_index = RANDOM_INDEX[size];
        let consistency_ratio = if random_index > 0.0 { consistency_index / random_index } else { 0.0 };
        AhpPriorities { weights, lambda_max, consistency_index, random_index, consistency_ratio }
    }

    fn times(&self, vector: &[f64]) -> Vec<f64> {
        self.entries.chunks_exact(self.size).map(|row| row.iter().zip(vector).map(|(a, v)| a * v).sum()).collect()
    }
}

/// The result of [`PairwiseMatrix::priorities`].
#[derive(Debug, Clone, PartialEq)]
pub struct AhpPriorities {
    /// One per item, in matrix order, summing to 1.
    pub weights: Vec<f64>,
    /// The principal eigenvalue; equal to the size for perfectly consistent comparisons.
    pub lambda_max: f64,
    /// CI = (λ_max − n)/(n − 1); 0 for a single item.
    pub consistency_index: f64,
    /// Saaty's RI for this size; 0 for one or two items.
    pub random_index: f64,
    /// CR = CI/RI; 0 for one or two items, which cannot contradict themselves.
    pub consistency_ratio: f64,
}

impl AhpPriorities {
    /// Saaty's threshold: above it the comparisons contradict each other too much to use, and
    /// the judges should revisit the pairs that disagree most.
    pub const ACCEPTABLE_CONSISTENCY_RATIO: f64 = 0.10;

    /// Whether CR ≤ 0.10.
    pub fn is_consistent(&self) -> bool {
        self.consistency_ratio <= Self::ACCEPTABLE_CONSISTENCY_RATIO
    }
}

/// One matrix for a group: each entry the geometric mean of the members' entries. The geometric
/// mean (not the arithmetic one) keeps the result reciprocal, so it is a valid matrix in turn.
pub fn group_matrix(members: &[PairwiseMatrix]) -> Result<PairwiseMatrix, AhpError> {
    let first = members.first().ok_or(AhpError::NoMembers)?;
    let size = first.size;
    if let Some((member, matrix)) = members.iter().enumerate().find(|(_, m)| m.size != size) {
        return Err(AhpError::SizeMismatch { member, size: matrix.size, expected: size });
    }
    let mut entries = vec![1.0; size * size];
    for row in 0..size {
        for column in row + 1..size {
            let mean_log =
                members.iter().map(|m| m.entries[row * size + column].ln()).sum::<f64>() / members.len() as f64;
            // Fill one triangle and derive the other, so the result is exactly reciprocal.
            let mean = mean_log.exp().clamp(1.0 / 9.0, 9.0);
            entries[row * size + column] = mean;
            entries[column * size + row] = 1.0 / mean;
        }
    }
    Ok(PairwiseMatrix { size, entries })
}

// ---------------------------------------------------------------------------------------------
// WSJF and RICE
// ---------------------------------------------------------------------------------------------

/// The inputs of Weighted Shortest Job First, each on the team's relative scale (often the
/// modified Fibonacci 1, 2, 3, 5, 8, 13, 20).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WsjfInput {
    pub business_value: f64,
    pub time_criticality: f64,
    pub risk_reduction_opportunity_enablement: f64,
    pub job_size: f64,
}

/// The result of [`wsjf`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WsjfScore {
    /// business value + time criticality + risk reduction/opportunity enablement.
    pub cost_of_delay: f64,
    /// cost of delay ÷ job size; do the highest first.
    pub wsjf: f64,
}

/// WSJF = (business value + time criticality + risk reduction/opportunity enablement) ÷ job
/// size. The three parts must be finite and at least 0; the job size finite and above 0.
pub fn wsjf(input: &WsjfInput) -> Result<WsjfScore, ScoringError> {
    let parts = [
        ("WSJF business value", input.business_value),
        ("WSJF time criticality", input.time_criticality),
        ("WSJF risk reduction/opportunity enablement", input.risk_reduction_opportunity_enablement),
    ];
    for (quantity, value) in parts {
        require(quantity, value, is_finite_non_negative, "a finite number of at least 0")?;
    }
    require("WSJF job size", input.job_size, is_finite_positive, "a finite number greater than 0")?;
    let cost_of_delay = input.business_value + input.time_criticality + input.risk_reduction_opportunity_enablement;
    Ok(WsjfScore { cost_of_delay, wsjf: cost_of_delay / input.job_size })
}

/// RICE impact on each person reached, on Intercom's fixed scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Impact {
    /// 3
    Massive,
    /// 2
    High,
    /// 1
    Medium,
    /// 0.5
    Low,
    /// 0.25
    Minimal,
}

impl Impact {
    /// From largest to smallest, as a UI would list them.
    pub const ALL: [Impact; 5] = [Impact::Massive, Impact::High, Impact::Medium, Impact::Low, Impact::Minimal];

    pub fn value(self) -> f64 {
        match self {
            Impact::Massive => 3.0,
            Impact::High => 2.0,
            Impact::Medium => 1.0,
            Impact::Low => 0.5,
            Impact::Minimal => 0.25,
        }
    }
}

impl TryFrom<f64> for Impact {
    type Error = ScoringError;

    /// Reads a stored number back; anything off the scale is an error, not rounded.
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Impact::ALL
            .into_iter()
            .find(|impact| (impact.value() - value).abs() < 1e-9)
            .ok_or(ScoringError::InvalidImpact { value })
    }
}

/// How sure the team is of the reach and impact estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confidence {
    /// 100 %
    High,
    /// 80 %
    Medium,
    /// 50 %: anything less sure than this is a guess, and RICE does not score guesses.
    Low,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::High, Confidence::Medium, Confidence::Low];

    /// As a fraction: 1, 0.8 or 0.5.
    pub fn value(self) -> f64 {
        match self {
            Confidence::High => 1.0,
            Confidence::Medium => 0.8,
            Confidence::Low => 0.5,
        }
    }
}

impl TryFrom<f64> for Confidence {
    type Error = ScoringError;

    /// Reads a stored fraction back (1, 0.8 or 0.5); anything else is an error, not rounded.
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Confidence::ALL
            .into_iter()
            .find(|confidence| (confidence.value() - value).abs() < 1e-9)
            .ok_or(ScoringError::InvalidConfidence { value })
    }
}

/// The inputs of a RICE score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiceInput {
    /// People or events per period (say, customers per quarter).
    pub reach: f64,
    pub impact: Impact,
    pub confidence: Confidence,
    /// Person-months (or any unit, the same for every item compared).
    pub effort: f64,
}

/// RICE = reach × impact × confidence ÷ effort. Reach must be finite and at least 0; effort
/// finite and above 0.
pub fn rice(input: &RiceInput) -> Result<f64, ScoringError> {
    require("RICE reach", input.reach, is_finite_non_negative, "a finite number of at least 0")?;
    require("RICE effort", input.effort, is_finite_positive, "a finite number greater than 0")?;
    Ok(input.reach * input.impact.value() * input.confidence.value() / input.effort)
}

fn is_finite_positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

fn require(
    quantity: &'static str,
    value: f64,
    is_valid: fn(f64) -> bool,
    requirement: &'static str,
) -> Result<(), ScoringError> {
    if is_valid(value) {
        Ok(())
    } else {
        Err(ScoringError::InvalidInput { quantity, requirement, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
        (actual - expected).abs() <= tolerance
    }

    fn criterion(id: &str, weight: f64, direction: Direction) -> Criterion {
        Criterion::new(id, id, weight, direction)
    }

    /// Ranks and checks (id, total) best first, to 1e-9.
    fn assert_ranking(criteria: &[Criterion], candidates: &[Candidate], expected: &[(&str, f64)]) -> WeightedRanking {
        let ranking = weighted_ranking(criteria, candidates).unwrap();
        let actual: Vec<(&str, f64)> = ranking.candidates.iter().map(|c| (c.id.as_str(), c.total_score)).collect();
        assert_eq!(actual.len(), expected.len(), "{actual:?}");
        for ((id, total), (expected_id, expected_total)) in actual.iter().zip(expected) {
            assert_eq!(id, expected_id, "order: {actual:?}");
            assert!(close(*total, *expected_total, 1e-9), "{id}: {total} ≠ {expected_total}");
        }
        ranking
    }

    #[test]
    fn weighted_scoring_worked_example() {
        // Weights 4 : 2 : 2 scale to 0.5, 0.25, 0.25.
        let criteria = [
            criterion("value", 4.0, Direction::HigherIsBetter),
            criterion("risk", 2.0, Direction::LowerIsBetter),
            criterion("effort", 2.0, Direction::LowerIsBetter),
        ];
        let candidates = [
            Candidate::new("erp", [("value", 9.0), ("risk", 4.0), ("effort", 20.0)]),
            Candidate::new("crm", [("value", 6.0), ("risk", 2.0), ("effort", 10.0)]),
            Candidate::new("bi", [("value", 3.0), ("risk", 3.0), ("effort", 5.0)]),
        ];
        // value  3‥9:  erp (9−3)/6 = 1,    crm (6−3)/6 = 0.5,      bi 0
        // risk   2‥4:  erp 1 − 1 = 0,      crm 1 − 0 = 1,          bi 1 − 0.5 = 0.5
        // effort 5‥20: erp 1 − 1 = 0,      crm 1 − 5/15 = 2/3,     bi 1 − 0 = 1
        // erp 0.5·1   + 0.25·0   + 0.25·0   = 0.5
        // crm 0.5·0.5 + 0.25·1   + 0.25·2/3 = 0.25 + 0.25 + 0.1667 = 0.6667
        // bi  0.5·0   + 0.25·0.5 + 0.25·1   = 0.125 + 0.25 = 0.375
        let ranking = assert_ranking(&criteria, &candidates, &[("crm", 2.0 / 3.0), ("erp", 0.5), ("bi", 0.375)]);

        let crm = &ranking.candidates[0];
        assert_eq!(crm.rank, 1);
        let effort = &crm.contributions[2];
        assert_eq!((effort.criterion.as_str(), effort.raw_score), ("effort", 10.0));
        assert!(close(effort.normalised_score, 2.0 / 3.0, 1e-12));
        assert!(close(effort.weight, 0.25, 1e-12));
        assert!(close(effort.contribution, 1.0 / 6.0, 1e-12));
        assert!(ranking.tied_criteria.is_empty() && ranking.ignored_scores.is_empty());
    }

    #[test]
    fn a_criterion_nobody_differs_on_gives_everyone_half_its_weight() {
        let criteria =
            [criterion("value", 1.0, Direction::HigherIsBetter), criterion("risk", 1.0, Direction::LowerIsBetter)];
        let candidates = [
            Candidate::new("a", [("value", 5.0), ("risk", 3.0)]),
            Candidate::new("b", [("value", 1.0), ("risk", 3.0)]),
        ];
        // value: a 1, b 0. risk is 3 for both: 0.5 each, whatever the direction.
        // a 0.5·1 + 0.5·0.5 = 0.75, b 0.5·0 + 0.5·0.5 = 0.25
        let ranking = assert_ranking(&criteria, &candidates, &[("a", 0.75), ("b", 0.25)]);
        assert_eq!(ranking.tied_criteria, ["risk"]);

        // A single candidate ties on everything: 0.5 overall.
        let ranking = assert_ranking(&criteria, &candidates[..1], &[("a", 0.5)]);
        assert_eq!(ranking.tied_criteria, ["value", "risk"]);

        // No candidates: nothing to rank, nothing tied.
        let ranking = weighted_ranking(&criteria, &[]).unwrap();
        assert!(ranking.candidates.is_empty() && ranking.tied_criteria.is_empty());
    }

    #[test]
    fn equal_totals_are_ranked_by_id_even_through_rounding_noise() {
        // Weights 0.1, 1.3, 1.4 (sum 2.8) scale to 1/28, 13/28, 14/28.
        // "b" is best on the first two: 1/28 + 13/28 = 0.5; "a" on the third: 14/28 = 0.5.
        // In f64, b's sum comes out as 0.5000000000000001 and would win on noise alone.
        let criteria = [
            criterion("x", 0.1, Direction::HigherIsBetter),
            criterion("y", 1.3, Direction::HigherIsBetter),
            criterion("z", 1.4, Direction::HigherIsBetter),
        ];
        let candidates = [
            Candidate::new("b", [("x", 1.0), ("y", 1.0), ("z", 0.0)]),
            Candidate::new("a", [("x", 0.0), ("y", 0.0), ("z", 1.0)]),
        ];
        let ranking = assert_ranking(&criteria, &candidates, &[("a", 0.5), ("b", 0.5)]);
        assert!(ranking.candidates[1].total_score > ranking.candidates[0].total_score, "the noise this test is about");
        assert_eq!(ranking.candidates.iter().map(|c| c.rank).collect::<Vec<_>>(), [1, 2]);
    }

    /// Negative scores normalise like any others. Net value −2, 0, 6 (higher is better) spans
    /// 8: a (−2) → 0, b (0) → 2/8 = 0.25, c (6) → 1. Risk −1, 1, 3 (lower is better) spans 4:
    /// a → 1 − 0 = 1, b → 1 − 0.5 = 0.5, c → 1 − 1 = 0. Weights 3 and 1 → 0.75 and 0.25:
    /// a = 0 + 0.25 = 0.25, b = 0.1875 + 0.125 = 0.3125, c = 0.75 + 0 = 0.75.
    #[test]
    fn negative_scores_rank_like_any_others() {
        let criteria =
            [criterion("value", 3.0, Direction::HigherIsBetter), criterion("risk", 1.0, Direction::LowerIsBetter)];
        let candidates = [
            Candidate::new("a", [("value", -2.0), ("risk", -1.0)]),
            Candidate::new("b", [("value", 0.0), ("risk", 1.0)]),
            Candidate::new("c", [("value", 6.0), ("risk", 3.0)]),
        ];
        assert_ranking(&criteria, &candidates, &[("c", 0.75), ("b", 0.3125), ("a", 0.25)]);
    }

    #[test]
    fn scores_for_unknown_criteria_are_ignored_and_reported() {
        let criteria = [criterion("value", 1.0, Direction::HigherIsBetter)];
        let candidates =
            [Candidate::new("a", [("value", 2.0), ("legacy", 7.0)]), Candidate::new("b", [("value", 1.0)])];
        let ranking = assert_ranking(&criteria, &candidates, &[("a", 1.0), ("b", 0.0)]);
        let ignored = IgnoredScore { candidate: "a".into(), criterion: "legacy".into(), value: 7.0 };
        assert_eq!(ranking.ignored_scores, [ignored]);
    }

    #[test]
    fn weighted_scoring_refuses_bad_input() {
        let value = |weight| criterion("value", weight, Direction::HigherIsBetter);
        let risk = criterion("risk", 1.0, Direction::LowerIsBetter);
        let scored = |id: &str, value: f64| Candidate::new(id, [("value", value), ("risk", 1.0)]);
        let cases: Vec<(&str, Vec<Criterion>, Vec<Candidate>, &str)> = vec![
            (
                "NaN weight",
                vec![value(f64::NAN), risk.clone()],
                vec![scored("a", 1.0)],
                "weight of criterion `value` must be a finite number of at least 0, not NaN",
            ),
            (
                "negative weight",
                vec![value(-1.0), risk.clone()],
                vec![scored("a", 1.0)],
                "weight of criterion `value` must be a finite number of at least 0, not -1",
            ),
            (
                "infinite weight",
                vec![value(f64::INFINITY)],
                vec![scored("a", 1.0)],
                "weight of criterion `value` must be a finite number of at least 0, not inf",
            ),
            (
                "zero total weight",
                vec![value(0.0), criterion("risk", 0.0, Direction::LowerIsBetter)],
                vec![scored("a", 1.0)],
                "the criteria weights add up to 0: give at least one criterion a positive weight",
            ),
            (
                "no criteria",
                vec![],
                vec![scored("a", 1.0)],
                "the criteria weights add up to 0: give at least one criterion a positive weight",
            ),
            (
                "duplicate criterion",
                vec![value(1.0), risk.clone(), value(2.0)],
                vec![scored("a", 1.0)],
                "criterion `value` is listed twice: give each criterion its own id",
            ),
            (
                "duplicate candidate",
                vec![value(1.0), risk.clone()],
                vec![scored("a", 1.0), scored("b", 1.0), scored("a", 2.0)],
                "candidate `a` is listed twice: give each candidate its own id",
            ),
            (
                "missing score",
                vec![value(1.0), risk.clone()],
                vec![scored("a", 1.0), Candidate::new("b", [("value", 1.0)])],
                "candidate `b` has no score for criterion `risk`: score it, or leave it out of this ranking",
            ),
            (
                "NaN score",
                vec![value(1.0), risk.clone()],
                vec![scored("a", 1.0), scored("b", f64::NAN)],
                "score of candidate `b` on criterion `value` must be a finite number, not NaN",
            ),
            (
                "infinite score",
                vec![value(1.0), risk.clone()],
                vec![scored("a", f64::NEG_INFINITY)],
                "score of candidate `a` on criterion `value` must be a finite number, not -inf",
            ),
        ];
        for (case, criteria, candidates, message) in cases {
            let error = weighted_ranking(&criteria, &candidates).expect_err(case);
            assert_eq!(error.to_string(), message, "{case}");
        }
    }

    #[test]
    fn ahp_textbook_examples() {
        // (matrix, weights, λ_max, CR), the expected figures from numpy.linalg.eig:
        //   w = |principal eigenvector| / its sum, CI = (λ − n)/(n − 1), CR = CI/RI.
        let third = 1.0 / 3.0;
        type Case = (Vec<Vec<f64>>, Vec<f64>, f64, f64);
        let cases: [Case; 4] = [
            // The usual 3×3 teaching example (1, 3, 5 / 3): CI = 0.038511/2 = 0.019256,
            // CR = 0.019256/0.58 = 0.0332, consistent.
            (
                vec![vec![1.0, 3.0, 5.0], vec![third, 1.0, 3.0], vec![0.2, third, 1.0]],
                vec![0.636986, 0.258285, 0.104729],
                3.038511,
                0.033199,
            ),
            // A 4×4 teaching example of judgements too inconsistent to use (1, 5, 6, 7 / 4, 6 / 4):
            // CI = 0.39073/3 = 0.130243, CR = 0.130243/0.90 = 0.1447 > 0.10, not consistent.
            (
                vec![
                    vec![1.0, 5.0, 6.0, 7.0],
                    vec![0.2, 1.0, 4.0, 6.0],
                    vec![1.0 / 6.0, 0.25, 1.0, 4.0],
                    vec![1.0 / 7.0, 1.0 / 6.0, 0.25, 1.0],
                ],
                vec![0.618669, 0.235323, 0.100934, 0.045074],
                4.390730,
                0.144715,
            ),
            // Built from w = (0.5, 0.25, 0.25) as a_ij = w_i/w_j: perfectly consistent, λ = n.
            (vec![vec![1.0, 2.0, 2.0], vec![0.5, 1.0, 1.0], vec![0.5, 1.0, 1.0]], vec![0.5, 0.25, 0.25], 3.0, 0.0),
            // A circle (1 ≫ 2 ≫ 3 ≫ 1): by symmetry w = 1/3 each, λ = 1 + 9 + 1/9 = 10.1111,
            // CI = 7.1111/2 = 3.5556, CR = 3.5556/0.58 = 6.1303.
            (
                vec![vec![1.0, 9.0, 1.0 / 9.0], vec![1.0 / 9.0, 1.0, 9.0], vec![9.0, 1.0 / 9.0, 1.0]],
                vec![third, third, third],
                10.111111,
                6.130268,
            ),
        ];
        for (rows, weights, lambda_max, consistency_ratio) in cases {
            let priorities = PairwiseMatrix::new(&rows).unwrap().priorities();
            for (actual, expected) in priorities.weights.iter().zip(&weights) {
                assert!(close(*actual, *expected, 1e-6), "{rows:?}: weights {:?}", priorities.weights);
            }
            assert!(close(priorities.weights.iter().sum(), 1.0, 1e-12));
            assert!(close(priorities.lambda_max, lambda_max, 1e-6), "{rows:?}: λ {}", priorities.lambda_max);
            assert!(close(priorities.consistency_ratio, consistency_ratio, 1e-6), "{rows:?}: {priorities:?}");
            assert_eq!(priorities.is_consistent(), consistency_ratio <= 0.10, "{rows:?}");
        }
    }

    #[test]
    fn ahp_on_one_or_two_items_is_always_consistent() {
        let one = PairwiseMatrix::new(&[[1.0]]).unwrap().priorities();
        assert_eq!(
            (one.weights.as_slice(), one.consistency_index, one.consistency_ratio),
            ([1.0].as_slice(), 0.0, 0.0)
        );

        // a_12 = 9: w = (9/10, 1/10), λ = 2.
        let two = PairwiseMatrix::new(&[[1.0, 9.0], [1.0 / 9.0, 1.0]]).unwrap().priorities();
        assert!(close(two.weights[0], 0.9, 1e-12) && close(two.weights[1], 0.1, 1e-12));
        assert!(close(two.lambda_max, 2.0, 1e-12));
        assert_eq!(two.consistency_ratio, 0.0);
        assert!(two.is_consistent());
    }

    #[test]
    fn group_matrix_is_the_geometric_mean() {
        let third = 1.0 / 3.0;
        let member_a = PairwiseMatrix::new(&[[1.0, 2.0, 9.0], [0.5, 1.0, third], [1.0 / 9.0, 3.0, 1.0]]).unwrap();
        let member_b = PairwiseMatrix::new(&[[1.0, 8.0, 1.0], [0.125, 1.0, 3.0], [1.0, third, 1.0]]).unwrap();
        // (1,2): √(2·8) = 4; (1,3): √(9·1) = 3; (2,3): √(1/3·3) = 1; the lower triangle the reciprocals.
        let group = group_matrix(&[member_a, member_b]).unwrap();
        let expected = [[1.0, 4.0, 3.0], [0.25, 1.0, 1.0], [third, 1.0, 1.0]];
        for (row, values) in expected.iter().enumerate() {
            for (column, value) in values.iter().enumerate() {
                assert!(close(group.entry(row, column), *value, 1e-12), "({row}, {column})");
            }
        }
        // numpy: w = (0.633708, 0.174371, 0.191921), λ = 3.009203, CR = 0.004601/0.58 = 0.007933.
        let priorities = group.priorities();
        for (actual, expected) in priorities.weights.iter().zip([0.633708, 0.174371, 0.191921]) {
            assert!(close(*actual, expected, 1e-6), "{:?}", priorities.weights);
        }
        assert!(close(priorities.consistency_ratio, 0.007933, 1e-6));

        // One member's group matrix is their own.
        let single = PairwiseMatrix::new(&[[1.0, 9.0], [1.0 / 9.0, 1.0]]).unwrap();
        assert_eq!(group_matrix(std::slice::from_ref(&single)).unwrap(), single);
    }

    #[test]
    fn ahp_refuses_bad_matrices() {
        let third = 1.0 / 3.0;
        let cases: Vec<(&str, Vec<Vec<f64>>, &str)> = vec![
            ("empty", vec![], "the comparison matrix is empty: compare at least one item"),
            (
                "eleven items",
                vec![vec![1.0; 11]; 11],
                "AHP compares at most 10 items at once, not 11: group the items into at most 10 \
                 categories, compare the categories, then compare the items within each category",
            ),
            (
                "short row",
                vec![vec![1.0, 3.0], vec![third, 1.0, 1.0]],
                "row 1 of the comparison matrix has 3 entries, but there are 2 rows: the matrix must be square",
            ),
            (
                "diagonal",
                vec![vec![1.0, 3.0], vec![third, 2.0]],
                "entry (1, 1) compares an item with itself and must be 1, not 2",
            ),
            (
                "NaN on the diagonal",
                vec![vec![f64::NAN]],
                "entry (0, 0) compares an item with itself and must be 1, not NaN",
            ),
            (
                "above 9",
                vec![vec![1.0, 10.0], vec![0.1, 1.0]],
                "entry (0, 1) must be between 1/9 and 9 (Saaty's scale), not 10",
            ),
            (
                "zero",
                vec![vec![1.0, 3.0], vec![0.0, 1.0]],
                "entry (1, 0) must be between 1/9 and 9 (Saaty's scale), not 0",
            ),
            (
                "NaN",
                vec![vec![1.0, f64::NAN], vec![third, 1.0]],
                "entry (0, 1) must be between 1/9 and 9 (Saaty's scale), not NaN",
            ),
            (
                "not reciprocal",
                vec![vec![1.0, 4.0], vec![0.5, 1.0]],
                "entry (1, 0) is 0.5, but entry (0, 1) is 4, so it must be 1/4 = 0.25: \
                 fill in one triangle and compute the other as reciprocals",
            ),
            (
                "reciprocal rounded by hand",
                vec![vec![1.0, 3.0], vec![0.333, 1.0]],
                "entry (1, 0) is 0.333, but entry (0, 1) is 3, so it must be 1/3 = 0.3333333333333333: \
                 fill in one triangle and compute the other as reciprocals",
            ),
        ];
        for (case, rows, message) in cases {
            let error = PairwiseMatrix::new(&rows).expect_err(case);
            assert_eq!(error.to_string(), message, "{case}");
        }

        let two = PairwiseMatrix::new(&[[1.0, 2.0], [0.5, 1.0]]).unwrap();
        let three = PairwiseMatrix::new(&[[1.0; 3]; 3]).unwrap();
        assert_eq!(
            group_matrix(&[]).unwrap_err().to_string(),
            "a group matrix needs at least one member's comparison matrix"
        );
        assert_eq!(
            group_matrix(&[two.clone(), two, three]).unwrap_err().to_string(),
            "member 2's matrix compares 3 items, but member 0's compares 2: every member must compare the same items"
        );
    }

    #[test]
    fn ten_items_are_accepted_with_saatys_last_random_index() {
        let priorities = PairwiseMatrix::new(&[[1.0; 10]; 10]).unwrap().priorities();
        assert!(priorities.weights.iter().all(|w| close(*w, 0.1, 1e-12)));
        assert_eq!(priorities.random_index, 1.49);
    }

    #[test]
    fn wsjf_worked_examples() {
        let input = |business_value, time_criticality, risk_reduction_opportunity_enablement, job_size| WsjfInput {
            business_value,
            time_criticality,
            risk_reduction_opportunity_enablement,
            job_size,
        };
        // (input, cost of delay, WSJF)
        let cases = [
            (input(8.0, 5.0, 3.0, 8.0), 16.0, 2.0),    // (8 + 5 + 3)/8 = 16/8
            (input(20.0, 13.0, 8.0, 2.0), 41.0, 20.5), // (20 + 13 + 8)/2 = 41/2
            (input(1.0, 0.0, 0.0, 20.0), 1.0, 0.05),   // 1/20
        ];
        for (input, cost_of_delay, score) in cases {
            assert_eq!(wsjf(&input), Ok(WsjfScore { cost_of_delay, wsjf: score }), "{input:?}");
        }

        let errors = [
            (input(8.0, 5.0, 3.0, 0.0), "WSJF job size must be a finite number greater than 0, not 0"),
            (input(8.0, 5.0, 3.0, f64::NAN), "WSJF job size must be a finite number greater than 0, not NaN"),
            (input(-1.0, 5.0, 3.0, 8.0), "WSJF business value must be a finite number of at least 0, not -1"),
            (
                input(8.0, f64::INFINITY, 3.0, 8.0),
                "WSJF time criticality must be a finite number of at least 0, not inf",
            ),
            (
                input(8.0, 5.0, f64::NAN, 8.0),
                "WSJF risk reduction/opportunity enablement must be a finite number of at least 0, not NaN",
            ),
        ];
        for (input, message) in errors {
            assert_eq!(wsjf(&input).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn rice_worked_examples() {
        let input = |reach, impact, confidence, effort| RiceInput { reach, impact, confidence, effort };
        let cases = [
            // 500 customers/quarter × 2 × 0.8 ÷ 4 person-months = 800 ÷ 4 = 200
            (input(500.0, Impact::High, Confidence::Medium, 4.0), 200.0),
            // 1200 × 0.25 × 0.5 ÷ 0.5 = 150 ÷ 0.5 = 300
            (input(1200.0, Impact::Minimal, Confidence::Low, 0.5), 300.0),
            // 0 × 3 × 1 ÷ 1 = 0: nobody reached, nothing gained.
            (input(0.0, Impact::Massive, Confidence::High, 1.0), 0.0),
        ];
        for (input, expected) in cases {
            assert!(close(rice(&input).unwrap(), expected, 1e-9), "{input:?}");
        }

        let errors = [
            (
                input(-1.0, Impact::Medium, Confidence::High, 1.0),
                "RICE reach must be a finite number of at least 0, not -1",
            ),
            (
                input(10.0, Impact::Medium, Confidence::High, 0.0),
                "RICE effort must be a finite number greater than 0, not 0",
            ),
            (
                input(f64::NAN, Impact::Medium, Confidence::High, 1.0),
                "RICE reach must be a finite number of at least 0, not NaN",
            ),
        ];
        for (input, message) in errors {
            assert_eq!(rice(&input).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn rice_scales_read_back_from_numbers() {
        for impact in Impact::ALL {
            assert_eq!(Impact::try_from(impact.value()), Ok(impact));
        }
        for confidence in Confidence::ALL {
            assert_eq!(Confidence::try_from(confidence.value()), Ok(confidence));
        }
        assert_eq!(Confidence::try_from(80.0 / 100.0), Ok(Confidence::Medium));
        assert_eq!(
            Impact::try_from(4.0).unwrap_err().to_string(),
            "RICE impact must be one of 3, 2, 1, 0.5 or 0.25, not 4"
        );
        assert_eq!(
            Confidence::try_from(0.9).unwrap_err().to_string(),
            "RICE confidence must be one of 1, 0.8 or 0.5 (100 %, 80 %, 50 %), not 0.9"
        );
    }
}

//! Weighted scoring: criteria normalised over the candidates (min-max), weighted and summed,
//! with each criterion's contribution kept as the reason for a project's place.

use super::*;

/// Which end of a criterion's scale is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Benefit-like: strategic value, expected return.
    HigherIsBetter,
    /// Cost-like: risk, effort, cost. The normalised score is inverted, so the candidate with
    /// the lowest raw score gets the full weight.
    LowerIsBetter,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::HigherIsBetter, Direction::LowerIsBetter];

    /// Every name [`Direction::as_str`] gives, in the order of [`Direction::ALL`]: the names the
    /// board schema allows.
    pub const NAMES: [&'static str; 2] = names_of!(Direction);

    /// The name stored in the board document.
    pub const fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsBetter => "higher-is-better",
            Direction::LowerIsBetter => "lower-is-better",
        }
    }
}

/// One thing candidates are scored on (评分标准).
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub id: CriterionId,
    pub name: String,
    /// Relative importance: any finite number of at least 0. Weights are scaled to sum to 1
    /// before use, so 3 and 1 mean the same as 0.75 and 0.25.
    pub weight: f64,
    pub direction: Direction,
}

impl Criterion {
    pub fn new(id: CriterionId, name: impl Into<String>, weight: f64, direction: Direction) -> Self {
        Criterion { id, name: name.into(), weight, direction }
    }
}

/// A project or proposal to be ranked, with its raw score on each criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: ProjectId,
    /// Criterion → raw score, on whatever scale the criterion uses (1–5, money, days…).
    pub scores: BTreeMap<CriterionId, f64>,
}

impl Candidate {
    pub fn new(id: ProjectId, scores: impl IntoIterator<Item = (CriterionId, f64)>) -> Self {
        Candidate { id, scores: scores.into_iter().collect() }
    }
}

/// What one criterion adds to one candidate's total.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub criterion: CriterionId,
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
    pub id: ProjectId,
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
    pub candidate: ProjectId,
    pub criterion: CriterionId,
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
    pub tied_criteria: Vec<CriterionId>,
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
        if !seen_candidates.insert(&candidate.id) {
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
        if !seen.insert(&criterion.id) {
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

pub(super) fn is_finite_non_negative(value: f64) -> bool {
    value.is_finite() && value >= 0.0
}

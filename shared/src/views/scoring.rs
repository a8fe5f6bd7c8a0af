//! The scoring page (评分与优先级): the projects still in play ranked by one of three models —
//! weighted scoring over the board's criteria, WSJF or RICE from each project's estimates —
//! with, for weighted scoring, the criteria that lifted or sank each project; and the order to
//! apply to the priorities.

use std::str::FromStr;

use crate::{
    board::{BoardError, BoardSnapshot, CriterionId, Project, ProjectId, Stage, Subject},
    format::{self, Locale},
    scoring::{self, Candidate, Confidence, Impact, RiceInput, WsjfInput},
};

/// A prioritisation model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Model {
    #[default]
    Weighted,
    Wsjf,
    Rice,
}

impl Model {
    pub const ALL: [Model; 3] = [Model::Weighted, Model::Wsjf, Model::Rice];

    pub fn as_str(self) -> &'static str {
        match self {
            Model::Weighted => "weighted",
            Model::Wsjf => "wsjf",
            Model::Rice => "rice",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Model::Weighted => "Weighted scoring",
            Model::Wsjf => "WSJF",
            Model::Rice => "RICE",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Model::Weighted => "加权评分",
            Model::Wsjf => "加权最短作业优先",
            Model::Rice => "RICE 评分",
        }
    }
}

impl FromStr for Model {
    type Err = BoardError;
    fn from_str(text: &str) -> Result<Model, BoardError> {
        Model::ALL.into_iter().find(|model| model.as_str() == text).ok_or_else(|| BoardError::NotOneOf {
            what: Subject::ScoringModel,
            value: text.to_owned(),
            allowed: "weighted, wsjf, rice".into(),
        })
    }
}

/// A criterion's pull on one project, against an average candidate: its weight × (the
/// project's normalised score − 0.5). Positive lifted it, negative sank it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub criterion: String,
    pub effect: f64,
}

/// One project in a model's ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedRow {
    pub id: ProjectId,
    pub name: String,
    /// `None` while the project lacks an input of the model.
    pub rank: Option<usize>,
    pub score: Option<f64>,
    /// How the score was made, with the project's numbers.
    pub detail: String,
    /// Weighted scoring: the criteria that lifted it most first.
    pub lifted: Vec<Reason>,
    /// Weighted scoring: the criteria that sank it most first.
    pub sank: Vec<Reason>,
    /// What it lacks to be ranked (empty when ranked).
    pub missing: Vec<Missing>,
}

/// A model's ranking of the projects still in play.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelRanking {
    /// Ranked projects best first, then the unranked ones in priority order.
    pub rows: Vec<RankedRow>,
    /// Why the model cannot rank anything, if it cannot.
    pub problem: Option<RankingProblem>,
}

/// Why a model (or the strategic alignment) cannot rank the projects: the app words it.
#[derive(Debug, Clone, PartialEq)]
pub enum RankingProblem {
    /// The board has no criterion (for the alignment: no objective) to rank by.
    NothingToRankBy,
    /// Every criterion (objective) weighs 0.
    NoWeight,
    /// The figures do not allow it; the computation's reason in English, for logs.
    Other(String),
}

/// What a project lacks to be ranked.
#[derive(Debug, Clone, PartialEq)]
pub enum Missing {
    /// A score on this criterion (by name).
    Score(String),
    /// A WSJF or RICE estimate (one of the estimates' subjects: business value … effort).
    Estimate(Subject),
    /// Estimates outside their range (job size or effort 0, say); the reason in English.
    Invalid(String),
}

impl ModelRanking {
    /// The ranked projects, best first: the order "Apply this order" gives the priorities.
    pub fn order(&self) -> Vec<ProjectId> {
        self.rows.iter().filter(|row| row.rank.is_some()).map(|row| row.id.clone()).collect()
    }
}

pub fn ranking(board: &BoardSnapshot, model: Model) -> ModelRanking {
    match model {
        Model::Weighted => weighted(board),
        Model::Wsjf => by_score(board, wsjf_row),
        Model::Rice => by_score(board, rice_row),
    }
}

fn in_play(board: &BoardSnapshot) -> impl Iterator<Item = &Project> {
    board.projects.iter().filter(|p| !matches!(p.stage, Stage::Closed | Stage::Cancelled))
}

fn unranked(project: &Project, missing: Vec<Missing>) -> RankedRow {
    RankedRow {
        id: project.id.clone(),
        name: project.name.clone(),
        rank: None,
        score: None,
        detail: String::new(),
        lifted: Vec::new(),
        sank: Vec::new(),
        missing,
    }
}

/// Weighted scoring over the board's criteria, for the projects scored on every one.
fn weighted(board: &BoardSnapshot) -> ModelRanking {
    if board.criteria.is_empty() {
        return ModelRanking {
            problem: Some(RankingProblem::NothingToRankBy),
            rows: in_play(board).map(|p| unranked(p, Vec::new())).collect(),
        };
    }
    let (scored, not_scored): (Vec<&Project>, Vec<&Project>) =
        in_play(board).partition(|p| board.criteria.iter().all(|c| p.scores.contains_key(&c.id)));
    let candidates: Vec<Candidate> =
        scored.iter().map(|p| Candidate { id: p.id.clone(), scores: p.scores.clone() }).collect();
    let criterion_name =
        |id: &CriterionId| board.criteria.iter().find(|c| &c.id == id).map_or_else(String::new, |c| c.name.clone());
    let mut rows = Vec::new();
    let mut problem = None;
    match scoring::weighted_ranking(&board.criteria, &candidates) {
        Ok(ranking) => {
            // By id: a search of the list for each of 800 candidates was 640,000 comparisons.
            let by_id: std::collections::HashMap<&ProjectId, &Project> = scored.iter().map(|p| (&p.id, *p)).collect();
            for candidate in ranking.candidates {
                let Some(&project) = by_id.get(&candidate.id) else { continue };
                let mut reasons: Vec<Reason> = candidate
                    .contributions
                    .iter()
                    .map(|c| Reason {
                        criterion: criterion_name(&c.criterion),
                        effect: c.weight * (c.normalised_score - 0.5),
                    })
                    .collect();
                reasons.sort_by(|a, b| b.effect.total_cmp(&a.effect));
                let lifted: Vec<Reason> = reasons.iter().filter(|r| r.effect > 1e-12).cloned().collect();
                let mut sank: Vec<Reason> = reasons.into_iter().filter(|r| r.effect < -1e-12).collect();
                sank.reverse();
                rows.push(RankedRow {
                    id: project.id.clone(),
                    name: project.name.clone(),
                    rank: Some(candidate.rank),
                    score: Some(candidate.total_score),
                    detail: candidate
                        .contributions
                        .iter()
                        .map(|c| {
                            format!(
                                "{} {} → {} × {}",
                                criterion_name(&c.criterion),
                                format::number(Locale::En, c.raw_score, 2),
                                format::number(Locale::En, c.normalised_score, 2),
                                format::number(Locale::En, c.weight, 2)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                    lifted,
                    sank,
                    missing: Vec::new(),
                });
            }
        }
        Err(error) => {
            problem = Some(match error {
                scoring::ScoringError::NoWeight => RankingProblem::NoWeight,
                other => RankingProblem::Other(other.to_string()),
            });
            rows.extend(scored.iter().map(|p| unranked(p, Vec::new())));
        }
    }
    for project in not_scored {
        let missing = board
            .criteria
            .iter()
            .filter(|c| !project.scores.contains_key(&c.id))
            .map(|c| Missing::Score(c.name.clone()))
            .collect();
        rows.push(unranked(project, missing));
    }
    ModelRanking { rows, problem }
}

/// A score from one project's estimates, or what it lacks.
type Scored = Result<(f64, String), Vec<Missing>>;

/// Ranks the projects in play by a single-number score, highest first; equal scores keep the
/// board's priority order.
fn by_score(board: &BoardSnapshot, score: fn(&Project) -> Scored) -> ModelRanking {
    let mut ranked = Vec::new();
    let mut rest = Vec::new();
    for project in in_play(board) {
        match score(project) {
            Ok((value, detail)) => {
                ranked.push(RankedRow { score: Some(value), detail, ..unranked(project, Vec::new()) })
            }
            Err(missing) => rest.push(unranked(project, missing)),
        }
    }
    ranked.sort_by(|a, b| b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)));
    for (index, row) in ranked.iter_mut().enumerate() {
        row.rank = Some(index + 1);
    }
    ranked.extend(rest);
    ModelRanking { rows: ranked, problem: None }
}

fn require(value: Option<f64>, what: Subject, missing: &mut Vec<Missing>) -> f64 {
    value.unwrap_or_else(|| {
        missing.push(Missing::Estimate(what));
        0.0
    })
}

/// WSJF = (business value + time criticality + risk reduction) ÷ job size.
fn wsjf_row(project: &Project) -> Scored {
    let estimates = &project.estimates;
    let mut missing = Vec::new();
    let input = WsjfInput {
        business_value: require(estimates.business_value, Subject::BusinessValue, &mut missing),
        time_criticality: require(estimates.time_criticality, Subject::TimeCriticality, &mut missing),
        risk_reduction_opportunity_enablement: require(estimates.risk_reduction, Subject::RiskReduction, &mut missing),
        job_size: require(estimates.job_size, Subject::JobSize, &mut missing),
    };
    if !missing.is_empty() {
        return Err(missing);
    }
    let score = scoring::wsjf(&input).map_err(|error| vec![Missing::Invalid(error.to_string())])?;
    let detail = format!(
        "({} + {} + {}) ÷ {} = {} ÷ {}",
        format::number(Locale::En, input.business_value, 2),
        format::number(Locale::En, input.time_criticality, 2),
        format::number(Locale::En, input.risk_reduction_opportunity_enablement, 2),
        format::number(Locale::En, input.job_size, 2),
        format::number(Locale::En, score.cost_of_delay, 2),
        format::number(Locale::En, input.job_size, 2)
    );
    Ok((score.wsjf, detail))
}

/// RICE = reach × impact × confidence ÷ effort.
fn rice_row(project: &Project) -> Scored {
    let estimates = &project.estimates;
    let mut missing = Vec::new();
    let reach = require(estimates.reach, Subject::Reach, &mut missing);
    let impact = require(estimates.impact, Subject::Impact, &mut missing);
    let confidence = require(estimates.confidence, Subject::Confidence, &mut missing);
    let effort = require(estimates.effort, Subject::Effort, &mut missing);
    if !missing.is_empty() {
        return Err(missing);
    }
    let impact = Impact::try_from(impact).map_err(|error| vec![Missing::Invalid(error.to_string())])?;
    let confidence = Confidence::try_from(confidence).map_err(|error| vec![Missing::Invalid(error.to_string())])?;
    let input = RiceInput { reach, impact, confidence, effort };
    let score = scoring::rice(&input).map_err(|error| vec![Missing::Invalid(error.to_string())])?;
    let detail = format!(
        "{} × {} × {}% ÷ {}",
        format::number(Locale::En, reach, 2),
        format::number(Locale::En, impact.value(), 2),
        format::number(Locale::En, confidence.value() * 100.0, 0),
        format::number(Locale::En, effort, 2)
    );
    Ok((score, detail))
}

// ---- AHP -------------------------------------------------------------------------------------

/// One pair of criteria a member compares, the first one above the second in the criteria table.
#[derive(Debug, Clone, PartialEq)]
pub struct AhpPair {
    pub first: CriterionId,
    pub first_name: String,
    pub second: CriterionId,
    pub second_name: String,
    /// How many times more important `first` is than `second`, as the member answered (1/9 … 9);
    /// `None` until they answer.
    pub value: Option<f64>,
}

/// One criterion's weight from AHP.
#[derive(Debug, Clone, PartialEq)]
pub struct AhpWeight {
    pub criterion: CriterionId,
    pub name: String,
    /// The weights of a result sum to 1.
    pub weight: f64,
}

/// Weights from a full set of comparisons, and how consistent the comparisons were.
#[derive(Debug, Clone, PartialEq)]
pub struct AhpResult {
    /// In the order of the criteria table.
    pub weights: Vec<AhpWeight>,
    pub consistency_ratio: f64,
    /// CR ≤ 0.10 (Saaty's threshold).
    pub consistent: bool,
}

/// Why AHP cannot run on this board's criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AhpProblem {
    /// Fewer than two criteria: there is nothing to compare.
    TooFewCriteria,
    /// More than [`scoring::PairwiseMatrix::MAX_SIZE`].
    TooManyCriteria { count: usize },
}

/// The AHP section of the scoring page, as one member sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AhpView {
    /// Every pair of criteria, with this member's answers.
    pub pairs: Vec<AhpPair>,
    /// This member's weights, once they have compared every pair.
    pub mine: Option<AhpResult>,
    /// The group's weights: the geometric mean of the comparisons of every member who has
    /// compared every pair.
    pub group: Option<AhpResult>,
    /// How many members have compared every pair (those the group's weights come from).
    pub answered: usize,
    /// How many members have compared some pairs but not all.
    pub partly_answered: usize,
    pub problem: Option<AhpProblem>,
}

/// The AHP section for `member` (an account id): the pairs of the board's criteria with their
/// answers, their own weights and consistency ratio, and the group's weights. Judgments about
/// criteria deleted since are ignored; a member who has not compared a pair added since counts
/// as partly answered.
pub fn ahp(board: &BoardSnapshot, member: &str) -> AhpView {
    let criteria = &board.criteria;
    let problem = match criteria.len() {
        0 | 1 => Some(AhpProblem::TooFewCriteria),
        count if count > scoring::PairwiseMatrix::MAX_SIZE => Some(AhpProblem::TooManyCriteria { count }),
        _ => None,
    };
    if let Some(problem) = problem {
        return AhpView { problem: Some(problem), ..AhpView::default() };
    }
    // Each member's answers, as the entry (i, j), i < j, of a matrix in table order.
    let index = |id: &CriterionId| criteria.iter().position(|c| &c.id == id);
    let mut answers: std::collections::BTreeMap<&str, std::collections::BTreeMap<(usize, usize), f64>> =
        Default::default();
    for judgment in &board.judgments {
        let (Some(a), Some(b)) = (index(&judgment.first), index(&judgment.second)) else { continue };
        let entry = if a < b { ((a, b), judgment.value) } else { ((b, a), 1.0 / judgment.value) };
        answers.entry(judgment.member.as_str()).or_default().insert(entry.0, entry.1);
    }
    let size = criteria.len();
    let pair_count = size * (size - 1) / 2;
    let matrix = |entries: &std::collections::BTreeMap<(usize, usize), f64>| {
        let mut rows = vec![vec![1.0; size]; size];
        for (&(row, column), &value) in entries {
            rows[row][column] = value;
            rows[column][row] = 1.0 / value;
        }
        scoring::PairwiseMatrix::new(&rows).ok()
    };
    let result = |matrix: &scoring::PairwiseMatrix| {
        let priorities = matrix.priorities();
        AhpResult {
            weights: criteria
                .iter()
                .zip(&priorities.weights)
                .map(|(c, weight)| AhpWeight { criterion: c.id.clone(), name: c.name.clone(), weight: *weight })
                .collect(),
            consistency_ratio: priorities.consistency_ratio,
            consistent: priorities.is_consistent(),
        }
    };
    let complete: Vec<scoring::PairwiseMatrix> =
        answers.values().filter(|entries| entries.len() == pair_count).filter_map(matrix).collect();
    let mine = answers.get(member);
    let pairs = (0..size)
        .flat_map(|row| (row + 1..size).map(move |column| (row, column)))
        .map(|(row, column)| AhpPair {
            first: criteria[row].id.clone(),
            first_name: criteria[row].name.clone(),
            second: criteria[column].id.clone(),
            second_name: criteria[column].name.clone(),
            value: mine.and_then(|entries| entries.get(&(row, column)).copied()),
        })
        .collect();
    AhpView {
        pairs,
        mine: mine.filter(|entries| entries.len() == pair_count).and_then(matrix).map(|m| result(&m)),
        group: scoring::group_matrix(&complete).ok().map(|m| result(&m)),
        answered: complete.len(),
        partly_answered: answers.len() - complete.len(),
        problem: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{Board, CriterionId, Estimates, NewProject},
        scoring::Direction,
    };

    fn add(board: &mut Board, name: &str, stage: Stage) -> ProjectId {
        let id = ProjectId::random();
        board.add_project(id.clone(), NewProject { name: name.into(), stage, budget: 1.0 }).unwrap();
        id
    }

    /// Value weighs 3 (higher is better), Risk 1 (lower is better): weights 0.75 and 0.25.
    /// ERP value 8 risk 4, CRM 6 and 2, BI 4 and 3. Value spans 4‥8: ERP 1, CRM 0.5, BI 0.
    /// Risk spans 2‥4, inverted: ERP 0, CRM 1, BI 0.5. Totals: ERP 0.75, CRM 0.625, BI 0.125.
    /// Reasons (weight × (normalised − 0.5)): ERP value +0.375, risk −0.125; CRM value 0,
    /// risk +0.125; BI value −0.375, risk 0. Portal has no risk score; Old is closed.
    #[test]
    fn weighted_ranking_says_which_criteria_lifted_or_sank_each_project() {
        let mut board = Board::new("Scoring").unwrap();
        let (value, risk) = (CriterionId::random(), CriterionId::random());
        board.add_criterion(value.clone(), "Value", 3.0, Direction::HigherIsBetter).unwrap();
        board.add_criterion(risk.clone(), "Risk", 1.0, Direction::LowerIsBetter).unwrap();
        let portal = add(&mut board, "Portal", Stage::Proposed);
        let old = add(&mut board, "Old", Stage::Closed);
        for (name, v, r) in [("BI", 4.0, 3.0), ("CRM", 6.0, 2.0), ("ERP", 8.0, 4.0)] {
            let id = add(&mut board, name, Stage::Proposed);
            board.set_score(&id, &value, Some(v)).unwrap();
            board.set_score(&id, &risk, Some(r)).unwrap();
        }
        board.set_score(&portal, &value, Some(5.0)).unwrap();
        board.set_score(&old, &value, Some(9.0)).unwrap();
        let ranking = ranking(&board.snapshot(), Model::Weighted);
        assert_eq!(ranking.problem, None);
        let rows: Vec<(&str, Option<usize>, Option<f64>)> =
            ranking.rows.iter().map(|r| (r.name.as_str(), r.rank, r.score.map(|s| (s * 1e9).round() / 1e9))).collect();
        assert_eq!(
            rows,
            [
                ("ERP", Some(1), Some(0.75)),
                ("CRM", Some(2), Some(0.625)),
                ("BI", Some(3), Some(0.125)),
                ("Portal", None, None)
            ]
        );
        let reasons = |row: &RankedRow| {
            (
                row.lifted.iter().map(|r| (r.criterion.clone(), r.effect)).collect::<Vec<_>>(),
                row.sank.iter().map(|r| (r.criterion.clone(), r.effect)).collect::<Vec<_>>(),
            )
        };
        assert_eq!(reasons(&ranking.rows[0]), (vec![("Value".into(), 0.375)], vec![("Risk".into(), -0.125)]));
        assert_eq!(reasons(&ranking.rows[1]), (vec![("Risk".into(), 0.125)], vec![]));
        assert_eq!(reasons(&ranking.rows[2]), (vec![], vec![("Value".into(), -0.375)]));
        assert_eq!(ranking.rows[3].missing, [Missing::Score("Risk".into())]);
        assert_eq!(ranking.rows[0].detail, "Value 8 → 1 × 0.75; Risk 4 → 0 × 0.25");
        assert_eq!(ranking.order().len(), 3);
    }

    #[test]
    fn a_board_without_criteria_or_weights_says_why_nothing_is_ranked() {
        let mut board = Board::new("Scoring").unwrap();
        add(&mut board, "ERP", Stage::Proposed);
        let none = ranking(&board.snapshot(), Model::Weighted);
        assert_eq!(none.problem, Some(RankingProblem::NothingToRankBy));
        assert!(none.order().is_empty());
        let value = CriterionId::random();
        board.add_criterion(value.clone(), "Value", 0.0, Direction::HigherIsBetter).unwrap();
        let erp = board.projects()[0].id.clone();
        board.set_score(&erp, &value, Some(1.0)).unwrap();
        let weightless = ranking(&board.snapshot(), Model::Weighted);
        assert_eq!(weightless.problem, Some(RankingProblem::NoWeight));
    }

    /// WSJF: ERP (8 + 5 + 3) ÷ 8 = 2; CRM (5 + 8 + 2) ÷ 3 = 5; BI lacks its job size.
    /// RICE: ERP 1000 × 1 × 80 % ÷ 4 = 200; CRM 500 × 2 × 100 % ÷ 2 = 500; BI 300 × 3 × 50 % ÷ 1
    /// = 450.
    #[test]
    fn wsjf_and_rice_rank_from_the_estimates() {
        let mut board = Board::new("Scoring").unwrap();
        let estimates = |bv, tc, rr, size: Option<f64>, reach, impact, confidence, effort| Estimates {
            business_value: Some(bv),
            time_criticality: Some(tc),
            risk_reduction: Some(rr),
            job_size: size,
            reach: Some(reach),
            impact: Some(impact),
            confidence: Some(confidence),
            effort: Some(effort),
        };
        for (name, e) in [
            ("ERP", estimates(8.0, 5.0, 3.0, Some(8.0), 1000.0, 1.0, 0.8, 4.0)),
            ("CRM", estimates(5.0, 8.0, 2.0, Some(3.0), 500.0, 2.0, 1.0, 2.0)),
            ("BI", estimates(1.0, 1.0, 1.0, None, 300.0, 3.0, 0.5, 1.0)),
        ] {
            let id = add(&mut board, name, Stage::Screening);
            board.set_estimates(&id, e).unwrap();
        }
        let board = board.snapshot();
        let wsjf = ranking(&board, Model::Wsjf);
        let rows: Vec<(&str, Option<usize>, Option<f64>)> =
            wsjf.rows.iter().map(|r| (r.name.as_str(), r.rank, r.score)).collect();
        assert_eq!(rows, [("CRM", Some(1), Some(5.0)), ("ERP", Some(2), Some(2.0)), ("BI", None, None)]);
        assert_eq!(wsjf.rows[0].detail, "(5 + 8 + 2) ÷ 3 = 15 ÷ 3");
        assert_eq!(wsjf.rows[2].missing, [Missing::Estimate(Subject::JobSize)]);
        let rice = ranking(&board, Model::Rice);
        let rows: Vec<(&str, Option<f64>)> = rice.rows.iter().map(|r| (r.name.as_str(), r.score)).collect();
        assert_eq!(rows, [("CRM", Some(500.0)), ("BI", Some(450.0)), ("ERP", Some(200.0))]);
        assert_eq!(rice.rows[2].detail, "1000 × 1 × 80% ÷ 4");
        assert_eq!("rice".parse::<Model>().unwrap(), Model::Rice);
        assert!("ahp".parse::<Model>().is_err());
    }

    /// Worked by hand. Criteria A, B, C (equal weights, so the table lists them by id).
    /// Ana: A = 2×B, A = 4×C, B = 2×C — consistent, weights 4/7, 2/7, 1/7.
    /// Bo:  A = 8×B, A = 4×C, C = 2×B — consistent too (8 × 1/2 = 4).
    /// Group, entry by entry the geometric mean: A:B = √(2·8) = 4, A:C = √(4·4) = 4,
    /// B:C = √(2·½) = 1, a consistent matrix whose weights are 4/6, 1/6, 1/6.
    #[test]
    fn ahp_gives_each_member_their_weights_and_the_group_the_geometric_mean() {
        let mut board = Board::new("Portfolio").unwrap();
        let ids: Vec<CriterionId> = ["a", "b", "c"].iter().map(|id| id.parse().unwrap()).collect();
        for id in &ids {
            board.add_criterion(id.clone(), &id.as_str().to_uppercase(), 1.0, Direction::HigherIsBetter).unwrap();
        }
        let (a, b, c) = (&ids[0], &ids[1], &ids[2]);
        let close = |result: &AhpResult, expected: [f64; 3]| {
            let weights: Vec<f64> = result.weights.iter().map(|w| w.weight).collect();
            assert!(weights.iter().zip(expected).all(|(w, e)| (w - e).abs() < 1e-9), "{weights:?} ≠ {expected:?}");
        };

        let view = ahp(&board.snapshot(), "ana");
        assert_eq!(view.pairs.len(), 3);
        assert!(view.pairs.iter().all(|pair| pair.value.is_none()));
        assert_eq!((view.mine.as_ref(), view.group.as_ref(), view.answered), (None, None, 0));

        board.set_judgment("ana", a, b, Some(2.0)).unwrap();
        board.set_judgment("ana", a, c, Some(4.0)).unwrap();
        let view = ahp(&board.snapshot(), "ana");
        assert_eq!((view.mine.as_ref(), view.answered, view.partly_answered), (None, 0, 1), "one pair to go");
        board.set_judgment("ana", c, b, Some(0.5)).unwrap();
        board.set_judgment("bo", a, b, Some(8.0)).unwrap();
        board.set_judgment("bo", a, c, Some(4.0)).unwrap();
        board.set_judgment("bo", c, b, Some(2.0)).unwrap();

        let ana = ahp(&board.snapshot(), "ana");
        let names: Vec<(&str, &str, Option<f64>)> =
            ana.pairs.iter().map(|p| (p.first_name.as_str(), p.second_name.as_str(), p.value)).collect();
        assert_eq!(names, [("A", "B", Some(2.0)), ("A", "C", Some(4.0)), ("B", "C", Some(2.0))]);
        let mine = ana.mine.as_ref().unwrap();
        close(mine, [4.0 / 7.0, 2.0 / 7.0, 1.0 / 7.0]);
        assert!(mine.consistency_ratio < 1e-9 && mine.consistent);
        close(ahp(&board.snapshot(), "bo").mine.as_ref().unwrap(), [8.0 / 11.0, 1.0 / 11.0, 2.0 / 11.0]);
        let group = ana.group.as_ref().unwrap();
        close(group, [4.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0]);
        assert_eq!((ana.answered, ana.partly_answered), (2, 0));
        // Someone who has not answered sees the group, and none of their own.
        let cy = ahp(&board.snapshot(), "cy");
        assert_eq!((cy.mine, cy.group.as_ref()), (None, Some(group)));

        // Contradictory answers: A = 9×B, B = 9×C, yet C = 9×A.
        for (first, second) in [(a, b), (b, c), (c, a)] {
            board.set_judgment("cy", first, second, Some(9.0)).unwrap();
        }
        let cy = ahp(&board.snapshot(), "cy").mine.unwrap();
        assert!(cy.consistency_ratio > 0.10 && !cy.consistent, "{}", cy.consistency_ratio);

        // A criterion added since leaves everyone partly answered; one deleted is ignored.
        board.add_criterion("d".parse().unwrap(), "D", 1.0, Direction::HigherIsBetter).unwrap();
        let view = ahp(&board.snapshot(), "ana");
        assert_eq!((view.answered, view.partly_answered, view.pairs.len()), (0, 3, 6));
        board.delete_criterion(&"d".parse().unwrap()).unwrap();
        assert_eq!(ahp(&board.snapshot(), "ana").answered, 3);
        board.delete_criterion(c).unwrap();
        board.delete_criterion(b).unwrap();
        assert_eq!(ahp(&board.snapshot(), "ana").problem, Some(AhpProblem::TooFewCriteria));
    }
}

//! Strategic alignment (战略对齐): how much each project serves the organisation's weighted
//! objectives, and which objectives no project serves at all.
//!
//! The PMO sets [`Objective`]s with weights; each project states how much it contributes to
//! each objective, from 0 (not at all) to 1 (fully), in a [`ProjectContributions`].
//! [`project_alignment`] turns one project's contributions into a single alignment score, the
//! weighted mean Σ w_o·c_o / Σ w_o over all objectives, keeping each objective's share so the
//! board can show where the score comes from. [`coverage`] looks the other way, across
//! projects: per objective, who contributes and how much in total, and the objectives nobody
//! works on.
//!
//! Objectives and projects are identified by the board's ids ([`ObjectiveId`], [`ProjectId`]).
//! A contribution to an objective that
//! is not in the list (deleted, say, while someone edited offline) is left out and reported,
//! never refused, so a merged board can always be scored.
//!
//! ```
//! use shared::alignment::{self, Objective, ProjectContributions};
//! use shared::ids::{ObjectiveId, ProjectId};
//!
//! let objective = |id: &str| id.parse::<ObjectiveId>().unwrap();
//! let project = |id: &str| id.parse::<ProjectId>().unwrap();
//! let objectives = [
//!     Objective::new(objective("growth"), "Grow overseas revenue", 3.0),
//!     Objective::new(objective("cost"), "Cut operating cost", 1.0),
//!     Objective::new(objective("esg"), "Carbon neutral by 2030", 0.0),
//! ];
//! let erp = ProjectContributions::new(project("erp"), [(objective("growth"), 0.5), (objective("cost"), 1.0)]);
//! let crm = ProjectContributions::new(project("crm"), [(objective("growth"), 1.0)]);
//!
//! // erp: (3·0.5 + 1·1 + 0·0) / (3 + 1 + 0) = 2.5/4 = 0.625
//! let alignment = alignment::project_alignment(&objectives, &erp).unwrap();
//! assert_eq!(alignment.score, 0.625);
//!
//! let coverage = alignment::coverage(&objectives, &[erp, crm]).unwrap();
//! assert_eq!(coverage.objectives[0].contributing_projects, ["erp", "crm"]);
//! assert_eq!(coverage.objectives[0].total_contribution, 1.5);
//! assert_eq!(coverage.uncovered, ["esg"]);
//! ```

use std::collections::{BTreeMap, HashSet};

use thiserror::Error;

use crate::ids::{ObjectiveId, ProjectId};

/// A bad input to [`project_alignment`] or [`coverage`].
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AlignmentError {
    #[error("weight of objective `{objective}` must be a finite number of at least 0, not {value}")]
    InvalidWeight { objective: ObjectiveId, value: f64 },
    #[error(
        "the objectives' weights add up to 0, so alignment has no meaning yet: \
         give at least one objective a positive weight"
    )]
    NoWeight,
    #[error("objective `{objective}` is listed twice: give each objective its own id")]
    DuplicateObjective { objective: ObjectiveId },
    #[error("project `{project}` is listed twice: give each project its own id")]
    DuplicateProject { project: ProjectId },
    #[error("contribution of project `{project}` to objective `{objective}` must be between 0 and 1, not {value}")]
    InvalidContribution { project: ProjectId, objective: ObjectiveId, value: f64 },
}

/// A strategic objective (战略目标) projects can contribute to.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub id: ObjectiveId,
    pub name: String,
    /// Relative importance: any finite number of at least 0. Only ratios matter: 3 and 1 mean
    /// the same as 0.75 and 0.25.
    pub weight: f64,
}

impl Objective {
    pub fn new(id: ObjectiveId, name: impl Into<String>, weight: f64) -> Self {
        Objective { id, name: name.into(), weight }
    }
}

/// How much one project contributes to each objective.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectContributions {
    pub project: ProjectId,
    /// Objective → contribution between 0 (none) and 1 (fully). An objective left out counts
    /// as 0.
    pub contributions: BTreeMap<ObjectiveId, f64>,
}

impl ProjectContributions {
    pub fn new(project: ProjectId, contributions: impl IntoIterator<Item = (ObjectiveId, f64)>) -> Self {
        ProjectContributions { project, contributions: contributions.into_iter().collect() }
    }
}

/// A contribution naming an objective that is not in the list. It played no part in the result
/// and its value was not checked.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoredContribution {
    pub project: ProjectId,
    pub objective: ObjectiveId,
    pub contribution: f64,
}

/// One objective's part in a project's alignment score.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveShare {
    pub objective: ObjectiveId,
    /// As stated by the project; 0 when it stated none.
    pub contribution: f64,
    /// The objective's weight scaled so that all weights sum to 1.
    pub weight: f64,
    /// `weight × contribution`; a project's shares sum to its score.
    pub weighted_contribution: f64,
}

/// The result of [`project_alignment`].
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectAlignment {
    pub project: ProjectId,
    /// Σ w_o·c_o / Σ w_o, between 0 (serves no objective) and 1 (fully serves every one).
    pub score: f64,
    /// One per objective, in the order the objectives were given.
    pub shares: Vec<ObjectiveShare>,
    /// Contributions to unknown objectives, in objective id order.
    pub ignored: Vec<IgnoredContribution>,
}

/// One project's strategic alignment: the weighted mean of its contributions over all
/// objectives, an objective it does not mention counting as 0.
///
/// Weights must be finite and at least 0, and at least one positive: with no weighted objective
/// there is nothing to align with, and that is an error ([`AlignmentError::NoWeight`]) rather
/// than a score of 0, which would read as "aligned with nothing". Contributions to known
/// objectives must lie in 0‥1.
pub fn project_alignment(
    objectives: &[Objective],
    project: &ProjectContributions,
) -> Result<ProjectAlignment, AlignmentError> {
    check_objectives(objectives)?;
    // Dividing by the largest weight first keeps the sum finite even for weights near f64::MAX.
    let largest = objectives.iter().map(|o| o.weight).fold(0.0, f64::max);
    if largest == 0.0 {
        return Err(AlignmentError::NoWeight);
    }
    let total: f64 = objectives.iter().map(|o| o.weight / largest).sum();

    let (known, ignored) = split_contributions(objectives, project)?;
    let shares: Vec<ObjectiveShare> = objectives
        .iter()
        .zip(known)
        .map(|(objective, contribution)| {
            let weight = objective.weight / largest / total;
            ObjectiveShare {
                objective: objective.id.clone(),
                contribution,
                weight,
                weighted_contribution: weight * contribution,
            }
        })
        .collect();
    Ok(ProjectAlignment {
        project: project.project.clone(),
        score: shares.iter().map(|share| share.weighted_contribution).sum(),
        shares,
        ignored,
    })
}

/// Who works on one objective.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveCoverage {
    pub objective: ObjectiveId,
    /// The projects contributing more than 0, in the order the projects were given.
    pub contributing_projects: Vec<ProjectId>,
    /// The sum of all projects' contributions. It can exceed 1: two projects each half
    /// serving an objective add up to one that fully does.
    pub total_contribution: f64,
}

impl ObjectiveCoverage {
    /// How many projects contribute more than 0.
    pub fn project_count(&self) -> usize {
        self.contributing_projects.len()
    }
}

/// The result of [`coverage`].
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    /// One per objective, in the order the objectives were given.
    pub objectives: Vec<ObjectiveCoverage>,
    /// Objectives no project contributes to, in the order the objectives were given. An
    /// objective of weight 0 is listed too: nobody working on it is still worth knowing.
    pub uncovered: Vec<ObjectiveId>,
    /// Contributions to unknown objectives, in project then objective id order.
    pub ignored: Vec<IgnoredContribution>,
}

/// Per objective, which projects contribute and how much in total, and which objectives nobody
/// works on.
///
/// Objectives are checked as in [`project_alignment`], except that weights may all be 0:
/// coverage does not use them. Project ids must be unique.
pub fn coverage(objectives: &[Objective], projects: &[ProjectContributions]) -> Result<Coverage, AlignmentError> {
    check_objectives(objectives)?;
    let mut covered: Vec<ObjectiveCoverage> = objectives
        .iter()
        .map(|objective| ObjectiveCoverage {
            objective: objective.id.clone(),
            contributing_projects: Vec::new(),
            total_contribution: 0.0,
        })
        .collect();
    let mut ignored = Vec::new();
    let mut seen_projects = HashSet::new();
    for project in projects {
        if !seen_projects.insert(&project.project) {
            return Err(AlignmentError::DuplicateProject { project: project.project.clone() });
        }
        let (known, mut unknown) = split_contributions(objectives, project)?;
        ignored.append(&mut unknown);
        for (objective, contribution) in covered.iter_mut().zip(known) {
            if contribution > 0.0 {
                objective.contributing_projects.push(project.project.clone());
                objective.total_contribution += contribution;
            }
        }
    }
    let uncovered =
        covered.iter().filter(|o| o.contributing_projects.is_empty()).map(|o| o.objective.clone()).collect();
    Ok(Coverage { objectives: covered, uncovered, ignored })
}

fn check_objectives(objectives: &[Objective]) -> Result<(), AlignmentError> {
    let mut seen = HashSet::new();
    for objective in objectives {
        if !seen.insert(&objective.id) {
            return Err(AlignmentError::DuplicateObjective { objective: objective.id.clone() });
        }
        if !(objective.weight.is_finite() && objective.weight >= 0.0) {
            return Err(AlignmentError::InvalidWeight { objective: objective.id.clone(), value: objective.weight });
        }
    }
    Ok(())
}

/// The project's contribution to each objective, in objective order (0 where it states none),
/// checked to lie in 0‥1; and its contributions to objectives not in the list.
fn split_contributions(
    objectives: &[Objective],
    project: &ProjectContributions,
) -> Result<(Vec<f64>, Vec<IgnoredContribution>), AlignmentError> {
    let mut known = Vec::with_capacity(objectives.len());
    for objective in objectives {
        let value = project.contributions.get(&objective.id).copied().unwrap_or(0.0);
        // Written to be false for NaN.
        if !(0.0..=1.0).contains(&value) {
            return Err(AlignmentError::InvalidContribution {
                project: project.project.clone(),
                objective: objective.id.clone(),
                value,
            });
        }
        known.push(value);
    }
    let ignored = project
        .contributions
        .iter()
        .filter(|(objective, _)| !objectives.iter().any(|known| &known.id == *objective))
        .map(|(objective, &contribution)| IgnoredContribution {
            project: project.project.clone(),
            objective: objective.clone(),
            contribution,
        })
        .collect();
    Ok((known, ignored))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objective(id: &str) -> ObjectiveId {
        id.parse().unwrap()
    }

    fn project(id: &str) -> ProjectId {
        id.parse().unwrap()
    }

    /// A project's contributions, ids written as text.
    fn contributions<const N: usize>(id: &str, to: [(&str, f64); N]) -> ProjectContributions {
        ProjectContributions::new(project(id), to.map(|(id, value)| (objective(id), value)))
    }

    fn objectives() -> Vec<Objective> {
        vec![
            Objective::new(objective("growth"), "Grow overseas revenue", 5.0),
            Objective::new(objective("cost"), "Cut operating cost", 3.0),
            Objective::new(objective("digital"), "Digital channels", 2.0),
        ]
    }

    #[test]
    fn alignment_worked_examples() {
        // Weights 5 : 3 : 2 (sum 10) scale to 0.5, 0.3, 0.2.
        let cases = [
            // 0.5·0.8 + 0.3·0.5 + 0.2·0 = 0.4 + 0.15 = 0.55
            (contributions("erp", [("growth", 0.8), ("cost", 0.5)]), 0.55),
            // 0.5·0 + 0.3·0 + 0.2·1 = 0.2
            (contributions("app", [("digital", 1.0)]), 0.2),
            // Fully serves everything: 0.5 + 0.3 + 0.2 = 1
            (contributions("all", [("growth", 1.0), ("cost", 1.0), ("digital", 1.0)]), 1.0),
            // States nothing: 0
            (contributions("none", []), 0.0),
        ];
        for (project, expected) in cases {
            let alignment = project_alignment(&objectives(), &project).unwrap();
            assert!((alignment.score - expected).abs() < 1e-12, "{}: {}", project.project, alignment.score);
            let sum: f64 = alignment.shares.iter().map(|s| s.weighted_contribution).sum();
            assert_eq!(sum, alignment.score);
        }

        let erp = project_alignment(&objectives(), &contributions("erp", [("growth", 0.8)])).unwrap();
        let growth = &erp.shares[0];
        assert_eq!((growth.objective.as_str(), growth.contribution, growth.weight), ("growth", 0.8, 0.5));
        assert!((growth.weighted_contribution - 0.4).abs() < 1e-12);
        assert_eq!(erp.shares[2].contribution, 0.0);
    }

    #[test]
    fn contributions_to_unknown_objectives_are_ignored_and_reported() {
        let erp = contributions("erp", [("growth", 1.0), ("retired", 7.0)]);
        let alignment = project_alignment(&objectives(), &erp).unwrap();
        assert_eq!(alignment.score, 0.5); // 0.5·1; "retired" (and its out-of-range 7) plays no part
        let ignored =
            IgnoredContribution { project: project("erp"), objective: objective("retired"), contribution: 7.0 };
        assert_eq!(alignment.ignored, std::slice::from_ref(&ignored));

        let coverage = coverage(&objectives(), &[erp]).unwrap();
        assert_eq!(coverage.ignored, [ignored]);
    }

    #[test]
    fn coverage_worked_example() {
        let projects = [
            contributions("erp", [("growth", 0.5), ("cost", 1.0)]),
            contributions("crm", [("growth", 0.75), ("cost", 0.0)]),
            contributions("hr", [("cost", 0.25)]),
        ];
        let coverage = coverage(&objectives(), &projects).unwrap();
        // (objective, contributing projects, total)
        // growth: erp 0.5 + crm 0.75 = 1.25; cost: erp 1 + hr 0.25 = 1.25 (crm's 0 does not count);
        // digital: nobody.
        let expected: [(&str, &[&str], f64); 3] =
            [("growth", &["erp", "crm"], 1.25), ("cost", &["erp", "hr"], 1.25), ("digital", &[], 0.0)];
        for (actual, (objective, projects, total)) in coverage.objectives.iter().zip(expected) {
            assert_eq!(actual.objective, objective);
            assert_eq!(actual.contributing_projects, projects, "{objective}");
            assert_eq!(actual.project_count(), projects.len(), "{objective}");
            assert_eq!(actual.total_contribution, total, "{objective}");
        }
        assert_eq!(coverage.uncovered, ["digital"]);
        assert!(coverage.ignored.is_empty());
    }

    #[test]
    fn coverage_does_not_need_weights() {
        let unweighted =
            [Objective::new(objective("growth"), "Growth", 0.0), Objective::new(objective("cost"), "Cost", 0.0)];
        let projects = [contributions("erp", [("cost", 0.5)])];
        assert_eq!(coverage(&unweighted, &projects).unwrap().uncovered, ["growth"]);
        assert_eq!(coverage(&unweighted, &[]).unwrap().uncovered, ["growth", "cost"]);
        assert_eq!(project_alignment(&unweighted, &projects[0]), Err(AlignmentError::NoWeight));
    }

    #[test]
    fn alignment_refuses_bad_input() {
        let with_weight = |weight| {
            let mut objectives = objectives();
            objectives[1].weight = weight;
            objectives
        };
        let erp = |value| contributions("erp", [("cost", value)]);
        let cases: Vec<(&str, Vec<Objective>, ProjectContributions, &str)> = vec![
            (
                "NaN weight",
                with_weight(f64::NAN),
                erp(0.5),
                "weight of objective `cost` must be a finite number of at least 0, not NaN",
            ),
            (
                "negative weight",
                with_weight(-2.0),
                erp(0.5),
                "weight of objective `cost` must be a finite number of at least 0, not -2",
            ),
            (
                "no objectives",
                vec![],
                erp(0.5),
                "the objectives' weights add up to 0, so alignment has no meaning yet: \
                 give at least one objective a positive weight",
            ),
            (
                "duplicate objective",
                [objectives(), vec![Objective::new(objective("growth"), "Again", 1.0)]].concat(),
                erp(0.5),
                "objective `growth` is listed twice: give each objective its own id",
            ),
            (
                "contribution above 1",
                objectives(),
                erp(1.5),
                "contribution of project `erp` to objective `cost` must be between 0 and 1, not 1.5",
            ),
            (
                "negative contribution",
                objectives(),
                erp(-0.1),
                "contribution of project `erp` to objective `cost` must be between 0 and 1, not -0.1",
            ),
            (
                "NaN contribution",
                objectives(),
                erp(f64::NAN),
                "contribution of project `erp` to objective `cost` must be between 0 and 1, not NaN",
            ),
        ];
        for (case, objectives, project, message) in cases {
            let error = project_alignment(&objectives, &project).expect_err(case);
            assert_eq!(error.to_string(), message, "{case}");
        }

        let twice = [erp(0.5), erp(0.25)];
        assert_eq!(
            coverage(&objectives(), &twice).unwrap_err().to_string(),
            "project `erp` is listed twice: give each project its own id"
        );
        assert_eq!(
            coverage(&objectives(), &[erp(2.0)]).unwrap_err().to_string(),
            "contribution of project `erp` to objective `cost` must be between 0 and 1, not 2"
        );
    }
}

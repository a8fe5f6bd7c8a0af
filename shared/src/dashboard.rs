//! Everything a portfolio dashboard shows, computed from one snapshot of the board.
//!
//! [`compute`] feeds the board's plain values to each computation module and gathers the
//! results. A computation that cannot run on the data (a project whose earned value exceeds
//! its budget, say, merged in from another replica) does not stop the others: it is left out
//! and its reason goes into [`Dashboard::problems`], for the board to show.
//!
//! ```text
//! BoardSnapshot ─┬─▶ scoring    → ranking of scored candidates
//!                ├─▶ alignment  → per-project alignment, coverage per objective
//!                ├─▶ capacity   → load per person, team and role; over-allocation; utilisation
//!                ├─▶ finance    → earned value per project and portfolio, computed vs manual RAG
//!                ├─▶ risk       → heat map, exposure
//!                ├─▶ kpi        → success rate, utilisation, CPI/SPI, budget variance, milestones
//!                └─▶ rules      → warnings
//! ```
//!
//! Portfolio selection is not part of it: it is an optimisation run on demand
//! ([`crate::selection`]), not a figure recomputed on every edit.

use std::collections::BTreeMap;

use crate::{
    alignment::{self, Coverage, ProjectAlignment, ProjectContributions},
    board::{BoardSnapshot, PersonId, ProjectId, Stage},
    capacity::{self, GroupLoad, Grouping, PersonLoad, WeekLoad},
    finance::{self, EarnedValueFigures, PortfolioEarnedValue, ProjectFigures, RagComparison, RagThresholds},
    kpi::{
        self, ClosedProject, CostAndSchedule, MilestoneDates, MilestoneRate, ResourceHours, SuccessRate,
        SuccessTolerance, Utilisation,
    },
    risk::{self, HeatMap, PortfolioExposure},
    rules::{self, Warning},
    scoring::{self, Candidate, WeightedRanking},
    week::IsoWeek,
};

/// The dashboard's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Projects still in play (not closed or cancelled) with a score on every criterion,
    /// ranked; `None` when the board has no criteria.
    pub ranking: Option<WeightedRanking>,
    /// Projects still in play that miss a score on some criterion.
    pub unscored: Vec<ProjectId>,
    pub alignment: Vec<ProjectAlignment>,
    pub coverage: Option<Coverage>,
    pub loads: Vec<PersonLoad>,
    pub over_allocated: Vec<(PersonId, WeekLoad)>,
    pub teams: Vec<GroupLoad>,
    pub roles: Vec<GroupLoad>,
    pub earned_value: Option<PortfolioEarnedValue>,
    /// Computed RAG beside the manager's, for every project with earned-value figures.
    pub rag: BTreeMap<ProjectId, RagComparison>,
    pub heat_map: Option<HeatMap>,
    pub exposure: Option<PortfolioExposure>,
    pub kpis: Kpis,
    pub warnings: Vec<Warning>,
    /// Computations that could not run, and why.
    pub problems: Vec<String>,
}

/// The PMO's own performance indicators (PMO 绩效评估指标).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kpis {
    pub success_rate: Option<SuccessRate>,
    pub utilisation: Option<Utilisation>,
    pub cost_and_schedule: Option<CostAndSchedule>,
    pub milestones: Option<MilestoneRate>,
}

/// Computes the dashboard for the planning horizon `weeks`.
pub fn compute(board: &BoardSnapshot, weeks: &[IsoWeek]) -> Dashboard {
    let mut problems = Problems::default();

    // Scoring: only fully scored projects still in play can be ranked.
    let in_play = board.projects.iter().filter(|p| !matches!(p.stage, Stage::Closed | Stage::Cancelled));
    let (scored, unscored): (Vec<_>, Vec<_>) =
        in_play.partition(|p| board.criteria.iter().all(|criterion| p.scores.contains_key(&criterion.id)));
    let ranking = if board.criteria.is_empty() {
        None
    } else {
        let candidates: Vec<Candidate> = scored
            .iter()
            .map(|p| Candidate::new(p.id.as_str(), p.scores.iter().map(|(k, v)| (k.clone(), *v))))
            .collect();
        problems.keep("scoring", scoring::weighted_ranking(&board.criteria, &candidates))
    };

    // Alignment with the strategic objectives.
    let contributions: Vec<ProjectContributions> = board
        .projects
        .iter()
        .map(|p| ProjectContributions { project: p.id.to_string(), contributions: p.contributions.clone() })
        .collect();
    let mut alignment = Vec::new();
    let mut coverage = None;
    if !board.objectives.is_empty() {
        for project in &contributions {
            if let Some(result) = problems.keep("alignment", alignment::project_alignment(&board.objectives, project)) {
                alignment.push(result);
            }
        }
        coverage = problems.keep("coverage", alignment::coverage(&board.objectives, &contributions));
    }

    // Capacity against demand.
    let loads = capacity::weekly_load(board, weeks);
    let over_allocated = capacity::over_allocated_in(&loads);
    let teams = capacity::group_load_in(board, &loads, Grouping::Team);
    let roles = capacity::group_load_in(board, &loads, Grouping::Role);

    // Earned value, project by project so one bad project does not hide the others.
    let thresholds = RagThresholds::new(board.settings.rag_green_min, board.settings.rag_amber_min);
    let thresholds = problems.keep("RAG thresholds", thresholds).unwrap_or_default();
    let mut figures = Vec::new();
    let mut rag = BTreeMap::new();
    for project in board.projects.iter().filter(|p| p.stage.is_committed() || p.stage == Stage::Closed) {
        let project_figures = ProjectFigures {
            project_id: project.id.to_string(),
            figures: EarnedValueFigures {
                budget_at_completion: project.budget,
                planned_value: project.financials.planned_value,
                earned_value: project.financials.earned_value,
                actual_cost: project.financials.actual_cost,
            },
        };
        let Some(value) = problems
            .keep(&format!("earned value of {}", project.name), finance::earned_value(&project_figures.figures))
        else {
            continue;
        };
        let computed =
            finance::computed_rag(value.cost_performance_index, value.schedule_performance_index, &thresholds)
                .ok()
                .flatten();
        rag.insert(project.id.clone(), finance::compare_rag(computed, project.manual_rag));
        figures.push(project_figures);
    }
    let earned_value = problems.keep("portfolio earned value", finance::portfolio_earned_value(&figures));

    // Risk.
    let risks: Vec<risk::Risk> = board
        .risks
        .iter()
        .map(|r| risk::Risk {
            risk_id: r.id.to_string(),
            project_id: r.project.to_string(),
            probability: r.probability,
            impact: r.impact,
            roam: r.roam,
        })
        .collect();
    let heat_map = problems.keep("risk heat map", risk::heat_map(&risks));
    let exposure = problems.keep("risk exposure", risk::exposure(&risks));

    // KPIs.
    let closed: Vec<ClosedProject> = board
        .projects
        .iter()
        .filter(|p| p.stage == Stage::Closed)
        .filter_map(|p| {
            Some(ClosedProject {
                project_id: p.id.to_string(),
                scope_accepted: p.scope_accepted,
                budget: p.budget,
                actual_cost: p.financials.actual_cost,
                planned_start: p.start?,
                planned_finish: p.end?,
                actual_finish: p.actual_finish?,
            })
        })
        .collect();
    let hours: Vec<ResourceHours> = loads
        .iter()
        .map(|load| ResourceHours {
            person_id: load.person.to_string(),
            allocated_hours: load.weeks.iter().map(|w| w.allocated_hours).sum(),
            capacity_hours: load.weeks.iter().map(|w| w.capacity_hours).sum(),
        })
        .collect();
    let milestones: Vec<MilestoneDates> = board
        .milestones
        .iter()
        .map(|m| MilestoneDates { milestone_id: m.id.to_string(), due: m.due, done_on: m.done_on })
        .collect();
    let kpis = Kpis {
        success_rate: problems.keep("success rate", kpi::success_rate(&closed, &SuccessTolerance::default())),
        utilisation: problems.keep("utilisation", kpi::resource_utilisation(&hours)),
        cost_and_schedule: problems.keep("cost and schedule", kpi::cost_and_schedule(&figures)),
        milestones: problems.keep("milestones", kpi::on_time_milestone_rate(&milestones)),
    };

    Dashboard {
        ranking,
        unscored: unscored.into_iter().map(|p| p.id.clone()).collect(),
        alignment,
        coverage,
        loads,
        over_allocated,
        teams,
        roles,
        earned_value,
        rag,
        heat_map,
        exposure,
        kpis,
        warnings: rules::check(board),
        problems: problems.0,
    }
}

/// The reasons computations could not run.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    /// The value, or `None` with the error noted under `what`.
    fn keep<T, E: std::fmt::Display>(&mut self, what: &str, result: Result<T, E>) -> Option<T> {
        result.map_err(|error| self.0.push(format!("{what}: {error}"))).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{Board, CriterionId, Financials, NewPerson, NewProject, NewRisk, ObjectiveId, RiskId},
        finance::Rag,
        risk::Roam,
        scoring::Direction,
    };

    #[test]
    fn a_small_portfolio_end_to_end() {
        let mut board = Board::new("Portfolio").unwrap();
        let (erp, crm) = (ProjectId::random(), ProjectId::random());
        for (id, name) in [(&erp, "ERP"), (&crm, "CRM")] {
            board
                .add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Active, budget: 100_000.0 })
                .unwrap();
        }
        // ERP: EV 40 000 of PV 50 000 at AC 45 000 → CPI 0.889, SPI 0.8 → red; its manager says green.
        board
            .set_project_financials(
                &erp,
                Financials {
                    actual_cost: 45_000.0,
                    planned_value: 50_000.0,
                    earned_value: 40_000.0,
                    percent_complete: 40.0,
                },
            )
            .unwrap();
        board.set_manual_rag(&erp, Some(Rag::Green), "On track").unwrap();
        // CRM: EV 300 000 exceeds its budget: a data-entry mistake the dashboard reports.
        board
            .set_project_financials(
                &crm,
                Financials { actual_cost: 10.0, planned_value: 10.0, earned_value: 300_000.0, percent_complete: 10.0 },
            )
            .unwrap();

        let value = CriterionId::random();
        board.add_criterion(value.clone(), "Value", 1.0, Direction::HigherIsBetter).unwrap();
        board.set_score(&erp, &value, Some(5.0)).unwrap();
        let growth = ObjectiveId::random();
        board.add_objective(growth.clone(), "Growth", 1.0).unwrap();
        board.add_objective(ObjectiveId::random(), "Nobody's objective", 1.0).unwrap();
        board.set_contribution(&erp, &growth, 1.0).unwrap();
        board
            .add_risk(
                RiskId::random(),
                &erp,
                NewRisk {
                    title: "Vendor".into(),
                    probability: 4,
                    impact: 5,
                    owner: "Li".into(),
                    mitigation: String::new(),
                    roam: Roam::Owned,
                },
            )
            .unwrap();
        let li = PersonId::random();
        board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
        let week: IsoWeek = "2026-W50".parse().unwrap();
        board.set_allocation(&erp, &li, week, 48.0).unwrap();

        let dashboard = compute(&board.snapshot(), &[week]);
        let ranking = dashboard.ranking.unwrap();
        assert_eq!(ranking.candidates.len(), 1);
        assert_eq!(dashboard.unscored, std::slice::from_ref(&crm));
        assert_eq!(dashboard.alignment.iter().find(|a| a.project == erp.as_str()).unwrap().score, 0.5);
        assert_eq!(dashboard.coverage.unwrap().uncovered.len(), 1);
        assert_eq!(
            dashboard.rag[&erp],
            RagComparison { computed: Some(Rag::Red), manual: Some(Rag::Green), differs: true }
        );
        assert!(!dashboard.rag.contains_key(&crm));
        assert_eq!(dashboard.problems.len(), 1, "{:?}", dashboard.problems);
        assert!(dashboard.problems[0].starts_with("earned value of CRM"), "{:?}", dashboard.problems);
        assert_eq!(dashboard.earned_value.unwrap().projects.len(), 1);
        assert_eq!(dashboard.exposure.unwrap().exposure, 20);
        assert_eq!(dashboard.over_allocated.len(), 1);
        assert_eq!(dashboard.kpis.utilisation.unwrap().rate, Some(1.2));
        assert_eq!(dashboard.warnings.len(), 1);
    }
}

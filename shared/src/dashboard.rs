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

use std::{collections::BTreeMap, sync::Arc};

use crate::{
    alignment::{self, Coverage, ProjectAlignment, ProjectContributions},
    board::{BoardSnapshot, PeopleAndBookings, PersonId, ProjectId, Stage},
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
    /// The rules the board breaks, capacity counted from the horizon's first week on (a past
    /// week's overbooking is history, not a warning).
    pub warnings: Vec<Warning>,
    /// Computations that could not run, and why.
    pub problems: Vec<Problem>,
}

/// A computation the dashboard could not run, and why: the app words it in the reader's
/// language, `Display` in English (`earned value of CRM: earned value 120 is more than …`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{computation}: {reason}")]
pub struct Problem {
    pub computation: Computation,
    pub reason: Reason,
}

/// Which of the dashboard's computations could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Computation {
    Scoring,
    Alignment,
    Coverage,
    RagThresholds,
    /// One project's earned value, by the project's name.
    EarnedValue(String),
    PortfolioEarnedValue,
    RiskHeatMap,
    RiskExposure,
    SuccessRate,
    Utilisation,
    CostAndSchedule,
    Milestones,
}

impl std::fmt::Display for Computation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Computation::Scoring => f.write_str("scoring"),
            Computation::Alignment => f.write_str("alignment"),
            Computation::Coverage => f.write_str("coverage"),
            Computation::RagThresholds => f.write_str("RAG thresholds"),
            Computation::EarnedValue(project) => write!(f, "earned value of {project}"),
            Computation::PortfolioEarnedValue => f.write_str("portfolio earned value"),
            Computation::RiskHeatMap => f.write_str("risk heat map"),
            Computation::RiskExposure => f.write_str("risk exposure"),
            Computation::SuccessRate => f.write_str("success rate"),
            Computation::Utilisation => f.write_str("utilisation"),
            Computation::CostAndSchedule => f.write_str("cost and schedule"),
            Computation::Milestones => f.write_str("milestones"),
        }
    }
}

/// Why a computation could not run: the error of the module that refused the board's figures.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Reason {
    #[error(transparent)]
    Finance(#[from] finance::FinanceError),
    #[error(transparent)]
    Scoring(#[from] scoring::ScoringError),
    #[error(transparent)]
    Alignment(#[from] alignment::AlignmentError),
    #[error(transparent)]
    Risk(#[from] risk::RiskError),
    #[error(transparent)]
    Kpi(#[from] kpi::KpiError),
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
    LiveDashboard::default().compute(board, weeks)
}

/// [`compute`] on a board that changes one edit at a time, such as the live board the page
/// shows, computed again only in part: capacity against demand (every booking summed per
/// person and week, and the rules' capacity warnings) is kept while the snapshot's people and
/// bookings are the very same lists (see [`BoardSnapshot`]: a budget, a stage or a risk leaves
/// both alone).
///
/// The rest is kept the same way while what it reads is the same: what each project is worth
/// ([`LiveWorth`]) while the criteria, the objectives and the projects' stages, scores and
/// contributions are; the risk heat map and exposure while the risks are the very same list;
/// the milestone KPI while the milestones are. A budget then costs the earned value and the
/// KPIs, a pass over the projects.
#[derive(Debug, Default)]
pub struct LiveDashboard {
    capacity: Option<KeptLoads>,
    rules: rules::LiveCheck,
    worth: LiveWorth,
    risk: Option<KeptRisk>,
    milestones: Option<KeptMilestones>,
    kept: bool,
}

/// The risk heat map and exposure, the risks they were computed from, and what could not run.
#[derive(Debug)]
struct KeptRisk {
    risks: Arc<Vec<crate::board::Risk>>,
    heat_map: Option<HeatMap>,
    exposure: Option<PortfolioExposure>,
    problems: Vec<Problem>,
}

/// The on-time milestone rate and the milestones it was computed from.
#[derive(Debug)]
struct KeptMilestones {
    milestones: Arc<Vec<crate::board::Milestone>>,
    rate: Option<MilestoneRate>,
    problems: Vec<Problem>,
}

/// Capacity against demand and the lists it was computed from.
#[derive(Debug)]
struct KeptLoads {
    lists: PeopleAndBookings,
    weeks: Vec<IsoWeek>,
    loads: Vec<PersonLoad>,
    over_allocated: Vec<(PersonId, WeekLoad)>,
    teams: Vec<GroupLoad>,
    roles: Vec<GroupLoad>,
}

impl LiveDashboard {
    /// What [`compute`] answers for `board`.
    pub fn compute(&mut self, board: &BoardSnapshot, weeks: &[IsoWeek]) -> Dashboard {
        self.kept = self.capacity.as_ref().is_some_and(|kept| kept.weeks == weeks && kept.lists.same_in(board));
        if !self.kept {
            let loads = capacity::weekly_load(board, weeks);
            self.capacity = Some(KeptLoads {
                lists: PeopleAndBookings::of(board),
                weeks: weeks.to_vec(),
                over_allocated: capacity::over_allocated_in(&loads),
                teams: capacity::group_load_in(board, &loads, Grouping::Team),
                roles: capacity::group_load_in(board, &loads, Grouping::Role),
                loads,
            });
        }
        let warnings = self.rules.check_from(board, weeks.first().copied());
        let mut problems = Problems::default();
        let worth = self.worth.worth_noting(board, &mut problems).clone();
        if !self.risk.as_ref().is_some_and(|kept| Arc::ptr_eq(&kept.risks, &board.risks)) {
            let mut problems = Problems::default();
            let (heat_map, exposure) = risk_figures(board, &mut problems);
            self.risk = Some(KeptRisk { risks: board.risks.clone(), heat_map, exposure, problems: problems.0 });
        }
        if !self.milestones.as_ref().is_some_and(|kept| Arc::ptr_eq(&kept.milestones, &board.milestones)) {
            let mut problems = Problems::default();
            let rate = milestone_rate(board, &mut problems);
            self.milestones = Some(KeptMilestones { milestones: board.milestones.clone(), rate, problems: problems.0 });
        }
        let kept = Kept {
            loads: self.capacity.as_ref().expect("computed above"),
            risk: self.risk.as_ref().expect("computed above"),
            milestones: self.milestones.as_ref().expect("computed above"),
        };
        compute_from(board, worth, problems, kept, warnings)
    }

    /// Whether the last [`LiveDashboard::compute`] kept capacity against demand as it was.
    pub fn kept_capacity(&self) -> bool {
        self.kept && self.rules.kept_capacity()
    }
}

/// What [`LiveDashboard`] kept, for [`compute_from`].
struct Kept<'a> {
    loads: &'a KeptLoads,
    risk: &'a KeptRisk,
    milestones: &'a KeptMilestones,
}

/// The dashboard of `board` from what is kept and `worth` (whose problems are in `problems`).
fn compute_from(
    board: &BoardSnapshot,
    worth: Worth,
    mut problems: Problems,
    kept: Kept<'_>,
    warnings: Vec<Warning>,
) -> Dashboard {
    let Worth { ranking, unscored, alignment, coverage } = worth;

    // Capacity against demand.
    let loads = kept.loads.loads.clone();
    let over_allocated = kept.loads.over_allocated.clone();
    let teams = kept.loads.teams.clone();
    let roles = kept.loads.roles.clone();

    // Earned value, project by project so one bad project does not hide the others.
    let thresholds = RagThresholds::new(board.settings.rag_green_min, board.settings.rag_amber_min);
    let thresholds = problems.keep(Computation::RagThresholds, thresholds).unwrap_or_default();
    let mut figures = Vec::new();
    let mut rag = BTreeMap::new();
    for project in board.projects.iter().filter(|p| p.stage.is_committed() || p.stage == Stage::Closed) {
        let project_figures = ProjectFigures {
            project_id: project.id.clone(),
            figures: EarnedValueFigures {
                budget_at_completion: project.budget,
                planned_value: project.financials.planned_value,
                earned_value: project.financials.earned_value,
                actual_cost: project.financials.actual_cost,
            },
        };
        let Some(value) = problems
            .keep(Computation::EarnedValue(project.name.clone()), finance::earned_value(&project_figures.figures))
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
    let earned_value = problems.keep(Computation::PortfolioEarnedValue, finance::portfolio_earned_value(&figures));

    // Risk: its problems come here, in the order `compute` has always listed them.
    let heat_map = kept.risk.heat_map.clone();
    let exposure = kept.risk.exposure.clone();
    problems.0.extend(kept.risk.problems.iter().cloned());

    // KPIs.
    let closed: Vec<ClosedProject> = board
        .projects
        .iter()
        .filter(|p| p.stage == Stage::Closed)
        .filter_map(|p| {
            Some(ClosedProject {
                project_id: p.id.clone(),
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
            person_id: load.person.clone(),
            allocated_hours: load.weeks.iter().map(|w| w.allocated_hours).sum(),
            capacity_hours: load.weeks.iter().map(|w| w.capacity_hours).sum(),
        })
        .collect();
    let kpis = Kpis {
        success_rate: problems.keep(Computation::SuccessRate, kpi::success_rate(&closed, &SuccessTolerance::default())),
        utilisation: problems.keep(Computation::Utilisation, kpi::resource_utilisation(&hours)),
        cost_and_schedule: problems.keep(Computation::CostAndSchedule, kpi::cost_and_schedule(&figures)),
        milestones: kept.milestones.rate.clone(),
    };
    problems.0.extend(kept.milestones.problems.iter().cloned());

    Dashboard {
        ranking,
        unscored,
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
        warnings,
        problems: problems.0,
    }
}

/// What each project is worth to the portfolio: its weighted score and its alignment with the
/// objectives. The part of the [`Dashboard`] that the selection and the portfolio map value
/// projects by, without capacity, earned value, risk and the rules: a fraction of [`compute`]
/// on a large board, where the selection page recomputes it on every change.
#[derive(Debug, Clone, PartialEq)]
pub struct Worth {
    /// As [`Dashboard::ranking`].
    pub ranking: Option<WeightedRanking>,
    /// As [`Dashboard::unscored`].
    pub unscored: Vec<ProjectId>,
    pub alignment: Vec<ProjectAlignment>,
    pub coverage: Option<Coverage>,
}

/// [`Worth`] alone, exactly as [`compute`] finds it (what cannot be computed is left out, as
/// there; the reasons are in [`Dashboard::problems`]).
pub fn worth(board: &BoardSnapshot) -> Worth {
    worth_in(board, &mut Problems::default())
}

/// [`worth`] on a board that changes one edit at a time: kept while the criteria, the
/// objectives and every project's place, stage, scores and contributions are as they were (a
/// budget, a booking, a risk or a name leaves it as it is), computed again otherwise. On a
/// large board the weighted ranking and the alignment are most of the dashboard's and the
/// selection's work on a change.
#[derive(Debug, Default)]
pub struct LiveWorth {
    kept: Option<KeptWorth>,
    reused: bool,
}

/// [`Worth`], what could not be computed, and what it was computed from.
#[derive(Debug)]
struct KeptWorth {
    criteria: Vec<scoring::Criterion>,
    objectives: Vec<alignment::Objective>,
    projects: Arc<Vec<crate::board::Project>>,
    worth: Worth,
    problems: Vec<Problem>,
}

impl LiveWorth {
    /// What [`worth`] answers for `board`.
    pub fn worth(&mut self, board: &BoardSnapshot) -> &Worth {
        self.worth_noting(board, &mut Problems::default())
    }

    /// Whether the last [`LiveWorth::worth`] kept the worth it had.
    pub fn kept(&self) -> bool {
        self.reused
    }

    /// What the last [`LiveWorth::worth`] answered.
    pub(crate) fn last(&self) -> Option<&Worth> {
        self.kept.as_ref().map(|kept| &kept.worth)
    }

    /// The worth, its problems added to `problems`.
    fn worth_noting(&mut self, board: &BoardSnapshot, problems: &mut Problems) -> &Worth {
        self.reused = self.kept.as_ref().is_some_and(|kept| {
            kept.criteria == board.criteria
                && kept.objectives == board.objectives
                && crate::board::projects_agree(&kept.projects, &board.projects, |a, b| {
                    a.stage == b.stage && a.scores == b.scores && a.contributions == b.contributions
                })
        });
        if !self.reused {
            let mut found = Problems::default();
            let worth = worth_in(board, &mut found);
            self.kept = Some(KeptWorth {
                criteria: board.criteria.clone(),
                objectives: board.objectives.clone(),
                projects: board.projects.clone(),
                worth,
                problems: found.0,
            });
        }
        let kept = self.kept.as_mut().expect("computed above");
        // The list it agrees with, held from now on: the next change is compared with this one.
        kept.projects = board.projects.clone();
        problems.0.extend(kept.problems.iter().cloned());
        &kept.worth
    }
}

/// The risk heat map and exposure of `board`'s risks.
fn risk_figures(board: &BoardSnapshot, problems: &mut Problems) -> (Option<HeatMap>, Option<PortfolioExposure>) {
    let risks: Vec<risk::Risk> = board
        .risks
        .iter()
        .map(|r| risk::Risk {
            risk_id: r.id.clone(),
            project_id: r.project.clone(),
            probability: r.probability,
            impact: r.impact,
            roam: r.roam,
        })
        .collect();
    let heat_map = problems.keep(Computation::RiskHeatMap, risk::heat_map(&risks));
    let exposure = problems.keep(Computation::RiskExposure, risk::exposure(&risks));
    (heat_map, exposure)
}

/// The on-time milestone rate of `board`'s milestones.
fn milestone_rate(board: &BoardSnapshot, problems: &mut Problems) -> Option<MilestoneRate> {
    let milestones: Vec<MilestoneDates> = board
        .milestones
        .iter()
        .map(|m| MilestoneDates { milestone_id: m.id.clone(), due: m.due, forecast: m.forecast, done_on: m.done_on })
        .collect();
    problems.keep(Computation::Milestones, kpi::on_time_milestone_rate(&milestones))
}

fn worth_in(board: &BoardSnapshot, problems: &mut Problems) -> Worth {
    // Scoring: only fully scored projects still in play can be ranked.
    let in_play = board.projects.iter().filter(|p| !matches!(p.stage, Stage::Closed | Stage::Cancelled));
    let (scored, unscored): (Vec<_>, Vec<_>) =
        in_play.partition(|p| board.criteria.iter().all(|criterion| p.scores.contains_key(&criterion.id)));
    let ranking = if board.criteria.is_empty() {
        None
    } else {
        let candidates: Vec<Candidate> =
            scored.iter().map(|p| Candidate { id: p.id.clone(), scores: p.scores.clone() }).collect();
        problems.keep(Computation::Scoring, scoring::weighted_ranking(&board.criteria, &candidates))
    };

    // Alignment with the strategic objectives.
    let contributions: Vec<ProjectContributions> = board
        .projects
        .iter()
        .map(|p| ProjectContributions { project: p.id.clone(), contributions: p.contributions.clone() })
        .collect();
    let mut alignment = Vec::new();
    let mut coverage = None;
    if !board.objectives.is_empty() {
        for project in &contributions {
            if let Some(result) =
                problems.keep(Computation::Alignment, alignment::project_alignment(&board.objectives, project))
            {
                alignment.push(result);
            }
        }
        coverage = problems.keep(Computation::Coverage, alignment::coverage(&board.objectives, &contributions));
    }
    Worth { ranking, unscored: unscored.into_iter().map(|p| p.id.clone()).collect(), alignment, coverage }
}

/// The reasons computations could not run.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    /// The value, or `None` with the error noted under `computation`.
    fn keep<T, E: Into<Reason>>(&mut self, computation: Computation, result: Result<T, E>) -> Option<T> {
        result.map_err(|error| self.0.push(Problem { computation, reason: error.into() })).ok()
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
        assert_eq!(
            worth(&board.snapshot()),
            Worth {
                ranking: dashboard.ranking.clone(),
                unscored: dashboard.unscored.clone(),
                alignment: dashboard.alignment.clone(),
                coverage: dashboard.coverage.clone(),
            },
            "what values a project, alone, is what the dashboard finds"
        );
        let ranking = dashboard.ranking.unwrap();
        assert_eq!(ranking.candidates.len(), 1);
        assert_eq!(dashboard.unscored, std::slice::from_ref(&crm));
        assert_eq!(dashboard.alignment.iter().find(|a| a.project == erp).unwrap().score, 0.5);
        assert_eq!(dashboard.coverage.unwrap().uncovered.len(), 1);
        assert_eq!(
            dashboard.rag[&erp],
            RagComparison { computed: Some(Rag::Red), manual: Some(Rag::Green), differs: true }
        );
        assert!(!dashboard.rag.contains_key(&crm));
        assert_eq!(dashboard.problems.len(), 1, "{:?}", dashboard.problems);
        assert_eq!(dashboard.problems[0].computation, Computation::EarnedValue("CRM".into()));
        assert!(matches!(dashboard.problems[0].reason, Reason::Finance(_)), "{:?}", dashboard.problems);
        assert!(dashboard.problems[0].to_string().starts_with("earned value of CRM"), "{:?}", dashboard.problems);
        assert_eq!(dashboard.earned_value.unwrap().projects.len(), 1);
        assert_eq!(dashboard.exposure.unwrap().exposure, 20);
        assert_eq!(dashboard.over_allocated.len(), 1);
        assert_eq!(dashboard.kpis.utilisation.unwrap().rate, Some(1.2));
        assert_eq!(dashboard.warnings.len(), 1);
    }

    #[test]
    fn the_live_dashboard_keeps_capacity_while_people_and_bookings_stay_the_same() {
        let mut board = Board::new("Portfolio").unwrap();
        let erp = ProjectId::random();
        board.add_project(erp.clone(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 100.0 }).unwrap();
        let li = PersonId::random();
        board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
        let weeks: Vec<IsoWeek> = ["2026-W49", "2026-W50"].iter().map(|w| w.parse().unwrap()).collect();
        board.set_allocation(&erp, &li, weeks[1], 50.0).unwrap();
        let mut live = crate::board::LiveBoard::new(board);
        let mut dashboard = LiveDashboard::default();
        assert_eq!(dashboard.compute(live.snapshot(), &weeks), compute(live.snapshot(), &weeks));
        assert!(!dashboard.kept_capacity());

        live.board_mut().set_project_budget(&erp, 200.0).unwrap();
        assert_eq!(dashboard.compute(live.refresh(), &weeks), compute(live.snapshot(), &weeks));
        assert!(dashboard.kept_capacity(), "a budget leaves people and bookings alone");

        live.board_mut().set_allocation(&erp, &li, weeks[0], 45.0).unwrap();
        let after = dashboard.compute(live.refresh(), &weeks);
        assert!(!dashboard.kept_capacity());
        assert_eq!(after, compute(live.snapshot(), &weeks));
        assert_eq!(after.over_allocated.len(), 2);
        assert_eq!(dashboard.compute(live.snapshot(), &weeks[1..]), compute(live.snapshot(), &weeks[1..]));
        assert!(!dashboard.kept_capacity(), "another horizon");
    }
}

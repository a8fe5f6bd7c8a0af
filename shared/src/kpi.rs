//! The PMO's own performance indicators (PMO 绩效评估指标): how many closed projects
//! succeeded, how busy the people are, cost and schedule efficiency over the portfolio, the
//! forecast budget variance, and how many milestones were met on time.
//!
//! Each indicator is one function from plain input rows to a result that keeps the counts or
//! sums it was computed from, so a dashboard can show "3 of 4" beside "75 %". Rates and
//! fractions are in 0..1 (0.75 is 75 %), and a rate over nothing (no closed project, no
//! completed milestone, no capacity) is `None`, never NaN. Cost and schedule reuse
//! [`crate::finance`].
//!
//! ```
//! use chrono::NaiveDate;
//! use shared::kpi::{self, MilestoneDates};
//! let date = |month, day| NaiveDate::from_ymd_opt(2026, month, day).unwrap();
//! let milestones = [
//!     MilestoneDates { milestone_id: "design-signed".parse().unwrap(), due: date(3, 31), forecast: None, done_on: Some(date(3, 31)) },
//!     MilestoneDates { milestone_id: "go-live".parse().unwrap(), due: date(6, 30), forecast: None, done_on: Some(date(7, 2)) },
//!     MilestoneDates { milestone_id: "handover".parse().unwrap(), due: date(9, 30), forecast: None, done_on: None },
//! ];
//! let on_time = kpi::on_time_milestone_rate(&milestones).unwrap();
//! assert_eq!((on_time.completed_on_time, on_time.completed), (1, 2));
//! assert_eq!(on_time.rate, Some(0.5));
//! ```

use std::{collections::HashSet, fmt};

use chrono::NaiveDate;

use crate::{
    finance::{self, FinanceError, ProjectFigures},
    ids::{MilestoneId, PersonId, ProjectId},
};

/// A closed project, as its success is judged.
///
/// Scope is the sponsor's judgement at the closing gate (accepted or not), because delivered
/// scope has no figure the board could compare. Schedule and budget are figures, so the board
/// owner's [`SuccessTolerance`] decides, and changing it re-rates every closed project alike.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedProject {
    pub project_id: ProjectId,
    /// The sponsor accepted the delivered scope at the closing gate.
    pub scope_accepted: bool,
    /// The approved budget (BAC) at closure.
    pub budget: f64,
    /// What the project cost in the end.
    pub actual_cost: f64,
    pub planned_start: NaiveDate,
    pub planned_finish: NaiveDate,
    pub actual_finish: NaiveDate,
}

/// How far past plan a closed project may finish and still count as a success (settings).
/// Only overruns count against a project: finishing early or under budget is within tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SuccessTolerance {
    max_budget_overrun: f64,
    max_schedule_slip: f64,
}

impl SuccessTolerance {
    /// `max_budget_overrun` is a fraction of the budget (0.10: up to 10 % over);
    /// `max_schedule_slip` a fraction of the planned duration (0.10 of 100 days: up to 10 days
    /// late). Both finite and at least 0.
    pub fn new(max_budget_overrun: f64, max_schedule_slip: f64) -> Result<SuccessTolerance, KpiError> {
        for (what, value) in [("budget overrun", max_budget_overrun), ("schedule slip", max_schedule_slip)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(KpiError::InvalidTolerance { what, value });
            }
        }
        Ok(SuccessTolerance { max_budget_overrun, max_schedule_slip })
    }

    pub fn max_budget_overrun(&self) -> f64 {
        self.max_budget_overrun
    }

    pub fn max_schedule_slip(&self) -> f64 {
        self.max_schedule_slip
    }
}

impl Default for SuccessTolerance {
    /// 10 % over budget, 10 % of the planned duration late.
    fn default() -> SuccessTolerance {
        SuccessTolerance { max_budget_overrun: 0.10, max_schedule_slip: 0.10 }
    }
}

/// How one closed project fared on each count.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProjectOutcome {
    pub project_id: ProjectId,
    pub within_scope: bool,
    pub within_schedule: bool,
    pub within_budget: bool,
}

impl ProjectOutcome {
    /// Within tolerance of scope, schedule and budget alike.
    pub fn is_success(&self) -> bool {
        self.within_scope && self.within_schedule && self.within_budget
    }
}

/// Project success rate (项目成功率).
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessRate {
    /// Each closed project's outcome, in the order given.
    pub outcomes: Vec<ProjectOutcome>,
    pub closed: usize,
    pub successful: usize,
    /// successful ÷ closed; `None` when no project has closed.
    pub rate: Option<f64>,
}

/// One person's (or team's, or week's) booked and available hours.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceHours {
    /// Names the row in error messages; rows may repeat a person (one row per week).
    pub person_id: PersonId,
    pub allocated_hours: f64,
    pub capacity_hours: f64,
}

/// Resource utilisation (资源利用率).
#[derive(Debug, Clone, PartialEq)]
pub struct Utilisation {
    pub allocated_hours: f64,
    pub capacity_hours: f64,
    /// Σallocated ÷ Σcapacity; above 1 the people are booked beyond what they can work.
    /// `None` when there is no capacity. One person's overload can hide behind another's idle
    /// hours here: `crate::capacity` finds the over-allocated cells.
    pub rate: Option<f64>,
}

/// Cost control and schedule indicators over the portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct CostAndSchedule {
    /// ΣEV ÷ ΣAC; `None` while nothing is spent.
    pub cost_performance_index: Option<f64>,
    /// ΣEV ÷ ΣPV; `None` while nothing is planned yet.
    pub schedule_performance_index: Option<f64>,
    /// (Σbudget − ΣEAC) ÷ Σbudget: −0.05 means forecast 5 % over budget. `None` when the
    /// portfolio has no budget.
    pub budget_variance_fraction: Option<f64>,
}

/// A milestone's due (planned) date, its forecast if one was given and, once done, the date it
/// was completed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MilestoneDates {
    pub milestone_id: MilestoneId,
    pub due: NaiveDate,
    /// When an open milestone is now expected; ignored once it is done.
    pub forecast: Option<NaiveDate>,
    /// When it was reached, if it was.
    pub done_on: Option<NaiveDate>,
}

/// On-time milestone rate (里程碑按时完成率).
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneRate {
    pub completed: usize,
    /// Completed on or before the due date.
    pub completed_on_time: usize,
    /// Open milestones with a forecast date.
    pub forecast: usize,
    /// Of those, forecast after their due date: late already, though not done.
    pub forecast_late: usize,
    /// (completed on time + forecast on time) ÷ (completed + forecast); `None` when none is
    /// completed or forecast. Open milestones without a forecast are not counted, even when
    /// overdue.
    pub rate: Option<f64>,
}

/// Bad input to a KPI.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KpiError {
    #[error("project {project_id}: the {what} must be a finite amount of at least 0, not {value}: enter it in the board's currency")]
    InvalidAmount { project_id: ProjectId, what: &'static str, value: f64 },
    #[error(
        "project {project_id}: the planned finish {planned_finish} is before the planned start {planned_start}; \
         correct one of the dates"
    )]
    FinishBeforeStart { project_id: ProjectId, planned_start: NaiveDate, planned_finish: NaiveDate },
    #[error("the largest {what} for success must be a finite fraction of at least 0 (0.1 for 10 %), not {value}")]
    InvalidTolerance { what: &'static str, value: f64 },
    #[error("person {person_id}: the {what} must be a finite number of hours of at least 0, not {value}")]
    InvalidHours { person_id: PersonId, what: &'static str, value: f64 },
    #[error("{what} {id} appears more than once: keep one row for it, or it counts twice")]
    DuplicateId { what: &'static str, id: String },
    #[error(transparent)]
    Finance(#[from] FinanceError),
}

/// Closed projects within tolerance of scope, schedule and budget ÷ closed projects.
pub fn success_rate(projects: &[ClosedProject], tolerance: &SuccessTolerance) -> Result<SuccessRate, KpiError> {
    unique_ids("project", projects.iter().map(|project| &project.project_id))?;
    let outcomes = projects.iter().map(|project| outcome(project, tolerance)).collect::<Result<Vec<_>, _>>()?;
    let successful = outcomes.iter().filter(|outcome| outcome.is_success()).count();
    Ok(SuccessRate { closed: outcomes.len(), successful, rate: rate(successful, outcomes.len()), outcomes })
}

fn outcome(project: &ClosedProject, tolerance: &SuccessTolerance) -> Result<ProjectOutcome, KpiError> {
    let project_id = &project.project_id;
    for (what, value) in [("budget", project.budget), ("actual cost", project.actual_cost)] {
        if !(value.is_finite() && value >= 0.0) {
            return Err(KpiError::InvalidAmount { project_id: project_id.clone(), what, value });
        }
    }
    if project.planned_finish < project.planned_start {
        return Err(KpiError::FinishBeforeStart {
            project_id: project_id.clone(),
            planned_start: project.planned_start,
            planned_finish: project.planned_finish,
        });
    }
    let planned_days = (project.planned_finish - project.planned_start).num_days() as f64;
    let late_days = (project.actual_finish - project.planned_finish).num_days() as f64;
    Ok(ProjectOutcome {
        project_id: project_id.clone(),
        within_scope: project.scope_accepted,
        within_schedule: at_most(late_days, planned_days * tolerance.max_schedule_slip),
        within_budget: at_most(project.actual_cost, project.budget * (1.0 + tolerance.max_budget_overrun)),
    })
}

/// Σ allocated hours ÷ Σ capacity hours over the rows.
pub fn resource_utilisation(rows: &[ResourceHours]) -> Result<Utilisation, KpiError> {
    for row in rows {
        for (what, value) in [("allocated hours", row.allocated_hours), ("capacity hours", row.capacity_hours)] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(KpiError::InvalidHours { person_id: row.person_id.clone(), what, value });
            }
        }
    }
    let allocated_hours = rows.iter().map(|row| row.allocated_hours).sum::<f64>();
    let capacity_hours = rows.iter().map(|row| row.capacity_hours).sum::<f64>();
    let rate = (capacity_hours > 0.0).then(|| allocated_hours / capacity_hours);
    Ok(Utilisation { allocated_hours, capacity_hours, rate })
}

/// Portfolio CPI and SPI and the budget variance fraction, from each project's earned-value
/// figures (validated as [`finance::portfolio_earned_value`] does). Σbudget is ΣBAC, and ΣEAC
/// adds up each project's own forecast.
pub fn cost_and_schedule(projects: &[ProjectFigures]) -> Result<CostAndSchedule, KpiError> {
    let portfolio = finance::portfolio_earned_value(projects)?;
    let budget = portfolio.budget_at_completion;
    Ok(CostAndSchedule {
        cost_performance_index: portfolio.cost_performance_index,
        schedule_performance_index: portfolio.schedule_performance_index,
        budget_variance_fraction: (budget > 0.0).then(|| portfolio.budget_variance / budget),
    })
}

/// Milestones completed, or forecast, on or before their due date ÷ milestones completed or
/// forecast. A milestone forecast after its due date counts as late before it is done: the
/// PMO learns of the slip when the project forecasts it, not when the date has passed.
pub fn on_time_milestone_rate(milestones: &[MilestoneDates]) -> Result<MilestoneRate, KpiError> {
    unique_ids("milestone", milestones.iter().map(|milestone| &milestone.milestone_id))?;
    let completed: Vec<bool> =
        milestones.iter().filter_map(|milestone| milestone.done_on.map(|done_on| done_on <= milestone.due)).collect();
    let forecast: Vec<bool> = milestones
        .iter()
        .filter(|milestone| milestone.done_on.is_none())
        .filter_map(|milestone| milestone.forecast.map(|forecast| forecast <= milestone.due))
        .collect();
    let completed_on_time = completed.iter().filter(|on_time| **on_time).count();
    let forecast_on_time = forecast.iter().filter(|on_time| **on_time).count();
    Ok(MilestoneRate {
        completed: completed.len(),
        completed_on_time,
        forecast: forecast.len(),
        forecast_late: forecast.len() - forecast_on_time,
        rate: rate(completed_on_time + forecast_on_time, completed.len() + forecast.len()),
    })
}

fn unique_ids<'a, Id: Eq + std::hash::Hash + fmt::Display + 'a>(
    what: &'static str,
    ids: impl Iterator<Item = &'a Id>,
) -> Result<(), KpiError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(KpiError::DuplicateId { what, id: id.to_string() });
        }
    }
    Ok(())
}

fn rate(count: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| count as f64 / of as f64)
}

/// `value ≤ limit`, forgiving the rounding in a limit that is a product: 0.29 × 100 days is
/// 28.999999999999996 in floating point, and a project 29 days late must still be within a
/// 29 % slip. The margin is far below a cent or a day for any real budget or plan.
fn at_most(value: f64, limit: f64) -> bool {
    value <= limit + limit.abs() * 1e-12
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::EarnedValueFigures;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// A closed project planned for the 100 days from 2026-01-01 to 2026-04-11.
    fn closed(
        project_id: &str,
        scope_accepted: bool,
        budget: f64,
        actual_cost: f64,
        actual_finish: &str,
    ) -> ClosedProject {
        ClosedProject {
            project_id: project_id.parse().unwrap(),
            scope_accepted,
            budget,
            actual_cost,
            planned_start: date("2026-01-01"),
            planned_finish: date("2026-04-11"),
            actual_finish: date(actual_finish),
        }
    }

    #[test]
    fn success_rate_worked_example() {
        // Tolerance 10 %: up to 110 000 on a 100 000 budget, up to 10 days late on 100 planned days.
        // erp: 108 000 ≤ 110 000, 10 days late ≤ 10          → success
        // crm: 111 000 > 110 000                              → over budget
        // hr:  scope not accepted                             → fails scope
        // bi:  40 000 ≤ 55 000, but 11 days late > 10         → late
        // Success rate = 1 / 4 = 0.25.
        let projects = [
            closed("erp", true, 100_000.0, 108_000.0, "2026-04-21"),
            closed("crm", true, 100_000.0, 111_000.0, "2026-04-01"),
            closed("hr", false, 100_000.0, 90_000.0, "2026-04-11"),
            closed("bi", true, 50_000.0, 40_000.0, "2026-04-22"),
        ];
        let result = success_rate(&projects, &SuccessTolerance::default()).unwrap();
        let outcomes: Vec<(&str, bool, bool, bool)> = result
            .outcomes
            .iter()
            .map(|o| (o.project_id.as_str(), o.within_scope, o.within_schedule, o.within_budget))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("erp", true, true, true),
                ("crm", true, true, false),
                ("hr", false, true, true),
                ("bi", true, false, true)
            ]
        );
        assert_eq!((result.successful, result.closed), (1, 4));
        assert_eq!(result.rate, Some(0.25));
    }

    #[test]
    fn tolerance_boundaries() {
        // (tolerance budget, tolerance schedule, actual cost, finish, within budget, within schedule)
        // on a 100 000 budget and 100 planned days ending 2026-04-11.
        let cases = [
            (0.10, 0.10, 110_000.0, "2026-04-21", true, true), // exactly 10 % over, exactly 10 days late
            (0.10, 0.10, 110_000.01, "2026-04-22", false, false),
            (0.0, 0.0, 100_000.0, "2026-04-11", true, true), // zero tolerance: on plan is fine
            (0.0, 0.0, 100_000.01, "2026-04-12", false, false),
            (0.29, 0.29, 129_000.0, "2026-05-10", true, true), // 0.29 × 100 days = 29 days, despite rounding
            (0.10, 0.10, 0.0, "2026-01-05", true, true),       // early and under budget
        ];
        for (budget_tolerance, schedule_tolerance, actual_cost, finish, within_budget, within_schedule) in cases {
            let tolerance = SuccessTolerance::new(budget_tolerance, schedule_tolerance).unwrap();
            let result = success_rate(&[closed("p", true, 100_000.0, actual_cost, finish)], &tolerance).unwrap();
            let outcome = &result.outcomes[0];
            assert_eq!(
                (outcome.within_budget, outcome.within_schedule),
                (within_budget, within_schedule),
                "tolerance {budget_tolerance}/{schedule_tolerance}, cost {actual_cost}, finish {finish}"
            );
        }
    }

    #[test]
    fn a_one_day_plan_must_finish_on_the_day() {
        // Planned duration 0 days: any tolerance of it is 0 days.
        let mut project = closed("p", true, 10.0, 10.0, "2026-01-02");
        project.planned_finish = date("2026-01-01");
        let result = success_rate(&[project], &SuccessTolerance::default()).unwrap();
        assert!(!result.outcomes[0].within_schedule);
    }

    #[test]
    fn no_closed_project_has_no_success_rate() {
        let result = success_rate(&[], &SuccessTolerance::default()).unwrap();
        assert_eq!((result.closed, result.rate), (0, None));
    }

    #[test]
    fn bad_success_inputs_are_refused() {
        let mut backwards = closed("erp", true, 10.0, 10.0, "2026-04-11");
        backwards.planned_start = date("2026-05-01");
        let cases = [
            (
                vec![closed("erp", true, -1.0, 10.0, "2026-04-11")],
                "project erp: the budget must be a finite amount of at least 0, not -1",
            ),
            (
                vec![closed("erp", true, 10.0, f64::NAN, "2026-04-11")],
                "project erp: the actual cost must be a finite amount of at least 0, not NaN",
            ),
            (vec![backwards], "project erp: the planned finish 2026-04-11 is before the planned start 2026-05-01"),
            (
                vec![closed("erp", true, 10.0, 10.0, "2026-04-11"), closed("erp", true, 10.0, 10.0, "2026-04-11")],
                "project erp appears more than once",
            ),
        ];
        for (projects, message) in cases {
            let error = success_rate(&projects, &SuccessTolerance::default()).unwrap_err().to_string();
            assert!(error.contains(message), "got `{error}`, expected `{message}`");
        }
        let error = SuccessTolerance::new(-0.1, 0.1).unwrap_err().to_string();
        assert!(error.contains(
            "largest budget overrun for success must be a finite fraction of at least 0 (0.1 for 10 %), not -0.1"
        ));
        assert!(SuccessTolerance::new(0.1, f64::INFINITY).is_err());
        // A closed project cannot be without an id: a `ProjectId` is never empty.
        assert!("".parse::<ProjectId>().is_err());
    }

    #[test]
    fn utilisation() {
        // Li: 46 of 40 hours, Wang: 20 of 40 → (46 + 20) / (40 + 40) = 66 / 80 = 0.825.
        let rows = [
            ResourceHours { person_id: "li".parse().unwrap(), allocated_hours: 46.0, capacity_hours: 40.0 },
            ResourceHours { person_id: "wang".parse().unwrap(), allocated_hours: 20.0, capacity_hours: 40.0 },
        ];
        let result = resource_utilisation(&rows).unwrap();
        assert_eq!(result, Utilisation { allocated_hours: 66.0, capacity_hours: 80.0, rate: Some(0.825) });

        // No capacity at all (everyone on leave): no rate.
        let on_leave = [ResourceHours { person_id: "li".parse().unwrap(), allocated_hours: 8.0, capacity_hours: 0.0 }];
        assert_eq!(resource_utilisation(&on_leave).unwrap().rate, None);
        assert_eq!(resource_utilisation(&[]).unwrap().rate, None);

        let bad = [ResourceHours { person_id: "li".parse().unwrap(), allocated_hours: -4.0, capacity_hours: 40.0 }];
        let error = resource_utilisation(&bad).unwrap_err().to_string();
        assert_eq!(error, "person li: the allocated hours must be a finite number of hours of at least 0, not -4");
    }

    #[test]
    fn cost_and_schedule_reuse_the_portfolio_roll_up() {
        // The portfolio of finance's roll-up test: ΣEV 140 000, ΣAC 125 000, ΣPV 150 000,
        // ΣBAC 300 000, ΣEAC 272 500.
        // CPI = 1.12, SPI = 0.9333, budget variance = (300 000 − 272 500) / 300 000 = 0.0917.
        let row = |id: &str, bac, pv, ev, ac| ProjectFigures {
            project_id: id.parse().unwrap(),
            figures: EarnedValueFigures {
                budget_at_completion: bac,
                planned_value: pv,
                earned_value: ev,
                actual_cost: ac,
            },
        };
        let projects = [
            row("erp", 100_000.0, 50_000.0, 40_000.0, 45_000.0),
            row("crm", 200_000.0, 100_000.0, 100_000.0, 80_000.0),
        ];
        let result = cost_and_schedule(&projects).unwrap();
        let close = |actual: Option<f64>, expected: f64| (actual.unwrap() - expected).abs() < 5e-5;
        assert!(close(result.cost_performance_index, 1.12), "{result:?}");
        assert!(close(result.schedule_performance_index, 0.9333), "{result:?}");
        assert!(close(result.budget_variance_fraction, 0.0917), "{result:?}");

        let empty = cost_and_schedule(&[]).unwrap();
        assert_eq!(
            empty,
            CostAndSchedule {
                cost_performance_index: None,
                schedule_performance_index: None,
                budget_variance_fraction: None
            }
        );

        let error = cost_and_schedule(&[row("erp", 10.0, 0.0, 20.0, 0.0)]).unwrap_err().to_string();
        assert!(error.starts_with("project erp: earned value 20 is more than the budget at completion 10"), "{error}");
    }

    #[test]
    fn on_time_milestones() {
        // m1 due 03-31 done 03-31 (on the day counts as on time), m2 due 03-31 done 04-01 (late),
        // m3 due 04-30 done 04-15 (early), m4 not done (not counted).
        // On time = 2 of 3 completed = 0.6667.
        let milestone = |id: &str, due: &str, completed: Option<&str>| MilestoneDates {
            milestone_id: id.parse().unwrap(),
            due: date(due),
            forecast: None,
            done_on: completed.map(date),
        };
        let milestones = [
            milestone("m1", "2026-03-31", Some("2026-03-31")),
            milestone("m2", "2026-03-31", Some("2026-04-01")),
            milestone("m3", "2026-04-30", Some("2026-04-15")),
            milestone("m4", "2026-02-28", None),
        ];
        let result = on_time_milestone_rate(&milestones).unwrap();
        assert_eq!((result.completed_on_time, result.completed), (2, 3));
        assert!((result.rate.unwrap() - 0.6667).abs() < 5e-5);

        assert_eq!(on_time_milestone_rate(&milestones[3..]).unwrap().rate, None);
        let twice = [milestones[0].clone(), milestones[0].clone()];
        assert_eq!(on_time_milestone_rate(&twice), Err(KpiError::DuplicateId { what: "milestone", id: "m1".into() }));
    }

    #[test]
    fn a_forecast_later_than_planned_counts_as_late() {
        // m1 done on time; m2 open, forecast 05-10 against 04-30 (late); m3 open, forecast on
        // its due date (on time); m4 open without a forecast (not counted); m5 done on time
        // though once forecast late (the forecast no longer counts).
        // On time = (1 done + 1 forecast) + 1 done = 3 of 4 = 0.75; one forecast late.
        let milestone = |id: &str, due: &str, forecast: Option<&str>, completed: Option<&str>| MilestoneDates {
            milestone_id: id.parse().unwrap(),
            due: date(due),
            forecast: forecast.map(date),
            done_on: completed.map(date),
        };
        let milestones = [
            milestone("m1", "2026-03-31", None, Some("2026-03-30")),
            milestone("m2", "2026-04-30", Some("2026-05-10"), None),
            milestone("m3", "2026-06-30", Some("2026-06-30"), None),
            milestone("m4", "2026-07-31", None, None),
            milestone("m5", "2026-02-28", Some("2026-03-15"), Some("2026-02-27")),
        ];
        let result = on_time_milestone_rate(&milestones).unwrap();
        assert_eq!((result.completed_on_time, result.completed), (2, 2));
        assert_eq!((result.forecast, result.forecast_late), (2, 1));
        assert_eq!(result.rate, Some(0.75));
        // Only the late forecast: nothing done yet, and already 0 % on time.
        let late_only = on_time_milestone_rate(&milestones[1..2]).unwrap();
        assert_eq!((late_only.forecast_late, late_only.rate), (1, Some(0.0)));
    }
}

//! The project page (项目): the stage-gate checklist of a phase, the earned-value figures with
//! the computed RAG beside the manager's, milestones with their status, and the project's
//! bookings by week.

use chrono::NaiveDate;

use crate::{
    board::{BoardSnapshot, Milestone, Phase, Project, Settings, Stamp},
    finance::{self, EarnedValue, EarnedValueFigures, RagComparison, RagThresholds},
    week::IsoWeek,
    PersonId,
};

/// One item of a phase's stage-gate checklist, ticked or not.
#[derive(Debug, Clone, PartialEq)]
pub struct GateLine {
    pub item: String,
    pub label: String,
    /// Who ticked it and when, if somebody did.
    pub ticked: Option<Stamp>,
}

/// The checklist of `phase` from the board's template, in template order, with the project's
/// ticks.
pub fn gate_checklist(board: &BoardSnapshot, project: &Project, phase: Phase) -> Vec<GateLine> {
    let mut items: Vec<_> = board.gate_template.iter().filter(|item| item.phase == phase).collect();
    items.sort_by(|a, b| (a.position, &a.item).cmp(&(b.position, &b.item)));
    items
        .into_iter()
        .map(|item| GateLine {
            item: item.item.clone(),
            label: item.label.clone(),
            ticked: project.gate_ticks.get(&format!("{}/{}", phase.as_str(), item.item)).cloned(),
        })
        .collect()
}

/// The labels of the items not ticked yet: what moving on would skip.
pub fn unticked(lines: &[GateLine]) -> Vec<String> {
    lines.iter().filter(|line| line.ticked.is_none()).map(|line| line.label.clone()).collect()
}

/// The phase after `phase`, if there is one.
pub fn next_phase(phase: Phase) -> Option<Phase> {
    let index = Phase::ALL.iter().position(|p| *p == phase)?;
    Phase::ALL.get(index + 1).copied()
}

/// A project's money: the figures, what earned value makes of them, and the RAGs.
#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    pub figures: EarnedValueFigures,
    /// The variances, indices and forecasts, or why the figures do not add up.
    pub earned_value: Result<EarnedValue, finance::FinanceError>,
    pub rag: RagComparison,
}

/// The board's RAG thresholds, or the usual ones if the settings hold an unusable pair.
pub fn rag_thresholds(settings: &Settings) -> RagThresholds {
    RagThresholds::new(settings.rag_green_min, settings.rag_amber_min).unwrap_or_default()
}

pub fn health(settings: &Settings, project: &Project) -> Health {
    let figures = EarnedValueFigures {
        budget_at_completion: project.budget,
        planned_value: project.financials.planned_value,
        earned_value: project.financials.earned_value,
        actual_cost: project.financials.actual_cost,
    };
    let earned_value = finance::earned_value(&figures);
    let computed = earned_value.as_ref().ok().and_then(|ev| {
        finance::computed_rag(ev.cost_performance_index, ev.schedule_performance_index, &rag_thresholds(settings))
            .ok()
            .flatten()
    });
    Health { figures, earned_value, rag: finance::compare_rag(computed, project.manual_rag) }
}

/// Where a milestone stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneStatus {
    /// Reached; `days_late` is how many days after the due date (0 when on time or early).
    Done {
        days_late: i64,
    },
    /// Not reached and the due date has passed.
    Overdue {
        days: i64,
    },
    Upcoming {
        days: i64,
    },
    /// Not reached, not yet due, but forecast `slip_days` after its planned date: late.
    ForecastLate {
        slip_days: i64,
    },
}

impl MilestoneStatus {
    pub fn of(milestone: &Milestone, today: NaiveDate) -> MilestoneStatus {
        match milestone.done_on {
            Some(done) => MilestoneStatus::Done { days_late: (done - milestone.due).num_days().max(0) },
            None if today > milestone.due => MilestoneStatus::Overdue { days: (today - milestone.due).num_days() },
            None if milestone.slip_days().is_some() => {
                MilestoneStatus::ForecastLate { slip_days: milestone.slip_days().unwrap_or_default() }
            }
            None => MilestoneStatus::Upcoming { days: (milestone.due - today).num_days() },
        }
    }

    pub fn describe(self) -> String {
        match self {
            MilestoneStatus::Done { days_late: 0 } => "done on time".into(),
            MilestoneStatus::Done { days_late } => format!("done {days_late} day(s) late"),
            MilestoneStatus::Overdue { days } => format!("overdue by {days} day(s)"),
            MilestoneStatus::Upcoming { days: 0 } => "due today".into(),
            MilestoneStatus::Upcoming { days } => format!("due in {days} day(s)"),
            MilestoneStatus::ForecastLate { slip_days } => format!("forecast {slip_days} day(s) late"),
        }
    }
}

/// One person's hours on a project, week by week.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingRow {
    pub person: PersonId,
    pub name: String,
    /// In the order of the weeks asked for.
    pub hours: Vec<f64>,
    pub total: f64,
}

/// Who is booked on `project` in `weeks`, people in the board's order (only those with hours),
/// and the total per week.
pub fn bookings(board: &BoardSnapshot, project: &crate::ProjectId, weeks: &[IsoWeek]) -> (Vec<BookingRow>, Vec<f64>) {
    let mut rows = Vec::new();
    let mut totals = vec![0.0; weeks.len()];
    for person in board.people.iter() {
        let hours: Vec<f64> = weeks.iter().map(|week| board.hours(project, &person.id, *week)).collect();
        let total: f64 = hours.iter().sum();
        if total > 0.0 {
            for (sum, h) in totals.iter_mut().zip(&hours) {
                *sum += h;
            }
            rows.push(BookingRow { person: person.id.clone(), name: person.name.clone(), hours, total });
        }
    }
    (rows, totals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Board, Financials, NewPerson, NewProject, Stage};
    use crate::finance::Rag;
    use crate::{board::MilestoneId, ProjectId};

    fn board_with_project() -> (Board, ProjectId) {
        let mut board = Board::new("Views").unwrap();
        let id: ProjectId = "p1".parse().unwrap();
        board
            .add_project(id.clone(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 100_000.0 })
            .unwrap();
        (board, id)
    }

    #[test]
    fn checklist_shows_who_ticked_what_in_template_order() {
        let (mut board, id) = board_with_project();
        board.tick_gate(&id, Phase::Initiation, "sponsor", Stamp { by: "Alice".into(), at_ms: 1_000 }).unwrap();
        let snapshot = board.snapshot();
        let project = snapshot.project(&id).unwrap();
        let lines = gate_checklist(&snapshot, project, Phase::Initiation);
        let items: Vec<&str> = lines.iter().map(|line| line.item.as_str()).collect();
        assert_eq!(items, ["business-case", "sponsor", "charter"]);
        assert_eq!(lines[1].ticked, Some(Stamp { by: "Alice".into(), at_ms: 1_000 }));
        assert_eq!(lines[0].ticked, None);
        assert_eq!(unticked(&lines), ["Business case approved 商业论证已批准", "Charter signed 项目章程已签署"]);
        // The planning checklist is separate: nothing of it is ticked.
        assert_eq!(unticked(&gate_checklist(&snapshot, project, Phase::Planning)).len(), 3);
    }

    #[test]
    fn phases_follow_the_lifecycle_and_end_at_closing() {
        assert_eq!(next_phase(Phase::Initiation), Some(Phase::Planning));
        assert_eq!(next_phase(Phase::MonitoringControlling), Some(Phase::Closing));
        assert_eq!(next_phase(Phase::Closing), None);
    }

    #[test]
    fn health_turns_red_when_cost_runs_over() {
        let (mut board, id) = board_with_project();
        // BAC 100 000, PV 50 000, EV 50 000, AC 50 000: CPI 1, SPI 1, green.
        let on_plan = Financials {
            actual_cost: 50_000.0,
            planned_value: 50_000.0,
            earned_value: 50_000.0,
            percent_complete: 50.0,
        };
        board.set_project_financials(&id, on_plan).unwrap();
        board.set_manual_rag(&id, Some(Rag::Green), "on track").unwrap();
        let snapshot = board.snapshot();
        let health_now = health(&snapshot.settings, snapshot.project(&id).unwrap());
        assert_eq!(health_now.rag.computed, Some(Rag::Green));
        assert!(!health_now.rag.differs);

        // AC 80 000 for the same work: CPI = 50 000 / 80 000 = 0.625 < 0.85, red; EAC = 100 000 / 0.625 = 160 000.
        board.set_project_financials(&id, Financials { actual_cost: 80_000.0, ..on_plan }).unwrap();
        let snapshot = board.snapshot();
        let health_now = health(&snapshot.settings, snapshot.project(&id).unwrap());
        let ev = health_now.earned_value.unwrap();
        assert_eq!(ev.cost_variance, -30_000.0);
        assert_eq!(ev.cost_performance_index, Some(0.625));
        assert_eq!(ev.estimate_at_completion, 160_000.0);
        assert_eq!(ev.variance_at_completion, -60_000.0);
        assert_eq!(health_now.rag.computed, Some(Rag::Red));
        assert_eq!(health_now.rag.manual, Some(Rag::Green));
        assert!(health_now.rag.differs);
    }

    #[test]
    fn figures_that_do_not_add_up_are_explained_not_rated() {
        let (mut board, id) = board_with_project();
        // EV above BAC is a data-entry mistake: no RAG, and the reason.
        let figures =
            Financials { actual_cost: 10.0, planned_value: 10.0, earned_value: 200_000.0, percent_complete: 10.0 };
        board.set_project_financials(&id, figures).unwrap();
        let snapshot = board.snapshot();
        let health_now = health(&snapshot.settings, snapshot.project(&id).unwrap());
        assert!(health_now.earned_value.unwrap_err().to_string().contains("more than the budget at completion"));
        assert_eq!(health_now.rag.computed, None);
    }

    #[test]
    fn milestone_status_counts_days() {
        let date = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let milestone = |done_on| Milestone {
            id: "m".parse::<MilestoneId>().unwrap(),
            project: "p".parse().unwrap(),
            name: "Go-live".into(),
            due: date(10),
            forecast: None,
            done_on,
            conflicts: Vec::new(),
        };
        assert_eq!(MilestoneStatus::of(&milestone(None), date(13)), MilestoneStatus::Overdue { days: 3 });
        // A forecast after the planned date makes an open milestone late before it is due; on
        // or before plan it stays upcoming; once done, the forecast no longer matters.
        let forecast = |forecast, done_on| Milestone { forecast: Some(forecast), ..milestone(done_on) };
        assert_eq!(
            MilestoneStatus::of(&forecast(date(22), None), date(8)),
            MilestoneStatus::ForecastLate { slip_days: 12 }
        );
        assert_eq!(MilestoneStatus::of(&forecast(date(22), None), date(8)).describe(), "forecast 12 day(s) late");
        assert_eq!(MilestoneStatus::of(&forecast(date(10), None), date(8)), MilestoneStatus::Upcoming { days: 2 });
        assert_eq!(
            MilestoneStatus::of(&forecast(date(22), Some(date(9))), date(20)),
            MilestoneStatus::Done { days_late: 0 }
        );
        assert_eq!(forecast(date(22), None).slip_days(), Some(12));
        assert_eq!(forecast(date(9), None).slip_days(), None);
        assert_eq!(MilestoneStatus::of(&milestone(None), date(8)), MilestoneStatus::Upcoming { days: 2 });
        assert_eq!(MilestoneStatus::of(&milestone(Some(date(12))), date(20)), MilestoneStatus::Done { days_late: 2 });
        assert_eq!(MilestoneStatus::of(&milestone(Some(date(9))), date(20)).describe(), "done on time");
    }

    #[test]
    fn bookings_list_only_people_on_the_project_with_week_totals() {
        let (mut board, id) = board_with_project();
        let other: ProjectId = "p2".parse().unwrap();
        board.add_project(other.clone(), NewProject { name: "CRM".into(), stage: Stage::Active, budget: 0.0 }).unwrap();
        let (li, wang, zhao): (PersonId, PersonId, PersonId) =
            ("li".parse().unwrap(), "wang".parse().unwrap(), "zhao".parse().unwrap());
        board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
        board.add_person(wang.clone(), NewPerson::named("Wang", 40.0)).unwrap();
        board.add_person(zhao.clone(), NewPerson::named("Zhao", 40.0)).unwrap();
        let weeks = IsoWeek::new(2026, 48).unwrap().span(2);
        board.set_allocation(&id, &li, weeks[0], 16.0).unwrap();
        board.set_allocation(&id, &wang, weeks[0], 8.0).unwrap();
        board.set_allocation(&id, &wang, weeks[1], 4.0).unwrap();
        board.set_allocation(&other, &zhao, weeks[0], 40.0).unwrap();
        let (rows, totals) = bookings(&board.snapshot(), &id, &weeks);
        let names: Vec<&str> = rows.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(names, ["Li", "Wang"]);
        assert_eq!(rows[1].hours, [8.0, 4.0]);
        assert_eq!(rows[1].total, 12.0);
        assert_eq!(totals, [24.0, 4.0]);
    }
}

//! The selection page (项目组合选择): the problem a board poses (budget, capacity per role,
//! forced decisions), the chosen portfolio against the current one, the decisions that
//! recording it writes, and the efficient frontier as chart points.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Arc,
};

use super::dashboard::{project_values, ChartFrame, WorthOf};
use crate::{
    board::{BoardSnapshot, DecisionKind, ProjectId, Stage},
    dashboard::LiveWorth,
    selection::{self, SelectionProblem},
    week::IsoWeek,
};

/// A person's decision to keep a candidate in or out, whatever the solver would say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Force {
    In,
    Out,
}

/// What the person set up before running the solver.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Setup {
    pub budget: f64,
    /// Hours per week a role has, where the person changed what the people on the board give.
    pub role_hours: BTreeMap<String, f64>,
    pub forced: BTreeMap<ProjectId, Force>,
}

/// One role's weekly hours from the people on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleCapacity {
    /// "" for people without a role.
    pub role: String,
    pub people: usize,
    pub hours_per_week: f64,
}

pub fn role_capacities(board: &BoardSnapshot) -> Vec<RoleCapacity> {
    let mut roles: BTreeMap<&str, RoleCapacity> = BTreeMap::new();
    for person in board.people.iter() {
        let role = roles.entry(person.role.as_str()).or_insert_with(|| RoleCapacity {
            role: person.role.clone(),
            people: 0,
            hours_per_week: 0.0,
        });
        role.people += 1;
        role.hours_per_week += person.capacity_hours_per_week;
    }
    roles.into_values().collect()
}

/// The budget to start from: the board's envelope, else what every project still in play
/// would cost together.
pub fn default_budget(board: &BoardSnapshot) -> f64 {
    board.settings.budget_envelope.unwrap_or_else(|| {
        board.projects.iter().filter(|p| !matches!(p.stage, Stage::Closed | Stage::Cancelled)).map(|p| p.budget).sum()
    })
}

/// Each project's value for the selection: 100 × its weighted score, else 100 × its alignment.
/// Computes only what values a project ([`crate::dashboard::worth`]), not the whole dashboard.
pub fn candidate_values(board: &BoardSnapshot) -> BTreeMap<ProjectId, f64> {
    values_from(board, &crate::dashboard::worth(board))
}

fn values_from(board: &BoardSnapshot, worth: &crate::dashboard::Worth) -> BTreeMap<ProjectId, f64> {
    project_values(board, WorthOf::from(worth))
        .into_iter()
        .map(|(id, (value, _))| (id, (value * 100.0 * 1e6).round() / 1e6))
        .collect()
}

/// [`candidate_values`] on a board that changes one edit at a time, such as the live board
/// the selection page shows: the same values (the very same shared map) while what values a
/// project is as it was ([`LiveWorth`]: a budget, a booking or a name leaves it alone).
#[derive(Debug, Default)]
pub struct LiveValues {
    worth: LiveWorth,
    values: Option<Arc<BTreeMap<ProjectId, f64>>>,
}

impl LiveValues {
    pub fn values(&mut self, board: &BoardSnapshot) -> Arc<BTreeMap<ProjectId, f64>> {
        self.worth.worth(board);
        match (&self.values, self.worth.last()) {
            // The worth was kept, so the projects are the same ones: their values are too.
            (Some(values), _) if self.worth.kept() => values.clone(),
            (_, worth) => {
                let values = Arc::new(values_from(board, worth.expect("computed above")));
                self.values = Some(values.clone());
                values
            }
        }
    }
}

/// The problem to solve: the board's (see [`selection::problem_from_board`]) with the person's
/// budget, role hours and forced decisions.
pub fn build_problem(
    board: &BoardSnapshot,
    values: &BTreeMap<ProjectId, f64>,
    setup: &Setup,
    weeks: &[IsoWeek],
) -> SelectionProblem {
    set_up(selection::problem_from_board(board, values, setup.budget, weeks), setup, weeks)
}

/// [`build_problem`] on a board that changes one edit at a time (see
/// [`selection::LiveBoardProblem`]: the demand and capacity are kept while the people and
/// bookings are the same).
#[derive(Debug, Default)]
pub struct LiveProblem {
    board: selection::LiveBoardProblem,
}

impl LiveProblem {
    pub fn problem(
        &mut self,
        board: &BoardSnapshot,
        values: &BTreeMap<ProjectId, f64>,
        setup: &Setup,
        weeks: &[IsoWeek],
    ) -> SelectionProblem {
        set_up(self.board.problem(board, values, setup.budget, weeks), setup, weeks)
    }

    /// Whether the last [`LiveProblem::problem`] kept the demand and capacity it had.
    pub fn kept_demand(&self) -> bool {
        self.board.kept_demand()
    }
}

/// The board's problem with the person's role hours and forced decisions.
fn set_up(mut problem: SelectionProblem, setup: &Setup, weeks: &[IsoWeek]) -> SelectionProblem {
    for (role, &hours) in &setup.role_hours {
        problem.capacities.retain(|capacity| &capacity.role != role);
        for week in weeks {
            problem.add_capacity(role, &week.to_string(), hours);
        }
    }
    let candidates: BTreeSet<&ProjectId> = problem.candidates.iter().map(|c| &c.id).collect();
    let mut forced_in: Vec<ProjectId> = problem.forced_in.clone();
    let mut forced_out: Vec<ProjectId> = problem.forced_out.clone();
    for (id, force) in &setup.forced {
        if !candidates.contains(id) {
            continue;
        }
        forced_in.retain(|other| other != id);
        forced_out.retain(|other| other != id);
        match force {
            Force::In => forced_in.push(id.clone()),
            Force::Out => forced_out.push(id.clone()),
        }
    }
    problem.forced_in = forced_in;
    problem.forced_out = forced_out;
    problem
}

/// What the chosen portfolio does to one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Chosen, not in the portfolio now.
    In,
    /// In the portfolio now, not chosen.
    Out,
    StaysIn,
    StaysOut,
}

impl Change {
    pub fn label(self) -> &'static str {
        match self {
            Change::In => "In",
            Change::Out => "Out",
            Change::StaysIn => "Unchanged (in)",
            Change::StaysOut => "Unchanged (out)",
        }
    }
}

/// One candidate in the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonRow {
    pub id: ProjectId,
    pub name: String,
    pub stage: Stage,
    pub value: f64,
    pub cost: f64,
    pub change: Change,
}

/// The value and cost of a portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Totals {
    pub value: f64,
    pub cost: f64,
}

/// Demand on one role over the planning horizon, against its capacity.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleUse {
    pub role: String,
    pub demand_hours: f64,
    /// `None` when no capacity is known for the role (its demand is not limited).
    pub capacity_hours: Option<f64>,
    /// The busiest week's demand ÷ capacity.
    pub peak: Option<f64>,
}

/// The chosen portfolio against the current one (approved, active and on-hold projects).
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Changes first (in, then out), then the unchanged, each in priority order.
    pub rows: Vec<ComparisonRow>,
    pub current: Totals,
    pub chosen: Totals,
    pub current_roles: Vec<RoleUse>,
    pub chosen_roles: Vec<RoleUse>,
}

pub fn compare(board: &BoardSnapshot, problem: &SelectionProblem, chosen: &[ProjectId]) -> Comparison {
    let chosen_ids = chosen;
    let chosen: BTreeSet<&ProjectId> = chosen.iter().collect();
    let mut rows = Vec::new();
    let (mut current_totals, mut chosen_totals) = (Totals::default(), Totals::default());
    let mut current_ids = Vec::new();
    for candidate in &problem.candidates {
        let Some(project) = board.projects.iter().find(|p| p.id == candidate.id) else { continue };
        let now = project.stage.is_committed();
        let will = chosen.contains(&candidate.id);
        if now {
            current_totals.value += candidate.value;
            current_totals.cost += candidate.cost;
            current_ids.push(candidate.id.clone());
        }
        if will {
            chosen_totals.value += candidate.value;
            chosen_totals.cost += candidate.cost;
        }
        let change = match (now, will) {
            (false, true) => Change::In,
            (true, false) => Change::Out,
            (true, true) => Change::StaysIn,
            (false, false) => Change::StaysOut,
        };
        rows.push(ComparisonRow {
            id: project.id.clone(),
            name: project.name.clone(),
            stage: project.stage,
            value: candidate.value,
            cost: candidate.cost,
            change,
        });
    }
    let order = |change: Change| match change {
        Change::In => 0,
        Change::Out => 1,
        Change::StaysIn => 2,
        Change::StaysOut => 3,
    };
    rows.sort_by_key(|row| order(row.change));
    Comparison {
        rows,
        current: current_totals,
        chosen: chosen_totals,
        current_roles: role_use(problem, &current_ids),
        chosen_roles: role_use(problem, chosen_ids),
    }
}

/// Demand of the projects `ids` per role, summed over the weeks, against the role's capacity.
pub fn role_use(problem: &SelectionProblem, ids: &[ProjectId]) -> Vec<RoleUse> {
    let mut demand: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for candidate in problem.candidates.iter().filter(|c| ids.contains(&c.id)) {
        for need in candidate.demand.iter() {
            *demand.entry((need.role.as_str(), need.week.as_str())).or_default() += need.hours;
        }
    }
    let capacity: BTreeMap<(&str, &str), f64> =
        problem.capacities.iter().map(|c| ((c.role.as_str(), c.week.as_str()), c.hours)).collect();
    let roles: BTreeSet<&str> = demand.keys().chain(capacity.keys()).map(|(role, _)| *role).collect();
    roles
        .into_iter()
        .map(|role| {
            let demand_hours: f64 = demand.iter().filter(|((r, _), _)| *r == role).map(|(_, h)| h).sum();
            let capacities: Vec<f64> = capacity.iter().filter(|((r, _), _)| *r == role).map(|(_, h)| *h).collect();
            let capacity_hours = (!capacities.is_empty()).then(|| capacities.iter().sum());
            let peak = capacity
                .iter()
                .filter(|((r, _), hours)| *r == role && **hours > 0.0)
                .map(|((r, week), hours)| demand.get(&(*r, *week)).copied().unwrap_or(0.0) / hours)
                .fold(None, |peak: Option<f64>, ratio| Some(peak.map_or(ratio, |p| p.max(ratio))));
            RoleUse { role: role.to_owned(), demand_hours, capacity_hours, peak }
        })
        .collect()
}

/// The decision recording the selection writes for each project it changes: approve what
/// comes in; cancel an active or on-hold project that goes out, reject an approved one.
pub fn decisions(comparison: &Comparison) -> Vec<(ProjectId, DecisionKind)> {
    comparison
        .rows
        .iter()
        .filter_map(|row| match row.change {
            Change::In => Some((row.id.clone(), DecisionKind::Approve)),
            Change::Out if matches!(row.stage, Stage::Active | Stage::OnHold) => {
                Some((row.id.clone(), DecisionKind::Cancel))
            }
            Change::Out => Some((row.id.clone(), DecisionKind::Reject)),
            Change::StaysIn | Change::StaysOut => None,
        })
        .collect()
}

/// Budget levels for the efficient frontier: eight even steps up to what every candidate
/// costs together, and the budget itself.
pub fn frontier_levels(problem: &SelectionProblem) -> Vec<f64> {
    let total: f64 = problem.candidates.iter().map(|c| c.cost).sum();
    let mut levels: Vec<f64> = (1..=8).map(|step| total * f64::from(step) / 8.0).collect();
    if problem.budget.is_finite() {
        levels.push(problem.budget);
    }
    levels.retain(|level| *level > 0.0);
    levels.sort_by(f64::total_cmp);
    levels.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * b.abs().max(1.0));
    levels
}

/// The frontier (budget, best value) as points of a chart in `frame`, with the axes' largest
/// budget and value; the current portfolio (cost, value) placed on the same axes.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierChart {
    pub points: Vec<(f64, f64)>,
    pub current: Option<(f64, f64)>,
    pub max_budget: f64,
    pub max_value: f64,
}

pub fn frontier_chart(frontier: &[(f64, f64)], current: Totals, frame: &ChartFrame) -> FrontierChart {
    let max_budget = frontier.iter().map(|p| p.0).chain([current.cost]).fold(0.0, f64::max);
    let max_value = frontier.iter().map(|p| p.1).chain([current.value]).fold(0.0, f64::max);
    let scale = |value: f64, max: f64| if max > 0.0 { value / max } else { 0.0 };
    let place = |(budget, value): (f64, f64)| (frame.x(scale(budget, max_budget)), frame.y(scale(value, max_value)));
    FrontierChart {
        points: frontier.iter().copied().map(place).collect(),
        current: (current.cost > 0.0 || current.value > 0.0).then(|| place((current.cost, current.value))),
        max_budget,
        max_value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{Board, NewPerson, NewProject, PersonId},
        selection::{select, Limits},
    };

    /// ERP active (cost 60), CRM approved (50), BI proposed (40), Portal proposed (30).
    /// Values ERP 10, CRM 20, BI 60, Portal 25. Budget 100. Developers: Li 40 h and Wang 30 h.
    /// Bookings in W50: ERP 40 h of Li, BI 20 h of Wang.
    fn board() -> (BoardSnapshot, BTreeMap<ProjectId, f64>, [ProjectId; 4], IsoWeek) {
        let mut board = Board::new("Selection").unwrap();
        let ids = [ProjectId::random(), ProjectId::random(), ProjectId::random(), ProjectId::random()];
        let mut values = BTreeMap::new();
        for (id, name, stage, cost, value) in [
            (&ids[0], "ERP", Stage::Active, 60.0, 10.0),
            (&ids[1], "CRM", Stage::Approved, 50.0, 20.0),
            (&ids[2], "BI", Stage::Proposed, 40.0, 60.0),
            (&ids[3], "Portal", Stage::Proposed, 30.0, 25.0),
        ] {
            board.add_project(id.clone(), NewProject { name: name.into(), stage, budget: cost }).unwrap();
            values.insert(id.clone(), value);
        }
        let week: IsoWeek = "2026-W50".parse().unwrap();
        for (name, hours, project, booked) in [("Li", 40.0, &ids[0], 40.0), ("Wang", 30.0, &ids[2], 20.0)] {
            let person = PersonId::random();
            board.add_person(person.clone(), NewPerson::named(name, hours)).unwrap();
            board.set_role_and_team(&person, "developer", "").unwrap();
            board.set_allocation(project, &person, week, booked).unwrap();
        }
        (board.snapshot(), values, ids, week)
    }

    #[test]
    fn capacity_per_role_comes_from_the_people() {
        let (board, _, _, _) = board();
        assert_eq!(
            role_capacities(&board),
            [RoleCapacity { role: "developer".into(), people: 2, hours_per_week: 70.0 }]
        );
        // No envelope: everything in play, 60 + 50 + 40 + 30.
        assert_eq!(default_budget(&board), 180.0);
    }

    /// ERP is active, so forced in (60 of 100): 40 left. BI (60 for 40) beats CRM (50 too
    /// dear) and Portal (25 for 30): ERP + BI, value 70, cost 100. Capacity: W50 needs 40 + 20
    /// = 60 of 70. CRM (approved now) goes out, BI comes in.
    #[test]
    fn the_chosen_portfolio_against_the_current_one() {
        let (board, values, [erp, crm, bi, portal], week) = board();
        let setup = Setup { budget: 100.0, ..Setup::default() };
        let problem = build_problem(&board, &values, &setup, &[week]);
        let selection = select(&problem, &Limits::exact()).unwrap();
        let mut expected_chosen = vec![erp.clone(), bi.clone()];
        expected_chosen.sort();
        assert_eq!(selection.chosen, expected_chosen);
        let comparison = compare(&board, &problem, &selection.chosen);
        let changes: Vec<(ProjectId, Change)> = comparison.rows.iter().map(|r| (r.id.clone(), r.change)).collect();
        assert_eq!(
            changes,
            [
                (bi.clone(), Change::In),
                (crm.clone(), Change::Out),
                (erp.clone(), Change::StaysIn),
                (portal, Change::StaysOut)
            ]
        );
        assert_eq!(comparison.current, Totals { value: 30.0, cost: 110.0 });
        assert_eq!(comparison.chosen, Totals { value: 70.0, cost: 100.0 });
        // Current: ERP's 40 h of 70. Chosen: 60 of 70.
        let roles = |uses: &[RoleUse]| {
            uses.iter().map(|u| (u.role.clone(), u.demand_hours, u.capacity_hours, u.peak)).collect::<Vec<_>>()
        };
        assert_eq!(roles(&comparison.current_roles), [("developer".to_owned(), 40.0, Some(70.0), Some(40.0 / 70.0))]);
        assert_eq!(roles(&comparison.chosen_roles), [("developer".to_owned(), 60.0, Some(70.0), Some(60.0 / 70.0))]);
        assert_eq!(decisions(&comparison), [(bi, DecisionKind::Approve), (crm, DecisionKind::Reject)]);
    }

    /// Forcing ERP out frees its 60: budget 100 then buys BI + Portal (85 for 70) over BI +
    /// CRM (80 for 90). Developers cut to 50 h: BI's 20 h still fit. ERP, active, is cancelled.
    #[test]
    fn forced_decisions_and_role_hours_change_the_problem() {
        let (board, values, [erp, _, bi, portal], week) = board();
        let setup = Setup {
            budget: 100.0,
            role_hours: [("developer".to_owned(), 50.0)].into(),
            forced: [(erp.clone(), Force::Out)].into(),
        };
        let problem = build_problem(&board, &values, &setup, &[week]);
        assert_eq!(problem.forced_in, Vec::<ProjectId>::new());
        assert_eq!(problem.forced_out, std::slice::from_ref(&erp));
        assert_eq!(problem.capacities.len(), 1);
        assert_eq!(problem.capacities[0].hours, 50.0);
        let selection = select(&problem, &Limits::exact()).unwrap();
        let mut expected = vec![bi.clone(), portal.clone()];
        expected.sort();
        assert_eq!(selection.chosen, expected);
        assert_eq!(selection.total_value, 85.0);
        let comparison = compare(&board, &problem, &selection.chosen);
        assert!(decisions(&comparison).contains(&(erp, DecisionKind::Cancel)));
    }

    #[test]
    fn the_frontier_spans_every_candidate_cost_in_eight_steps_and_the_budget() {
        let (board, values, _, week) = board();
        let setup = Setup { budget: 100.0, ..Setup::default() };
        let problem = build_problem(&board, &values, &setup, &[week]);
        // Σcost 180: 22.5, 45, 67.5, 90, 100 (the budget), 112.5, 135, 157.5, 180.
        assert_eq!(frontier_levels(&problem), [22.5, 45.0, 67.5, 90.0, 100.0, 112.5, 135.0, 157.5, 180.0]);
        let frame = ChartFrame::new(640.0, 400.0);
        // Plot x 56‥616, y 24‥352. (90, 35) → x 56 + 0.5 × 560 = 336, y 24 + (1 − 0.5) × 328 = 188.
        let chart = frontier_chart(&[(90.0, 35.0), (180.0, 70.0)], Totals { value: 30.0, cost: 110.0 }, &frame);
        assert_eq!(chart.points, [(336.0, 188.0), (616.0, 24.0)]);
        assert_eq!((chart.max_budget, chart.max_value), (180.0, 70.0));
        let (x, y) = chart.current.unwrap();
        assert!(
            (x - (56.0 + 110.0 / 180.0 * 560.0)).abs() < 1e-9
                && (y - (24.0 + (1.0 - 30.0 / 70.0) * 328.0)).abs() < 1e-9
        );
    }
}

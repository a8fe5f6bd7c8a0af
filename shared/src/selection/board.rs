//! The selection problem a board poses.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Arc,
};

use super::*;
use crate::{
    board::{BoardSnapshot, PeopleAndBookings, ProjectId, Stage},
    week::IsoWeek,
};

/// The selection problem a board poses, for the projects still in play.
///
/// - Candidates are the projects not closed or cancelled; each is worth `values[id]` (for
///   example its weighted score from the dashboard's ranking; 0 when missing) and costs its
///   budget.
/// - Demand is each project's booked hours per role and week of `weeks`; capacity is the
///   hours of the people in that role those weeks, less time off.
/// - Active projects are forced in: they are running, and selection decides what to add.
///   A project that depends on a cancelled one is forced out; a dependency on a closed
///   project is already met.
pub fn problem_from_board(
    board: &BoardSnapshot,
    values: &BTreeMap<ProjectId, f64>,
    budget: f64,
    weeks: &[IsoWeek],
) -> SelectionProblem {
    problem_from(board, values, budget, &BoardDemand::of(board, weeks))
}

/// [`problem_from_board`] on a board that changes one edit at a time, such as the live board
/// the selection page shows: each project's demand and each role's capacity (every booking
/// summed per project, role and week) are kept while the people and the bookings are the
/// very same lists (see [`BoardSnapshot`]), so a budget, a stage or a score builds the
/// candidates from what is kept.
#[derive(Debug, Default)]
pub struct LiveBoardProblem {
    kept: Option<KeptDemand>,
    reused: bool,
}

/// The demand and capacity of a board, the lists and weeks they were computed from.
#[derive(Debug)]
struct KeptDemand {
    lists: PeopleAndBookings,
    weeks: Vec<IsoWeek>,
    demand: BoardDemand,
}

impl LiveBoardProblem {
    /// What [`problem_from_board`] answers for `board`.
    pub fn problem(
        &mut self,
        board: &BoardSnapshot,
        values: &BTreeMap<ProjectId, f64>,
        budget: f64,
        weeks: &[IsoWeek],
    ) -> SelectionProblem {
        self.reused = self.kept.as_ref().is_some_and(|kept| kept.weeks == weeks && kept.lists.same_in(board));
        if !self.reused {
            self.kept = Some(KeptDemand {
                lists: PeopleAndBookings::of(board),
                weeks: weeks.to_vec(),
                demand: BoardDemand::of(board, weeks),
            });
        }
        problem_from(board, values, budget, &self.kept.as_ref().expect("computed above").demand)
    }

    /// Whether the last [`LiveBoardProblem::problem`] kept the demand and capacity it had.
    pub fn kept_demand(&self) -> bool {
        self.reused
    }
}

/// Each project's demand in the weeks of the horizon and each role's capacity in them.
#[derive(Debug)]
struct BoardDemand {
    projects: HashMap<ProjectId, Arc<Vec<Demand>>>,
    capacities: Vec<Capacity>,
}

impl BoardDemand {
    fn of(board: &BoardSnapshot, weeks: &[IsoWeek]) -> BoardDemand {
        let horizon: BTreeSet<_> = weeks.iter().copied().collect();
        let projects = crate::capacity::project_role_demand(board)
            .into_iter()
            .map(|(project, demand)| {
                let demand = demand
                    .into_iter()
                    .filter(|((_, week), _)| horizon.contains(week))
                    .map(|((role, week), hours)| Demand { role, week: week.to_string(), hours })
                    .collect();
                (project, Arc::new(demand))
            })
            .collect();
        let capacities = crate::capacity::role_capacity(board, weeks)
            .into_iter()
            .map(|((role, week), hours)| Capacity { role, week: week.to_string(), hours })
            .collect();
        BoardDemand { projects, capacities }
    }
}

fn problem_from(
    board: &BoardSnapshot,
    values: &BTreeMap<ProjectId, f64>,
    budget: f64,
    demand: &BoardDemand,
) -> SelectionProblem {
    let in_play = |stage: Stage| !matches!(stage, Stage::Closed | Stage::Cancelled);
    let mut problem = SelectionProblem::new(budget);
    for project in board.projects.iter().filter(|p| in_play(p.stage)) {
        let mut candidate =
            Candidate::new(project.id.clone(), values.get(&project.id).copied().unwrap_or(0.0), project.budget);
        if let Some(needs) = demand.projects.get(&project.id) {
            candidate.demand = needs.clone();
        }
        problem.candidates.push(candidate);
        if project.stage == Stage::Active {
            problem.forced_in.push(project.id.clone());
        }
        for on in &project.depends_on {
            match board.project(on).map(|p| p.stage) {
                Some(Stage::Cancelled) => problem.forced_out.push(project.id.clone()),
                Some(stage) if in_play(stage) => problem.add_dependency(&project.id, on),
                _ => {}
            }
        }
    }
    problem.capacities = demand.capacities.clone();
    problem.forced_in.retain(|id| !problem.forced_out.contains(id));
    problem
}

//! The selection problem a board poses.

use super::*;

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
    board: &crate::board::BoardSnapshot,
    values: &std::collections::BTreeMap<crate::board::ProjectId, f64>,
    budget: f64,
    weeks: &[crate::week::IsoWeek],
) -> SelectionProblem {
    use crate::board::Stage;

    let in_play = |stage: Stage| !matches!(stage, Stage::Closed | Stage::Cancelled);
    let demand = crate::capacity::project_role_demand(board);
    let horizon: std::collections::BTreeSet<_> = weeks.iter().copied().collect();
    let mut problem = SelectionProblem::new(budget);
    for project in board.projects.iter().filter(|p| in_play(p.stage)) {
        let mut candidate =
            Candidate::new(project.id.clone(), values.get(&project.id).copied().unwrap_or(0.0), project.budget);
        for ((role, week), hours) in demand.get(&project.id).into_iter().flatten() {
            if horizon.contains(week) {
                candidate = candidate.with_demand(role, &week.to_string(), *hours);
            }
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
    for ((role, week), hours) in crate::capacity::role_capacity(board, weeks) {
        problem.add_capacity(&role, &week.to_string(), hours);
    }
    problem.forced_in.retain(|id| !problem.forced_out.contains(id));
    problem
}

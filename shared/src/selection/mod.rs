//! Portfolio selection (项目组合选择): which candidate projects to fund so that the portfolio is
//! worth the most while it stays within the budget and the capacity of every role in every week.
//!
//! This is the 0/1 integer programme of `pmo-domain.md` ("Formulas: Selection"): choose
//! xⱼ ∈ {0,1} to maximise Σ vⱼxⱼ subject to
//!
//! - the budget, Σ cⱼxⱼ ≤ B;
//! - capacity, for every role and week with a stated capacity, Σ demandⱼ·xⱼ ≤ capacity;
//! - forced-in (xⱼ = 1) and forced-out (xⱼ = 0) projects;
//! - dependencies, "a requires b": x_a ≤ x_b;
//! - exclusions, "a or b, not both": x_a + x_b ≤ 1.
//!
//! # How data flows
//!
//! 1. A [`SelectionProblem`] is validated: every id must name a candidate, every number must be
//!    finite and not negative. Bad input is a [`SelectionError`] that names the bad value.
//! 2. The forced decisions are propagated. Costs, demands and values are never negative, so a
//!    portfolio that contains the forced-in projects contains at least them and everything they
//!    require, and that set alone is the cheapest such portfolio. If *it* breaks a constraint,
//!    no portfolio keeps them all: the outcome is [`SelectionStatus::Infeasible`], naming the
//!    constraint family ([`Infeasibility`]). Otherwise every project that cannot be added any
//!    more (forced out, excluded by a forced-in project, too big for what is left, or requiring
//!    such a project) is fixed out, and only the remaining *free* projects become variables.
//! 3. [`greedy_preview`]'s ratio order builds a feasible portfolio, which seeds the solver.
//! 4. The free projects go to [`microlp`], a pure-Rust LP/MILP solver (dual simplex inside a
//!    branch and bound), which proves optimality or stops at a limit (see [`Limits`]).
//! 5. Its answer is rounded to 0/1 and checked again here against every constraint, before the
//!    [`Selection`] with its totals and the budget and capacity usage is returned.
//!
//! # Limits and the gap
//!
//! This module reads no clock of its own. [`Limits`] bounds the branch and bound by a number of search
//! nodes (deterministic: the same problem and budget give the same answer on every machine) and
//! by an optional time budget measured with a clock the caller passes in (`performance.now()`
//! in the browser, `Instant` on the server). The clock is read between slices of
//! [`NODES_PER_CLOCK_CHECK`] nodes, so a solve overruns its time budget by at most one slice
//! (plus presolve and the root relaxation, which are not interruptible). microlp does time its
//! own calls (with `web-time`, which is `performance.now()` on wasm32), but with no time limit
//! of its own set that only feeds its statistics: the answer never depends on it.
//!
//! A stopped search still returns a feasible portfolio (at worst the greedy one) and a proven
//! upper bound on the value any portfolio can reach, from the LP relaxations of the open nodes.
//! The **gap** is `(bound − value) / bound`: the share of the best possible value the chosen
//! portfolio might be missing. A gap of 0.03 means "worth at least 97 % of the optimum". An
//! optimal selection has gap 0.
//!
//! # Example
//!
//! ```
//! use shared::selection::{select, Candidate, Limits, SelectionProblem, SelectionStatus};
//!
//! let project = |id: &str| id.parse().unwrap();
//! let mut problem = SelectionProblem::new(100.0);
//! problem.candidates = vec![
//!     Candidate::new(project("crm"), 60.0, 60.0).with_demand("developer", "2026-W48", 30.0),
//!     Candidate::new(project("erp"), 50.0, 50.0).with_demand("developer", "2026-W48", 30.0),
//!     Candidate::new(project("bi"), 45.0, 40.0),
//! ];
//! problem.add_capacity("developer", "2026-W48", 40.0);
//!
//! let selection = select(&problem, &Limits::exact()).unwrap();
//! assert_eq!(selection.status, SelectionStatus::Optimal);
//! assert_eq!(selection.chosen, ["bi", "crm"]);
//! assert_eq!(selection.total_value, 105.0);
//! assert_eq!(selection.usage.budget.used, 100.0);
//! ```
//!
//! # Decisions on edge cases
//!
//! - A role and week with demand but **no stated capacity is unconstrained**. Capacity comes
//!   from the people the board knows; a role it does not plan (contractors, weeks beyond the
//!   planning horizon) would otherwise silently rule out every project that needs it. The
//!   demand still appears in [`Usage::capacity`] with `capacity_hours: None`, so the board can
//!   warn that it was not checked. State a capacity of 0 to forbid a role in a week.
//! - A budget or capacity of `f64::INFINITY` means "no limit"; every other number must be
//!   finite and not negative. A candidate's demands for the same role and week add up (two
//!   people of one role); the same role and week stated twice as capacity is an error.
//! - "a requires a" is harmless and accepted; "a excludes a" is an error, as it would silently
//!   forbid `a`. Dependency cycles are fine: the projects on the cycle are chosen together.
//! - Comparisons allow a relative tolerance of 1e-8, so a portfolio that spends exactly the
//!   budget (up to floating-point round-off) fits.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::time::Duration;

use microlp::{ComparisonOp, OptimizationDirection, Problem, ResumeOptions, SolveOptions, TerminationReason, Variable};

use crate::ids::ProjectId;

/// How many branch-and-bound nodes the solver explores between two readings of the caller's
/// clock. A node re-solves one LP warm-started from its parent's basis: on a few hundred
/// candidates that takes well under a millisecond, so a slice is a few milliseconds.
pub const NODES_PER_CLOCK_CHECK: u64 = 64;

/// Relative tolerance of every "fits within" comparison, so that round-off in a sum of costs
/// does not turn a portfolio that spends exactly the budget into an over-spent one.
const RELATIVE_TOLERANCE: f64 = 1e-8;

/// The solver's feasibility and integrality tolerances (its defaults are 1e-7 and 1e-6).
const SOLVER_TOLERANCE: f64 = 1e-9;

mod board;
mod input;
mod limits;
mod model;
mod output;
mod search;
#[cfg(test)]
mod tests;

pub use board::{problem_from_board, LiveBoardProblem};
pub use input::*;
pub use limits::*;
use model::*;
pub use output::*;
pub use search::*;

/// The portfolio of greatest value that meets every constraint, proven optimal unless `limits`
/// stopped the search first (then feasible, with its gap).
pub fn select(problem: &SelectionProblem, limits: &Limits) -> Result<Selection, SelectionError> {
    let model = Model::new(problem)?;
    check_limits(limits)?;
    solve_at_budget(&model, problem.budget, limits, None)
}

/// The best selection at each budget level, every other constraint unchanged. The points come
/// sorted by budget, duplicates removed. `limits` apply to each level separately.
///
/// Each level's search starts from the previous level's portfolio, which still fits the larger
/// budget, so the values never decrease with the budget, even when a limit stops a search.
pub fn efficient_frontier(
    problem: &SelectionProblem,
    budget_levels: &[f64],
    limits: &Limits,
) -> Result<Vec<FrontierPoint>, SelectionError> {
    let model = Model::new(problem)?;
    check_limits(limits)?;
    for &budget in budget_levels {
        check_number(budget, true, || SelectionNumber::FrontierBudget)?;
    }
    let mut levels = budget_levels.to_vec();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let mut points: Vec<FrontierPoint> = Vec::with_capacity(levels.len());
    let mut previous: Option<Vec<bool>> = None;
    for budget in levels {
        let selection = solve_at_budget(&model, budget, limits, previous.as_deref())?;
        if !matches!(selection.status, SelectionStatus::Infeasible(_)) {
            previous = Some(model.membership(&selection.chosen));
        }
        points.push(FrontierPoint { budget, selection });
    }
    Ok(points)
}

/// An instant approximation by value-per-cost order: a preview to show while [`select`] runs,
/// **not optimal**. See [`GreedyPreview`].
pub fn greedy_preview(problem: &SelectionProblem) -> Result<GreedyPreview, SelectionError> {
    let model = Model::new(problem)?;
    let budget = problem.budget;
    Ok(match model.fix(budget) {
        Err(infeasibility) => GreedyPreview {
            chosen: Vec::new(),
            total_value: 0.0,
            total_cost: 0.0,
            usage: model.usage(&vec![false; model.len()], budget),
            infeasible: Some(infeasibility),
        },
        Ok(fixing) => {
            let chosen = model.greedy(&fixing, budget, None);
            GreedyPreview {
                chosen: model.ids(&chosen),
                total_value: model.total_value(&chosen),
                total_cost: model.total_cost(&chosen),
                usage: model.usage(&chosen, budget),
                infeasible: None,
            }
        }
    })
}

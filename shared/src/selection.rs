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
//! let mut problem = SelectionProblem::new(100.0);
//! problem.candidates = vec![
//!     Candidate::new("crm", 60.0, 60.0).with_demand("developer", "2026-W48", 30.0),
//!     Candidate::new("erp", 50.0, 50.0).with_demand("developer", "2026-W48", 30.0),
//!     Candidate::new("bi", 45.0, 40.0),
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

/// How many branch-and-bound nodes the solver explores between two readings of the caller's
/// clock. A node re-solves one LP warm-started from its parent's basis: on a few hundred
/// candidates that takes well under a millisecond, so a slice is a few milliseconds.
pub const NODES_PER_CLOCK_CHECK: u64 = 64;

/// Relative tolerance of every "fits within" comparison, so that round-off in a sum of costs
/// does not turn a portfolio that spends exactly the budget into an over-spent one.
const RELATIVE_TOLERANCE: f64 = 1e-8;

/// The solver's feasibility and integrality tolerances (its defaults are 1e-7 and 1e-6).
const SOLVER_TOLERANCE: f64 = 1e-9;

// ---------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------

/// Everything the selection needs to know: the candidates, the budget, the capacity per role and
/// week, and the decisions and rules that tie projects together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SelectionProblem {
    /// The projects to choose from, each with a distinct id.
    pub candidates: Vec<Candidate>,
    /// The money available for the whole portfolio, in the unit of [`Candidate::cost`].
    /// `f64::INFINITY` means no budget limit.
    pub budget: f64,
    /// Hours available per role and week. Demand for a role and week not listed here is not
    /// limited (see the module documentation).
    pub capacities: Vec<Capacity>,
    /// Projects that must be in the portfolio (already committed, mandatory, regulatory).
    pub forced_in: Vec<String>,
    /// Projects that must stay out (rejected, on hold).
    pub forced_out: Vec<String>,
    /// "project requires other": the project can only be chosen together with the other.
    pub dependencies: Vec<Dependency>,
    /// Pairs of projects of which at most one may be chosen (alternatives, competing options).
    pub exclusions: Vec<Exclusion>,
}

/// One project that could be funded.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    /// What the project is worth to the portfolio: a score, an NPV, a WSJF value. Not negative.
    pub value: f64,
    /// What the project costs, in the unit of [`SelectionProblem::budget`]. Not negative.
    pub cost: f64,
    /// Hours the project needs, per role and week.
    pub demand: Vec<Demand>,
}

/// Hours a project needs from one role in one week.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub role: String,
    /// An ISO week such as `2026-W48`, compared as an opaque key.
    pub week: String,
    pub hours: f64,
}

/// Hours a role has available in one week (weekly hours of its people minus their time off).
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    pub role: String,
    /// An ISO week such as `2026-W48`, compared as an opaque key.
    pub week: String,
    /// `f64::INFINITY` means no limit.
    pub hours: f64,
}

/// `project` can only be chosen if `requires` is chosen too: x_project ≤ x_requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub project: String,
    pub requires: String,
}

/// At most one of `first` and `second` may be chosen: x_first + x_second ≤ 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub first: String,
    pub second: String,
}

impl SelectionProblem {
    /// A problem with this budget and nothing else yet.
    pub fn new(budget: f64) -> SelectionProblem {
        SelectionProblem { budget, ..SelectionProblem::default() }
    }

    pub fn add_capacity(&mut self, role: &str, week: &str, hours: f64) {
        self.capacities.push(Capacity { role: role.to_owned(), week: week.to_owned(), hours });
    }

    /// `project` can only be chosen together with `requires`.
    pub fn add_dependency(&mut self, project: &str, requires: &str) {
        self.dependencies.push(Dependency { project: project.to_owned(), requires: requires.to_owned() });
    }

    /// At most one of `first` and `second`.
    pub fn add_exclusion(&mut self, first: &str, second: &str) {
        self.exclusions.push(Exclusion { first: first.to_owned(), second: second.to_owned() });
    }
}

impl Candidate {
    pub fn new(id: &str, value: f64, cost: f64) -> Candidate {
        Candidate { id: id.to_owned(), value, cost, demand: Vec::new() }
    }

    /// This candidate, also needing `hours` of `role` in `week`.
    pub fn with_demand(mut self, role: &str, week: &str, hours: f64) -> Candidate {
        self.demand.push(Demand { role: role.to_owned(), week: week.to_owned(), hours });
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/// How long the exact search may run. The default, [`Limits::exact`], has no limit: the search
/// runs until the selection is proven optimal.
#[derive(Clone, Copy, Default)]
pub struct Limits<'clock> {
    /// The most branch-and-bound nodes to explore (the root relaxation is not one).
    /// Deterministic: the answer does not depend on the machine's speed.
    pub max_nodes: Option<u64>,
    /// A time budget measured with the caller's clock.
    pub time: Option<TimeLimit<'clock>>,
    /// Stop as soon as the selection is proven within this relative gap of the optimum
    /// (0.01 = within 1 %). 0 asks for a proof of optimality.
    pub accepted_gap: f64,
}

/// A time budget and the clock that measures it. The clock returns the time since any fixed
/// origin and must not go backwards: in the browser
/// `|| Duration::from_secs_f64(performance.now() / 1000.0)`, natively
/// `move || start.elapsed()` for an `Instant` taken before.
#[derive(Clone, Copy)]
pub struct TimeLimit<'clock> {
    pub clock: &'clock dyn Fn() -> Duration,
    pub budget: Duration,
}

impl<'clock> Limits<'clock> {
    /// No limit: search until the selection is proven optimal.
    pub fn exact() -> Limits<'clock> {
        Limits::default()
    }

    /// At most `max_nodes` branch-and-bound nodes.
    pub fn nodes(max_nodes: u64) -> Limits<'clock> {
        Limits { max_nodes: Some(max_nodes), ..Limits::default() }
    }

    /// These limits, and also at most `budget` of time as measured by `clock`.
    pub fn with_time(self, clock: &'clock dyn Fn() -> Duration, budget: Duration) -> Self {
        Limits { time: Some(TimeLimit { clock, budget }), ..self }
    }

    /// These limits, stopping early once within `accepted_gap` of the optimum.
    pub fn with_accepted_gap(self, accepted_gap: f64) -> Self {
        Limits { accepted_gap, ..self }
    }
}

impl fmt::Debug for Limits<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limits")
            .field("max_nodes", &self.max_nodes)
            .field("time_budget", &self.time.map(|time| time.budget))
            .field("accepted_gap", &self.accepted_gap)
            .finish()
    }
}

impl fmt::Debug for TimeLimit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimeLimit").field("budget", &self.budget).finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// The chosen portfolio and how good it is known to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub status: SelectionStatus,
    /// Ids of the chosen projects, sorted. Empty when infeasible.
    pub chosen: Vec<String>,
    pub total_value: f64,
    pub total_cost: f64,
    /// A proven upper bound on the value of any feasible portfolio. Equals `total_value` when
    /// optimal; 0 when infeasible.
    pub value_bound: f64,
    /// `(value_bound − total_value) / value_bound`, 0 when optimal or infeasible: the share of
    /// the best possible value this selection might be missing.
    pub gap: f64,
    /// Budget and capacity used by the chosen projects.
    pub usage: Usage,
    /// How much searching it took.
    pub effort: SearchEffort,
}

/// How a selection ended.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectionStatus {
    /// Proven optimal: no feasible portfolio is worth more.
    Optimal,
    /// The search stopped before its proof; the selection is feasible and within
    /// [`Selection::gap`] of the optimum.
    Stopped(StopReason),
    /// No portfolio meets every constraint; says which and why.
    Infeasible(Infeasibility),
}

/// Why a search stopped before proving optimality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// [`Limits::max_nodes`] was reached.
    NodeLimit,
    /// [`Limits::time`] ran out.
    TimeLimit,
    /// The gap fell below [`Limits::accepted_gap`].
    GapAccepted,
    /// The caller has not run a [`SelectionSearch`] to its end (yet): paused, or cancelled.
    Paused,
}

/// Why no portfolio can satisfy the constraints. Since costs and demands are never negative,
/// this always comes from the forced-in projects: together with the projects they require,
/// they alone already break a rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Infeasibility {
    #[error(
        "project `{project}` is forced in or required by a forced-in project, and it requires \
         `{requires}`, which is forced out: force `{requires}` in, or stop forcing `{project}` in"
    )]
    Dependency { project: String, requires: String },
    #[error(
        "projects `{first}` and `{second}` exclude each other, but both are forced in or \
         required by forced-in projects: force at most one of them in"
    )]
    Exclusion { first: String, second: String },
    #[error(
        "the forced-in projects and the projects they require cost {forced_cost}, more than the \
         budget of {budget}: raise the budget to at least {forced_cost} or force fewer projects in"
    )]
    Budget { forced_cost: f64, budget: f64 },
    #[error(
        "the forced-in projects and the projects they require need {demand_hours} hours of \
         `{role}` in {week}, more than its capacity of {capacity_hours}: add capacity or force \
         fewer projects in"
    )]
    Capacity { role: String, week: String, demand_hours: f64, capacity_hours: f64 },
}

/// What a portfolio uses, for a UI to show as bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    pub budget: BudgetUse,
    /// Every role and week that has a stated capacity or is demanded by a chosen project,
    /// sorted by role, then week.
    pub capacity: Vec<CapacityUse>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetUse {
    pub used: f64,
    pub available: f64,
}

/// Demand of the chosen projects on one role in one week.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityUse {
    pub role: String,
    pub week: String,
    pub demand_hours: f64,
    /// `None`: no capacity was stated, so this demand was not limited (nor checked).
    pub capacity_hours: Option<f64>,
}

/// What the branch and bound did, summed over all its slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SearchEffort {
    /// Branch-and-bound nodes solved (the root relaxation is not counted).
    pub nodes: u64,
    /// Simplex pivots, the root relaxation included.
    pub lp_iterations: u64,
}

impl BudgetUse {
    /// What is left: `available − used`.
    pub fn slack(&self) -> f64 {
        self.available - self.used
    }

    /// `used / available`; `None` when nothing is available or there is no limit.
    pub fn utilisation(&self) -> Option<f64> {
        utilisation(self.used, self.available)
    }
}

impl CapacityUse {
    /// Hours left; `None` when no capacity was stated.
    pub fn slack_hours(&self) -> Option<f64> {
        self.capacity_hours.map(|capacity| capacity - self.demand_hours)
    }

    /// `demand / capacity`; `None` when no finite, positive capacity was stated.
    pub fn utilisation(&self) -> Option<f64> {
        self.capacity_hours.and_then(|capacity| utilisation(self.demand_hours, capacity))
    }
}

fn utilisation(used: f64, available: f64) -> Option<f64> {
    (available > 0.0 && available.is_finite()).then(|| used / available)
}

/// One point of the efficient frontier: the best selection at one budget level.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontierPoint {
    pub budget: f64,
    pub selection: Selection,
}

/// An instant, approximate selection: **a preview, not optimal.** Candidates are taken in
/// order of value per unit of cost, each with the projects it requires, whenever they all fit.
/// It respects every constraint, but can be far from the best portfolio; [`select`] finds that.
#[derive(Debug, Clone, PartialEq)]
pub struct GreedyPreview {
    /// Ids of the projects the preview takes, sorted. Empty when infeasible.
    pub chosen: Vec<String>,
    pub total_value: f64,
    pub total_cost: f64,
    pub usage: Usage,
    /// Set when no portfolio meets the constraints (then `chosen` is empty).
    pub infeasible: Option<Infeasibility>,
}

/// Input the selection cannot work with. Each message names the bad value and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SelectionError {
    #[error("two candidates have the id `{0}`: give every candidate its own id")]
    DuplicateProject(String),
    #[error("{place} names project `{id}`, which is not a candidate: add it or remove it there")]
    UnknownProject { id: String, place: String },
    #[error("{what} is {value}: give a finite number of 0 or more")]
    BadNumber { what: String, value: f64 },
    #[error("project `{0}` is both forced in and forced out: keep only one of the two")]
    ForcedInAndOut(String),
    #[error("project `{0}` is set to exclude itself, which would forbid it: remove that exclusion")]
    SelfExclusion(String),
    #[error("the capacity of `{role}` in {week} is stated twice: state it once, as the total hours")]
    DuplicateCapacity { role: String, week: String },
    #[error(
        "the solver failed ({0}); the problem's numbers may span too many orders of magnitude: \
         express costs and hours in larger units, or use greedy_preview meanwhile"
    )]
    Solver(String),
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

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
        check_number(budget, true, || "a budget level of the frontier".to_owned())?;
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

// ---------------------------------------------------------------------------------------------
// Validation and the indexed model
// ---------------------------------------------------------------------------------------------

/// A validated problem with its ids replaced by indices.
struct Model<'p> {
    problem: &'p SelectionProblem,
    /// Per project, the projects it requires directly.
    requires: Vec<Vec<usize>>,
    /// Per project, the projects that require it directly.
    required_by: Vec<Vec<usize>>,
    /// Per project, the projects it excludes.
    excludes: Vec<Vec<usize>>,
    forced_in: Vec<bool>,
    forced_out: Vec<bool>,
    /// Every role and week with a stated capacity or some demand, sorted.
    keys: Vec<(String, String)>,
    /// Per key, its stated capacity.
    capacity: Vec<Option<f64>>,
    /// Per project, its hours per key, same-key demands added up.
    demand: Vec<Vec<(usize, f64)>>,
}

/// Where a project stands once the forced decisions are propagated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fixed {
    In,
    Out,
    Free,
}

fn check_number(value: f64, infinity_allowed: bool, what: impl FnOnce() -> String) -> Result<(), SelectionError> {
    let fine = value >= 0.0 && (value.is_finite() || infinity_allowed);
    if fine {
        Ok(())
    } else {
        Err(SelectionError::BadNumber { what: what(), value })
    }
}

fn check_limits(limits: &Limits) -> Result<(), SelectionError> {
    check_number(limits.accepted_gap, false, || "the accepted gap of the limits".to_owned())
}

/// `used` is within `limit`, allowing for round-off.
fn fits(used: f64, limit: f64) -> bool {
    used <= limit + RELATIVE_TOLERANCE * limit.abs().max(1.0)
}

impl<'p> Model<'p> {
    fn new(problem: &'p SelectionProblem) -> Result<Model<'p>, SelectionError> {
        let count = problem.candidates.len();
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(count);
        for (position, candidate) in problem.candidates.iter().enumerate() {
            if index.insert(candidate.id.as_str(), position).is_some() {
                return Err(SelectionError::DuplicateProject(candidate.id.clone()));
            }
        }
        check_number(problem.budget, true, || "the budget".to_owned())?;

        let mut keys: BTreeMap<(&str, &str), Option<f64>> = BTreeMap::new();
        for capacity in &problem.capacities {
            check_number(capacity.hours, true, || format!("the capacity of `{}` in {}", capacity.role, capacity.week))?;
            if keys.insert((&capacity.role, &capacity.week), Some(capacity.hours)).is_some() {
                return Err(SelectionError::DuplicateCapacity {
                    role: capacity.role.clone(),
                    week: capacity.week.clone(),
                });
            }
        }
        for candidate in &problem.candidates {
            check_number(candidate.value, false, || format!("the value of project `{}`", candidate.id))?;
            check_number(candidate.cost, false, || format!("the cost of project `{}`", candidate.id))?;
            for demand in &candidate.demand {
                check_number(demand.hours, false, || {
                    format!("the demand of project `{}` for `{}` in {}", candidate.id, demand.role, demand.week)
                })?;
                keys.entry((&demand.role, &demand.week)).or_insert(None);
            }
        }
        let key_index: HashMap<(&str, &str), usize> =
            keys.keys().enumerate().map(|(position, &key)| (key, position)).collect();
        let demand = problem
            .candidates
            .iter()
            .map(|candidate| {
                let mut hours: BTreeMap<usize, f64> = BTreeMap::new();
                for demand in &candidate.demand {
                    *hours.entry(key_index[&(demand.role.as_str(), demand.week.as_str())]).or_default() += demand.hours;
                }
                hours.into_iter().filter(|&(_, hours)| hours > 0.0).collect()
            })
            .collect();

        let find = |id: &str, place: &dyn Fn() -> String| {
            index.get(id).copied().ok_or_else(|| SelectionError::UnknownProject { id: id.to_owned(), place: place() })
        };
        let mut forced_in = vec![false; count];
        for id in &problem.forced_in {
            forced_in[find(id, &|| "the forced-in list".to_owned())?] = true;
        }
        let mut forced_out = vec![false; count];
        for id in &problem.forced_out {
            let project = find(id, &|| "the forced-out list".to_owned())?;
            if forced_in[project] {
                return Err(SelectionError::ForcedInAndOut(id.clone()));
            }
            forced_out[project] = true;
        }
        let mut requires = vec![Vec::new(); count];
        let mut required_by = vec![Vec::new(); count];
        for dependency in &problem.dependencies {
            let place = || format!("the dependency `{}` requires `{}`", dependency.project, dependency.requires);
            let project = find(&dependency.project, &place)?;
            let required = find(&dependency.requires, &place)?;
            if project != required {
                requires[project].push(required);
                required_by[required].push(project);
            }
        }
        let mut excludes = vec![Vec::new(); count];
        for exclusion in &problem.exclusions {
            let place = || format!("the exclusion of `{}` and `{}`", exclusion.first, exclusion.second);
            let first = find(&exclusion.first, &place)?;
            let second = find(&exclusion.second, &place)?;
            if first == second {
                return Err(SelectionError::SelfExclusion(exclusion.first.clone()));
            }
            excludes[first].push(second);
            excludes[second].push(first);
        }

        let (keys, capacity) =
            keys.into_iter().map(|((role, week), hours)| ((role.to_owned(), week.to_owned()), hours)).unzip();
        Ok(Model { problem, requires, required_by, excludes, forced_in, forced_out, keys, capacity, demand })
    }

    fn len(&self) -> usize {
        self.problem.candidates.len()
    }

    fn candidate(&self, project: usize) -> &Candidate {
        &self.problem.candidates[project]
    }

    fn id(&self, project: usize) -> String {
        self.candidate(project).id.clone()
    }

    /// Propagates the forced decisions at this budget: which projects are in whatever the
    /// search does, which can never be added, and which are left to decide. Fails when the
    /// projects that must be in already break a constraint (see the module documentation for
    /// why that is exact).
    fn fix(&self, budget: f64) -> Result<Vec<Fixed>, Infeasibility> {
        let count = self.len();
        let mut fixed = vec![Fixed::Free; count];

        // The forced-in projects and everything they require, transitively.
        let mut queue: VecDeque<usize> = (0..count).filter(|&p| self.forced_in[p]).collect();
        for &project in &queue {
            fixed[project] = Fixed::In;
        }
        while let Some(project) = queue.pop_front() {
            for &required in &self.requires[project] {
                if self.forced_out[required] {
                    return Err(Infeasibility::Dependency { project: self.id(project), requires: self.id(required) });
                }
                if fixed[required] != Fixed::In {
                    fixed[required] = Fixed::In;
                    queue.push_back(required);
                }
            }
        }
        let inside: Vec<bool> = fixed.iter().map(|&f| f == Fixed::In).collect();
        for project in (0..count).filter(|&p| inside[p]) {
            if let Some(&other) = self.excludes[project].iter().find(|&&other| inside[other]) {
                return Err(Infeasibility::Exclusion { first: self.id(project), second: self.id(other) });
            }
        }
        let forced_cost = self.total_cost(&inside);
        if !fits(forced_cost, budget) {
            return Err(Infeasibility::Budget { forced_cost, budget });
        }
        let forced_demand = self.demand_per_key(&inside);
        for (key, &demand_hours) in forced_demand.iter().enumerate() {
            if let Some(capacity_hours) = self.capacity[key] {
                if !fits(demand_hours, capacity_hours) {
                    let (role, week) = self.keys[key].clone();
                    return Err(Infeasibility::Capacity { role, week, demand_hours, capacity_hours });
                }
            }
        }

        // What can never join: forced out, excluded by a project that is in, too big for what is
        // left; and, transitively, whatever requires such a project.
        let budget_left = budget - forced_cost;
        let cannot_join = |project: usize| {
            let excluded = self.excludes[project].iter().any(|&other| inside[other]);
            let too_big = !fits(self.candidate(project).cost, budget_left)
                || self.demand[project].iter().any(|&(key, hours)| {
                    self.capacity[key].is_some_and(|capacity| !fits(forced_demand[key] + hours, capacity))
                });
            self.forced_out[project] || excluded || too_big
        };
        let mut queue: VecDeque<usize> = (0..count).filter(|&p| fixed[p] == Fixed::Free && cannot_join(p)).collect();
        for &project in &queue {
            fixed[project] = Fixed::Out;
        }
        while let Some(project) = queue.pop_front() {
            for &dependent in &self.required_by[project] {
                if fixed[dependent] == Fixed::Free {
                    fixed[dependent] = Fixed::Out;
                    queue.push_back(dependent);
                }
            }
        }
        Ok(fixed)
    }

    fn total_value(&self, chosen: &[bool]) -> f64 {
        (0..self.len()).filter(|&p| chosen[p]).map(|p| self.candidate(p).value).sum()
    }

    fn total_cost(&self, chosen: &[bool]) -> f64 {
        (0..self.len()).filter(|&p| chosen[p]).map(|p| self.candidate(p).cost).sum()
    }

    fn demand_per_key(&self, chosen: &[bool]) -> Vec<f64> {
        let mut per_key = vec![0.0; self.keys.len()];
        for project in (0..self.len()).filter(|&p| chosen[p]) {
            for &(key, hours) in &self.demand[project] {
                per_key[key] += hours;
            }
        }
        per_key
    }

    fn ids(&self, chosen: &[bool]) -> Vec<String> {
        let mut ids: Vec<String> = (0..self.len()).filter(|&p| chosen[p]).map(|p| self.id(p)).collect();
        ids.sort();
        ids
    }

    fn membership(&self, ids: &[String]) -> Vec<bool> {
        let set: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        self.problem.candidates.iter().map(|c| set.contains(c.id.as_str())).collect()
    }

    fn usage(&self, chosen: &[bool], budget: f64) -> Usage {
        let demand = self.demand_per_key(chosen);
        let capacity = self
            .keys
            .iter()
            .zip(&self.capacity)
            .zip(demand)
            .filter(|&((_, capacity), demand_hours)| capacity.is_some() || demand_hours > 0.0)
            .map(|(((role, week), &capacity_hours), demand_hours)| CapacityUse {
                role: role.clone(),
                week: week.clone(),
                demand_hours,
                capacity_hours,
            })
            .collect();
        Usage { budget: BudgetUse { used: self.total_cost(chosen), available: budget }, capacity }
    }

    /// The first rule `chosen` breaks at this budget, if any: the check every answer passes
    /// before it is returned, whoever computed it.
    fn violation(&self, chosen: &[bool], budget: f64) -> Option<String> {
        for project in (0..self.len()).filter(|&p| chosen[p]) {
            if self.forced_out[project] {
                return Some(format!("forced-out `{}` chosen", self.id(project)));
            }
            if let Some(&required) = self.requires[project].iter().find(|&&r| !chosen[r]) {
                return Some(format!("`{}` chosen without `{}`", self.id(project), self.id(required)));
            }
            if let Some(&other) = self.excludes[project].iter().find(|&&o| chosen[o]) {
                return Some(format!("`{}` and `{}` both chosen", self.id(project), self.id(other)));
            }
        }
        if let Some(project) = (0..self.len()).find(|&p| self.forced_in[p] && !chosen[p]) {
            return Some(format!("forced-in `{}` left out", self.id(project)));
        }
        let cost = self.total_cost(chosen);
        if !fits(cost, budget) {
            return Some(format!("cost {cost} over the budget {budget}"));
        }
        for (key, demand) in self.demand_per_key(chosen).into_iter().enumerate() {
            if let Some(capacity) = self.capacity[key] {
                if !fits(demand, capacity) {
                    return Some(format!("{demand} hours over the capacity {capacity} of {:?}", self.keys[key]));
                }
            }
        }
        None
    }

    /// `chosen` without the free projects worth nothing that no chosen project requires: the
    /// solver may take them, as they cost it no value, but they would spend budget and
    /// capacity for nothing. Dropping one breaks no rule and keeps the value.
    fn without_worthless(&self, mut chosen: Vec<bool>, fixed: &[Fixed]) -> Vec<bool> {
        let mut dropped = true;
        while dropped {
            dropped = false;
            for project in 0..self.len() {
                let worthless = chosen[project]
                    && fixed[project] == Fixed::Free
                    && self.candidate(project).value == 0.0
                    && self.required_by[project].iter().all(|&dependent| !chosen[dependent]);
                if worthless {
                    chosen[project] = false;
                    dropped = true;
                }
            }
        }
        chosen
    }

    /// The value-per-cost greedy: starting from the projects fixed in (plus `start`, a portfolio
    /// known to fit), takes each free candidate with the projects it requires whenever the whole
    /// group fits every constraint.
    fn greedy(&self, fixed: &[Fixed], budget: f64, start: Option<&[bool]>) -> Vec<bool> {
        let count = self.len();
        let mut chosen: Vec<bool> =
            (0..count).map(|p| fixed[p] == Fixed::In || start.is_some_and(|start| start[p])).collect();
        let mut cost = self.total_cost(&chosen);
        let mut demand = self.demand_per_key(&chosen);

        let ratio = |p: usize| {
            let candidate = self.candidate(p);
            if candidate.cost > 0.0 {
                candidate.value / candidate.cost
            } else {
                f64::INFINITY
            }
        };
        let mut order: Vec<usize> =
            (0..count).filter(|&p| fixed[p] == Fixed::Free && self.candidate(p).value > 0.0).collect();
        order.sort_by(|&a, &b| {
            ratio(b)
                .total_cmp(&ratio(a))
                .then(self.candidate(b).value.total_cmp(&self.candidate(a).value))
                .then(self.candidate(a).id.cmp(&self.candidate(b).id))
        });

        for project in order {
            if chosen[project] {
                continue;
            }
            // The project and whatever it requires that is not chosen yet.
            let mut group = vec![project];
            let mut in_group = vec![false; count];
            in_group[project] = true;
            let mut next = 0;
            let mut possible = true;
            while next < group.len() && possible {
                for &required in &self.requires[group[next]] {
                    if !chosen[required] && !in_group[required] {
                        possible &= fixed[required] == Fixed::Free;
                        in_group[required] = true;
                        group.push(required);
                    }
                }
                next += 1;
            }
            possible = possible
                && group
                    .iter()
                    .all(|&member| self.excludes[member].iter().all(|&other| !chosen[other] && !in_group[other]));
            if !possible {
                continue;
            }
            let group_cost: f64 = group.iter().map(|&member| self.candidate(member).cost).sum();
            if !fits(cost + group_cost, budget) {
                continue;
            }
            let mut new_demand = demand.clone();
            for &member in &group {
                for &(key, hours) in &self.demand[member] {
                    new_demand[key] += hours;
                }
            }
            let within_capacity = new_demand
                .iter()
                .zip(&self.capacity)
                .all(|(&hours, capacity)| capacity.is_none_or(|capacity| fits(hours, capacity)));
            if !within_capacity {
                continue;
            }
            for &member in &group {
                chosen[member] = true;
            }
            cost += group_cost;
            demand = new_demand;
        }
        chosen
    }
}

// ---------------------------------------------------------------------------------------------
// The exact search
// ---------------------------------------------------------------------------------------------

/// Solves the problem at `budget`, starting from `start` (a portfolio feasible at a smaller
/// budget, for the frontier) when given.
fn solve_at_budget(
    model: &Model,
    budget: f64,
    limits: &Limits,
    start: Option<&[bool]>,
) -> Result<Selection, SelectionError> {
    let mut search = Search::start(model, budget, start);
    let started = limits.time.map(|time| (time.clock)());
    let sliced = limits.time.is_some();
    // Nodes for the next call: a slice when a clock is to be read, else the rest of the budget.
    let next_slice = |solved: u64| -> Option<u64> {
        let left = limits.max_nodes.map(|max| max.saturating_sub(solved));
        match (sliced, left) {
            (true, Some(left)) => Some(left.min(NODES_PER_CLOCK_CHECK)),
            (true, None) => Some(NODES_PER_CLOCK_CHECK),
            (false, left) => left,
        }
    };
    let out_of_time = || match (limits.time, started) {
        (Some(time), Some(started)) => (time.clock)().saturating_sub(started) >= time.budget,
        _ => false,
    };
    let stop = loop {
        if let Some(end) = search.end() {
            break end;
        }
        if search.has_started() {
            let solved = search.effort().nodes;
            if limits.max_nodes.is_some_and(|max| solved >= max) {
                break Some(StopReason::NodeLimit);
            }
            if out_of_time() {
                break Some(StopReason::TimeLimit);
            }
        }
        search.advance(next_slice(search.effort().nodes), limits.accepted_gap)?;
    };
    search.selection(model, stop)
}

/// An exact selection run a slice at a time, for a caller that must stay responsive: a browser
/// runs [`SelectionSearch::step`] for a few milliseconds, yields to the page (to draw the
/// progress, or to take a click on Cancel), and steps again. Between steps,
/// [`SelectionSearch::selection`] is the best portfolio found so far with its proven gap.
///
/// ```
/// use shared::selection::{Candidate, SelectionProblem, SelectionSearch, SelectionStatus};
///
/// let mut problem = SelectionProblem::new(10.0);
/// problem.candidates = vec![Candidate::new("a", 12.0, 6.0), Candidate::new("b", 9.0, 5.0), Candidate::new("c", 9.0, 5.0)];
/// let mut search = SelectionSearch::new(&problem).unwrap();
/// while !search.step(4).unwrap() {}
/// let selection = search.selection().unwrap();
/// assert_eq!(selection.status, SelectionStatus::Optimal);
/// assert_eq!(selection.chosen, ["b", "c"]);
/// ```
pub struct SelectionSearch<'problem> {
    model: Model<'problem>,
    search: Search,
}

impl<'problem> SelectionSearch<'problem> {
    /// Validates the problem, settles the forced decisions and finds the greedy start; the
    /// branch and bound itself waits for [`SelectionSearch::step`].
    pub fn new(problem: &'problem SelectionProblem) -> Result<SelectionSearch<'problem>, SelectionError> {
        let model = Model::new(problem)?;
        let search = Search::start(&model, problem.budget, None);
        Ok(SelectionSearch { model, search })
    }

    /// Explores at most `nodes` more branch-and-bound nodes (the first step also solves the
    /// root relaxation, which cannot be cut short) and answers whether the search is over.
    pub fn step(&mut self, nodes: u64) -> Result<bool, SelectionError> {
        if self.search.end().is_none() {
            self.search.advance(Some(nodes.max(1)), 0.0)?;
        }
        Ok(self.search.end().is_some())
    }

    /// Whether the search is over (proven optimal, or infeasible).
    pub fn is_finished(&self) -> bool {
        self.search.end().is_some()
    }

    /// The nodes explored so far.
    pub fn effort(&self) -> SearchEffort {
        self.search.effort()
    }

    /// The best portfolio so far: optimal once the search is over, otherwise
    /// [`StopReason::Paused`] with the gap proven so far.
    pub fn selection(&self) -> Result<Selection, SelectionError> {
        let stop = match self.search.end() {
            Some(end) => end,
            None => Some(StopReason::Paused),
        };
        self.search.selection(&self.model, stop)
    }
}

impl fmt::Debug for SelectionSearch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectionSearch").field("effort", &self.search.effort()).finish_non_exhaustive()
    }
}

/// The branch and bound at one budget level, resumable: what is settled before the search
/// (forced decisions, the seed) and the solver's state in between slices.
struct Search {
    budget: f64,
    fixed: Result<Vec<Fixed>, Infeasibility>,
    /// The seed: the better of the greedy portfolio and the greedy completion of the start.
    seed: Vec<bool>,
    free: Vec<usize>,
    milp: Option<Milp>,
    /// The solver's state after the last slice; `None` before the first.
    outcome: Option<microlp::SolveOutcome>,
}

impl Search {
    fn start(model: &Model, budget: f64, start: Option<&[bool]>) -> Search {
        let fixed = model.fix(budget);
        let (seed, free, milp) = match &fixed {
            Err(_) => (vec![false; model.len()], Vec::new(), None),
            Ok(fixed) => {
                let mut seed = model.greedy(fixed, budget, None);
                if let Some(start) = start {
                    let completed = model.greedy(fixed, budget, Some(start));
                    if model.total_value(&completed) > model.total_value(&seed) {
                        seed = completed;
                    }
                }
                debug_assert_eq!(model.violation(&seed, budget), None);
                let free: Vec<usize> = (0..model.len()).filter(|&p| fixed[p] == Fixed::Free).collect();
                let milp = (!free.is_empty()).then(|| Milp::build(model, fixed, &free, budget));
                (seed, free, milp)
            }
        };
        Search { budget, fixed, seed, free, milp, outcome: None }
    }

    fn has_started(&self) -> bool {
        self.outcome.is_some()
    }

    /// `Some` once the search is over: `Some(None)` proven (or nothing to search),
    /// `Some(Some(GapAccepted))` within the accepted gap.
    fn end(&self) -> Option<Option<StopReason>> {
        if self.milp.is_none() {
            return Some(None);
        }
        match self.outcome.as_ref()?.termination_reason() {
            TerminationReason::ProvenOptimal => Some(None),
            TerminationReason::MipGap => Some(Some(StopReason::GapAccepted)),
            _ => None,
        }
    }

    fn effort(&self) -> SearchEffort {
        self.outcome.as_ref().map_or_else(SearchEffort::default, |outcome| {
            let stats = outcome.stats();
            SearchEffort { nodes: stats.nodes_solved, lp_iterations: stats.lp_iterations }
        })
    }

    /// Runs the solver for at most `nodes` more nodes (`None`: until it is done).
    fn advance(&mut self, nodes: Option<u64>, accepted_gap: f64) -> Result<(), SelectionError> {
        let Some(milp) = &self.milp else { return Ok(()) };
        let outcome = match self.outcome.take() {
            None => milp.problem.solve_with(milp.options(&self.seed, nodes, accepted_gap)),
            Some(outcome) => {
                let mut resume = ResumeOptions::default();
                resume.node_limit = nodes;
                resume.mip_gap = Some(accepted_gap);
                outcome.resume_with(resume)
            }
        };
        self.outcome = Some(outcome.map_err(solver_error)?);
        Ok(())
    }

    /// The best portfolio so far, its bound and gap; `stop` says why the search ended, or
    /// `None` for a proof.
    fn selection(&self, model: &Model, stop: Option<StopReason>) -> Result<Selection, SelectionError> {
        let budget = self.budget;
        let fixed = match &self.fixed {
            Ok(fixed) => fixed,
            Err(infeasibility) => {
                return Ok(Selection {
                    status: SelectionStatus::Infeasible(infeasibility.clone()),
                    chosen: Vec::new(),
                    total_value: 0.0,
                    total_cost: 0.0,
                    value_bound: 0.0,
                    gap: 0.0,
                    usage: model.usage(&vec![false; model.len()], budget),
                    effort: SearchEffort::default(),
                });
            }
        };
        let fixed_in: Vec<bool> = fixed.iter().map(|&f| f == Fixed::In).collect();
        let free = &self.free;
        let (chosen, bound, status, effort) = match &self.milp {
            None => (fixed_in.clone(), model.total_value(&fixed_in), SelectionStatus::Optimal, SearchEffort::default()),
            Some(milp) => {
                let outcome = milp.outcome(self.outcome.as_ref(), stop);
                let seed = self.seed.clone();
                let chosen = match &outcome.values {
                    Some(values) => {
                        let mut chosen = fixed_in.clone();
                        for (&project, &value) in free.iter().zip(values) {
                            chosen[project] = value > 0.5;
                        }
                        if let Some(broken) = model.violation(&chosen, budget) {
                            return Err(SelectionError::Solver(format!("its answer breaks a rule: {broken}")));
                        }
                        // A limit can stop the search before it improves on its seed; keep the better.
                        if model.total_value(&chosen) >= model.total_value(&seed) {
                            chosen
                        } else {
                            seed
                        }
                    }
                    None => seed,
                };
                let chosen = model.without_worthless(chosen, fixed);
                let value = model.total_value(&chosen);
                let bound = match outcome.free_value_bound {
                    Some(free_bound) => (model.total_value(&fixed_in) + free_bound).max(value),
                    // No bound yet (stopped before the root relaxation settled): every free value.
                    None => model.total_value(&fixed_in) + free.iter().map(|&p| model.candidate(p).value).sum::<f64>(),
                };
                (chosen, bound, outcome.status, outcome.effort)
            }
        };

        let total_value = model.total_value(&chosen);
        let gap = if bound > 0.0 { ((bound - total_value) / bound).max(0.0) } else { 0.0 };
        // A search stopped with its bound equal to its value has in fact proven optimality.
        let status = match status {
            SelectionStatus::Stopped(_) if gap <= RELATIVE_TOLERANCE => SelectionStatus::Optimal,
            status => status,
        };
        let (value_bound, gap) = match status {
            SelectionStatus::Optimal => (total_value, 0.0),
            _ => (bound, gap),
        };
        Ok(Selection {
            status,
            chosen: model.ids(&chosen),
            total_value,
            total_cost: model.total_cost(&chosen),
            value_bound,
            gap,
            usage: model.usage(&chosen, budget),
            effort,
        })
    }
}

/// The integer programme over the free projects, with the fixed-in projects' use taken off the
/// right-hand sides. Every row is divided by its largest coefficient, and the objective by the
/// largest value, so that money and hours of any unit meet the solver in the same range.
struct Milp {
    problem: Problem,
    /// The free projects, and the variable of each.
    free: Vec<usize>,
    variables: Vec<Variable>,
    value_scale: f64,
}

struct MilpOutcome {
    /// The free projects' values (near 0 or 1), when the solver has a portfolio.
    values: Option<Vec<f64>>,
    /// A proven upper bound on the free projects' part of the value.
    free_value_bound: Option<f64>,
    status: SelectionStatus,
    effort: SearchEffort,
}

impl Milp {
    fn build(model: &Model, fixed: &[Fixed], free: &[usize], budget: f64) -> Milp {
        let value_scale = free.iter().map(|&p| model.candidate(p).value).fold(0.0, f64::max);
        let value_scale = if value_scale > 0.0 { value_scale } else { 1.0 };
        let mut problem = Problem::new(OptimizationDirection::Maximize);
        let variables: Vec<Variable> =
            free.iter().map(|&p| problem.add_binary_var(model.candidate(p).value / value_scale)).collect();
        let mut position = vec![None; model.len()];
        for (slot, &project) in free.iter().enumerate() {
            position[project] = Some(slot);
        }
        let fixed_in: Vec<bool> = fixed.iter().map(|&f| f == Fixed::In).collect();

        let mut add_row = |terms: Vec<(Variable, f64)>, limit: f64| {
            let largest = terms.iter().map(|&(_, coefficient)| coefficient).fold(0.0, f64::max);
            let total: f64 = terms.iter().map(|&(_, coefficient)| coefficient).sum();
            // A row the free projects cannot break, all together, needs no constraint.
            if largest > 0.0 && limit.is_finite() && !fits(total, limit) {
                let scaled: Vec<(Variable, f64)> =
                    terms.into_iter().map(|(variable, coefficient)| (variable, coefficient / largest)).collect();
                problem.add_constraint(scaled, ComparisonOp::Le, limit.max(0.0) / largest);
            }
        };
        let budget_terms = free.iter().zip(&variables).map(|(&p, &v)| (v, model.candidate(p).cost)).collect();
        add_row(budget_terms, budget - model.total_cost(&fixed_in));
        let forced_demand = model.demand_per_key(&fixed_in);
        let mut demand_terms: Vec<Vec<(Variable, f64)>> = vec![Vec::new(); model.keys.len()];
        for (&project, &variable) in free.iter().zip(&variables) {
            for &(key, hours) in &model.demand[project] {
                demand_terms[key].push((variable, hours));
            }
        }
        for (key, terms) in demand_terms.into_iter().enumerate() {
            if let Some(capacity) = model.capacity[key] {
                add_row(terms, capacity - forced_demand[key]);
            }
        }
        // Logic rows between two free projects only: propagation settled every other pair.
        for &project in free {
            let variable = variables[position[project].expect("free")];
            for &required in &model.requires[project] {
                if let Some(slot) = position[required] {
                    problem.add_constraint([(variable, 1.0), (variables[slot], -1.0)], ComparisonOp::Le, 0.0);
                }
            }
            for &other in &model.excludes[project] {
                match position[other] {
                    Some(slot) if other > project => {
                        problem.add_constraint([(variable, 1.0), (variables[slot], 1.0)], ComparisonOp::Le, 1.0);
                    }
                    _ => {}
                }
            }
        }
        Milp { problem, free: free.to_vec(), variables, value_scale }
    }

    /// The solver's options for the first slice: at most `nodes` nodes, starting from `seed`.
    fn options(&self, seed: &[bool], nodes: Option<u64>, accepted_gap: f64) -> SolveOptions {
        let mut options = SolveOptions::default();
        options.node_limit = nodes;
        options.mip_gap = accepted_gap;
        // The solver holds rows to an absolute tolerance in scaled units, that is to
        // `SOLVER_TOLERANCE` times a row's largest coefficient, which propagation keeps below the
        // row's limit; and a value within `int_tol` of 0 or 1 counts as integral, so rounding it
        // moves a row by at most that times the row's total. Both are kept well inside
        // `RELATIVE_TOLERANCE`, so every portfolio the solver accepts passes `Model::violation`.
        options.int_tol = SOLVER_TOLERANCE;
        options.tolerances.feasibility = SOLVER_TOLERANCE;
        options.warm_start = Some(
            self.free
                .iter()
                .zip(&self.variables)
                .map(|(&project, &variable)| (variable, if seed[project] { 1.0 } else { 0.0 }))
                .collect(),
        );
        options
    }

    /// What the solver has so far: its portfolio, bound and effort.
    fn outcome(&self, outcome: Option<&microlp::SolveOutcome>, stop: Option<StopReason>) -> MilpOutcome {
        let status = stop.map_or(SelectionStatus::Optimal, SelectionStatus::Stopped);
        let Some(outcome) = outcome else {
            return MilpOutcome { values: None, free_value_bound: None, status, effort: SearchEffort::default() };
        };
        let stats = outcome.stats();
        let values = outcome
            .solution()
            .map(|solution| self.variables.iter().map(|&variable| solution.var_value(variable)).collect());
        MilpOutcome {
            values,
            free_value_bound: stats.best_bound.map(|bound| bound * self.value_scale),
            status,
            effort: SearchEffort { nodes: stats.nodes_solved, lp_iterations: stats.lp_iterations },
        }
    }
}

fn solver_error(error: microlp::Error) -> SelectionError {
    match error {
        // Propagation proved the fixed-in projects fit, so the empty choice of free projects is
        // feasible: a verdict of infeasible can only come from round-off.
        microlp::Error::Infeasible => SelectionError::Solver("it found no feasible portfolio".to_owned()),
        other => SelectionError::Solver(other.to_string()),
    }
}

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
            Candidate::new(project.id.as_str(), values.get(&project.id).copied().unwrap_or(0.0), project.budget);
        for ((role, week), hours) in demand.get(&project.id).into_iter().flatten() {
            if horizon.contains(week) {
                candidate = candidate.with_demand(role, &week.to_string(), *hours);
            }
        }
        problem.candidates.push(candidate);
        if project.stage == Stage::Active {
            problem.forced_in.push(project.id.to_string());
        }
        for on in &project.depends_on {
            match board.project(on).map(|p| p.stage) {
                Some(Stage::Cancelled) => problem.forced_out.push(project.id.to_string()),
                Some(stage) if in_play(stage) => problem.add_dependency(project.id.as_str(), on.as_str()),
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

#[cfg(test)]
mod tests {
    use super::*;

    type Ids = &'static [&'static str];
    type Pairs = &'static [(&'static str, &'static str)];

    /// A problem with these `(id, value, cost)` candidates and nothing else.
    fn problem(budget: f64, candidates: &[(&str, f64, f64)]) -> SelectionProblem {
        let mut problem = SelectionProblem::new(budget);
        problem.candidates = candidates.iter().map(|&(id, value, cost)| Candidate::new(id, value, cost)).collect();
        problem
    }

    fn optimal(problem: &SelectionProblem) -> Selection {
        let selection = select(problem, &Limits::exact()).unwrap();
        assert_eq!(selection.status, SelectionStatus::Optimal, "{selection:#?}");
        assert_eq!(selection.gap, 0.0);
        assert_eq!(selection.value_bound, selection.total_value);
        selection
    }

    /// Checks `selection` against `expected` chosen ids and value, and against every rule.
    fn assert_selects(problem: &SelectionProblem, expected: &[&str], value: f64) {
        let selection = optimal(problem);
        assert_eq!(selection.chosen, expected, "{selection:#?}");
        assert!((selection.total_value - value).abs() < 1e-9, "{selection:#?}");
        let model = Model::new(problem).unwrap();
        let chosen = model.membership(&selection.chosen);
        assert_eq!(model.violation(&chosen, problem.budget), None);
    }

    /// The classic trap for the ratio order. Budget 10:
    ///
    /// | project | value | cost | value/cost |
    /// |---|---|---|---|
    /// | a | 12 | 6 | 2.0 |
    /// | b | 9 | 5 | 1.8 |
    /// | c | 9 | 5 | 1.8 |
    /// | d | 3 | 2 | 1.5 |
    /// | e | 1 | 4 | 0.25 |
    ///
    /// Greedy takes a (6), then b and c no longer fit (11), d fits (8), e does not (12): value 15.
    /// The optimum is b + c = 18 at cost 10. Any set with a has at most 4 left, which buys d
    /// (15) or e (13); without a, two of b, c, d, e cost at least 6 and three cost at least 11,
    /// so the best pair is b + c.
    #[test]
    fn the_solver_beats_the_ratio_order_on_a_knapsack() {
        let problem =
            problem(10.0, &[("a", 12.0, 6.0), ("b", 9.0, 5.0), ("c", 9.0, 5.0), ("d", 3.0, 2.0), ("e", 1.0, 4.0)]);
        let preview = greedy_preview(&problem).unwrap();
        assert_eq!(preview.chosen, ["a", "d"]);
        assert_eq!(preview.total_value, 15.0);
        assert_eq!(preview.infeasible, None);

        assert_selects(&problem, &["b", "c"], 18.0);
        let selection = optimal(&problem);
        assert_eq!(selection.total_cost, 10.0);
        assert_eq!(selection.usage.budget, BudgetUse { used: 10.0, available: 10.0 });
        assert_eq!(selection.usage.budget.slack(), 0.0);
        assert_eq!(selection.usage.budget.utilisation(), Some(1.0));
    }

    /// The sliced search reaches the optimum of the knapsack above one node at a time, and
    /// between slices offers a feasible portfolio with a gap that never grows.
    #[test]
    fn a_search_run_in_slices_finds_what_select_finds() {
        let problem =
            problem(10.0, &[("a", 12.0, 6.0), ("b", 9.0, 5.0), ("c", 9.0, 5.0), ("d", 3.0, 2.0), ("e", 1.0, 4.0)]);
        let mut search = SelectionSearch::new(&problem).unwrap();
        // Before any step: the greedy portfolio a + d (15), paused.
        let before = search.selection().unwrap();
        assert_eq!(before.chosen, ["a", "d"]);
        assert_eq!(before.status, SelectionStatus::Stopped(StopReason::Paused));
        let mut gap = before.gap;
        let mut steps = 0;
        while !search.step(1).unwrap() {
            let now = search.selection().unwrap();
            let model = Model::new(&problem).unwrap();
            assert_eq!(model.violation(&model.membership(&now.chosen), 10.0), None);
            assert!(now.gap <= gap + 1e-12, "the gap grew from {gap} to {}", now.gap);
            gap = now.gap;
            steps += 1;
            assert!(steps < 1000, "the search does not end");
        }
        assert!(search.is_finished());
        let done = search.selection().unwrap();
        assert_eq!(done.status, SelectionStatus::Optimal);
        assert_eq!(done.chosen, ["b", "c"]);
        assert_eq!(done.total_value, 18.0);
        assert_eq!(done, select(&problem, &Limits::exact()).unwrap());
    }

    /// Budget is plenty (1000); developers have 40 hours in W48 and 40 in W49.
    /// crm needs 30 + 0, erp 30 + 10, portal 0 + 35, bi 15 + 15.
    /// W48 allows at most one of crm and erp next to bi (30 + 15 ≤ 40, but 30 + 30 > 40).
    /// W49: portal (35) excludes bi (15) and erp (10). Candidates, value:
    /// crm 50, erp 55, portal 40, bi 30.
    /// - with portal: W49 leaves 5, so neither erp nor bi; add crm: 90.
    /// - without portal: one of crm/erp plus bi: erp + bi = 85 (W49 25 ≤ 40), crm + bi = 80.
    ///
    /// So crm + portal = 90 is optimal.
    #[test]
    fn capacity_per_role_and_week_is_respected() {
        let mut problem = SelectionProblem::new(1000.0);
        problem.candidates = vec![
            Candidate::new("crm", 50.0, 100.0).with_demand("developer", "2026-W48", 30.0),
            Candidate::new("erp", 55.0, 100.0).with_demand("developer", "2026-W48", 30.0).with_demand(
                "developer",
                "2026-W49",
                10.0,
            ),
            Candidate::new("portal", 40.0, 100.0).with_demand("developer", "2026-W49", 35.0),
            Candidate::new("bi", 30.0, 100.0).with_demand("developer", "2026-W48", 15.0).with_demand(
                "developer",
                "2026-W49",
                15.0,
            ),
        ];
        problem.add_capacity("developer", "2026-W48", 40.0);
        problem.add_capacity("developer", "2026-W49", 40.0);
        assert_selects(&problem, &["crm", "portal"], 90.0);

        let usage = optimal(&problem).usage.capacity;
        assert_eq!(
            usage,
            [
                CapacityUse {
                    role: "developer".into(),
                    week: "2026-W48".into(),
                    demand_hours: 30.0,
                    capacity_hours: Some(40.0),
                },
                CapacityUse {
                    role: "developer".into(),
                    week: "2026-W49".into(),
                    demand_hours: 35.0,
                    capacity_hours: Some(40.0),
                },
            ]
        );
        assert_eq!(usage[1].slack_hours(), Some(5.0));
        assert_eq!(usage[1].utilisation(), Some(35.0 / 40.0));
    }

    /// Demand for a role and week without a stated capacity is not limited, and shows in the
    /// usage with no capacity; a stated capacity of 0 forbids the role that week.
    #[test]
    fn unstated_capacity_is_unlimited_and_reported() {
        let mut problem = SelectionProblem::new(100.0);
        problem.candidates = vec![
            Candidate::new("a", 10.0, 10.0).with_demand("tester", "2026-W01", 500.0),
            Candidate::new("b", 10.0, 10.0).with_demand("architect", "2026-W01", 8.0),
        ];
        problem.add_capacity("architect", "2026-W01", 0.0);
        assert_selects(&problem, &["a"], 10.0);
        let usage = optimal(&problem).usage.capacity;
        let tester = usage.iter().find(|u| u.role == "tester").unwrap();
        assert_eq!(tester.capacity_hours, None);
        assert_eq!(tester.demand_hours, 500.0);
        assert_eq!(tester.utilisation(), None);
        let architect = usage.iter().find(|u| u.role == "architect").unwrap();
        assert_eq!((architect.demand_hours, architect.capacity_hours), (0.0, Some(0.0)));
    }

    /// Budget 10, the knapsack of `the_solver_beats_the_ratio_order_on_a_knapsack`.
    /// Forcing a in leaves 4: the best addition is d (3), so a + d = 15.
    /// Forcing b out: a + d (15) against c + d (12) or c + e (10): a + d.
    /// Forcing a in and d out: a + e = 13.
    #[test]
    fn forced_projects_are_kept_in_and_out() {
        let knapsack =
            problem(10.0, &[("a", 12.0, 6.0), ("b", 9.0, 5.0), ("c", 9.0, 5.0), ("d", 3.0, 2.0), ("e", 1.0, 4.0)]);
        let cases: &[(Ids, Ids, Ids, f64)] = &[
            (&["a"], &[], &["a", "d"], 15.0),
            (&[], &["b"], &["a", "d"], 15.0),
            (&["a"], &["d"], &["a", "e"], 13.0),
            (&[], &["a", "b", "c", "d", "e"], &[], 0.0),
            (&["b", "c"], &[], &["b", "c"], 18.0),
        ];
        for &(forced_in, forced_out, expected, value) in cases {
            let mut problem = knapsack.clone();
            problem.forced_in = forced_in.iter().map(|id| id.to_string()).collect();
            problem.forced_out = forced_out.iter().map(|id| id.to_string()).collect();
            assert_selects(&problem, expected, value);
        }
    }

    /// b + c = 18 is the knapsack's optimum. If b requires e, then b costs 9 with e and is worth
    /// 10: b + e fits alone (value 10), leaving 1. So the options are a + d (15), c + d (12),
    /// b + e (10), ... and a + d wins. If instead e requires b, nothing changes: b + c.
    /// If a requires d (the greedy's pair anyway), b + c still wins at 18.
    /// A cycle a ⇄ d forces them together and changes nothing either.
    #[test]
    fn dependencies_pull_in_what_they_require() {
        let knapsack =
            problem(10.0, &[("a", 12.0, 6.0), ("b", 9.0, 5.0), ("c", 9.0, 5.0), ("d", 3.0, 2.0), ("e", 1.0, 4.0)]);
        let cases: &[(Pairs, Ids, f64)] = &[
            (&[("b", "e")], &["a", "d"], 15.0),
            (&[("e", "b")], &["b", "c"], 18.0),
            (&[("a", "d")], &["b", "c"], 18.0),
            (&[("a", "d"), ("d", "a")], &["b", "c"], 18.0),
            // Both b and c require d: b + c + d costs 12, too much; a + d (15) wins.
            (&[("b", "d"), ("c", "d")], &["a", "d"], 15.0),
            // A chain c → d → e: d now costs 6 with e, so a + d no longer fits; c + d + e
            // costs 11. Left: a + e (13), b + e (10), d + e (4): a + e.
            (&[("c", "d"), ("d", "e")], &["a", "e"], 13.0),
        ];
        for &(dependencies, expected, value) in cases {
            let mut problem = knapsack.clone();
            for &(project, requires) in dependencies {
                problem.add_dependency(project, requires);
            }
            assert_selects(&problem, expected, value);
        }
    }

    /// The knapsack again. b excludes c: the best without the pair is a + d (15).
    /// a excludes d as well: then a + e (13) against b + d (12): a + e.
    #[test]
    fn exclusions_keep_at_most_one_of_a_pair() {
        let mut problem =
            problem(10.0, &[("a", 12.0, 6.0), ("b", 9.0, 5.0), ("c", 9.0, 5.0), ("d", 3.0, 2.0), ("e", 1.0, 4.0)]);
        problem.add_exclusion("b", "c");
        assert_selects(&problem, &["a", "d"], 15.0);
        problem.add_exclusion("d", "a");
        assert_selects(&problem, &["a", "e"], 13.0);
        // With a forced in, e (excluded by a now) is ruled out too: a alone... or a + d? d is
        // excluded by a, so a + e if allowed; exclude a and e and only a remains.
        problem.add_exclusion("a", "e");
        problem.forced_in = vec!["a".into()];
        assert_selects(&problem, &["a"], 12.0);
    }

    /// A project worth nothing is left out, since it would spend budget for nothing, unless a
    /// chosen project requires it or it is forced in.
    #[test]
    fn projects_worth_nothing_are_taken_only_when_needed() {
        let mut problem = problem(10.0, &[("platform", 0.0, 4.0), ("app", 5.0, 4.0), ("report", 0.0, 1.0)]);
        assert_selects(&problem, &["app"], 5.0);
        problem.add_dependency("app", "platform");
        assert_selects(&problem, &["app", "platform"], 5.0);
        problem.forced_in = vec!["report".into()];
        assert_selects(&problem, &["app", "platform", "report"], 5.0);
    }

    #[test]
    fn infeasible_problems_name_the_rule_that_breaks() {
        let base = || {
            let mut problem = SelectionProblem::new(10.0);
            problem.candidates = vec![
                Candidate::new("a", 5.0, 6.0).with_demand("analyst", "2026-W10", 30.0),
                Candidate::new("b", 5.0, 6.0).with_demand("analyst", "2026-W10", 30.0),
                Candidate::new("c", 5.0, 1.0),
            ];
            problem.add_capacity("analyst", "2026-W10", 40.0);
            problem
        };
        let cases: Vec<(SelectionProblem, Infeasibility)> = vec![
            (
                {
                    let mut problem = base();
                    problem.forced_in = vec!["a".into(), "b".into()];
                    problem
                },
                Infeasibility::Budget { forced_cost: 12.0, budget: 10.0 },
            ),
            (
                {
                    let mut problem = base();
                    problem.budget = 100.0;
                    problem.forced_in = vec!["a".into(), "b".into()];
                    problem
                },
                Infeasibility::Capacity {
                    role: "analyst".into(),
                    week: "2026-W10".into(),
                    demand_hours: 60.0,
                    capacity_hours: 40.0,
                },
            ),
            (
                {
                    let mut problem = base();
                    problem.forced_in = vec!["a".into(), "c".into()];
                    problem.add_exclusion("c", "a");
                    problem
                },
                Infeasibility::Exclusion { first: "a".into(), second: "c".into() },
            ),
            (
                {
                    // c requires a only through b: the closure is followed.
                    let mut problem = base();
                    problem.forced_in = vec!["c".into()];
                    problem.forced_out = vec!["a".into()];
                    problem.add_dependency("c", "b");
                    problem.add_dependency("b", "a");
                    problem
                },
                Infeasibility::Dependency { project: "b".into(), requires: "a".into() },
            ),
            (
                {
                    // Exclusion between a forced-in project and what another one requires.
                    let mut problem = base();
                    problem.budget = 100.0;
                    problem.capacities.clear();
                    problem.forced_in = vec!["a".into(), "c".into()];
                    problem.add_dependency("c", "b");
                    problem.add_exclusion("a", "b");
                    problem
                },
                Infeasibility::Exclusion { first: "a".into(), second: "b".into() },
            ),
        ];
        for (problem, expected) in cases {
            let selection = select(&problem, &Limits::exact()).unwrap();
            assert_eq!(selection.status, SelectionStatus::Infeasible(expected.clone()));
            assert!(selection.chosen.is_empty());
            assert_eq!(selection.total_value, 0.0);
            let preview = greedy_preview(&problem).unwrap();
            assert_eq!(preview.infeasible, Some(expected.clone()));
            assert!(preview.chosen.is_empty());
            // The message names the culprit.
            let message = expected.to_string();
            assert!(message.contains("forced"), "{message}");
        }
    }

    #[test]
    fn invalid_input_is_refused_with_a_message_naming_the_value() {
        let base = || {
            let mut problem = problem(10.0, &[("a", 1.0, 1.0), ("b", 2.0, 2.0)]);
            problem.add_capacity("qa", "2026-W01", 10.0);
            problem
        };
        type Edit = fn(&mut SelectionProblem);
        let cases: &[(Edit, &str)] = &[
            (|p| p.candidates.push(Candidate::new("a", 1.0, 1.0)), "two candidates have the id `a`"),
            (|p| p.candidates[0].value = f64::NAN, "the value of project `a` is NaN"),
            (|p| p.candidates[1].value = -1.0, "the value of project `b` is -1"),
            (|p| p.candidates[0].value = f64::INFINITY, "the value of project `a` is inf"),
            (|p| p.candidates[1].cost = -5.0, "the cost of project `b` is -5"),
            (
                |p| p.candidates[0] = Candidate::new("a", 1.0, 1.0).with_demand("qa", "2026-W01", -2.0),
                "the demand of project `a` for `qa` in 2026-W01 is -2",
            ),
            (|p| p.budget = f64::NAN, "the budget is NaN"),
            (|p| p.budget = -1.0, "the budget is -1"),
            (|p| p.add_capacity("dev", "2026-W02", -8.0), "the capacity of `dev` in 2026-W02 is -8"),
            (|p| p.add_capacity("qa", "2026-W01", 8.0), "the capacity of `qa` in 2026-W01 is stated twice"),
            (|p| p.forced_in.push("zz".into()), "the forced-in list names project `zz`"),
            (|p| p.forced_out.push("zz".into()), "the forced-out list names project `zz`"),
            (|p| p.add_dependency("a", "zz"), "the dependency `a` requires `zz` names project `zz`"),
            (|p| p.add_dependency("zz", "a"), "the dependency `zz` requires `a` names project `zz`"),
            (|p| p.add_exclusion("a", "zz"), "the exclusion of `a` and `zz` names project `zz`"),
            (|p| p.add_exclusion("b", "b"), "project `b` is set to exclude itself"),
            (
                |p| {
                    p.forced_in.push("b".into());
                    p.forced_out.push("b".into());
                },
                "project `b` is both forced in and forced out",
            ),
        ];
        for &(edit, expected) in cases {
            let mut problem = base();
            edit(&mut problem);
            for error in [
                select(&problem, &Limits::exact()).unwrap_err(),
                efficient_frontier(&problem, &[5.0], &Limits::exact()).unwrap_err(),
                greedy_preview(&problem).unwrap_err(),
            ] {
                let message = error.to_string();
                assert!(message.starts_with(expected), "{message:?} should start with {expected:?}");
            }
        }

        let problem = base();
        let error = efficient_frontier(&problem, &[5.0, f64::NAN], &Limits::exact()).unwrap_err();
        assert_eq!(error.to_string(), "a budget level of the frontier is NaN: give a finite number of 0 or more");
        let error = select(&problem, &Limits::exact().with_accepted_gap(-0.1)).unwrap_err();
        assert_eq!(error.to_string(), "the accepted gap of the limits is -0.1: give a finite number of 0 or more");
        // Harmless oddities are accepted: a self-dependency and an unlimited budget.
        let mut problem = base();
        problem.add_dependency("a", "a");
        problem.budget = f64::INFINITY;
        assert_selects(&problem, &["a", "b"], 3.0);
    }

    /// The knapsack's frontier, by hand: budget 0 buys nothing; 2 buys d (3); 4 buys d, or e
    /// (1): 3; 5 buys b (9); 6 buys a (12); 7 buys b + d (12) or a: 12; 8 buys a + d (15);
    /// 10 buys b + c (18); 12 buys a + b or b + c + d (21); 24 buys everything (34).
    #[test]
    fn the_frontier_gives_the_best_value_at_each_budget() {
        let knapsack =
            problem(999.0, &[("a", 12.0, 6.0), ("b", 9.0, 5.0), ("c", 9.0, 5.0), ("d", 3.0, 2.0), ("e", 1.0, 4.0)]);
        let levels = [12.0, 0.0, 2.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 24.0, 8.0];
        let frontier = efficient_frontier(&knapsack, &levels, &Limits::exact()).unwrap();
        let got: Vec<(f64, f64)> = frontier.iter().map(|point| (point.budget, point.selection.total_value)).collect();
        assert_eq!(
            got,
            [
                (0.0, 0.0),
                (2.0, 3.0),
                (4.0, 3.0),
                (5.0, 9.0),
                (6.0, 12.0),
                (7.0, 12.0),
                (8.0, 15.0),
                (10.0, 18.0),
                (12.0, 21.0),
                (24.0, 34.0)
            ]
        );
        for point in &frontier {
            assert_eq!(point.selection.status, SelectionStatus::Optimal);
            assert_eq!(point.selection.usage.budget.available, point.budget);
            assert!(point.selection.total_cost <= point.budget);
        }

        // Forcing a in makes every level below 6 infeasible, and the rest non-decreasing.
        let mut forced = knapsack.clone();
        forced.forced_in = vec!["a".into()];
        let frontier = efficient_frontier(&forced, &levels, &Limits::exact()).unwrap();
        for point in &frontier {
            let infeasible = matches!(point.selection.status, SelectionStatus::Infeasible(_));
            assert_eq!(infeasible, point.budget < 6.0, "{point:?}");
        }
    }

    /// A problem whose root relaxation is fractional, so that branching is needed: ten projects
    /// of cost 3 + i/10 and value cost + 1/(i+1), budget 20.
    fn branching_problem() -> SelectionProblem {
        let mut problem = SelectionProblem::new(20.0);
        problem.candidates = (0..10)
            .map(|i| {
                let cost = 3.0 + i as f64 / 10.0;
                Candidate::new(&format!("p{i}"), cost + 1.0 / (i as f64 + 1.0), cost)
            })
            .collect();
        problem
    }

    #[test]
    fn a_node_limit_stops_with_a_feasible_selection_and_its_gap() {
        let problem = branching_problem();
        let exact = select(&problem, &Limits::exact()).unwrap();
        assert_eq!(exact.status, SelectionStatus::Optimal);
        assert!(exact.effort.nodes > 0, "the fixture should need branching: {exact:?}");

        let stopped = select(&problem, &Limits::nodes(0)).unwrap();
        assert_eq!(stopped.status, SelectionStatus::Stopped(StopReason::NodeLimit), "{stopped:#?}");
        assert!(stopped.total_value <= exact.total_value + 1e-9);
        assert!(stopped.value_bound >= exact.total_value - 1e-9, "the bound is an upper bound");
        let gap = (stopped.value_bound - stopped.total_value) / stopped.value_bound;
        assert!((stopped.gap - gap).abs() < 1e-12);
        assert!(stopped.gap > 0.0);
        let model = Model::new(&problem).unwrap();
        assert_eq!(model.violation(&model.membership(&stopped.chosen), problem.budget), None);

        // Deterministic: the same limit gives the same answer.
        assert_eq!(select(&problem, &Limits::nodes(0)).unwrap(), stopped);
        // A gap accepted up front stops as soon as it is reached.
        let accepted = select(&problem, &Limits::exact().with_accepted_gap(0.5)).unwrap();
        assert!(matches!(
            accepted.status,
            SelectionStatus::Optimal | SelectionStatus::Stopped(StopReason::GapAccepted)
        ));
        assert!(accepted.gap <= 0.5);
    }

    #[test]
    fn a_time_limit_reads_the_callers_clock() {
        use std::cell::Cell;
        let problem = branching_problem();
        // A fake clock that moves one second every time it is read.
        let ticks = Cell::new(0u64);
        let clock = || {
            ticks.set(ticks.get() + 1);
            Duration::from_secs(ticks.get())
        };
        let limits = Limits::exact().with_time(&clock, Duration::from_millis(1500));
        let stopped = select(&problem, &limits).unwrap();
        // Read at the start and after the first slice (one second later: within the budget),
        // then after the second slice (over it), unless the search finished first.
        match stopped.status {
            SelectionStatus::Optimal => assert!(stopped.effort.nodes <= 2 * NODES_PER_CLOCK_CHECK),
            SelectionStatus::Stopped(StopReason::TimeLimit) => {
                assert_eq!(ticks.get(), 3);
                assert_eq!(stopped.effort.nodes, 2 * NODES_PER_CLOCK_CHECK);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(format!("{limits:?}").contains("1.5s"));

        // A generous budget reaches the proof, with the same answer as an unlimited search.
        let clock = || Duration::ZERO;
        let limits = Limits::exact().with_time(&clock, Duration::from_secs(1));
        assert_eq!(select(&problem, &limits).unwrap().chosen, optimal(&problem).chosen);
    }

    /// A tiny linear congruential generator: deterministic random numbers with no crate.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 33
        }

        /// A number in `[0, 1)`.
        fn unit(&mut self) -> f64 {
            self.next() as f64 / (1u64 << 31) as f64
        }

        fn below(&mut self, bound: usize) -> usize {
            (self.next() % bound as u64) as usize
        }
    }

    /// A random problem: `count` candidates, a budget of a third of their cost, a few roles over
    /// some weeks with capacity for about half the demand, and some dependencies and exclusions.
    pub(super) fn random_problem(seed: u64, count: usize, weeks: usize) -> SelectionProblem {
        let mut random = Lcg(seed);
        let roles = ["developer", "analyst", "tester", "architect"];
        let mut problem = SelectionProblem::new(0.0);
        let mut demand_per_key: BTreeMap<(String, String), f64> = BTreeMap::new();
        for i in 0..count {
            let cost = (10.0 + 90.0 * random.unit()).round() * 1000.0;
            let value = (cost / 1000.0 * (0.5 + random.unit())).round();
            let mut candidate = Candidate::new(&format!("p{i:03}"), value, cost);
            let first_week = random.below(weeks);
            for week in first_week..(first_week + 1 + random.below(4)).min(weeks) {
                for role in roles {
                    if random.unit() < 0.5 {
                        continue;
                    }
                    let hours = (8.0 + 32.0 * random.unit()).round();
                    let week = format!("2026-W{:02}", week + 1);
                    *demand_per_key.entry((role.to_string(), week.clone())).or_default() += hours;
                    candidate = candidate.with_demand(role, &week, hours);
                }
            }
            problem.budget += cost / 3.0;
            problem.candidates.push(candidate);
        }
        for ((role, week), demand) in demand_per_key {
            problem.add_capacity(&role, &week, (demand * 0.5).round());
        }
        let id = |i: usize| format!("p{i:03}");
        for _ in 0..count / 10 {
            let (a, b) = (random.below(count), random.below(count));
            if a != b {
                problem.add_dependency(&id(a), &id(b));
            }
            let (a, b) = (random.below(count), random.below(count));
            if a != b {
                problem.add_exclusion(&id(a), &id(b));
            }
        }
        let (forced_in, forced_out) = (random.below(count), random.below(count));
        problem.forced_in.push(id(forced_in));
        if forced_out != forced_in {
            problem.forced_out.push(id(forced_out));
        }
        problem
    }

    /// Every subset, for cross-checking small problems.
    fn brute_force(problem: &SelectionProblem) -> Option<f64> {
        let model = Model::new(problem).unwrap();
        let count = model.len();
        (0..1u32 << count)
            .map(|mask| (0..count).map(|p| mask & (1 << p) != 0).collect::<Vec<bool>>())
            .filter(|chosen| model.violation(chosen, problem.budget).is_none())
            .map(|chosen| model.total_value(&chosen))
            .max_by(f64::total_cmp)
    }

    #[test]
    fn small_random_problems_match_brute_force() {
        for seed in 0..150 {
            let problem = random_problem(seed, 4 + seed as usize % 9, 3);
            let selection = select(&problem, &Limits::exact()).unwrap();
            let preview = greedy_preview(&problem).unwrap();
            match brute_force(&problem) {
                None => {
                    assert!(matches!(selection.status, SelectionStatus::Infeasible(_)), "seed {seed}");
                    assert!(preview.infeasible.is_some(), "seed {seed}");
                }
                Some(best) => {
                    assert_eq!(selection.status, SelectionStatus::Optimal, "seed {seed}");
                    assert!((selection.total_value - best).abs() < 1e-6, "seed {seed}: {selection:#?} vs {best}");
                    assert!(preview.total_value <= best + 1e-6, "seed {seed}");
                    let model = Model::new(&problem).unwrap();
                    for chosen in [&selection.chosen, &preview.chosen] {
                        assert_eq!(model.violation(&model.membership(chosen), problem.budget), None);
                    }
                }
            }
        }
    }

    #[test]
    fn two_hundred_random_candidates() {
        for seed in [1, 2, 3] {
            let problem = random_problem(seed, 200, 12);
            let started = std::time::Instant::now();
            let clock = move || started.elapsed();
            let limits = Limits::nodes(20_000).with_time(&clock, Duration::from_secs(20));
            let selection = select(&problem, &limits).unwrap();
            let elapsed = started.elapsed();
            let preview = greedy_preview(&problem).unwrap();
            eprintln!(
                "200 candidates, seed {seed}: {:?} in {elapsed:.2?}, value {} (bound {:.1}, gap \
                 {:.4}), greedy preview {}, {} chosen, {} nodes, {} LP iterations, {} capacity rows",
                selection.status,
                selection.total_value,
                selection.value_bound,
                selection.gap,
                preview.total_value,
                selection.chosen.len(),
                selection.effort.nodes,
                selection.effort.lp_iterations,
                problem.capacities.len(),
            );
            assert!(!matches!(selection.status, SelectionStatus::Infeasible(_)));
            assert!(selection.total_value >= preview.total_value);
            assert!(selection.value_bound >= selection.total_value);
            let model = Model::new(&problem).unwrap();
            assert_eq!(model.violation(&model.membership(&selection.chosen), problem.budget), None);
        }
    }
}

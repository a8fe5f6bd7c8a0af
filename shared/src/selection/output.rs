//! What a selection answers: the chosen portfolio, its status and gap, and how much of the
//! budget and of each role's capacity it uses.

use crate::ids::ProjectId;

/// The chosen portfolio and how good it is known to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub status: SelectionStatus,
    /// Ids of the chosen projects, sorted. Empty when infeasible.
    pub chosen: Vec<ProjectId>,
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
    /// [`Limits::max_nodes`](super::Limits::max_nodes) was reached.
    NodeLimit,
    /// [`Limits::time`](super::Limits::time) ran out.
    TimeLimit,
    /// The gap fell below [`Limits::accepted_gap`](super::Limits::accepted_gap).
    GapAccepted,
    /// The caller has not run a [`SelectionSearch`](super::SelectionSearch) to its end (yet): paused, or cancelled.
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
    Dependency { project: ProjectId, requires: ProjectId },
    #[error(
        "projects `{first}` and `{second}` exclude each other, but both are forced in or \
         required by forced-in projects: force at most one of them in"
    )]
    Exclusion { first: ProjectId, second: ProjectId },
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
/// It respects every constraint, but can be far from the best portfolio; [`select`](super::select) finds that.
#[derive(Debug, Clone, PartialEq)]
pub struct GreedyPreview {
    /// Ids of the projects the preview takes, sorted. Empty when infeasible.
    pub chosen: Vec<ProjectId>,
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
    DuplicateProject(ProjectId),
    #[error("{place} names project `{id}`, which is not a candidate: add it or remove it there")]
    UnknownProject { id: ProjectId, place: ProjectListing },
    #[error("{what} is {value}: give a finite number of 0 or more")]
    BadNumber { what: SelectionNumber, value: f64 },
    #[error("project `{0}` is both forced in and forced out: keep only one of the two")]
    ForcedInAndOut(ProjectId),
    #[error("project `{0}` is set to exclude itself, which would forbid it: remove that exclusion")]
    SelfExclusion(ProjectId),
    #[error("the capacity of `{role}` in {week} is stated twice: state it once, as the total hours")]
    DuplicateCapacity { role: String, week: String },
    #[error(
        "the solver failed ({0}); the problem's numbers may span too many orders of magnitude: \
         express costs and hours in larger units, or use greedy_preview meanwhile"
    )]
    Solver(String),
}

/// A number of the problem the selection checks, named so that a message can say which one
/// was wrong (the app words it in the reader's language; `Display` is the English).
#[derive(Debug, Clone, PartialEq)]
pub enum SelectionNumber {
    /// [`SelectionProblem::budget`](super::SelectionProblem::budget).
    Budget,
    /// One of the budget levels asked of [`efficient_frontier`](super::efficient_frontier).
    FrontierBudget,
    /// The accepted gap of the [`Limits`](super::Limits) or of a frontier's point.
    AcceptedGap,
    /// The stated capacity of a role in a week.
    Capacity { role: String, week: String },
    /// A candidate's value.
    Value(ProjectId),
    /// A candidate's cost.
    Cost(ProjectId),
    /// A candidate's demand on a role in a week.
    Demand { project: ProjectId, role: String, week: String },
}

impl std::fmt::Display for SelectionNumber {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SelectionNumber::Budget => write!(formatter, "the budget"),
            SelectionNumber::FrontierBudget => write!(formatter, "a budget level of the frontier"),
            SelectionNumber::AcceptedGap => write!(formatter, "the accepted gap of the limits"),
            SelectionNumber::Capacity { role, week } => write!(formatter, "the capacity of `{role}` in {week}"),
            SelectionNumber::Value(project) => write!(formatter, "the value of project `{project}`"),
            SelectionNumber::Cost(project) => write!(formatter, "the cost of project `{project}`"),
            SelectionNumber::Demand { project, role, week } => {
                write!(formatter, "the demand of project `{project}` for `{role}` in {week}")
            }
        }
    }
}

/// Where a problem names a project by its id: the list or rule that named one which is not a
/// candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum ProjectListing {
    ForcedIn,
    ForcedOut,
    /// The dependency "`project` requires `requires`".
    Dependency {
        project: ProjectId,
        requires: ProjectId,
    },
    /// The exclusion of `first` and `second`.
    Exclusion {
        first: ProjectId,
        second: ProjectId,
    },
}

impl std::fmt::Display for ProjectListing {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProjectListing::ForcedIn => write!(formatter, "the forced-in list"),
            ProjectListing::ForcedOut => write!(formatter, "the forced-out list"),
            ProjectListing::Dependency { project, requires } => {
                write!(formatter, "the dependency `{project}` requires `{requires}`")
            }
            ProjectListing::Exclusion { first, second } => {
                write!(formatter, "the exclusion of `{first}` and `{second}`")
            }
        }
    }
}

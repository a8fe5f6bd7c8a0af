//! What a selection is asked: the candidates with their value, cost and demand, the capacity,
//! and the forced, dependent and exclusive projects.

use std::sync::Arc;

use crate::ids::ProjectId;

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
    pub forced_in: Vec<ProjectId>,
    /// Projects that must stay out (rejected, on hold).
    pub forced_out: Vec<ProjectId>,
    /// "project requires other": the project can only be chosen together with the other.
    pub dependencies: Vec<Dependency>,
    /// Pairs of projects of which at most one may be chosen (alternatives, competing options).
    pub exclusions: Vec<Exclusion>,
}

/// One project that could be funded.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: ProjectId,
    /// What the project is worth to the portfolio: a score, an NPV, a WSJF value. Not negative.
    pub value: f64,
    /// What the project costs, in the unit of [`SelectionProblem::budget`]. Not negative.
    pub cost: f64,
    /// Hours the project needs, per role and week. Shared: a board's problem is built again
    /// on every change, and a project's demand (a dozen rows of role and week) is kept while
    /// the people and bookings are the same.
    pub demand: Arc<Vec<Demand>>,
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
    pub project: ProjectId,
    pub requires: ProjectId,
}

/// At most one of `first` and `second` may be chosen: x_first + x_second ≤ 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    pub first: ProjectId,
    pub second: ProjectId,
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
    pub fn add_dependency(&mut self, project: &ProjectId, requires: &ProjectId) {
        self.dependencies.push(Dependency { project: project.clone(), requires: requires.clone() });
    }

    /// At most one of `first` and `second`.
    pub fn add_exclusion(&mut self, first: &ProjectId, second: &ProjectId) {
        self.exclusions.push(Exclusion { first: first.clone(), second: second.clone() });
    }
}

impl Candidate {
    pub fn new(id: ProjectId, value: f64, cost: f64) -> Candidate {
        Candidate { id, value, cost, demand: Arc::default() }
    }

    /// This candidate, also needing `hours` of `role` in `week`.
    pub fn with_demand(mut self, role: &str, week: &str, hours: f64) -> Candidate {
        Arc::make_mut(&mut self.demand).push(Demand { role: role.to_owned(), week: week.to_owned(), hours });
        self
    }
}

//! The exact search: branch and bound over microlp's MILP, in slices that read the caller's
//! clock, seeded with the greedy portfolio.

use super::*;

/// Solves the problem at `budget`, starting from `start` (a portfolio feasible at a smaller
/// budget, for the frontier) when given.
pub(super) fn solve_at_budget(
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
/// let project = |id: &str| id.parse().unwrap();
/// let mut problem = SelectionProblem::new(10.0);
/// problem.candidates =
///     vec![Candidate::new(project("a"), 12.0, 6.0), Candidate::new(project("b"), 9.0, 5.0), Candidate::new(project("c"), 9.0, 5.0)];
/// let mut search = SelectionSearch::new(&problem).unwrap();
/// while !search.step(4).unwrap() {}
/// let selection = search.selection().unwrap();
/// assert_eq!(selection.status, SelectionStatus::Optimal);
/// assert_eq!(selection.chosen, ["b", "c"]);
/// ```
pub struct SelectionSearch<'problem> {
    model: Model<'problem>,
    search: Search,
    /// The relative gap at which a portfolio is good enough (0: only a proof ends the search).
    accepted_gap: f64,
}

impl<'problem> SelectionSearch<'problem> {
    /// Validates the problem, settles the forced decisions and finds the greedy start; the
    /// branch and bound itself waits for [`SelectionSearch::step`].
    pub fn new(problem: &'problem SelectionProblem) -> Result<SelectionSearch<'problem>, SelectionError> {
        let model = Model::new(problem)?;
        let search = Search::start(&model, problem.budget, None);
        Ok(SelectionSearch { model, search, accepted_gap: 0.0 })
    }

    /// A search for one point of an efficient frontier, drawn a budget level at a time from
    /// the smallest: it starts from `start`, the portfolio chosen at the level below (which
    /// still fits this budget), and ends as soon as its portfolio is proven within
    /// `accepted_gap` of the optimum (a chart cannot show a smaller difference; see
    /// [`efficient_frontier`] for the same start natively).
    pub fn frontier_point(
        problem: &'problem SelectionProblem,
        start: Option<&[ProjectId]>,
        accepted_gap: f64,
    ) -> Result<SelectionSearch<'problem>, SelectionError> {
        check_number(accepted_gap, false, || SelectionNumber::AcceptedGap)?;
        let model = Model::new(problem)?;
        let start = start.map(|chosen| model.membership(chosen));
        let search = Search::start(&model, problem.budget, start.as_deref());
        Ok(SelectionSearch { model, search, accepted_gap })
    }

    /// Explores at most `nodes` more branch-and-bound nodes (the first step also solves the
    /// root relaxation, which cannot be cut short) and answers whether the search is over.
    pub fn step(&mut self, nodes: u64) -> Result<bool, SelectionError> {
        if self.search.end().is_none() {
            self.search.advance(Some(nodes.max(1)), self.accepted_gap)?;
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

pub(super) fn solver_error(error: microlp::Error) -> SelectionError {
    match error {
        // Propagation proved the fixed-in projects fit, so the empty choice of free projects is
        // feasible: a verdict of infeasible can only come from round-off.
        microlp::Error::Infeasible => SelectionError::Solver("it found no feasible portfolio".to_owned()),
        other => SelectionError::Solver(other.to_string()),
    }
}

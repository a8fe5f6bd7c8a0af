//! Validation, and the problem indexed for the search: ids replaced by indices, forced
//! decisions propagated, and what no longer fits fixed out.

use super::*;

/// A validated problem with its ids replaced by indices.
pub(super) struct Model<'p> {
    pub(super) problem: &'p SelectionProblem,
    /// Per project, the projects it requires directly.
    pub(super) requires: Vec<Vec<usize>>,
    /// Per project, the projects that require it directly.
    pub(super) required_by: Vec<Vec<usize>>,
    /// Per project, the projects it excludes.
    pub(super) excludes: Vec<Vec<usize>>,
    pub(super) forced_in: Vec<bool>,
    pub(super) forced_out: Vec<bool>,
    /// Every role and week with a stated capacity or some demand, sorted.
    pub(super) keys: Vec<(String, String)>,
    /// Per key, its stated capacity.
    pub(super) capacity: Vec<Option<f64>>,
    /// Per project, its hours per key, same-key demands added up.
    pub(super) demand: Vec<Vec<(usize, f64)>>,
}

/// Where a project stands once the forced decisions are propagated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fixed {
    In,
    Out,
    Free,
}

pub(super) fn check_number(
    value: f64,
    infinity_allowed: bool,
    what: impl FnOnce() -> SelectionNumber,
) -> Result<(), SelectionError> {
    let fine = value >= 0.0 && (value.is_finite() || infinity_allowed);
    if fine {
        Ok(())
    } else {
        Err(SelectionError::BadNumber { what: what(), value })
    }
}

pub(super) fn check_limits(limits: &Limits) -> Result<(), SelectionError> {
    check_number(limits.accepted_gap, false, || SelectionNumber::AcceptedGap)
}

/// `used` is within `limit`, allowing for round-off.
pub(super) fn fits(used: f64, limit: f64) -> bool {
    used <= limit + RELATIVE_TOLERANCE * limit.abs().max(1.0)
}

impl<'p> Model<'p> {
    pub(super) fn new(problem: &'p SelectionProblem) -> Result<Model<'p>, SelectionError> {
        let count = problem.candidates.len();
        let mut index: HashMap<&ProjectId, usize> = HashMap::with_capacity(count);
        for (position, candidate) in problem.candidates.iter().enumerate() {
            if index.insert(&candidate.id, position).is_some() {
                return Err(SelectionError::DuplicateProject(candidate.id.clone()));
            }
        }
        check_number(problem.budget, true, || SelectionNumber::Budget)?;

        let mut keys: BTreeMap<(&str, &str), Option<f64>> = BTreeMap::new();
        for capacity in &problem.capacities {
            check_number(capacity.hours, true, || SelectionNumber::Capacity {
                role: capacity.role.clone(),
                week: capacity.week.clone(),
            })?;
            if keys.insert((&capacity.role, &capacity.week), Some(capacity.hours)).is_some() {
                return Err(SelectionError::DuplicateCapacity {
                    role: capacity.role.clone(),
                    week: capacity.week.clone(),
                });
            }
        }
        for candidate in &problem.candidates {
            check_number(candidate.value, false, || SelectionNumber::Value(candidate.id.clone()))?;
            check_number(candidate.cost, false, || SelectionNumber::Cost(candidate.id.clone()))?;
            for demand in candidate.demand.iter() {
                check_number(demand.hours, false, || SelectionNumber::Demand {
                    project: candidate.id.clone(),
                    role: demand.role.clone(),
                    week: demand.week.clone(),
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
                for demand in candidate.demand.iter() {
                    *hours.entry(key_index[&(demand.role.as_str(), demand.week.as_str())]).or_default() += demand.hours;
                }
                hours.into_iter().filter(|&(_, hours)| hours > 0.0).collect()
            })
            .collect();

        let find = |id: &ProjectId, place: &dyn Fn() -> ProjectListing| {
            index.get(id).copied().ok_or_else(|| SelectionError::UnknownProject { id: id.clone(), place: place() })
        };
        let mut forced_in = vec![false; count];
        for id in &problem.forced_in {
            forced_in[find(id, &|| ProjectListing::ForcedIn)?] = true;
        }
        let mut forced_out = vec![false; count];
        for id in &problem.forced_out {
            let project = find(id, &|| ProjectListing::ForcedOut)?;
            if forced_in[project] {
                return Err(SelectionError::ForcedInAndOut(id.clone()));
            }
            forced_out[project] = true;
        }
        let mut requires = vec![Vec::new(); count];
        let mut required_by = vec![Vec::new(); count];
        for dependency in &problem.dependencies {
            let place = || ProjectListing::Dependency {
                project: dependency.project.clone(),
                requires: dependency.requires.clone(),
            };
            let project = find(&dependency.project, &place)?;
            let required = find(&dependency.requires, &place)?;
            if project != required {
                requires[project].push(required);
                required_by[required].push(project);
            }
        }
        let mut excludes = vec![Vec::new(); count];
        for exclusion in &problem.exclusions {
            let place =
                || ProjectListing::Exclusion { first: exclusion.first.clone(), second: exclusion.second.clone() };
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

    pub(super) fn len(&self) -> usize {
        self.problem.candidates.len()
    }

    pub(super) fn candidate(&self, project: usize) -> &Candidate {
        &self.problem.candidates[project]
    }

    pub(super) fn id(&self, project: usize) -> ProjectId {
        self.candidate(project).id.clone()
    }

    /// Propagates the forced decisions at this budget: which projects are in whatever the
    /// search does, which can never be added, and which are left to decide. Fails when the
    /// projects that must be in already break a constraint (see the module documentation for
    /// why that is exact).
    pub(super) fn fix(&self, budget: f64) -> Result<Vec<Fixed>, Infeasibility> {
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

    pub(super) fn total_value(&self, chosen: &[bool]) -> f64 {
        (0..self.len()).filter(|&p| chosen[p]).map(|p| self.candidate(p).value).sum()
    }

    pub(super) fn total_cost(&self, chosen: &[bool]) -> f64 {
        (0..self.len()).filter(|&p| chosen[p]).map(|p| self.candidate(p).cost).sum()
    }

    pub(super) fn demand_per_key(&self, chosen: &[bool]) -> Vec<f64> {
        let mut per_key = vec![0.0; self.keys.len()];
        for project in (0..self.len()).filter(|&p| chosen[p]) {
            for &(key, hours) in &self.demand[project] {
                per_key[key] += hours;
            }
        }
        per_key
    }

    pub(super) fn ids(&self, chosen: &[bool]) -> Vec<ProjectId> {
        let mut ids: Vec<ProjectId> = (0..self.len()).filter(|&p| chosen[p]).map(|p| self.id(p)).collect();
        ids.sort();
        ids
    }

    pub(super) fn membership(&self, ids: &[ProjectId]) -> Vec<bool> {
        let set: std::collections::HashSet<&ProjectId> = ids.iter().collect();
        self.problem.candidates.iter().map(|c| set.contains(&c.id)).collect()
    }

    pub(super) fn usage(&self, chosen: &[bool], budget: f64) -> Usage {
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
    pub(super) fn violation(&self, chosen: &[bool], budget: f64) -> Option<String> {
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
    pub(super) fn without_worthless(&self, mut chosen: Vec<bool>, fixed: &[Fixed]) -> Vec<bool> {
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
    pub(super) fn greedy(&self, fixed: &[Fixed], budget: f64, start: Option<&[bool]>) -> Vec<bool> {
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

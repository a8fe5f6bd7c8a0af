use super::*;

/// A project id written as text.
fn pid(id: &str) -> ProjectId {
    id.parse().unwrap()
}

type Ids = &'static [&'static str];
type Pairs = &'static [(&'static str, &'static str)];

/// A problem with these `(id, value, cost)` candidates and nothing else.
fn problem(budget: f64, candidates: &[(&str, f64, f64)]) -> SelectionProblem {
    let mut problem = SelectionProblem::new(budget);
    problem.candidates = candidates.iter().map(|&(id, value, cost)| Candidate::new(pid(id), value, cost)).collect();
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

/// A frontier's point starts from the portfolio of the level below (completed greedily, when
/// that beats the greedy portfolio) and ends once its gap is within what it accepts.
#[test]
fn a_frontier_point_starts_from_the_level_below_and_accepts_a_gap() {
    let problem =
        problem(10.0, &[("a", 12.0, 6.0), ("b", 9.0, 5.0), ("c", 9.0, 5.0), ("d", 3.0, 2.0), ("e", 1.0, 4.0)]);
    let below: Vec<ProjectId> = vec!["b".parse().unwrap()];
    let exact = SelectionSearch::frontier_point(&problem, Some(&below), 0.0).unwrap();
    // Before any step: b completed with c (18) beats the greedy a + d (15).
    assert_eq!(exact.selection().unwrap().chosen, ["b", "c"]);
    let mut exact = exact;
    while !exact.step(1).unwrap() {}
    let (found, proven) = (exact.selection().unwrap(), select(&problem, &Limits::exact()).unwrap());
    assert_eq!((found.status, found.chosen, found.total_value), (proven.status, proven.chosen, proven.total_value));

    // Accepting any gap, the first step (the root relaxation) ends it, with the start's value.
    let mut rough = SelectionSearch::frontier_point(&problem, Some(&below), 1.0).unwrap();
    assert!(rough.step(1).unwrap());
    assert_eq!(rough.selection().unwrap().total_value, 18.0);
    assert!(SelectionSearch::frontier_point(&problem, None, -0.5).is_err());
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
        Candidate::new(pid("crm"), 50.0, 100.0).with_demand("developer", "2026-W48", 30.0),
        Candidate::new(pid("erp"), 55.0, 100.0).with_demand("developer", "2026-W48", 30.0).with_demand(
            "developer",
            "2026-W49",
            10.0,
        ),
        Candidate::new(pid("portal"), 40.0, 100.0).with_demand("developer", "2026-W49", 35.0),
        Candidate::new(pid("bi"), 30.0, 100.0).with_demand("developer", "2026-W48", 15.0).with_demand(
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
        Candidate::new(pid("a"), 10.0, 10.0).with_demand("tester", "2026-W01", 500.0),
        Candidate::new(pid("b"), 10.0, 10.0).with_demand("architect", "2026-W01", 8.0),
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
        problem.forced_in = forced_in.iter().map(|id| pid(id)).collect();
        problem.forced_out = forced_out.iter().map(|id| pid(id)).collect();
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
            problem.add_dependency(&pid(project), &pid(requires));
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
    problem.add_exclusion(&pid("b"), &pid("c"));
    assert_selects(&problem, &["a", "d"], 15.0);
    problem.add_exclusion(&pid("d"), &pid("a"));
    assert_selects(&problem, &["a", "e"], 13.0);
    // With a forced in, e (excluded by a now) is ruled out too: a alone... or a + d? d is
    // excluded by a, so a + e if allowed; exclude a and e and only a remains.
    problem.add_exclusion(&pid("a"), &pid("e"));
    problem.forced_in = vec![pid("a")];
    assert_selects(&problem, &["a"], 12.0);
}

/// A project worth nothing is left out, since it would spend budget for nothing, unless a
/// chosen project requires it or it is forced in.
#[test]
fn projects_worth_nothing_are_taken_only_when_needed() {
    let mut problem = problem(10.0, &[("platform", 0.0, 4.0), ("app", 5.0, 4.0), ("report", 0.0, 1.0)]);
    assert_selects(&problem, &["app"], 5.0);
    problem.add_dependency(&pid("app"), &pid("platform"));
    assert_selects(&problem, &["app", "platform"], 5.0);
    problem.forced_in = vec![pid("report")];
    assert_selects(&problem, &["app", "platform", "report"], 5.0);
}

#[test]
fn infeasible_problems_name_the_rule_that_breaks() {
    let base = || {
        let mut problem = SelectionProblem::new(10.0);
        problem.candidates = vec![
            Candidate::new(pid("a"), 5.0, 6.0).with_demand("analyst", "2026-W10", 30.0),
            Candidate::new(pid("b"), 5.0, 6.0).with_demand("analyst", "2026-W10", 30.0),
            Candidate::new(pid("c"), 5.0, 1.0),
        ];
        problem.add_capacity("analyst", "2026-W10", 40.0);
        problem
    };
    let cases: Vec<(SelectionProblem, Infeasibility)> = vec![
        (
            {
                let mut problem = base();
                problem.forced_in = vec![pid("a"), pid("b")];
                problem
            },
            Infeasibility::Budget { forced_cost: 12.0, budget: 10.0 },
        ),
        (
            {
                let mut problem = base();
                problem.budget = 100.0;
                problem.forced_in = vec![pid("a"), pid("b")];
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
                problem.forced_in = vec![pid("a"), pid("c")];
                problem.add_exclusion(&pid("c"), &pid("a"));
                problem
            },
            Infeasibility::Exclusion { first: pid("a"), second: pid("c") },
        ),
        (
            {
                // c requires a only through b: the closure is followed.
                let mut problem = base();
                problem.forced_in = vec![pid("c")];
                problem.forced_out = vec![pid("a")];
                problem.add_dependency(&pid("c"), &pid("b"));
                problem.add_dependency(&pid("b"), &pid("a"));
                problem
            },
            Infeasibility::Dependency { project: pid("b"), requires: pid("a") },
        ),
        (
            {
                // Exclusion between a forced-in project and what another one requires.
                let mut problem = base();
                problem.budget = 100.0;
                problem.capacities.clear();
                problem.forced_in = vec![pid("a"), pid("c")];
                problem.add_dependency(&pid("c"), &pid("b"));
                problem.add_exclusion(&pid("a"), &pid("b"));
                problem
            },
            Infeasibility::Exclusion { first: pid("a"), second: pid("b") },
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
        (|p| p.candidates.push(Candidate::new(pid("a"), 1.0, 1.0)), "two candidates have the id `a`"),
        (|p| p.candidates[0].value = f64::NAN, "the value of project `a` is NaN"),
        (|p| p.candidates[1].value = -1.0, "the value of project `b` is -1"),
        (|p| p.candidates[0].value = f64::INFINITY, "the value of project `a` is inf"),
        (|p| p.candidates[1].cost = -5.0, "the cost of project `b` is -5"),
        (
            |p| p.candidates[0] = Candidate::new(pid("a"), 1.0, 1.0).with_demand("qa", "2026-W01", -2.0),
            "the demand of project `a` for `qa` in 2026-W01 is -2",
        ),
        (|p| p.budget = f64::NAN, "the budget is NaN"),
        (|p| p.budget = -1.0, "the budget is -1"),
        (|p| p.add_capacity("dev", "2026-W02", -8.0), "the capacity of `dev` in 2026-W02 is -8"),
        (|p| p.add_capacity("qa", "2026-W01", 8.0), "the capacity of `qa` in 2026-W01 is stated twice"),
        (|p| p.forced_in.push(pid("zz")), "the forced-in list names project `zz`"),
        (|p| p.forced_out.push(pid("zz")), "the forced-out list names project `zz`"),
        (|p| p.add_dependency(&pid("a"), &pid("zz")), "the dependency `a` requires `zz` names project `zz`"),
        (|p| p.add_dependency(&pid("zz"), &pid("a")), "the dependency `zz` requires `a` names project `zz`"),
        (|p| p.add_exclusion(&pid("a"), &pid("zz")), "the exclusion of `a` and `zz` names project `zz`"),
        (|p| p.add_exclusion(&pid("b"), &pid("b")), "project `b` is set to exclude itself"),
        (
            |p| {
                p.forced_in.push(pid("b"));
                p.forced_out.push(pid("b"));
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
    problem.add_dependency(&pid("a"), &pid("a"));
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
    forced.forced_in = vec![pid("a")];
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
            Candidate::new(pid(&format!("p{i}")), cost + 1.0 / (i as f64 + 1.0), cost)
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
    assert!(matches!(accepted.status, SelectionStatus::Optimal | SelectionStatus::Stopped(StopReason::GapAccepted)));
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
        let mut candidate = Candidate::new(pid(&format!("p{i:03}")), value, cost);
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
    let id = |i: usize| pid(&format!("p{i:03}"));
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

#![cfg(not(target_arch = "wasm32"))]
//! Replicas that edit concurrently and then merge end with the same board, and no project is
//! ever duplicated or lost: every project added anywhere is there once unless some replica
//! deleted it.

use std::collections::BTreeSet;

use proptest::prelude::*;
use shared::{
    board::{Board, CriterionId, Financials, NewPerson, NewProject, NewRisk, RiskId},
    dashboard,
    risk::Roam,
    scoring::Direction,
    selection, IsoWeek, PersonId, ProjectId, Stage,
};

#[derive(Debug, Clone)]
enum Edit {
    AddProject { name: String },
    Rename { project: usize, name: String },
    Move { project: usize, to: usize },
    SetStage { project: usize, stage: usize },
    Allocate { project: usize, person: usize, week: u32, hours: u8 },
    DeleteProject { project: usize },
    AddPerson { name: String, capacity: u8 },
    Score { project: usize, criterion: usize, score: u8 },
    AddRisk { project: usize, probability: u8, impact: u8, resolved: bool },
    Financials { project: usize, spent: u16, earned: u16 },
    Depend { project: usize, on: usize },
    Budget { project: usize, budget: u16 },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        "[A-Z][a-z]{0,6}".prop_map(|name| Edit::AddProject { name }),
        (any::<usize>(), "[a-z]{1,6}").prop_map(|(project, name)| Edit::Rename { project, name }),
        (any::<usize>(), 0..8usize).prop_map(|(project, to)| Edit::Move { project, to }),
        (any::<usize>(), 0..7usize).prop_map(|(project, stage)| Edit::SetStage { project, stage }),
        (any::<usize>(), any::<usize>(), 1..4u32, 0..60u8).prop_map(|(project, person, week, hours)| Edit::Allocate {
            project,
            person,
            week,
            hours
        }),
        any::<usize>().prop_map(|project| Edit::DeleteProject { project }),
        ("[A-Z][a-z]{1,5}", 0..60u8).prop_map(|(name, capacity)| Edit::AddPerson { name, capacity }),
        (any::<usize>(), 0..2usize, 0..10u8).prop_map(|(project, criterion, score)| Edit::Score {
            project,
            criterion,
            score
        }),
        (any::<usize>(), 1..=5u8, 1..=5u8, any::<bool>()).prop_map(|(project, probability, impact, resolved)| {
            Edit::AddRisk { project, probability, impact, resolved }
        }),
        (any::<usize>(), 0..1000u16, 0..1000u16).prop_map(|(project, spent, earned)| Edit::Financials {
            project,
            spent,
            earned
        }),
        (any::<usize>(), any::<usize>()).prop_map(|(project, on)| Edit::Depend { project, on }),
        (any::<usize>(), any::<u16>()).prop_map(|(project, budget)| Edit::Budget { project, budget }),
    ]
}

/// What the replicas did, to say afterwards which projects must exist.
#[derive(Default)]
struct Ledger {
    added: BTreeSet<ProjectId>,
    deleted: BTreeSet<ProjectId>,
}

fn apply(board: &mut Board, edit: &Edit, ledger: &mut Ledger) {
    let projects = board.projects();
    let people = board.people();
    let pick_project = |i: usize| (!projects.is_empty()).then(|| projects[i % projects.len()].id.clone());
    // Edits may be refused (a capacity of 0 and 60 hours booked is fine; bad ids are not): a
    // refused edit changes nothing, which is part of what is being tested.
    let _ = match edit {
        Edit::AddProject { name } => {
            let id = ProjectId::random();
            ledger.added.insert(id.clone());
            board.add_project(id, NewProject { name: name.clone(), stage: Stage::Proposed, budget: 100.0 })
        }
        Edit::Rename { project, name } => match pick_project(*project) {
            Some(id) => board.rename_project(&id, name),
            None => Ok(()),
        },
        Edit::Move { project, to } => match pick_project(*project) {
            Some(id) => board.move_project(&id, *to),
            None => Ok(()),
        },
        Edit::SetStage { project, stage } => match pick_project(*project) {
            Some(id) => board.set_project_stage(&id, Stage::ALL[*stage]),
            None => Ok(()),
        },
        Edit::Allocate { project, person, week, hours } => match (pick_project(*project), people.is_empty()) {
            (Some(id), false) => board.set_allocation(
                &id,
                &people[person % people.len()].id,
                IsoWeek::new(2026, 47 + week).unwrap(),
                f64::from(*hours),
            ),
            _ => Ok(()),
        },
        Edit::DeleteProject { project } => match pick_project(*project) {
            Some(id) => {
                ledger.deleted.insert(id.clone());
                board.delete_project(&id)
            }
            None => Ok(()),
        },
        Edit::Score { project, criterion, score } => match pick_project(*project) {
            Some(id) => {
                let criteria = board.criteria();
                let criterion = &criteria[criterion % criteria.len()].id;
                board.set_score(&id, criterion, Some(f64::from(*score)))
            }
            None => Ok(()),
        },
        Edit::AddRisk { project, probability, impact, resolved } => match pick_project(*project) {
            Some(id) => {
                let roam = if *resolved { Roam::Resolved } else { Roam::Owned };
                let risk = NewRisk {
                    title: "Risk".into(),
                    probability: *probability,
                    impact: *impact,
                    owner: String::new(),
                    mitigation: String::new(),
                    roam,
                };
                board.add_risk(RiskId::random(), &id, risk)
            }
            None => Ok(()),
        },
        Edit::Financials { project, spent, earned } => match pick_project(*project) {
            Some(id) => board.set_project_financials(
                &id,
                Financials {
                    actual_cost: f64::from(*spent),
                    planned_value: 50.0,
                    earned_value: f64::from(*earned) / 10.0,
                    percent_complete: 10.0,
                },
            ),
            None => Ok(()),
        },
        Edit::Depend { project, on } => match (pick_project(*project), pick_project(*on)) {
            (Some(id), Some(on)) => board.add_dependency(&id, &on),
            _ => Ok(()),
        },
        Edit::Budget { project, budget } => match pick_project(*project) {
            Some(id) => board.set_project_budget(&id, f64::from(*budget)),
            None => Ok(()),
        },
        Edit::AddPerson { name, capacity } => {
            board.add_person(PersonId::random(), NewPerson::named(name, f64::from(*capacity)))
        }
    };
}

fn merge_all(replicas: &mut [Board]) {
    for i in 1..replicas.len() {
        let (first, rest) = replicas.split_at_mut(i);
        first[0].merge(&mut rest[0]).unwrap();
    }
    for i in 1..replicas.len() {
        let (first, rest) = replicas.split_at_mut(i);
        rest[0].merge(&mut first[0]).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn concurrent_edits_converge_without_losing_or_duplicating_projects(
        replica_count in 2..=3usize,
        rounds in proptest::collection::vec(
            (proptest::collection::vec((0..3usize, edit()), 1..12), any::<bool>()),
            1..5,
        ),
    ) {
        let mut origin = Board::new("Portfolio").unwrap();
        let mut ledger = Ledger::default();
        for name in ["ERP", "CRM", "Data platform"] {
            apply(&mut origin, &Edit::AddProject { name: name.into() }, &mut ledger);
        }
        apply(&mut origin, &Edit::AddPerson { name: "Li".into(), capacity: 40 }, &mut ledger);
        origin.add_criterion(CriterionId::random(), "Value", 2.0, Direction::HigherIsBetter).unwrap();
        origin.add_criterion(CriterionId::random(), "Risk", 1.0, Direction::LowerIsBetter).unwrap();
        origin.set_budget_envelope(Some(250.0)).unwrap();
        let mut replicas: Vec<Board> = (0..replica_count).map(|_| origin.fork()).collect();

        for (edits, sync_in_between) in &rounds {
            for (replica, edit) in edits {
                apply(&mut replicas[replica % replica_count], edit, &mut ledger);
            }
            if *sync_in_between {
                // A partial sync: only the first two replicas meet.
                let (first, rest) = replicas.split_at_mut(1);
                first[0].merge(&mut rest[0]).unwrap();
            }
        }
        merge_all(&mut replicas);

        let expected = replicas[0].snapshot();
        for replica in &replicas[1..] {
            prop_assert_eq!(&replica.snapshot(), &expected);
        }
        let ids: Vec<ProjectId> = expected.projects.iter().map(|p| p.id.clone()).collect();
        let unique: BTreeSet<ProjectId> = ids.iter().cloned().collect();
        prop_assert_eq!(unique.len(), ids.len(), "a project appears twice");
        let must_exist: BTreeSet<ProjectId> = ledger.added.difference(&ledger.deleted).cloned().collect();
        prop_assert_eq!(unique, must_exist, "a project was lost or resurrected");
        for allocation in expected.allocations.iter() {
            prop_assert!(ids.contains(&allocation.project));
        }

        // Every replica computes the same figures: ranking, heat map, earned value, KPIs,
        // warnings, and the same optimal portfolio.
        let weeks = IsoWeek::new(2026, 48).unwrap().span(3);
        let figures = dashboard::compute(&expected, &weeks);
        let portfolio = |snapshot: &shared::board::BoardSnapshot, figures: &dashboard::Dashboard| {
            let values = figures
                .ranking
                .iter()
                .flat_map(|ranking| &ranking.candidates)
                .map(|scored| (scored.id.clone(), scored.total_score))
                .collect();
            let problem = selection::problem_from_board(snapshot, &values, 250.0, &weeks);
            selection::select(&problem, &selection::Limits::exact()).unwrap()
        };
        let chosen = portfolio(&expected, &figures);
        for replica in &replicas[1..] {
            let snapshot = replica.snapshot();
            let their_figures = dashboard::compute(&snapshot, &weeks);
            prop_assert_eq!(&their_figures, &figures);
            prop_assert_eq!(portfolio(&snapshot, &their_figures), chosen.clone());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The live snapshot, updated from patches, always equals a full read of the board: after
    /// local edits and after merging another replica's edits.
    #[test]
    fn the_live_snapshot_always_equals_a_full_read(
        rounds in proptest::collection::vec(
            (proptest::collection::vec(edit(), 1..8), proptest::collection::vec(edit(), 0..8)),
            1..5,
        ),
    ) {
        let mut origin = Board::new("Portfolio").unwrap();
        let mut ledger = Ledger::default();
        for name in ["ERP", "CRM"] {
            apply(&mut origin, &Edit::AddProject { name: name.into() }, &mut ledger);
        }
        apply(&mut origin, &Edit::AddPerson { name: "Li".into(), capacity: 40 }, &mut ledger);
        origin.add_criterion(CriterionId::random(), "Value", 2.0, Direction::HigherIsBetter).unwrap();
        let mut other = origin.fork();
        let mut live = shared::board::LiveBoard::new(origin);
        for (local, remote) in &rounds {
            for edit in local {
                apply(live.board_mut(), edit, &mut ledger);
                let expected = live.board().snapshot();
                prop_assert_eq!(live.refresh(), &expected);
                prop_assert!(live.snapshot().index_is_current(), "the index is behind after {:?}", edit);
            }
            for edit in remote {
                apply(&mut other, edit, &mut ledger);
            }
            live.board_mut().merge(&mut other).unwrap();
            let expected = live.board().snapshot();
            prop_assert_eq!(live.refresh(), &expected);
            prop_assert!(live.snapshot().index_is_current(), "the index is behind after a merge");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// What the pages compute from the live board a change at a time, keeping what the change
    /// did not touch (the dashboard, the review, the selection's values and problem), always
    /// equals what they compute afresh from the same snapshot: a kept figure is never stale.
    #[test]
    fn the_live_figures_always_equal_figures_computed_afresh(
        rounds in proptest::collection::vec(
            (proptest::collection::vec(edit(), 1..8), proptest::collection::vec(edit(), 0..8)),
            1..5,
        ),
    ) {
        use shared::views::{dashboard::ChartFrame, report, selection as view};
        let mut origin = Board::new("Portfolio").unwrap();
        let mut ledger = Ledger::default();
        for name in ["ERP", "CRM"] {
            apply(&mut origin, &Edit::AddProject { name: name.into() }, &mut ledger);
        }
        apply(&mut origin, &Edit::AddPerson { name: "Li".into(), capacity: 40 }, &mut ledger);
        origin.add_criterion(CriterionId::random(), "Value", 2.0, Direction::HigherIsBetter).unwrap();
        let weeks: Vec<IsoWeek> = (47..51).map(|week| IsoWeek::new(2026, week).unwrap()).collect();
        let chart = ChartFrame::new(640.0, 400.0);
        let setup = view::Setup { budget: 250.0, ..Default::default() };
        let mut other = origin.fork();
        let mut live = shared::board::LiveBoard::new(origin);
        let (mut dashboard, mut review) = (dashboard::LiveDashboard::default(), report::LiveReport::default());
        let (mut values, mut problem) = (view::LiveValues::default(), view::LiveProblem::default());
        let mut check = |snapshot: &shared::board::BoardSnapshot| -> Result<(), TestCaseError> {
            prop_assert_eq!(dashboard.compute(snapshot, &weeks), dashboard::compute(snapshot, &weeks));
            prop_assert_eq!(review.report(snapshot, &weeks, &chart), report::report(snapshot, &weeks, &chart));
            let live_values = values.values(snapshot);
            prop_assert_eq!(&*live_values, &view::candidate_values(snapshot));
            prop_assert_eq!(
                problem.problem(snapshot, &live_values, &setup, &weeks),
                view::build_problem(snapshot, &live_values, &setup, &weeks)
            );
            Ok(())
        };
        check(live.snapshot())?;
        for (local, remote) in &rounds {
            for edit in local {
                apply(live.board_mut(), edit, &mut ledger);
                check(live.refresh())?;
            }
            for edit in remote {
                apply(&mut other, edit, &mut ledger);
            }
            live.board_mut().merge(&mut other).unwrap();
            check(live.refresh())?;
        }
    }
}

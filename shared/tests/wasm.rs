//! The domain crate compiled to wasm32 and run by wasm-bindgen-test-runner (in Node): the
//! browser runs this exact code, so the board, its merges, capacity and the sync client are
//! checked there too (random ids, Automerge's wasm build, CBOR).
#![cfg(target_arch = "wasm32")]

use shared::{
    board::{Board, NewPerson, NewProject},
    capacity,
    sync::{SyncClient, WireMessage},
    IsoWeek, PersonId, ProjectId, Stage,
};
use wasm_bindgen_test::wasm_bindgen_test;

fn project(name: &str) -> NewProject {
    NewProject { name: name.into(), stage: Stage::Active, budget: 1.0 }
}

#[wasm_bindgen_test]
fn concurrent_moves_of_one_project_merge_without_duplicates() {
    let mut left = Board::new("Portfolio").unwrap();
    let ids: Vec<ProjectId> = (0..4).map(|_| ProjectId::random()).collect();
    for (i, id) in ids.iter().enumerate() {
        left.add_project(id.clone(), project(&format!("P{i}"))).unwrap();
    }
    let mut right = left.fork();
    left.move_project(&ids[3], 0).unwrap();
    right.move_project(&ids[3], 2).unwrap();
    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();
    assert_eq!(left.snapshot(), right.snapshot());
    let order: Vec<ProjectId> = left.projects().into_iter().map(|p| p.id).collect();
    assert_eq!(order.len(), 4);
    assert_eq!(order.iter().filter(|id| **id == ids[3]).count(), 1);
}

#[wasm_bindgen_test]
fn over_capacity_is_found_after_a_save_and_load() {
    let mut board = Board::new("Portfolio").unwrap();
    let (a, b, person) = (ProjectId::random(), ProjectId::random(), PersonId::random());
    board.add_project(a.clone(), project("A")).unwrap();
    board.add_project(b.clone(), project("B")).unwrap();
    board.add_person(person.clone(), NewPerson::named("Li", 40.0)).unwrap();
    let week: IsoWeek = "2026-W50".parse().unwrap();
    board.set_allocation(&a, &person, week, 30.0).unwrap();
    board.set_allocation(&b, &person, week, 20.0).unwrap();
    let loaded = Board::load(&board.save()).unwrap();
    let over = capacity::over_allocated(&loaded.snapshot(), &[week]);
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].1.allocated_hours, 50.0);
}

#[wasm_bindgen_test]
fn the_sync_client_speaks_cbor() {
    let client = SyncClient::new("peer", "doc", None);
    match WireMessage::decode(&client.join()).unwrap() {
        WireMessage::Join { sender_id, supported_protocol_versions, .. } => {
            assert_eq!(sender_id, "peer");
            assert_eq!(supported_protocol_versions, ["1"]);
        }
        other => panic!("expected a join, got {other:?}"),
    }
}

#[wasm_bindgen_test]
fn portfolio_selection_solves_in_wasm() {
    use shared::selection::{greedy_preview, select, Candidate, Limits, SelectionProblem, SelectionStatus};
    // Budget 10: greedy by value/cost takes A (9 for 6, ratio 1.5), and then neither B nor C
    // fits (6 + 5 > 10): value 9. The optimum is B + C: value 12 for cost 10.
    let project = |id: &str| id.parse().unwrap();
    let mut problem = SelectionProblem::new(10.0);
    problem.candidates = vec![
        Candidate::new(project("A"), 9.0, 6.0),
        Candidate::new(project("B"), 6.0, 5.0),
        Candidate::new(project("C"), 6.0, 5.0),
    ];
    problem.candidates[0] = problem.candidates[0].clone().with_demand("developer", "2026-W50", 30.0);
    problem.add_capacity("developer", "2026-W50", 40.0);
    let selection = select(&problem, &Limits::exact()).unwrap();
    assert_eq!(selection.status, SelectionStatus::Optimal);
    assert_eq!(selection.chosen, ["B", "C"]);
    assert_eq!(selection.total_value, 12.0);
    assert_eq!(greedy_preview(&problem).unwrap().total_value, 9.0);
}

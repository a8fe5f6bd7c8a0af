//! Timings of the large board in WebAssembly, run by hand (it is slow in a debug build, so
//! `make test` does not run it):
//!
//! ```sh
//! cargo test -p shared --release --target wasm32-unknown-unknown --test wasm_timing
//! ```
//!
//! It prints the figures; it asserts only that the live snapshot stays equal to a full read.
#![cfg(target_arch = "wasm32")]

use shared::{board::LiveBoard, dashboard};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[path = "support/large_board.rs"]
mod large_board;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
fn large_board_timings_in_wasm() {
    let started = now_ms();
    let (mut board, projects, people, weeks) = large_board::large_board();
    console_log!("wasm: built the board in {:.0} ms", now_ms() - started);
    let bytes = board.save();
    let started = now_ms();
    let loaded = shared::Board::load(&bytes).unwrap();
    console_log!("wasm: load {:.1} ms", now_ms() - started);
    let started = now_ms();
    let snapshot = loaded.snapshot();
    console_log!("wasm: full read {:.1} ms", now_ms() - started);
    let started = now_ms();
    dashboard::compute(&snapshot, &weeks[..12]);
    console_log!("wasm: dashboard from a snapshot {:.1} ms", now_ms() - started);
    let chart = shared::views::dashboard::ChartFrame::new(640.0, 400.0);
    let started = now_ms();
    shared::views::report::report(&snapshot, &weeks[..12], &chart);
    console_log!("wasm: the review's view-model (all but the selection) {:.1} ms", now_ms() - started);
    let mut live = LiveBoard::new(loaded);
    let rounds = 20;
    let started = now_ms();
    for round in 0..rounds {
        live.board_mut().set_allocation(&projects[7], &people[3], weeks[5], 8.0 + round as f64).unwrap();
        dashboard::compute(live.refresh(), &weeks[..12]);
    }
    console_log!(
        "wasm: one edit, live snapshot and dashboard {:.1} ms (mean of {rounds})",
        (now_ms() - started) / rounds as f64
    );
    assert_eq!(live.snapshot(), &live.board().snapshot());

    // Exports and imports (issue 15): the whole workbook, and a CSV of 1,000 projects previewed.
    use shared::exchange::{export, import, Table};
    let snapshot = live.snapshot().clone();
    let started = now_ms();
    let workbook = export::xlsx(&export::tables(&snapshot), 0).unwrap();
    console_log!("wasm: XLSX export of every table {:.0} ms ({} KB)", now_ms() - started, workbook.len() / 1024);
    let projects_csv = export::csv(&export::sheet(&snapshot, Table::Projects));
    let empty = shared::Board::new("Empty").unwrap().snapshot();
    let started = now_ms();
    let plan = import::plan(&empty, &import::read("projects.csv", &projects_csv).unwrap());
    console_log!("wasm: CSV import preview of 1,000 projects {:.0} ms", now_ms() - started);
    assert_eq!(plan.projects.len(), snapshot.projects.len());
    // Time travel (issue 14): 10,000 more changes, the board at a point in their middle, and
    // the comparison of that point with now.
    let mut board = live.into_board();
    let point = large_board::add_history(&mut board, &projects, &people, &weeks, large_board::HISTORY_CHANGES);
    let started = now_ms();
    let then = board.fork_at(&point).unwrap().snapshot();
    console_log!(
        "wasm: the board as it was at a point (10,000 changes later), forked there {:.1} ms",
        now_ms() - started
    );
    let started = now_ms();
    let read_then = board.snapshot_at(&point).unwrap();
    console_log!(
        "wasm: the board as it was at a point (10,000 changes later), read at its heads {:.1} ms",
        now_ms() - started
    );
    assert_eq!(read_then, then);
    let now = board.snapshot();
    let started = now_ms();
    let comparison = shared::history::compare::compare(&then, &now);
    let kpis = shared::history::compare::compare_kpis(&then, &now, &weeks[..12]);
    console_log!(
        "wasm: compare two points with their KPIs {:.1} ms ({} fields, {} bookings)",
        now_ms() - started,
        comparison.fields.len(),
        comparison.bookings.len()
    );
    assert_eq!(kpis.len(), 6);
    let started = now_ms();
    let selection = shared::history::compare::compare_selection(
        &then,
        &now,
        &weeks[..12],
        &shared::history::compare::selection_limits(),
    )
    .unwrap();
    console_log!(
        "wasm: the selection of two points (node budget) {:.0} ms ({:?}, {:?})",
        now_ms() - started,
        selection.then.status,
        selection.now.status
    );
    // The history page's first page: the 50 newest changes described, as the browser does
    // after the API's answer.
    let newest: Vec<_> = {
        let doc = automerge::Automerge::load(&board.save()).unwrap();
        doc.get_changes(&[]).iter().rev().take(50).map(|change| change.hash()).collect()
    };
    let started = now_ms();
    let described = newest.iter().filter_map(|hash| board.describe_change(hash)).count();
    console_log!("wasm: describe a history page (the 50 newest changes) {:.1} ms", now_ms() - started);
    assert_eq!(described, 50);
}

/// A colleague's budget on the large board, as the dashboard, the review and the selection take
/// it: their figures computed afresh (as the review and the selection did until 2026-11-29)
/// against the live computations, which keep what the change did not touch (the native
/// counterpart is `cargo run --release -p shared --example live_pages`).
#[wasm_bindgen_test]
fn a_colleagues_budget_in_wasm() {
    use shared::views::{dashboard::ChartFrame, report, selection as view};
    let (board, projects, _people, weeks) = large_board::large_board();
    let weeks = &weeks[..12];
    let chart = ChartFrame::new(640.0, 400.0);
    let mut live = LiveBoard::new(board);
    let (mut live_dashboard, mut live_report) = (dashboard::LiveDashboard::default(), report::LiveReport::default());
    let (mut live_values, mut live_problem) = (view::LiveValues::default(), view::LiveProblem::default());
    let setup = |snapshot: &shared::board::BoardSnapshot| view::Setup {
        budget: view::default_budget(snapshot),
        ..Default::default()
    };
    let snapshot = live.snapshot().clone();
    live_dashboard.compute(&snapshot, weeks);
    live_report.report(&snapshot, weeks, &chart);
    let values = live_values.values(&snapshot);
    live_problem.problem(&snapshot, &values, &setup(&snapshot), weeks);
    let rounds = 10;
    let mut spent = [0.0; 7];
    let mut held = Vec::new();
    for round in 0..rounds {
        live.board_mut().set_project_budget(&projects[11], 200_000.0 + round as f64).unwrap();
        let mut clock = now_ms();
        let mut lap = |step: usize| {
            let now = now_ms();
            spent[step] += now - clock;
            clock = now;
        };
        live.refresh();
        let snapshot = live.snapshot().clone();
        lap(0);
        let fresh = dashboard::compute(&snapshot, weeks);
        lap(1);
        let kept = live_dashboard.compute(&snapshot, weeks);
        lap(2);
        assert_eq!(kept, fresh);
        let fresh = report::report(&snapshot, weeks, &chart);
        lap(3);
        let kept = live_report.report(&snapshot, weeks, &chart);
        lap(4);
        assert_eq!(kept, fresh);
        let values = view::candidate_values(&snapshot);
        let fresh = view::build_problem(&snapshot, &values, &setup(&snapshot), weeks);
        lap(5);
        let values = live_values.values(&snapshot);
        let kept = live_problem.problem(&snapshot, &values, &setup(&snapshot), weeks);
        lap(6);
        assert_eq!(kept, fresh);
        held.push(snapshot);
        held.drain(..held.len() - 1);
    }
    let mean = |step: usize| spent[step] / rounds as f64;
    console_log!("wasm: a colleague's budget (mean of {rounds}): live snapshot {:.1} ms", mean(0));
    console_log!("wasm:   dashboard afresh {:.1} ms, live {:.1} ms", mean(1), mean(2));
    console_log!("wasm:   review afresh {:.1} ms, live {:.1} ms", mean(3), mean(4));
    console_log!("wasm:   selection's values and problem afresh {:.1} ms, live {:.1} ms", mean(5), mean(6));
}

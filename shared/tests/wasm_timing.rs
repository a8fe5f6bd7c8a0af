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
    let projects = export::csv(&export::sheet(&snapshot, Table::Projects));
    let empty = shared::Board::new("Empty").unwrap().snapshot();
    let started = now_ms();
    let plan = import::plan(&empty, &import::read("projects.csv", &projects).unwrap());
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

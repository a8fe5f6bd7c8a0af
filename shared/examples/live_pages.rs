//! What the dashboard, the review and the selection page compute after a colleague changes one
//! project's budget on the large board (1,000 projects, 300 people, 31,200 bookings, 2,000
//! risks): computed afresh from the snapshot, as the review and the selection did until
//! 2026-11-29, against the live computations that keep what the change did not touch
//! (`dashboard::LiveDashboard`, `views::report::LiveReport`, `views::selection::LiveValues` and
//! `LiveProblem`). Run with `cargo run --release -p shared --example live_pages`; it prints the
//! median of each step (native: WebAssembly in the browser takes about twice as long).

use std::time::{Duration, Instant};

use shared::{
    board::LiveBoard,
    dashboard, selection,
    views::{dashboard::ChartFrame, report, selection as view},
};

#[path = "../tests/support/large_board.rs"]
mod large_board;

const ROUNDS: usize = 30;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
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
    // Everything computed once, as a page does when it opens.
    let snapshot = live.snapshot().clone();
    live_dashboard.compute(&snapshot, weeks);
    live_report.report(&snapshot, weeks, &chart);
    let values = live_values.values(&snapshot);
    live_problem.problem(&snapshot, &values, &setup(&snapshot), weeks);

    let steps = [
        "live snapshot brought up to date",
        "dashboard: computed afresh (dashboard::compute)",
        "dashboard: LiveDashboard",
        "review: computed afresh (report::report)",
        "review: LiveReport",
        "selection: values and problem afresh",
        "selection: LiveValues and LiveProblem",
        "selection: the greedy preview",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); steps.len()];
    let mut held = Vec::new();
    for round in 0..ROUNDS {
        live.board_mut().set_project_budget(&projects[11], 200_000.0 + round as f64).unwrap();
        let clock = Instant::now();
        live.refresh();
        times[0].push(clock.elapsed());
        // The page holds the snapshot it shows, as the app does.
        let snapshot = live.snapshot().clone();

        let clock = Instant::now();
        let fresh = dashboard::compute(&snapshot, weeks);
        times[1].push(clock.elapsed());
        let clock = Instant::now();
        let kept = live_dashboard.compute(&snapshot, weeks);
        times[2].push(clock.elapsed());
        assert_eq!(kept, fresh);

        let clock = Instant::now();
        let fresh = report::report(&snapshot, weeks, &chart);
        times[3].push(clock.elapsed());
        let clock = Instant::now();
        let kept = live_report.report(&snapshot, weeks, &chart);
        times[4].push(clock.elapsed());
        assert_eq!(kept, fresh);

        let clock = Instant::now();
        let values = view::candidate_values(&snapshot);
        let fresh = view::build_problem(&snapshot, &values, &setup(&snapshot), weeks);
        times[5].push(clock.elapsed());
        let clock = Instant::now();
        let values = live_values.values(&snapshot);
        let kept = live_problem.problem(&snapshot, &values, &setup(&snapshot), weeks);
        times[6].push(clock.elapsed());
        assert_eq!(kept, fresh);
        let clock = Instant::now();
        selection::greedy_preview(&kept).unwrap();
        times[7].push(clock.elapsed());
        held.push(snapshot);
        held.drain(..held.len() - 1);
    }
    println!("another member's budget change on the large board (median of {ROUNDS}, native):");
    for (step, t) in steps.iter().zip(times) {
        println!("  {:<50} {:>9.2?}", step, median(t));
    }
}

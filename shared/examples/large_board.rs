//! Writes the benchmarks' large board (1,000 projects, 300 people, 52 weeks of bookings, 2,000
//! risks: `tests/support/large_board.rs`) as a `.automerge` backup, for the browser benchmark
//! (`end2end/bench/pages.js`, `make bench-ui`), which restores it as a new board. A second
//! argument adds that many more changes of history (budgets, bookings, moves, renames), the
//! same as the history API benchmark's: `make bench-ui` asks for 10,000 (issue 14's board).
//!
//! ```sh
//! cargo run -p shared --release --example large_board -- target/large-board.automerge 10000
//! ```

#[path = "../tests/support/large_board.rs"]
#[allow(dead_code)]
mod large_board;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "large-board.automerge".to_owned());
    let history: usize = args.next().map_or(0, |n| n.parse().expect("the number of changes of history"));
    let (mut board, projects, people, weeks) = large_board::large_board();
    large_board::add_history(&mut board, &projects, &people, &weeks, history);
    let bytes = board.save();
    std::fs::write(&path, &bytes).unwrap_or_else(|error| panic!("{path}: {error}"));
    eprintln!(
        "{path}: {} projects, {} people, {history} more changes, {} KB",
        projects.len(),
        people.len(),
        bytes.len() / 1024
    );
}

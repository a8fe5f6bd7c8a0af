//! Writes the benchmarks' large board (1,000 projects, 300 people, 52 weeks of bookings, 2,000
//! risks: `tests/support/large_board.rs`) as a `.automerge` backup, for the browser benchmark
//! (`end2end/bench/large-board.js`), which restores it as a new board.
//!
//! ```sh
//! cargo run -p shared --release --example large_board -- target/large-board.automerge
//! ```

#[path = "../tests/support/large_board.rs"]
#[allow(dead_code)]
mod large_board;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "large-board.automerge".to_owned());
    let (mut board, projects, people, _) = large_board::large_board();
    let bytes = board.save();
    std::fs::write(&path, &bytes).unwrap_or_else(|error| panic!("{path}: {error}"));
    eprintln!("{path}: {} projects, {} people, {} KB", projects.len(), people.len(), bytes.len() / 1024);
}

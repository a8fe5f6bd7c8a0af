//! What a device does when another member's edit arrives, step by step, on the large board with
//! its 10,000 changes of history: the figures behind the floor every page of the app pays for
//! a remote edit (BENCHMARKS.md, "another member's budget change shown"). Run with
//! `cargo run --release -p shared --example remote_edit`; it prints the median of each step.
//!
//! Two replicas talk through `shared::sync::SyncClient`, each taking the other for its server:
//! the colleague changes a budget and sends the sync message; the device receives it (and
//! answers), brings its live snapshot up to date, hands the page a snapshot, and stores what
//! is new, as `shared::session` does.

use std::time::{Duration, Instant};

use shared::{
    board::{Board, LiveBoard},
    protocol::WireMessage,
    sync::SyncClient,
};

#[path = "../tests/support/large_board.rs"]
mod large_board;

const ROUNDS: usize = 30;

fn peer(me: &str, them: &str) -> Vec<u8> {
    WireMessage::Peer {
        sender_id: them.to_owned(),
        target_id: me.to_owned(),
        selected_protocol_version: "1".to_owned(),
        peer_metadata: None,
    }
    .encode()
}

/// Delivers frames both ways until neither side has anything more to say.
fn settle(
    device: &mut SyncClient,
    device_board: &mut Board,
    colleague: &mut SyncClient,
    colleague_board: &mut Board,
    mut to_device: Vec<Vec<u8>>,
) {
    for _ in 0..20 {
        let mut to_colleague = Vec::new();
        for frame in to_device.drain(..) {
            to_colleague.extend(device.receive(device_board, &frame).unwrap().replies);
        }
        to_colleague.extend(device.poll(device_board));
        for frame in to_colleague.drain(..) {
            to_device.extend(colleague.receive(colleague_board, &frame).unwrap().replies);
        }
        to_device.extend(colleague.poll(colleague_board));
        if to_device.is_empty() {
            return;
        }
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let started = Instant::now();
    let (mut board, projects, people, weeks) = large_board::large_board();
    large_board::add_history(&mut board, &projects, &people, &weeks, large_board::HISTORY_CHANGES);
    let bytes = board.save();
    eprintln!("fixture: the large board with its history, {} bytes, built in {:.1?}", bytes.len(), started.elapsed());

    let mut colleague_board = Board::load(&bytes).unwrap();
    let mut live = LiveBoard::new(Board::load(&bytes).unwrap());
    let mut device = SyncClient::new("device", "board", None);
    let mut colleague = SyncClient::new("colleague", "board", None);
    let first = device.receive(live.board_mut(), &peer("device", "colleague")).unwrap().replies;
    colleague.receive(&mut colleague_board, &peer("colleague", "device")).unwrap();
    settle(&mut device, live.board_mut(), &mut colleague, &mut colleague_board, Vec::new());
    for frame in first {
        let replies = colleague.receive(&mut colleague_board, &frame).unwrap().replies;
        settle(&mut device, live.board_mut(), &mut colleague, &mut colleague_board, replies);
    }

    let steps = [
        "receive the sync message (and answer)",
        "live snapshot brought up to date",
        "a copy of the snapshot for the page",
        "store what is new (save_incremental)",
        "the sync state to store",
        "changes not yet on the server (the sync badge)",
        "the rule warnings every page shows",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); steps.len()];
    let mut kept = Vec::new();
    for round in 0..ROUNDS {
        colleague_board.set_project_budget(&projects[11], 200_000.0 + round as f64).unwrap();
        let frame = colleague.poll(&mut colleague_board).expect("the colleague sends the edit");

        let clock = Instant::now();
        let received = device.receive(live.board_mut(), &frame).unwrap();
        times[0].push(clock.elapsed());
        let clock = Instant::now();
        live.refresh();
        times[1].push(clock.elapsed());
        let clock = Instant::now();
        kept.push(std::sync::Arc::new(live.snapshot().clone()));
        times[2].push(clock.elapsed());
        let clock = Instant::now();
        let fresh = live.board_mut().save_incremental();
        times[3].push(clock.elapsed());
        let clock = Instant::now();
        let state = device.saved_state();
        times[4].push(clock.elapsed());
        let clock = Instant::now();
        let unsynced = device.unsynced_changes(live.board_mut());
        times[5].push(clock.elapsed());
        let clock = Instant::now();
        let warnings = shared::rules::check_from(live.snapshot(), None);
        times[6].push(clock.elapsed());
        assert!(!fresh.is_empty() && !state.is_empty() && unsynced == 0);
        if round == 0 {
            eprintln!("the board has {} rule warnings", warnings.len());
        }
        // The page keeps the newest snapshot only.
        kept.drain(..kept.len() - 1);

        let mut replies = Vec::new();
        for frame in received.replies {
            replies.extend(colleague.receive(&mut colleague_board, &frame).unwrap().replies);
        }
        settle(&mut device, live.board_mut(), &mut colleague, &mut colleague_board, replies);
    }
    assert_eq!(live.snapshot().project(&projects[11]).unwrap().budget, 200_000.0 + (ROUNDS - 1) as f64);
    let total: Duration = times.iter().map(|t| median(t.clone())).sum();
    println!("another member's budget change, as the device takes it (median of {ROUNDS}):");
    for (step, t) in steps.iter().zip(times) {
        println!("  {:<45} {:>9.2?}", step, median(t));
    }
    println!("  {:<45} {:>9.2?}", "in all", total);
}

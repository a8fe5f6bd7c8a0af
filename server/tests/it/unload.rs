//! Idle boards are unloaded: a board nobody has open leaves memory after the idle period
//! (`Config::unload_idle_boards_after`, a few milliseconds here), and comes back from the
//! database, whole, when someone opens it again.

use std::time::Duration;

use server::{Config, Server};
use shared::board::ProjectId;

use crate::{
    editor::{has_project, project, read_from_server, Editor},
    harness::{create_board, start_server_with, TestBoard, TestDatabase},
};

const WITHIN: Duration = Duration::from_secs(10);

async fn start(database: &TestDatabase, idle: Duration) -> Server {
    let config = Config {
        unload_idle_boards_after: idle,
        metrics_token: server::metrics::MetricsToken::new(crate::harness::METRICS_TOKEN),
        ..Config::new(database.url(), "target/site")
    };
    start_server_with(config, "127.0.0.1:0".parse().unwrap()).await
}

/// The value of a figure in `/metrics` (summed over its labels).
async fn metric(server: &Server, name: &str) -> f64 {
    let text = crate::harness::metrics_text(server.addr).await;
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| line.split([' ', '{']).next() == Some(name))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Waits until `/metrics` shows `loaded` boards held, or panics after [`WITHIN`].
async fn until_loaded(server: &Server, loaded: f64) {
    let deadline = tokio::time::Instant::now() + WITHIN;
    loop {
        let now = metric(server, "pmo_boards_loaded").await;
        if now == loaded {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "pmo_boards_loaded stayed at {now}, not {loaded}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn open(server: &Server, board: &TestBoard, name: &str) -> Editor {
    let mut editor = Editor::new(name, board.document_id(), &board.token);
    assert!(editor.connect(server.addr).await, "{name} connects");
    editor.wait_for(WITHIN, "the board", |e| e.board.is_loaded()).await;
    editor
}

async fn add_project(editor: &mut Editor, name: &str) {
    editor.edit(|b| b.add_project(ProjectId::random(), project(name)).expect("a valid edit")).await;
}

#[tokio::test]
async fn a_board_unloaded_and_opened_again_has_all_its_changes() {
    let database = TestDatabase::new();
    let server = start(&database, Duration::from_millis(100)).await;
    let board = create_board(server.addr, "Unloaded").await;
    for round in 0..3 {
        let mut editor = open(&server, &board, "editor").await;
        editor
            .wait_for(WITHIN, "every earlier round's project", |e| {
                (0..round).all(|earlier| has_project(e, &format!("Round {earlier}")))
            })
            .await;
        add_project(&mut editor, &format!("Round {round}")).await;
        editor.wait_for(WITHIN, "the edit saved", |e| e.unsynced() == 0).await;
        drop(editor);
        until_loaded(&server, 0.0).await;
    }
    assert!(metric(&server, "pmo_boards_unloaded_total").await >= 3.0);
    let stored = read_from_server(server.addr, board.document_id(), &board.token).await;
    let names: Vec<String> = stored.snapshot().projects.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    server.stop().await;
}

#[tokio::test]
async fn a_board_being_edited_is_never_unloaded() {
    let database = TestDatabase::new();
    let idle = Duration::from_millis(50);
    let server = start(&database, idle).await;
    let board = create_board(server.addr, "Busy").await;
    let mut alice = open(&server, &board, "alice").await;
    let mut bob = open(&server, &board, "bob").await;
    // The board may have been unloaded between its creation and Alice opening it; from now on
    // it may not be.
    let unloaded = metric(&server, "pmo_boards_unloaded_total").await;
    // Alice edits with pauses longer than the idle period; the board is open all along.
    for edit in 0..6 {
        let name = format!("Edit {edit}");
        add_project(&mut alice, &name).await;
        alice.wait_for(WITHIN, "the edit saved", |e| e.unsynced() == 0).await;
        bob.wait_for(WITHIN, "alice's edit", |e| has_project(e, &name)).await;
        tokio::time::sleep(idle * 3).await;
        assert_eq!(metric(&server, "pmo_boards_loaded").await, 1.0, "after edit {edit}");
        assert_eq!(metric(&server, "pmo_boards_unloaded_total").await, unloaded, "after edit {edit}");
    }
    // Closed, it goes: the sweeper was running all along.
    drop((alice, bob));
    until_loaded(&server, 0.0).await;
    server.stop().await;
}

#[tokio::test]
async fn an_unload_during_a_reconnect_loses_nothing() {
    let database = TestDatabase::new();
    let idle = Duration::from_millis(20);
    let server = start(&database, idle).await;
    let board = create_board(server.addr, "Flaky network").await;
    let mut editor = open(&server, &board, "traveller").await;
    let mut made = Vec::new();
    // The editor drops off, edits offline and comes back after a delay around the idle
    // period, so that the board is unloaded before, while or just after it reconnects.
    for (round, delay_ms) in [0, 5, 10, 15, 20, 25, 30, 35, 40, 50, 60, 80, 120].into_iter().enumerate() {
        editor.lost();
        let name = format!("Offline {round}");
        add_project(&mut editor, &name).await;
        made.push(name);
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        assert!(editor.connect(server.addr).await, "round {round}: reconnects");
        editor.wait_for(WITHIN, "the offline edit saved", |e| e.unsynced() == 0).await;
    }
    assert!(metric(&server, "pmo_boards_unloaded_total").await >= 1.0, "no unload happened during the test");
    drop(editor);
    until_loaded(&server, 0.0).await;
    let stored = read_from_server(server.addr, board.document_id(), &board.token).await;
    let names: Vec<String> = stored.snapshot().projects.iter().map(|p| p.name.clone()).collect();
    for name in &made {
        assert!(names.contains(name), "{name} was lost: {names:?}");
    }
    server.stop().await;
}

#[tokio::test]
async fn the_loaded_gauge_falls_after_the_idle_period() {
    let database = TestDatabase::new();
    let server = start(&database, Duration::from_millis(200)).await;
    let mut readers = Vec::new();
    for number in 0..5 {
        let board = create_board(server.addr, &format!("Board {number}")).await;
        readers.push(open(&server, &board, "reader").await);
    }
    assert_eq!(metric(&server, "pmo_boards_loaded").await, 5.0, "every open board is held");
    assert_eq!(server.state().boards.loaded().len(), 5);
    // A board may have been unloaded between its creation and its reader opening it.
    let unloaded = metric(&server, "pmo_boards_unloaded_total").await;
    drop(readers);
    until_loaded(&server, 0.0).await;
    assert_eq!(metric(&server, "pmo_boards_unloaded_total").await, unloaded + 5.0);
    server.stop().await;
}

/// Members opening and leaving one board at random moments, with an idle period of a
/// millisecond: loads and unloads race, and the board is never held twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_opens_and_unloads_never_hold_a_board_twice() {
    let database = TestDatabase::new();
    let server = start(&database, Duration::from_millis(1)).await;
    let board = create_board(server.addr, "Racing").await;
    let addr = server.addr;
    let members = (0..4).map(|member| {
        let (document_id, token) = (board.document_id().to_owned(), board.token.clone());
        tokio::spawn(async move {
            for visit in 0..6 {
                let mut editor = Editor::new(&format!("member {member}"), &document_id, &token);
                assert!(editor.connect(addr).await, "member {member} connects");
                editor.wait_for(WITHIN, "the board", |e| e.board.is_loaded()).await;
                drop(editor);
                tokio::time::sleep(Duration::from_millis(rand::random_range(0..4) * visit)).await;
            }
        })
    });
    let members = futures::future::join_all(members);
    let watch = async {
        let mut most = 0.0_f64;
        loop {
            most = most.max(metric(&server, "pmo_boards_loaded").await);
            tokio::time::sleep(Duration::from_millis(2)).await;
            if most > 1.0 {
                return most;
            }
        }
    };
    tokio::select! {
        finished = members => assert!(finished.iter().all(Result::is_ok), "a member failed"),
        most = watch => panic!("the board was held {most} times at once"),
    }
    until_loaded(&server, 0.0).await;
    assert!(server.state().boards.loaded().is_empty());
    server.stop().await;
}

//! The session's rules, driven natively: a device performs the effects (a byte vector for
//! storage, a server played with automerge's sync protocol directly) and the tests check what
//! went out, in what order.

use std::collections::HashSet;

use automerge::{sync, sync::SyncDoc, Automerge, ChangeHash};

use super::*;
use crate::{
    board::{NewProject, ProjectId, Stage},
    protocol::WireMessage,
};

const DOCUMENT: &str = "board";
const SERVER: &str = "server";
const CLIENT: &str = "client";

/// The server's side: a board and the sync state with the one client.
struct Server {
    board: Board,
    state: sync::State,
}

impl Server {
    fn new() -> Server {
        Server { board: Board::new("Portfolio").unwrap(), state: sync::State::new() }
    }

    fn sync_frame(&self, data: Vec<u8>) -> Vec<u8> {
        WireMessage::Sync { document_id: DOCUMENT.into(), sender_id: SERVER.into(), target_id: CLIENT.into(), data }
            .encode()
    }

    /// Answers one frame from the client.
    fn answer(&mut self, frame: &[u8]) -> Vec<Vec<u8>> {
        match WireMessage::decode(frame).unwrap() {
            WireMessage::Join { .. } => {
                self.state = sync::State::new();
                vec![WireMessage::Peer {
                    sender_id: SERVER.into(),
                    target_id: CLIENT.into(),
                    selected_protocol_version: "1".into(),
                    peer_metadata: None,
                }
                .encode()]
            }
            WireMessage::Request { data, .. } | WireMessage::Sync { data, .. } => {
                let doc = self.board.doc_mut();
                doc.sync().receive_sync_message(&mut self.state, sync::Message::decode(&data).unwrap()).unwrap();
                self.reply()
            }
            _ => Vec::new(),
        }
    }

    fn reply(&mut self) -> Vec<Vec<u8>> {
        let doc = self.board.doc_mut();
        let message = doc.sync().generate_sync_message(&mut self.state);
        message.map(|message| self.sync_frame(message.encode())).into_iter().collect()
    }

    fn hashes(&mut self) -> HashSet<ChangeHash> {
        self.board.doc_mut().get_changes(&[]).iter().map(|change| change.hash()).collect()
    }
}

/// A device running a session: it performs the effects and checks, on every frame it sends,
/// that the server receives no change the device has not stored first.
struct Device {
    session: Session,
    server: Server,
    now_ms: f64,
    /// What the device's storage holds.
    disk: Vec<u8>,
    /// Changes the server had before the client ever sent any (made on the server).
    server_made: HashSet<ChangeHash>,
    /// Every effect, in order.
    log: Vec<Effect>,
    /// Answer stores at once (`true`) or leave them unanswered to look at what waits.
    answer_stores: bool,
    unanswered_store: bool,
    /// Refuse every store; then, and only then, changes may reach the server unstored.
    fail_stores: bool,
    connection: Option<u32>,
    socket_open: bool,
}

impl Device {
    /// A device that has the board stored already (it was opened here before) and a server
    /// holding the same board.
    fn new() -> Device {
        let mut server = Server::new();
        let disk = server.board.save();
        let server_made = server.hashes();
        let stored = Stored { board: Board::load(&disk).unwrap(), sync_state: None, next_chunk: 1 };
        let session = Session::new(CLIENT, DOCUMENT, Some(stored), "Alice", None);
        Device {
            session,
            server,
            now_ms: 1_000.0,
            disk,
            server_made,
            log: Vec::new(),
            answer_stores: true,
            unanswered_store: false,
            fail_stores: false,
            connection: None,
            socket_open: false,
        }
    }

    /// Starts the session, lets the socket open and the handshake finish.
    fn online() -> Device {
        let mut device = Device::new();
        let effects = device.session.start(device.now_ms, true);
        device.perform(effects);
        device.open_socket();
        device
    }

    fn open_socket(&mut self) {
        let connection = self.connection.expect("a connection was asked for");
        self.socket_open = true;
        self.input(Input::SocketOpened { connection });
    }

    fn input(&mut self, input: Input) {
        let effects = self.session.handle(input, self.now_ms);
        self.perform(effects);
    }

    fn edit(&mut self, name: &str) {
        let new = NewProject { name: name.into(), stage: Stage::Proposed, budget: 10.0 };
        let effects = self.session.edit(|board| board.add_project(ProjectId::random(), new).map(|_| ())).unwrap();
        self.perform(effects);
    }

    fn perform(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            self.log.push(effect.clone());
            match effect {
                Effect::Store { changes, .. } => {
                    if !self.answer_stores {
                        self.unanswered_store = true;
                        continue;
                    }
                    let answer = self.store(&changes);
                    self.input(answer);
                }
                Effect::Replace { bytes, .. } => {
                    self.disk = bytes;
                    self.input(Input::Replaced(Ok(())));
                }
                Effect::Send(frame) => {
                    if !self.socket_open {
                        continue;
                    }
                    let before = self.server.hashes();
                    let replies = self.server.answer(&frame);
                    let stored: HashSet<ChangeHash> = Automerge::load(&self.disk)
                        .unwrap()
                        .get_changes(&[])
                        .iter()
                        .map(|change| change.hash())
                        .collect();
                    for hash in self.server.hashes() {
                        assert!(
                            before.contains(&hash)
                                || stored.contains(&hash)
                                || self.server_made.contains(&hash)
                                || self.fail_stores,
                            "change {hash} reached the server before it was stored"
                        );
                    }
                    let connection = self.connection.unwrap();
                    for reply in replies {
                        self.input(Input::Frame { connection, bytes: reply });
                    }
                }
                Effect::Connect { connection } => {
                    self.connection = Some(connection);
                    self.socket_open = false;
                }
                Effect::Disconnect => self.socket_open = false,
                _ => {}
            }
        }
    }

    fn store(&mut self, changes: &[u8]) -> Input {
        if self.fail_stores {
            return Input::Stored { changes: Err("the disk is full".into()), sync_state: Ok(()) };
        }
        self.disk.extend_from_slice(changes);
        Input::Stored { changes: Ok(()), sync_state: Ok(()) }
    }

    /// Answers the store left unanswered.
    fn finish_store(&mut self) {
        assert!(std::mem::take(&mut self.unanswered_store), "a store was waiting");
        let Some(Effect::Store { changes, .. }) =
            self.log.iter().rev().find(|e| matches!(e, Effect::Store { .. })).cloned()
        else {
            unreachable!()
        };
        self.answer_stores = true;
        let answer = self.store(&changes);
        self.input(answer);
    }

    fn sends_since(&self, from: usize) -> usize {
        self.log[from..].iter().filter(|effect| matches!(effect, Effect::Send(_))).count()
    }

    fn server_projects(&mut self) -> Vec<String> {
        let mut names: Vec<String> = self.server.board.projects().into_iter().map(|p| p.name).collect();
        names.sort();
        names
    }
}

#[test]
fn the_handshake_brings_the_device_online_with_nothing_waiting() {
    let device = Device::online();
    assert!(device.log.contains(&Effect::Connected));
    assert_eq!(device.session.status(), SyncStatus { online: true, ready: true, ..SyncStatus::default() });
}

#[test]
fn an_edit_is_stored_before_any_frame_that_carries_it_is_sent() {
    let mut device = Device::online();
    device.answer_stores = false;
    let mark = device.log.len();
    device.edit("ERP");
    assert!(device.log[mark..].contains(&Effect::BoardChanged), "the edit shows at once");
    assert_eq!(device.sends_since(mark), 0, "nothing is sent while the store has not answered");
    assert_eq!(device.session.status().unsynced, 1);
    // More edits while the store is busy wait too.
    device.edit("CRM");
    assert_eq!(device.sends_since(mark), 0);
    device.finish_store();
    assert!(device.sends_since(mark) > 0, "stored, the changes go out");
    assert_eq!(device.server_projects(), ["CRM", "ERP"]);
    assert_eq!(device.session.status().unsynced, 0);
}

/// Many edits and server changes interleaved: the device's check in `perform` fails the test
/// if any change reaches the server before it is on the device's disk.
#[test]
fn nothing_reaches_the_server_unstored_through_many_edits() {
    let mut device = Device::online();
    for round in 0..20 {
        device.edit(&format!("Project {round}"));
        if round % 3 == 0 {
            let new = NewProject { name: format!("Server {round}"), stage: Stage::Active, budget: 1.0 };
            device.server.board.add_project(ProjectId::random(), new).unwrap();
            device.server_made = device.server.hashes().union(&device.server_made).copied().collect();
            let connection = device.connection.unwrap();
            for frame in device.server.reply() {
                device.input(Input::Frame { connection, bytes: frame });
            }
        }
    }
    assert_eq!(device.server.board.snapshot(), *device.session.snapshot());
    assert_eq!(Board::load(&device.disk).unwrap().snapshot(), *device.session.snapshot(), "the disk holds it all");
}

#[test]
fn a_failed_store_still_sends_and_keeps_the_changes_for_the_next_store() {
    let mut device = Device::online();
    device.fail_stores = true;
    let mark = device.log.len();
    device.edit("ERP");
    assert!(device.log[mark..].iter().any(|e| matches!(e, Effect::Problem(Some(Problem::Store(_))))));
    assert_eq!(device.server_projects(), ["ERP"], "sent anyway: the server keeps it safe");
    device.fail_stores = false;
    let mark = device.log.len();
    device.edit("CRM");
    let stored: Vec<&Effect> = device.log[mark..].iter().filter(|e| matches!(e, Effect::Store { .. })).collect();
    let Effect::Store { changes, .. } = stored[0] else { unreachable!() };
    let on_disk = Board::load(&device.disk).unwrap();
    assert!(!changes.is_empty());
    let names: Vec<String> = on_disk.projects().into_iter().map(|p| p.name).collect();
    assert!(names.contains(&"ERP".to_owned()) && names.contains(&"CRM".to_owned()), "{names:?}");
}

/// Each close doubles the wait, up to the maximum; a completed handshake starts again from
/// the minimum.
#[test]
fn reconnects_back_off_and_a_handshake_resets_the_backoff() {
    let mut device = Device::online();
    let mut delays = Vec::new();
    for _ in 0..7 {
        let connection = device.connection.unwrap();
        let mark = device.log.len();
        device.input(Input::SocketClosed { connection, role_changed: false, refused: None });
        device.input(Input::ReconnectDue);
        delays.extend(device.log[mark..].iter().filter_map(|effect| match effect {
            Effect::ReconnectAfter { delay_ms } => Some(*delay_ms),
            _ => None,
        }));
        assert!(device.log[mark..].contains(&Effect::Connect { connection: connection + 1 }));
    }
    assert_eq!(delays, [250, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    device.open_socket();
    assert!(device.session.status().online);
    let connection = device.connection.unwrap();
    let mark = device.log.len();
    device.input(Input::SocketClosed { connection, role_changed: false, refused: None });
    assert!(device.log[mark..].contains(&Effect::ReconnectAfter { delay_ms: RECONNECT_MIN_MS }));
}

/// (what happens, ms after the last sign of life, whether the connection is given up)
#[test]
fn a_silent_connection_is_given_up_after_the_dead_interval() {
    let cases = [(4_000.0, false), (DEAD_AFTER_MS, false), (DEAD_AFTER_MS + 1.0, true), (60_000.0, true)];
    for (silent_ms, given_up) in cases {
        let mut device = Device::online();
        device.now_ms += silent_ms;
        let mark = device.log.len();
        device.input(Input::Tick);
        assert_eq!(device.log[mark..].contains(&Effect::Disconnect), given_up, "silent for {silent_ms} ms");
        assert_eq!(device.session.status().online, !given_up, "silent for {silent_ms} ms");
    }
}

#[test]
fn a_frame_is_a_sign_of_life() {
    let mut device = Device::online();
    device.now_ms += 4_000.0;
    let connection = device.connection.unwrap();
    device.input(Input::Frame { connection, bytes: WireMessage::keep_alive(SERVER, CLIENT).encode() });
    device.now_ms += 4_000.0;
    let mark = device.log.len();
    device.input(Input::Tick);
    assert!(!device.log[mark..].contains(&Effect::Disconnect));
}

#[test]
fn offline_nothing_is_tried_and_back_online_it_connects_at_once() {
    let mut device = Device::online();
    let mark = device.log.len();
    device.input(Input::BrowserOnline(false));
    assert!(device.log[mark..].contains(&Effect::Disconnect));
    device.input(Input::ReconnectDue);
    assert!(!device.log[mark..].iter().any(|e| matches!(e, Effect::Connect { .. })), "offline: no connection");
    device.edit("Written on the train");
    assert_eq!(device.session.status(), SyncStatus { unsynced: 1, ready: true, ..SyncStatus::default() });
    device.input(Input::BrowserOnline(true));
    device.open_socket();
    assert_eq!(device.server_projects(), ["Written on the train"]);
}

#[test]
fn events_of_an_earlier_connection_are_ignored() {
    let mut device = Device::online();
    let first = device.connection.unwrap();
    device.input(Input::SocketClosed { connection: first, role_changed: false, refused: None });
    device.input(Input::ReconnectDue);
    let second = device.connection.unwrap();
    assert_eq!(second, first + 1);
    let mark = device.log.len();
    device.input(Input::SocketClosed { connection: first, role_changed: true, refused: None });
    device.input(Input::SocketOpened { connection: first });
    assert_eq!(device.log.len(), mark, "nothing happens for connection {first}");
}

#[test]
fn a_role_change_is_reported_and_the_session_reconnects() {
    let mut device = Device::online();
    let connection = device.connection.unwrap();
    let mark = device.log.len();
    device.input(Input::SocketClosed { connection, role_changed: true, refused: None });
    let after = &device.log[mark..];
    assert!(after.contains(&Effect::RoleChanged) && after.contains(&Effect::Problem(None)));
    assert!(after.contains(&Effect::ReconnectAfter { delay_ms: RECONNECT_MIN_MS }));
}

#[test]
fn once_signed_out_nothing_reconnects() {
    let mut device = Device::online();
    let connection = device.connection.unwrap();
    device.input(Input::SocketClosed { connection, role_changed: false, refused: None });
    device.input(Input::SignedOut);
    let mark = device.log.len();
    device.input(Input::ReconnectDue);
    device.input(Input::BrowserOnline(true));
    assert!(!device.log[mark..].iter().any(|e| matches!(e, Effect::Connect { .. })));
    assert!(device.session.status().signed_out);
}

#[test]
fn a_viewer_cannot_edit_and_has_nothing_waiting() {
    let mut device = Device::online();
    device.input(Input::BrowserOnline(false));
    device.edit("Before the demotion");
    assert_eq!(device.session.status().unsynced, 1);
    device.session.set_read_only(true);
    assert_eq!(device.session.status().unsynced, 0);
    let refused = device.session.edit(|board| board.rename("Mine"));
    assert_eq!(refused.unwrap_err(), EditRefused::ReadOnly);
}

#[test]
fn an_edit_before_the_board_is_loaded_is_refused() {
    let stored = Stored { board: Board::empty(), sync_state: None, next_chunk: 0 };
    let mut session = Session::new(CLIENT, DOCUMENT, Some(stored), "Alice", None);
    session.start(0.0, true);
    assert_eq!(session.edit(|board| board.rename("x")).unwrap_err(), EditRefused::NotLoaded);
}

#[test]
fn refused_changes_are_set_aside_and_never_sent() {
    let mut device = Device::online();
    device.input(Input::BrowserOnline(false));
    device.edit("Refused");
    let mark = device.log.len();
    let effects = device.session.set_aside("you became a viewer");
    device.perform(effects);
    let kept = device.session.kept_aside().cloned().expect("kept aside");
    assert_eq!(kept.reason, "you became a viewer");
    assert!(kept.lines.iter().any(|line| line.to_string().contains("Refused")), "{:?}", kept.lines);
    assert!(device.log[mark..].iter().any(|e| matches!(e, Effect::Replace { .. })));
    assert!(device.session.snapshot().projects.is_empty(), "the board is back to what the server holds");
    assert!(Board::load(&device.disk).unwrap().projects().is_empty(), "so is the stored copy");
    device.input(Input::BrowserOnline(true));
    device.open_socket();
    assert!(device.server_projects().is_empty(), "the refused change never reached the server");
    assert_eq!(device.session.status().unsynced, 0);
}

/// The server closing the connection because it refused the changes for good (here, a setting
/// only the owner may change) sets them aside with the refusal, so that they are not sent, and
/// refused, on every reconnect; a change sent without its ancestors is simply sent again.
#[test]
fn changes_the_server_refused_for_good_are_set_aside_with_the_refusal() {
    for (refused, kept_aside) in
        [(ChangesRefused::OwnerOnlySettings, true), (ChangesRefused::MissingDependencies, false)]
    {
        let mut device = Device::online();
        // The frames carrying the edit never reach the server: it refuses them.
        device.socket_open = false;
        device.edit("Refused");
        let connection = device.connection.unwrap();
        let mark = device.log.len();
        device.input(Input::SocketClosed { connection, role_changed: false, refused: Some(refused) });
        assert!(device.log[mark..].contains(&Effect::Problem(None)), "{refused:?}: the server's words are not shown");
        device.input(Input::ReconnectDue);
        device.open_socket();
        if kept_aside {
            let kept = device.session.kept_aside().cloned().expect("kept aside");
            assert_eq!(kept.refused, Some(refused));
            assert!(kept.lines.iter().any(|line| line.to_string().contains("Refused")), "{:?}", kept.lines);
            assert!(device.server_projects().is_empty(), "the refused change was sent again");
            assert!(Board::load(&device.disk).unwrap().projects().is_empty(), "the stored copy is rolled back");
        } else {
            assert!(device.session.kept_aside().is_none(), "{refused:?}");
            assert_eq!(device.server_projects(), ["Refused"], "sent again on the next connection");
        }
        assert_eq!(device.session.status().unsynced, 0, "{refused:?}");
    }
}

/// A colleague with two tabs open, or who just reloaded the page (the old tab's presence lasts
/// until it times out), is named once among the others on the board.
#[test]
fn the_others_on_the_board_are_named_once_each() {
    let heard = ["Bob", "Alice", "Bob", "王芳"].map(String::from);
    assert_eq!(peer_names(heard.iter()), ["Alice", "Bob", "王芳"]);
    assert!(peer_names([].iter()).is_empty());
}

//! Starting servers and driving native sync clients against them.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use futures::{SinkExt, StreamExt};
use server::{Config, Server};
use shared::{
    api::BoardSummary,
    sync::{SyncClient, SyncEvent},
    Board,
};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::{tungstenite::Message, MaybeTlsStream, WebSocketStream};

/// A temporary directory holding one SQLite database, reused across server restarts.
pub struct TestDatabase {
    dir: tempfile::TempDir,
}

impl TestDatabase {
    pub fn new() -> TestDatabase {
        TestDatabase { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.path().display())
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("pmo-board.db")
    }
}

/// Starts a server on a free loopback port with the given database.
pub async fn start_server(database_url: &str) -> Server {
    start_server_on(database_url, "127.0.0.1:0".parse().unwrap()).await
}

pub async fn start_server_on(database_url: &str, addr: SocketAddr) -> Server {
    let listener = TcpListener::bind(addr).await.expect("a loopback port");
    let config = Config::new(database_url, "target/site");
    Server::start(config, listener).await.expect("the server starts")
}

pub async fn create_board(addr: SocketAddr, name: &str) -> BoardSummary {
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/boards"))
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await
        .expect("POST /api/boards");
    assert_eq!(response.status(), 201, "creating a board");
    response.json().await.expect("a board summary")
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A native client running the same protocol code as the browser (`shared::sync`).
pub struct TestClient {
    pub board: Board,
    client: SyncClient,
    socket: Option<Socket>,
    pub events: Vec<SyncEvent>,
}

const WAIT: Duration = Duration::from_secs(10);

impl TestClient {
    pub fn new(name: &str, document_id: &str) -> TestClient {
        TestClient {
            board: Board::empty(),
            client: SyncClient::new(&format!("{name}-{}", rand::random::<u32>()), document_id, None),
            socket: None,
            events: Vec::new(),
        }
    }

    /// A client connected to `addr` that has received `board`.
    pub async fn open(name: &str, board: &BoardSummary, addr: SocketAddr) -> TestClient {
        let mut client = TestClient::new(name, board.document_id());
        client.connect(addr).await;
        client.sync_until(Board::is_loaded).await;
        client
    }

    /// Opens a WebSocket to `addr` and finishes the handshake.
    pub async fn connect(&mut self, addr: SocketAddr) {
        let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/sync"))
            .await
            .expect("the sync endpoint accepts a WebSocket");
        self.socket = Some(socket);
        self.send(vec![self.client.join()]).await;
        self.until(|client| client.client.is_connected()).await;
    }

    pub fn disconnect(&mut self) {
        self.socket = None;
        self.client.disconnected();
    }

    /// Makes an edit and sends it if connected.
    pub async fn edit(&mut self, change: impl FnOnce(&mut Board) -> Result<(), shared::BoardError>) {
        change(&mut self.board).expect("the edit is valid");
        if self.socket.is_some() {
            let frames: Vec<Vec<u8>> = self.client.poll(&mut self.board).into_iter().collect();
            self.send(frames).await;
        }
    }

    pub fn unsynced(&mut self) -> usize {
        self.client.unsynced_changes(&mut self.board)
    }

    /// Exchanges messages until `done` holds, or panics after ten seconds.
    pub async fn until(&mut self, done: impl Fn(&mut TestClient) -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(self) {
            let socket = self.socket.as_mut().expect("connected");
            let frame = match tokio::time::timeout_at(deadline, socket.next()).await {
                Err(_) => panic!("timed out waiting; events so far: {:?}", self.events),
                Ok(None) => panic!("the server closed the connection"),
                Ok(Some(frame)) => frame.expect("a WebSocket frame"),
            };
            let Message::Binary(bytes) = frame else { continue };
            let received = self.client.receive(&mut self.board, &bytes).expect("a valid frame");
            self.events.extend(received.events);
            self.send(received.replies).await;
        }
    }

    /// Syncs until the server has every local change and `done` holds.
    pub async fn sync_until(&mut self, done: impl Fn(&Board) -> bool) {
        let frames: Vec<Vec<u8>> = self.client.poll(&mut self.board).into_iter().collect();
        self.send(frames).await;
        self.until(|client| client.unsynced() == 0 && done(&client.board)).await;
    }

    /// Announces presence on the board.
    pub async fn announce(&mut self, presence: shared::sync::Presence) {
        let frame = self.client.ephemeral(presence.encode()).expect("connected");
        self.send(vec![frame]).await;
    }

    pub fn poll_frames(&mut self) -> Vec<Vec<u8>> {
        self.client.poll(&mut self.board).into_iter().collect()
    }

    pub async fn send_frames(&mut self, frames: Vec<Vec<u8>>) {
        self.send(frames).await;
    }

    async fn send(&mut self, frames: Vec<Vec<u8>>) {
        let socket = self.socket.as_mut().expect("connected");
        for frame in frames {
            socket.send(Message::Binary(frame.into())).await.expect("sending a frame");
        }
    }
}

//! A load generator for sync servers: many clients, each with its own account and WebSocket,
//! make schema-valid edits (through `shared`'s Board API) at a fixed total rate, and every
//! client notes when it receives each other client's edit.
//!
//! It drives PMO Board (accounts, boards and members set up through the JSON API, clients
//! authenticated with API tokens) or any automerge-repo 2.x server such as the reference one in
//! `bench/reference` (no accounts: the first client of each board creates it). `make
//! bench-sync` runs it at scale (`server/benches/sync_load.rs`); the server's tests run it small
//! (`smoke` below) to check that every edit arrives.
//!
//! Latency is from the moment an edit is made to the moment another client has applied it;
//! an edit counts as lost when some client of its board has not received it by the end of the
//! drain period.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use automerge::ChangeHash;
use futures::{SinkExt, StreamExt};
use shared::{
    board::{NewProject, ProjectId},
    sync::{SyncClient, SyncEvent},
    Board, Stage,
};
use tokio::{net::TcpStream, time::Instant};
use tokio_tungstenite::{tungstenite::Message, MaybeTlsStream, WebSocketStream};

/// Which kind of server is at the address.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// PMO Board: clients need accounts, and boards are made through the API.
    Pmo(SocketAddr),
    /// An automerge-repo server without accounts (the reference server).
    #[allow(dead_code)] // The benchmark drives the reference server; the tests drive PMO Board.
    Reference(SocketAddr),
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Workload {
    pub boards: usize,
    pub clients_per_board: usize,
    /// Edits per second over all clients.
    pub edits_per_second: f64,
    /// How long edits are made.
    pub duration: Duration,
    /// How long, after the last edit, edits may still arrive.
    pub drain: Duration,
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
#[allow(dead_code)] // The smoke test reads some figures, the benchmark all of them.
pub struct Report {
    /// Time to set up accounts and boards and connect every client, in seconds.
    pub setup_seconds: f64,
    pub edits: usize,
    /// Edits some other client of the board never received.
    pub lost: usize,
    /// Receipts expected (each edit by every other client of its board) and received.
    pub receipts_expected: usize,
    pub receipts: usize,
    /// Edit-to-receipt latency, milliseconds.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Edits per second actually made.
    pub edit_rate: f64,
    /// Clients that could not connect or whose connection failed during the run.
    pub failed_clients: usize,
    /// When edits began and ended (for the server's CPU over that time).
    pub edit_window: Option<(Instant, Instant)>,
}

/// One sent edit: when, on which board, by whom, and how many others have it.
struct Sent {
    at: Instant,
    board: usize,
    client: usize,
    receipts: usize,
}

/// What every client reports to.
#[derive(Default)]
struct Tracker {
    sent: HashMap<ChangeHash, Sent>,
    latencies_ms: Vec<f64>,
    /// Receipts still to come for the edits made so far.
    outstanding: usize,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A client with an open WebSocket and the board.
struct Client {
    board_index: usize,
    index: usize,
    board: Board,
    sync: SyncClient,
    socket: Socket,
    /// The version up to which arrived changes were counted.
    counted: Vec<ChangeHash>,
    project: ProjectId,
}

const SETUP_WAIT: Duration = Duration::from_secs(60);

impl Client {
    async fn connect(url: &str, board_index: usize, index: usize, board: Board, document_id: &str) -> Option<Client> {
        let (socket, _) = tokio::time::timeout(SETUP_WAIT, tokio_tungstenite::connect_async(url)).await.ok()?.ok()?;
        let peer = format!("load-{board_index}-{index}-{}", rand::random::<u32>());
        let mut client = Client {
            board_index,
            index,
            board,
            sync: SyncClient::new(&peer, document_id, None),
            socket,
            counted: Vec::new(),
            project: ProjectId::random(),
        };
        let join = client.sync.join();
        client.send(vec![join]).await.ok()?;
        Some(client)
    }

    async fn send(&mut self, frames: Vec<Vec<u8>>) -> Result<(), ()> {
        for frame in frames {
            self.socket.send(Message::Binary(frame.into())).await.map_err(|_| ())?;
        }
        Ok(())
    }

    /// Handles the next frame from the server; `Err` when the connection is gone.
    async fn receive_one(&mut self, tracker: &Mutex<Tracker>) -> Result<(), ()> {
        let frame = self.socket.next().await;
        self.handle(frame, tracker).await
    }

    /// Handles one frame (as `next()` on the socket gave it).
    async fn handle(
        &mut self,
        frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
        tracker: &Mutex<Tracker>,
    ) -> Result<(), ()> {
        let frame = match frame {
            Some(Ok(Message::Binary(bytes))) => bytes,
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Err(()),
            Some(Ok(_)) => return Ok(()),
        };
        let received = self.sync.receive(&mut self.board, &frame).map_err(|_| ())?;
        if received.events.iter().any(|event| matches!(event, SyncEvent::BoardChanged)) {
            self.count_arrivals(tracker);
        }
        self.send(received.replies).await
    }

    /// Notes every edit of another client that arrived since the last look.
    fn count_arrivals(&mut self, tracker: &Mutex<Tracker>) {
        let arrived = self.board.changes_since(&self.counted);
        self.counted = self.board.heads();
        let now = Instant::now();
        let mut tracker = tracker.lock().expect("the tracker");
        let Tracker { sent, latencies_ms, outstanding } = &mut *tracker;
        for hash in arrived {
            if let Some(edit) = sent.get_mut(&hash) {
                if edit.board == self.board_index && edit.client != self.index {
                    edit.receipts += 1;
                    *outstanding = outstanding.saturating_sub(1);
                    latencies_ms.push(now.duration_since(edit.at).as_secs_f64() * 1000.0);
                }
            }
        }
    }

    /// Exchanges messages until `done` holds; `Err` on a failed connection or after the wait.
    async fn until(&mut self, tracker: &Mutex<Tracker>, done: impl Fn(&mut Client) -> bool) -> Result<(), ()> {
        let deadline = Instant::now() + SETUP_WAIT;
        while !done(self) {
            tokio::time::timeout_at(deadline, self.receive_one(tracker)).await.map_err(|_| ())??;
        }
        Ok(())
    }

    /// Sends what the board has that the server lacks, and waits until the server has it.
    async fn save(&mut self, tracker: &Mutex<Tracker>) -> Result<(), ()> {
        let frames: Vec<Vec<u8>> = self.sync.poll(&mut self.board).into_iter().collect();
        self.send(frames).await?;
        self.until(tracker, |client| client.sync.unsynced_changes(&mut client.board) == 0).await
    }

    /// One measured edit: the client's own project gets a new name.
    async fn edit(&mut self, sequence: usize, others: usize, tracker: &Mutex<Tracker>) -> Result<(), ()> {
        let before = self.board.heads();
        let name = format!("Project {}-{} v{sequence}", self.board_index, self.index);
        self.board.rename_project(&self.project, &name).map_err(|_| ())?;
        let at = Instant::now();
        {
            let mut tracker = tracker.lock().expect("the tracker");
            for hash in self.board.changes_since(&before) {
                tracker.sent.insert(hash, Sent { at, board: self.board_index, client: self.index, receipts: 0 });
                tracker.outstanding += others;
            }
        }
        self.counted = self.board.heads();
        let frames: Vec<Vec<u8>> = self.sync.poll(&mut self.board).into_iter().collect();
        self.send(frames).await
    }
}

/// An account on a PMO Board server: a cookie jar with the CSRF header on every change.
struct Account {
    http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: reqwest::Url,
    email: String,
}

impl Account {
    async fn sign_up(addr: SocketAddr, email: String) -> Result<Account, String> {
        use reqwest::cookie::CookieStore;
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder().cookie_provider(jar.clone()).build().map_err(|e| e.to_string())?;
        let base: reqwest::Url = format!("http://{addr}").parse().map_err(|_| "an address".to_owned())?;
        let account = Account { http, jar, base, email };
        account.http.get(account.url("/api/auth/me")).send().await.map_err(|e| e.to_string())?;
        let csrf = account
            .jar
            .cookies(&account.base)
            .and_then(|value| value.to_str().ok().map(str::to_owned))
            .unwrap_or_default()
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{}=", shared::api::CSRF_COOKIE)).map(str::to_owned))
            .unwrap_or_default();
        let body = serde_json::json!({
            "email": account.email, "name": account.email, "password": "correct horse battery staple",
        });
        let response = account
            .http
            .post(account.url("/api/auth/signup"))
            .header(shared::api::CSRF_HEADER, &csrf)
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status() != 201 {
            return Err(format!("signing up {}: {}", account.email, response.text().await.unwrap_or_default()));
        }
        Ok(account)
    }

    fn url(&self, path: &str) -> reqwest::Url {
        self.base.join(path).expect("a path")
    }

    /// A POST with the CSRF header, answered with JSON; `Err` unless `status` comes back.
    async fn post(&self, path: &str, body: serde_json::Value, status: u16) -> Result<serde_json::Value, String> {
        use reqwest::cookie::CookieStore;
        let csrf = self
            .jar
            .cookies(&self.base)
            .and_then(|value| value.to_str().ok().map(str::to_owned))
            .unwrap_or_default()
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{}=", shared::api::CSRF_COOKIE)).map(str::to_owned))
            .unwrap_or_default();
        let response = self
            .http
            .post(self.url(path))
            .header(shared::api::CSRF_HEADER, csrf)
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if response.status() != status {
            return Err(format!("POST {path}: {} {}", response.status(), response.text().await.unwrap_or_default()));
        }
        response.json().await.map_err(|e| e.to_string())
    }

    async fn token(&self) -> Result<String, String> {
        let created = self.post("/api/tokens", serde_json::json!({ "name": "load" }), 201).await?;
        Ok(created["secret"].as_str().unwrap_or_default().to_owned())
    }
}

/// Where each client connects, and with which board id.
struct Plan {
    /// Per board: the document id and each client's WebSocket URL.
    boards: Vec<(String, Vec<String>)>,
}

/// Accounts, boards and members on a PMO Board server, `parallel` sign-ups at a time.
async fn plan_pmo(addr: SocketAddr, workload: &Workload, parallel: usize) -> Result<Plan, String> {
    let run = rand::random::<u32>();
    let jobs = (0..workload.boards).map(|board| async move {
        let mut accounts = Vec::new();
        for client in 0..workload.clients_per_board {
            accounts.push(Account::sign_up(addr, format!("load-{run}-{board}-{client}@bench.example")).await?);
        }
        let created =
            accounts[0].post("/api/boards", serde_json::json!({ "name": format!("Load {board}") }), 201).await?;
        let id = created["id"].as_str().unwrap_or_default();
        let document_id = id.strip_prefix("automerge:").unwrap_or(id).to_owned();
        let mut urls = Vec::new();
        for (index, account) in accounts.iter().enumerate() {
            if index > 0 {
                let member = serde_json::json!({ "email": account.email, "role": "editor" });
                accounts[0].post(&format!("/api/boards/{document_id}/members"), member, 201).await?;
            }
            urls.push(format!("ws://{addr}/sync?token={}", account.token().await?));
        }
        Ok::<_, String>((document_id, urls))
    });
    let boards = futures::stream::iter(jobs).buffered(parallel).collect::<Vec<_>>().await;
    Ok(Plan { boards: boards.into_iter().collect::<Result<_, _>>()? })
}

/// A new automerge-repo document id: `bs58check` of 16 random bytes, as automerge-repo makes.
fn new_document_id() -> String {
    use sha2::{Digest, Sha256};
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut bytes: Vec<u8> = uuid::Uuid::new_v4().as_bytes().to_vec();
    let checksum = Sha256::digest(Sha256::digest(&bytes));
    bytes.extend_from_slice(&checksum[..4]);
    let zeros = bytes.iter().take_while(|&&byte| byte == 0).count();
    // Base-58 digits, least significant first.
    let mut digits: Vec<u8> = Vec::new();
    for &byte in &bytes {
        let mut carry = u32::from(byte);
        for digit in digits.iter_mut() {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut text = "1".repeat(zeros);
    text.extend(digits.iter().rev().map(|&digit| ALPHABET[usize::from(digit)] as char));
    text
}

fn plan_reference(addr: SocketAddr, workload: &Workload) -> Plan {
    let boards = (0..workload.boards)
        .map(|_| (new_document_id(), vec![format!("ws://{addr}/"); workload.clients_per_board]))
        .collect();
    Plan { boards }
}

/// Connects every client of one board, each with its own project on the board, or `None`
/// for those that failed.
async fn open_board(
    target: Target,
    board_index: usize,
    document_id: String,
    urls: Vec<String>,
    tracker: Arc<Mutex<Tracker>>,
) -> Vec<Option<Client>> {
    let mut clients = Vec::new();
    for (index, url) in urls.iter().enumerate() {
        // On the reference server the first client creates the board; elsewhere the server has it.
        let board = match (target, index) {
            (Target::Reference(_), 0) => Board::new(&format!("Load {board_index}")).expect("a board"),
            _ => Board::empty(),
        };
        let mut client = Client::connect(url, board_index, index, board, &document_id).await;
        if let Some(connected) = client.as_mut() {
            let ready = async {
                connected.until(&tracker, |client| client.sync.is_connected()).await?;
                connected.save(&tracker).await?;
                connected.until(&tracker, |client| client.board.is_loaded()).await?;
                let new =
                    NewProject { name: format!("Project {board_index}-{index}"), stage: Stage::Active, budget: 1000.0 };
                connected.board.add_project(connected.project.clone(), new).map_err(|_| ())?;
                connected.save(&tracker).await?;
                connected.counted = connected.board.heads();
                Ok::<_, ()>(())
            };
            if ready.await.is_err() {
                client = None;
            }
        }
        clients.push(client);
    }
    clients
}

/// Runs `workload` against `target` and measures it.
pub async fn run(target: Target, workload: &Workload) -> Result<Report, String> {
    let started = Instant::now();
    let plan = match target {
        Target::Pmo(addr) => plan_pmo(addr, workload, 8).await?,
        Target::Reference(addr) => plan_reference(addr, workload),
    };
    let tracker = Arc::new(Mutex::new(Tracker::default()));
    let opens =
        plan.boards.into_iter().enumerate().map(|(board_index, (document_id, urls))| {
            open_board(target, board_index, document_id, urls, tracker.clone())
        });
    let clients: Vec<Option<Client>> =
        futures::stream::iter(opens).buffer_unordered(16).collect::<Vec<_>>().await.into_iter().flatten().collect();
    let mut failed = clients.iter().filter(|client| client.is_none()).count();
    let clients: Vec<Client> = clients.into_iter().flatten().collect();
    let setup_seconds = started.elapsed().as_secs_f64();

    // Every client edits at the same pace, each starting at a random moment of the first period.
    let total_clients = clients.len().max(1);
    let period = Duration::from_secs_f64(total_clients as f64 / workload.edits_per_second.max(0.001));
    let edits_start = Instant::now() + Duration::from_millis(200);
    let edits_end = edits_start + workload.duration;
    let drain_end = edits_end + workload.drain;
    let others = workload.clients_per_board - 1;
    let tasks = clients.into_iter().map(|mut client| {
        let tracker = tracker.clone();
        tokio::spawn(async move {
            let offset = period.mul_f64(rand::random::<f64>());
            let mut next_edit = edits_start + offset;
            let mut sequence = 0;
            loop {
                let now = Instant::now();
                if now >= drain_end || (now >= edits_end && tracker.lock().expect("the tracker").outstanding == 0) {
                    return true;
                }
                let wake =
                    if next_edit < edits_end { next_edit } else { drain_end.min(now + Duration::from_millis(50)) };
                // Only the socket's `next` and the timer race: handling a frame (which sends
                // replies) is never cut short.
                let frame = tokio::select! {
                    frame = client.socket.next() => Some(frame),
                    () = tokio::time::sleep_until(wake) => None,
                };
                let failed = match frame {
                    Some(frame) => client.handle(frame, &tracker).await.is_err(),
                    None if next_edit < edits_end => {
                        sequence += 1;
                        next_edit += period;
                        client.edit(sequence, others, &tracker).await.is_err()
                    }
                    None => false,
                };
                if failed {
                    return false;
                }
            }
        })
    });
    let finished = futures::future::join_all(tasks).await;
    failed += finished.iter().filter(|finished| !matches!(finished, Ok(true))).count();

    let tracker = tracker.lock().expect("the tracker");
    let mut latencies = tracker.latencies_ms.clone();
    latencies.sort_by(f64::total_cmp);
    let quantile = |q: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        latencies[((latencies.len() - 1) as f64 * q).round() as usize]
    };
    let edits = tracker.sent.len();
    Ok(Report {
        setup_seconds,
        edits,
        lost: tracker.sent.values().filter(|edit| edit.receipts < others).count(),
        receipts_expected: edits * others,
        receipts: tracker.sent.values().map(|edit| edit.receipts).sum(),
        p50_ms: quantile(0.5),
        p99_ms: quantile(0.99),
        max_ms: latencies.last().copied().unwrap_or(f64::NAN),
        edit_rate: edits as f64 / workload.duration.as_secs_f64(),
        failed_clients: failed,
        edit_window: Some((edits_start, edits_end)),
    })
}

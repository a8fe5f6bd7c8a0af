//! The soak benchmark (`make soak`; not part of `make test`): a real `pmo-board` process under
//! steady load for minutes, with what an attacker adds to it, printing what honest members
//! get.
//!
//! The load, all on loopback and every knob an environment variable:
//! - `SOAK_BOARDS` boards (1,000), each owned by one of `SOAK_BOARDS / 8` accounts and open on two
//!   sync connections (`SOAK_BOARDS × 2` connections, from several loopback addresses so that
//!   the per-address cap does not refuse them);
//! - `SOAK_EDITS_PER_SECOND` edits (20), each on a random board's first connection; its
//!   latency runs from the moment the edit was due (not when its board's task got to it, so a
//!   client falling behind shows in the figures) until the board's second connection holds
//!   the change (what a colleague sees), and an edit not seen within 30 s counts as an error;
//!   at the end every edit sent is accounted for: seen, late, or unseen on a broken connection;
//! - `SOAK_MADE_UP` requests for made-up document ids (10,000) spread over the run, each of
//!   which must be answered `doc-unavailable`;
//! - `SOAK_SLOW` sockets (500) that send their headers a byte every 3 s, reconnecting when the
//!   server cuts them off;
//! - `/healthz` once a second; the server's resident memory (`VmRSS`) every 5 s.
//!
//! It runs for `SOAK_SECONDS` (600) and prints percentiles, errors and the memory series. The
//! server is `PMO_BOARD_BIN` (by default the `pmo-board` built beside this example).

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicU64, Ordering::Relaxed},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use automerge::ChangeHash;
use futures::{SinkExt, StreamExt};
use shared::{
    api::{BoardSummary, CreatedToken},
    board::{Board, NewProject},
    sync::{SyncClient, WireMessage},
    ProjectId, Stage,
};
use tokio::{io::AsyncWriteExt, net::TcpSocket, sync::mpsc};
use tokio_tungstenite::{tungstenite::Message, WebSocketStream};

type Socket = WebSocketStream<tokio::net::TcpStream>;

const PASSWORD: &str = "a soak test password";
/// An edit a colleague has not seen by then counts as lost.
const LATE: Duration = Duration::from_secs(30);

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

/// Figures shared by every task.
#[derive(Default)]
struct Figures {
    edit_latencies_us: Mutex<Vec<u64>>,
    edits_sent: AtomicU64,
    edits_late: AtomicU64,
    /// Edits still unseen when their board's task ended on an error.
    edits_unseen: AtomicU64,
    honest_errors: Mutex<HashMap<String, u64>>,
    made_up_sent: AtomicU64,
    made_up_answered: AtomicU64,
    made_up_latencies_us: Mutex<Vec<u64>>,
    slow_cut_off: AtomicU64,
    health_latencies_us: Mutex<Vec<u64>>,
    health_failures: AtomicU64,
}

impl Figures {
    fn error(&self, what: impl Into<String>) {
        *self.honest_errors.lock().unwrap().entry(what.into()).or_default() += 1;
    }
}

fn percentiles(name: &str, values: &mut [u64]) {
    if values.is_empty() {
        println!("{name}: no samples");
        return;
    }
    values.sort_unstable();
    let at = |p: f64| values[((values.len() as f64 * p).ceil() as usize).clamp(1, values.len()) - 1];
    let ms = |us: u64| us as f64 / 1000.0;
    println!(
        "{name}: n={} p50={:.1} ms p90={:.1} ms p99={:.1} ms max={:.1} ms",
        values.len(),
        ms(at(0.50)),
        ms(at(0.90)),
        ms(at(0.99)),
        ms(values[values.len() - 1])
    );
}

/// A loopback address of its own for each group of clients (`127.0.<group>.<n>`).
fn loopback(group: u8, n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, group, (n % 250) as u8 + 1))
}

async fn connect_from(local: IpAddr, server: SocketAddr) -> std::io::Result<tokio::net::TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(local, 0))?;
    socket.connect(server).await
}

/// A signed-in account: the HTTP client holding its cookies, and a sync token.
struct Account {
    http: reqwest::Client,
    csrf: String,
    token: String,
}

fn cookie(jar: &reqwest::cookie::Jar, server: SocketAddr, name: &str) -> String {
    use reqwest::cookie::CookieStore;
    let url: reqwest::Url = format!("http://{server}").parse().expect("a URL");
    let cookies = jar.cookies(&url).map(|value| value.to_str().unwrap_or_default().to_owned()).unwrap_or_default();
    cookies.split("; ").find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned)).unwrap_or_default()
}

async fn sign_up(server: SocketAddr, email: String, local: IpAddr) -> anyhow::Result<Account> {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let http = reqwest::Client::builder().cookie_provider(jar.clone()).local_address(local).build()?;
    let base = format!("http://{server}");
    http.get(format!("{base}/api/auth/me")).send().await?;
    let body = serde_json::json!({ "email": email, "name": email, "password": PASSWORD });
    let response = http
        .post(format!("{base}/api/auth/signup"))
        .header("x-csrf-token", cookie(&jar, server, "pmo_csrf"))
        .json(&body)
        .send()
        .await?;
    anyhow::ensure!(response.status() == 201, "sign-up: {} {}", response.status(), response.text().await?);
    let csrf = cookie(&jar, server, "pmo_csrf");
    let response = http
        .post(format!("{base}/api/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({ "name": "soak" }));
    let response = response.send().await?;
    anyhow::ensure!(response.status() == 201, "token: {}", response.status());
    let token = response.json::<CreatedToken>().await?.secret;
    Ok(Account { http, csrf, token })
}

async fn create_board(server: SocketAddr, account: &Account, name: &str) -> anyhow::Result<String> {
    let response = account
        .http
        .post(format!("http://{server}/api/boards"))
        .header("x-csrf-token", &account.csrf)
        .json(&serde_json::json!({ "name": name }))
        .send()
        .await?;
    anyhow::ensure!(response.status() == 201, "board: {}", response.status());
    let board: BoardSummary = response.json().await?;
    Ok(board.id.trim_start_matches("automerge:").to_owned())
}

/// One sync connection of an honest member, driven by `shared::sync`.
struct Connection {
    client: SyncClient,
    board: Board,
    socket: Socket,
    /// Replies to the server's messages, sent with the next flush.
    outbox: Vec<Vec<u8>>,
}

type Frame = Option<Result<Message, tokio_tungstenite::tungstenite::Error>>;

impl Connection {
    async fn open(server: SocketAddr, local: IpAddr, document_id: &str, token: &str) -> anyhow::Result<Connection> {
        let stream = connect_from(local, server).await?;
        let url = format!("ws://{server}/sync?token={token}");
        let (socket, _) = tokio_tungstenite::client_async(url, stream).await?;
        let peer = format!("soak-{}", rand::random::<u32>());
        let client = SyncClient::new(&peer, document_id, None);
        let mut connection = Connection { client, board: Board::empty(), socket, outbox: Vec::new() };
        let join = connection.client.join();
        connection.socket.send(Message::Binary(join.into())).await?;
        let deadline = Instant::now() + Duration::from_secs(120);
        while !(connection.client.is_connected() && connection.board.is_loaded()) {
            anyhow::ensure!(Instant::now() < deadline, "the board did not load within 120 s");
            let frame = tokio::time::timeout(Duration::from_secs(120), connection.socket.next()).await?;
            connection.handle(frame)?;
            connection.flush().await?;
        }
        Ok(connection)
    }

    /// Takes in one frame from the server; an error means the connection is gone.
    fn handle(&mut self, frame: Frame) -> anyhow::Result<()> {
        match frame {
            Some(Ok(Message::Binary(bytes))) => {
                let received = self.client.receive(&mut self.board, &bytes)?;
                self.outbox.extend(received.replies);
                Ok(())
            }
            Some(Ok(Message::Close(frame))) => anyhow::bail!("closed by the server: {frame:?}"),
            Some(Ok(_)) => Ok(()),
            Some(Err(error)) => anyhow::bail!("socket error: {error}"),
            None => anyhow::bail!("the socket ended"),
        }
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        let mut frames = std::mem::take(&mut self.outbox);
        frames.extend(self.client.poll(&mut self.board));
        for frame in frames {
            self.socket.send(Message::Binary(frame.into())).await?;
        }
        Ok(())
    }
}

/// One board on two connections: edits (each with the moment it was due) go in on `editor`
/// and are timed until `colleague` has them. After `stop`, the task waits for the edits on
/// their way (each is seen or, after [`LATE`], counted late) and then ends.
async fn board_task(
    mut editor: Connection,
    mut colleague: Connection,
    mut edits: mpsc::Receiver<Instant>,
    figures: Arc<Figures>,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut pending: Vec<(Vec<ChangeHash>, Instant)> = Vec::new();
    let mut sequence = 0_u64;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        if *stop.borrow() && pending.is_empty() {
            return;
        }
        tokio::select! {
            due = edits.recv(), if !*stop.borrow() => {
                let Some(due) = due else { break };
                sequence += 1;
                let project = NewProject { name: format!("Soak {sequence}"), stage: Stage::Proposed, budget: 1_000.0 };
                if editor.board.add_project(ProjectId::random(), project).is_err() {
                    figures.error("a local edit failed");
                    continue;
                }
                pending.push((editor.board.heads(), due));
                figures.edits_sent.fetch_add(1, Relaxed);
                if let Err(error) = editor.flush().await {
                    figures.error(format!("editor: {error}"));
                    break;
                }
            }
            frame = editor.socket.next() => {
                if let Err(error) = editor.handle(frame) {
                    figures.error(format!("editor: {error}"));
                    break;
                }
                if let Err(error) = editor.flush().await {
                    figures.error(format!("editor: {error}"));
                    break;
                }
            }
            frame = colleague.socket.next() => {
                if let Err(error) = colleague.handle(frame) {
                    figures.error(format!("colleague: {error}"));
                    break;
                }
                if let Err(error) = colleague.flush().await {
                    figures.error(format!("colleague: {error}"));
                    break;
                }
                let now = Instant::now();
                let board = &mut colleague.board;
                pending.retain(|(heads, started)| {
                    if board.contains(heads) {
                        let latency = now.duration_since(*started).as_micros() as u64;
                        figures.edit_latencies_us.lock().unwrap().push(latency);
                        false
                    } else {
                        true
                    }
                });
            }
            _ = tick.tick() => {
                let now = Instant::now();
                let before = pending.len();
                pending.retain(|(_, started)| now.duration_since(*started) < LATE);
                figures.edits_late.fetch_add((before - pending.len()) as u64, Relaxed);
            }
        }
    }
    figures.edits_unseen.fetch_add(pending.len() as u64, Relaxed);
}

/// Asks for made-up document ids at a steady rate on one connection, timing each
/// `doc-unavailable`.
async fn prober(server: SocketAddr, token: String, total: u64, seconds: u64, figures: Arc<Figures>) {
    let Ok(stream) = connect_from(loopback(5, 0), server).await else { return };
    let url = format!("ws://{server}/sync?token={token}");
    let Ok((mut socket, _)) = tokio_tungstenite::client_async(url, stream).await else { return };
    let client = SyncClient::new("prober", "unused", None);
    if socket.send(Message::Binary(client.join().into())).await.is_err() {
        return;
    }
    let server_peer = match socket.next().await {
        Some(Ok(Message::Binary(bytes))) => match WireMessage::decode(&bytes) {
            Ok(WireMessage::Peer { sender_id, .. }) => sender_id,
            _ => return,
        },
        _ => return,
    };
    let data = {
        use automerge::sync::SyncDoc;
        automerge::Automerge::new().generate_sync_message(&mut automerge::sync::State::new()).unwrap().encode()
    };
    let interval = Duration::from_secs_f64(seconds as f64 / total.max(1) as f64);
    let mut tick = tokio::time::interval(interval);
    let mut asked: HashMap<String, Instant> = HashMap::new();
    let mut sent = 0;
    loop {
        tokio::select! {
            _ = tick.tick(), if sent < total => {
                let document_id = bs58_like_id();
                let frame = WireMessage::Request {
                    document_id: document_id.clone(),
                    sender_id: "prober".into(),
                    target_id: server_peer.clone(),
                    data: data.clone(),
                };
                asked.insert(document_id, Instant::now());
                sent += 1;
                figures.made_up_sent.fetch_add(1, Relaxed);
                if socket.send(Message::Binary(frame.encode().into())).await.is_err() {
                    return;
                }
            }
            frame = socket.next() => {
                let Some(Ok(frame)) = frame else { return };
                let Message::Binary(bytes) = frame else { continue };
                if let Ok(WireMessage::DocUnavailable { document_id, .. }) = WireMessage::decode(&bytes) {
                    if let Some(started) = asked.remove(&document_id) {
                        figures.made_up_answered.fetch_add(1, Relaxed);
                        figures.made_up_latencies_us.lock().unwrap().push(started.elapsed().as_micros() as u64);
                    }
                }
            }
        }
    }
}

/// A document id of the shape samod makes (a UUID's bytes in base58), made up.
fn bs58_like_id() -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    (0..28).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
}

/// A socket that sends its request headers a byte every 3 s, and starts again when cut off.
async fn slow_socket(server: SocketAddr, local: IpAddr, figures: Arc<Figures>) {
    loop {
        let Ok(mut stream) = connect_from(local, server).await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: slow.example\r\n").await;
        loop {
            tokio::time::sleep(Duration::from_secs(3)).await;
            if stream.write_all(b"X").await.is_err() {
                break;
            }
            let mut buffer = [0u8; 256];
            let read = tokio::io::AsyncReadExt::read(&mut stream, &mut buffer);
            if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(1), read).await {
                break;
            }
        }
        figures.slow_cut_off.fetch_add(1, Relaxed);
    }
}

async fn health(server: SocketAddr, figures: Arc<Figures>) {
    let Ok(http) = reqwest::Client::builder().local_address(loopback(6, 0)).build() else { return };
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let started = Instant::now();
        let answer = http.get(format!("http://{server}/healthz")).timeout(Duration::from_secs(10)).send().await;
        if answer.map(|response| response.status() == 200).unwrap_or(false) {
            figures.health_latencies_us.lock().unwrap().push(started.elapsed().as_micros() as u64);
        } else {
            figures.health_failures.fetch_add(1, Relaxed);
        }
    }
}

fn resident_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmRSS:").and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let boards = setting("SOAK_BOARDS", 1000) as usize;
    let seconds = setting("SOAK_SECONDS", 600);
    let edits_per_second = setting("SOAK_EDITS_PER_SECOND", 20);
    let made_up = setting("SOAK_MADE_UP", 10_000);
    let slow = setting("SOAK_SLOW", 500) as usize;
    // Two connections per board, 8 boards per account: 16 of the 32 connections an account
    // may hold.
    let accounts = boards.div_ceil(8);
    println!(
        "soak: {boards} boards, {} connections, {accounts} accounts, {edits_per_second} edits/s, {made_up} made-up ids, \
         {slow} slow sockets, {seconds} s",
        boards * 2
    );

    let binary = std::env::var("PMO_BOARD_BIN").unwrap_or_else(|_| {
        let example = std::env::current_exe().expect("the example's path");
        example.parent().and_then(|dir| dir.parent()).expect("target/<profile>").join("pmo-board").display().to_string()
    });
    let data = tempfile::tempdir()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let server: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let database = format!("sqlite://{}", data.path().join("soak.db").display());
    let mut child = Command::new(&binary)
        .args(["--addr", &server.to_string(), "--database-url", &database])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let pid = child.id();
    let started = Instant::now();
    while reqwest::get(format!("http://{server}/healthz")).await.map(|r| r.status() != 200).unwrap_or(true) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "{binary} did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("server {binary} (pid {pid}) ready; RSS {} KiB", resident_kib(pid));

    // Accounts (sign-up is throttled per address: 25 from each) and their boards.
    let setup = Instant::now();
    let mut made = Vec::new();
    for chunk in (0..accounts).collect::<Vec<_>>().chunks(8) {
        let batch = chunk.iter().map(|&n| sign_up(server, format!("soak-{n}@example.com"), loopback(1, n / 25)));
        made.extend(futures::future::try_join_all(batch).await?);
    }
    let mut documents = Vec::new();
    for (n, account) in made.iter().enumerate() {
        for b in 0..8 {
            if documents.len() < boards {
                documents.push((n, create_board(server, account, &format!("Soak board {n}-{b}")).await?));
            }
        }
    }
    println!(
        "{accounts} accounts and {} boards in {:.1} s; RSS {} KiB",
        documents.len(),
        setup.elapsed().as_secs_f64(),
        resident_kib(pid)
    );

    let figures = Arc::new(Figures::default());
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let mut edit_channels = Vec::new();
    let mut board_tasks = Vec::new();
    let opening = Instant::now();
    let mut open_latencies = Vec::new();
    // Sixteen boards open at a time, as members arriving at a meeting would.
    let opened: Vec<anyhow::Result<(Connection, Connection, u64)>> =
        futures::stream::iter(documents.iter().enumerate().map(|(index, (account, document_id))| {
            let token = made[*account].token.clone();
            let document_id = document_id.clone();
            async move {
                let started = Instant::now();
                let editor = Connection::open(server, loopback(2, index), &document_id, &token).await?;
                let colleague = Connection::open(server, loopback(3, index), &document_id, &token).await?;
                Ok((editor, colleague, started.elapsed().as_micros() as u64 / 2))
            }
        }))
        .buffer_unordered(16)
        .collect()
        .await;
    for result in opened {
        let (editor, colleague, latency) = result?;
        open_latencies.push(latency);
        let (edits_tx, edits_rx) = mpsc::channel(64);
        edit_channels.push(edits_tx);
        board_tasks.push(tokio::spawn(board_task(editor, colleague, edits_rx, figures.clone(), stop.clone())));
    }
    println!(
        "{} connections open in {:.1} s; RSS {} KiB",
        boards * 2,
        opening.elapsed().as_secs_f64(),
        resident_kib(pid)
    );
    percentiles("opening a board (connect, join, load)", &mut open_latencies);

    let prober_account = sign_up(server, "soak-prober@example.com".into(), loopback(1, 240)).await?;
    tokio::spawn(prober(server, prober_account.token.clone(), made_up, seconds, figures.clone()));
    for n in 0..slow {
        tokio::spawn(slow_socket(server, loopback(4, n / 40), figures.clone()));
    }
    tokio::spawn(health(server, figures.clone()));

    let run = Instant::now();
    let mut memory = Vec::new();
    let mut edit_tick = tokio::time::interval(Duration::from_secs_f64(1.0 / edits_per_second.max(1) as f64));
    let mut sample_tick = tokio::time::interval(Duration::from_secs(5));
    while run.elapsed() < Duration::from_secs(seconds) {
        tokio::select! {
            _ = edit_tick.tick() => {
                let board = rand::random_range(0..edit_channels.len());
                if edit_channels[board].try_send(Instant::now()).is_err() {
                    figures.error("a board task could not take an edit (gone or far behind)");
                }
            }
            _ = sample_tick.tick() => {
                memory.push((run.elapsed().as_secs(), resident_kib(pid)));
            }
        }
    }
    let _ = stop_tx.send(true);
    // Edits still on their way get the time to arrive that every edit had.
    let settling = Instant::now();
    let _ = tokio::time::timeout(LATE + Duration::from_secs(5), futures::future::join_all(board_tasks)).await;
    println!("edits on their way settled in {:.1} s", settling.elapsed().as_secs_f64());

    println!("\n--- after {} s ---", run.elapsed().as_secs());
    let sent = figures.edits_sent.load(Relaxed);
    let mut latencies = std::mem::take(&mut *figures.edit_latencies_us.lock().unwrap());
    println!(
        "edits: {sent} sent, {} seen by the colleague, {} later than {LATE:?}, {} unseen on a broken connection",
        latencies.len(),
        figures.edits_late.load(Relaxed),
        figures.edits_unseen.load(Relaxed)
    );
    percentiles("edit seen by the colleague", &mut latencies);
    println!(
        "made-up ids: {} asked, {} answered doc-unavailable",
        figures.made_up_sent.load(Relaxed),
        figures.made_up_answered.load(Relaxed)
    );
    percentiles("doc-unavailable", &mut figures.made_up_latencies_us.lock().unwrap());
    println!("slow sockets: cut off {} times", figures.slow_cut_off.load(Relaxed));
    percentiles("/healthz", &mut figures.health_latencies_us.lock().unwrap());
    println!("/healthz failures: {}", figures.health_failures.load(Relaxed));
    let errors = figures.honest_errors.lock().unwrap().clone();
    println!("honest clients' errors: {}", if errors.is_empty() { "none".to_owned() } else { format!("{errors:?}") });
    let resident: Vec<u64> = memory.iter().map(|(_, kib)| *kib).collect();
    if let (Some(first), Some(last), Some(max)) = (resident.first(), resident.last(), resident.iter().max()) {
        println!(
            "server RSS: {} MiB at the start of the run, {} MiB at the end, {} MiB at most",
            first / 1024,
            last / 1024,
            max / 1024
        );
    }
    // Flat or growing: the second half of the run against the first, by their medians.
    if resident.len() >= 4 {
        let median = |samples: &[u64]| {
            let mut samples = samples.to_vec();
            samples.sort_unstable();
            samples[samples.len() / 2]
        };
        let (first_half, second_half) = resident.split_at(resident.len() / 2);
        let (early, late) = (median(first_half), median(second_half));
        println!(
            "server RSS median: {} MiB in the first half, {} MiB in the second ({:+.1}%)",
            early / 1024,
            late / 1024,
            (late as f64 - early as f64) * 100.0 / early.max(1) as f64
        );
    }
    let series: Vec<String> = memory.iter().step_by(6).map(|(at, kib)| format!("{at}s:{}MiB", kib / 1024)).collect();
    println!("RSS every 30 s: {}", series.join(" "));

    let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    let stopping = Instant::now();
    let _ = tokio::task::spawn_blocking(move || child.wait()).await;
    println!("SIGTERM to exit: {:.1} s", stopping.elapsed().as_secs_f64());
    Ok(())
}

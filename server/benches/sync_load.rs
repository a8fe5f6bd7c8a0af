//! `make bench-sync`: the sync load benchmark. Starts a fresh release `pmo-board` (SQLite, or
//! Postgres with `--postgres URL`) and the reference automerge-repo server (`bench/reference`,
//! Node), one at a time, runs the same workload against each (the load generator in
//! `server/tests/it/load.rs`), and prints one table: edit-to-receipt latency, lost edits,
//! server CPU and RSS.
//!
//! ```text
//! cargo bench -p server --bench sync_load -- --boards 10,50 --clients 5 --rates 100,200 \
//!     --seconds 20 --servers pmo,reference [--postgres postgres://…] [--idle-memory 2000]
//! ```
//!
//! `--idle-memory N` measures instead what unloading idle boards gives back: RSS of a fresh
//! server, after N boards were each opened once and left, and after the idle period.
//! It prints figures and never fails on them.

#[path = "../tests/it/load.rs"]
#[allow(dead_code)]
mod load;

use std::{
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use load::{Report, Target, Workload};
use tokio::time::Instant;

#[derive(Debug, Clone)]
struct Options {
    boards: Vec<usize>,
    clients: usize,
    rates: Vec<f64>,
    seconds: u64,
    servers: Vec<String>,
    postgres: Option<String>,
    idle_memory: Option<usize>,
}

fn parse_options() -> Options {
    let mut options = Options {
        boards: vec![10],
        clients: 5,
        rates: vec![100.0],
        seconds: 15,
        servers: vec!["pmo".into(), "reference".into()],
        postgres: None,
        idle_memory: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{arg} needs a value"));
        let list = |text: String| text.split(',').map(str::to_owned).collect::<Vec<_>>();
        match arg.as_str() {
            "--boards" => {
                options.boards = list(value()).iter().map(|n| n.parse().expect("--boards: numbers")).collect()
            }
            "--clients" => options.clients = value().parse().expect("--clients: a number"),
            "--rates" => options.rates = list(value()).iter().map(|n| n.parse().expect("--rates: numbers")).collect(),
            "--seconds" => options.seconds = value().parse().expect("--seconds: a number"),
            "--servers" => options.servers = list(value()),
            "--postgres" => options.postgres = Some(value()),
            "--idle-memory" => options.idle_memory = Some(value().parse().expect("--idle-memory: a number")),
            // `cargo bench` passes this to every bench target.
            "--bench" => {}
            other => panic!("unknown option {other}"),
        }
    }
    options
}

/// A server process under test.
struct Server {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    /// Postgres: the schema to drop afterwards.
    schema: Option<(String, String)>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_owned()
}

async fn start_pmo(postgres: Option<&str>, idle_secs: u64) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let (database_url, schema) = match postgres {
        None => (format!("sqlite://{}", dir.path().join("bench.db").display()), None),
        Some(base) => {
            let schema = format!("pmo_bench_{}", rand::random::<u32>());
            let admin = sqlx::PgPool::connect(base).await.expect("connect to --postgres");
            sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
            admin.close().await;
            let separator = if base.contains('?') { '&' } else { '?' };
            (format!("{base}{separator}options=-c%20search_path%3D{schema}"), Some((base.to_owned(), schema)))
        }
    };
    let binary =
        std::env::var("PMO_BOARD_BIN").expect("PMO_BOARD_BIN: the release pmo-board (make bench-sync sets it)");
    let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
    let child = Command::new(binary)
        .args(["--addr", &addr.to_string(), "--database-url", &database_url])
        .arg("--site-root")
        .arg(workspace().join("target/site"))
        .env("PMO_UNLOAD_IDLE_BOARDS_AFTER_SECS", idle_secs.to_string())
        .env("PMO_MAX_CONNECTIONS", "100000")
        .env("PMO_CONNECTIONS_PER_ADDRESS", "100000")
        .env("PMO_SIGNUPS_PER_ADDRESS", "100000")
        .env("PMO_METRICS_TOKEN", METRICS_TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("pmo-board starts");
    let server = Server { child, addr, _dir: dir, schema };
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("http://{addr}/healthz")).await.map(|r| r.status() != 200).unwrap_or(true) {
        assert!(Instant::now() < deadline, "pmo-board did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

async fn start_reference() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let child = Command::new("node")
        .arg(workspace().join("bench/reference/server.mjs"))
        .arg(addr.port().to_string())
        .arg(dir.path().join("storage"))
        .stdout(Stdio::null())
        .spawn()
        .expect("node starts the reference server (make bench-sync installs it)");
    let server = Server { child, addr, _dir: dir, schema: None };
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "the reference server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

impl Server {
    async fn stop(mut self) {
        // SIGTERM, so that both servers shut down as in production; then make sure.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((base, schema)) = self.schema.take() {
            let admin = sqlx::PgPool::connect(&base).await.expect("connect to --postgres");
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.unwrap();
            admin.close().await;
        }
    }
}

/// One reading of a process: CPU time used so far (seconds) and resident memory (MiB).
#[derive(Debug, Clone, Copy)]
struct Sample {
    at: Instant,
    cpu_seconds: f64,
    rss_mib: f64,
}

fn sample(pid: u32) -> Option<Sample> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces): state is the 3rd field, utime the
    // 14th and stime the 15th, counted in USER_HZ (100 per second on Linux).
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib: f64 =
        status.lines().find(|line| line.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(Sample { at: Instant::now(), cpu_seconds: ticks / 100.0, rss_mib: rss_kib / 1024.0 })
}

/// Samples `pid` every 200 ms until the returned sender is dropped.
fn sampler(pid: u32) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<Vec<Sample>>) {
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut samples = Vec::new();
        loop {
            if let Some(sample) = sample(pid) {
                samples.push(sample);
            }
            tokio::select! {
                _ = &mut stopped => return samples,
                () = tokio::time::sleep(Duration::from_millis(200)) => {}
            }
        }
    });
    (stop, task)
}

struct Row {
    server: String,
    boards: usize,
    clients: usize,
    rate: f64,
    report: Result<Report, String>,
    cpu_percent: f64,
    rss_peak_mib: f64,
}

/// CPU (% of one core) between the first and last sample in `window`, and the peak RSS overall.
fn usage(samples: &[Sample], window: Option<(Instant, Instant)>) -> (f64, f64) {
    let peak = samples.iter().map(|s| s.rss_mib).fold(0.0, f64::max);
    let inside: Vec<&Sample> = match window {
        Some((from, to)) => samples.iter().filter(|s| s.at >= from && s.at <= to).collect(),
        None => samples.iter().collect(),
    };
    let cpu = match (inside.first(), inside.last()) {
        (Some(first), Some(last)) if last.at > first.at => {
            (last.cpu_seconds - first.cpu_seconds) / last.at.duration_since(first.at).as_secs_f64() * 100.0
        }
        _ => f64::NAN,
    };
    (cpu, peak)
}

async fn measure(options: &Options, kind: &str, boards: usize, rate: f64) -> Row {
    let server = match kind {
        "pmo" => start_pmo(options.postgres.as_deref(), 120).await,
        "reference" => start_reference().await,
        other => panic!("unknown server {other}: pmo or reference"),
    };
    let target = if kind == "pmo" { Target::Pmo(server.addr) } else { Target::Reference(server.addr) };
    let workload = Workload {
        boards,
        clients_per_board: options.clients,
        edits_per_second: rate,
        duration: Duration::from_secs(options.seconds),
        drain: Duration::from_secs(20),
    };
    let (stop, samples) = sampler(server.child.id());
    let report = load::run(target, &workload).await;
    drop(stop);
    let samples = samples.await.unwrap_or_default();
    let window = report.as_ref().ok().and_then(|report| report.edit_window);
    let (cpu_percent, rss_peak_mib) = usage(&samples, window);
    server.stop().await;
    let name = match (kind, &options.postgres) {
        ("pmo", Some(_)) => "pmo-board (Postgres)".to_owned(),
        ("pmo", None) => "pmo-board (SQLite)".to_owned(),
        _ => "automerge-repo 2.5.6 (Node)".to_owned(),
    };
    Row { server: name, boards, clients: options.clients, rate, report, cpu_percent, rss_peak_mib }
}

fn print_table(rows: &[Row]) {
    println!(
        "\n{:<28} {:>13} {:>7} {:>7} {:>8} {:>8} {:>8} {:>6} {:>6} {:>8} {:>9}",
        "server",
        "boards×clients",
        "rate/s",
        "edits",
        "p50 ms",
        "p99 ms",
        "max ms",
        "lost",
        "CPU %",
        "RSS MiB",
        "setup s"
    );
    for row in rows {
        let shape = format!("{}×{}", row.boards, row.clients);
        match &row.report {
            Ok(report) => println!(
                "{:<28} {:>13} {:>7.0} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>6} {:>6.0} {:>8.0} {:>9.1}{}",
                row.server,
                shape,
                row.rate,
                report.edits,
                report.p50_ms,
                report.p99_ms,
                report.max_ms,
                report.lost,
                row.cpu_percent,
                row.rss_peak_mib,
                report.setup_seconds,
                if report.failed_clients > 0 {
                    format!("  ({} clients failed)", report.failed_clients)
                } else {
                    String::new()
                },
            ),
            Err(error) => println!("{:<28} {:>13} {:>7.0}  failed: {error}", row.server, shape, row.rate),
        }
    }
}

/// RSS of a fresh server, after `boards` boards were each opened once and left, and after the
/// idle period unloaded them.
async fn idle_memory(options: &Options, boards: usize) {
    let idle_secs = 10;
    let server = start_pmo(options.postgres.as_deref(), idle_secs).await;
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let fresh = sample(pid).map_or(f64::NAN, |s| s.rss_mib);
    let workload = Workload {
        boards,
        clients_per_board: 1,
        edits_per_second: 1.0,
        duration: Duration::from_millis(1),
        drain: Duration::from_millis(1),
    };
    let started = Instant::now();
    let report = load::run(Target::Pmo(server.addr), &workload).await;
    let opened = sample(pid).map_or(f64::NAN, |s| s.rss_mib);
    let loaded_after_open = loaded_boards(server.addr).await;
    println!(
        "opened {boards} boards once each in {:.1} s ({}); RSS {fresh:.0} MiB fresh, {opened:.0} MiB after, {loaded_after_open} boards loaded",
        started.elapsed().as_secs_f64(),
        report.map(|r| format!("{} clients failed", r.failed_clients)).unwrap_or_else(|e| e),
    );
    tokio::time::sleep(Duration::from_secs(idle_secs * 2)).await;
    let idle = sample(pid).map_or(f64::NAN, |s| s.rss_mib);
    println!(
        "after the idle period ({idle_secs} s): RSS {idle:.0} MiB, {} boards loaded",
        loaded_boards(server.addr).await
    );
    server.stop().await;
}

/// The `/metrics` token the benchmark starts `pmo-board` with.
const METRICS_TOKEN: &str = "bench-metrics-token";

async fn loaded_boards(addr: SocketAddr) -> String {
    let request = reqwest::Client::new().get(format!("http://{addr}/metrics")).bearer_auth(METRICS_TOKEN);
    let text = match request.send().await {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => return "?".into(),
    };
    text.lines()
        .find(|line| line.starts_with("pmo_boards_loaded "))
        .and_then(|line| line.rsplit(' ').next())
        .unwrap_or("?")
        .to_owned()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let options = parse_options();
    if let Some(boards) = options.idle_memory {
        idle_memory(&options, boards).await;
        return;
    }
    let mut rows = Vec::new();
    for &boards in &options.boards {
        for &rate in &options.rates {
            for kind in &options.servers {
                eprintln!("running {kind}: {boards} boards × {} clients at {rate} edits/s", options.clients);
                let row = measure(&options, kind, boards, rate).await;
                rows.push(row);
                print_table(&rows[rows.len() - 1..]);
            }
        }
    }
    println!("\nAll runs ({} s of edits each, {}):", options.seconds, machine());
    print_table(&rows);
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores")
}

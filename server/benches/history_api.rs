//! How fast the history API answers a page (issue 14's target: 50 ms) on the generated
//! 1,000-project board with 10,000 more changes of history, on SQLite and on Postgres: an
//! in-process server, the board restored from its backup (every change recorded in
//! `change_history`, as `POST /api/boards/restore` does), then `GET /api/boards/{id}/history`
//! for the first page (the history page's first request), and for a page deep in the history.
//!
//! ```text
//! cargo bench -p server --bench history_api
//! PMO_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p server --bench history_api
//! ```
//!
//! Postgres is measured in a schema of its own (dropped afterwards) when `PMO_BENCH_POSTGRES_URL`
//! (or `PMO_TEST_POSTGRES_URL`) is set. The first request for a page describes its changes in PMO
//! words (reading the board at each change) and keeps the summaries; later requests for it read
//! them back with the rows. It prints figures and never fails on them.
//!
//! A restored board's rows have no summaries (a restore does not describe 50,000 changes), so
//! before the pages are timed a member makes [`EDITS`] edits through a real sync connection
//! (bookings, budgets, moves, renames, as on the board), which the write gate describes as it
//! commits them: the first page is then what a board in use has, and the time each edit takes
//! from sending to the server's acknowledgement (the gate's check, the description, the
//! commit, samod applying it) is printed by kind.

#[path = "../../shared/tests/support/large_board.rs"]
mod large_board;

use std::{sync::Arc, time::Duration};

use futures::{SinkExt, StreamExt};
use server::{Config, Server};
use shared::{
    api::{BoardSummary, CSRF_COOKIE, CSRF_HEADER},
    history::HistoryPage,
    sync::SyncClient,
    Board, IsoWeek, PersonId, ProjectId,
};
use tokio::{net::TcpListener, time::Instant};
use tokio_tungstenite::tungstenite::Message;

/// Requests timed per page, after one that loads the board.
const ROUNDS: usize = 20;

/// Edits made through a sync connection after the restore, each committed (and described) by
/// the gate: more than a page.
const EDITS: usize = 60;

/// The board's projects, people and weeks, for the edits.
struct Cast {
    projects: Vec<ProjectId>,
    people: Vec<PersonId>,
    weeks: Vec<IsoWeek>,
}

#[tokio::main]
async fn main() {
    let started = std::time::Instant::now();
    let (mut board, projects, people, weeks) = large_board::large_board();
    // The same 10,000 changes as the domain benchmarks: budgets, bookings, moves, renames.
    large_board::add_history(&mut board, &projects, &people, &weeks, large_board::HISTORY_CHANGES);
    let backup = board.save();
    let cast = Cast { projects, people, weeks };
    println!(
        "history API: the board with 10,000 more changes built in {:.1?} ({} KiB saved)",
        started.elapsed(),
        backup.len() / 1024
    );

    let sqlite = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", sqlite.path().join("bench.db").display());
    measure("SQLite", &url, &backup, &cast).await;

    let postgres = std::env::var("PMO_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("PMO_TEST_POSTGRES_URL"))
        .ok()
        .filter(|url| !url.is_empty());
    match postgres {
        None => println!("history API on Postgres: not measured (set PMO_BENCH_POSTGRES_URL)"),
        Some(base) => match sqlx::PgPool::connect(&base).await {
            Err(error) => println!("history API on Postgres: not measured ({error})"),
            Ok(admin) => {
                let schema = format!("pmo_bench_{}", rand::random::<u32>());
                sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
                let separator = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
                measure("Postgres", &url, &backup, &cast).await;
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.unwrap();
            }
        },
    }
}

/// Restores the board on a fresh server with `database_url` and times history pages.
async fn measure(database: &str, database_url: &str, backup: &[u8], cast: &Cast) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let addr = listener.local_addr().unwrap();
    let server = Server::start(Config::new(database_url, "target/site"), listener).await.expect("the server starts");
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let http = reqwest::Client::builder().cookie_provider(jar.clone()).build().unwrap();
    let base: reqwest::Url = format!("http://{addr}").parse().unwrap();
    http.get(base.join("/api/auth/me").unwrap()).send().await.unwrap();
    let csrf = || {
        use reqwest::cookie::CookieStore;
        let cookies = jar.cookies(&base).map(|value| value.to_str().unwrap_or_default().to_owned()).unwrap_or_default();
        cookies.split("; ").find_map(|pair| pair.strip_prefix(&format!("{CSRF_COOKIE}=")).map(str::to_owned)).unwrap()
    };
    let body = serde_json::json!({
        "email": "pmo@example.com", "name": "PMO", "password": "correct horse battery staple", "invite": null
    });
    let response =
        http.post(base.join("/api/auth/signup").unwrap()).header(CSRF_HEADER, csrf()).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201, "sign-up");

    let started = Instant::now();
    let response = http
        .post(base.join("/api/boards/restore").unwrap())
        .header(CSRF_HEADER, csrf())
        .body(backup.to_vec())
        .send()
        .await
        .unwrap();
    let status = response.status();
    if status != 201 {
        println!(
            "history API on {database}: not measured (restoring the board: {status} {})",
            response.text().await.unwrap_or_default()
        );
        server.stop().await;
        return;
    }
    let restored: BoardSummary = response.json().await.unwrap();
    println!("history API on {database}: board restored in {:.1?}", started.elapsed());
    let path = format!("/api/boards/{}/history", restored.id.trim_start_matches("automerge:"));

    // A member edits: each edit sent alone and waited for, as the app sends them.
    let response = http
        .post(base.join("/api/tokens").unwrap())
        .header(CSRF_HEADER, csrf())
        .json(&serde_json::json!({ "name": "bench" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "a token");
    let token: serde_json::Value = response.json().await.unwrap();
    let url = format!("ws://{addr}/sync?token={}", token["secret"].as_str().unwrap());
    match edit_through_sync(&url, restored.document_id(), backup, cast).await {
        Ok(mut latencies) => {
            for (kind, times) in latencies.iter_mut() {
                report(database, &format!("an edit ({kind}) from sending to the server's acknowledgement"), times);
            }
        }
        Err(error) => println!("history API on {database}: the edits through sync failed ({error})"),
    }

    let page = |query: String| {
        let (http, url) = (http.clone(), base.join(&format!("{path}{query}")).unwrap());
        async move {
            let started = Instant::now();
            let response = http.get(url).send().await.unwrap();
            assert_eq!(response.status(), 200);
            let page: HistoryPage = response.json().await.unwrap();
            (started.elapsed(), page)
        }
    };
    let (cold, first) = page(String::new()).await;
    println!(
        "history API on {database}: first page, first request (its changes described at commit) {:.1} ms, {} entries",
        ms(cold),
        first.entries.len()
    );
    // The same page as a restored board's rows are (no summaries): the lazy path's first request.
    let summaries: Vec<String> = first.entries.iter().map(|entry| entry.summary.clone()).collect();
    let database_pool = sqlx::AnyPool::connect(database_url).await.unwrap();
    sqlx::query("UPDATE change_history SET summary = NULL, projects = NULL").execute(&database_pool).await.unwrap();
    database_pool.close().await;
    let (lazy, again) = page(String::new()).await;
    let same = again.entries.iter().map(|entry| &entry.summary).eq(summaries.iter());
    println!(
        "history API on {database}: first page, first request without kept summaries (described then) {:.1} ms, {}",
        ms(lazy),
        if same { "the same summaries" } else { "DIFFERENT summaries" }
    );
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        times.push(page(String::new()).await.0);
    }
    report(database, "first page (50 newest changes)", &mut times);
    // A page from the middle of the history: `next` counts down from the newest. Its first
    // request describes its 50 changes (the board is loaded already); later ones read the
    // summaries the server kept.
    let next: i64 = first.next.as_deref().and_then(|next| next.parse().ok()).unwrap_or(0);
    let middle = format!("?before={}", next / 2);
    let (fresh, _) = page(middle.clone()).await;
    println!(
        "history API on {database}: a page from the middle, first request (describes its 50 changes) {:.1} ms",
        ms(fresh)
    );
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        times.push(page(middle.clone()).await.0);
    }
    report(database, "a page from the middle of the history", &mut times);
    server.stop().await;
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn report(database: &str, what: &str, times: &mut [Duration]) {
    times.sort();
    println!(
        "history API on {database}: {what}: median {:.1} ms, slowest {:.1} ms ({} requests)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

/// Makes [`EDITS`] edits on the board (restored from `backup`) through a sync connection, one
/// at a time, and returns how long each took to be acknowledged, by kind.
async fn edit_through_sync(
    url: &str,
    document_id: &str,
    backup: &[u8],
    cast: &Cast,
) -> Result<Vec<(&'static str, Vec<Duration>)>, String> {
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.map_err(|error| error.to_string())?;
    let mut board = Board::load(backup).map_err(|error| error.to_string())?;
    let mut client = SyncClient::new(&format!("bench-{}", rand::random::<u32>()), document_id, None);
    socket.send(Message::Binary(client.join().into())).await.map_err(|error| error.to_string())?;
    // Exchanges frames until `done` holds (a minute at most).
    async fn until(
        socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
        client: &mut SyncClient,
        board: &mut Board,
        done: impl Fn(&mut SyncClient, &mut Board) -> bool,
    ) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(client, board) {
            let frame = match tokio::time::timeout_at(deadline, socket.next()).await {
                Err(_) => return Err("no answer within a minute".into()),
                Ok(Some(Ok(frame))) => frame,
                Ok(other) => return Err(format!("the connection ended: {other:?}")),
            };
            let Message::Binary(bytes) = frame else { continue };
            let received = client.receive(board, &bytes).map_err(|error| error.to_string())?;
            for reply in received.replies {
                socket.send(Message::Binary(reply.into())).await.map_err(|error| error.to_string())?;
            }
        }
        Ok(())
    }
    until(&mut socket, &mut client, &mut board, |client, _| client.is_connected()).await?;
    if let Some(frame) = client.poll(&mut board) {
        socket.send(Message::Binary(frame.into())).await.map_err(|error| error.to_string())?;
    }
    until(&mut socket, &mut client, &mut board, |client, board| client.unsynced_changes(board) == 0).await?;
    let kinds = ["booking", "budget", "move", "rename"];
    let mut latencies: Vec<(&'static str, Vec<Duration>)> = kinds.iter().map(|kind| (*kind, Vec::new())).collect();
    for index in 0..EDITS {
        let project = &cast.projects[(index * 37) % cast.projects.len()];
        let edited = match index % kinds.len() {
            0 => board.set_allocation(
                project,
                &cast.people[(index * 11) % cast.people.len()],
                cast.weeks[index % cast.weeks.len()],
                4.0 + index as f64,
            ),
            1 => board.set_project_budget(project, 100_000.0 + index as f64),
            2 => board.move_project(project, (index * 13) % cast.projects.len()),
            _ => board.rename_project(project, &format!("Renamed {index}")),
        };
        edited.map_err(|error| error.to_string())?;
        let started = Instant::now();
        if let Some(frame) = client.poll(&mut board) {
            socket.send(Message::Binary(frame.into())).await.map_err(|error| error.to_string())?;
        }
        until(&mut socket, &mut client, &mut board, |client, board| client.unsynced_changes(board) == 0).await?;
        latencies[index % kinds.len()].1.push(started.elapsed());
    }
    Ok(latencies)
}

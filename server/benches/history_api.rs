//! How fast the history API answers a page (issue 14's target: 50 ms) on the generated
//! 1,000-project board with 10,000 more changes of history, on SQLite and on Postgres: an
//! in-process server, the board restored from its backup (every change recorded in
//! `change_history` without a summary, as `POST /api/boards/restore` does), which the server's
//! background describer (`server::history::background`) then describes, newest first.
//!
//! ```text
//! cargo bench -p server --bench history_api
//! PMO_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p server --bench history_api
//! RUST_LOG=sqlx::query=debug cargo bench -p server --bench history_api   # every statement, timed
//! ```
//!
//! Postgres is measured in a schema of its own (dropped afterwards) when `PMO_BENCH_POSTGRES_URL`
//! (or `PMO_TEST_POSTGRES_URL`) is set. It prints figures and never fails on them:
//! - right after the restore, while the background works: the first request of the newest
//!   page and of a page from the middle (which the background has not reached: the request
//!   describes it);
//! - [`EDITS`] edits through a real sync connection (bookings, budgets, moves, renames, as on
//!   the board), each from sending to the server's acknowledgement, made while the background
//!   describes the board: what the background's holds of the document cost an edit;
//! - how long the background took to describe every restored row;
//! - then first requests of pages described by the background (and of the newest, the edits,
//!   which the gate described as it committed them), and medians of repeated requests;
//! - the request path's own description: one page's summaries set back to NULL, requested.

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

/// Edits made through a sync connection while the background describes the restored board,
/// each committed (and described) by the gate: more than a page.
const EDITS: usize = 60;

/// The board's projects, people and weeks, for the edits.
struct Cast {
    projects: Vec<ProjectId>,
    people: Vec<PersonId>,
    weeks: Vec<IsoWeek>,
}

#[tokio::main]
async fn main() {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).init();
    }
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
    let restored_at = Instant::now();
    println!("history API on {database}: board restored in {:.1?}", restored_at - started);
    let board_id = restored.id.trim_start_matches("automerge:").to_owned();
    let path = format!("/api/boards/{board_id}/history");
    let database_pool = sqlx::AnyPool::connect(database_url).await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_history WHERE board_id = $1")
        .bind(&board_id)
        .fetch_one(&database_pool)
        .await
        .unwrap();

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
    // At once, while the background describes the restored rows, newest first.
    let (busy_newest, newest) = page(String::new()).await;
    let next: i64 = newest.next.as_deref().and_then(|next| next.parse().ok()).unwrap_or(0);
    let undescribed_middle: i64 = undescribed_below(&database_pool, &board_id, next / 2).await;
    let (busy_middle, _) = page(format!("?before={}", next / 2)).await;
    println!(
        "history API on {database}: during the background's work ({rows} rows to describe), first requests: \
         the newest page {:.1} ms, a page from the middle {:.1} ms ({} of its 50 rows not described yet)",
        ms(busy_newest),
        ms(busy_middle),
        undescribed_middle.min(50)
    );

    // A member edits meanwhile: each edit sent alone and waited for, as the app sends them.
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
            let left = undescribed_below(&database_pool, &board_id, i64::MAX).await;
            for (kind, times) in latencies.iter_mut() {
                report(
                    database,
                    &format!(
                        "an edit ({kind}) from sending to the server's acknowledgement, during the background's work"
                    ),
                    times,
                );
            }
            println!("history API on {database}: rows still undescribed after the edits: {left}");
        }
        Err(error) => println!("history API on {database}: the edits through sync failed ({error})"),
    }

    // The background goes on until every row is described.
    loop {
        let left = undescribed_below(&database_pool, &board_id, i64::MAX).await;
        if left == 0 {
            break;
        }
        if restored_at.elapsed() > Duration::from_secs(1800) {
            println!("history API on {database}: {left} rows still undescribed after 30 minutes");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let metrics = &server.state().metrics;
    let by_background =
        metrics.history_described.get_or_create(&server::metrics::DescribedByLabel { by: "background" }).get();
    let by_request =
        metrics.history_described.get_or_create(&server::metrics::DescribedByLabel { by: "request" }).get();
    println!(
        "history API on {database}: the background described the restored board's rows in {:.1?} from the restore \
         ({by_background} rows; requests described {by_request})",
        restored_at.elapsed()
    );

    let (cold, first) = page(String::new()).await;
    println!(
        "history API on {database}: first page, first request (the edits, described at commit) {:.1} ms, {} entries",
        ms(cold),
        first.entries.len()
    );
    let (again, _) = page(String::new()).await;
    println!("history API on {database}: first page, second request {:.1} ms", ms(again));
    // Pages no request has asked for yet: the restore's newest but one, and a third of the way
    // down (counted in `seq` from the newest restored row).
    let (fresh_newest, _) = page(format!("?before={next}")).await;
    let (fresh_middle, _) = page(format!("?before={}", next / 3)).await;
    println!(
        "history API on {database}: once described by the background, first requests: the restore's \
         second-newest page {:.1} ms, a page a third of the way from the oldest {:.1} ms",
        ms(fresh_newest),
        ms(fresh_middle)
    );
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        times.push(page(String::new()).await.0);
    }
    report(database, "first page (50 newest changes)", &mut times);
    let middle = format!("?before={}", next / 2);
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        times.push(page(middle.clone()).await.0);
    }
    report(database, "a page from the middle of the history", &mut times);

    // The request path's own description, for rows the background has not reached: one page's
    // summaries set back to NULL (the background is not told, so it leaves them alone).
    let lazy_before = next / 4;
    let (kept, kept_page) = page(format!("?before={lazy_before}")).await;
    let summaries: Vec<String> = kept_page.entries.iter().map(|entry| entry.summary.clone()).collect();
    sqlx::query(
        "UPDATE change_history SET summary = NULL, projects = NULL WHERE board_id = $1 AND seq < $2 AND seq >= $3",
    )
    .bind(&board_id)
    .bind(lazy_before)
    .bind(lazy_before - 50)
    .execute(&database_pool)
    .await
    .unwrap();
    let (lazy, described) = page(format!("?before={lazy_before}")).await;
    let same = described.entries.iter().map(|entry| &entry.summary).eq(summaries.iter());
    println!(
        "history API on {database}: a page without kept summaries, first request (described by the request) \
         {:.1} ms (its first request with the background's summaries: {:.1} ms), {}",
        ms(lazy),
        ms(kept),
        if same { "the same summaries as the background's" } else { "DIFFERENT summaries" }
    );
    database_pool.close().await;
    server.stop().await;
}

/// How many of `board_id`'s rows below `before` have no summary yet.
async fn undescribed_below(pool: &sqlx::AnyPool, board_id: &str, before: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM change_history WHERE board_id = $1 AND seq < $2 AND summary IS NULL")
        .bind(board_id)
        .bind(before)
        .fetch_one(pool)
        .await
        .unwrap()
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

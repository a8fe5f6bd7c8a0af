//! Who changed what (issue 14): every change the gate commits is attributed to the account of
//! the connection that sent it, with the server's receive time, whatever the change claims;
//! members read the history, newest first, in PMO words; outsiders get 404; it survives a
//! restart; and it is the same on SQLite and Postgres.

use std::time::Duration;

use tokio::time::Instant;

use automerge::{transaction::CommitOptions, transaction::Transactable, AutoCommit, ReadDoc, ROOT};
use shared::{
    api::Role,
    board::NewProject,
    history::{HistoryEntry, HistoryPage},
    Board, ProjectId, Stage,
};

use crate::editor::Editor;
use crate::harness::{expect_error, on_postgres, start_server, ApiClient, TestDatabase};

/// 2100-01-01T00:00:00Z in seconds: a timestamp no honest device writes today.
const YEAR_2100_S: i64 = 4_102_444_800;
/// Three days, in seconds.
const THREE_DAYS_S: i64 = 3 * 24 * 60 * 60;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

async fn history(client: &ApiClient, board: &str, query: &str) -> HistoryPage {
    let response = client.get(&format!("/api/boards/{board}/history{query}")).send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap_or_default());
    response.json().await.unwrap()
}

/// A change to `client`'s board made by hand: with the actor id `actor` (someone else's, say),
/// stamped `time_s`, setting the budget of `project` to `budget`. It is added to the client's
/// board, ready to sync.
fn hand_made_change(client: &mut Editor, actor: &automerge::ActorId, time_s: i64, project: &ProjectId, budget: f64) {
    let mut doc = AutoCommit::load(&client.board.save()).unwrap();
    doc.set_actor(actor.clone());
    let (_, projects) = doc.get(ROOT, "projects").unwrap().unwrap();
    let (_, object) = doc.get(&projects, project.as_str()).unwrap().unwrap();
    doc.put(&object, "budget", budget).unwrap();
    doc.commit_with(CommitOptions::default().with_time(time_s).with_message("set by the owner, honest"));
    let change = doc.get_last_local_change().unwrap().raw_bytes().to_vec();
    client.board.load_incremental(&change).unwrap();
}

/// The actor id of the change `hash` of `board`.
fn actor_of(board: &mut Board, hash: &automerge::ChangeHash) -> automerge::ActorId {
    let doc = AutoCommit::load(&board.save()).unwrap();
    doc.get_change_by_hash(hash).unwrap().actor_id().clone()
}

/// An owner and an editor each edit; the editor also sends a change forged with the owner's
/// actor id and a timestamp in 2100, and one honestly made three days ago. Each is attributed
/// to the account that sent it, received now; the made-at time is kept only when it is not
/// after the change arrived. A viewer reads the history; an outsider gets 404; paging works;
/// after a restart it is all still there.
async fn attribution_story(url: &str) {
    let server = start_server(url).await;
    let addr = server.addr;
    let owner = ApiClient::sign_up(addr, "olga@example.com").await;
    let editor = ApiClient::sign_up(addr, "edith@example.com").await;
    let viewer = ApiClient::sign_up(addr, "victor@example.com").await;
    let outsider = ApiClient::sign_up(addr, "oscar@example.com").await;
    let board = owner.create_board("Portfolio").await;
    let board_id = board.document_id().to_owned();
    owner.add_member(&board_id, "edith@example.com", Role::Editor).await;
    owner.add_member(&board_id, "victor@example.com", Role::Viewer).await;
    let ids = [owner.me().await.account.id, editor.me().await.account.id];
    let [owner_id, editor_id] = ids;

    let mut olga = Editor::new("olga", &board_id, &owner.create_token("t").await);
    assert!(olga.connect(addr).await);
    olga.sync_until(Board::is_loaded).await;
    let apollo = ProjectId::random();
    let started = now_ms();
    olga.edit(|b| {
        b.add_project(apollo.clone(), NewProject { name: "Apollo".into(), stage: Stage::Proposed, budget: 1.0 })
    })
    .await;
    olga.sync_until(|_| true).await;
    let olgas_change = olga.board.heads()[0];
    let olgas_actor = actor_of(&mut olga.board, &olgas_change);

    let mut edith = Editor::new("edith", &board_id, &editor.create_token("t").await);
    assert!(edith.connect(addr).await);
    edith.sync_until(|b| b.project(&apollo).is_some()).await;
    // Forged: Olga's actor id, a message saying it is hers, a time in 2100.
    hand_made_change(&mut edith, &olgas_actor, YEAR_2100_S, &apollo, 250_000.0);
    let forged = edith.board.heads()[0];
    edith.sync_until(|_| true).await;
    // Honest, but made offline three days ago.
    let three_days_ago_s = started / 1000 - THREE_DAYS_S;
    let edith_actor = automerge::ActorId::random();
    hand_made_change(&mut edith, &edith_actor, three_days_ago_s, &apollo, 300_000.0);
    let offline = edith.board.heads()[0];
    edith.sync_until(|_| true).await;
    let finished = now_ms();

    let page = history(&viewer, &board_id, "").await;
    let hashes: Vec<&str> = page.entries.iter().map(|entry| entry.hash.as_str()).collect();
    let expected = [offline.to_string(), forged.to_string(), olgas_change.to_string()];
    assert_eq!(&hashes[..3], &expected, "newest first: {:#?}", page.entries);
    assert_eq!(page.next, None, "one page holds it all");
    let [offline_entry, forged_entry, olgas_entry] = [&page.entries[0], &page.entries[1], &page.entries[2]];

    assert_eq!(
        forged_entry.account_id.as_deref(),
        Some(editor_id.as_str()),
        "the connection's account, not the actor's"
    );
    assert_eq!(forged_entry.account_name, "edith");
    assert_eq!(forged_entry.summary, "set Apollo's budget to 250,000");
    assert_eq!(forged_entry.made_at_ms, None, "a time after arrival is not shown");
    assert!((started..=finished).contains(&forged_entry.received_at_ms), "received now: {forged_entry:?}");

    assert_eq!(offline_entry.account_id.as_deref(), Some(editor_id.as_str()));
    assert_eq!(offline_entry.made_at_ms, Some(three_days_ago_s * 1000), "made offline three days ago");
    assert!((started..=finished).contains(&offline_entry.received_at_ms), "received now: {offline_entry:?}");
    assert_eq!(offline_entry.summary, "set Apollo's budget to 300,000");

    assert_eq!(olgas_entry.account_id.as_deref(), Some(owner_id.as_str()));
    assert_eq!(olgas_entry.account_name, "olga");
    assert_eq!(olgas_entry.summary, "added project Apollo");
    assert_eq!(olgas_entry.projects, vec![apollo.to_string()]);
    // The test clients run in the server's process, so they stamp changes with its clock.
    let made = olgas_entry.made_at_ms.expect("an honest time is shown");
    assert!(
        started - 1000 <= made && made <= olgas_entry.received_at_ms,
        "made just before it arrived: {olgas_entry:?}"
    );

    let created: &HistoryEntry = page.entries.last().unwrap();
    assert_eq!(created.summary, "created the board “Portfolio”");
    assert_eq!(created.account_id.as_deref(), Some(owner_id.as_str()), "the board was made for its owner");

    // Paging: two at a time, following `next`.
    let first = history(&owner, &board_id, "?limit=2").await;
    assert_eq!(first.entries.iter().map(|e| e.hash.clone()).collect::<Vec<_>>(), expected[..2]);
    let cursor = first.next.clone().expect("more to come");
    let second = history(&owner, &board_id, &format!("?limit=2&before={cursor}")).await;
    assert_eq!(second.entries[0].hash, expected[2], "the next page goes on where the first stopped");
    for bad in ["?limit=0", "?limit=201", "?limit=ten", "?before=yesterday"] {
        let response = owner.get(&format!("/api/boards/{board_id}/history{bad}")).send().await.unwrap();
        expect_error(response, 400, if bad.contains("limit") { "limit must be" } else { "before must be" }).await;
    }

    // An outsider: exactly like a board that does not exist.
    let unknown = samod::DocumentId::new(&mut rand::rng()).to_string();
    for id in [board_id.as_str(), unknown.as_str()] {
        let response = outsider.get(&format!("/api/boards/{id}/history")).send().await.unwrap();
        expect_error(response, 404, "or you are not one of its members").await;
    }
    let response = ApiClient::new(addr).await.get(&format!("/api/boards/{board_id}/history")).send().await.unwrap();
    assert_eq!(response.status(), 401, "signed out");

    // A viewer's changes are neither applied nor recorded.
    let mut victor = Editor::new("victor", &board_id, &viewer.create_token("t").await);
    assert!(victor.connect(addr).await);
    victor
        .wait_for(std::time::Duration::from_secs(10), "the board with Apollo", |client| {
            client.board.project(&apollo).is_some()
        })
        .await;
    victor.edit(|b| b.set_project_budget(&apollo, 1.0)).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after_viewer = history(&owner, &board_id, "").await;
    assert_eq!(after_viewer.entries, page.entries, "nothing from the viewer");

    drop((olga, edith, victor));
    server.stop().await;

    // Restarted on the same database: the same history, the same accounts.
    let server = start_server(url).await;
    let owner = ApiClient::new(server.addr).await;
    let response = owner.try_sign_in("olga@example.com", crate::harness::PASSWORD).await;
    assert_eq!(response.status(), 200);
    let again = history(&owner, &board_id, "").await;
    assert_eq!(again.entries, page.entries, "attribution survives a restart");
    server.stop().await;
}

#[tokio::test]
async fn changes_are_attributed_to_the_connection_that_sent_them_on_sqlite() {
    attribution_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn changes_are_attributed_to_the_connection_that_sent_them_on_postgres() {
    on_postgres(|url| async move { attribution_story(&url).await }).await;
}

/// Sets `project`'s budget to `thousands` × 1,000 and waits until the server has committed the
/// change; returns its hash.
async fn set_budget(client: &mut Editor, project: &ProjectId, thousands: u32) -> String {
    client.edit(|b| b.set_project_budget(project, f64::from(thousands) * 1000.0)).await;
    client.sync_until(|_| true).await;
    client.board.heads()[0].to_string()
}

/// Paging (issue 14's speed): newest first across page boundaries, following `next`; changes
/// that arrive between two pages come before the first page and neither repeat an entry in a
/// later page nor push one out of it; a summary kept from an earlier request is the one the
/// board gives.
async fn paging_story(url: &str) {
    let server = start_server(url).await;
    let owner = ApiClient::sign_up(server.addr, "paula@example.com").await;
    let board = owner.create_board("Portfolio").await;
    let board_id = board.document_id().to_owned();
    let mut paula = Editor::new("paula", &board_id, &owner.create_token("t").await);
    assert!(paula.connect(server.addr).await);
    paula.sync_until(Board::is_loaded).await;
    let apollo = ProjectId::random();
    paula
        .edit(|b| {
            b.add_project(apollo.clone(), NewProject { name: "Apollo".into(), stage: Stage::Proposed, budget: 1.0 })
        })
        .await;
    paula.sync_until(|_| true).await;
    let mut budgets = Vec::new();
    for thousands in 1..=5 {
        budgets.push(set_budget(&mut paula, &apollo, thousands).await);
    }
    // Every entry, newest first, in one page: five budgets, Apollo added, the board created.
    let whole = history(&owner, &board_id, "?limit=200").await;
    let hashes = |page: &HistoryPage| page.entries.iter().map(|entry| entry.hash.clone()).collect::<Vec<_>>();
    let all = hashes(&whole);
    assert_eq!(all.len(), 7, "{:#?}", whole.entries);
    assert_eq!(all[..5], budgets.iter().rev().cloned().collect::<Vec<_>>()[..], "newest first");
    let summaries: Vec<&str> = whole.entries.iter().map(|entry| entry.summary.as_str()).collect();
    assert_eq!(summaries[0], "set Apollo's budget to 5,000");
    assert_eq!(summaries[4], "set Apollo's budget to 1,000");
    assert_eq!(summaries[5], "added project Apollo");
    assert_eq!(whole.entries[5].projects, vec![apollo.to_string()]);
    assert_eq!(summaries[6], "created the board “Portfolio”");

    // Three at a time; two more changes arrive after the first page.
    let first = history(&owner, &board_id, "?limit=3").await;
    assert_eq!(hashes(&first), all[..3]);
    let newer = [set_budget(&mut paula, &apollo, 6).await, set_budget(&mut paula, &apollo, 7).await];
    let mut seen = hashes(&first);
    let mut cursor = first.next.clone().expect("more to come");
    let mut pages = 1;
    loop {
        let page = history(&owner, &board_id, &format!("?limit=3&before={cursor}")).await;
        pages += 1;
        seen.extend(hashes(&page));
        match page.next {
            Some(next) => cursor = next,
            None => break,
        }
        assert!(pages < 10, "paging ends");
    }
    assert_eq!(seen, all, "each entry once, in order, whatever arrived meanwhile");
    assert_eq!(pages, 3, "7 entries in pages of 3");
    // The newest page now starts with what arrived meanwhile, then where the first page began.
    let now = history(&owner, &board_id, "?limit=3").await;
    assert_eq!(hashes(&now), [newer[1].clone(), newer[0].clone(), all[0].clone()]);
    assert_eq!(now.entries[0].summary, "set Apollo's budget to 7,000");

    // Read again, every summary comes from what the server kept: the same entries.
    let again = history(&owner, &board_id, "?limit=200").await;
    assert_eq!(again.entries[2..], whole.entries[..], "kept summaries are the board's own");
    drop(paula);
    server.stop().await;
}

#[tokio::test]
async fn history_pages_follow_on_while_changes_arrive_on_sqlite() {
    paging_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn history_pages_follow_on_while_changes_arrive_on_postgres() {
    on_postgres(|url| async move { paging_story(&url).await }).await;
}

/// The rows of `board_id`'s history as the database holds them, newest first, read without
/// the history API (which would describe what is missing).
async fn stored_rows(server: &server::Server, board_id: &str) -> Vec<server::history::HistoryRow> {
    server.state().store.history(board_id, None, 200).await.unwrap()
}

/// Issue 14's speed: the gate describes every change it commits, in the commit's
/// transaction, so its summary is in `change_history` at once, before anyone asks for the
/// history; a change the gate refuses leaves no row; the board's creation, committed without
/// a summary, is described in the background; and rows without a summary that the background
/// was not told of (written before the gate described changes) are described the first time a
/// page lists them, and kept.
async fn described_at_commit_story(url: &str) {
    let server = start_server(url).await;
    let owner = ApiClient::sign_up(server.addr, "dora@example.com").await;
    let editor = ApiClient::sign_up(server.addr, "eli@example.com").await;
    let board = owner.create_board("Portfolio").await;
    let board_id = board.document_id().to_owned();
    owner.add_member(&board_id, "eli@example.com", Role::Editor).await;
    let mut dora = Editor::new("dora", &board_id, &owner.create_token("t").await);
    assert!(dora.connect(server.addr).await);
    dora.sync_until(Board::is_loaded).await;
    let (apollo, zeus) = (ProjectId::random(), ProjectId::random());
    for (id, name) in [(&apollo, "Apollo"), (&zeus, "Zeus")] {
        dora.edit(|b| b.add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Proposed, budget: 1.0 }))
            .await;
        dora.sync_until(|_| true).await;
    }
    dora.edit(|b| b.move_project(&zeus, 0)).await;
    dora.sync_until(|_| true).await;
    let budget = set_budget(&mut dora, &apollo, 250).await;

    let rows = stored_rows(&server, &board_id).await;
    let summaries: Vec<Option<&str>> = rows.iter().map(|row| row.summary.as_deref()).collect();
    assert_eq!(
        summaries,
        [
            Some("set Apollo's budget to 250,000"),
            Some("moved Zeus above Apollo"),
            Some("added project Zeus"),
            Some("added project Apollo"),
            rows[4].summary.as_deref(),
        ],
        "described as committed, before any history request"
    );
    assert_eq!(rows[0].hash, budget);
    assert_eq!(rows[0].projects.as_deref(), Some(format!("[\"{apollo}\"]").as_str()));
    assert_eq!(rows[1].projects.as_deref(), Some(format!("[\"{zeus}\"]").as_str()));
    // The board's creation (committed without a summary) is described in the background.
    until_described(&server, &board_id, Duration::from_secs(30)).await;
    let rows = stored_rows(&server, &board_id).await;
    assert_eq!(rows[4].summary.as_deref(), Some("created the board “Portfolio”"));

    // Refused by the gate (the settings are the owner's): no row, nothing stored.
    let mut eli = Editor::new("eli", &board_id, &editor.create_token("t").await);
    assert!(eli.connect(server.addr).await);
    eli.sync_until(|b| b.project(&apollo).is_some()).await;
    eli.edit(|b| b.set_currency("USD")).await;
    let refused = eli.board.heads()[0].to_string();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after_refusal = stored_rows(&server, &board_id).await;
    assert_eq!(after_refusal, rows, "a refused change leaves no row");
    assert!(after_refusal.iter().all(|row| row.hash != refused));

    // Rows written without a summary (before the gate described changes): the first page
    // describes them from the board, the same words, and keeps them.
    let api_before = history(&owner, &board_id, "").await;
    let database = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query("UPDATE change_history SET summary = NULL, projects = NULL").execute(&database).await.unwrap();
    database.close().await;
    assert!(stored_rows(&server, &board_id).await.iter().all(|row| row.summary.is_none()));
    let described = history(&owner, &board_id, "").await;
    assert_eq!(described.entries, api_before.entries, "described lazily, the same as at commit");
    assert_eq!(described.entries[0].summary, "set Apollo's budget to 250,000");
    assert_eq!(described.entries.last().unwrap().summary, "created the board “Portfolio”");
    let kept = stored_rows(&server, &board_id).await;
    assert!(kept.iter().all(|row| row.summary.is_some()), "kept: {kept:#?}");
    assert_eq!(kept[..4], rows[..4], "the lazy path keeps what the gate would have");
    drop((dora, eli));
    server.stop().await;
}

#[tokio::test]
async fn the_gate_describes_each_change_as_it_commits_it_on_sqlite() {
    sqlx::any::install_default_drivers();
    described_at_commit_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn the_gate_describes_each_change_as_it_commits_it_on_postgres() {
    sqlx::any::install_default_drivers();
    on_postgres(|url| async move { described_at_commit_story(&url).await }).await;
}

/// A board of `projects` projects with `changes` more changes (a move, a budget and a rename
/// in turn, on projects spread over the board), saved as a backup: every one of its changes is
/// a row without a summary once restored.
fn backup_with_history(projects: usize, changes: usize) -> Vec<u8> {
    let mut board = Board::new("Archive").unwrap();
    let ids: Vec<ProjectId> = (0..projects).map(|_| ProjectId::random()).collect();
    for (index, id) in ids.iter().enumerate() {
        let name = format!("Project {index}");
        board.add_project(id.clone(), NewProject { name, stage: Stage::Proposed, budget: 1.0 }).unwrap();
    }
    for change in 0..changes {
        let project = &ids[(change * 7) % projects];
        match change % 3 {
            0 => board.move_project(project, (change * 13) % projects).unwrap(),
            1 => board.set_project_budget(project, 1000.0 + change as f64).unwrap(),
            _ => board.rename_project(project, &format!("Project {change}")).unwrap(),
        }
    }
    board.save()
}

/// Restores `backup` as a new board of `client`'s; returns the board's id.
async fn restore(client: &ApiClient, backup: Vec<u8>) -> String {
    let response = client
        .post("/api/boards/restore")
        .header("content-type", "application/octet-stream")
        .body(backup)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    let restored: shared::api::BoardSummary = response.json().await.unwrap();
    restored.document_id().to_owned()
}

/// Every row of `board_id`'s history as stored, newest first, read without the history API.
async fn all_stored_rows(server: &server::Server, board_id: &str) -> Vec<server::history::HistoryRow> {
    let mut rows: Vec<server::history::HistoryRow> = Vec::new();
    loop {
        let before = rows.last().map(|row| row.seq);
        let page = server.state().store.history(board_id, before, 200).await.unwrap();
        if page.is_empty() {
            return rows;
        }
        rows.extend(page);
    }
}

/// How many of `board_id`'s rows have no summary yet.
async fn undescribed(server: &server::Server, board_id: &str) -> usize {
    server.state().store.undescribed(board_id, None, 1_000_000).await.unwrap().len()
}

/// Waits until every row of `board_id` is described, without asking for the history; returns
/// how long it took, or panics after `within`.
async fn until_described(server: &server::Server, board_id: &str, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let left = undescribed(server, board_id).await;
        if left == 0 {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{left} rows still undescribed after {within:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A counter of `/metrics` with its labels, e.g. `pmo_history_described_total{by="background"}`
/// (0 when it is not there yet).
async fn counter(addr: std::net::SocketAddr, name: &str) -> u64 {
    let text = crate::harness::metrics_text(addr).await;
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse::<f64>().ok())
        .map_or(0, |value| value as u64)
}

const BY_BACKGROUND: &str = "pmo_history_described_total{by=\"background\"}";
const BY_REQUEST: &str = "pmo_history_described_total{by=\"request\"}";

/// Each row's summary is the one its change gives, read from the backup itself.
fn assert_summaries_are_the_changes(rows: &[server::history::HistoryRow], backup: &[u8]) {
    let document = automerge::Automerge::load(backup).unwrap();
    for row in rows {
        let expected = shared::history::describe_change(&document, &row.hash.parse().unwrap()).map(|s| s.text);
        assert_eq!(row.summary, expected, "row {}", row.seq);
    }
}

/// A restored backup's rows (written without summaries) are described by the server in the
/// background, soon, without anyone asking for the history; each summary is the one the
/// change gives; the metrics say the background described them all and no request did.
async fn restored_rows_story(url: &str) {
    let server = start_server(url).await;
    let owner = ApiClient::sign_up(server.addr, "rhea@example.com").await;
    let backup = backup_with_history(20, 150);
    let board_id = restore(&owner, backup.clone()).await;
    let took = until_described(&server, &board_id, Duration::from_secs(60)).await;
    let rows = all_stored_rows(&server, &board_id).await;
    let changes = automerge::Automerge::load(&backup).unwrap().get_changes(&[]).len();
    assert_eq!(rows.len(), changes, "the backup's changes are the board's history");
    assert_summaries_are_the_changes(&rows, &backup);
    assert_eq!(counter(server.addr, BY_BACKGROUND).await, rows.len() as u64, "described in {took:?}");
    assert_eq!(counter(server.addr, BY_REQUEST).await, 0, "no request described any");
    // The history serves them as kept.
    let page = history(&owner, &board_id, "?limit=200").await;
    assert!(page.entries.iter().zip(&rows).all(|(entry, row)| Some(&entry.summary) == row.summary.as_ref()));
    assert_eq!(counter(server.addr, BY_REQUEST).await, 0, "the page was served from the kept summaries");
    server.stop().await;
}

#[tokio::test]
async fn a_restored_board_is_described_in_the_background_on_sqlite() {
    sqlx::any::install_default_drivers();
    restored_rows_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn a_restored_board_is_described_in_the_background_on_postgres() {
    sqlx::any::install_default_drivers();
    on_postgres(|url| async move { restored_rows_story(&url).await }).await;
}

/// Rows left undescribed when the server stopped (in the middle of the background's work, or
/// written by an older version) are described after a restart, without anyone asking.
async fn restart_story(url: &str) {
    let server = start_server(url).await;
    let owner = ApiClient::sign_up(server.addr, "remy@example.com").await;
    let backup = backup_with_history(12, 60);
    let board_id = restore(&owner, backup.clone()).await;
    until_described(&server, &board_id, Duration::from_secs(60)).await;
    let described = all_stored_rows(&server, &board_id).await;
    server.stop().await;
    // As a server stopped halfway leaves them (which one is stopped where is a race; this is
    // every row).
    let database = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query("UPDATE change_history SET summary = NULL, projects = NULL").execute(&database).await.unwrap();
    database.close().await;

    let server = start_server(url).await;
    until_described(&server, &board_id, Duration::from_secs(60)).await;
    let again = all_stored_rows(&server, &board_id).await;
    assert_eq!(again, described, "the same summaries after the restart");
    assert_summaries_are_the_changes(&again, &backup);
    assert_eq!(counter(server.addr, BY_BACKGROUND).await, again.len() as u64);
    assert_eq!(counter(server.addr, BY_REQUEST).await, 0);
    server.stop().await;
}

#[tokio::test]
async fn rows_left_undescribed_are_described_after_a_restart_on_sqlite() {
    sqlx::any::install_default_drivers();
    restart_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn rows_left_undescribed_are_described_after_a_restart_on_postgres() {
    sqlx::any::install_default_drivers();
    on_postgres(|url| async move { restart_story(&url).await }).await;
}

/// How long an edit may take from sending to the server's acknowledgement while the
/// background describes its board, in this debug build on a loaded machine (an edit takes
/// 0.1–1.3 s here at a load average of 7–18). The background holds the board's document for
/// one slice at a time (`history::SLICE`, 4 ms, plus the change that crosses it), so an edit
/// waits for one slice at most; an edit that waited for the whole description (the board's
/// every row under one hold) took 7.9–9.2 s here.
const EDIT_BOUND: Duration = Duration::from_secs(4);

/// Edits made while the background describes a large board's history are acknowledged within
/// [`EDIT_BOUND`] each, none is lost, and a history request of rows the background has not
/// reached yet gives the same summaries it keeps.
async fn edits_during_the_background_story(url: &str) {
    let server = start_server(url).await;
    let owner = ApiClient::sign_up(server.addr, "ezra@example.com").await;
    let backup = backup_with_history(60, 1500);
    let board_id = restore(&owner, backup.clone()).await;
    let token = owner.create_token("t").await;
    let mut ezra = Editor::new("ezra", &board_id, &token);
    ezra.board = Board::load(&backup).unwrap();
    assert!(ezra.connect(server.addr).await);
    ezra.sync_until(|_| true).await;
    let project = ezra.board.snapshot().projects[0].id.clone();
    // The member has the board open (joining needs the document too, and takes seconds in
    // this build whatever the background does); its history is described from the start
    // again, as after a restore, while the member edits.
    let database = sqlx::AnyPool::connect(url).await.unwrap();
    sqlx::query("UPDATE change_history SET summary = NULL, projects = NULL").execute(&database).await.unwrap();
    database.close().await;
    server.state().describer.describe_soon(&board_id);

    let mut slowest = Duration::ZERO;
    let mut left_at_last_edit = 0;
    for thousands in 1..=10 {
        left_at_last_edit = undescribed(&server, &board_id).await;
        let started = Instant::now();
        ezra.edit_acknowledged(Duration::from_secs(30), |b| {
            b.set_project_budget(&project, f64::from(thousands) * 1000.0)
        })
        .await;
        slowest = slowest.max(started.elapsed());
    }
    assert!(slowest <= EDIT_BOUND, "an edit took {slowest:?} while the background worked");
    assert!(left_at_last_edit > 0, "the background had finished before the last edit: make the board larger");
    // The oldest page, which the background reaches last: described by this request.
    let oldest_page = history(&owner, &board_id, "?before=40&limit=30").await;

    let took = until_described(&server, &board_id, Duration::from_secs(120)).await;
    println!(
        "slowest edit {slowest:?}; {left_at_last_edit} rows undescribed at the last edit; all described {took:?} later"
    );
    let rows = all_stored_rows(&server, &board_id).await;
    let budgets: Vec<&str> = rows[..10].iter().map(|row| row.summary.as_deref().unwrap_or_default()).collect();
    // The project's name is whatever the history renamed it to last.
    let name = ezra.board.snapshot().projects[0].name.clone();
    let expected: Vec<String> =
        (1..=10).rev().map(|thousands| format!("set {name}'s budget to {thousands},000")).collect();
    assert_eq!(budgets, expected, "every edit is in the history, described by the gate");
    assert_summaries_are_the_changes(&rows[10..], &backup);
    let again = history(&owner, &board_id, "?before=40&limit=30").await;
    assert_eq!(again.entries, oldest_page.entries, "the request and the background describe alike");
    let stored = crate::editor::read_from_server(server.addr, &board_id, &owner.create_token("r").await).await;
    assert_eq!(stored.snapshot().projects[0].budget, 10_000.0, "no edit lost");
    drop(ezra);
    server.stop().await;
}

#[tokio::test]
async fn edits_go_through_while_the_background_describes_on_sqlite() {
    sqlx::any::install_default_drivers();
    edits_during_the_background_story(&TestDatabase::new().url()).await;
}

#[tokio::test]
async fn edits_go_through_while_the_background_describes_on_postgres() {
    sqlx::any::install_default_drivers();
    on_postgres(|url| async move { edits_during_the_background_story(&url).await }).await;
}

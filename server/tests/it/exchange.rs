//! Exports for scripts and restoring a board from a backup (issue 15): a member with an API
//! token downloads the workbook and each table as CSV; anyone else gets 404; a `.automerge`
//! backup becomes a new board owned by whoever uploads it, and a damaged or doctored file is
//! refused with the reason, storing nothing.

use automerge::{transaction::Transactable, AutoCommit, ReadDoc, ROOT};
use shared::{
    api::{BoardSummary, ErrorCode, Role},
    board::{NewPerson, NewProject},
    exchange::{import, Table},
    Board, IsoWeek, PersonId, ProjectId, Stage,
};

use crate::editor::Editor;
use crate::harness::{expect_error, expect_refusal, start_server, ApiClient, TestDatabase};

/// A board with a project, a person and a booking, synced by its owner; the owner's client.
async fn board_with_content(owner: &ApiClient, name: &str) -> (String, Editor) {
    let board = owner.create_board(name).await;
    let board_id = board.document_id().to_owned();
    let mut client = Editor::new("owner", &board_id, &owner.create_token("t").await);
    client.connect(owner.addr()).await;
    client.sync_until(Board::is_loaded).await;
    let (apollo, wang) = (ProjectId::random(), PersonId::random());
    let week: IsoWeek = "2027-W05".parse().unwrap();
    client
        .edit(|b| {
            b.add_project(
                apollo.clone(),
                NewProject { name: "阿波罗 Apollo".into(), stage: Stage::Active, budget: 250_000.0 },
            )
        })
        .await;
    client.edit(|b| b.add_person(wang.clone(), NewPerson::named("王芳", 40.0))).await;
    client.edit(|b| b.set_allocation(&apollo, &wang, week, 16.0)).await;
    client.sync_until(|_| true).await;
    (board_id, client)
}

#[tokio::test]
async fn members_export_the_board_as_a_workbook_and_as_csv_and_nobody_else_can() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let owner = ApiClient::sign_up(server.addr, "olga@example.com").await;
    let viewer = ApiClient::sign_up(server.addr, "victor@example.com").await;
    let outsider = ApiClient::sign_up(server.addr, "oscar@example.com").await;
    let (board_id, _client) = board_with_content(&owner, "Portfolio 组合").await;
    owner.add_member(&board_id, "victor@example.com", Role::Viewer).await;
    // A script: the viewer's API token, no cookies.
    let token = viewer.create_token("script").await;
    let script = reqwest::Client::new();
    let url = |path: &str| format!("http://{}/api/boards/{board_id}/{path}", server.addr);

    let response = script.get(url("export.xlsx")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.contains("filename*=UTF-8''Portfolio%20%E7%BB%84%E5%90%88.xlsx"), "{disposition}");
    let workbook = import::read("export.xlsx", &response.bytes().await.unwrap()).unwrap();
    assert_eq!(
        (workbook.row_count(Table::Projects), workbook.row_count(Table::People), workbook.row_count(Table::Bookings)),
        (1, 1, 1),
        "the workbook holds the board's project, person and booking"
    );

    // (table, a line the file holds)
    let cases = [
        ("projects", "1,阿波罗 Apollo,active,initiation,,,,,250000,"),
        ("people", "王芳,,,40,"),
        ("bookings", "阿波罗 Apollo,王芳,2027-W05,2027-02-01,16"),
        ("capacity", "王芳,,,2027-W05,2027-02-01,40,16,0.4,"),
    ];
    for (table, line) in cases {
        let response = script.get(url(&format!("export/{table}.csv"))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{table}");
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{table}: UTF-8 with a BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.lines().any(|found| found.starts_with(line)), "{table}: no line starts with {line}:\n{text}");
    }
    let response = script.get(url("export/salaries.csv")).bearer_auth(&token).send().await.unwrap();
    expect_error(response, 404, "there is no table `salaries`").await;

    // An outsider, an unknown board and a signed-out caller.
    let unknown = samod::DocumentId::new(&mut rand::rng()).to_string();
    for path in ["export.xlsx", "export/projects.csv"] {
        let response = outsider.get(&format!("/api/boards/{board_id}/{path}")).send().await.unwrap();
        expect_error(response, 404, "or you are not one of its members").await;
        let response = outsider.get(&format!("/api/boards/{unknown}/{path}")).send().await.unwrap();
        expect_error(response, 404, "or you are not one of its members").await;
        let response = script.get(url(path)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path} without a token");
    }
    server.stop().await;
}

async fn restore(client: &ApiClient, bytes: Vec<u8>) -> reqwest::Response {
    client
        .post("/api/boards/restore")
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backup_becomes_a_new_board_owned_by_the_uploader_and_a_doctored_one_is_refused() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let owner = ApiClient::sign_up(server.addr, "olga@example.com").await;
    let colleague = ApiClient::sign_up(server.addr, "carl@example.com").await;
    let (board_id, mut client) = board_with_content(&owner, "Portfolio").await;
    let backup = client.board.save();

    // Another account restores the owner's backup: the new board is theirs alone.
    let response = restore(&colleague, backup.clone()).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    let restored: BoardSummary = response.json().await.unwrap();
    assert_ne!(restored.id, format!("automerge:{board_id}"), "a new board");
    assert_eq!((restored.name.as_str(), restored.role), ("Portfolio", Role::Owner));
    assert_eq!(colleague.boards().await, std::slice::from_ref(&restored));
    assert_eq!(owner.boards().await.len(), 1, "the owner does not see the copy");
    let history = colleague.get(&format!("/api/boards/{}/history", restored.document_id())).send().await.unwrap();
    let history: shared::history::HistoryPage = history.json().await.unwrap();
    assert!(!history.entries.is_empty());
    assert!(history.entries.iter().all(|entry| entry.account_name == "carl"), "the uploader brought every change");

    let mut copy = Editor::new("carl", restored.document_id(), &colleague.create_token("t").await);
    assert!(copy.connect(server.addr).await);
    copy.sync_until(|board| board.allocations().len() == 1).await;
    assert_eq!(copy.board.snapshot().projects, client.board.snapshot().projects);

    // Doctored files: (what was done, the file, what the refusal says).
    let mut flipped = backup.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let mut not_a_board = AutoCommit::new();
    not_a_board.put(ROOT, "hello", "world").unwrap();
    let mut bad_budget = AutoCommit::load(&backup).unwrap();
    let (_, projects) = bad_budget.get(ROOT, "projects").unwrap().unwrap();
    let apollo = bad_budget.keys(&projects).next().unwrap();
    let (_, project) = bad_budget.get(&projects, apollo.as_str()).unwrap().unwrap();
    bad_budget.put(&project, "budget", "lots").unwrap();
    let cases: [(&str, Vec<u8>, ErrorCode, &str); 6] = [
        ("a byte changed", flipped, ErrorCode::BackupUnreadable, "damaged or changed after it was saved"),
        (
            "cut short",
            backup[..backup.len() - 10].to_vec(),
            ErrorCode::BackupUnreadable,
            "damaged or changed after it was saved",
        ),
        (
            "not Automerge at all",
            b"Project,Budget\nApollo,1\n".to_vec(),
            ErrorCode::BackupUnreadable,
            "not an Automerge document",
        ),
        ("nothing in it", AutoCommit::new().save(), ErrorCode::BackupEmpty, "holds no board"),
        ("another document", not_a_board.save(), ErrorCode::BackupRefused, "a board has no key `hello`"),
        ("a budget in words", bad_budget.save(), ErrorCode::BackupRefused, "budget"),
    ];
    for (what, bytes, code, reason) in cases {
        let response = restore(&colleague, bytes).await;
        expect_refusal(response, 400, code, reason).await;
        assert_eq!(colleague.boards().await.len(), 1, "{what}: nothing stored");
    }
    let response = ApiClient::new(server.addr).await.post("/api/boards/restore").body(backup).send().await.unwrap();
    assert_eq!(response.status(), 401, "signed out");
    client.lost();
    copy.lost();
    server.stop().await;
}

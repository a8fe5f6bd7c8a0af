//! The load benchmark (`make bench-sync`, `server/benches/sync_load.rs`) in miniature: a few
//! boards, a few seconds, and every edit must reach every other client of its board. How fast
//! is the benchmark's business, not this test's.

use std::time::Duration;

use crate::{
    harness::{start_server, TestDatabase},
    load::{run, Target, Workload},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_edit_of_a_short_load_run_arrives() {
    let database = TestDatabase::new();
    let server = start_server(&database.url()).await;
    let workload = Workload {
        boards: 3,
        clients_per_board: 3,
        edits_per_second: 20.0,
        duration: Duration::from_secs(2),
        // The run ends as soon as every edit has arrived; a debug build on a loaded machine
        // has taken over ten seconds to deliver them.
        drain: Duration::from_secs(60),
    };
    let report = run(Target::Pmo(server.addr), &workload).await.expect("the run sets up");
    assert_eq!(report.failed_clients, 0, "{report:?}");
    assert!(report.edits >= 20, "too few edits were made: {report:?}");
    assert_eq!(report.receipts, report.receipts_expected, "{report:?}");
    assert_eq!(report.lost, 0, "{report:?}");
    server.stop().await;
}

//! Who sent each change the server commits: the rows of `change_history`, written inside the
//! transaction that commits the changes, so a change is never stored without its row, nor the
//! row without the change.
//!
//! This is the writing half of the board's history, and it sits below the store: the store's
//! commits and the transactions that make a board or a scenario call [`record`] with their own
//! transaction. It imports nothing of the server; the reading half,
//! `GET /api/boards/{id}/history`, is the `history` module.

use std::time::{SystemTime, UNIX_EPOCH};

use shared::history::ChangeSummary;

pub(crate) fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// Writes who sent `changes` of `board_id` and when, inside the transaction that commits them,
/// with what each did where the gate described it (`described`, see
/// `shared::gate::Accepted::described`); a change left undescribed is described when a
/// history page first lists it. A change already attributed keeps its first row: whoever
/// delivered it first sent it.
pub(crate) async fn record(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    board_id: &str,
    changes: &[(automerge::ChangeHash, Vec<u8>)],
    account_id: Option<&str>,
    described: &[(automerge::ChangeHash, ChangeSummary)],
) -> Result<(), sqlx::Error> {
    let received_at_ms = now_ms();
    for (hash, bytes) in changes {
        // Automerge timestamps are seconds since the epoch; a change that cannot be read here
        // was already read by the gate, so 0 ("not known") is only a fallback.
        let made_at_ms =
            automerge::Change::try_from(bytes.as_slice()).map_or(0, |change| change.timestamp().saturating_mul(1000));
        let summary = described.iter().find(|(described, _)| described == hash).map(|(_, summary)| summary);
        let projects = summary.and_then(|summary| serde_json::to_string(&summary.projects).ok());
        sqlx::query(
            "INSERT INTO change_history (board_id, hash, account_id, made_at_ms, received_at_ms, summary, projects) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (board_id, hash) DO NOTHING",
        )
        .bind(board_id)
        .bind(hash.to_string())
        .bind(account_id.map(str::to_owned))
        .bind(made_at_ms)
        .bind(received_at_ms)
        .bind(summary.map(|summary| summary.text.clone()))
        .bind(projects)
        .execute(&mut **transaction)
        .await?;
    }
    Ok(())
}

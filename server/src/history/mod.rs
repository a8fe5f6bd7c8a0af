//! Who changed what, and when: the attribution of every change the server commits, and
//! `GET /api/boards/{id}/history`.
//!
//! [`crate::attribution::record`] runs inside the transaction that commits a connection's changes
//! ([`Store::commit_changes_by`], called by the write gate), so a change is never stored
//! without its row here, nor the row without the change. The account is the one the sync
//! connection authenticated as at the upgrade; nothing in the change (its actor id, its
//! message, its timestamp) decides it. The receive time is the server's clock. The change's own
//! timestamp is kept beside it as the author's claim of when it was made (possibly offline, days
//! earlier), and the API shows it only when it is not after the change arrived.
//!
//! The API serves the rows newest first, a page at a time: keyset paging on `seq` (the order
//! the server received the changes in) over the index `(board_id, seq)`, so a page costs the
//! same at the start of a long history as deep in it, and changes that arrive while a member
//! pages on come before the first page, never again in a later one. Each row carries a
//! one-line summary of its change computed from the board itself: by the write gate, from the
//! board it applied the change to, and written with the row in the commit's transaction
//! ([`shared::gate::Accepted::described`]). A row written without one (by a restore, a merge,
//! a new board or scenario, the server's own changes, or a long offline sync beyond the gate's
//! [`shared::gate::DESCRIBED_PER_MESSAGE`]) is described soon after in the background
//! ([`background`]: newest first, a few milliseconds of the board's document at a time), and
//! at start for rows a restart left undescribed. A page that lists a row the background has
//! not reached yet describes it itself ([`shared::history::describe_change`], the same text
//! either way) and keeps it. A summary depends only on the change and what it was made on, so
//! it never goes stale, and a page whose summaries are all kept is served without touching the
//! board's document.
//!
//! ```text
//! gate commit ─▶ row + summary ──────────────────────────────▶ GET …/history: one indexed query
//! restore, merge, … ─▶ row ─▶ describe_soon ─▶ background ─▶ summary kept ─┘
//!                                  (not reached yet: the request describes the page's rows)
//! ```

pub mod background;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    extract::{Path, Query, State},
    Json,
};
use serde::Deserialize;
use shared::history::{HistoryEntry, HistoryPage};
use sqlx::Row;

use crate::{
    api::document_id,
    auth::Caller,
    error::{no_board, ApiFailure},
    store::{Store, StoreError},
    AppState,
};

/// The most entries one page holds, and how many it holds unless asked.
pub const PAGE_MAX: u32 = 200;
pub const PAGE_DEFAULT: u32 = 50;

/// The longest a description holds a board's document at a time (then it lets go, and an
/// edit waiting for the document goes first), plus the one change that crosses it: a few
/// bookings' or budgets' descriptions (about 0.1 ms each on the 1,000-project board, release),
/// or one move's (5–7 ms: it reads the whole ranking).
pub const SLICE: Duration = Duration::from_millis(4);

/// A change whose own time is this far after its arrival has a clock that cannot be right.
const CLOCK_SKEW_MS: i64 = 60_000;

/// The server's name on the changes it made itself.
const SERVER_NAME: &str = "PMO Board";

/// Rows written at once after which Postgres's statistics of `change_history` are read again
/// (see [`Store::analyze_history`]).
pub const ANALYZE_AFTER_ROWS: usize = 1_000;

/// Rows of `board_id`'s history were written without their summaries (`rows` of them, or
/// copied with theirs): the background describes them soon, and Postgres's statistics are read
/// again after a bulk write, in the background too. Call it after the rows' transaction
/// committed; it never waits and never fails.
pub fn rows_written(state: &AppState, board_id: &str, rows: usize) {
    state.describer.describe_soon(board_id);
    if rows >= ANALYZE_AFTER_ROWS {
        let store = state.store.clone();
        tokio::spawn(async move {
            if let Err(error) = store.analyze_history(rows).await {
                tracing::warn!(%error, "cannot refresh the history's statistics");
            }
        });
    }
}

/// One row of a board's history, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub seq: i64,
    pub hash: String,
    pub account_id: Option<String>,
    /// The account's name now, if it still exists.
    pub account_name: Option<String>,
    pub made_at_ms: i64,
    pub received_at_ms: i64,
    /// What the change did (`shared::history::ChangeSummary::text`), once it has been described.
    pub summary: Option<String>,
    /// The projects it touched, as a JSON array of ids, once it has been described.
    pub projects: Option<String>,
}

impl Store {
    /// The history of `board_id`, newest first: at most `limit` rows older than `before`.
    pub async fn history(
        &self,
        board_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<HistoryRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT h.seq, h.hash, h.account_id, a.name AS account_name, h.made_at_ms, h.received_at_ms, \
             h.summary, h.projects FROM change_history h LEFT JOIN accounts a ON a.id = h.account_id \
             WHERE h.board_id = $1 AND h.seq < $2 ORDER BY h.seq DESC LIMIT $3",
        )
        .bind(board_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.reads())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(HistoryRow {
                    seq: row.try_get("seq")?,
                    hash: row.try_get("hash")?,
                    account_id: row.try_get("account_id")?,
                    account_name: row.try_get("account_name")?,
                    made_at_ms: row.try_get("made_at_ms")?,
                    received_at_ms: row.try_get("received_at_ms")?,
                    summary: row.try_get("summary")?,
                    projects: row.try_get("projects")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Keeps what changes of `board_id` did (hash, summary, projects as JSON), described once;
    /// returns how many rows were described by this call. A row described meanwhile (by the
    /// background describer, or by another request) is left as it is: both computed the same
    /// summary from the same change.
    pub async fn keep_summaries(&self, board_id: &str, summaries: &[Described]) -> Result<u64, StoreError> {
        if summaries.is_empty() {
            return Ok(0);
        }
        let mut kept = 0;
        let mut transaction = self.pool().begin().await?;
        for described in summaries {
            kept += sqlx::query(
                "UPDATE change_history SET summary = $1, projects = $2 \
                 WHERE board_id = $3 AND hash = $4 AND summary IS NULL",
            )
            .bind(&described.summary)
            .bind(&described.projects)
            .bind(board_id)
            .bind(&described.hash)
            .execute(&mut *transaction)
            .await?
            .rows_affected();
        }
        transaction.commit().await?;
        Ok(kept)
    }

    /// The rows of `board_id` not described yet, newest first: at most `limit` older than
    /// `before`, as `(seq, hash)`. Read through the index of undescribed rows alone.
    pub async fn undescribed(
        &self,
        board_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, hash FROM change_history WHERE board_id = $1 AND summary IS NULL AND seq < $2 \
             ORDER BY seq DESC LIMIT $3",
        )
        .bind(board_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.reads())
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("seq")?, row.try_get("hash")?)))
            .collect::<Result<_, sqlx::Error>>()
            .map_err(StoreError::from)
    }

    /// Has Postgres read `change_history`'s statistics again (`ANALYZE`), after `rows` rows were
    /// written at once. Postgres plans a page's query from them, and until autovacuum next
    /// analyses the table (a minute or more after a bulk write) it takes a board's thousands
    /// of new rows for a few dozen: it then reads and sorts every row of the board instead of
    /// the index's newest 50 (on the restored 1,000-project board, 60 ms instead of 0.1 ms:
    /// the history API's slow first requests on Postgres). SQLite plans with the index anyway.
    pub async fn analyze_history(&self, rows: usize) -> Result<(), StoreError> {
        if self.engine() == crate::store::Engine::Postgres && rows >= ANALYZE_AFTER_ROWS {
            sqlx::query("ANALYZE change_history").execute(self.pool()).await?;
        }
        Ok(())
    }

    /// The boards that have rows not described yet.
    pub async fn boards_with_undescribed(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT board_id FROM change_history WHERE summary IS NULL")
            .fetch_all(self.reads())
            .await?;
        rows.iter().map(|row| row.try_get("board_id")).collect::<Result<_, sqlx::Error>>().map_err(StoreError::from)
    }
}

/// What one change did, ready to keep in its row: the English line and the projects it
/// touched as a JSON array of ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub hash: String,
    pub summary: String,
    pub projects: String,
}

/// Describes the changes `hashes` names, in order, from `document`, until `budget` has passed
/// (at least one is always described): what it described, and how many of `hashes` it looked
/// at. A change the document does not hold (committed, not applied yet) is looked at and
/// left undescribed. Both the request path and the background describer hold the board's
/// document for one call of this at a time, so that no edit waits behind a long description.
pub fn describe_some(document: &automerge::Automerge, hashes: &[String], budget: Duration) -> (Vec<Described>, usize) {
    let started = Instant::now();
    let mut described = Vec::new();
    let mut looked_at = 0;
    for hash in hashes {
        looked_at += 1;
        let summary = hash.parse().ok().and_then(|parsed| shared::history::describe_change(document, &parsed));
        if let Some(summary) = summary {
            if let Ok(projects) = serde_json::to_string(&summary.projects) {
                described.push(Described { hash: hash.clone(), summary: summary.text, projects });
            }
        }
        if started.elapsed() >= budget {
            break;
        }
    }
    (described, looked_at)
}

/// `?before=<cursor>&limit=<n>`.
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    before: Option<String>,
    limit: Option<String>,
}

/// `GET /api/boards/{id}/history`: any member reads it, newest first, a page at a time.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<HistoryPage>, ApiFailure> {
    let board_id = document_id(&board);
    if state.store.role(board_id, &caller.account.id).await?.is_none() {
        return Err(no_board(&board));
    }
    let limit = match query.limit.as_deref() {
        None => PAGE_DEFAULT,
        Some(text) => text.parse::<u32>().ok().filter(|n| (1..=PAGE_MAX).contains(n)).ok_or_else(|| {
            ApiFailure::BadRequest(format!("limit must be a whole number from 1 to {PAGE_MAX}, not `{text}`"))
        })?,
    };
    let before = match query.before.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            ApiFailure::BadRequest(format!("before must be the `next` of an earlier page, not `{text}`"))
        })?),
    };
    let mut rows = state.store.history(board_id, before, limit).await?;
    let next = (rows.len() == limit as usize).then(|| rows.last().map(|row| row.seq.to_string())).flatten();
    if rows.iter().any(|row| row.summary.is_none()) {
        describe(&state, &board, board_id, &mut rows).await?;
    }
    let entries = rows.into_iter().map(entry).collect();
    Ok(Json(HistoryPage { entries, next }))
}

/// Describes the rows not described yet from the board's document and keeps their summaries.
/// A change the document does not hold yet (committed, not yet applied) is described on a
/// later request. The document is held a [`SLICE`] at a time, as the background describer
/// holds it, so edits to the board wait for one slice at most, not for the whole page.
async fn describe(state: &AppState, board: &str, board_id: &str, rows: &mut [HistoryRow]) -> Result<(), ApiFailure> {
    let document = board_id.parse::<samod::DocumentId>().map_err(|_| no_board(board))?;
    // The board stays loaded while its history is read.
    let loaded = match state.boards.open(&document).await {
        Ok(loaded) => loaded,
        Err(error) => return Err(ApiFailure::Internal(error.into())),
    };
    let handle = match loaded.repo.find(document).await {
        Ok(Some(handle)) => handle,
        Ok(None) => return Err(ApiFailure::Internal(anyhow::anyhow!("a board with members has no document"))),
        Err(samod::Stopped) => return Err(ApiFailure::Internal(anyhow::anyhow!("the server is stopping"))),
    };
    let wanted: Arc<[String]> = rows.iter().filter(|row| row.summary.is_none()).map(|row| row.hash.clone()).collect();
    let mut described = Vec::new();
    let mut looked_at = 0;
    while looked_at < wanted.len() {
        let (handle, wanted) = (handle.clone(), wanted.clone());
        let (some, looked) = tokio::task::spawn_blocking(move || {
            handle.with_document(|document| describe_some(document, &wanted[looked_at..], SLICE))
        })
        .await
        .map_err(|error| ApiFailure::Internal(error.into()))?;
        described.extend(some);
        looked_at += looked;
    }
    drop(loaded);
    for row in rows.iter_mut() {
        if let Some(found) = described.iter().find(|found| found.hash == row.hash) {
            row.summary = Some(found.summary.clone());
            row.projects = Some(found.projects.clone());
        }
    }
    // The page is served whether or not its summaries could be kept: they are computed again
    // next time.
    match state.store.keep_summaries(board_id, &described).await {
        Ok(kept) => state.metrics.history_described(crate::metrics::DescribedBy::Request, kept),
        Err(error) => tracing::warn!(%error, board_id, "cannot keep the history's summaries"),
    }
    Ok(())
}

fn entry(row: HistoryRow) -> HistoryEntry {
    let (summary, projects) = match row.summary {
        Some(summary) => {
            (summary, row.projects.and_then(|projects| serde_json::from_str(&projects).ok()).unwrap_or_default())
        }
        None => ("a change the server is still applying".to_owned(), Vec::new()),
    };
    let made_at_ms = (row.made_at_ms > 0 && row.made_at_ms <= row.received_at_ms + CLOCK_SKEW_MS)
        .then(|| row.made_at_ms.min(row.received_at_ms));
    let account_name = match (&row.account_id, row.account_name) {
        (None, _) => SERVER_NAME.to_owned(),
        (Some(_), Some(name)) => name,
        (Some(_), None) => "a deleted account".to_owned(),
    };
    HistoryEntry {
        hash: row.hash,
        account_id: row.account_id,
        account_name,
        made_at_ms,
        received_at_ms: row.received_at_ms,
        summary,
        projects,
    }
}

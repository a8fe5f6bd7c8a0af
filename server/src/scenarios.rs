//! Scenarios (情景分析): forks of a board that its members edit like the board, compare with it
//! and merge back.
//!
//! A scenario is an Automerge document of its own, made from the board's document as it is
//! when the scenario is made: the same changes, so the scenario shares the board's history, and
//! every change made in the scenario afterwards builds on it. Merging is then what the sync
//! protocol does anyway: the board receives the scenario's changes it lacks, and Automerge
//! merges them with whatever the board received meanwhile (a field both set shows as
//! "changed by two people", as for any concurrent edit).
//!
//! ```text
//! POST …/scenarios ──▶ board's document (cloned) ──▶ Boards::create ──▶ new document id
//!                      └▶ one transaction: its changes, its history (copied), its `scenarios` row
//! /sync on the scenario ──▶ Store::role(scenario) = the role on its board ──▶ the same gate
//! POST …/merge ──▶ scenario's changes the board lacks ──▶ gate::check_stored(board)
//!              ──▶ commit (attributed to the merging member) ──▶ applied to the board samod holds
//!                                                               ──▶ open clients receive them
//! ```
//!
//! The store keeps a scenario in `scenarios`, not in `boards`: it is never in a board list, and
//! it has no members of its own ([`Store::role`] and [`Store::members`] answer for its board),
//! so a member added to or removed from the board gains or loses its scenarios too. Discarding
//! archives a scenario: it leaves the list and cannot be merged, and it is kept.

use automerge::{ChangeHash, ReadDoc};
use axum::{
    extract::{rejection::JsonRejection, Path, State},
    http::StatusCode,
    Json,
};
use shared::api::{MergeOutcome, NewScenario, Role, ScenarioSummary};
use sqlx::{any::AnyRow, Row};

use crate::{
    api::{document_id, BOARD_NAME_MAX_CHARS},
    auth::{self, Caller},
    cluster,
    error::{no_board, ApiFailure},
    store::{Store, StoreError},
    AppState,
};

/// A scenario as stored, with the names its summary shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioRecord {
    /// The scenario's document id (without `automerge:`).
    pub id: String,
    pub board_id: String,
    pub board_name: String,
    pub name: String,
    pub created_by: Option<String>,
    pub created_at_ms: i64,
    pub merged_at_ms: Option<i64>,
    pub merged_by: Option<String>,
    pub archived: bool,
}

impl ScenarioRecord {
    fn summary(self, role: Role) -> ScenarioSummary {
        ScenarioSummary {
            id: format!("automerge:{}", self.id),
            board_id: format!("automerge:{}", self.board_id),
            board_name: self.board_name,
            name: self.name,
            created_by: self.created_by,
            created_at_ms: self.created_at_ms,
            merged_at_ms: self.merged_at_ms,
            merged_by: self.merged_by,
            archived: self.archived,
            role,
        }
    }
}

const SELECT_SCENARIOS: &str = "SELECT s.id, s.board_id, b.name AS board_name, s.name, c.name AS created_by, \
     s.created_at_ms, s.merged_at_ms, m.name AS merged_by, s.archived_at_ms \
     FROM scenarios s JOIN boards b ON b.id = s.board_id \
     LEFT JOIN accounts c ON c.id = s.created_by LEFT JOIN accounts m ON m.id = s.merged_by";

fn scenario_record(row: &AnyRow) -> Result<ScenarioRecord, StoreError> {
    Ok(ScenarioRecord {
        id: row.try_get("id")?,
        board_id: row.try_get("board_id")?,
        board_name: row.try_get("board_name")?,
        name: row.try_get("name")?,
        created_by: row.try_get("created_by")?,
        created_at_ms: row.try_get("created_at_ms")?,
        merged_at_ms: row.try_get("merged_at_ms")?,
        merged_by: row.try_get("merged_by")?,
        archived: row.try_get::<Option<i64>, _>("archived_at_ms")?.is_some(),
    })
}

/// A scenario about to be stored.
pub struct NewScenarioRecord<'a> {
    pub id: &'a str,
    pub board_id: &'a str,
    pub name: &'a str,
    pub created_by: &'a str,
    pub created_at_ms: i64,
}

impl Store {
    /// Makes a scenario durable in one transaction: its document's changes (the board's, as
    /// samod would store them), its history (the board's rows, so the scenario's history page
    /// names who made each change; any change without one is the server's), and its row.
    pub async fn create_scenario(
        &self,
        scenario: &NewScenarioRecord<'_>,
        changes: &[(ChangeHash, Vec<u8>)],
    ) -> Result<(), StoreError> {
        let mut transaction = self.pool().begin().await?;
        crate::store::insert_changes(&mut transaction, scenario.id, changes).await?;
        sqlx::query(
            "INSERT INTO change_history (board_id, hash, account_id, made_at_ms, received_at_ms, summary, projects) \
             SELECT $1, hash, account_id, made_at_ms, received_at_ms, summary, projects FROM change_history \
             WHERE board_id = $2 ORDER BY seq",
        )
        .bind(scenario.id)
        .bind(scenario.board_id)
        .execute(&mut *transaction)
        .await?;
        crate::attribution::record(&mut transaction, scenario.id, changes, None, &[]).await?;
        sqlx::query(
            "INSERT INTO scenarios (id, board_id, name, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(scenario.id)
        .bind(scenario.board_id)
        .bind(scenario.name)
        .bind(scenario.created_by)
        .bind(scenario.created_at_ms)
        .execute(&mut *transaction)
        .await?;
        transaction.commit().await?;
        Ok(())
    }

    /// One scenario, archived or not.
    pub async fn scenario(&self, id: &str) -> Result<Option<ScenarioRecord>, StoreError> {
        let row =
            sqlx::query(&format!("{SELECT_SCENARIOS} WHERE s.id = $1")).bind(id).fetch_optional(self.pool()).await?;
        row.as_ref().map(scenario_record).transpose()
    }

    /// The board's scenarios that are not archived, oldest first.
    pub async fn scenarios_of(&self, board_id: &str) -> Result<Vec<ScenarioRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT_SCENARIOS} WHERE s.board_id = $1 AND s.archived_at_ms IS NULL ORDER BY s.created_at_ms, s.id"
        ))
        .bind(board_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(scenario_record).collect()
    }

    /// Every scenario of the board, archived ones too: who may open them changes with the board's members.
    pub async fn scenario_ids(&self, board_id: &str) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT id FROM scenarios WHERE board_id = $1").bind(board_id).fetch_all(self.pool()).await?;
        rows.iter().map(|row| row.try_get("id").map_err(StoreError::from)).collect()
    }

    async fn scenario_merged(&self, id: &str, account_id: &str, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE scenarios SET merged_at_ms = $1, merged_by = $2 WHERE id = $3")
            .bind(at_ms)
            .bind(account_id)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn archive_scenario(&self, id: &str, at_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE scenarios SET archived_at_ms = $1 WHERE id = $2 AND archived_at_ms IS NULL")
            .bind(at_ms)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// The caller's role on `board`, which must be a board (not a scenario) the caller is a
/// member of; 404 otherwise, as for every member-only URL.
async fn board_role(state: &AppState, caller: &Caller, board: &str) -> Result<Role, ApiFailure> {
    let board_id = document_id(board);
    let role = state.store.role(board_id, &caller.account.id).await?.ok_or_else(|| no_board(board))?;
    if state.store.board(board_id).await?.is_none() {
        // A scenario's id: its members are its board's, but it has no scenarios of its own.
        return Err(no_board(board));
    }
    Ok(role)
}

/// The scenario `scenario` of `board`, or the 404 for one that is not there.
async fn scenario_of(state: &AppState, board: &str, scenario: &str) -> Result<ScenarioRecord, ApiFailure> {
    state
        .store
        .scenario(document_id(scenario))
        .await?
        .filter(|record| record.board_id == document_id(board))
        .ok_or_else(|| ApiFailure::NotFound(format!("the board has no scenario {scenario}")))
}

fn require_editor(role: Role, what: &str) -> Result<(), ApiFailure> {
    if role.can_edit() {
        Ok(())
    } else {
        Err(ApiFailure::Forbidden(format!("only an editor or an owner of the board can {what}")))
    }
}

/// The board's document as samod holds it on this node, brought up to the current schema.
async fn document_handle(
    state: &AppState,
    id: &str,
) -> Result<(crate::boards::BoardUse, samod::DocHandle), ApiFailure> {
    let document = id.parse::<samod::DocumentId>().map_err(|_| no_board(id))?;
    let loaded = state.boards.open(&document).await.map_err(|error| ApiFailure::Internal(error.into()))?;
    crate::upgrade::ensure_current(state, &loaded.repo, &document).await?;
    let handle = match loaded.repo.find(document).await {
        Ok(Some(handle)) => handle,
        Ok(None) => {
            return Err(ApiFailure::Internal(anyhow::anyhow!("a board or scenario in the index has no document")))
        }
        Err(samod::Stopped) => return Err(ApiFailure::Internal(anyhow::anyhow!("the server is stopping"))),
    };
    Ok((loaded, handle))
}

/// `GET /api/boards/{id}/scenarios`: the board's scenarios (not the discarded ones), oldest
/// first, for any member.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
) -> Result<Json<Vec<ScenarioSummary>>, ApiFailure> {
    let role = board_role(&state, &caller, &board).await?;
    let records = state.store.scenarios_of(document_id(&board)).await?;
    Ok(Json(records.into_iter().map(|record| record.summary(role)).collect()))
}

/// `GET /api/scenarios/{id}`: what a scenario is (its board, its name), for a member of its
/// board; 404 for anyone else and for an id that is no scenario.
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(scenario): Path<String>,
) -> Result<Json<ScenarioSummary>, ApiFailure> {
    let not_here = || ApiFailure::NotFound(format!("there is no scenario {scenario}, or you may not open it"));
    let record = state.store.scenario(document_id(&scenario)).await?.ok_or_else(not_here)?;
    let role = state.store.role(&record.board_id, &caller.account.id).await?.ok_or_else(not_here)?;
    Ok(Json(record.summary(role)))
}

/// `POST /api/boards/{id}/scenarios` with `{"name": …}`: a new scenario of the board as it is
/// now (201), made by an editor or an owner.
#[tracing::instrument(skip_all, fields(board))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
    request: Result<Json<NewScenario>, JsonRejection>,
) -> Result<(StatusCode, Json<ScenarioSummary>), ApiFailure> {
    let Json(new) = request.map_err(|rejection| ApiFailure::BadRequest(rejection.body_text()))?;
    let role = board_role(&state, &caller, &board).await?;
    require_editor(role, "make a scenario of it")?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > BOARD_NAME_MAX_CHARS {
        return Err(ApiFailure::BadRequest(format!(
            "a scenario needs a name of 1 to {BOARD_NAME_MAX_CHARS} characters, saying what it tries"
        )));
    }
    let board_id = document_id(&board).to_owned();
    tracing::Span::current().record("board", board_id.as_str());
    let (_loaded, handle) = document_handle(&state, &board_id).await?;
    let (document, changes) = tokio::task::spawn_blocking(move || {
        handle.with_document(|document| {
            let changes: Vec<(ChangeHash, Vec<u8>)> =
                document.get_changes(&[]).iter().map(|change| (change.hash(), change.raw_bytes().to_vec())).collect();
            (document.clone(), changes)
        })
    })
    .await
    .map_err(|error| ApiFailure::Internal(error.into()))?;
    let scenario_id = state.boards.create(document).await.map_err(|error| ApiFailure::Internal(error.into()))?;
    let scenario_id = scenario_id.to_string();
    let now = auth::now_ms();
    let record = NewScenarioRecord {
        id: &scenario_id,
        board_id: &board_id,
        name,
        created_by: &caller.account.id,
        created_at_ms: now,
    };
    state.store.create_scenario(&record, &changes).await?;
    // The board's rows it copied, with their summaries or (not described yet) without.
    crate::history::rows_written(&state, &scenario_id, changes.len());
    // samod may have asked about the new document before its row existed.
    state.share_policy.access_changed(&scenario_id);
    tracing::info!(board = board_id, scenario = scenario_id, by = caller.account.id, "scenario created");
    let record =
        state.store.scenario(&scenario_id).await?.ok_or_else(|| anyhow::anyhow!("a new scenario is missing"))?;
    Ok((StatusCode::CREATED, Json(record.summary(role))))
}

/// Why a scenario cannot be merged.
#[derive(Debug, thiserror::Error)]
#[error("the scenario cannot be merged into the board: {0}")]
struct MergeRefusal(shared::gate::GateError);

/// `POST /api/boards/{id}/scenarios/{scenario}/merge`: applies to the board the scenario's
/// changes it does not have, as an editor or owner's sync would: through the write gate
/// (`shared::gate::check_stored` on the board), committed with the merging member as their
/// sender, then handed to samod, which sends them to everyone who has the board open. A merge
/// the gate refuses (the scenario and the board together would break the board) is a 409 with
/// the reason, and changes nothing.
#[tracing::instrument(skip_all, fields(board, scenario))]
pub async fn merge(
    State(state): State<AppState>,
    caller: Caller,
    Path((board, scenario)): Path<(String, String)>,
) -> Result<Json<MergeOutcome>, ApiFailure> {
    let role = board_role(&state, &caller, &board).await?;
    let record = scenario_of(&state, &board, &scenario).await?;
    require_editor(role, "merge a scenario into it")?;
    if record.archived {
        return Err(ApiFailure::Conflict(format!(
            "the scenario “{}” was discarded: it can no longer be merged",
            record.name
        )));
    }
    tracing::Span::current().record("board", record.board_id.as_str()).record("scenario", record.id.as_str());
    let (_scenario_use, scenario_handle) = document_handle(&state, &record.id).await?;
    let (_board_use, board_handle) = document_handle(&state, &record.board_id).await?;
    let limits = shared::gate::GateLimits {
        max_document_ops: state.config.limits.max_document_ops,
        max_string_bytes: state.config.limits.max_string_bytes,
    };
    let checked_board = board_handle.clone();
    let accepted = tokio::task::spawn_blocking(move || {
        let scenario_changes: Vec<(ChangeHash, Vec<u8>)> = scenario_handle.with_document(|document| {
            document.get_changes(&[]).iter().map(|change| (change.hash(), change.raw_bytes().to_vec())).collect()
        });
        checked_board.with_document(|board| {
            // Changes come out of Automerge after the changes they depend on: concatenated in
            // this order, they load as one run.
            let missing: Vec<u8> = scenario_changes
                .iter()
                .filter(|(hash, _)| board.get_change_by_hash(hash).is_none())
                .flat_map(|(_, bytes)| bytes.iter().copied())
                .collect();
            if missing.is_empty() {
                return Ok(shared::gate::Accepted::default());
            }
            shared::gate::check_stored(board, &missing, &limits).map_err(MergeRefusal)
        })
    })
    .await
    .map_err(|error| ApiFailure::Internal(error.into()))?
    .map_err(|refusal| {
        tracing::info!(%refusal, "scenario merge refused");
        ApiFailure::Conflict(refusal.to_string())
    })?;
    let count = accepted.changes.len();
    if count > 0 {
        let notice = cluster::changes_notice(&record.board_id, &accepted.changes);
        state.store.commit_changes_by(&record.board_id, &accepted.changes, &caller.account.id, &[], &notice).await?;
        state.metrics.changes_committed.inc_by(count as u64);
        let changes = accepted
            .changes
            .into_iter()
            .map(|(_, bytes)| automerge::Change::from_bytes(bytes))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| anyhow::anyhow!("a checked change does not read back: {error}"))?;
        board_handle
            .with_document(|board| board.apply_changes(changes))
            .map_err(|error| anyhow::anyhow!("applying a checked merge failed: {error}"))?;
        // The merged changes are in the board's history without a summary.
        crate::history::rows_written(&state, &record.board_id, count);
    }
    let now = auth::now_ms();
    state.store.scenario_merged(&record.id, &caller.account.id, now).await?;
    tracing::info!(changes = count, by = caller.account.id, "scenario merged");
    let record =
        state.store.scenario(&record.id).await?.ok_or_else(|| anyhow::anyhow!("a merged scenario is missing"))?;
    Ok(Json(MergeOutcome { changes: count, scenario: record.summary(role) }))
}

/// `POST /api/boards/{id}/scenarios/{scenario}/discard`: archives the scenario (an editor or
/// owner): it leaves the list and cannot be merged; it is kept, and still opens.
#[tracing::instrument(skip_all, fields(board))]
pub async fn discard(
    State(state): State<AppState>,
    caller: Caller,
    Path((board, scenario)): Path<(String, String)>,
) -> Result<Json<ScenarioSummary>, ApiFailure> {
    let role = board_role(&state, &caller, &board).await?;
    let record = scenario_of(&state, &board, &scenario).await?;
    require_editor(role, "discard its scenarios")?;
    state.store.archive_scenario(&record.id, auth::now_ms()).await?;
    tracing::info!(scenario = record.id, by = caller.account.id, "scenario discarded");
    let record = state.store.scenario(&record.id).await?.ok_or_else(|| anyhow::anyhow!("a scenario is missing"))?;
    Ok(Json(record.summary(role)))
}

//! The board's data for scripts, and boards restored from a backup.
//!
//! - `GET /api/boards/{id}/export.xlsx` and `GET /api/boards/{id}/export/{table}.csv`: the
//!   tables the app exports in the browser ([`shared::exchange::export`]), for any member
//!   (typically a script with an API token); anyone else gets the same 404 as for a board that
//!   does not exist.
//! - `POST /api/boards/restore`: a new board from a `.automerge` backup the app downloaded.
//!   The file goes through the write gate like any change a client sends
//!   ([`shared::gate::check_stored`]: every change read and applied to an empty document, the
//!   size limits, the board schema), then the whole document is checked as a board
//!   ([`shared::board::validate::check_document`]). A file that fails is refused with the
//!   reason, and nothing is stored. The uploader owns the new board; its history starts with
//!   the backup's changes, attributed to the uploader, which the server describes in the
//!   background from then on (`history::background`).

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use shared::{
    api::{BoardSummary, ErrorCode, Role},
    board::BoardSnapshot,
    exchange::{export, Table},
};

use crate::{
    api::{document_id, summary, BOARD_NAME_MAX_CHARS},
    auth::{self, Caller},
    error::{no_board, ApiFailure},
    store::BoardRecord,
    AppState,
};

/// The media type of an XLSX workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /api/boards/{id}/export.xlsx`: every table, a sheet each.
pub async fn export_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
) -> Result<Response, ApiFailure> {
    let snapshot = snapshot(&state, &caller, &board).await?;
    let now = auth::now_ms();
    let name = snapshot.name.clone();
    let bytes = tokio::task::spawn_blocking(move || export::xlsx(&export::tables(&snapshot), now))
        .await
        .map_err(|error| ApiFailure::Internal(error.into()))?
        .map_err(|error| ApiFailure::Internal(error.into()))?;
    Ok(attachment(bytes, XLSX, &format!("{name}.xlsx")))
}

/// `GET /api/boards/{id}/export/{table}.csv`: one table, UTF-8 with a BOM.
pub async fn export_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path((board, file)): Path<(String, String)>,
) -> Result<Response, ApiFailure> {
    let table: Table = file
        .strip_suffix(".csv")
        .ok_or_else(|| ApiFailure::NotFound(format!("there is no export `{file}`: ask for <table>.csv")))?
        .parse()
        .map_err(|error: shared::exchange::ExchangeError| ApiFailure::NotFound(error.to_string()))?;
    let snapshot = snapshot(&state, &caller, &board).await?;
    let name = format!("{} {}.csv", snapshot.name, table.as_str());
    let bytes = tokio::task::spawn_blocking(move || export::csv(&export::sheet(&snapshot, table)))
        .await
        .map_err(|error| ApiFailure::Internal(error.into()))?;
    Ok(attachment(bytes, "text/csv; charset=utf-8", &name))
}

/// `GET /api/boards/{id}/document`: the whole document, history included, as Automerge saves
/// it (what the app's backup download holds), for any member of the board (of a scenario's
/// board, for a scenario: the app compares a scenario with its board from it).
pub async fn document(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
) -> Result<Response, ApiFailure> {
    let board_id = document_id(&board);
    if state.store.role(board_id, &caller.account.id).await?.is_none() {
        return Err(no_board(&board));
    }
    let document = board_id.parse::<samod::DocumentId>().map_err(|_| no_board(&board))?;
    let loaded = state.boards.open(&document).await.map_err(|error| ApiFailure::Internal(error.into()))?;
    crate::upgrade::ensure_current(&state, &loaded.repo, &document).await?;
    let handle = match loaded.repo.find(document).await {
        Ok(Some(handle)) => handle,
        Ok(None) => return Err(ApiFailure::Internal(anyhow::anyhow!("a board with members has no document"))),
        Err(samod::Stopped) => return Err(ApiFailure::Internal(anyhow::anyhow!("the server is stopping"))),
    };
    let bytes = tokio::task::spawn_blocking(move || handle.with_document(|document| document.save()))
        .await
        .map_err(|error| ApiFailure::Internal(error.into()))?;
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    Ok(response)
}

/// The board as plain values, for a member; 404 for anyone else.
async fn snapshot(state: &AppState, caller: &Caller, board: &str) -> Result<BoardSnapshot, ApiFailure> {
    let board_id = document_id(board);
    if state.store.role(board_id, &caller.account.id).await?.is_none() {
        return Err(no_board(board));
    }
    let document = board_id.parse::<samod::DocumentId>().map_err(|_| no_board(board))?;
    // The board stays loaded while it is read.
    let loaded = match state.boards.open(&document).await {
        Ok(loaded) => loaded,
        Err(error) => return Err(ApiFailure::Internal(error.into())),
    };
    crate::upgrade::ensure_current(state, &loaded.repo, &document).await?;
    let handle = match loaded.repo.find(document).await {
        Ok(Some(handle)) => handle,
        Ok(None) => return Err(ApiFailure::Internal(anyhow::anyhow!("a board with members has no document"))),
        Err(samod::Stopped) => return Err(ApiFailure::Internal(anyhow::anyhow!("the server is stopping"))),
    };
    tokio::task::spawn_blocking(move || {
        handle.with_document(|document| shared::Board::load(&document.save()).map(|board| board.snapshot()))
    })
    .await
    .map_err(|error| ApiFailure::Internal(error.into()))?
    .map_err(|error| ApiFailure::Internal(error.into()))
}

/// A download: the file's name in `Content-Disposition`, as ASCII and as UTF-8 (RFC 6266), so
/// that a board named in Chinese keeps its name.
fn attachment(bytes: Vec<u8>, media_type: &'static str, file_name: &str) -> Response {
    let ascii: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || " .-_".contains(c) { c } else { '_' }).collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

impl RestoreRefusal {
    /// The stable code the app words the refusal by (the English text says more, for scripts).
    pub fn code(&self) -> ErrorCode {
        match self {
            RestoreRefusal::Unreadable(_) => ErrorCode::BackupUnreadable,
            RestoreRefusal::Empty => ErrorCode::BackupEmpty,
            RestoreRefusal::Gate(_) => ErrorCode::BackupRefused,
            RestoreRefusal::NotABoard(_) => ErrorCode::BackupNotABoard,
        }
    }
}

/// Why a backup cannot become a board.
#[derive(Debug, thiserror::Error)]
pub enum RestoreRefusal {
    #[error("the file is not an Automerge document, or it was damaged or changed after it was saved: {0}")]
    Unreadable(String),
    #[error("the file holds no board")]
    Empty,
    #[error("the file is refused by the server's checks: {0}")]
    Gate(#[from] shared::gate::GateError),
    #[error("the file is not a whole board: {0}")]
    NotABoard(String),
}

/// What a checked backup becomes.
struct Restored {
    document: automerge::Automerge,
    changes: Vec<(automerge::ChangeHash, Vec<u8>)>,
    name: String,
}

/// Reads and checks a backup: Automerge's own loading (which checks every chunk's checksum and
/// every change's hash), then the write gate on an empty board, then the whole document.
fn check_backup(bytes: &[u8], limits: &shared::gate::GateLimits) -> Result<Restored, RestoreRefusal> {
    // Automerge has panicked on crafted input before (see the gate): a panic refuses the file.
    let loaded = std::panic::catch_unwind(|| automerge::Automerge::load(bytes))
        .map_err(|_| RestoreRefusal::Unreadable("Automerge could not parse it".into()))?
        .map_err(|error| RestoreRefusal::Unreadable(error.to_string()))?;
    if loaded.get_heads().is_empty() {
        return Err(RestoreRefusal::Empty);
    }
    let accepted = shared::gate::check_stored(&automerge::Automerge::new(), &loaded.save(), limits)?;
    shared::board::validate::check_document(&loaded).map_err(|error| RestoreRefusal::NotABoard(error.to_string()))?;
    let board = shared::Board::load(bytes).map_err(|error| RestoreRefusal::NotABoard(error.to_string()))?;
    if !board.is_loaded() || board.schema_version().is_none() {
        return Err(RestoreRefusal::NotABoard("it has no board collections or schema version".into()));
    }
    let name: String = board.name().trim().chars().take(BOARD_NAME_MAX_CHARS).collect();
    let name = if name.is_empty() { "Restored board".to_owned() } else { name };
    Ok(Restored { document: loaded, changes: accepted.changes, name })
}

/// `POST /api/boards/restore` with the `.automerge` file as the body: a new board owned by the
/// caller (201), or 400 with why the file is refused.
#[tracing::instrument(skip_all)]
pub async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<(StatusCode, Json<BoardSummary>), ApiFailure> {
    let limit = state.config.limits.boards_per_account;
    let owned =
        state.store.boards_of(&caller.account.id).await?.iter().filter(|(_, role)| *role == Role::Owner).count();
    if owned >= limit {
        return Err(ApiFailure::Refused(
            ErrorCode::BoardLimit,
            format!("an account may own at most {limit} boards: remove one before restoring another"),
        ));
    }
    let limits = shared::gate::GateLimits {
        max_document_ops: state.config.limits.max_document_ops,
        max_string_bytes: state.config.limits.max_string_bytes,
    };
    let restored = tokio::task::spawn_blocking(move || check_backup(&body, &limits))
        .await
        .map_err(|error| ApiFailure::Internal(error.into()))?
        .map_err(|refusal| ApiFailure::Refused(refusal.code(), refusal.to_string()))?;
    let document_id =
        state.boards.create(restored.document).await.map_err(|error| ApiFailure::Internal(error.into()))?;
    let record = BoardRecord { id: document_id.to_string(), name: restored.name, created_at_ms: auth::now_ms() };
    state.store.create_board(&record, &caller.account.id, &restored.changes).await?;
    state.share_policy.role_changed(&record.id, &caller.account.id, Some(Role::Owner));
    // Every change of the backup is in the history without a summary: described from now on,
    // newest first, in the background (`history::background`).
    crate::history::rows_written(&state, &record.id, restored.changes.len());
    tracing::info!(board = record.id, owner = caller.account.id, changes = restored.changes.len(), "board restored");
    Ok((StatusCode::CREATED, Json(summary(record, Role::Owner))))
}

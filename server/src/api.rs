//! `GET /api/boards` lists boards; `POST /api/boards` creates one.
//!
//! A new board is an Automerge document made by [`shared::Board::new`] and handed to samod,
//! which stores it; only then is it added to the index, so a listed board always has a
//! document behind it.

use axum::{
    extract::{rejection::JsonRejection, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use shared::api::{ApiError, BoardSummary, NewBoard};

use crate::{store::BoardRecord, AppState};

/// The longest board name accepted, in characters.
const BOARD_NAME_MAX_CHARS: usize = 200;

/// What can go wrong in the API. Details are logged; the client gets a short, safe message.
#[derive(Debug, thiserror::Error)]
pub enum ApiFailure {
    #[error("{0}")]
    BadRequest(String),
    #[error("the server could not complete the request")]
    Internal(#[from] anyhow::Error),
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiFailure::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiFailure::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "API request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        (status, Json(ApiError { error: self.to_string() })).into_response()
    }
}

pub async fn list_boards(State(state): State<AppState>) -> Result<Json<Vec<BoardSummary>>, ApiFailure> {
    let boards = state.store.boards().await.map_err(anyhow::Error::from)?;
    Ok(Json(boards.into_iter().map(summary).collect()))
}

pub async fn create_board(
    State(state): State<AppState>,
    body: Result<Json<NewBoard>, JsonRejection>,
) -> Result<(StatusCode, Json<BoardSummary>), ApiFailure> {
    let Json(new) = body.map_err(|rejection| ApiFailure::BadRequest(rejection.body_text()))?;
    let name = new.name.trim();
    if name.chars().count() > BOARD_NAME_MAX_CHARS {
        return Err(ApiFailure::BadRequest(format!(
            "a board name can have at most {BOARD_NAME_MAX_CHARS} characters"
        )));
    }
    let mut board = shared::Board::new(name).map_err(|error| ApiFailure::BadRequest(error.to_string()))?;
    let document = automerge::Automerge::load(&board.save()).map_err(anyhow::Error::from)?;
    let handle = state.repo.create(document).await.map_err(|_| anyhow::anyhow!("the repo has stopped"))?;
    let record = BoardRecord {
        id: handle.document_id().to_string(),
        name: name.to_owned(),
        created_at_ms: now_ms(),
    };
    state.store.insert_board(&record).await.map_err(anyhow::Error::from)?;
    state.share_policy.access_changed(&record.id);
    tracing::info!(board = record.id, "board created");
    Ok((StatusCode::CREATED, Json(summary(record))))
}

fn summary(record: BoardRecord) -> BoardSummary {
    BoardSummary { id: format!("automerge:{}", record.id), name: record.name }
}

fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

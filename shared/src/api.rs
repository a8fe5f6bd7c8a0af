//! The JSON the server's small HTTP API speaks. These are wire types: every field is a
//! compatibility promise to the app and to scripts, so change them only by adding.

use serde::{Deserialize, Serialize};

/// One board in `GET /api/boards`, and the answer to `POST /api/boards`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardSummary {
    /// The board's automerge URL, `automerge:<document id>`.
    pub id: String,
    pub name: String,
}

impl BoardSummary {
    /// The document id alone (the part after `automerge:`), as used in the app's URLs.
    pub fn document_id(&self) -> &str {
        self.id.strip_prefix("automerge:").unwrap_or(&self.id)
    }
}

/// The body of `POST /api/boards`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewBoard {
    pub name: String,
}

/// The body of every error answer: a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: String,
}

//! Creating a board's collections and bringing an older board up to [`SCHEMA_VERSION`], as the
//! versions in [`super::schema`] describe them.
//!
//! An upgrade only adds (see [`super::schema`]'s module doc): it creates the collections a
//! version introduced, and the default settings and stage-gate template with version 2, and
//! never rewrites what exists.

use automerge::{transaction::Transactable, ObjType, ROOT};

use super::{
    schema::{root, Upgrade, COLLECTIONS, PROJECTS, SCHEMA_VERSION},
    settings, Board, BoardError,
};

/// The version whose collections come with the default settings and checklist.
const SETTINGS_SINCE: u64 = 2;

/// Creates every collection of the current schema on a new board (in the caller's change).
pub(super) fn create_collections(board: &mut Board) -> Result<(), BoardError> {
    for collection in &COLLECTIONS {
        board.doc.put_object(ROOT, collection.name, ObjType::Map)?;
    }
    settings::write_defaults(board)?;
    board.doc.put(ROOT, root::SCHEMA_VERSION, SCHEMA_VERSION)?;
    Ok(())
}

impl Board {
    /// Brings the document up to [`SCHEMA_VERSION`], in one change. Run by one replica only
    /// (the server, when it opens a board); see [`super::schema`]'s module doc.
    pub fn upgrade(&mut self) -> Result<Upgrade, BoardError> {
        let from = match self.schema_version() {
            Some(version) if version > SCHEMA_VERSION => return Err(BoardError::NewerSchema { found: version }),
            Some(SCHEMA_VERSION) => return Ok(Upgrade::Current),
            Some(version) => version,
            // A board from before versions were written, or one that has not synced yet.
            None if self.is_loaded() => 1,
            None => return Err(BoardError::NotLoaded(PROJECTS)),
        };
        for version in from + 1..=SCHEMA_VERSION {
            for collection in COLLECTIONS.iter().filter(|collection| collection.since == version) {
                if self.map(collection.name).is_err() {
                    self.doc.put_object(ROOT, collection.name, ObjType::Map)?;
                }
            }
            if version == SETTINGS_SINCE {
                settings::write_defaults(self)?;
            }
        }
        self.doc.put(ROOT, root::SCHEMA_VERSION, SCHEMA_VERSION)?;
        self.commit(format!("upgrade schema {from} → {SCHEMA_VERSION}"));
        Ok(Upgrade::Upgraded { from })
    }
}

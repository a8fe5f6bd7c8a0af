//! Schema versions and the upgrade from every earlier one.
//!
//! | version | what it holds |
//! |---|---|
//! | 1 | name, projects (name, stage, budget, position), people (name, capacity), allocations |
//! | 2 | everything in the module doc of [`crate::board`]: settings, objectives, criteria, the gate template, risks, milestones, lessons, decisions and the flat tables |
//! | 3 | baselines (基线): named versions of the board |
//! | 4 | AHP judgments (层次分析法): each member's pairwise comparisons of the criteria |
//!
//! An upgrade only adds: it creates the collections a version introduced and never rewrites
//! what exists, so a replica still on the old version merges with the upgraded one without
//! losing anything. Collections must be created by one replica only (two concurrent creations
//! of the same map hide each other's contents), so the server upgrades a board when it opens
//! it, and clients refuse to write to a board below the current version
//! ([`super::BoardError::OlderSchema`]) until that upgrade reaches them.

use automerge::{transaction::Transactable, ObjType, ReadDoc, ScalarValue, Value, ROOT};

use super::{settings, Board, BoardError};

/// The schema version this build writes.
pub const SCHEMA_VERSION: u64 = 4;

pub(crate) const PROJECTS: &str = "projects";
pub(crate) const PEOPLE: &str = "people";
pub(crate) const ALLOCATIONS: &str = "allocations";
pub(crate) const SETTINGS: &str = "settings";
pub(crate) const OBJECTIVES: &str = "objectives";
pub(crate) const CRITERIA: &str = "criteria";
pub(crate) const GATE_TEMPLATE: &str = "gate_template";
pub(crate) const RISKS: &str = "risks";
pub(crate) const MILESTONES: &str = "milestones";
pub(crate) const LESSONS: &str = "lessons";
pub(crate) const DECISIONS: &str = "decisions";
pub(crate) const TIME_OFF: &str = "time_off";
pub(crate) const SKILLS: &str = "skills";
pub(crate) const SCORES: &str = "scores";
pub(crate) const CONTRIBUTIONS: &str = "contributions";
pub(crate) const DEPENDENCIES: &str = "dependencies";
pub(crate) const GATE_TICKS: &str = "gate_ticks";
pub(crate) const LESSON_TAGS: &str = "lesson_tags";
pub(crate) const BASELINES: &str = "baselines";
pub(crate) const AHP_JUDGMENTS: &str = "ahp_judgments";

/// The collections of version 1.
const VERSION_1: [&str; 3] = [PROJECTS, PEOPLE, ALLOCATIONS];

/// The collections version 2 added.
const VERSION_2: [&str; 15] = [
    SETTINGS,
    OBJECTIVES,
    CRITERIA,
    GATE_TEMPLATE,
    RISKS,
    MILESTONES,
    LESSONS,
    DECISIONS,
    TIME_OFF,
    SKILLS,
    SCORES,
    CONTRIBUTIONS,
    DEPENDENCIES,
    GATE_TICKS,
    LESSON_TAGS,
];

/// The collections version 3 added.
const VERSION_3: [&str; 1] = [BASELINES];

/// The collections version 4 added.
const VERSION_4: [&str; 1] = [AHP_JUDGMENTS];

/// The schema version a document says it has; `None` before its first change arrives.
pub(super) fn version_in(doc: &impl ReadDoc) -> Option<u64> {
    match doc.get(ROOT, "schema_version").ok()?? {
        (Value::Scalar(scalar), _) => match scalar.as_ref() {
            ScalarValue::Uint(number) => Some(*number),
            ScalarValue::Int(number) => u64::try_from(*number).ok(),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a document as the server holds it (not loaded as a [`Board`]) is at the current
/// version, so that [`Board::upgrade`] would have nothing to do: a quick look, without loading
/// the board, that spares an upgrade's work and locks for every board already current.
pub fn is_current(doc: &automerge::Automerge) -> bool {
    version_in(doc) == Some(SCHEMA_VERSION)
}

/// What an upgrade did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upgrade {
    /// The board was already at the current version.
    Current,
    /// The board was upgraded from `from`.
    Upgraded { from: u64 },
}

/// Creates every collection of the current schema on a new board (in the caller's change).
pub(super) fn create_collections(board: &mut Board) -> Result<(), BoardError> {
    for name in VERSION_1.into_iter().chain(VERSION_2).chain(VERSION_3).chain(VERSION_4) {
        board.doc.put_object(ROOT, name, ObjType::Map)?;
    }
    settings::write_defaults(board)?;
    board.doc.put(ROOT, "schema_version", SCHEMA_VERSION)?;
    Ok(())
}

impl Board {
    /// Brings the document up to [`SCHEMA_VERSION`], in one change. Run by one replica only
    /// (the server, when it opens a board); see the module doc.
    pub fn upgrade(&mut self) -> Result<Upgrade, BoardError> {
        let from = match self.schema_version() {
            Some(version) if version > SCHEMA_VERSION => return Err(BoardError::NewerSchema { found: version }),
            Some(SCHEMA_VERSION) => return Ok(Upgrade::Current),
            Some(version) => version,
            // A board from before versions were written, or one that has not synced yet.
            None if self.is_loaded() => 1,
            None => return Err(BoardError::NotLoaded(PROJECTS)),
        };
        if from < 2 {
            for name in VERSION_2 {
                if self.map(name).is_err() {
                    self.doc.put_object(ROOT, name, ObjType::Map)?;
                }
            }
            settings::write_defaults(self)?;
        }
        for (version, names) in [(3, &VERSION_3[..]), (4, &VERSION_4[..])] {
            if from < version {
                for name in names {
                    if self.map(name).is_err() {
                        self.doc.put_object(ROOT, *name, ObjType::Map)?;
                    }
                }
            }
        }
        self.doc.put(ROOT, "schema_version", SCHEMA_VERSION)?;
        self.commit(format!("upgrade schema {from} → {SCHEMA_VERSION}"));
        Ok(Upgrade::Upgraded { from })
    }
}

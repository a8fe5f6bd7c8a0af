//! The board document (组合看板): everything a PMO keeps about its portfolio, in one Automerge
//! document, read and written only through [`Board`].
//!
//! Layout of the document (schema version 4, see [`schema`]):
//!
//! ```text
//! ROOT
//! ├── schema_version: 4
//! ├── name: "2027 portfolio"
//! ├── settings:      { currency, operating_model, budget_envelope, RAG and risk thresholds }
//! ├── objectives:    { <id>: { name, weight } }
//! ├── criteria:      { <id>: { name, weight, direction } }
//! ├── gate_template: { "<phase>/<item>": { label, position } }
//! ├── projects:      { <id>: { name, stage, phase, budget, position, sponsor, … } }
//! ├── people:        { <id>: { name, role, team, capacity_hours_per_week } }
//! ├── risks, milestones, lessons, decisions: { <id>: { project, … } }
//! ├── baselines:     { <id>: { name, heads, by, at_ms } }
//! └── flat maps keyed by composite keys:
//!     allocations  "<project>/<person>/<week>" → hours     time_off "<person>/<week>" → hours
//!     scores       "<project>/<criterion>" → score          skills   "<person>/<skill>" → true
//!     contributions "<project>/<objective>" → 0..1         lesson_tags "<lesson>/<tag>" → true
//!     dependencies "<project>/<depends on>" → true         gate_ticks "<project>/<phase>/<item>" → { by, at_ms }
//!     ahp_judgments "<member>/<criterion>/<later criterion>" → 1/9..9 (Saaty's scale)
//! ```
//!
//! Why it looks like this:
//! - Priority order is a fractional-index `position` on each project, not the order of a list.
//!   Automerge has no move: deleting and re-inserting a list item duplicates it when two people
//!   move it at once. Here two concurrent moves set the same field, one wins, and the project
//!   stays exactly once in the ranking. Ties are broken by id, so every replica sorts alike.
//! - Every collection is a root map created once, when the board is created (or upgraded, by
//!   the server). Nothing creates a shared container later: two replicas creating the same
//!   container concurrently would each hide the other's contents. Sets and per-entity tables
//!   are therefore flat maps keyed by composite keys (`project/person/week`), and two people
//!   writing the same cell write the same key: last writer wins, and both values stay in the
//!   history ([`Board::project_conflicts`]).
//! - Entities refer to each other by id. A reference to something deleted concurrently is
//!   ignored on read (an allocation of a deleted project counts for nothing), and the rule
//!   checks ([`crate::rules`]) report what a merge broke.
//!
//! Every mutation validates all of its input before writing anything, then commits exactly one
//! Automerge change, so a refused edit leaves the document untouched and "N changes not yet on
//! the server" counts edits a person made.

pub mod blame;
mod choices;
mod conflicts;
mod differences;
mod import;
mod judgments;
mod live;
mod people;
mod projects;
mod registers;
pub mod schema;
mod settings;
mod upgrade;
pub mod validate;

use chrono::NaiveDate;
use std::{collections::HashMap, fmt, str::FromStr, sync::Arc};

use automerge::{
    transaction::{CommitOptions, Transactable},
    AutoCommit, AutomergeError, ChangeHash, ObjId, ObjType, Prop, ReadDoc, ScalarValue, ScalarValueRef, Value,
    ValueRef, ROOT,
};

pub use choices::{DecisionKind, OperatingModel, Phase, Stage};
pub use conflicts::FieldConflict;
pub use differences::{differences, Difference};
pub use import::ImportOutcome;
pub use judgments::Judgment;
pub use live::LiveBoard;
pub use people::{Allocation, NewPerson, Person};
pub(crate) use projects::path_between;
use projects::sort_projects;
pub use projects::{Estimates, Financials, Milestone, NewProject, Project};
pub use registers::{Baseline, Decision, Lesson, NewLesson, NewRisk, Risk};
pub use schema::SCHEMA_VERSION;
pub use settings::{default_gate_item, GateItem, Settings};

pub use crate::ids::{
    BaselineId, CriterionId, DecisionId, LessonId, MilestoneId, ObjectiveId, PersonId, ProjectId, RiskId,
};

use crate::week::IsoWeek;

/// The most hours anybody can work in one week (7 × 24): an upper bound for capacity and
/// allocation, which catches a typo such as 400 for 40.
pub const HOURS_PER_WEEK_MAX: f64 = 168.0;

/// Why a read or write of the board failed. Every message names the bad value.
///
/// The variants hold the facts (what was wrong, with its value); the English `Display` is for
/// logs, tests and scripts, and the app words each variant in the reader's language.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoardError {
    #[error("a {what} cannot be empty")]
    Empty { what: Subject },
    #[error("{what} must be a finite number of at least 0, not {value}")]
    NotANonNegativeNumber { what: Subject, value: f64 },
    #[error("{what} must be at most {max}, not {value}")]
    TooLarge { what: Subject, value: f64, max: f64 },
    #[error("{what} must be a finite number, not {value}")]
    NotFinite { what: Subject, value: f64 },
    #[error("{what} cannot contain `/`: `{value}`")]
    Slash { what: Subject, value: String },
    #[error("there is no {what} with id {id} on this board")]
    Unknown { what: Subject, id: String },
    #[error("a {what} with id {id} already exists")]
    Duplicate { what: Subject, id: String },
    #[error("`{value}` is not a {what}: use one of {allowed}")]
    NotOneOf { what: Subject, value: String, allowed: String },
    #[error("the end ({end}) is before the start ({start})")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("project {0} is listed twice in the new order")]
    ListedTwice(ProjectId),
    #[error("the amber threshold ({amber_min}) must be above 0 and at most the green one ({green_min})")]
    RagThresholds { green_min: f64, amber_min: f64 },
    #[error("risk thresholds must rise within 2–25: medium {medium_min}, high {high_min}, critical {critical_min}")]
    RiskThresholds { medium_min: u8, high_min: u8, critical_min: u8 },
    #[error("`{0}` is not a currency code: use three letters, such as CNY or EUR")]
    NotACurrency(String),
    #[error("there is already a baseline named “{0}”: choose another name")]
    BaselineNameTaken(String),
    #[error(transparent)]
    Risk(#[from] crate::risk::RiskError),
    #[error("there is no {what} named “{name}” on this board (named in the import but not added by it)")]
    NotInImport { what: Subject, name: String },
    #[error("{0} rows of the file are refused: correct them and import the file again (nothing was written)")]
    ImportRefused(usize),
    /// A reason the caller has worded itself, in the reader's language (`shared` never makes
    /// one: its refusals are the variants above).
    #[error("{0}")]
    Invalid(String),
    #[error(
        "a comparison is on Saaty's scale, a whole number from 1 to 9 or its reciprocal (1/9 to 1/2), not {value}"
    )]
    NotSaaty { value: f64 },
    #[error("a project cannot depend on itself ({0})")]
    SelfDependency(ProjectId),
    #[error("this dependency would make a cycle: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" → "))]
    DependencyCycle(Vec<ProjectId>),
    #[error("this board has not arrived yet: it has no `{0}` map (wait for the first sync)")]
    NotLoaded(&'static str),
    #[error("this board uses schema {found} and must be upgraded to {SCHEMA_VERSION} first (the server does this when it opens the board)")]
    OlderSchema { found: u64 },
    #[error("this board was written by a newer PMO Board (schema {found}, this build reads up to {SCHEMA_VERSION}): update the app")]
    NewerSchema { found: u64 },
    #[error("the document is not a readable Automerge board: {0}")]
    Corrupt(String),
}

/// What a refused value or a missing entity is, in a [`BoardError`]: the app words each in the
/// reader's language, `Display` in English (as the messages say it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    // Entities.
    Project,
    Person,
    Risk,
    Lesson,
    Decision,
    Baseline,
    Milestone,
    Objective,
    Criterion,
    ChecklistItem,
    Tick,
    Dependency,
    Change,
    // Names and texts.
    BoardName,
    ProjectName,
    PersonName,
    BaselineName,
    CriterionName,
    ObjectiveName,
    LessonTitle,
    MilestoneName,
    RiskTitle,
    /// Who ticked, decided, recorded or took a baseline.
    Author,
    /// A member's account, whose AHP answers a key holds.
    Member,
    Skill,
    Tag,
    ChecklistItemId,
    ProjectId,
    PersonId,
    RiskId,
    MilestoneId,
    LessonId,
    DecisionId,
    BaselineId,
    ObjectiveId,
    CriterionId,
    // Figures.
    Budget,
    BudgetEnvelope,
    ActualCost,
    PlannedValue,
    EarnedValue,
    PercentComplete,
    ObjectiveWeight,
    CriterionWeight,
    Contribution,
    Score,
    GreenThreshold,
    AmberThreshold,
    Capacity,
    TimeOff,
    Allocation,
    BusinessValue,
    TimeCriticality,
    RiskReduction,
    JobSize,
    Reach,
    Impact,
    Confidence,
    Effort,
    // Choices.
    Stage,
    Phase,
    DecisionKind,
    OperatingModel,
    ScoringModel,
}

impl Subject {
    /// The subject in English, as the messages of [`BoardError`] say it.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Project => "project",
            Subject::Person => "person",
            Subject::Risk => "risk",
            Subject::Lesson => "lesson",
            Subject::Decision => "decision",
            Subject::Baseline => "baseline",
            Subject::Milestone => "milestone",
            Subject::Objective => "objective",
            Subject::Criterion => "criterion",
            Subject::ChecklistItem => "checklist item",
            Subject::Tick => "tick",
            Subject::Dependency => "dependency",
            Subject::Change => "change",
            Subject::BoardName => "board name",
            Subject::ProjectName => "project name",
            Subject::PersonName => "person's name",
            Subject::BaselineName => "baseline name",
            Subject::CriterionName => "criterion name",
            Subject::ObjectiveName => "objective name",
            Subject::LessonTitle => "lesson title",
            Subject::MilestoneName => "milestone name",
            Subject::RiskTitle => "risk title",
            Subject::Author => "author's name",
            Subject::Member => "member",
            Subject::Skill => "skill",
            Subject::Tag => "tag",
            Subject::ChecklistItemId => "checklist item id",
            Subject::ProjectId => "project id",
            Subject::PersonId => "person id",
            Subject::RiskId => "risk id",
            Subject::MilestoneId => "milestone id",
            Subject::LessonId => "lesson id",
            Subject::DecisionId => "decision id",
            Subject::BaselineId => "baseline id",
            Subject::ObjectiveId => "objective id",
            Subject::CriterionId => "criterion id",
            Subject::Budget => "budget",
            Subject::BudgetEnvelope => "budget envelope",
            Subject::ActualCost => "actual cost",
            Subject::PlannedValue => "planned value",
            Subject::EarnedValue => "earned value",
            Subject::PercentComplete => "percent complete",
            Subject::ObjectiveWeight => "objective weight",
            Subject::CriterionWeight => "criterion weight",
            Subject::Contribution => "contribution",
            Subject::Score => "score",
            Subject::GreenThreshold => "green threshold",
            Subject::AmberThreshold => "amber threshold",
            Subject::Capacity => "capacity",
            Subject::TimeOff => "time off",
            Subject::Allocation => "allocation",
            Subject::BusinessValue => "business value",
            Subject::TimeCriticality => "time criticality",
            Subject::RiskReduction => "risk reduction",
            Subject::JobSize => "job size",
            Subject::Reach => "reach",
            Subject::Impact => "impact",
            Subject::Confidence => "confidence",
            Subject::Effort => "effort",
            Subject::Stage => "project stage",
            Subject::Phase => "lifecycle phase",
            Subject::DecisionKind => "decision",
            Subject::OperatingModel => "operating model",
            Subject::ScoringModel => "scoring model",
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<automerge::AutomergeError> for BoardError {
    fn from(error: automerge::AutomergeError) -> BoardError {
        BoardError::Corrupt(error.to_string())
    }
}

/// Ids are map keys and parts of composite keys, so they may not be empty or contain `/`;
/// reading one from text is the board's check (its refusals are [`BoardError`]s).
macro_rules! id_from_text {
    ($($name:ident),*) => {
        $(
            impl FromStr for $name {
                type Err = BoardError;
                fn from_str(text: &str) -> Result<$name, BoardError> {
                    key_part(Subject::$name, text).map(|text| $name::checked(text.to_owned()))
                }
            }
        )*
    };
}

id_from_text!(ProjectId, PersonId, RiskId, MilestoneId, LessonId, DecisionId, BaselineId, ObjectiveId, CriterionId);

/// Who did something and when, for gate ticks, lessons and decisions. The caller supplies
/// both: this crate reads no clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub by: String,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
}

/// Everything on a board as plain values, for computations and rendering.
///
/// The large lists are shared (`Arc`): a copy of the snapshot, which the app hands every page
/// after each change, costs a few reference counts instead of copying 1,000 projects and
/// 31,000 bookings, and [`LiveBoard`] copies only the lists a change touched
/// (`Arc::make_mut`). So a list the change left alone is the very same list in the new
/// snapshot (`Arc::ptr_eq` tells), and what a page computed from it still holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoardSnapshot {
    pub name: String,
    pub settings: Settings,
    /// By weight, heaviest first, ties by id.
    pub objectives: Vec<crate::alignment::Objective>,
    pub criteria: Vec<crate::scoring::Criterion>,
    pub gate_template: Vec<GateItem>,
    /// In priority order.
    pub projects: Arc<Vec<Project>>,
    /// In name order.
    pub people: Arc<Vec<Person>>,
    /// Only allocations whose project and person exist, in key order.
    pub allocations: Arc<Vec<Allocation>>,
    pub risks: Arc<Vec<Risk>>,
    pub milestones: Arc<Vec<Milestone>>,
    pub lessons: Arc<Vec<Lesson>>,
    pub decisions: Arc<Vec<Decision>>,
    /// Newest first.
    pub baselines: Arc<Vec<Baseline>>,
    /// Every member's AHP judgments, by member then pair.
    pub judgments: Vec<Judgment>,
    /// The criterion and objective weights two people set apart, each `field` named
    /// `criteria/<id>` or `objectives/<id>` (see [`Board::weight_conflicts`]).
    pub weight_conflicts: Vec<FieldConflict>,
    /// Where each project, person and risk is in its list, so that [`BoardSnapshot::project`],
    /// [`BoardSnapshot::person`] and [`BoardSnapshot::risk_place`] do not search: the pages look
    /// them up by id for every row of a register, on every change.
    places: Places,
}

/// The snapshot's index of its projects and people: kept up to date by [`Board::snapshot`] and
/// [`LiveBoard`]. A lookup checks the id it finds there, so an index left behind by a change
/// to the lists made elsewhere (a test building a snapshot by hand) costs a search, never a
/// wrong answer.
#[derive(Debug, Clone, Default)]
struct Places {
    projects: Arc<HashMap<ProjectId, usize>>,
    people: Arc<HashMap<PersonId, usize>>,
    risks: Arc<HashMap<RiskId, usize>>,
}

/// An index says nothing the lists do not: snapshots are equal when their contents are.
impl PartialEq for Places {
    fn eq(&self, _: &Places) -> bool {
        true
    }
}

/// A snapshot's people and bookings, named without being held: what a computation kept from
/// them (every booking summed per person and week) still holds for another snapshot while
/// [`PeopleAndBookings::same_in`] says it has the very same two lists.
///
/// The lists are held weakly: an old list is freed when the board lets it go, and its address
/// is not reused while the weak pointer holds its allocation; a list changed in place with
/// `Arc::make_mut` while a weak pointer names it moves to a new allocation first, so the
/// comparison cannot be fooled.
#[derive(Debug, Clone)]
pub struct PeopleAndBookings {
    people: std::sync::Weak<Vec<Person>>,
    allocations: std::sync::Weak<Vec<Allocation>>,
}

impl PeopleAndBookings {
    /// Names `board`'s people and bookings.
    pub fn of(board: &BoardSnapshot) -> Self {
        Self { people: Arc::downgrade(&board.people), allocations: Arc::downgrade(&board.allocations) }
    }

    /// Whether `board` has the very lists this names (not merely equal ones).
    pub fn same_in(&self, board: &BoardSnapshot) -> bool {
        std::ptr::eq(self.people.as_ptr(), Arc::as_ptr(&board.people))
            && std::ptr::eq(self.allocations.as_ptr(), Arc::as_ptr(&board.allocations))
    }
}

/// Whether two lists of projects agree on what a computation reads of them: the very same
/// list, or the same projects in the same order with `same` holding for each pair. A
/// computation that reads only some fields (the scores, the dependencies) keeps its result
/// while they agree: a budget changed on a large board copies the list but leaves the scores
/// as they were, and this tells so by comparing, without allocating.
pub fn projects_agree(before: &[Project], now: &[Project], same: impl Fn(&Project, &Project) -> bool) -> bool {
    std::ptr::eq(before, now)
        || (before.len() == now.len() && before.iter().zip(now).all(|(a, b)| a.id == b.id && same(a, b)))
}

impl BoardSnapshot {
    /// Hours booked for one cell of the resource grid, 0 when nothing is booked.
    pub fn hours(&self, project: &ProjectId, person: &PersonId, week: IsoWeek) -> f64 {
        self.allocations
            .iter()
            .find(|a| &a.project == project && &a.person == person && a.week == week)
            .map_or(0.0, |a| a.hours)
    }

    pub fn project(&self, id: &ProjectId) -> Option<&Project> {
        self.project_place(id).map(|at| &self.projects[at])
    }

    /// Where the project is in [`BoardSnapshot::projects`] (its rank, from 0).
    pub fn project_place(&self, id: &ProjectId) -> Option<usize> {
        match self.places.projects.get(id) {
            Some(&at) if self.projects.get(at).is_some_and(|project| &project.id == id) => Some(at),
            _ => self.projects.iter().position(|project| &project.id == id),
        }
    }

    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        match self.places.people.get(id) {
            Some(&at) if self.people.get(at).is_some_and(|person| &person.id == id) => Some(&self.people[at]),
            _ => self.people.iter().find(|person| &person.id == id),
        }
    }

    /// Where the risk is in [`BoardSnapshot::risks`].
    pub fn risk_place(&self, id: &RiskId) -> Option<usize> {
        match self.places.risks.get(id) {
            Some(&at) if self.risks.get(at).is_some_and(|risk| &risk.id == id) => Some(at),
            _ => self.risks.iter().position(|risk| &risk.id == id),
        }
    }

    /// Whether the index finds every project, person and risk at its place without searching
    /// (a check for the live snapshot's tests: lookups are right either way).
    pub fn index_is_current(&self) -> bool {
        self.places.projects.len() == self.projects.len()
            && self.places.people.len() == self.people.len()
            && self.places.risks.len() == self.risks.len()
            && self.projects.iter().enumerate().all(|(at, p)| self.places.projects.get(&p.id) == Some(&at))
            && self.people.iter().enumerate().all(|(at, p)| self.places.people.get(&p.id) == Some(&at))
            && self.risks.iter().enumerate().all(|(at, r)| self.places.risks.get(&r.id) == Some(&at))
    }

    /// Builds the index of projects, people and risks again, after their lists changed.
    pub(crate) fn reindex(&mut self) {
        self.reindex_only(true, true, true);
    }

    /// Builds the index again for the lists that moved, keeping the rest of it.
    pub(crate) fn reindex_only(&mut self, projects: bool, people: bool, risks: bool) {
        let places = &mut self.places;
        if risks {
            places.risks = Arc::new(self.risks.iter().enumerate().map(|(at, r)| (r.id.clone(), at)).collect());
        }
        if projects {
            places.projects = Arc::new(self.projects.iter().enumerate().map(|(at, p)| (p.id.clone(), at)).collect());
        }
        if people {
            places.people = Arc::new(self.people.iter().enumerate().map(|(at, p)| (p.id.clone(), at)).collect());
        }
    }
}

/// Where the time stamped on every change comes from (see [`set_change_clock`]).
static CHANGE_CLOCK: std::sync::OnceLock<fn() -> i64> = std::sync::OnceLock::new();

/// Stamps every change this process commits with `clock()`: seconds since the Unix epoch,
/// Automerge's convention, shown in the history as when a change was made. The app sets the
/// browser's clock once at start; this crate reads no clock itself, and without a clock a
/// change carries time 0 ("not known").
pub fn set_change_clock(clock: fn() -> i64) {
    let _ = CHANGE_CLOCK.set(clock);
}

/// A board: the typed face of one Automerge document.
#[derive(Debug, Clone)]
pub struct Board {
    doc: AutoCommit,
    /// Set only while [`Board::snapshot_at`] reads: every read is then of the board as it was
    /// at these heads (see "Reading" below).
    scope: Option<Vec<ChangeHash>>,
}

impl Board {
    /// A new, empty board named `name`, at the current schema, with default settings and the
    /// standard stage-gate template. Only the place that creates boards (the server) calls
    /// this: every other replica receives the root maps by sync.
    pub fn new(name: &str) -> Result<Board, BoardError> {
        let name = non_empty(Subject::BoardName, name)?;
        let mut board = Board::from_doc(AutoCommit::new());
        board.doc.put(ROOT, schema::root::NAME, name)?;
        upgrade::create_collections(&mut board)?;
        board.commit("create board".into());
        Ok(board)
    }

    /// A replica with no content yet, waiting for its first sync.
    pub fn empty() -> Board {
        Board::from_doc(AutoCommit::new())
    }

    /// Loads a board saved with [`Board::save`], or a concatenation of saved chunks.
    pub fn load(bytes: &[u8]) -> Result<Board, BoardError> {
        let board = Board::from_doc(AutoCommit::load(bytes)?);
        if let Some(found) = board.schema_version() {
            if found > SCHEMA_VERSION {
                return Err(BoardError::NewerSchema { found });
            }
        }
        Ok(board)
    }

    /// Adds chunks saved elsewhere ([`Board::save_incremental`]) to this replica.
    pub fn load_incremental(&mut self, bytes: &[u8]) -> Result<(), BoardError> {
        self.doc.load_incremental(bytes)?;
        Ok(())
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The changes made since the last `save` or `save_incremental`.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }

    /// Merges every change of `other` into this replica.
    pub fn merge(&mut self, other: &mut Board) -> Result<(), BoardError> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// A copy that continues as a separate replica (its own actor id).
    pub fn fork(&mut self) -> Board {
        Board::from_doc(self.doc.fork())
    }

    /// The board as it was at `heads` (a gate review, the last portfolio review), as a separate
    /// replica: history is the audit trail.
    pub fn fork_at(&mut self, heads: &[ChangeHash]) -> Result<Board, BoardError> {
        Ok(Board::from_doc(self.doc.fork_at(heads)?))
    }

    /// Everything on the board as it was at `heads` (time travel, a decision's version, a
    /// baseline), read in place rather than rebuilt: [`Board::fork_at`] replays every change
    /// up to `heads` into a new document, which on a board with tens of thousands of changes
    /// takes seconds, where reading the same document at `heads` costs about what a snapshot
    /// of the board as it is costs. Read with Automerge's `_at` reads, not on a copy isolated
    /// at `heads` (until 2026-11-29): `AutoCommit::isolate` walks the whole document to diff
    /// it, a third of the time on the large board, and the copy cost more.
    pub fn snapshot_at(&mut self, heads: &[ChangeHash]) -> Result<BoardSnapshot, BoardError> {
        if let Some(missing) = heads.iter().find(|hash| self.doc.get_change_by_hash(hash).is_none()) {
            return Err(automerge::AutomergeError::InvalidHash(*missing).into());
        }
        self.scope = Some(heads.to_vec());
        let snapshot = self.snapshot();
        self.scope = None;
        Ok(snapshot)
    }

    /// The document's current heads: a version that can be compared or gone back to.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// The changes this replica holds beyond `heads` (those that arrived or were made since
    /// that version was noted), oldest first.
    pub fn changes_since(&mut self, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        self.doc.get_changes(heads).iter().map(|change| change.hash()).collect()
    }

    /// Whether every change in `hashes` is in this board.
    pub fn contains(&mut self, hashes: &[ChangeHash]) -> bool {
        hashes.iter().all(|hash| self.doc.get_change_by_hash(hash).is_some())
    }

    /// True once the board's collections have arrived (they exist from its first change on).
    pub fn is_loaded(&self) -> bool {
        self.map(schema::PROJECTS).is_ok()
    }

    /// The schema version the document says it has; `None` before the first sync.
    pub fn schema_version(&self) -> Option<u64> {
        schema::version_in(&self.doc)
    }

    /// The document as it is, for reading its history in this crate ([`crate::history`]).
    pub(crate) fn automerge(&mut self) -> &automerge::Automerge {
        self.doc.document()
    }

    /// The raw document, for the sync protocol in this crate only.
    pub(crate) fn doc_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn name(&self) -> String {
        self.string(&ROOT, schema::root::NAME).unwrap_or_default()
    }

    pub fn rename(&mut self, name: &str) -> Result<(), BoardError> {
        let name = non_empty(Subject::BoardName, name)?;
        self.doc.put(ROOT, schema::root::NAME, name)?;
        self.commit("rename board".into());
        Ok(())
    }

    /// Everything on the board as plain values.
    pub fn snapshot(&self) -> BoardSnapshot {
        let mut snapshot = BoardSnapshot {
            name: self.name(),
            settings: self.settings(),
            objectives: self.objectives(),
            criteria: self.criteria(),
            gate_template: self.gate_template(),
            projects: Arc::new(self.projects()),
            people: Arc::new(self.people()),
            allocations: Arc::new(self.allocations()),
            risks: Arc::new(self.risks()),
            milestones: Arc::new(self.milestones()),
            lessons: Arc::new(self.lessons()),
            decisions: Arc::new(self.decisions()),
            baselines: Arc::new(self.baselines()),
            judgments: self.judgments(),
            weight_conflicts: self.weight_conflicts(),
            places: Places::default(),
        };
        snapshot.reindex();
        snapshot
    }

    // ---- reading: every read of the board's state goes through these, so that inside
    // [`Board::snapshot_at`] it is of the board as it was -------------------------------------

    fn from_doc(doc: AutoCommit) -> Board {
        Board { doc, scope: None }
    }

    fn read<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        object: O,
        key: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        match &self.scope {
            Some(heads) => self.doc.get_at(object, key, heads),
            None => self.doc.get(object, key),
        }
    }

    fn read_all<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        object: O,
        key: P,
    ) -> Result<Vec<(Value<'_>, ObjId)>, AutomergeError> {
        match &self.scope {
            Some(heads) => self.doc.get_all_at(object, key, heads),
            None => self.doc.get_all(object, key),
        }
    }

    fn read_keys<O: AsRef<ObjId>>(&self, object: O) -> automerge::iter::Keys<'_> {
        match &self.scope {
            Some(heads) => self.doc.keys_at(object, heads),
            None => self.doc.keys(object),
        }
    }

    fn read_map<O: AsRef<ObjId>>(&self, object: O) -> automerge::iter::MapRange<'_> {
        match &self.scope {
            Some(heads) => self.doc.map_range_at(object, .., heads),
            None => self.doc.map_range(object, ..),
        }
    }

    fn read_text<O: AsRef<ObjId>>(&self, object: O) -> Result<String, AutomergeError> {
        match &self.scope {
            Some(heads) => self.doc.text_at(object, heads),
            None => self.doc.text(object),
        }
    }

    // ---- internals shared by the submodules ----------------------------------------------

    pub(crate) fn commit(&mut self, message: String) {
        let mut options = CommitOptions::default().with_message(message);
        if let Some(clock) = CHANGE_CLOCK.get() {
            options = options.with_time(clock());
        }
        self.doc.commit_with(options);
    }

    /// A root collection, for writing: it must exist and the document must be at the current
    /// schema (an older one is upgraded by the server first).
    fn collection(&self, name: &'static str) -> Result<ObjId, BoardError> {
        let map = self.map(name)?;
        match self.schema_version() {
            Some(SCHEMA_VERSION) => Ok(map),
            Some(found) if found > SCHEMA_VERSION => Err(BoardError::NewerSchema { found }),
            found => Err(BoardError::OlderSchema { found: found.unwrap_or(1) }),
        }
    }

    /// The map of entity `id` in collection `name`, for writing: the schema must be current
    /// (see [`Board::collection`]) and the entity must exist.
    fn writable(&self, name: &'static str, what: Subject, id: &str) -> Result<ObjId, BoardError> {
        self.collection(name)?;
        self.entity(name, what, id)
    }

    /// A root collection, for reading.
    fn map(&self, name: &'static str) -> Result<ObjId, BoardError> {
        match self.read(ROOT, name)? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err(BoardError::NotLoaded(name)),
        }
    }

    /// The map of entity `id` in collection `name`.
    fn entity(&self, name: &'static str, what: Subject, id: &str) -> Result<ObjId, BoardError> {
        let collection = self.map(name)?;
        match self.read(&collection, id)? {
            Some((Value::Object(ObjType::Map), object)) => Ok(object),
            _ => Err(BoardError::Unknown { what, id: id.to_owned() }),
        }
    }

    fn exists(&self, name: &'static str, id: &str) -> bool {
        self.map(name).is_ok_and(|map| matches!(self.read(&map, id), Ok(Some(_))))
    }

    /// Creates entity `id` in collection `name` with the given fields.
    fn insert_entity(
        &mut self,
        name: &'static str,
        what: Subject,
        id: &str,
        fields: Vec<(&'static str, ScalarValue)>,
    ) -> Result<(), BoardError> {
        let collection = self.collection(name)?;
        if self.exists(name, id) {
            return Err(BoardError::Duplicate { what, id: id.to_owned() });
        }
        let object = self.doc.put_object(&collection, id, ObjType::Map)?;
        for (key, value) in fields {
            self.doc.put(&object, key, value)?;
        }
        Ok(())
    }

    /// Puts `value` under `key` unless it is there already. An edit form that writes every
    /// field of an entity must write only the ones the person changed: two people editing two
    /// different fields of one objective at once would otherwise each write the other's field
    /// back to its old value, and one of the two edits would be lost in the merge.
    /// A field two people set apart is written even with the value that won, which settles it.
    fn put_if_changed(&mut self, object: &ObjId, key: &str, value: ScalarValue) -> Result<(), BoardError> {
        let same = match self.read(object, key)? {
            Some((Value::Scalar(current), _)) => current.as_ref() == &value && self.read_all(object, key)?.len() == 1,
            _ => false,
        };
        if !same {
            self.doc.put(object, key, value)?;
        }
        Ok(())
    }

    /// Every key of a flat collection (a set, or a table whose values are not needed).
    fn flat_keys(&self, name: &'static str) -> Vec<String> {
        let Ok(map) = self.map(name) else { return Vec::new() };
        self.read_keys(&map).collect()
    }

    /// Deletes entity `id` of collection `name` in one change, after `cascade` has removed
    /// what refers to it.
    fn delete_entity(
        &mut self,
        name: &'static str,
        what: Subject,
        id: &str,
        cascade: impl FnOnce(&mut Board) -> Result<(), BoardError>,
    ) -> Result<(), BoardError> {
        self.writable(name, what, id)?;
        let collection = self.map(name)?;
        cascade(self)?;
        self.doc.delete(&collection, id)?;
        self.commit(format!("delete {what} {id}"));
        Ok(())
    }

    /// Every (key, number) of a flat collection of numbers, read without copying values.
    fn flat_numbers(&self, name: &'static str, mut each: impl FnMut(&str, f64)) {
        let Ok(map) = self.map(name) else { return };
        for item in self.read_map(&map) {
            let number = match item.value {
                ValueRef::Scalar(ScalarValueRef::F64(number)) => number,
                ValueRef::Scalar(ScalarValueRef::Int(number)) => number as f64,
                ValueRef::Scalar(ScalarValueRef::Uint(number)) => number as f64,
                _ => continue,
            };
            each(&item.key, number);
        }
    }

    /// The ids in collection `name`.
    fn ids(&self, name: &'static str) -> std::collections::HashSet<String> {
        self.map(name).map(|map| self.read_keys(&map).collect()).unwrap_or_default()
    }

    /// Deletes every key of a flat collection whose parts satisfy `matches`.
    fn delete_flat(&mut self, name: &'static str, matches: impl Fn(&[&str]) -> bool) -> Result<(), BoardError> {
        let Ok(map) = self.map(name) else { return Ok(()) };
        let keys: Vec<String> = self
            .read_map(&map)
            .map(|item| item.key.to_string())
            .filter(|key| matches(&key.split('/').collect::<Vec<_>>()))
            .collect();
        for key in keys {
            self.doc.delete(&map, key)?;
        }
        Ok(())
    }

    /// Every entity of a collection, parsed field by field in one pass over its map.
    fn entities<T>(&self, name: &'static str, parse: impl Fn(&str, &Fields) -> Option<T>) -> Vec<T> {
        let Ok(map) = self.map(name) else { return Vec::new() };
        self.read_map(&map)
            .filter_map(|item| {
                let fields = self.fields(&item.id())?;
                parse(&item.key, &fields)
            })
            .collect()
    }

    /// All scalar fields of a map object; text objects (written by automerge-repo clients in
    /// JavaScript for plain strings) read as strings.
    fn fields(&self, object: &ObjId) -> Option<Fields> {
        let mut fields = Fields::default();
        for item in self.read_map(object) {
            fields.conflicted |= item.conflict;
            let value = match Value::from(item.value.clone()) {
                Value::Scalar(scalar) => scalar.into_owned(),
                Value::Object(ObjType::Text) => ScalarValue::Str(self.read_text(item.id()).ok()?.into()),
                Value::Object(_) => continue,
            };
            fields.values.push((item.key.to_string(), value));
        }
        Some(fields)
    }

    fn string(&self, object: &ObjId, key: &str) -> Option<String> {
        match self.read(object, key).ok()?? {
            (Value::Scalar(scalar), _) => match scalar.as_ref() {
                ScalarValue::Str(text) => Some(text.to_string()),
                _ => None,
            },
            (Value::Object(ObjType::Text), text) => self.read_text(&text).ok(),
            (Value::Object(_), _) => None,
        }
    }
}

/// The scalar fields of one entity, as read in one pass.
#[derive(Debug, Default)]
struct Fields {
    values: Vec<(String, ScalarValue)>,
    /// Some field holds values set apart by two replicas (see [`Board::project_conflicts`]).
    conflicted: bool,
}

impl Fields {
    fn get(&self, key: &str) -> Option<&ScalarValue> {
        self.values.iter().find(|(name, _)| name == key).map(|(_, value)| value)
    }

    fn string(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            ScalarValue::Str(text) => Some(text.to_string()),
            _ => None,
        }
    }

    fn string_or_empty(&self, key: &str) -> String {
        self.string(key).unwrap_or_default()
    }

    fn number(&self, key: &str) -> Option<f64> {
        scalar_f64(self.get(key)?)
    }

    fn int(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            ScalarValue::Int(number) => Some(*number),
            ScalarValue::Uint(number) => i64::try_from(*number).ok(),
            ScalarValue::F64(number) if number.fract() == 0.0 => Some(*number as i64),
            _ => None,
        }
    }

    fn parsed<T: FromStr>(&self, key: &str) -> Option<T> {
        self.string(key)?.parse().ok()
    }
}

fn scalar_f64(value: &ScalarValue) -> Option<f64> {
    match value {
        ScalarValue::F64(number) => Some(*number),
        ScalarValue::Int(number) => Some(*number as f64),
        ScalarValue::Uint(number) => Some(*number as f64),
        _ => None,
    }
}

fn non_empty(what: Subject, text: &str) -> Result<&str, BoardError> {
    let text = text.trim();
    if text.is_empty() {
        Err(BoardError::Empty { what })
    } else {
        Ok(text)
    }
}

/// A name that becomes part of a composite key: not empty, no `/`.
fn key_part(what: Subject, text: &str) -> Result<&str, BoardError> {
    let text = non_empty(what, text)?;
    if text.contains('/') {
        Err(BoardError::Slash { what, value: text.to_owned() })
    } else {
        Ok(text)
    }
}

fn non_negative(what: Subject, value: f64) -> Result<f64, BoardError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(BoardError::NotANonNegativeNumber { what, value })
    }
}

fn at_most(what: Subject, value: f64, max: f64) -> Result<f64, BoardError> {
    let value = non_negative(what, value)?;
    if value > max {
        Err(BoardError::TooLarge { what, value, max })
    } else {
        Ok(value)
    }
}

fn hours(what: Subject, value: f64) -> Result<f64, BoardError> {
    at_most(what, value, HOURS_PER_WEEK_MAX)
}

fn one_of<T: Copy>(what: Subject, text: &str, all: &[T], name: impl Fn(T) -> &'static str) -> Result<T, BoardError> {
    all.iter().copied().find(|item| name(*item) == text).ok_or_else(|| BoardError::NotOneOf {
        what,
        value: text.to_owned(),
        allowed: all.iter().map(|item| name(*item)).collect::<Vec<_>>().join(", "),
    })
}

#[cfg(test)]
mod tests;

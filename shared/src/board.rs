//! The board document (组合看板): projects, people and allocations in one Automerge document.
//!
//! Layout of the document (schema version 1):
//!
//! ```text
//! ROOT
//! ├── schema_version: 1
//! ├── name: "2027 portfolio"
//! ├── projects: { <project id>: { name, stage, budget, position } }
//! ├── people:   { <person id>:  { name, capacity_hours_per_week } }
//! └── allocations: { "<project id>/<person id>/<ISO week>": hours }
//! ```
//!
//! Why it looks like this:
//! - Priority order is a fractional-index `position` on each project, not the order of a list.
//!   Automerge has no move: deleting and re-inserting a list item duplicates it when two people
//!   move it at once. Here two concurrent moves set the same field, one wins, and the project
//!   stays exactly once in the ranking. Ties (two projects given the same position on two
//!   replicas) are broken by id, so every replica sorts alike.
//! - Allocations are one flat map keyed by (project, person, week): two people booking the same
//!   cell write the same key, and the last writer wins instead of both bookings adding up.
//! - The root maps are created once, by [`Board::new`] on the server. A replica that finds one
//!   missing refuses to write rather than create it: two concurrent creations of `projects`
//!   would leave only one of them visible, and with it only half the projects.
//! - A deleted project or person can leave allocations behind when another replica booked
//!   hours concurrently; reads ignore allocations whose project or person no longer exists.
//!
//! Every mutation validates all of its input before writing anything, then commits exactly one
//! Automerge change, so "N changes not yet on the server" counts edits a person made.

use std::{fmt, str::FromStr};

use automerge::{
    transaction::{CommitOptions, Transactable},
    AutoCommit, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT,
};
use fractional_index::FractionalIndex;

use crate::week::IsoWeek;

/// The schema version this build writes. Documents with a higher version were written by a newer
/// PMO Board and are refused rather than misread.
pub const SCHEMA_VERSION: u64 = 1;

/// The most hours anybody can work in one week (7 × 24): an upper bound for capacity and
/// allocation, which catches a typo such as 400 for 40.
pub const HOURS_PER_WEEK_MAX: f64 = 168.0;

const PROJECTS: &str = "projects";
const PEOPLE: &str = "people";
const ALLOCATIONS: &str = "allocations";

/// Why a read or write of the board failed. Every message names the bad value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoardError {
    #[error("a {what} name cannot be empty")]
    EmptyName { what: &'static str },
    #[error("{what} must be a finite number of at least 0, not {value}")]
    NotANonNegativeNumber { what: &'static str, value: f64 },
    #[error("{what} must be at most {HOURS_PER_WEEK_MAX} hours a week, not {value}")]
    TooManyHours { what: &'static str, value: f64 },
    #[error("there is no project with id {0} on this board")]
    UnknownProject(ProjectId),
    #[error("there is no person with id {0} on this board")]
    UnknownPerson(PersonId),
    #[error("a project with id {0} already exists")]
    DuplicateProject(ProjectId),
    #[error("a person with id {0} already exists")]
    DuplicatePerson(PersonId),
    #[error("`{0}` is not a project stage: use one of proposed, screening, approved, active, on-hold, closed, cancelled")]
    UnknownStage(String),
    #[error("this board has not arrived yet: it has no `{0}` map (wait for the first sync)")]
    NotLoaded(&'static str),
    #[error("this board was written by a newer PMO Board (schema {found}, this build reads up to {SCHEMA_VERSION}): update the app")]
    NewerSchema { found: u64 },
    #[error("the document is not a readable Automerge board: {0}")]
    Corrupt(String),
}

impl From<automerge::AutomergeError> for BoardError {
    fn from(error: automerge::AutomergeError) -> BoardError {
        BoardError::Corrupt(error.to_string())
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// A new random id (a UUID v4).
            pub fn random() -> $name {
                $name(uuid::Uuid::new_v4().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Ids are map keys and parts of allocation keys, so they may not contain `/`.
        impl FromStr for $name {
            type Err = BoardError;
            fn from_str(text: &str) -> Result<$name, BoardError> {
                if text.is_empty() || text.contains('/') {
                    return Err(BoardError::Corrupt(format!(
                        "`{text}` is not a valid {} id", stringify!($name)
                    )));
                }
                Ok($name(text.to_owned()))
            }
        }
    };
}

id_type!(
    /// Identifies a project on a board.
    ProjectId
);
id_type!(
    /// Identifies a person on a board.
    PersonId
);

/// Where a project is in the portfolio (项目组合状态), from proposal to closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Proposed,
    Screening,
    Approved,
    Active,
    OnHold,
    Closed,
    Cancelled,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Proposed,
        Stage::Screening,
        Stage::Approved,
        Stage::Active,
        Stage::OnHold,
        Stage::Closed,
        Stage::Cancelled,
    ];

    /// The name stored in the document and used in URLs and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Proposed => "proposed",
            Stage::Screening => "screening",
            Stage::Approved => "approved",
            Stage::Active => "active",
            Stage::OnHold => "on-hold",
            Stage::Closed => "closed",
            Stage::Cancelled => "cancelled",
        }
    }

    /// The label shown to people, English and Chinese.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Proposed => "Proposed 提案",
            Stage::Screening => "Screening 筛选",
            Stage::Approved => "Approved 已立项",
            Stage::Active => "Active 执行中",
            Stage::OnHold => "On hold 暂停",
            Stage::Closed => "Closed 已收尾",
            Stage::Cancelled => "Cancelled 已取消",
        }
    }
}

impl FromStr for Stage {
    type Err = BoardError;
    fn from_str(text: &str) -> Result<Stage, BoardError> {
        Stage::ALL
            .into_iter()
            .find(|stage| stage.as_str() == text)
            .ok_or_else(|| BoardError::UnknownStage(text.to_owned()))
    }
}

/// A project as read from the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub stage: Stage,
    /// In the board's currency.
    pub budget: f64,
    /// The fractional-index priority position; lower comes first.
    pub position: String,
}

/// What it takes to add a project.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    pub name: String,
    pub stage: Stage,
    pub budget: f64,
}

/// A person whose time is planned on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub capacity_hours_per_week: f64,
}

/// Hours a person is booked on a project in one week.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    pub project: ProjectId,
    pub person: PersonId,
    pub week: IsoWeek,
    pub hours: f64,
}

/// Everything on a board as plain values, for computations and rendering.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoardSnapshot {
    pub name: String,
    /// In priority order.
    pub projects: Vec<Project>,
    /// In name order.
    pub people: Vec<Person>,
    /// Only allocations whose project and person exist, in key order.
    pub allocations: Vec<Allocation>,
}

impl BoardSnapshot {
    /// Hours booked for one cell of the resource grid, 0 when nothing is booked.
    pub fn hours(&self, project: &ProjectId, person: &PersonId, week: IsoWeek) -> f64 {
        self.allocations
            .iter()
            .find(|a| &a.project == project && &a.person == person && a.week == week)
            .map_or(0.0, |a| a.hours)
    }
}

/// A board: the typed face of one Automerge document.
#[derive(Debug, Clone)]
pub struct Board {
    doc: AutoCommit,
}

impl Board {
    /// A new, empty board named `name`. Only the place that creates boards (the server) calls
    /// this: every other replica receives the root maps by sync.
    pub fn new(name: &str) -> Result<Board, BoardError> {
        let name = non_empty("board", name)?;
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "schema_version", SCHEMA_VERSION)?;
        doc.put(ROOT, "name", name)?;
        for map in [PROJECTS, PEOPLE, ALLOCATIONS] {
            doc.put_object(ROOT, map, ObjType::Map)?;
        }
        doc.commit_with(CommitOptions::default().with_message("create board"));
        Ok(Board { doc })
    }

    /// A replica with no content yet, waiting for its first sync.
    pub fn empty() -> Board {
        Board { doc: AutoCommit::new() }
    }

    /// Loads a board saved with [`Board::save`], or a concatenation of saved chunks.
    pub fn load(bytes: &[u8]) -> Result<Board, BoardError> {
        let doc = AutoCommit::load(bytes)?;
        let board = Board { doc };
        board.check_schema()?;
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
        Board { doc: self.doc.fork() }
    }

    /// The document's current heads: a version that can be compared or gone back to.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// True once the root maps have arrived (they exist from the board's first change on).
    pub fn is_loaded(&self) -> bool {
        [PROJECTS, PEOPLE, ALLOCATIONS].iter().all(|map| self.map(map).is_ok())
    }

    /// Ok when this build can read and write the document.
    pub fn check_schema(&self) -> Result<(), BoardError> {
        match self.doc.get(ROOT, "schema_version")? {
            Some((value, _)) => match scalar_u64(&value) {
                Some(found) if found > SCHEMA_VERSION => Err(BoardError::NewerSchema { found }),
                Some(_) => Ok(()),
                None => Err(BoardError::Corrupt("schema_version is not a number".into())),
            },
            // Not arrived yet: an empty replica is a valid board waiting for sync.
            None => Ok(()),
        }
    }

    /// The raw document, for the sync protocol in this crate only.
    pub(crate) fn doc_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    // ---- reads ----------------------------------------------------------------------------

    pub fn name(&self) -> String {
        self.string(&ROOT, "name").unwrap_or_default()
    }

    /// Projects in priority order: by position, ties by id.
    pub fn projects(&self) -> Vec<Project> {
        let Ok(projects) = self.map(PROJECTS) else { return Vec::new() };
        let mut list: Vec<Project> = self
            .doc
            .map_range(&projects, ..)
            .filter_map(|item| {
                let object = item.id();
                Some(Project {
                    id: item.key.parse().ok()?,
                    name: self.string(&object, "name")?,
                    stage: self.string(&object, "stage")?.parse().ok()?,
                    budget: self.number(&object, "budget").unwrap_or(0.0),
                    position: self.string(&object, "position").unwrap_or_default(),
                })
            })
            .collect();
        list.sort_by(|a, b| (&a.position, &a.id).cmp(&(&b.position, &b.id)));
        list
    }

    pub fn project(&self, id: &ProjectId) -> Option<Project> {
        self.projects().into_iter().find(|project| &project.id == id)
    }

    /// People by name, ties by id.
    pub fn people(&self) -> Vec<Person> {
        let Ok(people) = self.map(PEOPLE) else { return Vec::new() };
        let mut list: Vec<Person> = self
            .doc
            .map_range(&people, ..)
            .filter_map(|item| {
                let object = item.id();
                Some(Person {
                    id: item.key.parse().ok()?,
                    name: self.string(&object, "name")?,
                    capacity_hours_per_week: self
                        .number(&object, "capacity_hours_per_week")
                        .unwrap_or(0.0),
                })
            })
            .collect();
        list.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        list
    }

    /// Allocations of existing projects and people.
    pub fn allocations(&self) -> Vec<Allocation> {
        let Ok(allocations) = self.map(ALLOCATIONS) else { return Vec::new() };
        let projects = self.map(PROJECTS).ok();
        let people = self.map(PEOPLE).ok();
        let exists = |map: &Option<ObjId>, key: &str| {
            map.as_ref().is_some_and(|map| matches!(self.doc.get(map, key), Ok(Some(_))))
        };
        self.doc
            .map_range(&allocations, ..)
            .filter_map(|item| {
                let (project, person, week) = split_allocation_key(&item.key)?;
                let hours = scalar_f64(&Value::from(item.value.clone()))?;
                (exists(&projects, project.as_str()) && exists(&people, person.as_str()))
                    .then_some(Allocation { project, person, week, hours })
            })
            .collect()
    }

    pub fn snapshot(&self) -> BoardSnapshot {
        BoardSnapshot {
            name: self.name(),
            projects: self.projects(),
            people: self.people(),
            allocations: self.allocations(),
        }
    }

    // ---- writes ---------------------------------------------------------------------------

    /// Adds a project at the bottom of the priority order.
    pub fn add_project(&mut self, id: ProjectId, new: NewProject) -> Result<(), BoardError> {
        let projects = self.map(PROJECTS)?;
        let name = non_empty("project", &new.name)?;
        let budget = non_negative("budget", new.budget)?;
        if self.project_object(&id).is_ok() {
            return Err(BoardError::DuplicateProject(id));
        }
        let position = match self.projects().last() {
            Some(last) => FractionalIndex::new_after(&parse_position(&last.position)),
            None => FractionalIndex::default(),
        };
        let project = self.doc.put_object(&projects, id.as_str(), ObjType::Map)?;
        self.doc.put(&project, "name", name)?;
        self.doc.put(&project, "stage", new.stage.as_str())?;
        self.doc.put(&project, "budget", budget)?;
        self.doc.put(&project, "position", position.to_string())?;
        self.commit(format!("add project {id}"));
        Ok(())
    }

    pub fn rename_project(&mut self, id: &ProjectId, name: &str) -> Result<(), BoardError> {
        let project = self.project_object(id)?;
        let name = non_empty("project", name)?;
        self.doc.put(&project, "name", name)?;
        self.commit(format!("rename project {id}"));
        Ok(())
    }

    pub fn set_project_stage(&mut self, id: &ProjectId, stage: Stage) -> Result<(), BoardError> {
        let project = self.project_object(id)?;
        self.doc.put(&project, "stage", stage.as_str())?;
        self.commit(format!("set stage of project {id}"));
        Ok(())
    }

    pub fn set_project_budget(&mut self, id: &ProjectId, budget: f64) -> Result<(), BoardError> {
        let project = self.project_object(id)?;
        let budget = non_negative("budget", budget)?;
        self.doc.put(&project, "budget", budget)?;
        self.commit(format!("set budget of project {id}"));
        Ok(())
    }

    /// Deletes a project and its allocations.
    pub fn delete_project(&mut self, id: &ProjectId) -> Result<(), BoardError> {
        self.project_object(id)?;
        let (projects, allocations) = (self.map(PROJECTS)?, self.map(ALLOCATIONS)?);
        let keys = self.allocation_keys(|project, _| project == id);
        for key in keys {
            self.doc.delete(&allocations, key)?;
        }
        self.doc.delete(&projects, id.as_str())?;
        self.commit(format!("delete project {id}"));
        Ok(())
    }

    /// Moves a project so that it is at `index` in the priority order (0 is the top). An index
    /// past the end moves it to the bottom.
    pub fn move_project(&mut self, id: &ProjectId, index: usize) -> Result<(), BoardError> {
        let project = self.project_object(id)?;
        let others: Vec<Project> =
            self.projects().into_iter().filter(|project| &project.id != id).collect();
        let index = index.min(others.len());
        let before = index.checked_sub(1).map(|i| parse_position(&others[i].position));
        let after = others.get(index).map(|p| parse_position(&p.position));
        let position = match (&before, &after) {
            (None, None) => FractionalIndex::default(),
            (Some(before), None) => FractionalIndex::new_after(before),
            (None, Some(after)) => FractionalIndex::new_before(after),
            (Some(before), Some(after)) => match FractionalIndex::new_between(before, after) {
                Some(position) => position,
                // Both neighbours hold the same position (two replicas appended at once): there
                // is no room between them, so give every project a fresh, evenly spread position.
                None => return self.respace_with(id, index, others),
            },
        };
        self.doc.put(&project, "position", position.to_string())?;
        self.commit(format!("move project {id} to {index}"));
        Ok(())
    }

    fn respace_with(
        &mut self,
        id: &ProjectId,
        index: usize,
        mut others: Vec<Project>,
    ) -> Result<(), BoardError> {
        let moved = self.project(id).ok_or_else(|| BoardError::UnknownProject(id.clone()))?;
        others.insert(index, moved);
        let mut position = FractionalIndex::default();
        for project in &others {
            let object = self.project_object(&project.id)?;
            self.doc.put(&object, "position", position.to_string())?;
            position = FractionalIndex::new_after(&position);
        }
        self.commit(format!("move project {id} to {index}"));
        Ok(())
    }

    pub fn add_person(
        &mut self,
        id: PersonId,
        name: &str,
        capacity_hours_per_week: f64,
    ) -> Result<(), BoardError> {
        let people = self.map(PEOPLE)?;
        let name = non_empty("person", name)?;
        let capacity = hours("capacity", capacity_hours_per_week)?;
        if self.person_object(&id).is_ok() {
            return Err(BoardError::DuplicatePerson(id));
        }
        let person = self.doc.put_object(&people, id.as_str(), ObjType::Map)?;
        self.doc.put(&person, "name", name)?;
        self.doc.put(&person, "capacity_hours_per_week", capacity)?;
        self.commit(format!("add person {id}"));
        Ok(())
    }

    pub fn rename_person(&mut self, id: &PersonId, name: &str) -> Result<(), BoardError> {
        let person = self.person_object(id)?;
        let name = non_empty("person", name)?;
        self.doc.put(&person, "name", name)?;
        self.commit(format!("rename person {id}"));
        Ok(())
    }

    pub fn set_capacity(&mut self, id: &PersonId, hours_per_week: f64) -> Result<(), BoardError> {
        let person = self.person_object(id)?;
        let capacity = hours("capacity", hours_per_week)?;
        self.doc.put(&person, "capacity_hours_per_week", capacity)?;
        self.commit(format!("set capacity of person {id}"));
        Ok(())
    }

    /// Deletes a person and their allocations.
    pub fn delete_person(&mut self, id: &PersonId) -> Result<(), BoardError> {
        self.person_object(id)?;
        let (people, allocations) = (self.map(PEOPLE)?, self.map(ALLOCATIONS)?);
        let keys = self.allocation_keys(|_, person| person == id);
        for key in keys {
            self.doc.delete(&allocations, key)?;
        }
        self.doc.delete(&people, id.as_str())?;
        self.commit(format!("delete person {id}"));
        Ok(())
    }

    /// Books `hours` of `person` on `project` in `week`; 0 clears the cell.
    pub fn set_allocation(
        &mut self,
        project: &ProjectId,
        person: &PersonId,
        week: IsoWeek,
        hours_booked: f64,
    ) -> Result<(), BoardError> {
        let allocations = self.map(ALLOCATIONS)?;
        self.project_object(project)?;
        self.person_object(person)?;
        let hours_booked = hours("allocation", hours_booked)?;
        let key = allocation_key(project, person, week);
        if hours_booked == 0.0 {
            if matches!(self.doc.get(&allocations, &key)?, None) {
                return Ok(());
            }
            self.doc.delete(&allocations, &key)?;
        } else {
            self.doc.put(&allocations, &key, hours_booked)?;
        }
        self.commit(format!("allocate {person} to {project} in {week}"));
        Ok(())
    }

    // ---- internals ------------------------------------------------------------------------

    fn commit(&mut self, message: String) {
        self.doc.commit_with(CommitOptions::default().with_message(message));
    }

    fn map(&self, name: &'static str) -> Result<ObjId, BoardError> {
        match self.doc.get(ROOT, name)? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            _ => Err(BoardError::NotLoaded(name)),
        }
    }

    fn project_object(&self, id: &ProjectId) -> Result<ObjId, BoardError> {
        let projects = self.map(PROJECTS)?;
        match self.doc.get(&projects, id.as_str())? {
            Some((Value::Object(ObjType::Map), object)) => Ok(object),
            _ => Err(BoardError::UnknownProject(id.clone())),
        }
    }

    fn person_object(&self, id: &PersonId) -> Result<ObjId, BoardError> {
        let people = self.map(PEOPLE)?;
        match self.doc.get(&people, id.as_str())? {
            Some((Value::Object(ObjType::Map), object)) => Ok(object),
            _ => Err(BoardError::UnknownPerson(id.clone())),
        }
    }

    fn allocation_keys(&self, matches: impl Fn(&ProjectId, &PersonId) -> bool) -> Vec<String> {
        let Ok(allocations) = self.map(ALLOCATIONS) else { return Vec::new() };
        self.doc
            .map_range(&allocations, ..)
            .filter(|item| {
                split_allocation_key(&item.key)
                    .is_some_and(|(project, person, _)| matches(&project, &person))
            })
            .map(|item| item.key.to_string())
            .collect()
    }

    /// A string field. This app writes strings as scalars (last writer wins), but other
    /// automerge-repo clients (Automerge 3 in JavaScript, for one) write plain strings as
    /// collaborative text objects: both read the same.
    fn string(&self, object: &ObjId, key: &str) -> Option<String> {
        match self.doc.get(object, key).ok()?? {
            (Value::Scalar(scalar), _) => match scalar.as_ref() {
                ScalarValue::Str(text) => Some(text.to_string()),
                _ => None,
            },
            (Value::Object(ObjType::Text), text) => self.doc.text(&text).ok(),
            (Value::Object(_), _) => None,
        }
    }

    fn number(&self, object: &ObjId, key: &str) -> Option<f64> {
        scalar_f64(&self.doc.get(object, key).ok()??.0)
    }
}

fn allocation_key(project: &ProjectId, person: &PersonId, week: IsoWeek) -> String {
    format!("{project}/{person}/{week}")
}

fn split_allocation_key(key: &str) -> Option<(ProjectId, PersonId, IsoWeek)> {
    let mut parts = key.split('/');
    let project = parts.next()?.parse().ok()?;
    let person = parts.next()?.parse().ok()?;
    let week = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((project, person, week))
}

/// A position written by any replica parses; a damaged one sorts first rather than failing.
fn parse_position(text: &str) -> FractionalIndex {
    FractionalIndex::from_string(text).unwrap_or_default()
}

fn scalar_f64(value: &Value<'_>) -> Option<f64> {
    match value {
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::F64(number) => Some(*number),
            ScalarValue::Int(number) => Some(*number as f64),
            ScalarValue::Uint(number) => Some(*number as f64),
            _ => None,
        },
        Value::Object(_) => None,
    }
}

fn scalar_u64(value: &Value<'_>) -> Option<u64> {
    match value {
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Uint(number) => Some(*number),
            ScalarValue::Int(number) => u64::try_from(*number).ok(),
            _ => None,
        },
        Value::Object(_) => None,
    }
}

fn non_empty<'a>(what: &'static str, name: &'a str) -> Result<&'a str, BoardError> {
    let name = name.trim();
    if name.is_empty() {
        Err(BoardError::EmptyName { what })
    } else {
        Ok(name)
    }
}

fn non_negative(what: &'static str, value: f64) -> Result<f64, BoardError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(BoardError::NotANonNegativeNumber { what, value })
    }
}

fn hours(what: &'static str, value: f64) -> Result<f64, BoardError> {
    let value = non_negative(what, value)?;
    if value > HOURS_PER_WEEK_MAX {
        Err(BoardError::TooManyHours { what, value })
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(text: &str) -> IsoWeek {
        text.parse().unwrap()
    }

    fn project(name: &str) -> NewProject {
        NewProject { name: name.into(), stage: Stage::Proposed, budget: 1000.0 }
    }

    fn board_with(names: &[&str]) -> (Board, Vec<ProjectId>) {
        let mut board = Board::new("Portfolio").unwrap();
        let ids: Vec<ProjectId> = names.iter().map(|_| ProjectId::random()).collect();
        for (id, name) in ids.iter().zip(names) {
            board.add_project(id.clone(), project(name)).unwrap();
        }
        (board, ids)
    }

    fn names(board: &Board) -> Vec<String> {
        board.projects().into_iter().map(|p| p.name).collect()
    }

    #[test]
    fn projects_keep_the_order_they_were_added_in() {
        let (board, _) = board_with(&["A", "B", "C"]);
        assert_eq!(names(&board), ["A", "B", "C"]);
    }

    #[test]
    fn moving_a_project_reorders_it() {
        // (from, to, expected order)
        let cases = [
            (0, 2, ["B", "C", "A"]),
            (2, 0, ["C", "A", "B"]),
            (1, 0, ["B", "A", "C"]),
            (0, 99, ["B", "C", "A"]),
            (1, 1, ["A", "B", "C"]),
        ];
        for (from, to, expected) in cases {
            let (mut board, ids) = board_with(&["A", "B", "C"]);
            board.move_project(&ids[from], to).unwrap();
            assert_eq!(names(&board), expected, "move {from} to {to}");
        }
    }

    #[test]
    fn moving_between_projects_with_equal_positions_respaces() {
        let mut left = Board::new("Portfolio").unwrap();
        let mut right = left.fork();
        let (a, b, c) = (ProjectId::random(), ProjectId::random(), ProjectId::random());
        left.add_project(a.clone(), project("A")).unwrap();
        right.add_project(b.clone(), project("B")).unwrap();
        left.merge(&mut right).unwrap();
        left.add_project(c.clone(), project("C")).unwrap();
        // A and B share a position; moving C between them must still work.
        left.move_project(&c, 1).unwrap();
        let order = left.projects();
        assert_eq!(order.len(), 3);
        assert_eq!(order[1].id, c);
    }

    #[test]
    fn bad_input_is_refused_and_leaves_the_document_unchanged() {
        let (mut board, ids) = board_with(&["A"]);
        let person = PersonId::random();
        board.add_person(person.clone(), "Li Wei", 40.0).unwrap();
        let unknown_project = ProjectId::random();
        let before = board.heads();
        let w = week("2026-W48");
        let attempts: Vec<(Result<(), BoardError>, BoardError)> = vec![
            (
                board.set_allocation(&ids[0], &person, w, -1.0),
                BoardError::NotANonNegativeNumber { what: "allocation", value: -1.0 },
            ),
            (
                board.set_allocation(&ids[0], &person, w, 200.0),
                BoardError::TooManyHours { what: "allocation", value: 200.0 },
            ),
            (
                board.set_allocation(&unknown_project, &person, w, 8.0),
                BoardError::UnknownProject(unknown_project.clone()),
            ),
            (board.rename_project(&ids[0], "   "), BoardError::EmptyName { what: "project" }),
            (
                board.add_project(ProjectId::random(), NewProject { budget: -5.0, ..project("X") }),
                BoardError::NotANonNegativeNumber { what: "budget", value: -5.0 },
            ),
            (board.add_project(ids[0].clone(), project("Again")), BoardError::DuplicateProject(ids[0].clone())),
            (board.add_person(PersonId::random(), "", 40.0), BoardError::EmptyName { what: "person" }),
            (board.delete_project(&unknown_project), BoardError::UnknownProject(unknown_project.clone())),
        ];
        for (result, expected) in attempts {
            assert_eq!(result, Err(expected));
        }
        let nan = board.set_project_budget(&ids[0], f64::NAN);
        assert!(matches!(nan, Err(BoardError::NotANonNegativeNumber { .. })), "{nan:?}");
        assert_eq!(board.heads(), before, "a refused edit must not change the document");
    }

    #[test]
    fn an_empty_replica_refuses_writes_until_it_has_synced() {
        let mut board = Board::empty();
        assert!(!board.is_loaded());
        let result = board.add_project(ProjectId::random(), project("A"));
        assert_eq!(result, Err(BoardError::NotLoaded("projects")));
    }

    #[test]
    fn allocations_round_trip_and_zero_clears() {
        let (mut board, ids) = board_with(&["A"]);
        let person = PersonId::random();
        board.add_person(person.clone(), "Li Wei", 40.0).unwrap();
        let w = week("2026-W48");
        board.set_allocation(&ids[0], &person, w, 16.0).unwrap();
        assert_eq!(board.snapshot().hours(&ids[0], &person, w), 16.0);
        board.set_allocation(&ids[0], &person, w, 0.0).unwrap();
        assert!(board.allocations().is_empty());
    }

    #[test]
    fn deleting_a_project_removes_its_allocations() {
        let (mut board, ids) = board_with(&["A", "B"]);
        let person = PersonId::random();
        board.add_person(person.clone(), "Li Wei", 40.0).unwrap();
        let w = week("2026-W48");
        board.set_allocation(&ids[0], &person, w, 8.0).unwrap();
        board.set_allocation(&ids[1], &person, w, 8.0).unwrap();
        board.delete_project(&ids[0]).unwrap();
        let left: Vec<ProjectId> = board.allocations().into_iter().map(|a| a.project).collect();
        assert_eq!(left, [ids[1].clone()]);
    }

    #[test]
    fn save_and_load_round_trip() {
        let (mut board, _) = board_with(&["A", "B"]);
        let loaded = Board::load(&board.save()).unwrap();
        assert_eq!(loaded.snapshot(), board.snapshot());
    }

    #[test]
    fn strings_written_as_text_objects_read_like_scalars() {
        // Automerge 3 in JavaScript stores `project.name = "CRM"` as a text object.
        let mut board = Board::new("Portfolio").unwrap();
        let projects = board.map(PROJECTS).unwrap();
        let project = board.doc.put_object(&projects, "from-js", ObjType::Map).unwrap();
        for (key, value) in [("name", "CRM"), ("stage", "active"), ("position", "80")] {
            let text = board.doc.put_object(&project, key, ObjType::Text).unwrap();
            board.doc.splice_text(&text, 0, 0, value).unwrap();
        }
        board.doc.put(&project, "budget", 1000_i64).unwrap();
        let read = board.project(&"from-js".parse().unwrap()).unwrap();
        assert_eq!((read.name.as_str(), read.stage, read.budget), ("CRM", Stage::Active, 1000.0));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "schema_version", SCHEMA_VERSION + 1).unwrap();
        let result = Board::load(&doc.save());
        assert_eq!(result.unwrap_err(), BoardError::NewerSchema { found: SCHEMA_VERSION + 1 });
    }
}

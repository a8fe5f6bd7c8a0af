//! A board whose snapshot follows its edits: after an edit, a merge or a sync message, only what
//! changed is read again, so a dashboard can be recomputed within a frame on a large board.
//!
//! Automerge reports what changed since the last look as patches (`diff_incremental`). Each
//! patch names the root collection it touched and, below it, the entity. [`LiveBoard::refresh`]
//! turns them into the least reading that is still exact:
//! - an allocation cell is updated from the patch itself;
//! - a project is read again alone (its tables — scores, contributions, dependencies, ticks —
//!   are re-attached when one of them changed);
//! - any other collection is read again whole (they are small, or rarely edited).
//!
//! Adding or removing a project or a person also re-reads what refers to them (allocations,
//! risks, milestones), because reads leave out rows whose project or person is gone. A property
//! test checks that the live snapshot always equals [`Board::snapshot`].

use std::{collections::BTreeSet, sync::Arc};

use automerge::{Patch, PatchAction, Prop, ScalarValue, Value};

use super::{schema::*, sort_projects, Allocation, Board, BoardSnapshot};

/// A board and its snapshot, kept equal.
#[derive(Debug)]
pub struct LiveBoard {
    board: Board,
    snapshot: BoardSnapshot,
    /// The document's heads when the snapshot was last brought up to date.
    heads: Vec<automerge::ChangeHash>,
}

/// What a set of patches touched.
#[derive(Default)]
struct Touched {
    name: bool,
    /// Collections to read again whole.
    collections: BTreeSet<String>,
    /// Projects to read again alone.
    projects: BTreeSet<String>,
    /// Allocation cells: key → new hours, or `None` when the cell was cleared.
    allocations: Vec<(String, Option<f64>)>,
}

impl LiveBoard {
    pub fn new(mut board: Board) -> LiveBoard {
        board.doc.update_diff_cursor();
        let snapshot = board.snapshot();
        let heads = board.heads();
        LiveBoard { board, snapshot, heads }
    }

    pub fn board(&self) -> &Board {
        &self.board
    }

    /// The board, to edit, merge or sync; call [`LiveBoard::refresh`] afterwards.
    pub fn board_mut(&mut self) -> &mut Board {
        &mut self.board
    }

    pub fn snapshot(&self) -> &BoardSnapshot {
        &self.snapshot
    }

    pub fn into_board(self) -> Board {
        self.board
    }

    /// Brings the snapshot up to date with the document and returns it. A list the change did
    /// not touch stays the same shared list (see [`BoardSnapshot`]): a copy of the snapshot
    /// taken before still holds it, and nothing is copied for it.
    pub fn refresh(&mut self) -> &BoardSnapshot {
        let heads = self.board.heads();
        if heads == self.heads {
            return &self.snapshot;
        }
        self.heads = heads;
        let patches = self.board.doc.diff_incremental();
        // Which lists the snapshot indexes (projects, people, risks) were read again or
        // reordered: only then do places move. A booking or a budget moves none.
        let mut moved = if patches.is_empty() { Moved::default() } else { self.apply(&patches) };
        // Setting a field two people had set apart resolves their conflict, but when the value
        // stays the same Automerge reports no patch: look at the conflicted projects again.
        let conflicted: Vec<usize> = self
            .snapshot
            .projects
            .iter()
            .enumerate()
            .filter(|(_, project)| !project.conflicts.is_empty())
            .map(|(at, _)| at)
            .collect();
        if !conflicted.is_empty() {
            let projects = Arc::make_mut(&mut self.snapshot.projects);
            for at in conflicted {
                projects[at].conflicts = self.board.project_conflicts(&projects[at].id).unwrap_or_default();
            }
        }
        if !self.snapshot.weight_conflicts.is_empty() {
            self.snapshot.weight_conflicts = self.board.weight_conflicts();
        }
        // And for a risk, a person or a milestone: read the register again while any is.
        if self.snapshot.risks.iter().any(|risk| !risk.conflicts.is_empty()) {
            self.snapshot.risks = Arc::new(self.board.risks());
            moved.risks = true;
        }
        if self.snapshot.people.iter().any(|person| !person.conflicts.is_empty()) {
            self.snapshot.people = Arc::new(self.board.people());
            moved.people = true;
        }
        if self.snapshot.milestones.iter().any(|milestone| !milestone.conflicts.is_empty()) {
            self.snapshot.milestones = Arc::new(self.board.milestones());
        }
        // The same holds for a matrix cell: read the tables again while any cell is in conflict.
        if self.snapshot.projects.iter().any(|project| !project.cell_conflicts.is_empty()) {
            self.board.project_tables().attach(Arc::make_mut(&mut self.snapshot.projects).as_mut_slice());
        }
        if moved.projects || moved.people || moved.risks {
            self.snapshot.reindex_only(moved.projects, moved.people, moved.risks);
        }
        &self.snapshot
    }

    /// Brings the snapshot up to date with `patches`; which lists the snapshot indexes were
    /// read again or reordered.
    fn apply(&mut self, patches: &[Patch]) -> Moved {
        let touched = touched_by(patches);
        let board = &self.board;
        let snapshot = &mut self.snapshot;
        let mut moved = Moved::default();

        if touched.name {
            snapshot.name = board.name();
        }
        let whole = |name: &str| touched.collections.contains(name);
        if whole(SETTINGS) {
            snapshot.settings = board.settings();
        }
        if whole(OBJECTIVES) {
            snapshot.objectives = board.objectives();
        }
        if whole(CRITERIA) {
            snapshot.criteria = board.criteria();
        }
        if whole(CRITERIA) || whole(OBJECTIVES) {
            snapshot.weight_conflicts = board.weight_conflicts();
        }
        if whole(AHP_JUDGMENTS) {
            snapshot.judgments = board.judgments();
        }
        if whole(GATE_TEMPLATE) {
            snapshot.gate_template = board.gate_template();
        }

        // Projects: alone, unless the whole collection must be read again. Whether one was
        // added or removed decides what else must be read again below.
        let mut projects_changed = false;
        let tables_changed = [SCORES, CONTRIBUTIONS, DEPENDENCIES, GATE_TICKS].iter().any(|t| whole(t));
        if whole(PROJECTS) {
            let before = project_ids(snapshot);
            snapshot.projects = Arc::new(board.projects());
            projects_changed = project_ids(snapshot) != before;
            moved.projects = true;
        } else if !touched.projects.is_empty() || tables_changed {
            let projects = Arc::make_mut(&mut snapshot.projects);
            for id in &touched.projects {
                let old = projects.iter().position(|p| p.id.as_str() == id);
                match (board.read_project_fields(id), old) {
                    (Some(mut project), Some(index)) => {
                        let old = &mut projects[index];
                        // A project read again moves in the ranking only if its position did.
                        moved.projects |= project.position != old.position;
                        project.scores = std::mem::take(&mut old.scores);
                        project.contributions = std::mem::take(&mut old.contributions);
                        project.depends_on = std::mem::take(&mut old.depends_on);
                        project.gate_ticks = std::mem::take(&mut old.gate_ticks);
                        project.cell_conflicts = std::mem::take(&mut old.cell_conflicts);
                        *old = project;
                    }
                    (Some(project), None) => {
                        projects.push(project);
                        projects_changed = true;
                    }
                    (None, Some(index)) => {
                        projects.remove(index);
                        projects_changed = true;
                    }
                    (None, None) => {}
                }
            }
            if tables_changed || projects_changed {
                board.project_tables().attach(projects);
            }
            if moved.projects || projects_changed {
                sort_projects(projects);
                moved.projects = true;
            }
        }

        let mut people_changed = false;
        if whole(PEOPLE) || whole(SKILLS) || whole(TIME_OFF) {
            let before: BTreeSet<String> = snapshot.people.iter().map(|p| p.id.to_string()).collect();
            snapshot.people = Arc::new(board.people());
            people_changed = snapshot.people.iter().map(|p| p.id.to_string()).collect::<BTreeSet<_>>() != before;
            moved.people = true;
        }

        if whole(ALLOCATIONS) || projects_changed || people_changed {
            snapshot.allocations = Arc::new(board.allocations());
        } else if !touched.allocations.is_empty() {
            for (key, hours) in &touched.allocations {
                apply_allocation(snapshot, key, *hours);
            }
        }
        if whole(RISKS) || projects_changed {
            snapshot.risks = Arc::new(board.risks());
            moved.risks = true;
        }
        if whole(MILESTONES) || projects_changed {
            snapshot.milestones = Arc::new(board.milestones());
        }
        if whole(LESSONS) || whole(LESSON_TAGS) {
            snapshot.lessons = Arc::new(board.lessons());
        }
        if whole(DECISIONS) {
            snapshot.decisions = Arc::new(board.decisions());
        }
        if whole(BASELINES) {
            snapshot.baselines = Arc::new(board.baselines());
        }
        moved
    }
}

/// Which lists the snapshot indexes moved (see [`BoardSnapshot::reindex_only`]).
#[derive(Default)]
struct Moved {
    projects: bool,
    people: bool,
    risks: bool,
}

fn project_ids(snapshot: &BoardSnapshot) -> BTreeSet<String> {
    snapshot.projects.iter().map(|p| p.id.to_string()).collect()
}

fn touched_by(patches: &[Patch]) -> Touched {
    let mut touched = Touched::default();
    for patch in patches {
        let key = match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => Some(key.as_str()),
            _ => None,
        };
        let Some((_, Prop::Map(root))) = patch.path.first() else {
            // A change to the root itself: the name, or a whole collection.
            match key {
                Some(root::NAME) => touched.name = true,
                Some(collection) => {
                    touched.collections.insert(collection.to_owned());
                }
                None => {}
            }
            continue;
        };
        let entity = match patch.path.get(1) {
            Some((_, Prop::Map(id))) => Some(id.as_str()),
            Some(_) => None,
            None => key,
        };
        match (root.as_str(), &patch.action, patch.path.len()) {
            (ALLOCATIONS, PatchAction::PutMap { key, value: (Value::Scalar(value), _), .. }, 1) => {
                touched.allocations.push((key.clone(), number(value)));
            }
            (ALLOCATIONS, PatchAction::DeleteMap { key }, 1) => touched.allocations.push((key.clone(), None)),
            (PROJECTS, _, _) => match entity {
                Some(id) => {
                    touched.projects.insert(id.to_owned());
                }
                None => {
                    touched.collections.insert(PROJECTS.to_owned());
                }
            },
            (collection, _, _) => {
                touched.collections.insert(collection.to_owned());
            }
        }
    }
    touched
}

fn number(value: &ScalarValue) -> Option<f64> {
    super::scalar_f64(value)
}

/// Updates one allocation cell of the snapshot from a patch.
fn apply_allocation(snapshot: &mut BoardSnapshot, key: &str, hours: Option<f64>) {
    let mut parts = key.split('/');
    let (Some(project), Some(person), Some(week), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return;
    };
    let Ok(week) = week.parse() else { return };
    let existing = snapshot
        .allocations
        .iter()
        .position(|a| a.project.as_str() == project && a.person.as_str() == person && a.week == week);
    let known = snapshot.projects.iter().any(|p| p.id.as_str() == project)
        && snapshot.people.iter().any(|p| p.id.as_str() == person);
    match (hours, existing) {
        (Some(hours), Some(index)) => Arc::make_mut(&mut snapshot.allocations)[index].hours = hours,
        (Some(hours), None) if known => {
            let allocation = Allocation {
                project: project.parse().expect("a key part"),
                person: person.parse().expect("a key part"),
                week,
                hours,
            };
            // Keep key order, as a full read would.
            let key_of = |a: &Allocation| format!("{}/{}/{}", a.project, a.person, a.week);
            let index = snapshot.allocations.partition_point(|a| key_of(a).as_str() < key);
            Arc::make_mut(&mut snapshot.allocations).insert(index, allocation);
        }
        (None, Some(index)) => {
            Arc::make_mut(&mut snapshot.allocations).remove(index);
        }
        _ => {}
    }
}

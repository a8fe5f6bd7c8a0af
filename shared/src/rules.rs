//! Business rules checked after every merge (合并后的规则检查).
//!
//! Merging guarantees the same state everywhere, not the rules: two offline edits can each keep
//! the budget envelope and together break it. So a merge is never refused; instead [`check`]
//! runs on the merged board and returns warnings that name what broke, for the board to show.
//!
//! ```
//! use shared::{board::{Board, NewProject}, rules, ProjectId, Stage};
//! let mut board = Board::new("Portfolio").unwrap();
//! board.set_budget_envelope(Some(100.0)).unwrap();
//! let mut offline = board.fork();
//! board.add_project(ProjectId::random(), NewProject { name: "ERP".into(), stage: Stage::Approved, budget: 60.0 }).unwrap();
//! offline.add_project(ProjectId::random(), NewProject { name: "CRM".into(), stage: Stage::Approved, budget: 60.0 }).unwrap();
//! assert!(rules::check(&board.snapshot()).is_empty());
//! board.merge(&mut offline).unwrap();
//! let warnings = rules::check(&board.snapshot());
//! assert_eq!(warnings[0].to_string(), "approved and active projects need 120 of a budget envelope of 100");
//! ```

use std::{
    collections::{BTreeSet, HashMap},
    fmt,
};

use crate::{
    board::{BoardSnapshot, PeopleAndBookings, ProjectId, Stage},
    capacity,
    week::IsoWeek,
};

/// A rule the merged board breaks.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// Approved, active and on-hold projects together need more than the envelope.
    BudgetEnvelopeExceeded { committed: f64, envelope: f64 },
    /// A person is booked for more than their capacity in a week.
    OverCapacity { person: String, week: IsoWeek, allocated_hours: f64, capacity_hours: f64 },
    /// A project still to deliver depends on a cancelled one.
    DependsOnCancelled { project: String, cancelled: String },
    /// Dependencies added apart close a cycle.
    DependencyCycle { projects: Vec<String> },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::BudgetEnvelopeExceeded { committed, envelope } => {
                write!(f, "approved and active projects need {committed} of a budget envelope of {envelope}")
            }
            Warning::OverCapacity { person, week, allocated_hours, capacity_hours } => {
                write!(f, "{person} is booked {allocated_hours} h in {week} but has {capacity_hours} h")
            }
            Warning::DependsOnCancelled { project, cancelled } => {
                write!(f, "{project} depends on {cancelled}, which is cancelled")
            }
            Warning::DependencyCycle { projects } => {
                write!(f, "these projects depend on each other in a circle: {}", projects.join(" → "))
            }
        }
    }
}

/// Every rule the board breaks, in a stable order: budget, capacity, dependencies.
pub fn check(board: &BoardSnapshot) -> Vec<Warning> {
    check_from(board, None)
}

/// [`check`], with capacity checked only from week `from` on: an overbooked week that is
/// over can no longer be mended, and would only crowd out the warnings that can.
pub fn check_from(board: &BoardSnapshot, from: Option<IsoWeek>) -> Vec<Warning> {
    let mut warnings = budget_warnings(board);
    warnings.extend(capacity_warnings(board, from));
    warnings.extend(dependency_warnings(board));
    warnings
}

/// The budget envelope's warning, if the committed projects pass it.
fn budget_warnings(board: &BoardSnapshot) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if let Some(envelope) = board.settings.budget_envelope {
        let committed: f64 = board.projects.iter().filter(|p| p.stage.is_committed()).map(|p| p.budget).sum();
        if committed > envelope {
            warnings.push(Warning::BudgetEnvelopeExceeded { committed, envelope });
        }
    }
    warnings
}

/// The weeks someone is booked over capacity, from week `from` on: a function of the people and
/// the bookings alone.
fn capacity_warnings(board: &BoardSnapshot, from: Option<IsoWeek>) -> Vec<Warning> {
    let weeks: Vec<IsoWeek> = board
        .allocations
        .iter()
        .map(|a| a.week)
        .filter(|week| from.is_none_or(|from| *week >= from))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    capacity::over_allocated(board, &weeks)
        .into_iter()
        .map(|(person, load)| Warning::OverCapacity {
            person: board.person(&person).map_or_else(|| person.to_string(), |p| p.name.clone()),
            week: load.week,
            allocated_hours: load.allocated_hours,
            capacity_hours: load.capacity_hours,
        })
        .collect()
}

/// Projects to deliver that depend on a cancelled one, and dependency cycles.
fn dependency_warnings(board: &BoardSnapshot) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let by_id: HashMap<&ProjectId, &crate::board::Project> = board.projects.iter().map(|p| (&p.id, p)).collect();
    for project in board.projects.iter().filter(|p| p.stage.is_committed()) {
        for on in &project.depends_on {
            if by_id.get(on).is_some_and(|dependency| dependency.stage == Stage::Cancelled) {
                warnings.push(Warning::DependsOnCancelled {
                    project: project.name.clone(),
                    cancelled: by_id[on].name.clone(),
                });
            }
        }
    }

    for cycle in dependency_cycles(board) {
        let projects =
            cycle.iter().map(|id| by_id.get(id).map_or_else(|| id.to_string(), |p| p.name.clone())).collect();
        warnings.push(Warning::DependencyCycle { projects });
    }
    warnings
}

/// [`check_from`] on a board that changes one edit at a time, such as the live board every page
/// shows, computed again only in part: the capacity warnings, most of the work on a large board
/// (every booking summed per person and week), are kept while the snapshot's people and
/// bookings are the very same lists (see [`BoardSnapshot`]: a budget, a stage or a risk leaves
/// both alone).
#[derive(Debug, Default)]
pub struct LiveCheck {
    capacity: Option<KeptCapacity>,
    /// Whether the last check kept the capacity warnings.
    kept: bool,
    dependencies: Option<KeptDependencies>,
}

/// The dependency warnings and the projects they were found in: kept while every project's
/// name, stage and dependencies are as they were (a budget leaves them alone; the cycles are
/// searched from every project).
#[derive(Debug)]
struct KeptDependencies {
    projects: std::sync::Arc<Vec<crate::board::Project>>,
    warnings: Vec<Warning>,
}

/// The capacity warnings and the lists they were computed from.
#[derive(Debug)]
struct KeptCapacity {
    lists: PeopleAndBookings,
    from: Option<IsoWeek>,
    warnings: Vec<Warning>,
}

impl LiveCheck {
    /// What [`check_from`] answers for `board`.
    pub fn check_from(&mut self, board: &BoardSnapshot, from: Option<IsoWeek>) -> Vec<Warning> {
        self.kept = self.capacity.as_ref().is_some_and(|kept| kept.from == from && kept.lists.same_in(board));
        if !self.kept {
            self.capacity = Some(KeptCapacity {
                lists: PeopleAndBookings::of(board),
                from,
                warnings: capacity_warnings(board, from),
            });
        }
        let mut warnings = budget_warnings(board);
        warnings.extend(self.capacity.as_ref().map(|kept| kept.warnings.iter().cloned()).into_iter().flatten());
        let same = self.dependencies.as_ref().is_some_and(|kept| {
            crate::board::projects_agree(&kept.projects, &board.projects, |a, b| {
                a.name == b.name && a.stage == b.stage && a.depends_on == b.depends_on
            })
        });
        match &mut self.dependencies {
            Some(kept) if same => kept.projects = board.projects.clone(),
            _ => {
                self.dependencies =
                    Some(KeptDependencies { projects: board.projects.clone(), warnings: dependency_warnings(board) })
            }
        }
        warnings.extend(self.dependencies.as_ref().map(|kept| kept.warnings.iter().cloned()).into_iter().flatten());
        warnings
    }

    /// Whether the last [`LiveCheck::check_from`] kept the capacity warnings it had.
    pub fn kept_capacity(&self) -> bool {
        self.kept
    }
}

/// Each cycle once, starting from its smallest id and closing on it.
fn dependency_cycles(board: &BoardSnapshot) -> Vec<Vec<ProjectId>> {
    let graph: HashMap<ProjectId, Vec<ProjectId>> =
        board.projects.iter().map(|p| (p.id.clone(), p.depends_on.clone())).collect();
    let mut cycles: Vec<Vec<ProjectId>> = Vec::new();
    let mut seen: BTreeSet<BTreeSet<ProjectId>> = BTreeSet::new();
    let mut ids: Vec<&ProjectId> = graph.keys().collect();
    ids.sort();
    for start in ids {
        for next in &graph[start] {
            if let Some(mut path) = crate::board::path_between(&graph, next, start) {
                path.insert(0, start.clone());
                let members: BTreeSet<ProjectId> = path.iter().cloned().collect();
                let smallest = members.iter().next().cloned();
                if smallest.as_ref() == Some(start) && seen.insert(members) {
                    cycles.push(path);
                }
            }
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Board, NewPerson, NewProject, PersonId};

    fn add(board: &mut Board, name: &str, stage: Stage, budget: f64) -> ProjectId {
        let id = ProjectId::random();
        board.add_project(id.clone(), NewProject { name: name.into(), stage, budget }).unwrap();
        id
    }

    #[test]
    fn offline_edits_that_are_each_fine_break_rules_together() {
        let mut board = Board::new("Portfolio").unwrap();
        let erp = add(&mut board, "ERP", Stage::Active, 50.0);
        let crm = add(&mut board, "CRM", Stage::Proposed, 50.0);
        let li = PersonId::random();
        board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
        let week: IsoWeek = "2026-W50".parse().unwrap();
        let mut alice = board.fork();
        let mut bob = board.fork();

        // Alice books Li 30 h on ERP and makes ERP depend on CRM; Bob books 20 h on CRM and
        // cancels CRM, then makes CRM depend on ERP. Each replica alone is fine.
        alice.set_allocation(&erp, &li, week, 30.0).unwrap();
        alice.add_dependency(&erp, &crm).unwrap();
        bob.set_allocation(&crm, &li, week, 20.0).unwrap();
        bob.set_project_stage(&crm, Stage::Cancelled).unwrap();
        bob.add_dependency(&crm, &erp).unwrap();
        assert!(check(&alice.snapshot()).is_empty());
        assert!(check(&bob.snapshot()).is_empty());

        alice.merge(&mut bob).unwrap();
        let warnings: Vec<String> = check(&alice.snapshot()).iter().map(ToString::to_string).collect();
        let cycle = if erp < crm { "ERP → CRM → ERP" } else { "CRM → ERP → CRM" };
        assert_eq!(
            warnings,
            [
                "Li is booked 50 h in 2026-W50 but has 40 h".to_string(),
                "ERP depends on CRM, which is cancelled".to_string(),
                format!("these projects depend on each other in a circle: {cycle}"),
            ]
        );
    }

    #[test]
    fn the_budget_envelope_counts_only_projects_still_to_deliver() {
        let mut board = Board::new("Portfolio").unwrap();
        board.set_budget_envelope(Some(100.0)).unwrap();
        // (stage, budget, counted?)
        for (stage, budget) in [
            (Stage::Approved, 40.0),
            (Stage::Active, 40.0),
            (Stage::OnHold, 10.0),
            (Stage::Proposed, 500.0),
            (Stage::Closed, 500.0),
            (Stage::Cancelled, 500.0),
        ] {
            add(&mut board, "P", stage, budget);
        }
        assert!(check(&board.snapshot()).is_empty(), "90 of 100");
        add(&mut board, "Q", Stage::Approved, 20.0);
        assert_eq!(check(&board.snapshot()), [Warning::BudgetEnvelopeExceeded { committed: 110.0, envelope: 100.0 }]);
    }

    #[test]
    fn past_weeks_can_be_left_out_of_the_capacity_check() {
        let mut board = Board::new("Portfolio").unwrap();
        let erp = add(&mut board, "ERP", Stage::Active, 0.0);
        let li = PersonId::random();
        board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
        // (week, hours): overbooked in W10 and W12.
        for (week, hours) in [("2027-W10", 50.0), ("2027-W11", 40.0), ("2027-W12", 45.0)] {
            board.set_allocation(&erp, &li, week.parse().unwrap(), hours).unwrap();
        }
        let weeks = |from: Option<&str>| -> Vec<String> {
            check_from(&board.snapshot(), from.map(|w| w.parse().unwrap()))
                .iter()
                .map(|warning| match warning {
                    Warning::OverCapacity { week, .. } => week.to_string(),
                    other => panic!("unexpected {other}"),
                })
                .collect()
        };
        assert_eq!(weeks(None), ["2027-W10", "2027-W12"]);
        assert_eq!(weeks(Some("2027-W11")), ["2027-W12"]);
        assert_eq!(weeks(Some("2027-W13")), Vec::<String>::new());
    }

    #[test]
    fn the_live_check_keeps_the_capacity_warnings_while_people_and_bookings_stay_the_same() {
        let mut board = Board::new("Portfolio").unwrap();
        board.set_budget_envelope(Some(100.0)).unwrap();
        let erp = add(&mut board, "ERP", Stage::Active, 50.0);
        let li = PersonId::random();
        board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
        let week: IsoWeek = "2026-W50".parse().unwrap();
        board.set_allocation(&erp, &li, week, 50.0).unwrap();
        let mut live = crate::board::LiveBoard::new(board);
        let mut checker = LiveCheck::default();
        let from = Some("2026-W01".parse().unwrap());
        assert_eq!(checker.check_from(live.snapshot(), from), check_from(live.snapshot(), from));
        assert!(!checker.kept_capacity());

        // A budget: the same people and bookings, so the capacity warnings are kept; the
        // budget's warning is new.
        live.board_mut().set_project_budget(&erp, 150.0).unwrap();
        let warnings = checker.check_from(live.refresh(), from);
        assert!(checker.kept_capacity());
        assert_eq!(warnings, check_from(live.snapshot(), from));
        assert_eq!(warnings.len(), 2);

        // A booking, a person or another week: computed again.
        live.board_mut().set_allocation(&erp, &li, week, 30.0).unwrap();
        let warnings = checker.check_from(live.refresh(), from);
        assert!(!checker.kept_capacity());
        assert_eq!(warnings, check_from(live.snapshot(), from));
        live.board_mut().set_capacity(&li, 20.0).unwrap();
        assert_eq!(checker.check_from(live.refresh(), from), check_from(live.snapshot(), from));
        assert!(!checker.kept_capacity());
        assert_eq!(checker.check_from(live.snapshot(), None), check_from(live.snapshot(), None));
        assert!(!checker.kept_capacity());
    }
}

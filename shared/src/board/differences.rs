//! What one copy of a board has that another does not, in words a PMO member can read and
//! copy: for edits the server refused (the person became a viewer while they were offline, say),
//! which the app takes off the board and keeps aside as text.
//!
//! Only what the board's pages edit is described (the board's name, projects' name, stage and
//! budget, people's name and capacity, bookings); anything else changed is counted in one line,
//! so nothing is silently left out.

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Serialize};

use super::BoardSnapshot;
use crate::format::{self, Locale};

/// One difference between two copies of a board, with its facts: the app words it in the
/// reader's language, `Display` in English. Serialised as the device keeps it aside (stages are
/// their stored names, `proposed`, and weeks `2026-W49`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difference {
    BoardName {
        ours: String,
        saved: String,
    },
    NewProject {
        name: String,
        stage: String,
        budget: f64,
    },
    ProjectName {
        name: String,
        saved: String,
    },
    ProjectStage {
        name: String,
        stage: String,
        saved: String,
    },
    ProjectBudget {
        name: String,
        budget: f64,
        saved: f64,
    },
    DeletedProject {
        name: String,
    },
    NewPerson {
        name: String,
        capacity_hours_per_week: f64,
    },
    PersonName {
        name: String,
        saved: String,
    },
    PersonCapacity {
        name: String,
        capacity_hours_per_week: f64,
        saved: f64,
    },
    RemovedPerson {
        name: String,
    },
    Booking {
        person: String,
        project: String,
        week: String,
        hours: f64,
        saved: f64,
    },
    /// Changes to what no page edits: counted in one line so nothing is silently left out.
    Other,
    /// A line worded before differences had their facts (kept on a device by an earlier
    /// release), shown as it was written.
    Written(String),
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = |value: f64| format::amount(Locale::En, value);
        match self {
            Difference::BoardName { ours, saved } => write!(f, "Board name: “{ours}” (saved: “{saved}”)"),
            Difference::NewProject { name, stage, budget } => {
                write!(f, "New project “{name}”, stage {stage}, budget {}", amount(*budget))
            }
            Difference::ProjectName { name, saved } => {
                write!(f, "Project “{name}”: name “{name}” (saved: “{saved}”)")
            }
            Difference::ProjectStage { name, stage, saved } => {
                write!(f, "Project “{name}”: stage {stage} (saved: {saved})")
            }
            Difference::ProjectBudget { name, budget, saved } => {
                write!(f, "Project “{name}”: budget {} (saved: {})", amount(*budget), amount(*saved))
            }
            Difference::DeletedProject { name } => write!(f, "Deleted project “{name}”"),
            Difference::NewPerson { name, capacity_hours_per_week } => {
                write!(f, "New person “{name}”, {capacity_hours_per_week} h a week")
            }
            Difference::PersonName { name, saved } => write!(f, "Person “{name}”: name (saved: “{saved}”)"),
            Difference::PersonCapacity { name, capacity_hours_per_week, saved } => {
                write!(f, "Person “{name}”: {capacity_hours_per_week} h a week (saved: {saved} h)")
            }
            Difference::RemovedPerson { name } => write!(f, "Removed person “{name}”"),
            Difference::Booking { person, project, week, hours, saved } => {
                write!(f, "{person} on “{project}” in {week}: {hours} h (saved: {saved} h)")
            }
            Difference::Other => f.write_str("Other changes to the board (not shown on these pages)"),
            Difference::Written(line) => f.write_str(line),
        }
    }
}

/// One difference from `saved` (what the server holds) to `ours`, in a stable order: the
/// board, projects in `ours`' priority order, then removed projects, people, bookings.
pub fn differences(saved: &BoardSnapshot, ours: &BoardSnapshot) -> Vec<Difference> {
    let mut lines = Vec::new();
    if saved.name != ours.name {
        lines.push(Difference::BoardName { ours: ours.name.clone(), saved: saved.name.clone() });
    }
    for project in ours.projects.iter() {
        let Some(before) = saved.project(&project.id) else {
            lines.push(Difference::NewProject {
                name: project.name.clone(),
                stage: project.stage.as_str().to_owned(),
                budget: project.budget,
            });
            continue;
        };
        if before.name != project.name {
            lines.push(Difference::ProjectName { name: project.name.clone(), saved: before.name.clone() });
        }
        if before.stage != project.stage {
            lines.push(Difference::ProjectStage {
                name: project.name.clone(),
                stage: project.stage.as_str().to_owned(),
                saved: before.stage.as_str().to_owned(),
            });
        }
        if before.budget != project.budget {
            lines.push(Difference::ProjectBudget {
                name: project.name.clone(),
                budget: project.budget,
                saved: before.budget,
            });
        }
    }
    for project in saved.projects.iter() {
        if ours.project(&project.id).is_none() {
            lines.push(Difference::DeletedProject { name: project.name.clone() });
        }
    }
    for person in ours.people.iter() {
        match saved.person(&person.id) {
            None => lines.push(Difference::NewPerson {
                name: person.name.clone(),
                capacity_hours_per_week: person.capacity_hours_per_week,
            }),
            Some(before) => {
                if before.name != person.name {
                    lines.push(Difference::PersonName { name: person.name.clone(), saved: before.name.clone() });
                }
                if before.capacity_hours_per_week != person.capacity_hours_per_week {
                    lines.push(Difference::PersonCapacity {
                        name: person.name.clone(),
                        capacity_hours_per_week: person.capacity_hours_per_week,
                        saved: before.capacity_hours_per_week,
                    });
                }
            }
        }
    }
    for person in saved.people.iter() {
        if ours.person(&person.id).is_none() {
            lines.push(Difference::RemovedPerson { name: person.name.clone() });
        }
    }
    let bookings = |board: &BoardSnapshot| {
        board
            .allocations
            .iter()
            .map(|a| ((a.project.clone(), a.person.clone(), a.week), a.hours))
            .collect::<BTreeMap<_, _>>()
    };
    let (saved_bookings, our_bookings) = (bookings(saved), bookings(ours));
    let keys: std::collections::BTreeSet<_> = saved_bookings.keys().chain(our_bookings.keys()).collect();
    for key in keys {
        let (before, now) =
            (saved_bookings.get(key).copied().unwrap_or(0.0), our_bookings.get(key).copied().unwrap_or(0.0));
        if before == now {
            continue;
        }
        let (project, person, week) = key;
        let project = ours.project(project).or(saved.project(project)).map_or("?", |p| p.name.as_str());
        let person = ours.person(person).or(saved.person(person)).map_or("?", |p| p.name.as_str());
        lines.push(Difference::Booking {
            person: person.to_owned(),
            project: project.to_owned(),
            week: week.to_string(),
            hours: now,
            saved: before,
        });
    }
    if lines.is_empty() && saved != ours {
        lines.push(Difference::Other);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{Board, NewPerson, NewProject, Stage},
        IsoWeek, PersonId, ProjectId,
    };

    fn project(board: &mut Board, name: &str, budget: f64) -> ProjectId {
        let id = ProjectId::random();
        board.add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Proposed, budget }).unwrap();
        id
    }

    #[test]
    fn the_same_board_has_no_differences() {
        let board = Board::new("Portfolio").unwrap().snapshot();
        assert!(differences(&board, &board).is_empty());
    }

    #[test]
    fn every_kind_of_edit_reads_as_one_line() {
        let mut board = Board::new("Portfolio").unwrap();
        let erp = project(&mut board, "ERP", 100_000.0);
        let crm = project(&mut board, "CRM", 5_000.0);
        let li = PersonId::random();
        board.add_person(li.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
        let week = IsoWeek::new(2026, 49).unwrap();
        let saved = board.snapshot();

        board.set_project_budget(&erp, 300_000.0).unwrap();
        board.set_project_stage(&erp, Stage::Approved).unwrap();
        board.rename_project(&erp, "ERP renewal").unwrap();
        board.delete_project(&crm).unwrap();
        project(&mut board, "Data platform", 0.0);
        board.set_capacity(&li, 32.0).unwrap();
        board.set_allocation(&erp, &li, week, 16.0).unwrap();
        let ours = board.snapshot();

        let lines: Vec<String> = differences(&saved, &ours).iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "Project “ERP renewal”: name “ERP renewal” (saved: “ERP”)",
                "Project “ERP renewal”: stage approved (saved: proposed)",
                "Project “ERP renewal”: budget 300,000 (saved: 100,000)",
                "New project “Data platform”, stage proposed, budget 0",
                "Deleted project “CRM”",
                "Person “Li Wei”: 32 h a week (saved: 40 h)",
                "Li Wei on “ERP renewal” in 2026-W49: 16 h (saved: 0 h)",
            ]
        );
    }
}

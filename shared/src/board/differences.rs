//! What one copy of a board has that another does not, in words a PMO member can read and
//! copy: for edits the server refused (the person became a viewer while they were offline, say),
//! which the app takes off the board and keeps aside as text.
//!
//! Only what the board's pages edit is described (the board's name, projects' name, stage and
//! budget, people's name and capacity, bookings); anything else changed is counted in one line,
//! so nothing is silently left out.

use std::collections::BTreeMap;

use super::BoardSnapshot;
use crate::format::{self, Locale};

/// One line per difference from `saved` (what the server holds) to `ours`, in a stable order:
/// the board, projects in `ours`' priority order, then removed projects, people, bookings.
pub fn differences(saved: &BoardSnapshot, ours: &BoardSnapshot) -> Vec<String> {
    let mut lines = Vec::new();
    if saved.name != ours.name {
        lines.push(format!("Board name: “{}” (saved: “{}”)", ours.name, saved.name));
    }
    for project in &ours.projects {
        let Some(before) = saved.project(&project.id) else {
            lines.push(format!(
                "New project “{}”, stage {}, budget {}",
                project.name,
                project.stage.as_str(),
                format::amount(Locale::En, project.budget)
            ));
            continue;
        };
        if before.name != project.name {
            lines.push(format!("Project “{}”: name “{}” (saved: “{}”)", project.name, project.name, before.name));
        }
        if before.stage != project.stage {
            lines.push(format!(
                "Project “{}”: stage {} (saved: {})",
                project.name,
                project.stage.as_str(),
                before.stage.as_str()
            ));
        }
        if before.budget != project.budget {
            lines.push(format!(
                "Project “{}”: budget {} (saved: {})",
                project.name,
                format::amount(Locale::En, project.budget),
                format::amount(Locale::En, before.budget)
            ));
        }
    }
    for project in &saved.projects {
        if ours.project(&project.id).is_none() {
            lines.push(format!("Deleted project “{}”", project.name));
        }
    }
    for person in &ours.people {
        match saved.person(&person.id) {
            None => lines.push(format!("New person “{}”, {} h a week", person.name, person.capacity_hours_per_week)),
            Some(before) => {
                if before.name != person.name {
                    lines.push(format!("Person “{}”: name (saved: “{}”)", person.name, before.name));
                }
                if before.capacity_hours_per_week != person.capacity_hours_per_week {
                    lines.push(format!(
                        "Person “{}”: {} h a week (saved: {} h)",
                        person.name, person.capacity_hours_per_week, before.capacity_hours_per_week
                    ));
                }
            }
        }
    }
    for person in &saved.people {
        if ours.person(&person.id).is_none() {
            lines.push(format!("Removed person “{}”", person.name));
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
        lines.push(format!("{person} on “{project}” in {week}: {now} h (saved: {before} h)"));
    }
    if lines.is_empty() && saved != ours {
        lines.push("Other changes to the board (not shown on these pages)".to_owned());
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

        assert_eq!(
            differences(&saved, &ours),
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

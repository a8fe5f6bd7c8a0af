//! Capacity against demand (产能与分配): each person's booked hours per week, set against what
//! they can work, and the cells where they are over capacity.
//!
//! ```
//! use shared::{board::{Board, NewProject}, capacity, IsoWeek, PersonId, ProjectId, Stage};
//! let mut board = Board::new("Portfolio").unwrap();
//! let (erp, crm, li) = (ProjectId::random(), ProjectId::random(), PersonId::random());
//! for id in [&erp, &crm] {
//!     let new = NewProject { name: "Project".into(), stage: Stage::Active, budget: 0.0 };
//!     board.add_project(id.clone(), new).unwrap();
//! }
//! board.add_person(li.clone(), "Li Wei", 40.0).unwrap();
//! let week: IsoWeek = "2026-W48".parse().unwrap();
//! board.set_allocation(&erp, &li, week, 30.0).unwrap();
//! board.set_allocation(&crm, &li, week, 16.0).unwrap();
//!
//! let loads = capacity::weekly_load(&board.snapshot(), &[week]);
//! assert_eq!(loads[0].weeks[0].allocated_hours, 46.0);
//! assert!(loads[0].weeks[0].is_over_capacity());
//! ```

use std::collections::HashMap;

use crate::{
    board::{BoardSnapshot, PersonId},
    week::IsoWeek,
};

/// One person in one week.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekLoad {
    pub week: IsoWeek,
    /// Sum of the person's allocations over all projects that week.
    pub allocated_hours: f64,
    pub capacity_hours: f64,
}

impl WeekLoad {
    /// Booked for more than they can work. Hours are entered in steps far coarser than
    /// floating-point error, so the comparison needs no tolerance beyond a rounding guard.
    pub fn is_over_capacity(&self) -> bool {
        self.allocated_hours > self.capacity_hours + 1e-9
    }

    /// Allocated ÷ capacity; `None` when the person has no capacity that week.
    pub fn utilisation(&self) -> Option<f64> {
        (self.capacity_hours > 0.0).then(|| self.allocated_hours / self.capacity_hours)
    }
}

/// One person's load over a run of weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonLoad {
    pub person: PersonId,
    pub name: String,
    /// In the order of the weeks asked for.
    pub weeks: Vec<WeekLoad>,
}

/// Each person's allocated hours in each of `weeks` against their weekly capacity, people in
/// the snapshot's order.
pub fn weekly_load(board: &BoardSnapshot, weeks: &[IsoWeek]) -> Vec<PersonLoad> {
    let mut booked: HashMap<(&PersonId, IsoWeek), f64> = HashMap::new();
    for allocation in &board.allocations {
        *booked.entry((&allocation.person, allocation.week)).or_default() += allocation.hours;
    }
    board
        .people
        .iter()
        .map(|person| PersonLoad {
            person: person.id.clone(),
            name: person.name.clone(),
            weeks: weeks
                .iter()
                .map(|&week| WeekLoad {
                    week,
                    allocated_hours: booked.get(&(&person.id, week)).copied().unwrap_or(0.0),
                    capacity_hours: person.capacity_hours_per_week,
                })
                .collect(),
        })
        .collect()
}

/// The (person, week) cells booked over capacity, in person then week order.
pub fn over_allocated(board: &BoardSnapshot, weeks: &[IsoWeek]) -> Vec<(PersonId, WeekLoad)> {
    weekly_load(board, weeks)
        .into_iter()
        .flat_map(|load| {
            let person = load.person;
            load.weeks
                .into_iter()
                .filter(WeekLoad::is_over_capacity)
                .map(move |week| (person.clone(), week))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Board, NewProject, ProjectId, Stage};

    /// Builds a board from (person, capacity) and (project, person, week, hours) rows.
    fn board(people: &[(&str, f64)], bookings: &[(&str, &str, &str, f64)]) -> (Board, HashMap<String, PersonId>) {
        let mut board = Board::new("Portfolio").unwrap();
        let mut person_ids = HashMap::new();
        for (name, capacity) in people {
            let id = PersonId::random();
            board.add_person(id.clone(), name, *capacity).unwrap();
            person_ids.insert(name.to_string(), id);
        }
        let mut project_ids: HashMap<String, ProjectId> = HashMap::new();
        for (project, person, week, hours) in bookings {
            let project_id = project_ids
                .entry(project.to_string())
                .or_insert_with(|| {
                    let id = ProjectId::random();
                    let new = NewProject { name: project.to_string(), stage: Stage::Active, budget: 0.0 };
                    board.add_project(id.clone(), new).unwrap();
                    id
                })
                .clone();
            board
                .set_allocation(&project_id, &person_ids[*person], week.parse().unwrap(), *hours)
                .unwrap();
        }
        (board, person_ids)
    }

    #[test]
    fn sums_hours_per_person_and_week_and_flags_overload() {
        let (board, people) = board(
            &[("Li", 40.0), ("Wang", 20.0)],
            &[
                ("ERP", "Li", "2026-W48", 24.0),
                ("CRM", "Li", "2026-W48", 24.0),
                ("ERP", "Li", "2026-W49", 40.0),
                ("CRM", "Wang", "2026-W48", 10.0),
            ],
        );
        let weeks: Vec<IsoWeek> = ["2026-W48", "2026-W49"].map(|w| w.parse().unwrap()).to_vec();
        let loads = weekly_load(&board.snapshot(), &weeks);
        // (person, week index, allocated, over?)
        let expected = [("Li", 0, 48.0, true), ("Li", 1, 40.0, false), ("Wang", 0, 10.0, false), ("Wang", 1, 0.0, false)];
        for (name, week, allocated, over) in expected {
            let load = loads.iter().find(|l| l.name == name).unwrap();
            assert_eq!(load.weeks[week].allocated_hours, allocated, "{name} week {week}");
            assert_eq!(load.weeks[week].is_over_capacity(), over, "{name} week {week}");
        }
        let over = over_allocated(&board.snapshot(), &weeks);
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].0, people["Li"]);
        assert_eq!(over[0].1.utilisation(), Some(1.2));
    }

    #[test]
    fn no_capacity_means_no_utilisation() {
        let load = WeekLoad { week: "2026-W48".parse().unwrap(), allocated_hours: 4.0, capacity_hours: 0.0 };
        assert_eq!(load.utilisation(), None);
        assert!(load.is_over_capacity());
    }
}

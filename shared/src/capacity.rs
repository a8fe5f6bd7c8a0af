//! Capacity against demand (产能与分配): each person's booked hours per week, set against what
//! they can work, and the cells where they are over capacity.
//!
//! ```
//! use shared::{board::{Board, NewPerson, NewProject}, capacity, IsoWeek, PersonId, ProjectId, Stage};
//! let mut board = Board::new("Portfolio").unwrap();
//! let (erp, crm, li) = (ProjectId::random(), ProjectId::random(), PersonId::random());
//! for id in [&erp, &crm] {
//!     let new = NewProject { name: "Project".into(), stage: Stage::Active, budget: 0.0 };
//!     board.add_project(id.clone(), new).unwrap();
//! }
//! board.add_person(li.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
//! let week: IsoWeek = "2026-W48".parse().unwrap();
//! board.set_allocation(&erp, &li, week, 30.0).unwrap();
//! board.set_allocation(&crm, &li, week, 16.0).unwrap();
//!
//! let loads = capacity::weekly_load(&board.snapshot(), &[week]);
//! assert_eq!(loads[0].weeks[0].allocated_hours, 46.0);
//! assert!(loads[0].weeks[0].is_over_capacity());
//! ```

use std::collections::{BTreeMap, HashMap};

use crate::{
    board::{BoardSnapshot, PersonId, ProjectId},
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

/// Each person's allocated hours in each of `weeks` against their capacity that week (weekly
/// hours less time off), people in the snapshot's order.
pub fn weekly_load(board: &BoardSnapshot, weeks: &[IsoWeek]) -> Vec<PersonLoad> {
    // Sum into a people × weeks grid; the week is looked up first because most allocations of
    // a year-long plan fall outside a 12-week horizon.
    let week_index: HashMap<IsoWeek, usize> = weeks.iter().enumerate().map(|(i, &week)| (week, i)).collect();
    let person_index: HashMap<&PersonId, usize> = board.people.iter().enumerate().map(|(i, p)| (&p.id, i)).collect();
    let mut booked = vec![0.0; board.people.len() * weeks.len()];
    for allocation in board.allocations.iter() {
        if let Some(&week) = week_index.get(&allocation.week) {
            if let Some(&person) = person_index.get(&allocation.person) {
                booked[person * weeks.len() + week] += allocation.hours;
            }
        }
    }
    board
        .people
        .iter()
        .enumerate()
        .map(|(person_number, person)| PersonLoad {
            person: person.id.clone(),
            name: person.name.clone(),
            weeks: weeks
                .iter()
                .enumerate()
                .map(|(week_number, &week)| WeekLoad {
                    week,
                    allocated_hours: booked[person_number * weeks.len() + week_number],
                    capacity_hours: person.capacity_in(week),
                })
                .collect(),
        })
        .collect()
}

/// The (person, week) cells booked over capacity, in person then week order.
pub fn over_allocated(board: &BoardSnapshot, weeks: &[IsoWeek]) -> Vec<(PersonId, WeekLoad)> {
    over_allocated_in(&weekly_load(board, weeks))
}

/// The cells over capacity in loads already computed by [`weekly_load`].
pub fn over_allocated_in(loads: &[PersonLoad]) -> Vec<(PersonId, WeekLoad)> {
    loads
        .iter()
        .flat_map(|load| {
            load.weeks.iter().filter(|week| week.is_over_capacity()).map(|week| (load.person.clone(), week.clone()))
        })
        .collect()
}

/// How to group people for a roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Team,
    Role,
}

/// A team's or a role's load over a run of weeks: the sums over its members.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupLoad {
    /// The team or role; people with none are grouped under "".
    pub group: String,
    pub members: usize,
    pub weeks: Vec<WeekLoad>,
}

/// Demand against capacity per team or per role and week, groups in name order. A group is
/// over capacity in a week when its members together are booked for more than they have,
/// even if one member's spare hours could not really cover another's overload.
pub fn group_load(board: &BoardSnapshot, weeks: &[IsoWeek], grouping: Grouping) -> Vec<GroupLoad> {
    group_load_in(board, &weekly_load(board, weeks), grouping)
}

/// [`group_load`] from loads already computed by [`weekly_load`] on the same snapshot.
pub fn group_load_in(board: &BoardSnapshot, loads: &[PersonLoad], grouping: Grouping) -> Vec<GroupLoad> {
    let mut groups: BTreeMap<String, GroupLoad> = BTreeMap::new();
    for (person, load) in board.people.iter().zip(loads) {
        let name = match grouping {
            Grouping::Team => person.team.clone(),
            Grouping::Role => person.role.clone(),
        };
        let group = groups.entry(name.clone()).or_insert_with(|| GroupLoad {
            group: name,
            members: 0,
            weeks: load
                .weeks
                .iter()
                .map(|week| WeekLoad { week: week.week, allocated_hours: 0.0, capacity_hours: 0.0 })
                .collect(),
        });
        group.members += 1;
        for (sum, week) in group.weeks.iter_mut().zip(&load.weeks) {
            sum.allocated_hours += week.allocated_hours;
            sum.capacity_hours += week.capacity_hours;
        }
    }
    groups.into_values().collect()
}

/// Allocated hours ÷ capacity hours over everyone and every week in `weeks` (资源利用率);
/// `None` when there is no capacity at all.
pub fn utilisation(board: &BoardSnapshot, weeks: &[IsoWeek]) -> Option<f64> {
    let (allocated, capacity) = weekly_load(board, weeks)
        .iter()
        .flat_map(|load| &load.weeks)
        .fold((0.0, 0.0), |(a, c), week| (a + week.allocated_hours, c + week.capacity_hours));
    (capacity > 0.0).then(|| allocated / capacity)
}

/// Hours each project needs per role and week, from its allocations and the roles of the
/// people booked: the demand side of portfolio selection.
pub fn project_role_demand(board: &BoardSnapshot) -> BTreeMap<ProjectId, BTreeMap<(String, IsoWeek), f64>> {
    let roles: HashMap<&PersonId, &str> = board.people.iter().map(|p| (&p.id, p.role.as_str())).collect();
    let mut demand: BTreeMap<ProjectId, BTreeMap<(String, IsoWeek), f64>> = BTreeMap::new();
    for allocation in board.allocations.iter() {
        let role = roles.get(&allocation.person).copied().unwrap_or_default().to_owned();
        *demand.entry(allocation.project.clone()).or_default().entry((role, allocation.week)).or_default() +=
            allocation.hours;
    }
    demand
}

/// Capacity per role and week (weekly hours less time off, summed over the role's people).
pub fn role_capacity(board: &BoardSnapshot, weeks: &[IsoWeek]) -> BTreeMap<(String, IsoWeek), f64> {
    let mut capacity = BTreeMap::new();
    for person in board.people.iter() {
        for &week in weeks {
            *capacity.entry((person.role.clone(), week)).or_default() += person.capacity_in(week);
        }
    }
    capacity
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
            board.add_person(id.clone(), crate::board::NewPerson::named(name, *capacity)).unwrap();
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
            board.set_allocation(&project_id, &person_ids[*person], week.parse().unwrap(), *hours).unwrap();
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
        let expected =
            [("Li", 0, 48.0, true), ("Li", 1, 40.0, false), ("Wang", 0, 10.0, false), ("Wang", 1, 0.0, false)];
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

    #[test]
    fn rolls_up_by_team_and_role_with_time_off() {
        let mut board = Board::new("Portfolio").unwrap();
        let erp = ProjectId::random();
        board.add_project(erp.clone(), NewProject { name: "ERP".into(), stage: Stage::Active, budget: 0.0 }).unwrap();
        let week: IsoWeek = "2026-W50".parse().unwrap();
        // (name, team, role, capacity, time off, booked on ERP)
        let people = [
            ("Li", "Core", "developer", 40.0, 0.0, 30.0),
            ("Wang", "Core", "analyst", 40.0, 16.0, 30.0),
            ("Zhao", "Data", "developer", 20.0, 0.0, 5.0),
        ];
        for (name, team, role, capacity, off, booked) in people {
            let id = PersonId::random();
            let new = crate::board::NewPerson {
                name: name.into(),
                role: role.into(),
                team: team.into(),
                capacity_hours_per_week: capacity,
            };
            board.add_person(id.clone(), new).unwrap();
            board.set_time_off(&id, week, off).unwrap();
            board.set_allocation(&erp, &id, week, booked).unwrap();
        }
        let snapshot = board.snapshot();
        // Core: booked 30 + 30 = 60 against 40 + (40 − 16) = 64; Data: 5 against 20.
        let teams = group_load(&snapshot, &[week], Grouping::Team);
        let summary: Vec<(&str, usize, f64, f64)> = teams
            .iter()
            .map(|g| (g.group.as_str(), g.members, g.weeks[0].allocated_hours, g.weeks[0].capacity_hours))
            .collect();
        assert_eq!(summary, [("Core", 2, 60.0, 64.0), ("Data", 1, 5.0, 20.0)]);
        // Wang alone is over: 30 booked against 24.
        let over = over_allocated(&snapshot, &[week]);
        assert_eq!(over.len(), 1);
        assert_eq!(over[0].1.capacity_hours, 24.0);
        // Developers: 35 of 60; analysts: 30 of 24.
        let roles = group_load(&snapshot, &[week], Grouping::Role);
        assert!(roles[0].group == "analyst" && roles[0].weeks[0].is_over_capacity());
        assert_eq!(roles[1].weeks[0].utilisation(), Some(35.0 / 60.0));
        // Everyone: 65 of 84.
        assert_eq!(utilisation(&snapshot, &[week]), Some(65.0 / 84.0));
        let demand = project_role_demand(&snapshot);
        assert_eq!(demand[&erp][&("developer".to_string(), week)], 35.0);
        assert_eq!(role_capacity(&snapshot, &[week])[&("analyst".to_string(), week)], 24.0);
    }
}

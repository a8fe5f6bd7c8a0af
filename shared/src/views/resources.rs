//! The resources page (资源): a people × weeks capacity heat map, grouped by team or role with
//! the group's totals, each cell coloured by load against capacity; the over-allocations; the
//! bookings that make up one cell; utilisation per person and group.

use std::collections::HashMap;

use crate::{
    board::{BoardSnapshot, Person},
    capacity::{self, Grouping, WeekLoad},
    views::long_list,
    week::IsoWeek,
    PersonId, ProjectId,
};

/// How full a cell is: load ÷ capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Nothing booked and nothing to book: the whole week is off (or the person has no capacity).
    Off,
    /// Nothing booked.
    Free,
    /// Below [`NEAR_FROM`] of capacity.
    Under,
    /// From [`NEAR_FROM`] up to capacity.
    Near,
    /// Above capacity.
    Over,
}

/// A cell is "near" capacity from 80 % of it.
pub const NEAR_FROM: f64 = 0.8;

impl Level {
    pub fn of(load: &WeekLoad) -> Level {
        if load.is_over_capacity() {
            Level::Over
        } else if load.allocated_hours <= 0.0 {
            if load.capacity_hours <= 0.0 {
                Level::Off
            } else {
                Level::Free
            }
        } else if load.allocated_hours >= NEAR_FROM * load.capacity_hours - 1e-9 {
            Level::Near
        } else {
            Level::Under
        }
    }

    /// The CSS class and the word a screen reader says.
    pub fn name(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Free => "free",
            Level::Under => "under",
            Level::Near => "near",
            Level::Over => "over",
        }
    }
}

/// One cell: a person's (or a group's) week.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub week: IsoWeek,
    pub booked: f64,
    /// Capacity that week, time off taken out.
    pub capacity: f64,
    pub time_off: f64,
    pub level: Level,
}

impl Cell {
    fn new(load: &WeekLoad, time_off: f64) -> Cell {
        Cell {
            week: load.week,
            booked: load.allocated_hours,
            capacity: load.capacity_hours,
            time_off,
            level: Level::of(load),
        }
    }
}

/// A person's line of the heat map.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonLine {
    pub person: PersonId,
    pub name: String,
    pub role: String,
    pub team: String,
    pub capacity_hours_per_week: f64,
    pub cells: Vec<Cell>,
    /// Booked ÷ capacity over the weeks shown; `None` without capacity.
    pub utilisation: Option<f64>,
}

/// A team's or role's block: its people and its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The team or role; "" for people without one (and for the single group when ungrouped).
    pub name: String,
    pub people: Vec<PersonLine>,
    pub totals: Vec<Cell>,
    pub utilisation: Option<f64>,
}

fn utilisation(cells: &[Cell]) -> Option<f64> {
    let (booked, capacity) = cells.iter().fold((0.0, 0.0), |(b, c), cell| (b + cell.booked, c + cell.capacity));
    (capacity > 0.0).then(|| booked / capacity)
}

fn key(person: &Person, grouping: Option<Grouping>) -> String {
    match grouping {
        None => String::new(),
        Some(Grouping::Team) => person.team.clone(),
        Some(Grouping::Role) => person.role.clone(),
    }
}

/// The heat map over `weeks`: one group with everyone (`grouping` `None`), or one group per team
/// or role in name order, the unnamed group last.
pub fn heat_map(board: &BoardSnapshot, weeks: &[IsoWeek], grouping: Option<Grouping>) -> Vec<Group> {
    let loads = capacity::weekly_load(board, weeks);
    let mut groups: Vec<Group> = Vec::new();
    for (person, load) in board.people.iter().zip(&loads) {
        let cells: Vec<Cell> = load
            .weeks
            .iter()
            .map(|week| Cell::new(week, person.time_off.get(&week.week).copied().unwrap_or(0.0)))
            .collect();
        let line = PersonLine {
            person: person.id.clone(),
            name: person.name.clone(),
            role: person.role.clone(),
            team: person.team.clone(),
            capacity_hours_per_week: person.capacity_hours_per_week,
            utilisation: utilisation(&cells),
            cells,
        };
        let name = key(person, grouping);
        match groups.iter_mut().find(|group| group.name == name) {
            Some(group) => group.people.push(line),
            None => groups.push(Group { name, people: vec![line], totals: Vec::new(), utilisation: None }),
        }
    }
    for group in &mut groups {
        group.totals = weeks
            .iter()
            .enumerate()
            .map(|(index, &week)| {
                let sum = |f: fn(&Cell) -> f64| group.people.iter().map(|line| f(&line.cells[index])).sum::<f64>();
                let load = WeekLoad { week, allocated_hours: sum(|c| c.booked), capacity_hours: sum(|c| c.capacity) };
                Cell::new(&load, sum(|c| c.time_off))
            })
            .collect();
        group.utilisation = utilisation(&group.totals);
    }
    groups.sort_by(|a, b| (a.name.is_empty(), &a.name).cmp(&(b.name.is_empty(), &b.name)));
    groups
}

/// A person booked over capacity in a week.
#[derive(Debug, Clone, PartialEq)]
pub struct OverAllocation {
    pub person: PersonId,
    pub name: String,
    pub week: IsoWeek,
    pub booked: f64,
    pub capacity: f64,
}

impl OverAllocation {
    pub fn excess(&self) -> f64 {
        self.booked - self.capacity
    }
}

/// The person-weeks over capacity in a heat map already computed by [`heat_map`] (any grouping),
/// the same list as [`over_allocations`], without adding up the bookings a second time (the
/// resources page shows both, and computes them again on every change).
pub fn over_allocations_in(groups: &[Group]) -> Vec<OverAllocation> {
    let mut list: Vec<OverAllocation> = groups
        .iter()
        .flat_map(|group| &group.people)
        .flat_map(|line| {
            line.cells.iter().filter(|cell| cell.level == Level::Over).map(|cell| OverAllocation {
                person: line.person.clone(),
                name: line.name.clone(),
                week: cell.week,
                booked: cell.booked,
                capacity: cell.capacity,
            })
        })
        .collect();
    list.sort_by(order);
    list
}

/// Every person-week over capacity in `weeks`, in week then name order (ties by id).
pub fn over_allocations(board: &BoardSnapshot, weeks: &[IsoWeek]) -> Vec<OverAllocation> {
    over_allocations_from(board, &capacity::over_allocated(board, weeks))
}

/// [`over_allocations`] from the cells over capacity already found (the dashboard's
/// `over_allocated`, which the review reads), without adding up the bookings again.
pub fn over_allocations_from(board: &BoardSnapshot, over: &[(PersonId, WeekLoad)]) -> Vec<OverAllocation> {
    let mut list: Vec<OverAllocation> = over
        .iter()
        .map(|(person, load)| OverAllocation {
            name: board.person(person).map(|p| p.name.clone()).unwrap_or_default(),
            person: person.clone(),
            week: load.week,
            booked: load.allocated_hours,
            capacity: load.capacity_hours,
        })
        .collect();
    list.sort_by(order);
    list
}

/// Week, then name, then id (two people of one name keep the snapshot's order, whatever the
/// grouping of the map they were read from).
fn order(a: &OverAllocation, b: &OverAllocation) -> std::cmp::Ordering {
    (a.week, &a.name, &a.person).cmp(&(b.week, &b.name, &b.person))
}

/// The bookings that make up one cell: (project, name, hours) for each project the person is
/// booked on that week, in priority order. One pass over the bookings: the cell's editor
/// recomputes this on every change, and asking each of 1,000 projects for its hours searched
/// 31,200 bookings a thousand times (4 s of script after each edit in the browser benchmark).
pub fn cell_bookings(board: &BoardSnapshot, person: &PersonId, week: IsoWeek) -> Vec<(ProjectId, String, f64)> {
    let booked: HashMap<&ProjectId, f64> = board
        .allocations
        .iter()
        .filter(|a| a.week == week && &a.person == person && a.hours > 0.0)
        .map(|a| (&a.project, a.hours))
        .collect();
    if booked.is_empty() {
        return Vec::new();
    }
    board
        .projects
        .iter()
        .filter_map(|project| booked.get(&project.id).map(|&hours| (project.id.clone(), project.name.clone(), hours)))
        .collect()
}

/// `count` weeks from `first` on, for a bulk booking; refused when `count` is 0 or more than a
/// year, so a typo cannot book a decade.
pub fn bulk_weeks(first: IsoWeek, count: usize) -> Result<Vec<IsoWeek>, String> {
    if count == 0 || count > 53 {
        return Err(format!("book between 1 and 53 weeks, not {count}"));
    }
    Ok(first.span(count))
}

/// A long heat map is drawn a window at a time (the page's rows near the window): these say
/// which of its lines to draw. A line is a person's row, or a group's heading when grouped.
///
/// Lines of the heat map drawn beyond the window's edges, above and below: the arrow keys
/// always find the next row drawn, and a slow scroll shows rows already there.
pub const SPARE_LINES: usize = 8;
/// The drawn lines move in steps of this many, so that scrolling draws a few rows at a time
/// instead of one row every frame.
pub const LINE_STEP: usize = 8;

/// The lines of the heat map's body to draw, `first..end`, when the body's top is at
/// `body_top` in a window `window_height` high and each line is `line_px` high: those in the
/// window and [`SPARE_LINES`] on each side ([`long_list::shown`]), rounded out to [`LINE_STEP`].
pub fn drawn_lines(body_top: f64, window_height: f64, line_px: f64, lines: usize) -> (usize, usize) {
    let shown = long_list::shown(lines, body_top, window_height, line_px, SPARE_LINES);
    let first = shown.start / LINE_STEP * LINE_STEP;
    (first, (shown.end.div_ceil(LINE_STEP) * LINE_STEP).clamp(first, lines))
}

/// The lines to draw next, `first..end`, when `drawn` are drawn and the window wants `window`
/// ([`drawn_lines`]) out of `lines`: lines once drawn stay drawn, so that scrolling back over
/// them builds nothing again, unless the window jumped clear of them (the End key, a click
/// on the scroll bar), when only the window's lines are drawn rather than every line between.
pub fn kept_lines(drawn: (usize, usize), window: (usize, usize), lines: usize) -> (usize, usize) {
    let drawn = (drawn.0.min(lines), drawn.1.min(lines));
    let window = (window.0.min(lines), window.1.min(lines));
    if drawn.0 >= drawn.1 || window.0 > drawn.1 || window.1 < drawn.0 {
        return window;
    }
    (drawn.0.min(window.0), drawn.1.max(window.1))
}

/// The drawn lines grown by one [`LINE_STEP`] while the page is idle (one step an animation
/// frame after the first window is drawn): below first, then above, until every line is
/// drawn, so the heat map opens as fast as a window and then scrolls without building rows.
/// `None` once every line is drawn.
pub fn filled_lines((first, end): (usize, usize), lines: usize) -> Option<(usize, usize)> {
    let (first, end) = (first.min(lines), end.min(lines));
    if end < lines {
        Some((first, (end + LINE_STEP).min(lines)))
    } else if first > 0 {
        Some((first.saturating_sub(LINE_STEP), end))
    } else {
        None
    }
}

/// One group's part of the drawn lines: its heading (if it is drawn) and its people drawn,
/// each with its row number among all the map's people (the arrow keys' `data-row`).
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnGroup {
    /// The grouping and the group's name: the `<tbody>`'s key.
    pub key: String,
    pub name: String,
    pub members: usize,
    pub head: bool,
    pub people: Vec<(PersonId, usize)>,
}

/// The groups with something in `first..end` of the map's lines: a group's heading is a line
/// (when the map is grouped), then its people.
pub fn drawn_groups(
    layout: &[(String, Vec<PersonId>)],
    grouping: Option<Grouping>,
    (first, end): (usize, usize),
) -> Vec<DrawnGroup> {
    let grouped = grouping.is_some();
    let drawn = |line: usize| first <= line && line < end;
    let (mut line, mut row) = (0, 0);
    let mut groups = Vec::new();
    for (name, people) in layout {
        let head = grouped && drawn(line);
        line += usize::from(grouped);
        let mut drawn_people = Vec::new();
        for person in people {
            if drawn(line) {
                drawn_people.push((person.clone(), row));
            }
            line += 1;
            row += 1;
        }
        if head || !drawn_people.is_empty() {
            groups.push(DrawnGroup {
                key: format!("{grouping:?}/{name}"),
                name: name.clone(),
                members: people.len(),
                head,
                people: drawn_people,
            });
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Board, NewPerson, NewProject, Stage};

    fn load(booked: f64, capacity: f64) -> WeekLoad {
        WeekLoad { week: IsoWeek::new(2026, 1).unwrap(), allocated_hours: booked, capacity_hours: capacity }
    }

    #[test]
    fn levels_by_load_against_capacity() {
        let cases = [
            (0.0, 40.0, Level::Free),
            (0.0, 0.0, Level::Off),
            (8.0, 40.0, Level::Under),
            (31.0, 40.0, Level::Under),
            (32.0, 40.0, Level::Near), // exactly 80 %
            (40.0, 40.0, Level::Near),
            (41.0, 40.0, Level::Over),
            (4.0, 0.0, Level::Over), // booked in a week entirely off
        ];
        for (booked, capacity, level) in cases {
            assert_eq!(Level::of(&load(booked, capacity)), level, "{booked}/{capacity}");
        }
    }

    /// Li (dev, Core, 40 h), Wang (dev, Apps, 40 h), Zhao (analyst, Core, 20 h, 8 h off in week 2).
    /// Week 1: Li 48 on ERP+CRM, Wang 20, Zhao 16. Week 2: Li 40, Zhao 12.
    fn team_board() -> (BoardSnapshot, Vec<IsoWeek>) {
        let (board, weeks) = team_board_to_edit();
        (board.snapshot(), weeks)
    }

    fn team_board_to_edit() -> (Board, Vec<IsoWeek>) {
        let mut board = Board::new("Capacity").unwrap();
        let (erp, crm): (ProjectId, ProjectId) = ("erp".parse().unwrap(), "crm".parse().unwrap());
        for (id, name) in [(&erp, "ERP"), (&crm, "CRM")] {
            board.add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Active, budget: 0.0 }).unwrap();
        }
        let people = [
            ("li", "Li", "developer", "Core", 40.0),
            ("wang", "Wang", "developer", "Apps", 40.0),
            ("zhao", "Zhao", "analyst", "Core", 20.0),
        ];
        for (id, name, role, team, capacity) in people {
            let new = NewPerson {
                name: name.into(),
                role: role.into(),
                team: team.into(),
                capacity_hours_per_week: capacity,
            };
            board.add_person(id.parse().unwrap(), new).unwrap();
        }
        let weeks = IsoWeek::new(2027, 1).unwrap().span(2);
        let person = |id: &str| id.parse::<PersonId>().unwrap();
        board.set_time_off(&person("zhao"), weeks[1], 8.0).unwrap();
        for (project, who, week, hours) in [
            (&erp, "li", 0, 24.0),
            (&crm, "li", 0, 24.0),
            (&erp, "wang", 0, 20.0),
            (&crm, "zhao", 0, 16.0),
            (&erp, "li", 1, 40.0),
            (&erp, "zhao", 1, 12.0),
        ] {
            board.set_allocation(project, &person(who), weeks[week], hours).unwrap();
        }
        (board, weeks)
    }

    #[test]
    fn ungrouped_map_has_everyone_with_time_off_and_utilisation() {
        let (board, weeks) = team_board();
        let groups = heat_map(&board, &weeks, None);
        assert_eq!(groups.len(), 1);
        let lines = &groups[0].people;
        assert_eq!(lines.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["Li", "Wang", "Zhao"]);
        assert_eq!(lines[0].cells[0].level, Level::Over); // 48 of 40
        assert_eq!(lines[1].cells[0].level, Level::Under); // 20 of 40
                                                           // Zhao, week 2: 20 − 8 off = 12 capacity, 12 booked: near (full).
        assert_eq!(
            (lines[2].cells[1].capacity, lines[2].cells[1].time_off, lines[2].cells[1].level),
            (12.0, 8.0, Level::Near)
        );
        // Li: 88 booked of 80 over the two weeks = 1.1.
        assert_eq!(lines[0].utilisation, Some(1.1));
        // Zhao: 28 of 32 = 0.875.
        assert_eq!(lines[2].utilisation, Some(0.875));
    }

    #[test]
    fn groups_by_team_and_role_sum_their_members() {
        let (board, weeks) = team_board();
        let teams = heat_map(&board, &weeks, Some(Grouping::Team));
        assert_eq!(teams.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["Apps", "Core"]);
        let core = &teams[1];
        // Core, week 1: Li 48 + Zhao 16 = 64 of 60: over. Week 2: 40 + 12 = 52 of 52: near.
        assert_eq!((core.totals[0].booked, core.totals[0].capacity, core.totals[0].level), (64.0, 60.0, Level::Over));
        assert_eq!((core.totals[1].booked, core.totals[1].capacity, core.totals[1].level), (52.0, 52.0, Level::Near));
        assert_eq!(core.totals[1].time_off, 8.0);
        // 116 of 112.
        assert_eq!(core.utilisation, Some(116.0 / 112.0));
        let roles = heat_map(&board, &weeks, Some(Grouping::Role));
        assert_eq!(
            roles.iter().map(|g| (g.name.as_str(), g.people.len())).collect::<Vec<_>>(),
            [("analyst", 1), ("developer", 2)]
        );
        // Developers, week 1: 48 + 20 = 68 of 80 = 85 %: near.
        assert_eq!(roles[1].totals[0].level, Level::Near);
    }

    #[test]
    fn over_allocations_and_cell_bookings() {
        let (board, weeks) = team_board();
        let over = over_allocations(&board, &weeks);
        assert_eq!(over.len(), 1);
        assert_eq!((over[0].name.as_str(), over[0].week, over[0].excess()), ("Li", weeks[0], 8.0));
        let li: PersonId = "li".parse().unwrap();
        let cell = cell_bookings(&board, &li, weeks[0]);
        assert_eq!(
            cell.iter().map(|(_, name, hours)| (name.as_str(), *hours)).collect::<Vec<_>>(),
            [("ERP", 24.0), ("CRM", 24.0)]
        );
        // Only what is booked: a project with no hours that week is not part of the cell.
        assert_eq!(
            cell_bookings(&board, &li, weeks[1]).iter().map(|(_, name, _)| name.as_str()).collect::<Vec<_>>(),
            ["ERP"]
        );
    }

    /// The over-allocations read off the heat map, in any grouping, are the ones computed from
    /// the bookings, in the same order: on seeded random boards where people share names, teams
    /// and roles, take time off and are booked from nothing to far over capacity.
    #[test]
    fn over_allocations_from_the_map_are_the_computed_ones() {
        let weeks = IsoWeek::new(2027, 1).unwrap().span(4);
        for seed in 1..=40u64 {
            let mut state = seed;
            let mut next = |below: u64| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 33) % below
            };
            let mut board = Board::new("Random").unwrap();
            let projects: Vec<ProjectId> = (0..3)
                .map(|n| {
                    let id = ProjectId::random();
                    let new = NewProject { name: format!("P{n}"), stage: Stage::Active, budget: 0.0 };
                    board.add_project(id.clone(), new).unwrap();
                    id
                })
                .collect();
            let people: Vec<PersonId> = (0..2 + next(6))
                .map(|_| {
                    let id = PersonId::random();
                    let new = NewPerson {
                        name: ["Li", "Wang", "Zhao"][next(3) as usize].into(),
                        role: ["", "developer", "analyst"][next(3) as usize].into(),
                        team: ["", "Core", "Apps"][next(3) as usize].into(),
                        capacity_hours_per_week: [0.0, 20.0, 40.0][next(3) as usize],
                    };
                    board.add_person(id.clone(), new).unwrap();
                    id
                })
                .collect();
            for _ in 0..next(30) {
                let (person, week) = (&people[next(people.len() as u64) as usize], weeks[next(4) as usize]);
                if next(4) == 0 {
                    board.set_time_off(person, week, next(41) as f64).unwrap();
                } else {
                    let project = &projects[next(3) as usize];
                    board.set_allocation(project, person, week, next(50) as f64).unwrap();
                }
            }
            let snapshot = board.snapshot();
            let computed = over_allocations(&snapshot, &weeks);
            for grouping in [None, Some(Grouping::Team), Some(Grouping::Role)] {
                let read = over_allocations_in(&heat_map(&snapshot, &weeks, grouping));
                assert_eq!(read, computed, "seed {seed}, grouping {grouping:?}");
            }
        }
    }

    /// What the resources page relies on to keep each person's row apart: a booking changes
    /// that person's line alone, and a budget leaves the people and their bookings the very
    /// same lists (the page then keeps its map without computing it).
    #[test]
    fn a_booking_changes_one_line_and_a_budget_keeps_the_lists() {
        let (board, weeks) = team_board_to_edit();
        let mut live = crate::board::LiveBoard::new(board);
        let lines = |board: &BoardSnapshot| -> Vec<PersonLine> {
            heat_map(board, &weeks, Some(Grouping::Team)).into_iter().flat_map(|g| g.people).collect()
        };
        let before = lines(live.snapshot());
        let erp: ProjectId = "erp".parse().unwrap();
        live.board_mut().set_allocation(&erp, &"wang".parse().unwrap(), weeks[1], 30.0).unwrap();
        let after = lines(live.refresh());
        let changed: Vec<&str> =
            after.iter().filter(|line| !before.contains(line)).map(|line| line.name.as_str()).collect();
        assert_eq!(changed, ["Wang"]);
        let lists = crate::board::PeopleAndBookings::of(live.snapshot());
        live.board_mut().set_project_budget(&erp, 5000.0).unwrap();
        assert!(lists.same_in(live.refresh()), "a budget leaves people and bookings alone");
        live.board_mut().set_time_off(&"li".parse().unwrap(), weeks[0], 8.0).unwrap();
        assert!(!lists.same_in(live.refresh()), "time off is the people's");
    }

    #[test]
    fn bulk_weeks_are_bounded() {
        let first = IsoWeek::new(2026, 52).unwrap();
        let weeks = bulk_weeks(first, 3).unwrap();
        assert_eq!(weeks.iter().map(ToString::to_string).collect::<Vec<_>>(), ["2026-W52", "2026-W53", "2027-W01"]);
        assert!(bulk_weeks(first, 0).is_err());
        assert!(bulk_weeks(first, 54).is_err());
    }

    #[test]
    fn draws_the_lines_in_the_window_and_a_few_more() {
        // (body's top in the window, window height, lines) → lines drawn; lines 36 px high.
        let cases = [
            // The table's top in view: from the first line to past the window's bottom.
            ((250.0, 900.0, 300), (0, 32)),
            // Scrolled 100 lines down: lines 100–125 in view.
            ((-3600.0, 900.0, 300), (88, 136)),
            // At the end: never past the last line.
            ((-10_000.0, 900.0, 300), (264, 300)),
            // A small board: everything.
            ((250.0, 900.0, 12), (0, 12)),
            // The table below the window: its first line and the spare lines, rounded to a step.
            ((2000.0, 900.0, 300), (0, 16)),
            ((250.0, 900.0, 0), (0, 0)),
        ];
        for ((body_top, window_height, lines), drawn) in cases {
            assert_eq!(drawn_lines(body_top, window_height, 36.0, lines), drawn, "{body_top} {window_height} {lines}");
        }
        // A few pixels of scrolling draw nothing new: the lines move in steps.
        assert_eq!(drawn_lines(-3600.0, 900.0, 36.0, 300), drawn_lines(-3700.0, 900.0, 36.0, 300));
    }

    #[test]
    fn drawn_lines_stay_drawn_unless_the_window_jumps_clear_of_them() {
        // (drawn, window, lines) → kept
        let cases = [
            // Scrolling down: the window's lines join the drawn ones.
            (((0, 32), (8, 40), 300), (0, 40)),
            // Scrolling back up over drawn lines: nothing changes.
            (((0, 120), (40, 88), 300), (0, 120)),
            // The window touching the drawn lines' end: one run of lines.
            (((0, 32), (32, 64), 300), (0, 64)),
            // A jump to the end: the window alone, not the 200 lines between.
            (((0, 32), (264, 300), 300), (264, 300)),
            (((264, 300), (0, 32), 300), (0, 32)),
            // Nothing drawn yet, or fewer lines than were drawn (a grouping changed).
            (((0, 0), (0, 24), 300), (0, 24)),
            (((0, 300), (0, 16), 12), (0, 12)),
        ];
        for ((drawn, window, lines), kept) in cases {
            assert_eq!(kept_lines(drawn, window, lines), kept, "{drawn:?} {window:?} {lines}");
        }
    }

    #[test]
    fn idle_frames_fill_the_map_a_step_at_a_time_below_then_above() {
        // (drawn, lines) → next
        let cases = [
            (((0, 24), 300), Some((0, 32))),
            (((0, 296), 300), Some((0, 300))),
            (((88, 300), 300), Some((80, 300))),
            (((4, 300), 300), Some((0, 300))),
            (((0, 300), 300), None),
            (((0, 0), 0), None),
        ];
        for ((drawn, lines), next) in cases {
            assert_eq!(filled_lines(drawn, lines), next, "{drawn:?} {lines}");
        }
        // From a window in the middle, every line ends up drawn, in a few dozen frames.
        let (mut drawn, mut frames) = ((120, 168), 0);
        while let Some(next) = filled_lines(drawn, 300) {
            drawn = next;
            frames += 1;
        }
        assert_eq!((drawn, frames), ((0, 300), 32));
    }

    #[test]
    fn drawn_groups_number_rows_across_groups_and_count_headings_as_lines() {
        let id = |n: u32| format!("p{n}").parse::<PersonId>().unwrap();
        let layout = vec![("Apps".to_string(), vec![id(1), id(2)]), ("Core".to_string(), vec![id(3), id(4), id(5)])];
        // Grouped: lines are Apps, p1, p2, Core, p3, p4, p5; lines 2..5 are p2, Core, p3.
        let drawn = drawn_groups(&layout, Some(Grouping::Team), (2, 5));
        let summary: Vec<_> = drawn.iter().map(|g| (g.name.as_str(), g.head, g.members, g.people.clone())).collect();
        assert_eq!(summary, [("Apps", false, 2, vec![(id(2), 1)]), ("Core", true, 3, vec![(id(3), 2)])]);
        // Ungrouped: no headings, rows are lines.
        let drawn = drawn_groups(&[(String::new(), (1..=5).map(id).collect())], None, (3, 8));
        assert_eq!(drawn.len(), 1);
        assert_eq!(drawn[0].people, [(id(4), 3), (id(5), 4)]);
        assert!(!drawn[0].head);
        // The key tells groupings apart: a group of the same name is drawn again.
        assert_ne!(
            drawn_groups(&layout, Some(Grouping::Team), (0, 1))[0].key,
            drawn_groups(&layout, Some(Grouping::Role), (0, 1))[0].key
        );
    }
}

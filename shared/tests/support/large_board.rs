//! The large board the benchmarks and the wasm timing run on: 1,000 projects, 300 people,
//! 52 weeks of allocations (two projects per person per week), 2,000 risks, scores and
//! contributions, built through the public API as people would build it; and, for history and
//! time travel (issue 14), [`add_history`]: 10,000 more changes on top of it.

use shared::{
    board::{Board, CriterionId, Financials, NewPerson, NewProject, NewRisk, ObjectiveId, RiskId},
    history::ChangeHash,
    risk::Roam,
    scoring::Direction,
    IsoWeek, PersonId, ProjectId, Stage,
};

pub const PROJECTS: usize = 1_000;
pub const PEOPLE: usize = 300;
pub const WEEKS: usize = 52;

/// A deterministic pseudo-random sequence (no dependency needed for a benchmark fixture).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

/// Builds the large board through the public API, as people would.
pub fn large_board() -> (Board, Vec<ProjectId>, Vec<PersonId>, Vec<IsoWeek>) {
    let mut random = Lcg(42);
    let mut board = Board::new("Group portfolio").unwrap();
    let criteria: Vec<CriterionId> = (0..3).map(|_| CriterionId::random()).collect();
    for (i, id) in criteria.iter().enumerate() {
        let direction = if i == 2 { Direction::LowerIsBetter } else { Direction::HigherIsBetter };
        board.add_criterion(id.clone(), &format!("Criterion {i}"), (i + 1) as f64, direction).unwrap();
    }
    let objectives: Vec<ObjectiveId> = (0..4).map(|_| ObjectiveId::random()).collect();
    for (i, id) in objectives.iter().enumerate() {
        board.add_objective(id.clone(), &format!("Objective {i}"), 1.0).unwrap();
    }
    let stages = [Stage::Proposed, Stage::Approved, Stage::Active, Stage::Active, Stage::Closed];
    let projects: Vec<ProjectId> = (0..PROJECTS).map(|_| ProjectId::random()).collect();
    for (i, id) in projects.iter().enumerate() {
        let new = NewProject {
            name: format!("Project {i}"),
            stage: stages[i % stages.len()],
            budget: 100_000.0 + (i * 1_000) as f64,
        };
        board.add_project(id.clone(), new).unwrap();
        let financials = Financials {
            actual_cost: 40_000.0,
            planned_value: 50_000.0,
            earned_value: 30_000.0 + random.next(40_000) as f64,
            percent_complete: 40.0,
        };
        board.set_project_financials(id, financials).unwrap();
        for criterion in &criteria {
            board.set_score(id, criterion, Some(random.next(10) as f64)).unwrap();
        }
        for objective in objectives.iter().take(2) {
            board.set_contribution(id, objective, random.next(10) as f64 / 10.0).unwrap();
        }
        for _ in 0..2 {
            let risk = NewRisk {
                title: "Risk".into(),
                probability: 1 + random.next(5) as u8,
                impact: 1 + random.next(5) as u8,
                owner: String::new(),
                mitigation: String::new(),
                roam: Roam::Owned,
            };
            board.add_risk(RiskId::random(), id, risk).unwrap();
        }
    }
    let people: Vec<PersonId> = (0..PEOPLE).map(|_| PersonId::random()).collect();
    let weeks = IsoWeek::new(2027, 1).unwrap().span(WEEKS);
    for (i, id) in people.iter().enumerate() {
        let new = NewPerson {
            name: format!("Person {i}"),
            role: format!("role {}", i % 6),
            team: format!("team {}", i % 12),
            capacity_hours_per_week: 40.0,
        };
        board.add_person(id.clone(), new).unwrap();
        for &week in &weeks {
            for _ in 0..2 {
                let project = &projects[random.next(PROJECTS)];
                board.set_allocation(project, id, week, 8.0 + random.next(20) as f64).unwrap();
            }
        }
    }
    (board, projects, people, weeks)
}

/// How many changes [`add_history`] makes.
#[allow(dead_code)] // Not every benchmark that includes this file uses it.
pub const HISTORY_CHANGES: usize = 10_000;

/// Adds `changes` changes to the large board (the benchmarks make [`HISTORY_CHANGES`]), one per
/// edit, as a PMO team would over months: budgets, bookings, moves and renames in turn, on
/// projects spread over the board. Returns the board's heads after the first half of them: a
/// point in the middle of this history, for time travel and comparisons. The benchmarks (`shared/benches/dashboard.rs`,
/// `server/benches/history_api.rs`) and the wasm timing (`shared/tests/wasm_timing.rs`) all
/// use this history.
#[allow(dead_code)] // Not every benchmark that includes this file uses it.
pub fn add_history(
    board: &mut Board,
    projects: &[ProjectId],
    people: &[PersonId],
    weeks: &[IsoWeek],
    changes: usize,
) -> Vec<ChangeHash> {
    let mut point = Vec::new();
    for change in 0..changes {
        let project = &projects[(change * 7) % projects.len()];
        match change % 4 {
            0 => board.set_project_budget(project, 50_000.0 + change as f64).unwrap(),
            1 => board
                .set_allocation(project, &people[change % people.len()], weeks[change % 12], (change % 9) as f64)
                .unwrap(),
            2 => board.move_project(project, change % 50).unwrap(),
            _ => board.rename_project(project, &format!("Project {change}")).unwrap(),
        }
        if change == changes / 2 {
            point = board.heads();
        }
    }
    point
}

//! How long the board takes at portfolio scale: 1,000 projects, 300 people, 52 weeks of
//! allocations (two projects per person per week: 31,200 cells), 2,000 risks, scores and
//! contributions. Run with `cargo bench -p shared`; criterion prints the figures. The target
//! is that after one edit the dashboard's figures are recomputed within one frame (16 ms).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use shared::{
    board::{Board, CriterionId, LiveBoard, Financials, NewPerson, NewProject, NewRisk, ObjectiveId, RiskId},
    dashboard,
    risk::Roam,
    scoring::Direction,
    IsoWeek, PersonId, ProjectId, Stage,
};

const PROJECTS: usize = 1_000;
const PEOPLE: usize = 300;
const WEEKS: usize = 52;

/// A deterministic pseudo-random sequence (no dependency needed for a benchmark fixture).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

/// Builds the large board through the public API, as people would.
fn large_board() -> (Board, Vec<ProjectId>, Vec<PersonId>, Vec<IsoWeek>) {
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
        let new = NewProject { name: format!("Project {i}"), stage: stages[i % stages.len()], budget: 100_000.0 + (i * 1_000) as f64 };
        board.add_project(id.clone(), new).unwrap();
        let financials = Financials { actual_cost: 40_000.0, planned_value: 50_000.0, earned_value: 30_000.0 + random.next(40_000) as f64, percent_complete: 40.0 };
        board.set_project_financials(id, financials).unwrap();
        for criterion in &criteria {
            board.set_score(id, criterion, Some(random.next(10) as f64)).unwrap();
        }
        for objective in objectives.iter().take(2) {
            board.set_contribution(id, objective, random.next(10) as f64 / 10.0).unwrap();
        }
        for _ in 0..2 {
            let risk = NewRisk { title: "Risk".into(), probability: 1 + random.next(5) as u8, impact: 1 + random.next(5) as u8, owner: String::new(), mitigation: String::new(), roam: Roam::Owned };
            board.add_risk(RiskId::random(), id, risk).unwrap();
        }
    }
    let people: Vec<PersonId> = (0..PEOPLE).map(|_| PersonId::random()).collect();
    let weeks = IsoWeek::new(2027, 1).unwrap().span(WEEKS);
    for (i, id) in people.iter().enumerate() {
        let new = NewPerson { name: format!("Person {i}"), role: format!("role {}", i % 6), team: format!("team {}", i % 12), capacity_hours_per_week: 40.0 };
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

fn benches(c: &mut Criterion) {
    let started = std::time::Instant::now();
    let (mut board, projects, people, weeks) = large_board();
    let bytes = board.save();
    eprintln!(
        "fixture: {} projects, {} people, {} allocations, {} bytes saved, built in {:.1?}",
        projects.len(),
        people.len(),
        board.allocations().len(),
        bytes.len(),
        started.elapsed()
    );
    let horizon = &weeks[..12];

    let mut group = c.benchmark_group("portfolio of 1,000 projects");
    group.sample_size(10);
    group.bench_function("load the document", |b| b.iter(|| Board::load(black_box(&bytes)).unwrap()));
    group.bench_function("read the snapshot", |b| b.iter(|| black_box(&board).snapshot()));
    let snapshot = board.snapshot();
    group.bench_function("recompute the dashboard from a snapshot", |b| {
        b.iter(|| dashboard::compute(black_box(&snapshot), horizon))
    });
    let mut hours = 0.0;
    group.bench_function("one edit, then a full read and the dashboard", |b| {
        b.iter(|| {
            hours = if hours == 8.0 { 16.0 } else { 8.0 };
            board.set_allocation(&projects[7], &people[3], weeks[5], hours).unwrap();
            dashboard::compute(&board.snapshot(), horizon)
        })
    });
    // What the app does: the live snapshot reads again only what the edit changed.
    let mut live = LiveBoard::new(board);
    group.bench_function("one allocation edit, then the live snapshot and the dashboard", |b| {
        b.iter(|| {
            hours = if hours == 8.0 { 16.0 } else { 8.0 };
            live.board_mut().set_allocation(&projects[7], &people[3], weeks[5], hours).unwrap();
            dashboard::compute(live.refresh(), horizon)
        })
    });
    let mut budget = 0.0;
    group.bench_function("one project edit, then the live snapshot and the dashboard", |b| {
        b.iter(|| {
            budget += 1.0;
            live.board_mut().set_project_budget(&projects[11], 100_000.0 + budget).unwrap();
            dashboard::compute(live.refresh(), horizon)
        })
    });
    group.finish();
}

criterion_group!(portfolio, benches);
criterion_main!(portfolio);

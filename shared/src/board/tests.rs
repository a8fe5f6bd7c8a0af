use automerge::{transaction::Transactable, AutoCommit, ObjType, ROOT};
use chrono::NaiveDate;

use super::*;
use crate::{
    risk::{RiskError, Roam},
    scoring::Direction,
};

fn week(text: &str) -> IsoWeek {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn project(name: &str) -> NewProject {
    NewProject { name: name.into(), stage: Stage::Proposed, budget: 1000.0 }
}

fn stamp() -> Stamp {
    Stamp { by: "Wang Fang".into(), at_ms: 1_790_000_000_000 }
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

fn risk(probability: u8, impact: u8) -> NewRisk {
    NewRisk {
        title: "Vendor late".into(),
        probability,
        impact,
        owner: "Li".into(),
        mitigation: "Second vendor".into(),
        roam: Roam::Owned,
    }
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
    let (mut board, ids) = board_with(&["A", "B"]);
    let person = PersonId::random();
    board.add_person(person.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
    let risk_id = RiskId::random();
    board.add_risk(risk_id.clone(), &ids[0], risk(3, 3)).unwrap();
    board.add_dependency(&ids[0], &ids[1]).unwrap();
    let unknown = ProjectId::random();
    let before = board.heads();
    let w = week("2026-W48");
    let unknown_project = |id: &ProjectId| BoardError::Unknown { what: Subject::Project, id: id.to_string() };
    let attempts: Vec<(Result<(), BoardError>, BoardError)> = vec![
        (
            board.set_allocation(&ids[0], &person, w, -1.0),
            BoardError::NotANonNegativeNumber { what: Subject::Allocation, value: -1.0 },
        ),
        (
            board.set_allocation(&ids[0], &person, w, 200.0),
            BoardError::TooLarge { what: Subject::Allocation, value: 200.0, max: 168.0 },
        ),
        (board.set_allocation(&unknown, &person, w, 8.0), unknown_project(&unknown)),
        (board.rename_project(&ids[0], "   "), BoardError::Empty { what: Subject::ProjectName }),
        (
            board.add_project(ProjectId::random(), NewProject { budget: -5.0, ..project("X") }),
            BoardError::NotANonNegativeNumber { what: Subject::Budget, value: -5.0 },
        ),
        (
            board.add_project(ids[0].clone(), project("Again")),
            BoardError::Duplicate { what: Subject::Project, id: ids[0].to_string() },
        ),
        (
            board.add_person(PersonId::random(), NewPerson::named("", 40.0)),
            BoardError::Empty { what: Subject::PersonName },
        ),
        (board.delete_project(&unknown), unknown_project(&unknown)),
        (board.update_risk(&risk_id, risk(7, 3)), BoardError::Risk(RiskError::ProbabilityOutOfRange(7))),
        (board.add_risk(RiskId::random(), &ids[0], risk(3, 0)), BoardError::Risk(RiskError::ImpactOutOfRange(0))),
        (
            board.add_dependency(&ids[1], &ids[0]),
            BoardError::DependencyCycle(vec![ids[1].clone(), ids[0].clone(), ids[1].clone()]),
        ),
        (board.add_dependency(&ids[0], &ids[0]), BoardError::SelfDependency(ids[0].clone())),
        (
            board.set_project_dates(&ids[0], Some(date("2027-03-01")), Some(date("2027-01-01"))),
            BoardError::EndBeforeStart { start: date("2027-03-01"), end: date("2027-01-01") },
        ),
        (
            board.set_project_financials(&ids[0], Financials { percent_complete: 120.0, ..Financials::default() }),
            BoardError::TooLarge { what: Subject::PercentComplete, value: 120.0, max: 100.0 },
        ),
        (
            board.set_time_off(&person, w, f64::INFINITY),
            BoardError::NotANonNegativeNumber { what: Subject::TimeOff, value: f64::INFINITY },
        ),
        (board.set_skill(&person, "a/b", true), BoardError::Slash { what: Subject::Skill, value: "a/b".into() }),
        (
            board.set_risk_thresholds(5, 4, 20),
            BoardError::RiskThresholds { medium_min: 5, high_min: 4, critical_min: 20 },
        ),
        (board.set_currency("euro"), BoardError::NotACurrency("EURO".into())),
    ];
    for (result, expected) in attempts {
        assert_eq!(result, Err(expected));
    }
    let nan = board.set_project_budget(&ids[0], f64::NAN);
    assert!(matches!(nan, Err(BoardError::NotANonNegativeNumber { .. })), "{nan:?}");
    let nan = board.set_estimates(&ids[0], Estimates { effort: Some(f64::NAN), ..Estimates::default() });
    assert!(matches!(nan, Err(BoardError::NotANonNegativeNumber { what: Subject::Effort, .. })), "{nan:?}");
    let ticked = board.tick_gate(&ids[0], Phase::Initiation, "no-such-item", stamp());
    assert!(matches!(ticked, Err(BoardError::Unknown { what: Subject::ChecklistItem, .. })), "{ticked:?}");
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
    board.add_person(person.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
    let w = week("2026-W48");
    board.set_allocation(&ids[0], &person, w, 16.0).unwrap();
    assert_eq!(board.snapshot().hours(&ids[0], &person, w), 16.0);
    board.set_allocation(&ids[0], &person, w, 0.0).unwrap();
    assert!(board.allocations().is_empty());
}

#[test]
fn deleting_a_project_removes_what_belongs_to_it_and_keeps_history() {
    let (mut board, ids) = board_with(&["A", "B"]);
    let person = PersonId::random();
    board.add_person(person.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
    let w = week("2026-W48");
    board.set_allocation(&ids[0], &person, w, 8.0).unwrap();
    board.set_allocation(&ids[1], &person, w, 8.0).unwrap();
    board.add_risk(RiskId::random(), &ids[0], risk(2, 2)).unwrap();
    board.add_milestone(MilestoneId::random(), &ids[0], "Go-live", date("2027-06-30")).unwrap();
    board.add_dependency(&ids[1], &ids[0]).unwrap();
    let lesson = NewLesson { title: "Freeze scope early".into(), body: String::new(), tags: vec!["scope".into()] };
    board.add_lesson(LessonId::random(), &ids[0], lesson, stamp()).unwrap();
    board.delete_project(&ids[0]).unwrap();

    let snapshot = board.snapshot();
    let left: Vec<ProjectId> = snapshot.allocations.iter().map(|a| a.project.clone()).collect();
    assert_eq!(left, [ids[1].clone()]);
    assert!(snapshot.risks.is_empty() && snapshot.milestones.is_empty());
    assert!(snapshot.projects[0].depends_on.is_empty());
    assert_eq!(snapshot.lessons.len(), 1, "lessons are kept");
}

#[test]
fn save_and_load_round_trip() {
    let (mut board, ids) = board_with(&["A", "B"]);
    board.set_project_phase(&ids[0], Phase::Execution).unwrap();
    board.set_manual_rag(&ids[0], Some(crate::finance::Rag::Amber), "Vendor late").unwrap();
    let loaded = Board::load(&board.save()).unwrap();
    assert_eq!(loaded.snapshot(), board.snapshot());
}

#[test]
fn a_newer_schema_is_refused() {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "schema_version", SCHEMA_VERSION + 1).unwrap();
    let result = Board::load(&doc.save());
    assert_eq!(result.unwrap_err(), BoardError::NewerSchema { found: SCHEMA_VERSION + 1 });
}

#[test]
fn strings_written_as_text_objects_read_like_scalars() {
    // Automerge 3 in JavaScript stores `project.name = "CRM"` as a text object.
    let mut board = Board::new("Portfolio").unwrap();
    let projects = board.map(schema::PROJECTS).unwrap();
    let project = board.doc.put_object(&projects, "from-js", ObjType::Map).unwrap();
    for (key, value) in [("name", "CRM"), ("stage", "active"), ("position", "80")] {
        let text = board.doc.put_object(&project, key, ObjType::Text).unwrap();
        board.doc.splice_text(&text, 0, 0, value).unwrap();
    }
    board.doc.put(&project, "budget", 1000_i64).unwrap();
    let read = board.project(&"from-js".parse().unwrap()).unwrap();
    assert_eq!((read.name.as_str(), read.stage, read.budget), ("CRM", Stage::Active, 1000.0));
}

/// A version 1 board, exactly as the walking skeleton wrote it.
fn version_1_board() -> (Board, ProjectId, PersonId) {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "schema_version", 1_u64).unwrap();
    doc.put(ROOT, "name", "Old board").unwrap();
    let projects = doc.put_object(ROOT, "projects", ObjType::Map).unwrap();
    let people = doc.put_object(ROOT, "people", ObjType::Map).unwrap();
    let allocations = doc.put_object(ROOT, "allocations", ObjType::Map).unwrap();
    let (project, person) = (ProjectId::random(), PersonId::random());
    let object = doc.put_object(&projects, project.as_str(), ObjType::Map).unwrap();
    for (key, value) in [("name", "ERP"), ("stage", "active"), ("position", "80")] {
        doc.put(&object, key, value).unwrap();
    }
    doc.put(&object, "budget", 5000.0).unwrap();
    let object = doc.put_object(&people, person.as_str(), ObjType::Map).unwrap();
    doc.put(&object, "name", "Li").unwrap();
    doc.put(&object, "capacity_hours_per_week", 40.0).unwrap();
    doc.put(&allocations, format!("{project}/{person}/2026-W48"), 16.0).unwrap();
    doc.commit();
    (Board::load(&doc.save()).unwrap(), project, person)
}

#[test]
fn a_version_1_board_is_read_then_upgraded_without_losing_anything() {
    let (mut board, project, person) = version_1_board();
    let before = board.snapshot();
    assert_eq!(before.projects[0].name, "ERP");
    assert_eq!(before.projects[0].phase, Phase::Initiation, "a missing phase reads as the first");
    assert_eq!(before.allocations.len(), 1);
    // Writes wait for the upgrade, which the server makes.
    for refused in [board.add_risk(RiskId::random(), &project, risk(2, 2)), board.rename_project(&project, "ERP 2")] {
        assert_eq!(refused, Err(BoardError::OlderSchema { found: 1 }));
    }

    // A replica that stays on version 1 while the server upgrades.
    let mut old_replica = board.fork();
    assert_eq!(board.upgrade().unwrap(), schema::Upgrade::Upgraded { from: 1 });
    assert_eq!(board.upgrade().unwrap(), schema::Upgrade::Current);
    assert_eq!(board.schema_version(), Some(SCHEMA_VERSION));
    let after = board.snapshot();
    assert_eq!(after.projects, before.projects);
    assert_eq!(after.people, before.people);
    assert_eq!(after.allocations, before.allocations);
    assert_eq!(after.settings, Settings::default());
    assert_eq!(after.gate_template.len(), 13);

    // Everything works after the upgrade, and the old replica's data merges in.
    board.add_risk(RiskId::random(), &project, risk(4, 5)).unwrap();
    board.set_role_and_team(&person, "developer", "Core").unwrap();
    board.merge(&mut old_replica).unwrap();
    old_replica.merge(&mut board).unwrap();
    assert_eq!(old_replica.snapshot(), board.snapshot());
    assert_eq!(board.risks().len(), 1);
}

#[test]
fn settings_objectives_and_criteria() {
    let (mut board, ids) = board_with(&["A"]);
    board.set_currency("eur").unwrap();
    board.set_operating_model(OperatingModel::Matrix).unwrap();
    board.set_budget_envelope(Some(2_000_000.0)).unwrap();
    board.set_rag_thresholds(0.9, 0.8).unwrap();
    let settings = board.settings();
    assert_eq!(settings.currency, "EUR");
    assert_eq!(settings.operating_model.gate_approver(), "sponsor");
    assert_eq!(
        (settings.budget_envelope, settings.rag_green_min, settings.rag_amber_min),
        (Some(2_000_000.0), 0.9, 0.8)
    );
    board.set_budget_envelope(None).unwrap();
    assert_eq!(board.settings().budget_envelope, None);

    let (growth, cost) = (ObjectiveId::random(), ObjectiveId::random());
    board.add_objective(growth.clone(), "Grow overseas revenue 海外收入增长", 0.6).unwrap();
    board.add_objective(cost.clone(), "Cut operating cost", 0.4).unwrap();
    board.set_contribution(&ids[0], &growth, 0.8).unwrap();
    let value = CriterionId::random();
    board.add_criterion(value.clone(), "Strategic value", 3.0, Direction::HigherIsBetter).unwrap();
    board.set_score(&ids[0], &value, Some(4.0)).unwrap();
    let snapshot = board.snapshot();
    assert_eq!(snapshot.objectives[0].weight, 0.6, "heaviest first");
    assert_eq!(snapshot.projects[0].contributions.get(growth.as_str()), Some(&0.8));
    assert_eq!(snapshot.projects[0].scores.get(value.as_str()), Some(&4.0));

    board.delete_objective(&growth).unwrap();
    board.delete_criterion(&value).unwrap();
    let project = &board.projects()[0];
    assert!(project.contributions.is_empty() && project.scores.is_empty());
}

#[test]
fn gate_ticks_record_who_and_when() {
    let (mut board, ids) = board_with(&["A"]);
    board.tick_gate(&ids[0], Phase::Initiation, "charter", stamp()).unwrap();
    let ticks = &board.projects()[0].gate_ticks;
    assert_eq!(ticks.get("initiation/charter"), Some(&stamp()));
    assert!(matches!(
        board.tick_gate(&ids[0], Phase::Initiation, "charter", stamp()),
        Err(BoardError::Duplicate { .. })
    ));
    board.untick_gate(&ids[0], Phase::Initiation, "charter").unwrap();
    assert!(board.projects()[0].gate_ticks.is_empty());
    board.add_gate_item(Phase::Closing, "archive", "Documents archived 文档已归档").unwrap();
    assert_eq!(board.gate_template().last().unwrap().item, "archive");
}

#[test]
fn lessons_are_searchable_across_the_board() {
    let (mut board, ids) = board_with(&["ERP", "CRM"]);
    let lessons = [
        (0, "Freeze scope before the build", "Scope creep cost us two months", &["scope", "planning"][..]),
        (1, "Involve the vendor early", "供应商 joined late and missed the data model", &["vendor"][..]),
        (1, "Plan data migration", "Migration scope was underestimated", &["data"][..]),
    ];
    for (index, (project, title, body, tags)) in lessons.iter().enumerate() {
        let lesson = NewLesson {
            title: title.to_string(),
            body: body.to_string(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        };
        board
            .add_lesson(LessonId::random(), &ids[*project], lesson, Stamp { by: "Li".into(), at_ms: index as i64 })
            .unwrap();
    }
    let titles = |query: &str| board.search_lessons(query).into_iter().map(|l| l.title).collect::<Vec<_>>();
    assert_eq!(titles("scope"), ["Plan data migration", "Freeze scope before the build"]);
    assert_eq!(titles("tag:scope"), ["Freeze scope before the build"]);
    assert_eq!(titles("SCOPE migration"), ["Plan data migration"]);
    assert_eq!(titles("供应商"), ["Involve the vendor early"]);
    assert!(titles("nothing-like-this").is_empty());
}

#[test]
fn a_decision_records_the_version_it_was_taken_on() {
    let (mut board, ids) = board_with(&["A"]);
    let heads = board.heads();
    board
        .record_decision(DecisionId::random(), DecisionKind::Approve, Some(&ids[0]), "Fits the envelope", stamp())
        .unwrap();
    board.rename_project(&ids[0], "A (approved)").unwrap();
    let decision = &board.decisions()[0];
    assert_eq!(decision.heads, heads);
    let seen = board.fork_at(&decision.heads).unwrap();
    assert_eq!(names(&seen), ["A"], "the board as the decision makers saw it");
}

/// Reading the board at a version gives what a fork at that version gives, at every version
/// of a history with additions, edits, bookings, moves and a deletion; a version the board
/// does not hold is refused.
#[test]
fn the_board_read_at_a_version_is_the_board_forked_there() {
    let (mut board, ids) = board_with(&["A", "B", "C"]);
    let li = PersonId::random();
    board.add_person(li.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
    let week = IsoWeek::new(2027, 3).unwrap();
    let mut versions = vec![board.heads()];
    let edits: [&dyn Fn(&mut Board); 5] = [
        &|b| b.set_project_budget(&ids[0], 250_000.0).unwrap(),
        &|b| b.set_allocation(&ids[1], &li, week, 16.0).unwrap(),
        &|b| b.move_project(&ids[2], 0).unwrap(),
        &|b| b.rename_project(&ids[1], "B (renamed)").unwrap(),
        &|b| b.delete_project(&ids[0]).unwrap(),
    ];
    for edit in edits {
        edit(&mut board);
        versions.push(board.heads());
    }
    for heads in &versions {
        assert_eq!(board.snapshot_at(heads).unwrap(), board.fork_at(heads).unwrap().snapshot());
    }
    assert_eq!(board.snapshot_at(&versions[5]).unwrap(), board.snapshot(), "now is now");
    assert_ne!(board.snapshot_at(&versions[0]).unwrap(), board.snapshot());
    let unknown = ChangeHash([7; 32]);
    assert!(board.snapshot_at(&[unknown]).is_err(), "a version this board does not hold");
}

#[test]
fn a_baseline_keeps_the_version_under_a_name() {
    let (mut board, ids) = board_with(&["A"]);
    let heads = board.heads();
    let q1 = BaselineId::random();
    board.add_baseline(q1.clone(), "  2027 Q1 review ", stamp()).unwrap();
    board.rename_project(&ids[0], "A (renamed)").unwrap();
    let later = Stamp { by: "Li Wei".into(), at_ms: stamp().at_ms + 1 };
    let q2 = BaselineId::random();
    board.add_baseline(q2.clone(), "2027 Q2 review", later.clone()).unwrap();

    let baselines = board.baselines();
    let listed: Vec<(&str, &Stamp)> = baselines.iter().map(|b| (b.name.as_str(), &b.recorded)).collect();
    assert_eq!(listed, [("2027 Q2 review", &later), ("2027 Q1 review", &stamp())], "newest first, name trimmed");
    assert_eq!(baselines[1].heads, heads);
    assert_eq!(names(&board.fork_at(&baselines[1].heads).unwrap()), ["A"], "the board as it was");
    assert_eq!(*board.snapshot().baselines, baselines);

    // Refused, changing nothing: a name already taken (in any case), an empty name, no author.
    let heads_before = board.heads();
    type Refusal = fn(&BoardError) -> bool;
    let cases: [(&str, Stamp, Refusal); 3] = [
        ("2027 q1 REVIEW", stamp(), |e| matches!(e, BoardError::BaselineNameTaken(_))),
        ("  ", stamp(), |e| matches!(e, BoardError::Empty { what: Subject::BaselineName })),
        ("Other", Stamp { by: String::new(), at_ms: 1 }, |e| matches!(e, BoardError::Empty { .. })),
    ];
    for (name, recorded, expected) in cases {
        let error = board.add_baseline(BaselineId::random(), name, recorded).unwrap_err();
        assert!(expected(&error), "{name:?}: {error}");
    }
    assert_eq!(board.heads(), heads_before);

    board.delete_baseline(&q1).unwrap();
    assert_eq!(board.baselines().iter().map(|b| b.id.clone()).collect::<Vec<_>>(), [q2]);
    assert!(matches!(board.delete_baseline(&q1), Err(BoardError::Unknown { .. })));
}

#[test]
fn a_version_2_board_gets_baselines_from_the_upgrade() {
    let (mut board, ids) = board_with(&["ERP"]);
    // Make it a board as schema 2 wrote it: no baselines collection.
    board.doc.delete(ROOT, schema::BASELINES).unwrap();
    board.doc.put(ROOT, "schema_version", 2_u64).unwrap();
    board.doc.commit();
    let mut board = Board::load(&board.save()).unwrap();
    assert!(board.baselines().is_empty());
    // Writes wait for the server's upgrade, which creates the collection.
    assert_eq!(
        board.add_baseline(BaselineId::random(), "Before", stamp()),
        Err(BoardError::NotLoaded(schema::BASELINES))
    );
    assert_eq!(board.rename_project(&ids[0], "ERP 2"), Err(BoardError::OlderSchema { found: 2 }));
    assert_eq!(board.upgrade().unwrap(), schema::Upgrade::Upgraded { from: 2 });
    assert_eq!(board.schema_version(), Some(SCHEMA_VERSION));
    board.add_baseline(BaselineId::random(), "After", stamp()).unwrap();
    assert_eq!(board.baselines()[0].name, "After");
    assert_eq!(names(&board), ["ERP"]);
}

#[test]
fn concurrent_sets_of_one_field_are_visible_as_a_conflict() {
    let (mut left, ids) = board_with(&["ERP"]);
    let mut right = left.fork();
    left.rename_project(&ids[0], "ERP upgrade").unwrap();
    right.rename_project(&ids[0], "ERP replacement").unwrap();
    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();
    let conflicts = left.project_conflicts(&ids[0]).unwrap();
    assert_eq!(conflicts, right.project_conflicts(&ids[0]).unwrap(), "every replica agrees");
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0];
    assert_eq!(conflict.field, "name");
    assert_eq!(conflict.winner, left.projects()[0].name);
    let mut all = vec![conflict.winner.clone(), conflict.others[0].clone()];
    all.sort();
    assert_eq!(all, ["ERP replacement", "ERP upgrade"]);
    assert_eq!(left.projects()[0].conflicts, conflicts, "the snapshot carries them too");
    // Setting the field again resolves it.
    left.rename_project(&ids[0], "ERP").unwrap();
    assert!(left.project_conflicts(&ids[0]).unwrap().is_empty());
    assert!(left.projects()[0].conflicts.is_empty());
}

#[test]
fn concurrent_bookings_of_one_cell_are_visible_as_a_conflict() {
    let (mut left, ids) = board_with(&["ERP"]);
    let person = PersonId::random();
    left.add_person(person.clone(), NewPerson::named("Li", 40.0)).unwrap();
    let mut right = left.fork();
    let w = week("2026-W50");
    left.set_allocation(&ids[0], &person, w, 16.0).unwrap();
    right.set_allocation(&ids[0], &person, w, 24.0).unwrap();
    left.merge(&mut right).unwrap();
    let conflict = left.allocation_conflict(&ids[0], &person, w).unwrap();
    assert_eq!(left.snapshot().hours(&ids[0], &person, w).to_string(), conflict.winner);
    assert_eq!(conflict.others.len(), 1);
}

#[test]
fn people_have_roles_teams_skills_and_time_off() {
    let mut board = Board::new("Portfolio").unwrap();
    let li = PersonId::random();
    board
        .add_person(
            li.clone(),
            NewPerson {
                name: "Li".into(),
                role: "developer".into(),
                team: "Core".into(),
                capacity_hours_per_week: 40.0,
            },
        )
        .unwrap();
    board.set_skill(&li, "Rust", true).unwrap();
    board.set_skill(&li, "sql", true).unwrap();
    board.set_skill(&li, "sql", false).unwrap();
    board.set_time_off(&li, week("2026-W52"), 24.0).unwrap();
    let person = &board.people()[0];
    assert_eq!(person.skills, ["rust"]);
    assert_eq!(person.capacity_in(week("2026-W52")), 16.0);
    assert_eq!(person.capacity_in(week("2026-W51")), 40.0);
    board.delete_person(&li).unwrap();
    assert!(board.people().is_empty());
}

#[test]
fn a_ranking_reorders_the_priorities_in_one_change() {
    let (mut board, ids) = board_with(&["A", "B", "C", "D"]);
    let changes_before = board.doc.get_changes(&[]).len();
    // D, B, A ranked; C unranked keeps place 3.
    let moved = board.reorder_projects(&[ids[3].clone(), ids[1].clone(), ids[0].clone()]).unwrap();
    assert_eq!(names(&board), ["D", "B", "C", "A"]);
    assert_eq!(moved, 2, "A and D changed place; B and C did not");
    assert_eq!(board.doc.get_changes(&[]).len(), changes_before + 1);
    // The same order again moves nothing and writes nothing.
    assert_eq!(board.reorder_projects(&[ids[3].clone(), ids[1].clone(), ids[0].clone()]).unwrap(), 0);
    assert_eq!(board.doc.get_changes(&[]).len(), changes_before + 1);
    let unknown = ProjectId::random();
    assert!(matches!(board.reorder_projects(&[unknown]), Err(BoardError::Unknown { .. })));
    assert!(board.reorder_projects(&[ids[0].clone(), ids[0].clone()]).is_err());
}

#[test]
fn two_people_editing_two_fields_of_one_objective_criterion_or_estimate_keep_both_edits() {
    let mut alice = Board::new("Portfolio").unwrap();
    let (objective, criterion, erp) = (ObjectiveId::random(), CriterionId::random(), ProjectId::random());
    alice.add_objective(objective.clone(), "Growth", 1.0).unwrap();
    alice.add_criterion(criterion.clone(), "Value", 1.0, Direction::HigherIsBetter).unwrap();
    alice.add_project(erp.clone(), project("ERP")).unwrap();
    let mut bob = alice.fork();
    // Alice reweights, Bob renames; Alice sets the job size, Bob the business value.
    alice.set_objective(&objective, "Growth", 3.0).unwrap();
    bob.set_objective(&objective, "Revenue growth", 1.0).unwrap();
    alice.set_criterion(&criterion, "Value", 2.0, Direction::HigherIsBetter).unwrap();
    bob.set_criterion(&criterion, "Value", 1.0, Direction::LowerIsBetter).unwrap();
    alice.set_estimates(&erp, Estimates { job_size: Some(5.0), ..Estimates::default() }).unwrap();
    bob.set_estimates(&erp, Estimates { business_value: Some(8.0), ..Estimates::default() }).unwrap();
    alice.merge(&mut bob).unwrap();
    let objectives = alice.objectives();
    assert_eq!((objectives[0].name.as_str(), objectives[0].weight), ("Revenue growth", 3.0));
    let criteria = alice.criteria();
    assert_eq!((criteria[0].weight, criteria[0].direction), (2.0, Direction::LowerIsBetter));
    let estimates = alice.project(&erp).unwrap().estimates;
    assert_eq!((estimates.job_size, estimates.business_value), (Some(5.0), Some(8.0)));
}

#[test]
fn a_score_or_contribution_two_people_set_apart_says_so_until_it_is_set_again() {
    let mut alice = Board::new("Portfolio").unwrap();
    let (criterion, objective, erp) = (CriterionId::random(), ObjectiveId::random(), ProjectId::random());
    alice.add_criterion(criterion.clone(), "Value", 1.0, Direction::HigherIsBetter).unwrap();
    alice.add_objective(objective.clone(), "Growth", 1.0).unwrap();
    alice.add_project(erp.clone(), project("ERP")).unwrap();
    let mut live = LiveBoard::new(alice.fork());
    let mut bob = alice.fork();
    alice.set_score(&erp, &criterion, Some(8.0)).unwrap();
    bob.set_score(&erp, &criterion, Some(6.0)).unwrap();
    alice.set_contribution(&erp, &objective, 0.5).unwrap();
    bob.set_contribution(&erp, &objective, 0.7).unwrap();
    alice.merge(&mut bob).unwrap();
    live.board_mut().merge(&mut alice).unwrap();
    let snapshot = live.refresh().clone();
    assert_eq!(snapshot, alice.snapshot(), "the live snapshot reads the conflicts as a full read does");
    let erp_read = snapshot.project(&erp).unwrap();
    let mut fields: Vec<(String, String, Vec<String>)> =
        erp_read.cell_conflicts.iter().map(|c| (c.field.clone(), c.winner.clone(), c.others.clone())).collect();
    fields.sort();
    let score = erp_read.scores[criterion.as_str()].to_string();
    let other_score = if score == "8" { "6" } else { "8" };
    let share = erp_read.contributions[objective.as_str()].to_string();
    let other_share = if share == "0.5" { "0.7" } else { "0.5" };
    assert_eq!(
        fields,
        [
            (format!("contributions/{objective}"), share.clone(), vec![other_share.to_owned()]),
            (format!("scores/{criterion}"), score.clone(), vec![other_score.to_owned()]),
        ]
    );
    assert!(erp_read.conflicts.is_empty(), "the project's own fields are not in conflict");
    // Setting the winning value again settles it, although the value does not change.
    live.board_mut().set_score(&erp, &criterion, Some(score.parse().unwrap())).unwrap();
    live.board_mut().set_contribution(&erp, &objective, share.parse().unwrap()).unwrap();
    let settled = live.refresh().clone();
    assert!(settled.project(&erp).unwrap().cell_conflicts.is_empty());
    assert_eq!(settled, live.board().snapshot());
}

#[test]
fn changes_since_names_what_arrived_after_a_version() {
    let (mut board, ids) = board_with(&["ERP"]);
    let before = board.heads();
    let mut colleague = board.fork();
    colleague.rename_project(&ids[0], "ERP rollout").unwrap();
    colleague.add_project(ProjectId::random(), project("CRM")).unwrap();
    let theirs = colleague.changes_since(&before);
    assert_eq!(theirs.len(), 2, "a rename and an addition");
    assert!(board.changes_since(&before).is_empty(), "nothing arrived yet");
    board.merge(&mut colleague).unwrap();
    assert_eq!(board.changes_since(&before), theirs);
    let now = board.heads();
    assert!(board.changes_since(&now).is_empty());
}

// ---- AHP judgments (schema 4) ------------------------------------------------------------------

fn criterion(board: &mut Board, id: &str, weight: f64) -> CriterionId {
    let id: CriterionId = id.parse().unwrap();
    board.add_criterion(id.clone(), id.as_str(), weight, Direction::HigherIsBetter).unwrap();
    id
}

#[test]
fn a_judgment_is_stored_once_per_pair_whichever_way_it_is_answered() {
    let mut board = Board::new("Portfolio").unwrap();
    let (cost, value) = (criterion(&mut board, "cost", 1.0), criterion(&mut board, "value", 1.0));
    // "value is 3 times as important as cost" is stored as cost/value = 1/3.
    board.set_judgment("ana", &value, &cost, Some(3.0)).unwrap();
    board.set_judgment("bo", &cost, &value, Some(5.0)).unwrap();
    let judgments = board.judgments();
    assert_eq!(judgments.len(), 2);
    assert_eq!(
        (judgments[0].member.as_str(), judgments[0].first.as_str(), judgments[0].second.as_str()),
        ("ana", "cost", "value")
    );
    assert!((judgments[0].value - 1.0 / 3.0).abs() < 1e-12);
    assert_eq!(judgments[1].value, 5.0);
    assert_eq!(board.snapshot().judgments, judgments);
    // Answering again replaces the answer; None clears it.
    board.set_judgment("ana", &cost, &value, Some(2.0)).unwrap();
    assert_eq!(board.judgments()[0].value, 2.0);
    board.set_judgment("ana", &cost, &value, None).unwrap();
    assert_eq!(board.judgments().len(), 1);
    validate::check_document(board.doc_mut().document()).unwrap();
}

#[test]
fn a_judgment_off_the_scale_is_refused_and_nothing_is_written() {
    let mut board = Board::new("Portfolio").unwrap();
    let (cost, value) = (criterion(&mut board, "cost", 1.0), criterion(&mut board, "value", 1.0));
    let heads = board.heads();
    for bad in [0.0, 10.0, 2.5, 0.1, -3.0, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(board.set_judgment("ana", &cost, &value, Some(bad)), Err(BoardError::NotSaaty { .. })),
            "{bad}"
        );
    }
    assert!(matches!(board.set_judgment("ana", &cost, &cost, Some(3.0)), Err(BoardError::Invalid(_))));
    let gone: CriterionId = "gone".parse().unwrap();
    assert!(matches!(board.set_judgment("ana", &cost, &gone, Some(3.0)), Err(BoardError::Unknown { .. })));
    assert!(matches!(board.set_judgment("a/b", &cost, &value, Some(3.0)), Err(BoardError::Slash { .. })));
    assert_eq!(board.heads(), heads, "nothing was written");
}

#[test]
fn adopting_weights_sets_every_criterion_in_one_change() {
    let mut board = Board::new("Portfolio").unwrap();
    let (cost, value) = (criterion(&mut board, "cost", 1.0), criterion(&mut board, "value", 1.0));
    let before = board.heads();
    board.set_criterion_weights(&[(cost.clone(), 0.25), (value.clone(), 0.75)]).unwrap();
    assert_eq!(board.changes_since(&before).len(), 1);
    let weights: Vec<(CriterionId, f64)> = board.criteria().into_iter().map(|c| (c.id, c.weight)).collect();
    assert_eq!(weights, [(value.clone(), 0.75), (cost.clone(), 0.25)]);
    let heads = board.heads();
    assert!(board.set_criterion_weights(&[(cost, 0.5), (value, -1.0)]).is_err());
    assert_eq!(board.heads(), heads, "a bad weight writes none");
}

#[test]
fn a_version_3_replica_merges_with_the_upgraded_board() {
    let mut board = Board::new("Portfolio").unwrap();
    let cost = criterion(&mut board, "cost", 1.0);
    let value = criterion(&mut board, "value", 1.0);
    // The board as schema 3 wrote it: no judgments.
    board.doc.delete(ROOT, schema::AHP_JUDGMENTS).unwrap();
    board.doc.put(ROOT, "schema_version", 3_u64).unwrap();
    board.doc.commit();
    let mut board = Board::load(&board.save()).unwrap();
    assert!(board.snapshot().judgments.is_empty());
    assert_eq!(board.set_judgment("ana", &cost, &value, Some(3.0)), Err(BoardError::NotLoaded(schema::AHP_JUDGMENTS)));

    // A member still on a schema-3 build edits offline, as that build wrote (the weight of a
    // criterion), while the server upgrades the board and a colleague answers AHP.
    let mut old_replica = board.fork();
    let criteria = old_replica.map(schema::CRITERIA).unwrap();
    let object = old_replica.doc.get(&criteria, "cost").unwrap().unwrap().1;
    old_replica.doc.put(&object, "weight", 4.0).unwrap();
    old_replica.doc.commit();
    assert_eq!(board.upgrade().unwrap(), schema::Upgrade::Upgraded { from: 3 });
    board.set_judgment("ana", &cost, &value, Some(3.0)).unwrap();

    board.merge(&mut old_replica).unwrap();
    old_replica.merge(&mut board).unwrap();
    assert_eq!(old_replica.snapshot(), board.snapshot());
    assert_eq!(board.schema_version(), Some(SCHEMA_VERSION));
    assert_eq!(board.judgments().len(), 1);
    assert_eq!(board.criteria().iter().find(|c| c.id == "cost").unwrap().weight, 4.0);
    validate::check_document(board.doc_mut().document()).unwrap();
}

/// A weight two people set apart, then settled: read at the version before it was settled,
/// the board shows the conflict with both values (every read is of that version: which value
/// won, and which lost), and now it shows none.
#[test]
fn a_conflict_since_settled_is_still_there_at_its_version() {
    let mut left = Board::new("Portfolio").unwrap();
    let cost = criterion(&mut left, "cost", 1.0);
    let mut right = left.fork();
    left.set_criterion(&cost, "cost", 2.0, Direction::HigherIsBetter).unwrap();
    right.set_criterion(&cost, "cost", 3.0, Direction::HigherIsBetter).unwrap();
    left.merge(&mut right).unwrap();
    let apart = left.heads();
    let conflicts = left.snapshot().weight_conflicts;
    assert_eq!(conflicts.len(), 1);
    left.set_criterion(&cost, "cost", 4.0, Direction::HigherIsBetter).unwrap();
    assert!(left.snapshot().weight_conflicts.is_empty(), "settled now");

    let then = left.snapshot_at(&apart).unwrap();
    assert_eq!(then.weight_conflicts, conflicts);
    assert_eq!(then.criteria[0].weight.to_string(), conflicts[0].winner);
    assert_eq!(then, left.fork_at(&apart).unwrap().snapshot());
    let now = left.heads();
    assert_eq!(left.snapshot_at(&now).unwrap(), left.snapshot(), "and now is now");
}

#[test]
fn weights_set_apart_are_visible_as_conflicts() {
    let mut left = Board::new("Portfolio").unwrap();
    let cost = criterion(&mut left, "cost", 1.0);
    let objective: ObjectiveId = "growth".parse().unwrap();
    left.add_objective(objective.clone(), "Growth", 1.0).unwrap();
    let mut live = LiveBoard::new(left.fork());
    let mut right = left.fork();
    left.set_criterion(&cost, "cost", 2.0, Direction::HigherIsBetter).unwrap();
    right.set_criterion(&cost, "cost", 3.0, Direction::HigherIsBetter).unwrap();
    left.set_objective(&objective, "Growth", 5.0).unwrap();
    right.set_objective(&objective, "Growth", 6.0).unwrap();
    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();
    let conflicts = left.snapshot().weight_conflicts;
    assert_eq!(conflicts, right.snapshot().weight_conflicts, "every replica agrees");
    let fields: Vec<&str> = conflicts.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["criteria/cost", "objectives/growth"]);
    let shown = |c: &FieldConflict| {
        let mut all = vec![c.winner.clone(), c.others[0].clone()];
        all.sort();
        all
    };
    assert_eq!(shown(&conflicts[0]), ["2", "3"]);
    assert_eq!(shown(&conflicts[1]), ["5", "6"]);
    assert_eq!(conflicts[0].winner, left.criteria()[0].weight.to_string(), "the winner is the value shown");

    // The live snapshot sees them arrive, and go when a weight is set again (even to the
    // value that won, which Automerge reports no patch for).
    live.board_mut().merge(&mut left).unwrap();
    assert_eq!(live.refresh().weight_conflicts, conflicts);
    let winner: f64 = conflicts[0].winner.parse().unwrap();
    live.board_mut().set_criterion(&cost, "cost", winner, Direction::HigherIsBetter).unwrap();
    let after: Vec<String> = live.refresh().weight_conflicts.iter().map(|c| c.field.clone()).collect();
    assert_eq!(after, ["objectives/growth"]);
}

#[test]
fn risks_people_and_milestones_set_apart_are_visible_as_conflicts() {
    let (mut left, ids) = board_with(&["ERP"]);
    let (vendor, li, go_live) = (RiskId::random(), PersonId::random(), MilestoneId::random());
    left.add_risk(vendor.clone(), &ids[0], risk(3, 3)).unwrap();
    left.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
    left.add_milestone(go_live.clone(), &ids[0], "Go-live", date("2027-06-30")).unwrap();
    let mut live = LiveBoard::new(left.fork());
    let mut right = left.fork();
    // Apart: the risk's impact, the person's capacity and team, the milestone's forecast.
    // Not apart: the risk's owner, changed by one member only, and the team both set alike.
    left.update_risk(&vendor, NewRisk { impact: 4, ..risk(3, 3) }).unwrap();
    right.update_risk(&vendor, NewRisk { impact: 2, owner: "Wang".into(), ..risk(3, 3) }).unwrap();
    left.set_capacity(&li, 32.0).unwrap();
    right.set_capacity(&li, 24.0).unwrap();
    left.set_role_and_team(&li, "developer", "Core").unwrap();
    right.set_role_and_team(&li, "analyst", "Core").unwrap();
    left.set_milestone_forecast(&go_live, Some(date("2027-07-15"))).unwrap();
    right.set_milestone_forecast(&go_live, Some(date("2027-06-20"))).unwrap();
    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();

    let fields = |conflicts: &[FieldConflict]| conflicts.iter().map(|c| c.field.clone()).collect::<Vec<_>>();
    let shown = |c: &FieldConflict| {
        let mut all = vec![c.winner.clone()];
        all.extend(c.others.iter().cloned());
        all.sort();
        all
    };
    let snapshot = left.snapshot();
    assert_eq!(snapshot, right.snapshot(), "every replica agrees");
    let risk_read = &snapshot.risks[0];
    assert_eq!(fields(&risk_read.conflicts), ["impact"]);
    assert_eq!(shown(&risk_read.conflicts[0]), ["2", "4"]);
    assert_eq!(risk_read.conflicts[0].winner, risk_read.impact.get().to_string(), "the winner is the value shown");
    assert_eq!(risk_read.owner, "Wang", "a field one member changed merges without a conflict");
    let person = &snapshot.people[0];
    assert_eq!(fields(&person.conflicts), ["capacity_hours_per_week", "role"]);
    assert_eq!(shown(&person.conflicts[0]), ["24", "32"]);
    let milestone = &snapshot.milestones[0];
    assert_eq!(fields(&milestone.conflicts), ["forecast"]);
    assert_eq!(shown(&milestone.conflicts[0]), ["2027-06-20", "2027-07-15"]);

    // The live snapshot sees them arrive, and each go when one member sets the field again,
    // even to the value that won (which Automerge reports no patch for).
    live.board_mut().merge(&mut left).unwrap();
    assert_eq!(live.refresh(), &left.snapshot());
    let impact: u8 = risk_read.conflicts[0].winner.parse().unwrap();
    live.board_mut().update_risk(&vendor, NewRisk { impact, owner: "Wang".into(), ..risk(3, 3) }).unwrap();
    live.board_mut().set_capacity(&li, 40.0).unwrap();
    live.board_mut().set_milestone_forecast(&go_live, None).unwrap();
    let after = live.refresh().clone();
    assert!(after.risks[0].conflicts.is_empty(), "{:?}", after.risks[0].conflicts);
    assert_eq!(after.risks[0].impact.get(), impact);
    assert_eq!(fields(&after.people[0].conflicts), ["role"]);
    assert!(after.milestones[0].conflicts.is_empty());
    assert_eq!(after.milestones[0].forecast, None);
    assert_eq!(&after, &live.board().snapshot());
}

#[test]
fn a_milestone_forecast_is_kept_cleared_and_checked_by_the_gate() {
    let (mut board, ids) = board_with(&["ERP"]);
    let go_live = MilestoneId::random();
    board.add_milestone(go_live.clone(), &ids[0], "Go-live", date("2027-06-30")).unwrap();
    assert_eq!(board.milestones()[0].forecast, None);
    board.set_milestone_forecast(&go_live, Some(date("2027-07-14"))).unwrap();
    let milestone = &board.milestones()[0];
    assert_eq!(milestone.forecast, Some(date("2027-07-14")));
    assert_eq!(milestone.slip_days(), Some(14), "forecast two weeks after plan: late");
    validate::check_document(board.doc_mut().document()).unwrap();
    board.set_milestone_forecast(&go_live, None).unwrap();
    assert_eq!(board.milestones()[0].forecast, None);
    assert_eq!(
        board.set_milestone_forecast(&MilestoneId::random(), None).map_err(|e| matches!(e, BoardError::Unknown { .. })),
        Err(true)
    );
    // A forecast that is no date, written past the typed API, is refused by the write gate.
    let before = board.heads();
    let milestones = board.doc_mut().get(ROOT, "milestones").unwrap().unwrap().1;
    let object = board.doc_mut().get(&milestones, go_live.as_str()).unwrap().unwrap().1;
    board.doc_mut().put(&object, "forecast", "mid-July").unwrap();
    board.doc_mut().commit();
    let refused = validate::check_update(board.doc_mut().document(), &before).unwrap_err();
    assert_eq!(refused.path, format!("milestones/{go_live}/forecast"));
    assert!(matches!(refused.problem, validate::Problem::WrongValue { .. }), "{refused}");
}

#[test]
fn the_snapshot_finds_projects_and_people_by_id_even_after_its_lists_changed() {
    let (mut board, ids) = board_with(&["ERP", "CRM", "Data"]);
    let li: PersonId = "li".parse().unwrap();
    let new = NewPerson { name: "Li".into(), role: String::new(), team: String::new(), capacity_hours_per_week: 40.0 };
    board.add_person(li.clone(), new).unwrap();
    let mut snapshot = board.snapshot();
    assert_eq!(snapshot.project(&ids[2]).map(|p| p.name.as_str()), Some("Data"));
    assert_eq!(snapshot.project_place(&ids[1]), Some(1));
    assert_eq!(snapshot.person(&li).map(|p| p.name.as_str()), Some("Li"));
    // A list changed by hand leaves the index behind: lookups still answer right.
    std::sync::Arc::make_mut(&mut snapshot.projects).swap(0, 2);
    std::sync::Arc::make_mut(&mut snapshot.people).clear();
    assert_eq!(snapshot.project(&ids[2]).map(|p| p.name.as_str()), Some("Data"));
    assert_eq!(snapshot.project_place(&ids[2]), Some(0));
    assert_eq!(snapshot.project(&ids[0]).map(|p| p.name.as_str()), Some("ERP"));
    assert!(snapshot.person(&li).is_none());
    // And a live board keeps its index up to date as projects move.
    let mut live = LiveBoard::new(board);
    live.board_mut().move_project(&ids[2], 0).unwrap();
    assert_eq!(live.refresh().project_place(&ids[2]), Some(0));
    assert_eq!(live.snapshot().project(&ids[2]).map(|p| p.name.as_str()), Some("Data"));
}

#[test]
fn the_snapshot_finds_risks_by_id() {
    let (mut board, ids) = board_with(&["ERP"]);
    let first = RiskId::random();
    let second = RiskId::random();
    board.add_risk(first.clone(), &ids[0], risk(2, 3)).unwrap();
    board.add_risk(second.clone(), &ids[0], risk(4, 5)).unwrap();
    let mut snapshot = board.snapshot();
    let at = snapshot.risk_place(&second).unwrap();
    assert_eq!(snapshot.risks[at].id, second);
    std::sync::Arc::make_mut(&mut snapshot.risks).reverse();
    let at = snapshot.risk_place(&first).unwrap();
    assert_eq!(snapshot.risks[at].id, first);
}

#[test]
fn a_budget_change_reads_that_project_again_and_shares_every_other_list() {
    let (mut board, ids) = board_with(&["ERP", "CRM"]);
    let li: PersonId = "li".parse().unwrap();
    board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
    board.set_allocation(&ids[0], &li, "2026-W50".parse().unwrap(), 8.0).unwrap();
    board.add_risk(RiskId::random(), &ids[0], risk(2, 3)).unwrap();
    let mut live = LiveBoard::new(board);
    // What the page holds while the next change comes in.
    let before = live.snapshot().clone();

    live.board_mut().set_project_budget(&ids[1], 5000.0).unwrap();
    let after = live.refresh().clone();
    assert_eq!(after.project(&ids[1]).map(|p| p.budget), Some(5000.0));
    assert_eq!(before.project(&ids[1]).map(|p| p.budget), Some(1000.0), "the page's copy is as it was");
    assert_eq!(after, live.board().snapshot());
    assert!(after.index_is_current());
    assert!(!std::sync::Arc::ptr_eq(&before.projects, &after.projects));
    assert!(std::sync::Arc::ptr_eq(&before.people, &after.people));
    assert!(std::sync::Arc::ptr_eq(&before.allocations, &after.allocations));
    assert!(std::sync::Arc::ptr_eq(&before.risks, &after.risks));
    assert!(std::sync::Arc::ptr_eq(&before.milestones, &after.milestones));

    // A booking: the bookings are new, the projects as they were.
    live.board_mut().set_allocation(&ids[1], &li, "2026-W50".parse().unwrap(), 4.0).unwrap();
    let later = live.refresh().clone();
    assert_eq!(later, live.board().snapshot());
    assert!(std::sync::Arc::ptr_eq(&after.projects, &later.projects));
    assert!(!std::sync::Arc::ptr_eq(&after.allocations, &later.allocations));
    assert_eq!(after.allocations.len() + 1, later.allocations.len());
}

#![cfg(not(target_arch = "wasm32"))]
//! The write gate against the board schema: every edit the typed API makes passes it, through
//! both the sync path ([`check_sync`], driven by Automerge's patch log) and the diff path
//! ([`validate::check_update`]); and a table of raw Automerge edits that break the schema is
//! refused by both, at the right place.

use automerge::{transaction::Transactable, AutoCommit, Automerge, Change, ObjId, ObjType, ReadDoc, ScalarValue, ROOT};
use chrono::NaiveDate;
use proptest::prelude::*;
use shared::{
    board::{
        validate::{self, Problem, SchemaViolation},
        BaselineId, Board, CriterionId, DecisionId, DecisionKind, Estimates, Financials, LessonId, MilestoneId,
        NewLesson, NewPerson, NewProject, NewRisk, ObjectiveId, OperatingModel, Phase, RiskId, Stamp,
    },
    finance::Rag,
    gate::{
        check_sync,
        fuzz::{change_message, small_board},
        GateError, GateLimits,
    },
    risk::Roam,
    scoring::Direction,
    IsoWeek, PersonId, ProjectId, Stage,
};

// ---- every typed edit passes ------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Edit {
    AddProject(String),
    RenameProject(usize, String),
    Move(usize, usize),
    Stage(usize, usize),
    Phase(usize, usize),
    Budget(usize, u32),
    People(usize, String),
    Dates(usize, u8, u8),
    Closure(usize, bool),
    Financials(usize, u16),
    Rag(usize, Option<usize>),
    Estimates(usize, Option<u8>),
    DeleteProject(usize),
    AddPerson(String, u8),
    Capacity(usize, u8),
    RoleAndTeam(usize, String),
    Skill(usize, String, bool),
    TimeOff(usize, u8, u8),
    DeletePerson(usize),
    Allocate(usize, usize, u8, u8),
    Score(usize, Option<i8>),
    Contribution(usize, u8),
    Depend(usize, usize, bool),
    Milestone(usize, u8),
    MilestoneDone(usize, bool),
    /// Forecast a milestone on that day, or clear its forecast (`None`).
    MilestoneForecast(usize, Option<u8>),
    Tick(usize, usize, bool),
    GateItem(usize, String, bool),
    Risk(usize, u8, u8),
    UpdateRisk(usize, usize),
    DeleteRisk(usize),
    Lesson(usize, String),
    Decision(Option<usize>, usize),
    Currency(String),
    OperatingModel(usize),
    Envelope(Option<u32>),
    RagThresholds(u8, u8),
    RiskThresholds(u8),
    Objective(String, u8, bool),
    Criterion(String, u8, bool),
    RenameBoard(String),
    /// Take a baseline by that name, or delete it if the board has one.
    Baseline(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let word = "[A-Za-z][a-z]{0,6}";
    let i = any::<usize>;
    prop_oneof![
        word.prop_map(Edit::AddProject),
        (i(), word).prop_map(|(p, name)| Edit::RenameProject(p, name)),
        (i(), 0..6usize).prop_map(|(p, to)| Edit::Move(p, to)),
        (i(), 0..7usize).prop_map(|(p, s)| Edit::Stage(p, s)),
        (i(), 0..5usize).prop_map(|(p, s)| Edit::Phase(p, s)),
        (i(), any::<u32>()).prop_map(|(p, b)| Edit::Budget(p, b)),
        (i(), "[a-z ]{0,6}").prop_map(|(p, who)| Edit::People(p, who)),
        (i(), 1..28u8, 0..60u8).prop_map(|(p, d, len)| Edit::Dates(p, d, len)),
        (i(), any::<bool>()).prop_map(|(p, done)| Edit::Closure(p, done)),
        (i(), any::<u16>()).prop_map(|(p, cost)| Edit::Financials(p, cost)),
        (i(), proptest::option::of(0..3usize)).prop_map(|(p, rag)| Edit::Rag(p, rag)),
        (i(), proptest::option::of(any::<u8>())).prop_map(|(p, value)| Edit::Estimates(p, value)),
        i().prop_map(Edit::DeleteProject),
        (word, 0..=168u8).prop_map(|(name, capacity)| Edit::AddPerson(name, capacity)),
        (i(), 0..=168u8).prop_map(|(p, capacity)| Edit::Capacity(p, capacity)),
        (i(), word).prop_map(|(p, role)| Edit::RoleAndTeam(p, role)),
        (i(), "[A-Za-z]{1,5}", any::<bool>()).prop_map(|(p, skill, has)| Edit::Skill(p, skill, has)),
        (i(), 1..53u8, 0..=40u8).prop_map(|(p, week, hours)| Edit::TimeOff(p, week, hours)),
        i().prop_map(Edit::DeletePerson),
        (i(), i(), 1..53u8, 0..=60u8).prop_map(|(p, q, week, hours)| Edit::Allocate(p, q, week, hours)),
        (i(), proptest::option::of(any::<i8>())).prop_map(|(p, score)| Edit::Score(p, score)),
        (i(), 0..=10u8).prop_map(|(p, tenths)| Edit::Contribution(p, tenths)),
        (i(), i(), any::<bool>()).prop_map(|(p, q, add)| Edit::Depend(p, q, add)),
        (i(), 1..28u8).prop_map(|(p, day)| Edit::Milestone(p, day)),
        (i(), any::<bool>()).prop_map(|(m, done)| Edit::MilestoneDone(m, done)),
        (i(), proptest::option::of(1..28u8)).prop_map(|(m, day)| Edit::MilestoneForecast(m, day)),
        (i(), i(), any::<bool>()).prop_map(|(p, item, tick)| Edit::Tick(p, item, tick)),
        (0..5usize, "[a-z]{1,6}", any::<bool>()).prop_map(|(phase, item, add)| Edit::GateItem(phase, item, add)),
        (i(), 1..=5u8, 1..=5u8).prop_map(|(p, probability, impact)| Edit::Risk(p, probability, impact)),
        (i(), 0..4usize).prop_map(|(r, roam)| Edit::UpdateRisk(r, roam)),
        i().prop_map(Edit::DeleteRisk),
        (i(), "[a-z]{1,5}").prop_map(|(p, tag)| Edit::Lesson(p, tag)),
        (proptest::option::of(i()), 0..7usize).prop_map(|(p, kind)| Edit::Decision(p, kind)),
        "[A-Za-z]{2,4}".prop_map(Edit::Currency),
        (0..3usize).prop_map(Edit::OperatingModel),
        proptest::option::of(any::<u32>()).prop_map(Edit::Envelope),
        (0..=20u8, 0..=20u8).prop_map(|(green, amber)| Edit::RagThresholds(green, amber)),
        (2..=23u8).prop_map(Edit::RiskThresholds),
        ("[a-z]{1,4}", 0..10u8, any::<bool>()).prop_map(|(id, weight, delete)| Edit::Objective(id, weight, delete)),
        ("[a-z]{1,4}", 0..10u8, any::<bool>()).prop_map(|(id, weight, delete)| Edit::Criterion(id, weight, delete)),
        word.prop_map(Edit::RenameBoard),
        "[a-z]{1,3}".prop_map(Edit::Baseline),
    ]
}

fn pick<T: Clone>(items: &[T], index: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[index % items.len()].clone())
}

fn date(day: u8) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + chrono::Days::new(u64::from(day))
}

/// Applies an edit through the typed API. Refused edits change nothing and are fine.
fn apply(board: &mut Board, edit: &Edit) {
    let snapshot = board.snapshot();
    let projects: Vec<ProjectId> = snapshot.projects.iter().map(|p| p.id.clone()).collect();
    let people: Vec<PersonId> = snapshot.people.iter().map(|p| p.id.clone()).collect();
    let risks: Vec<RiskId> = snapshot.risks.iter().map(|r| r.id.clone()).collect();
    let milestones: Vec<MilestoneId> = snapshot.milestones.iter().map(|m| m.id.clone()).collect();
    let project = |index: usize| pick(&projects, index);
    let person = |index: usize| pick(&people, index);
    let stamp = Stamp { by: "Ana".into(), at_ms: 1_800_000_000_000 };
    let week = |number: u8| IsoWeek::new(2027, u32::from(number)).unwrap();
    let _ = match edit.clone() {
        Edit::AddProject(name) => {
            board.add_project(ProjectId::random(), NewProject { name, stage: Stage::Proposed, budget: 10.0 })
        }
        Edit::RenameProject(p, name) => project(p).map_or(Ok(()), |id| board.rename_project(&id, &name)),
        Edit::Move(p, to) => project(p).map_or(Ok(()), |id| board.move_project(&id, to)),
        Edit::Stage(p, s) => project(p).map_or(Ok(()), |id| board.set_project_stage(&id, Stage::ALL[s])),
        Edit::Phase(p, s) => project(p).map_or(Ok(()), |id| board.set_project_phase(&id, Phase::ALL[s])),
        Edit::Budget(p, budget) => project(p).map_or(Ok(()), |id| board.set_project_budget(&id, f64::from(budget))),
        Edit::People(p, who) => project(p).map_or(Ok(()), |id| board.set_project_people(&id, &who, "Bo")),
        Edit::Dates(p, day, length) => project(p).map_or(Ok(()), |id| {
            board.set_project_dates(&id, Some(date(day)), (length > 0).then(|| date(day + length)))
        }),
        Edit::Closure(p, done) => {
            project(p).map_or(Ok(()), |id| board.set_project_closure(&id, done.then(|| date(3)), done))
        }
        Edit::Financials(p, cost) => project(p).map_or(Ok(()), |id| {
            let financials = Financials {
                actual_cost: f64::from(cost),
                planned_value: 100.0,
                earned_value: 50.5,
                percent_complete: 12.5,
            };
            board.set_project_financials(&id, financials)
        }),
        Edit::Rag(p, rag) => project(p)
            .map_or(Ok(()), |id| board.set_manual_rag(&id, rag.map(|r| [Rag::Green, Rag::Amber, Rag::Red][r]), "why")),
        Edit::Estimates(p, value) => project(p).map_or(Ok(()), |id| {
            let value = value.map(f64::from);
            board.set_estimates(
                &id,
                Estimates {
                    business_value: value,
                    job_size: value.map(|v| v + 1.0),
                    confidence: Some(0.5),
                    ..Estimates::default()
                },
            )
        }),
        Edit::DeleteProject(p) => project(p).map_or(Ok(()), |id| board.delete_project(&id)),
        Edit::AddPerson(name, capacity) => {
            board.add_person(PersonId::random(), NewPerson::named(&name, f64::from(capacity)))
        }
        Edit::Capacity(p, capacity) => person(p).map_or(Ok(()), |id| board.set_capacity(&id, f64::from(capacity))),
        Edit::RoleAndTeam(p, role) => person(p).map_or(Ok(()), |id| board.set_role_and_team(&id, &role, "Platform")),
        Edit::Skill(p, skill, has) => person(p).map_or(Ok(()), |id| board.set_skill(&id, &skill, has)),
        Edit::TimeOff(p, number, hours) => {
            person(p).map_or(Ok(()), |id| board.set_time_off(&id, week(number), f64::from(hours)))
        }
        Edit::DeletePerson(p) => person(p).map_or(Ok(()), |id| board.delete_person(&id)),
        Edit::Allocate(p, q, number, hours) => match (project(p), person(q)) {
            (Some(p), Some(q)) => board.set_allocation(&p, &q, week(number), f64::from(hours)),
            _ => Ok(()),
        },
        Edit::Score(p, score) => match (project(p), pick(&snapshot.criteria, p)) {
            (Some(id), Some(criterion)) => board.set_score(&id, &criterion.id, score.map(f64::from)),
            _ => Ok(()),
        },
        Edit::Contribution(p, tenths) => match (project(p), pick(&snapshot.objectives, p)) {
            (Some(id), Some(objective)) => board.set_contribution(&id, &objective.id, f64::from(tenths) / 10.0),
            _ => Ok(()),
        },
        Edit::Depend(p, q, add) => match (project(p), project(q)) {
            (Some(p), Some(q)) if add => board.add_dependency(&p, &q),
            (Some(p), Some(q)) => board.remove_dependency(&p, &q),
            _ => Ok(()),
        },
        Edit::Milestone(p, day) => {
            project(p).map_or(Ok(()), |id| board.add_milestone(MilestoneId::random(), &id, "Launch", date(day)))
        }
        Edit::MilestoneDone(m, done) => pick(&milestones, m).map_or(Ok(()), |id| {
            if done {
                board.set_milestone_done(&id, Some(date(9)))
            } else {
                board.delete_milestone(&id)
            }
        }),
        Edit::MilestoneForecast(m, day) => {
            pick(&milestones, m).map_or(Ok(()), |id| board.set_milestone_forecast(&id, day.map(date)))
        }
        Edit::Tick(p, item, tick) => match (project(p), pick(&snapshot.gate_template, item)) {
            (Some(id), Some(gate)) if tick => board.tick_gate(&id, gate.phase, &gate.item, stamp),
            (Some(id), Some(gate)) => board.untick_gate(&id, gate.phase, &gate.item),
            _ => Ok(()),
        },
        Edit::GateItem(phase, item, add) => {
            if add {
                board.add_gate_item(Phase::ALL[phase], &item, "Checked")
            } else {
                board.remove_gate_item(Phase::ALL[phase], &item)
            }
        }
        Edit::Risk(p, probability, impact) => project(p).map_or(Ok(()), |id| {
            let risk = NewRisk {
                title: "Risk".into(),
                probability,
                impact,
                owner: "Ana".into(),
                mitigation: "Plan".into(),
                roam: Roam::Owned,
            };
            board.add_risk(RiskId::random(), &id, risk)
        }),
        Edit::UpdateRisk(r, roam) => pick(&risks, r).map_or(Ok(()), |id| {
            let risk = NewRisk {
                title: "Risk, again".into(),
                probability: 2,
                impact: 5,
                owner: String::new(),
                mitigation: String::new(),
                roam: Roam::ALL[roam],
            };
            board.update_risk(&id, risk)
        }),
        Edit::DeleteRisk(r) => pick(&risks, r).map_or(Ok(()), |id| board.delete_risk(&id)),
        Edit::Lesson(p, tag) => project(p).map_or(Ok(()), |id| {
            let lesson_id = LessonId::random();
            let lesson = NewLesson { title: "Lesson".into(), body: "Body".into(), tags: vec![tag.clone()] };
            board
                .add_lesson(lesson_id.clone(), &id, lesson, stamp)
                .and_then(|()| board.set_lesson_tag(&lesson_id, "extra", true))
        }),
        Edit::Decision(p, kind) => {
            let project = p.and_then(project);
            board.record_decision(DecisionId::random(), DecisionKind::ALL[kind], project.as_ref(), "Decided", stamp)
        }
        Edit::Currency(code) => board.set_currency(&code),
        Edit::OperatingModel(model) => board.set_operating_model(OperatingModel::ALL[model]),
        Edit::Envelope(amount) => board.set_budget_envelope(amount.map(f64::from)),
        Edit::RagThresholds(green, amber) => board.set_rag_thresholds(f64::from(green) / 10.0, f64::from(amber) / 10.0),
        Edit::RiskThresholds(medium) => board.set_risk_thresholds(medium, medium + 1, medium + 2),
        Edit::Objective(id, weight, delete) => {
            let id: ObjectiveId = id.parse().unwrap();
            match (board.objectives().iter().any(|o| o.id == id), delete) {
                (true, true) => board.delete_objective(&id),
                (true, false) => board.set_objective(&id, "Objective", f64::from(weight)),
                (false, _) => board.add_objective(id, "Objective", f64::from(weight)),
            }
        }
        Edit::Criterion(id, weight, delete) => {
            let id: CriterionId = id.parse().unwrap();
            let direction = if weight % 2 == 0 { Direction::HigherIsBetter } else { Direction::LowerIsBetter };
            match (board.criteria().iter().any(|c| c.id == id), delete) {
                (true, true) => board.delete_criterion(&id),
                (true, false) => board.set_criterion(&id, "Criterion", f64::from(weight), direction),
                (false, _) => board.add_criterion(id, "Criterion", f64::from(weight), direction),
            }
        }
        Edit::RenameBoard(name) => board.rename(&name),
        Edit::Baseline(name) => match board.baselines().into_iter().find(|b| b.name == name) {
            Some(baseline) => board.delete_baseline(&baseline.id),
            None => board.add_baseline(BaselineId::random(), &name, stamp),
        },
    };
}

fn load(bytes: &[u8]) -> Automerge {
    Automerge::load(bytes).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A client edits a board with the typed API; each edit travels to the server as a real
    /// sync message, which the gate accepts with exactly the edit's changes, and the diff of
    /// the server's board from before the edit passes the schema check too.
    #[test]
    fn every_typed_edit_passes_the_gate(edits in proptest::collection::vec(edit(), 1..24)) {
        let mut client = small_board();
        let mut server = load(&client.save());
        for edit in &edits {
            apply(&mut client, edit);
            let new = client.save_incremental();
            if new.is_empty() {
                continue;
            }
            let before = server.get_heads();
            let mut sent = server.clone();
            sent.load_incremental(&new).unwrap();
            let data = change_message(&server, &sent).expect("the edit is sent");
            let accepted = match check_sync(&server, &data, &GateLimits::default()) {
                Ok(accepted) => accepted,
                Err(error) => return Err(TestCaseError::fail(format!("{edit:?} was refused: {error}"))),
            };
            prop_assert_eq!(&accepted.heads, &sent.get_heads());
            prop_assert_eq!(accepted.changes.len(), sent.get_changes(&before).len());
            server.apply_changes(accepted.changes.into_iter().map(|(_, bytes)| Change::from_bytes(bytes).unwrap())).unwrap();
            if let Err(violation) = validate::check_update(&server, &before) {
                return Err(TestCaseError::fail(format!("{edit:?} fails the diff check: {violation}")));
            }
        }
        prop_assert!(validate::check_document(&server).is_ok());
        prop_assert_eq!(server.get_heads(), client.heads());
    }
}

// ---- updates that break the schema --------------------------------------------------------------

/// The object at `path` from the root.
fn object(doc: &AutoCommit, path: &[&str]) -> ObjId {
    path.iter().fold(ROOT, |parent, key| match doc.get(&parent, *key).unwrap() {
        Some((automerge::Value::Object(_), id)) => id,
        other => panic!("no object at {key}: {other:?}"),
    })
}

/// A board as the server holds it, with a project written the way automerge-repo's
/// JavaScript client writes one: strings as texts, the budget as an integer.
fn server_board() -> AutoCommit {
    let mut doc = AutoCommit::load(&small_board().save()).unwrap();
    add_javascript_project(&mut doc, "js");
    doc.commit();
    doc
}

fn add_javascript_project(doc: &mut AutoCommit, id: &str) {
    let projects = object(doc, &["projects"]);
    let project = doc.put_object(&projects, id, ObjType::Map).unwrap();
    for (key, value) in [("name", "From JavaScript"), ("stage", "active"), ("position", "ff80")] {
        let text = doc.put_object(&project, key, ObjType::Text).unwrap();
        doc.splice_text(&text, 0, 0, value).unwrap();
    }
    doc.put(&project, "budget", ScalarValue::Int(1000)).unwrap();
}

/// Runs a raw edit on the server's board and returns the verdicts of the diff check and of
/// the gate on the sync message that carries it.
fn verdicts(edit: impl FnOnce(&mut AutoCommit)) -> (Result<(), SchemaViolation>, Result<(), GateError>) {
    let mut server = server_board();
    let before = server.get_heads();
    let mut client = server.fork();
    edit(&mut client);
    client.commit();
    let after = client.document().clone();
    let by_diff = validate::check_update(&after, &before);
    let data = change_message(server.document(), &after).expect("the edit is sent");
    let by_gate = check_sync(server.document(), &data, &GateLimits::default()).map(|_| ());
    (by_diff, by_gate)
}

fn put_text(doc: &mut AutoCommit, path: &[&str], key: &str, value: &str) {
    let parent = object(doc, path);
    let text = doc.put_object(&parent, key, ObjType::Text).unwrap();
    doc.splice_text(&text, 0, 0, value).unwrap();
}

type Expect = fn(&Problem) -> bool;
type RawEdit = Box<dyn FnOnce(&mut AutoCommit)>;

#[test]
fn updates_that_break_the_schema_are_refused_where_they_break_it() {
    let cases: Vec<(&str, RawEdit, &str, Expect)> = vec![
        (
            "a field of the wrong type",
            Box::new(|d| d.put(object(d, &["projects", "erp"]), "budget", "a lot").unwrap()),
            "projects/erp/budget",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "the string `a lot`"),
        ),
        ("an unknown root key", Box::new(|d| d.put(ROOT, "admin", true).unwrap()), "admin", |p| {
            matches!(p, Problem::UnknownRootKey(_))
        }),
        ("deleting a collection", Box::new(|d| d.delete(ROOT, "risks").unwrap()), "risks", |p| {
            matches!(p, Problem::CollectionDeleted("risks"))
        }),
        (
            "creating a collection again",
            Box::new(|d| {
                d.put_object(ROOT, "projects", ObjType::Map).unwrap();
            }),
            "projects",
            |p| matches!(p, Problem::CollectionCreated("projects")),
        ),
        (
            "a collection made concurrently by a replica that never saw the board",
            Box::new(|d| {
                let mut stranger = AutoCommit::new();
                stranger.put_object(ROOT, "projects", ObjType::Map).unwrap();
                stranger.commit();
                d.merge(&mut stranger).unwrap();
            }),
            "projects",
            |p| matches!(p, Problem::CollectionCreated("projects")),
        ),
        (
            "a list where a project belongs",
            Box::new(|d| {
                d.put_object(object(d, &["projects"]), "new", ObjType::List).unwrap();
            }),
            "projects/new",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "a list"),
        ),
        (
            "an entity that is not a map",
            Box::new(|d| d.put(object(d, &["people"]), "zed", "Zed").unwrap()),
            "people/zed",
            |p| matches!(p, Problem::WrongValue { expected, .. } if expected == "a map (a person)"),
        ),
        (
            "the schema version lowered",
            Box::new(|d| d.put(ROOT, "schema_version", 1u64).unwrap()),
            "schema_version",
            |p| matches!(p, Problem::SchemaVersionLowered { from: shared::board::SCHEMA_VERSION, to: 1 }),
        ),
        (
            "a schema version from the future",
            Box::new(|d| d.put(ROOT, "schema_version", shared::board::SCHEMA_VERSION + 1).unwrap()),
            "schema_version",
            |p| matches!(p, Problem::SchemaVersionTooNew(v) if *v == shared::board::SCHEMA_VERSION + 1),
        ),
        (
            "the schema version deleted",
            Box::new(|d| d.delete(ROOT, "schema_version").unwrap()),
            "schema_version",
            |p| matches!(p, Problem::Removed(_)),
        ),
        ("the board's name deleted", Box::new(|d| d.delete(ROOT, "name").unwrap()), "name", |p| {
            matches!(p, Problem::Removed(_))
        }),
        (
            "an unknown field",
            Box::new(|d| d.put(object(d, &["projects", "erp"]), "colour", "red").unwrap()),
            "projects/erp/colour",
            |p| matches!(p, Problem::UnknownField { what: "project", .. }),
        ),
        (
            "a stage that does not exist",
            Box::new(|d| d.put(object(d, &["projects", "erp"]), "stage", "done").unwrap()),
            "projects/erp/stage",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "the string `done`"),
        ),
        (
            "a stage that does not exist, as a text",
            Box::new(|d| put_text(d, &["projects", "erp"], "stage", "done")),
            "projects/erp/stage",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "typing into a stage held as a text",
            Box::new(|d| {
                let stage = object(d, &["projects", "js", "stage"]);
                d.splice_text(&stage, 0, 0, "in").unwrap();
            }),
            "projects/js/stage",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "the string `inactive`"),
        ),
        (
            "a required field deleted",
            Box::new(|d| d.delete(object(d, &["projects", "erp"]), "name").unwrap()),
            "projects/erp/name",
            |p| matches!(p, Problem::Removed(_)),
        ),
        (
            "a new project without a stage",
            Box::new(|d| {
                let project = d.put_object(object(d, &["projects"]), "new", ObjType::Map).unwrap();
                d.put(&project, "name", "New").unwrap();
            }),
            "projects/new",
            |p| matches!(p, Problem::Missing { what: "project", field: "stage" }),
        ),
        (
            "a map inside a field",
            Box::new(|d| {
                d.put_object(object(d, &["projects", "erp"]), "budget", ObjType::Map).unwrap();
            }),
            "projects/erp/budget",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "a map"),
        ),
        (
            "a counter for a number",
            Box::new(|d| d.put(object(d, &["projects", "erp"]), "budget", ScalarValue::counter(3)).unwrap()),
            "projects/erp/budget",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "a counter"),
        ),
        (
            "an allocation key of the wrong shape",
            Box::new(|d| d.put(object(d, &["allocations"]), "erp/ana", 8.0).unwrap()),
            r#"allocations/"erp/ana""#,
            |p| matches!(p, Problem::BadKey { .. }),
        ),
        (
            "an allocation in a week that does not exist",
            Box::new(|d| d.put(object(d, &["allocations"]), "erp/ana/2027-W60", 8.0).unwrap()),
            r#"allocations/"erp/ana/2027-W60""#,
            |p| matches!(p, Problem::BadKey { .. }),
        ),
        (
            "more hours than a week has",
            Box::new(|d| d.put(object(d, &["allocations"]), "erp/ana/2027-W05", 400.0).unwrap()),
            r#"allocations/"erp/ana/2027-W05""#,
            |p| matches!(p, Problem::WrongValue { expected, .. } if expected == "a number from 0 to 168"),
        ),
        (
            "a set holding something other than true",
            Box::new(|d| d.put(object(d, &["skills"]), "ana/go", false).unwrap()),
            r#"skills/"ana/go""#,
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a list in the settings",
            Box::new(|d| {
                d.put_object(object(d, &["settings"]), "currency", ObjType::List).unwrap();
            }),
            "settings/currency",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "a list"),
        ),
        (
            "a currency that is not a code",
            Box::new(|d| d.put(object(d, &["settings"]), "currency", "yuan").unwrap()),
            "settings/currency",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a date in another format",
            Box::new(|d| d.put(object(d, &["milestones", "go-live"]), "due", "31/03/2027").unwrap()),
            "milestones/go-live/due",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a milestone forecast that is no date",
            Box::new(|d| d.put(object(d, &["milestones", "go-live"]), "forecast", "next spring").unwrap()),
            "milestones/go-live/forecast",
            |p| matches!(p, Problem::WrongValue { found, .. } if found == "the string `next spring`"),
        ),
        (
            "a milestone forecast on a day the calendar lacks",
            Box::new(|d| d.put(object(d, &["milestones", "go-live"]), "forecast", "2027-02-30").unwrap()),
            "milestones/go-live/forecast",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a milestone forecast as a number",
            Box::new(|d| d.put(object(d, &["milestones", "go-live"]), "forecast", 20270331i64).unwrap()),
            "milestones/go-live/forecast",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a probability off the scale",
            Box::new(|d| d.put(object(d, &["risks", "vendor"]), "probability", 9u64).unwrap()),
            "risks/vendor/probability",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a gate tick for a phase that does not exist",
            Box::new(|d| {
                let tick = d.put_object(object(d, &["gate_ticks"]), "erp/launch/charter", ObjType::Map).unwrap();
                d.put(&tick, "by", "Ana").unwrap();
                d.put(&tick, "at_ms", 1i64).unwrap();
            }),
            r#"gate_ticks/"erp/launch/charter""#,
            |p| matches!(p, Problem::BadKey { .. }),
        ),
        (
            "a decision's version that is not change hashes",
            Box::new(|d| d.put(object(d, &["decisions", "go"]), "heads", "yesterday").unwrap()),
            "decisions/go/heads",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a baseline without its version",
            Box::new(|d| {
                let baseline = d.put_object(object(d, &["baselines"]), "q1", ObjType::Map).unwrap();
                d.put(&baseline, "name", "2027 Q1 review").unwrap();
            }),
            "baselines/q1",
            |p| matches!(p, Problem::Missing { field: "heads", .. }),
        ),
        (
            "a baseline's version that is not change hashes",
            Box::new(|d| {
                let baseline = d.put_object(object(d, &["baselines"]), "q1", ObjType::Map).unwrap();
                d.put(&baseline, "name", "2027 Q1 review").unwrap();
                d.put(&baseline, "heads", "last Tuesday").unwrap();
            }),
            "baselines/q1/heads",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "a baseline whose name is a number",
            Box::new(|d| {
                let heads = d.get_heads().iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
                let baseline = d.put_object(object(d, &["baselines"]), "q1", ObjType::Map).unwrap();
                d.put(&baseline, "name", 2027_i64).unwrap();
                d.put(&baseline, "heads", heads).unwrap();
            }),
            "baselines/q1/name",
            |p| matches!(p, Problem::WrongValue { .. }),
        ),
        (
            "an entity id with a slash",
            Box::new(|d| {
                let person = d.put_object(object(d, &["people"]), "a/b", ObjType::Map).unwrap();
                d.put(&person, "name", "Slash").unwrap();
            }),
            r#"people/"a/b""#,
            |p| matches!(p, Problem::BadKey { .. }),
        ),
    ];
    for (name, edit, path, expected) in cases {
        let (by_diff, by_gate) = verdicts(edit);
        match by_diff {
            Err(violation) => {
                assert_eq!(violation.path, path, "{name}: {violation}");
                assert!(expected(&violation.problem), "{name}: {violation}");
            }
            Ok(()) => panic!("{name}: the diff check let it through"),
        }
        match by_gate {
            Err(GateError::Schema(violation)) => {
                assert_eq!(violation.path, path, "{name} (gate): {violation}");
                assert!(expected(&violation.problem), "{name} (gate): {violation}");
            }
            other => panic!("{name}: the gate said {other:?}"),
        }
    }
}

#[test]
fn updates_that_fit_the_schema_pass() {
    let cases: Vec<(&str, RawEdit)> = vec![
        ("a project written by JavaScript", Box::new(|d| add_javascript_project(d, "js2"))),
        (
            "typing into a name held as a text",
            Box::new(|d| {
                let name = object(d, &["projects", "js", "name"]);
                d.splice_text(&name, 0, 4, "To").unwrap();
            }),
        ),
        ("deleting a project", Box::new(|d| d.delete(object(d, &["projects"]), "erp").unwrap())),
        ("deleting an optional field", Box::new(|d| d.delete(object(d, &["projects", "erp"]), "phase").unwrap())),
        (
            "an integer where a number belongs",
            Box::new(|d| d.put(object(d, &["people", "ana"]), "capacity_hours_per_week", 32i64).unwrap()),
        ),
        ("a stage as a text", Box::new(|d| put_text(d, &["projects", "erp"], "stage", "on-hold"))),
        (
            "a milestone forecast written by another client",
            Box::new(|d| put_text(d, &["milestones", "go-live"], "forecast", "2027-04-15")),
        ),
        (
            "a milestone forecast cleared",
            Box::new(|d| {
                d.put(object(d, &["milestones", "go-live"]), "forecast", "2027-04-15").unwrap();
                d.delete(object(d, &["milestones", "go-live"]), "forecast").unwrap();
            }),
        ),
        (
            "a baseline written by another client",
            Box::new(|d| {
                let heads = d.get_heads().iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
                let baseline = d.put_object(object(d, &["baselines"]), "q1", ObjType::Map).unwrap();
                put_text(d, &["baselines", "q1"], "name", "2027 Q1 review");
                d.put(&baseline, "heads", heads).unwrap();
            }),
        ),
    ];
    for (name, edit) in cases {
        let (by_diff, by_gate) = verdicts(edit);
        assert_eq!(by_diff, Ok(()), "{name}");
        assert_eq!(by_gate, Ok(()), "{name}");
    }
    let mut server = server_board();
    validate::check_document(server.document()).unwrap();
}

// ---- fields two people set apart, one of them as a text -----------------------------------------

/// How one person writes a string field. JavaScript's automerge-repo clients write a string
/// as a text object (a new one on every assignment) and type into it; the typed API writes a
/// scalar string.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Write {
    Scalar,
    NewText,
    /// Typing into the text the field holds (only when it holds one).
    Typing,
}

const WRITES: [Write; 3] = [Write::Scalar, Write::NewText, Write::Typing];

/// Writes `value` under `key` of the entity at `path`, as `how` says. `false` when `how` does
/// not apply (typing into a field that holds no text).
fn write_field(doc: &mut AutoCommit, path: &[&str], key: &str, how: Write, value: &str) -> bool {
    let entity = object(doc, path);
    match how {
        Write::Scalar => doc.put(&entity, key, value).unwrap(),
        Write::NewText => put_text(doc, path, key, value),
        Write::Typing => match doc.get(&entity, key).unwrap() {
            Some((automerge::Value::Object(ObjType::Text), text)) => {
                let length = doc.length(&text);
                doc.splice_text(&text, 0, length as isize, value).unwrap();
            }
            _ => return false,
        },
    }
    doc.commit();
    true
}

/// Sends what `client` has and `server` lacks through the gate, and stores it on `server` when
/// accepted.
fn send(server: &mut Automerge, client: &Automerge) -> Result<(), GateError> {
    let Some(data) = change_message(server, client) else { return Ok(()) };
    let before = server.get_heads();
    let accepted = check_sync(server, &data, &GateLimits::default())?;
    server.apply_changes(accepted.changes.into_iter().map(|(_, bytes)| Change::from_bytes(bytes).unwrap())).unwrap();
    validate::check_update(server, &before).map_err(GateError::Schema)
}

/// An edit with the typed API, by what it does.
type TypedEdit = fn(&mut Board);

/// A field of an entity of [`small_board`], two values it may hold, and ordinary edits of the
/// entity with the typed API (the first writes the field itself).
struct SetApart {
    path: [&'static str; 2],
    field: &'static str,
    /// The field holds one of a few names (a stage, a direction), not any text.
    enumerated: bool,
    values: [&'static str; 2],
    edits: &'static [(&'static str, TypedEdit)],
}

fn erp() -> ProjectId {
    "erp".parse().unwrap()
}

/// Sets the criterion `value` to what it shows: a field two people set apart is written again
/// with the value that won, which settles it (Automerge writes that as a deletion of the losers).
fn settle_criterion(board: &mut Board) {
    let shown = board.criteria().into_iter().find(|c| c.id == "value").unwrap();
    board.set_criterion(&"value".parse().unwrap(), &shown.name, shown.weight, shown.direction).unwrap();
}

fn vendor_risk(title: &str) -> NewRisk {
    NewRisk {
        title: title.into(),
        probability: 2,
        impact: 5,
        owner: "Bo".into(),
        mitigation: String::new(),
        roam: Roam::Owned,
    }
}

const SET_APART: &[SetApart] = &[
    SetApart {
        path: ["projects", "erp"],
        field: "name",
        enumerated: false,
        values: ["ERP", "ERP 2"],
        edits: &[
            ("rename the project", |b| b.rename_project(&erp(), "ERP 3").unwrap()),
            ("set its budget", |b| b.set_project_budget(&erp(), 7.0).unwrap()),
            ("set its stage", |b| b.set_project_stage(&erp(), Stage::OnHold).unwrap()),
        ],
    },
    SetApart {
        path: ["projects", "erp"],
        field: "stage",
        enumerated: true,
        values: ["active", "on-hold"],
        edits: &[
            ("set the stage", |b| b.set_project_stage(&erp(), Stage::Closed).unwrap()),
            ("rename the project", |b| b.rename_project(&erp(), "ERP 3").unwrap()),
        ],
    },
    SetApart {
        path: ["projects", "erp"],
        field: "sponsor",
        enumerated: false,
        values: ["Ana", "Bo"],
        edits: &[("set its budget", |b| b.set_project_budget(&erp(), 7.0).unwrap())],
    },
    SetApart {
        path: ["risks", "vendor"],
        field: "title",
        enumerated: false,
        values: ["Vendor late", "Vendor gone"],
        edits: &[("edit the risk", |b| b.update_risk(&"vendor".parse().unwrap(), vendor_risk("Vendor")).unwrap())],
    },
    SetApart {
        path: ["criteria", "value"],
        field: "name",
        enumerated: false,
        values: ["Value", "Worth"],
        edits: &[
            ("settle it with the value that won", settle_criterion),
            ("edit the criterion", |b| {
                b.set_criterion(&"value".parse().unwrap(), "Value", 3.0, Direction::LowerIsBetter).unwrap()
            }),
        ],
    },
    SetApart {
        path: ["criteria", "value"],
        field: "direction",
        enumerated: true,
        values: ["higher-is-better", "lower-is-better"],
        edits: &[
            ("settle it with the value that won", settle_criterion),
            ("edit the criterion", |b| {
                b.set_criterion(&"value".parse().unwrap(), "Worth", 3.0, Direction::HigherIsBetter).unwrap()
            }),
        ],
    },
];

/// Two people set one string field of an entity at once, each as a scalar or as a text (a new
/// one, or typing into the one there), from a field that held a scalar or a text; the server
/// takes both. A later ordinary edit of the entity, with the typed API or by typing into the
/// text that won, passes the gate too. Every kind of write on each side is tried.
#[test]
fn a_field_two_people_set_apart_as_scalar_or_text_does_not_block_later_edits() {
    let mut failures = Vec::new();
    for case in SET_APART {
        for initial in [Write::Scalar, Write::NewText] {
            for (left, right) in WRITES.iter().flat_map(|left| WRITES.iter().map(move |right| (*left, *right))) {
                let mut start = AutoCommit::load(&small_board().save()).unwrap();
                write_field(&mut start, &case.path, case.field, initial, case.values[0]);
                let mut server = start.document().clone();
                let (mut alice, mut bob) = (start.fork(), start.fork());
                // Two people typing over the same text at once get both their characters: a
                // stage of "activeon-hold", which the gate rightly refuses (it reads as no stage).
                if (left, right) == (Write::Typing, Write::Typing) && case.enumerated {
                    continue;
                }
                if !write_field(&mut alice, &case.path, case.field, left, case.values[1])
                    || !write_field(&mut bob, &case.path, case.field, right, case.values[0])
                {
                    continue;
                }
                let name = format!(
                    "{}/{} from {initial:?}, set apart as {left:?} and {right:?}",
                    case.path.join("/"),
                    case.field
                );
                for (who, replica) in [("alice", &mut alice), ("bob", &mut bob)] {
                    if let Err(error) = send(&mut server, replica.document()) {
                        failures.push(format!("{name}: {who}'s write refused: {error}"));
                    }
                }
                let mut later: Vec<(String, Automerge)> = Vec::new();
                for (edit, run) in case.edits {
                    let mut board = Board::load(&server.save()).unwrap();
                    run(&mut board);
                    later.push((edit.to_string(), load(&board.save())));
                }
                // Each value once as a scalar: whichever won, writing it again is what Automerge
                // sends as a deletion of the values that lost.
                let writes = [(Write::Typing, 1), (Write::NewText, 1), (Write::Scalar, 0), (Write::Scalar, 1)];
                for (how, value) in writes {
                    let mut raw = AutoCommit::load(&server.save()).unwrap();
                    if write_field(&mut raw, &case.path, case.field, how, case.values[value]) {
                        let edit = format!("write the field again ({how:?}, {:?})", case.values[value]);
                        later.push((edit, raw.document().clone()));
                    }
                }
                for (edit, replica) in later {
                    let mut server = server.clone();
                    if let Err(error) = send(&mut server, &replica) {
                        failures.push(format!("{name}, then {edit}: refused: {error}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} refused:\n{}", failures.len(), failures.join("\n"));
}

/// The board's name, at the root, is required too: renamed apart (one of them from
/// JavaScript, as a text), then renamed to the name that won, which settles it.
#[test]
fn a_board_name_set_apart_is_settled_by_the_name_that_won() {
    let mut failures = Vec::new();
    for (left, right) in
        [(Write::Scalar, Write::Scalar), (Write::Scalar, Write::NewText), (Write::NewText, Write::Scalar)]
    {
        let mut start = AutoCommit::load(&small_board().save()).unwrap();
        let mut server = start.document().clone();
        let (mut alice, mut bob) = (start.fork(), start.fork());
        for (doc, how, name) in [(&mut alice, left, "Portfolio 2027"), (&mut bob, right, "Portfolio 2028")] {
            match how {
                Write::NewText => {
                    let text = doc.put_object(ROOT, "name", ObjType::Text).unwrap();
                    doc.splice_text(&text, 0, 0, name).unwrap();
                }
                _ => doc.put(ROOT, "name", name).unwrap(),
            }
            doc.commit();
            send(&mut server, doc.document()).unwrap();
        }
        for name in ["Portfolio 2027", "Portfolio 2028"] {
            let mut board = Board::load(&server.save()).unwrap();
            board.rename(name).unwrap();
            if let Err(error) = send(&mut server.clone(), &load(&board.save())) {
                failures.push(format!("set apart as {left:?} and {right:?}, renamed {name}: {error}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

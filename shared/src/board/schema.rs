//! The board's schema, described once: every collection of the document, every field of every
//! entity (its key, what its value must be, whether reading needs it), the key shape of every
//! flat table, and which schema version brought each collection.
//!
//! Nothing else names a key of the document. The readers and writers of [`super::Board`] use
//! the constants here (`project::BUDGET`), and [`super::validate`] checks every update against
//! the tables here (`project::FIELDS`, [`COLLECTIONS`]), so a field is spelled once and the
//! server's check cannot disagree with what the board writes. A field that may hold one of a
//! closed set of names takes the names from its typed enum ([`Stage::NAMES`] and the like), so
//! those cannot drift either. The tests at the end write every field through the typed API and
//! hold the document against this description both ways.
//!
//! ```text
//! projects/<id>/budget      →  PROJECTS, an entity collection, whose entities hold
//!                              project::FIELDS; project::BUDGET = "budget",
//!                              a number of at least 0, optional
//! allocations/p/q/2027-W05  →  ALLOCATIONS, a flat table: key project/person/week, value hours
//! ```
//!
//! | version | what it holds |
//! |---|---|
//! | 1 | name, projects (name, stage, budget, position), people (name, capacity), allocations |
//! | 2 | everything in the module doc of [`crate::board`]: settings, objectives, criteria, the gate template, risks, milestones, lessons, decisions and the flat tables |
//! | 3 | baselines (基线): named versions of the board |
//! | 4 | AHP judgments (层次分析法): each member's pairwise comparisons of the criteria |
//!
//! An upgrade only adds: it creates the collections a version introduced and never rewrites
//! what exists, so a replica still on the old version merges with the upgraded one without
//! losing anything. Collections must be created by one replica only (two concurrent creations
//! of the same map hide each other's contents), so the server upgrades a board when it opens
//! it ([`super::Board::upgrade`]), and clients refuse to write to a board below the current
//! version ([`super::BoardError::OlderSchema`]) until that upgrade reaches them.
//!
//! This module is at the bottom of [`crate::board`]: it uses only the value enums
//! ([`super::choices`] and those of the computations), so every other part of the board can
//! use it.

use automerge::{ReadDoc, ScalarValue, Value, ROOT};

use super::{DecisionKind, OperatingModel, Phase, Stage, HOURS_PER_WEEK_MAX};
use crate::{finance::Rag, risk::Roam, scoring::Direction};

/// The schema version this build writes.
pub const SCHEMA_VERSION: u64 = 4;

// ---- how a value, a field and a collection are described -----------------------------------

/// What a value must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rule {
    /// Any string.
    Text,
    /// One of these names (those of a typed enum).
    OneOf(&'static [&'static str]),
    /// `YYYY-MM-DD`.
    Date,
    /// An entity id: not empty, no `/`.
    Id,
    /// Change hashes separated by commas (a decision's version of the board).
    Hashes,
    /// Three upper-case letters.
    Currency,
    /// A finite number (an Automerge float or integer) within the bounds.
    Number {
        min: f64,
        max: f64,
    },
    /// A whole number within the bounds.
    Integer {
        min: i64,
        max: i64,
    },
    Bool,
    /// `true`: the map is a set.
    True,
    /// A judgment on Saaty's scale: one of 1/9, 1/8, …, 1/2, 1, 2, …, 9.
    Saaty,
}

pub(crate) const AT_LEAST_0: Rule = Rule::Number { min: 0.0, max: f64::INFINITY };
pub(crate) const HOURS: Rule = Rule::Number { min: 0.0, max: HOURS_PER_WEEK_MAX };
pub(crate) const ANY_NUMBER: Rule = Rule::Number { min: f64::NEG_INFINITY, max: f64::INFINITY };
pub(crate) const MILLISECONDS: Rule = Rule::Integer { min: i64::MIN, max: i64::MAX };

/// A field of an entity (or of the settings, or of the root).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    /// Its key in the entity's map.
    pub(crate) key: &'static str,
    pub(crate) rule: Rule,
    /// Reading skips the entity without it, so it must be there and cannot be deleted.
    pub(crate) required: bool,
}

pub(crate) const fn required(key: &'static str, rule: Rule) -> Field {
    Field { key, rule, required: true }
}

pub(crate) const fn optional(key: &'static str, rule: Rule) -> Field {
    Field { key, rule, required: false }
}

/// One part of a composite key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    /// An id or a name: not empty. The label says what it is, for messages.
    Id(&'static str),
    Phase,
    Week,
    /// An id that sorts after the part before it, so that a pair is stored under one key only.
    After(&'static str),
}

#[derive(Debug)]
pub(crate) enum Layout {
    /// Key → an entity map with these fields.
    Entities { what: &'static str, key: &'static [Part], fields: &'static [Field] },
    /// One map of fields (the settings).
    Fields(&'static [Field]),
    /// Composite key → a scalar.
    Flat { key: &'static [Part], value: Rule },
}

/// A root map of the board.
#[derive(Debug)]
pub(crate) struct Collection {
    pub(crate) name: &'static str,
    /// The schema version that brought it.
    pub(crate) since: u64,
    pub(crate) layout: Layout,
}

// ---- the root -------------------------------------------------------------------------------

/// The root's own keys; every other root key is a collection.
pub mod root {
    use super::*;

    pub const NAME: &str = "name";
    pub const SCHEMA_VERSION: &str = "schema_version";

    /// The board's name (the schema version has a slot of its own in the check).
    pub(crate) const NAME_FIELD: Field = required(NAME, Rule::Text);
}

// ---- the collections ------------------------------------------------------------------------

pub(crate) const PROJECTS: &str = "projects";
pub(crate) const PEOPLE: &str = "people";
pub(crate) const ALLOCATIONS: &str = "allocations";
pub(crate) const SETTINGS: &str = "settings";
pub(crate) const OBJECTIVES: &str = "objectives";
pub(crate) const CRITERIA: &str = "criteria";
pub(crate) const GATE_TEMPLATE: &str = "gate_template";
pub(crate) const RISKS: &str = "risks";
pub(crate) const MILESTONES: &str = "milestones";
pub(crate) const LESSONS: &str = "lessons";
pub(crate) const DECISIONS: &str = "decisions";
pub(crate) const TIME_OFF: &str = "time_off";
pub(crate) const SKILLS: &str = "skills";
pub(crate) const SCORES: &str = "scores";
pub(crate) const CONTRIBUTIONS: &str = "contributions";
pub(crate) const DEPENDENCIES: &str = "dependencies";
pub(crate) const GATE_TICKS: &str = "gate_ticks";
pub(crate) const LESSON_TAGS: &str = "lesson_tags";
pub(crate) const BASELINES: &str = "baselines";
pub(crate) const AHP_JUDGMENTS: &str = "ahp_judgments";

const ID: &[Part] = &[Part::Id("id")];

/// Every collection, in the order a new board creates them (those of version 1 first).
pub(crate) static COLLECTIONS: [Collection; 20] = [
    Collection {
        name: PROJECTS,
        since: 1,
        layout: Layout::Entities { what: "project", key: ID, fields: project::FIELDS },
    },
    Collection { name: PEOPLE, since: 1, layout: Layout::Entities { what: "person", key: ID, fields: person::FIELDS } },
    Collection {
        name: ALLOCATIONS,
        since: 1,
        layout: Layout::Flat { key: &[Part::Id("project"), Part::Id("person"), Part::Week], value: HOURS },
    },
    Collection { name: SETTINGS, since: 2, layout: Layout::Fields(setting::FIELDS) },
    Collection {
        name: OBJECTIVES,
        since: 2,
        layout: Layout::Entities { what: "objective", key: ID, fields: objective::FIELDS },
    },
    Collection {
        name: CRITERIA,
        since: 2,
        layout: Layout::Entities { what: "criterion", key: ID, fields: criterion::FIELDS },
    },
    Collection {
        name: GATE_TEMPLATE,
        since: 2,
        layout: Layout::Entities {
            what: "checklist item",
            key: &[Part::Phase, Part::Id("item")],
            fields: gate_item::FIELDS,
        },
    },
    Collection { name: RISKS, since: 2, layout: Layout::Entities { what: "risk", key: ID, fields: risk::FIELDS } },
    Collection {
        name: MILESTONES,
        since: 2,
        layout: Layout::Entities { what: "milestone", key: ID, fields: milestone::FIELDS },
    },
    Collection {
        name: LESSONS,
        since: 2,
        layout: Layout::Entities { what: "lesson", key: ID, fields: lesson::FIELDS },
    },
    Collection {
        name: DECISIONS,
        since: 2,
        layout: Layout::Entities { what: "decision", key: ID, fields: decision::FIELDS },
    },
    Collection {
        name: TIME_OFF,
        since: 2,
        layout: Layout::Flat { key: &[Part::Id("person"), Part::Week], value: HOURS },
    },
    Collection {
        name: SKILLS,
        since: 2,
        layout: Layout::Flat { key: &[Part::Id("person"), Part::Id("skill")], value: Rule::True },
    },
    Collection {
        name: SCORES,
        since: 2,
        layout: Layout::Flat { key: &[Part::Id("project"), Part::Id("criterion")], value: ANY_NUMBER },
    },
    Collection {
        name: CONTRIBUTIONS,
        since: 2,
        layout: Layout::Flat {
            key: &[Part::Id("project"), Part::Id("objective")],
            value: Rule::Number { min: 0.0, max: 1.0 },
        },
    },
    Collection {
        name: DEPENDENCIES,
        since: 2,
        layout: Layout::Flat { key: &[Part::Id("project"), Part::Id("depends on")], value: Rule::True },
    },
    Collection {
        name: GATE_TICKS,
        since: 2,
        layout: Layout::Entities {
            what: "gate tick",
            key: &[Part::Id("project"), Part::Phase, Part::Id("item")],
            fields: gate_tick::FIELDS,
        },
    },
    Collection {
        name: LESSON_TAGS,
        since: 2,
        layout: Layout::Flat { key: &[Part::Id("lesson"), Part::Id("tag")], value: Rule::True },
    },
    Collection {
        name: BASELINES,
        since: 3,
        layout: Layout::Entities { what: "baseline", key: ID, fields: baseline::FIELDS },
    },
    Collection {
        name: AHP_JUDGMENTS,
        since: 4,
        layout: Layout::Flat {
            key: &[Part::Id("member"), Part::Id("criterion"), Part::After("later criterion")],
            value: Rule::Saaty,
        },
    },
];

/// The collection named `name`.
pub(crate) fn collection(name: &str) -> Option<&'static Collection> {
    COLLECTIONS.iter().find(|collection| collection.name == name)
}

/// The collections a board of schema `version` has.
pub(crate) fn collections_of(version: u64) -> impl Iterator<Item = &'static Collection> {
    COLLECTIONS.iter().filter(move |collection| collection.since <= version)
}

// ---- the fields of each entity --------------------------------------------------------------

/// A project's fields (in [`PROJECTS`]).
pub mod project {
    use super::*;

    pub const NAME: &str = "name";
    pub const STAGE: &str = "stage";
    pub const PHASE: &str = "phase";
    pub const BUDGET: &str = "budget";
    /// The fractional-index priority position.
    pub const POSITION: &str = "position";
    pub const SPONSOR: &str = "sponsor";
    pub const MANAGER: &str = "manager";
    pub const START: &str = "start";
    pub const END: &str = "end";
    pub const ACTUAL_FINISH: &str = "actual_finish";
    pub const SCOPE_ACCEPTED: &str = "scope_accepted";
    pub const ACTUAL_COST: &str = "actual_cost";
    pub const PLANNED_VALUE: &str = "planned_value";
    pub const EARNED_VALUE: &str = "earned_value";
    pub const PERCENT_COMPLETE: &str = "percent_complete";
    pub const MANUAL_RAG: &str = "manual_rag";
    pub const RAG_NOTE: &str = "rag_note";
    pub const BUSINESS_VALUE: &str = "business_value";
    pub const TIME_CRITICALITY: &str = "time_criticality";
    pub const RISK_REDUCTION: &str = "risk_reduction";
    pub const JOB_SIZE: &str = "job_size";
    pub const REACH: &str = "reach";
    pub const IMPACT: &str = "impact";
    pub const CONFIDENCE: &str = "confidence";
    pub const EFFORT: &str = "effort";

    /// The WSJF and RICE inputs, in the order of [`crate::board::Estimates`]' fields.
    pub(crate) const ESTIMATES: [&str; 8] =
        [BUSINESS_VALUE, TIME_CRITICALITY, RISK_REDUCTION, JOB_SIZE, REACH, IMPACT, CONFIDENCE, EFFORT];

    pub(crate) const FIELDS: &[Field] = &[
        required(NAME, Rule::Text),
        required(STAGE, Rule::OneOf(&Stage::NAMES)),
        optional(PHASE, Rule::OneOf(&Phase::NAMES)),
        optional(BUDGET, AT_LEAST_0),
        optional(POSITION, Rule::Text),
        optional(SPONSOR, Rule::Text),
        optional(MANAGER, Rule::Text),
        optional(START, Rule::Date),
        optional(END, Rule::Date),
        optional(ACTUAL_FINISH, Rule::Date),
        optional(SCOPE_ACCEPTED, Rule::Bool),
        optional(ACTUAL_COST, AT_LEAST_0),
        optional(PLANNED_VALUE, AT_LEAST_0),
        optional(EARNED_VALUE, AT_LEAST_0),
        optional(PERCENT_COMPLETE, Rule::Number { min: 0.0, max: 100.0 }),
        optional(MANUAL_RAG, Rule::OneOf(&Rag::NAMES)),
        optional(RAG_NOTE, Rule::Text),
        optional(BUSINESS_VALUE, AT_LEAST_0),
        optional(TIME_CRITICALITY, AT_LEAST_0),
        optional(RISK_REDUCTION, AT_LEAST_0),
        optional(JOB_SIZE, AT_LEAST_0),
        optional(REACH, AT_LEAST_0),
        optional(IMPACT, AT_LEAST_0),
        optional(CONFIDENCE, AT_LEAST_0),
        optional(EFFORT, AT_LEAST_0),
    ];
}

/// A person's fields (in [`PEOPLE`]).
pub mod person {
    use super::*;

    pub const NAME: &str = "name";
    pub const ROLE: &str = "role";
    pub const TEAM: &str = "team";
    pub const CAPACITY_HOURS_PER_WEEK: &str = "capacity_hours_per_week";

    pub(crate) const FIELDS: &[Field] = &[
        required(NAME, Rule::Text),
        optional(ROLE, Rule::Text),
        optional(TEAM, Rule::Text),
        optional(CAPACITY_HOURS_PER_WEEK, HOURS),
    ];
}

/// The settings' fields (the one map [`SETTINGS`]).
pub mod setting {
    use super::*;

    pub const CURRENCY: &str = "currency";
    pub const OPERATING_MODEL: &str = "operating_model";
    pub const BUDGET_ENVELOPE: &str = "budget_envelope";
    pub const RAG_GREEN_MIN: &str = "rag_green_min";
    pub const RAG_AMBER_MIN: &str = "rag_amber_min";
    pub const RISK_MEDIUM_MIN: &str = "risk_medium_min";
    pub const RISK_HIGH_MIN: &str = "risk_high_min";
    pub const RISK_CRITICAL_MIN: &str = "risk_critical_min";

    pub(crate) const FIELDS: &[Field] = &[
        optional(CURRENCY, Rule::Currency),
        optional(OPERATING_MODEL, Rule::OneOf(&OperatingModel::NAMES)),
        optional(BUDGET_ENVELOPE, AT_LEAST_0),
        optional(RAG_GREEN_MIN, Rule::Number { min: 0.0, max: 2.0 }),
        optional(RAG_AMBER_MIN, Rule::Number { min: 0.0, max: 2.0 }),
        optional(RISK_MEDIUM_MIN, Rule::Integer { min: 2, max: 25 }),
        optional(RISK_HIGH_MIN, Rule::Integer { min: 2, max: 25 }),
        optional(RISK_CRITICAL_MIN, Rule::Integer { min: 2, max: 25 }),
    ];
}

/// A strategic objective's fields (in [`OBJECTIVES`]).
pub mod objective {
    use super::*;

    pub const NAME: &str = "name";
    pub const WEIGHT: &str = "weight";

    pub(crate) const FIELDS: &[Field] = &[required(NAME, Rule::Text), optional(WEIGHT, AT_LEAST_0)];
}

/// A scoring criterion's fields (in [`CRITERIA`]).
pub mod criterion {
    use super::*;

    pub const NAME: &str = "name";
    pub const WEIGHT: &str = "weight";
    pub const DIRECTION: &str = "direction";

    pub(crate) const FIELDS: &[Field] = &[
        required(NAME, Rule::Text),
        optional(WEIGHT, AT_LEAST_0),
        required(DIRECTION, Rule::OneOf(&Direction::NAMES)),
    ];
}

/// A stage-gate checklist item's fields (in [`GATE_TEMPLATE`], keyed `<phase>/<item>`).
pub mod gate_item {
    use super::*;

    pub const LABEL: &str = "label";
    pub const POSITION: &str = "position";

    pub(crate) const FIELDS: &[Field] =
        &[required(LABEL, Rule::Text), optional(POSITION, Rule::Integer { min: 0, max: u32::MAX as i64 })];
}

/// A risk's fields (in [`RISKS`]).
pub mod risk {
    use super::*;

    pub const PROJECT: &str = "project";
    pub const TITLE: &str = "title";
    pub const PROBABILITY: &str = "probability";
    pub const IMPACT: &str = "impact";
    pub const OWNER: &str = "owner";
    pub const MITIGATION: &str = "mitigation";
    pub const ROAM: &str = "roam";

    pub(crate) const FIELDS: &[Field] = &[
        required(PROJECT, Rule::Id),
        required(TITLE, Rule::Text),
        required(PROBABILITY, Rule::Integer { min: 1, max: 5 }),
        required(IMPACT, Rule::Integer { min: 1, max: 5 }),
        optional(OWNER, Rule::Text),
        optional(MITIGATION, Rule::Text),
        optional(ROAM, Rule::OneOf(&Roam::NAMES)),
    ];
}

/// A milestone's fields (in [`MILESTONES`]).
pub mod milestone {
    use super::*;

    pub const PROJECT: &str = "project";
    pub const NAME: &str = "name";
    pub const DUE: &str = "due";
    pub const FORECAST: &str = "forecast";
    pub const DONE_ON: &str = "done_on";

    pub(crate) const FIELDS: &[Field] = &[
        required(PROJECT, Rule::Id),
        required(NAME, Rule::Text),
        required(DUE, Rule::Date),
        optional(FORECAST, Rule::Date),
        optional(DONE_ON, Rule::Date),
    ];
}

/// A lesson's fields (in [`LESSONS`]; its tags are in [`LESSON_TAGS`]).
pub mod lesson {
    use super::*;

    pub const PROJECT: &str = "project";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const BY: &str = "by";
    pub const AT_MS: &str = "at_ms";

    pub(crate) const FIELDS: &[Field] = &[
        required(PROJECT, Rule::Id),
        required(TITLE, Rule::Text),
        optional(BODY, Rule::Text),
        optional(BY, Rule::Text),
        optional(AT_MS, MILLISECONDS),
    ];
}

/// A decision's fields (in [`DECISIONS`]).
pub mod decision {
    use super::*;

    pub const KIND: &str = "kind";
    pub const PROJECT: &str = "project";
    pub const NOTE: &str = "note";
    pub const HEADS: &str = "heads";
    pub const BY: &str = "by";
    pub const AT_MS: &str = "at_ms";

    pub(crate) const FIELDS: &[Field] = &[
        required(KIND, Rule::OneOf(&DecisionKind::NAMES)),
        optional(PROJECT, Rule::Id),
        optional(NOTE, Rule::Text),
        optional(HEADS, Rule::Hashes),
        optional(BY, Rule::Text),
        optional(AT_MS, MILLISECONDS),
    ];
}

/// A baseline's fields (in [`BASELINES`]).
pub mod baseline {
    use super::*;

    pub const NAME: &str = "name";
    pub const HEADS: &str = "heads";
    pub const BY: &str = "by";
    pub const AT_MS: &str = "at_ms";

    pub(crate) const FIELDS: &[Field] = &[
        required(NAME, Rule::Text),
        required(HEADS, Rule::Hashes),
        optional(BY, Rule::Text),
        optional(AT_MS, MILLISECONDS),
    ];
}

/// A gate tick's fields (in [`GATE_TICKS`], keyed `<project>/<phase>/<item>`).
pub mod gate_tick {
    use super::*;

    pub const BY: &str = "by";
    pub const AT_MS: &str = "at_ms";

    pub(crate) const FIELDS: &[Field] = &[required(BY, Rule::Text), required(AT_MS, MILLISECONDS)];
}

// ---- versions -------------------------------------------------------------------------------

/// The schema version a document says it has; `None` before its first change arrives.
pub(super) fn version_in(doc: &impl ReadDoc) -> Option<u64> {
    match doc.get(ROOT, root::SCHEMA_VERSION).ok()?? {
        (Value::Scalar(scalar), _) => match scalar.as_ref() {
            ScalarValue::Uint(number) => Some(*number),
            ScalarValue::Int(number) => u64::try_from(*number).ok(),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a document as the server holds it (not loaded as a [`super::Board`]) is at the
/// current version, so that [`super::Board::upgrade`] would have nothing to do: a quick look,
/// without loading the board, that spares an upgrade's work and locks for every board already
/// current.
pub fn is_current(doc: &automerge::Automerge) -> bool {
    version_in(doc) == Some(SCHEMA_VERSION)
}

/// What an upgrade did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upgrade {
    /// The board was already at the current version.
    Current,
    /// The board was upgraded from `from`.
    Upgraded { from: u64 },
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use automerge::{ObjType, ReadDoc, Value, ROOT};

    use super::*;
    use crate::{
        board::{validate, Board, Estimates, Financials, NewLesson, NewPerson, NewProject, NewRisk, Stamp},
        ids::{BaselineId, CriterionId, DecisionId, LessonId, MilestoneId, ObjectiveId, PersonId, ProjectId, RiskId},
        IsoWeek,
    };

    /// A board on which the typed API has written every entity, every optional field and every
    /// flat table.
    fn a_board_with_everything() -> Board {
        let mut board = Board::new("Portfolio").unwrap();
        let stamp = || Stamp { by: "Wang Fang".into(), at_ms: 1_790_000_000_000 };
        let date = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
        let week: IsoWeek = "2027-W05".parse().unwrap();

        board.set_currency("EUR").unwrap();
        board.set_operating_model(OperatingModel::Matrix).unwrap();
        board.set_budget_envelope(Some(1_000_000.0)).unwrap();
        board.set_rag_thresholds(0.9, 0.8).unwrap();
        board.set_risk_thresholds(4, 9, 16).unwrap();
        let (growth, value, cost) = (ObjectiveId::random(), CriterionId::random(), CriterionId::random());
        board.add_objective(growth.clone(), "Growth", 2.0).unwrap();
        board.add_criterion(value.clone(), "Value", 3.0, Direction::HigherIsBetter).unwrap();
        board.add_criterion(cost.clone(), "Cost", 1.0, Direction::LowerIsBetter).unwrap();
        board.add_gate_item(Phase::Planning, "vendor-check", "Vendors checked").unwrap();

        let (apollo, zeus) = (ProjectId::random(), ProjectId::random());
        for (id, name) in [(&apollo, "Apollo"), (&zeus, "Zeus")] {
            board
                .add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Proposed, budget: 100.0 })
                .unwrap();
        }
        board.set_project_stage(&apollo, Stage::Active).unwrap();
        board.set_project_phase(&apollo, Phase::Execution).unwrap();
        board.set_project_people(&apollo, "Li Wei", "Chen Jing").unwrap();
        board.set_project_dates(&apollo, Some(date("2027-01-04")), Some(date("2027-06-30"))).unwrap();
        board.set_project_closure(&apollo, Some(date("2027-07-02")), true).unwrap();
        let financials =
            Financials { actual_cost: 50.0, planned_value: 60.0, earned_value: 55.0, percent_complete: 40.0 };
        board.set_project_financials(&apollo, financials).unwrap();
        board.set_manual_rag(&apollo, Some(Rag::Amber), "Vendor late").unwrap();
        let estimates = Estimates {
            business_value: Some(8.0),
            time_criticality: Some(5.0),
            risk_reduction: Some(3.0),
            job_size: Some(5.0),
            reach: Some(1000.0),
            impact: Some(2.0),
            confidence: Some(0.8),
            effort: Some(4.0),
        };
        board.set_estimates(&apollo, estimates).unwrap();
        board.set_score(&apollo, &value, Some(7.0)).unwrap();
        board.set_contribution(&apollo, &growth, 0.5).unwrap();
        board.add_dependency(&apollo, &zeus).unwrap();
        let milestone = MilestoneId::random();
        board.add_milestone(milestone.clone(), &apollo, "Go live", date("2027-05-01")).unwrap();
        board.set_milestone_forecast(&milestone, Some(date("2027-05-08"))).unwrap();
        board.set_milestone_done(&milestone, Some(date("2027-05-09"))).unwrap();
        board.tick_gate(&apollo, Phase::Initiation, "business-case", stamp()).unwrap();

        let li = PersonId::random();
        let person = NewPerson {
            name: "Li Wei".into(),
            role: "developer".into(),
            team: "Core".into(),
            capacity_hours_per_week: 40.0,
        };
        board.add_person(li.clone(), person).unwrap();
        board.set_skill(&li, "rust", true).unwrap();
        board.set_time_off(&li, week, 8.0).unwrap();
        board.set_allocation(&apollo, &li, week, 16.0).unwrap();

        let risk = NewRisk {
            title: "Vendor late".into(),
            probability: 3,
            impact: 4,
            owner: "Li Wei".into(),
            mitigation: "Second vendor".into(),
            roam: Roam::Mitigated,
        };
        board.add_risk(RiskId::random(), &apollo, risk).unwrap();
        let lesson = NewLesson {
            title: "Book vendors early".into(),
            body: "Two months ahead.".into(),
            tags: vec!["vendors".into()],
        };
        board.add_lesson(LessonId::random(), &apollo, lesson, stamp()).unwrap();
        board.record_decision(DecisionId::random(), DecisionKind::Approve, Some(&apollo), "Go", stamp()).unwrap();
        board.add_baseline(BaselineId::random(), "2027 Q1 review", stamp()).unwrap();
        board.set_judgment("member-1", &value, &cost, Some(3.0)).unwrap();
        board
    }

    /// Every key the document holds, as `collection/field` for the fields of entities and of
    /// the settings, the collection's name for a flat table that holds a key, and the key
    /// itself for the root's own.
    fn written(doc: &automerge::Automerge) -> BTreeSet<String> {
        let mut keys = BTreeSet::new();
        for item in doc.map_range(ROOT, ..) {
            let name = item.key.to_string();
            let layout = collection(&name).map(|collection| &collection.layout);
            match (layout, Value::from(item.value.clone())) {
                (Some(Layout::Entities { .. }), Value::Object(ObjType::Map)) => {
                    for entity in doc.map_range(item.id(), ..) {
                        keys.extend(doc.keys(entity.id()).map(|field| format!("{name}/{field}")));
                    }
                }
                (Some(Layout::Fields(_)), Value::Object(ObjType::Map)) => {
                    keys.extend(doc.keys(item.id()).map(|field| format!("{name}/{field}")));
                }
                (Some(Layout::Flat { .. }), Value::Object(ObjType::Map)) if doc.length(item.id()) == 0 => {}
                _ => {
                    keys.insert(name);
                }
            }
        }
        keys
    }

    /// What this module describes, in the form of [`written`].
    fn described() -> BTreeSet<String> {
        let mut keys = BTreeSet::from([root::NAME.to_owned(), root::SCHEMA_VERSION.to_owned()]);
        for collection in &COLLECTIONS {
            let fields = match &collection.layout {
                Layout::Entities { fields, .. } | Layout::Fields(fields) => fields,
                Layout::Flat { .. } => {
                    keys.insert(collection.name.to_owned());
                    continue;
                }
            };
            keys.extend(fields.iter().map(|field| format!("{}/{}", collection.name, field.key)));
        }
        keys
    }

    #[test]
    fn the_description_names_every_field_the_board_writes_and_no_other() {
        let mut board = a_board_with_everything();
        let doc = board.doc_mut().document().clone();
        let (written, described) = (written(&doc), described());

        let undescribed: Vec<&String> = written.difference(&described).collect();
        assert!(undescribed.is_empty(), "the board writes these, the schema description lacks them: {undescribed:?}");
        let unwritten: Vec<&String> = described.difference(&written).collect();
        assert!(unwritten.is_empty(), "described, but no part of the typed API writes them: {unwritten:?}");
        // And every value written obeys its rule, every key of a flat table has its shape.
        validate::check_document(&doc).unwrap();
    }

    /// The names a field of one of the seven enumerations allows.
    fn allowed(fields: &[Field], key: &str) -> &'static [&'static str] {
        match fields.iter().find(|field| field.key == key).map(|field| field.rule) {
            Some(Rule::OneOf(names)) => names,
            other => panic!("`{key}` is not an enumeration: {other:?}"),
        }
    }

    /// Each enumeration allows exactly the names its typed enum writes and reads back.
    #[test]
    fn every_enumeration_allows_the_names_of_its_enum() {
        assert_eq!(allowed(project::FIELDS, project::STAGE), Stage::ALL.map(Stage::as_str));
        assert_eq!(allowed(project::FIELDS, project::PHASE), Phase::ALL.map(Phase::as_str));
        assert_eq!(allowed(project::FIELDS, project::MANUAL_RAG), Rag::ALL.map(Rag::as_str));
        assert_eq!(allowed(risk::FIELDS, risk::ROAM), Roam::ALL.map(Roam::as_str));
        assert_eq!(allowed(decision::FIELDS, decision::KIND), DecisionKind::ALL.map(DecisionKind::as_str));
        assert_eq!(allowed(setting::FIELDS, setting::OPERATING_MODEL), OperatingModel::ALL.map(OperatingModel::as_str));
        assert_eq!(allowed(criterion::FIELDS, criterion::DIRECTION), Direction::ALL.map(Direction::as_str));
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>().unwrap(), stage);
        }
        for phase in Phase::ALL {
            assert_eq!(phase.as_str().parse::<Phase>().unwrap(), phase);
        }
        for rag in Rag::ALL {
            assert_eq!(rag.as_str().parse::<Rag>().unwrap(), rag);
        }
        for roam in Roam::ALL {
            assert_eq!(roam.as_str().parse::<Roam>().unwrap(), roam);
        }
        for kind in DecisionKind::ALL {
            assert_eq!(kind.as_str().parse::<DecisionKind>().unwrap(), kind);
        }
        for model in OperatingModel::ALL {
            assert_eq!(model.as_str().parse::<OperatingModel>().unwrap(), model);
        }
    }

    /// A key named twice in one table would hide the second rule behind the first.
    #[test]
    fn no_key_is_described_twice() {
        let mut names: Vec<&str> = COLLECTIONS.iter().map(|collection| collection.name).collect();
        names.extend([root::NAME, root::SCHEMA_VERSION]);
        let mut tables = vec![names];
        for collection in &COLLECTIONS {
            if let Layout::Entities { fields, .. } | Layout::Fields(fields) = collection.layout {
                tables.push(fields.iter().map(|field| field.key).collect());
            }
        }
        for keys in tables {
            let unique: BTreeSet<&str> = keys.iter().copied().collect();
            assert_eq!(unique.len(), keys.len(), "a key named twice in {keys:?}");
        }
    }

    /// A board of each version has the collections that version brought, in creation order.
    #[test]
    fn each_version_has_the_collections_it_brought() {
        let names = |version| collections_of(version).map(|collection| collection.name).collect::<Vec<_>>();
        assert_eq!(names(1), [PROJECTS, PEOPLE, ALLOCATIONS]);
        assert_eq!(names(2).len(), 18);
        assert_eq!(names(3).last(), Some(&BASELINES));
        assert_eq!(names(SCHEMA_VERSION).len(), COLLECTIONS.len());
        assert!(COLLECTIONS.windows(2).all(|pair| pair[0].since <= pair[1].since), "oldest first");
    }
}

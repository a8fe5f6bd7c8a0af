//! Projects (项目): where each stands in the portfolio and its lifecycle, its ranking, money,
//! health, estimates, scores, contributions to objectives, dependencies, milestones and
//! stage-gate ticks.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    str::FromStr,
};

use automerge::{transaction::Transactable, ObjType, ScalarValue};
use chrono::NaiveDate;
use fractional_index::FractionalIndex;

use super::{
    at_most, key_part, non_empty, non_negative, schema::*, Board, BoardError, CriterionId, Fields, MilestoneId,
    ObjectiveId, Phase, ProjectId, Stage, Stamp, Subject,
};
use crate::finance::Rag;

/// Money and progress for earned value (挣值), in the board's currency.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Financials {
    pub actual_cost: f64,
    pub planned_value: f64,
    pub earned_value: f64,
    /// 0 to 100.
    pub percent_complete: f64,
}

/// Inputs of WSJF and RICE, each optional until someone estimates it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Estimates {
    pub business_value: Option<f64>,
    pub time_criticality: Option<f64>,
    pub risk_reduction: Option<f64>,
    pub job_size: Option<f64>,
    pub reach: Option<f64>,
    pub impact: Option<f64>,
    pub confidence: Option<f64>,
    pub effort: Option<f64>,
}

const ESTIMATE_SUBJECTS: [Subject; 8] = [
    Subject::BusinessValue,
    Subject::TimeCriticality,
    Subject::RiskReduction,
    Subject::JobSize,
    Subject::Reach,
    Subject::Impact,
    Subject::Confidence,
    Subject::Effort,
];

impl Estimates {
    fn values(&self) -> [Option<f64>; 8] {
        [
            self.business_value,
            self.time_criticality,
            self.risk_reduction,
            self.job_size,
            self.reach,
            self.impact,
            self.confidence,
            self.effort,
        ]
    }
}

/// A project as read from the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub stage: Stage,
    pub phase: Phase,
    /// Budget at completion (BAC), in the board's currency.
    pub budget: f64,
    /// The fractional-index priority position; lower comes first.
    pub position: String,
    pub sponsor: String,
    pub manager: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// When the project really finished (for closed projects).
    pub actual_finish: Option<NaiveDate>,
    /// Whether the sponsor accepted the delivered scope (for closed projects).
    pub scope_accepted: bool,
    pub financials: Financials,
    pub manual_rag: Option<Rag>,
    pub rag_note: String,
    pub estimates: Estimates,
    /// Criterion → score.
    pub scores: BTreeMap<CriterionId, f64>,
    /// Objective → contribution, 0 to 1.
    pub contributions: BTreeMap<ObjectiveId, f64>,
    /// Projects this one depends on.
    pub depends_on: Vec<ProjectId>,
    /// "`<phase>/<item>`" → who ticked it and when.
    pub gate_ticks: BTreeMap<String, Stamp>,
    /// Fields two people set apart: which value won and which others the document holds.
    pub conflicts: Vec<super::FieldConflict>,
    /// The same for the project's cells in the score and contribution matrices, named
    /// `scores/<criterion>` and `contributions/<objective>`.
    pub cell_conflicts: Vec<super::FieldConflict>,
}

/// What it takes to add a project.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    pub name: String,
    pub stage: Stage,
    pub budget: f64,
}

/// A milestone (里程碑) of a project.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub id: MilestoneId,
    pub project: ProjectId,
    pub name: String,
    /// The planned date (计划日期).
    pub due: NaiveDate,
    /// When the project now expects to reach it (预测日期), if it said; a forecast after `due`
    /// makes an open milestone late.
    pub forecast: Option<NaiveDate>,
    /// When it was reached, if it was.
    pub done_on: Option<NaiveDate>,
    /// Fields two members set apart (see [`super::FieldConflict`]); empty almost always.
    pub conflicts: Vec<super::FieldConflict>,
}

impl Milestone {
    /// Days an open milestone's forecast lies after its planned date; `None` when it is done,
    /// has no forecast, or is forecast on or before plan.
    pub fn slip_days(&self) -> Option<i64> {
        let forecast = self.forecast.filter(|_| self.done_on.is_none())?;
        let days = (forecast - self.due).num_days();
        (days > 0).then_some(days)
    }
}

impl Board {
    /// Projects in priority order: by position, ties by id.
    pub fn projects(&self) -> Vec<Project> {
        let mut list = self.entities(PROJECTS, |id, fields: &Fields| self.parse_project(id, fields));
        self.project_tables().attach(&mut list);
        sort_projects(&mut list);
        list
    }

    /// Projects in priority order without the tables kept beside them: all that reordering
    /// needs, without reading every score and dependency of the board.
    pub(super) fn ranked_projects(&self) -> Vec<Project> {
        let mut list = self.entities(PROJECTS, parse_project);
        sort_projects(&mut list);
        list
    }

    /// One project without the tables kept beside it (scores, contributions, dependencies,
    /// gate ticks): see [`ProjectTables`].
    pub(super) fn read_project_fields(&self, id: &str) -> Option<Project> {
        let object = self.entity(PROJECTS, Subject::Project, id).ok()?;
        self.parse_project(id, &self.fields(&object)?)
    }

    /// A project from its fields, with the fields two people set apart when there are any
    /// (the read that finds them is only made then).
    fn parse_project(&self, id: &str, fields: &Fields) -> Option<Project> {
        let mut project = parse_project(id, fields)?;
        if fields.conflicted {
            project.conflicts = self.project_conflicts(&project.id).unwrap_or_default();
        }
        Some(project)
    }

    /// The flat tables that belong to projects, grouped by project.
    pub(super) fn project_tables(&self) -> ProjectTables {
        // `<project>/<criterion or objective>` → number, by project, keyed by the other id.
        fn by_project<Id: FromStr + Ord>(board: &Board, table: &'static str) -> HashMap<String, BTreeMap<Id, f64>> {
            let mut values: HashMap<String, BTreeMap<Id, f64>> = HashMap::new();
            board.flat_numbers(table, |key, number| {
                if let Some((project, Ok(other))) = key.split_once('/').map(|(project, other)| (project, other.parse()))
                {
                    values.entry(project.to_owned()).or_default().insert(other, number);
                }
            });
            values
        }
        let mut dependencies: HashMap<String, Vec<ProjectId>> = HashMap::new();
        for key in self.flat_keys(DEPENDENCIES) {
            if let Some((project, Ok(on))) = key.split_once('/').map(|(project, on)| (project, on.parse())) {
                dependencies.entry(project.to_owned()).or_default().push(on);
            }
        }
        let mut ticks: HashMap<String, BTreeMap<String, Stamp>> = HashMap::new();
        if let Ok(map) = self.map(GATE_TICKS) {
            for item in self.read_map(&map) {
                let Some((project, gate)) = item.key.split_once('/') else { continue };
                let Some(fields) = self.fields(&item.id()) else { continue };
                let stamp = Stamp {
                    by: fields.string_or_empty(gate_tick::BY),
                    at_ms: fields.int(gate_tick::AT_MS).unwrap_or(0),
                };
                ticks.entry(project.to_owned()).or_default().insert(gate.to_owned(), stamp);
            }
        }
        // Cells two people set apart. Automerge flags them while reading, so the values of a
        // conflict are looked up only where there is one.
        let mut cell_conflicts: HashMap<String, Vec<super::FieldConflict>> = HashMap::new();
        for table in [SCORES, CONTRIBUTIONS] {
            let Ok(map) = self.map(table) else { continue };
            let flagged: Vec<String> =
                self.read_map(&map).filter(|item| item.conflict).map(|item| item.key.to_string()).collect();
            for key in flagged {
                let (Some((project, _)), Some(mut conflict)) = (key.split_once('/'), self.conflict(&map, &key)) else {
                    continue;
                };
                conflict.field = format!("{table}/{}", &key[project.len() + 1..]);
                cell_conflicts.entry(project.to_owned()).or_default().push(conflict);
            }
        }
        ProjectTables {
            scores: by_project(self, SCORES),
            contributions: by_project(self, CONTRIBUTIONS),
            dependencies,
            ticks,
            cell_conflicts,
        }
    }

    pub fn project(&self, id: &ProjectId) -> Option<Project> {
        self.projects().into_iter().find(|project| &project.id == id)
    }

    pub fn milestones(&self) -> Vec<Milestone> {
        let projects = self.ids(PROJECTS);
        let mut list = self.entities(MILESTONES, |id, fields: &Fields| {
            let project: ProjectId = fields.parsed(milestone::PROJECT)?;
            projects.contains(project.as_str()).then_some(())?;
            Some(Milestone {
                id: id.parse().ok()?,
                project,
                name: fields.string(milestone::NAME)?,
                due: fields.parsed(milestone::DUE)?,
                forecast: fields.parsed(milestone::FORECAST),
                done_on: fields.parsed(milestone::DONE_ON),
                conflicts: if fields.conflicted {
                    self.entity_conflicts(MILESTONES, Subject::Milestone, id)
                } else {
                    Vec::new()
                },
            })
        });
        list.sort_by(|a, b| (a.due, &a.id).cmp(&(b.due, &b.id)));
        list
    }

    // ---- writes -----------------------------------------------------------------------------

    /// Adds a project at the bottom of the priority order, in the initiation phase.
    pub fn add_project(&mut self, id: ProjectId, new: NewProject) -> Result<(), BoardError> {
        let name = non_empty(Subject::ProjectName, &new.name)?;
        let budget = non_negative(Subject::Budget, new.budget)?;
        let position = match self.ranked_projects().last() {
            Some(last) => FractionalIndex::new_after(&parse_position(&last.position)),
            None => FractionalIndex::default(),
        };
        let fields = vec![
            (project::NAME, name.into()),
            (project::STAGE, new.stage.as_str().into()),
            (project::PHASE, Phase::Initiation.as_str().into()),
            (project::BUDGET, budget.into()),
            (project::POSITION, position.to_string().into()),
        ];
        self.insert_entity(PROJECTS, Subject::Project, id.as_str(), fields)?;
        self.commit(format!("add project {id}"));
        Ok(())
    }

    /// Sets one field of a project; the caller has validated the value.
    fn set_project_field(&mut self, id: &ProjectId, key: &'static str, value: ScalarValue) -> Result<(), BoardError> {
        let object = self.writable_project(id)?;
        self.doc.put(&object, key, value)?;
        self.commit(format!("set {key} of project {id}"));
        Ok(())
    }

    fn writable_project(&self, id: &ProjectId) -> Result<automerge::ObjId, BoardError> {
        self.writable(PROJECTS, Subject::Project, id.as_str())
    }

    pub fn rename_project(&mut self, id: &ProjectId, name: &str) -> Result<(), BoardError> {
        let name = non_empty(Subject::ProjectName, name)?.to_owned();
        self.set_project_field(id, project::NAME, name.into())
    }

    pub fn set_project_stage(&mut self, id: &ProjectId, stage: Stage) -> Result<(), BoardError> {
        self.set_project_field(id, project::STAGE, stage.as_str().into())
    }

    pub fn set_project_phase(&mut self, id: &ProjectId, phase: Phase) -> Result<(), BoardError> {
        self.set_project_field(id, project::PHASE, phase.as_str().into())
    }

    pub fn set_project_budget(&mut self, id: &ProjectId, budget: f64) -> Result<(), BoardError> {
        let budget = non_negative(Subject::Budget, budget)?;
        self.set_project_field(id, project::BUDGET, budget.into())
    }

    /// Sets the sponsor (发起人) alone; empty clears. (Apart from the manager, so that two people
    /// setting one each do not undo each other.)
    pub fn set_project_sponsor(&mut self, id: &ProjectId, sponsor: &str) -> Result<(), BoardError> {
        self.set_project_field(id, project::SPONSOR, sponsor.trim().into())
    }

    /// Sets the project manager (项目经理) alone; empty clears.
    pub fn set_project_manager(&mut self, id: &ProjectId, manager: &str) -> Result<(), BoardError> {
        self.set_project_field(id, project::MANAGER, manager.trim().into())
    }

    /// Sets the sponsor (发起人) and project manager (项目经理); empty clears.
    pub fn set_project_people(&mut self, id: &ProjectId, sponsor: &str, manager: &str) -> Result<(), BoardError> {
        let object = self.writable_project(id)?;
        self.doc.put(&object, project::SPONSOR, sponsor.trim())?;
        self.doc.put(&object, project::MANAGER, manager.trim())?;
        self.commit(format!("set sponsor and manager of project {id}"));
        Ok(())
    }

    /// Sets the planned start and end; the end may not come before the start.
    pub fn set_project_dates(
        &mut self,
        id: &ProjectId,
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    ) -> Result<(), BoardError> {
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                return Err(BoardError::EndBeforeStart { start, end });
            }
        }
        let object = self.writable_project(id)?;
        for (key, date) in [(project::START, start), (project::END, end)] {
            match date {
                Some(date) => self.doc.put(&object, key, date.to_string())?,
                None => self.doc.delete(&object, key)?,
            }
        }
        self.commit(format!("set dates of project {id}"));
        Ok(())
    }

    /// How a project ended: when it really finished and whether its scope was accepted.
    pub fn set_project_closure(
        &mut self,
        id: &ProjectId,
        actual_finish: Option<NaiveDate>,
        scope_accepted: bool,
    ) -> Result<(), BoardError> {
        let object = self.writable_project(id)?;
        match actual_finish {
            Some(date) => self.doc.put(&object, project::ACTUAL_FINISH, date.to_string())?,
            None => self.doc.delete(&object, project::ACTUAL_FINISH)?,
        }
        self.doc.put(&object, project::SCOPE_ACCEPTED, scope_accepted)?;
        self.commit(format!("set closure of project {id}"));
        Ok(())
    }

    pub fn set_project_financials(&mut self, id: &ProjectId, financials: Financials) -> Result<(), BoardError> {
        let values = [
            (project::ACTUAL_COST, non_negative(Subject::ActualCost, financials.actual_cost)?),
            (project::PLANNED_VALUE, non_negative(Subject::PlannedValue, financials.planned_value)?),
            (project::EARNED_VALUE, non_negative(Subject::EarnedValue, financials.earned_value)?),
            (project::PERCENT_COMPLETE, at_most(Subject::PercentComplete, financials.percent_complete, 100.0)?),
        ];
        let object = self.writable_project(id)?;
        for (key, value) in values {
            self.doc.put(&object, key, value)?;
        }
        self.commit(format!("set financials of project {id}"));
        Ok(())
    }

    /// The project manager's own RAG and why; `None` clears it.
    pub fn set_manual_rag(&mut self, id: &ProjectId, rag: Option<Rag>, note: &str) -> Result<(), BoardError> {
        let object = self.writable_project(id)?;
        match rag {
            Some(rag) => self.doc.put(&object, project::MANUAL_RAG, rag.as_str())?,
            None => self.doc.delete(&object, project::MANUAL_RAG)?,
        }
        self.doc.put(&object, project::RAG_NOTE, note.trim())?;
        self.commit(format!("set RAG of project {id}"));
        Ok(())
    }

    /// WSJF and RICE inputs. Each must be a finite number of at least 0; the formulas check
    /// the rest (job size and effort above 0, RICE impact and confidence from their scales).
    pub fn set_estimates(&mut self, id: &ProjectId, estimates: Estimates) -> Result<(), BoardError> {
        let mut values = Vec::new();
        for ((key, what), value) in project::ESTIMATES.into_iter().zip(ESTIMATE_SUBJECTS).zip(estimates.values()) {
            values.push((key, value.map(|v| non_negative(what, v)).transpose()?));
        }
        let object = self.writable_project(id)?;
        // Only what changed: see `Board::put_if_changed`.
        for (key, value) in values {
            match value {
                Some(value) => self.put_if_changed(&object, key, value.into())?,
                None if self.read(&object, key)?.is_some() => self.doc.delete(&object, key)?,
                None => {}
            }
        }
        self.commit(format!("set estimates of project {id}"));
        Ok(())
    }

    /// Deletes a project with its allocations, scores, contributions, dependencies (both
    /// ways), gate ticks, risks and milestones. Lessons and decisions stay: they are history.
    pub fn delete_project(&mut self, id: &ProjectId) -> Result<(), BoardError> {
        self.delete_entity(PROJECTS, Subject::Project, id.as_str(), |board| {
            let id_str = id.as_str();
            for table in [ALLOCATIONS, SCORES, CONTRIBUTIONS, GATE_TICKS] {
                board.delete_flat(table, |parts| parts.first() == Some(&id_str))?;
            }
            board.delete_flat(DEPENDENCIES, |parts| parts.contains(&id_str))?;
            for (register, of_project) in [(RISKS, risk::PROJECT), (MILESTONES, milestone::PROJECT)] {
                board.delete_entities_of(register, of_project, id)?;
            }
            Ok(())
        })
    }

    /// Deletes every entity of `register` whose field `of_project` names `project`.
    fn delete_entities_of(
        &mut self,
        register: &'static str,
        of_project: &str,
        project: &ProjectId,
    ) -> Result<(), BoardError> {
        let map = self.map(register)?;
        let ids: Vec<String> = self.entities(register, |id, fields: &Fields| {
            (fields.string(of_project).as_deref() == Some(project.as_str())).then(|| id.to_owned())
        });
        for id in ids {
            self.doc.delete(&map, id)?;
        }
        Ok(())
    }

    /// Moves a project so that it is at `index` in the priority order (0 is the top). An index
    /// past the end moves it to the bottom.
    pub fn move_project(&mut self, id: &ProjectId, index: usize) -> Result<(), BoardError> {
        let project = self.writable_project(id)?;
        let others: Vec<Project> = self.ranked_projects().into_iter().filter(|project| &project.id != id).collect();
        let index = index.min(others.len());
        let before = index.checked_sub(1).map(|i| parse_position(&others[i].position));
        let after = others.get(index).map(|p| parse_position(&p.position));
        let position = match (&before, &after) {
            (None, None) => FractionalIndex::default(),
            (Some(before), None) => FractionalIndex::new_after(before),
            (None, Some(after)) => FractionalIndex::new_before(after),
            (Some(before), Some(after)) => match FractionalIndex::new_between(before, after) {
                Some(position) => position,
                // Both neighbours hold the same position (two replicas appended at once): there
                // is no room between them, so give every project a fresh, evenly spread position.
                None => return self.respace_with(id, index, others),
            },
        };
        self.doc.put(&project, project::POSITION, position.to_string())?;
        self.commit(format!("move project {id} to {index}"));
        Ok(())
    }

    /// Puts `ranked` in this order, in one change, and answers how many projects changed
    /// place. The ranked projects take the places they hold between them now, so projects not
    /// in `ranked` (closed ones, say, or ones nobody scored) keep their place. When nothing
    /// moves, nothing is written.
    pub fn reorder_projects(&mut self, ranked: &[ProjectId]) -> Result<usize, BoardError> {
        self.collection(PROJECTS)?;
        let current: Vec<ProjectId> = self.ranked_projects().into_iter().map(|project| project.id).collect();
        let mut seen = std::collections::HashSet::new();
        for id in ranked {
            if !current.contains(id) {
                return Err(BoardError::Unknown { what: Subject::Project, id: id.to_string() });
            }
            if !seen.insert(id) {
                return Err(BoardError::ListedTwice(id.clone()));
            }
        }
        let order = order_within_places(&current, ranked);
        let moved = current.iter().zip(&order).filter(|(before, after)| before != after).count();
        if moved == 0 {
            return Ok(0);
        }
        let mut position = FractionalIndex::default();
        for id in &order {
            let object = self.entity(PROJECTS, Subject::Project, id.as_str())?;
            self.doc.put(&object, project::POSITION, position.to_string())?;
            position = FractionalIndex::new_after(&position);
        }
        self.commit(format!("reorder {moved} projects"));
        Ok(moved)
    }

    fn respace_with(&mut self, id: &ProjectId, index: usize, mut others: Vec<Project>) -> Result<(), BoardError> {
        let moved = self
            .read_project_fields(id.as_str())
            .ok_or_else(|| BoardError::Unknown { what: Subject::Project, id: id.to_string() })?;
        others.insert(index, moved);
        let mut position = FractionalIndex::default();
        for project in &others {
            let object = self.entity(PROJECTS, Subject::Project, project.id.as_str())?;
            self.doc.put(&object, project::POSITION, position.to_string())?;
            position = FractionalIndex::new_after(&position);
        }
        self.commit(format!("move project {id} to {index}"));
        Ok(())
    }

    /// Scores a project on a criterion; `None` clears the score.
    pub fn set_score(
        &mut self,
        project: &ProjectId,
        criterion: &CriterionId,
        score: Option<f64>,
    ) -> Result<(), BoardError> {
        self.writable_project(project)?;
        self.entity(CRITERIA, Subject::Criterion, criterion.as_str())?;
        let score = score
            .map(|s| if s.is_finite() { Ok(s) } else { Err(BoardError::NotFinite { what: Subject::Score, value: s }) })
            .transpose()?;
        self.put_flat(SCORES, format!("{project}/{criterion}"), score.map(ScalarValue::from))?;
        self.commit(format!("score project {project} on {criterion}"));
        Ok(())
    }

    /// How much a project contributes to an objective, 0 (not at all) to 1 (fully); 0 clears.
    pub fn set_contribution(
        &mut self,
        project: &ProjectId,
        objective: &ObjectiveId,
        share: f64,
    ) -> Result<(), BoardError> {
        self.writable_project(project)?;
        self.entity(OBJECTIVES, Subject::Objective, objective.as_str())?;
        let share = at_most(Subject::Contribution, share, 1.0)?;
        self.put_flat(CONTRIBUTIONS, format!("{project}/{objective}"), (share > 0.0).then(|| share.into()))?;
        self.commit(format!("set contribution of project {project} to {objective}"));
        Ok(())
    }

    /// Records that `project` depends on `on`. Refused when it would close a cycle.
    pub fn add_dependency(&mut self, project: &ProjectId, on: &ProjectId) -> Result<(), BoardError> {
        self.writable_project(project)?;
        self.entity(PROJECTS, Subject::Project, on.as_str())?;
        if project == on {
            return Err(BoardError::SelfDependency(project.clone()));
        }
        let graph: HashMap<ProjectId, Vec<ProjectId>> =
            self.projects().into_iter().map(|p| (p.id, p.depends_on)).collect();
        if let Some(mut path) = path_between(&graph, on, project) {
            path.insert(0, project.clone());
            return Err(BoardError::DependencyCycle(path));
        }
        self.put_flat(DEPENDENCIES, format!("{project}/{on}"), Some(true.into()))?;
        self.commit(format!("project {project} depends on {on}"));
        Ok(())
    }

    pub fn remove_dependency(&mut self, project: &ProjectId, on: &ProjectId) -> Result<(), BoardError> {
        self.writable_project(project)?;
        let key = format!("{project}/{on}");
        let map = self.map(DEPENDENCIES)?;
        if self.read(&map, &key)?.is_none() {
            return Err(BoardError::Unknown { what: Subject::Dependency, id: key });
        }
        self.doc.delete(&map, &key)?;
        self.commit(format!("project {project} no longer depends on {on}"));
        Ok(())
    }

    pub fn add_milestone(
        &mut self,
        id: MilestoneId,
        project: &ProjectId,
        name: &str,
        due: NaiveDate,
    ) -> Result<(), BoardError> {
        self.writable_project(project)?;
        let name = non_empty(Subject::MilestoneName, name)?;
        let fields = vec![
            (milestone::PROJECT, project.as_str().into()),
            (milestone::NAME, name.into()),
            (milestone::DUE, due.to_string().into()),
        ];
        self.insert_entity(MILESTONES, Subject::Milestone, id.as_str(), fields)?;
        self.commit(format!("add milestone {id}"));
        Ok(())
    }

    /// Marks a milestone reached on `done_on`, or not reached (`None`).
    pub fn set_milestone_done(&mut self, id: &MilestoneId, done_on: Option<NaiveDate>) -> Result<(), BoardError> {
        let object = self.writable(MILESTONES, Subject::Milestone, id.as_str())?;
        match done_on {
            Some(date) => self.doc.put(&object, milestone::DONE_ON, date.to_string())?,
            None => self.doc.delete(&object, milestone::DONE_ON)?,
        }
        self.commit(format!("milestone {id} done"));
        Ok(())
    }

    /// Sets when the project now expects to reach a milestone, or clears the forecast (`None`).
    pub fn set_milestone_forecast(&mut self, id: &MilestoneId, forecast: Option<NaiveDate>) -> Result<(), BoardError> {
        let object = self.writable(MILESTONES, Subject::Milestone, id.as_str())?;
        match forecast {
            Some(date) => self.doc.put(&object, milestone::FORECAST, date.to_string())?,
            None => self.doc.delete(&object, milestone::FORECAST)?,
        }
        self.commit(format!("milestone {id} forecast"));
        Ok(())
    }

    pub fn delete_milestone(&mut self, id: &MilestoneId) -> Result<(), BoardError> {
        self.delete_entity(MILESTONES, Subject::Milestone, id.as_str(), |_| Ok(()))
    }

    /// Ticks a stage-gate checklist item for a project, recording who and when.
    pub fn tick_gate(
        &mut self,
        project: &ProjectId,
        phase: super::Phase,
        item: &str,
        stamp: Stamp,
    ) -> Result<(), BoardError> {
        self.writable_project(project)?;
        let ticks = self.collection(GATE_TICKS)?;
        let item = key_part(Subject::ChecklistItemId, item)?;
        let gate = format!("{}/{item}", phase.as_str());
        if !self.gate_template().iter().any(|g| g.phase == phase && g.item == item) {
            return Err(BoardError::Unknown { what: Subject::ChecklistItem, id: gate });
        }
        let by = non_empty(Subject::Author, &stamp.by)?;
        let key = format!("{project}/{gate}");
        if self.read(&ticks, &key)?.is_some() {
            return Err(BoardError::Duplicate { what: Subject::Tick, id: key });
        }
        let object = self.doc.put_object(&ticks, &key, ObjType::Map)?;
        self.doc.put(&object, gate_tick::BY, by)?;
        self.doc.put(&object, gate_tick::AT_MS, stamp.at_ms)?;
        self.commit(format!("tick {gate} for project {project}"));
        Ok(())
    }

    pub fn untick_gate(&mut self, project: &ProjectId, phase: super::Phase, item: &str) -> Result<(), BoardError> {
        self.writable_project(project)?;
        let ticks = self.collection(GATE_TICKS)?;
        let key = format!("{project}/{}/{item}", phase.as_str());
        if self.read(&ticks, &key)?.is_none() {
            return Err(BoardError::Unknown { what: Subject::Tick, id: key });
        }
        self.doc.delete(&ticks, &key)?;
        self.commit(format!("untick {key}"));
        Ok(())
    }

    /// Puts (`Some`) or deletes (`None`) one key of a flat table.
    pub(super) fn put_flat(
        &mut self,
        table: &'static str,
        key: String,
        value: Option<ScalarValue>,
    ) -> Result<(), BoardError> {
        let map = self.collection(table)?;
        match value {
            Some(value) => self.doc.put(&map, key, value)?,
            None => {
                if self.read(&map, &key)?.is_some() {
                    self.doc.delete(&map, key)?;
                }
            }
        }
        Ok(())
    }
}

/// The tables kept beside the projects, by project id.
pub(super) struct ProjectTables {
    scores: HashMap<String, BTreeMap<CriterionId, f64>>,
    contributions: HashMap<String, BTreeMap<ObjectiveId, f64>>,
    dependencies: HashMap<String, Vec<ProjectId>>,
    ticks: HashMap<String, BTreeMap<String, Stamp>>,
    cell_conflicts: HashMap<String, Vec<super::FieldConflict>>,
}

impl ProjectTables {
    /// Puts each project's rows on it; dependencies on projects that no longer exist are
    /// left out.
    pub(super) fn attach(mut self, projects: &mut [Project]) {
        let existing: BTreeSet<ProjectId> = projects.iter().map(|p| p.id.clone()).collect();
        for project in projects {
            let id = project.id.as_str();
            project.scores = self.scores.remove(id).unwrap_or_default();
            project.contributions = self.contributions.remove(id).unwrap_or_default();
            let mut depends_on = self.dependencies.remove(id).unwrap_or_default();
            depends_on.retain(|on| existing.contains(on));
            depends_on.sort();
            project.depends_on = depends_on;
            project.gate_ticks = self.ticks.remove(id).unwrap_or_default();
            project.cell_conflicts = self.cell_conflicts.remove(id).unwrap_or_default();
        }
    }
}

/// Priority order: by position, ties by id.
pub(super) fn sort_projects(projects: &mut [Project]) {
    projects.sort_by(|a, b| (&a.position, &a.id).cmp(&(&b.position, &b.id)));
}

fn parse_project(id: &str, fields: &Fields) -> Option<Project> {
    let estimate = |key: &str| fields.number(key);
    Some(Project {
        id: id.parse().ok()?,
        name: fields.string(project::NAME)?,
        stage: fields.parsed(project::STAGE)?,
        phase: fields.parsed(project::PHASE).unwrap_or_default(),
        budget: fields.number(project::BUDGET).unwrap_or(0.0),
        position: fields.string_or_empty(project::POSITION),
        sponsor: fields.string_or_empty(project::SPONSOR),
        manager: fields.string_or_empty(project::MANAGER),
        start: fields.parsed(project::START),
        end: fields.parsed(project::END),
        actual_finish: fields.parsed(project::ACTUAL_FINISH),
        scope_accepted: matches!(fields.get(project::SCOPE_ACCEPTED), Some(ScalarValue::Boolean(true))),
        financials: Financials {
            actual_cost: fields.number(project::ACTUAL_COST).unwrap_or(0.0),
            planned_value: fields.number(project::PLANNED_VALUE).unwrap_or(0.0),
            earned_value: fields.number(project::EARNED_VALUE).unwrap_or(0.0),
            percent_complete: fields.number(project::PERCENT_COMPLETE).unwrap_or(0.0),
        },
        manual_rag: fields.parsed(project::MANUAL_RAG),
        rag_note: fields.string_or_empty(project::RAG_NOTE),
        estimates: Estimates {
            business_value: estimate(project::BUSINESS_VALUE),
            time_criticality: estimate(project::TIME_CRITICALITY),
            risk_reduction: estimate(project::RISK_REDUCTION),
            job_size: estimate(project::JOB_SIZE),
            reach: estimate(project::REACH),
            impact: estimate(project::IMPACT),
            confidence: estimate(project::CONFIDENCE),
            effort: estimate(project::EFFORT),
        },
        scores: BTreeMap::new(),
        contributions: BTreeMap::new(),
        depends_on: Vec::new(),
        gate_ticks: BTreeMap::new(),
        conflicts: Vec::new(),
        cell_conflicts: Vec::new(),
    })
}

/// A path `from` → … → `to` along dependencies, if there is one.
pub(crate) fn path_between(
    graph: &HashMap<ProjectId, Vec<ProjectId>>,
    from: &ProjectId,
    to: &ProjectId,
) -> Option<Vec<ProjectId>> {
    let mut came_from: HashMap<&ProjectId, &ProjectId> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(node) = queue.pop_front() {
        if node == to {
            let mut path = vec![to.clone()];
            let mut at = to;
            while let Some(previous) = came_from.get(at) {
                path.push((*previous).clone());
                at = previous;
            }
            path.reverse();
            return Some(path);
        }
        for next in graph.get(node).into_iter().flatten() {
            if seen.insert(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}

/// A position written by any replica parses; a damaged one sorts first rather than failing.
/// `current` with the projects of `ranked` put in `ranked`'s order, each taking one of the
/// places those projects hold in `current`; every other project keeps its place.
fn order_within_places(current: &[ProjectId], ranked: &[ProjectId]) -> Vec<ProjectId> {
    let mut next = ranked.iter();
    current.iter().map(|id| if ranked.contains(id) { next.next().unwrap_or(id).clone() } else { id.clone() }).collect()
}

pub(super) fn parse_position(text: &str) -> FractionalIndex {
    FractionalIndex::from_string(text).unwrap_or_default()
}

#[cfg(test)]
mod order_tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<ProjectId> {
        names.iter().map(|name| name.parse().unwrap()).collect()
    }

    #[test]
    fn ranked_projects_take_the_places_they_hold() {
        // (current order, ranking, expected order)
        let cases: [(&[&str], &[&str], &[&str]); 4] = [
            (&["a", "b", "c"], &["c", "a", "b"], &["c", "a", "b"]),
            // x is not ranked and keeps place 2; a, b, c fill places 1, 3, 4 in rank order.
            (&["a", "x", "b", "c"], &["c", "b", "a"], &["c", "x", "b", "a"]),
            (&["a", "b"], &[], &["a", "b"]),
            (&["a", "b", "c"], &["a", "c"], &["a", "b", "c"]),
        ];
        for (current, ranked, expected) in cases {
            assert_eq!(order_within_places(&ids(current), &ids(ranked)), ids(expected), "{current:?} by {ranked:?}");
        }
    }
}

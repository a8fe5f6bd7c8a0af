//! Writing an import's plan ([`crate::exchange::import::plan`]) as one change.

use std::collections::HashMap;

use automerge::{transaction::Transactable, ScalarValue};
use fractional_index::FractionalIndex;

use super::{
    at_most, hours, non_empty, non_negative, people::allocation_key, projects::parse_position, schema::*, Board,
    BoardError, PersonId, ProjectId, Subject,
};
use crate::exchange::import::{ImportPlan, PersonImport, ProjectImport, Target};

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportOutcome {
    pub projects: usize,
    pub people: usize,
    pub bookings: usize,
}

impl Board {
    /// Writes every row of `plan` in one change (one history entry, one undo): new projects
    /// at the bottom of the priority order in the file's order, new people, changed fields of
    /// existing ones (only the fields that differ, so a colleague's concurrent edit of another
    /// field survives the merge), and bookings (0 hours removes one).
    ///
    /// A plan with refused rows is refused whole, and so is one whose values the board would
    /// refuse (the plan checks them, this checks again): nothing is written then. A plan with
    /// nothing to write writes nothing.
    pub fn apply_import(&mut self, plan: &ImportPlan) -> Result<ImportOutcome, BoardError> {
        if !plan.refused.is_empty() {
            return Err(BoardError::ImportRefused(plan.refused.len()));
        }
        if plan.writes() == 0 {
            return Ok(ImportOutcome::default());
        }
        for table in [PROJECTS, PEOPLE, ALLOCATIONS] {
            self.collection(table)?;
        }
        for row in &plan.projects {
            check_project(&row.item)?;
            if let Some(id) = &row.item.id {
                self.writable(PROJECTS, Subject::Project, id.as_str())?;
            }
        }
        for row in &plan.people {
            non_empty(Subject::PersonName, &row.item.name)?;
            hours(Subject::Capacity, row.item.capacity_hours_per_week)?;
            if let Some(id) = &row.item.id {
                self.writable(PEOPLE, Subject::Person, id.as_str())?;
            }
        }
        for row in &plan.bookings {
            hours(Subject::Allocation, row.item.hours)?;
            if let Target::Existing(id) = &row.item.project {
                self.writable(PROJECTS, Subject::Project, id.as_str())?;
            }
            if let Target::Existing(id) = &row.item.person {
                self.writable(PEOPLE, Subject::Person, id.as_str())?;
            }
        }
        match self.write_import(plan) {
            Ok(outcome) => {
                self.commit(format!(
                    "import {} projects, {} people, {} bookings",
                    outcome.projects, outcome.people, outcome.bookings
                ));
                Ok(outcome)
            }
            Err(error) => {
                // Leave nothing half-written for the next change to carry along.
                self.doc.rollback();
                Err(error)
            }
        }
    }

    fn write_import(&mut self, plan: &ImportPlan) -> Result<ImportOutcome, BoardError> {
        let mut new_projects: HashMap<&str, ProjectId> = HashMap::new();
        let mut position = self.ranked_projects().last().map(|last| parse_position(&last.position));
        for row in &plan.projects {
            let project = &row.item;
            match &project.id {
                Some(id) => self.update_project(id, project)?,
                None => {
                    let id = ProjectId::random();
                    let next = match &position {
                        Some(last) => FractionalIndex::new_after(last),
                        None => FractionalIndex::default(),
                    };
                    let mut fields = project_fields(project);
                    fields.push((project::POSITION, next.to_string().into()));
                    fields.retain(|(_, value)| !matches!(value, ScalarValue::Str(text) if text.is_empty()));
                    self.insert_entity(PROJECTS, Subject::Project, id.as_str(), fields)?;
                    position = Some(next);
                    new_projects.insert(project.name.as_str(), id);
                }
            }
        }
        let mut new_people: HashMap<&str, PersonId> = HashMap::new();
        for row in &plan.people {
            let person = &row.item;
            match &person.id {
                Some(id) => {
                    let object = self.writable(PEOPLE, Subject::Person, id.as_str())?;
                    for (key, value) in person_fields(person) {
                        self.put_if_changed(&object, key, value)?;
                    }
                }
                None => {
                    let id = PersonId::random();
                    self.insert_entity(PEOPLE, Subject::Person, id.as_str(), person_fields(person))?;
                    new_people.insert(person.name.as_str(), id);
                }
            }
        }
        for row in &plan.bookings {
            let booking = &row.item;
            let project = match &booking.project {
                Target::Existing(id) => id.clone(),
                Target::New(name) => {
                    new_projects.get(name.as_str()).cloned().ok_or_else(|| unknown(Subject::Project, name))?
                }
            };
            let person = match &booking.person {
                Target::Existing(id) => id.clone(),
                Target::New(name) => {
                    new_people.get(name.as_str()).cloned().ok_or_else(|| unknown(Subject::Person, name))?
                }
            };
            let key = allocation_key(&project, &person, booking.week);
            self.put_flat(ALLOCATIONS, key, (booking.hours > 0.0).then(|| booking.hours.into()))?;
        }
        Ok(ImportOutcome { projects: plan.projects.len(), people: plan.people.len(), bookings: plan.bookings.len() })
    }

    /// Writes the fields of an existing project that differ from the import's.
    fn update_project(&mut self, id: &ProjectId, imported: &ProjectImport) -> Result<(), BoardError> {
        let object = self.writable(PROJECTS, Subject::Project, id.as_str())?;
        for (key, value) in project_fields(imported) {
            self.put_if_changed(&object, key, value)?;
        }
        for (key, date) in [(project::START, imported.start), (project::END, imported.end)] {
            match date {
                Some(date) => self.put_if_changed(&object, key, date.to_string().into())?,
                None if self.read(&object, key)?.is_some() => self.doc.delete(&object, key)?,
                None => {}
            }
        }
        Ok(())
    }
}

fn check_project(project: &ProjectImport) -> Result<(), BoardError> {
    non_empty(Subject::ProjectName, &project.name)?;
    non_negative(Subject::Budget, project.budget)?;
    non_negative(Subject::ActualCost, project.financials.actual_cost)?;
    non_negative(Subject::PlannedValue, project.financials.planned_value)?;
    non_negative(Subject::EarnedValue, project.financials.earned_value)?;
    at_most(Subject::PercentComplete, project.financials.percent_complete, 100.0)?;
    if let (Some(start), Some(end)) = (project.start, project.end) {
        if end < start {
            return Err(BoardError::EndBeforeStart { start, end });
        }
    }
    Ok(())
}

/// The scalar fields of a project as stored (dates are written apart: an empty one is deleted).
fn project_fields(imported: &ProjectImport) -> Vec<(&'static str, ScalarValue)> {
    let mut fields: Vec<(&'static str, ScalarValue)> = vec![
        (project::NAME, imported.name.trim().into()),
        (project::STAGE, imported.stage.as_str().into()),
        (project::PHASE, imported.phase.as_str().into()),
        (project::BUDGET, imported.budget.into()),
        (project::SPONSOR, imported.sponsor.trim().into()),
        (project::MANAGER, imported.manager.trim().into()),
        (project::ACTUAL_COST, imported.financials.actual_cost.into()),
        (project::PLANNED_VALUE, imported.financials.planned_value.into()),
        (project::EARNED_VALUE, imported.financials.earned_value.into()),
        (project::PERCENT_COMPLETE, imported.financials.percent_complete.into()),
    ];
    if imported.id.is_none() {
        // A new project takes its dates with its other fields.
        fields.extend(imported.start.map(|date| (project::START, date.to_string().into())));
        fields.extend(imported.end.map(|date| (project::END, date.to_string().into())));
    }
    fields
}

fn person_fields(imported: &PersonImport) -> Vec<(&'static str, ScalarValue)> {
    vec![
        (person::NAME, imported.name.trim().into()),
        (person::ROLE, imported.role.trim().into()),
        (person::TEAM, imported.team.trim().into()),
        (person::CAPACITY_HOURS_PER_WEEK, imported.capacity_hours_per_week.into()),
    ]
}

fn unknown(what: Subject, name: &str) -> BoardError {
    BoardError::NotInImport { what, name: name.to_owned() }
}

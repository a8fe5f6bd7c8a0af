//! People (资源) and their time: role, team, skills, weekly capacity, time off, and the hours
//! they are booked on projects week by week (分配).

use std::collections::{BTreeMap, HashMap};

use automerge::transaction::Transactable;

use super::{hours, key_part, non_empty, schema::*, Board, BoardError, Fields, PersonId, ProjectId, Subject};
use crate::week::IsoWeek;

/// A person whose time is planned on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    /// E.g. "developer", "business analyst": capacity rolls up by role.
    pub role: String,
    pub team: String,
    pub capacity_hours_per_week: f64,
    /// Sorted.
    pub skills: Vec<String>,
    /// Hours off in a week (holiday, training), subtracted from capacity that week.
    pub time_off: BTreeMap<IsoWeek, f64>,
    /// Fields two members set apart (see [`super::FieldConflict`]); empty almost always.
    pub conflicts: Vec<super::FieldConflict>,
}

impl Person {
    /// Capacity in one week: weekly hours minus time off, never below 0.
    pub fn capacity_in(&self, week: IsoWeek) -> f64 {
        (self.capacity_hours_per_week - self.time_off.get(&week).copied().unwrap_or(0.0)).max(0.0)
    }
}

/// What it takes to add a person.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPerson {
    pub name: String,
    pub role: String,
    pub team: String,
    pub capacity_hours_per_week: f64,
}

impl NewPerson {
    /// A person with a name and capacity only.
    pub fn named(name: &str, capacity_hours_per_week: f64) -> NewPerson {
        NewPerson { name: name.into(), role: String::new(), team: String::new(), capacity_hours_per_week }
    }
}

/// Hours a person is booked on a project in one week.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    pub project: ProjectId,
    pub person: PersonId,
    pub week: IsoWeek,
    pub hours: f64,
}

impl Board {
    /// People by name, ties by id.
    pub fn people(&self) -> Vec<Person> {
        let mut skills: HashMap<String, Vec<String>> = HashMap::new();
        for key in self.flat_keys(SKILLS) {
            if let Some((person, skill)) = key.split_once('/') {
                skills.entry(person.to_owned()).or_default().push(skill.to_owned());
            }
        }
        let mut time_off: HashMap<String, BTreeMap<IsoWeek, f64>> = HashMap::new();
        self.flat_numbers(TIME_OFF, |key, hours| {
            if let Some((person, Ok(week))) = key.split_once('/').map(|(person, week)| (person, week.parse())) {
                time_off.entry(person.to_owned()).or_default().insert(week, hours);
            }
        });
        let mut list = self.entities(PEOPLE, |id, fields: &Fields| {
            let mut person_skills = skills.get(id).cloned().unwrap_or_default();
            person_skills.sort();
            Some(Person {
                id: id.parse().ok()?,
                name: fields.string(person::NAME)?,
                role: fields.string_or_empty(person::ROLE),
                team: fields.string_or_empty(person::TEAM),
                capacity_hours_per_week: fields.number(person::CAPACITY_HOURS_PER_WEEK).unwrap_or(0.0),
                skills: person_skills,
                time_off: time_off.get(id).cloned().unwrap_or_default(),
                conflicts: if fields.conflicted {
                    self.entity_conflicts(PEOPLE, Subject::Person, id)
                } else {
                    Vec::new()
                },
            })
        });
        list.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        list
    }

    /// Allocations of existing projects and people, in key order.
    pub fn allocations(&self) -> Vec<Allocation> {
        let (projects, people) = (self.ids(PROJECTS), self.ids(PEOPLE));
        // A year has at most 53 weeks: parse each week once.
        let mut weeks: HashMap<String, Option<IsoWeek>> = HashMap::new();
        let mut list = Vec::new();
        self.flat_numbers(ALLOCATIONS, |key, hours| {
            let mut parts = key.split('/');
            let (Some(project), Some(person), Some(week), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return;
            };
            if !projects.contains(project) || !people.contains(person) {
                return;
            }
            let week = *weeks.entry(week.to_owned()).or_insert_with(|| week.parse().ok());
            if let Some(week) = week {
                list.push(Allocation {
                    project: ProjectId::checked(project.to_owned()),
                    person: PersonId::checked(person.to_owned()),
                    week,
                    hours,
                });
            }
        });
        list
    }

    pub fn add_person(&mut self, id: PersonId, new: NewPerson) -> Result<(), BoardError> {
        let name = non_empty(Subject::PersonName, &new.name)?;
        let capacity = hours(Subject::Capacity, new.capacity_hours_per_week)?;
        let fields = vec![
            (person::NAME, name.into()),
            (person::ROLE, new.role.trim().into()),
            (person::TEAM, new.team.trim().into()),
            (person::CAPACITY_HOURS_PER_WEEK, capacity.into()),
        ];
        self.insert_entity(PEOPLE, Subject::Person, id.as_str(), fields)?;
        self.commit(format!("add person {id}"));
        Ok(())
    }

    fn writable_person(&self, id: &PersonId) -> Result<automerge::ObjId, BoardError> {
        self.writable(PEOPLE, Subject::Person, id.as_str())
    }

    pub fn rename_person(&mut self, id: &PersonId, name: &str) -> Result<(), BoardError> {
        let person = self.writable_person(id)?;
        let name = non_empty(Subject::PersonName, name)?;
        self.doc.put(&person, person::NAME, name)?;
        self.commit(format!("rename person {id}"));
        Ok(())
    }

    /// Sets the role alone ("developer", "business analyst"); empty clears.
    pub fn set_person_role(&mut self, id: &PersonId, role: &str) -> Result<(), BoardError> {
        let person = self.writable_person(id)?;
        self.doc.put(&person, person::ROLE, role.trim())?;
        self.commit(format!("set role of person {id}"));
        Ok(())
    }

    /// Sets the team alone; empty clears.
    pub fn set_person_team(&mut self, id: &PersonId, team: &str) -> Result<(), BoardError> {
        let person = self.writable_person(id)?;
        self.doc.put(&person, person::TEAM, team.trim())?;
        self.commit(format!("set team of person {id}"));
        Ok(())
    }

    /// Sets role and team; empty clears.
    pub fn set_role_and_team(&mut self, id: &PersonId, role: &str, team: &str) -> Result<(), BoardError> {
        let person = self.writable_person(id)?;
        self.doc.put(&person, person::ROLE, role.trim())?;
        self.doc.put(&person, person::TEAM, team.trim())?;
        self.commit(format!("set role and team of person {id}"));
        Ok(())
    }

    pub fn set_capacity(&mut self, id: &PersonId, hours_per_week: f64) -> Result<(), BoardError> {
        let person = self.writable_person(id)?;
        let capacity = hours(Subject::Capacity, hours_per_week)?;
        self.doc.put(&person, person::CAPACITY_HOURS_PER_WEEK, capacity)?;
        self.commit(format!("set capacity of person {id}"));
        Ok(())
    }

    /// Adds (`true`) or removes (`false`) a skill. Skills are a set: two people adding the
    /// same skill at once add it once.
    pub fn set_skill(&mut self, id: &PersonId, skill: &str, has: bool) -> Result<(), BoardError> {
        self.writable_person(id)?;
        let skill = key_part(Subject::Skill, skill)?.to_lowercase();
        self.put_flat(SKILLS, format!("{id}/{skill}"), has.then(|| true.into()))?;
        self.commit(format!("set skill {skill} of person {id}"));
        Ok(())
    }

    /// Hours off in `week`; 0 clears.
    pub fn set_time_off(&mut self, id: &PersonId, week: IsoWeek, hours_off: f64) -> Result<(), BoardError> {
        self.writable_person(id)?;
        let hours_off = hours(Subject::TimeOff, hours_off)?;
        self.put_flat(TIME_OFF, format!("{id}/{week}"), (hours_off > 0.0).then(|| hours_off.into()))?;
        self.commit(format!("set time off of person {id} in {week}"));
        Ok(())
    }

    /// Deletes a person with their allocations, skills and time off.
    pub fn delete_person(&mut self, id: &PersonId) -> Result<(), BoardError> {
        self.delete_entity(PEOPLE, Subject::Person, id.as_str(), |board| {
            let id_str = id.as_str();
            board.delete_flat(ALLOCATIONS, |parts| parts.get(1) == Some(&id_str))?;
            for table in [SKILLS, TIME_OFF] {
                board.delete_flat(table, |parts| parts.first() == Some(&id_str))?;
            }
            Ok(())
        })
    }

    /// Books `hours` of `person` on `project` in `week`; 0 clears the cell.
    pub fn set_allocation(
        &mut self,
        project: &ProjectId,
        person: &PersonId,
        week: IsoWeek,
        hours_booked: f64,
    ) -> Result<(), BoardError> {
        self.collection(ALLOCATIONS)?;
        self.entity(PROJECTS, Subject::Project, project.as_str())?;
        self.entity(PEOPLE, Subject::Person, person.as_str())?;
        let hours_booked = hours(Subject::Allocation, hours_booked)?;
        let key = allocation_key(project, person, week);
        let map = self.map(ALLOCATIONS)?;
        if hours_booked == 0.0 && self.read(&map, &key)?.is_none() {
            return Ok(());
        }
        self.put_flat(ALLOCATIONS, key, (hours_booked > 0.0).then(|| hours_booked.into()))?;
        self.commit(format!("allocate {person} to {project} in {week}"));
        Ok(())
    }
}

pub(super) fn allocation_key(project: &ProjectId, person: &PersonId, week: IsoWeek) -> String {
    format!("{project}/{person}/{week}")
}

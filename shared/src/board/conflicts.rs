//! Conflicts made visible: when two replicas set the same field apart, Automerge keeps every
//! value and picks one winner the same way everywhere. These reads say which value won and
//! which others the document still holds ("changed by two people"), until someone sets the
//! field again.

use automerge::{ObjId, ScalarValue, Value};

use super::{people::allocation_key, schema::*, Board, BoardError, PersonId, ProjectId, Subject};
use crate::week::IsoWeek;

/// One field holding more than one value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    pub field: String,
    /// The value every replica shows.
    pub winner: String,
    /// The values that lost, still in the document.
    pub others: Vec<String>,
}

impl Board {
    /// Every field of a project that two replicas set apart.
    pub fn project_conflicts(&self, id: &ProjectId) -> Result<Vec<FieldConflict>, BoardError> {
        let object = self.entity(PROJECTS, Subject::Project, id.as_str())?;
        let keys: Vec<String> = self.read_keys(&object).collect();
        Ok(keys.into_iter().filter_map(|key| self.conflict(&object, &key)).collect())
    }

    /// Every field of an entity of `collection` (a risk, a person, a milestone) that two
    /// replicas set apart, in key order; empty for an entity the board does not hold.
    pub(super) fn entity_conflicts(&self, collection: &'static str, what: Subject, id: &str) -> Vec<FieldConflict> {
        let Ok(object) = self.entity(collection, what, id) else { return Vec::new() };
        let keys: Vec<String> = self.read_keys(&object).collect();
        keys.into_iter().filter_map(|key| self.conflict(&object, &key)).collect()
    }

    /// The conflict on one cell of the resource plan, if two people booked it apart.
    pub fn allocation_conflict(&self, project: &ProjectId, person: &PersonId, week: IsoWeek) -> Option<FieldConflict> {
        let map = self.map(ALLOCATIONS).ok()?;
        self.conflict(&map, &allocation_key(project, person, week))
    }

    /// The criterion and objective weights that two replicas set apart, named
    /// `criteria/<id>` and `objectives/<id>`.
    pub fn weight_conflicts(&self) -> Vec<FieldConflict> {
        let mut found = Vec::new();
        for (collection, weight) in [(CRITERIA, criterion::WEIGHT), (OBJECTIVES, objective::WEIGHT)] {
            let Ok(map) = self.map(collection) else { continue };
            for item in self.read_map(&map) {
                if let Some(mut conflict) = self.conflict(&item.id(), weight) {
                    conflict.field = format!("{collection}/{}", item.key);
                    found.push(conflict);
                }
            }
        }
        found
    }

    pub(super) fn conflict(&self, object: &ObjId, key: &str) -> Option<FieldConflict> {
        let all = self.read_all(object, key).ok()?;
        if all.len() < 2 {
            return None;
        }
        let (winner, winner_id) = self.read(object, key).ok()??;
        let winner = show(&winner);
        // Two members who wrote the same value did not set the field apart.
        let mut others: Vec<String> = all
            .iter()
            .filter(|(_, id)| *id != winner_id)
            .map(|(value, _)| show(value))
            .filter(|other| *other != winner)
            .collect();
        others.dedup();
        (!others.is_empty()).then(|| FieldConflict { field: key.to_owned(), winner, others })
    }
}

fn show(value: &Value<'_>) -> String {
    match value {
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Str(text) => text.to_string(),
            ScalarValue::F64(number) => number.to_string(),
            other => other.to_string(),
        },
        Value::Object(kind) => format!("({kind})"),
    }
}

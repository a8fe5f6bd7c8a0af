//! Undo one change by writing its inverse as a new change: what it set goes back to what it
//! was, what it added is deleted, what it deleted comes back. A value someone changed since is
//! left alone: undoing one's own edit never takes back anyone else's.

use std::collections::HashSet;

use automerge::{transaction::Transactable, ChangeHash, ObjId, ObjType, PatchAction, ReadDoc, ScalarValue, Value};

use crate::{board::Subject, Board, BoardError};

/// What an undo did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UndoOutcome {
    /// Values put back as they were before the change.
    pub restored: usize,
    /// Values someone changed since, left as they are.
    pub kept: usize,
}

/// What one key goes back to.
enum Restore {
    Delete,
    Scalar(ScalarValue),
    /// An entity the change deleted: a map with these scalar fields.
    Map(Vec<(String, ScalarValue)>),
}

impl Board {
    /// The changes this replica made itself (its own actor's), newest first: on a device, the
    /// edits made since the board was opened.
    pub fn own_changes(&mut self) -> Vec<ChangeHash> {
        let actor = self.doc_mut().get_actor().clone();
        let mut own: Vec<(u64, ChangeHash)> = self
            .automerge()
            .get_changes(&[])
            .iter()
            .filter(|change| change.actor_id() == &actor)
            .map(|change| (change.seq(), change.hash()))
            .collect();
        own.sort_by_key(|(seq, _)| std::cmp::Reverse(*seq));
        own.into_iter().map(|(_, hash)| hash).collect()
    }

    /// Writes the inverse of change `hash` as one new change (see the module documentation).
    /// Nothing is written when nothing can be undone.
    pub fn undo_change(&mut self, hash: &ChangeHash) -> Result<UndoOutcome, BoardError> {
        let doc = self.automerge();
        let change = doc
            .get_change_by_hash(hash)
            .ok_or_else(|| BoardError::Unknown { what: Subject::Change, id: hash.to_string() })?;
        let before = change.deps().to_vec();
        let after = vec![*hash];
        let mut created: HashSet<ObjId> = HashSet::new();
        let mut outcome = UndoOutcome::default();
        let mut writes: Vec<(ObjId, String, Restore)> = Vec::new();
        for patch in doc.diff(&before, &after) {
            if created.contains(&patch.obj) || patch.path.iter().any(|(obj, _)| created.contains(obj)) {
                continue;
            }
            let key = match &patch.action {
                PatchAction::PutMap { key, value, .. } => {
                    if let Value::Object(_) = value.0 {
                        created.insert(value.1.clone());
                    }
                    key.clone()
                }
                PatchAction::DeleteMap { key } => key.clone(),
                _ => continue,
            };
            // Left alone if someone set it to something else since, or deleted what holds it.
            let then = doc.get_at(&patch.obj, &key, &after)?.map(|(value, id)| (value.to_owned(), id));
            let now = doc.get(&patch.obj, &key)?.map(|(value, id)| (value.to_owned(), id));
            let holder_gone = patch.obj != automerge::ROOT && doc.object_type(&patch.obj).is_err();
            if holder_gone || then != now {
                outcome.kept += 1;
                continue;
            }
            let restore = match doc.get_at(&patch.obj, &key, &before)? {
                None => Restore::Delete,
                Some((Value::Scalar(scalar), _)) => Restore::Scalar(scalar.into_owned()),
                Some((Value::Object(ObjType::Text), text)) => {
                    Restore::Scalar(ScalarValue::Str(doc.text_at(&text, &before)?.into()))
                }
                Some((Value::Object(ObjType::Map), object)) => {
                    let mut fields = Vec::new();
                    for item in doc.map_range_at(&object, .., &before) {
                        match item.value {
                            automerge::ValueRef::Scalar(scalar) => fields.push((item.key.to_string(), scalar.into())),
                            automerge::ValueRef::Object(ObjType::Text) => fields.push((
                                item.key.to_string(),
                                ScalarValue::Str(doc.text_at(item.id(), &before)?.into()),
                            )),
                            automerge::ValueRef::Object(_) => {}
                        }
                    }
                    Restore::Map(fields)
                }
                Some((Value::Object(_), _)) => {
                    outcome.kept += 1;
                    continue;
                }
            };
            writes.push((patch.obj.clone(), key, restore));
        }
        if writes.is_empty() {
            return Ok(outcome);
        }
        let doc = self.doc_mut();
        for (object, key, restore) in writes {
            match restore {
                Restore::Delete => doc.delete(&object, key.as_str())?,
                Restore::Scalar(value) => doc.put(&object, key.as_str(), value)?,
                Restore::Map(fields) => {
                    let map = doc.put_object(&object, key.as_str(), ObjType::Map)?;
                    for (field, value) in fields {
                        doc.put(&map, field.as_str(), value)?;
                    }
                }
            }
            outcome.restored += 1;
        }
        self.commit(format!("undo {hash}"));
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{NewPerson, NewProject},
        PersonId, ProjectId, Stage,
    };

    fn board() -> (Board, ProjectId, ProjectId, PersonId) {
        let mut board = Board::new("P").unwrap();
        let (apollo, zeus, li) = (ProjectId::random(), ProjectId::random(), PersonId::random());
        for (id, name) in [(&apollo, "Apollo"), (&zeus, "Zeus")] {
            board
                .add_project(id.clone(), NewProject { name: name.into(), stage: Stage::Proposed, budget: 100.0 })
                .unwrap();
        }
        board.add_person(li.clone(), NewPerson::named("Li Wei", 40.0)).unwrap();
        (board, apollo, zeus, li)
    }

    fn last(board: &mut Board) -> ChangeHash {
        board.heads()[0]
    }

    #[test]
    fn undoing_a_field_puts_the_old_value_back_in_a_new_change() {
        let (mut board, apollo, ..) = board();
        board.set_project_budget(&apollo, 250_000.0).unwrap();
        let change = last(&mut board);
        let outcome = board.undo_change(&change).unwrap();
        assert_eq!(outcome, UndoOutcome { restored: 1, kept: 0 });
        assert_eq!(board.project(&apollo).unwrap().budget, 100.0);
        assert_ne!(last(&mut board), change, "a new change: history keeps both");
        let undo = last(&mut board);
        assert_eq!(board.describe_change(&undo).unwrap().text, "set Apollo's budget to 100");
    }

    #[test]
    fn undoing_a_move_an_addition_and_a_deletion() {
        let (mut board, apollo, zeus, li) = board();
        board.move_project(&zeus, 0).unwrap();
        let moved = last(&mut board);
        board.undo_change(&moved).unwrap();
        assert_eq!(board.projects().iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Apollo", "Zeus"]);

        let hermes = ProjectId::random();
        board
            .add_project(hermes.clone(), NewProject { name: "Hermes".into(), stage: Stage::Active, budget: 1.0 })
            .unwrap();
        let added = last(&mut board);
        board.undo_change(&added).unwrap();
        assert_eq!(board.project(&hermes), None, "an added project is deleted again");

        let week = "2027-W03".parse().unwrap();
        board.set_allocation(&apollo, &li, week, 16.0).unwrap();
        board.delete_project(&apollo).unwrap();
        let deleted = last(&mut board);
        board.undo_change(&deleted).unwrap();
        let back = board.project(&apollo).expect("a deleted project comes back");
        assert_eq!((back.name.as_str(), back.budget), ("Apollo", 100.0));
        assert_eq!(board.snapshot().hours(&apollo, &li, week), 16.0, "with its bookings");
    }

    #[test]
    fn a_value_someone_changed_since_is_left_alone() {
        let (mut board, apollo, zeus, _) = board();
        board.set_project_budget(&apollo, 250_000.0).unwrap();
        board.set_project_budget(&zeus, 5.0).unwrap();
        let mine = last(&mut board);
        // A colleague's edit after mine, of the same field, merged in.
        let mut colleague = board.fork();
        colleague.set_project_budget(&zeus, 7.0).unwrap();
        board.merge(&mut colleague).unwrap();
        let outcome = board.undo_change(&mine).unwrap();
        assert_eq!(outcome, UndoOutcome { restored: 0, kept: 1 });
        assert_eq!(board.project(&zeus).unwrap().budget, 7.0, "the colleague's value stays");
        assert_eq!(board.project(&apollo).unwrap().budget, 250_000.0, "another change is not touched");
    }

    #[test]
    fn own_changes_are_this_replicas_newest_first() {
        let (mut board, apollo, zeus, _) = board();
        let mut colleague = board.fork();
        colleague.set_project_budget(&zeus, 1.0).unwrap();
        board.set_project_budget(&apollo, 2.0).unwrap();
        let first = last(&mut board);
        board.set_project_budget(&apollo, 3.0).unwrap();
        let second = last(&mut board);
        board.merge(&mut colleague).unwrap();
        let own = board.own_changes();
        assert_eq!(&own[..2], &[second, first], "newest first, the colleague's change not among them");
        assert_eq!(own.len(), 6, "and the fixture's four: the board, two projects, a person");
        assert!(colleague.own_changes().len() == 1);
    }

    #[test]
    fn an_unknown_change_cannot_be_undone() {
        let (mut board, ..) = board();
        let mut other = Board::new("Other").unwrap();
        let foreign = last(&mut other);
        assert!(matches!(board.undo_change(&foreign), Err(BoardError::Unknown { .. })));
    }
}

//! Blame (谁改的): every value one field of a project has had, newest first, each with the
//! change that set it, so the app can say who set the current value and when, what it was
//! before, and which value lost when two people set the field apart.
//!
//! Automerge keeps every operation: a field's current value is the put that no later put
//! replaced, and a concurrent put that lost the tie stays beside it (`get_all`). Walking the
//! changes for the puts on the project's map under the field's key gives the whole story. The
//! change's actor is a device, not a person: the server's history maps the change to the
//! account that sent it.

use automerge::{
    legacy::{Key, OpType},
    ObjType, ReadDoc, ScalarValue,
};

use super::{schema::PROJECTS, Board, BoardError, ProjectId, Subject};

/// Where a value stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The field's value.
    Current,
    /// Set at the same time as the current value by someone else, and lost the tie.
    LostConflict,
    /// Replaced by a later value.
    Replaced,
}

/// One value a field has had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// As stored: text as is, numbers in full.
    pub value: String,
    /// The change that set it (hex), to look up in the server's history who sent it.
    pub change: String,
    /// The device (Automerge actor, hex) that made the change.
    pub actor: String,
    /// The change's own time (Unix ms), if it carries one.
    pub made_at_ms: Option<i64>,
    pub standing: Standing,
}

fn show(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Str(text) => text.to_string(),
        ScalarValue::F64(number) => number.to_string(),
        ScalarValue::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

impl Board {
    /// Every value `field` of project `id` has had on this replica, newest first.
    pub fn project_field_history(&mut self, id: &ProjectId, field: &str) -> Result<Vec<FieldValue>, BoardError> {
        let object = self.entity(PROJECTS, Subject::Project, id.as_str())?;
        let winner = self.read(&object, field)?.map(|(_, op)| op.to_string());
        let standing: Vec<String> = self.read_all(&object, field)?.into_iter().map(|(_, op)| op.to_string()).collect();
        let object = object.to_string();
        let mut values = Vec::new();
        let doc = self.automerge();
        for change in doc.get_changes(&[]) {
            let actor = change.actor_id().to_hex_string();
            let start = change.start_op().get();
            let expanded = change.decode();
            for (index, op) in expanded.operations.iter().enumerate() {
                let on_field = matches!(&op.key, Key::Map(key) if key.as_str() == field);
                if !on_field || op.obj.to_string() != object {
                    continue;
                }
                let op_id = format!("{}@{actor}", start + index as u64);
                let value = match &op.action {
                    OpType::Put(value) => show(value),
                    // A string written by a JavaScript client is a text object; its
                    // characters come in later operations of the same change: read it as that
                    // change left it.
                    OpType::Make(ObjType::Text) => doc
                        .import(&op_id)
                        .ok()
                        .and_then(|(text, _)| doc.text_at(&text, &[change.hash()]).ok())
                        .unwrap_or_default(),
                    _ => continue,
                };
                let standing = if winner.as_deref() == Some(op_id.as_str()) {
                    Standing::Current
                } else if standing.contains(&op_id) {
                    Standing::LostConflict
                } else {
                    Standing::Replaced
                };
                values.push(FieldValue {
                    value,
                    change: change.hash().to_string(),
                    actor: actor.clone(),
                    made_at_ms: (change.timestamp() > 0).then(|| change.timestamp().saturating_mul(1000)),
                    standing,
                });
            }
        }
        values.reverse();
        Ok(values)
    }
}

/// Who set a value, as the story names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setter {
    /// The member the server's history attributes the change to.
    Member(String),
    /// The device that made the change (the first 8 hex digits of its actor), when the
    /// history does not reach it: offline, or a change this device has not sent yet.
    Device(String),
}

/// One line of a field's story as the page tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryLine {
    pub value: String,
    pub standing: Standing,
    pub setter: Setter,
    pub made_at_ms: Option<i64>,
    /// The change that set it (hex).
    pub change: String,
}

/// A field's story in the order a reader asks about it: the current value first (who set
/// it, when), then any value that lost to it when two people set the field at once, then the
/// values before, newest first. `names` maps a change (hex) to the member who sent it.
pub fn tell(values: &[FieldValue], names: &std::collections::HashMap<String, String>) -> Vec<StoryLine> {
    let rank = |standing: Standing| match standing {
        Standing::Current => 0,
        Standing::LostConflict => 1,
        Standing::Replaced => 2,
    };
    let mut lines: Vec<StoryLine> = values
        .iter()
        .map(|value| StoryLine {
            value: value.value.clone(),
            standing: value.standing,
            setter: names.get(&value.change).map_or_else(
                || Setter::Device(value.actor.chars().take(8).collect()),
                |name| Setter::Member(name.clone()),
            ),
            made_at_ms: value.made_at_ms,
            change: value.change.clone(),
        })
        .collect();
    // Stable: within a standing, the story's own order (newest first) stays.
    lines.sort_by_key(|line| rank(line.standing));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{NewProject, Stage};

    #[test]
    fn a_field_tells_its_story_with_the_losing_value_of_a_concurrent_edit() {
        let mut left = Board::new("P").unwrap();
        let id = ProjectId::random();
        left.add_project(id.clone(), NewProject { name: "Apollo".into(), stage: Stage::Proposed, budget: 100.0 })
            .unwrap();
        left.set_project_budget(&id, 250.0).unwrap();
        let mut right = left.fork();
        left.set_project_budget(&id, 300.0).unwrap();
        right.set_project_budget(&id, 275.0).unwrap();
        left.merge(&mut right).unwrap();
        let current = left.project(&id).unwrap().budget;
        let lost = if current == 300.0 { "275" } else { "300" };

        let story = left.project_field_history(&id, "budget").unwrap();
        let told: Vec<(&str, Standing)> = story.iter().map(|v| (v.value.as_str(), v.standing)).collect();
        assert_eq!(told.len(), 4, "{told:?}");
        let current = current.to_string();
        assert!(told.contains(&(current.as_str(), Standing::Current)), "{told:?}");
        assert!(told.contains(&(lost, Standing::LostConflict)), "{told:?}");
        assert_eq!(
            &told[2..],
            [("250", Standing::Replaced), ("100", Standing::Replaced)],
            "older values, newest first"
        );
        let right_actor = right.automerge().get_changes(&[]).last().unwrap().actor_id().to_hex_string();
        let by_right = story.iter().find(|v| v.value == "275").unwrap();
        assert_eq!(by_right.actor, right_actor, "the device that set it");

        // A field never set has no story; an unknown project is an error.
        assert!(left.project_field_history(&id, "sponsor").unwrap().is_empty());
        assert!(left.project_field_history(&ProjectId::random(), "budget").is_err());
    }

    /// A name written as a text object (as a JavaScript client writes strings) is told by its
    /// characters, as each change left them, not as "(text)".
    #[test]
    fn a_text_field_is_told_by_its_characters() {
        use automerge::{transaction::Transactable, ObjType};
        let mut board = Board::new("P").unwrap();
        let id = ProjectId::random();
        board
            .add_project(id.clone(), NewProject { name: "Apollo".into(), stage: Stage::Proposed, budget: 1.0 })
            .unwrap();
        for name in ["Zeus", "Zeus II"] {
            let project = board.entity(PROJECTS, Subject::Project, id.as_str()).unwrap();
            let text = board.doc.put_object(&project, "name", ObjType::Text).unwrap();
            board.doc.splice_text(&text, 0, 0, name).unwrap();
            board.doc.commit();
        }
        let story = board.project_field_history(&id, "name").unwrap();
        let told: Vec<&str> = story.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(told, ["Zeus II", "Zeus", "Apollo"]);
    }

    /// Alice sets Apollo's budget to 250; Bob and Carol, apart (Carol offline), set it to 300
    /// and 275. Bob renamed the project first, so his write has the later operation counter
    /// and wins the merge; Carol's arrives last, so it is the newest change. Told: the current
    /// value first with who set it (Bob), then the losing value (Carol's), then 250 and 100
    /// (Alice's). Carol's change has not reached the server's history: her device is named.
    #[test]
    fn the_story_of_a_field_with_a_concurrent_edit_names_who_set_each_value() {
        let mut alice = Board::new("P").unwrap();
        let id = ProjectId::random();
        alice
            .add_project(id.clone(), NewProject { name: "Apollo".into(), stage: Stage::Proposed, budget: 100.0 })
            .unwrap();
        alice.set_project_budget(&id, 250.0).unwrap();
        let mut bob = alice.fork();
        let mut carol = alice.fork();
        bob.rename_project(&id, "Apollo II").unwrap();
        bob.set_project_budget(&id, 300.0).unwrap();
        carol.set_project_budget(&id, 275.0).unwrap();
        let last_change = |board: &mut Board| board.automerge().get_changes(&[]).last().unwrap().hash().to_string();
        let (bob_change, carol_change) = (last_change(&mut bob), last_change(&mut carol));
        let carol_actor = carol.automerge().get_changes(&[]).last().unwrap().actor_id().to_hex_string();
        alice.merge(&mut bob).unwrap();
        alice.merge(&mut carol).unwrap();

        // The server's history knows Alice's changes and Bob's, not Carol's yet.
        let mut names: std::collections::HashMap<String, String> = alice
            .automerge()
            .get_changes(&[])
            .iter()
            .map(|change| change.hash().to_string())
            .filter(|hash| *hash != carol_change && *hash != bob_change)
            .map(|hash| (hash, "Alice".to_owned()))
            .collect();
        names.insert(bob_change, "Bob".to_owned());

        let story = tell(&alice.project_field_history(&id, "budget").unwrap(), &names);
        let told: Vec<(&str, Standing, Setter)> =
            story.iter().map(|line| (line.value.as_str(), line.standing, line.setter.clone())).collect();
        assert_eq!(alice.project(&id).unwrap().budget, 300.0, "Bob's later write wins");
        let carol_device = Setter::Device(carol_actor[..8].to_owned());
        assert_eq!(
            told,
            [
                ("300", Standing::Current, Setter::Member("Bob".into())),
                ("275", Standing::LostConflict, carol_device),
                ("250", Standing::Replaced, Setter::Member("Alice".into())),
                ("100", Standing::Replaced, Setter::Member("Alice".into())),
            ]
        );

        // Once Alice sets it again, the conflict is over: hers is current, both others replaced.
        alice.set_project_budget(&id, 320.0).unwrap();
        let story = tell(&alice.project_field_history(&id, "budget").unwrap(), &names);
        let standings: Vec<(&str, Standing)> = story.iter().map(|l| (l.value.as_str(), l.standing)).collect();
        assert_eq!(standings[0], ("320", Standing::Current));
        assert!(standings[1..].iter().all(|(_, standing)| *standing == Standing::Replaced), "{standings:?}");
    }
}

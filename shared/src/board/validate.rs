//! The board's schema as a check: does an update leave the document readable as a board?
//!
//! Automerge merges whatever it is given, and [`Board`](super::Board) only ever writes what the
//! schema allows, but a client does not have to use `Board`. The server therefore checks every
//! change a client sends before storing it ([`crate::gate::check_sync`]), with this module.
//!
//! The check is driven by Automerge patches. Each patch names an object (by its path from the
//! root) and a key in it; the schema (described in [`super::schema`]) says what may live there,
//! and the document *after* the update is read there and nowhere else:
//!
//! ```text
//! patch: PutMap { path: [projects, <id>], key: "budget", value: "lots" }
//!   place:  an entity of `projects`          (from the path)
//!   slot:   the field `budget`: a number ≥ 0 (from `schema::project::FIELDS`)
//!   result: refused, "at `projects/<id>/budget`: expected a number of at least 0, found the string `lots`"
//! ```
//!
//! A map that appears as a whole (a new project, a new gate tick) is read whole once, and the
//! patches inside it are skipped. So the work is proportional to what the update touched, not
//! to the board, provided the patches are: [`crate::gate::check_sync`] takes them from
//! Automerge's patch log while it applies the changes. [`check_update`] computes them with
//! [`Automerge::diff`], which in Automerge 0.12 visits every operation of the document (it
//! walks each object and compares what is visible at both versions): convenient for tests and
//! tools, proportional to the board.
//!
//! What is checked, at every place an update touches:
//! - the root holds only `name` (a string), `schema_version` (a whole number, never lowered,
//!   never above [`SCHEMA_VERSION`]) and the collections; none of these can be deleted, and a
//!   collection cannot be created again once the board exists (a second copy would hide the
//!   first one's contents after a merge);
//! - an entity collection holds maps under valid ids (for the gate template `<phase>/<item>`,
//!   for gate ticks `<project>/<phase>/<item>`); each entity has only its known fields, each
//!   of its type (a string may be a plain string or an Automerge text), in range where the
//!   typed API enforces one (hours 0–168, contribution 0–1, probability and impact 1–5, …),
//!   enumerations among their names, dates as `YYYY-MM-DD`; required fields (those without
//!   which reading skips the entity, such as a project's `name` and `stage`) are present and
//!   are not deleted (an operation deleting one is refused only if the field is left without a
//!   value: Automerge settles a conflict by deleting the values that lost);
//! - the flat maps have keys of the right shape (`project/person/week` with a real ISO week)
//!   and values of the right type and range (sets hold `true`);
//! - no lists, counters, or objects inside text anywhere.
//!
//! Patches show only what an update leaves behind. Content created and deleted again within
//! one change leaves no patch, so [`OperationChecker`] also reads every operation of a change
//! on its own (the gate runs both): each must act on a place of the schema and write there
//! only what the schema allows.
//!
//! What is not checked: references between entities (an allocation of a deleted project is
//! allowed: merges produce them, and reads ignore them), rules across fields (end before start,
//! amber above green) and across entities (budget envelope, capacity, dependency cycles): those
//! are what [`crate::rules`] reports on the merged board, because merges are never refused.

use std::collections::HashSet;

use automerge::{Automerge, ChangeHash, ObjId, ObjType, Patch, PatchAction, Prop, ReadDoc, ScalarValue, Value, ROOT};

use super::{schema::*, Phase};

/// Where an update breaks the board schema, and how.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("at `{path}`: {problem}")]
pub struct SchemaViolation {
    /// Keys from the root, joined by `/`; a key that itself contains `/` is quoted.
    pub path: String,
    pub problem: Problem,
}

/// What is wrong at a place of the document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("a board has no key `{0}`: its root holds `name`, `schema_version` and the collections")]
    UnknownRootKey(String),
    #[error("a {what} has no field `{field}`")]
    UnknownField { what: &'static str, field: String },
    #[error("`{key}` is not a valid key here: expected {expected}")]
    BadKey { key: String, expected: String },
    #[error("expected {expected}, found {found}")]
    WrongValue { expected: String, found: String },
    #[error("a {what} must have `{field}`")]
    Missing { what: &'static str, field: &'static str },
    #[error("`{0}` is required and cannot be deleted")]
    Removed(String),
    #[error("the `{0}` collection cannot be deleted")]
    CollectionDeleted(&'static str),
    #[error("the `{0}` collection cannot be created again: collections are created once, with the board (a second copy would hide the first one's contents)")]
    CollectionCreated(&'static str),
    #[error("the schema version cannot go down from {from} to {to}")]
    SchemaVersionLowered { from: u64, to: u64 },
    #[error("schema version {0} is newer than this build knows ({SCHEMA_VERSION}): update the server first")]
    SchemaVersionTooNew(u64),
    #[error("{0} cannot appear on a board")]
    NotAllowed(String),
    #[error("the document cannot be read here: {0}")]
    Unreadable(String),
    #[error("these are the AHP judgments of another member (`{0}`): each member answers only for themself")]
    NotYours(String),
    #[error("only the board's owner changes its {0}")]
    OwnerOnly(OwnersPart),
}

impl Problem {
    /// Whether the problem is who wrote it, not what was written: the same write by the
    /// board's owner, or by the member the AHP answers belong to, would pass.
    pub fn is_permission(&self) -> bool {
        matches!(self, Problem::NotYours(_) | Problem::OwnerOnly(_))
    }
}

/// What only the board's owner changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnersPart {
    Settings,
    Checklist,
}

impl std::fmt::Display for OwnersPart {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            OwnersPart::Settings => "settings",
            OwnersPart::Checklist => "stage-gate checklist",
        })
    }
}

/// Who sends an update, for the rules that depend on the sender: each member writes only their
/// own AHP judgments (keyed by their account id), and only the owner changes the settings and
/// the stage-gate template. The server knows both from the connection the changes came on.
#[derive(Debug, Clone, Copy)]
pub struct Writer<'a> {
    pub account_id: &'a str,
    pub owner: bool,
}

impl Writer<'_> {
    /// Whether this writer may act on `key` (`None` for an element of a text) of the object at
    /// `path` (keys from the root, empty for the root itself).
    fn may_write(self, path: &[String], key: Option<&str>) -> Result<(), Problem> {
        match (path.first().map(String::as_str), path.len()) {
            (Some(AHP_JUDGMENTS), 1) => {
                let member = key.and_then(|key| key.split('/').next()).unwrap_or_default();
                if member == self.account_id {
                    Ok(())
                } else {
                    Err(Problem::NotYours(member.to_owned()))
                }
            }
            (Some(SETTINGS), _) if !self.owner => Err(Problem::OwnerOnly(OwnersPart::Settings)),
            (Some(GATE_TEMPLATE), _) if !self.owner => Err(Problem::OwnerOnly(OwnersPart::Checklist)),
            _ => Ok(()),
        }
    }
}

/// Checks the update from `before` to the document's current heads against the board schema.
///
/// The patches come from [`Automerge::diff`], which visits the whole document in Automerge
/// 0.12; the gate uses the patch log of the changes instead (see the module doc).
pub fn check_update(doc: &Automerge, before: &[ChangeHash]) -> Result<(), SchemaViolation> {
    check_patches(doc, before, &doc.diff(before, &doc.get_heads()))
}

/// Checks a whole document against the board schema, by reading every value once.
pub fn check_document(doc: &Automerge) -> Result<(), SchemaViolation> {
    let mut checker = Checker::new(doc, &[]);
    checker.walk_map(Place::Root, &ROOT, &mut Vec::new())?;
    checker.complete()
}

/// Checks the update from `before` to `doc`'s current state, given the patches that describe
/// it (from [`Automerge::diff`] or from a [`automerge::PatchLog`] filled while applying it).
pub(crate) fn check_patches(doc: &Automerge, before: &[ChangeHash], patches: &[Patch]) -> Result<(), SchemaViolation> {
    let mut checker = Checker::new(doc, before);
    for patch in patches {
        checker.patch(patch)?;
    }
    if checker.creating {
        checker.complete()?;
    }
    Ok(())
}

// ---- the rules, as the check applies them ----------------------------------------------------
//
// The schema itself (collections, fields, rules, key shapes) is described in `super::schema`;
// what follows is how each rule is checked and worded.

impl Rule {
    fn expected(self) -> String {
        match self {
            Rule::Text => "a string".into(),
            Rule::OneOf(names) => format!("one of {}", names.join(", ")),
            Rule::Date => "a date such as 2027-03-31".into(),
            Rule::Id => "an id (not empty, without `/`)".into(),
            Rule::Hashes => "change hashes separated by commas".into(),
            Rule::Currency => "a three-letter currency code such as CNY".into(),
            Rule::Number { min, max } => match (min.is_finite(), max.is_finite()) {
                (true, true) => format!("a number from {min} to {max}"),
                (true, false) => format!("a number of at least {min}"),
                _ => "a finite number".into(),
            },
            Rule::Integer { min, max } if (min, max) == (i64::MIN, i64::MAX) => "a whole number".into(),
            Rule::Integer { min, max } => format!("a whole number from {min} to {max}"),
            Rule::Bool => "true or false".into(),
            Rule::True => "true (this map is a set)".into(),
            Rule::Saaty => {
                "a judgment on Saaty's scale: a whole number from 1 to 9, or its reciprocal (1/9 to 1/2)".into()
            }
        }
    }

    fn is_string(self) -> bool {
        matches!(self, Rule::Text | Rule::OneOf(_) | Rule::Date | Rule::Id | Rule::Hashes | Rule::Currency)
    }

    fn wrong(self, found: String) -> Problem {
        Problem::WrongValue { expected: self.expected(), found }
    }

    fn check_scalar(self, value: &ScalarValue) -> Result<(), Problem> {
        let fits = match (self, value) {
            (rule, ScalarValue::Str(text)) if rule.is_string() => return rule.check_text(text),
            (Rule::Number { min, max }, _) => {
                number(value).is_some_and(|number| number.is_finite() && (min..=max).contains(&number))
            }
            (Rule::Integer { min, max }, _) => integer(value).is_some_and(|number| (min..=max).contains(&number)),
            (Rule::Bool, ScalarValue::Boolean(_)) => true,
            (Rule::Saaty, _) => number(value).is_some_and(is_saaty),
            (Rule::True, ScalarValue::Boolean(true)) => true,
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(self.wrong(describe_scalar(value)))
        }
    }

    /// Checks a string, from a plain string or from an Automerge text.
    fn check_text(self, text: &str) -> Result<(), Problem> {
        let fits = match self {
            Rule::Text => true,
            Rule::OneOf(names) => names.contains(&text),
            Rule::Date => text.parse::<chrono::NaiveDate>().is_ok(),
            Rule::Id => !text.is_empty() && !text.contains('/'),
            Rule::Hashes => {
                text.split(',').filter(|hash| !hash.is_empty()).all(|hash| hash.parse::<ChangeHash>().is_ok())
            }
            Rule::Currency => text.len() == 3 && text.bytes().all(|byte| byte.is_ascii_uppercase()),
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(self.wrong(describe_string(text)))
        }
    }

    /// Whether the content of a string matters (so a text object must be read).
    fn constrains_text(self) -> bool {
        self.is_string() && !matches!(self, Rule::Text)
    }
}

fn number(value: &ScalarValue) -> Option<f64> {
    match value {
        ScalarValue::F64(number) => Some(*number),
        ScalarValue::Int(number) => Some(*number as f64),
        ScalarValue::Uint(number) => Some(*number as f64),
        _ => None,
    }
}

/// A whole number, as the board reads one (an integral float counts).
fn integer(value: &ScalarValue) -> Option<i64> {
    match value {
        ScalarValue::Int(number) => Some(*number),
        ScalarValue::Uint(number) => i64::try_from(*number).ok(),
        ScalarValue::F64(number) if number.fract() == 0.0 && number.abs() < 9.0e15 => Some(*number as i64),
        _ => None,
    }
}

/// Whether `value` is on Saaty's scale: a whole number from 1 to 9 or the reciprocal of one
/// (as a float, so to within rounding).
pub(crate) fn is_saaty(value: f64) -> bool {
    if !value.is_finite() || value <= 0.0 {
        return false;
    }
    let whole = if value >= 1.0 { value } else { 1.0 / value };
    let nearest = whole.round();
    (1.0..=9.0).contains(&nearest) && (whole - nearest).abs() <= 1e-9 * nearest
}

fn check_key(parts: &'static [Part], key: &str) -> Result<(), Problem> {
    let pieces: Vec<&str> = key.split('/').collect();
    let fits = pieces.len() == parts.len()
        && pieces.iter().zip(parts).enumerate().all(|(index, (piece, part))| match part {
            Part::Id(_) => !piece.is_empty(),
            Part::Phase => Phase::NAMES.contains(piece),
            Part::Week => piece.parse::<crate::week::IsoWeek>().is_ok(),
            Part::After(_) => index > 0 && *piece > pieces[index - 1],
        });
    if fits {
        return Ok(());
    }
    let shape: Vec<&str> = parts
        .iter()
        .map(|part| match part {
            Part::Id(label) | Part::After(label) => label,
            Part::Phase => "phase",
            Part::Week => "week",
        })
        .collect();
    let expected = if parts.len() == 1 {
        "an id (not empty, without `/`)".to_owned()
    } else if parts.iter().any(|part| matches!(part, Part::After(_))) {
        format!("`{}`, the two criteria different and in id order", shape.join("/"))
    } else {
        format!(
            "`{}`, where a phase is one of {} and a week looks like 2027-W05",
            shape.join("/"),
            Phase::NAMES.join(", ")
        )
    };
    Err(Problem::BadKey { key: key.to_owned(), expected })
}

fn describe(value: &Value) -> String {
    match value {
        Value::Object(ObjType::Map) => "a map".into(),
        Value::Object(ObjType::Table) => "a table".into(),
        Value::Object(ObjType::List) => "a list".into(),
        Value::Object(ObjType::Text) => "a text".into(),
        Value::Scalar(scalar) => describe_scalar(scalar),
    }
}

fn describe_scalar(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Str(text) => describe_string(text),
        ScalarValue::F64(number) => format!("the number {number}"),
        ScalarValue::Int(number) => format!("the integer {number}"),
        ScalarValue::Uint(number) => format!("the integer {number}"),
        ScalarValue::Boolean(flag) => format!("`{flag}`"),
        ScalarValue::Null => "null".into(),
        ScalarValue::Bytes(bytes) => format!("{} bytes", bytes.len()),
        ScalarValue::Counter(_) => "a counter".into(),
        ScalarValue::Timestamp(_) => "a timestamp".into(),
        ScalarValue::Unknown { .. } => "a value of an unknown type".into(),
    }
}

/// A string quoted for a message, cut short when long.
fn describe_string(text: &str) -> String {
    const SHOWN: usize = 40;
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("the string `{}…`", &text[..end]),
        None => format!("the string `{text}`"),
    }
}

fn render(path: &[String]) -> String {
    let keys: Vec<String> =
        path.iter().map(|key| if key.contains('/') { format!("{key:?}") } else { key.clone() }).collect();
    keys.join("/")
}

fn violation(path: &[String], problem: Problem) -> SchemaViolation {
    SchemaViolation { path: render(path), problem }
}

// ---- the check -------------------------------------------------------------------------------

/// A kind of object of the board, found from its path.
#[derive(Debug, Clone, Copy)]
enum Place {
    Root,
    Collection(&'static Collection),
    Entity(&'static Collection),
    /// An Automerge text holding a string field.
    Text(Rule),
}

/// What may be stored under one key of a place.
#[derive(Debug, Clone, Copy)]
enum Slot {
    SchemaVersion,
    Collection(&'static Collection),
    Entity(&'static Collection),
    Field(Field),
}

impl Slot {
    fn expected(self) -> String {
        match self {
            Slot::SchemaVersion => "a whole number (the schema version)".into(),
            Slot::Collection(collection) => format!("a map (the `{}` collection)", collection.name),
            Slot::Entity(Collection { layout: Layout::Entities { what, .. }, .. }) => format!("a map (a {what})"),
            Slot::Entity(_) => "a map".into(),
            Slot::Field(field) => field.rule.expected(),
        }
    }
}

/// What may be stored under `key` of `place`.
fn slot(place: Place, key: &str) -> Result<Slot, Problem> {
    match place {
        Place::Root => match key {
            root::SCHEMA_VERSION => Ok(Slot::SchemaVersion),
            root::NAME => Ok(Slot::Field(root::NAME_FIELD)),
            _ => collection(key).map(Slot::Collection).ok_or_else(|| Problem::UnknownRootKey(key.to_owned())),
        },
        Place::Collection(collection) => match &collection.layout {
            Layout::Entities { key: parts, .. } => check_key(parts, key).map(|()| Slot::Entity(collection)),
            Layout::Fields(fields) => find_field("settings", fields, key),
            Layout::Flat { key: parts, value } => {
                check_key(parts, key).map(|()| Slot::Field(optional("value", *value)))
            }
        },
        Place::Entity(Collection { layout: Layout::Entities { what, fields, .. }, .. }) => {
            find_field(what, fields, key)
        }
        Place::Entity(_) | Place::Text(_) => {
            Err(Problem::NotAllowed(format!("a key (`{key}`) inside a text or a value")))
        }
    }
}

fn find_field(what: &'static str, fields: &'static [Field], key: &str) -> Result<Slot, Problem> {
    fields
        .iter()
        .find(|field| field.key == key)
        .map(|field| Slot::Field(*field))
        .ok_or_else(|| Problem::UnknownField { what, field: key.to_owned() })
}

struct Checker<'a> {
    doc: &'a Automerge,
    before: &'a [ChangeHash],
    /// The update starts from nothing: it may create the collections.
    creating: bool,
    /// Maps read whole: patches inside them need no further look.
    walked: HashSet<ObjId>,
    /// Texts whose content was checked.
    texts: HashSet<ObjId>,
}

impl<'a> Checker<'a> {
    fn new(doc: &'a Automerge, before: &'a [ChangeHash]) -> Checker<'a> {
        Checker { doc, before, creating: before.is_empty(), walked: HashSet::new(), texts: HashSet::new() }
    }

    fn patch(&mut self, patch: &Patch) -> Result<(), SchemaViolation> {
        if self.walked.contains(&patch.obj) || patch.path.iter().any(|(object, _)| self.walked.contains(object)) {
            return Ok(());
        }
        let mut path = Vec::with_capacity(patch.path.len() + 1);
        let props: Vec<&Prop> = patch.path.iter().map(|(_, prop)| prop).collect();
        let place = place_at(&props, &mut path)?;
        match (place, &patch.action) {
            (Place::Text(rule), PatchAction::SpliceText { .. } | PatchAction::DeleteSeq { .. }) => {
                self.text(rule, &patch.obj, &path)
            }
            // Formatting marks change no string the board reads.
            (Place::Text(_), PatchAction::Mark { .. }) => Ok(()),
            (Place::Text(_), action) => {
                Err(violation(&path, Problem::NotAllowed(format!("{} in a text field", action_name(action)))))
            }
            (place, PatchAction::PutMap { key, value, conflict }) => {
                path.push(key.clone());
                let slot = slot(place, key).map_err(|problem| violation(&path, problem))?;
                if *conflict {
                    self.every_value(slot, &patch.obj, key, &path)
                } else {
                    self.value(slot, &value.0, &value.1, &mut path)
                }
            }
            (place, PatchAction::Conflict { prop: Prop::Map(key) }) => {
                path.push(key.clone());
                let slot = slot(place, key).map_err(|problem| violation(&path, problem))?;
                self.every_value(slot, &patch.obj, key, &path)
            }
            (place, PatchAction::DeleteMap { key }) => {
                path.push(key.clone());
                deletion(place, key).map_err(|problem| violation(&path, problem))
            }
            (_, action) => Err(violation(&path, Problem::NotAllowed(action_name(action).into()))),
        }
    }

    /// Checks every value stored under `key` of `object`, the winner and those it conflicts with:
    /// any of them may be shown (a conflict is displayed, and a loser wins when the winner goes).
    fn every_value(&mut self, slot: Slot, object: &ObjId, key: &str, path: &[String]) -> Result<(), SchemaViolation> {
        let values =
            self.doc.get_all(object, key).map_err(|error| violation(path, Problem::Unreadable(error.to_string())))?;
        let mut path = path.to_vec();
        for (value, id) in values {
            self.value(slot, &value, &id, &mut path)?;
        }
        Ok(())
    }

    /// Checks one value stored in `slot`; `path` leads to it.
    fn value(&mut self, slot: Slot, value: &Value, id: &ObjId, path: &mut Vec<String>) -> Result<(), SchemaViolation> {
        match (slot, value) {
            (Slot::SchemaVersion, value) => self.schema_version(value).map_err(|problem| violation(path, problem)),
            (Slot::Collection(collection), Value::Object(ObjType::Map)) => {
                if self.creating {
                    self.walk_map(Place::Collection(collection), id, path)
                } else {
                    Err(violation(path, Problem::CollectionCreated(collection.name)))
                }
            }
            (Slot::Entity(collection), Value::Object(ObjType::Map)) => {
                self.walk_map(Place::Entity(collection), id, path)
            }
            (Slot::Field(field), Value::Scalar(scalar)) => {
                field.rule.check_scalar(scalar).map_err(|problem| violation(path, problem))
            }
            (Slot::Field(field), Value::Object(ObjType::Text)) if field.rule.is_string() => {
                self.text(field.rule, id, path)
            }
            (slot, value) => {
                let problem = Problem::WrongValue { expected: slot.expected(), found: describe(value) };
                Err(violation(path, problem))
            }
        }
    }

    /// Reads a whole map at `place` once: every key and value, then the required fields.
    fn walk_map(&mut self, place: Place, object: &ObjId, path: &mut Vec<String>) -> Result<(), SchemaViolation> {
        if !self.walked.insert(object.clone()) {
            return Ok(());
        }
        let doc = self.doc;
        for item in doc.map_range(object, ..) {
            path.push(item.key.to_string());
            let slot = slot(place, &item.key).map_err(|problem| violation(path, problem))?;
            if item.conflict {
                self.every_value(slot, object, &item.key, path)?;
            } else {
                self.value(slot, &Value::from(item.value.clone()), &item.id(), path)?;
            }
            path.pop();
        }
        if let Place::Entity(Collection { layout: Layout::Entities { what, fields, .. }, .. }) = place {
            for field in fields.iter().filter(|field| field.required) {
                if !matches!(doc.get(object, field.key), Ok(Some(_))) {
                    return Err(violation(path, Problem::Missing { what, field: field.key }));
                }
            }
        }
        Ok(())
    }

    /// Checks the content of a text holding a string field, once per text.
    fn text(&mut self, rule: Rule, text: &ObjId, path: &[String]) -> Result<(), SchemaViolation> {
        if !rule.constrains_text() || !self.texts.insert(text.clone()) {
            return Ok(());
        }
        let content = self.doc.text(text).map_err(|error| violation(path, Problem::Unreadable(error.to_string())))?;
        rule.check_text(&content).map_err(|problem| violation(path, problem))
    }

    fn schema_version(&self, value: &Value) -> Result<(), Problem> {
        let version = match value {
            Value::Scalar(scalar) => match scalar.as_ref() {
                ScalarValue::Uint(version) => Some(*version),
                ScalarValue::Int(version) => u64::try_from(*version).ok(),
                _ => None,
            },
            Value::Object(_) => None,
        };
        let Some(version) = version else {
            return Err(Problem::WrongValue { expected: Slot::SchemaVersion.expected(), found: describe(value) });
        };
        if version > SCHEMA_VERSION {
            return Err(Problem::SchemaVersionTooNew(version));
        }
        if self.creating {
            return Ok(());
        }
        // Read only when an update touches the version, which is rare: reading at old heads
        // costs a walk of the change graph.
        let previous = self
            .doc
            .get_all_at(ROOT, root::SCHEMA_VERSION, self.before)
            .map_err(|error| Problem::Unreadable(error.to_string()))?
            .iter()
            .filter_map(|(value, _)| match value {
                Value::Scalar(scalar) => match scalar.as_ref() {
                    ScalarValue::Uint(version) => Some(*version),
                    ScalarValue::Int(version) => u64::try_from(*version).ok(),
                    _ => None,
                },
                Value::Object(_) => None,
            })
            .max();
        match previous {
            Some(from) if version < from => Err(Problem::SchemaVersionLowered { from, to: version }),
            _ => Ok(()),
        }
    }

    /// A document made from nothing must have every collection its schema version has.
    fn complete(&self) -> Result<(), SchemaViolation> {
        if self.doc.length(ROOT) == 0 {
            return Ok(());
        }
        let version = match self.doc.get(ROOT, root::SCHEMA_VERSION) {
            Ok(Some((Value::Scalar(scalar), _))) => integer(&scalar).unwrap_or(1),
            _ => 1,
        };
        for collection in collections_of(version.max(1) as u64) {
            if !matches!(self.doc.get(ROOT, collection.name), Ok(Some((Value::Object(ObjType::Map), _)))) {
                return Err(violation(&[], Problem::Missing { what: "board", field: collection.name }));
            }
        }
        Ok(())
    }
}

/// The place of the object at the end of `props` (keys from the root), with the keys pushed
/// onto `path`.
fn place_at(props: &[&Prop], path: &mut Vec<String>) -> Result<Place, SchemaViolation> {
    let mut place = Place::Root;
    for prop in props {
        let key = match prop {
            Prop::Map(key) => key,
            Prop::Seq(index) => {
                path.push(index.to_string());
                return Err(violation(path, Problem::NotAllowed("an object inside a list or a text".into())));
            }
        };
        path.push(key.clone());
        place = match slot(place, key).map_err(|problem| violation(path, problem))? {
            Slot::Collection(collection) => Place::Collection(collection),
            Slot::Entity(collection) => Place::Entity(collection),
            Slot::Field(field) if field.rule.is_string() => Place::Text(field.rule),
            other => {
                let problem = Problem::WrongValue { expected: other.expected(), found: "an object".into() };
                return Err(violation(path, problem));
            }
        };
    }
    Ok(place)
}

// ---- every operation -------------------------------------------------------------------------

/// What one operation of a change does, as [`OperationChecker`] reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OperationAction<'a> {
    Make(ObjType),
    Put(&'a ScalarValue),
    Delete,
    Increment,
    /// A formatting mark's start or end.
    Mark,
}

/// One operation of a change: the object it acts on (`_root` or its id, `counter@actor`), the
/// key in a map (`None` for an element of a list or text) and what it does.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation<'a> {
    pub(crate) object: &'a str,
    pub(crate) key: Option<&'a str>,
    pub(crate) action: OperationAction<'a>,
}

/// Checks each operation of a change on its own, whatever became of it.
///
/// The patches show what a change leaves in the board; content a change creates and deletes
/// again (a list, a counter, an entity with unknown fields, a list of 200,000 elements) leaves
/// nothing to see, yet it is stored, synced to every member and kept in the board's history
/// for good. So the gate also reads every operation: each must act on a place of the schema and
/// put there only what the schema allows (the same rules as the patch check, applied to each
/// value written, not only to the one that stays). Rules about the result (required fields,
/// a text's content, the schema version not going down) stay with the patch check.
pub(crate) struct OperationChecker<'a> {
    /// The document with the changes applied (objects created and deleted again are still in
    /// it, which is how their place is found).
    doc: &'a Automerge,
    /// The update starts from nothing: it may create the collections.
    creating: bool,
    /// Objects whose place has been found, by their id.
    places: std::collections::HashMap<String, Found>,
    /// Who sent the changes, when the rules that depend on the sender apply.
    writer: Option<Writer<'a>>,
}

impl<'a> OperationChecker<'a> {
    pub(crate) fn new(doc: &'a Automerge, before: &[ChangeHash], writer: Option<Writer<'a>>) -> OperationChecker<'a> {
        OperationChecker { doc, creating: before.is_empty(), places: std::collections::HashMap::new(), writer }
    }

    pub(crate) fn check(&mut self, operation: Operation<'_>) -> Result<(), SchemaViolation> {
        let Found { place, mut path, id } = self.place_of(operation.object)?;
        if let Some(writer) = self.writer {
            writer.may_write(&path, operation.key).map_err(|problem| {
                let mut path = path.clone();
                path.extend(operation.key.map(str::to_owned));
                violation(&path, problem)
            })?;
        }
        let Some(key) = operation.key else {
            // An element of a sequence: only a text holding a string field has any.
            return match (place, operation.action) {
                (Place::Text(_), OperationAction::Put(ScalarValue::Str(_)))
                | (Place::Text(_), OperationAction::Delete | OperationAction::Mark) => Ok(()),
                (Place::Text(_), action) => {
                    Err(violation(&path, Problem::NotAllowed(format!("{} in a text field", operation_name(action)))))
                }
                _ => Err(violation(&path, Problem::NotAllowed("a list".into()))),
            };
        };
        path.push(key.to_owned());
        if let OperationAction::Delete = operation.action {
            return match deletion(place, key) {
                // Automerge writes a value equal to the one that won a conflict as a deletion
                // of the values that lost (a `del` whose predecessors are the losers; see
                // `OpsFound::resolve_action`): the field keeps the value that won. A required
                // field is removed only if the update leaves it without any value, as the patch
                // check sees it.
                Err(Problem::Removed(_)) if matches!(self.doc.get(&id, key), Ok(Some(_))) => Ok(()),
                result => result.map_err(|problem| violation(&path, problem)),
            };
        }
        let slot = slot(place, key).map_err(|problem| violation(&path, problem))?;
        let problem = match (slot, operation.action) {
            (_, OperationAction::Delete) => None,
            (Slot::Collection(_), OperationAction::Make(ObjType::Map)) if self.creating => None,
            (Slot::Collection(collection), OperationAction::Make(ObjType::Map)) => {
                Some(Problem::CollectionCreated(collection.name))
            }
            (Slot::Entity(_), OperationAction::Make(ObjType::Map)) => None,
            (Slot::Field(field), OperationAction::Make(ObjType::Text)) if field.rule.is_string() => None,
            (Slot::Field(field), OperationAction::Put(scalar)) => field.rule.check_scalar(scalar).err(),
            (Slot::SchemaVersion, OperationAction::Put(scalar)) => match integer(scalar) {
                Some(version) if version > SCHEMA_VERSION as i64 => Some(Problem::SchemaVersionTooNew(version as u64)),
                Some(version) if version >= 0 => None,
                _ => Some(Problem::WrongValue {
                    expected: Slot::SchemaVersion.expected(),
                    found: describe_scalar(scalar),
                }),
            },
            (slot, OperationAction::Make(kind)) => {
                Some(Problem::WrongValue { expected: slot.expected(), found: describe(&Value::Object(kind)) })
            }
            (slot, OperationAction::Put(scalar)) => {
                Some(Problem::WrongValue { expected: slot.expected(), found: describe_scalar(scalar) })
            }
            (_, action @ (OperationAction::Increment | OperationAction::Mark)) => {
                Some(Problem::NotAllowed(operation_name(action).into()))
            }
        };
        match problem {
            Some(problem) => Err(violation(&path, problem)),
            None => Ok(()),
        }
    }

    /// The place of an object, from its path in the document (deleted objects have one too).
    fn place_of(&mut self, object: &str) -> Result<Found, SchemaViolation> {
        if object == "_root" {
            return Ok(Found { place: Place::Root, path: Vec::new(), id: ROOT });
        }
        if let Some(found) = self.places.get(object) {
            return Ok(found.clone());
        }
        let unreadable = |error: automerge::AutomergeError| violation(&[], Problem::Unreadable(error.to_string()));
        let (id, _) = self.doc.import(object).map_err(unreadable)?;
        let parents: Vec<Prop> =
            self.doc.parents(&id).map_err(unreadable)?.path().into_iter().map(|(_, prop)| prop).collect();
        let props: Vec<&Prop> = parents.iter().collect();
        let mut path = Vec::with_capacity(props.len());
        let place = place_at(&props, &mut path)?;
        let found = Found { place, path, id };
        self.places.insert(object.to_owned(), found.clone());
        Ok(found)
    }
}

/// An object an operation acts on: its place in the schema, the keys leading to it, its id.
#[derive(Debug, Clone)]
struct Found {
    place: Place,
    path: Vec<String>,
    id: ObjId,
}

fn operation_name(action: OperationAction<'_>) -> &'static str {
    match action {
        OperationAction::Make(ObjType::Map | ObjType::Table) => "a map",
        OperationAction::Make(ObjType::List) => "a list",
        OperationAction::Make(ObjType::Text) => "a text",
        OperationAction::Put(_) => "a value",
        OperationAction::Delete => "a deletion",
        OperationAction::Increment => "a counter",
        OperationAction::Mark => "formatting marks",
    }
}

/// Whether `key` of `place` may be deleted.
fn deletion(place: Place, key: &str) -> Result<(), Problem> {
    match place {
        Place::Root => match collection(key) {
            Some(collection) => Err(Problem::CollectionDeleted(collection.name)),
            None if key == root::NAME || key == root::SCHEMA_VERSION => Err(Problem::Removed(key.to_owned())),
            // Removing something that does not belong is fine.
            None => Ok(()),
        },
        Place::Collection(_) => Ok(()),
        Place::Entity(Collection { layout: Layout::Entities { fields, .. }, .. }) => {
            match fields.iter().find(|field| field.key == key) {
                Some(field) if field.required => Err(Problem::Removed(key.to_owned())),
                _ => Ok(()),
            }
        }
        Place::Entity(_) | Place::Text(_) => Err(Problem::NotAllowed("a key inside a text".into())),
    }
}

fn action_name(action: &PatchAction) -> &'static str {
    match action {
        PatchAction::PutMap { .. } | PatchAction::DeleteMap { .. } => "a map",
        PatchAction::PutSeq { .. } | PatchAction::Insert { .. } | PatchAction::DeleteSeq { .. } => "a list",
        PatchAction::SpliceText { .. } => "text",
        PatchAction::Increment { .. } => "a counter",
        PatchAction::Conflict { .. } => "a conflict inside a list",
        PatchAction::Mark { .. } => "formatting marks",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_board_is_a_valid_document_and_update() {
        let mut board = super::super::Board::new("Portfolio").unwrap();
        let doc = board.doc_mut().document().clone();
        check_document(&doc).unwrap();
        check_update(&doc, &[]).unwrap();
        assert_eq!(doc.length(ROOT), COLLECTIONS.len() + 2, "every root key is known");
    }

    #[test]
    fn paths_quote_composite_keys() {
        let path = ["allocations".to_owned(), "p/q/2027-W01".to_owned()];
        assert_eq!(render(&path), r#"allocations/"p/q/2027-W01""#);
    }

    #[test]
    fn rules_describe_what_they_expect() {
        let problem = AT_LEAST_0.check_scalar(&ScalarValue::Str("lots".into())).unwrap_err();
        assert_eq!(problem.to_string(), "expected a number of at least 0, found the string `lots`");
        assert!(HOURS.check_scalar(&ScalarValue::F64(f64::NAN)).is_err());
        assert!(HOURS.check_scalar(&ScalarValue::Int(40)).is_ok());
        assert!(Rule::Date.check_text("2027-02-30").is_err());
        assert!(check_key(&[Part::Id("project"), Part::Id("person"), Part::Week], "a/b/2027-W53").is_err());
        assert!(check_key(&[Part::Id("project"), Part::Id("person"), Part::Week], "a/b/2026-W53").is_ok());
    }
}

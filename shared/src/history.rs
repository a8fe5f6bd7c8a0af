//! A board's history in PMO words (历史): what one Automerge change did ("moved Apollo above
//! Zeus", "set Apollo's budget to 250,000"), and the wire types of
//! `GET /api/boards/{id}/history`.
//!
//! [`describe_change`] is pure: it reads each key the change's own operations wrote at the
//! change's dependencies and at the change itself (so exactly what this change did, whatever
//! came after it) and names what it touched at those versions. The write gate describes each
//! change it accepts the same way ([`describe_applied`], on the board it applied the change
//! to), so the server keeps the summary from the commit on. It never trusts the change's
//! message, which the client wrote; who sent a change and when it arrived are the server's to
//! say (`server::history`).

use std::collections::HashSet;

pub use automerge::ChangeHash;
use automerge::{Automerge, ObjId, ObjType, Prop, ReadDoc, ScalarValue, Value, ROOT};
use serde::{Deserialize, Serialize};

use crate::board::schema::*;

/// One change on the history page, as the server serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The Automerge change hash (hex).
    pub hash: String,
    /// The account whose connection delivered the change; `None` for changes the server made
    /// itself (a board's creation before accounts, a schema upgrade).
    pub account_id: Option<String>,
    /// That account's name now; "PMO Board" for the server's own changes.
    pub account_name: String,
    /// When the change says it was made (Unix ms): the author's device clock, possibly days
    /// before it reached the server. `None` when the change carries no time, or one after it
    /// was received (a clock that cannot be right).
    pub made_at_ms: Option<i64>,
    /// When the server received and committed it (Unix ms, the server's clock).
    pub received_at_ms: i64,
    /// What it did, in one line.
    pub summary: String,
    /// Ids of the projects it touched, for filtering.
    pub projects: Vec<String>,
}

/// One page of a board's history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    /// Pass as `?before=` for the next (older) page; `None` on the last page.
    pub next: Option<String>,
}

/// What one change did, in PMO words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSummary {
    /// One line in English (what the API serves): the first few things it did, then "and N
    /// more".
    pub text: String,
    /// Everything it did, each thing once, for the app to word in the reader's language.
    pub phrases: Vec<Phrase>,
    /// Ids of the projects it touched.
    pub projects: Vec<String>,
}

/// How many things a summary names before "and N more".
pub const SHOWN: usize = 3;

/// One thing a change did, as a sentence's key and its values: `moved_above` with `Apollo`
/// and `Zeus`. The app's catalogue (`history` namespace, `phrase_<key>`) words it in the
/// reader's language with the values as `{0}`, `{1}`…; [`Phrase::english`] in English. Keeping
/// the words out of `shared` keeps it language-free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub key: &'static str,
    pub values: Vec<PhraseValue>,
}

/// A value in a [`Phrase`]: a name or figure from the board as it is, or a word of the
/// board's vocabulary (stored as its key) that a language words its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhraseValue {
    Text(String),
    /// A project state as stored (`on-hold`).
    Stage(String),
    /// A lifecycle phase as stored (`monitoring-controlling`).
    Phase(String),
    /// A RAG as stored (`green`).
    Rag(String),
    /// A decision kind as stored (`put-on-hold`).
    DecisionKind(String),
    /// A project field by its key (`actual_cost`).
    ProjectField(String),
    /// A board setting by its key (`budget_envelope`).
    Setting(String),
    /// Whether a project's scope was accepted.
    ScopeAccepted(bool),
    /// A stage-gate checklist item's label as written on the board (a new board's items carry
    /// both languages until someone renames them; see `board::default_gate_item`).
    GateItem(String),
}

impl PhraseValue {
    /// The value in English.
    pub fn english(&self) -> String {
        match self {
            PhraseValue::Text(text) | PhraseValue::GateItem(text) => text.clone(),
            PhraseValue::Stage(key)
            | PhraseValue::Phase(key)
            | PhraseValue::Rag(key)
            | PhraseValue::DecisionKind(key) => key.replace('-', " "),
            PhraseValue::ProjectField(key) => project_field_label(key),
            PhraseValue::Setting(key) => setting_label(key),
            PhraseValue::ScopeAccepted(true) => "accepted".to_owned(),
            PhraseValue::ScopeAccepted(false) => "not accepted".to_owned(),
        }
    }
}

impl Phrase {
    fn new(key: &'static str, values: impl IntoIterator<Item = PhraseValue>) -> Phrase {
        Phrase { key, values: values.into_iter().collect() }
    }

    /// The sentence's English template, with the values as `{0}`, `{1}`….
    pub fn english_template(key: &str) -> &'static str {
        match key {
            "board_created" => "created the board “{0}”",
            "schema_upgraded" => "brought the board up to schema {0}",
            "collections_set_up" => "set up the board's collections",
            "board_renamed" => "renamed the board to “{0}”",
            "nothing_visible" => "changed nothing visible",
            "project_added" => "added project {0}",
            "person_added" => "added {0} to the people",
            "risk_added" => "added risk “{0}” to {1}",
            "milestone_added" => "added milestone “{0}” to {1}",
            "lesson_recorded" => "recorded lesson “{0}”",
            "decision_recorded_on" => "recorded a decision: {0} {1}",
            "decision_recorded" => "recorded a decision: {0}",
            "objective_added" => "added objective {0}",
            "criterion_added" => "added criterion {0}",
            "gate_item_added" => "added gate item “{0}”",
            "baseline_taken" => "took baseline “{0}”",
            "other_added" => "added {0} to {1}",
            "project_deleted" => "deleted project {0}",
            "person_removed" => "removed {0} from the people",
            "risk_deleted" => "deleted risk “{0}”",
            "milestone_deleted" => "deleted milestone “{0}”",
            "lesson_deleted" => "deleted lesson “{0}”",
            "decision_deleted" => "deleted decision “{0}”",
            "objective_deleted" => "deleted objective {0}",
            "criterion_deleted" => "deleted criterion {0}",
            "gate_item_removed" => "removed gate item “{0}”",
            "baseline_deleted" => "deleted baseline “{0}”",
            "booking_cleared" => "cleared {0}'s booking in {1} on {2}",
            "time_off_cleared" => "cleared {0}'s time off in {1}",
            "skill_removed" => "removed skill {0} from {1}",
            "score_cleared" => "cleared {0}'s score on {1}",
            "contribution_cleared" => "cleared {0}'s contribution to {1}",
            "dependency_removed" => "{0} no longer depends on {1}",
            "gate_unticked" => "unticked “{0}” ({1}) for {2}",
            "tag_removed" => "removed tag {0} from lesson “{1}”",
            "setting_cleared" => "cleared the {0}",
            "other_removed" => "removed {0} from {1}",
            "ahp_cleared" => "cleared the AHP comparison of {0} with {1}",
            "booked" => "booked {0} {1} h in {2} on {3}",
            "time_off_set" => "set {0}'s time off in {1} to {2} h",
            "skill_given" => "gave {0} the skill {1}",
            "scored" => "scored {0} {1} on {2}",
            "contribution_set" => "set {0}'s contribution to {1} to {2}",
            "dependency_added" => "made {0} depend on {1}",
            "gate_ticked" => "ticked “{0}” ({1}) for {2}",
            "tagged" => "tagged lesson “{0}” {1}",
            "setting_set" => "set the {0} to {1}",
            "other_set" => "set {0} in {1} to {2}",
            "ahp_compared" => "compared {0} with {1} in AHP: {2}",
            "project_renamed" => "renamed project {0} to {1}",
            "project_field_cleared" => "cleared {0}'s {1}",
            "project_field_set" => "set {0}'s {1} to {2}",
            "person_renamed" => "renamed {0} to {1}",
            "capacity_set" => "set {0}'s capacity to {1} h a week",
            "person_field_set" => "set {0}'s {1} to {2}",
            "milestone_done" => "marked milestone “{0}” done on {1}",
            "milestone_not_done" => "marked milestone “{0}” not done",
            "milestone_forecast" => "forecast milestone “{0}” on {1}",
            "milestone_forecast_cleared" => "cleared the forecast of milestone “{0}”",
            "risk_edited" => "edited risk “{0}”",
            "milestone_edited" => "edited milestone “{0}”",
            "lesson_edited" => "edited lesson “{0}”",
            "decision_edited" => "edited decision “{0}”",
            "objective_edited" => "edited objective {0}",
            "criterion_edited" => "edited criterion {0}",
            "gate_item_edited" => "edited gate item “{0}”",
            "other_edited" => "edited {0} in {1}",
            "moved" => "moved {0}",
            "moved_above" => "moved {0} above {1}",
            "moved_below" => "moved {0} below {1}",
            _ => "{0}",
        }
    }

    /// The thing done, in English.
    pub fn english(&self) -> String {
        fill_numbered(
            Self::english_template(self.key),
            &self.values.iter().map(PhraseValue::english).collect::<Vec<_>>(),
        )
    }
}

/// `template` with each `{n}` replaced by `values[n]` (in one pass: a value that holds `{1}`
/// stays as it is); a `{n}` with no value stays.
pub fn fill_numbered(template: &str, values: &[String]) -> String {
    let mut filled = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        filled.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            after[..close].parse::<usize>().ok().and_then(|index| values.get(index)).map(|value| (close, value))
        });
        match value {
            Some((close, value)) => {
                filled.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                filled.push('{');
                rest = after;
            }
        }
    }
    filled.push_str(rest);
    filled
}

/// What the change `hash` of `doc` did, in PMO words; `None` if `doc` does not hold it.
///
/// It costs what the change touched, not what the board holds: the keys the change's own
/// operations wrote are read at its dependencies and at the change ([`touches`]), where a
/// whole-document `diff` would walk every operation of the board (about a second per change on
/// a 1,000-project board with a long history).
pub fn describe_change(doc: &Automerge, hash: &ChangeHash) -> Option<ChangeSummary> {
    let change = doc.get_change_by_hash(hash)?;
    Some(describe_applied(doc, &change))
}

/// What `change` did, read from `doc`, which holds it: [`describe_change`] for a caller that
/// has the change in hand, as the write gate has each change it accepts together with the
/// board it was applied to (`gate::check_sync_from`), so the server keeps the summary with
/// the change when it commits it, and Automerge need not rebuild the change from the
/// document's operations to find it again.
pub fn describe_applied(doc: &Automerge, change: &automerge::Change) -> ChangeSummary {
    let before: Vec<ChangeHash> = change.deps().to_vec();
    let after = vec![change.hash()];
    let touched = touches(doc, change, &before, &after);
    let reader = Reader { doc, before: &before, after: &after };
    let mut out = Lines::default();
    let mut added: HashSet<(String, String)> = HashSet::new();
    let mut edited: HashSet<(String, String)> = HashSet::new();
    let mut moved: Vec<String> = Vec::new();
    let mut created: HashSet<String> = HashSet::new();
    let mut schema = None;
    let mut board_name = None;
    for (path, touch) in &touched {
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        if path.first().is_some_and(|collection| created.contains(*collection)) {
            // What a new collection starts with is part of making the board.
            continue;
        }
        match (path.as_slice(), touch) {
            ([], Touch::Put { key, value }) => match (key.as_str(), value) {
                (_, Value::Object(_)) if key != root::NAME => {
                    created.insert(key.clone());
                }
                (root::SCHEMA_VERSION, Value::Scalar(number)) => schema = scalar_number(number),
                (root::NAME, _) => board_name = reader.string_at(&ROOT, root::NAME, reader.after),
                _ => {}
            },
            ([collection], Touch::Put { key, value }) => {
                if matches!(value, Value::Object(_)) && !is_flat(collection) {
                    added.insert((collection.to_string(), key.clone()));
                    out.push(reader.added(collection, key));
                } else if *collection == GATE_TICKS {
                    added.insert((collection.to_string(), key.clone()));
                    out.push(reader.flat_set(collection, key, value));
                } else {
                    out.push(reader.flat_set(collection, key, value));
                }
            }
            ([collection], Touch::Delete { key }) => out.push(reader.removed(collection, key)),
            ([collection, id, ..], action) => {
                let entity = (collection.to_string(), id.to_string());
                if added.contains(&entity) {
                    continue;
                }
                let field = match (path.get(2), action) {
                    (Some(field), _) => field.to_string(),
                    (None, Touch::Put { key, .. } | Touch::Delete { key }) => key.clone(),
                    (None, Touch::Other) => continue,
                };
                if *collection == PROJECTS && field == project::POSITION {
                    if !moved.iter().any(|m| m == id) {
                        moved.push(id.to_string());
                    }
                    continue;
                }
                if *collection == PROJECTS {
                    let cleared = matches!(action, Touch::Delete { .. });
                    if edited.insert((id.to_string(), field.clone())) {
                        out.push(reader.project_field(id, &field, cleared));
                    }
                } else if edited.insert(entity) {
                    out.push(reader.edited(collection, id, &field));
                }
            }
            _ => {}
        }
    }
    if !moved.is_empty() {
        out.lines.insert(0, reader.moved(&moved));
    }
    if !created.is_empty() {
        let line = match (&board_name, schema) {
            (Some(name), _) => Line::plain(say("board_created", [t(name.clone())])),
            (None, Some(version)) => Line::plain(say("schema_upgraded", [t(version.to_string())])),
            (None, None) => Line::plain(say("collections_set_up", [])),
        };
        out.lines.insert(0, line);
    } else if let Some(name) = board_name {
        out.lines.insert(0, Line::plain(say("board_renamed", [t(name)])));
    }
    out.finish()
}

/// What a change did to one key of one object, as Automerge's `diff` from the change's
/// dependencies to the change reports it.
enum Touch<'a> {
    /// The key's value after the change, where another (or none) was before.
    Put { key: String, value: Value<'a> },
    /// The key had a value before the change and has none after it.
    Delete { key: String },
    /// Something changed inside a text or a list, or a counter moved.
    Other,
}

/// What `change` did, found from its own operations: each key it wrote, read at `before` (its
/// dependencies) and `after` (the change), with the path of the object that holds the key,
/// in the order `diff` reports them (by object, then by key). A key whose value did not change
/// (a value written and written over in the same change) is left out, as `diff` leaves it.
fn touches<'a>(
    doc: &'a Automerge,
    change: &automerge::Change,
    before: &[ChangeHash],
    after: &[ChangeHash],
) -> Vec<(Vec<String>, Touch<'a>)> {
    use automerge::legacy::{Key, ObjectId, OpType};
    use std::collections::{BTreeMap, HashMap};

    let expanded = change.decode();
    // Each object the change wrote to, by its id as text ("_root", "12@ab12…").
    let mut objects: HashMap<String, Option<ObjId>> = HashMap::new();
    // (object, key) → whether the key was only incremented; "" for a text or list position.
    let mut written: BTreeMap<(ObjId, String), bool> = BTreeMap::new();
    for op in &expanded.operations {
        let text = match &op.obj {
            ObjectId::Root => "_root".to_owned(),
            ObjectId::Id(id) => format!("{}@{}", id.counter(), id.actor().to_hex_string()),
        };
        let Some(object) = objects.entry(text).or_insert_with_key(|text| doc.import_obj(text).ok()).clone() else {
            continue;
        };
        let key = match &op.key {
            Key::Map(key) => key.to_string(),
            Key::Seq(_) => String::new(),
        };
        let increment = matches!(op.action, OpType::Increment(_));
        written.entry((object, key)).and_modify(|only| *only &= increment).or_insert(increment);
    }
    let mut paths: HashMap<ObjId, Vec<String>> = HashMap::new();
    let mut touched = Vec::new();
    for ((object, key), only_incremented) in written {
        let touch = if key.is_empty() || only_incremented {
            Touch::Other
        } else {
            let was = doc.get_at(&object, key.as_str(), before).ok().flatten();
            let is = doc.get_at(&object, key.as_str(), after).ok().flatten();
            match (was, is) {
                (Some((_, was)), Some((_, is))) if was == is => continue,
                (_, Some((value, _))) => Touch::Put { key, value },
                (Some(_), None) => Touch::Delete { key },
                (None, None) => continue,
            }
        };
        let path = paths
            .entry(object.clone())
            .or_insert_with(|| match doc.parents(&object) {
                Ok(parents) => parents.path().iter().map(|(_, prop)| prop_text(prop)).collect(),
                Err(_) => Vec::new(),
            })
            .clone();
        touched.push((path, touch));
    }
    touched
}

/// A described part of a change.
#[derive(Debug, Clone)]
struct Line {
    phrase: Phrase,
    projects: Vec<String>,
}

impl Line {
    fn plain(phrase: Phrase) -> Line {
        Line { phrase, projects: Vec::new() }
    }

    fn on(phrase: Phrase, project: Option<&str>) -> Line {
        Line { phrase, projects: project.map(str::to_owned).into_iter().collect() }
    }
}

/// A name or figure, as it is.
fn t(text: impl Into<String>) -> PhraseValue {
    PhraseValue::Text(text.into())
}

fn say<const N: usize>(key: &'static str, values: [PhraseValue; N]) -> Phrase {
    Phrase::new(key, values)
}

#[derive(Default)]
struct Lines {
    lines: Vec<Line>,
}

impl Lines {
    fn push(&mut self, line: Option<Line>) {
        if let Some(line) = line {
            self.lines.push(line);
        }
    }

    fn finish(self) -> ChangeSummary {
        let mut projects: Vec<String> = Vec::new();
        for line in &self.lines {
            for project in &line.projects {
                if !projects.contains(project) {
                    projects.push(project.clone());
                }
            }
        }
        let mut phrases: Vec<Phrase> = Vec::new();
        for line in self.lines {
            if !phrases.contains(&line.phrase) {
                phrases.push(line.phrase);
            }
        }
        if phrases.is_empty() {
            phrases.push(say("nothing_visible", []));
        }
        let texts: Vec<String> = phrases.iter().map(Phrase::english).collect();
        let text = match texts.len() {
            n if n <= SHOWN => texts.join("; "),
            n => format!("{} and {} more", texts[..SHOWN].join("; "), n - SHOWN),
        };
        ChangeSummary { text, phrases, projects }
    }
}

/// Collections whose entries are plain values under composite keys.
fn is_flat(collection: &str) -> bool {
    matches!(
        collection,
        ALLOCATIONS
            | TIME_OFF
            | SKILLS
            | SCORES
            | CONTRIBUTIONS
            | DEPENDENCIES
            | GATE_TICKS
            | LESSON_TAGS
            | SETTINGS
            | AHP_JUDGMENTS
    )
}

fn prop_text(prop: &Prop) -> String {
    match prop {
        Prop::Map(key) => key.clone(),
        Prop::Seq(index) => index.to_string(),
    }
}

fn scalar_number(value: &ScalarValue) -> Option<f64> {
    match value {
        ScalarValue::F64(number) => Some(*number),
        ScalarValue::Int(number) => Some(*number as f64),
        ScalarValue::Uint(number) => Some(*number as f64),
        _ => None,
    }
}

/// A number as a PMO writes it: thousands separated, at most two decimals.
pub fn format_number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let whole = rounded.abs().trunc() as u64;
    let cents = ((rounded.abs() - rounded.abs().trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let fraction = match cents {
        0 => String::new(),
        c if c % 10 == 0 => format!(".{}", c / 10),
        c => format!(".{c:02}"),
    };
    format!("{}{grouped}{fraction}", if negative { "-" } else { "" })
}

/// Reads the board at the versions before and after the change.
struct Reader<'a> {
    doc: &'a Automerge,
    before: &'a [ChangeHash],
    after: &'a [ChangeHash],
}

impl Reader<'_> {
    fn collection(&self, name: &str, heads: &[ChangeHash]) -> Option<ObjId> {
        match self.doc.get_at(ROOT, name, heads).ok()?? {
            (Value::Object(ObjType::Map), id) => Some(id),
            _ => None,
        }
    }

    fn entity(&self, collection: &str, id: &str, heads: &[ChangeHash]) -> Option<ObjId> {
        let map = self.collection(collection, heads)?;
        match self.doc.get_at(&map, id, heads).ok()?? {
            (Value::Object(ObjType::Map), object) => Some(object),
            _ => None,
        }
    }

    fn string_at(&self, object: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<String> {
        match self.doc.get_at(object, key, heads).ok()?? {
            (Value::Scalar(scalar), _) => match scalar.as_ref() {
                ScalarValue::Str(text) => Some(text.to_string()),
                _ => None,
            },
            (Value::Object(ObjType::Text), text) => self.doc.text_at(&text, heads).ok(),
            _ => None,
        }
    }

    /// A field's value at `heads`, as text.
    fn value_at(&self, object: &ObjId, key: &str, heads: &[ChangeHash]) -> Option<String> {
        match self.doc.get_at(object, key, heads).ok()?? {
            (Value::Scalar(scalar), _) => Some(scalar_text(scalar.as_ref())),
            (Value::Object(ObjType::Text), text) => self.doc.text_at(&text, heads).ok(),
            _ => None,
        }
    }

    /// An entity's name (or title) after the change, or before it if it is gone; its id if it
    /// has neither.
    fn name(&self, collection: &str, id: &str) -> String {
        for heads in [self.after, self.before] {
            if let Some(object) = self.entity(collection, id, heads) {
                // Most entities have a name; risks and lessons a title, checklist items a label.
                for key in [project::NAME, risk::TITLE, gate_item::LABEL] {
                    if let Some(name) = self.string_at(&object, key, heads).filter(|name| !name.is_empty()) {
                        return name;
                    }
                }
            }
        }
        id.to_owned()
    }

    /// The project an entity of a register belongs to.
    fn project_of(&self, collection: &str, id: &str) -> Option<String> {
        let field = match collection {
            RISKS => risk::PROJECT,
            MILESTONES => milestone::PROJECT,
            LESSONS => lesson::PROJECT,
            DECISIONS => decision::PROJECT,
            _ => return None,
        };
        for heads in [self.after, self.before] {
            if let Some(object) = self.entity(collection, id, heads) {
                return self.string_at(&object, field, heads);
            }
        }
        None
    }

    fn project(&self, id: &str) -> String {
        self.name(PROJECTS, id)
    }

    fn person(&self, id: &str) -> String {
        self.name(PEOPLE, id)
    }

    fn added(&self, collection: &str, id: &str) -> Option<Line> {
        let name = self.name(collection, id);
        let project = self.project_of(collection, id);
        let on = |phrase: Phrase| Line::on(phrase, project.as_deref());
        Some(match collection {
            PROJECTS => Line::on(say("project_added", [t(name)]), Some(id)),
            PEOPLE => Line::plain(say("person_added", [t(name)])),
            RISKS => on(say("risk_added", [t(name), t(self.project(project.as_deref()?))])),
            MILESTONES => on(say("milestone_added", [t(name), t(self.project(project.as_deref()?))])),
            LESSONS => on(say("lesson_recorded", [t(name)])),
            DECISIONS => {
                let object = self.entity(collection, id, self.after)?;
                let kind =
                    PhraseValue::DecisionKind(self.string_at(&object, decision::KIND, self.after).unwrap_or_default());
                match &project {
                    Some(project) => on(say("decision_recorded_on", [kind, t(self.project(project))])),
                    None => on(say("decision_recorded", [kind])),
                }
            }
            OBJECTIVES => Line::plain(say("objective_added", [t(name)])),
            CRITERIA => Line::plain(say("criterion_added", [t(name)])),
            GATE_TEMPLATE => Line::plain(say("gate_item_added", [t(name)])),
            BASELINES => Line::plain(say("baseline_taken", [t(name)])),
            _ => Line::plain(say("other_added", [t(name), t(collection)])),
        })
    }

    fn removed(&self, collection: &str, key: &str) -> Option<Line> {
        let parts: Vec<&str> = key.split('/').collect();
        Some(match (collection, parts.as_slice()) {
            (PROJECTS, _) => Line::on(say("project_deleted", [t(self.project(key))]), Some(key)),
            (PEOPLE, _) => Line::plain(say("person_removed", [t(self.person(key))])),
            (RISKS | MILESTONES | LESSONS | DECISIONS, _) => {
                let phrase = match collection {
                    RISKS => "risk_deleted",
                    MILESTONES => "milestone_deleted",
                    LESSONS => "lesson_deleted",
                    _ => "decision_deleted",
                };
                Line::on(say(phrase, [t(self.name(collection, key))]), self.project_of(collection, key).as_deref())
            }
            (OBJECTIVES, _) => Line::plain(say("objective_deleted", [t(self.name(collection, key))])),
            (CRITERIA, _) => Line::plain(say("criterion_deleted", [t(self.name(collection, key))])),
            (GATE_TEMPLATE, _) => Line::plain(say("gate_item_removed", [t(self.name(collection, key))])),
            (BASELINES, _) => Line::plain(say("baseline_deleted", [t(self.name(collection, key))])),
            (ALLOCATIONS, [project, person, week]) => Line::on(
                say("booking_cleared", [t(self.person(person)), t(*week), t(self.project(project))]),
                Some(project),
            ),
            (TIME_OFF, [person, week]) => Line::plain(say("time_off_cleared", [t(self.person(person)), t(*week)])),
            (SKILLS, [person, skill]) => Line::plain(say("skill_removed", [t(*skill), t(self.person(person))])),
            (SCORES, [project, criterion]) => Line::on(
                say("score_cleared", [t(self.project(project)), t(self.name(CRITERIA, criterion))]),
                Some(project),
            ),
            (CONTRIBUTIONS, [project, objective]) => Line::on(
                say("contribution_cleared", [t(self.project(project)), t(self.name(OBJECTIVES, objective))]),
                Some(project),
            ),
            (DEPENDENCIES, [project, on]) => {
                Line::on(say("dependency_removed", [t(self.project(project)), t(self.project(on))]), Some(project))
            }
            (GATE_TICKS, [project, phase, item]) => Line::on(
                say(
                    "gate_unticked",
                    [
                        PhraseValue::GateItem(self.gate_item(phase, item)),
                        PhraseValue::Phase((*phase).to_owned()),
                        t(self.project(project)),
                    ],
                ),
                Some(project),
            ),
            (LESSON_TAGS, [lesson, tag]) => Line::plain(say("tag_removed", [t(*tag), t(self.name(LESSONS, lesson))])),
            (SETTINGS, _) => Line::plain(say("setting_cleared", [PhraseValue::Setting(key.to_owned())])),
            (AHP_JUDGMENTS, [_, first, second]) => {
                Line::plain(say("ahp_cleared", [t(self.name(CRITERIA, first)), t(self.name(CRITERIA, second))]))
            }
            _ => Line::plain(say("other_removed", [t(key), t(collection)])),
        })
    }

    fn gate_item(&self, phase: &str, item: &str) -> String {
        self.name(GATE_TEMPLATE, &format!("{phase}/{item}")).rsplit('/').next().unwrap_or(item).to_owned()
    }

    /// A value set in a flat table (or the settings).
    fn flat_set(&self, collection: &str, key: &str, value: &Value<'_>) -> Option<Line> {
        let parts: Vec<&str> = key.split('/').collect();
        let number = match value {
            Value::Scalar(scalar) => scalar_number(scalar),
            _ => None,
        };
        let shown = match value {
            Value::Scalar(scalar) => scalar_text(scalar.as_ref()),
            Value::Object(_) => String::new(),
        };
        let n = || number.map(format_number).unwrap_or_else(|| shown.clone());
        Some(match (collection, parts.as_slice()) {
            (ALLOCATIONS, [project, person, week]) => Line::on(
                say("booked", [t(self.person(person)), t(n()), t(*week), t(self.project(project))]),
                Some(project),
            ),
            (TIME_OFF, [person, week]) => Line::plain(say("time_off_set", [t(self.person(person)), t(*week), t(n())])),
            (SKILLS, [person, skill]) => Line::plain(say("skill_given", [t(self.person(person)), t(*skill)])),
            (SCORES, [project, criterion]) => Line::on(
                say("scored", [t(self.project(project)), t(n()), t(self.name(CRITERIA, criterion))]),
                Some(project),
            ),
            (CONTRIBUTIONS, [project, objective]) => Line::on(
                say("contribution_set", [t(self.project(project)), t(self.name(OBJECTIVES, objective)), t(n())]),
                Some(project),
            ),
            (DEPENDENCIES, [project, on]) => {
                Line::on(say("dependency_added", [t(self.project(project)), t(self.project(on))]), Some(project))
            }
            (GATE_TICKS, [project, phase, item]) => Line::on(
                say(
                    "gate_ticked",
                    [
                        PhraseValue::GateItem(self.gate_item(phase, item)),
                        PhraseValue::Phase((*phase).to_owned()),
                        t(self.project(project)),
                    ],
                ),
                Some(project),
            ),
            (LESSON_TAGS, [lesson, tag]) => Line::plain(say("tagged", [t(self.name(LESSONS, lesson)), t(*tag)])),
            (SETTINGS, _) => Line::plain(say("setting_set", [PhraseValue::Setting(key.to_owned()), t(n())])),
            // "3" or "1/3": how many times more important the first is, as Saaty writes it.
            (AHP_JUDGMENTS, [_, first, second]) => {
                let judgment = match number {
                    Some(value) if value > 0.0 && value < 1.0 => format!("1/{}", format_number((1.0 / value).round())),
                    _ => n(),
                };
                Line::plain(say(
                    "ahp_compared",
                    [t(self.name(CRITERIA, first)), t(self.name(CRITERIA, second)), t(judgment)],
                ))
            }
            _ => Line::plain(say("other_set", [t(key), t(collection), t(shown.clone())])),
        })
    }

    /// A field of an existing project set (or cleared).
    fn project_field(&self, id: &str, field: &str, cleared: bool) -> Option<Line> {
        let name = self.project(id);
        let label = PhraseValue::ProjectField(field.to_owned());
        let phrase = if field == project::NAME {
            let old = self
                .entity(PROJECTS, id, self.before)
                .and_then(|object| self.string_at(&object, project::NAME, self.before))
                .unwrap_or_else(|| id.to_owned());
            say("project_renamed", [t(old), t(name)])
        } else if cleared {
            say("project_field_cleared", [t(name), label])
        } else {
            let object = self.entity(PROJECTS, id, self.after)?;
            let value = self.value_at(&object, field, self.after).unwrap_or_default();
            let value = match field {
                project::BUDGET | project::ACTUAL_COST | project::PLANNED_VALUE | project::EARNED_VALUE => {
                    t(value.parse::<f64>().map(format_number).unwrap_or(value))
                }
                project::PERCENT_COMPLETE => t(format!("{value}%")),
                project::SCOPE_ACCEPTED => PhraseValue::ScopeAccepted(value == "yes"),
                project::STAGE => PhraseValue::Stage(value),
                project::PHASE => PhraseValue::Phase(value),
                project::MANUAL_RAG => PhraseValue::Rag(value),
                _ => t(value.replace('-', " ")),
            };
            say("project_field_set", [t(name), label, value])
        };
        Some(Line::on(phrase, Some(id)))
    }

    /// Some field of a register entry, a person, an objective… changed.
    fn edited(&self, collection: &str, id: &str, field: &str) -> Option<Line> {
        let name = self.name(collection, id);
        Some(match collection {
            PEOPLE => {
                let object = self.entity(PEOPLE, id, self.after)?;
                let value = self.value_at(&object, field, self.after).unwrap_or_default();
                match field {
                    person::NAME => {
                        let old = self
                            .entity(PEOPLE, id, self.before)
                            .and_then(|object| self.string_at(&object, person::NAME, self.before))
                            .unwrap_or_else(|| id.to_owned());
                        Line::plain(say("person_renamed", [t(old), t(name)]))
                    }
                    person::CAPACITY_HOURS_PER_WEEK => Line::plain(say(
                        "capacity_set",
                        [t(name), t(value.parse::<f64>().map(format_number).unwrap_or(value))],
                    )),
                    _ => Line::plain(say("person_field_set", [t(name), t(field.replace('_', " ")), t(value)])),
                }
            }
            MILESTONES if field == milestone::DONE_ON => {
                let object = self.entity(MILESTONES, id, self.after)?;
                let project = self.project_of(MILESTONES, id);
                match self.value_at(&object, field, self.after) {
                    Some(day) => Line::on(say("milestone_done", [t(name), t(day)]), project.as_deref()),
                    None => Line::on(say("milestone_not_done", [t(name)]), project.as_deref()),
                }
            }
            MILESTONES if field == milestone::FORECAST => {
                let object = self.entity(MILESTONES, id, self.after)?;
                let project = self.project_of(MILESTONES, id);
                match self.value_at(&object, field, self.after) {
                    Some(day) => Line::on(say("milestone_forecast", [t(name), t(day)]), project.as_deref()),
                    None => Line::on(say("milestone_forecast_cleared", [t(name)]), project.as_deref()),
                }
            }
            RISKS | MILESTONES | LESSONS | DECISIONS => {
                let phrase = match collection {
                    RISKS => "risk_edited",
                    MILESTONES => "milestone_edited",
                    LESSONS => "lesson_edited",
                    _ => "decision_edited",
                };
                Line::on(say(phrase, [t(name)]), self.project_of(collection, id).as_deref())
            }
            OBJECTIVES => Line::plain(say("objective_edited", [t(name)])),
            CRITERIA => Line::plain(say("criterion_edited", [t(name)])),
            GATE_TEMPLATE => Line::plain(say("gate_item_edited", [t(name)])),
            _ => Line::plain(say("other_edited", [t(name), t(collection)])),
        })
    }

    /// Projects in priority order at `heads`: (id, position), sorted by position then id.
    fn ranking(&self, heads: &[ChangeHash]) -> Vec<String> {
        use automerge::{iter::DocItem, ScalarValueRef, ValueRef};
        use std::collections::HashMap;

        let Some(map) = self.collection(PROJECTS, heads) else { return Vec::new() };
        // One walk over the projects at `heads`: a lookup of each project's position costs
        // several times more (about 30 ms for 1,000 projects).
        let mut ids: Vec<(ObjId, String)> = Vec::new();
        let mut positions: HashMap<ObjId, String> = HashMap::new();
        for item in self.doc.iter_at(&map, Some(heads)) {
            let DocItem::Map(entry) = &item.item else { continue };
            if *item.obj == map {
                ids.push((entry.id(), entry.key.to_string()));
            } else if entry.key == project::POSITION {
                if let ValueRef::Scalar(ScalarValueRef::Str(position)) = &entry.value {
                    positions.insert((*item.obj).clone(), position.to_string());
                }
            }
        }
        let mut list: Vec<(String, String)> =
            ids.into_iter().map(|(object, id)| (positions.remove(&object).unwrap_or_default(), id)).collect();
        list.sort();
        list.into_iter().map(|(_, id)| id).collect()
    }

    /// "moved A above B": of the projects whose position changed, the one that travelled
    /// furthest, placed by its new neighbour.
    fn moved(&self, candidates: &[String]) -> Line {
        let new = self.ranking(self.after);
        let index = |list: &[String], id: &str| list.iter().position(|other| other == id);
        let moved = if let [id] = candidates {
            // One project moved (as a drag does): it travelled furthest whatever its old place,
            // so the ranking before the change is not needed, only that it was there.
            self.entity(PROJECTS, id, self.before).and(index(&new, id)).map(|to| (id.clone(), to))
        } else {
            let old = self.ranking(self.before);
            candidates
                .iter()
                .filter_map(|id| Some((id, index(&old, id)?, index(&new, id)?)))
                .max_by_key(|(_, from, to)| from.abs_diff(*to))
                .map(|(id, _, to)| (id.clone(), to))
        };
        let Some((id, to)) = moved else {
            return Line::on(say("moved", [t(self.project(&candidates[0]))]), Some(&candidates[0]));
        };
        let name = self.project(&id);
        let phrase = match (new.get(to + 1), to.checked_sub(1).and_then(|i| new.get(i))) {
            (Some(next), _) => say("moved_above", [t(name), t(self.project(next))]),
            (None, Some(previous)) => say("moved_below", [t(name), t(self.project(previous))]),
            (None, None) => say("moved", [t(name)]),
        };
        Line::on(phrase, Some(&id))
    }
}

fn scalar_text(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Str(text) => text.to_string(),
        ScalarValue::F64(number) => format_number(*number),
        ScalarValue::Int(number) => number.to_string(),
        ScalarValue::Uint(number) => number.to_string(),
        ScalarValue::Boolean(true) => "yes".to_owned(),
        ScalarValue::Boolean(false) => "no".to_owned(),
        ScalarValue::Null => "nothing".to_owned(),
        other => other.to_string(),
    }
}

fn project_field_label(field: &str) -> String {
    match field {
        project::START => "start date".to_owned(),
        project::END => "end date".to_owned(),
        project::ACTUAL_FINISH => "actual finish".to_owned(),
        project::MANUAL_RAG => "RAG".to_owned(),
        project::RAG_NOTE => "RAG note".to_owned(),
        project::PERCENT_COMPLETE => "% complete".to_owned(),
        project::SCOPE_ACCEPTED => "scope".to_owned(),
        other => other.replace('_', " "),
    }
}

fn setting_label(key: &str) -> String {
    match key {
        setting::BUDGET_ENVELOPE => "budget envelope".to_owned(),
        setting::OPERATING_MODEL => "operating model".to_owned(),
        other => other.replace('_', " "),
    }
}

pub mod compare;
pub mod point;
mod undo;
pub use undo::UndoOutcome;
#[cfg(test)]
mod tests;

impl crate::Board {
    /// What the change `hash` of this board did (see [`describe_change`]).
    pub fn describe_change(&mut self, hash: &ChangeHash) -> Option<ChangeSummary> {
        describe_change(self.automerge(), hash)
    }
}

/// A change whose own time is this much before its arrival was made offline (or on a slow
/// link): both times are worth showing.
pub const OFFLINE_AFTER_MS: i64 = 60_000;

impl HistoryEntry {
    /// When the change was made, if that was noticeably before the server received it.
    pub fn made_offline_at(&self) -> Option<i64> {
        self.made_at_ms.filter(|made| self.received_at_ms - made > OFFLINE_AFTER_MS)
    }
}

/// Consecutive edits by one member, newest first, as the history page groups them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditSession {
    pub account_id: Option<String>,
    pub account_name: String,
    /// Received times of its oldest and newest change.
    pub from_ms: i64,
    pub to_ms: i64,
    pub entries: Vec<HistoryEntry>,
}

/// Two edits by one member further apart than this start a new session.
pub const SESSION_GAP_MS: i64 = 30 * 60 * 1000;

/// Groups `entries` (newest first) into sessions: runs of changes by the same account, each
/// received within [`SESSION_GAP_MS`] of the one before it.
pub fn group_sessions(entries: &[HistoryEntry]) -> Vec<EditSession> {
    let mut sessions: Vec<EditSession> = Vec::new();
    for entry in entries {
        match sessions.last_mut() {
            Some(session)
                if session.account_id == entry.account_id
                    && session.from_ms - entry.received_at_ms <= SESSION_GAP_MS =>
            {
                session.from_ms = entry.received_at_ms;
                session.entries.push(entry.clone());
            }
            _ => sessions.push(EditSession {
                account_id: entry.account_id.clone(),
                account_name: entry.account_name.clone(),
                from_ms: entry.received_at_ms,
                to_ms: entry.received_at_ms,
                entries: vec![entry.clone()],
            }),
        }
    }
    sessions
}

/// The entries by `account` (`Some(None)`: the server's own) that touched `project`; `None`
/// filters nothing.
pub fn filter_entries(
    entries: &[HistoryEntry],
    account: Option<Option<&str>>,
    project: Option<&str>,
) -> Vec<HistoryEntry> {
    entries
        .iter()
        .filter(|entry| account.is_none_or(|account| entry.account_id.as_deref() == account))
        .filter(|entry| project.is_none_or(|project| entry.projects.iter().any(|p| p == project)))
        .cloned()
        .collect()
}

/// A change as this device knows it: without the server, nobody can say which account sent
/// it, only the Automerge actor (a device's random id) and the time the device stamped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalChange {
    pub hash: String,
    /// The actor id (hex): one per device and board, not a person.
    pub actor: String,
    /// The change's own time (Unix ms), if it carries one.
    pub made_at_ms: Option<i64>,
    pub summary: ChangeSummary,
}

impl crate::Board {
    /// The `limit` most recent changes of this replica, newest first (in the order this
    /// replica applied them), described from the document alone.
    ///
    /// Only the changes it lists are rebuilt from the document's operations: the order comes
    /// from the changes' metadata (`get_changes_meta`, in the order `get_changes` gives them,
    /// which is the order they were applied in), and each listed change is read by its hash.
    /// `get_changes(&[])` would rebuild every change of the board to keep the last 50 (about
    /// 250 ms on the 1,000-project board with 10,000 changes of history).
    pub fn recent_changes(&mut self, limit: usize) -> Vec<LocalChange> {
        let doc = self.automerge();
        let newest: Vec<ChangeHash> =
            doc.get_changes_meta(&[]).iter().rev().take(limit).map(|meta| meta.hash).collect();
        newest
            .into_iter()
            .filter_map(|hash| {
                let change = doc.get_change_by_hash(&hash)?;
                let time = change.timestamp();
                Some(LocalChange {
                    hash: hash.to_string(),
                    actor: change.actor_id().to_hex_string(),
                    made_at_ms: (time > 0).then(|| time.saturating_mul(1000)),
                    summary: describe_applied(doc, &change),
                })
            })
            .collect()
    }
}

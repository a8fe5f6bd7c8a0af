//! The registers a PMO keeps beside its projects: risks (风险登记册), lessons learned
//! (经验教训) and decisions (决策), each entry tied to a project.

use std::collections::HashMap;

use automerge::ScalarValue;

use super::{
    key_part, non_empty, schema::*, BaselineId, Board, BoardError, DecisionId, DecisionKind, Fields, LessonId,
    ProjectId, RiskId, Stamp, Subject,
};
use crate::risk::{Impact, Probability, Roam};

/// A risk in the register.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub id: RiskId,
    pub project: ProjectId,
    pub title: String,
    pub probability: Probability,
    pub impact: Impact,
    pub owner: String,
    pub mitigation: String,
    pub roam: Roam,
    /// Fields two members set apart (see [`super::FieldConflict`]); empty almost always.
    pub conflicts: Vec<super::FieldConflict>,
}

/// What it takes to record or edit a risk. Probability and impact are 1–5.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRisk {
    pub title: String,
    pub probability: u8,
    pub impact: u8,
    pub owner: String,
    pub mitigation: String,
    pub roam: Roam,
}

/// A lesson learned, searchable across the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub id: LessonId,
    /// The project it was learned on; it may since have been deleted.
    pub project: ProjectId,
    pub title: String,
    pub body: String,
    /// Lower case, sorted.
    pub tags: Vec<String>,
    pub recorded: Stamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewLesson {
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
}

/// A decision, with the version of the board it was taken on: [`Board::fork_at`] with
/// `heads` shows exactly what the decision makers saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: DecisionId,
    pub kind: DecisionKind,
    pub project: Option<ProjectId>,
    pub note: String,
    /// The document heads (hex change hashes) when the decision was recorded.
    pub heads: Vec<automerge::ChangeHash>,
    pub recorded: Stamp,
}

/// A baseline (基线): a version of the board kept under a name ("2027 Q1 review"), to open
/// and compare with later.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub id: BaselineId,
    pub name: String,
    /// The document heads when the baseline was taken.
    pub heads: Vec<automerge::ChangeHash>,
    pub recorded: Stamp,
}

/// Change hashes as stored: hex, separated by commas. `None` if one does not parse.
fn parse_heads(text: &str) -> Option<Vec<automerge::ChangeHash>> {
    text.split(',').filter(|hash| !hash.is_empty()).map(|hash| hash.parse().ok()).collect()
}

impl Board {
    // ---- risks ----------------------------------------------------------------------------

    /// Risks of existing projects, by id.
    pub fn risks(&self) -> Vec<Risk> {
        let projects = self.ids(PROJECTS);
        self.entities(RISKS, |id, fields: &Fields| {
            let project: ProjectId = fields.parsed(risk::PROJECT)?;
            projects.contains(project.as_str()).then_some(())?;
            let small = |key| fields.int(key).and_then(|n| u8::try_from(n).ok());
            Some(Risk {
                id: id.parse().ok()?,
                project,
                title: fields.string(risk::TITLE)?,
                probability: Probability::new(small(risk::PROBABILITY)?).ok()?,
                impact: Impact::new(small(risk::IMPACT)?).ok()?,
                owner: fields.string_or_empty(risk::OWNER),
                mitigation: fields.string_or_empty(risk::MITIGATION),
                roam: fields.parsed(risk::ROAM).unwrap_or(Roam::Owned),
                conflicts: if fields.conflicted { self.entity_conflicts(RISKS, Subject::Risk, id) } else { Vec::new() },
            })
        })
    }

    pub fn add_risk(&mut self, id: RiskId, project: &ProjectId, risk: NewRisk) -> Result<(), BoardError> {
        self.writable(PROJECTS, Subject::Project, project.as_str())?;
        let mut fields = risk_fields(&risk)?;
        fields.push((risk::PROJECT, project.as_str().into()));
        self.insert_entity(RISKS, Subject::Risk, id.as_str(), fields)?;
        self.commit(format!("add risk {id}"));
        Ok(())
    }

    pub fn update_risk(&mut self, id: &RiskId, risk: NewRisk) -> Result<(), BoardError> {
        let object = self.writable(RISKS, Subject::Risk, id.as_str())?;
        // Automerge writes nothing for a field given the value it holds, so two members editing
        // different fields of one risk do not set the others apart.
        for (key, value) in risk_fields(&risk)? {
            automerge::transaction::Transactable::put(&mut self.doc, &object, key, value)?;
        }
        self.commit(format!("edit risk {id}"));
        Ok(())
    }

    pub fn delete_risk(&mut self, id: &RiskId) -> Result<(), BoardError> {
        self.delete_entity(RISKS, Subject::Risk, id.as_str(), |_| Ok(()))
    }

    // ---- lessons learned ------------------------------------------------------------------

    /// Every lesson, newest first.
    pub fn lessons(&self) -> Vec<Lesson> {
        let mut tags: HashMap<String, Vec<String>> = HashMap::new();
        for key in self.flat_keys(LESSON_TAGS) {
            if let Some((lesson, tag)) = key.split_once('/') {
                tags.entry(lesson.to_owned()).or_default().push(tag.to_owned());
            }
        }
        let mut list = self.entities(LESSONS, |id, fields: &Fields| {
            let mut lesson_tags = tags.get(id).cloned().unwrap_or_default();
            lesson_tags.sort();
            Some(Lesson {
                id: id.parse().ok()?,
                project: fields.parsed(lesson::PROJECT)?,
                title: fields.string(lesson::TITLE)?,
                body: fields.string_or_empty(lesson::BODY),
                tags: lesson_tags,
                recorded: Stamp {
                    by: fields.string_or_empty(lesson::BY),
                    at_ms: fields.int(lesson::AT_MS).unwrap_or(0),
                },
            })
        });
        list.sort_by(|a, b| b.recorded.at_ms.cmp(&a.recorded.at_ms).then_with(|| a.id.cmp(&b.id)));
        list
    }

    pub fn add_lesson(
        &mut self,
        id: LessonId,
        project: &ProjectId,
        lesson: NewLesson,
        recorded: Stamp,
    ) -> Result<(), BoardError> {
        self.collection(LESSON_TAGS)?;
        self.entity(PROJECTS, Subject::Project, project.as_str())?;
        let title = non_empty(Subject::LessonTitle, &lesson.title)?;
        let tags = normalise_tags(&lesson.tags)?;
        let by = non_empty(Subject::Author, &recorded.by)?;
        let fields = vec![
            (lesson::PROJECT, project.as_str().into()),
            (lesson::TITLE, title.into()),
            (lesson::BODY, lesson.body.trim().into()),
            (lesson::BY, by.into()),
            (lesson::AT_MS, ScalarValue::Int(recorded.at_ms)),
        ];
        self.insert_entity(LESSONS, Subject::Lesson, id.as_str(), fields)?;
        for tag in tags {
            self.put_flat(LESSON_TAGS, format!("{id}/{tag}"), Some(true.into()))?;
        }
        self.commit(format!("add lesson {id}"));
        Ok(())
    }

    /// Adds (`true`) or removes (`false`) a tag on a lesson.
    pub fn set_lesson_tag(&mut self, id: &LessonId, tag: &str, has: bool) -> Result<(), BoardError> {
        self.collection(LESSON_TAGS)?;
        self.entity(LESSONS, Subject::Lesson, id.as_str())?;
        let tag = normalise_tags(&[tag.to_owned()])?.remove(0);
        self.put_flat(LESSON_TAGS, format!("{id}/{tag}"), has.then(|| true.into()))?;
        self.commit(format!("tag lesson {id}"));
        Ok(())
    }

    /// Lessons matching every word of `query` (case-insensitive, in title, body or tags);
    /// a word `tag:x` matches only lessons tagged `x`. Newest first.
    pub fn search_lessons(&self, query: &str) -> Vec<Lesson> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        self.lessons()
            .into_iter()
            .filter(|lesson| {
                let text = format!("{} {}", lesson.title, lesson.body).to_lowercase();
                words.iter().all(|word| match word.strip_prefix("tag:") {
                    Some(tag) => lesson.tags.iter().any(|t| t == tag),
                    None => text.contains(word.as_str()) || lesson.tags.iter().any(|t| t.contains(word.as_str())),
                })
            })
            .collect()
    }

    // ---- decisions ------------------------------------------------------------------------

    /// Decisions, newest first.
    pub fn decisions(&self) -> Vec<Decision> {
        let mut list = self.entities(DECISIONS, |id, fields: &Fields| {
            let heads = parse_heads(&fields.string_or_empty(decision::HEADS))?;
            Some(Decision {
                id: id.parse().ok()?,
                kind: fields.parsed(decision::KIND)?,
                project: fields.parsed(decision::PROJECT),
                note: fields.string_or_empty(decision::NOTE),
                heads,
                recorded: Stamp {
                    by: fields.string_or_empty(decision::BY),
                    at_ms: fields.int(decision::AT_MS).unwrap_or(0),
                },
            })
        });
        list.sort_by(|a, b| b.recorded.at_ms.cmp(&a.recorded.at_ms).then_with(|| a.id.cmp(&b.id)));
        list
    }

    /// Records a decision together with the board's current version.
    pub fn record_decision(
        &mut self,
        id: DecisionId,
        kind: DecisionKind,
        project: Option<&ProjectId>,
        note: &str,
        recorded: Stamp,
    ) -> Result<(), BoardError> {
        self.collection(DECISIONS)?;
        if let Some(project) = project {
            self.entity(PROJECTS, Subject::Project, project.as_str())?;
        }
        let by = non_empty(Subject::Author, &recorded.by)?;
        let heads = self.heads().iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        let mut fields = vec![
            (decision::KIND, kind.as_str().into()),
            (decision::NOTE, note.trim().into()),
            (decision::HEADS, heads.into()),
            (decision::BY, by.into()),
            (decision::AT_MS, ScalarValue::Int(recorded.at_ms)),
        ];
        if let Some(project) = project {
            fields.push((decision::PROJECT, project.as_str().into()));
        }
        self.insert_entity(DECISIONS, Subject::Decision, id.as_str(), fields)?;
        self.commit(format!("record decision {id}"));
        Ok(())
    }

    // ---- baselines ------------------------------------------------------------------------

    /// Baselines, newest first.
    pub fn baselines(&self) -> Vec<Baseline> {
        let mut list = self.entities(BASELINES, |id, fields: &Fields| {
            Some(Baseline {
                id: id.parse().ok()?,
                name: fields.string_or_empty(baseline::NAME),
                heads: parse_heads(&fields.string_or_empty(baseline::HEADS))?,
                recorded: Stamp {
                    by: fields.string_or_empty(baseline::BY),
                    at_ms: fields.int(baseline::AT_MS).unwrap_or(0),
                },
            })
        });
        list.sort_by(|a, b| b.recorded.at_ms.cmp(&a.recorded.at_ms).then_with(|| a.id.cmp(&b.id)));
        list
    }

    /// Keeps the board's current version as a baseline named `name`. The name must be new
    /// on this board (ignoring case), so a list of baselines never holds two that read alike.
    pub fn add_baseline(&mut self, id: BaselineId, name: &str, recorded: Stamp) -> Result<(), BoardError> {
        self.collection(BASELINES)?;
        let name = non_empty(Subject::BaselineName, name)?;
        if self.baselines().iter().any(|baseline| baseline.name.to_lowercase() == name.to_lowercase()) {
            return Err(BoardError::BaselineNameTaken(name.to_owned()));
        }
        let by = non_empty(Subject::Author, &recorded.by)?;
        let heads = self.heads().iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        let fields = vec![
            (baseline::NAME, name.into()),
            (baseline::HEADS, heads.into()),
            (baseline::BY, by.into()),
            (baseline::AT_MS, ScalarValue::Int(recorded.at_ms)),
        ];
        self.insert_entity(BASELINES, Subject::Baseline, id.as_str(), fields)?;
        self.commit(format!("take baseline {id}"));
        Ok(())
    }

    /// Deletes a baseline. The board's history keeps the version itself.
    pub fn delete_baseline(&mut self, id: &BaselineId) -> Result<(), BoardError> {
        self.delete_entity(BASELINES, Subject::Baseline, id.as_str(), |_| Ok(()))
    }
}

fn risk_fields(risk: &NewRisk) -> Result<Vec<(&'static str, ScalarValue)>, BoardError> {
    let title = non_empty(Subject::RiskTitle, &risk.title)?;
    let probability = Probability::new(risk.probability)?;
    let impact = Impact::new(risk.impact)?;
    Ok(vec![
        (risk::TITLE, title.into()),
        (risk::PROBABILITY, u64::from(probability.get()).into()),
        (risk::IMPACT, u64::from(impact.get()).into()),
        (risk::OWNER, risk.owner.trim().into()),
        (risk::MITIGATION, risk.mitigation.trim().into()),
        (risk::ROAM, risk.roam.as_str().into()),
    ])
}

fn normalise_tags(tags: &[String]) -> Result<Vec<String>, BoardError> {
    let mut normalised =
        tags.iter().map(|tag| key_part(Subject::Tag, tag).map(str::to_lowercase)).collect::<Result<Vec<_>, _>>()?;
    normalised.sort();
    normalised.dedup();
    Ok(normalised)
}

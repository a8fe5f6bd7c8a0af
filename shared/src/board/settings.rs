//! What the board owner sets: currency, operating model, the budget envelope, thresholds, the
//! strategic objectives, the scoring criteria and the stage-gate checklist template.

use automerge::{transaction::Transactable, ReadDoc, ScalarValue};

use super::{
    at_most, key_part, non_empty, non_negative, schema::*, Board, BoardError, CriterionId, Fields, ObjectiveId,
    OperatingModel, Phase, Subject,
};
use crate::{
    alignment::Objective,
    scoring::{Criterion, Direction},
};

/// The board's settings, with their defaults where the document holds none.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// ISO 4217 code, e.g. CNY.
    pub currency: String,
    pub operating_model: OperatingModel,
    /// The most the portfolio may spend, if set.
    pub budget_envelope: Option<f64>,
    /// Computed RAG: green when CPI and SPI are at least this.
    pub rag_green_min: f64,
    /// Computed RAG: amber when CPI and SPI are at least this (and not green).
    pub rag_amber_min: f64,
    /// Risk bands by score (probability × impact): medium from this score.
    pub risk_medium_min: u8,
    pub risk_high_min: u8,
    pub risk_critical_min: u8,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            currency: "CNY".into(),
            operating_model: OperatingModel::default(),
            budget_envelope: None,
            rag_green_min: 0.95,
            rag_amber_min: 0.85,
            risk_medium_min: 5,
            risk_high_min: 10,
            risk_critical_min: 20,
        }
    }
}

/// One item of the stage-gate checklist a project ticks at the end of a phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateItem {
    pub phase: Phase,
    /// Stable id, e.g. `business-case`.
    pub item: String,
    pub label: String,
    pub position: u32,
}

/// The checklist a new board starts with, from common PMO practice (启动、规划、执行、监控、收尾).
const DEFAULT_GATE_ITEMS: [(Phase, &str, &str); 13] = [
    (Phase::Initiation, "business-case", "Business case approved 商业论证已批准"),
    (Phase::Initiation, "sponsor", "Sponsor named 发起人已确定"),
    (Phase::Initiation, "charter", "Charter signed 项目章程已签署"),
    (Phase::Planning, "scope-baseline", "Scope baseline agreed 范围基准已确认"),
    (Phase::Planning, "schedule-budget", "Schedule and budget baseline 进度与预算基准"),
    (Phase::Planning, "risk-register", "Risk register started 风险登记册已建立"),
    (Phase::Execution, "status-reporting", "Status reports on schedule 状态报告按期提交"),
    (Phase::Execution, "change-control", "Change control in place 变更控制已就绪"),
    (Phase::MonitoringControlling, "earned-value", "Earned value reviewed 挣值已复核"),
    (Phase::MonitoringControlling, "risk-review", "Risks reviewed 风险已复核"),
    (Phase::Closing, "acceptance", "Deliverables accepted 交付物已验收"),
    (Phase::Closing, "lessons", "Lessons learned recorded 经验教训已记录"),
    (Phase::Closing, "release", "People released 资源已释放"),
];

/// The item key of a checklist item that still has the label a new board gives it
/// (`"business-case"` for "Business case approved 商业论证已批准"): the app shows such an item
/// in the reader's language. `None` for a label someone wrote.
pub fn default_gate_item(label: &str) -> Option<&'static str> {
    DEFAULT_GATE_ITEMS.iter().find(|(_, _, default)| *default == label).map(|(_, item, _)| *item)
}

/// Writes every default that is missing: used on new boards and by the upgrade.
pub(super) fn write_defaults(board: &mut Board) -> Result<(), BoardError> {
    let settings = board.map(SETTINGS)?;
    let defaults = Settings::default();
    let values: [(&str, ScalarValue); 7] = [
        (setting::CURRENCY, defaults.currency.as_str().into()),
        (setting::OPERATING_MODEL, defaults.operating_model.as_str().into()),
        (setting::RAG_GREEN_MIN, defaults.rag_green_min.into()),
        (setting::RAG_AMBER_MIN, defaults.rag_amber_min.into()),
        (setting::RISK_MEDIUM_MIN, u64::from(defaults.risk_medium_min).into()),
        (setting::RISK_HIGH_MIN, u64::from(defaults.risk_high_min).into()),
        (setting::RISK_CRITICAL_MIN, u64::from(defaults.risk_critical_min).into()),
    ];
    for (key, value) in values {
        if board.read(&settings, key)?.is_none() {
            board.doc.put(&settings, key, value)?;
        }
    }
    let template = board.map(GATE_TEMPLATE)?;
    if board.doc.length(&template) == 0 {
        for (position, (phase, item, label)) in DEFAULT_GATE_ITEMS.iter().enumerate() {
            let object =
                board.doc.put_object(&template, format!("{}/{item}", phase.as_str()), automerge::ObjType::Map)?;
            board.doc.put(&object, gate_item::LABEL, *label)?;
            board.doc.put(&object, gate_item::POSITION, position as u64)?;
        }
    }
    Ok(())
}

impl Board {
    pub fn settings(&self) -> Settings {
        let defaults = Settings::default();
        let Ok(map) = self.map(SETTINGS) else { return defaults };
        let Some(fields) = self.fields(&map) else { return defaults };
        let small = |key: &str, default: u8| fields.int(key).and_then(|n| u8::try_from(n).ok()).unwrap_or(default);
        Settings {
            currency: fields.string(setting::CURRENCY).unwrap_or(defaults.currency),
            operating_model: fields.parsed(setting::OPERATING_MODEL).unwrap_or(defaults.operating_model),
            budget_envelope: fields.number(setting::BUDGET_ENVELOPE),
            rag_green_min: fields.number(setting::RAG_GREEN_MIN).unwrap_or(defaults.rag_green_min),
            rag_amber_min: fields.number(setting::RAG_AMBER_MIN).unwrap_or(defaults.rag_amber_min),
            risk_medium_min: small(setting::RISK_MEDIUM_MIN, defaults.risk_medium_min),
            risk_high_min: small(setting::RISK_HIGH_MIN, defaults.risk_high_min),
            risk_critical_min: small(setting::RISK_CRITICAL_MIN, defaults.risk_critical_min),
        }
    }

    pub fn set_currency(&mut self, code: &str) -> Result<(), BoardError> {
        let settings = self.collection(SETTINGS)?;
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 3 || !code.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(BoardError::NotACurrency(code));
        }
        self.doc.put(&settings, setting::CURRENCY, code)?;
        self.commit("set currency".into());
        Ok(())
    }

    pub fn set_operating_model(&mut self, model: OperatingModel) -> Result<(), BoardError> {
        let settings = self.collection(SETTINGS)?;
        self.doc.put(&settings, setting::OPERATING_MODEL, model.as_str())?;
        self.commit("set operating model".into());
        Ok(())
    }

    /// Sets (or with `None` removes) the most the portfolio may spend.
    pub fn set_budget_envelope(&mut self, envelope: Option<f64>) -> Result<(), BoardError> {
        let settings = self.collection(SETTINGS)?;
        match envelope {
            Some(amount) => {
                let amount = non_negative(Subject::BudgetEnvelope, amount)?;
                self.doc.put(&settings, setting::BUDGET_ENVELOPE, amount)?;
            }
            None => self.doc.delete(&settings, setting::BUDGET_ENVELOPE)?,
        }
        self.commit("set budget envelope".into());
        Ok(())
    }

    /// Computed RAG thresholds on CPI and SPI: 0 < amber ≤ green ≤ 2.
    pub fn set_rag_thresholds(&mut self, green_min: f64, amber_min: f64) -> Result<(), BoardError> {
        let settings = self.collection(SETTINGS)?;
        let green_min = at_most(Subject::GreenThreshold, green_min, 2.0)?;
        let amber_min = at_most(Subject::AmberThreshold, amber_min, 2.0)?;
        if amber_min == 0.0 || amber_min > green_min {
            return Err(BoardError::RagThresholds { green_min, amber_min });
        }
        self.doc.put(&settings, setting::RAG_GREEN_MIN, green_min)?;
        self.doc.put(&settings, setting::RAG_AMBER_MIN, amber_min)?;
        self.commit("set RAG thresholds".into());
        Ok(())
    }

    /// Risk band thresholds on the 1–25 score: 1 < medium < high < critical ≤ 25.
    pub fn set_risk_thresholds(&mut self, medium_min: u8, high_min: u8, critical_min: u8) -> Result<(), BoardError> {
        let settings = self.collection(SETTINGS)?;
        if !(1 < medium_min && medium_min < high_min && high_min < critical_min && critical_min <= 25) {
            return Err(BoardError::RiskThresholds { medium_min, high_min, critical_min });
        }
        for (key, value) in [
            (setting::RISK_MEDIUM_MIN, medium_min),
            (setting::RISK_HIGH_MIN, high_min),
            (setting::RISK_CRITICAL_MIN, critical_min),
        ] {
            self.doc.put(&settings, key, u64::from(value))?;
        }
        self.commit("set risk thresholds".into());
        Ok(())
    }

    // ---- strategic objectives -------------------------------------------------------------

    /// Objectives, heaviest first, ties by id.
    pub fn objectives(&self) -> Vec<Objective> {
        let mut list = self.entities(OBJECTIVES, |id, fields: &Fields| {
            Some(Objective {
                id: id.parse().ok()?,
                name: fields.string(objective::NAME)?,
                weight: fields.number(objective::WEIGHT).unwrap_or(0.0),
            })
        });
        list.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.id.cmp(&b.id)));
        list
    }

    pub fn add_objective(&mut self, id: ObjectiveId, name: &str, weight: f64) -> Result<(), BoardError> {
        let name = non_empty(Subject::ObjectiveName, name)?;
        let weight = non_negative(Subject::ObjectiveWeight, weight)?;
        self.insert_entity(
            OBJECTIVES,
            Subject::Objective,
            id.as_str(),
            vec![(objective::NAME, name.into()), (objective::WEIGHT, weight.into())],
        )?;
        self.commit(format!("add objective {id}"));
        Ok(())
    }

    pub fn set_objective(&mut self, id: &ObjectiveId, name: &str, weight: f64) -> Result<(), BoardError> {
        let object = self.writable(OBJECTIVES, Subject::Objective, id.as_str())?;
        let name = non_empty(Subject::ObjectiveName, name)?;
        let weight = non_negative(Subject::ObjectiveWeight, weight)?;
        self.put_if_changed(&object, objective::NAME, name.into())?;
        self.put_if_changed(&object, objective::WEIGHT, weight.into())?;
        self.commit(format!("edit objective {id}"));
        Ok(())
    }

    /// Deletes an objective and every project's contribution to it.
    pub fn delete_objective(&mut self, id: &ObjectiveId) -> Result<(), BoardError> {
        self.delete_entity(OBJECTIVES, Subject::Objective, id.as_str(), |board| {
            board.delete_flat(CONTRIBUTIONS, |parts| parts.get(1) == Some(&id.as_str()))
        })
    }

    // ---- scoring criteria -------------------------------------------------------------------

    /// Criteria, heaviest first, ties by id.
    pub fn criteria(&self) -> Vec<Criterion> {
        let mut list = self.entities(CRITERIA, |id, fields: &Fields| {
            // A name this build does not know reads as higher-is-better.
            let direction = fields.string(criterion::DIRECTION)?;
            let direction = Direction::ALL
                .into_iter()
                .find(|known| known.as_str() == direction)
                .unwrap_or(Direction::HigherIsBetter);
            Some(Criterion {
                id: id.parse().ok()?,
                name: fields.string(criterion::NAME)?,
                weight: fields.number(criterion::WEIGHT).unwrap_or(0.0),
                direction,
            })
        });
        list.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.id.cmp(&b.id)));
        list
    }

    pub fn add_criterion(
        &mut self,
        id: CriterionId,
        name: &str,
        weight: f64,
        direction: Direction,
    ) -> Result<(), BoardError> {
        let name = non_empty(Subject::CriterionName, name)?;
        let weight = non_negative(Subject::CriterionWeight, weight)?;
        let fields = vec![
            (criterion::NAME, name.into()),
            (criterion::WEIGHT, weight.into()),
            (criterion::DIRECTION, direction.as_str().into()),
        ];
        self.insert_entity(CRITERIA, Subject::Criterion, id.as_str(), fields)?;
        self.commit(format!("add criterion {id}"));
        Ok(())
    }

    pub fn set_criterion(
        &mut self,
        id: &CriterionId,
        name: &str,
        weight: f64,
        direction: Direction,
    ) -> Result<(), BoardError> {
        let object = self.writable(CRITERIA, Subject::Criterion, id.as_str())?;
        let name = non_empty(Subject::CriterionName, name)?;
        let weight = non_negative(Subject::CriterionWeight, weight)?;
        self.put_if_changed(&object, criterion::NAME, name.into())?;
        self.put_if_changed(&object, criterion::WEIGHT, weight.into())?;
        self.put_if_changed(&object, criterion::DIRECTION, direction.as_str().into())?;
        self.commit(format!("edit criterion {id}"));
        Ok(())
    }

    /// Deletes a criterion and every score on it. The AHP judgments that compare it stay (they
    /// are each member's own, which nobody else may change: see `validate::Writer`) and are
    /// ignored on read, like any reference to something deleted.
    pub fn delete_criterion(&mut self, id: &CriterionId) -> Result<(), BoardError> {
        self.delete_entity(CRITERIA, Subject::Criterion, id.as_str(), |board| {
            board.delete_flat(SCORES, |parts| parts.get(1) == Some(&id.as_str()))
        })
    }

    // ---- the stage-gate template ------------------------------------------------------------

    /// The checklist, by phase then position.
    pub fn gate_template(&self) -> Vec<GateItem> {
        let mut items = self.entities(GATE_TEMPLATE, |key, fields: &Fields| {
            let (phase, item) = key.split_once('/')?;
            Some(GateItem {
                phase: phase.parse().ok()?,
                item: item.to_owned(),
                label: fields.string(gate_item::LABEL)?,
                position: fields.int(gate_item::POSITION).and_then(|p| u32::try_from(p).ok()).unwrap_or(u32::MAX),
            })
        });
        items.sort_by(|a, b| (a.phase, a.position, &a.item).cmp(&(b.phase, b.position, &b.item)));
        items
    }

    /// Adds an item to the end of a phase's checklist.
    pub fn add_gate_item(&mut self, phase: Phase, item: &str, label: &str) -> Result<(), BoardError> {
        let template = self.collection(GATE_TEMPLATE)?;
        let item = key_part(Subject::ChecklistItemId, item)?;
        let label = non_empty(Subject::ChecklistItem, label)?;
        let key = format!("{}/{item}", phase.as_str());
        if self.read(&template, &key)?.is_some() {
            return Err(BoardError::Duplicate { what: Subject::ChecklistItem, id: key });
        }
        let position = self.gate_template().iter().map(|g| g.position.saturating_add(1)).max().unwrap_or(0);
        let object = self.doc.put_object(&template, &key, automerge::ObjType::Map)?;
        self.doc.put(&object, gate_item::LABEL, label)?;
        self.doc.put(&object, gate_item::POSITION, u64::from(position))?;
        self.commit(format!("add gate item {key}"));
        Ok(())
    }

    /// Removes an item from the template; ticks already recorded stay in the history.
    pub fn remove_gate_item(&mut self, phase: Phase, item: &str) -> Result<(), BoardError> {
        let template = self.collection(GATE_TEMPLATE)?;
        let key = format!("{}/{item}", phase.as_str());
        if self.read(&template, &key)?.is_none() {
            return Err(BoardError::Unknown { what: Subject::ChecklistItem, id: key });
        }
        self.doc.delete(&template, &key)?;
        self.commit(format!("remove gate item {key}"));
        Ok(())
    }
}

//! The closed sets of values a board field chooses from (a project's stage and lifecycle
//! phase, a decision's kind, the PMO's operating model), each with the name the document
//! stores. [`super::schema`] takes the names a field allows from here (`Stage::NAMES`), so the
//! check and the typed API agree by construction.

use std::str::FromStr;

use super::{one_of, BoardError, Subject};

/// Where a project is in the portfolio (项目组合状态), from proposal to closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    Proposed,
    Screening,
    Approved,
    Active,
    OnHold,
    Closed,
    Cancelled,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Proposed,
        Stage::Screening,
        Stage::Approved,
        Stage::Active,
        Stage::OnHold,
        Stage::Closed,
        Stage::Cancelled,
    ];

    /// Every name [`Stage::as_str`] gives, in the order of [`Stage::ALL`]: the names the board schema
    /// allows.
    pub const NAMES: [&'static str; 7] = names_of!(Stage);

    /// The name stored in the document and used in URLs and forms.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Proposed => "proposed",
            Stage::Screening => "screening",
            Stage::Approved => "approved",
            Stage::Active => "active",
            Stage::OnHold => "on-hold",
            Stage::Closed => "closed",
            Stage::Cancelled => "cancelled",
        }
    }

    /// English and Chinese side by side, as earlier releases showed and exported it: imports
    /// still read it. The app names a stage through its catalogue, in the reader's language.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Proposed => "Proposed 提案",
            Stage::Screening => "Screening 筛选",
            Stage::Approved => "Approved 已立项",
            Stage::Active => "Active 执行中",
            Stage::OnHold => "On hold 暂停",
            Stage::Closed => "Closed 已收尾",
            Stage::Cancelled => "Cancelled 已取消",
        }
    }

    /// Still to deliver: approved, active or on hold. These count against the budget
    /// envelope and capacity, and may not depend on a cancelled project.
    pub fn is_committed(self) -> bool {
        matches!(self, Stage::Approved | Stage::Active | Stage::OnHold)
    }
}

impl FromStr for Stage {
    type Err = BoardError;
    fn from_str(text: &str) -> Result<Stage, BoardError> {
        one_of(Subject::Stage, text, &Stage::ALL, Stage::as_str)
    }
}

/// The standard project lifecycle (启动、规划、执行、监控、收尾).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Phase {
    #[default]
    Initiation,
    Planning,
    Execution,
    MonitoringControlling,
    Closing,
}

impl Phase {
    pub const ALL: [Phase; 5] =
        [Phase::Initiation, Phase::Planning, Phase::Execution, Phase::MonitoringControlling, Phase::Closing];

    /// Every name [`Phase::as_str`] gives, in the order of [`Phase::ALL`]: the names the board schema
    /// allows.
    pub const NAMES: [&'static str; 5] = names_of!(Phase);

    pub const fn as_str(self) -> &'static str {
        match self {
            Phase::Initiation => "initiation",
            Phase::Planning => "planning",
            Phase::Execution => "execution",
            Phase::MonitoringControlling => "monitoring-controlling",
            Phase::Closing => "closing",
        }
    }

    /// English and Chinese side by side, as earlier releases showed and exported it: imports
    /// still read it. The app names a phase through its catalogue, in the reader's language.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Initiation => "Initiation 启动",
            Phase::Planning => "Planning 规划",
            Phase::Execution => "Execution 执行",
            Phase::MonitoringControlling => "Monitoring & controlling 监控",
            Phase::Closing => "Closing 收尾",
        }
    }
}

impl FromStr for Phase {
    type Err = BoardError;
    fn from_str(text: &str) -> Result<Phase, BoardError> {
        one_of(Subject::Phase, text, &Phase::ALL, Phase::as_str)
    }
}

/// What a decision decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionKind {
    Approve,
    Reject,
    Reprioritise,
    PutOnHold,
    Cancel,
    Close,
    Reallocate,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 7] = [
        DecisionKind::Approve,
        DecisionKind::Reject,
        DecisionKind::Reprioritise,
        DecisionKind::PutOnHold,
        DecisionKind::Cancel,
        DecisionKind::Close,
        DecisionKind::Reallocate,
    ];

    /// Every name [`DecisionKind::as_str`] gives, in the order of [`DecisionKind::ALL`]: the names the board schema
    /// allows.
    pub const NAMES: [&'static str; 7] = names_of!(DecisionKind);

    pub const fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Approve => "approve",
            DecisionKind::Reject => "reject",
            DecisionKind::Reprioritise => "reprioritise",
            DecisionKind::PutOnHold => "put-on-hold",
            DecisionKind::Cancel => "cancel",
            DecisionKind::Close => "close",
            DecisionKind::Reallocate => "reallocate",
        }
    }
}

impl FromStr for DecisionKind {
    type Err = BoardError;
    fn from_str(text: &str) -> Result<DecisionKind, BoardError> {
        one_of(Subject::DecisionKind, text, &DecisionKind::ALL, DecisionKind::as_str)
    }
}

/// How the PMO is organised (PMO 运作模式). It picks who approves stage gates by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OperatingModel {
    /// 集中化: the PMO runs the projects and approves gates.
    #[default]
    Centralised,
    /// 矩阵: line managers own the people, sponsors approve gates.
    Matrix,
    /// 虚拟化: a coordinating PMO; project managers approve their own gates.
    Virtual,
}

impl OperatingModel {
    pub const ALL: [OperatingModel; 3] = [OperatingModel::Centralised, OperatingModel::Matrix, OperatingModel::Virtual];

    /// Every name [`OperatingModel::as_str`] gives, in the order of [`OperatingModel::ALL`]: the names the board schema
    /// allows.
    pub const NAMES: [&'static str; 3] = names_of!(OperatingModel);

    pub const fn as_str(self) -> &'static str {
        match self {
            OperatingModel::Centralised => "centralised",
            OperatingModel::Matrix => "matrix",
            OperatingModel::Virtual => "virtual",
        }
    }

    /// Who approves a stage gate under this model.
    pub fn gate_approver(self) -> &'static str {
        match self {
            OperatingModel::Centralised => "PMO",
            OperatingModel::Matrix => "sponsor",
            OperatingModel::Virtual => "project manager",
        }
    }
}

impl FromStr for OperatingModel {
    type Err = BoardError;
    fn from_str(text: &str) -> Result<OperatingModel, BoardError> {
        one_of(Subject::OperatingModel, text, &OperatingModel::ALL, OperatingModel::as_str)
    }
}

//! Widgets that several pages share, and the open board they all reach ([`board_context`]).

pub mod account_menu;
pub mod blame;
pub mod board_context;
pub mod comparison;
pub mod conflict;
pub mod field;
pub mod files;
pub mod header;
pub mod members;
pub mod progressive;
pub mod remembered;
pub mod restore;
pub mod row_window;
pub mod rows;
pub mod rule_warnings;
pub mod signed_in;
pub mod time_travel;

use shared::api::Role;

/// The planning horizon the KPIs and capacity look at, from this week on.
pub const PLANNING_WEEKS: usize = 12;

/// A role as a badge, in the reader's language.
pub fn role_badge(role: Role) -> impl leptos::IntoView {
    use leptos::prelude::*;
    view! { <span class="role" data-role=role.as_str()>{move || role_label(role)}</span> }
}

/// How a role reads in the app, in the reader's language (tracked, so a closure that calls it
/// follows the language switch).
pub fn role_label(role: Role) -> &'static str {
    use crate::i18n::*;
    let i18n = use_i18n();
    match role {
        Role::Owner => t_string!(i18n, common.role_owner),
        Role::Editor => t_string!(i18n, common.role_editor),
        Role::Viewer => t_string!(i18n, common.role_viewer),
    }
}

/// A project's stage in the reader's language (tracked).
pub fn stage_label(stage: shared::Stage) -> &'static str {
    stage_label_in(crate::i18n::use_i18n(), stage)
}

/// [`stage_label`] with the language context given (for tasks, which have none of their own).
pub fn stage_label_in(i18n: crate::i18n::I18nContext<crate::i18n::Locale>, stage: shared::Stage) -> &'static str {
    use crate::i18n::*;
    use shared::Stage;
    match stage {
        Stage::Proposed => t_string!(i18n, common.stage_proposed),
        Stage::Screening => t_string!(i18n, common.stage_screening),
        Stage::Approved => t_string!(i18n, common.stage_approved),
        Stage::Active => t_string!(i18n, common.stage_active),
        Stage::OnHold => t_string!(i18n, common.stage_on_hold),
        Stage::Closed => t_string!(i18n, common.stage_closed),
        Stage::Cancelled => t_string!(i18n, common.stage_cancelled),
    }
}

/// A lifecycle phase in the reader's language (tracked).
pub fn phase_label(phase: shared::board::Phase) -> &'static str {
    phase_label_in(crate::i18n::use_i18n(), phase)
}

/// [`phase_label`] with the language context given (for tasks, which have none of their own).
pub fn phase_label_in(
    i18n: crate::i18n::I18nContext<crate::i18n::Locale>,
    phase: shared::board::Phase,
) -> &'static str {
    use crate::i18n::*;
    use shared::board::Phase;
    match phase {
        Phase::Initiation => t_string!(i18n, common.phase_initiation),
        Phase::Planning => t_string!(i18n, common.phase_planning),
        Phase::Execution => t_string!(i18n, common.phase_execution),
        Phase::MonitoringControlling => t_string!(i18n, common.phase_monitoring_controlling),
        Phase::Closing => t_string!(i18n, common.phase_closing),
    }
}

/// A RAG status in the reader's language (tracked); "Not rated" for none.
pub fn rag_label(rag: Option<shared::finance::Rag>) -> &'static str {
    rag_label_in(crate::i18n::use_i18n(), rag)
}

/// [`rag_label`] with the language context given (for tasks, which have none of their own).
pub fn rag_label_in(
    i18n: crate::i18n::I18nContext<crate::i18n::Locale>,
    rag: Option<shared::finance::Rag>,
) -> &'static str {
    use crate::i18n::*;
    use shared::finance::Rag;
    match rag {
        Some(Rag::Green) => t_string!(i18n, common.rag_green),
        Some(Rag::Amber) => t_string!(i18n, common.rag_amber),
        Some(Rag::Red) => t_string!(i18n, common.rag_red),
        None => t_string!(i18n, common.rag_not_rated),
    }
}

/// A risk band in the reader's language (tracked).
pub fn band_label(band: shared::risk::RiskBand) -> &'static str {
    use crate::i18n::*;
    use shared::risk::RiskBand;
    let i18n = use_i18n();
    match band {
        RiskBand::Low => t_string!(i18n, common.band_low),
        RiskBand::Medium => t_string!(i18n, common.band_medium),
        RiskBand::High => t_string!(i18n, common.band_high),
        RiskBand::Critical => t_string!(i18n, common.band_critical),
    }
}

/// A checklist item's label in the reader's language (tracked): the items a new board starts
/// with are worded by the catalogue while nobody has renamed them; others as they were written.
pub fn gate_label(label: &str) -> String {
    gate_label_in(crate::i18n::use_i18n(), label)
}

/// [`gate_label`] with the language context given (for tasks, which have none of their own).
pub fn gate_label_in(i18n: crate::i18n::I18nContext<crate::i18n::Locale>, label: &str) -> String {
    use crate::i18n::*;
    match shared::board::default_gate_item(label) {
        Some("business-case") => t_string!(i18n, common.gate_business_case),
        Some("sponsor") => t_string!(i18n, common.gate_sponsor),
        Some("charter") => t_string!(i18n, common.gate_charter),
        Some("scope-baseline") => t_string!(i18n, common.gate_scope_baseline),
        Some("schedule-budget") => t_string!(i18n, common.gate_schedule_budget),
        Some("risk-register") => t_string!(i18n, common.gate_risk_register),
        Some("status-reporting") => t_string!(i18n, common.gate_status_reporting),
        Some("change-control") => t_string!(i18n, common.gate_change_control),
        Some("earned-value") => t_string!(i18n, common.gate_earned_value),
        Some("risk-review") => t_string!(i18n, common.gate_risk_review),
        Some("acceptance") => t_string!(i18n, common.gate_acceptance),
        Some("lessons") => t_string!(i18n, common.gate_lessons),
        Some("release") => t_string!(i18n, common.gate_release),
        _ => label,
    }
    .to_owned()
}

/// A ROAM state in the reader's language (tracked).
pub fn roam_label(roam: shared::risk::Roam) -> &'static str {
    use crate::i18n::*;
    use shared::risk::Roam;
    let i18n = use_i18n();
    match roam {
        Roam::Resolved => t_string!(i18n, risks.roam_resolved),
        Roam::Owned => t_string!(i18n, risks.roam_owned),
        Roam::Accepted => t_string!(i18n, risks.roam_accepted),
        Roam::Mitigated => t_string!(i18n, risks.roam_mitigated),
    }
}

/// A decision kind as people say it, in their language.
pub fn kind_label(
    i18n: crate::i18n::I18nContext<crate::i18n::Locale>,
    kind: shared::board::DecisionKind,
) -> &'static str {
    use crate::i18n::*;
    use shared::board::DecisionKind;
    match kind {
        DecisionKind::Approve => t_string!(i18n, decisions.approve),
        DecisionKind::Reject => t_string!(i18n, decisions.reject),
        DecisionKind::Reprioritise => t_string!(i18n, decisions.reprioritise),
        DecisionKind::PutOnHold => t_string!(i18n, decisions.put_on_hold),
        DecisionKind::Cancel => t_string!(i18n, decisions.cancel),
        DecisionKind::Close => t_string!(i18n, decisions.close),
        DecisionKind::Reallocate => t_string!(i18n, decisions.reallocate),
    }
}

/// A KPI's name (by its tile's id) in the reader's language (tracked).
pub fn kpi_label(i18n: crate::i18n::I18nContext<crate::i18n::Locale>, id: &str) -> &'static str {
    use crate::i18n::*;
    match id {
        "success-rate" => t_string!(i18n, dashboard.kpi_success_rate),
        "utilisation" => t_string!(i18n, dashboard.kpi_utilisation),
        "cpi" => t_string!(i18n, dashboard.kpi_cpi),
        "spi" => t_string!(i18n, dashboard.kpi_spi),
        "budget-variance" => t_string!(i18n, dashboard.kpi_budget_variance),
        _ => t_string!(i18n, dashboard.kpi_milestones),
    }
}

//! What `shared` found, in the reader's language: a refused edit ([`BoardError`],
//! [`EditRefused`]), earned value that does not add up ([`FinanceError`]) and a computation the
//! dashboard could not run ([`Problem`]).
//!
//! `shared` returns each as a typed value with its facts (what was wrong, with the value) and
//! keeps an English `Display` for logs and tests; these functions pick the catalogue's sentence
//! (namespace `reasons`) and fill in the facts, written for the language (`shared::format`).
//! They take the catalogue's [`Locale`] rather than the context, so they run anywhere (the
//! tests call them natively); a view calls them with `i18n.get_locale()`, which tracks the
//! language switch.
//!
//! ```text
//! BoardError::TooLarge { what: Subject::Allocation, value: 200, max: 168 }
//!   en  "The booked hours must be at most 168, not 200."
//!   zh  "分配工时最多为 168，不能为 200。"
//! ```

use shared::{
    alignment::AlignmentError,
    board::{Difference, Subject},
    dashboard::{Computation, Problem, Reason},
    exchange::{ExchangeError, Table},
    finance::{Amount, FinanceError},
    risk::RiskError,
    scoring::ScoringError,
    selection::{Infeasibility, ProjectListing, SelectionError, SelectionNumber},
    session::{EditRefused, SetAside},
    sync::ChangesRefused,
    views::scoring::{Missing, RankingProblem},
    BoardError, ProjectId,
};

use crate::{
    i18n::{td_string, Locale},
    language::language_of,
};

/// Why an edit was refused, in full sentences. `project_name` names a project by its id (a
/// dependency cycle is shown as "ERP → CRM → ERP").
pub fn edit_refused(locale: Locale, refused: &EditRefused, project_name: &dyn Fn(&ProjectId) -> String) -> String {
    match refused {
        EditRefused::ReadOnly => td_string!(locale, reasons.read_only).to_owned(),
        EditRefused::NotLoaded => td_string!(locale, reasons.not_loaded).to_owned(),
        EditRefused::Board(error) => board_error(locale, error, project_name),
    }
}

/// Why the board refused a value or a change, in full sentences.
pub fn board_error(locale: Locale, error: &BoardError, project_name: &dyn Fn(&ProjectId) -> String) -> String {
    let language = language_of(locale);
    let number = |value: &f64| figure(locale, *value);
    match error {
        BoardError::Empty { what } => trd!(locale, reasons.empty, what = subject(locale, *what)),
        BoardError::NotANonNegativeNumber { what, value } => {
            trd!(locale, reasons.not_non_negative, what = subject(locale, *what), value = number(value))
        }
        BoardError::TooLarge { what, value, max } => {
            trd!(locale, reasons.too_large, what = subject(locale, *what), value = number(value), max = number(max))
        }
        BoardError::NotFinite { what, value } => {
            trd!(locale, reasons.not_finite, what = subject(locale, *what), value = number(value))
        }
        BoardError::NotSaaty { value } => trd!(locale, reasons.not_saaty, value = number(value)),
        BoardError::Slash { what, value } => trd!(locale, reasons.slash, what = subject(locale, *what), value),
        BoardError::Unknown { what, .. } => trd!(locale, reasons.unknown, what = subject(locale, *what)),
        BoardError::Duplicate { what, .. } => trd!(locale, reasons.duplicate, what = subject(locale, *what)),
        BoardError::NotOneOf { what, value, allowed } => {
            trd!(locale, reasons.not_one_of, what = subject(locale, *what), value, allowed)
        }
        BoardError::EndBeforeStart { start, end } => trd!(
            locale,
            reasons.end_before_start,
            start = shared::format::date(language, *start),
            end = shared::format::date(language, *end)
        ),
        BoardError::ListedTwice(project) => trd!(locale, reasons.listed_twice, project = project_name(project)),
        BoardError::RagThresholds { green_min, amber_min } => {
            trd!(locale, reasons.rag_thresholds, green = number(green_min), amber = number(amber_min))
        }
        BoardError::RiskThresholds { medium_min, high_min, critical_min } => {
            trd!(locale, reasons.risk_thresholds, medium = medium_min, high = high_min, critical = critical_min)
        }
        BoardError::NotACurrency(code) => trd!(locale, reasons.not_a_currency, code),
        BoardError::BaselineNameTaken(name) => trd!(locale, reasons.baseline_name_taken, name),
        BoardError::Risk(error) => risk_error(locale, error),
        BoardError::NotInImport { what, name } => {
            trd!(locale, reasons.not_in_import, what = subject(locale, *what), name)
        }
        BoardError::ImportRefused(count) => trd!(locale, reasons.import_refused, count),
        BoardError::Invalid(reason) => reason.clone(),
        BoardError::SelfDependency(_) => td_string!(locale, reasons.self_dependency).to_owned(),
        BoardError::DependencyCycle(path) => {
            trd!(locale, reasons.dependency_cycle, path = path.iter().map(project_name).collect::<Vec<_>>().join(" → "))
        }
        BoardError::NotLoaded(_) => td_string!(locale, reasons.not_loaded).to_owned(),
        BoardError::OlderSchema { .. } => td_string!(locale, reasons.older_schema).to_owned(),
        BoardError::NewerSchema { .. } => td_string!(locale, reasons.newer_schema).to_owned(),
        BoardError::Corrupt(detail) => trd!(locale, reasons.corrupt, detail),
    }
}

/// Why the server refused changes this device sent (the close reason's code): a refusal for
/// who sent them names what only the owner, or only another member, may change.
pub fn changes_refused(locale: Locale, refused: ChangesRefused) -> &'static str {
    match refused {
        ChangesRefused::OwnerOnlySettings => td_string!(locale, reasons.refused_owner_only_settings),
        ChangesRefused::OwnerOnlyChecklist => td_string!(locale, reasons.refused_owner_only_checklist),
        ChangesRefused::NotYourJudgments => td_string!(locale, reasons.refused_not_your_judgments),
        ChangesRefused::Schema => td_string!(locale, reasons.refused_schema),
        ChangesRefused::TooLarge => td_string!(locale, reasons.refused_too_large),
        ChangesRefused::StringTooLong => td_string!(locale, reasons.refused_string_too_long),
        ChangesRefused::MissingDependencies => td_string!(locale, reasons.refused_missing_dependencies),
        ChangesRefused::InvalidChange => td_string!(locale, reasons.refused_invalid_change),
    }
}

/// The reason a page gives when it sets changes aside because the account became a viewer: a
/// code, kept in local storage with the changes and worded when shown.
pub const BECAME_VIEWER: &str = "became_viewer";

/// Why changes were set aside: the server's refusal or the page's reason (a code such as
/// [`BECAME_VIEWER`]) in the reader's words. A reason stored as text by an older version is
/// shown as it was written.
pub fn set_aside_reason(locale: Locale, kept: &SetAside) -> String {
    match kept.refused {
        Some(refused) => changes_refused(locale, refused).to_owned(),
        None if kept.reason == BECAME_VIEWER => td_string!(locale, board.became_viewer).to_owned(),
        None => kept.reason.clone(),
    }
}

/// A risk's probability or impact out of its 1–5 scale (the only ones a board refuses).
fn risk_error(locale: Locale, error: &RiskError) -> String {
    match error {
        RiskError::ProbabilityOutOfRange(value) => trd!(locale, reasons.probability_out_of_range, value),
        RiskError::ImpactOutOfRange(value) => trd!(locale, reasons.impact_out_of_range, value),
        _ => td_string!(locale, reasons.risk_other).to_owned(),
    }
}

/// What a refused value is, as a noun: "project name", "项目名称".
pub fn subject(locale: Locale, what: Subject) -> &'static str {
    match what {
        Subject::Project => td_string!(locale, reasons.subject_project),
        Subject::Person => td_string!(locale, reasons.subject_person),
        Subject::Risk => td_string!(locale, reasons.subject_risk),
        Subject::Lesson => td_string!(locale, reasons.subject_lesson),
        Subject::Decision => td_string!(locale, reasons.subject_decision),
        Subject::Baseline => td_string!(locale, reasons.subject_baseline),
        Subject::Milestone => td_string!(locale, reasons.subject_milestone),
        Subject::Objective => td_string!(locale, reasons.subject_objective),
        Subject::Criterion => td_string!(locale, reasons.subject_criterion),
        Subject::ChecklistItem => td_string!(locale, reasons.subject_checklist_item),
        Subject::Tick => td_string!(locale, reasons.subject_tick),
        Subject::Dependency => td_string!(locale, reasons.subject_dependency),
        Subject::Change => td_string!(locale, reasons.subject_change),
        Subject::BoardName => td_string!(locale, reasons.subject_board_name),
        Subject::ProjectName => td_string!(locale, reasons.subject_project_name),
        Subject::PersonName => td_string!(locale, reasons.subject_person_name),
        Subject::BaselineName => td_string!(locale, reasons.subject_baseline_name),
        Subject::CriterionName => td_string!(locale, reasons.subject_criterion_name),
        Subject::ObjectiveName => td_string!(locale, reasons.subject_objective_name),
        Subject::LessonTitle => td_string!(locale, reasons.subject_lesson_title),
        Subject::MilestoneName => td_string!(locale, reasons.subject_milestone_name),
        Subject::RiskTitle => td_string!(locale, reasons.subject_risk_title),
        Subject::Author => td_string!(locale, reasons.subject_author),
        Subject::Member => td_string!(locale, reasons.subject_member),
        Subject::Skill => td_string!(locale, reasons.subject_skill),
        Subject::Tag => td_string!(locale, reasons.subject_tag),
        Subject::ChecklistItemId
        | Subject::ProjectId
        | Subject::PersonId
        | Subject::RiskId
        | Subject::MilestoneId
        | Subject::LessonId
        | Subject::DecisionId
        | Subject::BaselineId
        | Subject::ObjectiveId
        | Subject::CriterionId => td_string!(locale, reasons.subject_id),
        Subject::Budget => td_string!(locale, reasons.subject_budget),
        Subject::BudgetEnvelope => td_string!(locale, reasons.subject_budget_envelope),
        Subject::ActualCost => td_string!(locale, reasons.subject_actual_cost),
        Subject::PlannedValue => td_string!(locale, reasons.subject_planned_value),
        Subject::EarnedValue => td_string!(locale, reasons.subject_earned_value),
        Subject::PercentComplete => td_string!(locale, reasons.subject_percent_complete),
        Subject::ObjectiveWeight => td_string!(locale, reasons.subject_objective_weight),
        Subject::CriterionWeight => td_string!(locale, reasons.subject_criterion_weight),
        Subject::Contribution => td_string!(locale, reasons.subject_contribution),
        Subject::Score => td_string!(locale, reasons.subject_score),
        Subject::GreenThreshold => td_string!(locale, reasons.subject_green_threshold),
        Subject::AmberThreshold => td_string!(locale, reasons.subject_amber_threshold),
        Subject::Capacity => td_string!(locale, reasons.subject_capacity),
        Subject::TimeOff => td_string!(locale, reasons.subject_time_off),
        Subject::Allocation => td_string!(locale, reasons.subject_allocation),
        Subject::BusinessValue => td_string!(locale, reasons.subject_business_value),
        Subject::TimeCriticality => td_string!(locale, reasons.subject_time_criticality),
        Subject::RiskReduction => td_string!(locale, reasons.subject_risk_reduction),
        Subject::JobSize => td_string!(locale, reasons.subject_job_size),
        Subject::Reach => td_string!(locale, reasons.subject_reach),
        Subject::Impact => td_string!(locale, reasons.subject_impact),
        Subject::Confidence => td_string!(locale, reasons.subject_confidence),
        Subject::Effort => td_string!(locale, reasons.subject_effort),
        Subject::Stage => td_string!(locale, reasons.subject_stage),
        Subject::Phase => td_string!(locale, reasons.subject_phase),
        Subject::DecisionKind => td_string!(locale, reasons.subject_decision_kind),
        Subject::OperatingModel => td_string!(locale, reasons.subject_operating_model),
        Subject::ScoringModel => td_string!(locale, reasons.subject_scoring_model),
    }
}

/// Why a project's earned value cannot be computed, as a clause: "the earned value (120,000)
/// is more than the budget at completion (100,000): …".
pub fn finance_error(locale: Locale, error: &FinanceError) -> String {
    let amount = |value: &f64| shared::format::amount(language_of(locale), *value);
    match error {
        FinanceError::InvalidAmount { figure, value } => {
            let figure = match figure {
                Amount::BudgetAtCompletion => td_string!(locale, reasons.amount_bac),
                Amount::PlannedValue => td_string!(locale, reasons.amount_pv),
                Amount::EarnedValue => td_string!(locale, reasons.amount_ev),
                Amount::ActualCost => td_string!(locale, reasons.amount_ac),
            };
            trd!(locale, reasons.invalid_amount, figure, value = figure_text(locale, *value))
        }
        FinanceError::EarnedValueAboveBudget { earned_value, budget_at_completion } => {
            trd!(locale, reasons.ev_above_budget, ev = amount(earned_value), bac = amount(budget_at_completion))
        }
        FinanceError::PlannedValueAboveBudget { planned_value, budget_at_completion } => {
            trd!(locale, reasons.pv_above_budget, pv = amount(planned_value), bac = amount(budget_at_completion))
        }
        FinanceError::InvalidRagThreshold { .. } => td_string!(locale, reasons.rag_threshold_invalid).to_owned(),
        FinanceError::RagThresholdsOutOfOrder { green_min, amber_min } => trd!(
            locale,
            reasons.rag_thresholds_out_of_order,
            green = figure(locale, *green_min),
            amber = figure(locale, *amber_min)
        ),
        FinanceError::InProject { error, .. } => finance_error(locale, error),
        FinanceError::InvalidIndex { .. } | FinanceError::UnknownRag(_) | FinanceError::DuplicateProject(_) => {
            td_string!(locale, reasons.figures_inconsistent).to_owned()
        }
    }
}

/// A computation the dashboard could not run, and why: "the earned value of CRM: …".
pub fn dashboard_problem(locale: Locale, problem: &Problem) -> String {
    let computation = match &problem.computation {
        Computation::Scoring => td_string!(locale, reasons.computation_scoring).to_owned(),
        Computation::Alignment => td_string!(locale, reasons.computation_alignment).to_owned(),
        Computation::Coverage => td_string!(locale, reasons.computation_coverage).to_owned(),
        Computation::RagThresholds => td_string!(locale, reasons.computation_rag_thresholds).to_owned(),
        Computation::EarnedValue(project) => trd!(locale, reasons.computation_earned_value, project),
        Computation::PortfolioEarnedValue => td_string!(locale, reasons.computation_portfolio_earned_value).to_owned(),
        Computation::RiskHeatMap => td_string!(locale, reasons.computation_risk_heat_map).to_owned(),
        Computation::RiskExposure => td_string!(locale, reasons.computation_risk_exposure).to_owned(),
        Computation::SuccessRate => td_string!(locale, reasons.computation_success_rate).to_owned(),
        Computation::Utilisation => td_string!(locale, reasons.computation_utilisation).to_owned(),
        Computation::CostAndSchedule => td_string!(locale, reasons.computation_cost_and_schedule).to_owned(),
        Computation::Milestones => td_string!(locale, reasons.computation_milestones).to_owned(),
    };
    let reason = match &problem.reason {
        Reason::Finance(error) => finance_error(locale, error),
        Reason::Scoring(ScoringError::NoWeight) => td_string!(locale, reasons.criteria_weigh_nothing).to_owned(),
        Reason::Alignment(AlignmentError::NoWeight) => td_string!(locale, reasons.objectives_weigh_nothing).to_owned(),
        Reason::Scoring(_) | Reason::Alignment(_) | Reason::Risk(_) | Reason::Kpi(_) => {
            td_string!(locale, reasons.figures_inconsistent).to_owned()
        }
    };
    trd!(locale, reasons.problem, computation, reason)
}

/// Why projects cannot be ranked (by a scoring model, or by strategic alignment when
/// `objectives`), as a sentence.
pub fn ranking_problem(locale: Locale, problem: &RankingProblem, objectives: bool) -> String {
    match (problem, objectives) {
        (RankingProblem::NothingToRankBy, false) => td_string!(locale, reasons.rank_no_criteria).to_owned(),
        (RankingProblem::NothingToRankBy, true) => td_string!(locale, reasons.rank_no_objectives).to_owned(),
        (RankingProblem::NoWeight, false) => td_string!(locale, reasons.rank_criteria_weigh_nothing).to_owned(),
        (RankingProblem::NoWeight, true) => td_string!(locale, reasons.rank_objectives_weigh_nothing).to_owned(),
        (RankingProblem::Other(_), _) => td_string!(locale, reasons.rank_figures_inconsistent).to_owned(),
    }
}

/// What a project lacks to be ranked, as a list: "a score on Risk, job size".
pub fn missing(locale: Locale, missing: &[Missing]) -> String {
    let separator = td_string!(locale, reasons.list_separator);
    missing
        .iter()
        .map(|what| match what {
            Missing::Score(criterion) => trd!(locale, reasons.missing_score, criterion),
            Missing::Estimate(what) => subject(locale, *what).to_owned(),
            Missing::Invalid(_) => td_string!(locale, reasons.missing_valid_estimates).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// Why a file cannot be imported, or a workbook written, as a sentence; `table` names a table
/// as the page does.
pub fn exchange_error(locale: Locale, error: &ExchangeError, table: &dyn Fn(Table) -> String) -> String {
    match error {
        ExchangeError::UnknownTable(name) => trd!(locale, reasons.exchange_unknown_table, name),
        ExchangeError::Xlsx(detail) => trd!(locale, reasons.exchange_xlsx, detail),
        ExchangeError::UnknownFormat(file) => trd!(locale, reasons.exchange_unknown_format, file),
        ExchangeError::Csv { file, reason } => trd!(locale, reasons.exchange_csv, file, detail = reason),
        ExchangeError::Workbook { file, reason } => trd!(locale, reasons.exchange_workbook, file, detail = reason),
        ExchangeError::UnrecognisedColumns { file, headers } => {
            trd!(locale, reasons.exchange_unrecognised_columns, file, headers)
        }
        ExchangeError::NotImportable { file, table: which } => {
            trd!(locale, reasons.exchange_not_importable, file, table = table(*which))
        }
        ExchangeError::Empty(file) => trd!(locale, reasons.exchange_empty, file),
        ExchangeError::TooManyRows { file, rows, max } => trd!(locale, reasons.exchange_too_many_rows, file, rows, max),
    }
}

/// Why no portfolio fits the forced-in projects, as a clause; `project_name` names a project
/// by its id.
pub fn infeasibility(locale: Locale, why: &Infeasibility, project_name: &dyn Fn(&ProjectId) -> String) -> String {
    let language = language_of(locale);
    match why {
        Infeasibility::Dependency { project, requires } => trd!(
            locale,
            reasons.infeasible_dependency,
            project = project_name(project),
            requires = project_name(requires)
        ),
        Infeasibility::Exclusion { first, second } => {
            trd!(locale, reasons.infeasible_exclusion, first = project_name(first), second = project_name(second))
        }
        Infeasibility::Budget { forced_cost, budget } => trd!(
            locale,
            reasons.infeasible_budget,
            cost = shared::format::whole_amount(language, *forced_cost),
            budget = shared::format::whole_amount(language, *budget)
        ),
        Infeasibility::Capacity { role, week, demand_hours, capacity_hours } => trd!(
            locale,
            reasons.infeasible_capacity,
            role,
            week = week_text(locale, week),
            demand = shared::format::hours(language, *demand_hours),
            capacity = shared::format::hours(language, *capacity_hours)
        ),
    }
}

/// Why the selection could not work with its problem (a project listed twice, a bad number,
/// a forced-in project also forced out, …), in full sentences, every project by its name.
/// The match has no catch-all arm: a new [`SelectionError`] variant does not build until it
/// has its sentence in both catalogues.
pub fn selection_error(locale: Locale, error: &SelectionError, project_name: &dyn Fn(&ProjectId) -> String) -> String {
    match error {
        SelectionError::DuplicateProject(project) => {
            trd!(locale, reasons.selection_duplicate_project, project = project_name(project))
        }
        SelectionError::UnknownProject { id, place } => trd!(
            locale,
            reasons.selection_unknown_project,
            place = project_listing(locale, place, project_name),
            project = project_name(id)
        ),
        SelectionError::BadNumber { what, value } => trd!(
            locale,
            reasons.selection_bad_number,
            what = selection_number(locale, what, project_name),
            value = figure(locale, *value)
        ),
        SelectionError::ForcedInAndOut(project) => {
            trd!(locale, reasons.selection_forced_in_and_out, project = project_name(project))
        }
        SelectionError::SelfExclusion(project) => {
            trd!(locale, reasons.selection_self_exclusion, project = project_name(project))
        }
        SelectionError::DuplicateCapacity { role, week } => {
            trd!(locale, reasons.selection_duplicate_capacity, role, week = week_text(locale, week))
        }
        // The solver's own detail has no wording but its English: it is kept inside the sentence.
        SelectionError::Solver(detail) => trd!(locale, reasons.selection_solver, detail),
    }
}

/// Where a selection problem named a project that is not a candidate.
fn project_listing(locale: Locale, place: &ProjectListing, project_name: &dyn Fn(&ProjectId) -> String) -> String {
    match place {
        ProjectListing::ForcedIn => td_string!(locale, reasons.selection_place_forced_in).to_owned(),
        ProjectListing::ForcedOut => td_string!(locale, reasons.selection_place_forced_out).to_owned(),
        ProjectListing::Dependency { project, requires } => trd!(
            locale,
            reasons.selection_place_dependency,
            project = project_name(project),
            requires = project_name(requires)
        ),
        ProjectListing::Exclusion { first, second } => {
            trd!(locale, reasons.selection_place_exclusion, first = project_name(first), second = project_name(second))
        }
    }
}

/// Which number of a selection problem was refused.
fn selection_number(locale: Locale, what: &SelectionNumber, project_name: &dyn Fn(&ProjectId) -> String) -> String {
    match what {
        SelectionNumber::Budget => td_string!(locale, reasons.selection_number_budget).to_owned(),
        SelectionNumber::FrontierBudget => td_string!(locale, reasons.selection_number_frontier_budget).to_owned(),
        SelectionNumber::AcceptedGap => td_string!(locale, reasons.selection_number_accepted_gap).to_owned(),
        SelectionNumber::Capacity { role, week } => {
            trd!(locale, reasons.selection_number_capacity, role, week = week_text(locale, week))
        }
        SelectionNumber::Value(project) => {
            trd!(locale, reasons.selection_number_value, project = project_name(project))
        }
        SelectionNumber::Cost(project) => trd!(locale, reasons.selection_number_cost, project = project_name(project)),
        SelectionNumber::Demand { project, role, week } => trd!(
            locale,
            reasons.selection_number_demand,
            project = project_name(project),
            role,
            week = week_text(locale, week)
        ),
    }
}

/// An ISO week as the language writes it; a text that is no ISO week as it is.
fn week_text(locale: Locale, week: &str) -> String {
    week.parse().map_or_else(|_| week.to_owned(), |week| shared::format::week(language_of(locale), week))
}

/// One change the server refused and the device set aside, as a line to copy.
pub fn difference(locale: Locale, difference: &Difference) -> String {
    let language = language_of(locale);
    let amount = |value: &f64| shared::format::amount(language, *value);
    let hours = |value: &f64| shared::format::hours(language, *value);
    let stage = |name: &String| {
        name.parse::<shared::Stage>().map_or_else(|_| name.clone(), |stage| stage_name(locale, stage).to_owned())
    };
    match difference {
        Difference::BoardName { ours, saved } => trd!(locale, reasons.aside_board_name, ours, saved),
        Difference::NewProject { name, stage: new_stage, budget } => {
            trd!(locale, reasons.aside_new_project, name, stage = stage(new_stage), budget = amount(budget))
        }
        Difference::ProjectName { name, saved } => trd!(locale, reasons.aside_project_name, name, saved),
        Difference::ProjectStage { name, stage: now, saved } => {
            trd!(locale, reasons.aside_project_stage, name, stage = stage(now), saved = stage(saved))
        }
        Difference::ProjectBudget { name, budget, saved } => {
            trd!(locale, reasons.aside_project_budget, name, budget = amount(budget), saved = amount(saved))
        }
        Difference::DeletedProject { name } => trd!(locale, reasons.aside_deleted_project, name),
        Difference::NewPerson { name, capacity_hours_per_week } => {
            trd!(locale, reasons.aside_new_person, name, hours = hours(capacity_hours_per_week))
        }
        Difference::PersonName { name, saved } => trd!(locale, reasons.aside_person_name, name, saved),
        Difference::PersonCapacity { name, capacity_hours_per_week, saved } => trd!(
            locale,
            reasons.aside_person_capacity,
            name,
            hours = hours(capacity_hours_per_week),
            saved = hours(saved)
        ),
        Difference::RemovedPerson { name } => trd!(locale, reasons.aside_removed_person, name),
        Difference::Booking { person, project, week, hours: now, saved } => trd!(
            locale,
            reasons.aside_booking,
            person,
            project,
            week = week_text(locale, week),
            hours = hours(now),
            saved = hours(saved)
        ),
        Difference::Other => td_string!(locale, reasons.aside_other).to_owned(),
        Difference::Written(line) => line.clone(),
    }
}

/// A project's stage, as the pages name it (`common.stage_*`).
fn stage_name(locale: Locale, stage: shared::Stage) -> &'static str {
    use shared::Stage;
    match stage {
        Stage::Proposed => td_string!(locale, common.stage_proposed),
        Stage::Screening => td_string!(locale, common.stage_screening),
        Stage::Approved => td_string!(locale, common.stage_approved),
        Stage::Active => td_string!(locale, common.stage_active),
        Stage::OnHold => td_string!(locale, common.stage_on_hold),
        Stage::Closed => td_string!(locale, common.stage_closed),
        Stage::Cancelled => td_string!(locale, common.stage_cancelled),
    }
}

/// What went wrong with the open board on this device (see `session`): the browser's storage
/// or the sync. The details are the browser's (or Automerge's) own words.
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceProblem {
    /// The browser's storage (IndexedDB) cannot be opened: edits live only as long as the page.
    NoStorage(String),
    /// The copy in this browser cannot be read: it is left alone and the board comes from the
    /// server.
    CopyUnreadable(String),
    /// The browser's storage refused changes; they were sent to the server anyway.
    Store(String),
    /// A frame from the server could not be used (the session asks again).
    Sync,
    /// The changes the server refused could not be taken off the board.
    SetAside(String),
}

/// A problem of this device with the open board, in full sentences.
pub fn device_problem(locale: Locale, problem: &DeviceProblem) -> String {
    match problem {
        DeviceProblem::NoStorage(detail) => trd!(locale, reasons.no_storage, detail),
        DeviceProblem::CopyUnreadable(detail) => trd!(locale, reasons.copy_unreadable, detail),
        DeviceProblem::Store(detail) => trd!(locale, reasons.store_failed, detail),
        DeviceProblem::Sync => td_string!(locale, reasons.sync_failed).to_owned(),
        DeviceProblem::SetAside(detail) => trd!(locale, reasons.set_aside_failed, detail),
    }
}

/// A figure as typed ("0.85", "200"), or as Rust writes what is not a number ("NaN", "inf").
fn figure(locale: Locale, value: f64) -> String {
    figure_text(locale, value)
}

fn figure_text(locale: Locale, value: f64) -> String {
    if value.is_finite() {
        shared::format::number(language_of(locale), value, 4)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use shared::finance::EarnedValueFigures;

    use super::*;

    fn no_names(id: &ProjectId) -> String {
        id.to_string()
    }

    /// Each case in English and Chinese: the sentence a PMO lead reads.
    #[test]
    fn board_refusals_are_worded_in_both_languages() {
        let (erp, crm): (ProjectId, ProjectId) = ("erp".parse().unwrap(), "crm".parse().unwrap());
        let name = |id: &ProjectId| if id.as_str() == "erp" { "ERP".to_owned() } else { "CRM".to_owned() };
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let cases: Vec<(BoardError, &str, &str)> = vec![
            (
                BoardError::Empty { what: Subject::ProjectName },
                "The project name cannot be empty.",
                "项目名称不能为空。",
            ),
            (
                BoardError::NotANonNegativeNumber { what: Subject::Budget, value: -5.0 },
                "The budget must be a number of at least 0, not -5.",
                "预算必须是不小于 0 的数字，不能为 -5。",
            ),
            (
                BoardError::TooLarge { what: Subject::Allocation, value: 200.0, max: 168.0 },
                "The booked hours must be at most 168, not 200.",
                "分配工时最多为 168，不能为 200。",
            ),
            (
                BoardError::EndBeforeStart { start: day("2027-03-01"), end: day("2027-01-01") },
                "The end (1 Jan 2027) is before the start (1 Mar 2027).",
                "结束日期（2027年1月1日）早于开始日期（2027年3月1日）。",
            ),
            (
                BoardError::DependencyCycle(vec![crm.clone(), erp.clone(), crm.clone()]),
                "This dependency would make a cycle: CRM → ERP → CRM.",
                "此依赖关系会形成循环：CRM → ERP → CRM。",
            ),
            (BoardError::SelfDependency(erp.clone()), "A project cannot depend on itself.", "项目不能依赖自身。"),
            (
                BoardError::NotACurrency("EURO".into()),
                "“EURO” is not a currency code: use three letters, such as CNY or EUR.",
                "“EURO”不是货币代码：请使用三个字母，例如 CNY 或 EUR。",
            ),
            (
                BoardError::BaselineNameTaken("Q1".into()),
                "There is already a baseline named “Q1”: choose another name.",
                "已有名为“Q1”的基线：请换一个名称。",
            ),
            (
                BoardError::RiskThresholds { medium_min: 5, high_min: 4, critical_min: 20 },
                "Risk thresholds must rise within 2–25 (medium < high < critical): medium 5, high 4, critical 20.",
                "风险阈值必须在 2–25 之间依次升高（中 < 高 < 极高）：中 5，高 4，极高 20。",
            ),
            (
                BoardError::Risk(RiskError::ProbabilityOutOfRange(7)),
                "The probability must be a whole number from 1 (rare) to 5 (almost certain), not 7.",
                "可能性必须是 1（罕见）到 5（几乎确定）之间的整数，不能为 7。",
            ),
            (
                BoardError::Unknown { what: Subject::Risk, id: "r1".into() },
                "This risk is no longer on the board: a colleague may have deleted it.",
                "此风险已不在组合看板上：可能已被同事删除。",
            ),
            (
                BoardError::ImportRefused(2),
                "2 rows of the file are refused: correct them and import the file again (nothing was written).",
                "文件中有 2 行被拒绝：请更正后重新导入（未写入任何内容）。",
            ),
            (
                BoardError::ListedTwice(erp.clone()),
                "ERP is listed twice in the new order.",
                "ERP在新的顺序中出现了两次。",
            ),
        ];
        for (error, english, chinese) in cases {
            assert_eq!(board_error(Locale::en, &error, &name), english, "{error:?}");
            assert_eq!(board_error(Locale::zh, &error, &name), chinese, "{error:?}");
        }
        assert_eq!(edit_refused(Locale::zh, &EditRefused::ReadOnly, &no_names), "你可以查看此组合看板，但不能修改。");
        assert_eq!(
            edit_refused(Locale::en, &EditRefused::NotLoaded, &no_names),
            "This board has not arrived yet: wait for the first sync."
        );
    }

    /// A change refused for who sent it says so, naming what only the owner (or the member)
    /// may change, never that it would break the board; every refusal is worded in both
    /// languages, and a set-aside reads the refusal, not the English reason kept with it.
    #[test]
    fn refused_changes_are_worded_in_both_languages() {
        let cases = [
            (
                ChangesRefused::OwnerOnlySettings,
                "Only the board's owner can change the settings.",
                "只有看板所有者可以修改设置。",
            ),
            (
                ChangesRefused::OwnerOnlyChecklist,
                "Only the board's owner can change the stage-gate checklist.",
                "只有看板所有者可以修改阶段关口检查清单。",
            ),
            (
                ChangesRefused::NotYourJudgments,
                "Each member answers the AHP comparisons only for themself; these were another member's.",
                "每位成员只能填写自己的 AHP 两两比较；这些是其他成员的判断。",
            ),
        ];
        for (refused, english, chinese) in cases {
            assert!(refused.is_permission());
            assert_eq!(changes_refused(Locale::en, refused), english);
            assert_eq!(changes_refused(Locale::zh, refused), chinese);
        }
        let mut seen = std::collections::HashSet::new();
        for refused in ChangesRefused::ALL {
            let (english, chinese) = (changes_refused(Locale::en, refused), changes_refused(Locale::zh, refused));
            assert!(seen.insert(english) && !english.is_empty(), "{refused:?}");
            assert!(!chinese.is_ascii(), "{refused:?} in Chinese: {chinese}");
            assert_eq!(english.contains("break the board"), refused == ChangesRefused::Schema, "{refused:?}");
        }
        let kept = SetAside {
            reason: "the server refused the changes (owner_only_settings)".into(),
            refused: Some(ChangesRefused::OwnerOnlySettings),
            lines: Vec::new(),
        };
        assert_eq!(set_aside_reason(Locale::zh, &kept), "只有看板所有者可以修改设置。");
        // The page's own reason is a code, worded in the language of the moment it is shown.
        let viewer = SetAside { reason: BECAME_VIEWER.into(), refused: None, lines: Vec::new() };
        assert_eq!(set_aside_reason(Locale::en, &viewer), td_string!(Locale::en, board.became_viewer));
        assert_eq!(set_aside_reason(Locale::zh, &viewer), td_string!(Locale::zh, board.became_viewer));
        assert_ne!(set_aside_reason(Locale::en, &viewer), set_aside_reason(Locale::zh, &viewer));
        // One an older version stored as text stays as it was written.
        let older = SetAside { reason: "你已成为查看者".into(), refused: None, lines: Vec::new() };
        assert_eq!(set_aside_reason(Locale::en, &older), "你已成为查看者");
    }

    /// Every subject has its own noun in each language, and none is left in English in Chinese.
    #[test]
    fn every_subject_is_named_in_both_languages() {
        use Subject::*;
        let all = [
            Project,
            Person,
            Risk,
            Lesson,
            Decision,
            Baseline,
            Milestone,
            Objective,
            Criterion,
            ChecklistItem,
            Tick,
            Dependency,
            Change,
            BoardName,
            ProjectName,
            PersonName,
            BaselineName,
            CriterionName,
            ObjectiveName,
            LessonTitle,
            MilestoneName,
            RiskTitle,
            Author,
            Skill,
            Tag,
            ChecklistItemId,
            ProjectId,
            Budget,
            BudgetEnvelope,
            ActualCost,
            PlannedValue,
            EarnedValue,
            PercentComplete,
            ObjectiveWeight,
            CriterionWeight,
            Contribution,
            Score,
            GreenThreshold,
            AmberThreshold,
            Capacity,
            TimeOff,
            Allocation,
            BusinessValue,
            TimeCriticality,
            RiskReduction,
            JobSize,
            Reach,
            Impact,
            Confidence,
            Effort,
            Stage,
            Phase,
            DecisionKind,
            OperatingModel,
            ScoringModel,
        ];
        for what in all {
            let (english, chinese) = (subject(Locale::en, what), subject(Locale::zh, what));
            assert!(!english.is_empty() && english != chinese, "{what:?}: {english} / {chinese}");
            assert!(!chinese.chars().any(|c| c.is_ascii_lowercase()), "{what:?} in Chinese: {chinese}");
        }
    }

    #[test]
    fn earned_value_problems_are_worded_in_both_languages() {
        let figures = EarnedValueFigures {
            budget_at_completion: 100_000.0,
            planned_value: 50_000.0,
            earned_value: 120_000.0,
            actual_cost: 40_000.0,
        };
        let error = shared::finance::earned_value(&figures).unwrap_err();
        assert_eq!(
            finance_error(Locale::en, &error),
            "the earned value (120,000) is more than the budget at completion (100,000): correct EV or rebaseline the budget"
        );
        assert_eq!(
            finance_error(Locale::zh, &error),
            "挣值（120,000）超过完工预算（100,000）：请更正挣值，或重新确定预算基线"
        );
        let negative = FinanceError::InvalidAmount { figure: Amount::ActualCost, value: -1.0 };
        assert_eq!(
            finance_error(Locale::en, &negative),
            "the actual cost (AC) must be an amount of at least 0, not -1"
        );
        assert_eq!(finance_error(Locale::zh, &negative), "实际成本（AC）必须是不小于 0 的金额，不能为 -1");
    }

    #[test]
    fn device_problems_are_worded_in_both_languages() {
        let full = DeviceProblem::NoStorage("QuotaExceededError".into());
        assert_eq!(
            device_problem(Locale::en, &full),
            "This browser cannot store the board (QuotaExceededError): edits are kept only while this page is open, \
             and reach the server when it is online."
        );
        assert_eq!(
            device_problem(Locale::zh, &full),
            "此浏览器无法保存组合看板（QuotaExceededError）：修改只在本页面打开期间保留，联网后会发送到服务器。"
        );
        assert_eq!(device_problem(Locale::zh, &DeviceProblem::Sync), "服务器发来的同步数据无法使用：将自动重新同步。");
    }

    #[test]
    fn an_infeasible_selection_names_projects_and_figures() {
        let name = |id: &ProjectId| if *id == "p-erp" { "ERP".to_owned() } else { "CRM".to_owned() };
        let budget = Infeasibility::Budget { forced_cost: 250_000.0, budget: 200_000.0 };
        assert_eq!(
            infeasibility(Locale::en, &budget, &name),
            "the projects forced in, with the projects they require, cost 250,000, more than the budget of 200,000: \
             raise the budget to at least 250,000 or force fewer projects in"
        );
        assert_eq!(
            infeasibility(Locale::zh, &budget, &name),
            "强制入选的项目及其依赖的项目共需 250,000，超过预算 200,000：请将预算提高到至少 250,000，或减少强制入选的项目"
        );
        let dependency =
            Infeasibility::Dependency { project: "p-erp".parse().unwrap(), requires: "p-crm".parse().unwrap() };
        assert_eq!(
            infeasibility(Locale::zh, &dependency, &name),
            "ERP必须入选（被强制入选，或被强制入选的项目所依赖），但它依赖的CRM被强制排除：请强制入选CRM，或不再强制入选ERP"
        );
    }

    /// One selection error of each kind, every refused number and every listing among them.
    fn every_selection_error() -> Vec<SelectionError> {
        let id = |text: &str| -> ProjectId { text.parse().unwrap() };
        let (role, week) = ("dev".to_owned(), "2027-W05".to_owned());
        let numbers = [
            SelectionNumber::Budget,
            SelectionNumber::FrontierBudget,
            SelectionNumber::AcceptedGap,
            SelectionNumber::Capacity { role: role.clone(), week: week.clone() },
            SelectionNumber::Value(id("p-erp")),
            SelectionNumber::Cost(id("p-erp")),
            SelectionNumber::Demand { project: id("p-erp"), role: role.clone(), week: week.clone() },
        ];
        let listings = [
            ProjectListing::ForcedIn,
            ProjectListing::ForcedOut,
            ProjectListing::Dependency { project: id("p-erp"), requires: id("p-crm") },
            ProjectListing::Exclusion { first: id("p-erp"), second: id("p-crm") },
        ];
        let mut errors = vec![
            SelectionError::DuplicateProject(id("p-erp")),
            SelectionError::ForcedInAndOut(id("p-erp")),
            SelectionError::SelfExclusion(id("p-crm")),
            SelectionError::DuplicateCapacity { role, week },
            SelectionError::Solver("it found no feasible portfolio".into()),
        ];
        errors.extend(numbers.into_iter().map(|what| SelectionError::BadNumber { what, value: -1.0 }));
        errors.extend(listings.into_iter().map(|place| SelectionError::UnknownProject { id: id("p-crm"), place }));
        errors
    }

    #[test]
    fn every_selection_error_is_worded_in_both_languages() {
        let name = |id: &ProjectId| if *id == "p-erp" { "ERP".to_owned() } else { "CRM".to_owned() };
        let errors = every_selection_error();
        // Every kind is among the examples: adding a variant to `SelectionError` breaks this
        // match until it has an example here, and `selection_error`'s match until it has its
        // sentences (which `every_key_is_in_both_languages` finds in both catalogues).
        let kind = |error: &SelectionError| match error {
            SelectionError::DuplicateProject(_) => 0,
            SelectionError::UnknownProject { .. } => 1,
            SelectionError::BadNumber { .. } => 2,
            SelectionError::ForcedInAndOut(_) => 3,
            SelectionError::SelfExclusion(_) => 4,
            SelectionError::DuplicateCapacity { .. } => 5,
            SelectionError::Solver(_) => 6,
        };
        assert_eq!(errors.iter().map(kind).collect::<std::collections::BTreeSet<_>>().len(), 7);
        let mut seen = std::collections::BTreeSet::new();
        for error in &errors {
            let (english, chinese) =
                (selection_error(Locale::en, error, &name), selection_error(Locale::zh, error, &name));
            for text in [&english, &chinese] {
                assert!(!text.contains('{') && !text.contains('`'), "{text:?}: a variable left, or an id shown");
                assert!(!text.contains("p-erp") && !text.contains("p-crm"), "{text:?}: a project by its id");
            }
            assert!(chinese.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{chinese:?} is not in Chinese");
            assert!(!chinese.contains(" is ") && !chinese.contains(" the "), "{chinese:?} has English in it");
            assert_ne!(english, error.to_string(), "the English sentence is the app's, not shared's");
            assert!(seen.insert(chinese.clone()), "{chinese:?} says the same as another error");
        }
        let cases = [
            (
                SelectionError::ForcedInAndOut("p-erp".parse().unwrap()),
                "ERP is both forced in and forced out: keep only one of the two.",
                "ERP既被强制入选又被强制排除：只能保留其中一个。",
            ),
            (
                SelectionError::BadNumber { what: SelectionNumber::Budget, value: f64::NAN },
                "The budget is NaN: give a finite number of 0 or more.",
                "预算为 NaN：请填写 0 或以上的有限数字。",
            ),
            (
                SelectionError::BadNumber {
                    what: SelectionNumber::Demand {
                        project: "p-erp".parse().unwrap(),
                        role: "dev".into(),
                        week: "2027-W05".into(),
                    },
                    value: -2.5,
                },
                "The demand of ERP for dev hours in W05 2027 is -2.5: give a finite number of 0 or more.",
                "ERP在2027年第5周对dev的工时需求为 -2.5：请填写 0 或以上的有限数字。",
            ),
            (
                SelectionError::UnknownProject {
                    id: "p-crm".parse().unwrap(),
                    place: ProjectListing::Dependency {
                        project: "p-erp".parse().unwrap(),
                        requires: "p-crm".parse().unwrap(),
                    },
                },
                "The dependency “ERP requires CRM” names CRM, which is not a candidate: add it to the candidates or \
                 remove it there.",
                "依赖关系“ERP依赖CRM”提到了CRM，但它不是候选项目：请把它加入候选项目，或从那里删除。",
            ),
        ];
        for (error, english, chinese) in cases {
            assert_eq!(selection_error(Locale::en, &error, &name), english);
            assert_eq!(selection_error(Locale::zh, &error, &name), chinese);
        }
    }

    #[test]
    fn changes_set_aside_read_in_both_languages() {
        let cases = [
            (
                Difference::ProjectStage { name: "ERP".into(), stage: "approved".into(), saved: "proposed".into() },
                "Project “ERP”: stage Approved (saved: Proposed)",
                "项目“ERP”：阶段为已立项（已保存：提案）",
            ),
            (
                Difference::Booking {
                    person: "Li Wei".into(),
                    project: "ERP".into(),
                    week: "2026-W49".into(),
                    hours: 16.0,
                    saved: 0.0,
                },
                "Li Wei on “ERP” in W49 2026: 16 h (saved: 0 h)",
                "Li Wei：“ERP”，2026年第49周，16 小时（已保存：0 小时）",
            ),
            (Difference::Written("as it was".into()), "as it was", "as it was"),
        ];
        for (line, english, chinese) in cases {
            assert_eq!(difference(Locale::en, &line), english);
            assert_eq!(difference(Locale::zh, &line), chinese);
        }
    }

    #[test]
    fn what_a_ranking_lacks_reads_in_both_languages() {
        let lacks = [Missing::Score("Risk".into()), Missing::Estimate(Subject::JobSize)];
        assert_eq!(missing(Locale::en, &lacks), "a score on Risk, job size");
        assert_eq!(missing(Locale::zh, &lacks), "Risk的评分、工作规模");
        assert_eq!(
            ranking_problem(Locale::zh, &RankingProblem::NoWeight, true),
            "所有战略目标的权重都为 0：请至少给一个战略目标大于 0 的权重，才能对项目排序。"
        );
        assert_eq!(
            ranking_problem(Locale::en, &RankingProblem::NothingToRankBy, false),
            "Add a criterion to score the projects on."
        );
    }

    #[test]
    fn an_unreadable_import_says_why_in_both_languages() {
        let table = |_: Table| "Capacity".to_owned();
        let error = ExchangeError::TooManyRows { file: "big.csv".into(), rows: 20_000, max: 10_000 };
        assert_eq!(
            exchange_error(Locale::en, &error, &table),
            "big.csv has 20000 rows; an import takes at most 10000: split it into smaller files."
        );
        assert_eq!(
            exchange_error(Locale::zh, &error, &table),
            "big.csv 有 20000 行，一次导入最多 10000 行：请拆分成较小的文件。"
        );
    }

    #[test]
    fn dashboard_problems_are_worded_in_both_languages() {
        let problem = Problem {
            computation: Computation::EarnedValue("CRM".into()),
            reason: Reason::Finance(FinanceError::PlannedValueAboveBudget {
                planned_value: 150_000.0,
                budget_at_completion: 100_000.0,
            }),
        };
        assert_eq!(
            dashboard_problem(Locale::en, &problem),
            "the earned value of CRM: the planned value (150,000) is more than the budget at completion (100,000): \
             correct PV or rebaseline the budget"
        );
        assert_eq!(
            dashboard_problem(Locale::zh, &problem),
            "CRM的挣值：计划价值（150,000）超过完工预算（100,000）：请更正计划价值，或重新确定预算基线"
        );
        let weightless = Problem { computation: Computation::Scoring, reason: Reason::Scoring(ScoringError::NoWeight) };
        assert_eq!(
            dashboard_problem(Locale::zh, &weightless),
            "评分排序：所有评分标准的权重都为 0：请至少给一个评分标准大于 0 的权重"
        );
    }
}

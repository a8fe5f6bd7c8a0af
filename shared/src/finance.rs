//! Earned value (挣值管理), the measuring side of financial management (财务管理): how far each
//! project's cost and schedule are from plan, what it will cost at the end, whether that calls
//! for a green, amber or red status, and the same figures rolled up over the portfolio.
//!
//! Data flows one way. A project's four measured figures, [`EarnedValueFigures`], go into
//! [`earned_value`], which validates them and returns the variances, indices and forecasts as
//! an [`EarnedValue`]. [`computed_rag`] turns its two indices into a [`Rag`] under the board's
//! [`RagThresholds`], and [`compare_rag`] sets that beside the project manager's own RAG: a
//! difference between the two is a signal worth a conversation. [`portfolio_earned_value`]
//! does the same for many projects at once and adds them up.
//!
//! All amounts are cumulative to the status date and in the board's one currency.
//!
//! ```
//! use shared::finance::{self, EarnedValueFigures, Rag, RagThresholds};
//! let figures = EarnedValueFigures {
//!     budget_at_completion: 100_000.0,
//!     planned_value: 50_000.0,
//!     earned_value: 40_000.0,
//!     actual_cost: 45_000.0,
//! };
//! let ev = finance::earned_value(&figures).unwrap();
//! assert_eq!(ev.cost_variance, -5_000.0);
//! assert_eq!(ev.estimate_at_completion, 112_500.0);
//!
//! let thresholds = RagThresholds::default();
//! let computed = finance::computed_rag(ev.cost_performance_index, ev.schedule_performance_index, &thresholds);
//! assert_eq!(computed, Ok(Some(Rag::Red))); // SPI 0.8 is below amber's 0.85
//! assert!(finance::compare_rag(computed.unwrap(), Some(Rag::Green)).differs);
//! ```
//!
//! # Ratios that have no value
//!
//! Every amount is at least 0, so a ratio whose denominator is 0 is either 0/0 (undefined) or
//! x/0 (infinitely good): it is `None`, never NaN or infinity.
//! - CPI = EV/AC is `None` while no cost is booked (AC = 0); SPI = EV/PV is `None` while nothing
//!   was planned to be done yet (PV = 0).
//! - EAC is always a number, because the portfolio adds EACs up and a project that has not
//!   started must not make the total unknown. [`EstimateBasis`] says which formula gave it:
//!   BAC ÷ CPI normally; BAC when AC = 0 (no cost evidence says the plan is wrong); and
//!   AC + (BAC − EV) when EV = 0 but AC > 0 (CPI is 0 and BAC ÷ 0 is infinite, so the remaining
//!   work is costed at budget rates on top of what was spent). ETC and VAC follow from EAC.
//! - TCPI = (BAC − EV)/(BAC − AC) is `None` when AC ≥ BAC: the budget is spent, and no
//!   efficiency can finish the work within it (the formula would give infinity or a negative).
//! - A computed RAG rates only the indices that exist. A missing index never signals trouble
//!   (see above), so it does not pull the rating down; with neither index the project is not
//!   rated yet (`None`).

use std::{collections::HashSet, fmt, str::FromStr};

use crate::ids::ProjectId;

/// A project's measured figures, all cumulative to the status date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarnedValueFigures {
    /// BAC (完工预算): the whole approved budget.
    pub budget_at_completion: f64,
    /// PV (计划价值): the budgeted cost of the work scheduled to be done by now.
    pub planned_value: f64,
    /// EV (挣值): the budgeted cost of the work actually done by now.
    pub earned_value: f64,
    /// AC (实际成本): what the work done by now actually cost.
    pub actual_cost: f64,
}

/// Which formula gave the estimate at completion; see the module doc for why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EstimateBasis {
    /// EAC = BAC ÷ CPI: the cost efficiency so far holds to the end.
    CostPerformance,
    /// EAC = BAC: no cost is booked yet, so nothing says the budget is wrong.
    Budget,
    /// EAC = AC + (BAC − EV): money was spent but nothing earned (CPI = 0); the remaining work
    /// is costed at budget rates.
    ActualPlusRemainingBudget,
}

/// Earned-value indicators of one project. Negative variances are bad news.
#[derive(Debug, Clone, PartialEq)]
pub struct EarnedValue {
    /// CV = EV − AC; below 0 the work done cost more than budgeted.
    pub cost_variance: f64,
    /// SV = EV − PV; below 0 less work is done than planned.
    pub schedule_variance: f64,
    /// CPI = EV ÷ AC; `None` while AC = 0.
    pub cost_performance_index: Option<f64>,
    /// SPI = EV ÷ PV; `None` while PV = 0.
    pub schedule_performance_index: Option<f64>,
    /// EAC, normally BAC ÷ CPI (computed as BAC × AC ÷ EV, which is exact for whole amounts).
    pub estimate_at_completion: f64,
    pub estimate_basis: EstimateBasis,
    /// ETC = EAC − AC: what the rest will cost.
    pub estimate_to_complete: f64,
    /// VAC = BAC − EAC; below 0 the project is forecast to overrun its budget.
    pub variance_at_completion: f64,
    /// TCPI = (BAC − EV) ÷ (BAC − AC): the cost efficiency the remaining work needs to finish
    /// within BAC. `None` when the budget is spent (AC ≥ BAC).
    pub to_complete_performance_index: Option<f64>,
}

/// Red, amber, green status (红黄绿灯). Ordered from best to worst, so the worse of two is
/// their `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    pub const ALL: [Rag; 3] = [Rag::Green, Rag::Amber, Rag::Red];

    /// Every name [`Rag::as_str`] gives, in the order of [`Rag::ALL`]: the names the board schema
    /// allows.
    pub const NAMES: [&'static str; 3] = names_of!(Rag);

    pub const fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }
}

impl fmt::Display for Rag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rag {
    type Err = FinanceError;

    fn from_str(text: &str) -> Result<Rag, FinanceError> {
        Rag::ALL.into_iter().find(|rag| rag.as_str() == text).ok_or_else(|| FinanceError::UnknownRag(text.to_owned()))
    }
}

/// The board owner's thresholds for the computed RAG (settings). Built only through
/// [`RagThresholds::new`], so a value of this type is always usable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RagThresholds {
    green_min: f64,
    amber_min: f64,
}

impl RagThresholds {
    /// Green when both CPI and SPI are at least `green_min`, amber when both are at least
    /// `amber_min`, red otherwise. Needs 0 < `amber_min` ≤ `green_min`, both finite; equal
    /// thresholds are allowed and leave no amber band.
    pub fn new(green_min: f64, amber_min: f64) -> Result<RagThresholds, FinanceError> {
        for (threshold, value) in [("green", green_min), ("amber", amber_min)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(FinanceError::InvalidRagThreshold { threshold, value });
            }
        }
        if amber_min > green_min {
            return Err(FinanceError::RagThresholdsOutOfOrder { green_min, amber_min });
        }
        Ok(RagThresholds { green_min, amber_min })
    }

    pub fn green_min(&self) -> f64 {
        self.green_min
    }

    pub fn amber_min(&self) -> f64 {
        self.amber_min
    }

    fn rate(&self, index: f64) -> Rag {
        if index >= self.green_min {
            Rag::Green
        } else if index >= self.amber_min {
            Rag::Amber
        } else {
            Rag::Red
        }
    }
}

impl Default for RagThresholds {
    /// Green from 0.95, amber from 0.85: a common PMO convention.
    fn default() -> RagThresholds {
        RagThresholds { green_min: 0.95, amber_min: 0.85 }
    }
}

/// The computed RAG beside the project manager's own. `differs` is true only when both exist
/// and disagree: a missing rating is not evidence of anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RagComparison {
    pub computed: Option<Rag>,
    pub manual: Option<Rag>,
    pub differs: bool,
}

/// One project's figures in a portfolio roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFigures {
    pub project_id: ProjectId,
    pub figures: EarnedValueFigures,
}

/// One project's indicators in a portfolio roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectEarnedValue {
    pub project_id: ProjectId,
    pub earned_value: EarnedValue,
}

/// Earned value summed over the portfolio (项目组合).
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioEarnedValue {
    /// Each project's own indicators, in the order given.
    pub projects: Vec<ProjectEarnedValue>,
    /// ΣBAC.
    pub budget_at_completion: f64,
    /// ΣPV.
    pub planned_value: f64,
    /// ΣEV.
    pub earned_value: f64,
    /// ΣAC.
    pub actual_cost: f64,
    /// ΣEV ÷ ΣAC, which weights each project by its size; `None` while ΣAC = 0.
    pub cost_performance_index: Option<f64>,
    /// ΣEV ÷ ΣPV; `None` while ΣPV = 0.
    pub schedule_performance_index: Option<f64>,
    /// Σ of the projects' own EACs. Each project's efficiency applies to its own remaining
    /// work, which ΣBAC ÷ portfolio CPI would blur.
    pub estimate_at_completion: f64,
    /// Budget variance ΣBAC − ΣEAC (= ΣVAC); below 0 the portfolio is forecast over budget.
    pub budget_variance: f64,
}

/// One of the four amounts of earned value, as a [`FinanceError`] names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    BudgetAtCompletion,
    PlannedValue,
    EarnedValue,
    ActualCost,
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Amount::BudgetAtCompletion => "the budget at completion (BAC)",
            Amount::PlannedValue => "the planned value (PV)",
            Amount::EarnedValue => "the earned value (EV)",
            Amount::ActualCost => "the actual cost (AC)",
        })
    }
}

/// Bad input to a finance computation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FinanceError {
    #[error("{figure} must be a finite amount of at least 0, not {value}: enter it in the board's currency")]
    InvalidAmount { figure: Amount, value: f64 },
    #[error(
        "earned value {earned_value} is more than the budget at completion {budget_at_completion}: EV is the \
         budgeted cost of the work done and cannot exceed the whole budget; correct EV or rebaseline BAC"
    )]
    EarnedValueAboveBudget { earned_value: f64, budget_at_completion: f64 },
    #[error(
        "planned value {planned_value} is more than the budget at completion {budget_at_completion}: PV is the \
         budgeted cost of the work scheduled so far and cannot exceed the whole budget; correct PV or rebaseline BAC"
    )]
    PlannedValueAboveBudget { planned_value: f64, budget_at_completion: f64 },
    #[error("{index} must be a finite number of at least 0, not {value}: pass None when it cannot be computed")]
    InvalidIndex { index: &'static str, value: f64 },
    #[error("the {threshold} RAG threshold must be a finite index above 0 (such as 0.95), not {value}")]
    InvalidRagThreshold { threshold: &'static str, value: f64 },
    #[error(
        "the amber RAG threshold ({amber_min}) is above the green one ({green_min}): amber must be the lower index"
    )]
    RagThresholdsOutOfOrder { green_min: f64, amber_min: f64 },
    #[error("`{0}` is not a RAG status: use green, amber or red")]
    UnknownRag(String),
    #[error("project {0} has more than one row of figures: keep one per project, or its amounts count twice")]
    DuplicateProject(ProjectId),
    #[error("project {project_id}: {error}")]
    InProject { project_id: ProjectId, error: Box<FinanceError> },
}

/// CV, SV, CPI, SPI, EAC, ETC, VAC and TCPI of one project; see the module doc for the cases
/// where a ratio has no value.
///
/// Errors when an amount is negative, NaN or infinite, or when PV or EV exceeds BAC (both are
/// parts of BAC by definition, so more is a data-entry mistake).
pub fn earned_value(figures: &EarnedValueFigures) -> Result<EarnedValue, FinanceError> {
    validate(figures)?;
    let EarnedValueFigures { budget_at_completion: bac, planned_value: pv, earned_value: ev, actual_cost: ac } =
        *figures;
    let (estimate_at_completion, estimate_basis) = if ac == 0.0 {
        (bac, EstimateBasis::Budget)
    } else if ev == 0.0 {
        (ac + (bac - ev), EstimateBasis::ActualPlusRemainingBudget)
    } else {
        (bac * ac / ev, EstimateBasis::CostPerformance)
    };
    Ok(EarnedValue {
        cost_variance: ev - ac,
        schedule_variance: ev - pv,
        cost_performance_index: ratio(ev, ac),
        schedule_performance_index: ratio(ev, pv),
        estimate_at_completion,
        estimate_basis,
        estimate_to_complete: estimate_at_completion - ac,
        variance_at_completion: bac - estimate_at_completion,
        to_complete_performance_index: (bac > ac).then(|| (bac - ev) / (bac - ac)),
    })
}

/// The RAG that CPI and SPI call for: the worse of the two indices' ratings, where an index
/// rates green from `green_min`, amber from `amber_min`, red below. A missing index is left
/// out; with neither, `None` (not rated yet). Errors on a negative, NaN or infinite index.
pub fn computed_rag(
    cost_performance_index: Option<f64>,
    schedule_performance_index: Option<f64>,
    thresholds: &RagThresholds,
) -> Result<Option<Rag>, FinanceError> {
    let rate = |index: &'static str, value: Option<f64>| match value {
        Some(value) if !(value.is_finite() && value >= 0.0) => Err(FinanceError::InvalidIndex { index, value }),
        Some(value) => Ok(Some(thresholds.rate(value))),
        None => Ok(None),
    };
    let cost = rate("the cost performance index (CPI)", cost_performance_index)?;
    let schedule = rate("the schedule performance index (SPI)", schedule_performance_index)?;
    Ok(cost.into_iter().chain(schedule).max())
}

/// Sets the computed RAG beside the manager's. Any pair of ratings is valid input, so this
/// cannot fail.
pub fn compare_rag(computed: Option<Rag>, manual: Option<Rag>) -> RagComparison {
    let differs = matches!((computed, manual), (Some(computed), Some(manual)) if computed != manual);
    RagComparison { computed, manual, differs }
}

/// Each project's indicators and the portfolio totals. Project ids must be unique, so no
/// project is counted twice. An empty portfolio has zero totals and no indices.
pub fn portfolio_earned_value(projects: &[ProjectFigures]) -> Result<PortfolioEarnedValue, FinanceError> {
    let mut seen = HashSet::new();
    let mut rows = Vec::with_capacity(projects.len());
    for project in projects {
        if !seen.insert(&project.project_id) {
            return Err(FinanceError::DuplicateProject(project.project_id.clone()));
        }
        let earned_value = earned_value(&project.figures).map_err(|error| FinanceError::InProject {
            project_id: project.project_id.clone(),
            error: Box::new(error),
        })?;
        rows.push(ProjectEarnedValue { project_id: project.project_id.clone(), earned_value });
    }
    let total =
        |figure: fn(&EarnedValueFigures) -> f64| projects.iter().map(|project| figure(&project.figures)).sum::<f64>();
    let budget_at_completion = total(|figures| figures.budget_at_completion);
    let planned_value = total(|figures| figures.planned_value);
    let earned_value = total(|figures| figures.earned_value);
    let actual_cost = total(|figures| figures.actual_cost);
    let estimate_at_completion = rows.iter().map(|row| row.earned_value.estimate_at_completion).sum::<f64>();
    Ok(PortfolioEarnedValue {
        projects: rows,
        budget_at_completion,
        planned_value,
        earned_value,
        actual_cost,
        cost_performance_index: ratio(earned_value, actual_cost),
        schedule_performance_index: ratio(earned_value, planned_value),
        estimate_at_completion,
        budget_variance: budget_at_completion - estimate_at_completion,
    })
}

fn validate(figures: &EarnedValueFigures) -> Result<(), FinanceError> {
    let amounts = [
        (Amount::BudgetAtCompletion, figures.budget_at_completion),
        (Amount::PlannedValue, figures.planned_value),
        (Amount::EarnedValue, figures.earned_value),
        (Amount::ActualCost, figures.actual_cost),
    ];
    for (figure, value) in amounts {
        if !(value.is_finite() && value >= 0.0) {
            return Err(FinanceError::InvalidAmount { figure, value });
        }
    }
    let budget_at_completion = figures.budget_at_completion;
    if figures.earned_value > budget_at_completion {
        return Err(FinanceError::EarnedValueAboveBudget { earned_value: figures.earned_value, budget_at_completion });
    }
    if figures.planned_value > budget_at_completion {
        return Err(FinanceError::PlannedValueAboveBudget {
            planned_value: figures.planned_value,
            budget_at_completion,
        });
    }
    Ok(())
}

/// `numerator ÷ denominator` for amounts of at least 0; `None` when the denominator is 0.
fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| numerator / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(id: &str) -> ProjectId {
        id.parse().unwrap()
    }

    fn figures(
        budget_at_completion: f64,
        planned_value: f64,
        earned_value: f64,
        actual_cost: f64,
    ) -> EarnedValueFigures {
        EarnedValueFigures { budget_at_completion, planned_value, earned_value, actual_cost }
    }

    /// Indices are checked to the 4 decimals written in the worked examples.
    fn assert_index(actual: Option<f64>, expected: Option<f64>) {
        match (actual, expected) {
            (Some(actual), Some(expected)) => {
                assert!((actual - expected).abs() < 5e-5, "index {actual}, expected {expected}")
            }
            _ => assert_eq!(actual, expected),
        }
    }

    /// Amounts are checked to a cent.
    fn assert_amount(actual: f64, expected: f64) {
        assert!((actual - expected).abs() < 0.005, "amount {actual}, expected {expected}");
    }

    /// Expected CV, SV, CPI, SPI, EAC, basis, ETC, VAC, TCPI and computed RAG (default thresholds).
    struct Expected {
        cv: f64,
        sv: f64,
        cpi: Option<f64>,
        spi: Option<f64>,
        eac: f64,
        basis: EstimateBasis,
        etc: f64,
        vac: f64,
        tcpi: Option<f64>,
        rag: Option<Rag>,
    }

    fn check(input: EarnedValueFigures, expected: Expected) {
        let ev = earned_value(&input).unwrap();
        assert_amount(ev.cost_variance, expected.cv);
        assert_amount(ev.schedule_variance, expected.sv);
        assert_index(ev.cost_performance_index, expected.cpi);
        assert_index(ev.schedule_performance_index, expected.spi);
        assert_amount(ev.estimate_at_completion, expected.eac);
        assert_eq!(ev.estimate_basis, expected.basis);
        assert_amount(ev.estimate_to_complete, expected.etc);
        assert_amount(ev.variance_at_completion, expected.vac);
        assert_index(ev.to_complete_performance_index, expected.tcpi);
        let rag = computed_rag(ev.cost_performance_index, ev.schedule_performance_index, &RagThresholds::default());
        assert_eq!(rag, Ok(expected.rag));
    }

    #[test]
    fn behind_schedule_and_over_cost() {
        // CV = 40 000 − 45 000 = −5 000            SV = 40 000 − 50 000 = −10 000
        // CPI = 40 000 / 45 000 = 0.8889            SPI = 40 000 / 50 000 = 0.8
        // EAC = 100 000 / 0.8889 = 100 000 × 45 000 / 40 000 = 112 500
        // ETC = 112 500 − 45 000 = 67 500           VAC = 100 000 − 112 500 = −12 500
        // TCPI = (100 000 − 40 000) / (100 000 − 45 000) = 60 000 / 55 000 = 1.0909
        // RAG: CPI 0.8889 is amber, SPI 0.8 is red → red.
        check(
            figures(100_000.0, 50_000.0, 40_000.0, 45_000.0),
            Expected {
                cv: -5_000.0,
                sv: -10_000.0,
                cpi: Some(0.8889),
                spi: Some(0.8),
                eac: 112_500.0,
                basis: EstimateBasis::CostPerformance,
                etc: 67_500.0,
                vac: -12_500.0,
                tcpi: Some(1.0909),
                rag: Some(Rag::Red),
            },
        );
    }

    #[test]
    fn ahead_and_under_cost() {
        // CV = 100 000 − 80 000 = 20 000            SV = 100 000 − 100 000 = 0
        // CPI = 100 000 / 80 000 = 1.25             SPI = 1.0
        // EAC = 200 000 × 80 000 / 100 000 = 160 000, ETC = 160 000 − 80 000 = 80 000
        // VAC = 200 000 − 160 000 = 40 000
        // TCPI = (200 000 − 100 000) / (200 000 − 80 000) = 100 000 / 120 000 = 0.8333
        // RAG: both indices ≥ 0.95 → green.
        check(
            figures(200_000.0, 100_000.0, 100_000.0, 80_000.0),
            Expected {
                cv: 20_000.0,
                sv: 0.0,
                cpi: Some(1.25),
                spi: Some(1.0),
                eac: 160_000.0,
                basis: EstimateBasis::CostPerformance,
                etc: 80_000.0,
                vac: 40_000.0,
                tcpi: Some(0.8333),
                rag: Some(Rag::Green),
            },
        );
    }

    #[test]
    fn not_started() {
        // Nothing planned, earned or spent: CPI and SPI are 0/0, so None and not rated.
        // EAC falls back to BAC = 50 000; ETC = 50 000 − 0; VAC = 0.
        // TCPI = (50 000 − 0) / (50 000 − 0) = 1.0.
        check(
            figures(50_000.0, 0.0, 0.0, 0.0),
            Expected {
                cv: 0.0,
                sv: 0.0,
                cpi: None,
                spi: None,
                eac: 50_000.0,
                basis: EstimateBasis::Budget,
                etc: 50_000.0,
                vac: 0.0,
                tcpi: Some(1.0),
                rag: None,
            },
        );
    }

    #[test]
    fn work_done_but_no_cost_booked_yet() {
        // AC = 0: CPI = 3 000 / 0 is None; EAC falls back to BAC = 10 000, ETC = 10 000, VAC = 0.
        // SPI = 3 000 / 4 000 = 0.75 → red on schedule alone.
        // TCPI = (10 000 − 3 000) / (10 000 − 0) = 0.7.
        check(
            figures(10_000.0, 4_000.0, 3_000.0, 0.0),
            Expected {
                cv: 3_000.0,
                sv: -1_000.0,
                cpi: None,
                spi: Some(0.75),
                eac: 10_000.0,
                basis: EstimateBasis::Budget,
                etc: 10_000.0,
                vac: 0.0,
                tcpi: Some(0.7),
                rag: Some(Rag::Red),
            },
        );
    }

    #[test]
    fn money_spent_nothing_earned() {
        // CPI = 0 / 1 500 = 0, so BAC / CPI is infinite: EAC = AC + (BAC − EV) = 1 500 + 10 000 = 11 500.
        // ETC = 11 500 − 1 500 = 10 000; VAC = 10 000 − 11 500 = −1 500.
        // SPI = 0 / 2 000 = 0. TCPI = 10 000 / (10 000 − 1 500) = 1.1765. RAG red.
        check(
            figures(10_000.0, 2_000.0, 0.0, 1_500.0),
            Expected {
                cv: -1_500.0,
                sv: -2_000.0,
                cpi: Some(0.0),
                spi: Some(0.0),
                eac: 11_500.0,
                basis: EstimateBasis::ActualPlusRemainingBudget,
                etc: 10_000.0,
                vac: -1_500.0,
                tcpi: Some(1.1765),
                rag: Some(Rag::Red),
            },
        );
    }

    #[test]
    fn budget_already_spent() {
        // AC 12 000 > BAC 10 000: TCPI = 2 000 / −2 000 has no meaning → None.
        // CPI = 8 000 / 12 000 = 0.6667, SPI = 8 000 / 10 000 = 0.8.
        // EAC = 10 000 × 12 000 / 8 000 = 15 000; ETC = 3 000; VAC = −5 000. RAG red.
        check(
            figures(10_000.0, 10_000.0, 8_000.0, 12_000.0),
            Expected {
                cv: -4_000.0,
                sv: -2_000.0,
                cpi: Some(0.6667),
                spi: Some(0.8),
                eac: 15_000.0,
                basis: EstimateBasis::CostPerformance,
                etc: 3_000.0,
                vac: -5_000.0,
                tcpi: None,
                rag: Some(Rag::Red),
            },
        );
    }

    #[test]
    fn finished_under_budget() {
        // EV = BAC: all work done. CPI = 10 000 / 9 000 = 1.1111, EAC = 10 000 × 9 000 / 10 000 = 9 000.
        // ETC = 0, VAC = 1 000, TCPI = 0 / 1 000 = 0. RAG green.
        check(
            figures(10_000.0, 10_000.0, 10_000.0, 9_000.0),
            Expected {
                cv: 1_000.0,
                sv: 0.0,
                cpi: Some(1.1111),
                spi: Some(1.0),
                eac: 9_000.0,
                basis: EstimateBasis::CostPerformance,
                etc: 0.0,
                vac: 1_000.0,
                tcpi: Some(0.0),
                rag: Some(Rag::Green),
            },
        );
    }

    #[test]
    fn bad_figures_are_refused_with_the_value_named() {
        let cases = [
            (figures(-1.0, 0.0, 0.0, 0.0), "budget at completion (BAC) must be a finite amount of at least 0, not -1"),
            (figures(100.0, f64::NAN, 0.0, 0.0), "planned value (PV) must be a finite amount of at least 0, not NaN"),
            (
                figures(100.0, 0.0, f64::INFINITY, 0.0),
                "earned value (EV) must be a finite amount of at least 0, not inf",
            ),
            (figures(100.0, 0.0, 0.0, -0.5), "actual cost (AC) must be a finite amount of at least 0, not -0.5"),
            (figures(100.0, 50.0, 120.0, 60.0), "earned value 120 is more than the budget at completion 100"),
            (figures(100.0, 101.0, 50.0, 60.0), "planned value 101 is more than the budget at completion 100"),
        ];
        for (input, message) in cases {
            let error = earned_value(&input).unwrap_err().to_string();
            assert!(error.contains(message), "{input:?}: got `{error}`, expected it to contain `{message}`");
        }
    }

    #[test]
    fn rag_boundaries() {
        let thresholds = RagThresholds::default();
        // (CPI, SPI, expected): exactly at a threshold is the better band.
        let cases = [
            (Some(0.95), Some(0.95), Some(Rag::Green)),
            (Some(0.9499), Some(1.2), Some(Rag::Amber)),
            (Some(1.2), Some(0.9499), Some(Rag::Amber)),
            (Some(0.85), Some(0.85), Some(Rag::Amber)),
            (Some(0.8499), Some(0.95), Some(Rag::Red)),
            (Some(0.95), Some(0.8499), Some(Rag::Red)),
            (Some(0.0), Some(0.0), Some(Rag::Red)),
            (None, Some(0.95), Some(Rag::Green)),
            (Some(0.9), None, Some(Rag::Amber)),
            (None, None, None),
        ];
        for (cpi, spi, expected) in cases {
            assert_eq!(computed_rag(cpi, spi, &thresholds), Ok(expected), "CPI {cpi:?}, SPI {spi:?}");
        }
        // The boundary is also exact when the index comes out of a division: 95/100 = 0.95.
        let ev = earned_value(&figures(200.0, 100.0, 95.0, 100.0)).unwrap();
        let rag = computed_rag(ev.cost_performance_index, ev.schedule_performance_index, &thresholds);
        assert_eq!(rag, Ok(Some(Rag::Green)));
        let ev = earned_value(&figures(200.0, 100.0, 85.0, 100.0)).unwrap();
        let rag = computed_rag(ev.cost_performance_index, ev.schedule_performance_index, &thresholds);
        assert_eq!(rag, Ok(Some(Rag::Amber)));
    }

    #[test]
    fn custom_thresholds_and_their_validation() {
        let strict = RagThresholds::new(1.0, 0.9).unwrap();
        assert_eq!(computed_rag(Some(0.95), Some(1.0), &strict), Ok(Some(Rag::Amber)));
        let no_amber = RagThresholds::new(0.9, 0.9).unwrap();
        assert_eq!(computed_rag(Some(0.89), Some(1.0), &no_amber), Ok(Some(Rag::Red)));

        let cases = [
            (0.95, 0.0, "the amber RAG threshold must be a finite index above 0 (such as 0.95), not 0"),
            (f64::NAN, 0.85, "the green RAG threshold must be a finite index above 0 (such as 0.95), not NaN"),
            (0.85, 0.95, "the amber RAG threshold (0.95) is above the green one (0.85)"),
        ];
        for (green, amber, message) in cases {
            let error = RagThresholds::new(green, amber).unwrap_err().to_string();
            assert!(error.contains(message), "got `{error}`, expected `{message}`");
        }
        let error = computed_rag(Some(-0.1), None, &strict).unwrap_err().to_string();
        assert!(error.contains("cost performance index (CPI) must be a finite number of at least 0, not -0.1"));
    }

    #[test]
    fn comparing_with_the_managers_rag() {
        // (computed, manual, differs)
        let cases = [
            (Some(Rag::Red), Some(Rag::Green), true),
            (Some(Rag::Amber), Some(Rag::Amber), false),
            (None, Some(Rag::Red), false),
            (Some(Rag::Green), None, false),
        ];
        for (computed, manual, differs) in cases {
            assert_eq!(compare_rag(computed, manual), RagComparison { computed, manual, differs });
        }
    }

    #[test]
    fn rag_names_round_trip() {
        for rag in Rag::ALL {
            assert_eq!(rag.to_string().parse::<Rag>(), Ok(rag));
        }
        assert_eq!("RED".parse::<Rag>(), Err(FinanceError::UnknownRag("RED".into())));
    }

    #[test]
    fn portfolio_roll_up() {
        // A: BAC 100 000, PV 50 000, EV 40 000, AC 45 000 → EAC 112 500 (see the first test).
        // B: BAC 200 000, PV 100 000, EV 100 000, AC 80 000 → EAC 160 000.
        // ΣBAC 300 000, ΣPV 150 000, ΣEV 140 000, ΣAC 125 000.
        // CPI = 140 000 / 125 000 = 1.12; SPI = 140 000 / 150 000 = 0.9333.
        // ΣEAC = 112 500 + 160 000 = 272 500 (not ΣBAC / CPI = 267 857);
        // budget variance = 300 000 − 272 500 = 27 500.
        let projects = [
            ProjectFigures { project_id: project("erp"), figures: figures(100_000.0, 50_000.0, 40_000.0, 45_000.0) },
            ProjectFigures { project_id: project("crm"), figures: figures(200_000.0, 100_000.0, 100_000.0, 80_000.0) },
        ];
        let portfolio = portfolio_earned_value(&projects).unwrap();
        assert_eq!(portfolio.projects.len(), 2);
        assert_eq!(portfolio.projects[1].project_id, "crm");
        assert_amount(portfolio.projects[1].earned_value.estimate_at_completion, 160_000.0);
        assert_amount(portfolio.budget_at_completion, 300_000.0);
        assert_amount(portfolio.planned_value, 150_000.0);
        assert_amount(portfolio.earned_value, 140_000.0);
        assert_amount(portfolio.actual_cost, 125_000.0);
        assert_index(portfolio.cost_performance_index, Some(1.12));
        assert_index(portfolio.schedule_performance_index, Some(0.9333));
        assert_amount(portfolio.estimate_at_completion, 272_500.0);
        assert_amount(portfolio.budget_variance, 27_500.0);
    }

    #[test]
    fn empty_portfolio_has_no_indices() {
        let portfolio = portfolio_earned_value(&[]).unwrap();
        assert_eq!(portfolio.cost_performance_index, None);
        assert_eq!(portfolio.schedule_performance_index, None);
        assert_eq!(portfolio.estimate_at_completion, 0.0);
        assert_eq!(portfolio.budget_variance, 0.0);
    }

    #[test]
    fn portfolio_errors_name_the_project() {
        let row = |id: &str, bac: f64| ProjectFigures { project_id: project(id), figures: figures(bac, 0.0, 0.0, 0.0) };
        let cases = [
            (
                vec![row("erp", 10.0), row("crm", -3.0)],
                "project crm: the budget at completion (BAC) must be a finite amount",
            ),
            (vec![row("erp", 10.0), row("erp", 20.0)], "project erp has more than one row of figures"),
        ];
        for (projects, message) in cases {
            let error = portfolio_earned_value(&projects).unwrap_err().to_string();
            assert!(error.contains(message), "got `{error}`, expected `{message}`");
        }
        // A row cannot name an empty project: its id is a `ProjectId`, which is never empty.
        assert!(" ".parse::<ProjectId>().is_err());
    }
}

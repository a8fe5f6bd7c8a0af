//! The finance page (财务): every project's earned-value figures in one sortable table, the
//! portfolio's totals, its budget against the envelope, the computed RAG against the
//! manager's (disagreements first), and the points of the CPI × SPI chart.

use std::cmp::Ordering;

use crate::{
    board::{BoardSnapshot, Stage},
    finance::{self, EarnedValue, ProjectFigures, Rag},
    views::project::{health, Health},
    ProjectId,
};

/// One project's row.
#[derive(Debug, Clone, PartialEq)]
pub struct FinanceRow {
    pub project: ProjectId,
    pub name: String,
    pub stage: Stage,
    /// Place in the priority order, from 0.
    pub rank: usize,
    pub health: Health,
}

impl FinanceRow {
    pub fn earned_value(&self) -> Option<&EarnedValue> {
        self.health.earned_value.as_ref().ok()
    }
}

/// What the table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Disagreeing RAGs first, then priority order: the default.
    Attention,
    Name,
    Budget,
    ActualCost,
    CostVariance,
    ScheduleVariance,
    Cpi,
    Spi,
    Eac,
    Vac,
}

/// Every project's row, disagreements between computed and manual RAG first, then in priority
/// order.
pub fn rows(board: &BoardSnapshot) -> Vec<FinanceRow> {
    let mut rows: Vec<FinanceRow> = board
        .projects
        .iter()
        .enumerate()
        .map(|(rank, project)| FinanceRow {
            project: project.id.clone(),
            name: project.name.clone(),
            stage: project.stage,
            rank,
            health: health(&board.settings, project),
        })
        .collect();
    sort(&mut rows, SortKey::Attention, false);
    rows
}

/// Sorts rows by `key`, ascending or descending; a row without the figure (an index that has
/// no value, figures that do not add up) always goes last. Ties keep priority order.
pub fn sort(rows: &mut [FinanceRow], key: SortKey, descending: bool) {
    let figure = |row: &FinanceRow| -> Option<f64> {
        let ev = row.earned_value();
        match key {
            SortKey::Attention | SortKey::Name => None,
            SortKey::Budget => Some(row.health.figures.budget_at_completion),
            SortKey::ActualCost => Some(row.health.figures.actual_cost),
            SortKey::CostVariance => ev.map(|ev| ev.cost_variance),
            SortKey::ScheduleVariance => ev.map(|ev| ev.schedule_variance),
            SortKey::Cpi => ev.and_then(|ev| ev.cost_performance_index),
            SortKey::Spi => ev.and_then(|ev| ev.schedule_performance_index),
            SortKey::Eac => ev.map(|ev| ev.estimate_at_completion),
            SortKey::Vac => ev.map(|ev| ev.variance_at_completion),
        }
    };
    let direct = |order: Ordering| if descending { order.reverse() } else { order };
    rows.sort_by(|a, b| {
        let order = match key {
            SortKey::Attention => direct(b.health.rag.differs.cmp(&a.health.rag.differs)),
            SortKey::Name => direct(a.name.to_lowercase().cmp(&b.name.to_lowercase())),
            _ => match (figure(a), figure(b)) {
                (Some(x), Some(y)) => direct(x.total_cmp(&y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        order.then(a.rank.cmp(&b.rank))
    });
}

/// The portfolio's totals and its budget against the envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    pub budget_at_completion: f64,
    pub planned_value: f64,
    pub earned_value: f64,
    pub actual_cost: f64,
    pub cost_performance_index: Option<f64>,
    pub schedule_performance_index: Option<f64>,
    pub estimate_at_completion: f64,
    pub variance_at_completion: f64,
    /// Projects whose figures do not add up, left out of the totals.
    pub left_out: Vec<String>,
    /// Budgets of approved, active and on-hold projects: what counts against the envelope.
    pub committed_budget: f64,
    pub envelope: Option<f64>,
    /// Envelope − committed budget; below 0 the envelope is exceeded.
    pub headroom: Option<f64>,
}

pub fn totals(board: &BoardSnapshot, rows: &[FinanceRow]) -> Totals {
    let usable: Vec<ProjectFigures> = rows
        .iter()
        .filter(|row| row.earned_value().is_some())
        .map(|row| ProjectFigures { project_id: row.project.clone(), figures: row.health.figures })
        .collect();
    let left_out = rows.iter().filter(|row| row.earned_value().is_none()).map(|row| row.name.clone()).collect();
    let committed_budget: f64 = board.projects.iter().filter(|p| p.stage.is_committed()).map(|p| p.budget).sum();
    let envelope = board.settings.budget_envelope;
    // Every row in `usable` passed `earned_value` already, so the roll-up cannot fail.
    let portfolio = finance::portfolio_earned_value(&usable).ok();
    let portfolio = portfolio.as_ref();
    Totals {
        budget_at_completion: portfolio.map_or(0.0, |p| p.budget_at_completion),
        planned_value: portfolio.map_or(0.0, |p| p.planned_value),
        earned_value: portfolio.map_or(0.0, |p| p.earned_value),
        actual_cost: portfolio.map_or(0.0, |p| p.actual_cost),
        cost_performance_index: portfolio.and_then(|p| p.cost_performance_index),
        schedule_performance_index: portfolio.and_then(|p| p.schedule_performance_index),
        estimate_at_completion: portfolio.map_or(0.0, |p| p.estimate_at_completion),
        variance_at_completion: portfolio.map_or(0.0, |p| p.budget_variance),
        left_out,
        committed_budget,
        envelope,
        headroom: envelope.map(|envelope| envelope - committed_budget),
    }
}

/// One project on the CPI × SPI chart, in chart units (the SVG's user space).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPoint {
    pub project: ProjectId,
    pub name: String,
    pub cpi: f64,
    pub spi: f64,
    pub x: f64,
    pub y: f64,
    pub rag: Option<Rag>,
}

/// The chart's square: indices from [`CHART_MIN`] to [`CHART_MAX`] over `size` units, SPI
/// along x, CPI up the y axis (so y is flipped); 1.0 is the middle line of each axis.
pub const CHART_MIN: f64 = 0.5;
pub const CHART_MAX: f64 = 1.5;

/// Where an index sits along an axis of `size` units; indices off the chart sit on its edge.
pub fn chart_position(index: f64, size: f64) -> f64 {
    (index.clamp(CHART_MIN, CHART_MAX) - CHART_MIN) / (CHART_MAX - CHART_MIN) * size
}

/// Projects with both indices, as points on a chart `size` units square.
pub fn chart_points(rows: &[FinanceRow], size: f64) -> Vec<ChartPoint> {
    rows.iter()
        .filter_map(|row| {
            let ev = row.earned_value()?;
            let (cpi, spi) = (ev.cost_performance_index?, ev.schedule_performance_index?);
            Some(ChartPoint {
                project: row.project.clone(),
                name: row.name.clone(),
                cpi,
                spi,
                x: chart_position(spi, size),
                y: size - chart_position(cpi, size),
                rag: row.health.rag.computed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{Board, Financials, NewProject};

    fn add(board: &mut Board, id: &str, name: &str, stage: Stage, budget: f64, figures: Financials) -> ProjectId {
        let id: ProjectId = id.parse().unwrap();
        board.add_project(id.clone(), NewProject { name: name.into(), stage, budget }).unwrap();
        board.set_project_financials(&id, figures).unwrap();
        id
    }

    fn money(planned_value: f64, earned_value: f64, actual_cost: f64) -> Financials {
        Financials { actual_cost, planned_value, earned_value, percent_complete: 0.0 }
    }

    /// ERP: BAC 100, PV 50, EV 40, AC 50 → CPI 0.8, SPI 0.8, red; the manager says green.
    /// CRM: BAC 200, PV 100, EV 110, AC 100 → CPI 1.1, SPI 1.1, green.
    /// Ops: BAC 50, PV 10, EV 60 (above BAC): left out.
    fn portfolio() -> Board {
        let mut board = Board::new("Finance").unwrap();
        let erp = add(&mut board, "erp", "ERP", Stage::Active, 100.0, money(50.0, 40.0, 50.0));
        board.set_manual_rag(&erp, Some(Rag::Green), "fine").unwrap();
        add(&mut board, "crm", "CRM", Stage::Approved, 200.0, money(100.0, 110.0, 100.0));
        add(&mut board, "ops", "Ops", Stage::Proposed, 50.0, money(10.0, 60.0, 0.0));
        board.set_budget_envelope(Some(250.0)).unwrap();
        board
    }

    fn names(rows: &[FinanceRow]) -> Vec<&str> {
        rows.iter().map(|row| row.name.as_str()).collect()
    }

    #[test]
    fn disagreements_come_first_then_priority_order() {
        let mut board = portfolio();
        // Put ERP last in the priority order: its disagreement still brings it to the top.
        board.move_project(&"erp".parse().unwrap(), 5).unwrap();
        let rows = rows(&board.snapshot());
        assert_eq!(names(&rows), ["ERP", "CRM", "Ops"]);
        assert!(rows[0].health.rag.differs);
        assert_eq!(rows[0].health.rag.computed, Some(Rag::Red));
    }

    #[test]
    fn sorting_by_a_figure_puts_rows_without_it_last() {
        let mut rows = rows(&portfolio().snapshot());
        sort(&mut rows, SortKey::Cpi, false);
        assert_eq!(names(&rows), ["ERP", "CRM", "Ops"]);
        sort(&mut rows, SortKey::Cpi, true);
        assert_eq!(names(&rows), ["CRM", "ERP", "Ops"]);
        sort(&mut rows, SortKey::Budget, true);
        assert_eq!(names(&rows), ["CRM", "ERP", "Ops"]);
        sort(&mut rows, SortKey::Name, false);
        assert_eq!(names(&rows), ["CRM", "ERP", "Ops"]);
    }

    #[test]
    fn totals_leave_out_figures_that_do_not_add_up_and_compare_with_the_envelope() {
        let board = portfolio();
        let snapshot = board.snapshot();
        let totals = totals(&snapshot, &rows(&snapshot));
        assert_eq!(totals.left_out, ["Ops"]);
        assert_eq!(totals.budget_at_completion, 300.0);
        assert_eq!(totals.planned_value, 150.0);
        assert_eq!(totals.earned_value, 150.0);
        assert_eq!(totals.actual_cost, 150.0);
        assert_eq!(totals.cost_performance_index, Some(1.0));
        // EAC: ERP 100 / 0.8 = 125, CRM 200 / 1.1 = 181.81…; VAC = 300 − 306.81… = −6.81…
        assert!((totals.estimate_at_completion - (125.0 + 200.0 / 1.1)).abs() < 1e-9);
        assert!((totals.variance_at_completion + 6.818_181_818).abs() < 1e-6);
        // Committed: ERP (active) 100 + CRM (approved) 200 = 300 against 250.
        assert_eq!(totals.committed_budget, 300.0);
        assert_eq!(totals.headroom, Some(-50.0));
    }

    #[test]
    fn chart_points_place_spi_across_and_cpi_up() {
        let rows = rows(&portfolio().snapshot());
        let points = chart_points(&rows, 200.0);
        assert_eq!(points.len(), 2);
        // ERP: SPI 0.8 → x = (0.8 − 0.5) / 1.0 × 200 = 60; CPI 0.8 → y = 200 − 60 = 140.
        let erp = points.iter().find(|p| p.name == "ERP").unwrap();
        assert!((erp.x - 60.0).abs() < 1e-9 && (erp.y - 140.0).abs() < 1e-9);
        // Indices off the chart sit on its edge.
        assert_eq!(chart_position(3.0, 200.0), 200.0);
        assert_eq!(chart_position(0.1, 200.0), 0.0);
    }
}

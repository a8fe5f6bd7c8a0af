//! The printable portfolio review (组合评审报告): what senior management reads, gathered from
//! the view-models the board's pages use, so that every figure in the report is the figure on
//! its page.
//!
//! ```text
//! BoardSnapshot ─▶ dashboard::compute ─┬─▶ KPI tiles, RAG counts, bubbles   (dashboard page)
//!                                      ├─▶ ranking by weighted score        (scoring page)
//!                                      ├─▶ over-allocated people            (resources page)
//!                                      ├─▶ red projects with earned value   (finance page)
//!                                      ├─▶ top risks and the heat map       (risks page)
//!                                      └─▶ decisions since the baseline     (decisions page)
//! ```
//!
//! The selection and its frontier are solved by the page itself, a slice at a time, as on the
//! selection page.

use super::{
    dashboard::{self as dashboard_view, Bubble, ChartFrame, KpiTile, RagCounts},
    finance::{self, FinanceRow},
    resources::{self, OverAllocation},
    risks::{self, HeatCell, RiskRow},
    scoring::{self, Model, ModelRanking},
};
use crate::{
    board::{BoardSnapshot, Decision, DecisionKind},
    dashboard,
    finance::Rag,
    IsoWeek,
};

/// How many risks the report lists.
pub const TOP_RISKS: usize = 10;

/// Everything the report shows but the selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub kpis: Vec<KpiTile>,
    pub rag: RagCounts,
    pub bubbles: Vec<Bubble>,
    pub ranking: ModelRanking,
    pub over_allocated: Vec<OverAllocation>,
    /// Projects whose computed or manager's RAG is red, in priority order.
    pub red_projects: Vec<FinanceRow>,
    /// Open risks, highest score first.
    pub top_risks: Vec<RiskRow>,
    pub open_risks: usize,
    pub heat_map: Vec<Vec<HeatCell>>,
    /// The decision the later ones are counted from: the last reprioritisation of the
    /// portfolio, or `None` when there was none (then every decision is listed).
    pub baseline: Option<Decision>,
    /// Decisions after the baseline, oldest first.
    pub decisions: Vec<Decision>,
}

/// The report on `weeks` (the planning horizon), with the bubble chart drawn in `chart`.
pub fn report(board: &BoardSnapshot, weeks: &[IsoWeek], chart: &ChartFrame) -> Report {
    let figures = dashboard::compute(board, weeks);
    let mut red_projects: Vec<FinanceRow> = finance::rows(board)
        .into_iter()
        .filter(|row| row.health.rag.computed == Some(Rag::Red) || row.health.rag.manual == Some(Rag::Red))
        .collect();
    red_projects.sort_by_key(|row| row.rank);
    let register = risks::register(board, &Default::default());
    let open: Vec<RiskRow> = register.into_iter().filter(|row| row.risk.roam.counts_toward_exposure()).collect();
    let mut decisions: Vec<Decision> = board.decisions.to_vec();
    decisions.sort_by(|a, b| (a.recorded.at_ms, &a.id).cmp(&(b.recorded.at_ms, &b.id)));
    let baseline = decisions.iter().rev().find(|decision| decision.kind == DecisionKind::Reprioritise).cloned();
    let since: Vec<Decision> = match &baseline {
        Some(baseline) => decisions
            .into_iter()
            .filter(|decision| (decision.recorded.at_ms, &decision.id) > (baseline.recorded.at_ms, &baseline.id))
            .collect(),
        None => decisions,
    };
    Report {
        kpis: dashboard_view::kpi_tiles(&figures),
        rag: dashboard_view::rag_counts(board, &figures),
        bubbles: dashboard_view::bubbles(board, &figures, chart),
        ranking: scoring::ranking(board, Model::Weighted),
        over_allocated: resources::over_allocations_from(board, &figures.over_allocated),
        red_projects,
        open_risks: open.len(),
        top_risks: open.into_iter().take(TOP_RISKS).collect(),
        heat_map: risks::heat_map(board, None),
        baseline,
        decisions: since,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        board::{DecisionId, Stamp},
        exchange::sample_board,
    };

    #[test]
    fn the_report_gathers_what_each_page_shows() {
        let mut board = sample_board();
        let at = |day: i64| Stamp { by: "Li Lei".into(), at_ms: 1_798_761_600_000 + day * 86_400_000 };
        let apollo = board.projects()[0].id.clone();
        board.record_decision(DecisionId::random(), DecisionKind::Reprioritise, None, "Q1 review", at(10)).unwrap();
        board.record_decision(DecisionId::random(), DecisionKind::PutOnHold, Some(&apollo), "wait", at(20)).unwrap();
        let snapshot = board.snapshot();
        let weeks = IsoWeek::new(2027, 1).unwrap().span(3);
        let report = report(&snapshot, &weeks, &ChartFrame::new(640.0, 400.0));

        assert_eq!(report.kpis.len(), 6);
        // Apollo: SPI 0.75 makes its computed RAG red.
        let red: Vec<&str> = report.red_projects.iter().map(|row| row.name.as_str()).collect();
        assert_eq!(red, ["Apollo 阿波罗"]);
        // 王芳 is booked 44 h against 40 in 2027-W01.
        let over: Vec<(String, String)> =
            report.over_allocated.iter().map(|o| (o.name.clone(), o.week.to_string())).collect();
        assert_eq!(over, [("王芳".to_owned(), "2027-W01".to_owned())]);
        assert_eq!(
            report.over_allocated,
            resources::over_allocations(&snapshot, &weeks),
            "as the resources page lists them"
        );
        assert_eq!((report.open_risks, report.top_risks[0].score), (1, 20));
        assert_eq!(report.heat_map[1][4].count, 1, "probability 4 (second row from the top), impact 5");
        assert_eq!(report.baseline.as_ref().map(|d| d.note.as_str()), Some("Q1 review"));
        let since: Vec<&str> = report.decisions.iter().map(|d| d.note.as_str()).collect();
        assert_eq!(since, ["wait"], "the approval before the baseline is left out");
    }
}

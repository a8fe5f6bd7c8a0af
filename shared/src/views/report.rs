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

use std::sync::Arc;

use super::{
    dashboard::{self as dashboard_view, Bubble, ChartFrame, KpiTile, RagCounts},
    finance::FinanceRow,
    resources::{self, OverAllocation},
    risks::{self, HeatCell, RiskRow},
    scoring::{self, Model, ModelRanking},
};
use crate::{
    board::{projects_agree, BoardSnapshot, Decision, DecisionKind, PeopleAndBookings, Project, Settings},
    dashboard::LiveDashboard,
    finance::Rag,
    IsoWeek,
};

/// How many risks the report lists.
pub const TOP_RISKS: usize = 10;

/// Everything the report shows but the selection. The long sections are shared (`Arc`): the
/// page keeps each section's value and draws it again only when it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub kpis: Vec<KpiTile>,
    pub rag: RagCounts,
    pub bubbles: Arc<Vec<Bubble>>,
    pub ranking: Arc<ModelRanking>,
    pub over_allocated: Arc<Vec<OverAllocation>>,
    /// Projects whose computed or manager's RAG is red, in priority order.
    pub red_projects: Arc<Vec<FinanceRow>>,
    /// Open risks, highest score first.
    pub top_risks: Arc<Vec<RiskRow>>,
    pub open_risks: usize,
    pub heat_map: Arc<Vec<Vec<HeatCell>>>,
    /// The decision the later ones are counted from: the last reprioritisation of the
    /// portfolio, or `None` when there was none (then every decision is listed).
    pub baseline: Option<Decision>,
    /// Decisions after the baseline, oldest first.
    pub decisions: Arc<Vec<Decision>>,
}

/// The report on `weeks` (the planning horizon), with the bubble chart drawn in `chart`.
pub fn report(board: &BoardSnapshot, weeks: &[IsoWeek], chart: &ChartFrame) -> Report {
    LiveReport::default().report(board, weeks, chart)
}

/// [`report`] on a board that changes one edit at a time, such as the live board the review
/// shows: each section is computed again only when what it reads changed. The KPIs, RAG
/// counts and bubbles come from a [`LiveDashboard`]; the ranking is kept while the criteria
/// and the projects' names, stages and scores are as they were; the over-allocated people
/// while the people and bookings are the very same lists; the risks while the risks, the
/// thresholds and the projects' names are; the decisions while they are the very same list. A
/// budget changed by a colleague then costs the dashboard's figures and the red projects.
#[derive(Debug, Default)]
pub struct LiveReport {
    dashboard: LiveDashboard,
    ranking: Option<KeptRanking>,
    over_allocated: Option<(PeopleAndBookings, Vec<IsoWeek>, Arc<Vec<OverAllocation>>)>,
    risks: Option<KeptRisks>,
    decisions: Option<KeptDecisions>,
    /// The sections the last report computed again, for tests.
    computed: Vec<&'static str>,
}

/// The ranking and what it was computed from.
#[derive(Debug)]
struct KeptRanking {
    criteria: Vec<crate::scoring::Criterion>,
    projects: Arc<Vec<Project>>,
    ranking: Arc<ModelRanking>,
}

/// The decisions since the last reprioritisation, and the decisions they were found in.
#[derive(Debug)]
struct KeptDecisions {
    decisions: Arc<Vec<Decision>>,
    baseline: Option<Decision>,
    since: Arc<Vec<Decision>>,
}

/// The risk sections and what they were computed from.
#[derive(Debug)]
struct KeptRisks {
    risks: Arc<Vec<crate::board::Risk>>,
    settings: Settings,
    projects: Arc<Vec<Project>>,
    top: Arc<Vec<RiskRow>>,
    open: usize,
    heat_map: Arc<Vec<Vec<HeatCell>>>,
}

impl LiveReport {
    /// What [`report`] answers for `board`.
    pub fn report(&mut self, board: &BoardSnapshot, weeks: &[IsoWeek], chart: &ChartFrame) -> Report {
        self.computed.clear();
        let figures = self.dashboard.compute(board, weeks);

        let same_ranking = self.ranking.as_ref().is_some_and(|kept| {
            kept.criteria == board.criteria
                && projects_agree(&kept.projects, &board.projects, |a, b| {
                    a.name == b.name && a.stage == b.stage && a.scores == b.scores
                })
        });
        match &mut self.ranking {
            Some(kept) if same_ranking => kept.projects = board.projects.clone(),
            _ => {
                self.computed.push("ranking");
                self.ranking = Some(KeptRanking {
                    criteria: board.criteria.clone(),
                    projects: board.projects.clone(),
                    ranking: Arc::new(scoring::ranking(board, Model::Weighted)),
                });
            }
        }

        let same_over = self
            .over_allocated
            .as_ref()
            .is_some_and(|(lists, kept_weeks, _)| kept_weeks == weeks && lists.same_in(board));
        if !same_over {
            self.computed.push("over-allocated");
            let list = Arc::new(resources::over_allocations_from(board, &figures.over_allocated));
            self.over_allocated = Some((PeopleAndBookings::of(board), weeks.to_vec(), list));
        }

        let same_risks = self.risks.as_ref().is_some_and(|kept| {
            Arc::ptr_eq(&kept.risks, &board.risks)
                && kept.settings == board.settings
                && projects_agree(&kept.projects, &board.projects, |a, b| a.name == b.name)
        });
        match &mut self.risks {
            Some(kept) if same_risks => kept.projects = board.projects.clone(),
            _ => {
                self.computed.push("risks");
                let (top, open) = top_risks(board);
                self.risks = Some(KeptRisks {
                    risks: board.risks.clone(),
                    settings: board.settings.clone(),
                    projects: board.projects.clone(),
                    top: Arc::new(top),
                    open,
                    heat_map: Arc::new(risks::heat_map(board, None)),
                });
            }
        }

        if !self.decisions.as_ref().is_some_and(|kept| Arc::ptr_eq(&kept.decisions, &board.decisions)) {
            self.computed.push("decisions");
            let (baseline, since) = decisions_since_baseline(board);
            self.decisions =
                Some(KeptDecisions { decisions: board.decisions.clone(), baseline, since: Arc::new(since) });
        }

        let (ranking, over_allocated, risks, decisions) = (
            &self.ranking.as_ref().expect("computed above").ranking,
            &self.over_allocated.as_ref().expect("computed above").2,
            self.risks.as_ref().expect("computed above"),
            self.decisions.as_ref().expect("computed above"),
        );
        Report {
            kpis: dashboard_view::kpi_tiles(&figures),
            rag: dashboard_view::rag_counts(board, &figures),
            bubbles: Arc::new(dashboard_view::bubbles(board, &figures, chart)),
            ranking: ranking.clone(),
            over_allocated: over_allocated.clone(),
            red_projects: Arc::new(red_projects(board)),
            open_risks: risks.open,
            top_risks: risks.top.clone(),
            heat_map: risks.heat_map.clone(),
            baseline: decisions.baseline.clone(),
            decisions: decisions.since.clone(),
        }
    }

    /// The sections the last [`LiveReport::report`] computed again ("ranking",
    /// "over-allocated", "risks", "decisions"); the KPIs, bubbles and red projects are
    /// computed on every call.
    pub fn computed(&self) -> &[&'static str] {
        &self.computed
    }
}

/// The projects whose computed or manager's RAG is red, in priority order: the finance page's
/// rows (see [`super::finance::rows`]) of those projects alone.
fn red_projects(board: &BoardSnapshot) -> Vec<FinanceRow> {
    board
        .projects
        .iter()
        .enumerate()
        .filter_map(|(rank, project)| {
            let health = super::project::health(&board.settings, project);
            (health.rag.computed == Some(Rag::Red) || health.rag.manual == Some(Rag::Red)).then(|| FinanceRow {
                project: project.id.clone(),
                name: project.name.clone(),
                stage: project.stage,
                rank,
                health,
            })
        })
        .collect()
}

/// The [`TOP_RISKS`] open risks of the register (see [`risks::register`]: highest score
/// first, then title), and how many risks are open: the whole register is not copied for the
/// ten rows the report lists.
fn top_risks(board: &BoardSnapshot) -> (Vec<RiskRow>, usize) {
    let mut open: Vec<&crate::board::Risk> =
        board.risks.iter().filter(|risk| risk.roam.counts_toward_exposure()).collect();
    let score = |risk: &crate::board::Risk| risk.probability.get() * risk.impact.get();
    // The register's order; a stable sort keeps the snapshot's order among equals, as there.
    open.sort_by(|a, b| score(b).cmp(&score(a)).then_with(|| a.title.cmp(&b.title)));
    let count = open.len();
    let bands = risks::bands(&board.settings);
    let top = open
        .into_iter()
        .take(TOP_RISKS)
        .map(|risk| {
            let score = score(risk);
            RiskRow {
                risk: risk.clone(),
                project_name: board.project(&risk.project).map(|p| p.name.clone()).unwrap_or_default(),
                score,
                band: bands.band(score).unwrap_or(crate::risk::RiskBand::Low),
            }
        })
        .collect();
    (top, count)
}

/// The last reprioritisation (the baseline) and the decisions after it, oldest first; every
/// decision when there was none.
fn decisions_since_baseline(board: &BoardSnapshot) -> (Option<Decision>, Vec<Decision>) {
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
    (baseline, since)
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
            *report.over_allocated,
            resources::over_allocations(&snapshot, &weeks),
            "as the resources page lists them"
        );
        assert_eq!((report.open_risks, report.top_risks[0].score), (1, 20));
        assert_eq!(report.heat_map[1][4].count, 1, "probability 4 (second row from the top), impact 5");
        assert_eq!(report.baseline.as_ref().map(|d| d.note.as_str()), Some("Q1 review"));
        let since: Vec<&str> = report.decisions.iter().map(|d| d.note.as_str()).collect();
        assert_eq!(since, ["wait"], "the approval before the baseline is left out");
    }

    /// The red projects and the top risks, found without the finance page's whole table and
    /// the whole register, are what those list.
    #[test]
    fn red_projects_and_top_risks_are_what_the_finance_page_and_the_register_list() {
        use crate::board::{Financials, NewRisk, RiskId};
        let mut board = sample_board();
        let projects = board.projects();
        for (at, project) in projects.iter().enumerate() {
            let financials = Financials {
                actual_cost: 100.0 + at as f64 * 40.0,
                planned_value: 100.0,
                earned_value: 90.0,
                percent_complete: 10.0,
            };
            board.set_project_financials(&project.id, financials).unwrap();
            for risk in 0..7u8 {
                let new = NewRisk {
                    title: format!("Risk {}", (risk * 3 + at as u8) % 5),
                    probability: 1 + (risk + at as u8) % 5,
                    impact: 1 + (risk * 2) % 5,
                    owner: String::new(),
                    mitigation: String::new(),
                    roam: if risk == 3 { crate::risk::Roam::Resolved } else { crate::risk::Roam::Owned },
                };
                board.add_risk(RiskId::random(), &project.id, new).unwrap();
            }
        }
        let snapshot = board.snapshot();
        let mut red: Vec<FinanceRow> = super::super::finance::rows(&snapshot)
            .into_iter()
            .filter(|row| row.health.rag.computed == Some(Rag::Red) || row.health.rag.manual == Some(Rag::Red))
            .collect();
        red.sort_by_key(|row| row.rank);
        assert!(red.len() > 1, "the test needs red projects: {red:?}");
        assert_eq!(red_projects(&snapshot), red);
        let open: Vec<RiskRow> = risks::register(&snapshot, &Default::default())
            .into_iter()
            .filter(|row| row.risk.roam.counts_toward_exposure())
            .collect();
        let (top, count) = top_risks(&snapshot);
        assert_eq!((count, top), (open.len(), open.into_iter().take(TOP_RISKS).collect::<Vec<_>>()));
    }

    /// A colleague's budget computes the KPIs, bubbles and red projects again and keeps the
    /// other sections; whatever changes, the live report is the report computed afresh.
    #[test]
    fn the_live_report_computes_again_only_what_a_change_touched() {
        use crate::board::{LiveBoard, NewRisk, RiskId};
        let board = sample_board();
        let weeks = IsoWeek::new(2027, 1).unwrap().span(3);
        let chart = ChartFrame::new(640.0, 400.0);
        let apollo = board.projects()[0].id.clone();
        let mut live_board = LiveBoard::new(board);
        let mut live = LiveReport::default();
        let mut check = |live_board: &mut LiveBoard, computed: &[&str]| {
            let snapshot = live_board.refresh().clone();
            assert_eq!(live.report(&snapshot, &weeks, &chart), report(&snapshot, &weeks, &chart));
            assert_eq!(live.computed(), computed);
        };
        check(&mut live_board, &["ranking", "over-allocated", "risks", "decisions"]);
        live_board.board_mut().set_project_budget(&apollo, 1_234_567.0).unwrap();
        check(&mut live_board, &[]);
        live_board.board_mut().rename_project(&apollo, "Artemis").unwrap();
        check(&mut live_board, &["ranking", "risks"]);
        let new = NewRisk {
            title: "Vendor".into(),
            probability: 5,
            impact: 5,
            owner: String::new(),
            mitigation: String::new(),
            roam: crate::risk::Roam::Owned,
        };
        live_board.board_mut().add_risk(RiskId::random(), &apollo, new).unwrap();
        check(&mut live_board, &["risks"]);
        let at = Stamp { by: "Li Lei".into(), at_ms: 1_798_761_600_000 };
        live_board
            .board_mut()
            .record_decision(DecisionId::random(), DecisionKind::Reprioritise, None, "Q2", at)
            .unwrap();
        check(&mut live_board, &["decisions"]);
    }
}

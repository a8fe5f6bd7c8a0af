//! The dashboard page (仪表板): the PMO's KPIs with how each was computed, the rule warnings
//! with where to mend them, RAG counts computed beside the managers', and the portfolio bubble
//! chart (value × risk, size = budget, colour = RAG), all from one [`Dashboard`].

use std::collections::BTreeMap;

use crate::format::{self, Locale};
use crate::{
    alignment::ProjectAlignment,
    board::{BoardSnapshot, ProjectId, Stage},
    dashboard::{Dashboard, Worth},
    finance::Rag,
    rules::Warning,
    scoring::WeightedRanking,
    week::IsoWeek,
};

/// One KPI as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiTile {
    /// For tests and styles: `success-rate`, `utilisation`, `cpi`, `spi`, `budget-variance`,
    /// `milestones`.
    pub id: &'static str,
    pub label: &'static str,
    pub zh: &'static str,
    /// `None`: not enough data to compute it. Percentages and indices read the same in both
    /// languages.
    pub figure: Option<String>,
    /// How it was computed, with this board's numbers; or, without a figure, what it needs.
    pub how: KpiHow,
}

/// How a KPI was computed, with the board's numbers, or (`…NeedsData`) what it lacks. The app
/// puts it into words in the reader's language; `Display` is the English sentence (tests, logs).
#[derive(Debug, Clone, PartialEq)]
pub enum KpiHow {
    SuccessRate {
        successful: usize,
        closed: usize,
    },
    SuccessRateNeedsData,
    Utilisation {
        booked_hours: f64,
        capacity_hours: f64,
    },
    UtilisationNeedsData,
    Cpi {
        earned_value: f64,
        actual_cost: f64,
        projects: usize,
    },
    CpiNeedsData,
    Spi {
        earned_value: f64,
        planned_value: f64,
        projects: usize,
    },
    SpiNeedsData,
    BudgetVariance {
        budget: f64,
        estimate_at_completion: f64,
    },
    BudgetVarianceNeedsData,
    /// `on_time` of the `counted` milestones (done, or open with a forecast) were done or are
    /// forecast by their planned date; `forecast_late` open ones are forecast after it.
    Milestones {
        on_time: usize,
        counted: usize,
        forecast_late: usize,
    },
    MilestonesNeedsData,
}

impl std::fmt::Display for KpiHow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let en = Locale::En;
        match self {
            KpiHow::SuccessRate { successful, closed } => write!(
                f,
                "{successful} of {closed} closed projects finished within tolerance of scope, schedule and budget \
                 (successful ÷ closed)"
            ),
            KpiHow::SuccessRateNeedsData => f.write_str(
                "Successful ÷ closed projects. Not enough data: no project is closed with its planned dates and actual \
                 finish recorded.",
            ),
            KpiHow::Utilisation { booked_hours, capacity_hours } => write!(
                f,
                "{} h booked ÷ {} h of capacity over the planning horizon",
                format::number(en, *booked_hours, 1),
                format::number(en, *capacity_hours, 1)
            ),
            KpiHow::UtilisationNeedsData => f.write_str(
                "Hours booked ÷ hours of capacity. Not enough data: nobody on the board has capacity in the planning \
                 horizon.",
            ),
            KpiHow::Cpi { earned_value, actual_cost, projects } => write!(
                f,
                "ΣEV {} ÷ ΣAC {} over {projects} projects with earned value (below 1: the work cost more than budgeted)",
                format::whole_amount(en, *earned_value),
                format::whole_amount(en, *actual_cost)
            ),
            KpiHow::CpiNeedsData => {
                f.write_str("Σ earned value ÷ Σ actual cost. Not enough data: no committed project has an actual cost yet.")
            }
            KpiHow::Spi { earned_value, planned_value, projects } => write!(
                f,
                "ΣEV {} ÷ ΣPV {} over {projects} projects with earned value (below 1: behind the plan)",
                format::whole_amount(en, *earned_value),
                format::whole_amount(en, *planned_value)
            ),
            KpiHow::SpiNeedsData => f.write_str(
                "Σ earned value ÷ Σ planned value. Not enough data: no committed project has a planned value yet.",
            ),
            KpiHow::BudgetVariance { budget, estimate_at_completion } => write!(
                f,
                "(Σbudget {} − ΣEAC {}) ÷ Σbudget (below 0: forecast over budget)",
                format::whole_amount(en, *budget),
                format::whole_amount(en, *estimate_at_completion)
            ),
            KpiHow::BudgetVarianceNeedsData => f.write_str(
                "(Σbudget − Σ estimate at completion) ÷ Σbudget. Not enough data: no committed project has a budget.",
            ),
            KpiHow::Milestones { on_time, counted, forecast_late } => write!(
                f,
                "{on_time} of {counted} milestones done or forecast were done or are forecast on or before their \
                 planned date; {forecast_late} open milestone(s) forecast after it (late)"
            ),
            KpiHow::MilestonesNeedsData => f.write_str(
                "Milestones done or forecast by their planned date ÷ milestones done or forecast. Not enough data: \
                 no milestone is done or has a forecast yet.",
            ),
        }
    }
}

/// The six PMO KPIs, in the order a PMO reports them.
pub fn kpi_tiles(dashboard: &Dashboard) -> Vec<KpiTile> {
    let kpis = &dashboard.kpis;
    let success = match &kpis.success_rate {
        Some(rate) if rate.rate.is_some() => (
            rate.rate.map(|rate| format::percent(Locale::En, rate)),
            KpiHow::SuccessRate { successful: rate.successful, closed: rate.closed },
        ),
        _ => (None, KpiHow::SuccessRateNeedsData),
    };
    let utilisation = match &kpis.utilisation {
        Some(use_) if use_.rate.is_some() => (
            use_.rate.map(|rate| format::percent(Locale::En, rate)),
            KpiHow::Utilisation { booked_hours: use_.allocated_hours, capacity_hours: use_.capacity_hours },
        ),
        _ => (None, KpiHow::UtilisationNeedsData),
    };
    let ev = dashboard.earned_value.as_ref();
    let projects = ev.map_or(0, |ev| ev.projects.len());
    let cpi = match ev.and_then(|ev| ev.cost_performance_index.map(|cpi| (ev, cpi))) {
        Some((ev, cpi)) => (
            Some(format!("{cpi:.2}")),
            KpiHow::Cpi { earned_value: ev.earned_value, actual_cost: ev.actual_cost, projects },
        ),
        None => (None, KpiHow::CpiNeedsData),
    };
    let spi = match ev.and_then(|ev| ev.schedule_performance_index.map(|spi| (ev, spi))) {
        Some((ev, spi)) => (
            Some(format!("{spi:.2}")),
            KpiHow::Spi { earned_value: ev.earned_value, planned_value: ev.planned_value, projects },
        ),
        None => (None, KpiHow::SpiNeedsData),
    };
    let variance = match (ev, kpis.cost_and_schedule.as_ref().and_then(|c| c.budget_variance_fraction)) {
        (Some(ev), Some(fraction)) => (
            Some(format::signed_percent(Locale::En, fraction)),
            KpiHow::BudgetVariance {
                budget: ev.budget_at_completion,
                estimate_at_completion: ev.estimate_at_completion,
            },
        ),
        _ => (None, KpiHow::BudgetVarianceNeedsData),
    };
    let milestones = match &kpis.milestones {
        Some(rate) if rate.rate.is_some() => (
            rate.rate.map(|rate| format::percent(Locale::En, rate)),
            KpiHow::Milestones {
                on_time: rate.completed_on_time + rate.forecast - rate.forecast_late,
                counted: rate.completed + rate.forecast,
                forecast_late: rate.forecast_late,
            },
        ),
        _ => (None, KpiHow::MilestonesNeedsData),
    };
    [
        ("success-rate", "Project success rate", "项目成功率", success),
        ("utilisation", "Resource utilisation", "资源利用率", utilisation),
        ("cpi", "Portfolio CPI", "成本绩效指数", cpi),
        ("spi", "Portfolio SPI", "进度绩效指数", spi),
        ("budget-variance", "Budget variance", "预算偏差", variance),
        ("milestones", "On-time milestones", "里程碑按时完成率", milestones),
    ]
    .into_iter()
    .map(|(id, label, zh, (figure, how))| KpiTile { id, label, zh, figure, how })
    .collect()
}

/// How many committed projects (approved, active, on hold) are green, amber, red or not rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RagCount {
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub unrated: usize,
}

impl RagCount {
    fn add(&mut self, rag: Option<Rag>) {
        match rag {
            Some(Rag::Green) => self.green += 1,
            Some(Rag::Amber) => self.amber += 1,
            Some(Rag::Red) => self.red += 1,
            None => self.unrated += 1,
        }
    }
}

/// RAG computed from CPI and SPI beside the managers' own, over the committed projects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RagCounts {
    pub computed: RagCount,
    pub manual: RagCount,
    /// Projects whose two RAGs are both set and differ: a signal worth a question.
    pub differ: usize,
}

pub fn rag_counts(board: &BoardSnapshot, dashboard: &Dashboard) -> RagCounts {
    let mut counts = RagCounts::default();
    for project in board.projects.iter().filter(|p| p.stage.is_committed()) {
        let computed = dashboard.rag.get(&project.id).and_then(|rag| rag.computed);
        counts.computed.add(computed);
        counts.manual.add(project.manual_rag);
        if computed.is_some() && project.manual_rag.is_some() && computed != project.manual_rag {
            counts.differ += 1;
        }
    }
    counts
}

/// A rule warning and the page where it can be mended.
#[derive(Debug, Clone, PartialEq)]
pub struct WarningLink {
    /// The warning itself, for the app to put into words in the reader's language; for a
    /// person over capacity in several weeks, their worst week.
    pub warning: Warning,
    /// The weeks a person is over capacity in, when more than one (see [`grouped`]).
    pub run: Option<OverRun>,
    /// In English (tests, logs).
    pub text: String,
    /// The board page, for `BoardContext::href`: `settings`, `""` (the resource plan), or
    /// `project/<id>`.
    pub page: String,
    pub link_label: String,
}

/// The weeks one person is booked over capacity in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverRun {
    pub weeks: usize,
    pub first: IsoWeek,
    pub last: IsoWeek,
}

/// The warnings as a PMO reads them: one line per person over capacity (their worst week, and
/// the run of weeks when there are several), the others as they are, in the order they came.
/// A large board breaks capacity in thousands of person-weeks (4,101 on the benchmark's
/// board): one line each buried the other warnings and took seconds to draw on every page.
pub fn grouped(warnings: &[Warning]) -> Vec<(Warning, Option<OverRun>)> {
    let mut lines: Vec<(Warning, Option<OverRun>)> = Vec::new();
    let mut people: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let excess = |warning: &Warning| match warning {
        Warning::OverCapacity { allocated_hours, capacity_hours, .. } => allocated_hours - capacity_hours,
        _ => 0.0,
    };
    for warning in warnings {
        let Warning::OverCapacity { person, week, .. } = warning else {
            lines.push((warning.clone(), None));
            continue;
        };
        match people.get(person.as_str()) {
            None => {
                people.insert(person, lines.len());
                lines.push((warning.clone(), None));
            }
            Some(&at) => {
                let (worst, run) = &mut lines[at];
                let Warning::OverCapacity { week: worst_week, .. } = worst else { continue };
                let run = run.get_or_insert(OverRun { weeks: 1, first: *worst_week, last: *worst_week });
                run.weeks += 1;
                run.first = run.first.min(*week);
                run.last = run.last.max(*week);
                if excess(warning) > excess(worst) {
                    *worst = warning.clone();
                }
            }
        }
    }
    lines
}

pub fn warning_links(board: &BoardSnapshot, warnings: &[Warning]) -> Vec<WarningLink> {
    let project_page = |name: &str| {
        board
            .projects
            .iter()
            .find(|p| p.name == name)
            .map_or_else(String::new, |project| format!("project/{}", project.id))
    };
    grouped(warnings)
        .into_iter()
        .map(|(warning, run)| {
            let (page, link_label) = match &warning {
                Warning::BudgetEnvelopeExceeded { .. } => ("settings".to_owned(), "Budget envelope".to_owned()),
                Warning::OverCapacity { .. } => (String::new(), "Resource plan".to_owned()),
                Warning::DependsOnCancelled { project, .. } => (project_page(project), project.clone()),
                Warning::DependencyCycle { projects } => {
                    let first = projects.first().cloned().unwrap_or_default();
                    (project_page(&first), first)
                }
            };
            let text = warning.to_string();
            WarningLink { warning, run, text, page, link_label }
        })
        .collect()
}

/// What a project's value on the chart is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueBasis {
    /// Its weighted score (评分), 0–1.
    WeightedScore,
    /// Its strategic alignment (战略对齐), 0–1, when it has no complete score.
    Alignment,
    /// Neither: drawn at 0.
    None,
}

impl ValueBasis {
    pub fn label(self) -> &'static str {
        match self {
            ValueBasis::WeightedScore => "weighted score",
            ValueBasis::Alignment => "strategic alignment",
            ValueBasis::None => "not scored",
        }
    }
}

/// What [`project_values`] reads: the weighted ranking and the alignment, of a whole
/// [`Dashboard`] or of [`crate::dashboard::worth`] alone.
#[derive(Clone, Copy)]
pub struct WorthOf<'a> {
    pub ranking: Option<&'a WeightedRanking>,
    pub alignment: &'a [ProjectAlignment],
}

impl<'a> From<&'a Dashboard> for WorthOf<'a> {
    fn from(dashboard: &'a Dashboard) -> WorthOf<'a> {
        WorthOf { ranking: dashboard.ranking.as_ref(), alignment: &dashboard.alignment }
    }
}

impl<'a> From<&'a Worth> for WorthOf<'a> {
    fn from(worth: &'a Worth) -> WorthOf<'a> {
        WorthOf { ranking: worth.ranking.as_ref(), alignment: &worth.alignment }
    }
}

/// Each project's value to the portfolio, 0–1: its weighted score when it has one, else its
/// alignment with the objectives.
pub fn project_values(board: &BoardSnapshot, worth: WorthOf<'_>) -> BTreeMap<ProjectId, (f64, ValueBasis)> {
    let scored: BTreeMap<&ProjectId, f64> =
        worth.ranking.iter().flat_map(|ranking| ranking.candidates.iter().map(|c| (&c.id, c.total_score))).collect();
    let aligned: BTreeMap<&ProjectId, f64> = worth.alignment.iter().map(|a| (&a.project, a.score)).collect();
    board
        .projects
        .iter()
        .map(|project| {
            let value = match (scored.get(&project.id), aligned.get(&project.id)) {
                (Some(&score), _) => (score, ValueBasis::WeightedScore),
                (None, Some(&score)) => (score, ValueBasis::Alignment),
                (None, None) => (0.0, ValueBasis::None),
            };
            (project.id.clone(), value)
        })
        .collect()
}

/// One project on the bubble chart, in SVG coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Bubble {
    pub id: ProjectId,
    pub name: String,
    /// 0–1.
    pub value: f64,
    pub basis: ValueBasis,
    /// The highest open risk score, probability × impact (0 when none is open), 0–25.
    pub risk: u8,
    pub budget: f64,
    /// The computed RAG, else the manager's; `None` when neither is set.
    pub rag: Option<Rag>,
    pub cx: f64,
    pub cy: f64,
    pub r: f64,
}

/// The chart's size and where its plot area lies within it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartFrame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl ChartFrame {
    pub const fn new(width: f64, height: f64) -> ChartFrame {
        ChartFrame { width, height, left: 56.0, right: 24.0, top: 24.0, bottom: 48.0 }
    }

    pub fn plot_width(&self) -> f64 {
        self.width - self.left - self.right
    }

    pub fn plot_height(&self) -> f64 {
        self.height - self.top - self.bottom
    }

    /// The x of a fraction 0–1 of the horizontal axis.
    pub fn x(&self, fraction: f64) -> f64 {
        self.left + fraction.clamp(0.0, 1.0) * self.plot_width()
    }

    /// The y of a fraction 0–1 of the vertical axis (0 at the bottom).
    pub fn y(&self, fraction: f64) -> f64 {
        self.top + (1.0 - fraction.clamp(0.0, 1.0)) * self.plot_height()
    }
}

/// Smallest and largest bubble radius: the largest budget gets the largest, and area grows
/// with budget.
const MIN_RADIUS: f64 = 6.0;
const MAX_RADIUS: f64 = 30.0;

/// The projects still in play (not closed or cancelled) as bubbles, largest first so smaller
/// ones are drawn on top.
pub fn bubbles(board: &BoardSnapshot, dashboard: &Dashboard, frame: &ChartFrame) -> Vec<Bubble> {
    let values = project_values(board, WorthOf::from(dashboard));
    let risks: BTreeMap<&ProjectId, u8> = dashboard
        .exposure
        .iter()
        .flat_map(|exposure| exposure.projects.iter().map(|p| (&p.project_id, p.highest_score)))
        .collect();
    let in_play: Vec<_> =
        board.projects.iter().filter(|p| !matches!(p.stage, Stage::Closed | Stage::Cancelled)).collect();
    let largest_budget = in_play.iter().map(|p| p.budget).fold(0.0, f64::max);
    let mut list: Vec<Bubble> = in_play
        .into_iter()
        .map(|project| {
            let (value, basis) = values.get(&project.id).copied().unwrap_or((0.0, ValueBasis::None));
            let risk = risks.get(&project.id).copied().unwrap_or(0);
            let r = if largest_budget > 0.0 {
                MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * (project.budget / largest_budget).sqrt()
            } else {
                MIN_RADIUS
            };
            let rag = dashboard.rag.get(&project.id).and_then(|rag| rag.computed).or(project.manual_rag);
            Bubble {
                id: project.id.clone(),
                name: project.name.clone(),
                value,
                basis,
                risk,
                budget: project.budget,
                rag,
                cx: frame.x(value),
                cy: frame.y(f64::from(risk) / 25.0),
                r,
            }
        })
        .collect();
    list.sort_by(|a, b| b.r.total_cmp(&a.r).then_with(|| a.id.cmp(&b.id)));
    list
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::{
        board::{Board, CriterionId, Financials, MilestoneId, NewPerson, NewProject, NewRisk, PersonId, RiskId},
        dashboard,
        risk::Roam,
        scoring::Direction,
        week::IsoWeek,
    };

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// ERP: active, budget 100,000; EV 40,000 of PV 50,000 at AC 45,000; its manager says
    /// green. CRM: approved, budget 50,000, nothing spent. Legacy: closed on time within budget
    /// and scope. Li (40 h) is booked 30 h on ERP in the one week planned.
    fn portfolio() -> (BoardSnapshot, Dashboard, [ProjectId; 3]) {
        let mut board = Board::new("Portfolio").unwrap();
        let ids = [ProjectId::random(), ProjectId::random(), ProjectId::random()];
        let [erp, crm, legacy] = ids.clone();
        for (id, name, stage, budget) in [
            (&erp, "ERP", Stage::Active, 100_000.0),
            (&crm, "CRM", Stage::Approved, 50_000.0),
            (&legacy, "Legacy", Stage::Closed, 10_000.0),
        ] {
            board.add_project(id.clone(), NewProject { name: name.into(), stage, budget }).unwrap();
        }
        let financials = Financials {
            actual_cost: 45_000.0,
            planned_value: 50_000.0,
            earned_value: 40_000.0,
            percent_complete: 40.0,
        };
        board.set_project_financials(&erp, financials).unwrap();
        board.set_manual_rag(&erp, Some(Rag::Green), "fine").unwrap();
        let closed = Financials {
            actual_cost: 9_000.0,
            planned_value: 10_000.0,
            earned_value: 10_000.0,
            percent_complete: 100.0,
        };
        board.set_project_financials(&legacy, closed).unwrap();
        board.set_project_dates(&legacy, Some(date("2026-01-05")), Some(date("2026-06-30"))).unwrap();
        board.set_project_closure(&legacy, Some(date("2026-06-30")), true).unwrap();
        let (on_time, late) = (MilestoneId::random(), MilestoneId::random());
        board.add_milestone(on_time.clone(), &erp, "Design", date("2026-03-01")).unwrap();
        board.set_milestone_done(&on_time, Some(date("2026-02-27"))).unwrap();
        board.add_milestone(late.clone(), &erp, "Build", date("2026-05-01")).unwrap();
        board.set_milestone_done(&late, Some(date("2026-05-12"))).unwrap();
        let kick_off = MilestoneId::random();
        board.add_milestone(kick_off.clone(), &crm, "Kick-off", date("2026-12-01")).unwrap();
        board.set_milestone_forecast(&kick_off, Some(date("2026-12-15"))).unwrap();
        let li = PersonId::random();
        board.add_person(li.clone(), NewPerson::named("Li", 40.0)).unwrap();
        let week: IsoWeek = "2026-W50".parse().unwrap();
        board.set_allocation(&erp, &li, week, 30.0).unwrap();
        let value = CriterionId::random();
        board.add_criterion(value.clone(), "Value", 1.0, Direction::HigherIsBetter).unwrap();
        board.set_score(&erp, &value, Some(8.0)).unwrap();
        board.set_score(&crm, &value, Some(2.0)).unwrap();
        for (probability, impact, roam) in [(4, 5, Roam::Owned), (5, 5, Roam::Resolved), (2, 3, Roam::Accepted)] {
            let risk = NewRisk {
                title: "Vendor".into(),
                probability,
                impact,
                owner: "Li".into(),
                mitigation: String::new(),
                roam,
            };
            board.add_risk(RiskId::random(), &crm, risk).unwrap();
        }
        let snapshot = board.snapshot();
        let dashboard = dashboard::compute(&snapshot, &[week]);
        (snapshot, dashboard, ids)
    }

    #[test]
    fn kpis_show_their_figure_and_how_it_was_computed() {
        let (_, dashboard, _) = portfolio();
        let tiles = kpi_tiles(&dashboard);
        let figures: Vec<(&str, Option<&str>)> = tiles.iter().map(|t| (t.id, t.figure.as_deref())).collect();
        // Success: Legacy closed on its planned finish, 9,000 of 10,000, scope accepted: 1 of 1.
        // Utilisation: 30 ÷ 40 = 75 %.
        // CPI: the committed ERP and CRM and the closed Legacy count: ΣEV 50,000 ÷ ΣAC 54,000
        // = 0.9259 → 0.93. SPI: ΣEV 50,000 ÷ ΣPV 60,000 = 0.8333 → 0.83.
        // Budget variance: ΣBAC 160,000; EACs: ERP 100,000 × 45,000 ÷ 40,000 = 112,500, CRM
        // nothing spent → its budget 50,000, Legacy 10,000 × 9,000 ÷ 10,000 = 9,000; ΣEAC
        // 171,500; (160,000 − 171,500) ÷ 160,000 = −7.19 % → −7.2 %.
        // Milestones: 2 done, 1 by its due date, and Kick-off forecast two weeks after its
        // planned date (late): 1 of 3 = 33 %.
        assert_eq!(
            figures,
            [
                ("success-rate", Some("100%")),
                ("utilisation", Some("75%")),
                ("cpi", Some("0.93")),
                ("spi", Some("0.83")),
                ("budget-variance", Some("−7.2%")),
                ("milestones", Some("33%")),
            ]
        );
        assert_eq!(tiles[1].how, KpiHow::Utilisation { booked_hours: 30.0, capacity_hours: 40.0 });
        assert_eq!(tiles[1].how.to_string(), "30 h booked ÷ 40 h of capacity over the planning horizon");
        assert_eq!(
            tiles[2].how.to_string(),
            "ΣEV 50,000 ÷ ΣAC 54,000 over 3 projects with earned value (below 1: the work cost more than budgeted)"
        );
        assert_eq!(
            tiles[4].how.to_string(),
            "(Σbudget 160,000 − ΣEAC 171,500) ÷ Σbudget (below 0: forecast over budget)"
        );
        assert_eq!(tiles[5].how, KpiHow::Milestones { on_time: 1, counted: 3, forecast_late: 1 });
        assert_eq!(
            tiles[5].how.to_string(),
            "1 of 3 milestones done or forecast were done or are forecast on or before their planned date; 1 open \
             milestone(s) forecast after it (late)"
        );
    }

    #[test]
    fn an_empty_board_says_not_enough_data_for_every_kpi() {
        let board = Board::new("Empty").unwrap().snapshot();
        let dashboard = dashboard::compute(&board, &[]);
        for tile in kpi_tiles(&dashboard) {
            assert_eq!(tile.figure, None, "{}", tile.id);
            assert!(tile.how.to_string().contains("Not enough data"), "{}: {}", tile.id, tile.how);
        }
    }

    #[test]
    fn rag_counts_put_the_computed_beside_the_managers() {
        let (board, dashboard, _) = portfolio();
        // ERP: CPI 0.889 and SPI 0.8 are below amber (0.85) on SPI → red; its manager says
        // green. CRM: nothing spent or planned → not rated, no manual RAG. Legacy is closed.
        let counts = rag_counts(&board, &dashboard);
        assert_eq!(counts.computed, RagCount { green: 0, amber: 0, red: 1, unrated: 1 });
        assert_eq!(counts.manual, RagCount { green: 1, amber: 0, red: 0, unrated: 1 });
        assert_eq!(counts.differ, 1);
    }

    #[test]
    fn bubbles_place_value_against_risk_sized_by_budget() {
        let (board, dashboard, [erp, crm, _]) = portfolio();
        let frame = ChartFrame::new(640.0, 400.0);
        // Plot area: x 56‥616 (560 wide), y 24‥352 (328 high).
        let bubbles = bubbles(&board, &dashboard, &frame);
        assert_eq!(
            bubbles.iter().map(|b| b.id.clone()).collect::<Vec<_>>(),
            [erp.clone(), crm.clone()],
            "largest first"
        );
        let (erp_bubble, crm_bubble) = (&bubbles[0], &bubbles[1]);
        // ERP: weighted score 1 (the best of two on the one criterion) → x = 616; no risk →
        // y = 352; the largest budget → radius 30; computed RAG red wins over the manager's.
        assert_eq!((erp_bubble.cx, erp_bubble.cy, erp_bubble.r), (616.0, 352.0, 30.0));
        assert_eq!((erp_bubble.basis, erp_bubble.rag), (ValueBasis::WeightedScore, Some(Rag::Red)));
        // CRM: score 0 → x = 56; highest open risk 4 × 5 = 20 (the 25 is resolved) → y = 24 +
        // (1 − 0.8) × 328 = 89.6; budget half of ERP's → 6 + 24 × √0.5 = 22.97.
        assert_eq!((crm_bubble.cx, crm_bubble.risk), (56.0, 20));
        assert!((crm_bubble.cy - 89.6).abs() < 1e-9, "{}", crm_bubble.cy);
        assert!((crm_bubble.r - 22.970_562_748).abs() < 1e-6, "{}", crm_bubble.r);
        assert_eq!(crm_bubble.rag, None);
    }

    #[test]
    fn warnings_link_to_where_they_can_be_mended() {
        let (board, _, [erp, _, _]) = portfolio();
        let warnings = [
            Warning::BudgetEnvelopeExceeded { committed: 150_000.0, envelope: 100_000.0 },
            Warning::OverCapacity {
                person: "Li".into(),
                week: "2026-W50".parse().unwrap(),
                allocated_hours: 48.0,
                capacity_hours: 40.0,
            },
            Warning::DependsOnCancelled { project: "ERP".into(), cancelled: "Old".into() },
        ];
        let links = warning_links(&board, &warnings);
        let pages: Vec<(&str, &str)> = links.iter().map(|l| (l.page.as_str(), l.link_label.as_str())).collect();
        let erp_page = format!("project/{erp}");
        assert_eq!(pages, [("settings", "Budget envelope"), ("", "Resource plan"), (erp_page.as_str(), "ERP")]);
        assert_eq!(links[0].text, "approved and active projects need 150000 of a budget envelope of 100000");
    }

    #[test]
    fn a_person_over_capacity_in_several_weeks_is_one_line() {
        let over = |person: &str, week: &str, booked: f64| Warning::OverCapacity {
            person: person.into(),
            week: week.parse().unwrap(),
            allocated_hours: booked,
            capacity_hours: 40.0,
        };
        let cycle = Warning::DependencyCycle { projects: vec!["A".into(), "B".into(), "A".into()] };
        let warnings = [
            over("Li", "2027-W03", 44.0),
            over("Wang", "2027-W03", 41.0),
            over("Li", "2027-W05", 60.0),
            cycle.clone(),
            over("Li", "2027-W01", 42.0),
        ];
        let lines = grouped(&warnings);
        let week = |text: &str| text.parse::<IsoWeek>().unwrap();
        assert_eq!(
            lines,
            [
                (
                    over("Li", "2027-W05", 60.0),
                    Some(OverRun { weeks: 3, first: week("2027-W01"), last: week("2027-W05") })
                ),
                (over("Wang", "2027-W03", 41.0), None),
                (cycle, None),
            ]
        );
    }
}

//! The dashboard (仪表板), `/board/:id/dashboard`: the PMO's KPIs, each with how it was
//! computed on hover or focus; the rule warnings with a link to where each is mended; RAG
//! counts computed beside the managers'; and the portfolio bubble chart. Everything is
//! recomputed from the live snapshot (`shared::dashboard::compute`) on every change, local or
//! remote; the figures themselves come from `shared::views::dashboard`.

use leptos::prelude::*;
use shared::{
    dashboard,
    finance::Rag,
    views::{
        self,
        dashboard::{Bubble, ChartFrame, RagCount},
    },
    IsoWeek,
};

use super::board::BoardContext;

/// The planning horizon the KPIs and capacity look at, from this week on.
pub const PLANNING_WEEKS: usize = 12;
pub(crate) const CHART: ChartFrame = ChartFrame::new(640.0, 400.0);

#[component]
pub fn DashboardPage() -> impl IntoView {
    let board = BoardContext::get();
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    let weeks = StoredValue::new(this_week.span(PLANNING_WEEKS));
    let figures = Memo::new(move |_| {
        board.view.snapshot.with(|snapshot| {
            let dashboard = dashboard::compute(snapshot, &weeks.get_value());
            let warnings = shared::rules::check_from(snapshot, Some(this_week));
            (
                views::dashboard::kpi_tiles(&dashboard),
                views::dashboard::warning_links(snapshot, &warnings),
                views::dashboard::rag_counts(snapshot, &dashboard),
                views::dashboard::bubbles(snapshot, &dashboard, &CHART),
                dashboard.problems,
            )
        })
    });

    let tiles = move || {
        figures.with(|(tiles, ..)| {
            tiles
                .iter()
                .map(|tile| {
                    let how_id = format!("kpi-how-{}", tile.id);
                    let described_by = how_id.clone();
                    let figure = tile.figure.clone();
                    let missing = figure.is_none();
                    view! {
                        <div class="kpi" tabindex="0" data-testid=format!("kpi-{}", tile.id) title=tile.how.clone()
                            aria-describedby=described_by class:missing=missing>
                            <span class="kpi-label">{tile.label} " " <span class="zh" lang="zh">{tile.zh}</span></span>
                            <span class="kpi-figure">{figure.unwrap_or_else(|| "Not enough data".into())}</span>
                            <span class="kpi-how" id=how_id>{tile.how.clone()}</span>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let warnings = move || {
        figures.with(|(_, links, _, _, problems)| {
            if links.is_empty() && problems.is_empty() {
                return view! { <p class="empty" data-testid="no-warnings">"No rule is broken. ✓"</p> }.into_any();
            }
            let links = links
                .iter()
                .map(|link| {
                    view! {
                        <li data-testid="dashboard-warning">{link.text.clone()} " — "
                            <a href=board.href(&link.page)>{link.link_label.clone()}</a></li>
                    }
                })
                .collect_view();
            let problems = problems
                .iter()
                .map(|problem| view! { <li class="problem-item">{format!("Could not compute {problem}")}</li> })
                .collect_view();
            view! { <ul class="dashboard-warnings">{links}{problems}</ul> }.into_any()
        })
    };
    let rag_row = |label: &'static str, zh: &'static str, count: RagCount, testid: &'static str| {
        view! {
            <tr data-testid=testid>
                <th scope="row">{label} " " <span class="zh" lang="zh">{zh}</span></th>
                <td class="rag-cell"><span class="rag-dot rag-green"></span>{count.green}</td>
                <td class="rag-cell"><span class="rag-dot rag-amber"></span>{count.amber}</td>
                <td class="rag-cell"><span class="rag-dot rag-red"></span>{count.red}</td>
                <td class="rag-cell">{count.unrated}</td>
            </tr>
        }
    };
    let rag = move || {
        let counts = figures.with(|(_, _, counts, ..)| *counts);
        view! {
            <table class="rag-counts">
                <thead><tr><th></th><th>"Green " <span class="zh" lang="zh">"绿"</span></th><th>"Amber " <span class="zh" lang="zh">"黄"</span></th>
                    <th>"Red " <span class="zh" lang="zh">"红"</span></th><th>"Not rated " <span class="zh" lang="zh">"未评"</span></th></tr></thead>
                <tbody>
                    {rag_row("Computed from CPI and SPI", "计算", counts.computed, "rag-computed")}
                    {rag_row("Project managers' own", "项目经理", counts.manual, "rag-manual")}
                </tbody>
            </table>
            <p class="hint" data-testid="rag-differ">
                {match counts.differ {
                    0 => "Computed and managers' RAG agree wherever both are set.".to_owned(),
                    1 => "1 project's computed RAG differs from its manager's: worth a question.".to_owned(),
                    n => format!("{n} projects' computed RAG differs from their managers': worth a question."),
                }}
            </p>
        }
    };
    let chart = move || {
        let markup =
            figures.with(|(.., bubbles, _)| bubble_chart_svg(bubbles, &|id| board.href(&format!("project/{id}"))));
        view! {
            <div class="bubble-chart" data-testid="bubble-chart" inner_html=markup></div>
            <p class="chart-legend" aria-hidden="true">
                <span><span class="rag-dot rag-green"></span>"Green"</span>
                <span><span class="rag-dot rag-amber"></span>"Amber"</span>
                <span><span class="rag-dot rag-red"></span>"Red"</span>
                <span><span class="rag-dot rag-none"></span>"Not rated (computed RAG, else the manager's)"</span>
                <span>"Risk: highest open probability × impact, 1–25"</span>
            </p>
        }
    };

    view! {
        <section class="dashboard">
            <h2>"Dashboard " <span class="zh" lang="zh">"仪表板"</span></h2>
            <p class="hint">"PMO KPIs over the next " {PLANNING_WEEKS} " weeks. Hover over or tab to a figure to see how it was computed."</p>
            <div class="kpis">{tiles}</div>
        </section>
        <section class="dashboard-rules">
            <h2>"Rule warnings " <span class="zh" lang="zh">"规则预警"</span></h2>
            {warnings}
        </section>
        <section class="dashboard-rag">
            <h2>"RAG status " <span class="zh" lang="zh">"红黄绿灯"</span></h2>
            <p class="hint">"Approved, active and on-hold projects."</p>
            {rag}
        </section>
        <section class="dashboard-bubbles">
            <h2>"Portfolio map " <span class="zh" lang="zh">"项目组合气泡图"</span></h2>
            <p class="hint">"Each project still in play: value across, highest open risk up, bubble size by budget, colour by RAG. Select a bubble to open its project."</p>
            {chart}
        </section>
    }
}

/// The bubble chart as SVG markup: bubbles are SVG links (`<a href>`), which a view macro
/// would build as HTML anchors, invisible inside an `<svg>`.
pub(crate) fn bubble_chart_svg(bubbles: &[Bubble], href: &dyn Fn(&str) -> String) -> String {
    let frame = CHART;
    let mut svg = format!(
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-labelledby="bubble-title" xmlns="http://www.w3.org/2000/svg"><title id="bubble-title">Portfolio map: value against risk, bubble size by budget</title>"#,
        w = frame.width,
        h = frame.height
    );
    // Gridlines and axes: value 0–1 across, risk score 0–25 up.
    for step in 0..=4 {
        let fraction = f64::from(step) / 4.0;
        let x = frame.x(fraction);
        svg += &format!(
            r#"<line class="grid" x1="{x}" y1="{top}" x2="{x}" y2="{bottom}"/><text class="tick" x="{x}" y="{below}" text-anchor="middle">{value}</text>"#,
            top = frame.y(1.0),
            bottom = frame.y(0.0),
            below = frame.y(0.0) + 16.0,
            value = views::number(fraction, 2),
        );
    }
    for risk in (0..=25).step_by(5) {
        let y = frame.y(f64::from(risk) / 25.0);
        svg += &format!(
            r#"<line class="grid" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/><text class="tick" x="{beside}" y="{y}" text-anchor="end" dominant-baseline="middle">{risk}</text>"#,
            left = frame.x(0.0),
            right = frame.x(1.0),
            beside = frame.x(0.0) - 8.0,
        );
    }
    svg += &format!(
        r#"<text class="axis" x="{x}" y="{y}" text-anchor="middle">Value (weighted score, else alignment) 价值</text><text class="axis" transform="translate(14 {ty}) rotate(-90)" text-anchor="middle">Highest open risk 风险</text>"#,
        x = frame.x(0.5),
        y = frame.height - 8.0,
        ty = frame.y(0.5),
    );
    for bubble in bubbles {
        let rag = match bubble.rag {
            Some(Rag::Green) => "green",
            Some(Rag::Amber) => "amber",
            Some(Rag::Red) => "red",
            None => "none",
        };
        let title = format!(
            "{}: value {} ({}), highest open risk {}, budget {}, RAG {}",
            bubble.name,
            views::number(bubble.value, 2),
            bubble.basis.label(),
            bubble.risk,
            views::money(bubble.budget),
            if rag == "none" { "not rated" } else { rag }
        );
        svg += &format!(
            r#"<a href="{href}" data-testid="bubble" data-project-id="{id}" aria-label="{title}"><title>{title}</title><circle class="bubble rag-{rag}" cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}"/><text class="bubble-label" x="{cx:.1}" y="{ly:.1}" text-anchor="middle">{name}</text></a>"#,
            href = escape(&href(bubble.id.as_str())),
            id = escape(bubble.id.as_str()),
            title = escape(&title),
            cx = bubble.cx,
            cy = bubble.cy,
            r = bubble.r,
            ly = bubble.cy - bubble.r - 4.0,
            name = escape(&bubble.name),
        );
    }
    if bubbles.is_empty() {
        svg += &format!(
            r#"<text class="tick" x="{x}" y="{y}" text-anchor="middle">No project in play yet.</text>"#,
            x = frame.x(0.5),
            y = frame.y(0.5)
        );
    }
    svg + "</svg>"
}

/// Text and attribute values for markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

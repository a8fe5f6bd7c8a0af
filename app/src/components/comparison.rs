//! What changed between two versions of the board, as a PMO reads it: projects added, removed
//! and re-ranked, fields old → new, bookings, and the KPIs then and now. The figures come
//! from `shared::history::compare`; this only lays them out.

use leptos::prelude::*;
use shared::{
    board::BoardSnapshot,
    history::{
        compare::{compare, compare_kpis, Comparison},
        format_number,
    },
    IsoWeek,
};

use crate::pages::dashboard::PLANNING_WEEKS;

/// The difference from `then` to `now`, with the names of both ends (e.g. "2027 Q1 review"
/// and "now").
#[component]
pub fn ComparisonView(
    then: BoardSnapshot,
    #[prop(into)] now: Signal<BoardSnapshot>,
    then_label: String,
    now_label: String,
) -> impl IntoView {
    let then = StoredValue::new(then);
    let weeks = IsoWeek::containing(chrono::Utc::now().date_naive()).span(PLANNING_WEEKS);
    let weeks = StoredValue::new(weeks);
    let comparison: Memo<Comparison> = Memo::new(move |_| now.with(|now| then.with_value(|then| compare(then, now))));
    let kpis = Memo::new(move |_| now.with(|now| then.with_value(|then| compare_kpis(then, now, &weeks.get_value()))));
    let (then_head, now_head) = (then_label.clone(), now_label.clone());
    let changes = move || {
        let comparison = comparison.get();
        if comparison.is_empty() {
            return view! { <p data-testid="compare-nothing">"No project, field or booking differs."</p> }.into_any();
        }
        let mut projects: Vec<String> = Vec::new();
        projects.extend(comparison.added.iter().map(|name| format!("{name}: added")));
        projects.extend(comparison.removed.iter().map(|name| format!("{name}: deleted")));
        projects.extend(comparison.reranked.iter().map(|r| format!("{}: #{} → #{}", r.project, r.from, r.to)));
        let list = |items: Vec<String>, testid: &'static str| {
            view! { <ul class="since" data-testid=testid>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> }
        };
        let fields: Vec<String> = comparison
            .fields
            .iter()
            .map(|f| format!("{} · {}: {} → {}", f.project, f.field, f.before, f.after))
            .collect();
        let bookings: Vec<String> = comparison
            .bookings
            .iter()
            .map(|b| {
                format!(
                    "{} · {} · {}: {} h → {} h",
                    b.project,
                    b.person,
                    b.week,
                    format_number(b.before),
                    format_number(b.after)
                )
            })
            .collect();
        view! {
            {(!projects.is_empty()).then(|| view! { <h4>"Projects"</h4> {list(projects, "compare-projects")} })}
            {(!fields.is_empty()).then(|| view! { <h4>"Fields"</h4> {list(fields, "compare-fields")} })}
            {(!bookings.is_empty()).then(|| view! { <h4>"Bookings"</h4> {list(bookings, "compare-bookings")} })}
        }
        .into_any()
    };
    let kpi_rows = move || {
        kpis.get()
            .into_iter()
            .map(|kpi| {
                let changed = kpi.changed();
                view! {
                    <tr class:changed=changed data-kpi=kpi.id>
                        <th scope="row">{kpi.label} " " <span class="zh" lang="zh">{kpi.zh}</span></th>
                        <td class="number">{kpi.then.unwrap_or_else(|| "—".into())}</td>
                        <td class="number">{kpi.now.unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="comparison" data-testid="comparison" aria-label=format!("From {then_label} to {now_label}")>
            {changes}
            <h4>"PMO KPIs " <span class="zh" lang="zh">"绩效指标"</span></h4>
            <table class="kpi-then-now" data-testid="compare-kpis">
                <thead><tr><th></th><th>{then_head}</th><th>{now_head}</th></tr></thead>
                <tbody>{kpi_rows}</tbody>
            </table>
        </section>
    }
}

//! What changed between two versions of the board, as a PMO reads it: projects added, removed
//! and re-ranked, fields old → new, bookings, and the KPIs then and now. The figures come
//! from `shared::history::compare`; this only lays them out.

use leptos::prelude::*;
use shared::{
    board::{BoardSnapshot, Phase},
    format,
    history::compare::{compare, compare_kpis, Comparison},
    IsoWeek, Stage,
};

use crate::{
    components::{phase_label, stage_label},
    i18n::*,
    language::lang,
    pages::dashboard::{kpi_label, PLANNING_WEEKS},
};

/// A project field (its key in the document) as people call it, in their language (tracked).
pub fn field_label(i18n: I18nContext<Locale>, field: &str) -> String {
    match field {
        "name" => t_string!(i18n, timetravel.field_name),
        "stage" => t_string!(i18n, timetravel.field_stage),
        "phase" => t_string!(i18n, timetravel.field_phase),
        "budget" => t_string!(i18n, timetravel.field_budget),
        "sponsor" => t_string!(i18n, timetravel.field_sponsor),
        "manager" => t_string!(i18n, timetravel.field_manager),
        "start" => t_string!(i18n, timetravel.field_start),
        "end" => t_string!(i18n, timetravel.field_end),
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A compared value in the reader's language: states and phases (which the comparison writes
/// by their stored names, `approved`) by their label in the catalogue, anything else as it is.
fn field_value(field: &str, value: &str) -> String {
    match field {
        "stage" => value.parse::<Stage>().ok().map(stage_label),
        "phase" => value.parse::<Phase>().ok().map(phase_label),
        _ => None,
    }
    .map_or_else(|| value.to_owned(), str::to_owned)
}

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
    let i18n = use_i18n();
    let (then_head, now_head) = (then_label.clone(), now_label.clone());
    let changes = move || {
        let comparison = comparison.get();
        if comparison.is_empty() {
            return view! { <p data-testid="compare-nothing">{t!(i18n, timetravel.nothing_differs)}</p> }.into_any();
        }
        let mut projects: Vec<String> = Vec::new();
        projects.extend(comparison.added.iter().map(|name| tr!(i18n, timetravel.added, name)));
        projects.extend(comparison.removed.iter().map(|name| tr!(i18n, timetravel.deleted, name)));
        projects.extend(
            comparison
                .reranked
                .iter()
                .map(|r| tr!(i18n, timetravel.reranked, name = r.project, from = r.from, to = r.to)),
        );
        let list = |items: Vec<String>, testid: &'static str| {
            view! { <ul class="since" data-testid=testid>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> }
        };
        let fields: Vec<String> = comparison
            .fields
            .iter()
            .map(|f| {
                tr!(
                    i18n,
                    timetravel.field_change,
                    project = f.project,
                    field = field_label(i18n, f.field),
                    before = field_value(f.field, &f.before),
                    after = field_value(f.field, &f.after),
                )
            })
            .collect();
        let bookings: Vec<String> = comparison
            .bookings
            .iter()
            .map(|b| {
                tr!(
                    i18n,
                    timetravel.booking_change,
                    project = b.project,
                    person = b.person,
                    week = format::week(lang(), b.week),
                    before = format::hours(lang(), b.before),
                    after = format::hours(lang(), b.after),
                )
            })
            .collect();
        view! {
            {(!projects.is_empty()).then(|| view! { <h4>{t!(i18n, timetravel.projects)}</h4> {list(projects, "compare-projects")} })}
            {(!fields.is_empty()).then(|| view! { <h4>{t!(i18n, timetravel.fields)}</h4> {list(fields, "compare-fields")} })}
            {(!bookings.is_empty()).then(|| view! { <h4>{t!(i18n, timetravel.bookings)}</h4> {list(bookings, "compare-bookings")} })}
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
                        <th scope="row">{kpi_label(i18n, kpi.id)}</th>
                        <td class="number">{kpi.then.unwrap_or_else(|| "—".into())}</td>
                        <td class="number">{kpi.now.unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="comparison" data-testid="comparison" aria-label=move || tr!(i18n, timetravel.compare_label, from = then_label, to = now_label)>
            {changes}
            <h4>{t!(i18n, timetravel.kpis)}</h4>
            <table class="kpi-then-now" data-testid="compare-kpis">
                <thead><tr><th></th><th>{then_head}</th><th>{now_head}</th></tr></thead>
                <tbody>{kpi_rows}</tbody>
            </table>
        </section>
    }
}

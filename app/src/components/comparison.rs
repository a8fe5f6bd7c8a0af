//! What changed between two versions of the board, as a PMO reads it: projects added, removed
//! and re-ranked, fields old → new, bookings, the KPIs then and now, and what the exact
//! selection chooses on each. The figures come from `shared::history::compare`; this only lays
//! them out. The selection is computed after the rest is on screen (it searches up to
//! `compare::SELECTION_NODES` branch-and-bound nodes per version).
//!
//! The comparison is code of its own, loaded the first time one is shown (`#[lazy]`, split
//! into a chunk by `scripts/build-site.sh`): the frame's time-travel banner offers it on every
//! page, and with it the main module would carry the comparison and the exact selection it runs
//! (the MILP solver), which otherwise only the selection page's chunk needs.

use std::sync::Arc;

use leptos::prelude::*;
use shared::{
    board::{schema, BoardSnapshot, Phase},
    format,
    history::compare::{
        compare, compare_kpis, compare_selection, selection_limits, Comparison, SelectionAt, SelectionThenNow,
    },
    selection::{SelectionError, SelectionStatus},
    IsoWeek, ProjectId, Stage,
};

use crate::{
    components::{kpi_label, phase_label, stage_label, PLANNING_WEEKS},
    i18n::*,
    language::lang,
};

/// A project field (its key in the document) as people call it, in their language (tracked).
pub fn field_label(i18n: I18nContext<Locale>, field: &str) -> String {
    match field {
        schema::project::NAME => t_string!(i18n, timetravel.field_name),
        schema::project::STAGE => t_string!(i18n, timetravel.field_stage),
        schema::project::PHASE => t_string!(i18n, timetravel.field_phase),
        schema::project::BUDGET => t_string!(i18n, timetravel.field_budget),
        schema::project::SPONSOR => t_string!(i18n, timetravel.field_sponsor),
        schema::project::MANAGER => t_string!(i18n, timetravel.field_manager),
        schema::project::START => t_string!(i18n, timetravel.field_start),
        schema::project::END => t_string!(i18n, timetravel.field_end),
        schema::project::ACTUAL_COST => t_string!(i18n, project.actual_cost),
        schema::project::PLANNED_VALUE => t_string!(i18n, project.planned_value),
        schema::project::EARNED_VALUE => t_string!(i18n, project.earned_value),
        schema::project::PERCENT_COMPLETE => t_string!(i18n, project.percent_complete),
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A compared value in the reader's language: states and phases (which the comparison writes
/// by their stored names, `approved`) by their label in the catalogue, anything else as it is.
fn field_value(field: &str, value: &str) -> String {
    match field {
        schema::project::STAGE => value.parse::<Stage>().ok().map(stage_label),
        schema::project::PHASE => value.parse::<Phase>().ok().map(phase_label),
        _ => None,
    }
    .map_or_else(|| value.to_owned(), str::to_owned)
}

/// The difference from `then` to `now`, with the names of both ends (e.g. "2027 Q1 review"
/// and "now"). Its code comes with the first comparison shown (see the module's note); until
/// then, "Loading…".
#[component]
pub fn ComparisonView(
    #[prop(into)] then: Arc<BoardSnapshot>,
    #[prop(into)] now: Signal<Arc<BoardSnapshot>>,
    then_label: String,
    now_label: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let ends = Ends { then, now, then_label, now_label };
    view! {
        <Suspense fallback=move || view! { <p class="hint" role="status">{t!(i18n, common.loading)}</p> }>
            {Suspend::new(async move { comparison(ends).await })}
        </Suspense>
    }
}

/// What [`ComparisonView`] compares: one argument, as a split function takes it.
struct Ends {
    then: Arc<BoardSnapshot>,
    now: Signal<Arc<BoardSnapshot>>,
    then_label: String,
    now_label: String,
}

/// The comparison itself, in a chunk of its own (see the module's note).
#[lazy]
fn comparison(ends: Ends) -> AnyView {
    // Built once: what it shows follows `now` through its own memos, not through the caller.
    untrack(|| comparison_view(ends).into_any())
}

fn comparison_view(Ends { then, now, then_label, now_label }: Ends) -> impl IntoView {
    let then = StoredValue::new(then);
    let weeks = IsoWeek::containing(chrono::Utc::now().date_naive()).span(PLANNING_WEEKS);
    let weeks = StoredValue::new(weeks);
    let comparison: Memo<Comparison> = Memo::new(move |_| now.with(|now| then.with_value(|then| compare(then, now))));
    let kpis = Memo::new(move |_| now.with(|now| then.with_value(|then| compare_kpis(then, now, &weeks.get_value()))));
    let i18n = use_i18n();
    // The selection, a moment after the rest: it is the slow part, and the page should not
    // wait. A burst of colleagues' edits computes it once, after the last.
    let selection: RwSignal<Option<Result<SelectionThenNow, SelectionError>>> = RwSignal::new(None);
    let generation = StoredValue::new(0_u64);
    Effect::new(move || {
        now.track();
        let this = generation.get_value() + 1;
        generation.set_value(this);
        set_timeout(
            move || {
                if generation.try_get_value() != Some(this) {
                    return;
                }
                let Some(weeks) = weeks.try_get_value() else { return };
                let outcome = now.try_with_untracked(|now| {
                    then.try_with_value(|then| compare_selection(then, now, &weeks, &selection_limits()))
                });
                if let Some(Some(outcome)) = outcome {
                    let _ = selection.try_set(Some(outcome));
                }
            },
            std::time::Duration::from_millis(150),
        );
    });
    let currency = Memo::new(move |_| now.with(|now| now.settings.currency.clone()));
    let (then_head, now_head) = (then_label.clone(), now_label.clone());
    let (then_point, now_point) = (then_label.clone(), now_label.clone());
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
            <h4>{t!(i18n, timetravel.selection)}</h4>
            <p class="hint">{t!(i18n, timetravel.selection_hint)}</p>
            {move || match selection.get() {
                None => view! { <p class="hint" role="status">{t!(i18n, common.loading)}</p> }.into_any(),
                Some(Err(error)) => {
                    // Each project by its name now, or then when it has gone since.
                    let reason = move || {
                        now.with(|now| {
                            then.with_value(|then| {
                                let name = |id: &ProjectId| {
                                    [now.as_ref(), then.as_ref()]
                                        .into_iter()
                                        .find_map(|board| board.projects.iter().find(|p| &p.id == id))
                                        .map_or_else(|| id.to_string(), |p| p.name.clone())
                                };
                                crate::words::selection_error(i18n.get_locale(), &error, &name)
                            })
                        })
                    };
                    view! { <p class="notice" role="alert">{move || tr!(i18n, timetravel.selection_failed, reason = reason())}</p> }
                        .into_any()
                }
                Some(Ok(figures)) => view! {
                    <SelectionThenNowView figures currency=currency.get() then_label=then_point.clone() now_label=now_point.clone()/>
                }.into_any(),
            }}
        </section>
    }
}

/// The selection on both versions: how many projects, their value and cost against the
/// budget, and the projects chosen on one only.
#[component]
fn SelectionThenNowView(
    figures: SelectionThenNow,
    currency: String,
    then_label: String,
    now_label: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let infeasible = |at: &SelectionAt| matches!(at.status, SelectionStatus::Infeasible(_));
    let cell = |at: &SelectionAt, figure: String| if infeasible(at) { "—".to_owned() } else { figure };
    let money = |value: f64| format::money(lang(), value, &currency);
    let row = |label: String, then: String, now: String, changed: bool| {
        view! {
            <tr class:changed=changed>
                <th scope="row">{label}</th>
                <td class="number">{then}</td>
                <td class="number">{now}</td>
            </tr>
        }
    };
    let (then, now) = (&figures.then, &figures.now);
    let rows = vec![
        row(
            t_string!(i18n, timetravel.selection_chosen).to_owned(),
            cell(then, then.chosen.len().to_string()),
            cell(now, now.chosen.len().to_string()),
            then.chosen != now.chosen,
        ),
        row(
            t_string!(i18n, timetravel.selection_value).to_owned(),
            cell(then, format::number(lang(), then.value, 1)),
            cell(now, format::number(lang(), now.value, 1)),
            then.value != now.value,
        ),
        row(
            t_string!(i18n, timetravel.selection_cost).to_owned(),
            cell(then, money(then.cost)),
            cell(now, money(now.cost)),
            then.cost != now.cost,
        ),
        row(
            t_string!(i18n, timetravel.selection_budget).to_owned(),
            money(then.budget),
            money(now.budget),
            then.budget != now.budget,
        ),
    ];
    let status = |at: &SelectionAt, label: &str| match &at.status {
        SelectionStatus::Optimal => None,
        SelectionStatus::Stopped(_) => {
            Some(format!("{label}: {}", tr!(i18n, timetravel.selection_within, gap = format::percent(lang(), at.gap))))
        }
        SelectionStatus::Infeasible(_) => {
            Some(format!("{label}: {}", t_string!(i18n, timetravel.selection_infeasible)))
        }
    };
    let notes: Vec<String> = [status(then, &then_label), status(now, &now_label)].into_iter().flatten().collect();
    let names = |names: &[String]| names.join(t_string!(i18n, timetravel.list_separator));
    let mut differences = Vec::new();
    if !figures.only_then.is_empty() {
        differences.push(
            tr!(i18n, timetravel.selection_only, point = then_label.clone(), names = names(&figures.only_then))
                .to_string(),
        );
    }
    if !figures.only_now.is_empty() {
        differences.push(
            tr!(i18n, timetravel.selection_only, point = now_label.clone(), names = names(&figures.only_now))
                .to_string(),
        );
    }
    view! {
        <table class="kpi-then-now" data-testid="compare-selection">
            <thead><tr><th></th><th>{then_label.clone()}</th><th>{now_label.clone()}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {if differences.is_empty() {
            view! { <p data-testid="compare-selection-same">{t!(i18n, timetravel.selection_same)}</p> }.into_any()
        } else {
            view! {
                <ul class="since" data-testid="compare-selection-changes">
                    {differences.into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {notes.into_iter().map(|note| view! { <p class="hint">{note}</p> }).collect_view()}
    }
}

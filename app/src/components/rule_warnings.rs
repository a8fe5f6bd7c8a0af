//! What the merged board breaks (budget envelope, capacity from this week on, dependencies).

use leptos::prelude::*;
use std::sync::Arc;

use shared::{board::BoardSnapshot, format, rules::Warning, views::dashboard::OverRun, IsoWeek};

use crate::{i18n::*, language::lang};

/// A warning in the reader's language (tracked), its figures written their way.
pub fn warning_text(i18n: I18nContext<Locale>, warning: &Warning) -> String {
    match warning {
        Warning::BudgetEnvelopeExceeded { committed, envelope } => tr!(
            i18n,
            components.warning_budget,
            committed = format::amount(lang(), *committed),
            envelope = format::amount(lang(), *envelope)
        ),
        Warning::OverCapacity { person, week, allocated_hours, capacity_hours } => tr!(
            i18n,
            components.warning_capacity,
            person,
            week = format::week(lang(), *week),
            booked = format::hours(lang(), *allocated_hours),
            capacity = format::hours(lang(), *capacity_hours)
        ),
        Warning::DependsOnCancelled { project, cancelled } => {
            tr!(i18n, components.warning_cancelled, project, cancelled)
        }
        Warning::DependencyCycle { projects } => {
            tr!(i18n, components.warning_cycle, projects = projects.join(" → "))
        }
    }
}

/// One line of the warnings: a warning in words, or a person over capacity in several weeks.
pub fn line_text(i18n: I18nContext<Locale>, warning: &Warning, run: Option<OverRun>) -> String {
    match (warning, run) {
        (Warning::OverCapacity { person, allocated_hours, capacity_hours, .. }, Some(run)) => tr!(
            i18n,
            components.warning_capacity_weeks,
            person,
            count = run.weeks,
            first = format::week(lang(), run.first),
            last = format::week(lang(), run.last),
            booked = format::hours(lang(), *allocated_hours),
            capacity = format::hours(lang(), *capacity_hours)
        ),
        _ => warning_text(i18n, warning),
    }
}

/// How many lines of warnings every page shows above itself; the dashboard lists them all.
const SHOWN: usize = 3;

/// The warnings of the board the pages show (the live one, or the board as it was): the
/// first few lines, and a link to the dashboard for the rest; nothing on the dashboard, which
/// lists them all.
#[component]
pub fn RuleWarnings(snapshot: Memo<Arc<BoardSnapshot>>, dashboard: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    // Kept between changes: a budget or a stage does not sum every booking again.
    let checker = StoredValue::new(shared::rules::LiveCheck::default());
    let lines = Memo::new(move |_| {
        snapshot.with(|board| {
            let warnings = checker.try_update_value(|checker| checker.check_from(board, Some(this_week)));
            shared::views::dashboard::grouped(&warnings.unwrap_or_default())
        })
    });
    // The dashboard lists every warning itself.
    let location = leptos_router::hooks::use_location();
    let on_dashboard = move || location.pathname.with(|path| path.trim_end_matches('/').ends_with("/dashboard"));
    move || {
        // Not even computed there: the memo runs only when read.
        if on_dashboard() {
            return None;
        }
        lines.with(|lines| {
            (!lines.is_empty()).then(|| {
                let more = lines.len().saturating_sub(SHOWN);
                let shown = lines
                    .iter()
                    .take(SHOWN)
                    .cloned()
                    .map(|(warning, run)| view! { <li>{move || line_text(i18n, &warning, run)}</li> })
                    .collect_view();
                view! {
                    <section class="warnings" role="status" data-testid="rule-warnings">
                        <h2>{t!(i18n, components.check_these)}</h2>
                        <ul>{shown}</ul>
                        {(more > 0).then(|| view! {
                            <p class="more"><a href=move || dashboard.get() data-testid="more-warnings">
                                {move || tr!(i18n, components.more_warnings, count = more)}</a></p>
                        })}
                    </section>
                }
            })
        })
    }
}

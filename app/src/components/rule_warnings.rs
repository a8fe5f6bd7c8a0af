//! What the merged board breaks (budget envelope, capacity from this week on, dependencies).

use leptos::prelude::*;
use std::sync::Arc;

use shared::{board::BoardSnapshot, format, rules::Warning, IsoWeek};

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

/// The warnings of the board the pages show (the live one, or the board as it was).
#[component]
pub fn RuleWarnings(snapshot: Memo<Arc<BoardSnapshot>>) -> impl IntoView {
    let i18n = use_i18n();
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    let warnings = Memo::new(move |_| snapshot.with(|board| shared::rules::check_from(board, Some(this_week))));
    move || {
        let warnings = warnings.get();
        (!warnings.is_empty()).then(|| {
            view! {
                <section class="warnings" role="status" data-testid="rule-warnings">
                    <h2>{t!(i18n, components.check_these)}</h2>
                    <ul>{warnings.into_iter().map(|warning| view! { <li>{move || warning_text(i18n, &warning)}</li> }).collect_view()}</ul>
                </section>
            }
        })
    }
}

//! What the merged board breaks (budget envelope, capacity from this week on, dependencies).

use leptos::prelude::*;
use shared::{board::BoardSnapshot, IsoWeek};

use crate::i18n::*;

/// The warnings of the board the pages show (the live one, or the board as it was).
#[component]
pub fn RuleWarnings(snapshot: Memo<BoardSnapshot>) -> impl IntoView {
    let i18n = use_i18n();
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    let warnings = Memo::new(move |_| {
        snapshot.with(|board| {
            shared::rules::check_from(board, Some(this_week)).iter().map(ToString::to_string).collect::<Vec<_>>()
        })
    });
    move || {
        let warnings = warnings.get();
        (!warnings.is_empty()).then(|| {
            view! {
                <section class="warnings" role="status" data-testid="rule-warnings">
                    <h2>{t!(i18n, components.check_these)}</h2>
                    <ul>{warnings.into_iter().map(|warning| view! { <li>{warning}</li> }).collect_view()}</ul>
                </section>
            }
        })
    }
}

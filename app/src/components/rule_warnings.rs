//! What the merged board breaks (budget envelope, capacity from this week on, dependencies).

use leptos::prelude::*;
use shared::IsoWeek;

use crate::session::SessionView;

#[component]
pub fn RuleWarnings(view: SessionView) -> impl IntoView {
    let this_week = IsoWeek::containing(chrono::Utc::now().date_naive());
    let warnings = Memo::new(move |_| {
        view.snapshot.with(|board| {
            shared::rules::check_from(board, Some(this_week)).iter().map(ToString::to_string).collect::<Vec<_>>()
        })
    });
    move || {
        let warnings = warnings.get();
        (!warnings.is_empty()).then(|| {
            view! {
                <section class="warnings" role="status" data-testid="rule-warnings">
                    <h2>"Check these " <span class="zh" lang="zh">"需要处理"</span></h2>
                    <ul>{warnings.into_iter().map(|warning| view! { <li>{warning}</li> }).collect_view()}</ul>
                </section>
            }
        })
    }
}

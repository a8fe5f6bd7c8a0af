//! Baselines (基线), `/board/:id/baselines`: the board's current version kept under a name
//! ("2027 Q1 review"), listed newest first; each opens every page as it was
//! (`?at=` its heads, see [`crate::components::time_travel`]), compares with now, or is
//! deleted. Below, any two points (now, a baseline, a decision) side by side.
//!
//! A baseline is stored in the board document (`Board::add_baseline`), so it syncs to every
//! member, offline too, like any other edit.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::components::A;
use shared::{
    board::{Baseline, BaselineId, BoardSnapshot, Stamp},
    history::ChangeHash,
};

use crate::{
    account::Auth,
    components::{board_context::BoardContext, comparison::ComparisonView, kind_label},
    i18n::*,
    language::{local_time, Message},
};

#[component]
pub fn BaselinesPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let baselines = Memo::new(move |_| board.view.snapshot.with(|snapshot| snapshot.baselines.clone()));
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Message>);
    let saved = RwSignal::new(None::<Message>);
    let take = move || {
        let by = Auth::get().account().map(|account| account.name).unwrap_or_default();
        let stamp = Stamp { by, at_ms: js_sys::Date::now() as i64 };
        let text = name.get_untracked();
        match board.try_apply(|b| b.add_baseline(BaselineId::random(), &text, stamp)) {
            Ok(()) => {
                problem.set(None);
                saved.set(Some(message!(timetravel.baseline_kept, name = text.trim())));
                name.set(String::new());
            }
            Err(message) => {
                saved.set(None);
                problem.set(Some(Message::new(move |locale| capitalise(&message.in_locale(locale)))));
            }
        }
    };
    let rows = move || {
        let list = baselines.get();
        if list.is_empty() {
            return view! {
                <p class="history-empty" data-testid="no-baselines">{t!(i18n, timetravel.no_baselines)}</p>
            }
            .into_any();
        }
        let rows = list.iter().cloned().map(|baseline| view! { <BaselineRow board baseline/> }).collect_view();
        view! {
            <table class="baselines-table" data-testid="baselines-table">
                <thead><tr>
                    <th>{t!(i18n, timetravel.column_name)}</th><th>{t!(i18n, timetravel.column_by)}</th>
                    <th>{t!(i18n, timetravel.column_when)}</th>
                    <th><span class="visually-hidden">{t!(i18n, timetravel.column_actions)}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="baselines" aria-labelledby="baselines-title">
            <h2 id="baselines-title">{t!(i18n, timetravel.baselines_title)}</h2>
            <p class="history-intro">{t!(i18n, timetravel.baselines_intro)}</p>
            <Show when=move || board.editable.get()>
                <form class="take-baseline" on:submit=move |ev| { ev.prevent_default(); take(); }>
                    <label for="baseline-name">{t!(i18n, timetravel.name_this_version)} " "</label>
                    <input id="baseline-name" data-testid="baseline-name"
                        placeholder=move || t_string!(i18n, timetravel.baseline_placeholder) prop:value=name
                        aria-invalid=move || problem.with(Option::is_some).to_string()
                        aria-describedby="baseline-problem"
                        on:input=move |ev| { name.set(event_target_value(&ev)); problem.set(None); }/>
                    <button type="submit" data-testid="take-baseline">{t!(i18n, timetravel.take_baseline)}</button>
                    <span id="baseline-problem" class="field-error" role="alert" data-testid="baseline-problem">{move || problem.get().map(|problem| problem.text(i18n))}</span>
                    <span role="status" class="saved">{move || saved.get().map(|saved| saved.text(i18n))}</span>
                </form>
            </Show>
            {rows}
            <CompareTwoPoints board/>
        </section>
    }
}

/// "the baseline name must not be empty" → "The baseline name must not be empty."
fn capitalise(message: &str) -> String {
    let mut chars = message.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    let rest: String = chars.collect();
    if rest.ends_with('.') {
        format!("{first}{rest}")
    } else {
        format!("{first}{rest}.")
    }
}

/// The board at `heads`, or why it cannot be shown.
fn board_at(i18n: I18nContext<Locale>, board: BoardContext, heads: &[ChangeHash]) -> Result<BoardSnapshot, String> {
    board.session.with_value(|session| {
        session.read(|live| {
            if !live.contains(heads) {
                return Err(t_string!(i18n, timetravel.version_not_here).to_owned());
            }
            live.snapshot_at(heads).map_err(|error| board.word(&error).text(i18n))
        })
    })
}

#[component]
fn BaselineRow(board: BoardContext, baseline: Baseline) -> impl IntoView {
    let i18n = use_i18n();
    let comparing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(baseline.id.clone());
    let heads = StoredValue::new(baseline.heads.clone());
    let label = baseline.name.clone();
    let comparison = move || {
        comparing.get().then(|| match board_at(i18n, board, &heads.get_value()) {
            Ok(then) => view! {
                <tr class="baseline-comparison"><td colspan="4">
                    <ComparisonView then now=board.live then_label=label.clone() now_label=t_string!(i18n, timetravel.now).to_owned()/>
                </td></tr>
            }
            .into_any(),
            Err(message) => view! { <tr><td colspan="4" class="notice" role="alert">{message}</td></tr> }.into_any(),
        })
    };
    let name = baseline.name.clone();
    let at_ms = baseline.recorded.at_ms;
    view! {
        <tr data-testid="baseline-row">
            <td class="baseline-name">{baseline.name.clone()}</td>
            <td>{baseline.recorded.by.clone()}</td>
            <td>{move || local_time(at_ms)}</td>
            <td class="actions">
                <A href=board.href_at("", &baseline.heads) attr:data-testid="open-baseline">{t!(i18n, timetravel.see_then)}</A>
                " "
                <button type="button" class="link" data-testid="compare-baseline"
                    aria-expanded=move || comparing.get().to_string()
                    on:click=move |_| comparing.update(|on| *on = !*on)>
                    {move || if comparing.get() {
                        t_string!(i18n, timetravel.hide_comparison)
                    } else {
                        t_string!(i18n, timetravel.compare_with_now)
                    }}
                </button>
                " "
                <Show when=move || board.editable.get()>
                    <button type="button" class="danger" data-testid="delete-baseline"
                        aria-expanded=move || confirming.get().to_string()
                        on:click=move |_| confirming.set(true)>{t!(i18n, timetravel.delete)}</button>
                </Show>
                <Show when=move || confirming.get()>
                    <span class="confirm-delete" role="group" aria-label=move || t_string!(i18n, timetravel.confirm_delete_label) data-testid="confirm-delete"
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { confirming.set(false); }>
                        {let name = name.clone(); move || tr!(i18n, timetravel.confirm_delete, name)}
                        " "
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(false);
                            board.apply(|b| b.delete_baseline(&id.get_value()));
                        }>{t!(i18n, timetravel.delete)}</button>
                        <button type="button" on:click=move |_| confirming.set(false)>{t!(i18n, timetravel.cancel)}</button>
                    </span>
                </Show>
            </td>
        </tr>
        {comparison}
    }
}

/// The points a comparison can start or end at: now, each baseline, each decision.
fn points(i18n: I18nContext<Locale>, live: &BoardSnapshot) -> Vec<(String, String)> {
    let mut points = vec![("now".to_owned(), t_string!(i18n, timetravel.now).to_owned())];
    points.extend(live.baselines.iter().map(|b| {
        (
            shared::history::point::heads_param(&b.heads),
            tr!(i18n, timetravel.point_baseline_option, name = b.name, when = local_time(b.recorded.at_ms)),
        )
    }));
    points.extend(live.decisions.iter().map(|d| {
        (
            shared::history::point::heads_param(&d.heads),
            tr!(
                i18n,
                timetravel.point_decision_option,
                kind = kind_label(i18n, d.kind),
                when = local_time(d.recorded.at_ms)
            ),
        )
    }));
    points
}

/// Two points side by side: from one (the earlier, usually) to the other.
#[component]
fn CompareTwoPoints(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let options = Memo::new(move |_| board.live.with(|live| points(i18n, live)));
    let from = RwSignal::new(String::new());
    let to = RwSignal::new("now".to_owned());
    let snapshot_of = move |key: &str| -> Result<(Arc<BoardSnapshot>, String), String> {
        let label =
            options.with(|o| o.iter().find(|(k, _)| k == key).map(|(_, label)| label.clone())).unwrap_or_default();
        if key == "now" {
            return Ok((board.live.get(), label));
        }
        let heads = shared::history::point::heads_from_param(key)
            .ok_or_else(|| t_string!(i18n, timetravel.choose_point).to_owned())?;
        board_at(i18n, board, &heads).map(|then| (Arc::new(then), label))
    };
    let result = move || {
        let (from_key, to_key) = (from.get(), to.get());
        if from_key.is_empty() || options.with(|o| o.len() < 2) {
            return view! { <p class="hint">{t!(i18n, timetravel.choose_two)}</p> }.into_any();
        }
        match (snapshot_of(&from_key), snapshot_of(&to_key)) {
            (Ok((then, then_label)), Ok((now, now_label))) => {
                let now = Signal::stored(now);
                view! { <ComparisonView then now then_label now_label/> }.into_any()
            }
            (Err(message), _) | (_, Err(message)) => view! { <p class="notice" role="alert">{message}</p> }.into_any(),
        }
    };
    let select = move |value: RwSignal<String>, testid: &'static str| {
        view! {
            <select data-testid=testid prop:value=value on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="" disabled=true>{t!(i18n, timetravel.choose_point)}</option>
                {move || options.get().into_iter().map(|(key, label)| view! { <option value=key>{label}</option> }).collect_view()}
            </select>
        }
    };
    view! {
        <section class="compare-points" aria-labelledby="compare-title">
            <h3 id="compare-title">{t!(i18n, timetravel.compare_two)}</h3>
            <p class="compare-choice">
                <label>{t!(i18n, timetravel.from)} " " {select(from, "compare-from")}</label>
                " "
                <label>{t!(i18n, timetravel.to)} " " {select(to, "compare-to")}</label>
            </p>
            {result}
        </section>
    }
}

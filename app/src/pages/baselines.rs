//! Baselines (基线), `/board/:id/baselines`: the board's current version kept under a name
//! ("2027 Q1 review"), listed newest first; each opens every page as it was
//! (`?at=` its heads, see [`crate::components::time_travel`]), compares with now, or is
//! deleted. Below, any two points (now, a baseline, a decision) side by side.
//!
//! A baseline is stored in the board document (`Board::add_baseline`), so it syncs to every
//! member, offline too, like any other edit.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::{
    board::{Baseline, BaselineId, BoardSnapshot, Stamp},
    history::ChangeHash,
};

use super::{board::BoardContext, history::format_time};
use crate::{account::Auth, components::comparison::ComparisonView};

#[component]
pub fn BaselinesPage() -> impl IntoView {
    let board = BoardContext::get();
    let baselines = Memo::new(move |_| board.view.snapshot.with(|snapshot| snapshot.baselines.clone()));
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<String>);
    let take = move || {
        let by = Auth::get().account().map(|account| account.name).unwrap_or_default();
        let stamp = Stamp { by, at_ms: js_sys::Date::now() as i64 };
        let text = name.get_untracked();
        match board.try_apply(|b| b.add_baseline(BaselineId::random(), &text, stamp)) {
            Ok(()) => {
                problem.set(None);
                saved.set(Some(format!("Baseline “{}” kept.", text.trim())));
                name.set(String::new());
            }
            Err(message) => {
                saved.set(None);
                problem.set(Some(capitalise(&message)));
            }
        }
    };
    let rows = move || {
        let list = baselines.get();
        if list.is_empty() {
            return view! {
                <p class="history-empty" data-testid="no-baselines">
                    "No baselines yet. Name the board's current version before a review, to compare with it later."
                </p>
            }
            .into_any();
        }
        let rows = list.into_iter().map(|baseline| view! { <BaselineRow board baseline/> }).collect_view();
        view! {
            <table class="baselines-table" data-testid="baselines-table">
                <thead><tr><th>"Name"</th><th>"Taken by"</th><th>"When"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="baselines" aria-labelledby="baselines-title">
            <h2 id="baselines-title">"Baselines " <span class="zh" lang="zh">"基线"</span></h2>
            <p class="history-intro">
                "A baseline keeps the board exactly as it is now under a name. Open it later to see every page as it was, or compare it with the board as it is."
            </p>
            <Show when=move || board.editable.get()>
                <form class="take-baseline" on:submit=move |ev| { ev.prevent_default(); take(); }>
                    <label for="baseline-name">"Name this version "</label>
                    <input id="baseline-name" data-testid="baseline-name" placeholder="2027 Q1 review" prop:value=name
                        aria-invalid=move || problem.with(Option::is_some).to_string()
                        aria-describedby="baseline-problem"
                        on:input=move |ev| { name.set(event_target_value(&ev)); problem.set(None); }/>
                    <button type="submit" data-testid="take-baseline">"Take baseline"</button>
                    <span id="baseline-problem" class="field-error" role="alert" data-testid="baseline-problem">{move || problem.get()}</span>
                    <span role="status" class="saved">{move || saved.get()}</span>
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
fn board_at(board: BoardContext, heads: &[ChangeHash]) -> Result<BoardSnapshot, String> {
    board.session.with_value(|session| {
        session.read(|live| {
            if !live.contains(heads) {
                return Err("this device does not have that version yet; it arrives with the sync".to_owned());
            }
            live.fork_at(heads).map(|then| then.snapshot()).map_err(|error| error.to_string())
        })
    })
}

#[component]
fn BaselineRow(board: BoardContext, baseline: Baseline) -> impl IntoView {
    let comparing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let id = StoredValue::new(baseline.id.clone());
    let heads = StoredValue::new(baseline.heads.clone());
    let label = baseline.name.clone();
    let comparison = move || {
        comparing.get().then(|| match board_at(board, &heads.get_value()) {
            Ok(then) => view! {
                <tr class="baseline-comparison"><td colspan="4">
                    <ComparisonView then now=board.live then_label=label.clone() now_label="Now".to_owned()/>
                </td></tr>
            }
            .into_any(),
            Err(message) => view! { <tr><td colspan="4" class="notice" role="alert">{message}</td></tr> }.into_any(),
        })
    };
    let name = baseline.name.clone();
    view! {
        <tr data-testid="baseline-row">
            <td class="baseline-name">{baseline.name.clone()}</td>
            <td>{baseline.recorded.by.clone()}</td>
            <td>{format_time(baseline.recorded.at_ms)}</td>
            <td class="actions">
                <A href=board.href_at("", &baseline.heads) attr:data-testid="open-baseline">"See the board then"</A>
                " "
                <button type="button" class="link" data-testid="compare-baseline"
                    aria-expanded=move || comparing.get().to_string()
                    on:click=move |_| comparing.update(|on| *on = !*on)>
                    {move || if comparing.get() { "Hide comparison" } else { "Compare with now" }}
                </button>
                " "
                <Show when=move || board.editable.get()>
                    <button type="button" class="danger" data-testid="delete-baseline"
                        aria-expanded=move || confirming.get().to_string()
                        on:click=move |_| confirming.set(true)>"Delete"</button>
                </Show>
                <Show when=move || confirming.get()>
                    <span class="confirm-delete" role="group" aria-label="Confirm deleting the baseline" data-testid="confirm-delete"
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { confirming.set(false); }>
                        {format!("Delete the baseline “{name}”? The board's history keeps the version itself.")}
                        " "
                        <button type="button" class="danger" on:click=move |_| {
                            confirming.set(false);
                            board.apply(|b| b.delete_baseline(&id.get_value()));
                        }>"Delete"</button>
                        <button type="button" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </span>
                </Show>
            </td>
        </tr>
        {comparison}
    }
}

/// The points a comparison can start or end at: now, each baseline, each decision.
fn points(live: &BoardSnapshot) -> Vec<(String, String)> {
    let mut points = vec![("now".to_owned(), "Now".to_owned())];
    points.extend(live.baselines.iter().map(|b| {
        (
            shared::history::point::heads_param(&b.heads),
            format!("Baseline “{}” ({})", b.name, format_time(b.recorded.at_ms)),
        )
    }));
    points.extend(live.decisions.iter().map(|d| {
        (
            shared::history::point::heads_param(&d.heads),
            format!("Decision: {} ({})", d.kind.as_str().replace('-', " "), format_time(d.recorded.at_ms)),
        )
    }));
    points
}

/// Two points side by side: from one (the earlier, usually) to the other.
#[component]
fn CompareTwoPoints(board: BoardContext) -> impl IntoView {
    let options = Memo::new(move |_| board.live.with(points));
    let from = RwSignal::new(String::new());
    let to = RwSignal::new("now".to_owned());
    let snapshot_of = move |key: &str| -> Result<(BoardSnapshot, String), String> {
        let label =
            options.with(|o| o.iter().find(|(k, _)| k == key).map(|(_, label)| label.clone())).unwrap_or_default();
        if key == "now" {
            return Ok((board.live.get(), label));
        }
        let heads = shared::history::point::heads_from_param(key).ok_or_else(|| "choose a point".to_owned())?;
        board_at(board, &heads).map(|then| (then, label))
    };
    let result = move || {
        let (from_key, to_key) = (from.get(), to.get());
        if from_key.is_empty() || options.with(|o| o.len() < 2) {
            return view! { <p class="hint">"Choose the two points to compare."</p> }.into_any();
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
                <option value="" disabled=true>"Choose a point"</option>
                {move || options.get().into_iter().map(|(key, label)| view! { <option value=key>{label}</option> }).collect_view()}
            </select>
        }
    };
    view! {
        <section class="compare-points" aria-labelledby="compare-title">
            <h3 id="compare-title">"Compare two points " <span class="zh" lang="zh">"版本对比"</span></h3>
            <p class="compare-choice">
                <label>"From " {select(from, "compare-from")}</label>
                " "
                <label>"to " {select(to, "compare-to")}</label>
            </p>
            {result}
        </section>
    }
}

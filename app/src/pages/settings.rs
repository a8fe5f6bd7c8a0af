//! Settings (设置), `/board/:id/settings`: currency, operating model, budget envelope, RAG and
//! risk thresholds, and the stage-gate checklist template. The owner changes them; everybody
//! else reads them.

use leptos::prelude::*;
use shared::{
    api::Role,
    board::{OperatingModel, Phase},
    format, views,
};

use crate::{
    components::{
        board_context::BoardContext,
        field::{parse_number, Field},
        gate_label,
        members::Access,
        phase_label,
    },
    i18n::*,
    language::{lang, Message},
};

fn model_label(i18n: I18nContext<Locale>, model: OperatingModel) -> &'static str {
    match model {
        OperatingModel::Centralised => t_string!(i18n, settings.centralised),
        OperatingModel::Matrix => t_string!(i18n, settings.matrix),
        OperatingModel::Virtual => t_string!(i18n, settings.virtual_model),
    }
}

/// Who approves stage gates under an operating model, in the reader's language.
fn approver(i18n: I18nContext<Locale>, model: OperatingModel) -> &'static str {
    match model {
        OperatingModel::Centralised => t_string!(i18n, settings.approver_pmo),
        OperatingModel::Matrix => t_string!(i18n, settings.approver_sponsor),
        OperatingModel::Virtual => t_string!(i18n, settings.approver_manager),
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let is_owner = Memo::new(move |_| matches!(board.access.access.get(), Access::Member(Role::Owner)));
    let can_edit = Memo::new(move |_| is_owner.get() && board.editable.get());
    let read_only = Signal::derive(move || !can_edit.get());
    let settings = Memo::new(move |_| board.view.snapshot.with(|b| b.settings.clone()));

    let model_options = OperatingModel::ALL
        .into_iter()
        .map(|model| {
            view! { <option value=model.as_str() selected=move || settings.with(|s| s.operating_model == model)>{move || model_label(i18n, model)}</option> }
        })
        .collect_view();
    let number_field =
        |label: Signal<String>,
         testid: &'static str,
         get: fn(&shared::board::Settings) -> String,
         commit: fn(BoardContext, &shared::board::Settings, f64) -> Result<(), Message>| {
            view! {
                <Field class="setting" label=label testid=testid disabled=read_only
                    value=Signal::derive(move || settings.with(get))
                    commit=move |text| match parse_number(&text) {
                        Some(value) => commit(board, &settings.get_untracked(), value),
                        // The label is read when the message is shown, in the language of then.
                        None => Err(Message::new(move |locale| {
                            trd!(locale, settings.must_be_number, what = label.get_untracked().to_lowercase())
                        })),
                    }/>
            }
        };
    let risk_field = |label: Signal<String>,
                      testid: &'static str,
                      get: fn(&shared::board::Settings) -> u8,
                      set: fn(&mut [u8; 3], u8)| {
        view! {
            <Field class="setting small" label=label testid=testid disabled=read_only
                value=Signal::derive(move || settings.with(get).to_string())
                commit=move |text| {
                    let Some(value) = text.trim().parse::<u8>().ok() else {
                        return Err(Message::new(move |locale| {
                            trd!(locale, settings.must_be_whole, what = label.get_untracked().to_lowercase())
                        }));
                    };
                    let current = settings.get_untracked();
                    let mut bands = [current.risk_medium_min, current.risk_high_min, current.risk_critical_min];
                    set(&mut bands, value);
                    board.try_apply(|b| b.set_risk_thresholds(bands[0], bands[1], bands[2]))
                }/>
        }
    };

    view! {
        <section class="settings">
            <h2>{t!(i18n, settings.title)}</h2>
            <Show when=move || !is_owner.get()>
                <p class="notice" data-testid="settings-read-only">{t!(i18n, settings.owner_only)}</p>
            </Show>
            <dl class="settings-list">
                <dt>{t!(i18n, settings.currency)}</dt>
                <dd><Field class="setting small" label=text(i18n, |i18n| t_string!(i18n, settings.currency)) testid="currency" disabled=read_only
                    value=Signal::derive(move || settings.with(|s| s.currency.clone()))
                    commit=move |text| board.try_apply(|b| b.set_currency(&text))/>
                    <small class="hint">{t!(i18n, settings.currency_hint)}</small></dd>

                <dt>{t!(i18n, settings.operating_model)}</dt>
                <dd><select aria-label=move || t_string!(i18n, settings.operating_model) data-testid="operating-model" disabled=read_only
                    on:change=move |ev| {
                        match event_target_value(&ev).parse::<OperatingModel>() {
                            Ok(model) => board.apply(|b| b.set_operating_model(model)),
                            Err(error) => board.notice.set(Some(board.word(&error))),
                        }
                    }>{model_options}</select>
                    <small class="hint">{move || {
                        let approver = approver(i18n, settings.with(|s| s.operating_model));
                        tr!(i18n, settings.gates_approved_by, approver).to_string()
                    }}</small></dd>

                <dt>{t!(i18n, settings.budget_envelope)}</dt>
                <dd><Field class="setting" label=text(i18n, |i18n| t_string!(i18n, settings.budget_envelope))
                    testid="budget-envelope" disabled=read_only
                    value=Signal::derive(move || {
                        settings.with(|s| s.budget_envelope.map(|e| format::number(lang(), e, 2)).unwrap_or_default())
                    })
                    commit=move |text| {
                        if text.trim().is_empty() {
                            return board.try_apply(|b| b.set_budget_envelope(None));
                        }
                        match parse_number(&text) {
                            Some(value) => board.try_apply(|b| b.set_budget_envelope(Some(value))),
                            None => Err(message!(settings.envelope_not_number)),
                        }
                    }/>
                    <small class="hint">{t!(i18n, settings.envelope_hint)}</small></dd>

                <dt>{t!(i18n, settings.computed_rag)}</dt>
                <dd class="inline-fields">
                    <label>{t!(i18n, settings.green_from)} " "
                        {number_field(text(i18n, |i18n| t_string!(i18n, settings.green_threshold)), "rag-green",
                            |s| format::number(lang(), s.rag_green_min, 3),
                            |board, s, value| board.try_apply(|b| b.set_rag_thresholds(value, s.rag_amber_min)))}</label>
                    <label>{t!(i18n, settings.amber_from)} " "
                        {number_field(text(i18n, |i18n| t_string!(i18n, settings.amber_threshold)), "rag-amber",
                            |s| format::number(lang(), s.rag_amber_min, 3),
                            |board, s, value| board.try_apply(|b| b.set_rag_thresholds(s.rag_green_min, value)))}</label>
                    <small class="hint">{t!(i18n, settings.red_below)}</small>
                </dd>

                <dt>{t!(i18n, settings.risk_bands)}</dt>
                <dd class="inline-fields">
                    <label>{t!(i18n, settings.medium_from)} " "
                        {risk_field(text(i18n, |i18n| t_string!(i18n, settings.medium_threshold)), "risk-medium",
                            |s| s.risk_medium_min, |b, v| b[0] = v)}</label>
                    <label>{t!(i18n, settings.high_from)} " "
                        {risk_field(text(i18n, |i18n| t_string!(i18n, settings.high_threshold)), "risk-high",
                            |s| s.risk_high_min, |b, v| b[1] = v)}</label>
                    <label>{t!(i18n, settings.critical_from)} " "
                        {risk_field(text(i18n, |i18n| t_string!(i18n, settings.critical_threshold)), "risk-critical",
                            |s| s.risk_critical_min, |b, v| b[2] = v)}</label>
                    <small class="hint">{t!(i18n, settings.score_hint)}</small>
                </dd>
            </dl>
        </section>
        <section class="gate-template">
            <h2>{t!(i18n, settings.gate_checklist)}</h2>
            <p class="hint">{t!(i18n, settings.gate_hint)}</p>
            <GateTemplate board can_edit/>
        </section>
    }
}

#[component]
fn GateTemplate(board: BoardContext, can_edit: Memo<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let template = Memo::new(move |_| board.view.snapshot.with(|b| b.gate_template.clone()));
    let phases = Phase::ALL
        .into_iter()
        .map(|phase| {
            let items = move || {
                template.with(|items| {
                    items
                        .iter()
                        .filter(|item| item.phase == phase)
                        .map(|item| {
                            let key = item.item.clone();
                            let label = item.label.clone();
                            view! {
                                <li data-testid="gate-item">
                                    <span>{let label = label.clone(); move || gate_label(&label)}</span>
                                    <button type="button" class="danger"
                                        aria-label=move || tr!(i18n, settings.remove_item, label = gate_label(&label)).to_string()
                                        title=move || t_string!(i18n, settings.remove)
                                        disabled=move || !can_edit.get()
                                        on:click=move |_| board.apply(|b| b.remove_gate_item(phase, &key))>"✕"</button>
                                </li>
                            }
                        })
                        .collect_view()
                })
            };
            view! {
                <div class="phase" data-phase=phase.as_str()>
                    <h3>{move || phase_label(phase)}</h3>
                    <ul class="gate-items">{items}</ul>
                </div>
            }
        })
        .collect_view();
    let phase = RwSignal::new(Phase::Initiation);
    let label = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Message>);
    let add = move || {
        let text = label.get_untracked();
        let id = views::settings::item_id(&text)
            .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()[..8].to_owned());
        match board.try_apply(|b| b.add_gate_item(phase.get_untracked(), &id, &text)) {
            Ok(()) => {
                label.set(String::new());
                error.set(None);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let phase_options = Phase::ALL
        .into_iter()
        .map(|p| view! { <option value=p.as_str()>{move || phase_label(p)}</option> })
        .collect_view();
    view! {
        <div class="phases">{phases}</div>
        <form class="add-row" on:submit=move |ev| { ev.prevent_default(); add(); }>
            <select aria-label=move || t_string!(i18n, settings.phase_of_new_item) disabled=move || !can_edit.get()
                on:change=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse() {
                        phase.set(p);
                    }
                }>{phase_options}</select>
            <input aria-label=move || t_string!(i18n, settings.new_item) placeholder=move || t_string!(i18n, settings.new_item)
                class="wide" prop:value=label
                aria-invalid=move || error.with(Option::is_some).then_some("true") aria-describedby="add-gate-error"
                disabled=move || !can_edit.get() on:input=move |ev| { error.set(None); label.set(event_target_value(&ev)); }/>
            <button type="submit" disabled=move || !can_edit.get()>{t!(i18n, settings.add_item)}</button>
            <span class="field-error" id="add-gate-error" role="alert" data-testid="add-gate-error">{move || error.get().map(|error| error.text(i18n))}</span>
        </form>
    }
}

/// A catalogue text as a field's label, following the language switch.
fn text(i18n: I18nContext<Locale>, read: fn(I18nContext<Locale>) -> &'static str) -> Signal<String> {
    Signal::derive(move || read(i18n).to_string())
}

//! Settings (设置), `/board/:id/settings`: currency, operating model, budget envelope, RAG and
//! risk thresholds, and the stage-gate checklist template. The owner changes them; everybody
//! else reads them.

use leptos::prelude::*;
use shared::{
    api::Role,
    board::{OperatingModel, Phase},
    views,
};

use super::board::{parse_number, BoardContext};
use crate::components::{field::Field, members::Access};

fn model_label(model: OperatingModel) -> &'static str {
    match model {
        OperatingModel::Centralised => "Centralised 集中式",
        OperatingModel::Matrix => "Matrix 矩阵式",
        OperatingModel::Virtual => "Virtual 虚拟",
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let board = BoardContext::get();
    let is_owner = Memo::new(move |_| matches!(board.access.access.get(), Access::Member(Role::Owner)));
    let can_edit = Memo::new(move |_| is_owner.get() && board.editable.get());
    let read_only = Signal::derive(move || !can_edit.get());
    let settings = Memo::new(move |_| board.view.snapshot.with(|b| b.settings.clone()));

    let model_options = OperatingModel::ALL
        .into_iter()
        .map(|model| {
            view! { <option value=model.as_str() selected=move || settings.with(|s| s.operating_model == model)>{model_label(model)}</option> }
        })
        .collect_view();
    let number_field =
        |label: &'static str,
         testid: &'static str,
         get: fn(&shared::board::Settings) -> String,
         commit: fn(BoardContext, &shared::board::Settings, f64) -> Result<(), String>| {
            view! {
                <Field class="setting" label=label testid=testid disabled=read_only
                    value=Signal::derive(move || settings.with(get))
                    commit=move |text| match parse_number(&text) {
                        Some(value) => commit(board, &settings.get_untracked(), value),
                        None => Err(format!("the {} must be a number", label.to_lowercase())),
                    }/>
            }
        };
    let risk_field = |label: &'static str,
                      testid: &'static str,
                      get: fn(&shared::board::Settings) -> u8,
                      set: fn(&mut [u8; 3], u8)| {
        view! {
            <Field class="setting small" label=label testid=testid disabled=read_only
                value=Signal::derive(move || settings.with(get).to_string())
                commit=move |text| {
                    let Some(value) = text.trim().parse::<u8>().ok() else {
                        return Err(format!("the {} must be a whole number from 2 to 25", label.to_lowercase()));
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
            <h2>"Settings " <span class="zh" lang="zh">"设置"</span></h2>
            <Show when=move || !is_owner.get()>
                <p class="notice" data-testid="settings-read-only">"Only the board's owner changes the settings; you can read them here."</p>
            </Show>
            <dl class="settings-list">
                <dt>"Currency " <span class="zh" lang="zh">"币种"</span></dt>
                <dd><Field class="setting small" label="Currency" testid="currency" disabled=read_only
                    value=Signal::derive(move || settings.with(|s| s.currency.clone()))
                    commit=move |text| board.try_apply(|b| b.set_currency(&text))/>
                    <small class="hint">"Three letters, such as CNY or EUR."</small></dd>

                <dt>"Operating model " <span class="zh" lang="zh">"PMO 运作模式"</span></dt>
                <dd><select aria-label="Operating model" data-testid="operating-model" disabled=read_only
                    on:change=move |ev| {
                        match event_target_value(&ev).parse::<OperatingModel>() {
                            Ok(model) => board.apply(|b| b.set_operating_model(model)),
                            Err(error) => board.notice.set(Some(error.to_string())),
                        }
                    }>{model_options}</select>
                    <small class="hint">{move || format!("Stage gates are approved by the {}.", settings.with(|s| s.operating_model.gate_approver()))}</small></dd>

                <dt>"Budget envelope " <span class="zh" lang="zh">"预算总额"</span></dt>
                <dd><Field class="setting" label="Budget envelope" testid="budget-envelope" disabled=read_only
                    value=Signal::derive(move || settings.with(|s| s.budget_envelope.map(|e| views::number(e, 2)).unwrap_or_default()))
                    commit=move |text| {
                        if text.trim().is_empty() {
                            return board.try_apply(|b| b.set_budget_envelope(None));
                        }
                        match parse_number(&text) {
                            Some(value) => board.try_apply(|b| b.set_budget_envelope(Some(value))),
                            None => Err("the budget envelope must be a number, for example 900000 (empty for none)".into()),
                        }
                    }/>
                    <small class="hint">"What approved, active and on-hold projects may spend together. Empty: no envelope."</small></dd>

                <dt>"Computed RAG " <span class="zh" lang="zh">"红黄绿灯阈值"</span></dt>
                <dd class="inline-fields">
                    <label>"Green from CPI and SPI of " {number_field("Green threshold", "rag-green", |s| views::number(s.rag_green_min, 3),
                        |board, s, value| board.try_apply(|b| b.set_rag_thresholds(value, s.rag_amber_min)))}</label>
                    <label>"Amber from " {number_field("Amber threshold", "rag-amber", |s| views::number(s.rag_amber_min, 3),
                        |board, s, value| board.try_apply(|b| b.set_rag_thresholds(s.rag_green_min, value)))}</label>
                    <small class="hint">"Red below amber."</small>
                </dd>

                <dt>"Risk bands " <span class="zh" lang="zh">"风险等级阈值"</span></dt>
                <dd class="inline-fields">
                    <label>"Medium from score " {risk_field("Medium risk threshold", "risk-medium", |s| s.risk_medium_min, |b, v| b[0] = v)}</label>
                    <label>"High from " {risk_field("High risk threshold", "risk-high", |s| s.risk_high_min, |b, v| b[1] = v)}</label>
                    <label>"Critical from " {risk_field("Critical risk threshold", "risk-critical", |s| s.risk_critical_min, |b, v| b[2] = v)}</label>
                    <small class="hint">"Score = probability × impact, 1–25."</small>
                </dd>
            </dl>
        </section>
        <section class="gate-template">
            <h2>"Stage-gate checklist " <span class="zh" lang="zh">"阶段关口检查清单"</span></h2>
            <p class="hint">"What a project ticks at the end of each phase before it may go on."</p>
            <GateTemplate board can_edit/>
        </section>
    }
}

#[component]
fn GateTemplate(board: BoardContext, can_edit: Memo<bool>) -> impl IntoView {
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
                                    <span>{label.clone()}</span>
                                    <button type="button" class="danger" aria-label=format!("Remove checklist item {label}") title="Remove"
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
                    <h3>{phase.label()}</h3>
                    <ul class="gate-items">{items}</ul>
                </div>
            }
        })
        .collect_view();
    let phase = RwSignal::new(Phase::Initiation);
    let label = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
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
    let phase_options =
        Phase::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view();
    view! {
        <div class="phases">{phases}</div>
        <form class="add-row" on:submit=move |ev| { ev.prevent_default(); add(); }>
            <select aria-label="Phase of the new checklist item" disabled=move || !can_edit.get()
                on:change=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse() {
                        phase.set(p);
                    }
                }>{phase_options}</select>
            <input aria-label="New checklist item" placeholder="New checklist item" class="wide" prop:value=label
                aria-invalid=move || error.with(Option::is_some).then_some("true") aria-describedby="add-gate-error"
                disabled=move || !can_edit.get() on:input=move |ev| { error.set(None); label.set(event_target_value(&ev)); }/>
            <button type="submit" disabled=move || !can_edit.get()>"Add item"</button>
            <span class="field-error" id="add-gate-error" role="alert" data-testid="add-gate-error">{move || error.get()}</span>
        </form>
    }
}

//! Scoring and prioritisation (评分与优先级), `/board/:id/scoring`: the criteria (name, weight,
//! whether more or less is better), the inputs of the chosen model (the score matrix for
//! weighted scoring, or each project's WSJF or RICE estimates), the ranking with each
//! project's reasons, and "Apply this order to the priorities", which reorders the board's
//! ranking in one change (`Board::reorder_projects`) and says how many projects moved.
//!
//! AHP (层次分析法) sits under the criteria: each member compares every pair of criteria on
//! Saaty's scale (one select per pair, answers written as theirs under their account id), sees
//! their own weights and consistency ratio, and everyone sees the group's weights, the geometric
//! mean of the members who compared every pair; the owner adopts them as the criteria weights
//! in one change (`Board::set_criterion_weights`). `views::scoring::ahp` computes it all.

use leptos::prelude::*;
use shared::{
    board::{CriterionId, Estimates, Project, Stage},
    format,
    scoring::{Confidence, Direction, Impact},
    views::{
        self,
        scoring::{Model, RankedRow},
    },
    ProjectId,
};

use crate::{
    account::Auth,
    components::{
        board_context::BoardContext,
        conflict::{self, ConflictSign},
        field::{parse_number, Field},
        members::Access,
        row_window::RowWindow,
        rows::{project_row, Rows},
    },
    i18n::*,
    language::{lang, Language, Message},
};

/// The columns of the WSJF and RICE estimate tables.
const ESTIMATE_COLUMNS: usize = 5;
/// The ranking's columns.
const RANKING_COLUMNS: usize = 4;

fn direction_value(direction: Direction) -> &'static str {
    match direction {
        Direction::HigherIsBetter => "more",
        Direction::LowerIsBetter => "less",
    }
}

fn parse_direction(text: &str) -> Direction {
    if text == "less" {
        Direction::LowerIsBetter
    } else {
        Direction::HigherIsBetter
    }
}

#[component]
pub fn ScoringPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let model = RwSignal::new(Model::Weighted);
    let criterion_ids =
        Memo::new(move |_| board.view.snapshot.with(|b| b.criteria.iter().map(|c| c.id.clone()).collect::<Vec<_>>()));
    // The projects still in play, in priority order: what the models rank.
    let project_ids = Memo::new(move |_| {
        board.view.snapshot.with(|b| {
            b.projects
                .iter()
                .filter(|p| !matches!(p.stage, Stage::Closed | Stage::Cancelled))
                .map(|p| p.id.clone())
                .collect::<Vec<_>>()
        })
    });
    let models = Model::ALL
        .into_iter()
        .map(|option| {
            view! {
                <label class="model-choice">
                    <input type="radio" name="scoring-model" value=option.as_str() prop:checked=move || model.get() == option
                        on:change=move |_| model.set(option)/>
                    {move || if lang() == Language::Zh { option.zh() } else { option.label() }}
                </label>
            }
        })
        .collect_view();

    view! {
        <section class="criteria">
            <h2>{t!(i18n, scoring.criteria)}</h2>
            <p class="hint">{t!(i18n, scoring.criteria_hint)}</p>
            <table class="criteria-table">
                <thead><tr>
                    <th>{t!(i18n, scoring.criterion)}</th><th>{t!(i18n, scoring.weight)}</th>
                    <th>{t!(i18n, scoring.better_when)}</th><th>{t!(i18n, scoring.actions)}</th>
                </tr></thead>
                <tbody>
                    <For each=move || criterion_ids.get() key=|id| id.clone() children=move |id| view! { <CriterionRow id board/> }/>
                </tbody>
            </table>
            <AddCriterion board/>
        </section>
        <AhpSection board/>
        <section class="scoring-inputs">
            <h2>{t!(i18n, scoring.model_and_inputs)}</h2>
            <fieldset class="models"><legend>{t!(i18n, scoring.rank_by)}</legend>{models}</fieldset>
            {move || match model.get() {
                Model::Weighted => view! { <ScoreMatrix board project_ids criterion_ids/> }.into_any(),
                Model::Wsjf => view! { <WsjfInputs board project_ids/> }.into_any(),
                Model::Rice => view! { <RiceInputs board project_ids/> }.into_any(),
            }}
        </section>
        <section class="scoring-ranking">
            <h2>{t!(i18n, scoring.ranking)}</h2>
            <Ranking board model/>
        </section>
    }
}

#[component]
fn CriterionRow(id: CriterionId, board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let criterion =
        Memo::new(move |_| board.view.snapshot.with(|b| b.criteria.iter().find(|c| c.id == id.get_value()).cloned()));
    let name = move || criterion.with(|c| c.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let weight = move || criterion.with(|c| c.as_ref().map_or(0.0, |c| c.weight));
    let direction = move || criterion.with(|c| c.as_ref().map_or(Direction::HigherIsBetter, |c| c.direction));
    let read_only = Signal::derive(move || !board.editable.get());
    view! {
        <tr data-testid="criterion-row" data-criterion-id=id.get_value().to_string()>
            <td><Field class="criterion-name" label=Signal::derive(move || t_string!(i18n, scoring.criterion_name).to_string()) value=Signal::derive(name) disabled=read_only
                commit=move |text| board.try_apply(|b| b.set_criterion(&id.get_value(), &text, weight(), direction()))/></td>
            <td><Field class="criterion-weight" label=Signal::derive(move || t_string!(i18n, scoring.criterion_weight).to_string())
                disabled=read_only value=Signal::derive(move || format::number(lang(), weight(), 6))
                commit=move |text| match parse_number(&text) {
                    Some(value) => board.try_apply(|b| b.set_criterion(&id.get_value(), &name(), value, direction())),
                    None => Err(message!(scoring.weight_not_number)),
                }/>
                {weight_conflict(board, format!("criteria/{}", id.get_value()))}</td>
            <td><select aria-label=move || t_string!(i18n, scoring.better_when) disabled=read_only prop:value=move || direction_value(direction())
                on:change=move |ev| {
                    let chosen = parse_direction(&event_target_value(&ev));
                    board.apply(|b| b.set_criterion(&id.get_value(), &name(), weight(), chosen));
                }>
                <option value="more" selected=move || direction() == Direction::HigherIsBetter>{t!(i18n, scoring.more_is_better)}</option>
                <option value="less" selected=move || direction() == Direction::LowerIsBetter>
                    {t!(i18n, scoring.less_is_better_cost)}
                </option>
            </select></td>
            <td><button type="button" class="danger"
                aria-label=move || tr!(i18n, scoring.remove_criterion_named, name = name()).to_string()
                title=move || t_string!(i18n, scoring.remove_criterion)
                disabled=read_only on:click=move |_| board.apply(|b| b.delete_criterion(&id.get_value()))>"✕"</button></td>
        </tr>
    }
}

#[component]
fn AddCriterion(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let weight = RwSignal::new("1".to_string());
    let direction = RwSignal::new(Direction::HigherIsBetter);
    let error = RwSignal::new(None::<Message>);
    let add = move || {
        let result = match parse_number(&weight.get_untracked()) {
            None => Err(message!(scoring.weight_not_number)),
            Some(value) => {
                let text = name.get_untracked();
                board.try_apply(|b| b.add_criterion(CriterionId::random(), &text, value, direction.get_untracked()))
            }
        };
        match result {
            Ok(()) => {
                name.set(String::new());
                weight.set("1".into());
                error.set(None);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let invalid = move || error.with(Option::is_some).then_some("true");
    let disabled = move || !board.editable.get();
    view! {
        <form class="add-row" on:submit=move |ev| { ev.prevent_default(); add(); }>
            <input aria-label=move || t_string!(i18n, scoring.new_criterion_name)
                placeholder=move || t_string!(i18n, scoring.new_criterion) prop:value=name aria-invalid=invalid
                aria-describedby="add-criterion-error" disabled=disabled
                on:input=move |ev| { error.set(None); name.set(event_target_value(&ev)); }/>
            <input aria-label=move || t_string!(i18n, scoring.new_criterion_weight) type="number" step="any" class="weight" prop:value=weight aria-invalid=invalid
                aria-describedby="add-criterion-error" disabled=disabled
                on:input=move |ev| { error.set(None); weight.set(event_target_value(&ev)); }/>
            <select aria-label=move || t_string!(i18n, scoring.new_criterion_better_when) disabled=disabled
                on:change=move |ev| direction.set(parse_direction(&event_target_value(&ev)))>
                <option value="more">{t!(i18n, scoring.more_is_better)}</option>
                <option value="less">{t!(i18n, scoring.less_is_better)}</option>
            </select>
            <button type="submit" disabled=disabled>{t!(i18n, scoring.add_criterion)}</button>
            <span class="field-error" id="add-criterion-error" role="alert" data-testid="add-criterion-error">{move || error.get().map(|error| error.text(i18n))}</span>
        </form>
    }
}

/// A row's project name, from the row's own signal (see `components::rows`).
fn item_name(item: ReadSignal<Option<Project>>) -> String {
    item.with(|p| p.as_ref().map(|p| p.name.clone()).unwrap_or_default())
}

/// "Changed by two people" for a project's fields (its estimates among them).
fn conflict_sign(item: ReadSignal<Option<Project>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        item.with(|p| {
            let conflicts = &p.as_ref()?.conflicts;
            (!conflicts.is_empty()).then(|| {
                let text = conflicts
                    .iter()
                    .map(|c| {
                        let (field, winner, others) = (c.field.clone(), c.winner.clone(), c.others.join("”, “"));
                        tr!(i18n, scoring.conflict_field, field, winner, others).to_string()
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let text = tr!(i18n, scoring.changed_by_two, fields = text).to_string();
                view! { <span class="conflict" data-testid="conflict" title=text.clone()>{format!("⚑ {text}")}</span> }
            })
        })
    }
}

/// "Changed by two people" on one cell of a matrix (`scores/<criterion>` or
/// `contributions/<objective>`) of the row's project: which value won and the other.
pub fn cell_conflict(item: ReadSignal<Option<Project>>, field: String) -> impl IntoView {
    let conflict = Signal::derive(move || item.with(|p| conflict::on_field(&p.as_ref()?.cell_conflicts, &field)));
    view! { <ConflictSign conflict testid="cell-conflict"/> }
}

/// "Changed by two people" on a criterion's or an objective's weight (`criteria/<id>` or
/// `objectives/<id>`): which value won and the other.
pub fn weight_conflict(board: BoardContext, field: String) -> impl IntoView {
    let conflict =
        Signal::derive(move || board.view.snapshot.with(|b| conflict::on_field(&b.weight_conflicts, &field)));
    view! { <ConflictSign conflict testid="weight-conflict"/> }
}

// ---- AHP ---------------------------------------------------------------------------------------

/// Saaty's scale as the options of one pair, from "the first criterion is extremely more
/// important" (9) through "equally important" (1) to "the second one is" (1/9): the option's
/// value and the judgment it stands for (how many times more important the first is).
fn saaty_scale() -> Vec<(String, f64, u8)> {
    let first = (2..=9u8).rev().map(|n| (n.to_string(), f64::from(n), n));
    let second = (2..=9u8).map(|n| (format!("1/{n}"), 1.0 / f64::from(n), n));
    first.chain(std::iter::once(("1".to_owned(), 1.0, 1))).chain(second).collect()
}

fn saaty_degree(i18n: I18nContext<Locale>, n: u8) -> &'static str {
    match n {
        2 => t_string!(i18n, scoring.saaty_2),
        3 => t_string!(i18n, scoring.saaty_3),
        4 => t_string!(i18n, scoring.saaty_4),
        5 => t_string!(i18n, scoring.saaty_5),
        6 => t_string!(i18n, scoring.saaty_6),
        7 => t_string!(i18n, scoring.saaty_7),
        8 => t_string!(i18n, scoring.saaty_8),
        _ => t_string!(i18n, scoring.saaty_9),
    }
}

/// The option of the scale nearest a stored judgment (stored as a float, so 1/3 is inexact).
fn saaty_option(value: Option<f64>) -> String {
    let Some(value) = value else { return String::new() };
    saaty_scale()
        .into_iter()
        .min_by(|a, b| (a.1.ln() - value.ln()).abs().total_cmp(&(b.1.ln() - value.ln()).abs()))
        .map(|(text, _, _)| text)
        .unwrap_or_default()
}

/// A weight from AHP as a percentage with one decimal.
fn ahp_percent(weight: f64) -> String {
    format!("{}%", format::number(lang(), weight * 100.0, 1))
}

#[component]
fn AhpSection(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let me = Memo::new(move |_| Auth::get().account().map(|account| account.id).unwrap_or_default());
    let ahp = Memo::new(move |_| {
        let me = me.get();
        board.view.snapshot.with(|b| views::scoring::ahp(b, &me))
    });
    let is_owner = Memo::new(move |_| matches!(board.access.access.get(), Access::Member(shared::api::Role::Owner)));
    let can_answer = Memo::new(move |_| board.editable.get() && !me.with(String::is_empty));
    let outcome = RwSignal::new(None::<Message>);
    let pair_keys = Memo::new(move |_| {
        ahp.with(|v| v.pairs.iter().map(|p| (p.first.clone(), p.second.clone())).collect::<Vec<_>>())
    });

    let problem = move || {
        ahp.with(|v| match v.problem {
            Some(views::scoring::AhpProblem::TooFewCriteria) => Some(t_string!(i18n, scoring.ahp_too_few).to_owned()),
            Some(views::scoring::AhpProblem::TooManyCriteria { count }) => {
                Some(tr!(i18n, scoring.ahp_too_many, count = count.to_string()))
            }
            None => None,
        })
    };
    let mine = move || {
        ahp.with(|v| {
            let answered = v.pairs.iter().filter(|p| p.value.is_some()).count();
            match &v.mine {
                Some(mine) => {
                    let weights = mine
                        .weights
                        .iter()
                        .map(|w| format!("{} {}", w.name, ahp_percent(w.weight)))
                        .collect::<Vec<_>>()
                        .join(" · ");
                    let ratio = format::number(lang(), mine.consistency_ratio, 2);
                    let warning = (!mine.consistent).then(|| {
                        view! { <p class="notice" role="alert" data-testid="ahp-inconsistent">{tr!(i18n, scoring.ahp_inconsistent, ratio = ratio.clone()).to_string()}</p> }
                    });
                    view! {
                        <p data-testid="ahp-mine">{tr!(i18n, scoring.ahp_your_weights, weights).to_string()}</p>
                        <p data-testid="ahp-consistency">{tr!(i18n, scoring.ahp_your_ratio, ratio).to_string()}</p>
                        {warning}
                    }
                    .into_any()
                }
                None if can_answer.get() => view! {
                    <p class="hint" data-testid="ahp-mine">
                        {tr!(i18n, scoring.ahp_answer_every_pair, answered = answered.to_string(), total = v.pairs.len().to_string()).to_string()}
                    </p>
                }
                .into_any(),
                None => ().into_any(),
            }
        })
    };
    let adopt = move |_| {
        let weights: Vec<(CriterionId, f64)> = ahp.with_untracked(|v| {
            v.group.as_ref().map_or_else(Vec::new, |group| {
                group.weights.iter().map(|w| (w.criterion.clone(), (w.weight * 1000.0).round() / 10.0)).collect()
            })
        });
        let result = board.try_apply(|b| b.set_criterion_weights(&weights));
        outcome.set(Some(match result {
            Ok(()) => message!(scoring.ahp_adopted),
            Err(reason) => {
                Message::new(move |locale| trd!(locale, scoring.not_applied, reason = reason.in_locale(locale)))
            }
        }));
    };
    let group = move || {
        ahp.with(|v| {
            let counts = match (v.answered, v.partly_answered) {
                (_, partly @ 1..) => tr!(i18n, scoring.ahp_answered_and_partly, count = v.answered.to_string(), partly = partly.to_string()).to_string(),
                (0, _) => t_string!(i18n, scoring.ahp_answered_none).to_owned(),
                (1, _) => t_string!(i18n, scoring.ahp_answered_one).to_owned(),
                (count, _) => tr!(i18n, scoring.ahp_answered, count = count.to_string()).to_string(),
            };
            let table = v.group.as_ref().map(|group| {
                let rows = group
                    .weights
                    .iter()
                    .map(|w| {
                        view! {
                            <tr data-testid="ahp-group-row" data-criterion-id=w.criterion.to_string()>
                                <th scope="row">{w.name.clone()}</th>
                                <td class="number" data-testid="ahp-group-weight">{ahp_percent(w.weight)}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let ratio = format::number(lang(), group.consistency_ratio, 2);
                // The geometric mean of everyone's matrices contradicts itself when members do
                // (or when they disagree in opposite directions): the owner should know before
                // adopting it, as each member does for their own comparisons.
                let warning = (!group.consistent).then(|| {
                    view! { <p class="notice" role="alert" data-testid="ahp-group-inconsistent">{tr!(i18n, scoring.ahp_group_inconsistent, ratio = ratio.clone()).to_string()}</p> }
                });
                view! {
                    <table class="ahp-group-weights">
                        <thead><tr><th scope="col">{t!(i18n, scoring.criterion)}</th><th scope="col">{t!(i18n, scoring.ahp_group_weight)}</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <p class="hint" data-testid="ahp-group-consistency">{tr!(i18n, scoring.ahp_group_ratio, ratio).to_string()}</p>
                    {warning}
                }
            });
            view! { <p data-testid="ahp-answered">{counts}</p>{table} }
        })
    };

    view! {
        <section class="ahp" data-testid="ahp">
            <h2>{t!(i18n, scoring.ahp_title)}</h2>
            <p class="hint">{t!(i18n, scoring.ahp_hint)}</p>
            {move || problem().map(|problem| view! { <p class="empty" data-testid="ahp-problem">{problem}</p> })}
            <Show when=move || ahp.with(|v| v.problem.is_none())>
                <div class="ahp-columns">
                    <div class="ahp-mine">
                        <h3>{t!(i18n, scoring.ahp_your_comparisons)}</h3>
                        <table class="ahp-pairs">
                            <tbody>
                                <For each=move || pair_keys.get() key=|key| key.clone()
                                    children=move |(first, second)| view! { <AhpPairRow board ahp me can_answer first second/> }/>
                            </tbody>
                        </table>
                        {mine}
                    </div>
                    <div class="ahp-group">
                        <h3>{t!(i18n, scoring.ahp_group_title)}</h3>
                        {group}
                        <div class="apply-order">
                            <button type="button" data-testid="ahp-adopt"
                                disabled=move || !is_owner.get() || !board.editable.get() || ahp.with(|v| v.group.is_none())
                                on:click=adopt>{t!(i18n, scoring.ahp_adopt)}</button>
                            <span role="status" data-testid="ahp-adopt-outcome">{move || outcome.get().map(|outcome| outcome.text(i18n))}</span>
                        </div>
                        <Show when=move || !is_owner.get()>
                            <p class="hint">{t!(i18n, scoring.ahp_owner_adopts)}</p>
                        </Show>
                    </div>
                </div>
            </Show>
        </section>
    }
}

/// One pair of criteria: a select over Saaty's scale, the member's own answer.
#[component]
fn AhpPairRow(
    board: BoardContext,
    ahp: Memo<views::scoring::AhpView>,
    me: Memo<String>,
    can_answer: Memo<bool>,
    first: CriterionId,
    second: CriterionId,
) -> impl IntoView {
    let i18n = use_i18n();
    let (first_id, second_id) = (StoredValue::new(first), StoredValue::new(second));
    let pair = Memo::new(move |_| {
        ahp.with(|v| {
            v.pairs.iter().find(|p| p.first == first_id.get_value() && p.second == second_id.get_value()).cloned()
        })
    });
    let names = Memo::new(move |_| {
        pair.with(|p| p.as_ref().map(|p| (p.first_name.clone(), p.second_name.clone())).unwrap_or_default())
    });
    let label = move || {
        let (first, second) = names.get();
        tr!(i18n, scoring.ahp_pair, first, second).to_string()
    };
    let options = move || {
        let (first, second) = names.get();
        let unanswered = view! {
            <option value="" selected=move || pair.with(|p| p.as_ref().is_none_or(|p| p.value.is_none()))>{t!(i18n, scoring.ahp_unanswered)}</option>
        }
        .into_any();
        let scale = saaty_scale().into_iter().map(|(value, judgment, n)| {
            let text = if n == 1 {
                t_string!(i18n, scoring.saaty_1).to_owned()
            } else {
                let name = if judgment > 1.0 { first.clone() } else { second.clone() };
                tr!(i18n, scoring.ahp_option, name, degree = saaty_degree(i18n, n), n = n.to_string()).to_string()
            };
            // `selected` picks the option when the select is made; `prop:value` follows later
            // changes (a colleague's device, another tab of this member's).
            let current = value.clone();
            let selected = move || saaty_option(pair.with(|p| p.as_ref().and_then(|p| p.value))) == current;
            view! { <option value=value selected=selected>{text}</option> }.into_any()
        });
        std::iter::once(unanswered).chain(scale).collect_view()
    };
    let choose = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let judgment = saaty_scale().into_iter().find(|(value, _, _)| *value == text).map(|(_, judgment, _)| judgment);
        let (first, second) = (first_id.get_value(), second_id.get_value());
        board.apply(|b| b.set_judgment(&me.get_untracked(), &first, &second, judgment));
    };
    view! {
        <tr data-testid="ahp-pair" data-first=first_id.get_value().to_string() data-second=second_id.get_value().to_string()>
            <th scope="row">{move || names.get().0}<span class="versus">" ⟷ "</span>{move || names.get().1}</th>
            <td>
                <select aria-label=label disabled=move || !can_answer.get()
                    prop:value=move || saaty_option(pair.with(|p| p.as_ref().and_then(|p| p.value)))
                    on:change=choose>
                    {options}
                </select>
            </td>
        </tr>
    }
}

#[component]
fn ScoreMatrix(
    board: BoardContext,
    project_ids: Memo<Vec<ProjectId>>,
    criterion_ids: Memo<Vec<CriterionId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let header = move || {
        criterion_ids
            .get()
            .into_iter()
            .map(|id| {
                let name = move || {
                    board
                        .view
                        .snapshot
                        .with(|b| b.criteria.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default())
                };
                view! { <th scope="col">{name}</th> }
            })
            .collect_view()
    };
    // Each row follows its own project (see `components::rows`): a thousand rows and their
    // cells watching the board ran all again on every change.
    let rows = Rows::new(board.view.snapshot, project_row);
    let criteria = Memo::new(move |_| {
        board.view.snapshot.with(|b| b.criteria.iter().map(|c| (c.id.clone(), c.name.clone())).collect::<Vec<_>>())
    });
    let row = move |project: ProjectId| {
        let project = StoredValue::new(project);
        let item = rows.row(project.get_value()).item;
        let name = Memo::new(move |_| item_name(item));
        let cells = move || {
            criterion_ids
                .get()
                .into_iter()
                .map(|criterion| {
                    let criterion = StoredValue::new(criterion);
                    let score = move || {
                        item.with(|p| {
                            p.as_ref()
                                .and_then(|p| p.scores.get(&criterion.get_value()).copied())
                                .map(|score| format::number(lang(), score, 6))
                                .unwrap_or_default()
                        })
                    };
                    let criterion_name = move || {
                        criteria.with(|criteria| {
                            criteria
                                .iter()
                                .find(|(id, _)| *id == criterion.get_value())
                                .map(|(_, name)| name.clone())
                                .unwrap_or_default()
                        })
                    };
                    view! {
                        <td class="cell">
                            {cell_conflict(item, format!("scores/{}", criterion.get_value()))}
                            <Field class="score"
                                label=Signal::derive(move || tr!(i18n, scoring.score_of, project = name.get(), criterion = criterion_name()).to_string())
                                value=Signal::derive(score) disabled=Signal::derive(move || !board.editable.get())
                                commit=move |text| {
                                    let score = if text.trim().is_empty() { Ok(None) } else {
                                        parse_number(&text).map(Some).ok_or_else(|| message!(scoring.score_not_number))
                                    };
                                    score.and_then(|score| board.try_apply(|b| b.set_score(&project.get_value(), &criterion.get_value(), score)))
                                }/>
                        </td>
                    }
                })
                .collect_view()
        };
        view! {
            <tr data-testid="score-row" data-project-id=project.get_value().to_string()>
                <th scope="row">{name}{conflict_sign(item)}</th>
                {cells}
            </tr>
        }
    };
    // A large board's rows are drawn as a window around what is in view (a short list whole,
    // a slice per frame; see `components::row_window`), the row holding the focus kept.
    let window =
        RowWindow::new(move || project_ids.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    let columns = move || criterion_ids.with_untracked(Vec::len) + 1;
    view! {
        <Show when=move || !project_ids.with(Vec::is_empty) && !criterion_ids.with(Vec::is_empty)
            fallback=move || view! { <p class="empty">{t!(i18n, scoring.add_projects_and_criteria)}</p> }>
            <table class="matrix score-matrix">
                <thead><tr><th scope="col">{t!(i18n, scoring.project)}</th>{header}</tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                {window.rows(move || project_ids.with(|ids| window.slots(ids, None)), columns, row)}
            </tbody>
            </table>
        </Show>
    }
}

/// One estimate of one project as a field: empty clears it.
fn estimate_field(
    board: BoardContext,
    project: StoredValue<ProjectId>,
    item: ReadSignal<Option<Project>>,
    label: fn(I18nContext<Locale>) -> &'static str,
    get: fn(&Estimates) -> Option<f64>,
    set: fn(&mut Estimates, Option<f64>),
) -> impl IntoView {
    let i18n = use_i18n();
    let value = move || {
        item.with(|p| {
            p.as_ref().and_then(|p| get(&p.estimates)).map(|v| format::number(lang(), v, 6)).unwrap_or_default()
        })
    };
    view! {
        <Field class="estimate"
            label=Signal::derive(move || {
                let project = item_name(item);
                tr!(i18n, scoring.estimate_of, what = label(i18n), project).to_string()
            })
            value=Signal::derive(value) disabled=Signal::derive(move || !board.editable.get())
            commit=move |text| {
                let number = if text.trim().is_empty() { Ok(None) } else {
                    parse_number(&text).map(Some).ok_or_else(|| {
                        Message::new(move |_| tr!(i18n, scoring.estimate_not_number, what = label(i18n).to_lowercase()))
                    })
                };
                number.and_then(|number| board.try_apply(|b| {
                    let mut estimates = b.project(&project.get_value()).map(|p| p.estimates).unwrap_or_default();
                    set(&mut estimates, number);
                    b.set_estimates(&project.get_value(), estimates)
                }))
            }/>
    }
}

#[component]
fn WsjfInputs(board: BoardContext, project_ids: Memo<Vec<ProjectId>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = Rows::new(board.view.snapshot, project_row);
    let row = move |project: ProjectId| {
        let project = StoredValue::new(project);
        let item = rows.row(project.get_value()).item;
        view! {
            <tr data-testid="wsjf-row" data-project-id=project.get_value().to_string()>
                <th scope="row">{move || item_name(item)}{conflict_sign(item)}</th>
                <td>{estimate_field(board, project, item, |i18n| t_string!(i18n, scoring.business_value), |e| e.business_value, |e, v| e.business_value = v)}</td>
                <td>{estimate_field(board, project, item, |i18n| t_string!(i18n, scoring.time_criticality), |e| e.time_criticality, |e, v| e.time_criticality = v)}</td>
                <td>{estimate_field(board, project, item, |i18n| t_string!(i18n, scoring.risk_reduction), |e| e.risk_reduction, |e, v| e.risk_reduction = v)}</td>
                <td>{estimate_field(board, project, item, |i18n| t_string!(i18n, scoring.job_size), |e| e.job_size, |e, v| e.job_size = v)}</td>
            </tr>
        }
    };
    // Drawn as a window around what is in view on a large board (see `ScoreMatrix`).
    let window =
        RowWindow::new(move || project_ids.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    view! {
        <p class="hint">{t!(i18n, scoring.wsjf_hint)}</p>
        <table class="matrix estimates">
            <thead><tr>
                <th>{t!(i18n, scoring.project)}</th><th>{t!(i18n, scoring.business_value)}</th>
                <th>{t!(i18n, scoring.time_criticality)}</th><th>{t!(i18n, scoring.risk_reduction)}</th>
                <th>{t!(i18n, scoring.job_size)}</th>
            </tr></thead>
            <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                {window.rows(move || project_ids.with(|ids| window.slots(ids, None)), || ESTIMATE_COLUMNS, row)}
            </tbody>
        </table>
    }
}

#[component]
fn RiceInputs(board: BoardContext, project_ids: Memo<Vec<ProjectId>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = Rows::new(board.view.snapshot, project_row);
    let row = move |project: ProjectId| {
        let project = StoredValue::new(project);
        let item = rows.row(project.get_value()).item;
        let estimates = move || item.with(|p| p.as_ref().map(|p| p.estimates).unwrap_or_default());
        let set_choice = move |text: String, confidence: bool| {
            let value = if text.is_empty() { None } else { parse_number(&text) };
            board.apply(|b| {
                let mut estimates = b.project(&project.get_value()).map(|p| p.estimates).unwrap_or_default();
                if confidence {
                    estimates.confidence = value;
                } else {
                    estimates.impact = value;
                }
                b.set_estimates(&project.get_value(), estimates)
            });
        };
        let impact_options = Impact::ALL
            .into_iter()
            .map(|impact| {
                let value = impact.value();
                let name = move || match impact {
                    Impact::Massive => t_string!(i18n, scoring.impact_massive),
                    Impact::High => t_string!(i18n, scoring.impact_high),
                    Impact::Medium => t_string!(i18n, scoring.impact_medium),
                    Impact::Low => t_string!(i18n, scoring.impact_low),
                    Impact::Minimal => t_string!(i18n, scoring.impact_minimal),
                };
                view! { <option value=value.to_string() selected=move || estimates().impact == Some(value)>{move || format!("{value} ({})", name())}</option> }
            })
            .collect_view();
        let confidence_options = Confidence::ALL
            .into_iter()
            .map(|confidence| {
                let value = confidence.value();
                view! { <option value=value.to_string() selected=move || estimates().confidence == Some(value)>{move || format::percent(lang(), value)}</option> }
            })
            .collect_view();
        let name = move || item_name(item);
        view! {
            <tr data-testid="rice-row" data-project-id=project.get_value().to_string()>
                <th scope="row">{name}{conflict_sign(item)}</th>
                <td>{estimate_field(board, project, item, |i18n| t_string!(i18n, scoring.reach), |e| e.reach, |e, v| e.reach = v)}</td>
                <td><select aria-label=move || tr!(i18n, scoring.impact_of, name = name()).to_string() disabled=move || !board.editable.get()
                    on:change=move |ev| set_choice(event_target_value(&ev), false)>
                    <option value="" selected=move || estimates().impact.is_none()>"—"</option>{impact_options}</select></td>
                <td><select aria-label=move || tr!(i18n, scoring.confidence_of, name = name()).to_string() disabled=move || !board.editable.get()
                    on:change=move |ev| set_choice(event_target_value(&ev), true)>
                    <option value="" selected=move || estimates().confidence.is_none()>"—"</option>{confidence_options}</select></td>
                <td>{estimate_field(board, project, item, |i18n| t_string!(i18n, scoring.effort), |e| e.effort, |e, v| e.effort = v)}</td>
            </tr>
        }
    };
    // Drawn as a window around what is in view on a large board (see `ScoreMatrix`).
    let window =
        RowWindow::new(move || project_ids.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    view! {
        <p class="hint">{t!(i18n, scoring.rice_hint)}</p>
        <table class="matrix estimates">
            <thead><tr>
                <th>{t!(i18n, scoring.project)}</th><th>{t!(i18n, scoring.reach)}</th><th>{t!(i18n, scoring.impact)}</th>
                <th>{t!(i18n, scoring.confidence)}</th><th>{t!(i18n, scoring.effort)}</th>
            </tr></thead>
            <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                {window.rows(move || project_ids.with(|ids| window.slots(ids, None)), || ESTIMATE_COLUMNS, row)}
            </tbody>
        </table>
    }
}

#[component]
fn Ranking(board: BoardContext, model: RwSignal<Model>) -> impl IntoView {
    let i18n = use_i18n();
    let ranking = Memo::new(move |_| {
        let model = model.get();
        board.view.snapshot.with(|b| views::scoring::ranking(b, model))
    });
    let outcome = RwSignal::new(None::<Message>);
    // A new model or a new ranking makes the last "moved" message stale.
    Effect::new(move || {
        ranking.track();
        outcome.set(None);
    });
    let apply = move |_| {
        let order = ranking.with_untracked(|ranking| ranking.order());
        let moved = std::cell::Cell::new(0);
        let result = board.try_apply(|b| {
            moved.set(b.reorder_projects(&order)?);
            Ok(())
        });
        outcome.set(Some(match result {
            Ok(()) => match moved.get() {
                0 => message!(scoring.nothing_moved),
                1 => message!(scoring.one_moved),
                count => message!(scoring.moved, count),
            },
            Err(reason) => {
                Message::new(move |locale| trd!(locale, scoring.not_applied, reason = reason.in_locale(locale)))
            }
        }));
    };
    let problem = move || {
        ranking.with(|ranking| {
            ranking.problem.clone().map(|problem| {
                let text = move || crate::words::ranking_problem(i18n.get_locale(), &problem, false);
                view! { <p class="notice" data-testid="ranking-problem">{text}</p> }
            })
        })
    };
    // A large board's ranking is drawn as a window around what is in view (a short one whole,
    // a slice per frame): 1,000 rows were all built again on every change. Rows are keyed by
    // project, each redrawn when its own line of the ranking changes.
    let order =
        Memo::new(move |_| ranking.with(|ranking| ranking.rows.iter().map(|row| row.id.clone()).collect::<Vec<_>>()));
    let at = Memo::new(move |_| {
        ranking.with(|ranking| {
            ranking
                .rows
                .iter()
                .enumerate()
                .map(|(at, row)| (row.id.clone(), at))
                .collect::<std::collections::HashMap<_, _>>()
        })
    });
    let window = RowWindow::new(move || order.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    view! {
        {problem}
        <table class="ranking">
            <thead><tr>
                <th>"#"</th><th>{t!(i18n, scoring.project)}</th><th>{t!(i18n, scoring.score)}</th>
                <th>{t!(i18n, scoring.why)}</th>
            </tr></thead>
            <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                {window.rows(move || order.with(|order| window.slots(order, None)), || RANKING_COLUMNS, move |id| {
                    let line = Memo::new(move |_| {
                        at.with(|at| at.get(&id).and_then(|at| ranking.with(|ranking| ranking.rows.get(*at).cloned())))
                    });
                    (move || line.with(|line| line.as_ref().map(|line| ranked_row(i18n, line)))).into_any()
                })}
            </tbody>
        </table>
        <div class="apply-order">
            <button type="button" data-testid="apply-order" disabled=move || !board.editable.get() || ranking.with(|r| r.order().is_empty())
                on:click=apply>{t!(i18n, scoring.apply_order)}</button>
            <span role="status" data-testid="apply-outcome">{move || outcome.get().map(|outcome| outcome.text(i18n))}</span>
        </div>
    }
}

fn ranked_row(i18n: I18nContext<Locale>, row: &RankedRow) -> impl IntoView {
    let reasons = |list: &[views::scoring::Reason], sign: &'static str| {
        list.iter()
            .map(|reason| format!("{} {sign}{}", reason.criterion, format::number(lang(), reason.effect.abs(), 3)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let why = if row.rank.is_none() {
        let missing = if row.missing.is_empty() {
            t_string!(i18n, scoring.not_ranked).to_owned()
        } else {
            tr!(i18n, scoring.needs, what = crate::words::missing(i18n.get_locale(), &row.missing)).to_string()
        };
        view! { <span class="missing">{missing}</span> }.into_any()
    } else {
        let lifted = (!row.lifted.is_empty())
            .then(|| view! { <span class="lifted">{tr!(i18n, scoring.lifted_by, reasons = reasons(&row.lifted, "+")).to_string()}</span> });
        let sank = (!row.sank.is_empty())
            .then(|| view! { <span class="sank">{tr!(i18n, scoring.sunk_by, reasons = reasons(&row.sank, "−")).to_string()}</span> });
        view! { {lifted}{sank}<small class="detail">{row.detail.clone()}</small> }.into_any()
    };
    view! {
        <tr data-testid="ranked-row" data-project-id=row.id.to_string() class:unranked=row.rank.is_none()>
            <td class="rank">{row.rank.map(|rank| rank.to_string()).unwrap_or_else(|| "–".into())}</td>
            <td>{row.name.clone()}</td>
            <td class="score" data-testid="ranked-score">{row.score.map(|score| format::number(lang(), score, 3)).unwrap_or_default()}</td>
            <td class="why">{why}</td>
        </tr>
    }
}

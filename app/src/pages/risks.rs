//! The risk register (风险登记册), `/board/:id/risks`: every project's risks in one table
//! (add, edit, close), filterable by project, band and ROAM state; the 5 × 5 heat map of open
//! risks, each cell a filter; the open exposure per project and for the portfolio. The rows,
//! map and sums come from `shared::views::risks`.

use leptos::{ev, prelude::*};
use shared::{
    board::{schema, NewRisk, Project, Risk, RiskId},
    risk::{RiskBand, RiskBands, Roam},
    views::risks::{self as view_model, band_name, RiskFilter, BANDS},
    ProjectId,
};

use super::project::ProjectLink;
use crate::{
    components::{
        band_label,
        board_context::BoardContext,
        conflict::{self, ConflictSign},
        field::Field,
        roam_label,
        row_window::RowWindow,
        rows::{project_row, risk_row, Rows},
    },
    i18n::*,
    language::Message,
};

/// The register's columns.
const REGISTER_COLUMNS: usize = 9;
/// Registers of up to this many risks are drawn whole; a risk's row is about as heavy as a
/// project's on the priorities (five fields, two choices, two buttons).
const REGISTER_WHOLE_UP_TO: usize = 300;

fn risk_input(risk: &Risk) -> NewRisk {
    NewRisk {
        title: risk.title.clone(),
        probability: risk.probability.get(),
        impact: risk.impact.get(),
        owner: risk.owner.clone(),
        mitigation: risk.mitigation.clone(),
        roam: risk.roam,
    }
}

#[component]
pub fn RisksPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let filter = RwSignal::new(RiskFilter::default());
    let projects = Memo::new(move |_| {
        board.view.snapshot.with(|s| s.projects.iter().map(|p| (p.id.clone(), p.name.clone())).collect::<Vec<_>>())
    });
    let rows = Memo::new(move |_| filter.with(|filter| board.view.snapshot.with(|s| view_model::register(s, filter))));
    let ids = Memo::new(move |_| rows.with(|rows| rows.iter().map(|row| row.risk.id.clone()).collect::<Vec<_>>()));
    // Each row follows its own risk and its project, set only when they change (see
    // `components::rows`): 2,000 rows watching the board ran all again on every change.
    let sources = RowSources {
        risks: Rows::new(board.view.snapshot, risk_row),
        projects: Rows::new(board.view.snapshot, project_row),
        bands: Memo::new(move |_| board.view.snapshot.with(|s| view_model::bands(&s.settings))),
    };
    let map = Memo::new(move |_| {
        let project = filter.with(|f| f.project.clone());
        board.view.snapshot.with(|s| view_model::heat_map(s, project.as_ref()))
    });
    let exposure = Memo::new(move |_| board.view.snapshot.with(|s| view_model::exposure(s)));

    let project_options = move || {
        projects
            .get()
            .into_iter()
            .map(|(id, name)| {
                let selected = filter.with(|f| f.project.as_ref() == Some(&id));
                view! { <option value=id.to_string() selected=selected>{name}</option> }
            })
            .collect_view()
    };

    // A large register is drawn as a window around what is in view (a short one whole, a
    // slice per frame): 2,000 rows of fields took most of a second to build and as long to
    // take down when the page was left. The row holding the focus stays drawn.
    let count = Memo::new(move |_| ids.with(Vec::len));
    let window = RowWindow::with_whole_up_to(
        move || count.get(),
        "data-risk-id",
        |key| key.parse::<RiskId>().ok(),
        REGISTER_WHOLE_UP_TO,
    );
    view! {
        <section class="risks-page" aria-labelledby="risks-heading">
            <h2 id="risks-heading">{t!(i18n, risks.title)}</h2>
            <div class="filters" role="group" aria-label=move || t_string!(i18n, risks.filter_register)>
                <label>{t!(i18n, risks.project)} " "
                    <select class="project-choice" aria-label=move || t_string!(i18n, risks.filter_by_project) data-testid="filter-project" on:change=move |ev| {
                        let project = event_target_value(&ev).parse::<ProjectId>().ok();
                        filter.update(|f| f.project = project);
                    }>
                        <option value="" selected=move || filter.with(|f| f.project.is_none())>{t!(i18n, risks.all_projects)}</option>
                        {project_options}
                    </select>
                </label>
                <label>{t!(i18n, risks.band)} " "
                    <select aria-label=move || t_string!(i18n, risks.filter_by_band) data-testid="filter-band" on:change=move |ev| {
                        let value = event_target_value(&ev);
                        filter.update(|f| f.band = BANDS.into_iter().find(|band| band_name(*band) == value));
                    }>
                        <option value="" selected=move || filter.with(|f| f.band.is_none())>{t!(i18n, risks.all_bands)}</option>
                        {BANDS.into_iter().map(|band| view! {
                            <option value=band_name(band) selected=move || filter.with(|f| f.band == Some(band))>{move || band_label(band)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{t!(i18n, risks.roam)} " "
                    <select aria-label=move || t_string!(i18n, risks.filter_by_roam) data-testid="filter-roam" on:change=move |ev| {
                        let roam = event_target_value(&ev).parse::<Roam>().ok();
                        filter.update(|f| f.roam = roam);
                    }>
                        <option value="" selected=move || filter.with(|f| f.roam.is_none())>{t!(i18n, risks.all_states)}</option>
                        {Roam::ALL.into_iter().map(|roam| view! {
                            <option value=roam.as_str() selected=move || filter.with(|f| f.roam == Some(roam))>{move || roam_label(roam)}</option>
                        }).collect_view()}
                    </select>
                </label>
                {move || filter.with(|f| f.cell).map(|(p, i)| view! {
                    <span class="chip" data-testid="cell-filter">{move || tr!(i18n, risks.cell_filter, p, i).to_string()}
                        <button type="button" class="chip-remove" aria-label=move || t_string!(i18n, risks.clear_cell_filter)
                            on:click=move |_| filter.update(|f| f.cell = None)>"✕"</button></span>
                })}
                <button type="button" on:click=move |_| filter.set(RiskFilter::default())>{t!(i18n, risks.clear_filters)}</button>
            </div>
            <div class="risk-overview">
                <HeatMap map filter/>
                <Exposure board exposure/>
            </div>
            <table class="register" data-testid="register">
                <thead><tr>
                    <th>{t!(i18n, risks.risk)}</th><th>{t!(i18n, risks.project)}</th>
                    <th title=move || t_string!(i18n, risks.probability_scale)>{t!(i18n, risks.p)}</th>
                    <th title=move || t_string!(i18n, risks.impact_scale)>{t!(i18n, risks.i)}</th>
                    <th>{t!(i18n, risks.score)}</th><th>{t!(i18n, risks.owner)}</th>
                    <th>{t!(i18n, risks.mitigation)}</th><th>{t!(i18n, risks.roam)}</th><th>{t!(i18n, risks.actions)}</th>
                </tr></thead>
                <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                    {window.rows(move || ids.with(|ids| window.slots(ids, None)), || REGISTER_COLUMNS, move |id| view! { <RiskRow id board sources/> })}
                </tbody>
            </table>
            <Show when=move || ids.with(Vec::is_empty)>
                <p class="empty" data-testid="register-empty">{t!(i18n, risks.none_match)}</p>
            </Show>
            <AddRisk board projects/>
        </section>
    }
}

/// The 5 × 5 map: probability 5 at the top, impact 5 at the right. Each cell is a button that
/// filters the register; the arrow keys move between cells.
#[component]
fn HeatMap(map: Memo<Vec<Vec<view_model::HeatCell>>>, filter: RwSignal<RiskFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let on_key = move |ev: ev::KeyboardEvent| {
        let (dr, dc) = match ev.key().as_str() {
            "ArrowUp" => (-1, 0),
            "ArrowDown" => (1, 0),
            "ArrowLeft" => (0, -1),
            "ArrowRight" => (0, 1),
            _ => return,
        };
        ev.prevent_default();
        move_focus(&ev, "heat-cell", dr, dc);
    };
    view! {
        <table class="heat-map" data-testid="heat-map" aria-label=move || t_string!(i18n, risks.heat_map_label) on:keydown=on_key>
            <caption>{t!(i18n, risks.heat_map)} " " {t!(i18n, risks.open_risks)}</caption>
            <tbody>
                // The grid is always 5 × 5: only the counts change, in place, so the focused cell
                // keeps the focus when a colleague's edit arrives.
                {(0..5usize).map(|r| {
                    let probability = 5 - r as u8;
                    view! {
                        <tr>
                            <th scope="row" title=move || t_string!(i18n, risks.probability)>{format!("P{probability}")}</th>
                            {(0..5usize).map(|c| {
                                let impact = c as u8 + 1;
                                let cell = move || map.with(|map| map[r][c]);
                                let selected = move || filter.with(|f| f.cell == Some((probability, impact)));
                                view! {
                                    <td class=move || format!("band-{}", band_name(cell().band)) class:selected=selected>
                                        <button type="button" class="heat-cell" data-row=r data-col=c
                                            data-testid=format!("cell-{probability}-{impact}")
                                            aria-pressed=move || if selected() { "true" } else { "false" }
                                            aria-label=move || {
                                                let cell = cell();
                                                let band = band_label(cell.band);
                                                tr!(i18n, risks.cell_label, p = probability, i = impact, count = cell.count, band)
                                                    .to_string()
                                            }
                                            on:click=move |_| filter.update(|f| {
                                                let cell = (probability, impact);
                                                f.cell = if f.cell == Some(cell) { None } else { Some(cell) };
                                            })>
                                            {move || { let count = cell().count; if count > 0 { count.to_string() } else { String::new() } }}
                                        </button>
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }
                }).collect_view()}
                <tr class="axis"><th></th>{(1..=5).map(|i| view! { <th scope="col" title=move || t_string!(i18n, risks.impact)>{format!("I{i}")}</th> }).collect_view()}</tr>
            </tbody>
        </table>
    }
}

/// Moves the focus from the grid button that has it to the one `dr` rows and `dc` columns away,
/// if there is one: the arrow keys of a grid. The buttons carry `data-row` and `data-col`.
pub fn move_focus(ev: &ev::KeyboardEvent, class: &str, dr: i32, dc: i32) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else { return };
        let number = |name: &str| target.get_attribute(name).and_then(|v| v.parse::<i32>().ok());
        let (Some(row), Some(col)) = (number("data-row"), number("data-col")) else { return };
        let Some(grid) = target.closest("table").ok().flatten() else { return };
        let selector = format!(".{class}[data-row=\"{}\"][data-col=\"{}\"]", row + dr, col + dc);
        if let Some(next) =
            grid.query_selector(&selector).ok().flatten().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = next.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, class, dr, dc);
}

#[component]
fn Exposure(board: BoardContext, exposure: Memo<(Vec<view_model::ExposureRow>, usize, u32)>) -> impl IntoView {
    let i18n = use_i18n();
    // A large board's thousand rows are drawn as a window around what is in view, like the
    // register's (their layout alone was a tenth of a second on every open).
    let order = Memo::new(move |_| {
        exposure.with(|(rows, _, _)| rows.iter().map(|row| row.project.clone()).collect::<Vec<_>>())
    });
    let at = Memo::new(move |_| {
        exposure.with(|(rows, _, _)| {
            rows.iter()
                .enumerate()
                .map(|(at, row)| (row.project.clone(), at))
                .collect::<std::collections::HashMap<_, _>>()
        })
    });
    let window = RowWindow::new(move || order.with(Vec::len), "data-project-id", |key| key.parse::<ProjectId>().ok());
    view! {
        <table class="exposure numbers" data-testid="exposure">
            <caption>{t!(i18n, risks.exposure)} " " {t!(i18n, risks.exposure_caption)}</caption>
            <thead><tr>
                <th>{t!(i18n, risks.project)}</th><th>{t!(i18n, risks.open)}</th><th>{t!(i18n, risks.exposure)}</th>
                <th>{t!(i18n, risks.highest)}</th>
            </tr></thead>
            <tbody node_ref=window.body on:focusin=move |ev| window.focus_in(&ev)>
                {window.rows(move || order.with(|order| window.slots(order, None)), || 4, move |id| {
                    let line = Memo::new(move |_| {
                        at.with(|at| at.get(&id).and_then(|at| exposure.with(|(rows, _, _)| rows.get(*at).cloned())))
                    });
                    (move || line.get().map(|row| view! {
                        <tr data-project-id=row.project.to_string()><td><ProjectLink board id=row.project.clone() name=row.name.clone()/></td>
                            <td>{row.open_risks}</td><td>{row.exposure}</td>
                            <td>{row.highest_band.map(|band| view! { <span class=format!("band {}", band_name(band))>{move || band_label(band)}</span> })}</td></tr>
                    })).into_any()
                })}
            </tbody>
            <tfoot><tr><th>{t!(i18n, risks.portfolio)}</th>
                <td data-testid="portfolio-open">{move || exposure.get().1}</td>
                <td data-testid="portfolio-exposure">{move || exposure.get().2}</td><td></td></tr></tfoot>
        </table>
    }
}

/// What each row of the register follows.
#[derive(Clone, Copy)]
struct RowSources {
    risks: Rows<RiskId, Risk>,
    projects: Rows<ProjectId, Project>,
    bands: Memo<RiskBands>,
}

#[component]
fn RiskRow(id: RiskId, board: BoardContext, sources: RowSources) -> impl IntoView {
    let i18n = use_i18n();
    let id = StoredValue::new(id);
    let read_only = Signal::derive(move || !board.editable.get());
    let risk = sources.risks.row(id.get_value());
    // The risk's project, for its name: a risk keeps the project it was logged against.
    let project = risk.item.with_untracked(|risk| risk.as_ref().map(|risk| sources.projects.row(risk.project.clone())));
    let row = Memo::new(move |_| {
        let name = project.and_then(|project| project.item.with(|p| p.as_ref().map(|p| p.name.clone())));
        risk.item.get().map(|risk| (risk, name.unwrap_or_default()))
    });
    let score_band = Memo::new(move |_| {
        row.with(|row| {
            row.as_ref().map(|(risk, _)| {
                let score = risk.probability.get() * risk.impact.get();
                (score, sources.bands.with(|bands| bands.band(score).unwrap_or(RiskBand::Low)))
            })
        })
    });
    // Writes the risk with one part changed.
    let update = move |change: &dyn Fn(&mut NewRisk)| -> Result<(), Message> {
        board.try_apply(|b| {
            let risk = b.risks().into_iter().find(|r| r.id == id.get_value());
            let Some(risk) = risk else {
                return Err(shared::BoardError::Unknown {
                    what: shared::board::Subject::Risk,
                    id: id.get_value().to_string(),
                });
            };
            let mut input = risk_input(&risk);
            change(&mut input);
            b.update_risk(&id.get_value(), input)
        })
    };
    let text = move |f: fn(&Risk) -> String| {
        Signal::derive(move || row.with(|r| r.as_ref().map(|(risk, _)| f(risk)).unwrap_or_default()))
    };
    let scale = move |value: Box<dyn Fn() -> u8 + Send + Sync>,
                      label: fn(I18nContext<Locale>) -> &'static str,
                      set: fn(&mut NewRisk, u8)| {
        let value = StoredValue::new(value);
        view! {
            <select aria-label=move || label(i18n) disabled=move || read_only.get() on:change=move |ev| {
                if let Ok(n) = event_target_value(&ev).parse::<u8>() {
                    if let Err(message) = update(&|input| set(input, n)) {
                        board.notice.set(Some(message));
                    }
                }
            }>
                {(1..=5u8).map(|n| view! { <option value=n.to_string() selected=move || value.with_value(|v| v()) == n>{n}</option> }).collect_view()}
            </select>
        }
    };
    let roam = move || row.with(|r| r.as_ref().map_or(Roam::Owned, |(risk, _)| risk.roam));
    // "Changed by two people" beside a field two members set apart (a ROAM state in words).
    let sign = move |field: &'static str| {
        let conflict = Signal::derive(move || {
            let mut conflict =
                row.with(|r| r.as_ref().and_then(|(risk, _)| conflict::on_field(&risk.conflicts, field)))?;
            if field == schema::risk::ROAM {
                let word =
                    |code: &str| code.parse::<Roam>().map_or_else(|_| code.to_owned(), |r| roam_label(r).to_owned());
                conflict.winner = word(&conflict.winner);
                conflict.others = conflict.others.iter().map(|other| word(other)).collect();
            }
            Some(conflict)
        });
        view! { <ConflictSign conflict testid="risk-conflict"/> }
    };
    view! {
        <tr data-testid="risk-row" data-risk-id=id.get_value().to_string() class:resolved=move || roam() == Roam::Resolved>
            <td><Field class="risk-title" label=Signal::derive(move || t_string!(i18n, risks.risk_title).to_string()) value=text(|r| r.title.clone()) disabled=read_only
                commit=move |title| update(&|input| input.title = title.clone())/>{sign(schema::risk::TITLE)}</td>
            <td>{move || row.get().map(|(risk, name)| view! { <ProjectLink board id=risk.project name/> })}</td>
            <td>{scale(Box::new(move || row.with(|r| r.as_ref().map_or(1, |(risk, _)| risk.probability.get()))), |i18n| t_string!(i18n, risks.probability), |i, n| i.probability = n)}{sign(schema::risk::PROBABILITY)}</td>
            <td>{scale(Box::new(move || row.with(|r| r.as_ref().map_or(1, |(risk, _)| risk.impact.get()))), |i18n| t_string!(i18n, risks.impact), |i, n| i.impact = n)}{sign(schema::risk::IMPACT)}</td>
            <td>{move || score_band.get().map(|(score, band)| view! {
                <span class=format!("band {}", band_name(band)) data-testid="risk-score" title=band_label(band)>
                    {score} " " {band_label(band)}
                </span>
            })}</td>
            <td><Field class="risk-owner" label=Signal::derive(move || t_string!(i18n, risks.owner).to_string()) value=text(|r| r.owner.clone()) disabled=read_only
                commit=move |owner| update(&|input| input.owner = owner.clone())/>{sign(schema::risk::OWNER)}</td>
            <td><Field class="risk-mitigation" label=Signal::derive(move || t_string!(i18n, risks.mitigation).to_string()) value=text(|r| r.mitigation.clone()) disabled=read_only
                commit=move |mitigation| update(&|input| input.mitigation = mitigation.clone())/>{sign(schema::risk::MITIGATION)}</td>
            <td>
                <select aria-label=move || t_string!(i18n, risks.roam_state) data-testid="risk-roam" disabled=move || read_only.get() on:change=move |ev| {
                    if let Ok(state) = event_target_value(&ev).parse::<Roam>() {
                        if let Err(message) = update(&|input| input.roam = state) {
                            board.notice.set(Some(message));
                        }
                    }
                }>
                    {Roam::ALL.into_iter().map(|state| view! { <option value=state.as_str() selected=move || roam() == state>{move || roam_label(state)}</option> }).collect_view()}
                </select>
                {sign(schema::risk::ROAM)}
            </td>
            <td class="actions">
                <button type="button" disabled=move || read_only.get() || roam() == Roam::Resolved data-testid="close-risk"
                    title=move || t_string!(i18n, risks.close_title) on:click=move |_| {
                        if let Err(message) = update(&|input| input.roam = Roam::Resolved) {
                            board.notice.set(Some(message));
                        }
                    }>{t!(i18n, risks.close)}</button>
                " "
                <button type="button" class="danger" aria-label=move || t_string!(i18n, risks.delete_risk)
                    title=move || t_string!(i18n, risks.delete_risk) disabled=move || read_only.get()
                    on:click=move |_| board.apply(|b| b.delete_risk(&id.get_value()))>"✕"</button>
            </td>
        </tr>
    }
}

#[component]
fn AddRisk(board: BoardContext, projects: Memo<Vec<(ProjectId, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let read_only = move || !board.editable.get();
    let project = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let probability = RwSignal::new("3".to_string());
    let impact = RwSignal::new("3".to_string());
    let owner = RwSignal::new(String::new());
    let mitigation = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Message>);
    let add = move || {
        let Ok(on) = project.get_untracked().parse::<ProjectId>() else {
            return error.set(Some(message!(risks.pick_project)));
        };
        let input = NewRisk {
            title: title.get_untracked(),
            probability: probability.get_untracked().parse().unwrap_or(0),
            impact: impact.get_untracked().parse().unwrap_or(0),
            owner: owner.get_untracked(),
            mitigation: mitigation.get_untracked(),
            roam: Roam::Owned,
        };
        match board.try_apply(|b| b.add_risk(RiskId::random(), &on, input)) {
            Ok(()) => {
                error.set(None);
                title.set(String::new());
                owner.set(String::new());
                mitigation.set(String::new());
            }
            Err(message) => error.set(Some(message)),
        }
    };
    let scale = |signal: RwSignal<String>, label: fn(I18nContext<Locale>) -> &'static str| {
        view! {
            <label>{move || label(i18n)} " "
                <select aria-label=move || {
                    let what = label(i18n).to_lowercase();
                    tr!(i18n, risks.new_risk_scale, what).to_string()
                } prop:value=signal disabled=read_only
                    on:change=move |ev| signal.set(event_target_value(&ev))>
                    {(1..=5).map(|n| view! { <option value=n.to_string() selected=n == 3>{n}</option> }).collect_view()}
                </select>
            </label>
        }
    };
    view! {
        <form class="add-risk inline-form" data-testid="add-risk" on:submit=move |ev| { ev.prevent_default(); add(); }>
            <h3>{t!(i18n, risks.add_a_risk)}</h3>
            <select class="project-choice" aria-label=move || t_string!(i18n, risks.new_risk_project) prop:value=project disabled=read_only on:change=move |ev| project.set(event_target_value(&ev))>
                <option value="">{t!(i18n, risks.project_choice)}</option>
                {move || projects.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <input aria-label=move || t_string!(i18n, risks.new_risk_title) placeholder=move || t_string!(i18n, risks.what_could_happen)
                prop:value=title disabled=read_only
                on:input=move |ev| title.set(event_target_value(&ev))/>
            {scale(probability, |i18n| t_string!(i18n, risks.probability))}
            {scale(impact, |i18n| t_string!(i18n, risks.impact))}
            <input aria-label=move || t_string!(i18n, risks.new_risk_owner) placeholder=move || t_string!(i18n, risks.owner)
                prop:value=owner disabled=read_only
                on:input=move |ev| owner.set(event_target_value(&ev))/>
            <input aria-label=move || t_string!(i18n, risks.new_risk_mitigation)
                placeholder=move || t_string!(i18n, risks.mitigation) prop:value=mitigation disabled=read_only
                on:input=move |ev| mitigation.set(event_target_value(&ev))/>
            <button type="submit" disabled=read_only>{t!(i18n, risks.add_risk)}</button>
            <span class="field-error" role="alert" data-testid="add-risk-error">{move || error.get().map(|error| error.text(i18n))}</span>
        </form>
    }
}

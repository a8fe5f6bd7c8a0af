//! Resources (资源), `/board/:id/resources`: the capacity heat map, people × 26 weeks, each
//! cell coloured by booked hours against that week's capacity (time off taken out), grouped by
//! team or role with the group's totals and utilisation; the over-allocations; the bookings
//! behind one cell, editable; a bulk booking over a range of weeks; time off. The figures come
//! from `shared::views::resources`.
//!
//! Keyboard: the arrow keys move between cells, Enter (or a click) opens the cell's bookings.
//!
//! A large board has 300 people, 7,800 cells: the map first draws only the lines in and near
//! the window (see [`drawn_lines`]), with empty rows above and below standing for the others,
//! then the others a step an animation frame ([`filled_lines`]), and draws the window's lines
//! first wherever it scrolls meanwhile ([`kept_lines`]). Lines once drawn stay drawn: building
//! and dropping rows on every scrolled frame cost 18–31 ms of script a frame and frames of
//! 300–700 ms. Every cell follows its own figure (a memo per cell over its
//! row's line), so one booking changes one cell's element, its row's utilisation and its group's
//! total, nothing else. Each row's line is a signal of its own ([`Rows`]), set by one effect only
//! when it changed, and the map is kept while the board's people and bookings are the same lists:
//! a booking wakes one row, a colleague's budget none.

use std::{collections::HashMap, sync::Arc};

use leptos::{ev, prelude::*};
use shared::{
    board::{schema, FieldConflict, PeopleAndBookings},
    capacity::Grouping,
    format,
    views::resources::{
        self as view_model, drawn_groups, drawn_lines, filled_lines, kept_lines, Cell, DrawnGroup, Group, Level,
        PersonLine,
    },
    IsoWeek, PersonId, ProjectId,
};

use super::{project::ProjectLink, risks::move_focus};
use crate::{
    components::{
        board_context::BoardContext,
        conflict::{self, ConflictSign},
        field::{parse_number, Field},
        remembered::{remembered, Last},
        row_window::measure_each_frame,
    },
    i18n::*,
    language::{lang, language_of, Language, Message},
};

/// Weeks in the heat map, from this week on.
const WEEKS: usize = 26;
/// Over-allocations listed before "show all".
const FIRST_OVER: usize = 50;
/// Lines drawn before the table's place in the window is known (about what a window holds
/// below the page's heading and the spare lines; the next frame draws what is missing).
const FIRST_LINES: usize = 24;
/// A line's height until one is measured (the rows' height in the style sheet).
const LINE_PX: f64 = 36.0;

thread_local! {
    /// The last heat map computed, for the page opened again on an unchanged board.
    static LAST_MAP: Last<(Option<Grouping>, IsoWeek), Arc<Vec<Group>>> = Last::default();
}

/// Where the heat map is in the window, in CSS pixels.
struct Place {
    /// The top of the table's body (below its heading).
    body_top: f64,
    window_height: f64,
    /// A person's row's height (0 when none is drawn).
    line_px: f64,
}

fn place_of(table: NodeRef<leptos::html::Table>) -> Option<Place> {
    let table = table.get_untracked()?;
    let line_px =
        table.query_selector("tr[data-testid=capacity-row]").ok().flatten().map_or(0.0, |row| top_and_height(&row).1);
    let head = table.query_selector("thead").ok().flatten().map_or(0.0, |head| top_and_height(&head).1);
    Some(Place {
        body_top: top_and_height(&table).0 + head,
        window_height: window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(900.0),
        line_px,
    })
}

/// An element's top in the window and its height, in CSS pixels (`getBoundingClientRect`, read
/// through JavaScript: web-sys's `DomRect` would rebuild every crate above web-sys).
fn top_and_height(element: &web_sys::Element) -> (f64, f64) {
    use wasm_bindgen::{JsCast, JsValue};
    let get = |object: &JsValue, name: &str| js_sys::Reflect::get(object, &JsValue::from_str(name)).ok();
    let rect = get(element, "getBoundingClientRect")
        .and_then(|function| function.dyn_into::<js_sys::Function>().ok())
        .and_then(|function| function.call0(element).ok());
    let number = |name: &str| rect.as_ref().and_then(|rect| get(rect, name)).and_then(|value| value.as_f64());
    (number("top").unwrap_or(0.0), number("height").unwrap_or(0.0))
}

fn level_label(locale: Locale, level: Level) -> &'static str {
    match level {
        Level::Off => td_string!(locale, resources.level_off),
        Level::Free => td_string!(locale, resources.level_free),
        Level::Under => td_string!(locale, resources.level_under),
        Level::Near => td_string!(locale, resources.level_near),
        Level::Over => td_string!(locale, resources.level_over),
    }
}

/// A week's column heading: its number over the day it starts.
fn week_heading(i18n: I18nContext<Locale>, week: IsoWeek) -> impl IntoView {
    let number = format!("{:02}", week.week());
    view! {
        <th scope="col" class="week">
            {move || tr!(i18n, resources.week_heading, week = number.clone()).to_string()}<br/>
            <small>{move || format::short_date(lang(), week.monday())}</small>
        </th>
    }
}

#[component]
pub fn ResourcesPage() -> impl IntoView {
    let board = BoardContext::get();
    let i18n = use_i18n();
    let weeks = StoredValue::new(IsoWeek::containing(chrono::Utc::now().date_naive()).span(WEEKS));
    let grouping = RwSignal::new(None::<Grouping>);
    // The map reads only the people and their bookings: while the snapshot's lists are the very
    // same (a budget, a stage, a risk changed), the map is kept and nothing downstream wakes.
    let computed_from = StoredValue::new(None::<(PeopleAndBookings, Option<Grouping>)>);
    let groups = Memo::new_owning(move |previous: Option<Arc<Vec<Group>>>| {
        let grouping = grouping.get();
        let snapshot = board.view.snapshot.get();
        let kept = computed_from.with_value(|from| {
            from.as_ref().is_some_and(|(lists, from_grouping)| *from_grouping == grouping && lists.same_in(&snapshot))
        });
        if let (true, Some(previous)) = (kept, previous) {
            return (previous, false);
        }
        computed_from.set_value(Some((PeopleAndBookings::of(&snapshot), grouping)));
        let first_week = weeks.with_value(|weeks| weeks[0]);
        let map = remembered(&LAST_MAP, &snapshot, (grouping, first_week), || {
            Arc::new(view_model::heat_map(&snapshot, &weeks.get_value(), grouping))
        });
        (map, true)
    });
    // The table's shape: rebuilt only when people or groups change, so a booking by a
    // colleague recolours cells in place and the focused cell keeps the focus.
    let layout = Memo::new(move |_| {
        groups.with(|groups| {
            groups
                .iter()
                .map(|g| (g.name.clone(), g.people.iter().map(|p| p.person.clone()).collect::<Vec<_>>()))
                .collect::<Vec<_>>()
        })
    });
    // Read off the heat map: the bookings are added up once per change, not twice.
    let over = Memo::new(move |_| groups.with(|groups| view_model::over_allocations_in(groups)));
    let show_all_over = RwSignal::new(false);
    // Capacities two members set apart (almost always none), found once per change for every
    // row: the colours depend on the capacity that won.
    let capacity_conflicts = Memo::new(move |_| {
        board.view.snapshot.with(|s| {
            s.people
                .iter()
                .filter(|person| !person.conflicts.is_empty())
                .filter_map(|person| {
                    conflict::on_field(&person.conflicts, schema::person::CAPACITY_HOURS_PER_WEEK)
                        .map(|c| (person.id.clone(), c))
                })
                .collect::<HashMap<_, _>>()
        })
    });
    // What each person's row shows, one signal a person: a change sets the rows it changed and
    // wakes nothing else. When 300 rows each followed the whole map, every change (a colleague's
    // budget too) woke 300 rows and their 7,800 cells to find that nothing had changed: 60–150 ms
    // of script in the reactive graph alone.
    let rows = StoredValue::new(Rows::default());
    Effect::new(move |_| {
        let changed = groups.with(|groups| {
            capacity_conflicts.with(|conflicts| rows.try_update_value(|rows| rows.changed(groups, conflicts)))
        });
        for (row, figures) in changed.unwrap_or_default() {
            row.set(figures);
        }
    });
    let row_of = move |person: &PersonId| {
        rows.try_update_value(|rows| {
            rows.of(person, || {
                let line = groups.with_untracked(|groups| {
                    groups.iter().flat_map(|g| &g.people).find(|line| &line.person == person).cloned()
                });
                let capacity_conflict = capacity_conflicts.with_untracked(|conflicts| conflicts.get(person).cloned());
                RowFigures { line, capacity_conflict }
            })
        })
        .unwrap_or_else(|| ArcRwSignal::new(RowFigures::default()))
    };
    let selected = RwSignal::new(None::<(PersonId, IsoWeek)>);
    // The pickers' people and projects, one pair for the page's three forms.
    let choices = pickers(board);
    // Asked cell by cell: choosing a cell wakes the two cells whose answer changes, not every
    // cell watching `selected`.
    let is_selected = StoredValue::new(Selector::new(move || selected.get()));
    // The lines drawn (see `drawn_lines`, `kept_lines`, `filled_lines`): the first ones until
    // the table is measured.
    let line_count = Memo::new(move |_| {
        let heads = if grouping.get().is_some() { layout.with(Vec::len) } else { 0 };
        heads + layout.with(|layout| layout.iter().map(|(_, people)| people.len()).sum::<usize>())
    });
    let drawn = RwSignal::new((0, FIRST_LINES));
    let line_px = RwSignal::new(LINE_PX);
    let drawn_now = Memo::new(move |_| {
        let (first, end) = drawn.get();
        let lines = line_count.get();
        (first.min(lines), end.min(lines))
    });
    let shown_groups = Memo::new(move |_| {
        let range = drawn_now.get();
        layout.with(|layout| drawn_groups(layout, grouping.get(), range))
    });
    let table = NodeRef::<leptos::html::Table>::new();
    // Where the table is in the window decides which lines are drawn; measured when the window
    // scrolls or is resized and after the lines change.
    let measure = move || {
        let Some(place) = place_of(table) else { return };
        if place.line_px > 0.0 && (place.line_px - line_px.get_untracked()).abs() > 0.01 {
            line_px.set(place.line_px);
        }
        let lines = line_count.get_untracked();
        let window = drawn_lines(place.body_top, place.window_height, line_px.get_untracked(), lines);
        let next = kept_lines(drawn.get_untracked(), window, lines);
        if drawn.get_untracked() != next {
            drawn.set(next);
        }
    };
    // Measured once a frame at most, after the browser has laid the lines out.
    let schedule_measure = measure_each_frame(measure);
    Effect::new(move |_| {
        line_count.track();
        let _ = table.get();
        schedule_measure();
    });
    // Once the window is drawn, the other lines are drawn a step an animation frame (see
    // `filled_lines`): scrolling then builds nothing, as when the whole map was drawn at once,
    // and the page still opens as fast as its window.
    // The bulk booking's and time off's pickers (1,600 options on a large board, below the
    // map) are filled once every line is drawn, not before the map's first window.
    let pickers_filled = RwSignal::new(false);
    Effect::new(move |_| {
        let (now, lines) = (drawn_now.get(), line_count.get());
        if filled_lines(now, lines).is_none() {
            if !pickers_filled.get_untracked() {
                pickers_filled.set(true);
            }
        } else {
            request_animation_frame(move || {
                let (Some(now), Some(lines)) = (drawn.try_get_untracked(), line_count.try_get_untracked()) else {
                    return;
                };
                if let Some(next) = filled_lines(now, lines) {
                    drawn.set(next);
                }
            });
        }
    });
    let overall = Memo::new(move |_| {
        groups.with(|groups| {
            let (booked, capacity) = groups
                .iter()
                .flat_map(|g| &g.totals)
                .fold((0.0, 0.0), |(b, c), cell| (b + cell.booked, c + cell.capacity));
            (capacity > 0.0).then(|| booked / capacity)
        })
    });

    let on_key = move |ev: ev::KeyboardEvent| {
        let (dr, dc) = match ev.key().as_str() {
            "ArrowUp" => (-1, 0),
            "ArrowDown" => (1, 0),
            "ArrowLeft" => (0, -1),
            "ArrowRight" => (0, 1),
            _ => return,
        };
        ev.prevent_default();
        move_focus(&ev, "cap-cell", dr, dc);
    };
    let header = move || weeks.get_value().into_iter().map(|week| week_heading(i18n, week)).collect_view();
    // A `<tbody>` for each group with drawn lines, keyed, so that scrolling adds and removes
    // rows at the edges and keeps the others as they are.
    let body = move || {
        view! {
            <For each=move || shown_groups.get() key=|group| group.key.clone() children=move |group: DrawnGroup| {
                let key = StoredValue::new(group.key.clone());
                let this = Memo::new(move |_| {
                    shown_groups.with(|groups| groups.iter().find(|g| g.key == key.get_value()).cloned())
                });
                let name = StoredValue::new(group.name.clone());
                // The group's totals and utilisation: the one thing its heading reads of the map.
                let totals = Memo::new(move |_| {
                    groups.with(|groups| {
                        name.with_value(|name| {
                            groups.iter().find(|g| &g.name == name).map(|g| (g.totals.clone(), g.utilisation))
                        })
                    })
                });
                let head = move || {
                    this.with(|g| g.as_ref().is_some_and(|g| g.head)).then(|| {
                        let title = move || match (name.with_value(String::is_empty), grouping.get_untracked()) {
                            (false, _) => name.get_value(),
                            (true, Some(Grouping::Role)) => t_string!(i18n, resources.no_role).to_owned(),
                            (true, _) => t_string!(i18n, resources.no_team).to_owned(),
                        };
                        let members = move || this.with(|g| g.as_ref().map_or(0, |g| g.members));
                        view! {
                            <tr class="group-row" data-testid="group-row">
                                <th scope="rowgroup" class="sticky">{title} " " <small class="hint">{move || tr!(i18n, resources.people_count, count = members()).to_string()}</small></th>
                                <td class="util">{move || format::optional_percent(lang(), totals.with(|t| t.as_ref().and_then(|(_, utilisation)| *utilisation)))}</td>
                                {(0..WEEKS).map(|column| view! { <GroupTotal totals column/> }).collect_view()}
                            </tr>
                        }
                    })
                };
                view! {
                    <tbody>
                        {head}
                        <For each=move || this.with(|g| g.as_ref().map(|g| g.people.clone()).unwrap_or_default())
                            key=|(person, row)| (person.clone(), *row)
                            children=move |(person, row)| {
                                let figures = row_of(&person).read_only().into();
                                view! { <PersonRow person figures row weeks selected is_selected/> }
                            }/>
                    </tbody>
                }
            }/>
        }
    };
    // Empty rows standing for the lines not drawn, so that the table is as tall as all of them.
    let spacer = move |lines: Memo<usize>| {
        move || {
            let lines = lines.get();
            (lines > 0).then(|| {
                let height = format!("{}px", lines as f64 * line_px.get());
                view! { <tbody class="spacer" aria-hidden="true"><tr><td colspan={WEEKS + 2} style:height=height></td></tr></tbody> }
            })
        }
    };
    let above = Memo::new(move |_| drawn_now.get().0);
    let below = Memo::new(move |_| line_count.get().saturating_sub(drawn_now.get().1));

    view! {
        <section class="resources-page" aria-labelledby="resources-heading">
            <h2 id="resources-heading">{t!(i18n, resources.title)}</h2>
            <div class="toolbar">
                <label>{t!(i18n, resources.group_by)} " "
                    <select aria-label=move || t_string!(i18n, resources.group_by) data-testid="group-by" on:change=move |ev| {
                        grouping.set(match event_target_value(&ev).as_str() {
                            "team" => Some(Grouping::Team),
                            "role" => Some(Grouping::Role),
                            _ => None,
                        })
                    }>
                        <option value="">{t!(i18n, resources.nobody)}</option>
                        <option value="team">{t!(i18n, resources.team)}</option>
                        <option value="role">{t!(i18n, resources.role)}</option>
                    </select>
                </label>
                <span class="legend" aria-hidden="true">
                    <span class="swatch under"></span>{t!(i18n, resources.legend_under)}
                    <span class="swatch near"></span>{t!(i18n, resources.legend_near)}
                    <span class="swatch over"></span>{t!(i18n, resources.legend_over)}
                    <span class="swatch off"></span>{t!(i18n, resources.legend_off)}
                </span>
                <span class="overall" data-testid="overall-utilisation">{t!(i18n, resources.utilisation)} ": " {move || format::optional_percent(lang(), overall.get())}</span>
            </div>
            <p class="hint">{t!(i18n, resources.hint)}</p>
            <div class="capacity-scroll">
                <table class="capacity" data-testid="capacity" on:keydown=on_key node_ref=table>
                    <thead><tr><th scope="col" class="sticky">{t!(i18n, resources.person)}</th>
                        <th scope="col" class="util" title=move || t_string!(i18n, resources.util_title)>{t!(i18n, resources.util)}</th>
                        {header}</tr></thead>
                    {spacer(above)}
                    {body}
                    {spacer(below)}
                </table>
            </div>
            <Show when=move || layout.with(Vec::is_empty)>
                <p class="empty">{t!(i18n, resources.nobody_yet)}</p>
            </Show>
            {move || selected.get().map(|(person, week)| view! { <CellEditor board person week selected projects=choices.1/> })}
        </section>
        <section class="over-list" aria-labelledby="over-heading">
            <h2 id="over-heading">{t!(i18n, resources.over_allocated)}</h2>
            <ul class="plain" data-testid="over-allocations">
                // Keyed by what a line says, so a change redraws only the lines it changed; a
                // large board has thousands, so the first ones show until asked for all.
                <For each=move || {
                    let all = show_all_over.get();
                    over.with(|over| over.iter().take(if all { usize::MAX } else { FIRST_OVER }).cloned().collect::<Vec<_>>())
                }
                    key=|o| (o.person.clone(), o.week, o.booked.to_bits(), o.capacity.to_bits(), o.name.clone())
                    children=move |o| {
                    let (person, week) = (o.person.clone(), o.week);
                    view! {
                        <li><button type="button" class="link" on:click=move |_| selected.set(Some((person.clone(), week)))>
                            {move || {
                                let language = lang();
                                tr!(i18n, resources.over_line,
                                    name = o.name.clone(),
                                    week = o.week,
                                    booked = format::hours(language, o.booked),
                                    capacity = format::hours(language, o.capacity),
                                    excess = format::hours(language, o.excess())
                                )
                                .to_string()
                            }}
                        </button></li>
                    }
                }/>
            </ul>
            {move || {
                let hidden = if show_all_over.get() { 0 } else { over.with(Vec::len).saturating_sub(FIRST_OVER) };
                (hidden > 0).then(|| view! {
                    <button type="button" class="link" data-testid="all-over-allocations" on:click=move |_| show_all_over.set(true)>
                        {move || tr!(i18n, resources.show_all_over, count = hidden)}</button>
                })
            }}
            <Show when=move || over.with(Vec::is_empty)><p class="empty">{t!(i18n, resources.nobody_over)}</p></Show>
        </section>
        <BulkBooking board weeks=weeks.get_value() choices filled=pickers_filled.read_only()/>
        <TimeOff board weeks=weeks.get_value() people=choices.0 filled=pickers_filled.read_only()/>
    }
}

/// What a person's row of the heat map shows.
#[derive(Debug, Clone, Default, PartialEq)]
struct RowFigures {
    line: Option<PersonLine>,
    capacity_conflict: Option<FieldConflict>,
}

/// Every person's [`RowFigures`] as a signal of its own, kept across changes: [`Rows::changed`]
/// sets a person's signal only when their figures changed, so one booking wakes one row.
#[derive(Default)]
struct Rows(HashMap<PersonId, ArcRwSignal<RowFigures>>);

impl Rows {
    /// The signal of `person`'s row, made from `figures` the first time it is asked for.
    fn of(&mut self, person: &PersonId, figures: impl FnOnce() -> RowFigures) -> ArcRwSignal<RowFigures> {
        self.0.entry(person.clone()).or_insert_with(|| ArcRwSignal::new(figures())).clone()
    }

    /// The rows whose figures differ in `groups`, with their new figures, for the caller to set
    /// once it has let go of the rows; the people no longer there are forgotten.
    fn changed(
        &mut self,
        groups: &[view_model::Group],
        conflicts: &HashMap<PersonId, FieldConflict>,
    ) -> Vec<(ArcRwSignal<RowFigures>, RowFigures)> {
        let mut changed = Vec::new();
        let mut present = 0;
        for line in groups.iter().flat_map(|g| &g.people) {
            let Some(row) = self.0.get(&line.person) else { continue };
            present += 1;
            let capacity_conflict = conflicts.get(&line.person);
            let same = row.with_untracked(|figures| {
                figures.line.as_ref() == Some(line) && figures.capacity_conflict.as_ref() == capacity_conflict
            });
            if !same {
                let figures = RowFigures { line: Some(line.clone()), capacity_conflict: capacity_conflict.cloned() };
                changed.push((row.clone(), figures));
            }
        }
        if present < self.0.len() {
            let people: std::collections::HashSet<&PersonId> =
                groups.iter().flat_map(|g| &g.people).map(|line| &line.person).collect();
            self.0.retain(|person, _| people.contains(person));
        }
        changed
    }
}

/// A cell's load level, as its class and `data-level` name it ("free" for no cell).
fn level_name(cell: Option<&Cell>) -> &'static str {
    cell.map_or("free", |cell| cell.level.name())
}

/// The hours a cell shows: nothing when nothing is booked.
fn hours_text(language: Language, cell: Option<&Cell>) -> String {
    cell.filter(|cell| cell.booked > 0.0).map(|cell| format::hours(language, cell.booked)).unwrap_or_default()
}

/// A group's totals and utilisation, as its heading shows them.
type GroupTotals = Memo<Option<(Vec<Cell>, Option<f64>)>>;

#[component]
fn GroupTotal(totals: GroupTotals, column: usize) -> impl IntoView {
    let i18n = use_i18n();
    let cell = Memo::new(move |_| totals.with(|t| t.as_ref().and_then(|(cells, _)| cells.get(column).cloned())));
    view! {
        <td class=move || format!("total {}", cell.with(|c| level_name(c.as_ref())))
            title=move || cell.get().map(|c| {
                let (booked, capacity) = (format::hours(lang(), c.booked), format::hours(lang(), c.capacity));
                tr!(i18n, resources.booked_of, booked, capacity).to_string()
            }).unwrap_or_default()>
            {move || cell.get().filter(|c| c.booked > 0.0).map(|c| format!("{}/{}", format::hours(lang(), c.booked), format::hours(lang(), c.capacity)))}
        </td>
    }
}

#[component]
fn PersonRow(
    person: PersonId,
    /// The row's figures, set only when they change (see [`Rows`]).
    figures: ReadSignal<RowFigures>,
    row: usize,
    weeks: StoredValue<Vec<IsoWeek>>,
    selected: RwSignal<Option<(PersonId, IsoWeek)>>,
    is_selected: StoredValue<Selector<Option<(PersonId, IsoWeek)>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The row's 26 cells read the language through this one memo: following the context's
    // locale themselves, 7,800 cells made it a set of 15,000 subscribers, which every cell
    // redrawn (by a booking) left and joined again, at a cost that grows with the set.
    let locale = Memo::new(move |_| i18n.get_locale());
    let person = StoredValue::new(person);
    let capacity_conflict = Memo::new(move |_| figures.with(|f| f.capacity_conflict.clone()));
    let line = Memo::new(move |_| figures.with(|f| f.line.clone()));
    let name = Memo::new(move |_| line.with(|l| l.as_ref().map(|l| l.name.clone()).unwrap_or_default()));
    let cells = (0..WEEKS)
        .map(|column| {
            // Each cell follows its own figure: a booking changes the one cell it is in.
            let cell = Memo::new(move |_| line.with(|l| l.as_ref().and_then(|l| l.cells.get(column).cloned())));
            let week = weeks.with_value(|weeks| weeks[column]);
            let is_selected =
                move || is_selected.with_value(|selector| selector.selected(&Some((person.get_value(), week))));
            // The level without the hours' text, and one class attribute instead of three.
            let level = move || cell.with(|c| level_name(c.as_ref()));
            let class = move || {
                let off = cell.with(|c| c.as_ref().is_some_and(|c| c.time_off > 0.0));
                let mut class = format!("cell {}", level());
                if off {
                    class.push_str(" has-off");
                }
                if is_selected() {
                    class.push_str(" selected");
                }
                class
            };
            view! {
                <td class=class>
                    <button type="button" class="cap-cell" data-row=row data-col=column data-testid="cap-cell"
                        data-level=level
                        aria-label=move || cell.get().map(|c| {
                            let locale = locale.get();
                            let language = language_of(locale);
                            let off = if c.time_off > 0.0 {
                                trd!(locale, resources.hours_off, hours = format::hours(language, c.time_off))
                            } else {
                                String::new()
                            };
                            trd!(locale, resources.cell_label,
                                name = name.get(),
                                week = c.week,
                                booked = format::hours(language, c.booked),
                                capacity = format::hours(language, c.capacity),
                                off,
                                level = level_label(locale, c.level)
                            )
                        }).unwrap_or_default()
                        on:click=move |_| {
                            if let Some(c) = cell.get_untracked() {
                                selected.set(Some((person.get_value(), c.week)));
                            }
                        }>
                        {move || {
                            let language = language_of(locale.get());
                            cell.with(|c| hours_text(language, c.as_ref()))
                        }}
                    </button>
                </td>
            }
        })
        .collect_view();
    view! {
        <tr data-testid="capacity-row" data-person-id=person.get_value().to_string()>
            <th scope="row" class="sticky">{name}
                <small class="hint">{move || line.with(|l| l.as_ref().map(|l| {
                    let about: Vec<&str> = [l.role.as_str(), l.team.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
                    let locale = locale.get();
                    let hours = format::hours(language_of(locale), l.capacity_hours_per_week);
                    let capacity = trd!(locale, resources.capacity_short, hours);
                    format!(" {capacity}{}", if about.is_empty() { String::new() } else { format!(" · {}", about.join(", ")) })
                }).unwrap_or_default())}</small>
                <ConflictSign conflict=capacity_conflict testid="person-conflict"/>
            </th>
            <td class="util" data-testid="person-utilisation">{move || format::optional_percent(language_of(locale.get()), line.with(|l| l.as_ref().and_then(|l| l.utilisation)))}</td>
            {cells}
        </tr>
    }
}

/// The bookings behind one cell, each editable, with the person's time off that week and their
/// role and team.
#[component]
fn CellEditor(
    board: BoardContext,
    person: PersonId,
    week: IsoWeek,
    selected: RwSignal<Option<(PersonId, IsoWeek)>>,
    projects: Choices<ProjectId>,
) -> impl IntoView {
    let i18n = use_i18n();
    let person = StoredValue::new(person);
    let read_only = Signal::derive(move || !board.editable.get());
    let bookings =
        Memo::new(move |_| board.view.snapshot.with(|s| view_model::cell_bookings(s, &person.get_value(), week)));
    let project_ids = Memo::new(move |_| bookings.with(|b| b.iter().map(|(id, _, _)| id.clone()).collect::<Vec<_>>()));
    let details = Memo::new(move |_| board.view.snapshot.with(|s| s.person(&person.get_value()).cloned()));
    let name = move || details.with(|p| p.as_ref().map(|p| p.name.clone()).unwrap_or_default());
    // "Changed by two people" beside a field two members set apart.
    let sign = move |field: &'static str| {
        let conflict =
            Signal::derive(move || details.with(|p| p.as_ref().and_then(|p| conflict::on_field(&p.conflicts, field))));
        view! { <ConflictSign conflict testid="person-conflict"/> }
    };
    // Booking another project in this cell: every project not booked here yet.
    let unbooked = Memo::new(move |_| {
        bookings.with(|booked| {
            projects.with(|all| {
                all.iter().filter(|(id, _)| !booked.iter().any(|(b, _, _)| b == id)).cloned().collect::<Vec<_>>()
            })
        })
    });
    let add_project = RwSignal::new(String::new());
    let add_hours = RwSignal::new(String::new());
    let add_error = RwSignal::new(None::<Message>);
    let add = move || {
        let result = (|| -> Result<(), Message> {
            let project: ProjectId =
                add_project.get_untracked().parse().map_err(|_| message!(resources.pick_project))?;
            let hours = parse_number(&add_hours.get_untracked()).ok_or_else(|| message!(resources.hours_not_number))?;
            board.try_apply(|b| b.set_allocation(&project, &person.get_value(), week, hours))
        })();
        match result {
            Ok(()) => {
                add_error.set(None);
                add_project.set(String::new());
                add_hours.set(String::new());
            }
            Err(message) => add_error.set(Some(message)),
        }
    };
    let booked = move || bookings.with(|b| b.iter().map(|(_, _, h)| h).sum::<f64>());
    let capacity = move || details.with(|p| p.as_ref().map_or(0.0, |p| p.capacity_in(week)));
    let close = move || selected.set(None);
    view! {
        <div class="cell-editor" role="region" aria-label=move || t_string!(i18n, resources.cell_bookings) data-testid="cell-editor"
            on:keydown=move |ev: ev::KeyboardEvent| { if ev.key() == "Escape" { close() } }>
            <h3>{move || {
                    let monday = format::date(lang(), week.monday());
                    tr!(i18n, resources.cell_title, name = name(), week, monday).to_string()
                }}
                " " <button type="button" class="link" on:click=move |_| close()>{t!(i18n, resources.close)}</button></h3>
            <p data-testid="cell-summary" class:bad={move || booked() > capacity() + 1e-9}>
                {move || {
                    let (booked, capacity) = (format::hours(lang(), booked()), format::hours(lang(), capacity()));
                    tr!(i18n, resources.cell_summary, booked, capacity).to_string()
                }}</p>
            <table class="numbers bookings-of-cell">
                <thead><tr><th>{t!(i18n, resources.project)}</th><th>{t!(i18n, resources.hours)}</th></tr></thead>
                <tbody>
                    <For each=move || project_ids.get() key=|id| id.clone() children=move |project: ProjectId| {
                        let project = StoredValue::new(project);
                        let entry = move || bookings.with(|b| b.iter().find(|(id, _, _)| *id == project.get_value()).cloned());
                        let value = Signal::derive(move || entry().map(|(_, _, h)| if h > 0.0 { format::hours(lang(), h) } else { String::new() }).unwrap_or_default());
                        view! {
                            <tr data-testid="booking-row">
                                <td>{move || entry().map(|(id, name, _)| view! { <ProjectLink board id name/> })}</td>
                                <td><Field class="booking-hours"
                                    label=Signal::derive(move || tr!(i18n, resources.hours_on_project, week).to_string())
                                    value disabled=read_only
                                    commit=move |text| {
                                        let hours = if text.trim().is_empty() { Some(0.0) } else { parse_number(&text) };
                                        match hours {
                                            Some(hours) => board.try_apply(|b| b.set_allocation(&project.get_value(), &person.get_value(), week, hours)),
                                            None => Err(message!(resources.hours_not_number)),
                                        }
                                    }/></td>
                            </tr>
                        }
                    }/>
                </tbody>
            </table>
            <Show when=move || bookings.with(Vec::is_empty)>
                <p class="empty" data-testid="cell-empty">{t!(i18n, resources.nothing_booked)}</p>
            </Show>
            <form class="inline-form" data-testid="add-booking" novalidate on:submit=move |ev| { ev.prevent_default(); add(); }>
                <select aria-label=move || t_string!(i18n, resources.project_to_book) prop:value=add_project
                    disabled=move || read_only.get() on:change=move |ev| add_project.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, resources.project_choice)}</option>
                    {move || unbooked.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
                <input type="number" min="0" max="168" step="any" aria-label=move || tr!(i18n, resources.hours_on_project, week).to_string()
                    placeholder=move || t_string!(i18n, resources.hours) prop:value=add_hours disabled=move || read_only.get()
                    on:input=move |ev| add_hours.set(event_target_value(&ev))/>
                <button type="submit" disabled=move || read_only.get()>{t!(i18n, resources.add_booking)}</button>
                <span class="field-error" role="alert" data-testid="add-booking-error">{move || add_error.get().map(|add_error| add_error.text(i18n))}</span>
            </form>
            <div class="inline-form">
                <label>{t!(i18n, resources.time_off_this_week)} " "
                    <Field class="time-off-hours" label=Signal::derive(move || tr!(i18n, resources.time_off_in, week).to_string())
                        disabled=read_only
                        value=Signal::derive(move || {
                            details.with(|p| {
                                p.as_ref()
                                    .and_then(|p| p.time_off.get(&week).copied())
                                    .map(|off| format::hours(lang(), off))
                                    .unwrap_or_default()
                            })
                        })
                        commit=move |text| {
                            let off = if text.trim().is_empty() { Some(0.0) } else { parse_number(&text) };
                            match off {
                                Some(off) => board.try_apply(|b| b.set_time_off(&person.get_value(), week, off)),
                                None => Err(message!(resources.time_off_not_number)),
                            }
                        }/></label>
                <label>{t!(i18n, resources.role)} " "
                    <Field label=Signal::derive(move || t_string!(i18n, resources.role).to_string()) disabled=read_only value=Signal::derive(move || details.with(|p| p.as_ref().map(|p| p.role.clone()).unwrap_or_default()))
                        commit=move |role| board.try_apply(|b| {
                            let team = b.people().into_iter().find(|p| p.id == person.get_value()).map(|p| p.team).unwrap_or_default();
                            b.set_role_and_team(&person.get_value(), &role, &team)
                        })/>{sign(schema::person::ROLE)}</label>
                <label>{t!(i18n, resources.team)} " "
                    <Field label=Signal::derive(move || t_string!(i18n, resources.team).to_string()) disabled=read_only value=Signal::derive(move || details.with(|p| p.as_ref().map(|p| p.team.clone()).unwrap_or_default()))
                        commit=move |team| board.try_apply(|b| {
                            let role = b.people().into_iter().find(|p| p.id == person.get_value()).map(|p| p.role).unwrap_or_default();
                            b.set_role_and_team(&person.get_value(), &role, &team)
                        })/>{sign(schema::person::TEAM)}</label>
            </div>
        </div>
    }
}

/// (id, name) pairs for a picker.
type Choices<Id> = Memo<Vec<(Id, String)>>;

/// People and projects for the forms' pickers (the page makes one pair for all its forms).
fn pickers(board: BoardContext) -> (Choices<PersonId>, Choices<ProjectId>) {
    let people = Memo::new(move |_| {
        board.view.snapshot.with(|s| s.people.iter().map(|p| (p.id.clone(), p.name.clone())).collect::<Vec<_>>())
    });
    let projects = Memo::new(move |_| {
        board.view.snapshot.with(|s| s.projects.iter().map(|p| (p.id.clone(), p.name.clone())).collect::<Vec<_>>())
    });
    (people, projects)
}

fn week_options(weeks: &[IsoWeek]) -> impl IntoView {
    weeks
        .iter()
        .map(|&week| view! { <option value=week.to_string()>{move || format::week_with_monday(lang(), week)}</option> })
        .collect_view()
}

/// Books N hours a week of one person on one project for a run of weeks.
#[component]
fn BulkBooking(
    board: BoardContext,
    weeks: Vec<IsoWeek>,
    choices: (Choices<PersonId>, Choices<ProjectId>),
    /// Whether the pickers have their options yet.
    filled: ReadSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read_only = move || !board.editable.get();
    let (people, projects) = choices;
    let person = RwSignal::new(String::new());
    let project = RwSignal::new(String::new());
    let per_week = RwSignal::new(String::new());
    let first = RwSignal::new(weeks[0].to_string());
    let count = RwSignal::new("4".to_string());
    let error = RwSignal::new(None::<Message>);
    let done = RwSignal::new(None::<Message>);
    let apply = move || {
        done.set(None);
        let result = (|| -> Result<Message, Message> {
            let person: PersonId = person.get_untracked().parse().map_err(|_| message!(resources.pick_person))?;
            let project: ProjectId = project.get_untracked().parse().map_err(|_| message!(resources.pick_project))?;
            let hours_each =
                parse_number(&per_week.get_untracked()).ok_or_else(|| message!(resources.per_week_not_number))?;
            let first: IsoWeek = first
                .get_untracked()
                .parse()
                .map_err(|shared::week::BadWeek(week)| message!(resources.not_a_week, week = week.clone()))?;
            let count: usize = count.get_untracked().trim().parse().map_err(|_| message!(resources.weeks_not_whole))?;
            if !(1..=53).contains(&count) {
                return Err(message!(resources.weeks_out_of_range, count));
            }
            let weeks = view_model::bulk_weeks(first, count).map_err(Message::as_is)?;
            board.try_apply(|b| {
                // Every week gets the same hours, so the first refusal comes before any write.
                for week in &weeks {
                    b.set_allocation(&project, &person, *week, hours_each)?;
                }
                Ok(())
            })?;
            let count = weeks.len();
            Ok(Message::new(move |locale| {
                trd!(locale, resources.booked_run, hours = format::hours(language_of(locale), hours_each), count, first)
            }))
        })();
        match result {
            Ok(message) => {
                error.set(None);
                done.set(Some(message));
            }
            Err(message) => error.set(Some(message)),
        }
    };
    view! {
        <section class="bulk" aria-labelledby="bulk-heading">
            <h2 id="bulk-heading">{t!(i18n, resources.bulk_title)}</h2>
            <form class="inline-form" data-testid="bulk-booking" on:submit=move |ev| { ev.prevent_default(); apply(); }>
                <select aria-label=move || t_string!(i18n, resources.bulk_person) prop:value=person disabled=read_only on:change=move |ev| person.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, resources.person_choice)}</option>
                    {move || filled.get().then(|| people.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view())}
                </select>
                <select aria-label=move || t_string!(i18n, resources.bulk_project) prop:value=project disabled=read_only on:change=move |ev| project.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, resources.project_choice)}</option>
                    {move || filled.get().then(|| projects.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view())}
                </select>
                <input type="number" min="0" max="168" step="any" aria-label=move || t_string!(i18n, resources.bulk_hours)
                    placeholder=move || t_string!(i18n, resources.hours_per_week_placeholder) prop:value=per_week disabled=read_only
                    on:input=move |ev| per_week.set(event_target_value(&ev))/>
                <label>{t!(i18n, resources.from)} " " <select aria-label=move || t_string!(i18n, resources.bulk_first_week) prop:value=first disabled=read_only on:change=move |ev| first.set(event_target_value(&ev))>
                    {week_options(&weeks)}</select></label>
                <label>{t!(i18n, resources.for_weeks)} " "
                    <input type="number" min="1" max="53" aria-label=move || t_string!(i18n, resources.bulk_weeks) prop:value=count
                        disabled=read_only on:input=move |ev| count.set(event_target_value(&ev))/> " " {t!(i18n, resources.weeks)}</label>
                <button type="submit" disabled=read_only>{t!(i18n, resources.book)}</button>
                <span class="field-error" role="alert" data-testid="bulk-error">{move || error.get().map(|error| error.text(i18n))}</span>
                <span class="done" role="status">{move || done.get().map(|done| done.text(i18n))}</span>
            </form>
        </section>
    }
}

/// Hours off for one person in one week.
#[component]
fn TimeOff(
    board: BoardContext,
    weeks: Vec<IsoWeek>,
    people: Choices<PersonId>,
    /// Whether the person picker has its options yet.
    filled: ReadSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let read_only = move || !board.editable.get();
    let person = RwSignal::new(String::new());
    let week = RwSignal::new(weeks[0].to_string());
    let off = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Message>);
    let apply = move || {
        let result = (|| -> Result<(), Message> {
            let person: PersonId = person.get_untracked().parse().map_err(|_| message!(resources.pick_person))?;
            let week: IsoWeek = week
                .get_untracked()
                .parse()
                .map_err(|shared::week::BadWeek(week)| message!(resources.not_a_week, week = week.clone()))?;
            let text = off.get_untracked();
            let off = if text.trim().is_empty() { Some(0.0) } else { parse_number(&text) };
            let off = off.ok_or_else(|| message!(resources.time_off_not_number))?;
            board.try_apply(|b| b.set_time_off(&person, week, off))
        })();
        error.set(result.err());
    };
    view! {
        <section class="time-off" aria-labelledby="time-off-heading">
            <h2 id="time-off-heading">{t!(i18n, resources.time_off)}</h2>
            <form class="inline-form" data-testid="time-off" on:submit=move |ev| { ev.prevent_default(); apply(); }>
                <select aria-label=move || t_string!(i18n, resources.time_off_person) prop:value=person disabled=read_only on:change=move |ev| person.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, resources.person_choice)}</option>
                    {move || filled.get().then(|| people.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view())}
                </select>
                <select aria-label=move || t_string!(i18n, resources.time_off_week) prop:value=week disabled=read_only on:change=move |ev| week.set(event_target_value(&ev))>
                    {week_options(&weeks)}</select>
                <input type="number" min="0" max="168" step="any" aria-label=move || t_string!(i18n, resources.hours_off_label)
                    placeholder=move || t_string!(i18n, resources.hours_off_placeholder) prop:value=off disabled=read_only
                    on:input=move |ev| off.set(event_target_value(&ev))/>
                <button type="submit" disabled=read_only>{t!(i18n, resources.set_time_off)}</button>
                <span class="field-error" role="alert" data-testid="time-off-error">{move || error.get().map(|error| error.text(i18n))}</span>
            </form>
        </section>
    }
}

//! Time travel: the board as it was at a point of its history (a history entry, a decision, a
//! baseline, a link someone pasted), on every page of the board, read-only.
//!
//! The point is the URL's `?at=<heads>`. The board's frame ([`crate::pages::board`]) forks the
//! document at those heads once ([`historical_snapshot`]) and hands that snapshot to the pages
//! through `BoardContext`, with editing switched off; the pages themselves know nothing of it.
//! [`TimeTravelBanner`] says which point is shown, offers the way back to now, a link to copy
//! and the comparison with now.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};
use shared::{
    board::BoardSnapshot,
    history::{point::same_version, ChangeHash},
};

use crate::{
    components::board_context::BoardContext,
    components::{account_menu::copy_to_clipboard, comparison::ComparisonView, kind_label},
    i18n::*,
    language::{local_time, Message},
    session::BoardSession,
};

/// Why a point of the history cannot be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum PointProblem {
    /// The link names no version: it was cut short.
    Damaged,
    /// This device has not received that version (yet).
    NotHereYet,
    /// The document could not be read at that version.
    Unreadable(shared::BoardError),
}

impl PointProblem {
    /// The sentence for it, in the reader's language (tracked).
    fn text(&self, i18n: I18nContext<Locale>) -> String {
        match self {
            PointProblem::Damaged => t_string!(i18n, timetravel.damaged_link).to_owned(),
            PointProblem::NotHereYet => t_string!(i18n, timetravel.not_here_yet).to_owned(),
            PointProblem::Unreadable(error) => {
                crate::words::board_error(i18n.get_locale(), error, &|id| id.to_string())
            }
        }
    }
}

/// The board as it was at `at`, read once per point: `None` for now, an error when the point
/// cannot be shown. While this device lacks the point it looks again whenever the board
/// changes (the sync may be bringing it).
pub fn historical_snapshot(
    session: StoredValue<BoardSession, LocalStorage>,
    live: RwSignal<Arc<BoardSnapshot>>,
    at: Memo<Option<Vec<ChangeHash>>>,
) -> Memo<Option<Result<Arc<BoardSnapshot>, PointProblem>>> {
    Memo::new(move |_| {
        let heads = at.get()?;
        if heads.is_empty() {
            return Some(Err(PointProblem::Damaged));
        }
        let result = session.with_value(|session| {
            session.read(|board| {
                if !board.contains(&heads) {
                    return Err(PointProblem::NotHereYet);
                }
                board.snapshot_at(&heads).map(Arc::new).map_err(PointProblem::Unreadable)
            })
        });
        if result.is_err() {
            live.track();
        }
        Some(result)
    })
}

/// What a point is, in PMO words, if it has a name on the board: a decision or a baseline.
fn point_name(i18n: I18nContext<Locale>, live: &BoardSnapshot, heads: &[ChangeHash]) -> Option<String> {
    if let Some(baseline) = live.baselines.iter().find(|b| same_version(&b.heads, heads)) {
        return Some(tr!(i18n, timetravel.point_baseline, name = baseline.name, by = baseline.recorded.by));
    }
    let decision = live.decisions.iter().find(|d| same_version(&d.heads, heads))?;
    let project = decision
        .project
        .as_ref()
        .map(|id| {
            live.project(id).map_or_else(
                || format!(" ({})", t_string!(i18n, timetravel.deleted_project)),
                |p| format!(" {}", p.name),
            )
        })
        .unwrap_or_default();
    let what = format!("{}{project}", kind_label(i18n, decision.kind).to_lowercase());
    Some(tr!(i18n, timetravel.point_decision, what, by = decision.recorded.by))
}

/// The banner above every page while the board is shown as it was.
#[component]
pub fn TimeTravelBanner(
    board: BoardContext,
    historical: Memo<Option<Result<Arc<BoardSnapshot>, PointProblem>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    // The same page, now.
    let back = move || location.pathname.get();
    let heads = board.at.get_untracked().unwrap_or_default();
    let when = board.session.with_value(|session| session.read(|live| live.version_time(&heads)));
    let name = {
        let heads = heads.clone();
        move || board.live.with(|live| point_name(i18n, live, &heads))
    };
    let comparing = RwSignal::new(false);
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        let href = window().location().href().unwrap_or_default();
        leptos::task::spawn_local(async move {
            copied.set(Some(copy_to_clipboard(&href).await));
        });
    };
    let body = move || {
        match historical.get() {
        Some(Err(problem)) => view! {
            <p><strong>{t!(i18n, timetravel.cannot_show)}</strong>" "{move || problem.text(i18n)}</p>
            <p class="version-links"><A href=back attr:data-testid="back-to-now">{t!(i18n, timetravel.back_to_board_now)}</A></p>
        }
        .into_any(),
        Some(Ok(then)) => {
            let name = name.clone();
            let what = move || match (when, name()) {
                (Some(ms), Some(name)) => tr!(i18n, timetravel.what_on_named, when = local_time(ms), name),
                (Some(ms), None) => tr!(i18n, timetravel.what_on, when = local_time(ms)),
                (None, Some(name)) => tr!(i18n, timetravel.what_at_named, name),
                (None, None) => t_string!(i18n, timetravel.what_earlier).to_owned(),
            };
            let then_label = when.map_or_else(
                || t_string!(i18n, timetravel.then).to_owned(),
                |ms| tr!(i18n, timetravel.then_at, when = local_time(ms)),
            );
            view! {
                <p data-testid="time-travel-what">
                    <strong>{what}</strong>
                    " " {t!(i18n, timetravel.every_page_then)}
                </p>
                <p class="version-links">
                    <A href=back attr:data-testid="back-to-now">{t!(i18n, timetravel.back_to_now)}</A>
                    " · "
                    <button type="button" class="link" data-testid="compare-with-now"
                        aria-expanded=move || comparing.get().to_string()
                        on:click=move |_| comparing.update(|on| *on = !*on)>
                        {move || if comparing.get() {
                            t_string!(i18n, timetravel.hide_comparison_now)
                        } else {
                            t_string!(i18n, timetravel.compare_with_now)
                        }}
                    </button>
                    " · "
                    <button type="button" class="link" data-testid="copy-version-link" on:click=copy>{t!(i18n, timetravel.copy_link)}</button>
                    " "<span role="status">{move || copied.get().map(|done| if done {
                        t_string!(i18n, timetravel.link_copied)
                    } else {
                        t_string!(i18n, timetravel.copy_refused)
                    })}</span>
                </p>
                <Show when=move || comparing.get()>
                    <ComparisonView then=then.clone() now=board.live then_label=then_label.clone() now_label=t_string!(i18n, timetravel.now).to_owned()/>
                </Show>
            }
            .into_any()
        }
        None => ().into_any(),
    }
    };
    view! {
        <section class="version-banner time-travel" role="region" aria-label=move || t_string!(i18n, timetravel.banner_label) data-testid="time-travel-banner">
            {body}
        </section>
    }
}

/// "See the board then": opens the board's first page as it was right after the change
/// `hash` (its heads are that change alone: the change and everything before it).
#[component]
pub fn SeeThen(board: BoardContext, hash: String) -> impl IntoView {
    let i18n = use_i18n();
    hash.parse::<ChangeHash>().ok().map(|hash| {
        view! {
            <A href=board.href_at("", &[hash]) attr:class="history-then" attr:data-testid="see-then">
                {t!(i18n, timetravel.see_then)}
            </A>
        }
    })
}

/// "See the board as it was on <date>": the version at the end of that day (the reader's
/// time zone), from the changes this device holds.
#[component]
pub fn SeeOnDate(board: BoardContext) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = leptos_router::hooks::use_navigate();
    let day = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Message>);
    let go = move || {
        let text = day.get_untracked();
        let Ok(date) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") else {
            problem.set(Some(message!(timetravel.on_date_choose)));
            return;
        };
        use chrono::Datelike;
        let end_of_day = js_sys::Date::new_with_year_month_day_hr_min_sec_milli(
            date.year() as u32,
            date.month0() as i32,
            date.day() as i32,
            23,
            59,
            59,
            999,
        )
        .get_time() as i64;
        let heads = board.session.with_value(|session| session.read(|live| live.heads_at_time(end_of_day)));
        if heads.is_empty() {
            problem.set(Some(message!(timetravel.on_date_too_early, day = text)));
            return;
        }
        problem.set(None);
        navigate(&board.href_at("", &heads), Default::default());
    };
    view! {
        <form class="see-on-date" data-testid="see-on-date" on:submit=move |ev| { ev.prevent_default(); go(); }>
            <label for="see-on-date-day">{t!(i18n, timetravel.on_date_label)} " "</label>
            <input id="see-on-date-day" type="date" data-testid="see-on-date-day" prop:value=day
                aria-invalid=move || problem.with(Option::is_some).to_string() aria-describedby="see-on-date-problem"
                on:input=move |ev| { day.set(event_target_value(&ev)); problem.set(None); }/>
            <button type="submit">{t!(i18n, timetravel.on_date_open)}</button>
            <span id="see-on-date-problem" class="field-error" role="alert">{move || problem.get().map(|problem| problem.text(i18n))}</span>
        </form>
    }
}

//! Time travel: the board as it was at a point of its history (a history entry, a decision, a
//! baseline, a link someone pasted), on every page of the board, read-only.
//!
//! The point is the URL's `?at=<heads>`. The board's frame ([`crate::pages::board`]) forks the
//! document at those heads once ([`historical_snapshot`]) and hands that snapshot to the pages
//! through `BoardContext`, with editing switched off; the pages themselves know nothing of it.
//! [`TimeTravelBanner`] says which point is shown, offers the way back to now, a link to copy
//! and the comparison with now.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};
use shared::{
    board::BoardSnapshot,
    history::{point::same_version, ChangeHash},
};

use crate::{
    components::{account_menu::copy_to_clipboard, comparison::ComparisonView},
    pages::{board::BoardContext, history::format_time},
    session::BoardSession,
};

/// Why a point cannot be shown yet: this device has not received it.
const NOT_HERE_YET: &str = "This device does not have that version of the board yet. It arrives with the sync once the server is reachable; if it does not, the link may belong to another board.";

/// The board as it was at `at`, read once per point: `None` for now, an error when the point
/// cannot be shown. While this device lacks the point it looks again whenever the board
/// changes (the sync may be bringing it).
pub fn historical_snapshot(
    session: StoredValue<BoardSession, LocalStorage>,
    live: RwSignal<BoardSnapshot>,
    at: Memo<Option<Vec<ChangeHash>>>,
) -> Memo<Option<Result<BoardSnapshot, String>>> {
    Memo::new(move |_| {
        let heads = at.get()?;
        if heads.is_empty() {
            return Some(Err("This link does not name a version of the board: check that it was copied whole.".into()));
        }
        let result = session.with_value(|session| {
            session.read(|board| {
                if !board.contains(&heads) {
                    return Err(NOT_HERE_YET.to_owned());
                }
                board.fork_at(&heads).map(|then| then.snapshot()).map_err(|error| error.to_string())
            })
        });
        if result.is_err() {
            live.track();
        }
        Some(result)
    })
}

/// What a point is, in PMO words, if it has a name on the board: a decision or a baseline.
fn point_name(live: &BoardSnapshot, heads: &[ChangeHash]) -> Option<String> {
    if let Some(baseline) = live.baselines.iter().find(|b| same_version(&b.heads, heads)) {
        return Some(format!("baseline “{}”, taken by {}", baseline.name, baseline.recorded.by));
    }
    let decision = live.decisions.iter().find(|d| same_version(&d.heads, heads))?;
    let project = decision
        .project
        .as_ref()
        .map(|id| live.project(id).map_or_else(|| " (a deleted project)".to_owned(), |p| format!(" {}", p.name)))
        .unwrap_or_default();
    Some(format!(
        "the decision “{}{}” recorded by {}",
        decision.kind.as_str().replace('-', " "),
        project,
        decision.recorded.by
    ))
}

/// The banner above every page while the board is shown as it was.
#[component]
pub fn TimeTravelBanner(board: BoardContext, historical: Memo<Option<Result<BoardSnapshot, String>>>) -> impl IntoView {
    let location = use_location();
    // The same page, now.
    let back = move || location.pathname.get();
    let heads = board.at.get_untracked().unwrap_or_default();
    let when = board.session.with_value(|session| session.read(|live| live.version_time(&heads)));
    let name = {
        let heads = heads.clone();
        move || board.live.with(|live| point_name(live, &heads))
    };
    let comparing = RwSignal::new(false);
    let copied = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        let href = window().location().href().unwrap_or_default();
        leptos::task::spawn_local(async move {
            copied.set(Some(if copy_to_clipboard(&href).await {
                "Link copied: paste it into the meeting invite."
            } else {
                "This browser does not allow copying here: copy the address bar."
            }));
        });
    };
    let body = move || {
        match historical.get() {
        Some(Err(message)) => view! {
            <p><strong>"This version of the board cannot be shown. "</strong>{message}</p>
            <p class="version-links"><A href=back attr:data-testid="back-to-now">"← Back to the board as it is now"</A></p>
        }
        .into_any(),
        Some(Ok(then)) => {
            let what = match (when, name()) {
                (Some(ms), Some(name)) => format!("on {} — {name}", format_time(ms)),
                (Some(ms), None) => format!("on {}", format_time(ms)),
                (None, Some(name)) => format!("at {name}"),
                (None, None) => "at an earlier point".to_owned(),
            };
            let then_label = when.map_or_else(|| "Then".to_owned(), |ms| format!("Then ({})", format_time(ms)));
            view! {
                <p data-testid="time-travel-what">
                    <strong>{format!("You are looking at the board as it was {what}.")}</strong>
                    " Every page shows it as it was then; nothing can be changed here."
                </p>
                <p class="version-links">
                    <A href=back attr:data-testid="back-to-now">"← Back to now"</A>
                    " · "
                    <button type="button" class="link" data-testid="compare-with-now"
                        aria-expanded=move || comparing.get().to_string()
                        on:click=move |_| comparing.update(|on| *on = !*on)>
                        {move || if comparing.get() { "Hide the comparison with now" } else { "Compare with now" }}
                    </button>
                    " · "
                    <button type="button" class="link" data-testid="copy-version-link" on:click=copy>"Copy a link to this version"</button>
                    " "<span role="status">{move || copied.get()}</span>
                </p>
                <Show when=move || comparing.get()>
                    <ComparisonView then=then.clone() now=board.live then_label=then_label.clone() now_label="Now".to_owned()/>
                </Show>
            }
            .into_any()
        }
        None => ().into_any(),
    }
    };
    view! {
        <section class="version-banner time-travel" role="region" aria-label="The board as it was" data-testid="time-travel-banner">
            {body}
        </section>
    }
}

/// "See the board then": opens the board's first page as it was right after the change
/// `hash` (its heads are that change alone: the change and everything before it).
#[component]
pub fn SeeThen(board: BoardContext, hash: String) -> impl IntoView {
    hash.parse::<ChangeHash>().ok().map(|hash| {
        view! {
            <A href=board.href_at("", &[hash]) attr:class="history-then" attr:data-testid="see-then">
                "See the board then"
            </A>
        }
    })
}

/// "See the board as it was on <date>": the version at the end of that day (the reader's
/// time zone), from the changes this device holds.
#[component]
pub fn SeeOnDate(board: BoardContext) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let day = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let go = move || {
        let text = day.get_untracked();
        let Ok(date) = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") else {
            problem.set(Some("Choose a day, for example 2027-01-15.".into()));
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
            problem.set(Some(format!("The board did not exist yet on {text}: choose a later day.")));
            return;
        }
        problem.set(None);
        navigate(&board.href_at("", &heads), Default::default());
    };
    view! {
        <form class="see-on-date" data-testid="see-on-date" on:submit=move |ev| { ev.prevent_default(); go(); }>
            <label for="see-on-date-day">"See the board as it was at the end of "</label>
            <input id="see-on-date-day" type="date" data-testid="see-on-date-day" prop:value=day
                aria-invalid=move || problem.with(Option::is_some).to_string() aria-describedby="see-on-date-problem"
                on:input=move |ev| { day.set(event_target_value(&ev)); problem.set(None); }/>
            <button type="submit">"Open"</button>
            <span id="see-on-date-problem" class="field-error" role="alert">{move || problem.get()}</span>
        </form>
    }
}

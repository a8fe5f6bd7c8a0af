//! A long table drawn as a window of its rows around what the reader sees.
//!
//! The priorities of a 1,000-project board are 1,000 rows of editable fields: drawing them all
//! took 3.4–3.8 s on every open (`make bench-ui`), almost all of it creating elements nobody
//! scrolled to. Here a table of more than [`WHOLE_UP_TO`] rows draws the rows in view and
//! [`OVERSCAN`] more above and below them; the rest are gaps (one empty row each) as tall as
//! the rows they stand for, so the page keeps its height and the scroll bar means what it did.
//! Scrolling (the window's, rAF-throttled) and resizing draw the rows that come into view.
//! Shorter tables are drawn whole, a slice per frame (`progressive`), exactly as before.
//!
//! Two rows are drawn wherever the scroll is: the one that last held the focus (a row moved
//! with the keyboard, or the field someone is typing in while a colleague's reorder moves it,
//! stays in the document and keeps the focus) and the one being dragged. Which rows to draw is
//! pure arithmetic in `shared::views::long_list`.
//!
//! A row is found by its element's key attribute (`data-project-id`), so rows need nothing of
//! this module; the page gives the table's body its [`RowWindow::body`] and its `focusin` to
//! [`RowWindow::focus_in`], and draws its rows with [`RowWindow::rows`] (a row of its own for
//! each drawn id, [`RowWindow::gap`] for each run of rows not drawn).
//!
//! What is not drawn cannot be found with the browser's "Find in page"; the rows are still
//! there for the board's own search and for every page that lists projects.

use std::{
    ops::Range,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use leptos::{ev, html, prelude::*};
use wasm_bindgen::JsCast;

use shared::views::long_list::{self, Slot};

use crate::components::progressive;

/// Tables of up to this many rows are drawn whole: every board but a large one (the
/// priorities' rows; a table of heavier rows says its own limit, [`RowWindow::with_whole_up_to`]).
pub const WHOLE_UP_TO: usize = 300;
/// Rows drawn beyond each edge of the viewport, so that scrolling shows rows already there.
pub const OVERSCAN: usize = 10;
/// Rows drawn before the page is first measured: a screenful on a tall window, and some.
const FIRST_WINDOW: usize = 40;
/// A row's height (CSS pixels) until the drawn rows are measured.
const ROW_HEIGHT_GUESS: f64 = 42.0;

/// The window over one table's rows (see the module's documentation).
pub struct RowWindow<K: Send + Sync + 'static> {
    /// The table's body: where it is on screen says which rows are in view.
    pub body: NodeRef<html::Tbody>,
    len: Signal<usize>,
    /// How many rows of a short table are drawn so far (`progressive`).
    drawn: ReadSignal<usize>,
    range: RwSignal<Range<usize>>,
    row_height: RwSignal<f64>,
    focused: RwSignal<Option<K>>,
    /// Tables of up to this many rows are drawn whole.
    whole_up_to: usize,
    key_attribute: &'static str,
    parse: fn(&str) -> Option<K>,
}

impl<K: Send + Sync + 'static> Clone for RowWindow<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static> Copy for RowWindow<K> {}

impl<K> RowWindow<K>
where
    K: Clone + PartialEq + Send + Sync + 'static,
{
    /// A window over a table of `len()` rows, each row's element carrying its key in
    /// `key_attribute` (read back with `parse`).
    pub fn new(
        len: impl Fn() -> usize + Send + Sync + 'static,
        key_attribute: &'static str,
        parse: fn(&str) -> Option<K>,
    ) -> RowWindow<K> {
        Self::with_whole_up_to(len, key_attribute, parse, WHOLE_UP_TO)
    }

    /// [`RowWindow::new`] for a table drawn whole only up to `whole_up_to` rows (its rows
    /// are heavier than the priorities').
    pub fn with_whole_up_to(
        len: impl Fn() -> usize + Send + Sync + 'static,
        key_attribute: &'static str,
        parse: fn(&str) -> Option<K>,
        whole_up_to: usize,
    ) -> RowWindow<K> {
        let len = Signal::derive(len);
        let drawn = progressive::progressive(move || {
            let len = len.get();
            if len <= whole_up_to {
                len
            } else {
                0
            }
        });
        let this = RowWindow {
            body: NodeRef::new(),
            len,
            drawn,
            range: RwSignal::new(0..FIRST_WINDOW),
            row_height: RwSignal::new(ROW_HEIGHT_GUESS),
            focused: RwSignal::new(None),
            whole_up_to,
            key_attribute,
            parse,
        };
        let schedule = measure_each_frame(move || this.measure());
        // Measured again once the table is there, when the list grows or shrinks, and when
        // other rows were drawn (their heights make the estimate).
        Effect::new(move |_| {
            this.body.track();
            this.len.track();
            this.range.track();
            schedule();
        });
        this
    }

    /// Whether the table is too long to draw whole.
    fn windowed(self) -> bool {
        self.len.get_untracked() > self.whole_up_to
    }

    /// The rows' height from those drawn, and which rows are in view now.
    fn measure(self) {
        let Some(body) = self.body.get_untracked() else { return };
        if !self.windowed() {
            return;
        }
        let rows = body.children();
        let (mut total, mut count) = (0.0, 0);
        for at in 0..rows.length() {
            let Some(row) = rows.item(at) else { continue };
            if row.has_attribute(self.key_attribute) {
                if let Ok(row) = row.dyn_into::<web_sys::HtmlElement>() {
                    total += f64::from(row.offset_height());
                    count += 1;
                }
            }
        }
        if count > 0 {
            let height = total / f64::from(count);
            if (height - self.row_height.get_untracked()).abs() > 1.0 {
                self.row_height.set(height);
            }
        }
        let top = body.get_bounding_client_rect().top();
        let viewport = window().inner_height().ok().and_then(|height| height.as_f64()).unwrap_or(0.0);
        let range =
            long_list::shown(self.len.get_untracked(), top, viewport, self.row_height.get_untracked(), OVERSCAN);
        if self.range.with_untracked(|now| *now != range) {
            // Drawing other rows may move the focused row's element (its gaps change around
            // it), which takes the focus from it: give it back, without scrolling to it.
            let focused = document().active_element().filter(|active| body.contains(Some(active)));
            self.range.set(range);
            if let Some(element) = focused {
                request_animation_frame(move || keep_focus(&element));
            }
        }
    }

    /// Notes which row now holds the focus (the table body's `focusin`): that row stays drawn
    /// until another one takes the focus. A row's second line (an open field story) counts as
    /// the row above it.
    pub fn focus_in(self, event: &ev::FocusEvent) {
        let Some(target) = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) else {
            return;
        };
        let mut row = target.closest("tr").ok().flatten();
        while let Some(element) = row {
            if let Some(key) = element.get_attribute(self.key_attribute).and_then(|key| (self.parse)(&key)) {
                if self.focused.with_untracked(|focused| focused.as_ref() != Some(&key)) {
                    self.focused.set(Some(key));
                }
                return;
            }
            row = element.previous_element_sibling();
        }
    }

    /// What to draw of `ids` (the table's rows in order), keeping `also` drawn too (the row
    /// being dragged): every row of a short table, a window of a long one.
    pub fn slots(self, ids: &[K], also: Option<&K>) -> Vec<Slot<K>> {
        if ids.len() <= self.whole_up_to {
            return ids[..self.drawn.get().min(ids.len())].iter().cloned().map(Slot::Row).collect();
        }
        let kept: Vec<usize> = self
            .focused
            .with(|focused| focused.iter().chain(also).filter_map(|key| ids.iter().position(|id| id == key)).collect());
        self.range.with(|range| long_list::slots(ids, range.clone(), &kept))
    }

    /// The table body's rows, as `slots` gives them (the table's ids through [`RowWindow::slots`]):
    /// `row` for each row drawn and, for each run of rows not drawn, a [`RowWindow::gap`]
    /// `columns` wide.
    pub fn rows<V: IntoView + 'static>(
        self,
        slots: impl Fn() -> Vec<Slot<K>> + Send + Sync + 'static,
        columns: impl Fn() -> usize + Clone + Send + Sync + 'static,
        row: impl Fn(K) -> V + Clone + Send + Sync + 'static,
    ) -> impl IntoView
    where
        K: Clone + Eq + std::hash::Hash,
    {
        view! {
            <For each=slots key=|slot| slot.clone()
                children=move |slot| match slot {
                    Slot::Row(id) => row(id).into_any(),
                    Slot::Gap { rows, .. } => self.gap(rows, columns()).into_any(),
                }/>
        }
    }

    /// The stand-in for `rows` rows not drawn: one empty row as tall as they would be.
    pub fn gap(self, rows: usize, columns: usize) -> impl IntoView {
        let row_height = self.row_height;
        view! {
            <tr class="row-gap" aria-hidden="true">
                <td colspan=columns style:height=move || format!("{}px", rows as f64 * row_height.get())></td>
            </tr>
        }
    }
}

/// Runs `measure` at most once an animation frame: after the window scrolls or is resized,
/// and after each call of the function returned (the rows changed); never after the component
/// that called this is gone. A wheel sends several scroll events a frame, and each measure
/// forces a layout of the table.
pub fn measure_each_frame(measure: impl Fn() + Send + Sync + 'static) -> impl Fn() + Clone + Send + Sync + 'static {
    let measure = Arc::new(measure);
    let alive = Arc::new(AtomicBool::new(true));
    let scheduled = Arc::new(AtomicBool::new(false));
    let schedule = {
        let alive = Arc::clone(&alive);
        move || {
            if scheduled.swap(true, Ordering::Relaxed) {
                return;
            }
            let (alive, scheduled, measure) = (Arc::clone(&alive), Arc::clone(&scheduled), Arc::clone(&measure));
            request_animation_frame(move || {
                scheduled.store(false, Ordering::Relaxed);
                if alive.load(Ordering::Relaxed) {
                    measure();
                }
            });
        }
    };
    let on_scroll = window_event_listener(ev::scroll, {
        let schedule = schedule.clone();
        move |_| schedule()
    });
    let on_resize = window_event_listener(ev::resize, {
        let schedule = schedule.clone();
        move |_| schedule()
    });
    on_cleanup(move || {
        alive.store(false, Ordering::Relaxed);
        on_scroll.remove();
        on_resize.remove();
    });
    schedule
}

/// Focuses `element` again if it is still in the page and nothing else took the focus, without
/// scrolling it into view (the reader scrolled away from it on purpose).
fn keep_focus(element: &web_sys::Element) {
    let lost = document().active_element().is_none_or(|active| active.tag_name().eq_ignore_ascii_case("body"));
    if !lost || !element.is_connected() {
        return;
    }
    // `focus({ preventScroll: true })`, called through JavaScript: web-sys's `FocusOptions` is
    // one more feature to build for one call.
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"preventScroll".into(), &true.into());
    if let Ok(focus) =
        js_sys::Reflect::get(element, &"focus".into()).and_then(|focus| focus.dyn_into::<js_sys::Function>())
    {
        let _ = focus.call1(element, &options);
    }
}

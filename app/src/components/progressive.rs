//! Long lists drawn a slice at a time: the first rows at once, then a slice each animation
//! frame, so that a page of 1,000 projects or 2,000 risks shows its first rows within a frame
//! or two instead of after every row is built, and takes input between slices. The rows are
//! the same, in the same order and keyed the same way: only when each is first drawn changes.
//! Lists no longer than the first slice (every board but a large one) are drawn at once.

use leptos::prelude::*;

/// Rows drawn at once.
pub const FIRST: usize = 50;
/// Rows added each animation frame after that. Each slice lays the table out again (its
/// column widths depend on every row), so slices are few: slices of 50 made the 1,000-row
/// priorities table take 6.7 s to complete in `make bench-ui`, mostly layout.
pub const STEP: usize = 250;

/// How many of a list's rows to draw now: [`FIRST`], then [`STEP`] more each animation frame
/// until `total()` are drawn. Follows `total`: rows added later are drawn the same way.
pub fn progressive(total: impl Fn() -> usize + Send + Sync + 'static) -> ReadSignal<usize> {
    let (shown, set_shown) = signal(FIRST);
    Effect::new(move |_| {
        if shown.get() < total() {
            // The page may be gone by the next frame: then the signal is too, and nothing happens.
            request_animation_frame(move || {
                set_shown.try_update(|shown| *shown += STEP);
            });
        }
    });
    shown
}

/// The first `shown` of `ids`, for a `<For>`.
pub fn first<T: Clone>(ids: &[T], shown: usize) -> Vec<T> {
    ids[..shown.min(ids.len())].to_vec()
}

//! What a page computed from the board, kept for its next visit: a page opened again on a
//! board that has not changed since shows the figures it showed before instead of computing
//! them again (the dashboard's KPIs, rules and bubbles, the review's sections: hundreds of ms
//! on a 1,000-project board).
//!
//! A board's snapshot is made anew on every change, local or remote, and shared as one `Arc`
//! by every page; so "the same `Arc`" means "the same board", and nothing needs to be told
//! when it changes. Each page keeps one value: the last.
//!
//! ```text
//! thread_local! { static LAST: Last<IsoWeek, Figures> = Last::default(); }
//! let figures = remembered(&LAST, &snapshot, this_week, || compute(&snapshot));
//! ```

use std::{cell::RefCell, sync::Arc, thread::LocalKey};

use shared::board::BoardSnapshot;

/// A page's last value, with the board and the other input (a week, say) it was computed from.
pub struct Last<K, T>(RefCell<Option<(Arc<BoardSnapshot>, K, T)>>);

impl<K, T> Default for Last<K, T> {
    fn default() -> Self {
        Last(RefCell::new(None))
    }
}

/// The value of `snapshot` and `key`: the one kept in `last` when it was computed from this
/// very snapshot and an equal key, else `compute`d and kept (the board it came from with it:
/// the snapshot stays alive until the next one replaces it, so its address cannot be reused).
pub fn remembered<K: PartialEq + 'static, T: Clone + 'static>(
    last: &'static LocalKey<Last<K, T>>,
    snapshot: &Arc<BoardSnapshot>,
    key: K,
    compute: impl FnOnce() -> T,
) -> T {
    let kept = last.with(|last| match &*last.0.borrow() {
        Some((board, kept_key, value)) if Arc::ptr_eq(board, snapshot) && *kept_key == key => Some(value.clone()),
        _ => None,
    });
    kept.unwrap_or_else(|| {
        let value = compute();
        last.with(|last| *last.0.borrow_mut() = Some((snapshot.clone(), key, value.clone())));
        value
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    thread_local! {
        static LAST: Last<u32, String> = Last::default();
    }

    #[test]
    fn a_value_is_computed_again_only_for_another_board_or_key() {
        let computed = Cell::new(0);
        let board = Arc::new(BoardSnapshot { name: "Portfolio".into(), ..Default::default() });
        let value = |snapshot: &Arc<BoardSnapshot>, key: u32| {
            remembered(&LAST, snapshot, key, || {
                computed.set(computed.get() + 1);
                format!("{} at {key}", snapshot.name)
            })
        };
        assert_eq!(value(&board, 1), "Portfolio at 1");
        assert_eq!(value(&board, 1), "Portfolio at 1");
        assert_eq!(computed.get(), 1, "the same board and key: kept");
        assert_eq!(value(&board, 2), "Portfolio at 2");
        assert_eq!(computed.get(), 2, "another key");
        // An equal board made anew (as every change makes one) is another board.
        let changed = Arc::new((*board).clone());
        assert_eq!(value(&changed, 2), "Portfolio at 2");
        assert_eq!(computed.get(), 3, "another snapshot");
        assert_eq!(value(&changed, 2), "Portfolio at 2");
        assert_eq!(computed.get(), 3);
    }
}

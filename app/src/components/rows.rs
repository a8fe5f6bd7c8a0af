//! Each row of a long table follows its own part of the board, and only its own.
//!
//! A signal keeps its subscribers in an ordered set, and a subscriber that runs again leaves
//! the set and joins it again (`shift_remove`, which moves every subscriber after it). When
//! each of thousands of rows and cells watches the board itself, one change runs them all
//! again, and each run costs as much as the whole set: the work grows with the square of the
//! rows (8.9 s of script for another member's budget change on the 1,000-project score matrix,
//! 3.7 s on the 2,000-risk register, in `make bench-ui`). Here one effect watches the board:
//! it compares each row's part with what the row holds and sets the row's own signals only
//! where they differ, so a change runs again only the rows it changed.

use std::{collections::HashMap, sync::Arc};

use leptos::prelude::*;
use shared::{
    board::{BoardSnapshot, Project, Risk, RiskId},
    ProjectId,
};

/// Finds a row's item and its place on the board.
pub type Lookup<K, T> = for<'a> fn(&'a BoardSnapshot, &K) -> Option<(usize, &'a T)>;

/// One row: its item (`None` once it is gone) and its place in its list.
pub struct Row<T: Send + Sync + 'static> {
    pub item: ReadSignal<Option<T>>,
    pub place: ReadSignal<Option<usize>>,
}

impl<T: Send + Sync + 'static> Clone for Row<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Row<T> {}

type Entry<K, T> = (K, RwSignal<Option<T>>, RwSignal<Option<usize>>);

/// The rows of one table, fed by one effect on the board (see the module's documentation).
pub struct Rows<K: Send + Sync + 'static, T: Send + Sync + 'static> {
    board: Memo<Arc<BoardSnapshot>>,
    lookup: Lookup<K, T>,
    rows: StoredValue<HashMap<u64, Entry<K, T>>>,
    next: StoredValue<u64>,
}

impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Clone for Rows<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Copy for Rows<K, T> {}

impl<K, T> Rows<K, T>
where
    K: Send + Sync + 'static,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    pub fn new(board: Memo<Arc<BoardSnapshot>>, lookup: Lookup<K, T>) -> Rows<K, T> {
        let rows: StoredValue<HashMap<u64, Entry<K, T>>> = StoredValue::new(HashMap::new());
        Effect::new(move |_| {
            // What changed, found first; the rows' signals are set afterwards, outside the
            // rows' list (a row that goes away meanwhile leaves the list).
            let mut items = Vec::new();
            let mut places = Vec::new();
            board.with(|board| {
                rows.with_value(|rows| {
                    for (key, item, place) in rows.values() {
                        let now = lookup(board, key);
                        if !item.with_untracked(|held| held.as_ref() == now.map(|(_, item)| item)) {
                            items.push((*item, now.map(|(_, item)| item.clone())));
                        }
                        let at = now.map(|(at, _)| at);
                        if place.get_untracked() != at {
                            places.push((*place, at));
                        }
                    }
                })
            });
            for (signal, item) in items {
                signal.try_set(item);
            }
            for (signal, at) in places {
                signal.try_set(at);
            }
        });
        Rows { board, lookup, rows, next: StoredValue::new(0) }
    }

    /// The row of `key`, as the board has it now and from now on, until the row's owner (the
    /// component that asks) is cleaned up.
    pub fn row(self, key: K) -> Row<T> {
        let now = self.board.with_untracked(|board| (self.lookup)(board, &key).map(|(at, item)| (at, item.clone())));
        let item = RwSignal::new(now.as_ref().map(|(_, item)| item.clone()));
        let place = RwSignal::new(now.map(|(at, _)| at));
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.rows.update_value(|rows| {
            rows.insert(id, (key, item, place));
        });
        let rows = self.rows;
        on_cleanup(move || {
            rows.try_update_value(|rows| rows.remove(&id));
        });
        Row { item: item.read_only(), place: place.read_only() }
    }
}

/// A project and its rank.
pub fn project_row<'a>(board: &'a BoardSnapshot, id: &ProjectId) -> Option<(usize, &'a Project)> {
    board.project_place(id).map(|at| (at, &board.projects[at]))
}

/// A risk and its place in the register.
pub fn risk_row<'a>(board: &'a BoardSnapshot, id: &RiskId) -> Option<(usize, &'a Risk)> {
    board.risk_place(id).map(|at| (at, &board.risks[at]))
}

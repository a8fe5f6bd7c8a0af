//! Which rows of a long table to draw: the rows the reader can see, a margin of rows above and
//! below them, and the rows that must stay whatever the scroll (the one holding the focus, the
//! one being dragged). The rows not drawn are stood in for by gaps as tall as they would be, so
//! the page keeps its scroll height and the scroll bar its meaning.
//!
//! Pure arithmetic, tested natively; the app's `components::row_window` (the priorities) and the
//! resources page's heat map (through [`super::resources::drawn_lines`]) measure the page and
//! draw what these functions say.
//!
//! ```
//! use shared::views::long_list::{shown, slots, Slot};
//!
//! // 1,000 rows of 40 px; the table's top has scrolled 4,000 px above a 800 px viewport.
//! let range = shown(1000, -4000.0, 800.0, 40.0, 5);
//! assert_eq!(range, 95..126);
//! // Row 3 holds the focus: drawn at its place, with gaps around it.
//! let ids: Vec<usize> = (0..10).collect();
//! assert_eq!(
//!     slots(&ids, 6..8, &[3]),
//!     vec![
//!         Slot::Gap { before: 3, rows: 3 },
//!         Slot::Row(3),
//!         Slot::Gap { before: 6, rows: 2 },
//!         Slot::Row(6),
//!         Slot::Row(7),
//!         Slot::Gap { before: 10, rows: 2 },
//!     ]
//! );
//! ```

use std::ops::Range;

/// One place of a drawn table: a row, or the rows not drawn between two drawn ones.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Slot<K> {
    Row(K),
    /// `rows` rows not drawn, ending just before the row at `before` (the list's length for
    /// the gap at the end). Keyed by both, so a gap that changes is drawn again (one element).
    Gap {
        before: usize,
        rows: usize,
    },
}

/// The places of the rows to draw out of `len` rows about `row_height` pixels tall each, when
/// the table's first row starts `top` pixels below the viewport's top (negative once scrolled
/// past) and the viewport is `viewport` pixels tall: those in view and `overscan` more on
/// each side. Never empty while `len` is not, so a table scrolled far below its end still
/// draws its last rows.
pub fn shown(len: usize, top: f64, viewport: f64, row_height: f64, overscan: usize) -> Range<usize> {
    if len == 0 {
        return 0..0;
    }
    let row_height = if row_height.is_finite() && row_height >= 1.0 { row_height } else { 1.0 };
    let rows_above = |y: f64| if y.is_finite() { (y.max(0.0) / row_height) as usize } else { 0 };
    // The first row in view, and the first one below the viewport.
    let first = rows_above(-top).min(len - 1);
    let end = (rows_above(viewport - top) + 1).max(first + 1);
    first.saturating_sub(overscan)..(end + overscan).min(len)
}

/// What to draw for `ids`: the rows at `range`, the rows at `kept` wherever they are, and a gap
/// for each run of rows between them. Places out of the list are ignored.
pub fn slots<K: Clone>(ids: &[K], range: Range<usize>, kept: &[usize]) -> Vec<Slot<K>> {
    let range = range.start.min(ids.len())..range.end.min(ids.len());
    let mut places: Vec<usize> =
        kept.iter().copied().filter(|place| *place < ids.len() && !range.contains(place)).collect();
    places.extend(range);
    places.sort_unstable();
    places.dedup();
    let mut slots = Vec::with_capacity(places.len() + 3);
    let mut next = 0;
    for place in places {
        if place > next {
            slots.push(Slot::Gap { before: place, rows: place - next });
        }
        slots.push(Slot::Row(ids[place].clone()));
        next = place + 1;
    }
    if ids.len() > next {
        slots.push(Slot::Gap { before: ids.len(), rows: ids.len() - next });
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_in_view_and_the_overscan_are_shown() {
        // (len, top, viewport, row height, overscan) → range
        let cases = [
            // At the top: the rows that fit and the overscan below.
            ((1000, 0.0, 800.0, 40.0, 10), 0..31),
            // The table starts lower on the page: fewer rows fit.
            ((1000, 400.0, 800.0, 40.0, 10), 0..21),
            // Scrolled to row 100.
            ((1000, -4000.0, 800.0, 40.0, 10), 90..131),
            // Near the end: clipped to the list.
            ((1000, -39_800.0, 800.0, 40.0, 10), 985..1000),
            // Scrolled far past the end (the page below the table): the last rows stay drawn.
            ((1000, -90_000.0, 800.0, 40.0, 10), 989..1000),
            // The table far below the viewport: the first rows, as at the top.
            ((1000, 5000.0, 800.0, 40.0, 10), 0..11),
            // A short list: every row.
            ((5, 0.0, 800.0, 40.0, 10), 0..5),
            ((0, 0.0, 800.0, 40.0, 10), 0..0),
            // No height measured (0 or NaN): one pixel a row, never a division by zero.
            ((1000, -100.0, 50.0, 0.0, 2), 98..153),
            ((1000, f64::NAN, 800.0, f64::NAN, 2), 0..3),
        ];
        for ((len, top, viewport, height, overscan), expected) in cases {
            assert_eq!(shown(len, top, viewport, height, overscan), expected, "{len} rows, top {top}");
        }
    }

    #[test]
    fn kept_rows_are_drawn_in_place_with_gaps_around_them() {
        use Slot::{Gap, Row};
        let ids: Vec<char> = "abcdefghij".chars().collect();
        // (range, kept) → slots
        type Case = ((Range<usize>, Vec<usize>), Vec<Slot<char>>);
        let cases: Vec<Case> = vec![
            ((0..10, vec![]), ids.iter().map(|id| Row(*id)).collect()),
            ((0..3, vec![]), vec![Row('a'), Row('b'), Row('c'), Gap { before: 10, rows: 7 }]),
            ((4..6, vec![]), vec![Gap { before: 4, rows: 4 }, Row('e'), Row('f'), Gap { before: 10, rows: 4 }]),
            // A kept row inside the range changes nothing.
            ((4..6, vec![5]), vec![Gap { before: 4, rows: 4 }, Row('e'), Row('f'), Gap { before: 10, rows: 4 }]),
            // Kept rows before and after the range, one touching it.
            (
                (4..6, vec![0, 6, 9]),
                vec![
                    Row('a'),
                    Gap { before: 4, rows: 3 },
                    Row('e'),
                    Row('f'),
                    Row('g'),
                    Gap { before: 9, rows: 2 },
                    Row('j'),
                ],
            ),
            // A place past the end and a range past the end are ignored.
            ((8..20, vec![42]), vec![Gap { before: 8, rows: 8 }, Row('i'), Row('j')]),
            // Nothing in range: only the kept row.
            ((3..3, vec![2]), vec![Gap { before: 2, rows: 2 }, Row('c'), Gap { before: 10, rows: 7 }]),
        ];
        for ((range, kept), expected) in cases {
            assert_eq!(slots(&ids, range.clone(), &kept), expected, "{range:?} keeping {kept:?}");
        }
    }

    #[test]
    fn every_row_is_drawn_or_in_a_gap_exactly_once() {
        let ids: Vec<usize> = (0..50).collect();
        for start in 0usize..55 {
            for end in start..56 {
                for kept in [vec![], vec![0], vec![49], vec![start.saturating_sub(2), end + 1]] {
                    let slots = slots(&ids, start..end, &kept);
                    let mut covered = 0;
                    for slot in &slots {
                        match slot {
                            Slot::Row(id) => {
                                assert_eq!(*id, covered);
                                covered += 1;
                            }
                            Slot::Gap { before, rows } => {
                                assert!(*rows > 0);
                                covered += rows;
                                assert_eq!(covered, *before);
                            }
                        }
                    }
                    assert_eq!(covered, ids.len(), "{start}..{end} keeping {kept:?}");
                }
            }
        }
    }
}

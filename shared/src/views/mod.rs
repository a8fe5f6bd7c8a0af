//! View-models of the board's pages: pure functions from a [`crate::board::BoardSnapshot`] to
//! what a page shows (rows, colours, filters, totals), so that the figures on screen are tested
//! natively against hand-checked numbers and the page components stay thin adapters.

pub mod finance;
pub mod format;
pub mod lessons;
pub mod project;
pub mod resources;
pub mod risks;

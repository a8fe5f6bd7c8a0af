//! What the board's pages show, as plain values: each page's view-model is a pure function of
//! the board's snapshot (and of `shared`'s computations on it), so the figures on screen are
//! unit-tested here, natively, with hand-checked numbers, and the page itself only lays them
//! out. One module per page.

pub mod dashboard;
pub mod finance;
pub mod lessons;
pub mod long_list;
pub mod project;
pub mod report;
pub mod resources;
pub mod risks;
pub mod scoring;
pub mod selection;
pub mod settings;
pub mod strategy;

//! The PMO Board domain, shared by the browser and the server.
//!
//! A *board* (组合看板) is one Automerge document. [`board::Board`] is the only way to read or
//! change it: callers never touch raw Automerge paths. Reads return plain values
//! ([`board::Project`], [`board::Person`], [`board::Allocation`]); writes validate their input
//! first and leave the document untouched when it is bad. Computations such as
//! [`capacity::weekly_load`] are pure functions of a [`board::BoardSnapshot`].
//!
//! [`sync`] is the sans-I/O client half of the automerge-repo sync protocol: it takes bytes that
//! arrived from the server and returns bytes to send back. The browser drives it over a
//! WebSocket; the server's tests drive it over tokio-tungstenite.
//!
//! This crate knows nothing about sockets, databases, async runtimes or the DOM, and builds for
//! native targets and for `wasm32-unknown-unknown`.

pub mod api;
pub mod board;
pub mod capacity;
pub mod dashboard;
pub mod exchange;
pub mod format;
pub mod gate;
pub mod history;
pub mod ids;
pub mod protocol;
pub mod session;
pub mod sync;
pub mod week;

pub mod alignment;
pub mod finance;
pub mod kpi;
pub mod risk;
pub mod rules;
pub mod scoring;
pub mod selection;
pub mod views;

pub use board::{Board, BoardError, PersonId, ProjectId, Stage};
pub use week::IsoWeek;

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

/// The stored names of a closed set of values, computed at compile time from its `ALL` and its
/// `const fn as_str`, in the order of `ALL`: `pub const NAMES: [&str; 7] = names_of!(Stage);`.
/// The board schema takes a field's allowed names from these, so they cannot drift from the
/// typed API.
macro_rules! names_of {
    ($kind:ty) => {{
        let mut names = [""; <$kind>::ALL.len()];
        let mut index = 0;
        while index < names.len() {
            names[index] = <$kind>::ALL[index].as_str();
            index += 1;
        }
        names
    }};
}

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

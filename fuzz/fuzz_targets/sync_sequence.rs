//! Sequences of steps against a fixed small board (client sync messages, whole frames and
//! other nodes' stored chunks, in any order): the gate never panics, never lets a change wait
//! in samod's queue, and what it accepts, applied as samod applies it, keeps the board a board.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shared::gate::fuzz::sync_sequence_target(data));

//! Arbitrary bytes as the sync message of a request or sync frame, checked against a fixed
//! small board: the gate never panics, and what it accepts applies as it says.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shared::gate::fuzz::sync_handler_target(data));

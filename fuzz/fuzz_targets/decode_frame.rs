//! Arbitrary bytes as an automerge-repo frame: decoding never panics, and a frame that decodes
//! survives encoding and the server's rewriting of sender and target.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shared::gate::fuzz::decode_frame_target(data));

#![cfg(not(target_arch = "wasm32"))]
//! Replays the fuzzers' findings on every `cargo test`: each file of `fuzz/corpus/<target>/`
//! (the minimised corpus) and `fuzz/artifacts/<target>/` (crashers, kept as regressions once
//! fixed) runs through the same function the cargo-fuzz target calls.
//!
//! `cargo run -p shared --example fuzz_seeds` writes fresh seeds (see that file).

use std::{
    fs,
    path::{Path, PathBuf},
};

use automerge::sync;
use shared::gate::{
    check_sync,
    fuzz::{decode_frame_target, fixed_board, sync_handler_target, sync_sequence_target, FUZZ_LIMITS},
    GateError,
};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `fuzz/<kind>/<target>/`, in name order; none when the folder does not exist.
fn files(kind: &str, target: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(fuzz_dir().join(kind).join(target)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.map(|entry| entry.unwrap().path()).filter(|path| path.is_file()).collect();
    paths.sort();
    paths
}

fn replay(target: &str, run: fn(&[u8])) {
    let corpus = files("corpus", target);
    assert!(!corpus.is_empty(), "fuzz/corpus/{target}/ is empty: see the module doc for how to seed it");
    for path in corpus.iter().chain(&files("artifacts", target)) {
        let bytes = fs::read(path).unwrap();
        if std::panic::catch_unwind(|| run(&bytes)).is_err() {
            panic!(
                "{} fails; reproduce with `cargo +nightly fuzz run {target} {}` in fuzz/",
                path.display(),
                path.display()
            );
        }
    }
}

#[test]
fn the_decode_frame_corpus_and_crashers_pass() {
    replay("decode_frame", decode_frame_target);
}

#[test]
fn the_sync_handler_corpus_and_crashers_pass() {
    replay("sync_handler", sync_handler_target);
}

#[test]
fn the_sync_sequence_corpus_and_crashers_pass() {
    replay("sync_sequence", sync_sequence_target);
}

/// A crasher made of changes with wrong checksums is refused before Automerge reads them, but
/// an attacker computes checksums: each crasher is replayed again with every chunk's checksum
/// made valid, so that what Automerge chokes on is refused rather than passed on to samod.
#[test]
fn the_sync_handler_crashers_pass_with_valid_checksums() {
    for path in files("artifacts", "sync_handler") {
        let Ok(mut message) = sync::Message::decode(&fs::read(&path).unwrap()) else {
            continue;
        };
        let chunks: Vec<Vec<u8>> = message.changes.iter().map(with_valid_checksums).collect();
        message.changes = sync::ChunkList::from(chunks);
        let data = message.encode();
        if std::panic::catch_unwind(|| sync_handler_target(&data)).is_err() {
            panic!("{} fails once its checksums are valid", path.display());
        }
    }
}

/// The storage chunks of `bytes` with their checksums recomputed (as far as they parse).
fn with_valid_checksums(bytes: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut out = bytes.to_vec();
    let mut at = 0;
    while out.len() >= at + 9 && out[at..at + 4] == [0x85, 0x6f, 0x4a, 0x83] {
        let (mut length, mut used) = (0u64, 0);
        while let Some(&byte) = out.get(at + 9 + used).filter(|_| used < 10) {
            length |= u64::from(byte & 0x7f) << (7 * used);
            used += 1;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let start = at + 9 + used;
        let Some(end) =
            usize::try_from(length).ok().and_then(|length| start.checked_add(length)).filter(|end| *end <= out.len())
        else {
            break;
        };
        let mut header = vec![out[at + 8]];
        let mut rest = length;
        loop {
            let byte = (rest & 0x7f) as u8;
            rest >>= 7;
            header.push(if rest == 0 { byte } else { byte | 0x80 });
            if rest == 0 {
                break;
            }
        }
        let hash = Sha256::new().chain_update(&header).chain_update(&out[start..end]).finalize();
        out[at + 4..at + 8].copy_from_slice(&hash[..4]);
        at = end;
    }
    out
}

/// The corpus was made against the fixed board: some of its messages add changes to it and
/// some break its schema. If the board were replaced, every change would wait for missing
/// dependencies instead, and the fuzzer would never reach the schema check.
#[test]
fn the_sync_handler_corpus_fits_the_fixed_board() {
    let (mut accepted, mut refused) = (0, 0);
    for path in files("corpus", "sync_handler") {
        match check_sync(fixed_board(), &fs::read(path).unwrap(), &FUZZ_LIMITS) {
            Ok(verdict) if !verdict.changes.is_empty() => accepted += 1,
            Err(GateError::Schema(_)) => refused += 1,
            _ => {}
        }
    }
    assert!(accepted > 0 && refused > 0, "{accepted} messages add changes, {refused} break the schema");
}

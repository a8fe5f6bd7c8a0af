//! A point in a board's history, as people pass it around: the document heads written into a
//! link (`?at=<hash>,<hash>`), so "the board as it was when we decided" can be pasted into a
//! meeting invite, and read back from one.
//!
//! ```
//! use shared::history::point::{heads_from_param, heads_param};
//! let hash = "4f1c2b9e0d8a7c6b5a493827161504f3e2d1c0b9a8978685746352413021100f";
//! let heads = heads_from_param(hash).unwrap();
//! assert_eq!(heads_param(&heads), hash);
//! assert!(heads_from_param("yesterday").is_none());
//! ```

use automerge::{ChangeHash, ReadDoc};

/// The heads as a link writes them: hex hashes separated by commas, sorted so one version
/// always has one link.
pub fn heads_param(heads: &[ChangeHash]) -> String {
    let mut hashes: Vec<String> = heads.iter().map(ToString::to_string).collect();
    hashes.sort();
    hashes.join(",")
}

/// The heads a link names; `None` if any part is not a change hash or there is none.
pub fn heads_from_param(text: &str) -> Option<Vec<ChangeHash>> {
    let heads: Vec<ChangeHash> = text
        .split(',')
        .map(str::trim)
        .filter(|hash| !hash.is_empty())
        .map(|hash| hash.parse().ok())
        .collect::<Option<_>>()?;
    let mut heads = heads;
    heads.sort();
    heads.dedup();
    (!heads.is_empty()).then_some(heads)
}

/// Whether two versions are the same (the order of their heads does not matter).
pub fn same_version(a: &[ChangeHash], b: &[ChangeHash]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort();
    b.sort();
    a.dedup();
    b.dedup();
    a == b
}

impl crate::Board {
    /// When the newest change of a version was made (its own time, Unix ms), if this replica
    /// holds it and it carries a time.
    pub fn version_time(&mut self, heads: &[ChangeHash]) -> Option<i64> {
        let doc = self.automerge();
        heads
            .iter()
            .filter_map(|hash| doc.get_change_by_hash(hash))
            .map(|change| change.timestamp())
            .filter(|&seconds| seconds > 0)
            .max()
            .map(|seconds| seconds.saturating_mul(1000))
    }
}

impl crate::Board {
    /// The version of the board at a moment (Unix ms): every change made at or before it by
    /// its own clock, with whatever those changes build on (a device's clock may be behind
    /// the one it built on). Empty when nothing was made by then.
    pub fn heads_at_time(&mut self, at_ms: i64) -> Vec<ChangeHash> {
        use std::collections::{HashMap, HashSet};
        let doc = self.automerge();
        let changes = doc.get_changes(&[]);
        let deps: HashMap<ChangeHash, Vec<ChangeHash>> =
            changes.iter().map(|change| (change.hash(), change.deps().to_vec())).collect();
        let mut included: HashSet<ChangeHash> = HashSet::new();
        let mut stack: Vec<ChangeHash> = changes
            .iter()
            .filter(|change| change.timestamp().saturating_mul(1000) <= at_ms)
            .map(|change| change.hash())
            .collect();
        while let Some(hash) = stack.pop() {
            if included.insert(hash) {
                stack.extend(deps.get(&hash).into_iter().flatten().copied());
            }
        }
        let built_on: HashSet<ChangeHash> = included.iter().flat_map(|hash| deps[hash].iter().copied()).collect();
        let mut heads: Vec<ChangeHash> = included.difference(&built_on).copied().collect();
        heads.sort();
        heads
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{board::NewProject, Board, ProjectId, Stage};

    #[test]
    fn links_name_a_version_and_nothing_else() {
        let mut board = Board::new("P").unwrap();
        let one = board.heads();
        let mut other = board.fork();
        board
            .add_project(ProjectId::random(), NewProject { name: "A".into(), stage: Stage::Proposed, budget: 1.0 })
            .unwrap();
        other
            .add_project(ProjectId::random(), NewProject { name: "B".into(), stage: Stage::Proposed, budget: 1.0 })
            .unwrap();
        board.merge(&mut other).unwrap();
        let two = board.heads();
        assert_eq!(two.len(), 2, "two concurrent changes: two heads");
        let reversed: Vec<ChangeHash> = two.iter().rev().cloned().collect();
        assert_eq!(heads_param(&two), heads_param(&reversed), "one link per version");
        assert!(same_version(&two, &reversed));
        assert!(!same_version(&one, &two));

        let cases: [(String, Option<Vec<ChangeHash>>); 6] = [
            (heads_param(&one), Some(one.clone())),
            (format!(" {} ", heads_param(&two)), Some(heads_from_param(&heads_param(&reversed)).unwrap())),
            (format!("{0},{0}", heads_param(&one)), Some(one.clone())),
            (String::new(), None),
            ("abc".into(), None),
            (format!("{},zzz", heads_param(&one)), None),
        ];
        for (text, expected) in cases {
            assert_eq!(heads_from_param(&text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_version_has_the_time_of_its_newest_change() {
        use automerge::{transaction::CommitOptions, transaction::Transactable, AutoCommit, ROOT};
        let mut board = Board::new("P").unwrap();
        let mut doc = AutoCommit::load(&board.save()).unwrap();
        doc.put(ROOT, "name", "Q").unwrap();
        doc.commit_with(CommitOptions::default().with_time(1_800_000_000));
        let first = doc.get_heads();
        let mut other = doc.fork();
        doc.put(ROOT, "name", "R").unwrap();
        doc.commit_with(CommitOptions::default().with_time(1_800_000_060));
        other.put(ROOT, "name", "S").unwrap();
        other.commit_with(CommitOptions::default().with_time(1_800_000_030));
        doc.merge(&mut other).unwrap();
        let mut board = Board::load(&doc.save()).unwrap();
        let unknown: ChangeHash = "00".repeat(32).parse().unwrap();
        let cases = [(first, Some(1_800_000_000_000)), (board.heads(), Some(1_800_000_060_000)), (vec![unknown], None)];
        for (heads, expected) in cases {
            assert_eq!(board.version_time(&heads), expected);
        }
    }

    /// Changes at 1,000 s (the board), 2,000 s (Q), then apart: 4,000 s (R) and, on a device
    /// whose clock is behind, 3,000 s (S) built on R.
    #[test]
    fn the_version_at_a_moment() {
        use automerge::{transaction::CommitOptions, transaction::Transactable, AutoCommit, ROOT};
        let mut doc = AutoCommit::new();
        doc.put(ROOT, "name", "P").unwrap();
        doc.commit_with(CommitOptions::default().with_time(1_000));
        let created = doc.get_heads();
        doc.put(ROOT, "name", "Q").unwrap();
        doc.commit_with(CommitOptions::default().with_time(2_000));
        let q = doc.get_heads();
        doc.put(ROOT, "name", "R").unwrap();
        doc.commit_with(CommitOptions::default().with_time(4_000));
        let mut behind = doc.fork();
        behind.put(ROOT, "name", "S").unwrap();
        behind.commit_with(CommitOptions::default().with_time(3_000));
        let s = behind.get_heads();
        let mut board = Board::load(&behind.save()).unwrap();
        let cases = [
            (999_999, vec![]),
            (1_000_000, created),
            (2_500_000, q),
            // S (3,000 s) counts, and with it R, which it was built on.
            (3_000_000, s.clone()),
            (9_000_000, s),
        ];
        for (at_ms, expected) in cases {
            assert_eq!(board.heads_at_time(at_ms), expected, "at {at_ms}");
        }
    }
}

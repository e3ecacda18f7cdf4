//! The records' part of the state commitment: an append-only Merkle tree over the registered
//! entries in registration order, as RFC 6962 §2.1 defines it (the tree of the transactions
//! in a block is one too, see [`super::merkle`]). Leaf `i` is `SHA-256(0x00 || v)` where `v`
//! is the value hash of the `i`-th registered entry's item (its id, signature and successor:
//! [`super::state::record_commitment`]).
//!
//! Why not the keyed trie the other items sit in: records are most of the state and only ever
//! appended, and a registration is most of a block. In the trie each new record re-hashes and
//! walks a path of about log2(items) nodes, cold in cache after a block's signature checks.
//! Here an append hashes one inner node on average and touches only the tree's right edge.
//! What is given up: the absence of a record cannot be proven (a light client proves that an
//! entry is registered, and whether it was superseded, never that one is not).
//!
//! Every complete subtree's hash is kept, level by level, in persistent vectors: a copy of
//! the log for a block costs nothing, an append or a change of one leaf re-hashes only the
//! subtrees above it, and a root folds at most log2(n) of them.

use super::merkle::{InclusionProof, leaf_hash, node_hash, split};
use crate::digest::Digest;

/// The log's tree. Cloning is cheap (shared structure), and a clone's changes never show in
/// the original.
#[derive(Clone, Default)]
pub struct RecordLog {
    /// `levels[k][j]`: the hash of the complete subtree of `2^k` leaves starting at leaf
    /// `j * 2^k`. Level 0 holds the leaf hashes.
    levels: Vec<imbl::Vector<Digest>>,
}

impl core::fmt::Debug for RecordLog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RecordLog({} leaves)", self.len())
    }
}

impl RecordLog {
    /// The number of leaves.
    pub fn len(&self) -> usize {
        self.levels.first().map_or(0, imbl::Vector::len)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append the leaf of an item with value hash `value`.
    pub fn push(&mut self, value: &Digest) {
        let mut hash = leaf_hash(value.as_bytes());
        let mut k = 0;
        loop {
            if self.levels.len() == k {
                self.levels.push(imbl::Vector::new());
            }
            let Some(level) = self.levels.get_mut(k) else { return };
            level.push_back(hash);
            let n = level.len();
            // An even count closes a subtree one level up: its last two nodes are siblings.
            match (n % 2, n.checked_sub(2).and_then(|i| level.get(i)), level.back()) {
                (0, Some(left), Some(right)) => hash = node_hash(left, right),
                _ => return,
            }
            k += 1;
        }
    }

    /// Change leaf `index` to the item value hash `value`; false (and no change) if there is
    /// no such leaf.
    pub fn set(&mut self, index: usize, value: &Digest) -> bool {
        let Some(leaf) = self.levels.first_mut().and_then(|level| level.get_mut(index)) else { return false };
        *leaf = leaf_hash(value.as_bytes());
        // Re-hash each complete subtree above the leaf, up to the first that is not complete.
        for k in 1..self.levels.len() {
            let j = index >> k;
            let (below, above) = self.levels.split_at_mut(k);
            let children = below.last().and_then(|b| Some((*b.get(2 * j)?, *b.get(2 * j + 1)?)));
            match (children, above.first_mut().and_then(|a| a.get_mut(j))) {
                (Some((left, right)), Some(slot)) => *slot = node_hash(&left, &right),
                _ => break,
            }
        }
        true
    }

    /// Keep the first `len` leaves only.
    pub fn truncate(&mut self, len: usize) {
        // One at a time from the end (a roll-back cuts one block's worth): no split of the
        // vectors, whose code the WASM module would carry for this alone.
        for (k, level) in self.levels.iter_mut().enumerate() {
            while level.len() > len >> k {
                level.pop_back();
            }
        }
        while self.levels.last().is_some_and(imbl::Vector::is_empty) {
            self.levels.pop();
        }
    }

    /// The hash of leaves `start..start + size`, where the range is one the RFC 6962 split
    /// produces: `start` a multiple of the largest power of two not above `size`, and the
    /// range within the log. `None` outside the log.
    fn subtree(&self, start: usize, size: usize) -> Option<Digest> {
        if size == 0 {
            return None;
        }
        if size.is_power_of_two() {
            let k = size.trailing_zeros() as usize;
            return self.levels.get(k)?.get(start >> k).copied();
        }
        let half = split(size);
        Some(node_hash(&self.subtree(start, half)?, &self.subtree(start + half, size - half)?))
    }

    /// The root (RFC 6962's Merkle Tree Hash of the leaves; SHA-256 of nothing when empty).
    pub fn root(&self) -> Digest {
        self.subtree(0, self.len()).unwrap_or_else(|| Digest::sha256(b""))
    }

    /// The audit path of leaf `index` (RFC 9162 §2.1.3.1), `None` if there is no such leaf.
    pub fn prove(&self, index: usize) -> Option<InclusionProof> {
        let size = self.len();
        if index >= size {
            return None;
        }
        let mut path = Vec::new();
        let (mut start, mut len) = (0, size);
        // Down from the root: the sibling of each subtree on the way goes in, top first.
        while len > 1 {
            let half = split(len);
            if index < start + half {
                path.push(self.subtree(start + half, len - half)?);
                len = half;
            } else {
                path.push(self.subtree(start, half)?);
                start += half;
                len -= half;
            }
        }
        path.reverse();
        Some(InclusionProof { index: index as u64, size: size as u64, path })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::merkle::root_of_hashes;

    fn value(i: usize) -> Digest {
        Digest::sha256(&i.to_be_bytes())
    }

    /// The leaves as `merkle` hashes them, from scratch.
    fn leaves(values: &[Digest]) -> Vec<Digest> {
        values.iter().map(|v| leaf_hash(v.as_bytes())).collect()
    }

    #[test]
    fn the_root_and_every_proof_match_the_tree_built_from_scratch() {
        let mut log = RecordLog::default();
        assert_eq!(log.root(), root_of_hashes(&[]));
        let mut values = Vec::new();
        for i in 0..70 {
            log.push(&value(i));
            values.push(value(i));
            let leaves = leaves(&values);
            let root = root_of_hashes(&leaves);
            assert_eq!(log.root(), root, "{} leaves", values.len());
            for (at, leaf) in leaves.iter().enumerate() {
                let proof = log.prove(at).unwrap();
                assert_eq!(proof, crate::ledger::merkle::prove(&leaves, at).unwrap());
                proof.verify(leaf, &root).unwrap();
            }
            assert!(log.prove(values.len()).is_none());
        }
    }

    proptest::proptest! {
        /// Appends, changes and truncations in any order leave the tree RFC 6962 defines over
        /// the leaves that remain; copies taken on the way keep theirs.
        #[test]
        fn any_appends_changes_and_truncations_give_the_tree_of_the_leaves(
            ops in proptest::collection::vec((0u8..3, 0usize..80), 1..150),
        ) {
            let mut log = RecordLog::default();
            let mut model: Vec<Digest> = Vec::new();
            let mut copies = Vec::new();
            for (i, (op, n)) in ops.iter().enumerate() {
                match op {
                    0 => {
                        log.push(&value(i));
                        model.push(value(i));
                    }
                    1 => {
                        let changed = log.set(*n, &value(1000 + i));
                        proptest::prop_assert_eq!(changed, *n < model.len());
                        if let Some(slot) = model.get_mut(*n) {
                            *slot = value(1000 + i);
                        }
                    }
                    _ => {
                        log.truncate(*n);
                        model.truncate(*n);
                    }
                }
                if i % 30 == 0 {
                    copies.push((log.clone(), model.clone()));
                }
            }
            for (copy, values) in copies.into_iter().chain([(log, model)]) {
                let leaves = leaves(&values);
                let root = root_of_hashes(&leaves);
                proptest::prop_assert_eq!(copy.len(), values.len());
                proptest::prop_assert_eq!(copy.root(), root);
                for (at, leaf) in leaves.iter().enumerate() {
                    let proof = copy.prove(at);
                    proptest::prop_assert!(proof.is_some_and(|p| p.verify(leaf, &root).is_ok()));
                }
            }
        }
    }
}

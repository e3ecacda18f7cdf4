//! The state commitment: one SHA-256 root over every item of the ledger's state, carried in
//! each block header, so that a party that trusts a header can check one answer (a consent, a
//! record entry, a key) without the ledger.
//!
//! Layout: each item is a leaf `(key, value)` with `key = SHA-256(kind tag || natural key)` and
//! `value = SHA-256(canonical bytes of the item)`. Leaves fall into 2^16 buckets by the first
//! two bytes of their key; a bucket hashes its leaves in key order (`0x00 || "bucket" || k1 ||
//! v1 || k2 || v2 ...`), and a complete binary tree of 2^16 bucket hashes (inner nodes
//! `0x01 || left || right`) gives the root. An update re-hashes only the buckets it touched and
//! their 16 ancestors, so a block of a thousand changes costs tens of thousands of hashes
//! whatever the size of the state. A proof is the target's bucket (every leaf in it, about
//! n / 65536 of them) and 16 sibling hashes; it proves presence with a value, or absence.
//! The root does not depend on the order in which items were written.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::merkle::node_hash;
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};

const BUCKET_BITS: usize = 16;
const BUCKETS: usize = 1 << BUCKET_BITS;

/// The key of a state item: SHA-256 of its kind tag and natural key.
pub fn leaf_key(kind: &str, natural_key: &[u8]) -> Digest {
    let mut h = sha2::Sha256::new();
    h.update(b"fhirbus/v1/state\0");
    h.update(kind.as_bytes());
    h.update([0u8]);
    h.update(natural_key);
    Digest(h.finalize().into())
}

fn bucket_of(key: &Digest) -> usize {
    usize::from(u16::from_be_bytes([key.0[0], key.0[1]]))
}

fn bucket_hash<'a>(leaves: impl Iterator<Item = (&'a Digest, &'a Digest)>) -> Digest {
    let mut h = sha2::Sha256::new();
    h.update([0u8]);
    h.update(b"bucket");
    for (k, v) in leaves {
        h.update(k.0);
        h.update(v.0);
    }
    Digest(h.finalize().into())
}

/// Bits of the bucket number that pick a subtree; the rest pick the bucket within it.
const SUBTREE_BITS: usize = 10;
const SUBTREES: usize = 1 << SUBTREE_BITS;
const SUBTREE_BUCKETS: usize = BUCKETS / SUBTREES;

/// One item: (key, value hash).
type Leaf = (Digest, Digest);

/// 64 buckets and the tree over their hashes: a complete binary tree in heap order (node 1
/// its root, node i with children 2i and 2i+1, bucket j's hash at node 64 + j, node 0 unused).
/// A bucket's leaves are a sorted slice, replaced whole when it changes (a bucket holds about
/// n / 65,536 leaves, so a change copies a few KiB at most, as a B-tree node copy would); an
/// empty bucket holds nothing, so copying a sparse subtree touches no reference counts.
#[derive(Clone)]
struct Subtree {
    nodes: [Digest; 2 * SUBTREE_BUCKETS],
    buckets: [Option<std::sync::Arc<[Leaf]>>; SUBTREE_BUCKETS],
}

/// The tree over the subtrees' roots, in the same heap order.
type TopTree = [Digest; 2 * SUBTREES];

/// The commitment over a state. Cloning is cheap (shared structure), and a clone's updates
/// never show in the original.
///
/// The 2^16 buckets and the tree over them are held as 1,024 subtrees of 64 buckets (4 KiB of
/// hashes each) and one top tree over their roots, each behind an `Arc`: a copy of the state
/// for a block shares them, an update copies only the subtrees and buckets it touches, and the
/// touched subtrees are re-hashed in parallel. The root is that of the one complete binary
/// tree over the 2^16 buckets.
#[derive(Clone)]
pub struct Commitment {
    subtrees: Vec<std::sync::Arc<Subtree>>,
    top: std::sync::Arc<TopTree>,
    /// Buckets changed since the last root (unsorted, with repeats).
    dirty: Vec<u16>,
    len: usize,
}

impl Default for Commitment {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for Commitment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Commitment({} leaves)", self.len)
    }
}

/// Re-hash the inner nodes of the heap-ordered `tree` of `width` leaves above the changed
/// leaves `changed` (sorted, distinct, each below `width`); returns the tree's root.
fn rehash(tree: &mut [Digest], width: usize, changed: &[usize]) -> Digest {
    let mut level: Vec<usize> = changed.iter().map(|&j| (width + j) / 2).collect();
    level.dedup();
    // One level at a time, bottom up: the parents of a sorted level are sorted too.
    while level.first().is_some_and(|&p| p >= 1) {
        for &p in &level {
            if let (Some(l), Some(r)) = (tree.get(2 * p).copied(), tree.get(2 * p + 1).copied())
                && let Some(slot) = tree.get_mut(p)
            {
                *slot = node_hash(&l, &r);
            }
        }
        level.iter_mut().for_each(|p| *p /= 2);
        level.dedup();
    }
    tree.get(1).copied().unwrap_or(Digest([0; 32]))
}

/// (subtree, bucket within it) of a key.
fn place(key: &Digest) -> (usize, usize) {
    let b = bucket_of(key);
    (b / SUBTREE_BUCKETS, b % SUBTREE_BUCKETS)
}

impl Commitment {
    /// The commitment of an empty state.
    pub fn new() -> Self {
        // Every node of one level of an empty tree is equal: compute one per level, bottom
        // up, through the subtrees' levels and then the top tree's.
        let mut level_hash = bucket_hash(core::iter::empty());
        let fill = |tree: &mut [Digest], level_hash: &mut Digest| {
            let mut width = tree.len() / 2;
            while width >= 1 {
                for slot in tree.iter_mut().skip(width).take(width) {
                    *slot = *level_hash;
                }
                if width > 1 {
                    *level_hash = node_hash(level_hash, level_hash);
                }
                width /= 2;
            }
        };
        let mut subtree = Subtree { nodes: [Digest([0; 32]); 2 * SUBTREE_BUCKETS], buckets: core::array::from_fn(|_| None) };
        fill(&mut subtree.nodes, &mut level_hash);
        let mut top = [Digest([0; 32]); 2 * SUBTREES];
        fill(&mut top, &mut level_hash);
        let subtree = std::sync::Arc::new(subtree);
        Self { subtrees: vec![subtree; SUBTREES], top: std::sync::Arc::new(top), dirty: Vec::new(), len: 0 }
    }

    fn bucket(&self, key: &Digest) -> &[Leaf] {
        let (s, j) = place(key);
        self.subtrees.get(s).and_then(|t| t.buckets.get(j)).and_then(Option::as_deref).unwrap_or_default()
    }

    /// Set (or, with `None`, remove) the item with this key.
    pub fn set(&mut self, key: Digest, value: Option<Digest>) {
        let bucket = self.bucket(&key);
        // The new slice is built in one allocation (the iterators know their length), from the
        // shared one; removing an absent item changes (and copies) nothing.
        let (leaves, len): (std::sync::Arc<[Leaf]>, usize) = match (bucket.binary_search_by(|(k, _)| k.cmp(&key)), value) {
            (Ok(i), Some(v)) => (bucket.iter().enumerate().map(|(n, l)| if n == i { (key, v) } else { *l }).collect(), self.len),
            (Ok(i), None) => {
                let (before, after) = bucket.split_at(i);
                (before.iter().chain(after.iter().skip(1)).copied().collect(), self.len - 1)
            }
            (Err(i), Some(v)) => {
                let (before, after) = bucket.split_at(i.min(bucket.len()));
                (before.iter().copied().chain(core::iter::once((key, v))).chain(after.iter().copied()).collect(), self.len + 1)
            }
            (Err(_), None) => return,
        };
        let (s, j) = place(&key);
        if let Some(slot) = self.subtrees.get_mut(s).and_then(|t| std::sync::Arc::make_mut(t).buckets.get_mut(j)) {
            *slot = (!leaves.is_empty()).then_some(leaves);
            self.len = len;
            self.dirty.push(bucket_of(&key) as u16);
        }
    }

    /// The value hash stored under `key`.
    pub fn get(&self, key: &Digest) -> Option<Digest> {
        let bucket = self.bucket(key);
        bucket.binary_search_by(|(k, _)| k.cmp(key)).ok().and_then(|i| bucket.get(i)).map(|(_, v)| *v)
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The root, re-hashing what changed since the last call.
    pub fn root(&mut self) -> Digest {
        if !self.dirty.is_empty() {
            let mut dirty = core::mem::take(&mut self.dirty);
            dirty.sort_unstable();
            dirty.dedup();
            // The changed buckets of each subtree, by subtree.
            let mut changed: Vec<Vec<usize>> = vec![Vec::new(); SUBTREES];
            for b in dirty.iter().map(|&b| usize::from(b)) {
                if let Some(js) = changed.get_mut(b / SUBTREE_BUCKETS) {
                    js.push(b % SUBTREE_BUCKETS);
                }
            }
            // A changed subtree was already made unique by `set`; this copies nothing.
            let update = |(s, (tree, js)): (usize, (&mut std::sync::Arc<Subtree>, &Vec<usize>))| -> Option<(usize, Digest)> {
                if js.is_empty() {
                    return None;
                }
                let tree = std::sync::Arc::make_mut(tree);
                for &j in js {
                    let hash = tree.buckets.get(j).map(|b| bucket_hash(b.iter().flat_map(|b| b.iter()).map(|(k, v)| (k, v))));
                    if let (Some(slot), Some(hash)) = (tree.nodes.get_mut(SUBTREE_BUCKETS + j), hash) {
                        *slot = hash;
                    }
                }
                Some((s, rehash(&mut tree.nodes, SUBTREE_BUCKETS, js)))
            };
            #[cfg(feature = "parallel")]
            let roots: Vec<(usize, Digest)> = {
                use rayon::prelude::*;
                self.subtrees.par_iter_mut().zip(changed.par_iter()).enumerate().filter_map(update).collect()
            };
            #[cfg(not(feature = "parallel"))]
            let roots: Vec<(usize, Digest)> = self.subtrees.iter_mut().zip(changed.iter()).enumerate().filter_map(update).collect();
            let top = std::sync::Arc::make_mut(&mut self.top);
            for &(s, root) in &roots {
                if let Some(slot) = top.get_mut(SUBTREES + s) {
                    *slot = root;
                }
            }
            let changed_subtrees: Vec<usize> = roots.iter().map(|(s, _)| *s).collect();
            rehash(top, SUBTREES, &changed_subtrees);
        }
        self.top.get(1).copied().unwrap_or(Digest([0; 32]))
    }

    /// The hash of tree node `node` in the heap order of the whole tree (1 the root, bucket b
    /// at 2^16 + b).
    fn node(&self, node: usize) -> Digest {
        let depth = usize::BITS as usize - 1 - node.leading_zeros() as usize;
        let found = if depth <= SUBTREE_BITS {
            self.top.get(node).copied()
        } else {
            // Within subtree s: the node's path below the subtree's root.
            let below = depth - SUBTREE_BITS;
            let s = (node >> below) - SUBTREES;
            let local = (1 << below) | (node & ((1 << below) - 1));
            self.subtrees.get(s).and_then(|t| t.nodes.get(local).copied())
        };
        found.unwrap_or(Digest([0; 32]))
    }

    /// A proof for `key` (present or absent) against the current root.
    pub fn prove(&mut self, key: &Digest) -> StateProof {
        self.root();
        let bucket = bucket_of(key);
        let leaves = self.bucket(key).to_vec();
        let mut siblings = Vec::with_capacity(BUCKET_BITS);
        let mut node = BUCKETS + bucket;
        while node > 1 {
            siblings.push(self.node(node ^ 1));
            node /= 2;
        }
        StateProof { key: *key, bucket: leaves, siblings }
    }
}

/// A proof that a state item has a given value (or is absent) under a state root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateProof {
    /// The item's key.
    pub key: Digest,
    /// Every (key, value hash) of the item's bucket, in key order.
    pub bucket: Vec<(Digest, Digest)>,
    /// Sibling hashes from the bucket up to the root (16 of them).
    pub siblings: Vec<Digest>,
}

impl StateProof {
    /// The largest bucket a proof may carry (a bound for hostile input; a bucket of a state of
    /// a hundred million items holds about 1,500).
    pub const MAX_BUCKET: usize = 100_000;

    /// Check the proof against `root`: the item is present with value hash `value`, or absent
    /// when `value` is `None`.
    pub fn verify(&self, root: &Digest, value: Option<&Digest>) -> Result<()> {
        let refuse = |why: &str| Err(Error::new(ErrorCode::BadSignature, format!("state proof: {why}")));
        if self.siblings.len() != BUCKET_BITS || self.bucket.len() > Self::MAX_BUCKET {
            return refuse("wrong shape");
        }
        let bucket = bucket_of(&self.key);
        let sorted = self.bucket.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        if !sorted || self.bucket.iter().any(|(k, _)| bucket_of(k) != bucket) {
            return refuse("bucket not sorted or not one bucket");
        }
        let found = self.bucket.iter().find(|(k, _)| *k == self.key).map(|(_, v)| v);
        if found != value {
            return refuse(if value.is_some() { "item absent or with another value" } else { "item present" });
        }
        let mut hash = bucket_hash(self.bucket.iter().map(|(k, v)| (k, v)));
        let mut node = BUCKETS + bucket;
        for sibling in &self.siblings {
            hash = if node & 1 == 0 { node_hash(&hash, sibling) } else { node_hash(sibling, &hash) };
            node /= 2;
        }
        if hash != *root {
            return refuse("does not lead to the root");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_order_independent_and_proofs_verify() {
        let items: Vec<(Digest, Digest)> =
            (0u32..300).map(|i| (leaf_key("t", &i.to_be_bytes()), Digest::sha256(&i.to_le_bytes()))).collect();
        let mut a = Commitment::new();
        let empty_root = a.root();
        for (k, v) in &items {
            a.set(*k, Some(*v));
        }
        let mut b = Commitment::new();
        for (k, v) in items.iter().rev() {
            b.set(*k, Some(*v));
        }
        let root = a.root();
        assert_eq!(root, b.root());
        assert_ne!(root, empty_root);
        for (k, v) in items.iter().take(20) {
            let p = a.prove(k);
            p.verify(&root, Some(v)).unwrap();
            assert!(p.verify(&root, Some(&Digest::sha256(b"other"))).is_err());
            assert!(p.verify(&root, None).is_err());
        }
        let absent = leaf_key("t", b"absent");
        a.prove(&absent).verify(&root, None).unwrap();
        // Removing everything gives the empty root back.
        for (k, _) in &items {
            a.set(*k, None);
        }
        assert_eq!(a.root(), empty_root);
    }

    /// The root as the layout defines it, computed from scratch: every bucket, then one
    /// complete binary tree of 2^16 leaves.
    fn root_from_scratch(c: &Commitment) -> Digest {
        let mut level: Vec<Digest> = (0..BUCKETS)
            .map(|b| {
                let leaves = c.subtrees[b / SUBTREE_BUCKETS].buckets[b % SUBTREE_BUCKETS].as_deref().unwrap_or_default();
                assert!(leaves.iter().all(|(k, _)| bucket_of(k) == b) && leaves.windows(2).all(|w| w[0].0 < w[1].0));
                bucket_hash(leaves.iter().map(|(k, v)| (k, v)))
            })
            .collect();
        while level.len() > 1 {
            level = level.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
        }
        level[0]
    }

    #[test]
    fn the_incremental_root_equals_the_root_from_scratch() {
        let mut c = Commitment::new();
        assert_eq!(c.root(), root_from_scratch(&c));
        let mut seed = 1u64;
        for round in 0..6u32 {
            // Many changes in few buckets, then few in many: every subtree path is exercised.
            let n = if round.is_multiple_of(2) { 3000 } else { 40 };
            for i in 0..n {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let key = leaf_key("t", &(seed % 5000).to_be_bytes());
                let value = !(seed >> 40).is_multiple_of(7);
                c.set(key, value.then(|| Digest::sha256(&(i + round).to_be_bytes())));
            }
            let root = c.root();
            assert_eq!(root, root_from_scratch(&c), "round {round}");
            // Every node a proof reads agrees with the scratch tree through the proofs.
            for k in (0..30u64).map(|i| leaf_key("t", &i.to_be_bytes())) {
                c.prove(&k).verify(&root, c.get(&k).as_ref()).unwrap();
            }
        }
    }

    #[test]
    fn clones_are_independent() {
        let mut a = Commitment::new();
        a.set(leaf_key("t", b"1"), Some(Digest::sha256(b"1")));
        let r1 = a.root();
        let mut b = a.clone();
        b.set(leaf_key("t", b"2"), Some(Digest::sha256(b"2")));
        assert_ne!(b.root(), r1);
        assert_eq!(a.root(), r1);
    }
}

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

use std::collections::BTreeSet;

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

/// The commitment over a state. Cloning is cheap (shared structure), and a clone's updates
/// never show in the original.
#[derive(Clone)]
pub struct Commitment {
    leaves: imbl::OrdMap<Digest, Digest>,
    /// Heap order: node 1 is the root, node i has children 2i and 2i+1, bucket b is node
    /// BUCKETS + b. Node 0 is unused. A persistent vector: a copy of the state for a block
    /// shares it, and an update copies only the chunks it touches.
    tree: imbl::Vector<Digest>,
    dirty: BTreeSet<usize>,
}

impl Default for Commitment {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for Commitment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Commitment({} leaves)", self.leaves.len())
    }
}

impl Commitment {
    /// The commitment of an empty state.
    pub fn new() -> Self {
        // Every node of one level of an empty tree is equal: compute one per level.
        let mut tree = vec![Digest([0; 32]); 2 * BUCKETS];
        let mut level_hash = bucket_hash(core::iter::empty());
        let mut width = BUCKETS;
        while width >= 1 {
            for slot in tree.iter_mut().skip(width).take(width) {
                *slot = level_hash;
            }
            level_hash = node_hash(&level_hash, &level_hash);
            width /= 2;
        }
        Self { leaves: imbl::OrdMap::new(), tree: tree.into_iter().collect(), dirty: BTreeSet::new() }
    }

    /// Set (or, with `None`, remove) the item with this key.
    pub fn set(&mut self, key: Digest, value: Option<Digest>) {
        match value {
            Some(v) => {
                self.leaves.insert(key, v);
            }
            None => {
                self.leaves.remove(&key);
            }
        }
        self.dirty.insert(bucket_of(&key));
    }

    /// The value hash stored under `key`.
    pub fn get(&self, key: &Digest) -> Option<Digest> {
        self.leaves.get(key).copied()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    fn bucket_leaves(&self, bucket: usize) -> impl Iterator<Item = (&Digest, &Digest)> {
        let mut lo = [0u8; 32];
        let mut hi = [0xffu8; 32];
        let prefix = (bucket as u16).to_be_bytes();
        lo[..2].copy_from_slice(&prefix);
        hi[..2].copy_from_slice(&prefix);
        self.leaves.range(Digest(lo)..=Digest(hi))
    }

    /// The root, re-hashing what changed since the last call.
    pub fn root(&mut self) -> Digest {
        if !self.dirty.is_empty() {
            let dirty = core::mem::take(&mut self.dirty);
            let dirty: Vec<usize> = dirty.into_iter().collect();
            #[cfg(feature = "parallel")]
            let fresh: Vec<(usize, Digest)> = {
                use rayon::prelude::*;
                dirty.par_iter().map(|&b| (b, bucket_hash(self.bucket_leaves(b)))).collect()
            };
            #[cfg(not(feature = "parallel"))]
            let fresh: Vec<(usize, Digest)> = dirty.iter().map(|&b| (b, bucket_hash(self.bucket_leaves(b)))).collect();
            let tree = &mut self.tree;
            let mut parents = BTreeSet::new();
            for (b, h) in fresh {
                if let Some(slot) = tree.get_mut(BUCKETS + b) {
                    *slot = h;
                }
                parents.insert((BUCKETS + b) / 2);
            }
            while !parents.is_empty() {
                let mut next = BTreeSet::new();
                for p in parents {
                    let (Some(l), Some(r)) = (tree.get(2 * p).copied(), tree.get(2 * p + 1).copied()) else { continue };
                    if let Some(slot) = tree.get_mut(p) {
                        *slot = node_hash(&l, &r);
                    }
                    if p > 1 {
                        next.insert(p / 2);
                    }
                }
                parents = next;
            }
        }
        self.tree.get(1).copied().unwrap_or(Digest([0; 32]))
    }

    /// A proof for `key` (present or absent) against the current root.
    pub fn prove(&mut self, key: &Digest) -> StateProof {
        self.root();
        let bucket = bucket_of(key);
        let leaves = self.bucket_leaves(bucket).map(|(k, v)| (*k, *v)).collect();
        let mut siblings = Vec::with_capacity(BUCKET_BITS);
        let mut node = BUCKETS + bucket;
        while node > 1 {
            siblings.push(self.tree.get(node ^ 1).copied().unwrap_or(Digest([0; 32])));
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

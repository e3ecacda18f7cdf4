//! The keyed part of the state commitment: every item of the ledger's state but the record
//! entries (members, patients, consents, epochs, shares, governance, audit events), under one
//! SHA-256 root. The record entries have their own tree ([`super::record_log`]); the state
//! root in each block header commits to both ([`super::proof`]).
//!
//! Layout: each item is a leaf `(key, value)` with `key = SHA-256(kind tag || natural key)` and
//! `value = SHA-256(canonical bytes of the item)`. The leaves sit in a binary trie on the bits
//! of their keys (most significant bit of the first byte first), in its one canonical form: a
//! subtree holding no item is empty, a subtree holding one item is that item's leaf, and only a
//! subtree holding two or more is an inner node. So a leaf sits just below the shortest prefix
//! that tells its key from every other (about log2 n levels for n items, as the keys are
//! hashes), and the tree, hence the root, depends on the set of items only, never on the order
//! they were written in.
//!
//! Hashes: an empty subtree is 32 zero bytes; a leaf `SHA-256(0x02 || key || value)`; an inner
//! node `SHA-256(0x01 || left || right)`. The root is the hash of the whole trie. A proof is the
//! sibling hashes along the key's path and what the path ends at: the item's own leaf (present),
//! nothing, or the leaf of another key with the same prefix (both: absent).
//!
//! Writes wait until the root is asked for, then go into the trie together, in key order: each
//! node they reach is copied (the rest stays shared with earlier states, so a copy of the state
//! for a block costs nothing) and re-hashed once. A block of a thousand changes costs a few
//! thousand node copies and hashes, whatever the size of the state.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::merkle::{node_hash, tagged_pair_hash};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};

/// The key of a state item: SHA-256 of its kind tag and natural key.
pub fn leaf_key(kind: &str, natural_key: &[u8]) -> Digest {
    let mut h = sha2::Sha256::new();
    h.update(b"fhirbus/v1/state\0");
    h.update(kind.as_bytes());
    h.update([0u8]);
    h.update(natural_key);
    Digest(h.finalize().into())
}

/// Key bits: one per trie level.
const KEY_BITS: usize = 256;

/// The hash of an empty subtree.
const EMPTY: Digest = Digest([0; 32]);

/// Bit `depth` of `key`, most significant first: 0 goes left, 1 right.
fn bit(key: &Digest, depth: usize) -> usize {
    key.0.get(depth / 8).map_or(0, |byte| usize::from((byte >> (7 - depth % 8)) & 1))
}

/// The hash of the leaf of item `(key, value)`.
fn leaf_hash(key: &Digest, value: &Digest) -> Digest {
    tagged_pair_hash(2, key, value)
}

/// An item, with its leaf hash (computed once, when the item is written). Held inline in its
/// parent: one allocation fewer per item, and a lookup ends without another pointer to follow.
#[derive(Clone, Copy)]
struct Leaf {
    key: Digest,
    value: Digest,
    hash: Digest,
}

impl Leaf {
    fn new(key: Digest, value: Digest) -> Self {
        Self { key, value, hash: leaf_hash(&key, &value) }
    }
}

/// A subtree in canonical form.
#[derive(Clone, Default)]
enum Subtree {
    #[default]
    Empty,
    Leaf(Leaf),
    /// An inner node and its hash as it stands (every change recomputes it on the way back
    /// up). The hash is held here, beside the pointer, so that hashing a node reads both
    /// children's hashes from the node itself: the path a write takes is all that is read,
    /// not the siblings along it too (a cache miss each in a large, cold trie).
    Node(Digest, Arc<Node>),
}

/// An inner node: two subtrees that hold at least two items between them.
#[derive(Clone)]
struct Node {
    children: [Subtree; 2],
}

/// A pending write: an item's key and its new value hash, or `None` to remove it.
type Write = (Digest, Option<Digest>);

impl Subtree {
    /// The hash of the subtree.
    fn hash(&self) -> Digest {
        match self {
            Self::Empty => EMPTY,
            Self::Leaf(leaf) => leaf.hash,
            Self::Node(hash, _) => *hash,
        }
    }

    fn child(&self, side: usize) -> Option<&Subtree> {
        match self {
            Self::Node(_, node) => node.children.get(side),
            _ => None,
        }
    }

    /// Apply `writes` (sorted by key, distinct, all on this subtree's path at `depth`) and
    /// return the change in the number of items. Each node the writes reach is copied (if
    /// shared) and re-hashed once, whatever the number of writes below it; the two halves go
    /// in parallel near the top. Distinct keys part before bit 256, which bounds the depth.
    fn merge(&mut self, writes: &[Write], depth: usize) -> isize {
        match (&*self, writes) {
            (_, []) => return 0,
            (Self::Empty, [(key, value)]) => {
                return match value {
                    Some(value) => {
                        *self = Self::Leaf(Leaf::new(*key, *value));
                        1
                    }
                    None => 0,
                };
            }
            (Self::Leaf(leaf), [(key, value)]) if leaf.key == *key => {
                return match value {
                    Some(value) => {
                        *self = Self::Leaf(Leaf::new(*key, *value));
                        0
                    }
                    None => {
                        *self = Self::Empty;
                        -1
                    }
                };
            }
            _ => {}
        }
        // Open the subtree as a node (a leaf goes to its side of an otherwise empty one),
        // merge each half, then put the result back in canonical form.
        let mut node = match core::mem::take(self) {
            Self::Node(_, node) => node,
            Self::Leaf(leaf) => {
                let children = if bit(&leaf.key, depth) == 0 { [Self::Leaf(leaf), Self::Empty] } else { [Self::Empty, Self::Leaf(leaf)] };
                Arc::new(Node { children })
            }
            Self::Empty => Arc::new(Node { children: [Self::Empty, Self::Empty] }),
        };
        let inner = Arc::make_mut(&mut node);
        let (to_left, to_right) = writes.split_at(writes.partition_point(|(key, _)| bit(key, depth) == 0));
        let [left, right] = &mut inner.children;
        let delta = match () {
            #[cfg(feature = "parallel")]
            () if depth < PARALLEL_DEPTH && writes.len() >= PARALLEL_MIN_WRITES => {
                let (l, r) = rayon::join(|| left.merge(to_left, depth + 1), || right.merge(to_right, depth + 1));
                l + r
            }
            () => left.merge(to_left, depth + 1) + right.merge(to_right, depth + 1),
        };
        // A node left with one leaf and nothing else becomes that leaf (and so on up).
        *self = match &inner.children {
            [Self::Empty, Self::Empty] => Self::Empty,
            [Self::Leaf(one), Self::Empty] | [Self::Empty, Self::Leaf(one)] => Self::Leaf(*one),
            [left, right] => {
                let hash = node_hash(&left.hash(), &right.hash());
                Self::Node(hash, node)
            }
        };
        delta
    }
}

/// Levels near the root whose two halves are merged in parallel (2^4 tasks), when at least
/// `PARALLEL_MIN_WRITES` writes reach them (fewer are not worth handing to another thread).
#[cfg(feature = "parallel")]
const PARALLEL_DEPTH: usize = 4;
#[cfg(feature = "parallel")]
const PARALLEL_MIN_WRITES: usize = 64;

/// The commitment over a state. Cloning is cheap (shared structure), and a clone's updates
/// never show in the original.
///
/// Writes wait in `pending` (sorted by key) until the next [`Commitment::root`], which merges
/// them into the trie in one pass: each node they reach is copied and hashed once, however
/// many of them pass through it.
#[derive(Clone, Default)]
pub struct Commitment {
    /// Every hash in it is current.
    root: Subtree,
    /// The number of items in `root`.
    len: usize,
    /// Writes since the last root. A removal is held only for an item the trie has.
    pending: std::collections::BTreeMap<Digest, Option<Digest>>,
    /// While a block is applied in place: the value each key merged since
    /// [`Commitment::begin_undo`] had before, to merge back if the block fails.
    undo: Option<std::collections::BTreeMap<Digest, Option<Digest>>>,
}

impl core::fmt::Debug for Commitment {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Commitment({} leaves)", self.len)
    }
}

impl Commitment {
    /// The commitment of an empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// The leaf where the path of `key` ends (if it ends at one) and the sibling hashes along
    /// the way, from the root down.
    fn walk(&self, key: &Digest, mut siblings: Option<&mut Vec<Digest>>) -> Option<&Leaf> {
        let mut at = &self.root;
        let mut depth = 0;
        loop {
            match at {
                Subtree::Empty => return None,
                Subtree::Leaf(leaf) => return Some(leaf),
                Subtree::Node(..) => {
                    let side = bit(key, depth);
                    if let (Some(list), Some(sibling)) = (siblings.as_deref_mut(), at.child(1 - side)) {
                        list.push(sibling.hash());
                    }
                    at = at.child(side)?;
                    depth += 1;
                }
            }
        }
    }

    /// Set (or, with `None`, remove) the item with this key. It shows in [`Commitment::get`]
    /// at once, and in the root and the count from the next [`Commitment::root`].
    pub fn set(&mut self, key: Digest, value: Option<Digest>) {
        if value.is_some() || self.stored(&key).is_some() {
            self.pending.insert(key, value);
        } else {
            // Removing an item the trie does not have: nothing to write (or copy).
            self.pending.remove(&key);
        }
    }

    /// The value hash stored under `key`, pending writes included.
    pub fn get(&self, key: &Digest) -> Option<Digest> {
        match self.pending.get(key) {
            Some(pending) => *pending,
            None => self.stored(key),
        }
    }

    /// The value hash under `key` in the trie, without the pending writes.
    fn stored(&self, key: &Digest) -> Option<Digest> {
        self.walk(key, None).filter(|leaf| leaf.key == *key).map(|leaf| leaf.value)
    }

    /// The values in the trie under the keys of `writes`, as [`Commitment::stored`] gives
    /// them, walking all their paths a level at a time. In a large trie the nodes below the
    /// top are in no cache; one path's loads wait on each other, but the loads of different
    /// paths can be under way together. It also leaves the paths in cache for the merge.
    fn stored_all(&self, writes: &[Write]) -> Vec<Option<Digest>> {
        let mut at: Vec<&Subtree> = vec![&self.root; writes.len()];
        let mut depth = 0;
        let mut moving = true;
        while moving {
            moving = false;
            for (subtree, (key, _)) in at.iter_mut().zip(writes) {
                if let Some(child) = subtree.child(bit(key, depth)) {
                    *subtree = child;
                    moving = true;
                }
            }
            depth += 1;
        }
        at.iter()
            .zip(writes)
            .map(|(subtree, (key, _))| match subtree {
                Subtree::Leaf(leaf) if leaf.key == *key => Some(leaf.value),
                _ => None,
            })
            .collect()
    }

    /// The number of items as of the last [`Commitment::root`].
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there were no items at the last [`Commitment::root`].
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The root, merging the writes since the last call.
    pub fn root(&mut self) -> Digest {
        if !self.pending.is_empty() {
            let writes: Vec<Write> = core::mem::take(&mut self.pending).into_iter().collect();
            if let Some(mut undo) = self.undo.take() {
                // The earliest value of a key is the one to restore.
                for ((key, _), value) in writes.iter().zip(self.stored_all(&writes)) {
                    undo.entry(*key).or_insert(value);
                }
                self.undo = Some(undo);
            }
            self.merge(&writes);
        }
        self.root.hash()
    }

    fn merge(&mut self, writes: &[Write]) {
        let delta = self.root.merge(writes, 0);
        self.len = self.len.saturating_add_signed(delta);
    }

    /// Start keeping what the writes from here on replace, for [`Commitment::roll_back`].
    /// Pending writes are merged first: they are not the block's to undo.
    pub fn begin_undo(&mut self) {
        self.root();
        self.undo = Some(std::collections::BTreeMap::new());
    }

    /// Stop keeping it: the block stands.
    pub fn end_undo(&mut self) {
        self.undo = None;
    }

    /// Undo every write since [`Commitment::begin_undo`]: pending ones are dropped, merged
    /// ones merged back to the values they replaced. The trie is canonical, so it is again
    /// node for node (and hash for hash) what it was.
    pub fn roll_back(&mut self) {
        self.pending.clear();
        if let Some(before) = self.undo.take()
            && !before.is_empty()
        {
            let writes: Vec<Write> = before.into_iter().collect();
            self.merge(&writes);
        }
    }

    /// A proof for `key` (present or absent) against the current root.
    pub fn prove(&mut self, key: &Digest) -> ItemProof {
        self.root();
        let mut siblings = Vec::new();
        let leaf = self.walk(key, Some(&mut siblings)).map(|l| (l.key, l.value));
        siblings.reverse();
        ItemProof { key: *key, leaf, siblings }
    }
}

/// A proof that an item of the trie has a given value (or is absent) under the trie's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemProof {
    /// The item's key.
    pub key: Digest,
    /// The (key, value hash) of the leaf where the key's path ends: the item itself if it is
    /// present; for an absent item, another item whose key shares the path, or `null` where
    /// the path ends in an empty subtree.
    pub leaf: Option<(Digest, Digest)>,
    /// Sibling hashes from the leaf's level up to the root (one per level of the path).
    pub siblings: Vec<Digest>,
}

impl ItemProof {
    /// Check the proof against the trie's `root`: the item is present with value hash
    /// `value`, or absent when `value` is `None`.
    pub fn verify(&self, root: &Digest, value: Option<&Digest>) -> Result<()> {
        if self.root_for(value)? != *root {
            return Err(Error::new(ErrorCode::BadSignature, "state proof: does not lead to the root"));
        }
        Ok(())
    }

    /// The root of the trie in which the item is present with value hash `value` (absent when
    /// `None`) with this path; an error when the proof shows something else.
    pub fn root_for(&self, value: Option<&Digest>) -> Result<Digest> {
        let refuse = |why: &str| Err(Error::new(ErrorCode::BadSignature, format!("state proof: {why}")));
        let depth = self.siblings.len();
        if depth > KEY_BITS {
            return refuse("wrong shape");
        }
        let found = self.leaf.as_ref().filter(|(k, _)| *k == self.key).map(|(_, v)| v);
        if found != value {
            return refuse(if value.is_some() { "item absent or with another value" } else { "item present" });
        }
        // Another item's leaf ends this path only if its key has the same first `depth` bits.
        if let Some((other, _)) = &self.leaf
            && (0..depth).any(|d| bit(other, d) != bit(&self.key, d))
        {
            return refuse("the leaf is not on the key's path");
        }
        let mut hash = self.leaf.as_ref().map_or(EMPTY, |(k, v)| leaf_hash(k, v));
        for (level, sibling) in self.siblings.iter().enumerate() {
            let d = depth - 1 - level;
            hash = if bit(&self.key, d) == 0 { node_hash(&hash, sibling) } else { node_hash(sibling, &hash) };
        }
        Ok(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: u32) -> Vec<(Digest, Digest)> {
        (0..n).map(|i| (leaf_key("t", &i.to_be_bytes()), Digest::sha256(&i.to_le_bytes()))).collect()
    }

    #[test]
    fn root_is_order_independent_and_proofs_verify() {
        let items = items(300);
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
        assert!(a.is_empty());
    }

    #[test]
    fn a_roll_back_restores_the_trie_across_merges_and_pending_writes() {
        let items = items(500);
        let mut c = Commitment::new();
        for (k, v) in &items {
            c.set(*k, Some(*v));
        }
        let root = c.root();
        let unchanged = items.first().map(|(k, v)| (*k, *v));
        c.begin_undo();
        // Overwrite, remove, add; merge twice (a key changed in both), then leave some pending.
        let mut seed = 7u64;
        for round in 0..3u32 {
            for (i, (k, _)) in items.iter().enumerate().skip(1).step_by(3 + round as usize) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let value = (!(seed >> 40).is_multiple_of(4)).then(|| Digest::sha256(&(i as u32 + round).to_be_bytes()));
                c.set(*k, value);
            }
            c.set(leaf_key("new", &round.to_be_bytes()), Some(Digest::sha256(b"new")));
            if round < 2 {
                assert_ne!(c.root(), root);
            }
        }
        c.roll_back();
        assert_eq!(c.root(), root);
        assert_eq!(c.len(), items.len());
        assert_eq!(c.get(&leaf_key("new", &0u32.to_be_bytes())), None);
        for (k, v) in &items {
            assert_eq!(c.get(k), Some(*v));
        }
        // After the block stands, nothing is kept to undo.
        c.begin_undo();
        if let Some((k, _)) = unchanged {
            c.set(k, None);
        }
        let changed = c.root();
        c.end_undo();
        c.roll_back();
        assert_eq!(c.root(), changed);
    }

    /// The root as the layout defines it, computed from scratch from the sorted items.
    fn root_from_scratch(items: &[(Digest, Digest)], depth: usize) -> Digest {
        match items {
            [] => EMPTY,
            [(k, v)] => leaf_hash(k, v),
            _ => {
                let split = items.partition_point(|(k, _)| bit(k, depth) == 0);
                let (left, right) = items.split_at(split);
                node_hash(&root_from_scratch(left, depth + 1), &root_from_scratch(right, depth + 1))
            }
        }
    }

    #[test]
    fn the_incremental_root_equals_the_root_from_scratch() {
        let mut c = Commitment::new();
        let mut model = std::collections::BTreeMap::new();
        assert_eq!(c.root(), root_from_scratch(&[], 0));
        let mut seed = 1u64;
        for round in 0..6u32 {
            // Many changes, then few, with removals: nodes split and collapse.
            let n = if round.is_multiple_of(2) { 3000 } else { 40 };
            for i in 0..n {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let key = leaf_key("t", &(seed % 5000).to_be_bytes());
                let value = (!(seed >> 40).is_multiple_of(7)).then(|| Digest::sha256(&(i + round).to_be_bytes()));
                c.set(key, value);
                match value {
                    Some(v) => model.insert(key, v),
                    None => model.remove(&key),
                };
            }
            let sorted: Vec<(Digest, Digest)> = model.iter().map(|(k, v)| (*k, *v)).collect();
            let root = c.root();
            assert_eq!(root, root_from_scratch(&sorted, 0), "round {round}");
            assert_eq!(c.len(), model.len());
            for k in (0..60u64).map(|i| leaf_key("t", &i.to_be_bytes())) {
                assert_eq!(c.get(&k), model.get(&k).copied());
                c.prove(&k).verify(&root, c.get(&k).as_ref()).unwrap();
            }
        }
    }

    #[test]
    fn clones_are_independent() {
        let mut a = Commitment::new();
        a.set(leaf_key("t", b"1"), Some(Digest::sha256(b"1")));
        a.set(leaf_key("t", b"3"), Some(Digest::sha256(b"3")));
        let r1 = a.root();
        let mut b = a.clone();
        b.set(leaf_key("t", b"2"), Some(Digest::sha256(b"2")));
        b.set(leaf_key("t", b"1"), None);
        assert_ne!(b.root(), r1);
        assert_eq!(a.root(), r1);
        assert_eq!(a.get(&leaf_key("t", b"1")), Some(Digest::sha256(b"1")));
    }

    /// Keys chosen by their first bytes and their last, to build deep, narrow paths.
    fn key_with_prefix(prefix: &[u8], last: u8) -> Digest {
        let mut k = [0x55; 32];
        k[..prefix.len()].copy_from_slice(prefix);
        k[31] = last;
        Digest(k)
    }

    #[test]
    fn keys_sharing_long_prefixes_split_and_collapse() {
        let a = key_with_prefix(&[0xab, 0xcd, 0xef], 0x00);
        let b = key_with_prefix(&[0xab, 0xcd, 0xef], 0x01);
        let c = key_with_prefix(&[0x12], 0xff);
        let mut t = Commitment::new();
        for k in [a, b, c] {
            t.set(k, Some(Digest::sha256(&k.0)));
        }
        let root = t.root();
        let mut sorted = vec![(a, Digest::sha256(&a.0)), (b, Digest::sha256(&b.0)), (c, Digest::sha256(&c.0))];
        sorted.sort();
        assert_eq!(root, root_from_scratch(&sorted, 0));
        // a and b part at their last bit: a's path is 256 levels deep.
        let proof = t.prove(&a);
        assert_eq!(proof.siblings.len(), 256);
        proof.verify(&root, Some(&Digest::sha256(&a.0))).unwrap();
        // An absent key off the a-b path near its end ends in an empty subtree; one whose
        // first bit is c's ends at c's leaf. Both absent, and shown so.
        let near = key_with_prefix(&[0xab, 0xcd, 0xef], 0x02);
        let proof = t.prove(&near);
        assert!(proof.leaf.is_none() && proof.siblings.len() == 255);
        proof.verify(&root, None).unwrap();
        let beside_c = key_with_prefix(&[0x00], 0x00);
        let proof = t.prove(&beside_c);
        assert_eq!(proof.leaf.map(|(k, _)| k), Some(c));
        proof.verify(&root, None).unwrap();
        // Removing b collapses the deep path: the same tree as a and c alone.
        t.set(b, None);
        let mut two = Commitment::new();
        two.set(c, Some(Digest::sha256(&c.0)));
        two.set(a, Some(Digest::sha256(&a.0)));
        assert_eq!(t.root(), two.root());
        assert_eq!(t.prove(&a).siblings.len(), 1);
    }

    #[test]
    fn forged_proofs_are_refused() {
        let mut t = Commitment::new();
        for (k, v) in items(50) {
            t.set(k, Some(v));
        }
        let root = t.root();
        let (key, value) = items(1)[0];
        let honest = t.prove(&key);
        honest.verify(&root, Some(&value)).unwrap();
        // Claiming absence by dropping the leaf, or by putting another item's leaf there.
        let mut no_leaf = honest.clone();
        no_leaf.leaf = None;
        assert!(no_leaf.verify(&root, None).is_err());
        let (other_key, other_value) = items(2)[1];
        let mut other_leaf = honest.clone();
        other_leaf.leaf = Some((other_key, other_value));
        assert!(other_leaf.verify(&root, None).is_err());
        // The other item's own proof, relabelled with this key, is not on this key's path or
        // does not lead to the root.
        let mut relabelled = t.prove(&other_key);
        relabelled.key = key;
        assert!(relabelled.verify(&root, None).is_err());
        // A cut or lengthened path.
        let mut short = honest.clone();
        short.siblings.pop();
        assert!(short.verify(&root, Some(&value)).is_err());
        let mut long = honest.clone();
        long.siblings.insert(0, EMPTY);
        assert!(long.verify(&root, Some(&value)).is_err());
        let mut too_long = honest;
        too_long.siblings = vec![EMPTY; 257];
        assert!(too_long.verify(&root, Some(&value)).is_err());
    }

    proptest::proptest! {
        // Deep paths make each case's proofs costly in a debug build: fewer cases.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// Any sequence of writes and removals, over keys that share long prefixes as well as
        /// random ones, gives the root the layout defines for the items that remain, and every
        /// key (present or not) a proof of exactly what is there; copies taken along the way
        /// keep their own roots.
        #[test]
        fn any_writes_give_the_canonical_root_and_sound_proofs(
            ops in proptest::collection::vec((0u8..48, proptest::option::of(0u8..4)), 1..120),
        ) {
            // Keys 0..16 differ only in their last byte: paths 250 levels and more deep.
            let key = |k: u8| if k < 16 { key_with_prefix(&[0xab; 31], k) } else { leaf_key("p", &[k]) };
            let mut t = Commitment::new();
            let mut model = std::collections::BTreeMap::new();
            let mut copies = Vec::new();
            for (i, (k, v)) in ops.iter().enumerate() {
                let value = v.map(|v| Digest::sha256(&[v]));
                t.set(key(*k), value);
                match value {
                    Some(v) => model.insert(key(*k), v),
                    None => model.remove(&key(*k)),
                };
                if i % 40 == 0 {
                    copies.push((t.clone(), model.clone()));
                }
            }
            for (mut copy, items) in copies.into_iter().chain([(t, model)]) {
                let sorted: Vec<(Digest, Digest)> = items.iter().map(|(k, v)| (*k, *v)).collect();
                let root = copy.root();
                proptest::prop_assert_eq!(root, root_from_scratch(&sorted, 0));
                proptest::prop_assert_eq!(copy.len(), items.len());
                for k in (0..48).map(key) {
                    let proof = copy.prove(&k);
                    let present = items.get(&k);
                    proptest::prop_assert!(proof.verify(&root, present).is_ok());
                    let other = Digest::sha256(b"other");
                    proptest::prop_assert!(proof.verify(&root, Some(&other)).is_err());
                    if present.is_some() {
                        proptest::prop_assert!(proof.verify(&root, None).is_err());
                    }
                }
            }
        }
    }

    #[test]
    fn removing_an_absent_item_changes_nothing() {
        let mut t = Commitment::new();
        for (k, v) in items(20) {
            t.set(k, Some(v));
        }
        let root = t.root();
        let copy = t.clone();
        t.set(leaf_key("t", b"absent"), None);
        assert_eq!(t.root(), root);
        // Nothing was copied: the two share their top node still.
        assert!(t.pending.is_empty());
        match (&t.root, &copy.root) {
            (Subtree::Node(_, a), Subtree::Node(_, b)) => assert!(Arc::ptr_eq(a, b)),
            _ => panic!("20 items make an inner node"),
        }
    }
}

//! RFC 6962-style Merkle trees over a list: leaves hashed as `SHA-256(0x00 || data)`, inner
//! nodes as `SHA-256(0x01 || left || right)`, so a leaf can never be passed off as a node (the
//! second-preimage attack on plain Merkle trees). The tree of n leaves splits at the largest
//! power of two below n (RFC 6962 §2.1); the root of no leaves is SHA-256 of nothing.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};

/// Hash of a leaf.
pub fn leaf_hash(data: &[u8]) -> Digest {
    leaf_hash_of_parts([data])
}

/// Hash of a leaf whose data comes in parts (their concatenation), without joining them.
pub fn leaf_hash_of_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Digest {
    let mut h = sha2::Sha256::new();
    h.update([0u8]);
    parts.into_iter().for_each(|p| h.update(p));
    Digest(h.finalize().into())
}

/// Hash of an inner node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    tagged_pair_hash(1, left, right)
}

/// `SHA-256(tag || a || b)` for two 32-byte values.
///
/// The 65 bytes and their padding are laid out as SHA-256's two blocks here and compressed
/// directly: the state commitment hashes thousands of these a block, and the general hasher's
/// buffering costs about as much as the compression itself.
pub(crate) fn tagged_pair_hash(tag: u8, a: &Digest, b: &Digest) -> Digest {
    const IV: [u32; 8] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
    let mut first = [0u8; 64];
    let mut second = [0u8; 64];
    let (tag_part, rest) = first.split_at_mut(1);
    let (a_part, b_part) = rest.split_at_mut(32);
    tag_part.copy_from_slice(&[tag]);
    a_part.copy_from_slice(&a.0);
    let (b_head, b_last) = b.0.split_at(31);
    b_part.copy_from_slice(b_head);
    // The last byte, the padding's 0x80, zeros, and the message length in bits (big-endian).
    let (start, rest) = second.split_at_mut(1);
    start.copy_from_slice(b_last);
    let (pad, rest) = rest.split_at_mut(1);
    pad.copy_from_slice(&[0x80]);
    let (_, length) = rest.split_at_mut(54);
    length.copy_from_slice(&(65u64 * 8).to_be_bytes());
    let mut state = IV;
    sha2::block_api::compress256(&mut state, &[first, second]);
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    Digest(out)
}

/// The largest power of two strictly below `n` (n >= 2): where RFC 6962 splits a tree.
pub(crate) fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// The root over already-hashed leaves.
pub fn root_of_hashes(leaves: &[Digest]) -> Digest {
    match leaves {
        [] => Digest::sha256(b""),
        [one] => *one,
        _ => {
            let (l, r) = leaves.split_at(split(leaves.len()));
            node_hash(&root_of_hashes(l), &root_of_hashes(r))
        }
    }
}

/// The root over raw leaves.
pub fn root<T: AsRef<[u8]>>(leaves: &[T]) -> Digest {
    let hashes: Vec<Digest> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    root_of_hashes(&hashes)
}

/// An audit path: the sibling hashes from the leaf up to the root (RFC 6962 §2.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionProof {
    /// The leaf's index.
    pub index: u64,
    /// The number of leaves.
    pub size: u64,
    /// Sibling hashes, leaf level first.
    pub path: Vec<Digest>,
}

/// The proof that leaf `index` is in the tree over `leaves` (already hashed).
pub fn prove(leaves: &[Digest], index: usize) -> Result<InclusionProof> {
    if index >= leaves.len() {
        return Err(Error::new(ErrorCode::InvalidValue, "leaf index outside the tree"));
    }
    let mut path = Vec::new();
    collect_path(leaves, index, &mut path);
    Ok(InclusionProof { index: index as u64, size: leaves.len() as u64, path })
}

fn collect_path(leaves: &[Digest], index: usize, path: &mut Vec<Digest>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    let (l, r) = leaves.split_at(k);
    if index < k {
        collect_path(l, index, path);
        path.push(root_of_hashes(r));
    } else {
        collect_path(r, index - k, path);
        path.push(root_of_hashes(l));
    }
}

impl InclusionProof {
    /// Whether `leaf` (already hashed) is at `index` of a tree of `size` leaves with `root`.
    pub fn verify(&self, leaf: &Digest, root: &Digest) -> Result<()> {
        if self.root_from(leaf)? != *root {
            return Err(Error::new(ErrorCode::BadSignature, "inclusion proof does not lead to the root"));
        }
        Ok(())
    }

    /// The root of the tree of `size` leaves in which `leaf` (already hashed) is at `index`
    /// with this audit path; an error when the path does not fit the index and size.
    pub fn root_from(&self, leaf: &Digest) -> Result<Digest> {
        if self.index >= self.size || self.path.len() > 64 {
            return Err(Error::new(ErrorCode::InvalidValue, "inclusion proof out of range"));
        }
        // RFC 9162 §2.1.3.2: walk up, choosing sides from the index bits.
        let (mut fnode, mut snode) = (self.index, self.size - 1);
        let mut r = *leaf;
        for p in &self.path {
            if snode == 0 {
                return Err(Error::new(ErrorCode::BadSignature, "inclusion proof longer than the tree"));
            }
            if fnode & 1 == 1 || fnode == snode {
                r = node_hash(p, &r);
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            } else {
                r = node_hash(&r, p);
            }
            fnode >>= 1;
            snode >>= 1;
        }
        if snode != 0 {
            return Err(Error::new(ErrorCode::BadSignature, "inclusion proof shorter than the tree"));
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The hand-padded node hash is SHA-256 of `0x01 || left || right`.
        #[test]
        fn node_hash_is_sha256_of_its_input(l in proptest::array::uniform32(0u8..=255), r in proptest::array::uniform32(0u8..=255)) {
            let mut input = vec![1u8];
            input.extend_from_slice(&l);
            input.extend_from_slice(&r);
            proptest::prop_assert_eq!(node_hash(&Digest(l), &Digest(r)), Digest::sha256(&input));
        }
    }

    #[test]
    fn empty_and_single() {
        assert_eq!(root::<&[u8]>(&[]).to_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(root(&[b"a"]), leaf_hash(b"a"));
    }

    #[test]
    fn leaf_and_node_hashes_differ() {
        let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
        let mut concat = vec![];
        concat.extend_from_slice(&a.0);
        concat.extend_from_slice(&b.0);
        assert_ne!(node_hash(&a, &b), leaf_hash(&concat));
    }

    #[test]
    fn every_proof_of_every_size_verifies_and_no_other() {
        for n in 1..=17usize {
            let leaves: Vec<Digest> = (0..n).map(|i| leaf_hash(&[i as u8])).collect();
            let r = root_of_hashes(&leaves);
            for i in 0..n {
                let p = prove(&leaves, i).unwrap();
                p.verify(&leaves[i], &r).unwrap();
                let wrong = leaf_hash(b"x");
                assert!(p.verify(&wrong, &r).is_err());
                if n > 1 {
                    let moved = InclusionProof { index: ((i + 1) % n) as u64, ..p.clone() };
                    assert!(moved.verify(&leaves[i], &r).is_err(), "n={n} i={i}");
                }
            }
        }
    }
}

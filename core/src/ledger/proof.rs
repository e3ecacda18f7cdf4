//! The state root that every block header carries, and the proofs a light client checks
//! against it: that a party which trusts a header can check one answer (a consent, a record
//! entry, a key) without the ledger.
//!
//! The root commits to the state's two parts: the keyed trie of items
//! ([`super::commitment`]) and the append-only tree of record entries
//! ([`super::record_log`]), with the number of entries:
//! `SHA-256("fhirbus/v1/state-root\0" || items root || records root || count as u64 BE)`.
//! A proof is one part's proof with the other part's root beside it. A present item is
//! checked by its value hash, which names it; an absent one against the key it is about.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::commitment::ItemProof;
use super::merkle::{InclusionProof, leaf_hash};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};

/// The state root over the items' root and the records' root and count.
pub fn state_root(items: &Digest, records: &Digest, count: u64) -> Digest {
    let mut h = sha2::Sha256::new();
    h.update(b"fhirbus/v1/state-root\0");
    h.update(items.as_bytes());
    h.update(records.as_bytes());
    h.update(count.to_be_bytes());
    Digest(h.finalize().into())
}

/// A proof that a state item has a given value (or, for an item other than a record entry,
/// is absent) under a state root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum StateProof {
    /// An item of the keyed trie (a member, patient, consent, ...), present or absent.
    #[serde(rename_all = "camelCase")]
    Item {
        /// The path in the trie.
        proof: ItemProof,
        /// The records' root.
        records_root: Digest,
        /// The number of record entries.
        records: u64,
    },
    /// A registered record entry, at its position in registration order.
    #[serde(rename_all = "camelCase")]
    Record {
        /// The audit path in the records' tree (its size is the number of entries).
        proof: InclusionProof,
        /// The items' root.
        items_root: Digest,
    },
}

impl StateProof {
    /// Check that the item with value hash `value` is under `root`, where the value names its
    /// item: a record entry's covers the entry id, and a member's, patient's or consent's
    /// view carries its own id. The caller computes `value` from the answer it was given,
    /// and the proof shows that answer committed, whatever key it names. A data key epoch's
    /// or share's value does not name its item: check those with [`Self::verify_at`].
    pub fn verify(&self, root: &Digest, value: &Digest) -> Result<()> {
        let implied = match self {
            Self::Item { proof, records_root, records } => state_root(&proof.root_for(Some(value))?, records_root, *records),
            Self::Record { proof, items_root } => {
                let records_root =
                    proof.root_from(&leaf_hash(value.as_bytes())).map_err(|e| Error::new(ErrorCode::BadSignature, format!("state proof: {}", e.detail())))?;
                state_root(items_root, &records_root, proof.size)
            }
        };
        Self::leads_to(&implied, root)
    }

    /// Check that the keyed item `key` (see [`super::state::item`]) has value hash `value`
    /// under `root`: [`Self::verify`], and the proof is about that key.
    pub fn verify_at(&self, root: &Digest, key: &Digest, value: &Digest) -> Result<()> {
        match self {
            Self::Item { proof, .. } if proof.key == *key => self.verify(root, value),
            Self::Item { .. } => Err(Error::new(ErrorCode::BadSignature, "state proof: about another item")),
            Self::Record { .. } => Err(Error::new(ErrorCode::BadSignature, "state proof: a record entry is no keyed item")),
        }
    }

    /// Check that the keyed item `key` (see [`super::state::item`]) is absent under `root`.
    /// An absence has no value to name its item, so the key the caller expects is checked
    /// against the proof's: a proof of another key's absence shows nothing about this one.
    /// A record entry's absence is never shown (entries are committed in registration order,
    /// not by id).
    pub fn verify_absent(&self, root: &Digest, key: &Digest) -> Result<()> {
        match self {
            Self::Item { proof, records_root, records } if proof.key == *key => {
                Self::leads_to(&state_root(&proof.root_for(None)?, records_root, *records), root)
            }
            Self::Item { .. } => Err(Error::new(ErrorCode::BadSignature, "state proof: about another item")),
            Self::Record { .. } => Err(Error::new(ErrorCode::BadSignature, "state proof: a record entry's proof shows it present, never absent")),
        }
    }

    fn leads_to(implied: &Digest, root: &Digest) -> Result<()> {
        if implied != root {
            return Err(Error::new(ErrorCode::BadSignature, "state proof: does not lead to the root"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::commitment::{Commitment, leaf_key};
    use crate::ledger::record_log::RecordLog;

    /// A state of three keyed items and five record entries, its root, and its parts.
    fn parts() -> (Commitment, RecordLog, Digest) {
        let mut items = Commitment::new();
        for i in 0u8..3 {
            items.set(leaf_key("t", &[i]), Some(Digest::sha256(&[i])));
        }
        let mut records = RecordLog::default();
        for i in 0u8..5 {
            records.push(&Digest::sha256(&[100 + i]));
        }
        let root = state_root(&items.root(), &records.root(), 5);
        (items, records, root)
    }

    #[test]
    fn both_kinds_of_proof_verify_and_read_back_from_json() {
        let (mut items, records, root) = parts();
        let item = StateProof::Item { proof: items.prove(&leaf_key("t", &[1])), records_root: records.root(), records: 5 };
        let absent = StateProof::Item { proof: items.prove(&leaf_key("t", &[9])), records_root: records.root(), records: 5 };
        let record = StateProof::Record { proof: records.prove(3).unwrap(), items_root: items.root() };
        item.verify(&root, &Digest::sha256(&[1])).unwrap();
        absent.verify_absent(&root, &leaf_key("t", &[9])).unwrap();
        record.verify(&root, &Digest::sha256(&[103])).unwrap();
        // At its key only; an absence is about one key only; a present item and a record
        // entry are not absent.
        item.verify_at(&root, &leaf_key("t", &[1]), &Digest::sha256(&[1])).unwrap();
        assert!(item.verify_at(&root, &leaf_key("t", &[2]), &Digest::sha256(&[1])).is_err());
        assert!(record.verify_at(&root, &leaf_key("t", &[1]), &Digest::sha256(&[103])).is_err());
        assert!(absent.verify_absent(&root, &leaf_key("t", &[8])).is_err());
        assert!(item.verify_absent(&root, &leaf_key("t", &[1])).is_err());
        assert!(record.verify_absent(&root, &leaf_key("t", &[9])).is_err());
        for proof in [item, absent, record] {
            let json = serde_json::to_vec(&proof).unwrap();
            assert_eq!(serde_json::from_slice::<StateProof>(&json).unwrap(), proof);
        }
    }

    #[test]
    fn a_proof_that_says_anything_else_is_refused() {
        let (mut items, records, root) = parts();
        let record = StateProof::Record { proof: records.prove(3).unwrap(), items_root: items.root() };
        // Another value, another position's, absence, another count of entries.
        for value in [Digest::sha256(&[104]), Digest::sha256(&[1])] {
            assert_eq!(record.verify(&root, &value).unwrap_err().code(), ErrorCode::BadSignature);
        }
        let other_records = StateProof::Item { proof: items.prove(&leaf_key("t", &[1])), records_root: Digest::sha256(&[0]), records: 5 };
        assert!(other_records.verify(&root, &Digest::sha256(&[1])).is_err());
        let honest_root = RecordLog::root(&records);
        let recount = StateProof::Item { proof: items.prove(&leaf_key("t", &[1])), records_root: honest_root, records: 4 };
        assert!(recount.verify(&root, &Digest::sha256(&[1])).is_err());
        // A record's leaf passed off as a keyed item's value, and the other way round.
        let as_item = StateProof::Item { proof: items.prove(&leaf_key("t", &[103])), records_root: honest_root, records: 5 };
        assert!(as_item.verify(&root, &Digest::sha256(&[103])).is_err());
        let short = StateProof::Record { proof: records.prove(3).map(|p| InclusionProof { size: 4, ..p }).unwrap(), items_root: items.root() };
        assert!(short.verify(&root, &Digest::sha256(&[103])).is_err());
        // Unknown fields in either shape, and both shapes at once.
        let zero = "0".repeat(64);
        let record = format!(r#"{{"proof":{{"index":0,"size":1,"path":[]}},"itemsRoot":"{zero}""#);
        let item = format!(r#"{{"proof":{{"key":"{zero}","leaf":null,"siblings":[]}},"recordsRoot":"{zero}","records":0"#);
        assert!(serde_json::from_str::<StateProof>(&format!(r#"{{"record":{record}}}}}"#)).is_ok());
        assert!(serde_json::from_str::<StateProof>(&format!(r#"{{"item":{item}}}}}"#)).is_ok());
        for json in [
            format!(r#"{{"record":{record},"extra":1}}}}"#),
            format!(r#"{{"item":{item},"extra":1}}}}"#),
            format!(r#"{{"record":{record}}},"item":{item}}}}}"#),
        ] {
            assert!(serde_json::from_str::<StateProof>(&json).is_err(), "{json}");
        }
    }
}

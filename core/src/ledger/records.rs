//! The registered record entries: in registration order in a persistent vector, found by id
//! through an ordered map of positions, and committed in that order by their own tree
//! ([`RecordLog`]), which every change here keeps current.
//!
//! A block's registrations land at the vector's end, a few chunks of 64 a block, and the map
//! from ids to positions holds plain numbers: with a million records, where each registration
//! copies one of the map's leaf nodes, the copy is bytes, not 64 references to count up and,
//! when the replaced state is freed, down again.

use super::merkle::InclusionProof;
use super::record_log::RecordLog;
use super::state::RecordState;
use crate::digest::Digest;
use crate::record::SignedRecordEntry;

/// The record entries. Cloning is cheap (shared structure), and a clone's changes never show
/// in the original.
#[derive(Clone, Default)]
pub struct Records {
    entries: imbl::Vector<RecordState>,
    by_id: imbl::OrdMap<Digest, usize>,
    /// Leaf `i` commits entry `i` as it stands.
    log: RecordLog,
    /// While a block is applied in place: each change of an entry's successor (position, the
    /// value before), to undo if the block fails. Registrations need no note: they are the
    /// entries past the length the block started at.
    undo: Option<Vec<(usize, Option<Digest>)>>,
}

impl core::fmt::Debug for Records {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Records({})", self.entries.len())
    }
}

impl Records {
    /// Register `entry` under `id` and give its position, unless `id` is taken: then nothing
    /// changes and the answer is `None`.
    pub fn insert(&mut self, id: Digest, entry: &SignedRecordEntry) -> Option<usize> {
        let at = self.entries.len();
        // One walk of the map for a new id, the usual case.
        if let Some(taken) = self.by_id.insert(id, at) {
            self.by_id.insert(id, taken);
            return None;
        }
        let record = RecordState { id, entry: entry.clone(), superseded_by: None };
        self.log.push(&record.commitment());
        self.entries.push_back(record);
        Some(at)
    }

    /// The entry registered under `id`.
    pub fn get(&self, id: &Digest) -> Option<&RecordState> {
        self.by_id.get(id).and_then(|at| self.entries.get(*at))
    }

    /// The entry registered at position `at` (in registration order).
    pub fn at(&self, at: usize) -> Option<&RecordState> {
        self.entries.get(at)
    }

    /// Record that `by` superseded the entry registered under `id`; false if there is none.
    pub fn set_superseded_by(&mut self, id: &Digest, by: Digest) -> bool {
        let Some(&at) = self.by_id.get(id) else { return false };
        let Some(record) = self.entries.get_mut(at) else { return false };
        let before = record.superseded_by.replace(by);
        self.log.set(at, &record.commitment());
        if let Some(undo) = &mut self.undo {
            undo.push((at, before));
        }
        true
    }

    /// Start noting changes, for [`Records::roll_back`]; returns the length to roll back to.
    pub fn begin_undo(&mut self) -> usize {
        self.undo = Some(Vec::new());
        self.entries.len()
    }

    /// Stop noting changes: the block stands.
    pub fn end_undo(&mut self) {
        self.undo = None;
    }

    /// Undo everything since [`Records::begin_undo`] returned `len`: successors put back,
    /// newest change first, and the entries registered since then dropped with their ids.
    pub fn roll_back(&mut self, len: usize) {
        self.log.truncate(len);
        for (at, before) in self.undo.take().unwrap_or_default().into_iter().rev() {
            if let Some(record) = self.entries.get_mut(at) {
                record.superseded_by = before;
                self.log.set(at, &record.commitment());
            }
        }
        while self.entries.len() > len {
            if let Some(record) = self.entries.pop_back() {
                self.by_id.remove(&record.id);
            }
        }
    }

    /// The root of the entries' tree.
    pub fn root(&self) -> Digest {
        self.log.root()
    }

    /// The audit path of the entry registered under `id` in the entries' tree.
    pub fn prove(&self, id: &Digest) -> Option<InclusionProof> {
        self.by_id.get(id).and_then(|at| self.log.prove(*at))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::DataKey;
    use crate::pseudonym::Pseudonym;
    use crate::record::{NewRecordEntry, RecordEntry};
    use crate::signature::SigningKey;
    use crate::{OrgId, ResourceType, Timestamp};

    fn entry(n: u8) -> (Digest, SignedRecordEntry) {
        let new = NewRecordEntry {
            custodian: OrgId::new("hospital-a").unwrap(),
            patient: Pseudonym([n; 32]),
            resource_type: ResourceType::new("Observation").unwrap(),
            digest: Digest::sha256(&[n]),
            epoch: 1,
            time: Timestamp(1_764_000_000_000),
            pointer: "https://fhir.hospital-a.example/fhir/Observation/1",
        };
        let mut zeros = |buf: &mut [u8]| -> crate::Result<()> {
            buf.fill(n);
            Ok(())
        };
        let sealed = RecordEntry::seal(new, &DataKey::from_bytes(&[9; 32]).unwrap(), &mut zeros).unwrap();
        let signed = sealed.sign(&SigningKey::from_secret(&[7; 32]).unwrap()).unwrap();
        (Digest::sha256(&[n, n]), signed)
    }

    #[test]
    fn an_id_is_registered_once_and_clones_are_independent() {
        let mut a = Records::default();
        let (id1, e1) = entry(1);
        let (id2, e2) = entry(2);
        assert!(a.insert(id1, &e1) == Some(0) && a.len() == 1);
        let mut b = a.clone();
        // A taken id changes nothing, whatever entry comes with it.
        assert!(b.insert(id1, &e2).is_none());
        assert_eq!(b.get(&id1).map(|r| &r.entry), Some(&e1));
        assert!(b.insert(id2, &e2) == Some(1) && b.at(1).is_some_and(|r| r.id == id2));
        assert!(b.set_superseded_by(&id1, id2));
        assert_eq!((a.len(), b.len()), (1, 2));
        assert_eq!(a.get(&id1).and_then(|r| r.superseded_by), None);
        assert_eq!(b.get(&id1).and_then(|r| r.superseded_by), Some(id2));
        assert!(a.get(&id2).is_none() && b.get(&id2).is_some_and(|r| r.id == id2));
        assert!(!b.set_superseded_by(&Digest([0; 32]), id2));
    }

    #[test]
    fn a_roll_back_undoes_registrations_and_successors() {
        let (ids, signed): (Vec<Digest>, Vec<SignedRecordEntry>) = (1..=4).map(entry).unzip();
        let mut records = Records::default();
        records.insert(ids[0], &signed[0]);
        records.insert(ids[1], &signed[1]);
        let len = records.begin_undo();
        assert!(records.insert(ids[2], &signed[2]).is_some() && records.insert(ids[3], &signed[3]).is_some());
        assert!(records.set_superseded_by(&ids[0], ids[2]));
        assert!(records.set_superseded_by(&ids[2], ids[3]));
        assert!(records.set_superseded_by(&ids[0], ids[3]));
        records.roll_back(len);
        assert_eq!(records.len(), 2);
        assert!(records.get(&ids[2]).is_none() && records.get(&ids[3]).is_none());
        assert_eq!(records.get(&ids[0]).map(|r| r.superseded_by), Some(None));
        // The ids are free again.
        assert_eq!(records.insert(ids[2], &signed[2]), Some(2));
    }
}

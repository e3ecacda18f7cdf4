//! The audit log: every event in order, and each party's trail through it.
//!
//! The events sit in one persistent vector, each with the position of the previous event of
//! each party it concerns (its patient, the organisation that acted, the organisation it was
//! about). A party's trail is the position of its newest event and a count, so the maps from
//! parties to trails hold plain numbers: a block that touches a thousand trails copies map
//! nodes byte for byte, with no reference to count up when it copies them or down when the
//! copy is freed, and appending an event allocates nothing but, every 64 events, a new chunk
//! of the vector.
//!
//! A registration, by far the most common event, is kept as its record's position and its
//! height: everything else it says is its record's (see `AuditEvent::registration`). So
//! reading the log, and undoing an append, take the records the log was written with.

use super::audit::AuditEvent;
use super::records::Records;
use super::state::RecordState;
use crate::ids::OrgId;
use crate::pseudonym::Pseudonym;

/// The end of a party's trail.
#[derive(Clone, Copy, Debug)]
struct Head {
    /// Position of the party's newest event.
    newest: usize,
    /// How many events concern the party.
    len: usize,
}

/// An event as the log keeps it.
#[derive(Clone)]
enum Kept {
    /// A registration: the position of the record it registered, and its block's height.
    Registration { record: usize, height: u64 },
    /// Any other event, whole (boxed, so that a registration's entry stays small).
    Whole(Box<AuditEvent>),
}

/// The parties of an event: its patient, the organisation that acted, the one it was about.
#[derive(Default)]
struct Parties<'a> {
    patient: Option<&'a Pseudonym>,
    actor: Option<&'a OrgId>,
    subject: Option<&'a OrgId>,
}

impl<'a> Parties<'a> {
    fn of(event: &'a AuditEvent) -> Self {
        Self { patient: event.patient.as_ref(), actor: event.actor.as_ref(), subject: event.subject_org.as_ref() }
    }
}

impl Kept {
    fn parties<'a>(&'a self, records: &'a Records) -> Parties<'a> {
        match self {
            Self::Whole(e) => Parties::of(e),
            Self::Registration { record, .. } => records
                .at(*record)
                .map(|r| Parties { patient: Some(&r.entry.entry.patient), actor: Some(&r.entry.entry.custodian), subject: None })
                .unwrap_or_default(),
        }
    }

    /// The record the event registered, if it registered one.
    fn registered<'r>(&self, records: &'r Records) -> Option<&'r RecordState> {
        match self {
            Self::Whole(e) if e.action.registers_a_record() => e.entry.as_ref().and_then(|id| records.get(id)),
            Self::Whole(_) => None,
            Self::Registration { record, .. } => records.at(*record),
        }
    }

    fn event(&self, records: &Records) -> Option<AuditEvent> {
        match self {
            Self::Whole(e) => Some((**e).clone()),
            Self::Registration { record, height } => records.at(*record).map(|r| AuditEvent::registration(*height, r.id, &r.entry.entry)),
        }
    }
}

/// An event and, for each of its parties, the position of that party's previous event.
#[derive(Clone)]
struct Entry {
    kept: Kept,
    previous_of_patient: Option<usize>,
    previous_of_actor: Option<usize>,
    /// Unset when the subject organisation is the actor: the event is in its trail once.
    previous_of_subject: Option<usize>,
}

/// The audit log. Cloning is cheap (shared structure), and a clone's appends never show in
/// the original.
#[derive(Clone, Default)]
pub struct AuditLog {
    entries: imbl::Vector<Entry>,
    by_patient: imbl::OrdMap<Pseudonym, Head>,
    by_org: imbl::OrdMap<OrgId, Head>,
}

impl core::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "AuditLog({} events)", self.entries.len())
    }
}

/// Make `at` the newest event of the trail `key` names in `heads`; returns the previous one.
fn link<K: Ord + Clone>(heads: &mut imbl::OrdMap<K, Head>, key: &K, at: usize) -> Option<usize> {
    // One walk of the map when the trail exists, as it does for all but a party's first event.
    match heads.get_mut(key) {
        Some(head) => {
            let previous = head.newest;
            *head = Head { newest: at, len: head.len.saturating_add(1) };
            Some(previous)
        }
        None => {
            heads.insert(key.clone(), Head { newest: at, len: 1 });
            None
        }
    }
}

/// Undo [`link`]: the trail `key` names ends again at `previous`, or is gone if the event was
/// its first.
fn unlink<K: Ord + Clone>(heads: &mut imbl::OrdMap<K, Head>, key: &K, previous: Option<usize>) {
    match (previous, heads.get_mut(key)) {
        (Some(newest), Some(head)) => *head = Head { newest, len: head.len.saturating_sub(1) },
        _ => {
            heads.remove(key);
        }
    }
}

impl AuditLog {
    /// Append `event` to the log and to the trails of its parties.
    pub fn append(&mut self, event: AuditEvent) {
        let previous = self.link_parties(&Parties::of(&event));
        self.push(Kept::Whole(Box::new(event)), previous);
    }

    /// Append `event`, the registration of the record at position `record` of the records (as
    /// `AuditEvent::registration` makes it), keeping only that position and its height.
    pub fn append_registration(&mut self, event: &AuditEvent, record: usize) {
        let previous = self.link_parties(&Parties::of(event));
        self.push(Kept::Registration { record, height: event.height }, previous);
    }

    /// Make the next position the newest of each party's trail; returns the previous newest
    /// of the patient's, the actor's and the subject's.
    fn link_parties(&mut self, parties: &Parties<'_>) -> [Option<usize>; 3] {
        let at = self.entries.len();
        let of_patient = parties.patient.and_then(|p| link(&mut self.by_patient, p, at));
        let of_actor = parties.actor.and_then(|org| link(&mut self.by_org, org, at));
        let of_subject = match (parties.subject, parties.actor) {
            (Some(subject), actor) if actor != Some(subject) => link(&mut self.by_org, subject, at),
            _ => None,
        };
        [of_patient, of_actor, of_subject]
    }

    fn push(&mut self, kept: Kept, [previous_of_patient, previous_of_actor, previous_of_subject]: [Option<usize>; 3]) {
        self.entries.push_back(Entry { kept, previous_of_patient, previous_of_actor, previous_of_subject });
    }

    /// Drop the events from position `len` on, newest first, and put each of their parties'
    /// trails back as it was before the event: a block applied in place that fails is undone
    /// this way. Each event holds its parties' previous positions, so nothing else is kept.
    /// `records` must still hold the records the dropped registrations name.
    pub fn truncate(&mut self, len: usize, records: &Records) {
        while self.entries.len() > len {
            let Some(entry) = self.entries.pop_back() else { break };
            let parties = entry.kept.parties(records);
            if let Some(p) = parties.patient {
                unlink(&mut self.by_patient, p, entry.previous_of_patient);
            }
            if let Some(actor) = parties.actor {
                unlink(&mut self.by_org, actor, entry.previous_of_actor);
            }
            if let Some(subject) = parties.subject
                && parties.actor != Some(subject)
            {
                unlink(&mut self.by_org, subject, entry.previous_of_subject);
            }
        }
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the log has no events.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every event that concerns patient `p`, oldest first.
    pub fn of_patient(&self, p: &Pseudonym, records: &Records) -> Vec<AuditEvent> {
        self.patient_trail(p).into_iter().filter_map(|kept| kept.event(records)).collect()
    }

    /// Every event in which `org` acted or was the subject, oldest first.
    pub fn of_org(&self, org: &OrgId, records: &Records) -> Vec<AuditEvent> {
        self.org_trail(org, records).into_iter().filter_map(|kept| kept.event(records)).collect()
    }

    /// The records the events of patient `p` registered, in registration order (new versions
    /// included): read off the trail, with no event made.
    pub fn registered_for_patient<'r>(&self, p: &Pseudonym, records: &'r Records) -> Vec<&'r RecordState> {
        self.patient_trail(p).into_iter().filter_map(|kept| kept.registered(records)).collect()
    }

    /// The records `org` registered, in registration order.
    pub fn registered_by_org<'r>(&self, org: &OrgId, records: &'r Records) -> Vec<&'r RecordState> {
        let trail = self.org_trail(org, records).into_iter();
        trail.filter(|kept| kept.parties(records).actor == Some(org)).filter_map(|kept| kept.registered(records)).collect()
    }

    fn patient_trail(&self, p: &Pseudonym) -> Vec<&Kept> {
        self.trail(self.by_patient.get(p), |entry| entry.previous_of_patient)
    }

    fn org_trail(&self, org: &OrgId, records: &Records) -> Vec<&Kept> {
        self.trail(self.by_org.get(org), |entry| {
            if entry.kept.parties(records).actor == Some(org) { entry.previous_of_actor } else { entry.previous_of_subject }
        })
    }

    /// The trail ending at `head`, following `previous` back, oldest first.
    fn trail(&self, head: Option<&Head>, previous: impl Fn(&Entry) -> Option<usize>) -> Vec<&Kept> {
        let Some(head) = head else { return Vec::new() };
        let mut trail = Vec::with_capacity(head.len);
        let mut at = Some(head.newest);
        while let Some(entry) = at.and_then(|i| self.entries.get(i)) {
            trail.push(&entry.kept);
            at = previous(entry);
        }
        trail.reverse();
        trail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;
    use crate::ledger::audit::AuditAction;
    use crate::time::Timestamp;

    fn org(name: &str) -> OrgId {
        OrgId::new(name).unwrap()
    }

    fn event(n: u64, patient: Option<u8>, actor: Option<&str>, subject: Option<&str>) -> AuditEvent {
        let mut e = AuditEvent::new(n, Timestamp(n), Digest::sha256(&n.to_be_bytes()), AuditAction::GovernanceChanged);
        e.patient = patient.map(|p| Pseudonym([p; 32]));
        e.actor = actor.map(org);
        e.subject_org = subject.map(org);
        e
    }

    fn heights(events: Vec<AuditEvent>) -> Vec<u64> {
        events.iter().map(|e| e.height).collect()
    }

    fn records() -> Records {
        Records::default()
    }

    /// Register, in `records`, a record of `patient` by `custodian`, and return the event of
    /// its registration at height `n` and the record's position.
    fn registration(records: &mut Records, n: u64, patient: u8, custodian: &str) -> (AuditEvent, usize) {
        use crate::record::{NewRecordEntry, RecordEntry, SignedRecordEntry};
        let new = NewRecordEntry {
            custodian: org(custodian),
            patient: Pseudonym([patient; 32]),
            resource_type: crate::ResourceType::new("Observation").unwrap(),
            digest: Digest::sha256(&n.to_le_bytes()),
            epoch: 1,
            time: Timestamp(n),
            pointer: "https://fhir.example/Observation/1",
        };
        let mut fill = |buf: &mut [u8]| -> crate::Result<()> {
            buf.fill(7);
            Ok(())
        };
        let entry = RecordEntry::seal(new, &crate::pointer::DataKey::from_bytes(&[9; 32]).unwrap(), &mut fill).unwrap();
        // Never checked here: any signature does.
        let signature = crate::signature::Signature::from_bytes(crate::ids::KeyId([1; 32]), &[1; 64]).unwrap();
        let id = Digest::sha256(&n.to_be_bytes());
        let at = records.insert(id, &SignedRecordEntry { entry, signature }).unwrap();
        let event = AuditEvent::registration(n, id, &records.at(at).unwrap().entry.entry);
        (event, at)
    }

    /// An event's patient, actor and subject (by number), and whether it is a registration.
    type Described = (Option<u8>, Option<u8>, Option<u8>, bool);

    /// The log of the described events (each a registration of its patient by its actor,
    /// when marked so), with the records it names, and every event whole.
    fn log_of(parties: &[Described]) -> (AuditLog, Records, Vec<AuditEvent>) {
        let names = ["a", "b", "c"];
        let name = |i: u8| names.get(usize::from(i)).copied().unwrap_or("a");
        let (mut log, mut records, mut all) = (AuditLog::default(), Records::default(), Vec::new());
        for (n, (p, a, s, registers)) in parties.iter().enumerate() {
            if *registers {
                let (e, at) = registration(&mut records, n as u64, p.unwrap_or(0), name(a.unwrap_or(0)));
                log.append_registration(&e, at);
                all.push(e);
            } else {
                let e = event(n as u64, *p, a.map(name), s.map(name));
                log.append(e.clone());
                all.push(e);
            }
        }
        (log, records, all)
    }

    #[test]
    fn each_party_reads_its_own_events_in_order() {
        let mut log = AuditLog::default();
        log.append(event(0, Some(1), Some("a"), None));
        log.append(event(1, Some(2), Some("b"), Some("a")));
        log.append(event(2, None, Some("a"), Some("a")));
        log.append(event(3, Some(1), None, Some("b")));
        log.append(event(4, Some(2), Some("a"), Some("c")));
        assert_eq!(heights(log.of_patient(&Pseudonym([1; 32]), &records())), [0, 3]);
        assert_eq!(heights(log.of_patient(&Pseudonym([2; 32]), &records())), [1, 4]);
        assert!(log.of_patient(&Pseudonym([3; 32]), &records()).is_empty());
        // Acting and being the subject both count, and an event with "a" in both roles once.
        assert_eq!(heights(log.of_org(&org("a"), &records())), [0, 1, 2, 4]);
        assert_eq!(heights(log.of_org(&org("b"), &records())), [1, 3]);
        assert_eq!(heights(log.of_org(&org("c"), &records())), [4]);
        assert_eq!(log.len(), 5);
    }

    #[test]
    fn clones_are_independent() {
        let mut a = AuditLog::default();
        a.append(event(0, Some(1), Some("a"), None));
        let mut b = a.clone();
        b.append(event(1, Some(1), Some("a"), None));
        a.append(event(2, Some(1), Some("b"), Some("a")));
        assert_eq!(heights(a.of_patient(&Pseudonym([1; 32]), &records())), [0, 2]);
        assert_eq!(heights(b.of_patient(&Pseudonym([1; 32]), &records())), [0, 1]);
        assert_eq!(heights(a.of_org(&org("a"), &records())), [0, 2]);
        assert_eq!(heights(b.of_org(&org("a"), &records())), [0, 1]);
    }

    /// Every party's trail, to compare two logs by.
    fn trails(log: &AuditLog, records: &Records) -> Vec<Vec<AuditEvent>> {
        let patients = (0u8..4).map(|p| log.of_patient(&Pseudonym([p; 32]), records));
        let orgs = ["a", "b", "c"].map(org).into_iter().map(|o| log.of_org(&o, records));
        patients.chain(orgs).collect()
    }

    fn parties() -> impl proptest::strategy::Strategy<Value = Vec<Described>> {
        use proptest::prelude::*;
        proptest::collection::vec((proptest::option::of(0u8..4), proptest::option::of(0u8..3), proptest::option::of(0u8..3), any::<bool>()), 0..60)
    }

    proptest::proptest! {
        /// Truncating a log to an earlier length gives back that log, trails included, and
        /// it takes appends as the original did; registrations, kept as their records'
        /// positions, are undone from the records.
        #[test]
        fn truncating_undoes_appends(parties in parties(), keep in 0usize..60) {
            let keep = keep.min(parties.len());
            let (mut whole, records, _) = log_of(&parties);
            let (mut prefix, _, _) = log_of(&parties[..keep]);
            whole.truncate(keep, &records);
            proptest::prop_assert_eq!(whole.len(), keep);
            proptest::prop_assert_eq!(trails(&whole, &records), trails(&prefix, &records));
            // The same events again (a registration's record keeps its position).
            let (again, _, _) = log_of(&parties);
            for log in [&mut whole, &mut prefix] {
                for at in keep..again.len() {
                    if let Some(entry) = again.entries.get(at) {
                        let parties = entry.kept.parties(&records);
                        let previous = log.link_parties(&parties);
                        log.push(entry.kept.clone(), previous);
                    }
                }
            }
            proptest::prop_assert_eq!(trails(&whole, &records), trails(&prefix, &records));
        }

        /// Any sequence of events, registrations among them: each party's trail is exactly
        /// the events that concern it, whole and in order (a model that filters the log).
        #[test]
        fn trails_are_the_filtered_log(parties in parties()) {
            let (log, records, all) = log_of(&parties);
            for p in 0u8..4 {
                let expected: Vec<AuditEvent> = all.iter().filter(|e| e.patient == Some(Pseudonym([p; 32]))).cloned().collect();
                proptest::prop_assert_eq!(log.of_patient(&Pseudonym([p; 32]), &records), expected);
            }
            for o in ["a", "b", "c"].map(org) {
                let expected: Vec<AuditEvent> = all.iter().filter(|e| e.actor.as_ref() == Some(&o) || e.subject_org.as_ref() == Some(&o)).cloned().collect();
                proptest::prop_assert_eq!(log.of_org(&o, &records), expected);
            }
            // The records read off the trails are those the trails' registrations name.
            let registered = |keep: &dyn Fn(&AuditEvent) -> bool| -> Vec<Digest> {
                all.iter().filter(|e| e.action.registers_a_record() && keep(e)).filter_map(|e| e.entry).collect()
            };
            let ids = |list: Vec<&RecordState>| -> Vec<Digest> { list.into_iter().map(|r| r.id).collect() };
            for p in 0u8..4 {
                let patient = Pseudonym([p; 32]);
                proptest::prop_assert_eq!(ids(log.registered_for_patient(&patient, &records)), registered(&|e| e.patient == Some(patient)));
            }
            for o in ["a", "b", "c"].map(org) {
                proptest::prop_assert_eq!(ids(log.registered_by_org(&o, &records)), registered(&|e| e.actor.as_ref() == Some(&o)));
            }
        }
    }
}

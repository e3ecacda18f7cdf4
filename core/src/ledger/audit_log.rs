//! The audit log: every event in order, and each party's trail through it.
//!
//! The events sit in one persistent vector, each with the position of the previous event of
//! each party it concerns (its patient, the organisation that acted, the organisation it was
//! about). A party's trail is the position of its newest event and a count, so the maps from
//! parties to trails hold plain numbers: a block that touches a thousand trails copies map
//! nodes byte for byte, with no reference to count up when it copies them or down when the
//! copy is freed, and appending an event allocates nothing but, every 64 events, a new chunk
//! of the vector.

use super::audit::AuditEvent;
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

/// An event and, for each of its parties, the position of that party's previous event.
#[derive(Clone)]
struct Entry {
    event: AuditEvent,
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
        let at = self.entries.len();
        let previous_of_patient = event.patient.as_ref().and_then(|p| link(&mut self.by_patient, p, at));
        let previous_of_actor = event.actor.as_ref().and_then(|org| link(&mut self.by_org, org, at));
        let previous_of_subject = match (&event.subject_org, &event.actor) {
            (Some(subject), actor) if actor.as_ref() != Some(subject) => link(&mut self.by_org, subject, at),
            _ => None,
        };
        self.entries.push_back(Entry { event, previous_of_patient, previous_of_actor, previous_of_subject });
    }

    /// Drop the events from position `len` on, newest first, and put each of their parties'
    /// trails back as it was before the event: a block applied in place that fails is undone
    /// this way. Each event holds its parties' previous positions, so nothing else is kept.
    pub fn truncate(&mut self, len: usize) {
        while self.entries.len() > len {
            let Some(entry) = self.entries.pop_back() else { break };
            let event = &entry.event;
            if let Some(p) = &event.patient {
                unlink(&mut self.by_patient, p, entry.previous_of_patient);
            }
            if let Some(actor) = &event.actor {
                unlink(&mut self.by_org, actor, entry.previous_of_actor);
            }
            if let Some(subject) = &event.subject_org
                && event.actor.as_ref() != Some(subject)
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
    pub fn of_patient(&self, p: &Pseudonym) -> Vec<&AuditEvent> {
        self.trail(self.by_patient.get(p), |entry| entry.previous_of_patient)
    }

    /// Every event in which `org` acted or was the subject, oldest first.
    pub fn of_org(&self, org: &OrgId) -> Vec<&AuditEvent> {
        self.trail(self.by_org.get(org), |entry| {
            if entry.event.actor.as_ref() == Some(org) { entry.previous_of_actor } else { entry.previous_of_subject }
        })
    }

    /// The trail ending at `head`, following `previous` back, oldest first.
    fn trail(&self, head: Option<&Head>, previous: impl Fn(&Entry) -> Option<usize>) -> Vec<&AuditEvent> {
        let Some(head) = head else { return Vec::new() };
        let mut events = Vec::with_capacity(head.len);
        let mut at = Some(head.newest);
        while let Some(entry) = at.and_then(|i| self.entries.get(i)) {
            events.push(&entry.event);
            at = previous(entry);
        }
        events.reverse();
        events
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

    fn heights(events: Vec<&AuditEvent>) -> Vec<u64> {
        events.iter().map(|e| e.height).collect()
    }

    #[test]
    fn each_party_reads_its_own_events_in_order() {
        let mut log = AuditLog::default();
        log.append(event(0, Some(1), Some("a"), None));
        log.append(event(1, Some(2), Some("b"), Some("a")));
        log.append(event(2, None, Some("a"), Some("a")));
        log.append(event(3, Some(1), None, Some("b")));
        log.append(event(4, Some(2), Some("a"), Some("c")));
        assert_eq!(heights(log.of_patient(&Pseudonym([1; 32]))), [0, 3]);
        assert_eq!(heights(log.of_patient(&Pseudonym([2; 32]))), [1, 4]);
        assert!(log.of_patient(&Pseudonym([3; 32])).is_empty());
        // Acting and being the subject both count, and an event with "a" in both roles once.
        assert_eq!(heights(log.of_org(&org("a"))), [0, 1, 2, 4]);
        assert_eq!(heights(log.of_org(&org("b"))), [1, 3]);
        assert_eq!(heights(log.of_org(&org("c"))), [4]);
        assert_eq!(log.len(), 5);
    }

    #[test]
    fn clones_are_independent() {
        let mut a = AuditLog::default();
        a.append(event(0, Some(1), Some("a"), None));
        let mut b = a.clone();
        b.append(event(1, Some(1), Some("a"), None));
        a.append(event(2, Some(1), Some("b"), Some("a")));
        assert_eq!(heights(a.of_patient(&Pseudonym([1; 32]))), [0, 2]);
        assert_eq!(heights(b.of_patient(&Pseudonym([1; 32]))), [0, 1]);
        assert_eq!(heights(a.of_org(&org("a"))), [0, 2]);
        assert_eq!(heights(b.of_org(&org("a"))), [0, 1]);
    }

    /// Every party's trail, to compare two logs by.
    fn trails(log: &AuditLog) -> Vec<Vec<u64>> {
        let patients = (0u8..4).map(|p| heights(log.of_patient(&Pseudonym([p; 32]))));
        let orgs = ["a", "b", "c"].map(org).into_iter().map(|o| heights(log.of_org(&o)));
        patients.chain(orgs).collect()
    }

    proptest::proptest! {
        /// Truncating a log to an earlier length gives back that log, trails included, and
        /// it takes appends as the original did.
        #[test]
        fn truncating_undoes_appends(parties in proptest::collection::vec((proptest::option::of(0u8..4), proptest::option::of(0u8..3), proptest::option::of(0u8..3)), 0..60), keep in 0usize..60) {
            let names = ["a", "b", "c"];
            let name = |i: u8| names.get(usize::from(i)).copied().unwrap_or("a");
            let events: Vec<AuditEvent> = parties.iter().enumerate().map(|(n, (p, a, s))| event(n as u64, *p, a.map(name), s.map(name))).collect();
            let keep = keep.min(events.len());
            let mut prefix = AuditLog::default();
            events.iter().take(keep).for_each(|e| prefix.append(e.clone()));
            let mut whole = AuditLog::default();
            events.iter().for_each(|e| whole.append(e.clone()));
            whole.truncate(keep);
            proptest::prop_assert_eq!(whole.len(), keep);
            proptest::prop_assert_eq!(trails(&whole), trails(&prefix));
            for e in events.iter().skip(keep) {
                whole.append(e.clone());
                prefix.append(e.clone());
            }
            proptest::prop_assert_eq!(trails(&whole), trails(&prefix));
        }
    }

    proptest::proptest! {
        /// Any sequence of events: each party's trail is exactly the events that concern it,
        /// in order (a model that filters the whole log).
        #[test]
        fn trails_are_the_filtered_log(parties in proptest::collection::vec((proptest::option::of(0u8..4), proptest::option::of(0u8..3), proptest::option::of(0u8..3)), 0..80)) {
            let names = ["a", "b", "c"];
            let name = |i: u8| names.get(usize::from(i)).copied().unwrap_or("a");
            let mut log = AuditLog::default();
            let mut all = Vec::new();
            for (n, (p, actor, subject)) in parties.iter().enumerate() {
                let e = event(n as u64, *p, actor.map(name), subject.map(name));
                all.push(e.clone());
                log.append(e);
            }
            for p in 0u8..4 {
                let expected: Vec<u64> = all.iter().filter(|e| e.patient == Some(Pseudonym([p; 32]))).map(|e| e.height).collect();
                proptest::prop_assert_eq!(heights(log.of_patient(&Pseudonym([p; 32]))), expected);
            }
            for o in names.map(org) {
                let expected: Vec<u64> = all.iter().filter(|e| e.actor.as_ref() == Some(&o) || e.subject_org.as_ref() == Some(&o)).map(|e| e.height).collect();
                proptest::prop_assert_eq!(heights(log.of_org(&o)), expected);
            }
        }
    }
}

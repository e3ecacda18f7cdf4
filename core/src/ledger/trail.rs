//! A party's audit trail: a persistent list of events, newest first.
//!
//! A block appends to about as many trails as it has transactions, and the maps that hold the
//! trails copy a node's values whenever they copy the node. So a trail is one pointer: cloning
//! it is one reference count, appending allocates one small link and copies nothing, and the
//! state a block replaced frees only the links it added.

use std::sync::Arc;

use super::audit::AuditEvent;

/// An audit trail. Clones share their links; appending to one never shows in another.
#[derive(Clone, Default)]
pub struct Trail {
    newest: Option<Arc<Link>>,
    len: usize,
}

struct Link {
    event: Arc<AuditEvent>,
    older: Option<Arc<Link>>,
}

impl Trail {
    /// Append `event`.
    pub fn push(&mut self, event: Arc<AuditEvent>) {
        let older = self.newest.take();
        self.newest = Some(Arc::new(Link { event, older }));
        self.len += 1;
    }

    /// The last event appended.
    pub fn last(&self) -> Option<&Arc<AuditEvent>> {
        self.newest.as_deref().map(|link| &link.event)
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the trail has no events.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The events, oldest first.
    pub fn in_order(&self) -> Vec<&Arc<AuditEvent>> {
        let mut events = Vec::with_capacity(self.len);
        let mut at = self.newest.as_deref();
        while let Some(link) = at {
            events.push(&link.event);
            at = link.older.as_deref();
        }
        events.reverse();
        events
    }
}

impl Drop for Trail {
    // Unlink one at a time: the default drop would recurse once per link, and a custodian's
    // trail holds every registration it ever made. The walk stops at the first link another
    // trail still shares.
    fn drop(&mut self) {
        let mut next = self.newest.take();
        while let Some(link) = next {
            next = Arc::into_inner(link).and_then(|mut unique| unique.older.take());
        }
    }
}

impl core::fmt::Debug for Trail {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Trail({} events)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;
    use crate::ledger::audit::AuditAction;
    use crate::time::Timestamp;

    fn event(n: u8) -> Arc<AuditEvent> {
        Arc::new(AuditEvent::new(u64::from(n), Timestamp(u64::from(n)), Digest([n; 32]), AuditAction::GovernanceChanged))
    }

    fn heights(t: &Trail) -> Vec<u64> {
        t.in_order().iter().map(|e| e.height).collect()
    }

    #[test]
    fn appends_in_order_and_clones_are_independent() {
        let mut a = Trail::default();
        assert!(a.is_empty() && a.last().is_none());
        (1..=3).for_each(|n| a.push(event(n)));
        let mut b = a.clone();
        b.push(event(4));
        a.push(event(5));
        assert_eq!(heights(&a), [1, 2, 3, 5]);
        assert_eq!(heights(&b), [1, 2, 3, 4]);
        assert_eq!((a.len(), b.last().map(|e| e.height)), (4, Some(4)));
        drop(a);
        // The shared links outlive the clone that dropped them.
        assert_eq!(heights(&b), [1, 2, 3, 4]);
    }

    #[test]
    fn a_long_trail_drops_without_recursion() {
        let shared = event(0);
        let mut t = Trail::default();
        for _ in 0..1_000_000 {
            t.push(Arc::clone(&shared));
        }
        let copy = t.clone();
        drop(t);
        assert_eq!(copy.len(), 1_000_000);
        drop(copy);
        assert_eq!(Arc::strong_count(&shared), 1);
    }
}

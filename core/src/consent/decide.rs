//! The decision: which of a patient's consents answers an access request, and how.
//!
//! The rules are those of the [module docs](super): provisions are evaluated all the way down,
//! each consent gives a result ranked *explicit deny* > *permit* > *base deny* > *not
//! applicable*, the highest rank wins, ties go to the smallest (consent id, provision path),
//! and break-the-glass falls back on the network's [`EmergencyPolicy`]. Nothing here allocates
//! until the answer is built.

use core::cmp::Ordering;
use core::fmt;

use crate::ids::{OrgId, ResourceType};
use crate::pseudonym::Pseudonym;
use crate::time::Timestamp;

use super::model::{Consent, ConsentId, Effect, MAX_DEPTH, Provision};
use super::purpose::Purpose;

/// A member's request to access one of a patient's records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccessRequest {
    /// The requesting organisation.
    pub requester: OrgId,
    /// The patient whose record is requested; consents of other patients are ignored.
    pub patient: Pseudonym,
    /// Why the data is requested.
    pub purpose: Purpose,
    /// The FHIR resource type of the record.
    pub resource_type: ResourceType,
    /// When the data was recorded.
    pub data_date: Timestamp,
}

/// The network's policy for emergency (break-the-glass) access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EmergencyPolicy {
    /// Whether an emergency request that no consent of the patient grants or restricts is
    /// permitted. A patient's explicit restriction is never overridden.
    pub allow_emergency_access: bool,
}

/// What the requester must do when it is permitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Obligations {
    /// Write an audit entry for the access (every permit).
    pub audit: bool,
    /// Notify the patient of the access (every emergency permit).
    pub notify_patient: bool,
}

impl Obligations {
    /// No obligation (a deny).
    pub const NONE: Self = Self { audit: false, notify_patient: false };

    /// Whether there is no obligation.
    pub fn is_empty(&self) -> bool {
        !self.audit && !self.notify_patient
    }
}

/// The position of a provision in its consent: child indices from the root (the root is the
/// empty path). Shown as `root`, `root/0`, `root/0/2`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ProvisionPath(Vec<u16>);

impl ProvisionPath {
    /// The root.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// From child indices.
    pub fn from_indices(indices: Vec<u16>) -> Self {
        Self(indices)
    }

    /// The child indices.
    pub fn indices(&self) -> &[u16] {
        &self.0
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The provision of `consent` at this path, if there is one.
    pub fn resolve<'a>(&self, consent: &'a Consent) -> Option<&'a Provision> {
        let mut p = consent.root();
        for &i in &self.0 {
            p = p.provisions.get(usize::from(i))?;
        }
        Some(p)
    }
}

impl fmt::Display for ProvisionPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("root")?;
        for i in &self.0 {
            write!(f, "/{i}")?;
        }
        Ok(())
    }
}

/// What decided.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Basis {
    /// A provision of a consent.
    Consent {
        /// The consent.
        id: ConsentId,
        /// The deciding provision.
        path: ProvisionPath,
    },
    /// The network's emergency access policy (no consent granted or restricted the request).
    EmergencyPolicy,
    /// The network's default: no consent of the patient applies, so access is denied.
    NetworkDefault,
}

/// The answer to an access request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decision {
    /// Permit or deny.
    pub effect: Effect,
    /// What decided.
    pub basis: Basis,
    /// Obligations of a permit (none for a deny).
    pub obligations: Obligations,
    /// A short explanation for the clinician and the patient.
    pub explanation: String,
}

impl Decision {
    /// Whether access is permitted.
    pub fn is_permit(&self) -> bool {
        self.effect == Effect::Permit
    }

    /// The deciding consent's id, if a consent decided.
    pub fn consent_id(&self) -> Option<&ConsentId> {
        match &self.basis {
            Basis::Consent { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The deciding provision's path, if a consent decided.
    pub fn path(&self) -> Option<&ProvisionPath> {
        match &self.basis {
            Basis::Consent { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// A path without allocation, bounded by the model's depth limit.
#[derive(Clone, Copy)]
struct Path {
    len: u8,
    idx: [u16; MAX_DEPTH],
}

impl Path {
    const ROOT: Self = Self { len: 0, idx: [0; MAX_DEPTH] };

    fn child(self, i: usize) -> Self {
        let mut next = self;
        if let (Some(slot), Ok(i)) = (next.idx.get_mut(usize::from(self.len)), u16::try_from(i)) {
            *slot = i;
            next.len += 1;
        }
        next
    }

    fn indices(&self) -> &[u16] {
        self.idx.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

/// How a consent's result ranks in the combination (higher wins).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Rank {
    /// A deny from an untargeted root: the consent grants nothing that covers the request.
    BaseDeny = 1,
    /// A permit.
    Permit = 2,
    /// A deny from a targeted root or from a nested provision: a restriction.
    ExplicitDeny = 3,
}

/// The request, prepared once.
struct Query<'a> {
    req: &'a AccessRequest,
    lineage: u64,
    now: i64,
    data_date: i64,
}

impl Query<'_> {
    #[inline]
    fn matches(&self, p: &Provision) -> bool {
        p.validity.is_none_or(|v| v.contains_millis(self.now))
            && p.grantee.admits(&self.req.requester)
            && p.purposes.is_none_or(|s| s.covers_lineage(self.lineage))
            && p.actions.is_none_or(|a| a.covers_network_access())
            && p.classes.as_ref().is_none_or(|c| c.contains(&self.req.resource_type))
            && p.data_period.is_none_or(|d| d.contains_millis(self.data_date))
    }

    /// The result of a provision that matches: its own effect unless a matching exception
    /// (at any depth) says otherwise; among matching siblings, deny overrides permit and the
    /// first in order names the path.
    fn eval(&self, p: &Provision, path: Path) -> (Effect, Path) {
        let mut permit: Option<Path> = None;
        for (i, child) in p.provisions.iter().enumerate() {
            if !self.matches(child) {
                continue;
            }
            match self.eval(child, path.child(i)) {
                (Effect::Deny, at) => return (Effect::Deny, at),
                (Effect::Permit, at) => {
                    if permit.is_none() {
                        permit = Some(at);
                    }
                }
            }
        }
        match permit {
            Some(at) => (Effect::Permit, at),
            None => (p.effect, path),
        }
    }
}

/// Decide `request` against the patient's `consents` at `now`, under the network's emergency
/// `policy`. Deterministic and independent of the order of `consents`; see the module docs.
pub fn decide(consents: &[Consent], request: &AccessRequest, policy: &EmergencyPolicy, now: Timestamp) -> Decision {
    let millis = |t: Timestamp| i64::try_from(t.0).unwrap_or(i64::MAX);
    let q = Query {
        req: request,
        lineage: request.purpose.lineage(),
        now: millis(now),
        data_date: millis(request.data_date),
    };
    let mut best: Option<(Rank, &Consent, Path)> = None;
    for consent in consents {
        if consent.patient() != &request.patient || !consent.is_in_force(now) || !q.matches(consent.root()) {
            continue;
        }
        let (effect, path) = q.eval(consent.root(), Path::ROOT);
        let rank = match effect {
            Effect::Permit => Rank::Permit,
            Effect::Deny if path.len == 0 && !consent.root().is_targeted() => Rank::BaseDeny,
            Effect::Deny => Rank::ExplicitDeny,
        };
        let better = match &best {
            None => true,
            Some((r, c, p)) => match rank.cmp(r) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => (consent.id(), path.indices()) < (c.id(), p.indices()),
            },
        };
        if better {
            best = Some((rank, consent, path));
        }
    }
    answer(best, request, policy)
}

fn answer(best: Option<(Rank, &Consent, Path)>, req: &AccessRequest, policy: &EmergencyPolicy) -> Decision {
    let emergency = req.purpose.is_emergency();
    let permit_obligations = Obligations { audit: true, notify_patient: emergency };
    let what = format!(
        "{} to access {} data for purpose {} ({})",
        req.requester,
        req.resource_type,
        req.purpose.code(),
        req.purpose.display()
    );
    let by_consent =
        |c: &Consent, p: &Path| Basis::Consent { id: c.id().clone(), path: ProvisionPath(p.indices().to_vec()) };
    match best {
        Some((Rank::Permit, c, p)) => {
            let basis = by_consent(c, &p);
            let mut explanation = format!("permit: consent {} ({}) allows {what}", c.id(), path_of(&basis));
            if emergency {
                explanation.push_str("; emergency access: it is audited and the patient is notified");
            }
            Decision { effect: Effect::Permit, basis, obligations: permit_obligations, explanation }
        }
        Some((Rank::ExplicitDeny, c, p)) => {
            let basis = by_consent(c, &p);
            let mut explanation = format!("deny: consent {} ({}) restricts {what}", c.id(), path_of(&basis));
            if emergency {
                explanation.push_str("; an emergency does not override a restriction of the patient");
            }
            Decision { effect: Effect::Deny, basis, obligations: Obligations::NONE, explanation }
        }
        _ if emergency && policy.allow_emergency_access => Decision {
            effect: Effect::Permit,
            basis: Basis::EmergencyPolicy,
            obligations: permit_obligations,
            explanation: format!(
                "permit: no consent of the patient grants or restricts {what}; the network's emergency policy \
                 allows it, audited and notified to the patient"
            ),
        },
        Some((Rank::BaseDeny, c, p)) => {
            let basis = by_consent(c, &p);
            let explanation =
                format!("deny: consent {} grants nothing that covers {what} (its base decision is deny)", c.id());
            Decision { effect: Effect::Deny, basis, obligations: Obligations::NONE, explanation }
        }
        None => Decision {
            effect: Effect::Deny,
            basis: Basis::NetworkDefault,
            obligations: Obligations::NONE,
            explanation: format!("deny: no consent of the patient grants {what} (the network's default is deny)"),
        },
    }
}

fn path_of(basis: &Basis) -> String {
    match basis {
        Basis::Consent { path, .. } => format!("provision {path}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::model::{Action, Period};
    use crate::consent::purpose::Purpose::*;

    const PATIENT: Pseudonym = Pseudonym([7; 32]);
    const NOW: Timestamp = Timestamp(1_700_000_000_000);

    fn org(s: &str) -> OrgId {
        OrgId::new(s).unwrap()
    }

    fn rt(s: &str) -> ResourceType {
        ResourceType::new(s).unwrap()
    }

    fn consent(id: &str, root: Provision) -> Consent {
        Consent::new(ConsentId::new(id).unwrap(), PATIENT, root).unwrap()
    }

    fn req(requester: &str, purpose: Purpose, resource: &str) -> AccessRequest {
        AccessRequest {
            requester: org(requester),
            patient: PATIENT,
            purpose,
            resource_type: rt(resource),
            data_date: Timestamp(1_600_000_000_000),
        }
    }

    const NO_EMERGENCY: EmergencyPolicy = EmergencyPolicy { allow_emergency_access: false };
    const EMERGENCY: EmergencyPolicy = EmergencyPolicy { allow_emergency_access: true };

    #[test]
    fn default_is_deny() {
        let d = decide(&[], &req("a", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!(d.effect, Effect::Deny);
        assert_eq!(d.basis, Basis::NetworkDefault);
        assert!(d.obligations.is_empty());
    }

    #[test]
    fn purpose_hierarchy_in_grants() {
        let treat = consent("c1", Provision::permit().orgs([org("a")]).purposes([Treatment]));
        let emerg = consent("c2", Provision::permit().orgs([org("b")]).purposes([EmergencyTreatment]));
        let cs = [treat, emerg];
        assert!(decide(&cs, &req("a", BreakTheGlass, "Observation"), &NO_EMERGENCY, NOW).is_permit());
        assert!(decide(&cs, &req("a", EmergencyTreatment, "Observation"), &NO_EMERGENCY, NOW).is_permit());
        assert!(decide(&cs, &req("b", BreakTheGlass, "Observation"), &NO_EMERGENCY, NOW).is_permit());
        assert!(!decide(&cs, &req("b", Treatment, "Observation"), &NO_EMERGENCY, NOW).is_permit());
        assert!(!decide(&cs, &req("a", HealthcarePayment, "Observation"), &NO_EMERGENCY, NOW).is_permit());
    }

    #[test]
    fn nesting_goes_all_the_way_down() {
        // permit a for TREAT; except Condition data; except, within that, emergencies; except,
        // within that, data recorded before 2000.
        let root = Provision::permit().orgs([org("a")]).purposes([Treatment]).except(
            Provision::deny().classes([rt("Condition")]).except(
                Provision::permit()
                    .purposes([EmergencyTreatment])
                    .except(Provision::deny().data_period(Period::until(Timestamp(946_684_800_000)))),
            ),
        );
        let cs = [consent("c", root)];
        let d = decide(&cs, &req("a", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root".into()));
        let d = decide(&cs, &req("a", Treatment, "Condition"), &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Deny, "root/0".into()));
        let d = decide(&cs, &req("a", BreakTheGlass, "Condition"), &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root/0/0".into()));
        assert!(d.obligations.audit && d.obligations.notify_patient);
        let mut old = req("a", BreakTheGlass, "Condition");
        old.data_date = Timestamp(900_000_000_000);
        let d = decide(&cs, &old, &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Deny, "root/0/0/0".into()));
    }

    #[test]
    fn siblings_deny_overrides_and_first_names_the_path() {
        let root = Provision::permit()
            .except(Provision::permit().classes([rt("Observation")]))
            .except(Provision::deny().orgs([org("b")]))
            .except(Provision::deny().purposes([HealthcareMarketing]));
        let cs = [consent("c", root)];
        let d = decide(&cs, &req("b", HealthcareMarketing, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Deny, "root/1".into()));
        let d = decide(&cs, &req("a", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root/0".into()));
    }

    #[test]
    fn combination_ranks() {
        // A base deny ("grants only a") does not block another consent's grant to b...
        let only_a = consent("c1", Provision::deny().except(Provision::permit().orgs([org("a")])));
        let grant_b = consent("c2", Provision::permit().orgs([org("b")]));
        let d = decide(&[only_a.clone(), grant_b.clone()], &req("b", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!(d.effect, Effect::Permit);
        assert_eq!(d.consent_id().unwrap().as_str(), "c2");
        // ...and alone it is reported as what decided the deny.
        let d = decide(&[only_a], &req("b", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.consent_id().unwrap().as_str()), (Effect::Deny, "c1"));
        // A targeted deny (a restriction) overrides any grant.
        let not_b = consent("c3", Provision::deny().orgs([org("b")]));
        let d = decide(&[grant_b, not_b], &req("b", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!((d.effect, d.consent_id().unwrap().as_str()), (Effect::Deny, "c3"));
        // Ties go to the smallest consent id.
        let x = consent("x", Provision::permit());
        let y = consent("y", Provision::permit());
        let d1 = decide(&[x.clone(), y.clone()], &req("b", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        let d2 = decide(&[y, x], &req("b", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!(d1, d2);
        assert_eq!(d1.consent_id().unwrap().as_str(), "x");
    }

    #[test]
    fn break_the_glass() {
        let r = req("er", BreakTheGlass, "AllergyIntolerance");
        // No consent: only the network policy can allow it.
        assert!(!decide(&[], &r, &NO_EMERGENCY, NOW).is_permit());
        let d = decide(&[], &r, &EMERGENCY, NOW);
        assert_eq!((d.effect, &d.basis), (Effect::Permit, &Basis::EmergencyPolicy));
        assert_eq!(d.obligations, Obligations { audit: true, notify_patient: true });
        // A routine request gets nothing from the emergency policy.
        assert!(!decide(&[], &req("er", Treatment, "Observation"), &EMERGENCY, NOW).is_permit());
        // A consent for emergencies by any member.
        let any = consent("e", Provision::permit().purposes([EmergencyTreatment]));
        let d = decide(std::slice::from_ref(&any), &r, &NO_EMERGENCY, NOW);
        assert!(d.is_permit() && d.obligations.notify_patient && d.obligations.audit);
        assert!(!decide(&[any], &req("er", Treatment, "Observation"), &NO_EMERGENCY, NOW).is_permit());
        // A patient's restriction is not overridden by the network policy.
        let no_er = consent("r", Provision::deny().orgs([org("er")]));
        let d = decide(&[no_er], &r, &EMERGENCY, NOW);
        assert_eq!(d.effect, Effect::Deny);
        // A base deny is not a restriction: the policy applies.
        let base = consent("b", Provision::deny().except(Provision::permit().orgs([org("gp")])));
        assert!(decide(&[base], &r, &EMERGENCY, NOW).is_permit());
        // A routine permit carries the audit obligation only.
        let d = decide(&[consent("t", Provision::permit())], &req("gp", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        assert_eq!(d.obligations, Obligations { audit: true, notify_patient: false });
    }

    #[test]
    fn revocation_and_validity_and_patient() {
        let mut c =
            consent("c", Provision::permit().validity(Period::between(Timestamp(100), Timestamp(1000)).unwrap()));
        let r = req("a", Treatment, "Observation");
        assert!(!decide(std::slice::from_ref(&c), &r, &NO_EMERGENCY, Timestamp(99)).is_permit());
        assert!(decide(std::slice::from_ref(&c), &r, &NO_EMERGENCY, Timestamp(100)).is_permit());
        assert!(!decide(std::slice::from_ref(&c), &r, &NO_EMERGENCY, Timestamp(1000)).is_permit());
        c.revoke(Timestamp(500)).unwrap();
        assert!(decide(std::slice::from_ref(&c), &r, &NO_EMERGENCY, Timestamp(499)).is_permit());
        assert!(!decide(std::slice::from_ref(&c), &r, &NO_EMERGENCY, Timestamp(500)).is_permit());
        let other = Consent::new(ConsentId::new("o").unwrap(), Pseudonym([8; 32]), Provision::permit()).unwrap();
        assert!(!decide(&[other], &r, &NO_EMERGENCY, NOW).is_permit());
    }

    #[test]
    fn actions_and_paths() {
        let c = consent("c", Provision::deny().orgs([org("a")]).actions([Action::Correct]));
        // A deny of corrections does not touch a network access.
        assert_eq!(decide(&[c], &req("a", Treatment, "Observation"), &NO_EMERGENCY, NOW).basis, Basis::NetworkDefault);
        let c = consent("c", Provision::permit().except(Provision::permit().except(Provision::deny())));
        let d = decide(std::slice::from_ref(&c), &req("a", Treatment, "Observation"), &NO_EMERGENCY, NOW);
        let path = d.path().unwrap();
        assert_eq!(path.indices(), &[0, 0]);
        assert_eq!(path.resolve(&c).unwrap().effect, Effect::Deny);
        assert!(d.explanation.starts_with("deny: consent c (provision root/0/0)"));
    }
}

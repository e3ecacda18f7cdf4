//! Properties of the consent engine: order independence, deny exceptions under permits,
//! stability of FHIR import/export and of the canonical encoding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use fhirbus::consent::*;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::{OrgId, ResourceType, Timestamp};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

const PATIENT: Pseudonym = Pseudonym([1; 32]);
const OTHER_PATIENT: Pseudonym = Pseudonym([2; 32]);
const DAY: u64 = 86_400_000;
/// A base instant (2020-01-01) so that periods sit well inside FHIR's range.
const BASE: u64 = 1_577_836_800_000;

const ORGS: [&str; 4] = ["a", "b", "c", "d"];
const CLASSES: [&str; 3] = ["Condition", "MedicationRequest", "Observation"];
const PURPOSES: [Purpose; 7] = [
    Purpose::Treatment,
    Purpose::EmergencyTreatment,
    Purpose::BreakTheGlass,
    Purpose::CoordinationOfCare,
    Purpose::HealthcarePayment,
    Purpose::HealthcareResearch,
    Purpose::PublicHealth,
];

fn org(s: &str) -> OrgId {
    OrgId::new(s).unwrap()
}

fn rt(s: &str) -> ResourceType {
    ResourceType::new(s).unwrap()
}

/// Instants on a coarse grid, some at midnight and some not, so that both FHIR forms occur.
fn instant() -> impl Strategy<Value = Timestamp> {
    (0u64..12, select(vec![0u64, 1, 1000, 3_600_000, 43_200_123]))
        .prop_map(|(d, off)| Timestamp(BASE + d * 5 * DAY + off))
}

/// Periods on the same grid; some start before 1970 (data periods of old records).
fn period() -> impl Strategy<Value = Period> {
    (proptest::option::of(instant()), proptest::option::of(instant()), proptest::bool::weighted(0.2))
        .prop_filter("a bound, and not an empty period", |(s, e, _)| s != e)
        .prop_map(|(s, e, early)| {
            let (s, e) = match (s, e) {
                (Some(s), Some(e)) => (Some(s.min(e).0 as i64), Some(s.max(e).0 as i64)),
                (s, e) => (s.map(|t| t.0 as i64), e.map(|t| t.0 as i64)),
            };
            let s = if early { s.map(|ms| ms - 70 * 365 * DAY as i64) } else { s };
            Period::from_millis(s, e).unwrap()
        })
}

fn sometimes<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    proptest::option::weighted(0.3, s)
}

fn leaf() -> impl Strategy<Value = Provision> {
    (
        any::<bool>(),
        sometimes(subsequence(ORGS.to_vec(), 1..=2)),
        sometimes(subsequence(PURPOSES.to_vec(), 1..=2)),
        proptest::option::weighted(0.1, subsequence(Action::ALL.to_vec(), 1..=2)),
        sometimes(subsequence(CLASSES.to_vec(), 1..=2)),
        sometimes(period()),
        proptest::option::weighted(0.2, period()),
    )
        .prop_map(|(permit, orgs, purposes, actions, classes, data_period, validity)| Provision {
            effect: if permit { Effect::Permit } else { Effect::Deny },
            grantee: orgs.map_or(Grantee::AnyMember, |o| Grantee::Orgs(o.into_iter().map(org).collect())),
            purposes: purposes.map(|p| p.into_iter().collect()),
            actions: actions.map(|a| a.into_iter().collect()),
            classes: classes.map(|c| c.into_iter().map(rt).collect()),
            data_period,
            validity,
            provisions: Vec::new(),
        })
}

fn provision() -> impl Strategy<Value = Provision> {
    leaf().prop_recursive(3, 24, 3, |inner| {
        (leaf(), proptest::collection::vec(inner, 0..3)).prop_map(|(mut p, children)| {
            p.provisions = children;
            p
        })
    })
}

fn consent() -> impl Strategy<Value = Consent> {
    (
        select(vec!["c0", "c1", "c2", "c3"]),
        provision(),
        proptest::option::weighted(0.2, instant()),
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(id, root, revoked, other)| {
            let patient = if other { OTHER_PATIENT } else { PATIENT };
            let mut c = Consent::new(ConsentId::new(id).unwrap(), patient, root).unwrap();
            if let Some(at) = revoked {
                c.revoke(at).unwrap();
            }
            c
        })
}

fn request() -> impl Strategy<Value = (AccessRequest, Timestamp)> {
    (select(ORGS.to_vec()), select(PURPOSES.to_vec()), select(CLASSES.to_vec()), instant(), instant()).prop_map(
        |(o, purpose, class, data_date, now)| {
            let req =
                AccessRequest { requester: org(o), patient: PATIENT, purpose, resource_type: rt(class), data_date };
            (req, now)
        },
    )
}

fn policy() -> impl Strategy<Value = EmergencyPolicy> {
    any::<bool>().prop_map(|allow_emergency_access| EmergencyPolicy { allow_emergency_access })
}

/// Widen `p`'s conditions so that it matches `req` at `now`.
fn cover(p: &mut Provision, req: &AccessRequest, now: Timestamp) {
    if let Grantee::Orgs(orgs) = &mut p.grantee {
        orgs.push(req.requester.clone());
    }
    if let Some(purposes) = &mut p.purposes {
        // The purpose itself, or its root ancestor: both cover it.
        let mut top = req.purpose;
        while let Some(parent) = top.parent() {
            top = parent;
        }
        purposes.insert(if purposes.len() % 2 == 0 { req.purpose } else { top });
    }
    if let Some(actions) = &mut p.actions {
        actions.insert(Action::Access);
    }
    if let Some(classes) = &mut p.classes {
        classes.push(req.resource_type.clone());
    }
    if p.data_period.is_some() {
        p.data_period = Some(Period::between(Timestamp(req.data_date.0 - 1), Timestamp(req.data_date.0 + 1)).unwrap());
    }
    if p.validity.is_some() {
        p.validity = Some(Period::between(now, Timestamp(now.0 + DAY)).unwrap());
    }
}

/// Make every nested provision the opposite of its parent (R5's shape).
fn alternate(p: &mut Provision) {
    for child in &mut p.provisions {
        child.effect = p.effect.opposite();
        alternate(child);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decision_does_not_depend_on_the_order_of_consents(
        consents in proptest::collection::vec(consent(), 0..6),
        (req, now) in request(),
        policy in policy(),
        seed in any::<u64>(),
    ) {
        let expected = decide(&consents, &req, &policy, now);
        let mut reversed = consents.clone();
        reversed.reverse();
        prop_assert_eq!(&decide(&reversed, &req, &policy, now), &expected);
        // A rotation and a seeded shuffle.
        let mut rotated = consents.clone();
        if !rotated.is_empty() {
            let k = (seed as usize) % rotated.len();
            rotated.rotate_left(k);
        }
        prop_assert_eq!(&decide(&rotated, &req, &policy, now), &expected);
        let mut shuffled = consents.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(&decide(&shuffled, &req, &policy, now), &expected);
    }

    #[test]
    fn a_deny_exception_under_a_permit_wins_for_what_it_covers(
        others in proptest::collection::vec(consent(), 0..5),
        (req, now) in request(),
        policy in policy(),
        mut root in leaf(),
        mut parent in leaf(),
        mut deny in leaf(),
        siblings in proptest::collection::vec(provision(), 0..3),
        root_children in proptest::collection::vec(provision(), 0..3),
        position in any::<prop::sample::Index>(),
        under_root in any::<bool>(),
    ) {
        cover(&mut root, &req, now);
        cover(&mut parent, &req, now);
        cover(&mut deny, &req, now);
        parent.effect = Effect::Permit;
        deny.effect = Effect::Deny;
        // The deny is a leaf among its parent's other exceptions.
        parent.provisions = siblings;
        parent.provisions.insert(position.index(parent.provisions.len() + 1), deny);
        let root = if under_root {
            // The permit is itself nested under a root of either effect.
            root.provisions = root_children;
            root.provisions.insert(position.index(root.provisions.len() + 1), parent);
            root
        } else {
            // The permit is the root.
            parent.validity = root.validity;
            parent
        };
        let c = Consent::new(ConsentId::new("target").unwrap(), PATIENT, root).unwrap();
        let mut all = others;
        all.push(c);
        let d = decide(&all, &req, &policy, now);
        prop_assert_eq!(d.effect, Effect::Deny, "{}", d.explanation);
        prop_assert!(d.obligations.is_empty());
    }

    #[test]
    fn r4_import_export_import_is_stable(c in consent()) {
        // Only active consents are imported (a revocation lives on the ledger).
        let c = Consent::new(c.id().clone(), PATIENT, c.root().clone()).unwrap();
        let json = c.to_fhir(FhirVersion::R4).unwrap();
        let back = Consent::from_fhir(&json, FhirVersion::R4, PATIENT).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.to_fhir(FhirVersion::R4).unwrap(), json);
    }

    #[test]
    fn r5_export_is_stable_and_decides_the_same(
        c in consent(),
        shape_for_r5 in any::<bool>(),
        others in proptest::collection::vec(consent(), 0..4),
        requests in proptest::collection::vec(request(), 1..8),
        policy in policy(),
    ) {
        let mut root = c.root().clone();
        if shape_for_r5 {
            alternate(&mut root);
        }
        let c = Consent::new(c.id().clone(), PATIENT, root).unwrap();
        if let Ok(json) = c.to_fhir(FhirVersion::R5) {
            let back = Consent::from_fhir(&json, FhirVersion::R5, PATIENT).unwrap();
            prop_assert_eq!(back.to_fhir(FhirVersion::R5).unwrap(), json.clone());
            let again = Consent::from_fhir(&back.to_fhir(FhirVersion::R5).unwrap(), FhirVersion::R5, PATIENT).unwrap();
            prop_assert_eq!(&again, &back);
            for (req, now) in requests {
                let mut with_original = others.clone();
                with_original.push(c.clone());
                let mut with_r5 = others.clone();
                with_r5.push(back.clone());
                let a = decide(&with_original, &req, &policy, now);
                let b = decide(&with_r5, &req, &policy, now);
                prop_assert_eq!((a.effect, a.obligations), (b.effect, b.obligations), "{} / {}", a.explanation, b.explanation);
            }
        }
    }

    #[test]
    fn canonical_encoding_round_trips(c in consent()) {
        let bytes = c.encode().unwrap();
        let back = Consent::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &c);
        prop_assert_eq!(back.encode().unwrap(), bytes);
    }
}

//! The consent flow through the public API, as a host uses it: a patient grants, the grant is
//! signed and carried in its canonical encoding, members ask, an emergency happens, the patient
//! revokes, and the consent is shown as FHIR.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use fhirbus::consent::*;
use fhirbus::pseudonym::{NationalId, PseudonymKey};
use fhirbus::signature::SigningKey;
use fhirbus::{ErrorCode, OrgId, ResourceType, Timestamp};

const DAY: u64 = 86_400_000;
/// 2026-01-01T00:00:00Z.
const T0: Timestamp = Timestamp(1_767_225_600_000);

fn org(s: &str) -> OrgId {
    OrgId::new(s).unwrap()
}

#[test]
fn grant_sign_carry_decide_revoke_export() {
    let key = PseudonymKey::from_bytes(&[5; 32]).unwrap();
    let patient = key.pseudonym(&NationalId::new("urn:oid:2.16.840.1.113883.2.4.6.3", "123456782").unwrap());

    // "My GP and the city hospital may see my records for treatment for a year, except my
    // mental-health conditions, unless it is an emergency."
    let root = Provision::permit()
        .orgs([org("city-hospital"), org("gp-west")])
        .purposes([Purpose::Treatment])
        .validity(Period::between(T0, Timestamp(T0.0 + 365 * DAY)).unwrap())
        .except(
            Provision::deny()
                .classes([ResourceType::new("Condition").unwrap()])
                .except(Provision::permit().purposes([Purpose::EmergencyTreatment])),
        );
    let consent = Consent::new(ConsentId::new("consent-2026-1").unwrap(), patient, root).unwrap();

    // Signed by the patient's key over the canonical bytes, carried, decoded, verified.
    let signer = SigningKey::from_secret(&[8; 32]).unwrap();
    let signature = consent.sign(&signer).unwrap();
    let carried = Consent::decode(&consent.encode().unwrap()).unwrap();
    carried.verify(signer.verifying_key(), &signature).unwrap();
    let mut consents = vec![carried];

    let now = Timestamp(T0.0 + 30 * DAY);
    let ask = |requester: &str, purpose: Purpose, resource: &str| AccessRequest {
        requester: org(requester),
        patient,
        purpose,
        resource_type: ResourceType::new(resource).unwrap(),
        data_date: Timestamp(T0.0 - 100 * DAY),
    };
    let network = EmergencyPolicy { allow_emergency_access: true };

    let d = decide(&consents, &ask("gp-west", Purpose::Treatment, "Observation"), &network, now);
    assert!(d.is_permit());
    assert_eq!(d.obligations, Obligations { audit: true, notify_patient: false });
    assert_eq!(
        d.explanation,
        "permit: consent consent-2026-1 (provision root) allows gp-west to access Observation data for purpose TREAT (treatment)"
    );

    let d = decide(&consents, &ask("gp-west", Purpose::Treatment, "Condition"), &network, now);
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Deny, "root/0".to_owned()));

    let d = decide(&consents, &ask("city-hospital", Purpose::BreakTheGlass, "Condition"), &network, now);
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root/0/0".to_owned()));
    assert_eq!(d.obligations, Obligations { audit: true, notify_patient: true });

    // An emergency department the patient never named: the network's policy, with obligations.
    let d = decide(&consents, &ask("er-north", Purpose::EmergencyTreatment, "AllergyIntolerance"), &network, now);
    assert_eq!((d.effect, &d.basis), (Effect::Permit, &Basis::EmergencyPolicy));
    assert!(d.obligations.notify_patient);

    // Payment is not treatment.
    let d = decide(&consents, &ask("gp-west", Purpose::HealthcarePayment, "Observation"), &network, now);
    assert_eq!((d.effect, &d.basis), (Effect::Deny, &Basis::NetworkDefault));

    // Revocation at T0 + 60 days: later decisions no longer see the grant, earlier ones do.
    let revoked_at = Timestamp(T0.0 + 60 * DAY);
    consents[0].revoke(revoked_at).unwrap();
    assert_eq!(consents[0].revoke(revoked_at).unwrap_err().code(), ErrorCode::ConsentAlreadyRevoked);
    let routine = ask("gp-west", Purpose::Treatment, "Observation");
    assert!(decide(&consents, &routine, &network, Timestamp(revoked_at.0 - 1)).is_permit());
    assert!(!decide(&consents, &routine, &network, revoked_at).is_permit());

    // The consent as FHIR, for the patient's portal: R4 and R5.
    let r4 = String::from_utf8(consent.to_fhir(FhirVersion::R4).unwrap()).unwrap();
    assert!(r4.starts_with(r#"{"resourceType":"Consent","#));
    assert!(r4.contains(r#""policyRule":{"coding":[{"code":"OPTIN""#));
    assert!(r4.contains(&patient.to_text()) && !r4.contains("123456782"));
    let r5 = String::from_utf8(consent.to_fhir(FhirVersion::R5).unwrap()).unwrap();
    assert!(r5.contains(r#""decision":"deny""#));
    for (json, version) in [(r4, FhirVersion::R4), (r5, FhirVersion::R5)] {
        let back = Consent::from_fhir(json.as_bytes(), version, patient).unwrap();
        for purpose in [Purpose::Treatment, Purpose::BreakTheGlass, Purpose::HealthcareResearch] {
            for resource in ["Observation", "Condition"] {
                let r = ask("city-hospital", purpose, resource);
                let a = decide(std::slice::from_ref(&consent), &r, &network, now);
                let b = decide(std::slice::from_ref(&back), &r, &network, now);
                assert_eq!((a.effect, a.obligations), (b.effect, b.obligations), "{version:?} {purpose} {resource}");
            }
        }
    }
}

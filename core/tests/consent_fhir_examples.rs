//! HL7's published FHIR Consent examples (hl7.fhir.r4.examples 4.0.1, hl7.fhir.r5.examples
//! 5.0.0; see test-data/fhir-consent/README.md): each one either imports with the meaning
//! written here, or is refused naming the element that the model cannot represent.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use fhirbus::consent::*;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::{ErrorCode, OrgId, ResourceType, Timestamp};
use serde_json::Value;

const PATIENT: Pseudonym = Pseudonym([1; 32]);

fn read(version: &str, name: &str) -> Vec<u8> {
    let path =
        format!("{}/test-data/fhir-consent/{version}/Consent-consent-example-{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn import(version: FhirVersion, bytes: &[u8]) -> fhirbus::Result<Consent> {
    Consent::from_fhir(bytes, version, PATIENT)
}

fn r4(name: &str) -> fhirbus::Result<Consent> {
    import(FhirVersion::R4, &read("r4", name))
}

fn r5(name: &str) -> fhirbus::Result<Consent> {
    import(FhirVersion::R5, &read("r5", name))
}

/// The instant a FHIR date starts at.
fn date(text: &str) -> Timestamp {
    Timestamp(fhir_time::bounds(text).unwrap().0 as u64)
}

/// The period FHIR `start..end` stands for: from the start of `start` to the end of `end`.
fn span(start: &str, end: &str) -> Period {
    Period::from_millis(Some(fhir_time::bounds(start).unwrap().0), Some(fhir_time::bounds(end).unwrap().1)).unwrap()
}

fn req(org: &str, purpose: Purpose, resource: &str) -> AccessRequest {
    AccessRequest {
        requester: OrgId::new(org).unwrap(),
        patient: PATIENT,
        purpose,
        resource_type: ResourceType::new(resource).unwrap(),
        data_date: date("2014-03-01"),
    }
}

const POLICY: EmergencyPolicy = EmergencyPolicy { allow_emergency_access: false };

fn decide_one(c: &Consent, r: &AccessRequest, now: &str) -> Decision {
    decide(std::slice::from_ref(c), r, &POLICY, date(now))
}

/// The refusal: its code and the element path its detail starts with.
fn assert_refused(result: fhirbus::Result<Consent>, code: ErrorCode, element: &str) {
    let err = result.expect_err("refused");
    assert_eq!(err.code(), code, "{err}");
    assert!(err.detail().starts_with(&format!("{element}:")), "{err} should name {element}");
}

/// Every string under a key that carries identifiers or free text, at any depth.
fn identifying_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("reference" | "id" | "value" | "display" | "title", Value::String(s)) if s.len() >= 3 => {
                        out.push(s.clone())
                    }
                    _ => identifying_strings(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| identifying_strings(x, out)),
        _ => {}
    }
}

const ALL_R4: [&str; 12] = [
    "Emergency",
    "Out",
    "basic",
    "grantor",
    "notAuthor",
    "notOrg",
    "notThem",
    "notThis",
    "notTime",
    "pkb",
    "signature",
    "smartonfhir",
];
const ALL_R5: [&str; 12] = [
    "CDA",
    "Emergency",
    "Out",
    "basic",
    "grantor",
    "notAuthor",
    "notOrg",
    "notThem",
    "notThis",
    "notTime",
    "pkb",
    "smartonfhir",
];

#[test]
fn r4_refusals_name_the_element() {
    let role = "Consent.provision.actor[0].role";
    // The custodian (CST) is a role of the data's holder, not of a recipient.
    assert_refused(r4("Emergency"), ErrorCode::ConsentUnsupportedElement, role);
    assert_refused(r4("Out"), ErrorCode::ConsentUnsupportedElement, role);
    assert_refused(r4("notAuthor"), ErrorCode::ConsentUnsupportedElement, role);
    assert_refused(r4("grantor"), ErrorCode::ConsentUnsupportedElement, role);
    // Practitioners are not network members.
    let reference = "Consent.provision.actor[0].reference.reference";
    assert_refused(r4("notThem"), ErrorCode::ConsentUnsupportedElement, reference);
    assert_refused(r4("signature"), ErrorCode::ConsentUnsupportedElement, reference);
    assert_refused(r4("notThis"), ErrorCode::ConsentUnsupportedElement, "Consent.provision.data");
    assert_refused(r4("pkb"), ErrorCode::ConsentUnsupportedElement, "Consent.provision.securityLabel");
}

#[test]
fn r5_refusals_name_the_element() {
    assert_refused(r5("CDA"), ErrorCode::ConsentUnsupportedElement, "Consent.grantee");
    assert_refused(r5("grantor"), ErrorCode::ConsentUnsupportedElement, "Consent.grantee");
    let role = "Consent.provision[0].actor[0].role";
    assert_refused(r5("Emergency"), ErrorCode::ConsentUnsupportedElement, role);
    assert_refused(r5("Out"), ErrorCode::ConsentUnsupportedElement, role);
    assert_refused(r5("notAuthor"), ErrorCode::ConsentUnsupportedElement, role);
    let reference = "Consent.provision[0].actor[0].reference.reference";
    assert_refused(r5("notThem"), ErrorCode::ConsentUnsupportedElement, reference);
    assert_refused(r5("notThis"), ErrorCode::ConsentUnsupportedElement, "Consent.provision[0].data");
    assert_refused(r5("pkb"), ErrorCode::ConsentUnsupportedElement, "Consent.provision[0].securityLabel");
}

#[test]
fn refusals_never_quote_values() {
    for (version, names, v) in [("r4", &ALL_R4[..], FhirVersion::R4), ("r5", &ALL_R5[..], FhirVersion::R5)] {
        for name in names {
            let bytes = read(version, name);
            let Err(err) = import(v, &bytes) else { continue };
            let mut values = Vec::new();
            identifying_strings(&serde_json::from_slice(&bytes).unwrap(), &mut values);
            for value in values {
                assert!(!err.detail().contains(&value), "{version}/{name}: {err} quotes {value}");
            }
        }
    }
}

#[test]
fn r4_basic_untyped_root_takes_optin_from_policy_rule() {
    // R4-conformant: no root type; policyRule OPTIN; period 1964-01-01..2016-01-01 (validity).
    let c = r4("basic").unwrap();
    assert_eq!(c.id().as_str(), "consent-example-basic");
    assert_eq!(c.root().effect, Effect::Permit);
    assert!(!c.root().is_targeted() && c.root().provisions.is_empty());
    // From the start of 1964-01-01 (before the epoch) to the end of 2016-01-01.
    assert_eq!(c.root().validity, Some(span("1964-01-01", "2016-01-01")));
    assert_eq!(c.root().validity.unwrap().end(), Some(date("2016-01-02").0 as i64));
    let d = decide_one(&c, &req("any-member", Purpose::Treatment, "Observation"), "2015-06-01");
    assert!(d.is_permit());
    assert_eq!(d.path(), Some(&ProvisionPath::root()));
    let d = decide_one(&c, &req("any-member", Purpose::Treatment, "Observation"), "2016-01-02");
    assert_eq!(d.basis, Basis::NetworkDefault);
}

#[test]
fn r4_untyped_root_without_optin_or_optout_is_refused() {
    let mut doc: Value = serde_json::from_slice(&read("r4", "basic")).unwrap();
    doc.as_object_mut().unwrap().remove("policyRule");
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert_refused(import(FhirVersion::R4, &bytes), ErrorCode::ConsentInvalid, "Consent.provision.type");
}

#[test]
fn r4_not_org_typed_root_is_the_base_decision() {
    // Root type deny (against R4's letter), actor PRCP Organization/f001, actions access and
    // correct, policyRule OPTIN (description, the root's type rules).
    let c = r4("notOrg").unwrap();
    assert_eq!(c.root().effect, Effect::Deny);
    assert_eq!(c.root().grantee, Grantee::org(OrgId::new("f001").unwrap()));
    assert_eq!(c.root().actions, Some([Action::Access, Action::Correct].into_iter().collect()));
    let d = decide_one(&c, &req("f001", Purpose::Treatment, "Observation"), "2020-01-01");
    assert_eq!((d.effect, d.path().map(ToString::to_string)), (Effect::Deny, Some("root".into())));
    // A restriction: it wins over a grant to every member.
    let grant_all = Consent::new(ConsentId::new("all").unwrap(), PATIENT, Provision::permit()).unwrap();
    let both = [grant_all, c];
    let d = decide(&both, &req("f001", Purpose::Treatment, "Observation"), &POLICY, date("2020-01-01"));
    assert_eq!((d.effect, d.consent_id().unwrap().as_str()), (Effect::Deny, "consent-example-notOrg"));
    let d = decide(&both, &req("f002", Purpose::Treatment, "Observation"), &POLICY, date("2020-01-01"));
    assert!(d.is_permit());
}

#[test]
fn r4_not_time_period_is_validity() {
    let c = r4("notTime").unwrap();
    assert_eq!(c.root().effect, Effect::Permit);
    assert_eq!(c.root().validity, Some(span("2015-01-01", "2015-02-01")));
    assert!(decide_one(&c, &req("x", Purpose::Treatment, "Observation"), "2015-02-01T12:00:00Z").is_permit());
    assert!(!decide_one(&c, &req("x", Purpose::Treatment, "Observation"), "2015-02-02").is_permit());
}

#[test]
fn r4_smartonfhir_nested_typed_permit() {
    let c = r4("smartonfhir").unwrap();
    let root = c.root();
    assert_eq!(root.effect, Effect::Permit);
    let validity = root.validity.unwrap();
    assert_eq!(validity.start(), Some(date("2016-06-23T07:02:33Z").0 as i64));
    assert_eq!(validity.end(), Some(date("2016-06-23T07:32:34Z").0 as i64));
    let [child] = root.provisions.as_slice() else { panic!("one nested provision") };
    assert_eq!(child.effect, Effect::Permit);
    assert_eq!(child.classes, Some(vec![ResourceType::new("MedicationRequest").unwrap()]));
    assert_eq!(child.actions, Some([Action::Access].into_iter().collect()));
    let inside = "2016-06-23T07:10:00Z";
    let d = decide_one(&c, &req("app", Purpose::Treatment, "MedicationRequest"), inside);
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root/0".into()));
    let d = decide_one(&c, &req("app", Purpose::Treatment, "Observation"), inside);
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root".into()));
    assert!(!decide_one(&c, &req("app", Purpose::Treatment, "MedicationRequest"), "2016-06-23T07:32:34Z").is_permit());
}

#[test]
fn r4_pkb_nested_provisions_without_type_are_refused() {
    // Take away what the model cannot represent (security labels) to reach the nested
    // provisions, which have no type.
    let mut doc: Value = serde_json::from_slice(&read("r4", "pkb")).unwrap();
    fn strip(v: &mut Value) {
        if let Some(m) = v.as_object_mut() {
            m.remove("securityLabel");
            m.values_mut().for_each(strip);
        } else if let Some(a) = v.as_array_mut() {
            a.iter_mut().for_each(strip);
        }
    }
    strip(&mut doc);
    let bytes = serde_json::to_vec(&doc).unwrap();
    assert_refused(import(FhirVersion::R4, &bytes), ErrorCode::ConsentInvalid, "Consent.provision.provision[0].type");
}

#[test]
fn r5_meanings() {
    // basic: decision deny, one (permit) exception in force 1964..2019: a base deny with a grant.
    let c = r5("basic").unwrap();
    assert_eq!(c.root().effect, Effect::Deny);
    let [p] = c.root().provisions.as_slice() else { panic!() };
    assert_eq!((p.effect, p.validity), (Effect::Permit, Some(span("1964-01-01", "2019-01-01"))));
    let d = decide_one(&c, &req("x", Purpose::Treatment, "Observation"), "2018-01-01");
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root/0".into()));
    let d = decide_one(&c, &req("x", Purpose::Treatment, "Observation"), "2020-01-01");
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Deny, "root".into()));

    // notOrg: permit everyone, except (deny) f001 for access or correction.
    let c = r5("notOrg").unwrap();
    assert_eq!(c.root().effect, Effect::Permit);
    assert!(!decide_one(&c, &req("f001", Purpose::Treatment, "Observation"), "2020-01-01").is_permit());
    assert!(decide_one(&c, &req("f002", Purpose::Treatment, "Observation"), "2020-01-01").is_permit());

    // notTime: permit, except (deny) while January 2015 lasts.
    let c = r5("notTime").unwrap();
    assert!(!decide_one(&c, &req("x", Purpose::Treatment, "Observation"), "2015-01-15").is_permit());
    assert!(decide_one(&c, &req("x", Purpose::Treatment, "Observation"), "2015-03-01").is_permit());

    // smartonfhir: permit; except (deny) for 30 minutes; except within them (permit)
    // MedicationRequest: three levels, alternating.
    let c = r5("smartonfhir").unwrap();
    let inside = "2016-06-23T07:10:00Z";
    let d = decide_one(&c, &req("app", Purpose::Treatment, "MedicationRequest"), inside);
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Permit, "root/0/0".into()));
    let d = decide_one(&c, &req("app", Purpose::Treatment, "Observation"), inside);
    assert_eq!((d.effect, d.path().unwrap().to_string()), (Effect::Deny, "root/0".into()));
}

#[test]
fn importable_examples_round_trip_in_their_version() {
    let cases = [
        (FhirVersion::R4, "r4", "basic"),
        (FhirVersion::R4, "r4", "notOrg"),
        (FhirVersion::R4, "r4", "notTime"),
        (FhirVersion::R4, "r4", "smartonfhir"),
        (FhirVersion::R5, "r5", "basic"),
        (FhirVersion::R5, "r5", "notOrg"),
        (FhirVersion::R5, "r5", "notTime"),
        (FhirVersion::R5, "r5", "smartonfhir"),
    ];
    for (v, dir, name) in cases {
        let first = import(v, &read(dir, name)).unwrap();
        let exported = first.to_fhir(v).unwrap();
        let second = import(v, &exported).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
        assert_eq!(first, second, "{dir}/{name}");
        assert_eq!(second.to_fhir(v).unwrap(), exported, "{dir}/{name}");
        // And through the canonical encoding.
        assert_eq!(Consent::decode(&first.encode().unwrap()).unwrap(), first);
    }
}

#[test]
fn exported_r4_follows_r4s_rules() {
    for name in ["basic", "notOrg", "notTime", "smartonfhir"] {
        let c = r4(name).unwrap();
        let doc: Value = serde_json::from_slice(&c.to_fhir(FhirVersion::R4).unwrap()).unwrap();
        let text = String::from_utf8(c.to_fhir(FhirVersion::R4).unwrap()).unwrap();
        assert!(text.starts_with(r#"{"resourceType":"Consent","#));
        for required in ["id", "status", "scope", "category", "patient", "policyRule"] {
            assert!(doc.get(required).is_some(), "{name}: {required}");
        }
        assert_eq!(doc["patient"]["identifier"]["system"], PSEUDONYM_SYSTEM);
        assert_eq!(doc["patient"]["identifier"]["value"], PATIENT.to_text());
        if let Some(root) = doc.get("provision") {
            assert!(root.get("type").is_none(), "{name}: R4 root has no type");
            fn nested_typed(p: &Value) {
                for child in p.get("provision").and_then(Value::as_array).into_iter().flatten() {
                    assert!(child.get("type").is_some());
                    nested_typed(child);
                }
            }
            nested_typed(root);
        }
    }
    // notOrg's deny root becomes OPTOUT.
    let doc: Value = serde_json::from_slice(&r4("notOrg").unwrap().to_fhir(FhirVersion::R4).unwrap()).unwrap();
    assert_eq!(doc["policyRule"]["coding"][0]["code"], "OPTOUT");
}

#[test]
fn cross_version_export() {
    // R4 basic (an untargeted permit root) has an R5 form that decides the same.
    let basic = r4("basic").unwrap();
    let again = import(FhirVersion::R5, &basic.to_fhir(FhirVersion::R5).unwrap()).unwrap();
    assert_eq!(again, basic);
    // R4 notOrg is a restriction of one organisation: R5 cannot say it.
    let err = r4("notOrg").unwrap().to_fhir(FhirVersion::R5).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConsentUnsupportedElement);
    assert!(err.detail().starts_with("Consent.decision:"));
    // R4 smartonfhir nests a permit under a permit: R5's provisions alternate.
    let err = r4("smartonfhir").unwrap().to_fhir(FhirVersion::R5).unwrap_err();
    assert_eq!(err.code(), ErrorCode::ConsentUnsupportedElement);
    // Every R5 import has an R4 form.
    for name in ["basic", "notOrg", "notTime", "smartonfhir"] {
        let c = r5(name).unwrap();
        assert_eq!(import(FhirVersion::R4, &c.to_fhir(FhirVersion::R4).unwrap()).unwrap(), c, "{name}");
    }
}

#[test]
fn version_specific_elements_are_refused_in_the_other_version() {
    // Members are read in key order: R4's dateTime is the first that R5 does not have.
    assert_refused(
        import(FhirVersion::R5, &read("r4", "basic")),
        ErrorCode::ConsentUnsupportedElement,
        "Consent.dateTime",
    );
    assert_refused(
        import(FhirVersion::R4, &read("r5", "basic")),
        ErrorCode::ConsentUnsupportedElement,
        "Consent.controller",
    );
}

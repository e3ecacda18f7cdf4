//! The consent model out to FHIR Consent JSON, R4 or R5.
//!
//! * R4: a valid R4 Consent. `scope` is `patient-privacy`, `category` LOINC 59284-0, the
//!   patient is named by its pseudonym ([`PSEUDONYM_SYSTEM`]). The root's effect is written as
//!   `policyRule` OPTIN (permit) or OPTOUT (deny) and the root provision has no `type`, as R4
//!   requires; every nested provision has its `type`. Actors have the role `PRCP`.
//! * R5: `decision` is the root's effect and `period` its validity; the nested provisions are
//!   untyped, so each must have the effect opposite to its parent's (R5's rule), otherwise the
//!   export is refused with [`ErrorCode::ConsentUnsupportedElement`]. A root with conditions
//!   (grantee, purposes, ...) has no place in R5: a *permit* root with conditions is written as
//!   `decision: deny` with one provision carrying the conditions, which decides every request
//!   the same way (see the module docs: an untargeted deny root grants nothing and restricts
//!   nothing); a *deny* root with conditions restricts some requests only, which R5 cannot say,
//!   and is refused.
//!
//! A revoked consent is written with status `inactive` (the time of revocation stays on the
//! ledger). Keys are written in order, `resourceType` first.

use serde_json::{Map, Value, json};

use crate::error::{Error, ErrorCode, Result};

use super::fhir_codes::*;
use super::fhir_time::{format_end, format_start};
use super::model::{Consent, ConsentStatus, Effect, Grantee, Period, Provision};
use super::purpose::ACT_REASON_SYSTEM;

fn unsupported(what: &str) -> Error {
    Error::new(ErrorCode::ConsentUnsupportedElement, what.to_owned())
}

fn period(p: &Period) -> Result<Value> {
    let mut m = Map::new();
    if let Some(s) = p.start() {
        m.insert("start".into(), Value::String(format_start(s)?));
    }
    if let Some(e) = p.end() {
        m.insert("end".into(), Value::String(format_end(e)?));
    }
    Ok(Value::Object(m))
}

/// The conditions of a provision (everything but its type, its validity and its children).
fn conditions(p: &Provision, r5: bool, m: &mut Map<String, Value>) -> Result<()> {
    if let Grantee::Orgs(orgs) = &p.grantee {
        let actors = orgs
            .iter()
            .map(|o| {
                json!({
                    "role": {"coding": [{"system": PARTICIPATION_TYPE, "code": RECIPIENT_ROLE}]},
                    "reference": {"reference": format!("Organization/{o}")}
                })
            })
            .collect();
        m.insert("actor".into(), Value::Array(actors));
    }
    if let Some(actions) = p.actions {
        let list = actions.iter().map(|a| json!({"coding": [{"system": CONSENT_ACTION, "code": a.code()}]})).collect();
        m.insert("action".into(), Value::Array(list));
    }
    if let Some(purposes) = p.purposes {
        let list = purposes
            .iter()
            .map(|x| json!({"system": ACT_REASON_SYSTEM, "code": x.code(), "display": x.display()}))
            .collect();
        m.insert("purpose".into(), Value::Array(list));
    }
    if let Some(classes) = &p.classes {
        let (key, system) = if r5 { ("resourceType", FHIR_TYPES) } else { ("class", RESOURCE_TYPES) };
        let list = classes.iter().map(|t| json!({"system": system, "code": t.as_str()})).collect();
        m.insert(key.into(), Value::Array(list));
    }
    if let Some(d) = &p.data_period {
        m.insert("dataPeriod".into(), period(d)?);
    }
    Ok(())
}

fn provision_r4(p: &Provision, root: bool) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    if !root {
        m.insert("type".into(), Value::String(p.effect.code().into()));
    }
    if let Some(v) = &p.validity {
        m.insert("period".into(), period(v)?);
    }
    conditions(p, false, &mut m)?;
    if !p.provisions.is_empty() {
        let children = p.provisions.iter().map(|c| provision_r4(c, false).map(Value::Object)).collect::<Result<_>>()?;
        m.insert("provision".into(), Value::Array(children));
    }
    Ok(m)
}

fn provision_r5(p: &Provision, parent: Effect, with_validity: bool) -> Result<Map<String, Value>> {
    if p.effect == parent {
        return Err(unsupported(
            "Consent.provision: a nested provision with its parent's effect has no R5 form (R5 exceptions alternate)",
        ));
    }
    let mut m = Map::new();
    if let (true, Some(v)) = (with_validity, &p.validity) {
        m.insert("period".into(), period(v)?);
    }
    conditions(p, true, &mut m)?;
    if !p.provisions.is_empty() {
        let children =
            p.provisions.iter().map(|c| provision_r5(c, p.effect, true).map(Value::Object)).collect::<Result<_>>()?;
        m.insert("provision".into(), Value::Array(children));
    }
    Ok(m)
}

fn common(c: &Consent, m: &mut Map<String, Value>, subject: &str) {
    m.insert("id".into(), Value::String(c.id().as_str().into()));
    let status = match c.status() {
        ConsentStatus::Active => "active",
        ConsentStatus::Revoked { .. } => "inactive",
    };
    m.insert("status".into(), Value::String(status.into()));
    m.insert("category".into(), json!([{"coding": [{"system": LOINC, "code": PATIENT_CONSENT}]}]));
    m.insert(subject.into(), json!({"identifier": {"system": PSEUDONYM_SYSTEM, "value": c.patient().to_text()}}));
}

fn r4(c: &Consent) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    common(c, &mut m, "patient");
    m.insert("scope".into(), json!({"coding": [{"system": CONSENT_SCOPE, "code": PRIVACY_SCOPE}]}));
    let rule = match c.root().effect {
        Effect::Permit => OPT_IN,
        Effect::Deny => OPT_OUT,
    };
    m.insert("policyRule".into(), json!({"coding": [{"system": ACT_CODE, "code": rule}]}));
    let root = provision_r4(c.root(), true)?;
    if !root.is_empty() {
        m.insert("provision".into(), Value::Object(root));
    }
    Ok(m)
}

fn r5(c: &Consent) -> Result<Map<String, Value>> {
    let mut m = Map::new();
    common(c, &mut m, "subject");
    let root = c.root();
    if let Some(v) = &root.validity {
        m.insert("period".into(), period(v)?);
    }
    let (decision, provisions) = if root.is_targeted() {
        if root.effect == Effect::Deny {
            return Err(unsupported(
                "Consent.decision: a deny root with conditions restricts some requests only, which R5 cannot say \
                 (its decision applies to every request)",
            ));
        }
        (Effect::Deny, vec![Value::Object(provision_r5(root, Effect::Deny, false)?)])
    } else {
        let children = root
            .provisions
            .iter()
            .map(|p| provision_r5(p, root.effect, true).map(Value::Object))
            .collect::<Result<_>>()?;
        (root.effect, children)
    };
    m.insert("decision".into(), Value::String(decision.code().into()));
    if !provisions.is_empty() {
        m.insert("provision".into(), Value::Array(provisions));
    }
    Ok(m)
}

/// The consent as FHIR Consent JSON of `version` (see the module docs for what is refused).
pub fn export(consent: &Consent, version: FhirVersion) -> Result<Vec<u8>> {
    let body = match version {
        FhirVersion::R4 => r4(consent)?,
        FhirVersion::R5 => r5(consent)?,
    };
    let rest =
        serde_json::to_vec(&Value::Object(body)).map_err(|_| Error::new(ErrorCode::Internal, "serialization"))?;
    // `resourceType` first, then the other members in key order.
    let mut out = Vec::with_capacity(rest.len() + 32);
    out.extend_from_slice(br#"{"resourceType":"Consent","#);
    out.extend_from_slice(rest.get(1..).unwrap_or_default());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::model::ConsentId;
    use crate::consent::purpose::Purpose;
    use crate::ids::{OrgId, ResourceType};
    use crate::pseudonym::Pseudonym;
    use crate::time::Timestamp;

    fn consent(root: Provision) -> Consent {
        Consent::new(ConsentId::new("c").unwrap(), Pseudonym([1; 32]), root).unwrap()
    }

    fn json(c: &Consent, v: FhirVersion) -> Value {
        serde_json::from_slice(&export(c, v).unwrap()).unwrap()
    }

    #[test]
    fn r4_shape() {
        let c = consent(
            Provision::permit()
                .orgs([OrgId::new("h").unwrap()])
                .purposes([Purpose::Treatment])
                .validity(Period::from(Timestamp(86_400_000)))
                .except(Provision::deny().classes([ResourceType::new("Condition").unwrap()])),
        );
        let doc = json(&c, FhirVersion::R4);
        assert_eq!(doc["policyRule"]["coding"][0]["code"], "OPTIN");
        assert_eq!(doc["provision"]["period"], json!({"start": "1970-01-02"}));
        assert_eq!(doc["provision"]["actor"][0]["reference"]["reference"], "Organization/h");
        assert_eq!(doc["provision"]["purpose"][0]["code"], "TREAT");
        assert_eq!(doc["provision"]["provision"][0]["type"], "deny");
        assert_eq!(doc["provision"]["provision"][0]["class"][0]["system"], RESOURCE_TYPES);
        assert!(doc["provision"].get("type").is_none());
        // A bare consent has no provision element.
        assert!(json(&consent(Provision::deny()), FhirVersion::R4).get("provision").is_none());
    }

    #[test]
    fn r5_shapes() {
        // Untargeted root: decision and alternating provisions.
        let c = consent(Provision::deny().except(Provision::permit().purposes([Purpose::Treatment])));
        let doc = json(&c, FhirVersion::R5);
        assert_eq!(doc["decision"], "deny");
        assert_eq!(doc["provision"][0]["purpose"][0]["code"], "TREAT");
        assert!(doc["provision"][0].get("type").is_none());
        // A targeted permit root moves one level down under decision deny.
        let c = consent(
            Provision::permit()
                .orgs([OrgId::new("h").unwrap()])
                .validity(Period::until(Timestamp(1000)))
                .except(Provision::deny().classes([ResourceType::new("Condition").unwrap()])),
        );
        let doc = json(&c, FhirVersion::R5);
        assert_eq!(doc["decision"], "deny");
        assert_eq!(doc["period"], json!({"end": "1970-01-01T00:00:00Z"}));
        assert_eq!(doc["provision"][0]["actor"][0]["reference"]["reference"], "Organization/h");
        assert_eq!(doc["provision"][0]["provision"][0]["resourceType"][0]["system"], FHIR_TYPES);
        // A targeted deny root and non-alternating nesting are refused.
        let e =
            export(&consent(Provision::deny().purposes([Purpose::HealthcareMarketing])), FhirVersion::R5).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConsentUnsupportedElement);
        let e = export(&consent(Provision::permit().except(Provision::permit())), FhirVersion::R5).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConsentUnsupportedElement);
    }

    #[test]
    fn revoked_is_inactive_and_far_future_is_refused() {
        let mut c = consent(Provision::permit());
        c.revoke(Timestamp(5)).unwrap();
        assert_eq!(json(&c, FhirVersion::R4)["status"], "inactive");
        let far = consent(Provision::permit().validity(Period::from(Timestamp(u64::MAX))));
        assert_eq!(export(&far, FhirVersion::R4).unwrap_err().code(), ErrorCode::ConsentUnsupportedElement);
    }
}

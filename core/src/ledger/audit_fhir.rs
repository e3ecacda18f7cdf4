//! The audit trail as FHIR R4 AuditEvent resources, for a patient portal or a hospital's
//! audit repository. Emergency access is marked the way HL7 and DICOM do: purpose of event
//! `ETREAT` (v3 ActReason) and subtype DICOM `110127` "Emergency Override Started".

use serde_json::{Value, json};

use super::audit::{AuditAction, AuditEvent};
use crate::time::Timestamp;

const DCM: &str = "http://dicom.nema.org/resources/ontology/DCM";
const ACT_REASON: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
const AUDIT_TYPE: &str = "http://terminology.hl7.org/CodeSystem/audit-event-type";

/// RFC 3339 UTC text of a timestamp, with milliseconds (FHIR `instant`).
pub fn instant(t: Timestamp) -> String {
    let ms = t.0 % 1000;
    let secs = t.0 / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{m:02}:{s:02}.{ms:03}Z")
}

fn action_code(action: AuditAction) -> (&'static str, &'static str, &'static str) {
    // (AuditEvent.action, type system code, display)
    match action {
        AuditAction::AccessDecided => ("R", "110110", "Patient Record"),
        AuditAction::RecordRegistered => ("C", "110110", "Patient Record"),
        AuditAction::RecordSuperseded => ("U", "110110", "Patient Record"),
        AuditAction::ConsentGranted | AuditAction::ConsentRevoked => ("U", "110110", "Patient Record"),
        AuditAction::PatientEnrolled => ("C", "110110", "Patient Record"),
        AuditAction::DataKeyShared | AuditAction::DataKeyRotated => ("E", "110113", "Security Alert"),
        AuditAction::KeyRotated | AuditAction::KeyRevoked => ("E", "110113", "Security Alert"),
        _ => ("E", "110113", "Security Alert"),
    }
}

/// One audit event as a FHIR R4 AuditEvent.
pub fn to_fhir(event: &AuditEvent, chain: &str) -> Value {
    let (action, type_code, type_display) = action_code(event.action);
    let mut subtype = vec![json!({"system": "urn:fhirbus:audit-action", "code": serde_json::to_value(event.action).unwrap_or(Value::Null)})];
    if event.emergency {
        subtype.push(json!({"system": DCM, "code": "110127", "display": "Emergency Override Started"}));
    }
    let mut fields = serde_json::Map::new();
    let resource_base = json!({
        "resourceType": "AuditEvent",
        "id": event.tx.to_hex(),
        "type": {"system": DCM, "code": type_code, "display": type_display},
        "subtype": subtype,
        "action": action,
        "recorded": instant(event.time),
        "outcome": if event.permitted == Some(false) { "4" } else { "0" },
        "source": {"site": chain, "observer": {"display": format!("fhirbus ledger {chain}")}, "type": [{"system": AUDIT_TYPE, "code": "rest"}]},
    });
    if event.permitted == Some(false) {
        fields.insert("outcomeDesc".into(), json!("access denied: no consent or policy permits it"));
    }
    if let Some(purpose) = &event.purpose {
        fields.insert("purposeOfEvent".into(), json!([{"coding": [{"system": ACT_REASON, "code": purpose}]}]));
    }
    let mut agents = Vec::new();
    if let Some(org) = &event.actor {
        agents.push(json!({"who": {"identifier": {"system": "urn:fhirbus:org", "value": org.as_str()}}, "requestor": true}));
    }
    if event.actor.is_none() && event.patient.is_some() {
        agents.push(json!({"who": {"identifier": {"system": "urn:fhirbus:pseudonym", "value": event.patient.map(|p| p.to_text())}}, "requestor": true}));
    }
    if let Some(org) = &event.subject_org {
        agents.push(json!({"who": {"identifier": {"system": "urn:fhirbus:org", "value": org.as_str()}}, "requestor": false}));
    }
    fields.insert("agent".into(), Value::Array(agents));
    let mut entities = Vec::new();
    if let Some(p) = &event.patient {
        entities.push(json!({
            "what": {"identifier": {"system": "urn:fhirbus:pseudonym", "value": p.to_text()}},
            "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1", "display": "Person"},
            "role": {"system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1", "display": "Patient"}
        }));
    }
    if let Some(entry) = &event.entry {
        entities.push(json!({
            "what": {"identifier": {"system": "urn:fhirbus:record-entry", "value": entry.to_hex()}},
            "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "2", "display": "System Object"}
        }));
    }
    entities.push(json!({"what": {"identifier": {"system": "urn:fhirbus:block-height", "value": event.height.to_string()}}}));
    fields.insert("entity".into(), Value::Array(entities));
    let mut resource = resource_base;
    if let Some(obj) = resource.as_object_mut() {
        obj.extend(fields);
    }
    resource
}

/// A patient's whole trail as a FHIR R4 Bundle (type `collection`) of AuditEvents.
pub fn trail_bundle(events: &[AuditEvent], chain: &str) -> Value {
    let entries: Vec<Value> = events.iter().map(|e| json!({"fullUrl": format!("urn:fhirbus:audit:{}", e.tx.to_hex()), "resource": to_fhir(e, chain)})).collect();
    json!({"resourceType": "Bundle", "type": "collection", "entry": entries})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_rfc3339() {
        assert_eq!(instant(Timestamp(0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(instant(Timestamp(951_782_400_123)), "2000-02-29T00:00:00.123Z");
        assert_eq!(instant(Timestamp(1_764_000_000_000)), "2025-11-24T16:00:00.000Z");
    }
}

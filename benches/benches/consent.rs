//! Consent decisions, side by side: `fhirbus::consent::decide` over the model against
//! evaluating the same rules by walking the FHIR Consent JSON (`serde_json::Value`) directly,
//! the way a service that keeps consents as FHIR resources does (dates parsed, references and
//! codings compared as text, at each decision).
//!
//! A patient with 1, 10 and 100 consents of realistic shape, nested three deep: a grant to one
//! or two hospitals for a purpose, with an exception for sensitive resource types, itself with
//! an exception for emergencies; some consents are opt-outs of one organisation, some are
//! research grants limited to old data. Both evaluators are checked to agree before timing.
//!
//! Bar (issue 4): a median under 2 us with 100 consents.

use fhirbus::consent::{
    AccessRequest, Consent, ConsentId, Decision, Effect, EmergencyPolicy, FhirVersion, Period, Provision, Purpose,
    decide, fhir_time,
};
use fhirbus::pseudonym::Pseudonym;
use fhirbus::{OrgId, ResourceType, Timestamp};
use fhirbus_benches::{candidate, compare};
use serde_json::Value;

const PATIENT: Pseudonym = Pseudonym([9; 32]);
const DAY: u64 = 86_400_000;
/// 2026-01-01.
const NOW: Timestamp = Timestamp(1_767_225_600_000);

fn org(i: usize) -> OrgId {
    OrgId::new(&format!("hospital-{i}")).expect("org id")
}

fn rt(s: &str) -> ResourceType {
    ResourceType::new(s).expect("resource type")
}

/// Consent `i` of a patient: one of three realistic shapes, three levels deep.
fn consent(i: usize) -> Consent {
    let validity = Period::between(Timestamp(NOW.0 - 400 * DAY), Timestamp(NOW.0 + 365 * DAY)).expect("period");
    let root = match i % 5 {
        // A research grant, limited to data older than two years, except genetic data.
        3 => Provision::permit()
            .orgs([org(i)])
            .purposes([Purpose::HealthcareResearch])
            .data_period(Period::until(Timestamp(NOW.0 - 730 * DAY)))
            .validity(validity)
            .except(
                Provision::deny()
                    .classes([rt("MolecularSequence"), rt("Observation")])
                    .except(Provision::permit().orgs([org(i)]).classes([rt("Observation")])),
            ),
        // An opt-out of one organisation, except emergencies, except mental-health data.
        4 => Provision::deny().orgs([org(i)]).except(
            Provision::permit()
                .purposes([Purpose::EmergencyTreatment])
                .except(Provision::deny().classes([rt("Condition"), rt("DiagnosticReport")])),
        ),
        // A treatment grant to one or two hospitals, except sensitive types, except emergencies.
        _ => Provision::permit()
            .orgs([org(i), org(i + 1)])
            .purposes([Purpose::Treatment, Purpose::CoordinationOfCare])
            .validity(validity)
            .except(
                Provision::deny()
                    .classes([rt("Condition"), rt("DiagnosticReport"), rt("MedicationRequest")])
                    .except(Provision::permit().purposes([Purpose::EmergencyTreatment])),
            ),
    };
    Consent::new(ConsentId::new(&format!("consent-{i}")).expect("id"), PATIENT, root).expect("consent")
}

// --- the JSON walker ---------------------------------------------------------------------

struct Query<'a> {
    req: &'a AccessRequest,
    now: i64,
    data: i64,
    patient: String,
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn in_period(p: Option<&Value>, t: i64) -> bool {
    let Some(p) = p else { return true };
    let start_ok = text(p, "start").is_none_or(|s| fhir_time::bounds(s).is_ok_and(|(b, _)| t >= b));
    let end_ok = text(p, "end").is_none_or(|s| fhir_time::bounds(s).is_ok_and(|(_, e)| t < e));
    start_ok && end_ok
}

fn any_coding<'a>(v: Option<&'a Value>, f: impl FnMut(&'a Value) -> bool) -> bool {
    let Some(list) = v.and_then(Value::as_array) else { return true };
    list.iter().any(f)
}

fn matches(p: &Value, q: &Query<'_>) -> bool {
    let requester = q.req.requester.as_str();
    in_period(p.get("period"), q.now)
        && any_coding(p.get("actor"), |a| {
            a.get("reference")
                .and_then(|r| text(r, "reference"))
                .and_then(|r| r.strip_prefix("Organization/"))
                .is_some_and(|id| id == requester)
        })
        && any_coding(p.get("purpose"), |c| {
            text(c, "system") == Some(fhirbus::consent::ACT_REASON_SYSTEM)
                && text(c, "code").and_then(Purpose::from_code).is_some_and(|p| q.req.purpose.is_a(p))
        })
        && any_coding(p.get("action"), |a| {
            a.get("coding")
                .and_then(Value::as_array)
                .is_some_and(|cs| cs.iter().any(|c| matches!(text(c, "code"), Some("access" | "disclose"))))
        })
        && any_coding(p.get("class"), |c| text(c, "code") == Some(q.req.resource_type.as_str()))
        && in_period(p.get("dataPeriod"), q.data)
}

fn effect_of(code: Option<&str>) -> Option<Effect> {
    match code {
        Some("permit") => Some(Effect::Permit),
        Some("deny") => Some(Effect::Deny),
        _ => None,
    }
}

fn eval(p: &Value, effect: Effect, q: &Query<'_>, path: &mut Vec<u16>) -> (Effect, Vec<u16>) {
    let mut permit = None;
    for (i, child) in p.get("provision").and_then(Value::as_array).into_iter().flatten().enumerate() {
        if !matches(child, q) {
            continue;
        }
        let Some(child_effect) = effect_of(text(child, "type")) else { continue };
        path.push(i as u16);
        let result = eval(child, child_effect, q, path);
        path.pop();
        match result {
            (Effect::Deny, at) => return (Effect::Deny, at),
            (Effect::Permit, at) => {
                permit.get_or_insert(at);
            }
        }
    }
    permit.map_or_else(|| (effect, path.clone()), |at| (Effect::Permit, at))
}

/// The same rules as `decide`, over FHIR R4 Consent JSON: (effect, consent id, path).
fn walk(consents: &[Value], q: &Query<'_>, policy: &EmergencyPolicy) -> (Effect, Option<(String, Vec<u16>)>) {
    let mut best: Option<(u8, String, Vec<u16>)> = None;
    for c in consents {
        let patient_ok =
            c.get("patient").and_then(|p| p.get("identifier")).and_then(|i| text(i, "value")) == Some(&q.patient);
        if !patient_ok || text(c, "status") != Some("active") {
            continue;
        }
        let root_default = Value::Object(Default::default());
        let root = c.get("provision").unwrap_or(&root_default);
        if !matches(root, q) {
            continue;
        }
        let rule =
            c.get("policyRule").and_then(|r| r.get("coding")).and_then(|cs| cs.get(0)).and_then(|c| text(c, "code"));
        let Some(base) = effect_of(text(root, "type")).or(match rule {
            Some("OPTIN") => Some(Effect::Permit),
            Some("OPTOUT") => Some(Effect::Deny),
            _ => None,
        }) else {
            continue;
        };
        let (effect, path) = eval(root, base, q, &mut Vec::new());
        let targeted = ["actor", "purpose", "action", "class", "dataPeriod"].iter().any(|k| root.get(*k).is_some());
        let rank = match effect {
            Effect::Permit => 2,
            Effect::Deny if path.is_empty() && !targeted => 1,
            Effect::Deny => 3,
        };
        let id = text(c, "id").unwrap_or_default().to_owned();
        let better =
            best.as_ref().is_none_or(|(r, bid, bpath)| rank > *r || (rank == *r && (&id, &path) < (bid, bpath)));
        if better {
            best = Some((rank, id, path));
        }
    }
    match best {
        Some((2, id, path)) => (Effect::Permit, Some((id, path))),
        Some((3, id, path)) => (Effect::Deny, Some((id, path))),
        _ if q.req.purpose.is_emergency() && policy.allow_emergency_access => (Effect::Permit, None),
        Some((_, id, path)) => (Effect::Deny, Some((id, path))),
        None => (Effect::Deny, None),
    }
}

fn summary(d: &Decision) -> (Effect, Option<(String, Vec<u16>)>) {
    (
        d.effect,
        d.consent_id().map(|id| (id.as_str().to_owned(), d.path().map(|p| p.indices().to_vec()).unwrap_or_default())),
    )
}

fn main() -> fhirbus::Result<()> {
    let policy = EmergencyPolicy { allow_emergency_access: true };
    for n in [1usize, 10, 100] {
        let consents: Vec<Consent> = (0..n).map(consent).collect();
        let fhir: Vec<Value> = consents
            .iter()
            .map(|c| c.to_fhir(FhirVersion::R4).map(|j| serde_json::from_slice(&j).expect("exported JSON parses")))
            .collect::<fhirbus::Result<_>>()?;

        // Both evaluators agree on a spread of requests before anything is timed.
        let mut requests = Vec::new();
        for i in [0, n / 2, n.saturating_sub(1), n + 7] {
            for purpose in [Purpose::Treatment, Purpose::BreakTheGlass, Purpose::HealthcareResearch] {
                for class in ["Observation", "Condition", "MolecularSequence"] {
                    for data_date in [Timestamp(NOW.0 - 1000 * DAY), Timestamp(NOW.0 - 10 * DAY)] {
                        requests.push(AccessRequest {
                            requester: org(i),
                            patient: PATIENT,
                            purpose,
                            resource_type: rt(class),
                            data_date,
                        });
                    }
                }
            }
        }
        let mut permits = 0;
        for req in &requests {
            let q = Query { req, now: NOW.0 as i64, data: req.data_date.0 as i64, patient: PATIENT.to_text() };
            let d = decide(&consents, req, &policy, NOW);
            permits += usize::from(d.is_permit());
            assert_eq!(summary(&d), walk(&fhir, &q, &policy), "evaluators disagree on {req:?}");
        }

        // The timed request: a hospital in the middle of the list asks for a Condition in an
        // emergency (every consent's root is checked; the deciding one is walked three deep).
        let req = AccessRequest {
            requester: org(n / 2),
            patient: PATIENT,
            purpose: Purpose::BreakTheGlass,
            resource_type: rt("Condition"),
            data_date: Timestamp(NOW.0 - 10 * DAY),
        };
        let q = Query { req: &req, now: NOW.0 as i64, data: req.data_date.0 as i64, patient: PATIENT.to_text() };
        let provisions: usize = consents.iter().map(Consent::provision_count).sum();
        let title = format!(
            "decide, {n} consent(s), {provisions} provisions, nested 3 deep ({permits}/{} sample requests permitted)",
            requests.len()
        );
        let model = "fhirbus decide (model)";
        let json = "walk FHIR Consent JSON (serde_json::Value)";
        let report = compare(
            &title,
            None,
            vec![
                candidate(model, || decide(&consents, &req, &policy, NOW)),
                candidate(json, || walk(&fhir, &q, &policy)),
            ],
        );
        if let (Some(t), Some(ratio)) = (report.median(model), report.ratio(json)) {
            let bar = if n == 100 {
                format!("; bar < 2 us: {}", if t < 2000.0 { "met" } else { "NOT met" })
            } else {
                String::new()
            };
            println!("  JSON walk / model = {ratio:.1}x{bar}");
        }
    }
    Ok(())
}

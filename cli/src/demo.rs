//! `fhirbus demo`: the whole exchange, narrated, on a fresh embedded network and two real FHIR
//! servers (one per hospital). Each step says what it expects; the exit code is 0 only if
//! every step did what it should, refusals included.

use std::path::Path;
use std::time::Instant;

use serde_json::json;

use crate::node::Node;
use crate::output::Out;
use crate::fhir::{self, Fhir};
use crate::{CliError, access, audit, create, enrol, grant, register, revoke};

struct Story<'a> {
    out: &'a mut Out,
    step: usize,
    failures: Vec<String>,
    started: Instant,
}

impl Story<'_> {
    fn step(&mut self, title: &str) {
        self.step += 1;
        self.out.line(&format!("\n[{:>4.1}s] step {}: {title}", self.started.elapsed().as_secs_f64(), self.step), json!({"step": self.step, "title": title}));
    }

    fn expect(&mut self, ok: bool, what: &str) {
        let mark = if ok { "ok" } else { "FAILED" };
        self.out.line(&format!("        {mark}: {what}"), json!({"step": self.step, "check": what, "ok": ok}));
        if !ok {
            self.failures.push(format!("step {}: {what}", self.step));
        }
    }
}

const OBSERVATION: &str = r#"{
  "resourceType": "Observation",
  "id": "fhirbus-demo-hb",
  "status": "final",
  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
  "code": {"coding": [{"system": "http://loinc.org", "code": "718-7", "display": "Hemoglobin [Mass/volume] in Blood"}]},
  "subject": {"display": "demo patient (the ledger knows only a pseudonym)"},
  "effectiveDateTime": "2026-11-24T08:30:00+01:00",
  "valueQuantity": {"value": 13.50, "unit": "g/dL", "system": "http://unitsofmeasure.org", "code": "g/dL"}
}"#;

pub fn run(dir: &Path, fhir: &Fhir, fhir_a: &str, fhir_b: &str, out: &mut Out) -> Result<(), CliError> {
    if dir.exists() && std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false) {
        return Err(CliError::usage(format!("{} is not empty: the demo builds a fresh network there (choose another --dir)", dir.display())));
    }
    let mut story = Story { out, step: 0, failures: Vec::new(), started: Instant::now() };

    story.step("the FHIR servers of Hospital A and Hospital B answer");
    for (name, base) in [("A", fhir_a), ("B", fhir_b)] {
        let ok = fhir.get(&format!("{}/metadata", base.trim_end_matches('/'))).is_ok();
        story.expect(ok, &format!("Hospital {name}'s FHIR server at {base} serves its CapabilityStatement"));
        if !ok {
            return Err(CliError::fhir(format!("no FHIR server at {base}: start them with `bash scripts/fhir-servers.sh start`")));
        }
    }

    story.step("the governance council founds the network: 3 members, 4 in-process validators");
    create(dir, &["hospital-a".into(), "hospital-b".into(), "registry".into()], 4, true, story.out)?;
    let mut node = Node::open(dir)?;

    story.step("Hospital A enrols the patient under the pseudonym of their national identifier");
    let patient = enrol(&mut node, "hospital-a", "urn:oid:2.16.840.1.113883.2.4.6.3", "123-45-678", story.out)?;

    story.step("Hospital A records an Observation in its FHIR server and registers it on the ledger");
    let stored = fhir.put(fhir_a, "Observation", "fhirbus-demo-hb", OBSERVATION.as_bytes())?;
    let (id, version) = fhir::version_of(&stored)?;
    let url = format!("{}/Observation/{id}/_history/{version}", fhir_a.trim_end_matches('/'));
    let entry = register(&mut node, fhir, "hospital-a", &patient, &url, None, story.out)?;
    story.expect(node.net.state().record(&entry).is_some(), "the entry is on the ledger: pseudonym, sealed pointer, digest; no health data");

    story.step("Hospital B, with no consent yet, asks for the patient's records");
    let denied = access(&mut node, fhir, "hospital-b", &patient, "TREAT", story.out)?;
    story.expect(denied.iter().all(|o| !o.permitted), "refused: the network's default is deny");

    story.step("the patient grants Hospital B access for treatment");
    grant(&mut node, &patient, "hospital-b", &["TREAT".into()], &[], "consent-treat-b", story.out)?;

    story.step("Hospital B finds the record, opens the pointer, fetches it from Hospital A and checks its digest");
    let got = access(&mut node, fhir, "hospital-b", &patient, "TREAT", story.out)?;
    story.expect(got.iter().any(|o| o.permitted && o.fetched.is_some()), "permitted, fetched from Hospital A's FHIR server, digest matches");

    story.step("a tampered copy on the server is caught by the digest check");
    // The haemoglobin value changed from 13.50 to 31.50 g/dL: one digit pair swapped.
    let tampered_bytes = OBSERVATION.replace("13.50", "31.50").into_bytes();
    let check = fhirbus::access::check_fetched(node.net.state(), &entry, &tampered_bytes);
    story.expect(matches!(&check, Err(e) if e.code() == fhirbus::ErrorCode::DigestMismatch), "a changed value fails with DIGEST_MISMATCH");
    let stored_again = fhir.put(fhir_a, "Observation", "fhirbus-demo-hb", &tampered_bytes)?;
    let (_, v2) = fhir::version_of(&stored_again)?;
    let v2_url = format!("{}/Observation/{id}/_history/{v2}", fhir_a.trim_end_matches('/'));
    let fetched_v2 = fhir.get(&v2_url)?;
    let served = fhirbus::access::check_fetched(node.net.state(), &entry, &fetched_v2);
    story.expect(served.is_err(), "the server's altered version does not pass for the registered one");

    story.step("a forged access request (signed with a key that is not Hospital B's) is refused by the validators");
    let forger = fhirbus::signature::SigningKey::generate(&mut fhirbus::random::OsRandom)?;
    let (forged, _) = fhirbus::access::request_access(node.net.state(), &crate::org("hospital-b")?, &forger, &entry, fhirbus::consent::Purpose::from_code("TREAT").ok_or_else(|| CliError::usage("purpose".into()))?, crate::node::now(), Node::nonce()?)?;
    let refused = node.commit(vec![forged.clone()]);
    story.expect(refused.is_err(), "the ledger will not take it (UNKNOWN_KEY)");
    let release = fhirbus::access::custodian_release(node.net.state(), &crate::org("hospital-a")?, &forged, crate::node::now());
    story.expect(release.is_err(), "and Hospital A releases nothing for a request the ledger does not hold (NOT_ON_LEDGER)");

    story.step("the patient revokes the consent");
    revoke(&mut node, &patient, "consent-treat-b", story.out)?;

    story.step("Hospital B asks again for treatment");
    let after = access(&mut node, fhir, "hospital-b", &patient, "TREAT", story.out)?;
    story.expect(after.iter().all(|o| !o.permitted), "refused: the consent no longer permits it");

    story.step("an emergency: Hospital B breaks the glass (purpose ETREAT)");
    let emergency = access(&mut node, fhir, "hospital-b", &patient, "ETREAT", story.out)?;
    story.expect(emergency.iter().any(|o| o.permitted && o.fetched.is_some()), "permitted by the network's emergency policy, with the obligations to audit and notify");

    story.step("the patient reads their audit trail");
    audit(&node, &patient, false, story.out);
    let trail = node.net.state().audit_trail(&patient);
    story.expect(trail.iter().any(|e| e.emergency && e.permitted == Some(true)), "the emergency access is in the patient's audit trail");
    story.expect(trail.iter().filter(|e| e.permitted == Some(false)).count() >= 2, "the refusals are in it too");

    story.step("anyone can replay and verify the whole chain from the log");
    let replay = Node::open(dir);
    story.expect(replay.is_ok(), "the block log replays: every quorum, signature and rule re-checked");

    let failures = story.failures.len();
    story.out.line(
        &format!("\n{} steps, {} checks failed, in {:.1}s", story.step, failures, story.started.elapsed().as_secs_f64()),
        json!({"steps": story.step, "failed": story.failures}),
    );
    if failures > 0 {
        return Err(CliError { message: format!("the demo did not go as it should: {}", story.failures.join("; ")), code: 6 });
    }
    Ok(())
}

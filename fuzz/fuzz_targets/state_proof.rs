//! The light client's state proof checks on arbitrary input (a proof comes from an untrusted
//! node): never a panic, and no proof shows an item both present and absent, or present with
//! two values, under one root. The input is shaped like `host::prove_json`'s output
//! (`{"root", "proof", "value"}`), with the item an absence is checked for in `kind` and `id`
//! (a patient's by default); other bytes go to the checks whole.
#![no_main]

use fhirbus::Digest;
use fhirbus::host::{verify_absence, verify_proof};
use libfuzzer_sys::fuzz_target;

const PATIENT: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI";

fn at_most_one(root: &Digest, proof: &[u8], value: Option<Digest>, kind: &str, id: &str) {
    let other = Digest::sha256(b"another value");
    let outcomes = [
        value.is_some_and(|v| verify_proof(root, proof, Some(&v)).is_ok()),
        verify_proof(root, proof, Some(&other)).is_ok(),
        verify_absence(root, kind, id, proof).is_ok(),
    ];
    assert!(outcomes.iter().filter(|&&ok| ok).count() <= 1, "one proof, two answers");
    assert!(verify_proof(root, proof, None).is_err(), "an absence naming no item");
}

fuzz_target!(|data: &[u8]| {
    at_most_one(&Digest::sha256(b"some root"), data, None, "patient", PATIENT);
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let text = |field: &str| doc.get(field).and_then(|r| r.as_str());
    let hex = |field: &str| text(field).and_then(|r| Digest::from_hex(r).ok());
    if let (Some(root), Some(proof)) = (hex("root"), doc.get("proof")) {
        at_most_one(&root, proof.to_string().as_bytes(), hex("value"), text("kind").unwrap_or("patient"), text("id").unwrap_or(PATIENT));
    }
});

//! The light client's state proof check on arbitrary input (a proof comes from an untrusted
//! node): never a panic, and no proof shows an item both present and absent, or present with
//! two values, under one root. The input is shaped like `host::prove_json`'s output
//! (`{"root", "proof", "value"}`); other bytes go to the check whole.
#![no_main]

use fhirbus::Digest;
use fhirbus::host::verify_proof;
use libfuzzer_sys::fuzz_target;

fn at_most_one(root: &Digest, proof: &[u8], value: Option<Digest>) {
    let other = Digest::sha256(b"another value");
    let outcomes = [
        value.is_some_and(|v| verify_proof(root, proof, Some(&v)).is_ok()),
        verify_proof(root, proof, Some(&other)).is_ok(),
        verify_proof(root, proof, None).is_ok(),
    ];
    assert!(outcomes.iter().filter(|&&ok| ok).count() <= 1, "one proof, two answers");
}

fuzz_target!(|data: &[u8]| {
    at_most_one(&Digest::sha256(b"some root"), data, None);
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let hex = |field: &str| doc.get(field).and_then(|r| r.as_str()).and_then(|r| Digest::from_hex(r).ok());
    if let (Some(root), Some(proof)) = (hex("root"), doc.get("proof")) {
        at_most_one(&root, proof.to_string().as_bytes(), hex("value"));
    }
});

//! The direct Rust call that fhirbus-wasm's `verify` makes, timed natively with the RustCrypto
//! backend (the one the WASM build has), on the key, message and signature that
//! bindings/js/bench/verify.mjs uses: the native side of the wasm-vs-native comparison.
//!
//! ```text
//! cargo run --release -p fhirbus-wasm --example native_verify   # prints one JSON line
//! ```

use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use fhirbus::backend::{BackendId, backend};
use fhirbus::signature::{Domain, Signature, SigningKey, VerifyingKey};

/// The bench's message: 256 bytes of canonical-JSON-like text (see verify.mjs).
fn message() -> Vec<u8> {
    let mut m = br#"{"entry":{"custodian":"hospital-a","resourceType":"Observation","epoch":1,"pad":""#.to_vec();
    while m.len() < 254 {
        m.push(b'x');
    }
    m.extend_from_slice(br#""}"#);
    m
}

fn main() -> Result<(), Box<dyn Error>> {
    let rc = backend(BackendId::RustCrypto)?;
    let key = SigningKey::from_secret_with(rc, &[0x21; 32])?;
    let msg = message();
    let sig = key.sign(Domain::RecordEntry, &msg)?;
    let public = key.verifying_key().to_sec1();
    let (kid, sig_bytes) = (key.key_id(), *sig.as_bytes());

    // What the export does after converting its arguments: parse the key, build the signature
    // value, verify.
    let once = || -> fhirbus::Result<()> {
        let vk = VerifyingKey::from_sec1_with(rc, black_box(&public))?;
        let sig = Signature::from_bytes(kid, black_box(&sig_bytes))?;
        vk.verify(Domain::RecordEntry, black_box(&msg), &sig)
    };
    for _ in 0..50 {
        once()?;
    }
    let (rounds, per_round) = (25, 40);
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..per_round {
            once()?;
        }
        samples.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(per_round));
    }
    samples.sort_by(f64::total_cmp);
    let median = samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN);
    println!(
        "{{\"native_rustcrypto_verify_us\":{median:.1},\"message_bytes\":{},\"rounds\":{rounds},\"per_round\":{per_round}}}",
        msg.len()
    );
    Ok(())
}

//! The direct Rust side of the crossing-cost measurement for verify: the same key, message and
//! signature as bindings/kotlin/bench/VerifyCost.kt and bindings/python/bench/verify_cost.py.
//!
//!     cargo run --release -p fhirbus-uniffi --example verify_cost
//!
//! Prints the median time per call of: the core calls the binding makes (parse the SEC1 key,
//! build the signature, verify), the verify alone on a parsed key, and the binding's own Rust
//! function `fhirbus_uniffi::verify` (without crossing any foreign-function boundary).

use std::hint::black_box;
use std::time::Instant;

use fhirbus::KeyId;
use fhirbus::signature::{Domain, Signature, SigningKey, VerifyingKey};

/// The shared inputs: secret scalar 0x01..=0x20, message bytes 0..128, domain 6 (application),
/// and a low-S signature made once with that key over that message.
const SECRET_HEX: &str = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
const SIGNATURE_HEX: &str = include_str!("../bench/signature.hex");
const BATCHES: usize = 31;
const PER_BATCH: usize = 300;

fn hex(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or_else(|| "bad hex".to_owned())
        })
        .collect()
}

/// Median per-call time in microseconds over `BATCHES` batches of `PER_BATCH` calls.
fn median_us(mut call: impl FnMut() -> bool) -> Result<f64, String> {
    for _ in 0..PER_BATCH {
        if !call() {
            return Err("verify failed".to_owned());
        }
    }
    let mut per_call = Vec::with_capacity(BATCHES);
    for _ in 0..BATCHES {
        let start = Instant::now();
        for _ in 0..PER_BATCH {
            if !black_box(call()) {
                return Err("verify failed".to_owned());
            }
        }
        per_call.push(start.elapsed().as_secs_f64() * 1e6 / PER_BATCH as f64);
    }
    per_call.sort_by(f64::total_cmp);
    per_call
        .get(BATCHES / 2)
        .copied()
        .ok_or_else(|| "no batches".to_owned())
}

fn run() -> Result<(), String> {
    let key = SigningKey::from_secret(&hex(SECRET_HEX)?).map_err(|e| e.to_string())?;
    let msg: Vec<u8> = (0u8..128).collect();
    if std::env::args().any(|a| a == "--sign") {
        let sig = key
            .sign(Domain::Application, &msg)
            .map_err(|e| e.to_string())?;
        println!(
            "{}",
            sig.as_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        return Ok(());
    }
    let public = key.verifying_key().to_sec1().to_vec();
    let kid = key.key_id().0.to_vec();
    let sig = hex(SIGNATURE_HEX)?;

    let core_full = median_us(|| {
        let vk = VerifyingKey::from_sec1(black_box(&public));
        let s = KeyId::try_from_slice(black_box(&kid))
            .and_then(|id| Signature::from_bytes(id, black_box(&sig)).ok());
        matches!((vk, s), (Ok(vk), Some(s)) if vk.verify(Domain::Application, black_box(&msg), &s).is_ok())
    })?;
    let vk = VerifyingKey::from_sec1(&public).map_err(|e| e.to_string())?;
    let parsed = Signature::from_bytes(key.key_id(), &sig).map_err(|e| e.to_string())?;
    let core_verify = median_us(|| {
        vk.verify(Domain::Application, black_box(&msg), black_box(&parsed))
            .is_ok()
    })?;
    let binding_fn = median_us(|| {
        fhirbus_uniffi::verify(public.clone(), 6, msg.clone(), kid.clone(), sig.clone()).is_ok()
    })?;

    let empty: &[u8] = &[];
    let sha_core =
        median_us(|| black_box(fhirbus::Digest::sha256(black_box(empty))).0.len() == 32)?;
    let sha_binding = median_us(|| black_box(fhirbus_uniffi::sha256(Vec::new())).len() == 32)?;

    println!("verify, median per call ({BATCHES} batches of {PER_BATCH}):");
    println!("  rust core (parse key + signature, verify): {core_full:.2} us");
    println!("  rust core (verify on a parsed key):         {core_verify:.2} us");
    println!("  rust fhirbus_uniffi::verify (no FFI):       {binding_fn:.2} us");
    println!("  rust core Digest::sha256(&[]):              {sha_core:.3} us");
    println!("  rust fhirbus_uniffi::sha256(vec![]):        {sha_binding:.3} us");
    Ok(())
}

/// `KeyId` from 32 bytes (what the binding's conversion does).
trait TryFromSlice: Sized {
    fn try_from_slice(bytes: &[u8]) -> Option<Self>;
}

impl TryFromSlice for KeyId {
    fn try_from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(KeyId)
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("verify_cost: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

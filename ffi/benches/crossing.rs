//! The cost of crossing the C layer for verify: the same inputs verified by the direct Rust
//! calls and by `fhirbus_verify` through its C ABI (called through a function pointer, as C
//! would), interleaved in one process. `bindings/c/bench_verify.c` times the same call from C
//! (see bindings/c/README.md).
//!
//!   cargo bench -p fhirbus-ffi --bench crossing

use std::hint::black_box;

use fhirbus::signature::{Domain, Signature, SigningKey, VerifyingKey};
use fhirbus_benches::{candidate, compare};
use fhirbus_ffi::{fhirbus_code, fhirbus_result};

type VerifyFn =
    unsafe extern "C" fn(*const u8, usize, u32, *const u8, usize, *const u8, usize, *const u8, usize) -> fhirbus_result;

fn main() -> fhirbus::Result<()> {
    // The inputs of bench_verify.c: secret 32 x 0x07, message 256 x 0x5a, domain 2.
    let key = SigningKey::from_secret(&[7u8; 32])?;
    let msg = vec![0x5au8; 256];
    let sig = key.sign(Domain::Transaction, &msg)?;
    let vk = key.verifying_key().clone();
    let public = vk.to_sec1();
    let kid = key.key_id().0;
    let sig_bytes = *sig.as_bytes();
    let c_verify: VerifyFn = black_box(fhirbus_ffi::signing::fhirbus_verify);
    let through_c = || {
        // SAFETY: every pointer points to a live buffer of the length passed with it.
        unsafe {
            c_verify(public.as_ptr(), public.len(), 2, msg.as_ptr(), msg.len(), kid.as_ptr(), kid.len(), sig_bytes.as_ptr(), 64)
        }
    };
    if through_c() != fhirbus_code::FHIRBUS_OK.result() {
        return Err(fhirbus::ErrorCode::Internal.into());
    }
    let report = compare(
        "ECDSA P-256 verify, 256-byte message: Rust direct vs the C ABI",
        None,
        vec![
            candidate("Rust VerifyingKey::verify (key parsed once)", || vk.verify(Domain::Transaction, &msg, &sig).is_ok()),
            candidate("Rust from_sec1 + from_bytes + verify", || {
                VerifyingKey::from_sec1(&public)
                    .and_then(|k| k.verify(Domain::Transaction, &msg, &Signature::from_bytes(key.key_id(), &sig_bytes)?))
                    .is_ok()
            }),
            candidate("fhirbus_verify through the C ABI", through_c),
        ],
    );
    if let (Some(a), Some(b)) = (report.ratio("fhirbus_verify through the C ABI"), report.ratio("Rust from_sec1 + from_bytes + verify")) {
        println!("  crossing cost: x{a:.3} of VerifyingKey::verify, x{:.3} of the same Rust calls", a / b);
    }
    Ok(())
}

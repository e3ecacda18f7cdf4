//! The C ABI of fhirbus. Every function here is a thin translation of one core call: it checks
//! and converts its arguments (pointers, lengths, integers) with the helpers of [`conv`], calls
//! the core, and converts the result back. Nothing is decided here; the conventions are stated
//! once in `ffi/cbindgen.toml` (the header's preamble) and in `ffi/README.md`.
//!
//! `unsafe` lives in this crate only, in [`conv`] (slices, strings, out-parameters, returned
//! buffers) and in each entry point's argument conversion, every block with a SAFETY comment
//! that rests on the header's stated contract (a non-NULL pointer points to as many valid bytes
//! as its length says, for the duration of the call).
// C names (`fhirbus_signing_key`, `FHIRBUS_OK`) and flat C argument lists (a context is passed
// as its fields, which P/Invoke and JNA marshal without struct layouts).
#![allow(non_camel_case_types, clippy::too_many_arguments)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

// In the header's order (cbindgen keeps the order it reads).
pub mod error;
pub mod conv;
pub mod meta;
pub mod canonical;
pub mod signing;
pub mod pointer;
pub mod wrap;
pub mod pseudonym;
pub mod record;
pub mod keys;
pub mod consent;
pub mod ledger;
pub mod access;

pub use conv::fhirbus_buffer;
pub use error::{fhirbus_code, fhirbus_result};

/// Length of a SHA-256 digest (content digests, pseudonyms' size too).
pub const FHIRBUS_DIGEST_LEN: usize = 32;
/// Length of a key id.
pub const FHIRBUS_KEY_ID_LEN: usize = 32;
/// Length of a P-256 secret scalar.
pub const FHIRBUS_SECRET_KEY_LEN: usize = 32;
/// Length of an uncompressed SEC1 P-256 public key (as the library writes them; compressed
/// 33-byte points are accepted on input).
pub const FHIRBUS_PUBLIC_KEY_LEN: usize = 65;
/// Length of a signature (IEEE P1363 `r || s`).
pub const FHIRBUS_SIGNATURE_LEN: usize = 64;
/// Length of a data key, and of a pseudonym key.
pub const FHIRBUS_SYMMETRIC_KEY_LEN: usize = 32;
/// Length of a patient pseudonym.
pub const FHIRBUS_PSEUDONYM_LEN: usize = 32;
/// Length of a sealed pointer's nonce.
pub const FHIRBUS_NONCE_LEN: usize = 12;
/// Length of a wrapped data key's HPKE encapsulated key.
pub const FHIRBUS_WRAP_ENC_LEN: usize = 65;
/// Length of a wrapped data key's ciphertext.
pub const FHIRBUS_WRAP_CIPHERTEXT_LEN: usize = 48;

// The header's constants are literals (cbindgen copies literals only); these checks tie each
// to the core's own value, so they cannot drift.
const _: () = {
    use fhirbus::backend::{GCM_NONCE_LEN, P256_PUBLIC_LEN, P256_SECRET_LEN, P256_SIGNATURE_LEN};
    assert!(FHIRBUS_DIGEST_LEN == size_of::<fhirbus::Digest>());
    assert!(FHIRBUS_KEY_ID_LEN == size_of::<fhirbus::KeyId>());
    assert!(FHIRBUS_SECRET_KEY_LEN == P256_SECRET_LEN);
    assert!(FHIRBUS_PUBLIC_KEY_LEN == P256_PUBLIC_LEN);
    assert!(FHIRBUS_SIGNATURE_LEN == P256_SIGNATURE_LEN);
    assert!(FHIRBUS_PSEUDONYM_LEN == size_of::<fhirbus::pseudonym::Pseudonym>());
    assert!(FHIRBUS_NONCE_LEN == GCM_NONCE_LEN);
    assert!(FHIRBUS_WRAP_ENC_LEN == P256_PUBLIC_LEN);
    assert!(FHIRBUS_WRAP_CIPHERTEXT_LEN == fhirbus::wrap::WrappedKey::CIPHERTEXT_LEN);
};

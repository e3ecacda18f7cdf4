//! fhirbus for Kotlin, Swift and Python, through uniffi (proc-macro style).
//!
//! Every item here translates one call of the `fhirbus` core (see bindings/API.md): byte
//! buffers and numbers in, byte buffers and numbers out, and every failure as one
//! [`FhirbusError`] carrying the core's stable code. No rule is decided here: a check that
//! is not a conversion of types belongs in core/.
//!
//! Stateful things are uniffi objects (handles the foreign language frees with `close()` /
//! `destroy()` or its garbage collector); contexts and sealed values are records. Randomness
//! is the operating system's (`getrandom`), handed to core as its `RandomSource`.
//!
//! The generated bindings are produced at test time by the `uniffi-bindgen` binary of this
//! crate (feature `cli`); see scripts/test/kotlin.sh, python.sh and swift.sh.

uniffi::setup_scaffolding!("fhirbus");

/// `Debug` of a wrapper object is its core value's (which redacts secrets): what the foreign
/// languages show as `toString()`, `repr()` and `debugDescription`.
macro_rules! debug_as_core {
    ($t:ty) => {
        impl ::core::fmt::Debug for $t {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.0, f)
            }
        }
    };
}
pub(crate) use debug_as_core;

mod access;
mod canonical;
mod consent;
mod convert;
mod error;
mod keys;
mod ledger;
mod meta;
mod pointer;
mod pseudonym;
mod record;
mod signing;
mod wrap;

pub use access::{AccessRequest, check_fetched, custodian_release, open_pointer, request_access};
pub use canonical::{fhir_canonical, fhir_digest, jcs, sha256};
pub use consent::{Consent, decide};
pub use error::FhirbusError;
pub use keys::KeySet;
pub use ledger::{
    EmbeddedNetwork, LedgerState, transaction_register_record, transaction_sign, verify_absence, verify_proof,
};
pub use meta::{error_code_description, error_code_name, error_codes, version};
pub use pointer::{DataKey, PointerContext, SealedPointer};
pub use pseudonym::PseudonymKey;
pub use record::{RecordEntry, record_entry_seal_and_sign};
pub use signing::{SigningKey, signature_from_der, verify};
pub use wrap::{EncryptionKey, WrapContext, WrappedKey, wrap};

//! Canonical JSON and digests.

use fhirbus::Digest;
use fhirbus::canonical::{self, FhirVariant};

use crate::error::Result;

/// RFC 8785 (JCS) canonical bytes of a JSON text.
#[uniffi::export]
pub fn jcs(json: Vec<u8>) -> Result<Vec<u8>> {
    Ok(canonical::jcs(&json)?)
}

/// FHIR canonical JSON of a resource; `variant` 0 full, 1 `#data`, 2 `#static`.
#[uniffi::export(default(variant = 0))]
pub fn fhir_canonical(json: Vec<u8>, variant: u8) -> Result<Vec<u8>> {
    Ok(canonical::fhir(&json, FhirVariant::from_u8(variant)?)?)
}

/// SHA-256 (32 bytes) of a resource's FHIR canonical JSON.
#[uniffi::export(default(variant = 0))]
pub fn fhir_digest(json: Vec<u8>, variant: u8) -> Result<Vec<u8>> {
    Ok(
        canonical::fhir_digest(&json, FhirVariant::from_u8(variant)?)?
            .0
            .to_vec(),
    )
}

/// SHA-256 (32 bytes).
#[uniffi::export]
pub fn sha256(data: Vec<u8>) -> Vec<u8> {
    Digest::sha256(&data).0.to_vec()
}

//! Patient pseudonyms.

use std::sync::Arc;

use fhirbus::pseudonym::{self, NationalId};
use zeroize::Zeroizing;

use crate::convert;
use crate::error::Result;

/// The network's pseudonym key (`fhirbus::pseudonym::PseudonymKey`). Zeroized when destroyed.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct PseudonymKey(pseudonym::PseudonymKey);

crate::debug_as_core!(PseudonymKey);

#[uniffi::export]
impl PseudonymKey {
    /// A fresh key from the operating system's randomness.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<Self>> {
        Ok(Arc::new(Self(pseudonym::PseudonymKey::generate(
            &mut convert::rng(),
        )?)))
    }

    /// From 32 bytes.
    #[uniffi::constructor]
    pub fn from_bytes(key: Vec<u8>) -> Result<Arc<Self>> {
        let key = Zeroizing::new(key);
        Ok(Arc::new(Self(pseudonym::PseudonymKey::from_bytes(&key)?)))
    }

    /// The 32 key bytes, for the host's key store.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// The 32-byte pseudonym of the national identifier `value` issued by `system`.
    pub fn pseudonym(&self, system: String, value: String) -> Result<Vec<u8>> {
        // The identifier's Rust copy is wiped after use (the foreign language's is its own).
        let value = Zeroizing::new(value);
        Ok(self
            .0
            .pseudonym(&NationalId::new(&system, &value)?)
            .0
            .to_vec())
    }
}

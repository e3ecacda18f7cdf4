//! Patient pseudonyms: HMAC-SHA256, under a network-wide pseudonym key, of a normalized
//! national identifier. The ledger stores only the pseudonym; the identifier never leaves the
//! party that enrols the patient, and no error or debug text ever shows it.

use core::fmt;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::backend::{Backend, default_backend};
use crate::error::{Error, ErrorCode, Result};
use crate::random::RandomSource;

/// A national (or other official) patient identifier: its issuing system (a URI such as
/// `urn:oid:2.16.840.1.113883.2.4.6.3`) and its value. Normalized on construction: surrounding
/// white space, inner spaces and the separators `- . /` are removed and ASCII letters
/// upper-cased, so that `123-45-678`, `12345678` and ` 12345 678 ` are one identifier.
#[derive(Clone, PartialEq, Eq)]
pub struct NationalId {
    system: String,
    value: Zeroizing<String>,
}

impl NationalId {
    /// Validate and normalize. The value must come to 1 to 64 ASCII letters and digits.
    pub fn new(system: &str, value: &str) -> Result<Self> {
        let system = system.trim();
        if system.is_empty() || system.len() > 256 || !system.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::new(ErrorCode::InvalidValue, "identifier system: 1 to 256 visible ASCII characters"));
        }
        let value: Zeroizing<String> = Zeroizing::new(
            value
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '/'))
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        if value.is_empty() || value.len() > 64 || !value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "national identifier: 1 to 64 ASCII letters and digits after removing separators",
            ));
        }
        Ok(Self { system: system.to_owned(), value })
    }

    /// The issuing system.
    pub fn system(&self) -> &str {
        &self.system
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({}, value redacted)", self.system)
    }
}

/// The network's pseudonym key (held by the parties that enrol patients). Never printed.
pub struct PseudonymKey {
    key: Zeroizing<[u8; 32]>,
    backend: &'static dyn Backend,
}

impl PseudonymKey {
    /// A fresh key from the host's randomness.
    pub fn generate(rng: &mut dyn RandomSource) -> Result<Self> {
        Ok(Self { key: Zeroizing::new(crate::random::array::<32>(rng)?), backend: default_backend() })
    }

    /// From 32 bytes.
    pub fn from_bytes(key: &[u8]) -> Result<Self> {
        Self::from_bytes_with(default_backend(), key)
    }

    /// From 32 bytes, on a chosen backend.
    pub fn from_bytes_with(backend: &'static dyn Backend, key: &[u8]) -> Result<Self> {
        let key = key.try_into().map_err(|_| Error::new(ErrorCode::InvalidLength, "pseudonym key: 32 bytes"))?;
        Ok(Self { key: Zeroizing::new(key), backend })
    }

    /// The key bytes, for the host's key store.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.key.clone()
    }

    /// The pseudonym of `id`.
    pub fn pseudonym(&self, id: &NationalId) -> Pseudonym {
        let mut msg = Zeroizing::new(Vec::with_capacity(32 + id.system.len() + id.value.len()));
        msg.extend_from_slice(b"fhirbus/v1/pseudonym\0");
        msg.extend_from_slice(id.system.as_bytes());
        msg.push(0);
        msg.extend_from_slice(id.value.as_bytes());
        Pseudonym(self.backend.hmac_sha256(self.key.as_ref(), &msg))
    }
}

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(redacted)")
    }
}

/// A patient's pseudonym: 32 bytes, shown as base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pseudonym(#[serde(with = "crate::b64::array")] pub [u8; 32]);

crate::digest::ordered_as_bytes!(Pseudonym);

impl Pseudonym {
    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// From exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        bytes.try_into().map(Self).map_err(|_| Error::new(ErrorCode::InvalidLength, "pseudonym: 32 bytes"))
    }

    /// base64url without padding (43 characters).
    pub fn to_text(&self) -> String {
        crate::b64::encode(&self.0)
    }

    /// From its base64url text.
    pub fn from_text(text: &str) -> Result<Self> {
        let bytes = crate::b64::decode(text).ok_or_else(|| Error::new(ErrorCode::InvalidEncoding, "pseudonym: base64url"))?;
        Self::from_slice(&bytes)
    }
}

impl fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pseudonym({})", self.to_text())
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEM: &str = "urn:oid:2.16.840.1.113883.2.4.6.3";

    #[test]
    fn normalization_makes_spellings_one_pseudonym() {
        let key = PseudonymKey::from_bytes(&[7; 32]).unwrap();
        let a = key.pseudonym(&NationalId::new(SYSTEM, "123-45-678a").unwrap());
        let b = key.pseudonym(&NationalId::new(&format!(" {SYSTEM} "), " 12345 678A ").unwrap());
        assert_eq!(a, b);
        let other_system = key.pseudonym(&NationalId::new("urn:oid:1.2.3", "12345678A").unwrap());
        assert_ne!(a, other_system);
        let other_key = PseudonymKey::from_bytes(&[8; 32]).unwrap().pseudonym(&NationalId::new(SYSTEM, "12345678A").unwrap());
        assert_ne!(a, other_key);
    }

    #[test]
    fn identifiers_never_show_in_text() {
        let id = NationalId::new(SYSTEM, "987654321").unwrap();
        assert!(!format!("{id:?}").contains("987654321"));
        let err = NationalId::new(SYSTEM, "98765*4321").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidValue);
        assert!(!err.to_string().contains("98765"));
        assert!(!format!("{:?}", PseudonymKey::from_bytes(&[9; 32]).unwrap()).contains("9"));
    }

    #[test]
    fn bad_identifiers_are_refused() {
        for (system, value) in [("", "1"), (SYSTEM, ""), (SYSTEM, "- . /"), (SYSTEM, "é1"), (SYSTEM, &"1".repeat(65))] {
            assert!(NationalId::new(system, value).is_err());
        }
    }

    #[test]
    fn text_round_trip() {
        let p = Pseudonym([3; 32]);
        assert_eq!(Pseudonym::from_text(&p.to_text()).unwrap(), p);
        assert_eq!(Pseudonym::from_text("!!").unwrap_err().code(), ErrorCode::InvalidEncoding);
    }
}

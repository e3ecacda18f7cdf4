//! Identifiers that appear on the ledger: organisations, key ids, FHIR resource types.
//! Each is validated on construction, so a value of these types is always well formed.

use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorCode, Result};

/// A member organisation's identifier: 1 to 64 characters of `a-z 0-9 . _ -`, starting with a
/// letter or digit. Lower case only, so two spellings never name one organisation.
///
/// Shared text: the ledger state keys many maps and every audit event by organisation, and a
/// clone is a reference count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrgId(std::sync::Arc<str>);

impl OrgId {
    /// The longest identifier accepted.
    pub const MAX_LEN: usize = 64;

    /// Validate and wrap an organisation identifier.
    pub fn new(id: &str) -> Result<Self> {
        let ok_char = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-');
        let bytes = id.as_bytes();
        let first_ok = bytes.first().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if !first_ok || bytes.len() > Self::MAX_LEN || !bytes.iter().all(|&c| ok_char(c)) {
            return Err(Error::new(
                ErrorCode::InvalidValue,
                "organisation id: 1 to 64 characters of a-z 0-9 . _ -, starting with a letter or digit",
            ));
        }
        Ok(Self(id.into()))
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A FHIR resource type name (`Observation`, `Patient`, ...): an upper-case ASCII letter then
/// up to 63 ASCII letters. The name is checked for shape, not against a list, so that the
/// format carries resource types of later FHIR versions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceType(std::sync::Arc<str>);

impl ResourceType {
    /// Validate and wrap a resource type name.
    pub fn new(name: &str) -> Result<Self> {
        let b = name.as_bytes();
        let ok = b.first().is_some_and(u8::is_ascii_uppercase)
            && b.len() <= 64
            && b.iter().all(u8::is_ascii_alphabetic);
        if !ok {
            return Err(Error::new(ErrorCode::InvalidValue, "resource type: a FHIR resource type name"));
        }
        Ok(Self(name.into()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The identifier of a public key: SHA-256 over a domain tag and the key's SEC1 uncompressed
/// encoding. Every signature names the key id of the key that made it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 32]);

crate::digest::ordered_as_bytes!(KeyId);

impl KeyId {
    /// The key id of a SEC1-encoded P-256 public key (`purpose_tag` separates signing from
    /// encryption keys, so one point used both ways still gets two ids).
    pub(crate) fn derive(purpose_tag: &[u8], sec1_uncompressed: &[u8]) -> Self {
        use sha2::Digest as _;
        let mut h = sha2::Sha256::new();
        h.update(b"fhirbus/v1/key-id\0");
        h.update(purpose_tag);
        h.update([0u8]);
        h.update(sec1_uncompressed);
        Self(h.finalize().into())
    }

    /// From exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        bytes.try_into().map(Self).map_err(|_| Error::new(ErrorCode::InvalidLength, "key id: 32 bytes"))
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parse lower- or upper-case hex of exactly 32 bytes.
    pub fn from_hex(text: &str) -> Result<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out)
            .map_err(|_| Error::new(ErrorCode::InvalidEncoding, "key id: 64 hex digits"))?;
        Ok(Self(out))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

macro_rules! serde_via_str {
    ($t:ty, $to:expr, $from:expr) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
                s.serialize_str(&$to(self))
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
                let text = <&str>::deserialize(d)?;
                $from(text).map_err(|e: Error| serde::de::Error::custom(e.detail().to_owned()))
            }
        }
    };
}

serde_via_str!(OrgId, |v: &OrgId| v.0.clone(), OrgId::new);
serde_via_str!(ResourceType, |v: &ResourceType| v.0.clone(), ResourceType::new);
serde_via_str!(KeyId, KeyId::to_hex, key_id_from_wire);

/// Lower case only on the wire (as for digests), so that a signed object has one encoding and
/// a third party cannot re-case a key id without breaking it.
fn key_id_from_wire(text: &str) -> Result<KeyId> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(Error::new(ErrorCode::InvalidEncoding, "key id: lower-case hex"));
    }
    KeyId::from_hex(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_ids() {
        assert!(OrgId::new("hospital-a").is_ok());
        assert!(OrgId::new("9.x_y").is_ok());
        for bad in ["", "Hospital", "-a", "a b", "é", &"a".repeat(65)] {
            assert_eq!(OrgId::new(bad).unwrap_err().code(), ErrorCode::InvalidValue, "{bad}");
        }
    }

    #[test]
    fn resource_types() {
        assert!(ResourceType::new("Observation").is_ok());
        for bad in ["", "observation", "Obs1", "Obs/1"] {
            assert!(ResourceType::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_id_hex_round_trip() {
        let id = KeyId::derive(b"sig", &[4u8; 65]);
        assert_eq!(KeyId::from_hex(&id.to_hex()).unwrap(), id);
        assert!(KeyId::from_hex("00").is_err());
    }
}

//! SHA-256 digests: the content digest of a FHIR resource on the ledger, and the hash of
//! blocks, transactions and Merkle nodes.

use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::Digest as _;

use crate::error::{Error, ErrorCode, Result};

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

/// Byte order of two 32-byte values, compared as big-endian integers: the same order as the
/// bytes', without a call to `memcmp` (these are the keys of every map of the ledger state).
pub(crate) fn cmp_32(a: &[u8; 32], b: &[u8; 32]) -> core::cmp::Ordering {
    let (a, _) = a.as_chunks::<8>();
    let (b, _) = b.as_chunks::<8>();
    a.iter().zip(b).map(|(x, y)| u64::from_be_bytes(*x).cmp(&u64::from_be_bytes(*y))).find(|o| o.is_ne()).unwrap_or(core::cmp::Ordering::Equal)
}

/// Ordered by bytes, for 32-byte identifiers.
macro_rules! ordered_as_bytes {
    ($t:ty) => {
        impl Ord for $t {
            fn cmp(&self, other: &Self) -> core::cmp::Ordering {
                $crate::digest::cmp_32(&self.0, &other.0)
            }
        }
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
    };
}
pub(crate) use ordered_as_bytes;

ordered_as_bytes!(Digest);

impl Digest {
    /// SHA-256 of `data`.
    pub fn sha256(data: &[u8]) -> Self {
        Self(sha2::Sha256::digest(data).into())
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// From exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self> {
        <[u8; 32]>::try_from(bytes)
            .map(Self)
            .map_err(|_| Error::new(ErrorCode::InvalidLength, "digest: 32 bytes"))
    }

    /// Lower-case hex (64 digits).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// From 64 hex digits, either case.
    pub fn from_hex(text: &str) -> Result<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out)
            .map_err(|_| Error::new(ErrorCode::InvalidEncoding, "digest: 64 hex digits"))?;
        Ok(Self(out))
    }
}

/// An incremental SHA-256, for hashing canonical output as it is written.
#[derive(Default, Clone)]
pub(crate) struct Hasher(sha2::Sha256);

impl Hasher {
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    pub(crate) fn finish(self) -> Digest {
        Digest(self.0.finalize().into())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        // On the stack: record entries and transactions carry several digests each.
        let mut text = [0u8; 64];
        hex::encode_to_slice(self.0, &mut text).map_err(|_| serde::ser::Error::custom("hex"))?;
        s.serialize_str(core::str::from_utf8(&text).map_err(|_| serde::ser::Error::custom("hex"))?)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let text = <&str>::deserialize(d)?;
        // Lower case only on the wire, so that one digest has one encoding.
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(serde::de::Error::custom("digest: lower-case hex"));
        }
        Digest::from_hex(text).map_err(|e| serde::de::Error::custom(e.detail().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The integer comparison orders 32-byte values exactly as their bytes.
        #[test]
        fn ordering_is_byte_order(a in proptest::array::uniform32(0u8..=255), b in proptest::array::uniform32(0u8..=255), cut in 0usize..32) {
            // Also pairs that share a prefix, where the first difference is deep inside.
            let mut c = a;
            c[cut..].copy_from_slice(&b[cut..]);
            for (x, y) in [(a, b), (a, c), (c, a), (a, a)] {
                proptest::prop_assert_eq!(Digest(x).cmp(&Digest(y)), x.as_slice().cmp(y.as_slice()));
            }
        }
    }

    #[test]
    fn sha256_of_abc_matches_fips_180_2() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            Digest::sha256(b"abc").to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hex_and_bytes_round_trip() {
        let d = Digest::sha256(b"x");
        assert_eq!(Digest::from_hex(&d.to_hex()).unwrap(), d);
        assert_eq!(Digest::from_slice(d.as_bytes()).unwrap(), d);
        assert_eq!(Digest::from_slice(&[0; 31]).unwrap_err().code(), ErrorCode::InvalidLength);
        assert_eq!(Digest::from_hex("zz").unwrap_err().code(), ErrorCode::InvalidEncoding);
    }
}

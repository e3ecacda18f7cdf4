//! base64url (RFC 4648 §5, no padding) for byte fields inside the library's JSON objects, as
//! serde helpers. Decoding is strict: padding, non-canonical trailing bits and other alphabets
//! are refused.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Deserializer, Serializer};

pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Append the base64url text of `bytes` to `out`, encoded in place (its alphabet holds
/// nothing JSON escapes, so hand-written canonical bytes take it as it is).
pub(crate) fn append(out: &mut Vec<u8>, bytes: &[u8]) -> Option<()> {
    let len = base64::encoded_len(bytes.len(), false)?;
    let start = out.len();
    out.resize(start + len, 0);
    let written = out.get_mut(start..).and_then(|tail| URL_SAFE_NO_PAD.encode_slice(bytes, tail).ok())?;
    (written == len).then_some(())
}

/// Serialize as base64url text, encoded on the stack when short (keys, pseudonyms, signatures
/// and sealed pointers, which the ledger writes by the thousand), on the heap otherwise.
fn serialize_short<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    let mut text = [0u8; 384];
    match URL_SAFE_NO_PAD.encode_slice(bytes, &mut text) {
        Ok(len) => match text.get(..len).map(core::str::from_utf8) {
            Some(Ok(t)) => s.serialize_str(t),
            _ => s.serialize_str(&encode(bytes)),
        },
        Err(_) => s.serialize_str(&encode(bytes)),
    }
}

/// serde `with` module for `Vec<u8>` fields.
pub(crate) mod vec {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        super::serialize_short(bytes, s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = <&str>::deserialize(d)?;
        decode(text).ok_or_else(|| serde::de::Error::custom("invalid base64url"))
    }
}

/// serde `with` module for `Arc<[u8]>` fields.
pub(crate) mod shared {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        super::serialize_short(bytes, s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<std::sync::Arc<[u8]>, D::Error> {
        super::vec::deserialize(d).map(Into::into)
    }
}

/// serde `with` module for `[u8; N]` fields.
pub(crate) mod array {
    use super::*;

    pub(crate) fn serialize<S: Serializer, const N: usize>(bytes: &[u8; N], s: S) -> Result<S::Ok, S::Error> {
        super::serialize_short(bytes, s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<[u8; N], D::Error> {
        let text = <&str>::deserialize(d)?;
        let bytes = decode(text).ok_or_else(|| serde::de::Error::custom("invalid base64url"))?;
        <[u8; N]>::try_from(bytes.as_slice())
            .map_err(|_| serde::de::Error::invalid_length(bytes.len(), &"a fixed-length byte string"))
    }
}

//! Record metadata, format version 1: the entry a custodian registers on the ledger for one
//! FHIR resource. It carries no health information: the patient appears as a pseudonym, the
//! FHIR versioned read URL is sealed ([`crate::pointer`]), and the content is represented by
//! the SHA-256 of its FHIR canonical form ([`crate::canonical::fhir_digest`], full variant).
//!
//! Encoding: RFC 8785 canonical JSON. Byte fields are base64url without padding, the digest is
//! lower-case hex, times are milliseconds since the Unix epoch:
//!
//! ```json
//! {"entry":{"custodian":"hospital-a","digest":"…","epoch":1,"patient":"…",
//!  "pointer":{"ct":"…","n":"…"},"resourceType":"Observation","time":1764000000000,"v":1},
//!  "sig":{"kid":"…","sig":"…"}}
//! ```
//!
//! Decoding is strict: inputs over [`MAX_ENCODED_LEN`], malformed JSON, duplicate keys,
//! unknown fields, missing fields, versions other than 1 and ill-formed values are refused
//! with typed errors.

use serde::{Deserialize, Serialize};

use crate::canonical::{self, Limits, Value};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{OrgId, ResourceType};
use crate::keys::KeySet;
use crate::pointer::{DataKey, PointerContext, SealedPointer};
use crate::pseudonym::Pseudonym;
use crate::random::RandomSource;
use crate::signature::{Domain, Signature, SigningKey, VerifyingKey};
use crate::time::Timestamp;

/// The format version this library writes and reads.
pub const RECORD_ENTRY_VERSION: u32 = 1;

/// The largest encoded signed entry accepted (a full-size entry is under 4 KiB).
pub const MAX_ENCODED_LEN: usize = 8 * 1024;

/// A record entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RecordEntry {
    /// Format version; always [`RECORD_ENTRY_VERSION`].
    #[serde(rename = "v")]
    pub version: u32,
    /// The organisation whose FHIR server holds the resource.
    pub custodian: OrgId,
    /// The patient's pseudonym.
    pub patient: Pseudonym,
    /// The FHIR resource type.
    pub resource_type: ResourceType,
    /// The sealed FHIR versioned read URL.
    pub pointer: SealedPointer,
    /// SHA-256 of the resource's FHIR canonical form (full variant).
    pub digest: Digest,
    /// The data key epoch the pointer is sealed under.
    pub epoch: u32,
    /// When the custodian registered it.
    pub time: Timestamp,
}

/// The fields of an entry before its pointer is sealed.
#[derive(Debug, Clone)]
pub struct NewRecordEntry<'a> {
    /// The custodian.
    pub custodian: OrgId,
    /// The patient's pseudonym.
    pub patient: Pseudonym,
    /// The resource type.
    pub resource_type: ResourceType,
    /// The content digest.
    pub digest: Digest,
    /// The data key epoch.
    pub epoch: u32,
    /// The registration time.
    pub time: Timestamp,
    /// The FHIR versioned read URL to seal.
    pub pointer: &'a str,
}

impl RecordEntry {
    /// Seal the pointer of `new` under `data_key` and build the entry.
    pub fn seal(new: NewRecordEntry<'_>, data_key: &DataKey, rng: &mut dyn RandomSource) -> Result<Self> {
        let context = PointerContext {
            patient: &new.patient,
            custodian: &new.custodian,
            resource_type: &new.resource_type,
            digest: &new.digest,
            epoch: new.epoch,
        };
        let pointer = data_key.seal_pointer(&context, new.pointer, rng)?;
        Ok(Self {
            version: RECORD_ENTRY_VERSION,
            custodian: new.custodian,
            patient: new.patient,
            resource_type: new.resource_type,
            pointer,
            digest: new.digest,
            epoch: new.epoch,
            time: new.time,
        })
    }

    /// The context the pointer is bound to.
    pub fn pointer_context(&self) -> PointerContext<'_> {
        PointerContext {
            patient: &self.patient,
            custodian: &self.custodian,
            resource_type: &self.resource_type,
            digest: &self.digest,
            epoch: self.epoch,
        }
    }

    /// Open the pointer with the data key of this entry's epoch.
    pub fn open_pointer(&self, data_key: &DataKey) -> Result<String> {
        data_key.open_pointer(&self.pointer_context(), &self.pointer)
    }

    /// Check a fetched resource against the entry: its resource type and its digest.
    pub fn check_resource(&self, resource_json: &[u8]) -> Result<()> {
        let (digest, resource_type) = canonical::fhir_digest_and_type(resource_json)?;
        if digest != self.digest {
            return Err(Error::new(ErrorCode::DigestMismatch, "resource does not match the entry's digest"));
        }
        if resource_type != self.resource_type {
            return Err(Error::new(ErrorCode::DigestMismatch, "resource type differs from the entry's"));
        }
        Ok(())
    }

    /// The RFC 8785 bytes that are signed: byte for byte what the generic `canonical::jcs_of` gives.
    ///
    /// Written by hand, since this is the hot path of block preparation and validation; a
    /// proptest holds it to the generic serializer, errors included.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        // As the generic serializer refuses it: see `canonical::MAX_EXACT_INTEGER`.
        if self.time.as_millis() > canonical::MAX_EXACT_INTEGER {
            return Err(Error::new(ErrorCode::InvalidNumber, "integer beyond 2^53 - 1 in a signed object"));
        }
        let ciphertext = self.pointer.ciphertext();
        // Keys, punctuation and the fixed-size fields come to under 300 bytes; base64 takes at
        // most 4 characters for every 3 bytes.
        let mut out = Vec::with_capacity(
            300 + self.custodian.as_str().len() + self.resource_type.as_str().len() + ciphertext.len().div_ceil(3) * 4,
        );
        // Members in UTF-16 order of their (ASCII) keys.
        out.extend_from_slice(b"{\"custodian\":");
        canonical::write_string(self.custodian.as_str(), &mut out);
        out.extend_from_slice(b",\"digest\":\"");
        put_hex(&mut out, self.digest.as_bytes())?;
        out.extend_from_slice(b"\",\"epoch\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.epoch).as_bytes());
        out.extend_from_slice(b",\"patient\":\"");
        put_b64(&mut out, self.patient.as_bytes())?;
        out.extend_from_slice(b"\",\"pointer\":{\"ct\":\"");
        put_b64(&mut out, ciphertext)?;
        out.extend_from_slice(b"\",\"n\":\"");
        put_b64(&mut out, self.pointer.nonce())?;
        out.extend_from_slice(b"\"},\"resourceType\":");
        canonical::write_string(self.resource_type.as_str(), &mut out);
        out.extend_from_slice(b",\"time\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.time.as_millis()).as_bytes());
        out.extend_from_slice(b",\"v\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.version).as_bytes());
        out.push(b'}');
        Ok(out)
    }

    /// Sign as the custodian.
    pub fn sign(self, key: &SigningKey) -> Result<SignedRecordEntry> {
        let signature = key.sign(Domain::RecordEntry, &self.canonical_bytes()?)?;
        Ok(SignedRecordEntry { entry: self, signature })
    }
}

/// A record entry with its custodian's signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedRecordEntry {
    /// The entry.
    pub entry: RecordEntry,
    /// The custodian's signature over the entry's canonical bytes.
    #[serde(rename = "sig")]
    pub signature: Signature,
}

impl SignedRecordEntry {
    /// The canonical encoding.
    pub fn encode(&self) -> Result<Vec<u8>> {
        canonical::jcs_of(self)
    }

    /// Strict decoding (see the module docs). The signature is not checked here.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        let limits = Limits { max_bytes: MAX_ENCODED_LEN, max_depth: 8 };
        let tree = canonical::parse(bytes, limits)?;
        match tree.get("entry").and_then(|e| e.get("v")) {
            Some(Value::Number(v)) if v == "1" => {}
            Some(Value::Number(_)) => {
                return Err(Error::new(ErrorCode::UnsupportedVersion, "record entry version other than 1"));
            }
            Some(_) => return Err(Error::new(ErrorCode::InvalidValue, "record entry: version is not a number")),
            None => return Err(Error::new(ErrorCode::MissingField, "record entry: entry.v")),
        }
        let decoded: Self = serde_json::from_slice(bytes).map_err(|e| classify_serde_error(&e, "record entry"))?;
        decoded.entry.pointer.validate()?;
        Ok(decoded)
    }

    /// Check the signature with the custodian's key.
    pub fn verify(&self, key: &VerifyingKey) -> Result<()> {
        key.verify(Domain::RecordEntry, &self.entry.canonical_bytes()?, &self.signature)
    }

    /// Check the signature against the custodian's key set, at the time the entry claims.
    pub fn verify_with(&self, keys: &KeySet) -> Result<()> {
        keys.verify(Domain::RecordEntry, &self.entry.canonical_bytes()?, &self.signature, self.entry.time)
    }
}

/// Append the base64url text of `bytes`, as [`crate::b64`] writes it.
fn put_b64(out: &mut Vec<u8>, bytes: &[u8]) -> Result<()> {
    crate::b64::append(out, bytes).ok_or_else(|| Error::new(ErrorCode::Internal, "record entry: base64 length"))
}

/// Append the lower-case hex of a digest (as [`Digest`] serializes), in place: hex digits need
/// no escaping.
fn put_hex(out: &mut Vec<u8>, bytes: &[u8; 32]) -> Result<()> {
    let start = out.len();
    out.resize(start + 64, 0);
    out.get_mut(start..)
        .and_then(|tail| hex::encode_to_slice(bytes, tail).ok())
        .ok_or_else(|| Error::new(ErrorCode::Internal, "record entry: hex length"))
}

/// Map a serde_json error to a code, keeping its text out: it may quote input values.
pub(crate) fn classify_serde_error(e: &serde_json::Error, what: &str) -> Error {
    let text = e.to_string();
    let (code, why) = if text.starts_with("unknown field") {
        (ErrorCode::UnknownField, "unknown field")
    } else if text.starts_with("missing field") {
        (ErrorCode::MissingField, "missing field")
    } else if text.starts_with("duplicate field") {
        (ErrorCode::DuplicateKey, "duplicate field")
    } else if e.is_syntax() || e.is_eof() {
        (ErrorCode::MalformedJson, "malformed JSON")
    } else {
        (ErrorCode::InvalidValue, "a field has an invalid value")
    };
    Error::new(code, format!("{what}: {why} (line {}, column {})", e.line(), e.column()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(custodian: &str, resource_type: &str, ciphertext: &[u8], epoch: u32, time: u64) -> RecordEntry {
        RecordEntry {
            version: RECORD_ENTRY_VERSION,
            custodian: OrgId::new(custodian).unwrap(),
            patient: Pseudonym([0xfb; 32]),
            resource_type: ResourceType::new(resource_type).unwrap(),
            pointer: SealedPointer::from_parts(&[0xff, 0x00, 0x3e, 0x3f, 1, 2, 3, 4, 5, 6, 7, 8], ciphertext).unwrap(),
            digest: Digest([0xab; 32]),
            epoch,
            time: Timestamp::from_millis(time),
        }
    }

    /// Canonical bytes, or the error's code and text.
    type Outcome = std::result::Result<Vec<u8>, (ErrorCode, String)>;

    /// The hand-written and the generic results.
    fn both(e: &RecordEntry) -> (Outcome, Outcome) {
        let simplify = |r: Result<Vec<u8>>| r.map_err(|e| (e.code(), e.detail().to_owned()));
        (simplify(e.canonical_bytes()), simplify(canonical::jcs_of(e)))
    }

    #[test]
    fn record_canonical_bytes_of_a_fixed_entry() {
        let e = entry("hospital-a", "Observation", &[0xfe; 17], 7, 1_764_000_000_000);
        let bytes = e.canonical_bytes().unwrap();
        let want = concat!(
            r#"{"custodian":"hospital-a","digest":""#,
            "abababababababababababababababababababababababababababababababab",
            r#"","epoch":7,"patient":"-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s","#,
            r#""pointer":{"ct":"_v7-_v7-_v7-_v7-_v7-_v4","n":"_wA-PwECAwQFBgcI"},"#,
            r#""resourceType":"Observation","time":1764000000000,"v":1}"#,
        );
        assert_eq!(String::from_utf8(bytes.clone()).unwrap(), want);
        assert_eq!(bytes, canonical::jcs_of(&e).unwrap());
    }

    #[test]
    fn record_canonical_bytes_refuse_times_as_the_generic_serializer_does() {
        let max = canonical::MAX_EXACT_INTEGER;
        for time in [0, max - 1, max, max + 1, max + 2, u64::MAX] {
            let e = entry("a", "Patient", &[0; 16], u32::MAX, time);
            let (fast, generic) = both(&e);
            assert_eq!(fast, generic, "time {time}");
            assert_eq!(fast.is_err(), time > max);
        }
        let e = entry("a", "Patient", &[0; 16], 0, max + 1);
        assert_eq!(e.canonical_bytes().unwrap_err().code(), ErrorCode::InvalidNumber);
    }

    fn arb_time() -> impl Strategy<Value = u64> {
        let max = canonical::MAX_EXACT_INTEGER;
        prop_oneof![
            0..=max,
            (max - 64)..=(max + 64),
            any::<u64>(),
            Just(u64::MAX),
        ]
    }

    proptest::proptest! {
        /// The hand-written encoding is the generic serializer's, bytes and errors alike.
        #[test]
        fn record_canonical_bytes_equal_the_generic_serializer(
            custodian in "[a-z0-9][a-z0-9._-]{0,63}",
            resource_type in "[A-Z][A-Za-z]{0,63}",
            patient in proptest::array::uniform32(any::<u8>()),
            digest in proptest::array::uniform32(any::<u8>()),
            nonce in proptest::array::uniform12(any::<u8>()),
            ciphertext in proptest::collection::vec(any::<u8>(), 16..=300),
            epoch in any::<u32>(),
            time in arb_time(),
            version in prop_oneof![Just(RECORD_ENTRY_VERSION), any::<u32>()],
        ) {
            let e = RecordEntry {
                version,
                custodian: OrgId::new(&custodian).unwrap(),
                patient: Pseudonym(patient),
                resource_type: ResourceType::new(&resource_type).unwrap(),
                pointer: SealedPointer::from_parts(&nonce, &ciphertext).unwrap(),
                digest: Digest(digest),
                epoch,
                time: Timestamp::from_millis(time),
            };
            let (fast, generic) = both(&e);
            proptest::prop_assert_eq!(fast, generic);
        }
    }
}

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

    /// The RFC 8785 bytes that are signed.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>> {
        canonical::jcs_of(self)
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

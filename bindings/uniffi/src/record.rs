//! Record entries: sealed, signed, encoded, decoded, checked.

use std::sync::Arc;

use fhirbus::pseudonym::Pseudonym;
use fhirbus::record::{NewRecordEntry, RecordEntry as CoreEntry, SignedRecordEntry};
use fhirbus::signature::VerifyingKey;
use fhirbus::{Digest, OrgId, ResourceType};

use crate::convert;
use crate::error::Result;
use crate::pointer::DataKey;
use crate::signing::SigningKey;

/// Seal `pointer_url` under `data_key`, build the entry, sign it with `signing_key` and return
/// its canonical encoding. `patient` and `digest` are 32 bytes; `time_ms` is milliseconds
/// since the Unix epoch.
#[uniffi::export]
#[allow(
    clippy::too_many_arguments,
    reason = "one argument per field of the entry, as in API.md"
)]
pub fn record_entry_seal_and_sign(
    custodian: String,
    patient: Vec<u8>,
    resource_type: String,
    digest: Vec<u8>,
    epoch: u32,
    time_ms: u64,
    pointer_url: String,
    data_key: Arc<DataKey>,
    signing_key: Arc<SigningKey>,
) -> Result<Vec<u8>> {
    let new = NewRecordEntry {
        custodian: OrgId::new(&custodian)?,
        patient: Pseudonym::from_slice(&patient)?,
        resource_type: ResourceType::new(&resource_type)?,
        digest: Digest::from_slice(&digest)?,
        epoch,
        time: convert::time(time_ms),
        pointer: &pointer_url,
    };
    let entry = CoreEntry::seal(new, &data_key.0, &mut convert::rng())?;
    Ok(entry.sign(&signing_key.0)?.encode()?)
}

/// A decoded, signed record entry (`fhirbus::record::SignedRecordEntry`). Decoding is strict;
/// the signature is checked only by `verify`.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RecordEntry(SignedRecordEntry);

crate::debug_as_core!(RecordEntry);

#[uniffi::export]
impl RecordEntry {
    /// Strict decoding of an encoded signed entry.
    #[uniffi::constructor]
    pub fn decode(bytes: Vec<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(SignedRecordEntry::decode(&bytes)?)))
    }

    /// The canonical encoding.
    pub fn encode(&self) -> Result<Vec<u8>> {
        Ok(self.0.encode()?)
    }

    /// The custodian organisation's id.
    pub fn custodian(&self) -> String {
        self.0.entry.custodian.as_str().to_owned()
    }

    /// The patient's pseudonym, 32 bytes.
    pub fn patient(&self) -> Vec<u8> {
        self.0.entry.patient.0.to_vec()
    }

    /// The FHIR resource type.
    pub fn resource_type(&self) -> String {
        self.0.entry.resource_type.as_str().to_owned()
    }

    /// The content digest, 32 bytes.
    pub fn digest(&self) -> Vec<u8> {
        self.0.entry.digest.0.to_vec()
    }

    /// The data key epoch.
    pub fn epoch(&self) -> u32 {
        self.0.entry.epoch
    }

    /// The registration time, milliseconds since the Unix epoch.
    pub fn time_ms(&self) -> u64 {
        self.0.entry.time.as_millis()
    }

    /// The id of the key that signed it, 32 bytes.
    pub fn key_id(&self) -> Vec<u8> {
        self.0.signature.key_id.0.to_vec()
    }

    /// The 64-byte signature.
    pub fn signature(&self) -> Vec<u8> {
        self.0.signature.as_bytes().to_vec()
    }

    /// Check the signature with the custodian's SEC1 public key.
    pub fn verify(&self, public_sec1: Vec<u8>) -> Result<()> {
        Ok(self.0.verify(&VerifyingKey::from_sec1(&public_sec1)?)?)
    }

    /// Check the signature against the custodian's key set, at the time the entry claims (a
    /// key revoked at or before that time, or added after it, is refused).
    pub fn verify_with_key_set(&self, key_set: Arc<crate::keys::KeySet>) -> Result<()> {
        Ok(self.0.verify_with(&*key_set.lock()?)?)
    }

    /// Open the sealed pointer with the data key of the entry's epoch.
    pub fn open_pointer(&self, data_key: Arc<DataKey>) -> Result<String> {
        Ok(self.0.entry.open_pointer(&data_key.0)?)
    }

    /// Check a fetched FHIR resource (JSON bytes) against the entry's type and digest.
    pub fn check_resource(&self, json: Vec<u8>) -> Result<()> {
        Ok(self.0.entry.check_resource(&json)?)
    }
}

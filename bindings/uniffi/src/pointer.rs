//! Data keys and sealed pointers.

use std::sync::Arc;

use fhirbus::pointer;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::{Digest, OrgId, ResourceType};
use zeroize::Zeroizing;

use crate::convert;
use crate::error::Result;

/// What a sealed pointer is bound to: the fields of its record entry.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PointerContext {
    /// The patient's pseudonym, 32 bytes.
    pub patient: Vec<u8>,
    /// The custodian organisation's id.
    pub custodian: String,
    /// The FHIR resource type.
    pub resource_type: String,
    /// The resource's content digest, 32 bytes.
    pub digest: Vec<u8>,
    /// The data key epoch.
    pub epoch: u32,
}

/// The core's values of a pointer context, owned (core's `PointerContext` borrows them).
pub(crate) struct PointerContextParts {
    patient: Pseudonym,
    custodian: OrgId,
    resource_type: ResourceType,
    digest: Digest,
    epoch: u32,
}

impl PointerContextParts {
    pub(crate) fn new(c: &PointerContext) -> Result<Self> {
        Ok(Self {
            patient: Pseudonym::from_slice(&c.patient)?,
            custodian: OrgId::new(&c.custodian)?,
            resource_type: ResourceType::new(&c.resource_type)?,
            digest: Digest::from_slice(&c.digest)?,
            epoch: c.epoch,
        })
    }

    pub(crate) fn context(&self) -> pointer::PointerContext<'_> {
        pointer::PointerContext {
            patient: &self.patient,
            custodian: &self.custodian,
            resource_type: &self.resource_type,
            digest: &self.digest,
            epoch: self.epoch,
        }
    }
}

/// A sealed pointer: the 12-byte nonce and the ciphertext with its 16-byte tag.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SealedPointer {
    /// The AES-GCM nonce, 12 bytes.
    pub nonce: Vec<u8>,
    /// The ciphertext and tag.
    pub ciphertext: Vec<u8>,
}

/// A 256-bit AES-GCM data key (`fhirbus::pointer::DataKey`). Zeroized when destroyed.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct DataKey(pub(crate) pointer::DataKey);

crate::debug_as_core!(DataKey);

#[uniffi::export]
impl DataKey {
    /// A fresh key from the operating system's randomness.
    #[uniffi::constructor(default(backend = None))]
    pub fn generate(backend: Option<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(pointer::DataKey::generate_with(
            convert::backend(backend)?,
            &mut convert::rng(),
        )?)))
    }

    /// From 32 bytes.
    #[uniffi::constructor(default(backend = None))]
    pub fn from_bytes(key: Vec<u8>, backend: Option<u8>) -> Result<Arc<Self>> {
        let key = Zeroizing::new(key);
        Ok(Arc::new(Self(pointer::DataKey::from_bytes_with(
            convert::backend(backend)?,
            &key,
        )?)))
    }

    /// The 32 key bytes, for wrapping or the host's key store.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// Seal a pointer (a FHIR versioned read URL) for the entry described by `context`.
    pub fn seal_pointer(&self, context: PointerContext, pointer: String) -> Result<SealedPointer> {
        let parts = PointerContextParts::new(&context)?;
        let sealed = self
            .0
            .seal_pointer(&parts.context(), &pointer, &mut convert::rng())?;
        Ok(SealedPointer {
            nonce: sealed.nonce().to_vec(),
            ciphertext: sealed.ciphertext().to_vec(),
        })
    }

    /// Open a sealed pointer; fails with DECRYPTION_FAILED under another key or context.
    pub fn open_pointer(&self, context: PointerContext, sealed: SealedPointer) -> Result<String> {
        let parts = PointerContextParts::new(&context)?;
        let sealed = pointer::SealedPointer::from_parts(&sealed.nonce, &sealed.ciphertext)?;
        Ok(self.0.open_pointer(&parts.context(), &sealed)?)
    }
}

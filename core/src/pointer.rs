//! Pointer encryption: the FHIR versioned read URL of a record, sealed with AES-256-GCM under
//! the data key of its (patient, custodian, epoch), with a fresh random 96-bit nonce from the
//! host and the entry's context bound as associated data. A sealed pointer copied into another
//! entry (another patient, custodian, resource type, digest or epoch) does not open.

use core::fmt;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::backend::{Aes256Gcm, Backend, GCM_NONCE_LEN, GCM_TAG_LEN, default_backend};
use crate::digest::Digest;
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{OrgId, ResourceType};
use crate::pseudonym::Pseudonym;
use crate::random::RandomSource;

/// The longest pointer sealed, in bytes (a FHIR versioned read URL fits well within).
pub const MAX_POINTER_LEN: usize = 2048;

/// A 256-bit AES-GCM data key for one (patient, custodian, epoch). Zeroized on drop, never
/// printed.
pub struct DataKey {
    key: Zeroizing<[u8; 32]>,
    cipher: Box<dyn Aes256Gcm>,
}

impl DataKey {
    /// A fresh key from the host's randomness, on the default backend.
    pub fn generate(rng: &mut dyn RandomSource) -> Result<Self> {
        Self::generate_with(default_backend(), rng)
    }

    /// A fresh key on a chosen backend.
    pub fn generate_with(backend: &'static dyn Backend, rng: &mut dyn RandomSource) -> Result<Self> {
        let key = Zeroizing::new(crate::random::array::<32>(rng)?);
        Self::from_bytes_with(backend, key.as_ref())
    }

    /// From 32 bytes, on the default backend.
    pub fn from_bytes(key: &[u8]) -> Result<Self> {
        Self::from_bytes_with(default_backend(), key)
    }

    /// From 32 bytes, on a chosen backend.
    pub fn from_bytes_with(backend: &'static dyn Backend, key: &[u8]) -> Result<Self> {
        let key: Zeroizing<[u8; 32]> =
            Zeroizing::new(key.try_into().map_err(|_| Error::new(ErrorCode::InvalidLength, "data key: 32 bytes"))?);
        let cipher = backend.aes256gcm(&key)?;
        Ok(Self { key, cipher })
    }

    /// The key bytes, for wrapping or for the host's key store.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        self.key.clone()
    }

    /// Seal `pointer` for the entry described by `context`.
    pub fn seal_pointer(&self, context: &PointerContext<'_>, pointer: &str, rng: &mut dyn RandomSource) -> Result<SealedPointer> {
        if pointer.len() > MAX_POINTER_LEN {
            return Err(Error::new(ErrorCode::TooLarge, format!("pointer longer than {MAX_POINTER_LEN} bytes")));
        }
        let nonce = crate::random::array::<GCM_NONCE_LEN>(rng)?;
        let ciphertext = self.cipher.seal(&nonce, &context.associated_data(), pointer.as_bytes())?;
        Ok(SealedPointer { nonce, ciphertext: ciphertext.into() })
    }

    /// Open a sealed pointer; fails with [`ErrorCode::DecryptionFailed`] under the wrong key
    /// or context, or when any byte was changed.
    pub fn open_pointer(&self, context: &PointerContext<'_>, sealed: &SealedPointer) -> Result<String> {
        let plain = self.cipher.open(&sealed.nonce, &context.associated_data(), &sealed.ciphertext)?;
        String::from_utf8(plain).map_err(|_| Error::new(ErrorCode::InvalidText, "pointer is not UTF-8"))
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(redacted)")
    }
}

/// What a sealed pointer is bound to: the fields of its record entry.
#[derive(Debug, Clone, Copy)]
pub struct PointerContext<'a> {
    /// The patient's pseudonym.
    pub patient: &'a Pseudonym,
    /// The custodian organisation.
    pub custodian: &'a OrgId,
    /// The FHIR resource type.
    pub resource_type: &'a ResourceType,
    /// The content digest of the resource.
    pub digest: &'a Digest,
    /// The data key epoch.
    pub epoch: u32,
}

impl PointerContext<'_> {
    /// The associated data: a domain tag, then each field length-prefixed, so that no two
    /// contexts encode alike.
    pub(crate) fn associated_data(&self) -> Vec<u8> {
        let mut aad = Vec::with_capacity(128);
        aad.extend_from_slice(b"fhirbus/v1/pointer\0");
        for field in [self.patient.as_bytes().as_slice(), self.custodian.as_str().as_bytes(), self.resource_type.as_str().as_bytes()] {
            put_len_prefixed(&mut aad, field);
        }
        aad.extend_from_slice(self.digest.as_bytes());
        aad.extend_from_slice(&self.epoch.to_be_bytes());
        aad
    }
}

/// Append a field with its length (u16, big-endian) in front. Fields here are at most a few
/// hundred bytes; longer ones are cut to the length's range, which validation prevents.
pub(crate) fn put_len_prefixed(out: &mut Vec<u8>, field: &[u8]) {
    let len = u16::try_from(field.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(field.get(..usize::from(len)).unwrap_or(field));
}

/// A pointer sealed with AES-256-GCM: the nonce and the ciphertext with its tag.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedPointer {
    #[serde(rename = "n", with = "crate::b64::array")]
    nonce: [u8; GCM_NONCE_LEN],
    // Shared, not copied, when an entry is cloned (into the ledger state, say).
    #[serde(rename = "ct", with = "crate::b64::shared")]
    ciphertext: std::sync::Arc<[u8]>,
}

impl SealedPointer {
    /// From its parts (as a binding layer receives them).
    pub fn from_parts(nonce: &[u8], ciphertext: &[u8]) -> Result<Self> {
        let nonce = nonce.try_into().map_err(|_| Error::new(ErrorCode::InvalidLength, "pointer nonce: 12 bytes"))?;
        check_ciphertext_len(ciphertext)?;
        Ok(Self { nonce, ciphertext: ciphertext.into() })
    }

    /// The nonce.
    pub fn nonce(&self) -> &[u8; GCM_NONCE_LEN] {
        &self.nonce
    }

    /// The ciphertext and tag.
    pub fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }

    /// Length checks for decoded values (the nonce's length is its type's).
    pub(crate) fn validate(&self) -> Result<()> {
        check_ciphertext_len(&self.ciphertext)
    }
}

fn check_ciphertext_len(ciphertext: &[u8]) -> Result<()> {
    if ciphertext.len() < GCM_TAG_LEN || ciphertext.len() > MAX_POINTER_LEN + GCM_TAG_LEN {
        return Err(Error::new(ErrorCode::InvalidLength, "sealed pointer: 16 to 2064 bytes"));
    }
    Ok(())
}

impl fmt::Debug for SealedPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealedPointer({} bytes)", self.ciphertext.len())
    }
}

//! Key wrapping: a 32-byte data key sealed to a party's encryption key with HPKE (RFC 9180)
//! base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. The HPKE info string binds
//! the context (patient, custodian, epoch, recipient key), so a wrapped key copied to another
//! context does not open.

use core::fmt;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::backend::{Backend, P256_PUBLIC_LEN, P256_SECRET_LEN, default_backend, parse_p256_public};
use crate::error::{Error, ErrorCode, Result};
use crate::ids::{KeyId, OrgId};
use crate::pointer::{DataKey, put_len_prefixed};
use crate::pseudonym::Pseudonym;
use crate::random::RandomSource;

pub(crate) const ENCRYPTION_PURPOSE: &[u8] = b"enc";

/// A public key that data keys are wrapped to.
#[derive(Clone)]
pub struct EncryptionPublicKey {
    public: [u8; P256_PUBLIC_LEN],
    key_id: KeyId,
    backend: &'static dyn Backend,
}

impl EncryptionPublicKey {
    /// From a SEC1 P-256 point, on the default backend.
    pub fn from_sec1(sec1: &[u8]) -> Result<Self> {
        Self::from_sec1_with(default_backend(), sec1)
    }

    /// From a SEC1 P-256 point, on a chosen backend.
    pub fn from_sec1_with(backend: &'static dyn Backend, sec1: &[u8]) -> Result<Self> {
        let public = parse_p256_public(sec1)?;
        Ok(Self { public, key_id: KeyId::derive(ENCRYPTION_PURPOSE, &public), backend })
    }

    /// The uncompressed SEC1 encoding.
    pub fn to_sec1(&self) -> [u8; P256_PUBLIC_LEN] {
        self.public
    }

    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// Wrap `data_key` to this key for `context`.
    pub fn wrap(&self, data_key: &DataKey, context: &WrapContext<'_>, rng: &mut dyn RandomSource) -> Result<WrappedKey> {
        let info = context.info(&self.key_id);
        let (enc, ciphertext) = self.backend.hpke_seal(&self.public, &info, b"", data_key.to_bytes().as_ref(), rng)?;
        Ok(WrappedKey { recipient: self.key_id, enc, ciphertext })
    }
}

impl PartialEq for EncryptionPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.public == other.public
    }
}

impl Eq for EncryptionPublicKey {}

impl fmt::Debug for EncryptionPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionPublicKey({})", self.key_id)
    }
}

/// The secret half of an encryption key. Zeroized on drop, never printed.
pub struct EncryptionSecretKey {
    secret: Zeroizing<[u8; P256_SECRET_LEN]>,
    public: EncryptionPublicKey,
}

impl EncryptionSecretKey {
    /// A fresh key from the host's randomness, on the default backend.
    pub fn generate(rng: &mut dyn RandomSource) -> Result<Self> {
        Self::generate_with(default_backend(), rng)
    }

    /// A fresh key on a chosen backend.
    pub fn generate_with(backend: &'static dyn Backend, rng: &mut dyn RandomSource) -> Result<Self> {
        let secret = crate::signature::generate_scalar(backend, rng)?;
        Self::from_secret_with(backend, secret.as_ref())
    }

    /// From a 32-byte scalar, on the default backend.
    pub fn from_secret(secret: &[u8]) -> Result<Self> {
        Self::from_secret_with(default_backend(), secret)
    }

    /// From a 32-byte scalar, on a chosen backend.
    pub fn from_secret_with(backend: &'static dyn Backend, secret: &[u8]) -> Result<Self> {
        let secret: Zeroizing<[u8; P256_SECRET_LEN]> = Zeroizing::new(
            secret.try_into().map_err(|_| Error::new(ErrorCode::InvalidLength, "secret key: 32 bytes"))?,
        );
        let public = backend.p256_public_key(&secret)?;
        let public = EncryptionPublicKey { public, key_id: KeyId::derive(ENCRYPTION_PURPOSE, &public), backend };
        Ok(Self { secret, public })
    }

    /// The secret scalar, for the host's key store.
    pub fn to_secret_bytes(&self) -> Zeroizing<[u8; P256_SECRET_LEN]> {
        self.secret.clone()
    }

    /// The public half.
    pub fn public_key(&self) -> &EncryptionPublicKey {
        &self.public
    }

    /// Unwrap a data key wrapped to this key for `context`.
    pub fn unwrap(&self, wrapped: &WrappedKey, context: &WrapContext<'_>) -> Result<DataKey> {
        if wrapped.recipient != self.public.key_id {
            return Err(Error::new(ErrorCode::KeyIdMismatch, "wrapped to another key"));
        }
        let backend = self.public.backend;
        let info = context.info(&self.public.key_id);
        let key = backend.hpke_open(&self.secret, &wrapped.enc, &info, b"", &wrapped.ciphertext)?;
        DataKey::from_bytes_with(backend, &key)
    }
}

impl fmt::Debug for EncryptionSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EncryptionSecretKey({}, secret redacted)", self.public.key_id)
    }
}

/// What a wrapped data key is for.
#[derive(Debug, Clone, Copy)]
pub struct WrapContext<'a> {
    /// The patient whose records the key opens.
    pub patient: &'a Pseudonym,
    /// The custodian whose pointers the key opens.
    pub custodian: &'a OrgId,
    /// The data key epoch.
    pub epoch: u32,
}

impl WrapContext<'_> {
    fn info(&self, recipient: &KeyId) -> Vec<u8> {
        let mut info = Vec::with_capacity(128);
        info.extend_from_slice(b"fhirbus/v1/wrap\0");
        put_len_prefixed(&mut info, self.patient.as_bytes());
        put_len_prefixed(&mut info, self.custodian.as_str().as_bytes());
        info.extend_from_slice(&self.epoch.to_be_bytes());
        info.extend_from_slice(&recipient.0);
        info
    }
}

/// A data key wrapped to one recipient key: the recipient's key id, the HPKE encapsulated key
/// and the ciphertext (32-byte key and 16-byte tag).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    /// The key id of the encryption key it is wrapped to.
    #[serde(rename = "kid")]
    pub recipient: KeyId,
    #[serde(with = "crate::b64::array")]
    enc: [u8; P256_PUBLIC_LEN],
    #[serde(rename = "ct", with = "crate::b64::vec")]
    ciphertext: Vec<u8>,
}

impl WrappedKey {
    /// The length of the ciphertext: a 32-byte key and a 16-byte tag.
    pub const CIPHERTEXT_LEN: usize = 48;

    /// From its parts (as a binding layer receives them).
    pub fn from_parts(recipient: KeyId, enc: &[u8], ciphertext: &[u8]) -> Result<Self> {
        let enc = enc.try_into().map_err(|_| Error::new(ErrorCode::InvalidLength, "encapsulated key: 65 bytes"))?;
        if ciphertext.len() != Self::CIPHERTEXT_LEN {
            return Err(Error::new(ErrorCode::InvalidLength, "wrapped key ciphertext: 48 bytes"));
        }
        Ok(Self { recipient, enc, ciphertext: ciphertext.to_vec() })
    }

    /// The HPKE encapsulated key.
    pub fn enc(&self) -> &[u8; P256_PUBLIC_LEN] {
        &self.enc
    }

    /// The ciphertext.
    pub fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }
}

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WrappedKey(to {})", self.recipient)
    }
}

//! ECDSA P-256 signing keys and verification.

use std::sync::Arc;

use fhirbus::KeyId;
use fhirbus::signature::{self, Signature, VerifyingKey};
use zeroize::Zeroizing;

use crate::convert;
use crate::error::Result;

/// A secret ECDSA P-256 key that signs (`fhirbus::signature::SigningKey`). The secret is
/// zeroized when the object is destroyed and never printed.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SigningKey(pub(crate) signature::SigningKey);

crate::debug_as_core!(SigningKey);

#[uniffi::export]
impl SigningKey {
    /// A new key from the operating system's randomness; `backend` 1 aws-lc, 2 rustcrypto,
    /// null the default.
    #[uniffi::constructor(default(backend = None))]
    pub fn generate(backend: Option<u8>) -> Result<Arc<Self>> {
        let key =
            signature::SigningKey::generate_with(convert::backend(backend)?, &mut convert::rng())?;
        Ok(Arc::new(Self(key)))
    }

    /// From a 32-byte big-endian scalar.
    #[uniffi::constructor(default(backend = None))]
    pub fn from_secret(secret: Vec<u8>, backend: Option<u8>) -> Result<Arc<Self>> {
        let secret = Zeroizing::new(secret);
        Ok(Arc::new(Self(signature::SigningKey::from_secret_with(
            convert::backend(backend)?,
            &secret,
        )?)))
    }

    /// The 32-byte secret scalar, for the host's key store.
    pub fn secret_bytes(&self) -> Vec<u8> {
        self.0.to_secret_bytes().to_vec()
    }

    /// The public key: uncompressed SEC1, 65 bytes.
    pub fn public_key(&self) -> Vec<u8> {
        self.0.verifying_key().to_sec1().to_vec()
    }

    /// The key id (32 bytes).
    pub fn key_id(&self) -> Vec<u8> {
        self.0.key_id().0.to_vec()
    }

    /// A 64-byte `r || s` signature (low S) over `msg` in `domain` (1 to 6, see API.md).
    pub fn sign(&self, domain: u8, msg: Vec<u8>) -> Result<Vec<u8>> {
        Ok(self
            .0
            .sign(convert::domain(domain)?, &msg)?
            .as_bytes()
            .to_vec())
    }
}

/// Check `sig` (64-byte `r || s`, or DER) by the key `key_id` over `msg` in `domain`, with the
/// SEC1 public key `public_sec1`. Returns nothing on success; fails with the reason.
#[uniffi::export]
pub fn verify(
    public_sec1: Vec<u8>,
    domain: u8,
    msg: Vec<u8>,
    key_id: Vec<u8>,
    sig: Vec<u8>,
) -> Result<()> {
    let key = VerifyingKey::from_sec1(&public_sec1)?;
    Ok(key.verify(
        convert::domain(domain)?,
        &msg,
        &convert::signature(&key_id, &sig)?,
    )?)
}

/// The 64-byte `r || s` form of a DER `ECDSA-Sig-Value`.
#[uniffi::export]
pub fn signature_from_der(der: Vec<u8>) -> Result<Vec<u8>> {
    // The key id is not part of the conversion; core's Signature carries one, so any will do.
    Ok(Signature::from_der(KeyId([0; 32]), &der)?
        .as_bytes()
        .to_vec())
}

//! Encryption keys and wrapped data keys (HPKE).

use std::sync::Arc;

use fhirbus::OrgId;
use fhirbus::pseudonym::Pseudonym;
use fhirbus::wrap::{self, EncryptionPublicKey, EncryptionSecretKey};
use zeroize::Zeroizing;

use crate::convert;
use crate::error::Result;
use crate::pointer::DataKey;

/// What a wrapped data key is for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WrapContext {
    /// The patient's pseudonym, 32 bytes.
    pub patient: Vec<u8>,
    /// The custodian organisation's id.
    pub custodian: String,
    /// The data key epoch.
    pub epoch: u32,
}

struct WrapContextParts {
    patient: Pseudonym,
    custodian: OrgId,
    epoch: u32,
}

impl WrapContextParts {
    fn new(c: &WrapContext) -> Result<Self> {
        Ok(Self {
            patient: Pseudonym::from_slice(&c.patient)?,
            custodian: OrgId::new(&c.custodian)?,
            epoch: c.epoch,
        })
    }

    fn context(&self) -> wrap::WrapContext<'_> {
        wrap::WrapContext {
            patient: &self.patient,
            custodian: &self.custodian,
            epoch: self.epoch,
        }
    }
}

/// A data key wrapped to one recipient: the recipient key's id (32 bytes), the HPKE
/// encapsulated key (65 bytes) and the ciphertext (48 bytes).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WrappedKey {
    /// The id of the encryption key it is wrapped to.
    pub key_id: Vec<u8>,
    /// The HPKE encapsulated key.
    pub enc: Vec<u8>,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
}

/// A secret P-256 encryption key that data keys are wrapped to
/// (`fhirbus::wrap::EncryptionSecretKey`). Zeroized when destroyed.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct EncryptionKey(pub(crate) EncryptionSecretKey);

crate::debug_as_core!(EncryptionKey);

#[uniffi::export]
impl EncryptionKey {
    /// A fresh key from the operating system's randomness.
    #[uniffi::constructor(default(backend = None))]
    pub fn generate(backend: Option<u8>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(EncryptionSecretKey::generate_with(
            convert::backend(backend)?,
            &mut convert::rng(),
        )?)))
    }

    /// From a 32-byte scalar.
    #[uniffi::constructor(default(backend = None))]
    pub fn from_secret(secret: Vec<u8>, backend: Option<u8>) -> Result<Arc<Self>> {
        let secret = Zeroizing::new(secret);
        Ok(Arc::new(Self(EncryptionSecretKey::from_secret_with(
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
        self.0.public_key().to_sec1().to_vec()
    }

    /// The key id (32 bytes).
    pub fn key_id(&self) -> Vec<u8> {
        self.0.public_key().key_id().0.to_vec()
    }

    /// Unwrap a data key wrapped to this key for `context`.
    pub fn unwrap(&self, wrapped: WrappedKey, context: WrapContext) -> Result<Arc<DataKey>> {
        let wrapped = wrap::WrappedKey::from_parts(
            convert::key_id(&wrapped.key_id)?,
            &wrapped.enc,
            &wrapped.ciphertext,
        )?;
        let parts = WrapContextParts::new(&context)?;
        Ok(Arc::new(DataKey(
            self.0.unwrap(&wrapped, &parts.context())?,
        )))
    }
}

/// Wrap `data_key` to the encryption key `recipient_public` (SEC1) for `context`.
#[uniffi::export]
pub fn wrap(
    recipient_public: Vec<u8>,
    data_key: Arc<DataKey>,
    context: WrapContext,
) -> Result<WrappedKey> {
    let recipient = EncryptionPublicKey::from_sec1(&recipient_public)?;
    let parts = WrapContextParts::new(&context)?;
    let wrapped = recipient.wrap(&data_key.0, &parts.context(), &mut convert::rng())?;
    Ok(WrappedKey {
        key_id: wrapped.recipient.0.to_vec(),
        enc: wrapped.enc().to_vec(),
        ciphertext: wrapped.ciphertext().to_vec(),
    })
}

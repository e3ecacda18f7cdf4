//! ECDSA P-256 with SHA-256 over domain-separated bytes.
//!
//! * Every signed message is `tag || bytes`, where the tag names the kind of object
//!   ([`Domain`]) and ends in a NUL byte that no tag contains: a signature made for one kind
//!   of object never verifies as another kind.
//! * Signatures are 64 bytes (IEEE P1363 `r || s`). DER is accepted on input
//!   ([`Signature::from_der`]) and converted.
//! * Malleability: ECDSA signatures `(r, s)` and `(r, n - s)` both verify. fhirbus signs with
//!   low S only and **refuses** high-S signatures ([`ErrorCode::HighSSignature`]), so every
//!   signed object has exactly one valid signature per nonce and a transaction's hash cannot
//!   be changed by a third party.
//! * Every signature names the [`KeyId`] of its key; verifying with a key of another id fails
//!   with [`ErrorCode::KeyIdMismatch`] before any curve arithmetic.

use core::fmt;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::backend::{Backend, EcdsaSigner, P256_PUBLIC_LEN, P256_SECRET_LEN, P256_SIGNATURE_LEN, default_backend, parse_p256_public};
use crate::error::{Error, ErrorCode, Result};
use crate::ids::KeyId;
use crate::random::RandomSource;

/// What a signature is for. The tag is part of the signed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Domain {
    /// A record entry registered by its custodian.
    RecordEntry,
    /// A ledger transaction.
    Transaction,
    /// A block header (validators' quorum signatures).
    BlockHeader,
    /// A patient's consent.
    Consent,
    /// An access request from a requesting organisation.
    AccessRequest,
    /// Host-defined messages, for tests and extensions.
    Application,
}

impl Domain {
    /// The prefix signed before the message.
    pub const fn tag(self) -> &'static [u8] {
        match self {
            Self::RecordEntry => b"fhirbus/v1/record-entry\0",
            Self::Transaction => b"fhirbus/v1/transaction\0",
            Self::BlockHeader => b"fhirbus/v1/block-header\0",
            Self::Consent => b"fhirbus/v1/consent\0",
            Self::AccessRequest => b"fhirbus/v1/access-request\0",
            Self::Application => b"fhirbus/v1/application\0",
        }
    }

    /// The domain with this number (as the binding layers pass it).
    pub fn from_u8(n: u8) -> Result<Self> {
        Ok(match n {
            1 => Self::RecordEntry,
            2 => Self::Transaction,
            3 => Self::BlockHeader,
            4 => Self::Consent,
            5 => Self::AccessRequest,
            6 => Self::Application,
            _ => return Err(Error::new(ErrorCode::InvalidValue, "signature domain: 1 to 6")),
        })
    }

    fn message(self, msg: &[u8]) -> Vec<u8> {
        let tag = self.tag();
        let mut out = Vec::with_capacity(tag.len() + msg.len());
        out.extend_from_slice(tag);
        out.extend_from_slice(msg);
        out
    }
}

pub(crate) const SIGNING_PURPOSE: &[u8] = b"sig";

/// A signature and the id of the key that made it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The signing key's id.
    #[serde(rename = "kid")]
    pub key_id: KeyId,
    #[serde(rename = "sig", with = "crate::b64::array")]
    bytes: [u8; P256_SIGNATURE_LEN],
}

impl Signature {
    /// From a 64-byte `r || s` (IEEE P1363), or a DER `ECDSA-Sig-Value`.
    pub fn from_bytes(key_id: KeyId, bytes: &[u8]) -> Result<Self> {
        if let Ok(fixed) = <[u8; P256_SIGNATURE_LEN]>::try_from(bytes) {
            return Ok(Self { key_id, bytes: fixed });
        }
        Self::from_der(key_id, bytes)
    }

    /// From a strict DER `ECDSA-Sig-Value`.
    pub fn from_der(key_id: KeyId, der: &[u8]) -> Result<Self> {
        let sig = p256::ecdsa::Signature::from_der(der)
            .map_err(|_| Error::new(ErrorCode::InvalidSignatureEncoding, "neither 64 bytes nor a DER ECDSA signature"))?;
        Ok(Self { key_id, bytes: sig.to_bytes().into() })
    }

    /// The 64-byte `r || s`.
    pub fn as_bytes(&self) -> &[u8; P256_SIGNATURE_LEN] {
        &self.bytes
    }

    /// The DER encoding, for tools that want it.
    pub fn to_der(&self) -> Result<Vec<u8>> {
        let sig = parse_scalars(&self.bytes)?;
        Ok(sig.to_der().as_bytes().to_vec())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature {{ key_id: {}, bytes: {} }}", self.key_id, hex::encode(self.bytes))
    }
}

fn parse_scalars(bytes: &[u8; P256_SIGNATURE_LEN]) -> Result<p256::ecdsa::Signature> {
    p256::ecdsa::Signature::from_slice(bytes)
        .map_err(|_| Error::new(ErrorCode::InvalidSignatureEncoding, "r or s is zero or not below the group order"))
}

/// Refuse out-of-range scalars and high S (see the module docs).
fn check_low_s(bytes: &[u8; P256_SIGNATURE_LEN]) -> Result<()> {
    let sig = parse_scalars(bytes)?;
    if sig.normalize_s() != sig {
        return Err(Error::new(ErrorCode::HighSSignature, "S is above half the group order"));
    }
    Ok(())
}

/// A public key that verifies signatures.
#[derive(Clone)]
pub struct VerifyingKey {
    public: [u8; P256_PUBLIC_LEN],
    key_id: KeyId,
    backend: &'static dyn Backend,
}

impl VerifyingKey {
    /// From a SEC1 P-256 point (compressed or uncompressed), on the default backend.
    pub fn from_sec1(sec1: &[u8]) -> Result<Self> {
        Self::from_sec1_with(default_backend(), sec1)
    }

    /// From a SEC1 P-256 point, on a chosen backend.
    pub fn from_sec1_with(backend: &'static dyn Backend, sec1: &[u8]) -> Result<Self> {
        let public = parse_p256_public(sec1)?;
        Ok(Self { public, key_id: KeyId::derive(SIGNING_PURPOSE, &public), backend })
    }

    /// The uncompressed SEC1 encoding (65 bytes).
    pub fn to_sec1(&self) -> [u8; P256_PUBLIC_LEN] {
        self.public
    }

    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// Check `sig` over `msg` in `domain`.
    pub fn verify(&self, domain: Domain, msg: &[u8], sig: &Signature) -> Result<()> {
        if sig.key_id != self.key_id {
            return Err(Error::new(ErrorCode::KeyIdMismatch, "signature names another key"));
        }
        check_low_s(&sig.bytes)?;
        self.backend.ecdsa_verify(&self.public, &domain.message(msg), &sig.bytes)
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.public == other.public
    }
}

impl Eq for VerifyingKey {}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({})", self.key_id)
    }
}

/// A secret key that signs. The scalar is zeroized on drop and never printed.
pub struct SigningKey {
    secret: Zeroizing<[u8; P256_SECRET_LEN]>,
    verifying: VerifyingKey,
    signer: Box<dyn EcdsaSigner>,
}

impl SigningKey {
    /// A new key from the host's randomness, on the default backend.
    pub fn generate(rng: &mut dyn RandomSource) -> Result<Self> {
        Self::generate_with(default_backend(), rng)
    }

    /// A new key on a chosen backend.
    pub fn generate_with(backend: &'static dyn Backend, rng: &mut dyn RandomSource) -> Result<Self> {
        let secret = generate_scalar(backend, rng)?;
        Self::from_secret_with(backend, secret.as_ref())
    }

    /// From a 32-byte big-endian scalar, on the default backend.
    pub fn from_secret(secret: &[u8]) -> Result<Self> {
        Self::from_secret_with(default_backend(), secret)
    }

    /// From a 32-byte big-endian scalar, on a chosen backend.
    pub fn from_secret_with(backend: &'static dyn Backend, secret: &[u8]) -> Result<Self> {
        let secret: Zeroizing<[u8; P256_SECRET_LEN]> = Zeroizing::new(
            secret.try_into().map_err(|_| Error::new(ErrorCode::InvalidLength, "secret key: 32 bytes"))?,
        );
        let public = backend.p256_public_key(&secret)?;
        let signer = backend.ecdsa_signer(&secret)?;
        let verifying = VerifyingKey { public, key_id: KeyId::derive(SIGNING_PURPOSE, &public), backend };
        Ok(Self { secret, verifying, signer })
    }

    /// The secret scalar, for the host to store (in a key file, a keystore, an HSM import).
    pub fn to_secret_bytes(&self) -> Zeroizing<[u8; P256_SECRET_LEN]> {
        self.secret.clone()
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.verifying
    }

    /// The key's id.
    pub fn key_id(&self) -> KeyId {
        self.verifying.key_id
    }

    /// Sign `msg` in `domain`; the signature has low S.
    pub fn sign(&self, domain: Domain, msg: &[u8]) -> Result<Signature> {
        let raw = self.signer.sign(&domain.message(msg))?;
        let normalized = parse_scalars(&raw)?.normalize_s();
        Ok(Signature { key_id: self.key_id(), bytes: normalized.to_bytes().into() })
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}, secret redacted)", self.key_id())
    }
}

/// A random valid P-256 scalar (rejection sampling; the loop ends with overwhelming
/// probability after one draw).
pub(crate) fn generate_scalar(
    backend: &dyn Backend,
    rng: &mut dyn RandomSource,
) -> Result<Zeroizing<[u8; P256_SECRET_LEN]>> {
    for _ in 0..64 {
        let candidate = Zeroizing::new(crate::random::array::<P256_SECRET_LEN>(rng)?);
        if backend.p256_public_key(&candidate).is_ok() {
            return Ok(candidate);
        }
    }
    Err(Error::new(ErrorCode::RandomnessUnavailable, "randomness source gives no valid scalar"))
}

//! The cryptographic primitives under fhirbus, behind one trait with two implementations:
//!
//! * [`BackendId::AwsLc`]: AWS-LC through `aws-lc-rs` (feature `aws-lc`, on by default for
//!   native builds): about five times faster at ECDSA, and available as a FIPS build.
//! * [`BackendId::RustCrypto`]: the portable pure-Rust crates (`p256`, `aes-gcm`, `hpke`,
//!   `hkdf`, `hmac`): always compiled, the only one on wasm32.
//!
//! Both give the same results byte for byte wherever the primitive is deterministic, and
//! each opens and verifies what the other seals and signs; the test suite checks both against
//! Wycheproof and against each other. Everything above this module (signature policy,
//! domain separation, contexts, key sets) is written once and runs on either.
//!
//! SHA-256 is computed with `sha2` on both: it uses the CPU's SHA extensions and matches
//! AWS-LC's speed (see ../shared/TOOLCHAIN.md), and content digests need streaming.

#[cfg(feature = "aws-lc")]
mod awslc;
#[cfg(feature = "aws-lc")]
mod hpke_compose;
mod rustcrypto;

use core::fmt;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorCode, Result};
use crate::random::RandomSource;

/// Which implementation of the primitives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum BackendId {
    /// AWS-LC (native builds with the `aws-lc` feature).
    AwsLc = 1,
    /// RustCrypto (portable; the only backend on wasm32).
    RustCrypto = 2,
}

impl BackendId {
    /// A short name for logs and benchmark tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::AwsLc => "aws-lc",
            Self::RustCrypto => "rustcrypto",
        }
    }

    /// The backend with this number (as the binding layers pass it).
    pub fn from_u8(n: u8) -> Result<Self> {
        match n {
            1 => Ok(Self::AwsLc),
            2 => Ok(Self::RustCrypto),
            _ => Err(Error::new(ErrorCode::InvalidValue, "backend: 1 (aws-lc) or 2 (rustcrypto)")),
        }
    }
}

/// Length of an uncompressed SEC1 P-256 point.
pub const P256_PUBLIC_LEN: usize = 65;
/// Length of a P-256 scalar.
pub const P256_SECRET_LEN: usize = 32;
/// Length of a fixed-size (IEEE P1363) P-256 ECDSA signature.
pub const P256_SIGNATURE_LEN: usize = 64;
/// Length of an AES-GCM nonce.
pub const GCM_NONCE_LEN: usize = 12;
/// Length of an AES-GCM tag.
pub const GCM_TAG_LEN: usize = 16;

/// The primitives fhirbus needs. Public keys are uncompressed SEC1 points already checked by
/// [`parse_p256_public`]; secrets are 32-byte big-endian scalars.
pub trait Backend: Send + Sync + fmt::Debug {
    /// Which backend this is.
    fn id(&self) -> BackendId;

    /// The public point of a secret scalar; refuses zero and values not below the group order.
    fn p256_public_key(&self, secret: &[u8; P256_SECRET_LEN]) -> Result<[u8; P256_PUBLIC_LEN]>;

    /// A signer prepared for repeated ECDSA P-256/SHA-256 signatures with one key.
    fn ecdsa_signer(&self, secret: &[u8; P256_SECRET_LEN]) -> Result<Box<dyn EcdsaSigner>>;

    /// Verify a fixed-size ECDSA P-256/SHA-256 signature over `msg`, as the primitive does
    /// (high S values are accepted here; the signature policy above refuses them).
    fn ecdsa_verify(&self, public: &[u8; P256_PUBLIC_LEN], msg: &[u8], sig: &[u8; P256_SIGNATURE_LEN]) -> Result<()>;

    /// An AES-256-GCM key prepared for repeated use.
    fn aes256gcm(&self, key: &[u8; 32]) -> Result<Box<dyn Aes256Gcm>>;

    /// ECDH on P-256: the x coordinate of `secret * peer`. `peer` is any SEC1 encoding;
    /// invalid points are refused.
    fn ecdh_p256(&self, secret: &[u8; P256_SECRET_LEN], peer: &[u8]) -> Result<Zeroizing<[u8; 32]>>;

    /// HKDF-SHA256 (RFC 5869): extract then expand into `out`.
    fn hkdf_sha256(&self, salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<()>;

    /// HMAC-SHA256.
    fn hmac_sha256(&self, key: &[u8], msg: &[u8]) -> [u8; 32];

    /// HPKE (RFC 9180) base-mode single-shot seal with DHKEM(P-256, HKDF-SHA256),
    /// HKDF-SHA256 and AES-256-GCM. Returns the encapsulated key and the ciphertext.
    fn hpke_seal(
        &self,
        recipient: &[u8; P256_PUBLIC_LEN],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<([u8; P256_PUBLIC_LEN], Vec<u8>)>;

    /// The matching single-shot open.
    fn hpke_open(
        &self,
        secret: &[u8; P256_SECRET_LEN],
        enc: &[u8; P256_PUBLIC_LEN],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>>;
}

/// A prepared ECDSA signing key.
pub trait EcdsaSigner: Send + Sync {
    /// A fixed-size signature over `msg` (S not yet normalized).
    fn sign(&self, msg: &[u8]) -> Result<[u8; P256_SIGNATURE_LEN]>;
}

/// A prepared AES-256-GCM key. Ciphertexts carry the 16-byte tag at their end.
pub trait Aes256Gcm: Send + Sync {
    /// Encrypt and authenticate.
    fn seal(&self, nonce: &[u8; GCM_NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>>;
    /// Check and decrypt; any mismatch is [`ErrorCode::DecryptionFailed`].
    fn open(&self, nonce: &[u8; GCM_NONCE_LEN], aad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>>;
}

/// The backend native builds use unless told otherwise: AWS-LC where compiled in.
pub fn default_backend() -> &'static dyn Backend {
    #[cfg(feature = "aws-lc")]
    {
        &awslc::AwsLc
    }
    #[cfg(not(feature = "aws-lc"))]
    {
        &rustcrypto::RustCrypto
    }
}

/// A specific backend, if this build has it.
pub fn backend(id: BackendId) -> Result<&'static dyn Backend> {
    match id {
        BackendId::RustCrypto => Ok(&rustcrypto::RustCrypto),
        #[cfg(feature = "aws-lc")]
        BackendId::AwsLc => Ok(&awslc::AwsLc),
        #[cfg(not(feature = "aws-lc"))]
        BackendId::AwsLc => Err(Error::new(ErrorCode::BackendUnavailable, "built without the aws-lc feature")),
    }
}

/// Every backend this build has, default first.
pub fn available_backends() -> Vec<&'static dyn Backend> {
    let mut all = vec![default_backend()];
    if default_backend().id() != BackendId::RustCrypto {
        all.push(&rustcrypto::RustCrypto);
    }
    all
}

/// Parse a P-256 public key in SEC1 form (compressed or uncompressed) into its uncompressed
/// encoding; points off the curve, the identity and other curves' encodings are refused.
pub fn parse_p256_public(sec1: &[u8]) -> Result<[u8; P256_PUBLIC_LEN]> {
    let key = p256::PublicKey::from_sec1_bytes(sec1)
        .map_err(|_| Error::new(ErrorCode::InvalidPublicKey, "not a P-256 point in SEC1 encoding"))?;
    <[u8; P256_PUBLIC_LEN]>::try_from(&*key.to_sec1_bytes())
        .map_err(|_| Error::new(ErrorCode::Internal, "SEC1 encoding length"))
}

//! The native backend: AWS-LC through `aws-lc-rs`.
//!
//! AWS-LC draws ECDSA nonces from its own generator (as FIPS 186 wants); the `SecureRandom`
//! argument of `aws-lc-rs` is ignored. Everything else random comes from the host's source.

use aws_lc_rs::{aead, agreement, hkdf, hmac, signature};
use zeroize::Zeroizing;

use super::*;

/// The AWS-LC backend.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AwsLc;

pub(super) fn ecdh_secret(secret: &[u8; P256_SECRET_LEN]) -> Result<agreement::PrivateKey> {
    agreement::PrivateKey::from_private_key(&agreement::ECDH_P256, secret)
        .map_err(|_| Error::new(ErrorCode::InvalidSecretKey, "not a P-256 scalar"))
}

pub(super) fn public_of(secret: &agreement::PrivateKey) -> Result<[u8; P256_PUBLIC_LEN]> {
    let public = secret
        .compute_public_key()
        .map_err(|_| Error::new(ErrorCode::InvalidSecretKey, "not a P-256 scalar"))?;
    <[u8; P256_PUBLIC_LEN]>::try_from(public.as_ref()).map_err(|_| Error::new(ErrorCode::Internal, "public key length"))
}

pub(super) fn agree(secret: &agreement::PrivateKey, peer: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, peer);
    agreement::agree(secret, peer, Error::new(ErrorCode::InvalidPublicKey, "not a P-256 point"), |shared| {
        <[u8; 32]>::try_from(shared)
            .map(Zeroizing::new)
            .map_err(|_| Error::new(ErrorCode::Internal, "shared secret length"))
    })
}

struct Signer(signature::EcdsaKeyPair);

impl EcdsaSigner for Signer {
    fn sign(&self, msg: &[u8]) -> Result<[u8; P256_SIGNATURE_LEN]> {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let sig = self.0.sign(&rng, msg).map_err(|_| Error::new(ErrorCode::Internal, "ECDSA sign"))?;
        <[u8; P256_SIGNATURE_LEN]>::try_from(sig.as_ref()).map_err(|_| Error::new(ErrorCode::Internal, "signature length"))
    }
}

pub(super) struct Gcm(aead::LessSafeKey);

impl Gcm {
    pub(super) fn new(alg: &'static aead::Algorithm, key: &[u8]) -> Result<Self> {
        let key = aead::UnboundKey::new(alg, key).map_err(|_| Error::new(ErrorCode::InvalidLength, "AES-GCM key"))?;
        Ok(Self(aead::LessSafeKey::new(key)))
    }
}

impl Aes256Gcm for Gcm {
    fn seal(&self, nonce: &[u8; GCM_NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        let mut buf = Vec::with_capacity(plaintext.len() + GCM_TAG_LEN);
        buf.extend_from_slice(plaintext);
        self.0
            .seal_in_place_append_tag(aead::Nonce::assume_unique_for_key(*nonce), aead::Aad::from(aad), &mut buf)
            .map_err(|_| Error::new(ErrorCode::Internal, "AES-GCM seal"))?;
        Ok(buf)
    }

    fn open(&self, nonce: &[u8; GCM_NONCE_LEN], aad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
        let mut buf = ciphertext.to_vec();
        let len = self
            .0
            .open_in_place(aead::Nonce::assume_unique_for_key(*nonce), aead::Aad::from(aad), &mut buf)
            .map_err(|_| Error::from(ErrorCode::DecryptionFailed))?
            .len();
        buf.truncate(len);
        Ok(buf)
    }
}

/// The length `Prk::expand` fills.
pub(super) struct OkmLen(pub(super) usize);

impl hkdf::KeyType for OkmLen {
    fn len(&self) -> usize {
        self.0
    }
}

impl Backend for AwsLc {
    fn id(&self) -> BackendId {
        BackendId::AwsLc
    }

    fn p256_public_key(&self, secret: &[u8; P256_SECRET_LEN]) -> Result<[u8; P256_PUBLIC_LEN]> {
        public_of(&ecdh_secret(secret)?)
    }

    fn ecdsa_signer(&self, secret: &[u8; P256_SECRET_LEN]) -> Result<Box<dyn EcdsaSigner>> {
        let public = self.p256_public_key(secret)?;
        let pair = signature::EcdsaKeyPair::from_private_key_and_public_key(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            secret,
            &public,
        )
        .map_err(|_| Error::new(ErrorCode::InvalidSecretKey, "not a P-256 scalar"))?;
        Ok(Box::new(Signer(pair)))
    }

    fn ecdsa_verify(&self, public: &[u8; P256_PUBLIC_LEN], msg: &[u8], sig: &[u8; P256_SIGNATURE_LEN]) -> Result<()> {
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, public)
            .verify(msg, sig)
            .map_err(|_| ErrorCode::BadSignature.into())
    }

    fn aes256gcm(&self, key: &[u8; 32]) -> Result<Box<dyn Aes256Gcm>> {
        Ok(Box::new(Gcm::new(&aead::AES_256_GCM, key)?))
    }

    fn ecdh_p256(&self, secret: &[u8; P256_SECRET_LEN], peer: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        agree(&ecdh_secret(secret)?, peer)
    }

    fn hkdf_sha256(&self, salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(ikm);
        let too_long = || Error::new(ErrorCode::InvalidLength, "HKDF output longer than 255 blocks");
        prk.expand(&[info], OkmLen(out.len())).map_err(|_| too_long())?.fill(out).map_err(|_| too_long())
    }

    fn hmac_sha256(&self, key: &[u8], msg: &[u8]) -> [u8; 32] {
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), msg);
        <[u8; 32]>::try_from(tag.as_ref()).unwrap_or_default()
    }

    fn hpke_seal(
        &self,
        recipient: &[u8; P256_PUBLIC_LEN],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<([u8; P256_PUBLIC_LEN], Vec<u8>)> {
        let ephemeral = hpke_compose::generate_ephemeral(rng)?;
        hpke_compose::seal(hpke_compose::Suite::AES_256_GCM, &ephemeral, recipient, info, aad, plaintext)
    }

    fn hpke_open(
        &self,
        secret: &[u8; P256_SECRET_LEN],
        enc: &[u8; P256_PUBLIC_LEN],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        hpke_compose::open(hpke_compose::Suite::AES_256_GCM, secret, enc, info, aad, ciphertext)
    }
}

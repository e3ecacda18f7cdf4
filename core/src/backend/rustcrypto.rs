//! The portable backend: RustCrypto's `p256`, `aes-gcm`, `hkdf`, `hmac` and `hpke`.

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use hmac::Mac as _;
use hpke::{Deserializable as _, Serializable as _};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use zeroize::Zeroizing;

use super::*;
use crate::random::RandAdapter;

type HpkeKem = hpke::kem::DhP256HkdfSha256;
type HpkeKdf = hpke::kdf::HkdfSha256;
type HpkeAead = hpke::aead::AesGcm256;

/// The RustCrypto backend.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RustCrypto;

fn secret_key(secret: &[u8; P256_SECRET_LEN]) -> Result<p256::SecretKey> {
    p256::SecretKey::from_slice(secret).map_err(|_| Error::new(ErrorCode::InvalidSecretKey, "not a P-256 scalar"))
}

struct Signer(p256::ecdsa::SigningKey);

impl EcdsaSigner for Signer {
    fn sign(&self, msg: &[u8]) -> Result<[u8; P256_SIGNATURE_LEN]> {
        let sig: p256::ecdsa::Signature = self.0.sign(msg);
        Ok(sig.to_bytes().into())
    }
}

struct Gcm(aes_gcm::Aes256Gcm);

impl Aes256Gcm for Gcm {
    fn seal(&self, nonce: &[u8; GCM_NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        self.0
            .encrypt(&(*nonce).into(), Payload { msg: plaintext, aad })
            .map_err(|_| Error::new(ErrorCode::Internal, "AES-GCM seal"))
    }

    fn open(&self, nonce: &[u8; GCM_NONCE_LEN], aad: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>> {
        self.0
            .decrypt(&(*nonce).into(), Payload { msg: ciphertext, aad })
            .map_err(|_| ErrorCode::DecryptionFailed.into())
    }
}

impl Backend for RustCrypto {
    fn id(&self) -> BackendId {
        BackendId::RustCrypto
    }

    fn p256_public_key(&self, secret: &[u8; P256_SECRET_LEN]) -> Result<[u8; P256_PUBLIC_LEN]> {
        let public = secret_key(secret)?.public_key();
        <[u8; P256_PUBLIC_LEN]>::try_from(&*public.to_sec1_bytes())
            .map_err(|_| Error::new(ErrorCode::Internal, "SEC1 encoding length"))
    }

    fn ecdsa_signer(&self, secret: &[u8; P256_SECRET_LEN]) -> Result<Box<dyn EcdsaSigner>> {
        let key = p256::ecdsa::SigningKey::from_slice(secret)
            .map_err(|_| Error::new(ErrorCode::InvalidSecretKey, "not a P-256 scalar"))?;
        Ok(Box::new(Signer(key)))
    }

    fn ecdsa_verify(&self, public: &[u8; P256_PUBLIC_LEN], msg: &[u8], sig: &[u8; P256_SIGNATURE_LEN]) -> Result<()> {
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public)
            .map_err(|_| Error::new(ErrorCode::InvalidPublicKey, "not a P-256 point"))?;
        let sig = p256::ecdsa::Signature::from_slice(sig)
            .map_err(|_| Error::new(ErrorCode::InvalidSignatureEncoding, "r or s out of range"))?;
        key.verify(msg, &sig).map_err(|_| ErrorCode::BadSignature.into())
    }

    fn aes256gcm(&self, key: &[u8; 32]) -> Result<Box<dyn Aes256Gcm>> {
        Ok(Box::new(Gcm(aes_gcm::Aes256Gcm::new(&(*key).into()))))
    }

    fn ecdh_p256(&self, secret: &[u8; P256_SECRET_LEN], peer: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let peer = p256::PublicKey::from_sec1_bytes(peer)
            .map_err(|_| Error::new(ErrorCode::InvalidPublicKey, "not a P-256 point"))?;
        let shared = p256::ecdh::diffie_hellman(secret_key(secret)?.to_nonzero_scalar(), peer.as_affine());
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(shared.raw_secret_bytes());
        Ok(out)
    }

    fn hkdf_sha256(&self, salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
        hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), ikm)
            .expand(info, out)
            .map_err(|_| Error::new(ErrorCode::InvalidLength, "HKDF output longer than 255 blocks"))
    }

    fn hmac_sha256(&self, key: &[u8], msg: &[u8]) -> [u8; 32] {
        // HMAC takes keys of any length; new_from_slice cannot fail for it.
        match hmac::Hmac::<sha2::Sha256>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(msg);
                mac.finalize().into_bytes().into()
            }
            Err(_) => [0u8; 32],
        }
    }

    fn hpke_seal(
        &self,
        recipient: &[u8; P256_PUBLIC_LEN],
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        rng: &mut dyn RandomSource,
    ) -> Result<([u8; P256_PUBLIC_LEN], Vec<u8>)> {
        let pk = <HpkeKem as hpke::Kem>::PublicKey::from_bytes(recipient)
            .map_err(|_| Error::new(ErrorCode::InvalidPublicKey, "HPKE recipient key"))?;
        let mut adapter = RandAdapter::new(rng);
        let sealed = hpke::single_shot_seal_with_rng::<HpkeAead, HpkeKdf, HpkeKem>(
            &hpke::OpModeS::Base,
            &pk,
            info,
            plaintext,
            aad,
            &mut adapter,
        );
        adapter.check()?;
        let (enc, ct) = sealed.map_err(|_| Error::new(ErrorCode::Internal, "HPKE seal"))?;
        let mut enc_out = [0u8; P256_PUBLIC_LEN];
        let enc_bytes = enc.to_bytes();
        if enc_bytes.len() != P256_PUBLIC_LEN {
            return Err(Error::new(ErrorCode::Internal, "HPKE encapsulated key length"));
        }
        enc_out.copy_from_slice(&enc_bytes);
        Ok((enc_out, ct))
    }

    fn hpke_open(
        &self,
        secret: &[u8; P256_SECRET_LEN],
        enc: &[u8; P256_PUBLIC_LEN],
        info: &[u8],
        aad: &[u8],
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>> {
        let sk = <HpkeKem as hpke::Kem>::PrivateKey::from_bytes(secret)
            .map_err(|_| Error::new(ErrorCode::InvalidSecretKey, "HPKE recipient secret"))?;
        let enc = <HpkeKem as hpke::Kem>::EncappedKey::from_bytes(enc)
            .map_err(|_| Error::new(ErrorCode::InvalidPublicKey, "HPKE encapsulated key"))?;
        hpke::single_shot_open::<HpkeAead, HpkeKdf, HpkeKem>(&hpke::OpModeR::Base, &sk, &enc, info, ciphertext, aad)
            .map(Zeroizing::new)
            .map_err(|_| ErrorCode::DecryptionFailed.into())
    }
}

//! HPKE (RFC 9180) base mode, single shot, composed from AWS-LC's ECDH, HMAC, HKDF and
//! AES-GCM, since `aws-lc-rs` offers no HPKE. Only the suite fhirbus uses is here:
//! DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-GCM. It is checked against RFC 9180's own
//! test vector (A.3, AES-128-GCM) and, in both directions, against the `hpke` crate.

use aws_lc_rs::{aead, hkdf, hmac};
use zeroize::Zeroizing;

use super::awslc::{Gcm, OkmLen, agree, ecdh_secret, public_of};
use super::*;

const KEM_ID: u16 = 0x0010; // DHKEM(P-256, HKDF-SHA256)
const KDF_ID: u16 = 0x0001; // HKDF-SHA256
const MODE_BASE: u8 = 0x00;

/// The AEAD of the suite.
#[derive(Clone, Copy)]
pub(crate) struct Suite {
    aead_id: u16,
    key_len: usize,
    alg: &'static aead::Algorithm,
}

impl Suite {
    pub(crate) const AES_256_GCM: Suite = Suite { aead_id: 0x0002, key_len: 32, alg: &aead::AES_256_GCM };
    #[cfg(test)]
    pub(crate) const AES_128_GCM: Suite = Suite { aead_id: 0x0001, key_len: 16, alg: &aead::AES_128_GCM };
}

/// A fresh ephemeral scalar from the host's randomness.
pub(crate) fn generate_ephemeral(rng: &mut dyn RandomSource) -> Result<Zeroizing<[u8; 32]>> {
    crate::signature::generate_scalar(&super::awslc::AwsLc, rng)
}

fn labeled_extract(suite_id: &[u8], salt: &[u8], label: &[u8], ikm: &[u8]) -> [u8; 32] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, salt);
    let mut ctx = hmac::Context::with_key(&key);
    for part in [b"HPKE-v1".as_slice(), suite_id, label, ikm] {
        ctx.update(part);
    }
    <[u8; 32]>::try_from(ctx.sign().as_ref()).unwrap_or_default()
}

fn labeled_expand(suite_id: &[u8], prk: &[u8; 32], label: &[u8], info: &[u8], out: &mut [u8]) -> Result<()> {
    let len = u16::try_from(out.len()).map_err(|_| Error::new(ErrorCode::Internal, "HPKE expand length"))?;
    let len_bytes = len.to_be_bytes();
    let parts: [&[u8]; 5] = [&len_bytes, b"HPKE-v1", suite_id, label, info];
    let prk = hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, prk);
    let fail = || Error::new(ErrorCode::Internal, "HPKE expand");
    prk.expand(&parts, OkmLen(out.len())).map_err(|_| fail())?.fill(out).map_err(|_| fail())
}

/// DHKEM's ExtractAndExpand.
fn kem_shared_secret(dh: &[u8; 32], enc: &[u8], pk_r: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
    let mut suite_id = [0u8; 5];
    suite_id[..3].copy_from_slice(b"KEM");
    suite_id[3..].copy_from_slice(&KEM_ID.to_be_bytes());
    let eae_prk = Zeroizing::new(labeled_extract(&suite_id, b"", b"eae_prk", dh));
    let mut kem_context = Vec::with_capacity(enc.len() + pk_r.len());
    kem_context.extend_from_slice(enc);
    kem_context.extend_from_slice(pk_r);
    let mut shared = Zeroizing::new([0u8; 32]);
    labeled_expand(&suite_id, &eae_prk, b"shared_secret", &kem_context, shared.as_mut())?;
    Ok(shared)
}

/// KeySchedule for mode_base: the AEAD key and base nonce.
fn key_schedule(suite: Suite, shared_secret: &[u8; 32], info: &[u8]) -> Result<(Gcm, [u8; GCM_NONCE_LEN])> {
    let mut suite_id = Vec::with_capacity(10);
    suite_id.extend_from_slice(b"HPKE");
    suite_id.extend_from_slice(&KEM_ID.to_be_bytes());
    suite_id.extend_from_slice(&KDF_ID.to_be_bytes());
    suite_id.extend_from_slice(&suite.aead_id.to_be_bytes());
    let psk_id_hash = labeled_extract(&suite_id, b"", b"psk_id_hash", b"");
    let info_hash = labeled_extract(&suite_id, b"", b"info_hash", info);
    let mut context = Vec::with_capacity(65);
    context.push(MODE_BASE);
    context.extend_from_slice(&psk_id_hash);
    context.extend_from_slice(&info_hash);
    let secret = Zeroizing::new(labeled_extract(&suite_id, shared_secret, b"secret", b""));
    let mut key = Zeroizing::new([0u8; 32]);
    let key = key.get_mut(..suite.key_len).ok_or_else(|| Error::new(ErrorCode::Internal, "HPKE key length"))?;
    labeled_expand(&suite_id, &secret, b"key", &context, key)?;
    let mut base_nonce = [0u8; GCM_NONCE_LEN];
    labeled_expand(&suite_id, &secret, b"base_nonce", &context, &mut base_nonce)?;
    Ok((Gcm::new(suite.alg, key)?, base_nonce))
}

/// SealBase with a given ephemeral secret (sequence number 0, so the nonce is the base nonce).
pub(crate) fn seal(
    suite: Suite,
    ephemeral: &[u8; P256_SECRET_LEN],
    recipient: &[u8; P256_PUBLIC_LEN],
    info: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<([u8; P256_PUBLIC_LEN], Vec<u8>)> {
    let sk_e = ecdh_secret(ephemeral)?;
    let enc = public_of(&sk_e)?;
    let dh = agree(&sk_e, recipient)?;
    let shared = kem_shared_secret(&dh, &enc, recipient)?;
    let (gcm, nonce) = key_schedule(suite, &shared, info)?;
    Ok((enc, gcm.seal(&nonce, aad, plaintext)?))
}

/// OpenBase.
pub(crate) fn open(
    suite: Suite,
    secret: &[u8; P256_SECRET_LEN],
    enc: &[u8; P256_PUBLIC_LEN],
    info: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
    let sk_r = ecdh_secret(secret)?;
    let pk_r = public_of(&sk_r)?;
    let dh = agree(&sk_r, enc).map_err(|_| Error::new(ErrorCode::InvalidPublicKey, "HPKE encapsulated key"))?;
    let shared = kem_shared_secret(&dh, enc, &pk_r)?;
    let (gcm, nonce) = key_schedule(suite, &shared, info)?;
    gcm.open(&nonce, aad, ciphertext).map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    fn arr<const N: usize>(s: &str) -> [u8; N] {
        h(s).try_into().unwrap()
    }

    // RFC 9180, Appendix A.3.1: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base
    // mode setup, and A.3.1.1, the encryption with sequence number 0. The values were taken
    // from the RFC and cross-checked against three independent implementations' copies.
    const INFO: &str = "4f6465206f6e2061204772656369616e2055726e";
    const SK_EM: &str = "4995788ef4b9d6132b249ce59a77281493eb39af373d236a1fe415cb0c2d7beb";
    const PK_EM: &str = "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4";
    const SK_RM: &str = "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2";
    const PK_RM: &str = "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0";
    const SHARED_SECRET: &str = "c0d26aeab536609a572b07695d933b589dcf363ff9d93c93adea537aeabb8cb8";
    const AAD_0: &str = "436f756e742d30";
    const PT: &str = "4265617574792069732074727574682c20747275746820626561757479";
    const CT_0: &str = "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434";

    #[test]
    fn rfc9180_a3_vector_is_self_consistent() {
        // The keys in the vector are pairs: a typo in a copied value would show here first.
        let sk_e = ecdh_secret(&arr(SK_EM)).unwrap();
        assert_eq!(public_of(&sk_e).unwrap().to_vec(), h(PK_EM));
        let sk_r = ecdh_secret(&arr(SK_RM)).unwrap();
        assert_eq!(public_of(&sk_r).unwrap().to_vec(), h(PK_RM));
    }

    #[test]
    fn rfc9180_a3_shared_secret() {
        let sk_e = ecdh_secret(&arr(SK_EM)).unwrap();
        let dh = agree(&sk_e, &h(PK_RM)).unwrap();
        let shared = kem_shared_secret(&dh, &h(PK_EM), &h(PK_RM)).unwrap();
        assert_eq!(shared.to_vec(), h(SHARED_SECRET));
    }

    #[test]
    fn rfc9180_a3_seal_sequence_0() {
        let (enc, ct) = seal(Suite::AES_128_GCM, &arr(SK_EM), &arr(PK_RM), &h(INFO), &h(AAD_0), &h(PT)).unwrap();
        assert_eq!(enc.to_vec(), h(PK_EM));
        assert_eq!(ct, h(CT_0));
    }

    #[test]
    fn rfc9180_a3_open_sequence_0() {
        let pt = open(Suite::AES_128_GCM, &arr(SK_RM), &arr(PK_EM), &h(INFO), &h(AAD_0), &h(CT_0)).unwrap();
        assert_eq!(pt.to_vec(), h(PT));
        // Any change to the ciphertext, the aad or the info is refused.
        let mut bad = h(CT_0);
        bad[0] ^= 1;
        for (info, aad, ct) in [(h(INFO), h(AAD_0), bad), (h(INFO), b"Count-1".to_vec(), h(CT_0)), (b"x".to_vec(), h(AAD_0), h(CT_0))] {
            let err = open(Suite::AES_128_GCM, &arr(SK_RM), &arr(PK_EM), &info, &aad, &ct).unwrap_err();
            assert_eq!(err.code(), ErrorCode::DecryptionFailed);
        }
    }

    #[test]
    fn aes_256_suite_agrees_with_the_hpke_crate_both_ways() {
        use hpke::Deserializable as _;
        type Kem = hpke::kem::DhP256HkdfSha256;
        let sk_r = arr::<32>(SK_RM);
        let pk_r = arr::<65>(PK_RM);
        // Ours seals, the hpke crate opens.
        let (enc, ct) = seal(Suite::AES_256_GCM, &arr(SK_EM), &pk_r, b"info", b"aad", b"data key").unwrap();
        let sk = <Kem as hpke::Kem>::PrivateKey::from_bytes(&sk_r).unwrap();
        let enc_k = <Kem as hpke::Kem>::EncappedKey::from_bytes(&enc).unwrap();
        let pt = hpke::single_shot_open::<hpke::aead::AesGcm256, hpke::kdf::HkdfSha256, Kem>(
            &hpke::OpModeR::Base,
            &sk,
            &enc_k,
            b"info",
            &ct,
            b"aad",
        )
        .unwrap();
        assert_eq!(pt, b"data key");
        // The hpke crate seals (through the RustCrypto backend), ours opens.
        let mut counter = 0u8;
        let mut rng = |dest: &mut [u8]| -> Result<()> {
            for b in dest.iter_mut() {
                counter = counter.wrapping_add(1);
                *b = counter;
            }
            Ok(())
        };
        let (enc2, ct2) = crate::backend::backend(BackendId::RustCrypto)
            .unwrap()
            .hpke_seal(&pk_r, b"info", b"aad", b"data key", &mut rng)
            .unwrap();
        let pt2 = open(Suite::AES_256_GCM, &sk_r, &enc2, b"info", b"aad", &ct2).unwrap();
        assert_eq!(pt2.as_slice(), b"data key");
    }
}

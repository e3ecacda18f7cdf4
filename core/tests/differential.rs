//! The two backends against each other: for every ordered pair (a, b), what a signs, seals or
//! wraps, b verifies, opens or unwraps; and the deterministic primitives give the same bytes.
//! In a build without AWS-LC the only pair is (RustCrypto, RustCrypto): the tests still run,
//! and say so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use fhirbus::backend::{Backend, available_backends};
use fhirbus::ids::{OrgId, ResourceType};
use fhirbus::pointer::{DataKey, PointerContext};
use fhirbus::pseudonym::{NationalId, Pseudonym, PseudonymKey};
use fhirbus::record::{NewRecordEntry, RecordEntry};
use fhirbus::signature::{Domain, SigningKey, VerifyingKey};
use fhirbus::wrap::{EncryptionPublicKey, EncryptionSecretKey, WrapContext};
use fhirbus::{Digest, ErrorCode, Timestamp};

fn pairs() -> Vec<(&'static dyn Backend, &'static dyn Backend)> {
    let all = available_backends();
    #[cfg(feature = "aws-lc")]
    assert_eq!(all.len(), 2, "an AWS-LC build has both backends");
    #[cfg(not(feature = "aws-lc"))]
    println!("built without AWS-LC: only RustCrypto against itself");
    let mut out = Vec::new();
    for &a in &all {
        for &b in &all {
            out.push((a, b));
        }
    }
    out
}

fn rng(seed: u8) -> impl FnMut(&mut [u8]) -> fhirbus::Result<()> {
    let mut state = u64::from(seed).wrapping_add(0x9e37_79b9_7f4a_7c15);
    move |dest: &mut [u8]| {
        for b in dest.iter_mut() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            *b = (state >> 56) as u8;
        }
        Ok(())
    }
}

fn secrets() -> Vec<[u8; 32]> {
    let mut one = [0u8; 32];
    one[31] = 1;
    let mut n_minus_1 = [0u8; 32];
    hex::decode_to_slice("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550", &mut n_minus_1).unwrap();
    vec![one, n_minus_1, [0x11; 32], [0x7f; 32], [0xa5; 32]]
}

fn label(a: &dyn Backend, b: &dyn Backend) -> String {
    format!("{} -> {}", a.id().name(), b.id().name())
}

#[test]
fn sign_with_one_verify_with_the_other() {
    let messages: [&[u8]; 4] = [b"", b"m", &[0u8; 1000], b"{\"entry\":1}"];
    for (a, b) in pairs() {
        for secret in secrets() {
            let signer = SigningKey::from_secret_with(a, &secret).unwrap();
            let verifier = VerifyingKey::from_sec1_with(b, &signer.verifying_key().to_sec1()).unwrap();
            assert_eq!(signer.key_id(), verifier.key_id());
            for msg in messages {
                let sig = signer.sign(Domain::Transaction, msg).unwrap();
                verifier.verify(Domain::Transaction, msg, &sig).unwrap_or_else(|e| panic!("{}: {e}", label(a, b)));
                assert_eq!(verifier.verify(Domain::Consent, msg, &sig).unwrap_err().code(), ErrorCode::BadSignature);
                // The raw primitive too, signatures as the backend makes them (S not normalized).
                let raw = a.ecdsa_signer(&secret).unwrap().sign(msg).unwrap();
                b.ecdsa_verify(&verifier.to_sec1(), msg, &raw).unwrap_or_else(|e| panic!("{}: {e}", label(a, b)));
            }
        }
    }
}

#[test]
fn seal_with_one_open_with_the_other() {
    let patient = Pseudonym([9; 32]);
    let custodian = OrgId::new("hospital-a").unwrap();
    let resource_type = ResourceType::new("Observation").unwrap();
    let digest = Digest::sha256(b"resource");
    let ctx = PointerContext { patient: &patient, custodian: &custodian, resource_type: &resource_type, digest: &digest, epoch: 3 };
    for (a, b) in pairs() {
        for (i, pointer) in ["", "https://fhir.example/Observation/1/_history/2", &"x".repeat(2048)].into_iter().enumerate() {
            let key_a = DataKey::from_bytes_with(a, &[i as u8; 32]).unwrap();
            let key_b = DataKey::from_bytes_with(b, &[i as u8; 32]).unwrap();
            let sealed = key_a.seal_pointer(&ctx, pointer, &mut rng(i as u8)).unwrap();
            assert_eq!(key_b.open_pointer(&ctx, &sealed).unwrap(), pointer, "{}", label(a, b));
            // With the same nonce, AES-GCM is deterministic: both backends seal alike.
            let again = key_b.seal_pointer(&ctx, pointer, &mut rng(i as u8)).unwrap();
            assert_eq!(again, sealed, "{}", label(a, b));
            let other = PointerContext { epoch: 4, ..ctx };
            assert_eq!(key_b.open_pointer(&other, &sealed).unwrap_err().code(), ErrorCode::DecryptionFailed);
        }
        // Through a whole record entry.
        let new = NewRecordEntry {
            custodian: custodian.clone(),
            patient,
            resource_type: resource_type.clone(),
            digest,
            epoch: 1,
            time: Timestamp(1_764_000_000_000),
            pointer: "https://fhir.example/Patient/7/_history/1",
        };
        let entry = RecordEntry::seal(new, &DataKey::from_bytes_with(a, &[5; 32]).unwrap(), &mut rng(5)).unwrap();
        let signed = entry.sign(&SigningKey::from_secret_with(a, &[6; 32]).unwrap()).unwrap();
        let decoded = fhirbus::record::SignedRecordEntry::decode(&signed.encode().unwrap()).unwrap();
        let vk = VerifyingKey::from_sec1_with(b, &SigningKey::from_secret_with(b, &[6; 32]).unwrap().verifying_key().to_sec1()).unwrap();
        decoded.verify(&vk).unwrap();
        assert_eq!(decoded.entry.open_pointer(&DataKey::from_bytes_with(b, &[5; 32]).unwrap()).unwrap(), "https://fhir.example/Patient/7/_history/1");
    }
}

#[test]
fn wrap_with_one_unwrap_with_the_other() {
    let patient = Pseudonym([1; 32]);
    let custodian = OrgId::new("hospital-b").unwrap();
    let ctx = WrapContext { patient: &patient, custodian: &custodian, epoch: 2 };
    for (a, b) in pairs() {
        for (i, secret) in secrets().into_iter().enumerate() {
            let recipient_b = EncryptionSecretKey::from_secret_with(b, &secret).unwrap();
            let public_a = EncryptionPublicKey::from_sec1_with(a, &recipient_b.public_key().to_sec1()).unwrap();
            assert_eq!(public_a.key_id(), recipient_b.public_key().key_id());
            let data_key = DataKey::from_bytes_with(a, &[i as u8 + 1; 32]).unwrap();
            let wrapped = public_a.wrap(&data_key, &ctx, &mut rng(i as u8)).unwrap();
            let unwrapped = recipient_b.unwrap(&wrapped, &ctx).unwrap_or_else(|e| panic!("{}: {e}", label(a, b)));
            assert_eq!(*unwrapped.to_bytes(), *data_key.to_bytes(), "{}", label(a, b));
            let other = WrapContext { epoch: 3, ..ctx };
            assert_eq!(recipient_b.unwrap(&wrapped, &other).unwrap_err().code(), ErrorCode::DecryptionFailed);
            // The raw HPKE with a non-empty aad.
            let (enc, ct) = a.hpke_seal(&recipient_b.public_key().to_sec1(), b"info", b"aad", b"plain", &mut rng(9)).unwrap();
            let pt = b.hpke_open(&secret, &enc, b"info", b"aad", &ct).unwrap();
            assert_eq!(pt.as_slice(), b"plain", "{}", label(a, b));
        }
    }
}

#[test]
fn deterministic_primitives_agree() {
    let all = available_backends();
    let first = all[0];
    let inputs: [&[u8]; 4] = [b"", b"key", &[0xab; 64], &[0xcd; 200]];
    for &other in &all[1..] {
        let l = label(first, other);
        for key in inputs {
            for msg in inputs {
                assert_eq!(first.hmac_sha256(key, msg), other.hmac_sha256(key, msg), "HMAC {l}");
                for len in [0, 1, 32, 33, 255 * 32] {
                    let (mut x, mut y) = (vec![0u8; len], vec![0u8; len]);
                    first.hkdf_sha256(key, msg, b"info", &mut x).unwrap();
                    other.hkdf_sha256(key, msg, b"info", &mut y).unwrap();
                    assert_eq!(x, y, "HKDF {l} len {len}");
                }
            }
        }
        let mut too_long = vec![0u8; 255 * 32 + 1];
        assert_eq!(first.hkdf_sha256(b"", b"", b"", &mut too_long).unwrap_err().code(), other.hkdf_sha256(b"", b"", b"", &mut too_long).unwrap_err().code());
        for secret in secrets() {
            let public = first.p256_public_key(&secret).unwrap();
            assert_eq!(public, other.p256_public_key(&secret).unwrap(), "public key {l}");
            for peer_secret in secrets() {
                let peer = first.p256_public_key(&peer_secret).unwrap();
                let x = first.ecdh_p256(&secret, &peer).unwrap();
                assert_eq!(*x, *other.ecdh_p256(&secret, &peer).unwrap(), "ECDH {l}");
                // Commutative, and the same from the compressed encoding of the peer.
                assert_eq!(*x, *other.ecdh_p256(&peer_secret, &public).unwrap(), "ECDH {l}");
                let mut compressed = peer[..33].to_vec();
                compressed[0] = 2 | (peer[64] & 1);
                for b in [first, other] {
                    assert_eq!(*x, *b.ecdh_p256(&secret, &compressed).unwrap(), "ECDH compressed on {}", b.id().name());
                }
            }
            // A signer's signature verifies under both and the key id is derived alike.
            let vk_a = VerifyingKey::from_sec1_with(first, &public).unwrap();
            let vk_b = VerifyingKey::from_sec1_with(other, &public).unwrap();
            assert_eq!(vk_a.key_id(), vk_b.key_id());
        }
        // Secrets that are not scalars are refused alike.
        let n: [u8; 32] = hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551").unwrap().try_into().unwrap();
        for bad in [[0u8; 32], n, [0xff; 32]] {
            for b in [first, other] {
                assert_eq!(b.p256_public_key(&bad).unwrap_err().code(), ErrorCode::InvalidSecretKey, "{}", b.id().name());
                assert!(b.ecdsa_signer(&bad).is_err(), "{}", b.id().name());
            }
        }
        // Pseudonyms are HMACs: the same on both.
        let id = NationalId::new("urn:oid:2.16.840.1.113883.2.4.6.3", "123456782").unwrap();
        let p1 = PseudonymKey::from_bytes_with(first, &[7; 32]).unwrap().pseudonym(&id);
        let p2 = PseudonymKey::from_bytes_with(other, &[7; 32]).unwrap().pseudonym(&id);
        assert_eq!(p1, p2, "pseudonym {l}");
    }
    if all.len() == 1 {
        println!("built without AWS-LC: no second backend to compare with");
    }
}

/// Refusals carry the same code whichever backend runs them.
#[test]
fn backends_refuse_alike() {
    let patient = Pseudonym([2; 32]);
    let custodian = OrgId::new("hospital-c").unwrap();
    let ctx = WrapContext { patient: &patient, custodian: &custodian, epoch: 1 };
    let mut seen: Vec<Vec<ErrorCode>> = Vec::new();
    for (a, b) in pairs() {
        let recipient = EncryptionSecretKey::from_secret_with(b, &[0x31; 32]).unwrap();
        let public = EncryptionPublicKey::from_sec1_with(a, &recipient.public_key().to_sec1()).unwrap();
        let wrapped = public.wrap(&DataKey::from_bytes(&[1; 32]).unwrap(), &ctx, &mut rng(1)).unwrap();
        let mut codes = Vec::new();
        // An encapsulated key off the curve, then a changed ciphertext.
        let mut enc = *wrapped.enc();
        enc[20] ^= 1;
        let bad_enc = fhirbus::wrap::WrappedKey::from_parts(wrapped.recipient, &enc, wrapped.ciphertext()).unwrap();
        codes.push(recipient.unwrap(&bad_enc, &ctx).unwrap_err().code());
        let mut ct = wrapped.ciphertext().to_vec();
        ct[0] ^= 1;
        let bad_ct = fhirbus::wrap::WrappedKey::from_parts(wrapped.recipient, wrapped.enc(), &ct).unwrap();
        codes.push(recipient.unwrap(&bad_ct, &ctx).unwrap_err().code());
        // Signatures: zero S, high S, and a changed message, through the policy layer.
        let signer = SigningKey::from_secret_with(a, &[0x32; 32]).unwrap();
        let vk = VerifyingKey::from_sec1_with(b, &signer.verifying_key().to_sec1()).unwrap();
        let sig = signer.sign(Domain::Application, b"m").unwrap();
        let mut zero_s = *sig.as_bytes();
        zero_s[32..].fill(0);
        let zero_s = fhirbus::signature::Signature::from_bytes(vk.key_id(), &zero_s).unwrap();
        codes.push(vk.verify(Domain::Application, b"m", &zero_s).unwrap_err().code());
        codes.push(vk.verify(Domain::Application, b"n", &sig).unwrap_err().code());
        println!("{}: {codes:?}", label(a, b));
        seen.push(codes);
    }
    assert_eq!(seen[0], vec![ErrorCode::InvalidPublicKey, ErrorCode::DecryptionFailed, ErrorCode::InvalidSignatureEncoding, ErrorCode::BadSignature]);
    assert!(seen.iter().all(|c| *c == seen[0]), "{seen:?}");
}

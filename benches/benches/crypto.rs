//! Cryptographic core, side by side: each fhirbus operation on both backends against the raw
//! primitive underneath (AWS-LC through aws-lc-rs), and the canonical digest against plain
//! SHA-256 of the same bytes and against serde_json parse-and-reserialize.
//!
//! Bars (issue 2): native verify within 1.15x of raw aws-lc-rs verify; sealing a 128-byte
//! pointer under 300 ns; canonical digest of a 100 KB resource at 150 MB/s or more.

use aws_lc_rs::{aead, signature as lc};
use fhirbus::backend::{BackendId, backend};
use fhirbus::canonical::{FhirVariant, fhir_digest};
use fhirbus::pointer::{DataKey, PointerContext};
use fhirbus::pseudonym::Pseudonym;
use fhirbus::signature::{Domain, SigningKey};
use fhirbus::wrap::{EncryptionSecretKey, WrapContext};
use fhirbus::{Digest, OrgId, ResourceType};
use fhirbus_benches::{candidate, compare};

fn counter_rng() -> impl FnMut(&mut [u8]) -> fhirbus::Result<()> {
    let mut state = 0x9e3779b97f4a7c15u64;
    move |buf: &mut [u8]| {
        for b in buf.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = state as u8;
        }
        Ok(())
    }
}

fn main() -> fhirbus::Result<()> {
    let native = backend(BackendId::AwsLc)?;
    let portable = backend(BackendId::RustCrypto)?;
    let msg = vec![0x5au8; 256];
    let secret = [7u8; 32];

    // --- verify and sign -------------------------------------------------------------------
    let key_n = SigningKey::from_secret_with(native, &secret)?;
    let key_p = SigningKey::from_secret_with(portable, &secret)?;
    let sig = key_n.sign(Domain::Transaction, &msg)?;
    let vk_n = key_n.verifying_key().clone();
    let vk_p = key_p.verifying_key().clone();
    let public = vk_n.to_sec1();
    // The raw primitive signs exactly what fhirbus signs: domain tag then message.
    let mut tagged = Domain::Transaction.tag().to_vec();
    tagged.extend_from_slice(&msg);
    let raw_key = lc::UnparsedPublicKey::new(&lc::ECDSA_P256_SHA256_FIXED, public);
    let raw_pair = lc::EcdsaKeyPair::from_private_key_and_public_key(&lc::ECDSA_P256_SHA256_FIXED_SIGNING, &secret, &public)
        .map_err(|_| fhirbus::ErrorCode::Internal)?;
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let report = compare(
        "ECDSA P-256 verify, 256-byte message",
        None,
        vec![
            candidate("raw aws-lc-rs verify", || raw_key.verify(&tagged, sig.as_bytes()).is_ok()),
            candidate("fhirbus verify (aws-lc)", || vk_n.verify(Domain::Transaction, &msg, &sig).is_ok()),
            candidate("fhirbus verify (rustcrypto)", || vk_p.verify(Domain::Transaction, &msg, &sig).is_ok()),
        ],
    );
    if let Some(r) = report.ratio("fhirbus verify (aws-lc)") {
        println!("  bar: native verify within 1.15x of raw: x{r:.3} {}", if r <= 1.15 { "MET" } else { "MISSED" });
    }
    compare(
        "ECDSA P-256 sign, 256-byte message",
        None,
        vec![
            candidate("raw aws-lc-rs sign", || raw_pair.sign(&rng, &tagged).is_ok()),
            candidate("fhirbus sign (aws-lc)", || key_n.sign(Domain::Transaction, &msg).is_ok()),
            candidate("fhirbus sign (rustcrypto)", || key_p.sign(Domain::Transaction, &msg).is_ok()),
        ],
    );

    // --- pointer seal and open --------------------------------------------------------------
    let pointer = format!("https://fhir.hospital-a.example/fhir/Observation/{}/_history/1", "x".repeat(80));
    let pointer = &pointer[..128];
    let patient = Pseudonym([1; 32]);
    let custodian = OrgId::new("hospital-a")?;
    let rt = ResourceType::new("Observation")?;
    let digest = Digest::sha256(b"resource");
    let ctx = PointerContext { patient: &patient, custodian: &custodian, resource_type: &rt, digest: &digest, epoch: 1 };
    let dk_n = DataKey::from_bytes_with(native, &[9; 32])?;
    let dk_p = DataKey::from_bytes_with(portable, &[9; 32])?;
    let mut r1 = counter_rng();
    let mut r2 = counter_rng();
    let raw_gcm = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_256_GCM, &[9; 32]).map_err(|_| fhirbus::ErrorCode::Internal)?);
    let aad = [0u8; 100];
    let report = compare(
        "seal a 128-byte pointer (AES-256-GCM, fresh nonce, context bound)",
        None,
        vec![
            candidate("raw aws-lc-rs seal (100-byte aad)", || {
                let mut buf = pointer.as_bytes().to_vec();
                raw_gcm
                    .seal_in_place_append_tag(aead::Nonce::assume_unique_for_key([3; 12]), aead::Aad::from(&aad), &mut buf)
                    .map(|()| buf)
            }),
            candidate("fhirbus seal_pointer (aws-lc)", || dk_n.seal_pointer(&ctx, pointer, &mut r1)),
            candidate("fhirbus seal_pointer (rustcrypto)", || dk_p.seal_pointer(&ctx, pointer, &mut r2)),
        ],
    );
    if let Some(ns) = report.median("fhirbus seal_pointer (aws-lc)") {
        println!("  bar: seal under 300 ns: {ns:.0} ns {}", if ns < 300.0 { "MET" } else { "MISSED" });
    }
    let mut r3 = counter_rng();
    let sealed = dk_n.seal_pointer(&ctx, pointer, &mut r3)?;
    compare(
        "open a 128-byte pointer",
        None,
        vec![
            candidate("fhirbus open_pointer (aws-lc)", || dk_n.open_pointer(&ctx, &sealed)),
            candidate("fhirbus open_pointer (rustcrypto)", || dk_p.open_pointer(&ctx, &sealed)),
        ],
    );

    // --- key wrapping -----------------------------------------------------------------------
    let ek_n = EncryptionSecretKey::from_secret_with(native, &[5; 32])?;
    let ek_p = EncryptionSecretKey::from_secret_with(portable, &[5; 32])?;
    let wctx = WrapContext { patient: &patient, custodian: &custodian, epoch: 1 };
    let (mut r4, mut r5) = (counter_rng(), counter_rng());
    compare(
        "wrap a data key (HPKE P-256, HKDF-SHA256, AES-256-GCM)",
        None,
        vec![
            candidate("fhirbus wrap (aws-lc, composed HPKE)", || ek_n.public_key().wrap(&dk_n, &wctx, &mut r4)),
            candidate("fhirbus wrap (rustcrypto, hpke crate)", || ek_p.public_key().wrap(&dk_n, &wctx, &mut r5)),
        ],
    );
    let mut r6 = counter_rng();
    let wrapped = ek_n.public_key().wrap(&dk_n, &wctx, &mut r6)?;
    compare(
        "unwrap a data key",
        None,
        vec![
            candidate("fhirbus unwrap (aws-lc, composed HPKE)", || ek_n.unwrap(&wrapped, &wctx)),
            candidate("fhirbus unwrap (rustcrypto, hpke crate)", || ek_p.unwrap(&wrapped, &wctx)),
        ],
    );

    // --- canonical digest of FHIR resources ------------------------------------------------
    for target in [1_000usize, 10_000, 100_000] {
        let resource = synthetic_bundle(target);
        let report = compare(
            &format!("FHIR canonical digest, {} KB resource", resource.len() / 1000),
            Some(resource.len()),
            vec![
                candidate("SHA-256 of the raw bytes (no canonicalization)", || Digest::sha256(&resource)),
                candidate("fhirbus fhir_digest", || fhir_digest(&resource, FhirVariant::Full)),
                candidate("serde_json parse + to_vec + SHA-256 (not canonical)", || {
                    let v: serde_json::Value = serde_json::from_slice(&resource).unwrap_or_default();
                    Digest::sha256(&serde_json::to_vec(&v).unwrap_or_default())
                }),
            ],
        );
        if target == 100_000
            && let Some(ns) = report.median("fhirbus fhir_digest")
        {
            let mbs = resource.len() as f64 / ns * 1e3;
            println!("  bar: 100 KB digest at 150 MB/s or more: {mbs:.0} MB/s {}", if mbs >= 150.0 { "MET" } else { "MISSED" });
        }
    }
    Ok(())
}

/// A Bundle of Observations of about `target` bytes, pretty-printed as servers send them.
fn synthetic_bundle(target: usize) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut i = 0;
    loop {
        entries.push(serde_json::json!({
            "fullUrl": format!("urn:uuid:00000000-0000-0000-0000-{i:012}"),
            "resource": {
                "resourceType": "Observation",
                "id": format!("obs-{i}"),
                "meta": {"versionId": "1", "lastUpdated": "2026-11-24T10:00:00.000+00:00"},
                "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs", "display": "Vital Signs"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}], "text": "Heart rate"},
                "subject": {"reference": "Patient/example"},
                "effectiveDateTime": "2026-11-24T09:30:00+01:00",
                "valueQuantity": {"value": 72.50, "unit": "beats/minute", "system": "http://unitsofmeasure.org", "code": "/min"},
                "note": [{"text": "Patient résting; no distress ✓"}]
            }
        }));
        i += 1;
        let bundle = serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": entries});
        let text = serde_json::to_vec_pretty(&bundle).unwrap_or_default();
        if text.len() >= target {
            return text;
        }
    }
}

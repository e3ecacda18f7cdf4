//! Properties, checked with proptest: every encoding round-trips, canonical forms are fixed
//! points, any single changed byte of a signed record entry or of a sealed pointer (or of the
//! context it is bound to) is detected, and decoders never panic on arbitrary bytes.
//!
//! Case counts are kept modest so that the file runs in seconds in a debug build.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use proptest::prelude::*;

use fhirbus::backend::parse_p256_public;
use fhirbus::canonical::{self, FhirVariant};
use fhirbus::ids::{KeyId, OrgId, ResourceType};
use fhirbus::pointer::{DataKey, PointerContext, SealedPointer};
use fhirbus::pseudonym::Pseudonym;
use fhirbus::record::{NewRecordEntry, RecordEntry, SignedRecordEntry};
use fhirbus::signature::{Signature, SigningKey, VerifyingKey};
use fhirbus::{Digest, ErrorCode, Timestamp};

fn config(cases: u32) -> ProptestConfig {
    // No regression files in the source tree: a failure prints its minimal case.
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// A deterministic randomness source for nonces (the tests need repeatable runs, not secrecy).
fn counter_rng(seed: u64) -> impl FnMut(&mut [u8]) -> fhirbus::Result<()> {
    let mut state = seed;
    move |dest: &mut [u8]| {
        for b in dest.iter_mut() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            *b = (state >> 56) as u8;
        }
        Ok(())
    }
}

fn signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_secret(&[0x42; 32]).unwrap())
}

fn data_key() -> &'static DataKey {
    static KEY: OnceLock<DataKey> = OnceLock::new();
    KEY.get_or_init(|| DataKey::from_bytes(&[0x17; 32]).unwrap())
}

// ---- strategies ----

fn org_id() -> impl Strategy<Value = OrgId> {
    "[a-z0-9][a-z0-9._-]{0,30}".prop_map(|s| OrgId::new(&s).unwrap())
}

fn resource_type() -> impl Strategy<Value = ResourceType> {
    "[A-Z][A-Za-z]{0,30}".prop_map(|s| ResourceType::new(&s).unwrap())
}

/// P-256 scalars in 1..n-1, with small ones (short DER integers) well represented.
fn scalar() -> impl Strategy<Value = [u8; 32]> {
    const N: [u8; 32] = [
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6,
        0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
    ];
    prop_oneof![
        any::<[u8; 32]>(),
        (1usize..32, any::<[u8; 32]>()).prop_map(|(zeros, mut b)| {
            b[..zeros].fill(0);
            b
        }),
    ]
    .prop_filter("1 <= x < n", |b| *b != [0u8; 32] && *b < N)
}

#[derive(Debug, Clone)]
struct EntryInput {
    custodian: OrgId,
    patient: [u8; 32],
    resource_type: ResourceType,
    digest: [u8; 32],
    epoch: u32,
    /// Milliseconds up to 2^53 - 1: integers beyond are not exact in RFC 8785.
    time: u64,
    pointer: String,
    seed: u64,
}

fn entry_input() -> impl Strategy<Value = EntryInput> {
    (
        org_id(),
        any::<[u8; 32]>(),
        resource_type(),
        any::<[u8; 32]>(),
        any::<u32>(),
        0u64..(1u64 << 53),
        "\\PC{0,80}",
        any::<u64>(),
    )
        .prop_map(|(custodian, patient, resource_type, digest, epoch, time, pointer, seed)| EntryInput {
            custodian,
            patient,
            resource_type,
            digest,
            epoch,
            time,
            pointer,
            seed,
        })
}

fn sealed_entry(input: &EntryInput) -> RecordEntry {
    let new = NewRecordEntry {
        custodian: input.custodian.clone(),
        patient: Pseudonym(input.patient),
        resource_type: input.resource_type.clone(),
        digest: Digest(input.digest),
        epoch: input.epoch,
        time: Timestamp(input.time),
        pointer: &input.pointer,
    };
    RecordEntry::seal(new, data_key(), &mut counter_rng(input.seed)).unwrap()
}

/// A JSON value whose text form is chosen here, so that numbers keep their spelling and
/// strings their escapes.
#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    /// The number's text.
    Number(String),
    /// The decoded string, and whether to write it with \u escapes where it may.
    String(String, bool),
    Array(Vec<Json>),
    Object(BTreeMap<String, (bool, Json)>),
}

fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i32>().prop_map(|n| n.to_string()),
        (any::<i16>(), 0u32..10_000, 0usize..4).prop_map(|(i, f, zeros)| format!("{i}.{f}{}", "0".repeat(zeros))),
        (-9i32..10, 0u32..1000, -30i32..30, prop::bool::ANY)
            .prop_map(|(i, f, e, upper)| format!("{i}.{f}{}{e:+}", if upper { 'E' } else { 'e' })),
        Just("-0".to_string()),
        Just("0.000".to_string()),
    ]
}

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z]{0,8}", "\\PC{0,12}", "[\\u{0}-\\u{1f}\"\\\\/]{0,6}", "[\\u{10000}-\\u{10ffff}\\u{e000}-\\u{ffff}]{0,4}"]
}

fn json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number_text().prop_map(Json::Number),
        (json_string(), any::<bool>()).prop_map(|(s, e)| Json::String(s, e)),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::btree_map(json_string(), (any::<bool>(), inner), 0..6).prop_map(Json::Object),
        ]
    })
}

fn write_string(s: &str, escape_all: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || (escape_all && !c.is_ascii_alphanumeric()) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The value's text, with `ws` as the whitespace around every token.
fn write_json(v: &Json, ws: &str, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(n),
        Json::String(s, e) => write_string(s, *e, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                out.push_str(ws);
                write_json(item, ws, out);
                out.push_str(ws);
            }
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            // Reverse order, so the canonical form has something to sort.
            for (i, (k, (escape, value))) in members.iter().rev().enumerate() {
                out.push_str(if i > 0 { "," } else { "" });
                out.push_str(ws);
                write_string(k, *escape, out);
                out.push_str(ws);
                out.push(':');
                out.push_str(ws);
                write_json(value, ws, out);
                out.push_str(ws);
            }
            out.push('}');
        }
    }
}

fn text_of(v: &Json, ws: &str) -> String {
    let mut s = String::new();
    write_json(v, ws, &mut s);
    s
}

fn resource_text(v: &Json, ws: &str) -> String {
    format!("{{{ws}\"resourceType\"{ws}:{ws}\"Basic\",{ws}\"x\":{ws}{}{ws}}}", text_of(v, ws))
}

// ---- round trips ----

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn digest_hex_round_trips(bytes in any::<[u8; 32]>()) {
        let d = Digest(bytes);
        let hex = d.to_hex();
        prop_assert_eq!(hex.len(), 64);
        prop_assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        prop_assert_eq!(Digest::from_hex(&hex).unwrap(), d);
        prop_assert_eq!(Digest::from_hex(&hex.to_uppercase()).unwrap(), d);
        prop_assert_eq!(Digest::from_slice(d.as_bytes()).unwrap(), d);
        let wire = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(&wire, &format!("\"{hex}\""));
        prop_assert_eq!(serde_json::from_str::<Digest>(&wire).unwrap(), d);
        if hex.bytes().any(|b| b.is_ascii_alphabetic()) {
            // One digest, one encoding on the wire.
            prop_assert!(serde_json::from_str::<Digest>(&wire.to_uppercase()).is_err());
        }
    }

    #[test]
    fn key_id_hex_round_trips(bytes in any::<[u8; 32]>()) {
        let id = KeyId(bytes);
        let hex = id.to_hex();
        prop_assert_eq!(hex.len(), 64);
        prop_assert_eq!(&hex, &hex.to_lowercase());
        prop_assert_eq!(KeyId::from_hex(&hex).unwrap(), id);
        prop_assert_eq!(KeyId::from_hex(&hex.to_uppercase()).unwrap(), id);
        let wire = serde_json::to_string(&id).unwrap();
        prop_assert_eq!(serde_json::from_str::<KeyId>(&wire).unwrap(), id);
        if hex.bytes().any(|b| b.is_ascii_alphabetic()) {
            prop_assert!(serde_json::from_str::<KeyId>(&wire.to_uppercase()).is_err());
        }
    }

    #[test]
    fn pseudonym_text_round_trips(bytes in any::<[u8; 32]>()) {
        let p = Pseudonym(bytes);
        let text = p.to_text();
        prop_assert_eq!(text.len(), 43);
        prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        prop_assert_eq!(Pseudonym::from_text(&text).unwrap(), p);
        prop_assert_eq!(Pseudonym::from_slice(p.as_bytes()).unwrap(), p);
        let wire = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(&wire, &format!("\"{text}\""));
        prop_assert_eq!(serde_json::from_str::<Pseudonym>(&wire).unwrap(), p);
        // With padding, or in the other base64 alphabet, it is refused.
        let padded = format!("{text}=");
        prop_assert!(Pseudonym::from_text(&padded).is_err());
        if text.contains(['-', '_']) {
            prop_assert!(Pseudonym::from_text(&text.replace('-', "+").replace('_', "/")).is_err());
        }
    }

    #[test]
    fn signature_p1363_and_der_round_trip(r in scalar(), s in scalar(), kid in any::<[u8; 32]>()) {
        let mut fixed = [0u8; 64];
        fixed[..32].copy_from_slice(&r);
        fixed[32..].copy_from_slice(&s);
        let sig = Signature::from_bytes(KeyId(kid), &fixed).unwrap();
        prop_assert_eq!(sig.as_bytes(), &fixed);
        let der = sig.to_der().unwrap();
        prop_assert!((8..=72).contains(&der.len()));
        prop_assert_eq!(Signature::from_der(KeyId(kid), &der).unwrap(), sig.clone());
        if der.len() != 64 {
            // 64 bytes always mean P1363; any other length is DER.
            prop_assert_eq!(Signature::from_bytes(KeyId(kid), &der).unwrap(), sig.clone());
        }
        let wire = serde_json::to_string(&sig).unwrap();
        prop_assert_eq!(serde_json::from_str::<Signature>(&wire).unwrap(), sig);
    }

    #[test]
    fn jcs_is_a_fixed_point(v in json(), ws in "[ \t\r\n]{0,2}") {
        let text = text_of(&v, &ws);
        let once = canonical::jcs(text.as_bytes()).unwrap();
        prop_assert_eq!(canonical::jcs(&once).unwrap(), once.clone());
        // Whitespace is insignificant.
        prop_assert_eq!(canonical::jcs(text_of(&v, "").as_bytes()).unwrap(), once);
    }

    #[test]
    fn fhir_canonical_form_is_a_fixed_point(v in json(), ws in "[ \t\r\n]{1,2}") {
        let spaced = resource_text(&v, &ws);
        let tight = resource_text(&v, "");
        let once = canonical::fhir(spaced.as_bytes(), FhirVariant::Full).unwrap();
        prop_assert_eq!(canonical::fhir(&once, FhirVariant::Full).unwrap(), once.clone());
        prop_assert_eq!(canonical::fhir(tight.as_bytes(), FhirVariant::Full).unwrap(), once.clone());
        prop_assert_eq!(canonical::fhir_digest(spaced.as_bytes(), FhirVariant::Full).unwrap(), Digest::sha256(&once));
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn signed_record_entries_round_trip(input in entry_input()) {
        let signed = sealed_entry(&input).sign(signing_key()).unwrap();
        let encoded = signed.encode().unwrap();
        prop_assert!(encoded.len() <= fhirbus::record::MAX_ENCODED_LEN);
        // The encoding is already canonical.
        prop_assert_eq!(canonical::jcs(&encoded).unwrap(), encoded.clone());
        let decoded = SignedRecordEntry::decode(&encoded).unwrap();
        prop_assert_eq!(&decoded, &signed);
        prop_assert_eq!(decoded.encode().unwrap(), encoded);
        decoded.verify(signing_key().verifying_key()).unwrap();
        prop_assert_eq!(decoded.entry.open_pointer(data_key()).unwrap(), input.pointer);
    }

    #[test]
    fn any_changed_byte_of_a_signed_entry_is_detected(input in entry_input(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let signed = sealed_entry(&input).sign(signing_key()).unwrap();
        let mut bytes = signed.encode().unwrap();
        let i = at.index(bytes.len());
        bytes[i] ^= flip;
        if let Ok(decoded) = SignedRecordEntry::decode(&bytes) {
            let verified = decoded.verify(signing_key().verifying_key());
            prop_assert!(verified.is_err(), "byte {} ^ {:#04x} went unnoticed: {}", i, flip, String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn any_changed_byte_of_a_sealed_pointer_is_detected(input in entry_input(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let entry = sealed_entry(&input);
        let (nonce, ct) = (*entry.pointer.nonce(), entry.pointer.ciphertext().to_vec());
        let i = at.index(nonce.len() + ct.len());
        let (mut nonce2, mut ct2) = (nonce, ct.clone());
        if i < nonce.len() { nonce2[i] ^= flip } else { ct2[i - nonce.len()] ^= flip }
        let tampered = SealedPointer::from_parts(&nonce2, &ct2).unwrap();
        let err = data_key().open_pointer(&entry.pointer_context(), &tampered).unwrap_err();
        prop_assert_eq!(err.code(), ErrorCode::DecryptionFailed);
        // Dropping or adding a byte is detected too.
        if ct.len() > 16 {
            let shorter = SealedPointer::from_parts(&nonce, &ct[..ct.len() - 1]).unwrap();
            prop_assert!(data_key().open_pointer(&entry.pointer_context(), &shorter).is_err());
        }
    }

    #[test]
    fn a_pointer_opens_only_in_its_own_context(
        input in entry_input(),
        at in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        other_org in org_id(),
        other_type in resource_type(),
    ) {
        let entry = sealed_entry(&input);
        let ctx = entry.pointer_context();
        prop_assert_eq!(data_key().open_pointer(&ctx, &entry.pointer).unwrap(), input.pointer.clone());
        let mut patient = *entry.patient.as_bytes();
        patient[at.index(32)] ^= flip;
        let patient = Pseudonym(patient);
        let mut digest = entry.digest.0;
        digest[at.index(32)] ^= flip;
        let digest = Digest(digest);
        let mut contexts = vec![
            PointerContext { patient: &patient, ..ctx },
            PointerContext { digest: &digest, ..ctx },
            PointerContext { epoch: ctx.epoch ^ u32::from(flip), ..ctx },
        ];
        if other_org != entry.custodian { contexts.push(PointerContext { custodian: &other_org, ..ctx }); }
        if other_type != entry.resource_type { contexts.push(PointerContext { resource_type: &other_type, ..ctx }); }
        for other in contexts {
            let err = data_key().open_pointer(&other, &entry.pointer).unwrap_err();
            prop_assert_eq!(err.code(), ErrorCode::DecryptionFailed);
        }
        // Another data key does not open it either.
        let other_key = DataKey::from_bytes(&[0x18; 32]).unwrap();
        prop_assert!(other_key.open_pointer(&ctx, &entry.pointer).is_err());
    }
}

// ---- decoders never panic ----

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = SignedRecordEntry::decode(&bytes);
        let _ = canonical::jcs(&bytes);
        let _ = canonical::fhir_digest(&bytes, FhirVariant::Static);
        let _ = canonical::fhir_resource_type(&bytes);
        let _ = Signature::from_bytes(KeyId([0; 32]), &bytes);
        let _ = Signature::from_der(KeyId([0; 32]), &bytes);
        let _ = parse_p256_public(&bytes);
        let _ = VerifyingKey::from_sec1(&bytes);
        let _ = SealedPointer::from_parts(bytes.get(..12).unwrap_or(&[]), bytes.get(12..).unwrap_or(&[]));
        let text = String::from_utf8_lossy(&bytes);
        let _ = Pseudonym::from_text(&text);
        let _ = Digest::from_hex(&text);
        let _ = KeyId::from_hex(&text);
    }

    #[test]
    fn decoders_never_panic_on_json_like_text(text in "[{}\\[\\]\",:0-9a-z.eE+\\- \\\\u]{0,200}") {
        let _ = SignedRecordEntry::decode(text.as_bytes());
        let _ = canonical::jcs(text.as_bytes());
        let _ = canonical::fhir(text.as_bytes(), FhirVariant::Full);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Mutations of a real encoding reach further into the decoder than random bytes do.
    #[test]
    fn decode_never_panics_on_mutated_entries(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
    ) {
        static ENCODED: OnceLock<Vec<u8>> = OnceLock::new();
        let base = ENCODED.get_or_init(|| {
            let input = EntryInput {
                custodian: OrgId::new("hospital-a").unwrap(),
                patient: [3; 32],
                resource_type: ResourceType::new("Observation").unwrap(),
                digest: [4; 32],
                epoch: 1,
                time: 1_764_000_000_000,
                pointer: "https://fhir.example/Observation/1/_history/2".into(),
                seed: 1,
            };
            sealed_entry(&input).sign(signing_key()).unwrap().encode().unwrap()
        });
        let mut bytes = base.clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        if let Ok(decoded) = SignedRecordEntry::decode(&bytes) {
            let _ = decoded.verify(signing_key().verifying_key());
        }
    }
}

#[test]
fn times_beyond_2_pow_53_are_not_signed_ambiguously() {
    // RFC 8785 writes numbers as IEEE 754 doubles: 2^53 + 1 would be signed as 2^53. An entry
    // with such a time must be refused rather than share its signed bytes with another.
    let mut input = EntryInput {
        custodian: OrgId::new("hospital-a").unwrap(),
        patient: [3; 32],
        resource_type: ResourceType::new("Observation").unwrap(),
        digest: [4; 32],
        epoch: 1,
        time: (1 << 53) + 1,
        pointer: "p".into(),
        seed: 1,
    };
    let entry = sealed_entry(&input);
    assert_eq!(entry.canonical_bytes().unwrap_err().code(), ErrorCode::InvalidNumber);
    input.time = (1 << 53) - 1;
    let signed = sealed_entry(&input).sign(signing_key()).unwrap();
    let text = String::from_utf8(signed.encode().unwrap()).unwrap();
    assert!(text.contains("\"time\":9007199254740991"));
    // Moved beyond 2^53 by hand, the entry decodes but cannot verify.
    let moved = text.replace("\"time\":9007199254740991", "\"time\":9007199254740993");
    if let Ok(decoded) = SignedRecordEntry::decode(moved.as_bytes()) {
        assert!(decoded.verify(signing_key().verifying_key()).is_err());
    }
}

/// Exhaustively over one entry: every byte position, under flips that reach case (0x20),
/// ASCII neighbours and the high bit, is detected by decode or by verify.
#[test]
fn every_byte_of_one_signed_entry_is_guarded() {
    let input = EntryInput {
        custodian: OrgId::new("hospital-a").unwrap(),
        patient: [0xfa; 32],
        resource_type: ResourceType::new("Observation").unwrap(),
        digest: [0xab; 32],
        epoch: 12,
        time: 1_764_000_000_000,
        pointer: "https://fhir.example/Observation/1/_history/2".into(),
        seed: 3,
    };
    let encoded = sealed_entry(&input).sign(signing_key()).unwrap().encode().unwrap();
    let mut checked = 0;
    for i in 0..encoded.len() {
        for flip in [0x01u8, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff] {
            let mut bytes = encoded.clone();
            bytes[i] ^= flip;
            if let Ok(decoded) = SignedRecordEntry::decode(&bytes) {
                assert!(
                    decoded.verify(signing_key().verifying_key()).is_err(),
                    "byte {i} ^ {flip:#04x} went unnoticed: {}",
                    String::from_utf8_lossy(&bytes)
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 3000);
}

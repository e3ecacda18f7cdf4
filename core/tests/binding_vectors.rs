//! The shared test vectors of the binding layers: bindings/vectors/vectors.json.
//!
//! Every binding (C, Java, C#, JS, Kotlin, Python) runs this one file, so that all the layers
//! stay byte-compatible with core. It is generated here, from core, with fixed inputs:
//!
//! ```text
//! FHIRBUS_UPDATE_VECTORS=1 cargo test -p fhirbus --test binding_vectors   # (re)write it
//! cargo test -p fhirbus --test binding_vectors                            # check it is current
//! ```
//!
//! Without the variable the file is regenerated in memory and must equal the checked-in one,
//! so it never goes stale; the test then runs every vector through core's public API on every
//! backend, as a binding would. What each group means (all byte fields are lower-case hex;
//! `code` is a stable error code of `ErrorCode`, or null for success):
//!
//! * `jcs`: RFC 8785 canonicalization of `input` is `output`.
//! * `fhir_digest`: the FHIR canonical digest of `resource` under `variant` (0 full, 1 #data,
//!   2 #static) is `digest`.
//! * `canonical_errors`: both canonicalizations (RFC 8785, and FHIR with any variant) refuse
//!   `input` with `code`.
//! * `ecdsa`: a signature `sig` (64-byte r || s) that names `key_id`, checked with the key
//!   `public` over `msg` in signature domain `domain` (1 record entry ... 6 application),
//!   succeeds or fails with `code`.
//! * `pointer`: opening the sealed pointer (`nonce`, `ciphertext`) with `data_key` in the
//!   context (`patient` pseudonym bytes, `custodian`, `resource_type`, `digest`, `epoch`)
//!   gives `pointer`, or fails with `code`.
//! * `pseudonym`: the pseudonym of the national identifier (`system`, `value`) under `key`,
//!   as base64url text.
//! * `record_entry`: decoding `encoded` and verifying it with `custodian_public` succeeds or
//!   fails (at whichever step) with `code`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use fhirbus::backend::{Backend, BackendId, available_backends, backend};
use fhirbus::canonical::{self, FhirVariant};
use fhirbus::ids::{KeyId, OrgId, ResourceType};
use fhirbus::pointer::{DataKey, PointerContext, SealedPointer};
use fhirbus::pseudonym::{NationalId, Pseudonym, PseudonymKey};
use fhirbus::record::{NewRecordEntry, RecordEntry, SignedRecordEntry};
use fhirbus::signature::{Domain, Signature, SigningKey, VerifyingKey};
use fhirbus::{Digest, ErrorCode, Timestamp};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../bindings/vectors/vectors.json");
const JCS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors/jcs");
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-data/fhir-r4-examples");

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Vectors {
    version: u32,
    jcs: Vec<Jcs>,
    fhir_digest: Vec<FhirDigest>,
    canonical_errors: Vec<CanonicalError>,
    ecdsa: Vec<Ecdsa>,
    pointer: Vec<Pointer>,
    pseudonym: Vec<PseudonymVector>,
    record_entry: Vec<RecordVector>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Jcs {
    input: String,
    output: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct FhirDigest {
    resource: String,
    variant: u8,
    digest: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct CanonicalError {
    input: String,
    code: u32,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Ecdsa {
    public: String,
    key_id: String,
    domain: u8,
    msg: String,
    sig: String,
    code: Option<u32>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Pointer {
    data_key: String,
    patient: String,
    custodian: String,
    resource_type: String,
    digest: String,
    epoch: u32,
    nonce: String,
    ciphertext: String,
    pointer: Option<String>,
    code: Option<u32>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct PseudonymVector {
    key: String,
    system: String,
    value: String,
    pseudonym: String,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct RecordVector {
    encoded: String,
    custodian_public: String,
    code: Option<u32>,
}

/// The domains by the numbers the bindings pass.
const DOMAINS: [(u8, Domain); 6] = [
    (1, Domain::RecordEntry),
    (2, Domain::Transaction),
    (3, Domain::BlockHeader),
    (4, Domain::Consent),
    (5, Domain::AccessRequest),
    (6, Domain::Application),
];

/// P-256 group order, for the high-S twin of a signature.
const N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn rustcrypto() -> &'static dyn Backend {
    backend(BackendId::RustCrypto).unwrap()
}

/// The nonce source: a counter, so the file is the same on every run.
fn counter_rng(start: u8) -> impl FnMut(&mut [u8]) -> fhirbus::Result<()> {
    let mut next = start;
    move |dest: &mut [u8]| {
        for b in dest.iter_mut() {
            *b = next;
            next = next.wrapping_add(1);
        }
        Ok(())
    }
}

fn code(e: &fhirbus::Error) -> Option<u32> {
    Some(e.code().as_u32())
}

fn n_minus(s: &[u8]) -> [u8; 32] {
    let n = hex::decode(N).unwrap();
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = d.rem_euclid(256) as u8;
    }
    out
}

// ---- generation ----

fn jcs_vectors() -> Vec<Jcs> {
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut names: Vec<_> = fs::read_dir(Path::new(JCS_DIR).join("input"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let input = fs::read_to_string(Path::new(JCS_DIR).join("input").join(&name)).unwrap();
        inputs.push((input, String::new()));
    }
    for own in [
        r#"{"b":[1.00,-0,0.0,1E2,1e-7,123456789012345680000,5e-324],"a":"\u00e9\u0000\u001f\t"}"#,
        "{\"\u{e000}\":1,\"\u{1f600}\":2,\"\u{7f}\":3,\"Z\":4,\"z\":5}",
        r#" [ { } , [ ] , "" , true , false , null ] "#,
        r#"{"resourceType":"Observation","valueQuantity":{"value":1.00,"unit":"g"}}"#,
    ] {
        inputs.push((own.to_string(), String::new()));
    }
    inputs
        .into_iter()
        .map(|(input, _)| {
            let output = String::from_utf8(canonical::jcs(input.as_bytes()).unwrap()).unwrap();
            Jcs { input, output }
        })
        .collect()
}

fn fhir_vectors() -> Vec<FhirDigest> {
    let example = |name: &str| fs::read_to_string(Path::new(EXAMPLES).join(name)).unwrap();
    let decimal = example("Observation-decimal.json");
    let widened = decimal.replacen("\"value\": 1.0,", "\"value\": 1.00,", 1);
    assert_ne!(widened, decimal);
    let mut resources: Vec<(String, u8)> = vec![
        (r#"{"resourceType":"Observation","valueQuantity":{"value":1.0}}"#.into(), 0),
        (r#"{"resourceType":"Observation","valueQuantity":{"value":1.00}}"#.into(), 0),
        (r#"{ "valueQuantity" : { "value" : 1.0 } , "resourceType" : "Observation" }"#.into(), 0),
        (decimal, 0),
        (widened, 0),
    ];
    let patient = example("Patient-ch-example.json");
    for variant in 0..3 {
        resources.push((patient.clone(), variant));
    }
    let with_meta = r#"{"resourceType":"Patient","meta":{"versionId":"7"},"text":{"div":"<div>x</div>"},"active":true}"#;
    for variant in 0..3 {
        resources.push((with_meta.into(), variant));
    }
    resources
        .into_iter()
        .map(|(resource, variant)| {
            let digest = canonical::fhir_digest(resource.as_bytes(), FhirVariant::from_u8(variant).unwrap()).unwrap();
            FhirDigest { resource, variant, digest: digest.to_hex() }
        })
        .collect()
}

fn canonical_error_vectors() -> Vec<CanonicalError> {
    let too_deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
    let inputs: Vec<String> = vec![
        r#"{"resourceType":"Basic","a":1,"a":2}"#.into(),
        r#"{"resourceType":"Basic","a":1,"\u0061":2}"#.into(),
        r#"{"resourceType":"Basic","a":"\ud800"}"#.into(),
        r#"{"resourceType":"Basic","a":"\udc00\ud800"}"#.into(),
        r#"{"resourceType":"Basic","a":[1,2,]}"#.into(),
        r#"{"resourceType":"Basic","a":1,}"#.into(),
        r#"{"resourceType":"Basic","a":01}"#.into(),
        r#"{"resourceType":"Basic","a":1.}"#.into(),
        r#"{"resourceType":"Basic","a":'x'}"#.into(),
        r#"{"resourceType":"Basic"} {}"#.into(),
        "{\"resourceType\":\"Basic\",\"a\":\"tab\there\"}".into(),
        String::new(),
        too_deep,
    ];
    inputs
        .into_iter()
        .map(|input| {
            let jcs = canonical::jcs(input.as_bytes()).unwrap_err().code();
            for variant in [FhirVariant::Full, FhirVariant::Data, FhirVariant::Static] {
                let fhir = canonical::fhir_digest(input.as_bytes(), variant).unwrap_err().code();
                assert_eq!(jcs, fhir, "{input}: both forms refuse alike");
            }
            CanonicalError { input, code: jcs.as_u32() }
        })
        .collect()
}

fn ecdsa_vectors() -> Vec<Ecdsa> {
    let key = SigningKey::from_secret_with(rustcrypto(), &[0x21; 32]).unwrap();
    let other = SigningKey::from_secret_with(rustcrypto(), &[0x22; 32]).unwrap();
    let public = hex::encode(key.verifying_key().to_sec1());
    let kid = key.key_id().to_hex();
    let mut out = Vec::new();
    let mut push = |domain: u8, msg: &[u8], sig: &[u8], key_id: &str, code: Option<ErrorCode>| {
        out.push(Ecdsa {
            public: public.clone(),
            key_id: key_id.to_owned(),
            domain,
            msg: hex::encode(msg),
            sig: hex::encode(sig),
            code: code.map(ErrorCode::as_u32),
        });
    };
    let msg = br#"{"hello":"world"}"#;
    for (n, domain) in DOMAINS {
        let sig = key.sign(domain, msg).unwrap();
        push(n, msg, sig.as_bytes(), &kid, None);
    }
    let sig = *key.sign(Domain::RecordEntry, msg).unwrap().as_bytes();
    push(1, b"", key.sign(Domain::RecordEntry, b"").unwrap().as_bytes(), &kid, None);
    // Made for record entries, presented as a transaction.
    push(2, msg, &sig, &kid, Some(ErrorCode::BadSignature));
    let mut tampered = msg.to_vec();
    tampered[2] ^= 1;
    push(1, &tampered, &sig, &kid, Some(ErrorCode::BadSignature));
    let mut flipped = sig;
    flipped[10] ^= 0x01;
    push(1, msg, &flipped, &kid, Some(ErrorCode::BadSignature));
    // The same signature with S replaced by N - S: valid ECDSA, refused by policy.
    let mut high = sig;
    high[32..].copy_from_slice(&n_minus(&sig[32..]));
    push(1, msg, &high, &kid, Some(ErrorCode::HighSSignature));
    let mut zero_s = sig;
    zero_s[32..].fill(0);
    push(1, msg, &zero_s, &kid, Some(ErrorCode::InvalidSignatureEncoding));
    push(1, msg, &sig, &other.key_id().to_hex(), Some(ErrorCode::KeyIdMismatch));
    // The other key's own signature, naming it, checked with this key.
    let theirs = other.sign(Domain::RecordEntry, msg).unwrap();
    push(1, msg, theirs.as_bytes(), &other.key_id().to_hex(), Some(ErrorCode::KeyIdMismatch));
    out
}

fn pointer_vectors() -> Vec<Pointer> {
    let data_key_bytes = [0x33u8; 32];
    let data_key = DataKey::from_bytes_with(rustcrypto(), &data_key_bytes).unwrap();
    let patient = Pseudonym([0x44; 32]);
    let custodian = OrgId::new("hospital-a").unwrap();
    let resource_type = ResourceType::new("Observation").unwrap();
    let digest = Digest::sha256(b"the resource");
    let mut rng = counter_rng(1);
    let mut out = Vec::new();
    let urls = ["https://fhir.hospital-a.example/Observation/123/_history/4", "", "urn:uuid:é✓"];
    let ctx = PointerContext { patient: &patient, custodian: &custodian, resource_type: &resource_type, digest: &digest, epoch: 1 };
    let vector = |ctx: &PointerContext<'_>, sealed: &SealedPointer, pointer: Option<&str>, code: Option<ErrorCode>| Pointer {
        data_key: hex::encode(data_key_bytes),
        patient: hex::encode(ctx.patient.as_bytes()),
        custodian: ctx.custodian.as_str().to_owned(),
        resource_type: ctx.resource_type.as_str().to_owned(),
        digest: ctx.digest.to_hex(),
        epoch: ctx.epoch,
        nonce: hex::encode(sealed.nonce()),
        ciphertext: hex::encode(sealed.ciphertext()),
        pointer: pointer.map(str::to_owned),
        code: code.map(ErrorCode::as_u32),
    };
    for url in urls {
        let sealed = data_key.seal_pointer(&ctx, url, &mut rng).unwrap();
        out.push(vector(&ctx, &sealed, Some(url), None));
    }
    let sealed = data_key.seal_pointer(&ctx, urls[0], &mut rng).unwrap();
    out.push(vector(&ctx, &sealed, Some(urls[0]), None));
    let failed = Some(ErrorCode::DecryptionFailed);
    // Each context field changed in turn, then the nonce, the ciphertext and the tag.
    out.push(vector(&PointerContext { epoch: 2, ..ctx }, &sealed, None, failed));
    let other_patient = Pseudonym([0x45; 32]);
    out.push(vector(&PointerContext { patient: &other_patient, ..ctx }, &sealed, None, failed));
    let other_custodian = OrgId::new("hospital-b").unwrap();
    out.push(vector(&PointerContext { custodian: &other_custodian, ..ctx }, &sealed, None, failed));
    let other_type = ResourceType::new("Patient").unwrap();
    out.push(vector(&PointerContext { resource_type: &other_type, ..ctx }, &sealed, None, failed));
    let other_digest = Digest::sha256(b"another resource");
    out.push(vector(&PointerContext { digest: &other_digest, ..ctx }, &sealed, None, failed));
    let (nonce, ct) = (*sealed.nonce(), sealed.ciphertext().to_vec());
    let mut n2 = nonce;
    n2[0] ^= 1;
    out.push(vector(&ctx, &SealedPointer::from_parts(&n2, &ct).unwrap(), None, failed));
    for at in [0, ct.len() - 1] {
        let mut c2 = ct.clone();
        c2[at] ^= 0x80;
        out.push(vector(&ctx, &SealedPointer::from_parts(&nonce, &c2).unwrap(), None, failed));
    }
    out
}

fn pseudonym_vectors() -> Vec<PseudonymVector> {
    let cases: [([u8; 32], &str, &str); 5] = [
        ([0x55; 32], "urn:oid:2.16.840.1.113883.2.4.6.3", "123456782"),
        ([0x55; 32], "urn:oid:2.16.840.1.113883.2.4.6.3", " 1234-567.82 "),
        ([0x55; 32], "urn:oid:1.2.250.1.213.1.4.8", "1850775123456"),
        ([0x55; 32], "http://hl7.org/fhir/sid/us-ssn", "123-45-6789"),
        ([0x56; 32], "urn:oid:2.16.840.1.113883.2.4.6.3", "ab12/cd"),
    ];
    cases
        .into_iter()
        .map(|(key, system, value)| {
            let id = NationalId::new(system, value).unwrap();
            let p = PseudonymKey::from_bytes_with(rustcrypto(), &key).unwrap().pseudonym(&id);
            PseudonymVector { key: hex::encode(key), system: system.into(), value: value.into(), pseudonym: p.to_text() }
        })
        .collect()
}

fn record_vectors() -> Vec<RecordVector> {
    let custodian_key = SigningKey::from_secret_with(rustcrypto(), &[0x66; 32]).unwrap();
    let public = hex::encode(custodian_key.verifying_key().to_sec1());
    let data_key = DataKey::from_bytes_with(rustcrypto(), &[0x77; 32]).unwrap();
    let entry = |epoch: u32, rng_start: u8| {
        let new = NewRecordEntry {
            custodian: OrgId::new("hospital-a").unwrap(),
            patient: Pseudonym([0x88; 32]),
            resource_type: ResourceType::new("Observation").unwrap(),
            digest: Digest::sha256(b"{}"),
            epoch,
            time: Timestamp(1_764_000_000_000),
            pointer: "https://fhir.hospital-a.example/Observation/9/_history/1",
        };
        RecordEntry::seal(new, &data_key, &mut counter_rng(rng_start)).unwrap()
    };
    let signed = entry(1, 100).sign(&custodian_key).unwrap();
    let valid = String::from_utf8(signed.encode().unwrap()).unwrap();
    let mut out = Vec::new();
    let mut push = |encoded: String, code: Option<ErrorCode>| {
        out.push(RecordVector { encoded, custodian_public: public.clone(), code: code.map(ErrorCode::as_u32) });
    };
    push(valid.clone(), None);
    // Insignificant whitespace is allowed on input (the signature covers the canonical form).
    push(valid.replacen("{\"entry\":", "{ \"entry\" : ", 1), None);
    let replace = |from: &str, to: &str| {
        assert!(valid.contains(from), "{from}");
        valid.replacen(from, to, 1)
    };
    push(replace("\"v\":1}", "\"v\":1,\"x\":1}"), Some(ErrorCode::UnknownField));
    push(replace("\"v\":1}", "\"v\":2}"), Some(ErrorCode::UnsupportedVersion));
    push(replace("\"epoch\":1,", "\"epoch\":1,\"epoch\":1,"), Some(ErrorCode::DuplicateKey));
    push(replace("\"epoch\":1,", ""), Some(ErrorCode::MissingField));
    push(replace("\"epoch\":1,", "\"epoch\":2,"), Some(ErrorCode::BadSignature));
    // Another entry's signature on this one.
    let other_sig = serde_json::to_string(&entry(2, 100).sign(&custodian_key).unwrap().signature).unwrap();
    let own_sig = serde_json::to_string(&signed.signature).unwrap();
    push(replace(&own_sig, &other_sig), Some(ErrorCode::BadSignature));
    let other_kid = SigningKey::from_secret_with(rustcrypto(), &[0x67; 32]).unwrap().key_id().to_hex();
    push(replace(&signed.signature.key_id.to_hex(), &other_kid), Some(ErrorCode::KeyIdMismatch));
    push(valid[..valid.len() - 1].to_owned(), Some(ErrorCode::MalformedJson));
    push(format!("{valid}x"), Some(ErrorCode::MalformedJson));
    push(format!("{}{}", " ".repeat(fhirbus::record::MAX_ENCODED_LEN), valid), Some(ErrorCode::TooLarge));
    out
}

fn generate() -> Vectors {
    Vectors {
        version: 1,
        jcs: jcs_vectors(),
        fhir_digest: fhir_vectors(),
        canonical_errors: canonical_error_vectors(),
        ecdsa: ecdsa_vectors(),
        pointer: pointer_vectors(),
        pseudonym: pseudonym_vectors(),
        record_entry: record_vectors(),
    }
}

fn render(v: &Vectors) -> String {
    let mut text = serde_json::to_string_pretty(v).unwrap();
    text.push('\n');
    text
}

// ---- the reference consumer: what every binding does with the file ----

fn h(s: &str) -> Vec<u8> {
    assert_eq!(s, s.to_lowercase(), "hex is lower-case");
    hex::decode(s).unwrap()
}

fn err_code<T>(r: fhirbus::Result<T>) -> Option<u32> {
    r.err().as_ref().and_then(code)
}

fn run(v: &Vectors, backend: &'static dyn Backend) {
    assert_eq!(v.version, 1);
    for t in &v.jcs {
        assert_eq!(canonical::jcs(t.input.as_bytes()).unwrap(), t.output.as_bytes(), "{}", t.input);
    }
    for t in &v.fhir_digest {
        let variant = FhirVariant::from_u8(t.variant).unwrap();
        assert_eq!(canonical::fhir_digest(t.resource.as_bytes(), variant).unwrap().to_hex(), t.digest);
    }
    for t in &v.canonical_errors {
        assert_eq!(err_code(canonical::jcs(t.input.as_bytes())), Some(t.code), "{}", t.input);
        assert_eq!(err_code(canonical::fhir(t.input.as_bytes(), FhirVariant::Full)), Some(t.code), "{}", t.input);
    }
    for t in &v.ecdsa {
        let key = VerifyingKey::from_sec1_with(backend, &h(&t.public)).unwrap();
        let domain = Domain::from_u8(t.domain).unwrap();
        let sig = Signature::from_bytes(KeyId::from_hex(&t.key_id).unwrap(), &h(&t.sig)).unwrap();
        assert_eq!(err_code(key.verify(domain, &h(&t.msg), &sig)), t.code, "{t:?}");
        if t.code.is_none() {
            assert_eq!(key.key_id().to_hex(), t.key_id);
        }
    }
    for t in &v.pointer {
        let key = DataKey::from_bytes_with(backend, &h(&t.data_key)).unwrap();
        let patient = Pseudonym::from_slice(&h(&t.patient)).unwrap();
        let custodian = OrgId::new(&t.custodian).unwrap();
        let resource_type = ResourceType::new(&t.resource_type).unwrap();
        let digest = Digest::from_hex(&t.digest).unwrap();
        let ctx = PointerContext { patient: &patient, custodian: &custodian, resource_type: &resource_type, digest: &digest, epoch: t.epoch };
        let sealed = SealedPointer::from_parts(&h(&t.nonce), &h(&t.ciphertext)).unwrap();
        let got = key.open_pointer(&ctx, &sealed);
        assert_eq!(got.as_ref().ok(), t.pointer.as_ref(), "{t:?}");
        assert_eq!(err_code(got), t.code, "{t:?}");
    }
    for t in &v.pseudonym {
        let key = PseudonymKey::from_bytes_with(backend, &h(&t.key)).unwrap();
        assert_eq!(key.pseudonym(&NationalId::new(&t.system, &t.value).unwrap()).to_text(), t.pseudonym);
    }
    for t in &v.record_entry {
        let key = VerifyingKey::from_sec1_with(backend, &h(&t.custodian_public)).unwrap();
        let got = SignedRecordEntry::decode(t.encoded.as_bytes()).and_then(|e| e.verify(&key));
        assert_eq!(err_code(got), t.code, "{}", t.encoded);
    }
}

#[test]
fn vectors_file_is_current_and_passes_on_every_backend() {
    let generated = generate();
    let text = render(&generated);
    // Generation is deterministic (RFC 6979 signatures, counter nonces).
    assert_eq!(render(&generate()), text);
    if std::env::var_os("FHIRBUS_UPDATE_VECTORS").is_some_and(|v| v == "1") {
        fs::create_dir_all(Path::new(FILE).parent().unwrap()).unwrap();
        fs::write(FILE, &text).unwrap();
        println!("wrote {FILE}");
    }
    let on_disk = fs::read_to_string(FILE)
        .unwrap_or_else(|e| panic!("{FILE}: {e}; run FHIRBUS_UPDATE_VECTORS=1 cargo test -p fhirbus --test binding_vectors"));
    assert!(
        on_disk == text,
        "{FILE} is stale: run FHIRBUS_UPDATE_VECTORS=1 cargo test -p fhirbus --test binding_vectors"
    );
    let parsed: Vectors = serde_json::from_str(&on_disk).unwrap();
    assert_eq!(parsed, generated);
    for (name, n) in [
        ("jcs", parsed.jcs.len()),
        ("fhir_digest", parsed.fhir_digest.len()),
        ("canonical_errors", parsed.canonical_errors.len()),
        ("ecdsa", parsed.ecdsa.len()),
        ("pointer", parsed.pointer.len()),
        ("pseudonym", parsed.pseudonym.len()),
        ("record_entry", parsed.record_entry.len()),
    ] {
        assert!(n >= 5, "{name}: only {n} vectors");
    }
    for backend in available_backends() {
        run(&parsed, backend);
    }
}

/// The groups cover what they promise: each error code a binding must map appears.
#[test]
fn vectors_cover_the_error_codes() {
    let v = generate();
    let codes = |it: &mut dyn Iterator<Item = Option<u32>>| -> Vec<Option<u32>> {
        let mut c: Vec<_> = it.collect();
        c.sort();
        c.dedup();
        c
    };
    let n = |c: ErrorCode| Some(c.as_u32());
    assert_eq!(
        codes(&mut v.ecdsa.iter().map(|t| t.code)),
        vec![None, n(ErrorCode::InvalidSignatureEncoding), n(ErrorCode::BadSignature), n(ErrorCode::HighSSignature), n(ErrorCode::KeyIdMismatch)]
    );
    assert_eq!(codes(&mut v.pointer.iter().map(|t| t.code)), vec![None, n(ErrorCode::DecryptionFailed)]);
    assert_eq!(
        codes(&mut v.record_entry.iter().map(|t| t.code)),
        vec![
            None,
            n(ErrorCode::MalformedJson),
            n(ErrorCode::DuplicateKey),
            n(ErrorCode::TooLarge),
            n(ErrorCode::UnknownField),
            n(ErrorCode::UnsupportedVersion),
            n(ErrorCode::MissingField),
            n(ErrorCode::BadSignature),
            n(ErrorCode::KeyIdMismatch),
        ]
    );
    let canon = codes(&mut v.canonical_errors.iter().map(|t| Some(t.code)));
    for c in [ErrorCode::MalformedJson, ErrorCode::DuplicateKey, ErrorCode::InvalidText, ErrorCode::TooDeep] {
        assert!(canon.contains(&n(c)), "{c}");
    }
    // The 1.0 / 1.00 pair hashes apart.
    assert_ne!(v.fhir_digest[0].digest, v.fhir_digest[1].digest);
    assert_eq!(v.fhir_digest[0].digest, v.fhir_digest[2].digest);
}

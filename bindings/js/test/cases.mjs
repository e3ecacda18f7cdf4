// The test cases of the fhirbus WASM package, written once and run in two places: Node
// (test/node/api.test.mjs, node:test) and headless Chromium (test/browser/). They use only
// what both have (no node: modules), take the package's namespace as `fb`, and the parsed
// shared vectors (bindings/vectors/vectors.json) as `vectors`.
//
//   makeCases(fb, vectors, env) -> [{ name, fn }]   (fn may be async; it throws on failure)
//
// `env`: { Buffer?: Node's Buffer, packageVersion?: the version package.json declares,
//          hl7ConsentNotOrg: the text of HL7's R4 example Consent-consent-example-notOrg.json
//          (core/test-data/fhir-consent/r4/) }.

const enc = new TextEncoder();
const dec = new TextDecoder();
const utf8 = (s) => enc.encode(s);
const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => {
  if (s.length % 2 !== 0 || /[^0-9a-f]/.test(s)) throw new Error(`bad hex: ${s}`);
  return Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
};
const b64url = (u8) => {
  let bin = "";
  for (const b of u8) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};
const b64urlDecode = (s) => {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// P-256 group order.
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const toBig = (u8) => BigInt(`0x${hex(u8) || "0"}`);
const fromBig = (n, len) => unhex(n.toString(16).padStart(len * 2, "0"));

// The domain tags the core signs in front of a message (core/src/signature.rs).
const TAG = {
  1: "fhirbus/v1/record-entry\0",
  2: "fhirbus/v1/transaction\0",
  3: "fhirbus/v1/block-header\0",
  4: "fhirbus/v1/consent\0",
  5: "fhirbus/v1/access-request\0",
  6: "fhirbus/v1/application\0",
};
const APP = 6;

class AssertionError extends Error {}

function fail(msg) {
  throw new AssertionError(msg);
}

function show(v) {
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})[${hex(v.subarray(0, 40))}${v.length > 40 ? "..." : ""}]`;
  if (typeof v === "bigint") return `${v}n`;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

function eq(actual, expected, what = "value") {
  if (actual instanceof Uint8Array || expected instanceof Uint8Array) {
    if (!(actual instanceof Uint8Array) || !(expected instanceof Uint8Array)) {
      fail(`${what}: ${show(actual)} is not ${show(expected)}`);
    }
    if (actual.length !== expected.length || actual.some((b, i) => b !== expected[i])) {
      fail(`${what}: ${show(actual)} is not ${show(expected)}`);
    }
    return;
  }
  if (!Object.is(actual, expected)) fail(`${what}: ${show(actual)} is not ${show(expected)}`);
}

function ok(cond, what) {
  if (!cond) fail(what);
}

/** Checks that `fn()` throws a FhirbusError of `code` (a name such as "BAD_SIGNATURE" or a number). */
function throwsCode(fb, fn, code, what = "call") {
  let result;
  try {
    result = fn();
  } catch (e) {
    checkError(fb, e, code, what);
    return e;
  }
  fail(`${what}: returned ${show(result)}, expected to throw ${code}`);
}

function checkError(fb, e, code, what) {
  if (!(e instanceof Error)) fail(`${what}: threw a non-Error ${show(e)}`);
  if (e.name !== "FhirbusError") fail(`${what}: threw ${e.name}: ${e.message}, expected a FhirbusError ${code}`);
  ok(typeof e.code === "number" && typeof e.codeName === "string" && typeof e.detail === "string", `${what}: error fields`);
  eq(fb.errorCodeName(e.code), e.codeName, `${what}: codeName matches code`);
  ok(e.message.startsWith(`${e.codeName} (${e.code})`), `${what}: message starts with the code: ${e.message}`);
  const want = typeof code === "number" ? e.code : e.codeName;
  if (want !== code) fail(`${what}: threw ${e.message}, expected ${code}`);
}

export function makeCases(fb, vectors, env = {}) {
  const cases = [];
  const test = (name, fn) => cases.push({ name, fn });
  const throws = (fn, code, what) => throwsCode(fb, fn, code, what);

  const pointerContext = (over = {}) => ({
    patient: new Uint8Array(32).fill(0x44),
    custodian: "hospital-a",
    resourceType: "Observation",
    digest: fb.sha256(utf8("the resource")),
    epoch: 1,
    ...over,
  });
  const wrapContext = (over = {}) => ({ patient: new Uint8Array(32).fill(0x44), custodian: "hospital-a", epoch: 1, ...over });
  const fixedKey = (seed) => fb.SigningKey.fromSecret(new Uint8Array(32).fill(seed));
  const resource = utf8('{"resourceType":"Observation","status":"final","valueQuantity":{"value":1.00,"unit":"g"}}');

  function newEntry(over = {}) {
    const sk = "signingKey" in over ? over.signingKey : fixedKey(0x66);
    const dk = "dataKey" in over ? over.dataKey : fb.DataKey.fromBytes(new Uint8Array(32).fill(0x77));
    const encoded = fb.recordEntrySealAndSign(
      over.custodian ?? "hospital-a",
      over.patient ?? new Uint8Array(32).fill(0x88),
      over.resourceType ?? "Observation",
      over.digest ?? fb.fhirDigest(resource, 0),
      over.epoch ?? 3,
      over.timeMs ?? 1764000000000,
      over.pointerUrl ?? "https://fhir.hospital-a.example/Observation/9/_history/1",
      dk,
      sk,
    );
    return { sk, dk, encoded };
  }

  // ------------------------------------------------------------------------------------------
  // meta

  test("meta: version", () => {
    ok(/^\d+\.\d+\.\d+/.test(fb.version()), `version ${fb.version()}`);
    if (env.packageVersion) eq(fb.version(), env.packageVersion, "version() equals package.json's");
  });

  test("meta: error codes, names and descriptions", () => {
    const codes = Array.from(fb.errorCodes());
    ok(fb.errorCodes() instanceof Uint32Array, "errorCodes() is a Uint32Array");
    ok(codes.length >= 30, "at least 30 codes");
    for (let i = 1; i < codes.length; i++) ok(codes[i] > codes[i - 1], "sorted and unique");
    const names = new Set();
    for (const c of codes) {
      const name = fb.errorCodeName(c);
      ok(/^[A-Z][A-Z0-9_]*$/.test(name), `name of ${c}: ${name}`);
      names.add(name);
      eq(fb.errorCodeDescription(c), `${name} (${c})`, `description of ${c}`);
    }
    eq(names.size, codes.length, "names are unique");
    eq(fb.errorCodeName(203), "BAD_SIGNATURE");
    eq(fb.errorCodeName(901), "INVALID_HANDLE");
    for (const unknown of [0, 7, 1000, -203, 203.5, "203", null, undefined, NaN, 2 ** 40]) {
      eq(fb.errorCodeName(unknown), undefined, `name of ${show(unknown)}`);
      eq(fb.errorCodeDescription(unknown), undefined, `description of ${show(unknown)}`);
    }
  });

  // ------------------------------------------------------------------------------------------
  // canonical JSON and digests

  test("canonical: JCS normalizes numbers, FHIR keeps them as written", () => {
    const a = utf8('{ "resourceType":"Observation", "valueQuantity": {"value": 1.00} }');
    eq(dec.decode(fb.jcs(a)), '{"resourceType":"Observation","valueQuantity":{"value":1}}');
    eq(dec.decode(fb.fhirCanonical(a, 0)), '{"resourceType":"Observation","valueQuantity":{"value":1.00}}');
    eq(dec.decode(fb.jcs(utf8('{"b":2,"a":[true,null,"\\u00e9"]}'))), '{"a":[true,null,"é"],"b":2}');
  });

  test("canonical: FHIR variants leave out text and meta at the top only", () => {
    const r = utf8('{"resourceType":"Patient","text":{"div":"x"},"meta":{"versionId":"2"},"contact":[{"text":"kept"}]}');
    eq(dec.decode(fb.fhirCanonical(r, 1)), '{"contact":[{"text":"kept"}],"meta":{"versionId":"2"},"resourceType":"Patient"}');
    eq(dec.decode(fb.fhirCanonical(r, 2)), '{"contact":[{"text":"kept"}],"resourceType":"Patient"}');
    for (const v of [0, 1, 2]) eq(fb.fhirDigest(r, v), fb.sha256(fb.fhirCanonical(r, v)), `digest of variant ${v}`);
    throws(() => fb.fhirCanonical(r, 3), "INVALID_VALUE", "variant 3");
    throws(() => fb.fhirDigest(utf8('{"id":"1"}'), 0), "INVALID_VALUE", "no resourceType");
  });

  test("digest: SHA-256 test vectors (FIPS 180-2)", () => {
    eq(hex(fb.sha256(utf8("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    eq(hex(fb.sha256(new Uint8Array(0))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const million = new Uint8Array(1_000_000).fill(0x61);
    eq(hex(fb.sha256(million)), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  // ------------------------------------------------------------------------------------------
  // signatures

  test("signing: sign and verify in every domain; a signature never crosses domains", () => {
    const k = fb.SigningKey.generate();
    const msg = utf8('{"hello":"world"}');
    for (const d of [1, 2, 3, 4, 5, 6]) {
      const sig = k.sign(d, msg);
      eq(sig.length, 64, "signature length");
      fb.verify(k.publicKey(), d, msg, k.keyId(), sig);
      throws(() => fb.verify(k.publicKey(), (d % 6) + 1, msg, k.keyId(), sig), "BAD_SIGNATURE", `domain ${d} as another`);
    }
    for (const d of [0, 7, 255]) throws(() => k.sign(d, msg), "INVALID_VALUE", `domain ${d}`);
    k.free();
  });

  test("signing: keys from a secret are deterministic; lengths", () => {
    const secret = new Uint8Array(32).fill(0x21);
    const a = fb.SigningKey.fromSecret(secret);
    const b = fb.SigningKey.fromSecret(secret);
    eq(a.publicKey(), b.publicKey(), "public key");
    eq(a.keyId(), b.keyId(), "key id");
    eq(a.secretBytes(), secret, "secret bytes");
    eq(a.publicKey().length, 65, "public key length");
    eq(a.publicKey()[0], 4, "uncompressed SEC1");
    eq(a.keyId().length, 32, "key id length");
    // Same vector as core: the key of secret 0x21.. is the one in vectors.json's ecdsa group.
    if (vectors) eq(hex(a.publicKey()), vectors.ecdsa[0].public, "public key of the vectors' key");
    ok(hex(fb.SigningKey.generate().keyId()) !== hex(fb.SigningKey.generate().keyId()), "generated keys differ");
    a.free();
    b.free();
  });

  test("signing: backends", () => {
    fb.SigningKey.generate(2).free();
    fb.EncryptionKey.generate(2).free();
    throws(() => fb.SigningKey.generate(1), "BACKEND_UNAVAILABLE", "aws-lc in wasm");
    throws(() => fb.EncryptionKey.generate(1), "BACKEND_UNAVAILABLE", "aws-lc in wasm");
    throws(() => fb.SigningKey.generate(3), "INVALID_VALUE", "backend 3");
    throws(() => fb.SigningKey.generate("2"), "INVALID_VALUE", "backend as a string");
  });

  test("signing: tampering, other keys, high S, zero S", () => {
    const k = fixedKey(0x31);
    const other = fixedKey(0x32);
    const msg = utf8("the message");
    const sig = k.sign(APP, msg);
    throws(() => fb.verify(k.publicKey(), APP, utf8("the messagE"), k.keyId(), sig), "BAD_SIGNATURE", "tampered message");
    const flipped = sig.slice();
    flipped[5] ^= 1;
    throws(() => fb.verify(k.publicKey(), APP, msg, k.keyId(), flipped), "BAD_SIGNATURE", "tampered signature");
    throws(() => fb.verify(k.publicKey(), APP, msg, other.keyId(), sig), "KEY_ID_MISMATCH", "names another key");
    throws(() => fb.verify(other.publicKey(), APP, msg, k.keyId(), sig), "KEY_ID_MISMATCH", "checked with another key");
    const high = concat(sig.subarray(0, 32), fromBig(N - toBig(sig.subarray(32)), 32));
    throws(() => fb.verify(k.publicKey(), APP, msg, k.keyId(), high), "HIGH_S_SIGNATURE", "high S");
    const zero = concat(sig.subarray(0, 32), new Uint8Array(32));
    throws(() => fb.verify(k.publicKey(), APP, msg, k.keyId(), zero), "INVALID_SIGNATURE_ENCODING", "zero S");
    // A compressed SEC1 key is the same key.
    const pub = k.publicKey();
    const compressed = concat(Uint8Array.of(2 + (pub[64] & 1)), pub.subarray(1, 33));
    fb.verify(compressed, APP, msg, k.keyId(), sig);
  });

  test("signing: DER signatures", () => {
    const k = fixedKey(0x33);
    const msg = utf8("der");
    const sig = k.sign(APP, msg);
    const int = (u8) => {
      let i = 0;
      while (i < u8.length - 1 && u8[i] === 0) i++;
      let v = u8.subarray(i);
      if (v[0] & 0x80) v = concat(Uint8Array.of(0), v);
      return concat(Uint8Array.of(2, v.length), v);
    };
    const body = concat(int(sig.subarray(0, 32)), int(sig.subarray(32)));
    const der = concat(Uint8Array.of(0x30, body.length), body);
    eq(fb.signatureFromDer(der), sig, "DER to r || s");
    fb.verify(k.publicKey(), APP, msg, k.keyId(), der);
    throws(() => fb.signatureFromDer(der.subarray(0, der.length - 1)), "INVALID_SIGNATURE_ENCODING", "truncated DER");
    throws(() => fb.signatureFromDer(sig), "INVALID_SIGNATURE_ENCODING", "r || s is not DER");
    throws(() => fb.signatureFromDer(new Uint8Array(0)), "INVALID_SIGNATURE_ENCODING", "empty DER");
  });

  test("signing: interoperates with WebCrypto both ways", async () => {
    const subtle = globalThis.crypto?.subtle;
    ok(subtle, "crypto.subtle is available");
    const k = fb.SigningKey.generate();
    const msg = utf8("interop");
    const signed = concat(utf8(TAG[APP]), msg);
    const algo = { name: "ECDSA", namedCurve: "P-256" };
    const pub = await subtle.importKey("raw", k.publicKey(), algo, true, ["verify"]);
    ok(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pub, k.sign(APP, msg), signed), "WebCrypto verifies fhirbus's signature");
    const jwk = {
      kty: "EC",
      crv: "P-256",
      x: b64url(k.publicKey().subarray(1, 33)),
      y: b64url(k.publicKey().subarray(33)),
      d: b64url(k.secretBytes()),
    };
    const priv = await subtle.importKey("jwk", jwk, algo, false, ["sign"]);
    for (let i = 0; i < 8; i++) {
      const raw = new Uint8Array(await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, priv, signed));
      const s = toBig(raw.subarray(32));
      const low = s > N / 2n ? concat(raw.subarray(0, 32), fromBig(N - s, 32)) : raw;
      fb.verify(k.publicKey(), APP, msg, k.keyId(), low);
      if (s > N / 2n) throws(() => fb.verify(k.publicKey(), APP, msg, k.keyId(), raw), "HIGH_S_SIGNATURE", "WebCrypto's high S");
    }
    k.free();
  });

  // ------------------------------------------------------------------------------------------
  // pointers

  test("pointer: seal and open", () => {
    const dk = fb.DataKey.generate();
    const url = "https://fhir.hospital-a.example/Observation/123/_history/4?é✓";
    const ctx = pointerContext();
    const a = dk.sealPointer(ctx, url);
    const b = dk.sealPointer(ctx, url);
    eq(a.nonce.length, 12, "nonce length");
    eq(a.ciphertext.length, utf8(url).length + 16, "ciphertext length");
    ok(hex(a.nonce) !== hex(b.nonce), "fresh nonces");
    eq(dk.openPointer(ctx, a.nonce, a.ciphertext), url);
    eq(dk.openPointer(ctx, b.nonce, b.ciphertext), url);
    const copy = fb.DataKey.fromBytes(dk.toBytes());
    eq(copy.openPointer(ctx, a.nonce, a.ciphertext), url, "a key restored from its bytes");
    eq(dk.openPointer(ctx, ...Object.values(dk.sealPointer(ctx, ""))), "", "empty pointer");
    dk.free();
    copy.free();
  });

  test("pointer: another context, key, nonce or ciphertext does not open", () => {
    const dk = fb.DataKey.fromBytes(new Uint8Array(32).fill(0x33));
    const ctx = pointerContext();
    const s = dk.sealPointer(ctx, "https://x.example/Observation/1/_history/1");
    const changes = {
      patient: new Uint8Array(32).fill(0x45),
      custodian: "hospital-b",
      resourceType: "Patient",
      digest: fb.sha256(utf8("another")),
      epoch: 2,
    };
    for (const [field, value] of Object.entries(changes)) {
      throws(() => dk.openPointer(pointerContext({ [field]: value }), s.nonce, s.ciphertext), "DECRYPTION_FAILED", field);
    }
    const other = fb.DataKey.fromBytes(new Uint8Array(32).fill(0x34));
    throws(() => other.openPointer(ctx, s.nonce, s.ciphertext), "DECRYPTION_FAILED", "other key");
    const n = s.nonce.slice();
    n[0] ^= 1;
    throws(() => dk.openPointer(ctx, n, s.ciphertext), "DECRYPTION_FAILED", "nonce");
    for (const at of [0, s.ciphertext.length - 1]) {
      const c = s.ciphertext.slice();
      c[at] ^= 0x80;
      throws(() => dk.openPointer(ctx, s.nonce, c), "DECRYPTION_FAILED", `ciphertext byte ${at}`);
    }
  });

  test("pointer: lengths and limits", () => {
    const dk = fb.DataKey.generate();
    const ctx = pointerContext();
    throws(() => fb.DataKey.fromBytes(new Uint8Array(31)), "INVALID_LENGTH", "31-byte key");
    throws(() => fb.DataKey.fromBytes(new Uint8Array(33)), "INVALID_LENGTH", "33-byte key");
    eq(dk.sealPointer(ctx, "x".repeat(2048)).ciphertext.length, 2064, "2048-byte pointer");
    throws(() => dk.sealPointer(ctx, "x".repeat(2049)), "TOO_LARGE", "2049-byte pointer");
    throws(() => dk.openPointer(ctx, new Uint8Array(11), new Uint8Array(16)), "INVALID_LENGTH", "11-byte nonce");
    throws(() => dk.openPointer(ctx, new Uint8Array(12), new Uint8Array(15)), "INVALID_LENGTH", "15-byte ciphertext");
    throws(() => dk.openPointer(ctx, new Uint8Array(12), new Uint8Array(2065)), "INVALID_LENGTH", "2065-byte ciphertext");
    throws(() => dk.sealPointer(pointerContext({ patient: new Uint8Array(31) }), "x"), "INVALID_LENGTH", "31-byte patient");
    throws(() => dk.sealPointer(pointerContext({ digest: new Uint8Array(33) }), "x"), "INVALID_LENGTH", "33-byte digest");
    throws(() => dk.sealPointer(pointerContext({ custodian: "Hospital" }), "x"), "INVALID_VALUE", "custodian");
    throws(() => dk.sealPointer(pointerContext({ resourceType: "obs" }), "x"), "INVALID_VALUE", "resource type");
    dk.free();
  });

  // ------------------------------------------------------------------------------------------
  // key wrapping

  test("wrap: wrap and unwrap a data key", () => {
    const ek = fb.EncryptionKey.generate();
    const dk = fb.DataKey.generate();
    const ctx = wrapContext();
    const w = fb.wrap(ek.publicKey(), dk, ctx);
    eq(w.keyId, ek.keyId(), "recipient key id");
    eq(w.enc.length, 65, "enc length");
    eq(w.ciphertext.length, 48, "ciphertext length");
    const unwrapped = ek.unwrap(ctx, w.keyId, w.enc, w.ciphertext);
    eq(unwrapped.toBytes(), dk.toBytes(), "the same data key");
    const p = dk.sealPointer(pointerContext(), "https://x.example/Patient/1/_history/2");
    eq(unwrapped.openPointer(pointerContext(), p.nonce, p.ciphertext), "https://x.example/Patient/1/_history/2");
    const again = fb.wrap(ek.publicKey(), dk, ctx);
    ok(hex(again.enc) !== hex(w.enc), "fresh encapsulation");
    for (const h of [ek, dk, unwrapped]) h.free();
  });

  test("wrap: another context or recipient does not unwrap", () => {
    const ek = fb.EncryptionKey.fromSecret(new Uint8Array(32).fill(0x51));
    const other = fb.EncryptionKey.fromSecret(new Uint8Array(32).fill(0x52));
    const dk = fb.DataKey.generate();
    const w = fb.wrap(ek.publicKey(), dk, wrapContext());
    for (const over of [{ epoch: 2 }, { custodian: "hospital-b" }, { patient: new Uint8Array(32).fill(0x45) }]) {
      throws(() => ek.unwrap(wrapContext(over), w.keyId, w.enc, w.ciphertext), "DECRYPTION_FAILED", JSON.stringify(Object.keys(over)));
    }
    throws(() => other.unwrap(wrapContext(), w.keyId, w.enc, w.ciphertext), "KEY_ID_MISMATCH", "other recipient");
    const c = w.ciphertext.slice();
    c[47] ^= 1;
    throws(() => ek.unwrap(wrapContext(), w.keyId, w.enc, c), "DECRYPTION_FAILED", "tampered ciphertext");
    throws(() => ek.unwrap(wrapContext(), w.keyId, w.enc.subarray(0, 64), w.ciphertext), "INVALID_LENGTH", "64-byte enc");
    throws(() => ek.unwrap(wrapContext(), w.keyId, w.enc, w.ciphertext.subarray(0, 47)), "INVALID_LENGTH", "47-byte ciphertext");
    throws(() => ek.unwrap(wrapContext(), w.keyId.subarray(1), w.enc, w.ciphertext), "INVALID_LENGTH", "31-byte key id");
    throws(() => fb.wrap(new Uint8Array(65).fill(4), dk, wrapContext()), "INVALID_PUBLIC_KEY", "not a point");
  });

  test("wrap: encryption keys from a secret; ids differ from signing ids", () => {
    const secret = new Uint8Array(32).fill(0x53);
    const ek = fb.EncryptionKey.fromSecret(secret);
    const sk = fb.SigningKey.fromSecret(secret);
    eq(ek.secretBytes(), secret, "secret");
    eq(ek.publicKey(), sk.publicKey(), "one point");
    ok(hex(ek.keyId()) !== hex(sk.keyId()), "the purposes give two ids");
    eq(fb.EncryptionKey.fromSecret(secret).keyId(), ek.keyId(), "deterministic id");
    throws(() => fb.EncryptionKey.fromSecret(new Uint8Array(32)), "INVALID_SECRET_KEY", "zero scalar");
    throws(() => fb.EncryptionKey.fromSecret(new Uint8Array(32).fill(0xff)), "INVALID_SECRET_KEY", "scalar above the order");
  });

  // ------------------------------------------------------------------------------------------
  // pseudonyms

  test("pseudonym: spellings of one identifier give one pseudonym", () => {
    const key = fb.PseudonymKey.fromBytes(new Uint8Array(32).fill(7));
    const system = "urn:oid:2.16.840.1.113883.2.4.6.3";
    const a = key.pseudonym(system, "123-45-678a");
    eq(a.length, 32, "length");
    eq(key.pseudonym(` ${system} `, " 12345 678A "), a, "normalized");
    ok(hex(key.pseudonym("urn:oid:1.2.3", "12345678A")) !== hex(a), "another system");
    ok(hex(fb.PseudonymKey.fromBytes(new Uint8Array(32).fill(8)).pseudonym(system, "12345678A")) !== hex(a), "another key");
    eq(fb.PseudonymKey.fromBytes(key.toBytes()).pseudonym(system, "12345678A"), a, "key restored from bytes");
    const g = fb.PseudonymKey.generate();
    eq(g.toBytes().length, 32, "generated key length");
    g.free();
  });

  test("pseudonym: bad identifiers are refused without showing them", () => {
    const key = fb.PseudonymKey.generate();
    const e = throws(() => key.pseudonym("urn:oid:1.2.3", "98765*4321"), "INVALID_VALUE", "bad value");
    ok(!e.message.includes("98765") && !e.detail.includes("98765"), "the identifier stays out of the error");
    throws(() => key.pseudonym("", "1"), "INVALID_VALUE", "empty system");
    throws(() => key.pseudonym("urn:x", ""), "INVALID_VALUE", "empty value");
    throws(() => key.pseudonym("urn:x", "1".repeat(65)), "INVALID_VALUE", "65 digits");
    throws(() => fb.PseudonymKey.fromBytes(new Uint8Array(16)), "INVALID_LENGTH", "16-byte key");
  });

  // ------------------------------------------------------------------------------------------
  // record entries

  test("record: seal and sign, decode, read, verify, open, check", () => {
    const { sk, dk, encoded } = newEntry();
    const e = fb.RecordEntry.decode(encoded);
    eq(e.custodian, "hospital-a", "custodian");
    eq(e.patient, new Uint8Array(32).fill(0x88), "patient");
    eq(e.resourceType, "Observation", "resource type");
    eq(e.digest, fb.fhirDigest(resource, 0), "digest");
    eq(e.epoch, 3, "epoch");
    eq(e.timeMs, 1764000000000n, "time");
    eq(e.keyId, sk.keyId(), "key id");
    e.verify(sk.publicKey());
    eq(e.openPointer(dk), "https://fhir.hospital-a.example/Observation/9/_history/1", "pointer");
    e.checkResource(resource);
    e.checkResource(utf8(' { "valueQuantity" : {"unit":"g","value":1.00}, "status":"final", "resourceType":"Observation" } '));
    eq(e.encode(), encoded, "encode gives the canonical bytes back");
    const text = dec.decode(encoded);
    ok(text.startsWith('{"entry":{"custodian":"hospital-a",'), `canonical JSON: ${text.slice(0, 60)}`);
    ok(!text.includes("hospital-a.example"), "the pointer is not in clear");
    e.free();
  });

  test("record: wrong key, data key or resource", () => {
    const { encoded } = newEntry();
    const e = fb.RecordEntry.decode(encoded);
    throws(() => e.verify(fixedKey(0x67).publicKey()), "KEY_ID_MISMATCH", "another custodian key");
    throws(() => e.openPointer(fb.DataKey.fromBytes(new Uint8Array(32).fill(0x78))), "DECRYPTION_FAILED", "another data key");
    throws(() => e.checkResource(utf8('{"resourceType":"Observation","status":"final","valueQuantity":{"value":1.0,"unit":"g"}}')), "DIGEST_MISMATCH", "1.0 is not 1.00");
    throws(() => e.checkResource(utf8("{}")), "INVALID_VALUE", "not a resource");
    // Another entry (another epoch) under the same signature: the signature no longer holds.
    const other = dec.decode(newEntry({ epoch: 4 }).encoded);
    const forged = dec.decode(encoded).replace(/"sig":\{.*\}\}$/, other.match(/"sig":\{.*\}\}$/)[0]);
    ok(forged !== dec.decode(encoded), "forgery differs");
    throws(() => fb.RecordEntry.decode(utf8(forged)).verify(fixedKey(0x66).publicKey()), "BAD_SIGNATURE", "another entry's signature");
  });

  test("record: times as numbers and bigints", () => {
    const a = fb.RecordEntry.decode(newEntry({ timeMs: 5 }).encoded);
    eq(a.timeMs, 5n, "number in");
    const b = fb.RecordEntry.decode(newEntry({ timeMs: 2n ** 53n - 1n }).encoded);
    eq(b.timeMs, 2n ** 53n - 1n, "bigint in");
    throws(() => newEntry({ timeMs: 2 ** 53 }), "INVALID_VALUE", "unsafe integer number");
    throws(() => newEntry({ timeMs: -1 }), "INVALID_VALUE", "negative");
    throws(() => newEntry({ timeMs: -1n }), "INVALID_VALUE", "negative bigint");
    throws(() => newEntry({ timeMs: 2n ** 64n }), "INVALID_VALUE", "bigint beyond u64");
    throws(() => newEntry({ timeMs: "5" }), "INVALID_VALUE", "string");
    throws(() => newEntry({ epoch: 2 ** 32 }), "INVALID_VALUE", "epoch beyond u32");
    eq(fb.RecordEntry.decode(newEntry({ epoch: 2 ** 32 - 1 }).encoded).epoch, 2 ** 32 - 1, "largest epoch");
  });

  test("record: strict decoding", () => {
    const { encoded } = newEntry();
    const text = dec.decode(encoded);
    throws(() => fb.RecordEntry.decode(encoded.subarray(0, encoded.length - 1)), "MALFORMED_JSON", "truncated");
    throws(() => fb.RecordEntry.decode(new Uint8Array(0)), "MALFORMED_JSON", "empty");
    throws(() => fb.RecordEntry.decode(utf8(text.replace('"v":1}', '"v":1,"x":1}'))), "UNKNOWN_FIELD", "unknown field");
    throws(() => fb.RecordEntry.decode(utf8(text.replace('"v":1}', '"v":2}'))), "UNSUPPORTED_VERSION", "version 2");
    throws(() => fb.RecordEntry.decode(utf8(" ".repeat(8192) + text)), "TOO_LARGE", "over 8 KiB");
    throws(() => fb.RecordEntry.decode(concat(encoded.subarray(0, 20), Uint8Array.of(0xff), encoded.subarray(20))), "INVALID_TEXT", "invalid UTF-8");
  });

  // ------------------------------------------------------------------------------------------
  // key sets

  test("keys: rotation keeps old signatures; revocation refuses later claims only", () => {
    const k1 = fixedKey(1);
    const k2 = fixedKey(2);
    const ks = new fb.KeySet();
    eq(ks.rotate(1, k1.publicKey(), 10), k1.keyId(), "rotate returns the key id");
    const old = k1.sign(APP, utf8("m"));
    eq(ks.rotate(1, k2.publicKey(), 20n), k2.keyId(), "second key");
    ks.verify(APP, utf8("m"), k1.keyId(), old, 15);
    ks.verify(APP, utf8("m"), k1.keyId(), old, 25n);
    throws(() => ks.verify(APP, utf8("m"), k1.keyId(), old, 9), "KEY_NOT_YET_VALID", "before it was added");
    throws(() => ks.verify(APP, utf8("n"), k1.keyId(), old, 15), "BAD_SIGNATURE", "another message");
    ks.revoke(k1.keyId(), 100);
    ks.verify(APP, utf8("m"), k1.keyId(), old, 99);
    throws(() => ks.verify(APP, utf8("m"), k1.keyId(), old, 100), "KEY_REVOKED", "at revocation");
    throws(() => ks.verify(APP, utf8("m"), k1.keyId(), old, 101), "KEY_REVOKED", "after revocation");
    ks.free();
  });

  test("keys: unknown, duplicate and wrong-purpose keys", () => {
    const k = fixedKey(4);
    const ks = new fb.KeySet();
    eq(ks.add(1, k.publicKey(), 1), k.keyId(), "add returns the key id");
    throws(() => ks.add(1, k.publicKey(), 2), "DUPLICATE_KEY_ID", "twice");
    const other = fixedKey(5);
    throws(() => ks.verify(APP, utf8("m"), other.keyId(), other.sign(APP, utf8("m")), 3), "UNKNOWN_KEY", "unknown key");
    throws(() => ks.revoke(other.keyId(), 3), "UNKNOWN_KEY", "revoke unknown");
    const ek = fb.EncryptionKey.fromSecret(new Uint8Array(32).fill(6));
    eq(ks.add(2, ek.publicKey(), 1), ek.keyId(), "encryption key id");
    throws(() => ks.verify(APP, utf8("m"), ek.keyId(), k.sign(APP, utf8("m")), 3), "WRONG_KEY_PURPOSE", "an encryption key cannot verify");
    for (const p of [0, 3, 255]) throws(() => ks.add(p, k.publicKey(), 1), "INVALID_VALUE", `purpose ${p}`);
    throws(() => ks.add(1, new Uint8Array(65), 1), "INVALID_PUBLIC_KEY", "not a point");
    ks.free();
  });

  test("keys: promotion, and a record entry checked against its custodian's key set", () => {
    const [k1, k2] = [fixedKey(7), fixedKey(8)];
    const ks = new fb.KeySet();
    ks.rotate(1, k1.publicKey(), 10);
    ks.rotate(1, k2.publicKey(), 20);
    ks.promote(k1.keyId());
    ks.revoke(k1.keyId(), 100);
    throws(() => ks.promote(k1.keyId()), "KEY_REVOKED", "a revoked key cannot become primary");
    ks.promote(k2.keyId());
    throws(() => ks.promote(fixedKey(9).keyId()), "UNKNOWN_KEY", "an unknown key");
    throws(() => ks.promote(new Uint8Array(31)), "INVALID_LENGTH", "a 31-byte key id");
    const at = 1764000000000;
    const dk = fb.DataKey.generate();
    const url = "https://fhir.hospital-a.example/Observation/o-1/_history/1";
    const entry = fb.RecordEntry.decode(fb.recordEntrySealAndSign("hospital-a", new Uint8Array(32).fill(1), "Observation", fb.fhirDigest(resource, 0), 1, at, url, dk, k2));
    entry.verifyWithKeySet(ks);
    const empty = new fb.KeySet();
    throws(() => entry.verifyWithKeySet(empty), "UNKNOWN_KEY", "a key set without the custodian's key");
    ks.revoke(k2.keyId(), at);
    throws(() => entry.verifyWithKeySet(ks), "KEY_REVOKED", "revoked at the time the entry claims");
    for (const h of [entry, dk, empty, ks]) h.free();
  });

  // ------------------------------------------------------------------------------------------
  // consent, ledger and access (issues 4, 5, 6)

  const T0 = 1764000000000;
  const CHAIN = "js-net";
  const NATIONAL_ID = "123456782";
  const b64 = (u8) => b64url(u8);
  const json = (u8) => JSON.parse(dec.decode(u8));
  const randomNonce = () => b64(crypto.getRandomValues(new Uint8Array(16)));
  const sortedKeys = (v) =>
    Array.isArray(v)
      ? v.map(sortedKeys)
      : v && typeof v === "object"
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys(v[k])]))
        : typeof v === "bigint"
          ? `${v}n`
          : v;
  const sameJson = (a, b, what) => eq(JSON.stringify(sortedKeys(a)), JSON.stringify(sortedKeys(b)), what);
  const consentCoding = (system, code) => ({ coding: [{ system, code }] });
  const ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

  /** A small FHIR R4 Consent: `id` permits `org` for TREAT, except (deny) the `except` classes. */
  function fhirConsent({ id = "c-1", org = "hospital-b", purpose = "TREAT", except = [], period } = {}) {
    const provision = {
      actor: [
        {
          role: consentCoding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PRCP"),
          reference: { reference: `Organization/${org}` },
        },
      ],
      purpose: [{ system: ACT_REASON, code: purpose }],
    };
    if (period) provision.period = period;
    if (except.length) {
      provision.provision = [{ type: "deny", class: except.map((code) => ({ system: "http://hl7.org/fhir/resource-types", code })) }];
    }
    return {
      resourceType: "Consent",
      id,
      status: "active",
      scope: consentCoding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy"),
      category: [consentCoding("http://loinc.org", "59284-0")],
      patient: { reference: "Patient/p-1", display: "the host's own patient reference" },
      dateTime: "2025-11-24",
      policyRule: consentCoding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
      provision,
    };
  }
  const importConsent = (doc, patient, version = 4) => fb.Consent.fromFhir(utf8(JSON.stringify(doc)), version, patient);

  /**
   * A network of three members (hospital-a, hospital-b, registry) and four validators, every
   * key generated through the API; a patient with its own keys. `tx(time, body)` is an unsigned
   * transaction (JSON bytes); `produce(time)` makes a block and keeps it.
   */
  function ledgerWorld() {
    const orgs = {};
    for (const id of ["hospital-a", "hospital-b", "registry"]) {
      orgs[id] = { sign: fb.SigningKey.generate(), enc: fb.EncryptionKey.generate() };
    }
    const validators = [0, 1, 2, 3].map(() => fb.SigningKey.generate());
    const genesisDoc = {
      chain: CHAIN,
      time: T0,
      members: Object.entries(orgs).map(([org, k]) => ({
        org,
        name: `${org} (test)`,
        signingKey: b64(k.sign.publicKey()),
        encryptionKey: b64(k.enc.publicKey()),
      })),
      council: Object.keys(orgs),
      validators: validators.map((v) => b64(v.publicKey())),
      policy: { allowEmergencyAccess: true, maxTxAgeMs: 600000, maxClockSkewMs: 60000 },
    };
    const genesis = utf8(JSON.stringify(genesisDoc));
    const net = new fb.EmbeddedNetwork(genesis, validators);
    const patient = fb.PseudonymKey.generate().pseudonym("urn:oid:2.16.840.1.113883.2.4.6.3", NATIONAL_ID);
    const patientKeys = { sign: fb.SigningKey.generate(), enc: fb.EncryptionKey.generate() };
    const blocks = [];
    const w = {
      orgs,
      validators,
      genesisDoc,
      genesis,
      net,
      patient,
      patientKeys,
      blocks,
      tx: (time, body) => utf8(JSON.stringify({ v: 1, chain: CHAIN, time, nonce: randomNonce(), body })),
      produce(time) {
        const block = net.produceBlock(time);
        blocks.push(block);
        return block;
      },
      state: () => net.state(),
      enrol(time) {
        const body = {
          type: "enrol_patient",
          by: "hospital-a",
          patient: b64(patient),
          signing_key: b64(patientKeys.sign.publicKey()),
          encryption_key: b64(patientKeys.enc.publicKey()),
        };
        return net.submit(fb.transactionSign(w.tx(time, body), [orgs["hospital-a"].sign]), time);
      },
      /** Hospital A registers an Observation and shares its data key with `shareTo`. */
      register(time, { shareTo = ["hospital-b"] } = {}) {
        const dataKey = fb.DataKey.generate();
        const url = "https://fhir.hospital-a.example/Observation/o-1/_history/1";
        const entry = fb.recordEntrySealAndSign("hospital-a", patient, "Observation", fb.fhirDigest(resource, 0), 1, time, url, dataKey, orgs["hospital-a"].sign);
        const txId = net.submit(fb.transactionRegisterRecord(CHAIN, entry), time);
        for (const recipient of shareTo) {
          const wrapped = fb.wrap(orgs[recipient].enc.publicKey(), dataKey, { patient, custodian: "hospital-a", epoch: 1 });
          const body = {
            type: "share_data_key",
            custodian: "hospital-a",
            patient: b64(patient),
            epoch: 1,
            recipient,
            wrapped: { kid: hex(wrapped.keyId), enc: b64(wrapped.enc), ct: b64(wrapped.ciphertext) },
          };
          net.submit(fb.transactionSign(w.tx(time + 1, body), [orgs["hospital-a"].sign]), time + 1);
        }
        dataKey.free();
        return { entry, url, txId };
      },
      /** The GrantConsent transaction of a consent handle: its canonical encoding as the body's consent. */
      grantTx(consent, time, signers = [patientKeys.sign]) {
        const text = `{"v":1,"chain":"${CHAIN}","time":${time},"nonce":"${randomNonce()}","body":{"type":"grant_consent","consent":${dec.decode(consent.encode())}}}`;
        return fb.transactionSign(utf8(text), signers);
      },
      revokeTx(id, time) {
        return fb.transactionSign(w.tx(time, { type: "revoke_consent", patient: b64(patient), consent_id: id }), [patientKeys.sign]);
      },
    };
    return w;
  }

  test("consent: FHIR R4 import, canonical encoding, export, id and patient", () => {
    const patient = new Uint8Array(32).fill(0x71);
    const c = importConsent(fhirConsent({ except: ["Condition"] }), patient);
    eq(c.id, "c-1", "id");
    eq(c.patient, patient, "patient");
    const encoded = c.encode();
    eq(
      dec.decode(encoded),
      `{"id":"c-1","patient":"${b64(patient)}","root":{"effect":"permit","grantee":["hospital-b"],"provisions":[{"classes":["Condition"],"effect":"deny"}],"purposes":["TREAT"]},"v":1}`,
      "canonical encoding",
    );
    eq(fb.jcs(encoded), encoded, "the encoding is RFC 8785");
    const again = fb.Consent.decode(encoded);
    eq(again.encode(), encoded, "decode then encode");
    const r4 = c.toFhir(4);
    eq(r4.resourceType, "Consent", "an object");
    eq(r4.id, "c-1", "exported id");
    eq(r4.patient.identifier.value, b64(patient), "exported under the pseudonym");
    ok(!JSON.stringify(r4).includes("Patient/p-1"), "the host's patient reference is not carried");
    eq(importConsent(r4, patient).encode(), encoded, "export then import is the same consent");
    // R5 says the same with alternating provisions: another tree, the same decisions.
    const r5 = c.toFhir(5);
    ok(r5.resourceType === "Consent" && typeof r5.decision === "string", "an R5 Consent");
    const viaR5 = importConsent(r5, patient, 5);
    for (const type of ["Observation", "Condition"]) {
      const [x, y] = [c, viaR5].map((h) => fb.decide([h], "hospital-b", patient, "TREAT", type, T0, false, T0).permit);
      eq(x, y, `the R5 form decides ${type} alike`);
    }
    viaR5.free();
    throws(() => c.toFhir(3), "INVALID_VALUE", "FHIR version 3");
    throws(() => c.toFhir("4"), "INVALID_VALUE", "a version as a string");
    throws(() => fb.Consent.fromFhir(utf8(JSON.stringify(fhirConsent())), 6, patient), "INVALID_VALUE", "FHIR version 6");
    throws(() => fb.Consent.fromFhir(utf8(JSON.stringify(fhirConsent())), 4, patient.subarray(1)), "INVALID_LENGTH", "31-byte patient");
    for (const h of [c, again]) h.free();
  });

  test("consent: what the model cannot represent is refused, naming the element", () => {
    const patient = new Uint8Array(32).fill(0x72);
    const labelled = fhirConsent();
    labelled.provision.securityLabel = [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: "R" }];
    const e = throws(() => importConsent(labelled, patient), "CONSENT_UNSUPPORTED_ELEMENT", "a security label");
    ok(e.detail.startsWith("Consent.provision.securityLabel:"), `names the element: ${e.detail}`);
    const practitioner = fhirConsent();
    practitioner.provision.actor[0].reference.reference = "Practitioner/dr-who";
    const e2 = throws(() => importConsent(practitioner, patient), "CONSENT_UNSUPPORTED_ELEMENT", "a practitioner");
    ok(!e2.message.includes("dr-who"), "the value is not quoted");
    const nested = fhirConsent({ except: ["Condition"] });
    delete nested.provision.provision[0].type;
    throws(() => importConsent(nested, patient), "CONSENT_INVALID", "a nested R4 provision without a type");
    throws(() => importConsent({ ...fhirConsent(), status: "draft" }, patient), "CONSENT_UNSUPPORTED_ELEMENT", "a draft");
    throws(() => importConsent(fhirConsent(), patient, 5), "CONSENT_UNSUPPORTED_ELEMENT", "R4 read as R5");
    throws(() => importConsent({ resourceType: "Patient" }, patient), "CONSENT_INVALID", "not a Consent");
  });

  test("consent: decide on Consent handles", () => {
    const patient = new Uint8Array(32).fill(0x73);
    const other = new Uint8Array(32).fill(0x74);
    const grant = importConsent(fhirConsent({ except: ["Condition"] }), patient);
    const d = fb.decide([grant], "hospital-b", patient, "TREAT", "Observation", T0, false, T0 + 1);
    sameJson(d, {
      permit: true,
      basis: "consent",
      consent: "c-1",
      path: [],
      obligations: { audit: true, notifyPatient: false },
      explanation: d.explanation,
    }, "a permit by the root");
    ok(typeof d.explanation === "string" && d.explanation.includes("c-1"), `explained: ${d.explanation}`);
    const nested = fb.decide([grant], "hospital-b", patient, "TREAT", "Condition", T0, false, T0 + 1);
    eq(nested.permit, false, "the nested deny wins for Condition");
    eq(JSON.stringify(nested.path), "[0]", "decided by root/0");
    const stranger = fb.decide([grant], "hospital-c", patient, "TREAT", "Observation", T0, false, T0 + 1);
    eq(stranger.basis, "networkDefault", "not granted: the network's default");
    eq(stranger.permit, false, "default deny");
    ok(!("consent" in stranger) && !("path" in stranger), "no consent, no path");
    // Emergency purposes: a grant for TREAT covers ETREAT; otherwise the network's policy.
    const covered = fb.decide([grant], "hospital-b", patient, "ETREAT", "Observation", T0, false, T0 + 1);
    eq(covered.basis, "consent", "ETREAT is a kind of TREAT");
    eq(covered.obligations.notifyPatient, true, "an emergency permit notifies the patient");
    const glass = fb.decide([grant], "hospital-c", patient, "ETREAT", "Observation", T0, true, T0 + 1);
    sameJson([glass.permit, glass.basis, glass.obligations], [true, "emergencyPolicy", { audit: true, notifyPatient: true }], "break the glass");
    eq(fb.decide([grant], "hospital-c", patient, "ETREAT", "Observation", T0, false, T0 + 1).permit, false, "no emergency policy");
    eq(fb.decide([grant], "hospital-b", other, "TREAT", "Observation", T0, false, T0 + 1).basis, "networkDefault", "another patient's request");
    eq(fb.decide([], "hospital-b", patient, "TREAT", "Observation", T0, false, T0 + 1).permit, false, "no consents");
    // A patient's restriction wins over another consent's grant, whatever the order.
    const restriction = importConsent({ ...fhirConsent({ id: "no-b" }), policyRule: consentCoding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTOUT") }, patient);
    const ab = fb.decide([grant, restriction], "hospital-b", patient, "TREAT", "Observation", T0, true, T0 + 1);
    const ba = fb.decide([restriction, grant], "hospital-b", patient, "TREAT", "Observation", T0, true, T0 + 1);
    sameJson(ab, ba, "the order of the consents does not matter");
    eq(ab.permit, false, "the restriction wins");
    eq(ab.consent, "no-b", "named");
    // Validity: the consent's period, checked against now.
    const dated = importConsent(fhirConsent({ id: "dated", period: { start: "2025-01-01", end: "2025-12-31" } }), patient);
    eq(fb.decide([dated], "hospital-b", patient, "TREAT", "Observation", T0, false, T0).permit, true, "within its period");
    eq(fb.decide([dated], "hospital-b", patient, "TREAT", "Observation", T0, false, Date.UTC(2026, 0, 2)).permit, false, "after its period");
    eq(fb.decide([dated, dated], "hospital-b", patient, "TREAT", "Observation", 0n, false, BigInt(T0)).permit, true, "bigints; one handle twice");
    // The handles are lent, not given: they still work after decide.
    eq(grant.id, "c-1", "a handle passed to decide is still usable");
    eq(restriction.encode().length > 0, true, "so is the other");
    for (const h of [grant, restriction, dated]) h.free();
  });

  test("consent: an HL7 example (R4 consent-example-notOrg) imports and decides", () => {
    const example = env.hl7ConsentNotOrg;
    ok(typeof example === "string" && example.includes('"consent-example-notOrg"'), "the test has core/test-data/fhir-consent/r4/Consent-consent-example-notOrg.json");
    const patient = new Uint8Array(32).fill(0x75);
    const notOrg = fb.Consent.fromFhir(utf8(example), 4, patient);
    eq(notOrg.id, "consent-example-notOrg", "id");
    const doc = json(notOrg.encode());
    eq(doc.root.effect, "deny", "the typed root is the base decision (deny)");
    eq(JSON.stringify(doc.root.grantee), '["f001"]', "for Organization/f001");
    const everyone = importConsent({ ...fhirConsent({ id: "all" }), provision: {} }, patient);
    const now = Date.UTC(2020, 0, 1);
    const f001 = fb.decide([everyone, notOrg], "f001", patient, "TREAT", "Observation", now, false, now);
    sameJson([f001.permit, f001.consent, f001.path], [false, "consent-example-notOrg", []], "f001 is kept out");
    eq(fb.decide([everyone, notOrg], "f002", patient, "TREAT", "Observation", now, false, now).permit, true, "f002 is let in");
    // Exported as R4 by the letter: no root type, OPTOUT policy rule.
    const r4 = notOrg.toFhir(4);
    ok(r4.provision && !("type" in r4.provision), "no root type");
    eq(r4.policyRule.coding[0].code, "OPTOUT", "policy rule");
    throws(() => notOrg.toFhir(5), "CONSENT_UNSUPPORTED_ELEMENT", "R5 cannot say it");
    notOrg.free();
    everyone.free();
  });

  test("ledger: genesis of three members and four validators; the embedded network's first blocks", () => {
    const w = ledgerWorld();
    const s0 = w.state();
    eq(s0.height, 0n, "genesis height");
    eq(s0.chain, CHAIN, "chain");
    eq(s0.stateRoot.length, 32, "state root");
    eq(s0.lastHash, fb.sha256(fb.jcs(w.genesis)), "block 1 links to the genesis hash");
    const member = s0.member("hospital-b");
    eq(member.org, "hospital-b", "member view");
    eq(member.keys.length, 2, "signing and encryption keys");
    eq(member.keys[0].keyId, hex(w.orgs["hospital-b"].sign.keyId()), "signing key id");
    eq(s0.member("nobody"), null, "an unknown member");
    const txId = w.enrol(T0 + 1000);
    eq(txId.length, 32, "a transaction id");
    const block = w.produce(T0 + 2000);
    const doc = json(block);
    eq(doc.header.height, 1, "block height");
    eq(doc.header.prev, hex(s0.lastHash), "prev");
    eq(doc.qc.length, 4, "signed by every validator");
    eq(doc.txs.length, 1, "one transaction");
    const s1 = w.state();
    eq(s1.height, 1n, "height 1");
    eq(hex(s1.stateRoot), doc.header.state_root, "the header commits to the state");
    eq(s0.height, 0n, "a snapshot does not move");
    const events = s1.audit(w.patient);
    eq(events.length, 1, "one event");
    sameJson([events[0].action, events[0].actor, events[0].patient, events[0].tx], ["patient_enrolled", "hospital-a", b64(w.patient), hex(txId)], "the enrolment event");
    // An empty block is a block too; time never goes back (the last block's time is kept).
    const empty = json(w.produce(T0 + 1500));
    sameJson([empty.header.height, empty.header.time, empty.txs.length], [2, T0 + 2000, 0], "an empty block");
    // A quorum (3 of 4) runs a network; fewer, or a stranger, do not.
    const net3 = new fb.EmbeddedNetwork(w.genesis, w.validators.slice(1));
    eq(json(net3.produceBlock(T0 + 10)).qc.length, 3, "three validators sign");
    throws(() => new fb.EmbeddedNetwork(w.genesis, w.validators.slice(2)), "UNKNOWN_KEY", "two of four");
    throws(() => new fb.EmbeddedNetwork(w.genesis, [...w.validators.slice(1), fb.SigningKey.generate()]), "UNKNOWN_KEY", "a stranger");
    for (const h of [s0, s1, net3, w.net]) h.free();
  });

  test("ledger: the keys and epochs a custodian wraps and seals under, read off the ledger", () => {
    const w = ledgerWorld();
    const s0 = w.state();
    eq(s0.memberPrimaryKey("hospital-b", "encryption"), w.orgs["hospital-b"].enc.publicKey(), "B's primary encryption key");
    eq(s0.memberPrimaryKey("hospital-a", "signing"), w.orgs["hospital-a"].sign.publicKey(), "A's primary signing key");
    throws(() => s0.memberPrimaryKey("nobody", "signing"), "INVALID_VALUE", "no such member");
    throws(() => s0.memberPrimaryKey("hospital-b", "Encryption"), "INVALID_VALUE", "a purpose by its code only");
    eq(s0.dataKeyEpoch(w.patient, "hospital-a"), 1, "epoch 1 before any rotation");
    throws(() => s0.dataKeyEpoch(w.patient.subarray(1), "hospital-a"), "INVALID_LENGTH", "a 31-byte pseudonym");
    throws(() => s0.dataKeyEpoch(w.patient, "Hospital A"), "INVALID_VALUE", "not an organisation id");
    w.enrol(T0 + 1000);
    const rotate = { type: "rotate_data_key_epoch", custodian: "hospital-a", patient: b64(w.patient), epoch: 2 };
    w.net.submit(fb.transactionSign(w.tx(T0 + 1001, rotate), [w.orgs["hospital-a"].sign]), T0 + 1001);
    w.produce(T0 + 2000);
    const s1 = w.state();
    eq(s1.dataKeyEpoch(w.patient, "hospital-a"), 2, "epoch 2 after the rotation");
    eq(s1.dataKeyEpoch(w.patient, "hospital-b"), 1, "another custodian's epoch unchanged");
    s0.free();
    s1.free();
  });

  test("flow: enrol, register, grant, share, request, open, check, revoke, deny, break the glass, audit, prove, replicate", () => {
    const w = ledgerWorld();
    const A = w.orgs["hospital-a"];
    const B = w.orgs["hospital-b"];
    w.enrol(T0 + 1000);
    w.produce(T0 + 2000);
    const { entry, url } = w.register(T0 + 3000);
    w.produce(T0 + 4000);

    let st = w.state();
    const records = st.records(w.patient);
    eq(records.length, 1, "one record");
    const entryId = unhex(records[0].id);
    eq(records[0].id, hex(fb.sha256(fb.jcs(utf8(JSON.stringify(records[0].entry.entry))))), "the id is the SHA-256 of the entry's canonical bytes");
    eq(dec.decode(fb.jcs(utf8(JSON.stringify(records[0].entry)))), dec.decode(entry), "the signed entry as registered");
    ok(!("supersededBy" in records[0]), "current");
    // Before any consent: denied by the network's default, nothing visible.
    const before = fb.requestAccess(st, "hospital-b", B.sign, entryId, "TREAT", T0 + 4500);
    sameJson([before.decision.permit, before.decision.basis], [false, "networkDefault"], "no consent yet");
    eq(st.visibleRecords("hospital-b", w.patient, "TREAT", T0 + 4500).length, 0, "nothing visible");

    // The patient grants: FHIR R4 in, canonical encoding into the GrantConsent transaction.
    const consent = importConsent(fhirConsent(), w.patient);
    throws(() => w.net.submit(w.grantTx(consent, T0 + 5000, [A.sign]), T0 + 5000), "UNKNOWN_KEY", "a consent signed by a hospital");
    w.net.submit(w.grantTx(consent, T0 + 5000), T0 + 5000);
    w.produce(T0 + 6000);
    st.free();
    st = w.state();
    sameJson(st.consents(w.patient), [json(consent.encode())], "the ledger holds the consent as granted");
    const visible = st.visibleRecords("hospital-b", w.patient, "TREAT", T0 + 6500);
    eq(visible.length, 1, "now visible");
    sameJson([visible[0].record.id, visible[0].decision.consent], [hex(entryId), "c-1"], "with its decision");

    // B asks (permit), records the request, opens the pointer, fetches and checks.
    const req = fb.requestAccess(st, "hospital-b", B.sign, entryId, "TREAT", T0 + 7000);
    sameJson([req.decision.permit, req.decision.basis, req.decision.consent], [true, "consent", "c-1"], "permitted by c-1");
    throws(() => fb.custodianRelease(st, "hospital-a", req.tx, T0 + 7000), "NOT_ON_LEDGER", "not yet on the ledger");
    const reqId = w.net.submit(req.tx, T0 + 7000);
    w.produce(T0 + 8000);
    st.free();
    st = w.state();
    const release = fb.custodianRelease(st, "hospital-a", req.tx, T0 + 8500);
    sameJson(release, { entry: hex(entryId), requester: "hospital-b", emergency: false, obligations: { audit: true, notifyPatient: false } }, "A releases");
    throws(() => fb.custodianRelease(st, "hospital-b", req.tx, T0 + 8500), "INVALID_VALUE", "only the custodian releases");
    eq(fb.openPointer(st, "hospital-b", B.enc, entryId), url, "B opens the pointer");
    throws(() => fb.openPointer(st, "registry", w.orgs.registry.enc, entryId), "NO_DATA_KEY_SHARE", "no key was shared to the registry");
    throws(() => fb.openPointer(st, "hospital-b", w.orgs.registry.enc, entryId), "KEY_ID_MISMATCH", "B's share, another key");
    fb.checkFetched(st, entryId, resource);
    throws(() => fb.checkFetched(st, entryId, utf8('{"resourceType":"Observation","status":"final","valueQuantity":{"value":1.0,"unit":"g"}}')), "DIGEST_MISMATCH", "a tampered resource");
    throws(() => fb.checkFetched(st, fb.sha256(utf8("no such entry")), resource), "INVALID_VALUE", "an unknown entry");

    // The patient revokes: the committed request releases nothing now, a new one is denied.
    w.net.submit(w.revokeTx("c-1", T0 + 9000), T0 + 9000);
    w.produce(T0 + 10000);
    st.free();
    st = w.state();
    eq(st.consents(w.patient)[0].revokedAt, T0 + 9000, "revoked at");
    eq(st.visibleRecords("hospital-b", w.patient, "TREAT", T0 + 10500).length, 0, "no longer visible");
    throws(() => fb.custodianRelease(st, "hospital-a", req.tx, T0 + 10500), "ACCESS_DENIED", "the earlier request after revocation");
    const denied = fb.requestAccess(st, "hospital-b", B.sign, entryId, "TREAT", T0 + 11000);
    sameJson([denied.decision.permit, denied.decision.basis], [false, "networkDefault"], "denied");
    w.net.submit(denied.tx, T0 + 11000);
    w.produce(T0 + 12000);
    st.free();
    st = w.state();
    throws(() => fb.custodianRelease(st, "hospital-a", denied.tx, T0 + 12500), "ACCESS_DENIED", "recorded as denied");

    // Break the glass: ETREAT under the network's emergency policy, with its obligations.
    const glass = fb.requestAccess(st, "hospital-b", B.sign, entryId, "ETREAT", T0 + 13000);
    sameJson(glass.decision.obligations, { audit: true, notifyPatient: true }, "audit and notify");
    sameJson([glass.decision.permit, glass.decision.basis], [true, "emergencyPolicy"], "permitted by the policy");
    const glassId = w.net.submit(glass.tx, T0 + 13000);
    w.produce(T0 + 14000);
    st.free();
    st = w.state();
    const emergency = fb.custodianRelease(st, "hospital-a", glass.tx, T0 + 14500);
    sameJson([emergency.emergency, emergency.obligations.notifyPatient], [true, true], "an emergency release");

    // The patient's audit trail, as JSON and as a FHIR Bundle.
    const trail = st.audit(w.patient);
    eq(
      trail.map((e) => e.action).join(" "),
      "patient_enrolled record_registered data_key_shared consent_granted access_decided consent_revoked access_decided access_decided",
      "every event, in order",
    );
    const accesses = trail.filter((e) => e.action === "access_decided");
    sameJson(accesses.map((e) => [e.purpose, e.permitted, e.emergency, e.actor]), [["TREAT", true, false, "hospital-b"], ["TREAT", false, false, "hospital-b"], ["ETREAT", true, true, "hospital-b"]], "who asked for what, decided how");
    eq(accesses[0].tx, hex(reqId), "the request's id");
    eq(accesses[2].tx, hex(glassId), "the emergency request's id");
    eq(st.orgActions("hospital-b").filter((e) => e.action === "access_decided").length, 3, "B's own actions");
    const bundle = st.auditFhir(w.patient);
    sameJson([bundle.resourceType, bundle.type, bundle.entry.length], ["Bundle", "collection", trail.length], "a FHIR Bundle");
    const last = bundle.entry[bundle.entry.length - 1].resource;
    eq(last.resourceType, "AuditEvent", "of AuditEvents");
    ok(last.subtype.some((c) => c.code === "110127"), "Emergency Override Started (DICOM 110127)");
    eq(last.purposeOfEvent[0].coding[0].code, "ETREAT", "purpose of event");
    ok(!JSON.stringify(bundle).includes(NATIONAL_ID) && !JSON.stringify(trail).includes(NATIONAL_ID), "no national identifier in the trail");

    // A light client: only a trusted header's state root, the proof and the value.
    const header = json(w.blocks[w.blocks.length - 1]).header;
    const root = unhex(header.state_root);
    eq(st.stateRoot, root, "the state is the last header's");
    for (const [kind, id] of [["record", hex(entryId)], ["consent", `${b64(w.patient)}/c-1`], ["patient", b64(w.patient)], ["member", "hospital-b"]]) {
      const p = st.prove(kind, id);
      eq(p.root, header.state_root, `${kind}: proved against the root`);
      ok(typeof p.value === "string", `${kind}: present`);
      const proofBytes = utf8(JSON.stringify(p.proof));
      fb.verifyProof(root, proofBytes, unhex(p.value));
      throws(() => fb.verifyProof(root, proofBytes, null), "INVALID_VALUE", `${kind}: an absence names its item`);
      if (kind !== "record") throws(() => fb.verifyAbsence(root, kind, id, proofBytes), "BAD_SIGNATURE", `${kind}: not absent`);
      throws(() => fb.verifyProof(root, proofBytes, fb.sha256(utf8("another value"))), "BAD_SIGNATURE", `${kind}: another value`);
      throws(() => fb.verifyProof(fb.sha256(utf8("another root")), proofBytes, unhex(p.value)), "BAD_SIGNATURE", `${kind}: another root`);
    }
    const consentValue = st.prove("consent", `${b64(w.patient)}/c-1`).value;
    eq(consentValue, hex(fb.sha256(fb.jcs(utf8(JSON.stringify(st.consents(w.patient)[0]))))), "a consent's value is the SHA-256 of its encoding");
    // A member never admitted is shown absent; an entry never registered has no proof
    // (entries are committed in registration order, not by id).
    const absent = st.prove("member", "never-admitted");
    ok(!("value" in absent), "an absent item has no value");
    const absentBytes = utf8(JSON.stringify(absent.proof));
    fb.verifyAbsence(root, "member", "never-admitted", absentBytes);
    throws(() => fb.verifyAbsence(root, "member", "hospital-b", absentBytes), "BAD_SIGNATURE", "a proof of another item's absence");
    throws(() => fb.verifyAbsence(root, "record", hex(entryId), absentBytes), "INVALID_VALUE", "a record entry's absence has no proof");
    throws(() => fb.verifyAbsence(root, "member", "never-admitted", absentBytes.subarray(1)), "MALFORMED_JSON", "a cut proof");
    throws(() => fb.verifyProof(root, absentBytes, fb.sha256(utf8("x"))), "BAD_SIGNATURE", "absent, claimed present");
    throws(() => st.prove("record", hex(fb.sha256(utf8("never registered")))), "INVALID_VALUE", "no proof for an entry never registered");
    const record = st.prove("record", hex(entryId));
    const forged = JSON.parse(JSON.stringify(record.proof));
    forged.record.itemsRoot = hex(fb.sha256(utf8("forged")));
    throws(() => fb.verifyProof(root, utf8(JSON.stringify(forged)), unhex(record.value)), "BAD_SIGNATURE", "a forged root of the other items");
    const patientProof = st.prove("patient", b64(w.patient));
    const forgedPath = JSON.parse(JSON.stringify(patientProof.proof));
    forgedPath.item.proof.siblings[0] = hex(fb.sha256(utf8("forged")));
    throws(() => fb.verifyProof(root, utf8(JSON.stringify(forgedPath)), unhex(patientProof.value)), "BAD_SIGNATURE", "a forged sibling");

    // A second node applies the blocks and reaches the same state.
    const replica = fb.LedgerState.fromGenesis(w.genesis);
    let events = 0;
    for (const block of w.blocks) events += replica.applyBlock(block).length;
    eq(events, 8, "one event per transaction");
    sameJson([replica.height, hex(replica.stateRoot), hex(replica.lastHash)], [st.height, hex(st.stateRoot), hex(st.lastHash)], "the same state");
    sameJson(replica.audit(w.patient), trail, "the same trail");
    for (const h of [st, replica, consent, w.net]) h.free();
  });

  test("ledger: a block that must be refused leaves the state unchanged", () => {
    const w = ledgerWorld();
    w.enrol(T0 + 1000);
    const b1 = w.produce(T0 + 2000);
    const clinic = fb.SigningKey.generate();
    const admit = { type: "admit_member", org: "clinic-c", name: "Clinic C", signing_key: b64(clinic.publicKey()), encryption_key: b64(clinic.publicKey()) };
    const council = [w.orgs["hospital-a"].sign, w.orgs["hospital-b"].sign, w.orgs.registry.sign];
    w.net.submit(fb.transactionSign(w.tx(T0 + 3000, admit), council), T0 + 3000);
    const b2 = w.produce(T0 + 4000);
    const node = fb.LedgerState.fromGenesis(w.genesis);
    const snapshot = () => [node.height, hex(node.stateRoot), hex(node.lastHash)];
    const genesisState = JSON.stringify(snapshot(), (_, v) => (typeof v === "bigint" ? `${v}` : v));
    const unchanged = (what) => eq(JSON.stringify(snapshot(), (_, v) => (typeof v === "bigint" ? `${v}` : v)), genesisState, `${what}: the state is unchanged`);
    const tamper = (block, f) => {
      const doc = json(block);
      f(doc);
      return utf8(JSON.stringify(doc));
    };
    const refusals = [
      ["a short quorum", tamper(b1, (d) => d.qc.splice(2)), "BAD_SIGNATURE"],
      ["a validator twice", tamper(b1, (d) => (d.qc[1] = d.qc[0])), "BAD_SIGNATURE"],
      ["a tampered transaction", tamper(b1, (d) => (d.txs[0].tx.time += 1)), "BAD_SIGNATURE"],
      ["a transaction dropped", tamper(b1, (d) => d.txs.splice(0)), "BAD_SIGNATURE"],
      ["a lying state root", tamper(b1, (d) => (d.header.state_root = hex(fb.sha256(utf8("lie"))))), "BAD_SIGNATURE"],
      ["a block that does not link", b2, "INVALID_VALUE"],
      ["another chain", tamper(b1, (d) => (d.header.chain = "other-net")), "INVALID_VALUE"],
      ["a signature by a stranger", tamper(b1, (d) => (d.qc[0].kid = hex(fb.SigningKey.generate().keyId()))), "UNKNOWN_KEY"],
      ["an unknown field", tamper(b1, (d) => (d.extra = 1)), "UNKNOWN_FIELD"],
      ["version 2", tamper(b1, (d) => (d.header.v = 2)), "UNSUPPORTED_VERSION"],
      ["a truncated block", b1.subarray(0, b1.length - 1), "MALFORMED_JSON"],
    ];
    for (const [what, block, code] of refusals) {
      throws(() => node.applyBlock(block), code, what);
      unchanged(what);
    }
    eq(node.applyBlock(b1).length, 1, "the valid block 1 applies");
    throws(() => node.applyBlock(b1), "INVALID_VALUE", "block 1 again (a replay)");
    eq(node.height, 1n, "still at 1");
    const events = node.applyBlock(b2);
    sameJson(events.map((e) => [e.action, e.subjectOrg]), [["member_admitted", "clinic-c"]], "block 2's events");
    eq(node.member("clinic-c").name, "Clinic C", "the new member");
    const st = w.state();
    eq(node.stateRoot, st.stateRoot, "the same state as the network's");
    for (const h of [node, st, w.net, clinic]) h.free();
  });

  test("ledger: transactions are signed and checked; bad ones are refused when submitted", () => {
    const w = ledgerWorld();
    const A = w.orgs["hospital-a"];
    const body = { type: "enrol_patient", by: "hospital-a", patient: b64(w.patient), signing_key: b64(w.patientKeys.sign.publicKey()), encryption_key: b64(w.patientKeys.enc.publicKey()) };
    const unsigned = w.tx(T0 + 1000, body);
    const signed = fb.transactionSign(unsigned, [A.sign]);
    const doc = json(signed);
    eq(doc.sigs.length, 1, "one signature");
    eq(doc.sigs[0].kid, hex(A.sign.keyId()), "by A's key");
    sameJson(doc.tx, JSON.parse(dec.decode(unsigned)), "the transaction as given");
    eq(fb.jcs(signed), signed, "canonical bytes");
    const sig = b64urlDecode(doc.sigs[0].sig);
    fb.verify(A.sign.publicKey(), 2, fb.jcs(unsigned), A.sign.keyId(), sig);
    eq(json(fb.transactionSign(unsigned, [A.sign, w.orgs["hospital-b"].sign])).sigs.length, 2, "two signers, in order");
    throws(() => w.net.submit(fb.transactionSign(unsigned, [w.orgs["hospital-b"].sign]), T0 + 1000), "UNKNOWN_KEY", "signed by another member");
    throws(() => w.net.submit(fb.transactionSign(unsigned, []), T0 + 1000), "BAD_SIGNATURE", "unsigned");
    throws(() => w.net.submit(fb.transactionSign(w.tx(T0 + 1000, { ...body, by: "outsider" }), [A.sign]), T0 + 1000), "INVALID_VALUE", "enrolled by a non-member");
    throws(() => w.net.submit(fb.transactionSign(w.tx(T0 + 1000, { type: "remove_member", org: "registry" }), [A.sign]), T0 + 1000), "BAD_SIGNATURE", "governance short of the council's quorum");
    throws(() => w.net.submit(fb.transactionSign(w.tx(T0 - 700000, body), [A.sign]), T0 + 1000), "INVALID_VALUE", "too old");
    const id = w.net.submit(signed, T0 + 1000);
    eq(id, fb.sha256(fb.jcs(unsigned)), "the id is the SHA-256 of the signed part");
    throws(() => w.net.submit(signed, T0 + 1000), "INVALID_VALUE", "the same transaction twice");
    w.produce(T0 + 2000);
    throws(() => w.net.submit(signed, T0 + 2500), "INVALID_VALUE", "a replay");
    // Record registrations carry the entry's own signature only.
    const dk = fb.DataKey.generate();
    const entry = fb.recordEntrySealAndSign("hospital-a", w.patient, "Observation", fb.fhirDigest(resource, 0), 1, T0 + 3000, "https://fhir.hospital-a.example/Observation/o-2/_history/1", dk, A.sign);
    const reg = json(fb.transactionRegisterRecord(CHAIN, entry));
    sameJson([reg.sigs, reg.tx.body.type, reg.tx.time, reg.tx.nonce], [[], "register_record", T0 + 3000, b64(new Uint8Array(16))], "a registration's envelope");
    const byOutsider = fb.recordEntrySealAndSign("outsider", w.patient, "Observation", fb.fhirDigest(resource, 0), 1, T0 + 3000, "https://x.example/Observation/1/_history/1", dk, A.sign);
    throws(() => w.net.submit(fb.transactionRegisterRecord(CHAIN, byOutsider), T0 + 3000), "INVALID_VALUE", "a record registered by a non-member");
    throws(() => w.net.submit(fb.transactionRegisterRecord("other-net", entry), T0 + 3000), "INVALID_VALUE", "for another chain");
    throws(() => fb.transactionRegisterRecord(CHAIN, entry.subarray(1)), "MALFORMED_JSON", "a broken entry");
    // Strict decoding of what is signed.
    const text = dec.decode(unsigned);
    throws(() => fb.transactionSign(utf8(text.replace('"v":1', '"v":2')), [A.sign]), "UNSUPPORTED_VERSION", "version 2");
    throws(() => fb.transactionSign(utf8(text.replace('{"v":1', '{"x":1,"v":1')), [A.sign]), "UNKNOWN_FIELD", "an unknown field");
    throws(() => fb.transactionSign(utf8(text.replace('"v":1', '"v":1,"v":1')), [A.sign]), "DUPLICATE_KEY", "a duplicate key");
    throws(() => fb.transactionSign(utf8(text.replace("enrol_patient", "fly")), [A.sign]), "INVALID_VALUE", "an unknown kind");
    throws(() => fb.transactionSign(utf8(text.replace(/"nonce":"[^"]*"/, '"nonce":"AAAA"')), [A.sign]), "INVALID_VALUE", "a short nonce");
    throws(() => fb.transactionSign(utf8(text.replace(/,"time":\d+/, "")), [A.sign]), "MISSING_FIELD", "no time");
    for (const h of [dk, w.net]) h.free();
  });

  test("hostile: malformed JSON where consent and ledger documents are expected", () => {
    const w = ledgerWorld();
    const st = w.state();
    const patient = new Uint8Array(32).fill(0x76);
    const broken = [
      ["truncated", utf8('{"resourceType":"Consent",'), "MALFORMED_JSON"],
      ["empty", new Uint8Array(0), "MALFORMED_JSON"],
      ["not JSON", utf8("consent"), "MALFORMED_JSON"],
      ["trailing bytes", utf8('{"a":1} {}'), "MALFORMED_JSON"],
      ["a duplicate key", utf8('{"a":1,"a":2}'), "DUPLICATE_KEY"],
      ["invalid UTF-8", Uint8Array.of(0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d), "INVALID_TEXT"],
      ["a lone surrogate escape", utf8('{"a":"\\ud800"}'), "INVALID_TEXT"],
    ];
    for (const [what, bytes, code] of broken) {
      throws(() => fb.Consent.fromFhir(bytes, 4, patient), code, `Consent.fromFhir: ${what}`);
      throws(() => fb.Consent.decode(bytes), code, `Consent.decode: ${what}`);
      throws(() => fb.LedgerState.fromGenesis(bytes), code, `LedgerState.fromGenesis: ${what}`);
      throws(() => new fb.EmbeddedNetwork(bytes, w.validators), code, `new EmbeddedNetwork: ${what}`);
      throws(() => st.applyBlock(bytes), code, `applyBlock: ${what}`);
      throws(() => w.net.submit(bytes, T0), code, `submit: ${what}`);
      throws(() => fb.transactionSign(bytes, [w.validators[0]]), code, `transactionSign: ${what}`);
      throws(() => fb.verifyProof(new Uint8Array(32), bytes, null), code, `verifyProof: ${what}`);
      throws(() => fb.custodianRelease(st, "hospital-a", bytes, T0), code, `custodianRelease: ${what}`);
      throws(() => fb.transactionRegisterRecord(CHAIN, bytes), code, `transactionRegisterRecord: ${what}`);
    }
    throws(() => fb.checkFetched(st, fb.sha256(utf8("x")), utf8("{")), "INVALID_VALUE", "checkFetched looks the entry up first");
    throws(() => fb.LedgerState.fromGenesis(utf8(JSON.stringify({ ...w.genesisDoc, validators: [] }))), "INVALID_VALUE", "a genesis without validators");
    throws(() => fb.LedgerState.fromGenesis(utf8(JSON.stringify({ ...w.genesisDoc, council: ["outsider"] }))), "INVALID_VALUE", "a council of strangers");
    throws(() => fb.LedgerState.fromGenesis(utf8(JSON.stringify({ ...w.genesisDoc, extra: 1 }))), "UNKNOWN_FIELD", "an unknown genesis field");
    throws(() => fb.verifyProof(new Uint8Array(32), utf8('{"key":"00","leaf":null,"siblings":[]}'), null), "INVALID_VALUE", "a proof with a short key");
    throws(() => st.applyBlock(utf8("[]")), "INVALID_VALUE", "an array for a block");
    st.free();
    w.net.free();
  });

  test("hostile: oversized consent and ledger inputs", () => {
    const w = ledgerWorld();
    const st = w.state();
    const patient = new Uint8Array(32).fill(0x77);
    const padded = (n, doc) => {
      const text = JSON.stringify(doc);
      return utf8(text.slice(0, -1) + `,"text":{"status":"generated","div":"${"x".repeat(n)}"}}`);
    };
    throws(() => fb.Consent.fromFhir(padded(1 << 20, fhirConsent()), 4, patient), "TOO_LARGE", "a FHIR Consent over 1 MiB");
    throws(() => fb.Consent.decode(utf8(" ".repeat(1 << 20) + "{}")), "TOO_LARGE", "an encoding over 1 MiB");
    throws(() => fb.LedgerState.fromGenesis(utf8(JSON.stringify(w.genesisDoc) + " ".repeat(1 << 20))), "TOO_LARGE", "a genesis over 1 MiB");
    const bigTx = utf8(`{"v":1,"chain":"${CHAIN}","time":${T0},"nonce":"${randomNonce()}","body":{"type":"admit_member","org":"x","name":"${"n".repeat(64 * 1024)}","signing_key":"","encryption_key":""}}`);
    throws(() => fb.transactionSign(bigTx, [w.validators[0]]), "TOO_LARGE", "a transaction over 64 KiB");
    throws(() => w.net.submit(bigTx, T0), "TOO_LARGE", "submitting one");
    throws(() => fb.transactionSign(utf8(`{"v":1,"chain":"${CHAIN}","time":${T0},"nonce":"${randomNonce()}","body":{"type":"admit_member","org":"x","name":"${"n".repeat(300)}","signing_key":"${b64(w.validators[0].publicKey())}","encryption_key":"${b64(w.validators[0].publicKey())}"}}`), [w.validators[0]]), "TOO_LARGE", "a member name over 256 bytes");
    const hugeBlock = new Uint8Array((32 << 20) + 1).fill(0x20);
    hugeBlock[0] = 0x7b;
    throws(() => st.applyBlock(hugeBlock), "TOO_LARGE", "a block over 32 MiB");
    throws(() => fb.verifyProof(new Uint8Array(32), new Uint8Array((16 << 20) + 1).fill(0x20), null), "TOO_LARGE", "a proof over 16 MiB");
    throws(() => st.applyBlock(utf8("[".repeat(100000))), "TOO_DEEP", "100000 open brackets");
    throws(() => fb.Consent.fromFhir(utf8(`{"resourceType":"Consent","a":${"[".repeat(100)}${"]".repeat(100)}}`), 4, patient), "TOO_DEEP", "a deep Consent");
    // Provisions nested beyond the model's depth.
    let provision = { type: "permit" };
    for (let i = 0; i < 40; i++) provision = { type: i % 2 ? "permit" : "deny", provision: [provision] };
    throws(() => importConsent({ ...fhirConsent(), provision: { provision: [provision] } }, patient), "TOO_DEEP", "provisions 40 deep");
    const e = throws(() => st.records(new Uint8Array(1 << 20)), "INVALID_LENGTH", "a 1 MiB pseudonym");
    ok(e.message.length < 200, "a short message");
    throws(() => st.member("a".repeat(1 << 20)), "INVALID_VALUE", "a 1 MiB organisation id");
    throws(() => fb.decide([], "hospital-b", patient, "T".repeat(1 << 20), "Observation", T0, false, T0), "INVALID_VALUE", "a 1 MiB purpose");
    st.free();
    w.net.free();
  });

  test("hostile: wrong argument types for the consent and ledger calls", () => {
    const w = ledgerWorld();
    const st = w.state();
    const patient = new Uint8Array(32).fill(0x78);
    const c = importConsent(fhirConsent(), patient);
    const decideWith = (over) => {
      const args = { consents: [c], requester: "hospital-b", patient, purpose: "TREAT", resourceType: "Observation", data: T0, emergency: false, now: T0, ...over };
      return fb.decide(args.consents, args.requester, args.patient, args.purpose, args.resourceType, args.data, args.emergency, args.now);
    };
    for (const v of ["true", 1, 0, {}, [true], 1n]) throws(() => decideWith({ emergency: v }), "INVALID_VALUE", `allowEmergency ${show(v)}`);
    throws(() => decideWith({ emergency: undefined }), "NULL_ARGUMENT", "allowEmergency missing");
    for (const v of ["TREAT!", "treat", "", "ETREAT "]) throws(() => decideWith({ purpose: v }), "INVALID_VALUE", `purpose ${show(v)}`);
    throws(() => decideWith({ purpose: "TREAT\ud800" }), "INVALID_TEXT", "a lone surrogate in a purpose");
    throws(() => decideWith({ purpose: utf8("TREAT") }), "INVALID_VALUE", "purpose as bytes");
    throws(() => decideWith({ resourceType: "observation" }), "INVALID_VALUE", "resource type");
    throws(() => decideWith({ requester: "Hospital B" }), "INVALID_VALUE", "requester");
    throws(() => decideWith({ patient: "patient" }), "INVALID_VALUE", "patient as a string");
    throws(() => decideWith({ patient: patient.subarray(1) }), "INVALID_LENGTH", "31-byte patient");
    for (const v of [-1, 1.5, "1", NaN, 2 ** 53, -1n]) throws(() => decideWith({ now: v }), "INVALID_VALUE", `now ${show(v)}`);
    throws(() => decideWith({ data: null }), "NULL_ARGUMENT", "no data date");
    for (const v of ["c", 5, {}, new Set([c]), { length: 1, 0: c }]) throws(() => decideWith({ consents: v }), "INVALID_VALUE", `consents ${show(v)}`);
    throws(() => decideWith({ consents: null }), "NULL_ARGUMENT", "consents null");
    throws(() => decideWith({ consents: undefined }), "NULL_ARGUMENT", "consents missing");
    for (const kind of ["records", "block", "", "RECORD"]) throws(() => st.prove(kind, "hospital-a"), "INVALID_VALUE", `proof kind ${show(kind)}`);
    throws(() => st.prove("record", "zz"), "INVALID_ENCODING", "a record id that is not hex");
    throws(() => st.prove("consent", "no-slash"), "INVALID_VALUE", "a consent item without its patient");
    throws(() => st.prove("patient", "!"), "INVALID_ENCODING", "a pseudonym that is not base64url");
    throws(() => st.prove(1, "x"), "INVALID_VALUE", "a number for a kind");
    const p = st.prove("member", "hospital-a");
    const proof = utf8(JSON.stringify(p.proof));
    const root = unhex(p.root);
    throws(() => fb.verifyProof(root, proof), "NULL_ARGUMENT", "verifyProof: a missing value is not null");
    throws(() => fb.verifyProof(root, proof, undefined), "NULL_ARGUMENT", "verifyProof: undefined is not null");
    throws(() => fb.verifyProof(root, proof, unhex(p.value).subarray(1)), "INVALID_LENGTH", "a 31-byte value");
    throws(() => fb.verifyProof(root.subarray(1), proof, unhex(p.value)), "INVALID_LENGTH", "a 31-byte root");
    throws(() => fb.verifyProof(root, JSON.stringify(p.proof), unhex(p.value)), "INVALID_VALUE", "a proof as a string");
    throws(() => fb.verifyProof(root, p.proof, unhex(p.value)), "INVALID_VALUE", "a proof as an object");
    fb.verifyProof(root, proof, unhex(p.value));
    const B = w.orgs["hospital-b"];
    throws(() => fb.requestAccess(st, "hospital-b", B.sign, new Uint8Array(31), "TREAT", T0), "INVALID_LENGTH", "a 31-byte entry id");
    throws(() => fb.requestAccess(st, "hospital-b", B.sign, new Uint8Array(32), "TREAT", T0), "INVALID_VALUE", "an unknown entry");
    throws(() => fb.requestAccess(st, "hospital-b", B.sign, new Uint8Array(32), "NOPE", T0), "INVALID_VALUE", "an unknown purpose");
    throws(() => fb.openPointer(st, 7, B.enc, new Uint8Array(32)), "INVALID_VALUE", "a number for a requester");
    throws(() => w.net.submit(utf8("{}"), -5), "INVALID_VALUE", "a negative time");
    throws(() => w.net.produceBlock("now"), "INVALID_VALUE", "a string for a time");
    throws(() => fb.transactionRegisterRecord(CHAIN), "NULL_ARGUMENT", "no entry");
    throws(() => fb.Consent.fromFhir(JSON.stringify(fhirConsent()), 4, patient), "INVALID_VALUE", "a FHIR Consent as a string");
    throws(() => fb.Consent.fromFhir(fhirConsent(), 4, patient), "INVALID_VALUE", "a FHIR Consent as an object");
    for (const h of [c, st, w.net]) h.free();
  });

  test("hostile: freed Consent, LedgerState and EmbeddedNetwork handles, and lists of handles", () => {
    const w = ledgerWorld();
    const patient = new Uint8Array(32).fill(0x79);
    const c = importConsent(fhirConsent(), patient);
    const gone = importConsent(fhirConsent({ id: "gone" }), patient);
    gone.free();
    gone.free();
    throws(() => gone.id, "INVALID_HANDLE", "a getter on a freed consent");
    throws(() => gone.encode(), "INVALID_HANDLE", "a method on a freed consent");
    throws(() => gone.toFhir(4), "INVALID_HANDLE", "toFhir on a freed consent");
    const call = (consents) => fb.decide(consents, "hospital-b", patient, "TREAT", "Observation", T0, false, T0);
    throws(() => call([c, gone]), "INVALID_HANDLE", "a freed consent in the list");
    const key = fb.SigningKey.generate();
    const state = w.state();
    const wrong = [
      ["a plain object", {}],
      ["null", null],
      ["undefined", undefined],
      ["a number", 5],
      ["a string", "c-1"],
      ["a state", state],
      ["a fake copy", { __copy: () => ({}) }],
      ["a fake copy of another class", { __copy: () => state }],
      ["a throwing copy", { __copy: () => { throw new Error("no"); } }],
    ];
    for (const [what, v] of [...wrong, ["a signing key", key]]) throws(() => call([c, v]), "INVALID_HANDLE", `${what} in the consents`);
    const freedKey = fb.SigningKey.generate();
    freedKey.free();
    for (const [what, v] of [...wrong, ["a consent", c], ["a freed key", freedKey]]) {
      throws(() => fb.transactionSign(utf8("{}"), [key, v]), "INVALID_HANDLE", `${what} in the keys`);
      throws(() => new fb.EmbeddedNetwork(w.genesis, [...w.validators, v]), "INVALID_HANDLE", `${what} in the validators`);
    }
    state.free();
    eq(call([c]).permit, true, "the consent in those lists is still usable");
    eq(call([, c].slice(1)).permit, true, "a sliced array");
    throws(() => call([, c]), "INVALID_HANDLE", "a hole in the list");
    const boom = new Error("from a proxy");
    const trap = new Proxy([c], { get: (t, k) => { if (k === "0") throw boom; return Reflect.get(t, k); } });
    let thrown;
    try {
      call(trap);
    } catch (e) {
      thrown = e;
    }
    ok(thrown === boom, "the host's own exception passes through unchanged");
    // Keys lent to a network or to transactionSign stay the caller's.
    const v0 = w.validators[0];
    const net2 = new fb.EmbeddedNetwork(w.genesis, w.validators);
    eq(v0.publicKey().length, 65, "a validator key lent to a network still works");
    for (const v of w.validators) v.free();
    eq(json(net2.produceBlock(T0 + 5)).qc.length, 4, "the network keeps its own copies");
    // A freed state and network.
    const st = w.state();
    const snap = w.state();
    w.net.free();
    w.net.free();
    throws(() => w.net.submit(utf8("{}"), T0), "INVALID_HANDLE", "submit on a freed network");
    throws(() => w.net.produceBlock(T0), "INVALID_HANDLE", "produceBlock on a freed network");
    throws(() => w.net.state(), "INVALID_HANDLE", "state on a freed network");
    eq(snap.height, 0n, "a snapshot outlives its network");
    st.free();
    throws(() => st.height, "INVALID_HANDLE", "a getter on a freed state");
    throws(() => st.stateRoot, "INVALID_HANDLE", "stateRoot on a freed state");
    throws(() => st.records(patient), "INVALID_HANDLE", "a query on a freed state");
    throws(() => st.applyBlock(utf8("{}")), "INVALID_HANDLE", "applyBlock on a freed state");
    const B = w.orgs["hospital-b"];
    throws(() => fb.requestAccess(st, "hospital-b", B.sign, new Uint8Array(32), "TREAT", T0), "INVALID_HANDLE", "a freed state to requestAccess");
    throws(() => fb.openPointer(st, "hospital-b", B.enc, new Uint8Array(32)), "INVALID_HANDLE", "a freed state to openPointer");
    throws(() => fb.checkFetched(st, new Uint8Array(32), resource), "INVALID_HANDLE", "a freed state to checkFetched");
    throws(() => fb.custodianRelease(st, "hospital-a", utf8("{}"), T0), "INVALID_HANDLE", "a freed state to custodianRelease");
    throws(() => fb.requestAccess(snap, "hospital-b", B.enc, new Uint8Array(32), "TREAT", T0), "INVALID_HANDLE", "an encryption key as a signing key");
    throws(() => fb.openPointer(snap, "hospital-b", B.sign, new Uint8Array(32)), "INVALID_HANDLE", "a signing key as an encryption key");
    throws(() => fb.requestAccess(c, "hospital-b", B.sign, new Uint8Array(32), "TREAT", T0), "INVALID_HANDLE", "a consent as a state");
    throws(() => fb.requestAccess({}, "hospital-b", B.sign, new Uint8Array(32), "TREAT", T0), "INVALID_HANDLE", "a plain object as a state");
    throws(() => fb.LedgerState.prototype.records.call(c, patient), "INVALID_HANDLE", "a state method on a consent");
    throws(() => fb.Consent.prototype.encode.call(snap), "INVALID_HANDLE", "a consent method on a state");
    eq(snap.records(patient).length, 0, "the snapshot still answers");
    for (const h of [c, key, snap, net2]) h.free();
  });

  // ------------------------------------------------------------------------------------------
  // hostile input

  test("hostile: wrong types where bytes are expected", () => {
    const k = fixedKey(0x41);
    const sig = k.sign(APP, utf8("m"));
    const notBytes = [
      ["a string", "{}"],
      ["a number", 5],
      ["an array", [123, 125]],
      ["an ArrayBuffer", new ArrayBuffer(2)],
      ["a Uint16Array", new Uint16Array(2)],
      ["an Int8Array", new Int8Array(2)],
      ["a DataView", new DataView(new ArrayBuffer(2))],
      ["an array-like object", { length: 2, 0: 123, 1: 125 }],
      ["a bigint", 5n],
      ["a boolean", true],
      ["a symbol", Symbol("x")],
      ["a function", () => 1],
    ];
    for (const [what, v] of notBytes) {
      throws(() => fb.jcs(v), "INVALID_VALUE", `jcs(${what})`);
      throws(() => fb.sha256(v), "INVALID_VALUE", `sha256(${what})`);
      throws(() => fb.verify(v, APP, utf8("m"), k.keyId(), sig), "INVALID_VALUE", `verify public key ${what}`);
      throws(() => fb.verify(k.publicKey(), APP, v, k.keyId(), sig), "INVALID_VALUE", `verify message ${what}`);
      throws(() => fb.verify(k.publicKey(), APP, utf8("m"), v, sig), "INVALID_VALUE", `verify key id ${what}`);
      throws(() => fb.verify(k.publicKey(), APP, utf8("m"), k.keyId(), v), "INVALID_VALUE", `verify signature ${what}`);
      throws(() => fb.DataKey.fromBytes(v), "INVALID_VALUE", `DataKey.fromBytes(${what})`);
      throws(() => fb.RecordEntry.decode(v), "INVALID_VALUE", `RecordEntry.decode(${what})`);
    }
    for (const v of [null, undefined]) {
      throws(() => fb.jcs(v), "NULL_ARGUMENT", `jcs(${v})`);
      throws(() => fb.verify(k.publicKey(), APP, utf8("m"), k.keyId(), v), "NULL_ARGUMENT", `verify signature ${v}`);
      throws(() => fb.SigningKey.fromSecret(v), "NULL_ARGUMENT", `fromSecret(${v})`);
    }
    throws(() => fb.sha256(), "NULL_ARGUMENT", "no argument");
    throws(() => k.sign(APP), "NULL_ARGUMENT", "sign without a message");
  });

  test("hostile: wrong numbers are refused, never truncated", () => {
    const k = fixedKey(0x42);
    const m = utf8("m");
    for (const d of ["6", 6.5, -1, 256, 256 + APP, 2 ** 32 + APP, NaN, Infinity, -Infinity, true, 6n, {}, [6]]) {
      throws(() => k.sign(d, m), "INVALID_VALUE", `domain ${show(d)}`);
    }
    throws(() => k.sign(null, m), "NULL_ARGUMENT", "domain null");
    throws(() => fb.fhirDigest(utf8('{"resourceType":"Basic"}'), 256), "INVALID_VALUE", "variant 256 is not variant 0");
    const ks = new fb.KeySet();
    throws(() => ks.add(257, k.publicKey(), 1), "INVALID_VALUE", "purpose 257 is not purpose 1");
    throws(() => ks.add(1, k.publicKey(), 1.5), "INVALID_VALUE", "fractional time");
    throws(() => ks.add(1, k.publicKey(), NaN), "INVALID_VALUE", "NaN time");
    throws(() => ks.add(1, k.publicKey(), undefined), "NULL_ARGUMENT", "no time");
    eq(ks.add(1, k.publicKey(), -0), k.keyId(), "-0 is 0");
    const dk = fb.DataKey.generate();
    for (const epoch of [-1, 1.5, 2 ** 32, "1"]) {
      throws(() => dk.sealPointer(pointerContext({ epoch }), "x"), "INVALID_VALUE", `epoch ${show(epoch)}`);
    }
  });

  test("hostile: wrong strings and lone surrogates", () => {
    const dk = fb.DataKey.generate();
    const key = fb.PseudonymKey.generate();
    for (const [what, v] of [["a number", 1], ["bytes", utf8("hospital-a")], ["an object", { toString: () => "hospital-a" }]]) {
      throws(() => dk.sealPointer(pointerContext({ custodian: v }), "x"), "INVALID_VALUE", `custodian ${what}`);
      throws(() => dk.sealPointer(pointerContext(), v), "INVALID_VALUE", `pointer ${what}`);
      throws(() => key.pseudonym("urn:x", v), "INVALID_VALUE", `identifier ${what}`);
    }
    throws(() => dk.sealPointer(pointerContext(), null), "NULL_ARGUMENT", "pointer null");
    throws(() => dk.sealPointer(pointerContext(), "https://x.example/\ud800"), "INVALID_TEXT", "lone high surrogate");
    throws(() => dk.sealPointer(pointerContext(), "\udc00https://x.example/"), "INVALID_TEXT", "lone low surrogate");
    throws(() => key.pseudonym("urn:x", "123\udfff"), "INVALID_TEXT", "surrogate in an identifier");
    throws(() => dk.sealPointer(pointerContext({ resourceType: "Observation\ud800" }), "x"), "INVALID_TEXT", "surrogate in a context");
    eq(dk.openPointer(pointerContext(), ...Object.values(dk.sealPointer(pointerContext(), "a\u{1f600}b"))), "a\u{1f600}b", "a pair is fine");
    throws(() => dk.sealPointer(pointerContext({ custodian: "hospital-a\0" }), "x"), "INVALID_VALUE", "NUL in an id");
  });

  test("hostile: contexts that are not objects, lack fields or throw", () => {
    const dk = fb.DataKey.generate();
    const ek = fb.EncryptionKey.generate();
    throws(() => dk.sealPointer(null, "x"), "NULL_ARGUMENT", "null context");
    throws(() => dk.sealPointer(undefined, "x"), "NULL_ARGUMENT", "no context");
    throws(() => dk.sealPointer("ctx", "x"), "INVALID_VALUE", "a string context");
    throws(() => dk.sealPointer(5, "x"), "INVALID_VALUE", "a number context");
    for (const field of ["patient", "custodian", "resourceType", "digest", "epoch"]) {
      const ctx = pointerContext();
      delete ctx[field];
      throws(() => dk.sealPointer(ctx, "x"), "NULL_ARGUMENT", `no ${field}`);
    }
    throws(() => fb.wrap(ek.publicKey(), dk, { patient: new Uint8Array(32), custodian: "a" }), "NULL_ARGUMENT", "no epoch");
    const boom = new Error("from a getter");
    const ctx = pointerContext();
    Object.defineProperty(ctx, "custodian", { get: () => { throw boom; } });
    let thrown;
    try {
      dk.sealPointer(ctx, "x");
    } catch (e) {
      thrown = e;
    }
    ok(thrown === boom, "the host's own exception passes through unchanged");
    // Extra fields and a class instance with the fields are fine.
    class Ctx {
      constructor() {
        Object.assign(this, pointerContext(), { extra: 1 });
      }
    }
    const s = dk.sealPointer(new Ctx(), "x");
    eq(dk.openPointer(pointerContext(), s.nonce, s.ciphertext), "x", "a class instance as a context");
  });

  test("hostile: truncated and overlong byte arrays", () => {
    const k = fixedKey(0x43);
    const m = utf8("m");
    const sig = k.sign(APP, m);
    const pub = k.publicKey();
    for (const n of [0, 1, 32, 33, 64, 66]) {
      throws(() => fb.verify(new Uint8Array(n).fill(4), APP, m, k.keyId(), sig), "INVALID_PUBLIC_KEY", `${n}-byte public key`);
    }
    throws(() => fb.verify(pub.subarray(0, 64), APP, m, k.keyId(), sig), "INVALID_PUBLIC_KEY", "truncated public key");
    for (const n of [0, 31, 33]) {
      throws(() => fb.verify(pub, APP, m, new Uint8Array(n), sig), "INVALID_LENGTH", `${n}-byte key id`);
      throws(() => fb.SigningKey.fromSecret(new Uint8Array(n).fill(1)), "INVALID_LENGTH", `${n}-byte secret`);
    }
    for (const n of [0, 63, 65]) {
      throws(() => fb.verify(pub, APP, m, k.keyId(), sig.length > n ? sig.subarray(0, n) : concat(sig, new Uint8Array(1))), "INVALID_SIGNATURE_ENCODING", `${n}-byte signature`);
    }
    throws(() => fb.SigningKey.fromSecret(new Uint8Array(32)), "INVALID_SECRET_KEY", "zero secret");
    throws(() => fb.jcs(utf8('{"a":[1,2')), "MALFORMED_JSON", "truncated JSON");
  });

  test("hostile: invalid UTF-8 bytes", () => {
    const bad = [
      ["a lone continuation byte", [0x22, 0x80, 0x22]],
      ["0xff", [0x22, 0xff, 0x22]],
      ["an overlong slash", [0x22, 0xc0, 0xaf, 0x22]],
      ["a UTF-8 surrogate", [0x22, 0xed, 0xa0, 0x80, 0x22]],
      ["a truncated sequence", [0x22, 0xe2, 0x82, 0x22]],
    ];
    for (const [what, bytes] of bad) {
      throws(() => fb.jcs(Uint8Array.from(bytes)), "INVALID_TEXT", `jcs: ${what}`);
      const resource = concat(utf8('{"resourceType":"Basic","a":'), Uint8Array.from(bytes), utf8("}"));
      throws(() => fb.fhirDigest(resource, 0), "INVALID_TEXT", `fhirDigest: ${what}`);
      throws(() => fb.fhirCanonical(resource, 2), "INVALID_TEXT", `fhirCanonical: ${what}`);
    }
    const { encoded } = newEntry();
    const e = fb.RecordEntry.decode(encoded);
    throws(() => e.checkResource(Uint8Array.of(0x7b, 0xff, 0x7d)), "INVALID_TEXT", "checkResource");
  });

  test("hostile: oversized inputs", () => {
    const big = new Uint8Array((16 << 20) + 1).fill(0x20);
    big[0] = 0x31;
    throws(() => fb.jcs(big), "TOO_LARGE", "JSON over 16 MiB");
    throws(() => fb.fhirDigest(big, 0), "TOO_LARGE", "resource over 16 MiB");
    const deep = utf8(`{"resourceType":"Basic","a":${"[".repeat(200)}${"]".repeat(200)}}`);
    throws(() => fb.fhirDigest(deep, 0), "TOO_DEEP", "200 levels");
    throws(() => fb.jcs(utf8("[".repeat(100000))), "TOO_DEEP", "100000 open brackets");
    const dk = fb.DataKey.generate();
    throws(() => dk.sealPointer(pointerContext({ custodian: "a".repeat(1 << 20) }), "x"), "INVALID_VALUE", "1 MiB custodian");
    throws(() => dk.sealPointer(pointerContext(), "x".repeat(1 << 20)), "TOO_LARGE", "1 MiB pointer");
    throws(() => fb.verify(new Uint8Array(1 << 20), APP, utf8("m"), new Uint8Array(32), new Uint8Array(64)), "INVALID_PUBLIC_KEY", "1 MiB key");
    // Large but valid: a 4 MiB message signs and verifies.
    const k = fb.SigningKey.generate();
    const msg = new Uint8Array(4 << 20).fill(7);
    fb.verify(k.publicKey(), APP, msg, k.keyId(), k.sign(APP, msg));
    // A JSON text of 15 MiB canonicalizes.
    const text = utf8(`[${'"abcdefghijklmnop",'.repeat(800000)}1]`);
    eq(fb.jcs(text).length, text.length, "15 MiB JSON");
  });

  test("hostile: use after free(), double free, wrong handles", () => {
    const k = fb.SigningKey.generate();
    const pub = k.publicKey();
    k.free();
    throws(() => k.sign(APP, utf8("m")), "INVALID_HANDLE", "method after free");
    throws(() => k.publicKey(), "INVALID_HANDLE", "accessor after free");
    k.free();
    if (typeof Symbol.dispose === "symbol" && k[Symbol.dispose]) k[Symbol.dispose]();
    const { encoded, dk, sk } = newEntry();
    const e = fb.RecordEntry.decode(encoded);
    e.free();
    throws(() => e.custodian, "INVALID_HANDLE", "getter after free");
    throws(() => e.verify(pub), "INVALID_HANDLE", "verify after free");
    dk.free();
    throws(() => newEntry({ dataKey: dk, signingKey: sk }), "INVALID_HANDLE", "a freed handle as an argument");
    throws(() => fb.wrap(pub, dk, wrapContext()), "INVALID_HANDLE", "a freed data key to wrap");
    throws(() => newEntry({ dataKey: sk, signingKey: sk }), "INVALID_HANDLE", "a signing key as a data key");
    throws(() => newEntry({ dataKey: {}, signingKey: sk }), "INVALID_HANDLE", "a plain object as a data key");
    throws(() => newEntry({ dataKey: null, signingKey: sk }), "INVALID_HANDLE", "null as a data key");
    const e2 = fb.RecordEntry.decode(newEntry().encoded);
    throws(() => e2.openPointer(dk), "INVALID_HANDLE", "a freed data key to openPointer");
    throws(() => fb.SigningKey.prototype.sign.call({}, APP, utf8("m")), "INVALID_HANDLE", "a method on a plain object");
    throws(() => fb.SigningKey.prototype.sign.call(e2, APP, utf8("m")), "INVALID_HANDLE", "a method on another class");
    // Freeing one handle leaves the others and the module working.
    const live = fb.SigningKey.generate();
    fb.verify(live.publicKey(), APP, utf8("m"), live.keyId(), live.sign(APP, utf8("m")));
    eq(e2.custodian, "hospital-a", "another entry still reads");
    const ks = new fb.KeySet();
    ks.free();
    throws(() => ks.add(1, pub, 1), "INVALID_HANDLE", "a freed key set");
  });

  test("hostile: errors are Errors with stable codes and no secrets", () => {
    const key = fb.PseudonymKey.fromBytes(new Uint8Array(32).fill(9));
    const e = throws(() => key.pseudonym("urn:x", "SECRET-ID-#1"), "INVALID_VALUE", "bad identifier");
    ok(e instanceof Error && typeof e.stack === "string", "an Error with a stack");
    ok(!JSON.stringify({ m: e.message, d: e.detail }).includes("SECRET"), "no identifier in the error");
    const dk = fb.DataKey.fromBytes(new Uint8Array(32).fill(0x5a));
    const s = dk.sealPointer(pointerContext(), "https://secret.example/Patient/1");
    const e2 = throws(() => dk.openPointer(pointerContext({ epoch: 9 }), s.nonce, s.ciphertext), "DECRYPTION_FAILED", "wrong context");
    ok(!e2.message.includes("secret.example") && !e2.message.includes("5a5a"), "no pointer or key in the error");
  });

  test("hostile: views, subclasses and returned copies", () => {
    const bytes = utf8("abc");
    const framed = concat(utf8("xx"), bytes, utf8("yy"));
    eq(fb.sha256(framed.subarray(2, 5)), fb.sha256(bytes), "a subarray is read within its window");
    class Bytes extends Uint8Array {}
    eq(fb.sha256(Bytes.from(bytes)), fb.sha256(bytes), "a Uint8Array subclass");
    if (env.Buffer) eq(fb.sha256(env.Buffer.from("abc")), fb.sha256(bytes), "a Node Buffer");
    const k = fixedKey(0x44);
    const pub = k.publicKey();
    pub[1] ^= 0xff;
    eq(k.publicKey()[1] ^ 0xff, pub[1], "a returned array is a copy");
  });

  // ------------------------------------------------------------------------------------------
  // the shared vectors (bindings/vectors/vectors.json), one case each

  if (vectors) {
    test("vectors: file version", () => eq(vectors.version, 1, "vectors.json version"));
    vectors.jcs.forEach((t, i) =>
      test(`vectors: jcs #${i}`, () => eq(dec.decode(fb.jcs(utf8(t.input))), t.output, "canonical form")),
    );
    vectors.fhir_digest.forEach((t, i) =>
      test(`vectors: fhir_digest #${i} (variant ${t.variant})`, () => {
        eq(hex(fb.fhirDigest(utf8(t.resource), t.variant)), t.digest, "digest");
        eq(hex(fb.sha256(fb.fhirCanonical(utf8(t.resource), t.variant))), t.digest, "sha256 of the canonical form");
      }),
    );
    vectors.canonical_errors.forEach((t, i) =>
      test(`vectors: canonical_errors #${i} (${fb.errorCodeName(t.code)})`, () => {
        throws(() => fb.jcs(utf8(t.input)), t.code, "jcs");
        for (const v of [0, 1, 2]) {
          throws(() => fb.fhirCanonical(utf8(t.input), v), t.code, `fhirCanonical ${v}`);
          throws(() => fb.fhirDigest(utf8(t.input), v), t.code, `fhirDigest ${v}`);
        }
      }),
    );
    vectors.ecdsa.forEach((t, i) =>
      test(`vectors: ecdsa #${i} (${t.code === null ? "valid" : fb.errorCodeName(t.code)})`, () => {
        const call = () => fb.verify(unhex(t.public), t.domain, unhex(t.msg), unhex(t.key_id), unhex(t.sig));
        if (t.code === null) call();
        else throws(call, t.code, "verify");
      }),
    );
    vectors.pointer.forEach((t, i) =>
      test(`vectors: pointer #${i} (${t.code === null ? "opens" : fb.errorCodeName(t.code)})`, () => {
        const key = fb.DataKey.fromBytes(unhex(t.data_key));
        const ctx = {
          patient: unhex(t.patient),
          custodian: t.custodian,
          resourceType: t.resource_type,
          digest: unhex(t.digest),
          epoch: t.epoch,
        };
        const call = () => key.openPointer(ctx, unhex(t.nonce), unhex(t.ciphertext));
        if (t.code === null) eq(call(), t.pointer, "pointer");
        else throws(call, t.code, "openPointer");
        key.free();
      }),
    );
    vectors.pseudonym.forEach((t, i) =>
      test(`vectors: pseudonym #${i}`, () => {
        const key = fb.PseudonymKey.fromBytes(unhex(t.key));
        eq(b64url(key.pseudonym(t.system, t.value)), t.pseudonym, "pseudonym");
        key.free();
      }),
    );
    vectors.record_entry.forEach((t, i) =>
      test(`vectors: record_entry #${i} (${t.code === null ? "valid" : fb.errorCodeName(t.code)})`, () => {
        const call = () => {
          const entry = fb.RecordEntry.decode(utf8(t.encoded));
          try {
            entry.verify(unhex(t.custodian_public));
            return entry.encode();
          } finally {
            entry.free();
          }
        };
        if (t.code === null) {
          const canonical = call();
          eq(dec.decode(canonical), dec.decode(fb.jcs(utf8(t.encoded))), "encode() is the JCS form");
        } else {
          throws(call, t.code, "decode and verify");
        }
      }),
    );
  }

  return cases;
}

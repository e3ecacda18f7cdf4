// The test cases of the fhirbus WASM package, written once and run in two places: Node
// (test/node/api.test.mjs, node:test) and headless Chromium (test/browser/). They use only
// what both have (no node: modules), take the package's namespace as `fb`, and the parsed
// shared vectors (bindings/vectors/vectors.json) as `vectors`.
//
//   makeCases(fb, vectors, env) -> [{ name, fn }]   (fn may be async; it throws on failure)
//
// `env`: { Buffer?: Node's Buffer, packageVersion?: the version package.json declares }.

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

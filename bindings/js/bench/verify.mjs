// ECDSA P-256 verify, side by side in one Node process, on the same key, message and signature:
//
//   fhirbus-wasm   verify(publicKey, domain, message, keyId, signature)   (the package, WASM)
//   @noble/curves  p256.verify(signature, signedBytes, publicKey)          (pure JavaScript)
//   WebCrypto      crypto.subtle.verify(ECDSA/SHA-256, key, signature, signedBytes) (Node's OpenSSL)
//
// plus the cost of crossing into WASM (a call with one empty buffer, a call with a number) and,
// unless --no-native, the same core call made directly in native Rust with the same backend
// (cargo run --release -p fhirbus-wasm --example native_verify), for the wasm-vs-native ratio.
//
//   node bench/verify.mjs [--rounds N] [--no-native] [--json]
//
// The rounds interleave the implementations (so drift hits each alike); each round times a
// batch of calls; the figure is the median per-call time over the rounds. fhirbus signs the
// domain tag and the message, so the others verify over those same signed bytes. The signature
// is low-S, which all three accept. Run after scripts/test/wasm-node.sh (or wasm/build.sh and
// wasm/pack.sh), which installs the package into node_modules.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import os from "node:os";

import * as fb from "fhirbus-wasm";
import { p256 } from "@noble/curves/nist.js";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const noblePkg = JSON.parse(readFileSync(join(here, "..", "node_modules", "@noble", "curves", "package.json"), "utf8"));
const args = process.argv.slice(2);
const ROUNDS = Number(args[args.indexOf("--rounds") + 1]) || 21;
const NATIVE = !args.includes("--no-native");
const JSON_OUT = args.includes("--json");
const repo = join(here, "..", "..", "..");

// The same message as wasm/examples/native_verify.rs: 256 bytes.
let text = '{"entry":{"custodian":"hospital-a","resourceType":"Observation","epoch":1,"pad":"';
text = text.padEnd(254, "x") + '"}';
const message = new TextEncoder().encode(text);
const DOMAIN = 1; // record entry
const signedBytes = new Uint8Array([...new TextEncoder().encode("fhirbus/v1/record-entry\0"), ...message]);

const key = fb.SigningKey.fromSecret(new Uint8Array(32).fill(0x21));
const publicKey = key.publicKey();
const keyId = key.keyId();
const signature = key.sign(DOMAIN, message);
key.free();

const subtle = globalThis.crypto.subtle;
const webKey = await subtle.importKey("raw", publicKey, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
const ecdsa = { name: "ECDSA", hash: "SHA-256" };

// Every implementation must accept the signature and refuse a tampered message.
const tampered = signedBytes.slice();
tampered[tampered.length - 1] ^= 1;
fb.verify(publicKey, DOMAIN, message, keyId, signature);
if (!p256.verify(signature, signedBytes, publicKey)) throw new Error("noble refuses the signature");
if (p256.verify(signature, tampered, publicKey)) throw new Error("noble accepts a tampered message");
if (!(await subtle.verify(ecdsa, webKey, signature, signedBytes))) throw new Error("WebCrypto refuses the signature");
if (await subtle.verify(ecdsa, webKey, signature, tampered)) throw new Error("WebCrypto accepts a tampered message");

const empty = new Uint8Array(0);
const subjects = [
  { name: "fhirbus-wasm verify()", batch: 40, run: () => fb.verify(publicKey, DOMAIN, message, keyId, signature) },
  { name: "@noble/curves p256.verify()", batch: 12, run: () => p256.verify(signature, signedBytes, publicKey) },
  { name: "WebCrypto subtle.verify()", batch: 200, run: () => subtle.verify(ecdsa, webKey, signature, signedBytes), async: true },
  { name: "crossing: fb.sha256(empty)", batch: 20000, run: () => fb.sha256(empty) },
  { name: "crossing: fb.errorCodeName(203)", batch: 20000, run: () => fb.errorCodeName(203) },
];

async function timeBatch(s) {
  const start = performance.now();
  if (s.async) {
    for (let i = 0; i < s.batch; i++) await s.run();
  } else {
    for (let i = 0; i < s.batch; i++) s.run();
  }
  return ((performance.now() - start) * 1000) / s.batch; // microseconds per call
}

for (const s of subjects) {
  s.samples = [];
  await timeBatch(s); // warm-up
}
for (let r = 0; r < ROUNDS; r++) {
  for (const s of subjects) s.samples.push(await timeBatch(s));
}
const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.floor(a.length / 2)];
};
for (const s of subjects) s.median = median(s.samples);

let native = null;
if (NATIVE) {
  try {
    const out = execFileSync("cargo", ["run", "--quiet", "--release", "-p", "fhirbus-wasm", "--example", "native_verify"], {
      cwd: repo,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    native = JSON.parse(out.trim().split("\n").pop());
    if (native.message_bytes !== message.length) throw new Error("the native example signs another message");
  } catch (e) {
    console.error(`native timing skipped: ${e.message}`);
  }
}

const [wasm, noble, web, crossBuf, crossNum] = subjects.map((s) => s.median);
const pkg = require("fhirbus-wasm/package.json");
const f = (us) => (us >= 100 ? us.toFixed(0) : us >= 1 ? us.toFixed(1) : us.toFixed(3)).padStart(8);
const result = {
  node: process.version,
  cpu: os.cpus()[0]?.model ?? "unknown",
  rounds: ROUNDS,
  message_bytes: message.length,
  fhirbus_wasm_verify_us: wasm,
  noble_verify_us: noble,
  webcrypto_verify_us: web,
  crossing_sha256_empty_us: crossBuf,
  crossing_number_call_us: crossNum,
  native_rustcrypto_verify_us: native?.native_rustcrypto_verify_us ?? null,
  speedup_vs_noble: noble / wasm,
  webcrypto_speedup_vs_fhirbus: wasm / web,
  wasm_over_native: native ? wasm / native.native_rustcrypto_verify_us : null,
};

if (JSON_OUT) {
  console.log(JSON.stringify(result));
} else {
  console.log(`ECDSA P-256 verify, one process (Node ${process.version}, ${result.cpu})`);
  console.log(`same key, ${message.length}-byte message and signature; median per call over ${ROUNDS} interleaved rounds\n`);
  console.log(`  fhirbus-wasm ${pkg.version} verify()          ${f(wasm)} us`);
  console.log(`  @noble/curves ${noblePkg.version} p256.verify()   ${f(noble)} us   fhirbus-wasm is ${(noble / wasm).toFixed(2)}x faster`);
  console.log(`  WebCrypto subtle.verify() (OpenSSL)  ${f(web)} us   WebCrypto is ${(wasm / web).toFixed(2)}x faster than fhirbus-wasm`);
  if (native) {
    console.log(`  native Rust, same call, RustCrypto  ${f(native.native_rustcrypto_verify_us)} us   wasm / native = ${(wasm / native.native_rustcrypto_verify_us).toFixed(2)}x`);
  }
  console.log(`\n  crossing into WASM: a call with one empty Uint8Array in and 32 bytes out ${f(crossBuf)} us,`);
  console.log(`                      a call with a number in and a string out             ${f(crossNum)} us`);
  const layer = 4 * crossBuf;
  console.log(`  verify moves four buffers: about ${layer.toFixed(1)} us of its ${wasm.toFixed(0)} us (${((100 * layer) / wasm).toFixed(2)}%) is the crossing;`);
  console.log(`  the rest of the gap to native is WebAssembly code generation for the curve arithmetic.`);
  const goal = noble / wasm >= 3;
  console.log(`\n  goal >= 3x faster than @noble/curves: ${goal ? "met" : "NOT met"} (${(noble / wasm).toFixed(2)}x)`);
}

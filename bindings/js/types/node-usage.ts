// Type-checked with `tsc -p types` (scripts/test/wasm-node.sh): the package's declarations as
// a Node user sees them (`import ... from "fhirbus-wasm"`). Lines marked @ts-expect-error must
// fail to type-check: the declarations refuse those calls.
import * as fb from "fhirbus-wasm";
import type { FhirbusError, PointerContext, SealedPointer, WrapContext, WrappedKey } from "fhirbus-wasm";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const version: string = fb.version();
const names: (string | undefined)[] = Array.from(fb.errorCodes(), (c) => fb.errorCodeName(c));
const canonical: Uint8Array = fb.jcs(utf8('{"b":1,"a":2}'));
const digest: Uint8Array = fb.fhirDigest(utf8('{"resourceType":"Basic"}'), 0);

const key: fb.SigningKey = fb.SigningKey.generate();
const sig: Uint8Array = key.sign(6, utf8("message"));
try {
  fb.verify(key.publicKey(), 6, utf8("message"), key.keyId(), sig);
} catch (e) {
  const err = e as FhirbusError;
  const code: number = err.code;
  const name: string = err.codeName;
  void [code, name, err.detail, err.message];
}

const dataKey = fb.DataKey.generate();
const ctx: PointerContext = {
  patient: new Uint8Array(32),
  custodian: "hospital-a",
  resourceType: "Observation",
  digest,
  epoch: 1,
};
const sealed: SealedPointer = dataKey.sealPointer(ctx, "https://fhir.example/Observation/1/_history/1");
const url: string = dataKey.openPointer(ctx, sealed.nonce, sealed.ciphertext);

const encryptionKey = fb.EncryptionKey.fromSecret(new Uint8Array(32).fill(1));
const wctx: WrapContext = { patient: new Uint8Array(32), custodian: "hospital-a", epoch: 1 };
const wrapped: WrappedKey = fb.wrap(encryptionKey.publicKey(), dataKey, wctx);
const unwrapped: fb.DataKey = encryptionKey.unwrap(wctx, wrapped.keyId, wrapped.enc, wrapped.ciphertext);

const pseudonym: Uint8Array = fb.PseudonymKey.generate().pseudonym("urn:oid:1.2.3", "123");
const encoded: Uint8Array = fb.recordEntrySealAndSign("hospital-a", pseudonym, "Observation", digest, 1, 1764000000000n, url, dataKey, key);
const entry = fb.RecordEntry.decode(encoded);
const time: bigint = entry.timeMs;
const epoch: number = entry.epoch;
entry.verify(key.publicKey());
entry.checkResource(utf8('{"resourceType":"Observation"}'));

const keys = new fb.KeySet();
const kid: Uint8Array = keys.rotate(1, key.publicKey(), Date.now());
keys.revoke(kid, 10n);
keys.verify(6, utf8("message"), kid, sig, 5);

for (const handle of [key, dataKey, encryptionKey, unwrapped, entry, keys]) handle.free();
{
  using disposed = fb.DataKey.generate();
  void disposed;
}

// @ts-expect-error bytes, not a string
fb.jcs('{"a":1}');
// @ts-expect-error a number, not a string
fb.SigningKey.generate("2");
// @ts-expect-error handles come from the static constructors
new fb.SigningKey();
// @ts-expect-error a context needs every field
dataKey.sealPointer({ patient: new Uint8Array(32), custodian: "a" }, "x");
// @ts-expect-error a DataKey, not its bytes
fb.wrap(encryptionKey.publicKey(), dataKey.toBytes(), wctx);
// @ts-expect-error read-only
entry.custodian = "other";

void [version, names, canonical, sealed, unwrapped, time, epoch];
